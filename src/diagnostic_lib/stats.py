"""Statistical building blocks shared by the steps (pure functions, tested on published vectors).

- Poisson counts: exact (Garwood) confidence intervals, the E-test for two
  Poisson means (Krishnamoorthy & Thomson, 2004), rate ratios.
- Proportions: Wilson intervals. Means: t intervals, weighted.
- Concentration: Gini and generalised Gini (Bernasco & Steenbeek, 2017), Lorenz curve.
- Multiple testing: Benjamini–Hochberg false-discovery-rate q-values.

Examples
--------
>>> from diagnostic_lib import stats
>>> round(stats.e_test(6, 2), 4)
0.1749
>>> round(stats.gini([10, 8, 2] + [0] * 7), 2)
0.78
"""

from __future__ import annotations

import functools
from collections.abc import Callable, Sequence
from dataclasses import dataclass
from typing import Any

import numpy as np
import pandas as pd
from scipy import special
from scipy import stats as _st


def poisson_ci(count, level: float = 0.95) -> tuple[np.ndarray, np.ndarray]:
    """Exact (Garwood) confidence interval of a Poisson count.

    Parameters
    ----------
    count : int or array-like of int
    level : float
        Confidence level.

    Returns
    -------
    (lower, upper) : arrays of float

    Examples
    --------
    >>> lo, hi = poisson_ci([0, 10])
    >>> [round(float(v), 3) for v in lo], [round(float(v), 3) for v in hi]
    ([0.0, 4.795], [3.689, 18.39])
    """
    k = np.asarray(count, dtype="float64")
    a = 1 - level
    lo = np.where(k > 0, _st.chi2.ppf(a / 2, 2 * k) / 2, 0.0)
    hi = _st.chi2.ppf(1 - a / 2, 2 * (k + 1)) / 2
    return np.asarray(lo, dtype="float64"), np.asarray(hi, dtype="float64")


def e_test(
    k1: float, k2: float, n1: float = 1.0, n2: float = 1.0, alternative: str = "two-sided"
) -> float:
    """E-test for the equality of two Poisson rates (Krishnamoorthy & Thomson, 2004).

    ``k1`` events over exposure ``n1`` against ``k2`` over ``n2``; wraps
    :func:`scipy.stats.poisson_means_test`.

    Examples
    --------
    >>> round(e_test(6, 2), 4)  # docs/methods.md, *E-test*: 6 vs 2 over equal exposure
    0.1749
    >>> e_test(0, 0)
    1.0
    """
    if k1 + k2 == 0:
        return 1.0
    counts_ok = float(k1).is_integer() and float(k2).is_integer() and k1 >= 0 and k2 >= 0
    ok = counts_ok and n1 > 0 and n2 > 0 and alternative in ("two-sided", "greater", "less")
    if ok:
        p = _e_test_fast(int(k1), float(n1), int(k2), float(n2), alternative)
    else:  # let scipy validate (and refuse) unusual input
        p = _st.poisson_means_test(int(k1), float(n1), int(k2), float(n2), alternative=alternative)
        p = p.pvalue
    return float(min(max(p, 0.0), 1.0))


def _poisson_pmf(k: np.ndarray, mu: Any) -> np.ndarray:  # scipy.stats.poisson._pmf
    return np.exp(special.xlogy(k, mu) - special.gammaln(k + 1) - mu)


def _poisson_ppf(q: np.ndarray, mu: Any) -> np.ndarray:  # scipy.stats.poisson._ppf
    vals = np.ceil(special.pdtrik(q, mu))
    vals1 = np.maximum(vals - 1, 0)
    temp = special.pdtr(vals1, mu)
    return np.where(temp >= q, vals1, vals)


def _thresholds(t_obs: Any, alternative: str) -> tuple[Any, Any]:
    """The pivot values bounding the rejection region: ``t >= lo`` and/or ``t <= hi``."""
    if alternative == "greater":
        return t_obs, None
    if alternative == "less":
        return None, t_obs
    return np.abs(t_obs), -np.abs(t_obs)


