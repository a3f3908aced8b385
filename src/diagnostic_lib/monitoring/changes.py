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
of the table.
"""

from __future__ import annotations

from typing import Any

import numpy as np
import pandas as pd
from scipy import stats as _st

from .. import settings, stats
from ..evaluation.count_models import _fit_counts

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


def dispersion(history: np.ndarray) -> tuple[np.ndarray, float]:
    """The dispersion ``α`` of each group's period counts, shrunk towards the pooled value.

    Each row (a group's counts in the baseline periods) is fitted by the count
    model of step 3 (:func:`~diagnostic_lib.evaluation.count_models._fit_counts`,
    intercept only): a Poisson mean, then ``α = max(0, Σ((y − μ)² − y) / Σ μ²)``
    (Cameron & Trivedi's moments), so that ``Var(y) = μ + α μ²``. The pooled
    value weighs each group by its mean; a group's own value, on ``n − 1``
    degrees of freedom, is combined with it:
    ``α = ((n − 1) α_g + 4 α_pool) / (n − 1 + 4)``.

    Parameters
    ----------
    history : ndarray, shape (groups, periods)

    Returns
    -------
    (alpha, pooled) : (ndarray, float)

    Examples
    --------
    >>> a, pooled = dispersion(np.array([[10, 10, 10, 10], [5, 15, 5, 15]]))
    >>> round(pooled, 3), a.round(3).tolist()
    (0.075, [0.043, 0.107])
    """
    x = np.asarray(history, dtype="float64")
    if x.ndim != 2 or x.shape[1] < 2:
        return np.zeros(len(x)), 0.0
    n = x.shape[1]
    ones = np.ones((n, 1))
    own = np.zeros(len(x))
    mean = x.mean(axis=1)
    for i in np.flatnonzero(mean > 0):
        own[i] = _fit_counts(x[i], ones, "nb")["alpha"]
    pooled = float(np.sum(mean * own) / np.sum(mean)) if mean.sum() > 0 else 0.0
    alpha = ((n - 1) * own + PRIOR_PERIODS * pooled) / (n - 1 + PRIOR_PERIODS)
    return alpha, pooled


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


def compare_periods(
    table: pd.DataFrame,
    at: pd.Period,
    covered: np.ndarray | None = None,
    baseline_periods: int = settings.default("monitor_baseline_periods"),
    min_events: int = settings.default("monitor_min_events"),
    alpha: float = settings.default("alpha"),
) -> pd.DataFrame:
    """Each group's count in period ``at`` against a year earlier and the previous periods' mean.

    **Year over year**: ``now`` against ``year_ago``; under "no change" both
    have the mean ``m = (now + year_ago) / 2``, so
    ``z = (now − year_ago) / √(2 (m + α m²))`` (``α`` from :func:`dispersion`);
    with ``α = 0`` the verdict uses the exact E-test (``p_e_test``, shown in
    every case). **Against the baseline**: ``now`` against the mean ``b`` of
    the ``baseline_periods`` periods before (those covered by the data),
    ``z = (now − b) / √((b + α b²)(1 + 1/n))``. The plain Poisson z of each
    (``α = 0``: ``(now − year_ago) / √(now + year_ago)`` and
    ``(now − b) / √(b (1 + 1/n))``) is kept beside, with the verdict it would
    give. q-values: Benjamini–Hochberg across the groups with enough events.

    Verdicts (:data:`VERDICTS`): ``significant_increase``,
    ``significant_decrease``, ``no_significant_change`` (q ≥ ``alpha``),
    ``too_few`` (the two counts compared add up to fewer than ``min_events``)
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
        q_poisson_baseline, verdict_poisson_baseline, dispersion``;
        ``attrs`` give ``at, year_ago, baseline`` (the periods used),
        ``pooled_dispersion, alpha, min_events``.

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
    a, pooled = dispersion(hist)
    out = pd.DataFrame(index=table.index)
    out["now"] = now.astype("int64")
    out["year_ago"] = pd.array(np.where(year_ok, y0, np.nan), dtype="Int64")
    out["diff_year"] = out["now"] - out["year_ago"]
    m = (now + y0) / 2
    d = now - y0
    out["p_e_test"] = stats.e_tests(now, y0) if year_ok else np.nan
    out["test_year"] = np.where(a > 0, "negative_binomial", "e_test").astype(object)
    ok = (now + y0 >= min_events) & year_ok
    exact = np.where(a > 0, np.nan, out["p_e_test"])  # no extra variation: the exact E-test
    _test(out, "year", d, (2 * (m + a * m**2), now + y0), (ok, year_ok, alpha), exact)
    base_ok = n >= MIN_BASELINE
    b = hist.mean(axis=1) if n else np.full(len(table), np.nan)
    bv = (hist.sum(axis=1) + 0.5) / n if n else np.full(len(table), np.nan)  # never a zero variance
    db = now - b
    out["baseline_mean"] = b
    out["baseline_periods"] = n
    out["diff_baseline"] = db
    inflate = 1 + 1 / max(n, 1)
    okb = (now + np.nan_to_num(b) >= min_events) & base_ok
    _test(out, "baseline", db, ((bv + a * bv**2) * inflate, bv * inflate), (okb, base_ok, alpha))
    out["dispersion"] = a
    order = [
        "now", "year_ago", "diff_year", "p_e_test", "z_year", "p_year", "q_year", "test_year",
        "verdict_year", "z_poisson_year", "p_poisson_year", "q_poisson_year",
        "verdict_poisson_year", "baseline_mean", "baseline_periods", "diff_baseline",
        "z_baseline", "p_baseline", "q_baseline", "verdict_baseline", "z_poisson_baseline",
        "p_poisson_baseline", "q_poisson_baseline", "verdict_poisson_baseline", "dispersion",
    ]  # fmt: skip
    out = out[order]
    out.attrs.update(
        at=at,
        year_ago=ago if year_ok else None,
        baseline=base,
        pooled_dispersion=pooled,
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
