"""The follow-up of a plan: fidelity, the fate of its problems, and its objectives.

:func:`review` puts together, one row per action, whether it was carried out
(:func:`diagnostic_lib.strategy.fidelity`), what became of its problem
(:func:`diagnostic_lib.inventory.problem_fates`) and whether its objective is
met (:func:`~diagnostic_lib.followup.objectives.objective_status`) and, with the
new data's sectors, its effect by its pre-registered design
(:func:`~diagnostic_lib.followup.effects.action_effects`). An action not
implemented as planned is not judged on its effect as if it had been: its
``judged`` is false and it gets no effect verdict.

Examples
--------
>>> Review.__dataclass_fields__.keys()
dict_keys(['actions', 'fidelity', 'fates', 'objectives', 'effects'])
"""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any

import pandas as pd

from .. import inventory, strategy
from .effects import COLUMNS as EFFECT_COLUMNS
from .effects import action_effects
from .objectives import objective_status


@dataclass
class Review:
    """The follow-up's tables.

    Attributes
    ----------
    actions : DataFrame
        One row per action: ``plan_id, problem_id, response_fr, response_en,
        fidelity`` (the action's status), ``dose`` (its smallest done ÷ planned),
        ``fate`` of its problem and ``current_id`` (the matching new problem),
        ``objective`` (status), ``count``, ``target``, ``judged`` (whether its
        effect may be judged: carried out as planned) and ``effect`` (its verdict
        by its pre-registered design; empty when not judged or not computed).
    fidelity : DataFrame
        Per indicator (:func:`diagnostic_lib.strategy.fidelity`).
    fates : DataFrame
        Per problem (:func:`diagnostic_lib.inventory.problem_fates`), new ones included.
    objectives : DataFrame
        Per action (:func:`~diagnostic_lib.followup.objectives.objective_status`).
    effects : DataFrame
        Per action (:func:`~diagnostic_lib.followup.effects.action_effects`);
        empty when the review was made without the new data's sectors.
    """

    actions: pd.DataFrame
    fidelity: pd.DataFrame
    fates: pd.DataFrame
    objectives: pd.DataFrame
    effects: pd.DataFrame = field(default_factory=lambda: pd.DataFrame(columns=EFFECT_COLUMNS))


def review(
    plan: pd.DataFrame,
    register: pd.DataFrame,
    problems: pd.DataFrame,
    incidents: pd.DataFrame,
    end: Any,
    *,
    share: float | None = None,
    fate_options: inventory.FateOptions | None = None,
    sectors: pd.DataFrame | None = None,
) -> Review:
    """The follow-up of a plan with the new data.

    Parameters
    ----------
    plan : DataFrame
        The previous plan (:func:`diagnostic_lib.strategy.read_plan` of its
        ``plan.toml``, indicators filled in).
    register : GeoDataFrame
        The previous problem register (:func:`diagnostic_lib.inventory.read_register`).
    problems : GeoDataFrame
        The new problems (``inventory.run(diag).problems``).
    incidents : GeoDataFrame
        The new incidents.
    end : date-like
        Where the new data end (exclusive).
    share : float, optional
        Fidelity threshold (default: the ``fidelity_share`` tunable).
    fate_options : FateOptions, optional
        Matching rules (default: the ``fate_*`` tunables).
    sectors : GeoDataFrame, optional
        The new data's sectors: with them, each action carried out as planned is
        evaluated by its pre-registered design (``effects``).

    Returns
    -------
    Review

    Examples
    --------
    >>> import geopandas as gpd, shapely
    >>> reg = gpd.GeoDataFrame({"problem_id": ["P1"], "kind": ["place"],
    ...     "categories": [("burglary",)], "families": [("property",)], "last_12": [20],
    ...     "dominant_shift": ["mixed"], "excluded": [False]},
    ...     geometry=[shapely.box(0, 0, 100, 100)], crs=32188)
    >>> inc = gpd.GeoDataFrame({"occurred_from": pd.to_datetime(["2025-12-01"] * 5 +
    ...     ["2024-01-01"]), "category": "burglary"}, geometry=[shapely.Point(50, 50)] * 6,
    ...     crs=32188)
    >>> plan = pd.DataFrame({"plan_id": ["A01"], "problem_id": ["P1"],
    ...     "response_fr": ["Éclairage"], "response_en": ["Lighting"],
    ...     "categories": [("burglary",)], "baseline": [20], "target": [15],
    ...     "indicators": [[{"indicator_id": "A01-I1", "kind": "lights_installed",
    ...                      "unit": "lights", "planned": 10, "done": 2}]]})
    >>> r = review(plan, reg, reg.assign(last_12=5), inc, "2026-01-01")
    >>> r.actions[["fidelity", "fate", "objective", "judged"]].values.tolist()
    [['not_implemented', 'shrunk', 'met', False]]
    """
    fid = strategy.fidelity(plan, share)
    fates = inventory.problem_fates(register, problems, fate_options)
    # the objectives' counts vary from year to year as the problems found again do
    obj = objective_status(plan, register, incidents, end, fates.attrs.get("alpha", 0.0))
    eff = pd.DataFrame(columns=list(EFFECT_COLUMNS))
    if sectors is not None:
        first = incidents["occurred_from"].min().normalize()  # the data's first day
        status = fid.drop_duplicates("plan_id").set_index("plan_id")["action_status"]
        eff = action_effects(plan, register, incidents, sectors, (first, end), status.to_dict())
    verdict = eff.set_index("plan_id")["verdict"] if len(eff) else pd.Series(dtype=object)
    per_action = fid.drop_duplicates("plan_id").set_index("plan_id")
    fate_of = fates.dropna(subset=["previous_id"]).set_index("previous_id")
    rows = []
    for rec, o in zip(plan.itertuples(index=False), obj.itertuples(index=False), strict=True):
        status = per_action["action_status"].get(rec.plan_id, "no_plan")
        pid = rec.problem_id
        rows.append(
            {
                "plan_id": rec.plan_id,
                "problem_id": pid,
                "response_fr": getattr(rec, "response_fr", None),
                "response_en": getattr(rec, "response_en", None),
                "fidelity": status,
                "dose": per_action["action_share"].get(rec.plan_id),
                "fate": fate_of["fate"].get(pid),
                "current_id": fate_of["current_id"].get(pid),
                "objective": o.status,
                "count": o.count,
                "target": o.target,
                "provisional": o.provisional,
                "judged": status == "as_planned",
                "effect": verdict.get(rec.plan_id),
            }
        )
    return Review(pd.DataFrame(rows), fid, fates, obj, eff)
