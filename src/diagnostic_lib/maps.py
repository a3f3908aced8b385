"""Maps: static (matplotlib, fit to print) and interactive (folium).

Every static map has a title, a legend, a scale bar, a north arrow and a
source/date note, with all text in French or English. Functions return the
matplotlib ``Figure`` (static) or a ``folium.Map`` (interactive) and never
compute anything the library does not already compute elsewhere: they draw
tables that the step modules return.

Examples
--------
>>> import matplotlib
>>> matplotlib.use("Agg")
>>> from diagnostic_lib import loaders, maps, sample
>>> d = loaders.load_diagnostic(sample.sample_dir() / "diagnostic.toml")
>>> fig = maps.overview_map(d.sectors, d.incidents, lang="en")
>>> fig.axes[0].get_title()
'Sectors and incidents'
"""

from __future__ import annotations

import datetime as _dt
import functools
import io
import warnings
from collections.abc import Sequence

import numpy as np
import pandas as pd

from . import i18n

# Colour-blind-safe qualitative palette (Okabe–Ito) and per-pillar colours.
PALETTE = (
    "#0072B2",
    "#E69F00",
    "#009E73",
    "#D55E00",
    "#CC79A7",
    "#56B4E9",
    "#F0E442",
    "#000000",
    "#999999",
)
PILLAR_COLOURS = {
    "rapprochement": "#0072B2",
    "partenariat": "#009E73",
    "resolution": "#D55E00",
    "prevention": "#CC79A7",
}
PILLAR_MARKERS = {"rapprochement": "o", "partenariat": "s", "resolution": "^", "prevention": "D"}
FAMILY_COLOURS = {
    "property": "#0072B2",
    "violent": "#D55E00",
    "disorder": "#E69F00",
    "traffic": "#56B4E9",
    "fraud_cyber": "#CC79A7",
    "other": "#999999",
}


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
        color="black",
        zorder=20,
    )
    ax.fill([bx + length / 2, bx + length, bx + length, bx + length / 2], [by, by, by + h, by + h],
            facecolor="white", edgecolor="black", zorder=20)  # fmt: skip
    label = f"{length / 1000:g} km" if length >= 1000 else f"{length:g} m"
    ax.text(bx + length / 2, by + 2.2 * h, label, ha="center", va="bottom", fontsize=8, zorder=21,
            bbox={"facecolor": "white", "alpha": 0.7, "edgecolor": "none", "pad": 1})  # fmt: skip


def add_north_arrow(ax, lang: str = "fr") -> None:
    """Draw a north arrow in the upper-right corner (grid north of the map CRS).

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
        arrowprops={"facecolor": "black", "width": 4, "headwidth": 11},
        zorder=21,
    )


def add_source_note(ax, source: str, lang: str = "fr", date: str | None = None) -> None:
    """Write the data source and the date in the lower-right corner.

    Examples
    --------
    >>> fig, ax = new_map(); add_source_note(ax, "SPVM", "en", date="2026-01-01")
    >>> ax.texts[0].get_text()
    'Source: SPVM — 2026-01-01'
    """
    date = date or _dt.date.today().isoformat()
    text = (
        f"{i18n.t('word.source', lang)} : {source} — {date}"
        if lang == "fr"
        else f"{i18n.t('word.source', lang)}: {source} — {date}"
    )
    ax.text(0.99, 0.01, text, transform=ax.transAxes, ha="right", va="bottom", fontsize=7, color="#333333",
            bbox={"facecolor": "white", "alpha": 0.7, "edgecolor": "none", "pad": 1}, zorder=21)  # fmt: skip


def decorate(
    ax, title: str, lang: str = "fr", source: str = "diagnostic_lib", date: str | None = None
) -> None:
    """Title, scale bar, north arrow and source/date note on a map axes.

    Examples
    --------
    >>> fig, ax = new_map(); decorate(ax, "Carte", "fr", "Ville", "2026-01-01")
    >>> ax.get_title(), len(ax.texts)
    ('Carte', 3)
    """
    ax.set_title(title)
    ax.set_xlabel("")
    ax.set_ylabel("")
    add_scale_bar(ax, lang)
    add_north_arrow(ax, lang)
    add_source_note(ax, source, lang, date)


def _fit(ax, geoms) -> None:
    b = geoms.total_bounds
    if np.all(np.isfinite(b)):
        dx, dy = b[2] - b[0], b[3] - b[1]
        pad = 0.04 * max(dx, dy, 1.0)
        ax.set_xlim(b[0] - pad, b[2] + pad)
        ax.set_ylim(b[1] - pad, b[3] + pad)


def draw_sectors(
    ax, sectors, *, labels: bool = True, facecolor: str = "none", edgecolor: str = "#444444"
) -> None:
    """Sector outlines with their ids.

    Examples
    --------
    >>> import geopandas as gpd, shapely
    >>> s = gpd.GeoDataFrame({"sector_id": ["A"]}, geometry=[shapely.box(0, 0, 1, 1)])
    >>> fig, ax = new_map(); draw_sectors(ax, s)
    >>> ax.texts[0].get_text()
    'A'
    """
    sectors.plot(ax=ax, facecolor=facecolor, edgecolor=edgecolor, linewidth=0.8, zorder=2)
    if labels:
        pts = sectors.geometry.representative_point()
        for sid, p in zip(sectors["sector_id"], pts, strict=True):
            ax.text(p.x, p.y, str(sid), fontsize=7, ha="center", va="center", color="#222222", zorder=15,
                    bbox={"facecolor": "white", "alpha": 0.6, "edgecolor": "none", "pad": 0.5})  # fmt: skip


def overview_map(
    sectors,
    incidents,
    *,
    lang: str = "fr",
    by: str = "family",
    source: str = "diagnostic_lib",
    max_points: int = 50_000,
    seed: int = 0,
):
    """Sectors and located incidents coloured by family (or category).

    Incidents without a position are not drawn; their number is written on
    the map, since they still count in the totals. Above ``max_points``
    located incidents a seeded random sample is drawn (said on the map).

    Parameters
    ----------
    sectors, incidents : GeoDataFrame
        Canonical tables.
    lang : {"fr", "en"}
    by : {"family", "category"}
    source : str
        Source note.
    max_points : int
    seed : int

    Returns
    -------
    matplotlib.figure.Figure

    Examples
    --------
    >>> from diagnostic_lib import loaders, sample
    >>> d = loaders.load_diagnostic(sample.sample_dir() / "diagnostic.toml")
    >>> fig = overview_map(d.sectors, d.incidents, lang="fr")
    >>> any(t.startswith("Crimes contre les biens") for t in legend_labels(fig))
    True
    """
    from matplotlib.lines import Line2D

    fig, ax = new_map()
    draw_sectors(ax, sectors)
    located = incidents[incidents.geometry.notna() & ~incidents.geometry.is_empty]
    n_unloc = len(incidents) - len(located)
    shown = located
    if len(located) > max_points:
        shown = located.sample(max_points, random_state=seed)
    handles = []
    groups = sorted(shown[by].dropna().unique(), key=str)
    for i, g in enumerate(groups):
        sub = shown[shown[by] == g]
        colour = (
            FAMILY_COLOURS.get(g, PALETTE[i % len(PALETTE)])
            if by == "family"
            else PALETTE[i % len(PALETTE)]
        )
        ax.scatter(
            sub.geometry.x, sub.geometry.y, s=2, color=colour, alpha=0.5, linewidths=0, zorder=5
        )
        lab = i18n.label("family", g, lang) if by == "family" else str(g)
        n = int((located[by] == g).sum())
        handles.append(
            Line2D(
                [],
                [],
                marker="o",
                linestyle="",
                color=colour,
                label=f"{lab} ({n:,})".replace(",", "\u202f" if lang == "fr" else ","),
            )
        )
    _fit(ax, sectors)
    ax.legend(
        handles=handles,
        title=i18n.t(f"word.{by}", lang),
        loc="upper left",
        fontsize=8,
        title_fontsize=8,
        framealpha=0.85,
    )
    if n_unloc:
        ax.text(0.01, 0.11, i18n.t("overview.unlocated", lang, n=f"{n_unloc:,}".replace(",", "\u202f" if lang == "fr" else ",")),
                transform=ax.transAxes, fontsize=7, ha="left", va="bottom", wrap=True,
                bbox={"facecolor": "white", "alpha": 0.8, "edgecolor": "none"})  # fmt: skip
    decorate(ax, i18n.t("overview.map", lang), lang, source)
    return fig


def figure_to_png(fig, dpi: int = 110) -> bytes:
    """Render a figure to PNG bytes (and close it).

    Examples
    --------
    >>> fig, ax = new_map()
    >>> figure_to_png(fig)[:4]
    b'\\x89PNG'
    """
    plt = _plt()
    buf = io.BytesIO()
    fig.savefig(buf, format="png", dpi=dpi)
    plt.close(fig)
    return buf.getvalue()


def legend_labels(fig) -> list[str]:
    """All legend entry texts of a figure (used by tests and the report).

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


