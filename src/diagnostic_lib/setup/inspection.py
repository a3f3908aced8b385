r"""What a data file holds, read from a sample: encoding, separator, columns, dates, positions.

:func:`inspect_file` reads the first :data:`SAMPLE_ROWS` rows of a file (a text
file is cut there before it is parsed, so that a million-row export is
inspected in a moment) and says how the loaders will read it:

- the encoding and the separator (:func:`~diagnostic_lib.readers.detect_encoding`,
  :func:`~diagnostic_lib.readers.sniff_separator`);
- which column feeds each canonical field, by the loaders' own column
  resolution (:func:`~diagnostic_lib.loaders.columns._resolve_fields` and the
  presets); for incidents, a date or category column whose name is not known is
  then looked for by its values (the column whose values read as dates; the one
  whose values the taxonomy knows best);
- how the dates are written and how precisely (minute, day, month, year);
- where the positions are and in which CRS (declared by the file, or guessed
  from the range of the values as the loaders do: degrees are EPSG:4326, metres
  the analysis CRS).

:func:`category_counts` then reads the category column of the whole file (that
column only) to count its labels.

Examples
--------
>>> import tempfile, pathlib
>>> p = pathlib.Path(tempfile.mkdtemp()) / "2024-01.csv"
>>> _ = p.write_text("Month,Crime type,Longitude,Latitude\n2024-01,Burglary,-73.6,45.5\n")
>>> info = inspect_file(p)
>>> info["fields"]["occurred_from"], info["fields"]["category"], info["by_values"]
('Month', 'Crime type', ['occurred_from', 'category'])
>>> info["dates"]["precision"], info["positions"]["crs"]
('month', 'EPSG:4326')
"""

from __future__ import annotations

import io
import itertools
import re
from os import PathLike
from pathlib import Path
from typing import Any

import numpy as np
import pandas as pd
import shapely

from .. import schema
from .. import taxonomy as taxonomy_mod
from .._text import as_text
from ..errors import DataError
from ..loaders.columns import _resolve_fields
from ..loaders.geometry import _guess_crs
from ..loaders.incident_dates import _HAS_TIME, _MONTH_ONLY, _YEAR_ONLY
from ..loaders.parsing import parse_datetimes, parse_floats
from ..readers import TEXT_EXT, _suffix, detect_encoding, read_table, sniff_separator

SAMPLE_ROWS = 5000
"""Rows read to inspect a file (the category column alone is read in full)."""

MIN_DATE_SHARE = 0.9
"""Least share of a column's sampled values that read as dates for it to be taken as the date."""

MAX_CATEGORY_LABELS = 500
"""Most distinct sampled values of a column taken as the category (more: an id or a free text)."""

_DATE_LIKE = re.compile(r"\d[-/.]\d")


def _sample_text(path: Path, rows: int) -> tuple[pd.DataFrame, str, str]:
    """The first ``rows`` records of a text file as text columns, its encoding and separator."""
    with open(path, "rb") as fh:
        lines = list(itertools.islice(fh, rows + 1))
    data = b"".join(lines)
    encoding = detect_encoding(data)
    text = data.decode(encoding, errors="replace").lstrip("\ufeff")
    if not text.strip():
        raise DataError(f"{path}: empty file / fichier vide")
    sep = sniff_separator(text.splitlines()[0])
    options = {"sep": sep, "dtype": str, "keep_default_na": False, "on_bad_lines": "skip"}
    try:
        frame = pd.read_csv(io.StringIO(text), **options)
    except pd.errors.ParserError:  # a quoted field cut at the end of the sample
        frame = pd.read_csv(io.StringIO(text.rsplit("\n", 2)[0]), **options)
    frame.columns = [str(c).strip() for c in frame.columns]
    return frame, encoding, sep


