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

from .. import formatting as fmt
from .. import i18n
from .. import taxonomy as taxonomy_mod
from .trend import CHANGE_LABELS


def _phrase_list(items: Sequence[str], lang: str) -> str:
    """``a, b and c`` in the language."""
    items = list(items)
    if len(items) <= 1:
        return "".join(items)
    return i18n.t("inventory.list.and", lang, first=", ".join(items[:-1]), last=items[-1])


@functools.lru_cache(maxsize=1)
def _packaged_taxonomy() -> pd.DataFrame:
    return taxonomy_mod.load_taxonomy()


def category_label(
    code: str,
    family: str,
    lang: str,
    labels: Mapping[str, Mapping[str, str]] | None = None,
) -> str:
    """The words for a category code: its label in the taxonomy, never the code itself.

    Parameters
    ----------
    code, family : str
        The category code and its family.
    lang : str
        ``fr`` or ``en``.
    labels : dict, optional
        Language → code → label (the diagnosis's taxonomy, which may add codes).

    Returns
    -------
    str
        The label of ``labels``, else of the packaged taxonomy, else the family's.

    Examples
    --------
    >>> own = {"en": {"violence_sexual": "Sexual violence"}}
    >>> category_label("violence_sexual", "violent", "en", own)
    'Sexual violence'
    >>> category_label("violence_sexual", "violent", "fr")
    'Violence'
    >>> category_label("burglary", "property", "fr")
    'Introduction par effraction'
    """
    own = (labels or {}).get(lang, {}).get(code)
    if own:
        return str(own)
    packaged = _packaged_taxonomy()[f"label_{lang}"]
    if code in packaged.index:
        return str(packaged[code])
    return i18n.label("family_short", family, lang)


def _when(sig: Mapping[str, Any], lang: str) -> str:
    """`` la nuit en fin de semaine``: the shift and part of the week, when either stands out."""
    if sig["dominant_shift"] == "mixed" and sig["week_part"] == "all_week":
        return ""
    shift = i18n.label("inventory.shift_phrase", sig["dominant_shift"], lang)
    part = i18n.label("inventory.week_part", sig["week_part"], lang)
    return f" {shift} {part}"


def _title(
    categories: Sequence[str],
    families: Sequence[str],
    sig: Mapping[str, Any],
    sect_names: Sequence[str],
    facility: str,
    kind: str,
    lang: str,
    labels: Mapping[str, Mapping[str, str]] | None = None,
) -> str:
    """What — when — where: the title of a problem.

    ``labels`` (language → code → label) is the diagnosis's taxonomy; without it,
    or for a code it lacks, the packaged taxonomy's label, else the family's.
    """
    if len(categories) == 1:
        labs = [category_label(categories[0], families[0] if families else "other", lang, labels)]
    else:
        labs = [i18n.label("family_short", f, lang) for f in families[:3]]
    if lang == "fr":  # in French only the first item of the list keeps its capital
        labs = [labs[0]] + [x[:1].lower() + x[1:] for x in labs[1:]]
    what = _phrase_list(labs, lang)
    when = _when(sig, lang)
    if kind == "municipality":
        trend = i18n.t("inventory.title.rising", lang)
        return f"{what} {trend}{when} — {i18n.t('inventory.title.municipality', lang)}"
    where = _phrase_list(sect_names[:3], lang)
    if facility:
        fac = i18n.label("inventory.facility", facility, lang)
        where += f" ({i18n.t('inventory.title.near', lang, facility=fac)})"
    return f"{what}{when} — {where}"


def _cheers(rec: Mapping[str, Any], lang: str = "fr") -> dict[str, str]:
    """CHEERS fields filled where the data allows (the analyst edits them)."""
    place = rec["kind"] == "place"
    sev = rec["severity"]
    concern = rec["concern"]
    if np.isfinite(concern):
        expectation = i18n.t("inventory.cheers.expectation", lang, share=fmt.percent(concern, lang))
    else:
        expectation = i18n.t("inventory.cheers.no_survey", lang)
    trend = CHANGE_LABELS[rec["trend_label"]][i18n.LANGS.index(lang)]
    return {
        "cheers_community": i18n.t(
            "inventory.cheers.community_place" if place else "inventory.cheers.community_area", lang
        ),
        "cheers_harm": (
            i18n.t("inventory.cheers.harm", lang, severity=fmt.integer(sev, lang))
            if np.isfinite(sev)
            else ""
        ),
        "cheers_expectation": expectation,
        "cheers_events": i18n.t(
            "inventory.cheers.events",
            lang,
            n=fmt.integer(rec["n_incidents"], lang),
            per_year=fmt.integer(rec["per_year"], lang),
        ),
        "cheers_recurring": i18n.t(
            "inventory.cheers.recurring", lang, months=rec["months_with_events"], trend=trend
        ),
        "cheers_similarity": _similarity(rec, place, lang),
    }


def _similarity(rec: Mapping[str, Any], place: bool, lang: str) -> str:
    """The CHEERS "similarity" sentence: where, and when when the times say it.

    A problem whose events are all known only to the month or less has no hour
    profile (its ``peak_hours`` is empty): saying "at all hours, all week" would
    be a claim the data cannot make.
    """
    unit = i18n.t("inventory.cheers.unit_place" if place else "inventory.cheers.unit_area", lang)
    if not rec.get("peak_hours"):
        return i18n.t("inventory.cheers.similarity_no_time", lang, unit=unit)
    return i18n.t(
        "inventory.cheers.similarity",
        lang,
        unit=unit,
        shift=i18n.label("inventory.shift_phrase", rec["dominant_shift"], lang),
        part=i18n.label("inventory.week_part", rec["week_part"], lang),
        peak=rec["peak_hours"],
    )
