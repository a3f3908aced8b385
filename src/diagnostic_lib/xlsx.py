r"""Workbooks people can use: one language, words not codes, number formats, contents, dictionary.

:func:`write_readable` writes tables into one ``.xlsx`` file in one language:

- a *contents* sheet first, with a link to every sheet and one line on each
  table (``wb.sheet.<table>`` and ``wb.about.<table>`` in the label catalogue);
- one sheet per table, named in the language (at most 31 characters, unique,
  none of ``[]:*?/\``), headers from the catalogue (``wb.col.<column>``), code
  values as words (:data:`VOCABULARIES`), booleans as *Oui/Non*, missing values as
  empty cells; a column written twice, in French and English (``title_fr``,
  ``title_en``), is written once, in the workbook's language;
- a number format per column from its kind (:func:`column_kind`), widths fitted
  to the content, a frozen header row and an autofilter on every table;
- a *dictionary* sheet last, for scripts: the code name of every sheet, column
  and translated value. :func:`read_coded` reads a workbook back under its code
  names through it.

Cells stay numbers: the formats do the display (Excel shows them with the
reader's own separators). Text that a spreadsheet would run as a formula is
neutralised (:func:`diagnostic_lib.spreadsheet.safe_frame`) and suppressed cells
are empty numeric cells named in a marker column
(:func:`diagnostic_lib.spreadsheet.suppressed_as_empty`).

Examples
--------
>>> import tempfile
>>> from pathlib import Path
>>> t = pd.DataFrame({"family": ["violent"], "rate": [97.91666], "tied": [False]})
>>> p = write_readable({"rates": t}, Path(tempfile.mkdtemp()) / "t.xlsx", lang="en")
>>> shown = pd.read_excel(p, sheet_name="Rates by sector")
>>> shown.columns.tolist(), shown["Family"].tolist(), shown["Tied"].tolist()
(['Family', 'Rate per 1,000 (residents, or the rate base)', 'Tied'], ['Violent crime'], ['No'])
>>> back = read_coded(p)["rates"]
>>> back.columns.tolist(), back["family"].tolist(), back["tied"].tolist()
(['family', 'rate', 'tied'], ['violent'], [False])
"""

from __future__ import annotations

import codecs
import datetime
import math
import re
from collections.abc import Mapping
from os import PathLike
from pathlib import Path
from typing import Any

import numpy as np
import pandas as pd
import xlsxwriter
from xlsxwriter.worksheet import Worksheet

from . import formatting as fmt
from . import i18n
from .spreadsheet import SUPPRESSED_COLUMN, safe_frame, suppressed_as_empty

NUMBER_FORMATS: dict[str, str] = {
    "integer": "#,##0",
    "year": "0",
    "decimal1": "#,##0.0",
    "decimal2": "#,##0.00",
    "percent": "0.0%",
    "probability": "0.0000",
    "date": "yyyy-mm-dd",
    "datetime": "yyyy-mm-dd hh:mm",
    "text": "General",
}
"""Excel number format of each kind of column (:func:`column_kind`)."""

_PROBABILITY = re.compile(r"^(?:[pq]_.+|.+_[pq]|alpha_.+)$")
_PERCENT = re.compile(
    r"^(?:.+_share|prob_rise|expected_reduction|mde|reach|skill|coverage|total_coverage|nominal"
    r"|unsafe_night(?:_low|_high)?|concern(?:_[a-z_]+)?|shrinkage)$"
)
_NOT_PERCENT = re.compile(r"_(?:rank|points|weight|codes)$")
_YEAR = frozenset({"period", "year"})
_ISO_DATE = re.compile(r"^\d{4}-\d{2}-\d{2}$")
_SEPARATOR = "; "

