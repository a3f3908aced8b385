"""ipywidgets wiring for the notebooks: widgets only pass values to library calls.

Every builder returns an :class:`Explorer`: the widget to display
(``explorer.widget``) and the same computation as a plain function
(``explorer.compute(**values)``) so that a headless run exercises it. Results
are shown with ``HTML`` and ``Image`` widgets (not ``Output``), so they update
the same way in JupyterLab, in Voilà and in tests. Numbers go through
:mod:`diagnostic_lib.formatting`, words through :mod:`diagnostic_lib.i18n`.

Where things are:

==========================  =====================================================
module                      what it holds
==========================  =====================================================
``explorer``                :class:`Explorer` and :func:`table_html`
``inventory_explorers``     step 1: :func:`priority_explorer` (weight sliders),
                            :func:`incident_filter_explorer`,
                            :func:`filter_and_rate`
``measures_explorers``      step 2: :func:`measure_card_explorer`,
                            :func:`problem_explorer`
``evaluation_explorers``    step 3: :func:`measure_explorer`,
                            :func:`evaluation_table`
``strategy_explorers``      step 4: :func:`response_chooser`
``key_figures``             the dashboard's figures: :func:`key_numbers`,
                            :func:`sector_profile`
``dashboard_page``          :func:`dashboard` (the Voilà page)
``init_wizard``             notebook 05: :func:`init_wizard` (``init``'s guesses,
                            corrected, written and checked)
==========================  =====================================================

Examples
--------
>>> import pandas as pd
>>> from diagnostic_lib import widgets
>>> pb = pd.DataFrame({"problem_id": ["A", "B"], "title_fr": ["a", "b"], "title_en": ["a", "b"],
...     "rate": [10.0, 5.0], "severity": [40.0, 50.0], "trend_label": ["stable"] * 2,
...     "hotspot_z": [8.0, 2.0], "concern": [0.2, 0.4], "vulnerability": [float("nan")] * 2,
...     "excluded": [False, False]})
>>> ex = widgets.priority_explorer(pb, lang="en", show_map=False)
>>> ex.result["problem_id"].tolist()
['A', 'B']
>>> ex.controls["severity"].value = 1.0
>>> ex.controls["rate"].value = 0.0
>>> ex.result["problem_id"].tolist()
['B', 'A']
"""

from __future__ import annotations

from .dashboard_page import dashboard
from .evaluation_explorers import evaluation_table, measure_explorer
from .explorer import Explorer, table_html
from .init_wizard import init_wizard
from .inventory_explorers import (
    COMPONENT_LABELS,
    filter_and_rate,
    incident_filter_explorer,
    priority_explorer,
)
from .key_figures import key_numbers, sector_profile
from .measures_explorers import measure_card_explorer, problem_explorer
from .strategy_explorers import response_chooser

__all__ = [
    "COMPONENT_LABELS",
    "Explorer",
    "dashboard",
    "evaluation_table",
    "filter_and_rate",
    "incident_filter_explorer",
    "init_wizard",
    "key_numbers",
    "measure_card_explorer",
    "measure_explorer",
    "priority_explorer",
    "problem_explorer",
    "response_chooser",
    "sector_profile",
    "table_html",
]
