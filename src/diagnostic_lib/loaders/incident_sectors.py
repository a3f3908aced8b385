"""The sectors stage of the incidents loader: which sector each event belongs to.

The sector written in the file (an id, or a sector name) is checked against
the sectors table (``sector_unknown`` when it is neither). A located event
gets the sector its point falls in (:func:`_assign_sectors`): a point outside
every sector but within ``snap_tolerance`` metres of one is assigned to the
nearest (flagged ``position_snapped``); a point farther away is outside the
municipality, and its row is rejected or, with ``outside="flag"``, kept without
a position. Where the position's sector and the written one differ, the
position wins (flagged ``sector_mismatch``).

Examples
--------
>>> import geopandas as gpd, numpy as np, shapely
>>> sec = gpd.GeoDataFrame({"sector_id": ["A", "B"]}, crs=32188,
...     geometry=[shapely.box(0, 0, 100, 100), shapely.box(100, 0, 200, 100)])
>>> ids, snapped = _assign_sectors(np.array([50.0, 150.0, 210.0, 900.0]),
...                                np.array([50.0, 50.0, 50.0, 50.0]), sec, 20.0)
>>> ids.tolist(), snapped.tolist()
(['A', 'B', 'B', ''], [False, False, True, False])
"""

from __future__ import annotations

import re

import numpy as np
import pandas as pd

from .._spatial import PointIndex
from .._text import as_objects, map_distinct, norm_key
from .context import _Ctx
from .incident_positions import _Positions


def _incident_sectors(
    ctx: _Ctx,
    pos: _Positions,
    sectors: pd.DataFrame | None,
    outside: str,
    snap_tolerance: float,
) -> np.ndarray:
    """The sectors stage (see the module documentation): each row's sector id (``""``: none).

    Rows outside the municipality are rejected, or lose their point
    (``pos.has_point`` is updated) when ``outside == "flag"``.
    """
    rec_sector = as_objects(ctx.text("sector"))
    if sectors is None or not len(sectors):
        return rec_sector.copy()
    n = len(rec_sector)
    has_pt, pos_col, pos_vals = pos.has_point, pos.column, pos.values
    ids = sectors["sector_id"].astype("str").to_numpy(dtype=object)
    sec_names = sectors["name"].astype("str") if "name" in sectors.columns else pd.Series(ids)
    names = {norm_key(nm): sid for sid, nm in zip(ids, sec_names, strict=True)}
    rec_norm = _map_sector_codes(rec_sector, set(ids), names, ctx)
    rec_bad = (rec_sector != "") & (rec_norm == "")
    ctx.flag(rec_bad, "sector", "sector_unknown", values=rec_sector)
    spatial = np.full(n, "", dtype=object)
    live = has_pt & ctx.alive
    if live.any():
        sp, snapped = _assign_sectors(pos.x[live], pos.y[live], sectors, snap_tolerance)
        spatial[live] = sp
        m = np.zeros(n, dtype=bool)
        m[np.flatnonzero(live)[snapped]] = True
        ctx.flag(
            m,
            pos_col,
            "position_snapped",
            values=pos_vals,
            detail=f"within {snap_tolerance:g} m of the municipality",
        )
    outside_m = has_pt & (spatial == "")
    if outside == "flag":
        ctx.flag(
            outside_m,
            pos_col,
            "position_outside",
            values=pos_vals,
            detail="kept without a position",
        )
        has_pt &= ~outside_m
    else:
        ctx.reject(outside_m, pos_col, "position_outside", values=pos_vals)
    mismatch = has_pt & (rec_norm != "") & (spatial != "") & (rec_norm != spatial)
    if mismatch.any():  # the detail is written for the flagged rows only
        detail = np.full(n, "", dtype=object)
        detail[mismatch] = "position is in sector " + spatial[mismatch]
        ctx.flag(mismatch, "sector", "sector_mismatch", values=rec_sector, detail=detail)
    return np.where(has_pt & (spatial != ""), spatial, rec_norm)


