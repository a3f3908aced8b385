"""Step 3 — effectiveness and relevance of the measures, current and future risks.

Did each measure work, and does it still aim at today's and tomorrow's risks?
A false "it worked" wastes a budget; a false "it failed" kills a good
programme. Every estimate therefore comes with its uncertainty, every verdict
with the numbers behind it, and small or unsuitable data are called what they
are ("too recent", "too few events", "not evaluable", with the reason). The
methods, their formulas and sources are in docs/methods.md.

Sections (one file each)
------------------------
- ``estimators``: the estimators, checked against published vectors —
  :func:`relative_effect_size`, :func:`overdispersion`, :func:`wdd`, :func:`wdq`
  (:func:`wdq_label`), :func:`total_net_effect`, :func:`treated_e_test`.
- ``design``: the data's period and the design of a before/after evaluation —
  :func:`data_period`, :func:`windows`, :func:`targeted`, :func:`design_areas`
  (treated, buffer and control areas), :func:`similar_trend_sectors`.
- ``area_counts``: :func:`monthly_area_counts`, the monthly counts of a
  measure's targeted incidents in its areas.
- ``decision``: the verdict rule, :func:`decide_verdict`, beside its
  thresholds (:data:`PROMISING_RES`, :data:`PROMISING_P`) and its wording
  (:func:`verdict_text`, :func:`caveat_text`).
- ``effects``: every estimate and the verdict of every measure —
  :func:`estimate_effects`, :func:`evaluate`, :func:`evaluate_measure`,
  :func:`buffer_sensitivity`.
- ``peak_demo``: why a measure placed at a peak looks effective —
  :func:`peak_demonstration` (pretend measures with no effect at the busiest
  cells, evaluated on the raw before/after estimate and on the corrected one),
  :func:`peak_summary` (the same in words), :data:`PEAK_COLUMNS`.
- ``time_series``: municipality-wide measures — :func:`interrupted_time_series`,
  :func:`its_for_measures`.
- ``targeting``: relevance — :func:`reach_matrix`, :func:`relevance`,
  :func:`pillar_balance`, :func:`relevance_flags`.
- ``risk``: current risk — :func:`current_risk` and its :class:`RiskScale`.
- ``forecast``: future risk — :func:`monthly_counts`, :func:`project`,
  :func:`backtest`, :func:`backtest_summary`.
- ``spatial_risk``: where the risk is — :func:`near_repeat_envelope`,
  :func:`near_repeat_risk`, :func:`risk_terrain`, :func:`risk_terrain_surface`.
- ``results``: the whole step — :func:`run`, which reads every tunable of
  step 3 from the config, and its result :class:`Evaluation` (``verdicts`` and
  ``summary`` for step 4 and the report).
- Internals shared by the files above: ``measure_set`` (the rules that pair
  measures: exclusions from a control, concurrent measures), ``count_models``
  (count regressions of the time series and the forecasts), ``_common`` (labels,
  months, points).

Design of a before/after evaluation
-----------------------------------
- **Windows.** A before window of ``window_months`` months ending the day the
  measure starts, and an after window of the same length starting
  ``lag_months`` after the start (the implementation lag is left out of both).
  A measure whose after window does not fit in the data is *too recent*; one
  whose before window starts before the data is *not evaluable*.
- **Areas.** Treated area A = the measure's footprint
  (:func:`diagnostic_lib.measures.treated_area`); buffer B = the ring of
  ``buffer_m`` metres around it, clipped to the municipality; control C = by
  default the rest of the municipality outside A and B, or sectors chosen by
  the user, or the ``similar_sectors`` sectors whose pre-period trend is the
  most similar (:func:`similar_trend_sectors`). With ``exclude_other_measures``
  the treated and buffer areas of **other** measures with a point, line or
  polygon footprint, aimed at the same categories and active during the
  windows, are removed from the control (an uncontaminated comparison); other
  measures overlapping the treated area during the windows are listed as a
  caveat (possible confounding).
- **Counts.** Located incidents of the measure's target categories (empty =
  all) and target shifts (empty = all; an event with no shift matches only an
  empty list), by their ``occurred_from``. Targeted incidents without a
  position cannot be placed in A, B or C: their number is reported.

The verdict
-----------
Crime counts are overdispersed (Marchant, 2005), so the verdict uses the
relative effect size (RES, Welsh & Farrington, 2007) with a **quasi-Poisson**
interval: ``Var(ln RES) = φ · (1/A0 + 1/A1 + 1/C0 + 1/C1)`` where
``φ = max(1, X²/df)`` is the Pearson dispersion (:func:`overdispersion`) of the
**pre-period monthly counts** of A and C — the before window and, where the
data allow, the months before it, up to ``dispersion_months`` in all — around
a model with an area effect and a month effect shared by the areas (the month
effect absorbs seasonality and common shocks); the interval uses Student's *t*
with those ``df`` degrees of freedom, at the level ``1 − alpha``. The interval
is never narrower than the Poisson one. :func:`decide_verdict` then gives the
first verdict whose rule holds (the thresholds are tunables of
:mod:`diagnostic_lib.settings`, set in ``[parameters]``):

==================  ==================================================================
verdict             rule
==================  ==================================================================
``not_evaluable``   no start date, planned, no footprint, municipality-wide (see the
                    interrupted time series), no before window in the data, or no
                    usable control area (the reason is given)
``too_recent``      the after window (``lag_months`` + ``window_months``) does not
                    fit in the data
``too_few``         fewer than ``min_events`` events in A (before + after), or no
                    event in the control in a window
``effective``       lower bound of the adjusted ``1 − alpha`` interval above 1
``adverse``         upper bound of the adjusted ``1 − alpha`` interval below 1
``promising``       RES ≥ ``promising_res`` (1.10, a relative fall of ~9 %) and adjusted
                    p-value < ``promising_p`` (0.20: the 80 % interval excludes 1), but
                    the ``1 − alpha`` interval includes 1: promising, inconclusive
``no_effect``       otherwise: no measurable effect (the text gives the range of
                    effects the data are compatible with)
==================  ==================================================================

Each measure is judged on its own pre-specified comparison (one test per
measure); Benjamini–Hochberg q-values across the measures are shown beside it.

Displacement: the controls of the WDD are scaled to the treated area's and the
buffer's before-window counts (C and D are then the same area), so that a large
control area does not swamp the variance; with that scaling ``WDD = −TNE`` and
the WDD's z is also the test of the total net effect. The WDQ has no interval:
:func:`buffer_sensitivity` shows how it moves with the ring's width.

Calibration (checked in the tests): on 200 regenerated samples, measures with
no planted effect were called "effective" in 0–1.5 % of cases (nominal 2.5 %),
and the effective measure (M01, planted RES 1/0.6) in about 90 %, its adjusted
interval covering the planted size in about 97 %.

Examples
--------
>>> from diagnostic_lib import evaluation
>>> r = evaluation.wdd(207, 110, 178, 157, 308, 318, 150, 140)
>>> round(r.wdd), round(r.z, 2)
(-118, -2.98)
>>> float(evaluation.wdq(100, 50, 100, 150, 100, 100))
-1.0
"""

