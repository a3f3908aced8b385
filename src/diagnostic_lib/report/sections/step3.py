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
from ..document import HtmlDocument
from .context import _L, SectionContext


def evaluation_section(
    doc: HtmlDocument,
    result: evaluation.Evaluation,
    lang: str = "fr",
    public: bool = False,
    threshold: int = 5,
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
    ctx = SectionContext(doc, i18n.check_lang(lang), public, threshold)
    if tables is not None:
        ctx.tables = tables
    _effects(ctx, result)
    _relevance(ctx, result)
    _current_risks(ctx, result)
    _future_risks(ctx, result)


def _section_step3(ctx: SectionContext, s3: evaluation.Evaluation | None) -> None:
    doc, lang = ctx.doc, ctx.lang
    doc.heading(
        _L(
            "Étape 3 — Efficacité, pertinence et risques",
            "Step 3 — Effectiveness, relevance and risks",
            lang,
        )
    )
    if s3 is None:
        doc.paragraph(_L("Évaluation non disponible.", "Evaluation not available.", lang))
        return
    evaluation_section(
        doc, s3, lang=lang, public=ctx.public, threshold=ctx.threshold, tables=ctx.tables
    )


def _effects(ctx: SectionContext, result: evaluation.Evaluation) -> None:
    doc, lang, public, threshold, tables = ctx.doc, ctx.lang, ctx.public, ctx.threshold, ctx.tables
    fr = lang == "fr"

    def L(a: str, b: str) -> str:
        return a if fr else b

    e = result.effects
    doc.heading(L("Efficacité des mesures", "Effectiveness of the measures"), level=3)
    doc.paragraph(L(
        "Avant / après avec zone témoin : fenêtres égales, délai de mise en œuvre exclu ; taille d'effet relative "
        "(RES) avec un intervalle ajusté pour la surdispersion estimée sur la période avant ; WDD, WDQ et effet net "
        "total pour le déplacement. « Efficace » seulement si l'intervalle ajusté exclut 1.",
        "Before/after with a control area: equal windows, implementation lag left out; relative effect size (RES) "
        "with an interval adjusted for the overdispersion estimated on the before period; WDD, WDQ and total net "
        "effect for displacement. 'Effective' only when the adjusted interval excludes 1."))  # fmt: skip
    name = "name" if fr else "name_en"
    t = e[["measure_id", name, "verdict", "a0", "a1", "c0", "c1", "res", "res_low_adj", "res_high_adj", "wdq",
           "tne"]].copy()  # fmt: skip
    t["verdict"] = [_verdict(x, lang) for x in t["verdict"]]
    t = ctx.pub(t)
    tables["step3_effects"] = t
    doc.table(t)
    doc.figure(
        charts.forest_plot(e, lang=lang),
        caption=L("Tailles d'effet relatives", "Relative effect sizes"),
    )
    quoted = e[f"verdict_{lang}"].tolist()
    if public:
        cnt = e[["a0", "a1", "b0", "b1", "c0", "c1"]].astype("float64")
        small = ((cnt < threshold) & cnt.notna()).any(axis=1).to_numpy()
        quoted = [f"{_verdict(x, lang)}." if s else q
                  for x, s, q in zip(e["verdict"], small, quoted, strict=True)]  # fmt: skip
    doc.bullets([f"{m} — {q}" for m, q in zip(e["measure_id"], quoted, strict=True)])
    its = result.its
    if len(its):
        doc.bullets(
            [f"{m} — {x}" for m, x in zip(its["measure_id"], its[f"text_{lang}"], strict=True)]
        )


def _verdict(code: str, lang: str) -> str:
    return evaluation.VERDICT_LABELS[code][i18n.LANGS.index(lang)]


def _relevance(ctx: SectionContext, result: evaluation.Evaluation) -> None:
    doc, lang, tables = ctx.doc, ctx.lang, ctx.tables
    doc.heading(_L("Pertinence", "Relevance", lang), level=3)
    rel = result.relevance[["measure_id", "active", "problem_id", f"problem_title_{lang}", "problem_rank", "reach",
                            "relevance"]]  # fmt: skip
    tables["step3_relevance"] = rel
    doc.table(rel)
    flags = result.flags
    if len(flags):
        tables["step3_flags"] = flags[["flag", "subject", f"text_{lang}"]]
        doc.bullets(flags[f"text_{lang}"].tolist())
    doc.table(
        result.pillars[
            ["pillar", f"label_{lang}", "n_active", "share", "cost", "cost_share", "flag"]
        ]
    )


def _current_risks(ctx: SectionContext, result: evaluation.Evaluation) -> None:
    doc, lang, tables = ctx.doc, ctx.lang, ctx.tables
    doc.heading(_L("Risques actuels", "Current risks", lang), level=3)
    cr = ctx.pub(result.current_risk[["sector", "family", "last", "baseline_mean", "ratio_baseline", "q_baseline",
                                      f"label_{lang}", "rate", "likelihood", "impact", f"risk_{lang}", "concern"]])  # fmt: skip
    tables["step3_current_risk"] = cr
    doc.table(cr, max_rows=20)
    doc.figure(
        charts.risk_matrix_chart(result.current_risk, lang=lang),
        caption=_L("Matrice des risques", "Risk matrix", lang),
    )


def _future_risks(ctx: SectionContext, result: evaluation.Evaluation) -> None:
    doc, lang, public, tables, pub = ctx.doc, ctx.lang, ctx.public, ctx.tables, ctx.pub
    fr = lang == "fr"

    def L(a: str, b: str) -> str:
        return a if fr else b

    doc.heading(L("Risques futurs", "Future risks"), level=3)
    pt = result.projection.totals
    tables["step3_projection"] = pub(pt)
    doc.paragraph(L("Risques émergents (tendance à la hausse significative ; projection sur 12 mois avec intervalle "
                    "de prédiction) :", "Emerging risks (significant rising trend; 12-month projection with "
                    "prediction interval):"))  # fmt: skip
    doc.table(pub(pt[pt["emerging"]][["sector", "family", "model", "last_12", "mean_12", "low_12", "high_12",
                                      "trend_irr", "trend_q"]]))  # fmt: skip
    bs = result.backtest_summary
    tables["step3_backtest"] = bs.drop(columns=["text_fr", "text_en"])
    doc.table(
        bs[
            [
                "level",
                "scope",
                "mae_model",
                "mae_naive",
                "skill",
                "coverage",
                "nominal",
                "trust",
            ]
        ]
    )
    doc.bullets(bs.loc[bs["scope"] == "all", f"text_{lang}"].tolist())
    if result.sectors is not None:
        nr = None if public else result.near_repeat["elevated"]
        doc.figure(maps.risk_map(result.grid, result.sectors, result.risk_surface, elevated=nr, lang=lang),
                   caption=L("Terrain à risque" + ("" if public else " et quasi-répétition"),
                             "Risk terrain" + ("" if public else " and near repeat")))  # fmt: skip
