"""Reading values as they are written in exports: dates, times of day and numbers.

Every parser is vectorised and reads each distinct text once (exports repeat
the same dates and codes many times). A value that is present but cannot be
read is reported through a mask, so that the loader can record it in the
ledger; it is never silently turned into a number or a date.

Examples
--------
>>> import pandas as pd
>>> parse_floats(pd.Series(["1,5", "x"]))[1].tolist()
[False, True]
"""

from __future__ import annotations

import re

import numpy as np
import pandas as pd

from .. import settings
from .._text import arrow_text, as_arrow, as_text, factorize

_DATE_FORMATS = (
    "ISO8601",
    "%d/%m/%Y %H:%M:%S",
    "%d/%m/%Y %H:%M",
    "%d/%m/%Y",
    "%d-%m-%Y %H:%M",
    "%d-%m-%Y",
    "%Y/%m/%d %H:%M:%S",
    "%Y/%m/%d %H:%M",
    "%Y/%m/%d",
    "%d.%m.%Y",
)


_OFFSET_RE = re.compile(r"\d{1,2}:\d{2}(?::\d{2}(?:[.,]\d+)?)?\s*(?:[Zz]|[+-]\d{2}(?::?\d{2})?)$")
"""A time of day followed by a UTC offset (``Z``, ``-05:00``, ``+0100``, ``-04``)."""

_SERIAL_RE = re.compile(r"^\d{5}(?:[.,]\d+)?$")
EXCEL_SERIAL_RANGE = (20000, 80000)
"""Whole days since 1899-12-30 read as Excel serial dates (1954-10-03 to 2119-01-10)."""


def _to_datetime(values: pd.Series, fmt: str) -> pd.Series:
    """``pd.to_datetime`` with one format, NaT where impossible, value by value if it must."""
    try:
        got = pd.to_datetime(values, format=fmt, errors="coerce")
    except (ValueError, TypeError, OverflowError):  # mixed forms the vectorised reader refuses
        got = pd.Series(
            [pd.to_datetime(v, format=fmt, errors="coerce") for v in values],
            index=values.index,
            dtype="datetime64[us]",
        )
    return got.astype("datetime64[us]")


def parse_datetimes(
    values: pd.Series,
    formats: tuple[str, ...] = _DATE_FORMATS,
    timezone: str | None = None,
) -> pd.Series:
    """Parse dates written in any of the usual ways; NaT where impossible.

    ISO dates (``2024-05-01``, ``2024-05-01 22:10``, ``2024-05-01T22:10:00``)
    come first; dates with slashes are read **day first** (``01/05/2024`` is
    1 May), as in Québec. Each distinct text is parsed once, and a text that
    cannot be read costs only its own rows.

    A date with a UTC offset (``2024-05-02T14:00:00Z``, ``…-04:00``) is the
    same instant in ``timezone``, as a local time without offset; dates
    without an offset are taken to be local already (see :func:`has_offset`).

    Parameters
    ----------
    values : pandas.Series
        Text (or datetimes, returned as they are, converted when they carry a zone).
    formats : tuple of str
        ``strftime`` formats tried in order after ISO 8601.
    timezone : str, optional
        The diagnosis's time zone (default: the ``timezone`` tunable of
        :mod:`diagnostic_lib.settings`, ``America/Toronto``).

    Returns
    -------
    pandas.Series of datetime64, aligned with ``values``.

    Examples
    --------
    >>> parse_datetimes(pd.Series(["2024-05-01 22:10", "01/05/2024", "31/02/2024", ""])).tolist()
    [Timestamp('2024-05-01 22:10:00'), Timestamp('2024-05-01 00:00:00'), NaT, NaT]
    >>> got = parse_datetimes(pd.Series(["2024-05-02T14:00:00Z", "2024-01-02 09:00-05:00",
    ...                                  "2024-05-02 10:00"]))
    >>> got.dt.strftime("%Y-%m-%d %H:%M").tolist()
    ['2024-05-02 10:00', '2024-01-02 09:00', '2024-05-02 10:00']
    """
    zone = timezone or settings.default("timezone")
    if pd.api.types.is_datetime64_any_dtype(values):
        if getattr(values.dt, "tz", None) is not None:
            values = values.dt.tz_convert(zone).dt.tz_localize(None)
        return values.astype("datetime64[us]")
    text = as_text(values)
    fast = strict_iso(text)
    if fast is not None:
        return pd.Series(fast[0].to_numpy(), index=values.index, dtype="datetime64[us]")
    return _distinct_datetimes(text, formats, zone)


