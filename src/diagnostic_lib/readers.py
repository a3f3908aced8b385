r"""Low-level readers: any supported file in, a raw table out, nothing lost.

:func:`read_table` opens a file whatever its format and returns a
:class:`RawTable`: the columns as found (text for CSV and Excel), the
spreadsheet row number of every record, the detected encoding and separator,
the source CRS, the geometry if any, and the records that could not even be
split into fields (malformed lines). The loaders in :mod:`diagnostic_lib.loaders`
then map and validate those columns.

Supported formats
-----------------
- CSV / TXT / TSV: UTF-8, UTF-8 with BOM, UTF-16 with BOM, Windows-1252 or
  Latin-1 (detected, not assumed); separator ``,`` ``;`` tab or ``|`` (sniffed
  from the header); decimal commas are handled by the loaders.
- Excel ``.xlsx`` (first sheet unless told otherwise).
- GeoJSON (``.geojson``/``.json``), honouring a legacy ``crs`` member and files
  that are not UTF-8; GeoPackage (``.gpkg``); Shapefile (``.shp``, honouring
  its ``.cpg``); Parquet and GeoParquet (``.parquet``).

Examples
--------
>>> import tempfile, pathlib
>>> p = pathlib.Path(tempfile.mkdtemp()) / "x.csv"
>>> _ = p.write_bytes("a;b\n1,5;é\n".encode("cp1252"))
>>> raw = read_table(p)
>>> raw.encoding, raw.sep, raw.frame.iloc[0].tolist(), raw.rows.tolist()
('cp1252', ';', ['1,5', 'é'], [2])
"""

from __future__ import annotations

import csv
import io
import os
import re
import warnings
from dataclasses import dataclass, field
from os import PathLike
from pathlib import Path
from typing import Any

import numpy as np
import pandas as pd

from .errors import DataError, bilingual

TEXT_EXT = {".csv", ".txt", ".tsv", ".tab"}
EXCEL_EXT = {".xlsx", ".xlsm"}
GIS_EXT = {".geojson", ".json", ".gpkg", ".shp", ".fgb"}
PARQUET_EXT = {".parquet", ".geoparquet", ".pq"}
SEPARATORS = (";", ",", "\t", "|")


@dataclass
class RawTable:
    """A file as read, before mapping.

    Attributes
    ----------
    frame : pandas.DataFrame
        Source columns (text for CSV and Excel, native types for GIS and Parquet),
        one row per well-formed record, with a default RangeIndex.
    rows : numpy.ndarray
        Row number of each record of ``frame`` (spreadsheet convention: header
        is row 1 in CSV/Excel; the first feature is row 1 in GIS files).
    file : str
        The path, as given.
    format : str
        ``csv``, ``xlsx``, ``gis`` or ``parquet``.
    rows_in : int
        Records found, malformed ones included.
    malformed : list of tuple
        ``(row, text)`` of records that could not be split into the header's
        fields; they are not in ``frame``.
    unbalanced : list of tuple
        ``(row, text)`` of CSV lines that open a quote which does not close
        (within :data:`MAX_QUOTED_LINES` lines): each is rejected and the lines
        after it are read on their own, so that one stray ``"`` cannot swallow
        the rest of the file.
    line_issues : list of tuple
        ``(row, reason, action, text)`` of CSV lines repaired or rejected before
        parsing: a line holding a NUL byte (``nul_byte``, rejected: not in
        ``frame``), a line in another encoding than the rest of the file
        (``encoding_repaired``, flagged: decoded on its own and kept).
    boms_removed : int
        Byte-order marks found after the start of the file and removed.
    header_row, above_header : int, str
        The row of the header (1 unless a spreadsheet has a title above it), and
        the text of the rows above it (a title: not data, said in the ledger).
    malformed_fields : dict
        The fields of each malformed CSV record, by row (for repairs that need to
        know the columns, such as :mod:`diagnostic_lib.loaders.decimal_commas`).
    geometry : geopandas.GeoSeries or None
        Geometries of a GIS file, aligned with ``frame``.
    crs : pyproj.CRS or None
        CRS declared by the file, if any.
    encoding, sep : str or None
        Detected text encoding and separator.
    """

    frame: pd.DataFrame
    rows: np.ndarray
    file: str
    format: str
    rows_in: int
    malformed: list[tuple[int, str]] = field(default_factory=list)
    geometry: object | None = None
    crs: object | None = None
    encoding: str | None = None
    sep: str | None = None
    unbalanced: list[tuple[int, str]] = field(default_factory=list)
    line_issues: list[tuple[int, str, str, str]] = field(default_factory=list)
    boms_removed: int = 0
    malformed_fields: dict[int, list[str]] = field(default_factory=dict)
    header_row: int = 1
    above_header: str = ""


def detect_encoding(data: bytes) -> str:
    r"""Detect the text encoding of a file's bytes.

    Tries, in order: a byte-order mark (UTF-8 or UTF-16), strict UTF-8,
    strict Windows-1252, then Latin-1 (which decodes anything).

    Parameters
    ----------
    data : bytes
        The file's content (or its beginning).

    Returns
    -------
    str
        A Python codec name: ``utf-8-sig``, ``utf-16``, ``utf-8``, ``cp1252``
        or ``latin-1``.

    Examples
    --------
    >>> detect_encoding("Méfait".encode("utf-8"))
    'utf-8'
    >>> detect_encoding("Méfait".encode("cp1252"))
    'cp1252'
    >>> detect_encoding(b"\xef\xbb\xbfid")
    'utf-8-sig'
    """
    if data.startswith(b"\xef\xbb\xbf"):
        return "utf-8-sig"
    if data.startswith((b"\xff\xfe", b"\xfe\xff")):
        return "utf-16"
    if data.isascii():  # valid UTF-8, found without decoding (and copying) the whole file
        return "utf-8"
    for enc in ("utf-8", "cp1252"):
        try:
            data.decode(enc)
        except UnicodeDecodeError:
            continue
        return enc
    return "latin-1"


