"""Many groups' projections at once: the count regressions, persistence and simulations batched.

:func:`project_many` projects every group whose monthly counts share the same months
(the usual case: :func:`~diagnostic_lib.evaluation.forecast.monthly_counts` gives every
group the same calendar) with the arithmetic of one group spread over arrays: the
iteratively reweighted least squares of
:func:`~diagnostic_lib.evaluation.count_models.glm_log` run for all the groups together
(each stops when its own deviance settles, as alone), the joint Wald test of the
seasonal terms, the persistence of each series and the predictive simulations, drawn
for a block of groups in one call. A province has thousands of sector × family groups
and the backtest projects them from three origins: one Python loop per group cost more
than the arithmetic.

The model is that of :func:`~diagnostic_lib.evaluation.forecast.project` (see its
docstring and docs/methods.md, *Forecast and backtest*). The random draws are those of one
generator taken block by block, so a projection is reproducible from its seed, but the
draws of one group depend on the groups projected with it.
"""

from __future__ import annotations

from typing import Any

import numpy as np
from scipy import stats as _st

from .count_models import _fourier
from .time_series import RHO_GRID, residual_autocorrelation

# draws held at once (groups × simulations × months) in a block of the simulation
_BLOCK_DRAWS = 3_000_000

TREND_RHO_UPPER_SE: float = 1.0
"""Standard errors added to the bias-matched ρ when a trend is tested.

See :func:`_ar_inflation_many`.

On simulated series of four years (``benchmarks/calibrate_forecast.py``): with 0, false
"significant trends" under AR(1) levels (ρ 0.7, SD 0.3) stay at 11–12 %; with 2 (the
interrupted time series' :data:`~diagnostic_lib.evaluation.time_series.RHO_UPPER_SE`),
at 2 %, but a real rise of 15 % a year at 10 incidents a month is found in 45 % of
sectors instead of 88 %; with 1, 5–6 % and 72 %.
"""


def _month_numbers(months: Any) -> np.ndarray:
    """Months counted from January 1970 (``12 × (year − 1970) + month − 1``), as integers."""
    return np.asarray(months, dtype="datetime64[us]").astype("datetime64[M]").astype("int64")


def _past_design(pos: np.ndarray) -> np.ndarray:
    """The past months' design (``pos`` from :func:`_month_numbers`; gap months have no row)."""
    t = np.asarray(pos - pos[-1], dtype="float64") / 12.0
    return np.column_stack([np.ones(len(pos)), t, _fourier(pos % 12 + 1)])


def _future_design(pos: np.ndarray) -> np.ndarray:
    """The future months' design: the trend counts 1, 2, … months after the last one."""
    tf = np.arange(1, len(pos) + 1) / 12.0
    return np.column_stack([np.ones(len(pos)), tf, _fourier(pos % 12 + 1)])


def _deviance_many(y: np.ndarray, mu: np.ndarray, alpha: np.ndarray) -> np.ndarray:
    """Each row's Poisson (``alpha = 0``) or negative binomial deviance."""
    ylogy = np.where(y > 0, y * np.log(np.where(y > 0, y, 1.0) / mu), 0.0)
    pois = 2 * np.sum(ylogy - (y - mu), axis=1)
    a = np.where(alpha > 0, 1 / np.where(alpha > 0, alpha, 1.0), 1.0)[:, None]
    nb = 2 * np.sum(ylogy - (y + a) * np.log((y + a) / (mu + a)), axis=1)
    return np.where(alpha > 0, nb, pois)


def _pinv_many(a: np.ndarray) -> np.ndarray:
    """The pseudo-inverse of each matrix of a stack (as ``numpy.linalg.pinv`` of each)."""
    return np.linalg.pinv(a) if len(a) else a.copy()


