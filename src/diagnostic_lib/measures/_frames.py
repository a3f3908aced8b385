"""Small helpers on the tables of step 2 (columns with defaults, code lists, dates)."""

from __future__ import annotations

from typing import Any

import numpy as np
import pandas as pd


def _col(frame: pd.DataFrame, name: str, default: Any) -> pd.Series:
    if name in frame.columns:
        return frame[name]
    return pd.Series([default] * len(frame), index=frame.index, dtype=object)


def _tuple(v: Any) -> tuple:
    if v is None or (isinstance(v, float) and np.isnan(v)):
        return ()
    if isinstance(v, str):
        return tuple(s for s in v.replace("|", ";").split(";") if s) if v else ()
    return tuple(v)


def _missing(v: Any) -> bool:
    return v is None or (not isinstance(v, (tuple, list, dict)) and bool(pd.isna(v)))


def _active_problems(problems: pd.DataFrame) -> pd.DataFrame:
    if "excluded" in problems.columns:
        return problems[~problems["excluded"].fillna(False).astype(bool).to_numpy()]
    return problems


def _ref(ref_date: Any) -> pd.Timestamp:
    return pd.Timestamp(ref_date) if ref_date is not None else pd.Timestamp.today().normalize()
