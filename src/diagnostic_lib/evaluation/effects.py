"""Effects and verdicts of the measures: every estimate of a measure, from its counts.

:func:`estimate_effects` (every estimate and the verdict, vectorised over a
table of window counts), :func:`evaluate` (every measure: windows, areas,
counts, estimates, verdicts), :func:`evaluate_measure` (one measure, with its
areas and monthly counts) and :func:`buffer_sensitivity` (how the displacement
findings move with the ring's width).
"""

from __future__ import annotations

from collections.abc import Callable, Mapping, Sequence
from dataclasses import dataclass
from typing import Any

import numpy as np
import pandas as pd
from scipy import stats as _st

from .. import coverage, i18n, settings, stats
from .. import measures as measures_mod
from .._text import str_array
from ._common import _records, _tuple
from .area_counts import _MonthlyIndex, _pre_table, _window_sums, monthly_area_counts
from .decision import (
    JUDGED,
    PROMISING_P,
    PROMISING_RES,
    Rule,
    caveat_text,
    decide_verdict,
    verdict_text,
)
from .design import (
    _DEFAULT_BUFFER_M,
    AREAS,
    _buffer_width,
    _union,
    data_period,
    design_areas,
    windows,
)
from .estimators import (
    overdispersion,
    relative_effect_size,
    total_net_effect,
    wdd,
    wdq,
    wdq_label,
)
from .exceptional import screened
from .measure_set import _MeasureSet
from .placebo_design import DATE_SHIFTS, PlaceboSource
from .placebos import MIN_DATES, PlaceboOptions


def estimate_effects(
    counts: pd.DataFrame,
    alpha: float = settings.default("alpha"),
    min_events: int = settings.default("min_events"),
    promising: float = PROMISING_RES,
    promising_p: float = PROMISING_P,
    rule: Rule | None = None,
) -> pd.DataFrame:
    """Every estimate and the verdict, for a table of window counts (vectorised).

    The verdict rests on the placebo-based estimates that :func:`evaluate` adds to
    the counts (see :mod:`~diagnostic_lib.evaluation.placebos`): without them (a
    bare table of window counts) there is no history to judge against, and the
    verdict is "too little history" whatever the raw RES says.

    Parameters
    ----------
    counts : DataFrame
        ``status`` (see :func:`windows`; missing = evaluable), ``a0, a1, b0,
        b1, c0, c1`` (treated, buffer, control; before, after), optionally the
        raw dispersion estimates ``phi_res_hat, phi_res_df`` (A and C),
        ``phi_wdd_hat, phi_wdd_df`` (A, B and C), ``phi_buffer_hat,
        phi_buffer_df`` (B and C) from :func:`overdispersion` (missing = 1,
        i.e. Poisson), and the placebo estimates of
        :func:`~diagnostic_lib.evaluation.placebos.placebo_tables`.
    alpha : float
        1 − confidence level.
    min_events : int
        Fewest events in the treated area (before + after) to judge.
    promising, promising_p : float
        Smallest corrected RES and largest p-value called inconclusive but favourable.
    rule : Rule, optional
        Every threshold of the verdict (default: from the other arguments and settings).

    Returns
    -------
    DataFrame
        ``counts`` plus the raw estimates ``phi_res, res, res_low, res_high``
        (Poisson), ``res_low_adj, res_high_adj, res_p_adj`` (quasi-Poisson: a lower
        bound on the uncertainty), ``treated_ratio, treated_p`` (E-test),
        ``buffer_res, buffer_low_adj, buffer_high_adj``, ``wdd, wdd_se, wdd_z,
        wdd_p, wdd_low, wdd_high`` and their ``_adj`` versions; the corrected,
        placebo-based estimates ``res_corrected, res_corrected_low,
        res_corrected_high, p_corrected, q_value, measures_judged`` (treated area),
        ``net_res, net_low, net_high, net_p`` (treated area and ring),
        ``ring_res, ring_p``; ``rtm_flag``; ``wdq, wdq_low, wdq_high,
        wdq_reading`` (``not_assessable`` unless both changes are distinguishable
        from noise); ``tne`` and ``tne_corrected, tne_low, tne_high``; ``null_basis``
        (``"places"``; ``"dates"`` when fewer than ``min_placebos`` placebo places
        leave the verdict to the area's own placebo dates, pooled over the measures),
        ``se_corrected, df_corrected``; ``verdict``.

    Examples
    --------
    >>> import pandas as pd
    >>> c = pd.DataFrame({"a0": [136, 3], "a1": [83, 2], "b0": [62, 1],
    ...     "b1": [41, 1], "c0": [3000, 900], "c1": [3050, 910]})
    >>> estimate_effects(c)["verdict"].tolist()
    ['too_little_history', 'too_few']
    """
    thresholds = {"alpha": alpha, "min_events": min_events, "promising": promising}
    rule = rule or Rule(**thresholds, promising_p=promising_p)
    out = counts.copy()
    if "status" not in out.columns:
        out["status"] = "evaluable"
    f = {
        k: pd.to_numeric(out[k], errors="coerce").astype("float64").to_numpy()
        if k in out.columns
        else np.full(len(out), np.nan)
        for k in ("a0", "a1", "b0", "b1", "c0", "c1")
    }
    ok = (out["status"].fillna("evaluable") == "evaluable").to_numpy() & np.isfinite(f["a0"])
    n = {k: np.where(ok, v, np.nan) for k, v in f.items()}  # counts of the evaluable measures
    _effect_sizes(out, n, ok, 1 - rule.alpha)
    _displacement(out, n, ok, 1 - rule.alpha)
    _corrected(out, n, ok, rule)
    out["verdict"] = decide_verdict(out, rule=rule)
    _displacement_reading(out, n, rule)
    out.attrs["parameters"] = {
        **{k: getattr(rule, k) for k in Rule.__dataclass_fields__},
        "rule": "placebo-based: history-corrected RES judged against level-matched placebo "
        "places and dates (τ² by moments, t on the placebos' df; with too few places, the "
        "area's own placebo dates pooled over the measures, t on their years), "
        "Benjamini-Hochberg q across the measures judged; the quasi-Poisson variance is a "
        "lower bound",
    }
    return out


def _column(out: pd.DataFrame, name: str) -> np.ndarray:
    if name not in out.columns:
        return np.full(len(out), np.nan)
    return pd.to_numeric(out[name], errors="coerce").to_numpy(dtype="float64")


