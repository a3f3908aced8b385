"""The estimators of a before/after evaluation with a control area.

Relative effect size (:func:`relative_effect_size`) and the dispersion of the
pre-period counts (:func:`overdispersion`); displacement and diffusion:
weighted displacement difference (:func:`wdd`), weighted displacement quotient
(:func:`wdq`, read by :func:`wdq_label`), total net effect
(:func:`total_net_effect`); the E-test of the treated area alone
(:func:`treated_e_test`). All are vectorised and checked against published
vectors (see docs/methods.md).
"""

from __future__ import annotations

from typing import Any, NamedTuple

import numpy as np
from scipy import stats as _st

from .. import settings, stats
from ._common import _pairs, _scalar


def _quantile(level: float, df: Any = None) -> Any:
    """Two-sided critical value: Student's t on ``df`` degrees of freedom (missing/inf: normal)."""
    q = 0.5 + level / 2
    if df is None:
        return _st.norm.ppf(q)
    d = np.asarray(df, dtype="float64")
    return np.where(
        np.isfinite(d) & (d > 0), _st.t.ppf(q, np.where(d > 0, d, 1.0)), _st.norm.ppf(q)
    )


def _two_sided_p(z: Any, df: Any = None) -> Any:
    z = np.abs(np.asarray(z, dtype="float64"))
    if df is None:
        return 2 * _st.norm.sf(z)
    d = np.asarray(df, dtype="float64")
    return np.where(
        np.isfinite(d) & (d > 0), 2 * _st.t.sf(z, np.where(d > 0, d, 1.0)), 2 * _st.norm.sf(z)
    )


class RESResult(NamedTuple):
    """Relative effect size with its interval (see :func:`relative_effect_size`)."""

    res: Any
    low: Any
    high: Any
    se_log: Any
    z: Any
    p_value: Any
    corrected: Any


def relative_effect_size(
    a0: Any,
    a1: Any,
    c0: Any,
    c1: Any,
    phi: Any = 1.0,
    df: Any = None,
    level: float = 0.95,
) -> RESResult:
    """Relative effect size (odds ratio) of Welsh & Farrington (2007), with its interval.

    ``RES = (A0 · C1) / (A1 · C0)``; RES > 1 means crime fell in the treated
    area relative to the control. ``Var(ln RES) = φ · (1/A0 + 1/A1 + 1/C0 +
    1/C1)``: ``φ = 1`` is the Poisson assumption; ``φ > 1`` inflates the
    variance for overdispersed counts (see :func:`overdispersion`). With
    ``df`` given, the interval and p-value use Student's t with ``df``
    degrees of freedom (``φ`` is then an estimate), else the normal.
    When a count is zero, 0.5 is added to all four (Haldane–Anscombe) and
    ``corrected`` is true. Vectorised. See docs/methods.md, *Relative effect size*.

    Parameters
    ----------
    a0, a1 : int or array-like
        Treated area, before and after.
    c0, c1 : int or array-like
        Control area, before and after.
    phi : float or array-like
        Variance inflation factor (1 = Poisson).
    df : float or array-like, optional
        Degrees of freedom of ``phi``'s estimate.
    level : float
        Confidence level.

    Returns
    -------
    RESResult
        ``res, low, high, se_log, z, p_value`` (``z`` tests ln RES = 0), ``corrected``.

    Examples
    --------
    By hand: A 100 → 50, C 100 → 100 gives RES = 2 and
    ``se = sqrt(1/100 + 1/50 + 1/100 + 1/100) = sqrt(0.05)``.

    >>> r = relative_effect_size(100, 50, 100, 100)
    >>> float(r.res), round(float(r.se_log) ** 2, 4)
    (2.0, 0.05)
    >>> round(float(r.low), 3), round(float(r.high), 3)
    (1.29, 3.1)
    >>> round(float(relative_effect_size(100, 50, 100, 100, phi=2.0).low), 3)
    1.076
    """
    a0, a1, c0, c1 = (np.asarray(v, dtype="float64") for v in (a0, a1, c0, c1))
    zero = (a0 == 0) | (a1 == 0) | (c0 == 0) | (c1 == 0)
    add = np.where(zero, 0.5, 0.0)
    A0, A1, C0, C1 = a0 + add, a1 + add, c0 + add, c1 + add
    with np.errstate(divide="ignore", invalid="ignore"):
        res = (A0 * C1) / (A1 * C0)
        se = np.sqrt(np.asarray(phi, dtype="float64") * (1 / A0 + 1 / A1 + 1 / C0 + 1 / C1))
        lr = np.log(res)
        q = _quantile(level, df)
        z = lr / se
    p = _two_sided_p(z, df)
    return RESResult(
        _scalar(res),
        _scalar(np.exp(lr - q * se)),
        _scalar(np.exp(lr + q * se)),
        _scalar(se),
        _scalar(z),
        _scalar(p),
        bool(zero) if np.ndim(zero) == 0 else zero,
    )


