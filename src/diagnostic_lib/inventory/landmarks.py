"""Landmarks: the few named places that let a reader find their way on a map.

:func:`landmarks` picks them from the places layer (``place_id, kind, name,
geometry``, :func:`diagnostic_lib.loaders.load_places`): named places of the
kinds people know a town by (stations, shopping centres, parks, schools…, see
the ``landmark_kinds`` setting), near what a map shows (hot cells, problems),
and apart from each other so that they do not crowd the map;
:func:`map_landmarks` does it with the config's settings. The maps only draw
the table it returns.

Examples
--------
>>> kind_weight("ecole_primaire", {"ecole": 0.7, "other": 0.2})
0.7
>>> kind_weight("parking", {"park": 0.9, "other": 0.2})
0.2
"""

from __future__ import annotations

from collections.abc import Mapping
from typing import TYPE_CHECKING, Any

import numpy as np
import pandas as pd

from .. import settings

if TYPE_CHECKING:
    from ..loaders import Diagnostic

LANDMARKS: int = settings.default("landmarks")
LANDMARK_SPACING_M: float = settings.default("landmark_spacing_m")
LANDMARK_REACH_M: float = settings.default("landmark_reach_m")
LANDMARK_KINDS: dict[str, float] = settings.default("landmark_kinds")
OTHER_KIND = "other"
"""The key of ``landmark_kinds`` that weighs the kinds no other key matches."""

COLUMNS = ("place_id", "kind", "kind_label", "name", "rank", "distance_m", "geometry")
"""Columns of :func:`landmarks` (the places' own columns first)."""


def kind_weight(kind: str, kinds: Mapping[str, float] | None = None) -> float:
    """How good a kind of place is as a landmark (0 to 1).

    A key of ``kinds`` matches a kind code equal to it or containing it as a
    whole word between underscores (``ecole`` matches ``ecole_primaire``,
    ``park`` does not match ``parking``); the highest weight of the matching
    keys wins, and a kind that no key matches weighs ``kinds["other"]`` (0 when
    absent).

    Parameters
    ----------
    kind : str
        A place's kind code (lower case, words joined by ``_``).
    kinds : mapping of str to float, optional
        Weights by key (default: the ``landmark_kinds`` setting).

    Returns
    -------
    float

    Examples
    --------
    >>> kind_weight("station_de_metro"), kind_weight("bar")
    (1.0, 0.2)
    """
    kinds = LANDMARK_KINDS if kinds is None else kinds
    padded = f"_{kind}_"
    hits = [float(w) for k, w in kinds.items() if k and k != OTHER_KIND and f"_{k}_" in padded]
    return max(hits) if hits else float(kinds.get(OTHER_KIND, 0.0))


def _names(places: pd.DataFrame) -> np.ndarray:
    """Each place's name, stripped ("" when it has none)."""
    if "name" not in places.columns:
        return np.full(len(places), "", dtype=object)
    return np.array(
        [v.strip() if isinstance(v, str) else "" for v in places["name"].astype(object)],
        dtype=object,
    )


def _empty(crs: Any, n: int):
    import geopandas as gpd

    frame = pd.DataFrame({c: pd.Series(dtype=object) for c in COLUMNS if c != "geometry"})
    out = gpd.GeoDataFrame(frame, geometry=gpd.GeoSeries([], crs=crs))
    out.attrs["n"] = int(n)
    return out