def sniff_separator(header: str) -> str:
    r"""Guess the field separator from a CSV header line (quotes respected).

    Parameters
    ----------
    header : str
        The first line of the file.

    Returns
    -------
    str
        The most frequent of :data:`SEPARATORS` outside quotes (``,`` on a tie or
        when there is none).

    Examples
    --------
    >>> sniff_separator("CATEGORIE;DATE;QUART")
    ';'
    >>> sniff_separator("a,b\tc")
    ','
    >>> sniff_separator("single")
    ','
    """
    counts = dict.fromkeys(SEPARATORS, 0)
    in_quote = False
    for ch in header:
        if ch == '"':
            in_quote = not in_quote
        elif not in_quote and ch in counts:
            counts[ch] += 1
    best = max(SEPARATORS, key=lambda s: (counts[s], s == ","))
    return best if counts[best] > 0 else ","


def _suffix(path: Path) -> str:
    suffixes = [s.lower() for s in path.suffixes]
    if len(suffixes) >= 2 and suffixes[-1] in {".gz", ".zip"}:
        return suffixes[-2]
    return path.suffix.lower()


def read_table(
    source: str | PathLike[str],
    *,
    encoding: str | None = None,
    sep: str | None = None,
    sheet: str | int | None = None,
    layer: str | int | None = None,
) -> RawTable:
    r"""Read any supported file into a :class:`RawTable` (see the module doc).

    Parameters
    ----------
    source : path
        The file.
    encoding : str, optional
        Force a text encoding instead of detecting it (CSV only).
    sep : str, optional
        Force a CSV separator instead of sniffing it.
    sheet : str or int, optional
        Excel sheet (default: the first).
    layer : str or int, optional
        Layer of a GeoPackage (default: the first).

    Returns
    -------
    RawTable

    Raises
    ------
    DataError
        The file is missing, empty, or not of a readable kind.

    Examples
    --------
    >>> import tempfile, pathlib
    >>> p = pathlib.Path(tempfile.mkdtemp()) / "t.csv"
    >>> _ = p.write_text("a,b\n1,2\n3,4,5\n")
    >>> raw = read_table(p)
    >>> raw.rows_in, len(raw.frame), raw.malformed
    (2, 1, [(3, '3,4,5')])
    """
    path = Path(source)
    name = str(source)
    if not path.exists():
        raise DataError(f"{name}: {bilingual('loaders.error.file_not_found')}")
    if path.is_dir():
        raise DataError(f"{name}: {bilingual('loaders.error.is_folder')}")
    ext = _suffix(path)
    if ext in TEXT_EXT or ext == "":
        if sep is not None and not (isinstance(sep, str) and len(sep) == 1 and sep not in '\r\n"'):
            raise DataError(f"{name}: {bilingual('loaders.error.bad_sep', value=repr(sep))}")
        return _read_csv(path, name, encoding=encoding, sep=sep)
    if ext in EXCEL_EXT:
        return _read_excel(path, name, sheet=sheet)
    if ext in PARQUET_EXT:
        return _read_parquet(path, name)
    if ext in GIS_EXT:
        return _read_gis(path, name, layer=layer)
    if ext == ".xls":
        raise DataError(f"{name}: {bilingual('loaders.error.old_excel')}")
    supported = ".csv .tsv .txt .xlsx .geojson .json .gpkg .shp .parquet"
    message = bilingual("loaders.error.unsupported_type", ext=ext, supported=supported)
    raise DataError(f"{name}: {message}")


# --------------------------------------------------------------------------- CSV
def _read_csv(path: Path, name: str, *, encoding: str | None, sep: str | None) -> RawTable:
    data = path.read_bytes()
    if re.search(rb"[^ \t\r\n\x00\xef\xbb\xbf]", data) is None:
        raise DataError(f"{name}: {bilingual('loaders.error.empty_file')}")
    if data.startswith(b"PK\x03\x04"):
        raise DataError(f"{name}: {bilingual('loaders.error.zip_not_csv')}")
    enc = encoding or detect_encoding(data)
    issues: list[tuple[int, str, str, str]] = []
    if b"\x00" in data and not enc.startswith("utf-16"):
        data, issues = _blank_nul_lines(data, name)
        enc = encoding or detect_encoding(data)
    boms = data.count(_BOM, 1)
    if boms:  # a file pasted together from several exports: the marks are not data
        data = data[:1] + data[1:].replace(_BOM, b"")
    top, above = _csv_title_lines(data, enc, sep)
    if top:  # a title above the header: not data (said in the ledger), rows keep their numbers
        start = 3 if data.startswith(_BOM) else 0
        for _ in range(top):
            start = data.index(b"\n", start) + 1
        data = data[start:]
    table = _read_csv_data(data, name, enc, encoding, sep)
    if top:
        table = _shift_rows(table, top)
        table.header_row, table.above_header = top + 1, above[:200]
    if _has_long_line(data):
        issues = [*issues, *_long_fields(table)]
    return _after_lines(table, issues, boms)


