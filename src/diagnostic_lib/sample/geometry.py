"""Geometry helpers of the sample: local coordinates, cleaning, location, sampling, WKT.

The town is drawn in local metres (origin at its south-west corner) and published in
EPSG:32188. These helpers build clean shapes (0.1 m grid, normalised, oriented), find the
polygon holding each point, draw uniform points in polygons or along a line, snap points
to nodes, and write deterministic WKT (independent of the GEOS version).
"""

from __future__ import annotations

import math
from collections.abc import Sequence
from typing import Any

import numpy as np
import shapely

from .constants import _ORIGIN


def _L(x: float, y: float) -> tuple[float, float]:
    """Local (town) metres to EPSG:32188 coordinates of the first copy of the town."""
    return (_ORIGIN[0] + x, _ORIGIN[1] + y)


def _rect(cx: float, cy: float, w: float, h: float, angle_deg: float = 0.0) -> shapely.Polygon:
    """A ``w`` × ``h`` rectangle centred on local (cx, cy), rotated by ``angle_deg``."""
    a = math.radians(angle_deg)
    ca, sa = math.cos(a), math.sin(a)
    pts = []
    for dx, dy in ((-w / 2, -h / 2), (w / 2, -h / 2), (w / 2, h / 2), (-w / 2, h / 2)):
        pts.append(_L(cx + dx * ca - dy * sa, cy + dx * sa + dy * ca))
    return shapely.Polygon(pts)


def _clean(geom: Any) -> Any:
    """Snap to a 0.1 m grid, normalise and orient (exterior counter-clockwise)."""
    geom = shapely.set_precision(geom, 0.1)
    geom = shapely.normalize(geom)
    if geom.geom_type in ("Polygon", "MultiPolygon"):
        geom = shapely.orient_polygons(geom)
    return geom


def _locate(polys: np.ndarray, x: np.ndarray, y: np.ndarray) -> np.ndarray:
    """Index of the polygon containing each point (-1 outside all), vectorised."""
    x = np.asarray(x, dtype=float)
    y = np.asarray(y, dtype=float)
    out = np.full(x.shape, -1, dtype=np.int16)
    ok = np.isfinite(x) & np.isfinite(y)
    for i, poly in enumerate(polys):
        x0, y0, x1, y1 = poly.bounds
        cand = np.flatnonzero(ok & (out < 0) & (x >= x0) & (x <= x1) & (y >= y0) & (y <= y1))
        if cand.size:
            inside = shapely.intersects_xy(poly, x[cand], y[cand])
            out[cand[inside]] = i
    return out


class _AreaSampler:
    """Uniform points in polygons, through a constrained Delaunay triangulation."""

    def __init__(self, polys: Sequence[Any]):
        tris = []
        for poly in polys:
            parts = shapely.get_parts(shapely.constrained_delaunay_triangles(poly))
            tris.append(shapely.get_coordinates(parts).reshape(-1, 4, 2)[:, :3, :])
        self.tri = np.concatenate(tris)
        a, b, c = self.tri[:, 0], self.tri[:, 1], self.tri[:, 2]
        areas = 0.5 * np.abs(
            (b[:, 0] - a[:, 0]) * (c[:, 1] - a[:, 1]) - (c[:, 0] - a[:, 0]) * (b[:, 1] - a[:, 1])
        )
        self.cum = np.cumsum(areas)
        counts = np.array([len(t) for t in tris])
        self.first = np.concatenate([[0], np.cumsum(counts)[:-1]])
        self.last = np.cumsum(counts) - 1
        self.lo = np.where(self.first > 0, self.cum[np.maximum(self.first - 1, 0)], 0.0)
        self.hi = self.cum[self.last]
        self.flat = np.ascontiguousarray(np.c_[a, b - a, c - a])

    def sample(self, which: np.ndarray, rng: np.random.Generator) -> tuple[np.ndarray, np.ndarray]:
        """One uniform point in polygon ``which[i]`` for each i."""
        which = np.asarray(which, dtype=np.intp)
        n = which.size
        target = self.lo[which] + rng.random(n) * (self.hi[which] - self.lo[which])
        k = np.searchsorted(self.cum, target, side="right")
        k = np.clip(k, self.first[which], self.last[which])
        r1, r2 = rng.random(n), rng.random(n)
        flip = r1 + r2 > 1
        r1[flip], r2[flip] = 1 - r1[flip], 1 - r2[flip]
        t = self.flat[k]  # (n, 6): ax, ay, bx - ax, by - ay, cx - ax, cy - ay
        return t[:, 0] + r1 * t[:, 2] + r2 * t[:, 4], t[:, 1] + r1 * t[:, 3] + r2 * t[:, 5]


def _round01(v: np.ndarray) -> np.ndarray:
    return np.round(v, 1)


def _along(line: shapely.LineString, n: int, rng: np.random.Generator, sd: float, clip: float):
    """Points along ``line`` (uniform) with a Gaussian perpendicular offset (clipped)."""
    c = shapely.get_coordinates(line)
    seg = np.diff(c, axis=0)
    seg_len = np.hypot(seg[:, 0], seg[:, 1])
    cum = np.concatenate([[0.0], np.cumsum(seg_len)])
    s = rng.random(n) * cum[-1]
    k = np.clip(np.searchsorted(cum, s, side="right") - 1, 0, len(seg) - 1)
    u = seg[k] / seg_len[k, None]
    frac = (s - cum[k])[:, None]
    base = c[k] + frac * u
    off = np.clip(rng.normal(0, sd, n), -clip, clip)
    return base[:, 0] - u[:, 1] * off, base[:, 1] + u[:, 0] * off


def _snap_to(nodes: np.ndarray, x: np.ndarray, y: np.ndarray) -> tuple[np.ndarray, np.ndarray]:
    """Snap points to the nearest of a few nodes (geocoding to an intersection)."""
    d = (x[:, None] - nodes[None, :, 0]) ** 2 + (y[:, None] - nodes[None, :, 1]) ** 2
    k = d.argmin(axis=1)
    return nodes[k, 0], nodes[k, 1]


def _wkt(geom: Any) -> str | None:
    """Deterministic WKT with 0.1 m precision (independent of the GEOS version)."""
    if geom is None:
        return None

    def ring(coords: np.ndarray) -> str:
        return "(" + ", ".join(f"{x:.1f} {y:.1f}" for x, y in coords) + ")"

    t = geom.geom_type
    if t == "Point":
        return f"POINT ({geom.x:.1f} {geom.y:.1f})"
    if t == "LineString":
        return "LINESTRING " + ring(shapely.get_coordinates(geom))
    if t == "Polygon":
        rings = [geom.exterior, *geom.interiors]
        return "POLYGON (" + ", ".join(ring(shapely.get_coordinates(r)) for r in rings) + ")"
    if t == "MultiPolygon":
        parts = []
        for p in geom.geoms:
            rings = [p.exterior, *p.interiors]
            parts.append("(" + ", ".join(ring(shapely.get_coordinates(r)) for r in rings) + ")")
        return "MULTIPOLYGON (" + ", ".join(parts) + ")"
    raise TypeError(t)  # pragma: no cover


def _bbox(geom: Any) -> list[float]:
    return [round(v, 1) for v in geom.bounds]