@functools.lru_cache(maxsize=1 << 16)  # a pure function of scalars: the same pairs recur
def _e_test_fast(k1: int, n1: float, k2: int, n2: float, alternative: str) -> float:
    """``scipy.stats.poisson_means_test(k1, n1, k2, n2, diff=0).pvalue``, without the full matrix.

    The same bounds, probabilities and pivot statistics as scipy (same
    expressions, hence the same floating-point values); but instead of summing
    the whole ``x1 × x2`` matrix of products under the indicator, it uses that
    the pivot statistic decreases along ``x2`` for every ``x1 > 0``: the
    indicator is a prefix (``greater``), a suffix (``less``) or both
    (two-sided) of each row, found by a vectorised binary search, and each
    row's sum is read off cumulative sums (:class:`_OnePair`). Cost
    O(n1 log n2) instead of O(n1 n2); equal to scipy up to the order of the
    floating-point additions.
    """
    lmbd_hat2 = (k1 + k2) / (n1 + n2)
    if lmbd_hat2 <= 0:
        return 1.0
    var = k1 / (n1**2) + k2 / (n2**2)
    t_k1k2 = (k1 / n1 - k2 / n2) / np.sqrt(var)
    q = np.array([1e-10, 1 - 1e-16])
    x1_lb, x1_ub = _poisson_ppf(q, n1 * lmbd_hat2)
    x2_lb, x2_ub = _poisson_ppf(q, n2 * lmbd_hat2)
    x1 = np.arange(x1_lb, x1_ub + 1)
    x2 = np.arange(x2_lb, x2_ub + 1)
    prob_x1 = _poisson_pmf(x1, n1 * lmbd_hat2)
    pair = _OnePair(x2, _poisson_pmf(x2, n2 * lmbd_hat2), n1, n2)
    if len(x1) * len(x2) <= 40_000:  # small: scipy's own matrix (the same sum, bit for bit)
        return pair.matrix_sum(x1, prob_x1, t_k1k2, alternative)
    return pair.prefix_sum(x1, prob_x1, t_k1k2, alternative)


@dataclass(frozen=True)
class _OnePair:
    """The second count's axis of one E-test: its values, probabilities and exposures."""

    x2: np.ndarray
    prob_x2: np.ndarray
    n1: float
    n2: float

    def matrix_sum(
        self, x1: np.ndarray, prob_x1: np.ndarray, t_k1k2: float, alternative: str
    ) -> float:
        """Scipy's sum over the whole ``x1 × x2`` matrix."""
        lmbd_x1 = x1 / self.n1
        lmbd_x2 = self.x2 / self.n2
        lmbds_diff = lmbd_x1 - lmbd_x2[:, None]
        var_x1x2 = lmbd_x1 / self.n1 + lmbd_x2[:, None] / self.n2
        with np.errstate(invalid="ignore", divide="ignore"):
            t_x1x2 = lmbds_diff / np.sqrt(var_x1x2)
        if alternative == "two-sided":
            indicator = np.abs(t_x1x2) >= np.abs(t_k1k2)
        elif alternative == "less":
            indicator = t_x1x2 <= t_k1k2
        else:
            indicator = t_x1x2 >= t_k1k2
        return float(np.sum((prob_x1 * self.prob_x2[:, None])[indicator]))

    def pivot(self, a: np.ndarray, j: np.ndarray) -> np.ndarray:
        """The pivot statistic at ``x1 = a`` and ``x2 = x2[j]``."""
        lmbd_x1 = a / self.n1
        lmbd_x2 = self.x2 / self.n2
        with np.errstate(invalid="ignore", divide="ignore"):
            return (lmbd_x1 - lmbd_x2[j]) / np.sqrt(lmbd_x1 / self.n1 + lmbd_x2[j] / self.n2)

    def first(self, a: np.ndarray, cond: Callable[[np.ndarray], np.ndarray], thr: float):
        """First index j with cond(t(a, x2[j])) (cond monotone along x2), len(x2) if none.

        Starts from where t(a, ·) crosses ``thr`` (a quadratic in the rate), checks
        the answer with the exact pivot statistic, corrects it by a few steps, and
        falls back to a binary search for the rows still unsettled.
        """
        n1, n2, m = self.n1, self.n2, len(self.x2)
        rate = a / n1
        big_b = thr**2 / n2
        disc = np.sqrt(big_b**2 + 4 * thr**2 * rate * (1 / n1 + 1 / n2))
        u = (-big_b + np.sign(thr) * disc) / 2
        with np.errstate(invalid="ignore"):
            guess = np.ceil((rate - u) * n2 - self.x2[0])
        g = np.clip(np.nan_to_num(guess, nan=0.0), 0, m).astype("int64")
        for _ in range(4):
            before = np.where(g > 0, cond(self.pivot(a, np.maximum(g - 1, 0))), False)
            here = np.where(g < m, cond(self.pivot(a, np.minimum(g, m - 1))), True)
            if not (before.any() or (~here).any()):
                return g
            g = np.where(before, g - 1, np.where(~here, g + 1, g))
        before = np.where(g > 0, cond(self.pivot(a, np.maximum(g - 1, 0))), False)
        here = np.where(g < m, cond(self.pivot(a, np.minimum(g, m - 1))), True)
        bad = before | ~here
        if bad.any():
            g[bad] = self.search(a[bad], cond)
        return g

    def search(self, a: np.ndarray, cond: Callable[[np.ndarray], np.ndarray]) -> np.ndarray:
        """Binary search of :meth:`first`."""
        m = len(self.x2)
        lo = np.zeros(len(a), dtype="int64")
        hi = np.full(len(a), m, dtype="int64")
        while (lo < hi).any():
            act = lo < hi
            mid = (lo + hi) // 2
            midc = np.minimum(mid, m - 1)
            c = cond(self.pivot(a, midc)) & act
            hi = np.where(c, mid, hi)
            lo = np.where(act & ~c, mid + 1, lo)
        return lo

    def prefix_sum(
        self, x1: np.ndarray, prob_x1: np.ndarray, t_k1k2: float, alternative: str
    ) -> float:
        """The same sum, each row's part read off the cumulative sums along ``x2``."""
        cum2 = np.r_[0.0, np.cumsum(self.prob_x2)]
        total2 = cum2[-1]
        lo_thr, hi_thr = _thresholds(t_k1k2, alternative)
        row = np.zeros(len(x1))
        pos = x1 > 0
        xs = x1[pos]
        part = np.zeros(len(xs))
        end_prefix = np.zeros(len(xs), dtype="int64")
        if lo_thr is not None:  # t >= lo_thr on a prefix [0, L)
            end_prefix = self.first(xs, lambda t: ~(t >= lo_thr), lo_thr)
            part += cum2[end_prefix]
        if hi_thr is not None:  # t <= hi_thr on a suffix [F, n)
            start_suffix = self.first(xs, lambda t: t <= hi_thr, hi_thr)
            part += total2 - cum2[np.maximum(start_suffix, end_prefix)]
        row[pos] = part
        if (~pos).any():  # x1 = 0: t = -sqrt(x2) for x2 > 0, undefined at x2 = 0 (excluded)
            t0 = self.pivot(np.zeros(len(self.x2)), np.arange(len(self.x2)))
            ind = np.zeros(len(self.x2), dtype=bool)
            if lo_thr is not None:
                ind |= t0 >= lo_thr
            if hi_thr is not None:
                ind |= t0 <= hi_thr
            row[~pos] = self.prob_x2[ind].sum()
        return float(np.sum(prob_x1 * row))


