"""The analysis grid: square cells clipped to the municipality, and positions on it.

:func:`make_grid` builds the grid (cached by the content of the area, see
:mod:`._cache`), :func:`grid_counts` counts located incidents per cell by
arithmetic (no spatial join). The private helpers locate incidents
(:func:`_located`, :func:`_xy`, :func:`_cell_of`), map raster positions to
grid rows (:func:`_grid_lut`) and give the cells' neighbours and connected
components; the hot-spot and problem-finding modules share them.
"""

from __future__ import annotations

import warnings
from typing import Any

import numpy as np
import pandas as pd

from .. import settings
from .._points import X, Y, is_geo, located
from .._spatial import union_of
from ..cube import Cube, cell_counts, grid_params
from ._cache import ContentCache, digest

CELL_SIZE_M: float = settings.default("grid_cell_m")
"""Default side of a grid cell (m): the ``grid_cell_m`` setting."""


class GridWarning(UserWarning):
    """A grid whose cell size makes hot-spot analysis degenerate."""


def _located(incidents: pd.DataFrame) -> pd.DataFrame:
    """The rows with a position (neither missing nor empty); of a point table too."""
    return incidents[located(incidents)]


def _xy(incidents: pd.DataFrame) -> tuple[np.ndarray, np.ndarray]:
    """The coordinates of located incidents (see :func:`_located`)."""
    if not is_geo(incidents):
        return incidents[X].to_numpy(dtype="float64"), incidents[Y].to_numpy(dtype="float64")
    import shapely

    arr = np.asarray(incidents.geometry.array, dtype=object)
    return shapely.get_x(arr), shapely.get_y(arr)


def make_grid(
    area: Any, cell_size: float = CELL_SIZE_M, crs: Any = None, clip: bool = True
) -> pd.DataFrame:
    """A regular square grid over the municipality, clipped to it.

    Parameters
    ----------
    area : GeoDataFrame or shapely geometry
        The municipality (e.g. the sectors; their union is used).
    cell_size : float
        Side of a cell in metres (default: the ``grid_cell_m`` setting).
    crs : CRS, optional
        CRS of ``area`` when it is a bare geometry.
    clip : bool
        Clip cells to the municipality (Gi* is relative to the study area).

    Returns
    -------
    GeoDataFrame
        ``cell_id, row, col, area_share, geometry``; ``attrs["grid"]`` holds
        the origin and cell size used by :func:`grid_counts`.

    Warns
    -----
    GridWarning
        When the choice is degenerate: fewer than 30 cells (too coarse for a
        local statistic), more than 250,000 cells, or cells smaller than 25 m
        (below the positional accuracy of most exports).

    Examples
    --------
    >>> import shapely
    >>> g = make_grid(shapely.box(0, 0, 1000, 1000), cell_size=100, crs="EPSG:32188")
    >>> len(g), g.attrs["grid"]["cell_size"]
    (100, 100.0)
    """
    import shapely

    if cell_size <= 0:
        raise ValueError("cell_size must be positive (metres)")
    geoms = np.asarray(area.geometry.array) if hasattr(area, "geometry") else np.array([area])
    if hasattr(area, "geometry"):
        crs = area.crs
    # the same municipality is gridded many times (step 1, the report, widgets): cache by content
    wkb = shapely.to_wkb(geoms)
    key = (
        "make_grid",
        digest(b"".join(w or b"" for w in wkb)),
        float(cell_size),
        str(crs),
        bool(clip),
    )
    grid = _cached(key, lambda: _make_grid(area, cell_size, crs, clip)).copy()
    n = len(grid)
    if n < 30 or n > 250_000 or cell_size < 25:
        warnings.warn(
            f"degenerate grid: {n} cells of {cell_size:g} m "
            "(choose 30 to 250,000 cells of at least 25 m) / "
            f"grille dégénérée : {n} cellules de {cell_size:g} m",
            GridWarning,
            stacklevel=2,
        )
    return grid


