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
from ..label_placement import place_labels, wrap
from .canvas import (
    _box,
    _deferred_draws,
    _fig_legend,
    _fit,
    decorate,
    draw_landmarks,
    draw_sectors,
    landmark_handles,
    new_map,
)

LEGEND_WIDTH = 100
"""Longest line of a problem's name in the legend (names are wrapped, never cut)."""
BOX_WIDTH = 60
"""Longest line of a problem's name in the box of problems without a place."""


@_deferred_draws
def problems_map(  # noqa: PLR0913 -- a map's usual keywords
    problems,
    sectors,
    *,
    ranking=None,
    lang: str = "fr",
    top: int = 10,
    title: str | None = None,
    source: str | None = None,
    date: str | None = None,
    landmarks=None,
    tiles=None,
):
    """Problems (place and area problems) over the sectors, numbered by priority rank.

    Municipality-wide problems have no place to draw: they are listed in a box.
    Every other problem shows as its number in a circle of its colour, whatever
    its size: numbers at the same place are moved apart with a leader line.
    Names are given in full (wrapped), in the legend under the map.

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
    source, date : str, optional
        Source note: where the data come from (the municipality) and its date
        (:func:`~diagnostic_lib.maps.add_source_note`).
    landmarks : GeoDataFrame, optional
        Named places drawn for context (:func:`diagnostic_lib.inventory.landmarks`).
    tiles : TileSource, optional
        Background tiles (:mod:`diagnostic_lib.tiles`); none by default.

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
    draw_sectors(ax, sectors, facecolor=style.SECTOR_FILL if tiles is None else "none")
    order = list(ranking["problem_id"]) if ranking is not None else list(problems["problem_id"])
    pb = problems.set_index("problem_id")
    tcol = "title_fr" if lang == "fr" else "title_en"
    handles = []
    box_lines = []
    numbers = []
    for rank, pid in enumerate(order[:top], start=1):
        if pid not in pb.index:
            continue
        rec = pb.loc[pid]
        colour = style.palette_colour(rank - 1)
        label = f"{rank}. {rec[tcol]}"
        if rec.get("kind", "place") == "municipality" or rec.geometry is None:
            box_lines.append(wrap(label, BOX_WIDTH))
            continue
        place = rec.get("kind", "place") == "place"
        problems[problems["problem_id"] == pid].plot(
            ax=ax,
            facecolor=colour,
            edgecolor=colour,
            alpha=0.45 if place else 0.12,
            linewidth=1.2 if place else 2.0,
            zorder=3 if place else 2,
        )
        c = rec.geometry.representative_point()
        numbers.append((c.x, c.y, str(rank), colour))
        handles.append(Patch(facecolor=colour, alpha=0.6, edgecolor=colour, label=label))
    _fit(ax, sectors)
    if handles:
        for h in handles:
            h.set_label(wrap(h.get_label(), LEGEND_WIDTH))
        handles += landmark_handles(landmarks, lang)
        _fig_legend(fig, handles, i18n.t("maps.problems.title", lang), ncols=1)
    if box_lines:
        _box(ax, [i18n.t("maps.no_place", lang), *box_lines])
    decorate(
        ax,
        title or i18n.t("maps.problems.title", lang),
        lang,
        source,
        date,
        tiles=tiles,
        crs=sectors.crs,
    )
    # every problem shows as its number, even a small place or one under a larger area;
    # numbers at the same place are moved apart (with a leader line), off the sector names
    circle = {"boxstyle": "circle", "facecolor": style.PAPER, "lw": 1.5}
    spots = [(x, y, n, {"bbox": {**circle, "edgecolor": c}}) for x, y, n, c in numbers]
    place_labels(ax, spots, fontsize=9, fontweight="bold", zorder=16)
    if handles:  # landmarks only where they are in the legend
        draw_landmarks(ax, landmarks)
    return fig
