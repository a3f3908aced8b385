"""Labels of step 1 (inventory): problems, hot spots, timing, concentration.

Every key starts with ``inventory.``. Numbers are formatted by
:mod:`diagnostic_lib.formatting` before they fill a placeholder.
"""

from __future__ import annotations

LABELS: dict[str, tuple[str, str]] = {
    # change over time (inventory.CHANGE_LABELS)
    "inventory.change.significant_rise": ("hausse significative", "significant rise"),
    "inventory.change.significant_fall": ("baisse significative", "significant fall"),
    "inventory.change.stable": (
        "stable (aucun changement significatif)",
        "stable (no significant change)",
    ),
    "inventory.change.too_few": (
        "trop peu d'événements pour conclure",
        "too few events to conclude",
    ),
    "inventory.change.not_covered": (
        "non comparable (les données ne couvrent pas les deux périodes)",
        "not comparable (the data do not cover both periods)",
    ),
    # the priority score: its components, the weights used, the problems not ranked
    "inventory.priority.component.rate": ("taux", "rate"),
    "inventory.priority.component.severity": ("gravité", "severity"),
    "inventory.priority.component.trend": ("tendance", "trend"),
    "inventory.priority.component.hotspot": ("point chaud", "hotspot"),
    "inventory.priority.component.concern": ("préoccupation", "concern"),
    "inventory.priority.component.vulnerability": ("vulnérabilité", "vulnerability"),
    "inventory.priority.components": (
        "Composantes du score (poids utilisés) : {components}.",
        "Score components (weights used): {components}.",
    ),
    "inventory.priority.nothing_ranked": (
        "Aucun problème classé : pas de composantes de score.",
        "No problem ranked: no score components.",
    ),
    "inventory.priority.unavailable": (
        "Absentes pour tout le diagnostic, leur poids réparti sur les autres : {components}.",
        "Left out for the whole diagnosis, their weight spread over the others: {components}.",
    ),
    "inventory.priority.status.ranked": ("classé", "ranked"),
    "inventory.priority.status.uncategorised": (
        "non classé : catégorie « autre » (libellés sans code ; donnez-leur un code pour "
        "le classer)",
        "not ranked: category 'other' (labels without a code; give them codes to rank it)",
    ),
    "inventory.priority.status.too_few_events": (
        "trop peu d'événements pour être classé",
        "too few events to rank",
    ),
    "inventory.priority.min_events": (
        "Un problème de moins de {n} événements dans les 12 derniers mois est listé sans rang.",
        "A problem with fewer than {n} events in the last 12 months is listed without a rank.",
    ),
    # when a problem happens, in a phrase
    "inventory.week_part.weekend": ("en fin de semaine", "at weekends"),
    "inventory.week_part.weekdays": ("en semaine", "on weekdays"),
    "inventory.week_part.all_week": ("toute la semaine", "all week"),
    "inventory.shift_phrase.jour": ("le jour", "by day"),
    "inventory.shift_phrase.soir": ("le soir", "in the evening"),
    "inventory.shift_phrase.nuit": ("la nuit", "at night"),
    "inventory.shift_phrase.mixed": ("à toute heure", "at all hours"),
    # problem titles
    "inventory.list.and": ("{first} et {last}", "{first} and {last}"),
    "inventory.title.rising": ("en hausse", "rising"),
    "inventory.title.municipality": (
        "toute la municipalité, sans lieu précis",
        "whole municipality, no precise location",
    ),
    "inventory.title.near": ("{facility} à proximité", "{facility} nearby"),
    # no "près de": French would need the place's article and elision ("près de l'hôtel…")
    "inventory.title.near_place": ("repère : {place}", "near {place}"),
    "inventory.title.offset.n": ("à {km} km au nord du centre", "{km} km north of the centre"),
    "inventory.title.offset.ne": (
        "à {km} km au nord-est du centre",
        "{km} km north-east of the centre",
    ),
    "inventory.title.offset.e": ("à {km} km à l'est du centre", "{km} km east of the centre"),
    "inventory.title.offset.se": (
        "à {km} km au sud-est du centre",
        "{km} km south-east of the centre",
    ),
    "inventory.title.offset.s": ("à {km} km au sud du centre", "{km} km south of the centre"),
    "inventory.title.offset.sw": (
        "à {km} km au sud-ouest du centre",
        "{km} km south-west of the centre",
    ),
    "inventory.title.offset.w": ("à {km} km à l'ouest du centre", "{km} km west of the centre"),
    "inventory.title.offset.nw": (
        "à {km} km au nord-ouest du centre",
        "{km} km north-west of the centre",
    ),
    "inventory.title.part.n": ("partie nord", "north part"),
    "inventory.title.part.ne": ("partie nord-est", "north-east part"),
    "inventory.title.part.e": ("partie est", "east part"),
    "inventory.title.part.se": ("partie sud-est", "south-east part"),
    "inventory.title.part.s": ("partie sud", "south part"),
    "inventory.title.part.sw": ("partie sud-ouest", "south-west part"),
    "inventory.title.part.w": ("partie ouest", "west part"),
    "inventory.title.part.nw": ("partie nord-ouest", "north-west part"),
    "inventory.fate.persisted": ("persiste", "persisted"),
    "inventory.fate.grown": ("en hausse", "grown"),
    "inventory.fate.shrunk": ("en baisse", "shrunk"),
    "inventory.fate.moved": ("déplacé", "moved"),
    "inventory.fate.gone": ("disparu", "gone"),
    "inventory.fate.new": ("nouveau", "new"),
    "inventory.facility.bar": ("bars", "bars"),
    "inventory.facility.parking": ("stationnement", "parking"),
    "inventory.facility.park": ("parc", "park"),
    "inventory.facility.shopping_centre": ("centre commercial", "shopping centre"),
    "inventory.facility.transit_stop": ("arrêt de transport", "transit stop"),
    "inventory.facility.school": ("école", "school"),
    # CHEERS fields of a problem
    "inventory.cheers.community_place": (
        "Lieu public : des citoyens sont touchés.",
        "Public place: members of the public are affected.",
    ),
    "inventory.cheers.community_area": (
        "Résidents des secteurs touchés.",
        "Residents of the affected sectors.",
    ),
    "inventory.cheers.harm": (
        "Gravité moyenne {severity} (poids local).",
        "Mean severity weight {severity} (local weights).",
    ),
    "inventory.cheers.expectation": (
        "{share} des répondants nomment cette préoccupation.",
        "{share} of respondents name this concern.",
    ),
    "inventory.cheers.no_survey": ("Pas de données de sondage.", "No survey data."),
    "inventory.cheers.events": (
        "{n} événements ({per_year} par an).",
        "{n} events ({per_year} a year).",
    ),
    "inventory.cheers.events_short": (
        "{n} événements (moins d'un an de données : pas de nombre par an).",
        "{n} events (less than a year of data: no yearly number).",
    ),
    "inventory.cheers.recurring": (
        "Événements dans {months} mois ; tendance : {trend}.",
        "Events in {months} months; trend: {trend}.",
    ),
    "inventory.cheers.similarity": (
        "Même {unit}, {shift} {part}, pointe {peak} h.",
        "Same {unit}, {shift} {part}, peak {peak} h.",
    ),
    "inventory.cheers.similarity_no_time": (
        "Même {unit} ; heure et jour inconnus (dates connues au mois près ou moins).",
        "Same {unit}; hour and day unknown (dates known only to the month or less).",
    ),
    "inventory.cheers.unit_place": ("lieu", "place"),
    "inventory.cheers.unit_area": ("secteur", "area"),
    # concentration ("80/20") table
    "inventory.concentration": (
        "{n} lieux sur {total} ({places}) concentrent {incidents} des incidents",
        "{n} places of {total} ({places}) hold {incidents} of incidents",
    ),
    "inventory.concentration.chance": (
        "{text} (au hasard : {chance})",
        "{text} (by chance alone: {chance})",
    ),
    "inventory.concentration.one": (
        "{n} lieu sur {total} ({places}) concentre {incidents} des incidents",
        "{n} place of {total} ({places}) holds {incidents} of incidents",
    ),
    # hot-spot parameters, as a sentence
    "inventory.gi.text": (
        "Getis–Ord Gi*, cellules de {cell} m ({cells} cellules), voisinage {neighbourhood}, "
        "p bilatérales ({p_values}), correction {correction}.",
        "Getis–Ord Gi*, {cell} m cells ({cells} cells), {neighbourhood} neighbourhood, "
        "two-sided p-values ({p_values}), {correction} correction.",
    ),
    "inventory.gi.neighbourhood.queen": ("reine", "queen"),
    "inventory.gi.neighbourhood.rook": ("tour", "rook"),
    "inventory.gi.p.normal": ("approximation normale", "normal approximation"),
    "inventory.gi.p.permutations": ("{n} permutations", "{n} permutations"),
    "inventory.gi.p.too_few": (
        "Avec {n} permutations, une grappe de moins de {k} cellules ne peut pas être un point "
        "chaud significatif : une carte vide ne veut pas dire qu'il n'y en a pas (augmentez "
        "hot_spot_permutations dans diagnostic.toml).",
        "With {n} permutations, a cluster of fewer than {k} cells cannot be a significant hot "
        "spot: an empty map does not mean there is none (raise hot_spot_permutations in "
        "diagnostic.toml).",
    ),
    "inventory.gi.correction.fdr": ("FDR de Benjamini–Hochberg", "Benjamini–Hochberg FDR"),
    "inventory.gi.correction.none": ("aucune", "none"),
    # Knox test: what was counted, as a sentence (inventory.knox_parameters_text)
    "inventory.knox.text.separator": (" ; ", "; "),
    "inventory.knox.text.all": (
        "{events} incidents localisés et datés à {days} jours près",
        "{events} located incidents dated to within {days} days",
    ),
    "inventory.knox.text.sampled": (
        "échantillon aléatoire de {events} des {total} incidents localisés et datés à "
        "{days} jours près",
        "a random sample of {events} of the {total} located incidents dated to within {days} days",
    ),
    "inventory.knox.text.sampled_plain": (
        "calculé sur un échantillon aléatoire des incidents localisés",
        "computed on a random sample of the located incidents",
    ),
    "inventory.knox.text.pairs": (
        "{pairs} paires à {distance} m ou moins",
        "{pairs} pairs within {distance} m",
    ),
    "inventory.knox.text.pairs_sampled": (
        "{pairs} paires à {distance} m ou moins, l'échantillon étant tiré pour en garder "
        "environ {max_pairs} (il y en avait {pairs_all})",
        "{pairs} pairs within {distance} m, the sample being drawn to keep about "
        "{max_pairs} (there were {pairs_all})",
    ),
    "inventory.knox.text.left_out": (
        "{left_out} incidents datés moins précisément sont exclus",
        "{left_out} incidents dated less precisely are left out",
    ),
    "inventory.knox.text.permutations": (
        "nombres attendus tirés de {permutations} permutations des dates",
        "expected counts from {permutations} permutations of the dates",
    ),
    "inventory.knox.text.permutations_blocks": (
        "nombres attendus tirés de {permutations} permutations des dates, chacune entre les "
        "incidents de la même période de {block} jours",
        "expected counts from {permutations} permutations of the dates, each among the "
        "incidents of the same {block}-day period",
    ),
    # emerging hot spots: the classes (inventory.EMERGING_CLASSES) and the parameters
    "inventory.emerging.new_hot": ("Nouveau point chaud", "New hot spot"),
    "inventory.emerging.consecutive_hot": ("Point chaud consécutif", "Consecutive hot spot"),
    "inventory.emerging.intensifying_hot": (
        "Point chaud qui s'intensifie",
        "Intensifying hot spot",
    ),
    "inventory.emerging.persistent_hot": ("Point chaud persistant", "Persistent hot spot"),
    "inventory.emerging.diminishing_hot": ("Point chaud qui s'atténue", "Diminishing hot spot"),
    "inventory.emerging.sporadic_hot": ("Point chaud sporadique", "Sporadic hot spot"),
    "inventory.emerging.oscillating_hot": ("Point chaud oscillant", "Oscillating hot spot"),
    "inventory.emerging.historical_hot": ("Ancien point chaud", "Historical hot spot"),
    "inventory.emerging.new_cold": ("Nouveau point froid", "New cold spot"),
    "inventory.emerging.consecutive_cold": ("Point froid consécutif", "Consecutive cold spot"),
    "inventory.emerging.intensifying_cold": (
        "Point froid qui s'intensifie",
        "Intensifying cold spot",
    ),
    "inventory.emerging.persistent_cold": ("Point froid persistant", "Persistent cold spot"),
    "inventory.emerging.diminishing_cold": ("Point froid qui s'atténue", "Diminishing cold spot"),
    "inventory.emerging.sporadic_cold": ("Point froid sporadique", "Sporadic cold spot"),
    "inventory.emerging.oscillating_cold": ("Point froid oscillant", "Oscillating cold spot"),
    "inventory.emerging.historical_cold": ("Ancien point froid", "Historical cold spot"),
    "inventory.emerging.no_pattern": ("Aucune tendance détectée", "No pattern detected"),
    "inventory.emerging.not_enough_data": (
        "Trop peu de périodes pour conclure",
        "Too few periods to conclude",
    ),
    "inventory.emerging.slice.year": ("années", "years"),
    "inventory.emerging.slice.quarter": ("trimestres", "quarters"),
    "inventory.emerging.text": (
        "Gi* par période ({n} {slice}, {first} à {last}), cellules de {cell} m, FDR de "
        "Benjamini–Hochberg dans chaque période (q\u00a0<\u00a0{alpha}), tendance de "
        "Mann–Kendall (p\u00a0<\u00a0{trend_alpha}).",
        "Gi* by period ({n} {slice}, {first} to {last}), {cell} m cells, Benjamini–Hochberg "
        "FDR within each period (q\u00a0<\u00a0{alpha}), Mann–Kendall trend "
        "(p\u00a0<\u00a0{trend_alpha}).",
    ),
    # --- errors: the problem register (inventory.read_register) -------------
    "inventory.register.error.not_found": (
        "registre des problèmes introuvable : vérifiez le chemin (le fichier .toml écrit par "
        "write_register)",
        "problem register not found: check the path (the .toml file written by write_register)",
    ),
    "inventory.register.error.no_id": (
        'le [[problem]] n° {number} n\'a pas de problem_id : ajoutez-lui problem_id = "…"',
        '[[problem]] #{number} has no problem_id: add problem_id = "…" to it',
    ),
    "inventory.register.error.duplicated": (
        "problem_id en double {ids} : donnez à chaque [[problem]] son propre problem_id",
        "duplicated problem_id values {ids}: give each [[problem]] its own problem_id",
    ),
    "inventory.register.error.sara_stage": (
        "problème {id} : sara_stage doit valoir l'une de ces valeurs : {stages} (lu : {value})",
        "problem {id}: sara_stage must be one of: {stages} (got {value})",
    ),
    "inventory.register.error.not_problems": (
        "le registre doit contenir des tables [[problem]] (deux crochets), une par problème : "
        "écrivez [[problem]] au-dessus des clés de chaque problème",
        "the register must hold [[problem]] tables (two brackets), one per problem: write "
        "[[problem]] above each problem's keys",
    ),
    "inventory.register.error.bad_id": (
        'le [[problem]] n° {number} : problem_id doit être un texte comme "P1" (lu : '
        "{value}) : corrigez-le",
        '[[problem]] #{number}: problem_id must be text such as "P1", got {value}: correct it',
    ),
    "inventory.register.error.not_list": (
        'problème {id} : {field} doit être une liste comme ["a", "b"] (lu : {value}) : '
        "écrivez les valeurs entre crochets",
        'problem {id}: {field} must be a list such as ["a", "b"], got {value}: write the '
        "values between square brackets",
    ),
    "inventory.register.error.bad_geojson": (
        "impossible de lire les géométries du registre (le fichier .geojson à côté du .toml) : "
        "écrivez de nouveau le registre (write_register) ou reprenez une copie du .geojson ; "
        "retirez-le pour lire le registre sans géométries",
        "cannot read the register's geometries (the .geojson file beside the .toml): write the "
        "register again (write_register) or restore a copy of the .geojson; remove it to read "
        "the register without geometries",
    ),
    "inventory.register.error.geojson_no_id": (
        "les entités du fichier .geojson du registre n'ont pas de propriété problem_id : "
        "écrivez de nouveau le registre (write_register), ou gardez le champ problem_id de "
        "chaque entité en le modifiant dans le SIG",
        "the features of the register's .geojson file have no problem_id property: write the "
        "register again (write_register), or keep each feature's problem_id field when editing "
        "it in the GIS",
    ),
}
"""Label key → (French, English)."""
