"""Near repeat: the Knox test of events close in both space and time.

:func:`knox_test` counts pairs of located events per distance × time band and
compares them with seeded permutations of the event times; :func:`_band` holds
the band-edge convention, ``(lo, hi]`` with the first band ``[0, hi]``.
"""

from __future__ import annotations

import math
from collections.abc import Callable, Sequence

import numpy as np
import pandas as pd

from .. import formatting as fmt
from .. import i18n, settings, stats
from .grid import _located, _xy


def doubling_bands(first: float, bands: int) -> tuple[float, ...]:
    """Band edges ``0, first, 2·first, 4·first…``: ``bands`` bands, each twice the previous.

    Parameters
    ----------
    first : float
        Upper edge of the first band.
    bands : int
        Number of bands.

    Returns
    -------
    tuple of float
        ``bands + 1`` edges.

    Examples
    --------
    >>> doubling_bands(100, 4)
    (0.0, 100.0, 200.0, 400.0, 800.0)
    """
    return (0.0, *(float(first) * 2.0**k for k in range(int(bands))))


DISTANCE_BANDS_M = doubling_bands(
    settings.default("knox_distance_m"), settings.default("knox_bands")
)
"""Default distance bands (m) of :func:`knox_test`, from the ``knox_distance_m`` setting."""

TIME_BANDS_DAYS = doubling_bands(settings.default("knox_days"), settings.default("knox_bands"))
"""Default time bands (days) of :func:`knox_test`, from the ``knox_days`` setting."""

PERMUTATIONS: int = settings.default("knox_permutations")
MAX_EVENTS: int = settings.default("knox_max_events")
MAX_PAIRS: int = settings.default("knox_max_pairs")
BLOCK_DAYS: float = settings.default("knox_block_days")


def _block_shuffler(t: np.ndarray, block: float) -> Callable[[np.random.Generator], np.ndarray]:
    """A function of a generator giving ``t`` shuffled within blocks of ``block`` days.

    Blocks are counted from the first time; ``block`` 0: one block (a plain shuffle).

    Examples
    --------
    >>> t = np.array([0.0, 1.0, 2.0, 200.0, 201.0])
    >>> s = _block_shuffler(t, 182.0)(np.random.default_rng(0))
    >>> sorted(s[:3].tolist()), sorted(s[3:].tolist())
    ([0.0, 1.0, 2.0], [200.0, 201.0])
    """
    if not block or not len(t):
        return lambda rng: rng.permutation(t)
    blk = np.floor((t - t.min()) / block).astype("int64")
    base = np.argsort(blk, kind="stable")
    sorted_t = t[base]
    edges = np.flatnonzero(np.diff(blk[base])) + 1
    spans = list(zip(np.r_[0, edges], np.r_[edges, len(t)], strict=True))

    def shuffle(rng: np.random.Generator) -> np.ndarray:
        # each block's times permuted among its own events (one permutation a block)
        moved = np.concatenate([sorted_t[a:b][rng.permutation(b - a)] for a, b in spans])
        out = np.empty_like(t)
        out[base] = moved
        return out

    return shuffle


