"""Volume and rates: incident counts, rates per 1,000 residents, the local severity index.

Conventions: an incident belongs to the period (year, quarter, month) of its
``occurred_from``; rates are per 1,000 residents of the sector
(``population``) with exact Poisson intervals, and a sector without population
has no rate; incidents without a sector count in the municipality's totals,
not in any sector's.
"""

from __future__ import annotations

import math
from collections.abc import Mapping, Sequence
from typing import Any

import numpy as np
import pandas as pd

from .. import coverage, settings, stats
from ..cube import Cube, rollup
from ..denominators import DENOMINATORS, column_of, denominator_of

LEVEL: float = settings.default("interval_level")
"""Default confidence level of the intervals: the ``interval_level`` setting."""


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


def counts(
    incidents: pd.DataFrame,
    by: Sequence[str] = ("sector", "category"),
    period: str | None = "year",
    complete: bool = True,
) -> pd.DataFrame:
    """Incident counts by any columns and period.

    Parameters
    ----------
    incidents : DataFrame or Cube
        Canonical incidents, or their count cube (:func:`diagnostic_lib.cube.build`):
        the same counts, summed from the cube (``by`` among its keys).
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
    ...     "occurred_from": pd.to_datetime(["2024-01-01", "2024-02-01", "2025-01-01"])})
    >>> counts(inc, by=("sector",), period="year").values.tolist()
    [['A', 2024, 2], ['A', 2025, 0], ['B', 2024, 0], ['B', 2025, 1]]
    """
    keys = list(by)
    out = _tally(incidents, keys, period)
    if complete and len(out):
        # every value observed (not missing) of each key, from the groups found
        idx = out.index.to_frame(index=False)
        levels = [pd.Index(idx[k].dropna().unique()).sort_values() for k in [*keys, "period"]]
        full = pd.MultiIndex.from_product(levels, names=keys + ["period"])
        nan_rows = out[out.index.to_frame().isna().any(axis=1).to_numpy()]
        out = out.reindex(full, fill_value=0)
        if len(nan_rows):
            out = pd.concat([out, nan_rows])
    return out.reset_index()


def _tally(incidents: pd.DataFrame | Cube, keys: list[str], period: str | None) -> pd.Series:
    """Incidents per ``keys`` and period (missing values are groups), from points or a cube."""
    if isinstance(incidents, Cube):
        # the cube's month holds the period of occurred_from: sum its counts per period
        per = rollup(incidents, [*[k for k in keys if k != "_all"], "month"])
        df = per.assign(_all="all")[keys] if "_all" in keys else per[keys].copy()
        df["period"] = _period_key(per["month"], period)
        df["count"] = per["count"].to_numpy()
        out = df.groupby(keys + ["period"], dropna=False, observed=True)["count"].sum()
        return out.astype("int64")
    df = incidents[keys].copy()
    df["period"] = _period_key(incidents["occurred_from"], period)
    return group_sizes(df, keys + ["period"])


def _codable(dtype: Any) -> bool:
    """Keys whose sorted distinct values :func:`pandas.factorize` gives as a group-by would."""
    if isinstance(dtype, pd.StringDtype):
        return True
    if isinstance(dtype, pd.api.extensions.ExtensionDtype):
        return pd.api.types.is_integer_dtype(dtype)  # Int64 and the like
    return dtype.kind in "iub"


def group_sizes(df: pd.DataFrame, keys: list[str]) -> pd.Series:
    """``df.groupby(keys, dropna=False, observed=True).size()``, named ``count``, faster.

    Each key is factorised once (hash, sorted distinct values) and the codes are
    combined into one integer per row, counted in place when the combinations are
    few, else sorted once: no group-by machinery, about three times faster on
    millions of rows. The same Series (index levels, order, missing values as
    groups, last); keys of other types (categories, objects, floats) or more
    combinations than an integer holds go through the group-by itself.

    Examples
    --------
    >>> df = pd.DataFrame({"s": pd.array(["B", "A", None, "B"], dtype="str"), "y": [1, 2, 1, 1]})
    >>> group_sizes(df, ["s", "y"]).tolist()
    [1, 2, 1]
    """
    cols = [df[k] for k in keys]
    if not len(df) or not keys or not all(_codable(c.dtype) for c in cols):
        return df.groupby(keys, dropna=False, observed=True).size().rename("count")
    codes, levels = [], []
    for c in cols:
        code, uniq = pd.factorize(c, sort=True)
        codes.append(np.where(code < 0, len(uniq), code).astype("int64"))  # missing: last
        levels.append(uniq)
    radix = [len(u) + 1 for u in levels]
    if float(np.prod(np.asarray(radix, dtype="float64"))) >= 2.0**62:
        return df.groupby(keys, dropna=False, observed=True).size().rename("count")
    combined = codes[0]
    for code, r in zip(codes[1:], radix[1:], strict=True):
        combined *= r
        combined += code
    total = math.prod(radix)
    if total <= max(4 * len(df), 1 << 16):  # few combinations: counted in place, in order
        n = np.bincount(combined, minlength=total)
        distinct = np.flatnonzero(n)
        n = n[distinct]
    else:  # sorted once (the groups in key order)
        distinct, n = np.unique(combined, return_counts=True)
    out_codes = []
    for r in radix[::-1]:
        part = distinct % r
        distinct = distinct // r
        out_codes.append(np.where(part == r - 1, -1, part))
    index = pd.MultiIndex(levels=levels, codes=out_codes[::-1], names=keys, verify_integrity=False)
    if len(keys) == 1:
        index = index.get_level_values(0)
    return pd.Series(n.astype("int64"), index=index, name="count")


