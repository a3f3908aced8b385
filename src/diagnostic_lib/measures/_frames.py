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


def distinct_ids(table: pd.DataFrame | None, what: tuple[str, str]) -> None:
    """Refuse a table in which one ``problem_id`` is twice (the ranks of the problems).

    :func:`~.summaries.problem_coverage` looks each problem's rank up by its id: a
    repeated id would give a problem two ranks (a priority table joined with itself,
    two put end to end, or ids that collided). A clear error, not pandas' deep in a
    look-up. (A register may repeat a problem: its pairs are then repeated.)
    ``what`` names the table in English and in French.

    Examples
    --------
    >>> table = ("the priority table", "la table des priorités")
    >>> distinct_ids(pd.DataFrame({"problem_id": ["P1", "P2"]}), table)
    >>> try:
    ...     distinct_ids(pd.DataFrame({"problem_id": ["P1", "P1"]}), table)
    ... except ValueError as e:
    ...     print(str(e).split(" / ")[0])
    the priority table: problem ids must be distinct; repeated: P1
    """
    if table is None or "problem_id" not in table.columns:
        return
    ids = table["problem_id"]
    twice = ids[ids.duplicated()]
    if len(twice):
        shown = ", ".join(sorted({str(v) for v in twice})[:10])
        en, fr = what
        raise ValueError(
            f"{en}: problem ids must be distinct; repeated: {shown} / "
            f"{fr} : les identifiants de problèmes doivent être distincts ; répétés : {shown}"
        )


def _ref(ref_date: Any) -> pd.Timestamp:
    return pd.Timestamp(ref_date) if ref_date is not None else pd.Timestamp.today().normalize()