def _distinct_datetimes(text: pd.Series, formats: tuple[str, ...], zone: str) -> pd.Series:
    """The general path of :func:`parse_datetimes`: each distinct text, format after format."""
    codes, uniq_values = factorize(text)
    uniq = pd.Series(uniq_values, dtype="str")
    parsed = pd.Series(pd.NaT, index=uniq.index, dtype="datetime64[us]")
    todo = (uniq != "").to_numpy().copy()
    aware = has_offset(uniq).to_numpy() & todo
    if aware.any():
        got = pd.to_datetime(uniq[aware], format="ISO8601", utc=True, errors="coerce")
        parsed[aware] = got.dt.tz_convert(zone).dt.tz_localize(None).astype("datetime64[us]")
        todo &= ~aware
    for fmt in formats:
        if not todo.any():
            break
        parsed[todo] = _to_datetime(uniq[todo], fmt)
        todo &= parsed.isna().to_numpy()
    return pd.Series(parsed.to_numpy()[codes], index=text.index, dtype="datetime64[us]")


_STRICT_ISO = r"^\d{4}-\d{2}-\d{2}(?: \d{2}:\d{2}(?::\d{2})?)?$"
"""``YYYY-MM-DD``, ``YYYY-MM-DD HH:MM`` or ``YYYY-MM-DD HH:MM:SS``: no zone, no ``T``."""


def strict_iso(text: pd.Series) -> tuple[pd.Series, np.ndarray] | None:
    """Fast path of :func:`parse_datetimes`: every non-empty text a plain ISO date.

    When every non-empty text (as :func:`~diagnostic_lib._text.as_text` gives it)
    is ``YYYY-MM-DD``, ``YYYY-MM-DD HH:MM`` or ``YYYY-MM-DD HH:MM:SS`` and a real
    date and time, Arrow reads the column at once (no distinct values, no format
    tried after another). Those texts have no UTC offset and are not serials, so
    the answer is the general path's. Anything else (another form, an impossible
    date such as 31 February, an empty column) returns ``None``: the general path
    then reads the column.

    Returns
    -------
    (pandas.Series of datetime64, numpy.ndarray of bool) or None
        The datetimes (NaT where the text is empty), aligned with ``text``, and
        whether each text has a time of day.

    Examples
    --------
    >>> got, timed = strict_iso(pd.Series(["2024-05-01 22:10", "", "2024-02-29"]))
    >>> got.dt.strftime("%d/%m %H:%M").tolist(), timed.tolist()
    (['01/05 22:10', nan, '29/02 00:00'], [True, False, False])
    >>> strict_iso(pd.Series(["2024-02-31"])) is None, strict_iso(pd.Series(["01/05/2024"])) is None
    (True, True)
    """
    import pyarrow as pa
    import pyarrow.compute as pc

    if not len(text):
        return None
    arr = as_arrow(text)
    empty = pc.equal(arr, "")
    if not pc.all(pc.or_(empty, pc.match_substring_regex(arr, _STRICT_ISO))).as_py():
        return None
    try:
        got = pc.cast(pc.if_else(empty, pa.scalar(None, arr.type), arr), pa.timestamp("us"))
    except (pa.ArrowInvalid, pa.ArrowNotImplementedError):  # an impossible date or time
        return None
    dates = pd.Series(got.to_numpy(zero_copy_only=False), index=text.index)
    timed = np.asarray(pc.greater(pc.utf8_length(arr), 10), dtype=bool)
    return dates.astype("datetime64[us]"), timed


def _matches(values: pd.Series, pattern: str) -> np.ndarray:
    """Whether each text (trimmed) matches ``pattern`` (RE2), in Arrow's vectorised engine."""
    import pyarrow.compute as pc

    arr = arrow_text(values)  # stripped already
    return np.asarray(pc.match_substring_regex(arr, pattern).fill_null(False), dtype=bool)