def rates(
    incidents: pd.DataFrame,
    sectors: pd.DataFrame,
    by: str | None = "category",
    period: str | None = "year",
    per: float = 1000.0,
    level: float = LEVEL,
    municipality: bool = True,
    denominators: Mapping[str, str] | None = None,
) -> pd.DataFrame:
    """Counts and rates per 1,000 residents (or another base) by sector × group × period.

    Parameters
    ----------
    incidents, sectors : DataFrame
        Canonical tables; ``sectors`` needs ``population`` and a column for each
        other base ``denominators`` names (``dwellings``…). ``incidents`` may
        be their count cube (:func:`diagnostic_lib.cube.build`): the same
        table, from sums over the cube.
    by : {"category", "family", None}
        Incident grouping (``None``: all incidents).
    period : {"year", "quarter", "month", None}
    per : float
        Rate denominator (units of the base: residents, dwellings…).
    level : float
        Confidence level of the exact Poisson interval.
    municipality : bool
        Add a row per group and period for the whole municipality (sector
        ``"*"``), which also counts incidents without a sector.
    denominators : mapping, optional
        Family or category code → base (``[denominators]`` of the config, see
        :mod:`diagnostic_lib.denominators`): a category's own declaration wins
        over its family's; a group without one keeps residents.

    Returns
    -------
    DataFrame
        ``sector, name, population, group, period, count, denominator, base,
        rate, rate_low, rate_high``: ``denominator`` is the code of the base of
        the row's rate (``residents``, ``dwellings``…) and ``base`` its size in
        the sector (``population`` stays the residents). Rates are for the
        period (not annualised). A sector without a base has no rate (NaN,
        never 0); the municipality's ``base`` is that of the sectors that have
        one (NaN when none has) and its rate counts only their incidents.

    Examples
    --------
    >>> import geopandas as gpd, pandas as pd, shapely
    >>> sec = gpd.GeoDataFrame({"sector_id": ["A"], "name": ["A"], "population": [2000.0],
    ...                         "dwellings": [500.0]}, geometry=[shapely.box(0, 0, 1, 1)])
    >>> inc = pd.DataFrame({"sector": ["A"] * 10, "category": ["x"] * 9 + ["burglary"],
    ...                     "occurred_from": pd.to_datetime(["2024-06-01"] * 10)})
    >>> r = rates(inc, sec, municipality=False, denominators={"burglary": "dwellings"})
    >>> r[["group", "count", "denominator", "rate"]].values.tolist()
    [['burglary', 1, 'dwellings', 2.0], ['x', 9, 'residents', 4.5]]
    """
    group = by or "_all"
    inc = (
        incidents.assign(_all="all")
        if by is None and not isinstance(incidents, Cube)
        else incidents
    )
    c = counts(inc, by=("sector", group), period=period, complete=False)
    groups, periods = _groups_and_periods(inc, group, period)
    base_of = _group_bases(inc, group, groups, denominators)
    used = sorted(set(base_of.values()), key=DENOMINATORS.index)
    keep = ["sector_id", "name", "population"]
    keep += [column_of(b) for b in used if column_of(b) not in keep]
    sec = pd.DataFrame(sectors[keep]).rename(columns={"sector_id": "sector"})
    full = pd.MultiIndex.from_product(
        [sec["sector"], groups, periods], names=["sector", group, "period"]
    )
    c_sec = c.dropna(subset=["sector"]).set_index(["sector", group, "period"])["count"]
    c_sec = c_sec[c_sec.index.isin(full)].reindex(full, fill_value=0).reset_index()
    out = c_sec.merge(sec, on="sector", how="left")
    out["denominator"] = out[group].map(base_of).astype("str")
    out["base"] = _row_bases(out, used)
    rate_count = out["count"].to_numpy()
    if municipality:
        tot = counts(inc, by=(group,), period=period, complete=True).assign(sector="*")
        tot = tot.assign(name="*", population=total_population(sec["population"]))
        tot["denominator"] = tot[group].map(base_of).astype("str")
        tot["base"] = np.nan
        tot_rate_count = tot["count"].to_numpy().copy()
        for base in used:
            column = sec[column_of(base)].astype("float64")
            mine = (tot["denominator"] == base).to_numpy()
            tot.loc[mine, "base"] = total_population(column)
            # the municipality's rate counts only the incidents of the sectors with a base
            has = sec.loc[(column > 0).to_numpy(), "sector"]
            if len(has) < len(sec):
                inside = out[out["sector"].isin(has)].groupby([group, "period"])["count"].sum()
                key = pd.MultiIndex.from_frame(tot.loc[mine, [group, "period"]])
                tot_rate_count[mine] = inside.reindex(key, fill_value=0).to_numpy()
        rate_count = np.r_[rate_count, tot_rate_count]
        out = pd.concat([out, tot], ignore_index=True)
    units = out["base"].astype("float64")
    lo, hi = stats.poisson_ci(rate_count, level)
    with np.errstate(divide="ignore", invalid="ignore"):
        scale = np.where(units > 0, per / units, np.nan)
    out["rate"] = rate_count * scale
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
        "denominator",
        "base",
        "rate",
        "rate_low",
        "rate_high",
    ]
    return out[cols].reset_index(drop=True)


