"""Safety walks on a map (*marches exploratoires*): observations over hot spots and measures.

Each observation category has a colour and a symbol
(:data:`diagnostic_lib.style.WALK_COLOURS`, :data:`~diagnostic_lib.style.WALK_MARKERS`);
a point's size grows with its severity, a stretch of street is drawn as a line.
The free text of the observations is never drawn (it is for the analyst only).

Examples
--------
>>> import matplotlib
>>> matplotlib.use("Agg")
>>> _size(3.0) > _size(1.0) > 0
True
"""

from __future__ import annotations

import numpy as np
import pandas as pd

from .. import formatting as fmt
from .. import i18n, schema, style
from .canvas import (
    _fig_legend,
    _fit,
    decorate,
    draw_landmarks,
    draw_sectors,
    landmark_handles,
    new_map,
)
from .footprints import _shade_hot_spots


def _size(severity: float) -> float:
    """Marker area (points²) of an observation of that severity (missing: medium)."""
    s = 2.0 if not np.isfinite(severity) else float(severity)
    return 30.0 + 35.0 * (s - 1.0)


def _draw_measures(ax, areas, registry, lang: str, handles: list) -> None:
    """Outline the areas of the active measures (points and lines as their treated area)."""
    import geopandas as gpd
    from matplotlib.patches import Patch

    if areas is None or registry is None or not len(registry):
        return
    active = (registry["status"].astype(str) == "active").to_numpy()
    local = (registry["footprint"].astype(str) != "municipality").to_numpy()
    arr = np.asarray(areas.array, dtype=object)
    keep = [g for g, a, lo in zip(arr, active, local, strict=True) if a and lo and g is not None]
    if keep:
        gpd.GeoSeries(keep).plot(
            ax=ax,
            facecolor="none",
            edgecolor=style.WALK_MEASURE,
            linewidth=1.2,
            zorder=4,
        )
        label = i18n.t("maps.walks.measures", lang)
        handles.append(Patch(facecolor="none", edgecolor=style.WALK_MEASURE, label=label))


def _draw_observations(ax, walks, lang: str, handles: list) -> None:
    """Draw each observation (lines, then points on top); one legend entry per category.

    One collection of lines and one of points per category, not an artist per
    observation (a region's walks hold thousands).
    """
    from matplotlib.collections import LineCollection
    from matplotlib.lines import Line2D

    cats = walks["category"].astype(str).to_numpy()
    sev = pd.to_numeric(walks["severity"], errors="coerce").to_numpy(dtype=float)
    geoms = np.asarray(walks.geometry.array, dtype=object)
    for c in schema.WALK_CATEGORIES:
        sel = np.flatnonzero(cats == c)
        if not len(sel):
            continue
        colour, marker = style.WALK_COLOURS[c], style.WALK_MARKERS[c]
        lines, widths, px, py, sizes = [], [], [], [], []
        for j in sel:
            g = geoms[j]
            if g is None or g.is_empty:
                continue
            if g.geom_type in ("LineString", "MultiLineString"):
                parts = g.geoms if g.geom_type.startswith("Multi") else [g]
                for part in parts:
                    lines.append(np.asarray(part.coords)[:, :2])
                    widths.append(1.5 + _line_extra(sev[j]))
                p = g.interpolate(0.5, normalized=True)
            else:
                p = g.centroid
            px.append(p.x)
            py.append(p.y)
            sizes.append(_size(sev[j]))
        if lines:
            ax.add_collection(
                LineCollection(
                    lines,
                    colors=colour,
                    linewidths=widths,
                    capstyle="projecting",
                    joinstyle="round",
                    zorder=7,
                ),
                autolim=True,
            )
        if px:
            ax.scatter(
                px,
                py,
                s=sizes,
                marker=marker,
                color=colour,
                edgecolor=style.INK,
                linewidth=0.5,
                zorder=8,
            )
        label = f"{i18n.t(f'walk.category.{c}', lang)} ({fmt.integer(len(sel), lang)})"
        handles.append(
            Line2D(
                [],
                [],
                marker=marker,
                linestyle="",
                color=colour,
                markeredgecolor=style.INK,
                label=label,
            )
        )


def _line_extra(severity: float) -> float:
    """Extra line width of a stretch of street by severity (missing: medium)."""
    s = 2.0 if not np.isfinite(severity) else float(severity)
    return 0.5 * (s - 1.0)


def walks_map(  # noqa: PLR0913 -- all keyword options, like the other maps
    walks,
    sectors,
    *,
    hot=None,
    registry=None,
    areas=None,
    lang: str = "fr",
    title: str | None = None,
    source: str | None = None,
    date: str | None = None,
    landmarks=None,
    tiles=None,
):
    """Safety-walk observations over the hot spots and the measures in place.

    Parameters
    ----------
    walks : GeoDataFrame
        From :func:`diagnostic_lib.loaders.load_walks` (``category``,
        ``severity``, geometry; ``comment`` is never drawn).
    sectors : GeoDataFrame
        Canonical sectors.
    hot : DataFrame, optional
        Hot-spot cells (:func:`diagnostic_lib.inventory.hot_spots`): those hot
        at 95 % or more are shaded.
    registry, areas : optional
        The measures (:func:`diagnostic_lib.measures.registry`) and their
        treated areas (:func:`diagnostic_lib.measures.treated_area`): active
        local measures are outlined.
    lang : {"fr", "en"}
        Language.
    title, source, date : str, optional
        Title; source note (:func:`~diagnostic_lib.maps.add_source_note`).
    landmarks : GeoDataFrame, optional
        Named places drawn for context.
    tiles : TileSource, optional
        Background tiles; none by default.

    Returns
    -------
    matplotlib.figure.Figure

    Examples
    --------
    >>> import geopandas as gpd, shapely
    >>> from diagnostic_lib.maps import legend_labels
    >>> s = gpd.GeoDataFrame({"sector_id": ["A"]}, geometry=[shapely.box(0, 0, 1000, 1000)])
    >>> w = gpd.GeoDataFrame({"category": ["lighting", "feeling_unsafe"], "severity": [3.0, 1.0]},
    ...     geometry=[shapely.LineString([(100, 100), (300, 200)]), shapely.Point(700, 700)])
    >>> legend_labels(walks_map(w, s, lang="en"))
    ['Poor lighting (1)', 'Feeling unsafe (1)']
    """
    fig, ax = new_map((8.0, 7.5))
    draw_sectors(ax, sectors, facecolor=style.SECTOR_FILL if tiles is None else "none")
    handles: list = []
    if hot is not None and len(hot):
        _shade_hot_spots(ax, hot, lang, handles)
    _draw_measures(ax, areas, registry, lang, handles)
    if walks is not None and len(walks):
        _draw_observations(ax, walks, lang, handles)
    handles += landmark_handles(landmarks, lang)
    _fit(ax, sectors)
    _fig_legend(fig, handles, i18n.t("walk.observations", lang))
    decorate(
        ax,
        title or i18n.t("maps.walks.title", lang),
        lang,
        source,
        date,
        tiles=tiles,
        crs=sectors.crs,
    )
    draw_landmarks(ax, landmarks)
    return fig
