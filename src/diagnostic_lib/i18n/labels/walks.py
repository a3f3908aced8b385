"""Labels of the safety walks and CPTED audits (*marches exploratoires*)."""

from __future__ import annotations

LABELS: dict[str, tuple[str, str]] = {
    "table.walks": ("Marches exploratoires", "Safety walks"),
    "walk.category.lighting": ("Éclairage insuffisant", "Poor lighting"),
    "walk.category.natural_surveillance": (
        "Absence de surveillance naturelle",
        "No natural surveillance",
    ),
    "walk.category.hiding_place": ("Cachette, recoin", "Hiding place"),
    "walk.category.neglect": ("Négligence, malpropreté", "Neglect, disrepair"),
    "walk.category.feeling_unsafe": ("Sentiment d'insécurité", "Feeling unsafe"),
    "walk.category.other": ("Autre constat", "Other observation"),
    "walk.severity.1": ("faible", "low"),
    "walk.severity.2": ("moyenne", "medium"),
    "walk.severity.3": ("élevée", "high"),
    "walk.observations": ("Constats de marche exploratoire", "Safety-walk observations"),
    "walk.col.category": ("Constat", "Observation"),
    "walk.col.severity": ("Gravité", "Severity"),
    "walk.col.walk": ("Marche", "Walk"),
    "reason.walk_category_missing": (
        "catégorie de constat manquante (classé « autre »)",
        "missing observation category (classed 'other')",
    ),
    "reason.walk_category_unknown": (
        "catégorie de constat inconnue (classé « autre »)",
        "unknown observation category (classed 'other')",
    ),
    "reason.walk_geometry_area": (
        "une marche se note en points ou en lignes, pas en surfaces",
        "a walk is recorded as points or lines, not areas",
    ),
    "maps.walks.title": (
        "Marches exploratoires sur les points chauds et les mesures",
        "Safety walks over the hot spots and the measures",
    ),
    "maps.walks.measures": ("Mesure en place", "Measure in place"),
    "wb.col.walk_findings": ("Constats de marche à l'appui", "Supporting safety-walk findings"),
    "strategy.walk_evidence": (
        "marche exploratoire : « {category} » constaté dans la zone du problème",
        "safety walk: '{category}' observed in the problem's area",
    ),
    "measures.col.walk_observations": (
        "Constats de marche exploratoire",
        "Safety-walk observations",
    ),
    "report.walks.heading": ("Marches exploratoires", "Safety walks"),
    "report.walks.text": (
        "Les constats des marches exploratoires (éclairage, surveillance naturelle, "
        "cachettes, négligence, sentiment d'insécurité) comptés dans la zone de chaque "
        "problème, élargie de quelques dizaines de mètres, et dans chaque secteur. Un "
        "problème à l'échelle de la municipalité n'a pas de zone : il n'est pas listé.",
        "The observations of the safety walks (lighting, natural surveillance, hiding "
        "places, neglect, feeling unsafe) counted in each problem's area, widened by a few "
        "tens of metres, and in each sector. A municipality-wide problem has no area: it "
        "is not listed.",
    ),
    "report.walks.public": (
        "Version publique : pas de carte des constats (leur emplacement exact reste "
        "interne), seulement leur nombre par zone ; un nombre inférieur au seuil de "
        "confidentialité est masqué.",
        "Public version: no map of the observations (their exact location stays "
        "internal), only their number by area; a number below the confidentiality "
        "threshold is hidden.",
    ),
    "report.walks.map_caption": (
        "Constats des marches exploratoires (symbole par type, taille selon la gravité) sur "
        "les points chauds.",
        "Safety-walk observations (a symbol per kind, sized by severity) over the hot spots.",
    ),
    "report.walks.map_alt": (
        "Carte des constats des marches exploratoires sur les secteurs et les points chauds",
        "Map of the safety-walk observations over the sectors and the hot spots",
    ),
    "report.walks.by_problem": (
        "Constats de marche exploratoire dans la zone de chaque problème",
        "Safety-walk observations in each problem's area",
    ),
    "report.walks.by_sector": (
        "Constats de marche exploratoire par secteur",
        "Safety-walk observations by sector",
    ),
    "report.walks.col.high": ("dont gravité élevée", "of high severity"),
    "wb.sheet.walks_by_problem": ("Marches par problème", "Walks by problem"),
    "wb.about.walks_by_problem": (
        "Constats des marches exploratoires dans la zone de chaque problème, par type et gravité",
        "Safety-walk observations in each problem's area, by kind and severity",
    ),
    "wb.col.walk_observations": ("Constats de marche", "Walk observations"),
    "wb.col.walk_lighting": ("Éclairage insuffisant", "Poor lighting"),
    "wb.col.walk_natural_surveillance": (
        "Absence de surveillance naturelle",
        "No natural surveillance",
    ),
    "wb.col.walk_hiding_place": ("Cachette, recoin", "Hiding place"),
    "wb.col.walk_neglect": ("Négligence, malpropreté", "Neglect, disrepair"),
    "wb.col.walk_feeling_unsafe": ("Sentiment d'insécurité", "Feeling unsafe"),
    "wb.col.walk_other": ("Autre constat", "Other observation"),
    "wb.col.walk_severity_1": ("Constats de gravité faible", "Observations of low severity"),
    "wb.col.walk_severity_2": ("Constats de gravité moyenne", "Observations of medium severity"),
    "wb.col.walk_severity_3": ("Constats de gravité élevée", "Observations of high severity"),
}
"""Label key → (French, English)."""
