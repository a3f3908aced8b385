"""Identity and frame of the sample: seed, version, town, CRS, period, categories, codes.

Everything here is a fixed constant of the generator (not an analysis tunable):
the public names (:data:`DEFAULT_SEED`, :data:`GENERATOR_VERSION`, :data:`TOWN_NAME`,
:data:`CATEGORIES`…) and the private codes shared by the simulation and the writers
(the day grid of the period, the local origin of the town, the shift and precision codes).
"""

from __future__ import annotations

import numpy as np

from .. import schema

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
    "walks",
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


_SHIFTS = ("jour", "soir", "nuit", "")  # code 3 = no shift (range longer than 8 h)
_PRECISIONS = schema.PRECISIONS  # exact, intersection, block, sector, none
_P_EXACT, _P_INTER, _P_BLOCK, _P_SECTOR, _P_NONE = range(5)
