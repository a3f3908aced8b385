"""The map canvas: a figure ready for a map, sector outlines, scale bar, north arrow, notes.

Also what every map shares at the end: legends under the figure, text boxes,
the PNG rendering (:func:`figure_to_png`) and the checks the tests and the
report use (:func:`legend_labels`, :func:`is_blank`).

Examples
--------
>>> import matplotlib
>>> matplotlib.use("Agg")
>>> fig, ax = new_map()
>>> decorate(ax, "Carte", "fr", "Ville", "2026-01-01")
>>> [t.get_text() for t in ax.texts][1:]
['N', 'Source : Ville — 2026-01-01']
"""

from __future__ import annotations

import datetime as _dt
import functools
import io

import numpy as np

from .. import formatting as fmt
from .. import i18n, layout, style
from .. import tiles as tiles_mod
from ..label_placement import SHOWN_AT_MOST, place_labels, sector_names, wrap


def _plt():
    import matplotlib.pyplot as plt

    return plt


def _deferred_draws(fn):
    """Build a map with the canvas' idle redraws deferred to the final rendering.

    geopandas asks the canvas for a redraw after every layer it plots
    (``canvas.draw_idle()``), which with the Agg backend redraws the whole
    figure at once: a map drawn layer by layer (a measure at a time) costs the
    square of its number of layers. The figure is drawn once when it is shown
    or saved, with the same result.
    """
    from matplotlib.backend_bases import FigureCanvasBase

    @functools.wraps(fn)
    def wrapper(*args, **kwargs):
        draw_idle = FigureCanvasBase.draw_idle
        FigureCanvasBase.draw_idle = lambda self, *a, **k: None
        try:
            return fn(*args, **kwargs)
        finally:
            FigureCanvasBase.draw_idle = draw_idle

    return wrapper


def new_map(figsize: tuple[float, float] = (8.0, 7.0)):
    """A figure and axes ready for a map (equal aspect, no ticks).

    Parameters
    ----------
    figsize : (float, float)
        Figure size in inches.

    Returns
    -------
    (matplotlib.figure.Figure, matplotlib.axes.Axes)

    Examples
    --------
    >>> fig, ax = new_map()
    >>> ax.get_aspect()
    1.0
    """
    plt = _plt()
    fig, ax = plt.subplots(figsize=figsize, layout="constrained")
    ax.set_aspect("equal")
    ax.set_xticks([])
    ax.set_yticks([])
    return fig, ax


def nice_length(span: float) -> float:
    """A round scale-bar length (1, 2 or 5 × 10^k metres) about a fifth of ``span``.

    Parameters
    ----------
    span : float
        Width of the map in metres.

    Returns
    -------
    float

    Examples
    --------
    >>> nice_length(7000)
    1000.0
    >>> nice_length(40000)
    5000.0
    """
    target = max(span / 5.0, 1.0)
    k = 10 ** np.floor(np.log10(target))
    for m in (5, 2, 1):
        if m * k <= target:
            return float(m * k)
    return float(k)


def add_scale_bar(ax, lang: str = "fr") -> None:
    """Draw a scale bar (in metres/kilometres) in the lower-left corner.

    Parameters
    ----------
    ax : matplotlib.axes.Axes
        A map whose limits are set.
    lang : {"fr", "en"}
        Language.

    Examples
    --------
    >>> fig, ax = new_map(); _ = ax.set_xlim(0, 7000); _ = ax.set_ylim(0, 5000)
    >>> add_scale_bar(ax, "fr")
    >>> [t.get_text() for t in ax.texts]
    ['1 km']
    """
    x0, x1 = ax.get_xlim()
    y0, y1 = ax.get_ylim()
    length = nice_length(x1 - x0)
    bx = x0 + 0.05 * (x1 - x0)
    by = y0 + 0.05 * (y1 - y0)
    h = 0.012 * (y1 - y0)
    ax.fill(
        [bx, bx + length / 2, bx + length / 2, bx],
        [by, by, by + h, by + h],
        color=style.INK,
        zorder=20,
    )
    ax.fill(
        [bx + length / 2, bx + length, bx + length, bx + length / 2],
        [by, by, by + h, by + h],
        facecolor=style.PAPER,
        edgecolor=style.INK,
        zorder=20,
    )
    label = (
        f"{_compact(length / 1000, lang)} km" if length >= 1000 else f"{_compact(length, lang)} m"
    )
    ax.text(
        bx + length / 2,
        by + 2.2 * h,
        label,
        ha="center",
        va="bottom",
        fontsize=8,
        zorder=21,
        bbox={"facecolor": style.PAPER, "alpha": 0.7, "edgecolor": "none", "pad": 1},
    )


