"""A simulated town at the point level, written as an export the loaders read.

The town is a square of grid cells ("places"), grouped into square sectors with a
population. Every place has a monthly intensity from a :class:`~.processes.Process`;
counts are drawn month by month and every event gets a position (uniform in its
place) and a time (uniform in its month). Some places are *candidates* of equal
mean level; each measure is put at one candidate — the busiest of ``select_from``
of them over the before window, or one at random — and acts on the treated place
(and its ring) from its start. The truth (where each measure is, what it does) is
returned beside the files, so that a harness can score the library's verdicts.

Examples
--------
>>> import tempfile
>>> from diagnostic_lib.calibration import processes, town
>>> spec = town.TownSpec(cells=8, measures=2, months=48, start_month=36)
>>> sim = town.simulate(spec, processes.Process("iid"), seed=1)
>>> sorted(sim.truth.columns)[:3]
['measure_id', 'place', 'res']
>>> cfg = town.write(sim, tempfile.mkdtemp())
>>> cfg.name
'diagnostic.toml'
"""

from __future__ import annotations

import json
from dataclasses import dataclass, field
from os import PathLike
from pathlib import Path

import geopandas as gpd
import numpy as np
import pandas as pd
import shapely

from .processes import Process, busiest, intensity

ORIGIN = (280_000.0, 5_040_000.0)
"""South-west corner of the town, in EPSG:32188 (somewhere in southern Québec)."""


@dataclass(frozen=True)
class TownSpec:
    """The shape of a simulated town and of its measures.

    Attributes
    ----------
    cells : int
        Places per side (the town has ``cells²`` square places).
    cell_m : float
        Side of a place, in metres.
    sector_cells : int
        Places per side of a sector.
    population : float
        Residents of each sector.
    background : float
        Mean events per month of an ordinary place (log-normal across places, SD 1 on
        the log scale: most places are quiet, a few are busy).
    level : float
        Mean events per month of a candidate place (where measures go).
    measures : int
        Number of measures.
    start : str
        First day of the data.
    months : int
        Months of data.
    start_month : int
        Month (0-based, from ``start``) at which every measure starts.
    window_months : int
        Length of the before window that selection looks at.
    buffer_m : float
        Width of each measure's ring.
    category : str
        Category code of every event (and target of every measure).
    """

    cells: int = 16
    cell_m: float = 250.0
    sector_cells: int = 4
    population: float = 3000.0
    background: float = 1.0
    level: float = 10.0
    measures: int = 3
    start: str = "2018-01-01"
    months: int = 96
    start_month: int = 72
    window_months: int = 12
    buffer_m: float = 200.0
    category: str = "theft_from_vehicle"


@dataclass
class Town:
    """A simulated town: its tables and the truth about its measures.

    Attributes
    ----------
    spec : TownSpec
        Its shape.
    process : Process
        How its counts were made.
    sectors, measures : GeoDataFrame
        Sectors (with population) and measures, in EPSG:32188.
    incidents : DataFrame
        ``incident_id, occurred_from, category, x, y``.
    truth : DataFrame
        Per measure: ``measure_id, place, res, ring_change, select_from, start``.
    """

    spec: TownSpec
    process: Process
    sectors: pd.DataFrame
    measures: pd.DataFrame
    incidents: pd.DataFrame
    truth: pd.DataFrame
    meta: dict = field(default_factory=dict)


def _cells(spec: TownSpec) -> np.ndarray:
    """Polygon of every place, row by row from the south-west corner."""
    n, s = spec.cells, spec.cell_m
    i, j = np.divmod(np.arange(n * n), n)
    x0 = ORIGIN[0] + j * s
    y0 = ORIGIN[1] + i * s
    return shapely.box(x0, y0, x0 + s, y0 + s)


def _candidates(spec: TownSpec, k: int, rng: np.random.Generator) -> np.ndarray:
    """``measures × k`` candidate places, no two of them touching (odd rows and columns)."""
    n = spec.cells
    odd = np.arange(1, n, 2)
    pool = (odd[:, None] * n + odd[None, :]).ravel()
    need = spec.measures * k
    if need > len(pool):
        raise ValueError(
            f"{spec.measures} measures × {k} candidates need {need} separate places; "
            f"the town has {len(pool)}"
        )
    return rng.permutation(pool)[:need].reshape(spec.measures, k)


def _sectors(spec: TownSpec) -> pd.DataFrame:
    per = spec.cells // spec.sector_cells
    size = spec.sector_cells * spec.cell_m
    i, j = np.divmod(np.arange(per * per), per)
    x0 = ORIGIN[0] + j * size
    y0 = ORIGIN[1] + i * size
    ids = [f"S{k + 1:02d}" for k in range(per * per)]
    return gpd.GeoDataFrame(
        {
            "sector_id": ids,
            "name": [f"Secteur {k + 1}" for k in range(per * per)],
            "population": spec.population,
        },
        geometry=shapely.box(x0, y0, x0 + size, y0 + size),
        crs="EPSG:32188",
    )