def landmarks(
    places,
    *,
    near=None,
    area=None,
    n: int = LANDMARKS,
    spacing_m: float = LANDMARK_SPACING_M,
    reach_m: float = LANDMARK_REACH_M,
    kinds: Mapping[str, float] | None = None,
    spares: int = 0,
):
    """The few named places a map shows as landmarks, most relevant first.

    Each named place within ``area`` scores ``w × exp(−d / reach_m)``: ``w`` the
    weight of its kind (:func:`kind_weight`), ``d`` its distance to the
    nearest geometry of ``near`` (0 inside one; without ``near``, the score is
    the weight). The best are taken in turn, skipping a place closer than
    ``spacing_m`` to one already taken, a name already taken, and kinds of
    weight 0; ties go to the nearer place, then to the place id.

    Parameters
    ----------
    places : GeoDataFrame or None
        The places layer (``place_id, kind, name, geometry``; ``kind_label`` kept
        when present). Points, lines or polygons (a polygon is measured from its
        representative point).
    near : GeoDataFrame or GeoSeries, optional
        What the map shows (hot cells, problems): landmarks near it come first.
    area : GeoDataFrame or GeoSeries, optional
        The map's area (the sectors): places outside it are left out.
    n : int
        Most landmarks (0: none).
    spacing_m : float
        Shortest distance between two landmarks (m).
    reach_m : float
        Distance scale of the relevance (m).
    kinds : mapping of str to float, optional
        Weights of the kinds (default: the ``landmark_kinds`` setting).
    spares : int
        Also return up to this many next-best places, for a map that cannot
        write some names (``attrs["n"]`` keeps ``n``: the most a map draws).

    Returns
    -------
    GeoDataFrame
        The chosen rows of ``places`` (their index kept), in order, with
        ``rank`` (1 = most relevant) and ``distance_m`` (to ``near``; NaN
        without it); ``attrs["n"]`` is ``n``. Empty without places.

    Examples
    --------
    >>> import geopandas as gpd, shapely
    >>> p = gpd.GeoDataFrame(
    ...     {"place_id": ["a", "b", "c", "d"], "kind": ["bar", "park", "transit_stop", "park"],
    ...      "name": ["Le Fût", "Parc riverain", "Arrêt Quai", None]},
    ...     geometry=[shapely.Point(0, 0), shapely.Point(100, 0), shapely.Point(300, 0),
    ...               shapely.Point(50, 50)], crs=32188)
    >>> hot = gpd.GeoSeries([shapely.box(-50, -50, 50, 50)], crs=32188)
    >>> lm = landmarks(p, near=hot, n=2, spacing_m=50)
    >>> lm["name"].tolist(), lm["rank"].tolist(), lm.index.tolist()
    (['Parc riverain', 'Arrêt Quai'], [1, 2], [1, 2])
    >>> len(landmarks(p, near=hot, n=1, spacing_m=50, spares=1)), lm.attrs["n"]
    (2, 2)
    """
    if places is None:
        return _empty(None, n)
    kinds = LANDMARK_KINDS if kinds is None else kinds
    names = _names(places)
    geoms = places.geometry
    ok = np.asarray(geoms.notna() & ~geoms.is_empty) & (names != "") & (n > 0)
    kind = [str(k) for k in places["kind"].astype(object)]
    by_kind = {k: kind_weight(k, kinds) for k in set(kind)}  # each kind weighed once
    weight = np.array([by_kind[k] for k in kind], dtype="float64")
    ok &= weight > 0
    pts = geoms.representative_point()
    pt_arr = np.asarray(pts.array, dtype=object)
    if area is not None and ok.any():
        ok &= _touches_any(pt_arr, getattr(area, "geometry", area))
    dist = np.full(len(places), np.nan)
    score = weight.copy()
    if near is not None and len(near) and ok.any():
        target = getattr(near, "geometry", near)
        target = np.asarray(target[target.notna() & ~target.is_empty].array, dtype=object)
        if len(target):
            dist = _nearest_distance(pt_arr, target)
            score = weight * np.exp(-dist / float(reach_m))
    ids = places["place_id"].astype(str).to_numpy() if "place_id" in places else names
    near_d = np.nan_to_num(dist, nan=0.0)  # once for all (a call a place took ~30 µs)
    order = sorted(np.flatnonzero(ok), key=lambda i: (-score[i], near_d[i], ids[i]))
    xy = np.column_stack([pts.x.to_numpy(), pts.y.to_numpy()])
    chosen: list[int] = []
    seen: set[str] = set()
    for i in order:
        key = names[i].casefold()
        if key in seen:
            continue
        if chosen and np.hypot(*(xy[chosen] - xy[i]).T).min() < spacing_m:
            continue
        chosen.append(int(i))
        seen.add(key)
        if len(chosen) >= n + max(int(spares), 0):
            break
    out = places.iloc[chosen].copy()
    out["rank"] = np.arange(1, len(chosen) + 1)
    out["distance_m"] = dist[chosen]
    cols = [c for c in COLUMNS if c in out.columns]
    out = out[cols + [c for c in out.columns if c not in cols and c != "source_row"]]
    out.attrs["n"] = int(n)
    return out


def _touches_any(points: np.ndarray, geoms: Any) -> np.ndarray:
    """Whether each point intersects one of ``geoms`` (their union, without making it)."""
    import shapely

    out = np.zeros(len(points), dtype=bool)
    g = np.asarray(geoms.array if hasattr(geoms, "array") else geoms, dtype=object)
    g = g[~(shapely.is_missing(g) | shapely.is_empty(g))]
    has = ~(shapely.is_missing(points) | shapely.is_empty(points))
    if not len(g) or not has.any():
        return out
    i, _ = shapely.STRtree(g).query(points[has], predicate="intersects")
    out[np.flatnonzero(has)[i]] = True
    return out


def _nearest_distance(points: np.ndarray, geoms: np.ndarray) -> np.ndarray:
    """Each point's distance to the nearest of ``geoms`` (to their union; NaN: no point)."""
    import shapely

    out = np.full(len(points), np.nan)
    has = ~(shapely.is_missing(points) | shapely.is_empty(points))
    if not has.any():
        return out
    (i, _), d = shapely.STRtree(geoms).query_nearest(points[has], return_distance=True)
    best = np.full(int(has.sum()), np.inf)
    np.minimum.at(best, i, d)
    out[has] = best
    return out


def map_landmarks(diag: Diagnostic, near: Any = None):
    """The landmarks of a map of the diagnosis: named places near what it shows.

    :func:`landmarks` with the config's settings (``landmarks``,
    ``landmark_spacing_m``, ``landmark_reach_m``, ``landmark_kinds``), over the
    sectors, with as many spares (for the names a map cannot write).

    Parameters
    ----------
    diag : Diagnostic
        The diagnosis (its places, sectors and ``landmark*`` settings).
    near : GeoDataFrame or GeoSeries, optional
        What the map shows (hot cells, problems).

    Returns
    -------
    GeoDataFrame
        From :func:`landmarks`, with as many spares as landmarks (empty without
        places).

    Examples
    --------
    >>> from diagnostic_lib import loaders, sample
    >>> d = loaders.load_diagnostic(sample.sample_dir() / "diagnostic.toml")
    >>> lm = map_landmarks(d)
    >>> lm.attrs["n"] == d.config.param("landmarks"), len(lm) > lm.attrs["n"]
    (True, True)
    """
    cfg = diag.config
    n = cfg.param("landmarks")
    return landmarks(
        diag.places,
        near=near,
        area=diag.sectors,
        n=n,
        spares=n,  # for the names a map cannot write
        spacing_m=cfg.param("landmark_spacing_m"),
        reach_m=cfg.param("landmark_reach_m"),
        kinds=cfg.param("landmark_kinds"),
    )
