"""The plan's SMART objectives a year later: met, not met or not measurable.

Each action of the plan (``plan.toml``) states an objective on its problem: at
most ``target`` events of its categories in its area over 12 months, against a
``baseline``. :func:`objective_status` counts those events in the new data, over
the 12 months that end where the data end, in the area of the problem as the
previous register drew it, each incident counted for one problem as the
baseline was (:func:`diagnostic_lib.inventory.problem_incidents`), and says
whether the target is met, with the count's 95 % interval
and the test of its change from the baseline.

Examples
--------
>>> OBJECTIVE_STATUSES
('met', 'not_met', 'not_measurable')
"""

from __future__ import annotations

from typing import Any

import numpy as np
import pandas as pd

from .. import i18n, inventory, settings, stats
from ..strategy.plan import FIRM_BASELINE_SHARE

OBJECTIVE_STATUSES = ("met", "not_met", "not_measurable")
"""Whether an objective is reached, in the order a report lists them."""

COLUMNS = (
    "plan_id",
    "problem_id",
    "baseline",
    "target",
    "count",
    "ci_low",
    "ci_high",
    "p_value",
    "status",
    "reason",
    "baseline_months",
    "provisional",
    "dispersion",
    "fall_evident",
)


def _number(v: Any) -> float:
    try:
        out = float(v)
    except (TypeError, ValueError):
        return np.nan
    return out


def _baseline_months(rec: Any) -> tuple[int, bool]:
    """How many months the baseline was counted over, and whether its target is provisional.

    A plan written before these fields existed, or edited without them, has a baseline
    of 12 months and a firm target.
    """
    months = _number(getattr(rec, "baseline_months", 12))
    months = int(months) if np.isfinite(months) and 1 <= months <= 12 else 12
    flag = getattr(rec, "target_provisional", None)
    if isinstance(flag, str):
        flag = flag.strip().lower() in ("true", "1", "yes", "oui")
    if flag is None or (isinstance(flag, float) and np.isnan(flag)):
        flag = months < FIRM_BASELINE_SHARE * 12
    return months, bool(flag)


