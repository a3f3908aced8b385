"""Where incidents concentrate (step 1): the Lorenz curve over places, the Knox test of near repeat.

Examples
--------
>>> import matplotlib
>>> matplotlib.use("Agg")
>>> lorenz_chart([5, 0, 0, 1], lang="en").axes[0].get_ylabel()
'Share of incidents'
"""

from __future__ import annotations

import numpy as np
import pandas as pd

from .. import formatting as fmt
from .. import i18n, stats, style
from ..ticks import locale_ticks
from .canvas import _fig, _legend


def lorenz_chart(place_count, *, lang: str = "fr", title: str | None = None):
    """Lorenz curve of incidents over places, with the Gini coefficients in the legend.

    Parameters
    ----------
    place_count : array-like
        Incidents per place (places with none included).
    lang : {"fr", "en"}
        Language.
    title : str, optional
        Title.

    Returns
    -------
    matplotlib.figure.Figure

    Examples
    --------
    >>> lorenz_chart([5, 0, 0, 1], lang="fr").axes[0].get_legend().get_texts()[0].get_text()[:5]
    'Gini '
    """
    lz = stats.lorenz(place_count)
    g = stats.gini(place_count)
    gg = stats.generalised_gini(place_count)
    fig, ax = _fig((5.5, 5.0))
    lab = i18n.t(
        "charts.lorenz.gini",
        lang,
        gini=fmt.decimal(g, lang, 2),
        generalised=fmt.decimal(gg, lang, 2),
    )
    ax.plot(lz["share_places"], lz["share_incidents"], color=style.REFERENCE["lorenz"], label=lab)
    ax.plot(
        [0, 1],
        [0, 1],
        color=style.REFERENCE["line"],
        linestyle="--",
        label=i18n.t("charts.lorenz.equality", lang),
    )
    ax.set_xlabel(i18n.t("charts.lorenz.places", lang))
    ax.set_ylabel(i18n.t("charts.lorenz.incidents", lang))
    ax.set_xlim(0, 1)
    ax.set_ylim(0, 1)
    _legend(ax, loc="lower right", fontsize=8)
    ax.set_title(title or i18n.t("charts.lorenz.title", lang))
    locale_ticks(fig, lang)
    return fig


_STAR_P = 0.05
"""A Knox band is starred when its q-value (else p-value) is under this (a reading aid)."""


def knox_heatmap(knox: pd.DataFrame, *, lang: str = "fr", title: str | None = None):
    """Knox ratios by distance × time band; bands with q < 0.05 are marked with a star.

    The star reads the Benjamini–Hochberg q-value across the bands when ``knox``
    has one (as :func:`~diagnostic_lib.inventory.knox_test` gives): with 16 bands, a
    p < 0.05 starred a band in half the maps of events with no near repeat. A table
    without q-values is starred on its p-values, and the legend says which.

    Parameters
    ----------
    knox : DataFrame
        From :func:`diagnostic_lib.inventory.knox_test`.
    lang : {"fr", "en"}
        Language.
    title : str, optional
        Title.

    Returns
    -------
    matplotlib.figure.Figure

    Examples
    --------
    >>> k = pd.DataFrame({"distance_band": ["0–100"], "time_band": ["0–7"], "ratio": [2.0],
    ...                   "p_value": [0.01], "observed": [10], "d_low": [0], "t_low": [0]})
    >>> knox_heatmap(k, lang="en").axes[0].texts[0].get_text()
    '2.00*'
    """
    piv = knox.pivot_table(
        index=["d_low", "distance_band"],
        columns=["t_low", "time_band"],
        values="ratio",
        aggfunc="first",
    )
    tested = "q_value" if "q_value" in knox.columns else "p_value"
    pv = knox.pivot_table(
        index=["d_low", "distance_band"],
        columns=["t_low", "time_band"],
        values=tested,
        aggfunc="first",
    )
    fig, ax = _fig((7.0, 4.0))
    vals = piv.to_numpy(dtype="float64")
    if not vals.size:  # no pair of events to test (a tiny export)
        ax.set_axis_off()
        ax.set_title(title or i18n.t("maps.no_data", lang))
        return fig
    vmax = max(2.0, float(np.nanmax(vals)) if np.isfinite(vals).any() else 2.0)
    im = ax.imshow(vals, cmap=style.KNOX_CMAP, vmin=0, vmax=vmax, aspect="auto")
    for i in range(vals.shape[0]):
        for j in range(vals.shape[1]):
            v = vals[i, j]
            star = "*" if pv.to_numpy()[i, j] < _STAR_P else ""
            txt = fmt.decimal(v, lang, 2) + star
            ax.text(j, i, txt, ha="center", va="center", fontsize=8)
    ax.set_xticks(range(vals.shape[1]), [c[1] for c in piv.columns])
    ax.set_yticks(range(vals.shape[0]), [r[1] for r in piv.index])
    ax.set_xlabel(i18n.t("charts.knox.days", lang))
    ax.set_ylabel(i18n.t("charts.knox.distance", lang))
    cb = fig.colorbar(im, ax=ax)
    key = "charts.knox.ratio_q" if tested == "q_value" else "charts.knox.ratio"
    cb.set_label(i18n.t(key, lang, alpha=fmt.decimal(_STAR_P, lang, 2)))
    ax.set_title(title or i18n.t("charts.knox.title", lang))
    locale_ticks(fig, lang)
    return fig