@dataclass(frozen=True)
class _Pairs:
    """Many E-tests at once: per pair, the exposures, means, count ranges and thresholds."""

    n1: np.ndarray
    n2: np.ndarray
    mu1: np.ndarray
    mu2: np.ndarray
    x1_lb: np.ndarray
    len1: np.ndarray
    x2_lb: np.ndarray
    len2: np.ndarray
    lo_thr: np.ndarray | None
    hi_thr: np.ndarray | None


def _e_test_batch(
    k1: np.ndarray, n1: np.ndarray, k2: np.ndarray, n2: np.ndarray, alternative: str
) -> np.ndarray:
    """:func:`_e_test_fast` for many pairs at once (``k1 + k2 > 0``, exposures > 0).

    The same bounds, probabilities, pivot statistics and prefix/suffix sums as
    the one-pair version, laid out as padded rows (one per pair, pairs of similar
    width together) so that thousands of tests cost a few array operations
    instead of a few thousand Python calls. Equal to scipy's
    ``poisson_means_test`` up to the order of the floating-point additions.
    """
    k1 = np.asarray(k1, dtype="float64")
    k2 = np.asarray(k2, dtype="float64")
    n1 = np.asarray(n1, dtype="float64")
    n2 = np.asarray(n2, dtype="float64")
    lam2 = (k1 + k2) / (n1 + n2)
    with np.errstate(invalid="ignore", divide="ignore"):
        t_obs = (k1 / n1 - k2 / n2) / np.sqrt(k1 / n1**2 + k2 / n2**2)
    mu1, mu2 = n1 * lam2, n2 * lam2
    x1_lb, x1_ub = _poisson_ppf(1e-10, mu1), _poisson_ppf(1 - 1e-16, mu1)
    x2_lb, x2_ub = _poisson_ppf(1e-10, mu2), _poisson_ppf(1 - 1e-16, mu2)
    len1 = (x1_ub - x1_lb + 1).astype("int64")
    len2 = (x2_ub - x2_lb + 1).astype("int64")
    pairs = _Pairs(n1, n2, mu1, mu2, x1_lb, len1, x2_lb, len2, *_thresholds(t_obs, alternative))
    out = np.empty(len(k1))
    order = np.argsort(len2, kind="stable")
    start = 0
    while start < len(order):  # chunks of pairs of similar width, a few million cells each
        stop = start + 1
        while stop < len(order) and (stop + 1 - start) * len2[order[stop]] <= 2_000_000:
            stop += 1
        rows = order[start:stop]
        out[rows] = _e_test_rows(pairs, rows)
        start = stop
    return np.clip(out, 0.0, 1.0)


