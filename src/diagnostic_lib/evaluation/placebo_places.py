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

from .._spatial import PointIndex


def lattice_offsets(zone: Any, boundary: Any, avoid: Any, max_places: int = 400) -> np.ndarray:
    """Translations of ``zone`` that keep it inside ``boundary`` and clear of ``avoid``.

    The lattice step is the zone's bounding box (copies never overlap one another).
    When more copies fit than ``max_places``, every k-th one is kept (deterministic).

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
    """
    if zone is None or zone.is_empty or boundary is None or boundary.is_empty:
        return np.zeros((0, 2))
    zx0, zy0, zx1, zy1 = zone.bounds
    bx0, by0, bx1, by1 = boundary.bounds
    w, h = max(zx1 - zx0, 1.0), max(zy1 - zy0, 1.0)
    dx = np.arange(bx0 - zx0, bx1 - zx1 + 1e-9, w)
    dy = np.arange(by0 - zy0, by1 - zy1 + 1e-9, h)
    if not len(dx) or not len(dy):
        return np.zeros((0, 2))
    gx, gy = np.meshgrid(dx, dy)
    offs = np.column_stack([gx.ravel(), gy.ravel()])
    boxes = shapely.box(zx0 + offs[:, 0], zy0 + offs[:, 1], zx1 + offs[:, 0], zy1 + offs[:, 1])
    shapely.prepare(boundary)
    ok = shapely.contains(boundary, boxes)
    if avoid is not None and not avoid.is_empty:
        shapely.prepare(avoid)
        ok &= ~shapely.intersects(avoid, boxes)
    offs = offs[ok]
    if len(offs) > max_places:
        offs = offs[np.linspace(0, len(offs) - 1, max_places).round().astype(int)]
    return offs


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
    if geom is None or geom.is_empty:
        return np.array([None] * len(offsets), dtype=object)
    return np.array(
        [shapely.transform(geom, lambda c, o=o: c + o) for o in np.asarray(offsets)], dtype=object
    )


def sector_places(
    sector_geoms: Sequence[Any], own: Sequence[bool], avoid: Any, width: float
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
    keep = ~np.asarray(own, dtype=bool)
    if avoid is not None and not avoid.is_empty:
        keep &= ~shapely.intersects(avoid, geoms)
    t = geoms[keep]
    r = shapely.difference(shapely.buffer(t, width), t) if len(t) else t
    return t, np.asarray(r, dtype=object)


class PlaceCounter:
    """Monthly counts of (targeted) incidents in many places.

    Parameters
    ----------
    x, y : ndarray
        Positions of the incidents (non-finite = unlocated, never counted).
    t : ndarray of datetime64
        When each incident started.

    Examples
    --------
    >>> t = np.array(["2024-01-05", "2024-03-02"], dtype="datetime64[us]")
    >>> pc = PlaceCounter(np.array([0.5, 5.5]), np.array([0.5, 0.5]), t)
    >>> edges = np.array(["2024-01-01", "2024-02-01", "2024-03-01", "2024-04-01"],
    ...                  dtype="datetime64[us]")
    >>> pc.counts([shapely.box(0, 0, 1, 1), shapely.box(5, 0, 6, 1)], edges).tolist()
    [[1, 0, 0], [0, 0, 1]]
    """

    def __init__(self, x: np.ndarray, y: np.ndarray, t: np.ndarray) -> None:
        t = np.asarray(t, dtype="datetime64[us]")
        keep = np.isfinite(x) & np.isfinite(y) & ~np.isnat(t)
        self.x, self.y, self.t = np.asarray(x)[keep], np.asarray(y)[keep], t[keep]
        self.index = PointIndex(self.x, self.y)

    def counts(
        self, geoms: Sequence[Any], edges: np.ndarray, exclude: Sequence[Any] | None = None
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

        Returns
        -------
        ndarray, shape (places, months)
        """
        edges = np.asarray(edges, dtype="datetime64[us]")
        n = len(edges) - 1
        out = np.zeros((len(geoms), max(n, 0)), dtype="int64")
        if n <= 0:
            return out
        for k, g in enumerate(geoms):
            if g is None or g.is_empty:
                continue
            cand = self.index.box(*g.bounds)
            if not len(cand):
                continue
            inside = shapely.intersects_xy(g, self.x[cand], self.y[cand])
            if exclude is not None and exclude[k] is not None:
                inside &= ~shapely.intersects_xy(exclude[k], self.x[cand], self.y[cand])
            month = np.searchsorted(edges, self.t[cand[inside]], side="right") - 1
            month = month[(month >= 0) & (month < n)]
            out[k] = np.bincount(month, minlength=n)[:n]
        return out
