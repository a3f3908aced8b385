"""The fixed geography of the sample: boundary, sectors, places and planted streets.

It does not depend on the user seed: the town boundary (the north bank of the river and a
fixed northern line), ten sectors (a jittered grid of street blocks, Voronoi cells grouped
around weighted sector seeds and clipped to the town), the places (bars, parkings, transit
stops, schools, parks, shopping centres), the bar strip on rue Principale, the commercial
rue Saint-Joseph and the areas of the measures. :func:`_geo` builds it once;
:func:`_samplers` draws uniform points in its areas.
"""

from __future__ import annotations

import functools
from dataclasses import dataclass

import numpy as np
import pandas as pd
import shapely

from .constants import _GEO_SEED, _ORIGIN
from .geometry import _L, _AreaSampler, _clean, _locate, _rect

# id, name, seed point (local m), Voronoi weight, population, role (for the README)
_SECTOR_SPECS: tuple[tuple[str, str, float, float, float, int, str], ...] = (
    ("S01", "Centre-ville", 3300, 1150, 0.75, 2400, "downtown, bar strip on rue Principale"),
    ("S02", "Gare", 4600, 1300, 0.90, 2900, "train station and park-and-ride"),
    ("S03", "Carrefour", 1850, 1350, 0.95, 3000, "shopping centre Carrefour des Hérons"),
    ("S04", "Parc-industriel", 6300, 1700, 1.15, 350, "industrial park, few residents"),
    ("S05", "Domaine-des-Pins", 5500, 3900, 1.10, 3950, "quiet residential (perception gap)"),
    ("S06", "Les Érables", 3900, 2550, 1.00, 5000, "residential, Parc des Érables"),
    ("S07", "Vieux-Moulin", 600, 2400, 1.00, 6200, "residential (break-ins)"),
    ("S08", "Saint-Joseph", 2200, 2650, 0.95, 6000, "residential (break-ins), rue Saint-Joseph"),
    ("S09", "Les Boisés", 1500, 4100, 1.00, 5600, "residential (break-ins)"),
    ("S10", "Plateau-Nord", 3500, 3950, 1.00, 4600, "residential"),
)
_N_SECTORS = len(_SECTOR_SPECS)


def _riverbank(x: np.ndarray) -> np.ndarray:
    """North bank of the Rivière aux Hérons (local y as a function of local x)."""
    return 430 + 170 * np.sin(2 * np.pi * x / 2600) + 70 * np.sin(2 * np.pi * x / 900 + 1.0)


_NORTH_BOUNDARY = (
    (7100, 700),
    (7160, 1500),
    (7020, 2300),
    (6880, 3350),
    (6420, 4420),
    (5900, 4850),
    (5150, 4930),
    (4400, 4700),
    (3700, 4880),
    (2900, 5010),
    (2100, 4870),
    (1350, 4920),
    (700, 4600),
    (180, 4200),
    (-60, 3350),
    (80, 2500),
    (-90, 1700),
    (40, 1000),
)


