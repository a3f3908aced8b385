"""The whole of step 3 at once: :func:`run` and its result, :class:`Evaluation`."""

from __future__ import annotations

import functools
import inspect
import warnings
from collections.abc import Mapping, Sequence
from dataclasses import dataclass, field, replace
from typing import TYPE_CHECKING, Any

import numpy as np
import pandas as pd

from .. import _memory, coverage, i18n, inventory, settings, workers
from .. import formatting as fmt
from .._points import point_columns, point_table
from ..errors import ConfigError, bilingual
from ..ledger import Ledger
from .ahead import placements_ahead
from .decision import VERDICTS
from .design import data_period
from .effects import _evaluate_core, _Options, _rejudge
from .forecast import (
    Projection,
    backtest,
    backtest_findings,
    backtest_summary,
    monthly_counts,
    project,
)
from .placebos import PlaceboOptions
from .risk import RiskScale, current_risk
from .spatial_risk import (
    _kinds_near,
    _terrain_fit,
    near_repeat_envelope,
    near_repeat_risk,
    risk_terrain_surface,
)
from .targeting import pillar_balance, reach_matrix, relevance, relevance_flags
from .time_series import its_for_measures

if TYPE_CHECKING:
    from ..config import Config
    from ..loaders import Diagnostic


DISPLAY_COLUMNS: dict[str, tuple[str, ...]] = {
    "windows": (
        "measure_id",
        "before_start",
        "before_end",
        "after_start",
        "after_end",
        "months_after",
        "status",
        "reason",
    ),
    "effects": (
        "measure_id",
        "{name}",
        "verdict",
        "a0",
        "a1",
        "c0",
        "c1",
        "res",
        "res_corrected",
        "res_corrected_low",
        "res_corrected_high",
        "q_value",
        "placebos",
        "net_res",
        "wdq",
        "tne_corrected",
    ),
    "its": (
        "measure_id",
        "status",
        "months_before",
        "months_after",
        "level_irr",
        "level_low",
        "level_high",
        "level_p",
        "text_{lang}",
    ),
    "relevance": (
        "measure_id",
        "active",
        "problem_id",
        "problem_title_{lang}",
        "problem_rank",
        "reach",
        "relevance",
    ),
    "flags": ("flag", "subject", "text_{lang}"),
    "pillars": ("pillar", "label_{lang}", "n_active", "share", "cost", "cost_share", "flag"),
    "current_risk": (
        "sector",
        "family",
        "last",
        "baseline_mean",
        "ratio_baseline",
        "q_baseline",
        "label_{lang}",
        "rate",
        "likelihood",
        "impact",
        "risk_{lang}",
        "concern",
    ),
    "projection": (
        "sector",
        "family",
        "model",
        "last_12",
        "mean_12",
        "low_12",
        "high_12",
        "trend_irr",
        "trend_q",
    ),
    "backtest_summary": (
        "level",
        "scope",
        "mae_model",
        "mae_naive",
        "skill",
        "coverage",
        "nominal",
        "trust",
    ),
}
"""The columns of each table of step 3 shown to people (report, notebooks), in order.

``windows`` and ``effects`` are views of :attr:`Evaluation.effects` (each
measure's windows and status; its estimates and verdict), ``projection`` of the
projection's totals; the others are the tables of the same name. ``{lang}`` is
the language and ``{name}`` the measure's name column (``name`` in French,
``name_en`` in English): see :meth:`Evaluation.display_columns`.
"""

VERDICT_COLUMNS: tuple[str, ...] = (
    "measure_id",
    "verdict",
    "reason",
    "res",
    "res_low_adj",
    "res_high_adj",
    "res_corrected",
    "res_corrected_low",
    "res_corrected_high",
    "q_value",
    "verdict_fr",
    "verdict_en",
)
"""The columns of :attr:`Evaluation.verdicts`, what step 4 reads."""