def _corrected(out: pd.DataFrame, n: dict[str, np.ndarray], ok: np.ndarray, rule: Rule) -> None:
    """The corrected RES of the treated area, of the area and its ring, of the ring, in place.

    The placebo standard error is never below the quasi-Poisson one of the raw estimate.
    The q-values are Benjamini–Hochberg across the measures that get a verdict on estimates.
    """
    level = 1 - rule.alpha
    a0, a1, c0, c1 = (n[k] for k in ("a0", "a1", "c0", "c1"))
    with np.errstate(divide="ignore", invalid="ignore"):
        v_raw = 1 / (a0 + 0.5) + 1 / (a1 + 0.5) + 1 / np.maximum(c0, 0.5) + 1 / np.maximum(c1, 0.5)
    floor = np.sqrt(_column(out, "phi_res") * v_raw)
    dates_df = _dates_df(out)
    by_dates = (~(_column(out, "placebos") >= rule.min_placebos)) & np.isfinite(dates_df)
    out["null_basis"] = np.where(by_dates, "dates", "places")
    for zone, name in (("treated", "res_corrected"), ("net", "net_res"), ("ring", "ring_res")):
        est, se = _column(out, f"{zone}_estimate"), _column(out, f"{zone}_se")
        df = _column(out, f"{zone}_df")
        dated = _pooled_dates(out, zone)
        se = np.fmax(se, dated)
        # too few placebo places: the area's own history (its placebo dates, pooled over
        # the measures) is the null; the few places' spread and centre are not used
        est = np.where(by_dates, _column(out, f"{zone}_corrected"), est)
        se = np.where(by_dates, _pooled_dates(out, zone, own_v=True), se)
        df = np.where(by_dates, dates_df, df)
        if zone == "treated":
            se = np.fmax(se, floor)
            out["se_corrected"] = se
            out["df_corrected"] = df
        low, high, p = _t_interval(est, se, df, level)
        out[name] = np.exp(est)
        out[f"{name}_low" if zone == "treated" else f"{zone}_low"] = np.exp(low)
        out[f"{name}_high" if zone == "treated" else f"{zone}_high"] = np.exp(high)
        out["p_corrected" if zone == "treated" else f"{zone}_p"] = p
    pre = decide_verdict(out.assign(q_value=np.nan), rule=rule)
    judged = ok & np.isin(pre, JUDGED) & np.isfinite(_column(out, "p_corrected"))
    q = np.full(len(out), np.nan)
    if judged.any():
        q[judged] = stats.bh_qvalues(out["p_corrected"].to_numpy()[judged])
    out["q_value"] = q
    out["measures_judged"] = int(judged.sum())
    excess_p = _column(out, "excess_p")
    res, res_c = _column(out, "res"), _column(out, "res_corrected")
    with np.errstate(divide="ignore", invalid="ignore"):
        differs = (np.abs(np.log(res) - np.log(res_c)) > np.log(1.1)) | (
            (_column(out, "res_low_adj") > 1) != (_column(out, "res_corrected_low") > 1)
        )
    out["rtm_flag"] = ok & (excess_p < rule.rtm_alpha) & differs


PRIOR_DATES: float = 6.0
"""Weight, in independent windows, of the persistence pooled over the measures."""


def _date_pool(out: pd.DataFrame) -> tuple[np.ndarray, np.ndarray, float, float]:
    """Each measure's own dates (usable, years) and the pool's τ² and years (0 when unusable)."""
    own = _column(out, "tau2_dates")
    n = _column(out, "placebo_dates")
    ok = np.isfinite(own) & (n >= MIN_DATES)
    years = n / 12.0
    if not ok.any() or years[ok].sum() < 2:
        return ok, years, 0.0, 0.0
    pool = max(0.0, float(np.sum(own[ok] * years[ok]) / np.sum(years[ok])))
    return ok, years, pool, float(years[ok].sum())


def _dates_df(out: pd.DataFrame) -> np.ndarray:
    """Degrees of freedom of the dates-based null: the independent windows behind it.

    A measure's shrunk persistence rests on its own years of dates and on the pool's
    (at most :data:`PRIOR_DATES` of them): ``min(pool years, own years + 6)``. NaN
    where the dates cannot carry a verdict (fewer than six dates, or a pool of less
    than two years).
    """
    ok, years, _, pool_years = _date_pool(out)
    if pool_years < 2:
        return np.full(len(out), np.nan)
    return np.where(ok, np.minimum(pool_years, years + PRIOR_DATES), np.nan)


def _pooled_dates(out: pd.DataFrame, zone: str = "treated", own_v: bool = False) -> np.ndarray:
    """A zone's standard error with the persistence of the measures' own histories, pooled.

    The placebo dates of one measure overlap, so their persistence ``τ²`` rests on a
    few independent windows (about one per year of dates); the measures of one
    diagnosis share their crime's persistence, so each measure's own estimate is
    shrunk towards the mean over the measures: ``(n τ²_own + 6 τ²_pool) / (n + 6)``,
    ``n`` its dates ÷ 12 (so the pool counts as six years of dates). Only measures
    with at least six dates contribute; the pool averages their unfloored estimates
    and is floored at 0; it is not used when it rests on less than two years of
    dates. The result only ever widens an interval, except with ``own_v``: the area's own
    variance and the pooled persistence without the places' centre (the dates-based null
    used when placebo places are too few).
    """
    ok, years, pool, pool_years = _date_pool(out)
    if pool_years < 2:
        return np.full(len(out), 0.0)
    own = _column(out, "tau2_dates")
    own_part = np.where(ok, years * np.maximum(own, 0.0), 0.0)
    weight = np.where(ok, years, 0.0)
    shrunk = (own_part + PRIOR_DATES * pool) / (weight + PRIOR_DATES)
    centre = 0.0 if own_v else np.nan_to_num(_column(out, f"{zone}_var_centre"))
    var = _column(out, f"{zone}_v") + shrunk + centre
    return np.where(np.isfinite(var), np.sqrt(var), 0.0)


def _t_interval(
    est: np.ndarray, se: np.ndarray, df: np.ndarray, level: float
) -> tuple[np.ndarray, np.ndarray, np.ndarray]:
    """Interval and two-sided p-value of estimates on Student's t (normal where df is missing)."""
    finite = np.isfinite(df) & (df > 0)
    dfs = np.where(finite, df, 1.0)
    q = np.where(finite, _st.t.ppf(0.5 + level / 2, dfs), _st.norm.ppf(0.5 + level / 2))
    with np.errstate(divide="ignore", invalid="ignore"):
        t = np.abs(est / se)
    p = np.where(finite, 2 * _st.t.sf(t, dfs), 2 * _st.norm.sf(t))
    return est - q * se, est + q * se, p


