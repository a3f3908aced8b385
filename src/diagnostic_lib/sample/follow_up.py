"""The year after the sample's plan: new incidents and a filled-in plan, with planted outcomes.

A trainer shows the diagnosis as a cycle: last year's diagnosis of the sample
(its ``plan.toml`` and its register ``problems.toml``, as ``make report``
writes them), then the data of the year after, then the follow-up
(``python -m diagnostic_lib follow-up``). :func:`generate_follow_up` writes
that year after into a folder of its own (the sample's files are never
touched):

* ``incidents.csv``: the sample's incidents, then 13 new months (the plan's
  after windows start a month after its start, and end 12 months later). The
  new months resample the sample's last year (each incident kept a Poisson
  number of times, at a few metres and days from where it was, seeded), so
  that nothing changes but what is planted:

  - an action **carried out that works**: its categories (and shift) in its
    target area fall by :data:`REDUCTION` from its start;
  - an action **carried out that does nothing**: nothing changes;
  - an action **not carried out**: nothing changes, and its indicators' done
    values are below the ``fidelity_share`` of their planned values;
  - a **moved problem** (a place problem of the register no action aims at):
    its events are :data:`MOVE_M` metres from where the register of a year ago
    found it. A simplification, stated: a problem that moved a year ago would
    still show at its old place in a diagnosis over every year, so the
    generator moves all its events (the new data's history of that problem
    differs from the sample's, and ``follow_up_truth.json`` says so);
  - a **new problem**: :data:`NEW_EVENTS` evening events a year of a category no
    action aims at (drug offences in the sample) in a 100-m patch far from every
    problem, in the new year only (a *new* emerging hot spot).

  The areas of actions that do nothing or were not carried out are left as
  they were (a neighbouring action's fall does not reach them).
* ``plan.toml``: the plan, each implementation indicator with a planned and a
  done value;
* ``diagnostic.toml`` and the sample's other tables;
* ``follow_up_truth.json``: what was planted (for the tests and the trainer).

Examples
--------
>>> ROLES
('works', 'no_effect', 'not_carried_out')
"""

from __future__ import annotations

import json
import math
import shutil
from collections.abc import Mapping
from os import PathLike
from pathlib import Path
from typing import Any

import geopandas as gpd
import numpy as np
import pandas as pd
import shapely

from .. import evaluation, inventory, loaders, measures, strategy
from ..config import load_config
from .constants import DEFAULT_SEED
from .entry_points import sample_dir

ROLES = ("works", "no_effect", "not_carried_out")
"""What became of an action: carried out and works, carried out and does nothing, not done."""

REDUCTION = 0.45
"""The fall planted in the target area of an action that works (share of its events)."""

MOVE_M = 400.0
"""How far the moved problem moved (metres)."""


NEW_EVENTS = 160
"""Events of the new problem in its year."""

NEW_MONTHS = 13
"""Months of new data: the plan's after windows (a month's lag, then 12 months)."""

_PLANNED = {
    "hours": 500,
    "cameras": 10,
    "lights": 40,
    "sites": 20,
    "sessions": 24,
    "people": 400,
    "meetings": 12,
    "actions": 10,
}
_DONE_SHARE = {"works": 0.95, "no_effect": 1.0, "not_carried_out": 0.3}
_NEW_CATEGORIES = ("drugs", "traffic", "weapons", "mischief", "theft")
_COLUMNS = (
    "incident_id",
    "occurred_from",
    "occurred_to",
    "category",
    "shift",
    "sector",
    "x",
    "y",
    "precision",
)
_TABLES = (
    "sectors.geojson",
    "measures.geojson",
    "survey.csv",
    "partners.csv",
    "places.geojson",
    "walks.geojson",
)