def _make_grid(area: Any, cell_size: float, crs: Any, clip: bool) -> pd.DataFrame:
    import geopandas as gpd
    import shapely

    if hasattr(area, "geometry"):
        boundary = union_of(area.geometry.array)
    else:
        boundary = area
    x0, y0, x1, y1 = boundary.bounds
    ncol = max(int(np.ceil((x1 - x0) / cell_size)), 1)
    nrow = max(int(np.ceil((y1 - y0) / cell_size)), 1)
    if nrow * ncol > 4_000_000:
        raise ValueError(
            f"a {cell_size} m grid over this area has {nrow * ncol:,} cells; "
            "choose a larger cell_size"
        )
    rr, cc = np.meshgrid(np.arange(nrow), np.arange(ncol), indexing="ij")
    rr, cc = rr.ravel(), cc.ravel()
    cells = shapely.box(
        x0 + cc * cell_size,
        y0 + rr * cell_size,
        x0 + (cc + 1) * cell_size,
        y0 + (rr + 1) * cell_size,
    )
    share = np.ones(len(cells))
    if clip:
        shapely.prepare(boundary)
        inter = shapely.intersects(boundary, cells)
        cells, rr, cc = cells[inter], rr[inter], cc[inter]
        inside = shapely.contains_properly(boundary, cells)
        geoms = cells.copy()
        part = np.flatnonzero(~inside)
        if len(part):
            pieces = np.asarray(area.geometry.array) if hasattr(area, "geometry") else None
            geoms[part] = _clip_cells(cells[part], boundary, pieces)
        area_c = shapely.area(geoms)
        keep = area_c > 0
        cells, rr, cc, geoms, area_c = cells[keep], rr[keep], cc[keep], geoms[keep], area_c[keep]
        share = area_c / cell_size**2
        cells = geoms
    ids = pd.Series(rr).astype("str").radd("r") + pd.Series(cc).astype("str").radd("c")
    grid = gpd.GeoDataFrame(
        {"cell_id": ids.to_numpy(), "row": rr, "col": cc, "area_share": share},
        geometry=cells,
        crs=crs,
    )
    grid.attrs["grid"] = {
        "x0": float(x0),
        "y0": float(y0),
        "cell_size": float(cell_size),
        "nrow": nrow,
        "ncol": ncol,
    }
    return grid


def _clip_cells(cells: np.ndarray, boundary: Any, pieces: np.ndarray | None) -> np.ndarray:
    """``cells ∩ boundary``, where ``boundary`` is the union of ``pieces`` (the sectors).

    Each cell is cut by the few sectors it meets, not by the whole municipality:
    an overlay with the whole outline costs its number of vertices for every
    border cell, which grows with the square of a region's size.
    """
    import shapely

    if pieces is not None:
        pieces = pieces[~pd.isna(pd.Series(pieces)).to_numpy()]
        pieces = pieces[~np.asarray(shapely.is_empty(pieces), dtype=bool)]
    if pieces is None or len(pieces) < 2:
        return shapely.intersection(cells, boundary)
    i, j = shapely.STRtree(pieces).query(cells, predicate="intersects")
    bits = shapely.intersection(cells[i], pieces[j])
    keep = shapely.area(bits) > 0
    i, bits = i[keep], bits[keep]
    out = np.array([shapely.Polygon()] * len(cells), dtype=object)
    counts = np.bincount(i, minlength=len(cells))
    one = counts[i] == 1
    out[i[one]] = bits[one]
    several = ~one
    if several.any():
        order = np.argsort(i[several], kind="stable")
        ii, bb = i[several][order], bits[several][order]
        starts = np.flatnonzero(np.r_[True, ii[1:] != ii[:-1]])
        for a, b in zip(starts, np.r_[starts[1:], len(ii)], strict=True):
            out[ii[a]] = shapely.union_all(bb[a:b])
    return out


def grid_counts(incidents: pd.DataFrame, grid: pd.DataFrame) -> pd.Series:
    """Number of located incidents in each grid cell (arithmetic, no spatial join).

    Parameters
    ----------
    incidents : GeoDataFrame or Cube
        Canonical incidents, or their count cube built on ``grid``
        (:func:`diagnostic_lib.cube.build`): the same counts.
    grid : GeoDataFrame
        From :func:`make_grid`.

    Returns
    -------
    Series
        Aligned with ``grid``'s index (zeros included), named ``count``.

    Examples
    --------
    >>> import shapely, geopandas as gpd
    >>> g = make_grid(shapely.box(0, 0, 1000, 1000), cell_size=100, crs="EPSG:32188")
    >>> inc = gpd.GeoDataFrame(
    ...     geometry=gpd.points_from_xy([50, 55, 950], [50, 60, 950]), crs="EPSG:32188"
    ... )
    >>> c = grid_counts(inc, g)
    >>> int(c.sum()), int(c.max())
    (3, 2)
    """
    if isinstance(incidents, Cube):
        _check_cube_grid(incidents, grid)
        return cell_counts(incidents, grid)
    p = grid.attrs["grid"]
    loc = _located(incidents)
    x, y = _xy(loc)
    col = np.floor((x - p["x0"]) / p["cell_size"]).astype("int64")
    row = np.floor((y - p["y0"]) / p["cell_size"]).astype("int64")
    key = row * p["ncol"] + col
    ok = (row >= 0) & (row < p["nrow"]) & (col >= 0) & (col < p["ncol"])
    bc = np.bincount(key[ok], minlength=p["nrow"] * p["ncol"])
    gkey = grid["row"].to_numpy() * p["ncol"] + grid["col"].to_numpy()
    return pd.Series(bc[gkey], index=grid.index, name="count")


