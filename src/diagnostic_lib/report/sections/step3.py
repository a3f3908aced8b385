"""Step 3 of the report: effectiveness, relevance and risks.

:func:`evaluation_section` writes the results of
:func:`diagnostic_lib.evaluation.run` into a report: the effect of each
measure (relative effect size, displacement, verdict), the relevance of the
measures to the problems and the balance of the pillars, the current risks
(risk matrix) and the future ones (projections, back-test, risk terrain).
The public version suppresses counts below the threshold (and the verdict
sentences that quote them) and leaves out the near-repeat cells (they point at
recent individual events).
"""

from __future__ import annotations

import numpy as np
import pandas as pd

from ... import charts, evaluation, i18n, maps
from ..confidentiality import SMALL_COUNT
from ..document import HtmlDocument
from .context import SectionContext
from .shown import shown

# Column → header label key of each table of step 3 (the columns: Evaluation.display_columns).
HEADERS: dict[str, str | None] = {
    "measure_id": "report.col.measure",
    "name": "report.col.name",
    "name_en": "report.col.name",
    "verdict": "report.col.verdict",
    "a0": "report.col.treated_before",
    "a1": "report.col.treated_after",
    "c0": "report.col.control_before",
    "c1": "report.col.control_after",
    "res": "report.col.res_raw",
    "res_corrected": "report.col.res_corrected",
    "res_corrected_low": "report.col.ci_low",
    "res_corrected_high": "report.col.ci_high",
    "q_value": "report.col.q_fdr",
    "placebos": "report.col.placebos",
    "net_res": "report.col.net_res",
    "wdq": "report.col.wdq",
    "tne_corrected": "report.col.tne",
    "active": "report.col.active",
    "problem_rank": "report.col.problem_rank",
    "problem_title_{lang}": "report.col.problem",
    "reach": "report.col.reach",
    "relevance": "report.col.relevance",
    "label_{lang}": None,  # per table: the pillar, or the finding
    "n_active": "report.col.n_active",
    "share": "report.col.share_measures",
    "cost": "report.col.cost",
    "cost_share": "report.col.share_costs",
    "flag": "report.col.finding",
    "sector": "report.col.sector",
    "family": "report.col.family",
    "last": "report.col.last_12",
    "baseline_mean": "report.col.baseline_mean",
    "ratio_baseline": "report.col.ratio",
    "q_baseline": "report.col.q_fdr",
    "rate": "report.col.rate",
    "likelihood": "report.col.likelihood",
    "impact": "report.col.impact",
    "risk_{lang}": "report.col.risk",
    "concern": "report.col.concern",
    "model": "report.col.model",
    "last_12": "report.col.last_12",
    "mean_12": "report.col.projection_12",
    "low_12": "report.col.pi_low",
    "high_12": "report.col.pi_high",
    "trend_irr": "report.col.trend_ratio",
    "trend_q": "report.col.q_fdr",
    "level": "report.col.level",
    "scope": "report.col.family",
    "mae_model": "report.col.mae_model",
    "mae_naive": "report.col.mae_naive",
    "skill": "report.col.skill",
    "coverage": "report.col.coverage",
    "nominal": "report.col.nominal",
    "trust": "report.col.trust",
}
HIDDEN: dict[str, tuple[str, ...]] = {
    "relevance": ("problem_id",),  # the problem reads by its rank and title
    "pillars": ("pillar",),  # the pillar reads by its label
}
LABEL_HEADER = {"pillars": "report.col.pillar", "current_risk": "report.col.finding"}


def _table(
    result: evaluation.Evaluation, table: str, frame: pd.DataFrame, lang: str
) -> pd.DataFrame:
    """``frame``'s columns of step 3's ``table``, in words, under their headers."""
    keys = {c.format(lang=lang): k for c, k in HEADERS.items()}
    keys[f"label_{lang}"] = LABEL_HEADER.get(table)
    columns = {
        c: keys.get(c)
        for c in result.display_columns(table, lang)
        if c not in HIDDEN.get(table, ())
    }
    return shown(frame, columns, lang)


