"""The action plan: per response, a SMART objective, owner, partners, monitoring and design.

:func:`action_plan` writes one line per chosen response; :func:`save_plan`
writes the plan as JSON (read by the next diagnosis with :func:`read_plan`)
and ``.xlsx``.

Examples
--------
>>> EXPECTED_REDUCTION["moderate"]
0.2
"""

from __future__ import annotations

import json
import math
from dataclasses import dataclass
from os import PathLike
from pathlib import Path
from typing import Any

import numpy as np
import pandas as pd

from .. import inventory
from ..errors import DataError
from .catalogue import DIRECTIONS, _level, evidence_text
from .power import minimum_detectable_effect

EXPECTED_REDUCTION = {"large": 0.30, "moderate": 0.20, "small": 0.10, "unknown": 0.10, "none": 0.0}
"""Reduction assumed for a SMART target from the evidence strength (a planning assumption)."""

_DEFAULT_OWNER = (
    "Section prévention et relations communautaires / Prevention and community relations unit"
)


@dataclass(frozen=True)
class _PlanContext:
    """What every line of the plan shares: the windows, the incidents, the choices."""

    incidents: pd.DataFrame
    members: pd.Series  # problem of each incident
    when: np.ndarray  # incident in the baseline window
    start: pd.Timestamp
    before0: pd.Timestamp
    partner_names: pd.Series
    horizon_months: int
    lag_months: int
    buffer_m: float
    owner: str
    alpha: float
    power: float


def _design(prob: pd.Series, ctx: _PlanContext, lang: str) -> str:
    """The pre-registered evaluation design, in step 3's terms."""
    h, lag, start = ctx.horizon_months, ctx.lag_months, ctx.start
    after = (start + pd.DateOffset(months=lag)).date()
    if prob.get("kind") == "municipality":
        if lang == "fr":
            return (
                "Série chronologique interrompue des comptes mensuels de la municipalité "
                f"({h} mois avant et après)."
            )
        return (
            f"Interrupted time series of the municipality's monthly counts ({h} months before "
            "and after)."
        )
    if lang == "fr":
        return (
            "Avant/après avec témoin : zone traitée = lieu du problème, anneau de "
            f"{ctx.buffer_m:g} m, témoin = reste de la municipalité ; fenêtres de {h} mois "
            f"avant {start.date()} et après {after} (délai de mise en œuvre {lag} mois)."
        )
    return (
        f"Before/after with control: treated = the problem's place, {ctx.buffer_m:g} m buffer "
        f"ring, control = rest of the municipality; {h}-month windows before {start.date()} "
        f"and after {after} (implementation lag {lag} months)."
    )


def _power_note(mde: float, underpowered: bool, ctx: _PlanContext, lang: str) -> str:
    if lang == "fr":
        head = (
            f"Effet minimal détectable : −{mde * 100:.0f} % "
            f"(puissance {ctx.power * 100:.0f} %, α = {ctx.alpha}). "
        )
        return head + (
            "La cible est sous ce seuil : l'évaluation risque d'être non concluante."
            if underpowered
            else "La cible est détectable."
        )
    head = (
        f"Minimum detectable effect: −{mde * 100:.0f}% "
        f"(power {ctx.power * 100:.0f}%, α = {ctx.alpha}). "
    )
    return head + (
        "The target is below it: the evaluation may be inconclusive."
        if underpowered
        else "The target is detectable."
    )


