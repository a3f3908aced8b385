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
}
"""Label key → (French, English)."""
