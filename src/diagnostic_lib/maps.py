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
    m.default_js = [("leaflet", _asset_uri("leaflet.js", "text/javascript"))]
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
