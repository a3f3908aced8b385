"""Emerging hot spots: each grid cell classed by the history of its Gi* over time.

The space-time pattern mining of crime analysis (Esri's *Emerging Hot Spot
Analysis*) asks of every cell not only "is it hot?" but "since when, and is it
getting hotter?". Here:

1. the incidents are cut into time slices (years or quarters of
   ``occurred_from``), the whole slices of the period covered;
2. each slice gets its own Getis–Ord Gi* on the same grid, by
   :func:`~diagnostic_lib.inventory.hot_spots` (same weights, same z-scores, same
   Benjamini–Hochberg correction, applied within each slice);
3. a bin (a cell in a slice) is a significant hot spot when its q-value is
   below ``alpha`` and its z-score positive (cold: negative);
4. each cell's series of z-scores gets a Mann–Kendall trend test
   (:func:`mann_kendall`, ties corrected);
5. each cell is classed by :func:`classify_series`, with the rules below.

The rules (``n`` slices, the last one is "the final slice"; "hot" means a
significant hot bin; ``SHARE`` = 90 %, Esri's published threshold)
-----------------------------------------------------------------------------
- **not enough data**: fewer than ``min_slices`` slices (the Mann–Kendall test
  cannot reach 5 % significance with fewer than 5 values);
- **intensifying**: hot in at least 90 % of the slices, the final one included,
  and the z-scores rise (Mann–Kendall significant at ``trend_alpha``, tau > 0);
- **diminishing**: the same, with the z-scores falling (tau < 0);
- **persistent**: hot in at least 90 % of the slices, the final one included,
  with no significant trend;
- **historical**: hot in at least 90 % of the slices but not in the final one;
- **oscillating**: hot in the final slice, hot in fewer than 90 % of the
  slices, and a significant *cold* spot in at least one earlier slice;
- **new**: hot in the final slice and in no earlier slice (never cold either);
- **consecutive**: hot in an unbroken run of at least two slices ending with
  the final one, never hot (nor cold) before the run, fewer than 90 % hot;
- **sporadic**: hot in the final slice, on and off before (hot in fewer than
  90 % of the slices, never cold);
- the same eight classes for cold spots, with hot and cold swapped (and a
  rising trend diminishing a cold spot);
- **no pattern**: none of the above (never significant, or hot or cold in
  some earlier slices only, fewer than 90 % of them).

Choices where Esri's wording leaves room, stated: a cell hot in 90 % of the
slices but not in the final one is *historical* whatever its trend (Esri's
*persistent* does not say "including the final time step"); a cell that was
ever a cold spot and is hot in the final slice is *oscillating*, never *new*
or *consecutive*. Gi* is computed within each slice (Esri's space-time
neighbourhood with zero time steps): a bin is compared with the other cells of
its own slice, so seasons and a growing total do not make a cell hot.

See docs/methods.md, *Emerging hot spots*.

Examples
--------
>>> r = mann_kendall([1.0, 2.0, 3.0, 4.0, 5.0])
>>> r["s"], round(r["var_s"], 2), round(r["z"], 3), r["tau"]
(10.0, 16.67, 2.205, 1.0)
"""

from __future__ import annotations

import math
from typing import Any

import numpy as np
import pandas as pd

from .. import formatting as fmt
from .. import i18n, settings, stats
from .hot_spot_analysis import NEIGHBOURHOOD, PERMUTATIONS, SEED, hot_spots

SLICE: str = settings.default("emerging_slice")
MIN_SLICES: int = settings.default("emerging_min_slices")
ALPHA: float = settings.default("emerging_alpha")
TREND_ALPHA: float = settings.default("emerging_trend_alpha")
SHARE: float = 0.9
"""Share of the slices a cell must be hot (cold) in to be persistent, intensifying,
diminishing or historical: Esri's published 90 %."""

PATTERNS: tuple[str, ...] = ("new", "consecutive", "intensifying", "persistent", "diminishing",
                             "sporadic", "oscillating", "historical")  # fmt: skip
"""The eight patterns of Esri's Emerging Hot Spot Analysis."""

EMERGING_CLASSES: tuple[str, ...] = (
    *(f"{p}_hot" for p in PATTERNS),
    *(f"{p}_cold" for p in PATTERNS),
    "no_pattern",
    "not_enough_data",
)
"""Every class :func:`classify_series` returns: the eight patterns of hot spots, of
cold spots, "no pattern" and "not enough data" (labels ``inventory.emerging.<class>``)."""

