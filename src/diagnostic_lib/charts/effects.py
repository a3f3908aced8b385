"""Effectiveness (step 3): a measure's monthly counts before and after, and the forest plot.

Examples
--------
>>> _FOREST_TICKS[:3]
(0.1, 0.2, 0.33)
"""

from __future__ import annotations

import textwrap

import numpy as np
import pandas as pd

from .. import formatting as fmt
from .. import i18n, style
from ..label_placement import SHOWN_AT_MOST, left_out_title, wrap
from ..ticks import locale_ticks
from .canvas import _fig, _legend, _month_ticks


def _shade_windows(ax, x, win) -> None:
    """Shade the before and after windows, hatch the implementation lag."""
    step = pd.Timedelta(days=31)
    for w, colour, hatch in style.WINDOW_SHADES:
        sel = x[(win == w).to_numpy()]
        if len(sel):
            ax.axvspan(
                sel.min(),
                sel.max() + step,
                color=colour,
                alpha=0.35,
                hatch=hatch,
                linewidth=0,
                zorder=0,
            )


_BEFORE_AFTER_MARGINS = {"left": 0.075, "right": 0.985, "top": 0.93, "bottom": 0.17}
"""Figure fractions around the before/after chart's axes (room for the legend below)."""


def before_after_chart(
    monthly: pd.DataFrame, effect=None, *, lang: str = "fr", title: str | None = None
):
    """Monthly counts of a measure's targeted incidents in its treated, buffer and control areas.

    The control is rescaled to the treated area's before-window total, so
    that the lines can be compared (its shape, not its size, matters). The
    before and after windows are shaded, the implementation lag hatched, the
    start marked; the treated area's monthly means before and after are drawn.

    Parameters
    ----------
    monthly : DataFrame
        From :func:`diagnostic_lib.evaluation.monthly_area_counts` (one measure).
    effect : Series, optional
        Its row of :func:`diagnostic_lib.evaluation.evaluate` (for the title).
    lang : {"fr", "en"}
        Language.
    title : str, optional
        Title.

    Returns
    -------
    matplotlib.figure.Figure

    Examples
    --------
    >>> m = pd.DataFrame({"month": pd.date_range("2023-01-01", periods=4, freq="MS").repeat(3),
    ...     "window": ["before"] * 6 + ["after"] * 6, "zone": ["treated", "buffer", "control"] * 4,
    ...     "count": [5, 2, 50, 6, 2, 60, 3, 2, 55, 2, 1, 50]})
    >>> fig = before_after_chart(m, lang="en")
    >>> fig.axes[0].get_ylabel()
    'Events per month'
    """
    fr = lang == "fr"
    # fixed margins, legend under the axes: drawn at each change of the explorer widget
    fig, ax = _fig((8.5, 4.4), margins=_BEFORE_AFTER_MARGINS)
    if len(monthly) == 0:
        ax.set_title(title or i18n.t("maps.no_data", lang))
        return fig
    piv = monthly.pivot_table(
        index="month", columns="zone", values="count", aggfunc="sum"
    ).sort_index()
    per_month = monthly.drop_duplicates("month").set_index("month").reindex(piv.index)
    win = per_month["window"]
    before = win == "before"
    # a gap month of the coverage calendar is no data: a break in the lines, not a zero
    gap = (
        ~per_month["covered"].fillna(True).astype(bool).to_numpy()
        if "covered" in per_month.columns
        else np.zeros(len(piv), dtype=bool)
    )
    names = {
        "treated": i18n.t("eval.area.treated", lang),
        "buffer": i18n.t("eval.area.buffer", lang),
        "control": i18n.t("eval.area.control_scaled", lang),
    }
    x = piv.index
    for area in ("control", "buffer", "treated"):
        if area not in piv.columns:
            continue
        y = piv[area].astype("float64")
        if area == "control" and "treated" in piv.columns:
            base_c, base_t = y[before.to_numpy()].sum(), piv["treated"][before.to_numpy()].sum()
            y = y * (base_t / base_c) if base_c > 0 else y * np.nan
        y = y.where(~gap)
        colour, ls = style.AREA_LINES[area]
        ax.plot(
            x,
            y,
            color=colour,
            linestyle=ls,
            marker=style.POINT_MARKER if area == "treated" else None,
            markersize=3,
            linewidth=1.8 if area == "treated" else 1.2,
            label=names[area],
        )
    _shade_windows(ax, x, win)
    step = pd.Timedelta(days=31)
    if "treated" in piv.columns:
        for w in ("before", "after"):
            sel = (win == w).to_numpy()
            if sel.any():
                m = piv["treated"][sel].mean()
                ax.hlines(
                    m,
                    x[sel].min(),
                    x[sel].max() + step,
                    color=style.AREA_LINES["treated"][0],
                    linewidth=0.8,
                    alpha=0.7,
                )
    starts = x[win.isin(["lag", "after"]).to_numpy()]  # not the history before the windows
    if len(starts):
        ax.axvline(starts.min(), color=style.REFERENCE["strong"], linewidth=1)
    _month_ticks(ax, x)
    ax.set_ylabel(i18n.t("charts.events_per_month", lang))
    ax.set_ylim(bottom=0)
    _legend(ax, fontsize=8, loc="upper center", bbox_to_anchor=(0.5, -0.07), ncol=3, frameon=False)
    if title is None and effect is not None:
        name = effect.get("name" if fr else "name_en", "")
        title = f"{effect.get('measure_id', effect.name)} — {name}"
    # a fixed title position: matplotlib would otherwise measure the axis to place it
    ax.set_title(title or i18n.t("charts.before_after.title", lang), fontsize=10, y=1.0, pad=6)
    locale_ticks(fig, lang)
    return fig


