"""Emerging hot spots on the grid, by class (:func:`diagnostic_lib.inventory.emerging_hot_spots`).

Each class's colour is :data:`diagnostic_lib.style.EMERGING_COLOURS`, its label
:func:`diagnostic_lib.inventory.emerging_label`.

Examples
--------
>>> from diagnostic_lib import style
>>> list(style.EMERGING_COLOURS)[:2]
['intensifying_hot', 'persistent_hot']
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

_BACKGROUND = ("no_pattern", "not_enough_data")
"""Classes drawn as the grid itself (context, not data)."""


@_deferred_draws
def emerging_map(
    emerging,
    sectors,
    *,
    lang: str = "fr",
    title: str | None = None,
    source: str | None = None,
    date: str | None = None,
    landmarks=None,
    tiles=None,
):
    """Emerging hot spots: each grid cell coloured by its class (new, persistent, …).

    The parameters used (slices, cell size, correction, trend test) are
    written under the title; the legend lists the classes present, with their
    number of cells.

    Parameters
    ----------
    emerging : GeoDataFrame
        From :func:`diagnostic_lib.inventory.emerging_hot_spots` (``pattern``).
    sectors : GeoDataFrame
        Canonical sectors.
    lang : {"fr", "en"}
        Language.
    title : str, optional
        Title.
    source, date : str, optional
        Source note: where the data come from (the municipality) and its date.
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
    >>> import geopandas as gpd, numpy as np, pandas as pd, shapely
    >>> from diagnostic_lib import inventory
    >>> from diagnostic_lib.maps import legend_labels
    >>> area = gpd.GeoDataFrame({"sector_id": ["A"], "name": ["Centre"]},
    ...                         geometry=[shapely.box(0, 0, 2000, 2000)], crs="EPSG:32188")
    >>> rng = np.random.default_rng(0)
    >>> x, y = rng.uniform(0, 2000, 500), rng.uniform(0, 2000, 500)
    >>> x[:150], y[:150] = rng.normal(500, 60, 150), rng.normal(500, 60, 150)
    >>> when = pd.to_datetime([f"{2020 + i % 5}-06-01" for i in range(500)])
    >>> inc = gpd.GeoDataFrame({"occurred_from": when}, geometry=gpd.points_from_xy(x, y),
    ...                        crs="EPSG:32188")
    >>> grid = inventory.make_grid(area, 200)
    >>> e = inventory.emerging_hot_spots(inc, grid, "year", period=("2020-01-01", "2024-12-31"))
    >>> fig = emerging_map(e, area, lang="en")
    >>> any(t.startswith("Persistent hot spot") for t in legend_labels(fig))
    True
    """
    from matplotlib.patches import Patch

    fig, ax = new_map()
    counts = emerging["pattern"].value_counts()
    handles = []
    alpha = fill_alpha(tiles)
    for cls, colour in style.EMERGING_COLOURS.items():
        sub = emerging[emerging["pattern"] == cls]
        if not len(sub):
            continue
        grid = cls in _BACKGROUND
        edge = style.HOT_CELL_EDGE if grid else colour
        face = "none" if grid and tiles is not None else colour
        coll = add_polygons(
            ax, sub.geometry, facecolor=face, edgecolor=edge, linewidth=0.2, zorder=2, alpha=alpha
        )
        if grid:  # the grid itself: context, not data
            layout.background(coll)
        label = f"{inventory.emerging_label(cls, lang)} ({fmt.integer(counts.get(cls, 0), lang)})"
        handles.append(Patch(facecolor=colour, edgecolor=style.BOX_EDGE, label=label))
    draw_sectors(ax, sectors)
    _fit(ax, sectors)
    handles += landmark_handles(landmarks, lang)
    _fig_legend(fig, handles, i18n.t("maps.emerging.legend", lang), ncols=2)
    decorate(
        ax,
        title or i18n.t("maps.emerging.title", lang),
        lang,
        source,
        date,
        subtitle=inventory.emerging_parameters_text(emerging, lang),
        tiles=tiles,
        crs=sectors.crs,
    )
    draw_landmarks(ax, landmarks)
    return fig