def glm_log_many(
    y: np.ndarray, X: np.ndarray, alpha: np.ndarray, tol: float = 1e-8, max_iter: int = 100
) -> dict[str, np.ndarray]:
    """:func:`~diagnostic_lib.evaluation.count_models.glm_log` for each row of ``y``, at once.

    Every row is a series of counts on the same design ``X``, with its own
    dispersion ``alpha`` (0: Poisson). The iterations are those of one series:
    start ``μ = (y + ȳ) / 2``, weighted least squares (here by the normal equations
    ``(XᵀWX) β = XᵀWz``), stop when the row's deviance changes by less than ``tol``
    — each row stops on its own; the others go on.

    Parameters
    ----------
    y : ndarray
        Counts, groups × months (every row with at least one event).
    X : ndarray
        Design, months × parameters.
    alpha : ndarray
        Negative binomial dispersion of each row.
    tol, max_iter
        Convergence on the deviance.

    Returns
    -------
    dict
        ``params`` (groups × parameters), ``cov`` (groups × p × p), ``fitted``,
        ``converged`` (bool per group).

    Examples
    --------
    >>> X = np.column_stack([np.ones(6), [0, 0, 0, 1, 1, 1]])
    >>> y = np.array([[10, 12, 8, 5, 4, 6], [1, 2, 3, 2, 2, 2]], float)
    >>> r = glm_log_many(y, X, np.zeros(2))
    >>> np.round(np.exp(r["params"]), 3).tolist(), r["converged"].tolist()
    ([[10.0, 0.5], [2.0, 1.0]], [True, True])
    """
    y = np.asarray(y, dtype="float64")
    alpha = np.asarray(alpha, dtype="float64")
    g, p = len(y), X.shape[1]
    mu = (y + y.mean(axis=1, keepdims=True)) / 2
    eta = np.log(mu)
    dev = np.full(g, np.inf)
    converged = np.zeros(g, dtype=bool)
    beta = np.zeros((g, p))
    active = np.arange(g)
    for _ in range(max_iter):
        if not len(active):
            break
        ya, mua, a = y[active], mu[active], alpha[active][:, None]
        w = mua / (1 + a * mua)
        z = eta[active] + (ya - mua) / mua
        xtwx = np.einsum("gn,ni,nj->gij", w, X, X)
        xtwz = np.einsum("gn,ni->gi", w * z, X)
        b = np.einsum("gij,gj->gi", _pinv_many(xtwx), xtwz)
        beta[active] = b
        eta_a = np.clip(b @ X.T, -700, 700)
        eta[active] = eta_a
        mu[active] = np.exp(eta_a)
        new = _deviance_many(ya, mu[active], alpha[active])
        old = dev[active]
        done = np.isfinite(old) & (np.abs(new - old) <= tol * (np.abs(old) + tol))
        converged[active[done]] = True
        dev[active] = new
        active = active[~done]
    w = mu / (1 + alpha[:, None] * mu)
    cov = _pinv_many(np.einsum("gn,ni,nj->gij", w, X, X))
    small = np.any((mu < 1e-10) & (y == 0), axis=1)
    return {"params": beta, "cov": cov, "fitted": mu, "converged": converged & ~small}


def fit_counts_many(y: np.ndarray, X: np.ndarray, model: str = "nb") -> dict[str, np.ndarray]:
    """:func:`~diagnostic_lib.evaluation.count_models._fit_counts` for each row of ``y``.

    A Poisson GLM, refitted as a negative binomial (α by moments, Cameron &
    Trivedi) for the rows whose counts are overdispersed.

    Returns
    -------
    dict
        ``params``, ``cov`` (symmetrised), ``bse``, ``alpha``, ``fitted``,
        ``fit_warning`` (bool per group: the fit did not converge).

    Examples
    --------
    >>> X = np.ones((4, 1))
    >>> f = fit_counts_many(np.array([[2, 2, 2, 2], [0, 9, 1, 10]], float), X)
    >>> np.round(np.exp(f["params"][:, 0]), 2).tolist(), bool(f["alpha"][1] > 0)
    ([2.0, 5.0], True)
    """
    y = np.asarray(y, dtype="float64")
    res = glm_log_many(y, X, np.zeros(len(y)))
    mu = res["fitted"]
    with np.errstate(over="ignore", invalid="ignore"):  # a fit run away to exp(700): α = 0
        s2 = np.sum(mu**2, axis=1)
        ratio = np.sum((y - mu) ** 2 - y, axis=1) / np.where(s2 > 0, s2, 1.0)
    alpha = np.where((s2 > 0) & (ratio > 0), ratio, 0.0)
    if model == "nb":
        nb = np.flatnonzero(alpha > 1e-6)
        if len(nb):
            again = glm_log_many(y[nb], X, alpha[nb])
            for k in ("params", "cov", "fitted", "converged"):
                res[k][nb] = again[k]
    alpha = np.where((model == "nb") & (alpha > 1e-6), alpha, 0.0)
    cov = (res["cov"] + np.swapaxes(res["cov"], 1, 2)) / 2
    bse = np.sqrt(np.clip(np.diagonal(cov, axis1=1, axis2=2), 0, None))
    return {
        "params": res["params"],
        "cov": cov,
        "bse": bse,
        "alpha": alpha,
        "fitted": res["fitted"],
        "fit_warning": ~res["converged"],
    }


