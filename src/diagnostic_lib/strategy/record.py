"""The plan as a living record: ``plan.toml``, its implementation indicators and its designs.

Each action of the plan carries its owner, partners, dates, target areas and
categories, its **evaluation design** (:func:`evaluation_design`: fixed when
the plan is saved, with everything needed to run the same design again a year
later) and its **implementation indicators** (:func:`default_indicators`:
patrol hours done, cameras installed, sessions held, people reached…, each with
a planned value, a done value left empty until it is filled in, a unit and who
reports it).

:func:`write_plan_toml` writes the plan as hand-editable TOML, versioned
(:data:`SCHEMA_VERSION`) like the problem register, one ``[[action]]`` table
per action with its ``[action.design]`` and its ``[[action.indicator]]`` tables;
:func:`read_plan_toml` reads it back and never loses a field: a field it does
not know is kept, and writing what it read gives the same bytes.

Examples
--------
>>> [i["kind"] for i in default_indicators("A01", "foot_patrol")]
['patrol_hours', 'people_reached']
"""

from __future__ import annotations

import datetime as dt
import re
import tomllib
from collections.abc import Mapping, Sequence
from os import PathLike
from pathlib import Path
from typing import Any

import numpy as np
import pandas as pd

from .. import i18n
from ..errors import DataError, bilingual, unreadable
from ..inventory.register import _toml_str, _toml_value

FORMAT = "diagnostic_lib.action_plan"
"""The ``format`` of a plan file (JSON and TOML)."""

SCHEMA_VERSION = 1
"""Version of the layout of ``plan.toml``; a file of a later version is refused."""

INDICATOR_KINDS: dict[str, str] = {
    "patrol_hours": "hours",
    "cameras_installed": "cameras",
    "lights_installed": "lights",
    "sites_treated": "sites",
    "sessions_held": "sessions",
    "people_reached": "people",
    "meetings_held": "meetings",
    "actions_done": "actions",
}
"""Implementation indicator → its unit (labels ``strategy.indicator.<kind>``,
``strategy.unit.<unit>``)."""

_SITES = ("sites_treated",)
_PEOPLE = ("sessions_held", "people_reached")
_MEETINGS = ("meetings_held",)
RESPONSE_INDICATORS: dict[str, tuple[str, ...]] = {
    "street_lighting": ("lights_installed",),
    "cctv": ("cameras_installed",),
    "speed_cameras": ("cameras_installed",),
    "hot_spot_policing": ("patrol_hours",),
    "foot_patrol": ("patrol_hours", "people_reached"),
    "reassurance_policing": ("patrol_hours", "people_reached"),
    "car_park_security": _SITES,
    "target_hardening_homes": _SITES,
    "alley_gating": _SITES,
    "cpted": _SITES,
    "traffic_calming": _SITES,
    "graffiti_removal": _SITES,
    "situational_prevention": _SITES,
    "shop_theft_prevention": _SITES,
    "park_activation": ("sessions_held", "people_reached"),
    "youth_outreach": _PEOPLE,
    "mentoring": _PEOPLE,
    "school_antibullying": _PEOPLE,
    "fraud_awareness": _PEOPLE,
    "cyber_hygiene_business": _PEOPLE,
    "property_marking": ("people_reached",),
    "vehicle_security": ("people_reached",),
    "repeat_victimisation": ("people_reached",),
    "fraud_victim_support": ("people_reached",),
    "restorative_justice": ("people_reached",),
    "drug_treatment_courts": ("people_reached",),
    "focused_deterrence": ("meetings_held", "people_reached"),
    "neighbourhood_watch": ("meetings_held", "people_reached"),
    "procedural_justice": ("sessions_held",),
}
"""A response of the evidence catalogue → its default implementation indicators (any other
response: ``meetings_held`` when it rests on a partnership, else ``actions_done``)."""

ACTION_FIELDS: tuple[str, ...] = (
    "owner_fr",
    "owner_en",
    "partner_ids",
    "partner_names_fr",
    "partner_names_en",
    "start",
    "end",
    "sectors",
    "categories",
    "notes",
)
"""Action fields the analyst edits by hand (besides the indicators' values)."""