def _csv_title_lines(data: bytes, enc: str, sep: str | None) -> tuple[int, str]:
    r"""Lines of a CSV above its header that hold a title, and their text (``(0, "")``: none).

    The first :data:`MAX_TITLE_ROWS` + 1 lines are split on the separator of the
    first line after the first that holds one, and judged as a spreadsheet's rows
    are (:func:`_header_index`): a first line of one filled field (``Title,,,``
    too), then, within a few lines, a row of text fields at least half the
    table's width.

    Examples
    --------
    >>> _csv_title_lines(b"RMS 2024\n\nid,date,category\n1,2024-01-01,theft\n", "utf-8", None)
    (2, 'RMS 2024')
    >>> _csv_title_lines(b"id,date,category\n1,2024-01-01,theft\n", "utf-8", None)
    (0, '')
    """
    if enc.lower().replace("_", "-").startswith("utf-16"):  # a line end is not one byte there
        return 0, ""
    head = data[:65_536].split(b"\n")[: MAX_TITLE_ROWS + 1]
    try:
        lines = [ln.decode(enc, errors="replace").lstrip("\ufeff").rstrip("\r") for ln in head]
    except LookupError:
        return 0, ""
    with_sep = next((ln for ln in lines[1:] if any(c in ln for c in SEPARATORS)), None)
    if len(lines) < 3 or with_sep is None:
        return 0, ""
    try:
        reader = csv.reader(lines, delimiter=sep or sniff_separator(with_sep))
        rows = [[v if v.strip() else None for v in rec] or [None] for rec in reader]
    except (csv.Error, TypeError):  # a stray carriage return, a separator of two characters
        return 0, ""
    top = _header_index(rows)
    if top and not _csv_header_like(rows, top):
        return 0, ""
    return top, " ".join(v.strip() for r in rows[:top] for v in r if v)


def _csv_header_like(rows: list[list], top: int) -> bool:
    """Whether row ``top`` reads as a CSV header over records.

    Every CSV field is text, so the names must also be distinct, filled, not numbers
    or dates, and most lines below (at least one) split into as many fields.
    """
    names = [v.strip() for v in rows[top] if v is not None]
    below = [r for r in rows[top + 1 :] if r != [None]]
    return (
        len(names) == len(rows[top])
        and len(set(names)) == len(names)
        and not any(re.fullmatch(r"[\d\s.,:/+-]+", v) or "\n" in v or '"' in v for v in names)
        and 2 * sum(len(r) == len(names) for r in below) > len(below) > 0
    )


def _shift_rows(table: RawTable, lines: int) -> RawTable:
    """The row numbers of a table read below ``lines`` title lines, as they are in the file."""
    table.rows = table.rows + lines
    table.malformed = [(r + lines, t) for r, t in table.malformed]
    table.unbalanced = [(r + lines, t) for r, t in table.unbalanced]
    table.line_issues = [(r + lines, *rest) for r, *rest in table.line_issues]
    table.malformed_fields = {r + lines: f for r, f in table.malformed_fields.items()}
    return table


MAX_FIELD_CHARS: int = 131_072
"""Longest field a CSV row may hold (Python's csv limit): a longer one rejects its row."""


def _has_long_line(data: bytes) -> bool:
    r"""Whether a line is longer than :data:`MAX_FIELD_CHARS` bytes (a bound on the longest field).

    Such a line holds a whole block of ``MAX_FIELD_CHARS // 2`` bytes, aligned on that
    size, without a newline. Each block is looked at by one ``find``, which stops at its
    first newline (near the block's start in any CSV file): a thousand calls for 100 MB,
    where measuring every line reads every byte. Lines are measured only when a block
    has no newline.

    Examples
    --------
    >>> short = b"a,b\n" * 100_000
    >>> _has_long_line(short), _has_long_line(short + b"x" * (MAX_FIELD_CHARS + 1))
    (False, True)
    """
    if len(data) <= MAX_FIELD_CHARS:
        return False
    half = MAX_FIELD_CHARS // 2
    if all(data.find(b"\n", p, p + half) >= 0 for p in range(0, len(data), half)):
        return False
    return _longest_line(data) > MAX_FIELD_CHARS


def _longest_line(data: bytes) -> int:
    """Length in bytes of the longest line (a cheap bound on the longest field)."""
    if len(data) <= MAX_FIELD_CHARS:
        return len(data)
    ends = np.flatnonzero(np.frombuffer(data, dtype=np.uint8) == ord("\n"))
    bounds = np.concatenate([[-1], ends, [len(data)]])
    return int(np.diff(bounds).max())


def _long_fields(table: RawTable) -> list[tuple[int, str, str, str]]:
    """Rows holding a field over :data:`MAX_FIELD_CHARS` characters: (row, reason, action, text)."""
    frame = table.frame
    too_long = np.zeros(len(frame), dtype=bool)
    where = np.full(len(frame), "", dtype=object)
    for col in frame.columns:
        lengths = frame[col].astype("str").str.len().to_numpy(dtype="float64", na_value=0)
        hit = lengths > MAX_FIELD_CHARS
        where[hit & ~too_long] = [f"{col}: {n:.0f}" for n in lengths[hit & ~too_long]]
        too_long |= hit
    return [
        (int(r), "field_too_long", "rejected", w)
        for r, w in zip(table.rows[too_long], where[too_long], strict=True)
    ]


_BOM = b"\xef\xbb\xbf"
MAX_NUL_SHARE: float = 0.1
"""Above this share of lines with a NUL byte (or with one in the header), a file is binary."""


def _blank_nul_lines(data: bytes, name: str) -> tuple[bytes, list[tuple[int, str, str, str]]]:
    """Blank the lines holding a NUL byte (kept as empty lines, so rows keep their numbers)."""
    lines = data.split(b"\n")
    bad = [i for i, ln in enumerate(lines) if b"\x00" in ln]
    if not bad or bad[0] == 0 or len(bad) > MAX_NUL_SHARE * len(lines):
        raise DataError(f"{name}: {bilingual('loaders.error.binary')}")
    texts = [lines[i].replace(b"\x00", b"\\0").decode("utf-8", errors="replace")[:200] for i in bad]
    for i in bad:
        lines[i] = b""
    # the row the parser makes of each line (a quoted field over several lines is one row)
    row = _row_of_line(lines)
    issues = [(int(row[i]), "nul_byte", "rejected", t) for i, t in zip(bad, texts, strict=True)]
    if bad[-1] == len(lines) - 1:  # the last line, with no newline: blanked, it would vanish
        lines.append(b"")  # and its rejection would count a row the file never had
    return b"\n".join(lines), issues


