"""A polygon's grid of cells, to answer for many boxes or points at once whether it holds them.

The placebo places of a measure are copies of its zone on a lattice across the
municipality (:func:`~diagnostic_lib.evaluation.placebo_places.lattice_offsets`): tens of
thousands of boxes in a city, each tested against the municipality and against the zones
of the other measures. :class:`CellCover` classifies once a grid of cells over the polygon
— wholly inside it, wholly outside it, or across its edge — and decides by counting cells
(summed-area tables), without geometry, every box that lies within cells of one kind, every
box that overlaps an inside cell (it meets the polygon) and every box that overlaps an
outside cell (the polygon does not contain it). Only the other boxes are tested against
the polygon itself. Points are decided the same way (:meth:`CellCover.intersects_xy`):
step 3 tests every incident against the municipality and the shared control areas, and
step 2 against municipality-wide zones, polygons whose per-point test costs more as the
region grows.
The answers are exactly those of ``shapely.contains``, ``shapely.intersects`` and
``shapely.intersects_xy``.
"""

from __future__ import annotations

import functools
from typing import Any

import numpy as np
import shapely
from scipy import ndimage

from ._spatial import PointIndex

# cells along the longer side of the polygon's bounding box
_CELLS = 1024
# fewest parts of a multipolygon for which boxes are tested against its parts
_PARTS_FROM = 8
# a box's side this close to a cell's edge (in cells) also takes the cell beyond: far more
# than the rounding of coordinates (about 1e-12 cells), far less than a cell
_EPS = 1e-6


