"""Placebo places: copies of a measure's zone elsewhere in the municipality, and their counts.

A measure with a point, line or polygon footprint acts on its treated area and is
watched in its ring. Its placebo places are the same two shapes moved on a lattice
across the municipality, kept where they lie inside it and clear of every
measure's treated area and ring (so that nothing was done there). A measure
acting on whole sectors gets the other sectors (and their rings) instead.
:class:`PlaceCounter` then counts each place's targeted incidents month by month.
"""

from __future__ import annotations

from collections.abc import Sequence
from typing import Any

import numpy as np
import shapely

from .._cell_cover import cover
from .._spatial import PointIndex

_TRIED_PER_PLACE = 4
"""Lattice positions tried per placebo place wanted, before a finer lattice is tried."""


def lattice_offsets(zone: Any, boundary: Any, avoid: Any, max_places: int = 400) -> np.ndarray:
    """Translations of ``zone`` that keep it inside ``boundary`` and clear of ``avoid``.

    The lattice step is the zone's bounding box (copies never overlap one another).
    When more copies fit than ``max_places``, every k-th one is kept (deterministic).

    A small zone in a large region has a lattice of hundreds of thousands of positions,
    of which ``max_places`` are kept: testing them all made the work grow with measures ×
    region. So when the lattice has more than ``4 × max_places`` positions, every s-th
    row and column is tried first (the coarsest stride that leaves about that many),
    and the stride is halved until ``max_places`` copies fit or every position was
    tried. The copies are still spread evenly over the region; below ``4 × max_places``
    positions (a town and a measure of a few hundred metres), nothing changes.
    ``boundary`` and ``avoid`` may be given as
    :class:`~diagnostic_lib._cell_cover.CellCover` (prepared once for many
    zones: the same answers, most of them without geometry).

    Parameters
    ----------
    zone : shapely geometry
        The measure's treated area and ring.
    boundary : shapely geometry
        The municipality.
    avoid : shapely geometry or None
        Where no copy may reach (the treated area and ring of every measure acting on
        the same categories).
    max_places : int
        Most copies returned.

    Returns
    -------
    ndarray, shape (copies, 2)
        ``(dx, dy)`` of each copy.

    Examples
    --------
    >>> town = shapely.box(0, 0, 1000, 1000)
    >>> offs = lattice_offsets(shapely.box(0, 0, 100, 100), town, shapely.box(0, 0, 150, 150))
    >>> len(offs), bool((offs == 0).all(axis=1).any())
    (96, False)
    >>> small = shapely.box(0, 0, 10, 10)  # 10,000 positions: every 2nd row and column first
    >>> len(lattice_offsets(small, town, None, max_places=400))
    400
    """
    boundary, avoid = cover(boundary), cover(avoid)
    if zone is None or zone.is_empty or boundary is None:
        return np.zeros((0, 2))
    zx0, zy0, zx1, zy1 = zone.bounds
    bx0, by0, bx1, by1 = boundary.geom.bounds
    w, h = max(zx1 - zx0, 1.0), max(zy1 - zy0, 1.0)
    dx = np.arange(bx0 - zx0, bx1 - zx1 + 1e-9, w)
    dy = np.arange(by0 - zy0, by1 - zy1 + 1e-9, h)
    if not len(dx) or not len(dy):
        return np.zeros((0, 2))
    wanted = _TRIED_PER_PLACE * max(int(max_places), 1)
    stride = max(1, int(np.sqrt(len(dx) * len(dy) / wanted)))
    while True:
        offs = _fitting(dx[::stride], dy[::stride], zone.bounds, boundary, avoid)
        if stride == 1 or len(offs) >= max_places:
            break
        stride //= 2
    if len(offs) > max_places:
        offs = offs[np.linspace(0, len(offs) - 1, max_places).round().astype(int)]
    return offs


