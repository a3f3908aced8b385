"""The periods of an incident in the cube: its month, its day (when known) and its hour of week.

All from ``occurred_from`` (an incident belongs to the period of its start,
as in :mod:`~diagnostic_lib.inventory.volume`), with the width of the range
``occurred_to - occurred_from`` deciding whether the day and the hour are
known (see :mod:`.definition`). Arrays in, arrays out (``datetime64[us]``,
``NaT`` allowed); the DuckDB builder writes the same rules in SQL.

Examples
--------
>>> start = np.array(["2024-05-03T22:30", "2024-05-10T00:00"], dtype="datetime64[us]")
>>> end = np.array(["NaT", "2024-06-01T00:00"], dtype="datetime64[us]")
>>> month_of(start).astype("datetime64[D]").astype(str).tolist()
['2024-05-01', '2024-05-01']
>>> day_of(start, end).astype(str).tolist()
['2024-05-03T00:00:00.000000', 'NaT']
>>> hour_of_week(start).tolist(), known_within(start, end, 1).tolist()
([118, 96], [True, False])
"""

from __future__ import annotations

import numpy as np

from .definition import DAY_HOURS

_HOUR_US = 3_600_000_000
_NAT = np.iinfo("int64").min


def _us(a: np.ndarray) -> np.ndarray:
    return np.asarray(a).astype("datetime64[us]")


def month_of(start: np.ndarray) -> np.ndarray:
    """First day of the month of each start (``datetime64[us]``; NaT stays NaT).

    Examples
    --------
    >>> month_of(np.array(["2024-02-29T23:59"], dtype="datetime64[us]")).astype(str).tolist()
    ['2024-02-01T00:00:00.000000']
    """
    return _us(start).astype("datetime64[M]").astype("datetime64[us]")


def known_within(start: np.ndarray, end: np.ndarray, hours: float) -> np.ndarray:
    """Whether each time is known within ``hours``: no end, or a range of at most ``hours``.

    An incident without a start is known within no time (``False``).

    Examples
    --------
    >>> s = np.array(["2024-01-01T10:00"] * 2, dtype="datetime64[us]")
    >>> e = np.array(["2024-01-01T11:00", "2024-01-01T11:01"], dtype="datetime64[us]")
    >>> known_within(s, e, 1).tolist()
    [True, False]
    """
    s = _us(start).view("int64")
    e = _us(end).view("int64")
    no_end = e == _NAT
    has = s != _NAT
    width = np.zeros(len(s), dtype="int64")
    both = has & ~no_end
    width[both] = e[both] - s[both]
    return has & (no_end | (width <= int(hours * _HOUR_US)))


def day_of(start: np.ndarray, end: np.ndarray) -> np.ndarray:
    """Midnight of the day of each start when the day is known (range ≤ 24 h), else NaT.

    Examples
    --------
    >>> s = np.array(["2024-01-01T22:00"], dtype="datetime64[us]")
    >>> e = np.array(["2024-01-02T06:00"], dtype="datetime64[us]")
    >>> day_of(s, e).astype("datetime64[D]").astype(str).tolist()
    ['2024-01-01']
    """
    day = _us(start).astype("datetime64[D]").astype("datetime64[us]")
    return np.where(known_within(start, end, DAY_HOURS), day, np.datetime64("NaT", "us"))


def hour_of_week(start: np.ndarray) -> np.ndarray:
    """Hour of the week of each start (0 = Monday 00:00 … 167), -1 for NaT.

    Examples
    --------
    >>> hour_of_week(np.array(["2024-01-01T00:30", "NaT"], dtype="datetime64[us]")).tolist()
    [0, -1]
    """
    s = _us(start).view("int64")
    hours = s // _HOUR_US
    weekday = ((hours // 24) + 3) % 7  # 1970-01-01 was a Thursday
    out = weekday * 24 + hours % 24
    return np.where(s == _NAT, -1, out).astype("int64")
