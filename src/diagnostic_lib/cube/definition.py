"""The count cube's definition: its two sparse tables, their keys and their types.

A :class:`Cube` holds two long tables of counts, with only the combinations
that occur (a sparse cube):

``counts``
    One row per (``cell``, ``sector``, ``category``, ``family``, ``shift``,
    ``month``, ``day``) with ``count`` (int64) incidents.

    - ``cell``: position of the incident's grid cell in the grid (the row of
      :func:`~diagnostic_lib.inventory.grid.make_grid`'s table), or
      :data:`NO_POSITION` (-1) for an incident without a point, or
      :data:`OUTSIDE` (-2) for a point outside the (clipped) grid.
    - ``sector``, ``category``, ``family``, ``shift``: the canonical
      incidents' values; missing values stay missing, they are
      never dropped (an incident without a sector counts in the
      municipality's totals, as in :mod:`~diagnostic_lib.inventory.volume`).
      They are held as pandas categoricals (:data:`TEXT`): at day resolution
      the table has almost a row per incident, and a code of one or two bytes
      per row holds in a tenth of the room of the text (at 5M incidents,
      the cube went from 619 to 235 MB). :func:`~.rollup.rollup` gives
      them back as text.
    - ``month``: the first day of the month of ``occurred_from`` (an incident
      belongs to the period of its ``occurred_from``, as in every count of the
      library; a range is **not** spread over the months it covers).
    - ``day``: the date of ``occurred_from`` when the time is known within a
      day (no ``occurred_to``, or a range of 24 hours or less), else ``NaT``:
      a date known only to the week or the month gives no day. Summing over
      ``day`` (``NaT`` included) gives the month's count.
``hours``
    The hour-of-week marginal: one row per (``sector``, ``category``,
    ``family``, ``shift``, ``how``) with ``count`` (all incidents, by the hour
    of the week of ``occurred_from``: ``how = weekday × 24 + hour``, Monday 0)
    and ``count_hour`` (those whose time is known within the hour: no range,
    or a range of one hour or less). The aoristic spreading of ranges over
    hours (:func:`~diagnostic_lib.inventory.timing.aoristic`) needs the ranges
    themselves and stays a point analysis.

Every count is an integer, so the cube is additive and the three builders
(:func:`~diagnostic_lib.cube.build`, :func:`~diagnostic_lib.cube.build_duckdb`,
:func:`~diagnostic_lib.cube.build_dask`) give identical tables, whatever the
order in which partial counts are summed.

Examples
--------
>>> KEYS
('cell', 'sector', 'category', 'family', 'shift', 'month', 'day')
>>> empty().counts.columns.tolist()[-1]
'count'
"""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any

import numpy as np
import pandas as pd

NO_POSITION: int = -1
"""``cell`` of an incident without a point (unlocated)."""

OUTSIDE: int = -2
"""``cell`` of an incident whose point lies outside the grid (or in a cell clipped away)."""

LABELS: tuple[str, ...] = ("sector", "category", "family", "shift")
"""The text keys of both tables (missing values kept as ``None``)."""

KEYS: tuple[str, ...] = ("cell", *LABELS, "month", "day")
"""The keys of :attr:`Cube.counts`."""

TEXT = pd.StringDtype(na_value=np.nan)
"""The type of the text keys' categories, and of the text :func:`~.rollup.rollup` returns."""

HOUR_KEYS: tuple[str, ...] = (*LABELS, "how")
"""The keys of :attr:`Cube.hours` (``how``: hour of the week, 0 = Monday 00:00)."""

HOUR_COUNTS: tuple[str, ...] = ("count", "count_hour")
"""The count columns of :attr:`Cube.hours`."""

DAY_HOURS: int = 24
"""Widest range (hours) whose day is known: a range of one day or less."""

HOUR_RANGE: int = 1
"""Widest range (hours) whose hour is known."""