def _plan_row(i: int, rec: dict[str, Any], resp: pd.Series, prob: pd.Series, ctx: _PlanContext):
    pid = rec["problem_id"]
    inc = ctx.incidents
    in_prob = (ctx.members == pid).to_numpy()
    baseline = int((in_prob & ctx.when).sum())
    cats = set(prob["categories"])
    control = int((~in_prob & ctx.when & inc["category"].isin(list(cats)).to_numpy()).sum())
    red = EXPECTED_REDUCTION[resp["effect_strength"]] * max(
        DIRECTIONS[resp["effect_direction"]], 0.0
    )
    target = int(math.floor(baseline * (1 - red)))
    mde = minimum_detectable_effect(
        baseline, control if prob.get("kind") != "municipality" else None, ctx.alpha, ctx.power
    )
    deadline = ctx.start + pd.DateOffset(months=ctx.lag_months + ctx.horizon_months)
    prt = list(rec.get("partner_ids") or ())
    underpowered = mde > red
    cat_list = ", ".join(prob["categories"])
    return {
        "plan_id": f"A{i:02d}",
        "problem_id": pid,
        "problem_rank": int(rec.get("problem_rank", 0)),
        "problem_fr": prob.get("title_fr", pid),
        "problem_en": prob.get("title_en", pid),
        "response_id": resp["id"],
        "response_fr": resp["name_fr"],
        "response_en": resp["name_en"],
        "pillars": ";".join(resp["pillars"]),
        "indicator_fr": (f"Nombre d'événements du problème ({cat_list}) dans sa zone, par 12 mois"),
        "indicator_en": f"Number of the problem's events ({cat_list}) in its area, per 12 months",
        "baseline": baseline,
        "baseline_period": (f"{ctx.before0.date()} – {(ctx.start - pd.Timedelta(days=1)).date()}"),
        "expected_reduction": red,
        "target": target,
        "start": str(ctx.start.date()),
        "deadline": str(deadline.date()),
        "owner": ctx.owner or _DEFAULT_OWNER,
        "partner_ids": ";".join(prt),
        "partner_names": "; ".join(str(ctx.partner_names.get(p, p)) for p in prt),
        "resources": f"coût {_level(resp['cost_level'], 'fr')} / {resp['cost_level']} cost",
        "monitoring_fr": (
            "Comptes mensuels dans la zone et l'anneau ; préoccupation citoyenne (sondage) ; "
            "registre de mise en œuvre."
        ),
        "monitoring_en": (
            "Monthly counts in the area and the ring; citizen concern (survey); implementation log."
        ),
        "reevaluation_date": str((deadline + pd.DateOffset(months=1)).date()),
        "design_fr": _design(prob, ctx, "fr"),
        "design_en": _design(prob, ctx, "en"),
        "buffer_m": ctx.buffer_m,
        "control_events": control,
        "mde": mde,
        "underpowered": bool(underpowered),
        "power_note_fr": _power_note(mde, underpowered, ctx, "fr"),
        "power_note_en": _power_note(mde, underpowered, ctx, "en"),
        "evidence_fr": evidence_text(resp, "fr"),
        "evidence_en": evidence_text(resp, "en"),
        "source": resp["source"],
        "chosen_by": rec.get("chosen_by", "ranking"),
    }


def action_plan(  # noqa: PLR0913 - public signature kept for backward compatibility
    chosen: pd.DataFrame,
    problems: pd.DataFrame,
    incidents: pd.DataFrame,
    catalogue: pd.DataFrame,
    partners: pd.DataFrame | None = None,
    start: Any = None,
    horizon_months: int = 12,
    lag_months: int = 1,
    buffer_m: float = 200.0,
    owner: str = "",
    alpha: float = 0.05,
    power: float = 0.80,
) -> pd.DataFrame:
    """The action plan: a SMART objective, owner, partners, monitoring and evaluation design.

    The **baseline** is the number of the problem's events in the 12 months
    before ``start``; the **target** assumes the reduction the evidence
    suggests (:data:`EXPECTED_REDUCTION`: a planning assumption, stated); the
    **deadline** is ``start + lag + horizon``. The pre-registered evaluation
    design is step 3's: treated area = the problem's place, a buffer ring of
    ``buffer_m`` metres, control = the rest of the municipality, equal windows
    of ``horizon_months`` before the start and after the lag. The **power
    check** gives the minimum detectable effect (:func:`minimum_detectable_effect`)
    for the baseline and control counts, and says when the target is below it.

    Parameters
    ----------
    chosen : DataFrame
        From :func:`choose`.
    problems, incidents : DataFrame
        Problem register and canonical incidents.
    catalogue : DataFrame
        From :func:`load_catalogue`.
    partners : DataFrame, optional
        Canonical partners (for their names).
    start : timestamp, optional
        Planned start (default: the first day of the month after the last incident).
    horizon_months, lag_months : int
        Window length and implementation lag (months).
    buffer_m : float
        Width of the evaluation's buffer ring (m).
    owner : str
        Default owner (the analyst edits it per line).
    alpha, power : float
        Significance level and power of the power check.

    Returns
    -------
    DataFrame
        One row per chosen response; see the columns (all plain values, fit to
        save as JSON and Excel).

    Examples
    --------
    >>> from diagnostic_lib import inventory, loaders, sample
    >>> from diagnostic_lib.strategy import choose, load_catalogue, rank_responses
    >>> d = loaders.load_diagnostic(sample.sample_dir() / "diagnostic.toml")
    >>> inv = inventory.run(d, permutations=0)
    >>> cat = load_catalogue()
    >>> ranked = rank_responses(inv.problems, cat, inv.priority, partners=d.partners, top=3)
    >>> plan = action_plan(choose(ranked), inv.problems, d.incidents, cat, d.partners)
    >>> {"baseline", "target", "deadline", "mde", "source"} <= set(plan.columns)
    True
    """
    inc = incidents
    t_end = inc["occurred_from"].max() if len(inc) else pd.Timestamp.now()
    start_ts = (
        pd.Timestamp(start) if start is not None else (t_end.normalize() + pd.offsets.MonthBegin(1))
    )
    before0 = start_ts - pd.DateOffset(months=horizon_months)
    pnames = (
        partners.set_index("partner_id")["name"]
        if partners is not None and len(partners)
        else pd.Series(dtype="str")
    )
    ctx = _PlanContext(
        incidents=inc,
        members=inventory.problem_incidents(problems, inc),
        when=((inc["occurred_from"] >= before0) & (inc["occurred_from"] < start_ts)).to_numpy(),
        start=start_ts,
        before0=before0,
        partner_names=pnames,
        horizon_months=horizon_months,
        lag_months=lag_months,
        buffer_m=buffer_m,
        owner=owner,
        alpha=alpha,
        power=power,
    )
    pb = problems.set_index("problem_id")
    rows = [
        _plan_row(i, rec, catalogue.loc[rec["response_id"]], pb.loc[rec["problem_id"]], ctx)
        for i, rec in enumerate(chosen.to_dict("records"), start=1)
    ]
    return pd.DataFrame(rows)


