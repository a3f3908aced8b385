"""The positions stage of the incidents loader: where each event occurred, and how precisely.

A position comes from the first source the file has, in this order: a GIS
geometry or WKT column (a non-point geometry gives its representative point,
flagged ``geometry_wrong_type``), projected ``x``/``y`` columns (in the preset's
CRS, the given ``source_crs``, or guessed), then ``lon``/``lat`` columns
(WGS84). Placeholder positions that some exports write for "unknown"
(:data:`PLACEHOLDER_XY`, :data:`PLACEHOLDER_LONLAT`) and unreadable or
out-of-range coordinates give no position. The precision is the one given
(``precision`` column), else the preset's, else ``exact``; a ``sector`` or
``none`` precision drops the point. A row without a position is kept and
flagged (``position_missing``, ``position_placeholder`` or ``position_invalid``):
it counts in the totals but stays off the maps.

Examples
--------
>>> import pandas as pd
>>> from diagnostic_lib.ledger import Ledger
>>> from diagnostic_lib.loaders.context import _Ctx, _open
>>> raw = _open(pd.DataFrame({"lon": ["-73.6", "1"], "lat": ["45.5", "1"]}),
...             "incidents", None, None, None, None)
>>> ctx = _Ctx("incidents", raw, {"lon": "lon", "lat": "lat"}, Ledger())
>>> pos = _incident_positions(ctx, {}, "EPSG:32188", None)
>>> pos.has_point.tolist(), ctx.ledger.entries["reason"].tolist()
([True, False], ['position_placeholder'])
"""

from __future__ import annotations

from collections.abc import Callable, Mapping
from dataclasses import dataclass
from typing import Any

import numpy as np

from .context import _Ctx
from .geometry import _geometry_from_source, _guess_crs, _transform
from .parsing import parse_floats
from .vocabulary import PRECISION_ALIASES, alias_codes

PLACEHOLDER_XY = ((0.0, 0.0),)
"""Projected ``(x, y)`` pairs that mean "no position" (SPVM writes ``X = Y = 0``)."""
PLACEHOLDER_LONLAT = ((1.0, 1.0), (0.0, 0.0))
"""``(lon, lat)`` pairs that mean "no position" (SPVM writes ``LONGITUDE = LATITUDE = 1``)."""


@dataclass
class _Positions:
    """Each row's point (analysis CRS) and precision, and how to name its source in the ledger.

    Attributes
    ----------
    x, y : numpy.ndarray of float
        Coordinates (NaN without a point).
    has_point : numpy.ndarray of bool
        Rows with a point (updated by the sectors stage for points outside).
    precision : numpy.ndarray of str
        Location precision (``sector``/``none`` rows have no point).
    column : str or None
        The position's source column (``None``: the file has none).
    values : array-like or None
        The position as written, for ledger entries (made only if one is needed).
    """

    x: np.ndarray
    y: np.ndarray
    has_point: np.ndarray
    precision: np.ndarray
    column: str | None
    values: Any


class _Lazy:
    """An array made on first use (``np.asarray`` on it), e.g. ledger values of flagged rows."""

    def __init__(self, make: Callable[[], np.ndarray]) -> None:
        self._make, self._value = make, None

    def __array__(self, dtype: Any = None, copy: Any = None) -> np.ndarray:
        if self._value is None:
            self._value = self._make()
        return np.asarray(self._value, dtype=dtype)


def _incident_positions(
    ctx: _Ctx,
    opts: Mapping[str, Any],
    acrs: Any,
    source_crs: Any,
    xy_guess: Any = None,
    xy_read: _ReadXY | None = None,
) -> _Positions:
    """The positions stage (see the module documentation).

    ``xy_guess`` is the CRS of ``x``/``y`` guessed on the whole file
    (:func:`_guess_xy_crs`) when the stage runs on a chunk of it; by default it
    is guessed on the rows at hand. ``xy_read`` is the chunk's ``x``/``y`` as that
    guess read them (:func:`_read_xy`), so that they are not parsed twice.
    """
    n = len(ctx.raw.frame)
    px = np.full(n, np.nan)
    py = np.full(n, np.nan)
    placeholder = np.zeros(n, dtype=bool)
    invalid = np.zeros(n, dtype=bool)
    pos_col = None
    if ctx.raw.geometry is not None or ctx.has("wkt"):
        pos_col = "wkt" if ctx.has("wkt") else "geometry"
        _points_from_geometry(ctx, acrs, source_crs, pos_col, px, py)
    if ctx.has("x") and ctx.has("y"):
        pos_col = pos_col or "x"
        xy_crs = opts.get("xy_crs") or source_crs or xy_guess
        ph, bad = _points_from_xy(ctx, xy_crs, acrs, px, py, xy_read)
        placeholder |= ph
        invalid |= bad
    if ctx.has("lon") and ctx.has("lat"):
        pos_col = pos_col or "lon"
        ph, bad = _points_from_lonlat(ctx, acrs, px, py)
        placeholder |= ph
        invalid |= bad
    has_pt = np.isfinite(px) & np.isfinite(py)

    # precision (given, or preset default, or "exact"); sector/none precision drop the point
    default_prec = opts.get("precision") or "exact"
    prec = np.full(n, default_prec, dtype=object)
    if ctx.has("precision"):
        pt = alias_codes(ctx.col("precision"), PRECISION_ALIASES)
        given = (pt != "") & (pt != "?")
        prec = np.where(given, pt, prec)
    coarse = np.isin(prec, ["sector", "none"])
    has_pt &= ~coarse

    pos_vals = _written_positions(ctx)
    _flag_missing_positions(ctx, pos_col, pos_vals, ~has_pt & ~coarse, placeholder, invalid)
    return _Positions(px, py, has_pt, prec, pos_col, pos_vals)