__all__: Sequence[str] = (
    "new_map",
    "decorate",
    "draw_sectors",
    "overview_map",
    "figure_to_png",
    "legend_labels",
    "is_blank",
    "nice_length",
    "add_scale_bar",
    "add_north_arrow",
    "add_source_note",
)


# ----------------------------------------------------------------------------
# Step 1 static maps
# ----------------------------------------------------------------------------
HOT_COLOURS = {
    "hot_99": "#b2182b",
    "hot_95": "#ef8a62",
    "hot_90": "#fddbc7",
    "not_significant": "#f7f7f7",
    "cold_90": "#d1e5f0",
    "cold_95": "#67a9cf",
    "cold_99": "#2166ac",
}
HOT_LABELS = {
    "hot_99": ("Point chaud (99 %)", "Hot spot (99%)"),
    "hot_95": ("Point chaud (95 %)", "Hot spot (95%)"),
    "hot_90": ("Point chaud (90 %)", "Hot spot (90%)"),
    "not_significant": ("Non significatif", "Not significant"),
    "cold_90": ("Point froid (90 %)", "Cold spot (90%)"),
    "cold_95": ("Point froid (95 %)", "Cold spot (95%)"),
    "cold_99": ("Point froid (99 %)", "Cold spot (99%)"),
}
_NO_DATA = ("Aucune donnée", "No data")


def _li(pair: tuple[str, str], lang: str) -> str:
    return pair[0] if lang == "fr" else pair[1]


def _num(v: float, lang: str, digits: int = 1) -> str:
    s = f"{v:,.{digits}f}"
    return s.replace(",", "\u202f").replace(".", ",") if lang == "fr" else s