def _displacement_reading(out: pd.DataFrame, n: dict[str, np.ndarray], rule: Rule) -> None:
    """WDQ reading and interval, only when both changes are distinguishable from noise.

    The WDQ's interval is the delta method's, each area's Poisson variance inflated
    as much as its placebos say (never less than Poisson).
    """
    a0, a1, b0, b1, c0, c1 = (n[k] for k in ("a0", "a1", "b0", "b1", "c0", "c1"))
    both = (_column(out, "p_corrected") < rule.alpha) & (_column(out, "ring_p") < rule.alpha)
    reading = np.asarray(wdq_label(_column(out, "wdq")), dtype=object)
    status = out["status"].fillna("evaluable").to_numpy()
    judged = np.where(both, reading, "not_assessable")
    out["wdq_reading"] = np.where(status != "evaluable", "", judged)
    infl_a = np.fmax(1.0, _column(out, "treated_inflation"))
    infl_b = np.fmax(1.0, _column(out, "ring_inflation"))
    with np.errstate(divide="ignore", invalid="ignore"):
        d = a1 / c1 - a0 / c0
        var_n = infl_b * (b1 / c1**2 + b0 / c0**2)
        var_d = infl_a * (a1 / c1**2 + a0 / c0**2)
        w = _column(out, "wdq")
        se = np.sqrt((var_n + w**2 * var_d) / d**2)
    z = _st.norm.ppf(1 - rule.alpha / 2)
    out["wdq_low"], out["wdq_high"] = w - z * se, w + z * se
    after = np.nan_to_num(a1) + np.nan_to_num(b1)
    out["tne_corrected"] = after * (_column(out, "net_res") - 1)
    out["tne_low"] = after * (_column(out, "net_low") - 1)
    out["tne_high"] = after * (_column(out, "net_high") - 1)


def _dispersion(out: pd.DataFrame, name: str) -> tuple[np.ndarray, np.ndarray]:
    """The variance factor ``max(1, φ̂)`` of a dispersion estimate and its degrees of freedom.

    Missing estimates give 1 (Poisson) on infinite degrees of freedom (the normal).
    """
    missing = np.full(len(out), np.nan)
    hat = out[f"{name}_hat"].astype("float64").to_numpy() if f"{name}_hat" in out else missing
    df = out[f"{name}_df"].astype("float64").to_numpy() if f"{name}_df" in out else missing
    phi = np.where(np.isfinite(hat), np.maximum(hat, 1.0), 1.0)
    return phi, np.where(np.isfinite(hat) & (df > 0), df, np.inf)


def _effect_sizes(
    out: pd.DataFrame, n: dict[str, np.ndarray], ok: np.ndarray, level: float
) -> None:
    """The RES (Poisson and adjusted), the treated area's E-test and the buffer's RES, in place."""
    a0, a1, b0, b1, c0, c1 = (n[k] for k in ("a0", "a1", "b0", "b1", "c0", "c1"))
    ph_r, df_r = _dispersion(out, "phi_res")
    ph_w, _ = _dispersion(out, "phi_wdd")
    ph_b, df_b = _dispersion(out, "phi_buffer")
    r = relative_effect_size(a0, a1, c0, c1, level=level)
    ra = relative_effect_size(a0, a1, c0, c1, phi=ph_r, df=df_r, level=level)
    rb = relative_effect_size(b0, b1, c0, c1, phi=ph_b, df=df_b, level=level)
    out["phi_res"] = np.where(ok, ph_r, np.nan)
    out["phi_wdd"] = np.where(ok, ph_w, np.nan)
    out["res"], out["res_low"], out["res_high"] = r.res, r.low, r.high
    out["res_low_adj"], out["res_high_adj"], out["res_p_adj"] = ra.low, ra.high, ra.p_value
    out["corrected"] = np.where(ok, np.asarray(r.corrected, dtype=bool), False)
    with np.errstate(divide="ignore", invalid="ignore"):
        out["treated_ratio"] = np.where(a0 > 0, a1 / a0, np.nan)
    out["treated_p"] = np.where(ok, stats.e_tests(np.nan_to_num(a1), np.nan_to_num(a0)), np.nan)
    has_b = ok & ((np.nan_to_num(b0) + np.nan_to_num(b1)) > 0)
    out["buffer_res"] = np.where(has_b, rb.res, np.nan)
    out["buffer_low_adj"] = np.where(has_b, rb.low, np.nan)
    out["buffer_high_adj"] = np.where(has_b, rb.high, np.nan)


def _displacement(
    out: pd.DataFrame, n: dict[str, np.ndarray], ok: np.ndarray, level: float
) -> None:
    """WDD (controls scaled to A0 and B0, Poisson and adjusted), WDQ and TNE, in place."""
    a0, a1, b0, b1, c0, c1 = (n[k] for k in ("a0", "a1", "b0", "b1", "c0", "c1"))
    ph_w, _ = _dispersion(out, "phi_wdd")
    with np.errstate(divide="ignore", invalid="ignore"):
        wc = np.where(c0 > 0, a0 / c0, np.nan)
        wd = np.where(c0 > 0, b0 / c0, np.nan)
    scaled = {"c_weight": wc, "d_weight": wd, "shared_control": True}
    w = wdd(a0, a1, b0, b1, c0, c1, c0, c1, **scaled, level=level)
    wa = wdd(a0, a1, b0, b1, c0, c1, c0, c1, **scaled, phi=ph_w, level=level)
    out["wdd"], out["wdd_se"], out["wdd_z"], out["wdd_p"] = w.wdd, w.se, w.z, w.p_value
    out["wdd_low"], out["wdd_high"] = w.low, w.high
    out["wdd_se_adj"], out["wdd_z_adj"], out["wdd_p_adj"] = wa.se, wa.z, wa.p_value
    out["wdd_low_adj"], out["wdd_high_adj"] = wa.low, wa.high
    has_b = ok & ((np.nan_to_num(b0) + np.nan_to_num(b1)) > 0)
    out["wdq"] = np.where(has_b, wdq(a0, a1, b0, b1, c0, c1), np.nan)
    out["tne"] = total_net_effect(a0, a1, b0, b1, c0, c1)


