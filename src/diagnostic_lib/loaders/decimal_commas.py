"""Repair of unquoted decimal commas in comma-separated files.

A French-locale export written with ``,`` as separator and unquoted numbers
such as ``300000,5`` gives rows with one field too many. Such a row is rejected
as malformed, unless the intent is certain: exactly one way of joining two
adjacent fields in the table's *numeric* columns (coordinates, costs,
populations, scores) gives a row as long as the header in which

* each joined value is digits, a comma, digits (``-73,5``, ``300000,25``);
* every numeric column holds a number (or nothing);
* every numeric value lies within the range that the file's well-formed rows
  show for that column (widened by that range's width), so that ``5,5000000``
  is not taken for a northing of 5.5 m.

The repaired row is kept and flagged ``decimal_comma_repaired``. Without at
least :data:`MIN_OBSERVED` well-formed values to learn a column's range from, no
repair is certain and the row stays rejected.

Examples
--------
>>> import numpy as np, pandas as pd
>>> from diagnostic_lib.readers import RawTable
>>> good = pd.DataFrame({"id": [str(i) for i in range(10)], "x": ["300000"] * 10,
...                      "y": ["5000000"] * 10})
>>> raw = RawTable(good, np.arange(2, 12), "f.csv", "csv", 11, [(12, "10,300000,5,5000000")],
...                sep=",", malformed_fields={12: ["10", "300000", "5", "5000000"]})
>>> fixed, rows = repair_decimal_commas(raw, ["x", "y"])
>>> rows, fixed.frame.iloc[-1].tolist(), fixed.malformed
([12], ['10', '300000,5', '5000000'], [])
"""

from __future__ import annotations

import re
from collections.abc import Sequence
from itertools import combinations

import numpy as np
import pandas as pd

from ..readers import RawTable

MIN_OBSERVED: int = 10
"""Well-formed values a column needs before its range can vouch for a repair."""

NUMERIC_FIELDS: tuple[str, ...] = (
    "x",
    "y",
    "lon",
    "lat",
    "cost",
    "reach_m",
    "buffer_m",
    "population",
    "safety_day",
    "safety_night",
    "weight",
)
"""Canonical fields whose values are plain numbers (candidates for a repair)."""

_LEFT = re.compile(r"-?\d+")
_RIGHT = re.compile(r"\d+")


def repair_decimal_commas(
    raw: RawTable, numeric_columns: Sequence[str]
) -> tuple[RawTable, list[int]]:
    """Join the decimal commas of malformed rows where only one reading is possible.

    Parameters
    ----------
    raw : RawTable
        A table as read (its ``malformed_fields`` hold the split records).
    numeric_columns : sequence of str
        Source columns that hold plain numbers.

    Returns
    -------
    (RawTable, list of int)
        The same table, changed in place: the repaired rows moved from
        ``malformed`` to ``frame`` (in row order); and their row numbers.

    Examples
    --------
    >>> import numpy as np, pandas as pd
    >>> from diagnostic_lib.readers import RawTable
    >>> good = pd.DataFrame({"id": list("abcdefghij"), "cost": [str(100 * k) for k in range(10)]})
    >>> raw = RawTable(good, np.arange(2, 12), "m.csv", "csv", 11, [(12, "k,250,5")], sep=",",
    ...                malformed_fields={12: ["k", "250", "5"]})
    >>> repair_decimal_commas(raw, ["cost"])[1]
    [12]
    """
    cols = list(raw.frame.columns)
    idx = [cols.index(c) for c in numeric_columns if c in cols]
    if raw.sep != "," or not raw.malformed_fields or not idx:
        return raw, []
    ranges = {j: _observed_range(raw.frame.iloc[:, j]) for j in idx}
    if any(r is None for r in ranges.values()):
        return raw, []
    fixed: dict[int, list[str]] = {}
    for row, rec in raw.malformed_fields.items():
        extra = len(rec) - len(cols)
        if not 1 <= extra <= len(idx):
            continue
        readings = [
            out
            for joined in combinations(idx, extra)
            if (out := _joined(rec, len(cols), set(joined))) is not None
            and _plausible(out, idx, ranges)
        ]
        if len(readings) == 1:
            fixed[row] = readings[0]
    if not fixed:
        return raw, []
    added = pd.DataFrame(list(fixed.values()), columns=cols, dtype="str")
    frame = pd.concat([raw.frame, added.astype(raw.frame.dtypes.to_dict())], ignore_index=True)
    rows = np.concatenate([raw.rows, np.fromiter(fixed, dtype="int64")])
    order = np.argsort(rows, kind="stable")
    raw.frame = frame.iloc[order].reset_index(drop=True)
    raw.rows = rows[order]
    raw.malformed = [(r, t) for r, t in raw.malformed if r not in fixed]
    raw.malformed_fields = {r: f for r, f in raw.malformed_fields.items() if r not in fixed}
    return raw, sorted(fixed)


def _joined(rec: list[str], width: int, joined: set[int]) -> list[str] | None:
    """The record with fields ``j`` and ``j + 1`` joined by a comma for each ``j`` in ``joined``."""
    out: list[str] = []
    pos = 0
    for j in range(width):
        if j in joined:
            left, right = rec[pos].strip(), rec[pos + 1].strip()
            if not (_LEFT.fullmatch(left) and _RIGHT.fullmatch(right)):
                return None
            out.append(f"{left},{right}")
            pos += 2
        else:
            out.append(rec[pos])
            pos += 1
    return out


def _number(text: str) -> float | None:
    t = text.strip().replace(",", ".")
    if not t:
        return np.nan
    try:
        return float(t)
    except ValueError:
        return None


def _observed_range(values: pd.Series) -> tuple[float, float] | None:
    nums = pd.to_numeric(
        values.astype("str").str.strip().str.replace(",", ".", regex=False), errors="coerce"
    ).to_numpy(dtype="float64", na_value=np.nan)
    nums = nums[np.isfinite(nums)]
    if len(nums) < MIN_OBSERVED:
        return None
    lo, hi = float(nums.min()), float(nums.max())
    return lo, hi


def _plausible(
    rec: list[str], idx: list[int], ranges: dict[int, tuple[float, float] | None]
) -> bool:
    for j in idx:
        v = _number(rec[j])
        if v is None:
            return False
        if np.isnan(v):
            continue
        lo, hi = ranges[j]  # type: ignore[misc]
        width = max(hi - lo, abs(hi) * 0.01, 1e-9)
        if not lo - width <= v <= hi + width:
            return False
    return True
