"""A small index of points by box, shared by the loaders, step 2 and step 3.

Points are sorted by the cell of a coarse square grid (row by row), so the
points of a box are a few contiguous slices, one per grid row the box spans.
The work of a query is proportional to the points near the box, however wide
the region: sorting by x alone would hand every query a strip across the whole
region, which grows with its size.
"""

from __future__ import annotations

import threading
from collections.abc import Callable
from typing import Any

import numpy as np

from ._memory import blocks

GROUP = 256
"""Geometries tested against their points at once by :meth:`PointIndex.inside`."""

CANDIDATES = 1 << 20
"""Candidate points gathered at once by :meth:`PointIndex.boxes` (memory, not results)."""


def _stable_order(key: np.ndarray, size: int) -> np.ndarray:
    """``np.argsort(key, kind="stable")`` for keys in ``[0, size)``, ``size <= 2**32``.

    A least-significant-digit radix sort of 16-bit digits (numpy sorts 16-bit
    integers stably by radix): linear in the number of keys, where a comparison
    sort of 64-bit keys grows with ``n log n`` and took twice as long at 4M points.

    Examples
    --------
    >>> key = np.array([70000, 3, 65536, 3, 0])
    >>> _stable_order(key, 70001).tolist() == np.argsort(key, kind="stable").tolist()
    True
    """
    if size > 1 << 32:
        return np.argsort(key, kind="stable")
    order = np.argsort((key & 0xFFFF).astype(np.uint16), kind="stable")
    if size <= 1 << 16:
        return order
    high = (key >> 16).astype(np.uint16)[order]
    return order[np.argsort(high, kind="stable")]


