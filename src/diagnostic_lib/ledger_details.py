"""A ledger entry's detail in the reader's language.

The loaders write each entry's ``detail`` in English, as plain text that may hold
the data's own words (a row number, a file, a sector, a list of allowed values, a
GEOS validity reason). :func:`detail_words` recognises each detail the loaders
write and gives it in French or English from the label catalogue
(``ledger.detail.*``), keeping the data's words; a detail it does not recognise is
returned unchanged. ``tests/test_ledger_details.py`` checks that every detail the
loaders write on messy inputs is recognised.

Examples
--------
>>> detail_words("same as row 12", "fr")
'identique à la ligne 12'
>>> detail_words("Ring Self-intersection[10 20]", "fr")
'anneau qui se recoupe [10 20]'
>>> detail_words("a detail nobody wrote", "fr")
'a detail nobody wrote'
"""

from __future__ import annotations

import re

import numpy as np
import pandas as pd

from . import i18n

_PATTERNS: tuple[tuple[str, str], ...] = (
    (r"same as row (?P<row>\d+)", "same_as_row"),
    (r"first in (?P<file>.+)", "first_in"),
    (r"expected (?P<n>\d+) fields separated by (?P<sep>.+)", "fields_expected"),
    (r"expected (?P<lo>\d+) to (?P<hi>\d+)", "expected_range"),
    (r"allowed: (?P<values>.+)", "allowed"),
    (r"within (?P<m>[\d.]+) m of the municipality", "snapped"),
    (r"position is in sector (?P<sector>.+)", "position_in_sector"),
    (r"classed as 'other'", "classed_other"),
    (r"ignored", "ignored"),
    (r"a decimal comma read as a separator: the two fields joined", "decimal_comma"),
    (r"same id as another row with different content", "same_id_other_content"),
    (r"generated from the row number", "id_generated"),
    (r"the id is used as name", "name_from_id"),
    (r"kept; add it to the partners file", "partner_kept"),
    (r"kept without a position", "kept_without_position"),
    (
        r"a quote opened on this line does not close; later lines read on their own",
        "quote_unclosed",
    ),
    (r"measure not evaluated until mapped: add it to \[taxonomy\.aliases\]", "target_unmapped"),
    (r"default reach used", "default_reach"),
    (r"default ring width used", "default_ring"),
    (r"weight set to 1", "weight_one"),
    (r"inferred from the data", "inferred"),
    (r"footprint set to none", "footprint_none"),
    (r"treated as unknown", "treated_unknown"),
    (r"end of range ignored", "end_ignored"),
    (r"not a point: its representative point is used", "representative_point"),
)
"""(regular expression of the whole English detail, its ``ledger.detail.<key>``)."""

_GEOS: dict[str, str] = {
    "Ring Self-intersection": "ring_self_intersection",
    "Self-intersection": "self_intersection",
    "Too few points in geometry component": "too_few_points",
    "Hole lies outside shell": "hole_outside_shell",
    "Holes are nested": "nested_holes",
    "Interior is disconnected": "interior_disconnected",
    "Nested shells": "nested_shells",
    "Duplicate Rings": "duplicate_rings",
    "Ring is not closed": "ring_not_closed",
    "Invalid Coordinate": "invalid_coordinate",
}
"""GEOS's validity reasons (``shapely.is_valid_reason``) → ``ledger.detail.geos.<key>``."""

_COMPILED = tuple((re.compile(p), k) for p, k in _PATTERNS)
_GEOS_RE = re.compile(
    r"(?P<what>" + "|".join(re.escape(w) for w in _GEOS) + r")\s*(?P<where>\[[^\]]*\])?"
)


def detail_key(detail: str) -> tuple[str, dict[str, str]] | None:
    """The catalogue key of an English detail and the data's words it holds (``None``: unknown).

    Parameters
    ----------
    detail : str
        As a loader wrote it.

    Returns
    -------
    tuple or None
        ``("ledger.detail.<key>", {placeholder: text})``.

    Examples
    --------
    >>> detail_key("expected 1 to 5")
    ('ledger.detail.expected_range', {'lo': '1', 'hi': '5'})
    """
    text = str(detail).strip()
    for pattern, key in _COMPILED:
        m = pattern.fullmatch(text)
        if m:
            return f"ledger.detail.{key}", m.groupdict()
    m = _GEOS_RE.fullmatch(text)
    if m:
        where = m.group("where") or ""
        return f"ledger.detail.geos.{_GEOS[m.group('what')]}", {"where": where}
    return None


def detail_words(detail: str, lang: str = "fr") -> str:
    """An English detail of the ledger in ``lang`` (unchanged when it is not recognised).

    Parameters
    ----------
    detail : str
    lang : {"fr", "en"}

    Returns
    -------
    str

    Examples
    --------
    >>> detail_words("within 50 m of the municipality", "fr")
    'à moins de 50 m de la municipalité'
    >>> detail_words("expected 1 to 3", "en")
    'expected 1 to 3'
    """
    lang = i18n.check_lang(lang)
    if not isinstance(detail, str) or not detail:
        return detail
    found = detail_key(detail)
    if found is None:
        return detail
    key, words = found
    return i18n.t(key, lang, **words).strip()


def details_in(details: pd.Series, lang: str = "fr") -> pd.Series:
    """:func:`detail_words` of a column of details, each distinct value once (index kept).

    Parameters
    ----------
    details : Series of str
    lang : {"fr", "en"}

    Returns
    -------
    Series of str

    Examples
    --------
    >>> details_in(pd.Series(["ignored", "", "ignored"], index=[3, 4, 5]), "fr").tolist()
    ['ignoré', '', 'ignoré']
    """
    codes, uniq = pd.factorize(details, use_na_sentinel=True)
    words = np.array([detail_words(v, lang) for v in uniq] + [np.nan], dtype=object)
    return pd.Series(words[codes], index=details.index, dtype=details.dtype)