def add_north_arrow(ax, lang: str = "fr") -> None:
    """Draw a north arrow in the upper-right corner (grid north of the map CRS).

    Parameters
    ----------
    ax : matplotlib.axes.Axes
        A map.
    lang : {"fr", "en"}
        Language.

    Examples
    --------
    >>> fig, ax = new_map(); add_north_arrow(ax, "en")
    >>> [t.get_text() for t in ax.texts]
    ['N']
    """
    ax.annotate(
        i18n.t("word.north", lang),
        xy=(0.95, 0.95),
        xytext=(0.95, 0.85),
        xycoords="axes fraction",
        ha="center",
        va="center",
        fontsize=11,
        fontweight="bold",
        arrowprops={"facecolor": style.INK, "width": 4, "headwidth": 11},
        zorder=21,
    )


def add_source_note(
    ax,
    source: str | None,
    lang: str = "fr",
    date: str | None = None,
    attribution: str | None = None,
) -> None:
    """Write the data source and the date in the lower-right corner.

    Parameters
    ----------
    ax : matplotlib.axes.Axes
        A map.
    source : str or None
        Where the data come from (the municipality, its police service); without
        one, the note gives the date alone (never the name of this library).
    lang : {"fr", "en"}
        Language.
    date : str, optional
        Date written (default: today, ISO 8601).
    attribution : str, optional
        The attribution of background tiles, on a second line.

    Examples
    --------
    >>> fig, ax = new_map(); add_source_note(ax, "SPVM", "en", date="2026-01-01")
    >>> ax.texts[0].get_text()
    'Source: SPVM — 2026-01-01'
    >>> add_source_note(ax, None, "en", date="2026-01-01"); ax.texts[1].get_text()
    'Map made on 2026-01-01'
    >>> add_source_note(ax, "Ville", "fr", "2026-01-01", "© OpenStreetMap")
    >>> print(ax.texts[2].get_text())
    Source : Ville — 2026-01-01
    Fond de carte : © OpenStreetMap
    """
    date = date or _dt.date.today().isoformat()
    text = (
        i18n.t("maps.source_note", lang, source=source, date=date)
        if source and str(source).strip()
        else i18n.t("maps.date_note", lang, date=date)
    )
    if attribution:
        text += "\n" + i18n.t("maps.basemap_note", lang, attribution=attribution)
    ax.text(
        0.99,
        0.01,
        text,
        transform=ax.transAxes,
        ha="right",
        va="bottom",
        fontsize=7,
        color=style.TEXT,
        bbox={"facecolor": style.PAPER, "alpha": 0.7, "edgecolor": "none", "pad": 1},
        zorder=21,
    )


SUBTITLE_WIDTH = 110
"""Longest line (characters) of a map's subtitle."""


