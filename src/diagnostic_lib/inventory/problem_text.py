"""The words of a problem: its title and its CHEERS fields, in French and English.

A title says what (the category, or the families), when (the dominant shift
and part of the week, when there is one) and where (the sectors, and the kind
of place nearby); the CHEERS fields (Community, Harm, Expectation, Events,
Recurring, Similarity) are filled where the data allows, for the analyst to edit.
"""

from __future__ import annotations

import functools
from collections.abc import Mapping, Sequence
from typing import Any

import numpy as np
import pandas as pd

from .. import i18n
from .. import taxonomy as taxonomy_mod
from .trend import CHANGE_LABELS

_PART_LABELS = {
    "weekend": ("en fin de semaine", "at weekends"),
    "weekdays": ("en semaine", "on weekdays"),
    "all_week": ("toute la semaine", "all week"),
}
_SHIFT_PHRASES = {
    "jour": ("le jour", "by day"),
    "soir": ("le soir", "in the evening"),
    "nuit": ("la nuit", "at night"),
    "mixed": ("à toute heure", "at all hours"),
}


def _phrase_list(items: Sequence[str], lang: str) -> str:
    items = list(items)
    if len(items) <= 1:
        return "".join(items)
    and_ = " et " if lang == "fr" else " and "
    return ", ".join(items[:-1]) + and_ + items[-1]


@functools.lru_cache(maxsize=1)
def _packaged_taxonomy() -> pd.DataFrame:
    return taxonomy_mod.load_taxonomy()


def _title(categories, families, sig, sect_names, facility, kind, lang) -> str:
    tax = _packaged_taxonomy()
    col = "label_fr" if lang == "fr" else "label_en"
    if len(categories) == 1:
        labs = [str(tax[col].get(categories[0], categories[0]))]
    else:
        labs = [i18n.label("family_short", f, lang) for f in families[:3]]
    labs = [labs[0]] + [x[:1].lower() + x[1:] if lang == "fr" else x for x in labs[1:]]
    what = _phrase_list(labs, lang)
    when = ""
    if sig["dominant_shift"] != "mixed" or sig["week_part"] != "all_week":
        when = " " + _SHIFT_PHRASES[sig["dominant_shift"]][0 if lang == "fr" else 1]
        when += " " + _PART_LABELS[sig["week_part"]][0 if lang == "fr" else 1]
    if kind == "municipality":
        where = (
            "toute la municipalité, sans lieu précis"
            if lang == "fr"
            else "whole municipality, no precise location"
        )
        trend = " en hausse" if lang == "fr" else " rising"
        return f"{what}{trend}{when} — {where}"
    where = _phrase_list(sect_names[:3], lang)
    if facility:
        fac = {
            "bar": ("bars", "bars"),
            "parking": ("stationnement", "parking"),
            "park": ("parc", "park"),
            "shopping_centre": ("centre commercial", "shopping centre"),
            "transit_stop": ("arrêt de transport", "transit stop"),
            "school": ("école", "school"),
        }.get(facility, (facility, facility))
        where += f" ({'secteur : ' if lang == 'fr' else 'near: '}{fac[0 if lang == 'fr' else 1]})"
    return f"{what}{when} — {where}"


def _cheers(rec: Mapping[str, Any], lang: str = "fr") -> dict[str, str]:
    """CHEERS fields filled where the data allows (the analyst edits them)."""
    fr = lang == "fr"
    sev = rec["severity"]
    concern = rec["concern"]
    return {
        "cheers_community": (
            (
                "Lieu public : des citoyens sont touchés."
                if fr
                else "Public place: members of the public are affected."
            )
            if rec["kind"] == "place"
            else ("Résidents des secteurs touchés." if fr else "Residents of the affected sectors.")
        ),
        "cheers_harm": (
            f"Gravité moyenne {sev:.0f} (poids local)."
            if fr
            else f"Mean severity weight {sev:.0f} (local weights)."
        )
        if np.isfinite(sev)
        else "",
        "cheers_expectation": (
            (
                f"{concern * 100:.0f} % des répondants nomment cette préoccupation."
                if fr
                else f"{concern * 100:.0f}% of respondents name this concern."
            )
            if np.isfinite(concern)
            else ("Pas de données de sondage." if fr else "No survey data.")
        ),
        "cheers_events": (
            f"{rec['n_incidents']} événements ({rec['per_year']:.0f} par an)."
            if fr
            else f"{rec['n_incidents']} events ({rec['per_year']:.0f} a year)."
        ),
        "cheers_recurring": (
            f"Événements dans {rec['months_with_events']} mois ; tendance : {CHANGE_LABELS[rec['trend_label']][0]}."
            if fr
            else f"Events in {rec['months_with_events']} months; trend: {CHANGE_LABELS[rec['trend_label']][1]}."
        ),
        "cheers_similarity": (
            f"Même {'lieu' if rec['kind'] == 'place' else 'secteur'}, {_SHIFT_PHRASES[rec['dominant_shift']][0]} "
            f"{_PART_LABELS[rec['week_part']][0]}, pointe {rec['peak_hours']} h."
            if fr
            else f"Same {'place' if rec['kind'] == 'place' else 'area'}, {_SHIFT_PHRASES[rec['dominant_shift']][1]} "
            f"{_PART_LABELS[rec['week_part']][1]}, peak {rec['peak_hours']} h."
        ),
    }