def save_plan(plan: pd.DataFrame, path: str | PathLike[str]) -> tuple[Path, Path]:
    """Save the plan as JSON (machine-readable, read by the next diagnosis) and ``.xlsx``.

    Parameters
    ----------
    plan : DataFrame
        From :func:`action_plan`.
    path : path
        Base path; ``.json`` and ``.xlsx`` are written beside each other.

    Returns
    -------
    (pathlib.Path, pathlib.Path)

    Examples
    --------
    >>> import tempfile
    >>> p = pd.DataFrame({"plan_id": ["A01"], "problem_id": ["P1"], "response_id": ["x"],
    ...                   "baseline": [10], "target": [8], "deadline": ["2027-01-01"]})
    >>> j, x = save_plan(p, Path(tempfile.mkdtemp()) / "plan")
    >>> read_plan(j)["target"].tolist()
    [8]
    """
    base = Path(path)
    if base.suffix in (".json", ".xlsx"):
        base = base.with_suffix("")
    base.parent.mkdir(parents=True, exist_ok=True)
    jpath, xpath = base.with_suffix(".json"), base.with_suffix(".xlsx")
    records = json.loads(plan.to_json(orient="records", force_ascii=False, date_format="iso"))
    doc = {"format": "diagnostic_lib.action_plan", "version": 1, "actions": records}
    jpath.write_text(json.dumps(doc, ensure_ascii=False, indent=1) + "\n", encoding="utf-8")
    plan.to_excel(xpath, index=False, sheet_name="plan")
    return jpath, xpath


def read_plan(path: str | PathLike[str]) -> pd.DataFrame:
    """Read a plan written by :func:`save_plan` (for the next diagnosis).

    Parameters
    ----------
    path : path
        The ``.json`` file (or its base path).

    Returns
    -------
    DataFrame

    Raises
    ------
    DataError
        Not a plan file.

    Examples
    --------
    >>> read_plan("/no/plan.json")
    Traceback (most recent call last):
    ...
    diagnostic_lib.errors.DataError: /no/plan.json: action plan not found / plan d'action ...
    """
    p = Path(path)
    if p.suffix != ".json":
        p = p.with_suffix(".json")
    if not p.exists():
        raise DataError(f"{path}: action plan not found / plan d'action introuvable")
    try:
        doc = json.loads(p.read_text(encoding="utf-8"))
    except json.JSONDecodeError as exc:
        raise DataError(f"{p}: not a JSON action plan ({exc})") from None
    if not isinstance(doc, dict) or doc.get("format") != "diagnostic_lib.action_plan":
        raise DataError(f"{p}: not a diagnostic_lib action plan")
    return pd.DataFrame(doc.get("actions", []))
