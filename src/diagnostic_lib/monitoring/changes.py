"""The changes of a monitoring bulletin, each with its test and a verdict in words.

:func:`compare_periods` compares the latest period of a :func:`period_table`
with (a) the same period a year earlier and (b) the mean of the previous 12
periods, group by group. Crime counts vary more from period to period than
Poisson noise, so a plain Poisson test reads noise as news (the CompStat
habit). Here the verdicts come from an **overdispersion-aware** test: the
negative binomial variance ``μ + α μ²``, with ``α`` estimated (by moments, as
the count models of step 3 do, :mod:`diagnostic_lib.evaluation.count_models`)
from the spread of the group's own previous periods and shrunk towards the
value pooled over all the groups of the table. When no extra variation is
found (``α = 0``) the year-over-year verdict comes from the exact E-test
(Krishnamoorthy & Thomson, 2004). The plain Poisson z of each comparison is
kept beside it, for contrast, with the verdict it would give. Many groups are
tested at once: the verdicts use Benjamini–Hochberg q-values across the groups
of the table. See docs/methods.md, *Monitoring between diagnoses*.
"""

from __future__ import annotations

from typing import Any

import numpy as np
import pandas as pd
from scipy import stats as _st

from .. import settings, stats
from ..evaluation.count_models import _fit_counts, _fourier

VERDICTS: tuple[str, ...] = (
    "significant_increase",
    "significant_decrease",
    "no_significant_change",
    "too_few",
    "not_covered",
)
"""The verdicts of a comparison (in words: ``monitoring.verdict.<code>`` of the catalogue)."""

TESTS: tuple[str, ...] = ("negative_binomial", "e_test")
"""The test behind a verdict (in words: ``monitoring.test.<code>``)."""

PRIOR_PERIODS: int = 4
"""Weight, in periods, of the pooled dispersion against a group's own (empirical Bayes)."""

MIN_BASELINE: int = 3
"""Fewest covered periods in the baseline for a comparison with its mean."""

SEASONAL_YEARS: int = 3
"""Years of history before the period monitored whose periods a year apart give ``α_y``."""


def dispersion(history: np.ndarray, design: np.ndarray | None = None) -> tuple[np.ndarray, float]:
    """The dispersion ``α`` of each group's period counts, shrunk towards the pooled value.

    Each row (a group's counts over some periods) is fitted by the count model
    of step 3 (:func:`~diagnostic_lib.evaluation.count_models._fit_counts`): a
    Poisson regression on ``design`` (default: an intercept only, the mean),
    then ``α = max(0, Σ((y − μ)² − y) / Σ μ²)`` (Cameron & Trivedi's moments),
    so that ``Var(y) = μ + α μ²``. The pooled value weighs each group by its
    mean; a group's own value, on ``n − k`` degrees of freedom (``k`` the
    columns of the design), is combined with it:
    ``α = ((n − k) α_g + 4 α_pool) / (n − k + 4)``.

    Parameters
    ----------
    history : ndarray, shape (groups, periods)
    design : ndarray, shape (periods, k), optional
        The regressors of the mean (e.g. :func:`seasonal_design`).

    Returns
    -------
    (alpha, pooled) : (ndarray, float)

    Examples
    --------
    By hand: the second row has mean 10, ``Σ(y − μ)² = 100``, ``Σy = 40``,
    ``Σμ² = 400``, so ``α = 0.15``; the first has none; pooled 0.075.

    >>> a, pooled = dispersion(np.array([[10, 10, 10, 10], [5, 15, 5, 15]]))
    >>> round(pooled, 3), a.round(3).tolist()
    (0.075, [0.043, 0.107])
    """
    x = np.asarray(history, dtype="float64")
    n = x.shape[1] if x.ndim == 2 else 0
    X = np.ones((n, 1)) if design is None else np.asarray(design, dtype="float64")
    k = X.shape[1] if n else 1
    if n < k + 1:
        return np.zeros(len(x)), 0.0
    own = np.zeros(len(x))
    mean = x.mean(axis=1)
    for i in np.flatnonzero(mean > 0):
        own[i] = _fit_counts(x[i], X, "nb")["alpha"]
    return _shrunk(own, mean, n - k)