def decorate(
    ax,
    title: str,
    lang: str = "fr",
    source: str | None = None,
    date: str | None = None,
    subtitle: str | None = None,
    *,
    tiles: tiles_mod.TileSource | None = None,
    crs=None,
) -> None:
    """Title (and subtitle), scale bar, north arrow and source/date note on a map axes.

    With ``tiles`` (and the map's ``crs``), background tiles are drawn under
    the map (:func:`add_basemap`) and their attribution is written under the
    source; when they cannot be fetched, the map is drawn without them.

    Parameters
    ----------
    ax : matplotlib.axes.Axes
        A map whose limits are set.
    title : str
        Title.
    lang : {"fr", "en"}
        Language.
    source : str, optional
        Where the data come from (see :func:`add_source_note`).
    date : str, optional
        Date of the source note (default: today).
    subtitle : str, optional
        Smaller text under the title (the parameters of a method), wrapped; the
        title is raised above it.
    tiles : TileSource, optional
        Background tiles (:class:`diagnostic_lib.tiles.TileSource`); none by default.
    crs : pyproj CRS or str, optional
        The map's CRS (needed for tiles).

    Examples
    --------
    >>> fig, ax = new_map(); decorate(ax, "Carte", "fr", "Ville", "2026-01-01")
    >>> ax.get_title(), len(ax.texts)
    ('Carte', 3)
    >>> from diagnostic_lib import layout
    >>> fig, ax = new_map(); _ = ax.set_xlim(0, 7000); _ = ax.set_ylim(0, 5000)
    >>> decorate(ax, "Carte", "fr", subtitle="Paramètres " * 30)
    >>> layout.layout_problems(fig).empty
    True
    """
    pad = 6.0
    if subtitle:
        text = wrap(subtitle, SUBTITLE_WIDTH)
        ax.annotate(
            text,
            (0.5, 1.0),
            xycoords="axes fraction",
            xytext=(0, 3),
            textcoords="offset points",
            ha="center",
            va="bottom",
            fontsize=7,
            color=style.TEXT,
        )
        pad += 1.25 * 7 * (text.count("\n") + 1) + 3
    ax.set_title(title, pad=pad)
    ax.set_xlabel("")
    ax.set_ylabel("")
    drawn = add_basemap(ax, tiles, crs) if tiles is not None else False
    add_scale_bar(ax, lang)
    add_north_arrow(ax, lang)
    add_source_note(ax, source, lang, date, tiles.attribution if drawn else None)


BASEMAP_DPI = 1.5
"""Pixels of background tiles per pixel of the figure (sharper when printed)."""


def add_basemap(ax, tiles: tiles_mod.TileSource | None, crs, *, fetch=None) -> bool:
    """Draw background tiles under everything on a map whose limits are set.

    Parameters
    ----------
    ax : matplotlib.axes.Axes
        A map.
    tiles : TileSource or None
        Where the tiles come from (nothing is drawn without one).
    crs : pyproj CRS or str
        The map's CRS.
    fetch : callable, optional
        ``fetch(source, z, x, y) -> bytes`` (default
        :func:`diagnostic_lib.tiles.fetch_tile`).

    Returns
    -------
    bool
        Whether tiles were drawn (``False`` when they cannot be fetched or read:
        the map stays as it was).

    Examples
    --------
    >>> from diagnostic_lib.tiles import TileSource
    >>> fig, ax = new_map(); _ = ax.set_xlim(296000, 300000); _ = ax.set_ylim(5040000, 5043000)
    >>> add_basemap(ax, TileSource("file:///nonexistent/{z}/{x}/{y}.png", "©"), "EPSG:32188")
    False
    >>> add_basemap(ax, None, "EPSG:32188"), len(ax.images)
    (False, 0)
    """
    if tiles is None or crs is None:
        return False
    x0, x1 = ax.get_xlim()
    y0, y1 = ax.get_ylim()
    fig = ax.figure
    w, h = fig.get_size_inches() * fig.dpi * BASEMAP_DPI
    pos = ax.get_position()
    shape = (max(int(h * pos.height), 16), max(int(w * pos.width), 16))
    try:
        img = tiles_mod.basemap(tiles, (x0, y0, x1, y1), crs, shape, fetch=fetch)
    except tiles_mod.TileError:
        return False
    im = ax.imshow(img, extent=(x0, x1, y0, y1), origin="upper", zorder=0, interpolation="bilinear")
    layout.background(im)
    ax.set_xlim(x0, x1)
    ax.set_ylim(y0, y1)
    ax.set_aspect("equal")
    return True