def knox_test(
    incidents: pd.DataFrame,
    distance_bands: Sequence[float] = DISTANCE_BANDS_M,
    time_bands: Sequence[float] = TIME_BANDS_DAYS,
    permutations: int = PERMUTATIONS,
    seed: int = 0,
    max_events: int = MAX_EVENTS,
    max_pairs: int = MAX_PAIRS,
    block_days: float = BLOCK_DAYS,
) -> pd.DataFrame:
    """Knox test of near-repeat victimisation over distance × time bands.

    Every pair of located events is counted in the band of its distance (metres)
    and time gap (days, between the midpoints of the events' time ranges).
    Expected counts come from ``permutations`` random permutations of the event
    times over the event places (seeded), **within blocks** of ``block_days``
    (at least the largest time band): an event's time moves only to another
    event's of the same block. Shuffled over the whole period, a slow change of
    where crime happens (a hot place that opens in year 2: its events are close in
    space and all late) reads as near repeats (a held-out simulation: 80–100 % of
    runs with a near-repeat envelope and no contagion; within half-years or
    quarters, none), while contagion, days to weeks apart, stays within a block.
    The ratios are then those of events of the same block (a planted near repeat:
    19 over the whole period, 8.7 within half-years). Knox ratio = observed / mean of the
    permutations; p = (number of permutations ≥ observed + 1) / (permutations + 1)
    (see docs/methods.md, *Knox test*).

    **Band-edge convention**: bands are closed on the right, ``(lo, hi]``, and the
    first band also includes its lower edge, ``[0, hi]``: two events 100 m apart
    fall in the 0–100 m band, not the 100–200 m one; two events on the same day
    fall in the first time band. Pairs farther than the last edge are not counted.

    Pairs are found with a k-d tree (only pairs within the largest distance are
    ever formed); above ``max_events`` located events a seeded random sample of
    ``max_events`` is used. The work is pairs × permutations, and pairs grow with
    the square of the events in a dense town: when the events kept would form more
    than ``max_pairs`` pairs within the largest distance (counted first, without
    forming them), a seeded random sample of them is kept that forms about
    ``max_pairs``. A random sample thins the observed and the expected pairs alike,
    so the ratios keep their meaning; the p-values are those of the sample. Both
    samples are said in ``attrs["parameters"]`` (and by :func:`knox_parameters_text`).

    Parameters
    ----------
    incidents : GeoDataFrame
        Canonical incidents (only located ones count).
    distance_bands, time_bands : sequence of float
        Band edges in metres and days (default: :func:`doubling_bands` of the
        ``knox_distance_m``, ``knox_days`` and ``knox_bands`` settings).
    permutations : int
        Default: the ``knox_permutations`` setting.
    seed : int
        Seed of the permutations and of the sample.
    max_events : int
        Default: the ``knox_max_events`` setting.
    max_pairs : int
        Default: the ``knox_max_pairs`` setting.
    block_days : float
        Default: the ``knox_block_days`` setting; 0 shuffles over the whole period.

    Returns
    -------
    DataFrame
        ``distance_band, time_band, d_low, d_high, t_low, t_high, observed,
        expected, ratio, p_value, q_value`` (Benjamini–Hochberg across the bands:
        with 25 bands, five would look "significant" at 20 % by chance).

    Examples
    --------
    >>> import geopandas as gpd, pandas as pd
    >>> when = pd.to_datetime(["2024-01-01", "2024-01-03", "2024-06-01"])
    >>> inc = gpd.GeoDataFrame({"occurred_from": when, "occurred_to": pd.NaT},
    ...     geometry=gpd.points_from_xy([0, 100, 50], [0, 0, 0]), crs="EPSG:32188")
    >>> k = knox_test(inc, distance_bands=(0, 100, 200), time_bands=(0, 7, 365), permutations=9)
    >>> k.loc[(k.distance_band == "0–100") & (k.time_band == "0–7"), "observed"].item()
    1
    """
    from scipy.spatial import cKDTree

    de = np.asarray(distance_bands, dtype="float64")
    te = np.asarray(time_bands, dtype="float64")
    if len(de) < 2 or len(te) < 2 or np.any(np.diff(de) <= 0) or np.any(np.diff(te) <= 0):
        raise ValueError("bands need at least two strictly increasing edges")
    loc = _located(incidents)
    # an event known only within more than the smallest time band (a month-only date) cannot
    # be placed in a band: left out, and counted
    width = _range_days(loc)
    imprecise = int((width > te[1] - te[0]).sum())
    if imprecise:
        loc = loc[width <= te[1] - te[0]]
    rng = np.random.default_rng(seed)
    n_all = len(loc)
    if n_all > max_events:
        loc = loc.iloc[np.sort(rng.choice(n_all, max_events, replace=False))]
    x, y = _xy(loc)
    t = _midpoint_days(loc)
    tree = cKDTree(np.c_[x, y])
    n_sampled = len(loc)
    # pairs within the last edge, counted without forming them (each point counts itself)
    pairs_counted = (int(tree.count_neighbors(tree, float(de[-1]))) - len(loc)) // 2
    if pairs_counted > max_pairs:
        keep = max(2, int(len(loc) * math.sqrt(max_pairs / pairs_counted)))
        pick = np.sort(rng.choice(len(loc), keep, replace=False))
        loc, x, y, t = loc.iloc[pick], x[pick], y[pick], t[pick]
        tree = cKDTree(np.c_[x, y])
    i, j, bounds, n_pairs = _pairs_by_band(tree, x, y, de)
    nd, nt = len(de) - 1, len(te) - 1
    obs = _time_band_counts(t, i, j, bounds, te)
    shuffle = _block_shuffler(t, max(float(block_days), float(te[-1])) if block_days else 0.0)
    perm_counts = (
        np.stack([_time_band_counts(shuffle(rng), i, j, bounds, te) for _ in range(permutations)])
        if permutations
        else np.zeros((0, nd, nt))
    )
    expected = perm_counts.mean(axis=0) if permutations else np.full((nd, nt), np.nan)
    ge = (perm_counts >= obs[None]).sum(axis=0) if permutations else np.zeros((nd, nt))
    p = (ge + 1) / (permutations + 1) if permutations else np.full((nd, nt), np.nan)
    rows = []
    for a in range(nd):
        for b in range(nt):
            rows.append(
                {
                    "distance_band": f"{de[a]:g}–{de[a + 1]:g}",
                    "time_band": f"{te[b]:g}–{te[b + 1]:g}",
                    "d_low": de[a],
                    "d_high": de[a + 1],
                    "t_low": te[b],
                    "t_high": te[b + 1],
                    "observed": int(obs[a, b]),
                    "expected": float(expected[a, b]),
                    "ratio": float(obs[a, b] / expected[a, b]) if expected[a, b] > 0 else np.nan,
                    "p_value": float(p[a, b]),
                }
            )
    out = pd.DataFrame(rows)
    # every band is a test: Benjamini-Hochberg q-values across the bands
    out["q_value"] = stats.bh_qvalues(out["p_value"].to_numpy(dtype="float64"))
    out.attrs["parameters"] = {
        "events": int(len(loc)),
        "events_located_total": int(n_all),
        "sampled": bool(len(loc) < n_all),
        "max_events": int(max_events),
        "max_pairs": int(max_pairs),
        "pairs_before_sampling": int(pairs_counted) if len(loc) < n_sampled else int(n_pairs),
        "permutations": int(permutations),
        "seed": seed,
        "max_distance_m": float(de[-1]),
        "max_range_days": float(te[1] - te[0]),
        "block_days": max(float(block_days), float(te[-1])) if block_days else 0.0,
        "pairs_within_max_distance": int(n_pairs),
        "left_out_imprecise": imprecise,
        "band_convention": "(lo, hi], first band [0, hi]",
        "time": "days between the midpoints of the events' time ranges",
    }
    return out