class CellCover:
    """A polygon with its cells classified, to test many boxes or points.

    A box whose cells all lie inside the polygon is contained in it (and meets it); a
    box whose cells all lie outside it neither. A side of a box that falls on (or
    within rounding of) a cell's edge takes the cells on both sides of it, so that
    rounding never leaves one out.

    Parameters
    ----------
    geom : shapely geometry
        A polygon or multipolygon (holes allowed).
    cells : int
        Cells along the longer side of its bounding box.

    Examples
    --------
    >>> town = shapely.box(0, 0, 100, 100).difference(shapely.box(40, 40, 60, 60))
    >>> c = CellCover(town, cells=20)
    >>> x0 = np.array([5.0, 45.0, 95.0, 60.0, 200.0])
    >>> b = np.column_stack([x0, x0, x0 + 5, x0 + 5])  # the fourth touches the hole's corner
    >>> c.contains(b).tolist(), c.intersects(b).tolist()
    ([True, False, True, True, False], [True, False, True, True, False])
    """

    def __init__(self, geom: Any, cells: int = _CELLS) -> None:
        self.geom = geom
        shapely.prepare(geom)
        x0, y0, x1, y1 = geom.bounds
        self.size = max(x1 - x0, y1 - y0, 1e-9) / cells
        # one padding cell on every side: outside the polygon by construction
        self.x0, self.y0 = x0 - self.size, y0 - self.size
        self.nx = int(np.ceil((x1 - x0) / self.size)) + 2
        self.ny = int(np.ceil((y1 - y0) / self.size)) + 2
        inside, meets = self._classify(geom)
        self._inside = _summed(inside)
        self._outside = _summed(~meets)
        # per cell, for points: 1 wholly inside, 2 wholly outside, 0 across the edge
        self._state = np.where(inside, 1, np.where(meets, 0, 2)).astype(np.int8)

    def _classify(self, geom: Any) -> tuple[np.ndarray, np.ndarray]:
        """Per cell: wholly inside the polygon; meeting it (or perhaps: near its edge).

        The cells that a box around an edge's segment reaches (widened by rounding) may
        hold the edge; no other cell does, so each of those lies wholly on one side of
        it, the same side as its neighbours across a side: the side of each group of
        them is that of one cell's centre. Geometries other than polygons have every
        cell tested against them.
        """
        parts = shapely.get_parts(geom)
        if not len(parts) or (shapely.get_type_id(parts) != 3).any():
            return self._classify_exact(geom)
        xy, ring = shapely.get_coordinates(shapely.get_rings(parts), return_index=True)
        one = ring[1:] == ring[:-1]  # consecutive vertices of one ring: a segment
        a, b = xy[:-1][one], xy[1:][one]
        seg = np.column_stack([np.minimum(a, b), np.maximum(a, b)])
        i0, j0, i1, j1 = (
            np.clip(v, 0, n - 1)
            for v, n in zip(
                self._cells(seg, _EPS), (self.nx, self.ny, self.nx, self.ny), strict=True
            )
        )
        # every segment's cells at once: a difference table, summed
        d = np.zeros((self.nx + 1, self.ny + 1), dtype="int64")
        np.add.at(d, (i0, j0), 1)
        np.add.at(d, (i1 + 1, j0), -1)
        np.add.at(d, (i0, j1 + 1), -1)
        np.add.at(d, (i1 + 1, j1 + 1), 1)
        edge = np.cumsum(np.cumsum(d, axis=0), axis=1)[: self.nx, : self.ny] > 0
        group, n = ndimage.label(~edge)
        first = np.unique(group.ravel(), return_index=True)[1][1:]  # a cell of each group
        ci, cj = np.unravel_index(first, edge.shape)
        side = np.r_[
            False,
            shapely.intersects_xy(
                geom, self.x0 + (ci + 0.5) * self.size, self.y0 + (cj + 0.5) * self.size
            ),
        ]
        inside = side[group] & ~edge
        return inside, inside | edge

    def _classify_exact(self, geom: Any) -> tuple[np.ndarray, np.ndarray]:
        """Per cell: wholly inside ``geom``; meeting it (each cell tested)."""
        ix, iy = np.meshgrid(np.arange(self.nx), np.arange(self.ny), indexing="ij")
        cx0, cy0 = self.x0 + ix.ravel() * self.size, self.y0 + iy.ravel() * self.size
        boxes = shapely.box(cx0, cy0, cx0 + self.size, cy0 + self.size)
        meets = shapely.intersects(geom, boxes)
        inside = np.zeros(len(boxes), dtype=bool)
        inside[meets] = shapely.contains(geom, boxes[meets])
        return inside.reshape(self.nx, self.ny), meets.reshape(self.nx, self.ny)

    def _cells(self, bounds: np.ndarray, eps: float) -> tuple[np.ndarray, ...]:
        """The cells ``[i0, i1] × [j0, j1]`` of each box, widened by ``eps`` cells (or narrowed)."""
        i0 = np.floor((bounds[:, 0] - self.x0) / self.size - eps).astype("int64")
        j0 = np.floor((bounds[:, 1] - self.y0) / self.size - eps).astype("int64")
        i1 = np.floor((bounds[:, 2] - self.x0) / self.size + eps).astype("int64")
        j1 = np.floor((bounds[:, 3] - self.y0) / self.size + eps).astype("int64")
        return i0, j0, i1, j1

    def _decided(self, bounds: np.ndarray) -> tuple[np.ndarray, ...]:
        """Boxes within inside cells, within outside cells, over an inside, over an outside cell."""
        # the closed cells covering the box; a side within rounding of a cell's edge takes
        # the cell beyond it too
        i0, j0, i1, j1 = self._cells(bounds, _EPS)
        within = (i0 >= 0) & (j0 >= 0) & (i1 < self.nx) & (j1 < self.ny)
        # beyond the grid (and its padding), a box is outside the polygon's bounding box
        far = (i1 < 0) | (j1 < 0) | (i0 >= self.nx) | (j0 >= self.ny)
        i0, j0 = np.clip(i0, 0, self.nx - 1), np.clip(j0, 0, self.ny - 1)
        i1, j1 = np.clip(i1, 0, self.nx - 1), np.clip(j1, 0, self.ny - 1)
        n = (i1 - i0 + 1) * (j1 - j0 + 1)
        inside = within & (_count(self._inside, i0, j0, i1, j1) == n)
        outside = far | (within & (_count(self._outside, i0, j0, i1, j1) == n))
        # the cells the box overlaps by more than rounding: one inside the polygon puts a
        # piece of the box in it, one outside it a piece of the box out of it
        k0, l0, k1, l1 = self._cells(bounds, -_EPS)
        some = (k0 <= k1) & (l0 <= l1)
        beyond = some & ((k0 < 0) | (l0 < 0) | (k1 >= self.nx) | (l1 >= self.ny))
        k0, l0 = np.clip(k0, 0, self.nx - 1), np.clip(l0, 0, self.ny - 1)
        k1, l1 = np.clip(k1, 0, self.nx - 1), np.clip(l1, 0, self.ny - 1)
        some &= (k0 <= k1) & (l0 <= l1)
        over_in = some & (_count(self._inside, k0, l0, k1, l1) > 0)
        over_out = beyond | (some & (_count(self._outside, k0, l0, k1, l1) > 0))
        return inside, outside, over_in, over_out

    def _answer(self, bounds: np.ndarray, exact: Any, contains: bool) -> np.ndarray:
        bounds = np.asarray(bounds, dtype="float64").reshape(-1, 4)
        out = np.zeros(len(bounds), dtype=bool)
        if not len(bounds):
            return out
        inside, outside, over_in, over_out = self._decided(bounds)
        if contains:  # a piece out of the polygon: not contained
            yes, no = inside, outside | over_out
        else:  # a piece in the polygon: they meet
            yes, no = inside | over_in, outside
        out[yes] = True
        rest = np.flatnonzero(~yes & ~no)
        if len(rest):
            b = bounds[rest]
            out[rest] = self._exact(b, exact, contains)
        return out

    def _exact(self, b: np.ndarray, exact: Any, contains: bool) -> np.ndarray:
        """The boxes ``b`` tested against the polygon (``exact``), or against its parts.

        A multipolygon's parts meet at most at points (a valid one): a box with an
        area lies within it exactly when it lies within one of its parts, and meets it
        when it meets one. Testing only the parts near each box keeps the cost of a
        test from growing with the number of parts (a region of many towns, the zones
        of thousands of measures).
        """
        boxes = shapely.box(b[:, 0], b[:, 1], b[:, 2], b[:, 3])
        tree = self._parts
        flat = (b[:, 2] <= b[:, 0]) | (b[:, 3] <= b[:, 1])
        if tree is None or flat.any():
            return exact(self.geom, boxes)
        i, j = tree.query(boxes)  # the parts whose boxes meet, then the prepared parts
        parts = tree.geometries
        hit = (shapely.contains if contains else shapely.intersects)(parts[j], boxes[i])
        out = np.zeros(len(b), dtype=bool)
        out[i[hit]] = True
        return out

    @functools.cached_property
    def _parts(self) -> Any:
        """An STRtree of the parts of a valid multipolygon of many parts (else None)."""
        if shapely.get_type_id(self.geom) != 6 or not shapely.is_valid(self.geom):
            return None
        parts = shapely.get_parts(self.geom)
        if len(parts) < _PARTS_FROM:
            return None
        shapely.prepare(parts)
        return shapely.STRtree(parts)

    def contains(self, bounds: np.ndarray) -> np.ndarray:
        """``shapely.contains(geom, boxes)`` of the boxes ``(xmin, ymin, xmax, ymax)`` (rows)."""
        return self._answer(bounds, shapely.contains, contains=True)

    def intersects(self, bounds: np.ndarray) -> np.ndarray:
        """``shapely.intersects(geom, boxes)`` of the boxes ``(xmin, ymin, xmax, ymax)`` (rows)."""
        return self._answer(bounds, shapely.intersects, contains=False)

    def intersects_xy(self, x: np.ndarray, y: np.ndarray) -> np.ndarray:
        """``shapely.intersects_xy(geom, x, y)`` of many points, decided by cell where possible.

        A point inside a cell wholly inside (outside) the polygon, farther than rounding
        from the cell's sides, is in (out of) it; a point beyond the grid is out of it.
        Only the points in cells across the polygon's edge, near a cell's side, or not
        finite are tested against the polygon. The cost of a test of a large polygon
        grows with its extent (the edges a ray from the point crosses); a cell lookup
        does not.

        Examples
        --------
        >>> town = shapely.box(0, 0, 100, 100).difference(shapely.box(40, 40, 60, 60))
        >>> x = np.array([5.0, 50.0, 40.0, 100.0, 150.0, np.nan])
        >>> CellCover(town, cells=20).intersects_xy(x, np.full(6, 50.0)).tolist()
        [True, False, True, True, False, False]
        """
        x = np.asarray(x, dtype="float64")
        y = np.asarray(y, dtype="float64")
        if len(x) > _POINTS_AT_ONCE:  # a bounded scratch: a dozen arrays the points' length
            return np.concatenate(
                [
                    self._intersects_xy(x[a : a + _POINTS_AT_ONCE], y[a : a + _POINTS_AT_ONCE])
                    for a in range(0, len(x), _POINTS_AT_ONCE)
                ]
            )
        return self._intersects_xy(x, y)

    def _intersects_xy(self, x: np.ndarray, y: np.ndarray) -> np.ndarray:
        """:meth:`intersects_xy` of at most :data:`_POINTS_AT_ONCE` points."""
        out = np.zeros(len(x), dtype=bool)
        if not len(x):
            return out
        with np.errstate(invalid="ignore"):
            u, v = (x - self.x0) / self.size, (y - self.y0) / self.size
            i, j = np.floor(u), np.floor(v)
            # beyond the padded grid: outside the polygon's bounding box
            far = (u < 0) | (v < 0) | (u >= self.nx) | (v >= self.ny)
            clean = ~far & (u - i > _EPS) & (i + 1 - u > _EPS) & (v - j > _EPS) & (j + 1 - v > _EPS)
        state = np.zeros(len(x), dtype=np.int8)
        k = np.flatnonzero(clean)
        state[k] = self._state[i[k].astype("int64"), j[k].astype("int64")]
        out[state == 1] = True
        rest = np.flatnonzero((state == 0) & ~far)
        if len(rest) and self._parts is not None:  # a point is in a multipolygon's part, or out
            _, at = PointIndex(x, y, positions=rest).inside(self._parts.geometries)
            out[at] = True
        elif len(rest):
            out[rest] = shapely.intersects_xy(self.geom, x[rest], y[rest])
        return out


