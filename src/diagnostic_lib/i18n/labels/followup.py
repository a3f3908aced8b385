"""Labels of the follow-up (``python -m diagnostic_lib follow-up``)."""

from __future__ import annotations

LABELS: dict[str, tuple[str, str]] = {
    "followup.objective.met": ("atteint", "met"),
    "followup.objective.not_met": ("non atteint", "not met"),
    "followup.objective.not_measurable": ("non mesurable", "not measurable"),
    "followup.reason.no_target": ("pas de cible chiffrée", "no numeric target"),
    "followup.reason.no_area": (
        "la zone du problème n'est pas dans le registre",
        "the problem's area is not in the register",
    ),
    "followup.reason.no_data": (
        "les données ne couvrent pas les 12 mois",
        "the data do not cover the 12 months",
    ),
    "followup.objective.numbers": (
        "{status} : {count} événements en 12 mois (IC 95 % {ci}), cible {target}, "
        "point de départ {baseline} ({p})",
        "{status}: {count} events in 12 months (95% CI {ci}), target {target}, "
        "baseline {baseline} ({p})",
    ),
    "followup.objective.within_noise": (
        "La cible est atteinte, mais l'écart au point de départ reste dans la variation "
        "ordinaire d'une année à l'autre pour un problème de cette taille : il ne montre pas "
        "à lui seul une baisse.",
        "The target is met, but the difference from the baseline is within the ordinary "
        "year-to-year variation of a problem this size: on its own it does not show a fall.",
    ),
    "followup.objective.provisional": (
        "Cible provisoire : le point de départ a été extrapolé de {months} mois sur 12, "
        "saison inconnue ; le test de l'écart en tient compte. Fixez une cible ferme sur "
        "les 12 derniers mois.",
        "Provisional target: the baseline was extrapolated from {months} months of 12, "
        "season unknown; the test of the change allows for it. Set a firm target on the "
        "last 12 months.",
    ),
    "followup.title": ("Suivi du plan d'action — {municipality}", "Follow-up — {municipality}"),
    "followup.intro": (
        "Un an après le diagnostic, ce rapport répond à trois questions pour chaque action du "
        "plan : a-t-elle été réalisée comme prévu (dose prévue contre dose faite), qu'est-il "
        "advenu de son problème (retrouvé dans les nouvelles données par son lieu, ses "
        "catégories et ses heures), et son objectif chiffré est-il atteint. Une action qui n'a "
        "pas été réalisée comme prévu n'est pas jugée sur son effet.",
        "A year after the diagnosis, this report answers three questions for each action of "
        "the plan: was it carried out as planned (planned against done), what became of its "
        "problem (found again in the new data by its place, categories and hours), and is its "
        "numeric objective met. An action not carried out as planned is not judged on its "
        "effect.",
    ),
    "followup.section.key": ("Chiffres clés", "Key figures"),
    "followup.section.actions": ("Les actions", "The actions"),
    "followup.section.problems": ("Les problèmes", "The problems"),
    "followup.actions_help": (
        "Dose : la plus petite part réalisée de ses indicateurs de mise en œuvre.",
        "Dose: the smallest share done of its implementation indicators.",
    ),
    "followup.problems_help": (
        "Comptes des 12 derniers mois, avant (registre précédent) et maintenant ; un "
        "changement est significatif compte tenu de la variation ordinaire d'une année à "
        "l'autre, plus grande pour un grand problème (estimée sur tous les problèmes "
        "retrouvés, autour du changement qu'ils partagent).",
        "Counts of the last 12 months, before (previous register) and now; a change is "
        "significant given the ordinary variation from one year to the next, larger for a "
        "large problem (estimated over all the problems found again, around the change they "
        "share).",
    ),
    "followup.problems_common": (
        "Ensemble, les {n} problèmes retrouvés et comparables ont changé de {change} ; chaque "
        "problème est jugé sur son propre changement.",
        "Together, the {n} problems found again and compared changed by {change}; each "
        "problem is judged on its own change.",
    ),
    "followup.missing": (
        "— : sans objet (problème disparu ou nouveau, ou sans lieu).",
        "—: not applicable (problem gone or new, or without a place).",
    ),
    "followup.key.actions": ("Actions du plan", "Actions in the plan"),
    "followup.key.not_as_planned": (
        "Pas réalisées comme prévu",
        "Not carried out as planned",
    ),
    "followup.key.not_documented": (
        "Réalisation non documentée (dose prévue ou faite manquante)",
        "Implementation not documented (planned or done dose missing)",
    ),
    "followup.key.judged": (
        "Actions dont l'effet peut être jugé",
        "Actions whose effect can be judged",
    ),
    "followup.key.of_actions": ("{part} des {n} actions", "{part} of {n} actions"),
    "followup.key.of_problems": (
        "{part} des {n} problèmes du registre précédent",
        "{part} of the previous register's {n} problems",
    ),
    "followup.key.found_now": (
        "trouvés dans les nouvelles données",
        "found in the new data",
    ),
    "followup.problem.untitled": ("Problème sans titre", "Untitled problem"),
    "followup.key.as_planned": ("Réalisées comme prévu", "Carried out as planned"),
    "followup.key.met": ("Objectifs atteints", "Objectives met"),
    "followup.key.not_met": ("Objectifs non atteints", "Objectives not met"),
    "followup.key.not_measurable": ("Objectifs non mesurables", "Objectives not measurable"),
    "followup.col.figure": ("Indicateur", "Figure"),
    "followup.col.value": ("Valeur", "Value"),
    "followup.col.action": ("Action", "Action"),
    "followup.col.fidelity": ("Mise en œuvre", "Implementation"),
    "followup.col.dose": ("Dose", "Dose"),
    "followup.col.fate": ("Sort du problème", "Problem's fate"),
    "followup.col.objective": ("Objectif", "Objective"),
    "followup.col.judged": ("Effet jugé ?", "Effect judged?"),
    "followup.judged.yes": ("oui", "yes"),
    "followup.judged.no": ("non : pas réalisée comme prévu", "no: not carried out as planned"),
    "followup.judged.not_reported": (
        "non : réalisation non déclarée (valeur « done » vide dans plan.toml)",
        "no: implementation not reported (empty “done” value in plan.toml)",
    ),
    "followup.judged.no_plan": (
        "non : aucune dose prévue à laquelle comparer (valeur « planned » vide dans plan.toml)",
        "no: no planned dose to compare with (empty “planned” value in plan.toml)",
    ),
    "followup.col.problem": ("Problème", "Problem"),
    "followup.col.distance": ("Déplacement (m)", "Moved (m)"),
    "followup.col.before": ("Avant (12 mois)", "Before (12 months)"),
    "followup.col.now": ("Maintenant (12 mois)", "Now (12 months)"),
    "followup.col.p": ("Changement", "Change"),
    "followup.written": ("Rapport de suivi écrit : {path}", "Follow-up report written: {path}"),
    "followup.key.fate.persisted": ("Problèmes qui persistent", "Problems that persisted"),
    "followup.key.fate.grown": ("Problèmes en hausse", "Problems that grew"),
    "followup.key.fate.shrunk": ("Problèmes en baisse", "Problems that shrank"),
    "followup.key.fate.moved": ("Problèmes déplacés", "Problems that moved"),
    "followup.key.fate.gone": ("Problèmes disparus", "Problems gone"),
    "followup.key.fate.new": ("Nouveaux problèmes", "New problems"),
    "followup.effect.judged": (
        "jugé selon le plan d'évaluation préenregistré",
        "judged by the pre-registered evaluation design",
    ),
    "followup.effect.not_judged": (
        "Non jugé : pas mise en œuvre comme prévu (son effet n'est pas jugé comme si elle "
        "l'avait été)",
        "Not judged: not implemented as planned (its effect is not judged as if it had been)",
    ),
    "followup.effect.not_judged.not_reported": (
        "Non jugé : réalisation non déclarée — on ne sait pas si l'action a été menée ; "
        "remplissez les valeurs « done » de ses indicateurs dans plan.toml",
        "Not judged: implementation not reported — whether the action was carried out is "
        "unknown; fill in its indicators' “done” values in plan.toml",
    ),
    "followup.effect.not_judged.no_plan": (
        "Non jugé : aucune dose prévue — sans valeur « planned » pour ses indicateurs dans "
        "plan.toml, on ne peut dire si l'action a été menée comme prévu",
        "Not judged: no planned dose — without a “planned” value for its indicators in "
        "plan.toml, whether the action was carried out as planned cannot be told",
    ),
    "followup.effect.no_design": (
        "Non jugé : aucun plan d'évaluation préenregistré dans plan.toml",
        "Not judged: no pre-registered evaluation design in plan.toml",
    ),
    "followup.col.effect": (
        "Effet (plan d'évaluation préenregistré)",
        "Effect (pre-registered evaluation design)",
    ),
    "followup.effect.estimate": (
        "{text} Estimation du plan préenregistré : RES corrigé {res} (IC {ci} ; au-dessus "
        "de 1 = une baisse).",
        "{text} Estimate of the pre-registered design: corrected RES {res} (CI {ci}; above "
        "1 = a fall).",
    ),
    "followup.effect.registered": (
        "{text} [plan fixé le {date}]",
        "{text} [design fixed on {date}]",
    ),
    "followup.effect_help": (
        "Effet : seul le plan d'évaluation fixé (préenregistré) dans plan.toml le jour où le "
        "plan a été enregistré compte — mêmes fenêtres, même anneau, même témoin, mêmes "
        "règles de verdict qu'à l'étape 3 ; aucun autre plan n'est essayé. Une action qui n'a "
        "pas été mise en œuvre comme prévu, ou dont la réalisation n'est pas documentée, n'a "
        "pas de verdict d'effet.",
        "Effect: only the evaluation design fixed (pre-registered) in plan.toml on the day "
        "the plan was saved counts — same windows, same ring, same control, same verdict "
        "rules as in step 3; no other design is tried. An action not implemented as planned, "
        "or whose implementation is not documented, gets no effect verdict.",
    ),
    "followup.key.effective": (
        "Actions efficaces (plan préenregistré)",
        "Actions effective (pre-registered design)",
    ),
    "followup.key.its_fall": (
        "Actions municipales suivies d'une baisse significative (sans zone témoin)",
        "Town-wide actions followed by a significant fall (no control area)",
    ),
    "followup.key.not_judged": (
        "Actions dont l'effet n'est pas jugé",
        "Actions whose effect is not judged",
    ),
}
