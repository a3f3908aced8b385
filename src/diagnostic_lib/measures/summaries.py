"""The coverage seen from each side: the matrix, each problem's measures, each measure's problems.

Examples
--------
>>> import pandas as pd
>>> cov = pd.DataFrame({"problem_id": ["P1"], "measure_id": ["M1"], "level": ["weak"],
...     "status": ["active"]})
>>> coverage_matrix(cov).values.tolist()
[['weak']]
"""

from __future__ import annotations

from collections.abc import Sequence

import numpy as np
import pandas as pd

from .. import i18n, schema
from ..errors import distinct_ids
from ._frames import _active_problems, _col, _tuple
from .levels import _LEVEL_RANK, GAP_LEVELS

_SYMBOLS = {"none": "", "weak": "●", "partial": "●●", "strong": "●●●"}


def coverage_matrix(cov: pd.DataFrame, lang: str | None = None) -> pd.DataFrame:
    """The problems × measures matrix of coverage levels.

    Parameters
    ----------
    cov : DataFrame
        From :func:`coverage`.
    lang : {"fr", "en"}, optional
        ``None``: level codes. With a language: ``●`` weak, ``●●`` partial,
        ``●●●`` strong, blank for none; a planned or ended measure is marked
        ``(prévue)``/``(planned)`` or ``(terminée)``/``(ended)``.

    Returns
    -------
    DataFrame
        Problems as rows, measures as columns, in the order of ``cov``.

    Examples
    --------
    >>> cov = pd.DataFrame({"problem_id": ["P1", "P1"], "measure_id": ["M2", "M1"],
    ...     "level": ["strong", "weak"], "status": ["active", "ended"]})
    >>> coverage_matrix(cov).values.tolist()
    [['strong', 'weak']]
    >>> coverage_matrix(cov, "en").values.tolist()
    [['●●●', '● (ended)']]
    """
    rows = pd.unique(cov["problem_id"])
    cols = pd.unique(cov["measure_id"])
    if lang is None:
        vals = cov["level"].astype(str)
    else:
        sym = cov["level"].map(_SYMBOLS).fillna("")
        mark = cov["status"].map(
            lambda s: "" if s == "active" else f" ({i18n.t(f'status.{s}', lang).lower()})"
        )
        vals = sym + np.where(sym != "", mark, "")
    piv = (
        pd.DataFrame({"p": cov["problem_id"], "m": cov["measure_id"], "v": vals})
        .pivot(index="p", columns="m", values="v")
        .reindex(index=rows, columns=cols)
    )
    piv.index.name = "problem_id"
    piv.columns.name = "measure_id"
    return piv


def _by_level(cov: pd.DataFrame, key: str) -> np.ndarray:
    """Positions of the rows of ``cov`` above none: strongest level first, then by ``key``.

    The order of ``cov[cov["level"] != "none"].assign(_r=rank).sort_values(["_r", key],
    ascending=[False, True], kind="stable")``, with ``_r`` the level's rank (a level
    without a rank, or a missing key, last; equal rows kept in their order), found on
    integer codes rather than on a sorted copy of the table: at 10M incidents the
    related pairs are 9.2 million rows, and the copies and text sorts of the two
    summaries held over 2 GB at once.
    """
    level = cov["level"]
    keep = np.flatnonzero((level != "none").to_numpy())
    l_codes, l_names = pd.factorize(level)
    ranks = np.array([_LEVEL_RANK.get(v, np.nan) for v in l_names] + [np.nan], dtype="float64")
    r = ranks[l_codes[keep]]
    k_codes, _ = pd.factorize(cov[key], sort=True)
    k = k_codes[keep]
    k = np.where(k < 0, np.iinfo(np.int64).max, k)
    return keep[np.lexsort((k, np.where(np.isnan(r), np.inf, -r)))]


