"""Charts (matplotlib) for the tables the steps compute: every label in French or English.

Like :mod:`diagnostic_lib.maps`, these functions draw; they never compute
anything the step modules do not already return.

Examples
--------
>>> import matplotlib
>>> matplotlib.use("Agg")
>>> import pandas as pd
>>> from diagnostic_lib import charts
>>> fig = charts.lorenz_chart(pd.Series([10, 5, 0, 0]), lang="en")
>>> fig.axes[0].get_xlabel()
'Share of places (most affected first)'
"""

from __future__ import annotations

import numpy as np
import pandas as pd

from . import i18n, stats

_WEEKDAYS = {
    "fr": ("lun.", "mar.", "mer.", "jeu.", "ven.", "sam.", "dim."),
    "en": ("Mon", "Tue", "Wed", "Thu", "Fri", "Sat", "Sun"),
}
_MONTHS = {
    "fr": (
        "janv.",
        "févr.",
        "mars",
        "avr.",
        "mai",
        "juin",
        "juil.",
        "août",
        "sept.",
        "oct.",
        "nov.",
        "déc.",
    ),
    "en": ("Jan", "Feb", "Mar", "Apr", "May", "Jun", "Jul", "Aug", "Sep", "Oct", "Nov", "Dec"),
}


def _fig(figsize=(8.0, 4.5)):
    import matplotlib.pyplot as plt

    return plt.subplots(figsize=figsize, layout="constrained")


def _pct(v: float, lang: str) -> str:
    return f"{v * 100:.0f}\u202f%" if lang == "fr" else f"{v * 100:.0f}%"


def hour_weekday_heatmap(matrix: pd.DataFrame, *, lang: str = "fr", title: str | None = None):
    """Heat map of an hour × weekday matrix (from :func:`inventory.hour_weekday`).

    Examples
    --------
    >>> m = pd.DataFrame(np.ones((7, 24)))
    >>> hour_weekday_heatmap(m, lang="en").axes[0].get_ylabel()
    'Day of week'
    """
    fig, ax = _fig((9.0, 3.6))
    im = ax.imshow(
        np.asarray(matrix, dtype="float64"), aspect="auto", cmap="YlOrRd", origin="upper"
    )
    ax.set_yticks(range(7), _WEEKDAYS[lang])
    ax.set_xticks(range(0, 24, 2), [f"{h:02d}" for h in range(0, 24, 2)])
    ax.set_xlabel("Heure" if lang == "fr" else "Hour")
    ax.set_ylabel("Jour de la semaine" if lang == "fr" else "Day of week")
    cb = fig.colorbar(im, ax=ax)
    cb.set_label(
        "Incidents (pondération aoristique)" if lang == "fr" else "Incidents (aoristic weight)"
    )
    ax.set_title(title or ("Heure × jour de la semaine" if lang == "fr" else "Hour × day of week"))
    return fig


