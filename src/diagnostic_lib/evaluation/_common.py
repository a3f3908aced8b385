"""Small helpers shared by the modules of step 3: code lists, scalars, months, points."""

from __future__ import annotations

from typing import Any

import numpy as np
import pandas as pd

from .. import i18n


def _scalar(x: Any) -> Any:
    a = np.asarray(x)
    return float(a) if a.ndim == 0 else a


def _li(pair: tuple[str, str], lang: str) -> str:
    return pair[0] if i18n.check_lang(lang) == "fr" else pair[1]


def _num(v: float, lang: str, digits: int = 2) -> str:
    if v is None or not np.isfinite(v):
        return "—"
    s = f"{v:,.{digits}f}"
    return s.replace(",", "\u202f").replace(".", ",") if lang == "fr" else s


def _int(v: float, lang: str) -> str:
    if v is None or pd.isna(v):
        return "—"
    s = f"{int(round(float(v))):,}"
    return s.replace(",", "\u202f") if lang == "fr" else s


def _pct(v: float, lang: str) -> str:
    if v is None or not np.isfinite(v):
        return "—"
    return f"{v * 100:.0f}\u202f%" if lang == "fr" else f"{v * 100:.0f}%"


def _date(ts: Any) -> str:
    return "" if ts is None or pd.isna(ts) else str(pd.Timestamp(ts).date())


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
    return np.array([np.datetime64(lo + pd.DateOffset(months=k), "us") for k in range(n + 1)])


def _month_floor(ts: Any) -> pd.Timestamp:
    t = pd.Timestamp(ts)
    return pd.Timestamp(year=t.year, month=t.month, day=1)


def _xy_points(incidents: pd.DataFrame) -> tuple[np.ndarray, np.ndarray, np.ndarray]:
    import shapely

    geoms = np.asarray(incidents.geometry.array, dtype=object)
    has = ~pd.isna(pd.Series(geoms)).to_numpy()
    x = np.full(len(geoms), np.nan)
    y = np.full(len(geoms), np.nan)
    if has.any():
        x[has] = shapely.get_x(geoms[has])
        y[has] = shapely.get_y(geoms[has])
    has &= np.isfinite(x) & np.isfinite(y)
    return x, y, has


def _sm_warnings() -> tuple[type[Warning], ...]:
    from statsmodels.tools.sm_exceptions import ConvergenceWarning, PerfectSeparationWarning

    return (ConvergenceWarning, PerfectSeparationWarning)
