"""When incidents happen (step 1): hour × weekday, seasonality, yearly counts.

Examples
--------
>>> import matplotlib
>>> matplotlib.use("Agg")
>>> import numpy as np, pandas as pd
>>> hour_weekday_heatmap(pd.DataFrame(np.ones((7, 24))), lang="fr").axes[0].get_xlabel()
'Heure'
"""

from __future__ import annotations

import numpy as np
import pandas as pd

from .. import formatting as fmt
from .. import i18n, stats, style
from ..ticks import locale_ticks
from .canvas import _fig, _legend

_WEEKDAYS = i18n.WEEKDAYS_SHORT
_MONTHS = i18n.MONTHS


def hour_weekday_heatmap(matrix: pd.DataFrame, *, lang: str = "fr", title: str | None = None):
    """Heat map of an hour × weekday matrix (from :func:`diagnostic_lib.inventory.hour_weekday`).

    Parameters
    ----------
    matrix : DataFrame
        7 weekdays (Monday first) × 24 hours.
    lang : {"fr", "en"}
        Language.
    title : str, optional
        Title.

    Returns
    -------
    matplotlib.figure.Figure

    Examples
    --------
    >>> m = pd.DataFrame(np.ones((7, 24)))
    >>> hour_weekday_heatmap(m, lang="en").axes[0].get_ylabel()
    'Day of week'
    """
    fig, ax = _fig((9.0, 3.6))
    im = ax.imshow(
        np.asarray(matrix, dtype="float64"), aspect="auto", cmap=style.HEATMAP_CMAP, origin="upper"
    )
    ax.set_yticks(range(7), _WEEKDAYS[lang])
    ax.set_xticks(range(0, 24, 2), [f"{h:02d}" for h in range(0, 24, 2)])
    ax.set_xlabel(i18n.t("charts.hour", lang))
    ax.set_ylabel(i18n.t("charts.weekday", lang))
    cb = fig.colorbar(im, ax=ax)
    cb.set_label(i18n.t("charts.aoristic", lang))
    ax.set_title(title or i18n.t("charts.hour_weekday.title", lang))
    left = int(matrix.attrs.get("left_out", 0) or 0)
    if left:  # dates known only to the month or the year: say that they are not shown
        note = i18n.t("charts.hour_weekday.left_out", lang, n=fmt.integer(left, lang))
        ax.set_xlabel(f"{i18n.t('charts.hour', lang)}\n{note}")
    locale_ticks(fig, lang)
    return fig


def seasonality_chart(
    season: pd.DataFrame, *, lang: str = "fr", by: str | None = None, title: str | None = None
):
    """Monthly seasonality index with intervals (from :func:`diagnostic_lib.inventory.seasonality`).

    Parameters
    ----------
    season : DataFrame
        ``month, years, mean, index, mean_low, mean_high`` (and ``by``).
    lang : {"fr", "en"}
        Language.
    by : str, optional
        One line per value of this column (e.g. ``"family"``).
    title : str, optional
        Title.

    Returns
    -------
    matplotlib.figure.Figure

    Examples
    --------
    >>> s = pd.DataFrame({"month": range(1, 13), "years": 2, "mean": 10.0, "index": 1.0,
    ...                   "mean_low": 8.0, "mean_high": 12.0})
    >>> seasonality_chart(s, lang="fr").axes[0].get_ylabel()
    'Indice saisonnier (mois moyen = 1)'
    """
    fig, ax = _fig()
    groups = [(None, season)] if by is None else list(season.groupby(by, sort=True))
    for g, sub in groups:
        sub = sub.sort_values("month")
        mean_month = sub["mean"].mean()
        lab = None if g is None else i18n.label("family", g, lang) if by == "family" else str(g)
        ax.plot(sub["month"], sub["index"], marker=style.POINT_MARKER, label=lab)
        if mean_month > 0:
            ax.fill_between(
                sub["month"],
                sub["mean_low"] / mean_month,
                sub["mean_high"] / mean_month,
                alpha=0.15,
            )
    ax.axhline(1.0, color=style.REFERENCE["mean"], linewidth=0.8, linestyle="--")
    ax.set_xticks(range(1, 13), _MONTHS[lang])
    ax.set_ylabel(i18n.t("charts.seasonal_index", lang))
    if by is not None:
        _legend(ax, fontsize=8)
    col = "complete_years" if "complete_years" in season.columns else "years"
    yrs = int(season[col].iloc[0]) if len(season) else 0
    if yrs == 0 and len(season) and col == "complete_years":
        used = season.groupby(by)["years"].sum().max() if by else season["years"].sum()
        auto = i18n.t("charts.seasonality.title_partial", lang, months=fmt.integer(used, lang))
    else:
        auto = i18n.t("charts.seasonality.title", lang, years=fmt.integer(yrs, lang))
    ax.set_title(title or auto)
    locale_ticks(fig, lang)
    return fig


def yearly_counts_chart(
    counts: pd.DataFrame, *, by: str = "family", lang: str = "fr", title: str | None = None
):
    """Yearly counts per group with exact Poisson intervals.

    The counts come from :func:`diagnostic_lib.inventory.counts`.

    Parameters
    ----------
    counts : DataFrame
        ``period, count`` and the ``by`` column.
    by : str
        One bar per value of this column.
    lang : {"fr", "en"}
        Language.
    title : str, optional
        Title.

    Returns
    -------
    matplotlib.figure.Figure

    Examples
    --------
    >>> c = pd.DataFrame({"family": ["violent", "violent"], "period": [2024, 2025],
    ...                   "count": [10, 20]})
    >>> yearly_counts_chart(c, lang="en").axes[0].get_ylabel()
    'Incidents per year'
    """
    fig, ax = _fig()
    groups = list(counts.groupby(by, sort=True))
    width = 0.8 / max(len(groups), 1)
    periods = sorted(counts["period"].unique())
    x0 = np.arange(len(periods))
    for i, (g, sub) in enumerate(groups):
        sub = sub.set_index("period").reindex(periods, fill_value=0)
        lo, hi = stats.poisson_ci(sub["count"].to_numpy())
        y = sub["count"].to_numpy()
        lab = i18n.label("family", g, lang) if by == "family" else str(g)
        ax.bar(x0 + i * width, y, width, label=lab, yerr=[y - lo, hi - y], capsize=2)
    ax.set_xticks(x0 + width * (len(groups) - 1) / 2, [str(p) for p in periods])
    ax.set_ylabel(i18n.t("charts.per_year", lang))
    _legend(ax, outside=True, fontsize=8, ncols=min(len(groups), 3))
    ax.set_title(title or i18n.t("charts.yearly.title", lang))
    locale_ticks(fig, lang)
    return fig
