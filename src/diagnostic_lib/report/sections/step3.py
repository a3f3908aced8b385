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

import pandas as pd

from ... import charts, evaluation, i18n, maps
from ..confidentiality import SMALL_COUNT
from ..document import HtmlDocument
from .context import SectionContext


def evaluation_section(
    doc: HtmlDocument,
    result: evaluation.Evaluation,
    lang: str = "fr",
    public: bool = False,
    threshold: int = SMALL_COUNT,
    tables: dict[str, pd.DataFrame] | None = None,
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
    ctx = SectionContext(doc, lang, public, threshold, {} if tables is None else tables)
    _effects(ctx, result)
    _relevance(ctx, result)
    _current_risks(ctx, result)
    _future_risks(ctx, result)


def _section_step3(ctx: SectionContext, s3: evaluation.Evaluation | None) -> None:
    ctx.doc.heading(ctx.t("report.step3.heading"))
    if s3 is None:
        ctx.doc.paragraph(ctx.t("report.step3.not_available"))
        return
    evaluation_section(
        ctx.doc, s3, lang=ctx.lang, public=ctx.public, threshold=ctx.threshold, tables=ctx.tables
    )


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
    t = e[result.display_columns("effects", lang)].copy()
    t["verdict"] = [_verdict(x, lang) for x in t["verdict"]]
    t = ctx.pub(t)
    ctx.tables["step3_effects"] = t
    doc.table(t)
    with doc.lead():  # the chart of step 3's page
        doc.figure(charts.forest_plot(e, lang=lang), caption=ctx.t("report.step3.forest_caption"))
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
    doc.table(rel)
    flags = result.flags
    if len(flags):
        ctx.tables["step3_flags"] = flags[result.display_columns("flags", lang)]
        doc.bullets(flags[f"text_{lang}"].tolist())
    doc.table(result.pillars[result.display_columns("pillars", lang)])


def _current_risks(ctx: SectionContext, result: evaluation.Evaluation) -> None:
    """The current risk of each sector and family, and the risk matrix."""
    doc, lang = ctx.doc, ctx.lang
    doc.heading(ctx.t("report.step3.current_risks"), level=3)
    cr = ctx.pub(result.current_risk[result.display_columns("current_risk", lang)])
    ctx.tables["step3_current_risk"] = cr
    doc.table(cr, max_rows=20)
    doc.figure(
        charts.risk_matrix_chart(result.current_risk, lang=lang),
        caption=ctx.t("report.step3.risk_matrix"),
    )


def _future_risks(ctx: SectionContext, result: evaluation.Evaluation) -> None:
    """Emerging risks (projections), the back-test of the forecasts, the risk terrain."""
    doc, lang = ctx.doc, ctx.lang
    doc.heading(ctx.t("report.step3.future_risks"), level=3)
    pt = result.projection.totals
    ctx.tables["step3_projection"] = ctx.pub(pt)
    doc.paragraph(ctx.t("report.step3.emerging"))
    doc.table(ctx.pub(pt[pt["emerging"]][result.display_columns("projection", lang)]))
    bs = result.backtest_summary
    ctx.tables["step3_backtest"] = bs.drop(columns=["text_fr", "text_en"])
    doc.table(bs[result.display_columns("backtest_summary", lang)])
    doc.bullets(bs.loc[bs["scope"] == "all", f"text_{lang}"].tolist())
    if result.sectors is not None:
        near_repeat = None if ctx.public else result.near_repeat["elevated"]
        key = "report.step3.risk_terrain" if ctx.public else "report.step3.risk_terrain_near_repeat"
        doc.figure(
            maps.risk_map(
                result.grid, result.sectors, result.risk_surface, elevated=near_repeat, lang=lang
            ),
            caption=ctx.t(key),
        )
