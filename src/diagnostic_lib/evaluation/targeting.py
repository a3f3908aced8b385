"""Relevance and targeting: whether the measures in place aim at today's problems.

:func:`reach_matrix` (the share of each problem's incidents a measure can
reach: right problem, place and time), :func:`relevance` (against the
priority scores of step 1), :func:`pillar_balance` (the four pillars of
community policing) and :func:`relevance_flags` (the findings that call for a
decision).
"""

from __future__ import annotations

import functools
from collections.abc import Callable
from typing import Any

import numpy as np
import pandas as pd

from .. import formatting as fmt
from .. import i18n, inventory, schema, settings
from .. import measures as measures_mod
from .._points import point_columns
from .._spatial import PointIndex
from .._text import str_take
from ..errors import distinct_ids
from ._common import _pairs, _tuple, _xy_points
from .decision import AGAINST, SUCCESS
from .design import data_period


def _is_active(measures: pd.DataFrame, data_end: Any) -> pd.Series:
    last = pd.Timestamp(data_end) - pd.Timedelta(days=1)
    s, e = (
        measures["start"],
        measures["end"] if "end" in measures.columns else pd.Series(pd.NaT, index=measures.index),
    )
    return (s.notna() & (s <= last) & (e.isna() | (e >= last))).rename("active")