@dataclass
class Evaluation:
    """Every table of step 3, as computed by :func:`run`.

    ``parameters["tunables"]`` holds the value of every tunable used.
    """

    effects: pd.DataFrame
    design: pd.DataFrame
    monthly: pd.DataFrame
    its: pd.DataFrame
    reach: pd.DataFrame
    relevance: pd.DataFrame
    pillars: pd.DataFrame
    flags: pd.DataFrame
    current_risk: pd.DataFrame
    projection: Projection
    backtest: pd.DataFrame
    backtest_summary: pd.DataFrame
    knox: pd.DataFrame
    near_repeat: pd.DataFrame
    risk_terrain: pd.DataFrame
    risk_surface: pd.Series
    grid: pd.DataFrame
    parameters: dict[str, Any] = field(default_factory=dict)
    sectors: Any = None

    @property
    def verdicts(self) -> pd.DataFrame:
        """One row per measure, the columns :data:`VERDICT_COLUMNS` (what step 4 reads)."""
        return self.effects[list(VERDICT_COLUMNS)].reset_index(drop=True)

    @staticmethod
    def display_columns(table: str, lang: str = "fr") -> list[str]:
        """The columns of ``table`` (e.g. ``"effects"``) shown to people, in ``lang``.

        A static method: ``Evaluation.display_columns("effects", "en")`` serves
        where only the table is at hand. See :data:`DISPLAY_COLUMNS`.

        Parameters
        ----------
        table : str
            A key of :data:`DISPLAY_COLUMNS`.
        lang : {"fr", "en"}
            Language.

        Returns
        -------
        list of str

        Examples
        --------
        >>> Evaluation.display_columns("effects", "en")[:3]
        ['measure_id', 'name_en', 'verdict']
        """
        lang = i18n.check_lang(lang)
        name = "name" if lang == "fr" else "name_en"
        return [c.format(lang=lang, name=name) for c in DISPLAY_COLUMNS[table]]

    def summary(self, lang: str = "fr") -> list[str]:
        """Key findings of step 3 in a few sentences (for the report's executive summary)."""
        lang = i18n.check_lang(lang)
        v = self.effects["verdict"].value_counts()
        counts = [
            f"{fmt.integer(v.get(k, 0), lang)} × {i18n.t(f'evaluation.verdict.{k}', lang).lower()}"
            for k in VERDICTS
            if v.get(k, 0)
        ]
        n = fmt.integer(len(self.effects), lang)
        out = [i18n.t("evaluation.summary.verdicts", lang, n=n, verdicts=", ".join(counts))]
        out += self.flags.loc[
            self.flags["flag"].str.startswith("high_priority"), f"text_{lang}"
        ].tolist()
        pt = self.projection.totals
        em = pt[pt["emerging"]] if len(pt) else pt
        if len(em):
            fams = ", ".join(sorted({i18n.label("family", f, lang) for f in em["family"]}))
            out.append(i18n.t("evaluation.summary.emerging", lang, families=fams))
        return out + backtest_findings(self.backtest_summary, lang)


_STEP = tuple(t.name for t in settings.table("evaluation"))
"""The tunables of step 3 (see :mod:`diagnostic_lib.settings`); :func:`run` reads each."""

# run's arguments that override a tunable: argument → tunable
_ARGUMENTS = {
    "window_months": "window_months",
    "lag_months": "lag_months",
    "control": "control",
    "horizon": "forecast_horizon",
    "level": "forecast_level",
    "n_sim": "forecast_simulations",
    "top": "relevance_top_problems",
    "min_reach": "relevance_min_reach",
    "risk_distance": "risk_terrain_distance_m",
}


def _parameters(cfg: Config, given: Mapping[str, Any]) -> dict[str, Any]:
    """Every tunable of step 3: the argument of :func:`run` when given, else the config's."""
    p = {name: cfg.param(name) for name in _STEP}
    p["grid_cell_m"] = float(cfg.param("grid_cell_m"))
    for arg, name in _ARGUMENTS.items():
        if given.get(arg) is not None:
            p[name] = given[arg]
    try:
        p["risk_scale"] = RiskScale.from_parameters(p)
    except ValueError as exc:  # "<tunable> must increase ..." (evaluation.risk)
        name = str(exc).split(" ", 1)[0]
        message = bilingual("evaluation.error.must_increase", name=name, values=p.get(name))
        raise ConfigError(f"{cfg.path or 'diagnostic.toml'}: {message}") from None
    return p


def _buffers(measures: pd.DataFrame, default: float) -> dict[str, float]:
    """Ring width per measure: its own ``buffer_m`` where given, else the config's."""
    col = (
        pd.to_numeric(measures["buffer_m"], errors="coerce")
        if "buffer_m" in measures.columns
        else pd.Series(np.nan, index=measures.index)
    )
    return {
        str(m): float(v) if np.isfinite(v) else default
        for m, v in zip(measures["measure_id"], col, strict=True)
    }


