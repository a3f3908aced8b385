"""Sectors made as a regular grid, for a force that has no sectors boundary file.

``[data.sectors] grid_m = 500`` (and ``shape = "square"`` or ``"hex"``) asks for
sectors built as a grid of cells of that size (:func:`grid_sectors`):

- with no boundary file (no ``path``), the grid covers the located incidents'
  extent, and only the cells that hold at least one located incident are kept
  (a wide rural extent is not thousands of empty sectors);
- with a boundary file (``path`` too), the grid covers the boundary's area and
  every cell is clipped to it, empty or not; a cell cut in several pieces stays
  one sector (a MultiPolygon), and only polygons are kept.

The cells are numbered by row and column from the south-west (``G-r03c07`` for a
square cell, ``H-r03c07`` for a hexagon); the lattice's origin is a multiple of
the cell's size, so a cell keeps its footprint whatever the data's extent. A hexagon
has the area of the square of side ``grid_m``. The name of a cell is its id; its
population is unknown (NaN: no rates).

Examples
--------
>>> import shapely
>>> g = grid_sectors(shapely.box(0, 0, 1000, 500), 500, crs="EPSG:32188")
>>> g["sector_id"].tolist()
['G-r00c00', 'G-r00c01']
"""

from __future__ import annotations

from typing import Any

import numpy as np
import pandas as pd

from ..config import GRID_SHAPES as SHAPES
from ..errors import DataError, bilingual

MAX_CELLS: int = 1_000_000
"""Most cells of the lattice over an extent (a larger grid is refused)."""

PREFIX: dict[str, str] = {"square": "G", "hex": "H"}
"""The first letter of a grid cell's id, by shape."""

HEX_AREA_FACTOR: float = 3 * np.sqrt(3) / 2
"""Area of a regular hexagon of side 1."""


def grid_sectors(
    area: Any,
    size_m: float,
    *,
    shape: str = "square",
    crs: Any = None,
    points: tuple[np.ndarray, np.ndarray] | None = None,
) -> pd.DataFrame:
    """Sectors as a regular grid of square or hexagonal cells (see the module documentation).

    Parameters
    ----------
    area : GeoDataFrame, shapely geometry or (xmin, ymin, xmax, ymax)
        Where the grid goes. A geometry (or a layer, whose union is used) clips
        the cells: every cell that meets it is kept, cut to it, polygons only. A
        bounds tuple is not clipped.
    size_m : float
        Side of a square cell in metres; a hexagon has the same area.
    shape : {"square", "hex"}
    crs : CRS, optional
        The CRS of the result (default: ``area``'s when it is a layer).
    points : (x, y) arrays, optional
        When given, only the cells holding at least one of the points are kept
        (with a bounds ``area``: the grid over the incidents' extent).

    Returns
    -------
    GeoDataFrame
        The canonical sectors schema: ``sector_id`` (``G-r03c07``: row and column from
        the south-west), ``name`` (the id), ``population`` (NaN), ``source_row`` (the
        cell's rank, from 1) and ``geometry`` (Polygon or MultiPolygon), sorted by row
        then column.

    Raises
    ------
    DataError
        A size that is not positive, an unknown shape, or a grid of more than
        :data:`MAX_CELLS` cells.

    Examples
    --------
    >>> import numpy as np, shapely
    >>> g = grid_sectors(shapely.box(0, 0, 1000, 1000), 500, crs="EPSG:32188")
    >>> len(g), round(float(g.area.iloc[0]))
    (4, 250000)
    >>> x, y = np.array([10.0, 20.0, 990.0]), np.array([10.0, 10.0, 990.0])
    >>> h = grid_sectors((0, 0, 1000, 1000), 500, shape="hex", points=(x, y))
    >>> len(h), h.geom_type.unique().tolist()
    (2, ['Polygon'])
    """
    import shapely

    if isinstance(size_m, bool) or not size_m > 0 or not np.isfinite(size_m):
        raise DataError(bilingual("loaders.error.grid_size", value=repr(size_m)))
    if shape not in SHAPES:
        known = ", ".join(SHAPES)
        raise DataError(bilingual("loaders.error.grid_shape", value=repr(shape), known=known))
    clip = None
    if hasattr(area, "geometry"):
        crs = area.crs if crs is None else crs
        clip = shapely.union_all(np.asarray(area.geometry.array))
    elif isinstance(area, shapely.Geometry):
        clip = area
    bounds = clip.bounds if clip is not None else tuple(float(v) for v in area)
    lattice = _Lattice(shape, float(size_m), bounds)
    if points is not None:
        rows, cols = lattice.cell_of(np.asarray(points[0]), np.asarray(points[1]))
        pairs = np.unique(np.c_[rows, cols], axis=0) if len(rows) else np.empty((0, 2), int)
        rows, cols = pairs[:, 0], pairs[:, 1]
    else:
        rows, cols = lattice.cover()
    geoms = lattice.polygons(rows, cols)
    if clip is not None and len(geoms):
        keep, geoms = _clip(geoms, clip)
        rows, cols = rows[keep], cols[keep]
    order = np.lexsort((cols, rows))
    rows, cols, geoms = rows[order], cols[order], geoms[order]
    return _frame(_ids(PREFIX[shape], rows, cols), geoms, crs)