@dataclass(frozen=True)
class _Rows:
    """A chunk of pairs: the x2 values as padded rows, the x1 values flat with their row."""

    r: int
    m2: int
    c_n2: np.ndarray  # n2 of each row, as a column
    x2: np.ndarray  # (r, m2) padded
    in2: np.ndarray  # (r, m2) inside the row's range
    prob2: np.ndarray  # (r, m2)
    lx2: np.ndarray  # x2 / n2
    cum2: np.ndarray  # (r, m2 + 1) cumulative sums of prob2
    total2: np.ndarray  # (r,)
    rr_all: np.ndarray  # row of each x1 value
    x1_all: np.ndarray  # the x1 values, flat
    prob1: np.ndarray  # their probabilities

    @classmethod
    def build(cls, pairs: _Pairs, rows: np.ndarray) -> _Rows:
        """Lay out the x2 and x1 ranges of the pairs ``rows``."""
        r = len(rows)
        len2 = pairs.len2
        m2 = int(len2[rows].max())
        c_n2 = pairs.n2[rows][:, None]
        x2 = pairs.x2_lb[rows][:, None] + np.arange(m2)
        in2 = np.arange(m2) < len2[rows][:, None]
        # x2: one padded row per pair (pairs come sorted by width), for the cumulative sums
        prob2 = np.zeros((r, m2))
        prob2[in2] = _poisson_pmf(x2[in2], np.broadcast_to(pairs.mu2[rows][:, None], (r, m2))[in2])
        cum2 = np.concatenate([np.zeros((r, 1)), np.cumsum(prob2, axis=1)], axis=1)
        total2 = cum2[np.arange(r), len2[rows]]
        # x1: flat, each value with its row
        l1 = pairs.len1[rows]
        rr_all = np.repeat(np.arange(r), l1)
        offset = np.arange(len(rr_all)) - np.repeat(np.cumsum(l1) - l1, l1)
        x1_all = pairs.x1_lb[rows][rr_all] + offset
        prob1 = _poisson_pmf(x1_all, pairs.mu1[rows][rr_all])
        return cls(r, m2, c_n2, x2, in2, prob2, x2 / c_n2, cum2, total2, rr_all, x1_all, prob1)


