"""The report's workbook: every table shown, one sheet each (:func:`write_workbook`).

The workbook is written in the report's language by
:func:`diagnostic_lib.xlsx.write_readable`: a contents sheet, translated sheet
names, headers and values, number formats, frozen headers and filters, and a
dictionary sheet with the code names for scripts.

Examples
--------
>>> import tempfile
>>> from pathlib import Path
>>> import pandas as pd
>>> write_workbook({"t": pd.DataFrame({"x": [1]})}, Path(tempfile.mkdtemp()) / "t.xlsx").suffix
'.xlsx'
"""

from __future__ import annotations

from collections.abc import Mapping
from os import PathLike
from pathlib import Path

import pandas as pd

from .. import i18n
from ..xlsx import write_readable

MAX_SHEET_ROWS = 2_000
"""Longer tables go to a CSV file beside the workbook, and the report says which.

A sheet's writing time grows with its cells (XlsxWriter writes each one in Python): a
regional study's tables by sector × category or grid cell would make the workbook
most of the report's time, and a reader filters such tables rather than reads them."""


def long_tables(
    tables: Mapping[str, pd.DataFrame], path: str | PathLike[str], max_rows: int = MAX_SHEET_ROWS
) -> dict[str, tuple[str, int]]:
    """The tables :func:`write_workbook` writes to CSV: table → (CSV file name, rows).

    Examples
    --------
    >>> long_tables({"a": pd.DataFrame({"x": range(5)}), "b": pd.DataFrame({"x": [1]})},
    ...             "out/tables.xlsx", max_rows=3)
    {'a': ('tables-a.csv', 5)}
    """
    p = Path(path)
    return {
        name: (f"{p.stem}-{name}.csv", len(frame))
        for name, frame in tables.items()
        if len(frame) > max_rows
    }


def category_words(taxonomy: pd.DataFrame | None, lang: str = "fr") -> dict[str, dict[str, str]]:
    """The words of the incident categories (the taxonomy's labels), as a workbook vocabulary.

    Examples
    --------
    >>> tax = pd.DataFrame({"code": ["theft"], "label_fr": ["Vol"], "label_en": ["Theft"]})
    >>> category_words(tax, "fr")
    {'category': {'theft': 'Vol'}}
    """
    column = f"label_{i18n.check_lang(lang)}"
    if taxonomy is None or column not in taxonomy.columns or "code" not in taxonomy.columns:
        return {}
    labels = taxonomy.dropna(subset=["code", column])
    return {
        "category": dict(zip(labels["code"].astype(str), labels[column].astype(str), strict=True))
    }


def write_workbook(
    tables: dict[str, pd.DataFrame],
    path: str | PathLike[str],
    max_rows: int | None = MAX_SHEET_ROWS,
    lang: str = "fr",
    vocabularies: Mapping[str, Mapping[str, str]] | None = None,
) -> Path:
    """Write several tables into one ``.xlsx`` workbook (one sheet each), in one language.

    See :func:`diagnostic_lib.xlsx.write_readable`: a contents sheet first, one
    sheet per table with translated name, headers and code values, number
    formats per column, fitted widths, a frozen header row and an autofilter,
    and a dictionary sheet last (code names, for scripts; read back with
    :func:`diagnostic_lib.xlsx.read_coded`).

    A table of more than ``max_rows`` rows (a regional study's problems ×
    measures coverage, for instance) is written to ``<workbook>-<table>.csv``
    beside the workbook (UTF-8 with a byte-order mark, which Excel opens), and
    its sheet says so: Excel cannot hold more than 1,048,576 rows, and a sheet
    that long is slow to write and to open. Text cells that a spreadsheet would
    run as formulas are neutralised
    (:func:`diagnostic_lib.spreadsheet.safe_frame`); suppressed cells (``< 5``)
    are written empty, so that number columns stay numbers, with a marker column
    (:func:`diagnostic_lib.spreadsheet.suppressed_as_empty`).

    Parameters
    ----------
    tables : dict of str to DataFrame
        Table code name (``rates``) → table.
    path : path
        The workbook.
    max_rows : int, optional
        Longer tables go to CSV (``None``: never).
    lang : {"fr", "en"}
        The workbook's one language.
    vocabularies : dict, optional
        Words for codes the catalogue does not hold, e.g. :func:`category_words`.

    Returns
    -------
    pathlib.Path

    Examples
    --------
    >>> import tempfile
    >>> from diagnostic_lib.xlsx import read_coded
    >>> p = write_workbook({"a": pd.DataFrame({"x": [1]})}, Path(tempfile.mkdtemp()) / "t.xlsx")
    >>> read_coded(p)["a"]["x"].tolist()
    [1]
    >>> p = write_workbook({"big": pd.DataFrame({"x": range(5)})}, p, max_rows=3, lang="en")
    >>> pd.read_csv(p.parent / "t-big.csv")["X"].tolist()
    [0, 1, 2, 3, 4]
    """
    return write_readable(tables, path, lang=lang, vocabularies=vocabularies, max_rows=max_rows)
