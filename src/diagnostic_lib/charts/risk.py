"""Current and future risk (step 3): the risk matrix and the 12-month projection.

The matrix's classes and levels are those the table was computed with
(:class:`diagnostic_lib.evaluation.RiskScale`, kept in the table's ``attrs``).

Examples
--------
>>> from diagnostic_lib import evaluation
>>> evaluation.RiskScale().level([4, 12, 25]).tolist()
['low', 'high', 'very_high']
"""

from __future__ import annotations

import numpy as np
import pandas as pd

from .. import evaluation, i18n, style
from .canvas import _fig, _legend


def _scale(current: pd.DataFrame) -> evaluation.RiskScale:
    """The risk scale the table was computed with (its ``attrs``), else the default one."""
    a = current.attrs
    if {"likelihood_edges", "impact_edges", "risk_level_max"} <= set(a):
        return evaluation.RiskScale(
            tuple(a["likelihood_edges"]), tuple(a["impact_edges"]), tuple(a["risk_level_max"])
        )
    return evaluation.RiskScale()


def _risk_background(ax, le, ie, scale: evaluation.RiskScale) -> None:
    """The 5 × 5 cells of the matrix, coloured by risk level."""
    from matplotlib.patches import Rectangle

    for i in range(5):
        for j in range(5):
            ax.add_patch(
                Rectangle(
                    (le[i], ie[j]),
                    le[i + 1] - le[i],
                    ie[j + 1] - ie[j],
                    color=style.RISK_LEVEL_COLOURS[scale.level((i + 1) * (j + 1))],
                    zorder=0,
                )
            )


def risk_matrix_chart(
    current: pd.DataFrame, *, lang: str = "fr", label_top: int = 6, title: str | None = None
):
    """Risk matrix: likelihood (events per year) × impact (mean severity), per sector × family.

    The background shows the risk levels of
    :func:`diagnostic_lib.evaluation.current_risk` (likelihood class × impact
    class); the size of each point is the share of surveyed residents naming
    a related concern (citizen concern), its colour the family. The
    ``label_top`` highest risks are labelled.

    Parameters
    ----------
    current : DataFrame
        From :func:`diagnostic_lib.evaluation.current_risk`.
    lang : {"fr", "en"}
        Language.
    label_top : int
        Number of highest risks labelled.
    title : str, optional
        Title.

    Returns
    -------
    matplotlib.figure.Figure

    Examples
    --------
    >>> c = pd.DataFrame({"sector": ["S1", "S2"], "family": ["violent", "property"],
    ...     "likelihood": [30.0, 200.0], "impact": [70.0, 40.0], "risk_score": [12, 15],
    ...     "concern": [0.2, 0.5]})
    >>> risk_matrix_chart(c, lang="en").axes[0].get_xlabel()
    'Likelihood: expected events per year (log scale)'
    """
    d = current[(current["sector"] != "*") & (current["likelihood"] > 0)]
    fig, ax = _fig((8.5, 6.0))
    scale = _scale(current)
    le = (
        min(0.3, scale.likelihood_edges[0] / 3),
        *scale.likelihood_edges,
        max(3000.0, scale.likelihood_edges[-1] * 30),
    )
    ie = (
        min(2.0, scale.impact_edges[0] / 5),
        *scale.impact_edges,
        max(8000.0, scale.impact_edges[-1] * 16),
    )
    _risk_background(ax, le, ie, scale)
    # without a survey the concern column holds no number (object dtype): no bubble growth
    conc = (
        pd.to_numeric(d["concern"], errors="coerce").fillna(0.0).to_numpy(dtype="float64")
        if "concern" in d.columns
        else np.zeros(len(d))
    )
    for fam, g in d.groupby("family"):
        sel = d.index.isin(g.index)
        ax.scatter(
            g["likelihood"],
            g["impact"],
            s=20 + 400 * conc[sel],
            color=style.FAMILY_COLOURS.get(fam, style.FALLBACK),
            alpha=0.75,
            edgecolors=style.PAPER,
            linewidths=0.5,
            label=i18n.label("family", fam, lang),
            zorder=3,
        )
    for r in d.sort_values("risk_score", ascending=False).head(label_top).to_dict("records"):
        ax.annotate(
            f"{r['sector']}",
            (r["likelihood"], r["impact"]),
            fontsize=7,
            xytext=(3, -9),
            textcoords="offset points",
            zorder=4,
        )
    ax.set_xscale("log")
    ax.set_yscale("log")
    ax.set_xlim(le[0], le[-1])
    ax.set_ylim(ie[0], ie[-1])
    ax.set_xlabel(i18n.t("charts.risk.likelihood", lang))
    ax.set_ylabel(i18n.t("charts.risk.impact", lang))
    leg = _legend(
        ax,
        fontsize=7,
        loc="lower right",
        title=(i18n.t("charts.risk.size", lang)),
        title_fontsize=7,
    )
    for h in leg.legend_handles if leg is not None else ():
        h.set_sizes([40])
    ax.set_title(
        title or i18n.t("charts.risk.title", lang),
        fontsize=10,
    )
    return fig


