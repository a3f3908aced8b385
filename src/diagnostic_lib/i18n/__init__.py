"""French and English labels for everything a user reads.

Every label shown in a table header, legend, map, report or widget comes from
:data:`LABELS` through :func:`t`, so that both languages always exist (a test
checks that every key has a non-empty French and English text). The catalogue
is one dictionary, kept in one file per part of the library under
``i18n/labels/`` (``common``, ``ledger``, ``inventory``, ``measures``,
``evaluation``, ``strategy``, ``report``, ``maps``, ``errors``, ``workbook``…); a key
may be defined in one file only.

Examples
--------
>>> from diagnostic_lib import i18n
>>> i18n.t("family.property", "fr")
'Crimes contre les biens'
>>> i18n.t("family.property", "en")
'Property crime'
>>> i18n.t("ledger.summary.kept", "en", n=3)
'3 rows kept'
"""

from __future__ import annotations

import re
import string
from collections.abc import Iterable, Mapping

import babel

from .labels import (
    common,
    dashboard,
    errors,
    evaluation,
    figures,
    followup,
    inventory,
    ledger,
    loaders,
    maps,
    measures,
    monitoring,
    notebooks,
    places,
    province,
    report,
    report_pages,
    sample,
    setup,
    strategy,
    walks,
    workbook,
)

LANGS: tuple[str, ...] = ("fr", "en")


def _merge(*parts: Mapping[str, tuple[str, str]]) -> dict[str, tuple[str, str]]:
    out: dict[str, tuple[str, str]] = {}
    for part in parts:
        twice = set(out) & set(part)
        if twice:
            raise RuntimeError(f"label keys defined twice in the catalogue: {sorted(twice)}")
        out.update(part)
    return out


LABELS: dict[str, tuple[str, str]] = _merge(
    common.LABELS,
    ledger.LABELS,
    loaders.LABELS,
    inventory.LABELS,
    places.LABELS,
    measures.LABELS,
    evaluation.LABELS,
    strategy.LABELS,
    report.LABELS,
    figures.LABELS,
    report_pages.LABELS,
    maps.LABELS,
    dashboard.LABELS,
    monitoring.LABELS,
    followup.LABELS,
    sample.LABELS,
    setup.LABELS,
    notebooks.LABELS,
    errors.LABELS,
    workbook.LABELS,
    walks.LABELS,
    province.LABELS,
)
"""Label key → (French, English): the one catalogue, merged from ``i18n/labels/``."""


# Calendar names, one place for every table, chart and legend (Monday first, January first).
WEEKDAYS: dict[str, tuple[str, ...]] = {
    "fr": ("lundi", "mardi", "mercredi", "jeudi", "vendredi", "samedi", "dimanche"),
    "en": ("Monday", "Tuesday", "Wednesday", "Thursday", "Friday", "Saturday", "Sunday"),
}
WEEKDAYS_SHORT: dict[str, tuple[str, ...]] = {
    "fr": ("lun.", "mar.", "mer.", "jeu.", "ven.", "sam.", "dim."),
    "en": ("Mon", "Tue", "Wed", "Thu", "Fri", "Sat", "Sun"),
}
MONTHS: dict[str, tuple[str, ...]] = {
    "fr": (
        "janv.",
        "févr.",
        "mars",
        "avr.",
        "mai",
        "juin",
        "juil.",
        "août",
        "sept.",
        "oct.",
        "nov.",
        "déc.",
    ),
    "en": ("Jan", "Feb", "Mar", "Apr", "May", "Jun", "Jul", "Aug", "Sep", "Oct", "Nov", "Dec"),
}


def check_lang(lang: str) -> str:
    """Return ``lang`` if it is a supported language, else raise ``ValueError``.

    Examples
    --------
    >>> check_lang("en")
    'en'
    """
    if lang not in LANGS:
        raise ValueError(f"language must be one of {LANGS}, got {lang!r}")
    return lang


def t(key: str, lang: str = "fr", /, **fmt: object) -> str:
    """Translate a label key.

    Parameters
    ----------
    key : str
        Label key, e.g. ``"family.property"``.
    lang : {"fr", "en"}
        Language.
    **fmt
        Values for ``str.format`` placeholders in the label.

    Returns
    -------
    str
        The label. An unknown key returns the key itself so that a missing
        label is visible rather than fatal (a test checks none is missing).

    Examples
    --------
    >>> t("pillar.partenariat", "en")
    'Partnership'
    """
    pair = LABELS.get(key)
    if pair is None:
        return key
    if fmt and f"{key}.one" in LABELS and _is_one(pair[LANGS.index(check_lang(lang))], lang, fmt):
        pair = LABELS[f"{key}.one"]
    text = pair[LANGS.index(check_lang(lang))]
    return text.format(**fmt) if fmt else text


def _is_one(text: str, lang: str, values: Mapping[str, object]) -> bool:
    r"""Whether the number of a label's first placeholder takes the singular in ``lang``.

    A label ``key`` with a variant ``key.one`` ("{n} ligne rejetée") uses it where
    that number is singular by the language's plural rule (CLDR, through Babel): 0 and
    1 in French, 1 in English. The number may be given formatted ("1", "1 234").

    Examples
    --------
    >>> _is_one("{n} rows", "en", {"n": "1"}), _is_one("{n} rows", "en", {"n": 0})
    (True, False)
    >>> _is_one("{n} lignes", "fr", {"n": "0"}), _is_one("{n} lignes", "fr", {"n": "1\xa0234"})
    (True, False)
    """
    names = [name for _, name, _, _ in string.Formatter().parse(text) if name]
    if not names:
        return False
    value = values.get(names[0])
    if isinstance(value, str):
        digits = re.sub(r"[\s\u00a0\u202f,]", "", value)
        value = int(digits) if digits.isdigit() else None
    if not isinstance(value, int | float) or isinstance(value, bool):
        return False
    return babel.Locale.parse(lang).plural_form(abs(value)) == "one"


def label(prefix: str, code: object, lang: str = "fr") -> str:
    """Label of a code under a prefix, falling back to the code itself.

    Examples
    --------
    >>> label("family", "violent", "en")
    'Violent crime'
    >>> label("kind", "made_up_kind", "en")
    'made_up_kind'
    """
    key = f"{prefix}.{code}"
    return t(key, lang) if key in LABELS else str(code)


def labels(prefix: str, codes: Iterable[object], lang: str = "fr") -> list[str]:
    """Labels of several codes (see :func:`label`).

    Examples
    --------
    >>> labels("shift", ["jour", "nuit"], "en")
    ['Day (8 am – 4 pm)', 'Night (midnight – 8 am)']
    """
    return [label(prefix, c, lang) for c in codes]


def translate_columns(frame, mapping: Mapping[str, str], lang: str = "fr"):
    """Rename a frame's columns with label keys, for display.

    Parameters
    ----------
    frame : pandas.DataFrame
        Any frame (not modified).
    mapping : dict
        Column name → label key.
    lang : {"fr", "en"}

    Returns
    -------
    pandas.DataFrame
        A copy with translated column names.

    Examples
    --------
    >>> import pandas as pd
    >>> translate_columns(pd.DataFrame({"n": [1]}), {"n": "word.count"}, "en").columns.tolist()
    ['Count']
    """
    return frame.rename(columns={c: t(k, lang) for c, k in mapping.items()})