@dataclass(frozen=True)
class Cube:
    """An additive count cube: incidents by cell, sector, category and period.

    Attributes
    ----------
    counts : DataFrame
        The sparse cube (see the module's docstring): :data:`KEYS` and ``count``.
    hours : DataFrame
        The hour-of-week marginal: :data:`HOUR_KEYS`, ``count`` and ``count_hour``.
    grid : dict
        The grid's origin, cell size and shape (``x0, y0, cell_size, nrow,
        ncol``) and ``cells`` (its number of cells): ``cell`` refers to it.
    """

    counts: pd.DataFrame
    hours: pd.DataFrame
    grid: dict[str, Any] = field(default_factory=dict)

    @property
    def total(self) -> int:
        """Number of incidents in the cube.

        Examples
        --------
        >>> empty().total
        0
        """
        return int(self.counts["count"].sum())

    def equals(self, other: Cube) -> bool:
        """Whether two cubes hold the same counts (same rows, same types, same grid).

        Text keys compare by their values: a category no row uses (left by
        :func:`~.rollup.select`) makes no difference.

        Examples
        --------
        >>> empty().equals(empty())
        True
        """
        return (
            self.grid == other.grid
            and _used(self.counts).equals(_used(other.counts))
            and _used(self.hours).equals(_used(other.hours))
        )


def _used(df: pd.DataFrame) -> pd.DataFrame:
    """``df`` with its text keys' unused categories removed (the codes are remapped).

    A key whose categories are all used is left as it is (counted, not sorted).
    """
    cats = [k for k in LABELS if k in df.columns and isinstance(df[k].dtype, pd.CategoricalDtype)]
    unused = [k for k in cats if _has_unused(df[k])]
    return df.assign(**{k: df[k].cat.remove_unused_categories() for k in unused})


def _has_unused(col: pd.Series) -> bool:
    """Whether a categorical column has a category no row holds."""
    n = len(col.cat.categories)
    codes = np.asarray(col.cat.codes, dtype="int64")
    return bool((np.bincount(codes[codes >= 0], minlength=n) == 0).any())


def canonical_counts(df: pd.DataFrame) -> pd.DataFrame:
    """The counts table in its one canonical form: types, key order, sorted rows.

    Every builder ends here, so that cubes built by different engines compare
    with :meth:`Cube.equals`. Rows with the same keys are summed.

    Examples
    --------
    >>> df = pd.DataFrame({"cell": [3, 3], "sector": ["A", "A"], "category": "x",
    ...     "family": "property", "shift": None, "month": pd.Timestamp("2024-01-01"),
    ...     "day": pd.NaT, "count": [1, 2]})
    >>> canonical_counts(df)["count"].tolist()
    [3]
    """
    return _canonical(df, KEYS, ("count",), ("month", "day"), ("cell",))


def canonical_hours(df: pd.DataFrame) -> pd.DataFrame:
    """The hour-of-week table in its canonical form (see :func:`canonical_counts`).

    Examples
    --------
    >>> df = pd.DataFrame({"sector": ["A"], "category": "x", "family": "property",
    ...     "shift": "jour", "how": [9], "count": [2], "count_hour": [1]})
    >>> canonical_hours(df)[["how", "count", "count_hour"]].values.tolist()
    [[9, 2, 1]]
    """
    return _canonical(df, HOUR_KEYS, HOUR_COUNTS, (), ("how",))


def _canonical(
    df: pd.DataFrame,
    keys: tuple[str, ...],
    values: tuple[str, ...],
    dates: tuple[str, ...],
    ints: tuple[str, ...],
) -> pd.DataFrame:
    n = len(df)
    if not n:
        out = pd.DataFrame(index=pd.RangeIndex(0))
        for k in keys:
            col = df[k] if k in df.columns else pd.Series([], dtype=object)
            if k in dates:
                out[k] = pd.to_datetime(col.to_numpy()).astype("datetime64[us]")
            elif k in ints:
                out[k] = np.asarray(col, dtype="int64")
            else:
                out[k] = pd.Categorical([], dtype=_text_ranks(col)[1])
        for v in values:
            out[v] = np.asarray(df[v], dtype="int64")
        return out
    ranks, columns = [], {}
    for k in keys:
        col = df[k] if k in df.columns else pd.Series([None] * n, dtype=object)
        if k in dates:
            r = pd.to_datetime(col.to_numpy()).astype("datetime64[us]").to_numpy()
            columns[k] = r
            r = r.view("int64")  # NaT (int64 min) first
        elif k in ints:
            r = columns[k] = np.asarray(col, dtype="int64")
        else:
            r, columns[k] = _text_ranks(col)
        ranks.append(r)
    order, starts = _runs(ranks, [k in dates for k in keys])
    rows = order[starts]
    out = pd.DataFrame(index=pd.RangeIndex(len(rows)))
    for k, r in zip(keys, ranks, strict=True):
        col = columns[k]
        out[k] = (
            pd.Categorical.from_codes(r[rows] - 1, dtype=col)
            if isinstance(col, pd.CategoricalDtype)
            else col[rows]
        )
    for v in values:
        out[v] = np.add.reduceat(np.asarray(df[v], dtype="int64")[order], starts)
    return out