def fill_alpha(tiles) -> float:
    """Opacity of the filled areas of a map: lighter over background tiles.

    Examples
    --------
    >>> fill_alpha(None), fill_alpha(object())
    (1.0, 0.7)
    """
    return 1.0 if tiles is None else style.OVER_TILES_ALPHA


LANDMARK_FONTSIZE = 6.5
"""Size of the landmarks' names."""
LANDMARK_WIDTH = 28
"""Longest line of a landmark's name (longer names are wrapped)."""


def landmark_handles(landmarks, lang: str = "fr") -> list:
    """The legend entry of the landmarks ("Repères" / "Landmarks"), none without landmarks.

    Examples
    --------
    >>> import pandas as pd
    >>> [h.get_label() for h in landmark_handles(pd.DataFrame({"name": ["Gare"]}), "en")]
    ['Landmarks']
    >>> landmark_handles(None)
    []
    """
    from matplotlib.lines import Line2D

    if landmarks is None or not len(landmarks):
        return []
    return [
        Line2D(
            [],
            [],
            linestyle="none",
            marker=style.LANDMARK_MARKER,
            markersize=4.5,
            markerfacecolor=style.LANDMARK,
            markeredgecolor=style.PAPER,
            label=i18n.t("maps.landmarks", lang),
        )
    ]


def draw_landmarks(ax, landmarks) -> list[str]:
    """Landmarks: a small marker and the name of each, off every text already written.

    Draw them last, on the final layout (after :func:`decorate` and the map's own
    labels): a name that finds no free place, or a place under a text already
    written (a sector's name, a problem's number), is left out, with its
    marker. The markers are context (:func:`diagnostic_lib.layout.background`).

    Parameters
    ----------
    ax : matplotlib.axes.Axes
        A map whose limits are set.
    landmarks : GeoDataFrame or None
        From :func:`diagnostic_lib.inventory.landmarks` (``name``, ``geometry``),
        most relevant first; at most ``landmarks.attrs["n"]`` are drawn (the
        others are spares, for the names that cannot be written).

    Returns
    -------
    list of str
        The names written.

    Examples
    --------
    >>> import geopandas as gpd, shapely
    >>> from diagnostic_lib import layout
    >>> fig, ax = new_map(); _ = ax.set_xlim(0, 1000); _ = ax.set_ylim(0, 1000)
    >>> lm = gpd.GeoDataFrame({"name": ["Gare centrale", "Parc"]},
    ...                       geometry=[shapely.Point(500, 500), shapely.Point(505, 500)])
    >>> draw_landmarks(ax, lm), layout.layout_problems(fig).empty
    (['Gare centrale', 'Parc'], True)
    """
    if landmarks is None or not len(landmarks):
        return []
    x0, x1 = ax.get_xlim()
    y0, y1 = ax.get_ylim()
    spots = []
    for name, p in zip(
        landmarks["name"].astype(object), landmarks.geometry.representative_point(), strict=True
    ):
        if p is None or p.is_empty or not isinstance(name, str) or not name.strip():
            continue
        if x0 <= p.x <= x1 and y0 <= p.y <= y1:
            spots.append((p.x, p.y, wrap(name.strip(), LANDMARK_WIDTH)))
    if not spots:
        return []
    xy = [(x, y) for x, y, _ in spots]
    written = place_labels(
        ax,
        spots,
        min_radius=12.0,
        avoid=xy,
        avoid_radius=3.5,
        skip_crowded=True,
        free_anchor=True,
        most=landmarks.attrs.get("n"),
        fontsize=LANDMARK_FONTSIZE,
        fontstyle="italic",
        color=style.LANDMARK_TEXT,
        zorder=15,
        bbox={"facecolor": style.PAPER, "alpha": 0.7, "edgecolor": "none", "pad": 0.6},
    )
    kept = [(x, y) for (x, y), t in zip(xy, written, strict=True) if t is not None]
    if kept:
        px, py = zip(*kept, strict=True)
        layout.background(
            ax.scatter(
                px,
                py,
                marker=style.LANDMARK_MARKER,
                s=18,
                c=style.LANDMARK,
                edgecolors=style.PAPER,
                linewidths=0.6,
                zorder=15.5,  # over the sector names, under the numbers of problems
            )
        )
    return [t.get_text() for t in written if t is not None]


