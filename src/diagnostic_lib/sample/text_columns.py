"""Fast text columns for the sample's files: digits, dates, decimals and categories as text.

Vectorised (no per-value Python) so that writing millions of incidents stays quick:
timestamps and one-decimal coordinates are built by digit arithmetic, categorical columns
are decoded through their codes, and rows are joined with pyarrow. These are file formats
(``2025-06-01 22:30``, ``285000.5`` or ``285000,5``), not numbers formatted for people.
"""

from __future__ import annotations

from collections.abc import Sequence
from typing import Any

import numpy as np
import pandas as pd
import pyarrow as pa
import pyarrow.compute as pc


def _ascii_digits(buf: np.ndarray, col: int, values: np.ndarray, width: int) -> None:
    """Write ``values`` as ``width`` ASCII digits into columns ``col``… of ``buf`` (zero padded)."""
    for k in range(width):
        buf[:, col + k] = 48 + (values // 10 ** (width - 1 - k)) % 10


def _to_str_array(buf: np.ndarray) -> pd.arrays.ArrowStringArray:
    """Rows of ASCII bytes to a pandas string array (fast, through pyarrow)."""
    fixed = np.ascontiguousarray(buf).view(f"S{buf.shape[1]}").ravel()
    return pd.array(pa.array(fixed).cast(pa.string()), dtype="str")


def _text(arr: pa.Array) -> np.ndarray:
    """A pyarrow string array as a numpy object array."""
    return arr.to_numpy(zero_copy_only=False).astype(object)


def _fmt_timestamps(values: Any, pattern: str) -> pa.Array:
    """Format datetimes as ``"%Y-%m-%d %H:%M"``, ``"%d/%m/%Y"`` or ``"%H:%M"`` (fast).

    Digit arithmetic on the integer minutes (no per-value Python); NaT gives ``""``.
    """
    v = np.asarray(values, dtype="datetime64[m]")
    nat = np.isnat(v)
    minutes = np.where(nat, np.datetime64("2000-01-01T00:00"), v)
    days = minutes.astype("datetime64[D]")
    months = days.astype("datetime64[M]")
    years = days.astype("datetime64[Y]")
    year = years.astype(np.int64) + 1970
    month = (months - years).astype(np.int64) + 1
    day = (days - months).astype(np.int64) + 1
    mod = (minutes - days).astype(np.int64)
    hour, minute = mod // 60, mod % 60
    fields = {"%Y": (year, 4), "%m": (month, 2), "%d": (day, 2), "%H": (hour, 2), "%M": (minute, 2)}
    parts: list[tuple[np.ndarray, int] | bytes] = []
    i = 0
    while i < len(pattern):
        if pattern[i] == "%":
            parts.append(fields[pattern[i : i + 2]])
            i += 2
        else:
            parts.append(pattern[i].encode("ascii"))
            i += 1
    width = sum(p[1] if isinstance(p, tuple) else 1 for p in parts)
    buf = np.zeros((v.size, width), np.uint8)
    col = 0
    for p in parts:
        if isinstance(p, tuple):
            _ascii_digits(buf, col, p[0], p[1])
            col += p[1]
        else:
            buf[:, col] = p[0]
            col += 1
    buf[nat] = 0  # empty string
    fixed = np.ascontiguousarray(buf).view(f"S{width}").ravel()
    return pa.array(fixed).cast(pa.string())


def _fmt_decimal1(values: Any, point: str = ".") -> pa.Array:
    """Format non-negative floats with one decimal (``"%.1f"``); NaN gives ``""``."""
    v = np.asarray(values, dtype=float)
    nan = ~np.isfinite(v)
    tenths = np.where(nan, 0, np.round(v * 10)).astype(np.int64)
    if np.any(tenths < 0):  # pragma: no cover - coordinates are positive
        raise ValueError("negative value")
    whole = pa.array(tenths // 10).cast(pa.string())
    frac = pa.array(tenths % 10).cast(pa.string())
    out = pc.binary_join_element_wise(whole, frac, point)
    return pc.if_else(pa.array(nan), "", out)


def _as_text(series: pd.Series) -> pa.Array:
    """A column as a pyarrow string array, missing values as ``""``."""
    arr = pa.array(series.astype(object).where(series.notna(), "").astype(str).to_numpy())
    return arr.cast(pa.string())


def _join_lines(columns: Sequence[pa.Array], header: Sequence[str], sep: str, eol: str) -> bytes:
    """CSV bytes (UTF-8) from text columns: a header line, then one line per row."""
    rows = pc.binary_join_element_wise(*columns, sep) if len(columns) > 1 else columns[0]
    body = eol.join(rows.to_pylist())
    return (sep.join(header) + eol + body + (eol if len(rows) else "")).encode("utf-8")


def _categorical_text(series: pd.Series) -> pa.Array:
    """A categorical column as strings (decoded through its codes, fast)."""
    cat = series.astype("category")
    labels = pa.array(list(cat.cat.categories.astype(str)) + [""], type=pa.string())
    codes = cat.cat.codes.to_numpy().astype(np.int64)
    codes = np.where(codes < 0, len(labels) - 1, codes)
    return labels.take(pa.array(codes))