def wald_p_many(params: np.ndarray, cov: np.ndarray, sl: slice) -> np.ndarray:
    """The joint Wald test that the coefficients in ``sl`` are zero, for each group.

    NaN for a group whose covariance block is singular.

    Examples
    --------
    >>> b = np.array([[1.0, 0.0, 0.1], [1.0, 0.0, 3.0]])
    >>> v = np.broadcast_to(np.eye(3), (2, 3, 3))
    >>> (wald_p_many(b, v, slice(2, 3)) < 0.05).tolist()
    [False, True]
    """
    b = params[:, sl]
    v = cov[:, sl, sl]
    stat = np.full(len(b), np.nan)
    try:
        stat = np.einsum("gi,gi->g", b, np.linalg.solve(v, b[:, :, None])[:, :, 0])
    except np.linalg.LinAlgError:
        for i in range(len(b)):
            try:
                stat[i] = float(b[i] @ np.linalg.solve(v[i], b[i]))
            except np.linalg.LinAlgError:
                stat[i] = np.nan
    return _st.chi2.sf(stat, b.shape[1])


def persistence_many(y: np.ndarray, mu: np.ndarray) -> tuple[np.ndarray, np.ndarray, np.ndarray]:
    """The persistence of each series around its fit: ``(ρ, σ², last deviation)``.

    The log residuals ``r = ln((y + ½) / (μ + ½))`` hold Poisson noise (about ``1/μ``)
    and the level's own moves; ``σ² = max(0, var(r) − mean(1/μ))`` is the latter,
    ``ρ`` their lag-1 autocorrelation (bias-corrected, as in
    :func:`~diagnostic_lib.evaluation.time_series.prais_winsten`), and the last
    residual is where the level stands now. All three are 0 (no persistence) for a
    series shorter than 12 months, with ``ρ`` below 0.2 or no extra variance.

    Examples
    --------
    >>> t = np.arange(48)
    >>> level = 20 * np.exp(0.4 * np.sin(t / 6))  # a slow wave the fit does not have
    >>> rho, s2, u0 = persistence_many(level[None, :], np.full((1, 48), level.mean()))
    >>> bool(rho[0] > 0.8), bool(s2[0] > 0.02)
    (True, True)
    """
    n = y.shape[1]
    g = len(y)
    zero = np.zeros(g)
    if n < 12 or not g:
        return zero, zero.copy(), zero.copy()
    r = np.log((y + 0.5) / (mu + 0.5))
    rc = r - r.mean(axis=1, keepdims=True)
    ss = np.sum(rc * rc, axis=1)
    lag = np.sum(rc[:, 1:] * rc[:, :-1], axis=1)
    rho = np.where(ss > 0, lag / np.where(ss > 0, ss, 1.0), 0.0)
    rho = np.minimum(0.95, rho + (1 + 3 * rho) / n)
    sigma2 = np.maximum(0.0, rc.var(axis=1) - np.mean(1 / (mu + 0.5), axis=1))
    none = (rho < 0.2) | (sigma2 == 0.0)
    return (
        np.where(none, 0.0, rho),
        np.where(none, 0.0, sigma2),
        np.where(none, 0.0, rc[:, -1]),
    )


