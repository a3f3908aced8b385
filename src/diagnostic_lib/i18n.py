"""French and English labels for everything a user reads.

Every label shown in a table header, legend, map, report or widget comes from
:data:`LABELS` through :func:`t`, so that both languages always exist (a test
checks that every key has a non-empty French and English text).

Examples
--------
>>> from diagnostic_lib import i18n
>>> i18n.t("family.property", "fr")
'Crimes contre les biens'
>>> i18n.t("family.property", "en")
'Property crime'
>>> i18n.t("ledger.summary.kept", "en", n=3)
'3 rows kept'
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping

LANGS: tuple[str, ...] = ("fr", "en")

LABELS: dict[str, tuple[str, str]] = {
    # --- families -----------------------------------------------------------
    "family.property": ("Crimes contre les biens", "Property crime"),
    "family.violent": ("Crimes contre la personne", "Violent crime"),
    "family.disorder": ("Désordre et incivilités", "Disorder"),
    "family.traffic": ("Circulation", "Traffic"),
    "family.fraud_cyber": ("Fraude et cybercriminalité", "Fraud and cybercrime"),
    "family.other": ("Autres", "Other"),
    "family_short.property": ("Crimes contre les biens", "Property crime"),
    "family_short.violent": ("Violence", "Violence"),
    "family_short.disorder": ("Désordre", "Disorder"),
    "family_short.traffic": ("Circulation", "Traffic"),
    "family_short.fraud_cyber": ("Fraude et cybercriminalité", "Fraud and cybercrime"),
    "family_short.other": ("Autres", "Other"),
    # --- pillars ------------------------------------------------------------
    "pillar.rapprochement": ("Rapprochement", "Closeness to citizens"),
    "pillar.partenariat": ("Partenariat", "Partnership"),
    "pillar.resolution": ("Résolution de problèmes", "Problem solving"),
    "pillar.prevention": ("Prévention", "Prevention"),
    # --- shifts -------------------------------------------------------------
    "shift.jour": ("Jour (8 h – 16 h)", "Day (8 am – 4 pm)"),
    "shift.soir": ("Soir (16 h – minuit)", "Evening (4 pm – midnight)"),
    "shift.nuit": ("Nuit (minuit – 8 h)", "Night (midnight – 8 am)"),
    # --- location precision -------------------------------------------------
    "precision.exact": ("Adresse exacte", "Exact address"),
    "precision.intersection": ("Intersection", "Intersection"),
    "precision.block": ("Tronçon de rue", "Street block"),
    "precision.sector": ("Secteur seulement", "Sector only"),
    "precision.none": ("Aucune position", "No location"),
    # --- footprints ---------------------------------------------------------
    "footprint.point": ("Lieu précis", "Point"),
    "footprint.line": ("Tronçon", "Street segment"),
    "footprint.polygon": ("Zone", "Area"),
    "footprint.sectors": ("Secteurs désignés", "Listed sectors"),
    "footprint.municipality": ("Toute la municipalité", "Whole municipality"),
    "footprint.none": ("Aucune empreinte", "No footprint"),
    # --- measure kinds ------------------------------------------------------
    "kind.lighting": ("Éclairage", "Lighting"),
    "kind.foot_patrol": ("Patrouille à pied", "Foot patrol"),
    "kind.hot_spot_patrol": ("Patrouille ciblée", "Hot-spot patrol"),
    "kind.cameras": ("Caméras", "Cameras (CCTV)"),
    "kind.awareness_campaign": ("Campagne de sensibilisation", "Awareness campaign"),
    "kind.youth_programme": ("Programme jeunesse", "Youth programme"),
    "kind.target_hardening": ("Renforcement des cibles", "Target hardening"),
    "kind.community_meeting": ("Rencontres citoyennes", "Community meetings"),
    "kind.environmental_design": ("Aménagement (CPTED)", "Environmental design (CPTED)"),
    "kind.venue_management": ("Gestion des débits de boisson", "Licensed-venue management"),
    "kind.traffic_calming": ("Apaisement de la circulation", "Traffic calming"),
    "kind.outreach": ("Travail de proximité", "Outreach"),
    "kind.training": ("Formation", "Training"),
    "kind.neighbourhood_watch": ("Surveillance de quartier", "Neighbourhood watch"),
    "kind.other": ("Autre", "Other"),
    # --- survey concerns ----------------------------------------------------
    "concern.burglary": ("Cambriolages", "Break-ins"),
    "concern.vehicle_crime": ("Vols liés aux véhicules", "Vehicle crime"),
    "concern.violence": ("Violence", "Violence"),
    "concern.disorder": ("Incivilités, vandalisme", "Disorder, vandalism"),
    "concern.drugs": ("Drogues", "Drugs"),
    "concern.traffic": ("Vitesse, circulation", "Speeding, traffic"),
    "concern.fraud_cyber": ("Fraude, cybercriminalité", "Fraud, cybercrime"),
    "concern.youth_gangs": ("Groupes de jeunes, gangs", "Youth groups, gangs"),
    # --- tables -------------------------------------------------------------
    "table.incidents": ("Incidents", "Incidents"),
    "table.sectors": ("Secteurs", "Sectors"),
    "table.measures": ("Mesures préventives", "Preventive measures"),
    "table.survey": ("Sondage citoyen", "Citizen survey"),
    "table.partners": ("Partenaires", "Partners"),
    "table.places": ("Lieux (environnement)", "Places (environment)"),
    # --- ledger -------------------------------------------------------------
    "ledger.title": ("Registre de qualité des données", "Data-quality ledger"),
    "ledger.col.table": ("Table", "Table"),
    "ledger.col.file": ("Fichier", "File"),
    "ledger.col.row": ("Ligne", "Row"),
    "ledger.col.column": ("Colonne", "Column"),
    "ledger.col.reason": ("Motif", "Reason"),
    "ledger.col.action": ("Action", "Action"),
    "ledger.col.value": ("Valeur", "Value"),
    "ledger.col.detail": ("Détail", "Detail"),
    "ledger.col.rows_in": ("Lignes lues", "Rows read"),
    "ledger.col.rows_kept": ("Lignes conservées", "Rows kept"),
    "ledger.col.rows_rejected": ("Lignes rejetées", "Rows rejected"),
    "ledger.col.rows_flagged": ("Lignes signalées", "Rows flagged"),
    "ledger.col.count": ("Nombre", "Count"),
    "ledger.action.rejected": ("rejetée", "rejected"),
    "ledger.action.flagged": ("signalée (conservée)", "flagged (kept)"),
    "ledger.action.repaired": ("réparée (conservée)", "repaired (kept)"),
    "ledger.summary.header": ("{table} — {file}", "{table} — {file}"),
    "ledger.summary.read": ("{n} lignes lues", "{n} rows read"),
    "ledger.summary.kept": ("{n} lignes conservées", "{n} rows kept"),
    "ledger.summary.rejected": ("{n} lignes rejetées", "{n} rows rejected"),
    "ledger.summary.flagged": ("{n} lignes signalées", "{n} rows flagged"),
    "ledger.summary.ok": (
        "Bilan équilibré : lues = conservées + rejetées",
        "Balanced: read = kept + rejected",
    ),
    "ledger.summary.none": ("Aucun problème détecté.", "No problem found."),
    "reason.empty_row": ("ligne vide", "empty row"),
    "reason.malformed_row": (
        "ligne mal formée (nombre de champs incorrect)",
        "malformed row (wrong number of fields)",
    ),
    "reason.date_missing": ("date manquante", "missing date"),
    "reason.date_unparseable": ("date illisible", "unparseable date"),
    "reason.date_future": ("date dans le futur", "date in the future"),
    "reason.date_outside_period": (
        "date hors de la période d'étude",
        "date outside the study period",
    ),
    "reason.date_range_inverted": (
        "fin avant le début (dates inversées)",
        "end before start (dates swapped)",
    ),
    "reason.time_unparseable": ("heure illisible (ignorée)", "unparseable time (ignored)"),
    "reason.category_missing": ("catégorie manquante", "missing category"),
    "reason.category_unknown": (
        "catégorie inconnue (classée « autre »)",
        "unknown category (classed as 'other')",
    ),
    "reason.shift_unknown": (
        "quart inconnu (déduit de l'heure)",
        "unknown shift (derived from the hour)",
    ),
    "reason.position_missing": (
        "position manquante (hors carte)",
        "missing position (kept off the maps)",
    ),
    "reason.position_placeholder": (
        "position fictive (hors carte)",
        "placeholder position (kept off the maps)",
    ),
    "reason.position_invalid": (
        "coordonnées illisibles ou hors limites",
        "unreadable or out-of-range coordinates",
    ),
    "reason.position_outside": (
        "position hors de la municipalité",
        "position outside the municipality",
    ),
    "reason.position_snapped": (
        "position au bord, rattachée au secteur le plus proche",
        "position on the edge, assigned to the nearest sector",
    ),
    "reason.duplicate_exact": ("doublon exact d'une autre ligne", "exact duplicate of another row"),
    "reason.duplicate_exact_kept": (
        "doublon exact d'une autre ligne (conservé : peut être un événement distinct)",
        "exact duplicate of another row (kept: may be a distinct event)",
    ),
    "reason.id_conflict": (
        "identifiant répété avec un contenu différent (renommé)",
        "duplicated id with different content (renamed)",
    ),
    "reason.id_missing": ("identifiant manquant (généré)", "missing id (generated)"),
    "reason.geometry_invalid": ("géométrie invalide (réparée)", "invalid geometry (repaired)"),
    "reason.geometry_missing": ("géométrie manquante", "missing geometry"),
    "reason.geometry_unparseable": ("géométrie illisible", "unparseable geometry"),
    "reason.geometry_wrong_type": ("type de géométrie inattendu", "unexpected geometry type"),
    "reason.crs_assumed": (
        "système de coordonnées absent (supposé)",
        "missing coordinate reference system (assumed)",
    ),
    "reason.sector_unknown": ("secteur inconnu", "unknown sector"),
    "reason.sector_mismatch": (
        "secteur inscrit différent du secteur de la position",
        "recorded sector differs from the position's sector",
    ),
    "reason.sector_missing": ("secteur manquant", "missing sector"),
    "reason.population_missing": (
        "population manquante (pas de taux)",
        "missing population (no rates)",
    ),
    "reason.value_invalid": ("valeur illisible", "unreadable value"),
    "reason.value_out_of_range": ("valeur hors de l'échelle", "value out of range"),
    "reason.id_duplicate": ("identifiant répété (ligne ignorée)", "duplicated id (row ignored)"),
    "reason.pillar_invalid": ("pilier inconnu", "unknown pillar"),
    "reason.footprint_invalid": ("empreinte inconnue", "unknown footprint"),
    "reason.partner_unknown": (
        "partenaire inconnu du fichier des partenaires",
        "partner not in the partners file",
    ),
    "reason.concern_unknown": ("préoccupation inconnue", "unknown concern"),
    "reason.name_missing": ("nom manquant", "missing name"),
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
        "du {start} au {end} ({years} ans)",
        "from {start} to {end} ({years} years)",
    ),
    "dash.kn.rate": (
        "Taux annuel moyen pour 1 000 habitants",
        "Mean annual rate per 1,000 residents",
    ),
    "dash.kn.rate_detail": (
        "{n} incidents par an pour {population} habitants",
        "{n} incidents a year for {population} residents",
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
    # --- generic words ------------------------------------------------------
    "word.sector": ("Secteur", "Sector"),
    "word.sectors": ("Secteurs", "Sectors"),
    "word.category": ("Catégorie", "Category"),
    "word.family": ("Famille", "Family"),
    "word.count": ("Nombre", "Count"),
    "word.rate": ("Taux pour 1 000 habitants", "Rate per 1,000 residents"),
    "word.population": ("Population", "Population"),
    "word.incidents": ("Incidents", "Incidents"),
    "word.source": ("Source", "Source"),
    "word.north": ("N", "N"),
    "word.period": ("Période", "Period"),
    # --- step 3: evaluation (evaluation, charts, maps, widgets) ---------------
    "eval.area.treated": ("Zone traitée", "Treated area"),
    "eval.area.buffer": ("Anneau (déplacement)", "Buffer ring (displacement)"),
    "eval.area.control": ("Zone témoin", "Control area"),
    "eval.area.control_scaled": (
        "Zone témoin (ramenée au niveau de la zone traitée avant)",
        "Control area (rescaled to the treated area's before level)",
    ),
    "eval.area.excluded": (
        "Autres mesures (exclues du témoin)",
        "Other measures (left out of the control)",
    ),
    "eval.verdict.effective": ("Efficace (significatif)", "Effective (significant)"),
    "eval.verdict.promising": ("Prometteuse mais non concluante", "Promising but inconclusive"),
    "eval.verdict.no_effect": ("Aucun effet mesurable", "No measurable effect"),
    "eval.verdict.adverse": ("Effet contraire", "Adverse"),
    "eval.verdict.too_recent": ("Trop récente pour juger", "Too recent to judge"),
    "eval.verdict.too_few": ("Trop peu d'événements", "Too few events"),
    "eval.verdict.not_evaluable": ("Non évaluable", "Not evaluable"),
    "eval.widget.measure": ("Mesure", "Measure"),
    "eval.widget.window": ("Fenêtre (mois)", "Window (months)"),
    "eval.widget.lag": ("Délai de mise en œuvre (mois)", "Implementation lag (months)"),
    "eval.widget.buffer": ("Anneau (m)", "Buffer (m)"),
    "eval.widget.control": ("Zone témoin", "Control area"),
    "eval.control.rest": ("Reste de la municipalité", "Rest of the municipality"),
    "eval.control.similar": ("Secteurs à tendance semblable", "Sectors with a similar trend"),
    "eval.map.title": ("Zones de l'évaluation", "Evaluation areas"),
    "eval.map.zoom": ("Agrandissement", "Close-up"),
    "overview.title": ("Portrait des données", "Data overview"),
    "overview.map": ("Secteurs et incidents", "Sectors and incidents"),
    "overview.generated": (
        "Produit le {date} par diagnostic_lib",
        "Produced on {date} by diagnostic_lib",
    ),
    "overview.counts": ("Tables chargées", "Loaded tables"),
    "overview.unlocated": (
        "{n} incidents sans position restent dans les totaux mais pas sur la carte.",
        "{n} incidents without a position stay in the totals but not on the map.",
    ),
    # --- step 2: measures --------------------------------------------------
    "status.planned": ("Prévue", "Planned"),
    "status.active": ("En cours", "Active"),
    "status.ended": ("Terminée", "Ended"),
    "coverage.none": ("Aucune", "None"),
    "coverage.weak": ("Faible", "Weak"),
    "coverage.partial": ("Partielle", "Partial"),
    "coverage.strong": ("Forte", "Strong"),
    "gap.uncovered": ("Aucune mesure", "No measure"),
    "gap.weak": ("Couverture faible", "Weak coverage"),
    "gap.only_planned": ("Seulement des mesures prévues", "Only planned measures"),
    "gap.only_ended": ("Seulement des mesures terminées", "Only ended measures"),
    "gap.only_planned_or_ended": (
        "Seulement des mesures prévues ou terminées",
        "Only planned or ended measures",
    ),
    "shiftmatch.all": ("Tous les quarts", "All shifts"),
    "shiftmatch.match": ("Quart concordant", "Matching shift"),
    "shiftmatch.partial": ("Problème à toute heure", "Problem at all hours"),
    "shiftmatch.mismatch": ("Autre quart", "Other shift"),
    "shiftmatch.unknown": ("Quart du problème inconnu", "Problem's shift unknown"),
    "serves.all": ("Tout le territoire du problème", "The whole area of the problem"),
    "serves.part": ("Une partie du territoire", "Part of the area"),
    "serves.no": ("Hors de son territoire", "Outside its area"),
    "zone.treated": ("Zone traitée", "Treated area"),
    "zone.buffer": ("Anneau tampon", "Buffer ring"),
    "baperiod.before": ("Avant", "Before"),
    "baperiod.after": ("Après", "After"),
    "problemkind.place": ("Lieu", "Place"),
    "problemkind.area": ("Secteurs", "Sectors"),
    "problemkind.municipality": ("Toute la municipalité", "Whole municipality"),
    "problemkind.perception": ("Perception citoyenne", "Citizens' perception"),
    "partnerkind.municipality": ("Municipalité", "Municipality"),
    "partnerkind.community_organisation": ("Organisme communautaire", "Community organisation"),
    "partnerkind.victim_services": ("Aide aux victimes", "Victim services"),
    "partnerkind.business_association": ("Association de commerçants", "Business association"),
    "partnerkind.private_company": ("Entreprise privée", "Private company"),
    "partnerkind.transit_agency": ("Société de transport", "Transit agency"),
    "partnerkind.non_profit": ("Organisme sans but lucratif", "Non-profit organisation"),
    "partnerkind.citizen_committee": ("Comité de citoyens", "Citizens' committee"),
    "partnerkind.school_board": ("Centre de services scolaire", "School board"),
    "partnerkind.health_network": ("Réseau de la santé", "Health network"),
    "expertise.cybercrime": ("Cybercriminalité", "Cybercrime"),
    "expertise.fraud": ("Fraude", "Fraud"),
    "expertise.seniors": ("Aînés", "Seniors"),
    "expertise.victims": ("Aide aux victimes", "Victim support"),
    "expertise.youth": ("Jeunesse", "Youth"),
    "expertise.addiction": ("Dépendances", "Addiction"),
    "expertise.mental_health": ("Santé mentale", "Mental health"),
    "expertise.licensed_venues": ("Débits de boisson", "Licensed venues"),
    "expertise.lighting": ("Éclairage", "Lighting"),
    "expertise.urban_design": ("Aménagement urbain", "Urban design"),
    "expertise.parking": ("Stationnement", "Parking"),
    "expertise.traffic_safety": ("Sécurité routière", "Road safety"),
    "expertise.retail": ("Commerce de détail", "Retail"),
    "expertise.transit": ("Transport collectif", "Public transit"),
    "expertise.neighbourhood_watch": ("Surveillance de quartier", "Neighbourhood watch"),
    "expertise.schools": ("Milieu scolaire", "Schools"),
    "measures.col.measure_id": ("Mesure", "Measure"),
    "measures.col.name": ("Nom", "Name"),
    "measures.col.pillar": ("Pilier", "Pillar"),
    "measures.col.kind": ("Type", "Kind"),
    "measures.col.status": ("Statut", "Status"),
    "measures.col.start": ("Début", "Start"),
    "measures.col.end": ("Fin", "End"),
    "measures.col.months_active": ("Mois en place", "Months in place"),
    "measures.col.partners": ("Partenaires", "Partners"),
    "measures.col.unknown_partners": ("Partenaires inconnus", "Unknown partners"),
    "measures.col.footprint": ("Empreinte", "Footprint"),
    "measures.col.footprint_sectors": ("Secteurs désignés", "Listed sectors"),
    "measures.col.sectors_touched": ("Secteurs touchés", "Sectors touched"),
    "measures.col.has_area": ("Zone traitée connue", "Treated area known"),
    "measures.col.target_categories": ("Catégories visées", "Target categories"),
    "measures.col.target_shifts": ("Quarts visés", "Target shifts"),
    "measures.col.cost": ("Coût annuel ($)", "Yearly cost ($)"),
    "measures.col.n_measures": ("Nombre de mesures", "Number of measures"),
    "measures.col.planned": ("Prévues", "Planned"),
    "measures.col.active": ("En cours", "Active"),
    "measures.col.ended": ("Terminées", "Ended"),
    "measures.col.cost_total": ("Coût annuel total ($)", "Total yearly cost ($)"),
    "measures.col.cost_known": ("Coûts connus", "Costs known"),
    "measures.col.measures": ("Mesures en cours", "Active measures"),
    "measures.col.measure_ids": ("Mesures", "Measures"),
    "measures.col.unknown": ("Absent du fichier des partenaires", "Not in the partners file"),
    "measures.col.partner": ("Partenaire", "Partner"),
    "measures.col.partner_id": ("Partenaire", "Partner"),
    "measures.col.partner_kind": ("Type d'organisme", "Kind of organisation"),
    "measures.col.sector": ("Secteur", "Sector"),
    "measures.col.problem_id": ("Problème", "Problem"),
    "measures.col.title_fr": ("Titre", "Title"),
    "measures.col.problem_kind": ("Type de problème", "Kind of problem"),
    "measures.col.sectors": ("Secteurs", "Sectors"),
    "measures.col.categories": ("Catégories", "Categories"),
    "measures.col.rank": ("Rang de priorité", "Priority rank"),
    "measures.col.level": ("Couverture", "Coverage"),
    "measures.col.measure_levels": ("Niveaux", "Levels"),
    "measures.col.pillars": ("Piliers", "Pillars"),
    "measures.col.n_pillars": ("Nombre de piliers", "Number of pillars"),
    "measures.col.missing_pillars": ("Piliers absents", "Missing pillars"),
    "measures.col.gap": ("Lacune", "Gap"),
    "measures.col.gap_reason": ("Motif de la lacune", "Why it is a gap"),
    "measures.col.thematic_share": ("Part thématique", "Thematic share"),
    "measures.col.categories_matched": ("Catégories communes", "Categories in common"),
    "measures.col.spatial_share": ("Part spatiale", "Spatial share"),
    "measures.col.spatial_basis": ("Base spatiale", "Spatial basis"),
    "measures.col.shift_match": ("Quarts", "Shifts"),
    "measures.col.score": ("Score", "Score"),
    "measures.col.current": ("Couvre actuellement", "Covers now"),
    "measures.col.note": ("Remarque", "Note"),
    "measures.col.n_problems": ("Problèmes", "Problems"),
    "measures.col.problems": ("Problèmes visés", "Problems addressed"),
    "measures.col.problem_levels": ("Niveaux", "Levels"),
    "measures.col.population": ("Population", "Population"),
    "measures.col.n_incidents": ("Incidents", "Incidents"),
    "measures.col.rate": ("Taux annuel pour 1 000 hab.", "Yearly rate per 1,000 residents"),
    "measures.col.n_priority_problems": ("Problèmes prioritaires", "Priority problems"),
    "measures.col.n_gap_problems": ("Problèmes en lacune", "Problems with a gap"),
    "measures.col.n_measures_local": ("Mesures locales en cours", "Active local measures"),
    "measures.col.n_measures_municipal": (
        "Mesures municipales en cours",
        "Active town-wide measures",
    ),
    "measures.col.problems_per_measure": (
        "Problèmes par mesure locale",
        "Problems per local measure",
    ),
    "measures.col.flag": ("Beaucoup d'enjeux, peu de mesures", "Many issues, few measures"),
    "measures.col.expertise": ("Expertise", "Expertise"),
    "measures.col.expertise_matched": ("Expertise utile", "Useful expertise"),
    "measures.col.targets_matched": (
        "Catégories ou familles visées",
        "Categories or families matched",
    ),
    "measures.col.n_matched": ("Expertises utiles", "Useful expertise codes"),
    "measures.col.serves": ("Territoire desservi", "Area served"),
    "measures.col.sectors_served": ("Secteurs desservis", "Sectors served"),
    "measures.col.involved": ("Déjà engagé", "Already involved"),
    "measures.col.known": ("Connu", "Known"),
    "measures.col.n_active": ("Mesures en cours", "Active measures"),
    "measures.col.before_from": ("Début de la fenêtre avant", "Before window from"),
    "measures.col.after_to": ("Fin de la fenêtre après", "After window to"),
    "measures.col.before_days": ("Jours observés avant", "Days observed before"),
    "measures.col.after_days": ("Jours observés après", "Days observed after"),
    "measures.col.treated_before": ("Zone traitée, avant", "Treated area, before"),
    "measures.col.treated_after": ("Zone traitée, après", "Treated area, after"),
    "measures.col.buffer_before": ("Anneau, avant", "Ring, before"),
    "measures.col.buffer_after": ("Anneau, après", "Ring, after"),
    "measures.col.zone": ("Zone", "Zone"),
    "note.no_footprint": ("sans empreinte", "no footprint"),
    "note.diffuse": ("mesure municipale diffuse", "diffuse town-wide measure"),
    "note.shift_mismatch": ("autre quart", "other shift"),
    "note.no_start": ("date de début inconnue", "unknown start date"),
    "note.starts_before_data": ("débute avant les données", "starts before the data"),
    "note.starts_after_data": ("débute après les données", "starts after the data"),
    "note.before_truncated": ("fenêtre avant écourtée", "before window cut short"),
    "note.after_truncated": ("fenêtre après écourtée", "after window cut short"),
    "basis.incidents": ("incidents localisés du problème", "the problem's located incidents"),
    "basis.sectors": ("secteurs des incidents du problème", "sectors of the problem's incidents"),
    "basis.area": ("superficie du problème", "the problem's area"),
    "basis.municipality": ("toute la municipalité", "whole municipality"),
    "basis.local_footprint": (
        "empreinte locale, problème municipal",
        "local footprint, town-wide problem",
    ),
    "basis.no_footprint": ("sans empreinte", "no footprint"),
    "basis.no_geometry": ("problème sans géométrie", "problem without geometry"),
    "measures.col.period": ("Période", "Period"),
}
"""Label key → (French, English)."""


# Calendar names, one place for every table, chart and legend (Monday first, January first).
WEEKDAYS: dict[str, tuple[str, ...]] = {
    "fr": ("lundi", "mardi", "mercredi", "jeudi", "vendredi", "samedi", "dimanche"),
    "en": ("Monday", "Tuesday", "Wednesday", "Thursday", "Friday", "Saturday", "Sunday"),
}
WEEKDAYS_SHORT: dict[str, tuple[str, ...]] = {
    "fr": ("lun.", "mar.", "mer.", "jeu.", "ven.", "sam.", "dim."),
    "en": ("Mon", "Tue", "Wed", "Thu", "Fri", "Sat", "Sun"),
}
MONTHS: dict[str, tuple[str, ...]] = {
    "fr": ("janv.", "févr.", "mars", "avr.", "mai", "juin", "juil.", "août", "sept.", "oct.",
           "nov.", "déc."),
    "en": ("Jan", "Feb", "Mar", "Apr", "May", "Jun", "Jul", "Aug", "Sep", "Oct", "Nov", "Dec"),
}  # fmt: skip


def check_lang(lang: str) -> str:
    """Return ``lang`` if it is a supported language, else raise ``ValueError``.

    Examples
    --------
    >>> check_lang("en")
    'en'
    """
    if lang not in LANGS:
        raise ValueError(f"language must be one of {LANGS}, got {lang!r}")
    return lang


def t(key: str, lang: str = "fr", /, **fmt: object) -> str:
    """Translate a label key.

    Parameters
    ----------
    key : str
        Label key, e.g. ``"family.property"``.
    lang : {"fr", "en"}
        Language.
    **fmt
        Values for ``str.format`` placeholders in the label.

    Returns
    -------
    str
        The label. An unknown key returns the key itself so that a missing
        label is visible rather than fatal (a test checks none is missing).

    Examples
    --------
    >>> t("pillar.partenariat", "en")
    'Partnership'
    """
    pair = LABELS.get(key)
    if pair is None:
        return key
    text = pair[LANGS.index(check_lang(lang))]
    return text.format(**fmt) if fmt else text


def label(prefix: str, code: object, lang: str = "fr") -> str:
    """Label of a code under a prefix, falling back to the code itself.

    Examples
    --------
    >>> label("family", "violent", "en")
    'Violent crime'
    >>> label("kind", "made_up_kind", "en")
    'made_up_kind'
    """
    key = f"{prefix}.{code}"
    return t(key, lang) if key in LABELS else str(code)


def labels(prefix: str, codes: Iterable[object], lang: str = "fr") -> list[str]:
    """Labels of several codes (see :func:`label`).

    Examples
    --------
    >>> labels("shift", ["jour", "nuit"], "en")
    ['Day (8 am – 4 pm)', 'Night (midnight – 8 am)']
    """
    return [label(prefix, c, lang) for c in codes]


def translate_columns(frame, mapping: Mapping[str, str], lang: str = "fr"):
    """Rename a frame's columns with label keys, for display.

    Parameters
    ----------
    frame : pandas.DataFrame
        Any frame (not modified).
    mapping : dict
        Column name → label key.
    lang : {"fr", "en"}

    Returns
    -------
    pandas.DataFrame
        A copy with translated column names.

    Examples
    --------
    >>> import pandas as pd
    >>> translate_columns(pd.DataFrame({"n": [1]}), {"n": "word.count"}, "en").columns.tolist()
    ['Count']
    """
    return frame.rename(columns={c: t(k, lang) for c, k in mapping.items()})
