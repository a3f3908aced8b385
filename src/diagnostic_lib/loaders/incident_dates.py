r"""The dates stage of the incidents loader: when each event occurred, and its shift.

An incident's time is a range ``[occurred_from, occurred_to)`` (``occurred_to``
is NaT when the time is known exactly):

1. the start is read from ``occurred_from`` (any usual date format, see
   :func:`~diagnostic_lib.loaders.parse_datetimes`), completed by a separate
   time column when there is one; a row without a readable start is rejected
   (``date_missing``, ``date_unparseable``);
2. a date known only to the day covers the shift given for it (8 hours), or
   else the whole day (24 hours); a date written to the month (``2024-05``,
   ``05/2024``) or the year (``2024``) covers that month or year, never its
   first day alone;
3. an end date completes the range (a date without a time means "until the
   end of that day"); a range whose end comes before its start is swapped
   (flagged ``date_range_inverted``);
4. events in the future (``date_future``: after "now" plus the
   ``future_tolerance_h`` tunable) or outside the study period
   (``date_outside_period``) are rejected;
5. the shift is the one given, else derived from the middle of the range when
   the range lies within one shift's length;
6. the time's precision (``time_precision``: exact, hour, shift, day, week,
   month, longer) is read from the range's width, so that the analyses of hours
   and weekdays can leave out the events whose time is not known well enough.

Examples
--------
>>> import pandas as pd
>>> from diagnostic_lib.ledger import Ledger
>>> from diagnostic_lib.loaders.context import _Ctx, _open
>>> raw = _open(pd.DataFrame({"d": ["2024-05-01", "2024-05-01 22:10"], "q": ["nuit", ""]}),
...             "incidents", None, None, None, None)
>>> ctx = _Ctx("incidents", raw, {"occurred_from": "d", "shift": "q"}, Ledger())
>>> times = _incident_dates(ctx, {}, now="2025-01-01", period=None)
>>> [str(t) for t in times.start], [str(t) for t in times.end], times.shift.tolist()
(['2024-05-01 00:00:00', '2024-05-01 22:10:00'], ['2024-05-01 08:00:00', 'NaT'], ['nuit', 'soir'])
"""

from __future__ import annotations

import re
from collections.abc import Mapping
from typing import Any, NamedTuple

import numpy as np
import pandas as pd
import pyarrow.compute as pc

from .. import schema, settings
from .._text import as_arrow, map_distinct
from .context import _Ctx
from .parsing import excel_serials, has_offset, parse_datetimes, parse_times, strict_iso
from .vocabulary import SHIFT_ALIASES, alias_codes

SHIFT_HOURS = 8
"""Length of a police shift (hours): a day-only date with a shift covers that shift."""

_HAS_TIME = r"\d[:hH]\d|T\d"  # a date text with a time part ("22:10", "22h10", "T22")


class _Times(NamedTuple):
    """When each row's event occurred: the range and the shift (``""`` when unknown)."""

    start: pd.Series
    end: pd.Series
    shift: np.ndarray
    precision: np.ndarray


def _incident_dates(
    ctx: _Ctx,
    opts: Mapping[str, Any],
    now: Any,
    period: tuple[Any, Any] | None,
    future_tolerance_h: float = 0.0,
) -> _Times:
    """The dates stage (see the module documentation).

    A start more than ``future_tolerance_h`` hours after ``now`` (default: the
    current time) is in the future. The stage is the two row-local parts
    :func:`_read_starts` and :func:`_finish_dates` around the file-level
    decisions of :func:`_start_decisions`, so that a long file can run the parts
    chunk by chunk (see :mod:`.incidents`).
    """
    starts = _read_starts(ctx, opts)
    starts = _start_decisions(ctx, opts, starts, starts.offsets)
    return _finish_dates(ctx, opts, starts, now, period, future_tolerance_h)


