"""Maps: static (matplotlib, fit to print) and interactive (folium).

Every static map has a title, a legend, a scale bar, a north arrow and a
source/date note, with all text in French or English. Functions return the
matplotlib ``Figure`` (static) or a ``folium.Map`` (interactive) and never
compute anything the library does not already compute elsewhere: they draw
tables that the step modules return. Colours, colour maps and markers come
from :mod:`diagnostic_lib.style` (shared with :mod:`diagnostic_lib.charts`).

The maps, by step
-----------------
============================  ===============================================  ====================
map                           what it shows                                    file
============================  ===============================================  ====================
``overview_map``              sectors and incidents by family (or category)    incidents.py
``incident_map``              incidents of a selection, by category or family  incidents.py
``choropleth``                a value per sector (rate, score), classed        choropleths.py
``rate_map``                  step 1: annual rates (counts without residents)  choropleths.py
``density_map``               step 1: a density surface (KDE) on a grid        choropleths.py
``hot_spot_map``              step 1: Gi* hot and cold spots on a grid         hot_spots.py
``emerging_map``              step 1: emerging hot spots (new, persistent…)    emerging.py
``problems_map``              step 1: problems numbered by priority rank       problems.py
``measures_map``              step 2: measures' footprints and buffer rings    footprints.py
``measure_detail_map``        step 2: one measure, incidents before and after  footprints.py
``gap_map``                   step 2: problems by coverage level (gaps)        gaps.py
``walks_map``                 safety walks over hot spots and measures         walks.py
``evaluation_map``            step 3: treated, buffer and control areas        evaluation_areas.py
``risk_map``                  step 3: risk terrain and near-repeat cells       risk.py
``interactive_map``           the diagnosis, interactive (one layer a table)   interactive.py
``measures_interactive_map``  step 2, interactive: one layer per pillar        interactive.py
============================  ===============================================  ====================

The other files
---------------
``canvas.py``
    A figure ready for a map (:func:`new_map`), sector outlines, scale bar,
    north arrow, source note (:func:`decorate`), legends and boxes; PNG
    rendering (:func:`figure_to_png`) and the checks used by the tests and
    the report (:func:`legend_labels`, :func:`is_blank`).
``leaflet.py``
    Leaflet embedded in the interactive maps, so that they work offline.

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

from ..style import (
    EMERGING_COLOURS,
    FAMILY_COLOURS,
    HOT_COLOURS,
    LEVEL_COLOURS,
    PALETTE,
    PILLAR_COLOURS,
    PILLAR_MARKERS,
    PILLAR_SYMBOLS,
)
from .canvas import (
    add_north_arrow,
    add_scale_bar,
    add_source_note,
    decorate,
    draw_sectors,
    figure_to_png,
    is_blank,
    legend_labels,
    new_map,
    nice_length,
)
from .choropleths import choropleth, density_map, rate_map
from .emerging import emerging_map
from .evaluation_areas import evaluation_map
from .footprints import measure_detail_map, measures_map
from .gaps import gap_map
from .hot_spots import HOT_LABELS, hot_label, hot_spot_map
from .incidents import incident_map, overview_map
from .interactive import interactive_map, measures_interactive_map
from .problems import problems_map
from .risk import risk_map
from .walks import walks_map

__all__ = [
    # colours and labels
    "EMERGING_COLOURS",
    "FAMILY_COLOURS",
    "HOT_COLOURS",
    "HOT_LABELS",
    "LEVEL_COLOURS",
    "PALETTE",
    "PILLAR_COLOURS",
    "PILLAR_MARKERS",
    "PILLAR_SYMBOLS",
    "hot_label",
    # the canvas
    "new_map",
    "nice_length",
    "add_scale_bar",
    "add_north_arrow",
    "add_source_note",
    "decorate",
    "draw_sectors",
    "figure_to_png",
    "legend_labels",
    "is_blank",
    # static maps
    "overview_map",
    "incident_map",
    "choropleth",
    "rate_map",
    "density_map",
    "hot_spot_map",
    "emerging_map",
    "problems_map",
    "measures_map",
    "measure_detail_map",
    "gap_map",
    "walks_map",
    "evaluation_map",
    "risk_map",
    # interactive maps
    "interactive_map",
    "measures_interactive_map",
]
