"""Change over time: the last 12 months against the previous 12 and against the baseline.

:func:`change` compares counts with the E-test (never a bare percent change),
with Benjamini–Hochberg q-values across the groups tested; :func:`_change_windows`
gives its windows, and :data:`CHANGE_LABELS` the wording of its labels.
"""

from __future__ import annotations

from collections.abc import Sequence
from typing import Any

import numpy as np
import pandas as pd
from scipy import stats as _st

from .. import i18n, settings, stats
from ..coverage import gap_months, overlaps_gap

CHANGE_CODES = ("significant_rise", "significant_fall", "stable", "too_few", "not_covered")
"""The labels of :func:`change`."""

CHANGE_LABELS: dict[str, tuple[str, str]] = {
    code: (i18n.t(f"inventory.change.{code}", "fr"), i18n.t(f"inventory.change.{code}", "en"))
    for code in CHANGE_CODES
}
"""Label of :func:`change` → (French, English) wording, from the label catalogue."""

MONTHS: int = settings.default("change_months")
MIN_EVENTS: int = settings.default("change_min_events")
ALPHA: float = settings.default("alpha")


def _text_keys(out: pd.DataFrame, keys: Sequence[str]) -> pd.DataFrame:
    """``out`` with its ``keys`` given as categories (a point table's) as their text."""
    for c in keys:
        if isinstance(out[c].dtype, pd.CategoricalDtype):
            out[c] = out[c].astype(out[c].cat.categories.dtype)
    return out


