"""Monthly counts of a measure's targeted incidents in its treated, buffer and control areas.

:func:`monthly_area_counts` counts one measure; ``_MonthlyIndex`` gives the
same counts for many measures at once when the control is the rest of the
municipality (the incidents are indexed once).

Gap months of the coverage calendar (:func:`~diagnostic_lib.coverage.gap_months`)
are marked ``covered = False``: their zero is no data. The before/after sums of a
measure whose windows hold a gap are missing (the window is excluded, never
compared on zeros), and the dispersion is estimated on the covered months only
(see docs/methods.md, *Coverage calendar*).
"""

from __future__ import annotations

import functools
from collections.abc import Mapping, Sequence
from typing import Any

import numpy as np
import pandas as pd

from .. import coverage
from .._cell_cover import CellCover, worth_cells
from .._cell_cover import intersects_xy as _intersects_xy
from .._spatial import PointIndex, union_of
from ._common import _month_edges, _months_between, _tuple, _xy_points
from .design import AREAS, targeted
from .measure_set import _MeasureSet


def monthly_area_counts(
    incidents: pd.DataFrame,
    measure: Any,
    areas: Mapping[str, Any],
    win: Any,
    data_end: Any = None,
    pre_months: int = 0,
    data_start: Any = None,
    gaps: Sequence[pd.Period] | None = None,
) -> pd.DataFrame:
    """Monthly counts of a measure's targeted incidents in each area, over its windows.

    Months run from ``before_start`` to ``after_end`` (clipped to
    ``data_end``, exclusive), each labelled ``before``, ``lag`` or ``after``;
    ``pre_months`` more months before ``before_start`` (clipped to
    ``data_start``) are labelled ``pre`` (used only to estimate the dispersion).
    An incident in both the treated area and the ring counts in the treated
    area only. ``attrs["unlocated"]`` is the number of targeted incidents in
    the windows without a position (counted in no area). A gap month of the
    coverage calendar has ``covered = False`` (its count of 0 is no data).

    Parameters
    ----------
    incidents : DataFrame
    measure : Series or mapping
        A row of the measures table (``target_categories``, ``target_shifts``).
    areas : mapping
        ``{"treated": geom, "buffer": geom, "control": geom}`` (None allowed).
    win : Series or mapping
        A row of :func:`windows`.
    data_end : timestamp, optional
    pre_months : int
    data_start : timestamp, optional
    gaps : sequence of Period, optional
        The data's gap months (default: :func:`~diagnostic_lib.coverage.gap_months`
        of ``incidents`` up to ``data_end``).

    Returns
    -------
    DataFrame
        ``month, month_index, window, zone, count, covered`` (``month_index`` 0
        is the first month of the after window; negative before).

    Examples
    --------
    >>> import geopandas as gpd, pandas as pd, shapely
    >>> when = pd.to_datetime(["2024-01-15", "2024-02-15", "2024-02-20"])
    >>> inc = gpd.GeoDataFrame({"occurred_from": when, "category": "theft", "shift": "jour"},
    ...                        geometry=gpd.points_from_xy([1, 1, 50], [1, 1, 50]))
    >>> w = {"before_start": pd.Timestamp("2024-01-01"), "before_end": pd.Timestamp("2024-02-01"),
    ...      "after_start": pd.Timestamp("2024-02-01"), "after_end": pd.Timestamp("2024-03-01")}
    >>> m = monthly_area_counts(inc, {"target_categories": ("theft",)},
    ...     {"treated": shapely.box(0, 0, 10, 10),
    ...     "control": shapely.box(20, 20, 100, 100)}, w)
    >>> t = m.pivot(index="zone", columns="window", values="count")
    >>> t.loc[["treated", "control"], ["before", "after"]].values.tolist()
    [[1, 1], [0, 1]]
    """
    import shapely

    bs, edges, wlab, after0 = _month_span(win, data_end, pre_months, data_start)
    n = len(wlab)
    sel = np.array(
        targeted(incidents, measure.get("target_categories", ()), measure.get("target_shifts", ())),
        dtype=bool,
    )
    tv = incidents["occurred_from"].to_numpy(dtype="datetime64[us]")
    sel &= (tv >= edges[0]) & (tv < edges[-1])
    sub = incidents[sel]
    x, y, has = _xy_points(sub)
    mon = (
        np.searchsorted(edges, sub["occurred_from"].to_numpy(dtype="datetime64[us]"), side="right")
        - 1
    )
    taken = np.zeros(len(sub), dtype=bool)
    counts = {}
    for name in AREAS:
        g = areas.get(name)
        cnt = np.zeros(n, dtype="int64")
        if g is not None and has.any():
            shapely.prepare(g)
            inside = np.zeros(len(sub), dtype=bool)
            inside[has] = shapely.intersects_xy(g, x[has], y[has])
            inside &= ~taken
            taken |= inside
            cnt = np.bincount(mon[inside], minlength=n)[:n].astype("int64")
        counts[name] = cnt
    if gaps is None:
        gaps = coverage.gap_months(incidents, end=data_end)
    out = _monthly_table(edges, wlab, after0, counts, gaps)
    in_windows = sub["occurred_from"].to_numpy(dtype="datetime64[us]") >= np.datetime64(bs, "us")
    out.attrs["unlocated"] = int((~has & in_windows).sum())
    return out


