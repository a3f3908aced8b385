"""The tunables of step 3 (effectiveness, relevance, current and future risks).

Part of :data:`diagnostic_lib.tunables.TUNABLES` (this file keeps the table's
largest section apart).

Examples
--------
>>> EVALUATION[0].name, EVALUATION[0].step
('window_months', 'evaluation')
"""

from __future__ import annotations

from .entry import Tunable

EVALUATION: tuple[Tunable, ...] = (
    Tunable(
        "window_months",
        12,
        int,
        "evaluation",
        "Length of the before and after windows of an evaluation (months).",
        minimum=1,
        maximum=120,
    ),
    Tunable(
        "lag_months",
        0,
        int,
        "evaluation",
        "Months left out after a measure starts, before its after-window opens.",
        minimum=0,
        maximum=60,
    ),
    Tunable(
        "min_events",
        10,
        int,
        "evaluation",
        "Fewest events in the treated area (before and after windows together) for a verdict "
        "other than 'too few events'; also the fewest events of a group whose change is tested.",
        minimum=0,
    ),
    Tunable(
        "alpha",
        0.05,
        float,
        "evaluation",
        "Significance level of the two-sided tests.",
        minimum=1e-6,
        maximum=0.5,
    ),
    Tunable(
        "promising_res",
        1.10,
        float,
        "evaluation",
        "Smallest corrected relative effect size (RES) called 'inconclusive, favourable "
        "direction' (1.10: a relative fall of about 9 %); never counted as a success.",
        minimum=1.0,
    ),
    Tunable(
        "promising_p",
        0.20,
        float,
        "evaluation",
        "Largest two-sided p-value called 'inconclusive, favourable direction' (0.20: the "
        "80 % interval excludes 1).",
        minimum=0.0,
        maximum=1.0,
    ),
    Tunable(
        "backtest_origins",
        3,
        int,
        "evaluation",
        "Origins of the rolling backtest of the projections (3 months apart): the trust rule "
        "reads the coverage of months and of 12-month totals over all of them.",
        minimum=1,
        maximum=24,
    ),
    Tunable(
        "backtest_max_sectors",
        200,
        int,
        "evaluation",
        "Most sectors the backtest holds out (drawn at random, seeded, when there are more; "
        "every sector is still projected): 200 sectors × 3 origins × 12 months judge the "
        "accuracy as precisely as all of them would, at a fraction of the simulations.",
        minimum=2,
    ),
    Tunable(
        "history_months",
        24,
        int,
        "evaluation",
        "Months of history before the before window that the corrected estimate compares the "
        "after window with (regression to the mean: measures go where counts just peaked).",
        minimum=6,
        maximum=120,
    ),
    Tunable(
        "min_history_months",
        12,
        int,
        "evaluation",
        "Fewest months of history for a verdict; with less the verdict is 'inconclusive: too "
        "little history'.",
        minimum=1,
        maximum=120,
    ),
    Tunable(
        "placebos",
        60,
        int,
        "evaluation",
        "Placebo places (copies of the measure's zone elsewhere, clear of every measure acting "
        "on the same categories) kept "
        "for the null distribution: those nearest the treated area in level.",
        minimum=5,
        maximum=1000,
    ),
    Tunable(
        "min_placebos",
        20,
        int,
        "evaluation",
        "Fewest placebo places for a verdict; with fewer the verdict is 'inconclusive: too "
        "little history'.",
        minimum=2,
    ),
    Tunable(
        "rtm_alpha",
        0.10,
        float,
        "evaluation",
        "One-sided level at which a before window stands out from its history (possible "
        "regression to the mean).",
        minimum=0.001,
        maximum=0.5,
    ),
    Tunable(
        "effect_margin",
        0.10,
        float,
        "evaluation",
        "A fall larger than this share is ruled out when the interval excludes it ('effect "
        "ruled out'); step 4 treats only that verdict as evidence against a response.",
        minimum=0.01,
        maximum=0.9,
    ),
    Tunable(
        "dispersion_months",
        24,
        int,
        "evaluation",
        "Months of the pre-period (the before window and, as the data allow, the months "
        "before it) from which the overdispersion of the monthly counts is estimated.",
        minimum=2,
        maximum=240,
    ),
    Tunable(
        "exceptional_month_alpha",
        0.01,
        float,
        "evaluation",
        "Family-wise level at which one month of a measure's before or after window is "
        "exceptional (a mass event in the treated area, three times its prediction at least): "
        "the treated area's count of that month is set to what the other months of its window "
        "predict from the control, and the caveats say so. 0: no screening.",
        minimum=0.0,
        maximum=0.2,
    ),
    Tunable(
        "control",
        "rest",
        str,
        "evaluation",
        "Control area of a before/after evaluation: the rest of the municipality ('rest'), "
        "the sectors whose pre-period trend is the most similar to the treated area's "
        "('similar'), or those whose before-window level (events per km²) is the closest "
        "('level': level-matched, against regression to the mean).",
        choices=("rest", "similar", "level"),
    ),
    Tunable(
        "similar_sectors",
        3,
        int,
        "evaluation",
        "Number of sectors in a control chosen by similar trend or level "
        "(control = 'similar' or 'level').",
        minimum=1,
    ),
    Tunable(
        "exclude_other_measures",
        True,
        bool,
        "evaluation",
        "Leave out of a measure's control the areas and rings of the other measures aimed at "
        "the same categories during its windows.",
    ),
    Tunable(
        "its_min_months",
        12,
        int,
        "evaluation",
        "Fewest complete months on each side of a municipality-wide measure's start for an "
        "interrupted time series.",
        minimum=3,
    ),
    Tunable(
        "relevance_min_reach",
        0.2,
        float,
        "evaluation",
        "Share of a problem's incidents a measure must be able to reach (right problem, place "
        "and time) to serve that problem.",
        minimum=0.0,
        maximum=1.0,
    ),
    Tunable(
        "relevance_top_problems",
        3,
        int,
        "evaluation",
        "How many of the top priority problems are checked for a measure in place that serves "
        "them well.",
        minimum=1,
    ),
    Tunable(
        "pillar_under",
        0.5,
        float,
        "evaluation",
        "A pillar of community policing is under-represented when its share of the active "
        "measures (or of their cost) is below this multiple of the even share.",
        minimum=0.0,
        maximum=1.0,
    ),
    Tunable(
        "pillar_over",
        2.0,
        float,
        "evaluation",
        "A pillar is over-represented above this multiple of the even share.",
        minimum=1.0,
    ),
    Tunable(
        "likelihood_edges",
        {"class_2": 1.0, "class_3": 5.0, "class_4": 20.0, "class_5": 100.0},
        dict,
        "evaluation",
        "Expected events per year from which a sector and family is in each likelihood class "
        "of the risk matrix (below class_2: class 1); increasing.",
        minimum=0,
        keys=("class_2", "class_3", "class_4", "class_5"),
    ),
    Tunable(
        "impact_edges",
        {"class_2": 10.0, "class_3": 30.0, "class_4": 100.0, "class_5": 500.0},
        dict,
        "evaluation",
        "Mean severity weight from which a sector and family is in each impact class of the "
        "risk matrix (below class_2: class 1); increasing.",
        minimum=0,
        keys=("class_2", "class_3", "class_4", "class_5"),
    ),
    Tunable(
        "risk_level_max",
        {"low": 4, "moderate": 9, "high": 15},
        dict,
        "evaluation",
        "Highest risk score (likelihood class × impact class, 1–25) of each level of the risk "
        "matrix; above 'high' the risk is 'very high'; increasing.",
        minimum=1,
        maximum=25,
        keys=("low", "moderate", "high"),
    ),
    Tunable(
        "forecast_horizon",
        12,
        int,
        "evaluation",
        "Months projected ahead, and held out by the backtest.",
        minimum=1,
        maximum=60,
    ),
    Tunable(
        "forecast_level",
        0.9,
        float,
        "evaluation",
        "Level of the projections' prediction intervals.",
        minimum=0.5,
        maximum=0.999,
    ),
    Tunable(
        "forecast_simulations",
        1000,
        int,
        "evaluation",
        "Simulated paths behind the projections' prediction intervals.",
        minimum=10,
    ),
    Tunable(
        "forecast_min_events",
        24,
        int,
        "evaluation",
        "Fewest events of a group for a projection with a trend (fewer: a constant level).",
        minimum=0,
    ),
    Tunable(
        "forecast_min_months",
        24,
        int,
        "evaluation",
        "Fewest months of history for a projection with a trend (fewer: a constant level).",
        minimum=3,
    ),
    Tunable(
        "seasonality_p",
        0.05,
        float,
        "evaluation",
        "A projection keeps its seasonal terms when their joint Wald test has a p-value at "
        "most this.",
        minimum=0.0,
        maximum=1.0,
    ),
    Tunable(
        "emerging_min_events",
        10.0,
        float,
        "evaluation",
        "Fewest events projected over the horizon for a significant rising trend to be called "
        "an emerging risk.",
        minimum=0,
    ),
    Tunable(
        "backtest_min_skill",
        0.10,
        float,
        "evaluation",
        "Smallest skill against the naive forecast (1 − MAE ratio) for a projection to be trusted.",
        maximum=1.0,
    ),
    Tunable(
        "backtest_coverage_tolerance",
        0.10,
        float,
        "evaluation",
        "Largest gap between the backtest's interval coverage and its nominal level for a "
        "projection to be trusted.",
        minimum=0.0,
        maximum=1.0,
    ),
    Tunable(
        "near_repeat_min_ratio",
        1.2,
        float,
        "evaluation",
        "Smallest Knox ratio of a distance × time band of elevated near-repeat risk (with its "
        "p-value at most alpha).",
        minimum=1.0,
    ),
    Tunable(
        "risk_terrain_distance_m",
        150.0,
        float,
        "evaluation",
        "A grid cell is near a place when the place lies within this distance (m) of the "
        "cell's centre (risk terrain).",
        minimum=1,
    ),
    Tunable(
        "risk_terrain_min_cells",
        3,
        int,
        "evaluation",
        "Fewest cells near a kind of place for its relative risk to be estimated.",
        minimum=1,
    ),
    Tunable(
        "risk_terrain_shifts",
        99,
        int,
        "evaluation",
        "Rigid shifts of the places across the grid that measure how much the spatial "
        "clustering of incidents and places widens each risk factor's interval (0: the "
        "model's standard errors alone, too narrow when incidents cluster).",
        minimum=0,
        maximum=9999,
    ),
)
