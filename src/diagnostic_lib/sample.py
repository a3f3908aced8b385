"""Synthetic sample municipality: a fictional Québec town with a planted ground truth.

The sample, *Rivière-aux-Hérons* (about 40,000 residents, 7 km × 4.5 km on the north
bank of a river, coordinates in EPSG:32188, NAD83 / MTM zone 8), is what the notebooks,
the report and the tests run on. Every file of ``data/sample/`` is written by
:func:`generate` from a fixed seed, so that regenerating it gives byte-identical files.

The town is built in two layers:

* a **fixed geography**, independent of the seed: the town boundary, ten sectors
  (street-block Voronoi cells grouped into sectors and clipped to the town), the places
  (bars, parkings, transit stops, schools, parks, shopping centres), the partners and the
  preventive measures;
* a **random realisation**, driven by the seed: the incidents, the survey and the raw
  records-system export.

The incidents are a sum of Poisson processes (the planted problems and a background with
mild overdispersion). The effects of preventive measures are exact multipliers of the
Poisson intensity after their start date, applied by thinning a boosted process, so that
repeated seeds scatter around the planted size. :func:`ground_truth` describes everything
that was planted; the same content is written to ``manifest.json``.

Examples
--------
>>> from diagnostic_lib import sample
>>> tables = sample.generate_tables(only=("incidents",))
>>> 12_000 <= len(tables["incidents"]) <= 18_000
True
>>> sample.ground_truth()["problems"]["bar_strip"]["sector"]
'S01'
"""

from __future__ import annotations

import argparse
import functools
import hashlib
import json
import math
import os
from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import geopandas as gpd
import numpy as np
import pandas as pd
import pyarrow as pa
import pyarrow.compute as pc
import shapely

from diagnostic_lib import schema

__all__ = [
    "CATEGORIES",
    "DEFAULT_SEED",
    "GENERATOR_VERSION",
    "TABLE_KEYS",
    "TOWN_NAME",
    "generate",
    "generate_tables",
    "ground_truth",
    "main",
    "sample_dir",
    "simulate_measure_counts",
    "simulate_measure_counts_from_frame",
]

DEFAULT_SEED = 20251231
"""Seed of the shipped sample."""

GENERATOR_VERSION = "1"
"""Bumped whenever the output of the generator changes on purpose."""

TOWN_NAME = "Rivière-aux-Hérons"
CRS = schema.DEFAULT_CRS
CRS_URN = "urn:ogc:def:crs:EPSG::32188"
PERIOD_START = "2022-01-01"
PERIOD_END = "2025-12-31"
LICENCE = "CC0-1.0"

TABLE_KEYS: tuple[str, ...] = (
    "sectors",
    "incidents",
    "measures",
    "survey",
    "partners",
    "places",
    "raw_export",
)
"""Keys of the dictionary returned by :func:`generate_tables`."""

_T0 = np.datetime64(PERIOD_START, "D")
_N_DAYS = int((np.datetime64(PERIOD_END, "D") - _T0).astype(int)) + 1  # 1461
_T_END = _N_DAYS * 1440  # minutes; events are in [0, _T_END)
_ORIGIN = (285_000.0, 5_055_000.0)  # south-west corner of the town (local 0, 0)
_TILE_STEP = (8_000.0, 6_000.0)  # offset between copies of the town (scale > 1)
_GEO_SEED = 7  # the fixed geography does not depend on the user seed

# Category codes used by the sample (canonical codes of taxonomy.csv), with an index.
CATEGORIES: tuple[str, ...] = (
    "homicide",
    "robbery",
    "assault",
    "assault_armed",
    "burglary",
    "vehicle_theft",
    "theft_from_vehicle",
    "theft",
    "mischief",
    "disturbance",
    "drugs",
    "fraud",
    "cyber_fraud",
    "traffic",
)
"""Canonical category codes present in the sample (14 of the taxonomy)."""
_C = {c: i for i, c in enumerate(CATEGORIES)}
_FAMILY = {
    "homicide": "violent",
    "robbery": "violent",
    "assault": "violent",
    "assault_armed": "violent",
    "burglary": "property",
    "vehicle_theft": "property",
    "theft_from_vehicle": "property",
    "theft": "property",
    "mischief": "disorder",
    "disturbance": "disorder",
    "drugs": "other",
    "fraud": "fraud_cyber",
    "cyber_fraud": "fraud_cyber",
    "traffic": "traffic",
}
_SEASON_AMPLITUDE = {"property": 0.4, "disorder": 0.4, "violent": 0.25, "other": 0.2}
_SEASON_AMPLITUDE.update({"traffic": 0.1, "fraud_cyber": 0.0})
_SEASON_PEAK_DOY = 196  # mid-July

# French labels of the raw export (each one is an alias of taxonomy.csv).
_RAW_LABELS = {
    "homicide": "Homicide",
    "robbery": "Vol qualifié",
    "assault": "Voies de fait",
    "assault_armed": "Voies de fait armées",
    "burglary": "Introduction",
    "vehicle_theft": "Vol de véhicule à moteur",
    "theft_from_vehicle": "Vol dans / sur véhicule à moteur",
    "theft": "Vol simple",
    "mischief": "Méfait",
    "disturbance": "Trouble de la paix",
    "drugs": "Stupéfiants",
    "fraud": "Fraude",
    "cyber_fraud": "Fraude en ligne",
    "traffic": "Délit de fuite",
}

_SHIFTS = ("jour", "soir", "nuit", "")  # code 3 = no shift (range longer than 8 h)
_PRECISIONS = schema.PRECISIONS  # exact, intersection, block, sector, none
_P_EXACT, _P_INTER, _P_BLOCK, _P_SECTOR, _P_NONE = range(5)


# --------------------------------------------------------------------------------------
# Fixed geography
# --------------------------------------------------------------------------------------

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
_BURGLARY_SECTORS = ("S07", "S08", "S09")
_BURGLARY_SECTOR_WEIGHTS = (0.40, 0.30, 0.30)


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


def _L(x: float, y: float) -> tuple[float, float]:
    """Local (town) metres to EPSG:32188 coordinates of the first copy of the town."""
    return (_ORIGIN[0] + x, _ORIGIN[1] + y)


def _rect(cx: float, cy: float, w: float, h: float, angle_deg: float = 0.0) -> shapely.Polygon:
    """A ``w`` × ``h`` rectangle centred on local (cx, cy), rotated by ``angle_deg``."""
    a = math.radians(angle_deg)
    ca, sa = math.cos(a), math.sin(a)
    pts = []
    for dx, dy in ((-w / 2, -h / 2), (w / 2, -h / 2), (w / 2, h / 2), (-w / 2, h / 2)):
        pts.append(_L(cx + dx * ca - dy * sa, cy + dx * sa + dy * ca))
    return shapely.Polygon(pts)


def _clean(geom: Any) -> Any:
    """Snap to a 0.1 m grid, normalise and orient (exterior counter-clockwise)."""
    geom = shapely.set_precision(geom, 0.1)
    geom = shapely.normalize(geom)
    if geom.geom_type in ("Polygon", "MultiPolygon"):
        geom = shapely.orient_polygons(geom)
    return geom


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
_STATION_LOCAL = (4560, 1240)


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


def _locate(polys: np.ndarray, x: np.ndarray, y: np.ndarray) -> np.ndarray:
    """Index of the polygon containing each point (-1 outside all), vectorised."""
    x = np.asarray(x, dtype=float)
    y = np.asarray(y, dtype=float)
    out = np.full(x.shape, -1, dtype=np.int16)
    ok = np.isfinite(x) & np.isfinite(y)
    for i, poly in enumerate(polys):
        x0, y0, x1, y1 = poly.bounds
        cand = np.flatnonzero(ok & (out < 0) & (x >= x0) & (x <= x1) & (y >= y0) & (y <= y1))
        if cand.size:
            inside = shapely.intersects_xy(poly, x[cand], y[cand])
            out[cand[inside]] = i
    return out


class _AreaSampler:
    """Uniform points in polygons, through a constrained Delaunay triangulation."""

    def __init__(self, polys: Sequence[Any]):
        tris = []
        for poly in polys:
            parts = shapely.get_parts(shapely.constrained_delaunay_triangles(poly))
            tris.append(shapely.get_coordinates(parts).reshape(-1, 4, 2)[:, :3, :])
        self.tri = np.concatenate(tris)
        a, b, c = self.tri[:, 0], self.tri[:, 1], self.tri[:, 2]
        areas = 0.5 * np.abs(
            (b[:, 0] - a[:, 0]) * (c[:, 1] - a[:, 1]) - (c[:, 0] - a[:, 0]) * (b[:, 1] - a[:, 1])
        )
        self.cum = np.cumsum(areas)
        counts = np.array([len(t) for t in tris])
        self.first = np.concatenate([[0], np.cumsum(counts)[:-1]])
        self.last = np.cumsum(counts) - 1
        self.lo = np.where(self.first > 0, self.cum[np.maximum(self.first - 1, 0)], 0.0)
        self.hi = self.cum[self.last]
        self.flat = np.ascontiguousarray(np.c_[a, b - a, c - a])

    def sample(self, which: np.ndarray, rng: np.random.Generator) -> tuple[np.ndarray, np.ndarray]:
        """One uniform point in polygon ``which[i]`` for each i."""
        which = np.asarray(which, dtype=np.intp)
        n = which.size
        target = self.lo[which] + rng.random(n) * (self.hi[which] - self.lo[which])
        k = np.searchsorted(self.cum, target, side="right")
        k = np.clip(k, self.first[which], self.last[which])
        r1, r2 = rng.random(n), rng.random(n)
        flip = r1 + r2 > 1
        r1[flip], r2[flip] = 1 - r1[flip], 1 - r2[flip]
        t = self.flat[k]  # (n, 6): ax, ay, bx - ax, by - ay, cx - ax, cy - ay
        return t[:, 0] + r1 * t[:, 2] + r2 * t[:, 4], t[:, 1] + r1 * t[:, 3] + r2 * t[:, 5]


@functools.cache
def _samplers() -> dict[str, _AreaSampler]:
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


# --------------------------------------------------------------------------------------
# Time structure
# --------------------------------------------------------------------------------------


@functools.cache
def _calendar() -> dict[str, np.ndarray]:
    """Per-day calendar arrays over the period (day 0 = 2022-01-01)."""
    days = _T0 + np.arange(_N_DAYS)
    years = days.astype("datetime64[Y]")
    months = days.astype("datetime64[M]")
    doy = (days - years).astype(int) + 1
    year = years.astype(int) + 1970
    month_index = (months - np.datetime64(PERIOD_START, "M")).astype(int)
    weekday = (days.astype(int) + 3) % 7  # 1970-01-01 was a Thursday; Monday = 0
    t_years = np.arange(_N_DAYS) / 365.25
    return {
        "weekday": weekday,
        "doy": doy,
        "year": year,
        "month_index": month_index,
        "t_years": t_years,
        "month_of_year": (months.astype(int) % 12) + 1,
    }


def _season(amplitude: float) -> np.ndarray:
    """Seasonal multiplier per day: 1 + A cos(2π (doy − 196) / 365.25), peak mid-July."""
    doy = _calendar()["doy"]
    return 1.0 + amplitude * np.cos(2 * np.pi * (doy - _SEASON_PEAK_DOY) / 365.25)


def _bumps(peaks: Sequence[tuple[float, float, float]], floor: float) -> np.ndarray:
    """A 24-hour profile: floor + Gaussian bumps (centre hour, sd hours, weight), circular."""
    h = np.arange(24) + 0.5
    prof = np.full(24, floor)
    for centre, sd, w in peaks:
        d = np.abs(h - centre)
        d = np.minimum(d, 24 - d)
        prof = prof + w * np.exp(-0.5 * (d / sd) ** 2)
    return prof


_HOUR_PEAKS: dict[str, tuple[tuple[tuple[float, float, float], ...], float]] = {
    "homicide": (((23, 3, 1.0),), 0.1),
    "robbery": (((22, 3, 1.0), (1, 2, 0.6)), 0.1),
    "assault": (((22, 3, 1.0), (1.5, 2, 0.8), (15, 3, 0.3)), 0.08),
    "assault_armed": (((22, 3, 1.0), (1.5, 2, 0.8), (15, 3, 0.3)), 0.08),
    "burglary": (((12, 3, 1.0), (2, 2, 0.4)), 0.1),
    "vehicle_theft": (((1, 3, 1.0), (19, 3, 0.4)), 0.1),
    "theft_from_vehicle": (((2, 3, 1.0), (13, 3, 0.5)), 0.1),
    "theft": (((14, 3.5, 1.0),), 0.08),
    "mischief": (((22, 3, 1.0), (2, 2, 0.5)), 0.1),
    "disturbance": (((23, 2.5, 1.0), (1.5, 2, 0.6), (17, 3, 0.3)), 0.05),
    "drugs": (((20, 4, 1.0),), 0.1),
    "fraud": (((11, 3, 1.0),), 0.05),
    "cyber_fraud": (((14, 4, 1.0), (20, 3, 0.5)), 0.1),
    "traffic": (((8, 1.5, 0.8), (17, 2, 1.0)), 0.15),
}
_NIGHTLIFE = np.array([0.85, 0.85, 0.9, 0.95, 1.15, 1.3, 1.0])
_WEEKDAY_FACTORS = {
    "violent": _NIGHTLIFE,
    "disorder": _NIGHTLIFE,
    "property": np.array([1, 1, 1, 1, 1.1, 1.2, 0.7]),
    "traffic": np.array([1.05, 1.05, 1.05, 1.05, 1.1, 0.9, 0.8]),
    "fraud_cyber": np.array([1.2, 1.2, 1.15, 1.15, 1.1, 0.6, 0.6]),
    "other": np.array([0.9, 0.9, 1.0, 1.0, 1.1, 1.2, 0.9]),
}


@functools.cache
def _hour_weekday() -> np.ndarray:
    """Intensity table W[c, weekday, hour] for each category (mean 1 per category)."""
    out = np.empty((len(CATEGORIES), 7, 24))
    for c, code in enumerate(CATEGORIES):
        peaks, floor = _HOUR_PEAKS[code]
        prof = _bumps(peaks, floor)
        fam = _FAMILY[code]
        w = _WEEKDAY_FACTORS[fam][:, None] * prof[None, :]
        if fam in ("violent", "disorder"):  # Friday and Saturday nights spill after midnight
            w[5:7, :4] *= 1.8
        out[c] = w / w.mean()
    return out


@functools.cache
def _day_factors() -> np.ndarray:
    """Relative daily intensity f[c, day] (season × weekday), mean 1 over the period."""
    cal = _calendar()
    W = _hour_weekday()
    f = np.empty((len(CATEGORIES), _N_DAYS))
    for c, code in enumerate(CATEGORIES):
        amp = _SEASON_AMPLITUDE[_FAMILY[code]]
        f[c] = _season(amp) * W[c].mean(axis=1)[cal["weekday"]]
        f[c] /= f[c].mean()
    return f


def _sample_hours(cat: np.ndarray, weekday: np.ndarray, rng: np.random.Generator) -> np.ndarray:
    """Hour of day for each event from its category's weekday × hour profile."""
    W = _hour_weekday()
    cum = np.cumsum(W, axis=2)
    cum = cum / cum[:, :, -1:]
    rows = np.arange(len(CATEGORIES) * 7, dtype=float).reshape(len(CATEGORIES), 7, 1)
    flat = (cum + rows).ravel()
    row = cat.astype(np.int64) * 7 + weekday
    idx = np.searchsorted(flat, row + rng.random(cat.size), side="right")
    return np.clip(idx - row * 24, 0, 23)


# --------------------------------------------------------------------------------------
# Events (struct of arrays)
# --------------------------------------------------------------------------------------


@dataclass
class _Events:
    """Events of one component; times are minutes since 2022-01-01 00:00."""

    t: np.ndarray  # int64, occurred_from
    t_to: np.ndarray  # int64, -1 when exact
    cat: np.ndarray  # int8
    x: np.ndarray  # float64, NaN when unlocated (tile-0 coordinates)
    y: np.ndarray
    sec: np.ndarray  # int16, sector index in the tile, -1 when unknown
    prec: np.ndarray  # int8
    tile: np.ndarray  # int32

    @staticmethod
    def concat(parts: Sequence[_Events]) -> _Events:
        return _Events(
            *(np.concatenate([getattr(p, f) for p in parts]) for f in _Events.__annotations__)
        )

    def take(self, idx: np.ndarray) -> _Events:
        return _Events(*(getattr(self, f)[idx] for f in _Events.__annotations__))

    def __len__(self) -> int:
        return int(self.t.size)


