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
from collections.abc import Sequence
import numpy as np

from . import i18n

# Colour-blind-safe qualitative palette (Okabe–Ito) and per-pillar colours.
PALETTE = ("#0072B2", "#E69F00", "#009E73", "#D55E00", "#CC79A7", "#56B4E9", "#F0E442", "#000000", "#999999")
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
    ax.fill([bx, bx + length / 2, bx + length / 2, bx], [by, by, by + h, by + h], color="black", zorder=20)
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
    text = f"{i18n.t('word.source', lang)} : {source} — {date}" if lang == "fr" else f"{i18n.t('word.source', lang)}: {source} — {date}"
    ax.text(0.99, 0.01, text, transform=ax.transAxes, ha="right", va="bottom", fontsize=7, color="#333333",
            bbox={"facecolor": "white", "alpha": 0.7, "edgecolor": "none", "pad": 1}, zorder=21)  # fmt: skip


def decorate(ax, title: str, lang: str = "fr", source: str = "diagnostic_lib", date: str | None = None) -> None:
    """Title, scale bar, north arrow and source/date note on a map axes.

    Examples
    --------
    >>> fig, ax = new_map(); decorate(ax, "Carte", "fr", "Ville", "2026-01-01")
    >>> ax.get_title(), len(ax.texts)
    ('Carte', 3)
    """
    ax.set_title(title)
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


def draw_sectors(ax, sectors, *, labels: bool = True, facecolor: str = "none", edgecolor: str = "#444444") -> None:
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
        colour = FAMILY_COLOURS.get(g, PALETTE[i % len(PALETTE)]) if by == "family" else PALETTE[i % len(PALETTE)]
        ax.scatter(sub.geometry.x, sub.geometry.y, s=2, color=colour, alpha=0.5, linewidths=0, zorder=5)
        lab = i18n.label("family", g, lang) if by == "family" else str(g)
        n = int((located[by] == g).sum())
        handles.append(Line2D([], [], marker="o", linestyle="", color=colour, label=f"{lab} ({n:,})".replace(",", "\u202f" if lang == "fr" else ",")))
    _fit(ax, sectors)
    ax.legend(handles=handles, title=i18n.t(f"word.{by}", lang), loc="upper left", fontsize=8, title_fontsize=8, framealpha=0.85)
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
    return float(np.std(flat, axis=0).max()) < threshold or float((np.abs(flat - flat[0]).sum(axis=1) > 0.05).mean()) < threshold


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