INDICATOR_FIELDS: tuple[str, ...] = (
    "indicator_id",
    "kind",
    "name_fr",
    "name_en",
    "unit",
    "planned",
    "done",
    "reported_by",
)
"""The fields of an implementation indicator, in the order they are written."""

_NUMBERS = ("planned", "done")  # empty ("") until filled in
_DATES = ("start", "end", "deadline", "reevaluation_date")
_LISTS = ("sectors", "categories")
_NESTED = {"design": "design", "indicators": "indicator"}  # column → TOML key


def default_indicators(
    plan_id: str, response_id: str, reported_by: str = "", pillars: Sequence[str] = ()
) -> list[dict[str, Any]]:
    """The implementation indicators of an action, planned and done values still empty.

    Parameters
    ----------
    plan_id : str
        The action's id (the indicators' ids are ``<plan_id>-I<n>``).
    response_id : str
        Its response in the evidence catalogue (see :data:`RESPONSE_INDICATORS`).
    reported_by : str
        Who reports the values (default: empty, to fill in).
    pillars : sequence of str
        The response's pillars (a ``partenariat`` response not in
        :data:`RESPONSE_INDICATORS` counts meetings held).

    Returns
    -------
    list of dict
        One dict per indicator, with the :data:`INDICATOR_FIELDS`.

    Examples
    --------
    >>> ind = default_indicators("A02", "cctv", "Service de police")
    >>> ind[0]["indicator_id"], ind[0]["name_en"], ind[0]["unit"], ind[0]["done"]
    ('A02-I1', 'Cameras installed', 'cameras', None)
    >>> [i["kind"] for i in default_indicators("A03", "my_own", pillars=["partenariat"])]
    ['meetings_held']
    """
    kinds = RESPONSE_INDICATORS.get(response_id)
    if kinds is None:
        kinds = _MEETINGS if "partenariat" in tuple(pillars) else ("actions_done",)
    return [
        {
            "indicator_id": f"{plan_id}-I{k}",
            "kind": kind,
            "name_fr": i18n.label("strategy.indicator", kind, "fr"),
            "name_en": i18n.label("strategy.indicator", kind, "en"),
            "unit": INDICATOR_KINDS[kind],
            "planned": None,
            "done": None,
            "reported_by": reported_by,
        }
        for k, kind in enumerate(kinds, start=1)
    ]


