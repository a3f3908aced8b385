"""Future risks (step 3): the risk-terrain surface, with the cells at near-repeat risk outlined.

Examples
--------
>>> import numpy as np
>>> _risk_class(np.array([0.5, 1.5, 3.0, 20.0]), np.array([1.0, 2.0, 5.0, 10.0])).tolist()
[0, 1, 2, 4]
"""

from __future__ import annotations

from collections.abc import Sequence

import numpy as np

from .. import i18n, style
from .canvas import (
    _compact,
    _deferred_draws,
    _fig_legend,
    _fit,
    _plt,
    add_polygons,
    decorate,
    draw_landmarks,
    draw_sectors,
    fill_alpha,
    landmark_handles,
    new_map,
)


def _risk_class(rr: np.ndarray, edges: np.ndarray) -> np.ndarray:
    """Class of each relative risk: 0 at or below the first edge (not filled), 1..len(edges)."""
    return np.digitize(rr, edges)


@_deferred_draws
def risk_map(  # noqa: PLR0913 -- public signature kept for backward compatibility
    grid,
    sectors,
    relative_risk,
    *,
    elevated=None,
    lang: str = "fr",
    title: str | None = None,
    edges: Sequence[float] = (1.0, 2.0, 5.0, 10.0),
    source: str | None = None,
    date: str | None = None,
    landmarks=None,
    tiles=None,
):
    """Grid cells coloured by relative risk (risk terrain), with near-repeat cells outlined.

    Parameters
    ----------
    grid : GeoDataFrame
        From :func:`diagnostic_lib.inventory.make_grid`.
    sectors : GeoDataFrame
        Canonical sectors.
    relative_risk : Series
        Aligned with ``grid`` (e.g. :func:`diagnostic_lib.evaluation.risk_terrain_surface`).
    elevated : Series of bool, optional
        Cells at elevated short-term near-repeat risk
        (:func:`diagnostic_lib.evaluation.near_repeat_risk`), outlined.
    lang : {"fr", "en"}
        Language.
    title : str, optional
        Title.
    edges : sequence of float
        Class edges of the relative risk (cells at 1 or below are not filled).
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
    >>> import geopandas as gpd, pandas as pd, shapely
    >>> from diagnostic_lib import inventory
    >>> from diagnostic_lib.maps import legend_labels
    >>> s = gpd.GeoDataFrame({"sector_id": ["A"]}, geometry=[shapely.box(0, 0, 2000, 2000)])
    >>> g = inventory.make_grid(s, 200)
    >>> rr = pd.Series(1.0, index=g.index); rr.iloc[:3] = [1.5, 3.0, 12.0]
    >>> legend_labels(risk_map(g, s, rr, elevated=rr > 10, lang="en"))
    ['1 – 2', '2 – 5', '≥ 10', 'Near repeat: elevated risk now']
    """
    from matplotlib.patches import Patch

    fig, ax = new_map()
    rr = np.asarray(relative_risk, dtype="float64")
    e = np.asarray(edges, dtype="float64")
    cls = _risk_class(rr, e)
    cm = _plt().get_cmap(style.RISK_CMAP)
    handles = []
    alpha = fill_alpha(tiles)
    for k in range(1, len(e) + 1):
        sel = (cls == k) & (rr > e[0])
        colour = cm(0.25 + 0.7 * (k - 1) / max(len(e) - 1, 1))
        if sel.any():
            add_polygons(
                ax, grid.geometry[sel], facecolor=colour, edgecolor="none", zorder=3, alpha=alpha
            )
            lab = (
                f"{_compact(e[k - 1], lang)} – {_compact(e[k], lang)}"
                if k < len(e)
                else f"≥ {_compact(e[-1], lang)}"
            )
            handles.append(Patch(facecolor=colour, alpha=alpha, label=lab))
    draw_sectors(ax, sectors)
    if elevated is not None:
        el = np.asarray(elevated, dtype=bool)
        if el.any():
            edge = style.REFERENCE["elevated"]
            add_polygons(
                ax, grid.geometry[el], facecolor="none", edgecolor=edge, linewidth=1.4, zorder=6
            )
            label = i18n.t("maps.risk.near_repeat", lang)
            handles.append(Patch(facecolor="none", edgecolor=edge, label=label))
    _fit(ax, sectors)
    handles += landmark_handles(landmarks, lang)
    _fig_legend(fig, handles, i18n.t("maps.risk.legend", lang), ncols=3)
    decorate(
        ax,
        title or i18n.t("maps.risk.title", lang),
        lang,
        source,
        date,
        tiles=tiles,
        crs=sectors.crs,
    )
    draw_landmarks(ax, landmarks)
    return fig
