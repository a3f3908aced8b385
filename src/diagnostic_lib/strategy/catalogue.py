"""The evidence catalogue: the codes it uses, how it is read and checked, and its evidence score.

``data/evidence_catalogue.toml`` lists the candidate responses (37 types, in
French and English), each with its targets (families, categories, place types,
time patterns), its pillars, its mechanism, the direction, strength and quality
of the evidence for it, what that evidence rests on (``evidence_basis``: a
systematic review, an evaluation, or practice only), its public source (authors,
year, title, venue) and its cost. Users add or replace entries with their own
(``[strategy] catalogue`` in ``diagnostic.toml``).

Examples
--------
>>> cat = load_catalogue()
>>> cat.loc["street_lighting", "pillars"]
('prevention',)
"""

from __future__ import annotations

import tomllib
from collections.abc import Mapping, Sequence
from importlib import resources
from os import PathLike
from pathlib import Path
from typing import Any

import pandas as pd

from .. import i18n, schema
from ..errors import DataError, bilingual, unreadable

FAMILY_CODES = schema.FAMILIES
PLACE_TYPES: tuple[str, ...] = (
    "street",
    "nightlife",
    "residential",
    "parking",
    "transit",
    "commercial",
    "park",
    "school",
    "online",
    "whole_area",
)
TIME_PATTERNS: tuple[str, ...] = ("night", "evening", "day", "weekend", "any")
DIRECTIONS = {"reduces": 1.0, "mixed": 0.5, "unclear": 0.3, "none": 0.0, "increases": -1.0}
STRENGTHS = {"large": 1.0, "moderate": 0.7, "small": 0.4, "unknown": 0.25, "none": 0.0}
QUALITIES = {"high": 1.0, "moderate": 0.8, "low": 0.55, "very_low": 0.35}
COSTS = ("low", "medium", "high")
EVIDENCE_BASES = {"systematic_review": 1.0, "evaluation": 0.75, "practice_based": 0.5}
"""What an entry's evidence rests on → the factor its evidence score is multiplied by.

``systematic_review``: a systematic review or meta-analysis covers the response;
``evaluation``: one or more controlled evaluations, not synthesised (a single
study's effect tends to shrink when replicated); ``practice_based``: guidance
and practice only, not evaluated. See :func:`evidence_score`.
"""
DEFAULT_BASIS = "practice_based"
"""The basis of an entry that does not state one (a user's entry, say)."""

REQUIRED = (
    "id",
    "name_fr",
    "name_en",
    "families",
    "pillars",
    "mechanism_fr",
    "mechanism_en",
    "effect_direction",
    "effect_strength",
    "evidence_quality",
    "source",
    "cost_level",
)
LIST_FIELDS = (
    "families",
    "categories",
    "place_types",
    "time_patterns",
    "pillars",
    "measure_kinds",
    "typical_partners",
)
_TEXT_FIELDS = (
    "moderators_fr",
    "moderators_en",
    "implementation_fr",
    "implementation_en",
    "evidence_fr",
    "evidence_en",
)

_LEVEL_CODES = (
    "large",
    "moderate",
    "small",
    "unknown",
    "none",
    "high",
    "low",
    "very_low",
    "medium",
    "reduces",
    "mixed",
    "unclear",
    "increases",
)
_BASIS_LABELS = {code: f"strategy.basis.{code}" for code in EVIDENCE_BASES}
LEVEL_LABELS: dict[str, tuple[str, str]] = {
    code: i18n.LABELS[f"strategy.level.{code}"] for code in _LEVEL_CODES
}
"""Level code → (French, English), from the label catalogue (``strategy.level.*``)."""


def _level(code: str, lang: str) -> str:
    return i18n.label("strategy.level", code, lang)


def _entry_error(name: str, key: str, **values: object) -> DataError:
    """The error about one catalogue entry (``strategy.catalogue.error.<key>``), after the file."""
    return DataError(f"{name}: {bilingual(f'strategy.catalogue.error.{key}', **values)}")


