"""The words exports use for coded values: shifts, precisions, pillars, footprints, concerns.

Each vocabulary maps a normalised word (lower case, no accents, no punctuation:
see :func:`~diagnostic_lib._text.norm_key`) to a canonical code of
:mod:`diagnostic_lib.schema`, in French and English. :func:`map_aliases` reads a
column through one of them, once per distinct value.

Examples
--------
>>> import pandas as pd
>>> map_aliases(pd.Series(["Soir", "", "midi"]), SHIFT_ALIASES).tolist()
['soir', '', '?']
>>> PILLAR_ALIASES["problem solving"]
'resolution'
"""

from __future__ import annotations

import functools
from collections.abc import Mapping
from typing import Any

import numpy as np
import pandas as pd

from .. import i18n, schema
from .._text import as_text, factorize, norm_key, str_take


def _by_code(words: Mapping[str, tuple[str, ...]]) -> dict[str, str]:
    """Invert ``code → words`` into ``word → code``."""
    return {word: code for code, group in words.items() for word in group}


SHIFT_ALIASES: dict[str, str] = _by_code(
    {
        "jour": ("jour", "j", "day", "d", "matin"),
        "soir": ("soir", "s", "evening", "e", "soiree"),
        "nuit": ("nuit", "n", "night"),
    }
)
"""Shift words → shift code (:data:`~diagnostic_lib.schema.SHIFTS`)."""

PRECISION_ALIASES: dict[str, str] = _by_code(
    {
        "exact": ("exact", "exacte", "address", "adresse", "point"),
        "intersection": ("intersection", "coin"),
        "block": ("block", "bloc", "troncon", "segment", "street"),
        "sector": ("sector", "secteur"),
        "none": ("none", "aucune", "aucun", "unknown", "inconnue"),
    }
)
"""Location-precision words → precision code (:data:`~diagnostic_lib.schema.PRECISIONS`)."""

PILLAR_ALIASES: dict[str, str] = _by_code(
    {
        "rapprochement": (
            "rapprochement",
            "closeness",
            "community engagement",
            "rapprochement entre les citoyens et les policiers",
        ),
        "partenariat": ("partenariat", "partnership", "partenariats"),
        "resolution": (
            "resolution",
            "resolution de problemes",
            "problem solving",
            "resolution des problemes",
            "problem oriented policing",
        ),
        "prevention": ("prevention", "renforcement des mesures preventives"),
    }
)
"""Pillar names (French or English) → pillar code (:data:`~diagnostic_lib.schema.PILLARS`)."""

FOOTPRINT_ALIASES: dict[str, str] = _by_code(
    {
        "point": ("point", "lieu"),
        "line": ("line", "ligne", "troncon", "linestring"),
        "polygon": ("polygon", "polygone", "zone", "area"),
        "sectors": ("sectors", "secteurs", "sector", "secteur"),
        "municipality": (
            "municipality",
            "municipalite",
            "ville",
            "all",
            "toute la ville",
            "whole municipality",
        ),
        "none": ("none", "aucune", "aucun", ""),
    }
)
"""Footprint words → footprint code (:data:`~diagnostic_lib.schema.FOOTPRINTS`)."""

CONCERN_WORDS: dict[str, str] = {
    "cambriolage": "burglary",
    "vol de vehicule": "vehicle_crime",
    "vitesse": "traffic",
    "drogue": "drugs",
    "fraude": "fraud_cyber",
    "gangs": "youth_gangs",
    "incivilites": "disorder",
    "vandalisme": "disorder",
    "violence": "violence",
}
"""Everyday words for survey concerns, besides the codes and their labels."""


@functools.cache
def concern_aliases() -> dict[str, str]:
    """Concern words → concern code: the codes, their French and English labels, common words.

    Returns
    -------
    dict
        Normalised word → code of :data:`~diagnostic_lib.schema.CONCERNS` (do not
        modify: the mapping is made once and shared).

    Examples
    --------
    >>> concern_aliases()["cambriolages"], concern_aliases()["vitesse"]
    ('burglary', 'traffic')
    """
    m = {}
    for c in schema.CONCERNS:
        m[norm_key(c)] = c
        for lang in i18n.LANGS:
            m[norm_key(i18n.t(f"concern.{c}", lang))] = c
    m.update(CONCERN_WORDS)
    return m