def _persistence_inflation(
    persistence: tuple[np.ndarray, np.ndarray, np.ndarray], fitted: np.ndarray
) -> np.ndarray:
    """How much wider the estimates of a persistent series are than an independent fit's.

    The log residuals hold the level's moves (``σ²``, persistent) and Poisson noise
    (about ``mean(1/μ)``, not persistent). The level's own lag-1 correlation is the
    residuals' over the level's share of their variance (capped at 0.9: a small share
    makes that ratio noise); with AR(1) moves, a smooth regressor's estimate has
    ``(1 + ρ) / (1 − ρ)`` times the variance, on the level's share of it.

    Examples
    --------
    >>> pers = (np.array([0.0, 0.3, 0.3]), np.array([0.0, 0.1, 0.005]), np.zeros(3))
    >>> _persistence_inflation(pers, np.full((3, 48), 10.0)).round(2).tolist()
    [1.0, 2.45, 1.9]
    """
    rho, sigma2, _ = persistence
    share = sigma2 / (sigma2 + np.mean(1 / (np.asarray(fitted) + 0.5), axis=1))
    with np.errstate(divide="ignore", invalid="ignore"):
        level = np.minimum(0.9, np.where(share > 0, rho / np.where(share > 0, share, 1.0), 0.0))
    return 1 + share * ((1 + level) / (1 - level) - 1)


def _ar_inflation_many(
    y: np.ndarray, X: np.ndarray, pos: np.ndarray, upper: float = TREND_RHO_UPPER_SE
) -> np.ndarray:
    """How much wider each coefficient is under AR(1) errors than under independent ones.

    For each group, the log counts ``ln(y + ½)`` are regressed on ``X`` twice: by
    ordinary least squares, and by Prais–Winsten with the conservative, bias-matched
    autocorrelation of :func:`~diagnostic_lib.evaluation.time_series.prais_winsten`
    (the same quasi-differences, gap months included; ρ raised by ``upper`` standard
    errors). The ratio of the
    two variances of each coefficient, never below 1, is how many fewer independent
    months the series holds for that coefficient. It does not assume how the
    residuals' variance splits between the level's moves and counting noise (as
    :func:`_persistence_inflation` does), so it holds when the split is misread.

    Parameters
    ----------
    y : ndarray
        Counts, groups × months.
    X : ndarray
        The past months' design (months × coefficients), shared by the groups.
    pos : ndarray of int
        The months' numbers (a gap month has no column).
    upper : float
        Standard errors of ρ added to its bias-matched estimate
        (:data:`TREND_RHO_UPPER_SE`).

    Returns
    -------
    ndarray
        Groups × coefficients, each at least 1.

    Examples
    --------
    >>> rng = np.random.default_rng(1)
    >>> pos = np.arange(48)
    >>> X = _past_design(pos)[:, :2]
    >>> walk = 10 * np.exp(np.cumsum(rng.normal(0, 0.15, (200, 48)), axis=1))
    >>> iid = rng.poisson(np.full((200, 48), 10.0))
    >>> med = [np.median(_ar_inflation_many(v, X, pos)[:, 1]) for v in (rng.poisson(walk), iid)]
    >>> np.round(med, 1).tolist()
    [2.9, 1.5]
    >>> _ar_inflation_many(np.full((1, 48), 10.0), X, pos).tolist()  # nothing left to widen
    [[1.0, 1.0]]
    """
    z = np.log(np.asarray(y, dtype="float64") + 0.5)
    g, n = z.shape
    k = X.shape[1]
    pos = np.asarray(pos, dtype="int64")
    step = np.diff(pos)
    pairs = step == 1
    e = z - (z @ np.linalg.pinv(X).T) @ X.T
    ss = np.sum(e * e, axis=1)
    lag = np.sum((e[:, 1:] * e[:, :-1])[:, pairs], axis=1)
    with np.errstate(divide="ignore", invalid="ignore"):
        r0 = np.where(ss > 0, lag / ss * (n - 1) / max(pairs.sum(), 1), 0.0)
    expected = residual_autocorrelation(X, pos)
    rho = np.where(r0 < expected[-1], np.interp(r0, expected, RHO_GRID), 0.98)
    rho = np.minimum(0.98, rho + upper * np.sqrt(np.maximum(1 - rho**2, 0.01) / n))
    c = np.sqrt(np.maximum(1 - rho**2, 1e-6))
    r_d = rho[:, None] ** step[None, :].astype("float64")
    scale = np.where(pairs[None, :], 1.0, c[:, None] / np.sqrt(np.maximum(1 - r_d**2, 1e-6)))
    xs = np.concatenate(
        [
            X[None, :1] * c[:, None, None],
            (X[None, 1:] - r_d[:, :, None] * X[None, :-1]) * scale[:, :, None],
        ],
        axis=1,
    )
    zs = np.concatenate([z[:, :1] * c[:, None], (z[:, 1:] - r_d * z[:, :-1]) * scale], axis=1)
    inv = _pinv_many(np.einsum("gni,gnj->gij", xs, xs))
    b = np.einsum("gij,gnj,gn->gi", inv, xs, zs)
    res = zs - np.einsum("gnk,gk->gn", xs, b)
    var_pw = (np.sum(res * res, axis=1) / max(n - k - 1, 1))[:, None] * np.diagonal(inv, 0, 1, 2)
    var_ols = (ss / max(n - k, 1))[:, None] * np.diag(np.linalg.pinv(X.T @ X))[None, :]
    # a series the design fits exactly (residuals of rounding only) has nothing to widen
    fitted = ss[:, None] > 1e-12 * n * np.maximum(1.0, np.mean(z * z, axis=1))[:, None]
    with np.errstate(divide="ignore", invalid="ignore"):
        ratio = np.where(fitted & (var_ols > 0), var_pw / var_ols, 1.0)
    return np.maximum(1.0, ratio)