@_memory.gives_back
def run(  # noqa: PLR0913 - the arguments of before, kept: every one overrides a tunable
    diag: Diagnostic,
    problems: pd.DataFrame,
    priority: pd.DataFrame | None = None,
    knox: pd.DataFrame | None = None,
    window_months: int | None = None,
    lag_months: int | None = None,
    buffer_m: Any = None,
    control: str | None = None,
    control_sectors: Any = None,
    knox_categories: Sequence[str] = ("burglary",),
    permutations: int = 99,
    horizon: int | None = None,
    level: float | None = None,
    n_sim: int | None = None,
    seed: int = 12345,
    top: int | None = None,
    min_reach: float | None = None,
    risk_distance: float | None = None,
    started: Started | None = None,
) -> Evaluation:
    """Run the whole of step 3 on a loaded diagnosis and its problem register.

    Every tunable of step 3 (``[parameters]`` of the config, see
    :mod:`diagnostic_lib.settings` and docs/methods.md) is read from
    ``diag.config``; an argument given here overrides its tunable.

    Parameters
    ----------
    diag : Diagnostic
        From :func:`diagnostic_lib.loaders.load_diagnostic` (needs measures).
    problems : GeoDataFrame or Inventory
        The problem register of step 1 (:func:`diagnostic_lib.inventory.find_problems`
        or :func:`~diagnostic_lib.inventory.read_register`), or step 1's whole result
        (:func:`diagnostic_lib.inventory.run`), whose register, priority and Knox tables
        are used (``run(diag, inventory.run(diag))``).
    priority : DataFrame, optional
        Default: :func:`diagnostic_lib.inventory.priority` of the register (or the
        priority table of step 1's result).
    knox : DataFrame, optional
        Step 1's Knox table (default: computed on ``knox_categories``).
    window_months, lag_months : int, optional
        Default: the config's ``window_months`` (12) and ``lag_months`` (0).
    buffer_m : float or mapping, optional
        Default: the measures' ``buffer_m`` column where given, else the
        config's ``buffer_m`` (200 m).
    control : {"rest", "similar", "level", "sectors"}, optional
        Default: the config's ``control``; ``"sectors"`` needs ``control_sectors``
        (see :func:`design_areas`).
    control_sectors : sequence or mapping, optional
        See :func:`design_areas`.
    knox_categories : sequence of str
        The incidents of the near-repeat test and cells.
    permutations : int
        Of the Knox test, when ``knox`` is not given.
    horizon, level, n_sim : optional
        Default: the config's ``forecast_horizon``, ``forecast_level`` and
        ``forecast_simulations`` (see :func:`project`).
    seed : int
        Of the simulations and permutations.
    top, min_reach : optional
        Default: the config's ``relevance_top_problems`` and
        ``relevance_min_reach`` (see :func:`relevance_flags`, :func:`relevance`).
    risk_distance : float, optional
        Metres, for :func:`risk_terrain` (default: the config's
        ``risk_terrain_distance_m``).
    started : Started, optional
        The jobs :func:`start` sent ahead, with the same ``diag``, ``problems``,
        ``priority``, ``knox`` and arguments (else ``ValueError``): used instead of
        sending them now. The result is the same.

    Returns
    -------
    Evaluation
        Its ``parameters`` give the value of every tunable used.

    Raises
    ------
    ValueError
        No measures in ``diag``; ``started`` made for other inputs or arguments.

    Examples
    --------
    >>> from diagnostic_lib import inventory, loaders, sample
    >>> d = loaders.load_diagnostic(sample.sample_dir() / "diagnostic.toml")
    >>> pb = inventory.find_problems(d.incidents, d.sectors, d.weights, d.taxonomy, d.survey,
    ...                              d.places)
    >>> ev = run(d, pb, permutations=19, n_sim=200)
    >>> ev.effects.set_index("measure_id").loc["M01", "verdict"]
    'effective'
    >>> bs = ev.backtest_summary.set_index(["level", "scope"])
    >>> bool(bs.loc[("sectors", "all"), "beats_naive"])
    True
    """
    arguments = {
        "window_months": window_months,
        "lag_months": lag_months,
        "buffer_m": buffer_m,
        "control": control,
        "control_sectors": control_sectors,
        "knox_categories": knox_categories,
        "permutations": permutations,
        "horizon": horizon,
        "level": level,
        "n_sim": n_sim,
        "seed": seed,
        "top": top,
        "min_reach": min_reach,
        "risk_distance": risk_distance,
    }
    if started is not None:
        started.check(diag, problems, priority, knox, arguments)
    s = _setup(diag, problems, priority, knox, arguments)
    problems, pr, knox, p, opt, period = s.problems, s.priority, s.knox, s.p, s.opt, s.period
    seed, buffer_m = s.arguments["seed"], s.buffer_m
    knox_categories = s.arguments["knox_categories"]
    jobs = started.jobs if started is not None and started.jobs else _submit(diag, s)
    context, ahead, future = jobs["context"], jobs["ahead"], _future_of(diag, s, jobs)
    parts: dict[str, Any] = {}
    parts.update(_effects_part(diag, period, p, opt, ahead))
    parts.update({k: v for k, v in context.result().items() if k != "history"})
    top = int(p["relevance_top_problems"])
    parts["flags"] = relevance_flags(
        diag.measures, parts["relevance"], pr, parts["effects"], parts["pillars"], problems, top=top
    )
    parts.update(future.result())
    ds, de = period
    parameters = {
        "window_months": p["window_months"],
        "lag_months": p["lag_months"],
        "buffer_m": buffer_m,
        "control": p["control"],
        "min_events": p["min_events"],
        "alpha": p["alpha"],
        "data_start": str(ds.date()),
        "data_end_exclusive": str(de.date()),
        "horizon": p["forecast_horizon"],
        "level": p["forecast_level"],
        "n_sim": p["forecast_simulations"],
        "seed": seed,
        "knox_categories": list(knox_categories),
        "top": p["relevance_top_problems"],
        "min_reach": p["relevance_min_reach"],
        "risk_distance_m": p["risk_terrain_distance_m"],
        "tunables": {k: v for k, v in p.items() if k != "risk_scale"},
    }
    return Evaluation(**parts, sectors=diag.sectors, parameters=parameters)


