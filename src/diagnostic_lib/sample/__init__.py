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

The package, in the order of the generation (the rates and amplitudes are constants of the
generator, kept in its modules; they are not analysis tunables):

* geography
    - ``constants``: seed, version, town, CRS, period, categories, shift and precision codes;
    - ``geometry``: local coordinates, clean shapes, point location, area sampling, WKT;
    - ``geography``: the fixed town (boundary, sectors, places, planted streets and areas);
    - ``tiles``: copies of the town for ``scale`` > 1;
* simulation
    - ``time_profiles``: calendar, seasons, hour × weekday profiles;
    - ``events``: events as arrays, seeded random streams, shifts, geocoding precision;
    - ``problems``: the planted problems (bar strip, break-in series, vehicle lots, park,
      street, fraud) and their daily intensities;
    - ``background``: the everyday crime around them;
    - ``planted_measures``: the 18 preventive measures and their planted multipliers;
    - ``effects``: the measures' effects, applied by thinning;
    - ``simulation``: the whole incident process;
    - ``survey``: the citizen survey and its planted perception gap;
* tables
    - ``tables``: the tables in memory (:func:`generate_tables`);
    - ``realisation``: counts around each measure's start (:func:`simulate_measure_counts`);
* ground truth
    - ``planted``: what was planted (:func:`ground_truth`, the manifest's ``ground_truth``);
* writers
    - ``text_columns``: fast text columns (dates, decimals, categories);
    - ``raw_export``: the raw records-system export and its counted defects;
    - ``readme``: the README, rendered from the template ``README.md.j2``;
    - ``writers``: the files, byte for byte, and ``manifest.json``;
* entry points
    - ``entry_points``: :func:`generate`, :func:`sample_dir`, :func:`main`
      (``python -m diagnostic_lib.sample``);
* the year after
    - ``follow_up``: :func:`generate_follow_up` (``python -m diagnostic_lib sample
      --follow-up``), the year after the sample's plan with planted outcomes.

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

from .constants import _FAMILY as _FAMILY
from .constants import (
    CATEGORIES,
    CRS,
    CRS_URN,
    DEFAULT_SEED,
    GENERATOR_VERSION,
    LICENCE,
    PERIOD_END,
    PERIOD_START,
    TABLE_KEYS,
    TOWN_NAME,
)
from .entry_points import generate, main, sample_dir
from .follow_up import generate_follow_up
from .planted import ground_truth
from .raw_export import _RAW_DEFECTS as _RAW_DEFECTS
from .raw_export import _RAW_LABELS as _RAW_LABELS
from .raw_export import RAW_EXPORT_START
from .realisation import simulate_measure_counts, simulate_measure_counts_from_frame
from .tables import generate_tables

# private names used by tests/test_sample.py (re-exported by the ``x as x`` imports above,
# not part of the API): _FAMILY, _RAW_DEFECTS, _RAW_LABELS

__all__ = [
    "CATEGORIES",
    "CRS",
    "CRS_URN",
    "DEFAULT_SEED",
    "GENERATOR_VERSION",
    "LICENCE",
    "PERIOD_END",
    "PERIOD_START",
    "RAW_EXPORT_START",
    "TABLE_KEYS",
    "TOWN_NAME",
    "generate",
    "generate_follow_up",
    "generate_tables",
    "ground_truth",
    "main",
    "sample_dir",
    "simulate_measure_counts",
    "simulate_measure_counts_from_frame",
]
