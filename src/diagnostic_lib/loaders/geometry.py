"""Geometries and coordinates: read from the source, in the analysis CRS, valid.

A file's geometries come from its GIS geometry column or from a WKT text
column; coordinates may also come as x/y or longitude/latitude columns (see
:mod:`.incident_positions`). When a file declares no coordinate reference
system, one is guessed from the values (lon/lat-looking values are EPSG:4326,
others are taken to be in the analysis CRS) and the guess is noted in the
ledger. Invalid polygons are repaired with ``make_valid`` (flagged
``geometry_invalid``, action ``repaired``).

Examples
--------
>>> import numpy as np
>>> _guess_crs(np.array([-73.6]), np.array([45.5]), "EPSG:32188")
'EPSG:4326'
>>> _guess_crs(np.array([300000.0]), np.array([5040000.0]), "EPSG:32188")
'EPSG:32188'
"""

from __future__ import annotations

from typing import Any

import numpy as np
import pandas as pd

from .. import crs as crs_mod
from ..errors import DataError, bilingual
from .context import _Ctx

ANY_GEOMETRY = ("Point", "MultiPoint", "LineString", "MultiLineString", "Polygon", "MultiPolygon")
"""The geometry types kept by tables that accept any geometry (measures, places)."""


def _guess_crs(xs: np.ndarray, ys: np.ndarray, analysis_crs: Any) -> Any:
    """EPSG:4326 when every finite coordinate looks like lon/lat, else the analysis CRS."""
    ok = np.isfinite(xs) & np.isfinite(ys)
    if ok.any() and (np.abs(xs[ok]) <= 180).all() and (np.abs(ys[ok]) <= 90).all():
        return "EPSG:4326"
    return analysis_crs


def _transform(xs: np.ndarray, ys: np.ndarray, src: Any, dst: Any) -> tuple[np.ndarray, np.ndarray]:
    """Coordinates from CRS ``src`` to CRS ``dst`` (unchanged when they are the same)."""
    from pyproj import CRS, Transformer

    if CRS.from_user_input(src) == CRS.from_user_input(dst):
        return xs, ys
    tr = Transformer.from_crs(src, dst, always_xy=True)
    out_x, out_y = tr.transform(xs, ys, errcheck=False)
    return np.asarray(out_x, dtype="float64"), np.asarray(out_y, dtype="float64")


def _geometry_from_source(
    ctx: _Ctx, analysis_crs: Any, source_crs: Any
) -> tuple[np.ndarray, np.ndarray]:
    """Geometries (analysis CRS) from the file's geometry or a WKT column.

    Returns (geometries as object array, mask of rows that had a geometry source value).
    """
    import shapely

    n = len(ctx.raw.frame)
    geoms = np.full(n, None, dtype=object)
    present = np.zeros(n, dtype=bool)
    if ctx.raw.geometry is not None:
        g = ctx.raw.geometry
        arr = np.asarray(g.array if hasattr(g, "array") else g, dtype=object)
        geoms[:] = arr
        present = ~pd.isna(pd.Series(arr)).to_numpy()
        present = (
            present & ~np.asarray(shapely.is_empty(arr), dtype=bool) if present.any() else present
        )
        crs = source_crs or ctx.raw.crs
        if crs is None and present.any():
            b = shapely.bounds(np.asarray(geoms[present]))
            crs = _guess_crs(b[:, 0], b[:, 1], analysis_crs)
            ctx.note("loaders.note.crs_assumed", crs=crs)
        elif present.any():
            crs = _checked_crs(ctx, geoms[present], crs, analysis_crs, given=source_crs is not None)
    elif ctx.has("wkt"):
        text = ctx.text("wkt")
        present = (text != "").to_numpy().copy()
        wkt_arr = np.where(present, text.to_numpy(dtype=object), None)
        with np.errstate(all="ignore"):  # "1e400" overflows: unreadable, rejected below
            parsed = shapely.from_wkt(wkt_arr, on_invalid="ignore")
        bad = present & pd.isna(pd.Series(parsed)).to_numpy()
        ctx.reject(bad, "wkt", "geometry_unparseable", values=text.str.slice(0, 60))
        geoms[:] = parsed
        present &= ~bad
        if present.any():  # POINT EMPTY: a missing position, not a geometry
            present &= ~np.asarray(shapely.is_empty(geoms), dtype=bool)
        crs = source_crs
        if crs is None and present.any():
            b = shapely.bounds(np.asarray(geoms[present]))
            crs = _guess_crs(b[:, 0], b[:, 1], analysis_crs)
            ctx.note("loaders.note.wkt_crs_assumed", crs=crs)
    else:
        return geoms, present
    if present.any() and crs is not None:
        import geopandas as gpd

        gs = gpd.GeoSeries(geoms[present], crs=crs).to_crs(analysis_crs)
        geoms[present] = np.asarray(gs.array, dtype=object)
    return geoms, present


