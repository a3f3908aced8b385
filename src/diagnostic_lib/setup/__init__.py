"""First set-up of a diagnosis: inspect the exports, write a commented ``diagnostic.toml``.

``python -m diagnostic_lib init`` (:mod:`diagnostic_lib.cli.cmd_init`) runs it:

=================  ==============================================================
module             what it holds
=================  ==============================================================
``inspection``     what a file holds, from a sample (:func:`inspect_file`)
``categories``     every category label with its code or the closest one
``config_file``    the ``diagnostic.toml`` and ``categories.csv`` written
``corrections``    the analyst's corrections to the guesses; a first check
=================  ==============================================================

Examples
--------
>>> from diagnostic_lib import setup
>>> setup.SAMPLE_ROWS
5000
"""

from __future__ import annotations

from .categories import CATEGORY_COLUMNS, category_table
from .config_file import (
    CATEGORIES_NAME,
    CONFIG_NAME,
    config_text,
    guess_files,
    render_config,
    write_config,
    write_guesses,
)
from .corrections import (
    CRS_CHOICES,
    PREVIEW_ROWS,
    apply_corrections,
    check_config,
    describe,
    preview,
    table_fields,
)
from .inspection import SAMPLE_ROWS, category_counts, inspect_file, with_fields

__all__ = [
    "CATEGORIES_NAME",
    "CATEGORY_COLUMNS",
    "CONFIG_NAME",
    "CRS_CHOICES",
    "PREVIEW_ROWS",
    "SAMPLE_ROWS",
    "apply_corrections",
    "category_counts",
    "category_table",
    "check_config",
    "config_text",
    "describe",
    "guess_files",
    "inspect_file",
    "preview",
    "render_config",
    "table_fields",
    "with_fields",
    "write_config",
    "write_guesses",
]