def _shrunk(own: np.ndarray, mean: np.ndarray, dof: float) -> tuple[np.ndarray, float]:
    """Each group's ``α`` on ``dof`` degrees of freedom, shrunk towards the mean-weighted pool.

    ``α = (dof × α_g + 4 α_pool) / (dof + 4)`` (:data:`PRIOR_PERIODS`); returns
    ``(α, pooled)``.
    """
    pooled = float(np.sum(mean * own) / np.sum(mean)) if mean.sum() > 0 else 0.0
    return (dof * own + PRIOR_PERIODS * pooled) / (dof + PRIOR_PERIODS), pooled


def seasonal_design(periods: pd.PeriodIndex) -> np.ndarray:
    """Regressors of a seasonal count series: intercept, trend (years) and Fourier terms.

    Two pairs of Fourier terms (12 and 6 months) for months, one pair for
    quarters (taken at their middle month), as the interrupted time series of
    step 3 (:func:`~diagnostic_lib.evaluation.count_models._fourier`).

    Examples
    --------
    >>> seasonal_design(pd.period_range("2016Q1", "2017Q4", freq="Q")).shape
    (8, 4)
    >>> seasonal_design(pd.period_range("2016-01", "2017-12", freq="M")).shape
    (24, 6)
    """
    p = pd.PeriodIndex(periods)
    monthly = p.freqstr.startswith("M")
    month = p.month.to_numpy() if monthly else 3 * p.quarter.to_numpy() - 1
    t = (p.year.to_numpy() + (month - 1) / 12.0).astype("float64")
    t = t - t.mean() if len(t) else t
    return np.column_stack([np.ones(len(p)), t, _fourier(month, 2 if monthly else 1)])


def _p(z: np.ndarray) -> np.ndarray:
    return 2 * _st.norm.sf(np.abs(z))


def _z(diff: np.ndarray, var: np.ndarray) -> np.ndarray:
    with np.errstate(divide="ignore", invalid="ignore"):
        return np.where(var > 0, diff / np.sqrt(np.where(var > 0, var, 1.0)), 0.0)


def _q(p: np.ndarray, ok: np.ndarray) -> np.ndarray:
    q = np.full(len(p), np.nan)
    if ok.any():
        q[ok] = stats.bh_qvalues(p[ok])
    return q


def _verdict(q: np.ndarray, diff: np.ndarray, ok: np.ndarray, covered: Any, alpha: float):
    sig = np.where(diff > 0, "significant_increase", "significant_decrease")
    out = np.where(q < alpha, sig, "no_significant_change")
    out = np.where(ok, out, "too_few")
    return np.where(covered, out, "not_covered").astype(object)


