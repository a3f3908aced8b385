"""Spreadsheet safety: text cells that a spreadsheet would run as formulas.

A name typed in a records system (a sector, a measure, a partner, a category)
or a raw value quoted in the ledger can start with ``=``, ``+``, ``-``, ``@``,
a tab or a carriage return. Excel and LibreOffice read such a cell of a CSV
file as a formula, and openpyxl writes a string starting with ``=`` as one
(CSV injection, OWASP). Every table written to ``.xlsx`` or ``.csv`` goes
through :func:`safe_frame`, which prefixes those cells with an apostrophe, the
OWASP rule. Numbers stay numbers: only text cells and column names change, and
a number formatted as text (``-3,50``, ``-20 %``) keeps its sign unprefixed.
"""

from __future__ import annotations

import re
from collections.abc import Mapping
from typing import Any

import numpy as np
import pandas as pd

from .formatting import PROTECTED

FORMULA_PREFIXES: tuple[str, ...] = ("=", "+", "-", "@", "\t", "\r")
"""First characters that make a spreadsheet read a text cell as a formula."""


_NUMBER = re.compile(r"^[-+]?[\d.,\s\u00a0\u202f]*\d[\d.,\s\u00a0\u202f]*%?$")
"""A number formatted as text (``-3,50``, ``-20 %``): read as a number, never run."""


def neutralise(value: Any) -> Any:
    """``value`` with an apostrophe in front when it is text that would run as a formula.

    Parameters
    ----------
    value : Any
        A cell.

    Returns
    -------
    Any
        The same value, or ``"'" + value`` for dangerous text.

    Examples
    --------
    >>> neutralise("=SUM(A1)"), neutralise("@cmd"), neutralise("Parc"), neutralise(-3)
    ("'=SUM(A1)", "'@cmd", 'Parc', -3)

    A formatted number is left as it is (no stray apostrophe for a reader):

    >>> neutralise("-20 %"), neutralise("-2+3")
    ('-20 %', "'-2+3")
    """
    if isinstance(value, str) and value.startswith(FORMULA_PREFIXES) and not _NUMBER.match(value):
        return "'" + value
    return value


def safe_frame(frame: pd.DataFrame) -> pd.DataFrame:
    """A copy of ``frame`` whose text cells and column names cannot run as formulas.

    Parameters
    ----------
    frame : DataFrame
        A table about to be written to a spreadsheet or a CSV file.

    Returns
    -------
    DataFrame
        Same index, same numeric columns; text (object, string and
        categorical) columns passed through :func:`neutralise`.

    Examples
    --------
    >>> t = pd.DataFrame({"name": ["@SUM(A1)", "Nord"], "n": [-1, 2]})
    >>> safe_frame(t)["name"].tolist(), safe_frame(t)["n"].tolist()
    (["'@SUM(A1)", 'Nord'], [-1, 2])
    """
    out = frame.copy()
    for col in out.columns:
        s = out[col]
        if isinstance(s.dtype, pd.CategoricalDtype):
            s = s.astype(object)
        if s.dtype == object or pd.api.types.is_string_dtype(s.dtype):
            out[col] = _safe_column(s)
    out.columns = [neutralise(c) if isinstance(c, str) else c for c in out.columns]
    return out


def _safe_column(s: pd.Series) -> pd.Series:
    """``s.map(neutralise, na_action="ignore")``, one call per distinct text when all is text.

    A column of text only (and missing cells) is neutralised once per distinct
    value and keeps the dtype ``Series.map`` gives it (``str`` for text held as
    objects). Any other column (numbers, booleans or tuples among the objects,
    nothing but missing cells) is mapped cell by cell: ``1``, ``True`` and
    ``"1"`` are never taken for one another.

    Examples
    --------
    >>> _safe_column(pd.Series(["=A1", None, "=A1", "Nord"], dtype=object)).tolist()
    ["'=A1", nan, "'=A1", 'Nord']
    >>> _safe_column(pd.Series([1, True, "1", "=1"], dtype=object)).tolist()
    [1, True, '1', "'=1"]
    """
    if pd.api.types.infer_dtype(s, skipna=True) != "string" or not s.notna().any():
        return s.map(neutralise, na_action="ignore")
    text = s if isinstance(s.dtype, pd.StringDtype) else s.astype("str")
    codes, uniques = pd.factorize(text)
    fixed = np.array([neutralise(u) for u in uniques], dtype=object)
    changed = np.array([f != u for f, u in zip(fixed, uniques, strict=True)], dtype=bool)
    if not changed.any():
        return text
    hit = codes >= 0
    hit[hit] = changed[codes[hit]]
    out = text.copy()
    out[hit] = fixed[codes[hit]]
    return out


