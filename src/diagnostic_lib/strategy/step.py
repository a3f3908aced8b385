"""The whole step 4: rank, choose and plan, with the config's choices (:func:`run`).

Examples
--------
>>> Strategy.__dataclass_fields__.keys() >= {"ranking", "chosen", "plan"}
True
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from dataclasses import dataclass, field
from pathlib import Path
from typing import TYPE_CHECKING, Any

import pandas as pd

from .. import _memory, i18n
from ..evaluation.decision import Rule
from .catalogue import load_catalogue
from .plan import action_plan
from .ranking import choose, current_measures, rank_responses

if TYPE_CHECKING:
    from ..evaluation import Evaluation
    from ..inventory import Inventory
    from ..loaders import Diagnostic
    from ..measures import MeasureInventory


DISPLAY_COLUMNS: dict[str, tuple[str, ...]] = {
    "catalogue": (
        "name_{lang}",
        "families",
        "place_types",
        "pillars",
        "effect_direction",
        "effect_strength",
        "evidence_quality",
        "evidence_basis",
        "cost_level",
        "source",
    ),
    "ranking": (
        "problem_rank",
        "rank",
        "name_{lang}",
        "score",
        "fit",
        "evidence",
        "in_place",
        "pillar_balance",
        "partners",
    ),
    "plan": (
        "plan_id",
        "problem_{lang}",
        "response_{lang}",
        "baseline",
        "target",
        "deadline",
        "partner_names_{lang}",
        "mde",
    ),
}
"""The columns of the tables of step 4 shown to people (report, widgets, notebooks), in order.

