"""The data's coverage calendar: which months hold data, and which are gaps ("no data").

A month without any record is not a month without crime when the months around
it hold many: the export is missing it. :func:`gap_mask` is the one rule
(a month is a gap when it is empty while the months of the same data average
at least the ``gap_min_monthly`` setting, :data:`GAP_MIN_MONTHLY`);
:func:`coverage_calendar` applies it month by month (per group, e.g. per
``source_file`` or ``sector``), :func:`gap_months` gives the municipality's gaps
(with ``end``: the trailing months missing from an export, and its partial last
month, too), :func:`in_gaps` marks the months of a series that are gaps and
:func:`month_ranges` writes them for a note (``2023-02–2023-04``), and
:func:`data_end` says where the data's last whole month ends.

Seasonality, forecasts and their backtest, change windows, before/after windows,
interrupted time series and the action plan's history treat a gap as missing,
never as zero (see docs/methods.md, *Coverage calendar*). This module
sits at the top of the package so that the loaders (the ledger's notes) and the
steps can both use it.

Examples
--------
>>> import pandas as pd
>>> when = pd.date_range("2023-01-01", "2023-06-30", freq="D")
>>> inc = pd.DataFrame({"occurred_from": when[when.month != 3]})
>>> [str(p) for p in gap_months(inc)]
['2023-03']
"""

from __future__ import annotations

from collections.abc import Iterable
from typing import Any

import numpy as np
import pandas as pd

from . import settings
from .cube import Cube, rollup

GAP_MIN_MONTHLY: float = settings.default("gap_min_monthly")
"""A month without any incident is a gap in the data when the others average at least this."""


def gap_mask(counts: pd.Series | np.ndarray, min_monthly: float = GAP_MIN_MONTHLY) -> np.ndarray:
    """Which months of a run of consecutive monthly counts are gaps in the data.

    A month is a gap ("no data", not zero) when it holds no record while the
    months of the run average at least ``min_monthly`` records. With fewer, an
    empty month is an ordinary zero (a rare event).

    Parameters
    ----------
    counts : Series or array of int
        The counts of consecutive months, empty months included (as 0).
    min_monthly : float
        The mean count from which an empty month is a gap (default: the
        ``gap_min_monthly`` setting).

    Returns
    -------
    ndarray of bool
        ``True`` for the gap months.

    Examples
    --------
    >>> gap_mask([100, 0, 98]).tolist()
    [False, True, False]
    >>> gap_mask([1, 0, 2]).tolist()
    [False, False, False]
    """
    c = np.asarray(counts, dtype="float64")
    if not len(c):
        return np.zeros(0, dtype=bool)
    return (c == 0) & (float(c.mean()) >= float(min_monthly))