def grid_over_points(
    x: np.ndarray, y: np.ndarray, size_m: float, *, shape: str = "square", crs: Any = None
) -> tuple[pd.DataFrame, np.ndarray]:
    """The grid over the points' extent (cells holding one) and the cell id of each point.

    The same cells as ``grid_sectors((xmin, ymin, xmax, ymax), size_m, points=(x, y))``;
    each point's cell comes from the lattice itself (no point-in-polygon test), so
    that the incidents read once to find their extent need not be read again to
    be assigned to the cells.

    Parameters
    ----------
    x, y : numpy.ndarray
        The points (finite coordinates, in the CRS of the grid); at least one.
    size_m : float
        Side of a square cell in metres; a hexagon has the same area.
    shape : {"square", "hex"}
    crs : CRS, optional
        The CRS of the grid.

    Returns
    -------
    (GeoDataFrame, numpy.ndarray)
        The grid (as :func:`grid_sectors` returns it) and, for each point, the
        ``sector_id`` of its cell.

    Raises
    ------
    DataError
        As :func:`grid_sectors` (a bad size or shape, too many cells).

    Examples
    --------
    >>> import numpy as np
    >>> g, ids = grid_over_points(np.array([10.0, 20.0, 990.0]), np.array([10.0, 10.0, 990.0]),
    ...                           500, crs="EPSG:32188")
    >>> g["sector_id"].tolist(), ids.tolist()
    (['G-r00c00', 'G-r01c01'], ['G-r00c00', 'G-r00c00', 'G-r01c01'])
    """
    x, y = np.asarray(x, dtype="float64"), np.asarray(y, dtype="float64")
    if isinstance(size_m, bool) or not size_m > 0 or not np.isfinite(size_m):
        raise DataError(bilingual("loaders.error.grid_size", value=repr(size_m)))
    if shape not in SHAPES:
        known = ", ".join(SHAPES)
        raise DataError(bilingual("loaders.error.grid_shape", value=repr(shape), known=known))
    bounds = (x.min(), y.min(), x.max(), y.max())
    lattice = _Lattice(shape, float(size_m), bounds)
    rows, cols = lattice.cell_of(x, y)
    r0, c0 = rows.min(), cols.min()
    width = int(cols.max() - c0 + 1)
    cells, which = np.unique((rows - r0) * width + (cols - c0), return_inverse=True)
    urows, ucols = cells // width + r0, cells % width + c0  # sorted by row then column
    ids = _ids(PREFIX[shape], urows, ucols)
    return _frame(ids, lattice.polygons(urows, ucols), crs), ids[which.ravel()]


def _frame(ids: np.ndarray, geoms: np.ndarray, crs: Any) -> pd.DataFrame:
    """The canonical sectors table of grid cells (``ids`` in the cells' order)."""
    import geopandas as gpd

    return gpd.GeoDataFrame(
        {
            "sector_id": pd.array(ids, dtype="str"),
            "name": pd.array(ids, dtype="str"),
            "population": np.full(len(ids), np.nan),
            "source_row": np.arange(1, len(ids) + 1, dtype="int64"),
        },
        geometry=gpd.GeoSeries(geoms, crs=crs),
    )


