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
}
"""Label key → (French, English)."""
