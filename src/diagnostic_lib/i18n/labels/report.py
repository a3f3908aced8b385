"""Labels of the report: headings, sentences, captions, table headers and method notes."""

from __future__ import annotations

LABELS: dict[str, tuple[str, str]] = {
    # --- document --------------------------------------------------------------------------------
    "report.contents": ("Sommaire", "Contents"),
    "report.table.first_rows": (
        "{shown} premières lignes sur {total}.",
        "First {shown} rows of {total}.",
    ),
    # --- overview and workbook -------------------------------------------------------------------
    "report.overview.details": (
        "Le détail ligne par ligne est dans ledger.csv.",
        "Row-by-row details are in ledger.csv.",
    ),
    "report.workbook.too_long": (
        "Table trop longue pour une feuille : voir {csv}.",
        "Table too long for a sheet: see {csv}.",
    ),
    # --- the report's front matter ---------------------------------------------------------------
    "report.notebooks.running": (
        "Exécution des cahiers sur l'échantillon (une minute ou plus) : {names}",
        "Running the notebooks on the sample (a minute or more): {names}",
    ),
    "report.notebooks.one": ("  · {name}", "  · {name}"),
    "report.title": (
        "Autodiagnostic local de sécurité — {municipality}",
        "Local security self-diagnosis — {municipality}",
    ),
    "report.title_public": ("{title} (version publique)", "{title} (public version)"),
    "report.period_note": (
        "Période étudiée : {start} – {end}. Rapport produit le {today} par diagnostic_lib.",
        "Study period: {start} – {end}. Report produced on {today} by diagnostic_lib.",
    ),
    "report.public_box": (
        (
            "Version publique : données agrégées par secteur ou par cellule de grille "
            "seulement ; comptes inférieurs à {threshold} masqués ; aucun champ de texte libre."
        ),
        (
            "Public version: data aggregated to sectors or grid cells only; counts below "
            "{threshold} suppressed; no free-text fields."
        ),
    ),
    # --- executive summary -----------------------------------------------------------------------
    "report.summary.heading": ("Sommaire exécutif", "Executive summary"),
    "report.summary.incidents": (
        (
            "{incidents} incidents enregistrés pour {population} habitants, soit {rate} par "
            "1 000 habitants par année."
        ),
        (
            "{incidents} recorded incidents for {population} residents: {rate} per 1,000 "
            "residents a year."
        ),
    ),
    "report.summary.incidents_no_population": (
        "{incidents} incidents enregistrés ; aucune population de secteur : les taux ne sont "
        "pas calculés.",
        "{incidents} recorded incidents; no sector population: rates are not computed.",
    ),
    "report.summary.incidents_partial_population": (
        (
            "{incidents} incidents enregistrés ; dans les {sectors} secteurs sur {total} dont la "
            "population est connue ({population} habitants, {counted} incidents), {rate} par "
            "1 000 habitants par année."
        ),
        (
            "{incidents} recorded incidents; in the {sectors} sectors of {total} whose population "
            "is known ({population} residents, {counted} incidents), {rate} per 1,000 residents "
            "a year."
        ),
    ),
    "report.summary.quality": (
        (
            "Qualité des données : {kept} lignes conservées sur {read} ({rejected} rejetées, "
            "{flagged} signalées) ; voir le registre."
        ),
        (
            "Data quality: {kept} rows kept out of {read} ({rejected} rejected, {flagged} "
            "flagged); see the ledger."
        ),
    ),
    "report.summary.rise": (
        "Hausse significative : {family} ({last} contre {previous}, rapport {ratio}, {q}).",
        "Significant rise: {family} ({last} against {previous}, ratio {ratio}, {q}).",
    ),
    "report.summary.perception_gap": (
        (
            "Écart de perception : le secteur {sector} ({name}) craint davantage que ne le "
            "laisse croire la criminalité enregistrée."
        ),
        "Perception gap: sector {sector} ({name}) fears more than recorded crime suggests.",
    ),
    "report.summary.priorities": ("Problèmes prioritaires :", "Priority problems:"),
    "report.summary.no_priorities": (
        "Aucun problème n'a assez d'événements pour être classé parmi les priorités.",
        "No problem has enough events to be ranked among the priorities.",
    ),
    "report.summary.priority_item": (
        "{rank}. {title} (score {score})",
        "{rank}. {title} (score {score})",
    ),
    "report.summary.plan": ("Plan d'action proposé :", "Proposed action plan:"),
    # --- table headers ---------------------------------------------------------------------------
    "report.col.sector": ("Secteur", "Sector"),
    "report.col.name": ("Nom", "Name"),
    "report.col.family": ("Famille", "Family"),
    "report.col.count": ("Nombre", "Count"),
    "report.col.population": ("Population", "Population"),
    "report.col.base": ("Dénominateur", "Denominator"),
    "report.col.denominator": ("Base du taux", "Rate base"),
    "report.col.category": ("Catégorie", "Category"),
    "report.col.rate_eb": ("Taux lissé (EB)", "Smoothed rate (EB)"),
    "report.col.rate": ("Taux /1 000", "Rate /1,000"),
    "report.col.ci_low": ("IC bas", "CI low"),
    "report.col.ci_high": ("IC haut", "CI high"),
    "report.col.index": ("Indice", "Index"),
    "report.col.last_12": ("12 derniers mois", "Last 12 months"),
    "report.col.previous_12": ("12 mois précédents", "Previous 12 months"),
    "report.col.ratio": ("Rapport", "Ratio"),
    "report.col.p_etest": ("p (test E)", "p (E-test)"),
    "report.col.q_fdr": ("q (FDR)", "q (FDR)"),
    "report.col.finding": ("Constat", "Finding"),
    "report.col.top_category": ("Catégorie principale", "Main category"),
    "report.col.facility": ("Lieu", "Facility"),
    "report.col.facility_kind": ("Type", "Kind"),
    "report.col.crime_rank": ("Rang criminalité", "Crime rank"),
    "report.col.concern_rank": ("Rang préoccupation", "Concern rank"),
    "report.col.gap": ("Écart", "Gap"),
    "report.col.respondents": ("Répondants", "Respondents"),
    "report.col.rank": ("Rang", "Rank"),
    "report.col.problem": ("Problème", "Problem"),
    "report.col.score": ("Score", "Score"),
    "report.col.p_first": (
        "Premier (part des tirages de ses comptes)",
        "First (share of redraws of its counts)",
    ),
    "report.col.missing": ("Composantes manquantes", "Missing components"),
    "report.col.status": ("Statut", "Status"),
    "report.col.problem_rank": ("Rang du problème", "Problem rank"),
    "report.col.response": ("Réponse", "Response"),
    "report.col.fit": ("Adéquation", "Fit"),
    "report.col.evidence": ("Preuve", "Evidence"),
    "report.col.in_place": ("Déjà en place", "In place"),
    "report.col.pillars": ("Piliers", "Pillars"),
    "report.col.partners": ("Partenaires", "Partners"),
    "report.col.component.rate": ("Taux", "Rate"),
    "report.col.component.severity": ("Gravité", "Severity"),
    "report.col.component.trend": ("Tendance", "Trend"),
    "report.col.component.hotspot": ("Point chaud", "Hot spot"),
    "report.col.component.concern": ("Préoccupation", "Concern"),
    "report.col.component.vulnerability": ("Vulnérabilité", "Vulnerability"),
    "report.col.measure": ("Mesure", "Measure"),
    "report.col.verdict": ("Verdict", "Verdict"),
    "report.col.treated_before": ("Zone traitée, avant", "Treated, before"),
    "report.col.treated_after": ("Zone traitée, après", "Treated, after"),
    "report.col.control_before": ("Témoin, avant", "Control, before"),
    "report.col.control_after": ("Témoin, après", "Control, after"),
    "report.col.res_raw": ("RES brut", "Raw RES"),
    "report.col.res_corrected": ("RES corrigé", "Corrected RES"),
    "report.col.placebos": ("Lieux placebo", "Placebo places"),
    "report.col.net_res": ("RES net (anneau compris)", "Net RES (ring included)"),
    "report.col.wdq": ("WDQ (déplacement)", "WDQ (displacement)"),
    "report.col.tne": ("Effet net (événements évités)", "Net effect (events prevented)"),
    "report.col.active": ("En place", "In place"),
    "report.col.reach": ("Portée", "Reach"),
    "report.col.relevance": ("Pertinence", "Relevance"),
    "report.col.pillar": ("Pilier", "Pillar"),
    "report.col.n_active": ("Mesures en place", "Measures in place"),
    "report.col.share_measures": ("Part des mesures", "Share of measures"),
    "report.col.cost": ("Coût annuel ($)", "Yearly cost ($)"),
    "report.col.share_costs": ("Part des coûts connus", "Share of known costs"),
    "report.col.baseline_mean": ("Moyenne des années antérieures", "Mean of earlier years"),
    "report.col.likelihood": ("Vraisemblance", "Likelihood"),
    "report.col.impact": ("Impact", "Impact"),
    "report.col.risk": ("Risque", "Risk"),
    "report.col.concern": ("Préoccupation", "Concern"),
    "report.col.model": ("Modèle", "Model"),
    "report.col.projection_12": ("Projection sur 12 mois", "12-month projection"),
    "report.col.pi_low": ("Intervalle de prédiction, bas", "Prediction interval, low"),
    "report.col.pi_high": ("Intervalle de prédiction, haut", "Prediction interval, high"),
    "report.col.trend_ratio": ("Tendance (rapport annuel)", "Trend (yearly ratio)"),
    "report.col.level": ("Niveau", "Level"),
    "report.col.mae_model": (
        "Erreur absolue moyenne (projection)",
        "Mean absolute error (projection)",
    ),
    "report.col.mae_naive": ("Erreur absolue moyenne (naïve)", "Mean absolute error (naive)"),
    "report.col.skill": ("Gain sur la prévision naïve", "Skill over the naive forecast"),
    "report.col.coverage": ("Mois dans l'intervalle", "Months inside the interval"),
    "report.col.nominal": ("Intervalle visé", "Nominal interval"),
    "report.col.trust": ("Confiance", "Trust"),
    # --- values of the tables ---------------------------------------------------------------------
    "report.value.municipality": ("Municipalité", "Municipality"),
    "report.value.all_families": ("Toutes les familles", "All families"),
    "report.value.model.level": ("niveau constant", "constant level"),
    "report.value.model.trend": ("tendance", "trend"),
    "report.value.model.trend_season": ("tendance et saisons", "trend and seasons"),
    "report.value.model.not_covered": ("non projeté", "not projected"),
    "report.value.level.sectors": ("Secteurs", "Sectors"),
    "report.value.level.municipality": ("Municipalité", "Municipality"),
    "report.value.trust.trust": ("fiable", "reliable"),
    "report.value.trust.caution": ("avec prudence", "with caution"),
    "report.value.trust.do_not_trust": ("ne pas s'y fier", "do not rely on it"),
    "report.missing_note": (
        "« — » : valeur manquante — la donnée n'existe pas (pas de population, pas de zone "
        "traitée, trop peu d'événements, mesure non évaluable) ou ne s'applique pas à la ligne.",
        "'—': missing value — the data do not exist (no population, no treated area, too few "
        "events, measure not evaluable) or do not apply to the row.",
    ),
    # --- step 1 ----------------------------------------------------------------------------------
    "report.step1.heading": (
        "Étape 1 — Problèmes de criminalité et enjeux de sécurité",
        "Step 1 — Crime problems and security issues",
    ),
    "report.step1.rate_map": ("Taux annuel moyen d'incidents", "Mean annual incident rate"),
    "report.step1.rate_map_legend": ("pour 1 000 hab.", "per 1,000 residents"),
    "report.step1.rate_map_caption": (
        "Taux annuel moyen par secteur, par 1 000 habitants, toutes familles (classes de "
        "Fisher–Jenks).",
        "Mean annual rate per sector, per 1,000 residents, all families (Fisher–Jenks classes).",
    ),
    "report.step1.no_hours": (
        "Aucun incident n'est daté à l'heure près (dates au mois ou plus larges) : pas de "
        "tableau heure × jour de la semaine.",
        "No incident is dated to the hour (dates to the month or wider): no hour × weekday table.",
    ),
    "report.step1.no_knox": (
        "Test de quasi-répétition (Knox) impossible : trop peu d'incidents localisés et datés "
        "au jour près ({n}).",
        "Near-repeat (Knox) test not possible: too few incidents located and dated to the "
        "day ({n}).",
    ),
    "report.step1.severity_no_population": (
        "Aucun secteur n'a de population : l'indice, qui se calcule par habitant, ne l'est pas.",
        "No sector has a population: the index, computed per resident, is not computed.",
    ),
    "report.step1.no_sector": (
        (
            "{count} incidents ({share}) n'ont pas de secteur (aucun code de secteur reconnu ni "
            "aucune position, comme souvent la fraude en ligne) : ils comptent dans la ligne de la "
            "municipalité, dans aucun secteur. "
            "Les nombres et les indices des secteurs sont donc des minimums."
        ),
        (
            "{count} incidents ({share}) have no sector (no recognised sector code and no "
            "position, as online fraud often has): they count in the municipality's row, in no "
            "sector's. The sectors' "
            "counts and indices are therefore minimums."
        ),
    ),
    "report.step1.no_sector_few": (
        (
            "Quelques incidents n'ont pas de secteur (aucun code de secteur reconnu ni aucune "
            "position) : ils comptent pour la municipalité, dans aucun secteur."
        ),
        (
            "A few incidents have no sector (no recognised sector code and no position): they "
            "count for the municipality, in no sector."
        ),
    ),
    "report.step1.no_sector_public": (
        (
            "Environ {share} des incidents n'ont pas de secteur (aucun code de secteur reconnu ni "
            "aucune position) : ils comptent pour la municipalité, dans aucun secteur. Les "
            "indices des secteurs sont donc des minimums."
        ),
        (
            "About {share} of the incidents have no sector (no recognised sector code and no "
            "position): they count for the municipality, in no sector. The sectors' indices are "
            "therefore minimums."
        ),
    ),
    "report.step1.rates_no_population": (
        "Aucun secteur n'a de population : les taux ne sont pas calculés et la carte montre le "
        "nombre d'incidents par année.",
        "No sector has a population: rates are not computed and the map shows the number of "
        "incidents a year.",
    ),
    "report.step1.rates_partial_population": (
        "Secteurs sans population : {sectors}. Ils n'ont pas de taux, et le taux de la "
        "municipalité (*) ne compte que les secteurs dont la population est connue.",
        "Sectors without population: {sectors}. They have no rate, and the municipality's "
        "rate (*) counts only the sectors whose population is known.",
    ),
    "report.step1.rates_order": (
        "Classement par taux lissé (bayésien empirique) : le taux d'un secteur à petite base "
        "est rapproché de celui de l'ensemble des secteurs, pour que trois événements dans un "
        "secteur de 300 habitants ne le placent pas en tête ; le taux brut et son intervalle "
        "sont à côté.",
        "Ranked by the smoothed (empirical-Bayes) rate: the rate of a sector with a small base "
        "is pulled towards that of all the sectors, so that three events in a 300-resident "
        "sector do not put it on top; the raw rate and its interval are beside it.",
    ),
    "report.step1.rates_public": (
        "Taux bruts, par secteur. La version publique ne publie pas de taux lissé : avec les "
        "taux des autres secteurs, il permettrait de recalculer un petit nombre masqué.",
        "Raw rates, by sector. The public version publishes no smoothed rate: with the other "
        "sectors' rates, it would let a reader recompute a masked small count.",
    ),
    "report.step1.rates_other_bases": (
        "Catégories dont le taux a une autre base que les habitants, 12 derniers mois "
        "({start} – {end})",
        "Categories whose rate has another base than residents, last 12 months ({start} – {end})",
    ),
    "report.step1.rates": (
        "Taux par secteur et famille, 12 derniers mois ({start} – {end})",
        "Rates by sector and family, last 12 months ({start} – {end})",
    ),
    "report.step1.rates_short": (
        "Taux par secteur et famille, {start} – {end} ({months} de données seulement : taux "
        "sur la période, non annualisés)",
        "Rates by sector and family, {start} – {end} (only {months} of data: rates over the "
        "period, not annualised)",
    ),
    "report.step1.counts": (
        "Incidents par secteur et famille, 12 derniers mois ({start} – {end})",
        "Incidents by sector and family, last 12 months ({start} – {end})",
    ),
    "report.step1.counts_short": (
        "Incidents par secteur et famille, {start} – {end} ({months} de données seulement)",
        "Incidents by sector and family, {start} – {end} (only {months} of data)",
    ),
    "report.step1.severity": (
        "Indice local de gravité pondérée (municipalité = 100 ; ce n'est pas l'IGC)",
        "Local severity-weighted index (municipality = 100; not the CSI)",
    ),
    "report.step1.rhythms": ("Rythmes", "Rhythms"),
    "report.step1.change": ("Changement (12 derniers mois)", "Change (last 12 months)"),
    "report.step1.concentration": ("Concentration", "Concentration"),
    "report.step1.concentration_incidents": (
        "Le plus petit nombre de lieux (cellules) qui réunit une part donnée des incidents :",
        "The fewest places (cells) that hold a given share of the incidents:",
    ),
    "report.step1.concentration_places": (
        "La part des incidents dans les lieux les plus actifs (les premiers 1, 5, 10 et 20 % "
        "des cellules) :",
        "The share of the incidents in the busiest places (the top 1, 5, 10 and 20% of the cells):",
    ),
    "report.step1.gini": (
        "Gini {gini} ; Gini généralisé {generalised} sur {places} cellules de {cell} m. Les "
        "mêmes incidents placés au hasard donneraient un Gini de {chance} : seul l'écart à ce "
        "chiffre dit une concentration du risque, et chaque ligne ci-dessous donne aussi sa "
        "valeur au hasard.",
        "Gini {gini}; generalised Gini {generalised} over {places} cells of {cell} m. The same "
        "incidents put at random would give a Gini of {chance}: only the gap to that figure "
        "shows a concentration of risk, and each line below gives its value by chance too.",
    ),
    "report.step1.repeat_locations": (
        "Lieux de répétition (lieux à risque).",
        "Repeat locations (risky places).",
    ),
    "report.step1.hot_spots": ("Points chauds", "Hot spots"),
    "report.step1.near_repeat": ("Quasi-répétition (cambriolages)", "Near repeat (break-ins)"),
    "report.progress.load": ("chargement", "loading"),
    "report.progress.step1": ("étape 1", "step 1"),
    "report.progress.step2": ("étape 2", "step 2"),
    "report.progress.step3": ("étape 3", "step 3"),
    "report.progress.step4": ("étape 4", "step 4"),
    "report.progress.write": ("rédaction", "writing"),
    "report.progress.notebooks": ("cahiers", "notebooks"),
    "report.progress.pdf": ("PDF", "PDF"),
    "report.step1.perception": ("Perception citoyenne", "Citizens' perception"),
    "report.step1.perception_no_ranks": (
        "Pas de graphique de l'écart de perception : il compare le rang de chaque secteur "
        "par son taux de criminalité et par la préoccupation de ses répondants, et ces rangs "
        "manquent ici (sans population de secteur, pas de taux).",
        "No chart of the perception gap: it compares each sector's rank by its crime rate "
        "and by its respondents' concern, and those ranks are missing here (without sector "
        "populations, no rate).",
    ),
    "report.step1.problems": ("Problèmes et priorités", "Problems and priorities"),
    # --- step 2 ----------------------------------------------------------------------------------
    "report.step2.heading": (
        "Étape 2 — Mesures préventives en place",
        "Step 2 — Preventive measures in place",
    ),
    "report.step2.no_measures": ("Aucun fichier de mesures.", "No measures file."),
    "report.step2.registry": (
        "{n} mesures répertoriées, par pilier et par statut (à la fin de la période étudiée).",
        "{n} measures listed, by pillar and status (at the end of the study period).",
    ),
    "report.step2.coverage": ("Couverture des problèmes", "Coverage of the problems"),
    "report.step2.coverage_text": (
        (
            "Comment chaque mesure répond à chaque problème (thème, lieu, moment), par les "
            "mesures actives."
        ),
        "How each measure addresses each problem (theme, place, time), by the active measures.",
    ),
    "report.step2.coverage_related": (
        (
            "Le tableau de couverture du classeur ne garde que les {n} paires problème × "
            "mesure dont la couverture n'est pas nulle, sur {total} : les autres n'en ont aucune."
        ),
        (
            "The workbook's coverage table keeps only the {n} problem × measure pairs with some "
            "coverage, out of {total}: the others have none."
        ),
    ),
    "report.step2.coverage_capped": (
        (
            "Les {n} paires d'une mesure à l'échelle de la municipalité ou sans empreinte ne "
            "figurent pas dans le tableau de couverture du classeur : leur couverture est faible "
            "par règle, la même pour chaque problème "
            "de leurs catégories (la couverture par mesure les résume). Le tableau garde les "
            "{kept} autres paires."
        ),
        (
            "The {n} pairs of a municipality-wide measure or of a measure without a footprint "
            "are not listed in the workbook's coverage table: their coverage is weak by rule, "
            "the same for every problem of "
            "their categories (the coverage by measure sums them up). The table keeps the "
            "{kept} other pairs."
        ),
    ),
    "report.step2.gaps": ("Lacunes", "Gaps"),
    "report.step2.gaps_caption": (
        "Problèmes prioritaires sans couverture ou peu couverts.",
        "Priority problems with no or weak coverage.",
    ),
    "report.step2.single_pillar": (
        "Problèmes traités par un seul pilier.",
        "Problems addressed by a single pillar.",
    ),
    "report.step2.sector_gaps": ("Secteurs : enjeux et mesures.", "Sectors: issues and measures."),
    "report.step2.partners": ("Partenaires", "Partners"),
    "report.step2.partners_caption": (
        "Partenaires à mobiliser pour les problèmes non couverts ou peu couverts.",
        "Partners who could be mobilised for uncovered or weakly covered problems.",
    ),
    # --- step 3 ----------------------------------------------------------------------------------
    "report.step3.heading": (
        "Étape 3 — Efficacité, pertinence et risques",
        "Step 3 — Effectiveness, relevance and risks",
    ),
    "report.step3.not_available": ("Évaluation non disponible.", "Evaluation not available."),
    "report.step3.effects": ("Efficacité des mesures", "Effectiveness of the measures"),
    "report.step3.effects_text": (
        (
            "Avant / après avec zone témoin : fenêtres égales, délai de mise en œuvre exclu ; "
            "taille d'effet relative (RES) avec un intervalle ajusté pour la surdispersion "
            "estimée sur la période avant ; WDD, WDQ et effet net total pour le déplacement. "
            "« Efficace » seulement si l'intervalle ajusté exclut 1."
        ),
        (
            "Before/after with a control area: equal windows, implementation lag left out; "
            "relative effect size (RES) with an interval adjusted for the overdispersion "
            "estimated on the before period; WDD, WDQ and total net effect for displacement. "
            "'Effective' only when the adjusted interval excludes 1."
        ),
    ),
    "report.step3.relevance": ("Pertinence", "Relevance"),
    "report.step3.current_risks": ("Risques actuels", "Current risks"),
    "report.step3.future_risks": ("Risques futurs", "Future risks"),
    "report.step3.emerging": (
        (
            "Risques émergents (tendance à la hausse significative ; projection sur 12 mois "
            "avec intervalle de prédiction) :"
        ),
        "Emerging risks (significant rising trend; 12-month projection with prediction interval):",
    ),
    "report.step3.risk_terrain": ("Terrain à risque", "Risk terrain"),
    "report.step3.risk_terrain_near_repeat": (
        "Terrain à risque et quasi-répétition",
        "Risk terrain and near repeat",
    ),
    # --- step 4 ----------------------------------------------------------------------------------
    "report.step4.heading": (
        "Étape 4 — Stratégies d'intervention et plan d'action",
        "Step 4 — Intervention strategies and action plan",
    ),
    "report.step4.text": (
        (
            "Pour chaque problème prioritaire, les réponses du catalogue sont classées selon "
            "l'adéquation, la force de la preuve, ce qui est déjà en place, l'équilibre des "
            "piliers et la disponibilité des partenaires."
        ),
        (
            "For each priority problem, catalogue responses are ranked by fit, strength of "
            "evidence, what is already in place, pillar balance and partner availability."
        ),
    ),
    "report.step4.plan": ("Plan d'action", "Action plan"),
    "report.plan.problem": ("Problème : {problem}", "Problem: {problem}"),
    "report.plan.problem_ranked": (
        "Problème prioritaire n° {rank} : {problem}",
        "Priority problem no. {rank}: {problem}",
    ),
    "report.plan.objective": (
        (
            "Objectif SMART : {indicator} — référence {baseline} ({period}), cible {target} au "
            "{deadline}."
        ),
        (
            "SMART objective: {indicator} — baseline {baseline} ({period}), target {target} by "
            "{deadline}."
        ),
    ),
    "report.plan.baseline_gaps": (
        (
            "La référence compte {covered} mois de données sur {months}, ramenés à la période "
            "entière."
        ),
        "The baseline counts {covered} months of data out of {months}, scaled to the whole period.",
    ),
    "report.plan.target_provisional": (
        (
            "Cible provisoire : une référence de si peu de mois ignore la saison ; fixez-la de "
            "nouveau quand la période de référence sera couverte."
        ),
        (
            "Provisional target: a baseline of so few months does not know the season; set it "
            "again once the baseline period is covered."
        ),
    ),
    "report.plan.owner": (
        "Responsable : {owner} ; partenaires : {partners} ; ressources : {resources}",
        "Owner: {owner} ; partners: {partners} ; resources: {resources}",
    ),
    "report.plan.monitoring": (
        "Suivi : {monitoring} Réévaluation : {date}",
        "Monitoring: {monitoring} Re-evaluation: {date}",
    ),
    "report.plan.design": ("Devis d'évaluation : {design}", "Evaluation design: {design}"),
    "report.plan.evidence": ("Preuve : {evidence}", "Evidence: {evidence}"),
    # --- method notes (report.METHOD_NOTES, in this order) ---------------------------------------
    "report.methods.heading": ("Notes méthodologiques", "Method notes"),
    "report.methods.data_used": (
        "Données de ce rapport : {incidents} incidents, du {first} au {last} (période "
        "étudiée : {start} – {end}) ; système de coordonnées utilisé : {crs}. Sources "
        "(données de la municipalité de {municipality}) : {sources}.",
        "Data of this report: {incidents} incidents, from {first} to {last} (study period: "
        "{start} – {end}); coordinate system used: {crs}. Sources (data of the municipality "
        "of {municipality}): {sources}.",
    ),
    "report.methods.basemap": (
        "Fond des cartes : tuiles {name} ({attribution}).",
        "Map background: {name} tiles ({attribution}).",
    ),
    "report.methods.basemap_unreachable": (
        "Fond des cartes : les tuiles configurées ({name}) n'ont pas pu être chargées ; les "
        "cartes sont dessinées sans fond.",
        "Map background: the configured tiles ({name}) could not be loaded; the maps are drawn "
        "without a background.",
    ),
    "report.methods.landmarks": (
        "Repères : sur les cartes, jusqu'à {n} lieux nommés de la couche des lieux, choisis "
        "près de ce que montre chaque carte, selon leur type et à au moins {spacing} les uns "
        "des autres.",
        "Landmarks: the maps show up to {n} named places of the places layer, chosen near what "
        "each map shows, by kind, and at least {spacing} apart.",
    ),
    "report.methods.data_gaps": (
        "Les incidents ont un trou de {n} sans aucun enregistrement : {months}.",
        "The incidents have a gap of {n} without any record: {months}.",
    ),
    "report.method.data": (
        (
            "Données et système de coordonnées : toutes les tables sont ramenées au modèle "
            "canonique ; les distances et les surfaces sont calculées dans un système métrique "
            "(par défaut NAD83 / MTM zone 8, EPSG:32188). Chaque ligne lue est conservée ou "
            "rejetée avec un motif (registre de qualité)."
        ),
        (
            "Data and coordinate system: every table is brought to the canonical model; "
            "distances and areas are computed in a metric CRS (default NAD83 / MTM zone 8, "
            "EPSG:32188). Every input row is kept or rejected with a reason (quality ledger)."
        ),
    ),
    "report.method.rates": (
        (
            "Taux : incidents pour 1 000 habitants du secteur (ou pour 1 000 unités d'une autre "
            "base déclarée : logements, véhicules immatriculés, population de jour, m² de "
            "plancher), intervalles de Poisson exacts (Garwood). Un secteur sans base n'a pas "
            "de taux. Les classements suivent le taux lissé par la méthode bayésienne empirique "
            "globale (Marshall 1991), qui rapproche le taux des petites bases de celui de "
            "l'ensemble des secteurs ; le taux brut est montré à côté."
        ),
        (
            "Rates: incidents per 1,000 residents of the sector (or per 1,000 units of another "
            "declared base: dwellings, registered vehicles, daytime population, m² of floor "
            "area), exact Poisson (Garwood) intervals. A sector without a base has no rate. "
            "Rankings follow the rate smoothed by global empirical Bayes (Marshall 1991), which "
            "pulls the rates of small bases towards that of all the sectors; the raw rate is "
            "shown beside it."
        ),
    ),
    "report.method.rate_bases": (
        "Bases des taux : {bases} ; les autres familles et catégories, par 1 000 habitants.",
        "Rate bases: {bases}; the other families and categories, per 1,000 residents.",
    ),
    "report.method.severity": (
        (
            "Indice local de gravité pondérée : chaque incident pèse le poids de gravité de sa "
            "catégorie (poids indicatifs de l'IGC de Statistique Canada rapportés par une "
            "source secondaire, et hypothèses locales, avec leur provenance) ; municipalité = "
            "100. Ce n'est pas l'Indice de gravité de la criminalité officiel."
        ),
        (
            "Local severity-weighted index: each incident weighs its category's severity weight "
            "(indicative Statistics Canada CSI weights reported by a secondary source, and "
            "local assumptions, with their provenance); municipality = 100. It is not the "
            "official Crime Severity Index."
        ),
    ),
    "report.method.change": (
        (
            "Changement : 12 derniers mois contre les 12 précédents et contre la moyenne des "
            "années antérieures, test quasi-Poisson (variance d'une année à l'autre estimée sur "
            "l'historique propre du groupe, autour d'une tendance, et rapprochée de celle de "
            "tous les groupes) ; le test E de Poisson est donné à côté. Correction de "
            "Benjamini–Hochberg pour les comparaisons multiples ; moins de 10 événements : "
            "« trop peu d'événements »."
        ),
        (
            "Change: last 12 months against the previous 12 and against the mean of earlier "
            "years, quasi-Poisson test (the year-to-year variance estimated on the group's own "
            "history, around a trend, and shrunk towards that of every group); the Poisson "
            "E-test is given beside it. Benjamini–Hochberg correction for multiple "
            'comparisons; fewer than 10 events: "too few events".'
        ),
    ),
    "report.method.concentration": (
        (
            "Concentration : Gini et Gini généralisé (Bernasco et Steenbeek, 2017) sur les "
            "cellules de la grille, zéros compris."
        ),
        (
            "Concentration: Gini and generalised Gini (Bernasco & Steenbeek, 2017) over grid "
            "cells, zeros included."
        ),
    ),
    "report.method.hot_spots": (
        (
            "Points chauds : Gi* de Getis–Ord (esda, poids binaires, voisinage reine) sur une "
            "grille découpée à la municipalité ; p bilatérales, correction du taux de fausses "
            "découvertes ; classes 90/95/99 %."
        ),
        (
            "Hot spots: Getis–Ord Gi* (esda, binary weights, queen neighbourhood) on a grid "
            "clipped to the municipality; two-sided p-values with a false-discovery-rate "
            "correction; 90/95/99% classes."
        ),
    ),
    "report.method.near_repeat": (
        (
            "Quasi-répétition : test de Knox, bandes fermées à droite (bas, haut] (la première "
            "inclut zéro), permutations des dates (graine fixée), p = (nombre de permutations ≥ "
            "observé + 1) / (permutations + 1), valeurs q de Benjamini–Hochberg entre les bandes."
        ),
        (
            "Near repeat: Knox test, bands closed on the right (lo, hi] (the first includes "
            "zero), seeded permutations of the dates, p = (permutations ≥ observed + 1) / "
            "(permutations + 1), Benjamini–Hochberg q-values across the bands."
        ),
    ),
    "report.method.problems": (
        (
            "Problèmes : trois passes explicables — lieux (cellules chaudes contiguës par "
            "famille, familles au profil horaire semblable regroupées), secteurs (taux "
            "significativement supérieur au reste de la municipalité) et municipalité (hausse "
            "significative sans lieu précis)."
        ),
        (
            "Problems: three explainable passes — places (contiguous hot cells per family, "
            "families with similar hourly profiles grouped), areas (rate significantly above "
            "the rest of the municipality) and municipality (significant rise without a precise "
            "place)."
        ),
    ),
    "report.method.priority": (
        (
            "Priorité : moyenne pondérée de composantes normalisées (taux, gravité, tendance, "
            "point chaud, préoccupation, vulnérabilité) ; les composantes manquantes sont "
            "exclues et listées ; les égalités sont signalées."
        ),
        (
            "Priority: weighted mean of normalised components (rate, severity, trend, hot spot, "
            "concern, vulnerability); missing components are left out and listed; ties are "
            "flagged."
        ),
    ),
    "report.method.evaluation": (
        (
            "Évaluation des mesures : avant/après avec zone témoin, selon le plan fixé à "
            "l'avance. Le verdict repose sur une estimation corrigée du retour à la moyenne (la "
            "période après comparée à l'historique antérieur à la période avant) et jugée "
            "contre des lieux placebo (copies de la zone ailleurs, sans mesure) et des dates "
            "placebo (le même plan décalé dans le passé), avec des valeurs q de "
            "Benjamini–Hochberg entre toutes les mesures ; l'intervalle de surdispersion de "
            "l'estimation brute n'en est qu'une borne inférieure. Une inférence plus stricte "
            "déclare moins d'effets réels « efficaces » quand les comptes sont petits. Taille "
            "d'effet relative (Welsh et Farrington, 2007), différence et quotient de "
            "déplacement pondérés (Wheeler et Ratcliffe, 2018 ; Bowers et Johnson, 2003), ce "
            "dernier seulement quand les deux changements se distinguent du bruit ; effet net "
            "de la zone et de son anneau (Guerette, 2009)."
        ),
        (
            "Evaluation of measures: before/after with a control area, with the design fixed "
            "in advance. The verdict rests on an estimate corrected for regression to the mean "
            "(the after window against the history before the before window), judged against "
            "placebo places (copies of the zone elsewhere, with no measure) and placebo dates "
            "(the same design shifted back), with Benjamini–Hochberg q-values across all "
            "measures; the overdispersion interval of the raw estimate is only a lower bound. "
            'Stricter inference calls fewer real effects "effective" when counts are small. '
            "Relative effect size (Welsh & Farrington, 2007), weighted displacement difference "
            "and quotient (Wheeler & Ratcliffe, 2018; Bowers & Johnson, 2003), the latter only "
            "when both changes stand out from noise; net effect of the area and its ring "
            "(Guerette, 2009)."
        ),
    ),
    "report.method.strategies": (
        (
            "Stratégies : catalogue de réponses dans l'esprit d'EMMIE, sources publiques "
            "nommées (auteurs, année, titre, revue : revues systématiques Campbell et Cochrane, "
            "évaluations, guides du POP Center) ; les réponses qui ne reposent que sur la "
            "pratique sont marquées « fondé sur la pratique, non évalué » et pèsent moins dans "
            "le classement. Les cibles supposent la réduction suggérée par la preuve ; l'effet "
            "minimal détectable de chaque action tient compte de la variabilité propre du "
            "problème."
        ),
        (
            "Strategies: a catalogue of responses in the spirit of EMMIE, public sources named "
            "(authors, year, title, venue: Campbell and Cochrane systematic reviews, "
            "evaluations, POP Center guides); responses resting on practice alone are marked "
            '"practice-based, not evaluated" and weigh less in the ranking. Targets assume the '
            "reduction the evidence suggests; the minimum detectable effect of each action "
            "allows for the problem's own variability."
        ),
    ),
    "report.method.confidentiality": (
        (
            "Confidentialité (version publique) : aucune donnée ponctuelle — tout est agrégé au "
            "secteur ou à la cellule ; les comptes de personnes ou d'événements inférieurs au "
            "seuil (zéro compris) sont remplacés par « < seuil », avec, sur la même ligne, tout "
            "ce qui en est calculé (taux, intervalles, rapports, moyennes, projections) ; là où "
            "un total municipal est publié, la cellule suivante la plus petite du groupe est "
            "masquée aussi (suppression complémentaire) et se lit « x », car elle peut être "
            "grande ; les comptes de mesures, de piliers et "
            "de partenaires ne sont pas masqués ; aucun champ de texte libre."
        ),
        (
            "Confidentiality (public version): no point-level data — everything is aggregated "
            "to sectors or grid cells; counts of people or events below the threshold (zero "
            'included) are replaced by "< threshold", with everything computed from them on the '
            "same row (rates, intervals, ratios, means, projections); where a municipal total is "
            "published, the next smallest cell of the group is hidden too (complementary "
            'suppression) and reads "x", since it may be large; counts of measures, pillars '
            "and partners are not masked; no "
            "free-text fields."
        ),
    ),
    # --- ledger ----------------------------------------------------------------------------------
    "report.ledger.details": (
        "Le détail ligne par ligne est dans ledger.csv et dans le classeur.",
        "Row-by-row details are in ledger.csv and in the workbook.",
    ),
}
"""Label key → (French, English)."""