def _events(t, t_to, cat, x, y, sec, prec, tile) -> _Events:
    n = np.asarray(t).size

    def full(v, dtype):
        v = np.asarray(v)
        return np.full(n, v, dtype=dtype) if v.ndim == 0 else v.astype(dtype, copy=False)

    return _Events(
        t=full(t, np.int64),
        t_to=full(t_to, np.int64),
        cat=full(cat, np.int8),
        x=full(x, np.float64),
        y=full(y, np.float64),
        sec=full(sec, np.int16),
        prec=full(prec, np.int8),
        tile=full(tile, np.int32),
    )


def _rng(seed: int, stream: int) -> np.random.Generator:
    """An independent random stream per component (adding one does not shift the others)."""
    return np.random.default_rng(np.random.SeedSequence([int(seed), int(stream)]))


def _draw_days(lam: np.ndarray, tiles: int, rng: np.random.Generator) -> tuple[np.ndarray, ...]:
    """Poisson counts per day (× tiles), expanded to (day, tile) per event."""
    n = rng.poisson(lam * tiles)
    day = np.repeat(np.arange(_N_DAYS), n)
    tile = rng.integers(0, tiles, size=day.size) if tiles > 1 else np.zeros(day.size, np.int64)
    return day, tile


def _choice(p: Sequence[float], n: int, rng: np.random.Generator) -> np.ndarray:
    """Categorical draws with probabilities ``p`` (vectorised)."""
    cum = np.cumsum(np.asarray(p, dtype=float))
    cum /= cum[-1]
    return np.minimum(np.searchsorted(cum, rng.random(n), side="right"), len(cum) - 1)


def _cats(split: dict[str, float], n: int, rng: np.random.Generator) -> np.ndarray:
    codes = np.array([_C[k] for k in split], dtype=np.int8)
    return codes[_choice(list(split.values()), n, rng)]


def _sid(sector_id: str) -> int:
    return _geo().sector_ids.index(sector_id)


def _round01(v: np.ndarray) -> np.ndarray:
    return np.round(v, 1)


def _along(line: shapely.LineString, n: int, rng: np.random.Generator, sd: float, clip: float):
    """Points along ``line`` (uniform) with a Gaussian perpendicular offset (clipped)."""
    c = shapely.get_coordinates(line)
    seg = np.diff(c, axis=0)
    seg_len = np.hypot(seg[:, 0], seg[:, 1])
    cum = np.concatenate([[0.0], np.cumsum(seg_len)])
    s = rng.random(n) * cum[-1]
    k = np.clip(np.searchsorted(cum, s, side="right") - 1, 0, len(seg) - 1)
    u = seg[k] / seg_len[k, None]
    frac = (s - cum[k])[:, None]
    base = c[k] + frac * u
    off = np.clip(rng.normal(0, sd, n), -clip, clip)
    return base[:, 0] - u[:, 1] * off, base[:, 1] + u[:, 0] * off


def _snap_to(nodes: np.ndarray, x: np.ndarray, y: np.ndarray) -> tuple[np.ndarray, np.ndarray]:
    """Snap points to the nearest of a few nodes (geocoding to an intersection)."""
    d = (x[:, None] - nodes[None, :, 0]) ** 2 + (y[:, None] - nodes[None, :, 1]) ** 2
    k = d.argmin(axis=1)
    return nodes[k, 0], nodes[k, 1]


def _ranges(t: np.ndarray, p: float, lo_h: float, hi_h: float, rng: np.random.Generator):
    """Turn a share ``p`` of exact times into ranges around them (half-hour marks)."""
    n = t.size
    is_range = rng.random(n) < p
    a = rng.uniform(lo_h, hi_h, n) * 60
    b = rng.uniform(lo_h, hi_h, n) * 60
    t_from = np.where(is_range, np.floor((t - a) / 30) * 30, t).astype(np.int64)
    t_to = np.where(is_range, np.ceil((t + b) / 30) * 30, -1).astype(np.int64)
    t_to = np.where(is_range, np.minimum(t_to, _T_END - 1), -1)
    return t_from, t_to


# --------------------------------------------------------------------------------------
# Planted components: daily intensities (pure functions, also used by ground_truth)
# --------------------------------------------------------------------------------------

_STRIP_PER_NIGHT = 1400 / 417.0  # ≈ 1,400 events over the 417 Friday/Saturday nights
_STRIP_SPLIT = {"assault": 0.33, "assault_armed": 0.27, "mischief": 0.18, "disturbance": 0.22}
_BURGLARY_INITIATORS_PER_WEEKDAY = 0.92
_BURGLARY_FOLLOWER_MEAN = 0.55
_PNR_PER_YEAR = 130.0
_MALL_PER_YEAR = 150.0
_MALL_RING_PER_YEAR = 60.0
_PARK_PER_YEAR = 120.0
_PARK_RING_PER_YEAR = 40.0
_STREET_PER_YEAR = 70.0
_FRAUD_PER_YEAR = {"fraud": (170.0, 380.0), "cyber_fraud": (130.0, 420.0)}  # 2022 → 2025


def _per_year_scale(lam: np.ndarray, per_year: float) -> np.ndarray:
    return lam * (per_year * _N_DAYS / 365.25) / lam.sum()


@functools.cache
def _lam() -> dict[str, np.ndarray]:
    """Expected events per day (scale 1, before measure effects) of each planted component."""
    cal = _calendar()
    wd = cal["weekday"]
    out: dict[str, np.ndarray] = {}
    fri_sat = np.isin(wd, (4, 5)).astype(float)
    out["bar_strip"] = _STRIP_PER_NIGHT * fri_sat * _season(0.35)
    weekday = (wd < 5).astype(float)
    out["burglary_initiators"] = (
        _BURGLARY_INITIATORS_PER_WEEKDAY * (weekday + 0.3 * (1 - weekday)) * _season(0.4)
    )
    out["park_and_ride"] = _per_year_scale(weekday * _season(0.2), _PNR_PER_YEAR)
    mall_wd = np.array([0.8, 0.8, 0.9, 1.0, 1.2, 1.5, 1.1])[wd]
    out["mall_lot"] = _per_year_scale(mall_wd * _season(0.2), _MALL_PER_YEAR)
    out["mall_ring"] = _per_year_scale(_season(0.3), _MALL_RING_PER_YEAR)
    night_wd = np.array([0.8, 0.8, 0.9, 1.0, 1.4, 1.5, 1.0])[wd]
    out["park_night"] = _per_year_scale(night_wd * _season(0.4), _PARK_PER_YEAR)
    out["park_ring"] = _per_year_scale(night_wd * _season(0.4), _PARK_RING_PER_YEAR)
    street_wd = np.array([1, 1, 1, 1, 1.2, 1.3, 0.5])[wd]
    out["saint_joseph_street"] = _per_year_scale(street_wd * _season(0.3), _STREET_PER_YEAR)
    t = cal["t_years"]
    fwd = _WEEKDAY_FACTORS["fraud_cyber"][wd]
    fwd = fwd / fwd.mean()
    for code, (first, last) in _FRAUD_PER_YEAR.items():
        slope = (last - first) / 3.0  # per year, between yearly means
        out[code] = (first - slope / 2 + slope * t) / 365.25 * fwd
    return out


# --------------------------------------------------------------------------------------
# Background
# --------------------------------------------------------------------------------------

_BACKGROUND_PER_YEAR = {
    "homicide": 0.3,
    "robbery": 24.0,
    "assault": 170.0,
    "assault_armed": 35.0,
    "burglary": 55.0,
    "vehicle_theft": 55.0,
    "theft_from_vehicle": 160.0,
    "theft": 620.0,
    "mischief": 330.0,
    "disturbance": 420.0,
    "drugs": 120.0,
    "traffic": 150.0,
}
_HOMICIDE_MAX = 2  # "0–2 in total": extra draws beyond 2 are dropped (documented)

# Relative attractiveness of each sector by category (× population).
_ATTRACT_DEFAULT = {
    "S01": 2.2,
    "S02": 1.3,
    "S03": 1.4,
    "S04": 2.0,
    "S05": 0.4,
    "S06": 0.9,
    "S07": 0.8,
    "S08": 1.0,
    "S09": 0.7,
    "S10": 0.8,
}
_ATTRACT_OVERRIDES = {
    "S01": {"theft": 3.0, "robbery": 10.0, "drugs": 3.5, "assault": 2.8, "assault_armed": 3.0},
    "S03": {"theft": 3.0, "theft_from_vehicle": 1.3, "vehicle_theft": 1.3, "robbery": 2.0},
    "S02": {"theft_from_vehicle": 1.6, "vehicle_theft": 1.6, "drugs": 2.0},
    "S04": {"theft_from_vehicle": 4.0, "vehicle_theft": 5.0, "mischief": 3.0, "burglary": 6.0},
    "S05": {"burglary": 0.3, "homicide": 0.0},
    "S07": {"burglary": 0.5},
    "S08": {"burglary": 0.5},
    "S09": {"burglary": 0.5},
}
# Generators: share of events drawn near a place, and which kinds (weights).
_GENERATORS: dict[str, tuple[float, dict[str, float]]] = {
    "homicide": (0.3, {"bar": 1.0}),
    "robbery": (0.5, {"transit_stop": 0.4, "shopping_centre": 0.3, "bar": 0.3}),
    "assault": (0.45, {"bar": 0.8, "transit_stop": 0.2}),
    "assault_armed": (0.4, {"bar": 1.0}),
    "burglary": (0.0, {}),
    "vehicle_theft": (0.45, {"parking": 1.0}),
    "theft_from_vehicle": (0.55, {"parking": 1.0}),
    "theft": (0.45, {"shopping_centre": 0.6, "transit_stop": 0.2, "bar": 0.2}),
    "mischief": (0.35, {"school": 0.4, "park": 0.4, "transit_stop": 0.2}),
    "disturbance": (0.45, {"bar": 0.7, "park": 0.3}),
    "drugs": (0.5, {"park": 0.5, "transit_stop": 0.3, "bar": 0.2}),
    "traffic": (0.0, {}),
}
_GENERATOR_SD = {
    "bar": 15.0,
    "parking": 30.0,
    "transit_stop": 20.0,
    "school": 40.0,
    "park": 50.0,
    "shopping_centre": 60.0,
}
_RANGE_SHARE = {
    "theft_from_vehicle": 0.3,
    "vehicle_theft": 0.35,
    "mischief": 0.15,
    "burglary": 0.4,
    "theft": 0.1,
}
_BACKGROUND_PRECISION = (0.72, 0.13, 0.10, 0.05)  # exact, intersection, block, sector


@functools.cache
def _background_setup() -> dict[str, Any]:
    g = _geo()
    codes = list(_BACKGROUND_PER_YEAR)
    cidx = np.array([_C[c] for c in codes])
    share = np.empty((_N_SECTORS, len(codes)))
    for j, code in enumerate(codes):
        for i, sid in enumerate(g.sector_ids):
            a = _ATTRACT_OVERRIDES.get(sid, {}).get(code, _ATTRACT_DEFAULT[sid])
            share[i, j] = g.population[i] * a
        share[:, j] /= share[:, j].sum()
    f = _day_factors()[cidx]  # (C, days)
    mi = _calendar()["month_index"]
    n_months = int(mi.max()) + 1
    month_sum = np.zeros((len(codes), n_months))
    for m in range(n_months):
        month_sum[:, m] = f[:, mi == m].sum(axis=1)
    rate = np.array([_BACKGROUND_PER_YEAR[c] for c in codes]) / 365.25
    mu = share[:, :, None] * rate[None, :, None] * month_sum[None, :, :]  # (S, C, M)
    cum = np.cumsum(f.ravel())
    first_day = np.searchsorted(mi, np.arange(n_months), side="left")
    last_day = np.searchsorted(mi, np.arange(n_months), side="right") - 1
    # Generators: flattened candidate points per (category, sector).
    places = g.places
    gen_x, gen_y, gen_sd, gen_cum = [], [], [], []
    gen_lo = np.zeros((len(codes), _N_SECTORS), dtype=np.int64)
    gen_hi = np.zeros((len(codes), _N_SECTORS), dtype=np.int64)
    pos = 0
    for j, code in enumerate(codes):
        _, kinds = _GENERATORS[code]
        for i in range(_N_SECTORS):
            sel = places[(places["sector"] == i) & places["kind"].isin(list(kinds))]
            gen_lo[j, i] = pos
            for _, row in sel.iterrows():
                gen_x.append(row["gx"])
                gen_y.append(row["gy"])
                gen_sd.append(_GENERATOR_SD[row["kind"]])
                gen_cum.append(kinds[row["kind"]])
                pos += 1
            gen_hi[j, i] = pos
    w = np.array(gen_cum, dtype=float)
    return {
        "codes": codes,
        "cidx": cidx,
        "mu": mu,
        "cum": cum,
        "first_day": first_day,
        "last_day": last_day,
        "gen_x": np.array(gen_x),
        "gen_y": np.array(gen_y),
        "gen_sd": np.array(gen_sd),
        "gen_w": w,
        "gen_lo": gen_lo,
        "gen_hi": gen_hi,
        "g_share": np.array([_GENERATORS[c][0] for c in codes]),
    }


def _background(seed: int, tiles: int, boost: np.ndarray) -> _Events:
    """Background crime: population × attractiveness, monthly gamma overdispersion."""
    rng = _rng(seed, 100)
    s = _background_setup()
    codes, cidx = s["codes"], s["cidx"]
    mu = s["mu"] * boost[cidx][None, :, None]
    shape = 20.0
    gamma = rng.gamma(shape, 1.0 / shape, size=(tiles, *mu.shape))
    counts = rng.poisson(mu[None] * gamma)
    # homicides: keep at most _HOMICIDE_MAX per tile
    jh = codes.index("homicide")
    hom = counts[:, :, jh, :].reshape(tiles, -1)
    csum = np.cumsum(hom, axis=1)
    hom = np.where(csum <= _HOMICIDE_MAX, hom, np.maximum(_HOMICIDE_MAX - (csum - hom), 0))
    counts[:, :, jh, :] = hom.reshape(counts[:, :, jh, :].shape)
    flat = np.repeat(np.arange(counts.size), counts.ravel())
    tile, sec, j, month = np.unravel_index(flat, counts.shape)
    n = flat.size
    # day within the month, from the category's daily profile
    lo_day, hi_day = s["first_day"][month], s["last_day"][month]
    base = j * _N_DAYS
    cum = s["cum"]
    lo = np.where(base + lo_day > 0, cum[np.maximum(base + lo_day - 1, 0)], 0.0)
    hi = cum[base + hi_day]
    k = np.searchsorted(cum, lo + rng.random(n) * (hi - lo), side="right")
    day = np.clip(k - base, lo_day, hi_day)
    cat = cidx[j].astype(np.int8)
    hour = _sample_hours(cat, _calendar()["weekday"][day], rng)
    t = day.astype(np.int64) * 1440 + hour * 60 + rng.integers(0, 60, n)
    # place: near a generator of the sector, or uniform in the sector
    use_gen = (rng.random(n) < s["g_share"][j]) & (s["gen_hi"][j, sec] > s["gen_lo"][j, sec])
    x, y = _samplers()["sectors"].sample(sec, rng)
    gi = np.flatnonzero(use_gen)
    if gi.size:
        lo_g, hi_g = s["gen_lo"][j[gi], sec[gi]], s["gen_hi"][j[gi], sec[gi]]
        wcum = np.cumsum(s["gen_w"])
        wlo = np.where(lo_g > 0, wcum[np.maximum(lo_g - 1, 0)], 0.0)
        whi = wcum[hi_g - 1]
        kk = np.clip(
            np.searchsorted(wcum, wlo + rng.random(gi.size) * (whi - wlo), side="right"),
            lo_g,
            hi_g - 1,
        )
        sd = s["gen_sd"][kk]
        x[gi] = s["gen_x"][kk] + rng.normal(0, 1, gi.size) * sd
        y[gi] = s["gen_y"][kk] + rng.normal(0, 1, gi.size) * sd
    # ranges
    share = np.array([_RANGE_SHARE.get(c, 0.0) for c in codes])[j]
    is_range = rng.random(n) < share
    a = rng.uniform(1, 6, n) * 60
    b = rng.uniform(1, 6, n) * 60
    t_from = np.where(is_range, np.floor((t - a) / 30) * 30, t).astype(np.int64)
    t_to = np.where(is_range, np.minimum(np.ceil((t + b) / 30) * 30, _T_END - 1), -1).astype(
        np.int64
    )
    prec = _choice(_BACKGROUND_PRECISION, n, rng).astype(np.int8)
    ev = _events(t_from, t_to, cat, x, y, sec.astype(np.int16), prec, tile)
    return _fix_locations(ev, rng)