class _Starts(NamedTuple):
    """Each row's start as first read, before the file-level decisions.

    ``offsets`` counts the dates written with a UTC offset (noted once per file).
    """

    start: pd.Series
    day_only: np.ndarray
    period_end: pd.Series
    offsets: int


def _start_decisions(ctx: _Ctx, opts: Mapping[str, Any], starts: _Starts, offsets: int) -> _Starts:
    """The file-level part of the dates stage, on every row's start at once.

    The note on dates converted from a UTC offset (``offsets`` of the whole
    file), and the placeholder time of day (:func:`_placeholder_times`).
    """
    if offsets:
        zone = opts.get("timezone") or settings.default("timezone")
        ctx.note("loaders.note.offsets_converted", n=offsets, zone=zone)
    start, day_only = _placeholder_times(ctx, starts.start, starts.day_only)
    return _Starts(start, day_only, starts.period_end, offsets)


def _finish_dates(
    ctx: _Ctx,
    opts: Mapping[str, Any],
    starts: _Starts,
    now: Any,
    period: tuple[Any, Any] | None,
    future_tolerance_h: float = 0.0,
) -> _Times:
    """The row-local rest of the dates stage, after the file-level decisions."""
    start, day_only, period_end = _time_columns(ctx, *starts[:3])
    from_text = ctx.text("occurred_from")
    given = _given_shifts(ctx)
    has_given = given != ""
    start, end = _day_ranges(start, day_only, given)
    end = end.where(period_end.isna(), period_end)
    if ctx.has("occurred_to"):
        end = _end_times(ctx, end, opts.get("timezone"))
    start, end = _ordered(ctx, start, end)
    latest = pd.Timestamp.now() if now is None else pd.Timestamp(now)
    latest += pd.Timedelta(hours=future_tolerance_h)
    _reject_out_of_time(ctx, start, from_text, latest, period)
    derived = _derived_shifts(start, end, day_only & ~has_given)
    return _Times(start, end, np.where(has_given, given, derived), time_precision(start, end))


_MONTH_ONLY = re.compile(r"^(?:(\d{4})[-/.](\d{1,2})|(\d{1,2})[-/.](\d{4}))$")
_YEAR_ONLY = re.compile(r"^(\d{4})$")


def _month_and_year_ranges(from_text: pd.Series, start: pd.Series) -> tuple[pd.Series, pd.Series]:
    """Dates written to the month (``2024-05``, ``05/2024``) or the year (``2024``) only.

    They are read as ranges: from the first day of the month (year) to the first
    day of the next. Returns the start (changed only on those rows) and the end of
    those ranges (NaT elsewhere).
    """
    end = pd.Series(pd.NaT, index=start.index, dtype="datetime64[us]")
    # short texts only (Arrow counts characters as Python does), then their first character
    short = np.flatnonzero(np.asarray(pc.less_equal(pc.utf8_length(as_arrow(from_text)), 7)))
    texts = from_text.iloc[short].to_numpy(dtype=object)
    candidates = [(k, t) for k, t in zip(short, texts, strict=True) if t[:1].isdigit()]
    if not candidates:
        return start, end
    begin = start.copy()
    for k, text in candidates:
        m, y = _MONTH_ONLY.match(text), _YEAR_ONLY.match(text)
        if m:
            year = int(m.group(1) or m.group(4))
            month = int(m.group(2) or m.group(3))
            if not 1 <= month <= 12:
                continue
            first = pd.Timestamp(year=year, month=month, day=1)
            begin.iloc[k], end.iloc[k] = first, first + pd.offsets.MonthBegin(1)
        elif y and 1900 <= int(y.group(1)) <= 2100:
            first = pd.Timestamp(year=int(y.group(1)), month=1, day=1)
            begin.iloc[k], end.iloc[k] = first, first + pd.offsets.YearBegin(1)
    return begin, end


