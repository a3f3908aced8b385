"""Labels of maps and charts: titles, legends, axis labels, layers, sources.

Keys ``maps.…`` belong to :mod:`diagnostic_lib.maps`, keys ``charts.…`` to
:mod:`diagnostic_lib.charts`. The maps also read shared keys defined
elsewhere (``word.*``, ``pillar.*``, ``family.*``, ``coverage.*``, ``status.*``,
``zone.*``, ``baperiod.*``, ``eval.area.*``, ``eval.map.*``, ``eval.verdict.*``,
``overview.map``, ``overview.unlocated``).
"""

from __future__ import annotations

LABELS: dict[str, tuple[str, str]] = {
    # --- maps: furniture and shared legends ----------------------------------
    "maps.source_note": ("Source : {source} — {date}", "Source: {source} — {date}"),
    "maps.date_note": ("Carte produite le {date}", "Map made on {date}"),
    "maps.basemap_note": ("Fond de carte : {attribution}", "Basemap: {attribution}"),
    "maps.landmarks": ("Repères", "Landmarks"),
    "maps.no_data": ("Aucune donnée", "No data"),
    "maps.no_rate": ("Pas de taux (population inconnue)", "No rate (population unknown)"),
    "maps.count_map": (
        "Incidents par année (aucune population de secteur : pas de taux)",
        "Incidents a year (no sector population: no rates)",
    ),
    "maps.count_map_legend": ("incidents par année", "incidents a year"),
    "maps.no_place": ("Sans lieu précis :", "No precise place:"),
    "maps.hot_spots_95": ("Points chauds (Gi*, 95 % et plus)", "Hot spots (Gi*, 95% and above)"),
    "maps.municipality_ids": ("Toute la municipalité : {ids}", "Whole municipality: {ids}"),
    "maps.no_footprint_ids": ("Sans empreinte : {ids}", "No footprint: {ids}"),
    # --- maps: step 1 ---------------------------------------------------------
    "maps.incidents.title": ("Incidents par catégorie", "Incidents by category"),
    "maps.hot.hot_99": ("Point chaud (99 %)", "Hot spot (99%)"),
    "maps.hot.hot_95": ("Point chaud (95 %)", "Hot spot (95%)"),
    "maps.hot.hot_90": ("Point chaud (90 %)", "Hot spot (90%)"),
    "maps.hot.not_significant": ("Non significatif", "Not significant"),
    "maps.hot.cold_90": ("Point froid (90 %)", "Cold spot (90%)"),
    "maps.hot.cold_95": ("Point froid (95 %)", "Cold spot (95%)"),
    "maps.hot.cold_99": ("Point froid (99 %)", "Cold spot (99%)"),
    "maps.hot.legend": ("Getis–Ord Gi*", "Getis–Ord Gi*"),
    "maps.hot.title": ("Points chauds (Gi*, correction FDR)", "Hot spots (Gi*, FDR correction)"),
    "maps.problems.title": ("Problèmes prioritaires", "Priority problems"),
    "maps.emerging.title": ("Points chauds émergents", "Emerging hot spots"),
    "maps.emerging.legend": ("Évolution des points chauds (Gi*)", "Hot spots over time (Gi*)"),
    # --- maps: step 2 ---------------------------------------------------------
    "maps.measures.problems": ("Problèmes (lieux)", "Problems (places)"),
    "maps.measures.ring": ("Anneau tampon", "Buffer ring"),
    "maps.measures.ring_width": ("Anneau tampon ({width} m)", "Buffer ring ({width} m)"),
    "maps.measures.planned": ("Prévue (contour tireté)", "Planned (dashed outline)"),
    "maps.measures.ended": ("Terminée (pointillée)", "Ended (dotted fill)"),
    "maps.measures.legend": ("Mesures par pilier", "Measures by pillar"),
    "maps.measures.title": (
        "Mesures préventives : empreintes et anneaux tampons",
        "Preventive measures: footprints and buffer rings",
    ),
    "maps.detail.nothing": (
        "Aucune empreinte : rien à cartographier",
        "No footprint: nothing to map",
    ),
    "maps.detail.period": (
        "{period} : {treated} dans la zone, {buffer} dans l'anneau",
        "{period}: {treated} in the area, {buffer} in the ring",
    ),
    "maps.detail.legend": ("Incidents visés", "Targeted incidents"),
    "maps.gaps.flagged": (
        "Beaucoup d'enjeux, peu de mesures : {sectors}",
        "Many issues, few measures: {sectors}",
    ),
    "maps.more_listed": ("{listed} et {n} autres", "{listed} and {n} more"),
    "maps.gaps.box": ("Sans lieu précis ou sans rang :", "No precise place or no rank:"),
    "maps.gaps.legend": ("Couverture par les mesures en cours", "Coverage by active measures"),
    "maps.gaps.title": (
        "Lacunes : problèmes et mesures en cours",
        "Gaps: problems and active measures",
    ),
    # --- maps: step 3 ---------------------------------------------------------
    "maps.evaluation.excluded": ("Exclues du témoin : {ids}", "Left out of the control: {ids}"),
    "maps.risk.near_repeat": (
        "Quasi-répétition : risque accru maintenant",
        "Near repeat: elevated risk now",
    ),
    "maps.risk.legend": ("Risque relatif", "Relative risk"),
    "maps.risk.title": (
        "Risques futurs : terrain à risque et quasi-répétition",
        "Future risks: risk terrain and near repeat",
    ),
    # --- maps: interactive ----------------------------------------------------
    "maps.layer.sectors": ("Secteurs", "Sectors"),
    "maps.layer.landmarks": ("Repères", "Landmarks"),
    "maps.layer.basemap": ("Fond de carte", "Basemap"),
    "maps.layer.hot_spots": ("Points chauds (Gi*)", "Hot spots (Gi*)"),
    "maps.layer.emerging": ("Points chauds émergents", "Emerging hot spots"),
    "maps.layer.problems": ("Problèmes", "Problems"),
    "maps.layer.measures": ("Mesures — {pillar}", "Measures — {pillar}"),
    "maps.layer.rings": ("Anneaux tampons", "Buffer rings"),
    "maps.field.name": ("Nom", "Name"),
    "maps.field.problem": ("Problème", "Problem"),
    "maps.field.emerging_class": ("Évolution", "Pattern"),
    "maps.field.significant_slices": ("Périodes significatives", "Significant periods"),
    "maps.field.coverage": ("Couverture", "Coverage"),
    "maps.field.measure": ("Mesure", "Measure"),
    "maps.field.status": ("Statut", "Status"),
    "maps.box.municipality": ("Toute la municipalité", "Whole municipality"),
    "maps.box.no_footprint": ("Sans empreinte", "No footprint"),
    # --- charts: step 1 -------------------------------------------------------
    "charts.hour": ("Heure", "Hour"),
    "charts.weekday": ("Jour de la semaine", "Day of week"),
    "charts.aoristic": ("Incidents (pondération aoristique)", "Incidents (aoristic weight)"),
    "charts.hour_weekday.left_out": (
        "{n} incidents dont l'heure n'est connue qu'à plus d'une semaine près (mois, année) "
        "ne sont pas comptés ici.",
        "{n} incidents whose time is known only within more than a week (month, year) are not "
        "counted here.",
    ),
    "charts.hour_weekday.title": ("Heure × jour de la semaine", "Hour × day of week"),
    "charts.seasonal_index": (
        "Indice saisonnier (mois moyen = 1)",
        "Seasonal index (mean month = 1)",
    ),
    "charts.seasonality.title": (
        "Saisonnalité ({years} années complètes)",
        "Seasonality ({years} complete years)",
    ),
    "charts.seasonality.title_partial": (
        "Saisonnalité (aucune année complète : {months} mois de données)",
        "Seasonality (no complete year: {months} months of data)",
    ),
    "charts.per_year": ("Incidents par année", "Incidents per year"),
    "charts.yearly.title": (
        "Incidents par année (intervalles de Poisson à 95 %)",
        "Incidents per year (95% Poisson intervals)",
    ),
    "charts.lorenz.gini": (
        "Gini {gini} ; Gini généralisé {generalised}",
        "Gini {gini}; generalised Gini {generalised}",
    ),
    "charts.lorenz.equality": ("Égalité parfaite", "Perfect equality"),
    "charts.lorenz.places": (
        "Part des lieux (les plus touchés d'abord)",
        "Share of places (most affected first)",
    ),
    "charts.lorenz.incidents": ("Part des incidents", "Share of incidents"),
    "charts.lorenz.title": (
        "Concentration des incidents (courbe de Lorenz)",
        "Concentration of incidents (Lorenz curve)",
    ),
    "charts.knox.days": ("Écart en jours", "Days apart"),
    "charts.knox.distance": ("Distance (m)", "Distance (m)"),
    "charts.knox.ratio": ("Ratio de Knox (* p < {alpha})", "Knox ratio (* p < {alpha})"),
    "charts.knox.ratio_q": (
        "Ratio de Knox (* q < {alpha}, corrigé pour les bandes)",
        "Knox ratio (* q < {alpha}, corrected for the bands)",
    ),
    "charts.knox.title": ("Quasi-répétition : test de Knox", "Near repeat: Knox test"),
    "charts.perception.crime_rank": (
        "Rang de la criminalité enregistrée (1 = la plus élevée)",
        "Recorded crime rank (1 = highest)",
    ),
    "charts.perception.concern_rank": (
        "Rang de la préoccupation (1 = la plus forte)",
        "Concern rank (1 = highest)",
    ),
    "charts.perception.more_fear": ("Plus de crainte que de crimes", "More fear than crime"),
    "charts.perception.less_fear": ("Moins de crainte que de crimes", "Less fear than crime"),
    "charts.perception.title": ("Écart de perception par secteur", "Perception gap by sector"),
    # --- charts: what a chart of a large region leaves out ----------------------
    "charts.left_out.measures": (
        "(mesures non montrées : {n} ; voir le classeur)",
        "(measures not shown: {n}; see the workbook)",
    ),
    "charts.left_out.sectors": (
        "(secteurs non nommés : {n} ; voir le classeur)",
        "(sectors not named: {n}; see the workbook)",
    ),
    "charts.left_out.problems": (
        "(problèmes non montrés : {n} ; voir le classeur)",
        "(problems not shown: {n}; see the workbook)",
    ),
    "charts.left_out.problems_named": (
        "(problèmes non numérotés : {n} ; voir le classeur)",
        "(problems not numbered: {n}; see the workbook)",
    ),
    "charts.left_out.labels": (
        "(mesures sans étiquette : {n} ; voir le classeur)",
        "(measures not labelled: {n}; see the workbook)",
    ),
    # --- charts: step 2 -------------------------------------------------------
    "charts.timeline.planned": ("Prévue (début)", "Planned (start)"),
    "charts.timeline.running": ("En cours", "Running"),
    "charts.timeline.reference": ("Date de référence", "Reference date"),
    "charts.timeline.data_start": ("Début des données", "Start of the data"),
    "charts.timeline.title": (
        "Chronologie des mesures préventives",
        "Timeline of the preventive measures",
    ),
    "charts.network.partners": ("Partenaires", "Partners"),
    "charts.network.measures": ("Mesures", "Measures"),
    "charts.network.problems": ("Problèmes", "Problems"),
    "charts.network.unknown": (
        "Partenaire absent du fichier des partenaires",
        "Partner not in the partners file",
    ),
    "charts.network.suggested": (
        "Partenaire suggéré pour une lacune",
        "Partner suggested for a gap",
    ),
    "charts.network.title": ("Réseau des partenaires", "Partner network"),
    # --- charts: step 3 -------------------------------------------------------
    "charts.events_per_month": ("Événements par mois", "Events per month"),
    "charts.before_after.title": ("Avant / après", "Before / after"),
    "charts.forest.axis": (
        "RES (> 1 : baisse relative dans la zone traitée ; échelle log)",
        "RES (> 1: relative fall in the treated area; log scale)",
    ),
    "charts.forest.not_judged": ("Non jugées — {measures}", "Not judged — {measures}"),
    "charts.forest.not_judged_more": ("{measures} et {n} autres", "{measures} and {n} more"),
    "charts.forest.title": (
        "Taille d'effet relative (IC 95 % ; épais : estimation corrigée, placebos ; fin : brute, "
        "quasi-Poisson)",
        "Relative effect size (95% CI; thick: corrected estimate, placebos; thin: raw, "
        "quasi-Poisson)",
    ),
    "charts.peak.title": (
        "Pourquoi une mesure placée au sommet semble efficace",
        "Why a measure placed at a peak looks effective",
    ),
    "charts.peak.axis": (
        "Événements par mois (les {n} cellules ensemble)",
        "Events per month (the {n} cells together)",
    ),
    "charts.peak.history": (
        "Niveau habituel (historique) : {mean} par mois",
        "Usual level (history): {mean} a month",
    ),
    "charts.peak.before": (
        "Fenêtre du pic, où les cellules ont été choisies : {mean} par mois",
        "Peak window, in which the cells were chosen: {mean} a month",
    ),
    "charts.peak.after": (
        "Après le début de la mesure fictive (sans effet) : {mean} par mois",
        "After the pretend measure (no effect) began: {mean} a month",
    ),
    "charts.risk.likelihood": (
        "Probabilité : événements attendus par an (échelle log)",
        "Likelihood: expected events per year (log scale)",
    ),
    "charts.risk.impact": (
        "Impact : poids de gravité moyen (échelle log)",
        "Impact: mean severity weight (log scale)",
    ),
    "charts.risk.size": ("Taille : préoccupation citoyenne", "Size: citizen concern"),
    "charts.risk.levels": ("Niveau de risque (fond)", "Risk level (background)"),
    "charts.risk.key": ("Risques les plus élevés", "Highest risks"),
    "charts.risk.title": (
        "Matrice des risques actuels (secteur × famille)",
        "Current risk matrix (sector × family)",
    ),
    "charts.projection.observed": ("Observé", "Observed"),
    "charts.projection.projection": ("Projection", "Projection"),
    "charts.projection.interval": ("Intervalle de prédiction", "Prediction interval"),
    "charts.projection.backtest": ("Rétro-test (année retenue)", "Backtest (held-out year)"),
    "charts.projection.naive": (
        "Prévision naïve (même mois, an passé)",
        "Naive forecast (same month last year)",
    ),
    "charts.projection.title": ("Projection sur 12 mois", "12-month projection"),
}
"""Label key → (French, English)."""