VOCABULARIES: dict[str, tuple[str, ...]] = {
    "family": ("family",),
    "families": ("family",),
    "denominator": ("denominator",),
    "scope": ("wb.v.scope", "family"),
    "category": ("category", "family"),
    "top_category": ("category", "family"),
    "categories": ("category", "family"),
    "categories_matched": ("category", "family"),
    "target_categories": ("category", "family"),
    "targets_matched": ("category", "family", "concern"),
    "concern_codes": ("concern",),
    "pillar": ("pillar",),
    "pillars": ("pillar",),
    "missing_pillars": ("pillar",),
    "walk_findings": ("walk.category",),
    "kind": ("kind", "problemkind"),
    "problem_kind": ("problemkind",),
    "status": ("status", "wb.v.window"),
    "level": ("wb.v.coverage", "coverage", "wb.v.level"),
    "measure_levels": ("wb.v.coverage", "coverage"),
    "problem_levels": ("wb.v.coverage", "coverage"),
    "gap_reason": ("gap",),
    "shift_match": ("shiftmatch",),
    "spatial_basis": ("basis",),
    "serves": ("serves",),
    "footprint": ("footprint",),
    "partner_kind": ("partnerkind",),
    "expertise": ("expertise",),
    "expertise_matched": ("expertise",),
    "dominant_shift": ("shift",),
    "verdict": ("eval.verdict",),
    "effect_direction": ("strategy.level",),
    "effect_strength": ("strategy.level",),
    "evidence_quality": ("strategy.quality",),
    "cost_level": ("strategy.cost",),
    "place_types": ("wb.v.place",),
    "target_shifts": ("shift",),
    "week_part": ("inventory.week_part",),
    "trend_label": ("inventory.change",),
    "label": ("inventory.change",),
    "label_baseline": ("inventory.change",),
    "hot_class": ("maps.hot",),
    "flag": ("charts.perception", "wb.v.flag"),
    "trust": ("wb.v.trust",),
    "model": ("wb.v.model",),
    "sara_stage": ("wb.v.sara",),
    "chosen_by": ("wb.v.chosen",),
    "missing": ("inventory.priority.component",),
    "facility": ("inventory.facility",),
    "facility_kind": ("inventory.facility",),
    "evidence_basis": ("strategy.basis",),
    "action": ("ledger.action",),
    "table": ("table",),
    "reason": ("reason", "wb.v.reason"),
    "note": ("wb.v.note",),
    "peak_days": ("weekday",),
    "sector": ("wb.v.sector",),
}
"""Column → where its codes find their words, tried in order: a label prefix of the
catalogue (``family`` → ``family.violent``) or a vocabulary given to
:func:`write_readable` (``category``, from the taxonomy) or built here (``weekday``)."""

MIN_WIDTH, MAX_WIDTH = 8, 60
"""Bounds of a column's width (characters)."""


# --------------------------------------------------------------------------------------------
# The rules: a column's kind, a sheet's name, a column's header, a code's word
# --------------------------------------------------------------------------------------------
def column_kind(series: pd.Series, name: object = None) -> str:
    """The kind of a column, which sets its number format (:data:`NUMBER_FORMATS`).

    Dates are ``date`` (``datetime`` when a time of day is set); text and
    booleans ``text``; p- and q-values ``probability``; shares (``*_share``,
    concerns, coverage, expected reductions) ``percent``; years ``year``;
    numbers whose values are all whole ``integer``; other numbers ``decimal1``
    when they reach 100, else ``decimal2``.

    Parameters
    ----------
    series : Series
        The column's values.
    name : str, optional
        Its code name (default: ``series.name``).

    Returns
    -------
    str
        A key of :data:`NUMBER_FORMATS`.

    Examples
    --------
    >>> column_kind(pd.Series([197.91666, 88.3]), "rate"), column_kind(pd.Series([3.0, 4.0]), "n")
    ('decimal1', 'integer')
    >>> column_kind(pd.Series([0.12]), "weekend_share"), column_kind(pd.Series([1e-5]), "q_value")
    ('percent', 'probability')
    >>> column_kind(pd.Series([1.29]), "ratio"), column_kind(pd.Series(["a"]), "name")
    ('decimal2', 'text')
    >>> column_kind(pd.Series(pd.to_datetime(["2024-01-31"])), "start")
    'date'
    """
    s = series
    code = str(series.name if name is None else name)
    if pd.api.types.is_datetime64_any_dtype(s):
        t = pd.Series(s).dropna()
        return "date" if (t == t.dt.normalize()).all() else "datetime"
    if pd.api.types.is_bool_dtype(s) or not pd.api.types.is_numeric_dtype(s):
        return "text"
    if _PROBABILITY.match(code):
        return "probability"
    if _PERCENT.match(code) and not _NOT_PERCENT.search(code):
        return "percent"
    if code in _YEAR:
        return "year"
    v = pd.to_numeric(pd.Series(s), errors="coerce").astype("float64")
    v = v[np.isfinite(v)]
    if pd.api.types.is_integer_dtype(s) or (len(v) and bool((v == v.round()).all())):
        return "integer"
    return "decimal1" if len(v) and float(v.abs().max()) >= 100 else "decimal2"


def sheet_name(text: str, taken: set[str] | frozenset[str] = frozenset()) -> str:
    r"""``text`` as an Excel sheet name: no ``[]:*?/\``, at most 31 characters, not in ``taken``.

    Examples
    --------
    >>> sheet_name("Taux: secteur/famille [2024]")
    'Taux - secteur-famille (2024)'
    >>> sheet_name("Points chauds", {"Points chauds"})
    'Points chauds (2)'
    >>> len(sheet_name("x" * 40))
    31
    """
    name = re.sub(r"\s*:\s*", " - ", str(text)).translate(str.maketrans("[]/\\?*", "()--  "))
    name = re.sub(r"\s+", " ", name).strip().strip("'") or "Feuille"
    base, n, out = name[:31], 1, name[:31]
    lowered = {t.lower() for t in taken}
    while out.lower() in lowered:
        n += 1
        tail = f" ({n})"
        out = base[: 31 - len(tail)] + tail
    return out