def _runs(
    ranks: list[np.ndarray], dates: list[bool] | None = None
) -> tuple[np.ndarray, np.ndarray]:
    """The rows sorted by the ranks (first key first), and where each run of equal keys starts.

    Rows with the same keys are then summed (``np.add.reduceat``): the same table
    as a group-by and a sort of the columns, without sorting text or objects.
    """
    packed = _packed(ranks, dates or [False] * len(ranks))
    if packed is not None:  # one integer a row: one sort instead of a sort of each key
        order = np.argsort(packed, kind="stable")
        key = packed[order]
        same = np.empty(len(order), dtype=bool)
        same[0] = False
        np.equal(key[1:], key[:-1], out=same[1:])
        return order, np.flatnonzero(~same)
    order = np.lexsort(ranks[::-1])
    same = np.ones(len(order), dtype=bool)  # same keys as the row before
    same[0] = False
    for r in ranks:
        rs = r[order]
        same[1:] &= rs[1:] == rs[:-1]
    return order, np.flatnonzero(~same)


_NAT = np.iinfo(np.int64).min  # a missing date's rank (datetime64 NaT viewed as int64)
_DAY_US = 86_400_000_000
_PACKED_BITS = 62


def _compact(r: np.ndarray, date: bool) -> tuple[np.ndarray, int]:
    """A key's ranks as integers from 0 in the same order (a missing date first), and their span.

    A date key (microseconds; at midnight in a cube) is counted in days when all its
    values are whole days, so that the keys of a cube fit in one 64-bit integer.
    """
    r = np.asarray(r, dtype=np.int64)
    nat = (r == _NAT) if date else None
    missing = bool(nat is not None and nat.any())
    valid = r[~nat] if missing else r
    if not valid.size:
        return np.zeros(len(r), dtype=np.int64), 1
    lo, hi = int(valid.min()), int(valid.max())
    whole_days = date and lo != hi and not (valid % _DAY_US).any()
    out = r - lo
    if whole_days:
        out //= _DAY_US
    if missing:
        out += 1
        out[nat] = 0
    return out, (hi - lo) // (_DAY_US if whole_days else 1) + 1 + int(missing)


def _packed(ranks: list[np.ndarray], dates: list[bool]) -> np.ndarray | None:
    """The keys of each row as one integer ordered as the keys (the first most significant).

    ``None`` when their spans together need more than 62 bits (then the keys are
    sorted one by one).
    """
    if not ranks or not len(ranks[0]):
        return None
    compact = [_compact(r, d) for r, d in zip(ranks, dates, strict=True)]
    total = 1
    for _, span in compact:
        total *= span
    if total >= 1 << _PACKED_BITS:
        return None
    key = np.zeros(len(ranks[0]), dtype=np.int64)
    for values, span in compact:
        key *= span
        key += values
    return key


def _text_ranks(col: Any) -> tuple[np.ndarray, pd.CategoricalDtype]:
    """A text key's rank in sorted order (0: missing, first) and the type of its categories.

    Each distinct value is written once as text (``str``); two values with the
    same text are one. The categories are that text, sorted (rank ``r`` is
    category ``r - 1``).
    """
    codes, uniq = pd.factorize(col, use_na_sentinel=True)
    text = np.asarray([str(v) for v in uniq], dtype=object)
    merged, names = pd.factorize(text, sort=True)
    lookup = np.r_[0, merged + 1].astype("int64")  # code -1 (missing) -> rank 0
    ranks = lookup[np.asarray(codes, dtype="int64") + 1]
    return ranks, text_categories(names)


def text_categories(names: Any) -> pd.CategoricalDtype:
    """The type of a text key: categories of text (:data:`TEXT`), in the given order.

    Examples
    --------
    >>> text_categories(["A", "B"]).categories.tolist()
    ['A', 'B']
    """
    return pd.CategoricalDtype(pd.Index(np.asarray(names, dtype=object), dtype=TEXT))


def empty(grid: dict[str, Any] | None = None) -> Cube:
    """A cube without any incident.

    Examples
    --------
    >>> empty().counts.shape
    (0, 8)
    """
    counts = canonical_counts(pd.DataFrame({k: [] for k in (*KEYS, "count")}))
    hours = canonical_hours(pd.DataFrame({k: [] for k in (*HOUR_KEYS, *HOUR_COUNTS)}))
    return Cube(counts, hours, dict(grid or {}))