class _Lattice:
    """The cells of a square or flat-topped hexagonal lattice anchored on multiples of its size."""

    def __init__(self, shape: str, size: float, bounds: tuple[float, ...]) -> None:
        self.shape = shape
        self.bounds = bounds
        if shape == "square":
            self.dx = self.dy = size
            self.side = size
        else:
            self.side = size / np.sqrt(HEX_AREA_FACTOR)
            self.dx, self.dy = 1.5 * self.side, np.sqrt(3) * self.side
        # an even number of columns to the origin: a hexagon column keeps its offset
        self.x0 = np.floor(bounds[0] / (2 * self.dx)) * 2 * self.dx
        self.y0 = np.floor(bounds[1] / self.dy) * self.dy
        extra = 2 if shape == "hex" else 1
        ncol = int(np.floor((bounds[2] - self.x0) / self.dx)) + extra
        nrow = int(np.floor((bounds[3] - self.y0) / self.dy)) + extra
        if ncol * nrow > MAX_CELLS:
            message = bilingual("loaders.error.grid_too_many", n=f"{ncol * nrow:,}", size=size)
            raise DataError(message)
        self.ncol, self.nrow = ncol, nrow

    def _centres(self, rows: np.ndarray, cols: np.ndarray) -> tuple[np.ndarray, np.ndarray]:
        half = 0.5 if self.shape == "square" else 0.0
        cx = self.x0 + (cols + half) * self.dx
        cy = self.y0 + (rows + 0.5) * self.dy
        if self.shape == "hex":
            cy = cy + np.where(cols % 2 == 1, 0.5 * self.dy, 0.0) - 0.5 * self.dy
        return cx, cy

    def cover(self) -> tuple[np.ndarray, np.ndarray]:
        """Every cell that may meet the bounds (a margin of one cell for hexagons)."""
        lo = -1 if self.shape == "hex" else 0
        rr, cc = np.meshgrid(np.arange(lo, self.nrow), np.arange(lo, self.ncol), indexing="ij")
        return rr.ravel(), cc.ravel()

    def cell_of(self, x: np.ndarray, y: np.ndarray) -> tuple[np.ndarray, np.ndarray]:
        """Row and column of the cell holding each point (the nearest centre, for hexagons)."""
        ok = np.isfinite(x) & np.isfinite(y)
        x, y = x[ok], y[ok]
        if self.shape == "square":
            cols = np.floor((x - self.x0) / self.dx).astype("int64")
            rows = np.floor((y - self.y0) / self.dy).astype("int64")
            return rows, cols
        c0 = np.rint((x - self.x0) / self.dx).astype("int64")
        best = np.full(len(x), np.inf)
        rows = np.zeros(len(x), dtype="int64")
        cols = np.zeros(len(x), dtype="int64")
        for dc in (-1, 0, 1):
            c = c0 + dc
            shift = np.where(c % 2 == 1, 0.5 * self.dy, 0.0)
            r0 = np.rint((y - self.y0 - shift) / self.dy).astype("int64")
            for dr in (-1, 0, 1):
                r = r0 + dr
                cx, cy = self._centres(r, c)
                d = (cx - x) ** 2 + (cy - y) ** 2
                better = d < best
                best[better], rows[better], cols[better] = d[better], r[better], c[better]
        return rows, cols

    def polygons(self, rows: np.ndarray, cols: np.ndarray) -> np.ndarray:
        """The cells' polygons."""
        import shapely

        cx, cy = self._centres(rows, cols)
        if self.shape == "square":
            h = self.side / 2
            return np.asarray(shapely.box(cx - h, cy - h, cx + h, cy + h), dtype=object)
        angles = np.deg2rad(np.arange(0, 420, 60))
        ring = np.stack(
            [
                cx[:, None] + self.side * np.cos(angles)[None, :],
                cy[:, None] + self.side * np.sin(angles)[None, :],
            ],
            axis=-1,
        )
        return np.asarray(shapely.polygons(ring), dtype=object)


def _clip(cells: np.ndarray, boundary: Any) -> tuple[np.ndarray, np.ndarray]:
    """Cells cut to the boundary, polygons only; which cells keep an area."""
    import shapely

    shapely.prepare(boundary)
    meets = np.asarray(shapely.intersects(boundary, cells), dtype=bool)
    out = cells.copy()
    inside = np.zeros(len(cells), dtype=bool)
    inside[meets] = shapely.contains_properly(boundary, cells[meets])
    part = meets & ~inside
    if part.any():
        out[part] = [_polygonal(g) for g in shapely.intersection(cells[part], boundary)]
    area = np.where(meets, shapely.area(out), 0.0)
    keep = area > 0
    return keep, out[keep]


def _polygonal(geom: Any) -> Any:
    """The polygons of a geometry, as one Polygon or MultiPolygon (lines and points dropped).

    Examples
    --------
    >>> import shapely
    >>> line = shapely.LineString([(2, 2), (3, 3)])
    >>> gc = shapely.GeometryCollection([shapely.box(0, 0, 1, 1), line])
    >>> _polygonal(gc).geom_type
    'Polygon'
    """
    import shapely

    if geom.geom_type in ("Polygon", "MultiPolygon"):
        return geom
    parts = [p for p in shapely.get_parts(geom) if p.geom_type in ("Polygon", "MultiPolygon")]
    polys = [q for p in parts for q in shapely.get_parts(p) if q.area > 0]
    if not polys:
        return shapely.Polygon()
    return polys[0] if len(polys) == 1 else shapely.MultiPolygon(polys)


def _ids(prefix: str, rows: np.ndarray, cols: np.ndarray) -> np.ndarray:
    """``G-r03c07``: row and column from the south-west-most cell, zero-padded alike."""
    if not len(rows):
        return np.array([], dtype=object)
    r, c = rows - rows.min(), cols - cols.min()
    width = max(2, len(str(int(max(r.max(), c.max())))))
    return np.array(
        [f"{prefix}-r{a:0{width}d}c{b:0{width}d}" for a, b in zip(r, c, strict=True)], dtype=object
    )