def time_precision(start: pd.Series, end: pd.Series) -> np.ndarray:
    """How precisely each event's time is known, from the width of its range.

    ``exact`` (no range), ``hour`` (up to an hour), ``shift`` (8 hours), ``day``,
    ``week``, ``month`` (31 days) or ``longer`` (see
    :data:`~diagnostic_lib.schema.TIME_PRECISIONS`).

    Examples
    --------
    >>> s = pd.Series(pd.to_datetime(["2024-05-01 10:00", "2024-05-01 00:00", "2024-05-01 00:00"]))
    >>> e = pd.Series(pd.to_datetime([None, "2024-05-02", "2024-06-01"]))
    >>> time_precision(s, e).tolist()
    ['exact', 'day', 'month']
    """
    width = (end - start).dt.total_seconds().to_numpy(dtype="float64", na_value=np.nan) / 3600
    limits = [1, 8, 24, 24 * 7, 24 * 31]
    names = np.array(schema.TIME_PRECISIONS[1:], dtype=object)
    idx = np.searchsorted(np.asarray(limits, dtype="float64"), width, side="left")
    out = names[np.minimum(idx, len(names) - 1)]
    out[np.isnan(width) | (width <= 0)] = "exact"  # one object, not one string per row
    return out


def _read_starts(ctx: _Ctx, opts: Mapping[str, Any]) -> _Starts:
    """Each event's start as written, whether it is known only to the day, and its month end.

    The end is that of the rows written to the month or the year only (NaT
    elsewhere). Row-local: the file-level decisions come after
    (:func:`_start_decisions`).
    """
    n = len(ctx.raw.frame)
    from_text = ctx.text("occurred_from")
    from_raw = ctx.col("occurred_from")
    # every date a plain ISO one (most exports): no serial, offset, month or year alone
    fast = None if pd.api.types.is_datetime64_any_dtype(from_raw) else strict_iso(from_text)
    if fast is not None:
        start, timed = fast
        is_serial = np.zeros(n, dtype=bool)
        period_end = pd.Series(pd.NaT, index=start.index, dtype="datetime64[us]")
        offsets = 0
    else:
        start = parse_datetimes(from_raw, timezone=opts.get("timezone"))
        serial, is_serial = excel_serials(from_raw)
        if is_serial.any():  # a spreadsheet cell that lost its date format
            start = start.where(~is_serial, serial)
            ctx.flag(is_serial, "occurred_from", "date_excel_serial", values=from_text)
        start, period_end = _month_and_year_ranges(from_text, start)
        offsets = int(has_offset(from_text).sum())
    ctx.reject((from_text == "").to_numpy(), "occurred_from", "date_missing")
    ctx.reject(start.isna().to_numpy(), "occurred_from", "date_unparseable", values=from_text)
    if opts.get("date_only"):
        day_only = np.ones(n, dtype=bool)
        start = start.dt.normalize()
    elif pd.api.types.is_datetime64_any_dtype(from_raw):
        day_only = np.zeros(n, dtype=bool)
    elif fast is not None:
        day_only = ~fast[1]
    else:
        day_only = ~from_text.str.contains(_HAS_TIME, regex=True).to_numpy()
        day_only[is_serial] = (serial[is_serial] == serial[is_serial].dt.normalize()).to_numpy()
    return _Starts(start, day_only, period_end, offsets)


def _time_columns(
    ctx: _Ctx, start: pd.Series, day_only: np.ndarray, period_end: pd.Series
) -> tuple[pd.Series, np.ndarray, pd.Series]:
    """Starts known to the day completed by a separate time column, where there is one."""
    if ctx.has("occurred_from_time"):
        td, bad_t = parse_times(ctx.col("occurred_from_time"))
        ctx.flag(
            bad_t, "occurred_from_time", "time_unparseable", values=ctx.text("occurred_from_time")
        )
        has_t = td.notna().to_numpy() & day_only
        start = start.where(~has_t, start.dt.normalize() + td.fillna(pd.Timedelta(0)))
        day_only = day_only & ~has_t
        # an hour alone ("22", "7h") is the hour from 22:00 to 23:00, not 22:00 exactly
        hour_only = has_t & ctx.text("occurred_from_time").str.fullmatch(_HOUR_ONLY).to_numpy()
        period_end = period_end.where(~hour_only, start + pd.Timedelta(hours=1))
    return start, day_only & period_end.isna().to_numpy(), period_end