_RUN_DEFAULTS: dict[str, Any] = {
    name: param.default
    for name, param in inspect.signature(run).parameters.items()
    if name not in ("diag", "problems", "priority", "knox", "started")
}
"""The keyword arguments of :func:`run` and their defaults (:func:`start` takes the same)."""


@dataclass(frozen=True)
class _Setup:
    """What :func:`run` computes from its inputs and arguments before it sends any job."""

    problems: pd.DataFrame
    priority: pd.DataFrame
    knox: pd.DataFrame | None
    arguments: dict[str, Any]
    p: dict[str, Any]
    buffer_m: Any
    opt: _Options
    period: tuple


def _setup(
    diag: Diagnostic,
    problems: Any,
    priority: pd.DataFrame | None,
    knox: pd.DataFrame | None,
    arguments: Mapping[str, Any],
) -> _Setup:
    """The register, priority, Knox table, tunables and options :func:`run` works with."""
    if not isinstance(problems, pd.DataFrame) and hasattr(problems, "problems"):
        # step 1's result (an Inventory): its register, priority and Knox tables unless given
        priority = getattr(problems, "priority", None) if priority is None else priority
        knox = getattr(problems, "knox", None) if knox is None else knox
        problems = problems.problems
    if diag.measures is None:
        raise ValueError("step 3 needs the measures table ([data.measures] in the config)")
    p = _parameters(diag.config, {k: v for k, v in arguments.items() if k in _ARGUMENTS})
    buffer_m = arguments["buffer_m"]
    if buffer_m is None:
        buffer_m = _buffers(diag.measures, float(diag.config.param("buffer_m")))
    return _Setup(
        problems=problems,
        priority=inventory.priority(problems) if priority is None else priority,
        knox=knox,
        arguments=dict(arguments),
        p=p,
        buffer_m=buffer_m,
        opt=_options(p, buffer_m, arguments["control_sectors"]),
        period=data_period(diag),
    )


def _submit(diag: Diagnostic, s: _Setup, early: bool = False) -> dict[str, workers.Pending | None]:
    """Send the jobs of step 3 that the effects do not wait for (each runs here if it cannot go).

    In :func:`run`: the placebo placements first (the effects need them a few seconds
    in; over ``worker_max_incidents`` only, see :func:`_ahead_part`), the projections
    (needed at the end), then reach, relevance and risk (to the worker up to
    ``worker_max_incidents`` incidents, else run here). ``early`` (:func:`start`,
    before step 2): reach, relevance and risk go to the worker first, at any size,
    and count the projections' monthly history there too (``"future"`` is then
    ``None``: :func:`run` sends the projections of that history, see :func:`_future_of`).
    """
    knox = (s.knox, s.arguments["knox_categories"], s.arguments["permutations"])
    knox = (*knox, s.arguments["seed"])
    if early:
        context = _context_part(
            diag, s.problems, s.priority, s.period, s.p, knox, bounded=False, history=True
        )
        return {"context": context, "ahead": _ahead_part(diag, s.period, s.opt), "future": None}
    ahead = _ahead_part(diag, s.period, s.opt)
    future = _future_part(diag, s.period, s.p, s.arguments["seed"])
    context = _context_part(diag, s.problems, s.priority, s.period, s.p, knox)
    return {"context": context, "ahead": ahead, "future": future}


def _future_of(
    diag: Diagnostic, s: _Setup, jobs: Mapping[str, workers.Pending | None]
) -> workers.Pending:
    """The projections' job: sent already, or sent now with the history the context counted."""
    if jobs["future"] is not None:
        return jobs["future"]
    history = jobs["context"].result()["history"]
    return _future_part(diag, s.period, s.p, s.arguments["seed"], history=history)


@dataclass(frozen=True, eq=False)
class Started:
    """The jobs of step 3 sent ahead by :func:`start`, for :func:`run` (``started=``).

    ``jobs`` is empty when nothing was sent ahead (:func:`run` then sends them itself).
    """

    diag: Any
    inputs: tuple
    arguments: dict[str, Any]
    jobs: dict[str, workers.Pending | None]

    def check(
        self,
        diag: Diagnostic,
        problems: Any,
        priority: pd.DataFrame | None,
        knox: pd.DataFrame | None,
        arguments: Mapping[str, Any],
    ) -> None:
        """Raise ``ValueError`` unless :func:`run` is given what :func:`start` was.

        The same objects (``diag``, ``problems``, ``priority``, ``knox``) and equal
        arguments: jobs sent for other inputs would give another step 3.
        """
        same = diag is self.diag and all(
            a is b for a, b in zip((problems, priority, knox), self.inputs, strict=True)
        )
        differ = [k for k in arguments if not _equal(arguments[k], self.arguments.get(k))]
        if not same or differ:
            what = ", ".join(differ) if differ else "diag, problems, priority or knox"
            raise ValueError(
                f"started was made by evaluation.start for other inputs ({what}): "
                "give run what start was given, or run without started"
            )


