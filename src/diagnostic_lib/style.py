"""Colours, colour maps and markers of every map and chart, in one place.

:mod:`diagnostic_lib.maps` and :mod:`diagnostic_lib.charts` draw with these
names only, so that a pillar, a crime family, a verdict or a coverage level
has the same colour on every map, chart and legend, and so that a town can
restyle its documents by editing this file alone.

The qualitative colours are the colour-blind-safe Okabe–Ito palette; the
ordered classes (hot spots, risk levels) use ColorBrewer diverging and
sequential schemes. Values are matplotlib colour specifications (the same hex
strings are used in the HTML of the interactive maps).

- Categories: :data:`PALETTE`, :data:`FAMILY_COLOURS`, :data:`PILLAR_COLOURS`,
  :data:`PILLAR_MARKERS`, :data:`PILLAR_SYMBOLS`.
- Classes: :data:`HOT_COLOURS` (Gi* hot and cold spots), :data:`EMERGING_COLOURS`
  (emerging hot spots), :data:`LEVEL_COLOURS`
  (coverage of a problem by measures), :data:`VERDICT_COLOURS` (step 3
  verdicts), :data:`RISK_LEVEL_COLOURS` (risk matrix), :data:`PERCEPTION_COLOURS`.
- Areas and periods of an evaluation: :data:`EVALUATION_AREAS`,
  :data:`AREA_LINES`, :data:`WINDOW_SHADES`, :data:`PERIOD_MARKERS`.
- Map furniture and neutral greys: :data:`INK`, :data:`PAPER`, :data:`TEXT`,
  :data:`LABEL_TEXT`, :data:`SECTOR_EDGE`, :data:`SECTOR_FILL`, :data:`BOX_EDGE`,
  :data:`FALLBACK` and the role dictionaries :data:`MEASURES`, :data:`WEB`,
  :data:`NETWORK`, :data:`TIMELINE`, :data:`PROJECTION`, :data:`REFERENCE`.
- Colour maps: :data:`CHOROPLETH_CMAP`, :data:`DENSITY_CMAP`, :data:`RISK_CMAP`,
  :data:`HEATMAP_CMAP`, :data:`KNOX_CMAP`.

Examples
--------
>>> from diagnostic_lib import style
>>> style.PILLAR_COLOURS["prevention"], style.PILLAR_MARKERS["prevention"]
('#CC79A7', 'D')
>>> style.pillar_colour("not_a_pillar") == style.FALLBACK
True
"""

from __future__ import annotations

# ---------------------------------------------------------------------------- furniture
INK = "black"
"""Scale bar, north arrow, marker outlines."""
PAPER = "white"
"""Backgrounds of text boxes and labels; "no data" fill."""
TEXT = "#333333"
"""Secondary text (source note, parameters under a title)."""
LABEL_TEXT = "#222222"
"""Labels written on a map (sector ids) or beside a node (partners)."""
SECTOR_EDGE = "#444444"
"""Sector outlines."""
SECTOR_FILL = "#fafafa"
"""Light fill of the sectors under drawn layers."""
BOX_EDGE = "#999999"
"""Outline of boxes and of legend swatches."""
FALLBACK = "#333333"
"""Any group without a colour of its own (an unknown pillar or family)."""
FALLBACK_MARKER = "o"
"""Any group without a marker of its own."""
LANDMARK = "#555555"
"""Landmarks (named places drawn for context): their marker."""
LANDMARK_TEXT = "#444444"
"""Landmarks: their names."""
LANDMARK_MARKER = "D"
"""Landmarks: the marker."""
OVER_TILES_ALPHA = 0.7
"""Opacity of filled areas drawn over background tiles (so that the streets show through)."""