def simulate_many(
    params: np.ndarray,
    cov: np.ndarray,
    alpha: np.ndarray,
    persistence: tuple[np.ndarray, np.ndarray, np.ndarray],
    Xf: np.ndarray,
    n_sim: int,
    rng: np.random.Generator,
) -> np.ndarray:
    """Predictive draws of a block of groups (groups × n_sim × horizon).

    For each group: ``n_sim`` parameter vectors from the estimate's normal
    distribution (by the singular value decomposition of its covariance, as
    ``numpy.random.Generator.multivariate_normal(method="svd")``), then either a
    persistent log level (an AR(1) path from the current deviation ``u0``: months are
    then not independent, nor are the errors of a 12-month total; Poisson noise
    around it, the negative binomial's own noise left out so that the extra
    variance is not counted twice) or negative binomial (gamma–Poisson) noise.

    Examples
    --------
    >>> rng = np.random.default_rng(0)
    >>> none = (np.zeros(2),) * 3
    >>> d = simulate_many(np.log([[5.0], [50.0]]), np.zeros((2, 1, 1)), np.array([0.0, 0.1]),
    ...                   none, np.ones((12, 1)), 4000, rng)
    >>> d.shape, np.round(d.mean(axis=(1, 2))).tolist()
    ((2, 4000, 12), [5.0, 50.0])
    """
    g, p = params.shape
    _, s, vh = np.linalg.svd(cov)
    root = np.sqrt(np.clip(s, 0, None))[:, :, None] * vh
    b = rng.standard_normal((g, n_sim, p)) @ root + params[:, None, :]
    eta = np.clip(b @ Xf.T, -30, 20)
    rho, sigma2, u0 = (np.asarray(v, dtype="float64") for v in persistence)
    draws = np.empty(eta.shape, dtype="int64")
    pers = sigma2 > 0
    if pers.any():
        e = eta[pers]
        r, s2 = rho[pers][:, None], sigma2[pers][:, None]
        innovation = np.sqrt(s2 * (1 - r**2))
        prev = np.broadcast_to(u0[pers][:, None], e.shape[:2]).copy()
        for k in range(e.shape[2]):
            prev = r * prev + innovation * rng.standard_normal(e.shape[:2])
            e[:, :, k] += prev
        draws[pers] = rng.poisson(np.exp(np.clip(e - s2[:, :, None] / 2, -30, 20)))
    rest = ~pers
    if rest.any():
        mu = np.exp(eta[rest])
        a = alpha[rest][:, None, None]
        nb = (a > 0) & np.ones_like(mu, dtype=bool)
        lam = mu.copy()
        if nb.any():
            a_full = np.broadcast_to(a, mu.shape)[nb]
            lam[nb] = rng.gamma(shape=1 / a_full, scale=a_full * mu[nb])
        draws[rest] = rng.poisson(lam)
    return draws