def evaluation_design(
    problem: Mapping[str, Any],
    start: pd.Timestamp,
    window_months: int,
    lag_months: int,
    buffer_m: float,
    rule: Any,
    history_months: int,
) -> dict[str, Any]:
    """The pre-registered evaluation design of an action, as plain values.

    What step 3 needs to run the same design again on new data: the target area
    (the problem of the register, its kind, sectors, categories and dominant
    shift), the control (``rest``: the rest of the municipality outside the
    target area and its ring, same categories; ``none`` for a municipality-wide
    problem, evaluated by an interrupted time series), the windows (before =
    ``[start − window, start)``, after = ``[start + lag, start + lag + window)``),
    the estimator and the verdict rules (the thresholds of
    :class:`~diagnostic_lib.evaluation.decision.Rule`). ``registered`` is left
    empty: :func:`write_plan_toml` fixes it on the day the plan is saved.

    Parameters
    ----------
    problem : mapping
        The problem's row of the register (``problem_id``, ``kind``, ``sectors``,
        ``categories``, ``dominant_shift``).
    start : Timestamp
        Planned start of the action.
    window_months, lag_months : int
        Months of each window and of the implementation lag.
    buffer_m : float
        Width of the ring around the target area (m).
    rule : Rule
        The verdict's thresholds.
    history_months : int
        Most months of history behind the placebo-corrected estimate.

    Returns
    -------
    dict

    Examples
    --------
    >>> from diagnostic_lib.evaluation.decision import Rule
    >>> d = evaluation_design({"problem_id": "P1", "kind": "place", "sectors": ("S1",),
    ...     "categories": ("theft",), "dominant_shift": "nuit"}, pd.Timestamp("2026-01-01"),
    ...     12, 3, 250.0, Rule(), 36)
    >>> d["control"], d["estimator"], d["after_start"], d["after_end"]
    ('rest', 'placebo_corrected_res', '2026-04-01', '2027-04-01')
    """
    municipality = problem.get("kind") == "municipality"
    shift = problem.get("dominant_shift")
    shift = shift if problem.get("kind") == "place" and shift not in (None, "mixed") else ""
    start = pd.Timestamp(start)
    after = start + pd.DateOffset(months=lag_months)

    def day(t: pd.Timestamp) -> str:
        return t.strftime("%Y-%m-%d")

    return {
        "registered": "",
        "target_problem": str(problem.get("problem_id", "")),
        "target_kind": str(problem.get("kind", "")),
        "target_sectors": tuple(str(s) for s in (problem.get("sectors") or ())),
        "target_categories": tuple(str(c) for c in (problem.get("categories") or ())),
        "target_shift": str(shift or ""),
        "control": "none" if municipality else "rest",
        "buffer_m": float(buffer_m),
        "estimator": "interrupted_time_series" if municipality else "placebo_corrected_res",
        "start": day(start),
        "before_start": day(start - pd.DateOffset(months=window_months)),
        "before_end": day(start),
        "after_start": day(after),
        "after_end": day(after + pd.DateOffset(months=window_months)),
        "window_months": int(window_months),
        "lag_months": int(lag_months),
        "history_months": int(history_months),
        "alpha": float(rule.alpha),
        "min_events": int(rule.min_events),
        "effect_margin": float(rule.margin),
        "promising_res": float(rule.promising),
        "promising_p": float(rule.promising_p),
        "min_history_months": int(rule.min_history_months),
        "min_placebos": int(rule.min_placebos),
        "rtm_alpha": float(rule.rtm_alpha),
    }


# --- writing ---------------------------------------------------------------------------------


def _lines_of(table: Mapping[str, Any], blank_numbers: bool = False) -> list[str]:
    """``key = value`` lines of a table (a missing value: no line; an empty number: ``""``)."""
    out = []
    for k, v in table.items():
        if v is None and not (blank_numbers and k in _NUMBERS):
            continue
        out.append(f"{_bare(k)} = {_text(v) if v is not None else chr(34) * 2}")
    return out


def _text(v: Any) -> str:
    """A TOML value; a table or a list holding one (a field added by hand) stays inline."""
    if isinstance(v, Mapping):
        inner = ", ".join(f"{_bare(k)} = {_text(x)}" for k, x in v.items() if x is not None)
        return "{ " + inner + " }" if inner else "{}"
    if isinstance(v, list | tuple) and any(isinstance(x, Mapping | list | tuple) for x in v):
        return "[" + ", ".join(_text(x) for x in v) + "]"
    return _toml_value(v)


def _bare(key: Any) -> str:
    """A TOML key: bare when it can be, else quoted."""
    key = str(key)
    return key if re.fullmatch(r"[A-Za-z0-9_-]+", key) else _toml_str(key)


def _scalar(v: Any) -> Any:
    """A value of the plan's frame as the TOML writer takes it (None: not written)."""
    if isinstance(v, list | tuple | np.ndarray):
        return tuple(v)
    if v is None or v is pd.NaT or v is pd.NA:
        return None
    if isinstance(v, pd.Timestamp | dt.date):
        return v.strftime("%Y-%m-%d")
    return v


def _header(registered: str) -> list[str]:
    fields = ", ".join(ACTION_FIELDS)
    return [
        "# Plan d'action — diagnostic_lib. Un [[action]] par action. Remplissez la valeur « done »"
        " de chaque [[action.indicator]] au fil de l'action (un nombre ; vide = pas encore dit).",
        "# Action plan — diagnostic_lib. One [[action]] per action. Fill in each "
        "[[action.indicator]]'s done value as the action runs (a number; empty = not reported).",
        "# Gardez plan_id et indicator_id ; ne modifiez pas [action.design] : le plan d'évaluation"
        f" a été fixé (préenregistré) le {registered}.",
        "# Keep plan_id and indicator_id; do not edit [action.design]: the evaluation design was "
        f"fixed (pre-registered) on {registered}.",
        f"# editable: {fields}, indicator planned, done, reported_by",
        "",
    ]