def _fix_locations(ev: _Events, rng: np.random.Generator) -> _Events:
    """Keep points in the town, apply geocoding precision, set the sector from the point.

    Points that fell outside the town are redrawn uniformly in their sector; points
    snapped to an intersection or a block centre that would change sector keep their
    exact position.
    """
    g = _geo()
    located = ev.prec < _P_SECTOR
    ev.x = np.where(located, _round01(ev.x), np.nan)
    ev.y = np.where(located, _round01(ev.y), np.nan)
    idx = np.flatnonzero(located)
    where = _locate(g.sectors, ev.x[idx], ev.y[idx])
    bad = idx[where < 0]
    if bad.size:
        bx, by = _samplers()["sectors"].sample(ev.sec[bad], rng)
        ev.x[bad], ev.y[bad] = _round01(bx), _round01(by)
        where[where < 0] = ev.sec[bad]
    # geocoding: intersection = node of a 100 m street lattice, block = block centre
    ox, oy = _ORIGIN[0] + 37.0, _ORIGIN[1] + 53.0
    snap = idx[(ev.prec[idx] == _P_INTER) | (ev.prec[idx] == _P_BLOCK)]
    if snap.size:
        block = ev.prec[snap] == _P_BLOCK
        sx = (
            np.where(
                block,
                np.floor((ev.x[snap] - ox) / 100) * 100 + 50,
                np.round((ev.x[snap] - ox) / 100) * 100,
            )
            + ox
        )
        sy = (
            np.where(
                block,
                np.floor((ev.y[snap] - oy) / 100) * 100 + 50,
                np.round((ev.y[snap] - oy) / 100) * 100,
            )
            + oy
        )
        pos = np.searchsorted(idx, snap)
        same = _locate(g.sectors, sx, sy) == where[pos]
        ev.x[snap[same]], ev.y[snap[same]] = sx[same], sy[same]
        ev.prec[snap[~same]] = _P_EXACT
    ev.sec[idx] = where
    ev.sec[ev.prec == _P_NONE] = -1
    return ev


# --------------------------------------------------------------------------------------
# Planted components: simulation
# --------------------------------------------------------------------------------------


def _bar_strip(seed: int, tiles: int, boost: np.ndarray) -> _Events:
    rng = _rng(seed, 1)
    g = _geo()
    lam = _lam()["bar_strip"]
    split = dict(_STRIP_SPLIT)
    cats_p = np.array([split[c] * boost[_C[c]] for c in split])
    day, tile = _draw_days(lam * cats_p.sum(), tiles, rng)
    n = day.size
    codes = np.array([_C[c] for c in split], dtype=np.int8)
    cat = codes[_choice(cats_p, n, rng)]
    offset = np.floor(rng.beta(2.0, 2.5, n) * 300).astype(np.int64)  # minutes after 22:00
    t = day.astype(np.int64) * 1440 + 22 * 60 + offset
    bars = g.places[(g.places["kind"] == "bar") & (g.places["sector"] == _sid("S01"))]
    bars = bars[shapely.distance(bars["geometry"].to_numpy(), g.strip) < 30]
    near_bar = rng.random(n) < 0.75
    k = rng.integers(0, len(bars), n)
    r = np.minimum(np.abs(rng.normal(0, 10, n)), 25)
    a = rng.uniform(0, 2 * np.pi, n)
    bx = bars["gx"].to_numpy()[k] + r * np.cos(a)
    by = bars["gy"].to_numpy()[k] + r * np.sin(a)
    lx, ly = _along(g.strip, n, rng, sd=12, clip=35)
    x, y = np.where(near_bar, bx, lx), np.where(near_bar, by, ly)
    prec = np.where(rng.random(n) < 0.15, _P_INTER, _P_EXACT).astype(np.int8)
    nodes = shapely.get_coordinates(
        shapely.line_interpolate_point(g.strip, np.linspace(0, 1, 5), normalized=True)
    )
    ix, iy = _snap_to(nodes, x, y)
    x, y = np.where(prec == _P_INTER, ix, x), np.where(prec == _P_INTER, iy, y)
    keep = t < _T_END
    ev = _events(t, -1, cat, _round01(x), _round01(y), _sid("S01"), prec, tile).take(keep)
    return ev


def _burglary(seed: int, tiles: int, boost: np.ndarray) -> _Events:
    """Residential break-ins with near-repeat followers, many known only by a range."""
    rng = _rng(seed, 2)
    g = _geo()
    cal = _calendar()
    lam = _lam()["burglary_initiators"] * boost[_C["burglary"]]
    day, tile = _draw_days(lam, tiles, rng)
    n0 = day.size
    secs = np.array([_sid(s) for s in _BURGLARY_SECTORS])
    sec = secs[_choice(_BURGLARY_SECTOR_WEIGHTS, n0, rng)]
    x, y = _samplers()["sectors"].sample(sec, rng)
    # followers (one generation): within 50–200 m and 1–14 days of their initiator
    nf = rng.poisson(_BURGLARY_FOLLOWER_MEAN, n0)
    parent = np.repeat(np.arange(n0), nf)
    m = parent.size
    lag = 1 + _choice(np.exp(-np.arange(14) / 6.0), m, rng)
    dist = rng.uniform(50, 200, m)
    ang = rng.uniform(0, 2 * np.pi, m)
    fday = day[parent] + lag
    fx, fy = x[parent] + dist * np.cos(ang), y[parent] + dist * np.sin(ang)
    day = np.concatenate([day, fday])
    tile = np.concatenate([tile, tile[parent]])
    x, y = np.concatenate([x, fx]), np.concatenate([y, fy])
    sec = np.concatenate([sec, sec[parent]])
    follower = np.r_[np.zeros(n0, bool), np.ones(m, bool)]
    x, y = _round01(x), _round01(y)
    where = _locate(g.sectors, x, y)
    keep = (day < _N_DAYS) & (where >= 0)
    day, tile, x, y, sec, follower = (v[keep] for v in (day, tile, x, y, where, follower))
    n = day.size
    wd = cal["weekday"][day]
    weekend = wd >= 5
    minute = np.where(
        weekend,
        rng.integers(8 * 60, 22 * 60, n),
        np.clip(np.round(rng.normal(12.5, 2.2, n) * 60), 9 * 60, 16 * 60 + 59),
    ).astype(np.int64)
    t = day.astype(np.int64) * 1440 + minute
    # recording: weekends away are ranges Fri 18:00 → Mon 08:00; 30 % of weekday
    # break-ins are ranges 08:00 → 17:30 (a working day away)
    friday = day - (wd - 4)
    workday_range = ~weekend & (rng.random(n) < 0.30)
    t_from = np.where(
        weekend, friday * 1440 + 18 * 60, np.where(workday_range, day * 1440 + 8 * 60, t)
    )
    t_to = np.where(
        weekend,
        (friday + 3) * 1440 + 8 * 60,
        np.where(workday_range, day * 1440 + 17 * 60 + 30, -1),
    )
    t_to = np.where(t_to >= 0, np.minimum(t_to, _T_END - 1), -1)
    prec = np.where(rng.random(n) < 0.15, _P_BLOCK, _P_EXACT).astype(np.int8)
    ev = _events(t_from, t_to, _C["burglary"], x, y, sec, prec, tile)
    return _fix_locations(ev, rng)


def _vehicle_lot(seed: int, tiles: int, boost: np.ndarray, which: str) -> _Events:
    rng = _rng(seed, {"park_and_ride": 3, "mall_lot": 4, "mall_ring": 5}[which])
    cal = _calendar()
    split = {"theft_from_vehicle": 0.7, "vehicle_theft": 0.3}
    if which == "mall_lot":
        split = {"theft_from_vehicle": 0.75, "vehicle_theft": 0.25}
    p = np.array([split[c] * boost[_C[c]] for c in split])
    day, tile = _draw_days(_lam()[which] * p.sum(), tiles, rng)
    n = day.size
    cat = _cats(dict(zip(split, p, strict=True)), n, rng)
    x, y = _samplers()[which].sample(np.zeros(n, np.intp), rng)
    if which == "park_and_ride":  # commuters: weekday 07:00–18:00
        minute = rng.integers(7 * 60, 18 * 60, n)
        t = day.astype(np.int64) * 1440 + minute
        is_range = rng.random(n) < 0.30
        t_from = np.where(is_range, day * 1440 + 7 * 60, t)
        t_to = np.where(is_range, day * 1440 + 18 * 60, -1)
    elif which == "mall_lot":  # shoppers: 10:00–21:00, ranges of a few hours
        minute = rng.integers(10 * 60, 21 * 60, n)
        t = day.astype(np.int64) * 1440 + minute
        t_from, t_to = _ranges(t, 0.2, 0.5, 2.0, rng)
    else:  # street parking around the shopping centre, evening and night
        hour = _sample_hours(cat, cal["weekday"][day], rng)
        t = day.astype(np.int64) * 1440 + hour * 60 + rng.integers(0, 60, n)
        t_from, t_to = _ranges(t, 0.25, 1.0, 6.0, rng)
    sec = _sid("S02") if which == "park_and_ride" else _sid("S03")
    ev = _events(t_from, t_to, cat, x, y, sec, _P_EXACT, tile)
    return _fix_locations(ev, rng)


def _park(seed: int, tiles: int, boost: np.ndarray, which: str) -> _Events:
    """Night mischief and disturbance in Parc des Érables (or in a 200 m ring around it)."""
    rng = _rng(seed, {"park_night": 6, "park_ring": 7}[which])
    split = {"mischief": 0.75, "disturbance": 0.25}
    start_h, span = 22, 360
    if which == "park_ring":
        split = {"mischief": 0.6, "disturbance": 0.4}
        start_h, span = 20, 480
    p = np.array([split[c] * boost[_C[c]] for c in split])
    day, tile = _draw_days(_lam()[which] * p.sum(), tiles, rng)
    n = day.size
    cat = _cats(dict(zip(split, p, strict=True)), n, rng)
    offset = np.floor(rng.beta(1.5, 2.5, n) * span).astype(np.int64)
    t = day.astype(np.int64) * 1440 + start_h * 60 + offset
    area = "park" if which == "park_night" else "park_ring"
    x, y = _samplers()[area].sample(np.zeros(n, np.intp), rng)
    keep = t < _T_END
    ev = _events(t, -1, cat, x, y, _sid("S06"), _P_EXACT, tile).take(keep)
    return _fix_locations(ev, rng)


def _street(seed: int, tiles: int, boost: np.ndarray) -> _Events:
    """Theft and mischief along the commercial rue Saint-Joseph (daytime and evening)."""
    rng = _rng(seed, 8)
    g = _geo()
    split = {"theft": 0.6, "mischief": 0.4}
    p = np.array([split[c] * boost[_C[c]] for c in split])
    day, tile = _draw_days(_lam()["saint_joseph_street"] * p.sum(), tiles, rng)
    n = day.size
    cat = _cats(dict(zip(split, p, strict=True)), n, rng)
    t = day.astype(np.int64) * 1440 + rng.integers(10 * 60, 22 * 60, n)
    x, y = _along(g.street, n, rng, sd=12, clip=35)
    prec = np.where(rng.random(n) < 0.2, _P_INTER, _P_EXACT).astype(np.int8)
    nodes = shapely.get_coordinates(g.street)
    ix, iy = _snap_to(nodes, x, y)
    x, y = np.where(prec == _P_INTER, ix, x), np.where(prec == _P_INTER, iy, y)
    ev = _events(t, -1, cat, x, y, _sid("S08"), prec, tile)
    return _fix_locations(ev, rng)


def _fraud(seed: int, tiles: int, boost: np.ndarray) -> _Events:
    """Fraud and cyber-fraud rising 2022 → 2025, located at best to the sector."""
    rng = _rng(seed, 9)
    g = _geo()
    cal = _calendar()
    parts = []
    for code in ("fraud", "cyber_fraud"):
        day, tile = _draw_days(_lam()[code] * boost[_C[code]], tiles, rng)
        n = day.size
        cat = np.full(n, _C[code], np.int8)
        hour = _sample_hours(cat, cal["weekday"][day], rng)
        t = day.astype(np.int64) * 1440 + hour * 60 + rng.integers(0, 60, n)
        # 30 % known only by a range of 1–30 days (discovered on a statement)
        is_range = rng.random(n) < 0.30
        back = rng.integers(1, 31, n)
        t_from = np.where(is_range, (day - back) * 1440, t)
        t_to = np.where(is_range, day * 1440 + 23 * 60 + 59, -1)
        sec = _choice(g.population, n, rng).astype(np.int16)
        prec = np.where(rng.random(n) < 0.70, _P_SECTOR, _P_NONE).astype(np.int8)
        sec = np.where(prec == _P_NONE, -1, sec)
        parts.append(_events(t_from, t_to, cat, np.nan, np.nan, sec, prec, tile))
    return _Events.concat(parts)


# --------------------------------------------------------------------------------------
# Preventive measures (fixed) and their planted effects
# --------------------------------------------------------------------------------------


@dataclass(frozen=True)
class _Measure:
    measure_id: str
    name: str
    name_en: str
    pillar: str
    kind: str
    partners: tuple[str, ...]
    target_categories: tuple[str, ...]
    target_shifts: tuple[str, ...]
    start: str
    end: str
    footprint: str
    footprint_sectors: tuple[str, ...]
    cost: float | None
    geometry: Any  # shapely geometry or None
    planted_effect: str
    treated_multiplier: float | None
    buffer_multiplier: float | None
    buffer_m: float | None
    treated_buffer_m: float | None  # width of the treated area around a line or point
    addresses: tuple[str, ...]
    note: str


_VEH = ("vehicle_theft", "theft_from_vehicle")
_NIGHT_DISORDER = ("mischief", "disturbance")


