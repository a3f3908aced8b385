"""Tables as a reader sees them: words from the label catalogue, never codes.

:func:`shown` keeps the columns a section lists, in order, writes every coded
value with its label in the report's language (families, categories, place
kinds, trust levels, models, yes/no; the municipal total ``*`` as
"Municipalité"), p-values and q-values as ``< 0,001`` (never in scientific
notation), and puts the headers of the label catalogue on top.

Examples
--------
>>> import pandas as pd
>>> t = pd.DataFrame({"sector": ["*"], "family": ["fraud_cyber"], "q_value": [1.5e-05]})
>>> shown(t, {"sector": "report.col.sector", "family": "report.col.family",
...           "q_value": "report.col.q_fdr"}, "fr").values.tolist()
[['Municipalité', 'Fraude et cybercriminalité', '< 0,001']]
"""

from __future__ import annotations

from collections.abc import Callable, Mapping
from typing import Any

import pandas as pd

from ... import formatting as fmt
from ... import i18n, taxonomy

MUNICIPAL_TOTAL = "*"
"""How the steps mark the municipal total in a ``sector`` column."""


def _missing(value: Any) -> bool:
    return value is None or (not isinstance(value, tuple | list | str) and bool(pd.isna(value)))


def _codes(value: Any) -> list[str]:
    """The codes of a cell: a tuple or list, a ``;``- or ``,``-separated text, or one code."""
    if isinstance(value, tuple | list):
        return [str(v) for v in value]
    return [v.strip() for v in str(value).replace(";", ",").split(",") if v.strip()]


def category_label(code: Any, lang: str) -> str:
    """A category code of the taxonomy (or a family code) in words.

    Examples
    --------
    >>> category_label("assault_armed", "en")
    'Assault with a weapon or causing bodily harm (level 2)'
    >>> category_label("fraud_cyber", "fr")
    'Fraude et cybercriminalité'
    """
    labels = _taxonomy_labels(lang)
    return labels.get(str(code)) or i18n.label("family", code, lang)


_TAXONOMY_LABELS: dict[str, dict[str, str]] = {}


def _taxonomy_labels(lang: str) -> dict[str, str]:
    if lang not in _TAXONOMY_LABELS:
        tax = taxonomy.load_taxonomy()
        _TAXONOMY_LABELS[lang] = tax.set_index("code")[f"label_{lang}"].astype(str).to_dict()
    return _TAXONOMY_LABELS[lang]


def _sector(value: Any, lang: str) -> str:
    return i18n.t("report.value.municipality", lang) if value == MUNICIPAL_TOTAL else str(value)


def _name(value: Any, lang: str) -> str:
    return "" if value == MUNICIPAL_TOTAL else str(value)  # the sector column says it


def _yes_no(value: Any, lang: str) -> str:
    return i18n.t("measures.value.yes" if bool(value) else "measures.value.no", lang)


def _prefixed(prefix: str) -> Callable[[Any, str], str]:
    def label(value: Any, lang: str) -> str:
        return ", ".join(i18n.label(prefix, c, lang) for c in _codes(value))

    return label


def _categories(value: Any, lang: str) -> str:
    return ", ".join(category_label(c, lang) for c in _codes(value))


def _scope(value: Any, lang: str) -> str:
    if value == "all":
        return i18n.t("report.value.all_families", lang)
    return i18n.label("family", value, lang)


def _numeric(write: Callable[[Any, str], str]) -> Callable[[Any, str], str]:
    """``write`` for numbers; a text (a suppressed count "< 5") stays as it is."""

    def number(value: Any, lang: str) -> str:
        return value if isinstance(value, str) else write(value, lang)

    return number


_percent = _numeric(fmt.percent)
_pvalue = _numeric(fmt.pvalue_cell)


VALUES: dict[str, Callable[[Any, str], str]] = {
    "sector": _sector,
    "name": _name,
    "family": _prefixed("family"),
    "group": _prefixed("family"),
    "denominator": _prefixed("denominator"),
    "scope": _scope,
    "categories": _categories,
    "top_category": _categories,
    "facility_kind": _prefixed("inventory.facility"),
    "missing": _prefixed("inventory.priority.component"),
    "model": _prefixed("report.value.model"),
    "level": _prefixed("report.value.level"),
    "trust": _prefixed("report.value.trust"),
    "flag": _prefixed("evaluation.pillar_flag"),
    "active": _yes_no,
    "emerging": _yes_no,
    "p_value": _pvalue,
    "q_value": _pvalue,
    "q_baseline": _pvalue,
    "trend_q": _pvalue,
    "level_p": _pvalue,
    "share": _percent,
    "cost_share": _percent,
    "coverage": _percent,
    "nominal": _percent,
    "skill": _percent,
    "p_first": _percent,
}
"""Column → how its values are written (column names of the steps' tables)."""


def shown(
    frame: pd.DataFrame,
    columns: Mapping[str, str | None],
    lang: str,
    values: Mapping[str, Callable[[Any, str], str]] | None = None,
) -> pd.DataFrame:
    """The columns of ``columns`` that ``frame`` has, in order, in words, under their headers.

    Parameters
    ----------
    frame : DataFrame
        A table of a step (not modified).
    columns : mapping
        Column → key of its header in the label catalogue (``None``: keep the name).
    lang : {"fr", "en"}
        Language.
    values : mapping, optional
        Column → function ``(value, lang) → text``, added to (or replacing) :data:`VALUES`.

    Returns
    -------
    DataFrame
        Index preserved. A missing value stays missing (the document writes "—").

    Examples
    --------
    >>> import pandas as pd
    >>> t = pd.DataFrame({"active": [True, False], "trust": ["do_not_trust", "trust"]})
    >>> shown(t, {"active": "report.col.active", "trust": "report.col.trust"}, "en")
    ... # doctest: +NORMALIZE_WHITESPACE
      In place              Trust
    0      yes  do not rely on it
    1       no           reliable
    """
    lang = i18n.check_lang(lang)
    how = {**VALUES, **(values or {})}
    cols = [c for c in columns if c in frame.columns]
    out = frame[cols].copy()
    for c in cols:
        write = how.get(c)
        if write is None and out[c].dtype == bool:
            write = _yes_no
        if write is not None:
            out[c] = pd.Series(
                [None if _missing(v) else write(v, lang) for v in out[c].to_numpy(dtype=object)],
                index=out.index,
                dtype=object,
            )
    heads = {c: i18n.t(k, lang) for c, k in columns.items() if c in cols and k is not None}
    return out.rename(columns=heads)