def _fit(ax, geoms) -> None:
    b = geoms.total_bounds
    if np.all(np.isfinite(b)):
        dx, dy = b[2] - b[0], b[3] - b[1]
        pad = 0.04 * max(dx, dy, 1.0)
        ax.set_xlim(b[0] - pad, b[2] + pad)
        ax.set_ylim(b[1] - pad, b[3] + pad)


EDGE_WIDTH: float = 0.8
"""Width (points) of the areas' outlines on a map of a few areas."""
EDGE_FULL_AREAS: int = 150
"""Up to this many areas, outlines are drawn :data:`EDGE_WIDTH` wide."""


def edge_width(n: int) -> float:
    """The outline width of ``n`` areas on one map: thinner as they get more numerous.

    A map's size is fixed, so its areas shrink as they multiply; outlines of a
    constant width would cover the colours (3,000 sectors of a province: a grey map).
    Past :data:`EDGE_FULL_AREAS` the width falls with the square root of the
    areas' number (the side of a typical area), never under 0.05 pt.

    Examples
    --------
    >>> edge_width(10), edge_width(1_500), round(edge_width(12_600), 3)
    (0.8, 0.253, 0.087)
    """
    if n <= EDGE_FULL_AREAS:
        return EDGE_WIDTH
    return round(max(0.05, EDGE_WIDTH * (EDGE_FULL_AREAS / n) ** 0.5), 3)


def add_polygons(ax, geoms, **kwargs):
    """Draw (multi)polygons, holes included, as one matplotlib collection.

    What ``GeoSeries.plot`` does for polygons, without its per-call overhead
    (it builds a class and scans the frame each time): the explorer widget
    redraws its maps at each change. Other geometry types and empty or missing
    geometries are skipped.

    Parameters
    ----------
    ax : matplotlib.axes.Axes
        A map.
    geoms : sequence of shapely geometries
        The polygons.
    **kwargs
        Passed to :class:`matplotlib.collections.PathCollection` (``facecolor``,
        ``edgecolor``, ``linewidth``, ``alpha``, ``zorder``…).

    Returns
    -------
    matplotlib.collections.Collection
        A ``PolyCollection`` when no polygon has a hole (one ring per polygon or
        part: built from one array of vertices), else a ``PathCollection``.

    Examples
    --------
    >>> import shapely
    >>> fig, ax = new_map()
    >>> cells = add_polygons(ax, [shapely.box(0, 0, 1, 1), shapely.box(1, 0, 2, 1)])
    >>> type(cells).__name__, len(cells.get_paths())
    ('PolyCollection', 2)
    >>> ring = shapely.box(0, 0, 10, 10).difference(shapely.box(4, 4, 6, 6))
    >>> pc = add_polygons(ax, [ring, None], facecolor="red")
    >>> len(pc.get_paths()), len(pc.get_paths()[0].codes)
    (1, 10)
    """
    import shapely
    from matplotlib.collections import PathCollection, PolyCollection
    from matplotlib.path import Path

    kwargs.setdefault("facecolor", "none")
    arr = np.asarray(list(geoms), dtype=object)
    arr = arr[~(shapely.is_missing(arr) | shapely.is_empty(arr))] if len(arr) else arr
    parts = shapely.get_parts(arr) if len(arr) else arr
    parts = parts[shapely.get_type_id(parts) == 3] if len(parts) else parts  # polygons
    if len(parts) and not np.any(shapely.get_num_interior_rings(parts)):
        # polygons without holes (a city's grid: 10,000+ cells, clipped at its edge): one
        # ring each, the same rings as the paths below, without a compound path per polygon
        xy, owner = shapely.get_coordinates(shapely.get_exterior_ring(parts), return_index=True)
        n = np.bincount(owner, minlength=len(parts))
        verts = (
            xy.reshape(len(parts), -1, 2) if np.all(n == n[0]) else np.split(xy, np.cumsum(n)[:-1])
        )
        coll = PolyCollection(verts, closed=False, **kwargs)
        ax.add_collection(coll, autolim=True)
        ax.autoscale_view()
        return coll
    paths = []
    for g in geoms:
        if g is None or g.is_empty:
            continue
        parts = [p for p in getattr(g, "geoms", [g]) if p.geom_type == "Polygon"]
        rings = [r for p in parts for r in (p.exterior, *p.interiors)]
        if rings:
            paths.append(
                Path.make_compound_path(*(Path(shapely.get_coordinates(r)) for r in rings))
            )
    coll = PathCollection(paths, **kwargs)
    ax.add_collection(coll, autolim=True)
    ax.autoscale_view()
    return coll