def knox_parameters_text(knox: pd.DataFrame, lang: str = "fr", counts: bool = True) -> str:
    """What a Knox test counted, as a sentence (for captions): events, samples, pairs.

    Parameters
    ----------
    knox : DataFrame
        From :func:`knox_test` (its ``attrs["parameters"]`` are read).
    lang : {"fr", "en"}
        Language (numbers by :mod:`diagnostic_lib.formatting`).
    counts : bool
        Give the numbers of incidents and pairs. ``False`` for a public text: those
        numbers, subtracted from a published total, could reveal a small count (the
        incidents left out for an imprecise date); only the sample and the
        permutations are said.

    Returns
    -------
    str
        Empty when ``knox`` has no parameters.

    Examples
    --------
    >>> import geopandas as gpd, pandas as pd
    >>> when = pd.to_datetime(["2024-01-01", "2024-01-03", "2024-06-01"])
    >>> inc = gpd.GeoDataFrame({"occurred_from": when, "occurred_to": pd.NaT},
    ...     geometry=gpd.points_from_xy([0, 100, 50], [0, 0, 0]), crs="EPSG:32188")
    >>> k = knox_test(inc, distance_bands=(0, 100, 200), time_bands=(0, 7, 365), permutations=9)
    >>> knox_parameters_text(k, "en")[:60]
    '3 located incidents dated to within 7 days; 3 pairs within 2'
    """
    p = knox.attrs.get("parameters")
    if not p:
        return ""
    values = {
        "events": fmt.integer(p["events"], lang),
        "total": fmt.integer(p["events_located_total"], lang),
        "days": fmt.number(p.get("max_range_days", 0), lang),
        "pairs": fmt.integer(p["pairs_within_max_distance"], lang),
        "pairs_all": fmt.integer(p.get("pairs_before_sampling", 0), lang),
        "max_pairs": fmt.integer(p.get("max_pairs", 0), lang),
        "distance": fmt.number(p.get("max_distance_m", 0), lang),
        "permutations": fmt.integer(p["permutations"], lang),
        "left_out": fmt.integer(p.get("left_out_imprecise", 0), lang),
        "block": fmt.number(p.get("block_days", 0), lang),
    }
    key = "inventory.knox.text."
    if not counts:
        parts = ["sampled_plain"] if p["sampled"] else []
    else:
        thinned = (
            p["sampled"] and p.get("pairs_before_sampling", 0) > p["pairs_within_max_distance"]
        )
        parts = ["sampled" if p["sampled"] else "all", "pairs_sampled" if thinned else "pairs"]
        parts += ["left_out"] if p.get("left_out_imprecise", 0) else []
    parts.append("permutations_blocks" if p.get("block_days") else "permutations")
    text = i18n.t(key + "separator", lang).join(i18n.t(key + k, lang, **values) for k in parts)
    return text[:1].upper() + text[1:] + "."


