"""Labels of the report's structure: first page, step pages, appendix, companion files, findings."""

from __future__ import annotations

LABELS: dict[str, tuple[str, str]] = {
    # --- appendix ---------------------------------------------------------------------------------
    "report.appendix.title": ("Annexe — tableaux détaillés", "Appendix — detailed tables"),
    "report.appendix.note": (
        "Les tableaux longs sont repliés ici (cliquer pour ouvrir ; ils sont dépliés à "
        "l'impression). Chacun est aussi, complet, dans le classeur tables.xlsx.",
        "Long tables are folded here (click to open; they are unfolded when printed). Each is "
        "also, in full, in the workbook tables.xlsx.",
    ),
    "report.appendix.label": ("Tableau A{n}", "Table A{n}"),
    "report.appendix.size": (
        "lignes : {rows}, colonnes : {columns}",
        "rows: {rows}, columns: {columns}",
    ),
    "report.appendix.ref": ("Tableau détaillé en annexe :", "Detailed table in the appendix:"),
    # --- first page and step pages ----------------------------------------------------------------
    "report.page.key_figures": ("Chiffres clés", "Key figures"),
    "report.page.findings": ("Ce qu'il faut retenir", "What matters"),
    "report.page.col.figure": ("Indicateur", "Figure"),
    "report.page.col.value": ("Valeur", "Value"),
    "report.page.col.detail": ("Sur quoi", "Out of"),
    "report.page.col.action": ("Action", "Action"),
    "report.page.col.projection": (
        "Projection 12 mois [intervalle]",
        "12-month projection [interval]",
    ),
    "report.page.col.target": ("Baisse visée", "Reduction aimed at"),
    "report.page.col.mde": ("Plus petit effet détectable", "Smallest detectable effect"),
    "report.page.top_problems": (
        "Les problèmes prioritaires : leur tendance et leur projection",
        "The priority problems: their trend and projection",
    ),
    "report.page.trend_caption": (
        "Incidents par mois des {n} problèmes les mieux classés (trait plein), projection des "
        "12 prochains mois (tirets) et son intervalle de prévision à {level} (bande). Le titre de "
        "chaque panneau dit si le changement sur 12 mois est significatif.",
        "Incidents per month of the {n} top-ranked problems (solid line), projection of the next "
        "12 months (dashes) and its {level} prediction interval (band). Each panel's title says "
        "whether the change over 12 months is significant.",
    ),
    "report.page.measures_numbers": (
        "{n} mesures inscrites au registre (actives à la fin de la période : {active}).",
        "{n} measures in the registry ({active} active at the end of the period).",
    ),
    "report.page.measures_numbers.one": (
        "{n} mesure inscrite au registre (active à la fin de la période : {active}).",
        "{n} measure in the registry ({active} active at the end of the period).",
    ),
    "report.page.gap_numbers": (
        "{gaps} problèmes sur {problems} ne sont pas couverts ou le sont faiblement.",
        "{gaps} of {problems} problems are not covered, or only weakly.",
    ),
    "report.page.gap_numbers.one": (
        "{gaps} problème sur {problems} n'est pas couvert ou l'est faiblement.",
        "{gaps} of {problems} problems is not covered, or only weakly.",
    ),
    "report.page.why_heading": (
        "Pourquoi si peu de résultats sont démontrables, et quoi faire",
        "Why so few results can be demonstrated, and what to do",
    ),
    "report.page.plan_heading": ("Le plan en bref", "The plan at a glance"),
    # --- companion files --------------------------------------------------------------------------
    "report.files.heading": ("Fichiers qui accompagnent ce rapport", "Files with this report"),
    "report.files.intro": (
        "Ces fichiers sont écrits dans le même dossier que ce rapport ; les liens sont relatifs "
        "(gardez le dossier entier).",
        "These files are written in the same folder as this report; the links are relative "
        "(keep the whole folder).",
    ),
    "report.files.long_tables": (
        (
            "Les tableaux de plus de {most} lignes sont dans des fichiers CSV à côté du "
            "classeur (sa feuille dit où) : {tables}."
        ),
        (
            "Tables longer than {most} rows are in CSV files beside the workbook (its sheet "
            "says where): {tables}."
        ),
    ),
    "report.files.long_table": ("{csv} ({rows} lignes)", "{csv} ({rows} rows)"),
    "report.files.tables": (
        "Classeur : chaque tableau du rapport, complet, une feuille par tableau (pour filtrer, "
        "trier et refaire les calculs).",
        "Workbook: every table of the report, in full, one sheet per table (to filter, sort and "
        "redo the calculations).",
    ),
    "report.files.plan_xlsx": (
        "Le plan d'action en tableur : une ligne par action, à compléter et à suivre.",
        "The action plan as a spreadsheet: one row per action, to complete and follow up.",
    ),
    "report.files.plan_json": (
        "Le plan d'action pour les scripts (JSON).",
        "The action plan for scripts (JSON).",
    ),
    "report.files.plan_toml": (
        "Le plan d'action à tenir à jour : responsables, dates, indicateurs de mise en œuvre "
        "(valeurs réalisées à remplir) et plan d'évaluation préenregistré ; à redonner au "
        "suivi.",
        "The action plan to keep up to date: owners, dates, implementation indicators (done "
        "values to fill in) and the pre-registered evaluation design; to feed to the follow-up.",
    ),
    "report.files.problems_toml": (
        "Le registre des problèmes : à relire, corriger ou exclure, puis à redonner au "
        "diagnostic suivant.",
        "The problem register: to review, correct or exclude, then feed to the next diagnosis.",
    ),
    "report.files.problems_geojson": (
        "Les contours des problèmes, à ouvrir dans un SIG (QGIS…).",
        "The problems' outlines, to open in a GIS (QGIS…).",
    ),
    "report.files.ledger": (
        "Le registre de qualité des données, ligne par ligne : ce qui a été rejeté ou signalé, "
        "et pourquoi.",
        "The data-quality ledger, row by row: what was rejected or flagged, and why.",
    ),
    "report.files.csv": (
        "Un tableau trop long pour une feuille du classeur (CSV).",
        "A table too long for a sheet of the workbook (CSV).",
    ),
    "report.files.workbook": ("Un classeur de tableaux.", "A workbook of tables."),
    "report.files.map": (
        "Une carte interactive (à ouvrir dans un navigateur).",
        "An interactive map (to open in a browser).",
    ),
    "report.files.pdf": (
        "Ce rapport en PDF, pour l'imprimer ou l'archiver.",
        "This report as a PDF, to print or archive.",
    ),
    "report.files.notebooks": (
        "Les carnets Jupyter exécutés : chaque calcul, pas à pas, pour l'analyste.",
        "The executed Jupyter notebooks: every calculation, step by step, for the analyst.",
    ),
    "report.files.other": ("Fichier produit avec le rapport.", "File produced with the report."),
    # --- PDF --------------------------------------------------------------------------------------
    "report.pdf.no_chromium": (
        "Chromium est introuvable : il faut un Chromium sans interface pour écrire le PDF. "
        "Installez-le (Debian/Ubuntu : « sudo apt-get install -y chromium », ou « make chromium ») "
        "ou donnez son chemin dans la variable DIAGNOSTIC_CHROMIUM.",
        "Chromium was not found: a headless Chromium is needed to write the PDF. Install it "
        "(Debian/Ubuntu: 'sudo apt-get install -y chromium', or 'make chromium') or give its "
        "path in the DIAGNOSTIC_CHROMIUM environment variable.",
    ),
    "report.pdf.failed": (
        "Chromium n'a pas pu écrire le PDF (code {code}) : {error}",
        "Chromium could not write the PDF (code {code}): {error}",
    ),
    # --- chart of the top problems' trends --------------------------------------------------------
    "charts.trends.title": (
        "Problèmes prioritaires : incidents par mois et projection sur 12 mois",
        "Priority problems: incidents per month and 12-month projection",
    ),
    "charts.trends.rank": ("N° {rank} — {title}", "No. {rank} — {title}"),
    "charts.trends.per_month": ("Incidents par mois", "Incidents per month"),
    "charts.trends.interval": ("Intervalle de prévision à {level}", "{level} prediction interval"),
    # --- findings (diagnostic_lib.summary) --------------------------------------------------------
    "summary.chance.very_unlikely": (
        "Une hausse aussi nette n'est presque certainement pas due au hasard ({q}, après "
        "correction pour les comparaisons multiples).",
        "A rise this large is very unlikely to be chance ({q}, after correction for multiple "
        "comparisons).",
    ),
    "summary.chance.unlikely": (
        "Il est peu probable que cette hausse soit due au hasard ({q}, après correction pour "
        "les comparaisons multiples).",
        "This rise is unlikely to be chance ({q}, after correction for multiple comparisons).",
    ),
    "summary.chance.probably_not": (
        "Cette hausse n'est probablement pas due au hasard, mais reste à confirmer ({q}).",
        "This rise is probably not chance, but needs confirming ({q}).",
    ),
    "summary.finding.rise": (
        "{family} : {last} incidents au cours des 12 derniers mois, contre {previous} les 12 "
        "mois précédents ({change}).",
        "{family}: {last} incidents in the last 12 months, against {previous} in the 12 months "
        "before ({change}).",
    ),
    "summary.finding.no_change": (
        "Aucune des {n} familles d'infractions n'a changé de façon significative sur 12 mois.",
        "No significant change over 12 months in any of the {n} offence families.",
    ),
    "summary.finding.no_change_why": (
        "Les écarts d'une année à l'autre restent dans la variation habituelle.",
        "The differences from one year to the next stay within the usual variation.",
    ),
    "summary.finding.top_problem": (
        "Problème prioritaire n° 1 : {title} — {n} incidents, environ {per_year} par année.",
        "Priority problem no. 1: {title} — {n} incidents, about {per_year} a year.",
    ),
    "summary.finding.top_problem_short": (
        "Problème prioritaire n° 1 : {title} — {n} incidents.",
        "Priority problem no. 1: {title} — {n} incidents.",
    ),
    "summary.finding.top_problem_why": (
        "Tendance : {trend} ({p}). Le rang dépend des poids donnés aux critères "
        "({n} problèmes classés) ; voir l'étape 1.",
        "Trend: {trend} ({p}). The rank depends on the weights given to the criteria "
        "({n} problems ranked); see step 1.",
    ),
    "summary.finding.top_problem_unsure": (
        "Ex æquo avec le n° 2 : en tête dans {share} des tirages de ses comptes ({other} pour "
        "lui).",
        "Tied with no. 2: on top in {share} of redraws of its counts ({other} for it).",
    ),
    "summary.finding.forecast": (
        "{family} : environ {mean} incidents attendus au cours des 12 prochains mois (entre "
        "{low} et {high}, intervalle de prévision à {level}), contre {last} les 12 derniers mois.",
        "{family}: about {mean} incidents expected in the next 12 months (between {low} and "
        "{high}, {level} prediction interval), against {last} in the last 12 months.",
    ),
    "summary.trust.trust": (
        "Sur les années passées, cette méthode a prévu mieux que « comme l'an dernier » : "
        "la projection est fiable.",
        "Over past years this method forecast better than 'same as last year': the projection "
        "can be relied on.",
    ),
    "summary.trust.caution": (
        "Sur les années passées, cette méthode a fait un peu mieux que « comme l'an dernier », "
        "mais l'intervalle a parfois été dépassé : à lire avec prudence.",
        "Over past years this method did a little better than 'same as last year', but the "
        "interval was sometimes missed: read with caution.",
    ),
    "summary.trust.do_not_trust": (
        "Sur les années passées, cette méthode n'a pas fait mieux que « comme l'an dernier » : "
        "ne pas s'y fier.",
        "Over past years this method did no better than 'same as last year': do not rely on it.",
    ),
    "summary.trust.unknown": (
        "La projection n'a pas pu être mise à l'épreuve sur les années passées.",
        "The projection could not be tested on past years.",
    ),
    "summary.finding.evaluation": (
        "{judged} mesures sur {n} ont pu être évaluées ; {effective} ont un effet démontré.",
        "{judged} of {n} measures could be evaluated; {effective} have a demonstrated effect.",
    ),
    "summary.finding.evaluation_why": (
        "Pour les {other} autres, les données ne permettent pas encore de conclure, dans un "
        "sens ou dans l'autre (voir « Pourquoi si peu de résultats sont démontrables »).",
        "For the other {other}, the data cannot yet tell either way (see 'Why so few results "
        "can be demonstrated').",
    ),
    "summary.finding.concentration": (
        "{places} des lieux (cellules de {cell} m) concentrent {incidents} des incidents "
        "localisés.",
        "{places} of places ({cell} m cells) hold {incidents} of located incidents.",
    ),
    "summary.finding.concentration_why": (
        "Au hasard : {chance} ; seul l'écart dit une concentration. Ce qui n'est pas signalé "
        "n'y figure pas.",
        "At random: {chance}; only the gap shows concentration. What is not reported is not in it.",
    ),
    # --- why so little can be evaluated -----------------------------------------------------------
    "summary.why.measures": (
        "{k} des {n} mesures ne peuvent pas encore être évaluées : {reasons}.",
        "{k} of the {n} measures cannot be evaluated yet: {reasons}.",
    ),
    "summary.why.no_before_window": (
        "début moins de 12 mois après le début des données, donc pas de période « avant » "
        "à comparer : {n}",
        "started less than 12 months after the data begin, so no 'before' period to compare: {n}",
    ),
    "summary.why.municipality_wide": (
        "toute la municipalité couverte, donc aucune zone témoin possible : {n}",
        "the whole municipality covered, so no comparison area is possible: {n}",
    ),
    "summary.why.no_footprint": (
        "aucun lieu ni zone inscrits, donc rien à comparer : {n}",
        "no place or area recorded, so nothing to compare: {n}",
    ),
    "summary.why.planned": (
        "pas encore commencée : {n}",
        "not started yet: {n}",
    ),
    "summary.why.other": (
        "autre raison (voir l'étape 3) : {n}",
        "another reason (see step 3): {n}",
    ),
    "summary.why.too_little_history": (
        "trop peu d'historique pour départager un effet du hasard : {n}",
        "too little history to tell an effect from chance: {n}",
    ),
    "summary.why.too_recent": (
        "trop récente (moins de 12 mois de recul) : {n}",
        "too recent (less than 12 months since the start): {n}",
    ),
    "summary.why.too_few": (
        "trop peu d'événements dans la zone (moins de 10) : {n}",
        "too few events in the area (fewer than 10): {n}",
    ),
    "summary.why.measures_todo": (
        "Pour qu'une mesure puisse être évaluée : inscrire sa date de début et sa zone (ou ses "
        "lieux) dès le départ ; la démarrer dans une zone où l'on a au moins 12 mois de données "
        "avant ; garder une zone comparable sans la mesure ; attendre 12 mois avant de juger.",
        "For a measure to be evaluable: record its start date and its area (or places) from the "
        "start; start it where at least 12 months of data exist before; keep a comparable area "
        "without the measure; wait 12 months before judging.",
    ),
    "summary.why.plan": (
        "{k} des {n} actions du plan sont « sous-puissantes » : la baisse visée (typiquement "
        "{target}) est plus petite que le plus petit effet que ces données peuvent distinguer du "
        "hasard (typiquement {mde}). Une vraie baisse de la taille visée risquerait donc de "
        "passer inaperçue.",
        "{k} of the {n} actions of the plan are 'underpowered': the reduction aimed at "
        "(typically {target}) is smaller than the smallest effect these data can tell from "
        "chance (typically {mde}). A real reduction of the size aimed at could well go unnoticed.",
    ),
    "summary.why.plan_todo": (
        "Quoi faire : viser une baisse plus forte en concentrant l'action sur moins de lieux ; "
        "suivre plus longtemps (24 mois plutôt que 12) ; regrouper les zones ou problèmes "
        "semblables ; suivre aussi un indicateur plus fréquent (appels de service). Sinon, "
        "présenter le résultat comme un suivi, pas comme une preuve d'efficacité.",
        "What to do: aim for a larger reduction by concentrating the action on fewer places; "
        "follow up longer (24 months rather than 12); pool similar areas or problems; also "
        "follow a more frequent indicator (calls for service). Otherwise, present the result "
        "as monitoring, not as proof of effectiveness.",
    ),
}
"""Label key → (French, English)."""
