"""The effect of each action a year later: its pre-registered design, run on the new data.

Each action of ``plan.toml`` carries the evaluation design fixed the day the
plan was saved (``[action.design]``, see
:func:`diagnostic_lib.strategy.record.evaluation_design`). :func:`action_effects`
runs **that design only** on the new data, with the verdict rules of step 3: a
located problem by the placebo-corrected before/after comparison
(:func:`diagnostic_lib.evaluation.evaluate_registered`: the problem's place
in the previous register, or its sectors for an area, as treated area, its
ring, the rest of the municipality as control), a municipality-wide one by
the interrupted time series (:func:`diagnostic_lib.evaluation.its_for_measures`).
No other design is tried.

An action **not implemented as planned** (fidelity other than ``as_planned``)
gets no effect verdict: its effect is not judged as if it had been carried out
(status ``not_judged``); its text says why — not carried out as planned, or its
implementation not documented (no done value, or no planned dose to compare with).
An action without a design has status ``no_design``.

Examples
--------
>>> EFFECT_STATUSES
('judged', 'not_judged', 'no_design')
"""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any

import geopandas as gpd
import numpy as np
import pandas as pd

from .. import evaluation, i18n

EFFECT_STATUSES = ("judged", "not_judged", "no_design")
"""Whether an action's effect was judged with its pre-registered design."""

COLUMNS = (
    "plan_id",
    "problem_id",
    "status",
    "estimator",
    "registered",
    "verdict",
    "res",
    "res_low",
    "res_high",
    "text_fr",
    "text_en",
)

_RES = ("res_corrected", "res_corrected_low", "res_corrected_high")


def _measure(rec: Any, design: Mapping[str, Any], area: Any) -> dict[str, Any]:
    """An action as a measure of step 3: its problem's area, categories, shift and start."""
    kind = design.get("target_kind")
    town = kind == "municipality"
    footprint = "municipality" if town else "sectors" if kind == "area" else "polygon"
    shift = design.get("target_shift") or ""
    return {
        "measure_id": str(rec.plan_id),
        "name": str(getattr(rec, "response_fr", "") or rec.plan_id),
        "name_en": str(getattr(rec, "response_en", "") or rec.plan_id),
        "pillar": "prevention",
        "kind": str(getattr(rec, "response_id", "") or ""),
        "target_categories": tuple(design.get("target_categories") or ()),
        "target_shifts": (shift,) if shift else (),
        "start": pd.Timestamp(design["start"]),
        "end": pd.NaT,
        "footprint": footprint,
        "footprint_sectors": tuple(design.get("target_sectors") or ()),
        "buffer_m": float(design.get("buffer_m", np.nan)),
        "geometry": area if footprint == "polygon" else None,
    }


def _placebo_rows(
    located: list[dict], designs: dict, incidents: pd.DataFrame, sectors: pd.DataFrame, period: Any
) -> dict[str, dict[str, Any]]:
    if not located:
        return {}
    m = gpd.GeoDataFrame(located, geometry="geometry", crs=sectors.crs)
    eff = evaluation.evaluate_registered(m, incidents, sectors, designs, *period)
    out = {}
    for r in eff.to_dict("records"):
        out[str(r["measure_id"])] = {
            "estimator": "placebo_corrected_res",
            "verdict": r["verdict"],
            "res": r.get(_RES[0], np.nan),
            "res_low": r.get(_RES[1], np.nan),
            "res_high": r.get(_RES[2], np.nan),
            "text_fr": r["verdict_fr"],
            "text_en": r["verdict_en"],
        }
    return out


def _its_rows(
    town: list[dict], designs: dict, incidents: pd.DataFrame, period: Any
) -> dict[str, dict[str, Any]]:
    out = {}
    for rec in town:
        d = designs[rec["measure_id"]]
        t = evaluation.its_for_measures(
            pd.DataFrame([rec]),
            incidents,
            *period,
            lag_months=int(d.get("lag_months", 0)),
            alpha=float(d.get("alpha", 0.05)),
        )
        if not len(t):
            continue
        r = t.iloc[0]
        out[rec["measure_id"]] = {
            "estimator": "interrupted_time_series",
            "verdict": f"its_{r['reading']}",
            "res": 1 / r["level_irr"] if r["level_irr"] else np.nan,
            "res_low": 1 / r["level_high"] if r["level_high"] else np.nan,
            "res_high": 1 / r["level_low"] if r["level_low"] else np.nan,
            "text_fr": r["text_fr"],
            "text_en": r["text_en"],
        }
    return out