def _equal(a: Any, b: Any) -> bool:
    """Whether two arguments of :func:`run` are the same (a comparison that fails: no)."""
    if a is b:
        return True
    try:
        return bool(a == b)
    except (TypeError, ValueError):  # arrays, tables: equal only as the same object
        return False


def start(
    diag: Diagnostic,
    problems: Any,
    priority: pd.DataFrame | None = None,
    knox: pd.DataFrame | None = None,
    **arguments: Any,
) -> Started:
    """Send the jobs of step 3 that read nothing of step 2 to the worker, before step 2.

    Reach, relevance, pillars and risk, the placebo placements and the projections
    read the incidents, the register of step 1 and the measures, not step 2's
    result. With more incidents than the ``worker_max_incidents`` tunable (a
    province) and the ``worker_process`` tunable on, :func:`run` would compute
    reach, relevance and risk in this process, after the effects (the incidents
    are not sent to the worker beside the effects' counts, for memory). Sent
    here, before step 2, the worker computes them while this process does
    step 2, then the placements and projections; :func:`run` given the result
    (``started=``) collects them. Otherwise nothing is sent (``jobs`` empty) and
    :func:`run` sends them itself. The result of :func:`run` is the same.

    Parameters
    ----------
    diag, problems, priority, knox
        As for :func:`run`, which must be given the same objects.
    **arguments
        Any keyword argument of :func:`run` (the same values must be given to it).

    Returns
    -------
    Started

    Raises
    ------
    TypeError
        An argument :func:`run` does not have.
    ValueError
        No measures in ``diag``.

    Examples
    --------
    >>> from diagnostic_lib import inventory, loaders, sample
    >>> d = loaders.load_diagnostic(sample.sample_dir() / "diagnostic.toml")
    >>> inv = inventory.run(d, permutations=19)
    >>> ahead = start(d, inv, n_sim=200)
    >>> ahead.jobs  # the sample is small: run sends them itself
    {}
    >>> ev = run(d, inv, n_sim=200, started=ahead)
    >>> ev.effects.set_index("measure_id").loc["M01", "verdict"]
    'effective'
    """
    unknown = sorted(set(arguments) - set(_RUN_DEFAULTS))
    if unknown:
        raise TypeError(f"start() got unexpected keyword arguments: {', '.join(unknown)}")
    given = {**_RUN_DEFAULTS, **arguments}
    s = _setup(diag, problems, priority, knox, given)
    cfg = diag.config
    ahead = bool(cfg.param("worker_process")) and len(diag.incidents) > int(
        cfg.param("worker_max_incidents")
    )
    jobs = _submit(diag, s, early=True) if ahead else {}
    return Started(diag=diag, inputs=(problems, priority, knox), arguments=given, jobs=jobs)


def _options(p: Mapping[str, Any], buffer_m: Any = None, control_sectors: Any = None) -> _Options:
    """How the measures are evaluated, from the tunables of step 3 (see :func:`_parameters`)."""
    return _Options(
        window_months=int(p["window_months"]),
        lag_months=int(p["lag_months"]),
        buffer_m=buffer_m,
        control=p["control"],
        control_sectors=control_sectors,
        k_similar=int(p["similar_sectors"]),
        exclude_other_measures=bool(p["exclude_other_measures"]),
        min_events=int(p["min_events"]),
        alpha=float(p["alpha"]),
        dispersion_months=int(p["dispersion_months"]),
        exceptional_alpha=float(p["exceptional_month_alpha"]),
        promising=float(p["promising_res"]),
        promising_p=float(p["promising_p"]),
        margin=float(p["effect_margin"]),
        placebo=PlaceboOptions(
            history_months=int(p["history_months"]),
            min_history_months=int(p["min_history_months"]),
            placebos=int(p["placebos"]),
            min_placebos=int(p["min_placebos"]),
            rtm_alpha=float(p["rtm_alpha"]),
        ),
    )


def _effects_part(
    diag: Diagnostic,
    period: tuple,
    p: Mapping[str, Any],
    opt: _Options,
    ahead: workers.Pending | None = None,
) -> dict[str, Any]:
    """Effects and verdicts of the measures, and the time series of the municipality-wide ones.

    ``ahead``: the placebo placements of :func:`_ahead_part`, if computed.
    """
    mea, inc = diag.measures, diag.incidents
    eff, design, monthly = _registered_designs(diag, period, opt, ahead)
    its = its_for_measures(
        mea,
        inc,
        *period,
        lag_months=opt.lag_months,
        min_months=int(p["its_min_months"]),
        alpha=opt.alpha,
    )
    return {"effects": eff, "design": design, "monthly": monthly, "its": its}