# Places: (kind, name, local x, local y, polygon size (w, h, angle) or None, sector)
_PLACE_SPECS: tuple[tuple[str, str, float, float, tuple[float, float, float] | None], ...] = (
    # bars of the strip (rue Principale, Centre-ville)
    ("bar", "Le Héron bleu", 3150, 1128, None),
    ("bar", "Taverne du Quai", 3195, 1105, None),
    ("bar", "Le Saint-Graal", 3240, 1148, None),
    ("bar", "Bar Le 1837", 3290, 1125, None),
    ("bar", "Brasserie La Rivière", 3335, 1168, None),
    ("bar", "Le Fût", 3380, 1143, None),
    ("bar", "Bar L'Écluse", 3425, 1180, None),
    ("bar", "Le Rapido", 3465, 1152, None),
    ("bar", "Pub Le Moulin à paroles", 3500, 1187, None),
    ("bar", "La Nuit blanche", 3270, 1164, None),
    # other bars
    ("bar", "Bar sportif Le Carrefour", 2080, 1500, None),
    ("bar", "Le Quai de la gare", 4380, 1420, None),
    ("bar", "Brasserie Saint-Joseph", 2400, 2600, None),
    ("bar", "Bar Le Relais", 2980, 1350, None),
    # parkings (polygons)
    ("parking", "Stationnement incitatif de la gare", 4650, 1150, (150, 100, 8)),
    ("parking", "Stationnement du Carrefour des Hérons", 1800, 1220, (240, 160, -5)),
    ("parking", "Stationnement municipal Principale", 3250, 1240, (60, 40, 3)),
    ("parking", "Stationnement du Quai", 3450, 1040, (70, 40, 5)),
    ("parking", "Stationnement de l'aréna", 2600, 3100, (90, 60, 0)),
    ("parking", "Stationnement du parc industriel", 6150, 1450, (120, 70, 12)),
    ("parking", "Stationnement de la polyvalente", 2750, 2050, (80, 50, -10)),
    ("parking", "Stationnement de l'hôpital", 3650, 3700, (110, 60, 0)),
    # transit stops (line A east-west, line B north-south)
    ("transit_stop", "Gare de Rivière-aux-Hérons", 4560, 1240, None),
    ("transit_stop", "Arrêt Carrefour", 1900, 1400, None),
    ("transit_stop", "Arrêt Principale / Laurier", 3150, 1175, None),
    ("transit_stop", "Arrêt Principale / Notre-Dame", 3520, 1215, None),
    ("transit_stop", "Arrêt Quai", 3950, 1300, None),
    ("transit_stop", "Arrêt Montcalm", 2500, 1350, None),
    ("transit_stop", "Arrêt Vieux-Moulin", 800, 1900, None),
    ("transit_stop", "Arrêt Pins / Érables", 4300, 2800, None),
    ("transit_stop", "Arrêt Saint-Joseph", 2250, 2500, None),
    ("transit_stop", "Arrêt Plateau", 3450, 3300, None),
    ("transit_stop", "Arrêt Hôpital", 3650, 3800, None),
    ("transit_stop", "Arrêt Domaine-des-Pins", 5400, 3500, None),
    ("transit_stop", "Arrêt Boisés", 1500, 3700, None),
    ("transit_stop", "Arrêt Industriel", 6000, 1300, None),
    # schools
    ("school", "École primaire des Érables", 3700, 2250, None),
    ("school", "École secondaire de la Rivière (polyvalente)", 2750, 2150, None),
    ("school", "École primaire du Vieux-Moulin", 700, 2800, None),
    ("school", "École primaire des Boisés", 1700, 4200, None),
    ("school", "École primaire des Pins", 5600, 4000, None),
    ("school", "École primaire Saint-Joseph", 2100, 2900, None),
    # parks (polygons)
    ("park", "Parc des Érables", 3950, 2450, (300, 200, 10)),
    ("park", "Parc riverain", 2900, 760, (380, 110, 0)),
    ("park", "Parc du Moulin", 900, 2550, (160, 120, 0)),
    ("park", "Parc des Pins", 5750, 4200, (200, 150, 0)),
    ("park", "Parc Saint-Joseph", 2300, 3000, (120, 100, 0)),
    ("park", "Parc du Plateau", 3200, 4200, (150, 150, 0)),
    # shopping centres
    ("shopping_centre", "Carrefour des Hérons", 1790, 1400, None),
    ("shopping_centre", "Place de la Gare", 4420, 1350, None),
)

_STRIP_LOCAL = ((3120, 1110), (3320, 1150), (3515, 1175))  # rue Principale, ~400 m
_STREET_LOCAL = ((1990, 2330), (2300, 2530), (2640, 2700))  # rue Saint-Joseph, ~700 m


@dataclass(frozen=True)
class _Geo:
    """The fixed geography of one copy of the town (tile 0)."""

    boundary: shapely.Polygon
    sectors: np.ndarray  # (10,) polygons
    sector_ids: tuple[str, ...]
    sector_names: tuple[str, ...]
    population: np.ndarray  # (10,)
    places: pd.DataFrame  # place_id, kind, name, sector (index), geometry, gx, gy
    strip: shapely.LineString
    street: shapely.LineString
    park: shapely.Polygon
    park_and_ride: shapely.Polygon
    mall_lot: shapely.Polygon
    station_area: shapely.Polygon
    downtown_cameras: shapely.Polygon
    school_zone: shapely.Point
    traffic_calming: shapely.LineString


