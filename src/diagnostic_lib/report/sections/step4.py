"""Step 4 of the report: intervention strategies and the action plan.

The catalogue responses ranked for each priority problem, then one box per
action of the plan (SMART objective, owner, partners, monitoring, evaluation
design, power, evidence). The public version suppresses a baseline or target
below the threshold.
"""

from __future__ import annotations

import html
from typing import Any

import pandas as pd
from markupsafe import Markup

from ... import formatting as fmt
from ... import strategy
from ..confidentiality import suppression_marker
from .context import SectionContext, _headers

RANKING_HEADERS = {
    "problem_rank": "report.col.problem_rank",
    "rank": "report.col.rank",
    "name_{lang}": "report.col.response",
    "score": "report.col.score",
    "fit": "report.col.fit",
    "evidence": "report.col.evidence",
    "in_place": "report.col.in_place",
    "pillar_balance": "report.col.pillars",
    "partners": "report.col.partners",
}
"""Column of the ranking → header label key (the columns: ``Strategy.display_columns``)."""


def _section_step4(ctx: SectionContext, s4: strategy.Strategy) -> None:
    doc, lang = ctx.doc, ctx.lang
    doc.heading(ctx.t("report.step4.heading"))
    doc.paragraph(ctx.t("report.step4.text"))
    r = s4.ranking.copy()
    ctx.tables["responses_ranked"] = r
    keys = {c.format(lang=lang): k for c, k in RANKING_HEADERS.items()}
    columns = {c: keys.get(c) for c in s4.display_columns("ranking", lang)}
    doc.table(_headers(r, columns, lang), max_rows=40)
    plan = s4.plan
    # the designs and indicators (nested) are in plan.toml and plan.json, not in the workbook
    ctx.tables["action_plan"] = plan.drop(columns=["design", "indicators"], errors="ignore")
    doc.heading(ctx.t("report.step4.plan"), level=3)
    for _, action in plan.iterrows():
        doc.card(*_action_box(ctx, action))


def _text(value: Any) -> str:
    """A free-text field as written ("—" when empty or missing)."""
    if value is None or (not isinstance(value, str) and pd.isna(value)) or value == "":
        return fmt.MISSING
    return str(value)


def _baseline_lines(ctx: SectionContext, a: pd.Series) -> list[str]:
    """What the baseline rests on, when months of its period hold no data."""
    gaps, covered = a.get("baseline_gap_months"), a.get("baseline_months")
    if not pd.api.types.is_number(gaps) or pd.isna(gaps) or gaps <= 0 or pd.isna(covered):
        return []
    months = fmt.integer(int(gaps) + int(covered), ctx.lang)
    lines = [
        ctx.t("report.plan.baseline_gaps", covered=fmt.integer(covered, ctx.lang), months=months)
    ]
    if bool(a.get("target_provisional", False)):
        lines.append(ctx.t("report.plan.target_provisional"))
    return lines


def _action_box(ctx: SectionContext, a: pd.Series) -> tuple[str, list[str]]:
    """One action of the plan: its title and its lines (plain text; the template escapes)."""
    lang, thr = ctx.lang, ctx.threshold

    def count(n: int) -> str:
        return suppression_marker(thr) if ctx.public and n < thr else fmt.integer(n, lang)

    rank = a.get("problem_rank")
    problem = _text(a[f"problem_{lang}"])
    lines = [
        ctx.t("report.plan.problem_ranked", rank=int(rank), problem=problem)
        if pd.api.types.is_number(rank) and not pd.isna(rank) and rank > 0
        else ctx.t("report.plan.problem", problem=problem),
        ctx.t(
            "report.plan.objective",
            indicator=a[f"indicator_{lang}"],
            baseline=count(a["baseline"]),
            period=a["baseline_period"],
            target=count(a["target"]),
            deadline=a["deadline"],
        ),
        *_baseline_lines(ctx, a),
        ctx.t(
            "report.plan.owner",
            owner=_text(a[f"owner_{lang}"]),
            partners=_text(a[f"partner_names_{lang}"]),
            resources=_text(a[f"resources_{lang}"]),
        ),
        ctx.t(
            "report.plan.monitoring",
            monitoring=_text(a[f"monitoring_{lang}"]),
            date=a["reevaluation_date"],
        ),
        ctx.t("report.plan.design", design=_text(a[f"design_{lang}"])),
        _text(a[f"power_note_{lang}"]),
    ]
    evidence = html.escape(ctx.t("report.plan.evidence", evidence=_text(a[f"evidence_{lang}"])))
    source = html.escape(str(a.get("source") or ""))
    if source:  # a cited work keeps its own title and language
        evidence = evidence.replace(source, f"<cite>{source}</cite>")
    return f"{a['plan_id']} — {a[f'response_{lang}']}", [*lines, Markup(evidence)]
