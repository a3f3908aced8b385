"""Step 1 of the report: crime problems and security issues.

Rates by sector and family, the local severity-weighted index, rhythms,
change over the last 12 months, concentration, repeat locations, hot spots,
near repeat, citizens' perception, and the problems with their priority.
"""

from __future__ import annotations

import pandas as pd

from ... import charts, i18n, inventory, maps
from ...loaders import Diagnostic
from .context import _L, SectionContext, _headers


def _section_step1(ctx: SectionContext, diag: Diagnostic, inv) -> None:
    doc, lang, tables, pub = ctx.doc, ctx.lang, ctx.tables, ctx.pub
    public = ctx.public
    doc.heading(
        _L(
            "Étape 1 — Problèmes de criminalité et enjeux de sécurité",
            "Step 1 — Crime problems and security issues",
            lang,
        )
    )
    src = diag.config.municipality
    annual = inv.rates[(inv.rates["sector"] != "*")].groupby("sector")["rate"].sum() / max(
        inv.rates["period"].nunique(), 1
    )
    doc.figure(maps.choropleth(diag.sectors, annual, title=_L("Taux annuel moyen d'incidents", "Mean annual incident rate", lang),
                               legend_title=_L("pour 1 000 hab.", "per 1,000 residents", lang), lang=lang, source=src),
               caption=_L("Taux annuel moyen par secteur (classes de Fisher–Jenks).", "Mean annual rate per sector (Fisher–Jenks classes).", lang))  # fmt: skip
    rates = inv.rates.copy()
    rates["group"] = [i18n.label("family", g, lang) for g in rates["group"]]
    tables["rates"] = rates
    last_year = rates["period"].max()
    shown = rates[(rates["period"] == last_year)]
    doc.heading(
        _L(
            f"Taux par secteur et famille ({last_year})",
            f"Rates by sector and family ({last_year})",
            lang,
        ),
        level=3,
    )
    doc.table(_headers(pub(shown), {"sector": ("Secteur", "Sector"), "name": ("Nom", "Name"), "group": ("Famille", "Family"),
                                    "count": ("Nombre", "Count"), "population": ("Population", "Population"),
                                    "rate": ("Taux /1 000", "Rate /1,000"), "rate_low": ("IC bas", "CI low"),
                                    "rate_high": ("IC haut", "CI high")}, lang), max_rows=80)  # fmt: skip
    doc.heading(_L("Indice local de gravité pondérée (municipalité = 100 ; ce n'est pas l'IGC)",
                   "Local severity-weighted index (municipality = 100; not the CSI)", lang), level=3)  # fmt: skip
    tables["severity_index"] = inv.severity
    doc.table(_headers(pub(inv.severity), {"sector": ("Secteur", "Sector"), "name": ("Nom", "Name"), "count": ("Nombre", "Count"),
                                           "index": ("Indice", "Index"), "index_low": ("IC bas", "CI low"),
                                           "index_high": ("IC haut", "CI high")}, lang))  # fmt: skip
    doc.heading(_L("Rythmes", "Rhythms", lang), level=3)
    doc.figure(
        charts.hour_weekday_heatmap(inv.hour_weekday, lang=lang),
        caption=_L("Allocation aoristique.", "Aoristic allocation.", lang),
    )
    doc.figure(charts.seasonality_chart(inv.seasonality, by="family", lang=lang))
    doc.heading(_L("Changement (12 derniers mois)", "Change (last 12 months)", lang), level=3)
    fam = inv.change_family.copy()
    fam["family"] = [i18n.label("family", f, lang) for f in fam["family"]]
    tables["change_family"] = inv.change_family
    tables["change_sector_category"] = inv.change
    doc.table(_headers(pub(fam), {"family": ("Famille", "Family"), "last": ("12 derniers mois", "Last 12 months"),
                                  "previous": ("12 mois précédents", "Previous 12 months"), "ratio": ("Rapport", "Ratio"),
                                  "p_value": ("p (test E)", "p (E-test)"), "q_value": ("q (FDR)", "q (FDR)"),
                                  f"label_{lang}": ("Constat", "Finding")}, lang))  # fmt: skip
    doc.heading(_L("Concentration", "Concentration", lang), level=3)
    c = inv.concentration
    doc.paragraph(_L(f"Gini {c['gini']:.2f} ; Gini généralisé {c['generalised_gini']:.2f} sur {c['places']} cellules de {inv.parameters['cell_size_m']:g} m.",
                     f"Gini {c['gini']:.2f}; generalised Gini {c['generalised_gini']:.2f} over {c['places']} cells of {inv.parameters['cell_size_m']:g} m.", lang))  # fmt: skip
    doc.bullets(list(inventory.concentration_table(inv.place_counts, lang=lang)["text"]))
    doc.figure(charts.lorenz_chart(inv.place_counts, lang=lang))
    if not public:
        tables["repeat_locations"] = inv.repeat_locations
        doc.table(_headers(inv.repeat_locations, {"count": ("Nombre", "Count"), "top_category": ("Catégorie principale", "Main category"),
                                                  "sector": ("Secteur", "Sector"), "facility": ("Lieu", "Facility"),
                                                  "facility_kind": ("Type", "Kind")}, lang),
                  caption=_L("Lieux de répétition (lieux à risque).", "Repeat locations (risky places).", lang))  # fmt: skip
    doc.heading(_L("Points chauds", "Hot spots", lang), level=3)
    doc.figure(maps.hot_spot_map(inv.hot_spots, diag.sectors, lang=lang, source=src),
               caption=inventory.hot_spot_parameters_text(inv.hot_spots, lang))  # fmt: skip
    hs = inv.hot_spots[inv.hot_spots["hot_class"] != "not_significant"]
    tables["hot_spots"] = pd.DataFrame(hs.drop(columns="geometry"))
    doc.heading(_L("Quasi-répétition (cambriolages)", "Near repeat (break-ins)", lang), level=3)
    doc.figure(charts.knox_heatmap(inv.knox, lang=lang))
    tables["knox"] = inv.knox
    if inv.perception_gap is not None:
        doc.heading(_L("Perception citoyenne", "Citizens' perception", lang), level=3)
        doc.figure(charts.perception_gap_chart(inv.perception_gap, lang=lang))
        tables["perception"] = inv.perception
        tables["perception_gap"] = inv.perception_gap
        doc.table(_headers(pub(inv.perception_gap), {"sector": ("Secteur", "Sector"), "name": ("Nom", "Name"),
                                                     "crime_rank": ("Rang criminalité", "Crime rank"),
                                                     "concern_rank": ("Rang préoccupation", "Concern rank"),
                                                     "gap": ("Écart", "Gap"), "respondents": ("Répondants", "Respondents")}, lang))  # fmt: skip
    doc.heading(_L("Problèmes et priorités", "Problems and priorities", lang), level=3)
    doc.figure(
        maps.problems_map(inv.problems, diag.sectors, ranking=inv.priority, lang=lang, source=src)
    )
    tcol = "title_fr" if lang == "fr" else "title_en"
    pr = inv.priority
    tables["problems"] = inv.problems
    tables["priority"] = pr
    comps = [
        c
        for c in ("rate", "severity", "trend", "hotspot", "concern", "vulnerability")
        if c in pr.columns
    ]
    names = {"rank": ("Rang", "Rank"), tcol: ("Problème", "Problem"), "score": ("Score", "Score")}
    names.update({c: (c, c) for c in comps})
    names["missing"] = ("Composantes manquantes", "Missing components")
    doc.table(_headers(pr, names, lang))
