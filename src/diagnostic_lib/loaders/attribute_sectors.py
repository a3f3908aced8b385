"""Sectors named by a column of the incidents, for a force that has codes but no boundaries.

``[data.sectors] sector_column = "LSOA code"`` (and no ``path``) says that the
sectors are the values of that column of the incidents: an area code of the
census, a patrol beat, a neighbourhood name. Counts and rates by sector then
work by that attribute (with ``[data.population]`` joined by the same codes),
and every event keeps the sector its row says, whatever its position.

The maps, the hot spots and the problems' sectors still need outlines. Each
sector gets an **approximate outline** (:func:`attribute_sectors`): the cells
of a square grid (``grid_cell_m``, 200 m by default) where most of its located
events lie. The outlines do not overlap and cover every located event; a
sector none of whose events has a position has an empty outline (it is counted,
not mapped). The ledger says that the outlines are approximate.

Examples
--------
>>> import geopandas as gpd, shapely
>>> pts = gpd.GeoSeries([shapely.Point(50, 50), shapely.Point(60, 40), shapely.Point(350, 50)],
...                     crs="EPSG:32188")
>>> s = attribute_sectors(pd.Series(["E01", "E01", "E02"]), pts, 100, crs="EPSG:32188")
>>> s["sector_id"].tolist(), s.area.round().tolist()
(['E01', 'E02'], [10000.0, 10000.0])
"""

from __future__ import annotations

from typing import Any

import numpy as np
import pandas as pd

from ..errors import DataError, bilingual


def attribute_sectors(
    values: pd.Series, geometry: Any, cell_m: float, crs: Any = None
) -> pd.DataFrame:
    """Sectors from the sector codes of the incidents, with outlines approximated from them.

    Parameters
    ----------
    values : Series of str
        Each incident's sector code ("" or missing: none).
    geometry : GeoSeries
        Each incident's point (missing or empty: no position), aligned with ``values``.
    cell_m : float
        Side (m) of the grid cells the outlines are made of.
    crs : CRS, optional
        The analysis CRS (default: the geometry's).

    Returns
    -------
    GeoDataFrame
        The canonical sectors schema, one row per distinct code (sorted):
        ``sector_id`` and ``name`` (the code), ``population`` (NaN),
        ``source_row`` (1…n) and the outline: the union of the cells where the
        sector holds the most located events (ties to the smaller code);
        empty when none of its events has a position.

    Raises
    ------
    DataError
        No incident has a sector code.

    Examples
    --------
    >>> import geopandas as gpd, shapely
    >>> pts = gpd.GeoSeries([shapely.Point(10, 10), shapely.Point(20, 20), shapely.Point(30, 30)],
    ...                     crs="EPSG:32188")
    >>> s = attribute_sectors(pd.Series(["B", "A", "B"]), pts, 100)
    >>> s["sector_id"].tolist(), s.geometry.is_empty.tolist()  # the cell is B's (2 events to 1)
    (['A', 'B'], [True, False])
    """
    import geopandas as gpd
    import shapely

    codes = values.astype("string").fillna("").str.strip().to_numpy(dtype=object)
    ids = np.array(sorted(set(codes) - {""}), dtype=object)
    if not len(ids):
        raise DataError(bilingual("loaders.error.sector_column_empty"))
    geoms = np.asarray(getattr(geometry, "array", geometry), dtype=object)
    has = np.array([g is not None and not shapely.is_empty(g) for g in geoms], dtype=bool)
    has &= codes != ""
    pos = np.searchsorted(ids, codes[has])
    xy = shapely.get_coordinates(geoms[has]) if has.any() else np.empty((0, 2))
    col = np.floor(xy[:, 0] / cell_m).astype("int64")
    row = np.floor(xy[:, 1] / cell_m).astype("int64")
    owner = _cell_owners(row, col, pos)
    outlines = np.array([shapely.Polygon() for _ in ids], dtype=object)
    for k, cells in owner.groupby("sector"):
        x0, y0 = cells["col"].to_numpy() * cell_m, cells["row"].to_numpy() * cell_m
        boxes = shapely.box(x0, y0, x0 + cell_m, y0 + cell_m)
        outlines[int(k)] = shapely.union_all(boxes)
    return gpd.GeoDataFrame(
        {
            "sector_id": pd.array(ids, dtype="str"),
            "name": pd.array(ids, dtype="str"),
            "population": np.full(len(ids), np.nan),
            "source_row": np.arange(1, len(ids) + 1, dtype="int64"),
        },
        geometry=gpd.GeoSeries(outlines, crs=crs if crs is not None else geometry.crs),
    )


def _cell_owners(row: np.ndarray, col: np.ndarray, sector: np.ndarray) -> pd.DataFrame:
    """Each occupied cell's sector: the one with most events there (ties: the smaller code)."""
    counts = (
        pd.DataFrame({"row": row, "col": col, "sector": sector})
        .value_counts()
        .rename("n")
        .reset_index()
        .sort_values(["row", "col", "n", "sector"], ascending=[True, True, False, True])
    )
    return counts.drop_duplicates(["row", "col"])[["row", "col", "sector"]]