def projection_chart(
    history: pd.DataFrame,
    monthly: pd.DataFrame,
    backtest=None,
    *,
    lang: str = "fr",
    title: str | None = None,
):
    """A group's monthly history, its projection with the prediction interval, and the backtest.

    Parameters
    ----------
    history : DataFrame
        ``month, count`` of one group (from
        :func:`diagnostic_lib.evaluation.monthly_counts`).
    monthly : DataFrame
        ``month, mean, low, high`` of the same group (``Projection.monthly``).
    backtest : DataFrame, optional
        The group's rows of :func:`diagnostic_lib.evaluation.backtest`.
    lang : {"fr", "en"}
        Language.
    title : str, optional
        Title.

    Returns
    -------
    matplotlib.figure.Figure

    Examples
    --------
    >>> months = pd.date_range("2024-01-01", periods=5, freq="MS")
    >>> h = pd.DataFrame({"month": months[:3], "count": [3, 4, 5]})
    >>> p = pd.DataFrame({"month": months[3:], "mean": [5.0, 5.5], "low": [2.0, 2.0],
    ...                   "high": [9.0, 10.0]})
    >>> projection_chart(h, p, lang="en").axes[0].get_ylabel()
    'Events per month'
    """
    colours = style.PROJECTION
    fig, ax = _fig((8.5, 3.8))
    ax.plot(
        history["month"],
        history["count"],
        color=colours["observed"],
        linewidth=1.2,
        label=i18n.t("charts.projection.observed", lang),
    )
    ax.plot(
        monthly["month"],
        monthly["mean"],
        color=colours["projection"],
        linewidth=1.8,
        label=i18n.t("charts.projection.projection", lang),
    )
    ax.fill_between(
        monthly["month"],
        monthly["low"],
        monthly["high"],
        color=colours["projection"],
        alpha=0.2,
        label=i18n.t("charts.projection.interval", lang),
    )
    if backtest is not None and len(backtest):
        ax.plot(
            backtest["month"],
            backtest["mean"],
            color=colours["backtest"],
            linestyle="--",
            linewidth=1.2,
            label=i18n.t("charts.projection.backtest", lang),
        )
        ax.fill_between(
            backtest["month"],
            backtest["low"],
            backtest["high"],
            color=colours["backtest"],
            alpha=0.12,
        )
        ax.plot(
            backtest["month"],
            backtest["naive"],
            color=colours["naive"],
            linestyle=":",
            linewidth=1.2,
            label=i18n.t("charts.projection.naive", lang),
        )
    ax.set_ylabel(i18n.t("charts.events_per_month", lang))
    ax.set_ylim(bottom=0)
    _legend(ax, fontsize=7, loc="upper left", ncols=2)
    ax.set_title(title or i18n.t("charts.projection.title", lang), fontsize=10)
    return fig
