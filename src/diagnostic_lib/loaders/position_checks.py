"""Positions checked against the sectors' extent: a whole file read in the wrong way.

A file whose ``x`` and ``y`` columns are exchanged, or whose ``lon`` and
``lat`` are, gives points that are all valid numbers and all far from the
municipality: each row would be rejected as *outside the municipality*, and
nothing would say why. Before rows are matched to sectors, the incidents
loader checks the layer as a whole: when most located rows fall outside the
sectors' extent (widened by :data:`MARGIN` of its size), it tries the
coordinates exchanged. If most of them then fall inside, the load stops with
an error that says which columns to exchange; otherwise a note says that most
positions lie outside the sectors and what to check.

Examples
--------
>>> bounds = (0.0, 0.0, 1000.0, 1000.0)
>>> inside_share(np.array([10.0, 2000.0]), np.array([10.0, 10.0]), bounds)
0.5
"""

from __future__ import annotations

from typing import Any

import numpy as np

from ..errors import DataError, bilingual
from .context import _Ctx
from .geometry import _guess_crs, _transform
from .parsing import parse_floats

MARGIN: float = 0.1
"""Widening of the sectors' extent (share of its width and height) for the check."""
MIN_LOCATED: int = 10
"""Fewest located rows for a verdict on the layer."""
MAX_OUTSIDE_SHARE: float = 0.5
"""Above this share of located rows outside the extent, the layer is examined."""


def inside_share(xs: np.ndarray, ys: np.ndarray, bounds: tuple[float, ...]) -> float:
    """Share of the finite points within ``bounds`` widened by :data:`MARGIN`.

    Parameters
    ----------
    xs, ys : numpy.ndarray
        Coordinates (NaN for rows without a point).
    bounds : (xmin, ymin, xmax, ymax)
        The sectors' extent, in the same CRS.

    Returns
    -------
    float
        NaN when no point is finite.

    Examples
    --------
    >>> inside_share(np.array([np.nan]), np.array([np.nan]), (0, 0, 1, 1))
    nan
    """
    ok = np.isfinite(xs) & np.isfinite(ys)
    if not ok.any():
        return float("nan")
    x0, y0, x1, y1 = bounds
    dx, dy = (x1 - x0) * MARGIN, (y1 - y0) * MARGIN
    x, y = xs[ok], ys[ok]
    inside = (x >= x0 - dx) & (x <= x1 + dx) & (y >= y0 - dy) & (y <= y1 + dy)
    return float(inside.mean())


def _check_positions_layer(
    ctx: _Ctx,
    px: np.ndarray,
    py: np.ndarray,
    source: str | None,
    xy_crs: Any,
    acrs: Any,
    bounds: tuple[float, ...] | None,
) -> None:
    """Stop on exchanged coordinate columns; note a layer mostly outside the sectors.

    Parameters
    ----------
    ctx : _Ctx
        The file being loaded.
    px, py : numpy.ndarray
        The rows' points in the analysis CRS (NaN without one).
    source : {"x", "lon", "geometry", "wkt"} or None
        Which columns the points came from.
    xy_crs : CRS-like or None
        The CRS of ``x``/``y`` (the preset's or ``source_crs``), if given.
    acrs : CRS-like
        The analysis CRS.
    bounds : tuple or None
        The sectors' extent in the analysis CRS (``None``: nothing to check).

    Raises
    ------
    DataError
        The points fall inside the sectors once ``x``/``y`` (or ``lon``/``lat``)
        are exchanged.
    """
    located = np.isfinite(px) & np.isfinite(py)
    if bounds is None or source is None or located.sum() < MIN_LOCATED:
        return
    if inside_share(px, py, bounds) >= 1 - MAX_OUTSIDE_SHARE:
        return
    swapped = _swapped_points(ctx, source, xy_crs, acrs)
    if swapped is not None and inside_share(*swapped, bounds) >= 1 - MAX_OUTSIDE_SHARE:
        key = (
            "loaders.error.crs_xy_swapped" if source == "x" else "loaders.error.crs_latlon_swapped"
        )
        crs_name = "EPSG:4326" if source == "lon" else str(xy_crs or acrs)
        raise DataError(f"{ctx.file}: {bilingual(key, crs=crs_name)}")
    ctx.note("loaders.note.outside_sectors", share=round(100 * (1 - inside_share(px, py, bounds))))


def _swapped_points(
    ctx: _Ctx, source: str, xy_crs: Any, acrs: Any
) -> tuple[np.ndarray, np.ndarray] | None:
    """The points with the two written coordinates exchanged (``None`` for GIS sources)."""
    if source == "x":
        xs, _ = parse_floats(ctx.col("x"))
        ys, _ = parse_floats(ctx.col("y"))
        ok = np.isfinite(xs) & np.isfinite(ys)
        if not ok.any():
            return None
        src = xy_crs or _guess_crs(ys[ok], xs[ok], acrs)
        tx, ty = _transform(ys[ok], xs[ok], src, acrs)
    elif source == "lon":
        lo, _ = parse_floats(ctx.col("lon"))
        la, _ = parse_floats(ctx.col("lat"))
        ok = np.isfinite(lo) & np.isfinite(la) & (np.abs(lo) <= 90) & (np.abs(la) <= 180)
        if not ok.any():
            return None
        tx, ty = _transform(la[ok], lo[ok], "EPSG:4326", acrs)
    else:
        return None
    return np.asarray(tx, dtype="float64"), np.asarray(ty, dtype="float64")


def _note_layer_outside(ctx: _Ctx, geoms: np.ndarray, sectors: Any, acrs: Any) -> None:
    """Note a GIS layer (measures, places) whose features mostly lie outside the sectors."""
    import shapely

    if sectors is None or not len(sectors):
        return
    arr = np.asarray(geoms, dtype=object)
    have = np.array([g is not None and not g.is_empty for g in arr], dtype=bool) & ctx.alive
    px = np.full(len(arr), np.nan)
    py = np.full(len(arr), np.nan)
    if have.any():
        pts = shapely.point_on_surface(arr[have].tolist())
        px[have], py[have] = shapely.get_x(pts), shapely.get_y(pts)
    bounds = tuple(float(v) for v in sectors.total_bounds)
    _check_positions_layer(ctx, px, py, "geometry", None, acrs, bounds)