def _groups_and_periods(
    incidents: pd.DataFrame | Cube, group: str, period: str | None
) -> tuple[pd.Index, pd.Index]:
    """The groups and periods observed (sorted, missing left out), from points or a cube."""
    if isinstance(incidents, Cube):
        months = rollup(incidents, ["month"])["month"]
        groups = (
            pd.Index(["all"]) if group == "_all" else rollup(incidents, [group])[group].dropna()
        )
    else:
        months, groups = incidents["occurred_from"], incidents[group].dropna()
    periods = pd.Index(_period_key(months, period).dropna().unique()).sort_values()
    return pd.Index(groups.unique()).sort_values(), periods


def _group_bases(
    incidents: pd.DataFrame | Cube,
    group: str,
    groups: pd.Index,
    denominators: Mapping[str, str] | None,
) -> dict[object, str]:
    """Each group's base: its own declaration, else (a category) its family's, else residents."""
    families: dict[object, object] = {}
    if group == "category" and denominators:
        if isinstance(incidents, Cube):
            pairs = rollup(incidents, ["category", "family"])
        elif "family" in incidents.columns:
            pairs = incidents[["category", "family"]]
        else:
            pairs = pd.DataFrame(columns=["category", "family"])
        pairs = pairs.dropna().drop_duplicates("category")
        families = dict(zip(pairs["category"], pairs["family"].astype("str"), strict=True))
    return {g: denominator_of(g, denominators, families.get(g)) for g in groups}


def _row_bases(out: pd.DataFrame, used: Sequence[str]) -> np.ndarray:
    """The size of each row's base in its sector (residents, dwellings…)."""
    base = np.full(len(out), np.nan)
    for code in used:
        mine = (out["denominator"] == code).to_numpy()
        base[mine] = out.loc[mine, column_of(code)].astype("float64").to_numpy()
    return base