def _known_header(table: str, column: str, lang: str) -> str | None:
    for key in (f"wb.col.{table}.{column}", f"wb.col.{column}"):
        if key in i18n.LABELS:
            return i18n.t(key, lang)
    for bound in ("low", "high"):
        if not column.endswith(f"_{bound}"):
            continue
        base = _known_header(table, column[: -len(bound) - 1], lang)
        if base is not None:
            return i18n.t(f"wb.bound.{bound}", lang, base=base)
    if column.startswith("concern_") and f"concern.{column[8:]}" in i18n.LABELS:
        return i18n.t("wb.concern_column", lang, concern=i18n.t(f"concern.{column[8:]}", lang))
    return None


def header(table: str, column: str, lang: str) -> str:
    """The header of ``column`` of ``table`` in ``lang``, from the label catalogue.

    ``wb.col.<table>.<column>`` wins over ``wb.col.<column>``; ``X_low`` and
    ``X_high`` are the bounds of ``X``; ``concern_<code>`` names its concern. A
    column the catalogue does not know is written with spaces for underscores
    (:func:`knows_header` tells them apart).

    Examples
    --------
    >>> header("change", "rate", "fr"), header("priority", "rate", "en")
    ('Taux pour 1 000 habitants', 'Rate (normalised)')
    >>> header("perception", "concern_drugs_low", "en")
    'Concern: Drugs (low bound)'
    >>> header("t", "made_up_col", "en")
    'Made up col'
    """
    known = _known_header(table, column, lang)
    if known is not None:
        return known
    words = re.sub(r"[_\s]+", " ", column).strip()
    return words[:1].upper() + words[1:]


def knows_header(table: str, column: str) -> bool:
    """Whether the catalogue gives ``column`` of ``table`` a header (see :func:`header`).

    Examples
    --------
    >>> knows_header("rates", "rate"), knows_header("t", "made_up_col")
    (True, False)
    """
    return _known_header(table, column, "fr") is not None


def _weekdays(lang: str) -> dict[str, str]:
    return {str(i): d for i, d in enumerate(i18n.WEEKDAYS_SHORT[lang])}


def word(
    code: object,
    chain: tuple[str, ...],
    lang: str,
    vocabularies: Mapping[str, Mapping[str, str]] | None = None,
) -> str:
    """The word for ``code`` in ``lang``: the first of ``chain`` that knows it, else the code.

    Examples
    --------
    >>> word("fraud_cyber", ("category", "family"), "en")
    'Fraud and cybercrime'
    >>> word("theft", ("category", "family"), "fr", {"category": {"theft": "Vol"}})
    'Vol'
    >>> word("S01", ("wb.v.sector",), "fr"), word("*", ("wb.v.sector",), "fr")
    ('S01', 'Toute la municipalité')
    """
    text = str(code)
    extra = dict(vocabularies or {})
    extra.setdefault("weekday", _weekdays(lang))
    for source in chain:
        if source in extra:
            if text in extra[source]:
                return str(extra[source][text])
            continue
        if f"{source}.{text}" in i18n.LABELS:
            return i18n.t(f"{source}.{text}", lang)
    return text


# --------------------------------------------------------------------------------------------
# One table as a reader sees it
# --------------------------------------------------------------------------------------------
def _plain(frame: pd.DataFrame) -> pd.DataFrame:
    """No geometry, naive datetimes, ISO date strings as dates, no infinities."""
    out = pd.DataFrame(frame).copy()
    out = out.drop(columns=[c for c in out.columns if str(c) == "geometry"])
    out.columns = [str(c) for c in out.columns]
    for c in out.columns:
        s = out[c]
        if isinstance(s.dtype, pd.DatetimeTZDtype):
            out[c] = s.dt.tz_localize(None)
        elif pd.api.types.is_float_dtype(s):
            out[c] = s.where(np.isfinite(s.to_numpy(dtype="float64", na_value=np.nan)))
        elif s.dtype == object or pd.api.types.is_string_dtype(s.dtype):
            text = s.dropna()
            # stops at the first value that is not an ISO date (most columns: the first)
            if len(text) and all(isinstance(v, str) and _ISO_DATE.match(v) for v in text):
                out[c] = pd.to_datetime(s, errors="coerce")
    return out