def _check_cube_grid(c: Cube, grid: pd.DataFrame) -> None:
    """Refuse a cube built on another grid than ``grid`` (its cells would be others)."""
    if c.grid != grid_params(grid):
        raise ValueError(
            "the count cube was built on another grid (cell size, origin or clip) / "
            "le cube de comptes a été construit sur une autre grille"
        )


def _grid_neighbours(
    grid: pd.DataFrame, neighbourhood: str = "queen"
) -> tuple[np.ndarray, np.ndarray]:
    """Pairs (cell, neighbour) of grid positions sharing an edge (rook) or a corner (queen)."""
    p = grid.attrs["grid"]
    rows = grid["row"].to_numpy()
    cols = grid["col"].to_numpy()
    lut = _grid_lut(grid)
    offsets = [(-1, 0), (1, 0), (0, -1), (0, 1)]
    if neighbourhood == "queen":
        offsets += [(-1, -1), (-1, 1), (1, -1), (1, 1)]
    elif neighbourhood != "rook":
        raise ValueError("neighbourhood must be 'queen' or 'rook'")
    src, dst = [], []
    for dr, dc in offsets:
        r2, c2 = rows + dr, cols + dc
        ok = (r2 >= 0) & (r2 < p["nrow"]) & (c2 >= 0) & (c2 < p["ncol"])
        j = lut[r2[ok] * p["ncol"] + c2[ok]]
        has = j >= 0
        src.append(np.flatnonzero(ok)[has])
        dst.append(j[has])
    s = np.concatenate(src)
    d = np.concatenate(dst)
    order = np.argsort(s, kind="stable")
    return s[order], d[order]


GRID_CACHE = ContentCache(maxsize=8)
"""Grids, their lookup tables and Gi* matrices, keyed by the content they come from.

A grid is keyed by a digest of the area's WKB, the cell size, the CRS and the
clip flag (:func:`make_grid`); a table derived from a grid by a digest of its
rows and columns and its origin (:func:`_grid_key`).
"""


def _grid_key(grid: pd.DataFrame, what: str) -> tuple:
    p = grid.attrs["grid"]
    rc = np.c_[grid["row"].to_numpy(dtype="int64"), grid["col"].to_numpy(dtype="int64")]
    return (what, p["x0"], p["y0"], p["cell_size"], p["nrow"], p["ncol"], len(grid), digest(rc))


def _cached(key: tuple, make: Any) -> Any:
    return GRID_CACHE.get(key, make)


def _grid_lut(grid: pd.DataFrame) -> np.ndarray:
    """Position in ``grid`` of each raster cell (``row * ncol + col``), -1 where clipped away."""
    p = grid.attrs["grid"]

    def make() -> np.ndarray:
        lut = np.full(p["nrow"] * p["ncol"], -1, dtype="int64")
        lut[grid["row"].to_numpy() * p["ncol"] + grid["col"].to_numpy()] = np.arange(len(grid))
        return lut

    return _cached(_grid_key(grid, "lut"), make)


def _components(
    cells: np.ndarray, grid: pd.DataFrame, groups: np.ndarray | None = None
) -> list[np.ndarray]:
    """Connected components (queen adjacency) of a set of grid positions.

    With ``groups`` (one code per cell), only neighbours of the same group are
    joined: the components of each group, found at once.
    """
    if len(cells) == 0:
        return []
    from scipy.sparse import coo_matrix
    from scipy.sparse.csgraph import connected_components

    p = grid.attrs["grid"]
    rows = grid["row"].to_numpy()[cells]
    cols = grid["col"].to_numpy()[cells]
    key = pd.Series(np.arange(len(cells)), index=rows * p["ncol"] + cols)
    src, dst = [], []
    for dr in (-1, 0, 1):
        for dc in (-1, 0, 1):
            if dr == dc == 0:
                continue
            k2 = (rows + dr) * p["ncol"] + (cols + dc)
            j = key.reindex(k2).to_numpy()
            ok = ~np.isnan(j)
            src.append(np.flatnonzero(ok))
            dst.append(j[ok].astype("int64"))
    s, d = np.concatenate(src), np.concatenate(dst)
    if groups is not None:
        same = groups[s] == groups[d]
        s, d = s[same], d[same]
    m = coo_matrix((np.ones(len(s)), (s, d)), shape=(len(cells), len(cells)))
    n, lab = connected_components(m, directed=False)
    # the cells of each label, in label order, each in the order of ``cells``
    order = np.argsort(lab, kind="stable")
    return np.split(cells[order], np.flatnonzero(np.diff(lab[order])) + 1)