def _yearly_dispersion(
    table: pd.DataFrame, at: pd.Period, cov: np.ndarray, per_year: int
) -> tuple[np.ndarray, float, int]:
    """``α`` of the differences between each period and the same period a year before.

    Over the :data:`SEASONAL_YEARS` years before ``at``, each pair of covered periods
    a year apart gives ``d = y − y₋₁``; under no change between years
    ``Var(d) = y + y₋₁ + α (μ² + μ₋₁²)``, so ``α = max(0, (Σ(d − d̄)² − Σ(y + y₋₁)) /
    Σ(2 m²))`` with ``m`` the pair's mean, shrunk towards the pooled value as in
    :func:`dispersion`. This is the variation the year-over-year comparison meets,
    whatever its cause: a level that persists for months moves between two Januaries
    as much as it does around its own mean, and a seasonal fit over three years
    absorbs part of it. Returns ``(α, pooled, pairs)``; ``pairs`` 0 when fewer than
    ``per_year`` pairs are covered.
    """
    cols = table.columns
    pos = {p: i for i, p in enumerate(cols)}
    first = at - SEASONAL_YEARS * per_year
    pairs = [
        (pos[p], pos[p - per_year])
        for p in cols
        if first <= p - per_year and p < at and (p - per_year) in pos
        and cov[pos[p]] and cov[pos[p - per_year]]
    ]  # fmt: skip
    g = len(table)
    if len(pairs) < per_year:
        return np.zeros(g), 0.0, 0
    x = table.to_numpy(dtype="float64")
    now = x[:, [a for a, _ in pairs]]
    before = x[:, [b for _, b in pairs]]
    d = now - before
    k = d.shape[1]
    m = (now + before) / 2
    num = np.sum((d - d.mean(axis=1, keepdims=True)) ** 2, axis=1) * k / (k - 1)
    num = num - np.sum(now + before, axis=1)
    den = np.sum(2 * m**2, axis=1)
    with np.errstate(divide="ignore", invalid="ignore"):
        own = np.where(den > 0, np.maximum(0.0, num / den), 0.0)
    alpha, pooled = _shrunk(own, m.mean(axis=1), k - 1)
    return alpha, pooled, k


def _rolling_dispersion(
    table: pd.DataFrame, at: pd.Period, cov: np.ndarray, length: int, per_year: int
) -> tuple[np.ndarray, float, int]:
    """``α`` of each period against the mean of the ``length`` periods before it.

    Over the :data:`SEASONAL_YEARS` years before ``at``, each covered period whose
    ``length`` previous periods are all covered gives ``e = y − b`` (``b`` their mean);
    under no change ``Var(e) = (b + α b²)(1 + 1/length)``, so ``α = max(0,
    (Σ e² / (1 + 1/length) − Σ b) / Σ b²)``, shrunk towards the pooled value as in
    :func:`dispersion`. This is the variation the comparison with the baseline meets:
    a level that persists for months makes the baseline's periods alike (their spread
    around their own mean is small) while the period after them has moved. Returns
    ``(α, pooled, residuals)``; ``residuals`` 0 when fewer than ``per_year`` are found.
    """
    cols = table.columns
    pos = {p: i for i, p in enumerate(cols)}
    first = at - SEASONAL_YEARS * per_year
    idx = [
        pos[p]
        for p in cols
        if first <= p < at and cov[pos[p]]
        and all((p - j) in pos and cov[pos[p - j]] for j in range(1, length + 1))
    ]  # fmt: skip
    g = len(table)
    if len(idx) < per_year or length < 1:
        return np.zeros(g), 0.0, 0
    x = table.to_numpy(dtype="float64")
    csum = np.concatenate([np.zeros((g, 1)), np.cumsum(x, axis=1)], axis=1)
    i = np.asarray(idx)
    b = (csum[:, i] - csum[:, i - length]) / length
    e = x[:, i] - b
    num = np.sum(e * e, axis=1) / (1 + 1 / length) - np.sum(b, axis=1)
    den = np.sum(b * b, axis=1)
    with np.errstate(divide="ignore", invalid="ignore"):
        own = np.where(den > 0, np.maximum(0.0, num / den), 0.0)
    alpha, pooled = _shrunk(own, b.mean(axis=1), len(idx) - 1)
    return alpha, pooled, len(idx)