def overdispersion(monthly: Any) -> tuple[float, int]:
    """Pearson dispersion of monthly counts around an area × month model.

    ``monthly`` is a table of counts, one row per area (e.g. treated and
    control), one column per month of the pre-period. The fitted level is the
    independence model ``E_ij = R_i · C_j / N`` (an effect per area, an effect
    per month shared by the areas: seasonality and common shocks cancel out);
    ``φ̂ = X² / df`` with ``X² = Σ (O − E)² / E`` and
    ``df = (areas − 1)(months − 1)``. Rows and columns that are entirely zero
    are dropped first. ``φ̂ ≈ 1`` for Poisson counts; ``φ̂ > 1`` means
    overdispersion. For independent months this is also the dispersion of the
    window totals, which is what the interval of RES needs (docs/methods.md,
    *Overdispersion*).

    Parameters
    ----------
    monthly : array-like or DataFrame, shape (areas, months)

    Returns
    -------
    (phi_hat, df) : (float, int)
        ``(nan, 0)`` when there is nothing to estimate from.

    Examples
    --------
    By hand for ``[[10, 20], [30, 40]]``: N = 100, expected ``[[12, 18], [28, 42]]``,
    ``X² = 4/12 + 4/18 + 4/28 + 4/42 ≈ 0.794`` on 1 degree of freedom.

    >>> phi, df = overdispersion([[10, 20], [30, 40]])
    >>> round(phi, 3), df
    (0.794, 1)
    >>> overdispersion([[5, 0, 3]])
    (nan, 0)
    """
    o = np.asarray(monthly, dtype="float64")
    if o.ndim != 2:
        raise ValueError("monthly must be a 2-D table: areas × months")
    o = o[o.sum(axis=1) > 0]
    if o.size:
        o = o[:, o.sum(axis=0) > 0]
    r, c = o.shape if o.ndim == 2 and o.size else (0, 0)
    df = (r - 1) * (c - 1)
    if df <= 0:
        return float("nan"), 0
    e = o.sum(axis=1, keepdims=True) * o.sum(axis=0, keepdims=True) / o.sum()
    x2 = float(((o - e) ** 2 / e).sum())
    return x2 / df, int(df)


class WDDResult(NamedTuple):
    """Weighted displacement difference (see :func:`wdd`)."""

    wdd: Any
    se: Any
    z: Any
    p_value: Any
    low: Any = None
    high: Any = None


def wdd(  # noqa: PLR0913 - the eight counts of the published formula, and their weights
    a0: Any,
    a1: Any,
    b0: Any,
    b1: Any,
    c0: Any,
    c1: Any,
    d0: Any,
    d1: Any,
    c_weight: Any = 1.0,
    d_weight: Any = 1.0,
    shared_control: bool = False,
    phi: Any = 1.0,
    level: float = 1 - settings.default("alpha"),
) -> WDDResult:
    """Weighted displacement difference of Wheeler & Ratcliffe (2018).

    ``WDD = (A1 − A0) − (C1 − C0) + (B1 − B0) − (D1 − D0)`` with A treated, B
    buffer, C the control of A and D the control of B; ``Var = A0 + A1 + B0 +
    B1 + C0 + C1 + D0 + D1`` (Poisson), ``z = WDD / sqrt(Var)``. A negative
    WDD is a net fall.

    The controls of the paper are areas with counts similar to A and B. When
    a control is much larger (e.g. the rest of the municipality) its change
    must be **scaled** to the level of the area it controls: ``c_weight``
    (e.g. ``A0 / C0``) and ``d_weight`` (e.g. ``B0 / D0``) multiply the
    control changes, and their variance terms by the weight squared. With
    ``shared_control=True`` C and D are the same area (D is ignored) and the
    variance term is ``(c_weight + d_weight)² (C0 + C1)``. ``phi`` inflates
    the variance for overdispersion. ``level`` sets the normal interval
    ``WDD ± z · SE``. Vectorised.

    Returns
    -------
    WDDResult
        ``wdd, se, z, p_value`` (two-sided, normal), ``low, high`` (the interval).

    Examples
    --------
    The paper's example (docs/methods.md, *Weighted displacement difference*):

    >>> r = wdd(a0=207, a1=110, b0=178, b1=157, c0=308, c1=318, d0=150, d1=140)
    >>> float(r.wdd), float(r.se) ** 2, round(float(r.z), 2)
    (-118.0, 1568.0, -2.98)
    >>> round(float(r.low), 1), round(float(r.high), 1)
    (-195.6, -40.4)
    """
    a0, a1, b0, b1, c0, c1, d0, d1 = (
        np.asarray(v, dtype="float64") for v in (a0, a1, b0, b1, c0, c1, d0, d1)
    )
    wc = np.asarray(c_weight, dtype="float64")
    wd = np.asarray(d_weight, dtype="float64")
    if shared_control:
        d0, d1 = c0, c1
        value = (a1 - a0) + (b1 - b0) - (wc + wd) * (c1 - c0)
        var = a0 + a1 + b0 + b1 + (wc + wd) ** 2 * (c0 + c1)
    else:
        value = (a1 - a0) - wc * (c1 - c0) + (b1 - b0) - wd * (d1 - d0)
        var = a0 + a1 + b0 + b1 + wc**2 * (c0 + c1) + wd**2 * (d0 + d1)
    se = np.sqrt(np.asarray(phi, dtype="float64") * var)
    with np.errstate(divide="ignore", invalid="ignore"):
        z = np.where(se > 0, value / se, np.nan)
    q = _quantile(level)
    return WDDResult(
        _scalar(value),
        _scalar(se),
        _scalar(z),
        _scalar(_two_sided_p(z)),
        _scalar(value - q * se),
        _scalar(value + q * se),
    )


