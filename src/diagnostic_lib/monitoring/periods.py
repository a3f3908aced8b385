"""The counts of a monitoring bulletin: one column per month or quarter, one row per group.

:func:`period_table` counts the incidents per group and period (every group ×
period, zeros included); :func:`latest_complete` finds the latest period the
data cover whole; :func:`parse_period` reads ``2017Q4`` or ``2017-12``;
:func:`covered_periods` says which periods hold data (not a gap of the
coverage calendar, not before the data start).
"""

from __future__ import annotations

from collections.abc import Sequence
from typing import Any

import numpy as np
import pandas as pd

from .. import coverage

FREQ: dict[str, str] = {"month": "M", "quarter": "Q"}
"""Period kind → pandas frequency."""
PER_YEAR: dict[str, int] = {"month": 12, "quarter": 4}
"""Period kind → periods in a year (the lag of the year-over-year comparison)."""


def _freq(period: str) -> str:
    if period not in FREQ:
        raise ValueError(f"period must be one of {sorted(FREQ)}, not {period!r}")
    return FREQ[period]


def parse_period(value: Any, period: str) -> pd.Period:
    """A period of the given kind from ``2017Q4``, ``2017-12`` or a date.

    A date (or a month given for quarters) is the period that holds it.

    Examples
    --------
    >>> str(parse_period("2017Q4", "quarter")), str(parse_period("2017-12", "month"))
    ('2017Q4', '2017-12')
    >>> str(parse_period("2017-11", "quarter"))
    '2017Q4'
    >>> parse_period("autumn", "month")
    Traceback (most recent call last):
    ...
    ValueError: not a period: 'autumn' (write 2017Q4 or 2017-12)
    """
    freq = _freq(period)
    if isinstance(value, pd.Period):
        return value.asfreq(freq) if value.freqstr[0] != freq else value
    text = str(value).strip()
    try:
        if "Q" in text.upper():
            return pd.Period(text.upper(), freq="Q").asfreq(freq, how="end")
        return pd.Timestamp(text).to_period(freq)
    except (ValueError, TypeError):
        raise ValueError(f"not a period: {value!r} (write 2017Q4 or 2017-12)") from None


def latest_complete(occurred: pd.Series, period: str, end: Any = None) -> pd.Period:
    """The latest period the data cover whole.

    A period is complete when the data reach its last day: the last incident
    falls on it or later (or, with ``end``, the exclusive end of the data
    period is after it).

    Examples
    --------
    >>> t = pd.Series(pd.to_datetime(["2017-01-05 10:00", "2017-12-31 21:00"]))
    >>> str(latest_complete(t, "month")), str(latest_complete(t, "quarter"))
    ('2017-12', '2017Q4')
    >>> t = pd.Series(pd.to_datetime(["2017-01-05", "2018-03-28"]))
    >>> str(latest_complete(t, "month")), str(latest_complete(t, "quarter"))
    ('2018-02', '2017Q4')
    """
    freq = _freq(period)
    if end is not None:
        last_day = (pd.Timestamp(end) - pd.Timedelta(days=1)).normalize()
    else:
        last_day = pd.to_datetime(pd.Series(occurred)).max().normalize()
    if pd.isna(last_day):
        raise ValueError("no dated incident: no period to monitor")
    p = last_day.to_period(freq)
    return p if last_day >= p.end_time.normalize() else p - 1


def period_table(
    incidents: pd.DataFrame,
    period: str = "month",
    by: Sequence[str] = ("sector", "family"),
    start: Any = None,
    end: Any = None,
) -> pd.DataFrame:
    """Incidents per group and period: rows the groups, columns the periods (zeros kept).

    Incidents with a missing group value (e.g. outside every sector) are left
    out of the table; count them with ``by=()`` for the municipal total.

    Parameters
    ----------
    incidents : DataFrame
        With ``occurred_from`` and the ``by`` columns.
    period : {"month", "quarter"}
    by : sequence of str
        The group columns (empty: one row, the whole municipality, named ``"*"``).
    start, end : Period or str, optional
        First and last period (default: those of the data).

    Returns
    -------
    DataFrame
        Integer counts; index the groups, columns a ``PeriodIndex``.

    Examples
    --------
    >>> inc = pd.DataFrame({"occurred_from": pd.to_datetime(["2017-01-03", "2017-03-09",
    ...                     "2017-03-10"]), "family": ["violent", "violent", "property"]})
    >>> period_table(inc, "month", ("family",)).values.tolist()
    [[0, 0, 1], [1, 0, 1]]
    """
    freq = _freq(period)
    per = pd.to_datetime(incidents["occurred_from"]).dt.to_period(freq)
    first = parse_period(start, period) if start is not None else per.min()
    last = parse_period(end, period) if end is not None else per.max()
    columns = pd.period_range(first, last, freq=freq)
    keys = list(by)
    frame = incidents[keys].copy() if keys else pd.DataFrame(index=incidents.index)
    if not keys:
        frame["group"] = "*"
        keys = ["group"]
    frame["_period"] = per
    frame = frame[per.notna().to_numpy() & frame[keys].notna().all(axis=1).to_numpy()]
    frame = frame[(frame["_period"] >= first) & (frame["_period"] <= last)]
    table = frame.groupby([*keys, "_period"], observed=True).size().unstack("_period")
    table = table.reindex(columns=columns, fill_value=0).fillna(0).astype("int64")
    table.columns.name = None
    return table


def covered_periods(incidents: pd.DataFrame, columns: pd.PeriodIndex) -> np.ndarray:
    """Which periods hold data: within the data's months and not a gap month.

    A gap month of the coverage calendar
    (:func:`~diagnostic_lib.coverage.gap_months`) is no data, not zero; a
    quarter holding one is not covered, nor a period before the first
    incident's month.

    Examples
    --------
    >>> when = pd.date_range("2023-01-01", "2023-12-31", freq="D")
    >>> inc = pd.DataFrame({"occurred_from": when[(when.month < 2) | (when.month > 4)]})
    >>> cols = pd.period_range("2022Q4", "2023Q4", freq="Q")
    >>> covered_periods(inc, cols).tolist()
    [False, False, False, True, True]
    """
    occurred = pd.to_datetime(incidents["occurred_from"]).dropna()
    if not len(occurred):
        return np.zeros(len(columns), dtype=bool)
    gaps = coverage.gap_months(pd.DataFrame({"occurred_from": occurred}))
    first = occurred.min().to_period("M")
    out = []
    for p in columns:
        start, stop = p.start_time, p.end_time
        out.append(start.to_period("M") >= first and not coverage.overlaps_gap(gaps, start, stop))
    return np.asarray(out, dtype=bool)