_POINTS_AT_ONCE = 1 << 20
"""Points decided together by :meth:`CellCover.intersects_xy` (its scratch arrays, about 90
bytes a point, stay near 100 MB whatever the number of points; the answers are the same)."""


def _summed(a: np.ndarray) -> np.ndarray:
    """The summed-area table of ``a`` with a leading row and column of zeros."""
    out = np.zeros((a.shape[0] + 1, a.shape[1] + 1), dtype="int32")
    out[1:, 1:] = np.cumsum(np.cumsum(a, axis=0), axis=1)
    return out


def _count(s: np.ndarray, i0: np.ndarray, j0: np.ndarray, i1: np.ndarray, j1: np.ndarray):
    """Cells counted in ``[i0, i1] × [j0, j1]`` (inclusive) from a summed-area table."""
    return s[i1 + 1, j1 + 1] - s[i0, j1 + 1] - s[i1 + 1, j0] + s[i0, j0]


def cover(geom: Any) -> CellCover | None:
    """``geom`` as a :class:`CellCover` (None when missing or empty; a cover as it is).

    Examples
    --------
    >>> cover(None) is None, cover(shapely.Polygon()) is None
    (True, True)
    """
    if geom is None or isinstance(geom, CellCover):
        return geom
    return None if geom.is_empty else CellCover(geom)