def _dispersions(
    table: pd.DataFrame, at: pd.Period, cov: np.ndarray, hist: np.ndarray, length: int
) -> tuple[tuple[np.ndarray, float], tuple[np.ndarray, float]]:
    """``(α, pooled)`` of the comparison with the baseline, then of the year over year.

    The baseline's: the spread of its periods around their mean (:func:`dispersion`),
    never below that of the periods around their own rolling baseline
    (:func:`_rolling_dispersion`: a persistent level makes the baseline's periods alike
    while the period after them has moved). The year over year's: from the periods a
    year apart (:func:`_yearly_dispersion`), else the baseline's.
    """
    per_year = 12 if at.freqstr.startswith("M") else 4
    a, pooled = dispersion(hist)
    a_roll, pooled_roll, rolled = _rolling_dispersion(table, at, cov, length, per_year)
    if rolled:
        a, pooled = np.maximum(a, a_roll), max(pooled, pooled_roll)
    a_year, pooled_year, pairs = _yearly_dispersion(table, at, cov, per_year)
    if not pairs:  # under a year of pairs a year apart: the baseline's spread
        a_year, pooled_year = a, pooled
    return (a, pooled), (a_year, pooled_year)


def _test(
    out: pd.DataFrame,
    side: str,
    diff: np.ndarray,
    variances: tuple[np.ndarray, np.ndarray],
    rule: tuple[np.ndarray, Any, float],
    exact: np.ndarray | None = None,
) -> None:
    """Fill ``z_, p_, q_, verdict_`` of one comparison and their plain Poisson twins.

    ``variances`` is (overdispersion-aware, Poisson); ``rule`` is (enough
    events, covered, alpha); ``exact`` replaces the p-value where it is not NaN.
    """
    ok, covered, alpha = rule
    for prefix, var in zip(("", "poisson_"), variances, strict=True):
        z = _z(diff, var)
        p = _p(z)
        if exact is not None and not prefix:
            p = np.where(np.isnan(exact), p, exact)
        q = _q(p, ok)
        out[f"z_{prefix}{side}"] = z
        out[f"p_{prefix}{side}"] = p
        out[f"q_{prefix}{side}"] = q
        out[f"verdict_{prefix}{side}"] = _verdict(q, diff, ok, covered, alpha)


def _nb_tail(now: np.ndarray, mean: np.ndarray, a: np.ndarray, inflate: float) -> np.ndarray:
    """Two-sided p-value of ``now`` in a negative binomial of ``mean`` and dispersion ``a``.

    The variance is that of the baseline test, ``(mean + a mean²) × inflate`` (the
    mean is itself an estimate), matched by the negative binomial's
    ``mean + a' mean²``; a month's count is skewed, and the normal's upper tail
    is too light for it (false increases at small and moderate counts).
    """
    with np.errstate(divide="ignore", invalid="ignore"):
        var = (mean + a * mean**2) * inflate
        a2 = np.where(mean > 0, (var - mean) / mean**2, 0.0)
        a2 = np.maximum(a2, 1e-9)
        size = 1.0 / a2
        prob = size / (size + mean)
        up = _st.nbinom.sf(now - 1, size, prob)
        down = _st.nbinom.cdf(now, size, prob)
    p = np.minimum(1.0, 2 * np.minimum(up, down))
    return np.where(np.isfinite(p) & (mean > 0), p, np.nan)