@dataclass(frozen=True)
class _RowSearch:
    """The x1 > 0 values of a chunk, where the rejection region is a prefix/suffix of x2."""

    rows: _Rows
    rr: np.ndarray  # row of each value
    a: np.ndarray  # the x1 values
    e_n1: np.ndarray
    e_n2: np.ndarray
    e_m: np.ndarray  # length of the row's x2 range

    def pivot(self, j: np.ndarray) -> np.ndarray:
        """The pivot statistic at each value's x1 and ``x2[j]``."""
        lx1 = self.a / self.e_n1
        lx = self.rows.lx2[self.rr, np.minimum(j, self.rows.m2 - 1)]
        with np.errstate(invalid="ignore", divide="ignore"):
            return (lx1 - lx) / np.sqrt(lx1 / self.e_n1 + lx / self.e_n2)

    def first(self, cond: Callable[[np.ndarray], np.ndarray], thr: np.ndarray) -> np.ndarray:
        """First x2 index j with cond(t(a, x2[j])) (monotone along x2), m if none."""
        a, e_n1, e_n2, e_m = self.a, self.e_n1, self.e_n2, self.e_m
        rate = a / e_n1
        big_b = thr**2 / e_n2
        disc = np.sqrt(big_b**2 + 4 * thr**2 * rate * (1 / e_n1 + 1 / e_n2))
        u = (-big_b + np.sign(thr) * disc) / 2
        with np.errstate(invalid="ignore"):
            guess = np.ceil((rate - u) * e_n2 - self.rows.x2[self.rr, 0])
        g = np.clip(np.nan_to_num(guess, nan=0.0), 0, e_m).astype("int64")
        for _ in range(4):
            before = (g > 0) & cond(self.pivot(np.maximum(g - 1, 0)))
            here = (g >= e_m) | cond(self.pivot(np.minimum(g, e_m - 1)))
            if not (before.any() or (~here).any()):
                return g
            g = np.where(before, g - 1, np.where(~here, g + 1, g))
        before = (g > 0) & cond(self.pivot(np.maximum(g - 1, 0)))
        here = (g >= e_m) | cond(self.pivot(np.minimum(g, e_m - 1)))
        bad = np.flatnonzero(before | ~here)
        if len(bad):  # binary search for the values still unsettled
            g[bad] = self.search(g, bad, cond)
        return g

    def search(
        self, g: np.ndarray, bad: np.ndarray, cond: Callable[[np.ndarray], np.ndarray]
    ) -> np.ndarray:
        """Binary search of :meth:`first` for the values ``bad``."""
        lo = np.zeros(len(bad), dtype="int64")
        hi = self.e_m[bad].copy()
        while (lo < hi).any():
            act = lo < hi
            mid = (lo + hi) // 2
            j = g.copy()
            j[bad] = np.minimum(mid, self.e_m[bad] - 1)
            c = cond(self.pivot(j))[bad] & act
            hi = np.where(c, mid, hi)
            lo = np.where(act & ~c, mid + 1, lo)
        return lo


def _e_test_rows(pairs: _Pairs, rows: np.ndarray) -> np.ndarray:
    rw = _Rows.build(pairs, rows)
    pos = rw.x1_all > 0
    rr, a = rw.rr_all[pos], rw.x1_all[pos]
    n_x2 = pairs.len2[rows]
    srch = _RowSearch(rw, rr, a, pairs.n1[rows][rr], pairs.n2[rows][rr], n_x2[rr])
    part = np.zeros(len(a))
    end_prefix = np.zeros(len(a), dtype="int64")
    lo_thr = None if pairs.lo_thr is None else pairs.lo_thr[rows]
    hi_thr = None if pairs.hi_thr is None else pairs.hi_thr[rows]
    if lo_thr is not None:  # t >= lo_thr on a prefix [0, L)
        thr = lo_thr[rr]
        end_prefix = srch.first(lambda t: ~(t >= thr), thr)
        part += rw.cum2[rr, end_prefix]
    if hi_thr is not None:  # t <= hi_thr on a suffix [F, n)
        thr = hi_thr[rr]
        start_suffix = srch.first(lambda t: t <= thr, thr)
        part += rw.total2[rr] - rw.cum2[rr, np.maximum(start_suffix, end_prefix)]
    value = np.zeros(len(rw.x1_all))
    value[pos] = part
    zero = np.flatnonzero(rw.x1_all == 0)  # at most one per row, its first value
    if len(zero):  # x1 = 0: t = -sqrt(x2 n2) for x2 > 0, undefined at x2 = 0 (excluded)
        zr = rw.rr_all[zero]
        lx = rw.lx2[zr]
        with np.errstate(invalid="ignore", divide="ignore"):
            t0 = -lx / np.sqrt(lx / rw.c_n2[zr])
        ind = np.zeros(t0.shape, dtype=bool)
        if lo_thr is not None:
            ind |= t0 >= lo_thr[zr][:, None]
        if hi_thr is not None:
            ind |= t0 <= hi_thr[zr][:, None]
        value[zero] = np.where(ind & rw.in2[zr], rw.prob2[zr], 0.0).sum(axis=1)
    return np.bincount(rw.rr_all, weights=rw.prob1 * value, minlength=rw.r)