def _concurrent(
    measures: pd.DataFrame,
    treated: pd.Series,
    i: Any,
    zone: Any,
    lo: Any,
    hi: Any,
    ms: _MeasureSet | None = None,
) -> tuple[str, ...]:
    """Other measures overlapping ``zone`` that start or end in [lo, hi) and share categories."""
    ms = ms if ms is not None else _MeasureSet(measures, treated)
    k = ms.pos[i]
    cand = ms.touching(zone, among=ms.local)
    cand = cand[cand != k]
    cand = cand[ms.overlap(k)[cand]]
    lo64, hi64 = np.datetime64(pd.Timestamp(lo), "us"), np.datetime64(pd.Timestamp(hi), "us")
    s, e = ms.start[cand], ms.end[cand]
    changes = (~np.isnat(s) & (lo64 <= s) & (s < hi64)) | (~np.isnat(e) & (lo64 <= e) & (e < hi64))
    return tuple(str(x) for x in ms.ids[cand[changes]])


@dataclass(frozen=True)
class _Options:
    """How the measures are evaluated: the parameters of :func:`evaluate` in one object."""

    window_months: int = settings.default("window_months")
    lag_months: int = settings.default("lag_months")
    buffer_m: Any = _DEFAULT_BUFFER_M
    control: str = settings.default("control")
    control_sectors: Any = None
    k_similar: int = settings.default("similar_sectors")
    exclude_other_measures: bool = settings.default("exclude_other_measures")
    min_events: int = settings.default("min_events")
    alpha: float = settings.default("alpha")
    dispersion_months: int = settings.default("dispersion_months")
    exceptional_alpha: float = settings.default("exceptional_month_alpha")
    promising: float = PROMISING_RES
    promising_p: float = PROMISING_P
    margin: float = settings.default("effect_margin")
    placebo: PlaceboOptions = PlaceboOptions()
    design: str = "registered"
    designs_tried: int = 1
    # False: the counts come back unjudged, for a caller that judges several designs
    # together (``results._registered_designs``: each measure's estimates and texts once)
    judge: bool = True

    @property
    def rule(self) -> Rule:
        """The thresholds of the verdict."""
        return Rule(
            alpha=self.alpha,
            min_events=self.min_events,
            margin=self.margin,
            promising=self.promising,
            promising_p=self.promising_p,
            min_history_months=self.placebo.min_history_months,
            min_placebos=self.placebo.min_placebos,
            rtm_alpha=self.placebo.rtm_alpha,
        )


_COUNT_COLUMNS = ("a0", "a1", "b0", "b1", "c0", "c1")
_WINDOW_COLUMNS = (
    "start",
    "end",
    "before_start",
    "before_end",
    "after_start",
    "after_end",
    "months_before",
    "months_after",
    "status",
    "reason",
    "reasons",
)
_DISPERSIONS = (
    ("phi_res", ("treated", "control")),
    ("phi_wdd", AREAS),
    ("phi_buffer", ("buffer", "control")),
)


class _Counter:
    """The counts, caveats and dispersions of the measures, with one index of the incidents.

    With the rest of the municipality as control, the incidents are indexed once
    (``_MonthlyIndex``, built on first use); other controls count each measure
    with :func:`monthly_area_counts`.
    """

    def __init__(
        self,
        measures: pd.DataFrame,
        incidents: pd.DataFrame,
        sectors: pd.DataFrame,
        opt: _Options,
        period: tuple[pd.Timestamp, pd.Timestamp],
        gaps: Sequence[pd.Period] = (),
        like: _Counter | None = None,
    ) -> None:
        self.measures, self.incidents, self.sectors = measures, incidents, sectors
        self.reset(opt, period, gaps)
        if like is None:  # ``like``: a counter of the same tables with other ring widths
            self.treated = measures_mod.treated_area(measures, sectors)
            self.ms = _MeasureSet(measures, self.treated)
        else:
            self.treated, self.ms = like.treated, like.ms
        self._like_index = None if like is None else like._index
        self._index: _MonthlyIndex | None = None
        self._placebos: PlaceboSource | None = None
        # measure id -> where its placebo places go, found ahead (``placebo_design.placements``),
        # or a function giving them, called when the first placebo is needed
        self.placed: dict[str, Any] | Callable[[], dict[str, Any] | None] | None = None

    def reset(
        self, opt: _Options, period: tuple[pd.Timestamp, pd.Timestamp], gaps: Sequence[pd.Period]
    ) -> None:
        """Count with other options (the index and the placebos are kept: see ``key``)."""
        self.opt = opt
        self.d0, self.d1 = period
        self.gaps = list(gaps)

    @staticmethod
    def key(opt: _Options) -> tuple:
        """What the kept index and placebos depend on: the ring widths and placebo options."""
        b = opt.buffer_m
        widths = (
            tuple(sorted((str(k), float(v)) for k, v in b.items())) if isinstance(b, Mapping) else b
        )
        return (widths, opt.placebo)

    def monthly(
        self, rec: Any, geo: dict[str, Any], w: Any, excluded: Any
    ) -> tuple[dict[str, np.ndarray], int]:
        """The monthly counts of one measure in its areas (see :func:`monthly_area_counts`).

        As the table's columns (arrays), and its count of unlocated incidents.
        """
        opt = self.opt
        history = int(opt.placebo.history_months) + int(opt.window_months) + int(opt.lag_months)
        span = {
            "data_end": self.d1,
            "data_start": self.d0,
            "pre_months": max(
                int(opt.dispersion_months) - int(opt.window_months), history + DATE_SHIFTS
            ),
            "gaps": self.gaps,
        }
        if opt.control != "rest":
            m = monthly_area_counts(self.incidents, rec, geo, w, **span)
            return {c: m[c].to_numpy() for c in m.columns}, int(m.attrs["unlocated"])
        if self._index is None:
            self._index = _MonthlyIndex(
                self.incidents, self.sectors, self.ms, self.widths, like=self._like_index
            )
        return self._index.columns(rec, geo, w, excluded, **span)

    @property
    def widths(self) -> np.ndarray:
        """Each measure's ring width, metres."""
        return _buffer_width(self.measures, self.opt.buffer_m).to_numpy(dtype="float64")

    @property
    def placebos(self) -> PlaceboSource:
        """The placebo places and dates of the measures (built on first use)."""
        if self._placebos is None:
            args = (self.measures, self.incidents, self.sectors, self.treated, self.widths)
            placed = self.placed() if callable(self.placed) else self.placed
            self._placebos = PlaceboSource(*args, self.opt.placebo, placed=placed)
        return self._placebos

    def release(self, rec: Any) -> None:
        """Drop the placebos' index of ``rec``'s target: no measure left needs it."""
        if self._placebos is not None:
            self._placebos.release(rec)

    def fill(
        self, i: Any, row: dict[str, Any], geo: dict[str, Any], w: Any, rec: Any = None
    ) -> dict[str, np.ndarray]:
        """Count measure ``i`` into ``row`` (counts, caveats, dispersions); its monthly counts.

        ``rec``: the measure's row of ``measures``, when the caller has it already. The
        monthly counts come as the columns of their table, without the measure's id
        (:func:`_evaluate_core` makes the table of every measure at once, with the ids).
        """
        rec = self.measures.loc[i] if rec is None else rec
        cols, unlocated = self.monthly(rec, geo, w, row["excluded"])
        row["unlocated"] = unlocated
        zone = _union([geo["treated"], geo["buffer"]])
        row["concurrent"] = _concurrent(
            self.measures, self.treated, i, zone, w["before_start"], w["after_end"], self.ms
        )
        if pd.notna(rec.get("end")) and pd.Timestamp(rec["end"]) < w["after_end"]:
            row["ended_early"] = pd.Timestamp(rec["end"])
        if row["status"] == "evaluable":
            # one month of a mass event in the treated area is read at its prediction
            used, found = screened(cols, self.opt.exceptional_alpha)
            row.update(_window_sums(used))
            if pd.notna(found["exceptional_month"]):
                row.update(found, exceptional_month=pd.Timestamp(found["exceptional_month"]))
            recent = _recent(used, int(self.opt.dispersion_months) - int(self.opt.window_months))
            for name, areas in _DISPERSIONS:
                hat, df = overdispersion(_pre_table(recent, areas))
                row[f"{name}_hat"], row[f"{name}_df"] = hat, df
            row.update(self.placebos.estimates(rec, geo, used))
        return cols