def draw_sectors(
    ax,
    sectors,
    *,
    labels: bool = True,
    facecolor: str = "none",
    edgecolor: str = style.SECTOR_EDGE,
    max_labels: int | None = SHOWN_AT_MOST,
) -> None:
    """Sector outlines with their names (the context of a map, not its data).

    Parameters
    ----------
    ax : matplotlib.axes.Axes
        A map.
    sectors : GeoDataFrame
        Canonical sectors.
    labels : bool
        Write each sector's name (its id when it has none, :func:`sector_names`).
    facecolor, edgecolor : str
        Fill and outline.
    max_labels : int, optional
        Most sectors named (``None``: all); a region with more names only its
        largest sectors (hundreds of names on one map cannot be read, and each
        costs a text layout at every draw).

    Examples
    --------
    >>> import geopandas as gpd, shapely
    >>> s = gpd.GeoDataFrame({"sector_id": ["A"], "name": ["Gare"]},
    ...                      geometry=[shapely.box(0, 0, 1, 1)])
    >>> fig, ax = new_map(); draw_sectors(ax, s)
    >>> ax.texts[0].get_text(), ax.collections[0].get_gid()
    ('Gare', 'layout:background')
    """
    width = edge_width(len(sectors))
    coll = add_polygons(
        ax, sectors.geometry, facecolor=facecolor, edgecolor=edgecolor, linewidth=width, zorder=2
    )
    layout.background(coll)
    if labels:
        names = sector_names(sectors)
        if max_labels is not None and len(sectors) > max_labels:
            area = sectors.geometry.area.reset_index(drop=True)
            keep = sorted(area.sort_values(ascending=False, kind="stable").index[:max_labels])
            sectors, names = sectors.iloc[keep], [names[i] for i in keep]
        pts = sectors.geometry.representative_point()
        for name, p in zip(names, pts, strict=True):
            if p is None or p.is_empty:  # a sector known by its code only has no outline
                continue
            ax.text(
                p.x,
                p.y,
                name,
                fontsize=7,
                ha="center",
                va="center",
                color=style.LABEL_TEXT,
                zorder=15,
                bbox={"facecolor": style.PAPER, "alpha": 0.6, "edgecolor": "none", "pad": 0.5},
            )


def _note(ax, text: str, *, y: float = 0.11, wrap: bool = False) -> None:
    """A small note on a white box, lower left (above the scale bar)."""
    ax.text(
        0.01,
        y,
        text,
        transform=ax.transAxes,
        fontsize=7,
        ha="left",
        va="bottom",
        wrap=wrap,
        bbox={"facecolor": style.PAPER, "alpha": 0.8, "edgecolor": "none"},
    )


def _box(ax, lines: list[str]) -> None:
    """A list of lines in a framed box, upper left."""
    if lines:
        ax.text(
            0.01,
            0.99,
            "\n".join(lines),
            transform=ax.transAxes,
            va="top",
            ha="left",
            fontsize=7,
            zorder=22,
            bbox={"facecolor": style.PAPER, "alpha": 0.9, "edgecolor": style.BOX_EDGE},
        )