def _points(polys: np.ndarray, owner: np.ndarray, rng: np.random.Generator) -> np.ndarray:
    """One uniform point inside ``polys[owner[i]]`` for each i (rejection from the bounds)."""
    bounds = shapely.bounds(polys)
    out = np.empty((len(owner), 2))
    todo = np.arange(len(owner))
    while len(todo):
        b = bounds[owner[todo]]
        x = rng.uniform(b[:, 0], b[:, 2])
        y = rng.uniform(b[:, 1], b[:, 3])
        inside = shapely.contains_xy(polys[owner[todo]], x, y)
        out[todo[inside], 0] = x[inside]
        out[todo[inside], 1] = y[inside]
        todo = todo[~inside]
    return out


def _times(month_index: np.ndarray, start: pd.Timestamp, rng: np.random.Generator) -> np.ndarray:
    """A uniform time in each event's month (to the minute)."""
    first = start.to_period("M").to_timestamp()
    edges = pd.date_range(first, periods=int(month_index.max(initial=0)) + 2, freq="MS")
    begin = edges.to_numpy()[month_index]
    length = (edges[1:] - edges[:-1]).to_numpy()[month_index] / np.timedelta64(1, "m")
    minutes = np.floor(rng.uniform(0, 1, len(month_index)) * length).astype("int64")
    return begin + minutes.astype("timedelta64[m]")


def _draw(spec: TownSpec, process: Process, rng: np.random.Generator):
    """Place levels, intensities and counts, and where each measure goes."""
    n_places = spec.cells**2
    k = max(1, int(process.select_from))
    cand = _candidates(spec, k, rng)
    # a continuum of levels, as in a real town: mostly quiet places, a few busy ones
    base = spec.background * np.exp(rng.normal(-0.5, 1.0, n_places))
    base[cand.ravel()] = spec.level
    first = pd.Timestamp(spec.start)
    lam = intensity(base, spec.months, process, rng, first_month=first.month)
    counts = rng.poisson(lam)
    before = slice(spec.start_month - spec.window_months, spec.start_month)
    if k > 1:
        treated = np.array([busiest(counts, row, before) for row in cand])
    else:
        treated = cand[:, 0]
    return lam, counts, treated


def _apply_effects(
    spec: TownSpec, process: Process, events: dict, lam: np.ndarray, treated: np.ndarray, rng
) -> dict:
    """Thin the treated places' events after the start; displace to, or thin, their rings."""
    cells = _cells(spec)
    after = events["month"] >= spec.start_month
    keep = np.ones(len(events["month"]), dtype=bool)
    rings = shapely.difference(
        shapely.buffer(cells[treated], spec.buffer_m, join_style="mitre"), cells[treated]
    )
    extra_xy, extra_month = [], []
    for t, ring in zip(treated, rings, strict=True):
        in_treated = after & (events["place"] == t)
        if process.res != 1.0:
            keep[in_treated] &= rng.uniform(size=in_treated.sum()) < 1.0 / process.res
        if process.ring_change == 0.0:
            continue
        in_ring = after & shapely.contains_xy(ring, events["xy"][:, 0], events["xy"][:, 1])
        if process.ring_change < 0:
            keep[in_ring] &= rng.uniform(size=in_ring.sum()) < 1.0 + process.ring_change
            continue
        share = shapely.area(shapely.intersection(cells, ring)) / spec.cell_m**2
        expected = process.ring_change * (share[:, None] * lam[:, spec.start_month :]).sum(axis=0)
        n_new = rng.poisson(expected)
        months = np.repeat(np.arange(spec.start_month, spec.months), n_new)
        extra_month.append(months)
        extra_xy.append(_points(np.array([ring]), np.zeros(len(months), dtype=int), rng))
    out = {key: value[keep] for key, value in events.items()}
    if extra_month:
        months = np.concatenate(extra_month)
        out["month"] = np.concatenate([out["month"], months])
        out["xy"] = np.concatenate([out["xy"], *extra_xy])
        out["place"] = np.concatenate([out["place"], np.full(len(months), -1)])
    return out


