"""Labels of step 4 (strategy): responses, evidence, the action plan."""

from __future__ import annotations

LABELS: dict[str, tuple[str, str]] = {
    # --- levels of the evidence catalogue (strategy.catalogue) ---------------
    "strategy.level.large": ("fort", "large"),
    "strategy.level.moderate": ("modéré", "moderate"),
    "strategy.level.small": ("faible", "small"),
    "strategy.level.unknown": ("inconnu", "unknown"),
    "strategy.level.none": ("nul", "none"),
    "strategy.level.high": ("élevée", "high"),
    "strategy.level.low": ("faible", "low"),
    "strategy.level.very_low": ("très faible", "very low"),
    "strategy.level.medium": ("moyen", "medium"),
    "strategy.level.reduces": ("réduit", "reduces"),
    "strategy.level.mixed": ("effets mitigés", "mixed"),
    "strategy.level.unclear": ("incertain", "unclear"),
    "strategy.level.increases": ("augmente", "increases"),
    "strategy.evidence.effect": (
        "Effet : {direction}, {strength} ; qualité de la preuve : {quality} ({basis})",
        "Effect: {direction}, {strength}; evidence quality: {quality} ({basis})",
    ),
    "strategy.evidence.practice": (
        "Fondé sur la pratique, non évalué (effet attendu : {direction})",
        "Practice-based, not evaluated (expected effect: {direction})",
    ),
    # quality of the evidence (« la preuve » is feminine: « modérée »)
    "strategy.quality.high": ("élevée", "high"),
    "strategy.quality.moderate": ("modérée", "moderate"),
    "strategy.quality.low": ("faible", "low"),
    "strategy.quality.very_low": ("très faible", "very low"),
    # --- what an entry's evidence rests on (evidence_basis) ------------------
    "strategy.basis.systematic_review": ("revue systématique", "systematic review"),
    "strategy.basis.evaluation": (
        "évaluation, sans revue systématique",
        "evaluation, no systematic review",
    ),
    "strategy.basis.practice_based": (
        "fondé sur la pratique, non évalué",
        "practice-based, not evaluated",
    ),
    "strategy.evidence.sentence": ("{effect}. Source : {source}.", "{effect}. Source: {source}."),
    # --- why a response is ranked (strategy.ranking) -------------------------
    "strategy.why.fit": ("adéquation {fit}", "fit {fit}"),
    "strategy.why.in_place": ("déjà en place : {ids}", "already in place: {ids}"),
    "strategy.why.partners": ("partenaires : {ids}", "partners: {ids}"),
    "strategy.why.no_partner": ("aucun partenaire disponible", "no partner available"),
    # --- the action plan (strategy.plan) -------------------------------------
    "strategy.plan.indicator": (
        "Nombre d'événements du problème ({categories}) dans sa zone, par {months} mois",
        "Number of the problem's events ({categories}) in its area, per {months} months",
    ),
    "strategy.plan.owner": (
        "Section prévention et relations communautaires",
        "Prevention and community relations unit",
    ),
    "strategy.plan.resources": ("coût {level}", "{level} cost"),
    # cost levels of the catalogue's responses (a masculine noun in French: « coût élevé »)
    "strategy.cost.low": ("faible", "low"),
    "strategy.cost.medium": ("moyen", "medium"),
    "strategy.cost.high": ("élevé", "high"),
    "strategy.cost.unknown": ("inconnu", "unknown"),
    "strategy.plan.monitoring": (
        "Comptes mensuels dans la zone et l'anneau ; préoccupation citoyenne (sondage) ; "
        "registre de mise en œuvre.",
        "Monthly counts in the area and the ring; citizen concern (survey); implementation log.",
    ),
    "strategy.plan.design_control": (
        "Avant/après avec témoin : zone traitée = lieu du problème, anneau de {buffer} m, "
        "témoin = reste de la municipalité ; fenêtres de {months} mois avant {start} et après "
        "{after} (délai de mise en œuvre {lag}).",
        "Before/after with control: treated = the problem's place, {buffer} m buffer ring, "
        "control = rest of the municipality; {months}-month windows before {start} and after "
        "{after} (implementation lag {lag}).",
    ),
    "strategy.plan.design_series": (
        "Série chronologique interrompue des comptes mensuels de la municipalité "
        "({months} mois avant et après).",
        "Interrupted time series of the municipality's monthly counts "
        "({months} months before and after).",
    ),
    "strategy.plan.power": (
        "Effet minimal détectable : −{mde} (puissance {power}, α = {alpha}). ",
        "Minimum detectable effect: −{mde} (power {power}, α = {alpha}). ",
    ),
    "strategy.plan.underpowered": (
        "La cible est sous ce seuil : l'évaluation risque d'être non concluante.",
        "The target is below it: the evaluation may be inconclusive.",
    ),
    "strategy.plan.detectable": ("La cible est détectable.", "The target is detectable."),
    "strategy.plan.not_found": (
        "plan d'action introuvable : vérifiez le chemin (le fichier .json écrit par save_plan)",
        "action plan not found: check the path (the .json file written by save_plan)",
    ),
    # --- errors -------------------------------------------------------------
    "strategy.plan.error.not_json": (
        "ce n'est pas un plan d'action JSON (JSON invalide à la ligne {line}, colonne "
        "{column}) : enregistrez de nouveau le plan (save_plan) ou reprenez une copie",
        "not a JSON action plan (invalid JSON at line {line}, column {column}): save the plan "
        "again (save_plan) or restore a copy",
    ),
    "strategy.plan.error.not_plan": (
        "ce n'est pas un plan d'action de diagnostic_lib : indiquez le fichier .json écrit par "
        "save_plan",
        "not a diagnostic_lib action plan: give the .json file written by save_plan",
    ),
    "strategy.plan.error.actions": (
        "« actions » doit être une liste d'objets {{…}}, un par action (lu : {value}) : "
        "enregistrez de nouveau le plan (save_plan) ou reprenez une copie",
        '"actions" must be a list of objects {{…}}, one per action, got {value}: save the plan '
        "again (save_plan) or restore a copy",
    ),
    "strategy.plan.error.schema": (
        "version du plan ({value}) inconnue : ce fichier a été écrit par une version plus "
        "récente de diagnostic_lib (version {version} ici) ; mettez diagnostic_lib à jour",
        "unknown plan version ({value}): this file was written by a later diagnostic_lib "
        "(version {version} here); update diagnostic_lib",
    ),
    "strategy.plan.error.in_action": ("action {action}", "action {action}"),
    "strategy.plan.error.field": (
        "action {action}, champ {field} : {reason} (lu : {value})",
        "action {action}, field {field}: {reason} (got {value})",
    ),
    "strategy.plan.error.not_number": (
        "un nombre positif ou nul, ou vide (\"\") tant qu'il n'est pas connu, p. ex. done = 12",
        'a number, zero or more, or empty ("") while it is not known, e.g. done = 12',
    ),
    "strategy.plan.error.not_date": (
        'une date AAAA-MM-JJ entre guillemets, p. ex. "2026-03-01"',
        'a date YYYY-MM-DD between double quotes, e.g. "2026-03-01"',
    ),
    "strategy.plan.error.not_list": (
        'une liste entre crochets, p. ex. ["S1", "S2"]',
        'a list between square brackets, e.g. ["S1", "S2"]',
    ),
    "strategy.plan.error.not_table": (
        "une table [action.design] : reprenez-la d'une copie du plan",
        "a table [action.design]: restore it from a copy of the plan",
    ),
    "strategy.plan.error.not_tables": (
        "des tables [[action.indicator]] (deux crochets), une par indicateur",
        "[[action.indicator]] tables (two brackets), one per indicator",
    ),
    "strategy.plan.error.no_plan_id": (
        'chaque [[action]] garde son plan_id (texte, p. ex. "A01")',
        'every [[action]] keeps its plan_id (text, e.g. "A01")',
    ),
    "strategy.plan.error.no_indicator_id": (
        'chaque [[action.indicator]] garde son indicator_id (texte, p. ex. "A01-I1")',
        'every [[action.indicator]] keeps its indicator_id (text, e.g. "A01-I1")',
    ),
    "strategy.plan.error.duplicated": (
        "cet identifiant apparaît deux fois : donnez-en un autre à la copie",
        "this id appears twice: give the copy another one",
    ),
    # --- implementation indicators (strategy.record) --------------------------
    "strategy.indicator.patrol_hours": ("Heures de patrouille effectuées", "Patrol hours done"),
    "strategy.indicator.cameras_installed": ("Caméras installées", "Cameras installed"),
    "strategy.indicator.lights_installed": ("Luminaires installés", "Lights installed"),
    "strategy.indicator.sites_treated": ("Lieux aménagés", "Sites treated"),
    "strategy.indicator.sessions_held": ("Séances tenues", "Sessions held"),
    "strategy.indicator.people_reached": ("Personnes rejointes", "People reached"),
    "strategy.indicator.meetings_held": (
        "Rencontres de partenaires tenues",
        "Partner meetings held",
    ),
    "strategy.indicator.actions_done": ("Actions réalisées", "Actions carried out"),
    "strategy.unit.hours": ("heures", "hours"),
    "strategy.unit.cameras": ("caméras", "cameras"),
    "strategy.unit.lights": ("luminaires", "lights"),
    "strategy.unit.sites": ("lieux", "sites"),
    "strategy.unit.sessions": ("séances", "sessions"),
    "strategy.unit.people": ("personnes", "people"),
    "strategy.unit.meetings": ("rencontres", "meetings"),
    "strategy.unit.actions": ("actions", "actions"),
    # --- fidelity: planned against done (strategy.fidelity) -------------------
    "strategy.fidelity.as_planned": ("Mise en œuvre comme prévu", "Implemented as planned"),
    "strategy.fidelity.not_implemented": (
        "Non mise en œuvre comme prévu",
        "Not implemented as planned",
    ),
    "strategy.fidelity.not_reported": (
        "Mise en œuvre inconnue : valeur réalisée non déclarée",
        "Implementation unknown: done value not reported",
    ),
    "strategy.fidelity.no_plan": (
        "Mise en œuvre non mesurable : aucune valeur prévue",
        "Implementation not measurable: no planned value",
    ),
    "strategy.catalogue.error.not_responses": (
        "le fichier doit contenir des tables [[response]] (deux crochets), une par réponse : "
        "écrivez [[response]] au-dessus des clés de chaque réponse",
        "the file must hold [[response]] tables (two brackets), one per response: write "
        "[[response]] above each response's keys",
    ),
    "strategy.catalogue.error.not_list": (
        "réponse {id} : {field} doit être une liste de codes (lu : {value}) : écrivez les "
        'codes entre crochets, p. ex. {field} = ["{example}"]',
        "response {id}: {field} must be a list of codes, got {value}: write the codes between "
        'square brackets, e.g. {field} = ["{example}"]',
    ),
    "strategy.catalogue.error.missing": (
        "il manque {missing} à la réponse n° {number} ({id}) : ajoutez ces champs à sa table "
        "[[response]]",
        "response #{number} ({id}) lacks {missing}: add these fields to its [[response]] table",
    ),
    "strategy.catalogue.error.unknown_codes": (
        "réponse {id} : valeurs inconnues dans {field} : {bad} ; utilisez l'une de celles-ci : "
        "{allowed}",
        "response {id}: unknown {field} {bad}; use one of: {allowed}",
    ),
    "strategy.catalogue.error.bad_code": (
        "réponse {id} : {field} doit valoir l'une de ces valeurs : {allowed} (lu : {value})",
        "response {id}: {field} must be one of: {allowed} (got {value})",
    ),
    "strategy.catalogue.error.duplicated": (
        "identifiants de réponse en double {ids} : donnez à chaque [[response]] son propre id",
        "duplicated response ids {ids}: give each [[response]] its own id",
    ),
}
"""Label key → (French, English)."""