def reach_matrix(
    measures: pd.DataFrame,
    problems: pd.DataFrame,
    incidents: pd.DataFrame,
    sectors: pd.DataFrame,
    every_pair: bool = False,
) -> pd.DataFrame:
    """Share of each problem's incidents each measure can reach: right problem, place, time.

    For a measure and a problem (incidents mapped with
    :func:`diagnostic_lib.inventory.problem_incidents`):

    - ``problem_share``: share of the problem's incidents in the measure's
      target categories (empty = all) — the right problem;
    - ``place_share``: share inside the measure's treated area (a sectors
      footprint also takes unlocated incidents recorded in its sectors; the
      whole municipality takes all; no footprint = unknown, NaN) — the right place;
    - ``time_share``: share in its target shifts (empty = all) — the right time;
    - ``reach``: share matching all three at once (place ignored when unknown).

    Only the pairs where the measure reaches at least one of the problem's
    incidents are listed (``reach > 0``): a region of thousands of problems and
    measures would otherwise give tens of millions of rows, nearly all of them
    zero. A measure absent from the table reaches none of the problems' incidents.

    Parameters
    ----------
    measures, problems, incidents, sectors : DataFrame
        The measures (step 2), the problem register (step 1), the incidents and
        the sectors.
    every_pair : bool
        List every problem × measure pair instead, zeros included.

    Returns
    -------
    DataFrame
        ``measure_id, problem_id, n_incidents, problem_share, place_share,
        time_share, reach, place_known``, by measure (in the order of
        ``measures``) then problem.

    Examples
    --------
    >>> from diagnostic_lib import inventory, loaders, sample
    >>> d = loaders.load_diagnostic(sample.sample_dir() / "diagnostic.toml")
    >>> pb = inventory.find_problems(d.incidents, d.sectors, d.weights, d.taxonomy, d.survey,
    ...                              d.places)
    >>> r = reach_matrix(d.measures, pb, d.incidents, d.sectors)
    >>> best = r.sort_values("reach").groupby("measure_id").tail(1).set_index("measure_id")
    >>> bool(best.loc["M01", "reach"] > 0.3)
    True
    """
    pid = inventory.problem_incidents(problems, incidents)
    has_p = pid.notna().to_numpy()
    # the columns read below, not a copy of every column of the problems' incidents
    read = [c for c in ("category", "shift", "sector") if c in incidents.columns]
    inc = incidents.loc[has_p, [*read, *point_columns(incidents)]]
    if not len(inc) or not len(measures):
        return pd.DataFrame([], columns=_REACH_COLUMNS)
    # Counts of each problem's incidents by (category, shift), then per measure the
    # incidents inside its area (one spatial query): every share is a count over n.
    pi = _ProblemIncidents(inc, pid[has_p])  # as Arrow text: not a Python string a row
    mt = _MeasureTargets(measures, measures_mod.treated_area(measures, sectors), pi)
    m_ids = measures["measure_id"].astype(str).to_numpy(dtype=object)
    pairs = _place_pairs(pi, mt)
    # the problems × measures counts a block of measures at a time: at a province's
    # scale (thousands of each) the whole matrices held about a gigabyte
    step = max(1, _REACH_CELLS // max(len(pi.p_names), 1))
    parts = [
        _reach_block(pi, mt, pairs, a, min(a + step, len(m_ids)), every_pair)
        for a in range(0, len(m_ids), step)
    ]
    del pairs
    # the text columns written once from codes: at a province's scale (8.6M rows at 10M
    # incidents) a table a block, then their concatenation, held the table twice
    cols = {}
    for c in list(parts[0]):  # a column at a time, each block's copy let go as it is joined
        cols[c] = np.concatenate([pt.pop(c) for pt in parts])
    m_at, p_at = cols.pop("m_at"), cols.pop("p_at")
    cols["measure_id"] = str_take(m_ids, m_at)
    del m_at
    cols["problem_id"] = str_take(np.asarray(pi.p_names, dtype=object), p_at)
    del p_at
    # copy=False: each column stays its own array (not copied into one block of floats)
    return pd.DataFrame({c: cols.pop(c) for c in _REACH_COLUMNS}, copy=False)


_REACH_CELLS = 4_000_000
"""Problem × measure cells of one block of :func:`reach_matrix` (32 MB per count)."""


def _reach_block(
    pi: _ProblemIncidents,
    mt: _MeasureTargets,
    pairs: tuple[np.ndarray, np.ndarray, np.ndarray],
    a: int,
    b: int,
    every_pair: bool,
) -> dict[str, np.ndarray]:
    """The rows of :func:`reach_matrix` for the measures at positions ``a`` to ``b``.

    As arrays: ``m_at`` and ``p_at``, the positions of each row's measure (in the
    measures) and problem (in ``pi.p_names``), and the table's numeric columns.
    """
    cols = slice(a, b)
    cat_cnt = pi.joint @ mt.cat_mask[:, cols]  # problems × measures
    tim_cnt = pi.joint @ mt.tim_mask[:, cols]
    all_cnt = pi.joint @ mt.all_mask[:, cols]  # the place counts replace it where it is known
    place_cnt = np.repeat(pi.n_by[:, None], b - a, axis=1)
    _place_counts(pi, mt, pairs, place_cnt, all_cnt, a, b)
    known_or_muni = (mt.known | mt.muni)[cols]
    # (measure, problem) of the pairs listed, measure first
    m_at, p_at = np.nonzero(np.ones(all_cnt.T.shape, bool) if every_pair else all_cnt.T > 0)
    n = pi.n_by[p_at]
    with np.errstate(invalid="ignore", divide="ignore"):
        return {
            "m_at": (a + m_at).astype("int64"),
            "p_at": p_at.astype("int64"),
            "n_incidents": n.astype("int64"),
            "problem_share": cat_cnt[p_at, m_at] / n,
            "place_share": np.where(known_or_muni[m_at], place_cnt[p_at, m_at] / n, np.nan),
            "time_share": tim_cnt[p_at, m_at] / n,
            "reach": all_cnt[p_at, m_at] / n,
            "place_known": known_or_muni[m_at],
        }


_REACH_COLUMNS = (
    "measure_id",
    "problem_id",
    "n_incidents",
    "problem_share",
    "place_share",
    "time_share",
    "reach",
    "place_known",
)


class _ProblemIncidents:
    """The incidents of the problems, coded by problem and by (category, shift) key."""

    def __init__(self, inc: pd.DataFrame, problem_ids: pd.Series | np.ndarray) -> None:
        self.p_codes, self.p_names = pd.factorize(problem_ids, sort=True)
        self.x, self.y, self.loc = _xy_points(inc)
        # codes of the columns, not their text: a Python string an incident (hundreds of MB at 5M)
        c_codes, c_u = pd.factorize(inc["category"])
        self.c_names = np.asarray(c_u, dtype=object)
        if "shift" in inc.columns:  # no shift: a code of its own, where it first appears
            s_codes, s_u = pd.factorize(inc["shift"], use_na_sentinel=False)
            self.s_names = [_NO_SHIFT if pd.isna(v) else str(v) for v in s_u]
        else:
            s_codes, self.s_names = np.zeros(len(inc), "int64"), [_NO_SHIFT] * bool(len(inc))
        self.n_s = len(self.s_names)
        self.key = c_codes.astype("int64") * self.n_s + s_codes
        self.joint = np.zeros((len(self.p_names), len(self.c_names) * self.n_s), dtype="float64")
        np.add.at(self.joint, (self.p_codes, self.key), 1.0)
        self.n_by = self.joint.sum(axis=1)
        self._sector = inc["sector"] if "sector" in inc.columns else None
        self.sec_na = self._sector.isna().to_numpy() if self._sector is not None else None

    @functools.cached_property
    def unlocated_by_sector(self) -> dict[Any, np.ndarray]:
        """Positions of the incidents with no position but a sector, by sector (found once)."""
        if self._sector is None:
            return {}
        off = np.flatnonzero(~self.loc & ~self.sec_na)
        if not len(off):
            return {}
        sect = self._sector.iloc[off].astype("str").to_numpy()
        order = np.argsort(sect, kind="stable")
        return dict(_groups(sect[order], off[order]))


_NO_SHIFT = "\x00na"
"""The shift of an incident recorded without one (a key of its own: never a target)."""


class _MeasureTargets:
    """What each measure targets: masks of the (category, shift) keys, and its place."""

    def __init__(self, measures: pd.DataFrame, treated: pd.Series, pi: _ProblemIncidents) -> None:
        n_k, n_m = len(pi.c_names) * pi.n_s, len(measures)
        self.cat_mask = np.zeros((n_k, n_m))
        self.tim_mask = np.zeros((n_k, n_m))
        self.known = np.zeros(n_m, dtype=bool)
        self.muni = np.zeros(n_m, dtype=bool)
        self.fps: list[tuple[Any, Any, tuple]] = []
        c_names = np.asarray(pi.c_names, dtype=object)
        s_names = np.asarray(pi.s_names, dtype=object)
        s_real = np.array([nm != _NO_SHIFT for nm in s_names], dtype=bool)
        for m, (_, rec) in enumerate(measures.iterrows()):
            cats = _tuple(rec.get("target_categories", ()))
            sh = _tuple(rec.get("target_shifts", ()))
            c_ok = np.isin(c_names, list(cats)) if cats else np.ones(len(c_names), bool)
            s_ok = np.isin(s_names, list(sh)) & s_real if sh else np.ones(pi.n_s, bool)
            self.cat_mask[:, m] = np.repeat(c_ok, pi.n_s)
            self.tim_mask[:, m] = np.tile(s_ok, len(c_names))
            fp, g = rec["footprint"], treated.loc[rec.name]
            self.known[m] = g is not None and fp != "none"
            self.muni[m] = fp == "municipality"
            self.fps.append((fp, g, _tuple(rec.get("footprint_sectors", ()))))
        self.all_mask = self.cat_mask * self.tim_mask


def _place_pairs(
    pi: _ProblemIncidents, mt: _MeasureTargets
) -> tuple[np.ndarray, np.ndarray, np.ndarray]:
    """(problem, measure, targeted) of each located incident inside a local measure's area.

    The incidents in each area's box come from a grid index of the located
    incidents (no point objects), then the areas are tested against them
    (``intersects``, edges included), a group of measures at a time; sorted by
    measure, so that a block of measures reads its own slice.
    """
    import shapely

    none = np.zeros(0, "int64"), np.zeros(0, "int64"), np.zeros(0)
    local = np.flatnonzero(mt.known & ~mt.muni)
    if not len(local):
        return none
    index = PointIndex(pi.x, pi.y, positions=np.flatnonzero(pi.loc))
    areas = np.asarray([mt.fps[m][1] for m in local], dtype=object)
    shapely.prepare(areas)
    k, at = index.inside(areas, group=_PAIR_MEASURES)
    m_j = local[k]
    order = np.argsort(m_j, kind="stable")
    m_j, at = m_j[order], at[order]
    return pi.p_codes[at], m_j, mt.all_mask[pi.key[at], m_j]


_PAIR_MEASURES = 256
"""Measures whose areas are tested at once in :func:`_place_pairs` (memory, not results)."""


def _place_counts(
    pi: _ProblemIncidents,
    mt: _MeasureTargets,
    pairs: tuple[np.ndarray, np.ndarray, np.ndarray],
    place_cnt: np.ndarray,
    all_cnt: np.ndarray,
    a: int,
    b: int,
) -> None:
    """Count, in place, the problems' incidents inside the areas of the local measures.

    ``place_cnt`` and ``all_cnt`` hold the measures at positions ``a`` to ``b``.
    """
    local = a + np.flatnonzero(mt.known[a:b] & ~mt.muni[a:b])
    if not len(local):
        return
    place_cnt[:, local - a] = 0.0
    all_cnt[:, local - a] = 0.0
    p_i, m_j, w = pairs
    lo, hi = np.searchsorted(m_j, [a, b])
    np.add.at(place_cnt, (p_i[lo:hi], m_j[lo:hi] - a), 1.0)
    np.add.at(all_cnt, (p_i[lo:hi], m_j[lo:hi] - a), w[lo:hi])
    # a sectors footprint also takes the unlocated incidents recorded in its sectors
    by_sector = pi.unlocated_by_sector
    if not by_sector:
        return
    for m in local:
        fp, _, fsec = mt.fps[m]
        if fp != "sectors":
            continue
        for s_id in set(fsec):
            grp = by_sector.get(s_id)
            if grp is not None:
                np.add.at(place_cnt[:, m - a], pi.p_codes[grp], 1.0)
                np.add.at(all_cnt[:, m - a], pi.p_codes[grp], mt.all_mask[pi.key[grp], m])


def _groups(keys_sorted: np.ndarray, values: np.ndarray):
    """Yield ``(key, values)`` from values sorted by key."""
    if len(keys_sorted) == 0:
        return
    cut = np.flatnonzero(keys_sorted[1:] != keys_sorted[:-1]) + 1
    for a, b in zip(np.r_[0, cut], np.r_[cut, len(keys_sorted)], strict=True):
        yield keys_sorted[a], values[a:b]


def relevance(
    measures: pd.DataFrame,
    problems: pd.DataFrame,
    incidents: pd.DataFrame,
    sectors: pd.DataFrame,
    priority: pd.DataFrame | None = None,
    data_end: Any = None,
    min_reach: float = settings.default("relevance_min_reach"),
    matrix: pd.DataFrame | None = None,
) -> pd.DataFrame:
    """Relevance of each measure against today's priorities.

    ``relevance = reach × priority score`` of the problem that maximises it,
    where ``reach`` is the share of the problem's incidents the measure can
    reach (right problem, right place, right time; see :func:`reach_matrix`)
    and the priority score (0–1) comes from
    :func:`diagnostic_lib.inventory.priority`. A measure "serves" every
    problem it reaches at least ``min_reach`` of, and something (``served``). A
    measure with no footprint is scored on problem and time only
    (``place_known`` false). A measure that reaches none of the problems'
    incidents has reach and relevance 0 and no problem (none is its best match).

    Returns
    -------
    DataFrame
        Aligned with ``measures``: ``measure_id, active, problem_id,
        problem_title_fr, problem_title_en, problem_rank, problem_score,
        problem_share, place_share, time_share, reach, relevance,
        place_known, served``.

    Raises
    ------
    ValueError
        ``priority`` has a problem id twice (each problem's score is read by its id).

    Examples
    --------
    >>> from diagnostic_lib import inventory, loaders, sample
    >>> d = loaders.load_diagnostic(sample.sample_dir() / "diagnostic.toml")
    >>> pb = inventory.find_problems(d.incidents, d.sectors, d.weights, d.taxonomy, d.survey,
    ...                              d.places)
    >>> r = relevance(d.measures, pb, d.incidents, d.sectors, data_end="2026-01-01")
    >>> r = r.set_index("measure_id")
    >>> bool(r.loc["M10", "active"]), bool(r.loc["M01", "active"])
    (False, True)
    """
    pr = inventory.priority(problems) if priority is None else priority
    distinct_ids(pr, ("the priority table", "la table des priorités"))  # a score an id
    pr = pr.set_index("problem_id")
    pr.index = pr.index.astype(object)
    mat = reach_matrix(measures, problems, incidents, sectors) if matrix is None else matrix
    best, served = _best_reach(mat, pr[["score", "rank"]], min_reach)
    titles = problems.set_index("problem_id")
    end = pd.Timestamp(data_end) if data_end is not None else data_period(incidents=incidents)[1]
    out = pd.DataFrame({"measure_id": measures["measure_id"].astype(str)}, index=measures.index)
    out["active"] = _is_active(measures, end).to_numpy()
    b = best.reindex(out["measure_id"])
    out["problem_id"] = b["problem_id"].to_numpy()
    for lg in ("fr", "en"):
        out[f"problem_title_{lg}"] = [
            titles[f"title_{lg}"].get(x, "") if isinstance(x, str) else None  # missing: a dash
            for x in out["problem_id"]
        ]
    out["problem_rank"] = pd.array(b["rank"].to_numpy(dtype="float64"), dtype="Int64")
    out["problem_score"] = b["score"].to_numpy()
    for c in ("problem_share", "place_share", "time_share", "reach"):
        out[c] = b[c].astype("float64").to_numpy()
    out["relevance"] = b["value"].astype("float64").to_numpy()
    # a measure the table leaves out reaches none of the problems' incidents
    nothing = b["problem_id"].isna().to_numpy() & (len(pr) > 0)
    out.loc[nothing, ["reach", "relevance"]] = 0.0
    fp = measures["footprint"] if "footprint" in measures.columns else pd.Series("none", out.index)
    own = (fp.notna() & (fp != "none")).to_numpy()
    out["place_known"] = np.where(
        nothing, own, b["place_known"].fillna(False).astype(bool).to_numpy()
    )
    out["served"] = [served.get(x, ()) for x in out["measure_id"]]
    out.attrs["min_reach"] = min_reach
    return out


def _best_reach(
    mat: pd.DataFrame, pr: pd.DataFrame, min_reach: float
) -> tuple[pd.DataFrame, dict[str, tuple]]:
    """Each measure's best problem in the reach table, and the problems it serves.

    ``best``: by measure id, the row of ``mat`` with the highest ``value`` (reach ×
    priority score, a problem without a score counting 0), then the highest reach,
    then the first in ``mat``'s order, with that problem's ``score`` and ``rank``
    (``pr``, indexed by unique problem ids). ``served``: by measure id, the sorted
    ids of the problems it reaches at least ``min_reach`` of, and something. Read
    from the table's columns as arrays: at a province's scale the reach table has
    millions of rows (8.6M at 10M incidents), and a merged and sorted copy of it,
    with a Python string per row, took 2.3 GB for a result of one row per measure.
    """
    reach = mat["reach"].to_numpy(dtype="float64", na_value=np.nan)
    m_codes, m_names = pd.factorize(mat["measure_id"])
    p_codes, p_names = pd.factorize(mat["problem_id"])
    p_names = np.asarray(p_names, dtype=object)
    # each row's position in pr (-1: a problem without a score)
    at = np.append(pr.index.get_indexer(p_names), -1)  # a missing id (code -1) finds -1
    row_at = at[p_codes]
    score = _at(pr["score"], row_at)
    value = reach * np.where(np.isnan(score), 0.0, score)
    # highest value, then reach (missing last), then position; first row of each measure
    order = np.lexsort(
        (
            np.arange(len(mat)),
            -np.nan_to_num(reach, nan=-np.inf),
            -np.nan_to_num(value, nan=-np.inf),
            m_codes,
        )
    )
    order = order[m_codes[order] >= 0]
    first = order[np.r_[True, m_codes[order][1:] != m_codes[order][:-1]]] if len(order) else order
    best = mat.iloc[first].astype({"problem_id": object}).set_index("measure_id")
    best["score"] = score[first]
    best["rank"] = _at(pr["rank"], row_at[first])
    best["value"] = value[first]
    keep = np.flatnonzero((reach >= min_reach) & (reach > 0) & (m_codes >= 0) & (p_codes >= 0))
    name_rank = np.empty(len(p_names), "int64")
    name_rank[sorted(range(len(p_names)), key=p_names.__getitem__)] = np.arange(len(p_names))
    keep = keep[np.lexsort((name_rank[p_codes[keep]], m_codes[keep]))]
    served = {
        str(m_names[k]): tuple(p_names[p_codes[g]].tolist())
        for k, g in _groups(m_codes[keep], keep)
    }
    return best, served


def _at(column: pd.Series, positions: np.ndarray) -> np.ndarray:
    """``column``'s values at ``positions`` as floats, NaN where a position is -1."""
    values = np.append(column.to_numpy(dtype="float64", na_value=np.nan), np.nan)
    return values[positions]


def pillar_balance(
    measures: pd.DataFrame,
    data_end: Any,
    low: float = settings.default("pillar_under"),
    high: float = settings.default("pillar_over"),
) -> pd.DataFrame:
    """Active measures and their cost by pillar of community policing, with imbalance flags.

    With four pillars an even share is 25 %. A pillar is flagged ``missing``
    when no active measure belongs to it, ``under`` when its share of the
    active measures (or of their known cost) is below ``low`` × the even
    share, ``over`` above ``high`` × the even share.

    Returns
    -------
    DataFrame
        One row per pillar: ``pillar, label_fr, label_en, n_active, share,
        cost, cost_share, flag``.

    Examples
    --------
    >>> import pandas as pd
    >>> m = pd.DataFrame({"pillar": ["prevention"] * 9 + ["partenariat"], "cost": [1.0] * 10,
    ...     "start": pd.Timestamp("2024-01-01"), "end": pd.NaT})
    >>> flags = pillar_balance(m, "2026-01-01").set_index("pillar")["flag"]
    >>> flags.index.tolist()
    ['rapprochement', 'partenariat', 'resolution', 'prevention']
    >>> flags.tolist()
    ['missing', 'under', 'missing', 'over']
    """
    act = measures[_is_active(measures, data_end).to_numpy()]
    even = 1 / len(schema.PILLARS)
    n = act.groupby("pillar").size().reindex(list(schema.PILLARS), fill_value=0)
    cost = act.groupby("pillar")["cost"].sum(min_count=1).reindex(list(schema.PILLARS)).fillna(0.0)
    out = pd.DataFrame({"pillar": list(schema.PILLARS)})
    out["label_fr"] = [i18n.label("pillar", p, "fr") for p in out["pillar"]]
    out["label_en"] = [i18n.label("pillar", p, "en") for p in out["pillar"]]
    out["n_active"] = n.to_numpy()
    out["share"] = out["n_active"] / max(int(n.sum()), 1)
    out["cost"] = cost.to_numpy()
    out["cost_share"] = out["cost"] / cost.sum() if cost.sum() > 0 else np.nan
    flag = np.where(out["n_active"] == 0, "missing", "")
    under = (out["share"] < low * even) | (out["cost_share"] < low * even)
    over = (out["share"] > high * even) | (out["cost_share"] > high * even)
    flag = np.where(flag != "", flag, np.where(under, "under", np.where(over, "over", "")))
    out["flag"] = flag
    out.attrs.update(low=low, high=high, even_share=even)
    return out


FLAGS: tuple[str, ...] = (
    "no_current_problem",
    "no_current_problem_none",
    "high_priority_ineffective",
    "high_priority_unserved",
    "high_priority_unevaluated",
    "pillar_imbalance",
)
"""The relevance flags (see :func:`relevance_flags`); ``no_current_problem_none`` is the
wording of ``no_current_problem`` when no incident at all matches the measure."""

FLAG_LABELS: dict[str, tuple[str, str]] = _pairs("evaluation.flag", FLAGS)
"""Each flag's sentence in French and English, with placeholders."""


def relevance_flags(
    measures: pd.DataFrame,
    rel: pd.DataFrame,
    priority: pd.DataFrame,
    effects: pd.DataFrame | None = None,
    pillars: pd.DataFrame | None = None,
    problems: pd.DataFrame | None = None,
    top: int = settings.default("relevance_top_problems"),
) -> pd.DataFrame:
    """The relevance findings that call for a decision.

    - ``no_current_problem``: an active measure that reaches less than
      ``min_reach`` of every problem of the current register (it is still
      funded against a problem that is no longer significant, or never was);
    - ``high_priority_ineffective``: one of the ``top`` problems whose active
      measures were judged ``effect_ruled_out`` or ``adverse`` and none
      ``effective`` ("inconclusive, favourable direction" is not a success);
      ``high_priority_unserved`` when no
      active measure serves it; ``high_priority_unevaluated`` when none of
      them could be judged;
    - ``pillar_imbalance``: see :func:`pillar_balance`.

    Returns
    -------
    DataFrame
        ``flag, subject, text_fr, text_en``.

    Examples
    --------
    >>> import pandas as pd
    >>> m = pd.DataFrame({"measure_id": ["M1"], "name": ["Patrouille"], "name_en": ["Patrol"],
    ...                   "cost": [5000.0]})
    >>> rel = pd.DataFrame({"measure_id": ["M1"], "active": [True], "reach": [0.05], "served": [()],
    ...     "problem_title_fr": ["Vols"], "problem_title_en": ["Thefts"]})
    >>> rel.attrs["min_reach"] = 0.2
    >>> pr = pd.DataFrame({"problem_id": ["P1"], "rank": [1], "title_fr": ["Vols"],
    ...                    "title_en": ["Thefts"]})
    >>> relevance_flags(m, rel, pr)["flag"].tolist()
    ['no_current_problem', 'high_priority_unserved']
    """
    min_reach = float(rel.attrs.get("min_reach", settings.default("relevance_min_reach")))
    rows = _unused_measures(measures, rel, min_reach)
    rows += _priority_problems(rel, priority, effects, problems, top)
    if pillars is not None:
        for _, p in pillars[pillars["flag"] != ""].iterrows():
            texts = _texts(
                "evaluation.flag.pillar_imbalance",
                lambda lg, p=p: {
                    "pillar": p[f"label_{lg}"],
                    "n": fmt.integer(p["n_active"], lg),
                    "share": fmt.percent(p["share"], lg),
                    "cost_share": fmt.percent(p["cost_share"], lg),
                    "what": i18n.t(f"evaluation.pillar_flag.{p['flag']}", lg),
                },
            )
            rows.append({"flag": "pillar_imbalance", "subject": p["pillar"], **texts})
    out = pd.DataFrame(rows, columns=["flag", "subject", "text_fr", "text_en"])
    out.attrs.update(min_reach=min_reach, top=top)
    return out


def _texts(key: str, values: Callable[[str], dict[str, Any]]) -> dict[str, str]:
    """``text_fr`` and ``text_en`` of a label, with the values of each language."""
    return {f"text_{lg}": i18n.t(key, lg, **values(lg)) for lg in i18n.LANGS}


def _cost(cost: Any, lang: str) -> str:
    if pd.isna(cost):
        return i18n.t("evaluation.flag.cost_unknown", lang)
    return i18n.t("evaluation.flag.cost", lang, cost=fmt.integer(cost, lang))


def _unused_measures(
    measures: pd.DataFrame, rel: pd.DataFrame, min_reach: float
) -> list[dict[str, Any]]:
    """``no_current_problem``: active measures that reach too little of every current problem."""
    rows = []
    names = measures.set_index(measures["measure_id"].astype(str))
    for _, r in rel.iterrows():
        if not r["active"] or (pd.notna(r["reach"]) and r["reach"] >= min_reach):
            continue
        rec = names.loc[r["measure_id"]]
        some = pd.notna(r["reach"]) and r["reach"] > 0
        texts = _texts(
            f"evaluation.flag.{'no_current_problem' if some else 'no_current_problem_none'}",
            lambda lg, r=r, rec=rec: {
                "mid": r["measure_id"],
                "name": rec.get("name" if lg == "fr" else "name_en", rec.get("name", "")),
                "cost": _cost(rec.get("cost", np.nan), lg),
                "reach": fmt.percent(r["reach"], lg),
                "title": r.get(f"problem_title_{lg}", ""),
            },
        )
        rows.append({"flag": "no_current_problem", "subject": r["measure_id"], **texts})
    return rows


def _priority_problems(
    rel: pd.DataFrame,
    priority: pd.DataFrame,
    effects: pd.DataFrame | None,
    problems: pd.DataFrame | None,
    top: int,
) -> list[dict[str, Any]]:
    """``high_priority_*``: top problems served by no measure in place judged to work."""
    verdicts = (
        {}
        if effects is None
        else dict(zip(effects["measure_id"].astype(str), effects["verdict"], strict=True))
    )
    active_served = [
        (m, set(s))
        for m, s, a in zip(rel["measure_id"], rel["served"], rel["active"], strict=True)
        if a
    ]
    pr = priority.sort_values("rank")
    titles = problems.set_index("problem_id") if problems is not None else None
    rows = []
    for _, p in pr[(pr["rank"] <= top).fillna(False).astype(bool)].iterrows():
        pid = p["problem_id"]
        serving = [m for m, s in active_served if pid in s]
        got = [verdicts.get(m, "not_evaluable") for m in serving]
        if not serving:
            code = "high_priority_unserved"
        elif any(v in SUCCESS for v in got):
            continue
        elif any(v in AGAINST for v in got):
            code = "high_priority_ineffective"
        else:
            code = "high_priority_unevaluated"

        def values(lg: str, p: Any = p, pid: Any = pid, serving=serving, got=got) -> dict:
            default = titles[f"title_{lg}"].get(pid, pid) if titles is not None else pid
            measures = ", ".join(
                f"{m} ({i18n.label('evaluation.verdict', v, lg).lower()})"
                for m, v in zip(serving, got, strict=True)
            )
            title = p.get(f"title_{lg}", default)
            return {"rank": fmt.integer(p["rank"], lg), "title": title, "measures": measures}

        rows.append({"flag": code, "subject": pid, **_texts(f"evaluation.flag.{code}", values)})
    return rows
