"""The executive summary: the municipality in figures, the rises, the priorities, the plan.

The first section of the report: incidents and rate, data quality, significant
rises, the perception gap, the five priority problems, the proposed action plan
and the key findings of step 3.
"""

from __future__ import annotations

from ... import evaluation, i18n, inventory, schema, strategy, summary
from ... import formatting as fmt
from ...loaders import Diagnostic
from .context import SectionContext


def _executive_summary(
    ctx: SectionContext,
    diag: Diagnostic,
    inv: inventory.Inventory,
    s3: evaluation.Evaluation | None,
    s4: strategy.Strategy | None,
) -> None:
    doc, lang = ctx.doc, ctx.lang
    doc.heading(ctx.t("report.summary.heading"))
    doc.bullets(_key_figures(ctx, diag, inv))
    tcol = f"title_{lang}"
    ranked = inv.priority[inv.priority["rank"].notna()].head(5)
    if len(ranked):
        doc.paragraph(ctx.t("report.summary.priorities"))
        doc.bullets(
            [
                ctx.t(
                    "report.summary.priority_item",
                    rank=int(r["rank"]),
                    title=r[tcol],
                    score=fmt.decimal(r["score"], lang),
                )
                for _, r in ranked.iterrows()
            ]
        )
    else:  # a heading followed by nothing
        doc.paragraph(ctx.t("report.summary.no_priorities"))
    if s4 is not None and len(s4.plan):
        doc.paragraph(ctx.t("report.summary.plan"))
        doc.bullets(
            [
                f"{r['plan_id']} — {r[f'response_{lang}']} → {r[f'problem_{lang}']}"
                for _, r in s4.plan.iterrows()
            ]
        )
    if s3 is not None:
        doc.bullets(list(s3.summary(lang)))


def _key_figures(ctx: SectionContext, diag: Diagnostic, inv: inventory.Inventory) -> list[str]:
    """Incidents and rate, data quality, significant rises, the perception gap."""
    lang = ctx.lang
    inc = diag.incidents
    start, end = summary.study_period(diag) if len(inc) else (None, None)
    # the study period's own length, as the key figures' (3 months are not a year)
    years = ((end - start).days + 1) / 365.25 if start is not None else 0.0
    # the key figures table (first page) gives incidents and rate; here only its caveats
    full = inventory.municipal_rate(inc, diag.sectors, max(years, 1.0))
    partial = full["sectors"] != full["sectors_total"]
    items = (
        [_incidents_sentence(ctx, diag, years)]
        if partial and years >= schema.MIN_YEARS_ANNUAL
        else []
    )
    f = diag.ledger.files
    if (f["table"] == "incidents").any():
        # every incidents file (several yearly exports), not the first one read
        fi = f.loc[f["table"] == "incidents", ["rows_kept", "rows_in", "rows_rejected"]].sum()
        flagged = f.loc[f["table"] == "incidents", "rows_flagged"].sum()
        items.append(
            ctx.t(
                "report.summary.quality",
                kept=fmt.integer(fi["rows_kept"], lang),
                read=fmt.integer(fi["rows_in"], lang),
                rejected=fmt.integer(fi["rows_rejected"], lang),
                flagged=fmt.integer(flagged, lang),
            )
        )
    fam = inv.change_family
    for r in fam[fam["label"] == "significant_rise"].itertuples(index=False):
        items.append(
            ctx.t(
                "report.summary.rise",
                family=i18n.label("family", r.family, lang),
                last=fmt.integer(r.last, lang),
                previous=fmt.integer(r.previous, lang),
                ratio=fmt.decimal(r.ratio, lang),
                q=fmt.pvalue(r.q_value, lang, symbol="q"),  # "q = 0,012", "q < 0,001"
            )
        )
    gap = inv.perception_gap
    if gap is not None and gap.attrs.get("gap_sector"):
        gs = gap.attrs["gap_sector"]
        name = diag.sectors.set_index("sector_id")["name"].get(gs, gs)
        items.append(ctx.t("report.summary.perception_gap", sector=gs, name=name))
    return items


def _incidents_sentence(ctx: SectionContext, diag: Diagnostic, years: float) -> str:
    """Incidents and the yearly rate; without residents, no rate (and never "0 residents")."""
    lang = ctx.lang
    m = inventory.municipal_rate(diag.incidents, diag.sectors, years)
    n = fmt.number(len(diag.incidents), lang)
    if m["sectors"] == 0:
        return ctx.t("report.summary.incidents_no_population", incidents=n)
    values = {"population": fmt.number(m["population"], lang), "rate": fmt.number(m["rate"], lang)}
    if m["sectors"] < m["sectors_total"]:
        return ctx.t(
            "report.summary.incidents_partial_population",
            incidents=n,
            sectors=fmt.integer(m["sectors"], lang),
            total=fmt.integer(m["sectors_total"], lang),
            counted=fmt.number(m["incidents"], lang),
            **values,
        )
    return ctx.t("report.summary.incidents", incidents=n, **values)