def wdq(a0: Any, a1: Any, b0: Any, b1: Any, c0: Any, c1: Any) -> Any:
    """Weighted displacement quotient of Bowers & Johnson (2003).

    ``WDQ = (B1/C1 − B0/C0) / (A1/C1 − A0/C0)``. The denominator (the
    "success measure") is negative when the response worked. WDQ > 0:
    diffusion of benefits; WDQ < 0: displacement; below −1 the displacement
    outweighs the gain. **Undefined** (NaN, never a number) when the success
    measure is ≥ 0 — there is no success to share — or a control count is
    zero. See :func:`wdq_label` and docs/methods.md, *Weighted displacement
    quotient*. Vectorised.

    Examples
    --------
    >>> float(wdq(100, 50, 100, 150, 100, 100))  # the vector of docs/methods.md
    -1.0
    >>> float(wdq(100, 120, 100, 150, 100, 100))  # treated area rose: undefined
    nan
    """
    a0, a1, b0, b1, c0, c1 = (np.asarray(v, dtype="float64") for v in (a0, a1, b0, b1, c0, c1))
    with np.errstate(divide="ignore", invalid="ignore"):
        success = a1 / c1 - a0 / c0
        out = (b1 / c1 - b0 / c0) / success
    ok = (c0 > 0) & (c1 > 0) & (success < 0)
    return _scalar(np.where(ok, out, np.nan))


WDQ_READINGS: tuple[str, ...] = (
    "not_assessable",
    "undefined",
    "diffusion",
    "none",
    "displacement",
    "displacement_outweighs",
)
"""The readings of a WDQ (see :func:`wdq_label`)."""

WDQ_LABELS: dict[str, tuple[str, str]] = _pairs("evaluation.wdq", WDQ_READINGS)
"""Each reading of a WDQ in French and English (from the label catalogue)."""


def wdq_label(value: Any) -> Any:
    """Reading of a WDQ, one of :data:`WDQ_READINGS`.

    ``undefined``, ``diffusion``, ``none``, ``displacement`` or
    ``displacement_outweighs`` (in words: :data:`WDQ_LABELS`).

    Examples
    --------
    >>> [wdq_label(v) for v in (float("nan"), 0.4, 0.0, -0.5, -1.5)]
    ['undefined', 'diffusion', 'none', 'displacement', 'displacement_outweighs']
    """
    v = np.asarray(value, dtype="float64")
    out = np.where(
        ~np.isfinite(v),
        "undefined",
        np.where(
            v > 0,
            "diffusion",
            np.where(v == 0, "none", np.where(v < -1, "displacement_outweighs", "displacement")),
        ),
    ).astype(object)
    return str(out) if out.ndim == 0 else out


def total_net_effect(a0: Any, a1: Any, b0: Any, b1: Any, c0: Any, c1: Any) -> Any:
    """Total net effect of Guerette (2009): events prevented, net of displacement.

    ``TNE = (A0 · C1/C0 − A1) + (B0 · C1/C0 − B1)``: the events expected in A
    and B had they followed the control's trend, minus those observed.
    Positive = net events prevented; negative = net rise. Undefined (NaN)
    when ``C0`` is zero. Vectorised. See docs/methods.md, *Total net effect*.

    Examples
    --------
    >>> float(total_net_effect(100, 50, 100, 150, 100, 100))
    0.0
    >>> float(total_net_effect(207, 110, 178, 157, 308, 318))
    130.5
    """
    a0, a1, b0, b1, c0, c1 = (np.asarray(v, dtype="float64") for v in (a0, a1, b0, b1, c0, c1))
    with np.errstate(divide="ignore", invalid="ignore"):
        trend = c1 / c0
        out = (a0 * trend - a1) + (b0 * trend - b1)
    return _scalar(np.where(c0 > 0, np.round(out, 10), np.nan))


def treated_e_test(a0: Any, a1: Any, before_months: float = 1.0, after_months: float = 1.0) -> Any:
    """E-test (Krishnamoorthy & Thomson, 2004) of the treated area, after against before.

    Wraps :func:`diagnostic_lib.stats.e_test` (``scipy.stats.poisson_means_test``)
    with the window lengths as exposures. It ignores the control (a before/after
    change alone says nothing about the cause): it is shown beside the RES, not
    used for the verdict. Vectorised. See docs/methods.md, *E-test*.

    Examples
    --------
    >>> round(float(treated_e_test(6, 2)), 4)  # docs/methods.md: 6 vs 2, p ≈ 0.1749
    0.1749
    """
    return _scalar(stats.e_tests(a1, a0, after_months, before_months))