def simulate(spec: TownSpec, process: Process, seed: int = 0) -> Town:
    """Simulate one town under ``process``.

    Parameters
    ----------
    spec : TownSpec
        The town's shape.
    process : Process
        How counts are made and what the measures do.
    seed : int
        Random seed (the same seed gives the same town).

    Returns
    -------
    Town

    Examples
    --------
    >>> from diagnostic_lib.calibration.processes import Process
    >>> t = simulate(TownSpec(cells=8, measures=2, months=36, start_month=24), Process("iid"), 3)
    >>> len(t.measures), bool(len(t.incidents) > 1000)
    (2, True)
    """
    rng = np.random.default_rng(seed)
    lam, counts, treated = _draw(spec, process, rng)
    cells = _cells(spec)
    place, month = np.nonzero(counts)
    reps = counts[place, month]
    place, month = np.repeat(place, reps), np.repeat(month, reps)
    events = {"place": place, "month": month, "xy": _points(cells, place, rng)}
    events = _apply_effects(spec, process, events, lam, treated, rng)
    order = np.lexsort((events["xy"][:, 0], events["month"]))
    when = _times(events["month"][order], pd.Timestamp(spec.start), rng)
    incidents = pd.DataFrame(
        {
            "incident_id": [f"SIM-{i + 1:07d}" for i in range(len(order))],
            "occurred_from": pd.to_datetime(when).strftime("%Y-%m-%d %H:%M"),
            "category": spec.category,
            "x": np.round(events["xy"][order, 0], 1),
            "y": np.round(events["xy"][order, 1], 1),
        }
    )
    start = (pd.Timestamp(spec.start) + pd.DateOffset(months=spec.start_month)).normalize()
    ids = [f"M{i + 1:02d}" for i in range(spec.measures)]
    measures = gpd.GeoDataFrame(
        {
            "measure_id": ids,
            "name": [f"Mesure {i}" for i in ids],
            "name_en": [f"Measure {i}" for i in ids],
            "pillar": "prevention",
            "kind": "hot_spot_patrol",
            "target_categories": spec.category,
            "start": start.strftime("%Y-%m-%d"),
            "footprint": "polygon",
            "buffer_m": spec.buffer_m,
        },
        geometry=cells[treated],
        crs="EPSG:32188",
    )
    truth = pd.DataFrame(
        {
            "measure_id": ids,
            "place": treated,
            "res": process.res,
            "ring_change": process.ring_change,
            "select_from": max(1, process.select_from),
            "start": start,
        },
    )
    return Town(spec, process, _sectors(spec), measures, incidents, truth, {"seed": seed})


def write(town: Town, folder: str | PathLike[str]) -> Path:
    """Write the town as files (CSV incidents, GeoJSON sectors and measures) and its config.

    Parameters
    ----------
    town : Town
        From :func:`simulate`.
    folder : path
        Where to write (created if needed).

    Returns
    -------
    pathlib.Path
        The ``diagnostic.toml`` to give to :func:`diagnostic_lib.loaders.load_diagnostic`.

    Examples
    --------
    >>> import tempfile
    >>> from diagnostic_lib.calibration.processes import Process
    >>> t = simulate(TownSpec(cells=8, measures=1, months=36, start_month=24), Process("iid"), 3)
    >>> sorted(p.name for p in write(t, tempfile.mkdtemp()).parent.iterdir())
    ['diagnostic.toml', 'incidents.csv', 'measures.geojson', 'sectors.geojson', 'truth.json']
    """
    out = Path(folder)
    out.mkdir(parents=True, exist_ok=True)
    town.incidents.to_csv(out / "incidents.csv", index=False)
    town.sectors.to_file(out / "sectors.geojson", driver="GeoJSON")
    town.measures.to_file(out / "measures.geojson", driver="GeoJSON")
    spec = town.spec
    end = pd.Timestamp(spec.start) + pd.DateOffset(months=spec.months) - pd.Timedelta(days=1)
    truth = town.truth.assign(start=town.truth["start"].dt.strftime("%Y-%m-%d"))
    (out / "truth.json").write_text(
        json.dumps(
            {
                "process": town.process.__dict__,
                "seed": town.meta.get("seed"),
                "measures": truth.to_dict("records"),
            },
            default=str,
            indent=1,
        ),
        encoding="utf-8",
    )
    config = out / "diagnostic.toml"
    config.write_text(
        "\n".join(
            [
                "[municipality]",
                'name = "Ville simulée"',
                'crs = "EPSG:32188"',
                "[diagnostic]",
                'language = "en"',
                f'period_start = "{pd.Timestamp(spec.start).date()}"',
                f'period_end = "{end.date()}"',
                "[data.sectors]",
                'path = "sectors.geojson"',
                "[data.incidents]",
                'path = "incidents.csv"',
                "[data.measures]",
                'path = "measures.geojson"',
                "[parameters]",
                f"grid_cell_m = {spec.cell_m:g}",
                f"window_months = {spec.window_months}",
                "",
            ]
        ),
        encoding="utf-8",
    )
    return config
