"""Choropleths: a value per sector (a rate, a score), classed with mapclassify.

:func:`rate_map` maps the mean annual rate per sector, or the counts (saying
so) when no sector has residents; :func:`density_map` a density surface on a
grid (a kernel density) under the named sectors.

Examples
--------
>>> import matplotlib
>>> matplotlib.use("Agg")
>>> import geopandas as gpd, pandas as pd, shapely
>>> from diagnostic_lib.maps import legend_labels
>>> s = gpd.GeoDataFrame({"sector_id": ["A", "B"]},
...                      geometry=[shapely.box(0, 0, 1, 1), shapely.box(1, 0, 2, 1)])
>>> fig = choropleth(s, pd.Series({"A": 1.5}), title="t", legend_title="l", lang="en")
>>> legend_labels(fig)
['1.5 (1)', 'No data (1)']
"""

from __future__ import annotations

import warnings

import numpy as np
import pandas as pd

from .. import formatting as fmt
from .. import i18n, style
from ..inventory import annual_means
from .canvas import (
    _deferred_draws,
    _fig_legend,
    _fit,
    decorate,
    draw_landmarks,
    draw_sectors,
    edge_width,
    fill_alpha,
    landmark_handles,
    new_map,
)

MAX_JENKS_VALUES: int = 300
"""Above this many values, Fisher–Jenks breaks are fitted on this many of them (evenly ranked)."""


def _classes(v: np.ndarray, scheme: str, k: int) -> tuple[np.ndarray, np.ndarray]:
    """Upper bounds of the classes and the class of each value (at most ``k`` classes).

    Classes with the same upper bound, or without any value (quantiles of a
    surface that is zero over a third of a city), are merged: never two legend
    entries "0,0 – 0,0".

    Fisher–Jenks is quadratic in the number of values (pure Python without numba:
    0.3 s for 300 values, 4.6 s for 1,000, 14 s for the rates of a region of a few
    thousand sectors). Above
    :data:`MAX_JENKS_VALUES` values its breaks are fitted on that many of them, taken
    at evenly spaced ranks (the smallest and the largest included; deterministic),
    and every value is then classed by them.

    Examples
    --------
    >>> bins, yb = _classes(np.r_[np.zeros(60), np.arange(1.0, 41.0)], "Quantiles", 5)
    >>> bins.round(1).tolist(), np.bincount(yb).tolist()
    ([0.0, 20.2, 40.0], [60, 20, 20])
    """
    import mapclassify

    kk = int(min(k, len(np.unique(v))))
    if kk < 2:
        return np.array([v.max()]), np.zeros(len(v), dtype=int)
    with warnings.catch_warnings():
        # mapclassify falls back to pure Python without numba: slower, same classes
        warnings.filterwarnings("ignore", message="Numba not installed")
        # fewer distinct bounds than classes: merged below, as mapclassify would
        warnings.filterwarnings("ignore", message="Not enough unique values")
        if scheme == "FisherJenks" and len(v) > MAX_JENKS_VALUES:
            bins = _ranked_jenks(np.sort(v), kk, mapclassify.FisherJenks)
        else:
            bins = np.unique(np.asarray(getattr(mapclassify, scheme)(v, k=kk).bins, "float64"))
    used = np.bincount(np.searchsorted(bins, v, side="left"), minlength=len(bins)) > 0
    used[-1] = True  # the top class holds the maximum
    bins = bins[used]
    return bins, np.searchsorted(bins, v, side="left")


def _ranked_jenks(sv: np.ndarray, k: int, fisher_jenks: type) -> np.ndarray:
    """Fisher–Jenks upper bounds of the sorted values ``sv``, fitted on evenly ranked ones.

    Each break found between two fitted values is moved to the widest gap of ``sv``
    between them, so that a group of values is not cut where the fitted ones skipped
    its largest members.
    """
    fit = sv[np.linspace(0, len(sv) - 1, MAX_JENKS_VALUES).round().astype(int)]
    found = np.unique(np.asarray(fisher_jenks(fit, k=int(min(k, len(np.unique(fit))))).bins))
    bins = []
    for b in found[:-1]:
        following = fit[fit > b]  # never empty: b is below the largest value
        lo = int(np.searchsorted(sv, b, side="left"))
        hi = int(np.searchsorted(sv, following[0], side="left"))
        part = sv[lo : hi + 1]  # from the break to the next fitted value, both included
        bins.append(part[int(np.argmax(np.diff(part)))])
    return np.unique(np.r_[bins, sv[-1]].astype("float64"))


MAX_LABELLED_AREAS: int = 40
"""Above this many areas (a grid), a choropleth does not write their ids."""


