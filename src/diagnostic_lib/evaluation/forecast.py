"""Future risk: monthly counts, projections with prediction intervals, and their backtest.

:func:`monthly_counts`, :func:`project` (a :class:`Projection` per group, with
emerging risks), :func:`backtest` (the last months held out and projected
from the earlier ones, against a naive forecast) and :func:`backtest_summary`
(whether the projection can be trusted).
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass, field
from typing import Any, NamedTuple

import numpy as np
import pandas as pd

from .. import coverage, i18n, settings, stats
from .. import formatting as fmt
from ._common import _month_edges, _month_floor, _months_between, _pairs
from .projection_batch import _month_numbers, project_many


def monthly_counts(
    incidents: pd.DataFrame,
    by: Sequence[str] = ("sector", "family"),
    start: Any = None,
    end: Any = None,
    municipality: bool = True,
    gaps: Sequence[pd.Period] | None = None,
) -> pd.DataFrame:
    """Monthly counts per group over complete months, zeros included, gaps left out.

    Months run from the first complete month at or after ``start`` to the
    month before ``end`` (exclusive; a partial last month is left out).
    Groups are the observed combinations of ``by`` (missing values left
    out); with ``municipality`` and ``"sector"`` in ``by``, sector ``"*"``
    adds the whole municipality (incidents without a sector included).
    The gap months of the coverage calendar (no record at all while the data
    average enough, :func:`~diagnostic_lib.coverage.gap_months`) have no row:
    they are missing, not zero. So have the **trailing months** an ``end``
    asks for after the last record (an export that stops early), and the
    partial month in which it stops.

    Parameters
    ----------
    incidents : DataFrame
        All the incidents (the gaps are judged on them).
    by : sequence of str
    start, end : timestamp, optional
    municipality : bool
    gaps : sequence of Period, optional
        The gap months (default: those of ``incidents`` up to ``end``).

    Returns
    -------
    DataFrame
        ``*by, month, count``.

    Examples
    --------
    >>> import pandas as pd
    >>> when = pd.to_datetime(["2024-01-05", "2024-03-01", "2024-03-09"])
    >>> inc = pd.DataFrame({"occurred_from": when,
    ...     "sector": ["A", "A", None], "family": "property"})
    >>> m = monthly_counts(inc, start="2024-01-01", end="2024-04-01")
    >>> m.pivot(index="month", columns="sector", values="count").values.tolist()  # "*", "A"
    [[1, 1], [0, 0], [2, 1]]
    """
    keys = list(by)
    ts = incidents["occurred_from"]
    s = pd.Timestamp(start) if start is not None else ts.min().normalize()
    e = pd.Timestamp(end) if end is not None else ts.max().normalize() + pd.Timedelta(days=1)
    m0 = _month_floor(s) if s == _month_floor(s) else _month_floor(s) + pd.DateOffset(months=1)
    m1 = _month_floor(e)
    n = max(_months_between(m0, m1), 0)
    months = pd.DatetimeIndex(_month_edges(m0, n)[:-1]).astype("datetime64[us]")
    tv = ts.to_numpy(dtype="datetime64[us]")
    ok = (tv >= np.datetime64(m0, "us")) & (tv < np.datetime64(m1, "us"))
    df = _text_keys(incidents.loc[ok, keys])
    # each row's month, as a position among ``months`` (the months of [m0, m1) start on the 1st)
    at = (tv[ok].astype("datetime64[M]") - np.datetime64(m0.strftime("%Y-%m"), "M")).astype("int64")
    parts = [_group_counts(df, at, keys, n)]
    if municipality and "sector" in keys:  # the whole municipality, as sector "*"
        parts.append(_group_counts(df.assign(sector="*"), at, keys, n))
    groups = pd.concat([g for g, _ in parts], ignore_index=True).astype("str")
    counts = np.concatenate([c for _, c in parts])
    # a group in both parts (a sector named "*" in the data) has the sum of both, as one group
    gid = pd.factorize(pd.MultiIndex.from_frame(groups))[0]
    if len(gid) and gid.max() + 1 < len(gid):
        summed = np.zeros((gid.max() + 1, n), dtype="int64")
        np.add.at(summed, gid, counts)
        first = np.unique(gid, return_index=True)[1]
        groups, counts = groups.iloc[first].reset_index(drop=True), summed
    order = groups.sort_values(keys).index.to_numpy()
    groups = groups.iloc[order]
    idx = pd.MultiIndex.from_frame(groups.merge(pd.DataFrame({"month": months}), how="cross"))
    out = pd.Series(counts[order].ravel(), index=idx, name="count").reset_index()
    out["count"] = out["count"].astype("int64")
    gaps = coverage.gap_months(incidents, end=m1) if gaps is None else gaps
    if len(gaps):
        drop = pd.DatetimeIndex([pd.Period(g, freq="M").start_time for g in gaps])
        out = out[~out["month"].isin(drop.astype("datetime64[us]"))].reset_index(drop=True)
    return out


def _text_keys(sub: pd.DataFrame) -> pd.DataFrame:
    """The keys as text (missing: NaN); a categorical key stays coded, its categories as text.

    A point table sent to the worker (:func:`diagnostic_lib.evaluation.start`) codes its
    text: turned into one string a row, 5M incidents took some 0.4 GB more there.
    """
    out = {}
    for k in sub.columns:
        col = sub[k]
        if isinstance(col.dtype, pd.CategoricalDtype):
            out[k] = col.cat.rename_categories(col.cat.categories.astype("str"))
        else:
            out[k] = col.astype("str").where(col.notna())
    return pd.DataFrame(out, index=sub.index)


def _group_counts(
    df: pd.DataFrame, at: np.ndarray, keys: list[str], n: int
) -> tuple[pd.DataFrame, np.ndarray]:
    """The distinct groups of ``df`` (rows with every key) and their counts per month position.

    ``df`` holds the keys as text (missing: NaN); ``at`` each row's month position
    in ``[0, n)``. Returns the groups (their first row's keys, in order of first
    appearance) and a ``(groups, n)`` array of counts.
    """
    valid = np.ones(len(df), dtype=bool)
    gid = np.zeros(len(df), dtype="int64")
    for k in keys:
        codes, uniq = pd.factorize(df[k])
        valid &= codes >= 0
        gid = gid * max(len(uniq), 1) + np.maximum(codes, 0)
        gid = pd.factorize(gid)[0].astype("int64")
    rows = np.flatnonzero(valid)
    gid = pd.factorize(gid[valid])[0].astype("int64")
    first = rows[np.unique(gid, return_index=True)[1]]
    counts = np.bincount(gid * n + at[rows], minlength=len(first) * n) if n else np.zeros(0)
    groups = df.iloc[first][keys].reset_index(drop=True)
    return groups, counts.astype("int64").reshape(len(first), n)


@dataclass
class Projection:
    """A projection per group: 12-month totals (with trends and flags) and monthly values."""

    totals: pd.DataFrame
    monthly: pd.DataFrame
    parameters: dict[str, Any] = field(default_factory=dict)


class _Model(NamedTuple):
    """How each group is projected (the parameters of :func:`project`)."""

    horizon: int
    level: float
    n_sim: int
    model: str
    min_events: int
    min_months: int
    seasonality_p: float


def _future_months(last: pd.Timestamp, horizon: int) -> pd.DatetimeIndex:
    """The ``horizon`` months after ``last`` (same day of the month)."""
    if last.day == 1:
        return pd.date_range(last + pd.DateOffset(months=1), periods=horizon, freq="MS")
    return pd.DatetimeIndex([last + pd.DateOffset(months=k) for k in range(1, horizon + 1)])


def _last_12(y: np.ndarray, months: Any) -> float:
    """The count of the last 12 rows (NaN when a gap month, with no row, falls among them)."""
    pos = _month_numbers(months[-12:])
    return float(y[-12:].sum()) if bool(np.all(np.diff(pos) == 1)) else np.nan


def project(  # noqa: PLR0913 - the twelve parameters of before, and three rules of the model
    incidents: pd.DataFrame | None = None,
    by: Sequence[str] = ("sector", "family"),
    end: Any = None,
    horizon: int = settings.default("forecast_horizon"),
    level: float = settings.default("forecast_level"),
    n_sim: int = settings.default("forecast_simulations"),
    seed: int = 0,
    model: str = "nb",
    min_events: int = settings.default("forecast_min_events"),
    alpha: float = settings.default("alpha"),
    start: Any = None,
    history: pd.DataFrame | None = None,
    min_months: int = settings.default("forecast_min_months"),
    seasonality_p: float = settings.default("seasonality_p"),
    emerging_min: float = settings.default("emerging_min_events"),
) -> Projection:
    """Projection of the next ``horizon`` months per group, with prediction intervals.

    **Model** (per group, on complete months before ``end``): a count
    regression ``log μ = β0 + β1·t + seasonality`` with ``t`` in years
    (``exp β1`` = rate ratio per year, the trend) and seasonality as two
    pairs of Fourier terms of the month (12- and 6-month cycles: four
    parameters instead of eleven month dummies, stable with 36–48 months),
    dropped when a joint Wald test finds no seasonality (p > ``seasonality_p``;
    ``model = "trend"``): a seasonal pattern fitted to noise would be projected forward.
    Poisson GLM (statsmodels), then negative binomial with its dispersion
    α estimated by moments (Cameron & Trivedi) when the counts are
    overdispersed. Groups with fewer than ``min_events`` events or fewer
    than ``min_months`` months get a constant level only (``model = "level"``); groups
    with no event are not modelled (``"none"``).

    **Prediction intervals** by simulation (seeded): ``n_sim`` parameter
    vectors drawn from the estimate's normal distribution, then counts from
    the negative binomial (gamma–Poisson) or Poisson — they include both
    parameter and count uncertainty, for each month and for the 12-month total.

    **Emerging risk**: a significant rising trend (Benjamini–Hochberg q <
    ``alpha`` across the groups) with at least ``emerging_min`` events projected.

    Parameters
    ----------
    incidents : DataFrame, optional
        Not needed when ``history`` (from :func:`monthly_counts`) is given.
    by, end, start : see :func:`monthly_counts`.
    horizon : int
    level : float
        Prediction-interval level.
    n_sim, seed : int
    model : {"nb", "poisson"}
    min_events, min_months : int
        Fewest events and months of a group for a model with a trend.
    alpha : float
        Level of the test of the trends (emerging risks).
    seasonality_p : float
        Largest p-value of the Wald test that keeps the seasonal terms.
    emerging_min : float
        Fewest events projected over the horizon for an emerging risk.

    Returns
    -------
    Projection
        ``totals``: ``*by, model, months, last_12, mean_12, low_12, high_12,
        ratio, prob_rise, trend_irr, trend_low, trend_high, trend_p,
        trend_q, alpha_nb, emerging, note``; ``monthly``: ``*by, month,
        mean, low, high``.

    Examples
    --------
    >>> from diagnostic_lib import loaders, sample
    >>> d = loaders.load_diagnostic(sample.sample_dir() / "diagnostic.toml")
    >>> p = project(d.incidents, by=("family",), end="2026-01-01", n_sim=200)
    >>> t = p.totals.set_index("family")
    >>> bool(t.loc["fraud_cyber", "emerging"]), bool(t.loc["fraud_cyber", "mean_12"] > 797)
    (True, True)
    """
    keys = list(by)
    hist = history if history is not None else monthly_counts(incidents, keys, start=start, end=end)
    if end is not None:
        hist = hist[hist["month"] < np.datetime64(_month_floor(end), "us")]
    rng = np.random.default_rng(seed)
    spec = _Model(horizon, level, n_sim, model, min_events, min_months, seasonality_p)
    last = (
        _month_floor(end) - pd.DateOffset(months=1)
        if end is not None
        else (pd.Timestamp(hist["month"].max()) if len(hist) else None)
    )
    trows, mrows = [], []
    fut = _future_months(last, horizon) if last is not None else None
    groups = list(_groups(hist, keys))
    done: dict[int, dict[str, Any]] = {}
    for members in _same_months(groups).values():
        ys = np.vstack([groups[i][1] for i in members])
        months = groups[members[0]][2]
        last12 = np.array([_last_12(groups[i][1], months) for i in members])
        r = project_many(ys, months, spec, rng, last, fut, last12)
        for j, i in enumerate(members):
            done[i] = {k: v[j] for k, v in r.items()} | {"last_12": last12[j]}
    for i, (gk, y, _months) in enumerate(groups):
        r = done[i]
        last12 = r["last_12"]
        trows.append(
            {
                **gk,
                "model": r["kind"],
                "months": len(y),
                "last_12": last12,
                "mean_12": r["total_mean"],
                "low_12": r["total_low"],
                "high_12": r["total_high"],
                "ratio": r["total_mean"] / last12 if last12 > 0 else np.nan,
                "prob_rise": r["prob_rise"],
                "trend_irr": r["trend_irr"],
                "trend_low": r["trend_low"],
                "trend_high": r["trend_high"],
                "trend_p": r["trend_p"],
                "alpha_nb": r["alpha_nb"],
                "note": r["note"],
            }
        )
        mrows.append((gk, fut, r["mean"], r["low"], r["high"]))
    totals = pd.DataFrame(trows)
    if not len(totals):  # no group to project: the columns still
        totals = pd.DataFrame(columns=[*keys, *_TOTAL_COLUMNS]).astype({"emerging": bool})
    if len(totals):
        totals["trend_q"] = stats.bh_qvalues(totals["trend_p"].to_numpy())
        totals["emerging"] = (
            (totals["trend_q"] < alpha)
            & (totals["trend_irr"] > 1)
            & (totals["mean_12"] >= emerging_min)
        )
        totals = totals[[*keys, *_TOTAL_COLUMNS]]
    monthly = (
        _monthly_table(mrows, keys)
        if mrows
        else pd.DataFrame(columns=[*keys, "month", "mean", "low", "high"])
    )
    params = {
        "horizon": horizon,
        "level": level,
        "n_sim": n_sim,
        "seed": seed,
        "model": model,
        "min_events": min_events,
        "alpha": alpha,
        "seasonality": "Fourier, 12- and 6-month cycles",
        "history_end": str(_month_floor(end).date()) if end is not None else None,
        "min_months": min_months,
        "seasonality_p": seasonality_p,
        "emerging_min": emerging_min,
    }
    return Projection(totals, monthly, params)


def _groups(hist: pd.DataFrame, keys: list[str]):
    """Each group of ``hist`` (sorted by its keys, missing keys left out): keys, counts, months.

    As ``hist.groupby(keys, sort=True)`` with each group sorted by month, without
    building a frame per group.
    """
    if not len(hist):
        return
    code = hist.groupby(keys, sort=True).ngroup().to_numpy(dtype="float64")
    ok = np.flatnonzero(np.isfinite(code))
    month = hist["month"].to_numpy(dtype="datetime64[us]")[ok]
    order = ok[np.lexsort((month, code[ok]))]
    code = code[order]
    cut = np.flatnonzero(np.diff(code)) + 1
    counts = hist["count"].to_numpy(dtype="float64")[order]
    months = hist["month"].to_numpy(dtype="datetime64[us]")[order]
    key_rows = hist[keys].iloc[order[np.r_[0, cut]]]
    values = {k: list(key_rows[k]) for k in keys}  # the scalars groupby gives
    for j, (a, b) in enumerate(zip(np.r_[0, cut], np.r_[cut, len(order)], strict=True)):
        gk = {k: values[k][j] for k in keys}
        yield gk, counts[a:b], months[a:b]


def _same_months(groups: list[tuple]) -> dict[bytes, list[int]]:
    """The positions of the groups by their months (groups with the same calendar together)."""
    out: dict[bytes, list[int]] = {}
    for i, (_gk, _y, months) in enumerate(groups):
        out.setdefault(np.asarray(months, dtype="datetime64[us]").tobytes(), []).append(i)
    return out


def _monthly_table(rows: list[tuple], keys: list[str]) -> pd.DataFrame:
    """The monthly projection of every group (``*keys, month, mean, low, high``) in one frame."""
    sizes = [len(r[1]) for r in rows]
    cols: dict[str, Any] = {}
    for k in keys:
        cols[k] = np.repeat(np.array([r[0][k] for r in rows], dtype=object), sizes)
    cols["month"] = np.concatenate([np.asarray(r[1], dtype="datetime64[us]") for r in rows])
    for i, name in ((2, "mean"), (3, "low"), (4, "high")):
        cols[name] = np.concatenate([np.asarray(r[i]) for r in rows])
    return pd.DataFrame(cols)


def backtest(  # noqa: PLR0913 - the ten parameters of before, and two rules of the model
    incidents: pd.DataFrame | None = None,
    by: Sequence[str] = ("sector", "family"),
    end: Any = None,
    horizon: int = settings.default("forecast_horizon"),
    level: float = settings.default("forecast_level"),
    n_sim: int = settings.default("forecast_simulations"),
    seed: int = 0,
    model: str = "nb",
    min_events: int = settings.default("forecast_min_events"),
    history: pd.DataFrame | None = None,
    min_months: int = settings.default("forecast_min_months"),
    seasonality_p: float = settings.default("seasonality_p"),
    origins: int = settings.default("backtest_origins"),
    max_sectors: int | None = settings.default("backtest_max_sectors"),
) -> pd.DataFrame:
    """Hold out ``horizon`` months from several origins, project them from before, compare.

    **Rolling origin**: the last ``horizon`` months are held out, then the
    ``horizon`` months ending 3 months earlier, and so on (``origins`` in all,
    while the training months suffice): a projection judged from one origin
    says little. The **naive forecast** is the same month one year earlier
    (it knows the seasonality and the level, nothing else). For every origin,
    group and held-out month: the actual count, the projection (mean and
    interval), the naive value, both absolute errors and whether the interval
    covered the actual count; ``total_*`` compare the ``horizon``-month totals.
    The other parameters are those of :func:`project`.

    **Many sectors**: with ``"sector"`` among ``by`` and more than ``max_sectors``
    sectors (``None``: no limit), the backtest holds out the months of
    ``max_sectors`` sectors drawn at random (seeded by ``seed``) and of the
    municipality (``"*"``): the accuracy of a model judged on 200 sectors × 3 origins
    × 12 months is known as precisely as on all of them (the share of 12-month
    totals inside their interval to about ±1.2 points), at a fraction of the
    simulations. ``attrs["parameters"]`` says how many were drawn among how many.

    Gap months (and the trailing months missing from the export, see
    :func:`monthly_counts`) are never scored against zeros: a held-out gap
    month has no row, a month whose naive value (a year earlier) or projection
    is missing has no error of either kind (both forecasts are scored on the same
    months), and a group whose held-out window holds a gap has no
    ``total_actual`` (its total is not scored).

    Returns
    -------
    DataFrame
        ``origin, *by, month, actual, mean, low, high, naive, err_model, err_naive,
        covered, total_actual, total_mean, total_low, total_high``;
        ``attrs["parameters"]``.

    Examples
    --------
    >>> from diagnostic_lib import loaders, sample
    >>> d = loaders.load_diagnostic(sample.sample_dir() / "diagnostic.toml")
    >>> b = backtest(d.incidents, by=("family",), end="2026-01-01", n_sim=200)
    >>> b["origin"].nunique(), bool(b["err_model"].mean() < b["err_naive"].mean())
    (3, True)
    """
    keys = list(by)
    hist = history if history is not None else monthly_counts(incidents, keys, end=end)
    hist, drawn = _drawn_sectors(hist, keys, max_sectors, seed)
    last = hist["month"].max() if end is None else np.datetime64(_month_floor(end), "us")
    if end is None:
        last = np.datetime64(pd.Timestamp(last) + pd.DateOffset(months=1), "us")
    first = pd.Timestamp(hist["month"].min()) if len(hist) else pd.Timestamp(last)
    parts, p = [], None
    for k in range(max(int(origins), 1) if len(hist) else 0):  # no data: nothing to hold out
        stop = pd.Timestamp(last) - pd.DateOffset(months=ORIGIN_STEP * k)
        cut = stop - pd.DateOffset(months=horizon)
        if k and (cut - first).days < 30.4 * min_months:
            break
        p = project(
            history=hist[hist["month"] < np.datetime64(cut, "us")],
            end=cut,
            by=keys,
            horizon=horizon,
            level=level,
            n_sim=n_sim,
            seed=seed + k,
            model=model,
            min_events=min_events,
            min_months=min_months,
            seasonality_p=seasonality_p,
        )
        parts.append(_held_out(hist, p, keys, cut, stop).assign(origin=str(cut.date())))
    cols = ["origin", *keys, "month", "actual", "mean", "low", "high", "naive", "err_model"]
    cols += ["err_naive", "covered", "total_actual", "total_mean", "total_low", "total_high"]
    out = pd.concat(parts, ignore_index=True) if parts else pd.DataFrame(columns=cols)
    out = out[["origin", *[c for c in out.columns if c != "origin"]]]
    out.attrs["parameters"] = {
        **(p.parameters if p is not None else {}),
        "origins": [str(o) for o in out["origin"].unique()],
        "held_out_from": str(out["origin"].iloc[0]) if len(out) else "",
        "held_out_to": str(pd.Timestamp(last).date()),
        "naive": "same month one year earlier",
        **drawn,
    }
    return out


def _drawn_sectors(
    hist: pd.DataFrame, keys: list[str], max_sectors: int | None, seed: int
) -> tuple[pd.DataFrame, dict[str, int]]:
    """The history of at most ``max_sectors`` sectors drawn at random, and the municipality's.

    Returns the history kept and ``{"sectors_backtested", "sectors"}`` (empty when every
    sector is kept).
    """
    if "sector" not in keys or max_sectors is None or not len(hist):
        return hist, {}
    sector = hist["sector"]
    names = np.sort(sector[sector.notna() & (sector != "*")].astype(str).unique())
    if len(names) <= int(max_sectors):
        return hist, {}
    drawn = np.random.default_rng(seed).permutation(names)[: int(max_sectors)]
    keep = sector.isna() | (sector == "*") | sector.astype(str).isin(drawn)
    return hist[keep.to_numpy()], {"sectors_backtested": len(drawn), "sectors": len(names)}


_TOTAL_COLUMNS = (
    "model",
    "months",
    "last_12",
    "mean_12",
    "low_12",
    "high_12",
    "ratio",
    "prob_rise",
    "trend_irr",
    "trend_low",
    "trend_high",
    "trend_p",
    "trend_q",
    "alpha_nb",
    "emerging",
    "note",
)
_BACKTEST_SUMMARY_COLUMNS = (
    "level",
    "scope",
    "groups",
    "months",
    "mae_model",
    "mae_naive",
    "skill",
    "coverage",
    "nominal",
    "total_coverage",
    "beats_naive",
    "trust",
)

ORIGIN_STEP: int = 3
"""Months between two origins of the backtest."""


def _held_out(
    hist: pd.DataFrame, p: Projection, keys: list[str], cut: pd.Timestamp, stop: pd.Timestamp
) -> pd.DataFrame:
    """The held-out months of one origin against the projection and the naive forecast."""
    c64, s64 = np.datetime64(cut, "us"), np.datetime64(stop, "us")
    test = hist[(hist["month"] >= c64) & (hist["month"] < s64)]
    whole = _months_between(cut, stop)  # a group with fewer held-out rows has a gap
    naive = hist[["month", *keys, "count"]].copy()
    naive["month"] = (pd.DatetimeIndex(naive["month"]) + pd.DateOffset(years=1)).astype(
        "datetime64[us]"
    )
    naive = naive.rename(columns={"count": "naive"})
    out = test.rename(columns={"count": "actual"}).merge(p.monthly, on=[*keys, "month"], how="left")
    out = out.merge(naive, on=[*keys, "month"], how="left")
    both = out["mean"].notna() & out["naive"].notna()  # the two forecasts on the same months
    out["err_model"] = (out["actual"] - out["mean"]).abs().where(both)
    out["err_naive"] = (out["actual"] - out["naive"]).abs().where(both)
    out["covered"] = (out["actual"] >= out["low"]) & (out["actual"] <= out["high"])
    tot = out.groupby(keys)["actual"].agg(["sum", "size"])
    tot = tot["sum"].where(tot["size"] == whole).rename("total_actual").reset_index()
    tot = tot.merge(
        p.totals[[*keys, "mean_12", "low_12", "high_12"]].rename(
            columns={"mean_12": "total_mean", "low_12": "total_low", "high_12": "total_high"}
        ),
        on=keys,
        how="left",
    )
    return out.merge(tot, on=keys, how="left")


TRUST_LEVELS: tuple[str, ...] = ("trust", "caution", "do_not_trust")
"""How far a projection can be trusted (see :func:`backtest_summary`)."""

TRUST_LABELS: dict[str, tuple[str, str]] = _pairs("evaluation.trust", TRUST_LEVELS)
"""Each level of trust in French and English."""


def backtest_summary(
    detail: pd.DataFrame,
    level: float | None = None,
    min_skill: float = settings.default("backtest_min_skill"),
    tolerance: float = settings.default("backtest_coverage_tolerance"),
) -> pd.DataFrame:
    """Accuracy of the projection against the naive forecast, by family and overall.

    ``skill = 1 − MAE(model) / MAE(naive)`` (> 0: the projection is better);
    ``coverage`` is the share of held-out months inside the prediction
    interval (to compare with its nominal level), ``total_coverage`` the same
    for the 12-month totals (one per group and origin). **Trust rule**: ``trust``
    when skill ≥ ``min_skill`` (0.10) and both the monthly and the 12-month-total
    coverage are within ``tolerance`` (10 points) of the nominal level;
    ``caution`` when skill > 0 only; ``do_not_trust`` otherwise. Rows: for each ``level``
    (``sectors``: the sector-level groups; ``municipality``: sector ``"*"``),
    each family and ``all`` (``scope``) — a projection may be trustworthy for
    one family and not for another.

    Returns
    -------
    DataFrame
        ``level, scope, groups, months, mae_model, mae_naive, skill, coverage,
        nominal, total_coverage, beats_naive, trust, text_fr, text_en``.

    Examples
    --------
    >>> import pandas as pd
    >>> det = pd.DataFrame({"family": ["a", "a"], "month": [1, 2], "actual": [3, 5],
    ...     "mean": [4.0, 5.0], "naive": [1, 9], "err_model": [1.0, 0.0], "err_naive": [2.0, 4.0],
    ...     "covered": [True, True],
    ...     "total_actual": 8, "total_low": 5.0, "total_high": 12.0})
    >>> backtest_summary(det, level=0.9)[["level", "scope", "skill", "trust"]].values.tolist()
    [['all', 'a', 0.8333333333333334, 'trust'], ['all', 'all', 0.8333333333333334, 'trust']]
    """
    nominal = float(
        level
        if level is not None
        else detail.attrs.get("parameters", {}).get("level", settings.default("forecast_level"))
    )
    d = detail
    if "sector" in d.columns:
        levels = [("sectors", d[d["sector"] != "*"]), ("municipality", d[d["sector"] == "*"])]
    else:
        levels = [("all", d)]
    scopes = []
    for lev, part in levels:
        if len(part) == 0:
            continue
        if "family" in part.columns:
            scopes += [(lev, str(f), g) for f, g in part.groupby("family", sort=True)]
        scopes.append((lev, "all", part))
    keys = [c for c in ("origin", "sector", "family", "category") if c in d.columns]
    rows = []
    for lev, name, part in scopes:
        g = part[part["err_model"].notna() & part["err_naive"].notna()]
        mm, mn = float(g["err_model"].mean()), float(g["err_naive"].mean())
        skill = 1 - mm / mn if mn > 0 else np.nan
        cov = float(g["covered"].mean())
        groups = g.drop_duplicates(subset=keys) if keys else g.iloc[:1]
        tg = groups[groups["total_actual"].notna()]  # a held-out window with a gap: no total
        tcov = float(
            (
                (tg["total_actual"] >= tg["total_low"]) & (tg["total_actual"] <= tg["total_high"])
            ).mean()
        )
        covered = abs(cov - nominal) <= tolerance and abs(tcov - nominal) <= tolerance
        if np.isfinite(skill) and skill >= min_skill and covered:
            trust = "trust"
        elif np.isfinite(skill) and skill > 0:
            trust = "caution"
        else:
            trust = "do_not_trust"
        rows.append(
            {
                "level": lev,
                "scope": name,
                "groups": len(groups),
                "months": len(g),
                "mae_model": mm,
                "mae_naive": mn,
                "skill": skill,
                "coverage": cov,
                "nominal": nominal,
                "total_coverage": tcov,
                "beats_naive": bool(np.isfinite(skill) and skill > 0),
                "trust": trust,
            }
        )
    out = pd.DataFrame(rows, columns=_BACKTEST_SUMMARY_COLUMNS)
    for lg in ("fr", "en"):
        out[f"text_{lg}"] = [
            i18n.t(
                "evaluation.backtest.text",
                lg,
                mae_model=fmt.decimal(r.mae_model, lg),
                mae_naive=fmt.decimal(r.mae_naive, lg),
                skill=fmt.percent(r.skill, lg),
                coverage=fmt.percent(r.coverage, lg),
                nominal=fmt.percent(r.nominal, lg),
                trust=i18n.t(f"evaluation.trust.{r.trust}", lg),
            )
            for r in out.itertuples()
        ]
    out.attrs.update(nominal=nominal, min_skill=min_skill, tolerance=tolerance)
    drawn = detail.attrs.get("parameters", {})
    if "sectors_backtested" in drawn:
        out.attrs.update(sectors_backtested=drawn["sectors_backtested"], sectors=drawn["sectors"])
    return out


def backtest_findings(summary: pd.DataFrame, lang: str = "fr") -> list[str]:
    """What the back-test says, one sentence per level, with the families it contradicts.

    For each level (sectors, municipality) the sentence of the ``all`` row,
    followed by the families whose own trust is lower (``do_not_trust`` or
    ``caution`` where the whole level is trusted): a reader is never told the
    projection "can be used" while a family's forecast does no better than the
    naive one.

    Parameters
    ----------
    summary : DataFrame
        From :func:`backtest_summary`.
    lang : {"fr", "en"}
        Language.

    Returns
    -------
    list of str

    Examples
    --------
    >>> s = pd.DataFrame({"level": ["sectors"] * 3, "scope": ["a", "property", "all"],
    ...     "trust": ["trust", "do_not_trust", "trust"], "text_en": ["", "", "Good."]})
    >>> backtest_findings(s, "en")
    ['Sectors: Good. Except for Property crime: do not rely on it.']
    """
    if summary.empty or "scope" not in summary.columns:
        return []
    rank = {level: i for i, level in enumerate(TRUST_LEVELS)}
    out = []
    for level, part in summary.groupby("level", sort=False):
        whole = part[part["scope"] == "all"]
        if whole.empty:
            continue
        overall = str(whole["trust"].iloc[0])
        text = i18n.t(
            "evaluation.backtest.level",
            lang,
            level=i18n.label("evaluation.backtest.level", level, lang),
            text=str(whole[f"text_{lang}"].iloc[0]),
        )
        worse = part[(part["scope"] != "all") & (part["trust"].map(rank) > rank[overall])]
        for trust, fams in worse.groupby("trust", sort=True):
            names = ", ".join(i18n.label("family", f, lang) for f in fams["scope"])
            text += " " + i18n.t(f"evaluation.backtest.except.{trust}", lang, families=names)
        if level == "sectors" and "sectors_backtested" in summary.attrs:
            text += " " + i18n.t(
                "evaluation.backtest.drawn",
                lang,
                n=fmt.integer(summary.attrs["sectors_backtested"], lang),
                total=fmt.integer(summary.attrs["sectors"], lang),
            )
        out.append(text)
    return out