@functools.cache
def _measures() -> tuple[_Measure, ...]:
    g = _geo()
    M = _Measure
    return (
        M("M01", "Éclairage du parc des Érables", "Lighting of Parc des Érables", "prevention",
          "lighting", ("P01",), _NIGHT_DISORDER, ("soir", "nuit"), "2024-04-01", "", "polygon",
          (), 85000.0, g.park, "effective", 0.60, 0.85, 200.0, None, ("park_night_mischief",),
          "Night mischief and disturbance in the park fall to 60 % (RES ≈ 1.67); "
          "diffusion of benefits in the 200 m ring (85 %)."),
        M("M02", "Patrouille à pied sur la rue Saint-Joseph", "Foot patrol on rue Saint-Joseph",
          "rapprochement", "foot_patrol", ("P10",), ("theft", "mischief"), (), "2023-07-01", "",
          "line", (), 60000.0, g.street, "null", 1.0, 1.0, 200.0, 50.0,
          ("saint_joseph_street",), "No change at all after the start (planted null effect)."),
        M("M03", "Caméras au stationnement du Carrefour des Hérons",
          "Cameras on the Carrefour des Hérons parking lot", "prevention", "cameras", ("P07",),
          _VEH, (), "2024-01-01", "", "polygon", (), 40000.0, g.mall_lot, "displacing", 0.55, 1.55,
          300.0, None, ("vehicle_shopping_centre",),
          "Vehicle crime on the lot falls to 55 % but rises by 55 % in the 300 m ring "
          "(displacement, WDQ < 0)."),
        M("M04", "Patrouille ciblée au stationnement incitatif",
          "Targeted patrol at the park-and-ride", "resolution", "hot_spot_patrol", ("P08",), _VEH,
          ("jour",), "2025-10-01", "", "polygon", (), 30000.0, g.park_and_ride, "too_recent", 0.80,
          1.0, 200.0, None, ("vehicle_park_and_ride",),
          "Started three months before the end of the data: too recent to evaluate."),
        M("M05", "Entente avec l'Association des bars du centre-ville",
          "Agreement with the downtown bar association", "partenariat", "venue_management",
          ("P06",), ("assault", "assault_armed", "mischief", "disturbance"), ("nuit",),
          "2022-03-01", "", "line", (), 15000.0, g.strip, "not_evaluable", 1.0, 1.0, 200.0, 40.0,
          ("bar_strip",), "Started two months after the start of the data: no before-period."),
        M("M06", "Rencontres citoyennes de quartier", "Neighbourhood community meetings",
          "rapprochement", "community_meeting", ("P01",),
          ("burglary", "mischief", "disturbance", "traffic"), (), "2023-01-01", "", "municipality",
          (), 12000.0, None, "none_planted", 1.0, None, None, None, ("perception_gap",),
          "Municipality-wide; no planted effect on incidents."),
        M("M07", "Formation des policiers en police communautaire",
          "Officer training in community policing", "rapprochement", "other", ("P04",),
          ("assault", "disturbance", "mischief"), (), "2022-09-01", "", "none", (), None, None,
          "none_planted", None, None, None, None, (), "No footprint, no geometry, unknown cost."),
        M("M08", "Programme de sécurisation résidentielle", "Residential target-hardening programme",
          "prevention", "target_hardening", ("P01",), ("burglary",), (), "2022-05-01", "2023-04-30",
          "sectors", ("S07", "S08"), 50000.0, None, "none_planted", 1.0, None, None, None,
          ("residential_burglary",), "Ended measure; no planted effect."),
        M("M09", "Programme jeunesse « Ados en action »", "Youth programme 'Teens in action'",
          "partenariat", "youth_programme", ("P02", "P99"), _NIGHT_DISORDER, ("soir", "nuit"),
          "2023-09-01", "", "sectors", ("S06", "S10"), 70000.0, None, "none_planted", 1.0, None,
          None, None, ("park_night_mischief",),
          "Its partner P99 is not in partners.csv (unknown partner)."),
        M("M10", "Caméras de surveillance au centre-ville", "Downtown surveillance cameras",
          "prevention", "cameras", ("P01", "P06"), ("assault", "assault_armed", "mischief"),
          ("nuit",), "2027-01-01", "", "polygon", (), 120000.0, g.downtown_cameras, "planned",
          None, None, None, None, ("bar_strip",), "Planned: starts after the end of the data."),
        M("M11", "Apaisement de la circulation, boulevard du Plateau",
          "Traffic calming on boulevard du Plateau", "resolution", "traffic_calming",
          ("P01", "P12"), ("traffic",), (), "2023-06-01", "", "line", (), 90000.0,
          g.traffic_calming, "none_planted", 1.0, 1.0, 200.0, 30.0, (), "No planted effect."),
        M("M12", "Intervention de proximité en dépendances", "Addiction outreach downtown",
          "partenariat", "outreach", ("P03", "P13"), ("drugs",), (), "2022-10-01", "", "sectors",
          ("S01",), 65000.0, None, "none_planted", 1.0, None, None, None, (), "No planted effect."),
        M("M13", "Aménagement sécuritaire du secteur de la gare (CPTED)",
          "Crime prevention through environmental design at the station", "prevention",
          "environmental_design", ("P01", "P08"), ("theft", "mischief", *_VEH), (), "2023-10-01",
          "", "polygon", (), 150000.0, g.station_area, "none_planted", 1.0, 1.0, 200.0, None,
          ("vehicle_park_and_ride",), "No planted effect (vehicle crime at the lot is unchanged)."),
        M("M14", "Surveillance de quartier du Domaine-des-Pins",
          "Domaine-des-Pins neighbourhood watch", "partenariat", "other", ("P11",), ("burglary",),
          (), "2023-03-01", "", "sectors", ("S05",), 3000.0, None, "none_planted", 1.0, None,
          None, None, ("perception_gap",), "Addresses fear more than recorded crime."),
        M("M15", "Patrouille à vélo estivale au centre-ville", "Summer bicycle patrol downtown",
          "rapprochement", "foot_patrol", ("P03",), ("disturbance", "mischief", "theft"), ("soir",),
          "2022-06-01", "", "sectors", ("S01",), 45000.0, None, "none_planted", 1.0, None, None,
          None, ("bar_strip",), "Evening presence; no planted effect."),
        M("M16", "Sécurité routière aux abords de la polyvalente", "School-zone road safety",
          "prevention", "traffic_calming", ("P12",), ("traffic",), ("jour",), "2022-09-01", "",
          "point", (), 8000.0, g.school_zone, "none_planted", 1.0, 1.0, 200.0, 100.0, (),
          "Point footprint; no planted effect."),
        M("M17", "Campagne de prévention des introductions", "Break-in prevention campaign",
          "prevention", "awareness_campaign", ("P01",), ("burglary",), (), "2024-09-01", "",
          "sectors", ("S07", "S08", "S09"), 10000.0, None, "none_planted", 1.0, None, None, None,
          ("residential_burglary",), "No planted effect."),
        M("M18", "Table de concertation en sécurité urbaine", "Urban safety round table",
          "partenariat", "community_meeting", ("P01", "P03", "P04", "P13"),
          ("assault", "drugs", "mischief", "disturbance"), (), "2022-02-01", "", "municipality",
          (), 5000.0, None, "none_planted", 1.0, None, None, None, (), "No planted effect."),
    )  # fmt: skip


def _minutes(date: str) -> int:
    return int((np.datetime64(date, "D") - _T0).astype(int)) * 1440


@functools.cache
def _measure_areas() -> dict[str, tuple[Any, Any]]:
    """Treated area and buffer ring of each measure with a geometric footprint."""
    out = {}
    for m in _measures():
        if m.geometry is None:
            continue
        if m.footprint == "polygon":
            treated = m.geometry
        else:
            treated = _clean(m.geometry.buffer(m.treated_buffer_m or 0.0))
        ring = None
        if m.buffer_m:
            ring = _clean(treated.buffer(m.buffer_m).difference(treated))
        out[m.measure_id] = (treated, ring)
    return out


@functools.cache
def _effects() -> tuple[tuple[Any, ...], np.ndarray]:
    """Measures with a multiplier ≠ 1 (and their areas), and the boost per category."""
    eff = []
    boost = np.ones(len(CATEGORIES))
    areas = _measure_areas()
    for m in _measures():
        if m.planted_effect == "planned" or m.measure_id not in areas:
            continue
        tm, bm = m.treated_multiplier or 1.0, m.buffer_multiplier or 1.0
        if tm == 1.0 and bm == 1.0:
            continue
        cats = np.zeros(len(CATEGORIES), bool)
        cats[[_C[c] for c in m.target_categories]] = True
        shifts = np.zeros(4, bool)
        shifts[[_SHIFTS.index(s) for s in m.target_shifts] if m.target_shifts else slice(None)] = (
            True
        )
        t_end = _minutes(m.end) + 1440 if m.end else _T_END
        treated, ring = areas[m.measure_id]
        eff.append((m.measure_id, cats, shifts, _minutes(m.start), t_end, treated, tm, ring, bm))
        boost[cats] = np.maximum(boost[cats], max(tm, bm))
    return tuple(eff), boost


def _shift_codes(t: np.ndarray, t_to: np.ndarray) -> np.ndarray:
    """0 jour, 1 soir, 2 nuit, 3 none (range longer than 8 h)."""
    hour = (t % 1440) // 60
    code = np.where(hour < 8, 2, np.where(hour < 16, 0, 1)).astype(np.int8)
    return np.where((t_to >= 0) & (t_to - t > 480), 3, code).astype(np.int8)


def _apply_measures(ev: _Events, seed: int, boost: np.ndarray) -> _Events:
    """Thin the boosted process: keep each event with probability M(event) / boost."""
    effects, _ = _effects()
    mult = np.ones(len(ev))
    shift = _shift_codes(ev.t, ev.t_to)
    located = np.isfinite(ev.x)
    for _, cats, shifts, t0, t1, treated, tm, ring, bm in effects:
        sel = np.flatnonzero(cats[ev.cat] & shifts[shift] & located & (ev.t >= t0) & (ev.t < t1))
        if not sel.size:
            continue
        x, y = ev.x[sel], ev.y[sel]
        in_t = shapely.intersects_xy(treated, x, y)
        mult[sel[in_t]] *= tm
        if ring is not None:
            in_b = ~in_t & shapely.intersects_xy(ring, x, y)
            mult[sel[in_b]] *= bm
    p = mult / boost[ev.cat]
    if np.any(p > 1 + 1e-12):  # pragma: no cover - guarded by construction
        raise RuntimeError("overlapping measure multipliers exceed the boost")
    keep = _rng(seed, 999).random(len(ev)) < p
    return ev.take(keep)


# --------------------------------------------------------------------------------------
# Incidents
# --------------------------------------------------------------------------------------


def _simulate(seed: int, scale: int) -> _Events:
    """All incidents as arrays (tile-0 coordinates), measure effects applied, unsorted."""
    if int(scale) < 1:
        raise ValueError("scale must be a positive integer")
    tiles = int(scale)
    _, boost = _effects()
    parts = [
        _bar_strip(seed, tiles, boost),
        _burglary(seed, tiles, boost),
        _vehicle_lot(seed, tiles, boost, "park_and_ride"),
        _vehicle_lot(seed, tiles, boost, "mall_lot"),
        _vehicle_lot(seed, tiles, boost, "mall_ring"),
        _park(seed, tiles, boost, "park_night"),
        _park(seed, tiles, boost, "park_ring"),
        _street(seed, tiles, boost),
        _fraud(seed, tiles, boost),
        _background(seed, tiles, boost),
    ]
    ev = _Events.concat(parts)
    # the data are selected on occurred_from: ranges starting before 2022 are out
    ev = ev.take((ev.t >= 0) & (ev.t < _T_END))
    return _apply_measures(ev, seed, boost)