@_deferred_draws
def choropleth(  # noqa: PLR0913 -- public signature kept for backward compatibility
    sectors,
    values,
    *,
    title: str,
    legend_title: str,
    lang: str = "fr",
    scheme: str = "FisherJenks",
    k: int = 5,
    cmap: str = style.CHOROPLETH_CMAP,
    source: str | None = None,
    date: str | None = None,
    labels: bool | None = None,
    landmarks=None,
    tiles=None,
    missing: str = "maps.no_data",
):
    """Choropleth of a value per sector, classed with mapclassify.

    Parameters
    ----------
    sectors : GeoDataFrame
        Canonical sectors.
    values : Series
        Value per ``sector_id`` (e.g. a rate per 1,000 residents); missing
        values are drawn hatched as "no data".
    title, legend_title : str
        Titles of the map and of its legend.
    lang : {"fr", "en"}
        Language.
    scheme : str
        A mapclassify scheme (``FisherJenks``, ``Quantiles``, ``EqualInterval``,
        ``NaturalBreaks`` …); with fewer distinct values than ``k``, fewer classes.
    k : int
        Number of classes.
    cmap : str
        A matplotlib colour map.
    labels : bool, optional
        Write each area's id on the map; by default only when there are at most
        :data:`MAX_LABELLED_AREAS` areas (sectors, not the cells of a grid).
    source, date : str, optional
        Source note: where the data come from (the municipality) and its date
        (:func:`~diagnostic_lib.maps.add_source_note`).
    landmarks : GeoDataFrame, optional
        Named places drawn for context (:func:`diagnostic_lib.inventory.landmarks`).
    tiles : TileSource, optional
        Background tiles (:mod:`diagnostic_lib.tiles`); none by default.
    missing : str
        The label key of the hatched areas' legend entry (default: "no data";
        a rate map says "no rate (population unknown)").

    Returns
    -------
    matplotlib.figure.Figure

    Examples
    --------
    >>> import geopandas as gpd, pandas as pd, shapely
    >>> from diagnostic_lib.maps import legend_labels
    >>> s = gpd.GeoDataFrame({"sector_id": list("ABCD")},
    ...                      geometry=[shapely.box(i, 0, i + 1, 1) for i in range(4)])
    >>> fig = choropleth(s, pd.Series([1.0, 2.0, 8.0, None], index=list("ABCD")), title="Taux",
    ...                  legend_title="pour 1 000", k=2)
    >>> legend_labels(fig)
    ['1,0 – 2,0 (2)', '2,0 – 8,0 (1)', 'Aucune donnée (1)']
    """
    fig, ax = new_map()
    v = sectors["sector_id"].map(pd.Series(values)).astype("float64").to_numpy()
    handles = _classed(
        ax, sectors, v, scheme, k, cmap, lang, alpha=fill_alpha(tiles), missing=missing
    )
    if labels is None:
        labels = len(sectors) <= MAX_LABELLED_AREAS
    draw_sectors(ax, sectors, labels=labels)
    _fit(ax, sectors)
    handles += landmark_handles(landmarks, lang)
    _fig_legend(fig, handles, legend_title, ncols=3)
    decorate(ax, title, lang, source, date, tiles=tiles, crs=sectors.crs)
    draw_landmarks(ax, landmarks)
    return fig


def _classed(ax, areas, v: np.ndarray, scheme: str, k: int, cmap: str, lang: str, **edges):
    """Draw ``areas`` coloured by the class of ``v`` (hatched where missing); legend handles."""
    import matplotlib as mpl
    from matplotlib.patches import Patch

    edges = {"edgecolor": style.SECTOR_EDGE, "linewidth": edge_width(len(areas)), **edges}
    alpha = edges.pop("alpha", 1.0)
    missing = edges.pop("missing", "maps.no_data")  # the hatched areas' legend label
    ok = np.isfinite(v)
    handles = []
    if ok.any():
        bins, yb = _classes(v[ok], scheme, k)
        cm = mpl.colormaps[cmap]
        colours = [cm(0.15 + 0.85 * i / max(len(bins) - 1, 1)) for i in range(len(bins))]
        lower = np.r_[v[ok].min(), bins[:-1]]
        for i, (lo, hi) in enumerate(zip(lower, bins, strict=True)):
            n = int((yb == i).sum())
            span = (
                fmt.decimal(hi, lang, 1)
                if lo == hi  # a class of one value (zero)
                else f"{fmt.decimal(lo, lang, 1)} – {fmt.decimal(hi, lang, 1)}"
            )
            label = f"{span} ({fmt.integer(n, lang)})"
            handles.append(
                Patch(facecolor=colours[i], edgecolor=style.SECTOR_EDGE, alpha=alpha, label=label)
            )
        fc = [colours[i] for i in yb]
        areas[ok].plot(ax=ax, color=fc, zorder=2, alpha=alpha, **edges)
    if (~ok).any():
        no_data = {"facecolor": style.PAPER, "edgecolor": style.SECTOR_EDGE, "hatch": "///"}
        areas[~ok].plot(ax=ax, linewidth=edges["linewidth"], zorder=2, alpha=alpha, **no_data)
        n = fmt.integer(int((~ok).sum()), lang)
        handles.append(Patch(label=f"{i18n.t(missing, lang)} ({n})", **no_data))
    return handles