_FOREST_TICKS = (0.1, 0.2, 0.33, 0.5, 0.67, 0.8, 1.0, 1.25, 1.5, 2.0, 3.0, 5.0, 10.0)
"""Candidate ticks of the forest plot's log axis (those within the intervals' range are kept)."""


def _forest_ticks(ax, judged, lang: str) -> None:
    from matplotlib.ticker import FixedLocator, NullLocator

    lo_x = float(np.nanmin(judged[["res_low_adj", _LOW]].to_numpy())) if len(judged) else 0.5
    hi_x = float(np.nanmax(judged[["res_high_adj", _HIGH]].to_numpy())) if len(judged) else 2.0
    ticks = [t for t in _FOREST_TICKS if lo_x / 1.3 <= t <= hi_x * 1.3]
    ax.xaxis.set_major_locator(FixedLocator(ticks))
    ax.xaxis.set_minor_locator(NullLocator())
    ax.set_xticklabels([fmt.compact(t, lang) for t in ticks])


_EST, _LOW, _HIGH = "res_corrected", "res_corrected_low", "res_corrected_high"


def forest_plot(
    effects: pd.DataFrame,
    *,
    lang: str = "fr",
    title: str | None = None,
    max_measures: int | None = SHOWN_AT_MOST,
):
    """Forest plot of the measures' relative effect sizes (RES) with their intervals.

    Dot and thick bar: the corrected estimate and its placebo-based interval (what
    the verdict rests on); hollow dot and thin bar: the raw estimate and its
    quasi-Poisson interval. Log scale; RES > 1 means a relative fall in the
    treated area. Measures that could not be judged are listed under the plot
    with their verdict.

    Parameters
    ----------
    effects : DataFrame
        From :func:`diagnostic_lib.evaluation.evaluate`.
    lang : {"fr", "en"}
        Language.
    title : str, optional
        Title.
    max_measures : int, optional
        Most measures drawn, and most listed under the plot (``None``: all): above,
        the judged measures with the largest estimated effects (either way) are
        drawn, and the title and the list say how many are left out.

    Returns
    -------
    matplotlib.figure.Figure

    Examples
    --------
    >>> e = pd.DataFrame({"measure_id": ["M1", "M2"], "name": ["a", "b"], "name_en": ["a", "b"],
    ...     "res": [1.7, 1.0], "res_low": [1.3, 0.8], "res_high": [2.2, 1.25],
    ...     "res_low_adj": [1.2, 0.7], "res_high_adj": [2.4, 1.4], "res_corrected": [1.8, 1.0],
    ...     "res_corrected_low": [1.3, 0.6], "res_corrected_high": [2.5, 1.6],
    ...     "verdict": ["effective", "inconclusive"]})
    >>> fig = forest_plot(e, lang="en")
    >>> fig.axes[0].get_xlabel()[:3]
    'RES'
    """
    from matplotlib.lines import Line2D

    fr = lang == "fr"
    colours = style.VERDICT_COLOURS
    judged = effects[effects["verdict"].isin(list(colours))]
    others = effects[~effects.index.isin(judged.index)]
    left_out = 0
    if max_measures is not None and len(judged) > max_measures:
        est = pd.to_numeric(judged[_EST], errors="coerce").astype("float64").to_numpy()
        with np.errstate(divide="ignore", invalid="ignore"):
            size = pd.Series(np.abs(np.log(est)))
        keep = size.sort_values(ascending=False, kind="stable")
        left_out = len(judged) - max_measures
        judged = judged.iloc[sorted(keep.index[:max_measures])]
    judged = judged.sort_values(_EST, ascending=True, kind="stable")
    fig, ax = _fig((8.5, 0.45 * max(len(judged), 1) + 2.4))
    ncol = "name" if fr else "name_en"
    labels = []
    drawn = ["verdict", "res_low_adj", "res_high_adj", "res", _LOW, _HIGH, _EST, "measure_id"]
    read = [c for c in dict.fromkeys([*drawn, ncol]) if c in judged.columns]
    for y, r in enumerate(judged[read].to_dict("records")):
        c = colours.get(r["verdict"], style.FALLBACK)
        ax.plot([r["res_low_adj"], r["res_high_adj"]], [y + 0.2, y + 0.2], color=c, linewidth=1.0)
        raw = {"marker": style.ESTIMATE_MARKER, "markersize": 4, "markerfacecolor": style.PAPER}
        ax.plot([r["res"]], [y + 0.2], color=c, **raw)
        ax.plot(
            [r[_LOW], r[_HIGH]],
            [y, y],
            color=c,
            linewidth=4,
            alpha=0.5,
            solid_capstyle="butt",
        )
        ax.plot([r[_EST]], [y], marker=style.ESTIMATE_MARKER, color=c, markersize=6)
        name = str(r.get(ncol, ""))
        labels.append(wrap(f"{r['measure_id']} {name}", 34))
    ax.axvline(1.0, color=style.REFERENCE["strong"], linestyle="--", linewidth=1)
    ax.set_xscale("log")
    ax.set_yticks(range(len(judged)), labels, fontsize=8)
    ax.set_xlabel(wrap(i18n.t("charts.forest.axis", lang), 70))
    handles = [
        Line2D(
            [],
            [],
            color=colours[v],
            marker=style.ESTIMATE_MARKER,
            linewidth=3,
            alpha=0.8,
            label=i18n.t(f"eval.verdict.{v}", lang),
        )
        for v in colours
        if (judged["verdict"] == v).any()
    ]
    if handles:
        fig.legend(handles=handles, fontsize=7, loc="outside right upper", frameon=False)
    _forest_ticks(ax, judged, lang)
    if len(others):
        listed = others if max_measures is None else others.iloc[:max_measures]
        colon = i18n.t("punct.colon", lang)
        txt = i18n.t("evaluation.text.list_separator", lang).join(
            f"{r['measure_id']}{colon}" + i18n.t(f"eval.verdict.{r['verdict']}", lang).lower()
            for r in listed[["measure_id", "verdict"]].to_dict("records")
        )
        if len(listed) < len(others):
            more = fmt.integer(len(others) - len(listed), lang)
            txt = i18n.t("charts.forest.not_judged_more", lang, measures=txt, n=more)
        fig.supxlabel(
            textwrap.fill(i18n.t("charts.forest.not_judged", lang, measures=txt), 150),
            fontsize=6.5,
            ha="left",
            x=0.01,
        )
    # wrapped to the width of the axes: the legend stands beside it
    head = wrap(title or i18n.t("charts.forest.title", lang), 60)
    ax.set_title(left_out_title(head, left_out, "measures", lang), fontsize=10)
    locale_ticks(fig, lang)
    return fig