def _month_span(win: Any, data_end: Any, pre_months: int, data_start: Any):
    """Month edges of a design and the window of each month.

    The windows are ``pre``, ``before``, ``lag`` and ``after``: from ``pre_months``
    before the before-window (not before the data) to the end of the after-window
    (not after the data). Returns ``(before_start, edges, labels, index of the first
    after month)``: arrays shared by the designs of the same windows (read-only).
    """
    bounds = tuple(
        pd.Timestamp(win[k]) for k in ("before_start", "before_end", "after_start", "after_end")
    )
    span = (
        None if data_end is None else pd.Timestamp(data_end),
        None if data_start is None else pd.Timestamp(data_start),
    )
    return _month_span_of(bounds, *span, int(pre_months))


@functools.lru_cache(maxsize=1024)
def _month_span_of(
    bounds: tuple[pd.Timestamp, ...],
    data_end: pd.Timestamp | None,
    data_start: pd.Timestamp | None,
    pre_months: int,
):
    """:func:`_month_span` of the windows' ``bounds``, computed once for all its measures.

    Thousands of measures share a few hundred windows (``pd.DateOffset`` arithmetic took
    ~0.25 ms a measure). The arrays are made read-only: they are shared.
    """
    bs, be, as_, ae = bounds
    hi = ae if data_end is None else min(ae, pd.Timestamp(data_end))
    k = (
        int(pre_months)
        if data_start is None
        else min(int(pre_months), _months_between(pd.Timestamp(data_start), bs))
    )
    lo = bs - pd.DateOffset(months=max(k, 0))
    n = max(_months_between(lo, hi), 0)
    edges = _month_edges(lo, n)
    after0 = _months_between(lo, as_)
    nb = _months_between(lo, be)
    npre = _months_between(lo, bs)
    ar = np.arange(n)
    wlab = np.where(
        ar < npre, "pre", np.where(ar < nb, "before", np.where(ar < after0, "lag", "after"))
    )
    edges.flags.writeable = wlab.flags.writeable = False
    return bs, edges, wlab, after0


def _monthly_table(
    edges: np.ndarray,
    wlab: np.ndarray,
    after0: int,
    counts: Mapping,
    gaps: Sequence[pd.Period] = (),
) -> pd.DataFrame:
    """The long table of :func:`monthly_area_counts` from each zone's monthly counts."""
    return pd.DataFrame(_monthly_columns(edges, wlab, after0, counts, gaps))