def _one_language(frame: pd.DataFrame, lang: str) -> tuple[pd.DataFrame, dict[str, str], dict]:
    """Columns written in both languages kept once, in ``lang``.

    Returns the frame, its column → base name (for the header) and, for a code
    column whose words were in a ``_fr``/``_en`` column, the word → code pairs.
    """
    out = frame.copy()
    cols = list(out.columns)
    if "name_en" in cols and "name" in cols and "name_fr" not in cols:
        out = out.rename(columns={"name": "name_fr"})
        cols = list(out.columns)
    other = [g for g in i18n.LANGS if g != lang]
    base_of: dict[str, str] = {}
    pairs: dict[str, dict[str, str]] = {}
    bases = []
    for c in cols:
        m = re.match(r"^(.+)_(fr|en)$", c)
        if m and m.group(1) not in bases:
            bases.append(m.group(1))
    for base in bases:
        mine = f"{base}_{lang}"
        theirs = [f"{base}_{g}" for g in other if f"{base}_{g}" in out.columns]
        words = out[mine] if mine in out.columns else out[theirs[0]]
        for t in theirs:  # an empty translation falls back on the other language
            words = words.where(words.notna() & (words.astype(str) != ""), out[t])
        source = mine if mine in out.columns else theirs[0]
        if base in out.columns:  # codes with their words: the words, under the code column
            codes = out[base]
            pairs[base] = {
                str(w): str(c)
                for c, w in zip(codes, words, strict=True)
                if pd.notna(c) and pd.notna(w)
            }
            out[base] = words
            out = out.drop(columns=[x for x in [mine, *theirs] if x in out.columns])
            base_of[base] = base
        else:
            out[source] = words
            out = out.drop(columns=[x for x in [mine, *theirs] if x in out.columns and x != source])
            base_of[source] = base
    for c in out.columns:
        base_of.setdefault(c, "name" if c == "name_fr" else c)
    if "name_fr" in out.columns and lang == "fr":
        out = out.rename(columns={"name_fr": "name"})
        base_of["name"] = base_of.pop("name_fr")
    return out, base_of, pairs


def _is_bool_column(s: pd.Series) -> bool:
    if pd.api.types.is_bool_dtype(s):
        return True
    if s.dtype != object:
        return False
    v = s.dropna()
    # one cell that is neither a boolean nor a suppressed "< 5" decides it: look at the
    # first thousand before reading every cell of a table of millions of rows
    head = v.iloc[:1000]
    if not head.map(lambda x: isinstance(x, bool | np.bool_) or _is_suppressed(x)).all():
        return False
    v = v[~v.astype(str).str.match(r"^< \d+$")]  # a suppressed cell of a public table
    return (
        s.dtype == object and len(v) > 0 and v.map(lambda x: isinstance(x, bool | np.bool_)).all()
    )


def _is_suppressed(x: object) -> bool:
    """Whether ``x`` reads as a suppressed cell of a public table (``< 5``)."""
    return re.match(r"^< \d+$", str(x)) is not None


def _words(
    s: pd.Series, chain: tuple[str, ...] | None, lang: str, vocab: Mapping[str, Mapping[str, str]]
) -> tuple[pd.Series, dict[str, str]]:
    """Codes as words (lists joined with "; "), and the word → code pairs used."""
    used: dict[str, str] = {}
    said: dict[str, str] = {}  # each code looked up once

    def one(v: object) -> str:
        text = str(v)
        if text not in said:
            said[text] = word(v, chain, lang, vocab) if chain else text
        w = said[text]
        if w != text:
            used[w] = text
        return w

    def cell(v: Any) -> Any:
        if isinstance(v, tuple | list | np.ndarray):
            return _SEPARATOR.join(one(x) for x in v) or None
        if isinstance(v, str):
            if v == "":
                return None
            if not chain:
                return v
            return _SEPARATOR.join(one(x.strip()) for x in v.split(";"))
        return v

    if _is_bool_column(s):
        yes, no = i18n.t("wb.v.bool.true", lang), i18n.t("wb.v.bool.false", lang)
        out = s.map(
            lambda v: None if pd.isna(v) else v if isinstance(v, str) else (yes if v else no)
        ).astype(object)
        return out, {yes: "true", no: "false"}
    if s.dtype == object or pd.api.types.is_string_dtype(s.dtype):
        grouped = _text_groups(s)
        if grouped is not None:  # each distinct value once (a long table repeats its codes)
            codes, uniq = grouped
            shown = np.array([cell(v) for v in uniq] + [None], dtype=object)
            return pd.Series(shown[codes], index=s.index, dtype=object), used
        return s.astype(object).map(cell).astype(object).where(s.notna(), None), used
    return s, used


def _text_groups(s: pd.Series) -> tuple[np.ndarray, Any] | None:
    """``pd.factorize`` of ``s`` when every value is missing, text or a tuple of text.

    ``None`` otherwise (numbers, booleans, lists…), where grouping by value could
    take ``1`` and ``True`` for one another. The types are read on the distinct
    values: text never equals anything but the same text, so a value of another
    type cannot hide behind a text one.
    """
    try:
        codes, uniq = pd.factorize(s.astype(object))
    except TypeError:  # unhashable values (lists)
        return None
    if s.dtype != object:
        return codes, uniq  # a string dtype
    ok = all(
        isinstance(x, str) or (type(x) is tuple and all(type(y) is str for y in x)) for x in uniq
    )
    return (codes, uniq) if ok else None


