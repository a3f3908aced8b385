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
    top: int = 5,
    per_problem: int = 3,
    overrides: Mapping[str, Sequence[str]] | None = None,
    start: Any = None,
) -> Strategy:
    """Run step 4: rank responses for the top problems, choose, and write the plan.

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
    top, per_problem : int
        Problems treated and responses ranked per problem.
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
    ranking = rank_responses(
        inventory_result.problems,
        catalogue,
        inventory_result.priority,
        current,
        diag.partners,
        top=top,
        per_problem=per_problem,
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
        buffer_m=float(diag.config.param("buffer_m", 200)),
    )
    return Strategy(catalogue, ranking, chosen, plan, {"top": top, "per_problem": per_problem})