_FREQ = {"year": "Y", "quarter": "Q"}


def emerging_label(cls: str, lang: str = "fr") -> str:
    """The label of an emerging hot-spot class, in words.

    Parameters
    ----------
    cls : str
        One of :data:`EMERGING_CLASSES`.
    lang : {"fr", "en"}
        Language.

    Returns
    -------
    str

    Examples
    --------
    >>> emerging_label("new_hot", "en"), emerging_label("new_hot", "fr")
    ('New hot spot', 'Nouveau point chaud')
    """
    return i18n.t(f"inventory.emerging.{cls}", lang)


# ---------------------------------------------------------------------------- Mann–Kendall
def _tie_term(values: np.ndarray) -> float:
    """Σ t(t−1)(2t+5) over the groups of equal values (the ties correction of Var(S))."""
    _, t = np.unique(values, return_counts=True)
    t = t[t > 1].astype("float64")
    return float((t * (t - 1) * (2 * t + 5)).sum())


def mann_kendall(x: Any, persistence: bool = False) -> dict[str, float]:
    """Mann–Kendall test of a monotonic trend, with the ties correction.

    ``S`` is the sum of the signs of every later-minus-earlier difference;
    its variance under no trend is ``[n(n−1)(2n+5) − Σ t(t−1)(2t+5)] / 18``,
    the sum running over the groups of ``t`` equal values; the z-score has a
    continuity correction (``(S − 1)/σ`` for positive ``S``, ``(S + 1)/σ`` for
    negative, 0 for 0) and the p-value is two-sided (normal approximation).
    ``tau`` is ``S / (n(n−1)/2)`` (Kendall's tau-a). Missing values are left
    out. A series with fewer than 3 values, or whose values are all equal,
    has no trend: ``z = 0``, ``p = 1``.

    Parameters
    ----------
    x : array-like
        The series, in time order.
    persistence : bool
        Widen ``var_s`` for a series whose level persists from one value to the
        next (:func:`_persistence`; what :func:`classify_series` does). False: the
        textbook test, for independent values.

    Returns
    -------
    dict
        ``n, s, var_s, tau, z, p``.

    Examples
    --------
    >>> r = mann_kendall([3.0, 3.0, 2.0, 1.0, 1.0, 0.5])
    >>> r["s"], round(r["var_s"], 3), round(r["p"], 4)
    (-13.0, 26.333, 0.0194)
    """
    v = np.asarray(x, dtype="float64")
    v = v[np.isfinite(v)]
    n = len(v)
    if n < 3:
        return {"n": n, "s": 0.0, "var_s": 0.0, "tau": np.nan, "z": 0.0, "p": 1.0}
    i, j = np.triu_indices(n, k=1)
    s = float(np.sign(v[j] - v[i]).sum())
    var_s = (n * (n - 1) * (2 * n + 5) - _tie_term(v)) / 18.0
    if persistence:
        var_s *= float(_persistence(np.asarray(x, dtype="float64")[None, :])[0])
    return {"n": n, "s": s, "var_s": var_s, "tau": s / (n * (n - 1) / 2), **_mk_z(s, var_s)}


def _mk_z(s: float, var_s: float) -> dict[str, float]:
    if var_s <= 0 or s == 0:
        return {"z": 0.0, "p": 1.0}
    z = (s - math.copysign(1.0, s)) / math.sqrt(var_s)
    return {"z": z, "p": float(stats.normal_p(z))}


