"""The power check of a planned evaluation: the minimum detectable effect.

See docs/methods.md, *Minimum detectable effect*.

Examples
--------
>>> round(minimum_detectable_effect(400, 4000), 2)
0.2
"""

from __future__ import annotations

import math


def minimum_detectable_effect(
    baseline: float,
    control: float | None = None,
    alpha: float = 0.05,
    power: float = 0.80,
    dispersion: float = 1.0,
    persistence: float = 0.0,
    df: float | None = None,
) -> float:
    """Smallest reduction a before/after-with-control design can detect.

    With ``A0 = baseline`` events in the treated area before, ``C0 = C1 =
    control`` in the control area, and the log odds ratio's variance
    ``φ (1/A0 + 1/A1 + 1/C0 + 1/C1) + τ²`` (Poisson, inflated by the dispersion
    factor ``φ``, plus the extra variance ``τ²`` that persistence of the local level
    adds between windows), the function returns the reduction ``r``
    (``A1 = A0 (1 − r)``) for which ``|ln(1 − r)| = (q₁₋α/₂ + q_power) · SE``, the
    quantiles ``q`` of Student's t with ``df`` degrees of freedom (the normal when
    ``df`` is not given). Without a control, the terms of C are dropped (a simple
    before/after comparison). ``φ``, ``τ²`` and ``df`` come from the problem's own
    history, as step 3 estimates them (placebo dates).

    Parameters
    ----------
    baseline : float
        Events in the treated area before.
    control : float, optional
        Events in the control area in each window.
    alpha : float
        Significance level of the two-sided test.
    power : float
        Power required.
    dispersion : float
        Overdispersion factor ``φ``.
    persistence : float
        Extra variance of the log effect between windows (``τ²``).
    df : float, optional
        Degrees of freedom of the variance estimate (Student's t quantiles).

    Returns
    -------
    float
        The reduction (0–1); ``1.0`` when even a complete disappearance of the
        events could not be detected.

    Examples
    --------
    >>> round(minimum_detectable_effect(100, 1000), 3)
    0.374
    >>> minimum_detectable_effect(4, 1000)
    1.0
    >>> round(minimum_detectable_effect(100, 1000, dispersion=1.5, persistence=0.02, df=20), 3)
    0.544
    """
    from scipy.stats import norm, t

    if baseline <= 0:
        return 1.0
    if df is not None and math.isfinite(df) and df > 0:
        z = t.ppf(1 - alpha / 2, df) + t.ppf(power, df)
    else:
        z = norm.ppf(1 - alpha / 2) + norm.ppf(power)
    c_term = 2.0 / control if control and control > 0 else 0.0

    def gap(r: float) -> float:
        a1 = baseline * (1 - r)
        se = math.sqrt(dispersion * (1 / baseline + 1 / a1 + c_term) + persistence)
        return -math.log(1 - r) - z * se

    # the variance grows as A1 shrinks: scan for the first detectable reduction, then refine
    grid = [k / 1000 for k in range(1, 1000)]
    first = next((r for r in grid if gap(r) >= 0), None)
    if first is None:
        return 1.0
    lo, hi = first - 0.001, first
    for _ in range(40):
        mid = (lo + hi) / 2
        if gap(mid) < 0:
            lo = mid
        else:
            hi = mid
    return float(hi)
