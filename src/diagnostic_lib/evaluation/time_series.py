"""Municipality-wide measures: the interrupted time series of the monthly counts.

A measure that covers the whole municipality has no control area; its
effect is read from a segmented regression of the monthly counts around its
start (:func:`interrupted_time_series`, :func:`its_for_measures`).
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from typing import Any

import numpy as np
import pandas as pd
from scipy import stats as _st

from .. import coverage, i18n, settings
from .. import formatting as fmt
from ._common import (
    _month_edges,
    _month_floor,
    _months_between,
    _records,
    _targets_unmapped,
    _tuple,
)
from .count_models import _fit_counts, _fourier
from .design import targeted


def interrupted_time_series(  # noqa: PLR0913 - the public signature of before
    incidents: pd.DataFrame,
    start: Any,
    data_start: Any,
    data_end: Any,
    categories: Sequence[str] = (),
    shifts: Sequence[str] = (),
    lag_months: int = settings.default("lag_months"),
    min_months: int = settings.default("its_min_months"),
    model: str = "nb",
    level: float = 0.95,
    gaps: Sequence[pd.Period] | None = None,
) -> pd.DataFrame:
    """Interrupted time series of the municipality's monthly counts around a start date.

    Segmented regression (Wagner et al., 2002) of the monthly counts of the
    targeted incidents: ``log μ = β0 + β1·t + β2·after + β3·t_after +
    seasonality``, with ``t`` in years, ``after`` = 1 from the start (+ lag),
    ``t_after`` the years since then, and seasonality as two pairs of
    Fourier terms (sine and cosine of the month, 12 and 6 months). The fitted
    and counterfactual series come from a Poisson GLM, then negative binomial
    when the counts are overdispersed (``model="nb"``).

    **Inference allows for autocorrelation**: crime series persist, and a
    regression that treats months as independent finds "significant" level
    changes in a third of series with no change. The coefficients and their
    standard errors come from a Prais–Winsten regression of the log counts with
    AR(1) errors (:func:`prais_winsten`, the autocorrelation bias-matched to the
    design and taken at an upper bound, :data:`RHO_UPPER_SE` standard errors above), and
    the level change's standard error is inflated by the spread of the same
    test at **placebo dates** in the pre-period (never deflated). When the
    residual autocorrelation is at least :data:`PERSISTENT_RHO`, the status is
    ``persistent``: the series drifts so much on its own that a change at one
    date cannot be told apart from drift. The lag months are left out. Without a
    control series, anything else that changed municipality-wide at the same
    date is confounded with the measure.

    **Gap months** of the coverage calendar (no record at all while the data
    average enough, :func:`~diagnostic_lib.coverage.gap_months`; with the
    trailing months missing from the export) are no data, not zero: they are
    left out of the regression, which keeps every other month at its real
    position (its trend and its season), and the AR(1) errors bridge them
    (the autocorrelation across a gap of ``d`` months is ``ρ^d``). When more
    than half of the months before the start, or after it, are gaps, the
    status is ``not_covered``: the series says nothing about that side.

    Parameters
    ----------
    incidents : DataFrame
    start : timestamp
    data_start, data_end : timestamp
        The data's period (``data_end`` exclusive); complete months only.
    categories, shifts : sequence of str
        Targeted incidents (empty = all).
    lag_months, min_months : int
        At least ``min_months`` complete months holding data are needed on each side.
    model : {"nb", "poisson"}
    level : float
    gaps : sequence of Period, optional
        The data's gap months (default: those of ``incidents`` up to ``data_end``).

    Returns
    -------
    DataFrame
        Rows ``pre_trend`` (rate ratio per year before), ``level_change``
        (rate ratio at the start), ``slope_change`` (ratio of yearly trends):
        ``term, irr, low, high, p_value, status`` (``ok``, ``persistent``,
        ``insufficient`` or ``not_covered``); ``attrs["series"]`` has ``month,
        count, covered, fitted, counterfactual`` (``count`` NaN in a gap month);
        ``attrs`` also give ``months_before, months_after`` (months with data),
        ``gaps_before, gaps_after`` (gap months left out on each side),
        ``alpha, rho, placebo_inflation``.

    Examples
    --------
    >>> import numpy as np, pandas as pd
    >>> rng = np.random.default_rng(1)
    >>> days = pd.date_range("2022-01-01", "2025-12-31", freq="D")
    >>> lam = np.where(days >= "2024-01-01", 2.0, 4.0)
    >>> inc = pd.DataFrame({"occurred_from": days.repeat(rng.poisson(lam)), "category": "theft",
    ...                     "shift": "jour"})
    >>> its = interrupted_time_series(inc, "2024-01-01", "2022-01-01", "2026-01-01")
    >>> level = its.set_index("term").loc["level_change"]
    >>> round(float(level["irr"]), 1), bool(level["p_value"] < 0.001)
    (0.5, True)

    Four months missing from the export are left out, not counted as zero:

    >>> gap = inc["occurred_from"].dt.to_period("M").astype(str).isin(["2023-05", "2023-06"])
    >>> its = interrupted_time_series(inc[~gap], "2024-01-01", "2022-01-01", "2026-01-01")
    >>> its.attrs["gaps_before"], round(float(its.set_index("term").loc["level_change", "irr"]), 1)
    (2, 0.5)
    """
    d0, d1, edges = _its_months(data_start, data_end)
    n = len(edges) - 1
    sel = np.array(targeted(incidents, categories, shifts), dtype=bool)
    tv = incidents["occurred_from"].to_numpy(dtype="datetime64[us]")
    tv = tv[sel & (tv >= edges[0]) & (tv < edges[-1])]
    y = np.bincount(np.searchsorted(edges, tv, side="right") - 1, minlength=n)[:n].astype("float64")
    gaps = coverage.gap_months(incidents, end=d1) if gaps is None else gaps
    return _its_fit(y, edges, start, gaps, (int(lag_months), min_months, model, level))


def _its_months(data_start: Any, data_end: Any) -> tuple[pd.Timestamp, pd.Timestamp, np.ndarray]:
    """The first and end month of an interrupted time series, and its month edges."""
    d0, d1 = _month_floor(pd.Timestamp(data_start) + pd.Timedelta(days=27)), _month_floor(data_end)
    if pd.Timestamp(data_start) > d0:
        d0 = d0 + pd.DateOffset(months=1)
    return d0, d1, _month_edges(d0, _months_between(d0, d1))


def _its_fit(
    y: np.ndarray, edges: np.ndarray, start: Any, gaps: Sequence[pd.Period], spec: tuple
) -> pd.DataFrame:
    """:func:`interrupted_time_series` from the monthly counts ``y`` between ``edges``.

    ``spec`` is ``(lag_months, min_months, model, level)``.
    """
    lag_months, min_months, model, level = spec
    n = len(edges) - 1
    d0 = pd.Timestamp(edges[0])
    s = pd.Timestamp(start)
    s_eff = s + pd.DateOffset(months=int(lag_months))
    months = pd.DatetimeIndex(edges[:-1])
    gap = coverage.in_gaps(months, gaps)
    before = (months < s) & ~gap
    after = (months >= s_eff) & ~gap
    keep = before | after
    nb, na = int(before.sum()), int(after.sum())
    gb, ga = int((gap & (months < s)).sum()), int((gap & (months >= s_eff)).sum())
    terms = ("pre_trend", "level_change", "slope_change")
    base = pd.DataFrame(
        {"term": terms, "irr": np.nan, "low": np.nan, "high": np.nan, "p_value": np.nan}
    )
    series = pd.DataFrame(
        {
            "month": months.astype("datetime64[us]"),
            "count": np.where(gap, np.nan, y),
            "covered": ~gap,
            "fitted": np.nan,
            "counterfactual": np.nan,
        }
    )
    sides = {"months_before": nb, "months_after": na, "gaps_before": gb, "gaps_after": ga}
    status = _its_status(sides, min_months, float(y[keep].sum()))
    if status:
        base["status"] = status
        base.attrs.update(series=series, **sides, alpha=np.nan, min_months=min_months)
        return base
    t = (np.arange(n) - _months_between(d0, s)) / 12.0
    ta = np.where(after, (np.arange(n) - _months_between(d0, s_eff)) / 12.0, 0.0)
    X = np.column_stack([np.ones(n), t, after.astype(float), ta, _fourier(months.month)])
    fit = _fit_counts(y[keep], X[keep], model)
    b = fit["params"]
    z = np.log(y[keep] + 0.5)
    pos = np.flatnonzero(keep)  # the months' real positions: gaps and lag are bridged
    gls = prais_winsten(z, X[keep], positions=pos)
    pre = before[keep]
    inflation = _placebo_inflation(z[pre], X[keep][pre], months[keep][pre], gls["rho"], pos[pre])
    out = _its_terms(gls, inflation, max(len(z) - X.shape[1] - 1, 1), level, terms)
    out["status"] = "persistent" if gls["rho"] >= PERSISTENT_RHO else "ok"
    series["fitted"] = np.exp(X @ b)
    Xc = X.copy()
    Xc[:, 2:4] = 0.0
    series["counterfactual"] = np.exp(Xc @ b)
    series.loc[~keep, "fitted"] = np.nan
    out.attrs.update(
        series=series,
        **sides,
        alpha=fit["alpha"],
        min_months=min_months,
        model="negative_binomial" if fit["alpha"] > 0 else "poisson",
        note=fit["note"],
        rho=gls["rho"],
        placebo_inflation=inflation,
    )
    return out


def _its_status(sides: Mapping[str, int], min_months: int, total: float) -> str:
    """``not_covered`` (more than half of a side is gaps), ``insufficient`` or ``""`` (fit it)."""
    if sides["gaps_before"] > sides["months_before"] or sides["gaps_after"] > sides["months_after"]:
        return "not_covered"
    if min(sides["months_before"], sides["months_after"]) < min_months or total == 0:
        return "insufficient"
    return ""


def _its_terms(
    gls: Mapping[str, Any], inflation: float, df: int, level: float, terms: Sequence[str]
) -> pd.DataFrame:
    """The rate ratios, intervals and p-values of the terms of a segmented regression."""
    q = _st.t.ppf(0.5 + level / 2, df)
    rows = []
    for term, k in zip(terms, (1, 2, 3), strict=True):
        est, se = gls["params"][k], gls["bse"][k] * (inflation if term == "level_change" else 1.0)
        rows.append(
            {
                "term": term,
                "irr": float(np.exp(est)),
                "low": float(np.exp(est - q * se)),
                "high": float(np.exp(est + q * se)),
                "p_value": float(2 * _st.t.sf(abs(est / se), df)),
            }
        )
    return pd.DataFrame(rows)


RHO_UPPER_SE: float = 2.0
"""Standard errors added to the bias-matched ρ (about a 97.5 % one-sided upper bound).

