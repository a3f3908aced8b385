"""The whole of step 2 at once: :class:`MeasureInventory` and :func:`run`."""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from dataclasses import dataclass, field
from typing import TYPE_CHECKING, Any

import pandas as pd

from .. import _memory, i18n, inventory, workers
from ._frames import _active_problems, _ref
from .before_after import before_after_counts
from .footprints import buffer_rings, treated_area
from .gaps import coverage_gaps, sector_gaps, single_pillar
from .matching import coverage
from .partners import DEFAULT_EXPERTISE_MAP, partner_roles, partner_suggestions
from .perception import perception_issues
from .register import registry
from .summaries import coverage_matrix, measure_coverage, problem_coverage
from .walks import problem_walk_gaps, sector_walk_gaps

if TYPE_CHECKING:
    from ..config import Config
    from ..loaders import Diagnostic


_BY_PROBLEM = (
    "problem_id",
    "title_fr",
    "title_en",
    "rank",
    "level",
    "gap_reason",
    "measures",
    "measure_levels",
    "planned",
    "ended",
    "pillars",
    "missing_pillars",
)

DISPLAY_COLUMNS: dict[str, tuple[str, ...]] = {
    "registry": (
        "measure_id",
        "name",
        "name_en",
        "pillar",
        "kind",
        "status",
        "start",
        "end",
        "partners",
        "unknown_partners",
        "footprint",
        "sectors_touched",
        "target_categories",
        "target_shifts",
        "cost",
    ),
    "by_problem": _BY_PROBLEM,
    "gaps": _BY_PROBLEM,
    "by_measure": (
        "measure_id",
        "name",
        "name_en",
        "pillar",
        "status",
        "level",
        "problems",
        "problem_levels",
    ),
    "single_pillar": (
        "problem_id",
        "title_fr",
        "title_en",
        "rank",
        "pillar",
        "measures",
        "missing_pillars",
    ),
    "partner_suggestions": (
        "problem_id",
        "title_fr",
        "title_en",
        "rank",
        "level",
        "partner_id",
        "name",
        "name_en",
        "expertise_matched",
        "serves",
        "involved",
    ),
    "before_after": (
        "before_days",
        "after_days",
        "treated_before",
        "treated_after",
        "buffer_before",
        "buffer_after",
        "note",
    ),
}
"""The columns of the tables of step 2 shown to people (notebooks, widgets), in order.

Each key is a table of :class:`MeasureInventory` (``gaps`` has the rows and
columns of ``by_problem``, so the same list). Both languages' name and title
columns are listed: :func:`for_display` keeps the reader's and drops the other.
See :meth:`MeasureInventory.display_columns`.
"""


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
    coverage, by_problem, by_measure : DataFrame
        :func:`coverage`, :func:`problem_coverage`, :func:`measure_coverage`.
    matrix : DataFrame
        :func:`coverage_matrix` (a property: made on first use).
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
    walk_gaps: pd.DataFrame | None = None
    """The problem gap rows with the safety-walk observations in each problem's area
    (:func:`~.walks.problem_walk_gaps`); ``None`` without a ``[data.walks]`` table."""
    sector_walks: pd.DataFrame | None = None
    """The sector gap rows with each sector's safety-walk observations
    (:func:`~.walks.sector_walk_gaps`); ``None`` without walks."""
    _matrix: pd.DataFrame | None = field(default=None, repr=False, compare=False)

    @property
    def matrix(self) -> pd.DataFrame:
        """:func:`coverage_matrix` of :attr:`coverage`, made on first use.

        A problems × measures table: at a province's scale (thousands of each) it
        holds millions of cells that the diagnosis itself never reads, so it is not
        made unless asked for.
        """
        if self._matrix is None:
            self._matrix = coverage_matrix(self.coverage)
        return self._matrix

    @staticmethod
    def display_columns(table: str, lang: str = "fr") -> list[str]:
        """The columns of ``table`` (e.g. ``"registry"``) shown to people.

        A static method (``MeasureInventory.display_columns("registry")``). The
        list is the same in both languages: it holds both name or title
        columns, and :func:`for_display` keeps the one of ``lang``. See
        :data:`DISPLAY_COLUMNS`.

        Parameters
        ----------
        table : str
            A key of :data:`DISPLAY_COLUMNS`.
        lang : {"fr", "en"}
            Language (checked; the list does not depend on it).

        Returns
        -------
        list of str

        Examples
        --------
        >>> MeasureInventory.display_columns("by_measure")[:3]
        ['measure_id', 'name', 'name_en']
        """
        i18n.check_lang(lang)
        return list(DISPLAY_COLUMNS[table])


