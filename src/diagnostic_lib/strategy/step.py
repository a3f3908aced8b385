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

from .catalogue import load_catalogue
from .plan import action_plan
from .ranking import choose, rank_responses

if TYPE_CHECKING:
    from ..inventory import Inventory
    from ..loaders import Diagnostic


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
    :mod:`diagnostic_lib.settings`): ``response_weights``, ``min_fit``,
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
    )
    return Strategy(catalogue, ranking, chosen, plan, params)


_TUNABLES = (
    "response_weights",
    "min_fit",
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