LEGEND_ROOM_IN = 1.0
"""Height (inches) a legend under a map may take from the map; a taller one makes the figure
taller (by the rest), so that a long legend (ten problems, twenty measures) never shrinks the
map until its sector names run into each other."""


def legend_inches(labels: list[str], ncols: int = 1, fontsize: float = 7.0) -> float:
    r"""The height (inches) of a legend of ``labels`` (with line breaks) in ``ncols`` columns.

    Matplotlib fills a legend's columns one after the other; each line takes
    1.2 × ``fontsize``, each entry half a line more, the title and the margins
    about two lines.

    Examples
    --------
    >>> round(legend_inches(["a", "b"], ncols=2), 2), round(legend_inches(["a\nb"] * 10), 2)
    (0.41, 3.06)
    """
    if not labels:
        return 0.0
    lines = [str(x).count("\n") + 1 for x in labels]
    per = -(-len(lines) // max(int(ncols), 1))
    columns = [lines[i : i + per] for i in range(0, len(lines), per)]
    tallest = max(sum(c) * 1.2 + len(c) * 0.5 for c in columns)
    return (tallest + 2.5) * fontsize / 72.0


def _fig_legend(fig, handles, title: str, ncols: int = 2) -> None:
    """A legend under the figure; a tall one makes the figure taller (:data:`LEGEND_ROOM_IN`)."""
    if handles:
        extra = legend_inches([h.get_label() for h in handles], ncols) - LEGEND_ROOM_IN
        if extra > 0:
            w, h = fig.get_size_inches()
            fig.set_size_inches(w, h + extra)
        fig.legend(
            handles=handles,
            loc="outside lower center",
            fontsize=7,
            ncols=ncols,
            frameon=False,
            title=title,
            title_fontsize=8,
        )


def _compact(value: float, lang: str) -> str:
    """A number with only the decimals it needs (:func:`diagnostic_lib.formatting.compact`)."""
    return fmt.compact(value, lang)


def figure_to_png(fig, dpi: int = 110) -> bytes:
    r"""Render a figure to PNG bytes (and close it).

    Parameters
    ----------
    fig : matplotlib.figure.Figure
        Any figure.
    dpi : int
        Resolution.

    Returns
    -------
    bytes

    Examples
    --------
    >>> fig, ax = new_map()
    >>> figure_to_png(fig)[:4]
    b'\x89PNG'
    """
    plt = _plt()
    buf = io.BytesIO()
    fig.savefig(buf, format="png", dpi=dpi)
    plt.close(fig)
    return buf.getvalue()


def legend_labels(fig) -> list[str]:
    """All legend entry texts of a figure (used by tests and the report).

    Parameters
    ----------
    fig : matplotlib.figure.Figure
        Any figure.

    Returns
    -------
    list of str

    Examples
    --------
    >>> fig, ax = new_map(); _ = ax.plot([0], [0], label="x"); _ = ax.legend()
    >>> legend_labels(fig)
    ['x']
    """
    out: list[str] = []
    for ax in fig.axes:
        leg = ax.get_legend()
        if leg is not None:
            out.extend(t.get_text() for t in leg.get_texts())
    for leg in getattr(fig, "legends", []):
        out.extend(t.get_text() for t in leg.get_texts())
    return out


def is_blank(png: bytes, threshold: float = 0.002) -> bool:
    """True when a PNG is (almost) a single colour.

    Parameters
    ----------
    png : bytes
        A PNG image.
    threshold : float
        Largest share of differing pixels (or colour spread) still called blank.

    Returns
    -------
    bool

    Examples
    --------
    >>> fig, ax = new_map()
    >>> ax.set_axis_off()
    >>> is_blank(figure_to_png(fig))
    True
    """
    import matplotlib.image as mpimg

    img = mpimg.imread(io.BytesIO(png), format="png")
    flat = img.reshape(-1, img.shape[-1])[:, :3]
    return (
        float(np.std(flat, axis=0).max()) < threshold
        or float((np.abs(flat - flat[0]).sum(axis=1) > 0.05).mean()) < threshold
    )
