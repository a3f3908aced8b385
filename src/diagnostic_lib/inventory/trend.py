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

from .. import i18n, settings, stats

CHANGE_CODES = ("significant_rise", "significant_fall", "stable", "too_few")
"""The labels of :func:`change`."""

CHANGE_LABELS: dict[str, tuple[str, str]] = {
    code: (i18n.t(f"inventory.change.{code}", "fr"), i18n.t(f"inventory.change.{code}", "en"))
    for code in CHANGE_CODES
}
"""Label of :func:`change` → (French, English) wording, from the label catalogue."""

MONTHS: int = settings.default("change_months")
MIN_EVENTS: int = settings.default("change_min_events")
ALPHA: float = settings.default("alpha")


def change(
    incidents: pd.DataFrame,
    by: Sequence[str] = ("sector", "category"),
    end: Any = None,
    months: int = MONTHS,
    min_events: int = MIN_EVENTS,
    alpha: float = ALPHA,
    adjust: str | None = "fdr",
) -> pd.DataFrame:
    """Change of the last 12 months against the previous 12 and against the baseline.

    For each group: events in the last ``months`` months (``last``), in the
    ``months`` before (``previous``), and the mean per ``months`` window of all
    complete earlier windows (``baseline_mean``, over ``baseline_windows``
    windows, the previous one included). Each comparison gives a ratio and an
    E-test p-value (Krishnamoorthy & Thomson, 2004); with ``adjust="fdr"`` the
    labels use Benjamini–Hochberg q-values across all the groups tested, since
    many sector × category tests are run at once. Never a bare percent change
    (see docs/methods.md, *E-test*).

    Labels: ``significant_rise``, ``significant_fall``, ``stable``, or
    ``too_few`` when the two windows together hold fewer than ``min_events``.

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

    Returns
    -------
    DataFrame
        ``*by, last, previous, ratio, p_value, q_value, label, baseline_mean,
        baseline_windows, ratio_baseline, p_baseline, q_baseline,
        label_baseline, label_fr, label_en``; ``attrs["windows"]`` gives the dates.

    Examples
    --------
    >>> import pandas as pd
    >>> inc = pd.DataFrame({"family": ["fraud_cyber"] * 90 + ["fraud_cyber"] * 30,
    ...     "occurred_from": pd.to_datetime(["2025-06-01"] * 90 + ["2024-06-01"] * 30)})
    >>> c = change(inc, by=("family",), end="2026-01-01")
    >>> c[["last", "previous", "ratio", "label"]].values.tolist()
    [[90, 30, 3.0, 'significant_rise']]
    """
    ts = incidents["occurred_from"]
    end_ts, w1, w0, b0, k = _change_windows(ts.min(), ts.max(), end, months)
    keys = list(by)
    df = incidents[keys].copy()
    win = np.full(len(df), "", dtype=object)
    tv = ts.to_numpy()
    win[(tv >= np.datetime64(w1)) & (tv < np.datetime64(end_ts))] = "last"
    win[(tv >= np.datetime64(w0)) & (tv < np.datetime64(w1))] = "previous"
    df["win"] = win
    df["base"] = (tv >= np.datetime64(b0)) & (tv < np.datetime64(w1))
    g_last = df[df["win"] == "last"].groupby(keys, observed=True, dropna=False).size()
    g_prev = df[df["win"] == "previous"].groupby(keys, observed=True, dropna=False).size()
    g_base = df[df["base"]].groupby(keys, observed=True, dropna=False).size()
    idx = g_last.index.union(g_prev.index).union(g_base.index)
    out = pd.DataFrame(
        {
            "last": g_last.reindex(idx, fill_value=0),
            "previous": g_prev.reindex(idx, fill_value=0),
            "baseline_total": g_base.reindex(idx, fill_value=0),
        }
    ).astype("int64")
    out["baseline_windows"] = k
    out["baseline_mean"] = out["baseline_total"] / k
    with np.errstate(divide="ignore", invalid="ignore"):
        out["ratio"] = np.where(out["previous"] > 0, out["last"] / out["previous"], np.nan)
        out["ratio_baseline"] = np.where(
            out["baseline_mean"] > 0, out["last"] / out["baseline_mean"], np.nan
        )
    out["p_value"] = stats.e_tests(out["last"], out["previous"])
    out["p_baseline"] = stats.e_tests(out["last"], out["baseline_total"], 1.0, float(k))
    enough = (out["last"] + out["previous"]) >= min_events
    enough_b = (out["last"] + out["baseline_mean"]) >= min_events
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
            ~ok,
            "too_few",
            np.where(q < alpha, np.where(up, "significant_rise", "significant_fall"), "stable"),
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
    out = out.reset_index()
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
    ]
    out = out[cols]
    out.attrs["windows"] = {
        "last": (str(w1.date()), str(end_ts.date())),
        "previous": (str(w0.date()), str(w1.date())),
        "baseline": (str(b0.date()), str(w1.date())),
        "adjust": adjust,
        "alpha": alpha,
        "min_events": min_events,
    }
    return out


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
    while pd.notna(first) and end_ts - pd.DateOffset(
        months=months * (k + 2)
    ) >= first.normalize() - pd.Timedelta(days=31):
        k += 1
    k = max(k, 1)
    b0 = w1 - pd.DateOffset(months=months * k)
    return end_ts, w1, w0, b0, k
