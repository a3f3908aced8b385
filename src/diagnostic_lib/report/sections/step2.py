"""Step 2 of the report: the preventive measures in place.

The registry of measures by pillar and status, their timeline and map, how
they cover the problems, the gaps, and the partners to mobilise.
"""

from __future__ import annotations

from ... import charts, maps, measures
from ...loaders import Diagnostic
from .context import _L, SectionContext


def _section_step2(ctx: SectionContext, diag: Diagnostic, inv, s2) -> None:
    doc, lang, tables, pub = ctx.doc, ctx.lang, ctx.tables, ctx.pub
    public = ctx.public
    doc.heading(
        _L("Étape 2 — Mesures préventives en place", "Step 2 — Preventive measures in place", lang)
    )
    if s2 is None:
        if diag.measures is None:
            doc.paragraph(_L("Aucun fichier de mesures.", "No measures file.", lang))
        return
    src = diag.config.municipality
    reg = s2.registry
    tables["measures_registry"] = reg
    doc.paragraph(
        _L(
            f"{len(reg)} mesures répertoriées, par pilier et par statut (à la fin de la période étudiée).",
            f"{len(reg)} measures listed, by pillar and status (at the end of the study period).",
            lang,
        )
    )
    doc.table(measures.for_display(pub(measures.registry_summary(reg, by="pillar")), lang))
    doc.figure(
        charts.measures_timeline(
            reg, ref_date=diag.config.period_end, period_start=diag.config.period_start, lang=lang
        )
    )
    if not public:
        doc.figure(
            maps.measures_map(
                reg,
                s2.areas,
                diag.sectors,
                rings=s2.rings,
                problems=inv.problems,
                lang=lang,
                source=src,
            )
        )
    doc.table(measures.for_display(pub(reg), lang), max_rows=60)
    doc.heading(_L("Couverture des problèmes", "Coverage of the problems", lang), level=3)
    doc.paragraph(
        _L(
            "Comment chaque mesure répond à chaque problème (thème, lieu, moment), par les mesures actives.",
            "How each measure addresses each problem (theme, place, time), by the active measures.",
            lang,
        )
    )
    tables["coverage"] = s2.coverage
    tables["coverage_by_problem"] = s2.by_problem
    tables["coverage_by_measure"] = s2.by_measure
    doc.table(measures.for_display(pub(s2.by_problem), lang), max_rows=40)
    doc.figure(
        maps.gap_map(
            s2.problems,
            s2.by_problem,
            diag.sectors,
            sector_gaps=s2.sector_gaps,
            lang=lang,
            source=src,
        )
    )
    doc.heading(_L("Lacunes", "Gaps", lang), level=3)
    tables["gaps"] = s2.gaps
    tables["single_pillar"] = s2.single_pillar
    tables["sector_gaps"] = s2.sector_gaps
    doc.table(
        measures.for_display(pub(s2.gaps), lang),
        caption=_L(
            "Problèmes prioritaires sans couverture ou peu couverts.",
            "Priority problems with no or weak coverage.",
            lang,
        ),
    )
    if len(s2.single_pillar):
        doc.table(
            measures.for_display(pub(s2.single_pillar), lang),
            caption=_L(
                "Problèmes traités par un seul pilier.",
                "Problems addressed by a single pillar.",
                lang,
            ),
        )
    if len(s2.sector_gaps):
        doc.table(
            measures.for_display(pub(s2.sector_gaps), lang),
            caption=_L("Secteurs : enjeux et mesures.", "Sectors: issues and measures.", lang),
        )
    doc.heading(_L("Partenaires", "Partners", lang), level=3)
    tables["partner_roles"] = s2.partner_roles
    tables["partner_suggestions"] = s2.partner_suggestions
    doc.table(
        measures.for_display(pub(s2.partner_suggestions), lang),
        max_rows=40,
        caption=_L(
            "Partenaires à mobiliser pour les problèmes non couverts ou peu couverts.",
            "Partners who could be mobilised for uncovered or weakly covered problems.",
            lang,
        ),
    )
    doc.figure(
        charts.partner_network(
            reg,
            s2.partner_roles,
            by_problem=s2.by_problem,
            suggestions=s2.partner_suggestions,
            lang=lang,
        )
    )