def _row_of_line(lines: list[bytes]) -> np.ndarray:
    """The row number of each physical line (1 for the header's), as the ledger counts rows.

    A quoted field that spans lines (a free-text note) makes one row of several
    lines: a line with an odd number of ``"`` opens or closes such a field, and
    the lines after it, until it closes, belong to its row.

    Examples
    --------
    >>> _row_of_line([b"id,note", b'1,"two', b'lines"', b"2,x"]).tolist()
    [1, 2, 2, 3]
    """
    odd = np.fromiter((ln.count(b'"') & 1 for ln in lines), dtype=np.int64, count=len(lines))
    starts = np.ones(len(lines), dtype=np.int64)
    starts[1:] = (np.cumsum(odd)[:-1] % 2) == 0  # not inside a quoted field at its start
    return np.cumsum(starts)


def _after_lines(table: RawTable, issues: list, boms: int) -> RawTable:
    """Drop the rows of the rejected lines; record every line issue and removed mark."""
    gone = {r for r, _, action, _ in issues if action == "rejected"}
    if gone:
        keep = ~np.isin(table.rows, list(gone))
        table.frame = table.frame[keep].reset_index(drop=True)
        table.rows = table.rows[keep]
    table.line_issues = [*table.line_issues, *issues]
    table.boms_removed += boms
    return table


def _read_csv_data(
    data: bytes, name: str, enc: str, encoding: str | None, sep: str | None
) -> RawTable:
    """The CSV reading proper, on bytes already cleaned of NUL lines and inner marks."""
    if enc in ("utf-8", "utf-8-sig"):
        # The fastest path: Arrow's multithreaded reader on the bytes, for plain files
        # only (no quotes, no blank lines, every row as long as the header).
        raw = data[3:] if data.startswith(b"\xef\xbb\xbf") else data
        cut = raw.find(b"\n")
        head = raw[: cut if cut >= 0 else len(raw)].decode("utf-8", errors="replace")
        separator = sep or sniff_separator(head.rstrip("\r"))
        frame = _read_csv_arrow_bytes(raw, separator)
        if frame is not None:
            rows = np.arange(len(frame), dtype="int64") + 2
            return RawTable(frame, rows, name, "csv", len(frame), [], encoding=enc, sep=separator)
    mixed = _mixed_lines(data) if encoding is None and enc in ("cp1252", "latin-1") else None
    if mixed is not None:
        text, flagged, majority = mixed
        table = _read_csv_text(text, name, f"{majority} + {_OTHER[majority]}", sep)
        table.line_issues = [(r, "encoding_repaired", "flagged", t) for r, t in flagged]
        return table
    try:
        text = data.decode(enc)
    except (UnicodeDecodeError, LookupError) as exc:
        message = (
            bilingual(
                "loaders.error.cannot_decode",
                encoding=enc,
                line=data.count(b"\n", 0, exc.start) + 1,
            )
            if isinstance(exc, UnicodeDecodeError)
            else bilingual("loaders.error.unknown_encoding", encoding=enc)
        )
        raise DataError(f"{name}: {message}") from None
    if text.startswith("\ufeff"):
        text = text[1:]
    return _read_csv_text(text, name, enc, sep)


_OTHER = {"utf-8": "cp1252", "cp1252": "utf-8"}


def _mixed_lines(data: bytes) -> tuple[str, list[tuple[int, str]], str] | None:
    """A file whose lines mix UTF-8 and Windows-1252, decoded line by line.

    Returns ``(text, flagged, majority)``: the lines of the minority encoding are
    flagged ``(row, text)``. ``None`` when the non-ASCII lines are all in one
    encoding (a valid UTF-8 line is taken as UTF-8: a Windows-1252 text is
    practically never valid UTF-8).
    """
    lines = data.split(b"\n")
    kinds = []
    for ln in lines:
        if ln.isascii():
            kinds.append("")
            continue
        try:
            ln.decode("utf-8")
            kinds.append("utf-8")
        except UnicodeDecodeError:
            kinds.append("cp1252")
    n_utf8, n_cp = kinds.count("utf-8"), kinds.count("cp1252")
    if not n_utf8 or not n_cp:
        return None
    majority = "utf-8" if n_utf8 >= n_cp else "cp1252"
    out, flagged = [], []
    row = _row_of_line(lines)
    for i, (ln, k) in enumerate(zip(lines, kinds, strict=True)):
        line = ln.decode(k or "ascii", errors="replace") if k != "cp1252" else _cp1252(ln)
        out.append(line)
        if k and k != majority:
            flagged.append((int(row[i]), line.rstrip("\r")[:200]))
    text = "\n".join(out)
    return (text[1:] if text.startswith("\ufeff") else text), flagged, majority


def _cp1252(line: bytes) -> str:
    try:
        return line.decode("cp1252")
    except UnicodeDecodeError:  # the five bytes cp1252 leaves undefined
        return line.decode("latin-1")


MAX_QUOTED_LINES: int = 20
"""A quoted CSV field spanning more lines than this is taken for a stray, unclosed quote."""