def _fitting(dx: np.ndarray, dy: np.ndarray, bounds: tuple, boundary: Any, avoid: Any):
    """The offsets of the lattice ``dx × dy`` whose box stays inside and clear (row order)."""
    zx0, zy0, zx1, zy1 = bounds
    gx, gy = np.meshgrid(dx, dy)
    offs = np.column_stack([gx.ravel(), gy.ravel()])
    boxes = np.column_stack(
        [zx0 + offs[:, 0], zy0 + offs[:, 1], zx1 + offs[:, 0], zy1 + offs[:, 1]]
    )
    ok = boundary.contains(boxes)
    if avoid is not None:
        inside = np.flatnonzero(ok)  # only the copies inside the municipality can be kept
        ok[inside] = ~avoid.intersects(boxes[inside])
    return offs[ok]


def translated(geom: Any, offsets: np.ndarray) -> np.ndarray:
    """``geom`` moved by each offset (an array of geometries).

    Parameters
    ----------
    geom : shapely geometry
        What to move.
    offsets : ndarray, shape (n, 2)
        The translations.

    Returns
    -------
    ndarray of geometries

    Examples
    --------
    >>> g = translated(shapely.box(0, 0, 1, 1), np.array([[10.0, 0.0]]))
    >>> g[0].bounds
    (10.0, 0.0, 11.0, 1.0)
    """
    offsets = np.asarray(offsets, dtype="float64").reshape(-1, 2)
    if geom is None or geom.is_empty:
        return np.array([None] * len(offsets), dtype=object)
    if not len(offsets):
        return np.array([], dtype=object)
    # one call for every copy: each coordinate plus its copy's offset, as one copy at a time did
    n = int(shapely.get_num_coordinates(geom))
    copies = np.full(len(offsets), geom, dtype=object)
    return np.asarray(
        shapely.transform(copies, lambda c: c + np.repeat(offsets, n, axis=0)), dtype=object
    )


def kept_sectors(sector_geoms: Sequence[Any], own: Sequence[bool], avoid: Any) -> np.ndarray:
    """Which sectors are placebo places of a measure acting on whole sectors (a mask).

    Every sector but the measure's own (``own``) and those touching ``avoid``
    (see :func:`sector_places`).

    Parameters
    ----------
    sector_geoms : sequence of geometries
        Every sector.
    own : sequence of bool
        The sectors the measure acts on.
    avoid : shapely geometry or None
        Areas of other measures.

    Returns
    -------
    ndarray of bool

    Examples
    --------
    >>> secs = [shapely.box(i, 0, i + 1, 1) for i in range(4)]
    >>> kept_sectors(secs, [True, False, False, False], shapely.box(3.5, 0, 4, 1)).tolist()
    [False, True, True, False]
    """
    geoms = np.asarray(list(sector_geoms), dtype=object)
    keep = ~np.asarray(own, dtype=bool)
    if avoid is not None and not avoid.is_empty:
        keep &= ~shapely.intersects(avoid, geoms)
    return keep


def sector_rings(sector_geoms: Sequence[Any], width: float) -> np.ndarray:
    """The ring of ``width`` metres around each sector (its buffer minus itself).

    Parameters
    ----------
    sector_geoms : sequence of geometries
        Every sector.
    width : float
        Ring width, metres.

    Returns
    -------
    ndarray of geometries

    Examples
    --------
    >>> round(float(sector_rings([shapely.box(0, 0, 1, 1)], 0.5)[0].area), 2)
    2.78
    """
    geoms = np.asarray(list(sector_geoms), dtype=object)
    if not len(geoms):
        return geoms
    return np.asarray(shapely.difference(shapely.buffer(geoms, width), geoms), dtype=object)