def _recent(monthly: Mapping[str, np.ndarray], pre_months: int) -> Mapping[str, np.ndarray]:
    """The monthly columns without the ``pre`` months older than the last ``pre_months``."""
    pre = np.asarray(monthly["window"], dtype=object) == "pre"
    if not pre.any():
        return monthly
    month = np.asarray(monthly["month"], dtype="datetime64[us]")
    months = np.unique(month[pre])
    keep = months[len(months) - pre_months :] if pre_months > 0 else months[:0]
    rows = ~pre | np.isin(month, keep)
    return {c: v[rows] for c, v in monthly.items()}


def _zones(design: pd.DataFrame) -> dict[str, dict[str, dict[str, Any]]]:
    """Each measure's areas: ``{measure_id: {zone: its row of the design table}}``."""
    cols = [c for c in ("geometry", "width_m", "sectors", "excluded") if c in design.columns]
    values = {c: design[c].to_numpy(dtype=object) for c in cols}
    ids, zones = design["measure_id"].astype(str).to_numpy(), design["zone"].to_numpy(dtype=object)
    out: dict[str, dict[str, dict[str, Any]]] = {}
    for k in range(len(design)):
        out.setdefault(ids[k], {})[zones[k]] = {c: values[c][k] for c in cols}
    return out


def _design_row(
    rec: Any, w: Any, g: Mapping[str, Mapping[str, Any]], opt: _Options, last_day: Any
) -> dict[str, Any]:
    """A measure's row before counting: what it is, its windows and its areas (``g``: by zone)."""
    name = rec.get("name", "")
    has_control = "control" in g
    return {
        "measure_id": str(rec["measure_id"]),
        "name": name,
        "name_en": rec.get("name_en", name),
        "pillar": rec.get("pillar", ""),
        "kind": rec.get("kind", ""),
        "footprint": rec.get("footprint", ""),
        "cost": rec.get("cost", np.nan),
        "target_categories": _tuple(rec.get("target_categories", ())),
        "target_categories_unmapped": _tuple(rec.get("target_categories_unmapped", ())),
        "target_shifts": _tuple(rec.get("target_shifts", ())),
        **{k: w[k] for k in _WINDOW_COLUMNS},
        "window_months": int(opt.window_months),
        "lag_months": int(opt.lag_months),
        "buffer_m": float(g["buffer"]["width_m"]) if "buffer" in g else np.nan,
        "control": opt.control,
        "control_sectors": tuple(g["control"]["sectors"]) if has_control else (),
        "excluded": tuple(g["control"]["excluded"]) if has_control else (),
        "data_last_day": last_day,
        "concurrent": (),
        "ended_early": pd.NaT,
        "exceptional_month": pd.NaT,
        "exceptional_count": np.nan,
        "exceptional_ratio": np.nan,
        "unlocated": 0,
        "design": opt.design,
        "designs_tried": int(opt.designs_tried),
    }


