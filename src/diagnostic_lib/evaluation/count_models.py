"""Count regressions shared by the interrupted time series and the projections.

Fourier terms for seasonality, a Poisson GLM refitted as a negative binomial
when the counts are overdispersed, predictive simulation and a joint Wald test.
"""

from __future__ import annotations

import warnings
from typing import Any

import numpy as np
from scipy import stats as _st

from ._common import _sm_warnings


def _fourier(months: np.ndarray, k: int = 2) -> np.ndarray:
    m = np.asarray(months, dtype="float64")
    cols = []
    for h in range(1, k + 1):
        cols += [np.sin(2 * np.pi * h * m / 12), np.cos(2 * np.pi * h * m / 12)]
    return np.column_stack(cols) if cols else np.zeros((len(m), 0))


def _fit_counts(y: np.ndarray, X: np.ndarray, model: str = "nb") -> dict[str, Any]:
    """Poisson GLM, then negative binomial (α by moments, Cameron & Trivedi) if overdispersed."""
    import statsmodels.api as sm

    y = np.asarray(y, dtype="float64")
    notes: list[str] = []
    with warnings.catch_warnings(record=True) as caught:
        # sparse series may not converge: the fit is kept and the note says so
        warnings.simplefilter("always", category=_sm_warnings())
        res = sm.GLM(y, X, family=sm.families.Poisson()).fit()
        mu = res.fittedvalues
        alpha = (
            float(max(0.0, np.sum((y - mu) ** 2 - y) / np.sum(mu**2))) if np.sum(mu**2) > 0 else 0.0
        )
        if model == "nb" and alpha > 1e-6:
            res = sm.GLM(y, X, family=sm.families.NegativeBinomial(alpha=alpha)).fit()
        else:
            alpha = 0.0
    if caught:
        notes.append("fit_warning")
    cov = np.asarray(res.cov_params(), dtype="float64")
    return {
        "params": np.asarray(res.params, dtype="float64"),
        "cov": (cov + cov.T) / 2,
        "bse": np.asarray(res.bse, dtype="float64"),
        "alpha": alpha,
        "fitted": np.asarray(res.fittedvalues),
        "df_resid": float(res.df_resid),
        "note": ";".join(notes),
    }


def _simulate(
    fit: dict[str, Any],
    Xf: np.ndarray,
    n_sim: int,
    rng: np.random.Generator,
    persistence: tuple[float, float, float] = (0.0, 0.0, 0.0),
) -> np.ndarray:
    """Predictive draws (n_sim × horizon): parameters, a persistent level, then count noise.

    With persistence ``(ρ, σ², u0)``, the log level moves as an AR(1) path from its
    current deviation ``u0`` (months are then not independent, and neither are the
    errors of a 12-month total); the negative binomial's own noise is then left out
    (it would count the same extra variance twice).
    """
    b = rng.multivariate_normal(
        fit["params"], fit["cov"], size=n_sim, method="svd", check_valid="ignore"
    )
    eta = np.clip(b @ Xf.T, -30, 20)
    rho, sigma2, u0 = persistence
    if sigma2 > 0:
        u = np.empty_like(eta)
        prev = np.full(n_sim, u0)
        innovation = np.sqrt(sigma2 * (1 - rho**2))
        for k in range(eta.shape[1]):
            prev = rho * prev + rng.normal(0.0, innovation, n_sim)
            u[:, k] = prev
        eta = np.clip(eta + u - sigma2 / 2, -30, 20)
        return rng.poisson(np.exp(eta))
    mu = np.exp(eta)
    a = fit["alpha"]
    lam = rng.gamma(shape=1 / a, scale=a * mu) if a > 0 else mu
    return rng.poisson(lam)


def _wald_p(fit: dict[str, Any], sl: slice) -> float:
    """Joint Wald test that the coefficients in ``sl`` are zero."""
    b = fit["params"][sl]
    v = fit["cov"][sl, sl]
    try:
        stat = float(b @ np.linalg.solve(v, b))
    except np.linalg.LinAlgError:
        return float("nan")
    return float(_st.chi2.sf(stat, len(b)))