def default_roles(plan: pd.DataFrame, register: pd.DataFrame) -> dict[str, str]:
    """What becomes of each action when none is given (see :data:`ROLES`).

    The first municipality-wide action (else the last action) is not carried
    out; of the others, the last one aimed at a place does nothing; the rest
    are carried out and work.

    Examples
    --------
    >>> plan = pd.DataFrame({"plan_id": ["A01", "A02", "A03"], "problem_id": ["P1", "P2", "P3"]})
    >>> reg = pd.DataFrame({"problem_id": ["P1", "P2", "P3"],
    ...                     "kind": ["municipality", "place", "place"]})
    >>> default_roles(plan, reg)
    {'A01': 'not_carried_out', 'A02': 'works', 'A03': 'no_effect'}
    """
    kind = dict(zip(register["problem_id"], register["kind"], strict=True))
    ids = list(plan["plan_id"])
    kinds = [kind.get(p, "") for p in plan["problem_id"]]
    out = dict.fromkeys(ids, "works")
    town = [a for a, k in zip(ids, kinds, strict=True) if k == "municipality"]
    if ids:
        out[town[0] if town else ids[-1]] = "not_carried_out"
    places = [a for a, k in zip(ids, kinds, strict=True) if k == "place" and out[a] == "works"]
    if places:
        out[places[-1]] = "no_effect"
    return out


def filled_plan(
    plan: pd.DataFrame, roles: Mapping[str, str], share: float = _DONE_SHARE["works"]
) -> pd.DataFrame:
    """The plan with each indicator's planned and done values filled in as ``roles`` say.

    Examples
    --------
    >>> p = pd.DataFrame({"plan_id": ["A01"], "indicators": [[{"indicator_id": "A01-I1",
    ...     "unit": "lights", "planned": None, "done": None}]]})
    >>> filled_plan(p, {"A01": "not_carried_out"}).loc[0, "indicators"][0]["done"]
    12
    """
    out = plan.copy()
    filled = []
    for pid, inds in zip(out["plan_id"], out["indicators"], strict=True):
        role = roles.get(pid, "works")
        rows = []
        for ind in inds if isinstance(inds, list | tuple) else ():
            ind = dict(ind)
            planned = _PLANNED.get(str(ind.get("unit")), 10)
            done = _DONE_SHARE[role] if role != "works" else share
            ind.update(planned=planned, done=int(round(planned * done)))
            rows.append(ind)
        filled.append(tuple(rows))
    out["indicators"] = filled
    out.attrs = dict(plan.attrs)
    return out


def _resample(last_year: pd.DataFrame, rng: np.random.Generator, years: int) -> pd.DataFrame:
    """The sample's last months, a year (or two) on: kept a Poisson number of times, jittered."""
    copies = rng.poisson(1.0, len(last_year))
    out = last_year.loc[last_year.index.repeat(copies)].reset_index(drop=True)
    days = pd.to_timedelta(rng.integers(-3, 4, len(out)), unit="D")
    for col in ("occurred_from", "occurred_to"):
        out[col] = out[col] + pd.DateOffset(years=years) + days
    located = out["x"].notna()
    jitter = rng.uniform(-8.0, 8.0, (len(out), 2))
    out.loc[located, "x"] = (out.loc[located, "x"] + jitter[located.to_numpy(), 0]).round(1)
    out.loc[located, "y"] = (out.loc[located, "y"] + jitter[located.to_numpy(), 1]).round(1)
    return out


def _points(frame: pd.DataFrame) -> np.ndarray:
    return shapely.points(frame["x"].to_numpy(float), frame["y"].to_numpy(float))


def _aimed(frame: pd.DataFrame, design: Mapping[str, Any], area: Any) -> np.ndarray:
    """The incidents an action aims at: its categories, its shift, in its area (when located)."""
    cats = set(design.get("target_categories") or ())
    mask = frame["category"].isin(cats).to_numpy().copy() if cats else np.ones(len(frame), bool)
    shift = design.get("target_shift") or ""
    if shift:
        mask = mask & (frame["shift"] == shift).to_numpy()
    if area is not None and design.get("target_kind") != "municipality":
        mask = mask & shapely.contains_xy(
            area, frame["x"].to_numpy(float), frame["y"].to_numpy(float)
        )
    return mask


