"""The table of tunables: every tunable of the analysis, its default, type, bounds and meaning.

The data of :mod:`diagnostic_lib.settings` (which reads, validates and documents
them): one entry per tunable, grouped by the step that reads it. Add a tunable
here (step 3's in ``evaluation.py``, each a :class:`~.entry.Tunable`);
``python -m diagnostic_lib.settings docs/methods.md docs/config.md`` regenerates
the documented table.

Examples
--------
>>> TUNABLES["grid_cell_m"].default, TUNABLES["grid_cell_m"].step
(200.0, 'inventory')
"""

from __future__ import annotations

from .entry import Tunable
from .evaluation import EVALUATION

__all__ = ["TUNABLES", "Tunable"]


def _table(*entries: Tunable) -> dict[str, Tunable]:
    out: dict[str, Tunable] = {}
    for e in entries:
        if e.name in out:
            raise RuntimeError(f"tunable {e.name!r} defined twice")
        out[e.name] = e
    return out


# Each section belongs to one step; keep the entries of a step together.
TUNABLES: dict[str, Tunable] = _table(
    # --- loaders -------------------------------------------------------------------------
    Tunable(
        "snap_tolerance_m",
        50.0,
        float,
        "loaders",
        "Points outside every sector but within this distance (m) are snapped to the "
        "nearest sector (and flagged).",
        minimum=0,
    ),
    Tunable(
        "outside",
        "reject",
        str,
        "loaders",
        "What to do with incidents whose point lies outside the municipality (beyond the "
        "snap tolerance): reject the row, or flag it and keep it without a position.",
        choices=("reject", "flag"),
    ),
    Tunable(
        "future_tolerance_h",
        0.0,
        float,
        "loaders",
        "Incidents that start up to this many hours after 'now' are kept (a clock or time-zone "
        "offset of the export); later ones are rejected as dates in the future.",
        minimum=0,
        maximum=24 * 31,
    ),
    Tunable(
        "gap_min_monthly",
        3.0,
        float,
        "loaders",
        "A month without any incident is a gap in the data ('no data', not zero crime) when "
        "the months of the same data average at least this many incidents; gaps are listed in "
        "the ledger and left out of seasonality, forecasts, change and evaluation windows.",
        minimum=0,
    ),
    Tunable(
        "max_population_density",
        60_000.0,
        float,
        "loaders",
        "Residents per km² above which a sector's population is flagged as implausible (a "
        "population read in the wrong unit, or a sector polygon far too small). The densest "
        "city districts in the world hold about 50,000 per km²; the value is kept, only flagged.",
        minimum=0,
    ),
    Tunable(
        "sector_overlap_share",
        0.01,
        float,
        "loaders",
        "Share of the smaller sector's area above which two overlapping sectors are flagged (both "
        "rows, with the overlapping area): their residents and incidents would be counted twice. "
        "Slivers below it are digitising noise.",
        minimum=0.0,
        maximum=1.0,
    ),
    Tunable(
        "max_rejected_share",
        0.05,
        float,
        "loaders",
        "Largest share of a file's rows that may be rejected: above it, or when a file keeps "
        "no row, `validate` fails (exit code 3) and names the file.",
        minimum=0.0,
        maximum=1.0,
    ),
    Tunable(
        "timezone",
        "America/Toronto",
        str,
        "loaders",
        "Time zone of the diagnosis (an IANA name): dates written with a UTC offset "
        "(2024-05-02T14:00:00Z, -04:00) are converted to it; dates without one are taken to be "
        "in it already. Québec follows America/Toronto.",
        zone=True,
    ),
    # --- inventory (step 1) ---------------------------------------------------------------
    Tunable(
        "grid_cell_m",
        200.0,
        float,
        "inventory",
        "Side of the grid cells (m) used for hot spots, concentration and densities.",
        minimum=10,
    ),
    Tunable(
        "walk_reach_m",
        25.0,
        float,
        "inventory",
        "How far (m) beyond a problem's area a safety-walk observation still counts in it.",
        minimum=0,
        maximum=500,
    ),
    Tunable(
        "priority_weights",
        {
            "rate": 0.25,
            "severity": 0.25,
            "trend": 0.15,
            "hotspot": 0.15,
            "concern": 0.15,
            "vulnerability": 0.05,
        },
        dict,
        "inventory",
        "Weights of the priority score's components (they need not sum to 1; the score "
        "divides by the sum of the weights of the components available for a problem). A "
        "component no problem has (no population: no rate; no survey: no concern) is left "
        "out and the others' weights are divided by their sum.",
        minimum=0,
        keys=("rate", "severity", "trend", "hotspot", "concern", "vulnerability"),
    ),
    Tunable(
        "min_problem_events",
        20,
        int,
        "inventory",
        "Events in the last 12 months below which a problem is listed but not ranked "
        "(``rank`` empty, status 'too few events to rank'). Below about 20 events a year, "
        "the Poisson noise of a count (±2√n, over ±45 % at 20) is as large as the "
        "differences the score ranks, the trend test has no power, and a few serious "
        "events give a top severity: 13 robberies would head a city's list. (Not "
        "problem_min_events, the fewest events that form a problem at all.)",
        minimum=0,
    ),
    Tunable(
        "interval_level",
        0.95,
        float,
        "inventory",
        "Confidence level of the intervals of step 1 (rates, severity index, shift shares, "
        "perception).",
        minimum=0.5,
        maximum=0.999,
    ),
    Tunable(
        "hot_spot_neighbourhood",
        "queen",
        str,
        "inventory",
        "Neighbours of a grid cell in Gi*: the cells sharing an edge or a corner (queen) or "
        "only an edge (rook).",
        choices=("queen", "rook"),
    ),
    Tunable(
        "hot_spot_permutations",
        0,
        int,
        "inventory",
        (
            "Conditional permutations for the Gi* p-values; 0 uses the normal approximation "
            "(with skewed cell counts it reports single busy cells as hot spots: confirm a map of "
            "clusters with 9999; with 999 and hundreds of cells, Benjamini-Hochberg can pass no "
            "cluster of fewer than about 13 cells)."
        ),
        minimum=0,
        maximum=9999,
    ),
    Tunable(
        "permutation_seed",
        12345,
        int,
        "inventory",
        "Seed of the random draws of step 1 (Gi* and Knox permutations, Knox sampling), so "
        "that a run can be repeated exactly.",
        minimum=0,
    ),
    Tunable(
        "kde_bandwidth_m",
        300.0,
        float,
        "inventory",
        "Radius (m) of the quartic kernel of the density surface.",
        minimum=1,
    ),
    Tunable(
        "emerging_slice",
        "quarter",
        str,
        "inventory",
        "Length of a time slice of the emerging hot spots: each slice gets its own Gi*, and "
        "each cell's series of Gi* z-scores its Mann–Kendall trend test.",
        choices=("year", "quarter"),
    ),
    Tunable(
        "emerging_min_slices",
        5,
        int,
        "inventory",
        "Fewer time slices than this and every cell of the emerging hot spots is 'not enough "
        "data' (with fewer than 5 values the Mann–Kendall test cannot reach 5 % significance; "
        "Esri advises 10 or more).",
        minimum=3,
    ),
    Tunable(
        "emerging_alpha",
        0.10,
        float,
        "inventory",
        "Level (Benjamini–Hochberg q-value, within each slice) below which a cell of a slice "
        "is a hot or cold spot in the emerging hot spots (0.10: Esri's 90 % bins, the "
        "'hot spot (90%)' class of the hot-spot map).",
        minimum=0.001,
        maximum=0.5,
    ),
    Tunable(
        "emerging_trend_alpha",
        0.05,
        float,
        "inventory",
        "Level of the Mann–Kendall test that makes an emerging hot (cold) spot intensifying "
        "or diminishing.",
        minimum=0.001,
        maximum=0.5,
    ),
    Tunable(
        "knox_categories",
        "burglary",
        str,
        "inventory",
        "Category codes (separated by commas) whose near repeats the Knox test looks for.",
    ),
    Tunable(
        "knox_permutations",
        499,
        int,
        "inventory",
        "Permutations of the event times giving the Knox test's expected counts (the "
        "smallest p-value is 1/(n+1): 499 lets a band pass the Benjamini-Hochberg "
        "correction across the bands, 16 by default).",
        minimum=0,
        maximum=9999,
    ),
    Tunable(
        "knox_distance_m",
        100.0,
        float,
        "inventory",
        "Width (m) of the first distance band of the Knox test; each next band doubles "
        "(0–100, 100–200, 200–400, 400–800 m by default).",
        minimum=1,
    ),
    Tunable(
        "knox_days",
        7.0,
        float,
        "inventory",
        "Width (days) of the first time band of the Knox test; each next band doubles "
        "(0–7, 7–14, 14–28, 28–56 days by default).",
        minimum=0.01,
    ),
    Tunable(
        "knox_bands",
        4,
        int,
        "inventory",
        "Number of distance bands and of time bands of the Knox test.",
        minimum=1,
        maximum=12,
    ),
    Tunable(
        "knox_max_events",
        20000,
        int,
        "inventory",
        "Above this many located events, the Knox test uses a seeded random sample of them.",
        minimum=100,
    ),
    Tunable(
        "knox_block_days",
        182.0,
        float,
        "inventory",
        "The Knox test shuffles the event times within blocks of this many days (at least the "
        "largest time band), so that where crime happens may change slowly (a new hot place in "
        "year 2) without reading as near repeats; 0 shuffles them over the whole period. "
        "Shorter blocks follow faster changes and dilute the ratios more (a planted near "
        "repeat: 19 over the whole period, 8.7 in half-years, 5.2 in quarters).",
        minimum=0.0,
    ),
    Tunable(
        "knox_max_pairs",
        4_000_000,
        int,
        "inventory",
        "Above this many pairs of events within the Knox test's largest distance, the test "
        "uses a seeded random sample of the events that forms about this many pairs (its "
        "work is pairs × permutations, and pairs grow with the square of the events in a "
        "dense town).",
        minimum=1000,
    ),
    Tunable(
        "change_months",
        12,
        int,
        "inventory",
        "Length (months) of the last and previous windows compared for change over time.",
        minimum=1,
        maximum=60,
    ),
    Tunable(
        "change_min_events",
        10,
        int,
        "inventory",
        "Fewest events in the last and previous windows together for a change label other "
        "than too_few.",
        minimum=0,
    ),
    Tunable(
        "repeat_min_count",
        3,
        int,
        "inventory",
        "Fewest incidents at one location (to the metre) for a repeat location.",
        minimum=2,
    ),
    Tunable(
        "repeat_top",
        20,
        int,
        "inventory",
        "Repeat locations listed.",
        minimum=1,
    ),
    Tunable(
        "repeat_facility_m",
        50.0,
        float,
        "inventory",
        "A repeat location is named after the nearest facility within this distance (m).",
        minimum=0,
    ),
    Tunable(
        "unsafe_at_most",
        2.0,
        float,
        "inventory",
        "Survey scores of the feeling of safety (1 = very unsafe … 5 = very safe) at or "
        "below this count as feeling unsafe.",
        minimum=1,
        maximum=5,
    ),
    Tunable(
        "problem_min_events",
        30,
        int,
        "inventory",
        "Fewest events of a problem (at least this, and problem_events_per_year a year over "
        "the span of the data). A problem found may still be left unranked: see "
        "min_problem_events, the events of the last 12 months needed to rank it.",
        minimum=1,
    ),
    Tunable(
        "problem_events_per_year",
        15.0,
        float,
        "inventory",
        "Fewest events a year of a problem, over the span of the data (0: only "
        "problem_min_events counts).",
        minimum=0,
    ),
    Tunable(
        "max_problem_extent_m",
        1500.0,
        float,
        "inventory",
        "Largest extent (metres across, the longer side of its bounding box) of a place "
        "problem: a cluster of contiguous hot cells wider than this is split along its longer "
        "side until each part fits, so that a city's hot downtown is several named problems, "
        "not one blob over many districts.",
        minimum=0,
    ),
    Tunable(
        "problem_split_sectors",
        True,
        bool,
        "inventory",
        "Split clusters of hot cells along sector boundaries, so that each place problem lies "
        "in one sector (the one holding its cells' centres) and has one district responsible.",
    ),
    Tunable(
        "problem_place_name_m",
        400.0,
        float,
        "inventory",
        "A place problem's title names the nearest named place (of the places table) within "
        "this distance (metres) of its centre, so that two problems of one sector read apart.",
        minimum=0,
    ),
    Tunable(
        "fate_match_m",
        1000.0,
        float,
        "inventory",
        "Follow-up: largest distance (metres) between the centres of a previous and a new "
        "located problem that can still be the same problem.",
        minimum=0,
    ),
    Tunable(
        "fate_move_m",
        200.0,
        float,
        "inventory",
        "Follow-up: a matched problem whose centre moved farther than this (metres), and "
        "overlaps its old area by less than fate_move_overlap, has moved.",
        minimum=0,
    ),
    Tunable(
        "fate_move_overlap",
        0.5,
        float,
        "inventory",
        "Follow-up: overlap (intersection over union) of old and new areas under which a "
        "problem that moved farther than fate_move_m has moved.",
        minimum=0,
        maximum=1.0,
    ),
    Tunable(
        "fate_alpha",
        0.05,
        float,
        "inventory",
        "Follow-up: significance level of a matched problem's change in its last 12 months "
        "(negative binomial z, its spread estimated around the problems' shared change): "
        "below it, the problem has grown or shrunk.",
        minimum=0,
        maximum=1.0,
    ),
    Tunable(
        "fate_min_events",
        10,
        int,
        "inventory",
        "Follow-up: under this many events in both periods together, a matched problem's "
        "change is not tested (too few to say).",
        minimum=0,
    ),
    Tunable(
        "problem_similarity",
        0.8,
        float,
        "inventory",
        "Cosine similarity of hour-of-week profiles above which families (in a hot-spot "
        "cluster) or categories (in adjacent sectors) form one problem.",
        minimum=0,
        maximum=1,
    ),
    Tunable(
        "problem_min_ratio",
        1.5,
        float,
        "inventory",
        "Smallest ratio of a sector's rate to the rest of the municipality's for an area problem.",
        minimum=1,
    ),
    Tunable(
        "problem_min_tested",
        5,
        int,
        "inventory",
        "Fewest events of a category in a sector for its rate to be tested, and of a family "
        "or category for its time pattern to be compared.",
        minimum=1,
    ),
    Tunable(
        "problem_facility_m",
        60.0,
        float,
        "inventory",
        "A place problem is named after the kind of facility within this distance (m) of "
        "its events.",
        minimum=0,
    ),
    Tunable(
        "problem_facility_share",
        0.3,
        float,
        "inventory",
        "Share of a place problem's located events that must lie near the facility it is "
        "named after.",
        minimum=0,
        maximum=1,
    ),
    # --- measures (step 2) ----------------------------------------------------------------
    Tunable(
        "buffer_m",
        200.0,
        float,
        "measures",
        "Width (m) of the ring around a measure's area, where displacement or diffusion "
        "is looked for (a measure's own buffer_m overrides it).",
        minimum=0,
    ),
    Tunable(
        "reach_m",
        50.0,
        float,
        "measures",
        "How far (m) around a point or line footprint a measure acts, when the measure "
        "gives no reach_m of its own.",
        minimum=0,
    ),
    Tunable(
        "coverage_thresholds",
        {"weak": 0.05, "partial": 0.25, "strong": 0.6},
        dict,
        "measures",
        "Lowest coverage score (thematic share × spatial share) of each coverage level; "
        "below 'weak' a measure does not cover a problem.",
        minimum=0,
        maximum=1,
        keys=("weak", "partial", "strong"),
    ),
    Tunable(
        "sector_min_share",
        0.01,
        float,
        "measures",
        "Smallest share of a measure's treated area inside a sector for the measure to "
        "touch that sector.",
        minimum=0,
        maximum=1,
    ),
    Tunable(
        "before_after_days",
        365,
        int,
        "measures",
        "Length (days) of the before and after windows of step 2's plain counts around a "
        "measure's start.",
        minimum=1,
        maximum=3650,
    ),
    Tunable(
        "sector_gaps_top",
        10,
        int,
        "measures",
        "A problem ranked this or better counts as a priority problem in the sector gaps.",
        minimum=1,
    ),
    Tunable(
        "include_perception",
        True,
        bool,
        "measures",
        "Add the survey's perception issues (sectors that fear more than their crime) to "
        "the problems whose coverage step 2 assesses.",
    ),
    Tunable(
        "max_coverage_pairs",
        1_000_000,
        int,
        "measures",
        "Above this many problem × measure pairs, the coverage table keeps only the related "
        "pairs (the summaries are the same either way). A spreadsheet shows at most 1,048,576 "
        "rows, and the unrelated pairs of a region are nearly all of them: 1.2M rows and 210 MB "
        "at 1M incidents, for about 1,000 problems and 1,100 measures.",
        minimum=1,
    ),
    # --- evaluation (step 3): tunables/evaluation.py ----------------------------------------
    *EVALUATION,
    # --- strategy (step 4) ----------------------------------------------------------------
    Tunable(
        "response_weights",
        {"fit": 0.35, "evidence": 0.30, "in_place": 0.15, "pillar_balance": 0.10, "partners": 0.10},
        dict,
        "strategy",
        "Weights of the response-ranking criteria of step 4.",
        minimum=0,
        keys=("fit", "evidence", "in_place", "pillar_balance", "partners"),
    ),
    Tunable(
        "walk_fit_bonus",
        0.1,
        float,
        "strategy",
        "Added to the fit (0–1) of a response whose kind answers a safety-walk observation "
        "found in the problem's area (lighting → lighting; hiding place, natural surveillance, "
        "neglect → environmental design); never makes an unrelated response fit.",
        minimum=0,
        maximum=0.3,
    ),
    Tunable(
        "min_fit",
        0.45,
        float,
        "strategy",
        "Responses whose fit to a problem (0–1) is below this are not proposed.",
        minimum=0,
        maximum=1,
    ),
    Tunable(
        "plan_problems",
        5,
        int,
        "strategy",
        "Priority problems (the top of step 1's ranking) for which responses are ranked and "
        "planned.",
        minimum=1,
    ),
    Tunable(
        "responses_per_problem",
        3,
        int,
        "strategy",
        "Candidate responses kept per problem in the ranking.",
        minimum=1,
    ),
    Tunable(
        "current_min_level",
        "partial",
        str,
        "strategy",
        "Weakest step-2 coverage level at which a measure counts as already addressing a "
        "problem (the in_place and pillar_balance criteria).",
        choices=("weak", "partial", "strong"),
    ),
    Tunable(
        "expected_reduction",
        {"large": 0.30, "moderate": 0.20, "small": 0.10, "unknown": 0.10, "none": 0.0},
        dict,
        "strategy",
        "Reduction assumed for a plan's target from the strength of the evidence for the "
        "response (a planning assumption, stated in the plan).",
        minimum=0,
        maximum=1,
        keys=("large", "moderate", "small", "unknown", "none"),
    ),
    Tunable(
        "plan_lag_months",
        1,
        int,
        "strategy",
        "Implementation lag assumed for a new response: its evaluation's after-window opens "
        "this many months after the planned start (the plan's windows are window_months long).",
        minimum=0,
        maximum=60,
    ),
    Tunable(
        "plan_power",
        0.80,
        float,
        "strategy",
        "Power required of a planned evaluation; the plan's minimum detectable effect is "
        "computed for it (at the significance level alpha).",
        minimum=0.5,
        maximum=0.99,
    ),
    Tunable(
        "fidelity_share",
        0.80,
        float,
        "strategy",
        "Share of an action's planned dose (each implementation indicator's planned value) "
        "below which the action is 'not implemented as planned' at the follow-up.",
        minimum=0.05,
        maximum=1.0,
    ),
    # --- monitoring between diagnoses -----------------------------------------------------------
    Tunable(
        "monitor_baseline_periods",
        12,
        int,
        "monitoring",
        "Periods (months or quarters) before the one monitored whose mean is its baseline in "
        "the monitoring bulletin.",
        minimum=3,
        maximum=60,
    ),
    Tunable(
        "monitor_min_events",
        10,
        int,
        "monitoring",
        "Fewest events in the two counts compared for a verdict in the monitoring bulletin; "
        "below, it reads too few to say.",
        minimum=0,
    ),
    # --- report ---------------------------------------------------------------------------
    Tunable(
        "small_count",
        5,
        int,
        "report",
        "Counts below this are suppressed in public outputs (with whatever would let a "
        "reader recover them).",
        minimum=1,
    ),
    Tunable(
        "landmarks",
        6,
        int,
        "report",
        "Named places drawn as landmarks on the static maps of the report (0: none); chosen "
        "near what each map shows (hot cells, problems), by kind, and apart from each other.",
        minimum=0,
        maximum=30,
    ),
    Tunable(
        "landmark_spacing_m",
        500.0,
        float,
        "report",
        "Two landmarks are never closer than this (m): a crowded corner gets one.",
        minimum=0,
    ),
    Tunable(
        "landmark_reach_m",
        400.0,
        float,
        "report",
        "Distance scale (m) of a landmark's relevance to what a map shows: a place this far "
        "from the nearest hot cell or problem weighs e⁻¹ ≈ 0.37 of one inside it.",
        minimum=1,
    ),
    Tunable(
        "landmark_kinds",
        {
            "station": 1.0,
            "gare": 1.0,
            "metro": 1.0,
            "shopping_centre": 1.0,
            "centre_commercial": 1.0,
            "park": 0.9,
            "parc": 0.9,
            "hospital": 0.9,
            "hopital": 0.9,
            "city_hall": 0.9,
            "mairie": 0.9,
            "transit_stop": 0.8,
            "school": 0.7,
            "ecole": 0.7,
            "cegep": 0.7,
            "university": 0.7,
            "universite": 0.7,
            "library": 0.6,
            "bibliotheque": 0.6,
            "other": 0.2,
        },
        dict,
        "report",
        "Weight of a kind of place as a landmark (0: never one). A key counts for every kind "
        "code that contains it as a whole word ('parc' for 'parc', 'ecole' for "
        "'ecole_primaire'); the highest matching weight wins; 'other' weighs the kinds no key "
        "matches.",
        minimum=0,
        maximum=1,
    ),
    Tunable(
        "worker_process",
        True,
        bool,
        "report",
        "Run some of the work in a second process while this one goes on (a second core): "
        "step 1's problem search and Knox test, step 2's before/after counts, step 3's "
        "projections, backtest, relevance and risk, the report's figures. "
        "The results are the same; false: everything in one process.",
    ),
    Tunable(
        "worker_max_incidents",
        2_000_000,
        int,
        "report",
        "Incidents up to which steps 1 to 3 send a copy of the incidents to the worker "
        "process (worker_process). The copy is held twice meanwhile: at 1M incidents it "
        "raised the peak from 2.2 to 3.0 GB, at 5M from 8.5 to 15 GB. Above it, those jobs "
        "run in this process: slower, with the lower peak. Step 1's problem search is "
        "sent at every size: it gets its five columns and the points as numbers, not a "
        "copy (about 40 bytes an incident). Step 3's reach, relevance and risk get such a "
        "table too, up to this bound only: above it their scratch (about 1.4 GB at 5M) "
        "beside the effects computed meanwhile would pass 6 GB.",
        minimum=0,
    ),
)