def recent_rates(
    incidents: pd.DataFrame,
    sectors: pd.DataFrame,
    by: str | None = "family",
    months: int = 12,
    level: float = LEVEL,
    denominators: Mapping[str, str] | None = None,
) -> pd.DataFrame:
    """Counts and rates of the last ``months`` months of data (a year's rates, on the sample).

    The window ends with the month of the last incident and starts ``months``
    months earlier, or at the month of the first incident when the data are
    shorter: a table labelled with a year never covers only part of it. The
    window is in ``attrs``: ``start`` and ``end`` (last day, included) and
    ``months`` (the number of months it covers; rates are for the window, not
    annualised).

    Parameters
    ----------
    incidents, sectors : DataFrame
        Canonical tables; ``sectors`` needs ``population``.
    by : {"category", "family", None}
        Incident grouping.
    months : int
        Length of the window.
    level : float
        Confidence level of the exact Poisson interval.
    denominators : mapping, optional
        Family or category code → base, as for :func:`rates`.

    Returns
    -------
    DataFrame
        As :func:`rates` (``period`` is ``"all"``), with the window in ``attrs``.

    Examples
    --------
    >>> import geopandas as gpd, pandas as pd, shapely
    >>> sec = gpd.GeoDataFrame({"sector_id": ["A"], "name": ["A"], "population": [1000.0]},
    ...                        geometry=[shapely.box(0, 0, 1, 1)])
    >>> inc = pd.DataFrame({"sector": ["A"] * 3, "family": ["x"] * 3,
    ...     "occurred_from": pd.to_datetime(["2016-12-02", "2018-01-10", "2018-03-31"])})
    >>> r = recent_rates(inc, sec, months=12)
    >>> int(r["count"].iloc[0]), r.attrs["start"].date(), r.attrs["end"].date(), r.attrs["months"]
    (2, datetime.date(2017, 4, 1), datetime.date(2018, 3, 31), 12)
    """
    ts = pd.to_datetime(incidents["occurred_from"])
    if ts.notna().any():
        # the data's last whole month (a month the export stopped within is left out)
        end = coverage.data_end(incidents)
        start = max(end - pd.DateOffset(months=months), ts.min().normalize().replace(day=1))
    else:
        end = start = pd.Timestamp.now().normalize().replace(day=1)
    inside = incidents[((ts >= start) & (ts < end)).to_numpy()]
    out = rates(inside, sectors, by=by, period=None, level=level, denominators=denominators)
    span = (end.year - start.year) * 12 + end.month - start.month
    out.attrs.update(start=start, end=end - pd.Timedelta(days=1), months=span)
    return out


def severity_index(
    incidents: pd.DataFrame,
    sectors: pd.DataFrame,
    weights: pd.DataFrame,
    per: float = 1000.0,
    level: float = LEVEL,
) -> pd.DataFrame:
    """Local severity-weighted index per sector (municipality = 100).

    Each incident weighs its category's severity weight; the weighted sum per
    1,000 residents of a sector is divided by the municipality's and multiplied
    by 100. This is a **local severity-weighted index**, not Statistics
    Canada's Crime Severity Index. The interval treats counts as Poisson
    (variance of a weighted sum = Σ w² n), normal approximation (see
    docs/methods.md, *Local severity index*).

    Parameters
    ----------
    incidents, sectors : DataFrame
        ``incidents`` may be their count cube (:func:`diagnostic_lib.cube.build`):
        the same table, each category's weight times its count (sums in another
        order: equal to the last bits of a float).
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
    >>> sec = gpd.GeoDataFrame(
    ...     {"sector_id": ["A", "B"], "name": ["A", "B"], "population": [1000.0, 1000.0]},
    ...     geometry=[shapely.box(0, 0, 1, 1), shapely.box(1, 0, 2, 1)])
    >>> w = pd.DataFrame({"weight": [100.0, 10.0]}, index=["robbery", "theft"])
    >>> inc = pd.DataFrame({"sector": ["A", "B", "B"], "category": ["robbery", "theft", "theft"]})
    >>> severity_index(inc, sec, w)[["sector", "weighted", "index"]].round(1).values.tolist()
    [['A', 100.0, 166.7], ['B', 20.0, 33.3], ['*', 120.0, 100.0]]
    """
    df = _weighted_rows(incidents, weights["weight"])
    g = df.groupby("sector", observed=True).agg(
        count=("n", "sum"), weighted=("w", "sum"), w2=("w2", "sum")
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
            "population": [total_population(sec["population"])],
            "count": [int(df["n"].sum())],
            "weighted": [df["w"].sum()],
            "w2": [df["w2"].sum()],
        },
        index=pd.Index(["*"], name="sector"),
    )
    out = pd.concat([out, total])
    # a sector without residents (0 or unknown) has no rate, never an infinite one
    pop = out["population"].astype("float64").where(out["population"] > 0)
    # the municipality's rate: the incidents of the sectors with residents only
    populated = pop.drop("*").notna()
    rate_w = out["weighted"].copy()
    if not populated.all():
        rate_w.loc["*"] = out.loc[populated[populated].index, "weighted"].sum()
    with np.errstate(divide="ignore", invalid="ignore"):
        out["weighted_rate"] = rate_w / pop * per
        ref = float(out.loc["*", "weighted_rate"])
        out["index"] = out["weighted_rate"] / ref * 100
        se = np.sqrt(out["w2"]) / pop * per / ref * 100
    from scipy.stats import norm

    z = float(norm.ppf(0.5 + level / 2))
    out["index_low"] = (out["index"] - z * se).clip(lower=0)
    out["index_high"] = out["index"] + z * se
    out["count"] = out["count"].astype("int64")
    return out.drop(columns="w2").reset_index()