@functools.cache
def _geo() -> _Geo:
    """Build (once) the fixed geography of the town."""
    xs = np.arange(-40.0, 7101.0, 100.0)
    south = list(zip(xs.tolist(), _riverbank(xs).tolist(), strict=True))
    boundary = shapely.Polygon([_L(x, y) for x, y in south + list(_NORTH_BOUNDARY)])
    boundary = _clean(boundary)

    # Street blocks: a jittered grid of points, Voronoi cells, grouped by nearest sector seed.
    rng = np.random.default_rng(_GEO_SEED)
    gx, gy = np.meshgrid(np.arange(-300.0, 7500.0, 230.0), np.arange(-200.0, 5400.0, 230.0))
    px = gx.ravel() + rng.uniform(-80, 80, gx.size) + _ORIGIN[0]
    py = gy.ravel() + rng.uniform(-80, 80, gx.size) + _ORIGIN[1]
    env = shapely.box(_ORIGIN[0] - 2000, _ORIGIN[1] - 2000, _ORIGIN[0] + 9000, _ORIGIN[1] + 7000)
    cells = shapely.get_parts(
        shapely.voronoi_polygons(shapely.multipoints(np.c_[px, py]), extend_to=env, ordered=True)
    )
    seeds = np.array([_L(s[2], s[3]) for s in _SECTOR_SPECS])
    weights = np.array([s[4] for s in _SECTOR_SPECS])
    dist = np.hypot(px[:, None] - seeds[None, :, 0], py[:, None] - seeds[None, :, 1])
    owner = (dist / weights[None, :]).argmin(axis=1)
    polys = []
    for i in range(_N_SECTORS):
        poly = shapely.intersection(shapely.coverage_union_all(cells[owner == i]), boundary)
        poly = _clean(poly)
        if poly.geom_type != "Polygon":  # pragma: no cover - guarded by the tests
            raise RuntimeError(f"sector {_SECTOR_SPECS[i][0]} is not a single polygon")
        polys.append(poly)
    sectors = np.array(polys, dtype=object)
    # the town is exactly the union of the published (rounded) sectors
    boundary = _clean(shapely.coverage_union_all(sectors))

    # Places
    rows = []
    for k, (kind, name, x, y, size) in enumerate(_PLACE_SPECS):
        geom = _rect(x, y, *size) if size is not None else shapely.Point(_L(x, y))
        rows.append((f"L{k + 1:03d}", kind, name, _clean(geom)))
    places = pd.DataFrame(rows, columns=["place_id", "kind", "name", "geometry"])
    cent = shapely.centroid(places["geometry"].to_numpy())
    places["gx"] = shapely.get_x(cent)
    places["gy"] = shapely.get_y(cent)
    places["sector"] = _locate(sectors, places["gx"].to_numpy(), places["gy"].to_numpy())

    by_name = dict(zip(places["name"], places["geometry"], strict=True))
    strip = _clean(shapely.LineString([_L(*p) for p in _STRIP_LOCAL]))
    street = _clean(shapely.LineString([_L(*p) for p in _STREET_LOCAL]))
    geo = _Geo(
        boundary=boundary,
        sectors=sectors,
        sector_ids=tuple(s[0] for s in _SECTOR_SPECS),
        sector_names=tuple(s[1] for s in _SECTOR_SPECS),
        population=np.array([s[5] for s in _SECTOR_SPECS], dtype=float),
        places=places,
        strip=strip,
        street=street,
        park=by_name["Parc des Érables"],
        park_and_ride=by_name["Stationnement incitatif de la gare"],
        mall_lot=by_name["Stationnement du Carrefour des Hérons"],
        station_area=_rect(4590, 1200, 260, 200, 8),
        downtown_cameras=_clean(strip.buffer(60)),
        school_zone=shapely.Point(_L(2750, 2150)),
        traffic_calming=_clean(
            shapely.LineString([_L(3450, 2900), _L(3480, 3350), _L(3460, 3750)])
        ),
    )
    _check_geo(geo)
    return geo


def _check_geo(geo: _Geo) -> None:
    """Guard the layout: planted features lie in the intended sectors."""
    sid = {s: i for i, s in enumerate(geo.sector_ids)}
    expect = [
        (geo.strip.buffer(60), "S01"),
        (geo.street.buffer(60), "S08"),
        (geo.park.buffer(10), "S06"),
        (geo.park_and_ride.buffer(10), "S02"),
        (geo.mall_lot.buffer(10), "S03"),
    ]
    for area, sec in expect:
        if not geo.sectors[sid[sec]].contains(area):  # pragma: no cover - fixed layout
            raise RuntimeError(f"planted feature not inside {sec}")


@functools.cache
def _samplers() -> dict[str, _AreaSampler]:
    """Uniform samplers of the sectors, the park, the lots and the rings around them."""
    g = _geo()
    park_ring = _clean(g.park.buffer(200).difference(g.park).intersection(g.boundary))
    mall_ring = _clean(g.mall_lot.buffer(300).difference(g.mall_lot).intersection(g.boundary))
    return {
        "sectors": _AreaSampler(list(g.sectors)),
        "park": _AreaSampler([g.park]),
        "park_ring": _AreaSampler([park_ring]),
        "park_and_ride": _AreaSampler([g.park_and_ride]),
        "mall_lot": _AreaSampler([g.mall_lot]),
        "mall_ring": _AreaSampler([mall_ring]),
    }


def _sid(sector_id: str) -> int:
    """Index of a sector of the first copy of the town (``"S01"`` → 0)."""
    return _geo().sector_ids.index(sector_id)
