"""The words of a problem: its title and its CHEERS fields, in French and English.

A title says what (the category, or the families), when (the dominant shift
and part of the week, when there is one) and where (the sectors, and the kind
of place nearby); the CHEERS fields (Community, Harm, Expectation, Events,
Recurring, Similarity) are filled where the data allows, for the analyst to edit.
"""

from __future__ import annotations

import functools
from collections.abc import Mapping, Sequence
from dataclasses import dataclass
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


@dataclass(frozen=True)
class Where:
    """Where a problem is, in the words of its title.

    Attributes
    ----------
    sectors : tuple of str
        Names of its sectors (empty when they have no name but a code, e.g. grid cells).
    facility : str
        Code of the kind of facility most of its events lie next to ("" for none).
    facility_text : str
        The source's own words for that kind, when the catalogue has no label for it.
    place : str
        The nearest named place ("" for none).
    offset : tuple of float, optional
        Distance (m) and bearing (degrees clockwise from north) of its centre from
        the municipality's centre, said when neither a sector name nor a place is.
    """

    sectors: tuple[str, ...] = ()
    facility: str = ""
    facility_text: str = ""
    place: str = ""
    offset: tuple[float, float] | None = None


COMPASS: tuple[str, ...] = ("n", "ne", "e", "se", "s", "sw", "w", "nw")
"""The eight directions, clockwise from north (label keys ``inventory.title.offset.*``)."""


def compass(bearing: float) -> str:
    """The direction (``n``, ``ne``… ``nw``) of a bearing in degrees clockwise from north.

    Examples
    --------
    >>> compass(0), compass(50), compass(180), compass(-100)
    ('n', 'ne', 's', 'w')
    """
    return COMPASS[int(np.floor(((bearing % 360) + 22.5) / 45)) % 8]


def bearing(dx: float, dy: float) -> float:
    """Degrees clockwise from north of a displacement (east ``dx``, north ``dy``).

    Examples
    --------
    >>> bearing(1, 0), bearing(0, -1)
    (90.0, 180.0)
    """
    return float(np.degrees(np.arctan2(dx, dy)) % 360)


def _where(where: Where, lang: str) -> str:
    """``PDQ-21, repère : Square Phillips (hôtels à proximité)``: the where of a title."""
    parts = [_phrase_list(list(where.sectors[:3]), lang)] if where.sectors else []
    if where.place:
        parts.append(i18n.t("inventory.title.near_place", lang, place=where.place))
    elif not parts and where.offset is not None:
        dist, bear = where.offset
        km = fmt.decimal(dist / 1000, lang, 1)
        parts.append(i18n.t(f"inventory.title.offset.{compass(bear)}", lang, km=km))
    text = ", ".join(parts)
    if where.facility:
        fac = facility_label(where.facility, lang, where.facility_text)
        text += f" ({i18n.t('inventory.title.near', lang, facility=fac)})"
    return text


def facility_label(kind: str, lang: str, text: str = "") -> str:
    """A kind of place in words: its label in the catalogue, else the source's ``text``.

    Parameters
    ----------
    kind : str
        The kind as :func:`diagnostic_lib.loaders.load_places` normalises it.
    lang : {"fr", "en"}
        Language.
    text : str
        The source's own words for that kind (its ``kind_label``), used when the
        catalogue has no label for it; without them, the kind with spaces.

    Returns
    -------
    str

    Examples
    --------
    >>> facility_label("poste_d_attente_de_taxis", "en")
    'taxi stand'
    >>> facility_label("bar_laitier", "fr", "Bar laitier"), facility_label("bar_laitier", "fr")
    ('Bar laitier', 'bar laitier')
    """
    key = f"inventory.facility.{kind}"
    if key in i18n.LABELS:
        return i18n.t(key, lang)
    return str(text).strip() or str(kind).replace("_", " ")


def unique_titles(titles: pd.DataFrame, x: np.ndarray, y: np.ndarray) -> pd.DataFrame:
    """Problem titles made unique: the part of their common area, else a number.

    Problems whose titles are the same (in every language) get the direction of
    their centre from the group's mean centre (``partie nord`` / ``north part``);
    those still alike, or without a centre, get a number: ``(2)``, ``(3)``…

    Parameters
    ----------
    titles : DataFrame
        One column per language (``title_fr``, ``title_en``), one row per problem.
    x, y : numpy.ndarray
        Each problem's centre (NaN when it has none, e.g. a municipality-wide problem).

    Returns
    -------
    DataFrame
        The titles, same index and columns, every row different.

    Examples
    --------
    >>> t = pd.DataFrame({"title_fr": ["Vol — S1", "Vol — S1"], "title_en": ["Theft — S1"] * 2})
    >>> unique_titles(t, np.array([0.0, 0.0]), np.array([500.0, -500.0]))["title_en"].tolist()
    ['Theft — S1 (north part)', 'Theft — S1 (south part)']
    """
    out = titles.copy()
    cols = list(titles.columns)
    x, y = np.asarray(x, dtype="float64"), np.asarray(y, dtype="float64")
    for _, pos in _groups_of_equal_rows(titles):
        ok = pos[np.isfinite(x[pos]) & np.isfinite(y[pos])]
        dirs = {}
        if len(ok) > 1:
            mx, my = x[ok].mean(), y[ok].mean()
            dirs = {p: compass(bearing(x[p] - mx, y[p] - my)) for p in ok}
            if len(set(dirs.values())) < len(dirs):  # two in one direction: numbers
                dirs = {}
        for n, p in enumerate(pos, start=1):
            for c in cols:
                lang = c.rsplit("_", 1)[-1]
                suffix = i18n.t(f"inventory.title.part.{dirs[p]}", lang) if p in dirs else str(n)
                out.iloc[p, cols.index(c)] = f"{titles.iloc[p, cols.index(c)]} ({suffix})"
    return out


def _groups_of_equal_rows(frame: pd.DataFrame) -> list[tuple[Any, np.ndarray]]:
    """Positions of the rows that share all their values with another row, by group."""
    key = frame.astype(str).agg("\x1f".join, axis=1).to_numpy()
    codes, uniq = pd.factorize(key)
    counts = np.bincount(codes, minlength=len(uniq))
    return [(uniq[k], np.flatnonzero(codes == k)) for k in np.flatnonzero(counts > 1)]


def _title(
    categories: Sequence[str],
    families: Sequence[str],
    sig: Mapping[str, Any],
    where: Where,
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
    return f"{what}{when} — {_where(where, lang)}"


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
        "cheers_events": (
            i18n.t(
                "inventory.cheers.events",
                lang,
                n=fmt.integer(rec["n_incidents"], lang),
                per_year=fmt.integer(rec["per_year"], lang),
            )
            if np.isfinite(rec["per_year"])
            else i18n.t(
                "inventory.cheers.events_short", lang, n=fmt.integer(rec["n_incidents"], lang)
            )
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