def has_offset(values: pd.Series) -> pd.Series:
    """Whether each text is a date and time with a UTC offset (``Z``, ``-05:00``…).

    Examples
    --------
    >>> has_offset(pd.Series(["2024-05-02T14:00:00Z", "2024-05-02 10:00", "2024-05-01"])).tolist()
    [True, False, False]
    """
    return pd.Series(_matches(values, _OFFSET_RE.pattern), index=values.index)


def excel_serials(values: pd.Series) -> tuple[pd.Series, np.ndarray]:
    """Excel serial dates (``45292`` is 2024-01-01) among texts or numbers.

    A spreadsheet cell that lost its date format shows the day count since
    1899-12-30 (fractions are the time of day). Only values within
    :data:`EXCEL_SERIAL_RANGE` count, so that ids and years are not taken for dates.

    Returns
    -------
    (pandas.Series of datetime64, ndarray of bool)
        The dates (NaT elsewhere) and which values were serials.

    Examples
    --------
    >>> d, m = excel_serials(pd.Series(["45292", "45292.5", "2024-01-01", "12"]))
    >>> d.dt.strftime("%Y-%m-%d %H:%M").tolist()[:2], m.tolist()
    (['2024-01-01 00:00', '2024-01-01 12:00'], [True, True, False, False])
    """
    cand = _matches(values, _SERIAL_RE.pattern)
    out = pd.Series(pd.NaT, index=values.index, dtype="datetime64[us]")
    if not cand.any():
        return out, cand
    text = as_text(values[cand]).str.strip().str.replace(",", ".", regex=False)
    days = pd.Series(np.nan, index=values.index)
    days[cand] = pd.to_numeric(text, errors="coerce").to_numpy()
    lo, hi = EXCEL_SERIAL_RANGE
    mask = days.between(lo, hi).to_numpy()
    if mask.any():
        origin = pd.Timestamp("1899-12-30")
        delta = pd.to_timedelta(days[mask].to_numpy() * 86400.0, unit="s").round("s")
        out[mask] = (origin + delta).astype("datetime64[us]")
    return out, mask


_TIME_RE = re.compile(r"^\s*(\d{1,2})\s*(?:[:hH]\s*(\d{2})?)?(?::(\d{2}))?\s*$")
_TIME_COMPACT_RE = re.compile(r"^\s*(\d{2})(\d{2})\s*$")


def parse_times(values: pd.Series) -> tuple[pd.Series, np.ndarray]:
    """Parse times of day (``22:15``, ``22h15``, ``2215``, ``22:15:00``, ``7``).

    Returns
    -------
    (pandas.Series of timedelta64, numpy.ndarray of bool)
        The time since midnight (NaT when missing or unreadable) and a mask of
        values that were present but unreadable.

    Examples
    --------
    >>> td, bad = parse_times(pd.Series(["22:15", "7h", "2215", "", "25:00"]))
    >>> [str(x) for x in td]
    ['0 days 22:15:00', '0 days 07:00:00', '0 days 22:15:00', 'NaT', 'NaT']
    >>> bad.tolist()
    [False, False, False, False, True]
    """
    text = as_text(values)
    uniq = pd.unique(text.to_numpy())
    out: dict[str, pd.Timedelta] = {}
    for u in uniq:
        if u == "":
            continue
        m = _TIME_RE.match(u) or _TIME_COMPACT_RE.match(u)
        if m is None:
            # a full timestamp in a time column (Excel) keeps its time part
            ts = parse_datetimes(pd.Series([u])).iloc[0]
            if pd.notna(ts):
                out[u] = ts - ts.normalize()
            continue
        h = int(m.group(1))
        mi = int(m.group(2) or 0)
        s = int(m.group(3) or 0) if m.lastindex and m.lastindex >= 3 else 0
        if h < 24 and mi < 60 and s < 60:
            out[u] = pd.Timedelta(hours=h, minutes=mi, seconds=s)
    td = text.map(out).astype("timedelta64[us]")
    bad = ((text != "") & td.isna()).to_numpy()
    return td, bad