def _monthly_columns(
    edges: np.ndarray,
    wlab: np.ndarray,
    after0: int,
    counts: Mapping,
    gaps: Sequence[pd.Period] = (),
) -> dict[str, np.ndarray]:
    """The columns of :func:`_monthly_table`, as arrays (the text as objects)."""
    n, k = len(wlab), len(AREAS)
    months = np.asarray(edges[:-1], dtype="datetime64[us]")
    covered = ~coverage.in_gaps(pd.DatetimeIndex(months), gaps)
    zone = np.empty(n * k, dtype=object)
    for j, name in enumerate(AREAS):
        zone[j * n : (j + 1) * n] = name
    return {
        "month": np.tile(months, k),
        "month_index": np.tile(np.arange(n) - after0, k),
        "window": np.tile(np.asarray(wlab, dtype=object), k),
        "zone": zone,
        "count": np.concatenate([np.asarray(counts[a], dtype="int64") for a in AREAS]),
        "covered": np.tile(np.asarray(covered, dtype=bool), k),
    }


# shared controls remembered at once (a byte per incident each)
_SHARED_MEMOS = 16
# removed sets whose incidents out of the control are remembered at once (sorted by
# (category, shift) and time: 16 bytes per such incident each)
_NEAR_MEMOS = 8


class _MonthlyIndex:
    """:func:`monthly_area_counts` for many measures with ``control="rest"``.

    The incidents are indexed once: by (category, shift) and time for the
    located incidents inside the municipality (and for the unlocated ones), and
    by the boxes of the measures' treated areas and rings. For one measure, the
    incidents near its own areas or those of the measures removed from its
    control are tested against the geometries as before; every other located
    incident of the municipality lies in the control (the control is the
    municipality minus those areas), so it is counted from the index. When the
    measure's own box holds its areas, its control is counted as the
    municipality's count minus the incidents of its removed set (the measures
    left out, itself included) that lie outside the control: one index per set,
    shared by the measures of the set. Same counts as
    :func:`monthly_area_counts`, without testing every incident against every
    measure's control.
    """

    def __init__(
        self,
        incidents: pd.DataFrame,
        sectors: pd.DataFrame,
        ms: _MeasureSet,
        widths: np.ndarray,
        like: _MonthlyIndex | None = None,
    ) -> None:
        """Index ``incidents``; ``like``: an index of the same incidents with other ring widths.

        What does not depend on the rings (the incidents by key, time and place) is
        taken from ``like``; only the incidents near each measure are found again.
        """
        if like is None:
            self._index_incidents(incidents, sectors)
        else:
            for name in self._SHARED:
                setattr(self, name, getattr(like, name))
        self._near(ms, widths)

    _SHARED = (
        *("t", "x", "y", "has", "in_base", "c_codes", "c_names", "s_codes", "s_names", "n_s"),
        *("key", "base", "off", "located", "index"),
    )

    def _index_incidents(self, incidents: pd.DataFrame, sectors: pd.DataFrame) -> None:
        """The incidents by (category, shift), time and place: what no ring changes."""
        import shapely

        self.t = incidents["occurred_from"].to_numpy(dtype="datetime64[us]")
        self.x, self.y, self.has = _xy_points(incidents)
        boundary = union_of(sectors.geometry.array)
        shapely.prepare(boundary)
        self.in_base = self.has.copy()
        if self.has.any():
            self.in_base[self.has] = _intersects_xy(boundary, self.x[self.has], self.y[self.has])
        self.c_codes, c_names = pd.factorize(incidents["category"].astype("str"))
        self.c_names = np.asarray(c_names, dtype=object)
        has_shift = (
            incidents["shift"].notna().to_numpy()
            if "shift" in incidents.columns
            else np.zeros(len(incidents), bool)
        )
        sh = (
            incidents["shift"].astype("str").to_numpy(dtype=object)
            if "shift" in incidents.columns
            else np.full(len(incidents), "", dtype=object)
        )
        self.s_codes, s_names = pd.factorize(np.where(has_shift, sh, "\x00na"))
        self.s_names = np.asarray(s_names, dtype=object)
        self.n_s = len(self.s_names)
        self.key = self.c_codes.astype("int64") * self.n_s + self.s_codes
        valid_t = ~np.isnat(self.t)
        self.base = self._by_key(np.flatnonzero(self.in_base & valid_t))
        self.off = self._by_key(np.flatnonzero(~self.has & valid_t))
        self.located = np.flatnonzero(self.has)
        self.index = PointIndex(self.x, self.y, positions=self.located)

    def _near(self, ms: _MeasureSet, widths: np.ndarray) -> None:
        """The located incidents in the box of each measure's treated area and ring."""
        self.ms = ms
        # located incidents in the box of each measure's treated area and ring (the ring
        # lies within the treated area's box widened by the ring's width), edges included
        boxes, owner = [], []
        # point, line, polygon and sector measures are removed from another's control
        geometric = np.isin(ms.fp, ["point", "line", "polygon", "sectors"]) & ms.nonempty
        for j in np.flatnonzero(geometric):
            x0, y0, x1, y1 = ms.treated[j].bounds
            w = float(widths[j]) if np.isfinite(widths[j]) else 0.0
            boxes.append((x0 - w, y0 - w, x1 + w, y1 + w))
            owner.append(j)
        self.near_of: dict[int, np.ndarray] = {}
        self.pos = {m: q for q, m in enumerate(ms.ids)}
        self._box = dict(zip(owner, boxes, strict=True))
        # removed set (positions, sorted) -> (its control, its incidents out of the control)
        self._outsides: dict[tuple[int, ...], tuple[Any, tuple[np.ndarray, np.ndarray]]] = {}
        if boxes and len(self.located):
            b = np.asarray(boxes, dtype="float64")
            k, pts = self.index.boxes(b[:, 0], b[:, 1], b[:, 2], b[:, 3])
            own = np.asarray(owner)[k]
            order = np.argsort(own, kind="stable")
            own, pts = own[order], pts[order]
            cut = np.flatnonzero(np.diff(own)) + 1
            for a, e in zip(np.r_[0, cut], np.r_[cut, len(own)], strict=True):
                if e > a:  # no incident near any measure: nothing to keep
                    self.near_of[int(own[a])] = pts[a:e]
        self._mark = np.zeros(len(self.t), dtype=bool)
        # excluded ids -> (their positions as a set, sorted): see _removed_set
        self._removed_sets: dict[tuple, tuple[frozenset, tuple[int, ...]]] = {}
        # control polygon (by identity) -> (it, each incident's state: untested, in, out)
        self._tested: dict[int, tuple[Any, np.ndarray]] = {}

    def _inside(
        self, g: Any, pos: np.ndarray, x: np.ndarray, y: np.ndarray, shared: bool
    ) -> np.ndarray:
        """Whether the incidents at ``pos`` (at ``x``, ``y``) lie in ``g`` (edge included).

        Only the incidents in the geometry's box are tested. A ``shared`` geometry (the
        control of a whole excluded set, one object for every measure of the set: see
        ``design._Areas.rows``) remembers the incidents it has tested (one state per
        incident: untested, in, out), so that the measures sharing it test each incident
        once. The answers are those of ``shapely.intersects_xy`` on the same geometry
        and points, hence the same.
        """
        import shapely

        out = np.zeros(len(pos), dtype=bool)
        x0, y0, x1, y1 = g.bounds
        box = np.flatnonzero((x >= x0) & (x <= x1) & (y >= y0) & (y <= y1))
        if not shared:
            out[box] = shapely.intersects_xy(g, x[box], y[box])
            return out
        memo = self._tested.get(id(g))
        if memo is None or memo[0] is not g:
            if len(self._tested) >= _SHARED_MEMOS:  # forget the oldest: tested again if met
                del self._tested[next(iter(self._tested))]
            # 0 untested, 1 in, 2 out; and the geometry's cells once many points are tested
            memo = (g, np.zeros(len(self.t), dtype=np.int8), [None])
            self._tested[id(g)] = memo
        state, cells = memo[1], memo[2]
        seen = state[pos[box]]
        new = box[seen == 0]
        if len(new):
            if cells[0] is None and worth_cells(g, len(new)):
                cells[0] = CellCover(g)
            if cells[0] is not None:
                hit = cells[0].intersects_xy(x[new], y[new])
            else:
                hit = shapely.intersects_xy(g, x[new], y[new])
            state[pos[new]] = np.where(hit, 1, 2)
            seen = state[pos[box]]
        out[box] = seen == 1
        return out

    def _covers(self, k: int | None, areas: Mapping[str, Any]) -> bool:
        """Whether measure ``k``'s own box holds the boxes of ``areas``' treated area and ring."""
        box = self._box.get(k) if k is not None else None
        if box is None:
            return False
        for name in ("treated", "buffer"):
            g = areas.get(name)
            if g is not None and not g.is_empty:
                x0, y0, x1, y1 = g.bounds
                if x0 < box[0] or y0 < box[1] or x1 > box[2] or y1 > box[3]:
                    return False
        return True

    def _outside(self, removed: tuple[int, ...], g: Any) -> tuple[np.ndarray, np.ndarray]:
        """The incidents near the measures ``removed`` inside the municipality but not in ``g``.

        ``g`` is the control of every measure whose removed set is ``removed`` (one
        object for the set: see ``design._Areas.rows``). Sorted by key then time, and
        built once per set (``_NEAR_MEMOS`` sets at most at once): a measure's control
        is then the municipality's count minus this one's, whatever the set's size.
        """
        memo = self._outsides.get(removed)
        if memo is not None and memo[0] is g:
            return memo[1]
        if memo is None and len(self._outsides) >= _NEAR_MEMOS:  # forget the oldest
            del self._outsides[next(iter(self._outsides))]
        parts = [self.near_of[j] for j in removed if j in self.near_of]
        mark = self._mark
        if parts:
            mark[np.concatenate(parts)] = True
        p = np.flatnonzero(mark)
        mark[p] = False
        p = p[self.in_base[p] & ~np.isnat(self.t[p])]  # the others are never in the control
        p = p[~self._inside(g, p, self.x[p], self.y[p], shared=True)]
        p = p[np.lexsort((self.t[p], self.key[p]))]
        idx = (self.key[p], self.t[p])
        self._outsides[removed] = (g, idx)
        return idx

    def _removed_set(self, excluded: Sequence[str], k: int) -> tuple[int, ...]:
        """Positions of the measures ``excluded`` and of measure ``k``, sorted.

        The measures of one removed set share it (thousands of ids in a region):
        its positions are found once per distinct ``excluded`` and reused.
        """
        key = excluded if isinstance(excluded, tuple) else tuple(excluded)
        base = self._removed_sets.get(key)
        if base is None:
            if len(self._removed_sets) >= _NEAR_MEMOS * 8:  # forget the oldest
                del self._removed_sets[next(iter(self._removed_sets))]
            found = set(map(self.pos.get, key))  # thousands of ids a set: one lookup each
            found.discard(None)  # (an id not among the measures)
            base = (frozenset(found), tuple(sorted(found)))
            self._removed_sets[key] = base
        return base[1] if k in base[0] else tuple(sorted(base[0] | {k}))

    def _window(self, pos: np.ndarray, keys: np.ndarray, edges: np.ndarray) -> np.ndarray:
        """The incidents at ``pos`` of ``keys`` in [edges[0], edges[-1])."""
        key_ok = np.zeros(len(self.c_names) * self.n_s, dtype=bool)
        key_ok[keys] = True
        tv = self.t[pos]
        return pos[(tv >= edges[0]) & (tv < edges[-1]) & key_ok[self.key[pos]]]

    def _nearby(
        self,
        areas: Mapping[str, Any],
        excluded: Sequence[str],
        keys: np.ndarray,
        edges: np.ndarray,
    ) -> np.ndarray:
        """The incidents of ``keys`` in the window in the boxes of the areas and removed ones."""
        parts = [self._in_box(areas.get("treated")), self._in_box(areas.get("buffer"))]
        parts += [
            self.near_of.get(self.pos[m], np.array([], dtype="int64"))
            for m in excluded
            if m in self.pos
        ]
        mark = self._mark  # the union of the parts, in position order
        mark[np.concatenate(parts)] = True
        near = np.flatnonzero(mark)
        mark[near] = False
        return self._window(near, keys, edges)

    def _by_key(self, pos: np.ndarray) -> tuple[np.ndarray, np.ndarray]:
        order = np.lexsort((self.t[pos], self.key[pos]))
        return self.key[pos][order], self.t[pos][order]

    def _in_box(self, g: Any) -> np.ndarray:
        if g is None or g.is_empty:
            return np.array([], dtype="int64")
        return self.index.box(*g.bounds)

    def _keys(self, measure: Any) -> np.ndarray:
        cats = _tuple(measure.get("target_categories", ()))
        sh = _tuple(measure.get("target_shifts", ()))
        c_ok = np.isin(self.c_names, list(cats)) if cats else np.ones(len(self.c_names), bool)
        s_ok = (
            np.isin(self.s_names, list(sh)) & (self.s_names != "\x00na")
            if sh
            else np.ones(self.n_s, bool)
        )
        ok = np.repeat(c_ok, self.n_s) & np.tile(s_ok, len(self.c_names))
        return np.flatnonzero(ok)

    @staticmethod
    def _count(index: tuple[np.ndarray, np.ndarray], keys: np.ndarray, edges: np.ndarray):
        """Incidents of ``keys`` between consecutive ``edges`` (counts per interval)."""
        kk, tt = index
        out = np.zeros(len(edges) - 1, dtype="int64")
        first = np.searchsorted(kk, keys, side="left")
        last = np.searchsorted(kk, keys, side="right")
        for a, b in zip(first, last, strict=True):
            if b > a:
                out += np.diff(np.searchsorted(tt[a:b], edges, side="left"))
        return out

    def monthly(
        self,
        measure: Any,
        areas: Mapping[str, Any],
        win: Any,
        excluded: Sequence[str],
        data_end: Any = None,
        pre_months: int = 0,
        data_start: Any = None,
        gaps: Sequence[pd.Period] = (),
    ) -> pd.DataFrame:
        """:func:`monthly_area_counts` of ``measure`` (its ``excluded`` measures: its design's)."""
        cols, unlocated = self.columns(
            measure, areas, win, excluded, data_end, pre_months, data_start, gaps
        )
        out = pd.DataFrame(cols)
        out.attrs["unlocated"] = unlocated
        return out

    def columns(
        self,
        measure: Any,
        areas: Mapping[str, Any],
        win: Any,
        excluded: Sequence[str],
        data_end: Any = None,
        pre_months: int = 0,
        data_start: Any = None,
        gaps: Sequence[pd.Period] = (),
    ) -> tuple[dict[str, np.ndarray], int]:
        """:meth:`monthly` as its columns (arrays) and its count of unlocated incidents.

        What step 3 reads of thousands of measures: each table is made once, from the
        columns of all (a table a measure took ~0.25 ms to make, ~0.2 ms to read).
        """
        import shapely

        bs, edges, wlab, after0 = _month_span(win, data_end, pre_months, data_start)
        n = len(wlab)
        keys = self._keys(measure)
        control = areas.get("control")
        k = self.pos.get(str(measure.get("measure_id")))
        removed = None
        if self._covers(k, areas):
            # the measure's own box holds its treated area and ring; its control is
            # the municipality minus its removed set's incidents out of the control
            near = self._window(self.near_of.get(k, np.array([], dtype="int64")), keys, edges)
            removed = self._removed_set(excluded, k)
        else:
            near = self._nearby(areas, excluded, keys, edges)
        mon = np.searchsorted(edges, self.t[near], side="right") - 1
        nx, ny = self.x[near], self.y[near]
        taken = np.zeros(len(near), dtype=bool)
        both = taken
        counts = {}
        for name in AREAS:
            g = areas.get(name)
            cnt = np.zeros(n, dtype="int64")
            if g is not None:
                shapely.prepare(g)
                hit = self._inside(g, near, nx, ny, name == "control")
                if name == "control":
                    both = hit & taken & self.in_base[near]  # in the control, counted before
                inside = hit & ~taken
                taken |= inside  # an incident counts in one area only
                cnt = np.bincount(mon[inside], minlength=n)[:n].astype("int64")
            counts[name] = cnt
        if control is not None and n:
            # the rest of the municipality: every located incident there is in the control
            base = self._count(self.base, keys, edges)
            if removed is not None:
                out = self._count(self._outside(removed, control), keys, edges)
                counts["control"] = base - out - np.bincount(mon[both], minlength=n)[:n]
            else:
                near_base = np.bincount(mon[self.in_base[near]], minlength=n)[:n]
                counts["control"] = counts["control"] + base - near_base
        unlocated = int(
            self._count(self.off, keys, np.array([np.datetime64(bs, "us"), edges[-1]])).sum()
        )
        return _monthly_columns(edges, wlab, after0, counts, gaps), unlocated


