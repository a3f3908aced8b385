"""Gaps: priority problems without (enough) coverage, single-pillar problems, sectors.

Examples
--------
>>> import pandas as pd
>>> s = pd.DataFrame({"problem_id": ["A", "B"], "rank": pd.array([1, 2], dtype="Int64"),
...     "gap": [True, False]})
>>> coverage_gaps(s)["problem_id"].tolist()
['A']
"""

from __future__ import annotations

import numpy as np
import pandas as pd

from .. import settings
from ._frames import _active_problems, _col, _tuple

DEFAULT_SECTOR_GAPS_TOP: int = settings.default("sector_gaps_top")
"""Rank up to which a problem counts as a priority problem in :func:`sector_gaps`.

The default of the ``sector_gaps_top`` tunable (10).
"""


def coverage_gaps(summary: pd.DataFrame, top: int | None = None) -> pd.DataFrame:
    """Priority problems with no coverage or weak coverage (by active measures).

    Parameters
    ----------
    summary : DataFrame
        From :func:`problem_coverage`.
    top : int, optional
        Keep problems ranked ``top`` or better; ``None`` keeps every gap,
        unranked ones (e.g. perception issues) included.

    Returns
    -------
    DataFrame
        The gap rows of ``summary``, by rank.

    Examples
    --------
    >>> s = pd.DataFrame({"problem_id": ["A", "B", "C"], "rank": pd.array([1, 2, 3], dtype="Int64"),
    ...     "level": ["none", "strong", "weak"], "gap": [True, False, True]})
    >>> coverage_gaps(s)["problem_id"].tolist(), coverage_gaps(s, top=2)["problem_id"].tolist()
    (['A', 'C'], ['A'])
    """
    g = summary[summary["gap"].astype(bool)]
    if top is not None:
        g = g[(g["rank"] <= top).fillna(False).astype(bool)]
    return g.reset_index(drop=True)


def single_pillar(summary: pd.DataFrame) -> pd.DataFrame:
    """Problems addressed (by active measures) through a single pillar only.

    E.g. enforcement-style problem solving with no partnership and no
    prevention. Problems with no active measure are gaps, not listed here.

    Returns
    -------
    DataFrame
        The rows of ``summary`` with one pillar, with ``pillar`` (that pillar)
        and ``missing_pillars``.

    Examples
    --------
    >>> s = pd.DataFrame({"problem_id": ["A", "B"],
    ...     "pillars": [("resolution",), ("resolution", "prevention")], "n_pillars": [1, 2],
    ...     "missing_pillars": [("rapprochement", "partenariat", "prevention"), ()]})
    >>> single_pillar(s)[["problem_id", "pillar"]].values.tolist()
    [['A', 'resolution']]
    """
    s = summary[summary["n_pillars"] == 1].copy()
    s.insert(1, "pillar", [p[0] for p in s["pillars"]])
    return s.reset_index(drop=True)