def readable_frame(
    frame: pd.DataFrame,
    table: str,
    lang: str = "fr",
    vocabularies: Mapping[str, Mapping[str, str]] | None = None,
) -> tuple[pd.DataFrame, pd.DataFrame]:
    """A table as a reader sees it, and the dictionary that maps it back to its codes.

    Parameters
    ----------
    frame : DataFrame
        A table of the library (code column names, code values).
    table : str
        Its code name (``rates``), which picks table-specific headers.
    lang : {"fr", "en"}
    vocabularies : dict, optional
        Words for codes the catalogue does not hold, by vocabulary
        (``{"category": {"theft": "Vol"}}``, see :data:`VOCABULARIES`).

    Returns
    -------
    (DataFrame, DataFrame)
        The table (headers and values in ``lang``, suppressed cells empty with a
        marker column, formula-like text neutralised), and its dictionary rows
        (``column``, ``code``, ``value``, ``value_code``, ``description``).

    Examples
    --------
    >>> t = pd.DataFrame({"family": ["violent", "violent"], "title_fr": ["Bris", "Vol"],
    ...                   "title_en": ["Break-in", "Theft"], "gap": [True, False]})
    >>> shown, codes = readable_frame(t, "gaps", "en")
    >>> shown.columns.tolist(), shown.iloc[0].tolist()
    (['Family', 'Problem', 'Gap'], ['Violent crime', 'Break-in', 'Yes'])
    >>> codes[codes["value"].isna()]["code"].tolist()
    ['family', 'title_en', 'gap']
    """
    lang = i18n.check_lang(lang)
    vocab = dict(vocabularies or {})
    plain, base_of, pairs = _one_language(_plain(frame), lang)
    values: dict[str, dict[str, str]] = {}
    for c in plain.columns:
        plain[c], used = _words(plain[c], VOCABULARIES.get(c), lang, vocab)
        if used or c in pairs:
            values[c] = {**pairs.get(c, {}), **used}
    shown: dict[str, str] = {}
    for c in plain.columns:
        h = header(table, base_of.get(c, c), lang)
        n, unique = 1, h
        while unique in shown.values():
            n += 1
            unique = f"{h} ({n})"
        shown[c] = unique
    coded = suppressed_as_empty(plain, names=shown)
    if SUPPRESSED_COLUMN in coded.columns:
        shown[SUPPRESSED_COLUMN] = header(table, SUPPRESSED_COLUMN, lang)
    rows = []
    for c in coded.columns:
        key = f"wb.desc.{base_of.get(c, c)}"
        desc = i18n.t(key, lang) if key in i18n.LABELS else None
        rows.append(
            {"column": shown[c], "code": c, "value": None, "value_code": None, "description": desc}
        )
        for w, v in sorted(values.get(c, {}).items(), key=lambda kv: kv[1]):
            rows.append(
                {"column": shown[c], "code": c, "value": w, "value_code": v, "description": None}
            )
    out = safe_frame(coded.rename(columns=shown))
    return out, pd.DataFrame(rows, columns=["column", "code", "value", "value_code", "description"])


# --------------------------------------------------------------------------------------------
# Writing: sheets with formats, widths, frozen header and filter; contents; dictionary
# --------------------------------------------------------------------------------------------
def _cell(v: Any) -> Any:
    """A value a workbook holds: no NaN, NaT, infinity or numpy scalar."""
    if v is None or (not isinstance(v, str | bytes | tuple | list) and pd.isna(v)):
        return None
    if isinstance(v, pd.Timestamp):
        return v.to_pydatetime()
    if isinstance(v, np.generic):
        v = v.item()
    if isinstance(v, float) and not math.isfinite(v):
        return None
    return v


def _shown_length(v: Any, kind: str) -> int:
    """About how many characters a cell shows (for the column width)."""
    if v is None:
        return 0
    if kind in ("date", "datetime"):
        return 10 if kind == "date" else 16
    if isinstance(v, int | float) and not isinstance(v, bool) and math.isfinite(v):
        if kind == "percent":
            return len(f"{v * 100:,.1f} %")
        decimals = {"decimal1": 1, "decimal2": 2, "probability": 4}.get(kind, 0)
        return len(f"{v:,.{decimals}f}")
    return max((len(line) for line in str(v).splitlines()), default=0)


CELL_MAX = 32_767
"""Longest text a spreadsheet cell holds (UTF-16 units): a longer one is cut, and says so."""


def _fitted(text: str, lang: str = "fr") -> str:
    """``text`` as a cell can hold it: whole, or its beginning and what was left out.

    Examples
    --------
    >>> _fitted("abc")
    'abc'
    >>> out = _fitted("x" * 40_000, "en")
    >>> len(out) <= CELL_MAX
    True
    >>> out.endswith("x… (cell cut: 7,302 more characters, beyond what a spreadsheet holds)")
    True
    """
    if len(text) <= CELL_MAX // 2 or len(text.encode("utf-16-le")) // 2 <= CELL_MAX:
        return text
    longest = i18n.t("wb.cut", lang, n=fmt.integer(len(text), lang))
    room = CELL_MAX - len(longest.encode("utf-16-le")) // 2  # UTF-16 units for the start
    kept = text.encode("utf-16-le")[: 2 * room].decode("utf-16-le", errors="ignore")
    return kept + i18n.t("wb.cut", lang, n=fmt.integer(len(text) - len(kept), lang))