def _points_from_geometry(
    ctx: _Ctx, acrs: Any, source_crs: Any, pos_col: str, px: np.ndarray, py: np.ndarray
) -> None:
    """Fill ``px``/``py`` from the file's geometries (representative point of non-points)."""
    import shapely

    n = len(px)
    geoms, present = _geometry_from_source(ctx, acrs, source_crs)
    if present.any():
        pts = np.asarray(geoms[present])
        not_point = shapely.get_type_id(pts) != 0
        if not_point.any():
            m = np.zeros(n, dtype=bool)
            m[np.flatnonzero(present)[not_point]] = True
            ctx.flag(
                m,
                pos_col,
                "geometry_wrong_type",
                detail="not a point: its representative point is used",
            )
            pts = np.where(not_point, shapely.point_on_surface(pts), pts)
        px[present] = shapely.get_x(pts)
        py[present] = shapely.get_y(pts)


@dataclass
class _ReadXY:
    """The ``x``/``y`` columns parsed (:func:`~.parsing.parse_floats`): values, unreadable."""

    xs: np.ndarray
    ys: np.ndarray
    bad_x: np.ndarray
    bad_y: np.ndarray

    def rows(self, lo: int, hi: int) -> _ReadXY:
        """The rows ``lo:hi`` (views)."""
        return _ReadXY(self.xs[lo:hi], self.ys[lo:hi], self.bad_x[lo:hi], self.bad_y[lo:hi])


def _read_xy(ctx: _Ctx) -> _ReadXY:
    """The ``x``/``y`` columns of ``ctx``, parsed once."""
    xs, bad_x = parse_floats(ctx.col("x"))
    ys, bad_y = parse_floats(ctx.col("y"))
    return _ReadXY(xs, ys, bad_x, bad_y)


def _guess_xy_crs(ctx: _Ctx, acrs: Any, xy_read: _ReadXY | None = None) -> Any:
    """The CRS of the ``x``/``y`` columns as :func:`_points_from_xy` guesses it on every row.

    Only for a file without a geometry or WKT column (whose points come first).
    ``None`` when no row has a usable pair. ``xy_read``: the columns already parsed.
    """
    read = xy_read if xy_read is not None else _read_xy(ctx)
    xs, ys = read.xs, read.ys
    ph = np.zeros(len(xs), dtype=bool)
    for a, b in PLACEHOLDER_XY:
        ph |= (xs == a) & (ys == b)
    ok = np.isfinite(xs) & np.isfinite(ys) & ~ph
    return _guess_crs(xs[ok], ys[ok], acrs) if ok.any() else None


def _points_from_xy(
    ctx: _Ctx,
    xy_crs: Any,
    acrs: Any,
    px: np.ndarray,
    py: np.ndarray,
    xy_read: _ReadXY | None = None,
) -> tuple[np.ndarray, np.ndarray]:
    """Fill the rows still without a point from ``x``/``y``; return (placeholder, invalid)."""
    read = xy_read if xy_read is not None else _read_xy(ctx)
    xs, ys, bx, by = read.xs, read.ys, read.bad_x, read.bad_y
    ph = np.zeros(len(px), dtype=bool)
    for a, b in PLACEHOLDER_XY:
        ph |= (xs == a) & (ys == b)
    ok = np.isfinite(xs) & np.isfinite(ys) & ~ph & np.isnan(px)
    if ok.any():
        src = xy_crs or _guess_crs(xs[ok], ys[ok], acrs)
        tx, ty = _transform(xs[ok], ys[ok], src, acrs)
        px[ok], py[ok] = tx, ty
    return ph, bx | by


def _points_from_lonlat(
    ctx: _Ctx, acrs: Any, px: np.ndarray, py: np.ndarray
) -> tuple[np.ndarray, np.ndarray]:
    """Fill the rows still without a point from ``lon``/``lat``; return (placeholder, invalid)."""
    lo, bl = parse_floats(ctx.col("lon"))
    la, bla = parse_floats(ctx.col("lat"))
    ph = np.zeros(len(px), dtype=bool)
    for a, b in PLACEHOLDER_LONLAT:
        ph |= (lo == a) & (la == b)
    rng = np.isfinite(lo) & np.isfinite(la) & ((np.abs(lo) > 180) | (np.abs(la) > 90))
    ok = np.isfinite(lo) & np.isfinite(la) & ~ph & ~rng & np.isnan(px)
    if ok.any():
        tx, ty = _transform(lo[ok], la[ok], "EPSG:4326", acrs)
        px[ok], py[ok] = tx, ty
    return ph, bl | bla | rng


def _written_positions(ctx: _Ctx) -> _Lazy | None:
    """The position as written (``x;y`` or ``lon;lat``), for the ledger: made only if used."""
    if ctx.has("x"):
        return _Lazy(lambda: (ctx.text("x") + ";" + ctx.text("y")).to_numpy(dtype=object))
    if ctx.has("lon"):
        return _Lazy(lambda: (ctx.text("lon") + ";" + ctx.text("lat")).to_numpy(dtype=object))
    return None


def _flag_missing_positions(
    ctx: _Ctx,
    pos_col: str | None,
    pos_vals: Any,
    no_pos: np.ndarray,
    placeholder: np.ndarray,
    invalid: np.ndarray,
) -> None:
    """Flag rows kept without a position, or note that the file has no position at all."""
    if pos_col is None:
        ctx.note("loaders.note.no_position")
        return
    ctx.flag(no_pos & placeholder, pos_col, "position_placeholder", values=pos_vals)
    ctx.flag(no_pos & ~placeholder & invalid, pos_col, "position_invalid", values=pos_vals)
    ctx.flag(no_pos & ~placeholder & ~invalid, pos_col, "position_missing")