def e_tests(k1, k2, n1=1.0, n2=1.0, alternative: str = "two-sided") -> np.ndarray:
    """:func:`e_test` over arrays (each distinct pair is tested once).

    A few tests are computed one by one, exactly as :func:`e_test`; from 32
    distinct tests on, all together (:func:`_e_test_batch`, equal to scipy up to
    the order of the floating-point additions).

    Examples
    --------
    >>> e_tests([6, 6, 10], [2, 2, 10]).round(4).tolist()
    [0.1749, 0.1749, 1.0]
    """
    shape = np.broadcast_shapes(np.shape(k1), np.shape(k2), np.shape(n1), np.shape(n2))
    k1 = np.broadcast_to(np.asarray(k1, dtype="int64"), shape).ravel()
    k2 = np.broadcast_to(np.asarray(k2, dtype="int64"), shape).ravel()
    n1 = np.broadcast_to(np.asarray(n1, dtype="float64"), shape).ravel()
    n2 = np.broadcast_to(np.asarray(n2, dtype="float64"), shape).ravel()
    if not len(k1):
        return np.empty(shape, dtype="float64")
    code, uniq = pd.MultiIndex.from_arrays([k1, k2, n1, n2]).factorize()
    uk1, uk2, un1, un2 = (np.asarray(uniq.get_level_values(i)) for i in range(4))
    res = np.empty(len(uniq))
    regular = (uk1 >= 0) & (uk2 >= 0) & (uk1 + uk2 > 0) & (un1 > 0) & (un2 > 0)
    regular &= alternative in ("two-sided", "greater", "less")
    # a handful of tests: one by one, as e_test (scipy's own sum for small counts);
    # many: together, in a few array operations
    batch = regular if regular.sum() >= 32 else np.zeros(len(uniq), dtype=bool)
    for i in np.flatnonzero(~batch):
        res[i] = e_test(int(uk1[i]), int(uk2[i]), float(un1[i]), float(un2[i]), alternative)
    if batch.any():
        res[batch] = _e_test_batch(uk1[batch], un1[batch], uk2[batch], un2[batch], alternative)
    return res[code].reshape(shape)


def rate_ratio_ci(
    k1, k2, n1=1.0, n2=1.0, level: float = 0.95
) -> tuple[np.ndarray, np.ndarray, np.ndarray]:
    """Ratio of two Poisson rates with a log-normal confidence interval.

    A zero count gets 0.5 added to both counts (the usual continuity
    correction) for the interval only.

    Returns
    -------
    (ratio, lower, upper) : arrays of float (ratio is NaN when k2 = 0)

    Examples
    --------
    >>> r, lo, hi = rate_ratio_ci(40, 20)
    >>> float(r), round(float(lo), 2), round(float(hi), 2)
    (2.0, 1.17, 3.42)
    """
    k1 = np.asarray(k1, dtype="float64")
    k2 = np.asarray(k2, dtype="float64")
    n1 = np.asarray(n1, dtype="float64")
    n2 = np.asarray(n2, dtype="float64")
    with np.errstate(divide="ignore", invalid="ignore"):
        ratio = np.where(k2 > 0, (k1 / n1) / (k2 / n2), np.nan)
        a = np.where((k1 == 0) | (k2 == 0), k1 + 0.5, k1)
        b = np.where((k1 == 0) | (k2 == 0), k2 + 0.5, k2)
        se = np.sqrt(1 / a + 1 / b)
        z = _st.norm.ppf(0.5 + level / 2)
        centre = np.log((a / n1) / (b / n2))
    return ratio, np.exp(centre - z * se), np.exp(centre + z * se)


def wilson_ci(successes, n, level: float = 0.95) -> tuple[np.ndarray, np.ndarray]:
    """Wilson score interval of a proportion (NaN when ``n`` is 0).

    Examples
    --------
    >>> lo, hi = wilson_ci(20, 100)
    >>> round(float(lo), 3), round(float(hi), 3)
    (0.133, 0.289)
    """
    x = np.asarray(successes, dtype="float64")
    m = np.asarray(n, dtype="float64")
    z = _z(level)
    with np.errstate(divide="ignore", invalid="ignore"):
        p = x / m
        den = 1 + z**2 / m
        centre = (p + z**2 / (2 * m)) / den
        half = z * np.sqrt(p * (1 - p) / m + z**2 / (4 * m**2)) / den
    lo = np.where(m > 0, centre - half, np.nan)
    hi = np.where(m > 0, centre + half, np.nan)
    return np.clip(lo, 0, 1), np.clip(hi, 0, 1)