def choropleth(
    sectors,
    values,
    *,
    title: str,
    legend_title: str,
    lang: str = "fr",
    scheme: str = "FisherJenks",
    k: int = 5,
    cmap: str = "OrRd",
    source: str = "diagnostic_lib",
    date: str | None = None,
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
    lang : {"fr", "en"}
    scheme : str
        A mapclassify scheme (``FisherJenks``, ``Quantiles``, ``EqualInterval``,
        ``NaturalBreaks`` …); with fewer distinct values than ``k``, fewer classes.
    k : int
    cmap : str

    Returns
    -------
    matplotlib.figure.Figure

    Examples
    --------
    >>> import geopandas as gpd, pandas as pd, shapely
    >>> s = gpd.GeoDataFrame({"sector_id": list("ABCD")}, geometry=[shapely.box(i, 0, i + 1, 1) for i in range(4)])
    >>> fig = choropleth(s, pd.Series([1.0, 2.0, 8.0, None], index=list("ABCD")), title="Taux",
    ...                  legend_title="pour 1 000", k=2)
    >>> legend_labels(fig)
    ['1,0 – 2,0 (2)', '2,0 – 8,0 (1)', 'Aucune donnée (1)']
    """
    import mapclassify
    import matplotlib as mpl
    from matplotlib.patches import Patch

    fig, ax = new_map()
    v = sectors["sector_id"].map(pd.Series(values)).astype("float64").to_numpy()
    ok = np.isfinite(v)
    handles = []
    if ok.any():
        kk = int(min(k, len(np.unique(v[ok]))))
        if kk >= 2:
            with warnings.catch_warnings():
                # mapclassify falls back to pure Python without numba: slower, same classes
                warnings.filterwarnings("ignore", message="Numba not installed")
                cls = getattr(mapclassify, scheme)(v[ok], k=kk)
            bins = np.asarray(cls.bins, dtype="float64")
            yb = np.asarray(cls.yb)
        else:
            bins, yb = np.array([v[ok].max()]), np.zeros(ok.sum(), dtype=int)
        cm = mpl.colormaps[cmap]
        colours = [cm(0.15 + 0.85 * i / max(len(bins) - 1, 1)) for i in range(len(bins))]
        fc = [colours[i] for i in yb]
        lower = np.r_[v[ok].min(), bins[:-1]]
        for i, (lo, hi) in enumerate(zip(lower, bins, strict=True)):
            n = int((yb == i).sum())
            handles.append(
                Patch(
                    facecolor=colours[i],
                    edgecolor="#444444",
                    label=f"{_num(lo, lang)} – {_num(hi, lang)} ({n})",
                )
            )
        sectors[ok].plot(ax=ax, color=fc, edgecolor="#444444", linewidth=0.8, zorder=2)
    if (~ok).any():
        sectors[~ok].plot(
            ax=ax, facecolor="white", edgecolor="#444444", hatch="///", linewidth=0.8, zorder=2
        )
        handles.append(
            Patch(
                facecolor="white",
                edgecolor="#444444",
                hatch="///",
                label=f"{_li(_NO_DATA, lang)} ({int((~ok).sum())})",
            )
        )
    draw_sectors(ax, sectors)
    _fit(ax, sectors)
    ax.legend(
        handles=handles,
        title=legend_title,
        loc="upper left",
        fontsize=8,
        title_fontsize=8,
        framealpha=0.9,
    )
    decorate(ax, title, lang, source, date)
    return fig


def hot_spot_map(
    hot,
    sectors,
    *,
    lang: str = "fr",
    title: str | None = None,
    source: str = "diagnostic_lib",
    date: str | None = None,
):
    """Hot-spot grid by Gi* class (from :func:`diagnostic_lib.inventory.hot_spots`).

    The parameters used (cell size, neighbourhood, correction) are written
    under the title.

    Examples
    --------
    >>> import warnings; warnings.simplefilter("ignore")
    >>> import geopandas as gpd, numpy as np, shapely
    >>> from diagnostic_lib import inventory
    >>> area = gpd.GeoDataFrame({"sector_id": ["A"]}, geometry=[shapely.box(0, 0, 2000, 2000)], crs="EPSG:32188")
    >>> rng = np.random.default_rng(0)
    >>> inc = gpd.GeoDataFrame(geometry=gpd.points_from_xy(rng.normal(500, 50, 200), rng.normal(500, 50, 200)), crs="EPSG:32188")
    >>> fig = hot_spot_map(inventory.hot_spots(inc, area=area, cell_size=200), area, lang="en")
    >>> "Hot spot (99%)" in " ".join(legend_labels(fig))
    True
    """
    from matplotlib.patches import Patch

    from . import inventory

    fig, ax = new_map()
    counts = hot["hot_class"].value_counts()
    handles = []
    for cls, colour in HOT_COLOURS.items():
        sub = hot[hot["hot_class"] == cls]
        if len(sub):
            sub.plot(
                ax=ax,
                color=colour,
                edgecolor="#bbbbbb" if cls == "not_significant" else colour,
                linewidth=0.2,
                zorder=2,
            )
        if cls in counts.index or cls.startswith("hot"):
            handles.append(
                Patch(
                    facecolor=colour,
                    edgecolor="#999999",
                    label=f"{_li(HOT_LABELS[cls], lang)} ({int(counts.get(cls, 0))})",
                )
            )
    draw_sectors(ax, sectors)
    _fit(ax, sectors)
    ax.legend(
        handles=handles,
        title="Getis–Ord Gi*",
        loc="upper left",
        fontsize=8,
        title_fontsize=8,
        framealpha=0.9,
    )
    t = title or (
        "Points chauds (Gi*, correction FDR)" if lang == "fr" else "Hot spots (Gi*, FDR correction)"
    )
    decorate(ax, t, lang, source, date)
    ax.text(0.5, 1.0, inventory.hot_spot_parameters_text(hot, lang), transform=ax.transAxes, ha="center", va="bottom",
            fontsize=7, color="#333333", wrap=True)  # fmt: skip
    return fig


def incident_map(
    incidents,
    sectors,
    *,
    by: str = "category",
    lang: str = "fr",
    taxonomy=None,
    title: str | None = None,
    max_points: int = 50_000,
    seed: int = 0,
    source: str = "diagnostic_lib",
    date: str | None = None,
):
    """Located incidents as points, coloured by category (or family).

    Examples
    --------
    >>> from diagnostic_lib import loaders, sample
    >>> d = loaders.load_diagnostic(sample.sample_dir() / "diagnostic.toml")
    >>> fig = incident_map(d.incidents[d.incidents.category == "burglary"], d.sectors, lang="en")
    >>> legend_labels(fig)[0].startswith("Break and enter")
    True
    """
    from matplotlib.lines import Line2D

    from . import taxonomy as taxonomy_mod

    tax = taxonomy if taxonomy is not None else taxonomy_mod.load_taxonomy()
    col = "label_fr" if lang == "fr" else "label_en"
    fig, ax = new_map()
    draw_sectors(ax, sectors)
    loc = incidents[incidents.geometry.notna() & ~incidents.geometry.is_empty]
    shown = loc.sample(max_points, random_state=seed) if len(loc) > max_points else loc
    groups = loc[by].value_counts()
    handles = []
    for i, (g, n) in enumerate(groups.items()):
        colour = FAMILY_COLOURS.get(g) if by == "family" else PALETTE[i % len(PALETTE)]
        sub = shown[shown[by] == g]
        ax.scatter(
            sub.geometry.x, sub.geometry.y, s=3, color=colour, alpha=0.6, linewidths=0, zorder=5
        )
        lab = i18n.label("family", g, lang) if by == "family" else str(tax[col].get(g, g))
        handles.append(
            Line2D(
                [], [], marker="o", linestyle="", color=colour, label=f"{lab} ({_num(n, lang, 0)})"
            )
        )
    _fit(ax, sectors)
    ax.legend(
        handles=handles[:12],
        title=i18n.t(f"word.{by}", lang),
        loc="upper left",
        fontsize=7,
        title_fontsize=8,
        framealpha=0.9,
    )
    n_unloc = len(incidents) - len(loc)
    if n_unloc:
        ax.text(0.01, 0.11, i18n.t("overview.unlocated", lang, n=_num(n_unloc, lang, 0)), transform=ax.transAxes,
                fontsize=7, ha="left", va="bottom", bbox={"facecolor": "white", "alpha": 0.8, "edgecolor": "none"})  # fmt: skip
    decorate(
        ax,
        title or ("Incidents par catégorie" if lang == "fr" else "Incidents by category"),
        lang,
        source,
        date,
    )
    return fig


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
    ranking : DataFrame, optional
        From :func:`diagnostic_lib.inventory.priority`; default: register order.
    top : int
        Number of problems drawn.

    Examples
    --------
    >>> import geopandas as gpd, shapely
    >>> s = gpd.GeoDataFrame({"sector_id": ["A"]}, geometry=[shapely.box(0, 0, 10, 10)])
    >>> pb = gpd.GeoDataFrame({"problem_id": ["P1"], "kind": ["place"], "title_fr": ["Vols"], "title_en": ["Thefts"]},
    ...                       geometry=[shapely.box(2, 2, 4, 4)])
    >>> legend_labels(problems_map(pb, s, lang="en"))
    ['1. Thefts']
    """
    from matplotlib.patches import Patch

    fig, ax = new_map()
    draw_sectors(ax, sectors, facecolor="#fafafa")
    order = list(ranking["problem_id"]) if ranking is not None else list(problems["problem_id"])
    pb = problems.set_index("problem_id")
    tcol = "title_fr" if lang == "fr" else "title_en"
    handles = []
    box_lines = []
    for rank, pid in enumerate(order[:top], start=1):
        if pid not in pb.index:
            continue
        rec = pb.loc[pid]
        colour = PALETTE[(rank - 1) % len(PALETTE)]
        label = f"{rank}. {rec[tcol]}"
        if rec.get("kind", "place") == "municipality" or rec.geometry is None:
            box_lines.append(label)
            continue
        gpd_rec = problems[problems["problem_id"] == pid]
        alpha = 0.45 if rec.get("kind", "place") == "place" else 0.18
        gpd_rec.plot(
            ax=ax,
            facecolor=colour,
            edgecolor=colour,
            alpha=alpha,
            linewidth=1.2,
            zorder=3 if rec.get("kind") == "place" else 2,
        )
        c = rec.geometry.representative_point()
        ax.text(c.x, c.y, str(rank), fontsize=9, fontweight="bold", ha="center", va="center", zorder=16,
                bbox={"boxstyle": "circle", "facecolor": "white", "edgecolor": colour})  # fmt: skip
        handles.append(
            Patch(facecolor=colour, alpha=0.6, edgecolor=colour, label=_short(label, 70))
        )
    _fit(ax, sectors)
    if handles:
        fig.legend(handles=handles, loc="outside lower center", fontsize=7, ncols=1, frameon=False,
                   title="Problèmes prioritaires" if lang == "fr" else "Priority problems", title_fontsize=8)  # fmt: skip
    if box_lines:
        head = "Sans lieu précis :" if lang == "fr" else "No precise place:"
        ax.text(0.01, 0.99, head + "\n" + "\n".join(_short(b, 60) for b in box_lines), transform=ax.transAxes, va="top",
                ha="left", fontsize=7, bbox={"facecolor": "white", "alpha": 0.9, "edgecolor": "#999999"}, zorder=22)  # fmt: skip
    decorate(
        ax,
        title or ("Problèmes prioritaires" if lang == "fr" else "Priority problems"),
        lang,
        source,
        date,
    )
    return fig


def _short(text: str, n: int) -> str:
    return text if len(text) <= n else text[: n - 1] + "…"


# ----------------------------------------------------------------------------
# Interactive maps (folium), working offline
# ----------------------------------------------------------------------------
def _asset_uri(name: str, mime: str) -> str:
    import base64
    from importlib import resources

    data = (resources.files("diagnostic_lib") / "data" / "leaflet" / name).read_bytes()
    if name.endswith(".css"):
        text = data.decode("utf-8")
        for img in ("layers.png", "layers-2x.png"):
            b = (resources.files("diagnostic_lib") / "data" / "leaflet" / img).read_bytes()
            text = text.replace(
                f"images/{img}", "data:image/png;base64," + base64.b64encode(b).decode("ascii")
            )
        data = text.encode("utf-8")
    return f"data:{mime};base64," + base64.b64encode(data).decode("ascii")


# folium's popups and "objects in front" call jQuery's ``$``; jQuery is not embedded, so this
# shim covers the two uses (parse an HTML string, document ready). Without it every popup
# throws "$ is not defined" in a browser and the map stops before its layer control.
_JQUERY_SHIM = """window.$ = window.$ || function (a) {
  if (typeof a === "string") {
    var t = document.createElement("template"); t.innerHTML = a.trim();
    return Array.prototype.slice.call(t.content.childNodes);
  }
  return {ready: function (f) {
    if (document.readyState !== "loading") { f(); } else { document.addEventListener("DOMContentLoaded", f); }
  }};
};"""


def interactive_map(
    sectors,
    *,
    incidents=None,
    hot=None,
    problems=None,
    measures=None,
    lang: str = "fr",
    taxonomy=None,
    tiles: str | None = None,
    max_points: int = 5_000,
    seed: int = 0,
):
    """An interactive Leaflet map (folium) with a layer control.

    Layers: sectors (with popups), incidents by category (one layer each, a
    seeded sample of at most ``max_points`` points), hot spots by Gi* class,
    problems, and preventive measures by pillar. Leaflet itself is embedded
    (vendored, BSD-2), so the map works without network; background tiles are
    optional (``tiles="OpenStreetMap"``) and the map still works when they
    cannot load.

    Returns
    -------
    folium.Map

    Examples
    --------
    >>> import geopandas as gpd, shapely
    >>> s = gpd.GeoDataFrame({"sector_id": ["A"], "name": ["Centre"], "population": [100.0]},
    ...                      geometry=[shapely.box(300000, 5040000, 301000, 5041000)], crs="EPSG:32188")
    >>> m = interactive_map(s, lang="en")
    >>> html = m.get_root().render()
    >>> "L.control.layers" in html and "cdn.jsdelivr" not in html
    True
    """
    import base64

    import folium

    from . import taxonomy as taxonomy_mod

    tax = taxonomy if taxonomy is not None else taxonomy_mod.load_taxonomy()
    fr = lang == "fr"
    s84 = sectors.to_crs(4326)
    b = s84.total_bounds
    m = folium.Map(
        location=[(b[1] + b[3]) / 2, (b[0] + b[2]) / 2],
        zoom_start=13,
        tiles=tiles,
        control_scale=True,
    )
    m.default_js = [
        ("leaflet", _asset_uri("leaflet.js", "text/javascript")),
        ("jquery_shim", "data:text/javascript;base64," + base64.b64encode(_JQUERY_SHIM.encode()).decode()),
    ]  # fmt: skip
    m.default_css = [("leaflet_css", _asset_uri("leaflet.css", "text/css"))]
    m.fit_bounds([[b[1], b[0]], [b[3], b[2]]])
    cols = [c for c in ("sector_id", "name", "population") if c in s84.columns]
    folium.GeoJson(
        s84[cols + ["geometry"]],
        name="Secteurs" if fr else "Sectors",
        style_function=lambda _: {"color": "#333333", "weight": 1.5, "fillOpacity": 0.05},
        tooltip=folium.GeoJsonTooltip(fields=cols[:2]),
        popup=folium.GeoJsonPopup(
            fields=cols,
            aliases=[
                i18n.t("word.sector", lang),
                "Nom" if fr else "Name",
                i18n.t("word.population", lang),
            ][: len(cols)],
        ),
    ).add_to(m)
    if hot is not None and len(hot):
        sig = hot[hot["hot_class"] != "not_significant"].to_crs(4326)
        if len(sig):
            sig = sig.assign(
                classe=[_li(HOT_LABELS[c], lang) for c in sig["hot_class"]], z=sig["gi_z"].round(2)
            )
            folium.GeoJson(
                sig[["cell_id", "count", "z", "classe", "hot_class", "geometry"]],
                name="Points chauds (Gi*)" if fr else "Hot spots (Gi*)",
                style_function=lambda f: {
                    "color": HOT_COLOURS[f["properties"]["hot_class"]],
                    "weight": 0.5,
                    "fillColor": HOT_COLOURS[f["properties"]["hot_class"]],
                    "fillOpacity": 0.6,
                },  # fmt: skip
                popup=folium.GeoJsonPopup(fields=["cell_id", "count", "z", "classe"]),
            ).add_to(m)
    if incidents is not None and len(incidents):
        loc = incidents[incidents.geometry.notna() & ~incidents.geometry.is_empty]
        if len(loc) > max_points:
            loc = loc.sample(max_points, random_state=seed)
        loc = loc.to_crs(4326)
        col = "label_fr" if fr else "label_en"
        for i, (cat, sub) in enumerate(loc.groupby("category", sort=True)):
            fg = folium.FeatureGroup(name=f"{tax[col].get(cat, cat)} ({len(sub)})", show=i < 3)
            colour = PALETTE[i % len(PALETTE)]
            for x, y, d in zip(
                sub.geometry.x,
                sub.geometry.y,
                sub["occurred_from"].dt.strftime("%Y-%m-%d %H:%M"),
                strict=True,
            ):
                folium.CircleMarker([y, x], radius=3, color=colour, fill=True, fill_opacity=0.7, weight=0,
                                    popup=f"{tax[col].get(cat, cat)}<br>{d}").add_to(fg)  # fmt: skip
            fg.add_to(m)
    if problems is not None and len(problems):
        tcol = "title_fr" if fr else "title_en"
        pb = problems[(problems["kind"] != "municipality") & problems.geometry.notna()].to_crs(4326)
        if len(pb):
            pb = pb.assign(titre=pb[tcol], n=pb["n_incidents"])
            folium.GeoJson(
                pb[["problem_id", "titre", "n", "geometry"]],
                name="Problèmes" if fr else "Problems",
                style_function=lambda _: {"color": "#D55E00", "weight": 2, "fillOpacity": 0.15},
                popup=folium.GeoJsonPopup(
                    fields=["problem_id", "titre", "n"],
                    aliases=["id", "Problème" if fr else "Problem", "n"],
                ),
            ).add_to(m)
    if measures is not None and len(measures):
        geo = measures[measures.geometry.notna()].to_crs(4326)
        for pillar, sub in geo.groupby("pillar", sort=True):
            colour = PILLAR_COLOURS.get(pillar, "#333333")
            ncol = "name" if fr else "name_en"
            folium.GeoJson(
                sub[["measure_id", ncol, "kind", "geometry"]].rename(columns={ncol: "nom"}),
                name=f"{'Mesures' if fr else 'Measures'} — {i18n.label('pillar', pillar, lang)}",
                style_function=lambda _, c=colour: {
                    "color": c,
                    "weight": 3,
                    "fillColor": c,
                    "fillOpacity": 0.25,
                },
                marker=folium.CircleMarker(radius=6, fill=True, fill_opacity=0.9),
                popup=folium.GeoJsonPopup(fields=["measure_id", "nom", "kind"]),
            ).add_to(m)
    folium.LayerControl(collapsed=False).add_to(m)
    return m


# ----------------------------------------------------------------------------
# Step 2 maps: preventive measures, footprints, buffer rings and gaps
# ----------------------------------------------------------------------------
LEVEL_COLOURS = {"none": "#D55E00", "weak": "#E69F00", "partial": "#F0E442", "strong": "#009E73"}
"""Colour of each coverage level (see :mod:`diagnostic_lib.measures`)."""
PILLAR_SYMBOLS = {"rapprochement": "●", "partenariat": "■", "resolution": "▲", "prevention": "◆"}
"""Text symbol of each pillar (interactive maps), matching :data:`PILLAR_MARKERS`."""
_GEOMETRIC = ("point", "line", "polygon")


def _pillar_order(values) -> list[str]:
    from . import schema

    present = [str(v) for v in pd.unique(pd.Series(values, dtype=object).dropna())]
    return [p for p in schema.PILLARS if p in present] + sorted(set(present) - set(schema.PILLARS))


def _fig_legend(fig, handles, title: str, ncols: int = 2) -> None:
    if handles:
        fig.legend(handles=handles, loc="outside lower center", fontsize=7, ncols=ncols, frameon=False,
                   title=title, title_fontsize=8)  # fmt: skip


def _box(ax, lines: list[str]) -> None:
    if lines:
        ax.text(0.01, 0.99, "\n".join(lines), transform=ax.transAxes, va="top", ha="left", fontsize=7, zorder=22,
                bbox={"facecolor": "white", "alpha": 0.9, "edgecolor": "#999999"})  # fmt: skip


@_deferred_draws
def measures_map(
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
    source: str = "diagnostic_lib",
    date: str | None = None,
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
    rings : GeoSeries, optional
        Buffer rings (:func:`diagnostic_lib.measures.buffer_rings`).
    problems : GeoDataFrame, optional
        Problem register (place and area problems are outlined).
    hot : GeoDataFrame, optional
        Hot-spot grid (:func:`diagnostic_lib.inventory.hot_spots`); cells hot
        at 95 % or more are shaded.
    buffer_m : float, optional
        Ring width, written in the legend.

    Returns
    -------
    matplotlib.figure.Figure

    Examples
    --------
    >>> import geopandas as gpd, pandas as pd, shapely
    >>> s = gpd.GeoDataFrame({"sector_id": ["A"]}, geometry=[shapely.box(0, 0, 100, 100)])
    >>> reg = pd.DataFrame({"measure_id": ["M1", "M2"], "pillar": ["prevention", "partenariat"],
    ...     "footprint": ["polygon", "municipality"], "status": ["active", "active"]})
    >>> areas = gpd.GeoSeries([shapely.box(10, 10, 30, 30), shapely.box(0, 0, 100, 100)])
    >>> legend_labels(measures_map(reg, areas, s, lang="en"))
    ['Closeness to citizens (0)', 'Partnership (1)', 'Problem solving (0)', 'Prevention (1)']
    """
    from matplotlib.lines import Line2D
    from matplotlib.patches import Patch

    from . import schema

    fr = lang == "fr"
    fig, ax = new_map((8.0, 7.5))
    draw_sectors(ax, sectors, facecolor="#fafafa", labels=False)
    handles = []
    if hot is not None and len(hot):
        h = hot[hot["hot_class"].isin(["hot_99", "hot_95"])]
        if len(h):
            h.plot(ax=ax, color="#fcbba1", edgecolor="none", zorder=2)
            handles.append(Patch(facecolor="#fcbba1", label="Points chauds (Gi*, 95 % et plus)" if fr
                                 else "Hot spots (Gi*, 95% and above)"))  # fmt: skip
    if problems is not None and len(problems):
        pb = problems[(problems["kind"] == "place") & problems.geometry.notna()]
        if len(pb):
            pb.boundary.plot(ax=ax, color="#555555", linestyle="--", linewidth=0.9, zorder=3)
            handles.append(Line2D([], [], color="#555555", linestyle="--",
                                  label="Problèmes (lieux)" if fr else "Problems (places)"))  # fmt: skip
    fp = registry["footprint"].astype(str).to_numpy()
    st = (
        registry["status"].astype(str).to_numpy()
        if "status" in registry
        else np.full(len(fp), "active")
    )
    arr = np.asarray(areas.array, dtype=object)
    has = np.array([a is not None and not a.is_empty for a in arr], dtype=bool)
    import geopandas as gpd

    if rings is not None:
        rarr = np.asarray(rings.array, dtype=object)
        keep = [
            r
            for r, f, ok in zip(rarr, fp, has, strict=True)
            if ok and f in _GEOMETRIC and r is not None
        ]
        if keep:
            gpd.GeoSeries(keep).plot(ax=ax, facecolor="none", edgecolor="#777777", linestyle=":", linewidth=1.0,
                                     zorder=4)  # fmt: skip
            lab = "Anneau tampon" if fr else "Buffer ring"
            if buffer_m:
                lab += f" ({buffer_m:g} m)"
            handles.append(Patch(facecolor="none", edgecolor="#777777", linestyle=":", label=lab))
    pillars = [p for p in schema.PILLARS] + [
        p for p in _pillar_order(registry["pillar"]) if p not in schema.PILLARS
    ]
    for pillar in pillars:
        colour = PILLAR_COLOURS.get(pillar, "#333333")
        marker = PILLAR_MARKERS.get(pillar, "o")
        sel = (registry["pillar"].astype(str) == pillar).to_numpy()
        for j in np.flatnonzero(sel & has & (fp != "municipality")):
            g = gpd.GeoSeries([arr[j]])
            planned, ended = st[j] == "planned", st[j] == "ended"
            if fp[j] == "sectors":
                g.plot(ax=ax, facecolor=colour, alpha=0.08, edgecolor="none", zorder=3)
                g.boundary.plot(
                    ax=ax,
                    color=colour,
                    linewidth=1.2,
                    linestyle="--" if planned else "-.",
                    zorder=5,
                )
            else:
                g.plot(ax=ax, facecolor="none" if planned else colour, alpha=0.15 if ended else 0.5,
                       edgecolor=colour, linewidth=1.2, linestyle="--" if planned else "-",
                       hatch="...." if ended else None, zorder=6)  # fmt: skip
                g.boundary.plot(
                    ax=ax, color=colour, linewidth=1.2, linestyle="--" if planned else "-", zorder=6
                )
            p = arr[j].representative_point()
            ax.scatter([p.x], [p.y], marker=marker, s=55, color=colour, edgecolors="black", linewidths=0.6,
                       zorder=12)  # fmt: skip
            if labels:
                ax.annotate(str(registry["measure_id"].iloc[j]), (p.x, p.y), xytext=(4, 4), textcoords="offset points",
                            fontsize=7, zorder=13, bbox={"facecolor": "white", "alpha": 0.7, "edgecolor": "none",
                                                         "pad": 0.5})  # fmt: skip
        handles.append(Line2D([], [], marker=marker, linestyle="", color=colour, markeredgecolor="black",
                              label=f"{i18n.label('pillar', pillar, lang)} ({int(sel.sum())})"))  # fmt: skip
    if (st == "planned").any():
        handles.append(Patch(facecolor="none", edgecolor="#333333", linestyle="--",
                             label="Prévue (contour tireté)" if fr else "Planned (dashed outline)"))  # fmt: skip
    if (st == "ended").any():
        handles.append(Patch(facecolor="white", edgecolor="#333333", hatch="....",
                             label="Terminée (pointillée)" if fr else "Ended (dotted fill)"))  # fmt: skip
    ids = registry["measure_id"].astype(str).to_numpy()
    box = []
    muni = ids[fp == "municipality"]
    if len(muni):
        box.append(("Toute la municipalité : " if fr else "Whole municipality: ") + ", ".join(muni))
    none = ids[~has]
    if len(none):
        box.append(("Sans empreinte : " if fr else "No footprint: ") + ", ".join(none))
    _box(ax, box)
    _fit(ax, sectors)
    _fig_legend(fig, handles, "Mesures par pilier" if fr else "Measures by pillar")
    decorate(ax, title or ("Mesures préventives : empreintes et anneaux tampons" if fr
                           else "Preventive measures: footprints and buffer rings"), lang, source, date)  # fmt: skip
    return fig


def measure_detail_map(
    area,
    ring,
    incidents,
    sectors,
    *,
    title: str,
    lang: str = "fr",
    pillar: str | None = None,
    source: str = "diagnostic_lib",
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
    title : str
    pillar : str, optional
        Colour of the treated area.

    Returns
    -------
    matplotlib.figure.Figure

    Examples
    --------
    >>> import geopandas as gpd, pandas as pd, shapely
    >>> s = gpd.GeoDataFrame({"sector_id": ["A"]}, geometry=[shapely.box(0, 0, 100, 100)])
    >>> inc = gpd.GeoDataFrame({"zone": ["treated", "buffer"], "period": ["before", "after"]},
    ...                        geometry=gpd.points_from_xy([20, 35], [20, 35]))
    >>> fig = measure_detail_map(shapely.box(10, 10, 30, 30), shapely.box(0, 0, 40, 40).difference(shapely.box(10, 10, 30, 30)),
    ...                          inc, s, title="M1", lang="en")
    >>> legend_labels(fig)[:2]
    ['Treated area', 'Buffer ring']
    """
    import geopandas as gpd
    from matplotlib.lines import Line2D
    from matplotlib.patches import Patch

    fr = lang == "fr"
    fig, ax = new_map((7.0, 6.5))
    # no sector ids: most of them would fall outside the zoomed view and break the layout
    draw_sectors(ax, sectors, facecolor="#fafafa", labels=False)
    colour = PILLAR_COLOURS.get(pillar or "", "#0072B2")
    handles = []
    if area is None or area.is_empty:
        _fit(ax, sectors)
        ax.text(0.5, 0.5, "Aucune empreinte : rien à cartographier" if fr else "No footprint: nothing to map",
                transform=ax.transAxes, ha="center", va="center", fontsize=10,
                bbox={"facecolor": "white", "edgecolor": "#999999"})  # fmt: skip
        decorate(ax, title, lang, source, date)
        return fig
    handles.append(
        Patch(facecolor=colour, alpha=0.35, edgecolor=colour, label=i18n.t("zone.treated", lang))
    )
    if ring is not None and not ring.is_empty:
        gpd.GeoSeries([ring]).plot(ax=ax, facecolor="#dddddd", alpha=0.5, edgecolor="#777777", linestyle=":",
                                   zorder=3)  # fmt: skip
        handles.append(
            Patch(
                facecolor="#dddddd",
                edgecolor="#777777",
                linestyle=":",
                label=i18n.t("zone.buffer", lang),
            )
        )
    gpd.GeoSeries([area]).plot(
        ax=ax, facecolor=colour, alpha=0.35, edgecolor=colour, linewidth=1.2, zorder=4
    )
    styles = {"before": ("o", "#0072B2", "none"), "after": ("o", "#D55E00", "#D55E00")}
    loc = incidents[incidents.geometry.notna()] if len(incidents) else incidents
    for period, (marker, ec, fc) in styles.items():
        sub = loc[loc["period"] == period] if len(loc) else loc
        if len(sub):
            ax.scatter(sub.geometry.x, sub.geometry.y, s=10, marker=marker, edgecolors=ec, facecolors=fc,
                       linewidths=0.7, alpha=0.8, zorder=8)  # fmt: skip
        n_t = int((sub["zone"] == "treated").sum()) if len(sub) else 0
        n_b = int((sub["zone"] == "buffer").sum()) if len(sub) else 0
        lab = (f"{i18n.t(f'baperiod.{period}', lang)} : {n_t} dans la zone, {n_b} dans l'anneau" if fr
               else f"{i18n.t(f'baperiod.{period}', lang)}: {n_t} in the area, {n_b} in the ring")  # fmt: skip
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
    outer = ring if ring is not None and not ring.is_empty else area
    _fit(ax, gpd.GeoSeries([outer.buffer(max(outer.length * 0.02, 50.0))]))
    _fig_legend(fig, handles, "Incidents visés" if fr else "Targeted incidents", ncols=2)
    decorate(ax, title, lang, source, date)
    return fig


@_deferred_draws
def gap_map(
    problems,
    by_problem,
    sectors,
    *,
    sector_gaps=None,
    lang: str = "fr",
    top: int | None = None,
    title: str | None = None,
    source: str = "diagnostic_lib",
    date: str | None = None,
):
    """Where nothing (or little) is being done: problems coloured by their coverage level.

    Each place, area and perception problem is filled with the colour of its
    coverage by active measures (:data:`LEVEL_COLOURS`) and numbered by
    priority rank (problems sharing a geometry share a label, coloured by the
    worst level; unranked problems get a letter); municipality-wide and
    unranked problems are listed in a box with their level; sectors with many
    issues and few measures are hatched.

    Parameters
    ----------
    problems : GeoDataFrame
        The problems assessed (``MeasureInventory.problems``).
    by_problem : DataFrame
        From :func:`diagnostic_lib.measures.problem_coverage`.
    sectors : GeoDataFrame
    sector_gaps : DataFrame, optional
        From :func:`diagnostic_lib.measures.sector_gaps` (``flag``).
    top : int, optional
        Only problems ranked ``top`` or better (unranked ones are kept).

    Returns
    -------
    matplotlib.figure.Figure

    Examples
    --------
    >>> import geopandas as gpd, pandas as pd, shapely
    >>> s = gpd.GeoDataFrame({"sector_id": ["A"]}, geometry=[shapely.box(0, 0, 100, 100)])
    >>> pb = gpd.GeoDataFrame({"problem_id": ["P1"], "kind": ["place"]}, geometry=[shapely.box(10, 10, 30, 30)])
    >>> bp = pd.DataFrame({"problem_id": ["P1"], "title_fr": ["Vols"], "title_en": ["Thefts"],
    ...     "rank": pd.array([1], dtype="Int64"), "level": ["none"]})
    >>> legend_labels(gap_map(pb, bp, s, lang="en"))
    ['None (1)', 'Weak (0)', 'Partial (0)', 'Strong (0)']
    """
    import geopandas as gpd
    from matplotlib.patches import Patch

    fr = lang == "fr"
    fig, ax = new_map((8.0, 7.5))
    draw_sectors(ax, sectors, facecolor="#fafafa")
    handles = []
    bp = by_problem
    if top is not None:
        bp = bp[(bp["rank"] <= top).fillna(True).astype(bool)]
    level = dict(zip(bp["problem_id"], bp["level"], strict=True))
    tcol = "title_fr" if fr else "title_en"
    titles = dict(zip(bp["problem_id"], bp[tcol], strict=True))
    labels, letter = {}, 0
    for pid, r in zip(bp["problem_id"], bp["rank"], strict=True):
        if pd.notna(r):
            labels[pid] = str(int(r))
        else:
            labels[pid] = chr(ord("A") + letter % 26)
            letter += 1
    if sector_gaps is not None and len(sector_gaps) and sector_gaps["flag"].any():
        flagged = list(sector_gaps.loc[sector_gaps["flag"].astype(bool), "sector"])
        sectors[sectors["sector_id"].isin(flagged)].plot(ax=ax, facecolor="none", edgecolor="#222222", hatch="///",
                                                         linewidth=1.8, zorder=6)  # fmt: skip
        handles.append(Patch(facecolor="none", edgecolor="#222222", hatch="///",
                             label=("Beaucoup d'enjeux, peu de mesures : " if fr else "Many issues, few measures: ")
                             + ", ".join(flagged)))  # fmt: skip
    pb = problems[problems["problem_id"].isin(list(level))]
    box = []
    groups: dict[bytes, list] = {}
    for rec in pb.itertuples(index=False):
        pid = rec.problem_id
        lv = level[pid]
        if rec.kind == "municipality" or rec.geometry is None:
            box.append(
                f"{labels[pid]}. {_short(str(titles[pid]), 60)} — {i18n.t(f'coverage.{lv}', lang)}"
            )
            continue
        if not labels[pid].isdigit():
            box.append(
                f"{labels[pid]}. {_short(str(titles[pid]), 60)} — {i18n.t(f'coverage.{lv}', lang)}"
            )
        groups.setdefault(rec.geometry.normalize().wkb, []).append(rec)
    worst = {lv: i for i, lv in enumerate(LEVEL_COLOURS)}
    draw = []
    for recs in groups.values():
        lv = min((level[r.problem_id] for r in recs), key=lambda v: worst[v])
        place = any(r.kind == "place" for r in recs)
        draw.append((place, -worst[lv], recs, lv))
    bx = sectors.total_bounds
    step = 0.035 * max(bx[2] - bx[0], bx[3] - bx[1], 1.0)
    placed: list[tuple[float, float]] = []
    # areas under places; within each, the worst coverage drawn last (on top)
    for place, _, recs, lv in sorted(draw, key=lambda t: (t[0], t[1])):
        colour = LEVEL_COLOURS[lv]
        g = gpd.GeoSeries([recs[0].geometry])
        g.plot(ax=ax, facecolor=colour, alpha=0.8 if place else 0.35, edgecolor=colour, linewidth=1.5,
               zorder=4 if place else 3)  # fmt: skip
        c = recs[0].geometry.representative_point()
        x, y = c.x, c.y
        while any(abs(x - px) < 2.5 * step and abs(y - py) < step for px, py in placed):
            y -= step
        placed.append((x, y))
        text = " · ".join(labels[r.problem_id] for r in recs)
        ax.text(x, y, text, fontsize=7, fontweight="bold", ha="center", va="center", zorder=16,
                bbox={"boxstyle": "round,pad=0.25", "facecolor": "white", "edgecolor": colour, "linewidth": 1.5})  # fmt: skip
    counts = pd.Series(list(level.values()), dtype=object).value_counts()
    handles = [Patch(facecolor=colour, alpha=0.8, edgecolor=colour,
                     label=f"{i18n.t(f'coverage.{lv}', lang)} ({int(counts.get(lv, 0))})")
               for lv, colour in LEVEL_COLOURS.items()] + handles  # fmt: skip
    if box:
        box.insert(0, "Sans lieu précis ou sans rang :" if fr else "No precise place or no rank:")
    _box(ax, box)
    _fit(ax, sectors)
    _fig_legend(
        fig,
        handles,
        "Couverture par les mesures en cours" if fr else "Coverage by active measures",
        3,
    )
    decorate(ax, title or ("Lacunes : problèmes et mesures en cours" if fr else "Gaps: problems and active measures"),
             lang, source, date)  # fmt: skip
    return fig


def measures_interactive_map(
    registry,
    areas,
    sectors,
    *,
    rings=None,
    problems=None,
    hot=None,
    by_problem=None,
    lang: str = "fr",
    tiles: str | None = None,
):
    """An interactive map of the measures: one layer per pillar, buffer rings, problems, hot spots.

    Like :func:`interactive_map`, Leaflet is embedded so the map works
    offline. Each pillar's layer holds its measures' treated areas (sector
    footprints as dashed outlines) and a marker with the pillar's symbol
    (:data:`PILLAR_SYMBOLS`); municipality-wide measures and measures with no
    footprint are listed in a box. With ``by_problem``, problems are
    coloured by coverage level.

    Returns
    -------
    folium.Map

    Examples
    --------
    >>> import geopandas as gpd, pandas as pd, shapely
    >>> s = gpd.GeoDataFrame({"sector_id": ["A"], "name": ["Centre"]},
    ...     geometry=[shapely.box(300000, 5040000, 301000, 5041000)], crs="EPSG:32188")
    >>> reg = pd.DataFrame({"measure_id": ["M1"], "name": ["Éclairage"], "name_en": ["Lighting"],
    ...     "pillar": ["prevention"], "footprint": ["polygon"], "status": ["active"], "partners": [("P1",)]})
    >>> areas = gpd.GeoSeries([shapely.box(300100, 5040100, 300200, 5040200)], crs="EPSG:32188")
    >>> html = measures_interactive_map(reg, areas, s, lang="en").get_root().render()
    >>> import json
    >>> json.dumps("Measures — Prevention (1)") in html and "cdn.jsdelivr" not in html
    True
    """
    import base64
    import html as html_mod

    import folium
    import geopandas as gpd

    fr = lang == "fr"
    s84 = sectors.to_crs(4326)
    b = s84.total_bounds
    m = folium.Map(
        location=[(b[1] + b[3]) / 2, (b[0] + b[2]) / 2],
        zoom_start=13,
        tiles=tiles,
        control_scale=True,
    )
    js = [("leaflet", _asset_uri("leaflet.js", "text/javascript"))]
    shim = globals().get("_JQUERY_SHIM")
    if shim:
        js.append(
            (
                "jquery_shim",
                "data:text/javascript;base64," + base64.b64encode(shim.encode()).decode(),
            )
        )
    m.default_js = js
    m.default_css = [("leaflet_css", _asset_uri("leaflet.css", "text/css"))]
    m.fit_bounds([[b[1], b[0]], [b[3], b[2]]])
    cols = [c for c in ("sector_id", "name") if c in s84.columns]
    folium.GeoJson(
        s84[cols + ["geometry"]],
        name="Secteurs" if fr else "Sectors",
        style_function=lambda _: {"color": "#333333", "weight": 1.5, "fillOpacity": 0.03},
        tooltip=folium.GeoJsonTooltip(fields=cols),
    ).add_to(m)
    if hot is not None and len(hot):
        h = hot[hot["hot_class"].isin(["hot_99", "hot_95"])]
        if len(h):
            folium.GeoJson(
                h[["cell_id", "geometry"]].to_crs(4326),
                name="Points chauds (Gi*, 95 % et plus)"
                if fr
                else "Hot spots (Gi*, 95% and above)",
                style_function=lambda _: {
                    "color": "#fc9272",
                    "weight": 0,
                    "fillColor": "#fc9272",
                    "fillOpacity": 0.45,
                },
            ).add_to(m)
    if problems is not None and len(problems):
        pb = problems[(problems["kind"] != "municipality") & problems.geometry.notna()]
        if len(pb):
            tcol = "title_fr" if fr else "title_en"
            lv = (
                dict(zip(by_problem["problem_id"], by_problem["level"], strict=True))
                if by_problem is not None
                else {}
            )
            pb = pb.assign(titre=pb[tcol].astype(str),
                           couverture=[i18n.t(f"coverage.{lv[p]}", lang) if p in lv else "" for p in pb["problem_id"]],
                           _c=[LEVEL_COLOURS.get(lv.get(p, ""), "#555555") for p in pb["problem_id"]])  # fmt: skip
            folium.GeoJson(
                pb[["problem_id", "titre", "couverture", "_c", "geometry"]].to_crs(4326),
                name="Problèmes" if fr else "Problems",
                style_function=lambda f: {
                    "color": f["properties"]["_c"],
                    "weight": 2,
                    "dashArray": "5 4",
                    "fillColor": f["properties"]["_c"],
                    "fillOpacity": 0.15,
                },  # fmt: skip
                tooltip=folium.GeoJsonTooltip(
                    fields=["problem_id", "titre", "couverture"],
                    aliases=[
                        "id",
                        "Problème" if fr else "Problem",
                        "Couverture" if fr else "Coverage",
                    ],
                ),  # fmt: skip
            ).add_to(m)
    fp = registry["footprint"].astype(str).to_numpy()
    st = (
        registry["status"].astype(str).to_numpy()
        if "status" in registry
        else np.full(len(fp), "active")
    )
    arr = np.asarray(areas.array, dtype=object)
    has = np.array([a is not None and not a.is_empty for a in arr], dtype=bool)
    ncol = "name" if fr or "name_en" not in registry else "name_en"
    names = (
        registry[ncol].astype(str).to_numpy()
        if ncol in registry
        else registry["measure_id"].astype(str).to_numpy()
    )
    ids = registry["measure_id"].astype(str).to_numpy()
    if rings is not None:
        rarr = np.asarray(rings.array, dtype=object)
        keep = [(i, r) for i, (r, f, ok) in enumerate(zip(rarr, fp, has, strict=True))
                if ok and f in _GEOMETRIC and r is not None and not r.is_empty]  # fmt: skip
        if keep:
            rg = gpd.GeoDataFrame({"measure_id": [ids[i] for i, _ in keep]}, geometry=[r for _, r in keep],
                                  crs=areas.crs).to_crs(4326)  # fmt: skip
            folium.GeoJson(rg, name="Anneaux tampons" if fr else "Buffer rings",
                           style_function=lambda _: {"color": "#777777", "weight": 1, "dashArray": "2 4",
                                                     "fillColor": "#aaaaaa", "fillOpacity": 0.12},
                           tooltip=folium.GeoJsonTooltip(fields=["measure_id"], aliases=["id"])).add_to(m)  # fmt: skip
    for pillar in _pillar_order(registry["pillar"]):
        colour = PILLAR_COLOURS.get(pillar, "#333333")
        sel = (registry["pillar"].astype(str) == pillar).to_numpy()
        fg = folium.FeatureGroup(name=f"{'Mesures' if fr else 'Measures'} — {i18n.label('pillar', pillar, lang)} "
                                      f"({int(sel.sum())})")  # fmt: skip
        for j in np.flatnonzero(sel & has & (fp != "municipality")):
            dashed = fp[j] == "sectors" or st[j] == "planned"
            g = gpd.GeoDataFrame({"measure_id": [ids[j]], "nom": [names[j]],
                                  "statut": [i18n.t(f"status.{st[j]}", lang)]},
                                 geometry=[arr[j]], crs=areas.crs).to_crs(4326)  # fmt: skip
            folium.GeoJson(
                g,
                style_function=lambda _, c=colour, d=dashed, e=st[j] == "ended": {
                    "color": c,
                    "weight": 2,
                    "dashArray": "6 4" if d else None,
                    "fillColor": c,
                    "fillOpacity": 0.05 if d else (0.15 if e else 0.4),
                },  # fmt: skip
                tooltip=folium.GeoJsonTooltip(
                    fields=["measure_id", "nom", "statut"],
                    aliases=["id", "Mesure" if fr else "Measure", "Statut" if fr else "Status"],
                ),  # fmt: skip
            ).add_to(fg)
            p = gpd.GeoSeries([arr[j].representative_point()], crs=areas.crs).to_crs(4326).iloc[0]
            sym = PILLAR_SYMBOLS.get(pillar, "●")
            icon = folium.DivIcon(html=f'<div style="color:{colour};font-size:18px;font-weight:bold;'
                                       f'text-shadow:0 0 2px #fff">{sym}<span style="font-size:10px;color:#222">'
                                       f"{html_mod.escape(ids[j])}</span></div>")  # fmt: skip
            folium.Marker(
                [p.y, p.x], icon=icon, tooltip=html_mod.escape(f"{ids[j]} — {names[j]}")
            ).add_to(fg)
        fg.add_to(m)
    lines = []
    muni = [
        f"{i} — {html_mod.escape(n)}"
        for i, n, f in zip(ids, names, fp, strict=True)
        if f == "municipality"
    ]
    if muni:
        lines.append(
            f"<b>{'Toute la municipalité' if fr else 'Whole municipality'}</b><br>"
            + "<br>".join(muni)
        )
    nofp = [
        f"{i} — {html_mod.escape(n)}" for i, n, ok in zip(ids, names, has, strict=True) if not ok
    ]
    if nofp:
        lines.append(f"<b>{'Sans empreinte' if fr else 'No footprint'}</b><br>" + "<br>".join(nofp))
    legend = " ".join(
        f'<span style="color:{PILLAR_COLOURS.get(p, "#333")}">{PILLAR_SYMBOLS.get(p, "●")}</span> '
        f"{html_mod.escape(i18n.label('pillar', p, lang))}"
        for p in _pillar_order(registry["pillar"])
    )
    box = "<br>".join([legend, *lines])
    m.get_root().html.add_child(folium.Element(
        '<div style="position:fixed;bottom:20px;left:10px;z-index:9999;background:white;padding:6px 8px;'
        f'border:1px solid #999;font:12px sans-serif;max-width:320px">{box}</div>'))  # fmt: skip
    folium.LayerControl(collapsed=False).add_to(m)
    return m


# ----------------------------------------------------------------------------
# Step 3: evaluation areas
# ----------------------------------------------------------------------------
def evaluation_map(
    design,
    sectors,
    *,
    lang: str = "fr",
    title: str | None = None,
    source: str = "diagnostic_lib",
    date: str | None = None,
):
    """A measure's treated area, buffer ring and control area: the whole town and a close-up.

    Parameters
    ----------
    design : GeoDataFrame
        One measure's rows of :func:`diagnostic_lib.evaluation.design_areas`
        (``zone`` = treated, buffer, control; ``excluded`` lists other
        measures left out of the control).
    sectors : GeoDataFrame

    Returns
    -------
    matplotlib.figure.Figure

    Examples
    --------
    >>> import geopandas as gpd, shapely
    >>> s = gpd.GeoDataFrame({"sector_id": ["A"]}, geometry=[shapely.box(0, 0, 1000, 1000)])
    >>> t = shapely.box(400, 400, 500, 500)
    >>> d = gpd.GeoDataFrame({"zone": ["treated", "buffer", "control"], "excluded": [(), (), ()]},
    ...     geometry=[t, t.buffer(100).difference(t), shapely.box(0, 0, 1000, 1000).difference(t.buffer(100))])
    >>> legend_labels(evaluation_map(d, s, lang="en"))
    ['Treated area', 'Buffer ring (displacement)', 'Control area']
    """
    import geopandas as gpd
    from matplotlib.patches import Patch

    plt = _plt()
    fig, axes = plt.subplots(1, 2, figsize=(11.0, 5.6), layout="constrained")
    style = {
        "treated": ("#D55E00", 0.75),
        "buffer": ("#E69F00", 0.55),
        "control": ("#56B4E9", 0.30),
    }
    g = design.set_index("zone") if "zone" in design.columns else design
    for k, ax in enumerate(axes):
        ax.set_aspect("equal")
        ax.set_xticks([])
        ax.set_yticks([])
        draw_sectors(ax, sectors, facecolor="#fafafa", labels=(k == 0))
        for area in ("control", "buffer", "treated"):
            if area in g.index and g.loc[area, "geometry"] is not None:
                colour, alpha = style[area]
                gpd.GeoSeries([g.loc[area, "geometry"]]).plot(ax=ax, facecolor=colour, alpha=alpha, edgecolor=colour,
                                                              linewidth=0.6, zorder=3)  # fmt: skip
        if k == 0:
            _fit(ax, sectors)
        else:
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
        decorate(ax, (title or i18n.t("eval.map.title", lang)) if k == 0 else i18n.t("eval.map.zoom", lang),
                 lang, source, date)  # fmt: skip
    handles = [Patch(facecolor=style[a][0], alpha=style[a][1], edgecolor=style[a][0], label=i18n.t(f"eval.area.{a}", lang))
               for a in ("treated", "buffer", "control") if a in g.index]  # fmt: skip
    fig.legend(handles=handles, loc="outside lower center", ncols=3, fontsize=8, frameon=False)
    if "control" in g.index and "excluded" in g.columns and len(g.loc["control", "excluded"]):
        ids = ", ".join(g.loc["control", "excluded"])
        axes[0].text(0.01, 0.99, ("Exclues du témoin : " if lang == "fr" else "Left out of the control: ") + ids,
                     transform=axes[0].transAxes, va="top", ha="left", fontsize=7, zorder=22,
                     bbox={"facecolor": "white", "alpha": 0.85, "edgecolor": "#999999"})  # fmt: skip
    return fig


def risk_map(
    grid,
    sectors,
    relative_risk,
    *,
    elevated=None,
    lang: str = "fr",
    title: str | None = None,
    edges: Sequence[float] = (1.0, 2.0, 5.0, 10.0),
    source: str = "diagnostic_lib",
    date: str | None = None,
):
    """Grid cells coloured by relative risk (risk terrain), with near-repeat cells outlined.

    Parameters
    ----------
    grid : GeoDataFrame
        From :func:`diagnostic_lib.inventory.make_grid`.
    sectors : GeoDataFrame
    relative_risk : Series
        Aligned with ``grid`` (e.g. :func:`diagnostic_lib.evaluation.risk_terrain_surface`).
    elevated : Series of bool, optional
        Cells at elevated short-term near-repeat risk
        (:func:`diagnostic_lib.evaluation.near_repeat_risk`), outlined.
    edges : sequence of float
        Class edges of the relative risk (cells at 1 or below are not filled).

    Examples
    --------
    >>> import geopandas as gpd, pandas as pd, shapely
    >>> from diagnostic_lib import inventory
    >>> s = gpd.GeoDataFrame({"sector_id": ["A"]}, geometry=[shapely.box(0, 0, 2000, 2000)])
    >>> g = inventory.make_grid(s, 200)
    >>> rr = pd.Series(1.0, index=g.index); rr.iloc[:3] = [1.5, 3.0, 12.0]
    >>> legend_labels(risk_map(g, s, rr, elevated=rr > 10, lang="en"))
    ['1 – 2', '2 – 5', '≥ 10', 'Near repeat: elevated risk now']
    """
    from matplotlib.patches import Patch

    fr = lang == "fr"
    fig, ax = new_map()
    rr = np.asarray(relative_risk, dtype="float64")
    e = np.asarray(edges, dtype="float64")
    cls = np.digitize(rr, e)  # 0: ≤ 1 (not filled), 1..len(e)
    cm = _plt().get_cmap("Reds")
    handles = []
    for k in range(1, len(e) + 1):
        sel = (cls == k) & (rr > e[0])
        colour = cm(0.25 + 0.7 * (k - 1) / max(len(e) - 1, 1))
        if sel.any():
            grid[sel].plot(ax=ax, facecolor=colour, edgecolor="none", zorder=3)
            lab = f"{e[k - 1]:g} – {e[k]:g}" if k < len(e) else f"≥ {e[-1]:g}"
            handles.append(Patch(facecolor=colour, label=lab.replace(".", ",") if fr else lab))
    draw_sectors(ax, sectors)
    if elevated is not None:
        el = np.asarray(elevated, dtype=bool)
        if el.any():
            grid[el].plot(ax=ax, facecolor="none", edgecolor="#000000", linewidth=1.4, zorder=6)
            handles.append(Patch(facecolor="none", edgecolor="#000000",
                                 label="Quasi-répétition : risque accru maintenant" if fr else "Near repeat: elevated risk now"))  # fmt: skip
    _fit(ax, sectors)
    if handles:
        ax.legend(handles=handles, fontsize=7, loc="upper left", framealpha=0.85,
                  title="Risque relatif" if fr else "Relative risk", title_fontsize=8)  # fmt: skip
    decorate(ax, title or ("Risques futurs : terrain à risque et quasi-répétition" if fr
                           else "Future risks: risk terrain and near repeat"), lang, source, date)  # fmt: skip
    return fig
