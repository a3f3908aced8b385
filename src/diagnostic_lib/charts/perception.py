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
from ..label_placement import SHOWN_AT_MOST, left_out_title
from ..ticks import locale_ticks
from .canvas import _fig


def perception_gap_chart(
    gap: pd.DataFrame,
    *,
    lang: str = "fr",
    title: str | None = None,
    max_named: int | None = SHOWN_AT_MOST,
):
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
    max_named : int, optional
        Most sectors named (``None``: all): above, every sector is drawn but only
        those whose two ranks differ most are named, and the title says how many
        are not.

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
    named, unnamed = _named(gap, max_named)
    batched = unnamed > 0  # a large region: one collection of points per colour
    if batched:
        _points_by_colour(ax, gap, colours)
    for i, rec in enumerate(gap.itertuples(index=False)):
        if pd.isna(rec.crime_rank) or pd.isna(rec.concern_rank):
            continue
        c = colours.get(rec.flag, colours[""])
        if not batched:
            ax.scatter([rec.crime_rank], [rec.concern_rank], color=c, s=40, zorder=3)
        if not named[i]:
            continue
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
    ax.set_title(
        left_out_title(title or i18n.t("charts.perception.title", lang), unnamed, "sectors", lang)
    )
    locale_ticks(fig, lang)
    return fig


def _points_by_colour(ax, gap: pd.DataFrame, colours: dict) -> None:
    """Every ranked sector's point, one ``scatter`` per colour (in the order of the colours)."""
    ranks = gap[["crime_rank", "concern_rank"]].apply(pd.to_numeric, errors="coerce")
    ranked = ranks.notna().all(axis=1)
    flag = gap["flag"].where(gap["flag"].isin(list(colours)), "")
    for key, colour in colours.items():
        pts = ranks[ranked & (flag == key)]
        if len(pts):
            ax.scatter(pts["crime_rank"], pts["concern_rank"], color=colour, s=40, zorder=3)


def _named(gap: pd.DataFrame, most: int | None) -> tuple[list[bool], int]:
    """Which sectors (rows) are named; how many ranked sectors are not.

    All of them, or the ``most`` whose two ranks differ most.
    """
    crime = pd.to_numeric(gap["crime_rank"], errors="coerce").astype("float64")
    concern = pd.to_numeric(gap["concern_rank"], errors="coerce").astype("float64")
    ranked = (crime.notna() & concern.notna()).to_numpy()
    if most is None or ranked.sum() <= most:
        return [True] * len(gap), 0
    spread = (crime - concern).abs().where(ranked, -1.0).reset_index(drop=True)
    keep = set(spread.sort_values(ascending=False, kind="stable").index[:most])
    return [i in keep for i in range(len(gap))], int(ranked.sum()) - most