def sector_places(
    sector_geoms: Sequence[Any],
    own: Sequence[bool],
    avoid: Any,
    width: float,
    rings: Sequence[Any] | None = None,
) -> tuple[np.ndarray, np.ndarray]:
    """Placebo places of a measure acting on whole sectors: the other sectors and their rings.

    Parameters
    ----------
    sector_geoms : sequence of geometries
        Every sector.
    own : sequence of bool
        The sectors the measure acts on (left out).
    avoid : shapely geometry or None
        Areas of other measures (sectors touching them are left out).
    width : float
        Ring width, metres.
    rings : sequence of geometries, optional
        :func:`sector_rings` of every sector for ``width``, when already computed
        (the measures acting on sectors share them).

    Returns
    -------
    (treated, ring) : arrays of geometries

    Examples
    --------
    >>> secs = [shapely.box(i, 0, i + 1, 1) for i in range(4)]
    >>> t, r = sector_places(secs, [True, False, False, False], None, 0.5)
    >>> len(t), round(float(r[0].area), 2)
    (3, 2.78)
    """
    geoms = np.asarray(list(sector_geoms), dtype=object)
    keep = kept_sectors(geoms, own, avoid)
    if rings is not None:
        return geoms[keep], np.asarray(rings, dtype=object)[keep]
    return geoms[keep], sector_rings(geoms[keep], width)


_GRID_MONTHS = 1_200
"""Longest span of times (months) for which named places keep cumulative monthly counts."""

_GRID_CELLS = 1_000_000
"""Cells of that table (places × months, 4 bytes each) always allowed; beyond, the table may
hold at most two cells per time it counts (no more memory than the stacked times it spares)."""