def change(
    incidents: pd.DataFrame,
    by: Sequence[str] = ("sector", "category"),
    end: Any = None,
    months: int = MONTHS,
    min_events: int = MIN_EVENTS,
    alpha: float = ALPHA,
    adjust: str | None = "fdr",
    coverage: pd.Series | None = None,
) -> pd.DataFrame:
    """Change of the last 12 months against the previous 12 and against the baseline.

    For each group: events in the last ``months`` months (``last``), in the
    ``months`` before (``previous``), and the mean per ``months`` window of all
    complete earlier windows (``baseline_mean``, over ``baseline_windows``
    windows, the previous one included; an earlier window that holds a gap month
    of the coverage calendar is left out, its zeros being no data). Each
    comparison gives a ratio and a p-value. Crime counts vary more from year to
    year than Poisson noise (a place's level moves), so the test is
    **quasi-Poisson**: on the log ratio, with each window's variance
    ``1/count + α`` where ``α`` is the squared coefficient of variation of the
    yearly level, estimated from the differences of the group's own earlier
    windows (so that a steady trend is not taken for noise) and shrunk towards
    the value pooled over every group (empirical Bayes,
    :func:`year_to_year_variance`). The Poisson E-test (Krishnamoorthy &
    Thomson, 2004) is kept beside it (``p_poisson``). With
    ``adjust="fdr"`` the labels use Benjamini–Hochberg q-values across all the
    groups tested, since many sector × category tests are run at once. Never a
    bare percent change (see docs/methods.md, *Change over time*).

    Labels: ``significant_rise``, ``significant_fall``, ``stable``, or
    ``too_few`` when the two windows together hold fewer than ``min_events``,
    or ``not_covered`` for every group when the data do not cover both windows
    (:func:`windows_covered`): no test then, and no headline.

    Parameters
    ----------
    incidents : DataFrame
    by : sequence of str
        Groups (e.g. ``("sector", "category")``, ``("family",)``).
    end : timestamp, optional
        End of the last window (exclusive); default: the first day of the month
        after the last incident.
    months : int
        Length of the windows (default: the ``change_months`` setting).
    min_events : int
        Fewest events in the two windows together for a label other than
        ``too_few`` (default: ``change_min_events``).
    alpha : float
        Significance level of the q-values (default: ``alpha``).
    adjust : {"fdr", None}
        Benjamini–Hochberg q-values across the groups, or the p-values as they are.
    coverage : Series of datetimes, optional
        The dates of all the data, to judge whether the windows are covered
        (default: ``incidents``'s own; give the whole data when ``incidents`` is
        a subset, such as one category).

    Returns
    -------
    DataFrame
        ``*by, last, previous, ratio, p_value, q_value, label, baseline_mean,
        baseline_windows, ratio_baseline, p_baseline, q_baseline,
        label_baseline, label_fr, label_en, alpha_year, p_poisson,
        p_baseline_poisson``; ``attrs["windows"]`` gives the dates and the pooled
        year-to-year variance.

    Examples
    --------
    >>> import pandas as pd
    >>> when = [*pd.date_range("2025-01-01", "2025-12-31", periods=90),
    ...         *pd.date_range("2024-01-01", "2024-12-31", periods=30)]
    >>> inc = pd.DataFrame({"family": "fraud_cyber", "occurred_from": when})
    >>> c = change(inc, by=("family",), end="2026-01-01")
    >>> c[["last", "previous", "ratio", "label"]].values.tolist()
    [[90, 30, 3.0, 'significant_rise']]
    """
    ts = incidents["occurred_from"]
    end_ts, w1, w0, b0, k = _change_windows(ts.min(), ts.max(), end, months)
    covered = windows_covered(ts if coverage is None else coverage, w0, end_ts)
    keys = list(by)
    tv = ts.to_numpy()
    # window of each incident: 0 = the last, 1 = the previous, ... k = the oldest complete one
    edges = [np.datetime64(end_ts - pd.DateOffset(months=months * i)) for i in range(k + 2)]
    win = np.full(len(incidents), -1, dtype="int64")
    for i in range(k + 1):
        win[(tv >= edges[i + 1]) & (tv < edges[i])] = i
    df = incidents[keys].copy()
    df["win"] = win
    table = (
        df[df["win"] >= 0]
        .groupby([*keys, "win"], observed=True, dropna=False)
        .size()
        .unstack("win", fill_value=0)
        .reindex(columns=range(k + 1), fill_value=0)
    )
    table = table[_gapless_windows(ts if coverage is None else coverage, edges, k)]
    k = table.shape[1] - 1
    out = pd.DataFrame(
        {
            "last": table[0],
            "previous": table[1] if k >= 1 else 0,
            "baseline_total": table.loc[:, 1:].sum(axis=1),
        }
    ).astype("int64")
    out["baseline_windows"] = k
    out["baseline_mean"] = out["baseline_total"] / k
    with np.errstate(divide="ignore", invalid="ignore"):
        out["ratio"] = np.where(out["previous"] > 0, out["last"] / out["previous"], np.nan)
        out["ratio_baseline"] = np.where(
            out["baseline_mean"] > 0, out["last"] / out["baseline_mean"], np.nan
        )
    pooled = _tests(out, table.loc[:, 1:].to_numpy(dtype="float64"), k)
    enough = ((out["last"] + out["previous"]) >= min_events) & covered
    # enough events judged on the baseline (twice its mean), not on the count under test
    enough_b = ((2 * out["baseline_mean"]) >= min_events) & covered
    out["q_value"] = np.nan
    out["q_baseline"] = np.nan
    if adjust == "fdr":
        out.loc[enough, "q_value"] = stats.bh_qvalues(out.loc[enough, "p_value"])
        out.loc[enough_b, "q_baseline"] = stats.bh_qvalues(out.loc[enough_b, "p_baseline"])
    else:
        out["q_value"] = out["p_value"].where(enough)
        out["q_baseline"] = out["p_baseline"].where(enough_b)

    def lab(q, up, ok):
        return np.where(
            not covered,
            "not_covered",
            np.where(
                ~ok,
                "too_few",
                np.where(q < alpha, np.where(up, "significant_rise", "significant_fall"), "stable"),
            ),
        )

    out["label"] = lab(
        out["q_value"].to_numpy(), (out["last"] > out["previous"]).to_numpy(), enough.to_numpy()
    )
    out["label_baseline"] = lab(
        out["q_baseline"].to_numpy(),
        (out["last"] > out["baseline_mean"]).to_numpy(),
        enough_b.to_numpy(),
    )
    out["label_fr"] = out["label"].map({k_: v[0] for k_, v in CHANGE_LABELS.items()})
    out["label_en"] = out["label"].map({k_: v[1] for k_, v in CHANGE_LABELS.items()})
    out = _text_keys(out.reset_index(), keys)
    cols = keys + [
        "last",
        "previous",
        "ratio",
        "p_value",
        "q_value",
        "label",
        "baseline_mean",
        "baseline_windows",
        "ratio_baseline",
        "p_baseline",
        "q_baseline",
        "label_baseline",
        "label_fr",
        "label_en",
        "alpha_year",
        "p_poisson",
        "p_baseline_poisson",
    ]
    out = out[cols]
    out.attrs["windows"] = {
        "alpha_year_pooled": pooled,
        "last": (str(w1.date()), str(end_ts.date())),
        "previous": (str(w0.date()), str(w1.date())),
        "baseline": (str(b0.date()), str(w1.date())),
        "adjust": adjust,
        "alpha": alpha,
        "min_events": min_events,
        "covered": covered,
    }
    return out


