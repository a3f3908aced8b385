"""Hot spots: the grid of Getis–Ord Gi* classes (from :func:`diagnostic_lib.inventory.hot_spots`).

:data:`HOT_LABELS` names each class; its colour is
:data:`diagnostic_lib.style.HOT_COLOURS`.

Examples
--------
>>> HOT_LABELS["hot_99"]
('Point chaud (99 %)', 'Hot spot (99%)')
"""

from __future__ import annotations

from .. import formatting as fmt
from .. import i18n, inventory, layout, style
from .canvas import (
    _deferred_draws,
    _fig_legend,
    _fit,
    add_polygons,
    decorate,
    draw_landmarks,
    draw_sectors,
    fill_alpha,
    landmark_handles,
    new_map,
)

HOT_LABELS: dict[str, tuple[str, str]] = {
    c: i18n.LABELS[f"maps.hot.{c}"] for c in style.HOT_COLOURS
}
"""Gi* class → (French, English) label (from the catalogue, keys ``maps.hot.<class>``)."""


def hot_label(hot_class: str, lang: str = "fr") -> str:
    """The label of a Gi* class.

    Parameters
    ----------
    hot_class : str
        A key of :data:`HOT_LABELS`.
    lang : {"fr", "en"}
        Language.

    Returns
    -------
    str

    Examples
    --------
    >>> hot_label("cold_95", "en")
    'Cold spot (95%)'
    """
    return i18n.t(f"maps.hot.{hot_class}", lang)


@_deferred_draws
def hot_spot_map(
    hot,
    sectors,
    *,
    lang: str = "fr",
    title: str | None = None,
    source: str | None = None,
    date: str | None = None,
    landmarks=None,
    tiles=None,
):
    """Hot-spot grid by Gi* class (from :func:`diagnostic_lib.inventory.hot_spots`).

    The parameters used (cell size, neighbourhood, correction) are written
    under the title.

    Parameters
    ----------
    hot : GeoDataFrame
        Grid cells with ``hot_class``.
    sectors : GeoDataFrame
        Canonical sectors.
    lang : {"fr", "en"}
        Language.
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
    >>> import warnings; warnings.simplefilter("ignore")
    >>> import geopandas as gpd, numpy as np, shapely
    >>> from diagnostic_lib import inventory
    >>> from diagnostic_lib.maps import legend_labels
    >>> area = gpd.GeoDataFrame({"sector_id": ["A"]}, geometry=[shapely.box(0, 0, 2000, 2000)],
    ...                         crs="EPSG:32188")
    >>> rng = np.random.default_rng(0)
    >>> xy = gpd.points_from_xy(rng.normal(500, 50, 200), rng.normal(500, 50, 200))
    >>> inc = gpd.GeoDataFrame(geometry=xy, crs="EPSG:32188")
    >>> fig = hot_spot_map(inventory.hot_spots(inc, area=area, cell_size=200), area, lang="en")
    >>> "Hot spot (99%)" in " ".join(legend_labels(fig))
    True
    """
    from matplotlib.patches import Patch

    fig, ax = new_map()
    counts = hot["hot_class"].value_counts()
    handles = []
    alpha = fill_alpha(tiles)
    for cls, colour in style.HOT_COLOURS.items():
        sub = hot[hot["hot_class"] == cls]
        if len(sub):
            grid = cls == "not_significant"
            edge = style.HOT_CELL_EDGE if grid else colour
            # over tiles, the cells that are not significant are outlines only: the streets show
            face = "none" if grid and tiles is not None else colour
            # one collection per class (a city's grid is 10,000+ cells: GeoSeries.plot is slow)
            coll = add_polygons(
                ax,
                sub.geometry,
                facecolor=face,
                edgecolor=edge,
                linewidth=0.2,
                zorder=2,
                alpha=alpha,
            )
            if grid:  # the grid itself: context, not data
                layout.background(coll)
        if cls in counts.index or cls.startswith("hot"):
            label = f"{hot_label(cls, lang)} ({fmt.integer(counts.get(cls, 0), lang)})"
            handles.append(Patch(facecolor=colour, edgecolor=style.BOX_EDGE, label=label))
    draw_sectors(ax, sectors)
    _fit(ax, sectors)
    handles += landmark_handles(landmarks, lang)
    _fig_legend(fig, handles, i18n.t("maps.hot.legend", lang), ncols=2)
    decorate(
        ax,
        title or i18n.t("maps.hot.title", lang),
        lang,
        source,
        date,
        subtitle=inventory.hot_spot_parameters_text(hot, lang),
        tiles=tiles,
        crs=sectors.crs,
    )
    draw_landmarks(ax, landmarks)
    return fig
