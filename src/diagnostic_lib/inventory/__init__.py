"""Step 1 — inventory of crime problems and security issues.

The analytic core of the "problem solving" pillar: turn incidents and citizens'
voices into a short, explainable list of problems, each tied to a place and a
time. Every function is pure (tables in, tables out); the notebook
``01_inventory.ipynb`` and the report only call them. :func:`run` runs the
whole step with the tunables of the config (``[parameters]`` of
``diagnostic.toml``, see :mod:`diagnostic_lib.settings`).

Sections, and the file that holds each
---------------------------------------
- Volume and rates (``volume``): :func:`counts`, :func:`rates`, :func:`recent_rates`,
  :func:`severity_index`, :func:`total_population` (NaN, never 0, without
  residents), :func:`municipal_rate`; rates on another base than residents where
  ``[denominators]`` declares one (``denominators=``, see :mod:`diagnostic_lib.denominators`).
- Smoothing (``smoothing``): :func:`smoothed_rates` (global empirical Bayes, Marshall
  1991, beside the raw rate), :func:`eb_weights`.
- Timing (``timing``): :func:`aoristic`, :func:`hour_weekday`,
  :func:`shift_shares`, :func:`seasonality`; time patterns
  :func:`weekend_mask`, :func:`time_signature`, :func:`hour_of_week_profile`,
  :func:`group_profiles`.
- Change over time (``trend``): :func:`change` (E-test, never a bare percent
  change), :data:`CHANGE_LABELS` (built from the label catalogue).
- The grid (``grid``): :func:`make_grid`, :func:`grid_counts`,
  :class:`GridWarning`; clusters of cells split by sector and extent
  (:func:`cell_sectors`, :func:`split_by_sector`, :func:`compact_components`).
- Concentration over places (``places``): :func:`place_counts`,
  :func:`concentration`, :func:`concentration_table`, :func:`repeat_locations`.
- Hot spots (``hot_spot_analysis``): :func:`hot_spots` (Getis–Ord Gi* with
  FDR), :func:`hot_spot_parameters_text`, :func:`fewest_significant_cells`,
  :func:`hot_cells`, :func:`kde_surface`.
- Emerging hot spots (``emerging``): :func:`emerging_hot_spots` (each cell classed
  by the history of its Gi*, Esri's rules), :func:`gi_star_series` (Gi* by slice),
  :func:`classify_series` (the rules), :func:`mann_kendall` (trend test, ties
  corrected), :func:`emerging_label`, :func:`emerging_parameters_text`,
  :data:`EMERGING_CLASSES`.
- Safety walks (``walks``): :func:`walk_counts` (the observations of safety walks
  and CPTED audits in each problem's area, by category and severity),
  :func:`with_walk_counts`, :func:`walk_count_columns`.
- Landmarks (``landmarks``): :func:`landmarks` (the few named places a map shows
  for context, near what it shows), :func:`kind_weight`, :func:`map_landmarks` (with the
  config's settings).
- Near repeat (``near_repeat``): :func:`knox_test`, :func:`knox_parameters_text`,
  :func:`doubling_bands`.
- Citizens' perception (``survey``): :func:`perception`, :func:`perception_gap`.
- Problem finding (``problem_finding``, ``problem_context``, ``problem_text``):
  :func:`find_problems` in three passes (places, areas, municipality), its
  tunables :class:`ProblemSearch`, each problem's register row, its title and
  CHEERS fields; :func:`facility_label` (a kind of place in words).
- Scoring (``scoring``): :func:`priority`, :func:`components_text`,
  :data:`PRIORITY_WEIGHTS` (alias :data:`DEFAULT_PRIORITY_WEIGHTS`),
  :data:`PRIORITY_COMPONENTS`, :data:`MIN_PROBLEM_EVENTS`, :data:`PRIORITY_STATUSES`.
- The register (``register``): :func:`register_columns`,
  :func:`problem_incidents`, :func:`write_register`, :func:`read_register`,
  :func:`merge_register`.
- The whole step (``results``): :func:`run`, :class:`Inventory`, :func:`tunables`
  (every setting of step 1 as the config sets it).
- The count cube (``counted``): :func:`incidents_cube` (the incidents' count cube, built
  once per content and kept beside the loaders' cache), :func:`incidents_digest`.
- Caches (``_cache``): content-keyed caches of grids, aoristic spreads and
  perception tables; :func:`clear_caches` empties them all.

Conventions
-----------
- An incident belongs to the period (year, quarter, month) of its
  ``occurred_from``.
- Rates are per 1,000 residents of the sector (``population``), with exact
  Poisson intervals; a sector without population has no rate (NaN, never 0),
  and the municipality's rate counts only the sectors with residents.
- Incidents without a sector count in the municipality's totals, not in any
  sector's.

Examples
--------
>>> from diagnostic_lib import inventory, loaders, sample
>>> d = loaders.load_diagnostic(sample.sample_dir() / "diagnostic.toml")
>>> r = inventory.rates(d.incidents, d.sectors, by="family", period="year")
>>> {"count", "rate", "rate_low", "rate_high", "population"} <= set(r.columns)
True
"""

from __future__ import annotations

