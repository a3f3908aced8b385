"""Captions and alt texts of the report's figures (every image has both, in its language).

``report.figure.<name>.caption`` says what a figure shows and how to read it;
``report.figure.<name>.alt`` describes the image for a reader who cannot see it
(a screen reader, an image that does not load).
"""

from __future__ import annotations

LABELS: dict[str, tuple[str, str]] = {
    # --- step 1 -----------------------------------------------------------------
    "report.figure.count_map.caption": (
        "Nombre annuel moyen d'incidents par secteur (aucune population : pas de taux).",
        "Mean annual number of incidents per sector (no population: no rate).",
    ),
    "report.figure.count_map.alt": (
        "Carte des secteurs colorés selon leur nombre annuel moyen d'incidents.",
        "Map of the sectors coloured by their mean annual number of incidents.",
    ),
    "report.figure.rate_map.alt": (
        "Carte des secteurs colorés selon leur taux annuel moyen d'incidents.",
        "Map of the sectors coloured by their mean annual incident rate.",
    ),
    "report.figure.hour_weekday.caption": (
        "Incidents par heure et par jour de la semaine ; un incident dont l'heure est "
        "incertaine est réparti sur sa plage (allocation aoristique).",
        "Incidents by hour and day of the week; an incident whose time is uncertain is "
        "spread over its time span (aoristic allocation).",
    ),
    "report.figure.hour_weekday.alt": (
        "Grille heure × jour de la semaine, plus foncée aux moments où les incidents "
        "sont plus nombreux.",
        "Hour × day-of-week grid, darker at the times with more incidents.",
    ),
    "report.figure.seasonality.caption": (
        "Indice saisonnier mensuel par famille de crimes (1 = un mois moyen), avec son "
        "intervalle de confiance.",
        "Monthly seasonal index by crime family (1 = an average month), with its "
        "confidence interval.",
    ),
    "report.figure.seasonality.alt": (
        "Courbes de l'indice saisonnier de chaque famille de crimes, de janvier à décembre.",
        "Curves of each crime family's seasonal index, from January to December.",
    ),
    "report.figure.lorenz.caption": (
        "Concentration des incidents : part des incidents (vertical) dans la part des "
        "lieux les plus touchés (horizontal).",
        "Concentration of incidents: share of incidents (vertical) in the share of the most "
        "affected places (horizontal).",
    ),
    "report.figure.lorenz.alt": (
        "Courbe de Lorenz des incidents par lieu, au-dessus de la diagonale d'égalité.",
        "Lorenz curve of incidents by place, above the line of equality.",
    ),
    "report.figure.hot_spots.alt": (
        "Carte de la grille des points chauds et froids (Gi*) sur les secteurs.",
        "Map of the grid of hot and cold spots (Gi*) over the sectors.",
    ),
    "report.figure.knox.caption": (
        "Quasi-répétition (test de Knox) : rapport entre les paires d'incidents observées "
        "et attendues, par distance et par délai ; au-dessus de 1, plus de paires proches "
        "que le hasard n'en donnerait.",
        "Near repeat (Knox test): ratio of observed to expected pairs of incidents, by "
        "distance and time lag; above 1, more close pairs than chance would give.",
    ),
    "report.figure.knox.hidden": (
        "— : bande de moins de {n} paires observées, masquée dans la version publique.",
        "—: band of fewer than {n} observed pairs, hidden in the public version.",
    ),
    "report.figure.knox.alt": (
        "Grille distance × délai des rapports de Knox, colorée au-dessus et au-dessous de 1.",
        "Distance × time-lag grid of Knox ratios, coloured above and below 1.",
    ),
    "report.figure.perception.caption": (
        "Rang de la criminalité enregistrée et rang de la préoccupation des résidents, par "
        "secteur ; loin de la diagonale, la crainte et la criminalité ne vont pas ensemble.",
        "Rank of recorded crime and rank of residents' concern, by sector; far from the "
        "diagonal, fear and crime do not go together.",
    ),
    "report.figure.perception.alt": (
        "Nuage de points des secteurs, rang de la criminalité contre rang de la préoccupation.",
        "Scatter plot of the sectors, crime rank against concern rank.",
    ),
    "report.figure.problems.caption": (
        "Les problèmes prioritaires, numérotés selon leur rang de priorité ; ceux qui "
        "touchent toute la municipalité sont listés dans l'encadré.",
        "The priority problems, numbered by priority rank; those covering the whole "
        "municipality are listed in the box.",
    ),
    "report.figure.problems.alt": (
        "Carte des secteurs avec les lieux et zones des problèmes prioritaires, numérotés.",
        "Map of the sectors with the places and areas of the priority problems, numbered.",
    ),
    # --- step 2 -----------------------------------------------------------------
    "report.figure.timeline.caption": (
        "Les mesures dans le temps, colorées selon leur pilier : une barre de leur début à "
        "leur fin, une flèche si elles sont en cours, un losange si elles sont prévues.",
        "The measures in time, coloured by pillar: a bar from their start to their end, an "
        "arrow when running, a diamond when planned.",
    ),
    "report.figure.timeline.alt": (
        "Chronologie horizontale des mesures préventives.",
        "Horizontal timeline of the preventive measures.",
    ),
    "report.figure.measures_map.caption": (
        "Où agissent les mesures : leur empreinte, leur anneau tampon et les problèmes "
        "qu'elles visent.",
        "Where the measures act: their footprint, their buffer ring and the problems they target.",
    ),
    "report.figure.measures_map.alt": (
        "Carte des empreintes des mesures, par pilier, sur les secteurs.",
        "Map of the measures' footprints, by pillar, over the sectors.",
    ),
    "report.figure.gap_map.caption": (
        "Couverture des problèmes par les mesures en cours : rouge sans mesure, vert bien "
        "couvert ; le numéro est le rang de priorité.",
        "Coverage of the problems by running measures: red with no measure, green well "
        "covered; the number is the priority rank.",
    ),
    "report.figure.problem_trends.alt": (
        "Graphiques des incidents par mois des problèmes prioritaires, avec leur projection sur "
        "12 mois et son intervalle.",
        "Charts of the monthly incidents of the top problems, with their 12-month projection and "
        "its interval.",
    ),
    "report.figure.gap_map.alt": (
        "Carte des problèmes colorés selon leur niveau de couverture par les mesures.",
        "Map of the problems coloured by how well measures cover them.",
    ),
    "report.figure.network.caption": (
        "Les partenaires, les mesures auxquelles ils participent et les problèmes que ces "
        "mesures visent ; en pointillé, les partenaires suggérés pour les problèmes "
        "non couverts.",
        "The partners, the measures they take part in and the problems these measures "
        "target; dotted, the partners suggested for uncovered problems.",
    ),
    "report.figure.network.alt": (
        "Réseau en trois colonnes : partenaires, mesures et problèmes, reliés par des lignes.",
        "Three-column network: partners, measures and problems, joined by lines.",
    ),
    # --- step 3 -----------------------------------------------------------------
    "report.figure.forest.caption": (
        "Tailles d'effet relatives des mesures évaluées et leurs intervalles de confiance à "
        "95 % ; sous 1, moins d'incidents que dans la zone témoin.",
        "Relative effect sizes of the evaluated measures and their 95% confidence "
        "intervals; below 1, fewer incidents than in the control area.",
    ),
    "report.figure.forest.alt": (
        "Graphique en forêt : une ligne par mesure, son estimation et son intervalle.",
        "Forest plot: one row per measure, its estimate and its interval.",
    ),
    "report.figure.risk_matrix.caption": (
        "Matrice des risques actuels : probabilité (événements par an) × impact (gravité "
        "moyenne) par secteur et famille ; le fond donne le niveau de risque, les risques "
        "les plus élevés sont numérotés et nommés à droite.",
        "Current risk matrix: likelihood (events per year) × impact (mean severity) by "
        "sector and family; the background gives the risk level, the highest risks are "
        "numbered and named on the right.",
    ),
    "report.figure.risk_matrix.alt": (
        "Matrice probabilité × impact avec un point par secteur et famille de crimes.",
        "Likelihood × impact matrix with one point per sector and crime family.",
    ),
    "report.figure.risk_map.alt": (
        "Carte de la grille colorée selon le risque relatif futur.",
        "Map of the grid coloured by future relative risk.",
    ),
}