_SUPPRESSED = re.compile(r"^< \d+$")
"""A suppressed cell as public tables write it: ``< 5`` (a small count, or what is computed
from it); ``x`` (hidden so that a small count cannot be worked out by subtraction) counts
too, in a column whose other cells are numbers."""


def suppressed_as_empty(
    frame: pd.DataFrame, names: Mapping[object, str] | None = None
) -> pd.DataFrame:
    """Suppressed cells (``< 5``) as empty numeric cells, with one marker column.

    In a public table a small count reads ``< 5``. In a spreadsheet that text
    turns a number column into text: sorting puts it apart and a sum skips or
    fails on it. Here each such cell becomes empty (the column stays numeric when
    its other cells are numbers) and the column :data:`SUPPRESSED_COLUMN`
    (*suppressed cells*, translated by the workbook writer) lists, on each row,
    which columns were masked and below which threshold (``x``: hidden to protect
    a small count, whatever its size).

    Parameters
    ----------
    frame : DataFrame
        A table about to be written to a spreadsheet.
    names : dict, optional
        The name the marker column gives each column (default: the column's
        own name), e.g. the header a reader sees.

    Returns
    -------
    DataFrame
        Same index; unchanged when no cell is suppressed.

    Examples
    --------
    >>> t = pd.DataFrame({"sector": ["A", "B"], "n": ["< 5", 12], "rate": ["< 5", 2.5]})
    >>> out = suppressed_as_empty(t)
    >>> out["n"].tolist(), str(out["n"].dtype), out[SUPPRESSED_COLUMN].tolist()
    ([nan, 12.0], 'float64', ['n; rate (< 5)', ''])
    >>> suppressed_as_empty(t, names={"n": "Count", "rate": "Rate"})[SUPPRESSED_COLUMN].tolist()
    ['Count; Rate (< 5)', '']
    >>> t = pd.DataFrame({"n": ["< 5", 12], "m": ["x", 30]})  # "x": hidden to protect the 4
    >>> suppressed_as_empty(t)[SUPPRESSED_COLUMN].tolist()
    ['n (< 5); m (x)', '']
    """
    hidden = pd.DataFrame(False, index=frame.index, columns=frame.columns)
    for col in frame.columns:
        s = frame[col]
        if s.dtype == object or pd.api.types.is_string_dtype(s.dtype):
            small, protected = _marked(s)
            if protected.any():  # "x" counts only in a column of numbers (else it is text)
                others = s[~small & ~protected].dropna()
                protected &= bool(pd.to_numeric(others, errors="coerce").notna().all())
            hidden[col] = small | protected
    if not hidden.to_numpy().any():
        return frame
    out = frame.copy()
    for col in frame.columns[hidden.any(axis=0).to_numpy()]:
        kept = frame[col].mask(hidden[col])
        numbers = pd.to_numeric(kept, errors="coerce")
        out[col] = numbers if (numbers.notna() | kept.isna()).all() else kept
    shown = [str((names or {}).get(c, c)) for c in frame.columns]
    listed = []
    for row, mask in zip(frame.to_numpy(dtype=object), hidden.to_numpy(), strict=True):
        by_marker: dict[str, list[str]] = {}
        for name, value, m in zip(shown, row, mask, strict=True):
            if m:
                by_marker.setdefault(str(value), []).append(name)
        listed.append("; ".join(f"{'; '.join(cols)} ({k})" for k, cols in by_marker.items()))
    out[SUPPRESSED_COLUMN] = listed
    return out


def _marked(s: pd.Series) -> tuple[pd.Series, pd.Series]:
    """Which cells of a text column read ``< 5`` and which read ``x`` (each text read once)."""
    text = s.astype("str")
    codes, uniq = pd.factorize(text)
    words = np.asarray(uniq, dtype=object)
    small = np.array([_SUPPRESSED.match(w) is not None for w in words] + [False], dtype=bool)
    protected = np.array([w == PROTECTED for w in words] + [False], dtype=bool)
    return (
        pd.Series(small[codes], index=s.index),
        pd.Series(protected[codes], index=s.index),
    )


SUPPRESSED_COLUMN: str = "suppressed_cells"
"""The code name of the marker column of :func:`suppressed_as_empty` (its header in a
workbook comes from the label catalogue, ``wb.col.suppressed_cells``)."""
