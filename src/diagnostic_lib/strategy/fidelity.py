"""Fidelity: was each action of the plan carried out? Planned against done, per indicator.

An action whose implementation indicators fall below a stated share of their
planned dose (the ``fidelity_share`` tunable, 0.8 by default) is **not
implemented as planned**: its effect is not to be judged as if it had been.

=====================  ============================================================
status                 rule (per indicator; the action takes the first that holds
                       for any of its indicators)
=====================  ============================================================
``not_implemented``    done below ``share`` × planned
``not_reported``       a planned value but no done value
``no_plan``            no planned value (or zero): nothing to measure against
``as_planned``         done at least ``share`` × planned
=====================  ============================================================

Examples
--------
>>> FIDELITY_STATUSES[0]
'not_implemented'
"""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any

import numpy as np
import pandas as pd

from .. import i18n, settings

FIDELITY_STATUSES: tuple[str, ...] = ("not_implemented", "not_reported", "no_plan", "as_planned")
"""The fidelity statuses, the most telling first (an action takes its indicators' first)."""

COLUMNS: tuple[str, ...] = (
    "plan_id",
    "response_id",
    "indicator_id",
    "kind",
    "unit",
    "planned",
    "done",
    "share",
    "status",
    "action_share",
    "action_status",
)


def _value(v: Any) -> float:
    """A planned or done value as a float (NaN when empty or not a number)."""
    if isinstance(v, bool) or not isinstance(v, int | float | np.integer | np.floating):
        return float("nan")
    return float(v)


def _status(planned: float, done: float, share: float) -> str:
    if not np.isfinite(planned) or planned <= 0:
        return "no_plan"
    if not np.isfinite(done):
        return "not_reported"
    return "not_implemented" if done < share * planned else "as_planned"


def fidelity(plan: pd.DataFrame, share: float | None = None) -> pd.DataFrame:
    """Planned against done for each implementation indicator of the plan, and each action.

    Parameters
    ----------
    plan : DataFrame
        A plan with an ``indicators`` column (from
        :func:`~diagnostic_lib.strategy.read_plan` of ``plan.toml``, or
        :func:`~diagnostic_lib.strategy.action_plan`).
    share : float, optional
        The share of the planned dose below which an action is not implemented as
        planned (default: the ``fidelity_share`` tunable).

    Returns
    -------
    DataFrame
        One row per indicator (an action without any: one row, ``no_plan``):
        ``plan_id, response_id, indicator_id, kind, unit, planned, done, share``
        (done / planned), ``status`` (see the module's table), ``action_share``
        (the action's smallest share) and ``action_status`` (the first status of
        :data:`FIDELITY_STATUSES` among its indicators').

    Examples
    --------
    >>> plan = pd.DataFrame({"plan_id": ["A01", "A02"], "response_id": ["cctv", "foot_patrol"],
    ...     "indicators": [
    ...         [{"indicator_id": "A01-I1", "kind": "cameras_installed", "unit": "cameras",
    ...           "planned": 10, "done": 9}],
    ...         [{"indicator_id": "A02-I1", "kind": "patrol_hours", "unit": "hours",
    ...           "planned": 400, "done": 120},
    ...          {"indicator_id": "A02-I2", "kind": "people_reached", "unit": "people",
    ...           "planned": 500, "done": None}]]})
    >>> f = fidelity(plan)
    >>> f[["indicator_id", "share", "status", "action_status"]].values.tolist()
    [['A01-I1', 0.9, 'as_planned', 'as_planned'], ['A02-I1', 0.3, 'not_implemented', \
'not_implemented'], ['A02-I2', nan, 'not_reported', 'not_implemented']]
    """
    share = float(settings.default("fidelity_share") if share is None else share)
    if not 0 < share <= 1:
        raise ValueError("share must be in (0, 1]")
    rows = []
    for rec in plan.to_dict("records"):
        inds = rec.get("indicators")
        inds = [i for i in inds if isinstance(i, Mapping)] if isinstance(inds, list | tuple) else []
        base = {"plan_id": rec.get("plan_id"), "response_id": rec.get("response_id", "")}
        for ind in inds or [{}]:
            planned, done = _value(ind.get("planned")), _value(ind.get("done"))
            ratio = done / planned if np.isfinite(planned) and planned > 0 else float("nan")
            rows.append(
                {
                    **base,
                    "indicator_id": ind.get("indicator_id", ""),
                    "kind": ind.get("kind", ""),
                    "unit": ind.get("unit", ""),
                    "planned": planned,
                    "done": done,
                    "share": ratio,
                    "status": _status(planned, done, share),
                }
            )
    out = pd.DataFrame(rows, columns=list(COLUMNS[:-2]))
    rank = out["status"].map({s: k for k, s in enumerate(FIDELITY_STATUSES)})
    worst = rank.groupby(out["plan_id"], sort=False).transform("min")
    out["action_share"] = out.groupby("plan_id", sort=False)["share"].transform("min")
    out["action_status"] = worst.map(dict(enumerate(FIDELITY_STATUSES)))
    return out


def fidelity_label(status: str, lang: str = "fr") -> str:
    """A fidelity status in words ("Non mise en œuvre comme prévu").

    Examples
    --------
    >>> fidelity_label("not_implemented", "en")
    'Not implemented as planned'
    """
    return i18n.label("strategy.fidelity", status, lang)