def _midpoint_days(events: pd.DataFrame) -> np.ndarray:
    """Midpoint of each event's time range, in days since the epoch (its start if exact)."""
    t0 = events["occurred_from"].to_numpy(dtype="datetime64[us]").astype("int64")
    t1 = (
        events["occurred_to"].to_numpy(dtype="datetime64[us]")
        if "occurred_to" in events.columns
        else np.full(len(events), np.datetime64("NaT"), "datetime64[us]")
    )
    t1 = np.where(np.isnat(t1), t0, t1.astype("int64"))
    return (t0 + (t1 - t0) / 2) / 86_400e6


CHUNK_PAIRS = 1 << 16
"""Pairs per block of :func:`_time_band_counts` (the block's arrays stay in the CPU cache)."""


def _pairs_by_band(
    tree: object, x: np.ndarray, y: np.ndarray, de: np.ndarray
) -> tuple[np.ndarray, np.ndarray, np.ndarray, int]:
    """The pairs within the bands, ordered by distance band, and where each band starts.

    Returns ``i, j`` (int32 when they fit), ``bounds`` (the pairs of distance band ``a``
    are ``i[bounds[a]:bounds[a + 1]]``) and the number of pairs the k-d ``tree`` found
    within the last edge. Pairs beyond the last edge (by :func:`_band`) are dropped. The
    distances are banded block by block: no pair-sized array of floats.
    """
    nd = len(de) - 1
    pairs = tree.query_pairs(r=float(de[-1]), output_type="ndarray")
    n_pairs = len(pairs)
    idx = np.int32 if len(x) < 2**31 else np.intp
    i, j = pairs[:, 0].astype(idx), pairs[:, 1].astype(idx)
    del pairs
    db = np.empty(n_pairs, dtype=np.int8 if nd < 127 else np.int64)
    for s in range(0, n_pairs, CHUNK_PAIRS):
        ii, jj = i[s : s + CHUNK_PAIRS], j[s : s + CHUNK_PAIRS]
        db[s : s + CHUNK_PAIRS] = _band(np.hypot(x[ii] - x[jj], y[ii] - y[jj]), de)
    order = np.argsort(db, kind="stable")
    db = db[order]
    start = int(np.searchsorted(db, 0))  # band -1 (beyond the last edge) sorts first
    bounds = np.searchsorted(db[start:], np.arange(nd + 1))
    order = order[start:]
    return i[order], j[order], bounds, n_pairs


def _time_band_counts(
    t: np.ndarray, i: np.ndarray, j: np.ndarray, bounds: np.ndarray, te: np.ndarray
) -> np.ndarray:
    """Pairs per distance band × time band of the gaps ``|t[i] - t[j]|`` (bands of :func:`_band`).

    Counted block by block as cumulative counts (gaps below the first edge, then at or
    under each next edge), whose differences are the bands: the same integers as
    banding every gap, without a pair-sized array per permutation.
    """
    nd, nt = len(bounds) - 1, len(te) - 1
    below = np.zeros((nd, nt + 1), dtype=np.int64)
    for a in range(nd):
        for s in range(int(bounds[a]), int(bounds[a + 1]), CHUNK_PAIRS):
            e = min(s + CHUNK_PAIRS, int(bounds[a + 1]))
            dt = t[i[s:e]]
            dt -= t[j[s:e]]
            np.abs(dt, out=dt)
            below[a, 0] += np.count_nonzero(dt < te[0])
            for k in range(1, nt + 1):
                below[a, k] += np.count_nonzero(dt <= te[k])
    return np.diff(below, axis=1)


def _range_days(incidents: pd.DataFrame) -> np.ndarray:
    """Width of each event's time range in days (0 when its time is exact)."""
    if "occurred_to" not in incidents.columns or not len(incidents):
        return np.zeros(len(incidents))
    t0 = incidents["occurred_from"].to_numpy(dtype="datetime64[us]")
    t1 = incidents["occurred_to"].to_numpy(dtype="datetime64[us]")
    width = (t1 - t0).astype("timedelta64[us]").astype("float64") / 86_400e6
    return np.where(np.isnat(t1) | np.isnat(t0), 0.0, width)


def _band(values: np.ndarray, edges: np.ndarray) -> np.ndarray:
    """Band index of each value under the (lo, hi] convention, first band [0, hi]; -1 outside."""
    k = np.searchsorted(edges, values, side="left") - 1
    k = np.where(values == edges[0], 0, k)
    k = np.where((values < edges[0]) | (values > edges[-1]), -1, k)
    return k.astype("int64")