def windows_covered(occurred: pd.Series, start: Any, end: Any) -> bool:
    """Whether the data cover the change windows ``[start, end)``: no comparison otherwise.

    A config's period can promise more than an export holds (a file starting in
    2025 under a period from 2022, a missing month): a year compared with an
    empty one is a "significant rise" that no one should read. The windows are
    covered when the data start by ``start`` (within a month) and end within a
    month of ``end``, and no month in between is a gap of the coverage calendar
    (:func:`~diagnostic_lib.coverage.gap_months` of the dates: empty while the
    months average :data:`~diagnostic_lib.coverage.GAP_MIN_MONTHLY` incidents or more).

    Examples
    --------
    >>> t = pd.Series(pd.date_range("2023-01-01", "2024-12-31", freq="D"))
    >>> windows_covered(t, "2023-01-01", "2025-01-01")
    True
    >>> windows_covered(t[t >= "2024-01-01"], "2023-01-01", "2025-01-01")
    False
    >>> windows_covered(t[(t < "2024-03-01") | (t >= "2024-04-01")], "2023-01-01", "2025-01-01")
    False
    """
    ts = pd.to_datetime(pd.Series(occurred)).dropna()
    if not len(ts):
        return False
    start, end = pd.Timestamp(start), pd.Timestamp(end)
    if ts.min() >= start + pd.DateOffset(months=1) or ts.max() < end - pd.DateOffset(months=1):
        return False
    return not overlaps_gap(gap_months(pd.DataFrame({"occurred_from": ts})), start, end)


def _gapless_windows(dates: pd.Series, edges: Sequence[Any], k: int) -> list[int]:
    """The windows of :func:`change` to keep: the last two, and the earlier ones without a gap.

    An earlier window that holds a gap month of the coverage calendar is left
    out of the baseline: its zeros are no data.
    """
    gaps = gap_months(pd.DataFrame({"occurred_from": pd.to_datetime(pd.Series(dates))}))
    earlier = [i for i in range(2, k + 1) if not overlaps_gap(gaps, edges[i + 1], edges[i])]
    return [0, 1, *earlier]


def _change_windows(first: Any, last_ts: Any, end: Any, months: int) -> tuple[Any, ...]:
    """Windows of :func:`change`: ``(end, start of last, of previous, of baseline, k)``."""
    if end is None:
        end_ts = (
            (last_ts.normalize() + pd.offsets.MonthBegin(1))
            if pd.notna(last_ts)
            else pd.Timestamp.now().normalize()
        )
    else:
        end_ts = pd.Timestamp(end)
    w1 = end_ts - pd.DateOffset(months=months)
    w0 = w1 - pd.DateOffset(months=months)
    # number of complete windows before w1 (the baseline, previous window included)
    k = 0
    # a window counts only when the data cover all of it (not short by a few days)
    while pd.notna(first) and end_ts - pd.DateOffset(months=months * (k + 2)) >= first.normalize():
        k += 1
    k = max(k, 1)
    b0 = w1 - pd.DateOffset(months=months * k)
    return end_ts, w1, w0, b0, k