def peak_chart(demo: pd.DataFrame, *, lang: str = "fr", title: str | None = None):
    """Regression to the mean: the monthly counts of cells chosen at their peak, and after.

    The cells of :func:`diagnostic_lib.evaluation.peak_demonstration` together, month by
    month: their usual level (the history), the peak window in which they were
    chosen (shaded) and the window after the pretend measure started (shaded), each
    with its monthly mean. Nothing was done: the fall from the peak back to the usual
    level is what a before/after comparison would credit to a measure.

    Parameters
    ----------
    demo : DataFrame
        From :func:`diagnostic_lib.evaluation.peak_demonstration` (its
        ``attrs["monthly"]``: ``month, window, count``).
    lang : {"fr", "en"}
        Language.
    title : str, optional
        Title.

    Returns
    -------
    matplotlib.figure.Figure

    Examples
    --------
    >>> demo = pd.DataFrame({"measure_id": ["X01"]})
    >>> demo.attrs["monthly"] = pd.DataFrame({
    ...     "month": pd.date_range("2023-01-01", periods=6, freq="MS"),
    ...     "window": ["history"] * 2 + ["before"] * 2 + ["after"] * 2,
    ...     "count": [4, 5, 9, 8, 5, 4]})
    >>> fig = peak_chart(demo, lang="en")
    >>> fig.axes[0].get_title()
    'Why a measure placed at a peak looks effective'
    """
    fig, ax = _fig((8.5, 4.2))
    monthly = demo.attrs.get("monthly")
    if monthly is None or not len(monthly):
        ax.set_title(title or i18n.t("maps.no_data", lang))
        return fig
    x = pd.DatetimeIndex(monthly["month"])
    y = monthly["count"].astype("float64").to_numpy()
    win = monthly["window"].reset_index(drop=True)
    colour = style.AREA_LINES["treated"][0]
    ax.plot(x, y, color=colour, marker=style.POINT_MARKER, markersize=3, linewidth=1.6)
    _shade_windows(ax, x, win)
    step = pd.Timedelta(days=31)
    means = (
        ("history", style.REFERENCE["mean"], "--"),
        ("before", style.REFERENCE["strong"], "-"),
        ("after", colour, "-"),
    )
    for w, c, ls in means:
        sel = (win == w).to_numpy()
        if not sel.any():
            continue
        m = float(y[sel].mean())
        label = i18n.t(f"charts.peak.{w}", lang, mean=fmt.decimal(m, lang, 1))
        ax.hlines(m, x[sel].min(), x[sel].max() + step, color=c, linestyle=ls, label=label)
    after = x[(win == "after").to_numpy()]
    if len(after):
        ax.axvline(after.min(), color=style.REFERENCE["strong"], linewidth=1)
    n = fmt.integer(len(demo), lang)
    ax.set_ylabel(i18n.t("charts.peak.axis", lang, n=n))
    ax.set_ylim(bottom=0)
    _legend(ax, outside=True, fontsize=8, ncols=2)  # under the axes: off the peak
    ax.set_title(title or i18n.t("charts.peak.title", lang), fontsize=10)
    locale_ticks(fig, lang)
    return fig