With one standard error, false level changes reached about 10 % under a strong
persistent level (AR(1) ρ 0.9, SD 0.25); with two they stay under 5 %
(``benchmarks/CALIBRATION.md``)."""

PERSISTENT_RHO: float = 0.6
"""Residual autocorrelation from which a series is too persistent to date a change."""


def prais_winsten(
    z: np.ndarray, X: np.ndarray, rho: float | None = None, positions: np.ndarray | None = None
) -> dict[str, Any]:
    """Least squares with AR(1) errors (Prais–Winsten), with a conservative autocorrelation.

    The lag-1 autocorrelation of OLS residuals is biased towards zero, the more
    so the more columns ``X`` has: with four years of months, a trend, a level
    and a slope change and seasonality, a true ρ of 0.9 reads about 0.1, and a
    test that trusts it finds level changes that are not there. ``ρ`` is
    therefore (1) **bias-matched**: the ρ whose expected residual
    autocorrelation, for this very design, equals the observed one
    (:func:`residual_autocorrelation`); then (2) raised by :data:`RHO_UPPER_SE`
    standard errors, ``√((1 − ρ²) / n)``, capped at 0.98, so that the test errs on
    the side of persistence. The model is refitted on the quasi-differenced data
    (the first row kept, scaled by ``√(1 − ρ²)``). On simulated series this keeps
    false level changes at or under 5 % for AR(1) levels of ρ 0.5–0.9, at the cost
    of power (``benchmarks/CALIBRATION.md``).

    With ``positions`` (the rows' months when some are missing: gaps in the
    data), a row ``d`` months after the previous one is differenced with
    ``ρ^d`` and scaled by ``√((1 − ρ²) / (1 − ρ^{2d}))`` (the exact AR(1)
    transformation for unequal steps), and the residual autocorrelation is read
    on the pairs of consecutive months only.

    Parameters
    ----------
    z : ndarray
        The response (e.g. log counts).
    X : ndarray
        The design matrix.
    rho : float, optional
        A ρ to use as is (e.g. the one estimated on the whole series, for a
        placebo regression on part of it).
    positions : ndarray of int, optional
        Each row's position in time (increasing; default: ``0, 1, 2, …``).

    Returns
    -------
    dict
        ``params``, ``bse``, ``rho`` (the ρ used) and ``rho_observed`` (the raw
        residual autocorrelation).

    Examples
    --------
    >>> rng = np.random.default_rng(0)
    >>> e = np.zeros(200)
    >>> for i in range(1, 200):
    ...     e[i] = 0.7 * e[i - 1] + rng.normal()
    >>> X = np.column_stack([np.ones(200), np.arange(200) / 100])
    >>> r = prais_winsten(1 + e, X)
    >>> bool(0.6 < r["rho"] < 0.9), bool(abs(r["params"][0] - 1) < 3 * r["bse"][0])
    (True, True)
    >>> keep = np.r_[0:80, 90:200]  # ten rows missing
    >>> r = prais_winsten(1 + e[keep], X[keep], positions=keep)
    >>> bool(0.6 < r["rho"] < 0.9)
    True
    """
    n, k = X.shape
    pos = np.arange(n) if positions is None else np.asarray(positions, dtype="int64")
    step = np.diff(pos)
    b = np.linalg.lstsq(X, z, rcond=None)[0]
    e = z - X @ b
    pairs = step == 1
    r0 = (
        float(np.sum((e[1:] * e[:-1])[pairs]) / np.sum(e * e) * (n - 1) / pairs.sum())
        if np.sum(e * e) > 0 and pairs.any()
        else 0.0
    )
    if rho is None:
        expected = residual_autocorrelation(X, pos)
        rho = float(np.interp(r0, expected, RHO_GRID)) if r0 < expected[-1] else 0.98
        rho = min(0.98, rho + RHO_UPPER_SE * np.sqrt(max(1 - rho**2, 0.01) / n))
    c = np.sqrt(max(1 - rho**2, 1e-6))
    r_d = rho ** step.astype("float64")
    scale = np.where(step == 1, 1.0, c / np.sqrt(np.maximum(1 - r_d**2, 1e-6)))[:, None]
    xs = np.vstack([X[:1] * c, (X[1:] - r_d[:, None] * X[:-1]) * scale])
    zs = np.r_[z[:1] * c, (z[1:] - r_d * z[:-1]) * scale[:, 0]]
    bb = np.linalg.lstsq(xs, zs, rcond=None)[0]
    res = zs - xs @ bb
    s2 = float(res @ res) / max(n - k - 1, 1)
    cov = s2 * np.linalg.pinv(xs.T @ xs)
    return {
        "params": bb,
        "bse": np.sqrt(np.clip(np.diag(cov), 0, None)),
        "rho": rho,
        "rho_observed": r0,
    }


RHO_GRID: np.ndarray = np.linspace(0.0, 0.98, 50)
"""The AR(1) coefficients over which the residual autocorrelation is matched."""


def residual_autocorrelation(X: np.ndarray, positions: np.ndarray | None = None) -> np.ndarray:
    """Expected lag-1 autocorrelation of OLS residuals for each ρ of :data:`RHO_GRID`.

    With AR(1) errors of covariance ``Σ(ρ)`` and the residual maker
    ``M = I − X X⁺``, the ratio ``tr(L M Σ M) / tr(M Σ M)``, where ``L`` picks
    lag-1 pairs: the first-order expectation of the residual autocorrelation.
    It is increasing in ρ, so it can be inverted by interpolation. With
    ``positions`` (rows missing), ``Σ`` uses the real distances and ``L`` the
    pairs of consecutive positions, scaled as in :func:`prais_winsten`.

    Parameters
    ----------
    X : ndarray, shape (n, k)
        The design matrix.
    positions : ndarray of int, optional
        Each row's position in time (default: ``0, 1, 2, …``).

    Returns
    -------
    ndarray, shape (len(RHO_GRID),)

    Examples
    --------
    >>> X = np.column_stack([np.ones(48), np.arange(48)])
    >>> r = residual_autocorrelation(X)
    >>> bool(r[0] < 0), bool(r[-1] < 0.98), bool(np.all(np.diff(r) > 0))
    (True, True, True)
    """
    n = X.shape[0]
    pos = np.arange(n) if positions is None else np.asarray(positions, dtype="int64")
    pairs = np.diff(pos) == 1
    M = np.eye(n) - X @ np.linalg.pinv(X)
    lag = np.abs(np.subtract.outer(pos, pos))
    out = np.empty(len(RHO_GRID))
    for i, r in enumerate(RHO_GRID):
        ms = M @ (r**lag) @ M
        near = np.diagonal(ms, offset=1)[pairs].sum() * (n - 1) / max(pairs.sum(), 1)
        out[i] = near / np.trace(ms)
    return out


def _placebo_inflation(
    z: np.ndarray, X: np.ndarray, months: Any, rho: float, positions: np.ndarray | None = None
) -> float:
    """How much more the level-change test varies at placebo dates of the pre-period than it should.

    The square root of the mean squared z of a level change at each placebo date
    (6 months or more from either end), never below 1; 1 with fewer than 6 dates.
    The placebo regressions use ``rho``, the autocorrelation of the whole series:
    re-estimated on the short pre-period alone it would be biased further.
    ``positions`` are the rows' months (gap months are missing rows).
    """
    n = len(z)
    pos = np.arange(n) if positions is None else np.asarray(positions, dtype="int64")
    month = np.asarray(pd.DatetimeIndex(months).month)
    zs = []
    for ps in range(6, n - 5):
        ap = (np.arange(n) >= ps).astype(float)
        xp = np.column_stack([np.ones(n), (pos - pos[ps]) / 12.0, ap, _fourier(month)])
        r = prais_winsten(z, xp, rho=rho, positions=pos)
        if r["bse"][2] > 0:
            zs.append(r["params"][2] / r["bse"][2])
    return max(1.0, float(np.sqrt(np.mean(np.square(zs))))) if len(zs) >= 6 else 1.0


def its_for_measures(
    measures: pd.DataFrame,
    incidents: pd.DataFrame,
    data_start: Any,
    data_end: Any,
    lag_months: int = settings.default("lag_months"),
    min_months: int = settings.default("its_min_months"),
    footprints: Sequence[str] = ("municipality",),
    alpha: float = settings.default("alpha"),
) -> pd.DataFrame:
    """Interrupted time series for the municipality-wide measures that have a start date.

    Returns
    -------
    DataFrame
        One row per measure with a footprint in ``footprints``, a start and
        every target category mapped to a code:
        ``measure_id, status, months_before, months_after, gaps_before,
        gaps_after, level_irr, level_low, level_high, level_p, slope_irr,
        slope_low, slope_high, slope_p, reading, text_fr, text_en``.
        ``months_*`` count the months with data on each side, ``gaps_*`` the
        gap months left out (see :func:`interrupted_time_series`). ``reading``
        is ``fall``, ``rise``, ``no_change`` (level change not significant at
        ``alpha``), ``persistent``, ``insufficient`` or ``not_covered`` (more
        than half of a side is gaps).

    Examples
    --------
    >>> from diagnostic_lib import loaders, sample
    >>> from diagnostic_lib.evaluation import data_period
    >>> d = loaders.load_diagnostic(sample.sample_dir() / "diagnostic.toml")
    >>> t = its_for_measures(d.measures, d.incidents, *data_period(d)).set_index("measure_id")
    >>> t["status"].to_dict()
    {'M06': 'ok', 'M18': 'insufficient'}
    """
    rows = []
    gaps = coverage.gap_months(incidents, end=_month_floor(data_end))
    # the months and every incident's month once; the counts once per targets
    _, _, edges = _its_months(data_start, data_end)
    n = len(edges) - 1
    tv = incidents["occurred_from"].to_numpy(dtype="datetime64[us]")
    month = np.searchsorted(edges, tv, side="right") - 1
    month[~((tv >= edges[0]) & (tv < edges[-1]))] = n  # outside: counted past the end
    counts: dict[tuple, np.ndarray] = {}
    # the same targets from the same start: the same series, the same fit (read, not changed)
    fits: dict[tuple, pd.DataFrame] = {}
    for rec in _records(measures):  # each column read once (a row took ~0.1 ms)
        if rec["footprint"] not in footprints or pd.isna(rec.get("start")):
            continue
        if _targets_unmapped(rec):  # on every category, it would be judged on what it misses
            continue
        key = (_tuple(rec.get("target_categories", ())), _tuple(rec.get("target_shifts", ())))
        if key not in counts:
            sel = np.array(targeted(incidents, *key), dtype=bool)
            counts[key] = np.bincount(month[sel], minlength=n + 1)[:n].astype("float64")
        fit_key = (key, pd.Timestamp(rec["start"]))
        if fit_key not in fits:
            fits[fit_key] = _its_fit(
                counts[key].copy(),
                edges,
                rec["start"],
                gaps,
                (int(lag_months), min_months, "nb", 0.95),
            )
        its = fits[fit_key]
        t = its.set_index("term")
        status = str(t["status"].iloc[0])
        row = {
            "measure_id": str(rec["measure_id"]),
            "start": rec["start"],
            "status": status,
            "months_before": its.attrs["months_before"],
            "months_after": its.attrs["months_after"],
            "gaps_before": its.attrs["gaps_before"],
            "gaps_after": its.attrs["gaps_after"],
            "rho": its.attrs.get("rho", np.nan),
        }
        for key, term in (("level", "level_change"), ("slope", "slope_change")):
            row.update(
                {
                    f"{key}_irr": t.loc[term, "irr"],
                    f"{key}_low": t.loc[term, "low"],
                    f"{key}_high": t.loc[term, "high"],
                    f"{key}_p": t.loc[term, "p_value"],
                }
            )
        if status in ("insufficient", "persistent", "not_covered"):
            reading = status
        elif row["level_p"] < alpha:
            reading = "fall" if row["level_irr"] < 1 else "rise"
        else:
            reading = "no_change"
        row["reading"] = reading
        for lg in ("fr", "en"):
            row[f"text_{lg}"] = _its_text(row, lg, min_months)
        rows.append(row)
    cols = [
        "measure_id",
        "start",
        "status",
        "months_before",
        "months_after",
        "gaps_before",
        "gaps_after",
        "level_irr",
        "level_low",
        "level_high",
        "level_p",
        "slope_irr",
        "slope_low",
        "slope_high",
        "slope_p",
        "reading",
        "text_fr",
        "text_en",
    ]
    out = pd.DataFrame(rows, columns=cols)
    out.attrs.update(min_months=min_months, alpha=alpha)
    return out


def _its_text(r: Mapping[str, Any], lang: str, min_months: int) -> str:
    """The reading of an interrupted time series in words."""
    if r["status"] == "not_covered":
        return i18n.t(
            "evaluation.its.not_covered",
            lang,
            before=fmt.integer(r["months_before"], lang),
            gaps_before=fmt.integer(r["gaps_before"], lang),
            after=fmt.integer(r["months_after"], lang),
            gaps_after=fmt.integer(r["gaps_after"], lang),
        )
    if r["status"] == "insufficient":
        return i18n.t(
            "evaluation.its.insufficient",
            lang,
            before=fmt.months(r["months_before"], lang),
            after=fmt.months(r["months_after"], lang),
            min_months=fmt.integer(min_months, lang),
        )
    return i18n.t(
        "evaluation.its.text",
        lang,
        what=i18n.t(f"evaluation.its.{r['reading']}", lang),
        gaps=_gaps_note(r, lang),
        rho=fmt.decimal(r.get("rho", np.nan), lang),
        irr=fmt.decimal(r["level_irr"], lang),
        level=fmt.percent(_ITS_LEVEL, lang),
        low=fmt.decimal(r["level_low"], lang),
        high=fmt.decimal(r["level_high"], lang),
        p=fmt.pvalue(r["level_p"], lang),
    )


def _gaps_note(r: Mapping[str, Any], lang: str) -> str:
    """``(n months without data left out)`` when the series had gap months, else nothing."""
    n = int(r.get("gaps_before", 0)) + int(r.get("gaps_after", 0))
    return i18n.t("evaluation.its.gaps", lang, n=fmt.integer(n, lang)) if n else ""


_ITS_LEVEL = 0.95
"""Level of the intervals of :func:`its_for_measures`."""