class _Formats:
    """The cell formats of one workbook (a header, a link, one per number format).

    ``lang``: the workbook's language (the words a cell too long for a spreadsheet ends with).
    """

    def __init__(self, wb: xlsxwriter.Workbook, lang: str = "fr") -> None:
        self.lang = lang
        self.header = wb.add_format({"bold": True, "text_wrap": True, "valign": "top"})
        self.link = wb.get_default_url_format()
        self.number = {
            kind: wb.add_format({"num_format": f})
            for kind, f in NUMBER_FORMATS.items()
            if f != "General"
        }
        self.date = self.number["datetime"]


def _write_value(ws: Worksheet, i: int, j: int, v: Any, fmt: Any, formats: _Formats) -> None:
    """One cell, by its type (text is always text: never a formula, a link or a number)."""
    if isinstance(v, str):  # a carriage return is a line break (as Excel keeps it)
        text = v.replace("\r\n", "\n").replace("\r", "\n")
        ws.write_string(i, j, _fitted(text, formats.lang), fmt)
    elif isinstance(v, bool):
        ws.write_boolean(i, j, v, fmt)
    elif isinstance(v, int | float):
        ws.write_number(i, j, v, fmt)
    elif isinstance(v, datetime.datetime | datetime.date):
        ws.write_datetime(i, j, v, fmt or formats.date)
    else:
        ws.write_string(i, j, _fitted(str(v), formats.lang), fmt)


def _write_table(
    ws: Worksheet, frame: pd.DataFrame, kinds: Mapping[str, str], formats: _Formats
) -> None:
    """Header, rows, number formats, widths, frozen header row and autofilter."""
    ws.write_row(0, 0, [str(c) for c in frame.columns], formats.header)
    lines = 1
    cell_formats = []
    # each value made a cell once: for the column's width (its first 2,000) and for writing
    cells = [[_cell(v) for v in frame.iloc[:, j]] for j in range(len(frame.columns))]
    for j, col in enumerate(frame.columns):
        kind = kinds.get(col, "text")
        content = max((_shown_length(v, kind) for v in cells[j][:2000]), default=0)
        width = min(MAX_WIDTH, max(MIN_WIDTH, content + 2, min(len(str(col)), 24) + 2))
        ws.set_column(j, j, width)
        lines = max(lines, math.ceil(len(str(col)) / max(width - 2, 1)))
        cell_formats.append(formats.number.get(kind))
    for i, row in enumerate(zip(*cells, strict=True), start=1):
        for j, value in enumerate(row):
            if value is not None:
                _write_value(ws, i, j, value, cell_formats[j], formats)
    ws.set_row(0, 15 * lines)
    ws.freeze_panes(1, 0)
    ws.autofilter(0, 0, max(len(frame), 1), max(len(frame.columns) - 1, 0))


def _link(ws: Worksheet, row: int, sheet: str, formats: _Formats) -> None:
    """A link, in the first column of ``row``, to the first cell of ``sheet``."""
    quoted = sheet.replace("'", "''")
    ws.write_url(row, 0, f"internal:'{quoted}'!A1", formats.link, string=sheet)


def _pointer(table: str, csv: Path, rows: int, lang: str) -> pd.DataFrame:
    """What a sheet holds instead of a table too long for Excel: where the table is."""
    text = i18n.t("report.workbook.too_long", lang, csv=csv.name)
    return pd.DataFrame({"csv_file": [csv.name], "row_count": [rows], "note": [text]})


def write_csv(frame: pd.DataFrame, path: str | PathLike[str]) -> Path:
    """``frame.to_csv(path, index=False, encoding="utf-8-sig")``, by pyarrow when it can.

    A table too long for a sheet (millions of rows) took pandas 25 s to write; pyarrow's
    writer takes a few. It is used when every column is a number, a boolean or text
    (read back by pandas, the same values); a column of mixed or other values (dates,
    tuples) is written by pandas.

    Parameters
    ----------
    frame : DataFrame
        The table (its index is not written).
    path : path
        The CSV file: UTF-8 with a byte-order mark (which Excel opens), quotes only
        where needed.

    Returns
    -------
    pathlib.Path

    Examples
    --------
    >>> import tempfile
    >>> t = pd.DataFrame({"a": ["x, y", None], "n": [1.5, float("nan")], "k": [1, 2]})
    >>> p = write_csv(t, Path(tempfile.mkdtemp()) / "t.csv")
    >>> import codecs
    >>> p.read_bytes().startswith(codecs.BOM_UTF8), pd.read_csv(p).equals(t)
    (True, True)
    """
    p = Path(path)
    table = _arrow_table(frame)
    if table is None:
        frame.to_csv(p, index=False, encoding="utf-8-sig")
        return p
    import pyarrow.csv as pcsv

    with open(p, "wb") as f:
        f.write(codecs.BOM_UTF8)
        pcsv.write_csv(table, f, pcsv.WriteOptions(quoting_style="needed"))
    return p