def _plant_effects(
    new: pd.DataFrame,
    plan: pd.DataFrame,
    areas: Mapping[str, Any],
    roles: Mapping[str, str],
    rng: np.random.Generator,
) -> pd.DataFrame:
    """Thin the events aimed at by the actions that work, from their start."""
    spared = [
        areas.get(rec.problem_id)
        for rec in plan.itertuples(index=False)
        if roles.get(rec.plan_id) != "works"
        and isinstance(rec.design, Mapping)
        and rec.design.get("target_kind") != "municipality"
    ]
    spared = [a for a in spared if a is not None]
    keep_out = shapely.union_all(spared) if spared else None
    drop = np.zeros(len(new), bool)
    for rec in plan.itertuples(index=False):
        if roles.get(rec.plan_id) != "works" or not isinstance(rec.design, Mapping):
            continue
        hit = _aimed(new, rec.design, areas.get(rec.problem_id))
        hit = hit & (new["occurred_from"] >= pd.Timestamp(rec.design["start"])).to_numpy()
        if keep_out is not None:
            hit = hit & ~shapely.contains_xy(
                keep_out, new["x"].to_numpy(float), new["y"].to_numpy(float)
            )
        drop |= hit & (rng.random(len(new)) < REDUCTION)
    return new.loc[~drop]


def _moved_problem(register: pd.DataFrame, plan: pd.DataFrame, town: Any) -> tuple[str, Any]:
    """A place problem no action aims at, and where it moves (:data:`MOVE_M` away, in town)."""
    aimed = set(plan["problem_id"])
    located = register["problem_id"].isin(aimed) & (register["kind"] != "municipality")
    zones = register.loc[located].geometry
    busy = shapely.union_all(np.asarray(zones.array)) if len(zones) else shapely.Point()
    places = register[(register["kind"] == "place") & ~register["problem_id"].isin(aimed)]
    for rec in places.sort_values("last_12", ascending=False).itertuples():
        if rec.geometry.intersects(busy):
            continue
        for angle in range(0, 360, 45):
            dx = MOVE_M * math.cos(math.radians(angle))
            dy = MOVE_M * math.sin(math.radians(angle))
            moved = shapely.affinity.translate(rec.geometry, dx, dy)
            if town.contains(moved) and not moved.buffer(200).intersects(busy):
                return str(rec.problem_id), (round(dx, 1), round(dy, 1))
    raise ValueError("no place problem of the register can be moved")


def _placed(frame: pd.DataFrame, sectors: gpd.GeoDataFrame, touched: np.ndarray, new: Any):
    """The rows ``touched`` (new or moved) in the sector of their position.

    A new row whose jittered position left the town is left out (a resampled copy);
    the sample's rows are all kept.
    """
    x, y = frame["x"].to_numpy(float), frame["y"].to_numpy(float)
    sector = np.full(len(frame), "", dtype=object)
    for sid, geom in zip(sectors["sector_id"], sectors.geometry, strict=True):
        shapely.prepare(geom)
        sector[touched & (sector == "") & shapely.intersects_xy(geom, x, y)] = sid
    found = touched & frame["x"].notna().to_numpy() & (sector != "")
    out = frame.copy()
    out.loc[found, "sector"] = sector[found]
    lost = touched & frame["x"].notna().to_numpy() & (sector == "") & np.asarray(new)
    return out.loc[~lost]


def _move(frame: pd.DataFrame, area: Any, categories: Any, offset: tuple) -> np.ndarray:
    """Move (in place) the problem's events by ``offset``; which rows moved."""
    cats = set(categories)
    inside = shapely.contains_xy(area, frame["x"].to_numpy(float), frame["y"].to_numpy(float))
    sel = inside & frame["category"].isin(cats).to_numpy()
    frame.loc[sel, "x"] = (frame.loc[sel, "x"] + offset[0]).round(1)
    frame.loc[sel, "y"] = (frame.loc[sel, "y"] + offset[1]).round(1)
    return sel


def _new_spot(register: pd.DataFrame, sectors: gpd.GeoDataFrame, plan: pd.DataFrame) -> Any:
    """Where the new problem appears: a point of the quietest sector far from every problem."""
    located = register[register["kind"] == "place"].geometry
    aimed = set().union(
        *[
            set(d.get("target_sectors") or ())
            for d in plan["design"]
            if isinstance(d, Mapping) and d.get("target_kind") != "municipality"
        ]
    )
    near = shapely.union_all(np.asarray(located.array)).buffer(800)
    for rec in sectors.sort_values("population").itertuples():
        if rec.sector_id in aimed:
            continue
        spot = rec.geometry.buffer(-300).representative_point()
        if not spot.is_empty and not near.contains(spot):
            return rec.sector_id, spot
    raise ValueError("no quiet sector for the new problem")