def _summaries(draws: np.ndarray, lo_q: float, hi_q: float, last12: np.ndarray) -> dict:
    """Each group's monthly mean and interval, the horizon's total and the chance of a rise."""
    low, high = np.quantile(draws, [lo_q, hi_q], axis=1)
    tot = draws.sum(axis=2)
    t_low, t_high = np.quantile(tot, [lo_q, hi_q], axis=1)
    with np.errstate(invalid="ignore"):
        rise = np.mean(tot > last12[:, None], axis=1)
    return {
        "mean": draws.mean(axis=1),
        "low": low,
        "high": high,
        "total_mean": tot.mean(axis=1),
        "total_low": t_low,
        "total_high": t_high,
        "prob_rise": rise,
    }


def _empty_result(g: int, horizon: int) -> dict[str, np.ndarray]:
    nan = np.full(g, np.nan)
    return {
        "kind": np.full(g, "", dtype=object),
        "note": np.full(g, "", dtype=object),
        "mean": np.full((g, horizon), np.nan),
        "low": np.full((g, horizon), np.nan),
        "high": np.full((g, horizon), np.nan),
        **{k: nan.copy() for k in ("total_mean", "total_low", "total_high", "prob_rise")},
        **{k: nan.copy() for k in ("trend_irr", "trend_low", "trend_high", "trend_p")},
        "alpha_nb": nan.copy(),
    }


def _put(res: dict, rows: np.ndarray, part: dict) -> None:
    for k, v in part.items():
        res[k][rows] = v


def _fit_kind(
    y: np.ndarray, pos: np.ndarray, fpos: np.ndarray, m: Any
) -> list[tuple[np.ndarray, str, dict, np.ndarray]]:
    """The fits of groups with a trend: seasonal where a Wald test finds seasonality.

    Returns ``(rows, kind, fit, future design)`` for the seasonal and the
    trend-only groups.
    """
    X, Xf = _past_design(pos), _future_design(fpos)
    fit = fit_counts_many(y, X, m.model)
    rows = np.arange(len(y))
    flat = wald_p_many(fit["params"], fit["cov"], slice(2, X.shape[1])) > m.seasonality_p
    out = [(rows[~flat], "trend_season", _take(fit, ~flat), Xf)]
    if flat.any():
        # no detectable seasonality: a simpler model extrapolates more safely
        out.append((rows[flat], "trend", fit_counts_many(y[flat], X[:, :2], m.model), Xf[:, :2]))
    return out


def _put_trend(res: dict, rows: np.ndarray, fit: dict, df: np.ndarray) -> None:
    """Write the trend's rate ratio, its 95 % interval and its p-value for ``rows``.

    The reference is Student's t on ``df``, the months' effective number less the
    coefficients (as for trends in autocorrelated series, Santer et al. 2000),
    never below 2.
    """
    beta, se = fit["params"][:, 1], fit["bse"][:, 1]
    ok = se > 0
    df = np.maximum(df, 2.0)
    qt = _st.t.ppf(0.975, df)
    res["trend_irr"][rows] = np.exp(beta)
    res["trend_low"][rows] = np.exp(beta - qt * se)
    res["trend_high"][rows] = np.exp(beta + qt * se)
    z = np.abs(beta / np.where(ok, se, 1.0))
    res["trend_p"][rows] = np.where(ok, 2 * _st.t.sf(z, df), np.nan)


def _take(fit: dict, rows: np.ndarray) -> dict:
    return {k: v[rows] for k, v in fit.items()}