def _validate_entry(e: Mapping[str, Any], i: int, name: str) -> None:
    if not isinstance(e, Mapping):
        raise _entry_error(name, "not_responses")
    missing = [k for k in REQUIRED if not e.get(k)]
    if missing:
        raise _entry_error(name, "missing", number=i, id=e.get("id", "?"), missing=missing)
    for k in LIST_FIELDS:  # a string would be checked letter by letter
        if k in e and not isinstance(e[k], list | tuple):
            example = e[k] if isinstance(e[k], str) else "…"
            raise _entry_error(
                name, "not_list", id=e["id"], field=k, value=repr(e[k]), example=example
            )
    for k, codes in (
        ("families", FAMILY_CODES),
        ("pillars", schema.PILLARS),
        ("place_types", PLACE_TYPES),
    ):
        bad = set(e.get(k, ())) - set(codes)
        if bad:
            raise _entry_error(
                name,
                "unknown_codes",
                id=e["id"],
                field=k,
                bad=sorted(bad),
                allowed=", ".join(codes),
            )
    for k, allowed in (  # a set of names is listed sorted; an ordered scale in its order
        ("effect_direction", sorted(DIRECTIONS)),
        ("effect_strength", sorted(STRENGTHS)),
        ("evidence_quality", sorted(QUALITIES)),
        ("evidence_basis", sorted(EVIDENCE_BASES)),
        ("cost_level", list(COSTS)),
    ):
        value = e.get(k, DEFAULT_BASIS) if k == "evidence_basis" else e[k]
        if not isinstance(value, str) or value not in allowed:
            raise _entry_error(
                name, "bad_code", id=e["id"], field=k, value=repr(value), allowed=", ".join(allowed)
            )


def _validate_entries(entries: list[dict[str, Any]], name: str) -> None:
    for i, e in enumerate(entries, start=1):
        _validate_entry(e, i, name)


def _read_entries(path: str | PathLike[str] | Any, name: str) -> list[dict[str, Any]]:
    src = Path(path) if isinstance(path, str | PathLike) else path
    try:
        data = tomllib.loads(src.read_text(encoding="utf-8"))
    except (OSError, tomllib.TOMLDecodeError, UnicodeDecodeError) as exc:
        raise DataError(f"{name}: {unreadable(exc, 'toml')}") from None
    entries = data.get("response", [])
    if not isinstance(entries, list):
        raise _entry_error(name, "not_responses")
    return entries


def _merge_extra(
    entries: list[dict[str, Any]],
    extra: str | PathLike[str] | Sequence[Mapping[str, Any]],
) -> list[dict[str, Any]]:
    """Add the user's entries to the catalogue's, replacing those with the same ``id``."""
    if isinstance(extra, str | PathLike):
        more = _read_entries(extra, str(extra))
        _validate_entries(more, str(extra))
    else:
        more = [dict(e) if isinstance(e, Mapping) else e for e in extra]
        _validate_entries(more, "extra entries")
    ids = {e["id"]: i for i, e in enumerate(entries)}
    for e in more:
        if e["id"] in ids:
            entries[ids[e["id"]]] = e
        else:
            entries.append(e)
    return entries


def load_catalogue(
    path: str | PathLike[str] | None = None,
    extra: str | PathLike[str] | Sequence[Mapping[str, Any]] | None = None,
) -> pd.DataFrame:
    """Load the evidence catalogue (and the user's own entries).

    Parameters
    ----------
    path : path, optional
        A TOML file of ``[[response]]`` tables replacing the packaged catalogue.
    extra : path or list of dict, optional
        Entries added to (or replacing, by ``id``) the catalogue's: a TOML file of
        ``[[response]]`` tables or a list of mappings with the same fields.

    Returns
    -------
    DataFrame
        Indexed by ``id``; list fields are tuples; ``evidence_basis`` filled in
        (``practice_based`` where an entry states none); ``evidence_score`` (0–1)
        added.

    Raises
    ------
    DataError
        An entry lacks a required field or uses an unknown code.

    Examples
    --------
    >>> mine = {"id": "school_zone_patrol", "name_fr": "Brigade scolaire",
    ...         "name_en": "School crossing guards", "families": ["traffic"],
    ...         "place_types": ["school"], "pillars": ["rapprochement"],
    ...         "mechanism_fr": "Présence aux traverses.", "mechanism_en": "Presence at crossings.",
    ...         "effect_direction": "reduces", "effect_strength": "small",
    ...         "evidence_quality": "low", "source": "Local evaluation, 2024", "cost_level": "low"}
    >>> cat = load_catalogue(extra=[mine])
    >>> cat.loc["school_zone_patrol", "name_en"], "street_lighting" in cat.index
    ('School crossing guards', True)
    """
    base_name = str(path) if path is not None else "evidence_catalogue.toml (packaged)"
    src = (
        path
        if path is not None
        else resources.files("diagnostic_lib") / "data" / "evidence_catalogue.toml"
    )
    entries = _read_entries(src, base_name)
    if not entries:
        raise _entry_error(base_name, "not_responses")
    _validate_entries(entries, base_name)
    if extra is not None:
        entries = _merge_extra(entries, extra)
    df = pd.DataFrame(entries)
    for c in LIST_FIELDS:
        if c not in df.columns:
            df[c] = [() for _ in range(len(df))]
        df[c] = [tuple(v) if isinstance(v, list | tuple) else () for v in df[c]]
    for c in _TEXT_FIELDS:
        if c not in df.columns:
            df[c] = ""
        df[c] = df[c].fillna("")
    if "evidence_basis" not in df.columns:
        df["evidence_basis"] = DEFAULT_BASIS
    df["evidence_basis"] = df["evidence_basis"].fillna(DEFAULT_BASIS)
    if df["id"].duplicated().any():
        ids = sorted(set(df.loc[df["id"].duplicated(), "id"]))
        raise DataError(f"{base_name}: {bilingual('strategy.catalogue.error.duplicated', ids=ids)}")
    df["evidence_score"] = evidence_score(df)
    return df.set_index("id", drop=False)