def _evaluate_core(  # noqa: PLR0913 - the tables, the options and what was computed before
    measures: pd.DataFrame,
    incidents: pd.DataFrame,
    sectors: pd.DataFrame,
    period: tuple[Any, Any],
    opt: _Options,
    ids: Sequence[str] | None = None,
    design: pd.DataFrame | None = None,
    reuse: Any = None,
    placed: dict[str, Any] | Callable[[], dict[str, Any] | None] | None = None,
) -> tuple[pd.DataFrame, pd.DataFrame, pd.DataFrame]:
    """Windows, areas, counts, estimates and verdicts: ``(effects, design, monthly)``.

    ``reuse`` (a :class:`~diagnostic_lib.evaluation.measure_session.MeasureSession`)
    keeps what a window, a lag or a verdict's input do not change: the gap months,
    the areas and rings of a ring width, the index of the incidents, the placebos.
    ``design`` is the design table computed before from the same tables and
    options, ``placed`` the placebo placements
    (:func:`~diagnostic_lib.evaluation.ahead.placements_ahead`), or a function giving
    them, called when the first placebo is needed.
    """
    d0, d1 = pd.Timestamp(period[0]), pd.Timestamp(period[1])
    sel = (
        measures.index
        if ids is None
        else measures.index[measures["measure_id"].astype(str).isin([str(i) for i in ids])]
    )
    if reuse is None:
        gaps = coverage.gap_months(incidents, end=d1)  # trailing months missing from the export
        win = windows(measures, d0, d1, opt.window_months, opt.lag_months, gaps)
    else:  # the windows of a measure are its own: those of the selected ones suffice
        gaps = reuse.gaps(d1)
        win = windows(measures.loc[sel], d0, d1, opt.window_months, opt.lag_months, gaps)
    if design is None and reuse is not None:
        design = reuse.design(opt, win, list(measures.loc[sel, "measure_id"].astype(str)))
    if design is None:
        design = design_areas(
            measures,
            sectors,
            opt.buffer_m,
            opt.control,
            opt.control_sectors,
            incidents,
            win,
            opt.exclude_other_measures,
            opt.k_similar,
            ids=list(measures.loc[sel, "measure_id"].astype(str)),
        )
    counter = (
        _Counter(measures, incidents, sectors, opt, (d0, d1), gaps)
        if reuse is None
        else reuse.counter(opt, (d0, d1), gaps)
    )
    if placed is not None and reuse is None:
        counter.placed = placed
    zones = _zones(design)
    # one pass counts the measures of a target together and drops its index after the last;
    # a session keeps its indexes for the next question. The rows keep the measures' order.
    order, last = (range(len(sel)), set()) if reuse is not None else _by_target(measures.loc[sel])
    rows: list[Any] = [None] * len(sel)
    parts: list[Any] = [None] * len(sel)
    # each measure's row and windows as dicts, read at once (``.loc`` took ~0.2 ms a row)
    recs, wins = _records(measures, sel), _records(win, sel)
    for k in order:
        i = sel[k]
        w, rec = wins[k], recs[k]
        g = zones.get(str(rec["measure_id"]), {})
        geo = {a: (g[a]["geometry"] if a in g else None) for a in AREAS}
        row = _design_row(rec, w, g, opt, d1 - pd.Timedelta(days=1))
        if row["status"] != "not_evaluable" and geo["control"] is None:
            row.update(status="not_evaluable", reason="no_control", reasons=("no_control",))
        if row["status"] in ("evaluable", "too_recent"):
            parts[k] = counter.fill(i, row, geo, w, rec)
        if k in last:
            counter.release(rec)
        rows[k] = row
    monthly_parts = [m for m in parts if m is not None]
    eff = pd.DataFrame(rows, index=sel)
    eff = _effects_table(eff, opt, d0) if opt.judge else eff
    eff.attrs["parameters"] = {
        **eff.attrs.get("parameters", {}),
        **win.attrs["parameters"],
        "control": opt.control,
        "buffer_m": dict(opt.buffer_m) if isinstance(opt.buffer_m, Mapping) else opt.buffer_m,
        "exclude_other_measures": opt.exclude_other_measures,
        "k_similar": opt.k_similar,
        "dispersion_months": opt.dispersion_months,
        "exceptional_alpha": opt.exceptional_alpha,
    }
    monthly = (
        _with_ids(parts, [r["measure_id"] for r in rows])
        if monthly_parts
        else pd.DataFrame(columns=["measure_id", "month", "month_index", "window", "zone", "count"])
    )
    return eff, design, monthly


def _with_ids(parts: list[Any], ids: list[str]) -> pd.DataFrame:
    """The measures' monthly counts in one table, each row with its measure's id first.

    ``parts`` holds the columns of a measure's table (:meth:`_Counter.fill`) or
    ``None`` per measure, in the order of ``ids`` (at least one). The table is made
    once, column by column, with the ids (a table a measure, then their ``concat``,
    cost ~0.5 ms a measure).
    """
    have = [k for k, m in enumerate(parts) if m is not None]
    names = list(parts[have[0]])
    lengths = [len(parts[k][names[0]]) for k in have]
    owner = np.repeat(np.asarray([ids[k] for k in have], dtype=object), lengths)
    data = {"measure_id": str_array(owner)}
    data.update({c: np.concatenate([parts[k][c] for k in have]) for c in names})
    return pd.DataFrame(data)


def _by_target(measures: pd.DataFrame) -> tuple[np.ndarray, set[int]]:
    """The measures' positions grouped by target (categories and shifts), and each group's last.

    Targets come in the order of their first measure, measures in their order within
    a target (a stable sort).
    """
    none = pd.Series(None, index=measures.index, dtype=object)
    cats = measures.get("target_categories", none).to_numpy(dtype=object)
    shifts = measures.get("target_shifts", none).to_numpy(dtype=object)
    ids: dict[tuple, int] = {}
    group = np.array(
        [
            ids.setdefault(
                PlaceboSource.target({"target_categories": c, "target_shifts": t}), len(ids)
            )
            for c, t in zip(cats, shifts, strict=True)
        ],
        dtype="int64",
    )
    order = np.argsort(group, kind="stable")
    ends = np.r_[group[order][1:] != group[order][:-1], True] if len(order) else np.array([], bool)
    return order, {int(k) for k in order[ends]}


def _effects_table(counts: pd.DataFrame, opt: _Options, data_start: pd.Timestamp) -> pd.DataFrame:
    """The estimates and verdicts of the counted measures, with their texts."""
    extra = [f"{name}_{k}" for name, _ in _DISPERSIONS for k in ("hat", "df")]
    for k in (*_COUNT_COLUMNS, *extra):
        if k not in counts.columns:
            counts[k] = np.nan
    eff = estimate_effects(counts, rule=opt.rule)
    for k in _COUNT_COLUMNS:
        eff[k] = eff[k].round().astype("Int64")
    for lg in ("fr", "en"):
        eff[f"verdict_{lg}"] = verdict_text(eff, lg, data_start=data_start)
        eff[f"caveats_{lg}"] = caveat_text(eff, lg)
    return eff


def _rejudge(effects: pd.DataFrame, opt: _Options, data_start: pd.Timestamp) -> pd.DataFrame:
    """Judge measures evaluated apart (each with its own design) as one family of tests."""
    attrs = dict(effects.attrs)
    out = _effects_table(effects.copy(), opt, data_start)
    est = out.attrs.get("parameters", {})
    # the estimates' parameters first and prevailing, then the design's (the order of before)
    parameters = {**est, **attrs.get("parameters", {}), **est}
    out.attrs = {**attrs, **out.attrs, "parameters": parameters}
    return out