def _design_groups(diag: Diagnostic, opt: _Options) -> list[tuple[list[str], _Options]]:
    """The measures evaluated together, and their options: one group per registered design.

    A measure with a ``[designs.<id>]`` table in the config is evaluated with its
    own windows, lag, ring and control; the others with the ``[parameters]`` design.
    """
    designs = diag.config.designs
    groups: dict[tuple, list[str]] = {}
    for mid in diag.measures["measure_id"].astype(str):
        d = designs.get(mid, {})
        key = tuple(sorted((k, v) for k, v in d.items() if k != "registered"))
        groups.setdefault(key, []).append(mid)
    out = []
    for key, members in groups.items():
        change = {k: v for k, v in key}
        if "buffer_m" in change:
            change["buffer_m"] = {m: change["buffer_m"] for m in members}
        out.append((members, replace(opt, **change) if change else opt))
    return out


def _registered_designs(
    diag: Diagnostic, period: tuple, opt: _Options, ahead: workers.Pending | None = None
) -> tuple[pd.DataFrame, pd.DataFrame, pd.DataFrame]:
    """Every measure evaluated with its pre-registered design, then judged together.

    The groups of :func:`_design_groups`; the q-values and verdicts are then
    computed across every measure of the diagnosis at once (one family of tests).
    ``ahead``: the job computing the placebo placements of every group
    (:func:`~diagnostic_lib.evaluation.ahead.placements_ahead`), or ``None``; its
    result is collected when the first placebo is needed (after the design areas).
    """
    mea, inc, sec = diag.measures, diag.incidents, diag.sectors
    ids = mea["measure_id"].astype(str)
    designs = diag.config.designs
    parts = []
    for k, (members, o) in enumerate(_design_groups(diag, opt)):
        placed = None if ahead is None else functools.partial(_group_placements, ahead, k)
        # judged below, all together: not each group first
        o = replace(o, judge=False)
        parts.append(_evaluate_core(mea, inc, sec, period, o, ids=members, placed=placed))
    eff = pd.concat([p[0] for p in parts]).loc[mea.index]
    registered = ids.map(lambda m: designs.get(m, {}).get("registered"))
    eff["registered"] = registered.to_numpy()
    eff = _rejudge(eff, opt, pd.Timestamp(period[0]))
    eff["registered"] = eff.pop("registered")  # last, as it always was
    design = pd.concat([p[1] for p in parts], ignore_index=True)
    monthly = pd.concat([p[2] for p in parts], ignore_index=True)
    return eff, design, monthly


_WORKER_MIN_INCIDENTS = 20_000
"""Incidents from which relevance and risk go to the worker even if it is not running."""


def _group_placements(ahead: workers.Pending, k: int) -> dict[str, Any] | None:
    """The placebo placements of the ``k``-th group of measures, from the job computing them."""
    return ahead.result()[k]


def _ahead_part(diag: Diagnostic, period: tuple, opt: _Options) -> workers.Pending | None:
    """The measures' placebo placements, sent to the worker before the projections; or ``None``.

    Only when the jobs that read the incidents run here (more incidents than the
    ``worker_max_incidents`` tunable; :func:`_context_part`): the worker would
    otherwise have little to do while this process computes the relevance and the
    risk. Below that, those jobs go to the worker and the placements are found here,
    measure by measure.
    """
    cfg = diag.config
    if not cfg.param("worker_process") or len(diag.incidents) <= int(
        cfg.param("worker_max_incidents")
    ):
        return None
    gaps = coverage.gap_months(diag.incidents, end=period[1])
    groups = _design_groups(diag, opt)
    args = (diag.measures, diag.sectors, period, groups, gaps)
    return workers.shared_worker().submit(placements_ahead, *args)


CONTEXT_COLUMNS: tuple[str, ...] = (
    "occurred_from",
    "occurred_to",
    "category",
    "family",
    "sector",
    "shift",
)
"""The incidents' columns that reach, relevance and risk read, besides their points."""


