"""Step 2 of the report: the preventive measures in place.

The registry of measures by pillar and status, their timeline and map, how
they cover the problems, the gaps, and the partners to mobilise.
"""

from __future__ import annotations

import pandas as pd

from ... import charts, inventory, maps, measures
from ... import formatting as fmt
from ...loaders import Diagnostic
from .context import SectionContext
from .walks import with_walks

MAX_COVERAGE_ROWS = 50_000
"""Above this many problem × measure pairs, the report's coverage table keeps the related ones.

The table goes to a CSV file beside the workbook once longer than a sheet
(:data:`~diagnostic_lib.report.workbook.MAX_SHEET_ROWS`); this bound keeps that file, and
the time to write it in words, from growing as problems × measures."""


def _display(ctx: SectionContext, frame: pd.DataFrame) -> pd.DataFrame:
    """A table of step 2 as the audience may see it, in words (:func:`measures.for_display`).

    A problem reads by its priority rank and its title, not by its register id.
    """
    out = frame.drop(columns=["problem_id"], errors="ignore")
    if "problem_id" in frame.columns and "rank" in out.columns:
        out = out[["rank", *(c for c in out.columns if c != "rank")]]
    return measures.for_display(ctx.pub(out), ctx.lang)


def _section_step2(
    ctx: SectionContext,
    diag: Diagnostic,
    inv: inventory.Inventory,
    s2: measures.MeasureInventory | None,
) -> None:
    ctx.doc.heading(ctx.t("report.step2.heading"))
    if s2 is None:
        if diag.measures is None:
            ctx.doc.paragraph(ctx.t("report.step2.no_measures"))
        return
    _registry(ctx, diag, inv, s2)
    _coverage(ctx, diag, s2)
    _partners(ctx, s2)


def _registry(
    ctx: SectionContext, diag: Diagnostic, inv: inventory.Inventory, s2: measures.MeasureInventory
) -> None:
    """The measures by pillar and status, their timeline, their map (internal) and list."""
    doc, lang = ctx.doc, ctx.lang
    reg = s2.registry
    ctx.tables["measures_registry"] = reg
    doc.paragraph(ctx.t("report.step2.registry", n=fmt.integer(len(reg), lang)))
    summary = measures.registry_summary(reg, by="pillar")
    doc.table(_display(ctx, summary))
    doc.figure(
        charts.measures_timeline(
            reg, ref_date=diag.config.period_end, period_start=diag.config.period_start, lang=lang
        ),
        caption=ctx.t("report.figure.timeline.caption"),
        alt=ctx.t("report.figure.timeline.alt"),
    )
    if not ctx.public:
        doc.figure(
            maps.measures_map(
                reg,
                s2.areas,
                diag.sectors,
                rings=s2.rings,
                problems=inv.problems,
                lang=lang,
                source=diag.config.municipality,
                tiles=ctx.tiles,
            ),
            caption=ctx.t("report.figure.measures_map.caption"),
            alt=ctx.t("report.figure.measures_map.alt"),
        )
    doc.table(_display(ctx, reg), max_rows=60)


