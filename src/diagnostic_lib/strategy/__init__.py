"""Step 4 — intervention strategies and the action plan.

For each priority problem the strategy builder ranks candidate responses from
the **evidence catalogue** (``data/evidence_catalogue.toml``: 37 response types,
in French and English, in the spirit of EMMIE — effect, mechanism, moderators,
implementation, economic cost — with the public source named), by:

========================  ============================================================
component                 how it is scored (0–1)
========================  ============================================================
``fit``                   family/category (50 %), place type (30 %) and time pattern
                          (20 %) of the problem against the response's targets;
                          a generic response (many families or place types) fits
                          less than a specific one
``evidence``              effect direction × strength × quality of the evidence ×
                          its basis (1 systematic review, 0.75 evaluation, 0.5
                          practice-based, with strength and quality of a
                          practice-based entry capped at unknown / very low)
``in_place``              1 when nothing of that kind already addresses the problem;
                          0.6 when it does but its effect is unknown/inconclusive;
                          0.3 when it is judged effective (keep it, rather than add);
                          0 when it was judged ineffective or adverse
``pillar_balance``        1 when the response brings a pillar the problem's current
                          measures lack, else 0.5
``partners``              1 when a partner with the expertise the response needs
                          serves the problem's sectors; 0 when it needs one and none
                          does; 0.5 when it needs none
========================  ============================================================

``score = Σ weight × component / Σ weight`` (default weights 0.35, 0.30, 0.15,
0.10, 0.10: :data:`DEFAULT_RESPONSE_WEIGHTS`, the ``response_weights`` tunable;
``DEFAULT_WEIGHTS`` is its deprecated old name). Every tunable of the step
(weights, minimum fit, number of problems and responses, expected reductions,
implementation lag, power) is in :mod:`diagnostic_lib.settings` and is set in
``[parameters]`` of ``diagnostic.toml``; :func:`run` reads them from the config.

The analyst accepts or edits the choice (:func:`choose`), then
:func:`action_plan` writes a SMART objective for each chosen response
(indicator, baseline from the data, target, deadline), its owner, partners and
resources, monitoring indicators, a re-evaluation date, a pre-registered
evaluation design in step 3's terms, and a power check (the minimum detectable
effect given the baseline counts). :func:`save_plan` writes it as JSON (read by
the next diagnosis with :func:`read_plan`), ``.xlsx`` and ``plan.toml``.

The plan is a **living record** (``record``): each action carries its target
areas and categories, its evaluation design, fixed (pre-registered) the day the
plan is saved, and its implementation indicators (planned and done values, unit,
who reports them). ``plan.toml`` is edited by hand as the actions run, and
:func:`read_plan` reads it back without losing a field; :func:`fidelity` sets
planned against done, and calls an action below ``fidelity_share`` of its
planned dose "not implemented as planned".

Where things are:

=================  ==========================================================
module             what it holds
=================  ==========================================================
``catalogue``      the catalogue's codes, :func:`load_catalogue`, the evidence
                   score and sentence
``fit``            each problem's profile and the ``fit`` component
``ranking``        :func:`rank_responses` (the five components and their
                   weights), :func:`choose`, :func:`current_measures`
``power``          :func:`minimum_detectable_effect`
``plan``           :func:`action_plan`, :func:`save_plan`, :func:`read_plan`
``record``         ``plan.toml``: :func:`write_plan_toml`, :func:`read_plan_toml`,
                   :func:`evaluation_design`, :func:`default_indicators`
``fidelity``       :func:`fidelity` (planned against done), :func:`fidelity_label`
``step``           :class:`Strategy` and :func:`run` (the whole step),
                   :func:`current_from_steps` (in place after steps 2, 3)
=================  ==========================================================

Examples
--------
>>> from diagnostic_lib import strategy
>>> cat = strategy.load_catalogue()
>>> 30 <= len(cat) <= 40
True
>>> cat.loc["street_lighting", "pillars"]
('prevention',)
"""

from __future__ import annotations

from .catalogue import (
    COSTS,
    DIRECTIONS,
    EVIDENCE_BASES,
    FAMILY_CODES,
    LEVEL_LABELS,
    LIST_FIELDS,
    PLACE_TYPES,
    QUALITIES,
    REQUIRED,
    STRENGTHS,
    TIME_PATTERNS,
    evidence_score,
    evidence_text,
    load_catalogue,
)
from .fidelity import FIDELITY_STATUSES, fidelity, fidelity_label
from .fit import FACILITY_PLACE, SHIFT_TIME, WALK_RESPONSE_KINDS, problem_profile, walk_bonus
from .plan import EXPECTED_REDUCTION, action_plan, read_plan, save_plan
from .power import minimum_detectable_effect
from .ranking import (
    DEFAULT_RESPONSE_WEIGHTS,
    DEFAULT_WEIGHTS,  # deprecated alias of DEFAULT_RESPONSE_WEIGHTS
    choose,
    current_measures,
    rank_responses,
)
from .record import (
    INDICATOR_KINDS,
    SCHEMA_VERSION,
    default_indicators,
    evaluation_design,
    read_plan_toml,
    write_plan_toml,
)
from .step import Strategy, current_from_steps, run

__all__ = [
    "COSTS",
    "DEFAULT_RESPONSE_WEIGHTS",
    "DEFAULT_WEIGHTS",
    "DIRECTIONS",
    "EVIDENCE_BASES",
    "EXPECTED_REDUCTION",
    "FACILITY_PLACE",
    "FAMILY_CODES",
    "FIDELITY_STATUSES",
    "INDICATOR_KINDS",
    "LEVEL_LABELS",
    "LIST_FIELDS",
    "PLACE_TYPES",
    "QUALITIES",
    "REQUIRED",
    "SCHEMA_VERSION",
    "SHIFT_TIME",
    "WALK_RESPONSE_KINDS",
    "STRENGTHS",
    "TIME_PATTERNS",
    "Strategy",
    "action_plan",
    "choose",
    "current_from_steps",
    "current_measures",
    "default_indicators",
    "evaluation_design",
    "evidence_score",
    "evidence_text",
    "fidelity",
    "fidelity_label",
    "load_catalogue",
    "minimum_detectable_effect",
    "problem_profile",
    "walk_bonus",
    "rank_responses",
    "read_plan",
    "read_plan_toml",
    "run",
    "save_plan",
    "write_plan_toml",
]
