"""Preventive measures on a map (step 2): footprints, buffer rings, one measure in detail.

Each pillar has a colour and a symbol (:data:`diagnostic_lib.style.PILLAR_COLOURS`,
:data:`diagnostic_lib.style.PILLAR_MARKERS`). Municipality-wide measures and
measures without a footprint cannot be drawn as places: they are listed in a box.

Examples
--------
>>> import matplotlib
>>> matplotlib.use("Agg")
>>> _pillar_order(["prevention", "x", "rapprochement", "prevention"])
['rapprochement', 'prevention', 'x']
"""

from __future__ import annotations

import numpy as np
import pandas as pd

from .. import formatting as fmt
from .. import i18n, schema, style
from ..label_placement import SHOWN_AT_MOST, left_out_title, place_labels, wrap
from .canvas import (
    _box,
    _compact,
    _deferred_draws,
    _fig_legend,
    _fit,
    add_polygons,
    decorate,
    draw_sectors,
    new_map,
)

_GEOMETRIC = ("point", "line", "polygon")


def _pillar_order(values) -> list[str]:
    present = [str(v) for v in pd.unique(pd.Series(values, dtype=object).dropna())]
    return [p for p in schema.PILLARS if p in present] + sorted(set(present) - set(schema.PILLARS))


def _footprints(registry, areas) -> tuple[np.ndarray, np.ndarray, np.ndarray, np.ndarray]:
    """Footprint kind, status, treated area and "has an area" of each measure, as arrays."""
    fp = registry["footprint"].astype(str).to_numpy()
    st = (
        registry["status"].astype(str).to_numpy()
        if "status" in registry
        else np.full(len(fp), "active")
    )
    arr = np.asarray(areas.array, dtype=object)
    has = np.array([a is not None and not a.is_empty for a in arr], dtype=bool)
    return fp, st, arr, has


def _unmapped(ids, fp, has) -> tuple[np.ndarray, np.ndarray]:
    """Ids of the municipality-wide measures and of the measures without a footprint."""
    return ids[fp == "municipality"], ids[~has]


def _shade_hot_spots(ax, hot, lang: str, handles: list) -> None:
    from matplotlib.patches import Patch

    h = hot[hot["hot_class"].isin(["hot_99", "hot_95"])]
    if len(h):
        add_polygons(ax, h.geometry, facecolor=style.HOT_SHADE, edgecolor="none", zorder=2)
        label = i18n.t("maps.hot_spots_95", lang)
        handles.append(Patch(facecolor=style.HOT_SHADE, label=label))


def _outline_problems(ax, problems, lang: str, handles: list) -> None:
    from matplotlib.lines import Line2D

    pb = problems[(problems["kind"] == "place") & problems.geometry.notna()]
    if len(pb):
        colour = style.MEASURES["problem"]
        pb.boundary.plot(ax=ax, color=colour, linestyle="--", linewidth=0.9, zorder=3)
        label = i18n.t("maps.measures.problems", lang)
        handles.append(Line2D([], [], color=colour, linestyle="--", label=label))


def _draw_rings(ax, rings, fp, has, buffer_m, lang: str, handles: list) -> None:
    import geopandas as gpd
    from matplotlib.patches import Patch

    rarr = np.asarray(rings.array, dtype=object)
    keep = [
        r
        for r, f, ok in zip(rarr, fp, has, strict=True)
        if ok and f in _GEOMETRIC and r is not None
    ]
    if keep:
        edge = style.MEASURES["ring"]
        gpd.GeoSeries(keep).plot(
            ax=ax, facecolor="none", edgecolor=edge, linestyle=":", linewidth=1.0, zorder=4
        )
        lab = (
            i18n.t("maps.measures.ring_width", lang, width=_compact(buffer_m, lang))
            if buffer_m
            else i18n.t("maps.measures.ring", lang)
        )
        handles.append(Patch(facecolor="none", edgecolor=edge, linestyle=":", label=lab))


def _draw_footprints(ax, geoms, kinds, statuses, colour: str) -> None:
    """Treated areas of one pillar: sectors lightly filled, other footprints by status.

    One drawing call per kind of footprint and status (a region's thousand
    measures are a few collections, not a thousand).
    """
    import geopandas as gpd

    for sectors_kind in (True, False):
        for status in dict.fromkeys(statuses):
            pick = ((kinds == "sectors") == sectors_kind) & (statuses == status)
            if pick.any():
                g = gpd.GeoSeries(list(geoms[pick]))
                _draw_footprint(ax, g, sectors_kind, status, colour)


