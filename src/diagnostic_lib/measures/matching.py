"""Coverage matching: how each measure addresses each problem (problems × measures).

The rule is in the package documentation and docs/methods.md, *Coverage*: the
thematic share is computed here, the spatial share in ``spatial_shares``, the
level in ``levels``.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from typing import Any

import numpy as np
import pandas as pd

from .. import inventory, settings
from .._text import str_take
from ._frames import _active_problems, _col, _missing, _ref, _tuple
from .footprints import treated_area
from .levels import DEFAULT_THRESHOLDS, LEVELS, _level_codes
from .register import status
from .spatial_shares import _BASES, _SpatialShares

MAX_COVERAGE_PAIRS: int = settings.default("max_coverage_pairs")
"""Above this many problem × measure pairs, :func:`run` keeps only the related pairs.

The default of the ``max_coverage_pairs`` tunable (1,000,000).
"""


def _category_weights(
    pb: pd.DataFrame, membership: pd.Series | None, incidents: pd.DataFrame | None
) -> list[dict[str, float]]:
    """Weight of each category in each problem (incident counts, or equal weights)."""
    counts = _member_counts(membership, incidents)
    out = []
    cw = _col(pb, "category_weights", None)
    for pid, cats, given in zip(pb["problem_id"], pb["categories"], cw, strict=True):
        cats = _tuple(cats)
        if isinstance(given, Mapping) and given:
            out.append({str(k): float(v) for k, v in given.items()})
        elif pid in counts:
            out.append(counts[pid])
        else:
            out.append(dict.fromkeys(map(str, cats), 1.0))
    return out


def _coded(keys: np.ndarray) -> tuple[np.ndarray, np.ndarray]:
    """``(codes, distinct keys)`` with ``distinct[codes] == keys``, by hashing.

    What ``np.unique(keys, return_inverse=True)`` gives, in first-seen order instead of
    sorted: each pair's answer is computed once per distinct key either way (sorting
    2.3 million pairs' keys took 0.35 s at 5M, twice).
    """
    codes, uniq = pd.factorize(np.asarray(keys, dtype="int64"))
    return codes.astype("int64"), np.asarray(uniq, dtype="int64")


def _member_counts(
    membership: pd.Series | None, incidents: pd.DataFrame | None
) -> dict[Any, dict[str, float]]:
    """Each problem's incidents by category (categories in name order, counts above 0)."""
    if membership is None or incidents is None or not membership.notna().any():
        return {}
    m = membership.notna().to_numpy()
    p_codes, p_names = pd.factorize(membership[m])
    cat = incidents["category"]
    if not isinstance(cat.dtype, pd.StringDtype):
        cat = cat.astype(str)
    # factorised as a Series: Arrow text is encoded where it lies, no Python string per row
    c_codes, c_names = pd.factorize(cat[m])
    order = np.argsort(np.asarray(c_names, dtype=str), kind="stable")  # name order
    rank = np.empty(len(order), dtype="int64")
    rank[order] = np.arange(len(order))
    n_c = len(c_names)
    table = np.bincount(p_codes * n_c + rank[c_codes], minlength=len(p_names) * n_c)
    table = table.reshape(len(p_names), n_c)
    names = [str(c_names[k]) for k in order]
    out = {}
    for row, pid in zip(table, p_names, strict=True):
        nz = np.flatnonzero(row)
        out[pid] = {names[k]: float(row[k]) for k in nz}
    return out


def _shift_match(targets: tuple, dominant: Any) -> str:
    if not targets:
        return "all"
    if _missing(dominant) or str(dominant) in ("", "nan", "<NA>"):
        return "unknown"
    if dominant == "mixed":
        return "partial"
    return "match" if dominant in targets else "mismatch"