def _map_sector_codes(
    rec: np.ndarray, idset: set[str], names: dict[str, str], ctx: _Ctx | None = None
) -> np.ndarray:
    """Written sectors as sector ids: an id stays, a sector name gives its id, else ``""``.

    A sector written as its number alone (``3`` or ``03`` where the ids are ``S03``,
    ``PDQ 3``: exports often drop the prefix) is the sector of that number when
    exactly one id carries it (a note in the ledger says so); otherwise nearly
    every row would be ``sector_unknown``, and a family recorded only by sector
    would read 0 in every sector.
    """
    uniq = pd.unique(rec)
    m = {s: (s if s in idset else names.get(norm_key(s), "") if s else "") for s in uniq}
    by_number = _ids_by_number(idset)
    read = {s: by_number.get(int(s), "") for s in uniq if s and not m[s] and s.isdigit()}
    read = {s: sid for s, sid in read.items() if sid}
    if read:
        m.update(read)
        if ctx is not None:
            shown = sorted(read.items(), key=lambda kv: (int(kv[0]), kv[0]))
            pairs = ", ".join(f"{s} → {sid}" for s, sid in shown[:6])
            ctx.note("loaders.note.sector_numbers", pairs=pairs + (" …" if len(shown) > 6 else ""))
    return map_distinct(rec, m.get)


def _ids_by_number(idset: set[str]) -> dict[int, str]:
    """The sector ids that carry one number (``S03`` → 3), by number; ``""`` when two share it.

    Examples
    --------
    >>> _ids_by_number({"S03", "S10", "PDQ 7", "A1B2", "7"}) == {3: "S03", 10: "S10", 7: ""}
    True
    """
    out: dict[int, str] = {}
    for sid in idset:
        digits = re.findall(r"\d+", sid)
        if len(digits) != 1:
            continue
        k = int(digits[0])
        out[k] = "" if k in out else sid
    return out


def _assign_sectors(
    x: np.ndarray, y: np.ndarray, sectors: pd.DataFrame, tol: float
) -> tuple[np.ndarray, np.ndarray]:
    """Sector id of each point (``""`` when outside), and which points were snapped.

    A point on a shared boundary goes to the first sector (table order). Each
    sector tests only the points inside its bounding box (found through a coarse
    grid of the points, so that the work stays linear however wide the region),
    with the prepared polygon, all sectors in one vectorised pass
    (:meth:`PointIndex.inside`); no point object is made.
    """
    import shapely

    geoms = np.asarray(sectors.geometry.array, dtype=object)
    ids = sectors["sector_id"].astype("str").to_numpy(dtype=object)
    which = np.full(len(x), len(geoms), dtype="int64")  # no sector
    present = ~np.asarray(shapely.is_missing(geoms), dtype=bool)
    present[present] = ~np.asarray(shapely.is_empty(geoms[present]), dtype=bool)
    k = np.flatnonzero(present)
    if len(k):
        bounds = shapely.bounds(geoms[k])
        size = np.nanmedian(np.maximum(bounds[:, 2] - bounds[:, 0], bounds[:, 3] - bounds[:, 1]))
        # private copies to prepare (the caller's sectors are left as they are)
        shapes = shapely.from_wkb(shapely.to_wkb(geoms[k]))
        shapely.prepare(shapes)
        g, pos = PointIndex(x, y, cell=float(size)).inside(shapes)
        np.minimum.at(which, pos, k[g])  # a point on a shared boundary: the first sector
    which[which == len(geoms)] = -1
    res = np.full(len(x), "", dtype=object)
    res[which >= 0] = ids[which[which >= 0]]
    snapped = np.zeros(len(x), dtype=bool)
    miss = np.flatnonzero(res == "")
    if len(miss) and tol > 0:
        tree = shapely.STRtree(geoms)
        i2, t2 = tree.query_nearest(
            shapely.points(x[miss], y[miss]), max_distance=tol, all_matches=False
        )
        res[miss[i2]] = ids[t2]
        snapped[miss[i2]] = True
    return res, snapped
