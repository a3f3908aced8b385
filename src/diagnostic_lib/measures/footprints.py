"""Where each measure acts: its treated area and the buffer ring around it.

See docs/methods.md, *Footprints*. The default reach of a point or line
footprint and the default ring width are the ``reach_m`` and ``buffer_m``
tunables of :mod:`diagnostic_lib.settings` (:func:`~diagnostic_lib.measures.run`
reads them from the config).

Examples
--------
>>> import geopandas as gpd, shapely
>>> ring = buffer_ring(gpd.GeoSeries([shapely.box(0, 0, 10, 10)]), 5)
>>> round(float(ring.iloc[0].area), 1)
278.0
"""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any

import numpy as np
import pandas as pd

from .. import settings
from .._spatial import distinct_geometries, union_of

DEFAULT_REACH_M: float = settings.default("reach_m")
"""How far around a point or line footprint a measure acts when ``reach_m`` is not given.

The default of the ``reach_m`` tunable (50 m).
"""

DEFAULT_BUFFER_M: float = settings.default("buffer_m")
"""Default width of the buffer ring around a treated area, in metres.

The default of the ``buffer_m`` tunable (200 m).
"""


def treated_area(
    measures: pd.DataFrame, sectors: pd.DataFrame, default_reach: float = DEFAULT_REACH_M
):
    """The area where each measure acts (GeoSeries aligned with ``measures``).

    ======================  =============================================
    footprint               treated area
    ======================  =============================================
    ``polygon``             the polygon
    ``point``, ``line``     the geometry buffered by ``reach_m``
                            (``default_reach`` when missing)
    ``sectors``             the union of ``footprint_sectors``
    ``municipality``        the union of all sectors
    ``none``                missing (None)
    ======================  =============================================

    Parameters
    ----------
    measures, sectors : GeoDataFrame
        Canonical tables (same CRS).
    default_reach : float
        Metres.

    Returns
    -------
    geopandas.GeoSeries

    Examples
    --------
    >>> import geopandas as gpd, shapely
    >>> sec = gpd.GeoDataFrame({"sector_id": ["A", "B"]},
    ...     geometry=[shapely.box(0, 0, 10, 10), shapely.box(10, 0, 20, 10)])
    >>> m = gpd.GeoDataFrame({"footprint": ["point", "sectors", "municipality", "none"],
    ...     "footprint_sectors": [(), ("B",), (), ()], "reach_m": [5.0, np.nan, np.nan, np.nan]},
    ...     geometry=[shapely.Point(0, 0), None, None, None])
    >>> treated_area(m, sec).area.round(1).tolist()
    [78.0, 100.0, 200.0, nan]
    """
    import geopandas as gpd
    import shapely

    sec_geoms = dict(
        zip(sectors["sector_id"].astype(str), np.asarray(sectors.geometry.array), strict=True)
    )
    whole = union_of(sectors.geometry.array)
    reach = (
        measures["reach_m"].astype("float64")
        if "reach_m" in measures.columns
        else pd.Series(np.nan, index=measures.index)
    )
    out = []
    for fp, geom, fs, r in zip(
        measures["footprint"], measures.geometry, measures["footprint_sectors"], reach, strict=True
    ):
        if fp == "polygon" and geom is not None:
            out.append(geom)
        elif fp in ("point", "line") and geom is not None:
            out.append(shapely.buffer(geom, float(r) if np.isfinite(r) else default_reach))
        elif fp == "sectors" and len(fs):
            parts = [sec_geoms[s] for s in fs if s in sec_geoms]
            out.append(shapely.union_all(parts) if parts else None)
        elif fp == "municipality":
            out.append(whole)
        else:
            out.append(None)
    return gpd.GeoSeries(out, index=measures.index, crs=getattr(measures, "crs", None))


def buffer_ring(areas: Any, width: float, within: Any = None):
    """The ring of ``width`` metres around each area (the area itself excluded).

    Parameters
    ----------
    areas : GeoSeries
        From :func:`treated_area`.
    width : float
        Metres.
    within : shapely geometry, optional
        Clip the rings to it (e.g. the municipality).

    Returns
    -------
    geopandas.GeoSeries
        Aligned with ``areas``; missing where the area is missing.

    Examples
    --------
    >>> import geopandas as gpd, shapely
    >>> ring = buffer_ring(gpd.GeoSeries([shapely.box(0, 0, 10, 10), None]), 5)
    >>> round(float(ring.iloc[0].area), 1), ring.iloc[1] is None
    (278.0, True)
    """
    import geopandas as gpd
    import shapely

    arr = np.asarray(areas.array if hasattr(areas, "array") else areas, dtype=object)
    has = ~pd.isna(pd.Series(arr)).to_numpy()
    out = np.full(len(arr), None, dtype=object)
    if has.any():
        # identical areas (every municipality-wide measure, say) get one ring
        codes, g = distinct_geometries(arr[has])
        ring = shapely.difference(shapely.buffer(g, width), g)
        if within is not None:
            # only the rings that cross its edge are cut: a ring inside it is kept as it
            # is, instead of being overlaid with a boundary of thousands of vertices
            shapely.prepare(within)
            cut = ~shapely.covers(within, ring)
            ring[cut] = shapely.intersection(ring[cut], within)
        out[has] = ring[codes]
    return gpd.GeoSeries(out, index=getattr(areas, "index", None), crs=getattr(areas, "crs", None))


def buffer_rings(
    measures: pd.DataFrame,
    areas: Any,
    buffer_m: float | Mapping[str, float] = DEFAULT_BUFFER_M,
    *,
    default: float = DEFAULT_BUFFER_M,
):
    """The buffer ring of each measure, with one width for all or a width per measure.

    Parameters
    ----------
    measures : DataFrame
        With ``measure_id``.
    areas : GeoSeries
        From :func:`treated_area`, aligned with ``measures``.
    buffer_m : float or dict
        Metres; a dict gives a width per measure id (others get ``default``).
    default : float
        Metres, for the measures a dict leaves out (:data:`DEFAULT_BUFFER_M`).

    Returns
    -------
    geopandas.GeoSeries
        Aligned with ``measures``; missing where the treated area is missing.

    Examples
    --------
    >>> import geopandas as gpd, shapely
    >>> m = pd.DataFrame({"measure_id": ["A", "B"]})
    >>> a = gpd.GeoSeries([shapely.box(0, 0, 10, 10), shapely.box(0, 0, 10, 10)])
    >>> buffer_rings(m, a, {"B": 5}).area.round(0).tolist()
    [132858.0, 278.0]
    >>> buffer_rings(m, a, {"B": 5}, default=10).area.round(0).tolist()
    [712.0, 278.0]
    """
    import geopandas as gpd

    ids = measures["measure_id"].astype(str).to_numpy()
    if isinstance(buffer_m, Mapping):
        widths = np.array([float(buffer_m.get(i, default)) for i in ids])
    else:
        widths = np.full(len(ids), float(buffer_m))
    out = gpd.GeoSeries([None] * len(ids), index=areas.index, crs=getattr(areas, "crs", None))
    for w in np.unique(widths):
        sel = widths == w
        out.iloc[np.flatnonzero(sel)] = buffer_ring(areas.iloc[np.flatnonzero(sel)], w).to_numpy()
    return out