def _arrow_table(frame: pd.DataFrame) -> Any:
    """``frame`` as a pyarrow table, when each column is numbers, booleans or text; else None."""
    import pyarrow as pa

    kinds = []
    for col in frame.columns:
        s = frame[col]
        if pd.api.types.is_bool_dtype(s) or pd.api.types.is_numeric_dtype(s):
            kinds.append(None)
        elif pd.api.types.infer_dtype(s, skipna=True) in ("string", "empty"):
            kinds.append(pa.string())
        else:
            return None
    if not frame.columns.map(lambda c: isinstance(c, str)).all():
        return None
    try:
        arrays = [
            pa.array(frame[c], type=k, from_pandas=True) if k is not None else pa.array(frame[c])
            for c, k in zip(frame.columns, kinds, strict=True)
        ]
    except (pa.ArrowInvalid, pa.ArrowTypeError, TypeError, ValueError):
        return None
    return pa.table(arrays, names=[str(c) for c in frame.columns])


def write_readable(
    tables: Mapping[str, pd.DataFrame],
    path: str | PathLike[str],
    lang: str = "fr",
    vocabularies: Mapping[str, Mapping[str, str]] | None = None,
    max_rows: int | None = None,
) -> Path:
    """Write tables into one ``.xlsx`` workbook a reader can use, in one language.

    A contents sheet first (a link to every sheet, one line on each table), one
    sheet per table (see :func:`readable_frame`; number formats from
    :func:`column_kind`, widths fitted to the content, frozen header row,
    autofilter), and a dictionary sheet last (the code name of every sheet,
    column and translated value, for scripts: :func:`read_coded`).

    Parameters
    ----------
    tables : dict of str to DataFrame
        Code name of the table (``rates``; its sheet name and description come
        from ``wb.sheet.<name>`` and ``wb.about.<name>``) → table.
    path : path
        The ``.xlsx`` file.
    lang : {"fr", "en"}
    vocabularies : dict, optional
        Words for codes the catalogue does not hold (see :func:`readable_frame`).
    max_rows : int, optional
        A longer table goes to ``<workbook>-<table>.csv`` beside the workbook
        (UTF-8 with a byte-order mark, which Excel opens; same headers and
        words), and its sheet says where.

    Returns
    -------
    pathlib.Path

    Examples
    --------
    >>> import tempfile
    >>> p = write_readable({"hot_spots": pd.DataFrame({"gi_z": [2.5]})},
    ...                    Path(tempfile.mkdtemp()) / "t.xlsx", lang="fr")
    >>> pd.read_excel(p, sheet_name=None).keys()
    dict_keys(['Sommaire', 'Points chauds', 'Dictionnaire'])
    """
    lang = i18n.check_lang(lang)
    p = Path(path)
    p.parent.mkdir(parents=True, exist_ok=True)
    wb = xlsxwriter.Workbook(
        str(p),
        {
            "strings_to_formulas": False,  # text is text (spreadsheet.safe_frame too)
            "strings_to_urls": False,
            "strings_to_numbers": False,
        },
    )
    formats = _Formats(wb, lang)
    contents_name = sheet_name(i18n.t("wb.sheet.contents", lang))
    contents = wb.add_worksheet(contents_name)
    dictionary_name = sheet_name(i18n.t("wb.sheet.dictionary", lang), {contents_name})
    taken = {contents_name, dictionary_name}
    listed: list[tuple[str, str, str, int]] = [
        (contents_name, "contents", i18n.t("wb.about.contents", lang), len(tables) + 2)
    ]
    codes: list[pd.DataFrame] = []
    for table, frame in tables.items():
        key = f"wb.sheet.{table}"
        name = sheet_name(
            i18n.t(key, lang) if key in i18n.LABELS else header("", table, lang), taken
        )
        taken.add(name)
        shown, dictionary = readable_frame(frame, table, lang, vocabularies)
        if max_rows is not None and len(shown) > max_rows:
            csv = p.with_name(f"{p.stem}-{table}.csv")
            write_csv(shown, csv)
            pointer, pointer_codes = readable_frame(
                _pointer(table, csv, len(shown), lang), table, lang
            )
            dictionary = pd.concat([pointer_codes, dictionary], ignore_index=True)
            rows, shown = len(shown), pointer
        else:
            rows = len(shown)
        kinds = {
            c: column_kind(shown[c], code)
            for c, code in zip(shown.columns, _codes_of(shown, dictionary), strict=True)
        }
        _write_table(wb.add_worksheet(name), shown, kinds, formats)
        about = f"wb.about.{table}"
        listed.append((name, table, i18n.t(about, lang) if about in i18n.LABELS else "", rows))
        codes.append(dictionary.assign(sheet=name))
    listed.append((dictionary_name, "dictionary", i18n.t("wb.about.dictionary", lang), 0))
    head = {k: i18n.t(f"wb.head.{k}", lang) for k in ("sheet", "about", "rows")}
    toc = pd.DataFrame(
        {
            head["sheet"]: [n for n, *_ in listed],
            head["about"]: [a for _, _, a, _ in listed],
            head["rows"]: [r for *_, r in listed],
        }
    )
    _write_table(contents, toc, {head["rows"]: "integer"}, formats)
    for i, (name, *_) in enumerate(listed, start=1):
        _link(contents, i, name, formats)
    sheets = pd.DataFrame(
        {
            "sheet": [n for n, *_ in listed],
            "column": None,
            "code": [c for _, c, _, _ in listed],
            "value": None,
            "value_code": None,
            "description": [a for _, _, a, _ in listed],
        }
    )
    dictionary = pd.concat([sheets, *codes], ignore_index=True)[list(sheets.columns)]
    dictionary.columns = [
        i18n.t(f"wb.head.{k}", lang)
        for k in ("sheet", "column", "code", "value", "value_code", "about")
    ]
    _write_table(wb.add_worksheet(dictionary_name), safe_frame(dictionary), {}, formats)
    wb.close()
    return p