def unbalanced_quote(lines: list[str], start: int = 1) -> int | None:
    """Index of the first line that opens a quote which does not close soon enough.

    Counted on the physical lines, independently of the CSV parser: a line
    with an odd number of ``"`` opens (or closes) a quoted field that spans
    lines. A quote still open at the end of the file, or after
    :data:`MAX_QUOTED_LINES` lines, is unbalanced; a parser would have read
    every line after it as one field.

    Parameters
    ----------
    lines : list of str
        The file's lines (the header first).
    start : int
        First line to look at.

    Returns
    -------
    int or None

    Examples
    --------
    >>> unbalanced_quote(["id,what", '1,"theft', "2,fraud", "3,mischief"])
    1
    >>> unbalanced_quote(["id,what", '1,"two', 'lines"', "2,fraud"]) is None
    True
    """
    i, n = start, len(lines)
    while i < n:
        if lines[i].count('"') % 2 == 0:
            i += 1
            continue
        j = i + 1
        while j < n and j - i <= MAX_QUOTED_LINES and lines[j].count('"') % 2 == 0:
            j += 1
        if j >= n or j - i > MAX_QUOTED_LINES:
            return i
        i = j + 1
    return None


def _read_csv_text(text: str, name: str, enc: str, sep: str | None) -> RawTable:
    """A decoded CSV text, split at any unbalanced quote (see :func:`unbalanced_quote`)."""
    if '"' in text:
        lines = text.split("\n")
        head = _header_lines(lines, name)
        bad = unbalanced_quote(lines, head)
        if bad is not None:
            return _split_at_quote(lines, bad, name, enc, sep, head)
    cut = text.find("\n")
    first_line = text[: cut if cut >= 0 else len(text)].rstrip("\r")
    separator = sep or sniff_separator(first_line)
    if sep is None:
        rows_sep = separator_mismatch(text, separator)
        if rows_sep is not None:
            message = bilingual("loaders.error.separator_mismatch", header=separator, rows=rows_sep)
            raise DataError(f"{name}: {message}")
    frame: pd.DataFrame | None
    if enc not in ("utf-8", "utf-8-sig"):  # (UTF-8 files were tried on their bytes above)
        frame = _read_csv_arrow(text, None, separator)
        if frame is not None:
            rows = np.arange(len(frame), dtype="int64") + 2
            return RawTable(frame, rows, name, "csv", len(frame), [], encoding=enc, sep=separator)
    # The fast path: pandas' C parser on the whole file, everything as text. Never an
    # index column (rows longer than the header would shift every value one column), and
    # any row of another length goes to the careful path, which names it.
    try:
        with warnings.catch_warnings(record=True) as caught:
            warnings.simplefilter("always")
            frame = pd.read_csv(
                io.StringIO(text),
                sep=separator,
                dtype=str,
                keep_default_na=False,
                na_filter=False,
                skip_blank_lines=False,
                engine="c",
                index_col=False,
            )
        if any(issubclass(w.category, pd.errors.ParserWarning) for w in caught):
            frame = None  # "loss of data": rows longer than the header
    except (pd.errors.ParserError, pd.errors.EmptyDataError, ValueError, IndexError, UnicodeError):
        frame = None
    if frame is not None and _header_ok(frame):
        frame = frame.reset_index(drop=True)
        rows = np.arange(len(frame), dtype="int64") + 2
        return RawTable(frame, rows, name, "csv", len(frame), [], encoding=enc, sep=separator)
    # The careful path: Python's csv module, one record at a time, so that each
    # malformed record is reported with its row number instead of failing the file.
    return _read_csv_careful(text, name, enc, separator)


def separator_mismatch(text: str, separator: str, lines: int = 200) -> str | None:
    r"""The rows' separator when it is not the header's, else ``None``.

    A header written with ``;`` over rows written with ``,`` (or the reverse) would
    give one field per row and a rejection for every row; it is one error instead.
    The rows disagree when at least nine in ten of the first ``lines`` non-empty
    rows have no ``separator`` outside quotes but another one of
    :data:`SEPARATORS` that the header lacks.

    Examples
    --------
    >>> separator_mismatch("a;b;c\n1,2,3\n4,5,6\n", ";")
    ','
    >>> separator_mismatch("a,b\n1,2\n", ",") is None
    True
    >>> separator_mismatch("a;b\n1,5;2\n", ";") is None
    True
    """
    body = [ln.rstrip("\r") for ln in text.split("\n", lines + 1)[1 : lines + 1]]
    body = [ln for ln in body if ln.strip()]
    if not body:
        return None
    header = text.split("\n", 1)[0]
    if _count_outside(header, separator) == 0:  # one column: nothing to compare
        return None
    found = [sniff_separator(ln) for ln in body]
    without = [f for f, ln in zip(found, body, strict=True) if _count_outside(ln, separator) == 0]
    if len(without) < 0.9 * len(body):
        return None
    other = max(set(without), key=without.count)
    if other == separator or _count_outside(header, other) > 0:
        return None
    if sum(_count_outside(ln, other) > 0 for ln in body) < 0.9 * len(body):
        return None
    return other


def _count_outside(line: str, ch: str) -> int:
    """Occurrences of ``ch`` outside double quotes."""
    n, quoted = 0, False
    for c in line:
        if c == '"':
            quoted = not quoted
        elif c == ch and not quoted:
            n += 1
    return n


def _header_lines(lines: list[str], name: str) -> int:
    """How many physical lines the header takes (a name with a line break in it: more than 1).

    A spreadsheet's header cell may hold a line break (Alt+Enter); saved as CSV, the
    name is quoted over two lines. A quote the header opens and does not close within
    :data:`MAX_QUOTED_LINES` lines leaves no row readable: a clear error.

    Examples
    --------
    >>> _header_lines(['id,"date', 'de fait",category', "1,2024-01-01,theft"], "f.csv")
    2
    """
    j = 0
    while lines[: j + 1] and sum(ln.count('"') for ln in lines[: j + 1]) % 2:
        j += 1
        if j >= len(lines) or j > MAX_QUOTED_LINES:
            raise DataError(f"{name}: {bilingual('loaders.error.header_quote', line=1)}")
    return j + 1