def plan_toml_text(plan: pd.DataFrame, registered: Any = None) -> str:
    r"""The text of ``plan.toml`` (see :func:`write_plan_toml`).

    Parameters
    ----------
    plan : DataFrame
        From :func:`~diagnostic_lib.strategy.action_plan` or :func:`read_plan_toml`.
    registered : date, optional
        The date a design without one is fixed on (default: today).

    Returns
    -------
    str

    Examples
    --------
    >>> p = pd.DataFrame({"plan_id": ["A01"], "target": [8], "sectors": [("S1", "S2")]})
    >>> print("\n".join(plan_toml_text(p, "2026-01-15").splitlines()[6:13]))
    schema_version = 1
    format = "diagnostic_lib.action_plan"
    <BLANKLINE>
    [[action]]
    plan_id = "A01"
    target = 8
    sectors = ["S1", "S2"]
    """
    day = pd.Timestamp(registered if registered is not None else dt.date.today())
    registered = day.strftime("%Y-%m-%d")
    fixed = [
        d.get("registered") or registered
        for d in plan.get("design", pd.Series(dtype=object))
        if isinstance(d, Mapping)
    ]
    lines = _header(min(fixed) if fixed else registered)
    lines += [f"schema_version = {SCHEMA_VERSION}", f"format = {_toml_str(FORMAT)}"]
    extra = plan.attrs.get("plan_toml_extra") or {}
    lines += _lines_of({k: _scalar(v) for k, v in extra.items()})
    lines.append("")
    scalars = [c for c in plan.columns if c not in _NESTED]
    for rec in plan.to_dict("records"):
        lines.append("[[action]]")
        lines += _lines_of({c: _scalar(rec[c]) for c in scalars})
        design = rec.get("design")
        if isinstance(design, Mapping):
            design = dict(design)
            design["registered"] = design.get("registered") or registered
            lines += ["", "[action.design]"]
            lines += _lines_of({k: _scalar(v) for k, v in design.items()})
        for ind in _indicator_list(rec.get("indicators")):
            lines += ["", "[[action.indicator]]"]
            ordered = {k: ind.get(k) for k in INDICATOR_FIELDS if k in ind}
            ordered.update({k: v for k, v in ind.items() if k not in ordered})
            lines += _lines_of({k: _scalar(v) for k, v in ordered.items()}, blank_numbers=True)
        lines.append("")
    return "\n".join(lines)


def _indicator_list(value: Any) -> list[Mapping[str, Any]]:
    if isinstance(value, list | tuple | np.ndarray):
        return [i for i in value if isinstance(i, Mapping)]
    return []


def write_plan_toml(plan: pd.DataFrame, path: str | PathLike[str], registered: Any = None) -> Path:
    """Write the plan as hand-editable TOML, ``<path>.toml``.

    Versioned (``schema_version``, :data:`SCHEMA_VERSION`) and commented like the
    problem register (:func:`~diagnostic_lib.inventory.write_register`): one
    ``[[action]]`` table per action with every column of the plan, its
    ``[action.design]`` (the evaluation design, whose ``registered`` date is set
    to ``registered`` when empty: the design is fixed the day the plan is first
    saved, and a later save keeps that date) and its ``[[action.indicator]]``
    tables (``done = ""`` until it is filled in). A missing value is left out;
    writing what :func:`read_plan_toml` read gives the same bytes.

    Parameters
    ----------
    plan : DataFrame
        From :func:`~diagnostic_lib.strategy.action_plan` or :func:`read_plan_toml`.
    path : path
        Base path (a ``.toml`` suffix is accepted too).
    registered : date, optional
        The date a design is fixed on (default: today).

    Returns
    -------
    pathlib.Path

    Examples
    --------
    >>> import tempfile
    >>> p = pd.DataFrame({"plan_id": ["A01"], "response_id": ["cctv"]})
    >>> p["indicators"] = [default_indicators("A01", "cctv")]
    >>> t = write_plan_toml(p, Path(tempfile.mkdtemp()) / "plan")
    >>> read_plan_toml(t).loc[0, "indicators"][0]["unit"]
    'cameras'
    """
    base = Path(path)
    base = base.with_suffix("") if base.suffix in (".toml", ".json", ".xlsx") else base
    base.parent.mkdir(parents=True, exist_ok=True)
    out = base.with_suffix(".toml")
    out.write_text(plan_toml_text(plan, registered), encoding="utf-8")
    return out