def _read_sample(path: Path, rows: int) -> dict[str, Any]:
    """The sample of any readable file: frame, format, encoding, separator, geometry, CRS."""
    if _suffix(path) in TEXT_EXT or _suffix(path) == "":
        frame, encoding, sep = _sample_text(path, rows)
        return {"frame": frame, "format": "csv", "encoding": encoding, "sep": sep}
    raw = read_table(path)
    n = min(rows, len(raw.frame))
    geometry = None if raw.geometry is None else raw.geometry.iloc[:n]
    return {
        "frame": raw.frame.iloc[:n],
        "format": raw.format,
        "encoding": raw.encoding,
        "sep": raw.sep,
        "geometry": geometry,
        "crs": raw.crs,
    }


def _date_precision(values: pd.Series) -> tuple[str, str, float]:
    """How dates are written: precision (minute, day, month, year), an example, share readable."""
    text = as_text(values)
    text = text[text != ""]
    if not len(text):
        return "day", "", 0.0
    uniq = pd.Series(text.unique(), dtype="str")
    month = uniq.str.match(_MONTH_ONLY.pattern).to_numpy()
    year = uniq.str.match(_YEAR_ONLY.pattern).to_numpy()
    timed = uniq.str.contains(_HAS_TIME, regex=True).to_numpy()
    parsed = parse_datetimes(uniq).notna().to_numpy() | month | year
    kinds = np.select([month, year, timed], ["month", "year", "minute"], default="day")
    counts = text.map(dict(zip(uniq, kinds, strict=True))).value_counts()
    readable = text.map(dict(zip(uniq, parsed, strict=True))).astype(bool).mean()
    precision = str(counts.index[0])
    example = str(text[text.map(dict(zip(uniq, kinds, strict=True))) == precision].iloc[0])
    return precision, example, float(readable)


def _date_column(frame: pd.DataFrame, used: set[str]) -> str | None:
    """The first column not mapped yet whose sampled values read as dates."""
    for col in frame.columns:
        if col in used:
            continue
        text = as_text(frame[col])
        text = text[text != ""]
        if not len(text) or not text.str.contains(_DATE_LIKE.pattern, regex=True).all():
            continue
        if _date_precision(text)[2] >= MIN_DATE_SHARE:
            return str(col)
    return None


def _category_column(frame: pd.DataFrame, used: set[str], tax: pd.DataFrame) -> str | None:
    """The column not mapped yet whose sampled values the taxonomy knows best (``None``: none)."""
    best, best_share = None, 0.0
    for col in frame.columns:
        if col in used:
            continue
        text = as_text(frame[col])
        text = text[text != ""]
        if not len(text) or text.nunique() > MAX_CATEGORY_LABELS:
            continue
        share = float((taxonomy_mod.lookup_categories(text, tax) != "").mean())
        if share > best_share:
            best, best_share = str(col), share
    return best


def _positions(sample: dict[str, Any], fields: dict[str, str], crs: str) -> dict[str, Any] | None:
    """Where the positions are and their CRS (declared, or guessed from the values)."""
    frame = sample["frame"]
    if sample.get("geometry") is not None:
        geoms = sample["geometry"]
        declared = sample.get("crs")
        if declared is not None:
            code = declared.to_epsg() if hasattr(declared, "to_epsg") else None
            name = f"EPSG:{code}" if code else str(declared)
            return {"kind": "geometry", "crs": name, "guessed": False, "bounds": None}
        b = geoms.total_bounds
        guess = _guess_crs(np.array([b[0], b[2]]), np.array([b[1], b[3]]), crs)
        return {"kind": "geometry", "crs": guess, "guessed": True, "bounds": tuple(b)}
    for kind, (fx, fy) in (("lonlat", ("lon", "lat")), ("xy", ("x", "y"))):
        if fx in fields and fy in fields:
            xs, _ = parse_floats(frame[fields[fx]])
            ys, _ = parse_floats(frame[fields[fy]])
            ok = np.isfinite(xs) & np.isfinite(ys) & ~((xs == 0) & (ys == 0))  # placeholders
            bounds = (
                tuple(float(v) for v in (xs[ok].min(), ys[ok].min(), xs[ok].max(), ys[ok].max()))
                if ok.any()
                else None
            )
            guess = "EPSG:4326" if kind == "lonlat" else _guess_crs(xs, ys, crs)
            return {"kind": kind, "crs": guess, "guessed": kind == "xy", "bounds": bounds}
    if "wkt" in fields:
        return _wkt_positions(frame[fields["wkt"]], crs)
    return None


