"""Everything about one measure, or one problem, from a step-2 result."""

from __future__ import annotations

from typing import Any

import numpy as np
import pandas as pd

from .before_after import before_after_counts, before_after_incidents
from .levels import _LEVEL_RANK
from .partners import partner_suggestions
from .results import MeasureInventory


def measure_card(
    result: MeasureInventory, incidents: pd.DataFrame, measure_id: str
) -> dict[str, Any]:
    """Everything about one measure: its register row, its problems, the incidents around it.

    Parameters
    ----------
    result : MeasureInventory
        From :func:`run`.
    incidents : DataFrame
        Canonical incidents.
    measure_id : str

    Returns
    -------
    dict
        ``measure`` (one-row register), ``problems`` (the problems it
        addresses, with levels and titles), ``counts`` (one-row
        :func:`before_after_counts`), ``incidents`` (:func:`before_after_incidents`),
        ``area`` and ``ring`` (geometries).

    Examples
    --------
    >>> from diagnostic_lib import inventory, loaders, sample
    >>> from diagnostic_lib.measures import run
    >>> d = loaders.load_diagnostic(sample.sample_dir() / "diagnostic.toml")
    >>> inv = inventory.run(d, permutations=9)
    >>> res = run(d, inv.problems, inv.priority, buffer_m={"M03": 300})
    >>> card = measure_card(res, d.incidents, "M03")
    >>> zones = ["treated_before", "treated_after", "buffer_before", "buffer_after"]
    >>> card["counts"][zones].values.tolist()
    [[168, 93, 59, 96]]
    """
    reg = result.registry
    sel = reg["measure_id"].astype(str) == str(measure_id)
    if not sel.any():
        raise KeyError(f"no measure {measure_id!r}")
    j = int(np.flatnonzero(sel.to_numpy())[0])
    p = result.parameters
    cov = result.coverage
    probs = cov[(cov["measure_id"] == str(measure_id)) & (cov["level"] != "none")].copy()
    titles = result.by_problem.set_index("problem_id")[["title_fr", "title_en", "rank"]]
    probs = probs.join(titles, on="problem_id")
    probs["_r"] = probs["level"].map(_LEVEL_RANK)
    probs = probs.sort_values(["_r", "problem_id"], ascending=[False, True]).drop(columns="_r")
    cols = [
        "problem_id",
        "title_fr",
        "title_en",
        "rank",
        "level",
        "thematic_share",
        "spatial_share",
        "shift_match",
        "note",
    ]
    meas = result.measures
    ba = before_after_incidents(
        meas, incidents, measure_id, result.areas, result.rings, p["window_days"], p["period_start"]
    )
    counts = before_after_counts(
        meas.iloc[[j]],
        incidents,
        result.areas.iloc[[j]],
        result.rings.iloc[[j]],
        p["window_days"],
        p["period_start"],
        p["period_end"],
    )
    return {
        "measure": reg.iloc[[j]],
        "problems": probs[cols].reset_index(drop=True),
        "counts": counts,
        "incidents": ba,
        "area": np.asarray(result.areas.array, dtype=object)[j],
        "ring": np.asarray(result.rings.array, dtype=object)[j],
    }


def problem_card(result: MeasureInventory, problem_id: str) -> dict[str, Any]:
    """Everything about one problem: its coverage, its measures, the partners who could help.

    Parameters
    ----------
    result : MeasureInventory
        From :func:`run`.
    problem_id : str

    Returns
    -------
    dict
        ``problem`` (one-row :func:`problem_coverage`), ``measures`` (every
        measure addressing it, active, planned or ended, with levels), and
        ``partners`` (:func:`partner_suggestions` for this problem, whatever
        its coverage).

    Examples
    --------
    >>> from diagnostic_lib import inventory, loaders, sample
    >>> from diagnostic_lib.measures import run
    >>> d = loaders.load_diagnostic(sample.sample_dir() / "diagnostic.toml")
    >>> inv = inventory.run(d, permutations=9)
    >>> res = run(d, inv.problems, inv.priority)
    >>> card = problem_card(res, "PG-S05")
    >>> card["measures"][["measure_id", "level"]].values.tolist()[:2]
    [['M14', 'partial'], ['M06', 'weak']]
    """
    s = result.by_problem
    row = s[s["problem_id"] == str(problem_id)]
    if not len(row):
        raise KeyError(f"no problem {problem_id!r}")
    cov = result.coverage
    ms = cov[(cov["problem_id"] == str(problem_id)) & (cov["level"] != "none")].copy()
    ms = ms.join(
        result.registry.set_index("measure_id")[["name", "name_en", "kind", "partners"]],
        on="measure_id",
    )
    ms["_r"] = ms["level"].map(_LEVEL_RANK)
    ms["_a"] = (ms["status"] != "active").astype(int)
    ms = ms.sort_values(["_a", "_r", "measure_id"], ascending=[True, False, True]).drop(
        columns=["_r", "_a"]
    )
    cols = [
        "measure_id",
        "name",
        "name_en",
        "pillar",
        "kind",
        "status",
        "level",
        "thematic_share",
        "spatial_share",
        "shift_match",
        "partners",
        "note",
    ]
    sugg = partner_suggestions(
        result.problems,
        s,
        result.partners,
        result.registry,
        result.parameters.get("expertise_map"),
        levels=None,
        problem_ids=[str(problem_id)],
    )
    return {
        "problem": row.reset_index(drop=True),
        "measures": ms[cols].reset_index(drop=True),
        "partners": sugg,
    }