def objective_status(
    plan: pd.DataFrame,
    register: pd.DataFrame,
    incidents: pd.DataFrame,
    end: Any,
    dispersion_alpha: float = 0.0,
    alpha: float = settings.default("alpha"),
) -> pd.DataFrame:
    """Each action's objective in the new data: the count, its interval and the verdict.

    Parameters
    ----------
    plan : DataFrame
        The plan (:func:`diagnostic_lib.strategy.read_plan`): ``plan_id``,
        ``problem_id``, ``categories``, ``baseline``, ``target``, and when the plan
        has them ``baseline_months`` (the months of data the baseline was counted
        over, scaled to 12) and ``target_provisional``.
    register : GeoDataFrame
        The previous problem register (:func:`diagnostic_lib.inventory.read_register`):
        ``problem_id``, ``kind``, ``categories``, ``geometry`` (and what
        :func:`diagnostic_lib.inventory.problem_incidents` reads).
    incidents : GeoDataFrame
        The new data's incidents (``occurred_from``, ``category``, geometry).
    end : date-like
        Where the new data end (exclusive); the objective's 12 months end there.
    dispersion_alpha : float
        The negative binomial ``alpha`` of a problem's count from one year to the
        next (:func:`diagnostic_lib.inventory.problem_fates` estimates it from the
        problems found again: ``attrs["alpha"]``); 0 (Poisson) understates the
        ordinary variation of crime counts.
    alpha : float
        Level of the test of the change from the baseline.

    Returns
    -------
    DataFrame
        One row per action: ``plan_id, problem_id, baseline, target``, the
        ``count`` of the 12 months with its 95 % interval (``ci_low``,
        ``ci_high``), the ``p_value`` of its change from the baseline (E-test),
        both quasi-likelihood: the counts read over the problem's ``dispersion``
        ``1 + dispersion_alpha (count + baseline) / 2``, the year-to-year variance
        over Poisson that a problem of that size shows; ``fall_evident``: the count
        is under the baseline at ``p_value < alpha`` (a target met without it is
        within ordinary variation); the ``status`` (:data:`OBJECTIVE_STATUSES`) and, when
        not measurable, the ``reason`` (``no_target``, ``no_area``, ``no_data``);
        ``baseline_months`` and ``provisional``: a baseline counted over fewer
        months was scaled to 12 by the plan, so the test sets the 12 months
        against the count of those months over their own exposure (the baseline
        is then as uncertain as its few months make it), and a target set on
        under :data:`~diagnostic_lib.strategy.plan.FIRM_BASELINE_SHARE` of the
        year is said to be provisional (its season was unknown).

    Examples
    --------
    >>> import geopandas as gpd, shapely
    >>> reg = gpd.GeoDataFrame({"problem_id": ["P1"], "kind": ["place"],
    ...     "categories": [("burglary",)], "dominant_shift": ["mixed"], "excluded": [False]},
    ...     geometry=[shapely.box(0, 0, 100, 100)], crs=32188)
    >>> inc = gpd.GeoDataFrame(
    ...     {"occurred_from": pd.to_datetime(["2025-12-01"] * 5 + ["2023-01-01"]),
    ...      "category": "burglary"},
    ...     geometry=[shapely.Point(50, 50)] * 6, crs=32188)
    >>> plan = pd.DataFrame({"plan_id": ["A01"], "problem_id": ["P1"],
    ...                      "categories": [("burglary",)], "baseline": [20], "target": [15]})
    >>> r = objective_status(plan, reg, inc, "2026-01-01")
    >>> r[["count", "status"]].values.tolist(), float(round(r.loc[0, "p_value"], 3))
    ([[5, 'met']], 0.002)

    The same count against a baseline of 20 a year extrapolated from 3 months
    (5 events in those 3 months): the fall rests on 5 events, not 20, so it is
    no longer evidence of a change, and the target was provisional.

    >>> r = objective_status(plan.assign(baseline_months=3), reg, inc, "2026-01-01")
    >>> float(round(r.loc[0, "p_value"], 2)), bool(r.loc[0, "provisional"])
    (0.17, True)

    With the ordinary year-to-year spread of such problems (``alpha`` 0.2: a
    variance 3.5 times Poisson's at this size), the target is met but the fall
    is within it.

    >>> r = objective_status(plan, reg, inc, "2026-01-01", dispersion_alpha=0.2)
    >>> r.loc[0, "status"], float(round(r.loc[0, "p_value"], 2)), bool(r.loc[0, "fall_evident"])
    ('met', 0.07, False)
    """
    end = pd.Timestamp(end)
    start = end - pd.DateOffset(months=12)
    when = incidents["occurred_from"]
    # the 12 months lie within the data: they start after the first and end by the last
    covered = (
        len(incidents) > 0 and when.min() <= start and when.max() >= end - pd.DateOffset(months=1)
    )
    window = incidents[(when >= start) & (when < end)]
    # the baseline counted each incident for one problem of the register (the first that
    # matches: categories, area, shift); the objective counts the new data the same way
    owner = inventory.problem_incidents(register, window) if len(window) else pd.Series()
    counts = owner.value_counts()
    known = set(register["problem_id"]) if "problem_id" in register.columns else set()
    rows = []
    for rec in plan.itertuples(index=False):
        out = dict.fromkeys(COLUMNS)
        out.update(plan_id=rec.plan_id, problem_id=rec.problem_id)
        base, target = _number(rec.baseline), _number(rec.target)
        out.update(baseline=base, target=target)
        reason = None
        if np.isnan(target) or np.isnan(base):
            reason = "no_target"
        elif rec.problem_id not in known:
            reason = "no_area"
        elif not covered:
            reason = "no_data"
        if reason is not None:
            rows.append(out | {"status": "not_measurable", "reason": reason})
            continue
        n = int(counts.get(rec.problem_id, 0))
        months, provisional = _baseline_months(rec)
        # quasi-likelihood: each count read over the year-to-year variance of a problem
        # of this size (negative binomial), which Poisson understates
        phi = 1.0 + max(float(dispersion_alpha), 0.0) * (n + base) / 2
        lo, hi = stats.poisson_ci(n / phi)
        out.update(count=n, ci_low=float(phi * lo), ci_high=float(phi * hi), dispersion=phi)
        out.update(baseline_months=months, provisional=provisional)
        # the plan scaled the baseline's months to 12: the test reads the count of those
        # months over their own exposure (a baseline of 3 months is a quarter's count)
        b = base * months / 12
        out["p_value"] = stats.e_test(round(n / phi), round(b / phi), 12.0, float(months))
        out["fall_evident"] = bool(out["p_value"] < alpha and n / 12 < b / months)
        out["status"] = "met" if n <= target else "not_met"
        rows.append(out)
    return pd.DataFrame(rows, columns=list(COLUMNS))


def objective_label(status: str, lang: str = "fr") -> str:
    """An objective's status in words.

    Examples
    --------
    >>> objective_label("not_measurable", "fr")
    'non mesurable'
    """
    return i18n.t(f"followup.objective.{status}", lang)