class PointIndex:
    """Positions of points inside axis-aligned boxes.

    Parameters
    ----------
    x, y : array of float
        Coordinates; non-finite points are never returned.
    positions : array of int, optional
        Which points to index (default: every finite one).
    cell : float, optional
        Side of a grid cell (default: about 64 points per occupied cell).

    Examples
    --------
    >>> idx = PointIndex(np.array([0.0, 5.0, 50.0, np.nan]), np.array([0.0, 5.0, 50.0, 1.0]))
    >>> sorted(idx.box(-1, -1, 10, 10).tolist())
    [0, 1]
    """

    def __init__(
        self,
        x: np.ndarray,
        y: np.ndarray,
        positions: np.ndarray | None = None,
        cell: float | None = None,
    ) -> None:
        self.x, self.y = np.asarray(x, dtype="float64"), np.asarray(y, dtype="float64")
        ok = np.isfinite(self.x) & np.isfinite(self.y)
        if positions is None:
            pos = np.flatnonzero(ok)
        else:
            pos = np.asarray(positions, dtype="int64")
            pos = pos[ok[pos]]
        self.n = len(pos)
        if not self.n:
            self.order = pos
            return
        px, py = self.x[pos], self.y[pos]
        self.x0, self.y0 = float(px.min()), float(py.min())
        w, h = float(px.max()) - self.x0, float(py.max()) - self.y0
        if cell is None or not np.isfinite(cell) or cell <= 0:
            cell = np.sqrt(max(w * h, 1.0) * 64.0 / self.n)
        self.cell = max(float(cell), max(w, h, 1.0) / 20_000.0)  # at most 20,000 columns
        gx = self._col(px).astype("int64")
        gy = self._row(py).astype("int64")
        self.ncol, self.nrow = int(gx.max()) + 1, int(gy.max()) + 1
        key = gy * self.ncol + gx
        srt = _stable_order(key, self.ncol * self.nrow)
        self.order, self.keys = pos[srt], key[srt]

    def _col(self, x: Any) -> Any:
        """Grid column of ``x`` (monotone in ``x``; the same formula for points and boxes)."""
        return np.floor((x - self.x0) / self.cell)

    def _row(self, y: Any) -> Any:
        """Grid row of ``y`` (as :meth:`_col`)."""
        return np.floor((y - self.y0) / self.cell)

    def box(self, x0: float, y0: float, x1: float, y1: float) -> np.ndarray:
        """Positions of the indexed points with ``x0 <= x <= x1`` and ``y0 <= y <= y1``."""
        if not self.n or not (x0 <= x1 and y0 <= y1):
            return np.array([], dtype="int64")
        c0 = max(int(self._col(x0)), 0)
        c1 = min(int(self._col(x1)), self.ncol - 1)
        r0 = max(int(self._row(y0)), 0)
        r1 = min(int(self._row(y1)), self.nrow - 1)
        if c0 > c1 or r0 > r1:
            return np.array([], dtype="int64")
        rows = np.arange(r0, r1 + 1)
        lo = np.searchsorted(self.keys, rows * self.ncol + c0, side="left")
        hi = np.searchsorted(self.keys, rows * self.ncol + c1, side="right")
        if len(rows) == 1:
            cand = self.order[lo[0] : hi[0]]
        else:
            cand = np.concatenate([self.order[a:b] for a, b in zip(lo, hi, strict=True)])
        cx, cy = self.x[cand], self.y[cand]
        return cand[(cx >= x0) & (cx <= x1) & (cy >= y0) & (cy <= y1)]

    def boxes(
        self, x0: np.ndarray, y0: np.ndarray, x1: np.ndarray, y1: np.ndarray
    ) -> tuple[np.ndarray, np.ndarray]:
        """:meth:`box` for many boxes at once: ``(box, position)`` of every point in a box.

        The same points as one :meth:`box` call per box, without a Python loop:
        each box's grid rows become slices of the sorted points, gathered together.

        Examples
        --------
        >>> idx = PointIndex(np.array([0.0, 5.0, 50.0]), np.array([0.0, 5.0, 50.0]))
        >>> b, p = idx.boxes(np.array([-1.0, 4.0]), np.array([-1.0, 4.0]),
        ...                  np.array([10.0, 60.0]), np.array([10.0, 60.0]))
        >>> b.tolist(), p.tolist()
        ([0, 0, 1, 1], [0, 1, 1, 2])
        """
        x0, y0, x1, y1 = (np.asarray(v, dtype="float64") for v in (x0, y0, x1, y1))
        none = np.array([], dtype="int64")
        if not self.n or not len(x0):
            return none, none
        with np.errstate(invalid="ignore"):
            c0 = np.maximum(self._col(x0), 0)
            c1 = np.minimum(self._col(x1), self.ncol - 1)
            r0 = np.maximum(self._row(y0), 0)
            r1 = np.minimum(self._row(y1), self.nrow - 1)
            ok = (x0 <= x1) & (y0 <= y1) & (c0 <= c1) & (r0 <= r1)
        box = np.flatnonzero(ok)
        if not len(box):
            return none, none
        c0, c1 = c0[box].astype("int64"), c1[box].astype("int64")
        r0, r1 = r0[box].astype("int64"), r1[box].astype("int64")
        nrows = r1 - r0 + 1
        which = np.repeat(np.arange(len(box)), nrows)  # one entry per (box, grid row)
        first = np.cumsum(nrows) - nrows
        rows = r0[which] + (np.arange(len(which)) - first[which])
        lo = np.searchsorted(self.keys, rows * self.ncol + c0[which], side="left")
        hi = np.searchsorted(self.keys, rows * self.ncol + c1[which], side="right")
        size = hi - lo
        # the candidates a block at a time: arrays of a few MB are reused by the allocator,
        # where arrays of hundreds of MB are fresh memory (page faults) at every call
        parts_b, parts_p = [none], [none]
        for a, b in blocks(np.cumsum(size), CANDIDATES):
            sz = size[a:b]
            at = np.repeat(lo[a:b] - (np.cumsum(sz) - sz), sz) + np.arange(int(sz.sum()))
            cand, owner = self.order[at], box[np.repeat(which[a:b], sz)]
            cx, cy = self.x[cand], self.y[cand]
            keep = (cx >= x0[owner]) & (cx <= x1[owner]) & (cy >= y0[owner]) & (cy <= y1[owner])
            parts_b.append(owner[keep])
            parts_p.append(cand[keep])
        return np.concatenate(parts_b), np.concatenate(parts_p)

    def inside(
        self, geoms: np.ndarray, keep: Callable | None = None, group: int = GROUP
    ) -> tuple[np.ndarray, np.ndarray]:
        """``(geometry, position)`` of every indexed point in a geometry (edges included).

        The points in each geometry's box (:meth:`boxes`), then one vectorised
        ``shapely.intersects_xy`` per group of ``group`` geometries (memory, not
        results): the answers of an STRtree query of the points with the
        ``intersects`` predicate, without making a point object. ``keep(geometry,
        position)`` may leave candidate pairs out before the test (a mask).
        Geometries are read as given: prepare them first to test many points each.

        Examples
        --------
        >>> import shapely
        >>> idx = PointIndex(np.array([0.0, 5.0, 50.0]), np.array([0.0, 5.0, 50.0]))
        >>> g, p = idx.inside(np.array([shapely.box(0, 0, 5, 5), shapely.Point(50, 50)]))
        >>> g.tolist(), p.tolist()
        ([0, 0, 1], [0, 1, 2])
        """
        import shapely

        geoms = np.asarray(geoms, dtype=object)
        parts_g, parts_p = [np.zeros(0, dtype="int64")], [np.zeros(0, dtype="int64")]
        if not self.n or not len(geoms):
            return parts_g[0], parts_p[0]
        b = np.full((len(geoms), 4), np.nan)
        ok = ~(shapely.is_missing(geoms) | shapely.is_empty(geoms))
        b[ok] = shapely.bounds(geoms[ok])
        for a in range(0, len(geoms), max(int(group), 1)):
            c = b[a : a + group]
            k, pos = self.boxes(c[:, 0], c[:, 1], c[:, 2], c[:, 3])
            k = k + a
            if keep is not None:
                m = keep(k, pos)
                k, pos = k[m], pos[m]
            hit = shapely.intersects_xy(geoms[k], self.x[pos], self.y[pos])
            parts_g.append(k[hit])
            parts_p.append(pos[hit])
        return np.concatenate(parts_g), np.concatenate(parts_p)