def sector_gaps(
    problems: pd.DataFrame,
    reg: pd.DataFrame,
    sectors: pd.DataFrame,
    summary: pd.DataFrame | None = None,
    incidents: pd.DataFrame | None = None,
    top: int = DEFAULT_SECTOR_GAPS_TOP,
    years: float | None = None,
) -> pd.DataFrame:
    """Sectors with many issues and few measures, with the numbers behind.

    Issues are the local problems (place, area and perception problems whose
    ``sectors`` include the sector; municipality-wide problems touch every
    sector alike and are left out). Measures are the **active** measures whose
    footprint touches the sector, municipality-wide ones apart (they touch
    every sector alike: ``n_measures_municipal``).

    Rule: a sector is flagged when it has at least as many problems as the
    median sector (and at least one), at most as many local measures as the
    median sector, and more problems than local measures.

    Parameters
    ----------
    problems : DataFrame
        Problem register (excluded problems left out).
    reg : DataFrame
        From :func:`registry`.
    sectors : DataFrame
    summary : DataFrame, optional
        From :func:`problem_coverage` (for ranks and gaps).
    incidents : DataFrame, optional
        For incident counts and rates per 1,000 residents per year.
    top : int
        A problem ranked ``top`` or better is a priority problem
        (:data:`DEFAULT_SECTOR_GAPS_TOP`).
    years : float, optional
        Length of the period for rates (default: the span of the incidents).

    Returns
    -------
    DataFrame
        ``sector, name, population, n_incidents, rate, n_problems,
        n_priority_problems, n_gap_problems, n_measures_local,
        n_measures_municipal, problems_per_measure, flag`` sorted by
        ``problems_per_measure``.

    Examples
    --------
    >>> sec = pd.DataFrame({"sector_id": ["A", "B", "C"], "name": ["a", "b", "c"],
    ...     "population": [100.0] * 3})
    >>> pb = pd.DataFrame({"problem_id": ["P1", "P2", "P3"], "kind": ["place", "area", "place"],
    ...     "sectors": [("A",), ("A", "B"), ("C",)]})
    >>> reg = pd.DataFrame({"measure_id": ["M1"], "status": ["active"], "footprint": ["polygon"],
    ...     "sectors_touched": [("C",)]})
    >>> cols = ["sector", "n_problems", "n_measures_local", "flag"]
    >>> sector_gaps(pb, reg, sec)[cols].values.tolist()
    [['A', 2, 0, True], ['B', 1, 0, True], ['C', 1, 1, False]]
    """
    pb = _active_problems(problems)
    local_pb = pb[_col(pb, "kind", "place").astype(str).to_numpy() != "municipality"]
    sid = sectors["sector_id"].astype(str).tolist()
    rank = summary.set_index("problem_id")["rank"] if summary is not None else None
    gap = summary.set_index("problem_id")["gap"] if summary is not None else None
    active = reg[reg["status"].astype(str) == "active"]
    muni = active["footprint"].astype(str) == "municipality"
    # each problem and each local measure listed under the sectors it touches (one pass each)
    touch_of: dict[str, list[str]] = {s: [] for s in sid}
    for p, secs in zip(local_pb["problem_id"], local_pb["sectors"], strict=True):
        for s in dict.fromkeys(_tuple(secs)):
            if s in touch_of:
                touch_of[s].append(str(p))
    n_loc_of: dict[str, int] = dict.fromkeys(sid, 0)
    for t in active.loc[~muni, "sectors_touched"]:
        for s in dict.fromkeys(_tuple(t)):
            if s in n_loc_of:
                n_loc_of[s] += 1
    rows = []
    for s in sid:
        touch = touch_of[s]
        n_prio = (
            int(sum(bool(pd.notna(rank.get(p, pd.NA)) and rank.get(p) <= top) for p in touch))
            if rank is not None
            else 0
        )
        n_gap = int(sum(bool(gap.get(p, False)) for p in touch)) if gap is not None else 0
        n_loc = n_loc_of[s]
        rows.append((s, len(touch), n_prio, n_gap, n_loc))
    out = pd.DataFrame(
        rows,
        columns=[
            "sector",
            "n_problems",
            "n_priority_problems",
            "n_gap_problems",
            "n_measures_local",
        ],
    )
    out.insert(1, "name", _col(sectors, "name", "").astype(str).to_numpy())
    pop = _col(sectors, "population", np.nan).astype("float64").to_numpy()
    out.insert(2, "population", pop)
    if incidents is not None and len(incidents):
        n_inc = incidents["sector"].astype(str).value_counts().reindex(sid, fill_value=0).to_numpy()
        if years is None:
            t = incidents["occurred_from"]
            years = max((t.max() - t.min()).days / 365.25, 1.0)
        with np.errstate(divide="ignore", invalid="ignore"):
            rate = np.where(pop > 0, n_inc / pop * 1000.0 / years, np.nan)
        out.insert(3, "n_incidents", n_inc)
        out.insert(4, "rate", rate)
    out["n_measures_municipal"] = int(muni.sum())
    out["problems_per_measure"] = out["n_problems"] / out["n_measures_local"].clip(lower=1)
    med_p = float(out["n_problems"].median())
    med_m = float(out["n_measures_local"].median())
    out["flag"] = (
        (out["n_problems"] >= max(med_p, 1))
        & (out["n_measures_local"] <= med_m)
        & (out["n_problems"] > out["n_measures_local"])
    )
    out.attrs["rule"] = {"median_problems": med_p, "median_local_measures": med_m}
    return out.sort_values(
        ["problems_per_measure", "n_problems", "sector"],
        ascending=[False, False, True],
        kind="stable",
    ).reset_index(drop=True)