def coverage_calendar(
    incidents: pd.DataFrame,
    by: str | None = None,
    min_monthly: float = GAP_MIN_MONTHLY,
    end: Any = None,
) -> pd.DataFrame:
    """The coverage calendar: one row per month, with its count and whether it holds data.

    Months run from the first to the last month with a record (per group of
    ``by`` when given: e.g. ``"source_file"`` for the files of a multi-file
    export, or ``"sector"``). ``covered`` is ``False`` for the gaps of
    :func:`gap_mask`: months without any record while the group's months
    average ``min_monthly`` records or more.

    With ``end``, the period an analysis asks for ends there (exclusive), and
    the calendar runs on to the month before ``end``: the **trailing months**
    after the last record are judged by the same rule (empty while the
    months average enough: gaps, not zeros). When they are gaps, the month of
    the last record is not covered either unless its records reach its last
    day (``occurred_to`` when it falls in the same month, as for a month-only
    date, else ``occurred_from``): the export stopped within it, and its count
    is partial.

    Parameters
    ----------
    incidents : DataFrame or Cube
        With ``occurred_from`` (rows without a date are left out); or the
        incidents' count cube (:func:`diagnostic_lib.cube.build`), the same
        calendar, without ``end`` (the reach of the last records needs their
        dates).
    by : str, optional
        A grouping column; each group has its own first and last month.
    min_monthly : float
        See :func:`gap_mask`.
    end : timestamp, optional
        The end (exclusive) of the period to judge; by default the calendar
        stops at the last month with a record.

    Returns
    -------
    DataFrame
        ``[by], month (Period, monthly), count, covered``.

    Examples
    --------
    >>> import pandas as pd
    >>> when = pd.date_range("2023-01-01", "2023-05-31", freq="D")
    >>> inc = pd.DataFrame({"occurred_from": when[when.month != 3]})
    >>> cal = coverage_calendar(inc)
    >>> cal.assign(month=cal["month"].astype(str)).values.tolist()[1:4]
    [['2023-02', 28, True], ['2023-03', 0, False], ['2023-04', 30, True]]

    An export that stops on 10 May, for a period asked up to the end of June:

    >>> inc = pd.DataFrame({"occurred_from": when[when <= "2023-05-10"]})
    >>> cal = coverage_calendar(inc, end="2023-07-01")
    >>> cal.assign(month=cal["month"].astype(str)).values.tolist()[3:]
    [['2023-04', 30, True], ['2023-05', 10, False], ['2023-06', 0, False]]
    """
    keys = [by] if by else []
    df = _calendar_rows(incidents, keys, end)
    last_month = (
        (pd.Timestamp(end) - pd.Timedelta(days=1)).to_period("M") if end is not None else None
    )
    groups = df.groupby(keys, sort=True, observed=True) if keys else [((), df)]
    parts = []
    for key, g in groups:
        counts = g.groupby("month")["n"].sum() if "n" in g.columns else g["month"].value_counts()
        if counts.empty:  # no dated record at all: no calendar
            continue
        first, last = counts.index.min(), counts.index.max()
        to = max(last, last_month) if last_month is not None else last
        months = pd.period_range(first, to, freq="M")
        counts = counts.reindex(months, fill_value=0)
        covered = ~gap_mask(counts, min_monthly)
        n_last = (last - first).n
        if n_last + 1 < len(months) and not covered[n_last + 1]:
            # the months after the last record are gaps: is the last record's month whole?
            reach = pd.Timestamp(g["stop"].max()).normalize()
            covered[n_last] &= bool(reach >= last.end_time.normalize())
        part = pd.DataFrame(
            {"month": months, "count": counts.to_numpy(dtype="int64"), "covered": covered}
        )
        for k, v in zip(keys, key if isinstance(key, tuple) else (key,), strict=True):
            part.insert(0, k, v)
        parts.append(part)
    if not parts:
        empty = pd.DataFrame({k: pd.Series(dtype=object) for k in keys})
        empty["month"] = pd.Series(dtype="period[M]")
        empty["count"] = pd.Series(dtype="int64")
        empty["covered"] = pd.Series(dtype=bool)
        return empty
    return pd.concat(parts, ignore_index=True)


def _calendar_rows(incidents: pd.DataFrame | Cube, keys: list[str], end: Any) -> pd.DataFrame:
    """The rows of :func:`coverage_calendar`: ``month``, ``stop`` (points) or ``n`` (a cube)."""
    if isinstance(incidents, Cube):
        if end is not None:
            raise ValueError(
                "coverage_calendar with an end needs the incidents, not their cube / "
                "le calendrier jusqu'à une fin demande les incidents, pas leur cube"
            )
        per = rollup(incidents, [*keys, "month"])
        df = pd.DataFrame({"month": per["month"].dt.to_period("M"), "n": per["count"]})
        for k in keys:
            df[k] = per[k].to_numpy()
        return df.dropna(subset=["month", *keys])
    ts = pd.to_datetime(incidents["occurred_from"])
    month = _month_periods(ts)
    df = pd.DataFrame({"month": month}, index=incidents.index)
    df["stop"] = _reach(incidents)
    for k in keys:
        df[k] = incidents[k]
    return df.dropna(subset=["month", *keys])