Each key is a table of :class:`Strategy`; ``{lang}`` is the language. See
:meth:`Strategy.display_columns`.
"""


@dataclass
class Strategy:
    """Every table of step 4, as computed by :func:`run`.

    Attributes
    ----------
    catalogue : DataFrame
        The evidence catalogue used (packaged plus the user's entries).
    ranking : DataFrame
        The ranked candidate responses (:func:`rank_responses`).
    chosen : DataFrame
        The responses chosen (:func:`choose`).
    plan : DataFrame
        The action plan (:func:`action_plan`).
    parameters : dict
        The choices the step was run with.
    """

    catalogue: pd.DataFrame
    ranking: pd.DataFrame
    chosen: pd.DataFrame
    plan: pd.DataFrame
    parameters: dict[str, Any] = field(default_factory=dict)

    @staticmethod
    def display_columns(table: str, lang: str = "fr") -> list[str]:
        """The columns of ``table`` (e.g. ``"plan"``) shown to people, in ``lang``.

        A static method: ``Strategy.display_columns("plan", "en")`` serves where
        only the table is at hand (a widget). See :data:`DISPLAY_COLUMNS`.

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
        >>> Strategy.display_columns("plan", "en")[:3]
        ['plan_id', 'problem_en', 'response_en']
        """
        lang = i18n.check_lang(lang)
        return [c.format(lang=lang) for c in DISPLAY_COLUMNS[table]]


def current_from_steps(
    diag: Diagnostic,
    step2: MeasureInventory | None = None,
    step3: Evaluation | None = None,
) -> pd.DataFrame | None:
    """The measures already addressing each problem, from the results of steps 2 and 3.

    :func:`current_measures` of step 2's coverage and step 3's verdicts, at the
    config's ``current_min_level``: what :func:`run` takes as ``current``.

    Parameters
    ----------
    diag : Diagnostic
        From :func:`diagnostic_lib.loaders.load_diagnostic`.
    step2 : MeasureInventory, optional
        From :func:`diagnostic_lib.measures.run` (its ``coverage``).
    step3 : Evaluation, optional
        From :func:`diagnostic_lib.evaluation.run` (its ``verdicts``).

    Returns
    -------
    DataFrame or None
        ``problem_id, measure_id, kind, pillar, verdict``; ``None`` without
        step 2 or without measures.

    Examples
    --------
    >>> from diagnostic_lib import inventory, loaders, measures, sample
    >>> d = loaders.load_diagnostic(sample.sample_dir() / "diagnostic.toml")
    >>> inv = inventory.run(d, permutations=0)
    >>> cur = current_from_steps(d, measures.run(d, inv.problems, inv.priority))
    >>> cur.columns.tolist(), len(cur) > 0
    (['problem_id', 'measure_id', 'kind', 'pillar', 'verdict'], True)
    >>> current_from_steps(d) is None
    True
    """
    if step2 is None or diag.measures is None:
        return None
    verdicts = step3.verdicts if step3 is not None else None
    return current_measures(
        step2.coverage,
        diag.measures,
        verdicts,
        min_level=diag.config.param("current_min_level"),
    )


def _config_catalogue(diag: Diagnostic) -> pd.DataFrame:
    """The packaged catalogue plus the config's ``[strategy] catalogue`` entries."""
    extra = (
        (diag.config.raw.get("strategy", {}) or {}).get("catalogue")
        if hasattr(diag.config, "raw")
        else None
    )
    if extra:
        p = Path(str(extra))
        extra = p if p.is_absolute() else diag.config.base_dir / p
    return load_catalogue(extra=extra)


@_memory.gives_back
def run(
    diag: Diagnostic,
    inventory_result: Inventory,
    current: pd.DataFrame | None = None,
    catalogue: pd.DataFrame | None = None,
    top: int | None = None,
    per_problem: int | None = None,
    overrides: Mapping[str, Sequence[str]] | None = None,
    start: Any = None,
) -> Strategy:
    """Run step 4: rank responses for the top problems, choose, and write the plan.

    Every tunable of the step is read from the config (``[parameters]``, see
    :mod:`diagnostic_lib.settings`): ``response_weights``, ``min_fit``, ``walk_fit_bonus``,
    ``plan_problems``, ``responses_per_problem``, ``expected_reduction``,
    ``plan_lag_months``, ``plan_power``, and, shared with the other steps,
    ``window_months`` (the plan's windows are step 3's), ``buffer_m`` and
    ``alpha``. They are recorded in ``Strategy.parameters``.

    Parameters
    ----------
    diag : Diagnostic
        From :func:`diagnostic_lib.loaders.load_diagnostic`.
    inventory_result : Inventory
        From :func:`diagnostic_lib.inventory.run` (problems and priority).
    current : DataFrame, optional
        From :func:`current_measures` (steps 2 and 3).
    catalogue : DataFrame, optional
        Default: the packaged catalogue plus the config's ``[strategy] catalogue``.
    top, per_problem : int, optional
        Problems treated and responses ranked per problem (default: the config's
        ``plan_problems`` and ``responses_per_problem``).
    overrides : dict, optional
        The analyst's choices (see :func:`choose`).
    start : timestamp, optional
        Planned start of the responses.

    Returns
    -------
    Strategy

    Examples
    --------
    >>> from diagnostic_lib import inventory, loaders, sample
    >>> d = loaders.load_diagnostic(sample.sample_dir() / "diagnostic.toml")
    >>> s = run(d, inventory.run(d, permutations=0), top=3)
    >>> len(s.plan) == 3 and bool(s.plan["source"].str.len().gt(10).all())
    True
    """
    if catalogue is None:
        catalogue = _config_catalogue(diag)
    params = _parameters(diag, top, per_problem)
    ranking = rank_responses(
        inventory_result.problems,
        catalogue,
        inventory_result.priority,
        current,
        diag.partners,
        top=params["top"],
        per_problem=params["per_problem"],
        weights=params["response_weights"],
        min_fit=params["min_fit"],
        walk_counts=getattr(inventory_result, "walk_counts", None),
        walk_fit_bonus=params["walk_fit_bonus"],
    )
    chosen = choose(ranking, overrides=overrides)
    if start is None and diag.config.period_end is not None:
        start = diag.config.period_end + pd.Timedelta(days=1)
    plan = action_plan(
        chosen,
        inventory_result.problems,
        diag.incidents,
        catalogue,
        diag.partners,
        start=start,
        horizon_months=params["window_months"],
        lag_months=params["plan_lag_months"],
        buffer_m=float(params["buffer_m"]),
        alpha=params["alpha"],
        power=params["plan_power"],
        expected_reduction=params["expected_reduction"],
        taxonomy=diag.taxonomy,
        rule=_rule(diag, params["alpha"]),
    )
    return Strategy(catalogue, ranking, chosen, plan, params)


def _rule(diag: Diagnostic, alpha: float) -> Rule:
    """The verdict's thresholds of step 3, from the config (fixed in each action's design)."""
    p = diag.config.param
    return Rule(
        alpha=alpha,
        min_events=p("min_events"),
        margin=p("effect_margin"),
        promising=p("promising_res"),
        promising_p=p("promising_p"),
        min_history_months=p("min_history_months"),
        min_placebos=p("min_placebos"),
        rtm_alpha=p("rtm_alpha"),
    )


_TUNABLES = (
    "response_weights",
    "min_fit",
    "walk_fit_bonus",
    "expected_reduction",
    "window_months",
    "plan_lag_months",
    "buffer_m",
    "alpha",
    "plan_power",
)


def _parameters(diag: Diagnostic, top: int | None, per_problem: int | None) -> dict[str, Any]:
    """The step's choices: the arguments given, else the config's tunables."""
    param = diag.config.param
    return {
        "top": int(param("plan_problems") if top is None else top),
        "per_problem": int(param("responses_per_problem") if per_problem is None else per_problem),
        **{name: param(name) for name in _TUNABLES},
    }