def _window_sums(monthly: pd.DataFrame | Mapping[str, np.ndarray]) -> dict[str, float]:
    """The before and after counts of each zone (``a0, a1, b0, b1, c0, c1``).

    ``monthly``: a measure's monthly table, or its columns as arrays.

    A before or after window that holds a gap month has no sum (NaN): its
    missing records would be read as zeros, and the other window holds a
    different season and exposure (see docs/methods.md, *Coverage calendar*).

    Examples
    --------
    >>> m = pd.DataFrame({"zone": ["treated", "treated"], "window": ["before", "after"],
    ...                   "count": [5, 3], "covered": [True, False]})
    >>> _window_sums(m)["a0"], _window_sums(m)["a1"]
    (nan, nan)
    """
    zone = np.asarray(monthly["zone"], dtype=object)
    window = np.asarray(monthly["window"], dtype=object)
    count = np.asarray(monthly["count"], dtype="float64")
    windows = (window == "before") | (window == "after")
    if "covered" in monthly and not np.asarray(monthly["covered"], dtype=bool)[windows].all():
        return {f"{k}{i}": np.nan for k in "abc" for i in (0, 1)}
    out = {}
    for a, k in (("treated", "a"), ("buffer", "b"), ("control", "c")):
        here = zone == a
        out[f"{k}0"] = float(count[here & (window == "before")].sum())
        out[f"{k}1"] = float(count[here & (window == "after")].sum())
    return out


def _pre_table(
    monthly: pd.DataFrame | Mapping[str, np.ndarray], areas: Sequence[str]
) -> np.ndarray:
    """The zones' counts (rows) of the covered ``pre`` and ``before`` months (columns).

    ``monthly``: a measure's monthly table, or its columns as arrays.

    Gap months are left out: a zero there is no data, and would inflate the
    dispersion estimated on this table.
    """
    window = np.asarray(monthly["window"], dtype=object)
    keep = (window == "pre") | (window == "before")
    if "covered" in monthly:
        keep &= np.asarray(monthly["covered"], dtype=bool)
    if not keep.any():
        return np.zeros((0, 0))
    zone = np.asarray(monthly["zone"], dtype=object)
    count = np.asarray(monthly["count"])
    return np.vstack([count[keep & (zone == a)] for a in areas])