def _mann_kendall_rows(z: np.ndarray, persistence: Any = False) -> pd.DataFrame:
    """:func:`mann_kendall` of every row of a matrix (cells × slices), vectorised over rows.

    ``persistence``: True for every row, or a boolean mask of the rows whose variance is
    widened (the others keep the textbook test).
    """
    z = np.asarray(z, dtype="float64")
    ok = np.isfinite(z)
    n = ok.sum(axis=1).astype("float64")
    i, j = np.triu_indices(z.shape[1], k=1)
    s = np.zeros(len(z))
    for a, b in zip(i, j, strict=True):  # slices² pairs, each over every cell
        both = ok[:, a] & ok[:, b]
        s += np.where(both, np.sign(np.nan_to_num(z[:, b]) - np.nan_to_num(z[:, a])), 0.0)
    ties = np.zeros(len(z))
    srt = np.sort(z, axis=1)  # NaN last
    has_tie = ((srt[:, 1:] == srt[:, :-1]) & np.isfinite(srt[:, 1:])).any(axis=1)
    for r in np.flatnonzero(has_tie):  # equal z-scores over time are rare: a loop will do
        ties[r] = _tie_term(z[r][ok[r]])
    var_s = (n * (n - 1) * (2 * n + 5) - ties) / 18.0
    rows = np.ones(len(z), bool) if persistence is True else np.asarray(persistence, bool)
    if rows.any():
        var_s = var_s.copy()
        var_s[rows] = var_s[rows] * _persistence(z[rows])
    enough = (n >= 3) & (var_s > 0)
    with np.errstate(divide="ignore", invalid="ignore"):
        zz = np.where(enough & (s != 0), (s - np.sign(s)) / np.sqrt(var_s), 0.0)
        tau = np.where(n >= 3, s / (n * (n - 1) / 2), np.nan)
    return pd.DataFrame(
        {
            "n": n.astype("int64"),
            "s": s,
            "var_s": var_s,
            "tau": tau,
            "z": zz,
            "p": stats.normal_p(zz),
        }  # fmt: skip
    )


def _persistence(z: np.ndarray) -> np.ndarray:
    """Each row's variance factor of the Mann–Kendall S for a persistent series (≥ 1).

    A level that persists from one slice to the next gives runs that S reads as a
    trend: with lag-one autocorrelation ρ of the series around its Sen slope, S's
    variance is multiplied by ``1 + 2 Σ_k (1 − k/n) ρ^k`` (Yue & Wang 2004, AR(1)).
    ρ is the lag-one autocorrelation of the detrended row, corrected for its bias
    in short series (``+ (1 + 4ρ)/n``), raised by one standard error
    (``√((1 − ρ²)/n)``: twenty slices estimate it loosely, and an estimate too low
    calls trends) and kept within [0, 0.9]. A row with a missing slice keeps the
    textbook variance.
    """
    z = np.asarray(z, dtype="float64")
    out = np.ones(len(z))
    n_cols = z.shape[1] if z.ndim == 2 else 0
    if n_cols < 4:
        return out
    t = np.arange(n_cols, dtype="float64")
    i, j = np.triu_indices(n_cols, k=1)
    with np.errstate(invalid="ignore"):
        slopes = (z[:, j] - z[:, i]) / (t[j] - t[i])
        sen = np.nanmedian(np.where(np.isfinite(slopes), slopes, np.nan), axis=1)
    ok = np.isfinite(z).all(axis=1) & np.isfinite(sen)
    if not ok.any():
        return out
    r = z[ok] - sen[ok, None] * t[None, :]
    r = r - r.mean(axis=1, keepdims=True)
    den = (r**2).sum(axis=1)
    spread = ((z[ok] - z[ok].mean(axis=1, keepdims=True)) ** 2).sum(axis=1)
    exact = den <= 1e-9 * np.maximum(spread, 1.0)  # on its Sen line: no residual to read
    with np.errstate(invalid="ignore", divide="ignore"):
        rho = np.where(exact, 0.0, (r[:, 1:] * r[:, :-1]).sum(axis=1) / den)
    rho = rho + (1 + 4 * rho) / n_cols  # its bias in a short series
    rho = np.clip(rho + np.sqrt(np.clip(1 - rho**2, 0.0, 1.0) / n_cols), 0.0, 0.9)  # + 1 SE
    k = np.arange(1, n_cols)
    out[ok] = 1 + 2 * ((1 - k / n_cols)[None, :] * rho[:, None] ** k[None, :]).sum(axis=1)
    return out


# ---------------------------------------------------------------------------- classes
def _final_run(sig: np.ndarray) -> np.ndarray:
    """Length of the unbroken run of ``True`` ending with the last column, for each row."""
    rev = sig[:, ::-1]
    first_false = np.where(~rev.any(axis=1), 0, np.argmin(rev, axis=1))
    return np.where(rev.all(axis=1), sig.shape[1], first_false)


