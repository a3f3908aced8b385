"""The trends of the top problems: monthly counts, significance and 12-month projection.

Examples
--------
>>> import matplotlib
>>> matplotlib.use("Agg")
"""

from __future__ import annotations

import textwrap

import pandas as pd

from .. import formatting as fmt
from .. import i18n, inventory, style
from ..summary import ProblemTrends
from ..ticks import locale_ticks
from .canvas import _month_ticks

HISTORY_MONTHS = 36
"""Months of history drawn before the projection."""


def _panel_title(row: pd.Series, lang: str) -> str:
    """The rank, what and where (wrapped) and, on its own line, the change over 12 months.

    The where of a title is kept up to its nearest place (``— PDQ-21``), so that two
    problems of the same families read differently.
    """
    what, _, where = str(row.get("short_title") or row[f"title_{lang}"]).partition(" — ")
    near = i18n.t("inventory.title.near_place", lang, place="")
    where = where.split(f", {near}")[0].split(" (")[0].strip()
    title = f"{what} — {where}" if where and not where.startswith(near) else what
    head = i18n.t("charts.trends.rank", lang, rank=fmt.integer(row["rank"], lang), title=title)
    trend = str(row["trend_label"])
    words = inventory.CHANGE_LABELS.get(trend, (trend, trend))[i18n.LANGS.index(lang)]
    p = row["trend_p"]
    sig = f"{words} ({fmt.pvalue(p, lang)})" if pd.notna(p) else words
    return "\n".join([*textwrap.wrap(head, 46), *textwrap.wrap(sig, 52)])


def problem_trends_chart(trends: ProblemTrends, *, lang: str = "fr", title: str | None = None):
    """One panel per top problem: monthly incidents, the projection and its interval.

    Parameters
    ----------
    trends : ProblemTrends
        From :func:`diagnostic_lib.summary.problem_trends`.
    lang : {"fr", "en"}
        Language.
    title : str, optional
        Title of the figure.

    Returns
    -------
    matplotlib.figure.Figure

    Examples
    --------
    >>> from diagnostic_lib import inventory, loaders, sample, summary
    >>> d = loaders.load_diagnostic(sample.sample_dir() / "diagnostic.toml")
    >>> inv = inventory.run(d, permutations=9)
    >>> tr = summary.problem_trends(d, inv.problems, inv.priority, top=2, n_sim=100)
    >>> fig = problem_trends_chart(tr, lang="en")
    >>> len(fig.axes), fig.axes[0].get_ylabel()
    (2, 'Incidents per month')
    """
    import matplotlib.pyplot as plt

    colours = style.PROJECTION
    info = trends.problems
    n = max(len(info), 1)
    cols = 1 if n == 1 else 2
    rows = (n + cols - 1) // cols
    fig, axes = plt.subplots(
        rows, cols, figsize=(9.0, 2.9 * rows + 0.4), layout="constrained", squeeze=False
    )
    hist, monthly = trends.history, trends.projection.monthly
    for k, ax in enumerate(axes.flat):
        if k >= len(info):
            ax.set_visible(False)
            continue
        row = info.iloc[k]
        h = hist[hist["problem_id"] == row["problem_id"]].sort_values("month").tail(HISTORY_MONTHS)
        m = monthly[monthly["problem_id"] == row["problem_id"]].sort_values("month")
        ax.plot(
            h["month"],
            h["count"],
            color=colours["observed"],
            linewidth=1.2,
            label=i18n.t("charts.projection.observed", lang),
        )
        if len(m):
            ax.plot(
                m["month"],
                m["mean"],
                color=colours["projection"],
                linewidth=1.6,
                linestyle="--",
                label=i18n.t("charts.projection.projection", lang),
            )
            ax.fill_between(
                m["month"],
                m["low"],
                m["high"],
                color=colours["projection"],
                alpha=0.2,
                linewidth=0,
                label=i18n.t("charts.trends.interval", lang, level=fmt.percent(trends.level, lang)),
            )
        _month_ticks(ax, pd.concat([h["month"], m["month"]]))
        ax.tick_params(labelsize=7)
        ax.set_ylim(bottom=0)
        ax.set_title(_panel_title(row, lang), fontsize=8, loc="left")
        if k % cols == 0:
            ax.set_ylabel(i18n.t("charts.trends.per_month", lang), fontsize=8)
    handles, labels = axes.flat[0].get_legend_handles_labels()
    if handles:
        fig.legend(handles, labels, loc="outside lower center", ncols=3, fontsize=7, frameon=False)
    fig.suptitle(title or i18n.t("charts.trends.title", lang), fontsize=10)
    locale_ticks(fig, lang)
    return fig
