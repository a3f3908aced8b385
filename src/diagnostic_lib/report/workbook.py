"""The report's workbook: every table shown, one sheet each (:func:`write_workbook`).

Examples
--------
>>> import tempfile
>>> from pathlib import Path
>>> import pandas as pd
>>> write_workbook({"t": pd.DataFrame({"x": [1]})}, Path(tempfile.mkdtemp()) / "t.xlsx").suffix
'.xlsx'
"""

from __future__ import annotations

from os import PathLike
from pathlib import Path

import pandas as pd

from .. import i18n
from ..spreadsheet import safe_frame, suppressed_as_empty


def _sheet_frame(frame: pd.DataFrame) -> pd.DataFrame:
    """A table fit for Excel: no geometry, tuples joined, naive datetimes."""
    out = pd.DataFrame(frame).copy()
    if "geometry" in out.columns:
        out = out.drop(columns="geometry")
    for c in out.columns:
        if out[c].dtype == object:
            out[c] = [";".join(map(str, v)) if isinstance(v, tuple | list) else v for v in out[c]]
        if isinstance(out[c].dtype, pd.DatetimeTZDtype):
            out[c] = out[c].dt.tz_localize(None)
    return out


def _both(key: str, **values: object) -> str:
    """A label in both languages, "français / English" (a workbook has no language)."""
    return " / ".join(i18n.t(key, lang, **values) for lang in i18n.LANGS)


def _pointer(csv: Path, rows: int) -> pd.DataFrame:
    """The sheet written instead of a table too long for Excel: where the table is."""
    return pd.DataFrame(
        {
            _both("report.workbook.file"): [csv.name],
            _both("report.workbook.rows"): [rows],
            "note": [_both("report.workbook.too_long", csv=csv.name)],
        }
    )


MAX_SHEET_ROWS = 50_000
"""Larger tables go to a CSV file beside the workbook (Excel stops at 1,048,576 rows)."""


def write_workbook(
    tables: dict[str, pd.DataFrame],
    path: str | PathLike[str],
    max_rows: int | None = MAX_SHEET_ROWS,
) -> Path:
    """Write several tables into one ``.xlsx`` workbook (one sheet each).

    A table of more than ``max_rows`` rows (a regional study's problems ×
    measures coverage, for instance) is written to ``<workbook>-<sheet>.csv``
    beside the workbook (UTF-8 with a byte-order mark, which Excel opens), and
    its sheet says so in French and English: Excel cannot hold more than
    1,048,576 rows, and a sheet that long is slow to write and to open.
    Text cells that a spreadsheet would run as formulas are neutralised
    (:func:`diagnostic_lib.spreadsheet.safe_frame`); suppressed cells (``< 5``)
    are written empty, so that number columns stay numbers, with a marker column
    (:func:`diagnostic_lib.spreadsheet.suppressed_as_empty`).

    Examples
    --------
    >>> import tempfile
    >>> p = write_workbook({"a": pd.DataFrame({"x": [1]})}, Path(tempfile.mkdtemp()) / "t.xlsx")
    >>> pd.read_excel(p, sheet_name="a")["x"].tolist()
    [1]
    >>> p = write_workbook({"big": pd.DataFrame({"x": range(5)})}, p, max_rows=3)
    >>> pd.read_csv(p.parent / "t-big.csv")["x"].tolist()
    [0, 1, 2, 3, 4]
    """
    p = Path(path)
    p.parent.mkdir(parents=True, exist_ok=True)
    with pd.ExcelWriter(p, engine="openpyxl") as xw:
        for name, df in tables.items():
            sheet = str(name)[:31]
            frame = safe_frame(suppressed_as_empty(_sheet_frame(df)))
            if max_rows is not None and len(frame) > max_rows:
                csv = p.with_name(f"{p.stem}-{sheet}.csv")
                frame.to_csv(csv, index=False, encoding="utf-8-sig")
                frame = _pointer(csv, len(frame))
            frame.to_excel(xw, sheet_name=sheet, index=False)
    return p
