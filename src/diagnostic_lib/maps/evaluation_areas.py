"""Evaluation areas (step 3): a measure's treated area, buffer ring and control area.

Colours and opacities: :data:`diagnostic_lib.style.EVALUATION_AREAS`.

Examples
--------
>>> from diagnostic_lib import style
>>> list(style.EVALUATION_AREAS)
['treated', 'buffer', 'control']
"""

from __future__ import annotations

import numpy as np

from .. import i18n, style
from .canvas import _deferred_draws, _fit, _plt, add_polygons, decorate, draw_sectors


def _draw_areas(ax, g) -> None:
    for area in ("control", "buffer", "treated"):
        if area in g.index and g.loc[area, "geometry"] is not None:
            colour, alpha = style.EVALUATION_AREAS[area]
            add_polygons(
                ax,
                [g.loc[area, "geometry"]],
                facecolor=colour,
                alpha=alpha,
                edgecolor=colour,
                linewidth=0.6,
                zorder=3,
            )


def _zoom(ax, g, sectors) -> None:
    """Fit the close-up to the treated area and its ring (the whole town without them)."""
    import geopandas as gpd

    zone = [
        g.loc[a, "geometry"]
        for a in ("treated", "buffer")
        if a in g.index and g.loc[a, "geometry"] is not None
    ]
    if zone:
        outer = gpd.GeoSeries(zone).union_all()
        _fit(ax, gpd.GeoSeries([outer.buffer(max(np.sqrt(outer.area) * 0.6, 150.0))]))
    else:
        _fit(ax, sectors)


@_deferred_draws
def evaluation_map(
    design,
    sectors,
    *,
    lang: str = "fr",
    title: str | None = None,
    source: str | None = None,
    date: str | None = None,
    tiles=None,
):
    """A measure's treated area, buffer ring and control area: the whole town and a close-up.

    Parameters
    ----------
    design : GeoDataFrame
        One measure's rows of :func:`diagnostic_lib.evaluation.design_areas`
        (``zone`` = treated, buffer, control; ``excluded`` lists other
        measures left out of the control).
    sectors : GeoDataFrame
        Canonical sectors.
    lang : {"fr", "en"}
        Language.
    title : str, optional
        Title of the town-wide panel.
    source, date : str, optional
        Source note: where the data come from (the municipality) and its date
        (:func:`~diagnostic_lib.maps.add_source_note`).
    tiles : TileSource, optional
        Background tiles (:mod:`diagnostic_lib.tiles`); none by default.

    Returns
    -------
    matplotlib.figure.Figure

    Examples
    --------
    >>> import geopandas as gpd, shapely
    >>> from diagnostic_lib.maps import legend_labels
    >>> s = gpd.GeoDataFrame({"sector_id": ["A"]}, geometry=[shapely.box(0, 0, 1000, 1000)])
    >>> t = shapely.box(400, 400, 500, 500)
    >>> c = shapely.box(0, 0, 1000, 1000).difference(t.buffer(100))
    >>> d = gpd.GeoDataFrame({"zone": ["treated", "buffer", "control"], "excluded": [(), (), ()]},
    ...                      geometry=[t, t.buffer(100).difference(t), c])
    >>> legend_labels(evaluation_map(d, s, lang="en"))
    ['Treated area', 'Buffer ring (displacement)', 'Control area']
    """
    from matplotlib.patches import Patch

    # fixed margins: the explorer widget redraws this map when a measure or a ring changes,
    # and a constrained layout would measure every text first (a third of the render)
    fig, axes = _plt().subplots(1, 2, figsize=(11.0, 5.6))
    fig.subplots_adjust(left=0.01, right=0.99, top=0.94, bottom=0.08, wspace=0.04)
    g = design.set_index("zone") if "zone" in design.columns else design
    for k, ax in enumerate(axes):
        ax.set_aspect("equal")
        ax.set_xticks([])
        ax.set_yticks([])
        draw_sectors(ax, sectors, facecolor=style.SECTOR_FILL, labels=(k == 0))
        _draw_areas(ax, g)
        if k == 0:
            _fit(ax, sectors)
            head = title or i18n.t("eval.map.title", lang)
        else:
            _zoom(ax, g, sectors)
            head = i18n.t("eval.map.zoom", lang)
        decorate(ax, head, lang, source, date, tiles=tiles, crs=sectors.crs)
    handles = [
        Patch(facecolor=colour, alpha=alpha, edgecolor=colour, label=i18n.t(f"eval.area.{a}", lang))
        for a, (colour, alpha) in style.EVALUATION_AREAS.items()
        if a in g.index
    ]
    fig.legend(handles=handles, loc="lower center", ncols=3, fontsize=8, frameon=False)
    if "control" in g.index and "excluded" in g.columns and len(g.loc["control", "excluded"]):
        ids = ", ".join(g.loc["control", "excluded"])
        ax = axes[0]
        ax.text(
            0.01,
            0.99,
            i18n.t("maps.evaluation.excluded", lang, ids=ids),
            transform=ax.transAxes,
            va="top",
            ha="left",
            fontsize=7,
            zorder=22,
            bbox={"facecolor": style.PAPER, "alpha": 0.85, "edgecolor": style.BOX_EDGE},
        )
    return fig