@_memory.gives_back
def run(  # noqa: PLR0913  (the public signature of step 2, kept backward compatible)
    diag: Diagnostic,
    problems: pd.DataFrame,
    priority: pd.DataFrame | None = None,
    *,
    ref_date: Any = None,
    buffer_m: float | Mapping[str, float] | None = None,
    window_days: int | None = None,
    expertise_map: Mapping[str, Sequence[str]] | None = None,
    thresholds: Mapping[str, float] | None = None,
    include_perception: bool | None = None,
    top: int | None = None,
    pairs: str | None = None,
) -> MeasureInventory:
    """Run the whole of step 2 on a loaded diagnosis and a problem register.

    Every tunable of step 2 comes from the config (``[parameters]`` of
    ``diagnostic.toml``, see :mod:`diagnostic_lib.settings`): ``buffer_m``,
    ``reach_m``, ``coverage_thresholds``, ``sector_min_share``,
    ``before_after_days``, ``sector_gaps_top``, ``include_perception`` and
    ``max_coverage_pairs``. An argument given here wins over the config.

    Parameters
    ----------
    diag : Diagnostic
        From :func:`diagnostic_lib.loaders.load_diagnostic` (with measures).
    problems : GeoDataFrame or Inventory
        Problem register (step 1: ``Inventory.problems`` or a register read
        back with :func:`diagnostic_lib.inventory.read_register`), or step 1's
        :class:`~diagnostic_lib.inventory.Inventory` itself (its register and
        priority).
    priority : DataFrame, optional
        Step-1 ranks (computed with the default weights when not given).
    ref_date : date-like, optional
        Reference date of the status (default: the end of the study period).
    buffer_m : float or dict, optional
        Width of the buffer rings (one for all, or per measure id; measures
        missing from the dict get the config's). Default: each measure's own
        ``buffer_m`` column where given, else the config's ``buffer_m`` — the
        widths step 3 uses.
    window_days : int, optional
        Before/after windows of the plain counts. Default: the config's
        ``before_after_days`` (365 days = 12 months).
    expertise_map : dict, optional
        See :data:`DEFAULT_EXPERTISE_MAP`.
    thresholds : dict, optional
        Lowest score of some coverage levels, over the config's
        ``coverage_thresholds`` (see :data:`DEFAULT_THRESHOLDS`).
    include_perception : bool, optional
        Add the survey's perception issues (:func:`perception_issues`).
        Default: the config's ``include_perception``.
    top : int, optional
        Only gaps ranked ``top`` or better (default: every gap).
    pairs : {"all", "related"}, optional
        Rows of the coverage table (see :func:`coverage`). Default: ``"all"``
        up to the config's ``max_coverage_pairs`` problem × measure pairs
        (:data:`MAX_COVERAGE_PAIRS`), ``"related"`` beyond (a regional study:
        the summaries are the same either way).

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
    >>> sugg = res.partner_suggestions
    >>> sugg.loc[sugg["problem_id"] == fraud["problem_id"].iloc[0], "partner_id"].iloc[0]
    'P09'
    >>> res.parameters["buffer_m"]["M03"], res.parameters["buffer_default_m"]
    (300.0, 200.0)
    """
    if isinstance(problems, inventory.Inventory):
        # step 1's result: its register, and its priority unless given
        priority = problems.priority if priority is None else priority
        problems = problems.problems
    if not isinstance(problems, pd.DataFrame):
        raise TypeError(
            "problems: a problem register (Inventory.problems, or inventory.read_register) "
            f"or step 1's Inventory, not {type(problems).__name__}"
        )
    if diag.measures is None:
        raise ValueError("this diagnosis has no measures file ([data.measures] in the config)")
    cfg = diag.config
    if buffer_m is None:
        buffer_m = _own_buffers(diag.measures)
    par = _parameters(cfg, buffer_m, window_days, thresholds, include_perception)
    par["ref_date"] = _ref(ref_date if ref_date is not None else cfg.period_end)
    par["expertise_map"] = dict(expertise_map or DEFAULT_EXPERTISE_MAP)
    meas, sec, inc = diag.measures, diag.sectors, diag.incidents
    areas = treated_area(meas, sec, par["reach_m"])
    rings = buffer_rings(meas, areas, par["buffer_m"], default=par["buffer_default_m"])
    # the before/after counts in the worker while the rest is found here
    job = _before_after(diag, areas, rings, par)
    reg = registry(
        meas,
        sec,
        diag.partners,
        par["ref_date"],
        cfg.period_start,
        areas,
        min_share=par["sector_min_share"],
    )
    prio = priority if priority is not None else inventory.priority(problems)
    pb = _problems_assessed(diag, problems, par["include_perception"])
    if pairs is None:
        pairs = "all" if len(pb) * len(meas) <= par["max_coverage_pairs"] else "related"
    par["pairs"] = pairs
    cov = coverage(pb, meas, sec, inc, par["ref_date"], areas, par["thresholds"], pairs=pairs)
    # the pairs' scratch handed back before the summaries make theirs (at 5M each held
    # ~0.3 GB the allocators kept, while the worker may be computing step 3 ahead)
    _memory.give_back()
    summ = problem_coverage(cov, pb, prio)
    _memory.give_back()
    years = None
    if cfg.period_start is not None and cfg.period_end is not None:
        years = max(((cfg.period_end - cfg.period_start).days + 1) / 365.25, 1 / 12)
    ledger = diag.ledger.entries
    sgaps = sector_gaps(pb, reg, sec, summ, inc, top=par["sector_gaps_top"], years=years)
    gaps = coverage_gaps(summ, top)
    walks = getattr(diag, "walks", None)
    if walks is not None:
        counts = inventory.walk_counts(pb, walks, cfg.param("walk_reach_m"))
        walk_gaps = problem_walk_gaps(gaps, counts)
        sector_walks = sector_walk_gaps(sgaps, sec, walks)
    else:
        walk_gaps = sector_walks = None
    return MeasureInventory(
        registry=reg,
        areas=areas,
        rings=rings,
        problems=pb,
        priority=prio,
        coverage=cov,
        by_problem=summ,
        by_measure=measure_coverage(cov, reg),
        gaps=gaps,
        single_pillar=single_pillar(summ),
        sector_gaps=sgaps,
        partner_roles=partner_roles(reg, diag.partners),
        partner_suggestions=partner_suggestions(pb, summ, diag.partners, reg, par["expertise_map"]),
        before_after=job.result(),
        ledger=ledger[ledger["table"] == "measures"].reset_index(drop=True),
        measures=meas,
        partners=diag.partners,
        parameters={**par, "period_start": cfg.period_start, "period_end": cfg.period_end},
        walk_gaps=walk_gaps,
        sector_walks=sector_walks,
    )


