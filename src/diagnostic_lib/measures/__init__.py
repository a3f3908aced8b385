"""Step 2 — inventory of the preventive measures in place.

What is already being done, by whom, where and against which problem — and
where nothing is being done. Draws on the partnership pillar. Every function
is pure (tables in, tables out); the notebook ``02_measures.ipynb`` and the
report only call them. :func:`run` computes the whole step at once.

Sections
--------
One file per part of the step (every name is re-exported here):

- ``footprints``: where a measure acts. :func:`treated_area` (its polygon; its
  point or line widened by ``reach_m``, default :data:`DEFAULT_REACH_M`; its
  sectors; the whole municipality; or nothing), :func:`buffer_ring` (the ring
  around it, used for displacement and diffusion of benefits in step 3),
  :func:`buffer_rings` (one width per measure).
- ``register``: :func:`status`, :func:`months_active`, :func:`measure_sectors`
  (the sectors each measure touches), :func:`registry`, :func:`registry_summary`.
- ``levels``: the words of the step (:data:`STATUSES`, :data:`LEVELS`,
  :data:`GAP_LEVELS`) and the coverage rule of one pair, :func:`coverage_level`,
  beside its :data:`DEFAULT_THRESHOLDS`.
- ``matching`` (with ``spatial_shares``): :func:`coverage` (problems × measures,
  long form).
- ``summaries``: :func:`coverage_matrix`, :func:`problem_coverage` (for each
  problem, its measures), :func:`measure_coverage` (for each measure, its
  problems).
- ``gaps``: :func:`coverage_gaps`, :func:`single_pillar`, :func:`sector_gaps`.
- ``walks``: safety-walk observations beside the gaps: :func:`problem_walk_gaps`,
  :func:`sector_walk_counts`, :func:`sector_walk_gaps`.
- ``partners``: :func:`partner_roles`, :func:`partner_suggestions` (with
  :data:`DEFAULT_EXPERTISE_MAP`).
- ``perception``: security issues from the survey, :func:`perception_issues`.
- ``before_after``: around a measure, :func:`before_after_incidents` and
  :func:`before_after_counts` (plain counts; step 3 does the statistics).
- ``display``: :func:`for_display` (codes as labels, headers translated).
- ``results``: the whole step at once, :class:`MeasureInventory` and :func:`run`.
- ``cards``: :func:`measure_card`, :func:`problem_card`.

Tunables
--------
Every number the step uses is a tunable of :mod:`diagnostic_lib.settings`
(section ``measures``), set in ``[parameters]`` of ``diagnostic.toml``;
:func:`run` reads each from the config, and the functions take its default:

==========================  ===========================================
tunable                     default (old constant)
==========================  ===========================================
``buffer_m``                200 m (:data:`DEFAULT_BUFFER_M`)
``reach_m``                 50 m (:data:`DEFAULT_REACH_M`)
``coverage_thresholds``     0.05 / 0.25 / 0.6 (:data:`DEFAULT_THRESHOLDS`)
``sector_min_share``        0.01 (:data:`DEFAULT_SECTOR_MIN_SHARE`)
``before_after_days``       365 (:data:`DEFAULT_WINDOW_DAYS`)
``sector_gaps_top``         10 (:data:`DEFAULT_SECTOR_GAPS_TOP`)
``include_perception``      true
``max_coverage_pairs``      1,000,000 (:data:`MAX_COVERAGE_PAIRS`)
==========================  ===========================================

Coverage rule
-------------
See docs/methods.md, *Coverage*. For each problem *p* and measure *m* (see
:func:`coverage`):

1. **Thematic share** — the share of *p*'s incidents whose category *m*
   targets (an empty target list means every category). Without incidents,
   each of *p*'s categories counts equally; for a perception issue, each
   over-represented concern weighs its excess over the municipal share.
2. **Spatial share** — the share of *p*'s located incidents inside *m*'s
   treated area (point, line and polygon footprints), or of *p*'s incidents
   recorded in *m*'s sectors (sector and municipality-wide footprints;
   incidents with no sector are left out of the denominator).
   Without incidents (or for a perception issue), the share of *p*'s area
   inside the treated area. A municipality-wide problem is covered spatially
   only by sector and municipality-wide measures (a local footprint gives 0).
3. **Score** = thematic share × spatial share, and the **level**:
   ``none`` below 0.05, ``weak`` below 0.25, ``partial`` below 0.6,
   ``strong`` from 0.6 (see :data:`DEFAULT_THRESHOLDS`). Then:

   - a measure with **no footprint** cannot be placed: ``weak`` when it
     targets the problem's categories, else ``none``;
   - a **municipality-wide** measure on a local problem (place, area,
     perception) is diffuse: at most ``weak``;
   - **time**: when *m* targets shifts and *p*'s dominant shift (step 1) is
     not one of them, the level drops one step, never below ``weak`` (the
     measure acts on the right place and offences at another time).

4. **Status** (relative to the reference date, the end of the study
   period): ``planned`` (starts later), ``active``, ``ended`` (ended before).
   The level describes how a measure addresses a problem whatever its status;
   only **active** measures make a problem *covered now* (``current``).
   Planned and ended measures stay visible in the tables (and a problem
   covered only by them is a gap labelled ``only_planned`` / ``only_ended``).
   A measure that started before the data (no "before" period) counts as any
   active measure here; it is step 3 that cannot evaluate it.

Examples
--------
>>> from diagnostic_lib import loaders, measures, sample
>>> d = loaders.load_diagnostic(sample.sample_dir() / "diagnostic.toml")
>>> area = measures.treated_area(d.measures, d.sectors)
>>> ring = measures.buffer_ring(area, 200)
>>> bool(area.loc[d.measures["footprint"] == "none"].isna().all())
True
>>> sorted(measures.status(d.measures, d.config.period_end).value_counts().items())
[('active', 16), ('ended', 1), ('planned', 1)]
"""