def _split_at_quote(
    lines: list[str], bad: int, name: str, enc: str, sep: str | None, head: int = 1
) -> RawTable:
    """Read the lines before and after line ``bad`` on their own; reject line ``bad``.

    ``head`` is the header's number of physical lines (see :func:`_header_lines`).
    """
    # every line before ``bad`` ends with a line end, an empty last one included
    before = _read_csv_text("\n".join(lines[:bad]) + "\n", name, enc, sep)
    after = _read_csv_text("\n".join([*lines[:head], *lines[bad + 1 :]]), name, enc, sep)
    # rows count records as the parser counts them (a quoted field over lines is one): the
    # first part's records are rows 2 … rows_in + 1, line ``bad`` the next row, and the
    # second part's record 2 the row after it
    at = before.rows_in + 2
    shift = at - 1
    frame = pd.concat([before.frame, after.frame.set_axis(before.frame.columns, axis=1)])
    return RawTable(
        frame.reset_index(drop=True),
        np.concatenate([before.rows, after.rows + shift]),
        name,
        "csv",
        before.rows_in + 1 + after.rows_in,
        before.malformed + [(r + shift, t) for r, t in after.malformed],
        encoding=enc,
        sep=before.sep,
        unbalanced=[
            *before.unbalanced,
            (at, lines[bad].rstrip("\r")[:200]),
            *[(r + shift, t) for r, t in after.unbalanced],
        ],
        malformed_fields={
            **before.malformed_fields,
            **{r + shift: f for r, f in after.malformed_fields.items()},
        },
    )


def _read_csv_arrow(text: str, raw: bytes | None, separator: str) -> pd.DataFrame | None:
    """:func:`_read_csv_arrow_bytes` of a decoded text (or of its UTF-8 bytes ``raw``)."""
    if len(separator) != 1 or '"' in text:
        return None
    return _read_csv_arrow_bytes(text.encode("utf-8") if raw is None else raw, separator)


def _read_csv_arrow_bytes(raw: bytes, separator: str) -> pd.DataFrame | None:
    r"""A plain UTF-8 CSV read by ``pyarrow.csv`` into text columns, or ``None`` when not plain.

    Plain: a one-character separator, no quote character anywhere, ``\n`` or
    ``\r\n`` line ends, no blank line, a header of distinct non-empty names and at
    least one record, every record with exactly the header's fields (a byte-order
    mark already removed). On such a file pandas' parser gives the same table (text
    columns, nothing missing); any other file, or any error, returns ``None`` and
    the usual paths read it.
    """
    if len(separator) != 1 or not separator.isascii() or b'"' in raw:
        return None
    if b"\r" in raw:
        raw = raw.replace(b"\r\n", b"\n")
        if b"\r" in raw:
            return None
    end = len(raw)
    while end and raw[end - 1] == 10:  # trailing line ends
        end -= 1
    first = raw.find(b"\n", 0, end)
    if first < 0 or raw.startswith(b"\n") or raw.find(b"\n\n", 0, end) >= 0:
        return None
    try:
        names = raw[:first].decode("utf-8").split(separator)
    except UnicodeDecodeError:
        return None
    if any(not n for n in names) or len(set(names)) != len(names):
        return None
    try:
        import pyarrow as pa
        import pyarrow.csv as pcsv

        table = pcsv.read_csv(
            io.BytesIO(raw),
            parse_options=pcsv.ParseOptions(
                delimiter=separator,
                quote_char=False,
                escape_char=False,
                newlines_in_values=False,
                ignore_empty_lines=False,
            ),
            convert_options=pcsv.ConvertOptions(
                column_types={n: pa.large_string() for n in names},
                strings_can_be_null=False,
                quoted_strings_can_be_null=False,
                null_values=[],
            ),
        )
    except Exception:  # pyarrow.lib.ArrowInvalid (ragged rows...), anything: the usual paths
        return None
    if table.column_names != names:
        return None
    dtype = pd.StringDtype("pyarrow", na_value=np.nan)
    return pd.DataFrame({n: pd.Series(table.column(i), dtype=dtype) for i, n in enumerate(names)})


def _header_ok(frame: pd.DataFrame) -> bool:
    return len(frame.columns) > 0


def _read_csv_careful(text: str, name: str, enc: str, separator: str) -> RawTable:
    limit = csv.field_size_limit()
    try:  # long fields are read whole, then their rows rejected (see _long_fields)
        csv.field_size_limit(max(limit, len(text) + 1))
        reader = csv.reader(io.StringIO(text, newline=""), delimiter=separator, strict=False)
        records = list(reader)
    except csv.Error:
        message = bilingual("loaders.error.csv_fields", line=reader.line_num)
        raise DataError(f"{name}: {message}") from None
    finally:
        csv.field_size_limit(limit)
    if not records:
        raise DataError(f"{name}: {bilingual('loaders.error.empty_file')}")
    header = [h.strip() for h in records[0]]
    if not any(header):
        raise DataError(f"{name}: {bilingual('loaders.error.empty_header')}")
    header = _dedupe([h if h else f"Unnamed: {i}" for i, h in enumerate(header)])
    width = len(header)
    good: list[list[str]] = []
    good_rows: list[int] = []
    malformed: list[tuple[int, str]] = []
    malformed_fields: dict[int, list[str]] = {}
    data = records[1:]
    # Some exports end every line with a separator: empty extra fields on (nearly) every
    # row are that convention, not a defect. Anywhere else a longer row is malformed.
    long_rows = [r for r in data if len(r) > width]
    trailing = (
        bool(data)
        and len(long_rows) >= 0.9 * len(data)
        and all(not v for r in long_rows for v in r[width:])
    )
    for i, rec in enumerate(data):
        row = i + 2
        if len(rec) > width:
            if trailing:
                rec = rec[:width]
            else:
                malformed.append((row, separator.join(rec)[:200]))
                malformed_fields[row] = rec
                continue
        if len(rec) < width:
            rec = rec + [""] * (width - len(rec))
        good.append(rec)
        good_rows.append(row)
    frame = (
        pd.DataFrame(good, columns=header, dtype="str")
        if good
        else pd.DataFrame({h: pd.Series(dtype="str") for h in header})
    )
    rows_in = len(good) + len(malformed)
    return RawTable(
        frame,
        np.asarray(good_rows, dtype="int64"),
        name,
        "csv",
        rows_in,
        malformed,
        encoding=enc,
        sep=separator,
        malformed_fields=malformed_fields,
    )