def _context_part(
    diag: Diagnostic,
    problems: pd.DataFrame,
    priority: pd.DataFrame,
    period: tuple,
    p: Mapping[str, Any],
    knox: tuple,
    bounded: bool = True,
    history: bool = False,
) -> workers.Pending:
    """Reach, relevance, pillars and risk: what reads the incidents but not the effects.

    Sent to the process's worker (:mod:`diagnostic_lib.workers`, the
    ``worker_process`` tunable) with a copy of the diagnosis that holds no ledger,
    walks or partners, and, for the incidents, what those analyses read of them:
    :data:`CONTEXT_COLUMNS` (the text as categories) and each point as two
    numbers (:func:`~diagnostic_lib._points.point_table`, about 40 bytes an
    incident; the worker would otherwise rebuild every point object). Over the
    config's ``worker_max_incidents`` the job runs here, on the incidents as they are:
    at 5M its scratch (~1.4 GB) and its answer (~0.2 GB sent back) beside the effects'
    4.8 GB here passed 6 GB, and the two processes, each on a core, slowed each other
    down about as much as the job took. ``knox`` is ``(table or None, categories,
    permutations, seed)``. ``bounded=False`` (:func:`start`, whose job runs beside
    step 2, not beside the effects): to the worker at any size; ``history``: the
    answer also holds the projections' monthly counts (``"history"``, see
    :func:`_future_part`), counted there from the same table. At 5M, sent so
    during step 2 (risk first, see :func:`_context`), the run took 171 s instead of
    184 s and its peak stayed under 6 GB (5.86 GB: the worker's 1.5 GB beside
    step 2's 4.3 GB).
    """
    inc = diag.incidents
    worker = workers.worker_for(
        bool(diag.config.param("worker_process")),
        len(inc),
        at_least=_WORKER_MIN_INCIDENTS,
        at_most=int(diag.config.param("worker_max_incidents")) if bounded else None,
    )
    if worker.enabled:  # here, the incidents as they are (a table would be a copy)
        inc = point_table(inc, CONTEXT_COLUMNS, text=CONTEXT_COLUMNS[2:])
    light = replace(
        diag, incidents=inc, ledger=Ledger(), walks=None, partners=None, cache_entry=None
    )
    return worker.submit(_context, light, problems, priority, period, p, knox, history)


def _context(
    diag: Diagnostic,
    problems: pd.DataFrame,
    priority: pd.DataFrame,
    period: tuple,
    p: Mapping[str, Any],
    knox: tuple,
    history: bool = False,
) -> dict[str, Any]:
    """The relevance and risk parts of step 3 (see :func:`_context_part`).

    What the first part freed is given back before the second: each holds up to
    ~0.5 GB of scratch at 5M, in two allocators that would otherwise keep it. The
    risk first: it needs the more memory (its grid of cells), and in the worker
    during step 2 (:func:`start`) that is when this process holds less. In the
    worker, the caches the job filled are then emptied (:func:`inventory.clear_caches`:
    the jobs after it there read none of them). ``history``: the projections' monthly
    counts too, first (:func:`_future_part`).
    """
    ds, de = period
    counts = (
        {"history": monthly_counts(diag.incidents, ("sector", "family"), start=ds, end=de)}
        if history
        else {}
    )
    _memory.give_back()
    risk = _risk_part(diag, period, p, *knox)
    _memory.give_back()
    out = {**_relevance_part(diag, problems, priority, period, p), **risk, **counts}
    if workers.in_worker_process():
        inventory.clear_caches()
    return out


def _relevance_part(
    diag: Diagnostic,
    problems: pd.DataFrame,
    priority: pd.DataFrame,
    period: tuple,
    p: Mapping[str, Any],
) -> dict[str, Any]:
    """Reach, relevance and pillars (the flags come after the effects, see :func:`run`)."""
    mea, inc, sec, de = diag.measures, diag.incidents, diag.sectors, period[1]
    mat = reach_matrix(mea, problems, inc, sec)
    _memory.give_back()  # its scratch (~0.4 GB at 5M), before the relevance's own
    min_reach = float(p["relevance_min_reach"])
    rel = relevance(mea, problems, inc, sec, priority, data_end=de, min_reach=min_reach, matrix=mat)
    pil = pillar_balance(mea, de, low=float(p["pillar_under"]), high=float(p["pillar_over"]))
    return {"reach": mat, "relevance": rel, "pillars": pil}


def _risk_part(
    diag: Diagnostic,
    period: tuple,
    p: Mapping[str, Any],
    knox: pd.DataFrame | None,
    knox_categories: Sequence[str],
    permutations: int,
    seed: int,
) -> dict[str, Any]:
    """Current risk, near-repeat cells and the risk terrain."""
    inc, sec, de, alpha = diag.incidents, diag.sectors, period[1], float(p["alpha"])
    cur = current_risk(
        inc,
        sec,
        diag.weights,
        diag.survey,
        end=de,
        min_events=int(p["min_events"]),
        alpha=alpha,
        scale=p["risk_scale"],
    )
    nr_inc = inc[inc["category"].isin(list(knox_categories))]
    kn = (
        knox
        if knox is not None
        else inventory.knox_test(
            nr_inc,
            permutations=permutations,
            seed=seed,
            block_days=float(diag.config.param("knox_block_days")),
        )
    )
    with warnings.catch_warnings():
        # a coarse grid is the user's choice; step 1 warns
        warnings.simplefilter("ignore", inventory.GridWarning)
        grid = inventory.make_grid(sec, p["grid_cell_m"])
    ratio = float(p["near_repeat_min_ratio"])
    nr = near_repeat_risk(nr_inc, grid, kn, de, alpha=alpha, min_ratio=ratio)
    rtab, surf = _terrain(diag, grid, p)
    return {
        "current_risk": cur,
        "knox": near_repeat_envelope(kn, alpha, min_ratio=ratio),
        "near_repeat": nr,
        "risk_terrain": rtab,
        "risk_surface": surf,
        "grid": grid,
    }