def _new_category(plan: pd.DataFrame) -> str:
    """The new problem's category: one no action aims at (its rise must not reach a control)."""
    aimed = set().union(*[set(c or ()) for c in plan["categories"]])
    return next(c for c in _NEW_CATEGORIES if c not in aimed)


def _new_events(
    spot: Any, sector: str, start: pd.Timestamp, rng: np.random.Generator, category: str
) -> pd.DataFrame:
    """:data:`NEW_EVENTS` evening events within about 50 m of ``spot``, a year from ``start``."""
    n = NEW_EVENTS
    when = start + pd.to_timedelta(np.sort(rng.uniform(0, 365, n)), unit="D")
    when = when.floor("D") + pd.to_timedelta(rng.integers(16 * 60, 23 * 60, n), unit="min")
    return pd.DataFrame(
        {
            "occurred_from": when,
            "occurred_to": pd.NaT,
            "category": category,
            "shift": "soir",
            "sector": sector,
            "x": (spot.x + rng.uniform(-50, 50, n)).round(1),
            "y": (spot.y + rng.uniform(-50, 50, n)).round(1),
            "precision": "exact",
        }
    )


def _previous(out: Path) -> tuple[Path, Path]:
    """Last year's plan and register of the sample, as ``make report`` writes them, into ``out``.

    Steps 1 to 4 as the report runs them (step 4 knows what is in place from steps 2
    and 3), so the plan is the report's.
    """
    diag = loaders.load_diagnostic(sample_dir() / "diagnostic.toml")
    inv = inventory.run(diag)
    s2 = measures.run(diag, inv.problems, priority=inv.priority)
    s3 = evaluation.run(diag, inv.problems, priority=inv.priority, knox=inv.knox)
    plan = strategy.run(diag, inv, current=strategy.current_from_steps(diag, s2, s3)).plan
    start = pd.Timestamp(diag.config.period_end) + pd.Timedelta(days=1)
    path = strategy.write_plan_toml(plan, out / "plan", registered=start.date())
    toml, _ = inventory.write_register(inv.problems, out / "problems")
    return path, Path(toml)


def _incidents(source: Path, end: pd.Timestamp) -> pd.DataFrame:
    inc = pd.read_csv(source / "incidents.csv", dtype={"incident_id": str, "sector": str})
    for col in ("occurred_from", "occurred_to"):
        inc[col] = pd.to_datetime(inc[col], format="%Y-%m-%d %H:%M")
    return inc[inc["occurred_from"] < end]


def _config_text(source: Path, end: pd.Timestamp) -> str:
    text = (source / "diagnostic.toml").read_text(encoding="utf-8")
    last = (end + pd.DateOffset(months=NEW_MONTHS) - pd.Timedelta(days=1)).strftime("%Y-%m-%d")
    head = (
        "# The sample a year after its plan (python -m diagnostic_lib sample --follow-up).\n"
        "# L'échantillon un an après son plan.\n"
    )
    lines = []
    for ln in text.splitlines():
        if ln.startswith("#"):
            continue
        if ln.startswith("period_end"):
            # the year after may lie after today's date: the day of its export is stated
            exported = (end + pd.DateOffset(months=NEW_MONTHS)).strftime("%Y-%m-%d")
            ln = f'period_end = "{last}"\nexported_on = "{exported}"'
        lines.append(ln)
    return head + "\n".join(lines) + "\n"


def _write_incidents(frame: pd.DataFrame, path: Path) -> None:
    out = frame.copy()
    for col in ("occurred_from", "occurred_to"):
        out[col] = out[col].dt.strftime("%Y-%m-%d %H:%M")
    out.to_csv(path, index=False, columns=list(_COLUMNS), float_format="%.1f")


