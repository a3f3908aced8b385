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
from ._frames import _active_problems, _col, _missing, _ref, _tuple
from .footprints import treated_area
from .levels import DEFAULT_THRESHOLDS, LEVELS, _level_codes
from .register import status
from .spatial_shares import _BASES, _SpatialShares

MAX_COVERAGE_PAIRS: int = settings.default("max_coverage_pairs")
"""Above this many problem × measure pairs, :func:`run` keeps only the related pairs.

The default of the ``max_coverage_pairs`` tunable (5,000,000).
"""


def _category_weights(
    pb: pd.DataFrame, membership: pd.Series | None, incidents: pd.DataFrame | None
) -> list[dict[str, float]]:
    """Weight of each category in each problem (incident counts, or equal weights)."""
    counts = None
    if membership is not None and incidents is not None and membership.notna().any():
        m = membership.notna().to_numpy()
        counts = pd.crosstab(
            membership[m].to_numpy(), incidents["category"].astype(str).to_numpy()[m]
        )
    out = []
    cw = _col(pb, "category_weights", None)
    for pid, cats, given in zip(pb["problem_id"], pb["categories"], cw, strict=True):
        cats = _tuple(cats)
        if isinstance(given, Mapping) and given:
            out.append({str(k): float(v) for k, v in given.items()})
        elif counts is not None and pid in counts.index and counts.loc[pid].sum() > 0:
            row = counts.loc[pid]
            out.append({str(k): float(v) for k, v in row[row > 0].items()})
        else:
            out.append(dict.fromkeys(map(str, cats), 1.0))
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
        millions of ``none`` rows. ``attrs["pairs"]`` says which.

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
        return _table([], pairs)
    side = _MeasureSide.of(measures, st)
    rows = _ProblemSide(pb, weights)
    spatial = _SpatialShares(pb, measures, areas, sectors, incidents, membership)
    thr = {**DEFAULT_THRESHOLDS, **(thresholds or {})}
    step = max(1, _BLOCK_PAIRS // max(len(measures), 1))
    parts = [
        _pairs_block(side, rows, spatial.block(lo, min(lo + step, len(pb))), lo, thr, pairs)
        for lo in range(0, len(pb), step)
    ]
    return _table(parts, pairs)


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

    def thematic(self, lo: int, hi: int, t_sets: list[frozenset]) -> tuple[np.ndarray, ...]:
        """Thematic share (exact and rounded) and categories matched, problems × target groups."""
        n_b = hi - lo
        them = np.empty((n_b, len(t_sets)))
        them_round = np.empty((n_b, len(t_sets)))
        matched = np.empty((n_b, len(t_sets)), dtype=object)
        for r in range(n_b):
            w = self.weights[lo + r]
            total = sum(w.values())
            for k, tset in enumerate(t_sets):
                if not tset:
                    mt, th = tuple(w), 1.0
                else:
                    mt = tuple(c for c in w if c in tset)
                    th = sum(w[c] for c in mt) / total if total > 0 else 0.0
                matched[r, k], them[r, k], them_round[r, k] = mt, th, round(th, 6)
        return them, them_round, matched

    def shifts(self, lo: int, hi: int, s_keys: list[tuple]) -> np.ndarray:
        """:func:`_shift_match` of problems ``lo:hi`` × target-shift groups."""
        shift = np.empty((hi - lo, len(s_keys)), dtype=object)
        for r in range(hi - lo):
            for k, key in enumerate(s_keys):
                shift[r, k] = _shift_match(key, self.dominant[lo + r])
        return shift


def _pairs_block(
    side: _MeasureSide,
    rows: _ProblemSide,
    spatial: tuple[np.ndarray, np.ndarray],
    lo: int,
    thr: Mapping[str, float],
    pairs: str,
) -> dict[str, np.ndarray]:
    """The coverage rows of one block of problems (starting at ``lo``) × every measure."""
    share, bcode = spatial
    hi = lo + len(share)
    them, them_round, matched = rows.thematic(lo, hi, side.t_sets)
    th = them[:, side.t_code]
    sh = rows.shifts(lo, hi, side.s_keys)[:, side.s_code]
    no_fp = bcode == 1
    diffuse = side.diffuse[None, :] & (rows.kinds[lo:hi] != "municipality")[:, None]
    mismatch = sh == "mismatch"
    lvl = _level_codes(th, share, no_fp, diffuse, mismatch, thr)
    keep = np.ones(lvl.shape, dtype=bool) if pairs == "all" else lvl > 0
    r_i, c_j = np.nonzero(keep)
    note = np.where(lvl > 0, no_fp * 1 + diffuse * 2 + mismatch * 4, 0)[r_i, c_j]
    with np.errstate(invalid="ignore"):
        score = np.where(np.isfinite(share), th * share, np.nan)[r_i, c_j]
    lv = lvl[r_i, c_j]
    return {
        "problem_id": rows.ids[lo:hi][r_i],
        "measure_id": side.ids[c_j],
        "pillar": side.pillars[c_j],
        "status": side.status[c_j],
        "thematic_share": them_round[:, side.t_code][r_i, c_j],
        "categories_matched": matched[:, side.t_code][r_i, c_j],
        "spatial_share": share[r_i, c_j],
        "spatial_basis": np.asarray(_BASES, dtype=object)[bcode[r_i, c_j]],
        "shift_match": sh[r_i, c_j],
        "score": score,
        "level": np.asarray(LEVELS, dtype=object)[lv],
        "current": (side.status == "active")[c_j] & (lv > 0),
        "note": _NOTES[note],
    }


def _table(parts: list[dict[str, np.ndarray]], pairs: str) -> pd.DataFrame:
    """The coverage table from its blocks (an empty table with its columns when none)."""
    if not parts:
        out = pd.DataFrame([], columns=list(_COLUMNS))
    else:
        data = {c: np.concatenate([pt[c] for pt in parts]) for c in _COLUMNS}
        for c in _TEXT_COLUMNS:
            data[c] = pd.array(data[c].astype(object), dtype="str")
        out = pd.DataFrame(data)
        out["current"] = out["current"].astype(bool)
    out["spatial_share"] = out["spatial_share"].astype("float64").round(6)
    out["score"] = out["score"].astype("float64").round(6)
    out.attrs["pairs"] = pairs
    return out


def _group_codes(keys: Sequence[Any]) -> tuple[np.ndarray, list[Any]]:
    """Position of each key among the distinct keys (first-seen order), and those keys."""
    seen: dict[Any, int] = {}
    codes = np.array([seen.setdefault(k, len(seen)) for k in keys], dtype="int64")
    return codes, list(seen)