def compare_periods(
    table: pd.DataFrame,
    at: pd.Period,
    covered: np.ndarray | None = None,
    baseline_periods: int = settings.default("monitor_baseline_periods"),
    min_events: int = settings.default("monitor_min_events"),
    alpha: float = settings.default("alpha"),
) -> pd.DataFrame:
    """Each group's count in period ``at`` against a year earlier and the previous periods' mean.

    **Year over year**: ``now`` against ``year_ago``; under "no change" both have the
    mean ``m = (now + year_ago) / 2``, so ``z = (now − year_ago) / √(2 (m + α_y m²))``.
    The two share the season, so ``α_y`` is read on the differences between periods a
    year apart over the :data:`SEASONAL_YEARS` years before (:func:`_yearly_dispersion`:
    season and a steady trend drop out, a level that persists for months does not; with
    fewer than two years of data, the baseline's ``α``). With ``α_y = 0`` the verdict
    uses the exact E-test (``p_e_test``, shown in every case). **Against the baseline**:
    ``now`` against the mean ``b`` of the ``baseline_periods`` periods before (those
    covered by the data), ``z = (now − b) / √((b + α b²)(1 + 1/n))``, with ``α`` the
    spread of those periods around their mean, season included (a December that is
    always low is no news), never below the spread of each period of the years before
    around its own rolling baseline (:func:`_rolling_dispersion`). Its p-value is not
    the normal's but that of ``now`` in a negative binomial of mean ``b`` and that
    variance (one month's count is skewed: the normal's upper tail gave false
    increases), widened by ``df / (df − 2)`` for an ``α`` estimated from ``n`` periods
    (``df = n − 1 + 4``, the pool's weight). The plain Poisson z of each (``α = 0``:
    ``(now − year_ago) / √(now + year_ago)`` and ``(now − b) / √(b (1 + 1/n))``) is kept
    beside, with the verdict it would give. q-values: Benjamini–Hochberg across the
    groups with enough events.

    Verdicts (:data:`VERDICTS`): ``significant_increase``,
    ``significant_decrease``, ``no_significant_change`` (q ≥ ``alpha``),
    ``too_few`` (the two counts compared add up to fewer than ``min_events``;
    against the baseline, twice its mean does: whether a month is tested does not
    depend on the count under test)
    and ``not_covered`` (no data a year earlier, or fewer than
    :data:`MIN_BASELINE` covered periods in the baseline).

    Parameters
    ----------
    table : DataFrame
        Counts, one row per group, one column per period (:func:`period_table`).
    at : Period
        The period monitored (a column of ``table``).
    covered : ndarray of bool, optional
        Which columns hold data (:func:`covered_periods`; default: all).
    baseline_periods, min_events, alpha
        The tunables ``monitor_baseline_periods``, ``monitor_min_events`` and ``alpha``.

    Returns
    -------
    DataFrame
        Index the groups (as in ``table``); columns ``now, year_ago,
        diff_year, p_e_test, z_year, p_year, q_year, test_year, verdict_year,
        z_poisson_year, p_poisson_year, q_poisson_year, verdict_poisson_year,
        baseline_mean, baseline_periods, diff_baseline, z_baseline, p_baseline,
        q_baseline, verdict_baseline, z_poisson_baseline, p_poisson_baseline,
        q_poisson_baseline, verdict_poisson_baseline, dispersion,
        dispersion_year``;
        ``attrs`` give ``at, year_ago, baseline`` (the periods used),
        ``pooled_dispersion, pooled_dispersion_year, alpha, min_events``.

    Examples
    --------
    >>> cols = pd.period_range("2016-01", "2017-12", freq="M")
    >>> rng = np.random.default_rng(3)
    >>> t = pd.DataFrame(rng.poisson(20, (3, 24)), index=["A", "B", "C"], columns=cols)
    >>> t.loc["C", cols[-1]] = 60  # tripled in the last month
    >>> c = compare_periods(t, cols[-1])
    >>> int(c.loc["C", "now"]), c.loc["C", "verdict_year"], c.loc["C", "verdict_baseline"]
    (60, 'significant_increase', 'significant_increase')
    >>> c.loc["A", "verdict_baseline"]
    'no_significant_change'
    """
    at = pd.Period(at)
    cols = table.columns
    cov = np.ones(len(cols), dtype=bool) if covered is None else np.asarray(covered, dtype=bool)
    pos = {p: i for i, p in enumerate(cols)}
    if at not in pos:
        raise ValueError(f"period {at} is not in the table ({cols[0]}–{cols[-1]})")
    per_year = 12 if at.freqstr.startswith("M") else 4
    ago = at - per_year
    year_ok = ago in pos and bool(cov[pos[ago]])
    base = [p for p in pd.period_range(at - baseline_periods, at - 1, freq=at.freq) if p in pos]
    base = [p for p in base if cov[pos[p]]]
    n = len(base)
    now = table[at].to_numpy(dtype="float64")
    y0 = table[ago].to_numpy(dtype="float64") if ago in pos else np.zeros(len(table))
    hist = table[base].to_numpy(dtype="float64") if n else np.zeros((len(table), 0))
    (a, pooled), (a_year, pooled_year) = _dispersions(table, at, cov, hist, baseline_periods)
    out = pd.DataFrame(index=table.index)
    out["now"] = now.astype("int64")
    out["year_ago"] = pd.array(np.where(year_ok, y0, np.nan), dtype="Int64")
    out["diff_year"] = out["now"] - out["year_ago"]
    m = (now + y0) / 2
    d = now - y0
    out["p_e_test"] = stats.e_tests(now, y0) if year_ok else np.nan
    out["test_year"] = np.where(a_year > 0, "negative_binomial", "e_test").astype(object)
    ok = (now + y0 >= min_events) & year_ok
    exact = np.where(a_year > 0, np.nan, out["p_e_test"])  # no extra variation: the E-test
    _test(out, "year", d, (2 * (m + a_year * m**2), now + y0), (ok, year_ok, alpha), exact)
    base_ok = n >= MIN_BASELINE
    b = hist.mean(axis=1) if n else np.full(len(table), np.nan)
    bv = (hist.sum(axis=1) + 0.5) / n if n else np.full(len(table), np.nan)  # never a zero variance
    db = now - b
    out["baseline_mean"] = b
    out["baseline_periods"] = n
    out["diff_baseline"] = db
    inflate = 1 + 1 / max(n, 1)
    # enough events is judged on what is expected (twice the baseline), not on the count
    # under test: "now + b" let only the high months of a small group be tested
    okb = (2 * np.nan_to_num(b) >= min_events) & base_ok
    # α is estimated from n periods (plus the pool's weight): on those degrees of freedom,
    # a t's variance df / (df − 2) (the moment estimate of α runs low in short histories)
    df = max(n - 1, 0) + PRIOR_PERIODS
    tail = _nb_tail(now, bv, a, inflate * df / max(df - 2, 1))
    _test(
        out,
        "baseline",
        db,
        ((bv + a * bv**2) * inflate, bv * inflate),
        (okb, base_ok, alpha),
        tail,
    )
    out["dispersion"] = a
    out["dispersion_year"] = a_year
    order = [
        "now", "year_ago", "diff_year", "p_e_test", "z_year", "p_year", "q_year", "test_year",
        "verdict_year", "z_poisson_year", "p_poisson_year", "q_poisson_year",
        "verdict_poisson_year", "baseline_mean", "baseline_periods", "diff_baseline",
        "z_baseline", "p_baseline", "q_baseline", "verdict_baseline", "z_poisson_baseline",
        "p_poisson_baseline", "q_poisson_baseline", "verdict_poisson_baseline", "dispersion",
        "dispersion_year",
    ]  # fmt: skip
    out = out[order]
    out.attrs.update(
        at=at,
        year_ago=ago if year_ok else None,
        baseline=base,
        pooled_dispersion=pooled,
        pooled_dispersion_year=pooled_year,
        alpha=alpha,
        min_events=min_events,
    )
    return out


def poisson_only_signals(comparison: pd.DataFrame) -> pd.DataFrame:
    """The changes a plain Poisson test calls significant and the bulletin does not.

    Examples
    --------
    >>> c = pd.DataFrame({"verdict_year": ["no_significant_change"],
    ...                   "verdict_poisson_year": ["significant_increase"],
    ...                   "verdict_baseline": ["no_significant_change"],
    ...                   "verdict_poisson_baseline": ["no_significant_change"]})
    >>> poisson_only_signals(c)[["year", "baseline"]].values.tolist()
    [[True, False]]
    """
    out = pd.DataFrame(index=comparison.index)
    for side in ("year", "baseline"):
        shown = comparison[f"verdict_{side}"].astype(str).str.startswith("significant")
        poisson = comparison[f"verdict_poisson_{side}"].astype(str).str.startswith("significant")
        out[side] = poisson & ~shown
    return out