def _codes_of(shown: pd.DataFrame, dictionary: pd.DataFrame) -> list[str]:
    """The code name of each column of ``shown`` (its header when the dictionary lacks it)."""
    cols = dictionary[dictionary["value"].isna()]
    back = dict(zip(cols["column"], cols["code"], strict=True))
    return [str(back.get(c, c)) for c in shown.columns]


# --------------------------------------------------------------------------------------------
# Reading back under the code names
# --------------------------------------------------------------------------------------------
def _back(v: Any, words: Mapping[str, str]) -> Any:
    if v is None or (not isinstance(v, str) and pd.isna(v)):
        return v
    text = str(v)
    if text in words:
        code = words[text]
        return {"true": True, "false": False}.get(code, code)
    if _SEPARATOR in text:
        return ";".join(words.get(x, x) for x in text.split(_SEPARATOR))
    return v


def read_coded(path: str | PathLike[str]) -> dict[str, pd.DataFrame]:
    """Read a workbook of :func:`write_readable` back under its code names (for scripts).

    Sheets are keyed by their table's code name; headers become column codes;
    translated values their codes (booleans ``True``/``False``, lists joined
    with ``;``); the marker column of suppressed cells names columns by code.
    The contents and dictionary sheets are left out.

    Parameters
    ----------
    path : path
        A workbook written by :func:`write_readable`.

    Returns
    -------
    dict of str to DataFrame

    Examples
    --------
    >>> import tempfile
    >>> t = pd.DataFrame({"pillars": [("prevention", "partenariat")], "gap": [True]})
    >>> p = write_readable({"gaps": t}, Path(tempfile.mkdtemp()) / "t.xlsx", lang="fr")
    >>> pd.read_excel(p, sheet_name="Lacunes").iloc[0].tolist()
    ['Prévention; Partenariat', 'Oui']
    >>> back = read_coded(p)["gaps"]
    >>> back["pillars"].tolist(), back["gap"].tolist()
    (['prevention;partenariat'], [True])
    """
    book = pd.read_excel(path, sheet_name=None)
    dic = list(book.values())[-1].copy()
    dic.columns = ["sheet", "column", "code", "value", "value_code", "description"]
    out: dict[str, pd.DataFrame] = {}
    for sheet, rows in dic.groupby("sheet", sort=False):
        code = rows.loc[rows["column"].isna(), "code"]
        if sheet not in book or not len(code) or code.iloc[0] in ("contents", "dictionary"):
            continue
        df = book[sheet].copy()
        cols = rows[rows["column"].notna() & rows["value"].isna()]
        rename = {h: str(c) for h, c in zip(cols["column"], cols["code"], strict=True) if h in df}
        vals = rows[rows["value"].notna()]
        for h, g in vals.groupby("column", sort=False):
            if h in df.columns:
                words = dict(zip(g["value"].astype(str), g["value_code"].astype(str), strict=True))
                df[h] = df[h].astype(object).map(lambda v, w=words: _back(v, w))
        marker = next((h for h, c in rename.items() if c == SUPPRESSED_COLUMN), None)
        if marker is not None:
            df[marker] = df[marker].map(lambda v, r=rename: _marker_back(v, r))
        out[str(code.iloc[0])] = df.rename(columns=rename)
    return out


def _marker_back(v: Any, rename: Mapping[str, str]) -> Any:
    """``"Count; Rate (< 5)"`` → ``"count; rate (< 5)"``."""
    if not isinstance(v, str) or " (" not in v:
        return v
    names, below = v.rsplit(" (", 1)
    return f"{'; '.join(rename.get(n, n) for n in names.split('; '))} ({below}"
