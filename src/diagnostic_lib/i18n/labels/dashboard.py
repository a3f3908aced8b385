"""Labels of the widgets: the explorers of the four steps, the dashboard and its key figures."""

from __future__ import annotations

LABELS: dict[str, tuple[str, str]] = {
    # --- explorers (widgets.*_explorers) ----------------------------------
    "widget.component.rate": ("Taux", "Rate"),
    "widget.component.severity": ("Gravité", "Severity"),
    "widget.component.trend": ("Tendance", "Trend"),
    "widget.component.hotspot": ("Point chaud", "Hot spot"),
    "widget.component.concern": ("Préoccupation citoyenne", "Citizen concern"),
    "widget.component.vulnerability": ("Vulnérabilité", "Vulnerability"),
    "widget.score": ("Score", "Score"),
    "widget.priority.weights": ("Poids des composantes", "Component weights"),
    "widget.priority.missing": ("Composantes manquantes", "Missing components"),
    "widget.card.problems": ("Problèmes visés", "Problems addressed"),
    "widget.card.counts": (
        "Incidents visés, 12 mois avant et après le début (comptes simples)",
        "Targeted incidents, 12 months before and after the start (plain counts)",
    ),
    "widget.problem.coverage": ("Couverture", "Coverage"),
    "widget.problem.measures": ("Mesures qui le visent", "Measures addressing it"),
    "widget.problem.partners": ("Partenaires qui pourraient aider", "Partners who could help"),
    "widget.eval.treated": ("Zone traitée (avant → après)", "Treated area (before → after)"),
    "widget.eval.buffer": ("Anneau (avant → après)", "Buffer ring (before → after)"),
    "widget.eval.control": ("Zone témoin (avant → après)", "Control area (before → after)"),
    "widget.eval.res_poisson": ("RES (IC 95 % Poisson)", "RES (95% CI, Poisson)"),
    "widget.eval.res_adjusted": ("RES (IC 95 % ajusté)", "RES (95% CI, adjusted)"),
    "widget.eval.res_corrected": (
        "RES corrigé (retour à la moyenne), IC des placebos",
        "Corrected RES (regression to the mean), placebo CI",
    ),
    "widget.eval.q_value": ("q (toutes les mesures jugées)", "q (all measures judged)"),
    "widget.eval.placebos": ("Lieux placebo", "Placebo places"),
    "widget.eval.phi": ("Surdispersion φ (avant)", "Overdispersion φ (before)"),
    "widget.eval.treated_p": (
        "Zone traitée seule, avant → après (test E, p ; sans témoin ni historique : pas un "
        "verdict, le retour à la moyenne le rend souvent < 0,05)",
        "Treated area alone, before → after (E-test, p; no control, no history: not a "
        "verdict, regression to the mean often makes it < 0.05)",
    ),
    "widget.eval.p_corrected": (
        "p du RES corrigé (celui du verdict)",
        "p of the corrected RES (the verdict's)",
    ),
    "widget.eval.wdd": ("WDD (z ajusté)", "WDD (adjusted z)"),
    "widget.eval.wdq": ("WDQ", "WDQ"),
    "widget.eval.tne": ("Effet net total (événements)", "Total net effect (events)"),
    "widget.eval.windows": ("Fenêtres (avant ; après)", "Windows (before; after)"),
    "widget.eval.windows_value": (
        "{before_start} – {before_end} ; {after_start} – {after_end}",
        "{before_start} – {before_end}; {after_start} – {after_end}",
    ),
    "widget.plan.response": ("Réponse", "Response"),
    "widget.plan.baseline": ("Référence", "Baseline"),
    "widget.plan.target": ("Cible", "Target"),
    "widget.plan.deadline": ("Échéance", "Deadline"),
    "widget.plan.partners": ("Partenaires", "Partners"),
    "widget.plan.mde": ("Effet minimal détectable", "Minimum detectable effect"),
    # --- dashboard (widgets.dashboard, notebooks/dashboard.ipynb) ----------
    "dash.title": ("Tableau de bord du diagnostic", "Diagnosis dashboard"),
    "dash.subtitle": (
        "{municipality} — période du {start} au {end}",
        "{municipality} — period {start} to {end}",
    ),
    "dash.confidential": (
        "Données agrégées seulement : aucun événement individuel n'est montré ; "
        "les nombres inférieurs à {n} sont masqués (« < {n} »).",
        "Aggregated data only: no individual event is shown; "
        "counts below {n} are suppressed ('< {n}').",
    ),
    "dash.language": ("Langue", "Language"),
    "dash.key_numbers": ("Chiffres clés", "Key numbers"),
    "dash.priority": ("Problèmes prioritaires", "Priority problems"),
    "dash.priority_help": (
        "Bougez les curseurs : le classement et la carte se recalculent.",
        "Move the sliders: the ranking and the map are recomputed.",
    ),
    "dash.map": ("Carte interactive des problèmes", "Interactive problems map"),
    "dash.sector": ("Portrait d'un secteur", "Sector profile"),
    "dash.sector_header_no_population": (
        "{name} ({sector}) — population inconnue",
        "{name} ({sector}) — population unknown",
    ),
    "dash.sector_header": (
        "{name} ({sector}) — {population} habitants",
        "{name} ({sector}) — {population} residents",
    ),
    "dash.rates": ("Taux par famille, année {year}", "Rates by family, year {year}"),
    "dash.problems": ("Problèmes touchant le secteur", "Problems affecting the sector"),
    "dash.measures": (
        "Mesures préventives agissant dans le secteur (au {date})",
        "Preventive measures acting in the sector (at {date})",
    ),
    "dash.none": ("Aucun.", "None."),
    "dash.col.indicator": ("Indicateur", "Indicator"),
    "dash.col.value": ("Valeur", "Value"),
    "dash.col.denominator": ("Dénominateur et précisions", "Denominator and details"),
    "dash.col.rate_ci": ("IC 95 %", "95% CI"),
    "dash.col.municipality_rate": ("Taux municipal", "Municipal rate"),
    "dash.col.rank": ("Rang", "Rank"),
    "dash.col.problem": ("Problème", "Problem"),
    "dash.col.kind": ("Type", "Type"),
    "dash.col.trend": ("Tendance (12 derniers mois)", "Trend (last 12 months)"),
    "dash.col.measure": ("Mesure", "Measure"),
    "dash.col.pillar": ("Composante", "Pillar"),
    "dash.col.status": ("Statut", "Status"),
    "dash.col.start": ("Début", "Start"),
    "dash.kn.incidents": ("Incidents enregistrés", "Recorded incidents"),
    "dash.kn.incidents_detail": (
        "du {start} au {end} ({span})",
        "from {start} to {end} ({span})",
    ),
    "dash.kn.rate": (
        "Taux annuel moyen pour 1 000 habitants",
        "Mean annual rate per 1,000 residents",
    ),
    "dash.kn.rate_detail": (
        "{n} incidents par an pour {population} habitants ; intervalle de confiance à {level} "
        "(Poisson) : {interval}",
        "{n} incidents a year for {population} residents; {level} confidence interval "
        "(Poisson): {interval}",
    ),
    "dash.kn.located": ("Incidents localisés (sur les cartes)", "Located incidents (on the maps)"),
    "dash.kn.of_incidents": ("sur {n} incidents ({share})", "out of {n} incidents ({share})"),
    "dash.kn.problems": ("Problèmes repérés", "Problems found"),
    "dash.kn.problems_detail": (
        "{rising} en hausse significative, {falling} en baisse significative",
        "{rising} significantly rising, {falling} significantly falling",
    ),
    "dash.kn.in_problems": (
        "Incidents rattachés à un problème",
        "Incidents belonging to a problem",
    ),
    "dash.kn.measures": ("Mesures préventives en cours", "Active preventive measures"),
    "dash.kn.measures_detail": (
        "sur {n} mesures répertoriées (au {date})",
        "out of {n} listed measures (at {date})",
    ),
    "dash.kn.unsafe": (
        "Citoyens se sentant en insécurité le soir",
        "Residents feeling unsafe at night",
    ),
    "dash.kn.unsafe_detail": (
        "{n} répondants au sondage (IC 95 % : {low} – {high})",
        "{n} survey respondents (95% CI: {low} – {high})",
    ),
    "dash.kn.rows": ("Lignes d'incidents conservées", "Incident rows kept"),
    "dash.kn.rows_detail": (
        "sur {n} lignes lues (voir le registre de qualité)",
        "out of {n} rows read (see the quality ledger)",
    ),
}
"""Label key → (French, English)."""