def map_aliases(text: pd.Series, aliases: Mapping[str, str]) -> pd.Series:
    """Read coded values through a vocabulary, once per distinct value.

    Parameters
    ----------
    text : pandas.Series
        The source column.
    aliases : mapping
        Normalised word → code (e.g. :data:`SHIFT_ALIASES`).

    Returns
    -------
    pandas.Series of str
        The code; ``""`` where the value is missing, ``"?"`` where it is unknown.

    Examples
    --------
    >>> map_aliases(pd.Series(["Adresse", "??", None]), PRECISION_ALIASES).tolist()
    ['exact', '', '']
    """
    rows, codes = _alias_lookup(text, aliases)
    return pd.Series(str_take(codes, rows), index=text.index, dtype="str")


def alias_codes(text: pd.Series, aliases: Mapping[str, str]) -> np.ndarray:
    """:func:`map_aliases` as an object array in which equal codes are one object.

    For a long column read row by row afterwards (no text array made, no second
    encoding of the rows).

    Examples
    --------
    >>> alias_codes(pd.Series(["Soir", "", "soir"]), SHIFT_ALIASES).tolist()
    ['soir', '', 'soir']
    """
    rows, codes = _alias_lookup(text, aliases)
    return np.asarray(codes, dtype=object)[rows] if len(rows) else np.empty(0, dtype=object)


def _alias_lookup(text: pd.Series, aliases: Mapping[str, str]) -> tuple[np.ndarray, list[str]]:
    """Each row's position among the distinct values, and each distinct value's code."""

    def one(u: Any) -> str:
        key = norm_key(u)
        return "" if key == "" else aliases.get(key, "?")

    rows, distinct = factorize(as_text(text))
    return rows, [one(u) for u in distinct]


WALK_WORDS: dict[str, str] = _by_code(
    {
        "lighting": (
            "eclairage",
            "eclairage insuffisant",
            "mauvais eclairage",
            "mal eclaire",
            "sombre",
            "noirceur",
            "lumiere",
            "lampadaire",
            "light",
            "poor lighting",
            "dark",
        ),
        "natural_surveillance": (
            "surveillance",
            "surveillance naturelle",
            "absence de surveillance",
            "visibilite",
            "isolement",
            "isole",
            "lieu isole",
            "no natural surveillance",
            "surveillance naturelle absente",
            "isolated",
            "visibility",
        ),
        "hiding_place": (
            "cachette",
            "recoin",
            "cachettes",
            "lieu de cachette",
            "buissons",
            "hiding place",
            "hiding",
            "concealment",
        ),
        "neglect": (
            "negligence",
            "malproprete",
            "abandon",
            "mauvais entretien",
            "entretien",
            "graffiti",
            "graffitis",
            "dechets",
            "vandalisme",
            "disrepair",
            "litter",
            "neglect",
        ),
        "feeling_unsafe": (
            "sentiment d insecurite",
            "insecurite",
            "peur",
            "crainte",
            "unsafe",
            "feeling unsafe",
            "fear",
        ),
        "other": ("autre", "autres", "divers", "other"),
    }
)
"""Everyday words (French and English) for safety-walk observation categories."""

SEVERITY_WORDS: dict[str, int] = {
    **dict.fromkeys(("1", "faible", "basse", "bas", "mineure", "mineur", "low", "minor"), 1),
    **dict.fromkeys(("2", "moyenne", "moyen", "modere", "moderee", "medium", "moderate"), 2),
    **dict.fromkeys(
        ("3", "elevee", "eleve", "haute", "haut", "forte", "grave", "majeure", "high", "severe"),
        3,
    ),
}
"""Severity words of a walk observation → 1 (low), 2 (medium) or 3 (high)."""


@functools.cache
def walk_aliases() -> dict[str, str]:
    """Walk-observation words → category code: codes, French and English labels, common words.

    Returns
    -------
    dict
        Normalised word → code of :data:`~diagnostic_lib.schema.WALK_CATEGORIES` (do
        not modify: made once and shared).

    Examples
    --------
    >>> walk_aliases()["eclairage"], walk_aliases()["cachette"]
    ('lighting', 'hiding_place')
    """
    m = {}
    for c in schema.WALK_CATEGORIES:
        m[norm_key(c)] = c
        m[norm_key(c.replace("_", " "))] = c
        for lang in i18n.LANGS:
            m[norm_key(i18n.t(f"walk.category.{c}", lang))] = c
    m.update(WALK_WORDS)
    return m