def _side_classes(
    this: np.ndarray, other: np.ndarray, rising: np.ndarray, falling: np.ndarray, side: str
) -> np.ndarray:
    """Class of each row for one side (``this`` = hot bins, ``other`` = cold, or the reverse)."""
    n_slices = this.shape[1]
    k = this.sum(axis=1)
    mostly = k >= math.ceil(SHARE * n_slices - 1e-9)
    last = this[:, -1]
    run = _final_run(this)
    ever_other = other.any(axis=1)
    out = np.full(len(this), "", dtype=object)
    rules = [
        (mostly & last & rising, "intensifying"),
        (mostly & last & falling, "diminishing"),
        (mostly & last, "persistent"),
        (mostly & ~last, "historical"),
        (last & ever_other, "oscillating"),
        (last & (k == 1), "new"),
        (last & (run == k) & (k >= 2), "consecutive"),
        (last, "sporadic"),
    ]
    for cond, name in rules:
        out[(out == "") & cond] = f"{name}_{side}"
    return out


def classify_series(
    z: Any,
    q: Any,
    alpha: float = ALPHA,
    trend_alpha: float = TREND_ALPHA,
    min_slices: int = MIN_SLICES,
) -> pd.DataFrame:
    """Emerging hot-spot class of each cell from its Gi* z-scores and q-values by slice.

    The rules are in this module's docstring (and docs/methods.md). A bin is
    significant when its q-value is below ``alpha``; a missing z-score or
    q-value (a slice without any incident) is not significant. The trend is
    the Mann–Kendall test of the z-scores (:func:`mann_kendall` with
    ``persistence``), read with Benjamini–Hochberg across the cells it can class.

    Parameters
    ----------
    z, q : DataFrame or 2-D array
        Cells × slices (slices in time order): Gi* z-scores and their q-values.
    alpha : float
        Level below which a bin's q-value makes it a hot or cold spot (default:
        the ``emerging_alpha`` setting).
    trend_alpha : float
        Level of the Mann–Kendall test (default: ``emerging_trend_alpha``).
    min_slices : int
        Fewer slices than this: every cell is "not enough data" (default:
        ``emerging_min_slices``).

    Returns
    -------
    DataFrame
        Indexed like ``z`` (a ``RangeIndex`` for an array): ``pattern`` (one of
        :data:`EMERGING_CLASSES`), ``n_slices``, ``n_significant`` (slices where
        the cell is a hot or a cold spot), ``n_hot``, ``n_cold``,
        ``trend_tau``, ``trend_z``, ``trend_p`` (Mann–Kendall, its variance widened
        for a persistent series where the trend can class the cell), ``trend_q``
        (Benjamini–Hochberg across the cells whose trend can class them: hot or cold
        in 90 % of the slices, the final one included; missing for the others),
        ``last_z``, ``last_q`` and ``last_class`` (``hot``, ``cold`` or ``not_significant``).

    Examples
    --------
    A cell hot in the final of five slices only, one hot in all five, one never:

    >>> z = [[0.1, -0.2, 0.3, 0.0, 3.5], [4.0, 4.2, 3.9, 4.1, 4.0], [0.1, 0.2, 0.1, 0.3, 0.2]]
    >>> q = [[0.9, 0.9, 0.9, 0.9, 0.01], [0.001] * 5, [0.9] * 5]
    >>> classify_series(z, q)["pattern"].tolist()
    ['new_hot', 'persistent_hot', 'no_pattern']
    """
    index = z.index if isinstance(z, pd.DataFrame) else None
    zz = np.asarray(z, dtype="float64")
    qq = np.asarray(q, dtype="float64")
    if zz.ndim != 2 or zz.shape != qq.shape:
        raise ValueError("z and q must be two tables of the same shape: cells × slices")
    sig = np.nan_to_num(qq, nan=1.0) < alpha
    hot = sig & (np.nan_to_num(zz) > 0)
    cold = sig & (np.nan_to_num(zz) < 0)
    n_slices = zz.shape[1]
    # a trend is read only where it can class a cell (hot or cold in 90 % of the slices,
    # the final one included), with Benjamini–Hochberg across those cells: one test per
    # cell of a map at 5 % called a trend somewhere in most maps
    mostly = math.ceil(SHARE * n_slices - 1e-9) if n_slices else 1
    eligible = (
        ((hot.sum(axis=1) >= mostly) & hot[:, -1]) | ((cold.sum(axis=1) >= mostly) & cold[:, -1])
        if n_slices
        else np.zeros(len(zz), bool)
    )
    # widened for persistence where the trend is read (tens of cells of a city's 50,000)
    mk = _mann_kendall_rows(zz, persistence=eligible)
    trend_q = np.full(len(zz), np.nan)
    if eligible.any():
        trend_q[eligible] = stats.bh_qvalues(mk["p"].to_numpy()[eligible])
    trend = (np.nan_to_num(trend_q, nan=1.0) < trend_alpha) & (mk["s"].to_numpy() != 0)
    up = trend & (mk["s"].to_numpy() > 0)
    down = trend & (mk["s"].to_numpy() < 0)
    if n_slices < max(min_slices, 1):
        pattern = np.full(len(zz), "not_enough_data", dtype=object)
    else:
        hot_cls = _side_classes(hot, cold, up, down, "hot")
        cold_cls = _side_classes(cold, hot, down, up, "cold")
        pattern = np.where(hot_cls != "", hot_cls, cold_cls)
        pattern = np.where(pattern == "", "no_pattern", pattern)
    has = n_slices > 0
    last_hot = hot[:, -1] if has else np.zeros(len(zz), bool)
    last_cold = cold[:, -1] if has else np.zeros(len(zz), bool)
    out = pd.DataFrame(
        {
            "pattern": pattern.astype(object),
            "n_slices": n_slices,
            "n_significant": (hot | cold).sum(axis=1),
            "n_hot": hot.sum(axis=1),
            "n_cold": cold.sum(axis=1),
            "trend_tau": mk["tau"].to_numpy(),
            "trend_z": mk["z"].to_numpy(),
            "trend_p": mk["p"].to_numpy(),
            "trend_q": trend_q,
            "last_z": zz[:, -1] if has else np.nan,
            "last_q": qq[:, -1] if has else np.nan,
            "last_class": np.select(
                [last_hot, last_cold], ["hot", "cold"], default="not_significant"
            ).astype(object),
        }
    )
    if index is not None:
        out.index = index
    return out


