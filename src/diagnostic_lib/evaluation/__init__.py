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
- ``exceptional``: one month of a mass event in the treated area, found
  (:func:`~.exceptional.exceptional_month`) and counted at its prediction
  (:func:`~.exceptional.screened`) before any window sum.
- ``decision``: the verdict rule, :func:`decide_verdict`, beside its
  thresholds (:class:`Rule`, :data:`PROMISING_RES`, :data:`PROMISING_P`) and its
  wording (:func:`verdict_text`, :func:`caveat_text`).
- ``placebos``, ``placebo_places``, ``placebo_design``: the placebo-based
  inference — the history-corrected estimate, placebo places and dates, the
  null distribution (:class:`PlaceboOptions`, :func:`placebo_tables`).
- ``effects``: every estimate and the verdict of every measure —
  :func:`estimate_effects`, :func:`evaluate`, :func:`evaluate_measure`,
  :func:`evaluate_registered` (each measure with its own pre-registered design),
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
  :func:`backtest`, :func:`backtest_summary`, :func:`backtest_findings`.
- ``spatial_risk``: where the risk is — :func:`near_repeat_envelope`,
  :func:`near_repeat_risk`, :func:`risk_terrain`, :func:`risk_terrain_surface`,
  :func:`high_risk_cells`.
- ``ahead``: the measures' placebo placements, computed from the measures and
  sectors alone (:func:`~.ahead.placements_ahead`), so that the worker process
  can compute them while this one works when the incidents are too many to be
  sent to it.
- ``results``: the whole step — :func:`run`, which reads every tunable of
  step 3 from the config, and its result :class:`Evaluation` (``verdicts`` and
  ``summary`` for step 4 and the report); :func:`start`, which sends the jobs
  that read nothing of step 2 to the worker before step 2 (province scale).
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
  the treated and buffer areas of **other** measures with a point, line,
  polygon or sectors footprint, aimed at the same categories and active during
  the windows, are removed from the control (an uncontaminated comparison); a
  municipality-wide measure cannot be removed and other measures overlapping
  the treated area during the windows are listed as a caveat (possible
  confounding).
- **Counts.** Located incidents of the measure's target categories (empty =
  all) and target shifts (empty = all; an event with no shift matches only an
  empty list), by their ``occurred_from``. Targeted incidents without a
  position cannot be placed in A, B or C: their number is reported.

The verdict
-----------
Real crime series persist from month to month, and measures go where counts
have just peaked: an interval that treats months as independent calls a
measure with no effect "effective" far too often. The verdict therefore rests
on **placebo-based inference** (``placebos``, ``placebo_places``,
``placebo_design``; docs/methods.md, *Placebo-based inference*): the after
window is compared with the **history** before the before window (regression
to the mean), and the estimate is judged against the same estimator on
level-matched **placebo places** (copies of the measure's zone elsewhere, clear
of every measure) and **placebo dates** (the design shifted back); the
quasi-Poisson interval of the raw estimate is only a lower bound on the
uncertainty. Q-values are Benjamini–Hochberg across every measure judged; a
measure with a ``[designs.<id>]`` table is evaluated with that pre-registered
design only. :func:`decide_verdict` gives the first verdict whose rule holds
(thresholds: tunables of :mod:`diagnostic_lib.settings`):

==========================  ==========================================================
verdict                     rule
==========================  ==========================================================
``not_evaluable``           a target category without a code (``targets_unmapped``),
                            no start date, planned, no footprint, municipality-wide
                            (see the interrupted time series), no before window in
                            the data, or no usable control area (the reason is given)
``too_recent``              the after window does not fit in the data
``too_few``                 fewer than ``min_events`` events in A (before + after), or
                            no event in the control in a window
``too_little_history``      fewer than ``min_history_months`` of history or fewer
                            than ``min_placebos`` placebo places
``adverse``                 q < ``alpha`` and a corrected RES below 1
``offset_by_displacement``  q < ``alpha`` and a corrected RES above 1, but the treated
                            area and its ring together did not fall
``effective``               q < ``alpha`` and a corrected RES above 1
``effect_ruled_out``        the interval excludes a fall larger than ``effect_margin``
``inconclusive_favourable`` corrected RES ≥ ``promising_res`` and p < ``promising_p``
                            (never counted as a success)
``inconclusive``            otherwise: too little data to say
==========================  ==========================================================

Displacement: a WDQ reading (with its interval) only when the treated area's
change and the ring's change each stand out from noise; else "not assessable".
The net effect (treated area and ring) has its own placebo-based interval.

Calibration: ``make calibrate`` (``benchmarks/CALIBRATION.md``) measures the
false "effective" and "adverse" rates, the coverage of planted effects and the
power on simulated towns (:mod:`diagnostic_lib.calibration`).

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
    AGAINST,
    CAVEAT_LABELS,
    JUDGED,
    PROMISING_P,
    PROMISING_RES,
    REASON_LABELS,
    REASONS,
    SUCCESS,
    VERDICT_LABELS,
    VERDICTS,
    Rule,
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
    evaluate_registered,
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
    backtest_findings,
    backtest_summary,
    monthly_counts,
    project,
)
from .measure_session import MeasureSession
from .peak_demo import PEAK_COLUMNS, peak_demonstration, peak_summary
from .placebos import PlaceboOptions, placebo_tables
from .results import DISPLAY_COLUMNS, VERDICT_COLUMNS, Evaluation, Started, run, start
from .risk import (
    IMPACT_EDGES,
    LIKELIHOOD_EDGES,
    RISK_LEVEL_MAX,
    RISK_LEVELS,
    RiskScale,
    current_risk,
)
from .spatial_risk import (
    high_risk_cells,
    near_repeat_envelope,
    near_repeat_risk,
    risk_terrain,
    risk_terrain_surface,
)
from .targeting import FLAG_LABELS, FLAGS, pillar_balance, reach_matrix, relevance, relevance_flags
from .time_series import interrupted_time_series, its_for_measures

__all__ = [
    "AGAINST",
    "AREAS",
    "JUDGED",
    "SUCCESS",
    "PlaceboOptions",
    "Rule",
    "placebo_tables",
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
    "backtest_findings",
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
    "MeasureSession",
    "evaluate_registered",
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
    "high_risk_cells",
    "risk_terrain_surface",
    "run",
    "start",
    "Started",
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