def _dedupe(names: list[str]) -> list[str]:
    seen: dict[str, int] = {}
    out = []
    for n in names:
        if n in seen:
            seen[n] += 1
            out.append(f"{n}.{seen[n]}")
        else:
            seen[n] = 0
            out.append(n)
    return out


# ------------------------------------------------------------------------- Excel
def _read_excel(path: Path, name: str, *, sheet: str | int | None) -> RawTable:
    """Read one sheet cell by cell: every physical row up to the last non-empty one counts.

    Formula cells are read by the value Excel last computed (and stored in the
    file). A row whose formulas have no stored value (a workbook written by a
    program, never opened in Excel) is rejected as ``formula_no_value``, with its
    row: it never vanishes.
    """
    import openpyxl

    try:
        with warnings.catch_warnings():
            warnings.simplefilter("ignore")  # openpyxl warns about styles it cannot read
            book = openpyxl.load_workbook(path, read_only=True, data_only=True)
            try:
                values = _sheet_rows(book, sheet, name)
            finally:
                book.close()
            formulas = _formula_cells(path, sheet, name) if _has_formulas(path) else set()
    except DataError:
        raise
    except Exception:  # openpyxl raises zipfile/xml errors of several kinds
        raise DataError(f"{name}: {bilingual('loaders.error.bad_xlsx')}") from None
    formula_rows = {r for r, _ in formulas}
    while values and len(values) not in formula_rows and all(_blank_cell(v) for v in values[-1]):
        values.pop()  # formatted but empty rows below the data are not rows
    if not values:
        raise DataError(f"{name}: {bilingual('loaders.error.empty_file')}")
    top = _header_index(values)
    above = " ".join(str(v).strip() for r in values[:top] for v in r if not _blank_cell(v))
    values = values[top:]
    width = max(len(r) for r in values)
    header = [str(v).strip() if not _blank_cell(v) else "" for v in values[0]]
    header += [""] * (width - len(header))
    while (
        header
        and not header[-1]
        and all(len(r) < len(header) or _blank_cell(r[len(header) - 1]) for r in values[1:])
    ):
        header.pop()  # empty columns to the right of the table
    if not any(header):
        raise DataError(f"{name}: {bilingual('loaders.error.empty_header')}")
    width = len(header)
    columns = _dedupe([h if h else f"Unnamed: {i}" for i, h in enumerate(header)])
    kept: list[list[object]] = []
    rows: list[int] = []
    issues: list[tuple[int, str, str, str]] = []
    for i, rec in enumerate(values[1:], start=2 + top):
        cells = list(rec[:width]) + [None] * (width - len(rec))
        lost = [j for j in range(width) if (i, j) in formulas and _blank_cell(cells[j])]
        if lost:
            issues.append((i, "formula_no_value", "rejected", ", ".join(columns[j] for j in lost)))
            continue
        kept.append(cells)
        rows.append(i)
    frame = (
        pd.DataFrame(kept, columns=columns, dtype=object)
        if kept
        else pd.DataFrame({c: pd.Series(dtype=object) for c in columns})
    )
    frame = frame.apply(_excel_cell_text) if kept else frame.astype("str")
    return RawTable(
        frame,
        np.asarray(rows, dtype="int64"),
        name,
        "xlsx",
        len(values) - 1,
        [],
        line_issues=issues,
        header_row=top + 1,
        above_header=above[:200],
    )


MAX_TITLE_ROWS: int = 10
"""Rows looked at above a spreadsheet's header for a title (see :func:`_header_index`)."""


def _header_index(values: list) -> int:
    """The row of a sheet's header (0-based): 0, unless titles stand above it.

    A report exported to Excel often has a title ("Extraction RMS — incidents
    2022-2025") on its first row, alone in its cell, and the header below. The
    header is then the first row, within :data:`MAX_TITLE_ROWS`, whose cells are
    text and fill at least half the table's width (two at least); a row of two
    or more cells met before it means the first row was the header after all.

    Examples
    --------
    >>> _header_index([["Extraction RMS"], [None], ["id", "date", "category"], [1, 2, 3]])
    2
    >>> _header_index([["id", "date", "category"], [1, 2, 3]])
    0
    """
    width = max(len(r) for r in values)

    def filled(row: list) -> list:
        return [v for v in row if not _blank_cell(v)]

    if width < 3 or len(filled(values[0])) != 1:
        return 0
    for h in range(1, min(len(values), MAX_TITLE_ROWS + 1)):
        cells = filled(values[h])
        if len(cells) >= max(2, width / 2) and all(isinstance(v, str) for v in cells):
            return h
        if len(cells) >= 2:
            return 0
    return 0