_HOUR_ONLY = r"\s*\d{1,2}\s*[hH]?\s*"
"""A time of day written as its hour alone (``22``, ``7h``): known to the hour."""


MIN_PLACEHOLDER_ROWS: int = 10
"""Rows that must share one time of day before it is read as a placeholder (no time)."""


def _placeholder_times(
    ctx: _Ctx, start: pd.Series, day_only: np.ndarray
) -> tuple[pd.Series, np.ndarray]:
    """Read a time of day that every row shares as what it is: a placeholder, not a time.

    Exports often write a date-only field with a constant time: ``T00:00:00``, or
    local midnight in UTC (``T04:00:00Z`` in summer, ``T05:00:00Z`` in winter).
    When every timed row has the same local time of day — midnight beside a
    separate time or shift column, or any time over at least
    :data:`MIN_PLACEHOLDER_ROWS` rows — the rows are known to the day only, so
    that a time column or shift can complete them and no profile shows every
    crime at midnight. A note says so.
    """
    timed = ~day_only & ctx.alive & start.notna().to_numpy()
    if not timed.any():
        return start, day_only
    # the local time of day (after any UTC offset is converted): an export that writes
    # local midnight in UTC (04:00Z in summer, 05:00Z in winter) is midnight every day
    tod = (start - start.dt.normalize())[timed]
    if tod.nunique() != 1:
        return start, day_only
    only = tod.iloc[0]
    other_time = ctx.has("occurred_from_time") or ctx.has("shift")
    if not ((other_time and only == pd.Timedelta(0)) or int(timed.sum()) >= MIN_PLACEHOLDER_ROWS):
        return start, day_only
    start = start.where(~timed, start.dt.normalize())
    written = (
        f"{int(only.total_seconds() // 3600):02d}:{int(only.total_seconds() % 3600 // 60):02d}"
    )
    ctx.note("loaders.note.placeholder_time", time=written)
    return start, day_only | timed


def _given_shifts(ctx: _Ctx) -> np.ndarray:
    """The shift given in the file (``""`` where none or unknown, the latter flagged)."""
    if not ctx.has("shift"):
        return np.full(len(ctx.raw.frame), "", dtype=object)
    given = alias_codes(ctx.col("shift"), SHIFT_ALIASES)
    bad = given == "?"
    ctx.flag(bad, "shift", "shift_unknown", values=ctx.text("shift"))
    given[bad] = ""
    return given


def _day_ranges(
    start: pd.Series, day_only: np.ndarray, given: np.ndarray
) -> tuple[pd.Series, pd.Series]:
    """A date known only to the day: the range is the shift (when given) or the whole day."""
    end = pd.Series(pd.NaT, index=start.index, dtype="datetime64[us]")
    day_shift = day_only & (given != "")
    # the shifts' starting hours, looked up only where a day-only date has a shift
    shift_start_h = np.zeros(len(given), dtype="float64")
    if day_shift.any():
        shift_start_h[day_shift] = map_distinct(
            given[day_shift], lambda v: schema.SHIFT_START_HOURS.get(v, 0)
        ).astype("float64")
    start = start.where(~day_shift, start.dt.normalize() + pd.to_timedelta(shift_start_h, unit="h"))
    hours = np.where(day_shift, SHIFT_HOURS, 24)
    end = end.where(~day_only, start + pd.to_timedelta(hours, unit="h"))
    return start, end