def _repair_geometries(ctx: _Ctx, geoms: np.ndarray, fld: str, keep: tuple[str, ...]) -> np.ndarray:
    """make_valid invalid geometries (flag ``geometry_invalid`` as repaired)."""
    import shapely

    present = ~pd.isna(pd.Series(geoms)).to_numpy()
    valid = np.ones(len(geoms), dtype=bool)
    if present.any():
        valid[present] = shapely.is_valid(np.asarray(geoms[present]))
    bad = present & ~valid & ctx.alive
    if bad.any():
        reasons = [shapely.is_valid_reason(g) for g in geoms[bad]]
        det = np.full(len(geoms), "", dtype=object)
        det[bad] = reasons
        ctx.flag(bad, fld, "geometry_invalid", detail=det, action="repaired")
        fixed = shapely.make_valid(np.asarray(geoms[bad]))
        geoms[bad] = [_keep_types(g, keep) for g in fixed]
    return geoms


def _keep_types(geom: Any, keep: tuple[str, ...]) -> Any:
    """From a make_valid result, keep only the parts of the wanted dimension."""
    import shapely

    if geom is None:
        return None
    if geom.geom_type in keep:
        return geom
    if geom.geom_type == "GeometryCollection":
        parts = [
            p for p in geom.geoms if p.geom_type in keep or p.geom_type.replace("Multi", "") in keep
        ]
        if not parts:
            return None
        return shapely.union_all(parts)
    return geom


def _checked_crs(ctx: _Ctx, geoms: np.ndarray, crs: Any, analysis_crs: Any, given: bool) -> Any:
    """The file's CRS once its coordinates are checked against the CRS's area of use.

    Coordinates in metres under a CRS in degrees (a GeoJSON without a ``crs``
    member is read as WGS84) are taken in the analysis CRS when they fit it (with a
    note); degrees under a metric CRS, swapped coordinates, or metres that fit no
    CRS known here, stop the load with an error that says what to set.
    """
    import shapely

    b = shapely.total_bounds(np.asarray(geoms))
    try:
        problem = crs_mod.extent_problem(b, crs)
    except Exception:  # a CRS pyproj cannot describe: nothing to check against
        return crs
    if problem is None:
        return crs
    if problem == "outside_area_of_use":
        ctx.note("loaders.note.crs_outside", crs=_crs_name(crs))
        return crs
    if problem == "metres_in_degrees" and not given:
        if crs_mod.extent_problem(b, analysis_crs) is None:
            ctx.note("loaders.note.crs_metres_assumed", crs=_crs_name(analysis_crs))
            return analysis_crs
    message = bilingual(
        f"loaders.error.crs_{problem}", crs=_crs_name(crs), analysis=_crs_name(analysis_crs)
    )
    raise DataError(f"{ctx.file}: {message}")


def _crs_name(crs: Any) -> str:
    from pyproj import CRS

    try:
        c = CRS.from_user_input(crs)
    except Exception:
        return str(crs)
    code = c.to_epsg()
    return f"EPSG:{code} ({c.name})" if code else c.name
