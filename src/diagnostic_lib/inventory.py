"""Step 1 — inventory of crime problems and security issues.

The analytic core of the "problem solving" pillar: turn incidents and citizens'
voices into a short, explainable list of problems, each tied to a place and a
time. Every function is pure (tables in, tables out); the notebook
``01_inventory.ipynb`` and the report only call them.

Sections
--------
- Volume and rates: :func:`counts`, :func:`rates`, :func:`severity_index`.
- Time: :func:`aoristic`, :func:`hour_weekday`, :func:`shift_shares`, :func:`seasonality`.
- Change: :func:`change` (E-test, never a bare percent change).
- Concentration: :func:`place_counts`, :func:`concentration`, :func:`concentration_table`,
  :func:`repeat_locations`.
- Hot spots: :func:`make_grid`, :func:`grid_counts`, :func:`hot_spots` (Getis–Ord Gi*
  with FDR), :func:`kde_surface`.
- Near repeat: :func:`knox_test`.
- Citizens' perception: :func:`perception`, :func:`perception_gap`.
- Problems: :func:`find_problems`, :func:`priority`, :func:`write_register`,
  :func:`read_register`.

Conventions
-----------
- An incident belongs to the period (year, quarter, month) of its
  ``occurred_from``.
- Rates are per 1,000 residents of the sector (``population``), with exact
  Poisson intervals; a sector without population has no rate.
- Incidents without a sector count in the municipality's totals, not in any
  sector's.

Examples
--------
>>> from diagnostic_lib import inventory, loaders, sample
>>> d = loaders.load_diagnostic(sample.sample_dir() / "diagnostic.toml")
>>> r = inventory.rates(d.incidents, d.sectors, by="family", period="year")
>>> {"count", "rate", "rate_low", "rate_high", "population"} <= set(r.columns)
True
"""

from __future__ import annotations

import functools
import warnings
from collections.abc import Mapping, Sequence
from dataclasses import dataclass, field
from typing import Any

import numpy as np
import pandas as pd

from . import i18n, stats

WEEKDAYS_FR = i18n.WEEKDAYS["fr"]
WEEKDAYS_EN = i18n.WEEKDAYS["en"]
MONTHS_FR = i18n.MONTHS["fr"]
MONTHS_EN = i18n.MONTHS["en"]

CHANGE_LABELS = {
    "significant_rise": ("hausse significative", "significant rise"),
    "significant_fall": ("baisse significative", "significant fall"),
    "stable": ("stable (aucun changement significatif)", "stable (no significant change)"),
    "too_few": ("trop peu d'événements pour conclure", "too few events to conclude"),
}


class GridWarning(UserWarning):
    """A grid whose cell size makes hot-spot analysis degenerate."""


# ----------------------------------------------------------------------------
# helpers
# ----------------------------------------------------------------------------
def _period_key(ts: pd.Series, period: str | None) -> pd.Series:
    if period is None or period == "all":
        return pd.Series("all", index=ts.index, dtype="str")
    if period == "year":
        return ts.dt.year.astype("Int64")
    if period in ("quarter", "month"):
        # each distinct period written once (the same text as astype("str"))
        per = ts.dt.to_period("Q" if period == "quarter" else "M")
        codes, uniq = pd.factorize(per)
        text = np.asarray(uniq.astype("str"), dtype=object)
        vals = np.full(len(codes), None, dtype=object)
        vals[codes >= 0] = text[codes[codes >= 0]]
        return pd.Series(vals, index=ts.index, dtype="str")
    raise ValueError(f"period must be 'year', 'quarter', 'month' or None, got {period!r}")


def _located(incidents: pd.DataFrame) -> pd.DataFrame:
    g = incidents.geometry
    return incidents[g.notna().to_numpy() & ~g.is_empty.to_numpy()]


def _xy(incidents: pd.DataFrame) -> tuple[np.ndarray, np.ndarray]:
    import shapely

    arr = np.asarray(incidents.geometry.array, dtype=object)
    return shapely.get_x(arr), shapely.get_y(arr)


def _fmt_int(n: float, lang: str) -> str:
    s = f"{int(round(n)):,}"
    return s.replace(",", "\u202f") if lang == "fr" else s


# ----------------------------------------------------------------------------
# Volume and rates
# ----------------------------------------------------------------------------
def counts(
    incidents: pd.DataFrame,
    by: Sequence[str] = ("sector", "category"),
    period: str | None = "year",
    complete: bool = True,
) -> pd.DataFrame:
    """Incident counts by any columns and period.

    Parameters
    ----------
    incidents : DataFrame
        Canonical incidents.
    by : sequence of str
        Grouping columns (e.g. ``("sector", "family")``).
    period : {"year", "quarter", "month", None}
        Period of ``occurred_from``; ``None`` for the whole table.
    complete : bool
        Include zero counts for every combination of observed values.

    Returns
    -------
    DataFrame
        Columns ``*by, period, count``.

    Examples
    --------
    >>> import pandas as pd
    >>> inc = pd.DataFrame({"sector": ["A", "A", "B"], "category": ["x", "y", "x"],
    ...                     "occurred_from": pd.to_datetime(["2024-01-01", "2024-02-01", "2025-01-01"])})
    >>> counts(inc, by=("sector",), period="year").values.tolist()
    [['A', 2024, 2], ['A', 2025, 0], ['B', 2024, 0], ['B', 2025, 1]]
    """
    keys = list(by)
    df = incidents[keys].copy()
    df["period"] = _period_key(incidents["occurred_from"], period)
    out = df.groupby(keys + ["period"], dropna=False, observed=True).size().rename("count")
    if complete and len(out):
        levels = [pd.Index(df[k].dropna().unique()).sort_values() for k in keys] + [
            pd.Index(df["period"].dropna().unique()).sort_values()
        ]
        full = pd.MultiIndex.from_product(levels, names=keys + ["period"])
        nan_rows = out[out.index.to_frame().isna().any(axis=1).to_numpy()]
        out = out.reindex(full, fill_value=0)
        if len(nan_rows):
            out = pd.concat([out, nan_rows])
    return out.reset_index()


def rates(
    incidents: pd.DataFrame,
    sectors: pd.DataFrame,
    by: str | None = "category",
    period: str | None = "year",
    per: float = 1000.0,
    level: float = 0.95,
    municipality: bool = True,
) -> pd.DataFrame:
    """Counts and rates per 1,000 residents by sector × group × period.

    Parameters
    ----------
    incidents, sectors : DataFrame
        Canonical tables; ``sectors`` needs ``population``.
    by : {"category", "family", None}
        Incident grouping (``None``: all incidents).
    period : {"year", "quarter", "month", None}
    per : float
        Rate denominator (residents).
    level : float
        Confidence level of the exact Poisson interval.
    municipality : bool
        Add a row per group and period for the whole municipality (sector
        ``"*"``), which also counts incidents without a sector.

    Returns
    -------
    DataFrame
        ``sector, name, population, group, period, count, rate, rate_low,
        rate_high``. Rates are for the period (not annualised).

    Examples
    --------
    >>> import geopandas as gpd, pandas as pd, shapely
    >>> sec = gpd.GeoDataFrame({"sector_id": ["A"], "name": ["A"], "population": [2000.0]},
    ...                        geometry=[shapely.box(0, 0, 1, 1)])
    >>> inc = pd.DataFrame({"sector": ["A"] * 10, "category": ["x"] * 10,
    ...                     "occurred_from": pd.to_datetime(["2024-06-01"] * 10)})
    >>> r = rates(inc, sec, municipality=False).iloc[0]
    >>> int(r["count"]), float(r["rate"])
    (10, 5.0)
    """
    group = by or "_all"
    inc = incidents.assign(_all="all") if by is None else incidents
    c = counts(inc, by=("sector", group), period=period, complete=False)
    sec = pd.DataFrame(sectors[["sector_id", "name", "population"]]).rename(
        columns={"sector_id": "sector"}
    )
    groups = pd.Index(inc[group].dropna().unique()).sort_values()
    periods = pd.Index(_period_key(inc["occurred_from"], period).dropna().unique()).sort_values()
    full = pd.MultiIndex.from_product(
        [sec["sector"], groups, periods], names=["sector", group, "period"]
    )
    c_sec = c.dropna(subset=["sector"]).set_index(["sector", group, "period"])["count"]
    c_sec = c_sec[c_sec.index.isin(full)].reindex(full, fill_value=0).reset_index()
    out = c_sec.merge(sec, on="sector", how="left")
    if municipality:
        tot = counts(inc, by=(group,), period=period, complete=True).assign(sector="*")
        tot = tot.assign(name="*", population=float(sec["population"].sum(min_count=1)))
        out = pd.concat([out, tot], ignore_index=True)
    pop = out["population"].astype("float64")
    lo, hi = stats.poisson_ci(out["count"].to_numpy(), level)
    with np.errstate(divide="ignore", invalid="ignore"):
        scale = np.where(pop > 0, per / pop, np.nan)
    out["rate"] = out["count"] * scale
    out["rate_low"] = lo * scale
    out["rate_high"] = hi * scale
    out = out.rename(columns={group: "group"})
    cols = [
        "sector",
        "name",
        "population",
        "group",
        "period",
        "count",
        "rate",
        "rate_low",
        "rate_high",
    ]
    return out[cols].reset_index(drop=True)


def severity_index(
    incidents: pd.DataFrame,
    sectors: pd.DataFrame,
    weights: pd.DataFrame,
    per: float = 1000.0,
    level: float = 0.95,
) -> pd.DataFrame:
    """Local severity-weighted index per sector (municipality = 100).

    Each incident weighs its category's severity weight; the weighted sum per
    1,000 residents of a sector is divided by the municipality's and multiplied
    by 100. This is a **local severity-weighted index**, not Statistics
    Canada's Crime Severity Index. The interval treats counts as Poisson
    (variance of a weighted sum = Σ w² n), normal approximation.

    Parameters
    ----------
    incidents, sectors : DataFrame
    weights : DataFrame
        From :func:`diagnostic_lib.taxonomy.load_severity_weights`.

    Returns
    -------
    DataFrame
        ``sector, name, population, count, weighted, weighted_rate, index,
        index_low, index_high``, plus the municipality row ``"*"``.

    Examples
    --------
    >>> import geopandas as gpd, pandas as pd, shapely
    >>> sec = gpd.GeoDataFrame({"sector_id": ["A", "B"], "name": ["A", "B"], "population": [1000.0, 1000.0]},
    ...                        geometry=[shapely.box(0, 0, 1, 1), shapely.box(1, 0, 2, 1)])
    >>> w = pd.DataFrame({"weight": [100.0, 10.0]}, index=["robbery", "theft"])
    >>> inc = pd.DataFrame({"sector": ["A", "B", "B"], "category": ["robbery", "theft", "theft"]})
    >>> severity_index(inc, sec, w)[["sector", "weighted", "index"]].round(1).values.tolist()
    [['A', 100.0, 166.7], ['B', 20.0, 33.3], ['*', 120.0, 100.0]]
    """
    wmap = weights["weight"]
    w = incidents["category"].map(wmap).astype("float64").fillna(0.0)
    df = pd.DataFrame({"sector": incidents["sector"], "w": w, "w2": w**2})
    g = df.groupby("sector", observed=True).agg(
        count=("w", "size"), weighted=("w", "sum"), w2=("w2", "sum")
    )
    sec = (
        pd.DataFrame(sectors[["sector_id", "name", "population"]])
        .rename(columns={"sector_id": "sector"})
        .set_index("sector")
    )
    out = sec.join(g, how="left").fillna({"count": 0, "weighted": 0.0, "w2": 0.0})
    total = pd.DataFrame(
        {
            "name": ["*"],
            "population": [sec["population"].sum(min_count=1)],
            "count": [len(df)],
            "weighted": [df["w"].sum()],
            "w2": [df["w2"].sum()],
        },  # fmt: skip
        index=pd.Index(["*"], name="sector"),
    )
    out = pd.concat([out, total])
    with np.errstate(divide="ignore", invalid="ignore"):
        out["weighted_rate"] = out["weighted"] / out["population"] * per
        ref = float(out.loc["*", "weighted_rate"])
        out["index"] = out["weighted_rate"] / ref * 100
        se = np.sqrt(out["w2"]) / out["population"] * per / ref * 100
    from scipy.stats import norm

    z = float(norm.ppf(0.5 + level / 2))
    out["index_low"] = (out["index"] - z * se).clip(lower=0)
    out["index_high"] = out["index"] + z * se
    out["count"] = out["count"].astype("int64")
    return out.drop(columns="w2").reset_index()


# ----------------------------------------------------------------------------
# Time
# ----------------------------------------------------------------------------
def aoristic(incidents: pd.DataFrame, max_hours: int = 168) -> pd.DataFrame:
    """Aoristic allocation: spread each event's weight over the hours it may have occurred.

    An event known exactly puts weight 1 on its hour. An event known only by a
    range ``[occurred_from, occurred_to)`` spreads weight 1 over the clock hours
    the range covers, in proportion to the minutes of each hour inside it.
    Ranges longer than ``max_hours`` (a week by default) carry no information on
    the hour of the week and are spread evenly over the 168 hours of the week.

    Parameters
    ----------
    incidents : DataFrame
        Needs ``occurred_from`` and ``occurred_to``.
    max_hours : int

    Returns
    -------
    DataFrame
        One row per (incident, hour): ``incident`` (index label of the
        incident), ``slot`` (timestamp of the hour's start), ``weekday``
        (0 = Monday), ``hour``, ``weight``. Weights of each incident sum to 1.

    Examples
    --------
    >>> import pandas as pd
    >>> inc = pd.DataFrame({"occurred_from": pd.to_datetime(["2024-05-03 22:30", "2024-05-04 10:15"]),
    ...                     "occurred_to": pd.to_datetime(["2024-05-04 00:30", None])})
    >>> a = aoristic(inc)
    >>> a["hour"].tolist(), a["weight"].tolist()
    ([22, 23, 0, 10], [0.25, 0.5, 0.25, 1.0])
    """
    start = pd.to_datetime(incidents["occurred_from"]).to_numpy(dtype="datetime64[us]")
    end = pd.to_datetime(incidents["occurred_to"]).to_numpy(dtype="datetime64[us]")
    idx = incidents.index.to_numpy()
    rep, slot, weekday, hour, weight = _aoristic_arrays(start, end, max_hours)
    slots = slot.astype("datetime64[us]")
    return pd.DataFrame(
        {"incident": idx[rep], "slot": slots, "weekday": weekday, "hour": hour, "weight": weight}
    )


_HOUR_US = np.int64(3_600_000_000)
_DAY_US = np.int64(86_400_000_000)


def _too_long(start: np.ndarray, end: np.ndarray, max_hours: int = 168) -> np.ndarray:
    """Events whose range is longer than ``max_hours`` (spread evenly over the week)."""
    s = start.astype("int64")
    e = np.where(np.isnat(end), s, end.astype("int64"))
    ranged = ~np.isnat(start) & (e > s)
    return ranged & ((e - s) > max_hours * _HOUR_US)


_AORISTIC_CACHE: dict[tuple, tuple] = {}


def _aoristic_arrays(
    start: np.ndarray, end: np.ndarray, max_hours: int = 168
) -> tuple[np.ndarray, np.ndarray, np.ndarray, np.ndarray, np.ndarray]:
    """:func:`aoristic` on arrays (``datetime64[us]``, NaT allowed), without a DataFrame.

    Returns ``(position of the event, slot start in µs, weekday, hour, weight)``:
    the rows of :func:`aoristic`, in the same order (read-only arrays: the last
    large result is kept, as step 1 spreads the same incidents twice).
    """
    import hashlib

    big = len(start) >= 50_000
    if big:
        h = hashlib.blake2b(np.ascontiguousarray(start).view("int64").tobytes(), digest_size=16)
        h.update(np.ascontiguousarray(end).view("int64").tobytes())
        key = (len(start), int(max_hours), h.hexdigest())
        if key in _AORISTIC_CACHE:
            return _AORISTIC_CACHE[key]
    out = _aoristic_compute(start, end, max_hours)
    if big:
        for a in out:
            a.flags.writeable = False
        _AORISTIC_CACHE.clear()
        _AORISTIC_CACHE[key] = out
    return out