from __future__ import annotations

from .area_counts import monthly_area_counts
from .decision import (
    CAVEAT_LABELS,
    PROMISING_P,
    PROMISING_RES,
    REASON_LABELS,
    REASONS,
    VERDICT_LABELS,
    VERDICTS,
    caveat_text,
    decide_verdict,
    verdict_text,
)
from .design import (
    AREAS,
    data_period,
    design_areas,
    similar_trend_sectors,
    targeted,
    windows,
)
from .effects import (
    MeasureResult,
    buffer_sensitivity,
    estimate_effects,
    evaluate,
    evaluate_measure,
)
from .estimators import (
    WDQ_LABELS,
    WDQ_READINGS,
    RESResult,
    WDDResult,
    overdispersion,
    relative_effect_size,
    total_net_effect,
    treated_e_test,
    wdd,
    wdq,
    wdq_label,
)
from .forecast import (
    TRUST_LABELS,
    TRUST_LEVELS,
    Projection,
    backtest,
    backtest_summary,
    monthly_counts,
    project,
)
from .peak_demo import PEAK_COLUMNS, peak_demonstration, peak_summary
from .results import DISPLAY_COLUMNS, VERDICT_COLUMNS, Evaluation, run
from .risk import (
    IMPACT_EDGES,
    LIKELIHOOD_EDGES,
    RISK_LEVEL_MAX,
    RISK_LEVELS,
    RiskScale,
    current_risk,
)
from .spatial_risk import (
    near_repeat_envelope,
    near_repeat_risk,
    risk_terrain,
    risk_terrain_surface,
)
from .targeting import FLAG_LABELS, FLAGS, pillar_balance, reach_matrix, relevance, relevance_flags
from .time_series import interrupted_time_series, its_for_measures

__all__ = [
    "AREAS",
    "CAVEAT_LABELS",
    "DISPLAY_COLUMNS",
    "FLAGS",
    "FLAG_LABELS",
    "IMPACT_EDGES",
    "LIKELIHOOD_EDGES",
    "PEAK_COLUMNS",
    "PROMISING_P",
    "PROMISING_RES",
    "REASONS",
    "REASON_LABELS",
    "RISK_LEVELS",
    "RISK_LEVEL_MAX",
    "TRUST_LABELS",
    "TRUST_LEVELS",
    "VERDICTS",
    "VERDICT_COLUMNS",
    "VERDICT_LABELS",
    "WDQ_LABELS",
    "WDQ_READINGS",
    "Evaluation",
    "MeasureResult",
    "Projection",
    "RESResult",
    "RiskScale",
    "WDDResult",
    "backtest",
    "backtest_summary",
    "buffer_sensitivity",
    "caveat_text",
    "current_risk",
    "data_period",
    "decide_verdict",
    "design_areas",
    "estimate_effects",
    "evaluate",
    "evaluate_measure",
    "interrupted_time_series",
    "its_for_measures",
    "monthly_area_counts",
    "monthly_counts",
    "near_repeat_envelope",
    "near_repeat_risk",
    "overdispersion",
    "peak_demonstration",
    "peak_summary",
    "pillar_balance",
    "project",
    "reach_matrix",
    "relative_effect_size",
    "relevance",
    "relevance_flags",
    "risk_terrain",
    "risk_terrain_surface",
    "run",
    "similar_trend_sectors",
    "targeted",
    "total_net_effect",
    "treated_e_test",
    "verdict_text",
    "wdd",
    "wdq",
    "wdq_label",
    "windows",
]
