"""Step 2 — inventory of the preventive measures in place.

What is already being done, by whom, where and against which problem — and
where nothing is being done. Draws on the partnership pillar. Every function
is pure (tables in, tables out); the notebook ``02_measures.ipynb`` and the
report only call them. :func:`run` computes the whole step at once.

Sections
--------
- Registry: :func:`status`, :func:`registry`, :func:`registry_summary`,
  :func:`for_display`.
- Footprints: :func:`treated_area` (the area where each measure acts: its
  polygon; its point or line widened by ``reach_m``, default
  :data:`DEFAULT_REACH_M`; its sectors; the whole municipality; or nothing),
  :func:`buffer_ring` (the ring around it, used for displacement and diffusion
  of benefits in step 3), :func:`buffer_rings` (one width per measure),
  :func:`measure_sectors` (the sectors each measure touches).
- Coverage: :func:`coverage` (problems × measures, long form),
  :func:`coverage_matrix`, :func:`problem_coverage` (for each problem, its
  measures), :func:`measure_coverage` (for each measure, its problems).
- Gaps: :func:`coverage_gaps`, :func:`single_pillar`, :func:`sector_gaps`.
- Partners: :func:`partner_roles`, :func:`partner_suggestions`
  (with :data:`DEFAULT_EXPERTISE_MAP`).
- Security issues from the survey: :func:`perception_issues`.
- Around a measure: :func:`before_after_incidents`,
  :func:`before_after_counts` (plain counts; step 3 does the statistics),
  :func:`measure_card`, :func:`problem_card`.

Coverage rule
-------------
For each problem *p* and measure *m* (see :func:`coverage`):

1. **Thematic share** — the share of *p*'s incidents whose category *m*
   targets (an empty target list means every category). Without incidents,
   each of *p*'s categories counts equally; for a perception issue, each
   over-represented concern weighs its excess over the municipal share.
2. **Spatial share** — the share of *p*'s located incidents inside *m*'s
   treated area (point, line and polygon footprints), or of *p*'s incidents
   recorded in *m*'s sectors (sector and municipality-wide footprints;
   incidents with no sector are left out of the denominator).
   Without incidents (or for a perception issue), the share of *p*'s area
   inside the treated area. A municipality-wide problem is covered spatially
   only by sector and municipality-wide measures (a local footprint gives 0).
3. **Score** = thematic share × spatial share, and the **level**:
   ``none`` below 0.05, ``weak`` below 0.25, ``partial`` below 0.6,
   ``strong`` from 0.6 (see :data:`DEFAULT_THRESHOLDS`). Then:

   - a measure with **no footprint** cannot be placed: ``weak`` when it
     targets the problem's categories, else ``none``;
   - a **municipality-wide** measure on a local problem (place, area,
     perception) is diffuse: at most ``weak``;
   - **time**: when *m* targets shifts and *p*'s dominant shift (step 1) is
     not one of them, the level drops one step, never below ``weak`` (the
     measure acts on the right place and offences at another time).

4. **Status** (relative to the reference date, the end of the study
   period): ``planned`` (starts later), ``active``, ``ended`` (ended before).
   The level describes how a measure addresses a problem whatever its status;
   only **active** measures make a problem *covered now* (``current``).
   Planned and ended measures stay visible in the tables (and a problem
   covered only by them is a gap labelled ``only_planned`` / ``only_ended``).
   A measure that started before the data (no "before" period) counts as any
   active measure here; it is step 3 that cannot evaluate it.

Examples
--------
>>> from diagnostic_lib import loaders, measures, sample
>>> d = loaders.load_diagnostic(sample.sample_dir() / "diagnostic.toml")
>>> area = measures.treated_area(d.measures, d.sectors)
>>> ring = measures.buffer_ring(area, 200)
>>> bool(area.loc[d.measures["footprint"] == "none"].isna().all())
True
>>> sorted(measures.status(d.measures, d.config.period_end).value_counts().items())
[('active', 16), ('ended', 1), ('planned', 1)]
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from dataclasses import dataclass, field
from typing import Any

import numpy as np
import pandas as pd

from . import i18n, schema
from ._spatial import PointIndex, distinct_geometries

DEFAULT_REACH_M = 50.0
"""How far around a point or line footprint a measure acts when ``reach_m`` is not given."""


def treated_area(
    measures: pd.DataFrame, sectors: pd.DataFrame, default_reach: float = DEFAULT_REACH_M
):
    """The area where each measure acts (GeoSeries aligned with ``measures``).

    ======================  =============================================
    footprint               treated area
    ======================  =============================================
    ``polygon``             the polygon
    ``point``, ``line``     the geometry buffered by ``reach_m``
                            (``default_reach`` when missing)
    ``sectors``             the union of ``footprint_sectors``
    ``municipality``        the union of all sectors
    ``none``                missing (None)
    ======================  =============================================

    Parameters
    ----------
    measures, sectors : GeoDataFrame
        Canonical tables (same CRS).
    default_reach : float
        Metres.

    Returns
    -------
    geopandas.GeoSeries

    Examples
    --------
    >>> import geopandas as gpd, shapely
    >>> sec = gpd.GeoDataFrame({"sector_id": ["A", "B"]}, geometry=[shapely.box(0, 0, 10, 10), shapely.box(10, 0, 20, 10)])
    >>> m = gpd.GeoDataFrame({"footprint": ["point", "sectors", "municipality", "none"],
    ...     "footprint_sectors": [(), ("B",), (), ()], "reach_m": [5.0, np.nan, np.nan, np.nan]},
    ...     geometry=[shapely.Point(0, 0), None, None, None])
    >>> treated_area(m, sec).area.round(1).tolist()
    [78.0, 100.0, 200.0, nan]
    """
    import geopandas as gpd
    import shapely

    sec_geoms = dict(
        zip(sectors["sector_id"].astype(str), np.asarray(sectors.geometry.array), strict=True)
    )
    whole = shapely.union_all(np.asarray(sectors.geometry.array))
    reach = (
        measures["reach_m"].astype("float64")
        if "reach_m" in measures.columns
        else pd.Series(np.nan, index=measures.index)
    )
    out = []
    for fp, geom, fs, r in zip(
        measures["footprint"], measures.geometry, measures["footprint_sectors"], reach, strict=True
    ):
        if fp == "polygon" and geom is not None:
            out.append(geom)
        elif fp in ("point", "line") and geom is not None:
            out.append(shapely.buffer(geom, float(r) if np.isfinite(r) else default_reach))
        elif fp == "sectors" and len(fs):
            parts = [sec_geoms[s] for s in fs if s in sec_geoms]
            out.append(shapely.union_all(parts) if parts else None)
        elif fp == "municipality":
            out.append(whole)
        else:
            out.append(None)
    return gpd.GeoSeries(out, index=measures.index, crs=getattr(measures, "crs", None))


def buffer_ring(areas: Any, width: float, within: Any = None):
    """The ring of ``width`` metres around each area (the area itself excluded).

    Parameters
    ----------
    areas : GeoSeries
        From :func:`treated_area`.
    width : float
        Metres.
    within : shapely geometry, optional
        Clip the rings to it (e.g. the municipality).

    Returns
    -------
    geopandas.GeoSeries
        Aligned with ``areas``; missing where the area is missing.

    Examples
    --------
    >>> import geopandas as gpd, shapely
    >>> ring = buffer_ring(gpd.GeoSeries([shapely.box(0, 0, 10, 10), None]), 5)
    >>> round(float(ring.iloc[0].area), 1), ring.iloc[1] is None
    (278.0, True)
    """
    import geopandas as gpd
    import shapely

    arr = np.asarray(areas.array if hasattr(areas, "array") else areas, dtype=object)
    has = ~pd.isna(pd.Series(arr)).to_numpy()
    out = np.full(len(arr), None, dtype=object)
    if has.any():
        # identical areas (every municipality-wide measure, say) get one ring
        codes, g = distinct_geometries(arr[has])
        ring = shapely.difference(shapely.buffer(g, width), g)
        if within is not None:
            ring = shapely.intersection(ring, within)
        out[has] = ring[codes]
    return gpd.GeoSeries(out, index=getattr(areas, "index", None), crs=getattr(areas, "crs", None))


# ----------------------------------------------------------------------------
# Constants
# ----------------------------------------------------------------------------
STATUSES: tuple[str, ...] = ("planned", "active", "ended")
"""Status of a measure relative to a reference date (see :func:`status`)."""

LEVELS: tuple[str, ...] = ("none", "weak", "partial", "strong")
"""Coverage levels, from none to strong (see the module's coverage rule)."""

GAP_LEVELS: tuple[str, ...] = ("none", "weak")
"""Coverage levels that make a problem a gap."""

DEFAULT_THRESHOLDS: dict[str, float] = {"weak": 0.05, "partial": 0.25, "strong": 0.6}
"""Lowest score (thematic share × spatial share) of each coverage level."""

MAX_COVERAGE_PAIRS = 5_000_000
"""Above this many problem × measure pairs, :func:`run` keeps only the related pairs."""

DEFAULT_BUFFER_M = 200.0
"""Default width of the buffer ring around a treated area, in metres."""

DEFAULT_WINDOW_DAYS = 365
"""Length of the "before" and "after" windows around a measure's start (12 months)."""

DEFAULT_EXPERTISE_MAP: dict[str, tuple[str, ...]] = {
    "cybercrime": ("cyber_fraud", "fraud", "fraud_cyber"),
    "fraud": ("fraud", "cyber_fraud", "fraud_cyber"),
    "seniors": ("fraud", "cyber_fraud"),
    "victims": ("violent", "fraud_cyber", "burglary"),
    "youth": ("mischief", "disturbance", "drugs", "assault"),
    "addiction": ("drugs", "disturbance"),
    "mental_health": ("disturbance",),
    "licensed_venues": ("assault", "assault_armed", "disturbance", "mischief"),
    "lighting": ("mischief", "disturbance", "burglary", "theft_from_vehicle", "robbery", "assault"),
    "urban_design": ("property", "disorder"),
    "parking": ("vehicle_theft", "theft_from_vehicle"),
    "traffic_safety": ("traffic",),
    "retail": ("theft", "fraud"),
    "transit": ("robbery", "theft", "vehicle_theft", "theft_from_vehicle"),
    "neighbourhood_watch": ("burglary", "vehicle_theft", "theft_from_vehicle", "mischief"),
    "schools": ("mischief", "drugs", "traffic"),
}
"""Partner expertise code → the category codes or family codes it can help with.

Used by :func:`partner_suggestions` to say which partners could be mobilised for a
problem: a partner matches a problem when one of its expertise codes lists one of
the problem's categories or families. Replace it (or extend a copy) to fit local
partners: ``{**DEFAULT_EXPERTISE_MAP, "housing": ("burglary",)}``.
"""

_LEVEL_RANK = {lv: i for i, lv in enumerate(LEVELS)}


def _col(frame: pd.DataFrame, name: str, default: Any) -> pd.Series:
    if name in frame.columns:
        return frame[name]
    return pd.Series([default] * len(frame), index=frame.index, dtype=object)


def _tuple(v: Any) -> tuple:
    if v is None or (isinstance(v, float) and np.isnan(v)):
        return ()
    if isinstance(v, str):
        return tuple(s for s in v.replace("|", ";").split(";") if s) if v else ()
    return tuple(v)


def _missing(v: Any) -> bool:
    return v is None or (not isinstance(v, (tuple, list, dict)) and bool(pd.isna(v)))


def _active_problems(problems: pd.DataFrame) -> pd.DataFrame:
    if "excluded" in problems.columns:
        return problems[~problems["excluded"].fillna(False).astype(bool).to_numpy()]
    return problems


def _ref(ref_date: Any) -> pd.Timestamp:
    return pd.Timestamp(ref_date) if ref_date is not None else pd.Timestamp.today().normalize()


# ----------------------------------------------------------------------------
# Registry
# ----------------------------------------------------------------------------
def status(measures: pd.DataFrame, ref_date: Any) -> pd.Series:
    """Status of each measure at a reference date: ``planned``, ``active`` or ``ended``.

    ``planned`` when the measure starts after ``ref_date``; ``ended`` when it
    ended before ``ref_date``; ``active`` otherwise (including a measure with no
    known start, taken as already in place).

    Parameters
    ----------
    measures : DataFrame
        With ``start`` and ``end``.
    ref_date : date-like
        Usually the end of the study period.

    Returns
    -------
    Series
        Aligned with ``measures``.

    Examples
    --------
    >>> m = pd.DataFrame({"start": pd.to_datetime(["2024-01-01", "2027-01-01", "2022-05-01", None]),
    ...                   "end": pd.to_datetime([None, None, "2023-04-30", None])})
    >>> status(m, "2025-12-31").tolist()
    ['active', 'planned', 'ended', 'active']
    """
    ref = pd.Timestamp(ref_date)
    start = pd.to_datetime(measures["start"])
    end = pd.to_datetime(measures["end"])
    out = np.where(
        (start.notna() & (start > ref)).to_numpy(),
        "planned",
        np.where((end.notna() & (end < ref)).to_numpy(), "ended", "active"),
    )
    return pd.Series(out, index=measures.index, name="status", dtype="str")


def months_active(measures: pd.DataFrame, ref_date: Any, period_start: Any = None) -> pd.Series:
    """Months each measure was in place between ``period_start`` and ``ref_date``.

    A measure with no known start is counted from ``period_start`` (missing
    without it); a planned measure has 0 months. A month is 30.44 days.

    Examples
    --------
    >>> m = pd.DataFrame({"start": pd.to_datetime(["2025-01-01", "2027-01-01"]), "end": pd.NaT})
    >>> months_active(m, "2025-12-31").round(1).tolist()
    [12.0, 0.0]
    """
    ref = pd.Timestamp(ref_date)
    start = pd.to_datetime(measures["start"])
    end = pd.to_datetime(measures["end"])
    if period_start is not None:
        ps = pd.Timestamp(period_start)
        start = start.fillna(ps).clip(lower=ps)
    stop = end.fillna(ref).clip(upper=ref)
    days = (stop - start).dt.days.astype("float64").clip(lower=0.0)
    return (days / 30.4375).rename("months_active")


def measure_sectors(
    measures: pd.DataFrame, sectors: pd.DataFrame, areas: Any = None, min_share: float = 0.01
) -> pd.Series:
    """The sectors each measure touches.

    A municipality-wide measure touches every sector; a sector footprint its
    listed (known) sectors; a point, line or polygon footprint every sector
    holding at least ``min_share`` of its treated area; a measure with no
    footprint none.

    Parameters
    ----------
    measures, sectors : GeoDataFrame
    areas : GeoSeries, optional
        From :func:`treated_area` (computed when not given).
    min_share : float
        Smallest share of the treated area for a sector to count.

    Returns
    -------
    Series
        Tuple of sector ids per measure, aligned with ``measures``.

    Examples
    --------
    >>> import geopandas as gpd, shapely
    >>> sec = gpd.GeoDataFrame({"sector_id": ["A", "B"]}, geometry=[shapely.box(0, 0, 10, 10), shapely.box(10, 0, 20, 10)])
    >>> m = gpd.GeoDataFrame({"footprint": ["polygon", "municipality", "none"], "footprint_sectors": [(), (), ()]},
    ...     geometry=[shapely.box(8, 2, 12, 4), None, None])
    >>> measure_sectors(m, sec).tolist()
    [('A', 'B'), ('A', 'B'), ()]
    """
    import shapely

    if areas is None:
        areas = treated_area(measures, sectors)
    sid = sectors["sector_id"].astype(str).to_numpy()
    known = set(sid)
    sg = np.asarray(sectors.geometry.array, dtype=object)
    fp = _col(measures, "footprint", "none").astype(str).to_numpy()
    fs = _col(measures, "footprint_sectors", ())
    tree = shapely.STRtree(sg)  # only the sectors whose boxes meet an area are overlaid
    out = []
    for f, listed, a in zip(fp, fs, np.asarray(areas.array, dtype=object), strict=True):
        if f == "municipality":
            out.append(tuple(sid))
        elif f == "sectors":
            out.append(tuple(s for s in _tuple(listed) if s in known))
        elif a is None or a.is_empty:
            out.append(())
        else:
            cand = np.sort(tree.query(a))
            tot = float(a.area)
            if tot > 0:
                touched = shapely.area(shapely.intersection(sg[cand], a)) / tot >= min_share
            else:
                touched = shapely.intersects(sg[cand], a)
            out.append(tuple(sid[cand[touched]]))
    return pd.Series(out, index=measures.index, name="sectors_touched", dtype=object)


def registry(
    measures: pd.DataFrame,
    sectors: pd.DataFrame,
    partners: pd.DataFrame | None = None,
    ref_date: Any = None,
    period_start: Any = None,
    areas: Any = None,
) -> pd.DataFrame:
    """The register of measures: one row per measure, with status, partners and sectors.

    Nothing is dropped: a measure whose partner is not in the partners file
    keeps that id in ``partners`` and lists it in ``unknown_partners``; a
    measure with no footprint has ``has_area`` False and no sectors.

    Parameters
    ----------
    measures, sectors : GeoDataFrame
        Canonical tables.
    partners : DataFrame, optional
        To find unknown partner ids.
    ref_date : date-like, optional
        Reference date of the status (default: today); usually the end of the
        study period.
    period_start : date-like, optional
        Start of the study period (for ``months_active``).
    areas : GeoSeries, optional
        From :func:`treated_area`.

    Returns
    -------
    DataFrame
        Aligned with ``measures``: ``measure_id, name, name_en, pillar, kind,
        status, start, end, months_active, partners, unknown_partners,
        footprint, footprint_sectors, sectors_touched, has_area,
        target_categories, target_shifts, cost``.

    Examples
    --------
    >>> from diagnostic_lib import loaders, sample
    >>> d = loaders.load_diagnostic(sample.sample_dir() / "diagnostic.toml")
    >>> reg = registry(d.measures, d.sectors, d.partners, ref_date=d.config.period_end)
    >>> reg.loc[reg["measure_id"] == "M09", ["partners", "unknown_partners"]].values.tolist()
    [[('P02', 'P99'), ('P99',)]]
    """
    ref = _ref(ref_date)
    if areas is None:
        areas = treated_area(measures, sectors)
    out = pd.DataFrame(index=measures.index)
    out["measure_id"] = measures["measure_id"].astype(str)
    for c in ("name", "name_en", "pillar", "kind"):
        out[c] = _col(measures, c, "").astype(object).fillna("").astype(str)
    if "name_en" in out and (out["name_en"] == "").any():
        out["name_en"] = out["name_en"].where(out["name_en"] != "", out["name"])
    out["status"] = status(measures, ref)
    out["start"] = pd.to_datetime(measures["start"])
    out["end"] = pd.to_datetime(measures["end"])
    out["months_active"] = months_active(measures, ref, period_start)
    plist = [_tuple(v) for v in _col(measures, "partners", ())]
    known = set(partners["partner_id"].astype(str)) if partners is not None else None
    out["partners"] = pd.Series(plist, index=measures.index, dtype=object)
    out["unknown_partners"] = pd.Series(
        [tuple(p for p in ps if known is not None and p not in known) for ps in plist],
        index=measures.index,
        dtype=object,
    )
    out["footprint"] = _col(measures, "footprint", "none").astype(object).fillna("none").astype(str)
    out["footprint_sectors"] = pd.Series(
        [_tuple(v) for v in _col(measures, "footprint_sectors", ())],
        index=measures.index,
        dtype=object,
    )
    out["sectors_touched"] = measure_sectors(measures, sectors, areas)
    arr = np.asarray(areas.array, dtype=object)
    out["has_area"] = [a is not None and not a.is_empty for a in arr]
    for c in ("target_categories", "target_shifts"):
        out[c] = pd.Series(
            [_tuple(v) for v in _col(measures, c, ())], index=measures.index, dtype=object
        )
    out["cost"] = _col(measures, "cost", np.nan).astype("float64")
    return out


_GROUP_KEYS = {"partner": "partners", "sector": "sectors_touched"}


def registry_summary(reg: pd.DataFrame, by: str = "pillar") -> pd.DataFrame:
    """Measures counted by pillar, kind, partner, sector, status or footprint.

    Parameters
    ----------
    reg : DataFrame
        From :func:`registry`.
    by : {"pillar", "kind", "partner", "sector", "status", "footprint"}
        A measure with several partners (or sectors) counts once for each; a
        measure with none counts under ``"—"``. Costs are the full yearly cost of
        each measure (shared measures are not split between partners).

    Returns
    -------
    DataFrame
        ``<by>, n_measures, planned, active, ended, cost_total, cost_known,
        measure_ids`` and, by partner, ``unknown`` (the id is not in the partners
        file).

    Examples
    --------
    >>> reg = pd.DataFrame({"measure_id": ["M1", "M2", "M3"], "pillar": ["prevention", "prevention", "partenariat"],
    ...     "status": ["active", "ended", "active"], "cost": [10.0, float("nan"), 5.0],
    ...     "partners": [("P1",), ("P1", "P9"), ()], "unknown_partners": [(), ("P9",), ()]})
    >>> registry_summary(reg, "pillar")[["pillar", "n_measures", "active", "cost_total", "cost_known"]].values.tolist()
    [['partenariat', 1, 1, 5.0, 1], ['prevention', 2, 1, 10.0, 1]]
    >>> registry_summary(reg, "partner")[["partner", "n_measures", "unknown"]].values.tolist()
    [['P1', 2, False], ['P9', 1, True], ['—', 1, False]]
    """
    key = _GROUP_KEYS.get(by, by)
    if key not in reg.columns:
        raise ValueError(f"cannot group measures by {by!r}: no column {key!r}")
    r = reg.copy()
    if key in ("partners", "sectors_touched"):
        r["_g"] = [tuple(t) if len(t) else ("—",) for t in r[key]]
        r = r.explode("_g")
    else:
        r["_g"] = r[key].astype(object).fillna("—").astype(str)
    r["_g"] = r["_g"].astype(str)
    g = r.groupby("_g", sort=True)
    counts = pd.crosstab(r["_g"], r["status"]).reindex(columns=list(STATUSES), fill_value=0)
    out = pd.DataFrame(
        {
            "n_measures": g.size(),
            **{s: counts[s] for s in STATUSES},
            "cost_total": g["cost"].sum(min_count=1) if "cost" in r else np.nan,
            "cost_known": g["cost"].count() if "cost" in r else 0,
            "measure_ids": g["measure_id"].agg(tuple),
        }
    )
    out.index.name = by
    out = out.reset_index()
    if by == "partner":
        unknown = {p for t in _col(reg, "unknown_partners", ()) for p in _tuple(t)}
        out["unknown"] = out["partner"].isin(unknown)
    dash = out[by] == "—"
    return pd.concat([out[~dash], out[dash]]).reset_index(drop=True)


# ----------------------------------------------------------------------------
# Footprints
# ----------------------------------------------------------------------------
def buffer_rings(
    measures: pd.DataFrame, areas: Any, buffer_m: float | Mapping[str, float] = DEFAULT_BUFFER_M
):
    """The buffer ring of each measure, with one width for all or a width per measure.

    Parameters
    ----------
    measures : DataFrame
        With ``measure_id``.
    areas : GeoSeries
        From :func:`treated_area`, aligned with ``measures``.
    buffer_m : float or dict
        Metres; a dict gives a width per measure id (others get
        :data:`DEFAULT_BUFFER_M`).

    Returns
    -------
    geopandas.GeoSeries
        Aligned with ``measures``; missing where the treated area is missing.

    Examples
    --------
    >>> import geopandas as gpd, shapely
    >>> m = pd.DataFrame({"measure_id": ["A", "B"]})
    >>> a = gpd.GeoSeries([shapely.box(0, 0, 10, 10), shapely.box(0, 0, 10, 10)])
    >>> buffer_rings(m, a, {"B": 5}).area.round(0).tolist()
    [132858.0, 278.0]
    """
    import geopandas as gpd

    ids = measures["measure_id"].astype(str).to_numpy()
    if isinstance(buffer_m, Mapping):
        widths = np.array([float(buffer_m.get(i, DEFAULT_BUFFER_M)) for i in ids])
    else:
        widths = np.full(len(ids), float(buffer_m))
    out = gpd.GeoSeries([None] * len(ids), index=areas.index, crs=getattr(areas, "crs", None))
    for w in np.unique(widths):
        sel = widths == w
        out.iloc[np.flatnonzero(sel)] = buffer_ring(areas.iloc[np.flatnonzero(sel)], w).to_numpy()
    return out


# ----------------------------------------------------------------------------
# Coverage
# ----------------------------------------------------------------------------
def _category_weights(
    pb: pd.DataFrame, membership: pd.Series | None, incidents: pd.DataFrame | None
) -> list[dict[str, float]]:
    """Weight of each category in each problem (incident counts, or equal weights)."""
    counts = None
    if membership is not None and incidents is not None and membership.notna().any():
        m = membership.notna().to_numpy()
        counts = pd.crosstab(
            membership[m].to_numpy(), incidents["category"].astype(str).to_numpy()[m]
        )
    out = []
    cw = _col(pb, "category_weights", None)
    for pid, cats, given in zip(pb["problem_id"], pb["categories"], cw, strict=True):
        cats = _tuple(cats)
        if isinstance(given, Mapping) and given:
            out.append({str(k): float(v) for k, v in given.items()})
        elif counts is not None and pid in counts.index and counts.loc[pid].sum() > 0:
            row = counts.loc[pid]
            out.append({str(k): float(v) for k, v in row[row > 0].items()})
        else:
            out.append(dict.fromkeys(map(str, cats), 1.0))
    return out


_BASES = ("", "no_footprint", "municipality", "local_footprint", "incidents", "sectors",
          "no_geometry", "area")  # fmt: skip


def _spatial(
    pb: pd.DataFrame,
    measures: pd.DataFrame,
    areas: Any,
    sectors: pd.DataFrame,
    incidents: pd.DataFrame | None,
    membership: pd.Series | None,
) -> tuple[np.ndarray, np.ndarray]:
    """Spatial share and its basis of every problem × measure pair (arrays P × M)."""
    sp = _SpatialShares(pb, measures, areas, sectors, incidents, membership)
    share, code = sp.block(0, len(pb))
    return share, np.asarray(_BASES, dtype=object)[code]


class _SpatialShares:
    """The spatial side of :func:`coverage`, for blocks of problems.

    The rule, pair by pair and in this order: no treated area → ``no_footprint``;
    a municipality-wide problem and measure → 1 (``municipality``); a
    municipality-wide problem and a local measure → 0 (``local_footprint``);
    the share of the problem's own located incidents inside the area
    (``incidents``), or of its incidents in the measure's sectors (``sectors``);
    no problem geometry → ``no_geometry``; else the share of the problem's area
    inside the measure's area (``area``). Incidents are matched to areas once
    (a spatial index), and only pairs whose boxes meet are intersected.
    """

    def __init__(self, pb, measures, areas, sectors, incidents, membership) -> None:
        import shapely

        self.n_m = n_m = len(measures)
        self.fp = _col(measures, "footprint", "none").astype(str).to_numpy()
        all_sectors = set(sectors["sector_id"].astype(str))
        m_sectors = [
            all_sectors if f == "municipality" else set(_tuple(s))
            for f, s in zip(self.fp, _col(measures, "footprint_sectors", ()), strict=True)
        ]
        self.area_arr = area_arr = np.asarray(areas.array, dtype=object)
        self.has_area = np.array([a is not None and not a.is_empty for a in area_arr], dtype=bool)
        self.geometric = np.isin(self.fp, ["point", "line", "polygon"])
        self.kinds = _col(pb, "kind", "place").astype(str).to_numpy()
        self.p_geoms = np.asarray(pb.geometry.array, dtype=object)
        pids = pb["problem_id"].astype(str).to_numpy()
        # problems by id (a repeated id shares its incidents, as the pairwise rule did)
        self.u_of_row, uniq = pd.factorize(pids)
        n_u = len(uniq)
        self.n_own = np.zeros(n_u, dtype="int64")
        self.den_loc = np.zeros(n_u, dtype="int64")
        self.den_sec = np.zeros(n_u, dtype="int64")
        self.inside = np.zeros((n_u, n_m), dtype="int64")
        self.in_sect = np.zeros((n_u, n_m), dtype="int64")
        if membership is None or incidents is None:
            return
        mem = membership.to_numpy(dtype=object)
        is_mem = membership.notna().to_numpy()
        code_of = {str(x): k for k, x in enumerate(uniq)}
        u_inc = np.full(len(mem), -1, dtype="int64")
        if is_mem.any():
            u_inc[is_mem] = [code_of.get(v, -1) for v in mem[is_mem]]
        g = np.asarray(incidents.geometry.array, dtype=object)
        xs, ys = shapely.get_x(g), shapely.get_y(g)
        located = np.isfinite(xs) & np.isfinite(ys)
        inc_sector = _col(incidents, "sector", None).astype(object).to_numpy()
        has_sector = ~pd.isna(inc_sector)
        own = u_inc >= 0
        self.n_own = np.bincount(u_inc[own], minlength=n_u)
        self.den_loc = np.bincount(u_inc[own & located], minlength=n_u)
        self.den_sec = np.bincount(u_inc[own & has_sector], minlength=n_u)
        # incidents of each problem inside each geometric area (one spatial query)
        geo_j = np.flatnonzero(self.geometric & self.has_area)
        sel = np.flatnonzero(own & located)
        if len(geo_j) and len(sel):
            tree = shapely.STRtree(area_arr[geo_j])
            i, j = tree.query(shapely.points(xs[sel], ys[sel]), predicate="intersects")
            np.add.at(self.inside, (u_inc[sel[i]], geo_j[j]), 1)
        # incidents of each problem in each measure's sectors
        sec_j = np.flatnonzero(~self.geometric & self.has_area)
        sel = np.flatnonzero(own & has_sector)
        if len(sec_j) and len(sel):
            s_codes, s_names = pd.factorize(inc_sector[sel].astype(str))
            counts = np.zeros((n_u, len(s_names)), dtype="int64")
            np.add.at(counts, (u_inc[sel], s_codes), 1)
            pos = {str(x): k for k, x in enumerate(s_names)}
            done: dict[tuple[int, ...], np.ndarray] = {}  # measures listing the same sectors
            for j in sec_j:
                cols = tuple(sorted({pos[x] for x in m_sectors[j] if x in pos}))
                if not cols:
                    continue
                if cols not in done:
                    done[cols] = (
                        counts.sum(axis=1) if len(cols) == counts.shape[1]
                        else counts[:, list(cols)].sum(axis=1)
                    )  # fmt: skip
                self.in_sect[:, j] = done[cols]

    def block(self, lo: int, hi: int) -> tuple[np.ndarray, np.ndarray]:
        """``(share, basis code)`` of problems ``lo:hi`` × every measure."""
        import shapely

        n_b = hi - lo
        share = np.full((n_b, self.n_m), np.nan)
        code = np.zeros((n_b, self.n_m), dtype="int8")
        todo = np.ones((n_b, self.n_m), dtype=bool)

        def put(mask: np.ndarray, c: int, value: Any = None) -> None:
            mask = mask & todo
            code[mask] = c
            if value is not None:
                share[mask] = value if np.isscalar(value) else value[mask]
            todo[mask] = False

        kinds = self.kinds[lo:hi, None]
        u = self.u_of_row[lo:hi]
        put(np.broadcast_to(~self.has_area[None, :], todo.shape), 1)
        muni = kinds == "municipality"
        put(muni & (self.fp == "municipality")[None, :], 2, 1.0)
        put(muni & self.geometric[None, :], 3, 0.0)
        eligible = (self.n_own[u] > 0)[:, None] & (kinds != "perception")
        with np.errstate(divide="ignore", invalid="ignore"):
            put(
                eligible & self.geometric[None, :] & (self.den_loc[u] > 0)[:, None],
                4,
                self.inside[u] / self.den_loc[u][:, None],
            )
            put(
                eligible & ~self.geometric[None, :] & (self.den_sec[u] > 0)[:, None],
                5,
                self.in_sect[u] / self.den_sec[u][:, None],
            )
        gp = self.p_geoms[lo:hi]
        no_geom = np.array([x is None or x.is_empty for x in gp], dtype=bool)
        put(np.broadcast_to(no_geom[:, None], todo.shape), 6)
        # the rest: share of the problem's area inside the measure's area
        rows = np.flatnonzero(todo.any(axis=1))
        code[todo] = 7
        share[todo] = 0.0
        if len(rows):
            ga = shapely.area(gp[rows])
            tree, has, group, shapes = self._area_index()
            i, j = tree.query(gp[rows])  # boxes that meet; elsewhere the share is 0
            jj = has[j]
            keep = todo[rows[i], jj]
            i, jj = i[keep], jj[keep]
            if len(i):
                # measures with the same area (every municipality-wide one, for instance)
                # share one computation per problem
                key = i * (len(shapes) + 1) + group[jj]
                uk, inv = np.unique(key, return_inverse=True)
                ui, ug = uk // (len(shapes) + 1), uk % (len(shapes) + 1)
                gi, aj = gp[rows[ui]], shapes[ug]
                vals = np.empty(len(uk))
                pos = ga[ui] > 0
                inside = pos & shapely.covers(aj, gi)  # wholly inside: share 1, no overlay
                vals[inside] = 1.0
                cut = pos & ~inside
                vals[cut] = shapely.area(shapely.intersection(gi[cut], aj[cut])) / ga[ui][cut]
                vals[~pos] = shapely.intersects(gi[~pos], aj[~pos]).astype("float64")
                share[rows[i], jj] = vals[inv.ravel()]
        return share, code

    def _area_index(self):
        """STRtree of the measures' areas, and each area's group of identical geometries."""
        import shapely

        if not hasattr(self, "_index"):
            has = np.flatnonzero(self.has_area)
            group = np.zeros(self.n_m, dtype="int64")
            group[has], shapes = distinct_geometries(self.area_arr[has])
            shapely.prepare(shapes)
            self._index = (shapely.STRtree(self.area_arr[has]), has, group, shapes)
        return self._index


def _shift_match(targets: tuple, dominant: Any) -> str:
    if not targets:
        return "all"
    if _missing(dominant) or str(dominant) in ("", "nan", "<NA>"):
        return "unknown"
    if dominant == "mixed":
        return "partial"
    return "match" if dominant in targets else "mismatch"


def coverage_level(
    thematic: float,
    spatial: float,
    *,
    no_footprint: bool = False,
    diffuse: bool = False,
    shift: str = "all",
    thresholds: Mapping[str, float] | None = None,
) -> str:
    """The coverage level of one problem × measure pair (the documented rule).

    Parameters
    ----------
    thematic, spatial : float
        Shares in [0, 1] (``spatial`` may be NaN when ``no_footprint``).
    no_footprint : bool
        The measure cannot be placed: ``weak`` at most (``none`` when
        ``thematic`` is 0).
    diffuse : bool
        A municipality-wide measure on a local problem: ``weak`` at most.
    shift : str
        ``"mismatch"`` drops the level one step, never below ``weak``.
    thresholds : dict, optional
        Lowest score of each level (default :data:`DEFAULT_THRESHOLDS`).

    Returns
    -------
    str
        One of :data:`LEVELS`.

    Examples
    --------
    >>> coverage_level(1.0, 0.8), coverage_level(1.0, 0.8, shift="mismatch"), coverage_level(0.5, 0.2)
    ('strong', 'partial', 'weak')
    >>> coverage_level(1.0, float("nan"), no_footprint=True), coverage_level(1.0, 1.0, diffuse=True)
    ('weak', 'weak')
    >>> coverage_level(0.0, 1.0)
    'none'
    """
    thr = {**DEFAULT_THRESHOLDS, **(thresholds or {})}
    if not thematic > 0:
        return "none"
    if no_footprint:
        return "weak"
    score = thematic * spatial if np.isfinite(spatial) else 0.0
    if score >= thr["strong"]:
        level = "strong"
    elif score >= thr["partial"]:
        level = "partial"
    elif score >= thr["weak"]:
        level = "weak"
    else:
        return "none"
    if shift == "mismatch" and level != "weak":
        level = LEVELS[_LEVEL_RANK[level] - 1]
    if diffuse:
        level = "weak"
    return level


def coverage(
    problems: pd.DataFrame,
    measures: pd.DataFrame,
    sectors: pd.DataFrame,
    incidents: pd.DataFrame | None = None,
    ref_date: Any = None,
    areas: Any = None,
    thresholds: Mapping[str, float] | None = None,
    pairs: str = "all",
) -> pd.DataFrame:
    """How each measure addresses each problem: the problems × measures table (long form).

    See the module documentation for the rule (thematic share × spatial share,
    levels, the caps for measures with no footprint and municipality-wide
    measures, and the shift rule). Problems marked ``excluded`` are left out.

    Parameters
    ----------
    problems : GeoDataFrame
        Problem register (step 1), possibly with perception issues
        (:func:`perception_issues`).
    measures, sectors : GeoDataFrame
        Canonical tables.
    incidents : GeoDataFrame, optional
        To weigh categories and places by the problem's own incidents
        (recommended); without it, categories count equally and places by area.
    ref_date : date-like, optional
        Reference date of the status (default: today).
    areas : GeoSeries, optional
        From :func:`treated_area`.
    thresholds : dict, optional
        See :data:`DEFAULT_THRESHOLDS`.
    pairs : {"all", "related"}
        ``"all"``: every problem × measure pair. ``"related"``: only the pairs
        whose level is above ``none`` — the only rows the summaries
        (:func:`problem_coverage`, :func:`measure_coverage`, the gaps) read; for
        a large region (thousands of problems and measures) the full table has
        millions of ``none`` rows. ``attrs["pairs"]`` says which.

    Returns
    -------
    DataFrame
        One row per problem × measure: ``problem_id, measure_id, pillar,
        status, thematic_share, categories_matched, spatial_share,
        spatial_basis, shift_match, score, level, current, note``.
        ``current`` is True for an active measure with a level above
        ``none``; ``note`` lists what capped the level (``no_footprint``,
        ``diffuse``, ``shift_mismatch``).

    Examples
    --------
    >>> import geopandas as gpd, shapely
    >>> sec = gpd.GeoDataFrame({"sector_id": ["A", "B"]}, geometry=[shapely.box(0, 0, 100, 100), shapely.box(100, 0, 200, 100)])
    >>> pb = gpd.GeoDataFrame({"problem_id": ["P1"], "kind": ["place"], "categories": [("theft", "mischief")],
    ...     "dominant_shift": ["nuit"]}, geometry=[shapely.box(0, 0, 50, 50)])
    >>> m = gpd.GeoDataFrame({"measure_id": ["M1", "M2", "M3"], "pillar": ["prevention"] * 3,
    ...     "footprint": ["polygon", "sectors", "none"], "footprint_sectors": [(), ("B",), ()],
    ...     "target_categories": [("theft",), (), ("mischief",)], "target_shifts": [(), (), ()],
    ...     "start": pd.to_datetime(["2024-01-01"] * 3), "end": pd.NaT},
    ...     geometry=[shapely.box(0, 0, 50, 50), None, None])
    >>> c = coverage(pb, m, sec, ref_date="2025-12-31")
    >>> c[["measure_id", "thematic_share", "spatial_share", "level"]].values.tolist()
    [['M1', 0.5, 1.0, 'partial'], ['M2', 1.0, 0.0, 'none'], ['M3', 0.5, nan, 'weak']]
    """
    from . import inventory

    if pairs not in ("all", "related"):
        raise ValueError("pairs must be 'all' or 'related'")
    pb = _active_problems(problems)
    if areas is None:
        areas = treated_area(measures, sectors)
    st = status(measures, _ref(ref_date)).to_numpy()
    membership = None
    if incidents is not None and len(incidents) and len(pb):
        located_pb = pb[_col(pb, "kind", "place").astype(str).to_numpy() != "perception"]
        membership = inventory.problem_incidents(located_pb, incidents) if len(located_pb) else None
    weights = _category_weights(pb, membership, incidents)
    if not len(pb) or not len(measures):
        cols = ["problem_id", "measure_id", "pillar", "status", "thematic_share", "categories_matched",
                "spatial_share", "spatial_basis", "shift_match", "score", "level", "current", "note"]  # fmt: skip
        out = pd.DataFrame([], columns=cols)
        out["spatial_share"] = out["spatial_share"].astype("float64").round(6)
        out["score"] = out["score"].astype("float64").round(6)
        out.attrs["pairs"] = pairs
        return out
    sp = _SpatialShares(pb, measures, areas, sectors, incidents, membership)
    kinds = _col(pb, "kind", "place").astype(str).to_numpy()
    dom = _col(pb, "dominant_shift", None).to_numpy(dtype=object)
    fp = _col(measures, "footprint", "none").astype(str).to_numpy()
    tcat = [set(_tuple(t)) for t in _col(measures, "target_categories", ())]
    tsh = [_tuple(t) for t in _col(measures, "target_shifts", ())]
    mids = measures["measure_id"].astype(str).to_numpy()
    pillars = _col(measures, "pillar", "").astype(str).to_numpy()
    pids = pb["problem_id"].astype(str).to_numpy()
    n_m = len(measures)
    thr = {**DEFAULT_THRESHOLDS, **(thresholds or {})}
    # measures that share their target categories (or shifts) share the thematic (shift) part
    t_code, t_sets = _group_codes([frozenset(t) for t in tcat])
    s_code, s_keys = _group_codes(tsh)
    diffuse_m = fp == "municipality"
    active = st == "active"
    notes = np.array(["", "no_footprint", "diffuse", "no_footprint;diffuse", "shift_mismatch",
                      "no_footprint;shift_mismatch", "diffuse;shift_mismatch",
                      "no_footprint;diffuse;shift_mismatch"], dtype=object)  # fmt: skip
    levels = np.asarray(LEVELS, dtype=object)
    parts = []
    step = max(1, 2_000_000 // max(n_m, 1))
    for lo in range(0, len(pb), step):
        hi = min(lo + step, len(pb))
        share, bcode = sp.block(lo, hi)
        n_b = hi - lo
        them = np.empty((n_b, len(t_sets)))
        them_round = np.empty((n_b, len(t_sets)))
        matched = np.empty((n_b, len(t_sets)), dtype=object)
        shift = np.empty((n_b, len(s_keys)), dtype=object)
        for r in range(n_b):
            w = weights[lo + r]
            total = sum(w.values())
            for k, tset in enumerate(t_sets):
                if not tset:
                    mt, th = tuple(w), 1.0
                else:
                    mt = tuple(c for c in w if c in tset)
                    th = sum(w[c] for c in mt) / total if total > 0 else 0.0
                matched[r, k], them[r, k], them_round[r, k] = mt, th, round(th, 6)
            for k, key in enumerate(s_keys):
                shift[r, k] = _shift_match(key, dom[lo + r])
        th = them[:, t_code]
        sh = shift[:, s_code]
        no_fp = bcode == 1
        diffuse = diffuse_m[None, :] & (kinds[lo:hi] != "municipality")[:, None]
        mismatch = sh == "mismatch"
        # coverage_level, pair by pair: 0 none, 1 weak, 2 partial, 3 strong
        finite = np.isfinite(share)
        with np.errstate(invalid="ignore"):
            sc = np.where(finite, th * share, 0.0)
        lvl = np.where(
            sc >= thr["strong"],
            3,
            np.where(sc >= thr["partial"], 2, np.where(sc >= thr["weak"], 1, 0)),
        )
        lvl = np.where(mismatch & (lvl >= 2), lvl - 1, lvl)
        lvl = np.where(diffuse & (lvl > 0), 1, lvl)
        lvl = np.where(no_fp, 1, lvl)
        lvl = np.where(th > 0, lvl, 0)
        keep = np.ones(lvl.shape, dtype=bool) if pairs == "all" else lvl > 0
        r_i, c_j = np.nonzero(keep)
        note = np.where(lvl > 0, no_fp * 1 + diffuse * 2 + mismatch * 4, 0)[r_i, c_j]
        with np.errstate(invalid="ignore"):
            score = np.where(finite, th * share, np.nan)[r_i, c_j]
        lv = lvl[r_i, c_j]
        parts.append(
            {
                "problem_id": pids[lo:hi][r_i],
                "measure_id": mids[c_j],
                "pillar": pillars[c_j],
                "status": st[c_j],
                "thematic_share": them_round[:, t_code][r_i, c_j],
                "categories_matched": matched[:, t_code][r_i, c_j],
                "spatial_share": share[r_i, c_j],
                "spatial_basis": np.asarray(_BASES, dtype=object)[bcode[r_i, c_j]],
                "shift_match": sh[r_i, c_j],
                "score": score,
                "level": levels[lv],
                "current": active[c_j] & (lv > 0),
                "note": notes[note],
            }
        )
    cols = list(parts[0])
    data = {c: np.concatenate([pt[c] for pt in parts]) for c in cols}
    for c in (
        "problem_id",
        "measure_id",
        "pillar",
        "status",
        "spatial_basis",
        "shift_match",
        "level",
        "note",
    ):
        data[c] = pd.array(data[c].astype(object), dtype="str")
    out = pd.DataFrame(data)
    out["current"] = out["current"].astype(bool)
    out["spatial_share"] = out["spatial_share"].astype("float64").round(6)
    out["score"] = out["score"].astype("float64").round(6)
    out.attrs["pairs"] = pairs
    return out


def _group_codes(keys: Sequence[Any]) -> tuple[np.ndarray, list[Any]]:
    """Position of each key among the distinct keys (first-seen order), and those keys."""
    seen: dict[Any, int] = {}
    codes = np.array([seen.setdefault(k, len(seen)) for k in keys], dtype="int64")
    return codes, list(seen)


_SYMBOLS = {"none": "", "weak": "●", "partial": "●●", "strong": "●●●"}


def coverage_matrix(cov: pd.DataFrame, lang: str | None = None) -> pd.DataFrame:
    """The problems × measures matrix of coverage levels.

    Parameters
    ----------
    cov : DataFrame
        From :func:`coverage`.
    lang : {"fr", "en"}, optional
        ``None``: level codes. With a language: ``●`` weak, ``●●`` partial,
        ``●●●`` strong, blank for none; a planned or ended measure is marked
        ``(prévue)``/``(planned)`` or ``(terminée)``/``(ended)``.

    Returns
    -------
    DataFrame
        Problems as rows, measures as columns, in the order of ``cov``.

    Examples
    --------
    >>> cov = pd.DataFrame({"problem_id": ["P1", "P1"], "measure_id": ["M2", "M1"],
    ...     "level": ["strong", "weak"], "status": ["active", "ended"]})
    >>> coverage_matrix(cov).values.tolist()
    [['strong', 'weak']]
    >>> coverage_matrix(cov, "en").values.tolist()
    [['●●●', '● (ended)']]
    """
    rows = pd.unique(cov["problem_id"])
    cols = pd.unique(cov["measure_id"])
    if lang is None:
        vals = cov["level"].astype(str)
    else:
        sym = cov["level"].map(_SYMBOLS).fillna("")
        mark = cov["status"].map(
            lambda s: "" if s == "active" else f" ({i18n.t(f'status.{s}', lang).lower()})"
        )
        vals = sym + np.where(sym != "", mark, "")
    piv = (
        pd.DataFrame({"p": cov["problem_id"], "m": cov["measure_id"], "v": vals})
        .pivot(index="p", columns="m", values="v")
        .reindex(index=rows, columns=cols)
    )
    piv.index.name = "problem_id"
    piv.columns.name = "measure_id"
    return piv


def _groups(c: pd.DataFrame, by: str, cols: Sequence[str]) -> dict[str, dict[str, np.ndarray]]:
    """The rows of ``c`` by value of ``by`` (order kept), as plain object arrays per column."""
    keys = c[by].astype(str).to_numpy(dtype=object)
    codes, uniq = pd.factorize(keys)
    order = np.argsort(codes, kind="stable")
    cut = np.searchsorted(codes[order], np.arange(len(uniq) + 1))
    arrays = {col: c[col].astype(str).to_numpy(dtype=object)[order] for col in cols}
    return {
        str(u): {col: a[cut[k] : cut[k + 1]] for col, a in arrays.items()}
        for k, u in enumerate(uniq)
    }


def problem_coverage(
    cov: pd.DataFrame, problems: pd.DataFrame, priority: pd.DataFrame | None = None
) -> pd.DataFrame:
    """For each problem, its measures: the coverage seen from the problems' side.

    The problem's ``level`` is the best level among its **active** measures;
    planned and ended measures addressing it are listed apart. A problem is a
    ``gap`` when its level is ``none`` or ``weak``; ``gap_reason`` says why:
    ``uncovered`` (no measure at all), ``only_planned``, ``only_ended``,
    ``only_planned_or_ended``, or ``weak``.

    Parameters
    ----------
    cov : DataFrame
        From :func:`coverage`.
    problems : DataFrame
        The register used for ``cov``.
    priority : DataFrame, optional
        From :func:`diagnostic_lib.inventory.priority` (gives ``rank``).

    Returns
    -------
    DataFrame
        ``problem_id, title_fr, title_en, problem_kind, sectors, categories, rank,
        level, n_measures, measures, measure_levels, planned, ended, pillars,
        n_pillars, missing_pillars, gap, gap_reason``, sorted by rank
        (unranked problems last).

    Examples
    --------
    >>> cov = pd.DataFrame({"problem_id": ["P1", "P1", "P2"], "measure_id": ["M1", "M2", "M1"],
    ...     "pillar": ["prevention", "partenariat", "prevention"], "status": ["active", "planned", "active"],
    ...     "level": ["partial", "strong", "none"]})
    >>> pb = pd.DataFrame({"problem_id": ["P1", "P2"], "title_fr": ["a", "b"], "title_en": ["a", "b"]})
    >>> s = problem_coverage(cov, pb)
    >>> s[["problem_id", "level", "measures", "planned", "gap", "gap_reason"]].values.tolist()
    [['P1', 'partial', ('M1',), ('M2',), False, ''], ['P2', 'none', (), (), True, 'uncovered']]
    """
    pb = _active_problems(problems)
    rank = (
        priority.set_index("problem_id")["rank"]
        if priority is not None
        else pd.Series(dtype="Int64")
    )
    c = cov[cov["level"] != "none"].copy()
    c["_r"] = c["level"].map(_LEVEL_RANK)
    c = c.sort_values(["_r", "measure_id"], ascending=[False, True], kind="stable")
    groups = _groups(c, "problem_id", ("status", "measure_id", "level", "pillar"))
    empty = {k: np.array([], dtype=object) for k in ("status", "measure_id", "level", "pillar")}
    rows = []
    for rec in pb.itertuples(index=False):
        pid = str(rec.problem_id)
        g = groups.get(pid, empty)
        act = g["status"] == "active"
        cur_m, cur_l = g["measure_id"][act], g["level"][act]
        planned = tuple(g["measure_id"][g["status"] == "planned"])
        ended = tuple(g["measure_id"][g["status"] == "ended"])
        level = str(cur_l[0]) if len(cur_m) else "none"
        present = set(g["pillar"][act])
        pillars = tuple(p for p in schema.PILLARS if p in present) + tuple(
            sorted(present - set(schema.PILLARS))
        )
        gap = level in GAP_LEVELS
        if not gap:
            reason = ""
        elif len(cur_m):
            reason = "weak"
        elif planned and ended:
            reason = "only_planned_or_ended"
        elif planned:
            reason = "only_planned"
        elif ended:
            reason = "only_ended"
        else:
            reason = "uncovered"
        rows.append(
            {
                "problem_id": pid,
                "title_fr": getattr(rec, "title_fr", pid),
                "title_en": getattr(rec, "title_en", pid),
                "problem_kind": getattr(rec, "kind", ""),
                "sectors": _tuple(getattr(rec, "sectors", ())),
                "categories": _tuple(getattr(rec, "categories", ())),
                "rank": rank.get(pid, pd.NA),
                "level": level,
                "n_measures": len(cur_m),
                "measures": tuple(cur_m),
                "measure_levels": tuple(cur_l),
                "planned": planned,
                "ended": ended,
                "pillars": pillars,
                "n_pillars": len(pillars),
                "missing_pillars": tuple(p for p in schema.PILLARS if p not in present),
                "gap": gap,
                "gap_reason": reason,
            }
        )
    out = pd.DataFrame(rows)
    if not len(out):
        return out
    out["rank"] = pd.array(out["rank"], dtype="Int64")
    out = out.sort_values("rank", na_position="last", kind="stable").reset_index(drop=True)
    return out


def measure_coverage(cov: pd.DataFrame, reg: pd.DataFrame) -> pd.DataFrame:
    """For each measure, its problems: the coverage seen from the measures' side.

    Parameters
    ----------
    cov : DataFrame
        From :func:`coverage`.
    reg : DataFrame
        From :func:`registry` (or the measures table).

    Returns
    -------
    DataFrame
        Aligned with ``reg``: ``measure_id, name, name_en, pillar, status,
        level`` (the best), ``n_problems, problems, problem_levels`` (levels
        above none, best first).

    Examples
    --------
    >>> cov = pd.DataFrame({"problem_id": ["P1", "P2"], "measure_id": ["M1", "M1"], "level": ["weak", "strong"]})
    >>> reg = pd.DataFrame({"measure_id": ["M1", "M2"], "name": ["a", "b"], "pillar": ["prevention"] * 2,
    ...     "status": ["active"] * 2})
    >>> measure_coverage(cov, reg)[["measure_id", "level", "problems"]].values.tolist()
    [['M1', 'strong', ('P2', 'P1')], ['M2', 'none', ()]]
    """
    c = cov[cov["level"] != "none"].copy()
    c["_r"] = c["level"].map(_LEVEL_RANK)
    c = c.sort_values(["_r", "problem_id"], ascending=[False, True], kind="stable")
    groups = _groups(c, "measure_id", ("problem_id", "level"))
    out = pd.DataFrame(index=reg.index)
    out["measure_id"] = reg["measure_id"].astype(str)
    for col in ("name", "name_en", "pillar", "status"):
        out[col] = _col(reg, col, "")
    empty = {"problem_id": np.array([], dtype=object), "level": np.array([], dtype=object)}
    probs = [groups.get(m, empty) for m in out["measure_id"]]
    out["level"] = [str(g["level"][0]) if len(g["level"]) else "none" for g in probs]
    out["n_problems"] = [len(g["level"]) for g in probs]
    out["problems"] = pd.Series(
        [tuple(g["problem_id"]) for g in probs], index=reg.index, dtype=object
    )
    out["problem_levels"] = pd.Series(
        [tuple(g["level"]) for g in probs], index=reg.index, dtype=object
    )
    return out


# ----------------------------------------------------------------------------
# Gaps
# ----------------------------------------------------------------------------
def coverage_gaps(summary: pd.DataFrame, top: int | None = None) -> pd.DataFrame:
    """Priority problems with no coverage or weak coverage (by active measures).

    Parameters
    ----------
    summary : DataFrame
        From :func:`problem_coverage`.
    top : int, optional
        Keep problems ranked ``top`` or better; ``None`` keeps every gap,
        unranked ones (e.g. perception issues) included.

    Returns
    -------
    DataFrame
        The gap rows of ``summary``, by rank.

    Examples
    --------
    >>> s = pd.DataFrame({"problem_id": ["A", "B", "C"], "rank": pd.array([1, 2, 3], dtype="Int64"),
    ...     "level": ["none", "strong", "weak"], "gap": [True, False, True]})
    >>> coverage_gaps(s)["problem_id"].tolist(), coverage_gaps(s, top=2)["problem_id"].tolist()
    (['A', 'C'], ['A'])
    """
    g = summary[summary["gap"].astype(bool)]
    if top is not None:
        g = g[(g["rank"] <= top).fillna(False).astype(bool)]
    return g.reset_index(drop=True)


def single_pillar(summary: pd.DataFrame) -> pd.DataFrame:
    """Problems addressed (by active measures) through a single pillar only.

    E.g. enforcement-style problem solving with no partnership and no
    prevention. Problems with no active measure are gaps, not listed here.

    Returns
    -------
    DataFrame
        The rows of ``summary`` with one pillar, with ``pillar`` (that pillar)
        and ``missing_pillars``.

    Examples
    --------
    >>> s = pd.DataFrame({"problem_id": ["A", "B"], "pillars": [("resolution",), ("resolution", "prevention")],
    ...     "n_pillars": [1, 2], "missing_pillars": [("rapprochement", "partenariat", "prevention"), ()]})
    >>> single_pillar(s)[["problem_id", "pillar"]].values.tolist()
    [['A', 'resolution']]
    """
    s = summary[summary["n_pillars"] == 1].copy()
    s.insert(1, "pillar", [p[0] for p in s["pillars"]])
    return s.reset_index(drop=True)


def sector_gaps(
    problems: pd.DataFrame,
    reg: pd.DataFrame,
    sectors: pd.DataFrame,
    summary: pd.DataFrame | None = None,
    incidents: pd.DataFrame | None = None,
    top: int = 10,
    years: float | None = None,
) -> pd.DataFrame:
    """Sectors with many issues and few measures, with the numbers behind.

    Issues are the local problems (place, area and perception problems whose
    ``sectors`` include the sector; municipality-wide problems touch every
    sector alike and are left out). Measures are the **active** measures whose
    footprint touches the sector, municipality-wide ones apart (they touch
    every sector alike: ``n_measures_municipal``).

    Rule: a sector is flagged when it has at least as many problems as the
    median sector (and at least one), at most as many local measures as the
    median sector, and more problems than local measures.

    Parameters
    ----------
    problems : DataFrame
        Problem register (excluded problems left out).
    reg : DataFrame
        From :func:`registry`.
    sectors : DataFrame
    summary : DataFrame, optional
        From :func:`problem_coverage` (for ranks and gaps).
    incidents : DataFrame, optional
        For incident counts and rates per 1,000 residents per year.
    top : int
        A problem ranked ``top`` or better is a priority problem.
    years : float, optional
        Length of the period for rates (default: the span of the incidents).

    Returns
    -------
    DataFrame
        ``sector, name, population, n_incidents, rate, n_problems,
        n_priority_problems, n_gap_problems, n_measures_local,
        n_measures_municipal, problems_per_measure, flag`` sorted by
        ``problems_per_measure``.

    Examples
    --------
    >>> sec = pd.DataFrame({"sector_id": ["A", "B", "C"], "name": ["a", "b", "c"], "population": [100.0] * 3})
    >>> pb = pd.DataFrame({"problem_id": ["P1", "P2", "P3"], "kind": ["place", "area", "place"],
    ...     "sectors": [("A",), ("A", "B"), ("C",)]})
    >>> reg = pd.DataFrame({"measure_id": ["M1"], "status": ["active"], "footprint": ["polygon"],
    ...     "sectors_touched": [("C",)]})
    >>> sector_gaps(pb, reg, sec)[["sector", "n_problems", "n_measures_local", "flag"]].values.tolist()
    [['A', 2, 0, True], ['B', 1, 0, True], ['C', 1, 1, False]]
    """
    pb = _active_problems(problems)
    local_pb = pb[_col(pb, "kind", "place").astype(str).to_numpy() != "municipality"]
    sid = sectors["sector_id"].astype(str).tolist()
    rank = summary.set_index("problem_id")["rank"] if summary is not None else None
    gap = summary.set_index("problem_id")["gap"] if summary is not None else None
    active = reg[reg["status"].astype(str) == "active"]
    muni = active["footprint"].astype(str) == "municipality"
    # each problem and each local measure listed under the sectors it touches (one pass each)
    touch_of: dict[str, list[str]] = {s: [] for s in sid}
    for p, secs in zip(local_pb["problem_id"], local_pb["sectors"], strict=True):
        for s in dict.fromkeys(_tuple(secs)):
            if s in touch_of:
                touch_of[s].append(str(p))
    n_loc_of: dict[str, int] = dict.fromkeys(sid, 0)
    for t in active.loc[~muni, "sectors_touched"]:
        for s in dict.fromkeys(_tuple(t)):
            if s in n_loc_of:
                n_loc_of[s] += 1
    rows = []
    for s in sid:
        touch = touch_of[s]
        n_prio = (
            int(sum(bool(pd.notna(rank.get(p, pd.NA)) and rank.get(p) <= top) for p in touch))
            if rank is not None
            else 0
        )
        n_gap = int(sum(bool(gap.get(p, False)) for p in touch)) if gap is not None else 0
        n_loc = n_loc_of[s]
        rows.append((s, len(touch), n_prio, n_gap, n_loc))
    out = pd.DataFrame(rows, columns=["sector", "n_problems", "n_priority_problems", "n_gap_problems",
                                      "n_measures_local"])  # fmt: skip
    out.insert(1, "name", _col(sectors, "name", "").astype(str).to_numpy())
    pop = _col(sectors, "population", np.nan).astype("float64").to_numpy()
    out.insert(2, "population", pop)
    if incidents is not None and len(incidents):
        n_inc = incidents["sector"].astype(str).value_counts().reindex(sid, fill_value=0).to_numpy()
        if years is None:
            t = incidents["occurred_from"]
            years = max((t.max() - t.min()).days / 365.25, 1.0)
        with np.errstate(divide="ignore", invalid="ignore"):
            rate = np.where(pop > 0, n_inc / pop * 1000.0 / years, np.nan)
        out.insert(3, "n_incidents", n_inc)
        out.insert(4, "rate", rate)
    out["n_measures_municipal"] = int(muni.sum())
    out["problems_per_measure"] = out["n_problems"] / out["n_measures_local"].clip(lower=1)
    med_p = float(out["n_problems"].median())
    med_m = float(out["n_measures_local"].median())
    out["flag"] = (
        (out["n_problems"] >= max(med_p, 1))
        & (out["n_measures_local"] <= med_m)
        & (out["n_problems"] > out["n_measures_local"])
    )
    out.attrs["rule"] = {"median_problems": med_p, "median_local_measures": med_m}
    return out.sort_values(["problems_per_measure", "n_problems", "sector"],
                           ascending=[False, False, True], kind="stable").reset_index(drop=True)  # fmt: skip


# ----------------------------------------------------------------------------
# Partners
# ----------------------------------------------------------------------------
def partner_roles(reg: pd.DataFrame, partners: pd.DataFrame | None) -> pd.DataFrame:
    """Each partner and the measures it takes part in (unknown partner ids included).

    Parameters
    ----------
    reg : DataFrame
        From :func:`registry` (or the measures table, with ``partners``).
    partners : DataFrame or None

    Returns
    -------
    DataFrame
        ``partner_id, name, name_en, partner_kind, expertise, sectors_served, known,
        n_measures, n_active, measure_ids, pillars``; partners in no measure have
        ``n_measures`` 0 (untapped partners); ids cited by a measure but absent
        from the partners file have ``known`` False.

    Examples
    --------
    >>> reg = pd.DataFrame({"measure_id": ["M1", "M2"], "partners": [("P1",), ("P1", "P9")],
    ...     "pillar": ["prevention", "partenariat"], "status": ["active", "ended"]})
    >>> p = pd.DataFrame({"partner_id": ["P1", "P2"], "name": ["Ville", "Club"], "expertise": [("lighting",), ("youth",)]})
    >>> partner_roles(reg, p)[["partner_id", "known", "n_measures", "measure_ids"]].values.tolist()
    [['P1', True, 2, ('M1', 'M2')], ['P2', True, 0, ()], ['P9', False, 1, ('M2',)]]
    """
    cited: dict[str, list[int]] = {}
    for i, ps in enumerate(reg["partners"]):
        for p in _tuple(ps):
            cited.setdefault(str(p), []).append(i)
    rows = []
    known_ids: list[str] = []
    if partners is not None:
        for rec in partners.to_dict("records"):
            known_ids.append(str(rec["partner_id"]))
    for pid in known_ids + sorted(set(cited) - set(known_ids)):
        known = pid in known_ids
        rec = partners[partners["partner_id"].astype(str) == pid].iloc[0] if known else {}
        idx = cited.get(pid, [])
        sub = reg.iloc[idx]
        present = set(sub["pillar"].astype(str)) if len(sub) else set()
        rows.append(
            {
                "partner_id": pid,
                "name": str(rec.get("name", pid)) if known else pid,
                "name_en": str(rec.get("name_en", "") or rec.get("name", pid)) if known else pid,
                "partner_kind": str(rec.get("kind", "")) if known else "",
                "expertise": _tuple(rec.get("expertise", ())) if known else (),
                "sectors_served": _tuple(rec.get("sectors_served", ())) if known else (),
                "known": known,
                "n_measures": len(idx),
                "n_active": int((_col(sub, "status", "active").astype(str) == "active").sum()),
                "measure_ids": tuple(sub["measure_id"].astype(str)),
                "pillars": tuple(p for p in schema.PILLARS if p in present),
            }
        )
    return pd.DataFrame(rows)


def partner_suggestions(
    problems: pd.DataFrame,
    summary: pd.DataFrame,
    partners: pd.DataFrame | None,
    reg: pd.DataFrame | None = None,
    expertise_map: Mapping[str, Sequence[str]] | None = None,
    levels: Sequence[str] | None = GAP_LEVELS,
    problem_ids: Sequence[str] | None = None,
    include_not_serving: bool = False,
) -> pd.DataFrame:
    """Which partners could be mobilised for each uncovered or weakly covered problem.

    A partner matches a problem when one of its ``expertise`` codes lists
    (in ``expertise_map``) one of the problem's categories or families. It
    must serve the problem's sectors: ``serves`` is ``all`` (it serves the
    whole municipality, or every sector of the problem) or ``part`` (some of
    them); partners serving none of them are left out unless
    ``include_not_serving``. ``involved`` says the partner already takes part
    in an active measure addressing the problem.

    Parameters
    ----------
    problems : DataFrame
        Problem register (``categories``, ``families``, ``sectors``).
    summary : DataFrame
        From :func:`problem_coverage`.
    partners : DataFrame or None
    reg : DataFrame, optional
        From :func:`registry` (for ``involved``).
    expertise_map : dict, optional
        Default :data:`DEFAULT_EXPERTISE_MAP`.
    levels : sequence of str, optional
        Problems whose coverage level is one of these (default: none and
        weak); ``None`` for every problem.
    problem_ids : sequence of str, optional
        Restrict to these problems.
    include_not_serving : bool

    Returns
    -------
    DataFrame
        One row per problem × partner: ``problem_id, title_fr, title_en,
        rank, level, gap_reason, partner_id, name, name_en, partner_kind,
        expertise_matched, targets_matched, n_matched, serves, involved``;
        by rank, then the best-matching partners first.

    Examples
    --------
    >>> pb = pd.DataFrame({"problem_id": ["F"], "categories": [("fraud", "cyber_fraud")],
    ...     "families": [("fraud_cyber",)], "sectors": [("A", "B")]})
    >>> s = pd.DataFrame({"problem_id": ["F"], "title_fr": ["Fraude"], "title_en": ["Fraud"],
    ...     "rank": pd.array([1], dtype="Int64"), "level": ["none"], "gap_reason": ["uncovered"], "measures": [()]})
    >>> p = pd.DataFrame({"partner_id": ["P1", "P9"], "name": ["Ville", "Cyber-Aide"], "kind": ["municipality", "non_profit"],
    ...     "expertise": [("lighting",), ("cybercrime", "fraud")], "sectors_served": [(), ()]})
    >>> partner_suggestions(pb, s, p)[["partner_id", "expertise_matched", "serves"]].values.tolist()
    [['P9', ('cybercrime', 'fraud'), 'all']]
    """
    emap = {k: set(v) for k, v in (expertise_map or DEFAULT_EXPERTISE_MAP).items()}
    cols = ["problem_id", "title_fr", "title_en", "rank", "level", "gap_reason", "partner_id", "name", "name_en",
            "partner_kind", "expertise_matched", "targets_matched", "n_matched", "serves", "involved"]  # fmt: skip
    if partners is None or not len(partners) or not len(summary):
        return pd.DataFrame(columns=cols)
    s = summary
    if levels is not None:
        s = s[s["level"].isin(list(levels))]
    if problem_ids is not None:
        s = s[s["problem_id"].isin(list(problem_ids))]
    pb = problems.set_index(problems["problem_id"].astype(str))
    m_partners = (
        dict(zip(reg["measure_id"].astype(str), reg["partners"], strict=True))
        if reg is not None
        else {}
    )
    rows = []
    for rec in s.to_dict("records"):
        pid = str(rec["problem_id"])
        p = pb.loc[pid] if pid in pb.index else {}
        targets = set(_tuple(p.get("categories", ()))) | set(_tuple(p.get("families", ())))
        p_sectors = set(_tuple(p.get("sectors", ())))
        involved = {
            q for m in _tuple(rec.get("measures", ())) for q in _tuple(m_partners.get(m, ()))
        }
        for prt in partners.to_dict("records"):
            exp = _tuple(prt.get("expertise", ()))
            matched = tuple(e for e in exp if emap.get(e, set()) & targets)
            if not matched:
                continue
            served = set(_tuple(prt.get("sectors_served", ())))
            if not served or (p_sectors and p_sectors <= served):
                serves = "all"
            elif served & p_sectors:
                serves = "part"
            else:
                serves = "no"
                if not include_not_serving:
                    continue
            tm = sorted(set().union(*(emap[e] & targets for e in matched)))
            rows.append((pid, rec.get("title_fr", pid), rec.get("title_en", pid), rec.get("rank", pd.NA),
                         rec.get("level", ""), rec.get("gap_reason", ""), str(prt["partner_id"]), prt.get("name", ""),
                         prt.get("name_en", "") or prt.get("name", ""), prt.get("kind", ""), matched, tuple(tm),
                         len(matched), serves, str(prt["partner_id"]) in involved))  # fmt: skip
    out = pd.DataFrame(rows, columns=cols)
    if not len(out):
        return out
    out["rank"] = pd.array(out["rank"], dtype="Int64")
    out["_s"] = out["serves"].map({"all": 0, "part": 1, "no": 2})
    order = {p: i for i, p in enumerate(s["problem_id"].astype(str))}
    out["_o"] = out["problem_id"].map(order)
    out = out.sort_values(["_o", "n_matched", "_s", "partner_id"], ascending=[True, False, True, True],
                          kind="stable").drop(columns=["_s", "_o"])  # fmt: skip
    return out.reset_index(drop=True)


# ----------------------------------------------------------------------------
# Security issues from the citizen survey
# ----------------------------------------------------------------------------
def perception_issues(
    survey: pd.DataFrame,
    incidents: pd.DataFrame,
    sectors: pd.DataFrame,
    taxonomy: pd.DataFrame | None = None,
    flag: str = "more_fear",
) -> Any:
    """Security issues from the survey, as register rows: sectors that fear more than their crime.

    Each sector flagged ``more_fear`` by
    :func:`diagnostic_lib.inventory.perception_gap` becomes a problem of kind
    ``perception`` (id ``PG-<sector>``, geometry = the sector). Its concerns
    are those whose share in the sector is significantly above the municipal
    share (lower bound of the sector's interval above the municipal value);
    its categories are the taxonomy categories of those concerns (through the
    taxonomy's ``concern`` column, or the concern's family), each concern
    weighing its excess share (``category_weights``), so that coverage can be
    computed as for any problem.

    Returns
    -------
    GeoDataFrame
        Register-like rows: ``problem_id, kind, title_fr, title_en, sectors,
        categories, families, concern_codes, category_weights, concern,
        dominant_shift, n_incidents, excluded, geometry``.

    Examples
    --------
    >>> from diagnostic_lib import loaders, sample
    >>> d = loaders.load_diagnostic(sample.sample_dir() / "diagnostic.toml")
    >>> pi = perception_issues(d.survey, d.incidents, d.sectors, d.taxonomy)
    >>> pi[["problem_id", "concern_codes"]].values.tolist()
    [['PG-S05', ('burglary', 'vehicle_crime', 'youth_gangs')]]
    """
    import geopandas as gpd

    from . import inventory
    from . import taxonomy as taxonomy_mod

    tax = taxonomy if taxonomy is not None else taxonomy_mod.load_taxonomy()
    gap = inventory.perception_gap(survey, incidents, sectors)
    perc = inventory.perception(survey, sectors).set_index("sector")
    muni = perc.loc["*"]
    sec = sectors.set_index(sectors["sector_id"].astype(str))
    tax_concern = (
        tax["concern"].astype(object) if "concern" in tax.columns else pd.Series(dtype=object)
    )
    rows = []
    for rec in gap[gap["flag"] == flag].itertuples(index=False):
        s = str(rec.sector)
        over = [c for c in schema.CONCERNS
                if f"concern_{c}_low" in perc.columns and perc.loc[s, f"concern_{c}_low"] > muni[f"concern_{c}"]]  # fmt: skip
        weights: dict[str, float] = {}
        for c in over:
            cats = [str(k) for k in tax_concern.index[tax_concern.to_numpy() == c]]
            if not cats:
                fam = schema.CONCERN_FAMILY.get(c)
                cats = [str(k) for k in tax.index[tax["family"].to_numpy() == fam]]
            excess = float(perc.loc[s, f"concern_{c}"] - muni[f"concern_{c}"])
            for k in cats:
                weights[k] = weights.get(k, 0.0) + excess / len(cats)
        name = str(sec.loc[s, "name"]) if "name" in sec.columns else s
        lab_fr = ", ".join(i18n.label("concern", c, "fr").lower() for c in over)
        lab_en = ", ".join(i18n.label("concern", c, "en").lower() for c in over)
        fams = tuple(sorted({str(tax.loc[k, "family"]) for k in weights if k in tax.index}))
        rows.append(
            {
                "problem_id": f"PG-{s}",
                "kind": "perception",
                "title_fr": f"Sentiment d'insécurité élevé — {name}"
                + (f" ({lab_fr})" if over else ""),
                "title_en": f"High fear of crime — {name}" + (f" ({lab_en})" if over else ""),
                "sectors": (s,),
                "categories": tuple(weights),
                "families": fams,
                "concern_codes": tuple(over),
                "category_weights": weights,
                "concern": float(rec.concern),
                "dominant_shift": None,
                "n_incidents": 0,
                "excluded": False,
                "geometry": sec.loc[s, "geometry"],
            }
        )
    cols = ["problem_id", "kind", "title_fr", "title_en", "sectors", "categories", "families", "concern_codes",
            "category_weights", "concern", "dominant_shift", "n_incidents", "excluded"]  # fmt: skip
    if not rows:
        return gpd.GeoDataFrame({c: [] for c in cols}, geometry=[], crs=sectors.crs)
    return gpd.GeoDataFrame(rows, geometry="geometry", crs=sectors.crs)


# ----------------------------------------------------------------------------
# Around a measure: incidents before and after its start (plain counts)
# ----------------------------------------------------------------------------
def before_after_incidents(
    measures: pd.DataFrame,
    incidents: pd.DataFrame,
    measure_id: str,
    areas: Any,
    rings: Any,
    window_days: int = DEFAULT_WINDOW_DAYS,
    period_start: Any = None,
) -> pd.DataFrame:
    """The incidents a measure targets, in its treated area or ring, before and after its start.

    Selected: located incidents of the measure's target categories (empty =
    all) and target shifts (empty = all; an incident with no shift matches
    only an empty list), whose ``occurred_from`` is in
    ``[start − window, start + window)``, the "before" window clipped to
    ``period_start``. ``zone`` is ``treated`` (in the treated area) or
    ``buffer`` (in the ring, not in the treated area); ``period`` is
    ``before`` or ``after`` (from the start date on).

    Returns
    -------
    DataFrame
        Rows of ``incidents`` (index preserved) with ``zone`` and ``period``;
        empty for a measure with no start or no footprint.

    Examples
    --------
    >>> import geopandas as gpd, shapely
    >>> m = pd.DataFrame({"measure_id": ["M1"], "target_categories": [("theft",)], "target_shifts": [()],
    ...                   "start": pd.to_datetime(["2024-01-01"])})
    >>> inc = gpd.GeoDataFrame({"category": ["theft"] * 3, "shift": ["jour"] * 3,
    ...     "occurred_from": pd.to_datetime(["2023-06-01", "2024-06-01", "2024-06-02"])},
    ...     geometry=gpd.points_from_xy([5, 5, 15], [5, 5, 5]))
    >>> area = gpd.GeoSeries([shapely.box(0, 0, 10, 10)])
    >>> before_after_incidents(m, inc, "M1", area, buffer_ring(area, 10))[["zone", "period"]].values.tolist()
    [['treated', 'before'], ['treated', 'after'], ['buffer', 'after']]
    """
    import shapely

    pos = np.flatnonzero(measures["measure_id"].astype(str).to_numpy() == str(measure_id))
    if not len(pos):
        raise KeyError(f"no measure {measure_id!r}")
    j = int(pos[0])
    m = measures.iloc[j]
    area = np.asarray(areas.array, dtype=object)[j]
    ring = np.asarray(rings.array, dtype=object)[j] if rings is not None else None
    empty = incidents.iloc[:0].assign(zone=pd.Series(dtype="str"), period=pd.Series(dtype="str"))
    start = pd.Timestamp(m["start"]) if not _missing(m["start"]) else None
    if start is None or area is None or area.is_empty:
        return empty
    lo = start - pd.Timedelta(days=window_days)
    if period_start is not None:
        lo = max(lo, pd.Timestamp(period_start))
    hi = start + pd.Timedelta(days=window_days)
    t = incidents["occurred_from"]
    sel = ((t >= lo) & (t < hi)).to_numpy().copy()
    cats = _tuple(m.get("target_categories", ()))
    if cats:
        sel &= incidents["category"].isin(list(cats)).to_numpy()
    shifts = _tuple(m.get("target_shifts", ()))
    if shifts:
        sel &= incidents["shift"].isin(list(shifts)).fillna(False).to_numpy(dtype=bool)
    g = np.asarray(incidents.geometry.array, dtype=object)
    xs, ys = shapely.get_x(g), shapely.get_y(g)
    sel &= np.isfinite(xs) & np.isfinite(ys)
    idx = np.flatnonzero(sel)
    in_t = shapely.intersects_xy(area, xs[idx], ys[idx])
    in_b = np.zeros(len(idx), dtype=bool)
    if ring is not None and not ring.is_empty:
        in_b = ~in_t & shapely.intersects_xy(ring, xs[idx], ys[idx])
    keep = in_t | in_b
    out = incidents.iloc[idx[keep]].copy()
    out["zone"] = pd.array(np.where(in_t[keep], "treated", "buffer"), dtype="str")
    out["period"] = pd.array(
        np.where((out["occurred_from"] >= start).to_numpy(), "after", "before"), dtype="str"
    )
    return out


def before_after_counts(
    measures: pd.DataFrame,
    incidents: pd.DataFrame,
    areas: Any,
    rings: Any,
    window_days: int = DEFAULT_WINDOW_DAYS,
    period_start: Any = None,
    period_end: Any = None,
) -> pd.DataFrame:
    """Plain counts of targeted incidents in the treated area and ring, before and after each start.

    See :func:`before_after_incidents` for what is counted. Counts are given
    only for measures with a footprint that started inside the study period
    (``period_start`` < start ≤ ``period_end``); ``note`` says why others have
    none (``no_start``, ``no_footprint``, ``starts_before_data``,
    ``starts_after_data``) and flags windows cut by the data
    (``before_truncated``, ``after_truncated``), with the days observed.
    These are counts, not effects: step 3 tests them against a control area.

    Returns
    -------
    DataFrame
        Aligned with ``measures``: ``measure_id, start, before_from,
        after_to, before_days, after_days, treated_before, treated_after,
        buffer_before, buffer_after, note``.

    Examples
    --------
    >>> import geopandas as gpd, shapely
    >>> m = pd.DataFrame({"measure_id": ["M1", "M2"], "target_categories": [(), ()], "target_shifts": [(), ()],
    ...                   "start": pd.to_datetime(["2024-01-01", "2027-01-01"])})
    >>> inc = gpd.GeoDataFrame({"category": ["theft"] * 2, "shift": ["jour"] * 2,
    ...     "occurred_from": pd.to_datetime(["2023-06-01", "2024-06-01"])}, geometry=gpd.points_from_xy([5, 5], [5, 5]))
    >>> area = gpd.GeoSeries([shapely.box(0, 0, 10, 10)] * 2)
    >>> c = before_after_counts(m, inc, area, buffer_ring(area, 10), period_start="2022-01-01", period_end="2025-12-31")
    >>> c[["treated_before", "treated_after", "note"]].values.tolist()
    [[1, 1, ''], [<NA>, <NA>, 'starts_after_data']]
    """
    ps = (
        pd.Timestamp(period_start)
        if period_start is not None
        else incidents["occurred_from"].min().normalize()
    )
    pe = (
        pd.Timestamp(period_end) + pd.Timedelta(days=1)
        if period_end is not None
        else incidents["occurred_from"].max().normalize() + pd.Timedelta(days=1)
    )
    area_arr = np.asarray(areas.array, dtype=object)
    counter = _ZoneCounter(incidents)
    rows = []
    for j, (mid, start) in enumerate(
        zip(measures["measure_id"].astype(str), pd.to_datetime(measures["start"]), strict=True)
    ):
        rec = {"measure_id": mid, "start": start, "before_from": pd.NaT, "after_to": pd.NaT,
               "before_days": np.nan, "after_days": np.nan, "treated_before": pd.NA, "treated_after": pd.NA,
               "buffer_before": pd.NA, "buffer_after": pd.NA, "note": ""}  # fmt: skip
        a = area_arr[j]
        if pd.isna(start):
            rec["note"] = "no_start"
        elif a is None or a.is_empty:
            rec["note"] = "no_footprint"
        elif start <= ps:
            rec["note"] = "starts_before_data"
        elif start >= pe:
            rec["note"] = "starts_after_data"
        else:
            lo = max(start - pd.Timedelta(days=window_days), ps)
            hi = start + pd.Timedelta(days=window_days)
            rec["before_from"], rec["after_to"] = lo, hi
            rec["before_days"] = float((start - lo).days)
            rec["after_days"] = float((min(hi, pe) - start).days)
            # what before_after_incidents selects, counted from an index of the incidents
            m = measures.iloc[j]
            ring = np.asarray(rings.array, dtype=object)[j] if rings is not None else None
            cnt = counter.counts(a, ring, _tuple(m.get("target_categories", ())),
                                 _tuple(m.get("target_shifts", ())), lo, start, hi)  # fmt: skip
            rec.update(cnt)
            notes = []
            if rec["before_days"] < window_days:
                notes.append("before_truncated")
            if rec["after_days"] < window_days:
                notes.append("after_truncated")
            rec["note"] = ";".join(notes)
        rows.append(rec)
    out = pd.DataFrame(rows, index=measures.index)
    for c in ("treated_before", "treated_after", "buffer_before", "buffer_after"):
        out[c] = pd.array(out[c], dtype="Int64")
    return out


class _ZoneCounter:
    """Counts of targeted incidents in a treated area and its ring, before and after a date.

    The located incidents inside each distinct area (and ring) are found once
    (a bounding-box query of a grid index of the incidents, then the prepared
    geometry); they are kept sorted by (category, shift, time) so that each
    measure's counts are a few binary searches, whatever the number of
    incidents. The same selection as :func:`before_after_incidents`.
    """

    def __init__(self, incidents: pd.DataFrame) -> None:
        import shapely

        g = np.asarray(incidents.geometry.array, dtype=object)
        self.x, self.y = shapely.get_x(g), shapely.get_y(g)
        t = incidents["occurred_from"].to_numpy(dtype="datetime64[us]")
        ok = np.isfinite(self.x) & np.isfinite(self.y) & ~np.isnat(t)
        self.t = t.astype("int64")
        self.cat_codes, cats = pd.factorize(incidents["category"])
        self.cat_codes = np.where(self.cat_codes < 0, len(cats), self.cat_codes)
        self.cat_of = {c: k for k, c in enumerate(cats)}
        shifts = incidents["shift"] if "shift" in incidents.columns else pd.Series([None] * len(t))
        self.shift_codes, sh = pd.factorize(shifts)
        self.shift_codes = np.where(self.shift_codes < 0, len(sh), self.shift_codes)
        self.shift_of = {c: k for k, c in enumerate(sh)}
        self.n_cat, self.n_shift = len(cats) + 1, len(sh) + 1
        self.index = PointIndex(self.x, self.y, positions=np.flatnonzero(ok))
        self.t0 = int(self.t[ok].min()) if ok.any() else 0
        self._inside: dict[bytes, np.ndarray] = {}
        self._wkb: dict[int, tuple[Any, bytes]] = {}  # id -> (geometry kept alive, its WKB)
        self._zones: dict[tuple[bytes, bytes], tuple[np.ndarray, np.ndarray]] = {}

    def _key(self, geom: Any) -> bytes:
        """The WKB of ``geom``, computed once per geometry object (areas are reused)."""
        import shapely

        hit = self._wkb.get(id(geom))
        if hit is None or hit[0] is not geom:
            hit = self._wkb[id(geom)] = (geom, shapely.to_wkb(geom))
        return hit[1]

    def inside(self, geom: Any) -> np.ndarray:
        """Sorted positions of the located incidents that intersect ``geom``."""
        import shapely

        key = self._key(geom)
        if key not in self._inside:
            cand = self.index.box(*geom.bounds)
            g = shapely.from_wkb(key)
            shapely.prepare(g)
            self._inside[key] = np.sort(cand[shapely.intersects_xy(g, self.x[cand], self.y[cand])])
        return self._inside[key]

    def _sorted(self, members: np.ndarray) -> tuple[np.ndarray, np.ndarray]:
        key = self.cat_codes[members].astype("int64") * self.n_shift + self.shift_codes[members]
        order = np.lexsort((self.t[members], key))
        return key[order], self.t[members][order]

    def zones(self, area: Any, ring: Any) -> tuple[tuple, tuple]:

        k = (self._key(area), self._key(ring) if ring is not None else b"")
        if k not in self._zones:
            a = self.inside(area)
            if ring is not None and not ring.is_empty:
                b = np.setdiff1d(self.inside(ring), a, assume_unique=True)
            else:
                b = np.array([], dtype="int64")
            self._zones[k] = (self._sorted(a), self._sorted(b))
        return self._zones[k]

    def counts(self, area, ring, cats, shifts, lo, start, hi) -> dict[str, int]:
        """``treated_before, treated_after, buffer_before, buffer_after``."""
        cat_keys = [self.cat_of[c] for c in cats if c in self.cat_of] if cats else range(self.n_cat)
        shift_keys = (
            [self.shift_of[c] for c in shifts if c in self.shift_of]
            if shifts
            else range(self.n_shift)
        )
        keys = np.array([c * self.n_shift + h for c in cat_keys for h in shift_keys], dtype="int64")
        tl, ts, th = (np.datetime64(pd.Timestamp(v), "us").astype("int64") for v in (lo, start, hi))
        out = {}
        for zone, (kk, tt) in zip(("treated", "buffer"), self.zones(area, ring), strict=True):
            first = np.searchsorted(kk, keys, side="left")
            last = np.searchsorted(kk, keys, side="right")
            n_before = n_after = 0
            for a, b in zip(first, last, strict=True):
                if b > a:
                    seg = tt[a:b]
                    i_lo, i_st, i_hi = np.searchsorted(seg, [tl, ts, th], side="left")
                    n_before += int(i_st - i_lo)
                    n_after += int(i_hi - i_st)
            out[f"{zone}_before"], out[f"{zone}_after"] = n_before, n_after
        return out


# ----------------------------------------------------------------------------
# Display
# ----------------------------------------------------------------------------
_VALUE_PREFIX = {
    "pillar": "pillar",
    "kind": "kind",
    "footprint": "footprint",
    "status": "status",
    "level": "coverage",
    "gap_reason": "gap",
    "shift_match": "shiftmatch",
    "serves": "serves",
    "pillars": "pillar",
    "missing_pillars": "pillar",
    "measure_levels": "coverage",
    "problem_levels": "coverage",
    "zone": "zone",
    "period": "baperiod",
    "problem_kind": "problemkind",
    "partner_kind": "partnerkind",
    "expertise": "expertise",
    "expertise_matched": "expertise",
    "target_shifts": "shift",
    "spatial_basis": "basis",
}
_JOINED_COLUMNS = {"note": "note"}
"""Columns holding ``;``-separated codes."""
_CATEGORY_COLUMNS = ("categories", "categories_matched", "target_categories", "targets_matched")


def for_display(
    frame: pd.DataFrame, lang: str = "fr", taxonomy: pd.DataFrame | None = None
) -> pd.DataFrame:
    """A copy of a step-2 table ready to show: codes as labels, tuples as text, headers translated.

    Keeps the language's own name/title column (``name`` or ``name_en``,
    ``title_fr`` or ``title_en``) and drops the other; column headers come
    from the ``measures.col.*`` labels of :mod:`diagnostic_lib.i18n`.
    Category codes are written with the taxonomy's labels (the shipped
    taxonomy when ``taxonomy`` is not given); family codes with the family labels.

    Examples
    --------
    >>> reg = pd.DataFrame({"measure_id": ["M1"], "name": ["Éclairage"], "name_en": ["Lighting"],
    ...     "pillar": ["prevention"], "status": ["planned"], "partners": [("P1", "P2")]})
    >>> for_display(reg, "en").values.tolist()
    [['M1', 'Lighting', 'Prevention', 'Planned', 'P1, P2']]
    >>> for_display(reg, "fr").columns.tolist()
    ['Mesure', 'Nom', 'Pilier', 'Statut', 'Partenaires']
    """
    from . import taxonomy as taxonomy_mod

    i18n.check_lang(lang)
    tax = taxonomy if taxonomy is not None else taxonomy_mod.load_taxonomy()
    tlab = tax["label_fr" if lang == "fr" else "label_en"].astype(str).to_dict()

    def cat_label(code: Any) -> str:
        return tlab.get(str(code)) or i18n.label("family", code, lang)

    out = frame.copy()
    drop = []
    for base in ("name", "partner_name"):
        if base in out.columns and f"{base}_en" in out.columns:
            if lang == "en":
                out[base] = out[f"{base}_en"].where(out[f"{base}_en"].astype(str) != "", out[base])
            drop.append(f"{base}_en")
    if "title_fr" in out.columns and "title_en" in out.columns:
        if lang == "en":
            out["title_fr"] = out["title_en"]
        drop.append("title_en")
    out = out.drop(columns=drop)
    for c in out.columns:
        prefix = _VALUE_PREFIX.get(c)
        s = out[c]
        if c in _JOINED_COLUMNS:
            out[c] = [
                "; ".join(i18n.label(_JOINED_COLUMNS[c], v, lang) for v in str(x).split(";") if v)
                if isinstance(x, str)
                else x
                for x in s
            ]
        elif c in _CATEGORY_COLUMNS:
            out[c] = [", ".join(map(cat_label, x)) if isinstance(x, tuple) else x for x in s]
        elif prefix is not None:
            out[c] = [
                ", ".join(i18n.label(prefix, v, lang) for v in x) if isinstance(x, tuple)
                else ("" if _missing(x) or x == "" else i18n.label(prefix, x, lang))
                for x in s
            ]  # fmt: skip
        elif s.dtype == object and any(isinstance(x, tuple) for x in s):
            out[c] = [", ".join(map(str, x)) if isinstance(x, tuple) else x for x in s]
        elif isinstance(s.dtype, pd.Int64Dtype):
            out[c] = s.astype(object).where(s.notna(), "—")
        elif pd.api.types.is_datetime64_any_dtype(s):
            out[c] = s.dt.strftime("%Y-%m-%d").fillna("")
        elif s.dtype == bool:
            out[c] = s.map(
                {True: "oui" if lang == "fr" else "yes", False: "non" if lang == "fr" else "no"}
            )
    return out.rename(columns={c: i18n.t(f"measures.col.{c}", lang) for c in out.columns
                               if f"measures.col.{c}" in i18n.LABELS})  # fmt: skip


# ----------------------------------------------------------------------------
# The whole step at once (notebook, report)
# ----------------------------------------------------------------------------
@dataclass
class MeasureInventory:
    """Every table of step 2, as computed by :func:`run`.

    Attributes
    ----------
    registry : DataFrame
        :func:`registry`.
    areas, rings : GeoSeries
        Treated areas and buffer rings, aligned with the measures.
    problems : GeoDataFrame
        The problems assessed: the step-1 register plus perception issues.
    priority : DataFrame
        Step-1 ranks.
    coverage, matrix, by_problem, by_measure : DataFrame
        :func:`coverage`, :func:`coverage_matrix`, :func:`problem_coverage`,
        :func:`measure_coverage`.
    gaps, single_pillar, sector_gaps : DataFrame
        :func:`coverage_gaps`, :func:`single_pillar`, :func:`sector_gaps`.
    partner_roles, partner_suggestions : DataFrame
        :func:`partner_roles`, :func:`partner_suggestions`.
    before_after : DataFrame
        :func:`before_after_counts`.
    ledger : DataFrame
        Ledger entries about the measures file (e.g. an unknown partner).
    measures : GeoDataFrame
        The canonical measures table.
    parameters : dict
    """

    registry: pd.DataFrame
    areas: Any
    rings: Any
    problems: pd.DataFrame
    priority: pd.DataFrame
    coverage: pd.DataFrame
    matrix: pd.DataFrame
    by_problem: pd.DataFrame
    by_measure: pd.DataFrame
    gaps: pd.DataFrame
    single_pillar: pd.DataFrame
    sector_gaps: pd.DataFrame
    partner_roles: pd.DataFrame
    partner_suggestions: pd.DataFrame
    before_after: pd.DataFrame
    ledger: pd.DataFrame
    measures: pd.DataFrame
    partners: pd.DataFrame | None = None
    parameters: dict[str, Any] = field(default_factory=dict)


def run(
    diag: Any,
    problems: pd.DataFrame,
    priority: pd.DataFrame | None = None,
    *,
    ref_date: Any = None,
    buffer_m: float | Mapping[str, float] = DEFAULT_BUFFER_M,
    window_days: int = DEFAULT_WINDOW_DAYS,
    expertise_map: Mapping[str, Sequence[str]] | None = None,
    thresholds: Mapping[str, float] | None = None,
    include_perception: bool = True,
    top: int | None = None,
    pairs: str | None = None,
) -> MeasureInventory:
    """Run the whole of step 2 on a loaded diagnosis and a problem register.

    Parameters
    ----------
    diag : Diagnostic
        From :func:`diagnostic_lib.loaders.load_diagnostic` (with measures).
    problems : GeoDataFrame
        Problem register (step 1: ``Inventory.problems`` or a register read
        back with :func:`diagnostic_lib.inventory.read_register`).
    priority : DataFrame, optional
        Step-1 ranks (computed with the default weights when not given).
    ref_date : date-like, optional
        Reference date of the status (default: the end of the study period).
    buffer_m : float or dict
        Width of the buffer rings (one for all, or per measure id).
    window_days : int
        Before/after windows of the plain counts (365 days = 12 months).
    expertise_map : dict, optional
        See :data:`DEFAULT_EXPERTISE_MAP`.
    thresholds : dict, optional
        See :data:`DEFAULT_THRESHOLDS`.
    include_perception : bool
        Add the survey's perception issues (:func:`perception_issues`).
    top : int, optional
        Only gaps ranked ``top`` or better (default: every gap).
    pairs : {"all", "related"}, optional
        Rows of the coverage table (see :func:`coverage`). Default: ``"all"``
        up to :data:`MAX_COVERAGE_PAIRS` problem × measure pairs, ``"related"``
        beyond (a regional study: the summaries are the same either way).

    Returns
    -------
    MeasureInventory

    Examples
    --------
    >>> from diagnostic_lib import inventory, loaders, sample
    >>> d = loaders.load_diagnostic(sample.sample_dir() / "diagnostic.toml")
    >>> inv = inventory.run(d, permutations=9)
    >>> res = run(d, inv.problems, inv.priority)
    >>> fraud = res.by_problem[res.by_problem["categories"].map(lambda c: "cyber_fraud" in c)]
    >>> fraud[["level", "gap_reason"]].values.tolist()
    [['none', 'uncovered']]
    >>> res.partner_suggestions.query("problem_id == @fraud.problem_id.iloc[0]")["partner_id"].iloc[0]
    'P09'
    """
    from . import inventory

    if diag.measures is None:
        raise ValueError("this diagnosis has no measures file ([data.measures] in the config)")
    meas, sec, inc = diag.measures, diag.sectors, diag.incidents
    cfg = diag.config
    ref = (
        ref_date
        if ref_date is not None
        else (cfg.period_end if cfg.period_end is not None else None)
    )
    ref = _ref(ref)
    areas = treated_area(meas, sec)
    rings = buffer_rings(meas, areas, buffer_m)
    reg = registry(meas, sec, diag.partners, ref, cfg.period_start, areas)
    prio = priority if priority is not None else inventory.priority(problems)
    pb = _active_problems(problems)
    if include_perception and diag.survey is not None and len(diag.survey):
        issues = perception_issues(diag.survey, inc, sec, diag.taxonomy)
        if len(issues):
            pb = pd.concat(
                [pb, issues.to_crs(pb.crs) if pb.crs is not None else issues], ignore_index=True
            )
    if pairs is None:
        pairs = "all" if len(pb) * len(meas) <= MAX_COVERAGE_PAIRS else "related"
    cov = coverage(pb, meas, sec, inc, ref, areas, thresholds, pairs=pairs)
    summ = problem_coverage(cov, pb, prio)
    years = None
    if cfg.period_start is not None and cfg.period_end is not None:
        years = max(((cfg.period_end - cfg.period_start).days + 1) / 365.25, 1 / 12)
    ledger = diag.ledger.entries
    ledger = ledger[ledger["table"] == "measures"].reset_index(drop=True)
    return MeasureInventory(
        registry=reg,
        areas=areas,
        rings=rings,
        problems=pb,
        priority=prio,
        coverage=cov,
        matrix=coverage_matrix(cov),
        by_problem=summ,
        by_measure=measure_coverage(cov, reg),
        gaps=coverage_gaps(summ, top),
        single_pillar=single_pillar(summ),
        sector_gaps=sector_gaps(pb, reg, sec, summ, inc, years=years),
        partner_roles=partner_roles(reg, diag.partners),
        partner_suggestions=partner_suggestions(pb, summ, diag.partners, reg, expertise_map),
        before_after=before_after_counts(
            meas, inc, areas, rings, window_days, cfg.period_start, cfg.period_end
        ),
        ledger=ledger,
        measures=meas,
        partners=diag.partners,
        parameters={
            "ref_date": ref,
            "buffer_m": buffer_m if not isinstance(buffer_m, Mapping) else dict(buffer_m),
            "window_days": window_days,
            "thresholds": {**DEFAULT_THRESHOLDS, **(thresholds or {})},
            "expertise_map": dict(expertise_map or DEFAULT_EXPERTISE_MAP),
            "include_perception": include_perception,
            "pairs": pairs,
            "period_start": cfg.period_start,
            "period_end": cfg.period_end,
        },
    )


def measure_card(
    result: MeasureInventory, incidents: pd.DataFrame, measure_id: str
) -> dict[str, Any]:
    """Everything about one measure: its register row, its problems, the incidents around it.

    Parameters
    ----------
    result : MeasureInventory
        From :func:`run`.
    incidents : DataFrame
        Canonical incidents.
    measure_id : str

    Returns
    -------
    dict
        ``measure`` (one-row register), ``problems`` (the problems it
        addresses, with levels and titles), ``counts`` (one-row
        :func:`before_after_counts`), ``incidents`` (:func:`before_after_incidents`),
        ``area`` and ``ring`` (geometries).

    Examples
    --------
    >>> from diagnostic_lib import inventory, loaders, sample
    >>> d = loaders.load_diagnostic(sample.sample_dir() / "diagnostic.toml")
    >>> inv = inventory.run(d, permutations=9)
    >>> card = measure_card(run(d, inv.problems, inv.priority, buffer_m={"M03": 300}), d.incidents, "M03")
    >>> card["counts"][["treated_before", "treated_after", "buffer_before", "buffer_after"]].values.tolist()
    [[164, 93, 63, 87]]
    """
    reg = result.registry
    sel = reg["measure_id"].astype(str) == str(measure_id)
    if not sel.any():
        raise KeyError(f"no measure {measure_id!r}")
    j = int(np.flatnonzero(sel.to_numpy())[0])
    p = result.parameters
    cov = result.coverage
    probs = cov[(cov["measure_id"] == str(measure_id)) & (cov["level"] != "none")].copy()
    titles = result.by_problem.set_index("problem_id")[["title_fr", "title_en", "rank"]]
    probs = probs.join(titles, on="problem_id")
    probs["_r"] = probs["level"].map(_LEVEL_RANK)
    probs = probs.sort_values(["_r", "problem_id"], ascending=[False, True]).drop(columns="_r")
    cols = ["problem_id", "title_fr", "title_en", "rank", "level", "thematic_share", "spatial_share",
            "shift_match", "note"]  # fmt: skip
    meas = result.measures
    ba = before_after_incidents(meas, incidents, measure_id, result.areas, result.rings,
                                p["window_days"], p["period_start"])  # fmt: skip
    counts = before_after_counts(meas.iloc[[j]], incidents, result.areas.iloc[[j]], result.rings.iloc[[j]],
                                 p["window_days"], p["period_start"], p["period_end"])  # fmt: skip
    return {
        "measure": reg.iloc[[j]],
        "problems": probs[cols].reset_index(drop=True),
        "counts": counts,
        "incidents": ba,
        "area": np.asarray(result.areas.array, dtype=object)[j],
        "ring": np.asarray(result.rings.array, dtype=object)[j],
    }


def problem_card(result: MeasureInventory, problem_id: str) -> dict[str, Any]:
    """Everything about one problem: its coverage, its measures, the partners who could help.

    Parameters
    ----------
    result : MeasureInventory
        From :func:`run`.
    problem_id : str

    Returns
    -------
    dict
        ``problem`` (one-row :func:`problem_coverage`), ``measures`` (every
        measure addressing it, active, planned or ended, with levels), and
        ``partners`` (:func:`partner_suggestions` for this problem, whatever
        its coverage).

    Examples
    --------
    >>> from diagnostic_lib import inventory, loaders, sample
    >>> d = loaders.load_diagnostic(sample.sample_dir() / "diagnostic.toml")
    >>> inv = inventory.run(d, permutations=9)
    >>> res = run(d, inv.problems, inv.priority)
    >>> card = problem_card(res, "PG-S05")
    >>> card["measures"][["measure_id", "level"]].values.tolist()[:2]
    [['M14', 'partial'], ['M06', 'weak']]
    """
    s = result.by_problem
    row = s[s["problem_id"] == str(problem_id)]
    if not len(row):
        raise KeyError(f"no problem {problem_id!r}")
    cov = result.coverage
    ms = cov[(cov["problem_id"] == str(problem_id)) & (cov["level"] != "none")].copy()
    ms = ms.join(
        result.registry.set_index("measure_id")[["name", "name_en", "kind", "partners"]],
        on="measure_id",
    )
    ms["_r"] = ms["level"].map(_LEVEL_RANK)
    ms["_a"] = (ms["status"] != "active").astype(int)
    ms = ms.sort_values(["_a", "_r", "measure_id"], ascending=[True, False, True]).drop(
        columns=["_r", "_a"]
    )
    cols = ["measure_id", "name", "name_en", "pillar", "kind", "status", "level", "thematic_share",
            "spatial_share", "shift_match", "partners", "note"]  # fmt: skip
    sugg = partner_suggestions(result.problems, s, result.partners, result.registry,
                               result.parameters.get("expertise_map"), levels=None,
                               problem_ids=[str(problem_id)])  # fmt: skip
    return {
        "problem": row.reset_index(drop=True),
        "measures": ms[cols].reset_index(drop=True),
        "partners": sugg,
    }