def design_effect(values: Any, weights: Any, clusters: Any) -> np.ndarray:
    """Design effect of weighted means (or shares) from a cluster sample (linearisation).

    The variance of the weighted mean ``Σ w y / Σ w`` with the respondents'
    clusters as primary sampling units (Taylor linearisation, clusters drawn with
    replacement) over the same variance with every respondent their own cluster:
    how much the clustering widens the interval beyond what the weights do. Never
    below 1 (a negative intra-cluster correlation is read as none); 1 with fewer
    than two clusters or two respondents. Missing values are left out, each row of
    ``values`` on its own.

    Parameters
    ----------
    values : array-like
        One estimate's values (n,), or several (k, n).
    weights : array-like
        Survey weights (n,).
    clusters : array-like
        Each respondent's cluster (n,); a missing cluster is the respondent alone.

    Returns
    -------
    ndarray
        One design effect per row of ``values``.

    Examples
    --------
    >>> y = [1, 1, 1, 0, 0, 0, 1, 0]
    >>> float(design_effect(y, [1] * 8, ["a", "a", "a", "b", "b", "b", "c", "c"])[0]) > 1.5
    True
    >>> float(design_effect(y, [1] * 8, list("abcdefgh"))[0])
    1.0
    """
    v = np.atleast_2d(np.asarray(values, dtype="float64"))
    w = np.asarray(weights, dtype="float64")
    cl = pd.Series(np.asarray(clusters, dtype=object)).where(lambda c: c.notna() & (c != ""))
    codes, _ = pd.factorize(cl, use_na_sentinel=True)
    alone = codes < 0  # a respondent without a cluster is their own
    codes = np.where(alone, codes.max(initial=-1) + 1 + np.cumsum(alone) - 1, codes)
    out = np.ones(len(v))
    for k, row in enumerate(v):
        ok = np.isfinite(row) & np.isfinite(w) & (w > 0)
        n = int(ok.sum())
        if n < 2:
            continue
        ww, yy, cc = w[ok], row[ok], codes[ok]
        z = ww * (yy - np.sum(ww * yy) / ww.sum()) / ww.sum()
        tot = np.bincount(cc, weights=z)[np.unique(cc)]
        m = len(tot)
        var0 = n / (n - 1) * np.sum(z**2)
        if m < 2 or var0 <= 0:
            continue
        out[k] = max(m / (m - 1) * np.sum(tot**2) / var0, 1.0)
    return out


def weighted_mean_ci(
    values, weights=None, level: float = 0.95, design_effect: float = 1.0
) -> tuple[float, float, float, int]:
    """Weighted mean with a t confidence interval (Kish effective sample size).

    Missing values are left out. ``design_effect`` (a cluster sample's, see
    :func:`design_effect`) divides the effective sample size.

    Returns
    -------
    (mean, lower, upper, n)

    Examples
    --------
    >>> m, lo, hi, n = weighted_mean_ci([1, 2, 3, 4, 5])
    >>> m, round(lo, 3), round(hi, 3), n
    (3.0, 1.037, 4.963, 5)
    """
    v = np.asarray(values, dtype="float64")
    w = np.ones_like(v) if weights is None else np.asarray(weights, dtype="float64")
    ok = np.isfinite(v) & np.isfinite(w) & (w > 0)
    v, w = v[ok], w[ok]
    n = len(v)
    if n == 0:
        return float("nan"), float("nan"), float("nan"), 0
    mean = float(np.sum(w * v) / np.sum(w))
    if n < 2:
        return mean, float("nan"), float("nan"), n
    n_eff = np.sum(w) ** 2 / np.sum(w**2)
    var = np.sum(w * (v - mean) ** 2) / np.sum(w) * n_eff / max(n_eff - 1, 1)
    n_eff = n_eff / max(float(design_effect), 1.0)
    se = np.sqrt(var / n_eff)
    # scipy.stats.t.ppf without its argument checks (the same number: it calls stdtrit)
    t = special.stdtrit(max(n_eff - 1, 1), 0.5 + level / 2)
    return mean, float(mean - t * se), float(mean + t * se), n


def normal_p(z: Any) -> Any:
    """Two-sided p-value of a standard normal statistic: ``2 · P(Z > |z|)``.

    Parameters
    ----------
    z : float or array-like
        The statistic (NaN gives NaN).

    Returns
    -------
    float or numpy.ndarray
        Same shape as ``z``.

    Examples
    --------
    >>> round(float(normal_p(1.959964)), 4)
    0.05
    >>> normal_p(np.array([0.0, -3.0])).round(4).tolist()
    [1.0, 0.0027]
    """
    return 2 * special.ndtr(-np.abs(z))


@functools.lru_cache(maxsize=32)
def _z(level: float) -> float:
    """Two-sided normal quantile of a level: ``scipy.stats.norm.ppf(0.5 + level / 2)``."""
    return float(special.ndtri(0.5 + level / 2))