def evaluate(  # noqa: PLR0913 - the public signature of before (see _Options)
    measures: pd.DataFrame,
    incidents: pd.DataFrame,
    sectors: pd.DataFrame,
    data_start: Any = None,
    data_end: Any = None,
    window_months: int = settings.default("window_months"),
    lag_months: int = settings.default("lag_months"),
    buffer_m: Any = _DEFAULT_BUFFER_M,
    control: str = settings.default("control"),
    control_sectors: Any = None,
    k_similar: int = settings.default("similar_sectors"),
    exclude_other_measures: bool = settings.default("exclude_other_measures"),
    min_events: int = settings.default("min_events"),
    alpha: float = settings.default("alpha"),
    ids: Sequence[str] | None = None,
    design: pd.DataFrame | None = None,
    exceptional_alpha: float = settings.default("exceptional_month_alpha"),
) -> pd.DataFrame:
    """Evaluate every measure: windows, areas, counts, estimates and verdict.

    See the package docstring for the design and the decision rule, and
    :func:`design_areas` for ``buffer_m``, ``control``, ``control_sectors``,
    ``k_similar`` and ``exclude_other_measures``. ``ids`` restricts the
    evaluation to some measures; ``design`` passes areas already computed by
    :func:`design_areas` (e.g. to evaluate many realisations of the same town).

    Parameters
    ----------
    measures, incidents, sectors : DataFrame
        Canonical tables.
    data_start, data_end : timestamp, optional
        The data's period, ``data_end`` exclusive (default: from the incidents).
    window_months, lag_months : int
        Length of the before and after windows; implementation lag left out.
    min_events, alpha : see :func:`estimate_effects`.
    exceptional_alpha : float
        Level of the screen for one exceptional month of the treated area (see
        :mod:`~diagnostic_lib.evaluation.exceptional`; 0: none).

    Returns
    -------
    DataFrame
        Aligned with ``measures`` (index preserved): the columns of
        :func:`windows` and :func:`estimate_effects`, the design
        (``buffer_m, control, control_sectors, excluded``), caveats
        (``concurrent, ended_early, unlocated``, and ``exceptional_month,
        exceptional_count, exceptional_ratio`` when a month was screened), and ``verdict_fr,
        verdict_en, caveats_fr, caveats_en``.

    Examples
    --------
    >>> from diagnostic_lib import loaders, sample
    >>> d = loaders.load_diagnostic(sample.sample_dir() / "diagnostic.toml")
    >>> e = evaluate(d.measures, d.incidents, d.sectors, *data_period(d)).set_index("measure_id")
    >>> e.loc[["M01", "M02", "M04", "M05"], "verdict"].tolist()
    ['effective', 'too_little_history', 'too_recent', 'not_evaluable']
    >>> e.loc[["M05", "M07", "M10"], "reason"].tolist()
    ['no_before_window', 'no_footprint', 'planned']
    """
    if data_start is None or data_end is None:
        s, e = data_period(incidents=incidents)
        data_start = s if data_start is None else data_start
        data_end = e if data_end is None else data_end
    opt = _Options(
        window_months,
        lag_months,
        buffer_m,
        control,
        control_sectors,
        k_similar,
        exclude_other_measures,
        min_events,
        alpha,
        exceptional_alpha=exceptional_alpha,
    )
    eff, _, _ = _evaluate_core(
        measures, incidents, sectors, (data_start, data_end), opt, ids=ids, design=design
    )
    return eff


@dataclass
class MeasureResult:
    """One measure's evaluation: its row of estimates, its areas and its monthly counts."""

    effect: pd.Series
    design: pd.DataFrame
    monthly: pd.DataFrame

    def verdict(self, lang: str = "fr") -> str:
        """The verdict in words, with its numbers."""
        return str(self.effect[f"verdict_{i18n.check_lang(lang)}"])


def evaluate_measure(  # noqa: PLR0913 - the public signature of before (see _Options)
    measures: pd.DataFrame,
    incidents: pd.DataFrame,
    sectors: pd.DataFrame,
    measure_id: str,
    data_start: Any = None,
    data_end: Any = None,
    window_months: int = settings.default("window_months"),
    lag_months: int = settings.default("lag_months"),
    buffer_m: Any = _DEFAULT_BUFFER_M,
    control: str = settings.default("control"),
    control_sectors: Any = None,
    k_similar: int = settings.default("similar_sectors"),
    exclude_other_measures: bool = settings.default("exclude_other_measures"),
    min_events: int = settings.default("min_events"),
    alpha: float = settings.default("alpha"),
    designs_tried: int = 0,
) -> MeasureResult:
    """Evaluate one measure (what the notebook's widget calls on every change).

    Same parameters as :func:`evaluate`, for ``measure_id`` only. With
    ``designs_tried`` > 0 the design is **exploratory** (not the pre-registered
    one): the verdict says so, with the number of designs tried, and is never a
    plain "effective" (see docs/methods.md, *Pre-registered designs*).

    Returns
    -------
    MeasureResult
        ``effect`` (its row of :func:`evaluate`), ``design`` (its treated,
        buffer and control areas) and ``monthly`` (see
        :func:`monthly_area_counts`) for the before/after chart and the map.

    Examples
    --------
    >>> from diagnostic_lib import loaders, sample
    >>> d = loaders.load_diagnostic(sample.sample_dir() / "diagnostic.toml")
    >>> r = evaluate_measure(d.measures, d.incidents, d.sectors, "M01", *data_period(d))
    >>> r.effect["verdict"], r.effect["design"]
    ('effective', 'registered')
    >>> r.verdict("en")[:23]
    'Effective (significant)'
    >>> tried = evaluate_measure(d.measures, d.incidents, d.sectors, "M01", *data_period(d),
    ...                          window_months=9, designs_tried=3)
    >>> tried.verdict("en")[:73]
    'Exploratory design (not pre-registered; designs tried in this session: 3)'
    """
    if data_start is None or data_end is None:
        s, e = data_period(incidents=incidents)
        data_start = s if data_start is None else data_start
        data_end = e if data_end is None else data_end
    if str(measure_id) not in set(measures["measure_id"].astype(str)):
        raise KeyError(f"unknown measure {measure_id!r}")
    opt = _Options(
        window_months,
        lag_months,
        buffer_m,
        control,
        control_sectors,
        k_similar,
        exclude_other_measures,
        min_events,
        alpha,
        design="exploratory" if designs_tried > 0 else "registered",
        designs_tried=max(int(designs_tried), 1),
    )
    eff, design, monthly = _evaluate_core(
        measures, incidents, sectors, (data_start, data_end), opt, ids=[str(measure_id)]
    )
    row = eff.iloc[0]
    row.attrs = dict(eff.attrs)
    return MeasureResult(row, design.reset_index(drop=True), monthly)


