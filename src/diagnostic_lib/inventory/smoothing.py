"""Empirical-Bayes smoothing of small-area rates: 3 events in a tiny sector do not top a table.

A sector's raw rate is its count over its base. Where the base is small, one
or two events more or less move the rate a long way: the smallest sectors fill
both ends of any ranking by raw rate. The global empirical-Bayes estimator of
Marshall (1991), as in Bailey & Gatrell (1995) and PySAL's
``esda.smoothing.Empirical_Bayes``, pulls each rate towards the rate of all the
sectors together, the more so the smaller its base:

- ``b = Σ y / Σ n`` (the prior mean: all the sectors' events over all their bases);
- ``s² = Σ n_i (r_i − b)² / Σ n_i`` (the base-weighted variance of the raw rates);
- ``a = s² − b / n̄`` (the variance of the true rates, ``n̄`` the mean base),
  set to 0 when negative (Marshall's rule: the raw rates vary no more than
  chance alone would make them, and every sector gets the prior mean);
- ``w_i = a / (a + b / n_i)`` and ``EB_i = w_i r_i + (1 − w_i) b``.

``shrinkage`` is ``1 − w_i``, the weight of the prior mean in the smoothed rate
(0: the raw rate kept; 1: the prior mean). Unlike esda, which leaves a negative
``a`` as it is (weights outside 0–1), ``a`` is clipped at 0; on data where ``a``
is positive the two agree (tests/test_denominators.py checks it to 1e-9). See
docs/methods.md, *Empirical-Bayes smoothing of rates*.

Examples
--------
>>> import pandas as pd
>>> r = pd.DataFrame({"sector": ["A", "B", "C"], "group": "x", "period": "all",
...     "denominator": "residents", "count": [3, 40, 60],
...     "base": [300.0, 10_000.0, 10_000.0]})
>>> r["rate"] = r["count"] / r["base"] * 1000
>>> s = smoothed_rates(r)
>>> s["rate"].round(1).tolist(), s["rate_eb"].round(1).tolist()
([10.0, 4.0, 6.0], [5.2, 4.5, 5.6])
"""

from __future__ import annotations

import numpy as np
import pandas as pd
from scipy import stats as _st

from .. import settings


def eb_weights(events: np.ndarray, base: np.ndarray) -> tuple[np.ndarray, float]:
    """The global empirical-Bayes weights of the raw rates, and the prior mean (per unit).

    Parameters
    ----------
    events, base : array
        Counts and bases (all bases > 0).

    Returns
    -------
    weights : array
        ``w_i`` in 0–1: the weight of each raw rate (``1 − w_i`` goes to the prior mean).
    prior : float
        ``Σ events / Σ base``.

    Examples
    --------
    >>> w, b = eb_weights(np.array([3.0, 40.0, 60.0]), np.array([300.0, 1e4, 1e4]))
    >>> w.round(3).tolist(), round(b * 1000, 3)
    ([0.034, 0.542, 0.542], 5.074)
    """
    y = np.asarray(events, dtype="float64")
    n = np.asarray(base, dtype="float64")
    prior = float(y.sum() / n.sum())
    r = y / n
    spread = float((n * (r - prior) ** 2).sum() / n.sum())
    a = max(spread - prior / n.mean(), 0.0)
    if prior <= 0:  # no event anywhere: every raw rate is the prior mean (0)
        return np.ones_like(n), prior
    return a / (a + prior / n), prior


def smoothed_rates(rates: pd.DataFrame, per: float = 1000.0) -> pd.DataFrame:
    """The rates with their empirical-Bayes smoothed value beside the raw one.

    Each group, period and base (``denominator``) is smoothed on its own, over
    the sectors that have a base (the municipality row ``*`` keeps its rate,
    which needs no smoothing; a sector without a base keeps none).

    Parameters
    ----------
    rates : DataFrame
        From :func:`~diagnostic_lib.inventory.rates` (``count``, ``base``,
        ``group``, ``period``, ``denominator``, ``sector``).
    per : float
        The rate's unit, as given to :func:`~diagnostic_lib.inventory.rates`.

    Returns
    -------
    DataFrame
        A copy of ``rates`` (same index) with ``rate_eb`` (the smoothed rate per
        ``per`` units), ``rate_prior`` (the rate of all the sectors together
        towards which it is pulled) and ``shrinkage`` (the prior's weight, 0–1).

    Examples
    --------
    >>> r = pd.DataFrame({"sector": ["A", "B", "*"], "group": "x", "period": "all",
    ...     "denominator": "dwellings", "count": [1, 50, 51], "base": [50.0, 5000.0, 5050.0]})
    >>> r["rate"] = r["count"] / r["base"] * 1000
    >>> s = smoothed_rates(r)
    >>> s["rate_eb"].round(2).tolist(), s["shrinkage"].round(2).tolist()
    ([10.1, 10.1, 10.1], [1.0, 1.0, 0.0])
    """
    out = rates.copy()
    out["rate_eb"] = np.nan
    out["rate_prior"] = np.nan
    out["shrinkage"] = np.nan
    base = out["base"].astype("float64")
    smoothable = ((out["sector"] != "*") & (base > 0)).to_numpy()
    keys = [k for k in ("group", "period", "denominator") if k in out.columns]
    for _, idx in out[smoothable].groupby(keys, sort=False, dropna=False).groups.items():
        y = out.loc[idx, "count"].to_numpy(dtype="float64")
        n = base.loc[idx].to_numpy()
        w, prior = eb_weights(y, n)
        out.loc[idx, "rate_eb"] = (w * y / n + (1 - w) * prior) * per
        out.loc[idx, "rate_prior"] = prior * per
        out.loc[idx, "shrinkage"] = 1 - w
    whole = (out["sector"] == "*").to_numpy()
    out.loc[whole, "rate_eb"] = out.loc[whole, "rate"]
    out.loc[whole, "rate_prior"] = out.loc[whole, "rate"]
    out.loc[whole, "shrinkage"] = 0.0
    return out