def _tile_offsets(tiles: np.ndarray, scale: int) -> tuple[np.ndarray, np.ndarray]:
    ncol = math.ceil(math.sqrt(scale))
    return (tiles % ncol) * _TILE_STEP[0], (tiles // ncol) * _TILE_STEP[1]


def _sector_ids(scale: int) -> np.ndarray:
    """Sector ids of all copies: S01..S10 for scale 1, then S11, S12, … (zero padded)."""
    width = max(2, len(str(_N_SECTORS * scale)))
    return np.array([f"S{i + 1:0{width}d}" for i in range(_N_SECTORS * scale)], dtype=object)


def _ascii_digits(buf: np.ndarray, col: int, values: np.ndarray, width: int) -> None:
    for k in range(width):
        buf[:, col + k] = 48 + (values // 10 ** (width - 1 - k)) % 10


def _to_str_array(buf: np.ndarray) -> pd.arrays.ArrowStringArray:
    """Rows of ASCII bytes to a pandas string array (fast, through pyarrow)."""
    fixed = np.ascontiguousarray(buf).view(f"S{buf.shape[1]}").ravel()
    return pd.array(pa.array(fixed).cast(pa.string()), dtype="str")


def _incidents_frame(ev: _Events, scale: int) -> pd.DataFrame:
    order = np.argsort(ev.t, kind="stable")
    ev = ev.take(order)
    n = len(ev)
    day = ev.t // 1440
    year = _calendar()["year"][np.minimum(day, _N_DAYS - 1)]
    first = np.searchsorted(year, year, side="left")  # year is sorted
    seq = np.arange(n) - first + 1
    width = max(5, len(str(int(seq.max()) if n else 1)))
    buf = np.zeros((n, 8 + width), np.uint8)
    buf[:, 0:3] = np.frombuffer(b"RH-", np.uint8)
    _ascii_digits(buf, 3, year, 4)
    buf[:, 7] = ord("-")
    _ascii_digits(buf, 8, seq, width)
    base = np.datetime64(PERIOD_START, "m")
    occurred_from = (base + ev.t.astype("timedelta64[m]")).astype("datetime64[us]")
    to = np.where(ev.t_to >= 0, ev.t_to, 0).astype("timedelta64[m]")
    occurred_to = (base + to).astype("datetime64[us]")
    occurred_to[ev.t_to < 0] = np.datetime64("NaT")
    dx, dy = _tile_offsets(ev.tile, scale)
    sector_code = np.where(ev.sec >= 0, ev.tile.astype(np.int64) * _N_SECTORS + ev.sec, -1)
    ids = _sector_ids(scale)
    shift = _shift_codes(ev.t, ev.t_to)
    shift_codes = np.where(shift == 3, -1, shift)
    return pd.DataFrame(
        {
            "incident_id": _to_str_array(buf),
            "occurred_from": occurred_from,
            "occurred_to": occurred_to,
            "category": pd.Categorical.from_codes(ev.cat.astype(np.int64), CATEGORIES),
            "shift": pd.Categorical.from_codes(shift_codes, list(schema.SHIFTS)),
            "sector": pd.Categorical.from_codes(sector_code, ids),
            "x": ev.x + dx,
            "y": ev.y + dy,
            "precision": pd.Categorical.from_codes(ev.prec.astype(np.int64), list(_PRECISIONS)),
        }
    )


# --------------------------------------------------------------------------------------
# Other tables
# --------------------------------------------------------------------------------------

_PARTNERS: tuple[tuple[str, str, str, str, tuple[str, ...], tuple[str, ...]], ...] = (
    ("P01", "Ville de Rivière-aux-Hérons – Travaux publics et urbanisme",
     "Town of Rivière-aux-Hérons – Public works and planning", "municipality",
     ("lighting", "urban_design", "traffic_safety", "parking"), ()),
    ("P02", "Maison des jeunes L'Envol", "L'Envol youth centre", "community_organisation",
     ("youth",), ("S06", "S10")),
    ("P03", "Travail de rue Le Phare", "Le Phare street outreach", "community_organisation",
     ("youth", "addiction", "mental_health"), ("S01", "S02")),
    ("P04", "Centre d'aide aux victimes des Hérons", "Hérons victim assistance centre",
     "victim_services", ("victims",), ()),
    ("P05", "Table de concertation des aînés", "Seniors' round table", "community_organisation",
     ("seniors",), ()),
    ("P06", "Association des bars et restaurants du centre-ville",
     "Downtown bars and restaurants association", "business_association",
     ("licensed_venues",), ("S01",)),
    ("P07", "Carrefour des Hérons – administration du centre commercial",
     "Carrefour des Hérons shopping centre management", "private_company",
     ("retail", "parking"), ("S03",)),
    ("P08", "Réseau de transport des Hérons", "Hérons transit network", "transit_agency",
     ("transit", "parking"), ()),
    ("P09", "Cyber-Aide Québec", "Cyber-Aide Québec", "non_profit",
     ("cybercrime", "fraud", "seniors"), ()),
    ("P10", "Société de développement commercial Saint-Joseph",
     "Saint-Joseph business improvement association", "business_association", ("retail",),
     ("S08",)),
    ("P11", "Comité de surveillance de quartier du Domaine-des-Pins",
     "Domaine-des-Pins neighbourhood watch committee", "citizen_committee",
     ("neighbourhood_watch",), ("S05",)),
    ("P12", "Centre de services scolaire des Hérons", "Hérons school service centre",
     "school_board", ("schools", "youth", "traffic_safety"), ()),
    ("P13", "Centre de réadaptation en dépendance Le Tremplin", "Le Tremplin addiction centre",
     "health_network", ("addiction", "mental_health"), ()),
)  # fmt: skip
_CYBER_PARTNER = "P09"
_UNKNOWN_PARTNER = "P99"


def _expand_sectors(sectors: Iterable[str], scale: int) -> tuple[str, ...]:
    """The ids of ``sectors`` in every copy of the town."""
    ids = _sector_ids(scale)
    idx = [_sid(s) for s in sectors]
    return tuple(ids[t * _N_SECTORS + i] for t in range(scale) for i in idx)


def _tile_suffix(t: int, scale: int) -> str:
    return "" if scale == 1 else f"-T{t + 1:0{len(str(scale))}d}"


def _translate(geom: Any, t: int, scale: int) -> Any:
    if geom is None or t == 0:
        return geom
    dx, dy = _tile_offsets(np.array([t]), scale)
    return shapely.transform(geom, lambda c: c + np.array([dx[0], dy[0]]))


def _sectors_frame(scale: int) -> gpd.GeoDataFrame:
    g = _geo()
    tiles = np.repeat(np.arange(scale), _N_SECTORS)
    dx, dy = _tile_offsets(tiles, scale)
    geoms = np.tile(g.sectors, scale)
    coords_shift = np.c_[dx, dy]
    geoms = np.array(
        [
            shapely.transform(p, lambda c, d=d: c + d)
            for p, d in zip(geoms, coords_shift, strict=True)
        ]
        if scale > 1
        else list(geoms),
        dtype=object,
    )
    names = [n if scale == 1 else f"{n} ({t + 1})" for t in range(scale) for n in g.sector_names]
    return gpd.GeoDataFrame(
        {
            "sector_id": _sector_ids(scale).astype(str),
            "name": names,
            "population": np.tile(g.population, scale),
        },
        geometry=gpd.GeoSeries(geoms, crs=CRS),
    )


def _places_frame(scale: int) -> gpd.GeoDataFrame:
    g = _geo()
    rows = []
    for t in range(scale):
        for pid, kind, name, geom in g.places[["place_id", "kind", "name", "geometry"]].itertuples(
            index=False
        ):
            rows.append((pid + _tile_suffix(t, scale), kind, name, _translate(geom, t, scale)))
    df = pd.DataFrame(rows, columns=["place_id", "kind", "name", "geometry"])
    return gpd.GeoDataFrame(df, geometry="geometry", crs=CRS)


def _date_or_nat(s: str) -> pd.Timestamp:
    return pd.Timestamp(s) if s else pd.NaT


def _measures_frame(scale: int) -> gpd.GeoDataFrame:
    rows = []
    for t in range(scale):
        for m in _measures():
            fs = m.footprint_sectors
            if scale > 1:
                fs = tuple(_sector_ids(scale)[t * _N_SECTORS + _sid(s)] for s in fs)
            rows.append(
                {
                    "measure_id": m.measure_id + _tile_suffix(t, scale),
                    "name": m.name,
                    "name_en": m.name_en,
                    "pillar": m.pillar,
                    "kind": m.kind,
                    "partners": m.partners,
                    "target_categories": m.target_categories,
                    "target_shifts": m.target_shifts,
                    "start": _date_or_nat(m.start),
                    "end": _date_or_nat(m.end),
                    "footprint": m.footprint,
                    "footprint_sectors": fs,
                    "cost": np.nan if m.cost is None else float(m.cost),
                    "reach_m": np.nan if m.treated_buffer_m is None else float(m.treated_buffer_m),
                    "buffer_m": np.nan if m.buffer_m is None else float(m.buffer_m),
                    "geometry": _translate(m.geometry, t, scale),
                }
            )
    df = pd.DataFrame(rows)
    df["start"] = df["start"].astype("datetime64[us]")
    df["end"] = df["end"].astype("datetime64[us]")
    return gpd.GeoDataFrame(df, geometry="geometry", crs=CRS)


def _partners_frame(scale: int) -> pd.DataFrame:
    return pd.DataFrame(
        [
            {
                "partner_id": pid,
                "name": name,
                "name_en": name_en,
                "kind": kind,
                "expertise": expertise,
                "sectors_served": _expand_sectors(served, scale) if scale > 1 else served,
            }
            for pid, name, name_en, kind, expertise, served in _PARTNERS
        ]
    )


# Survey: planted perception per sector (night safety mean, day safety mean, concern probs)
_SURVEY_RESPONSE = {"S01": 1.0, "S02": 0.8, "S03": 0.8, "S04": 0.6, "S05": 1.4}
_SURVEY_NIGHT = {
    "S01": 3.45,
    "S02": 3.3,
    "S03": 3.5,
    "S04": 3.3,
    "S05": 2.3,
    "S06": 3.4,
    "S07": 3.3,
    "S08": 3.4,
    "S09": 3.6,
    "S10": 3.7,
}
_CONCERN_BASE = {
    "burglary": 0.20,
    "vehicle_crime": 0.15,
    "violence": 0.10,
    "disorder": 0.15,
    "drugs": 0.12,
    "traffic": 0.30,
    "fraud_cyber": 0.20,
    "youth_gangs": 0.08,
}
_CONCERN_SECTOR = {
    "S01": {"violence": 0.25, "disorder": 0.30, "drugs": 0.22},
    "S02": {"vehicle_crime": 0.35},
    "S03": {"vehicle_crime": 0.35},
    "S05": {"burglary": 0.75, "youth_gangs": 0.55, "disorder": 0.30, "vehicle_crime": 0.25},
    "S06": {"disorder": 0.25, "youth_gangs": 0.15},
    "S07": {"burglary": 0.45},
    "S08": {"burglary": 0.45},
    "S09": {"burglary": 0.45},
}
_AGE_GROUPS = ("18-34", "35-64", "65+")
_AGE_POP = (0.28, 0.50, 0.22)
_AGE_RESPONSE = (0.15, 0.50, 0.35)
_SURVEY_N = 1100


def _survey_frame(seed: int, scale: int) -> pd.DataFrame:
    """Citizen survey, autumn 2025, with post-stratification weights (sector × age)."""
    rng = _rng(seed, 200)
    g = _geo()
    ns, na = _N_SECTORS, len(_AGE_GROUPS)
    resp = np.array([_SURVEY_RESPONSE.get(s, 0.9) for s in g.sector_ids])
    cell_p = (g.population * resp)[:, None] * np.array(_AGE_RESPONSE)[None, :]
    cell_p = (cell_p / cell_p.sum()).ravel()
    n = _SURVEY_N * scale
    cell = _choice(cell_p, n, rng)
    tile = np.repeat(np.arange(scale), _SURVEY_N)
    sec, age = cell // na, cell % na
    # post-stratification weight = population share of the cell / sample share (per tile)
    pop_share = ((g.population / g.population.sum())[:, None] * np.array(_AGE_POP)[None, :]).ravel()
    counts = np.zeros((scale, ns * na))
    np.add.at(counts, (tile, cell), 1)
    weight = pop_share[cell] / (counts[tile, cell] / _SURVEY_N)
    night_mu = np.array([_SURVEY_NIGHT[s] for s in g.sector_ids])[sec] - 0.3 * (age == 2)
    day_mu = np.minimum(night_mu + 0.9, 4.6)
    safety_day = np.clip(np.round(rng.normal(day_mu, 0.8)), 1, 5).astype(np.int64)
    safety_night = np.clip(np.round(rng.normal(night_mu, 0.9)), 1, 5).astype(np.int64)
    codes = list(schema.CONCERNS)
    p = np.array(
        [[_CONCERN_SECTOR.get(s, {}).get(c, _CONCERN_BASE[c]) for c in codes] for s in g.sector_ids]
    )
    prob = p[sec]
    prob[:, codes.index("fraud_cyber")] += 0.15 * (age == 2)
    chosen = rng.random(prob.shape) < prob
    priority = np.where(chosen, rng.random(prob.shape), np.inf)
    rank = np.argsort(np.argsort(priority, axis=1), axis=1)
    chosen &= rank < 3
    concerns = [tuple(codes[k] for k in np.flatnonzero(row)) for row in chosen]
    date = np.datetime64("2025-09-15") + rng.integers(0, 62, n)
    ids = _sector_ids(scale)
    width = max(4, len(str(n)))
    return pd.DataFrame(
        {
            "respondent_id": [f"R{i + 1:0{width}d}" for i in range(n)],
            "sector": ids[tile * ns + sec].astype(str),
            "date": date.astype("datetime64[us]"),
            "safety_day": safety_day,
            "safety_night": safety_night,
            "concerns": concerns,
            "weight": np.round(weight, 4),
        }
    )


# --------------------------------------------------------------------------------------
# Raw records-system export (cp1252, ";" separator, decimal commas, counted defects)
# --------------------------------------------------------------------------------------

RAW_EXPORT_START = "2025-06-01"
"""The raw export covers the incidents that started on or after this date."""
_RAW_COLUMNS = (
    "No_dossier",
    "Date_début",
    "Heure_début",
    "Date_fin",
    "Heure_fin",
    "Catégorie",
    "Quart",
    "Secteur",
    "Coord_X",
    "Coord_Y",
)
_RAW_DEFECTS = {
    "unparseable_date": 4,
    "future_date": 3,
    "unknown_category": 5,
    "missing_position": 25,
    "placeholder_position": 6,
    "outside_municipality": 5,
    "exact_duplicate": 12,
    "duplicate_id_different_content": 4,
    "too_many_fields": 2,
}
_RAW_BAD_DATES = ("31/02/2025", "??", "31/04/2025", "00/00/0000")
_RAW_UNKNOWN_LABELS = ("Objet trouvé", "Alarme non fondée", "Assistance au public")


def _text(arr: pa.Array) -> np.ndarray:
    return arr.to_numpy(zero_copy_only=False).astype(object)


def _raw_export_frame(incidents: pd.DataFrame, seed: int) -> pd.DataFrame:
    """Part of the incidents as a French records-system export, with counted defects.

    The returned frame holds the text of each field as written, plus a ``defect``
    column (not written to the file) naming the defect injected in that row ('' if none).
    """
    rng = _rng(seed, 300)
    sub = incidents[incidents["occurred_from"] >= pd.Timestamp(RAW_EXPORT_START)]
    shift = sub["shift"].astype(object).fillna("").astype(str).str.capitalize()
    raw = pd.DataFrame(
        {
            "No_dossier": sub["incident_id"].to_numpy(),
            "Date_début": _text(_fmt_timestamps(sub["occurred_from"].to_numpy(), "%d/%m/%Y")),
            "Heure_début": _text(_fmt_timestamps(sub["occurred_from"].to_numpy(), "%H:%M")),
            "Date_fin": _text(_fmt_timestamps(sub["occurred_to"].to_numpy(), "%d/%m/%Y")),
            "Heure_fin": _text(_fmt_timestamps(sub["occurred_to"].to_numpy(), "%H:%M")),
            "Catégorie": sub["category"].astype(str).map(_RAW_LABELS).to_numpy(),
            "Quart": shift.to_numpy(),
            "Secteur": sub["sector"].astype(object).fillna("").astype(str).to_numpy(),
            "Coord_X": _text(_fmt_decimal1(sub["x"], point=",")),
            "Coord_Y": _text(_fmt_decimal1(sub["y"], point=",")),
            "defect": "",
        },
        dtype=object,
    )
    located = np.flatnonzero((raw["Coord_X"] != "").to_numpy())
    # In-place defects on distinct rows (located rows, so that position defects are real).
    n_inplace = sum(
        _RAW_DEFECTS[k]
        for k in (
            "unparseable_date",
            "future_date",
            "unknown_category",
            "missing_position",
            "placeholder_position",
            "outside_municipality",
        )
    )
    rows = rng.choice(located, size=n_inplace + _RAW_DEFECTS["exact_duplicate"], replace=False)
    pos = 0

    def take(k: str) -> np.ndarray:
        nonlocal pos
        r = rows[pos : pos + _RAW_DEFECTS[k]]
        pos += _RAW_DEFECTS[k]
        raw.loc[r, "defect"] = k
        return r

    r = take("unparseable_date")
    raw.loc[r, "Date_début"] = [_RAW_BAD_DATES[i % len(_RAW_BAD_DATES)] for i in range(r.size)]
    r = take("future_date")
    raw.loc[r, "Date_début"] = raw.loc[r, "Date_début"].str.slice(0, 6) + "2027"
    raw.loc[r, "Date_fin"] = ""
    raw.loc[r, "Heure_fin"] = ""
    r = take("unknown_category")
    raw.loc[r, "Catégorie"] = [_RAW_UNKNOWN_LABELS[i % 3] for i in range(r.size)]
    r = take("missing_position")
    raw.loc[r, ["Coord_X", "Coord_Y"]] = ""
    r = take("placeholder_position")
    raw.loc[r, ["Coord_X", "Coord_Y"]] = "0"
    r = take("outside_municipality")
    xs = sub["x"].to_numpy()[r] + 9000.0 + rng.uniform(0, 3000, r.size)
    raw.loc[r, "Coord_X"] = [f"{v:.1f}".replace(".", ",") for v in xs]
    dup_src = rows[pos:]
    dups = raw.loc[dup_src].copy()
    dups["defect"] = "exact_duplicate"
    # duplicated ids with different content: same No_dossier, other category and time
    clean = np.setdiff1d(np.arange(len(raw)), rows)
    src = rng.choice(clean, size=_RAW_DEFECTS["duplicate_id_different_content"], replace=False)
    conflict = raw.loc[src].copy()
    conflict["Catégorie"] = [
        _RAW_LABELS["theft"] if c != _RAW_LABELS["theft"] else _RAW_LABELS["mischief"]
        for c in conflict["Catégorie"]
    ]
    conflict["Heure_début"] = [
        f"{(int(h[:2]) + 3) % 24:02d}{h[2:]}" if h else "12:00" for h in conflict["Heure_début"]
    ]
    conflict["defect"] = "duplicate_id_different_content"
    # malformed lines: an unquoted ";" inside the category gives too many fields
    bad = raw.loc[rng.choice(clean, size=_RAW_DEFECTS["too_many_fields"], replace=False)].copy()
    bad["No_dossier"] = [f"RH-2025-X{i + 1:04d}" for i in range(len(bad))]
    bad["Catégorie"] = bad["Catégorie"] + "; tentative"
    bad["defect"] = "too_many_fields"
    out = pd.concat([raw, dups, conflict, bad], ignore_index=True)
    # insert the extra rows at random positions (a stable, seeded order)
    key = np.r_[np.arange(len(raw), dtype=float), rng.uniform(0, len(raw), len(out) - len(raw))]
    out = out.iloc[np.argsort(key, kind="stable")].reset_index(drop=True)
    return out


def _raw_export_bytes(raw: pd.DataFrame) -> bytes:
    lines = [";".join(_RAW_COLUMNS)]
    cols = [raw[c].astype(str).to_numpy() for c in _RAW_COLUMNS]
    lines.extend(";".join(vals) for vals in zip(*cols, strict=True))
    return ("\r\n".join(lines) + "\r\n").encode("cp1252")


# --------------------------------------------------------------------------------------
# Public API: tables
# --------------------------------------------------------------------------------------


def generate_tables(
    seed: int = DEFAULT_SEED, scale: int = 1, only: Iterable[str] | None = None
) -> dict[str, pd.DataFrame]:
    """Build the sample's tables in memory.

    Parameters
    ----------
    seed : int, default DEFAULT_SEED
        Seed of the random realisation (incidents, survey, raw export). The geography,
        measures and partners are fixed.
    scale : int, default 1
        ``k`` copies of the town tiled side by side (new sector, place and measure ids,
        same period 2022–2025), so that the number of incidents grows linearly with
        ``k``: about 15,000 × ``k``. ``scale=1`` is the shipped sample.
    only : iterable of str, optional
        Build only these keys (e.g. ``("incidents",)`` for the fast path used by
        calibration tests). Default: all of :data:`TABLE_KEYS`.

    Returns
    -------
    dict of str to DataFrame or GeoDataFrame
        ``sectors``, ``places`` and ``measures`` are GeoDataFrames in EPSG:32188; list
        columns are tuples and dates are ``datetime64[us]``. ``incidents`` mirrors
        ``incidents.csv`` (``x``/``y`` floats, NaN when unlocated; categorical columns
        to stay light at millions of rows). ``raw_export`` holds the text of each
        field of ``incidents_raw_export.csv`` plus a ``defect`` column (not written).

    Examples
    --------
    >>> t = generate_tables(only=("incidents", "sectors"))
    >>> sorted(t)
    ['incidents', 'sectors']
    >>> list(t["sectors"]["sector_id"][:3])
    ['S01', 'S02', 'S03']
    >>> t["incidents"]["category"].isin(CATEGORIES).all()
    np.True_
    """
    keys = TABLE_KEYS if only is None else tuple(only)
    unknown = set(keys) - set(TABLE_KEYS)
    if unknown:
        raise ValueError(f"unknown table(s): {sorted(unknown)}")
    scale = int(scale)
    if scale < 1:
        raise ValueError("scale must be a positive integer")
    out: dict[str, pd.DataFrame] = {}
    if "sectors" in keys:
        out["sectors"] = _sectors_frame(scale)
    if "incidents" in keys or "raw_export" in keys:
        incidents = _incidents_frame(_simulate(seed, scale), scale)
        if "incidents" in keys:
            out["incidents"] = incidents
        if "raw_export" in keys:
            out["raw_export"] = _raw_export_frame(incidents, seed)
    if "measures" in keys:
        out["measures"] = _measures_frame(scale)
    if "survey" in keys:
        out["survey"] = _survey_frame(seed, scale)
    if "partners" in keys:
        out["partners"] = _partners_frame(scale)
    if "places" in keys:
        out["places"] = _places_frame(scale)
    return {k: out[k] for k in TABLE_KEYS if k in out}


def simulate_measure_counts(
    seed: int = DEFAULT_SEED, window_days: int = 365, scale: int = 1
) -> pd.DataFrame:
    """Counts of targeted events around each measure's start, for calibration tests.

    Fast path: simulates the incidents as arrays and counts, for each measure with a
    point, line or polygon footprint that starts inside the data, the events of its
    target categories and shifts in the treated area and in the buffer ring, in the
    ``window_days`` before and after the start (windows clipped to the data).

    Parameters
    ----------
    seed : int
        Seed of the realisation.
    window_days : int, default 365
        Length of the before and after windows.
    scale : int, default 1
        Copies of the town (counts are summed over copies).

    Returns
    -------
    pandas.DataFrame
        One row per measure: ``measure_id``, ``start``, ``planted_effect``,
        ``treated_multiplier``, ``buffer_multiplier``, ``treated_before``,
        ``treated_after``, ``buffer_before``, ``buffer_after``, ``before_days``,
        ``after_days``.

    Examples
    --------
    >>> c = simulate_measure_counts(seed=1).set_index("measure_id")
    >>> bool(c.loc["M01", "treated_after"] < c.loc["M01", "treated_before"])
    True
    """
    ev = _simulate(seed, scale)
    shift = _shift_codes(ev.t, ev.t_to)
    located = np.isfinite(ev.x)
    areas = _measure_areas()
    rows = []
    for m in _measures():
        if m.measure_id not in areas or not m.start:
            continue
        t0 = _minutes(m.start)
        if not 0 < t0 < _T_END:
            continue
        w = window_days * 1440
        lo, hi = max(0, t0 - w), min(_T_END, t0 + w)
        cats = np.isin(ev.cat, [_C[c] for c in m.target_categories])
        if m.target_shifts:
            cats &= np.isin(shift, [_SHIFTS.index(s) for s in m.target_shifts])
        sel = np.flatnonzero(cats & located & (ev.t >= lo) & (ev.t < hi))
        treated, ring = areas[m.measure_id]
        in_t = shapely.intersects_xy(treated, ev.x[sel], ev.y[sel])
        in_b = (
            ~in_t & shapely.intersects_xy(ring, ev.x[sel], ev.y[sel])
            if ring is not None
            else np.zeros(sel.size, bool)
        )
        after = ev.t[sel] >= t0
        rows.append(
            {
                "measure_id": m.measure_id,
                "start": m.start,
                "planted_effect": m.planted_effect,
                "treated_multiplier": m.treated_multiplier,
                "buffer_multiplier": m.buffer_multiplier,
                "treated_before": int((in_t & ~after).sum()),
                "treated_after": int((in_t & after).sum()),
                "buffer_before": int((in_b & ~after).sum()),
                "buffer_after": int((in_b & after).sum()),
                "before_days": (t0 - lo) // 1440,
                "after_days": (hi - t0) // 1440,
            }
        )
    return pd.DataFrame(rows)


# --------------------------------------------------------------------------------------
# Ground truth
# --------------------------------------------------------------------------------------


def _wkt(geom: Any) -> str | None:
    """Deterministic WKT with 0.1 m precision (independent of the GEOS version)."""
    if geom is None:
        return None

    def ring(coords: np.ndarray) -> str:
        return "(" + ", ".join(f"{x:.1f} {y:.1f}" for x, y in coords) + ")"

    t = geom.geom_type
    if t == "Point":
        return f"POINT ({geom.x:.1f} {geom.y:.1f})"
    if t == "LineString":
        return "LINESTRING " + ring(shapely.get_coordinates(geom))
    if t == "Polygon":
        rings = [geom.exterior, *geom.interiors]
        return "POLYGON (" + ", ".join(ring(shapely.get_coordinates(r)) for r in rings) + ")"
    if t == "MultiPolygon":
        parts = []
        for p in geom.geoms:
            rings = [p.exterior, *p.interiors]
            parts.append("(" + ", ".join(ring(shapely.get_coordinates(r)) for r in rings) + ")")
        return "MULTIPOLYGON (" + ", ".join(parts) + ")"
    raise TypeError(t)  # pragma: no cover


def _bbox(geom: Any) -> list[float]:
    return [round(v, 1) for v in geom.bounds]


def _expected(name: str, lo: str | None = None, hi: str | None = None) -> float:
    lam = _lam()[name]
    a = 0 if lo is None else _minutes(lo) // 1440
    b = _N_DAYS if hi is None else _minutes(hi) // 1440
    return round(float(lam[max(a, 0) : min(b, _N_DAYS)].sum()), 1)


def _shift_day(date: str, days: int) -> str:
    return str(np.datetime64(date, "D") + days)


@functools.cache
def _ground_truth_cached() -> str:
    g = _geo()
    sid = g.sector_ids
    sectors = {s[0]: {"name": s[1], "population": s[5], "role": s[6]} for s in _SECTOR_SPECS}
    lam = _lam()
    cal = _calendar()
    strip_zone = _clean(g.strip.buffer(40))
    problems: dict[str, Any] = {
        "bar_strip": {
            "kind": "hot_spot",
            "description": "Bar strip on rue Principale: violence and disorder on Friday "
            "and Saturday nights 22:00–03:00, summer peak.",
            "sector": "S01",
            "categories": list(_STRIP_SPLIT),
            "category_shares": _STRIP_SPLIT,
            "geometry_wkt": _wkt(g.strip),
            "length_m": round(g.strip.length, 1),
            "zone_buffer_m": 40.0,
            "zone_wkt": _wkt(strip_zone),
            "bbox": _bbox(strip_zone),
            "weekdays": ["Fri", "Sat"],
            "hours": ["22:00", "03:00"],
            "note": "Times after midnight fall on Saturday and Sunday early hours.",
            "season_amplitude": 0.35,
            "expected_events": _expected("bar_strip"),
            "top_problem": True,
        },
        "residential_burglary": {
            "kind": "repeat_victimisation",
            "description": "Weekday daytime break-ins in three residential sectors, with "
            "near-repeat followers; many known only by a time range.",
            "sector": None,
            "sectors": list(_BURGLARY_SECTORS),
            "sector_weights": dict(zip(_BURGLARY_SECTORS, _BURGLARY_SECTOR_WEIGHTS, strict=True)),
            "categories": ["burglary"],
            "weekdays": ["Mon", "Tue", "Wed", "Thu", "Fri"],
            "hours": ["09:00", "17:00"],
            "weekend_share_initiators": round(0.6 / 5.6, 3),
            "range_types": {
                "workday": ["08:00", "17:30"],
                "weekend_away": ["Fri 18:00", "Mon 08:00"],
            },
            "workday_range_share": 0.30,
            "expected_range_share_approx": 0.40,
            "expected_initiators": round(float(lam["burglary_initiators"].sum()), 1),
            "follower_mean_per_initiator": _BURGLARY_FOLLOWER_MEAN,
            "expected_follower_share_approx": round(
                _BURGLARY_FOLLOWER_MEAN / (1 + _BURGLARY_FOLLOWER_MEAN), 3
            ),
            "near_repeat": {
                "distance_m": [50.0, 200.0],
                "days": [1, 14],
                "lag_weights": "exp(-(k - 1) / 6), k = 1..14",
                "expect": "Knox ratio > 1, p < 0.05 for 0–200 m × 0–14 days",
            },
            "precision": {"exact": 0.85, "block": 0.15},
            "expected_events_approx": round(
                float(lam["burglary_initiators"].sum()) * (1 + _BURGLARY_FOLLOWER_MEAN), 0
            ),
        },
        "vehicle_park_and_ride": {
            "kind": "hot_spot",
            "description": "Thefts of and from vehicles on the park-and-ride lot, weekdays "
            "07:00–18:00 (30 % known as the range 07:00–18:00).",
            "sector": "S02",
            "categories": ["theft_from_vehicle", "vehicle_theft"],
            "category_shares": {"theft_from_vehicle": 0.7, "vehicle_theft": 0.3},
            "geometry_wkt": _wkt(g.park_and_ride),
            "bbox": _bbox(g.park_and_ride),
            "weekdays": ["Mon", "Tue", "Wed", "Thu", "Fri"],
            "hours": ["07:00", "18:00"],
            "expected_events": _expected("park_and_ride"),
            "expect": "significant Getis–Ord Gi* hot spot on a 200 m grid",
        },
        "vehicle_shopping_centre": {
            "kind": "hot_spot",
            "description": "Thefts of and from vehicles on the shopping-centre lot, "
            "10:00–21:00, busier on Fridays and Saturdays.",
            "sector": "S03",
            "categories": ["theft_from_vehicle", "vehicle_theft"],
            "category_shares": {"theft_from_vehicle": 0.75, "vehicle_theft": 0.25},
            "geometry_wkt": _wkt(g.mall_lot),
            "bbox": _bbox(g.mall_lot),
            "hours": ["10:00", "21:00"],
            "expected_events_before_measure": _expected("mall_lot", hi="2024-01-01"),
            "expected_events_without_measure": _expected("mall_lot"),
            "ring_m": 300.0,
            "ring_expected_events_per_year_before": _MALL_RING_PER_YEAR,
            "expect": "significant Getis–Ord Gi* hot spot on a 200 m grid",
        },
        "seasonality": {
            "kind": "temporal",
            "description": "Summer peak and winter trough for property and disorder.",
            "families": ["property", "disorder"],
            "intensity": "1 + A cos(2π (day_of_year − 196) / 365.25)",
            "amplitude": {k: v for k, v in _SEASON_AMPLITUDE.items()},
            "peak_day_of_year": _SEASON_PEAK_DOY,
            "expected_ratio_jun_aug_to_mean": round(
                float(_season(0.4)[np.isin(cal["month_of_year"], (6, 7, 8))].mean()), 3
            ),
            "expected_ratio_dec_feb_to_mean": round(
                float(_season(0.4)[np.isin(cal["month_of_year"], (12, 1, 2))].mean()), 3
            ),
        },
        "fraud_cyber_rise": {
            "kind": "trend",
            "description": "Fraud and cyber-fraud rising steadily; no precise location.",
            "sector": None,
            "categories": ["fraud", "cyber_fraud"],
            "expected_per_year": {
                str(y): round(
                    float(sum(lam[c][cal["year"] == y].sum() for c in ("fraud", "cyber_fraud"))), 1
                )
                for y in (2022, 2023, 2024, 2025)
            },
            "expected_per_year_by_category": {
                c: {
                    str(y): round(float(lam[c][cal["year"] == y].sum()), 1)
                    for y in (2022, 2023, 2024, 2025)
                }
                for c in ("fraud", "cyber_fraud")
            },
            "precision": {"sector": 0.70, "none": 0.30},
            "range_share": 0.30,
            "uncovered": True,
            "suggested_partner": _CYBER_PARTNER,
            "expect": "last 12 months vs previous 12: significant rise (E-test)",
        },
        "park_night_mischief": {
            "kind": "hot_spot",
            "description": "Night mischief and disturbance in Parc des Érables, 22:00–04:00.",
            "sector": "S06",
            "categories": list(_NIGHT_DISORDER),
            "category_shares": {"mischief": 0.75, "disturbance": 0.25},
            "geometry_wkt": _wkt(g.park),
            "bbox": _bbox(g.park),
            "hours": ["22:00", "04:00"],
            "expected_per_month_before_measure": round(_PARK_PER_YEAR / 12, 1),
            "expected_events_12m_before_measure": _expected(
                "park_night", "2023-04-01", "2024-04-01"
            ),
            "ring_m": 200.0,
            "ring_expected_events_per_year": _PARK_RING_PER_YEAR,
        },
        "saint_joseph_street": {
            "kind": "hot_spot",
            "description": "Theft and mischief along the commercial rue Saint-Joseph "
            "(10:00–22:00); target of the null foot patrol.",
            "sector": "S08",
            "categories": ["theft", "mischief"],
            "geometry_wkt": _wkt(g.street),
            "zone_buffer_m": 50.0,
            "expected_events_per_year": _STREET_PER_YEAR,
        },
        "perception_gap": {
            "kind": "perception",
            "description": "Domaine-des-Pins has among the lowest recorded crime rates but the "
            "highest fear (lowest night safety, most concerns); Centre-ville has the highest "
            "recorded rate but only moderate fear.",
            "sector": "S05",
            "gap_sector": "S05",
            "high_crime_moderate_fear_sector": "S01",
            "top_concerns": ["burglary", "youth_gangs"],
            "planted_night_safety_mean": _SURVEY_NIGHT,
            "planted_concern_probabilities": {
                s: {c: _CONCERN_SECTOR.get(s, {}).get(c, v) for c, v in _CONCERN_BASE.items()}
                for s in sid
            },
        },
        "background": {
            "kind": "background",
            "description": "Theft, mischief, disturbance, drugs, traffic, assaults, a few "
            "robberies and 0–2 homicides, spread by population × sector attractiveness and "
            "near generators (bars, parkings, transit stops, schools, parks, shopping "
            "centres); monthly gamma multipliers (shape 20) per sector × category.",
            "expected_per_year": _BACKGROUND_PER_YEAR,
            "homicide_max_total": _HOMICIDE_MAX,
            "gamma_shape": 20.0,
            "generators": {k: {"share": v[0], "kinds": v[1]} for k, v in _GENERATORS.items()},
            "precision": dict(
                zip(
                    ("exact", "intersection", "block", "sector"), _BACKGROUND_PRECISION, strict=True
                )
            ),
        },
    }
    areas = _measure_areas()
    measures = {}
    for m in _measures():
        treated, ring = areas.get(m.measure_id, (None, None))
        entry: dict[str, Any] = {
            "planted_effect": m.planted_effect,
            "treated_multiplier": m.treated_multiplier,
            "buffer_multiplier": m.buffer_multiplier,
            "buffer_m": m.buffer_m,
            "treated_buffer_m": m.treated_buffer_m,
            "footprint": m.footprint,
            "footprint_sectors": list(m.footprint_sectors),
            "target_categories": list(m.target_categories),
            "target_shifts": list(m.target_shifts),
            "start": m.start,
            "end": m.end or None,
            "partners": list(m.partners),
            "addresses": list(m.addresses),
            "treated_wkt": _wkt(treated),
            "buffer_wkt": _wkt(ring),
            "note": m.note,
        }
        measures[m.measure_id] = entry
    measures["M01"]["expected_treated_component_12m_before"] = _expected(
        "park_night", _shift_day("2024-04-01", -365), "2024-04-01"
    )
    measures["M01"]["expected_treated_component_12m_after"] = round(
        0.6 * _expected("park_night", "2024-04-01", _shift_day("2024-04-01", 365)), 1
    )
    measures["M03"]["expected_treated_component_12m_before"] = _expected(
        "mall_lot", "2023-01-01", "2024-01-01"
    )
    measures["M03"]["expected_treated_component_12m_after"] = round(
        0.55 * _expected("mall_lot", "2024-01-01", "2025-01-01"), 1
    )
    # seasonality and the background are patterns of the data, not problems to address
    patterns = {k: problems.pop(k) for k in ("seasonality", "background")}
    coverage = {pid: [] for pid in problems}
    for m in _measures():
        for p in m.addresses:
            coverage[p].append(m.measure_id)
    gt = {
        "town": {
            "name": TOWN_NAME,
            "crs": CRS,
            "bbox": _bbox(g.boundary),
            "area_m2": round(g.boundary.area, 1),
            "boundary_wkt": _wkt(g.boundary),
            "population": int(g.population.sum()),
            "river": "Rivière aux Hérons, the southern boundary",
            "sectors": sectors,
        },
        "period": {"start": PERIOD_START, "end": PERIOD_END},
        "conventions": {
            "effects": "A measure multiplies the Poisson intensity of the events of its "
            "target categories and target shifts (empty = all; events with no shift, i.e. "
            "ranges longer than 8 h, match only an empty list) whose reported point lies in "
            "the treated area (or the buffer ring) and whose occurred_from is on or after the "
            "start date (and before the end date + 1 day).",
            "treated_area": "polygon footprint: the polygon; line or point footprint: the "
            "geometry buffered by treated_buffer_m; sectors/municipality: the sectors.",
            "buffer_ring": "treated area buffered by buffer_m, minus the treated area.",
            "shift": "jour 08:00–15:59, soir 16:00–23:59, nuit 00:00–07:59, from occurred_from; "
            "empty when the range is longer than 8 h.",
            "scale": "scale k tiles k copies of the town (same planted structure in each).",
        },
        "top_problem": "bar_strip",
        "top_problem_basis": "severity-weighted rate per 1,000 residents of the problem's own "
        "sector(s) (local rate × mean severity weight); Centre-ville (S01) is also the top "
        "sector by crime rate and by severity-weighted rate. Not top by municipal rate or by "
        "mean severity alone: fraud/cyber-fraud (rising, weight 109) and burglary (weight 187) "
        "lead those.",
        "highest_crime_rate_sector": "S01",
        "lowest_crime_rate_sectors": ["S05"],
        "problems": problems,
        "patterns": patterns,
        "measures": measures,
        "coverage": coverage,
        "uncovered_problems": ["fraud_cyber_rise"],
        "suggested_partners": {"fraud_cyber_rise": [_CYBER_PARTNER]},
        "cybercrime_partner": _CYBER_PARTNER,
        "unknown_partner_ids": [_UNKNOWN_PARTNER],
        "measures_by_effect": {
            eff: [m.measure_id for m in _measures() if m.planted_effect == eff]
            for eff in (
                "effective",
                "null",
                "displacing",
                "too_recent",
                "not_evaluable",
                "planned",
                "none_planted",
            )
        },
        "ended_measures": [m.measure_id for m in _measures() if m.end],
        "raw_export": {
            "start": RAW_EXPORT_START,
            "defects": dict(_RAW_DEFECTS),
            "encoding": "cp1252",
            "separator": ";",
            "decimal": ",",
        },
    }
    return json.dumps(gt, ensure_ascii=False)


def ground_truth() -> dict:
    """The planted structure of the sample (the manifest's ``ground_truth``).

    Returns
    -------
    dict
        ``town`` (name, CRS, bbox, area, boundary WKT, sectors), ``period``,
        ``conventions`` (how effects, areas and shifts are defined), ``top_problem``,
        ``problems`` (by id: sector, categories, geometry WKT/bbox, time windows and
        expected sizes), ``patterns`` (``seasonality``, ``background``), ``measures``
        (by id: planted effect, multipliers, buffer widths,
        treated/buffer WKT, the problems addressed), ``coverage`` (problem → measures),
        ``uncovered_problems``, ``suggested_partners`` and ``raw_export`` defects.
        Expected sizes are model expectations for scale 1; the seed only changes the
        realisation.

    Examples
    --------
    >>> gt = ground_truth()
    >>> gt["measures"]["M01"]["planted_effect"], gt["measures"]["M01"]["treated_multiplier"]
    ('effective', 0.6)
    >>> gt["uncovered_problems"]
    ['fraud_cyber_rise']
    """
    return json.loads(_ground_truth_cached())


# --------------------------------------------------------------------------------------
# Writers
# --------------------------------------------------------------------------------------


def _coords(geom: Any) -> Any:
    def pts(a: np.ndarray) -> list:
        return [[round(float(x), 1), round(float(y), 1)] for x, y in a]

    t = geom.geom_type
    if t == "Point":
        return [round(geom.x, 1), round(geom.y, 1)]
    if t == "LineString":
        return pts(shapely.get_coordinates(geom))
    if t == "Polygon":
        return [pts(shapely.get_coordinates(r)) for r in (geom.exterior, *geom.interiors)]
    if t == "MultiPolygon":
        return [_coords(p) for p in geom.geoms]
    raise TypeError(t)  # pragma: no cover


def _geojson_bytes(name: str, gdf: gpd.GeoDataFrame, props: Sequence[str]) -> bytes:
    head = (
        "{\n"
        '"type": "FeatureCollection",\n'
        f'"name": "{name}",\n'
        f'"crs": {{"type": "name", "properties": {{"name": "{CRS_URN}"}}}},\n'
        '"features": [\n'
    )
    feats = []
    for rec, geom in zip(gdf[list(props)].to_dict("records"), gdf.geometry, strict=True):
        p = {k: _json_value(rec[k]) for k in props}
        g = None if geom is None else {"type": geom.geom_type, "coordinates": _coords(geom)}
        feats.append(
            json.dumps({"type": "Feature", "properties": p, "geometry": g}, ensure_ascii=False)
        )
    return (head + ",\n".join(feats) + "\n]\n}\n").encode("utf-8")


def _json_value(v: Any) -> Any:
    if isinstance(v, tuple):
        return ";".join(v)
    if v is None or (isinstance(v, float) and math.isnan(v)) or v is pd.NaT:
        return None
    if isinstance(v, pd.Timestamp):
        return v.strftime("%Y-%m-%d")
    if isinstance(v, np.integer):
        return int(v)
    if isinstance(v, float | np.floating):
        f = float(v)
        return int(f) if f.is_integer() and abs(f) < 2**53 else round(f, 2)
    return v


def _csv_bytes(df: pd.DataFrame) -> bytes:
    return df.to_csv(index=False, lineterminator="\n", na_rep="", float_format="%.1f").encode(
        "utf-8"
    )


def _fmt_timestamps(values: Any, pattern: str) -> pa.Array:
    """Format datetimes as ``"%Y-%m-%d %H:%M"``, ``"%d/%m/%Y"`` or ``"%H:%M"`` (fast).

    Digit arithmetic on the integer minutes (no per-value Python); NaT gives ``""``.
    """
    v = np.asarray(values, dtype="datetime64[m]")
    nat = np.isnat(v)
    minutes = np.where(nat, np.datetime64("2000-01-01T00:00"), v)
    days = minutes.astype("datetime64[D]")
    months = days.astype("datetime64[M]")
    years = days.astype("datetime64[Y]")
    year = years.astype(np.int64) + 1970
    month = (months - years).astype(np.int64) + 1
    day = (days - months).astype(np.int64) + 1
    mod = (minutes - days).astype(np.int64)
    hour, minute = mod // 60, mod % 60
    fields = {"%Y": (year, 4), "%m": (month, 2), "%d": (day, 2), "%H": (hour, 2), "%M": (minute, 2)}
    parts: list[tuple[np.ndarray, int] | bytes] = []
    i = 0
    while i < len(pattern):
        if pattern[i] == "%":
            parts.append(fields[pattern[i : i + 2]])
            i += 2
        else:
            parts.append(pattern[i].encode("ascii"))
            i += 1
    width = sum(p[1] if isinstance(p, tuple) else 1 for p in parts)
    buf = np.zeros((v.size, width), np.uint8)
    col = 0
    for p in parts:
        if isinstance(p, tuple):
            _ascii_digits(buf, col, p[0], p[1])
            col += p[1]
        else:
            buf[:, col] = p[0]
            col += 1
    buf[nat] = 0  # empty string
    fixed = np.ascontiguousarray(buf).view(f"S{width}").ravel()
    return pa.array(fixed).cast(pa.string())


def _fmt_decimal1(values: Any, point: str = ".") -> pa.Array:
    """Format non-negative floats with one decimal (``"%.1f"``); NaN gives ``""``."""
    v = np.asarray(values, dtype=float)
    nan = ~np.isfinite(v)
    tenths = np.where(nan, 0, np.round(v * 10)).astype(np.int64)
    if np.any(tenths < 0):  # pragma: no cover - coordinates are positive
        raise ValueError("negative value")
    whole = pa.array(tenths // 10).cast(pa.string())
    frac = pa.array(tenths % 10).cast(pa.string())
    out = pc.binary_join_element_wise(whole, frac, point)
    return pc.if_else(pa.array(nan), "", out)


def _as_text(series: pd.Series) -> pa.Array:
    """A column as a pyarrow string array, missing values as ``""``."""
    arr = pa.array(series.astype(object).where(series.notna(), "").astype(str).to_numpy())
    return arr.cast(pa.string())


def _join_lines(columns: Sequence[pa.Array], header: Sequence[str], sep: str, eol: str) -> bytes:
    rows = pc.binary_join_element_wise(*columns, sep) if len(columns) > 1 else columns[0]
    body = eol.join(rows.to_pylist())
    return (sep.join(header) + eol + body + (eol if len(rows) else "")).encode("utf-8")


def _categorical_text(series: pd.Series) -> pa.Array:
    """A categorical column as strings (decoded through its codes, fast)."""
    cat = series.astype("category")
    labels = pa.array(list(cat.cat.categories.astype(str)) + [""], type=pa.string())
    codes = cat.cat.codes.to_numpy().astype(np.int64)
    codes = np.where(codes < 0, len(labels) - 1, codes)
    return labels.take(pa.array(codes))


def _incidents_bytes(inc: pd.DataFrame) -> bytes:
    cols = [
        _as_text(inc["incident_id"]),
        _fmt_timestamps(inc["occurred_from"].to_numpy(), "%Y-%m-%d %H:%M"),
        _fmt_timestamps(inc["occurred_to"].to_numpy(), "%Y-%m-%d %H:%M"),
        _categorical_text(inc["category"]),
        _categorical_text(inc["shift"]),
        _categorical_text(inc["sector"]),
        _fmt_decimal1(inc["x"]),
        _fmt_decimal1(inc["y"]),
        _categorical_text(inc["precision"]),
    ]
    return _join_lines(cols, list(inc.columns), ",", "\n")


def _survey_bytes(sv: pd.DataFrame) -> bytes:
    out = sv.copy()
    out["date"] = out["date"].dt.strftime("%Y-%m-%d")
    out["concerns"] = out["concerns"].map(";".join)
    out["weight"] = out["weight"].map(lambda w: f"{w:.4f}")
    return out.to_csv(index=False, lineterminator="\n").encode("utf-8")


def _partners_bytes(pt: pd.DataFrame) -> bytes:
    out = pt.copy()
    out["expertise"] = out["expertise"].map(";".join)
    out["sectors_served"] = out["sectors_served"].map(";".join)
    return out.to_csv(index=False, lineterminator="\n").encode("utf-8")


def _toml(raw: bool) -> str:
    lines = [
        "# Configuration of the synthetic sample municipality (generated by diagnostic_lib.sample).",
        "# Paths are relative to this file.",
        "",
        "[municipality]",
        f'name = "{TOWN_NAME}"',
        f'crs = "{CRS}"',
        "",
        "[diagnostic]",
        'language = "fr"',
        f'period_start = "{PERIOD_START}"',
        f'period_end = "{PERIOD_END}"',
        "",
        "[data.sectors]",
        'path = "sectors.geojson"',
        "[data.incidents]",
    ]
    if raw:
        lines += [
            'path = "incidents_raw_export.csv"',
            'preset = "generic"',
            "[data.incidents.columns]",
            'incident_id = "No_dossier"',
            'occurred_from = "Date_début"',
            'occurred_from_time = "Heure_début"',
            'occurred_to = "Date_fin"',
            'occurred_to_time = "Heure_fin"',
            'category = "Catégorie"',
            'shift = "Quart"',
            'sector = "Secteur"',
            'x = "Coord_X"',
            'y = "Coord_Y"',
        ]
    else:
        lines += ['path = "incidents.csv"', 'preset = "generic"']
    lines += [
        "[data.measures]",
        'path = "measures.geojson"',
        "[data.survey]",
        'path = "survey.csv"',
        "[data.partners]",
        'path = "partners.csv"',
        "[data.places]",
        'path = "places.geojson"',
        "",
        "[parameters]",
        "grid_cell_m = 200",
        "",
    ]
    return "\n".join(lines)


def _realised(tables: dict[str, pd.DataFrame]) -> dict[str, Any]:
    """Counts of the planted structure in this realisation (for the README and trainers)."""
    inc = tables["incidents"]
    cat = inc["category"].astype(str)
    year = inc["occurred_from"].dt.year
    fraud = cat.isin(["fraud", "cyber_fraud"])
    counts = simulate_measure_counts_from_frame(inc)
    pop = tables["sectors"].set_index("sector_id")["population"]
    per_sector = inc["sector"].astype(str).value_counts().reindex(pop.index, fill_value=0)
    rate = (per_sector / pop * 1000 / 4).round(1)
    sv = tables["survey"]
    night = (sv["safety_night"] * sv["weight"]).groupby(sv["sector"]).sum() / sv["weight"].groupby(
        sv["sector"]
    ).sum()
    return {
        "incidents": len(inc),
        "by_category": {c: int(v) for c, v in cat.value_counts().sort_index().items()},
        "fraud_cyber_by_year": {
            str(int(y)): int(v) for y, v in year[fraud].value_counts().sort_index().items()
        },
        "rate_per_1000_per_year": {k: float(v) for k, v in rate.items()},
        "survey_night_safety_weighted_mean": {k: round(float(v), 2) for k, v in night.items()},
        "measure_counts_12m": counts,
    }


def simulate_measure_counts_from_frame(incidents: pd.DataFrame, window_days: int = 365) -> dict:
    """Treated/buffer counts before/after each measure's start in an incidents frame.

    Same definition as :func:`simulate_measure_counts`, from an incidents frame of the
    shape of ``incidents.csv`` (scale 1).

    Examples
    --------
    >>> inc = generate_tables(only=("incidents",))["incidents"]
    >>> simulate_measure_counts_from_frame(inc)["M01"]["treated_before"] > 80
    True
    """
    x = incidents["x"].to_numpy(dtype=float)
    y = incidents["y"].to_numpy(dtype=float)
    t = incidents["occurred_from"].to_numpy()
    shift = incidents["shift"].astype(object).fillna("").astype(str).to_numpy()
    cat = incidents["category"].astype(str).to_numpy()
    located = np.isfinite(x)
    out = {}
    areas = _measure_areas()
    for m in _measures():
        if m.measure_id not in areas or not m.start:
            continue
        start = np.datetime64(m.start)
        if not np.datetime64(PERIOD_START) < start <= np.datetime64(PERIOD_END):
            continue
        lo = max(start - np.timedelta64(window_days, "D"), np.datetime64(PERIOD_START))
        hi = start + np.timedelta64(window_days, "D")
        sel = np.isin(cat, m.target_categories) & located & (t >= lo) & (t < hi)
        if m.target_shifts:
            sel &= np.isin(shift, m.target_shifts)
        idx = np.flatnonzero(sel)
        treated, ring = areas[m.measure_id]
        in_t = shapely.intersects_xy(treated, x[idx], y[idx])
        in_b = (
            ~in_t & shapely.intersects_xy(ring, x[idx], y[idx])
            if ring is not None
            else np.zeros(idx.size, bool)
        )
        after = t[idx] >= start
        out[m.measure_id] = {
            "treated_before": int((in_t & ~after).sum()),
            "treated_after": int((in_t & after).sum()),
            "buffer_before": int((in_b & ~after).sum()),
            "buffer_after": int((in_b & after).sum()),
        }
    return out


_FILE_TABLE = (
    ("sectors.geojson", "10 secteurs / sectors (S01–S10), population", "GeoJSON, EPSG:32188"),
    ("incidents.csv", "incidents (format « generic »)", "CSV UTF-8, `,`"),
    (
        "incidents_raw_export.csv",
        "extraction brute / raw export (juin–déc. 2025)",
        "CSV cp1252, `;`, `,` décimale",
    ),
    ("measures.geojson", "mesures préventives / preventive measures", "GeoJSON, EPSG:32188"),
    ("survey.csv", "sondage citoyen / citizen survey (automne / autumn 2025)", "CSV UTF-8, `,`"),
    (
        "partners.csv",
        "partenaires / partners (aucune donnée personnelle / no personal data)",
        "CSV UTF-8, `,`",
    ),
    (
        "places.geojson",
        "lieux / places (bars, stationnements, arrêts, écoles, parcs, centres commerciaux)",
        "GeoJSON, EPSG:32188",
    ),
    ("diagnostic.toml", "configuration", "TOML"),
    (
        "diagnostic_raw_export.toml",
        "configuration avec l'extraction brute / with the raw export",
        "TOML",
    ),
    (
        "manifest.json",
        "lignes, colonnes, sha256, vérité terrain / rows, columns, sha256, ground truth",
        "JSON",
    ),
)


def _readme(gt: dict, realised: dict | None, defects: dict, seed: int, scale: int) -> str:
    """The sample's README (French, then English), with the planted ground truth."""
    ms = gt["measures"]
    pb = gt["problems"]
    sec = gt["town"]["sectors"]
    lines = [
        f"# {TOWN_NAME} — municipalité fictive / synthetic sample municipality",
        "",
        f"Données **entièrement synthétiques** (licence {LICENCE}), générées par "
        f"`diagnostic_lib.sample` (graine / seed {seed}, échelle / scale {scale}). "
        "Entirely **synthetic** data: no real person, place or event.",
        "",
        "Régénérer / regenerate:",
        "",
        "```bash",
        "python -m diagnostic_lib sample --out data/sample",
        "# ou / or: python -m diagnostic_lib.sample --out data/sample",
        "```",
        "",
        "La régénération avec la graine par défaut redonne des fichiers identiques à "
        "l'octet près (`manifest.json` liste leurs sha256). / Regenerating with the default "
        "seed gives byte-identical files (`manifest.json` lists their sha256).",
        "",
        "## Fichiers / Files",
        "",
        "| fichier / file | contenu / content | format |",
        "|---|---|---|",
    ]
    lines += [f"| `{a}` | {b} | {c} |" for a, b, c in _FILE_TABLE]
    lines += [
        "",
        "## Secteurs / Sectors",
        "",
        "| id | nom / name | population | rôle / role |",
        "|---|---|---:|---|",
    ]
    lines += [f"| {k} | {v['name']} | {v['population']:,} | {v['role']} |" for k, v in sec.items()]
    lines += [
        "",
        "## Français — l'histoire de la ville (pour les formateurs)",
        "",
        f"{TOWN_NAME} est une ville fictive d'environ {gt['town']['population']:,} habitants "
        "sur la rive nord de la rivière aux Hérons (coordonnées NAD83 / MTM zone 8, "
        "EPSG:32188). Les données couvrent 2022-01-01 à 2025-12-31. Voici ce qui a été "
        "**planté** dans les données et ce qu'une analyse correcte doit retrouver :",
        "",
        "1. **Rue des bars (rue Principale, Centre-ville, S01)** : voies de fait, voies de "
        "fait armées, méfaits et troubles de la paix les nuits de vendredi et samedi, "
        f"22 h – 3 h, à moins de 40 m de la rue (~{pb['bar_strip']['expected_events']:.0f} "
        "événements en 4 ans, pic estival). C'est le problème le plus grave **à l'échelle de son "
        "secteur** (taux local × gravité) et il figure parmi les **trois premiers** du score de "
        "priorité, derrière la fraude en hausse et les introductions, plus graves en moyenne.",
        "2. **Introductions résidentielles** (Vieux-Moulin S07, Saint-Joseph S08, Les Boisés "
        "S09) : en semaine, de jour ; environ 40 % connues seulement par une plage "
        "(8 h – 17 h 30, ou fin de semaine ven. 18 h → lun. 8 h) ; environ un tiers sont des "
        "**quasi-répétitions** (50–200 m, 1–14 jours après une première introduction) : le "
        "test de Knox doit le détecter.",
        "3. **Vols de et dans les véhicules** concentrés au **stationnement incitatif de la "
        "gare** (S02, en semaine de jour) et au **stationnement du Carrefour des Hérons** "
        "(S03) : deux points chauds nets (Gi*, grille de 200 m).",
        "4. **Saisonnalité** : pic estival (juin–août ≈ 1,36 × la moyenne) et creux hivernal "
        "pour les biens et les désordres.",
        "5. **Fraude et cyberfraude en hausse** d'environ 300 par an (2022) à 800 (2025), sans "
        "localisation précise (70 % au secteur, 30 % sans lieu). **Aucune mesure ne la "
        "cible** : c'est le problème non couvert ; le partenaire à proposer est "
        f"**{gt['cybercrime_partner']} Cyber-Aide Québec**.",
        "6. **Fond** : vols, méfaits, désordres, drogues, circulation, quelques vols qualifiés "
        "et 0–2 homicides, selon la population et des générateurs (bars, stationnements, "
        "arrêts, écoles, parcs), avec une surdispersion mensuelle.",
        "7. **Méfaits nocturnes au parc des Érables** (S06), 22 h – 4 h, environ 10 par mois "
        "avant l'éclairage.",
        "8. **Écart de perception** : le **Domaine-des-Pins (S05)** a l'un des plus bas taux de "
        "criminalité enregistrée mais le plus fort sentiment d'insécurité (sécurité de nuit "
        "la plus basse, le plus de préoccupations : introductions, gangs de jeunes) ; le "
        "Centre-ville a le taux le plus élevé mais une crainte modérée.",
        "9. **Mesures préventives aux effets plantés** (multiplicateurs exacts de l'intensité "
        "après la date de début) :",
        "",
    ]
    effect_fr = {
        "effective": "efficace",
        "null": "sans effet",
        "displacing": "déplacement",
        "too_recent": "trop récente",
        "not_evaluable": "non évaluable",
        "planned": "planifiée",
        "none_planted": "aucun effet planté",
    }
    mrows = [
        "| mesure | effet planté / planted effect | zone traitée / treated | anneau / ring | début / start |",
        "|---|---|---:|---:|---|",
    ]
    for mid, m in ms.items():
        tm = "" if m["treated_multiplier"] is None else f"× {m['treated_multiplier']}"
        bm = (
            ""
            if m["buffer_multiplier"] is None or not m["buffer_m"]
            else f"× {m['buffer_multiplier']} ({m['buffer_m']:.0f} m)"
        )
        eff = f"{effect_fr[m['planted_effect']]} / {m['planted_effect']}"
        mrows.append(
            f"| {mid} | {eff} | {tm} | {bm} | {m['start']}{' → ' + m['end'] if m['end'] else ''} |"
        )
    lines += mrows
    lines += [
        "",
        "Points clés : M01 (éclairage du parc) réduit les méfaits nocturnes du parc à 60 % "
        "(RES ≈ 1,67) avec une diffusion des bénéfices dans l'anneau de 200 m (85 %) ; M02 "
        "(patrouille à pied) n'a aucun effet ; M03 (caméras du stationnement du Carrefour) "
        "réduit les vols à 55 % mais les **déplace** dans l'anneau de 300 m (+55 %, WDQ < 0) ; "
        "M04 est trop récente (2025-10-01) ; M05 a commencé trop tôt pour une période avant ; "
        "M08 est terminée ; M09 cite un partenaire inconnu (P99) ; M10 est planifiée (2027).",
        "",
        "## English — the town's story (for trainers)",
        "",
        f"{TOWN_NAME} is a fictional town of about {gt['town']['population']:,} residents on the "
        "north bank of the Rivière aux Hérons (NAD83 / MTM zone 8, EPSG:32188). The data cover "
        "2022-01-01 to 2025-12-31. What was **planted**, and what a sound analysis should find:",
        "",
        "1. **Bar strip (rue Principale, Centre-ville, S01)**: assaults, armed assaults, "
        "mischief and disturbances on Friday and Saturday nights, 22:00–03:00, within 40 m of "
        "the street (about "
        f"{pb['bar_strip']['expected_events']:.0f} events over 4 years, summer peak). It is the "
        "most serious problem **at the scale of its sector** (local rate × severity) and ranks in "
        "the **top three** of the priority score, behind the rising fraud and the break-ins, "
        "which weigh more on average.",
        "2. **Residential break-ins** (S07, S08, S09): weekday daytime; about 40 % known only by a "
        "time range (08:00–17:30, or a weekend away Fri 18:00 → Mon 08:00); about a third are "
        "**near repeats** (50–200 m, 1–14 days after an earlier one): a Knox test finds them.",
        "3. **Vehicle crime** at the **park-and-ride** (S02, weekday daytime) and the "
        "**shopping-centre lot** (S03): two clear hot spots (Gi*, 200 m grid).",
        "4. **Seasonality**: summer peak (Jun–Aug ≈ 1.36 × the mean), winter trough, for "
        "property and disorder.",
        "5. **Fraud and cyber-fraud rising** from about 300 a year (2022) to 800 (2025), with "
        "no precise location (70 % sector only, 30 % none). **No measure targets it**: it is "
        f"the uncovered problem; the partner to suggest is **{gt['cybercrime_partner']} "
        "Cyber-Aide Québec**.",
        "6. **Background** crime spread by population and generators, mildly overdispersed.",
        "7. **Night mischief in Parc des Érables** (S06), 22:00–04:00, about 10 a month "
        "before the lighting.",
        "8. **Perception gap**: **Domaine-des-Pins (S05)** has among the lowest recorded crime "
        "rates but the highest fear (lowest night safety, most concerns: burglary, youth "
        "gangs); Centre-ville has the highest rate but moderate fear.",
        "9. **Preventive measures with planted effects** (exact multipliers of the intensity "
        "after the start date; see the table above): M01 effective (park × 0.6, ring × 0.85), "
        "M02 null, M03 displacing (lot × 0.55, 300 m ring × 1.55), M04 too recent, M05 not "
        "evaluable, M08 ended, M09 with an unknown partner (P99), M10 planned; no measure "
        "targets fraud.",
        "",
        "## Extraction brute / Raw export",
        "",
        "`incidents_raw_export.csv` reproduit une extraction d'un système de gestion des "
        "dossiers ouverte dans Excel en français (Windows-1252, `;`, virgule décimale, dates "
        "`jj/mm/aaaa`, libellés français). It holds deliberate, counted defects "
        "(`manifest.json` → `raw_export_defects`):",
        "",
        "| défaut / defect | n |",
        "|---|---:|",
    ]
    lines += [f"| {k} | {v} |" for k, v in defects.items()]
    if realised:
        lines += [
            "",
            f"## Cette réalisation / This realisation (seed {seed})",
            "",
            f"- incidents: {realised['incidents']:,}",
            "- fraude + cyberfraude par an / fraud + cyber-fraud by year: "
            + ", ".join(f"{y}: {v}" for y, v in realised["fraud_cyber_by_year"].items()),
            "- mesures, 12 mois avant / après (zone traitée ; anneau) / measures, 12 months "
            "before / after (treated; ring):",
        ]
        for mid, c in realised["measure_counts_12m"].items():
            lines.append(
                f"  - {mid}: {c['treated_before']} → {c['treated_after']} ; "
                f"{c['buffer_before']} → {c['buffer_after']}"
            )
    lines += [
        "",
        "La vérité terrain complète (géométries WKT, fenêtres, tailles plantées) est dans "
        "`manifest.json` → `ground_truth`, et `diagnostic_lib.sample.ground_truth()`. / The "
        "full ground truth (WKT geometries, windows, planted sizes) is in `manifest.json` → "
        "`ground_truth` and `diagnostic_lib.sample.ground_truth()`.",
        "",
    ]
    return "\n".join(lines)


def _sha256(data: bytes) -> str:
    return hashlib.sha256(data).hexdigest()


def generate(
    out_dir: str | os.PathLike = "data/sample", seed: int = DEFAULT_SEED, scale: int = 1
) -> Path:
    """Write the sample's files, ``manifest.json``, the two configs and ``README.md``.

    Parameters
    ----------
    out_dir : path-like
        Output directory (created if needed). Existing files are overwritten.
    seed : int, default DEFAULT_SEED
        Seed of the random realisation.
    scale : int, default 1
        Copies of the town (see :func:`generate_tables`).

    Returns
    -------
    pathlib.Path
        The output directory.

    Examples
    --------
    >>> import tempfile, json, pathlib
    >>> d = generate(tempfile.mkdtemp())
    >>> json.loads((d / "manifest.json").read_text(encoding="utf-8"))["synthetic"]
    True
    """
    out = Path(out_dir)
    out.mkdir(parents=True, exist_ok=True)
    tables = generate_tables(seed=seed, scale=scale)
    raw = tables["raw_export"]
    files: dict[str, tuple[str, bytes, dict[str, Any]]] = {}
    spatial = {"crs": CRS, "encoding": "utf-8"}
    files["sectors"] = (
        "sectors.geojson",
        _geojson_bytes("sectors", tables["sectors"], ["sector_id", "name", "population"]),
        {
            "format": "geojson",
            "rows": len(tables["sectors"]),
            "columns": ["sector_id", "name", "population", "geometry"],
            **spatial,
        },
    )
    inc_cols = list(tables["incidents"].columns)
    files["incidents"] = (
        "incidents.csv",
        _incidents_bytes(tables["incidents"]),
        {
            "format": "csv",
            "rows": len(tables["incidents"]),
            "columns": inc_cols,
            "crs": CRS,
            "encoding": "utf-8",
            "separator": ",",
            "decimal": ".",
        },
    )
    mprops = [
        "measure_id", "name", "name_en", "pillar", "kind", "partners", "target_categories",
        "target_shifts", "start", "end", "footprint", "footprint_sectors", "cost", "reach_m", "buffer_m",
    ]  # fmt: skip
    files["measures"] = (
        "measures.geojson",
        _geojson_bytes("measures", tables["measures"], mprops),
        {
            "format": "geojson",
            "rows": len(tables["measures"]),
            "columns": [*mprops, "geometry"],
            **spatial,
        },
    )
    files["survey"] = (
        "survey.csv",
        _survey_bytes(tables["survey"]),
        {
            "format": "csv",
            "rows": len(tables["survey"]),
            "columns": list(tables["survey"].columns),
            "encoding": "utf-8",
            "separator": ",",
        },
    )
    files["partners"] = (
        "partners.csv",
        _partners_bytes(tables["partners"]),
        {
            "format": "csv",
            "rows": len(tables["partners"]),
            "columns": list(tables["partners"].columns),
            "encoding": "utf-8",
            "separator": ",",
        },
    )
    files["places"] = (
        "places.geojson",
        _geojson_bytes("places", tables["places"], ["place_id", "kind", "name"]),
        {
            "format": "geojson",
            "rows": len(tables["places"]),
            "columns": ["place_id", "kind", "name", "geometry"],
            **spatial,
        },
    )
    files["raw_export"] = (
        "incidents_raw_export.csv",
        _raw_export_bytes(raw),
        {
            "format": "csv",
            "rows": len(raw),
            "columns": list(_RAW_COLUMNS),
            "crs": CRS,
            "encoding": "cp1252",
            "separator": ";",
            "decimal": ",",
            "line_terminator": "\r\n",
        },
    )
    files["config"] = (
        "diagnostic.toml",
        _toml(raw=False).encode("utf-8"),
        {"format": "toml", "encoding": "utf-8"},
    )
    files["config_raw_export"] = (
        "diagnostic_raw_export.toml",
        _toml(raw=True).encode("utf-8"),
        {"format": "toml", "encoding": "utf-8"},
    )
    realised = _realised(tables) if scale == 1 else None
    defects = {k: int((raw["defect"] == k).sum()) for k in _RAW_DEFECTS}
    files["readme"] = (
        "README.md",
        _readme(ground_truth(), realised, defects, seed, scale).encode("utf-8"),
        {"format": "markdown", "encoding": "utf-8"},
    )
    manifest_files = {}
    for key, (name, data, meta) in files.items():
        (out / name).write_bytes(data)
        manifest_files[key] = {"path": name, **meta, "bytes": len(data), "sha256": _sha256(data)}
    manifest = {
        "name": f"{TOWN_NAME} (synthetic sample municipality)",
        "description": "A fictional Québec town with planted crime problems, preventive "
        "measures with planted effects, a citizen survey, partners, places and a raw "
        "records-system export with counted defects, for the local security self-diagnosis.",
        "synthetic": True,
        "licence": LICENCE,
        "seed": int(seed),
        "scale": int(scale),
        "generator": "diagnostic_lib.sample",
        "generator_version": GENERATOR_VERSION,
        "regenerate": "python -m diagnostic_lib sample --out data/sample",
        "crs": CRS,
        "period": {"start": PERIOD_START, "end": PERIOD_END},
        "files": manifest_files,
        "raw_export_defects": defects,
        "realised": realised,
        "ground_truth": ground_truth(),
    }
    text = json.dumps(manifest, ensure_ascii=False, indent=1) + "\n"
    (out / "manifest.json").write_bytes(text.encode("utf-8"))
    return out


def _find_repo_sample() -> Path | None:
    here = Path(__file__).resolve()
    for parent in here.parents:
        cand = parent / "data" / "sample"
        if (cand / "manifest.json").is_file():
            return cand
    return None


def sample_dir() -> Path:
    """The sample's directory: the repository's ``data/sample``, or a generated cache.

    Walks up from this file looking for ``data/sample/manifest.json``; when absent
    (installed package), generates the sample once into the user cache directory
    (``$XDG_CACHE_HOME/diagnostic_lib/sample`` or ``~/.cache/diagnostic_lib/sample``).

    Returns
    -------
    pathlib.Path

    Examples
    --------
    >>> (sample_dir() / "manifest.json").is_file()
    True
    """
    found = _find_repo_sample()
    if found is not None:
        return found
    cache = Path(os.environ.get("XDG_CACHE_HOME") or Path.home() / ".cache")
    target = cache / "diagnostic_lib" / "sample"
    manifest = target / "manifest.json"
    if manifest.is_file():
        try:
            meta = json.loads(manifest.read_text(encoding="utf-8"))
            if (
                meta.get("generator_version") == GENERATOR_VERSION
                and meta.get("seed") == DEFAULT_SEED
            ):
                return target
        except (OSError, ValueError):
            pass
    return generate(target)


def main(argv: Sequence[str] | None = None) -> int:
    """Command line: ``python -m diagnostic_lib.sample --out data/sample``.

    Parameters
    ----------
    argv : sequence of str, optional
        Arguments (default: ``sys.argv[1:]``): ``--out``, ``--seed``, ``--scale``.

    Returns
    -------
    int
        Exit status (0).

    Examples
    --------
    >>> import tempfile
    >>> main(["--out", tempfile.mkdtemp()])  # doctest: +ELLIPSIS
    → .../...
    0
    """
    parser = argparse.ArgumentParser(
        prog="python -m diagnostic_lib.sample", description="Write the sample municipality."
    )
    parser.add_argument("--out", default="data/sample", help="output directory")
    parser.add_argument("--seed", type=int, default=DEFAULT_SEED)
    parser.add_argument("--scale", type=int, default=1)
    args = parser.parse_args(argv)
    path = generate(args.out, seed=args.seed, scale=args.scale)
    print(f"→ {path}")
    return 0


if __name__ == "__main__":  # pragma: no cover
    raise SystemExit(main())
