"""Perception (step 1): the recorded-crime rank of each sector against its concern rank.

Examples
--------
>>> from diagnostic_lib import style
>>> sorted(style.PERCEPTION_COLOURS)
['', 'less_fear', 'more_fear']
"""

from __future__ import annotations

import pandas as pd

from .. import i18n, style
from .canvas import _fig


def perception_gap_chart(gap: pd.DataFrame, *, lang: str = "fr", title: str | None = None):
    """Recorded-crime rank against concern rank, one point per sector.

    Sectors above the diagonal worry more than recorded crime suggests.

    Parameters
    ----------
    gap : DataFrame
        From :func:`diagnostic_lib.inventory.perception_gap`.
    lang : {"fr", "en"}
        Language.
    title : str, optional
        Title.

    Returns
    -------
    matplotlib.figure.Figure

    Examples
    --------
    >>> g = pd.DataFrame({"sector": ["A", "B"], "name": ["A", "B"], "crime_rank": [1, 2],
    ...                   "concern_rank": [2, 1], "flag": ["", "more_fear"]})
    >>> perception_gap_chart(g, lang="en").axes[0].get_xlabel()
    'Recorded crime rank (1 = highest)'
    """
    from matplotlib.lines import Line2D

    fig, ax = _fig((5.5, 5.0))
    ranks = pd.to_numeric(
        pd.concat([gap["crime_rank"], gap["concern_rank"]]) if len(gap) else pd.Series([]),
        errors="coerce",
    ).astype("float64")
    n = int(ranks.max()) if ranks.notna().any() else 1  # no rank without populations
    ax.plot([1, n], [1, n], color=style.REFERENCE["line"], linestyle="--")
    colours = style.PERCEPTION_COLOURS
    for rec in gap.itertuples(index=False):
        if pd.isna(rec.crime_rank) or pd.isna(rec.concern_rank):
            continue
        c = colours.get(rec.flag, colours[""])
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
    ax.set_xlabel(i18n.t("charts.perception.crime_rank", lang))
    ax.set_ylabel(i18n.t("charts.perception.concern_rank", lang))
    handles = [
        Line2D(
            [],
            [],
            marker=style.POINT_MARKER,
            linestyle="",
            color=colours["more_fear"],
            label=i18n.t("charts.perception.more_fear", lang),
        ),
        Line2D(
            [],
            [],
            marker=style.POINT_MARKER,
            linestyle="",
            color=colours["less_fear"],
            label=i18n.t("charts.perception.less_fear", lang),
        ),
    ]
    # under the axes: inside, a corner of the rank square always holds a sector
    fig.legend(handles=handles, fontsize=8, loc="outside lower center", ncols=2, frameon=False)
    ax.set_title(title or i18n.t("charts.perception.title", lang))
    return fig