def _cell_of(incidents: pd.DataFrame, grid: pd.DataFrame) -> pd.Series:
    """Grid position (row of ``grid``) of each located incident; -1 elsewhere."""
    import shapely

    out = np.full(len(incidents), -1, dtype="int64")
    geoms = np.asarray(incidents.geometry.array, dtype=object)
    # not GeoSeries.notna, which warns when a point is empty
    at = np.flatnonzero(~shapely.is_missing(geoms) & ~shapely.is_empty(geoms))
    if len(at):
        out[at] = _cell_of_xy(shapely.get_x(geoms[at]), shapely.get_y(geoms[at]), grid)
    return pd.Series(out, index=incidents.index)


def _cell_of_xy(x: np.ndarray, y: np.ndarray, grid: pd.DataFrame) -> np.ndarray:
    """Grid position (row of ``grid``) of each point ``(x, y)``; -1 outside the grid's cells."""
    p = grid.attrs["grid"]
    col = np.floor((x - p["x0"]) / p["cell_size"]).astype("int64")
    row = np.floor((y - p["y0"]) / p["cell_size"]).astype("int64")
    ok = (row >= 0) & (row < p["nrow"]) & (col >= 0) & (col < p["ncol"])
    pos = np.full(len(row), -1, dtype="int64")
    pos[ok] = _grid_lut(grid)[row[ok] * p["ncol"] + col[ok]]
    return pos


def compact_components(
    components: list[np.ndarray], grid: pd.DataFrame, max_extent_m: float
) -> list[np.ndarray]:
    """Split clusters of grid cells wider than ``max_extent_m`` into compact contiguous parts.

    A cluster whose bounding box (in cells) is longer than ``max_extent_m`` on
    a side is cut in two at the median of its longer axis, each half split
    again into its connected parts (queen adjacency), until every part fits.

    Parameters
    ----------
    components : list of numpy.ndarray
        Grid positions of each cluster (from the connected components of hot cells).
    grid : DataFrame
        From :func:`make_grid` (``row``, ``col`` and ``attrs["grid"]``).
    max_extent_m : float
        Largest side, in metres; 0 or less keeps every cluster whole.

    Returns
    -------
    list of numpy.ndarray
        The parts, in a stable order (each part's cells sorted).

    Examples
    --------
    >>> import shapely
    >>> g = make_grid(shapely.box(0, 0, 1000, 300), cell_size=100, crs="EPSG:32188")
    >>> [len(c) for c in compact_components([np.arange(len(g))], g, 400)]  # 1 km → 4 parts
    [9, 6, 9, 6]
    """
    if max_extent_m <= 0:
        return components
    size = float(grid.attrs["grid"]["cell_size"])
    rows, cols = grid["row"].to_numpy(), grid["col"].to_numpy()
    out: list[np.ndarray] = []
    todo = list(components)
    while todo:
        comp = np.sort(todo.pop(0))
        r, c = rows[comp], cols[comp]
        height, width = (r.max() - r.min() + 1) * size, (c.max() - c.min() + 1) * size
        if max(height, width) <= max_extent_m or len(comp) < 2:
            out.append(comp)
            continue
        axis = c if width >= height else r
        cut = np.median(axis)
        low = axis <= cut if (axis <= cut).sum() < len(comp) else axis < cut
        for half in (comp[low], comp[~low]):
            todo.extend(_components(half, grid))
    return sorted(out, key=lambda a: (int(a.min()), len(a)))