def _wkt_positions(values: pd.Series, crs: str) -> dict[str, Any]:
    """The CRS of a WKT column guessed from the bounds of its sampled geometries.

    WKT carries no CRS: polygons written in degrees (Montréal's PDQ boundaries are) are
    EPSG:4326, not the analysis CRS; coordinates in metres are taken in the analysis CRS.
    """
    text = as_text(values)
    geoms = shapely.from_wkt(text[text != ""].to_numpy(dtype=object), on_invalid="ignore")
    geoms = geoms[~shapely.is_missing(geoms) & ~shapely.is_empty(geoms)]
    if not len(geoms):
        return {"kind": "wkt", "crs": crs, "guessed": True, "bounds": None}
    b = shapely.total_bounds(geoms)
    guess = _guess_crs(np.array([b[0], b[2]]), np.array([b[1], b[3]]), crs)
    return {"kind": "wkt", "crs": guess, "guessed": True, "bounds": tuple(float(v) for v in b)}


def inspect_file(
    path: str | PathLike[str],
    table: str = "incidents",
    *,
    preset: str = "generic",
    crs: str = schema.DEFAULT_CRS,
    taxonomy: pd.DataFrame | None = None,
    sample_rows: int = SAMPLE_ROWS,
) -> dict[str, Any]:
    r"""How the loaders will read a file, from its first rows (see the module documentation).

    Parameters
    ----------
    path : path
        The file (CSV, Excel, GeoJSON, GeoPackage, Shapefile, Parquet).
    table : str
        The table it holds (``incidents``, ``sectors``, ``measures``, ``survey``,
        ``partners``…), whose canonical fields its columns are matched to.
    preset : str
        The column-mapping preset (:mod:`diagnostic_lib.loaders.presets`).
    crs : str
        The analysis CRS, taken for coordinates in metres without a declared CRS.
    taxonomy : DataFrame, optional
        The category taxonomy (default: the packaged one).
    sample_rows : int
        Rows read (default :data:`SAMPLE_ROWS`).

    Returns
    -------
    dict
        ``path``, ``table``, ``format``, ``encoding``, ``sep``, ``rows_sampled``,
        ``columns`` (as found), ``sample`` (the rows read: ``frame``, and
        ``geometry`` for a GIS file), ``crs``, ``fields`` (canonical field → column),
        ``by_values`` (fields found by their values rather than their name),
        ``missing`` (required fields not found), ``dates`` (incidents:
        ``column``, ``precision``, ``example``, ``share`` readable; else ``None``)
        and ``positions`` (``kind`` lonlat / xy / geometry / wkt, ``crs``,
        ``guessed``, ``bounds``; ``None`` without positions).

    Examples
    --------
    >>> import tempfile, pathlib
    >>> p = pathlib.Path(tempfile.mkdtemp()) / "export.csv"
    >>> _ = p.write_bytes("Catégorie;Date;X;Y\nMéfait;01/06/2024 22:10;288301;5056128\n"
    ...                   .encode("cp1252"))
    >>> info = inspect_file(p)
    >>> info["encoding"], info["sep"], info["fields"]["category"], info["dates"]["precision"]
    ('cp1252', ';', 'Catégorie', 'minute')
    >>> info["positions"]["crs"]
    'EPSG:32188'
    """
    p = Path(path)
    sample = _read_sample(p, sample_rows)
    frame = sample["frame"]
    fields = _resolve_fields(table, frame, preset, None, str(p))
    by_values: list[str] = []
    if table == "incidents":
        tax = taxonomy_mod.load_taxonomy() if taxonomy is None else taxonomy
        if "occurred_from" not in fields:
            found = _date_column(frame, set(fields.values()))
            if found is not None:
                fields["occurred_from"], by_values = found, [*by_values, "occurred_from"]
        if "category" not in fields:
            found = _category_column(frame, set(fields.values()), tax)
            if found is not None:
                fields["category"], by_values = found, [*by_values, "category"]
    info = {
        "path": p,
        "table": table,
        "format": sample["format"],
        "encoding": sample["encoding"],
        "sep": sample["sep"],
        "rows_sampled": len(frame),
        "columns": [str(c) for c in frame.columns],
        "sample": sample,
        "crs": crs,
    }
    return with_fields(info, fields, by_values)


