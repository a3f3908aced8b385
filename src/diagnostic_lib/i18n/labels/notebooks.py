"""Labels of the teaching notebooks (``notebooks/*.ipynb``): titles, legends, printed sentences.

The notebooks read every word they show from the catalogue, like the library:
``i18n.t("notebooks.inventory.gap_sector", LANG, sector="S05")``. A notebook
reuses the library's own key where one exists (e.g. ``report.step1.rate_map``,
``dash.subtitle``); only what no library text says lives here.
"""

from __future__ import annotations

LABELS: dict[str, tuple[str, str]] = {
    # --- 01_inventory ------------------------------------------------------
    "notebooks.inventory.grid": ("Cellules de la grille : {cell} m", "Grid cells: {cell} m"),
    "notebooks.inventory.bar_like": ("Violence et désordre", "Violence and disorder"),
    "notebooks.inventory.vehicle_hot_spots": (
        "Vols liés aux véhicules : points chauds",
        "Vehicle crime: hot spots",
    ),
    "notebooks.inventory.density": (
        "Densité (noyau quartique, {bandwidth} m)",
        "Density (quartic kernel, {bandwidth} m)",
    ),
    "notebooks.inventory.per_km2": ("par km²", "per km²"),
    "notebooks.inventory.vehicle_emerging": (
        "Vols liés aux véhicules : points chauds émergents",
        "Vehicle crime: emerging hot spots",
    ),
    "notebooks.inventory.gap_sector": ("Secteur à l'écart : {sector}", "Gap sector: {sector}"),
    # --- 02_measures -------------------------------------------------------
    "notebooks.measures.assessed": (
        "{problems} problèmes évalués ; {measures} mesures ; anneau par défaut : {ring} m",
        "{problems} problems assessed; {measures} measures; default ring: {ring} m",
    ),
    # --- 03_evaluation -----------------------------------------------------
    "notebooks.evaluation.wdd": ("WDD :", "WDD:"),
    "notebooks.evaluation.wdq": ("WDQ :", "WDQ:"),
    "notebooks.evaluation.wdq_no_success": ("WDQ (pas de succès) :", "WDQ (no success):"),
    "notebooks.evaluation.e_test": ("Test E, 6 contre 2 :", "E-test, 6 vs 2:"),
    "notebooks.evaluation.res_example": (
        "RES, zone traitée 100 → 50, témoin 100 → 100 :",
        "RES, treated area 100 → 50, control 100 → 100:",
    ),
    "notebooks.evaluation.peak_forest": (
        "Mesures fictives sans effet : RES brute (point creux, trait fin) et corrigée (losange, "
        "barre épaisse)",
        "Pretend measures with no effect: raw RES (hollow dot, thin line) and corrected (diamond, "
        "thick bar)",
    ),
    "notebooks.evaluation.knox_envelope": (
        "Risque accru jusqu'à {distance} m et {days} jours",
        "Elevated risk up to {distance} m and {days} days",
    ),
}