# ---------------------------------------------------------------------------- the series
def _when(incidents: pd.DataFrame) -> pd.Series:
    when = pd.to_datetime(incidents["occurred_from"])
    if getattr(when.dt, "tz", None) is not None:
        when = when.dt.tz_localize(None)
    return when


def _whole_slices(when: pd.Series, slice_length: str, period: Any) -> pd.PeriodIndex:
    """The slices wholly inside the period covered (given, or the data's first and last day)."""
    if slice_length not in _FREQ:
        raise ValueError(f"slice must be one of {sorted(_FREQ)}, not {slice_length!r}")
    freq = _FREQ[slice_length]
    first, last = (when.min(), when.max()) if when.notna().any() else (pd.NaT, pd.NaT)
    given = (None, None) if period is None else period
    # an end of the period not given (None) is the data's
    start = first if given[0] is None else pd.Timestamp(given[0])
    end = last if given[1] is None else pd.Timestamp(given[1])
    if pd.isna(start) or pd.isna(end):
        return pd.PeriodIndex([], freq=freq)
    start, end = start.normalize(), end.normalize()
    span = pd.period_range(start.to_period(freq), end.to_period(freq), freq=freq)
    whole = (span.start_time >= start) & (span.end_time.normalize() <= end)
    return span[whole]


