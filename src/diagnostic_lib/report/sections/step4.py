"""Step 4 of the report: intervention strategies and the action plan.

The catalogue responses ranked for each priority problem, then one box per
action of the plan (SMART objective, owner, partners, monitoring, evaluation
design, power, evidence).
"""

from __future__ import annotations

import html

from ..confidentiality import suppression_marker
from .context import _L, SectionContext, _headers


def _section_step4(ctx: SectionContext, s4) -> None:
    doc, lang, tables = ctx.doc, ctx.lang, ctx.tables
    public, thr = ctx.public, ctx.threshold
    doc.heading(
        _L(
            "Étape 4 — Stratégies d'intervention et plan d'action",
            "Step 4 — Intervention strategies and action plan",
            lang,
        )
    )
    doc.paragraph(_L("Pour chaque problème prioritaire, les réponses du catalogue sont classées selon l'adéquation, la force de la preuve, ce qui est déjà en place, l'équilibre des piliers et la disponibilité des partenaires.",
                     "For each priority problem, catalogue responses are ranked by fit, strength of evidence, what is already in place, pillar balance and partner availability.", lang))  # fmt: skip
    r = s4.ranking.copy()
    tables["responses_ranked"] = r
    ncol = "name_fr" if lang == "fr" else "name_en"
    doc.table(_headers(r, {"problem_rank": ("Rang du problème", "Problem rank"), "rank": ("Rang", "Rank"), ncol: ("Réponse", "Response"),
                           "score": ("Score", "Score"), "fit": ("Adéquation", "Fit"), "evidence": ("Preuve", "Evidence"),
                           "in_place": ("Déjà en place", "In place"), "pillar_balance": ("Piliers", "Pillars"),
                           "partners": ("Partenaires", "Partners")}, lang), max_rows=40)  # fmt: skip
    plan = s4.plan
    tables["action_plan"] = plan
    sfx = lang
    doc.heading(_L("Plan d'action", "Action plan", lang), level=3)
    for _, a in plan.iterrows():
        doc.raw(
            "<div class='box'><b>" + html.escape(f"{a['plan_id']} — {a[f'response_{sfx}']}") + "</b><br/>"
            + html.escape(_L("Problème : ", "Problem: ", lang) + str(a[f"problem_{sfx}"])) + "<br/>"
            + html.escape(_L("Objectif SMART : ", "SMART objective: ", lang)
                          + f"{a[f'indicator_{sfx}']} — {_L('référence', 'baseline', lang)} "
                          + (str(a["baseline"]) if not public or a["baseline"] >= thr else suppression_marker(thr))
                          + f" ({a['baseline_period']}), {_L('cible', 'target', lang)} "
                          + (str(a["target"]) if not public or a["target"] >= thr else suppression_marker(thr))
                          + f" {_L('au', 'by', lang)} {a['deadline']}.") + "<br/>"
            + html.escape(_L("Responsable : ", "Owner: ", lang) + str(a["owner"]) + " ; "
                          + _L("partenaires : ", "partners: ", lang) + (a["partner_names"] or "—") + " ; "
                          + _L("ressources : ", "resources: ", lang) + str(a["resources"])) + "<br/>"
            + html.escape(_L("Suivi : ", "Monitoring: ", lang) + str(a[f"monitoring_{sfx}"]) + " "
                          + _L("Réévaluation : ", "Re-evaluation: ", lang) + str(a["reevaluation_date"])) + "<br/>"
            + html.escape(_L("Devis d'évaluation : ", "Evaluation design: ", lang) + str(a[f"design_{sfx}"])) + "<br/>"
            + html.escape(str(a[f"power_note_{sfx}"])) + "<br/>"
            + html.escape(_L("Preuve : ", "Evidence: ", lang) + str(a[f"evidence_{sfx}"]))
            + "</div>"
        )  # fmt: skip