def _draw_footprint(ax, g, sectors_kind: bool, status: str, colour: str) -> None:
    """Treated areas of one pillar, kind and status: sectors lightly filled, others by status."""
    planned, ended = status == "planned", status == "ended"
    if sectors_kind:
        g.plot(ax=ax, facecolor=colour, alpha=0.08, edgecolor="none", zorder=3)
        g.boundary.plot(
            ax=ax, color=colour, linewidth=1.2, linestyle="--" if planned else "-.", zorder=5
        )
        return
    g.plot(
        ax=ax,
        facecolor="none" if planned else colour,
        alpha=0.15 if ended else 0.5,
        edgecolor=colour,
        linewidth=1.2,
        linestyle="--" if planned else "-",
        hatch="...." if ended else None,
        zorder=6,
    )
    g.boundary.plot(
        ax=ax, color=colour, linewidth=1.2, linestyle="--" if planned else "-", zorder=6
    )


def _mark_measures(ax, geoms, measure_ids, marker: str, colour: str, label: bool) -> list:
    """The pillar's symbol on each treated area (one call); where to write the ids (placed last)."""
    if not len(geoms):
        return []
    import shapely

    p = shapely.point_on_surface(np.asarray(list(geoms), dtype=object))
    x, y = shapely.get_x(p), shapely.get_y(p)
    ax.scatter(
        x, y, marker=marker, s=55, color=colour, edgecolors=style.INK, linewidths=0.6, zorder=12
    )
    if not label:
        return []
    return [(float(a), float(b), str(m)) for a, b, m in zip(x, y, measure_ids, strict=True)]


def _ids(ids, most: int | None, lang: str) -> str:
    """``ids`` joined by commas: at most ``most`` of them, then how many others."""
    if most is None or len(ids) <= most:
        return ", ".join(ids)
    more = fmt.integer(len(ids) - most, lang)
    return wrap(i18n.t("maps.more_listed", lang, listed=", ".join(ids[:most]), n=more), 90)


def _status_handles(st, lang: str) -> list:
    from matplotlib.patches import Patch

    out = []
    edge = style.MEASURES["status"]
    if (st == "planned").any():
        label = i18n.t("maps.measures.planned", lang)
        out.append(Patch(facecolor="none", edgecolor=edge, linestyle="--", label=label))
    if (st == "ended").any():
        label = i18n.t("maps.measures.ended", lang)
        out.append(Patch(facecolor=style.PAPER, edgecolor=edge, hatch="....", label=label))
    return out


