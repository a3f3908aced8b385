"""Charts (matplotlib) for the tables the steps compute: every label in French or English.

Like :mod:`diagnostic_lib.maps`, these functions draw; they never compute
anything the step modules do not already return. Colours, colour maps and
markers come from :mod:`diagnostic_lib.style` (shared with the maps).

The charts, by step
-------------------
========================  ===================================================  ================
chart                     what it shows                                        file
========================  ===================================================  ================
``hour_weekday_heatmap``  step 1: incidents by hour × day of week              timing.py
``seasonality_chart``     step 1: monthly seasonality index                    timing.py
``yearly_counts_chart``   step 1: counts per year with Poisson intervals       timing.py
``lorenz_chart``          step 1: concentration over places (Lorenz, Gini)     concentration.py
``knox_heatmap``          step 1: near repeat (Knox ratios)                    concentration.py
``perception_gap_chart``  step 1: crime rank against concern rank by sector    perception.py
``measures_timeline``     step 2: the measures in time, by pillar              timeline.py
``partner_network``       step 2: partners ↔ measures ↔ problems               network.py
``before_after_chart``    step 3: a measure's monthly counts by area           effects.py
``forest_plot``           step 3: relative effect sizes and their intervals    effects.py
``peak_chart``            step 3: regression to the mean at chosen peaks       effects.py
``risk_matrix_chart``     step 3: likelihood × impact of current risks         risk.py
``projection_chart``      step 3: 12-month projection and its backtest         risk.py
``problem_trends_chart``  report: top problems' trends and projections         trends.py
========================  ===================================================  ================

``canvas.py`` holds what every chart shares (the figure).

Examples
--------
>>> import matplotlib
>>> matplotlib.use("Agg")
>>> import pandas as pd
>>> from diagnostic_lib import charts
>>> fig = charts.lorenz_chart(pd.Series([10, 5, 0, 0]), lang="en")
>>> fig.axes[0].get_xlabel()
'Share of places (most affected first)'
"""

from __future__ import annotations

from .concentration import knox_heatmap, lorenz_chart
from .effects import before_after_chart, forest_plot, peak_chart
from .network import partner_network
from .perception import perception_gap_chart
from .risk import projection_chart, risk_matrix_chart
from .timeline import measures_timeline
from .timing import hour_weekday_heatmap, seasonality_chart, yearly_counts_chart
from .trends import problem_trends_chart

__all__ = [
    # step 1
    "hour_weekday_heatmap",
    "seasonality_chart",
    "yearly_counts_chart",
    "lorenz_chart",
    "knox_heatmap",
    "perception_gap_chart",
    # step 2
    "measures_timeline",
    "partner_network",
    # step 3
    "before_after_chart",
    "forest_plot",
    "peak_chart",
    "risk_matrix_chart",
    "projection_chart",
    # the report's first pages
    "problem_trends_chart",
]