# ---------------------------------------------------------------------------- categories
PALETTE: tuple[str, ...] = (
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
"""Colour-blind-safe qualitative palette (Okabe–Ito), for categories and ranks."""

FAMILY_COLOURS: dict[str, str] = {
    "property": "#0072B2",
    "violent": "#D55E00",
    "disorder": "#E69F00",
    "traffic": "#56B4E9",
    "fraud_cyber": "#CC79A7",
    "other": "#999999",
}
"""Colour of each crime family."""

PILLAR_COLOURS: dict[str, str] = {
    "rapprochement": "#0072B2",
    "partenariat": "#009E73",
    "resolution": "#D55E00",
    "prevention": "#CC79A7",
}
"""Colour of each pillar of community policing."""
PILLAR_MARKERS: dict[str, str] = {
    "rapprochement": "o",
    "partenariat": "s",
    "resolution": "^",
    "prevention": "D",
}
"""Matplotlib marker of each pillar (static maps and charts)."""
PILLAR_SYMBOLS: dict[str, str] = {
    "rapprochement": "●",
    "partenariat": "■",
    "resolution": "▲",
    "prevention": "◆",
}
"""Text symbol of each pillar (interactive maps), matching :data:`PILLAR_MARKERS`."""
PILLAR_SYMBOL_FALLBACK = "●"
"""Text symbol of a pillar without one."""

# ---------------------------------------------------------------------------- classes
HOT_COLOURS: dict[str, str] = {
    "hot_99": "#b2182b",
    "hot_95": "#ef8a62",
    "hot_90": "#fddbc7",
    "not_significant": "#f7f7f7",
    "cold_90": "#d1e5f0",
    "cold_95": "#67a9cf",
    "cold_99": "#2166ac",
}
"""Colour of each Getis–Ord Gi* class (ColorBrewer RdBu), hottest first."""
HOT_CELL_EDGE = "#bbbbbb"
"""Outline of the grid cells that are not significant."""
HOT_SHADE = "#fcbba1"
"""Cells hot at 95 % or more, shaded under the measures (static map)."""
EMERGING_COLOURS: dict[str, str] = {
    "intensifying_hot": "#67000d",
    "persistent_hot": "#cb181d",
    "consecutive_hot": "#f16913",
    "new_hot": "#fd8d3c",
    "sporadic_hot": "#fdd0a2",
    "oscillating_hot": "#c51b8a",
    "diminishing_hot": "#fc9272",
    "historical_hot": "#bcaaa4",
    "no_pattern": "#f7f7f7",
    "historical_cold": "#b0bec5",
    "diminishing_cold": "#9ecae1",
    "oscillating_cold": "#807dba",
    "sporadic_cold": "#deebf7",
    "new_cold": "#6baed6",
    "consecutive_cold": "#4292c6",
    "persistent_cold": "#2171b5",
    "intensifying_cold": "#08306b",
    "not_enough_data": "#ffffff",
}
"""Colour of each emerging hot-spot class (:data:`diagnostic_lib.inventory.EMERGING_CLASSES`):
reds and oranges for hot spots (darkest: getting hotter), blues for cold, greys for the
historical ones; the legend's order."""

LEVEL_COLOURS: dict[str, str] = {
    "none": "#D55E00",
    "weak": "#E69F00",
    "partial": "#F0E442",
    "strong": "#009E73",
}
"""Colour of each coverage level (see :mod:`diagnostic_lib.measures`), worst first."""

VERDICT_COLOURS: dict[str, str] = {
    "effective": "#009E73",
    "offset_by_displacement": "#CC79A7",
    "inconclusive_favourable": "#56B4E9",
    "effect_ruled_out": "#444444",
    "inconclusive": "#999999",
    "adverse": "#D55E00",
}
"""Colour of each verdict of step 3 that has an effect size (forest plot)."""

RISK_LEVEL_COLOURS: dict[str, str] = {
    "low": "#e5f5e0",
    "moderate": "#fff7bc",
    "high": "#fdd49e",
    "very_high": "#fc9272",
}
"""Background of each risk level of the risk matrix."""

PERCEPTION_COLOURS: dict[str, str] = {
    "more_fear": "#D55E00",
    "less_fear": "#0072B2",
    "": "#444444",
}
"""Perception gap of a sector: more fear than crime, less, or neither."""

# ---------------------------------------------------------------------------- evaluation
EVALUATION_AREAS: dict[str, tuple[str, float]] = {
    "treated": ("#D55E00", 0.75),
    "buffer": ("#E69F00", 0.55),
    "control": ("#56B4E9", 0.30),
}
"""Fill colour and opacity of the treated, buffer and control areas (evaluation map)."""
AREA_LINES: dict[str, tuple[str, str]] = {
    "treated": ("#D55E00", "-"),
    "buffer": ("#E69F00", "--"),
    "control": ("#0072B2", ":"),
}
"""Colour and line style of each area's monthly counts (before/after chart)."""
WINDOW_SHADES: tuple[tuple[str, str, str | None], ...] = (
    ("before", "#cccccc", None),
    ("lag", "#ffffff", "//"),
    ("after", "#fde0c5", None),
)
"""Window of a before/after comparison: its shade and hatch."""
PERIOD_MARKERS: dict[str, tuple[str, str, str]] = {
    "before": ("o", "#0072B2", "none"),
    "after": ("o", "#D55E00", "#D55E00"),
}
"""Incidents before and after a measure's start: marker, edge and face colour."""

# ---------------------------------------------------------------------------- safety walks
WALK_COLOURS: dict[str, str] = {
    "lighting": "#E69F00",
    "natural_surveillance": "#0072B2",
    "hiding_place": "#009E73",
    "neglect": "#8c6d31",
    "feeling_unsafe": "#CC79A7",
    "other": "#666666",
}
"""Colour of each safety-walk observation category (walks map, interactive layer)."""
WALK_MARKERS: dict[str, str] = {
    "lighting": "*",
    "natural_surveillance": "o",
    "hiding_place": "^",
    "neglect": "s",
    "feeling_unsafe": "X",
    "other": "P",
}
"""Marker of each safety-walk observation category (colour-blind safe with the colour)."""
WALK_MEASURE = "#56B4E9"
"""Outline of the measures' areas under the safety walks."""

# ---------------------------------------------------------------------------- roles
MEASURES: dict[str, str] = {
    "problem": "#555555",
    "ring": "#777777",
    "ring_fill": "#dddddd",
    "flagged_sector": "#222222",
    "status": "#333333",
    "detail_default": "#0072B2",
}
"""Static measures maps: problem outlines, buffer rings, sectors with gaps, status swatches,
and a measure's area when its pillar is not given."""

WEB: dict[str, str] = {
    "sector": "#333333",
    "problem": "#D55E00",
    "hot_shade": "#fc9272",
    "ring": "#777777",
    "ring_fill": "#aaaaaa",
    "no_level": "#555555",
}
"""Interactive maps: sector outlines, problems, hot cells under the measures, buffer rings,
problems whose coverage level is unknown."""

NETWORK: dict[str, str] = {
    "partner": "#666666",
    "partner_link": "#aaaaaa",
    "unknown_partner": "#D55E00",
    "suggested": "#CC79A7",
    "coverage_link": "#555555",
    "no_level": "#999999",
}
"""Partner network: partners, their links, suggestions and problems without a level."""
NETWORK_PROBLEM_MARKER = "s"
"""Marker of a problem in the partner network."""

TIMELINE: dict[str, str] = {
    "reference": "#333333",
    "legend": "#333333",
    "data_start": "#777777",
}
"""Measures timeline: reference date, legend swatches (planned, running), start of the data."""
TIMELINE_MARKERS: dict[str, str] = {"planned": "D", "running": ">"}
"""Measures timeline: a planned measure's start, a running measure's open end."""

PROJECTION: dict[str, str] = {
    "observed": "#333333",
    "projection": "#0072B2",
    "backtest": "#D55E00",
    "naive": "#999999",
}
"""Projection chart: observed counts, projection, backtest and naive forecast."""

REFERENCE: dict[str, str] = {
    "line": "#999999",
    "mean": "#666666",
    "strong": "#333333",
    "lorenz": "#D55E00",
    "elevated": "#000000",
}
"""Reference lines: diagonals and equality (``line``), a mean index (``mean``), no effect or
a measure's start (``strong``); the Lorenz curve; cells at elevated near-repeat risk."""

POINT_MARKER = "o"
"""Plain points (incidents, observed months)."""
ESTIMATE_MARKER = "D"
"""A point estimate (forest plot)."""

# ---------------------------------------------------------------------------- colour maps
CHOROPLETH_CMAP = "OrRd"
"""Default sequential colour map of choropleths."""
DENSITY_CMAP = "Purples"
"""Density surface (kernel density) on a grid."""
RISK_CMAP = "Reds"
"""Relative risk of the risk-terrain map."""
HEATMAP_CMAP = "YlOrRd"
"""Hour × weekday heat map."""
KNOX_CMAP = "RdBu_r"
"""Knox ratios (diverging around 1)."""


def pillar_colour(pillar: object) -> str:
    """Colour of a pillar, :data:`FALLBACK` for an unknown one.

    Parameters
    ----------
    pillar : str
        Pillar code.

    Returns
    -------
    str

    Examples
    --------
    >>> pillar_colour("partenariat")
    '#009E73'
    """
    return PILLAR_COLOURS.get(str(pillar), FALLBACK)


def pillar_marker(pillar: object) -> str:
    """Marker of a pillar, :data:`FALLBACK_MARKER` for an unknown one.

    Parameters
    ----------
    pillar : str
        Pillar code.

    Returns
    -------
    str

    Examples
    --------
    >>> pillar_marker("resolution"), pillar_marker("?")
    ('^', 'o')
    """
    return PILLAR_MARKERS.get(str(pillar), FALLBACK_MARKER)


def palette_colour(i: int) -> str:
    """The ``i``-th colour of :data:`PALETTE`, cycling.

    Parameters
    ----------
    i : int
        Index (rank, group number).

    Returns
    -------
    str

    Examples
    --------
    >>> palette_colour(0) == palette_colour(len(PALETTE))
    True
    """
    return PALETTE[i % len(PALETTE)]