def seasonality_chart(
    season: pd.DataFrame, *, lang: str = "fr", by: str | None = None, title: str | None = None
):
    """Monthly seasonality index with intervals (from :func:`inventory.seasonality`).

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
        ax.plot(sub["month"], sub["index"], marker="o", label=lab)
        if mean_month > 0:
            ax.fill_between(
                sub["month"],
                sub["mean_low"] / mean_month,
                sub["mean_high"] / mean_month,
                alpha=0.15,
            )
    ax.axhline(1.0, color="#666666", linewidth=0.8, linestyle="--")
    ax.set_xticks(range(1, 13), _MONTHS[lang])
    ax.set_ylabel(
        "Indice saisonnier (mois moyen = 1)" if lang == "fr" else "Seasonal index (mean month = 1)"
    )
    if by is not None:
        ax.legend(fontsize=8)
    yrs = int(season["years"].iloc[0]) if len(season) else 0
    ax.set_title(
        title
        or (
            f"Saisonnalité ({yrs} années complètes)"
            if lang == "fr"
            else f"Seasonality ({yrs} complete years)"
        )
    )
    return fig


def lorenz_chart(place_count, *, lang: str = "fr", title: str | None = None):
    """Lorenz curve of incidents over places, with the Gini coefficients in the legend.

    Examples
    --------
    >>> lorenz_chart([5, 0, 0, 1], lang="fr").axes[0].get_legend().get_texts()[0].get_text()[:5]
    'Gini '
    """
    lz = stats.lorenz(place_count)
    g = stats.gini(place_count)
    gg = stats.generalised_gini(place_count)
    fig, ax = _fig((5.5, 5.0))
    lab = (
        f"Gini {g:.2f} ; Gini généralisé {gg:.2f}"
        if lang == "fr"
        else f"Gini {g:.2f}; generalised Gini {gg:.2f}"
    )
    ax.plot(lz["share_places"], lz["share_incidents"], color="#D55E00", label=lab)
    ax.plot(
        [0, 1],
        [0, 1],
        color="#999999",
        linestyle="--",
        label="Égalité parfaite" if lang == "fr" else "Perfect equality",
    )
    ax.set_xlabel(
        "Part des lieux (les plus touchés d'abord)"
        if lang == "fr"
        else "Share of places (most affected first)"
    )
    ax.set_ylabel("Part des incidents" if lang == "fr" else "Share of incidents")
    ax.set_xlim(0, 1)
    ax.set_ylim(0, 1)
    ax.legend(loc="lower right", fontsize=8)
    ax.set_title(
        title
        or (
            "Concentration des incidents (courbe de Lorenz)"
            if lang == "fr"
            else "Concentration of incidents (Lorenz curve)"
        )
    )
    return fig


def knox_heatmap(knox: pd.DataFrame, *, lang: str = "fr", title: str | None = None):
    """Knox ratios by distance × time band; bands with p < 0.05 are marked with a star.

    Examples
    --------
    >>> k = pd.DataFrame({"distance_band": ["0–100"], "time_band": ["0–7"], "ratio": [2.0], "p_value": [0.01],
    ...                   "observed": [10], "d_low": [0], "t_low": [0]})
    >>> knox_heatmap(k, lang="en").axes[0].texts[0].get_text()
    '2.00*'
    """
    piv = knox.pivot_table(
        index=["d_low", "distance_band"],
        columns=["t_low", "time_band"],
        values="ratio",
        aggfunc="first",
    )
    pv = knox.pivot_table(
        index=["d_low", "distance_band"],
        columns=["t_low", "time_band"],
        values="p_value",
        aggfunc="first",
    )
    fig, ax = _fig((7.0, 4.0))
    vals = piv.to_numpy(dtype="float64")
    vmax = max(2.0, float(np.nanmax(vals)) if np.isfinite(vals).any() else 2.0)
    im = ax.imshow(vals, cmap="RdBu_r", vmin=0, vmax=vmax, aspect="auto")
    for i in range(vals.shape[0]):
        for j in range(vals.shape[1]):
            v = vals[i, j]
            star = "*" if pv.to_numpy()[i, j] < 0.05 else ""
            txt = (
                "—"
                if not np.isfinite(v)
                else (f"{v:.2f}".replace(".", ",") if lang == "fr" else f"{v:.2f}")
            ) + star
            ax.text(j, i, txt, ha="center", va="center", fontsize=8)
    ax.set_xticks(range(vals.shape[1]), [c[1] for c in piv.columns])
    ax.set_yticks(range(vals.shape[0]), [r[1] for r in piv.index])
    ax.set_xlabel("Écart en jours" if lang == "fr" else "Days apart")
    ax.set_ylabel("Distance (m)")
    cb = fig.colorbar(im, ax=ax)
    cb.set_label("Ratio de Knox (* p < 0,05)" if lang == "fr" else "Knox ratio (* p < 0.05)")
    ax.set_title(
        title or ("Quasi-répétition : test de Knox" if lang == "fr" else "Near repeat: Knox test")
    )
    return fig


def perception_gap_chart(gap: pd.DataFrame, *, lang: str = "fr", title: str | None = None):
    """Recorded-crime rank against concern rank, one point per sector.

    Sectors above the diagonal worry more than recorded crime suggests.

    Examples
    --------
    >>> g = pd.DataFrame({"sector": ["A", "B"], "name": ["A", "B"], "crime_rank": [1, 2], "concern_rank": [2, 1],
    ...                   "flag": ["", "more_fear"]})
    >>> perception_gap_chart(g, lang="en").axes[0].get_xlabel()
    'Recorded crime rank (1 = highest)'
    """
    fig, ax = _fig((5.5, 5.0))
    n = int(max(gap["crime_rank"].max(), gap["concern_rank"].max())) if len(gap) else 1
    ax.plot([1, n], [1, n], color="#999999", linestyle="--")
    colours = {"more_fear": "#D55E00", "less_fear": "#0072B2", "": "#444444"}
    for rec in gap.itertuples(index=False):
        if pd.isna(rec.crime_rank) or pd.isna(rec.concern_rank):
            continue
        c = colours.get(rec.flag, "#444444")
        ax.scatter([rec.crime_rank], [rec.concern_rank], color=c, s=40, zorder=3)
        ax.annotate(
            str(rec.name),
            (rec.crime_rank, rec.concern_rank),
            fontsize=8,
            xytext=(4, 4),
            textcoords="offset points",
        )
    ax.set_xlim(n + 0.5, 0.5)
    ax.set_ylim(n + 0.5, 0.5)
    ax.set_xlabel(
        "Rang de la criminalité enregistrée (1 = la plus élevée)"
        if lang == "fr"
        else "Recorded crime rank (1 = highest)"
    )
    ax.set_ylabel(
        "Rang de la préoccupation (1 = la plus forte)"
        if lang == "fr"
        else "Concern rank (1 = highest)"
    )
    from matplotlib.lines import Line2D

    handles = [
        Line2D([], [], marker="o", linestyle="", color=colours["more_fear"], label="Plus de crainte que de crimes" if lang == "fr" else "More fear than crime"),
        Line2D([], [], marker="o", linestyle="", color=colours["less_fear"], label="Moins de crainte que de crimes" if lang == "fr" else "Less fear than crime"),
    ]  # fmt: skip
    ax.legend(handles=handles, fontsize=8, loc="lower left")
    ax.set_title(
        title or ("Écart de perception par secteur" if lang == "fr" else "Perception gap by sector")
    )
    return fig


def yearly_counts_chart(
    counts: pd.DataFrame, *, by: str = "family", lang: str = "fr", title: str | None = None
):
    """Yearly counts per group with exact Poisson intervals (from :func:`inventory.counts`).

    Examples
    --------
    >>> c = pd.DataFrame({"family": ["violent", "violent"], "period": [2024, 2025], "count": [10, 20]})
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
    ax.set_ylabel("Incidents par année" if lang == "fr" else "Incidents per year")
    ax.legend(fontsize=8, ncols=2)
    ax.set_title(
        title
        or (
            "Incidents par année (intervalles de Poisson à 95 %)"
            if lang == "fr"
            else "Incidents per year (95% Poisson intervals)"
        )
    )
    return fig
