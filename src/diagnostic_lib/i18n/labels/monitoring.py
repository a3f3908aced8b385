"""Labels of the monitoring bulletin (``python -m diagnostic_lib monitor``)."""

from __future__ import annotations

LABELS: dict[str, tuple[str, str]] = {
    "monitoring.title": (
        "Bulletin de suivi — {municipality}, {period}",
        "Monitoring bulletin — {municipality}, {period}",
    ),
    "monitoring.period.quarter": ("T{q} {year}", "Q{q} {year}"),
    "monitoring.period.month": ("{month} {year}", "{month} {year}"),
    "monitoring.unit.month": ("mois", "months"),
    "monitoring.unit.quarter": ("trimestres", "quarters"),
    "monitoring.unit_one.month": ("mois", "month"),
    "monitoring.unit_one.quarter": ("trimestre", "quarter"),
    "monitoring.intro": (
        "Ce bulletin compare les incidents de {at} à ceux de {ago} (même période un an plus "
        "tôt) et à la moyenne des {n} {unit} précédents ({first} à {last}), par famille de "
        "crimes et par secteur. Chaque écart vient avec les comptes, son test et un verdict "
        "en mots : jamais un pourcentage seul.",
        "This bulletin compares the incidents of {at} with those of {ago} (the same period a "
        "year earlier) and with the mean of the previous {n} {unit} ({first} to {last}), by "
        "crime family and by sector. Every change comes with the counts, its test and a "
        "verdict in words: never a bare percentage.",
    ),
    "monitoring.headline": (
        "{place} : {now} incidents en {at}, contre {ago_count} en {ago} (écart {diff}) et "
        "{mean} en moyenne par {unit_one} (écart {diff_mean}). Par rapport à l'an dernier : "
        "{verdict_year}. Par rapport à la moyenne : {verdict_mean}.",
        "{place}: {now} incidents in {at}, against {ago_count} in {ago} (difference {diff}) "
        "and a mean of {mean} per {unit_one} (difference {diff_mean}). Against last year: "
        "{verdict_year}. Against the mean: {verdict_mean}.",
    ),
    "monitoring.headline_no_year": (
        "{place} : {now} incidents en {at}, et {mean} en moyenne par {unit_one} (écart "
        "{diff_mean}). Par rapport à l'an dernier : {verdict_year}. Par rapport à la "
        "moyenne : {verdict_mean}.",
        "{place}: {now} incidents in {at}, and a mean of {mean} per {unit_one} (difference "
        "{diff_mean}). Against last year: {verdict_year}. Against the mean: {verdict_mean}.",
    ),
    "monitoring.total": ("Ensemble de la municipalité", "Whole municipality"),
    "monitoring.section.summary": ("En bref", "In brief"),
    "monitoring.section.families": ("Par famille de crimes", "By crime family"),
    "monitoring.section.sectors": ("Par secteur", "By sector"),
    "monitoring.section.cells": ("Par secteur et famille", "By sector and family"),
    "monitoring.section.method": ("Comment lire ce bulletin", "How to read this bulletin"),
    "monitoring.col.diff": ("Écart", "Difference"),
    "monitoring.col.vs_year": ("Par rapport à {ago}", "Against {ago}"),
    "monitoring.col.mean": (
        "Moyenne des {n} {unit} précédents",
        "Mean of the previous {n} {unit}",
    ),
    "monitoring.col.vs_mean": ("Par rapport à la moyenne", "Against the mean"),
    "monitoring.verdict.significant_increase": ("Hausse significative", "Significant increase"),
    "monitoring.verdict.significant_decrease": ("Baisse significative", "Significant decrease"),
    "monitoring.verdict.no_significant_change": (
        "Aucun changement significatif",
        "No significant change",
    ),
    "monitoring.verdict.too_few": ("Trop peu pour conclure", "Too few to say"),
    "monitoring.verdict.not_covered": ("Pas de données pour comparer", "No data to compare"),
    "monitoring.test.negative_binomial": ("binomiale négative", "negative binomial"),
    "monitoring.test.e_test": ("test E", "E-test"),
    "monitoring.cell": (
        "{verdict} ({q} ; z de Poisson {z})",
        "{verdict} ({q}; Poisson z {z})",
    ),
    "monitoring.cell_e_test": (
        "{verdict} (test E, {q} ; z de Poisson {z})",
        "{verdict} (E-test, {q}; Poisson z {z})",
    ),
    "monitoring.cells.none": (
        "Aucun des {n} croisements secteur × famille ne change significativement.",
        "Not one of the {n} sector × family combinations changed significantly.",
    ),
    "monitoring.cells.some": (
        "{k} des {n} croisements secteur × famille changent significativement :",
        "{k} of the {n} sector × family combinations changed significantly:",
    ),
    "monitoring.contrast": (
        "Un test de Poisson simple, qui ignore la variation ordinaire d'une période à "
        "l'autre, aurait déclaré des écarts significatifs : {year} par rapport à l'an dernier "
        "et {mean} par rapport à la moyenne, sur les {n} comparaisons de ce bulletin. Le "
        "bulletin en retient : {kept}.",
        "A plain Poisson test, which ignores the ordinary variation from one period to the "
        "next, would have called changes significant: {year} against last year and {mean} "
        "against the mean, out of the {n} comparisons in this bulletin. The bulletin keeps: "
        "{kept}.",
    ),
    "monitoring.method.test": (
        "Verdict : test de la binomiale négative. La variance d'un compte y est μ + α μ², où "
        "α mesure la variation ordinaire d'une période à l'autre, rapprochée de la valeur "
        "commune aux lignes du tableau. Par rapport à la moyenne, α est estimé sur les {n} "
        "{unit} précédents de chaque ligne, saison comprise ; par rapport à l'an dernier, "
        "même saison, il l'est sur les trois années précédentes, une fois la saison et la "
        "tendance modélisées. Quand aucune variation supplémentaire n'est trouvée (α = 0), le "
        "verdict par rapport à l'an dernier vient du test E de deux comptes de Poisson "
        "(Krishnamoorthy et Thomson, 2004).",
        "Verdict: negative binomial test. A count's variance is μ + α μ², where α measures "
        "the ordinary variation from one period to the next, drawn towards the value shared "
        "by the rows of the table. Against the mean, α is estimated from each row's previous "
        "{n} {unit}, season included; against last year, same season, from the three years "
        "before, once season and trend are modelled. When no extra variation is found "
        "(α = 0), the verdict against last year comes from the E-test of two Poisson counts "
        "(Krishnamoorthy and Thomson, 2004).",
    ),
    "monitoring.method.poisson": (
        "Le z de Poisson est donné à côté pour comparaison : il ignore cette variation et "
        "voit souvent un changement là où il n'y a que du bruit.",
        "The Poisson z is shown beside for contrast: it ignores this variation and often "
        "sees change where there is only noise.",
    ),
    "monitoring.method.fdr": (
        "Plusieurs comparaisons sont faites à la fois : les q-valeurs corrigent pour les "
        "tests multiples (Benjamini–Hochberg, taux de fausses découvertes), tableau par "
        "tableau ; un écart est significatif quand q < {alpha}.",
        "Many comparisons are made at once: the q-values correct for multiple testing "
        "(Benjamini–Hochberg false discovery rate), table by table; a change is significant "
        "when q < {alpha}.",
    ),
    "monitoring.method.too_few": (
        "« Trop peu pour conclure » : les deux comptes comparés totalisent moins de {min} "
        "incidents.",
        "“Too few to say”: the two counts compared add up to fewer than {min} incidents.",
    ),
    "monitoring.method.small": (
        "Les comptes inférieurs à {k} sont masqués (« < {k} »), avec les écarts et les tests "
        "qui permettraient de les retrouver ; aucune donnée ponctuelle n'est publiée.",
        "Counts below {k} are suppressed (“< {k}”), with the differences and tests that "
        "would give them away; no point-level data is published.",
    ),
    "monitoring.method.protected": (
        "« x » : compte masqué pour qu'un petit compte ne puisse pas être retrouvé par "
        "soustraction du total ; il peut être grand.",
        "“x”: a count hidden so that a small count cannot be worked out by subtracting from "
        "the total; it may be large.",
    ),
    "monitoring.method.unassigned": (
        "{n} incidents de {at} hors de tout secteur comptent dans le total de la "
        "municipalité seulement.",
        "{n} incidents of {at} outside every sector count in the municipality's total only.",
    ),
    "monitoring.missing": (
        "« — » : masqué pour ne pas laisser retrouver un petit compte, ou pas de données un an "
        "plus tôt.",
        "“—”: suppressed so that a small count cannot be worked out, or no data a year earlier.",
    ),
    "monitoring.written": ("Bulletin écrit : {path}", "Bulletin written: {path}"),
}
"""Label key → (French, English) of the monitoring bulletin."""
