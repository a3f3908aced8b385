"""Small helpers shared by the modules of step 3: labels, code lists, scalars, months, points."""

from __future__ import annotations

from collections.abc import Iterable
from typing import Any

import numpy as np
import pandas as pd

from .. import i18n
from .._points import LOCATED, points_of


def _scalar(x: Any) -> Any:
    a = np.asarray(x)
    return float(a) if a.ndim == 0 else a


def _pairs(prefix: str, codes: Iterable[str]) -> dict[str, tuple[str, str]]:
    """``code → (French, English)`` from the label catalogue (keys ``prefix.code``)."""
    return {code: i18n.LABELS[f"{prefix}.{code}"] for code in codes}


def _label(prefix: str, code: str, lang: str) -> str:
    """The label of ``prefix.code`` (the code itself when the catalogue has none)."""
    return i18n.label(prefix, code, i18n.check_lang(lang))


def _tuple(v: Any) -> tuple:
    if v is None or (isinstance(v, float) and np.isnan(v)):
        return ()
    if isinstance(v, str):
        return tuple(s for s in v.replace("|", ";").split(";") if s)
    return tuple(v)


def _months_between(a: pd.Timestamp, b: pd.Timestamp) -> int:
    """Whole months m such that a + m months <= b (0 when b < a)."""
    if b < a:
        return 0
    m = (b.year - a.year) * 12 + (b.month - a.month)
    while m > 0 and a + pd.DateOffset(months=m) > b:
        m -= 1
    return int(m)


def _month_edges(lo: pd.Timestamp, n: int) -> np.ndarray:
    """The ``n + 1`` edges ``lo``, ``lo + 1 month``, … ``lo + n months``, in microseconds.

    As ``lo + pd.DateOffset(months=k)``: the day of the month is kept, or the
    month's last day when it has fewer days; the time of day is kept.
    """
    lo = pd.Timestamp(lo)
    month = np.datetime64(f"{lo.year:04d}-{lo.month:02d}", "M") + np.arange(max(n, -1) + 1)
    first = month.astype("datetime64[D]")
    days = ((month + 1).astype("datetime64[D]") - first).astype("int64")
    day = np.minimum(lo.day, days) - 1
    clock = np.timedelta64(lo.value - lo.normalize().value, "ns").astype("timedelta64[us]")
    return first.astype("datetime64[us]") + day.astype("timedelta64[D]") + clock


def _month_floor(ts: Any) -> pd.Timestamp:
    t = pd.Timestamp(ts)
    return pd.Timestamp(year=t.year, month=t.month, day=1)


def _xy_points(incidents: pd.DataFrame) -> tuple[np.ndarray, np.ndarray, np.ndarray]:
    """``(x, y, has)``: coordinates of each incident and whether it has finite ones.

    Of the incidents or their :func:`~diagnostic_lib._points.point_table`.
    """
    what, x, y = points_of(incidents)
    has = (what == LOCATED) & np.isfinite(x) & np.isfinite(y)
    return x, y, has


def _sm_warnings() -> tuple[type[Warning], ...]:
    from statsmodels.tools.sm_exceptions import ConvergenceWarning, PerfectSeparationWarning

    return (ConvergenceWarning, PerfectSeparationWarning)


def _targets_unmapped(rec: Any) -> bool:
    """Whether a measure lists a target category that has no code (see the measures loader)."""
    flag = rec.get("targets_unmapped", False)
    flagged = bool(flag) if flag is not None and not pd.isna(flag) else False
    return flagged or len(_tuple(rec.get("target_categories_unmapped", ()))) > 0


def _records(frame: pd.DataFrame, sel: pd.Index | None = None) -> list[dict[str, Any]]:
    """The rows of ``frame`` at the labels ``sel`` (default: all rows, in order), as dicts.

    The values of ``frame.loc[label]`` (a number may come as a Python scalar where
    ``.loc`` gives a NumPy one: the same value), each column read once for all rows.
    """
    if sel is None:  # every row, by position (labels may repeat)
        at = np.arange(len(frame))
    else:
        at = frame.index.get_indexer(sel) if frame.index.is_unique else None
        if at is None or (at < 0).any():  # (never in the pipeline: its labels are unique)
            return [frame.loc[i].to_dict() for i in sel]
    cols = {c: frame[c].to_numpy(dtype=object)[at] for c in frame.columns}
    return [{c: v[k] for c, v in cols.items()} for k in range(len(at))]
