"""The fate of last diagnosis's problems: the previous register matched to the new one.

A year after a diagnosis, each problem of the previous register (``problems.toml``
and its ``.geojson``) is looked for among the new problems, by place, categories
and time signature, one to one (:func:`scipy.optimize.linear_sum_assignment` on a
score). A matched problem has **persisted**, **grown** or **shrunk** (its last 12
months against the previous register's last 12 months, tested with a z whose
negative binomial variance grows with the problem's size, its ``alpha`` estimated
from the matched problems' changes around the change they share), or
has **moved** (its centre is farther than ``fate_move_m`` and it overlaps its old
area by less than ``fate_move_overlap``); an unmatched previous problem is
**gone**, and an unmatched new one is **new**.

Examples
--------
>>> FATES
('persisted', 'grown', 'shrunk', 'moved', 'gone', 'new')
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

import numpy as np
import pandas as pd

from .. import i18n, settings, stats

FATES = ("persisted", "grown", "shrunk", "moved", "gone", "new")
"""The fates of a problem, in the order a report lists them."""

MATCH_M: float = settings.default("fate_match_m")
MOVE_M: float = settings.default("fate_move_m")
MOVE_OVERLAP: float = settings.default("fate_move_overlap")
ALPHA: float = settings.default("fate_alpha")
MIN_EVENTS: int = settings.default("fate_min_events")

COLUMNS = (
    "previous_id",
    "current_id",
    "fate",
    "distance_m",
    "overlap",
    "previous_last_12",
    "current_last_12",
    "ratio",
    "z",
    "p_value",
    "dispersion",
    "title_fr",
    "title_en",
)


@dataclass(frozen=True)
class FateOptions:
    """The matching and testing rules of :func:`problem_fates` (defaults: the tunables).

    Attributes
    ----------
    match_m : float
        Largest distance between centres (metres) at which two located problems
        can be the same problem.
    move_m : float
        A matched problem whose centre moved farther than this has moved…
    move_overlap : float
        …when it also overlaps its old area by less than this share (intersection
        over union).
    alpha : float
        Significance level of the change in counts.
    min_events : int
        Below this many events in both periods together, a change is not tested
        (the problem has persisted, "too few to say").
    """

    match_m: float = MATCH_M
    move_m: float = MOVE_M
    move_overlap: float = MOVE_OVERLAP
    alpha: float = ALPHA
    min_events: int = MIN_EVENTS


def _as_set(v: Any) -> frozenset:
    if isinstance(v, str):
        return frozenset(x for x in v.replace(";", ",").split(",") if x)
    if v is None or (isinstance(v, float) and np.isnan(v)):
        return frozenset()
    return frozenset(v)


def _jaccard(a: frozenset, b: frozenset) -> float:
    return len(a & b) / len(a | b) if a | b else 0.0


def _geometry_pairs(prev: pd.DataFrame, cur: pd.DataFrame) -> tuple[np.ndarray, np.ndarray]:
    """Distances between centres (metres) and intersection over union, previous × current."""
    n, m = len(prev), len(cur)
    dist = np.full((n, m), np.inf)
    iou = np.zeros((n, m))
    pg, cg = prev.geometry.to_numpy(), cur.geometry.to_numpy()
    for i in range(n):
        if pg[i] is None or pg[i].is_empty:
            continue
        pc = pg[i].centroid
        for j in range(m):
            if cg[j] is None or cg[j].is_empty:
                continue
            dist[i, j] = pc.distance(cg[j].centroid)
            union = pg[i].union(cg[j]).area
            iou[i, j] = pg[i].intersection(cg[j]).area / union if union > 0 else 0.0
    return dist, iou


def _scores(prev: pd.DataFrame, cur: pd.DataFrame, opts: FateOptions):
    """The match score of every previous × current pair (``-inf``: cannot be the same)."""
    dist, iou = _geometry_pairs(prev, cur)
    score = np.full(dist.shape, -np.inf)
    for i, p in enumerate(prev.itertuples(index=False)):
        for j, c in enumerate(cur.itertuples(index=False)):
            if p.kind != c.kind or not (_as_set(p.families) & _as_set(c.families)):
                continue
            located = p.kind != "municipality"
            if located and iou[i, j] == 0 and not dist[i, j] <= opts.match_m:
                continue
            s = _jaccard(_as_set(p.categories), _as_set(c.categories)) + iou[i, j]
            s += 0.5 * (getattr(p, "dominant_shift", None) == getattr(c, "dominant_shift", None))
            s += 0.5 * (getattr(p, "week_part", None) == getattr(c, "week_part", None))
            if located and np.isfinite(dist[i, j]):
                s -= dist[i, j] / max(opts.match_m, 1.0)
            score[i, j] = s + 10.0  # any admissible pair beats no pair
    return score, dist, iou


_MEDIAN_CHI2_1 = 0.454936  # median of chi-square with one degree of freedom

ROBUST_FROM = 5
"""Fewest problems tested for their shared change to be their weighted median (else the
ratio of their sums)."""


def _common_change(prev_n: np.ndarray, cur_n: np.ndarray, min_events: int) -> tuple[float, float]:
    """The change the matched problems share, and the spread of their changes around it.

    Returns ``(ratio, alpha)``: the common ratio of the current counts to the
    previous ones (the precision-weighted median of the problems' log ratios:
    robust to the few that an action really changed; from :data:`ROBUST_FROM`
    problems, else the ratio of their sums) and the negative binomial
    ``alpha`` (variance ``mu + alpha mu²``) of the
    problems' changes around it, robust (the median of their squared Pearson
    residuals set to that of a chi-square), 0 under three testable problems.
    Around the common change, not around no change: when every problem halves,
    the halving is the change each problem is tested on, not noise.
    """
    tot = prev_n + cur_n
    ok = (tot >= max(min_events, 1)) & (prev_n > 0)
    if ok.sum() < 3:
        return 1.0, 0.0
    k1, k2 = prev_n[ok], cur_n[ok]
    # the change most problems share: the median of their log ratios, each weighted by its
    # precision (a few problems that really changed, an action's, do not move it; a ratio
    # of sums did, and the unchanged problems then read as spread); the ratio of sums under
    # ROBUST_FROM problems (the median of three or four is one of them, which then has no
    # residual, and the spread read from the others is too small)
    ratio = float(k2.sum() / k1.sum())
    if len(k1) >= ROBUST_FROM:
        lr = np.log((k2 + 0.5) / (k1 + 0.5))
        w = 1.0 / (1.0 / (k1 + 0.5) + 1.0 / (k2 + 0.5))
        order = np.argsort(lr, kind="stable")
        half = np.searchsorted(np.cumsum(w[order]), 0.5 * w.sum())
        ratio = float(np.exp(lr[order][min(half, len(lr) - 1)]))
    mu1 = (k1 + k2) / (1 + ratio)
    mu2 = ratio * mu1
    d2 = (k2 - ratio * k1) ** 2

    def excess(alpha: float) -> float:
        var = mu2 + ratio**2 * mu1 + alpha * (mu2**2 + ratio**2 * mu1**2)
        return float(np.median(d2 / var)) - _MEDIAN_CHI2_1

    if excess(0.0) <= 0:
        return ratio, 0.0
    lo, hi = 0.0, 1.0
    while excess(hi) > 0 and hi < 1e6:
        hi *= 4
    for _ in range(60):
        mid = (lo + hi) / 2
        lo, hi = (mid, hi) if excess(mid) > 0 else (lo, mid)
    return ratio, hi


def problem_fates(
    previous: pd.DataFrame, current: pd.DataFrame, options: FateOptions | None = None
) -> pd.DataFrame:
    """What became of each previous problem, and which problems are new.

    Parameters
    ----------
    previous : GeoDataFrame
        The previous register (:func:`diagnostic_lib.inventory.read_register`):
        ``problem_id, kind, categories, families, last_12, geometry`` (and
        ``dominant_shift``, ``week_part``, ``title_fr``, ``title_en`` when there).
    current : GeoDataFrame
        The new problems (``inventory.run(diag).problems``), same columns; put in
        the previous register's CRS when both have one.
    options : FateOptions, optional
        The rules (default: the tunables ``fate_*``).

    Returns
    -------
    DataFrame
        One row per previous problem, then one per new problem: ``previous_id``,
        ``current_id`` (missing when gone or new), ``fate`` (:data:`FATES`),
        ``distance_m`` between centres, ``overlap`` (intersection over union),
        both periods' ``last_12`` counts, their ``ratio``, the ``z`` and
        ``p_value`` of the change (missing under ``min_events``) with the
        ``dispersion`` used (the problem's variance over Poisson,
        ``1 + alpha (k1 + k2) / 2``), and the titles (the previous one, else the
        new). ``attrs``: ``common_ratio`` (the change the matched problems share)
        and ``alpha``.

    Examples
    --------
    >>> import geopandas as gpd, shapely
    >>> def reg(ids, xs, n):
    ...     return gpd.GeoDataFrame(
    ...         {"problem_id": ids, "kind": "place", "categories": [("burglary",)] * len(ids),
    ...          "families": [("property",)] * len(ids), "last_12": n},
    ...         geometry=[shapely.Point(x, 0).buffer(100) for x in xs], crs=32188)
    >>> before = reg(["A", "B"], [0, 5000], [40, 30])
    >>> f = problem_fates(before, reg(["a", "c"], [400, 9000], [42, 25]))
    >>> f[["previous_id", "current_id", "fate"]].fillna("").to_numpy().tolist()
    [['A', 'a', 'moved'], ['B', '', 'gone'], ['', 'c', 'new']]
    >>> round(f.loc[0, "distance_m"])
    400
    """
    from scipy.optimize import linear_sum_assignment

    opts = options or FateOptions()
    prev = previous.reset_index(drop=True)
    cur = current.reset_index(drop=True)
    if getattr(prev, "crs", None) is not None and getattr(cur, "crs", None) is not None:
        cur = cur.to_crs(prev.crs)
    score, dist, iou = _scores(prev, cur, opts)
    pairs: dict[int, int] = {}
    if len(prev) and len(cur):
        finite = np.where(np.isfinite(score), score, -1e9)
        rows, cols = linear_sum_assignment(finite, maximize=True)
        pairs = {
            int(i): int(j) for i, j in zip(rows, cols, strict=True) if np.isfinite(score[i, j])
        }
    p_n = prev["last_12"].to_numpy(dtype=float)
    c_n = cur["last_12"].to_numpy(dtype=float)
    mi = np.array(list(pairs), dtype=int)
    mj = np.array([pairs[i] for i in mi], dtype=int)
    common, alpha = _common_change(p_n[mi], c_n[mj], opts.min_events) if len(mi) else (1.0, 0.0)
    rows_out = [
        _matched_row(prev, cur, i, pairs.get(i), dist, iou, alpha, opts) for i in range(len(prev))
    ]
    taken = set(pairs.values())
    for j in range(len(cur)):
        if j not in taken:
            rows_out.append(_new_row(cur, j))
    out = pd.DataFrame(rows_out, columns=list(COLUMNS))
    out.attrs.update(common_ratio=common, alpha=alpha)
    return out


def _titles(rec: pd.Series) -> tuple[Any, Any]:
    return rec.get("title_fr"), rec.get("title_en")


def _matched_row(prev, cur, i, j, dist, iou, alpha, opts: FateOptions) -> dict:
    p = prev.iloc[i]
    out = dict.fromkeys(COLUMNS)
    out.update(previous_id=p["problem_id"], previous_last_12=p["last_12"])
    out["title_fr"], out["title_en"] = _titles(p)
    if j is None:
        return out | {"fate": "gone"}
    c = cur.iloc[j]
    located = p["kind"] != "municipality"
    d = float(dist[i, j]) if located and np.isfinite(dist[i, j]) else np.nan
    k1, k2 = float(p["last_12"]), float(c["last_12"])
    out.update(current_id=c["problem_id"], current_last_12=c["last_12"], distance_m=d)
    out.update(overlap=float(iou[i, j]) if located else np.nan)
    out["ratio"] = k2 / k1 if k1 > 0 else np.nan
    fate = "persisted"
    if k1 + k2 >= opts.min_events:
        # no change: both years of mean (k1 + k2) / 2, negative binomial of the spread alpha
        phi = 1.0 + alpha * (k1 + k2) / 2  # this problem's variance over Poisson
        z = (k2 - k1) / np.sqrt(phi * (k1 + k2))
        pv = float(stats.normal_p(z))
        out.update(z=float(z), p_value=pv, dispersion=phi)
        if pv < opts.alpha:
            fate = "grown" if k2 > k1 else "shrunk"
    if d > opts.move_m and iou[i, j] < opts.move_overlap:
        fate = "moved"
    return out | {"fate": fate}


def _new_row(cur, j) -> dict:
    c = cur.iloc[j]
    out = dict.fromkeys(COLUMNS)
    out.update(current_id=c["problem_id"], current_last_12=c["last_12"], fate="new")
    out["title_fr"], out["title_en"] = _titles(c)
    return out


def fate_label(fate: str, lang: str = "fr") -> str:
    """A fate in words.

    Parameters
    ----------
    fate : str
        One of :data:`FATES`.
    lang : {"fr", "en"}
        Language.

    Returns
    -------
    str

    Examples
    --------
    >>> fate_label("moved", "fr"), fate_label("gone", "en")
    ('déplacé', 'gone')
    """
    return i18n.t(f"inventory.fate.{fate}", lang)
