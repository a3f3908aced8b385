"""Incidents as points: the overview of the town and the map of one category or family.

Incidents without a position are not drawn; their number is written on the
map, since they still count in every total. Above ``max_points`` located
incidents a seeded random sample is drawn.

Examples
--------
>>> import matplotlib
>>> matplotlib.use("Agg")
>>> from diagnostic_lib import loaders, sample
>>> from diagnostic_lib.maps import legend_labels
>>> d = loaders.load_diagnostic(sample.sample_dir() / "diagnostic.toml")
>>> legend_labels(overview_map(d.sectors, d.incidents, lang="en"))[0].startswith("Disorder")
True
"""

from __future__ import annotations

from .. import formatting as fmt
from .. import i18n, style
from .. import taxonomy as taxonomy_mod
from .canvas import _deferred_draws, _fig_legend, _fit, _note, decorate, draw_sectors, new_map


def _located(incidents):
    return incidents[incidents.geometry.notna() & ~incidents.geometry.is_empty]


def _point_handle(colour: str, label: str):
    from matplotlib.lines import Line2D

    return Line2D([], [], marker=style.POINT_MARKER, linestyle="", color=colour, label=label)


@_deferred_draws
def overview_map(
    sectors,
    incidents,
    *,
    lang: str = "fr",
    by: str = "family",
    source: str | None = None,
    max_points: int = 50_000,
    seed: int = 0,
    tiles=None,
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
        Language.
    by : {"family", "category"}
        Colour by.
    source : str, optional
        Source note.
    max_points : int
        Most points drawn.
    seed : int
        Seed of the sample drawn above ``max_points``.
    tiles : TileSource, optional
        Background tiles (:mod:`diagnostic_lib.tiles`); none by default.

    Returns
    -------
    matplotlib.figure.Figure

    Examples
    --------
    >>> from diagnostic_lib import loaders, sample
    >>> from diagnostic_lib.maps import legend_labels
    >>> d = loaders.load_diagnostic(sample.sample_dir() / "diagnostic.toml")
    >>> fig = overview_map(d.sectors, d.incidents, lang="fr")
    >>> any(t.startswith("Crimes contre les biens") for t in legend_labels(fig))
    True
    """
    fig, ax = new_map()
    draw_sectors(ax, sectors)
    located = _located(incidents)
    n_unloc = len(incidents) - len(located)
    shown = located
    if len(located) > max_points:
        shown = located.sample(max_points, random_state=seed)
    handles = []
    groups = sorted(shown[by].dropna().unique(), key=str)
    for i, g in enumerate(groups):
        sub = shown[shown[by] == g]
        colour = (
            style.FAMILY_COLOURS.get(g, style.palette_colour(i))
            if by == "family"
            else style.palette_colour(i)
        )
        ax.scatter(
            sub.geometry.x, sub.geometry.y, s=2, color=colour, alpha=0.5, linewidths=0, zorder=5
        )
        lab = i18n.label("family", g, lang) if by == "family" else str(g)
        n = int((located[by] == g).sum())
        handles.append(_point_handle(colour, f"{lab} ({fmt.integer(n, lang)})"))
    _fit(ax, sectors)
    _fig_legend(fig, handles, i18n.t(f"word.{by}", lang), ncols=3)
    if n_unloc:
        _note(ax, i18n.t("overview.unlocated", lang, n=fmt.integer(n_unloc, lang)), wrap=True)
    decorate(ax, i18n.t("overview.map", lang), lang, source, tiles=tiles, crs=sectors.crs)
    return fig


@_deferred_draws
def incident_map(  # noqa: PLR0913 -- public signature kept for backward compatibility
    incidents,
    sectors,
    *,
    by: str = "category",
    lang: str = "fr",
    taxonomy=None,
    title: str | None = None,
    max_points: int = 50_000,
    seed: int = 0,
    source: str | None = None,
    date: str | None = None,
    tiles=None,
):
    """Located incidents as points, coloured by category (or family).

    Parameters
    ----------
    incidents, sectors : GeoDataFrame
        Canonical tables.
    by : {"category", "family"}
        Colour by.
    lang : {"fr", "en"}
        Language.
    taxonomy : DataFrame, optional
        Category labels (default: the library's taxonomy).
    title : str, optional
        Title.
    max_points : int
        Most points drawn (a seeded sample above).
    seed : int
        Seed of the sample.
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
    >>> from diagnostic_lib import loaders, sample
    >>> from diagnostic_lib.maps import legend_labels
    >>> d = loaders.load_diagnostic(sample.sample_dir() / "diagnostic.toml")
    >>> fig = incident_map(d.incidents[d.incidents.category == "burglary"], d.sectors, lang="en")
    >>> legend_labels(fig)[0].startswith("Break and enter")
    True
    """
    tax = taxonomy if taxonomy is not None else taxonomy_mod.load_taxonomy()
    col = "label_fr" if lang == "fr" else "label_en"
    fig, ax = new_map()
    draw_sectors(ax, sectors)
    loc = _located(incidents)
    shown = loc.sample(max_points, random_state=seed) if len(loc) > max_points else loc
    groups = loc[by].value_counts()
    handles = []
    for i, (g, n) in enumerate(groups.items()):
        colour = style.FAMILY_COLOURS.get(g) if by == "family" else style.palette_colour(i)
        sub = shown[shown[by] == g]
        ax.scatter(
            sub.geometry.x, sub.geometry.y, s=3, color=colour, alpha=0.6, linewidths=0, zorder=5
        )
        lab = i18n.label("family", g, lang) if by == "family" else str(tax[col].get(g, g))
        handles.append(_point_handle(colour, f"{lab} ({fmt.integer(n, lang)})"))
    _fit(ax, sectors)
    _fig_legend(fig, handles[:12], i18n.t(f"word.{by}", lang), ncols=3)
    n_unloc = len(incidents) - len(loc)
    if n_unloc:
        _note(ax, i18n.t("overview.unlocated", lang, n=fmt.integer(n_unloc, lang)))
    decorate(
        ax,
        title or i18n.t("maps.incidents.title", lang),
        lang,
        source,
        date,
        tiles=tiles,
        crs=sectors.crs,
    )
    return fig