def evaluation_section(
    doc: HtmlDocument,
    result: evaluation.Evaluation,
    lang: str = "fr",
    public: bool = False,
    threshold: int = SMALL_COUNT,
    tables: dict[str, pd.DataFrame] | None = None,
    source: str | None = None,
) -> None:
    """Write step 3 into a report document.

    Parameters
    ----------
    doc : HtmlDocument
        The document written into.
    result : Evaluation
        From :func:`diagnostic_lib.evaluation.run`.
    lang : {"fr", "en"}
        Language.
    public : bool
        Public audience: counts below ``threshold`` suppressed (and the verdict
        sentences that quote them), no near-repeat cells.
    threshold : int
        Small-count threshold.
    tables : dict, optional
        Receives the tables shown (sheet name → table).
    source : str, optional
        Where the data come from (the municipality), written on the maps.

    Examples
    --------
    >>> from diagnostic_lib import evaluation, inventory, loaders, sample
    >>> from diagnostic_lib.report import HtmlDocument
    >>> d = loaders.load_diagnostic(sample.sample_dir() / "diagnostic.toml")
    >>> inv = inventory.run(d, permutations=9)
    >>> s3 = evaluation.run(d, inv.problems, priority=inv.priority, knox=inv.knox, n_sim=50)
    >>> doc, tables = HtmlDocument("t", "en"), {}
    >>> evaluation_section(doc, s3, lang="en", public=True, tables=tables)
    >>> "Relevance" in doc.render(), "step3_effects" in tables
    (True, True)
    """
    lang = i18n.check_lang(lang)
    ctx = SectionContext(doc, lang, public, threshold, {} if tables is None else tables, source)
    _write_step3(ctx, result)


def _write_step3(ctx: SectionContext, result: evaluation.Evaluation) -> None:
    _effects(ctx, result)
    _relevance(ctx, result)
    _current_risks(ctx, result)
    _future_risks(ctx, result)


def _section_step3(ctx: SectionContext, s3: evaluation.Evaluation | None) -> None:
    ctx.doc.heading(ctx.t("report.step3.heading"))
    if s3 is None:
        ctx.doc.paragraph(ctx.t("report.step3.not_available"))
        return
    _write_step3(ctx, s3)  # the report's context: its tiles and landmarks too


COUNTS = ("a0", "a1", "b0", "b1", "c0", "c1")
"""The counts of events a verdict sentence quotes (treated, buffer, control; before, after)."""


def _verdict(code: str, lang: str) -> str:
    return evaluation.VERDICT_LABELS[code][i18n.LANGS.index(lang)]


def _effects(ctx: SectionContext, result: evaluation.Evaluation) -> None:
    """The effect of each measure: table, forest plot, verdicts, interrupted time series."""
    doc, lang = ctx.doc, ctx.lang
    e = result.effects
    doc.heading(ctx.t("report.step3.effects"), level=3)
    doc.paragraph(ctx.t("report.step3.effects_text"))
    # a measure that is not evaluable has no placebo columns: shown empty, not an error
    t = e.reindex(columns=result.display_columns("effects", lang))
    t["verdict"] = [_verdict(x, lang) for x in t["verdict"]]
    t = ctx.pub(t)
    ctx.tables["step3_effects"] = t
    doc.table(_table(result, "effects", t, lang))
    with doc.lead():  # the chart of step 3's page
        doc.figure(
            charts.forest_plot(e, lang=lang),
            caption=ctx.t("report.figure.forest.caption"),
            alt=ctx.t("report.figure.forest.alt"),
        )
    quoted = e[f"verdict_{lang}"].tolist()
    if ctx.public:  # a verdict sentence quotes the counts: the label alone where one is small
        cnt = e[list(COUNTS)].astype("float64")
        small = ((cnt < ctx.threshold) & cnt.notna()).any(axis=1).to_numpy()
        quoted = [
            f"{_verdict(x, lang)}." if s else q
            for x, s, q in zip(e["verdict"], small, quoted, strict=True)
        ]
    doc.bullets([f"{m} — {q}" for m, q in zip(e["measure_id"], quoted, strict=True)])
    its = result.its
    if len(its):
        doc.bullets(
            [f"{m} — {x}" for m, x in zip(its["measure_id"], its[f"text_{lang}"], strict=True)]
        )