def coverage(
    problems: pd.DataFrame,
    measures: pd.DataFrame,
    sectors: pd.DataFrame,
    incidents: pd.DataFrame | None = None,
    ref_date: Any = None,
    areas: Any = None,
    thresholds: Mapping[str, float] | None = None,
    pairs: str = "all",
) -> pd.DataFrame:
    """How each measure addresses each problem: the problems × measures table (long form).

    See the module documentation for the rule (thematic share × spatial share,
    levels, the caps for measures with no footprint and municipality-wide
    measures, and the shift rule). Problems marked ``excluded`` are left out.

    Parameters
    ----------
    problems : GeoDataFrame
        Problem register (step 1), possibly with perception issues
        (:func:`perception_issues`).
    measures, sectors : GeoDataFrame
        Canonical tables.
    incidents : GeoDataFrame, optional
        To weigh categories and places by the problem's own incidents
        (recommended); without it, categories count equally and places by area.
    ref_date : date-like, optional
        Reference date of the status (default: today).
    areas : GeoSeries, optional
        From :func:`treated_area`.
    thresholds : dict, optional
        See :data:`DEFAULT_THRESHOLDS`.
    pairs : {"all", "related"}
        ``"all"``: every problem × measure pair. ``"related"``: only the pairs
        whose level is above ``none`` — the only rows the summaries
        (:func:`problem_coverage`, :func:`measure_coverage`, the gaps) read; for
        a large region (thousands of problems and measures) the full table has
        millions of ``none`` rows. ``attrs["pairs"]`` says which, and
        ``attrs["all_pairs"]`` how many pairs the whole table has.

    Returns
    -------
    DataFrame
        One row per problem × measure: ``problem_id, measure_id, pillar,
        status, thematic_share, categories_matched, spatial_share,
        spatial_basis, shift_match, score, level, current, note``.
        ``current`` is True for an active measure with a level above
        ``none``; ``note`` lists what capped the level (``no_footprint``,
        ``diffuse``, ``shift_mismatch``).

    Examples
    --------
    >>> import geopandas as gpd, shapely
    >>> sec = gpd.GeoDataFrame({"sector_id": ["A", "B"]},
    ...     geometry=[shapely.box(0, 0, 100, 100), shapely.box(100, 0, 200, 100)])
    >>> pb = gpd.GeoDataFrame({"problem_id": ["P1"], "kind": ["place"],
    ...     "categories": [("theft", "mischief")],
    ...     "dominant_shift": ["nuit"]}, geometry=[shapely.box(0, 0, 50, 50)])
    >>> m = gpd.GeoDataFrame({"measure_id": ["M1", "M2", "M3"], "pillar": ["prevention"] * 3,
    ...     "footprint": ["polygon", "sectors", "none"], "footprint_sectors": [(), ("B",), ()],
    ...     "target_categories": [("theft",), (), ("mischief",)], "target_shifts": [(), (), ()],
    ...     "start": pd.to_datetime(["2024-01-01"] * 3), "end": pd.NaT},
    ...     geometry=[shapely.box(0, 0, 50, 50), None, None])
    >>> c = coverage(pb, m, sec, ref_date="2025-12-31")
    >>> c[["measure_id", "thematic_share", "spatial_share", "level"]].values.tolist()
    [['M1', 0.5, 1.0, 'partial'], ['M2', 1.0, 0.0, 'none'], ['M3', 0.5, nan, 'weak']]
    """
    if pairs not in ("all", "related"):
        raise ValueError("pairs must be 'all' or 'related'")
    pb = _active_problems(problems)
    if areas is None:
        areas = treated_area(measures, sectors)
    st = status(measures, _ref(ref_date)).to_numpy()
    membership = None
    if incidents is not None and len(incidents) and len(pb):
        located_pb = pb[_col(pb, "kind", "place").astype(str).to_numpy() != "perception"]
        membership = inventory.problem_incidents(located_pb, incidents) if len(located_pb) else None
    weights = _category_weights(pb, membership, incidents)
    if not len(pb) or not len(measures):
        return _table([], pairs, 0)
    side = _MeasureSide.of(measures, st)
    rows = _ProblemSide(pb, weights)
    spatial = _SpatialShares(pb, measures, areas, sectors, incidents, membership)
    thr = {**DEFAULT_THRESHOLDS, **(thresholds or {})}
    if pairs == "related" and thr["weak"] > 0:
        # only the pairs that can rise above none, found without going through every pair
        r, j = _related_candidates(side, rows, spatial)
        parts = [_pair_rows(side, rows, spatial, (r, j), thr, pairs)]
    else:
        n_m = len(measures)
        step = max(1, _BLOCK_PAIRS // max(n_m, 1))
        parts = []
        for lo in range(0, len(pb), step):
            n_b = min(lo + step, len(pb)) - lo
            r = np.repeat(np.arange(lo, lo + n_b), n_m)
            j = np.tile(np.arange(n_m), n_b)
            parts.append(_pair_rows(side, rows, spatial, (r, j), thr, pairs))
    return _table(parts, pairs, len(pb) * len(measures))


_COLUMNS = (
    "problem_id",
    "measure_id",
    "pillar",
    "status",
    "thematic_share",
    "categories_matched",
    "spatial_share",
    "spatial_basis",
    "shift_match",
    "score",
    "level",
    "current",
    "note",
)
"""The columns of :func:`coverage`."""

_TEXT_COLUMNS = (
    "problem_id",
    "measure_id",
    "pillar",
    "status",
    "spatial_basis",
    "shift_match",
    "level",
    "note",
)

_NOTES = np.array(
    [
        "",
        "no_footprint",
        "diffuse",
        "no_footprint;diffuse",
        "shift_mismatch",
        "no_footprint;shift_mismatch",
        "diffuse;shift_mismatch",
        "no_footprint;diffuse;shift_mismatch",
    ],
    dtype=object,
)
"""What capped a level, by code: 1 no footprint + 2 diffuse + 4 shift mismatch."""

_BLOCK_PAIRS = 2_000_000
"""Problems are matched by blocks of about this many pairs (memory, not results)."""


@dataclass(frozen=True)
class _MeasureSide:
    """What the coverage rule reads of the measures, once for every problem.

    Measures that share their target categories (or shifts) share the thematic
    (shift) part: ``t_code``/``s_code`` say which group each measure is in.
    """

    ids: np.ndarray
    pillars: np.ndarray
    status: np.ndarray
    diffuse: np.ndarray
    t_code: np.ndarray
    t_sets: list[frozenset]
    s_code: np.ndarray
    s_keys: list[tuple]

    @classmethod
    def of(cls, measures: pd.DataFrame, st: np.ndarray) -> _MeasureSide:
        fp = _col(measures, "footprint", "none").astype(str).to_numpy()
        tcat = [set(_tuple(t)) for t in _col(measures, "target_categories", ())]
        # a measure whose targets are all unmapped matches no problem (an empty set would
        # mean "every category"): it covers nothing until its categories are mapped
        unmapped = [v is True or v is np.True_ for v in _col(measures, "targets_unmapped", False)]
        tcat = [{UNMAPPED} if u and not t else t for t, u in zip(tcat, unmapped, strict=True)]
        tsh = [_tuple(t) for t in _col(measures, "target_shifts", ())]
        t_code, t_sets = _group_codes([frozenset(t) for t in tcat])
        s_code, s_keys = _group_codes(tsh)
        return cls(
            ids=measures["measure_id"].astype(str).to_numpy(),
            pillars=_col(measures, "pillar", "").astype(str).to_numpy(),
            status=st,
            diffuse=fp == "municipality",
            t_code=t_code,
            t_sets=t_sets,
            s_code=s_code,
            s_keys=s_keys,
        )


UNMAPPED = "\x00unmapped"
"""The target category of a measure whose targets are not mapped: matches no problem."""


class _ProblemSide:
    """What the coverage rule reads of the problems: ids, kinds, shifts, category weights."""

    def __init__(self, pb: pd.DataFrame, weights: list[dict[str, float]]) -> None:
        self.ids = pb["problem_id"].astype(str).to_numpy()
        self.kinds = _col(pb, "kind", "place").astype(str).to_numpy()
        self.dominant = _col(pb, "dominant_shift", None).to_numpy(dtype=object)
        self.weights = weights

    def thematic(
        self, r: np.ndarray, k: np.ndarray, t_sets: list[frozenset]
    ) -> tuple[np.ndarray, ...]:
        """Thematic share (exact and rounded) and categories matched of problem ``r`` × group ``k``.

        Each distinct (problem, target group) is computed once.
        """
        n_k = max(len(t_sets), 1)
        inv, uk = _coded(r * n_k + k)
        them, them_round = np.empty(len(uk)), np.empty(len(uk))
        matched = np.empty(len(uk), dtype=object)
        one: dict[tuple, tuple] = {}  # equal tuples kept once (a few dozen for many pairs)
        for q, (ri, ki) in enumerate(zip((uk // n_k).tolist(), (uk % n_k).tolist(), strict=True)):
            w, tset = self.weights[ri], t_sets[ki]
            if not tset:
                mt, th = tuple(w), 1.0
            else:
                total = sum(w.values())
                mt = tuple(c for c in w if c in tset)
                th = sum(w[c] for c in mt) / total if total > 0 else 0.0
            matched[q], them[q], them_round[q] = one.setdefault(mt, mt), th, round(th, 6)
        return them[inv], them_round[inv], matched[inv]

    def shifts(self, r: np.ndarray, k: np.ndarray, s_keys: list[tuple]) -> _Coded:
        """:func:`_shift_match` of problem ``r`` × target-shift group ``k``."""
        n_k = max(len(s_keys), 1)
        inv, uk = _coded(r * n_k + k)
        out = np.array(
            [
                _shift_match(s_keys[ki], self.dominant[ri])
                for ri, ki in zip((uk // n_k).tolist(), (uk % n_k).tolist(), strict=True)
            ],
            dtype=object,
        )
        return _Coded(out, inv)

    def candidate_groups(self, t_sets: list[frozenset]) -> tuple[np.ndarray, np.ndarray]:
        """``(rows, groups)``: the problem × target-group pairs that share a category.

        A group with no target (every category) pairs with every problem. Any
        other pair matches no category, so its thematic share is 0.
        """
        by_cat: dict[str, list[int]] = {}
        for ri, w in enumerate(self.weights):
            for c in w:
                by_cat.setdefault(c, []).append(ri)
        parts_r, parts_k = [], []
        for ki, tset in enumerate(t_sets):
            if not tset:
                rr = np.arange(len(self.weights))
            else:
                lists = [by_cat[c] for c in tset if c in by_cat]
                rr = np.unique(np.concatenate(lists)) if lists else np.zeros(0, dtype="int64")
            parts_r.append(rr.astype("int64"))
            parts_k.append(np.full(len(rr), ki, dtype="int64"))
        if not parts_r:
            return np.zeros(0, dtype="int64"), np.zeros(0, dtype="int64")
        return np.concatenate(parts_r), np.concatenate(parts_k)


def _related_candidates(
    side: _MeasureSide, rows: _ProblemSide, spatial: _SpatialShares
) -> tuple[np.ndarray, np.ndarray]:
    """The problem × measure pairs whose level can be above none, sorted, by index.

    By category first: the problem × target-group pairs with a thematic share
    above 0 (an inverted index of categories). Then by place: the pairs
    :meth:`_SpatialShares.candidates` finds (incidents inside the area or in
    the sectors, boxes that meet, municipality-wide problem and measure), kept
    when their theme matches; and the measures without a treated area, which
    weakly cover every problem whose theme they match. Every other pair has a
    score of 0, so its level is none (with a ``weak`` threshold above 0).
    """
    n_m, n_k = len(side.ids), max(len(side.t_sets), 1)
    n_r = len(rows.ids)
    r, k = rows.candidate_groups(side.t_sets)
    them = rows.thematic(r, k, side.t_sets)[0]
    r, k = r[them > 0], k[them > 0]
    positive = _distinct(r * n_k + k, n_r * n_k)
    parts = []
    no_area = np.flatnonzero(~spatial.has_area)
    if len(no_area) and len(r):
        rk = pd.DataFrame({"r": r, "k": k})
        jk = pd.DataFrame({"j": no_area, "k": side.t_code[no_area]})
        m = rk.merge(jk, on="k")
        parts.append(m["r"].to_numpy(dtype="int64") * n_m + m["j"].to_numpy(dtype="int64"))
    sr, sj = spatial.candidates()
    ok = _among(sr * n_k + side.t_code[sj], positive, n_r * n_k)
    parts.append(sr[ok] * n_m + sj[ok])
    keys = _distinct(np.concatenate(parts), n_r * n_m)
    return keys // n_m, keys % n_m


_BITMAP_MAX = 400_000_000
"""Largest key space (bytes) sorted by marking a bitmap rather than by sorting the keys."""


def _distinct(keys: np.ndarray, size: int) -> np.ndarray:
    """``np.unique(keys)`` of keys in ``[0, size)``: by a bitmap when it is small enough.

    Examples
    --------
    >>> _distinct(np.array([5, 1, 5, 3]), 8).tolist()
    [1, 3, 5]
    """
    keys = np.asarray(keys, dtype="int64")
    if size > _BITMAP_MAX or size > 64 * max(len(keys), 1):
        return np.unique(keys)
    seen = np.zeros(size, dtype=bool)
    seen[keys] = True
    return np.flatnonzero(seen)


def _among(keys: np.ndarray, distinct: np.ndarray, size: int) -> np.ndarray:
    """``np.isin(keys, distinct)`` of keys in ``[0, size)``: by a bitmap when small enough.

    Examples
    --------
    >>> _among(np.array([5, 1, 2]), np.array([1, 5]), 8).tolist()
    [True, True, False]
    """
    keys = np.asarray(keys, dtype="int64")
    if size > _BITMAP_MAX or size > 64 * max(len(keys) + len(distinct), 1):
        return np.isin(keys, distinct)
    seen = np.zeros(size, dtype=bool)
    seen[distinct] = True
    return seen[keys]


def _pair_rows(
    side: _MeasureSide,
    rows: _ProblemSide,
    spatial: _SpatialShares,
    pair: tuple[np.ndarray, np.ndarray],
    thr: Mapping[str, float],
    pairs: str,
) -> dict[str, np.ndarray]:
    """The coverage rows of the pairs ``pair = (problem rows, measure positions)``."""
    r, j = pair
    share, bcode = spatial.shares(r, j)
    th, them_round, matched = rows.thematic(r, side.t_code[j], side.t_sets)
    sh = rows.shifts(r, side.s_code[j], side.s_keys)
    no_fp = bcode == 1
    diffuse = side.diffuse[j] & (rows.kinds[r] != "municipality")
    mismatch = (sh.names == "mismatch")[sh.codes]
    lvl = _level_codes(th, share, no_fp, diffuse, mismatch, thr)
    keep = np.ones(len(lvl), dtype=bool) if pairs == "all" else lvl > 0
    k = np.flatnonzero(keep)
    r, j, lv = r[k], j[k], lvl[k]
    note = np.where(lv > 0, no_fp[k] * 1 + diffuse[k] * 2 + mismatch[k] * 4, 0)
    with np.errstate(invalid="ignore"):
        score = np.where(np.isfinite(share[k]), th[k] * share[k], np.nan)
    return {  # text as codes into a few names: made text once, by Arrow (_table)
        "problem_id": _Coded(rows.ids, r),
        "measure_id": _Coded(side.ids, j),
        "pillar": _Coded(side.pillars, j),
        "status": _Coded(side.status, j),
        "thematic_share": them_round[k],
        "categories_matched": matched[k],
        "spatial_share": share[k],
        "spatial_basis": _Coded(np.asarray(_BASES, dtype=object), bcode[k]),
        "shift_match": _Coded(sh.names, sh.codes[k]),
        "score": score,
        "level": _Coded(np.asarray(LEVELS, dtype=object), lv),
        "current": (side.status == "active")[j] & (lv > 0),
        "note": _Coded(_NOTES, note),
    }


@dataclass(frozen=True)
class _Coded:
    """A text column as ``names[codes]``, not yet written out."""

    names: np.ndarray
    codes: np.ndarray


def _text_column(parts: list[_Coded]) -> Any:
    """The text column of coded blocks, as ``str_array`` of their values would give it."""
    names = [np.asarray(pt.names, dtype=object) for pt in parts]
    offsets = np.cumsum([0] + [len(n) for n in names[:-1]])
    codes = np.concatenate([pt.codes + o for pt, o in zip(parts, offsets, strict=True)])
    return str_take(np.concatenate(names), codes)


def _table(parts: list[dict[str, Any]], pairs: str, all_pairs: int) -> pd.DataFrame:
    """The coverage table from its blocks (an empty table with its columns when none).

    ``all_pairs``: the problem × measure pairs of the whole table (its length with
    ``pairs="all"``), kept in ``attrs`` so that a table of the related pairs can say
    how many it left out.
    """
    if not parts:
        out = pd.DataFrame([], columns=list(_COLUMNS))
        out["spatial_share"] = out["spatial_share"].astype("float64")
        out["score"] = out["score"].astype("float64")
    else:
        # a column at a time, each block's arrays let go as it is written: at 10M incidents
        # (9.2M related pairs) the blocks and the table side by side held 1.9 GB more
        data = {}
        for c in _COLUMNS:
            got = [pt.pop(c) for pt in parts]
            data[c] = _text_column(got) if c in _TEXT_COLUMNS else np.concatenate(got)
        data["current"] = data["current"].astype(bool)
        for c in ("spatial_share", "score"):
            data[c] = data[c].astype("float64").round(6)
        out = pd.DataFrame(data, copy=False)  # each column its own array, not copied
    out.attrs["pairs"] = pairs
    out.attrs["all_pairs"] = int(all_pairs)
    return out


def _group_codes(keys: Sequence[Any]) -> tuple[np.ndarray, list[Any]]:
    """Position of each key among the distinct keys (first-seen order), and those keys."""
    seen: dict[Any, int] = {}
    codes = np.array([seen.setdefault(k, len(seen)) for k in keys], dtype="int64")
    return codes, list(seen)
