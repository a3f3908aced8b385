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

from .. import evaluation, i18n, layout, style
from ..label_placement import place_labels, sector_names
from ..ticks import locale_ticks
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
                    gid=layout.BACKGROUND_GID,
                )
            )


def _risk_key(top: pd.DataFrame, names: dict, lang: str) -> list[str]:
    """The key of the numbered risks: ``k. sector name — family``."""
    return [
        f"{k}. {names.get(r['sector'], r['sector'])} — {i18n.label('family', r['family'], lang)}"
        for k, r in enumerate(top.to_dict("records"), 1)
    ]


def _risk_numbers(ax, top: pd.DataFrame) -> None:
    """Number the highest risks on the matrix, moved apart (with a leader line) when close."""
    spots = [
        (r["likelihood"], r["impact"], str(k)) for k, r in enumerate(top.to_dict("records"), 1)
    ]
    circle = {"boxstyle": "circle,pad=0.2", "facecolor": style.PAPER, "edgecolor": style.INK}
    place_labels(ax, spots, fontsize=7, fontweight="bold", bbox=circle, zorder=5)


def _risk_legends(fig, ax, scale: evaluation.RiskScale, key: list[str], lang: str) -> None:
    """Beside the matrix: families (point size: concern), risk levels and the numbered key."""
    from matplotlib.lines import Line2D
    from matplotlib.patches import Patch

    handles, labels = ax.get_legend_handles_labels()
    levels = list(dict.fromkeys(scale.level(np.arange(1, 26))))
    zones = [
        Patch(facecolor=style.RISK_LEVEL_COLOURS[lv], edgecolor=style.BOX_EDGE) for lv in levels
    ]
    blank = Line2D([], [], linestyle="")
    all_handles = [*handles, blank, *zones]
    all_labels = [*labels, i18n.t("charts.risk.levels", lang)]
    all_labels += [i18n.t(f"evaluation.risk_level.{lv}", lang) for lv in levels]
    headings = [len(handles)]
    if key:
        headings.append(len(all_handles))
        all_handles += [blank] * (len(key) + 1)
        all_labels += [i18n.t("charts.risk.key", lang), *key]
    leg = fig.legend(
        all_handles,
        all_labels,
        loc="outside right upper",
        fontsize=7,
        title=i18n.t("charts.risk.size", lang),
        title_fontsize=7,
        frameon=False,
    )
    for h in leg.legend_handles[: len(handles)]:
        h.set_sizes([40])
    for i in headings:
        leg.get_texts()[i].set_fontweight("bold")


def risk_matrix_chart(
    current: pd.DataFrame,
    *,
    lang: str = "fr",
    label_top: int = 6,
    title: str | None = None,
    sectors: pd.DataFrame | None = None,
):
    """Risk matrix: likelihood (events per year) × impact (mean severity), per sector × family.

    The background shows the risk levels of
    :func:`diagnostic_lib.evaluation.current_risk` (likelihood class × impact
    class); the size of each point is the share of surveyed residents naming
    a related concern (citizen concern), its colour the family. The
    ``label_top`` highest risks are numbered on the matrix (moved apart, with
    a leader line, when close) and named in a key beside it, with the legend
    of the families and of the risk levels: nothing is written over the data.

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
    sectors : DataFrame, optional
        Canonical sectors (``sector_id``, ``name``): the key names the sectors;
        without them, their ids.

    Returns
    -------
    matplotlib.figure.Figure

    Examples
    --------
    >>> c = pd.DataFrame({"sector": ["S1", "S2"], "family": ["violent", "property"],
    ...     "likelihood": [30.0, 200.0], "impact": [70.0, 40.0], "risk_score": [12, 15],
    ...     "concern": [0.2, 0.5]})
    >>> s = pd.DataFrame({"sector_id": ["S1", "S2"], "name": ["Gare", "Carrefour"]})
    >>> fig = risk_matrix_chart(c, lang="en", sectors=s)
    >>> fig.axes[0].get_xlabel()
    'Likelihood: expected events per year (log scale)'
    >>> [t.get_text() for t in fig.legends[0].get_texts()][-2:]
    ['1. Carrefour — Property crime', '2. Gare — Violent crime']
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
    ax.set_xscale("log")
    ax.set_yscale("log")
    ax.set_xlim(le[0], le[-1])
    ax.set_ylim(ie[0], ie[-1])
    ax.set_xlabel(i18n.t("charts.risk.likelihood", lang))
    ax.set_ylabel(i18n.t("charts.risk.impact", lang))
    names = (
        {}
        if sectors is None
        else dict(zip(sectors["sector_id"], sector_names(sectors), strict=True))
    )
    top = d.sort_values("risk_score", ascending=False, kind="stable").head(label_top)
    key = _risk_key(top, names, lang)
    _risk_legends(fig, ax, scale, key, lang)
    ax.set_title(title or i18n.t("charts.risk.title", lang), fontsize=10)
    _risk_numbers(ax, top)  # last: placed on the final layout
    locale_ticks(fig, lang)
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
    locale_ticks(fig, lang)
    return fig