POINTS_FOR_CELLS = 50_000
"""Fewest points tested against one polygon for which a :class:`CellCover` pays (its grid
costs about a tenth of a second; a test of a city-wide polygon costs microseconds a point)."""

VERTICES_FOR_CELLS = 2_000
"""Fewest vertices of that polygon for which the cover pays. A small polygon is tested fast
by GEOS: a circle of 513 vertices, 60,000 points, 6 ms tested against 71 ms with a cover;
the union of the sectors of 100,000 incidents (693 vertices), 13 against 66 ms; that of 1M
incidents (6,237 vertices, a million points), 383 against 236 ms."""


def polygonal(geom: Any) -> bool:
    """Whether ``geom`` is a non-empty polygon or multipolygon (what a cover decides fastest).

    Examples
    --------
    >>> polygonal(shapely.box(0, 0, 1, 1)), polygonal(shapely.Point(0, 0)), polygonal(None)
    (True, False, False)
    """
    return (
        geom is not None
        and not geom.is_empty
        and shapely.get_type_id(geom) in (3, 6)  # Polygon, MultiPolygon
    )


def worth_cells(geom: Any, points: int) -> bool:
    """Whether testing ``points`` points against ``geom`` is faster through a :class:`CellCover`.

    A non-empty polygon or multipolygon of at least ``VERTICES_FOR_CELLS`` vertices, and at
    least ``POINTS_FOR_CELLS`` points.

    Examples
    --------
    >>> worth_cells(shapely.box(0, 0, 1, 1), 10**6), worth_cells(None, 10**6)
    (False, False)
    """
    return (
        points >= POINTS_FOR_CELLS
        and polygonal(geom)
        and int(shapely.get_num_coordinates(geom)) >= VERTICES_FOR_CELLS
    )


def intersects_xy(geom: Any, x: np.ndarray, y: np.ndarray) -> np.ndarray:
    """``shapely.intersects_xy(geom, x, y)``: through a cover when it pays (:func:`worth_cells`).

    The same answers; for a large polygon (a municipality, a control area with
    hundreds of holes) a test costs more as the region grows, a cell lookup does not.

    Examples
    --------
    >>> town = shapely.box(0, 0, 100, 100)
    >>> intersects_xy(town, np.array([5.0, 500.0]), np.array([5.0, 5.0])).tolist()
    [True, False]
    """
    x = np.asarray(x, dtype="float64")
    y = np.asarray(y, dtype="float64")
    if worth_cells(geom, len(x)):
        return CellCover(geom).intersects_xy(x, y)
    return shapely.intersects_xy(geom, x, y)