def with_fields(
    info: dict[str, Any], fields: dict[str, str], by_values: list[str] | None = None
) -> dict[str, Any]:
    r"""What a file holds with these column roles: the dates and positions guessed again.

    Parameters
    ----------
    info : dict
        From :func:`inspect_file` (its ``sample`` is read again, not the file).
    fields : dict
        Canonical field → column of the file (a field left out has no column).
    by_values : list of str, optional
        The fields found by their values rather than their name (default: those
        of ``info`` still mapped to the same column).

    Returns
    -------
    dict
        A new ``info`` with ``fields``, ``by_values``, ``missing``, ``dates`` and
        ``positions`` for these roles.

    Examples
    --------
    >>> import tempfile, pathlib
    >>> p = pathlib.Path(tempfile.mkdtemp()) / "e.csv"
    >>> _ = p.write_text("Quand,Saisie,Libelle\n05/2024,2024-06-03 10:00,Vol\n")
    >>> info = inspect_file(p)
    >>> info["dates"]["column"], info["dates"]["precision"]
    ('Quand', 'month')
    >>> fixed = with_fields(info, {**info["fields"], "occurred_from": "Saisie"})
    >>> fixed["dates"]["column"], fixed["dates"]["precision"], fixed["by_values"]
    ('Saisie', 'minute', ['category'])
    """
    frame = info["sample"]["frame"]
    if by_values is None:
        old = info.get("fields", {})
        by_values = [f for f in info.get("by_values", []) if fields.get(f) == old.get(f)]
    dates, missing = None, []
    if info["table"] == "incidents":
        missing = [f for f in ("occurred_from", "category") if f not in fields]
        if "occurred_from" in fields:
            precision, example, share = _date_precision(frame[fields["occurred_from"]])
            if precision == "day" and "occurred_from_time" in fields:
                precision = "minute"
            dates = {
                "column": fields["occurred_from"],
                "precision": precision,
                "example": example,
                "share": share,
            }
    return {
        **info,
        "fields": dict(fields),
        "by_values": list(by_values),
        "missing": missing,
        "dates": dates,
        "positions": _positions(info["sample"], fields, info["crs"]),
    }


def category_counts(info: dict[str, Any]) -> pd.Series:
    r"""How many rows of the whole file carry each category label (that column only is read).

    Parameters
    ----------
    info : dict
        What :func:`inspect_file` found in the file (its ``category`` field).

    Returns
    -------
    pandas.Series of int
        Label (trimmed, as written) → rows, most frequent first; empty labels left out.

    Examples
    --------
    >>> import tempfile, pathlib
    >>> p = pathlib.Path(tempfile.mkdtemp()) / "e.csv"
    >>> _ = p.write_text("date,category\n2024-01-02,Vol\n2024-01-03,Vol\n2024-01-04,Méfait\n")
    >>> category_counts(inspect_file(p)).to_dict()
    {'Vol': 2, 'Méfait': 1}
    """
    col = info["fields"].get("category")
    if col is None:
        return pd.Series(dtype="int64")
    if info["format"] == "csv":
        values = pd.read_csv(
            info["path"],
            sep=info["sep"],
            encoding=info["encoding"],
            encoding_errors="replace",
            usecols=lambda c: str(c).strip().lstrip("\ufeff") == col,
            dtype=str,
            keep_default_na=False,
            on_bad_lines="skip",
        ).iloc[:, 0]
    else:
        values = read_table(info["path"]).frame[col]
    text = as_text(values)
    counts = text[text != ""].value_counts(sort=False)
    order = sorted(counts.index, key=lambda k: (-int(counts[k]), k))
    return counts.loc[order].astype("int64").rename(None).rename_axis(None)
