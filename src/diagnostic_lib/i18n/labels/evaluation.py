"""Labels of step 3 (evaluation): verdicts, reasons, caveats, tables."""

from __future__ import annotations

LABELS: dict[str, tuple[str, str]] = {
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
    "eval.verdict.offset_by_displacement": (
        "Gain annulé par le déplacement",
        "Gain offset by displacement",
    ),
    "eval.verdict.inconclusive_favourable": (
        "Non concluant, tendance favorable",
        "Inconclusive, favourable direction",
    ),
    "eval.verdict.effect_ruled_out": ("Effet écarté", "Effect ruled out"),
    "eval.verdict.inconclusive": ("Non concluant (trop peu de données)", "Inconclusive"),
    "eval.verdict.adverse": ("Effet contraire", "Adverse"),
    "eval.verdict.too_little_history": ("Historique insuffisant", "Too little history"),
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
    "eval.control.level": (
        "Secteurs de niveau semblable (avant)",
        "Sectors with a similar level (before)",
    ),
    "eval.map.title": ("Zones de l'évaluation", "Evaluation areas"),
    "eval.map.zoom": ("Agrandissement", "Close-up"),
    # --- step 3: the texts of the evaluation package (evaluation.*) -----------
    # verdicts (long forms, in tables and sentences; eval.verdict.* are the legends' short forms)
    "evaluation.verdict.effective": ("Efficace (significatif)", "Effective (significant)"),
    "evaluation.verdict.offset_by_displacement": (
        "Gain annulé par le déplacement (pas de baisse nette)",
        "Gain offset by displacement (no net fall)",
    ),
    "evaluation.verdict.inconclusive_favourable": (
        "Non concluant, tendance favorable",
        "Inconclusive, favourable direction",
    ),
    "evaluation.verdict.effect_ruled_out": (
        "Effet écarté (aucune baisse notable)",
        "Effect ruled out (no notable fall)",
    ),
    "evaluation.verdict.inconclusive": (
        "Non concluant (trop peu de données)",
        "Inconclusive (too little data)",
    ),
    "evaluation.verdict.adverse": (
        "Effet contraire (hausse significative)",
        "Adverse (significant rise)",
    ),
    "evaluation.verdict.too_little_history": (
        "Non concluant : historique insuffisant",
        "Inconclusive: too little history",
    ),
    "evaluation.verdict.too_recent": ("Trop récente pour juger", "Too recent to judge"),
    "evaluation.verdict.too_few": (
        "Trop peu d'événements pour juger",
        "Too few events to judge",
    ),
    "evaluation.verdict.not_evaluable": ("Non évaluable", "Not evaluable"),
    # why a measure is not evaluable
    "evaluation.reason.targets_unmapped": (
        "catégories ciblées non associées à un code : {targets} ; associez-les dans "
        "[taxonomy.aliases] de diagnostic.toml",
        "target categories not mapped: {targets}; map them in [taxonomy.aliases] of "
        "diagnostic.toml",
    ),
    "evaluation.reason.no_start": ("pas de date de début", "no start date"),
    "evaluation.reason.planned": (
        "mesure planifiée : elle commence le {start}, après la fin des données ({end})",
        "planned: it starts on {start}, after the end of the data ({end})",
    ),
    "evaluation.reason.no_footprint": (
        "pas d'empreinte géographique : aucune zone traitée à comparer",
        "no footprint: there is no treated area to compare",
    ),
    "evaluation.reason.municipality_wide": (
        "elle couvre toute la municipalité : aucune zone témoin n'est possible "
        "(voir la série chronologique interrompue)",
        "it covers the whole municipality: no control area is possible "
        "(see the interrupted time series)",
    ),
    "evaluation.reason.no_before_window": (
        "elle a commencé le {start}, {months} mois après le début des données ({data_start}) ; "
        "il faut {window} mois avant",
        "it started on {start}, {months} months after the start of the data ({data_start}); "
        "{window} months before are needed",
    ),
    "evaluation.reason.window_not_covered": (
        "sa fenêtre avant ou après contient un mois sans aucun enregistrement (un trou dans "
        "l'export, voir le registre des données) : ces mois sont « sans données », pas zéro, "
        "et l'effet ne peut pas être estimé",
        "its before or after window holds a month without any record (a gap in the export, "
        "see the data ledger): those months are no data, not zero, and the effect cannot be "
        "estimated",
    ),
    "evaluation.reason.no_control": ("aucune zone témoin utilisable", "no usable control area"),
    # caveats of an evaluation
    "evaluation.caveat.concurrent": (
        "autres mesures dans la zone pendant les fenêtres (effets confondus possibles) : {ids}",
        "other measures in the area during the windows (effects may be confounded): {ids}",
    ),
    "evaluation.caveat.ended": (
        "la mesure a pris fin le {end}, avant la fin de la fenêtre après",
        "the measure ended on {end}, before the end of the after window",
    ),
    "evaluation.caveat.unlocated": (
        "{n} événements ciblés sans position ne sont comptés dans aucune zone",
        "{n} targeted events without a position are counted in no area",
    ),
    "evaluation.caveat.exceptional": (
        "un mois exceptionnel dans la zone traitée ({month} : {ratio} fois ce que prévoient "
        "les autres mois de sa fenêtre) y est compté à sa prévision",
        "one exceptional month in the treated area ({month}: {ratio} times what the other "
        "months of its window predict) is counted there at its prediction",
    ),
    "evaluation.caveat.corrected": (
        "un compte nul : 0,5 ajouté aux quatre comptes (correction de Haldane)",
        "a zero count: 0.5 added to all four counts (Haldane correction)",
    ),
    # readings of the weighted displacement quotient
    "evaluation.wdq.not_assessable": (
        "déplacement non évaluable (les changements ne se distinguent pas du bruit)",
        "displacement not assessable (the changes are not distinguishable from noise)",
    ),
    "evaluation.wdq.undefined": (
        "non défini (aucun succès à partager)",
        "undefined (no success to share)",
    ),
    "evaluation.wdq.diffusion": ("diffusion des bénéfices", "diffusion of benefits"),
    "evaluation.wdq.none": ("ni déplacement ni diffusion", "neither displacement nor diffusion"),
    "evaluation.wdq.displacement": (
        "déplacement partiel (moindre que le gain)",
        "partial displacement (less than the gain)",
    ),
    "evaluation.wdq.displacement_outweighs": (
        "déplacement supérieur au gain",
        "displacement outweighs the gain",
    ),
    # the verdict in words (verdict_text, caveat_text)
    "evaluation.text.headed": ("{head} : {text}.", "{head}: {text}."),
    "evaluation.text.judged": (
        "{head} : {what} ; {evidence} ; {counts} ; {ring}.",
        "{head}: {what}; {evidence}; {counts}; {ring}.",
    ),
    "evaluation.text.fall_ci": (
        "baisse relative de {change} par rapport au témoin (IC {level} : {low} à {high}), "
        "corrigée pour le retour à la moyenne",
        "relative fall of {change} against the control ({level} CI {low} to {high}), "
        "corrected for regression to the mean",
    ),
    "evaluation.text.rise_ci": (
        "hausse relative de {change} par rapport au témoin (IC {level} : {low} à {high})",
        "relative rise of {change} against the control ({level} CI {low} to {high})",
    ),
    "evaluation.text.offset": (
        "{treated} dans la zone traitée, mais la zone traitée et son anneau ensemble : "
        "{net} — le déplacement annule le gain",
        "{treated} in the treated area, but the treated area and its ring together: "
        "{net} — displacement offsets the gain",
    ),
    "evaluation.text.ruled_out": (
        "les données écartent une baisse de plus de {margin} (au plus {fall})",
        "the data rule out a fall of more than {margin} (at most {fall})",
    ),
    "evaluation.text.evidence": (
        "RES corrigé {res} (IC {level} {low}–{high}), {q} (mesures jugées : {measures}) ; "
        "lieux placebo : {placebos}, dates placebo : {dates} ; RES brut {raw}",
        "corrected RES {res} ({level} CI {low}–{high}), {q} (measures judged: {measures}); "
        "placebo places: {placebos}, placebo dates: {dates}; raw RES {raw}",
    ),
    "evaluation.text.evidence_dates": (
        "RES corrigé {res} (IC {level} {low}–{high}), {q} (mesures jugées : {measures}) ; "
        "jugé sur l'historique de la zone elle-même ({dates} dates placebo, mises en commun "
        "entre les mesures), faute de lieux placebo comparables ({placebos}, il en faut "
        "{min_placebos}) ; RES brut {raw}",
        "corrected RES {res} ({level} CI {low}–{high}), {q} (measures judged: {measures}); "
        "judged against the area's own history ({dates} placebo dates, pooled over the "
        "measures), for want of comparable placebo places ({placebos}, {min_placebos} "
        "needed); raw RES {raw}",
    ),
    "evaluation.text.ring": (
        "anneau {b0} → {b1}{wdq} : {reading} ; effet net {tne} événements évités {ci}",
        "ring {b0} → {b1}{wdq}: {reading}; net effect {tne} events prevented {ci}",
    ),
    "evaluation.text.wdq": (", WDQ = {wdq} {ci}", ", WDQ = {wdq} {ci}"),
    "evaluation.text.rtm": (
        "Retour à la moyenne possible : la période avant dépassait son historique de {excess} "
        "(RES brut {raw}) ; le verdict repose sur l'estimation corrigée.",
        "Possible regression to the mean: the before window stood {excess} above its history "
        "(raw RES {raw}); the verdict rests on the corrected estimate.",
    ),
    "evaluation.text.exploratory": (
        "Plan exploratoire (non préenregistré ; plans essayés dans cette session : {tried}) — "
        "{text}",
        "Exploratory design (not pre-registered; designs tried in this session: {tried}) — {text}",
    ),
    "evaluation.text.too_little_history": (
        "{months} mois d'historique avant la période avant (il en faut {min_months}) et "
        "{placebos} lieux placebo comparables (il en faut {min_placebos})",
        "{months} months of history before the before window ({min_months} needed) and "
        "{placebos} comparable placebo places ({min_placebos} needed)",
    ),
    "evaluation.text.list_separator": (" ; ", "; "),
    "evaluation.text.too_recent": (
        "{available} des {window} mois de la période après sont disponibles (début {start})",
        "{available} of the {window} months of the after window are available (start {start})",
    ),
    "evaluation.text.counts": (
        "zone traitée {a0} → {a1}, témoin {c0} → {c1}",
        "treated {a0} → {a1}, control {c0} → {c1}",
    ),
    "evaluation.text.too_few": (
        "{counts} (il faut au moins {n} événements dans la zone traitée et des événements témoins)",
        "{counts} (at least {n} events in the treated area and control events are needed)",
    ),
    "evaluation.text.range_falls": (
        "les données sont compatibles avec une baisse relative de {low} à {high}",
        "the data are compatible with a relative fall of {low} to {high}",
    ),
    "evaluation.text.range_rises": (
        "les données sont compatibles avec une hausse relative de {low} à {high}",
        "the data are compatible with a relative rise of {low} to {high}",
    ),
    "evaluation.text.range": (
        "les données sont compatibles avec une baisse relative jusqu'à {fall} comme avec une "
        "hausse jusqu'à {rise}",
        "the data are compatible with a relative fall of up to {fall} as with a rise of up "
        "to {rise}",
    ),
    # interrupted time series
    "evaluation.its.insufficient": (
        "Série chronologique interrompue impossible : {before} avant et {after} après le "
        "début ; il en faut au moins {min_months} de chaque côté.",
        "No interrupted time series: {before} before and {after} after the start; at least "
        "{min_months} are needed on each side.",
    ),
    "evaluation.its.not_covered": (
        "Série chronologique interrompue impossible : la période avant ou après le début est "
        "surtout faite de mois sans aucun enregistrement (des trous dans l'export, voir le "
        "registre des données) : {before} mois de données et {gaps_before} sans données "
        "avant, {after} et {gaps_after} après. Ces mois sont « sans données », pas zéro.",
        "No interrupted time series: the period before or after the start is mostly months "
        "without any record (gaps in the export, see the data ledger): {before} month(s) of "
        "data and {gaps_before} without data before, {after} and {gaps_after} after. Those "
        "months are no data, not zero.",
    ),
    "evaluation.its.gaps": (
        " ({n} mois sans données laissés de côté, pas comptés comme zéro)",
        " ({n} month(s) without data left out, not counted as zero)",
    ),
    "evaluation.its.fall": ("baisse significative du niveau", "significant fall in level"),
    "evaluation.its.rise": ("hausse significative du niveau", "significant rise in level"),
    "evaluation.its.persistent": (
        "pas de conclusion : la série dérive trop d'elle-même pour dater un changement",
        "no conclusion: the series drifts too much on its own to date a change",
    ),
    "evaluation.its.no_change": (
        "aucun changement significatif du niveau",
        "no significant change in level",
    ),
    "evaluation.its.text": (
        "{what} au début de la mesure{gaps} : rapport de taux {irr} (IC {level} {low}–{high}), "
        "{p}, "
        "autocorrélation des résidus {rho} (prise en compte, avec des dates placebo). "
        "Sans zone témoin, tout autre changement survenu au même moment dans toute la "
        "municipalité se confond avec la mesure.",
        "{what} at the start of the measure{gaps}: rate ratio {irr} ({level} CI {low}–{high}), "
        "{p}, "
        "residual autocorrelation {rho} (allowed for, with placebo dates). "
        "Without a control area, anything else that changed municipality-wide at the same "
        "time is confounded with the measure.",
    ),
    # relevance flags
    "evaluation.flag.no_current_problem": (
        "{mid} « {name} » ({cost}) est toujours en place mais ne vise aucun problème actuel du "
        "registre (meilleure correspondance : {reach} des incidents de « {title} »).",
        "{mid} '{name}' ({cost}) is still in place but targets no current problem of the "
        "register (best match: {reach} of the incidents of '{title}').",
    ),
    "evaluation.flag.no_current_problem_none": (
        "{mid} « {name} » ({cost}) est toujours en place mais aucun incident des problèmes "
        "actuels du registre ne correspond à sa cible (catégories, lieu, quart).",
        "{mid} '{name}' ({cost}) is still in place but no incident of the current problems of "
        "the register matches its target (categories, place, shift).",
    ),
    "evaluation.flag.high_priority_ineffective": (
        "Le problème prioritaire n° {rank} « {title} » n'est servi par aucune mesure jugée "
        "efficace ; l'effet de ses mesures est écarté ou contraire : {measures}.",
        "Priority problem no. {rank} '{title}' is served by no measure judged effective; the "
        "effect of its measures is ruled out or adverse: {measures}.",
    ),
    "evaluation.flag.high_priority_unserved": (
        "Le problème prioritaire n° {rank} « {title} » n'est visé par aucune mesure en place.",
        "Priority problem no. {rank} '{title}' is targeted by no measure in place.",
    ),
    "evaluation.flag.high_priority_unevaluated": (
        "Le problème prioritaire n° {rank} « {title} » n'est servi que par des mesures dont "
        "l'effet n'a pas pu être évalué : {measures}.",
        "Priority problem no. {rank} '{title}' is served only by measures whose effect could "
        "not be evaluated: {measures}.",
    ),
    "evaluation.flag.pillar_imbalance": (
        "Déséquilibre des piliers : {pillar} — {n} mesure(s) en place ({share} des mesures, "
        "{cost_share} des coûts connus) : {what}.",
        "Pillar imbalance: {pillar} — {n} measure(s) in place ({share} of measures, "
        "{cost_share} of known costs): {what}.",
    ),
    "evaluation.flag.cost": ("{cost} $/an", "${cost}/year"),
    "evaluation.flag.cost_unknown": ("coût inconnu", "unknown cost"),
    "evaluation.pillar_flag.missing": ("aucune mesure", "no measure"),
    "evaluation.pillar_flag.under": ("sous-représenté", "under-represented"),
    "evaluation.pillar_flag.over": ("sur-représenté", "over-represented"),
    # risk matrix levels
    "evaluation.risk_level.low": ("faible", "low"),
    "evaluation.risk_level.moderate": ("modéré", "moderate"),
    "evaluation.risk_level.high": ("élevé", "high"),
    "evaluation.risk_level.very_high": ("très élevé", "very high"),
    # forecasts: backtest and trust
    "evaluation.backtest.text": (
        "Erreur absolue moyenne {mae_model} contre {mae_naive} pour la prévision naïve "
        "(gain {skill}) ; {coverage} des mois dans l'intervalle à {nominal}. {trust}",
        "Mean absolute error {mae_model} against {mae_naive} for the naive forecast "
        "(skill {skill}); {coverage} of months inside the {nominal} interval. {trust}",
    ),
    "evaluation.trust.trust": (
        "La projection bat la prévision naïve et ses intervalles sont bien calibrés : on peut "
        "s'y fier, avec les intervalles.",
        "The projection beats the naive forecast and its intervals are well calibrated: it "
        "can be used, with its intervals.",
    ),
    "evaluation.trust.caution": (
        "La projection ne bat la prévision naïve que de peu, ou ses intervalles sont mal "
        "calibrés : à utiliser avec prudence.",
        "The projection beats the naive forecast only slightly, or its intervals are poorly "
        "calibrated: use with caution.",
    ),
    "evaluation.trust.do_not_trust": (
        "La projection ne fait pas mieux que la prévision naïve : ne pas s'y fier.",
        "The projection does no better than the naive forecast: do not rely on it.",
    ),
    "evaluation.backtest.level": ("{level} : {text}", "{level}: {text}"),
    "evaluation.backtest.level.sectors": ("Secteurs", "Sectors"),
    "evaluation.backtest.level.municipality": ("Municipalité", "Municipality"),
    "evaluation.backtest.except.caution": (
        "Sauf pour {families} : à utiliser avec prudence.",
        "Except for {families}: use with caution.",
    ),
    "evaluation.backtest.drawn": (
        "Jugé sur {n} secteurs tirés au hasard parmi {total} (tous sont projetés).",
        "Judged on {n} sectors drawn at random among {total} (all are projected).",
    ),
    "evaluation.backtest.except.do_not_trust": (
        "Sauf pour {families} : ne pas s'y fier.",
        "Except for {families}: do not rely on it.",
    ),
    # the key findings of step 3 (Evaluation.summary)
    "evaluation.summary.verdicts": (
        "Évaluation de {n} mesures : {verdicts}.",
        "Evaluation of {n} measures: {verdicts}.",
    ),
    "evaluation.summary.emerging": (
        "Risques émergents (tendance à la hausse significative) : {families}.",
        "Emerging risks (significant rising trend): {families}.",
    ),
    # why a measure placed at a peak looks effective (peak_demonstration, peak_summary)
    "evaluation.peak.name": (
        "Cellule {cell} (mesure fictive sans effet)",
        "Cell {cell} (pretend measure, no effect)",
    ),
    "evaluation.peak.chosen": (
        "Les {n} cellules de {cell} m qui comptaient le plus d'événements ({categories}) dans "
        "les {window} mois avant le {start} (les plus actives de {candidates}), avec une mesure "
        "fictive qui ne fait rien à partir de ce jour : {before} événements dans la fenêtre du "
        "pic, contre {history} en {window} mois habituels (leur historique) et {after} dans les "
        "{window} mois suivants.",
        "The {n} cells of {cell} m with the most events ({categories}) in the {window} months "
        "before {start} (the busiest of {candidates}), with a pretend measure that did nothing "
        "starting on that day: {before} events in the peak window, against {history} in "
        "{window} usual months (their history) and {after} in the {window} months after.",
    ),
    "evaluation.peak.raw": (
        "Lecture avant/après brute : une baisse pour {falls} sur {n} ; ensemble, une baisse de "
        "{fall} (pic → après) ; verdicts : {verdicts}.",
        "Raw before/after reading: a fall for {falls} of {n}; together, a fall of {fall} "
        "(peak → after); verdicts: {verdicts}.",
    ),
    "evaluation.peak.corrected": (
        "Lecture corrigée (historique, placebos, valeurs q) : une baisse pour {falls} sur {n} ; "
        "ensemble, {after} contre {history} habituels ({change}) ; verdicts : "
        "{verdicts}.",
        "Corrected reading (history, placebos, q-values): a fall for {falls} of {n}; together, "
        "{after} against {history} usual ({change}); verdicts: {verdicts}.",
    ),
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
    # --- errors ---------------------------------------------------------------
    "evaluation.error.must_increase": (
        "[parameters] {name} doit croître d'une classe à la suivante (lu : {values}) : donnez "
        "des valeurs croissantes dans [parameters.{name}]",
        "[parameters] {name} must increase from one class to the next, got {values}: give "
        "increasing values in [parameters.{name}]",
    ),
}
"""Label key → (French, English)."""