def _groups(
    cov: pd.DataFrame, at: np.ndarray, by: str, cols: Sequence[str]
) -> dict[str, dict[str, np.ndarray]]:
    """The rows of ``cov`` at positions ``at`` by value of ``by`` (order of ``at`` kept).

    As plain object arrays per column, a dict by the text of ``by`` (a missing value
    is in no group).
    """
    key = cov[by]
    if not isinstance(key.dtype, pd.StringDtype):
        key = key.astype(str)
    codes, uniq = pd.factorize(key)
    codes = codes[at]
    order = np.argsort(codes, kind="stable")
    cut = np.searchsorted(codes[order], np.arange(len(uniq) + 1))
    rows = at[order]
    arrays = {col: _shared_text(cov[col])[rows] for col in cols}
    return {
        str(u): {col: a[cut[k] : cut[k + 1]] for col, a in arrays.items()}
        for k, u in enumerate(uniq)
        if cut[k + 1] > cut[k]
    }


def _shared_text(col: pd.Series) -> np.ndarray:
    """``col`` as text in an object array where equal values are one string object.

    The groups' tuples keep these strings: at 5M incidents, 2.3 million related pairs
    made as many copies of ``"weak"`` and of each problem's identifier (about 650 MB
    kept by the coverage summaries), where one of each suffices.
    """
    codes, uniq = pd.factorize(col.astype(str), use_na_sentinel=False)
    return np.asarray(uniq, dtype=object)[codes]


def problem_coverage(
    cov: pd.DataFrame, problems: pd.DataFrame, priority: pd.DataFrame | None = None
) -> pd.DataFrame:
    """For each problem, its measures: the coverage seen from the problems' side.

    The problem's ``level`` is the best level among its **active** measures;
    planned and ended measures addressing it are listed apart. A problem is a
    ``gap`` when its level is ``none`` or ``weak``; ``gap_reason`` says why:
    ``uncovered`` (no measure at all), ``only_planned``, ``only_ended``,
    ``only_planned_or_ended``, or ``weak``.

    Parameters
    ----------
    cov : DataFrame
        From :func:`coverage`.
    problems : DataFrame
        The register used for ``cov``.
    priority : DataFrame, optional
        From :func:`diagnostic_lib.inventory.priority` (gives ``rank``).

    Returns
    -------
    DataFrame
        ``problem_id, title_fr, title_en, problem_kind, sectors, categories, rank,
        level, n_measures, measures, measure_levels, planned, ended, pillars,
        n_pillars, missing_pillars, gap, gap_reason``, sorted by rank
        (unranked problems last).

    Examples
    --------
    >>> cov = pd.DataFrame({"problem_id": ["P1", "P1", "P2"], "measure_id": ["M1", "M2", "M1"],
    ...     "pillar": ["prevention", "partenariat", "prevention"],
    ...     "status": ["active", "planned", "active"],
    ...     "level": ["partial", "strong", "none"]})
    >>> pb = pd.DataFrame({"problem_id": ["P1", "P2"], "title_fr": ["a", "b"],
    ...     "title_en": ["a", "b"]})
    >>> s = problem_coverage(cov, pb)
    >>> s[["problem_id", "level", "measures", "planned", "gap", "gap_reason"]].values.tolist()
    [['P1', 'partial', ('M1',), ('M2',), False, ''], ['P2', 'none', (), (), True, 'uncovered']]
    """
    pb = _active_problems(problems)
    distinct_ids(priority, ("the priority table", "la table des priorités"))
    rank = (
        priority.set_index("problem_id")["rank"]
        if priority is not None
        else pd.Series(dtype="Int64")
    )
    at = _by_level(cov, "measure_id")
    groups = _groups(cov, at, "problem_id", ("status", "measure_id", "level", "pillar"))
    empty = {k: np.array([], dtype=object) for k in ("status", "measure_id", "level", "pillar")}
    rows = []
    for rec in pb.itertuples(index=False):
        pid = str(rec.problem_id)
        g = groups.get(pid, empty)
        act = g["status"] == "active"
        cur_m, cur_l = g["measure_id"][act], g["level"][act]
        planned = tuple(g["measure_id"][g["status"] == "planned"])
        ended = tuple(g["measure_id"][g["status"] == "ended"])
        level = str(cur_l[0]) if len(cur_m) else "none"
        present = set(g["pillar"][act])
        pillars = tuple(p for p in schema.PILLARS if p in present) + tuple(
            sorted(present - set(schema.PILLARS))
        )
        gap = level in GAP_LEVELS
        if not gap:
            reason = ""
        elif len(cur_m):
            reason = "weak"
        elif planned and ended:
            reason = "only_planned_or_ended"
        elif planned:
            reason = "only_planned"
        elif ended:
            reason = "only_ended"
        else:
            reason = "uncovered"
        rows.append(
            {
                "problem_id": pid,
                "title_fr": getattr(rec, "title_fr", pid),
                "title_en": getattr(rec, "title_en", pid),
                "problem_kind": getattr(rec, "kind", ""),
                "sectors": _tuple(getattr(rec, "sectors", ())),
                "categories": _tuple(getattr(rec, "categories", ())),
                "rank": rank.get(pid, pd.NA),
                "level": level,
                "n_measures": len(cur_m),
                "measures": tuple(cur_m),
                "measure_levels": tuple(cur_l),
                "planned": planned,
                "ended": ended,
                "pillars": pillars,
                "n_pillars": len(pillars),
                "missing_pillars": tuple(p for p in schema.PILLARS if p not in present),
                "gap": gap,
                "gap_reason": reason,
            }
        )
    out = pd.DataFrame(rows, columns=PROBLEM_COVERAGE_COLUMNS)  # no problem: the columns still
    out["rank"] = pd.array(out["rank"], dtype="Int64")
    out = out.sort_values("rank", na_position="last", kind="stable").reset_index(drop=True)
    return out