from ._cache import clear_caches
from .counted import incidents_cube, incidents_digest
from .emerging import (
    EMERGING_CLASSES,
    classify_series,
    emerging_hot_spots,
    emerging_label,
    emerging_parameters_text,
    gi_star_series,
    mann_kendall,
)
from .grid import (
    CELL_SIZE_M,
    GridWarning,
    cell_sectors,
    compact_components,
    grid_counts,
    make_grid,
    split_by_sector,
)
from .hot_spot_analysis import (
    HOT_CLASSES,
    fewest_significant_cells,
    hot_cells,
    hot_spot_parameters_text,
    hot_spots,
    kde_surface,
)
from .landmarks import LANDMARK_KINDS, kind_weight, landmarks, map_landmarks
from .near_repeat import doubling_bands, knox_parameters_text, knox_test
from .places import concentration, concentration_table, place_counts, repeat_locations
from .problem_context import ProblemSearch
from .problem_fate import FATES, FateOptions, fate_label, problem_fates
from .problem_finding import find_problems
from .problem_text import facility_label
from .register import (
    EDITABLE_FIELDS,
    SARA_STAGES,
    merge_register,
    problem_incidents,
    read_register,
    register_columns,
    write_register,
)
from .results import STEP_TUNABLES, Inventory, run, tunables
from .scoring import (
    CLEAR_FIRST,
    DEFAULT_PRIORITY_WEIGHTS,
    MIN_PROBLEM_EVENTS,
    PRIORITY_COMPONENTS,
    PRIORITY_STATUSES,
    PRIORITY_WEIGHTS,
    components_text,
    priority,
    rank_certainty,
    ranked_with_certainty,
)
from .smoothing import eb_weights, rate_leaders, smoothed_rates
from .survey import perception, perception_gap
from .timing import (
    MONTHS_EN,
    MONTHS_FR,
    WEEKDAYS_EN,
    WEEKDAYS_FR,
    WEEKEND_END,
    WEEKEND_START,
    aoristic,
    group_profiles,
    hour_of_week_profile,
    hour_weekday,
    seasonality,
    shift_shares,
    time_signature,
    weekend_mask,
)
from .trend import CHANGE_CODES, CHANGE_LABELS, change
from .volume import (
    annual_means,
    counts,
    municipal_rate,
    rates,
    recent_rates,
    severity_index,
    total_population,
)
from .walks import walk_count_columns, walk_counts, with_walk_counts

# isort: split
# Private names used by tests/test_speed.py (_grid_weights, _cell_of, _gi_parts, _gi_star_max,
# _aoristic_compute, _make_grid), tests/test_inventory.py (_band) and benchmarks/run.py
# (_cell_of); _xy, _located, _grid_lut and _aoristic_arrays stay at their old address too.
from .grid import _cell_of, _grid_lut, _located, _make_grid, _xy  # noqa: F401
from .hot_spot_analysis import _gi_parts, _gi_star_max, _grid_weights  # noqa: F401
from .near_repeat import _band  # noqa: F401
from .timing import _aoristic_arrays, _aoristic_compute  # noqa: F401

__all__ = [
    "clear_caches",
    "FATES",
    "FateOptions",
    "fate_label",
    "problem_fates",
    "CELL_SIZE_M",
    "CHANGE_CODES",
    "CHANGE_LABELS",
    "DEFAULT_PRIORITY_WEIGHTS",
    "EDITABLE_FIELDS",
    "EMERGING_CLASSES",
    "HOT_CLASSES",
    "LANDMARK_KINDS",
    "MONTHS_EN",
    "MONTHS_FR",
    "MIN_PROBLEM_EVENTS",
    "PRIORITY_COMPONENTS",
    "PRIORITY_STATUSES",
    "PRIORITY_WEIGHTS",
    "SARA_STAGES",
    "STEP_TUNABLES",
    "WEEKDAYS_EN",
    "WEEKDAYS_FR",
    "WEEKEND_END",
    "WEEKEND_START",
    "GridWarning",
    "Inventory",
    "ProblemSearch",
    "aoristic",
    "change",
    "classify_series",
    "cell_sectors",
    "compact_components",
    "components_text",
    "concentration",
    "concentration_table",
    "counts",
    "doubling_bands",
    "eb_weights",
    "emerging_hot_spots",
    "emerging_label",
    "emerging_parameters_text",
    "facility_label",
    "find_problems",
    "gi_star_series",
    "grid_counts",
    "group_profiles",
    "hot_cells",
    "fewest_significant_cells",
    "hot_spot_parameters_text",
    "hot_spots",
    "hour_of_week_profile",
    "hour_weekday",
    "incidents_cube",
    "incidents_digest",
    "annual_means",
    "kde_surface",
    "kind_weight",
    "knox_parameters_text",
    "knox_test",
    "landmarks",
    "make_grid",
    "mann_kendall",
    "map_landmarks",
    "merge_register",
    "municipal_rate",
    "perception",
    "perception_gap",
    "place_counts",
    "priority",
    "rank_certainty",
    "ranked_with_certainty",
    "CLEAR_FIRST",
    "problem_incidents",
    "rates",
    "recent_rates",
    "read_register",
    "register_columns",
    "repeat_locations",
    "run",
    "seasonality",
    "severity_index",
    "shift_shares",
    "smoothed_rates",
    "rate_leaders",
    "split_by_sector",
    "time_signature",
    "total_population",
    "tunables",
    "walk_count_columns",
    "walk_counts",
    "weekend_mask",
    "with_walk_counts",
    "write_register",
]