def _relevance(ctx: SectionContext, result: evaluation.Evaluation) -> None:
    """Which problems each measure reaches, the relevance flags, the balance of pillars."""
    doc, lang = ctx.doc, ctx.lang
    doc.heading(ctx.t("report.step3.relevance"), level=3)
    rel = result.relevance[result.display_columns("relevance", lang)]
    ctx.tables["step3_relevance"] = rel
    doc.table(_table(result, "relevance", rel, lang))
    flags = result.flags
    if len(flags):
        ctx.tables["step3_flags"] = flags[result.display_columns("flags", lang)]
        doc.bullets(flags[f"text_{lang}"].tolist())
    doc.table(_table(result, "pillars", result.pillars, lang))


PUBLIC_RISK_DROPPED = ("baseline_mean", "ratio_baseline", "q_baseline", "p_baseline")
"""Columns of the current risks the public version leaves out: the mean of the earlier
years (and what gives it back with the last count) sums yearly counts the yearly table
hides one by one."""


def _public_last_12(frame: pd.DataFrame, ctx: SectionContext) -> pd.DataFrame:
    """A table of the last 12 months' counts by sector and family, for the audience.

    Those counts are the last-12-months rates table's (step 1): for the public, a
    count hidden there (small, or its complement) is hidden here too
    (``ctx.hidden["sector_family_recent"]``), or the two tables would undo each
    other's suppression. Internal: the table as it is.
    """
    if not ctx.public:
        return frame
    hidden = ctx.hidden.get("sector_family_recent", set())
    keys = zip(frame["sector"].astype(str), frame["family"].astype(str), strict=True)
    return ctx.pub(frame, protect=np.array([k in hidden for k in keys], dtype=bool))


def _current_risks(ctx: SectionContext, result: evaluation.Evaluation) -> None:
    """The current risk of each sector and family, and the risk matrix."""
    doc, lang = ctx.doc, ctx.lang
    doc.heading(ctx.t("report.step3.current_risks"), level=3)
    cr = result.current_risk[result.display_columns("current_risk", lang)]
    drawn = result.current_risk
    if ctx.public:  # the mean of earlier years left out; the figure draws what is shown
        cr = _public_last_12(cr.drop(columns=list(PUBLIC_RISK_DROPPED), errors="ignore"), ctx)
        drawn = drawn.loc[cr.index[pd.to_numeric(cr["last"], errors="coerce").notna()]]
    ctx.tables["step3_current_risk"] = cr
    doc.table(_table(result, "current_risk", cr, lang), max_rows=20)
    doc.figure(
        charts.risk_matrix_chart(drawn, lang=lang, sectors=result.sectors),
        caption=ctx.t("report.figure.risk_matrix.caption"),
        alt=ctx.t("report.figure.risk_matrix.alt"),
    )


def _future_risks(ctx: SectionContext, result: evaluation.Evaluation) -> None:
    """Emerging risks (projections), the back-test of the forecasts, the risk terrain."""
    doc, lang = ctx.doc, ctx.lang
    doc.heading(ctx.t("report.step3.future_risks"), level=3)
    pt = result.projection.totals
    shown_pt = _public_last_12(pt, ctx)
    ctx.tables["step3_projection"] = shown_pt
    doc.paragraph(ctx.t("report.step3.emerging"))
    emerging = shown_pt[pt["emerging"].to_numpy()][result.display_columns("projection", lang)]
    doc.table(_table(result, "projection", emerging, lang))
    bs = result.backtest_summary
    ctx.tables["step3_backtest"] = bs.drop(columns=["text_fr", "text_en"])
    doc.table(_table(result, "backtest_summary", bs, lang))
    doc.bullets(evaluation.backtest_findings(bs, lang))
    if result.sectors is not None:
        near_repeat = None if ctx.public else result.near_repeat["elevated"]
        key = "report.step3.risk_terrain" if ctx.public else "report.step3.risk_terrain_near_repeat"
        doc.figure(
            maps.risk_map(
                result.grid,
                result.sectors,
                result.risk_surface,
                elevated=near_repeat,
                lang=lang,
                source=ctx.source,
                landmarks=ctx.landmarks(
                    evaluation.high_risk_cells(result.grid, result.risk_surface)
                ),
                tiles=ctx.tiles,
            ),
            caption=ctx.t(key),
            alt=ctx.t("report.figure.risk_map.alt"),
        )