def gi_star_series(
    incidents: pd.DataFrame,
    grid: pd.DataFrame,
    slice_length: str = SLICE,
    period: Any = None,
    neighbourhood: str = NEIGHBOURHOOD,
    permutations: int = PERMUTATIONS,
    seed: int = SEED,
) -> dict[str, pd.DataFrame]:
    """Gi* of every cell in every time slice (:func:`hot_spots` on each slice).

    The slices are the whole years (quarters) of the period covered: ``period``
    when given (the diagnosis's ``period_start`` and ``period_end``), else from
    the day of the first incident to the day of the last (``occurred_from``).
    A slice the period covers only in part is left out — a quarter with one
    day of data would make every cell with an incident that day a hot spot —
    and so are the incidents in it (their number is in ``attrs``). Give the
    period when the incidents are a subset (one category): its first incident
    may fall a few days after the start of the first slice. A slice without
    any located incident has missing z-scores and q-values. The
    Benjamini–Hochberg correction is applied within each slice, over the
    grid's cells, as :func:`hot_spots` does.

    Parameters
    ----------
    incidents : GeoDataFrame
        Canonical incidents (``occurred_from`` and a geometry).
    grid : GeoDataFrame
        From :func:`make_grid`.
    slice_length : {"year", "quarter"}
        Length of a slice (default: the ``emerging_slice`` setting).
    period : (start, end), optional
        The period the data cover, both days included (an end given as
        ``None``: the data's).
    neighbourhood : {"queen", "rook"}
        Neighbours in Gi* (default: ``hot_spot_neighbourhood``).
    permutations : int
        0 for analytic p-values (default: ``hot_spot_permutations``).
    seed : int
        Seed of the permutations.

    Returns
    -------
    dict of DataFrame
        ``count``, ``z`` and ``q``: cells (indexed like ``grid``) × slices
        (columns: the periods as text, ``"2024"`` or ``"2024Q3"``). The
        ``attrs`` of ``z`` hold ``left_out`` (incidents outside the whole
        slices) and ``partial`` (the slices left out).

    Examples
    --------
    >>> import geopandas as gpd, pandas as pd, shapely
    >>> from diagnostic_lib.inventory import make_grid
    >>> g = make_grid(shapely.box(0, 0, 1000, 1000), cell_size=100, crs="EPSG:32188")
    >>> inc = gpd.GeoDataFrame(
    ...     {"occurred_from": pd.to_datetime(["2022-05-01", "2024-02-01"])},
    ...     geometry=gpd.points_from_xy([100, 900], [100, 900]), crs="EPSG:32188")
    >>> s = gi_star_series(inc, g, "year", period=("2022-01-01", "2024-12-31"))
    >>> list(s["z"].columns), int(s["count"].sum().sum())
    (['2022', '2023', '2024'], 2)
    >>> s = gi_star_series(inc, g, "year")   # from 1 May 2022 to 1 February 2024
    >>> list(s["z"].columns), s["z"].attrs["left_out"], s["z"].attrs["partial"]
    (['2023'], 2, ['2022', '2024'])
    """
    when = _when(incidents)
    slices = _whole_slices(when, slice_length, period)
    freq = _FREQ[slice_length]
    per = when.dt.to_period(freq)
    cols: dict[str, dict[str, Any]] = {"count": {}, "z": {}, "q": {}}
    for p in slices:
        sub = incidents[(per == p).to_numpy()]
        # an empty slice: hot_spots gives missing z-scores and q-values
        hs = hot_spots(
            sub, grid=grid, neighbourhood=neighbourhood, permutations=permutations, seed=seed
        )
        cols["count"][str(p)] = hs["count"].to_numpy()
        cols["z"][str(p)] = hs["gi_z"].to_numpy()
        cols["q"][str(p)] = hs["q_value"].to_numpy()
    out = {k: pd.DataFrame(v, index=grid.index) for k, v in cols.items()}
    kept = per.isin(slices).to_numpy()
    out["z"].attrs["left_out"] = int((~kept).sum())
    out["z"].attrs["partial"] = sorted({str(p) for p in per[~kept].dropna()})
    return out