@_deferred_draws
def measures_map(  # noqa: PLR0913 -- public signature kept for backward compatibility
    registry,
    areas,
    sectors,
    *,
    rings=None,
    problems=None,
    hot=None,
    lang: str = "fr",
    buffer_m: float | None = None,
    labels: bool = True,
    title: str | None = None,
    source: str | None = None,
    date: str | None = None,
    tiles=None,
    max_labels: int | None = SHOWN_AT_MOST,
):
    """Preventive measures over problems and hot spots: a colour and a symbol per pillar.

    Point, line and polygon footprints are drawn as their treated areas
    (filled), sector footprints as hatched-free light outlines of their
    sectors, each marked with its pillar's symbol and id; buffer rings are
    dotted. Planned measures have a dashed outline, ended ones are hatched.
    Municipality-wide measures and measures with no footprint cannot be drawn
    as places: they are listed in a box.

    Parameters
    ----------
    registry : DataFrame
        From :func:`diagnostic_lib.measures.registry`.
    areas : GeoSeries
        Treated areas (:func:`diagnostic_lib.measures.treated_area`), aligned
        with ``registry``.
    sectors : GeoDataFrame
        Canonical sectors.
    rings : GeoSeries, optional
        Buffer rings (:func:`diagnostic_lib.measures.buffer_rings`).
    problems : GeoDataFrame, optional
        Problem register (place and area problems are outlined).
    hot : GeoDataFrame, optional
        Hot-spot grid (:func:`diagnostic_lib.inventory.hot_spots`); cells hot
        at 95 % or more are shaded.
    lang : {"fr", "en"}
        Language.
    buffer_m : float, optional
        Ring width, written in the legend.
    labels : bool
        Write each measure's id.
    max_labels : int, optional
        Most measure ids written on the map, and in each list of the box (``None``:
        all): above, the first in the registry's order, and the title says how many
        measures are not labelled.
    title : str, optional
        Title.
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
    >>> import geopandas as gpd, pandas as pd, shapely
    >>> from diagnostic_lib.maps import legend_labels
    >>> s = gpd.GeoDataFrame({"sector_id": ["A"]}, geometry=[shapely.box(0, 0, 100, 100)])
    >>> reg = pd.DataFrame({"measure_id": ["M1", "M2"], "pillar": ["prevention", "partenariat"],
    ...     "footprint": ["polygon", "municipality"], "status": ["active", "active"]})
    >>> areas = gpd.GeoSeries([shapely.box(10, 10, 30, 30), shapely.box(0, 0, 100, 100)])
    >>> legend_labels(measures_map(reg, areas, s, lang="en"))
    ['Closeness to citizens (0)', 'Partnership (1)', 'Problem solving (0)', 'Prevention (1)']
    """
    from matplotlib.lines import Line2D

    fig, ax = new_map((8.0, 7.5))
    draw_sectors(ax, sectors, facecolor=style.SECTOR_FILL, labels=False)
    handles: list = []
    if hot is not None and len(hot):
        _shade_hot_spots(ax, hot, lang, handles)
    if problems is not None and len(problems):
        _outline_problems(ax, problems, lang, handles)
    fp, st, arr, has = _footprints(registry, areas)
    if rings is not None:
        _draw_rings(ax, rings, fp, has, buffer_m, lang, handles)
    pillars = [*schema.PILLARS] + [
        p for p in _pillar_order(registry["pillar"]) if p not in schema.PILLARS
    ]
    ids = registry["measure_id"].astype(str).to_numpy()
    spots = []
    for pillar in pillars:
        colour, marker = style.pillar_colour(pillar), style.pillar_marker(pillar)
        sel = (registry["pillar"].astype(str) == pillar).to_numpy()
        js = np.flatnonzero(sel & has & (fp != "municipality"))
        _draw_footprints(ax, arr[js], fp[js], st[js], colour)
        spots += _mark_measures(ax, arr[js], ids[js], marker, colour, labels)
        label = f"{i18n.label('pillar', pillar, lang)} ({fmt.integer(sel.sum(), lang)})"
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
    handles += _status_handles(st, lang)
    muni, none = _unmapped(ids, fp, has)
    box = []
    if len(muni):
        box.append(i18n.t("maps.municipality_ids", lang, ids=_ids(muni, max_labels, lang)))
    if len(none):
        box.append(i18n.t("maps.no_footprint_ids", lang, ids=_ids(none, max_labels, lang)))
    unlabelled = 0
    if max_labels is not None and len(spots) > max_labels:
        unlabelled = len(spots) - max_labels
        first = {m: k for k, m in enumerate(ids)}
        spots = sorted(spots, key=lambda sp: first.get(sp[2], len(ids)))[:max_labels]
    _box(ax, box)
    _fit(ax, sectors)
    _fig_legend(fig, handles, i18n.t("maps.measures.legend", lang))
    decorate(
        ax,
        left_out_title(title or i18n.t("maps.measures.title", lang), unlabelled, "labels", lang),
        lang,
        source,
        date,
        tiles=tiles,
        crs=sectors.crs,
    )
    # last, on the final layout: ids beside their symbols, apart from each other
    place_labels(
        ax,
        spots,
        min_radius=7.0,
        fontsize=7,
        zorder=13,
        bbox={"facecolor": style.PAPER, "alpha": 0.7, "edgecolor": "none", "pad": 0.5},
    )
    return fig


def _no_footprint(fig, ax, sectors, title: str, lang: str, source: str, date):
    _fit(ax, sectors)
    ax.text(
        0.5,
        0.5,
        i18n.t("maps.detail.nothing", lang),
        transform=ax.transAxes,
        ha="center",
        va="center",
        fontsize=10,
        bbox={"facecolor": style.PAPER, "edgecolor": style.BOX_EDGE},
    )
    decorate(ax, title, lang, source, date)
    return fig