# --- reading ---------------------------------------------------------------------------------


def _fail(path: Path, action: Any, field: str, what: str, value: Any) -> DataError:
    """A clear error naming the file, the action and the field."""
    shown = repr(value)
    shown = shown if len(shown) <= 60 else shown[:59] + "…"
    en, fr = (
        i18n.t(
            "strategy.plan.error.field",
            lang,
            action=action,
            field=field,
            value=shown,
            reason=i18n.t(f"strategy.plan.error.{what}", lang),
        )
        for lang in ("en", "fr")
    )
    return DataError(f"{path}: {en} / {fr}")


def _action_at(text: str, line: int) -> str:
    """The ``plan_id`` of the action a line of the file belongs to ("?" when none)."""
    found = "?"
    for row in text.splitlines()[:line]:
        if row.strip().startswith("[[action]]"):
            found = "?"
        m = re.match(r'\s*plan_id\s*=\s*"([^"]*)"', row)
        if m:
            found = m.group(1)
    return found


def _parse(path: Path) -> dict[str, Any]:
    try:
        text = path.read_text(encoding="utf-8-sig")
    except (OSError, UnicodeDecodeError) as exc:
        raise DataError(f"{path}: {unreadable(exc, 'toml')}") from None
    try:
        return tomllib.loads(text)
    except tomllib.TOMLDecodeError as exc:
        m = re.search(r"line (\d+)", str(exc))
        action = _action_at(text, int(m.group(1))) if m else "?"
        where = ""
        if action != "?":
            en, fr = (
                i18n.t("strategy.plan.error.in_action", lang, action=action)
                for lang in ("en", "fr")
            )
            where = (en if en == fr else f"{en} / {fr}") + ": "
        raise DataError(f"{path}: {where}{unreadable(exc, 'toml')}") from None


def _number(path: Path, action: str, field: str, v: Any) -> Any:
    if v == "":
        return None
    if isinstance(v, bool) or not isinstance(v, int | float) or not 0 <= v < float("inf"):
        raise _fail(path, action, field, "not_number", v)
    return v


def _check_indicators(path: Path, aid: str, value: Any) -> tuple[dict[str, Any], ...]:
    if not isinstance(value, list) or not all(isinstance(i, dict) for i in value):
        raise _fail(path, aid, "indicator", "not_tables", value)
    out, seen = [], set()
    for n, ind in enumerate(value, start=1):
        iid = ind.get("indicator_id")
        name = f"indicator[{iid if iid is not None else n}]"
        if not isinstance(iid, str) or not iid:
            raise _fail(path, aid, f"{name}.indicator_id", "no_indicator_id", iid)
        if iid in seen:
            raise _fail(path, aid, f"{name}.indicator_id", "duplicated", iid)
        seen.add(iid)
        ind = dict(ind)
        for k in _NUMBERS:
            if k in ind:
                ind[k] = _number(path, aid, f"{name}.{k}", ind[k])
        out.append(ind)
    return tuple(out)