def _weighted_rows(incidents: pd.DataFrame | Cube, wmap: pd.Series) -> pd.DataFrame:
    """``sector, n, w, w2``: one row per incident (``n`` = 1) or per cube sector × category."""
    if isinstance(incidents, Cube):
        per = rollup(incidents, ["sector", "category"])
        n = per["count"].to_numpy(dtype="int64")
        w = per["category"].map(wmap).astype("float64").fillna(0.0).to_numpy()
        return pd.DataFrame({"sector": per["sector"], "n": n, "w": w * n, "w2": w**2 * n})
    w = incidents["category"].map(wmap).astype("float64").fillna(0.0)
    return pd.DataFrame(
        {"sector": incidents["sector"], "n": np.ones(len(w), dtype="int64"), "w": w, "w2": w**2}
    )


def total_population(population: pd.Series) -> float:
    """Residents of the sectors that have some: NaN (never 0) when none has.

    Examples
    --------
    >>> total_population(pd.Series([1000.0, float("nan")])), total_population(pd.Series([0.0]))
    (1000.0, nan)
    """
    p = pd.Series(population).astype("float64")
    total = float(p[p > 0].sum(min_count=1))
    return total if total > 0 else float("nan")


def municipal_rate(
    incidents: pd.DataFrame, sectors: pd.DataFrame, years: float, per: float = 1000.0
) -> dict[str, float]:
    """The yearly rate of the municipality per ``per`` residents, over the sectors with residents.

    Incidents of sectors without population (and without a sector) are left out
    of the rate when some sectors lack one; with no population at all the
    rate and the population are NaN, never 0.

    Parameters
    ----------
    incidents, sectors : DataFrame
        Canonical tables.
    years : float
        Length of the period, in years.
    per : float
        Rate denominator (residents).

    Returns
    -------
    dict
        ``population`` (NaN when none), ``rate`` (NaN when none), ``incidents``
        (counted in the rate), ``sectors`` (with residents), ``sectors_total``.

    Examples
    --------
    >>> sec = pd.DataFrame({"sector_id": ["A", "B"], "population": [2000.0, float("nan")]})
    >>> inc = pd.DataFrame({"sector": ["A"] * 4 + ["B"] * 6})
    >>> r = municipal_rate(inc, sec, years=2.0)
    >>> r["rate"], r["incidents"], r["sectors"], r["sectors_total"]
    (1.0, 4, 1, 2)
    """
    pop = sectors["population"].astype("float64")
    has = (pop > 0).to_numpy()
    total = total_population(pop)
    if has.all():
        n = len(incidents)
    else:
        n = int(incidents["sector"].isin(sectors.loc[has, "sector_id"]).sum())
    rate = n / years / total * per if total > 0 else float("nan")
    return {
        "population": total,
        "rate": rate,
        "incidents": n,
        "sectors": int(has.sum()),
        "sectors_total": len(sectors),
    }


def annual_means(rates: pd.DataFrame) -> pd.DataFrame:
    """Each sector's mean per year of a yearly rates table: the rate and the count.

    Parameters
    ----------
    rates : DataFrame
        From :func:`rates` with ``period="year"`` (any ``by``, all its rates on
        one base: ``ValueError`` otherwise); the municipality row ``*`` is left out.

    Returns
    -------
    DataFrame
        Indexed by sector: ``rate`` (mean rate per year, NaN for a sector without
        residents) and ``count`` (mean incidents per year), over the sector's years
        in the table (all the table's years when it has a row for each, as
        :func:`rates` gives; a province's sectors have only their force's years).

    Examples
    --------
    >>> r = pd.DataFrame({"sector": ["A", "A", "B", "B"], "period": ["2023", "2024"] * 2,
    ...                   "count": [10, 20, 3, 5], "rate": [1.0, 2.0, np.nan, np.nan]})
    >>> annual_means(r).values.tolist()
    [[1.5, 15.0], [nan, 4.0]]
    """
    if "denominator" in rates.columns and rates["denominator"].nunique() > 1:
        # a rate per 1,000 residents and one per 1,000 dwellings do not add up
        bases = ", ".join(sorted(rates["denominator"].unique()))
        raise ValueError(f"rates on different bases cannot be added ({bases}): use by=None")
    per_sector = rates[rates["sector"] != "*"]
    g = per_sector.groupby("sector")
    years = g["period"].nunique().clip(lower=1)  # each sector's own years (a province's differ)
    return pd.DataFrame(
        {"rate": g["rate"].sum(min_count=1) / years, "count": g["count"].sum() / years}
    )