def _period_handles(ax, incidents, lang: str) -> list:
    """Incidents before and after the start, with their counts in the area and in the ring."""
    from matplotlib.lines import Line2D

    handles = []
    loc = incidents[incidents.geometry.notna()] if len(incidents) else incidents
    for period, (marker, ec, fc) in style.PERIOD_MARKERS.items():
        sub = loc[loc["period"] == period] if len(loc) else loc
        if len(sub):
            ax.scatter(
                sub.geometry.x,
                sub.geometry.y,
                s=10,
                marker=marker,
                edgecolors=ec,
                facecolors=fc,
                linewidths=0.7,
                alpha=0.8,
                zorder=8,
            )
        n_t = int((sub["zone"] == "treated").sum()) if len(sub) else 0
        n_b = int((sub["zone"] == "buffer").sum()) if len(sub) else 0
        lab = i18n.t(
            "maps.detail.period",
            lang,
            period=i18n.t(f"baperiod.{period}", lang),
            treated=fmt.integer(n_t, lang),
            buffer=fmt.integer(n_b, lang),
        )
        handles.append(
            Line2D(
                [],
                [],
                marker=marker,
                linestyle="",
                markeredgecolor=ec,
                markerfacecolor=fc,
                label=lab,
            )
        )
    return handles


@_deferred_draws
def measure_detail_map(  # noqa: PLR0913 -- public signature kept for backward compatibility
    area,
    ring,
    incidents,
    sectors,
    *,
    title: str,
    lang: str = "fr",
    pillar: str | None = None,
    source: str | None = None,
    date: str | None = None,
):
    """One measure's treated area and ring, with the targeted incidents before and after its start.

    Parameters
    ----------
    area, ring : shapely geometry or None
        From :func:`diagnostic_lib.measures.measure_card`.
    incidents : DataFrame
        With ``zone`` and ``period`` (:func:`diagnostic_lib.measures.before_after_incidents`).
    sectors : GeoDataFrame
        Canonical sectors.
    title : str
        Title.
    lang : {"fr", "en"}
        Language.
    pillar : str, optional
        Colour of the treated area.
    source, date : str, optional
        Source note: where the data come from (the municipality) and its date
        (:func:`~diagnostic_lib.maps.add_source_note`).

    Returns
    -------
    matplotlib.figure.Figure

    Examples
    --------
    >>> import geopandas as gpd, pandas as pd, shapely
    >>> from diagnostic_lib.maps import legend_labels
    >>> s = gpd.GeoDataFrame({"sector_id": ["A"]}, geometry=[shapely.box(0, 0, 100, 100)])
    >>> inc = gpd.GeoDataFrame({"zone": ["treated", "buffer"], "period": ["before", "after"]},
    ...                        geometry=gpd.points_from_xy([20, 35], [20, 35]))
    >>> area = shapely.box(10, 10, 30, 30)
    >>> ring = shapely.box(0, 0, 40, 40).difference(area)
    >>> fig = measure_detail_map(area, ring, inc, s, title="M1", lang="en")
    >>> legend_labels(fig)[:2]
    ['Treated area', 'Buffer ring']
    """
    import geopandas as gpd
    from matplotlib.patches import Patch

    fig, ax = new_map((7.0, 6.5))
    # no sector ids: most of them would fall outside the zoomed view and break the layout
    draw_sectors(ax, sectors, facecolor=style.SECTOR_FILL, labels=False)
    colour = style.PILLAR_COLOURS.get(pillar or "", style.MEASURES["detail_default"])
    if area is None or area.is_empty:
        return _no_footprint(fig, ax, sectors, title, lang, source, date)
    handles = [
        Patch(facecolor=colour, alpha=0.35, edgecolor=colour, label=i18n.t("zone.treated", lang))
    ]
    if ring is not None and not ring.is_empty:
        ring_style = {
            "facecolor": style.MEASURES["ring_fill"],
            "edgecolor": style.MEASURES["ring"],
            "linestyle": ":",
        }
        gpd.GeoSeries([ring]).plot(ax=ax, alpha=0.5, zorder=3, **ring_style)
        handles.append(Patch(label=i18n.t("zone.buffer", lang), **ring_style))
    gpd.GeoSeries([area]).plot(
        ax=ax, facecolor=colour, alpha=0.35, edgecolor=colour, linewidth=1.2, zorder=4
    )
    handles += _period_handles(ax, incidents, lang)
    outer = ring if ring is not None and not ring.is_empty else area
    _fit(ax, gpd.GeoSeries([outer.buffer(max(outer.length * 0.02, 50.0))]))
    _fig_legend(fig, handles, i18n.t("maps.detail.legend", lang), ncols=2)
    decorate(ax, title, lang, source, date)
    return fig
