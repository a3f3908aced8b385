"""The whole of step 2 at once: :class:`MeasureInventory` and :func:`run`."""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from dataclasses import dataclass, field
from typing import Any

import pandas as pd

from .. import inventory
from ._frames import _active_problems, _ref
from .before_after import DEFAULT_WINDOW_DAYS, before_after_counts
from .footprints import DEFAULT_BUFFER_M, buffer_rings, treated_area
from .gaps import coverage_gaps, sector_gaps, single_pillar
from .levels import DEFAULT_THRESHOLDS
from .matching import MAX_COVERAGE_PAIRS, coverage
from .partners import DEFAULT_EXPERTISE_MAP, partner_roles, partner_suggestions
from .perception import perception_issues
from .register import registry
from .summaries import coverage_matrix, measure_coverage, problem_coverage


@dataclass
class MeasureInventory:
    """Every table of step 2, as computed by :func:`run`.

    Attributes
    ----------
    registry : DataFrame
        :func:`registry`.
    areas, rings : GeoSeries
        Treated areas and buffer rings, aligned with the measures.
    problems : GeoDataFrame
        The problems assessed: the step-1 register plus perception issues.
    priority : DataFrame
        Step-1 ranks.
    coverage, matrix, by_problem, by_measure : DataFrame
        :func:`coverage`, :func:`coverage_matrix`, :func:`problem_coverage`,
        :func:`measure_coverage`.
    gaps, single_pillar, sector_gaps : DataFrame
        :func:`coverage_gaps`, :func:`single_pillar`, :func:`sector_gaps`.
    partner_roles, partner_suggestions : DataFrame
        :func:`partner_roles`, :func:`partner_suggestions`.
    before_after : DataFrame
        :func:`before_after_counts`.
    ledger : DataFrame
        Ledger entries about the measures file (e.g. an unknown partner).
    measures : GeoDataFrame
        The canonical measures table.
    parameters : dict
    """

    registry: pd.DataFrame
    areas: Any
    rings: Any
    problems: pd.DataFrame
    priority: pd.DataFrame
    coverage: pd.DataFrame
    matrix: pd.DataFrame
    by_problem: pd.DataFrame
    by_measure: pd.DataFrame
    gaps: pd.DataFrame
    single_pillar: pd.DataFrame
    sector_gaps: pd.DataFrame
    partner_roles: pd.DataFrame
    partner_suggestions: pd.DataFrame
    before_after: pd.DataFrame
    ledger: pd.DataFrame
    measures: pd.DataFrame
    partners: pd.DataFrame | None = None
    parameters: dict[str, Any] = field(default_factory=dict)