def cell_sectors(grid: pd.DataFrame, sectors: pd.DataFrame, cells: np.ndarray) -> np.ndarray:
    """The sector of each of some grid cells: the one holding its centre, else the most overlapped.

    Parameters
    ----------
    grid : DataFrame
        From :func:`make_grid`.
    sectors : GeoDataFrame
        Sectors with ``sector_id`` and polygons (sectors without geometry give -1).
    cells : numpy.ndarray
        Grid positions of the cells.

    Returns
    -------
    numpy.ndarray of int
        For each cell, the row position of its sector in ``sectors``; -1 when
        no sector touches it.

    Examples
    --------
    >>> import geopandas as gpd, shapely
    >>> g = make_grid(shapely.box(0, 0, 1000, 300), cell_size=100, crs="EPSG:32188")
    >>> s = gpd.GeoDataFrame({"sector_id": ["W", "E"]}, crs="EPSG:32188",
    ...                      geometry=[shapely.box(0, 0, 420, 300), shapely.box(420, 0, 1000, 300)])
    >>> cell_sectors(g, s, np.arange(2, 6)).tolist()  # bottom row, cells 400-500 m: mostly E
    [0, 0, 1, 1]
    """
    import shapely

    cells = np.asarray(cells, dtype="int64")
    out = np.full(len(cells), -1, dtype="int64")
    if not len(cells) or "geometry" not in getattr(sectors, "columns", ()) or not len(sectors):
        return out
    sgeoms = np.asarray(sectors.geometry.array, dtype=object)
    has = np.asarray([g is not None and not shapely.is_empty(g) for g in sgeoms])
    if not has.any():
        return out
    tree = shapely.STRtree(np.where(has, sgeoms, None))
    cgeoms = np.asarray(grid.geometry.array, dtype=object)[cells]
    centres = shapely.centroid(cgeoms)
    ci, si = tree.query(centres, predicate="within")
    out[ci[::-1]] = si[::-1]  # a centre on a shared edge: the first sector
    rest = np.flatnonzero(out < 0)
    if len(rest):
        ri, rs = tree.query(cgeoms[rest], predicate="intersects")
        if len(ri):
            area = shapely.area(shapely.intersection(cgeoms[rest][ri], sgeoms[rs]))
            order = np.lexsort((-area, ri))  # per cell, the largest overlap first
            ri, rs = ri[order], rs[order]
            first = np.r_[True, ri[1:] != ri[:-1]]
            out[rest[ri[first]]] = rs[first]
    return out


def split_by_sector(
    components: list[np.ndarray], grid: pd.DataFrame, sector_of: pd.Series
) -> list[np.ndarray]:
    """Split clusters of grid cells along sector boundaries into contiguous parts.

    Each cluster is cut into the cells of each sector, and each of these into
    its connected parts (queen adjacency): a hot spot that straddles two
    police districts becomes two problems, each with one district responsible.

    Parameters
    ----------
    components : list of numpy.ndarray
        Grid positions of each cluster.
    grid : DataFrame
        From :func:`make_grid`.
    sector_of : Series
        Grid position → sector code (any hashable; e.g. from :func:`cell_sectors`).
        A cell missing from it, or with -1, forms parts with the cells of no sector.

    Returns
    -------
    list of numpy.ndarray
        The parts, in a stable order (each part's cells sorted).

    Examples
    --------
    >>> import shapely
    >>> g = make_grid(shapely.box(0, 0, 1000, 300), cell_size=100, crs="EPSG:32188")
    >>> parts = split_by_sector([np.arange(6)], g, pd.Series([0, 0, 0, 1, 1, 1]))
    >>> [c.tolist() for c in parts]
    [[0, 1, 2], [3, 4, 5]]
    """
    comps = [np.sort(np.asarray(c, dtype="int64")) for c in components]
    comps = [c for c in comps if len(c)]
    if not comps:
        return []
    cells = np.concatenate(comps)
    if len(np.unique(cells)) < len(cells):  # clusters sharing cells: one at a time
        out: list[np.ndarray] = []
        for comp in comps:
            lab = sector_of.reindex(comp).fillna(-1).to_numpy()
            for value in pd.unique(lab):
                out.extend(np.sort(part) for part in _components(comp[lab == value], grid))
        return sorted(out, key=lambda a: (int(a.min()), len(a)))
    # every cluster × sector at once: neighbours are joined only within one cluster and sector
    cluster = np.repeat(np.arange(len(comps)), [len(c) for c in comps])
    lab = sector_of.reindex(cells).fillna(-1).to_numpy()
    groups, _ = pd.factorize(pd.MultiIndex.from_arrays([cluster, lab]))
    parts = _components(cells, grid, groups=np.asarray(groups, dtype="int64"))
    return sorted((np.sort(p) for p in parts), key=lambda a: (int(a.min()), len(a)))