def _coverage_table(ctx: SectionContext, cov: pd.DataFrame) -> pd.DataFrame:
    """The coverage table of the workbook: every pair, or fewer, said, when too long.

    A large region's problems × measures table is mostly pairs with no coverage
    (``level`` none); above :data:`MAX_COVERAGE_ROWS` rows only the others are
    written, as step 2 itself keeps them for a larger region (``pairs="related"``),
    and the report says so. Those can still be millions: every problem of a
    municipality-wide measure's categories, or of a measure without a footprint,
    is a pair whose coverage is weak by rule (``note`` diffuse or no footprint),
    the same for each problem. Above :data:`MAX_COVERAGE_ROWS` related pairs,
    those are left out of the table and counted in a sentence (the coverage by
    measure sums them up), so that the file grows with the pairs a place
    supports, not with problems × municipality-wide measures.
    """
    if cov.attrs.get("pairs") == "related":  # step 2 kept them (``max_coverage_pairs``)
        out, total = cov, int(cov.attrs.get("all_pairs", len(cov)))
    elif len(cov) <= MAX_COVERAGE_ROWS:
        return cov
    else:
        out = cov[cov["level"].astype(str) != "none"].reset_index(drop=True)
        out.attrs = {**cov.attrs, "pairs": "related"}
        total = len(cov)
    if total > len(out):
        n, all_ = fmt.integer(len(out), ctx.lang), fmt.integer(total, ctx.lang)
        ctx.doc.paragraph(ctx.t("report.step2.coverage_related", n=n, total=all_))
    if len(out) <= MAX_COVERAGE_ROWS:
        return out
    capped = out["note"].astype(str).str.contains("diffuse|no_footprint", regex=True).to_numpy()
    if not capped.any():
        return out
    kept = out[~capped].reset_index(drop=True)
    kept.attrs = {**out.attrs, "capped_pairs": int(capped.sum())}
    ctx.doc.paragraph(
        ctx.t(
            "report.step2.coverage_capped",
            n=fmt.integer(int(capped.sum()), ctx.lang),
            kept=fmt.integer(len(kept), ctx.lang),
        )
    )
    return kept


def _coverage(ctx: SectionContext, diag: Diagnostic, s2: measures.MeasureInventory) -> None:
    """How the measures cover the problems, and the gaps."""
    doc, lang, tables = ctx.doc, ctx.lang, ctx.tables
    doc.heading(ctx.t("report.step2.coverage"), level=3)
    doc.paragraph(ctx.t("report.step2.coverage_text"))
    tables["coverage"] = _coverage_table(ctx, s2.coverage)
    tables["coverage_by_problem"] = s2.by_problem
    tables["coverage_by_measure"] = s2.by_measure
    doc.table(_display(ctx, s2.by_problem), max_rows=40)
    with doc.lead():  # the map of step 2's page
        doc.figure(
            maps.gap_map(
                s2.problems,
                s2.by_problem,
                diag.sectors,
                sector_gaps=s2.sector_gaps,
                lang=lang,
                source=diag.config.municipality,
                landmarks=ctx.landmarks(s2.problems),
                tiles=ctx.tiles,
            ),
            caption=ctx.t("report.figure.gap_map.caption"),
            alt=ctx.t("report.figure.gap_map.alt"),
        )
    doc.heading(ctx.t("report.step2.gaps"), level=3)
    tables["gaps"] = s2.gaps
    tables["single_pillar"] = s2.single_pillar
    tables["sector_gaps"] = s2.sector_gaps
    doc.table(
        _display(ctx, with_walks(s2.gaps, s2.walk_gaps)),
        caption=ctx.t("report.step2.gaps_caption"),
    )
    if len(s2.single_pillar):
        doc.table(
            _display(ctx, s2.single_pillar),
            caption=ctx.t("report.step2.single_pillar"),
        )
    if len(s2.sector_gaps):
        doc.table(
            _display(ctx, with_walks(s2.sector_gaps, s2.sector_walks)),
            caption=ctx.t("report.step2.sector_gaps"),
        )


def _partners(ctx: SectionContext, s2: measures.MeasureInventory) -> None:
    """The partners to mobilise for uncovered problems, and the partner network."""
    doc, lang = ctx.doc, ctx.lang
    doc.heading(ctx.t("report.step2.partners"), level=3)
    ctx.tables["partner_roles"] = s2.partner_roles
    ctx.tables["partner_suggestions"] = s2.partner_suggestions
    doc.table(
        _display(ctx, s2.partner_suggestions),
        max_rows=40,
        caption=ctx.t("report.step2.partners_caption"),
    )
    doc.figure(
        charts.partner_network(
            s2.registry,
            s2.partner_roles,
            by_problem=s2.by_problem,
            suggestions=s2.partner_suggestions,
            lang=lang,
        ),
        caption=ctx.t("report.figure.network.caption"),
        alt=ctx.t("report.figure.network.alt"),
    )