def _tests(out: pd.DataFrame, history: np.ndarray, k: int) -> float:
    """The p-values of :func:`change` (quasi-Poisson, and the E-tests beside); the pooled α.

    ``α`` is estimated: the p-values are a t's, not a normal's (whose tails
    Benjamini–Hochberg's smallest p-values fall in), on the degrees of freedom
    of the shrunk ``α`` (Satterthwaite: its own part rests on ``k − 2``, the
    pool's on many): ``(k − 2 + 4)² / (k − 2)``.
    """
    a_year, pooled = year_to_year_variance(history)
    out["alpha_year"] = a_year
    out["p_poisson"] = stats.e_tests(out["last"], out["previous"])
    out["p_baseline_poisson"] = stats.e_tests(out["last"], out["baseline_total"], 1.0, float(k))
    last, prev = out["last"].to_numpy(float), out["previous"].to_numpy(float)
    tot = out["baseline_total"].to_numpy(float)
    own_df = history.shape[1] - 2
    df = (own_df + PRIOR_WINDOWS) ** 2 / own_df if own_df > 0 else np.inf
    var_prev = 1 / (last + 0.5) + 1 / (prev + 0.5) + 2 * a_year
    out["p_value"] = _quasi_p(np.log((last + 0.5) / (prev + 0.5)), var_prev, df)
    var_base = 1 / (last + 0.5) + 1 / (tot + 0.5) + a_year * (1 + 1 / k)
    out["p_baseline"] = _quasi_p(np.log((last + 0.5) / (tot / k + 0.5 / k)), var_base, df)
    return pooled


def _quasi_p(log_ratio: np.ndarray, variance: np.ndarray, df: float = np.inf) -> np.ndarray:
    """Two-sided p-value of log ratios with the given variances (a t on ``df``, or normal)."""
    with np.errstate(divide="ignore", invalid="ignore"):
        z = np.abs(log_ratio) / np.sqrt(variance)
    return 2 * (_st.t.sf(z, df) if np.isfinite(df) else _st.norm.sf(z))


PRIOR_WINDOWS: int = 4
"""Weight, in windows, of the pooled year-to-year variance against a group's own."""


def year_to_year_variance(history: np.ndarray) -> tuple[np.ndarray, float]:
    """Year-to-year variance ``α`` of each group's level: its own history, shrunk to the pool.

    A group's window counts ``x`` (one row per group) vary by Poisson noise and by
    the level's own moves: ``Var(x) = μ + α μ²``. A steady trend is not noise, so
    the moments are taken on the **residuals of a straight line** through the
    windows (a linear trend drops out): ``α_g = max(0, (s²_r − x̄) / x̄²)`` with
    ``s²_r = Σ r² / (k − 2)``, on ``k − 2`` degrees of freedom. It is combined
    with the pooled value (the same moments over every group, weighted by its
    events):
    ``α = ((k − 2) α_g + 4 α_pool) / (k − 2 + 4)``; with two windows only the pool
    counts.

    Parameters
    ----------
    history : ndarray, shape (groups, windows)
        Counts of the complete windows before the last one.

    Returns
    -------
    (alpha, pooled) : (ndarray, float)

    Examples
    --------
    >>> rng = np.random.default_rng(1)
    >>> level = 100 * np.exp(rng.normal(0, 0.12, (500, 4)))
    >>> a, pooled = year_to_year_variance(rng.poisson(level).astype(float))
    >>> bool(0.01 < pooled < 0.02)  # the truth: exp(0.12²) − 1 ≈ 0.0145
    True
    >>> a, _ = year_to_year_variance(np.array([[100.0, 200.0, 300.0]]))  # a trend, no noise
    >>> float(a[0])
    0.0
    """
    x = np.asarray(history, dtype="float64")
    if x.ndim != 2 or x.shape[1] < 2:
        return np.zeros(len(x)), 0.0
    k = x.shape[1]
    mean = x.mean(axis=1)
    if k >= 3:
        t = np.arange(k) - (k - 1) / 2
        slope = (x * t).sum(axis=1) / (t * t).sum()
        resid = x - mean[:, None] - slope[:, None] * t
        var_r = (resid**2).sum(axis=1) / (k - 2)
        own_df = k - 2
    else:
        var_r = x.var(axis=1, ddof=1)  # two windows: a trend cannot be told from noise
        own_df = 0
    ok = mean > 0
    with np.errstate(divide="ignore", invalid="ignore"):
        own = np.where(ok, np.maximum(0.0, (var_r - mean) / mean**2), 0.0)
    weight = np.where(ok, mean, 0.0)  # groups with more events say more about α
    pooled = float(np.sum(weight * own) / np.sum(weight)) if weight.sum() > 0 else 0.0
    alpha = (own_df * own + PRIOR_WINDOWS * pooled) / (own_df + PRIOR_WINDOWS)
    return alpha, pooled
