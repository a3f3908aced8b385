"""The register of measures: status, months in place, sectors touched, summaries.

Examples
--------
>>> import pandas as pd
>>> m = pd.DataFrame({"start": pd.to_datetime(["2024-01-01", "2027-01-01"]), "end": pd.NaT})
>>> status(m, "2025-12-31").tolist()
['active', 'planned']
"""

from __future__ import annotations

from typing import Any

import numpy as np
import pandas as pd

from .. import formatting as fmt
from .. import settings
from ._frames import _col, _ref, _tuple
from .footprints import treated_area
from .levels import STATUSES

DEFAULT_SECTOR_MIN_SHARE: float = settings.default("sector_min_share")
"""Smallest share of a treated area inside a sector for the measure to touch it.

The default of the ``sector_min_share`` tunable (0.01).
"""


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
    measures: pd.DataFrame,
    sectors: pd.DataFrame,
    areas: Any = None,
    min_share: float = DEFAULT_SECTOR_MIN_SHARE,
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
        Smallest share of the treated area for a sector to count (the
        ``sector_min_share`` tunable, :data:`DEFAULT_SECTOR_MIN_SHARE`).

    Returns
    -------
    Series
        Tuple of sector ids per measure, aligned with ``measures``.

    Examples
    --------
    >>> import geopandas as gpd, shapely
    >>> sec = gpd.GeoDataFrame({"sector_id": ["A", "B"]},
    ...     geometry=[shapely.box(0, 0, 10, 10), shapely.box(10, 0, 20, 10)])
    >>> m = gpd.GeoDataFrame({"footprint": ["polygon", "municipality", "none"],
    ...     "footprint_sectors": [(), (), ()]},
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
    min_share: float = DEFAULT_SECTOR_MIN_SHARE,
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
    min_share : float
        See :func:`measure_sectors` (default :data:`DEFAULT_SECTOR_MIN_SHARE`).

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
    out["sectors_touched"] = measure_sectors(measures, sectors, areas, min_share)
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
    >>> reg = pd.DataFrame({"measure_id": ["M1", "M2", "M3"],
    ...     "pillar": ["prevention", "prevention", "partenariat"],
    ...     "status": ["active", "ended", "active"], "cost": [10.0, float("nan"), 5.0],
    ...     "partners": [("P1",), ("P1", "P9"), ()], "unknown_partners": [(), ("P9",), ()]})
    >>> cols = ["pillar", "n_measures", "active", "cost_total", "cost_known"]
    >>> registry_summary(reg, "pillar")[cols].values.tolist()
    [['partenariat', 1, 1, 5.0, 1], ['prevention', 2, 1, 10.0, 1]]
    >>> registry_summary(reg, "partner")[["partner", "n_measures", "unknown"]].values.tolist()
    [['P1', 2, False], ['P9', 1, True], ['—', 1, False]]
    """
    key = _GROUP_KEYS.get(by, by)
    if key not in reg.columns:
        raise ValueError(f"cannot group measures by {by!r}: no column {key!r}")
    r = reg.copy()
    if key in ("partners", "sectors_touched"):
        r["_g"] = [tuple(t) if len(t) else (fmt.MISSING,) for t in r[key]]
        r = r.explode("_g")
    else:
        r["_g"] = r[key].astype(object).fillna(fmt.MISSING).astype(str)
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
    dash = out[by] == fmt.MISSING
    return pd.concat([out[~dash], out[dash]]).reset_index(drop=True)