def project_many(
    y: np.ndarray,
    months: Any,
    m: Any,
    rng: np.random.Generator,
    last: Any,
    fut: Any,
    last12: np.ndarray,
) -> dict[str, np.ndarray]:
    """Fit and simulate groups whose monthly counts share the same ``months``.

    Parameters
    ----------
    y : ndarray
        Counts, groups × months.
    months : array of datetime64
        The rows' months (the same for every group; a gap month has no column).
    m : forecast._Model
        The model's parameters (horizon, level, simulations, rules).
    rng : numpy.random.Generator
    last : timestamp
        The last month of the history: when ``months`` do not reach it (a gap in
        the data), the level now is unknown and nothing is projected
        (``kind = "not_covered"``).
    fut : DatetimeIndex
        The projected months.
    last12 : ndarray
        Each group's count of the last 12 months (NaN when unknown).

    Returns
    -------
    dict of ndarray
        Per group: ``kind``, ``note``, ``mean``, ``low``, ``high`` (groups ×
        horizon), ``total_mean``, ``total_low``, ``total_high``, ``prob_rise``,
        ``trend_irr``, ``trend_low``, ``trend_high``, ``trend_p``, ``alpha_nb``.

    Examples
    --------
    >>> import pandas as pd
    >>> from diagnostic_lib.evaluation.forecast import _Model
    >>> months = pd.date_range("2022-01-01", periods=36, freq="MS")
    >>> fut = pd.date_range("2025-01-01", periods=12, freq="MS")
    >>> y = np.vstack([np.full(36, 10.0), np.zeros(36), np.r_[np.zeros(35), 3.0]])
    >>> r = project_many(y, months, _Model(12, 0.9, 500, "nb", 30, 24, 0.05),
    ...                  np.random.default_rng(1), months[-1], fut, np.array([120.0, 0, 3]))
    >>> r["kind"].tolist(), np.round(r["total_mean"] / 10).tolist()
    (['trend', 'none', 'level'], [12.0, 0.0, 0.0])
    """
    y = np.asarray(y, dtype="float64")
    months = np.asarray(months, dtype="datetime64[us]")
    g, n = y.shape
    res = _empty_result(g, m.horizon)
    if months[-1] < np.datetime64(last, "us"):
        res["kind"][:] = res["note"][:] = "not_covered"
        return res
    total = y.sum(axis=1)
    empty = total == 0
    res["kind"][empty], res["note"][empty] = "none", "no_events"
    for k in ("mean", "low", "high"):
        res[k][empty] = 0.0
    for k in ("total_mean", "total_low", "total_high", "prob_rise"):
        res[k][empty] = 0.0
    level = ~empty & ((total < m.min_events) | (n < m.min_months))
    trend = ~empty & ~level
    fits = []
    if level.any():
        rows = np.flatnonzero(level)
        fit = fit_counts_many(y[rows], np.ones((n, 1)), m.model)
        fits.append((rows, "level", fit, np.ones((m.horizon, 1))))
    pos, fpos = _month_numbers(months), _month_numbers(fut)
    if trend.any():
        rows = np.flatnonzero(trend)
        fits += [(rows[r], kind, f, xf) for r, kind, f, xf in _fit_kind(y[rows], pos, fpos, m)]
    lo_q, hi_q = (1 - m.level) / 2, 1 - (1 - m.level) / 2
    for rows, kind, fit, xf in fits:
        if not len(rows):
            continue
        res["kind"][rows] = kind
        res["note"][rows] = np.where(fit["fit_warning"], "fit_warning", "")
        res["alpha_nb"][rows] = fit["alpha"]
        pers = persistence_many(y[rows], fit["fitted"])
        # months that persist are fewer independent ones: the estimates' variance is widened
        # for the trend's test and the simulated parameters alike (see _persistence_inflation)
        inflate = _persistence_inflation(pers, fit["fitted"])
        if kind != "level":
            # the trend's own widening under AR(1) errors (Prais–Winsten on the log counts)
            past = _past_design(pos)[:, : xf.shape[1]]
            inflate = np.maximum(inflate, _ar_inflation_many(y[rows], past, pos)[:, 1])
        fit = {**fit, "cov": fit["cov"] * inflate[:, None, None]}
        fit["bse"] = fit["bse"] * np.sqrt(inflate)[:, None]
        block = max(1, _BLOCK_DRAWS // max(1, m.n_sim * m.horizon))
        for a in range(0, len(rows), block):
            b = slice(a, a + block)
            draws = simulate_many(
                fit["params"][b],
                fit["cov"][b],
                fit["alpha"][b],
                tuple(v[b] for v in pers),
                xf,
                m.n_sim,
                rng,
            )
            _put(res, rows[b], _summaries(draws, lo_q, hi_q, last12[rows[b]]))
        if kind != "level":
            _put_trend(res, rows, fit, len(pos) / inflate - xf.shape[1])
    return res