def _blank_cell(v: object) -> bool:
    return v is None or (isinstance(v, str) and not v.strip())


def _worksheet(book: Any, sheet: str | int | None, name: str) -> Any:
    sheets = book.sheetnames
    wanted = 0 if sheet is None else sheet
    if isinstance(wanted, int) and 0 <= wanted < len(sheets):
        return book[sheets[wanted]]
    if isinstance(wanted, str) and wanted in sheets:
        return book[wanted]
    message = bilingual("loaders.error.sheet_missing", sheet=wanted, sheets=", ".join(sheets))
    raise DataError(f"{name}: {message}")


def _sheet_rows(book: Any, sheet: str | int | None, name: str) -> list[tuple[object, ...]]:
    return [tuple(r) for r in _worksheet(book, sheet, name).iter_rows(values_only=True)]


def _has_formulas(path: Path) -> bool:
    """Whether any worksheet of the workbook holds a formula (``<f>`` element)."""
    import zipfile

    with zipfile.ZipFile(path) as z:
        for info in z.infolist():
            if info.filename.startswith("xl/worksheets/") and info.filename.endswith(".xml"):
                with z.open(info) as f:
                    tail = b""
                    while chunk := f.read(1 << 20):
                        if b"<f>" in tail + chunk or b"<f " in tail + chunk:
                            return True
                        tail = chunk[-3:]
    return False


def _formula_cells(path: Path, sheet: str | int | None, name: str) -> set[tuple[int, int]]:
    """(row, column index) of the sheet's formula cells (row in spreadsheet numbering)."""
    import openpyxl

    book = openpyxl.load_workbook(path, read_only=True, data_only=False)
    try:
        out = set()
        for i, rec in enumerate(_worksheet(book, sheet, name).iter_rows(values_only=True), 1):
            for j, v in enumerate(rec):
                if isinstance(v, str) and v.startswith("="):
                    out.add((i, j))
        return out
    finally:
        book.close()


def _excel_cell_text(col: pd.Series) -> pd.Series:
    """Excel cells (datetime, number, text, empty) as text, losing nothing."""

    def one(v: object) -> str:
        if v is None or (isinstance(v, float) and np.isnan(v)) or v is pd.NaT:
            return ""
        if isinstance(v, pd.Timestamp | np.datetime64):
            return pd.Timestamp(v).isoformat(sep=" ")
        if hasattr(v, "isoformat"):
            return (
                v.isoformat(sep=" ") if hasattr(v, "hour") and hasattr(v, "year") else v.isoformat()
            )
        if isinstance(v, float) and v.is_integer():
            return str(int(v))
        return str(v)

    return pd.Series([one(v) for v in col.to_numpy()], index=col.index, dtype="str")


# ---------------------------------------------------------------------- GIS files
def _read_gis(path: Path, name: str, *, layer: str | int | None) -> RawTable:
    import pyogrio

    src: object = path
    ext = path.suffix.lower()
    if ext in {".geojson", ".json"}:
        data = path.read_bytes()
        if not data.strip():
            raise DataError(f"{name}: {bilingual('loaders.error.empty_file')}")
        enc = detect_encoding(data)
        if enc not in ("utf-8", "utf-8-sig"):
            # GDAL expects UTF-8 GeoJSON: decode with the detected encoding and hand it UTF-8.
            data = data.decode(enc).encode("utf-8")
        elif enc == "utf-8-sig":
            data = data[3:]
        src = io.BytesIO(data)
    else:
        enc = None
    kwargs = {} if layer is None else {"layer": layer}
    try:
        with warnings.catch_warnings():
            warnings.simplefilter("ignore")
            gdf = pyogrio.read_dataframe(src, use_arrow=False, on_invalid="ignore", **kwargs)
    except Exception:  # pyogrio.errors.DataSourceError, DataLayerError, ...
        message = (
            bilingual("loaders.error.bad_gis", kind=ext[1:])
            if layer is None
            else bilingual("loaders.error.gis_layer", kind=ext[1:], layer=layer)
        )
        raise DataError(f"{name}: {message}") from None
    frame = pd.DataFrame(gdf.drop(columns=gdf.geometry.name))
    frame = frame.reset_index(drop=True)
    geometry = gdf.geometry.reset_index(drop=True)
    rows = np.arange(len(frame), dtype="int64") + 1
    return RawTable(
        frame, rows, name, "gis", len(frame), [], geometry=geometry, crs=gdf.crs, encoding=enc
    )


def _read_parquet(path: Path, name: str) -> RawTable:
    try:
        import pyarrow.parquet as pq

        meta = pq.read_schema(path).metadata or {}
    except Exception:
        raise DataError(f"{name}: {bilingual('loaders.error.bad_parquet')}") from None
    try:
        if b"geo" in meta:
            import geopandas as gpd

            gdf = gpd.read_parquet(path)
            frame = pd.DataFrame(gdf.drop(columns=gdf.geometry.name)).reset_index(drop=True)
            geometry = gdf.geometry.reset_index(drop=True)
            crs = gdf.crs
        else:
            frame = pd.read_parquet(path).reset_index(drop=True)
            geometry, crs = None, None
    except Exception:
        raise DataError(f"{name}: {bilingual('loaders.error.bad_parquet')}") from None
    rows = np.arange(len(frame), dtype="int64") + 1
    return RawTable(frame, rows, name, "parquet", len(frame), [], geometry=geometry, crs=crs)


def file_size(path: str | PathLike[str]) -> int:
    """Size of a file in bytes (0 when missing).

    Parameters
    ----------
    path : path
        The file.

    Returns
    -------
    int

    Examples
    --------
    >>> file_size("/no/such/file")
    0
    """
    try:
        return os.path.getsize(path)
    except OSError:
        return 0