def action_effects(
    plan: pd.DataFrame,
    register: pd.DataFrame,
    incidents: pd.DataFrame,
    sectors: pd.DataFrame,
    period: tuple[Any, Any],
    fidelity: Mapping[str, str] | None = None,
) -> pd.DataFrame:
    """Each action's effect, by its pre-registered design only, on the new data.

    Parameters
    ----------
    plan : DataFrame
        The plan (:func:`diagnostic_lib.strategy.read_plan` of ``plan.toml``):
        ``plan_id``, ``problem_id``, ``design`` (a dict).
    register : GeoDataFrame
        The previous problem register (the treated areas).
    incidents, sectors : DataFrame
        The new data's canonical tables.
    period : (start, end)
        The new data's period, end exclusive
        (:func:`diagnostic_lib.evaluation.data_period`).
    fidelity : mapping, optional
        ``plan_id`` → fidelity status (:func:`diagnostic_lib.strategy.fidelity`);
        an action whose status is not ``as_planned`` is not judged. Default:
        every action judged.

    Returns
    -------
    DataFrame
        One row per action: ``plan_id, problem_id, status``
        (:data:`EFFECT_STATUSES`), ``estimator``, ``registered`` (the day the
        design was fixed), ``verdict`` (a step-3 verdict, or ``its_<reading>``
        for the interrupted time series), the corrected relative effect size
        ``res`` with its interval (``res_low``, ``res_high``; above 1 = a fall)
        and the verdict in words (``text_fr``, ``text_en``).

    Examples
    --------
    >>> plan = pd.DataFrame({"plan_id": ["A01"], "problem_id": ["P1"], "design": [None]})
    >>> e = action_effects(plan, gpd.GeoDataFrame({"problem_id": []}, geometry=[]),
    ...                    pd.DataFrame(), gpd.GeoDataFrame(geometry=[]), ("2025", "2026"))
    >>> e[["status", "verdict"]].values.tolist()
    [['no_design', None]]
    """
    areas = dict(zip(register["problem_id"], register.geometry, strict=True))
    rows, designs, located, town, reasons = [], {}, [], [], {}
    for rec in plan.itertuples(index=False):
        design = getattr(rec, "design", None)
        row = dict.fromkeys(COLUMNS)
        row.update(plan_id=str(rec.plan_id), problem_id=rec.problem_id)
        if not isinstance(design, Mapping) or not design.get("start"):
            row["status"] = "no_design"
        elif fidelity is not None and fidelity.get(rec.plan_id) != "as_planned":
            row.update(status="not_judged", registered=design.get("registered"))
            reasons[row["plan_id"]] = fidelity.get(rec.plan_id)
        else:
            row.update(status="judged", registered=design.get("registered"))
            designs[row["plan_id"]] = design
            m = _measure(rec, design, areas.get(rec.problem_id))
            (town if m["footprint"] == "municipality" else located).append(m)
        rows.append(row)
    found = _placebo_rows(located, designs, incidents, sectors, period)
    found.update(_its_rows(town, designs, incidents, period))
    for row in rows:
        row.update(found.get(row["plan_id"], {}))
        if row["status"] != "judged":
            key = f"followup.effect.{row['status']}"
            why = reasons.get(row["plan_id"])
            if why in ("not_reported", "no_plan"):  # unknown, not "not carried out"
                key = f"{key}.{why}"
            for lg in ("fr", "en"):
                row[f"text_{lg}"] = i18n.t(key, lg)
    return pd.DataFrame(rows, columns=list(COLUMNS))


def effect_label(status: str, lang: str = "fr") -> str:
    """Why an action's effect is or is not judged, in words.

    Examples
    --------
    >>> effect_label("not_judged", "en")[:28]
    'Not judged: not implemented '
    """
    return i18n.t(f"followup.effect.{status}", lang)