def rate_leaders(smoothed: pd.DataFrame, alpha: float = settings.default("alpha")) -> pd.DataFrame:
    """Per group, the sectors on top by raw and by smoothed rate, and whether one stands out.

    Where the two leaders differ, the raw leader is usually a small base whose rate rests
    on a few events: smoothing pulls it towards the rate of all the sectors together.
    When smoothing gives every sector the overall rate (every ``shrinkage`` is 1: the
    rates vary no more than chance makes them), or several share the top smoothed rate,
    there is **no smoothed leader** (missing): breaking the tie by the raw rate gave back
    the very ranking smoothing removes (a small sector on top in 70 % of groups where
    every sector had the same rate). ``stands_out`` says whether the top sector's count
    is improbable at the overall rate (one-sided exact Poisson test, Bonferroni over the
    group's sectors): without it, being on top is not evidence of a higher rate.

    Parameters
    ----------
    smoothed : DataFrame
        From :func:`smoothed_rates`, one period (``group``, ``sector``, ``count``,
        ``base``, ``rate``, ``rate_eb``, ``rate_prior``, ``shrinkage``; ``name`` if
        given). The municipality row ``*`` is left out.
    alpha : float
        Level of the test of ``stands_out``.

    Returns
    -------
    DataFrame
        Indexed by ``group``: ``raw`` and ``smoothed`` (the leaders' names, else their
        sector ids; ``smoothed`` missing when none leads), ``differ`` (bool),
        ``p_value`` (the top smoothed sector's, or the raw leader's when none leads,
        Bonferroni-adjusted) and ``stands_out`` (``p_value < alpha``).

    Examples
    --------
    >>> r = pd.DataFrame({"sector": ["A", "B", "C", "*"], "group": "x", "period": "all",
    ...     "count": [3, 40, 100, 143], "base": [100.0, 6000.0, 6000.0, 12100.0]})
    >>> r["rate"] = r["count"] / r["base"] * 1000
    >>> lead = rate_leaders(smoothed_rates(r)).loc["x"]
    >>> lead["raw"], lead["smoothed"], bool(lead["differ"]), bool(lead["stands_out"])
    ('A', 'C', True, True)

    Three sectors whose rates differ no more than chance: no smoothed leader.

    >>> r = pd.DataFrame({"sector": ["tiny", "mid", "big"], "group": "x", "period": "all",
    ...     "count": [3, 20, 200], "base": [200.0, 2000.0, 20000.0]})
    >>> r["rate"] = r["count"] / r["base"] * 1000
    >>> lead = rate_leaders(smoothed_rates(r)).loc["x"]
    >>> lead["raw"], pd.isna(lead["smoothed"]), bool(lead["stands_out"])
    ('tiny', True, False)
    """
    s = smoothed[smoothed["sector"] != "*"]
    label = "name" if "name" in s.columns else "sector"
    rows = {}
    for group, g in s.groupby("group", sort=False):
        raw = g.loc[g["rate"].astype("float64").idxmax()] if g["rate"].notna().any() else None
        eb = g["rate_eb"].astype("float64")
        top = eb.max()
        at_top = np.isclose(eb, top, rtol=1e-9, atol=0.0) & eb.notna()
        flat = bool((g["shrinkage"].astype("float64") >= 1 - 1e-12).all())
        lead = g.loc[at_top.to_numpy()].iloc[0] if at_top.sum() == 1 and not flat else None
        tested = lead if lead is not None else raw
        p = np.nan
        per = _per(g)
        if tested is not None and np.isfinite(float(tested["rate_prior"])) and per > 0:
            expected = float(tested["rate_prior"]) / per * float(tested["base"])
            tail = _st.poisson.sf(float(tested["count"]) - 1, expected)
            p = min(1.0, float(tail) * int(eb.notna().sum()))
        rows[group] = {
            "raw": None if raw is None else raw[label],
            "smoothed": None if lead is None else lead[label],
            "p_value": p,
        }
    out = pd.DataFrame.from_dict(rows, orient="index", columns=["raw", "smoothed", "p_value"])
    out.index.name = "group"
    out["differ"] = out["smoothed"].notna() & (out["raw"] != out["smoothed"])
    out["stands_out"] = out["p_value"] < alpha
    return out[["raw", "smoothed", "differ", "p_value", "stands_out"]]


def _per(group: pd.DataFrame) -> float:
    """The rates' unit (per 1,000…) of a group of :func:`smoothed_rates`: rate × base / count."""
    count = group["count"].astype("float64").to_numpy()
    seen = count > 0
    if not seen.any():
        return np.nan
    rate, base = group["rate"].astype("float64").to_numpy(), group["base"].astype("float64")
    return float(np.median(rate[seen] * base.to_numpy()[seen] / count[seen]))
