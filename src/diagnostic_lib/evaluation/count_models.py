"""Count regressions shared by the interrupted time series and the projections.

Fourier terms for seasonality and a Poisson GLM refitted as a negative binomial
when the counts are overdispersed (the projections fit many groups at once with
the same arithmetic: :mod:`~diagnostic_lib.evaluation.projection_batch`).
"""

from __future__ import annotations

from typing import Any

import numpy as np


def _fourier(months: np.ndarray, k: int = 2) -> np.ndarray:
    m = np.asarray(months, dtype="float64")
    cols = []
    for h in range(1, k + 1):
        cols += [np.sin(2 * np.pi * h * m / 12), np.cos(2 * np.pi * h * m / 12)]
    return np.column_stack(cols) if cols else np.zeros((len(m), 0))


def _fit_counts(y: np.ndarray, X: np.ndarray, model: str = "nb") -> dict[str, Any]:
    """Poisson GLM, then negative binomial (α by moments, Cameron & Trivedi) if overdispersed."""
    y = np.asarray(y, dtype="float64")
    X = np.asarray(X, dtype="float64")
    res = glm_log(y, X)
    mu = res["fitted"]
    with np.errstate(over="ignore", invalid="ignore"):  # a fit run away to exp(700): α = 0
        s2 = float(np.sum(mu**2))
        ratio = float(np.sum((y - mu) ** 2 - y) / s2) if s2 > 0 else 0.0
    alpha = ratio if ratio > 0 else 0.0
    if model == "nb" and alpha > 1e-6:
        res = glm_log(y, X, alpha)
    else:
        alpha = 0.0
    cov = res["cov"]
    return {
        "params": res["params"],
        "cov": (cov + cov.T) / 2,
        "bse": np.sqrt(np.clip(np.diag(cov), 0, None)),
        "alpha": alpha,
        "fitted": res["fitted"],
        "df_resid": float(len(y) - np.linalg.matrix_rank(X)),
        # sparse series may not converge: the fit is kept and the note says so
        "note": "" if res["converged"] else "fit_warning",
    }


def glm_log(
    y: np.ndarray, X: np.ndarray, alpha: float = 0.0, tol: float = 1e-8, max_iter: int = 100
) -> dict[str, Any]:
    """Poisson (``alpha = 0``) or negative binomial (fixed ``alpha``) regression with a log link.

    Iteratively reweighted least squares, as statsmodels' ``GLM`` does (start
    ``μ = (y + ȳ) / 2``, stop when the deviance changes by less than ``tol``),
    without its per-fit overhead: the projections and the interrupted time
    series fit hundreds of small models. The covariance is ``(XᵀWX)⁻¹`` with
    ``W = μ / (1 + αμ)`` (scale 1).

    Parameters
    ----------
    y : ndarray
        Counts.
    X : ndarray
        Design matrix.
    alpha : float
        Negative binomial dispersion (variance ``μ + αμ²``).
    tol, max_iter
        Convergence on the deviance.

    Returns
    -------
    dict
        ``params``, ``cov``, ``fitted``, ``converged``.

    Examples
    --------
    >>> X = np.column_stack([np.ones(6), [0, 0, 0, 1, 1, 1]])
    >>> r = glm_log(np.array([10, 12, 8, 5, 4, 6]), X)
    >>> np.round(np.exp(r["params"]), 3).tolist(), r["converged"]
    ([10.0, 0.5], True)
    """
    y = np.asarray(y, dtype="float64")
    mu = (y + y.mean()) / 2
    eta = np.log(mu)
    dev = np.inf
    converged = False
    beta = np.zeros(X.shape[1])
    for _ in range(max_iter):
        w = mu / (1 + alpha * mu)
        z = eta + (y - mu) / mu
        sw = np.sqrt(w)
        beta = np.linalg.lstsq(X * sw[:, None], z * sw, rcond=None)[0]
        eta = np.clip(X @ beta, -700, 700)
        mu = np.exp(eta)
        new = _deviance(y, mu, alpha)
        if abs(new - dev) <= tol * (abs(dev) + tol) if np.isfinite(dev) else False:
            converged = True
            break
        dev = new
    w = mu / (1 + alpha * mu)
    cov = np.linalg.pinv((X * w[:, None]).T @ X)
    small = np.any((mu < 1e-10) & (y == 0))
    return {"params": beta, "cov": cov, "fitted": mu, "converged": converged and not small}


def _deviance(y: np.ndarray, mu: np.ndarray, alpha: float) -> float:
    ylogy = np.where(y > 0, y * np.log(np.where(y > 0, y, 1.0) / mu), 0.0)
    if alpha <= 0:
        return float(2 * np.sum(ylogy - (y - mu)))
    a = 1 / alpha
    return float(2 * np.sum(ylogy - (y + a) * np.log((y + a) / (mu + a))))