def _aoristic_compute(
    start: np.ndarray, end: np.ndarray, max_hours: int
) -> tuple[np.ndarray, np.ndarray, np.ndarray, np.ndarray, np.ndarray]:
    hour_us = _HOUR_US
    s = start.astype("int64")
    valid_start = ~np.isnat(start)
    e = np.where(np.isnat(end), s, end.astype("int64"))
    ranged = valid_start & (e > s)
    too_long = _too_long(start, end, max_hours)
    h0 = (s // hour_us) * hour_us
    spread = ranged & ~too_long
    nh = np.where(spread, -(-(e - h0) // hour_us), 1)
    nh = np.where(valid_start, nh, 0)
    first = np.cumsum(nh) - nh  # each event's first row
    rep = np.repeat(np.arange(len(s)), nh)
    # most events fill one slot with weight 1: only the spread ones need the overlap arithmetic
    slot = np.repeat(h0, nh)
    weight = np.ones(len(rep))
    sp = np.flatnonzero(spread)
    if len(sp):
        n_sp = nh[sp]
        rep_sp = np.repeat(sp, n_sp)
        offs = np.arange(len(rep_sp)) - np.repeat(np.cumsum(n_sp) - n_sp, n_sp)
        pos = first[rep_sp] + offs
        sl = h0[rep_sp] + offs * hour_us
        rs, re_ = s[rep_sp], e[rep_sp]
        overlap = np.minimum(re_, sl + hour_us) - np.maximum(rs, sl)
        slot[pos] = sl
        weight[pos] = overlap / np.maximum(re_ - rs, 1)
    weekday = ((slot // _DAY_US) + 3) % 7  # 1970-01-01 was a Thursday
    hour = (slot // hour_us) % 24
    # events known only within more than max_hours: uniform over the week
    if too_long.any():
        pos = np.flatnonzero(too_long)
        k = len(pos)
        keep = ~too_long[rep]
        rep = np.concatenate([rep[keep], np.repeat(pos, 168)])
        slot = np.concatenate([slot[keep], np.repeat(s[pos], 168)])
        weekday = np.concatenate([weekday[keep], np.tile(np.repeat(np.arange(7), 24), k)])
        hour = np.concatenate([hour[keep], np.tile(np.tile(np.arange(24), 7), k)])
        weight = np.concatenate([weight[keep], np.full(168 * k, 1 / 168)])
    return rep, slot, weekday.astype("int64"), hour.astype("int64"), weight


def hour_weekday(
    incidents: pd.DataFrame, use_aoristic: bool = True, lang: str | None = None
) -> pd.DataFrame:
    """Hour × weekday matrix of (aoristic) incident counts.

    Parameters
    ----------
    incidents : DataFrame
    use_aoristic : bool
        Spread ranged events over their hours (default); otherwise use the hour
        of ``occurred_from``.
    lang : {"fr", "en"}, optional
        Label the weekdays (rows) in this language; default: 0 = Monday … 6.

    Returns
    -------
    DataFrame
        7 rows (weekdays) × 24 columns (hours).

    Examples
    --------
    >>> import pandas as pd
    >>> inc = pd.DataFrame({"occurred_from": pd.to_datetime(["2024-05-03 22:30"]), "occurred_to": [pd.NaT]})
    >>> m = hour_weekday(inc, lang="en")
    >>> m.shape, float(m.loc["Friday", 22])
    ((7, 24), 1.0)
    """
    if use_aoristic and "occurred_to" in incidents.columns:
        start = pd.to_datetime(incidents["occurred_from"]).to_numpy(dtype="datetime64[us]")
        end = pd.to_datetime(incidents["occurred_to"]).to_numpy(dtype="datetime64[us]")
        _, _, wd, hr, w = _aoristic_arrays(start, end)
        # the sums of the (weekday, hour) groups (pandas' compensated sums, in row order),
        # then the pivot of those at most 168 sums
        sums = pd.Series(w).groupby(wd * 24 + hr).sum()
        key = sums.index.to_numpy()
        a = pd.DataFrame({"weekday": key // 24, "hour": key % 24, "weight": sums.to_numpy()})
        m = a.pivot_table(
            index="weekday", columns="hour", values="weight", aggfunc="sum", fill_value=0.0
        )
    else:
        ts = incidents["occurred_from"]
        m = pd.crosstab(ts.dt.day_of_week, ts.dt.hour).astype("float64")
    m = m.reindex(index=range(7), columns=range(24), fill_value=0.0)
    if lang is not None:
        m.index = list(WEEKDAYS_FR if lang == "fr" else WEEKDAYS_EN)
    m.columns.name = "hour"
    return m


def shift_shares(
    incidents: pd.DataFrame, by: str | None = None, level: float = 0.95
) -> pd.DataFrame:
    """Share of incidents per shift (jour/soir/nuit) with Wilson intervals.

    Incidents whose shift is unknown (ranges longer than a shift) are counted
    in ``unknown`` and left out of the shares' denominator.

    Returns
    -------
    DataFrame
        ``[by], shift, count, share, share_low, share_high``.

    Examples
    --------
    >>> import pandas as pd
    >>> inc = pd.DataFrame({"shift": ["nuit", "nuit", "jour", None]})
    >>> shift_shares(inc)[["shift", "count", "share"]].values.tolist()
    [['jour', 1, 0.3333333333333333], ['soir', 0, 0.0], ['nuit', 2, 0.6666666666666666], ['unknown', 1, nan]]
    """
    from . import schema

    keys = [by] if by else []
    df = incidents[keys + ["shift"]].copy()
    df["shift"] = df["shift"].fillna("unknown")
    cats = [*schema.SHIFTS, "unknown"]
    if keys:
        tab = pd.crosstab(df[by], df["shift"]).reindex(columns=cats, fill_value=0)
    else:
        tab = df["shift"].value_counts().reindex(cats, fill_value=0).to_frame().T
    known = tab[list(schema.SHIFTS)].sum(axis=1)
    long = tab.stack().rename("count").reset_index()
    if not keys:
        long = long.drop(columns=long.columns[0])
    long.columns = [*keys, "shift", "count"]
    n = known.reindex(long[by]).to_numpy() if keys else np.full(len(long), float(known.iloc[0]))
    mask = (long["shift"] != "unknown").to_numpy()
    with np.errstate(divide="ignore", invalid="ignore"):
        long["share"] = np.where(mask & (n > 0), long["count"] / n, np.nan)
    lo, hi = stats.wilson_ci(long["count"].to_numpy(), n, level)
    long["share_low"] = np.where(mask, lo, np.nan)
    long["share_high"] = np.where(mask, hi, np.nan)
    long["count"] = long["count"].astype("int64")
    return long.reset_index(drop=True)


def seasonality(
    incidents: pd.DataFrame, by: str | None = None, complete_years: bool = True
) -> pd.DataFrame:
    """Monthly seasonality: mean count per calendar month and its index (mean month = 1).

    Parameters
    ----------
    incidents : DataFrame
    by : str, optional
        Grouping column (e.g. ``"family"``).
    complete_years : bool
        Use only years with all 12 months observed (partial years bias the index).

    Returns
    -------
    DataFrame
        ``[by], month (1–12), years, mean, index, mean_low, mean_high``.

    Examples
    --------
    >>> import pandas as pd
    >>> ts = pd.date_range("2023-01-01", "2024-12-31", freq="D")
    >>> inc = pd.DataFrame({"occurred_from": ts.repeat(1 + (ts.month == 7).astype(int))})
    >>> s = seasonality(inc)
    >>> round(float(s.loc[s.month == 7, "index"].iloc[0]), 2)
    1.88
    """
    ts = incidents["occurred_from"]
    keys = [by] if by else []
    df = pd.DataFrame({"year": ts.dt.year, "month": ts.dt.month})
    for k in keys:
        df[k] = incidents[k].to_numpy()
    years = df.groupby("year")["month"].nunique()
    use = years[years == 12].index if complete_years and (years == 12).any() else years.index
    df = df[df["year"].isin(use)]
    ny = len(use)
    c = df.groupby(keys + ["year", "month"], observed=True).size()
    levels = ([pd.Index(df[k].dropna().unique())] if keys else []) + [
        pd.Index(use),
        pd.Index(range(1, 13)),
    ]
    c = c.reindex(pd.MultiIndex.from_product(levels, names=keys + ["year", "month"]), fill_value=0)
    m = c.groupby(keys + ["month"]).agg(["sum", "mean"]).reset_index()
    m = m.rename(columns={"mean": "mean", "sum": "total"})
    grp_mean = m.groupby(keys)["mean"].transform("mean") if keys else m["mean"].mean()
    m["index"] = m["mean"] / grp_mean
    lo, hi = stats.poisson_ci(m["total"].to_numpy())
    m["mean_low"] = lo / max(ny, 1)
    m["mean_high"] = hi / max(ny, 1)
    m["years"] = ny
    return m[keys + ["month", "years", "mean", "index", "mean_low", "mean_high"]]


# ----------------------------------------------------------------------------
# Change
# ----------------------------------------------------------------------------
def change(
    incidents: pd.DataFrame,
    by: Sequence[str] = ("sector", "category"),
    end: Any = None,
    months: int = 12,
    min_events: int = 10,
    alpha: float = 0.05,
    adjust: str | None = "fdr",
) -> pd.DataFrame:
    """Change of the last 12 months against the previous 12 and against the baseline.

    For each group: events in the last ``months`` months (``last``), in the
    ``months`` before (``previous``), and the mean per ``months`` window of all
    complete earlier windows (``baseline_mean``, over ``baseline_windows``
    windows, the previous one included). Each comparison gives a ratio and an
    E-test p-value (Krishnamoorthy & Thomson, 2004); with ``adjust="fdr"`` the
    labels use Benjamini–Hochberg q-values across all the groups tested, since
    many sector × category tests are run at once. Never a bare percent change.

    Labels: ``significant_rise``, ``significant_fall``, ``stable``, or
    ``too_few`` when the two windows together hold fewer than ``min_events``.

    Parameters
    ----------
    incidents : DataFrame
    by : sequence of str
        Groups (e.g. ``("sector", "category")``, ``("family",)``).
    end : timestamp, optional
        End of the last window (exclusive); default: the first day of the month
        after the last incident.
    months : int
    min_events : int
    alpha : float
    adjust : {"fdr", None}

    Returns
    -------
    DataFrame
        ``*by, last, previous, ratio, p_value, q_value, label, baseline_mean,
        baseline_windows, ratio_baseline, p_baseline, q_baseline,
        label_baseline, label_fr, label_en``; ``attrs["windows"]`` gives the dates.

    Examples
    --------
    >>> import pandas as pd
    >>> inc = pd.DataFrame({"family": ["fraud_cyber"] * 90 + ["fraud_cyber"] * 30,
    ...     "occurred_from": pd.to_datetime(["2025-06-01"] * 90 + ["2024-06-01"] * 30)})
    >>> c = change(inc, by=("family",), end="2026-01-01")
    >>> c[["last", "previous", "ratio", "label"]].values.tolist()
    [[90, 30, 3.0, 'significant_rise']]
    """
    ts = incidents["occurred_from"]
    end_ts, w1, w0, b0, k = _change_windows(ts.min(), ts.max(), end, months)
    keys = list(by)
    df = incidents[keys].copy()
    win = np.full(len(df), "", dtype=object)
    tv = ts.to_numpy()
    win[(tv >= np.datetime64(w1)) & (tv < np.datetime64(end_ts))] = "last"
    win[(tv >= np.datetime64(w0)) & (tv < np.datetime64(w1))] = "previous"
    df["win"] = win
    df["base"] = (tv >= np.datetime64(b0)) & (tv < np.datetime64(w1))
    g_last = df[df["win"] == "last"].groupby(keys, observed=True, dropna=False).size()
    g_prev = df[df["win"] == "previous"].groupby(keys, observed=True, dropna=False).size()
    g_base = df[df["base"]].groupby(keys, observed=True, dropna=False).size()
    idx = g_last.index.union(g_prev.index).union(g_base.index)
    out = pd.DataFrame(
        {
            "last": g_last.reindex(idx, fill_value=0),
            "previous": g_prev.reindex(idx, fill_value=0),
            "baseline_total": g_base.reindex(idx, fill_value=0),
        }  # fmt: skip
    ).astype("int64")
    out["baseline_windows"] = k
    out["baseline_mean"] = out["baseline_total"] / k
    with np.errstate(divide="ignore", invalid="ignore"):
        out["ratio"] = np.where(out["previous"] > 0, out["last"] / out["previous"], np.nan)
        out["ratio_baseline"] = np.where(
            out["baseline_mean"] > 0, out["last"] / out["baseline_mean"], np.nan
        )
    out["p_value"] = stats.e_tests(out["last"], out["previous"])
    out["p_baseline"] = stats.e_tests(out["last"], out["baseline_total"], 1.0, float(k))
    enough = (out["last"] + out["previous"]) >= min_events
    enough_b = (out["last"] + out["baseline_mean"]) >= min_events
    out["q_value"] = np.nan
    out["q_baseline"] = np.nan
    if adjust == "fdr":
        out.loc[enough, "q_value"] = stats.bh_qvalues(out.loc[enough, "p_value"])
        out.loc[enough_b, "q_baseline"] = stats.bh_qvalues(out.loc[enough_b, "p_baseline"])
    else:
        out["q_value"] = out["p_value"].where(enough)
        out["q_baseline"] = out["p_baseline"].where(enough_b)

    def lab(q, up, ok):
        return np.where(
            ~ok,
            "too_few",
            np.where(q < alpha, np.where(up, "significant_rise", "significant_fall"), "stable"),
        )

    out["label"] = lab(
        out["q_value"].to_numpy(), (out["last"] > out["previous"]).to_numpy(), enough.to_numpy()
    )
    out["label_baseline"] = lab(
        out["q_baseline"].to_numpy(),
        (out["last"] > out["baseline_mean"]).to_numpy(),
        enough_b.to_numpy(),
    )
    out["label_fr"] = out["label"].map({k_: v[0] for k_, v in CHANGE_LABELS.items()})
    out["label_en"] = out["label"].map({k_: v[1] for k_, v in CHANGE_LABELS.items()})
    out = out.reset_index()
    cols = keys + ["last", "previous", "ratio", "p_value", "q_value", "label", "baseline_mean", "baseline_windows",
                   "ratio_baseline", "p_baseline", "q_baseline", "label_baseline", "label_fr", "label_en"]  # fmt: skip
    out = out[cols]
    out.attrs["windows"] = {
        "last": (str(w1.date()), str(end_ts.date())),
        "previous": (str(w0.date()), str(w1.date())),
        "baseline": (str(b0.date()), str(w1.date())),
        "adjust": adjust,
        "alpha": alpha,
        "min_events": min_events,
    }
    return out


def _change_windows(first: Any, last_ts: Any, end: Any, months: int) -> tuple[Any, ...]:
    """Windows of :func:`change`: ``(end, start of last, start of previous, start of baseline, k)``."""
    if end is None:
        end_ts = (
            (last_ts.normalize() + pd.offsets.MonthBegin(1))
            if pd.notna(last_ts)
            else pd.Timestamp.now().normalize()
        )
    else:
        end_ts = pd.Timestamp(end)
    w1 = end_ts - pd.DateOffset(months=months)
    w0 = w1 - pd.DateOffset(months=months)
    # number of complete windows before w1 (the baseline, previous window included)
    k = 0
    while pd.notna(first) and end_ts - pd.DateOffset(
        months=months * (k + 2)
    ) >= first.normalize() - pd.Timedelta(days=31):
        k += 1
    k = max(k, 1)
    b0 = w1 - pd.DateOffset(months=months * k)
    return end_ts, w1, w0, b0, k


# ----------------------------------------------------------------------------
# Grid, concentration
# ----------------------------------------------------------------------------
def make_grid(
    area: Any, cell_size: float = 200.0, crs: Any = None, clip: bool = True
) -> pd.DataFrame:
    """A regular square grid over the municipality, clipped to it.

    Parameters
    ----------
    area : GeoDataFrame or shapely geometry
        The municipality (e.g. the sectors; their union is used).
    cell_size : float
        Side of a cell in metres.
    crs : CRS, optional
        CRS of ``area`` when it is a bare geometry.
    clip : bool
        Clip cells to the municipality (Gi* is relative to the study area).

    Returns
    -------
    GeoDataFrame
        ``cell_id, row, col, area_share, geometry``; ``attrs["grid"]`` holds
        the origin and cell size used by :func:`grid_counts`.

    Warns
    -----
    GridWarning
        When the choice is degenerate: fewer than 30 cells (too coarse for a
        local statistic), more than 250,000 cells, or cells smaller than 25 m
        (below the positional accuracy of most exports).

    Examples
    --------
    >>> import shapely
    >>> g = make_grid(shapely.box(0, 0, 1000, 1000), cell_size=100, crs="EPSG:32188")
    >>> len(g), g.attrs["grid"]["cell_size"]
    (100, 100.0)
    """
    import hashlib

    import shapely

    if cell_size <= 0:
        raise ValueError("cell_size must be positive (metres)")
    geoms = np.asarray(area.geometry.array) if hasattr(area, "geometry") else np.array([area])
    if hasattr(area, "geometry"):
        crs = area.crs
    # the same municipality is gridded many times (step 1, the report, widgets): cache by content
    wkb = shapely.to_wkb(geoms)
    digest = hashlib.blake2b(b"".join(w or b"" for w in wkb), digest_size=16).hexdigest()
    key = ("make_grid", digest, float(cell_size), str(crs), bool(clip))
    grid = _cached(key, lambda: _make_grid(area, cell_size, crs, clip)).copy()
    n = len(grid)
    if n < 30 or n > 250_000 or cell_size < 25:
        warnings.warn(
            f"degenerate grid: {n} cells of {cell_size:g} m (choose 30 to 250,000 cells of at least 25 m) / "
            f"grille dégénérée : {n} cellules de {cell_size:g} m",
            GridWarning,
            stacklevel=2,
        )
    return grid


def _make_grid(area: Any, cell_size: float, crs: Any, clip: bool) -> pd.DataFrame:
    import geopandas as gpd
    import shapely

    if hasattr(area, "geometry"):
        boundary = shapely.union_all(np.asarray(area.geometry.array))
    else:
        boundary = area
    x0, y0, x1, y1 = boundary.bounds
    ncol = max(int(np.ceil((x1 - x0) / cell_size)), 1)
    nrow = max(int(np.ceil((y1 - y0) / cell_size)), 1)
    if nrow * ncol > 4_000_000:
        raise ValueError(
            f"a {cell_size} m grid over this area has {nrow * ncol:,} cells; choose a larger cell_size"
        )
    rr, cc = np.meshgrid(np.arange(nrow), np.arange(ncol), indexing="ij")
    rr, cc = rr.ravel(), cc.ravel()
    cells = shapely.box(
        x0 + cc * cell_size,
        y0 + rr * cell_size,
        x0 + (cc + 1) * cell_size,
        y0 + (rr + 1) * cell_size,
    )
    share = np.ones(len(cells))
    if clip:
        shapely.prepare(boundary)
        inter = shapely.intersects(boundary, cells)
        cells, rr, cc = cells[inter], rr[inter], cc[inter]
        inside = shapely.contains_properly(boundary, cells)
        geoms = cells.copy()
        part = np.flatnonzero(~inside)
        if len(part):
            pieces = np.asarray(area.geometry.array) if hasattr(area, "geometry") else None
            geoms[part] = _clip_cells(cells[part], boundary, pieces)
        area_c = shapely.area(geoms)
        keep = area_c > 0
        cells, rr, cc, geoms, area_c = cells[keep], rr[keep], cc[keep], geoms[keep], area_c[keep]
        share = area_c / cell_size**2
        cells = geoms
    ids = pd.Series(rr).astype("str").radd("r") + pd.Series(cc).astype("str").radd("c")
    grid = gpd.GeoDataFrame(
        {"cell_id": ids.to_numpy(), "row": rr, "col": cc, "area_share": share},
        geometry=cells,
        crs=crs,
    )
    grid.attrs["grid"] = {
        "x0": float(x0),
        "y0": float(y0),
        "cell_size": float(cell_size),
        "nrow": nrow,
        "ncol": ncol,
    }
    return grid


def _clip_cells(cells: np.ndarray, boundary: Any, pieces: np.ndarray | None) -> np.ndarray:
    """``cells ∩ boundary``, where ``boundary`` is the union of ``pieces`` (the sectors).

    Each cell is cut by the few sectors it meets, not by the whole municipality:
    an overlay with the whole outline costs its number of vertices for every
    border cell, which grows with the square of a region's size.
    """
    import shapely

    if pieces is not None:
        pieces = pieces[~pd.isna(pd.Series(pieces)).to_numpy()]
        pieces = pieces[~np.asarray(shapely.is_empty(pieces), dtype=bool)]
    if pieces is None or len(pieces) < 2:
        return shapely.intersection(cells, boundary)
    i, j = shapely.STRtree(pieces).query(cells, predicate="intersects")
    bits = shapely.intersection(cells[i], pieces[j])
    keep = shapely.area(bits) > 0
    i, bits = i[keep], bits[keep]
    out = np.array([shapely.Polygon()] * len(cells), dtype=object)
    counts = np.bincount(i, minlength=len(cells))
    one = counts[i] == 1
    out[i[one]] = bits[one]
    several = ~one
    if several.any():
        order = np.argsort(i[several], kind="stable")
        ii, bb = i[several][order], bits[several][order]
        starts = np.flatnonzero(np.r_[True, ii[1:] != ii[:-1]])
        for a, b in zip(starts, np.r_[starts[1:], len(ii)], strict=True):
            out[ii[a]] = shapely.union_all(bb[a:b])
    return out


def grid_counts(incidents: pd.DataFrame, grid: pd.DataFrame) -> pd.Series:
    """Number of located incidents in each grid cell (arithmetic, no spatial join).

    Returns
    -------
    Series
        Aligned with ``grid``'s index (zeros included), named ``count``.

    Examples
    --------
    >>> import shapely, geopandas as gpd
    >>> g = make_grid(shapely.box(0, 0, 1000, 1000), cell_size=100, crs="EPSG:32188")
    >>> inc = gpd.GeoDataFrame(geometry=gpd.points_from_xy([50, 55, 950], [50, 60, 950]), crs="EPSG:32188")
    >>> c = grid_counts(inc, g)
    >>> int(c.sum()), int(c.max())
    (3, 2)
    """
    p = grid.attrs["grid"]
    loc = _located(incidents)
    x, y = _xy(loc)
    col = np.floor((x - p["x0"]) / p["cell_size"]).astype("int64")
    row = np.floor((y - p["y0"]) / p["cell_size"]).astype("int64")
    key = row * p["ncol"] + col
    ok = (row >= 0) & (row < p["nrow"]) & (col >= 0) & (col < p["ncol"])
    bc = np.bincount(key[ok], minlength=p["nrow"] * p["ncol"])
    gkey = grid["row"].to_numpy() * p["ncol"] + grid["col"].to_numpy()
    return pd.Series(bc[gkey], index=grid.index, name="count")


def place_counts(
    incidents: pd.DataFrame,
    unit: str = "grid",
    grid: pd.DataFrame | None = None,
    cell_size: float = 200.0,
    area: Any = None,
) -> pd.Series:
    """Incidents per place: grid cells (zeros included) or exact locations.

    ``unit="location"`` counts distinct positions (rounded to the metre); only
    places with at least one incident are known then, so the generalised Gini
    is the fairer summary.

    Examples
    --------
    >>> import geopandas as gpd
    >>> inc = gpd.GeoDataFrame(geometry=gpd.points_from_xy([0, 0, 5], [0, 0, 5]), crs="EPSG:32188")
    >>> place_counts(inc, unit="location").tolist()
    [2, 1]
    """
    if unit == "grid":
        if grid is None:
            if area is None:
                raise ValueError("place_counts(unit='grid') needs a grid or an area")
            with warnings.catch_warnings():
                warnings.simplefilter("ignore", GridWarning)
                grid = make_grid(area, cell_size)
        return grid_counts(incidents, grid)
    if unit == "location":
        x, y = _xy(_located(incidents))
        key = pd.DataFrame({"x": np.round(x), "y": np.round(y)})
        return (
            key.groupby(["x", "y"])
            .size()
            .sort_values(ascending=False, kind="stable")
            .rename("count")
            .reset_index(drop=True)
        )
    raise ValueError("unit must be 'grid' or 'location'")


def concentration(place_count: pd.Series | np.ndarray) -> dict[str, float]:
    """Concentration summary of incidents over places.

    Returns
    -------
    dict
        ``places``, ``incidents``, ``gini``, ``generalised_gini`` and
        ``places_with_incidents``.

    Examples
    --------
    >>> concentration([10, 8, 2] + [0] * 7)["gini"]
    0.78
    """
    x = np.asarray(place_count, dtype="float64")
    return {
        "places": int(len(x)),
        "places_with_incidents": int((x > 0).sum()),
        "incidents": int(x.sum()),
        "gini": round(stats.gini(x), 4),
        "generalised_gini": round(stats.generalised_gini(x), 4),
    }


def concentration_table(
    place_count: pd.Series | np.ndarray,
    incident_shares: Sequence[float] = (0.25, 0.5, 0.8),
    place_shares: Sequence[float] = (0.01, 0.05, 0.10, 0.20),
    lang: str = "fr",
) -> pd.DataFrame:
    """The "80/20" table: which share of places holds which share of incidents.

    Returns
    -------
    DataFrame
        ``share_places, share_incidents, text`` (e.g. "5 % des lieux
        concentrent 48 % des incidents").

    Examples
    --------
    >>> t = concentration_table([50, 30, 10, 5, 5] + [0] * 5, incident_shares=(0.8,), place_shares=(0.1,), lang="en")
    >>> t["text"].tolist()
    ['20% of places hold 80% of incidents', '10% of places hold 50% of incidents']
    """
    x = np.sort(np.asarray(place_count, dtype="float64"))[::-1]
    n, total = len(x), x.sum()
    rows = []
    if n and total > 0:
        cum = np.cumsum(x) / total
        for s in incident_shares:
            k = int(np.searchsorted(cum, s - 1e-12) + 1)
            rows.append((k / n, float(cum[k - 1])))
        for s in place_shares:
            k = max(int(np.floor(s * n)), 1)
            rows.append((k / n, float(cum[k - 1])))
    out = pd.DataFrame(rows, columns=["share_places", "share_incidents"])

    def txt(p, i):
        if lang == "fr":
            return f"{p * 100:.0f} % des lieux concentrent {i * 100:.0f} % des incidents"
        return f"{p * 100:.0f}% of places hold {i * 100:.0f}% of incidents"

    out["text"] = [
        txt(p, i) for p, i in zip(out["share_places"], out["share_incidents"], strict=True)
    ]
    return out


def repeat_locations(
    incidents: pd.DataFrame,
    top: int = 20,
    min_count: int = 3,
    places: pd.DataFrame | None = None,
    facility_distance: float = 50.0,
) -> pd.DataFrame:
    """The top repeat locations (risky places).

    Positions are grouped to the metre. With ``places`` (bars, parking lots …)
    each location is named after the nearest facility within
    ``facility_distance`` metres.

    Returns
    -------
    GeoDataFrame
        ``count, categories, top_category, sector, first, last, facility,
        facility_kind, geometry``, sorted by decreasing count.

    Examples
    --------
    >>> import geopandas as gpd, pandas as pd
    >>> inc = gpd.GeoDataFrame({"category": ["theft"] * 3 + ["mischief"], "sector": ["A"] * 4,
    ...     "occurred_from": pd.to_datetime(["2024-01-01"] * 4)},
    ...     geometry=gpd.points_from_xy([0, 0, 0, 9], [0, 0, 0, 9]), crs="EPSG:32188")
    >>> repeat_locations(inc, min_count=2)[["count", "top_category"]].values.tolist()
    [[3, 'theft']]
    """
    import geopandas as gpd
    import shapely

    loc = _located(incidents)
    x, y = _xy(loc)
    df = pd.DataFrame(
        {
            "x": np.round(x),
            "y": np.round(y),
            "category": loc["category"].to_numpy(),
            "sector": loc["sector"].to_numpy(),
            "t": loc["occurred_from"].to_numpy(),
        }  # fmt: skip
    )
    g = df.groupby(["x", "y"])
    agg = g.agg(count=("category", "size"), categories=("category", "nunique"), sector=("sector", "first"),
                first=("t", "min"), last=("t", "max"))  # fmt: skip
    agg = agg[agg["count"] >= min_count]
    if len(agg):
        # most frequent category of each location, ties to the first seen (as value_counts)
        rows = df.merge(agg.reset_index()[["x", "y"]], on=["x", "y"])
        rows["pos"] = np.arange(len(rows))
        per = rows.groupby(["x", "y", "category"], sort=False, observed=True).agg(
            n=("pos", "size"), first=("pos", "min")
        )
        per = per.reset_index().sort_values(
            ["x", "y", "n", "first"], ascending=[True, True, False, True], kind="stable"
        )
        topcat = per.drop_duplicates(["x", "y"]).set_index(["x", "y"])["category"]
        agg["top_category"] = topcat.reindex(agg.index)
    else:
        agg["top_category"] = pd.Series(dtype="str")
    agg = (
        agg.sort_values(["count", "categories"], ascending=[False, False], kind="stable")
        .head(top)
        .reset_index()
    )
    out = gpd.GeoDataFrame(
        agg, geometry=gpd.points_from_xy(agg["x"], agg["y"]), crs=incidents.crs
    ).drop(columns=["x", "y"])
    out["facility"] = None
    out["facility_kind"] = None
    if places is not None and len(places) and len(out):
        tree = shapely.STRtree(np.asarray(places.geometry.array))
        i, j = tree.query_nearest(
            np.asarray(out.geometry.array), max_distance=facility_distance, all_matches=False
        )
        out.loc[out.index[i], "facility"] = places["name"].to_numpy()[j]
        out.loc[out.index[i], "facility_kind"] = places["kind"].to_numpy()[j]
    return out


# ----------------------------------------------------------------------------
# Hot spots
# ----------------------------------------------------------------------------
HOT_CLASSES = ("hot_99", "hot_95", "hot_90", "not_significant", "cold_90", "cold_95", "cold_99")


def _grid_neighbours(
    grid: pd.DataFrame, neighbourhood: str = "queen"
) -> tuple[np.ndarray, np.ndarray]:
    """Pairs (cell, neighbour) of grid positions sharing an edge (rook) or a corner (queen)."""
    p = grid.attrs["grid"]
    rows = grid["row"].to_numpy()
    cols = grid["col"].to_numpy()
    lut = _grid_lut(grid)
    offsets = [(-1, 0), (1, 0), (0, -1), (0, 1)]
    if neighbourhood == "queen":
        offsets += [(-1, -1), (-1, 1), (1, -1), (1, 1)]
    elif neighbourhood != "rook":
        raise ValueError("neighbourhood must be 'queen' or 'rook'")
    src, dst = [], []
    for dr, dc in offsets:
        r2, c2 = rows + dr, cols + dc
        ok = (r2 >= 0) & (r2 < p["nrow"]) & (c2 >= 0) & (c2 < p["ncol"])
        j = lut[r2[ok] * p["ncol"] + c2[ok]]
        has = j >= 0
        src.append(np.flatnonzero(ok)[has])
        dst.append(j[has])
    s = np.concatenate(src)
    d = np.concatenate(dst)
    order = np.argsort(s, kind="stable")
    return s[order], d[order]


def _grid_weights(grid: pd.DataFrame, neighbourhood: str = "queen"):
    """libpysal binary weights between grid cells sharing an edge (rook) or a corner (queen)."""
    import libpysal

    s, d = _grid_neighbours(grid, neighbourhood)
    splits = np.searchsorted(s, np.arange(len(grid) + 1))
    neighbors: dict[int, list[int]] = {
        i: d[splits[i] : splits[i + 1]].tolist() for i in range(len(grid))
    }
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")  # islands (cells cut off by the clip) are expected
        return libpysal.weights.W(neighbors, silence_warnings=True)


# Grids are rebuilt from the same sectors many times (step 1, the report, the
# widgets); their lookup tables and neighbour matrices are cached by content.
_GRID_CACHE: dict[tuple, Any] = {}


def _grid_key(grid: pd.DataFrame, what: str) -> tuple:
    import hashlib

    p = grid.attrs["grid"]
    rc = np.ascontiguousarray(
        np.c_[grid["row"].to_numpy(dtype="int64"), grid["col"].to_numpy(dtype="int64")]
    )
    digest = hashlib.blake2b(rc.tobytes(), digest_size=16).hexdigest()
    return (what, p["x0"], p["y0"], p["cell_size"], p["nrow"], p["ncol"], len(grid), digest)


def _cached(key: tuple, make: Any) -> Any:
    if key not in _GRID_CACHE:
        if len(_GRID_CACHE) >= 8:
            _GRID_CACHE.pop(next(iter(_GRID_CACHE)))
        _GRID_CACHE[key] = make()
    return _GRID_CACHE[key]


def _grid_lut(grid: pd.DataFrame) -> np.ndarray:
    """Position in ``grid`` of each raster cell (``row * ncol + col``), -1 where clipped away."""
    p = grid.attrs["grid"]

    def make() -> np.ndarray:
        lut = np.full(p["nrow"] * p["ncol"], -1, dtype="int64")
        lut[grid["row"].to_numpy() * p["ncol"] + grid["col"].to_numpy()] = np.arange(len(grid))
        return lut

    return _cached(_grid_key(grid, "lut"), make)


def _gi_matrix(grid: pd.DataFrame, neighbourhood: str = "queen") -> tuple[Any, np.ndarray]:
    """Binary Gi* weights (neighbours and the cell itself) as a CSR matrix, and each row's sum."""
    from scipy.sparse import csr_matrix

    def make() -> tuple[Any, np.ndarray]:
        s, d = _grid_neighbours(grid, neighbourhood)
        n = len(grid)
        diag = np.arange(n)
        m = csr_matrix(
            (np.ones(len(s) + n), (np.r_[s, diag], np.r_[d, diag])), shape=(n, n), dtype="float64"
        )
        m.sum_duplicates()
        m.sort_indices()
        card = np.asarray(m.sum(axis=1), dtype="float64").ravel()
        return m, card

    return _cached(_grid_key(grid, f"gi:{neighbourhood}"), make)


def _gi_star_z(statistic_sum: np.ndarray, card: np.ndarray, y_sum: float, y2_sum: float, n: int):
    """Gi* z-scores, binary weights with the cell itself (esda ``G_Local`` formulas, same order).

    ``statistic_sum`` is the sum of the counts over each cell's neighbourhood
    (itself included), ``card`` the size of that neighbourhood, ``y_sum`` and
    ``y2_sum`` the sums of the counts and of their squares over all ``n`` cells.
    """
    statistic = statistic_sum / y_sum
    empirical_mean = y_sum / n
    mean_of_squares = y2_sum / n
    empirical_variance = mean_of_squares - empirical_mean**2
    expected_value = card / n
    expected_variance = card * (n - card)
    expected_variance /= n - 1
    expected_variance *= 1 / n**2
    expected_variance *= empirical_variance / (empirical_mean**2)
    with np.errstate(divide="ignore", invalid="ignore"):
        return (statistic - expected_value) / np.sqrt(expected_variance)


def _gi_parts(
    grid: pd.DataFrame, neighbourhood: str = "queen"
) -> tuple[Any, np.ndarray, np.ndarray]:
    """Gi* matrix, neighbourhood sizes and the number of cells of each size."""
    m, card = _gi_matrix(grid, neighbourhood)
    return m, card, np.bincount(card.astype("int64"))


def _gi_star_max(cells: np.ndarray, parts: tuple[Any, np.ndarray, np.ndarray]) -> float:
    """Largest Gi* z-score over a grid of the events in grid positions ``cells`` (-1 = none).

    Equal to ``np.nanmax(hot_spots(...)["gi_z"])`` but touches only the cells near
    the events: cells far from every event all share the z-score of their
    neighbourhood size, computed once per size.
    """
    m, card, card_counts = parts
    n = len(card)
    cells = np.asarray(cells)
    cells = cells[cells >= 0]
    if len(cells) == 0 or n < 3:
        return np.nan
    occ, cnt = np.unique(cells, return_counts=True)
    cnt = cnt.astype("float64")
    y_sum = float(cnt.sum())
    y2_sum = float((cnt**2).sum())
    starts, ends = m.indptr[occ], m.indptr[occ + 1]
    lens = ends - starts
    idx = np.repeat(starts - np.cumsum(lens) + lens, lens) + np.arange(lens.sum())
    nbr = m.indices[idx]
    touched, inv = np.unique(nbr, return_inverse=True)
    sums = np.bincount(inv, weights=np.repeat(cnt, lens), minlength=len(touched))
    z = [_gi_star_z(sums, card[touched], y_sum, y2_sum, n)]
    left = card_counts - np.bincount(card[touched].astype("int64"), minlength=len(card_counts))
    sizes = np.flatnonzero(left > 0).astype("float64")
    if len(sizes):
        z.append(_gi_star_z(np.zeros(len(sizes)), sizes, y_sum, y2_sum, n))
    allz = np.concatenate(z)
    return np.nan if np.isnan(allz).all() else float(np.nanmax(allz))


def hot_spots(
    incidents: pd.DataFrame,
    area: Any = None,
    grid: pd.DataFrame | None = None,
    cell_size: float = 200.0,
    neighbourhood: str = "queen",
    permutations: int = 0,
    fdr: bool = True,
    seed: int = 12345,
) -> pd.DataFrame:
    """Getis–Ord Gi* hot and cold spots on a grid clipped to the municipality.

    Counts of located incidents per cell; Gi* (esda ``G_Local``, ``star=True``,
    binary weights ``transform="B"``) over the cell and its neighbours. Cells are
    classed hot/cold at 90/95/99 % from two-sided p-values (normal
    approximation, or ``permutations`` conditional permutations), corrected
    for multiple testing with the Benjamini–Hochberg false-discovery rate when
    ``fdr`` is true. The analytic z-scores use esda's formulas on a sparse
    neighbour matrix cached per grid (the same numbers as ``esda.G_Local``, in
    a fraction of the time); permutations call ``esda.G_Local``.

    Parameters
    ----------
    incidents : GeoDataFrame
    area : GeoDataFrame or geometry
        The municipality (to build the grid), unless ``grid`` is given.
    grid : GeoDataFrame, optional
        From :func:`make_grid`.
    cell_size : float
        Metres (when the grid is built here).
    neighbourhood : {"queen", "rook"}
    permutations : int
        0 for the analytic (normal) p-values.
    fdr : bool
    seed : int

    Returns
    -------
    GeoDataFrame
        The grid with ``count, gi_z, p_value, q_value, hot_class``;
        ``attrs["parameters"]`` states every parameter used.

    Examples
    --------
    >>> import geopandas as gpd, numpy as np, shapely
    >>> rng = np.random.default_rng(0)
    >>> x = np.r_[rng.uniform(0, 2000, 200), rng.normal(500, 40, 150)]
    >>> y = np.r_[rng.uniform(0, 2000, 200), rng.normal(500, 40, 150)]
    >>> inc = gpd.GeoDataFrame(geometry=gpd.points_from_xy(x, y), crs="EPSG:32188")
    >>> hs = hot_spots(inc, area=shapely.box(0, 0, 2000, 2000), cell_size=200)
    >>> hs.loc[hs["count"].idxmax(), "hot_class"].startswith("hot"), hs.attrs["parameters"]["cell_size_m"]
    (True, 200.0)
    """
    from scipy.stats import norm

    if grid is None:
        if area is None:
            raise ValueError("hot_spots needs an area or a grid")
        if (
            hasattr(area, "crs")
            and area.crs is not None
            and incidents.crs is not None
            and area.crs != incidents.crs
        ):
            raise ValueError("area and incidents must share the same CRS")
        grid = make_grid(area, cell_size, crs=getattr(incidents, "crs", None))
    out = grid.copy()
    y = grid_counts(incidents, grid).to_numpy().astype("float64")
    out["count"] = y.astype("int64")
    m, card = _gi_matrix(grid, neighbourhood)
    if y.sum() == 0 or len(y) < 3:
        out["gi_z"] = np.nan
        out["p_value"] = np.nan
    else:
        if permutations:
            import esda

            w = _grid_weights(grid, neighbourhood)
            with warnings.catch_warnings():
                warnings.simplefilter("ignore")
                g = esda.G_Local(
                    y, w, transform="B", star=True, permutations=permutations, seed=seed
                )
            z = np.asarray(g.Zs, dtype="float64")
        else:
            # esda's analytic Gi* (same formulas, same order) on the cached sparse matrix
            z = _gi_star_z(m @ y, card, float(y.sum()), float((y**2).sum()), len(y))
        out["gi_z"] = z
        if permutations:
            # esda's pseudo p-value is one-sided towards the observed tail: double it
            out["p_value"] = np.clip(2 * np.asarray(g.p_sim, dtype="float64"), 0, 1)
        else:
            out["p_value"] = 2 * norm.sf(np.abs(z))
    out["q_value"] = stats.bh_qvalues(out["p_value"]) if fdr else out["p_value"]
    q = out["q_value"].to_numpy()
    z = out["gi_z"].to_numpy()
    cls = np.full(len(out), "not_significant", dtype=object)
    for lvl, tag in ((0.10, "90"), (0.05, "95"), (0.01, "99")):
        sig = np.nan_to_num(q, nan=1.0) < lvl
        cls[sig & (z > 0)] = f"hot_{tag}"
        cls[sig & (z < 0)] = f"cold_{tag}"
    out["hot_class"] = cls
    out.attrs["parameters"] = {
        "method": "Getis-Ord Gi* (esda.G_Local, star=True, transform='B')",
        "cell_size_m": float(grid.attrs["grid"]["cell_size"]),
        "cells": int(len(out)),
        "neighbourhood": neighbourhood,
        "p_values": f"{permutations} permutations"
        if permutations
        else "normal approximation, two-sided",
        "multiple_testing": "Benjamini-Hochberg FDR" if fdr else "none",
        "incidents_located": int(y.sum()),
        "seed": seed,
    }
    return out


def hot_spot_parameters_text(hs: pd.DataFrame, lang: str = "fr") -> str:
    """The parameters of a hot-spot analysis as a sentence (for maps and reports).

    Examples
    --------
    >>> import geopandas as gpd, shapely
    >>> inc = gpd.GeoDataFrame(geometry=gpd.points_from_xy([10], [10]), crs="EPSG:32188")
    >>> import warnings; warnings.simplefilter("ignore")
    >>> hot_spot_parameters_text(hot_spots(inc, area=shapely.box(0, 0, 1000, 1000), cell_size=100), "en")[:33]
    'Getis–Ord Gi*, 100 m cells (100 c'
    """
    p = hs.attrs.get("parameters", {})
    if lang == "fr":
        return (
            f"Getis–Ord Gi*, cellules de {p.get('cell_size_m', 0):g} m ({p.get('cells', 0)} cellules), voisinage "
            f"{'reine' if p.get('neighbourhood') == 'queen' else 'tour'}, p bilatérales "
            f"({'permutations' if 'perm' in str(p.get('p_values')) else 'approximation normale'}), "
            f"correction {'FDR de Benjamini–Hochberg' if 'FDR' in str(p.get('multiple_testing')) else 'aucune'}."
        )
    return (
        f"Getis–Ord Gi*, {p.get('cell_size_m', 0):g} m cells ({p.get('cells', 0)} cells), {p.get('neighbourhood')} "
        f"neighbourhood, two-sided p-values ({p.get('p_values')}), {p.get('multiple_testing')} correction."
    )


def kde_surface(incidents: pd.DataFrame, grid: pd.DataFrame, bandwidth: float = 300.0) -> pd.Series:
    """Kernel density (quartic kernel) of located incidents on a grid, per km².

    The counts are put on the full raster and convolved with a quartic
    (biweight) kernel of radius ``bandwidth`` metres (FFT), then read back at
    the grid's cells. Edge effects are not corrected.

    Returns
    -------
    Series
        Density (incidents per km²), aligned with ``grid``.

    Examples
    --------
    >>> import shapely, geopandas as gpd
    >>> import warnings; warnings.simplefilter("ignore")
    >>> g = make_grid(shapely.box(0, 0, 2000, 2000), cell_size=100, crs="EPSG:32188")
    >>> inc = gpd.GeoDataFrame(geometry=gpd.points_from_xy([1050] * 10, [1050] * 10), crs="EPSG:32188")
    >>> d = kde_surface(inc, g, bandwidth=300)
    >>> round(float(d.sum() * 0.01), 1)   # cells of 0.01 km²: the mass is the 10 incidents
    10.0
    """
    from scipy.signal import fftconvolve

    p = grid.attrs["grid"]
    cs = p["cell_size"]
    loc = _located(incidents)
    x, y = _xy(loc)
    col = np.floor((x - p["x0"]) / cs).astype("int64")
    row = np.floor((y - p["y0"]) / cs).astype("int64")
    ok = (row >= 0) & (row < p["nrow"]) & (col >= 0) & (col < p["ncol"])
    raster = np.zeros((p["nrow"], p["ncol"]))
    np.add.at(raster, (row[ok], col[ok]), 1.0)
    r = int(np.ceil(bandwidth / cs))
    yy, xx = np.mgrid[-r : r + 1, -r : r + 1] * cs
    d2 = (xx**2 + yy**2) / bandwidth**2
    k = np.where(d2 < 1, (1 - d2) ** 2, 0.0)
    if k.sum() == 0:
        k[r, r] = 1.0
    k = k / k.sum()
    dens = fftconvolve(raster, k, mode="same")
    dens = np.clip(dens, 0, None) / (cs * cs / 1e6)
    return pd.Series(
        dens[grid["row"].to_numpy(), grid["col"].to_numpy()], index=grid.index, name="density_km2"
    )


# ----------------------------------------------------------------------------
# Near repeat (Knox)
# ----------------------------------------------------------------------------
def knox_test(
    incidents: pd.DataFrame,
    distance_bands: Sequence[float] = (0, 100, 200, 400, 800),
    time_bands: Sequence[float] = (0, 7, 14, 28, 56),
    permutations: int = 99,
    seed: int = 0,
    max_events: int = 20_000,
) -> pd.DataFrame:
    """Knox test of near-repeat victimisation over distance × time bands.

    Every pair of located events is counted in the band of its distance (metres)
    and time gap (days, between the midpoints of the events' time ranges).
    Expected counts come from ``permutations`` random permutations of the event
    times over the event places (seeded). Knox ratio = observed / mean of the
    permutations; p = (number of permutations ≥ observed + 1) / (permutations + 1).

    **Band-edge convention**: bands are closed on the right, ``(lo, hi]``, and the
    first band also includes its lower edge, ``[0, hi]``: two events 100 m apart
    fall in the 0–100 m band, not the 100–200 m one; two events on the same day
    fall in the first time band. Pairs farther than the last edge are not counted.

    Pairs are found with a k-d tree (only pairs within the largest distance are
    ever formed); above ``max_events`` located events a seeded random sample of
    ``max_events`` is used (said in ``attrs["parameters"]``).

    Returns
    -------
    DataFrame
        ``distance_band, time_band, d_low, d_high, t_low, t_high, observed,
        expected, ratio, p_value``.

    Examples
    --------
    >>> import geopandas as gpd, pandas as pd
    >>> inc = gpd.GeoDataFrame({"occurred_from": pd.to_datetime(["2024-01-01", "2024-01-03", "2024-06-01"]),
    ...     "occurred_to": pd.NaT}, geometry=gpd.points_from_xy([0, 100, 50], [0, 0, 0]), crs="EPSG:32188")
    >>> k = knox_test(inc, distance_bands=(0, 100, 200), time_bands=(0, 7, 365), permutations=9)
    >>> k.loc[(k.distance_band == "0–100") & (k.time_band == "0–7"), "observed"].item()
    1
    """
    from scipy.spatial import cKDTree

    de = np.asarray(distance_bands, dtype="float64")
    te = np.asarray(time_bands, dtype="float64")
    if len(de) < 2 or len(te) < 2 or np.any(np.diff(de) <= 0) or np.any(np.diff(te) <= 0):
        raise ValueError("bands need at least two strictly increasing edges")
    loc = _located(incidents)
    rng = np.random.default_rng(seed)
    n_all = len(loc)
    if n_all > max_events:
        loc = loc.iloc[np.sort(rng.choice(n_all, max_events, replace=False))]
    x, y = _xy(loc)
    t0 = loc["occurred_from"].to_numpy(dtype="datetime64[us]").astype("int64")
    t1 = (
        loc["occurred_to"].to_numpy(dtype="datetime64[us]")
        if "occurred_to" in loc.columns
        else np.full(len(loc), np.datetime64("NaT"), "datetime64[us]")
    )
    t1 = np.where(np.isnat(t1), t0, t1.astype("int64"))
    t = (t0 + (t1 - t0) / 2) / 86_400e6
    tree = cKDTree(np.c_[x, y])
    pairs = tree.query_pairs(r=float(de[-1]), output_type="ndarray")
    nd, nt = len(de) - 1, len(te) - 1
    if len(pairs) == 0:
        obs = np.zeros((nd, nt), dtype="int64")
        perm_counts = np.zeros((permutations, nd, nt), dtype="int64")
    else:
        i, j = pairs[:, 0], pairs[:, 1]
        d = np.hypot(x[i] - x[j], y[i] - y[j])
        db = _band(d, de)
        keep = db >= 0
        i, j = i[keep], j[keep]
        # bucket = distance band × (nt + 2) + (time band + 1): time band -1 (before the first
        # edge) and nt (after the last) fall in the two extra buckets, dropped below. The
        # time band is counted with comparisons, the (lo, hi] convention of _band.
        kd = db[keep].astype(np.intp) * (nt + 2)

        def table(tt: np.ndarray) -> np.ndarray:
            dt = np.abs(tt[i] - tt[j])
            cnt = (dt >= te[0]).view(np.int8)
            for edge in te[1:]:
                cnt += (dt > edge).view(np.int8)
            counts = np.bincount(kd + cnt, minlength=nd * (nt + 2)).reshape(nd, nt + 2)
            return counts[:, 1 : nt + 1]

        obs = table(t)
        perm_counts = (
            np.stack([table(rng.permutation(t)) for _ in range(permutations)])
            if permutations
            else np.zeros((0, nd, nt))
        )
    expected = perm_counts.mean(axis=0) if permutations else np.full((nd, nt), np.nan)
    ge = (perm_counts >= obs[None]).sum(axis=0) if permutations else np.zeros((nd, nt))
    p = (ge + 1) / (permutations + 1) if permutations else np.full((nd, nt), np.nan)
    rows = []
    for a in range(nd):
        for b in range(nt):
            rows.append(
                {
                    "distance_band": f"{de[a]:g}–{de[a + 1]:g}",
                    "time_band": f"{te[b]:g}–{te[b + 1]:g}",
                    "d_low": de[a],
                    "d_high": de[a + 1],
                    "t_low": te[b],
                    "t_high": te[b + 1],
                    "observed": int(obs[a, b]),
                    "expected": float(expected[a, b]),
                    "ratio": float(obs[a, b] / expected[a, b]) if expected[a, b] > 0 else np.nan,
                    "p_value": float(p[a, b]),
                }  # fmt: skip
            )
    out = pd.DataFrame(rows)
    out.attrs["parameters"] = {
        "events": int(len(loc)),
        "events_located_total": int(n_all),
        "sampled": bool(n_all > max_events),
        "permutations": int(permutations),
        "seed": seed,
        "pairs_within_max_distance": int(len(pairs)),
        "band_convention": "(lo, hi], first band [0, hi]",
        "time": "days between the midpoints of the events' time ranges",
    }
    return out


def _band(values: np.ndarray, edges: np.ndarray) -> np.ndarray:
    """Band index of each value under the (lo, hi] convention, first band [0, hi]; -1 outside."""
    k = np.searchsorted(edges, values, side="left") - 1
    k = np.where(values == edges[0], 0, k)
    k = np.where((values < edges[0]) | (values > edges[-1]), -1, k)
    return k.astype("int64")


# ----------------------------------------------------------------------------
# Citizens' perception
# ----------------------------------------------------------------------------
def perception(survey: pd.DataFrame, sectors: pd.DataFrame | None = None, level: float = 0.95,
               unsafe_at_most: float = 2.0) -> pd.DataFrame:  # fmt: skip
    """Feeling of safety and concerns per sector, with confidence intervals.

    Per sector (and ``"*"`` for the municipality): number of respondents,
    weighted mean feeling of safety by day and by night (1 = very unsafe … 5 =
    very safe) with t intervals, the share feeling unsafe at night (score ≤
    ``unsafe_at_most``) and the share naming each concern, with Wilson
    intervals (on the Kish effective sample size when weights vary).

    Returns
    -------
    DataFrame
        ``sector, respondents, safety_day, safety_day_low, safety_day_high,
        safety_night, …, unsafe_night, unsafe_night_low, unsafe_night_high,
        concern_<code>, concern_<code>_low, concern_<code>_high`` for each concern.

    Examples
    --------
    >>> import pandas as pd
    >>> s = pd.DataFrame({"sector": ["A"] * 4, "safety_day": [5, 4, 4, 5], "safety_night": [2, 1, 3, 4],
    ...                   "concerns": [("burglary",), ("burglary", "traffic"), (), ("traffic",)], "weight": 1.0})
    >>> p = perception(s)
    >>> r = p.set_index("sector").loc["A"]
    >>> int(r["respondents"]), float(r["safety_night"]), float(r["concern_burglary"])
    (4, 2.5, 0.5)
    """
    memo = _PERCEPTION_MEMO
    key = (id(survey), id(sectors), level, unsafe_at_most)
    if memo is not None and key in memo:
        return memo[key].copy()
    out = _perception(survey, sectors, level, unsafe_at_most)
    if memo is not None:
        memo[key] = out.copy()
    return out


# While inventory.run works, the survey and sectors do not change: the table is
# computed once for the perception, the perception gap and the problems.
_PERCEPTION_MEMO: dict[tuple, pd.DataFrame] | None = None


def _perception(survey, sectors, level, unsafe_at_most) -> pd.DataFrame:
    from . import schema

    s = survey.copy()
    if "weight" not in s.columns:
        s["weight"] = 1.0
    # respondents of each sector (one pass over the survey, not one per sector)
    codes, uniq = pd.factorize(s["sector"])
    keys, pos = _sorted_groups(codes)
    rows_of = {uniq[k]: v for k, v in _split_by(keys, pos)}
    empty = np.array([], dtype="int64")
    groups = [
        (sid, rows_of.get(sid, empty))
        for sid in (
            sectors["sector_id"] if sectors is not None else sorted(s["sector"].dropna().unique())
        )
    ]
    groups.append(("*", np.arange(len(s))))
    conc_codes = list(schema.CONCERNS)
    weight_all = s["weight"].to_numpy(dtype="float64")
    score = {c: s[c].to_numpy(dtype="float64") for c in ("safety_day", "safety_night")}
    cl_all = s["concerns"].tolist()
    has_all = {c: np.array([c in t for t in cl_all], dtype=bool) for c in conc_codes}
    rows = []
    for sid, pos in groups:
        w = weight_all[pos]
        rec: dict[str, Any] = {"sector": sid, "respondents": int(len(pos))}
        for col in ("safety_day", "safety_night"):
            m, lo, hi, _ = stats.weighted_mean_ci(score[col][pos], w, level)
            rec[col], rec[f"{col}_low"], rec[f"{col}_high"] = m, lo, hi
        n_eff = (w.sum() ** 2 / (w**2).sum()) if len(w) and (w**2).sum() > 0 else 0.0
        night = score["safety_night"][pos]
        okn = np.isfinite(night)
        share = (
            float(np.sum(w[okn] * (night[okn] <= unsafe_at_most)) / np.sum(w[okn]))
            if okn.any()
            else np.nan
        )
        lo, hi = stats.wilson_ci(share * n_eff, n_eff, level) if okn.any() else (np.nan, np.nan)
        rec["unsafe_night"], rec["unsafe_night_low"], rec["unsafe_night_high"] = (
            share,
            float(lo),
            float(hi),
        )
        for c in conc_codes:
            has = has_all[c][pos]
            sh = float(np.sum(w * has) / np.sum(w)) if len(w) else np.nan
            lo, hi = stats.wilson_ci(sh * n_eff, n_eff, level) if len(w) else (np.nan, np.nan)
            rec[f"concern_{c}"], rec[f"concern_{c}_low"], rec[f"concern_{c}_high"] = (
                sh,
                float(lo),
                float(hi),
            )
        rows.append(rec)
    return pd.DataFrame(rows)


def perception_gap(
    survey: pd.DataFrame,
    incidents: pd.DataFrame,
    sectors: pd.DataFrame,
    concern: str = "unsafe_night",
    min_gap: int | None = None,
    weights: pd.DataFrame | None = None,
) -> pd.DataFrame:
    """The perception gap: concern rank against recorded-crime rank, per sector.

    Sectors are ranked (1 = highest) on recorded crime per 1,000 residents
    (severity-weighted when ``weights`` is given) and on citizens' concern
    (``concern``: by default the share feeling unsafe at night; any column of
    :func:`perception` works). ``gap = crime_rank − concern_rank``: positive when
    people worry more than recorded crime would suggest, negative when they
    worry less. A sector is flagged when ``|gap| ≥ min_gap`` (default: a third
    of the number of sectors, at least 2) — a finding to discuss, not a verdict.

    Returns
    -------
    DataFrame
        ``sector, name, crime_rate, crime_rank, concern, concern_low,
        concern_high, concern_rank, gap, flag`` (``more_fear`` / ``less_fear`` /
        ``""``), sorted by decreasing gap; ``attrs["gap_sector"]`` is the sector
        with the largest positive gap.

    Examples
    --------
    >>> import geopandas as gpd, pandas as pd, shapely
    >>> sec = gpd.GeoDataFrame({"sector_id": list("ABC"), "name": list("ABC"), "population": [1000.0] * 3},
    ...                        geometry=[shapely.box(i, 0, i + 1, 1) for i in range(3)])
    >>> inc = pd.DataFrame({"sector": ["A"] * 30 + ["B"] * 20 + ["C"] * 2, "category": "theft"})
    >>> sv = pd.DataFrame({"sector": list("AABBCC"), "safety_night": [4, 4, 3, 3, 1, 2], "safety_day": 4,
    ...                    "concerns": [()] * 6, "weight": 1.0})
    >>> g = perception_gap(sv, inc, sec, min_gap=2)
    >>> r = g.iloc[0]
    >>> g.attrs["gap_sector"], int(r["crime_rank"]), int(r["concern_rank"]), int(r["gap"]), r["flag"]
    ('C', 3, 1, 2, 'more_fear')
    """
    sec = pd.DataFrame(sectors[["sector_id", "name", "population"]]).rename(
        columns={"sector_id": "sector"}
    )
    if weights is not None:
        w = incidents["category"].map(weights["weight"]).astype("float64").fillna(0.0)
    else:
        w = pd.Series(1.0, index=incidents.index)
    crime = w.groupby(incidents["sector"].to_numpy()).sum()
    sec["crime_rate"] = sec["sector"].map(crime).fillna(0.0) / sec["population"] * 1000
    p = perception(survey, sectors).set_index("sector")
    sec["concern"] = sec["sector"].map(p[concern])
    sec["concern_low"] = sec["sector"].map(p.get(f"{concern}_low", pd.Series(dtype="float64")))
    sec["concern_high"] = sec["sector"].map(p.get(f"{concern}_high", pd.Series(dtype="float64")))
    sec["respondents"] = sec["sector"].map(p["respondents"]).fillna(0).astype("int64")
    ok = sec["crime_rate"].notna() & sec["concern"].notna()
    sec["crime_rank"] = (
        sec.loc[ok, "crime_rate"].rank(ascending=False, method="min").astype("Int64")
    )
    sec["concern_rank"] = sec.loc[ok, "concern"].rank(ascending=False, method="min").astype("Int64")
    sec["gap"] = (sec["crime_rank"] - sec["concern_rank"]).astype("Int64")
    k = min_gap if min_gap is not None else max(2, int(np.ceil(ok.sum() / 3)))
    flag = np.where(
        sec["gap"].fillna(0) >= k,
        "more_fear",
        np.where(sec["gap"].fillna(0) <= -k, "less_fear", ""),
    )
    sec["flag"] = flag
    out = sec.sort_values("gap", ascending=False, na_position="last", kind="stable").reset_index(
        drop=True
    )
    pos = out[out["flag"] == "more_fear"]
    out.attrs["gap_sector"] = pos.iloc[0]["sector"] if len(pos) else None
    out.attrs["concern"] = concern
    out.attrs["min_gap"] = k
    return out


# ----------------------------------------------------------------------------
# Problems
# ----------------------------------------------------------------------------
WEEKEND_START = (4, 18)  # Friday 18:00
WEEKEND_END = (0, 6)  # Monday 06:00
SARA_STAGES = ("scanning", "analysis", "response", "assessment")
EDITABLE_FIELDS = (
    "title_fr", "title_en", "sara_stage", "excluded", "vulnerability", "notes",
    "cheers_community", "cheers_harm", "cheers_expectation", "cheers_events", "cheers_recurring", "cheers_similarity",
)  # fmt: skip
"""Register fields the analyst may edit; reloading keeps them."""

DEFAULT_PRIORITY_WEIGHTS: dict[str, float] = {
    "rate": 0.25,
    "severity": 0.25,
    "trend": 0.15,
    "hotspot": 0.15,
    "concern": 0.15,
    "vulnerability": 0.05,
}
"""Default weights of the priority score (they need not sum to 1; the score divides by
the sum of the weights of the components available for each problem)."""

PRIORITY_COMPONENTS = tuple(DEFAULT_PRIORITY_WEIGHTS)

_PART_LABELS = {
    "weekend": ("en fin de semaine", "at weekends"),
    "weekdays": ("en semaine", "on weekdays"),
    "all_week": ("toute la semaine", "all week"),
}
_SHIFT_PHRASES = {
    "jour": ("le jour", "by day"),
    "soir": ("le soir", "in the evening"),
    "nuit": ("la nuit", "at night"),
    "mixed": ("à toute heure", "at all hours"),
}


def weekend_mask(weekday: np.ndarray, hour: np.ndarray) -> np.ndarray:
    """True for Friday 18:00 → Monday 06:00 (the weekend, 60 of the week's 168 hours).

    Examples
    --------
    >>> weekend_mask(np.array([4, 4, 5, 0, 0]), np.array([17, 22, 12, 5, 6])).tolist()
    [False, True, True, True, False]
    """
    wd, h = np.asarray(weekday), np.asarray(hour)
    return ((wd == 4) & (h >= 18)) | (wd == 5) | (wd == 6) | ((wd == 0) & (h < 6))


def time_signature(incidents: pd.DataFrame) -> dict[str, Any]:
    """The time signature of a set of incidents (aoristic).

    Returns
    -------
    dict
        ``dominant_shift`` (``jour``/``soir``/``nuit``, or ``mixed`` when no
        shift holds half the weight), ``shift_share``, ``week_part``
        (``weekend`` when ≥ 60 % of the weight falls Friday 18:00 → Monday
        06:00, ``weekdays`` when ≤ 20 %, else ``all_week``), ``weekend_share``,
        ``peak_hours`` (the smallest set of consecutive hours holding half the
        weight, e.g. ``"22–03"``) and ``peak_days`` (weekday numbers holding
        most weight).

    Examples
    --------
    >>> import pandas as pd
    >>> ts = pd.to_datetime(["2024-05-03 23:00", "2024-05-04 01:00", "2024-05-11 00:30", "2024-05-10 22:40"])
    >>> s = time_signature(pd.DataFrame({"occurred_from": ts, "occurred_to": pd.NaT}))
    >>> s["dominant_shift"], s["week_part"], s["peak_hours"]
    ('nuit', 'weekend', '00–02')
    """
    a = aoristic(incidents)
    return _signature(a["weekday"].to_numpy(), a["hour"].to_numpy(), a["weight"].to_numpy())


def _shift_of_hour(hour: np.ndarray) -> np.ndarray:
    return np.where(hour < 8, "nuit", np.where(hour < 16, "jour", "soir"))


def _signature(
    weekday: np.ndarray,
    hour: np.ndarray,
    w: np.ndarray,
    shift_sums: Mapping[str, float] | None = None,
) -> dict[str, Any]:
    """:func:`time_signature` from the aoristic rows (weekday, hour, weight).

    ``shift_sums`` (the weight of each shift, as ``pandas`` groupby sums) may be
    given when computed for many problems at once.
    """
    if len(w) == 0:
        return {"dominant_shift": "mixed", "shift_share": np.nan, "week_part": "all_week", "weekend_share": np.nan,
                "peak_hours": "", "peak_days": ()}  # fmt: skip
    total = w.sum()
    if shift_sums is None:
        shift_sums = pd.Series(w).groupby(_shift_of_hour(hour)).sum().to_dict()
    names = sorted(shift_sums)
    sh = [shift_sums[k] / total for k in names]
    dom = names[int(np.argmax(sh))]
    share = float(max(sh))
    wk = float(w[weekend_mask(weekday, hour)].sum() / total)
    part = "weekend" if wk >= 0.6 else "weekdays" if wk <= 0.2 else "all_week"
    by_h = np.bincount(hour, weights=w, minlength=24) / total
    best = (0, 24)
    for length in range(1, 25):
        sums = by_h[(np.arange(24)[:, None] + np.arange(length)[None, :]) % 24].sum(axis=1)
        s0 = int(np.argmax(sums))
        if sums[s0] >= 0.5:
            best = (s0, length)
            break
    peak = f"{best[0]:02d}–{(best[0] + best[1]) % 24:02d}"
    by_d = np.bincount(weekday, weights=w, minlength=7) / total
    order = np.argsort(-by_d)
    cum = np.cumsum(by_d[order])
    days = tuple(sorted(int(d) for d in order[: int(np.searchsorted(cum, 0.5) + 1)]))
    return {"dominant_shift": dom if share >= 0.5 else "mixed", "shift_share": share, "week_part": part,
            "weekend_share": wk, "peak_hours": peak, "peak_days": days}  # fmt: skip


def hour_of_week_profile(incidents: pd.DataFrame) -> np.ndarray:
    """Aoristic weight of each of the 168 hours of the week (Monday 00:00 first), summing to 1.

    Examples
    --------
    >>> import pandas as pd
    >>> p = hour_of_week_profile(pd.DataFrame({"occurred_from": pd.to_datetime(["2024-05-06 01:30"]),
    ...                                        "occurred_to": [pd.NaT]}))
    >>> int(p.argmax()), float(p.sum())
    (1, 1.0)
    """
    a = aoristic(incidents)
    return _profile(a["weekday"].to_numpy(), a["hour"].to_numpy(), a["weight"].to_numpy())


def _profile(weekday: np.ndarray, hour: np.ndarray, weight: np.ndarray) -> np.ndarray:
    """:func:`hour_of_week_profile` from the aoristic rows."""
    prof = np.bincount(weekday * 24 + hour, weights=weight, minlength=168)
    s = prof.sum()
    return prof / s if s > 0 else prof


def group_profiles(profiles: Mapping[str, np.ndarray], similarity: float = 0.8) -> list[list[str]]:
    """Group keys whose profiles are alike (cosine similarity ≥ ``similarity`` to the group's mean).

    Keys are taken in the order given; each joins the first group it is alike
    enough to, or starts a new one.

    Examples
    --------
    >>> a, b, c = np.r_[1.0, 0, 0], np.r_[0.9, 0.1, 0], np.r_[0, 0, 1.0]
    >>> group_profiles({"violent": a, "disorder": b, "property": c})
    [['violent', 'disorder'], ['property']]
    """
    groups: list[list[str]] = []
    centres: list[np.ndarray] = []
    for k, v in profiles.items():
        nv = np.linalg.norm(v)
        placed = False
        for g, c in zip(groups, centres, strict=True):
            nc = np.linalg.norm(c)
            if nv > 0 and nc > 0 and float(v @ c / (nv * nc)) >= similarity:
                g.append(k)
                c += v
                placed = True
                break
        if not placed:
            groups.append([k])
            centres.append(np.array(v, dtype="float64"))
    return groups


def _components(cells: np.ndarray, grid: pd.DataFrame) -> list[np.ndarray]:
    """Connected components (queen adjacency) of a set of grid positions."""
    if len(cells) == 0:
        return []
    from scipy.sparse import coo_matrix
    from scipy.sparse.csgraph import connected_components

    p = grid.attrs["grid"]
    rows = grid["row"].to_numpy()[cells]
    cols = grid["col"].to_numpy()[cells]
    key = pd.Series(np.arange(len(cells)), index=rows * p["ncol"] + cols)
    src, dst = [], []
    for dr in (-1, 0, 1):
        for dc in (-1, 0, 1):
            if dr == dc == 0:
                continue
            k2 = (rows + dr) * p["ncol"] + (cols + dc)
            j = key.reindex(k2).to_numpy()
            ok = ~np.isnan(j)
            src.append(np.flatnonzero(ok))
            dst.append(j[ok].astype("int64"))
    s, d = np.concatenate(src), np.concatenate(dst)
    m = coo_matrix((np.ones(len(s)), (s, d)), shape=(len(cells), len(cells)))
    n, lab = connected_components(m, directed=False)
    return [cells[lab == k] for k in range(n)]


def _cell_of(incidents: pd.DataFrame, grid: pd.DataFrame) -> pd.Series:
    """Grid position (row of ``grid``) of each located incident; -1 elsewhere."""
    p = grid.attrs["grid"]
    out = np.full(len(incidents), -1, dtype="int64")
    g = incidents.geometry
    has = g.notna().to_numpy() & ~g.is_empty.to_numpy()
    if has.any():
        x, y = _xy(incidents[has])
        col = np.floor((x - p["x0"]) / p["cell_size"]).astype("int64")
        row = np.floor((y - p["y0"]) / p["cell_size"]).astype("int64")
        ok = (row >= 0) & (row < p["nrow"]) & (col >= 0) & (col < p["ncol"])
        pos = np.full(len(row), -1, dtype="int64")
        pos[ok] = _grid_lut(grid)[row[ok] * p["ncol"] + col[ok]]
        out[np.flatnonzero(has)] = pos
    return pd.Series(out, index=incidents.index)


def find_problems(
    incidents: pd.DataFrame,
    sectors: pd.DataFrame,
    weights: pd.DataFrame,
    taxonomy: pd.DataFrame,
    survey: pd.DataFrame | None = None,
    places: pd.DataFrame | None = None,
    cell_size: float = 200.0,
    min_events: int | None = None,
    alpha: float = 0.05,
    end: Any = None,
    seed: int = 12345,
    similarity: float = 0.8,
    min_ratio: float = 1.5,
) -> pd.DataFrame:
    """Group incidents that look unrelated into candidate problems (SARA scanning and analysis).

    Three passes, each explainable:

    1. **Places** — Getis–Ord Gi* hot cells (q < ``alpha`` after FDR) of each
       category family on a ``cell_size`` grid are joined into contiguous
       clusters (queen adjacency). In each cluster, the families that are hot
       there are grouped by their time pattern: families whose hour-of-week
       profiles (168 aoristic hours) have a cosine similarity of at least
       ``similarity`` form **one** problem. Mischief, assaults and disturbance
       calls around the same bar strip on weekend nights become one problem.
    2. **Areas** — among incidents not already in a place problem, each category
       whose rate in a sector is significantly above the rest of the
       municipality (E-test with population exposure, FDR) and at least
       ``min_ratio`` times it forms, with the
       adjacent sectors flagged for the same category, one area problem
       (e.g. daytime residential break-ins across three sectors).
    3. **Municipality** — among the remaining incidents, each category with a
       significant rise over the last 12 months (see :func:`change`) forms a
       municipality-wide problem; its geometry is the municipality and its
       events may have no precise location (e.g. fraud and cybercrime).

    Groups with fewer than ``min_events`` events are dropped (default: 15 a
    year over the span of the data, at least 30).

    Parameters
    ----------
    incidents, sectors : DataFrame
        Canonical tables.
    weights, taxonomy : DataFrame
        Severity weights and taxonomy (:mod:`diagnostic_lib.taxonomy`).
    survey : DataFrame, optional
        For citizen concern.
    places : GeoDataFrame, optional
        Environment features, to name a place problem after what is there
        (e.g. bars).
    cell_size, min_events, alpha, end, seed
        See above; ``end`` ends the last 12-month window (see :func:`change`).

    Returns
    -------
    GeoDataFrame
        One row per problem (see :func:`register_columns`), sorted by
        decreasing number of incidents; ``attrs["parameters"]``.

    Examples
    --------
    >>> from diagnostic_lib import loaders, sample
    >>> d = loaders.load_diagnostic(sample.sample_dir() / "diagnostic.toml")
    >>> pb = find_problems(d.incidents, d.sectors, d.weights, d.taxonomy, d.survey, d.places)
    >>> {"place", "area", "municipality"} >= set(pb["kind"])
    True
    """
    import geopandas as gpd
    import shapely

    inc = incidents
    if min_events is None:
        span = (
            inc["occurred_from"].max() - inc["occurred_from"].min()
            if len(inc)
            else pd.Timedelta(days=365)
        )
        min_events = int(max(30, round(15 * max(span.days / 365.25, 1.0))))
    with warnings.catch_warnings():
        warnings.simplefilter("ignore", GridWarning)
        grid = make_grid(sectors, cell_size)
    # Every pass works on positions of incidents (sorted index arrays), never on a
    # mask of the whole table per problem: the cost grows with the incidents, not
    # with incidents × problems.
    cx = _ProblemContext(inc, grid, sectors, weights, taxonomy, survey, places, end, alpha)
    cell, fam_codes, fam_names = cx.cell, cx.fam_codes, cx.fam_names
    assigned = np.zeros(len(inc), dtype=bool)
    found: list[dict[str, Any]] = []

    # -- 1. places: hot cells per family -> clusters -> signature groups --------------
    hot_by_family: dict[str, np.ndarray] = {}
    z_by_family: dict[str, np.ndarray] = {}
    in_grid = cell >= 0
    for f in sorted(pd.unique(cx.fam[in_grid])):
        sub = inc[(cx.fam == f) & in_grid]
        if len(sub) < min_events:
            continue
        hs = hot_spots(sub, grid=grid, fdr=True, seed=seed)
        z = hs["gi_z"].to_numpy()
        z_by_family[f] = z
        hot_by_family[f] = np.flatnonzero((hs["q_value"].to_numpy() < alpha) & (z > 0))
    all_hot = (
        np.unique(np.concatenate(list(hot_by_family.values())))
        if hot_by_family
        else np.array([], dtype="int64")
    )
    comps = _components(all_hot, grid)
    comp_of_cell = np.full(len(grid), -1, dtype="int64")
    for k, comp in enumerate(comps):
        comp_of_cell[comp] = k
    # hot cells of each family in each component
    hot_fc: dict[tuple[str, int], np.ndarray] = {}
    for f, cells_f in hot_by_family.items():
        ck = comp_of_cell[cells_f]
        order = np.argsort(ck, kind="stable")
        for k, part in _split_by(ck[order], cells_f[order]):
            hot_fc[(f, int(k))] = np.sort(part)
    inc_comp = np.where(in_grid, comp_of_cell[np.where(in_grid, cell, 0)], -1)
    by_comp = dict(_split_by(*_sorted_groups(inc_comp)))
    fam_code_of = {name: i for i, name in enumerate(fam_names)}
    own_mask = np.zeros(len(grid), dtype=bool)
    for k, comp in enumerate(comps):
        idx_c = by_comp.get(k, np.array([], dtype="int64"))
        fc = fam_codes[idx_c]
        fams_here = [f for f in hot_by_family if (f, k) in hot_fc]
        n_f = {f: int((fc == fam_code_of.get(f, -2)).sum()) for f in fams_here}
        fams_here.sort(key=lambda f: -n_f[f])
        profiles: dict[str, np.ndarray] = {}
        for f in fams_here:
            if n_f[f] < max(5, min_events // 4):
                continue
            profiles[f] = cx.profile(idx_c[fc == fam_code_of[f]])
        for fams in group_profiles(profiles, similarity):
            own = np.unique(np.concatenate([hot_fc[(f, k)] for f in fams]))
            own_mask[own] = True
            codes = [fam_code_of[f] for f in fams]
            sel = own_mask[cell[idx_c]] & np.isin(fc, codes) & ~assigned[idx_c]
            own_mask[own] = False
            members = idx_c[sel]
            if len(members) < min_events:
                continue
            assigned[members] = True
            geom = shapely.union_all(np.asarray(grid.geometry.array)[own])
            zmax = max(float(np.nanmax(z_by_family[f][comp])) for f in fams)
            found.append({"kind": "place", "members": members, "geometry": geom, "hotspot_z": zmax,
                          "cells": int(len(own))})  # fmt: skip

    # -- 2. areas: sector rate above the rest of the municipality ------------------
    pop = cx.pop
    total_pop = float(pop.sum())
    rest_sector = cx.sec_codes[~assigned]
    rest_cat = cx.cat_codes[~assigned]
    ok_rest = (rest_sector >= 0) & (rest_cat >= 0)
    sec_names, cat_names = cx.sec_names, cx.cat_names
    tests = []
    if ok_rest.any():
        # the crosstab of sectors × categories (both sorted, as pandas.crosstab)
        s_used = np.unique(rest_sector[ok_rest])
        c_used = np.unique(rest_cat[ok_rest])
        s_order = s_used[np.argsort(np.asarray([sec_names[i] for i in s_used], dtype=object))]
        c_order = c_used[np.argsort(np.asarray([cat_names[i] for i in c_used], dtype=object))]
        s_pos = np.full(len(sec_names), -1, dtype="int64")
        s_pos[s_order] = np.arange(len(s_order))
        c_pos = np.full(len(cat_names), -1, dtype="int64")
        c_pos[c_order] = np.arange(len(c_order))
        tab = np.zeros((len(s_order), len(c_order)), dtype="int64")
        np.add.at(tab, (s_pos[rest_sector[ok_rest]], c_pos[rest_cat[ok_rest]]), 1)
        pop_of = pop.to_dict()
        pending = []  # (test row, k, rest, exposure, rest exposure): one batched E-test below
        for j, cc in enumerate(c_order):
            c = cat_names[cc]
            tot = int(tab[:, j].sum())
            for i, sc in enumerate(s_order):
                s_id = sec_names[sc]
                ps = pop_of.get(s_id)
                if ps is None or not np.isfinite(ps) or ps <= 0:
                    continue
                k = int(tab[i, j])
                if k < 5:
                    continue
                p_rest = total_pop - ps
                if p_rest > 0:
                    pending.append((len(tests), k, tot - k, ps, p_rest))
                expected = (tot - k) * ps / p_rest if p_rest > 0 else np.inf
                ratio = k / expected if expected > 0 else np.inf
                tests.append([c, s_id, k, 1.0, ratio])
        if pending:
            at, k1, k2, e1, e2 = (np.asarray(v) for v in zip(*pending, strict=True))
            pvals = stats.e_tests(k1, k2, e1, e2, alternative="greater")
            for row, pval in zip(at.tolist(), pvals.tolist(), strict=True):
                tests[row][3] = pval
    if tests:
        t = pd.DataFrame(tests, columns=["category", "sector", "k", "p", "ratio"])
        t["q"] = stats.bh_qvalues(t["p"])
        t = t[(t["q"] < alpha) & (t["ratio"] >= min_ratio)]
        adj = _sector_adjacency(sectors)
        groups_cs = dict(
            _split_by(*_sorted_groups(cx.cat_codes * (len(sec_names) + 1) + cx.sec_codes))
        )
        cat_code_of = {name: i for i, name in enumerate(cat_names)}
        sec_code_of = {name: i for i, name in enumerate(sec_names)}
        cand: dict[tuple[str, ...], dict[str, np.ndarray]] = {}
        for c, g in t.groupby("category", sort=True):
            for comp_s in _sector_components(set(g["sector"]), adj):
                parts = [
                    groups_cs.get(cat_code_of[c] * (len(sec_names) + 1) + sec_code_of[s_id])
                    for s_id in comp_s
                    if s_id in sec_code_of
                ]
                parts = [x for x in parts if x is not None]
                members = np.sort(np.concatenate(parts)) if parts else np.array([], dtype="int64")
                members = members[~assigned[members]]
                if len(members) >= max(5, min_events // 4):
                    cand.setdefault(tuple(sorted(comp_s)), {})[c] = members
        # categories flagged in the same sectors with a similar time pattern form one problem
        sec_pos = {sid: i for i, sid in enumerate(sectors["sector_id"].to_numpy())}
        sec_geoms = np.asarray(sectors.geometry.array)
        gi_parts = _gi_parts(grid)
        for comp_s, by_cat in cand.items():
            order = sorted(by_cat, key=lambda c: -len(by_cat[c]))
            profiles = {c: cx.profile(by_cat[c]) for c in order}
            for cats in group_profiles(profiles, similarity):
                members = np.sort(np.concatenate([by_cat[c] for c in cats]))
                members = members[~assigned[members]]
                if len(members) < min_events:
                    continue
                assigned[members] = True
                rows_s = sorted(sec_pos[x] for x in set(comp_s) if x in sec_pos)
                geom = shapely.union_all(sec_geoms[rows_s])
                cz = _area_hotspot(members, cell, cx.located, gi_parts)
                found.append(
                    {
                        "kind": "area",
                        "members": members,
                        "geometry": geom,
                        "hotspot_z": cz,
                        "cells": 0,
                    }
                )

    # -- 3. municipality-wide: significant rise among what is left ----------------------
    if not assigned.all() and len(inc):
        rest = inc[~assigned]
        ch = change(rest, by=("category",), end=end, min_events=min_events, alpha=alpha)
        cat_code_of = {name: i for i, name in enumerate(cat_names)}
        for c in ch.loc[ch["label"] == "significant_rise", "category"]:
            members = np.flatnonzero(~assigned & (cx.cat_codes == cat_code_of.get(c, -2)))
            if len(members) < min_events:
                continue
            assigned[members] = True
            found.append(
                {
                    "kind": "municipality",
                    "members": members,
                    "geometry": cx.boundary,
                    "hotspot_z": np.nan,
                    "cells": 0,
                }
            )
        # merge municipality-wide problems of the same family (fraud + cyber fraud)
        found = _merge_municipality(found, cx)

    # -- describe each problem ------------------------------------------------------
    cx.prepare(found)
    rows = [cx.describe(k, f) for k, f in enumerate(found)]
    if not rows:
        empty = gpd.GeoDataFrame(
            {c: [] for c in register_columns() if c != "geometry"}, geometry=[], crs=inc.crs
        )
        empty.attrs["members"] = _Members()
        return empty
    out = gpd.GeoDataFrame(rows, geometry="geometry", crs=inc.crs)
    out = out.sort_values(
        ["n_incidents", "problem_id"], ascending=[False, True], kind="stable"
    ).reset_index(drop=True)
    out.attrs["parameters"] = {"cell_size_m": float(cell_size), "min_events": min_events, "alpha": alpha,
                               "hot_spots": "Getis-Ord Gi* per family, FDR", "seed": seed}  # fmt: skip
    out.attrs["members"] = _Members(
        (r["problem_id"], inc.index[f["members"]]) for r, f in zip(rows, found, strict=True)
    )
    return out


class _Members(dict):
    """Problem id → index labels of its incidents (``attrs["members"]`` of a register).

    Read-only and shared between copies: pandas deep-copies ``attrs`` on every
    operation, which for a large register would copy every incident label again
    and again.
    """

    def __deepcopy__(self, memo: Any) -> _Members:
        return self


def _sorted_groups(keys: np.ndarray) -> tuple[np.ndarray, np.ndarray]:
    """Positions sorted by key (stable: ascending positions within a key); keys < 0 left out."""
    pos = np.flatnonzero(keys >= 0)
    order = np.argsort(keys[pos], kind="stable")
    return keys[pos][order], pos[order]


def _split_by(keys_sorted: np.ndarray, values: np.ndarray):
    """Yield ``(key, values of that key)`` from values sorted by key."""
    if len(keys_sorted) == 0:
        return
    cut = np.flatnonzero(np.diff(keys_sorted)) + 1
    starts = np.r_[0, cut]
    ends = np.r_[cut, len(keys_sorted)]
    for a, b in zip(starts, ends, strict=True):
        yield keys_sorted[a], values[a:b]


def _merge_municipality(found: list[dict[str, Any]], cx: Any) -> list[dict[str, Any]]:
    muni = [f for f in found if f["kind"] == "municipality"]
    others = [f for f in found if f["kind"] != "municipality"]
    by_fam: dict[str, dict[str, Any]] = {}
    for f in muni:
        codes = cx.fam_codes[f["members"]]
        codes = codes[codes >= 0]
        names = np.asarray([cx.fam_names[c] for c in np.unique(codes)], dtype=object)
        cnt = np.asarray([(codes == c).sum() for c in np.unique(codes)])
        order = np.argsort(names, kind="stable")  # pandas mode: the smallest of the most frequent
        names, cnt = names[order], cnt[order]
        fam = str(names[np.argmax(cnt)])
        if fam in by_fam:
            by_fam[fam]["members"] = np.union1d(by_fam[fam]["members"], f["members"])
        else:
            by_fam[fam] = dict(f)
    return others + list(by_fam.values())


def _sector_adjacency(sectors: pd.DataFrame) -> dict[str, set[str]]:
    import shapely

    geoms = np.asarray(sectors.geometry.array)
    ids = sectors["sector_id"].astype("str").to_numpy()
    tree = shapely.STRtree(geoms)
    i, j = tree.query(shapely.buffer(geoms, 1.0), predicate="intersects")
    adj: dict[str, set[str]] = {s: set() for s in ids}
    for a, b in zip(i, j, strict=True):
        if a != b:
            adj[ids[a]].add(ids[b])
    return adj


def _sector_components(flagged: set[str], adj: Mapping[str, set[str]]) -> list[set[str]]:
    left = set(flagged)
    comps = []
    while left:
        start = min(left)
        comp, todo = {start}, [start]
        while todo:
            s = todo.pop()
            for n in adj.get(s, ()):
                if n in left and n not in comp:
                    comp.add(n)
                    todo.append(n)
        left -= comp
        comps.append(comp)
    return comps


def _area_hotspot(members: np.ndarray, cell: np.ndarray, located: np.ndarray, parts) -> float:
    """Largest Gi* z of a problem's events (as ``hot_spots`` on them would give)."""
    if len(members) < 10 or not located[members].any():
        return np.nan
    return _gi_star_max(cell[members], parts)


def _facility(sub: pd.DataFrame, places: pd.DataFrame | None, distance: float = 60.0) -> str:
    """The kind of place most of a problem's located events are next to (within ``distance`` m)."""
    import shapely

    if places is None or not len(places):
        return ""
    loc = _located(sub)
    if loc.empty:
        return ""
    tree = shapely.STRtree(np.asarray(places.geometry.array))
    return _facility_kind(np.asarray(loc.geometry.array), tree, places["kind"].to_numpy(), distance)


def _facility_kind(points: np.ndarray, tree: Any, kinds: np.ndarray, distance: float = 60.0) -> str:
    if len(points) == 0:
        return ""
    i, j = tree.query_nearest(points, max_distance=distance, all_matches=False)
    if len(i) < 0.3 * len(points):
        return ""
    counts = pd.Series(kinds[j]).value_counts()
    return str(counts.index[0])


def _phrase_list(items: Sequence[str], lang: str) -> str:
    items = list(items)
    if len(items) <= 1:
        return "".join(items)
    and_ = " et " if lang == "fr" else " and "
    return ", ".join(items[:-1]) + and_ + items[-1]


def _by_count(codes: np.ndarray, names: Sequence[Any]) -> tuple[list[Any], np.ndarray]:
    """Values by decreasing count, ties in order of first appearance (as ``value_counts``)."""
    c = codes[codes >= 0]
    if len(c) == 0:
        return [], np.zeros(0, dtype="int64")
    u, first, cnt = np.unique(c, return_index=True, return_counts=True)
    order = np.lexsort((first, -cnt))
    return [names[k] for k in u[order]], cnt[order]


class _ProblemContext:
    """Per-incident arrays and lookups computed once for :func:`find_problems`.

    Describing a problem then costs in proportion to its own incidents, not to
    the whole table.
    """

    def __init__(self, inc, grid, sectors, weights, taxonomy, survey, places, end, alpha) -> None:
        import shapely

        self.inc, self.grid, self.sectors, self.end, self.alpha = inc, grid, sectors, end, alpha
        self._windows: dict[Any, tuple[Any, ...]] = {}
        self.cell = _cell_of(inc, grid).to_numpy()
        geo = inc.geometry
        self.geom_na = geo.isna().to_numpy()
        self.located = ~self.geom_na & ~geo.is_empty.to_numpy()
        self.geoms = np.asarray(geo.array, dtype=object)
        self.fam = inc["family"].to_numpy()
        self.fam_codes, fam_u = pd.factorize(inc["family"])
        self.fam_names = [str(x) for x in fam_u]
        self.cat_codes, cat_u = pd.factorize(inc["category"])
        self.cat_names = [str(x) for x in cat_u]
        self.sec_codes, sec_u = pd.factorize(inc["sector"])
        self.sec_names = [str(x) for x in sec_u]
        self.start = pd.to_datetime(inc["occurred_from"]).to_numpy(dtype="datetime64[us]")
        self.stop = (
            pd.to_datetime(inc["occurred_to"]).to_numpy(dtype="datetime64[us]")
            if "occurred_to" in inc.columns
            else np.full(len(inc), np.datetime64("NaT"), dtype="datetime64[us]")
        )
        ts = inc["occurred_from"]
        self.year = ts.dt.year.to_numpy()
        self.month_key = self.year.astype("int64") * 12 + ts.dt.month.to_numpy().astype("int64")
        wmap = weights["weight"]
        self.w = inc["category"].map(wmap).astype("float64").fillna(0.0).to_numpy()
        sec = pd.DataFrame(sectors[["sector_id", "name", "population"]])
        self.pop = sec.set_index("sector_id")["population"].astype("float64")
        self.pop_of = self.pop.to_dict()
        self.pop_total = float(self.pop.sum())
        self.sector_ids = tuple(sorted(sectors["sector_id"].astype(str)))
        self.names = sectors.set_index("sector_id")["name"].astype(str).to_dict()
        self.boundary = shapely.union_all(np.asarray(sectors.geometry.array))
        self.tax_concern = (
            taxonomy["concern"] if "concern" in taxonomy.columns else pd.Series(dtype="str")
        )
        ct = perception(survey, sectors) if survey is not None and len(survey) else None
        self.concern = ct.set_index("sector") if ct is not None else None
        if ct is not None:
            self.ct_pos = {x: i for i, x in enumerate(ct["sector"])}
            self.ct_resp = ct["respondents"].to_numpy().astype(float)
        if places is not None and len(places):
            self.tree = shapely.STRtree(np.asarray(places.geometry.array))
            self.kinds = places["kind"].to_numpy()
        else:
            self.tree = None

    def _aoristic_all(self) -> None:
        rep, _, self.a_wd, self.a_hr, self.a_w = _aoristic_arrays(self.start, self.stop)
        n = len(self.start)
        # each event's rows are contiguous; those spread over the week come last
        self.a_len = np.bincount(rep, minlength=n)
        self.a_first = np.zeros(n, dtype="int64")
        if len(rep):  # rows are contiguous per event: the first row is where rep changes
            first = np.flatnonzero(np.r_[True, rep[1:] != rep[:-1]])
            self.a_first[rep[first]] = first
        self.a_tail = _too_long(self.start, self.stop)

    def rows(self, idx: np.ndarray) -> np.ndarray:
        """Aoristic rows of the events ``idx`` (sorted), in the order aoristic gives them."""
        if not hasattr(self, "a_len"):
            self._aoristic_all()
        tail = self.a_tail[idx]
        ev = np.r_[idx[~tail], idx[tail]]
        starts, lens = self.a_first[ev], self.a_len[ev]
        has = lens > 0
        starts, lens = starts[has], lens[has]
        return np.repeat(starts - np.cumsum(lens) + lens, lens) + np.arange(lens.sum())

    def profile(self, idx: np.ndarray) -> np.ndarray:
        r = self.rows(idx)
        return _profile(self.a_wd[r], self.a_hr[r], self.a_w[r])

    def prepare(self, found: Sequence[Mapping[str, Any]]) -> None:
        """Batch work over every problem: shift sums and nearest facilities."""
        rows = [self.rows(f["members"]) for f in found]
        self.problem_rows = rows
        lab = np.repeat(np.arange(len(rows)), [len(r) for r in rows])
        allr = np.concatenate(rows) if rows else np.array([], dtype="int64")
        # grouped sums as pandas computes them (compensated, in row order), all problems at once
        hr = self.a_hr[allr]
        code = np.where(hr < 8, 1, np.where(hr < 16, 0, 2))
        sums = pd.Series(self.a_w[allr]).groupby(lab * 3 + code).sum()
        names = ("jour", "nuit", "soir")
        self.shift_sums = [{} for _ in rows]
        for key, v in zip(sums.index.to_numpy(), sums.to_numpy(), strict=True):
            self.shift_sums[key // 3][names[key % 3]] = v
        self.facilities = [""] * len(found)
        if self.tree is None:
            return
        place = [k for k, f in enumerate(found) if f["kind"] == "place"]
        pts_idx = [f["members"][self.located[f["members"]]] for f in (found[k] for k in place)]
        if not pts_idx:
            return
        allp = np.concatenate(pts_idx)
        i, j = self.tree.query_nearest(self.geoms[allp], max_distance=60.0, all_matches=False)
        order = np.argsort(i, kind="stable")
        i, j = i[order], j[order]
        bounds = np.cumsum([0] + [len(x) for x in pts_idx])
        for k, a, b in zip(place, bounds[:-1], bounds[1:], strict=True):
            lo, hi = np.searchsorted(i, [a, b])
            n_pts = b - a
            if n_pts == 0 or (hi - lo) < 0.3 * n_pts:
                continue
            counts = pd.Series(self.kinds[j[lo:hi]]).value_counts()
            self.facilities[k] = str(counts.index[0])

    def describe(self, k: int, f: Mapping[str, Any]) -> dict[str, Any]:
        """The register row of problem ``k`` (after :meth:`prepare`)."""
        import hashlib

        idx = f["members"]
        kind = f["kind"]
        n = len(idx)
        categories = tuple(_by_count(self.cat_codes[idx], self.cat_names)[0])
        families = tuple(_by_count(self.fam_codes[idx], self.fam_names)[0])
        if kind == "place":
            vals, cnt = _by_count(self.sec_codes[idx], self.sec_names)
            share = cnt / cnt.sum() if len(cnt) else cnt
            sects = tuple(v for v, sh in zip(vals, share, strict=True) if sh >= 0.2) or tuple(
                vals[:1]
            )
        elif kind == "area":
            sc = np.unique(self.sec_codes[idx])
            sects = tuple(sorted(self.sec_names[c] for c in sc if c >= 0))
        else:
            sects = self.sector_ids
        key = f"{kind}|{'+'.join(sorted(families))}|{'+'.join(sorted(categories)) if kind != 'place' else ''}|{'+'.join(sorted(sects)) if kind != 'municipality' else ''}"
        if kind == "place":
            c = f["geometry"].centroid
            key += f"|{round(c.x, -2):.0f},{round(c.y, -2):.0f}"
        pid = "PB-" + hashlib.sha1(key.encode()).hexdigest()[:6]
        r = self.problem_rows[k]
        sig = _signature(self.a_wd[r], self.a_hr[r], self.a_w[r], self.shift_sums[k])
        sect_names = [self.names.get(x, x) for x in sects]
        facility = self.facilities[k]
        # counts and trend
        ts = self.start[idx]
        years, ycount = np.unique(self.year[idx], return_counts=True)
        if n:
            t_min, t_max = pd.Timestamp(ts.min()), pd.Timestamp(ts.max())
            span_years = max((t_max - t_min).days / 365.25, 1.0)
        else:
            t_min = t_max = pd.NaT
            span_years = 1.0
        trow = self.trend(ts, t_min, t_max)
        if kind != "municipality":
            pv = np.asarray([self.pop_of.get(x, np.nan) for x in sects], dtype="float64")
            pop_s = float(np.nansum(pv)) if len(pv) else 0.0
        else:
            pop_s = self.pop_total
        w = self.w[idx]
        # concern: share naming a concern the problem's categories answer to, in its sectors
        concern_share = np.nan
        concern_codes = sorted({str(self.tax_concern.get(c, "")) for c in categories} - {"", "nan"})
        ct = self.concern
        if ct is not None and concern_codes:
            rows_s = (
                [self.ct_pos[x] for x in sects if x in self.ct_pos]
                if kind != "municipality"
                else [self.ct_pos["*"]]
            )
            if rows_s:
                resp = self.ct_resp[rows_s]
                vals = [
                    float(
                        np.nansum(ct[f"concern_{cc}"].to_numpy()[rows_s] * resp)
                        / max(resp.sum(), 1)
                    )
                    for cc in concern_codes
                ]
                concern_share = max(vals)
        months_with = len(np.unique(self.month_key[idx]))
        months_total = max(int(round(span_years * 12)), 1)
        located_share = float(1 - self.geom_na[idx].mean()) if n else 0.0
        pop_total = self.pop_total
        rec = {
            "problem_id": pid,
            "kind": kind,
            "title_fr": _title(categories, families, sig, sect_names, facility, kind, "fr"),
            "title_en": _title(categories, families, sig, sect_names, facility, kind, "en"),
            "sectors": sects,
            "categories": categories,
            "families": families,
            "n_incidents": int(n),
            "per_year": float(n / span_years),
            "counts_by_year": ";".join(f"{y}:{c}" for y, c in zip(years, ycount, strict=True)),
            "months_with_events": f"{months_with}/{months_total}",
            "located_share": located_share,
            "population": pop_s,
            "rate": float(n / span_years / pop_total * 1000) if pop_total > 0 else np.nan,
            "local_rate": float(n / span_years / pop_s * 1000) if pop_s > 0 else np.nan,
            "dominant_shift": sig["dominant_shift"],
            "shift_share": sig["shift_share"],
            "week_part": sig["week_part"],
            "weekend_share": sig["weekend_share"],
            "peak_hours": sig["peak_hours"],
            "peak_days": ";".join(str(d) for d in sig["peak_days"]),
            "last_12": int(trow["last"]) if trow is not None else 0,
            "previous_12": int(trow["previous"]) if trow is not None else 0,
            "trend_ratio": float(trow["ratio"]) if trow is not None else np.nan,
            "trend_p": float(trow["p_value"]) if trow is not None else np.nan,
            "trend_label": str(trow["label"]) if trow is not None else "too_few",
            "severity": float(w.mean()) if len(w) else np.nan,
            "weighted": float(w.sum()),
            "hotspot_z": f["hotspot_z"],
            "concern": concern_share,
            "concern_codes": ";".join(concern_codes),
            "facility": facility,
            "vulnerability": np.nan,
            "sara_stage": "analysis",
            "excluded": False,
            "notes": "",
            "geometry": f["geometry"],
        }
        rec.update(_cheers(rec, "fr"))
        return rec

    def trend(self, ts: np.ndarray, t_min: Any, t_max: Any) -> dict[str, Any] | None:
        """``change(sub, by=one group, min_events=10, adjust=None)`` of one problem's events."""
        key = (t_min.normalize(), t_max.normalize()) if self.end is None else t_min.normalize()
        if key not in self._windows:
            self._windows[key] = _change_windows(t_min, t_max, self.end, 12)
        end_ts, w1, w0, b0, _ = self._windows[key]
        e, a1, a0, b = (np.datetime64(x) for x in (end_ts, w1, w0, b0))
        last = int(((ts >= a1) & (ts < e)).sum())
        previous = int(((ts >= a0) & (ts < a1)).sum())
        base = int(((ts >= b) & (ts < a1)).sum())
        if last == 0 and previous == 0 and base == 0:
            return None
        p = stats.e_test(last, previous, 1.0, 1.0)
        enough = (last + previous) >= 10
        if not enough:
            label = "too_few"
        elif p < self.alpha:
            label = "significant_rise" if last > previous else "significant_fall"
        else:
            label = "stable"
        ratio = last / previous if previous > 0 else np.nan
        return {"last": last, "previous": previous, "ratio": ratio, "p_value": p, "label": label}


@functools.lru_cache(maxsize=1)
def _packaged_taxonomy() -> pd.DataFrame:
    from . import taxonomy as taxonomy_mod

    return taxonomy_mod.load_taxonomy()


def _title(categories, families, sig, sect_names, facility, kind, lang) -> str:
    tax = _packaged_taxonomy()
    col = "label_fr" if lang == "fr" else "label_en"
    if len(categories) == 1:
        labs = [str(tax[col].get(categories[0], categories[0]))]
    else:
        labs = [i18n.label("family_short", f, lang) for f in families[:3]]
    labs = [labs[0]] + [x[:1].lower() + x[1:] if lang == "fr" else x for x in labs[1:]]
    what = _phrase_list(labs, lang)
    when = ""
    if sig["dominant_shift"] != "mixed" or sig["week_part"] != "all_week":
        when = " " + _SHIFT_PHRASES[sig["dominant_shift"]][0 if lang == "fr" else 1]
        when += " " + _PART_LABELS[sig["week_part"]][0 if lang == "fr" else 1]
    if kind == "municipality":
        where = (
            "toute la municipalité, sans lieu précis"
            if lang == "fr"
            else "whole municipality, no precise location"
        )
        trend = " en hausse" if lang == "fr" else " rising"
        return f"{what}{trend}{when} — {where}"
    where = _phrase_list(sect_names[:3], lang)
    if facility:
        fac = {"bar": ("bars", "bars"), "parking": ("stationnement", "parking"), "park": ("parc", "park"),
               "shopping_centre": ("centre commercial", "shopping centre"), "transit_stop": ("arrêt de transport", "transit stop"),
               "school": ("école", "school")}.get(facility, (facility, facility))  # fmt: skip
        where += f" ({'secteur : ' if lang == 'fr' else 'near: '}{fac[0 if lang == 'fr' else 1]})"
    return f"{what}{when} — {where}"


def _cheers(rec: Mapping[str, Any], lang: str = "fr") -> dict[str, str]:
    """CHEERS fields filled where the data allows (the analyst edits them)."""
    fr = lang == "fr"
    sev = rec["severity"]
    concern = rec["concern"]
    return {
        "cheers_community": (
            (
                "Lieu public : des citoyens sont touchés."
                if fr
                else "Public place: members of the public are affected."
            )
            if rec["kind"] == "place"
            else ("Résidents des secteurs touchés." if fr else "Residents of the affected sectors.")
        ),  # fmt: skip
        "cheers_harm": (
            f"Gravité moyenne {sev:.0f} (poids local)."
            if fr
            else f"Mean severity weight {sev:.0f} (local weights)."
        )
        if np.isfinite(sev)
        else "",
        "cheers_expectation": (
            (
                f"{concern * 100:.0f} % des répondants nomment cette préoccupation."
                if fr
                else f"{concern * 100:.0f}% of respondents name this concern."
            )
            if np.isfinite(concern)
            else ("Pas de données de sondage." if fr else "No survey data.")
        ),  # fmt: skip
        "cheers_events": (
            f"{rec['n_incidents']} événements ({rec['per_year']:.0f} par an)."
            if fr
            else f"{rec['n_incidents']} events ({rec['per_year']:.0f} a year)."
        ),  # fmt: skip
        "cheers_recurring": (
            f"Événements dans {rec['months_with_events']} mois ; tendance : {CHANGE_LABELS[rec['trend_label']][0]}."
            if fr
            else f"Events in {rec['months_with_events']} months; trend: {CHANGE_LABELS[rec['trend_label']][1]}."
        ),  # fmt: skip
        "cheers_similarity": (
            f"Même {'lieu' if rec['kind'] == 'place' else 'secteur'}, {_SHIFT_PHRASES[rec['dominant_shift']][0]} "
            f"{_PART_LABELS[rec['week_part']][0]}, pointe {rec['peak_hours']} h."
            if fr
            else f"Same {'place' if rec['kind'] == 'place' else 'area'}, {_SHIFT_PHRASES[rec['dominant_shift']][1]} "
            f"{_PART_LABELS[rec['week_part']][1]}, peak {rec['peak_hours']} h."
        ),  # fmt: skip
    }


def register_columns() -> tuple[str, ...]:
    """The columns of a problem register, in order.

    Examples
    --------
    >>> "sara_stage" in register_columns()
    True
    """
    return (
        "problem_id", "kind", "title_fr", "title_en", "sectors", "categories", "families", "n_incidents", "per_year",
        "counts_by_year", "months_with_events", "located_share", "population", "rate", "local_rate", "dominant_shift", "shift_share", "week_part",
        "weekend_share", "peak_hours", "peak_days", "last_12", "previous_12", "trend_ratio", "trend_p", "trend_label",
        "severity", "weighted", "hotspot_z", "concern", "concern_codes", "facility", "vulnerability", "sara_stage",
        "excluded", "notes", "cheers_community", "cheers_harm", "cheers_expectation", "cheers_events",
        "cheers_recurring", "cheers_similarity", "geometry",
    )  # fmt: skip


def problem_incidents(problems: pd.DataFrame, incidents: pd.DataFrame) -> pd.Series:
    """Which problem each incident belongs to (from the register alone).

    An incident belongs to a problem when its category is one of the problem's
    and it lies in the problem's geometry (place and area problems) or the
    problem is municipality-wide; for place problems its shift must also match
    a dominant shift, when there is one. The first matching problem (register
    order) wins.

    Returns
    -------
    Series
        Problem id per incident (missing when none), aligned with ``incidents``.

    Examples
    --------
    >>> import geopandas as gpd, pandas as pd, shapely
    >>> pb = gpd.GeoDataFrame({"problem_id": ["P1"], "kind": ["place"], "categories": [("theft",)],
    ...     "dominant_shift": ["mixed"], "excluded": [False]}, geometry=[shapely.box(0, 0, 10, 10)])
    >>> inc = gpd.GeoDataFrame({"category": ["theft", "theft"], "shift": ["jour", "nuit"]},
    ...     geometry=gpd.points_from_xy([5, 50], [5, 50]))
    >>> problem_incidents(pb, inc).tolist()
    ['P1', nan]
    """
    import shapely

    n = len(incidents)
    best = np.full(n, len(problems), dtype="int64")  # register position of the first match
    cat_codes, cat_u = pd.factorize(incidents["category"])
    code_of = {c: k for k, c in enumerate(cat_u)}
    geoms = np.asarray(incidents.geometry.array, dtype=object)
    has = ~pd.isna(pd.Series(geoms)).to_numpy()
    sector = incidents["sector"].to_numpy() if "sector" in incidents.columns else None
    excluded = (
        np.array([bool(v) for v in problems["excluded"]], dtype=bool)
        if "excluded" in problems.columns
        else np.zeros(len(problems), dtype=bool)
    )
    kinds = np.array([str(k) for k in problems["kind"]], dtype=object)
    pgeoms = np.asarray(problems.geometry.array, dtype=object)
    cats = [sorted({code_of[c] for c in list(x) if c in code_of}) for x in problems["categories"]]
    p_sectors = list(problems["sectors"]) if "sectors" in problems.columns else None
    muni_best = np.full(len(cat_u) + 1, len(problems), dtype="int64")  # per category code
    local: dict[int, list[int]] = {}  # category code -> non-municipality problems
    area_best: dict[tuple[int, Any], int] = {}  # (category code, sector) -> first area problem
    for r in range(len(problems)):
        if excluded[r]:
            continue
        for c in cats[r]:
            if kinds[r] == "municipality":
                muni_best[c] = min(muni_best[c], r)
            else:
                local.setdefault(c, []).append(r)
                if kinds[r] == "area" and sector is not None and p_sectors is not None:
                    for sid in list(p_sectors[r]):
                        area_best.setdefault((c, sid), r)
    # municipality-wide problems: every incident of their categories
    best = np.minimum(best, np.where(cat_codes >= 0, muni_best[cat_codes], len(problems)))
    # place and area problems: located incidents inside the problem's geometry
    order = np.argsort(cat_codes, kind="stable")
    cuts = np.searchsorted(cat_codes[order], np.arange(len(cat_u) + 1))
    for c, rs in local.items():
        idx = order[cuts[c] : cuts[c + 1]]
        idx = idx[has[idx]]
        rs_g = [r for r in rs if pgeoms[r] is not None]
        if len(idx) == 0 or not rs_g:
            continue
        tree = shapely.STRtree(pgeoms[rs_g])
        i, j = tree.query(geoms[idx], predicate="intersects")
        if len(i):
            np.minimum.at(best, idx[i], np.asarray(rs_g)[j])
    # area problems also take the incidents of their sectors that have no position
    if area_best:
        no_pos = np.flatnonzero(~has & (cat_codes >= 0))
        for k in no_pos:
            r = area_best.get((int(cat_codes[k]), sector[k]))
            if r is not None and r < best[k]:
                best[k] = r
    ids = np.append(problems["problem_id"].to_numpy(dtype=object), None)
    return pd.Series(ids[best], index=incidents.index, dtype="str")


def priority(
    problems: pd.DataFrame,
    weights: Mapping[str, float] | None = None,
    extra: Mapping[str, pd.Series] | None = None,
) -> pd.DataFrame:
    """Transparent priority score of problems, every component beside the total.

    Components, each normalised to [0, 1] across the problems ranked:

    ======================  ====================================================
    ``rate``                events per year per 1,000 residents of the
                            municipality (the problem's share of the municipal
                            crime rate), divided by the largest
    ``severity``            mean severity weight of its events ÷ the largest
    ``trend``               1 significant rise, 0.5 stable, 0 significant fall;
                            missing when too few events
    ``hotspot``             largest Gi* z of its cells ÷ the largest (negative →
                            0); missing for municipality-wide problems
    ``concern``             share of respondents naming a related concern ÷ the
                            largest; missing without a survey
    ``vulnerability``       as given by the analyst (0–1); missing by default
    ======================  ====================================================

    ``score = Σ w_c · x_c / Σ w_c`` over the components **available** for the
    problem (missing components are listed in ``missing`` and their weight is
    left out, so a problem is neither punished nor rewarded for missing data).
    Ties get the same rank (``rank`` uses the minimum) and are flagged in
    ``tied``; the order then breaks ties by severity, then by id.

    Parameters
    ----------
    problems : DataFrame
        Problem register (e.g. from :func:`find_problems`); excluded problems
        are left out.
    weights : dict, optional
        Component → weight (default :data:`DEFAULT_PRIORITY_WEIGHTS`); a
        weight of 0 removes a component. Extra components may be given.
    extra : dict, optional
        Component name → Series (aligned with ``problems``) of raw values for
        user-defined components; they are normalised by their largest value.

    Returns
    -------
    DataFrame
        ``problem_id, title_fr, title_en, rank, score, tied, missing`` and for
        each component its raw value (``<c>_raw``), normalised value
        (``<c>``), weight (``<c>_weight``) and contribution (``<c>_points``).

    Examples
    --------
    >>> import pandas as pd
    >>> pb = pd.DataFrame({"problem_id": ["A", "B"], "title_fr": ["a", "b"], "title_en": ["a", "b"],
    ...     "rate": [10.0, 5.0], "severity": [100.0, 50.0], "trend_label": ["stable", "significant_rise"],
    ...     "hotspot_z": [8.0, float("nan")], "concern": [0.2, 0.4], "vulnerability": [float("nan")] * 2,
    ...     "excluded": [False, False]})
    >>> p = priority(pb)
    >>> p[["problem_id", "rank", "missing"]].values.tolist()
    [['A', 1, 'vulnerability'], ['B', 2, 'hotspot;vulnerability']]
    """
    w = dict(DEFAULT_PRIORITY_WEIGHTS if weights is None else weights)
    pb = problems
    if "excluded" in pb.columns:
        pb = pb[~pb["excluded"].fillna(False).astype(bool).to_numpy()]
    raw: dict[str, pd.Series] = {}
    idx = pb.index
    trend_map = {"significant_rise": 1.0, "stable": 0.5, "significant_fall": 0.0}
    builtins = {
        "rate": lambda: pb["rate"].astype("float64"),
        "severity": lambda: pb["severity"].astype("float64"),
        "trend": lambda: pb["trend_label"].map(trend_map).astype("float64"),
        "hotspot": lambda: pb["hotspot_z"].astype("float64").clip(lower=0),
        "concern": lambda: pb["concern"].astype("float64"),
        "vulnerability": lambda: (
            pb["vulnerability"].astype("float64")
            if "vulnerability" in pb.columns
            else pd.Series(np.nan, index=idx)
        ),
    }
    for c in w:
        if extra is not None and c in extra:
            raw[c] = pd.Series(extra[c]).reindex(idx).astype("float64")
        elif c in builtins:
            raw[c] = builtins[c]()
        else:
            raise ValueError(f"unknown priority component {c!r}; give its values in `extra`")
    out = pd.DataFrame({"problem_id": pb["problem_id"].to_numpy()}, index=idx)
    for col in ("title_fr", "title_en", "kind"):
        if col in pb.columns:
            out[col] = pb[col].to_numpy()
    num = pd.Series(0.0, index=idx)
    den = pd.Series(0.0, index=idx)
    missing = pd.Series([[] for _ in idx], index=idx, dtype=object)
    for c, wt in w.items():
        r = raw[c]
        if c in ("trend", "vulnerability"):
            norm = r.clip(0, 1)
        else:
            mx = r.max(skipna=True)
            norm = r / mx if pd.notna(mx) and mx > 0 else r * 0.0
        out[f"{c}_raw"] = r
        out[c] = norm
        out[f"{c}_weight"] = float(wt)
        avail = norm.notna()
        out[f"{c}_points"] = np.where(avail, float(wt) * norm.fillna(0.0), np.nan)
        if wt > 0:
            num += float(wt) * norm.fillna(0.0)
            den += np.where(avail, float(wt), 0.0)
            for i in idx[~avail.to_numpy()]:
                missing[i].append(c)
    with np.errstate(invalid="ignore", divide="ignore"):
        out["score"] = np.where(den > 0, num / den, np.nan)
    out["missing"] = missing.map(";".join)
    sev = (
        pb["severity"].astype("float64") if "severity" in pb.columns else pd.Series(0.0, index=idx)
    )
    out["_sev"] = sev.to_numpy()
    out = out.sort_values(
        ["score", "_sev", "problem_id"],
        ascending=[False, False, True],
        kind="stable",
        na_position="last",
    )
    out["rank"] = out["score"].round(12).rank(ascending=False, method="min").astype("Int64")
    out["tied"] = out["score"].round(12).duplicated(keep=False) & out["score"].notna()
    out = out.drop(columns="_sev")
    front = [
        "problem_id",
        *[c for c in ("title_fr", "title_en", "kind") if c in out.columns],
        "rank",
        "score",
        "tied",
        "missing",
    ]
    return out[front + [c for c in out.columns if c not in front]].reset_index(drop=True)


# ----------------------------------------------------------------------------
# Problem register (human-editable TOML + GeoJSON)
# ----------------------------------------------------------------------------
def _toml_str(s: str) -> str:
    return (
        '"'
        + s.replace("\\", "\\\\").replace('"', '\\"').replace("\n", "\\n").replace("\t", "\\t")
        + '"'
    )


def _toml_value(v: Any) -> str:
    if isinstance(v, bool | np.bool_):
        return "true" if v else "false"
    if isinstance(v, int | np.integer):
        return str(int(v))
    if isinstance(v, float | np.floating):
        if np.isnan(v):
            return "nan"
        if np.isinf(v):
            return "inf" if v > 0 else "-inf"
        return repr(round(float(v), 6))
    if isinstance(v, tuple | list | np.ndarray):
        return "[" + ", ".join(_toml_value(x) for x in v) + "]"
    if v is None or (isinstance(v, float) and np.isnan(v)):
        return '""'
    return _toml_str(str(v))


def write_register(problems: pd.DataFrame, path: Any) -> tuple[Any, Any]:
    """Write the problem register: ``<path>.toml`` (editable) and ``<path>.geojson``.

    The TOML file holds one ``[[problem]]`` table per problem with every field;
    the analyst edits the fields listed in :data:`EDITABLE_FIELDS` (titles,
    SARA stage, CHEERS fields, vulnerability, notes, ``excluded``) and keeps
    ``problem_id``. The GeoJSON file holds the geometries (analysis CRS).
    Both are plain text, sorted, and diff well under version control.

    Parameters
    ----------
    problems : GeoDataFrame
    path : path
        Base path without extension (e.g. ``build/problems``); a ``.toml``
        suffix is accepted too.

    Returns
    -------
    (pathlib.Path, pathlib.Path)
        The TOML and GeoJSON files.

    Examples
    --------
    >>> import geopandas as gpd, shapely, tempfile, pathlib
    >>> pb = gpd.GeoDataFrame({"problem_id": ["P1"], "kind": ["place"], "title_fr": ["Vols"], "title_en": ["Thefts"],
    ...     "sectors": [("S1",)], "categories": [("theft",)], "sara_stage": ["analysis"], "notes": [""],
    ...     "excluded": [False], "vulnerability": [float("nan")]}, geometry=[shapely.box(0, 0, 1, 1)], crs="EPSG:32188")
    >>> t, g = write_register(pb, pathlib.Path(tempfile.mkdtemp()) / "problems")
    >>> read_register(t).loc[0, "title_en"]
    'Thefts'
    """
    import json
    from pathlib import Path

    import shapely

    base = Path(path)
    if base.suffix in (".toml", ".geojson"):
        base = base.with_suffix("")
    base.parent.mkdir(parents=True, exist_ok=True)
    tpath, gpath = base.with_suffix(".toml"), base.with_suffix(".geojson")
    lines = [
        "# Registre des problèmes — diagnostic_lib. Modifiez les champs marqués « editable » ; gardez problem_id.",
        "# Problem register — diagnostic_lib. Edit the fields marked 'editable'; keep problem_id.",
        f"# editable: {', '.join(EDITABLE_FIELDS)}",
        f"# crs = {problems.crs.to_string() if getattr(problems, 'crs', None) is not None else ''}",
        "",
    ]
    cols = [c for c in problems.columns if c != "geometry"]
    for rec in problems.to_dict("records"):
        lines.append("[[problem]]")
        for c in cols:
            v = rec[c]
            if (
                isinstance(v, float)
                and np.isnan(v)
                and c
                not in ("vulnerability", "concern", "hotspot_z", "trend_ratio", "trend_p", "rate")
            ):
                continue
            lines.append(f"{c} = {_toml_value(v)}")
        lines.append("")
    tpath.write_text("\n".join(lines), encoding="utf-8")
    feats = []
    for pid, g in zip(problems["problem_id"], problems.geometry, strict=True):
        feats.append({"type": "Feature", "properties": {"problem_id": str(pid)},
                      "geometry": json.loads(shapely.to_geojson(shapely.set_precision(g, 0.1))) if g is not None else None})  # fmt: skip
    crs = problems.crs.to_epsg() if getattr(problems, "crs", None) is not None else None
    fc: dict[str, Any] = {"type": "FeatureCollection"}
    if crs:
        fc["crs"] = {"type": "name", "properties": {"name": f"urn:ogc:def:crs:EPSG::{crs}"}}
    fc["features"] = feats
    gpath.write_text(json.dumps(fc, ensure_ascii=False, indent=1) + "\n", encoding="utf-8")
    return tpath, gpath


def read_register(path: Any) -> pd.DataFrame:
    """Read a problem register written by :func:`write_register` (with the analyst's edits).

    Parameters
    ----------
    path : path
        The ``.toml`` file (or the base path); the ``.geojson`` beside it gives
        the geometries.

    Returns
    -------
    GeoDataFrame

    Raises
    ------
    DataError
        Unreadable TOML, a problem without ``problem_id``, duplicated ids, or an
        invalid SARA stage.

    Examples
    --------
    >>> read_register("/no/such/problems.toml")
    Traceback (most recent call last):
    ...
    diagnostic_lib.errors.DataError: /no/such/problems.toml: problem register not found / registre introuvable
    """
    import tomllib
    from pathlib import Path

    import geopandas as gpd

    from .errors import DataError

    base = Path(path)
    if base.suffix in (".toml", ".geojson"):
        base = base.with_suffix("")
    tpath, gpath = base.with_suffix(".toml"), base.with_suffix(".geojson")
    if not tpath.exists():
        raise DataError(f"{tpath}: problem register not found / registre introuvable")
    try:
        data = tomllib.loads(tpath.read_text(encoding="utf-8"))
    except tomllib.TOMLDecodeError as exc:
        raise DataError(f"{tpath}: not valid TOML ({exc}) / TOML invalide") from None
    recs = data.get("problem", [])
    if any("problem_id" not in r for r in recs):
        raise DataError(f"{tpath}: every [[problem]] needs a problem_id")
    ids = [r["problem_id"] for r in recs]
    if len(set(ids)) != len(ids):
        raise DataError(f"{tpath}: duplicated problem_id values")
    for r in recs:
        if r.get("sara_stage", "analysis") not in SARA_STAGES:
            raise DataError(
                f"{tpath}: problem {r['problem_id']}: sara_stage must be one of {SARA_STAGES}"
            )
        for c in ("sectors", "categories", "families"):
            if c in r:
                r[c] = tuple(r[c])
    df = pd.DataFrame(recs)
    geoms = None
    crs = None
    if gpath.exists():
        g = gpd.read_file(gpath)
        crs = g.crs
        geoms = df["problem_id"].map(dict(zip(g["problem_id"], g.geometry, strict=True)))
    out = gpd.GeoDataFrame(
        df,
        geometry=gpd.GeoSeries(geoms if geoms is not None else [None] * len(df), crs=crs),
        crs=crs,
    )
    return out


def merge_register(computed: pd.DataFrame, edited: pd.DataFrame) -> pd.DataFrame:
    """Carry the analyst's edits over to a freshly computed register.

    For every problem id present in both, the :data:`EDITABLE_FIELDS` of
    ``edited`` replace the computed ones; new problems keep their computed
    values, and problems only in ``edited`` (e.g. added by hand) are kept.

    Examples
    --------
    >>> import pandas as pd
    >>> new = pd.DataFrame({"problem_id": ["A", "B"], "notes": ["", ""], "n_incidents": [10, 5]})
    >>> old = pd.DataFrame({"problem_id": ["A", "Z"], "notes": ["vu avec le maire", "ajouté"], "n_incidents": [9, 1]})
    >>> merge_register(new, old)[["problem_id", "notes", "n_incidents"]].values.tolist()
    [['A', 'vu avec le maire', 10], ['B', '', 5], ['Z', 'ajouté', 1]]
    """
    out = computed.copy()
    ed = edited.set_index("problem_id")
    for c in EDITABLE_FIELDS:
        if c in ed.columns and c in out.columns:
            upd = out["problem_id"].map(ed[c])
            has = out["problem_id"].isin(ed.index)
            out[c] = out[c].astype(object).where(~has.to_numpy(), upd)
    extra = edited[~edited["problem_id"].isin(out["problem_id"])]
    if len(extra):
        out = pd.concat([out, extra], ignore_index=True)
    return out


# ----------------------------------------------------------------------------
# The whole step at once (report, benchmarks)
# ----------------------------------------------------------------------------
@dataclass
class Inventory:
    """Every table of step 1, as computed by :func:`run`."""

    rates: pd.DataFrame
    severity: pd.DataFrame
    hour_weekday: pd.DataFrame
    shifts: pd.DataFrame
    seasonality: pd.DataFrame
    change: pd.DataFrame
    change_family: pd.DataFrame
    place_counts: pd.Series
    concentration: dict[str, float]
    concentration_table: pd.DataFrame
    repeat_locations: pd.DataFrame
    hot_spots: pd.DataFrame
    knox: pd.DataFrame
    perception: pd.DataFrame | None
    perception_gap: pd.DataFrame | None
    problems: pd.DataFrame
    priority: pd.DataFrame
    parameters: dict[str, Any] = field(default_factory=dict)


def run(
    diag: Any,
    cell_size: float | None = None,
    knox_categories: Sequence[str] = ("burglary",),
    permutations: int = 99,
    weights: Mapping[str, float] | None = None,
    seed: int = 12345,
) -> Inventory:
    """Run the whole of step 1 on a loaded diagnosis.

    Parameters
    ----------
    diag : Diagnostic
        From :func:`diagnostic_lib.loaders.load_diagnostic`.
    cell_size : float, optional
        Grid cell size in metres (default: the config's ``grid_cell_m``).
    knox_categories : sequence of str
        Categories for the near-repeat test (break-ins by default).
    permutations : int
        Knox permutations.
    weights : dict, optional
        Priority weights.
    seed : int

    Returns
    -------
    Inventory

    Examples
    --------
    >>> from diagnostic_lib import loaders, sample
    >>> d = loaders.load_diagnostic(sample.sample_dir() / "diagnostic.toml")
    >>> inv = run(d, permutations=19)
    >>> len(inv.priority) == len(inv.problems) > 0
    True
    """
    global _PERCEPTION_MEMO
    _PERCEPTION_MEMO = {}
    try:
        return _run(diag, cell_size, knox_categories, permutations, weights, seed)
    finally:
        _PERCEPTION_MEMO = None


def _run(diag, cell_size, knox_categories, permutations, weights, seed) -> Inventory:
    cs = float(cell_size if cell_size is not None else diag.config.param("grid_cell_m", 200))
    inc, sec = diag.incidents, diag.sectors
    end = (
        diag.config.period_end + pd.Timedelta(days=1)
        if diag.config.period_end is not None
        else None
    )
    with warnings.catch_warnings():
        warnings.simplefilter("ignore", GridWarning)
        grid = make_grid(sec, cs)
    pc = grid_counts(inc, grid)
    hs = hot_spots(inc, grid=grid, seed=seed)
    kn = knox_test(
        inc[inc["category"].isin(list(knox_categories))], permutations=permutations, seed=seed
    )
    perc = perception(diag.survey, sec) if diag.survey is not None else None
    gap = perception_gap(diag.survey, inc, sec) if diag.survey is not None else None
    pb = find_problems(
        inc,
        sec,
        diag.weights,
        diag.taxonomy,
        diag.survey,
        diag.places,
        cell_size=cs,
        end=end,
        seed=seed,
    )
    return Inventory(
        rates=rates(inc, sec, by="family", period="year"),
        severity=severity_index(inc, sec, diag.weights),
        hour_weekday=hour_weekday(inc),
        shifts=shift_shares(inc, by="family"),
        seasonality=seasonality(inc, by="family"),
        change=change(inc, by=("sector", "category"), end=end),
        change_family=change(inc, by=("family",), end=end),
        place_counts=pc,
        concentration=concentration(pc),
        concentration_table=concentration_table(pc, lang=diag.lang),
        repeat_locations=repeat_locations(inc, places=diag.places),
        hot_spots=hs,
        knox=kn,
        perception=perc,
        perception_gap=gap,
        problems=pb,
        priority=priority(pb, weights=weights),
        parameters={
            "cell_size_m": cs,
            "knox_categories": list(knox_categories),
            "permutations": permutations,
            "seed": seed,
        },
    )
