"""First set-up of a diagnosis: inspect the exports, write a commented ``diagnostic.toml``.

``python -m diagnostic_lib init`` (:mod:`diagnostic_lib.cli.cmd_init`) runs it:

=================  ==============================================================
module             what it holds
=================  ==============================================================
``inspection``     what a file holds, from a sample (:func:`inspect_file`)
``categories``     every category label with its code or the closest one
``config_file``    the ``diagnostic.toml`` and ``categories.csv`` written
=================  ==============================================================

Examples
--------
>>> from diagnostic_lib import setup
>>> setup.SAMPLE_ROWS
5000
"""

from __future__ import annotations

from .categories import CATEGORY_COLUMNS, category_table
from .config_file import CATEGORIES_NAME, CONFIG_NAME, render_config, write_config
from .inspection import SAMPLE_ROWS, category_counts, inspect_file

__all__ = [
    "CATEGORIES_NAME",
    "CATEGORY_COLUMNS",
    "CONFIG_NAME",
    "SAMPLE_ROWS",
    "category_counts",
    "category_table",
    "inspect_file",
    "render_config",
    "write_config",
]