def evidence_score(catalogue: pd.DataFrame) -> pd.Series:
    """Strength of the evidence for each response, 0–1.

    ``direction × strength × quality × basis`` (see docs/methods.md, *Evidence
    score*). The basis factor (:data:`EVIDENCE_BASES`) is 1 for a systematic
    review, 0.75 for evaluations not yet synthesised, 0.5 for practice-based
    entries. A practice-based entry has measured nothing, so its claimed strength
    counts at most as ``unknown`` and its quality at most as ``very_low``: it
    always scores below an evaluated entry claiming the same. An entry without
    ``evidence_basis`` is practice-based. A response that increases crime scores
    below zero and is never proposed.

    Parameters
    ----------
    catalogue : DataFrame
        ``effect_direction``, ``effect_strength`` and ``evidence_quality`` codes,
        and optionally ``evidence_basis``.

    Returns
    -------
    Series
        ``evidence_score``, aligned on the catalogue.

    Examples
    --------
    >>> df = pd.DataFrame({"effect_direction": ["reduces", "mixed", "reduces"],
    ...                    "effect_strength": ["moderate", "small", "moderate"],
    ...                    "evidence_quality": ["high", "low", "high"],
    ...                    "evidence_basis": ["systematic_review", "evaluation",
    ...                                       "practice_based"]})
    >>> evidence_score(df).round(4).tolist()
    [0.7, 0.0825, 0.0438]
    """
    basis = (
        catalogue["evidence_basis"].fillna(DEFAULT_BASIS)
        if "evidence_basis" in catalogue.columns
        else pd.Series(DEFAULT_BASIS, index=catalogue.index)
    )
    practice = (basis == "practice_based").to_numpy()
    d = catalogue["effect_direction"].map(DIRECTIONS).astype("float64")
    s = catalogue["effect_strength"].map(STRENGTHS).astype("float64")
    q = catalogue["evidence_quality"].map(QUALITIES).astype("float64")
    s = s.where(~practice, s.clip(upper=STRENGTHS["unknown"]))
    q = q.where(~practice, q.clip(upper=QUALITIES["very_low"]))
    f = basis.map(EVIDENCE_BASES).astype("float64")
    return (d * s * q * f).rename("evidence_score")


def evidence_text(entry: Mapping[str, Any], lang: str = "fr") -> str:
    """One sentence on the evidence of a catalogue entry, with its source.

    Parameters
    ----------
    entry : mapping
        A row of the catalogue.
    lang : {"fr", "en"}
        Language.

    Returns
    -------
    str

    Examples
    --------
    >>> cat = load_catalogue()
    >>> evidence_text(cat.loc["hot_spot_policing"], "en").split(". Source")[0]
    'Effect: reduces, small; evidence quality: high (systematic review)'
    >>> evidence_text(cat.loc["graffiti_removal"], "fr").split(" Source")[0]
    'Fondé sur la pratique, non évalué (effet attendu : réduit).'
    """
    effect = _effect_text(entry, lang)
    return i18n.t("strategy.evidence.sentence", lang, effect=effect, source=entry["source"])


def _effect_text(entry: Mapping[str, Any], lang: str) -> str:
    """The evidence's direction, strength, quality and basis, in words.

    A practice-based entry says so first and gives only the expected direction:
    nothing was measured.
    """
    basis = entry.get("evidence_basis", DEFAULT_BASIS)
    if not isinstance(basis, str) or basis not in EVIDENCE_BASES:
        basis = DEFAULT_BASIS
    direction = _level(entry["effect_direction"], lang)
    if basis == "practice_based":
        return i18n.t("strategy.evidence.practice", lang, direction=direction)
    return i18n.t(
        "strategy.evidence.effect",
        lang,
        direction=direction,
        strength=_level(entry["effect_strength"], lang),
        quality=i18n.label("strategy.quality", entry["evidence_quality"], lang),
        basis=i18n.t(_BASIS_LABELS[basis], lang),
    )