from __future__ import annotations

from .before_after import DEFAULT_WINDOW_DAYS, before_after_counts, before_after_incidents
from .cards import measure_card, problem_card
from .display import for_display
from .footprints import DEFAULT_BUFFER_M, DEFAULT_REACH_M, buffer_ring, buffer_rings, treated_area
from .gaps import DEFAULT_SECTOR_GAPS_TOP, coverage_gaps, sector_gaps, single_pillar
from .levels import DEFAULT_THRESHOLDS, GAP_LEVELS, LEVELS, STATUSES, coverage_level
from .matching import MAX_COVERAGE_PAIRS, coverage
from .partners import DEFAULT_EXPERTISE_MAP, partner_roles, partner_suggestions
from .perception import perception_issues
from .register import (
    DEFAULT_SECTOR_MIN_SHARE,
    measure_sectors,
    months_active,
    registry,
    registry_summary,
    status,
)
from .results import MeasureInventory, run
from .summaries import coverage_matrix, measure_coverage, problem_coverage
from .walks import problem_walk_gaps, sector_walk_counts, sector_walk_gaps

__all__ = [
    "DEFAULT_BUFFER_M",
    "DEFAULT_EXPERTISE_MAP",
    "DEFAULT_REACH_M",
    "DEFAULT_SECTOR_GAPS_TOP",
    "DEFAULT_SECTOR_MIN_SHARE",
    "DEFAULT_THRESHOLDS",
    "DEFAULT_WINDOW_DAYS",
    "GAP_LEVELS",
    "LEVELS",
    "MAX_COVERAGE_PAIRS",
    "STATUSES",
    "MeasureInventory",
    "before_after_counts",
    "before_after_incidents",
    "buffer_ring",
    "buffer_rings",
    "coverage",
    "coverage_gaps",
    "coverage_level",
    "coverage_matrix",
    "for_display",
    "measure_card",
    "measure_coverage",
    "measure_sectors",
    "months_active",
    "partner_roles",
    "partner_suggestions",
    "perception_issues",
    "problem_card",
    "problem_coverage",
    "problem_walk_gaps",
    "registry",
    "registry_summary",
    "run",
    "sector_gaps",
    "sector_walk_counts",
    "sector_walk_gaps",
    "single_pillar",
    "status",
    "treated_area",
]
