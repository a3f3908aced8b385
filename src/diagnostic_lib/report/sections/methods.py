"""The method notes of the report (:data:`METHOD_NOTES`)."""

from __future__ import annotations

from .context import _L, SectionContext

METHOD_NOTES: list[tuple[str, str]] = [
    ("Données et système de coordonnées : toutes les tables sont ramenées au modèle canonique ; les distances et les surfaces sont calculées dans un système métrique (par défaut NAD83 / MTM zone 8, EPSG:32188). Chaque ligne lue est conservée ou rejetée avec un motif (registre de qualité).",
     "Data and coordinate system: every table is brought to the canonical model; distances and areas are computed in a metric CRS (default NAD83 / MTM zone 8, EPSG:32188). Every input row is kept or rejected with a reason (quality ledger)."),
    ("Taux : incidents pour 1 000 habitants du secteur, intervalles de Poisson exacts (Garwood). Un secteur sans population n'a pas de taux.",
     "Rates: incidents per 1,000 residents of the sector, exact Poisson (Garwood) intervals. A sector without population has no rate."),
    ("Indice local de gravité pondérée : chaque incident pèse le poids de gravité de sa catégorie (poids indicatifs de l'IGC de Statistique Canada rapportés par une source secondaire, et hypothèses locales, avec leur provenance) ; municipalité = 100. Ce n'est pas l'Indice de gravité de la criminalité officiel.",
     "Local severity-weighted index: each incident weighs its category's severity weight (indicative Statistics Canada CSI weights reported by a secondary source, and local assumptions, with their provenance); municipality = 100. It is not the official Crime Severity Index."),
    ("Changement : 12 derniers mois contre les 12 précédents et contre la moyenne de référence, test E de Krishnamoorthy et Thomson (2004), correction de Benjamini–Hochberg pour les comparaisons multiples ; moins de 10 événements : « trop peu d'événements ».",
     "Change: last 12 months against the previous 12 and the baseline mean, Krishnamoorthy & Thomson (2004) E-test, Benjamini–Hochberg correction for multiple comparisons; fewer than 10 events: \"too few events\"."),
    ("Concentration : Gini et Gini généralisé (Bernasco et Steenbeek, 2017) sur les cellules de la grille, zéros compris.",
     "Concentration: Gini and generalised Gini (Bernasco & Steenbeek, 2017) over grid cells, zeros included."),
    ("Points chauds : Gi* de Getis–Ord (esda, poids binaires, voisinage reine) sur une grille découpée à la municipalité ; p bilatérales, correction du taux de fausses découvertes ; classes 90/95/99 %.",
     "Hot spots: Getis–Ord Gi* (esda, binary weights, queen neighbourhood) on a grid clipped to the municipality; two-sided p-values with a false-discovery-rate correction; 90/95/99% classes."),
    ("Quasi-répétition : test de Knox, bandes fermées à droite (bas, haut] (la première inclut zéro), permutations des dates (graine fixée), p = (nombre de permutations ≥ observé + 1) / (permutations + 1).",
     "Near repeat: Knox test, bands closed on the right (lo, hi] (the first includes zero), seeded permutations of the dates, p = (permutations ≥ observed + 1) / (permutations + 1)."),
    ("Problèmes : trois passes explicables — lieux (cellules chaudes contiguës par famille, familles au profil horaire semblable regroupées), secteurs (taux significativement supérieur au reste de la municipalité) et municipalité (hausse significative sans lieu précis).",
     "Problems: three explainable passes — places (contiguous hot cells per family, families with similar hourly profiles grouped), areas (rate significantly above the rest of the municipality) and municipality (significant rise without a precise place)."),
    ("Priorité : moyenne pondérée de composantes normalisées (taux, gravité, tendance, point chaud, préoccupation, vulnérabilité) ; les composantes manquantes sont exclues et listées ; les égalités sont signalées.",
     "Priority: weighted mean of normalised components (rate, severity, trend, hot spot, concern, vulnerability); missing components are left out and listed; ties are flagged."),
    ("Évaluation des mesures : avant/après avec zone témoin ; taille d'effet relative (rapport de cotes, Welsh et Farrington, 2007) avec intervalle de Poisson et avec facteur de surdispersion ; différence de déplacement pondérée (Wheeler et Ratcliffe, 2018) ; quotient de déplacement pondéré (Bowers et Johnson, 2003), non défini sans succès ; effet net total (Guerette, 2009).",
     "Evaluation of measures: before/after with a control area; relative effect size (odds ratio, Welsh & Farrington, 2007) with a Poisson interval and with an overdispersion factor; weighted displacement difference (Wheeler & Ratcliffe, 2018); weighted displacement quotient (Bowers & Johnson, 2003), undefined without success; total net effect (Guerette, 2009)."),
    ("Stratégies : catalogue de réponses dans l'esprit d'EMMIE, sources publiques nommées (College of Policing Crime Reduction Toolkit, guides du POP Center, revues Campbell) ; les cibles supposent la réduction suggérée par la preuve et l'effet minimal détectable est calculé pour chaque action.",
     "Strategies: a catalogue of responses in the spirit of EMMIE, public sources named (College of Policing Crime Reduction Toolkit, POP Center guides, Campbell reviews); targets assume the reduction the evidence suggests and the minimum detectable effect is computed for each action."),
    ("Confidentialité (version publique) : aucune donnée ponctuelle — tout est agrégé au secteur ou à la cellule ; les comptes inférieurs au seuil sont remplacés par « < seuil » ; aucun champ de texte libre.",
     "Confidentiality (public version): no point-level data — everything is aggregated to sectors or grid cells; counts below the threshold are replaced by \"< threshold\"; no free-text fields."),
]  # fmt: skip



def _section_methods(ctx: SectionContext) -> None:
    doc, lang = ctx.doc, ctx.lang
    doc.heading(_L("Notes méthodologiques", "Method notes", lang))
    doc.bullets([fr if lang == "fr" else en for fr, en in METHOD_NOTES])

