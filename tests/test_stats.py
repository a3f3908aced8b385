"""Published test vectors (FORMULAS.md) and properties of the statistical helpers."""

from __future__ import annotations

import numpy as np
import pytest
from scipy import stats as st

from diagnostic_lib import stats


def test_e_test_published_vector():
    # Krishnamoorthy & Thomson (2004) as in scipy: 6 vs 2 over equal exposure, p ≈ 0.1749
    assert stats.e_test(6, 2) == pytest.approx(0.1749, abs=5e-5)


def test_e_test_exposure_and_symmetry():
    assert stats.e_test(6, 2) == pytest.approx(stats.e_test(2, 6))
    # 30 events in one year against 60 over two years: identical rates
    assert stats.e_test(30, 60, 1, 2) > 0.9
    assert stats.e_test(100, 40) < 1e-6


@pytest.mark.parametrize(
    ("counts", "g", "g_prime"),
    [((10, 8, 2) + (0,) * 7, 0.78, 0.78), ((5, 2, 1) + (0,) * 7, 0.80, 0.75)],
)
def test_gini_published_vectors(counts, g, g_prime):
    assert stats.gini(counts) == pytest.approx(g, abs=0.005)
    assert stats.generalised_gini(counts) == pytest.approx(g_prime, abs=0.005)


def test_gini_bounds():
    assert stats.gini([1] * 10) == 0
    assert stats.gini([0] * 9 + [50]) == pytest.approx(0.9)
    assert np.isnan(stats.gini([0, 0]))


def test_poisson_ci_covers_at_nominal_rate():
    rng = np.random.default_rng(1)
    mu = 7.3
    k = rng.poisson(mu, 4000)
    lo, hi = stats.poisson_ci(k)
    cover = np.mean((lo <= mu) & (mu <= hi))
    assert cover >= 0.95  # exact intervals are conservative


def test_wilson_and_mean_ci():
    lo, hi = stats.wilson_ci(0, 10)
    assert lo == 0 and 0.2 < hi < 0.35
    m, lo, hi, n = stats.weighted_mean_ci([2, 4, np.nan], [1, 3, 1])
    assert (m, n) == (3.5, 2) and lo < m < hi


def test_bh_matches_a_hand_computation():
    p = np.array([0.001, 0.008, 0.039, 0.041, 0.042, 0.06, 0.074, 0.205, 0.212, 0.216])
    q = stats.bh_qvalues(p)
    # Benjamini & Hochberg (1995) step-up: q_(i) = min_{j>=i} p_(j) m / j
    expected = np.minimum.accumulate((p * 10 / np.arange(1, 11))[::-1])[::-1]
    np.testing.assert_allclose(q, expected)


def test_rate_ratio_ci_matches_the_log_normal_formula():
    r, lo, hi = stats.rate_ratio_ci(50, 25, 1, 1)
    se = np.sqrt(1 / 50 + 1 / 25)
    z = st.norm.ppf(0.975)
    assert r == 2
    assert lo == pytest.approx(2 * np.exp(-z * se)) and hi == pytest.approx(2 * np.exp(z * se))