def _end_times(ctx: _Ctx, end: pd.Series, zone: str | None = None) -> pd.Series:
    """The end of each range from ``occurred_to`` (and its time column), where readable."""
    to_text = ctx.text("occurred_to")
    to_raw = ctx.col("occurred_to")
    fast = None if pd.api.types.is_datetime64_any_dtype(to_raw) else strict_iso(to_text)
    to = fast[0] if fast is not None else parse_datetimes(to_raw, timezone=zone)
    present = (to_text != "").to_numpy()
    ctx.flag(
        present & to.isna().to_numpy(),
        "occurred_to",
        "date_unparseable",
        values=to_text,
        detail="end of range ignored",
    )
    if fast is not None:
        to_day_only = ~fast[1]
    else:
        to_day_only = ~to_text.str.contains(_HAS_TIME, regex=True).to_numpy()
    if ctx.has("occurred_to_time"):
        td2, bad2 = parse_times(ctx.col("occurred_to_time"))
        ctx.flag(
            bad2 & present,
            "occurred_to_time",
            "time_unparseable",
            values=ctx.text("occurred_to_time"),
        )
        has2 = td2.notna().to_numpy() & to_day_only
        to = to.where(~has2, to.dt.normalize() + td2.fillna(pd.Timedelta(0)))
        to_day_only &= ~has2
    # a date without time as the end of a range means "until the end of that day"
    to = to.where(~(to_day_only & to.notna().to_numpy()), to.dt.normalize() + pd.Timedelta(days=1))
    got = to.notna().to_numpy()
    return end.where(~got, to)


def _ordered(ctx: _Ctx, start: pd.Series, end: pd.Series) -> tuple[pd.Series, pd.Series]:
    """Swap inverted ranges (flagged); an end equal to the start becomes NaT."""
    inverted = (end < start).fillna(False).to_numpy()
    if inverted.any():  # the ends written as text for the flagged rows only
        ends = np.full(len(end), None, dtype=object)
        ends[inverted] = end[inverted].astype("str").to_numpy(dtype=object)
        ctx.flag(
            inverted,
            "occurred_to" if ctx.has("occurred_to") else "occurred_from",
            "date_range_inverted",
            values=ends,
        )
    s2 = start.where(~inverted, end)
    e2 = end.where(~inverted, start)
    return s2, e2.where(e2 != s2, pd.NaT)


def _reject_out_of_time(
    ctx: _Ctx,
    start: pd.Series,
    from_text: pd.Series,
    latest: pd.Timestamp,
    period: tuple[Any, Any] | None,
) -> None:
    """Reject events that start after ``latest`` or outside the study period (inclusive dates)."""
    ctx.reject(
        (start > latest).fillna(False).to_numpy(), "occurred_from", "date_future", values=from_text
    )
    if period is None:
        return
    p0 = pd.Timestamp(period[0]) if period[0] is not None else None
    p1 = pd.Timestamp(period[1]) + pd.Timedelta(days=1) if period[1] is not None else None
    out = np.zeros(len(start), dtype=bool)
    if p0 is not None:
        out |= (start < p0).fillna(False).to_numpy()
    if p1 is not None:
        out |= (start >= p1).fillna(False).to_numpy()
    ctx.reject(out, "occurred_from", "date_outside_period", values=from_text)


def _derived_shifts(start: pd.Series, end: pd.Series, whole_day: np.ndarray) -> np.ndarray:
    """The shift of the middle of each range that lies within one shift's length.

    ``whole_day`` marks the rows known only to the day with no shift given: they
    get no shift.
    """
    span = (end - start).fillna(pd.Timedelta(0))
    mid = start + span / 2
    derivable = (span <= pd.Timedelta(hours=SHIFT_HOURS)).to_numpy() & ~whole_day
    hours = mid.dt.hour.fillna(0).astype("int64").to_numpy()
    return np.where(derivable, schema.shift_from_hour(hours), "")