PROBLEM_COVERAGE_COLUMNS = (
    "problem_id",
    "title_fr",
    "title_en",
    "problem_kind",
    "sectors",
    "categories",
    "rank",
    "level",
    "n_measures",
    "measures",
    "measure_levels",
    "planned",
    "ended",
    "pillars",
    "n_pillars",
    "missing_pillars",
    "gap",
    "gap_reason",
)
"""The columns of :func:`problem_coverage` (an empty table has them too)."""


def measure_coverage(cov: pd.DataFrame, reg: pd.DataFrame) -> pd.DataFrame:
    """For each measure, its problems: the coverage seen from the measures' side.

    Parameters
    ----------
    cov : DataFrame
        From :func:`coverage`.
    reg : DataFrame
        From :func:`registry` (or the measures table).

    Returns
    -------
    DataFrame
        Aligned with ``reg``: ``measure_id, name, name_en, pillar, status,
        level`` (the best), ``n_problems, problems, problem_levels`` (levels
        above none, best first).

    Examples
    --------
    >>> cov = pd.DataFrame({"problem_id": ["P1", "P2"], "measure_id": ["M1", "M1"],
    ...     "level": ["weak", "strong"]})
    >>> reg = pd.DataFrame({"measure_id": ["M1", "M2"], "name": ["a", "b"],
    ...     "pillar": ["prevention"] * 2,
    ...     "status": ["active"] * 2})
    >>> measure_coverage(cov, reg)[["measure_id", "level", "problems"]].values.tolist()
    [['M1', 'strong', ('P2', 'P1')], ['M2', 'none', ()]]
    """
    groups = _groups(cov, _by_level(cov, "problem_id"), "measure_id", ("problem_id", "level"))
    out = pd.DataFrame(index=reg.index)
    out["measure_id"] = reg["measure_id"].astype(str)
    for col in ("name", "name_en", "pillar", "status"):
        out[col] = _col(reg, col, "")
    empty = {"problem_id": np.array([], dtype=object), "level": np.array([], dtype=object)}
    probs = [groups.get(m, empty) for m in out["measure_id"]]
    out["level"] = [str(g["level"][0]) if len(g["level"]) else "none" for g in probs]
    out["n_problems"] = [len(g["level"]) for g in probs]
    out["problems"] = pd.Series(
        [tuple(g["problem_id"]) for g in probs], index=reg.index, dtype=object
    )
    out["problem_levels"] = pd.Series(
        [tuple(g["level"]) for g in probs], index=reg.index, dtype=object
    )
    return out