def parse_floats(values: pd.Series) -> tuple[np.ndarray, np.ndarray]:
    """Parse numbers written with a decimal point or a decimal comma.

    Spaces (also non-breaking) used as thousands separators are removed.

    Returns
    -------
    (numpy.ndarray of float, numpy.ndarray of bool)
        Values (NaN when missing or unreadable) and a mask of values that were
        present but unreadable.

    Examples
    --------
    >>> v, bad = parse_floats(pd.Series(["300000,5", "1 234.5", "", "abc", "-73.5"]))
    >>> v.tolist()[:2], bad.tolist()
    ([300000.5, 1234.5], [False, False, False, True, False])
    """
    if pd.api.types.is_numeric_dtype(values) and not pd.api.types.is_bool_dtype(values):
        arr = values.to_numpy(dtype="float64", na_value=np.nan)
        return arr, np.zeros(len(arr), dtype=bool)
    text = as_text(values)
    arr = _plain_decimals(text)
    if arr is not None:
        return arr, np.zeros(len(arr), dtype=bool)
    cleaned = text
    for ch in (" ", "\u00a0", "\u202f", "\t"):
        cleaned = cleaned.str.replace(ch, "", regex=False)
    cleaned = cleaned.str.replace(",", ".", regex=False)
    num = pd.to_numeric(cleaned, errors="coerce")
    arr = num.to_numpy(dtype="float64", na_value=np.nan)
    bad = (text != "").to_numpy() & ~np.isfinite(arr)
    arr = np.where(np.isfinite(arr), arr, np.nan)
    return arr, bad


_THOUSANDS = r"^[+]?\d{1,3}(?:(?P<sep>[.,'])\d{3})(?:(?P=sep)\d{3})*$"
"""A whole number written with one kind of thousands separator: ``1,200``, ``1.200``."""


def parse_counts(values: pd.Series) -> tuple[np.ndarray, np.ndarray]:
    """Parse counts (e.g. residents) written with thousands separators in either language.

    ``1,200``, ``1 200``, ``1 200`` (non-breaking or narrow space), ``1.200`` and
    ``1'200`` are all 1,200: a count of people has no fractional part, so a comma
    or a point followed by groups of exactly three digits separates thousands.
    Anything else is read as :func:`parse_floats` reads it (``1200,0`` is 1,200).

    Returns
    -------
    (numpy.ndarray of float, numpy.ndarray of bool)
        Values (NaN when missing or unreadable) and a mask of values that were
        present but unreadable.

    Examples
    --------
    >>> v, bad = parse_counts(pd.Series(["1,200", "1 200", "1\u00a0200", "1.200", "12,5", "x"]))
    >>> v.tolist()[:5], bad.tolist()[-1]
    ([1200.0, 1200.0, 1200.0, 1200.0, 12.5], True)
    """
    if pd.api.types.is_numeric_dtype(values) and not pd.api.types.is_bool_dtype(values):
        return parse_floats(values)
    text = as_text(values)
    for ch in (" ", "\u00a0", "\u202f", "\t"):
        text = text.str.replace(ch, "", regex=False)
    grouped = text.str.match(_THOUSANDS)
    text = text.where(~grouped, text.str.replace(r"[.,']", "", regex=True))
    return parse_floats(text)


def _plain_decimals(text: pd.Series) -> np.ndarray | None:
    """Fast path of :func:`parse_floats`: every value empty or a short plain decimal.

    When every non-empty value is a plain decimal (``-73.5``, ``300000,5``) of at
    most 15 characters, Arrow converts the column at once; at most 15 digits, any
    correct reader gives the same double (the integer of the digits is exact and
    one division by a power of ten is correctly rounded), so the result is that of
    the general path. Anything else returns ``None``: the general path then reads
    the column.
    """
    try:
        import pyarrow as pa
        import pyarrow.compute as pc

        arr = pc.replace_substring(as_arrow(text), ",", ".")
        empty = pc.equal(arr, "")
        plain = pc.match_substring_regex(arr, r"^[+-]?([0-9]+(\.[0-9]*)?|\.[0-9]+)$")
        short = pc.less_equal(pc.utf8_length(arr), 15)
        ok = pc.or_(empty, pc.and_(plain, short))
        if not pc.all(ok).as_py():
            return None
        nums = pc.cast(pc.if_else(empty, pa.scalar(None, arr.type), arr), pa.float64())
        return np.asarray(nums.to_numpy(), dtype="float64")
    except Exception:  # pragma: no cover - any surprise: the general path
        return None