def _terrain(diag: Diagnostic, grid: pd.DataFrame, p: Mapping[str, Any]) -> tuple:
    """The risk terrain of all incidents and of each family, and the surface of all incidents."""
    inc, places = diag.incidents, diag.places
    distance = float(p["risk_terrain_distance_m"])
    rts = []
    if places is not None and len(places):
        near = _kinds_near(places, grid, distance)  # the same for every family
        geo = inc[point_columns(inc)]  # all grid_counts reads
        families = sorted({str(f) for f in inc["family"].dropna().unique()})  # not a text a row
        for fam in ("all", *families):
            sub = geo if fam == "all" else geo[(inc["family"] == fam).to_numpy()]
            y = inventory.grid_counts(sub, grid).to_numpy(dtype="float64")
            rt = _terrain_fit(
                y,
                near,
                grid,
                distance=distance,
                alpha=float(p["alpha"]),
                min_cells=int(p["risk_terrain_min_cells"]),
                shifts=int(p["risk_terrain_shifts"]),
            )
            rt.insert(0, "family", fam)
            rts.append(rt)
    rtab = pd.concat(rts, ignore_index=True) if rts else pd.DataFrame()
    if not len(rtab):
        return rtab, pd.Series(1.0, index=grid.index, name="relative_risk")
    rtab.attrs.update(
        distance_m=distance,
        min_cells=int(p["risk_terrain_min_cells"]),
        shifts=int(p["risk_terrain_shifts"]),
    )
    allf = rtab[rtab["family"] == "all"].drop(columns="family")
    allf.attrs["distance_m"] = distance
    return rtab, risk_terrain_surface(grid, places, allf)


_WORKER_MIN_SERIES = 200
"""Sector × family series from which the projections go to the worker even if it is not running
(about 2 s of work: more than the worker's start)."""


_FORECAST_KEYS = (
    "forecast_horizon",
    "forecast_level",
    "forecast_simulations",
    "forecast_min_events",
    "forecast_min_months",
    "seasonality_p",
    "alpha",
    "emerging_min_events",
    "backtest_origins",
    "backtest_max_sectors",
    "backtest_min_skill",
    "backtest_coverage_tolerance",
)
"""The tunables the projections read."""


def _future_part(
    diag: Diagnostic,
    period: tuple,
    p: Mapping[str, Any],
    seed: int,
    history: pd.DataFrame | None = None,
) -> workers.Pending:
    """Projections of the next months, their backtest and whether they can be trusted.

    Sent to the process's worker (:mod:`diagnostic_lib.workers`, the
    ``worker_process`` tunable) with the monthly counts, which are all it
    reads: the caller collects the result after the rest of step 3. ``history``:
    those counts, already made (by the worker, with reach and risk: :func:`start`;
    3 s of this process's time at 5M).
    """
    ds, de = period
    hist = (
        monthly_counts(diag.incidents, ("sector", "family"), start=ds, end=de)
        if history is None
        else history
    )
    # a few series take less time than the worker takes to start: then only if it runs
    series = hist.groupby(["sector", "family"], observed=True).ngroups
    worker = workers.worker_for(
        bool(diag.config.param("worker_process")), series, at_least=_WORKER_MIN_SERIES
    )
    return worker.submit(_forecasts, hist, de, {k: p[k] for k in _FORECAST_KEYS}, seed)


def _forecasts(
    hist: pd.DataFrame, de: pd.Timestamp, p: Mapping[str, Any], seed: int
) -> dict[str, Any]:
    """The projections, their backtest and its summary, from the monthly counts."""
    model = {
        "horizon": int(p["forecast_horizon"]),
        "level": float(p["forecast_level"]),
        "n_sim": int(p["forecast_simulations"]),
        "seed": seed,
        "min_events": int(p["forecast_min_events"]),
        "min_months": int(p["forecast_min_months"]),
        "seasonality_p": float(p["seasonality_p"]),
    }
    by = ("sector", "family")
    proj = project(
        history=hist,
        by=by,
        end=de,
        alpha=float(p["alpha"]),
        emerging_min=float(p["emerging_min_events"]),
        **model,
    )
    bt = backtest(
        history=hist,
        by=by,
        end=de,
        origins=int(p["backtest_origins"]),
        max_sectors=int(p["backtest_max_sectors"]),
        **model,
    )
    bts = backtest_summary(
        bt,
        model["level"],
        min_skill=float(p["backtest_min_skill"]),
        tolerance=float(p["backtest_coverage_tolerance"]),
    )
    return {"projection": proj, "backtest": bt, "backtest_summary": bts}
