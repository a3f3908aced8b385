"""Problems found in step 1 (places and areas), numbered by their priority rank.

Examples
--------
>>> import matplotlib
>>> matplotlib.use("Agg")
>>> import geopandas as gpd, shapely
>>> from diagnostic_lib.maps import legend_labels
>>> s = gpd.GeoDataFrame({"sector_id": ["A"]}, geometry=[shapely.box(0, 0, 10, 10)])
>>> pb = gpd.GeoDataFrame({"problem_id": ["P1"], "kind": ["municipality"], "title_fr": ["Fraude"],
...                        "title_en": ["Fraud"]}, geometry=[None])
>>> legend_labels(problems_map(pb, s, lang="en"))
[]
"""

from __future__ import annotations

from .. import i18n, style
from .canvas import _box, _deferred_draws, _fit, _short, decorate, draw_sectors, new_map


@_deferred_draws
def problems_map(
    problems,
    sectors,
    *,
    ranking=None,
    lang: str = "fr",
    top: int = 10,
    title: str | None = None,
    source: str = "diagnostic_lib",
    date: str | None = None,
):
    """Problems (place and area problems) over the sectors, numbered by priority rank.

    Municipality-wide problems have no place to draw: they are listed in a box.

    Parameters
    ----------
    problems : GeoDataFrame
        Problem register.
    sectors : GeoDataFrame
        Canonical sectors.
    ranking : DataFrame, optional
        From :func:`diagnostic_lib.inventory.priority`; default: register order.
    lang : {"fr", "en"}
        Language.
    top : int
        Number of problems drawn.
    title : str, optional
        Title.
    source, date : str
        Source note.

    Returns
    -------
    matplotlib.figure.Figure

    Examples
    --------
    >>> import geopandas as gpd, shapely
    >>> from diagnostic_lib.maps import legend_labels
    >>> s = gpd.GeoDataFrame({"sector_id": ["A"]}, geometry=[shapely.box(0, 0, 10, 10)])
    >>> pb = gpd.GeoDataFrame({"problem_id": ["P1"], "kind": ["place"], "title_fr": ["Vols"],
    ...                        "title_en": ["Thefts"]}, geometry=[shapely.box(2, 2, 4, 4)])
    >>> legend_labels(problems_map(pb, s, lang="en"))
    ['1. Thefts']
    """
    from matplotlib.patches import Patch

    fig, ax = new_map()
    draw_sectors(ax, sectors, facecolor=style.SECTOR_FILL)
    order = list(ranking["problem_id"]) if ranking is not None else list(problems["problem_id"])
    pb = problems.set_index("problem_id")
    tcol = "title_fr" if lang == "fr" else "title_en"
    handles = []
    box_lines = []
    for rank, pid in enumerate(order[:top], start=1):
        if pid not in pb.index:
            continue
        rec = pb.loc[pid]
        colour = style.palette_colour(rank - 1)
        label = f"{rank}. {rec[tcol]}"
        if rec.get("kind", "place") == "municipality" or rec.geometry is None:
            box_lines.append(label)
            continue
        place = rec.get("kind", "place") == "place"
        problems[problems["problem_id"] == pid].plot(
            ax=ax,
            facecolor=colour,
            edgecolor=colour,
            alpha=0.45 if place else 0.18,
            linewidth=1.2,
            zorder=3 if rec.get("kind") == "place" else 2,
        )
        c = rec.geometry.representative_point()
        circle = {"boxstyle": "circle", "facecolor": style.PAPER, "edgecolor": colour}
        ax.text(
            c.x,
            c.y,
            str(rank),
            fontsize=9,
            fontweight="bold",
            ha="center",
            va="center",
            zorder=16,
            bbox=circle,
        )
        handles.append(
            Patch(facecolor=colour, alpha=0.6, edgecolor=colour, label=_short(label, 70))
        )
    _fit(ax, sectors)
    if handles:
        heading = i18n.t("maps.problems.title", lang)
        fig.legend(
            handles=handles,
            loc="outside lower center",
            fontsize=7,
            ncols=1,
            frameon=False,
            title=heading,
            title_fontsize=8,
        )
    if box_lines:
        _box(ax, [i18n.t("maps.no_place", lang), *(_short(b, 60) for b in box_lines)])
    decorate(ax, title or i18n.t("maps.problems.title", lang), lang, source, date)
    return fig
