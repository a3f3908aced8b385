"""The executive summary: the municipality in figures, the rises, the priorities, the plan.

The first section of the report: incidents and rate, data quality, significant
rises, the perception gap, the five priority problems, the proposed action plan
and the key findings of steps 2 and 3.
"""

from __future__ import annotations

from ... import i18n
from ...loaders import Diagnostic
from ..document import _num
from .context import _L, SectionContext


def _executive_summary(ctx: SectionContext, diag: Diagnostic, inv, s2, s3, s4) -> None:
    doc, lang = ctx.doc, ctx.lang
    doc.heading(_L("Sommaire exécutif", "Executive summary", lang))
    inc = diag.incidents
    pop = float(diag.sectors["population"].sum())
    years = (
        max((inc["occurred_from"].max() - inc["occurred_from"].min()).days / 365.25, 1.0)
        if len(inc)
        else 1.0
    )
    rate = len(inc) / years / pop * 1000 if pop > 0 else float("nan")
    f = diag.ledger.files
    fi = f[f["table"] == "incidents"].iloc[0] if (f["table"] == "incidents").any() else None
    items = [
        _L(
            f"{_num(len(inc), 'fr')} incidents enregistrés pour {_num(pop, 'fr')} habitants, soit {_num(rate, 'fr')} par 1 000 habitants par année.",
            f"{_num(len(inc), 'en')} recorded incidents for {_num(pop, 'en')} residents: {_num(rate, 'en')} per 1,000 residents a year.",
            lang,
        ),  # fmt: skip
    ]
    if fi is not None:
        items.append(_L(f"Qualité des données : {fi.rows_kept} lignes conservées sur {fi.rows_in} ({fi.rows_rejected} rejetées, {fi.rows_flagged} signalées) ; voir le registre.",
                        f"Data quality: {fi.rows_kept} rows kept out of {fi.rows_in} ({fi.rows_rejected} rejected, {fi.rows_flagged} flagged); see the ledger.", lang))  # fmt: skip
    fam = inv.change_family
    rises = fam[fam["label"] == "significant_rise"]
    for r in rises.itertuples(index=False):
        items.append(_L(f"Hausse significative : {i18n.label('family', r.family, 'fr')} ({r.last} contre {r.previous}, rapport {r.ratio:.2f}, q = {r.q_value:.3g}).",
                        f"Significant rise: {i18n.label('family', r.family, 'en')} ({r.last} against {r.previous}, ratio {r.ratio:.2f}, q = {r.q_value:.3g}).", lang))  # fmt: skip
    gap = inv.perception_gap
    if gap is not None and gap.attrs.get("gap_sector"):
        gs = gap.attrs["gap_sector"]
        name = diag.sectors.set_index("sector_id")["name"].get(gs, gs)
        items.append(_L(f"Écart de perception : le secteur {gs} ({name}) craint davantage que ne le laisse croire la criminalité enregistrée.",
                        f"Perception gap: sector {gs} ({name}) fears more than recorded crime suggests.", lang))  # fmt: skip
    doc.bullets(items)
    tcol = "title_fr" if lang == "fr" else "title_en"
    top = inv.priority.head(5)
    doc.paragraph(_L("Problèmes prioritaires :", "Priority problems:", lang))
    doc.bullets(
        [f"{int(r['rank'])}. {r[tcol]} (score {r['score']:.2f})" for _, r in top.iterrows()]
    )
    if s4 is not None and len(s4.plan):
        doc.paragraph(_L("Plan d'action proposé :", "Proposed action plan:", lang))
        doc.bullets([f"{r['plan_id']} — {r['response_fr' if lang == 'fr' else 'response_en']} → "
                     f"{r['problem_fr' if lang == 'fr' else 'problem_en']}" for _, r in s4.plan.iterrows()])  # fmt: skip
    extra = getattr(s2, "summary", None)
    if callable(extra):
        doc.bullets(list(extra(lang)))
    extra3 = getattr(s3, "summary", None)
    if callable(extra3):
        doc.bullets(list(extra3(lang)))