def run(
    diag: Any,
    problems: pd.DataFrame,
    priority: pd.DataFrame | None = None,
    *,
    ref_date: Any = None,
    buffer_m: float | Mapping[str, float] = DEFAULT_BUFFER_M,
    window_days: int = DEFAULT_WINDOW_DAYS,
    expertise_map: Mapping[str, Sequence[str]] | None = None,
    thresholds: Mapping[str, float] | None = None,
    include_perception: bool = True,
    top: int | None = None,
    pairs: str | None = None,
) -> MeasureInventory:
    """Run the whole of step 2 on a loaded diagnosis and a problem register.

    Parameters
    ----------
    diag : Diagnostic
        From :func:`diagnostic_lib.loaders.load_diagnostic` (with measures).
    problems : GeoDataFrame
        Problem register (step 1: ``Inventory.problems`` or a register read
        back with :func:`diagnostic_lib.inventory.read_register`).
    priority : DataFrame, optional
        Step-1 ranks (computed with the default weights when not given).
    ref_date : date-like, optional
        Reference date of the status (default: the end of the study period).
    buffer_m : float or dict
        Width of the buffer rings (one for all, or per measure id).
    window_days : int
        Before/after windows of the plain counts (365 days = 12 months).
    expertise_map : dict, optional
        See :data:`DEFAULT_EXPERTISE_MAP`.
    thresholds : dict, optional
        See :data:`DEFAULT_THRESHOLDS`.
    include_perception : bool
        Add the survey's perception issues (:func:`perception_issues`).
    top : int, optional
        Only gaps ranked ``top`` or better (default: every gap).
    pairs : {"all", "related"}, optional
        Rows of the coverage table (see :func:`coverage`). Default: ``"all"``
        up to :data:`MAX_COVERAGE_PAIRS` problem × measure pairs, ``"related"``
        beyond (a regional study: the summaries are the same either way).

    Returns
    -------
    MeasureInventory

    Examples
    --------
    >>> from diagnostic_lib import inventory, loaders, sample
    >>> d = loaders.load_diagnostic(sample.sample_dir() / "diagnostic.toml")
    >>> inv = inventory.run(d, permutations=9)
    >>> res = run(d, inv.problems, inv.priority)
    >>> fraud = res.by_problem[res.by_problem["categories"].map(lambda c: "cyber_fraud" in c)]
    >>> fraud[["level", "gap_reason"]].values.tolist()
    [['none', 'uncovered']]
    >>> res.partner_suggestions.query("problem_id == @fraud.problem_id.iloc[0]")["partner_id"].iloc[0]
    'P09'
    """
    if diag.measures is None:
        raise ValueError("this diagnosis has no measures file ([data.measures] in the config)")
    meas, sec, inc = diag.measures, diag.sectors, diag.incidents
    cfg = diag.config
    ref = (
        ref_date
        if ref_date is not None
        else (cfg.period_end if cfg.period_end is not None else None)
    )
    ref = _ref(ref)
    areas = treated_area(meas, sec)
    rings = buffer_rings(meas, areas, buffer_m)
    reg = registry(meas, sec, diag.partners, ref, cfg.period_start, areas)
    prio = priority if priority is not None else inventory.priority(problems)
    pb = _active_problems(problems)
    if include_perception and diag.survey is not None and len(diag.survey):
        issues = perception_issues(diag.survey, inc, sec, diag.taxonomy)
        if len(issues):
            pb = pd.concat(
                [pb, issues.to_crs(pb.crs) if pb.crs is not None else issues], ignore_index=True
            )
    if pairs is None:
        pairs = "all" if len(pb) * len(meas) <= MAX_COVERAGE_PAIRS else "related"
    cov = coverage(pb, meas, sec, inc, ref, areas, thresholds, pairs=pairs)
    summ = problem_coverage(cov, pb, prio)
    years = None
    if cfg.period_start is not None and cfg.period_end is not None:
        years = max(((cfg.period_end - cfg.period_start).days + 1) / 365.25, 1 / 12)
    ledger = diag.ledger.entries
    ledger = ledger[ledger["table"] == "measures"].reset_index(drop=True)
    return MeasureInventory(
        registry=reg,
        areas=areas,
        rings=rings,
        problems=pb,
        priority=prio,
        coverage=cov,
        matrix=coverage_matrix(cov),
        by_problem=summ,
        by_measure=measure_coverage(cov, reg),
        gaps=coverage_gaps(summ, top),
        single_pillar=single_pillar(summ),
        sector_gaps=sector_gaps(pb, reg, sec, summ, inc, years=years),
        partner_roles=partner_roles(reg, diag.partners),
        partner_suggestions=partner_suggestions(pb, summ, diag.partners, reg, expertise_map),
        before_after=before_after_counts(
            meas, inc, areas, rings, window_days, cfg.period_start, cfg.period_end
        ),
        ledger=ledger,
        measures=meas,
        partners=diag.partners,
        parameters={
            "ref_date": ref,
            "buffer_m": buffer_m if not isinstance(buffer_m, Mapping) else dict(buffer_m),
            "window_days": window_days,
            "thresholds": {**DEFAULT_THRESHOLDS, **(thresholds or {})},
            "expertise_map": dict(expertise_map or DEFAULT_EXPERTISE_MAP),
            "include_perception": include_perception,
            "pairs": pairs,
            "period_start": cfg.period_start,
            "period_end": cfg.period_end,
        },
    )