def generate_follow_up(
    out: str | PathLike[str],
    plan: str | PathLike[str] | None = None,
    register: str | PathLike[str] | None = None,
    roles: Mapping[str, str] | None = None,
    seed: int = DEFAULT_SEED,
) -> Path:
    """Write the year after the sample's plan into ``out`` (see the module's docstring).

    Parameters
    ----------
    out : path
        A folder of its own (created; never the sample's).
    plan, register : path, optional
        Last year's ``plan.toml`` and ``problems.toml`` of the sample (as
        ``make report`` writes them into ``build/report``); default: computed
        from the sample as the report computes them (steps 1 to 4) and written
        into ``out/previous``.
    roles : mapping, optional
        ``plan_id`` → one of :data:`ROLES` (default: :func:`default_roles`).
    seed : int
        Of the new months' random draws.

    Returns
    -------
    pathlib.Path
        ``out/diagnostic.toml``, the follow-up's config.

    Examples
    --------
    >>> import tempfile
    >>> cfg = generate_follow_up(tempfile.mkdtemp())  # doctest: +SKIP
    """
    source, out = sample_dir(), Path(out)
    if out.resolve() == source.resolve():
        raise ValueError("the year after is written into a folder of its own, not the sample's")
    out.mkdir(parents=True, exist_ok=True)
    if plan is None or register is None:
        plan, register = _previous(out / "previous")
    prev = strategy.read_plan_toml(plan)
    reg = inventory.read_register(register)
    roles = dict(default_roles(prev, reg) if roles is None else roles)
    sectors = gpd.read_file(source / "sectors.geojson")
    town = shapely.union_all(np.asarray(sectors.geometry.array)).buffer(1.0)
    end = pd.Timestamp(load_config(source / "diagnostic.toml").period_end)
    end += pd.Timedelta(days=1)
    rng = np.random.default_rng(seed)
    old = _incidents(source, end)
    year = old[old["occurred_from"] >= end - pd.DateOffset(years=1)]
    first = year[year["occurred_from"] < end - pd.DateOffset(years=1) + pd.DateOffset(months=1)]
    new = pd.concat([_resample(year, rng, 1), _resample(first, rng, 2)], ignore_index=True)
    last = end + pd.DateOffset(months=NEW_MONTHS)
    new = new[(new["occurred_from"] >= end) & (new["occurred_from"] < last)]
    areas = dict(zip(reg["problem_id"], reg.geometry, strict=True))
    new = _plant_effects(new, prev, areas, roles, rng)
    moved, offset = _moved_problem(reg, prev, town)
    cats = reg.set_index("problem_id").loc[moved, "categories"]
    whole = pd.concat([old, new], ignore_index=True)
    fresh = (whole["occurred_from"] >= end).to_numpy()
    whole = _placed(whole, sectors, _move(whole, areas[moved], cats, offset) | fresh, fresh)
    sector, spot = _new_spot(reg, sectors, prev)
    category = _new_category(prev)
    spotted = _new_events(spot, sector, end, rng, category)
    whole = pd.concat([whole, spotted], ignore_index=True)
    whole = whole.sort_values("occurred_from", kind="stable").reset_index(drop=True)
    fresh = whole["occurred_from"] >= end
    number = whole.loc[fresh].groupby(whole.loc[fresh, "occurred_from"].dt.year).cumcount() + 1
    years = whole.loc[fresh, "occurred_from"].dt.year.astype(str)
    whole.loc[fresh, "incident_id"] = "RH-" + years + "-" + number.map("{:05d}".format)
    _write_incidents(whole, out / "incidents.csv")
    for name in _TABLES:
        shutil.copyfile(source / name, out / name)
    (out / "diagnostic.toml").write_text(_config_text(source, end), encoding="utf-8")
    strategy.write_plan_toml(filled_plan(prev, roles), out / "plan")
    truth = {
        "previous_plan": str(plan),
        "previous_register": str(register),
        "roles": roles,
        "reduction": REDUCTION,
        "moved": {
            "problem_id": moved,
            "offset_m": offset,
            "distance_m": MOVE_M,
            "note": "all its events moved, history included (a simplification)",
        },
        "new": {
            "sector": sector,
            "category": category,
            "x": round(spot.x, 1),
            "y": round(spot.y, 1),
        },
        "new_events": NEW_EVENTS,
        "seed": seed,
    }
    text = json.dumps(truth, indent=1, ensure_ascii=False) + "\n"
    (out / "follow_up_truth.json").write_text(text, encoding="utf-8")
    return out / "diagnostic.toml"