def emerging_hot_spots(
    incidents: pd.DataFrame,
    grid: pd.DataFrame,
    slice_length: str = SLICE,
    min_slices: int = MIN_SLICES,
    alpha: float = ALPHA,
    trend_alpha: float = TREND_ALPHA,
    period: Any = None,
    neighbourhood: str = NEIGHBOURHOOD,
) -> pd.DataFrame:
    """Emerging hot spots: each grid cell classed by the history of its Gi* (Esri's rules).

    :func:`gi_star_series` (Gi* by whole slice, analytic p-values, FDR within
    each slice), then :func:`classify_series` (Mann–Kendall trend and the
    classes). The rules are in this module's docstring and in docs/methods.md,
    *Emerging hot spots*.

    Parameters
    ----------
    incidents : GeoDataFrame
        Canonical incidents (``occurred_from`` and a geometry).
    grid : GeoDataFrame
        From :func:`make_grid`.
    slice_length : {"year", "quarter"}
        Length of a time slice (default: the ``emerging_slice`` setting).
    min_slices : int
        Fewer slices: every cell "not enough data" (``emerging_min_slices``).
    alpha : float
        q-value below which a bin is a hot or cold spot (``emerging_alpha``).
    trend_alpha : float
        Level of the Mann–Kendall trend test (``emerging_trend_alpha``).
    period : (start, end), optional
        The period the data cover (see :func:`gi_star_series`); by default
        the days of the first and last incidents.
    neighbourhood : {"queen", "rook"}
        Neighbours in Gi* (``hot_spot_neighbourhood``).

    Returns
    -------
    GeoDataFrame
        The grid with ``count`` (all slices) and the columns of
        :func:`classify_series`; ``attrs["parameters"]`` states the parameters
        (and the incidents left out with the partial slices), ``attrs["slices"]``
        the slices, in order.

    Examples
    --------
    >>> import geopandas as gpd, numpy as np, pandas as pd, shapely
    >>> from diagnostic_lib.inventory import make_grid
    >>> g = make_grid(shapely.box(0, 0, 2000, 2000), cell_size=200, crs="EPSG:32188")
    >>> rng = np.random.default_rng(1)
    >>> years = np.repeat([2021, 2022, 2023, 2024, 2025], 120)
    >>> x, y = rng.uniform(0, 2000, 600), rng.uniform(0, 2000, 600)
    >>> x[::3], y[::3] = rng.normal(500, 60, 200), rng.normal(500, 60, 200)
    >>> when = pd.to_datetime([f"{a}-06-01" for a in years])
    >>> inc = gpd.GeoDataFrame({"occurred_from": when}, geometry=gpd.points_from_xy(x, y),
    ...                        crs="EPSG:32188")
    >>> e = emerging_hot_spots(inc, g, "year", period=("2021-01-01", "2025-12-31"))
    >>> e.loc[g.geometry.contains(shapely.Point(500, 500)).idxmax(), "pattern"]
    'persistent_hot'
    """
    series = gi_star_series(incidents, grid, slice_length, period, neighbourhood, 0)
    cls = classify_series(series["z"], series["q"], alpha, trend_alpha, min_slices)
    out = grid.copy()
    out["count"] = series["count"].sum(axis=1).astype("int64")
    for c in cls.columns:
        out[c] = cls[c]
    out.attrs["parameters"] = {
        "method": "Emerging hot spots: Gi* by slice (FDR), Mann-Kendall, Esri's classes",
        "cell_size_m": float(grid.attrs["grid"]["cell_size"]),
        "cells": int(len(out)),
        "slice": slice_length,
        "slices": int(series["z"].shape[1]),
        "min_slices": int(min_slices),
        "alpha": float(alpha),
        "trend_alpha": float(trend_alpha),
        "share": SHARE,
        "neighbourhood": neighbourhood,
        "p_values": "normal approximation, two-sided",
        "multiple_testing": "Benjamini-Hochberg FDR within each slice",
        "incidents_left_out": series["z"].attrs["left_out"],
        "partial_slices_left_out": series["z"].attrs["partial"],
    }
    out.attrs["slices"] = list(series["z"].columns)
    return out


def emerging_parameters_text(emerging: pd.DataFrame, lang: str = "fr") -> str:
    """The parameters of an emerging hot-spot analysis as a sentence (for maps and reports).

    Parameters
    ----------
    emerging : GeoDataFrame
        From :func:`emerging_hot_spots` (its ``attrs`` are read).
    lang : {"fr", "en"}
        Language (numbers by :mod:`diagnostic_lib.formatting`).

    Returns
    -------
    str

    Examples
    --------
    >>> e = pd.DataFrame()
    >>> e.attrs = {"parameters": {"slice": "year", "slices": 4, "cell_size_m": 200.0,
    ...            "alpha": 0.1, "trend_alpha": 0.05}, "slices": ["2022", "2023", "2024", "2025"]}
    >>> emerging_parameters_text(e, "en")[:44]
    'Gi* by period (4 years, 2022 to 2025), 200 m'
    """
    p = emerging.attrs.get("parameters", {})
    slices = emerging.attrs.get("slices") or [""]
    if lang == "fr":  # 2024Q3 → 2024T3 (trimestre)
        slices = [str(x).replace("Q", "T") for x in slices]
    return i18n.t(
        "inventory.emerging.text",
        lang,
        n=fmt.integer(p.get("slices", 0), lang),
        slice=i18n.t(f"inventory.emerging.slice.{p.get('slice', 'year')}", lang),
        first=slices[0],
        last=slices[-1],
        cell=fmt.number(p.get("cell_size_m", 0), lang),
        alpha=fmt.number(p.get("alpha", ALPHA), lang),
        trend_alpha=fmt.number(p.get("trend_alpha", TREND_ALPHA), lang),
    )
