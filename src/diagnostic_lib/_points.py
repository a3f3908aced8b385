"""The incidents' points as numbers: a table the worker process can be sent.

A point object costs about 216 bytes (5M incidents: 1.1 GB), and a process
sent a GeoDataFrame rebuilds every one of them. The analyses that read only
where each incident is (inside an area, in a grid cell, near another) can read
a *point table* instead: a plain DataFrame of the columns they read, each point
as two numbers ``x`` and ``y`` and a code saying whether it is missing, empty
or located (:func:`point_table`), the text columns as categories. It is what
steps 1 and 3 send to the worker process (about 40 bytes an incident).

:func:`points_of`, :func:`located` and :func:`point_columns` read either form,
so that an analysis written for the incidents reads their point table too, and
gives the same result (tested for each analysis that is sent one).
"""

from __future__ import annotations

from collections.abc import Sequence
from typing import Any

import numpy as np
import pandas as pd

from ._text import ranked_codes

__all__ = [
    "EMPTY",
    "LOCATED",
    "MISSING",
    "POINT",
    "X",
    "Y",
    "categories",
    "crs_of",
    "is_geo",
    "located",
    "point_columns",
    "point_table",
    "points_of",
]

X, Y, POINT = "x", "y", "point"
"""Columns of a point table: each point's coordinates, and what it is."""

MISSING, EMPTY, LOCATED = 0, 1, 2
"""Values of the ``point`` column: no geometry, an empty point, a point."""


def is_geo(frame: pd.DataFrame) -> bool:
    """Whether ``frame`` holds its points as geometries (a GeoDataFrame).

    Examples
    --------
    >>> import geopandas as gpd
    >>> is_geo(gpd.GeoDataFrame(geometry=[])), is_geo(pd.DataFrame({"x": [1.0]}))
    (True, False)
    """
    import geopandas as gpd  # loaded already: the incidents are read by it

    return isinstance(frame, gpd.GeoDataFrame)


def crs_of(frame: pd.DataFrame) -> Any:
    """The CRS of the incidents, or of their point table.

    Examples
    --------
    >>> import geopandas as gpd, shapely
    >>> g = gpd.GeoDataFrame(geometry=[shapely.Point(1, 2)], crs=32188)
    >>> crs_of(g).to_epsg(), crs_of(point_table(g, [])).to_epsg()
    (32188, 32188)
    """
    return frame.crs if is_geo(frame) else frame.attrs.get("crs")


def point_columns(frame: pd.DataFrame) -> list[str]:
    """The columns that hold the points: the geometry's, or ``x, y, point``.

    Examples
    --------
    >>> import geopandas as gpd, shapely
    >>> g = gpd.GeoDataFrame({"a": [1]}, geometry=[shapely.Point(1, 2)])
    >>> point_columns(g), point_columns(point_table(g, ["a"]))
    (['geometry'], ['x', 'y', 'point'])
    """
    return [frame.geometry.name] if is_geo(frame) else [X, Y, POINT]


def points_of(frame: pd.DataFrame) -> tuple[np.ndarray, np.ndarray, np.ndarray]:
    """``(what, x, y)`` of each row: what its point is, and its coordinates.

    ``what`` is :data:`MISSING`, :data:`EMPTY` or :data:`LOCATED`; ``x`` and
    ``y`` are NaN but for the located points. Read from the geometry of a
    GeoDataFrame, or from the columns of a :func:`point_table`.

    Examples
    --------
    >>> import geopandas as gpd, shapely
    >>> g = gpd.GeoDataFrame(geometry=[shapely.Point(1, 2), None, shapely.Point()])
    >>> what, x, y = points_of(g)
    >>> what.tolist(), x.tolist()[0]
    ([2, 0, 1], 1.0)
    """
    if not is_geo(frame):
        return (
            frame[POINT].to_numpy(dtype="int8"),
            frame[X].to_numpy(dtype="float64"),
            frame[Y].to_numpy(dtype="float64"),
        )
    import shapely

    geoms = np.asarray(frame.geometry.array, dtype=object)
    na = shapely.is_missing(geoms)  # GeoSeries.isna warns when a point is empty
    what = np.full(len(frame), LOCATED, dtype="int8")
    what[na] = MISSING
    what[~na & shapely.is_empty(geoms)] = EMPTY
    x, y = np.full(len(frame), np.nan), np.full(len(frame), np.nan)
    at = np.flatnonzero(what == LOCATED)
    x[at], y[at] = shapely.get_x(geoms[at]), shapely.get_y(geoms[at])
    return what, x, y