def _reach(incidents: pd.DataFrame) -> np.ndarray:
    """How far into its start's month each record reaches (``datetime64[us]``, NaT undated).

    The start, or the range's last instant when it ends in the same month: a
    month-only date reaches its month's end. The range's end is exclusive (a
    month-only date ends on the next month's first instant), hence one
    microsecond before it.
    """
    ts = pd.to_datetime(incidents["occurred_from"]).to_numpy(dtype="datetime64[us]")
    if "occurred_to" not in incidents.columns:
        return ts
    to = pd.to_datetime(incidents["occurred_to"]).to_numpy(dtype="datetime64[us]")
    inner = to - np.timedelta64(1, "us")
    return np.where(inner.astype("datetime64[M]") == ts.astype("datetime64[M]"), inner, ts)


def data_end(incidents: pd.DataFrame, months: int = 12) -> pd.Timestamp | None:
    """The end (exclusive) of the data's last whole month: where analyses by month stop.

    An export taken on 1 April holds one day of April: a "last 12 months" that
    ends with April compares eleven months and a day with twelve (every change
    reads as a fall), and a forecast would start in a month already half seen.
    The last record's month counts when its records reach its end, as a whole
    month of the same data would: the days after the last record are fewer than
    ``3 / λ``, ``λ`` the records a day over the ``months`` months before (no
    record in that many days of a whole month has a chance of about 5 %). Else
    the data end on that month's first day. A month-only date reaches its
    month's end (its range's), so data written by month keep their last month.

    Parameters
    ----------
    incidents : DataFrame
        With ``occurred_from`` (and ``occurred_to`` when known).
    months : int
        The months before the last one whose rate sets the tolerance.

    Returns
    -------
    Timestamp or None
        The first day of the month after the last whole one; ``None`` without a
        dated record.

    Examples
    --------
    >>> import pandas as pd
    >>> days = pd.Series(pd.date_range("2017-01-01", "2018-04-01", freq="6h"))
    >>> str(data_end(pd.DataFrame({"occurred_from": days})).date())
    '2018-04-01'
    >>> str(data_end(pd.DataFrame({"occurred_from": days[days < "2018-04-01"]})).date())
    '2018-04-01'
    >>> sparse = pd.Series(pd.to_datetime(["2024-01-20", "2024-06-02", "2024-12-12"]))
    >>> str(data_end(pd.DataFrame({"occurred_from": sparse})).date())
    '2025-01-01'
    """
    # on the dates' arrays (a few passes over them: it is asked by several steps at 5M)
    ts = pd.to_datetime(incidents["occurred_from"]).to_numpy(dtype="datetime64[us]")
    dated = ~np.isnat(ts)
    ts = ts[dated]
    if not len(ts):
        return None
    month = ts.astype("datetime64[M]")
    stop = _reach(incidents)[dated]
    last_m = month.max()
    first_m = max(month.min(), last_m - np.timedelta64(months, "M"))
    last = pd.Period(str(last_m), freq="M")
    following = (last + 1).start_time
    reach = pd.Timestamp(stop.max())
    span_days = int((last_m.astype("datetime64[D]") - first_m.astype("datetime64[D]")).astype(int))
    n = int(np.count_nonzero((month >= first_m) & (month < last_m)))
    per_day = n / span_days if span_days else 0.0
    tolerance = pd.Timedelta(days=3 / per_day) if per_day > 0 else pd.Timedelta.max
    whole = following - reach <= max(tolerance, pd.Timedelta(days=1))
    return following if whole else last.start_time


def _month_periods(ts: pd.Series) -> pd.Series:
    """``ts.dt.to_period("M")``; for naive timestamps, from their months as numbers.

    A monthly period's ordinal is its month's count since January 1970, as NumPy
    counts ``datetime64[M]``: the periods are made from those numbers, not one
    ``Period`` a row (:func:`gap_months` of 1M incidents: 0.062 → 0.040 s; it runs
    about nine times a diagnosis). ``NaT`` stays missing. Other types (time zones) go
    through pandas as before.

    Examples
    --------
    >>> ts = pd.Series(pd.to_datetime(["2024-01-31 23:59", None, "1969-12-01 00:00"]))
    >>> [str(p) for p in _month_periods(ts)]
    ['2024-01', 'NaT', '1969-12']
    """
    if isinstance(ts.dtype, np.dtype) and ts.dtype.kind == "M":
        ordinals = ts.to_numpy(dtype="datetime64[us]").astype("datetime64[M]").view("int64")
        periods = pd.arrays.PeriodArray(ordinals, dtype=pd.PeriodDtype("M"))
        return pd.Series(periods, index=ts.index, name=ts.name)
    return ts.dt.to_period("M")