def buffer_sensitivity(
    measures: pd.DataFrame,
    incidents: pd.DataFrame,
    sectors: pd.DataFrame,
    measure_id: str,
    data_start: Any = None,
    data_end: Any = None,
    widths: Sequence[float] = (100, 200, 300, 400),
    **kwargs: Any,
) -> pd.DataFrame:
    """How the buffer and displacement estimates change with the ring's width.

    The ring width is a choice (how far could offenders plausibly move?);
    a displacement or diffusion finding that flips with it is fragile. Other
    keyword arguments go to :func:`evaluate_measure`.

    Returns
    -------
    DataFrame
        One row per width: ``buffer_m, b0, b1, c0, c1, res, res_low_adj,
        res_high_adj, wdq, wdq_label, wdq_reading, tne, wdd_z_adj, verdict, design``
        (every row ``exploratory``: only the registered width counts).

    Examples
    --------
    >>> from diagnostic_lib import loaders, sample
    >>> d = loaders.load_diagnostic(sample.sample_dir() / "diagnostic.toml")
    >>> s = buffer_sensitivity(d.measures, d.incidents, d.sectors, "M03", *data_period(d),
    ...                        widths=(200, 300))
    >>> s["wdq_label"].tolist(), s["design"].unique().tolist()
    (['displacement', 'displacement'], ['exploratory'])
    """
    rows = [
        evaluate_measure(
            measures,
            incidents,
            sectors,
            measure_id,
            data_start,
            data_end,
            buffer_m=float(w),
            designs_tried=len(widths),
            **kwargs,
        ).effect
        for w in widths
    ]
    cols = [
        "buffer_m",
        "b0",
        "b1",
        "c0",
        "c1",
        "res",
        "res_low_adj",
        "res_high_adj",
        "wdq",
        "wdq_reading",
        "tne",
        "wdd_z_adj",
        "verdict",
        "design",
    ]
    out = pd.DataFrame(rows)[cols].reset_index(drop=True)
    # the WDQ's reading whatever the noise: exploration only (``wdq_reading`` is the judged one)
    out.insert(out.columns.get_loc("wdq_reading"), "wdq_label", wdq_label(out["wdq"].to_numpy()))
    return out


_DESIGN_KEYS = {
    "window_months": int,
    "lag_months": int,
    "min_events": int,
    "alpha": float,
    "effect_margin": float,
    "promising_res": float,
    "promising_p": float,
}
_PLACEBO_KEYS = {
    "history_months": int,
    "min_history_months": int,
    "min_placebos": int,
    "rtm_alpha": float,
}


def _design_options(design: Mapping[str, Any]) -> _Options:
    """The options of a pre-registered design (a ``[action.design]`` table of ``plan.toml``)."""
    d = {k: f(design[k]) for k, f in _DESIGN_KEYS.items() if k in design}
    p = {k: f(design[k]) for k, f in _PLACEBO_KEYS.items() if k in design}
    return _Options(
        window_months=d.get("window_months", settings.default("window_months")),
        lag_months=d.get("lag_months", settings.default("lag_months")),
        buffer_m=float(design.get("buffer_m", _DEFAULT_BUFFER_M)),
        control=str(design.get("control", "rest")),
        min_events=d.get("min_events", settings.default("min_events")),
        alpha=d.get("alpha", settings.default("alpha")),
        margin=d.get("effect_margin", settings.default("effect_margin")),
        promising=d.get("promising_res", PROMISING_RES),
        promising_p=d.get("promising_p", PROMISING_P),
        placebo=PlaceboOptions(**p),
    )


def evaluate_registered(
    measures: pd.DataFrame,
    incidents: pd.DataFrame,
    sectors: pd.DataFrame,
    designs: Mapping[str, Mapping[str, Any]],
    data_start: Any = None,
    data_end: Any = None,
) -> pd.DataFrame:
    """Evaluate each measure with its own pre-registered design, then judge them together.

    What the follow-up runs on the plan's actions a year later: each design
    (``[action.design]`` of ``plan.toml``, see
    :func:`diagnostic_lib.strategy.record.evaluation_design`) gives its windows,
    lag, ring, control and verdict thresholds; the measures sharing a design are
    evaluated together, then the verdicts are given across all the measures
    whose designs share their verdict thresholds (one family of tests, as
    :func:`run` does with the ``[designs]`` of a config; a plan saved with one
    config is one family).

    Parameters
    ----------
    measures, incidents, sectors : DataFrame
        Canonical tables (``measures`` holds the measures to evaluate).
    designs : mapping
        ``measure_id`` → its design (the keys of ``evaluation_design``; a
        missing key takes its tunable's default).
    data_start, data_end : timestamp, optional
        The data's period, ``data_end`` exclusive (default: from the incidents).

    Returns
    -------
    DataFrame
        As :func:`evaluate`, aligned with ``measures``, with ``registered`` (the
        date each design was fixed).

    Examples
    --------
    >>> from diagnostic_lib import loaders, sample
    >>> d = loaders.load_diagnostic(sample.sample_dir() / "diagnostic.toml")
    >>> m = d.measures[d.measures["measure_id"] == "M01"]
    >>> e = evaluate_registered(m, d.incidents, d.sectors,
    ...     {"M01": {"window_months": 12, "lag_months": 0, "registered": "2023-01-01"}},
    ...     *data_period(d))
    >>> e[["verdict", "design", "registered"]].values.tolist()
    [['effective', 'registered', '2023-01-01']]
    """
    if data_start is None or data_end is None:
        s, e = data_period(incidents=incidents)
        data_start = s if data_start is None else data_start
        data_end = e if data_end is None else data_end
    ids = measures["measure_id"].astype(str)
    groups: dict[_Options, list[str]] = {}
    for mid in ids:
        groups.setdefault(_design_options(designs.get(mid, {})), []).append(mid)
    # one family of tests per set of verdict thresholds (one for a plan saved with one config)
    families: dict[Rule, list[pd.DataFrame]] = {}
    rules: dict[Rule, _Options] = {}
    for o, members in groups.items():
        part = _evaluate_core(measures, incidents, sectors, (data_start, data_end), o, ids=members)
        families.setdefault(o.rule, []).append(part[0])
        rules.setdefault(o.rule, o)
    registered = ids.map(lambda m: designs.get(m, {}).get("registered"))
    judged = []
    for rule, parts in families.items():
        eff = pd.concat(parts)
        eff["registered"] = registered.loc[eff.index].to_numpy()
        judged.append(_rejudge(eff, rules[rule], pd.Timestamp(data_start)))
    if not judged:  # no measure
        return pd.DataFrame(columns=["measure_id", "verdict", "registered"])
    out = pd.concat(judged).loc[measures.index]
    out.attrs = dict(judged[0].attrs)
    return out