def _check_action(path: Path, n: int, rec: dict[str, Any]) -> dict[str, Any]:
    aid = rec.get("plan_id")
    if not isinstance(aid, str) or not aid:
        raise _fail(path, f"#{n}", "plan_id", "no_plan_id", aid)
    for k in _DATES:
        v = rec.get(k)
        if v is not None and v != "" and not _is_date(v):
            raise _fail(path, aid, k, "not_date", v)
    for k in _LISTS:
        if k in rec:
            if not isinstance(rec[k], list):
                raise _fail(path, aid, k, "not_list", rec[k])
            rec[k] = tuple(rec[k])
    if "design" in rec:
        if not isinstance(rec["design"], dict):
            raise _fail(path, aid, "design", "not_table", rec["design"])
        design = rec["design"]
        rec["design"] = {k: tuple(v) if isinstance(v, list) else v for k, v in design.items()}
    if "indicator" in rec:
        rec["indicators"] = _check_indicators(path, aid, rec.pop("indicator"))
    return {k: tuple(v) if isinstance(v, list) else v for k, v in rec.items()}


def _is_date(v: Any) -> bool:
    if isinstance(v, dt.date):
        return True
    try:
        pd.Timestamp(str(v))
    except (ValueError, TypeError):
        return False
    return bool(re.fullmatch(r"\d{4}-\d{2}-\d{2}.*", str(v)))


def read_plan_toml(path: str | PathLike[str]) -> pd.DataFrame:
    """Read ``plan.toml`` (written by :func:`write_plan_toml`, perhaps edited by hand).

    Every field is kept, known or not: an action's fields are the columns (in
    the order of the file), its design the ``design`` column (a dict) and its
    indicators the ``indicators`` column (a tuple of dicts; an empty
    ``planned`` or ``done`` is ``None``); unknown top-level keys are kept in
    ``attrs["plan_toml_extra"]``. :func:`write_plan_toml` writes them all back.

    Parameters
    ----------
    path : path
        The ``.toml`` file (or its base path).

    Returns
    -------
    DataFrame
        One row per action.

    Raises
    ------
    DataError
        Not found, not TOML, not a plan, a later schema version, or a bad field:
        the message names the file, the action and the field.

    Examples
    --------
    >>> read_plan_toml("/no/plan.toml")
    Traceback (most recent call last):
    ...
    diagnostic_lib.errors.DataError: /no/plan.toml: action plan not found: ...
    """
    p = Path(path)
    p = p if p.suffix == ".toml" else p.with_suffix(".toml")
    if not p.is_file() and not p.is_dir():
        raise DataError(f"{p}: {bilingual('strategy.plan.not_found')}")
    doc = _parse(p)
    if doc.get("format") != FORMAT:
        raise DataError(f"{p}: {bilingual('strategy.plan.error.not_plan')}")
    version = doc.get("schema_version")
    if isinstance(version, bool) or not isinstance(version, int) or version > SCHEMA_VERSION:
        message = bilingual(
            "strategy.plan.error.schema", value=repr(version), version=SCHEMA_VERSION
        )
        raise DataError(f"{p}: {message}")
    actions = doc.get("action", [])
    if not isinstance(actions, list) or not all(isinstance(a, dict) for a in actions):
        value = repr(actions)
        value = value if len(value) <= 60 else value[:59] + "…"
        raise DataError(f"{p}: {bilingual('strategy.plan.error.actions', value=value)}")
    recs = [_check_action(p, n, dict(a)) for n, a in enumerate(actions, start=1)]
    ids = [r["plan_id"] for r in recs]
    for aid in ids:
        if ids.count(aid) > 1:
            raise _fail(p, aid, "plan_id", "duplicated", aid)
    columns: list[str] = []
    for r in recs:
        columns += [k for k in r if k not in columns]
    data = {}
    for c in columns:
        values = [r.get(c) for r in recs]
        nested = c in _NESTED or any(isinstance(v, tuple | dict) for v in values)
        plain = not nested and all(c in r for r in recs)
        data[c] = pd.Series(values, dtype=None if plain else object)
    out = pd.DataFrame(data, index=pd.RangeIndex(len(recs)))
    out.attrs["plan_toml_extra"] = {
        k: v for k, v in doc.items() if k not in ("format", "schema_version", "action")
    }
    return out