def located(frame: pd.DataFrame) -> np.ndarray:
    """Whether each row has a position (neither missing nor empty).

    Examples
    --------
    >>> import geopandas as gpd, shapely
    >>> g = gpd.GeoDataFrame(geometry=[shapely.Point(1, 2), None, shapely.Point()])
    >>> located(g).tolist(), located(point_table(g, [])).tolist()
    ([True, False, False], [True, False, False])
    """
    if not is_geo(frame):
        return frame[POINT].to_numpy() == LOCATED
    import shapely

    geoms = np.asarray(frame.geometry.array, dtype=object)
    return ~shapely.is_missing(geoms) & ~shapely.is_empty(geoms)


def point_table(
    frame: pd.DataFrame, columns: Sequence[str], text: Sequence[str] = ()
) -> pd.DataFrame:
    """The ``columns`` of ``frame`` and its points as numbers: a plain table.

    Parameters
    ----------
    frame : GeoDataFrame
        The incidents (or a point table already: its points are kept).
    columns : sequence of str
        The columns kept (those absent are left out).
    text : sequence of str
        Those of ``columns`` kept as categories of their sorted text
        (:func:`categories`): a code of one or two bytes a row.

    Returns
    -------
    DataFrame
        Same index; ``columns``, then ``x``, ``y``, ``point`` (see :func:`points_of`);
        the CRS in ``attrs["crs"]``.

    Examples
    --------
    >>> import geopandas as gpd, pandas as pd, shapely
    >>> inc = gpd.GeoDataFrame({"category": ["theft", "theft"],
    ...     "occurred_from": pd.to_datetime(["2024-01-01", "2024-02-01"])},
    ...     geometry=[shapely.Point(1.0, 2.0), None], crs=32188)
    >>> f = point_table(inc, ["occurred_from", "category"], text=["category"])
    >>> f[["x", "point"]].to_dict("list"), f.attrs["crs"].to_epsg(), str(f["category"].dtype)
    ({'x': [1.0, nan], 'point': [2, 0]}, 32188, 'category')
    """
    what, x, y = points_of(frame)
    cols = [c for c in columns if c in frame.columns and c not in (X, Y, POINT)]
    out = pd.DataFrame(frame[cols])
    for c in text:
        if c in out.columns and not isinstance(out[c].dtype, pd.CategoricalDtype):
            out[c] = categories(out[c])
    out[X], out[Y], out[POINT] = x, y, what
    out.attrs = {"crs": crs_of(frame)}
    return out


def categories(col: pd.Series) -> pd.Categorical:
    """``col`` as categories of its sorted text: a code per row, each text once.

    Factorising them gives the codes in the order the values first appear, as
    the text does, and grouping them goes in the order of their text.

    Examples
    --------
    >>> c = categories(pd.Series(["b", "a", None, "b"]))
    >>> c.codes.tolist(), c.categories.tolist()
    ([1, 0, -1, 1], ['a', 'b'])
    """
    codes, uniq = pd.factorize(col)
    uniq = pd.Index(uniq)
    codes, names = ranked_codes(codes, uniq.to_numpy(dtype=object))
    dtype = pd.CategoricalDtype(pd.Index(names, dtype=uniq.dtype))
    return pd.Categorical.from_codes(codes, dtype=dtype)