@_deferred_draws
def density_map(  # noqa: PLR0913 -- a map's usual keywords
    grid,
    density,
    sectors,
    *,
    title: str,
    legend_title: str,
    lang: str = "fr",
    scheme: str = "Quantiles",
    k: int = 5,
    cmap: str = style.DENSITY_CMAP,
    source: str | None = None,
    date: str | None = None,
    landmarks=None,
    tiles=None,
):
    """A density surface on a grid (a kernel density), classed, under the named sectors.

    The cells carry no label (a reader needs the sectors, not the cell ids):
    the sectors are outlined and named over the surface.

    Parameters
    ----------
    grid : GeoDataFrame
        From :func:`diagnostic_lib.inventory.make_grid`.
    density : Series or array
        One value per cell of ``grid``, in its order (e.g.
        :func:`diagnostic_lib.inventory.kde_surface`).
    sectors : GeoDataFrame
        Canonical sectors.
    title, legend_title : str
        Titles of the map and of its legend.
    lang : {"fr", "en"}
        Language.
    scheme, k, cmap
        Classes (a mapclassify scheme, their number) and colour map.
    source, date : str, optional
        Source note (:func:`~diagnostic_lib.maps.add_source_note`).
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
    >>> from diagnostic_lib import inventory
    >>> s = gpd.GeoDataFrame({"sector_id": ["A"], "name": ["Gare"]},
    ...                      geometry=[shapely.box(0, 0, 2000, 2000)])
    >>> g = inventory.make_grid(s, 200)
    >>> fig = density_map(g, np.arange(len(g), dtype=float), s, title="t", legend_title="l",
    ...                   lang="en", k=2)
    >>> [t.get_text() for t in fig.axes[0].texts][0], len(fig.legends[0].get_texts())
    ('Gare', 2)
    """
    fig, ax = new_map()
    v = np.asarray(density, dtype="float64")
    # a kernel sum leaves 1e-13 where there is nothing: zero, its own class ("0,0", not "0,0 – 0,0")
    top = np.nanmax(np.abs(v)) if np.isfinite(v).any() else 0.0
    v = np.where(np.abs(v) <= 1e-9 * top, 0.0, v)
    handles = _classed(
        ax, grid, v, scheme, k, cmap, lang, edgecolor="none", linewidth=0.0, alpha=fill_alpha(tiles)
    )
    draw_sectors(ax, sectors)
    _fit(ax, sectors)
    handles += landmark_handles(landmarks, lang)
    _fig_legend(fig, handles, legend_title, ncols=3)
    decorate(ax, title, lang, source, date, tiles=tiles, crs=sectors.crs)
    draw_landmarks(ax, landmarks)
    return fig


def rate_map(
    rates: pd.DataFrame,
    sectors,
    *,
    lang: str = "fr",
    source: str | None = None,
    **kwargs,
):
    """The mean annual rate per 1,000 residents by sector; counts when no sector has residents.

    Never a ``0,0 – 0,0`` legend: a sector without population is "no data",
    and when none has one the map shows the mean annual **count** of incidents
    with a title and legend that say so.

    Parameters
    ----------
    rates : DataFrame
        From :func:`diagnostic_lib.inventory.rates` (any ``by``, ``period="year"``).
    sectors : GeoDataFrame
    lang : {"fr", "en"}
    source : str, optional
        Data source shown on the map.
    **kwargs
        Passed to :func:`choropleth` (``k``, ``scheme``, ``cmap``, ``landmarks``,
        ``tiles``…).

    Returns
    -------
    matplotlib.figure.Figure
        With ``fig.rates_shown`` False when counts were shown instead.

    Examples
    --------
    >>> import geopandas as gpd, shapely
    >>> from diagnostic_lib.maps import legend_labels
    >>> s = gpd.GeoDataFrame({"sector_id": ["A"], "population": [float("nan")]},
    ...                      geometry=[shapely.box(0, 0, 1, 1)])
    >>> r = pd.DataFrame({"sector": ["A"], "period": ["2024"], "count": [12], "rate": [np.nan]})
    >>> fig = rate_map(r, s, lang="en")
    >>> fig.rates_shown, legend_labels(fig)
    (False, ['12.0 (1)'])
    """
    means = annual_means(rates)
    shown = bool(means["rate"].notna().any())
    if shown:
        values, key = means["rate"], "report.step1.rate_map"
        legend = i18n.t("report.step1.rate_map_legend", lang)
    else:
        values, key = means["count"], "maps.count_map"
        legend = i18n.t("maps.count_map_legend", lang)
    # on a rate map, a sector with incidents but no rate lacks a population, not data
    hatched = sectors["sector_id"].map(values).isna().to_numpy()
    counted = sectors["sector_id"].map(means["count"]).notna().to_numpy()
    no_rate = shown and bool(counted[hatched].all())
    kwargs.setdefault("missing", "maps.no_rate" if no_rate else "maps.no_data")
    fig = choropleth(
        sectors,
        values,
        title=i18n.t(key, lang),
        legend_title=legend,
        lang=lang,
        source=source,
        **kwargs,
    )
    fig.rates_shown = shown
    return fig
