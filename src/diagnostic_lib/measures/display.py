"""Step-2 tables ready to show: codes as labels, tuples as text, headers translated."""

from __future__ import annotations

from typing import Any

import pandas as pd

from .. import formatting as fmt
from .. import i18n
from .. import taxonomy as taxonomy_mod
from .._text import map_distinct
from ._frames import _missing

_VALUE_PREFIX = {
    "pillar": "pillar",
    "kind": "kind",
    "footprint": "footprint",
    "status": "status",
    "level": "coverage",
    "gap_reason": "gap",
    "shift_match": "shiftmatch",
    "serves": "serves",
    "pillars": "pillar",
    "missing_pillars": "pillar",
    "measure_levels": "coverage",
    "problem_levels": "coverage",
    "zone": "zone",
    "period": "baperiod",
    "problem_kind": "problemkind",
    "partner_kind": "partnerkind",
    "expertise": "expertise",
    "expertise_matched": "expertise",
    "target_shifts": "shift",
    "spatial_basis": "basis",
}
_JOINED_COLUMNS = {"note": "note"}
"""Columns holding ``;``-separated codes."""
_CATEGORY_COLUMNS = ("categories", "categories_matched", "target_categories", "targets_matched")


def _words_once(values: pd.Series, word: Any) -> list[Any]:
    """``word`` of each value, once per distinct value (:func:`~.._text.map_distinct`).

    A table of a million rows holds a few hundred distinct codes.
    """
    out = map_distinct(values, word)
    missing = values.isna().to_numpy()
    if missing.any():  # factorize reads None as NaN: a missing cell is worded as it is
        out[missing] = [word(v) for v in values.to_numpy(dtype=object)[missing]]
    return list(out)


def for_display(
    frame: pd.DataFrame, lang: str = "fr", taxonomy: pd.DataFrame | None = None
) -> pd.DataFrame:
    """A copy of a step-2 table ready to show: codes as labels, tuples as text, headers translated.

    Keeps the language's own name/title column (``name`` or ``name_en``,
    ``title_fr`` or ``title_en``) and drops the other; column headers come
    from the ``measures.col.*`` labels of :mod:`diagnostic_lib.i18n`.
    Category codes are written with the taxonomy's labels (the shipped
    taxonomy when ``taxonomy`` is not given); family codes with the family labels.

    Examples
    --------
    >>> reg = pd.DataFrame({"measure_id": ["M1"], "name": ["Éclairage"], "name_en": ["Lighting"],
    ...     "pillar": ["prevention"], "status": ["planned"], "partners": [("P1", "P2")]})
    >>> for_display(reg, "en").values.tolist()
    [['M1', 'Lighting', 'Prevention', 'Planned', 'P1, P2']]
    >>> for_display(reg, "fr").columns.tolist()
    ['Mesure', 'Nom', 'Pilier', 'Statut', 'Partenaires']
    """
    i18n.check_lang(lang)
    tax = taxonomy if taxonomy is not None else taxonomy_mod.load_taxonomy()
    tlab = tax["label_fr" if lang == "fr" else "label_en"].astype(str).to_dict()

    def cat_label(code: Any) -> str:
        return tlab.get(str(code)) or i18n.label("family", code, lang)

    out = frame.copy()
    drop = []
    for base in ("name", "partner_name"):
        if base in out.columns and f"{base}_en" in out.columns:
            if lang == "en":
                out[base] = out[f"{base}_en"].where(out[f"{base}_en"].astype(str) != "", out[base])
            drop.append(f"{base}_en")
    if "title_fr" in out.columns and "title_en" in out.columns:
        if lang == "en":
            out["title_fr"] = out["title_en"]
        drop.append("title_en")
    out = out.drop(columns=drop)
    for c in out.columns:
        prefix = _VALUE_PREFIX.get(c)
        s = out[c]
        if c in _JOINED_COLUMNS:
            kind = _JOINED_COLUMNS[c]
            out[c] = _words_once(
                s,
                lambda x, kind=kind: (
                    "; ".join(i18n.label(kind, v, lang) for v in str(x).split(";") if v)
                    if isinstance(x, str)
                    else x
                ),
            )
        elif c in _CATEGORY_COLUMNS:
            out[c] = _words_once(
                s, lambda x: ", ".join(map(cat_label, x)) if isinstance(x, tuple) else x
            )
        elif prefix is not None:
            out[c] = _words_once(
                s,
                lambda x, prefix=prefix: (
                    ", ".join(i18n.label(prefix, v, lang) for v in x)
                    if isinstance(x, tuple)
                    else ("" if _missing(x) or x == "" else i18n.label(prefix, x, lang))
                ),
            )
        elif s.dtype == object and any(isinstance(x, tuple) for x in s):
            out[c] = [", ".join(map(str, x)) if isinstance(x, tuple) else x for x in s]
        elif isinstance(s.dtype, pd.Int64Dtype):
            out[c] = s.astype(object).where(s.notna(), fmt.MISSING)
        elif pd.api.types.is_datetime64_any_dtype(s):
            out[c] = s.dt.strftime("%Y-%m-%d").fillna("")
        elif s.dtype == bool:
            out[c] = s.map(
                {True: i18n.t("measures.value.yes", lang), False: i18n.t("measures.value.no", lang)}
            )
    return out.rename(
        columns={
            c: i18n.t(f"measures.col.{c}", lang)
            for c in out.columns
            if f"measures.col.{c}" in i18n.LABELS
        }
    )