def distinct_geometries(geoms: np.ndarray) -> tuple[np.ndarray, np.ndarray]:
    """Identical geometries grouped (by their WKB), so that each is worked on once.

    Returns ``(codes, distinct)``: ``distinct[codes]`` gives back ``geoms``.

    Examples
    --------
    >>> import shapely
    >>> a, b = shapely.box(0, 0, 1, 1), shapely.box(0, 0, 2, 2)
    >>> codes, distinct = distinct_geometries(np.array([a, b, shapely.box(0, 0, 1, 1)]))
    >>> codes.tolist(), len(distinct)
    ([0, 1, 0], 2)
    """
    import pandas as pd
    import shapely

    geoms = np.asarray(geoms, dtype=object)
    # an object given many times (every municipality-wide measure's area is the region's
    # outline, which grows with the region) is written as WKB once, not once a measure
    obj, _ = pd.factorize(np.fromiter(map(id, geoms), dtype="int64", count=len(geoms)))
    _, held = np.unique(obj, return_index=True)  # each object's first place, in that order
    wkb, _ = pd.factorize(pd.Series(shapely.to_wkb(geoms[held]), dtype=object))
    codes = wkb[obj]  # the codes of each place's WKB, first seen first (as before)
    _, first = np.unique(codes, return_index=True)
    return codes, geoms[first]


_UNIONS: dict[str, Any] = {}
_UNIONS_KEPT = 4
"""Unions kept by :func:`union_of` (the last ones asked for)."""
_UNIONS_LOCK = threading.Lock()  # the report's threads may ask at once: one writer at a time


def union_of(geoms: Any) -> Any:
    """``shapely.union_all(geoms)``, computed once for the same geometries.

    The municipality's outline (the union of its sectors) is wanted by the grid, the
    problem search, the treated areas, the designs, the monthly index and the
    placebos of each step: 0.5 s each for 3,160 sectors. The union is kept under a
    digest of the geometries' WKB (10 ms), so that another table of the same shapes
    gets the same union and a changed one another; it is shared (geometries do not
    change).

    Parameters
    ----------
    geoms : array-like of geometries
        Missing ones (``None``) are left out, as ``shapely.union_all`` does.

    Returns
    -------
    shapely geometry

    Examples
    --------
    >>> import shapely
    >>> a = [shapely.box(0, 0, 1, 1), shapely.box(1, 0, 2, 1)]
    >>> union_of(a).area, union_of(list(a)) is union_of(a)
    (2.0, True)
    """
    import hashlib

    import shapely

    arr = np.asarray(geoms, dtype=object).ravel()
    wkb = shapely.to_wkb(arr)
    h = hashlib.blake2b(digest_size=16)
    h.update(np.array([-1 if w is None else len(w) for w in wkb], dtype="int64").tobytes())
    h.update(b"".join(w for w in wkb if w is not None))
    key = h.hexdigest()
    with _UNIONS_LOCK:
        found = _UNIONS.get(key)
    if found is None:
        found = shapely.union_all(arr)
        with _UNIONS_LOCK:
            while len(_UNIONS) >= _UNIONS_KEPT:
                del _UNIONS[next(iter(_UNIONS))]
            _UNIONS[key] = found
    return found