_WORKER_MIN_INCIDENTS = 20_000
"""Incidents from which the before/after counts go to the worker even if it is not running."""


def _before_after(
    diag: Diagnostic, areas: pd.Series, rings: pd.Series, par: Mapping[str, Any]
) -> workers.Pending:
    """The before/after counts of step 2, sent to the worker (:mod:`diagnostic_lib.workers`).

    The incidents travel without the columns that say where they came from
    (:data:`diagnostic_lib.schema.INCIDENT_PROVENANCE`), which it does not read.
    """
    inc = diag.incidents
    worker, light = workers.worker_for_incidents(diag.config, inc, _WORKER_MIN_INCIDENTS)
    cfg = diag.config
    return worker.submit(
        before_after_counts,
        diag.measures,
        light,
        areas,
        rings,
        par["window_days"],
        cfg.period_start,
        cfg.period_end,
    )


def _own_buffers(measures: pd.DataFrame) -> dict[str, float] | None:
    """The measures' own ring widths (their ``buffer_m`` column), as step 3 reads them."""
    if "buffer_m" not in measures.columns:
        return None
    width = pd.to_numeric(measures["buffer_m"], errors="coerce")
    own = {str(m): float(w) for m, w in zip(measures["measure_id"], width, strict=True) if w == w}
    return own or None


def _parameters(
    cfg: Config,
    buffer_m: float | Mapping[str, float] | None,
    window_days: int | None,
    thresholds: Mapping[str, float] | None,
    include_perception: bool | None,
) -> dict[str, Any]:
    """The tunables of step 2: the arguments of :func:`run` where given, else the config's."""
    default_buffer = float(cfg.param("buffer_m"))
    if buffer_m is None:
        buffer_m = default_buffer
    return {
        "buffer_m": dict(buffer_m) if isinstance(buffer_m, Mapping) else float(buffer_m),
        "buffer_default_m": default_buffer,
        "reach_m": float(cfg.param("reach_m")),
        "window_days": int(
            window_days if window_days is not None else cfg.param("before_after_days")
        ),
        "thresholds": {**cfg.param("coverage_thresholds"), **(thresholds or {})},
        "sector_min_share": float(cfg.param("sector_min_share")),
        "sector_gaps_top": int(cfg.param("sector_gaps_top")),
        "include_perception": bool(
            include_perception
            if include_perception is not None
            else cfg.param("include_perception")
        ),
        "max_coverage_pairs": int(cfg.param("max_coverage_pairs")),
    }


def _problems_assessed(
    diag: Diagnostic, problems: pd.DataFrame, include_perception: bool
) -> pd.DataFrame:
    """The step-1 problems still in the register, with the survey's perception issues."""
    pb = _active_problems(problems)
    if include_perception and diag.survey is not None and len(diag.survey):
        issues = perception_issues(diag.survey, diag.incidents, diag.sectors, diag.taxonomy)
        if len(issues):
            pb = pd.concat(
                [pb, issues.to_crs(pb.crs) if pb.crs is not None else issues], ignore_index=True
            )
    return pb