def gini(counts: Sequence[float] | np.ndarray) -> float:
    """Gini coefficient over places (see docs/methods.md, *Concentration: Gini*).

    ``G = Σ (2i − n − 1) x(i) / (n Σ x)`` with counts sorted ascending.

    Examples
    --------
    >>> round(gini([10, 8, 2] + [0] * 7), 2), round(gini([5, 2, 1] + [0] * 7), 2)
    (0.78, 0.8)
    >>> gini([3, 3, 3])
    0.0
    """
    x = np.sort(np.asarray(counts, dtype="float64"))
    n = len(x)
    total = x.sum()
    if n == 0 or total == 0:
        return float("nan")
    i = np.arange(1, n + 1)
    return float(np.sum((2 * i - n - 1) * x) / (n * total))


def small_sample_gini(counts: Sequence[float] | np.ndarray) -> float:
    """Gini with the small-sample correction ``n / (n − 1)`` (unbiased for few places).

    Examples
    --------
    >>> round(small_sample_gini([10, 8, 2] + [0] * 7), 3)
    0.867
    """
    n = len(np.asarray(counts))
    return gini(counts) * n / (n - 1) if n > 1 else float("nan")


def sqrt_poisson_z(a: Any, b: Any) -> Any:
    """Square-root z of two Poisson counts, ``2 (√a − √b)``: a quick check beside the E-test.

    The square root stabilises the variance of a Poisson count (``Var(2√X) ≈ 1``), so
    with equal exposures the difference is roughly standard normal when the rates are
    equal. Analysts use it for weekly counts; it ignores overdispersion, like the E-test.

    Examples
    --------
    >>> round(float(sqrt_poisson_z(30, 15)), 2)
    3.21
    """
    return 2 * (np.sqrt(np.asarray(a, dtype="float64")) - np.sqrt(np.asarray(b, dtype="float64")))


def generalised_gini(counts: Sequence[float] | np.ndarray) -> float:
    """Generalised Gini for sparse data (Bernasco & Steenbeek, 2017).

    ``G' = max(1, n / C) · (G − 1) + 1`` with ``n`` places and ``C`` events:
    when there are fewer events than places, perfect equality is impossible
    and ``G'`` measures concentration against the most equal reachable spread.
    With ``n ≤ C`` it equals ``G``: over locations that all have an event (no
    zero-count place) it corrects nothing. Compute it over every potential place
    (grid cells with no incident included).

    Examples
    --------
    >>> round(generalised_gini([10, 8, 2] + [0] * 7), 2)
    0.78
    >>> round(generalised_gini([5, 2, 1] + [0] * 7), 2)
    0.75
    """
    x = np.asarray(counts, dtype="float64")
    g = gini(x)
    n, c = len(x), x.sum()
    if np.isnan(g):
        return g
    return float(max(1.0, n / c) * (g - 1) + 1)


def lorenz(counts: Sequence[float] | np.ndarray) -> pd.DataFrame:
    """Lorenz curve of incidents over places, most concentrated first.

    Returns
    -------
    DataFrame
        ``share_places`` and ``share_incidents`` (both cumulative, from 0 to 1),
        places sorted by decreasing count (the usual crime-concentration
        reading: "x % of places hold y % of incidents").

    Examples
    --------
    >>> lorenz([0, 5, 15]).round(3).values.tolist()
    [[0.0, 0.0], [0.333, 0.75], [0.667, 1.0], [1.0, 1.0]]
    """
    x = np.sort(np.asarray(counts, dtype="float64"))[::-1]
    n = len(x)
    total = x.sum()
    sp = np.r_[0.0, np.arange(1, n + 1) / n] if n else np.array([0.0])
    si = np.r_[0.0, np.cumsum(x) / total] if total > 0 else np.zeros_like(sp)
    return pd.DataFrame({"share_places": sp, "share_incidents": si})


def bh_qvalues(pvalues) -> np.ndarray:
    """Benjamini–Hochberg q-values (false-discovery-rate adjusted p-values).

    NaN p-values stay NaN and do not count as tests.

    Examples
    --------
    >>> bh_qvalues([0.01, 0.04, 0.03, 0.2]).round(3).tolist()
    [0.04, 0.053, 0.053, 0.2]
    """
    p = np.asarray(pvalues, dtype="float64")
    q = np.full(p.shape, np.nan)
    ok = np.isfinite(p)
    m = int(ok.sum())
    if m == 0:
        return q
    pv = p[ok]
    order = np.argsort(pv)
    ranked = pv[order] * m / np.arange(1, m + 1)
    ranked = np.minimum.accumulate(ranked[::-1])[::-1]
    out = np.empty(m)
    out[order] = np.clip(ranked, 0, 1)
    q[ok] = out
    return q