class PlaceCounter:
    """Monthly counts of (targeted) incidents in many places.

    Parameters
    ----------
    x, y : ndarray
        Positions of the incidents (non-finite = unlocated, never counted).
    t : ndarray of datetime64
        When each incident started.
    positions : ndarray of int, optional
        Which incidents to count (default: all). The arrays are read, not copied:
        counters of several subsets of one table share them.

    Examples
    --------
    >>> t = np.array(["2024-01-05", "2024-03-02"], dtype="datetime64[us]")
    >>> pc = PlaceCounter(np.array([0.5, 5.5]), np.array([0.5, 0.5]), t)
    >>> edges = np.array(["2024-01-01", "2024-02-01", "2024-03-01", "2024-04-01"],
    ...                  dtype="datetime64[us]")
    >>> pc.counts([shapely.box(0, 0, 1, 1), shapely.box(5, 0, 6, 1)], edges).tolist()
    [[1, 0, 0], [0, 0, 1]]
    """

    def __init__(
        self, x: np.ndarray, y: np.ndarray, t: np.ndarray, positions: np.ndarray | None = None
    ) -> None:
        self.x = np.asarray(x, dtype="float64")
        self.y = np.asarray(y, dtype="float64")
        self.t = np.asarray(t, dtype="datetime64[us]")
        pos = (
            np.arange(len(self.t), dtype="int64")
            if positions is None
            else np.asarray(positions, dtype="int64")
        )
        pos = pos[~np.isnat(self.t[pos])]  # the index leaves out the unlocated ones
        self.index = PointIndex(self.x, self.y, positions=pos)
        self._times: dict[Any, np.ndarray] = {}  # key of a place -> its incidents' times, sorted
        self._rank: dict[Any, int] = {}  # the same places' times stacked (see _known_counts)
        self._stacked: np.ndarray | None = None  # made on demand (see _search_stack)
        self._t0 = np.datetime64(0, "us")
        self._span: int | None = 1
        self._grid: np.ndarray | None = None  # cumulative monthly counts (see _stack)
        self._grid_base = np.datetime64(0, "M")

    def _pairs(
        self, geoms: Sequence[Any], exclude: Sequence[Any] | None
    ) -> tuple[np.ndarray, np.ndarray]:
        """Every (place, incident) pair with the incident in the place (and not in its exclude).

        Candidates come from each place's box; the exact test is a vectorised
        ``intersects_xy`` over a group of places at a time (:meth:`PointIndex.inside`:
        the same predicate as place by place, without arrays of every candidate pair).
        """
        g_arr = np.asarray(list(geoms), dtype=object)
        has = ~(shapely.is_missing(g_arr) | shapely.is_empty(g_arr))
        shapely.prepare(g_arr[has])  # each place is tested against many points (same answers)
        place_a, cand_a = self.index.inside(g_arr)
        inside = np.ones(len(place_a), dtype=bool)
        if exclude is not None:
            ex_arr = np.asarray(list(exclude), dtype=object)
            shapely.prepare(ex_arr[~shapely.is_missing(ex_arr)])
            ex = ex_arr[place_a]
            has = ~shapely.is_missing(ex)
            if has.any():
                hit = shapely.intersects_xy(ex[has], self.x[cand_a[has]], self.y[cand_a[has]])
                inside[np.flatnonzero(has)[hit]] = False
        return place_a[inside], cand_a[inside]

    def counts(
        self,
        geoms: Sequence[Any],
        edges: np.ndarray,
        exclude: Sequence[Any] | None = None,
        keys: Sequence[Any] | None = None,
    ) -> np.ndarray:
        """Monthly counts in each geometry (minus those in the matching ``exclude`` one).

        Parameters
        ----------
        geoms : sequence of geometries
            The places (None = no place: zeros).
        edges : ndarray of datetime64
            Month edges (``n + 1`` of them for ``n`` months).
        exclude : sequence of geometries, optional
            For each place, a geometry whose incidents are not counted (a ring
            leaves out its treated area).
        keys : sequence of hashables, optional
            A name for each place (with its exclude) that stays the same from one
            call to the next (e.g. a sector and a ring width): the times of its
            incidents are then found once and kept for later calls.

        Returns
        -------
        ndarray, shape (places, months)
        """
        edges = np.asarray(edges, dtype="datetime64[us]")
        n = len(edges) - 1
        out = np.zeros((len(geoms), max(n, 0)), dtype="int64")
        if n <= 0 or not len(geoms):
            return out
        rank = self._rank_of(keys) if keys is not None else None
        if rank is not None:  # every place named and found before (thousands of sectors)
            out[:] = self._counts_at(rank, edges)
            return out
        known = (
            np.array([k in self._times for k in keys], dtype=bool)
            if keys is not None
            else np.zeros(len(geoms), dtype=bool)
        )
        todo = np.flatnonzero(~known)
        if len(todo):
            g = np.asarray(list(geoms), dtype=object)[todo]
            ex = None if exclude is None else np.asarray(list(exclude), dtype=object)[todo]
            place, pts = self._pairs(g, ex)
            if keys is not None:
                order = np.lexsort((self.t[pts], place))
                place, pts = place[order], pts[order]
                cut = np.searchsorted(place, np.arange(len(todo) + 1))
                for j, k in enumerate(todo):
                    self._times[keys[k]] = self.t[pts[cut[j] : cut[j + 1]]]
            else:
                # month m holds edges[m] <= t < edges[m + 1], as searchsorted "right" - 1
                month = np.searchsorted(edges, self.t[pts], side="right") - 1
                ok = (month >= 0) & (month < n)
                flat = np.bincount(todo[place[ok]] * n + month[ok], minlength=len(geoms) * n)
                out += flat.reshape(len(geoms), n)
        if keys is not None:
            out[:] = self._known_counts(keys, edges)
        return out

    def _known_counts(self, keys: Sequence[Any], edges: np.ndarray) -> np.ndarray:
        """Counts between ``edges`` of the places named ``keys`` (their times already found).

        When the edges are month starts (as the placebo windows' are), the counts are read
        from each named place's cumulative monthly counts (:meth:`_stack`): a lookup per
        place and edge, whatever the number of incidents. Otherwise every named place's
        times sit in one sorted array, each shifted by its rank times the span of all
        times, so that one ``searchsorted`` answers every place at once (the edges clipped
        to the span, so that none reaches a neighbour's times).
        """
        rank = self._rank_of(keys)
        if rank is None:
            self._stack()
            rank = np.array([self._rank[k] for k in keys], dtype="int64")
        return self._counts_at(rank, edges)

    def _rank_of(self, keys: Sequence[Any]) -> np.ndarray | None:
        """The rank of each of ``keys`` among the stacked places, or ``None`` if one is not."""
        get = self._rank.get
        rank = np.fromiter((get(k, -1) for k in keys), dtype="int64", count=len(keys))
        return None if (rank < 0).any() else rank

    def _counts_at(self, rank: np.ndarray, edges: np.ndarray) -> np.ndarray:
        """:meth:`_known_counts` of the stacked places of ``rank``."""
        if self._grid is not None:
            months = edges.astype("datetime64[M]")
            if np.array_equal(months.astype("datetime64[us]"), edges):  # month starts
                last = self._grid.shape[1] - 1
                at = np.clip((months - self._grid_base).astype("int64"), 0, last)
                return np.diff(self._grid[rank[:, None], at[None, :]], axis=1).astype("int64")
        if self._stacked is None:
            self._search_stack()
        if self._span is None:  # too many places for one array of int64: one at a time
            names = list(self._rank)  # in the order of their ranks
            return np.array(
                [np.diff(np.searchsorted(self._times[names[r]], edges, side="left")) for r in rank]
            ).reshape(len(rank), len(edges) - 1)
        e = np.clip((edges - self._t0).astype("int64"), 0, self._span)
        at = np.searchsorted(self._stacked, rank[:, None] * self._span + e[None, :], side="left")
        return np.diff(at, axis=1)

    def _stack(self) -> None:
        """Rank the named places, and count their times by month (see :meth:`_known_counts`).

        When the times span at most ``_GRID_MONTHS`` months and the table stays small
        (``_GRID_CELLS``), each place's cumulative monthly counts: row ``r``, column
        ``m`` holds how many of place ``r``'s times fall before month ``m`` (from the
        first month). The stacked times are made only when edges other than month
        starts are asked for (:meth:`_search_stack`).
        """
        names = list(self._times)
        self._rank = {k: i for i, k in enumerate(names)}
        self._grid, self._stacked = None, None
        sizes = [len(self._times[k]) for k in names]
        if not sum(sizes):
            return
        every = np.concatenate([self._times[k] for k in names])
        month = every.astype("datetime64[M]")
        base = month.min()
        m = (month - base).astype("int64")
        n_m = int(m.max()) + 2  # a column before the first month and after the last
        cells = len(names) * n_m
        if n_m <= _GRID_MONTHS + 1 and cells <= max(_GRID_CELLS, 2 * len(every)):
            rank = np.repeat(np.arange(len(names), dtype="int64"), sizes)
            flat = np.bincount(rank * n_m + m + 1, minlength=cells)
            self._grid = np.cumsum(flat.reshape(len(names), n_m), axis=1, dtype="int32")
            self._grid_base = base

    def _search_stack(self) -> None:
        """The times of every named place in one sorted array (see :meth:`_known_counts`)."""
        names = list(self._rank)
        times = [self._times[k] for k in names]
        every = np.concatenate(times) if names else np.array([], dtype="datetime64[us]")
        if not len(every):
            self._t0, self._span = np.datetime64(0, "us"), 1
            self._stacked = np.array([], dtype="int64")
            return
        self._t0 = every.min()
        span = int((every.max() - self._t0).astype("int64")) + 1
        if span * (len(names) + 1) >= 2**62:
            self._span, self._stacked = None, np.array([], dtype="int64")
            return
        self._span = span
        rank = np.repeat(np.arange(len(names), dtype="int64"), [len(t) for t in times])
        self._stacked = rank * span + (every - self._t0).astype("int64")