def gap_months(
    incidents: pd.DataFrame, min_monthly: float = GAP_MIN_MONTHLY, end: Any = None
) -> list[pd.Period]:
    """The municipality's gap months: no record at all while the data average enough.

    With ``end`` (exclusive), the months after the last record up to ``end``
    are judged too, and a partial last month is not covered (see
    :func:`coverage_calendar`).

    Parameters
    ----------
    incidents : DataFrame
        All the incidents (a subset, such as one category, has its own
        ordinary zeros: give the whole data).
    min_monthly : float
        See :func:`gap_mask`.
    end : timestamp, optional
        See :func:`coverage_calendar`.

    Returns
    -------
    list of Period
        The gap months, in order (empty when the data have none).

    Examples
    --------
    >>> import pandas as pd
    >>> when = pd.date_range("2023-01-01", "2023-12-31", freq="D")
    >>> inc = pd.DataFrame({"occurred_from": when[(when.month < 2) | (when.month > 4)]})
    >>> [str(p) for p in gap_months(inc)]
    ['2023-02', '2023-03', '2023-04']
    """
    cal = coverage_calendar(incidents, min_monthly=min_monthly, end=end)
    return list(cal.loc[~cal["covered"], "month"])


def month_ranges(months: Iterable[pd.Period]) -> str:
    """Months written as runs, for a note: ``2023-02–2023-04, 2024-07``.

    Examples
    --------
    >>> import pandas as pd
    >>> month_ranges(pd.period_range("2023-02", "2023-04", freq="M").append(
    ...     pd.PeriodIndex(["2024-07"], freq="M")))
    '2023-02–2023-04, 2024-07'
    """
    ms = sorted({pd.Period(m, freq="M") for m in months})
    runs: list[list[pd.Period]] = []
    for m in ms:
        if runs and m == runs[-1][-1] + 1:
            runs[-1].append(m)
        else:
            runs.append([m])
    return ", ".join(str(r[0]) if len(r) == 1 else f"{r[0]}–{r[-1]}" for r in runs)


def overlaps_gap(months: Iterable[pd.Period], start: Any, end: Any) -> bool:
    """Whether any of the gap ``months`` overlaps the window ``[start, end)``.

    Examples
    --------
    >>> import pandas as pd
    >>> gaps = [pd.Period("2023-03", "M")]
    >>> overlaps_gap(gaps, "2023-01-15", "2023-03-02")
    True
    >>> overlaps_gap(gaps, "2023-04-01", "2024-04-01")
    False
    """
    s, e = pd.Timestamp(start), pd.Timestamp(end)
    for m in months:
        p = pd.Period(m, freq="M")
        if p.start_time < e and (p + 1).start_time > s:
            return True
    return False


def in_gaps(months: Iterable[Any], gaps: Iterable[pd.Period]) -> np.ndarray:
    """Which of ``months`` (any date within each month) are among the gap months ``gaps``.

    Examples
    --------
    >>> import pandas as pd
    >>> in_gaps(pd.date_range("2023-01-01", periods=4, freq="MS"), [pd.Period("2023-03", "M")])
    array([False, False,  True, False])
    """
    gap_set = {pd.Period(g, freq="M") for g in gaps}
    if not isinstance(months, (np.ndarray, pd.Index, pd.Series)):
        months = list(months)
    if not gap_set or not len(months):
        return np.zeros(len(months), dtype=bool)
    try:
        ordinals = pd.DatetimeIndex(months).to_period("M").asi8
    except (TypeError, ValueError):  # periods or mixed values: one at a time
        return np.array([pd.Period(m, freq="M") in gap_set for m in months], bool)
    return np.isin(ordinals, [g.ordinal for g in gap_set])
