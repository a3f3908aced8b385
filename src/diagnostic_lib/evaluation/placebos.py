"""Placebo-based inference: the data's own history is the null distribution of an effect.

A measure's estimate is judged against what the same estimator gives where and
when nothing was done:

- **placebo places**: copies of the measure's zone (treated area and ring)
  moved elsewhere in the municipality, clear of every measure acting on the same
  categories, with before-period levels like the treated area's (the nearest in
  history level and before-window level: places "with a similar peak");
- **placebo dates**: the same design on the treated area, shifted back before the
  start, while the data allow.

Their spread, beyond what Poisson noise explains, is the extra variance τ² that
persistence and local shocks add (DerSimonian and Laird's moment estimate).
The interval and p-value of the measure use ``v + τ²`` on Student's t with the
placebos' degrees of freedom; the quasi-Poisson (φ-adjusted) variance stays a
lower bound.

**Regression to the mean.** Measures go where counts have just peaked, so the
before window is often unusually high and the after window looks better with no
effect. The *corrected* estimate therefore compares the after window with the
**history** — the months before the before window, which the decision could not
be based on — scaled to the window's length and to the control's trend; the raw
estimate (before window against after window) is shown beside it, and whether
the before window stood out from the history is tested against the placebos.

See docs/methods.md, *Placebo-based inference*.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass

import numpy as np
from scipy import stats as _st

from .. import settings


@dataclass(frozen=True)
class PlaceboOptions:
    """How the placebo-based inference is done (the evaluation's tunables).

    Attributes
    ----------
    history_months : int
        Months of history before the before window that the corrected estimate uses.
    min_history_months : int
        Fewest months of history for a verdict (else: too little history).
    placebos : int
        Placebo places kept, the nearest in level to the treated area.
    min_placebos : int
        Fewest placebo places for a verdict (else: too little history).
    rtm_alpha : float
        One-sided level at which the before window "stands out" from the history.
    """

    history_months: int = settings.default("history_months")
    min_history_months: int = settings.default("min_history_months")
    placebos: int = settings.default("placebos")
    min_placebos: int = settings.default("min_placebos")
    rtm_alpha: float = settings.default("rtm_alpha")


@dataclass(frozen=True)
class Windows:
    """Month positions of a design inside a monthly series.

    Attributes
    ----------
    history : slice
        The history months (before the before window).
    before, after : slice
        The before and after windows.
    """

    history: slice
    before: slice
    after: slice

    @property
    def factor(self) -> float:
        """Length of the before window ÷ length of the history (to scale history counts)."""
        h = self.history.stop - self.history.start
        return (self.before.stop - self.before.start) / h if h > 0 else np.nan

    @property
    def history_months(self) -> int:
        """Number of history months."""
        return self.history.stop - self.history.start


def log_effects(series: np.ndarray, control: np.ndarray, win: Windows) -> dict[str, np.ndarray]:
    """Raw and history-corrected log effects of one or many places, and their Poisson variances.

    ``raw = ln((B0 + ½) / (A1 + ½)) − ln(C0 / C1)``: the log RES of the before
    window against the after window (RES > 1, i.e. a positive value, is a fall
    relative to the control). ``corrected`` replaces the before window by the
    history scaled to its length: ``ln((H·f + ½) / (A1 + ½)) − ln(Ch·f / C1)``.
    ``excess = ln((B0 + ½) / (H·f + ½)) − ln(C0 / (Ch·f))`` says how much the
    before window stands above its history (relative to the control).

    Parameters
    ----------
    series : ndarray, shape (months,) or (places, months)
        Monthly counts of the place(s).
    control : ndarray, shape (months,)
        Monthly counts of the control area.
    win : Windows
        Where the history, before and after windows are.

    Returns
    -------
    dict of ndarray
        ``raw, corrected, excess`` and their variances ``v_raw, v_corrected, v_excess``.

    Examples
    --------
    >>> w = Windows(slice(0, 24), slice(24, 36), slice(36, 48))
    >>> y = np.r_[np.full(24, 10.0), np.full(12, 20.0), np.full(12, 10.0)]
    >>> e = log_effects(y, np.full(48, 100.0), w)
    >>> round(float(e["raw"]), 2), round(float(e["corrected"]), 2)
    (0.69, 0.0)
    """
    y = np.atleast_2d(np.asarray(series, dtype="float64"))
    c = np.asarray(control, dtype="float64")
    f = win.factor
    h = y[:, win.history].sum(axis=1)
    b0 = y[:, win.before].sum(axis=1)
    a1 = y[:, win.after].sum(axis=1)
    ch, c0, c1 = c[win.history].sum(), c[win.before].sum(), c[win.after].sum()
    with np.errstate(divide="ignore", invalid="ignore"):
        ctrl_raw = np.log(c0 / c1) if c0 > 0 and c1 > 0 else np.nan
        ctrl_corr = np.log(ch * f / c1) if ch > 0 and c1 > 0 else np.nan
        ctrl_exc = np.log(c0 / (ch * f)) if ch > 0 and c0 > 0 else np.nan
        out = {
            "raw": np.log((b0 + 0.5) / (a1 + 0.5)) - ctrl_raw,
            "corrected": np.log((h * f + 0.5) / (a1 + 0.5)) - ctrl_corr,
            "excess": np.log((b0 + 0.5) / (h * f + 0.5)) - ctrl_exc,
            "v_raw": 1 / (b0 + 0.5) + 1 / (a1 + 0.5) + 1 / max(c0, 0.5) + 1 / max(c1, 0.5),
            "v_corrected": 1 / (h + 0.5) + 1 / (a1 + 0.5) + 1 / max(ch, 0.5) + 1 / max(c1, 0.5),
            "v_excess": 1 / (b0 + 0.5) + 1 / (h + 0.5) + 1 / max(c0, 0.5) + 1 / max(ch, 0.5),
            "history": h,
            "before": b0,
            "after": a1,
        }
    if np.ndim(series) == 1:
        out = {k: v[0] if np.ndim(v) else v for k, v in out.items()}
    return out


@dataclass(frozen=True)
class Null:
    """The null distribution of a log effect, estimated from placebos.

    Attributes
    ----------
    centre : float
        Mean of the placebos' log effects (what the estimator gives with no effect).
    tau2 : float
        Extra variance beyond Poisson (``max(0, var − mean Poisson variance)``).
    var_centre : float
        Variance of the centre (0 when the centre is taken as 0).
    n : int
        Number of placebos.
    """

    centre: float
    tau2: float
    var_centre: float
    n: int

    @property
    def df(self) -> float:
        """Degrees of freedom of the spread (n − 1; infinite when there is no placebo)."""
        return self.n - 1 if self.n > 1 else np.inf


def null_from(values: np.ndarray, variances: np.ndarray) -> Null:
    """The null distribution of a log effect from placebo values (NaNs left out).

    ``τ²`` is the moment estimate of DerSimonian and Laird (the spread beyond each
    placebo's own Poisson variance); the centre is the inverse-variance weighted
    mean, kept only when it differs from 0 by more than twice its standard error
    (the history-corrected estimator is centred on 0 when nothing was done; a
    centre far from 0 says places like the treated one drift apart from the
    control, and is then taken out, with its uncertainty).

    Parameters
    ----------
    values : ndarray
        The placebos' log effects.
    variances : ndarray
        Their Poisson variances.

    Returns
    -------
    Null

    Examples
    --------
    >>> rng = np.random.default_rng(0)
    >>> nul = null_from(rng.normal(0.1, 0.3, 400), np.full(400, 0.05))
    >>> round(nul.centre, 1), round(nul.tau2, 2), nul.n
    (0.1, 0.04, 400)
    >>> nul = null_from(rng.normal(0.0, 0.3, 40), np.full(40, 0.05))
    >>> nul.centre, round(nul.tau2, 2)
    (0.0, 0.06)
    """
    y = np.asarray(values, dtype="float64")
    v = np.asarray(variances, dtype="float64")
    ok = np.isfinite(y) & np.isfinite(v) & (v > 0)
    y, v = y[ok], v[ok]
    n = len(y)
    if n < 2:
        return Null(0.0, 0.0, float(v.mean()) if n else 0.0, n)
    w = 1 / v
    mean_w = float(np.sum(w * y) / np.sum(w))
    q = float(np.sum(w * (y - mean_w) ** 2))
    tau2 = max(0.0, (q - (n - 1)) / float(np.sum(w) - np.sum(w**2) / np.sum(w)))
    w = 1 / (v + tau2)
    centre = float(np.sum(w * y) / np.sum(w))
    var_centre = 1 / float(np.sum(w))
    if abs(centre) <= 2 * np.sqrt(var_centre):
        # centred on 0: the spread is measured around 0, not around the sample mean (which,
        # for overlapping placebo dates, soaks up much of the variance)
        return Null(0.0, max(tau2, float(np.mean(y**2 - v))), 0.0, n)
    return Null(centre, tau2, var_centre, n)


@dataclass(frozen=True)
class Judged:
    """A log effect judged against its null.

    Attributes
    ----------
    estimate : float
        The log effect minus the null's centre.
    se : float
        Its standard error (Poisson + τ² + the centre's uncertainty; never below ``floor``).
    df : float
        Degrees of freedom of Student's t.
    p_value : float
        Two-sided p-value.
    """

    estimate: float
    se: float
    df: float
    p_value: float

    def interval(self, level: float) -> tuple[float, float]:
        """The interval of the log effect at ``level``.

        Parameters
        ----------
        level : float
            Confidence level.

        Returns
        -------
        (float, float)
        """
        q = (
            _st.t.ppf(0.5 + level / 2, self.df)
            if np.isfinite(self.df)
            else _st.norm.ppf(0.5 + level / 2)
        )
        return self.estimate - q * self.se, self.estimate + q * self.se


def judge(value: float, variance: float, null: Null, floor: float = 0.0) -> Judged:
    """Judge one log effect against a placebo null.

    ``se² = max(v + τ² + Var(centre), floor)``: the place's own Poisson variance,
    the placebos' extra variance, and the uncertainty of the null's centre;
    ``floor`` is the quasi-Poisson variance, a lower bound.

    Parameters
    ----------
    value, variance : float
        The log effect and its Poisson variance.
    null : Null
        From :func:`null_from`.
    floor : float
        Smallest variance allowed.

    Returns
    -------
    Judged

    Examples
    --------
    >>> j = judge(0.8, 0.04, Null(0.1, 0.05, 0.01, 40))
    >>> round(j.estimate, 2), round(j.se, 3), round(j.p_value, 4)
    (0.7, 0.316, 0.0328)
    """
    var = max(variance + null.tau2 + null.var_centre, floor)
    est = value - null.centre
    se = float(np.sqrt(var))
    df = null.df
    t = est / se if se > 0 else np.nan
    p = 2 * (_st.t.sf(abs(t), df) if np.isfinite(df) else _st.norm.sf(abs(t)))
    return Judged(float(est), se, float(df), float(p))


def nearest(levels: np.ndarray, target: np.ndarray, k: int) -> np.ndarray:
    """Positions of the ``k`` places whose levels are nearest the target's (Euclidean).

    Parameters
    ----------
    levels : ndarray, shape (places, features)
        Log levels of the candidate places (history level, before-window level).
    target : ndarray, shape (features,)
        The treated area's.
    k : int
        How many to keep.

    Returns
    -------
    ndarray of int

    Examples
    --------
    >>> nearest(np.array([[0.0, 0.0], [1.0, 1.0], [5.0, 5.0]]), np.array([0.9, 1.0]), 2).tolist()
    [1, 0]
    """
    d = ((np.asarray(levels) - np.asarray(target)) ** 2).sum(axis=1)
    return np.argsort(d, kind="stable")[:k]


def nearest_places(
    treated: np.ndarray,
    units: np.ndarray,
    control: np.ndarray,
    win: Windows,
    k: int,
    effects: tuple | None = None,
) -> np.ndarray:
    """Positions of the ``k`` placebo places nearest the treated area in level, nearest first.

    The level of a place is its history and before-window levels
    (:func:`level_features`); only the treated area's copies are compared, so the
    rings of the places left out need not be counted (a measure has up to
    hundreds of candidate places and keeps the ``placebos`` setting's number).

    Parameters
    ----------
    treated : ndarray, shape (months,)
        Monthly counts of the measure's treated area.
    units : ndarray, shape (places, months)
        Monthly counts of the candidate places (copies of the treated area).
    control : ndarray
        Monthly counts of the control area.
    win : Windows
        History, before and after windows.
    k : int
        How many to keep.
    effects : tuple, optional
        ``(log_effects(treated), log_effects(units))`` when already computed.

    Returns
    -------
    ndarray of int

    Examples
    --------
    >>> w = Windows(slice(0, 24), slice(24, 36), slice(36, 48))
    >>> units = np.array([np.full(48, 50), np.full(48, 10), np.full(48, 11)])
    >>> nearest_places(np.full(48, 10), units, np.full(48, 500), w, 2).tolist()
    [1, 2]
    """
    units = np.asarray(units, dtype="float64")
    if not len(units):
        return np.arange(0)
    t_eff, u_eff = effects if effects is not None else (None, None)
    if t_eff is None:
        t_eff = log_effects(np.asarray(treated, dtype="float64"), control, win)
    if u_eff is None:
        u_eff = log_effects(units, control, win)
    feats = level_features(u_eff["history"], u_eff["before"], win)
    target_feats = level_features(np.array([t_eff["history"]]), np.array([t_eff["before"]]), win)[0]
    return nearest(feats, target_feats, k)


def level_features(history: np.ndarray, before: np.ndarray, win: Windows) -> np.ndarray:
    """Log monthly levels (history, before window) used to match placebo places.

    Parameters
    ----------
    history, before : ndarray
        Event counts of the history and of the before window.
    win : Windows
        The windows (for their lengths).

    Returns
    -------
    ndarray, shape (places, 2)

    Examples
    --------
    >>> w = Windows(slice(0, 24), slice(24, 36), slice(36, 48))
    >>> level_features(np.array([240.0]), np.array([120.0]), w).round(2).tolist()
    [[2.3, 2.31]]
    """
    h = max(win.history_months, 1)
    b = max(win.before.stop - win.before.start, 1)
    return np.column_stack(
        [np.log((np.asarray(history) + 0.5) / h), np.log((np.asarray(before) + 0.5) / b)]
    )


MIN_DATES: int = 6
"""Fewest placebo dates whose persistence counts (one alone says little)."""


def _dates_null(dates: np.ndarray) -> Null:
    """The null of the placebo dates: centred on 0, spread measured around 0.

    Consecutive dates share most of their months, so their mean is no estimate of a
    centre (it soaks up the spread): the extra variance is ``mean(y² − v)``, which
    stays unbiased however the dates overlap. It is not floored at 0 here (a pool
    over several measures must average the unfloored values).
    """
    y, v = np.asarray(dates[0], dtype="float64"), np.asarray(dates[1], dtype="float64")
    ok = np.isfinite(y) & np.isfinite(v)
    y, v = y[ok], v[ok]
    if not len(y):
        return Null(0.0, 0.0, 0.0, 0)
    return Null(0.0, float(np.mean(y**2 - v)), 0.0, len(y))  # unfloored: pooled across measures


def placebo_tables(
    target: Mapping[str, np.ndarray],
    units: Mapping[str, np.ndarray],
    control: np.ndarray,
    win: Windows,
    options: PlaceboOptions | None = None,
    dates: np.ndarray | None = None,
) -> dict[str, float]:
    """Every placebo-based estimate of one measure, from monthly counts.

    Parameters
    ----------
    target : mapping
        Monthly counts of the measure's ``treated`` area and ``ring`` (shape (months,)).
    units : mapping
        Monthly counts of the placebo places' ``treated`` copies and ``ring`` copies
        (shape (places, months)).
    control : ndarray
        Monthly counts of the control area.
    win : Windows
        History, before and after windows.
    options : PlaceboOptions, optional
        The tunables.
    dates : ndarray, optional
        Log effects of placebo dates (the design shifted back on the treated area)
        and their Poisson variances, shape (2, n): their τ² is a floor for the
        places' τ².

    Returns
    -------
    dict
        For ``treated`` (the measure's area), ``net`` (treated area + ring) and ``ring``:
        ``<zone>_raw`` and ``<zone>_corrected`` log effects, ``<zone>_estimate``,
        ``<zone>_se``, ``<zone>_df``, ``<zone>_p``, ``<zone>_inflation`` (the variance
        over the Poisson one); the regression-to-the-mean check
        ``excess, excess_p``; ``placebos`` (places used), ``placebo_dates``, ``tau2``,
        ``history_months``.

    Examples
    --------
    >>> rng = np.random.default_rng(3)
    >>> w = Windows(slice(0, 24), slice(24, 36), slice(36, 48))
    >>> units = {"treated": rng.poisson(10.0, (60, 48)), "ring": rng.poisson(5.0, (60, 48))}
    >>> target = {"treated": np.r_[rng.poisson(10.0, 36), rng.poisson(5.0, 12)],
    ...           "ring": rng.poisson(5.0, 48)}
    >>> r = placebo_tables(target, units, np.full(48, 500), w)
    >>> fall = float(np.exp(r["treated_estimate"]))
    >>> int(r["placebos"]), bool(r["treated_p"] < 0.01), round(fall, 1)
    (60, True, 2.0)
    """
    opt = options or PlaceboOptions()
    out: dict[str, float] = {"history_months": float(win.history_months)}
    unit_t = np.asarray(units["treated"], dtype="float64")
    unit_r = np.asarray(units["ring"], dtype="float64")
    tt = np.asarray(target["treated"], dtype="float64")
    tr = np.asarray(target["ring"], dtype="float64")
    t_eff = log_effects(tt, control, win)
    u_eff = log_effects(unit_t, control, win) if len(unit_t) else None
    keep = nearest_places(tt, unit_t, control, win, opt.placebos, (t_eff, u_eff))
    out["placebos"] = float(len(keep))
    date_null = _dates_null(dates) if dates is not None and np.size(dates) else None
    out["placebo_dates"] = float(date_null.n if date_null is not None else 0)
    zones = {"treated": (tt, unit_t), "net": (tt + tr, unit_t + unit_r), "ring": (tr, unit_r)}
    for zone, (y, uy) in zones.items():
        e = t_eff if zone == "treated" else log_effects(y, control, win)
        ue = u_eff if zone == "treated" else (log_effects(uy, control, win) if len(uy) else None)
        vals = ue["corrected"][keep] if ue is not None else np.array([])
        vars_ = ue["v_corrected"][keep] if ue is not None else np.array([])
        nul = null_from(vals, vars_)
        if zone == "treated":
            out["tau2_places"] = nul.tau2
            out["tau2_dates"] = date_null.tau2 if date_null is not None else np.nan
        if zone == "treated" and date_null is not None and date_null.n >= MIN_DATES:
            nul = Null(nul.centre, max(nul.tau2, date_null.tau2), nul.var_centre, nul.n)
        if zone == "treated":
            out["tau2"] = nul.tau2
        j = judge(float(e["corrected"]), float(e["v_corrected"]), nul)
        out[f"{zone}_raw"] = float(e["raw"])
        out[f"{zone}_corrected"] = float(e["corrected"])
        out[f"{zone}_estimate"], out[f"{zone}_se"] = j.estimate, j.se
        out[f"{zone}_df"], out[f"{zone}_p"] = j.df, j.p_value
        out[f"{zone}_inflation"] = j.se**2 / float(e["v_corrected"])
        out[f"{zone}_v"] = float(e["v_corrected"])
        out[f"{zone}_var_centre"] = nul.var_centre
    if u_eff is not None and len(keep) > 1:
        ex = null_from(u_eff["excess"][keep], u_eff["v_excess"][keep])
        jx = judge(float(t_eff["excess"]), float(t_eff["v_excess"]), ex)
        out["excess"] = jx.estimate
        tstat = jx.estimate / jx.se if jx.se > 0 else np.nan
        out["excess_p"] = float(_st.t.sf(tstat, jx.df)) if np.isfinite(tstat) else np.nan
    else:
        out["excess"], out["excess_p"] = float(t_eff["excess"]), np.nan
    return out
