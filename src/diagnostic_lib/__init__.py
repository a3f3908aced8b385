"""diagnostic_lib: the local security self-diagnosis (autodiagnostic local de sécurité).

Community policing (Québec model) rests on four pillars — *rapprochement*,
*partenariat*, *résolution de problèmes*, *prévention* — and a force adopts it
by diagnosing itself in four steps. The library has one module per step, plus
the loaders, maps, widgets, report and sample:

==================  ==========================================================
module              what it does
==================  ==========================================================
``schema``          the canonical data model (five tables)
``loaders``         users' exports → canonical tables + a balanced ledger
``ledger``          the data-quality ledger
``config``          ``diagnostic.toml``
``settings``        every tunable: default, type, meaning (``[parameters]``)
``formatting``      numbers, percentages, intervals and dates for people
``i18n``            the label catalogue (French and English)
``crs``             the analysis CRS checks
``taxonomy``        categories and severity weights (replaceable data)
``sample``          the synthetic sample municipality
``inventory``       step 1: crime problems and security issues
``measures``        step 2: preventive measures in place
``evaluation``      step 3: effectiveness, relevance, current and future risk
``strategy``        step 4: intervention strategies and the action plan
``maps``            static and interactive maps
``charts``          charts of the steps' tables
``style``           colours, colour maps and markers of maps and charts
``widgets``         ipywidgets wiring for the notebooks
``report``          the diagnosis report (HTML + workbook)
``calibration``     simulated towns that check the verdicts' error rates
==================  ==========================================================

Examples
--------
>>> from diagnostic_lib import loaders, sample
>>> d = loaders.load_diagnostic(sample.sample_dir() / "diagnostic.toml")
>>> d.ledger.is_balanced()
True
"""

from __future__ import annotations

import importlib
from typing import Any

from . import _memory
from .errors import ConfigError, CRSError, DataError

_memory.default_pages()  # large arrays written once: no wait for huge pages (see _memory)

__version__ = "0.1.0"

_SUBMODULES = {
    "schema",
    "loaders",
    "readers",
    "ledger",
    "config",
    "taxonomy",
    "i18n",
    "sample",
    "inventory",
    "measures",
    "evaluation",
    "strategy",
    "maps",
    "widgets",
    "report",
    "cli",
    "stats",
    "charts",
    "crs",
    "formatting",
    "settings",
    "style",
    "calibration",
    "cube",
    "monitoring",
    "province",
}

_SHORTCUTS = {
    "load_incidents": "loaders",
    "load_sectors": "loaders",
    "load_measures": "loaders",
    "load_survey": "loaders",
    "load_partners": "loaders",
    "load_places": "loaders",
    "load_diagnostic": "loaders",
    "load_config": "config",
    "Ledger": "ledger",
}

__all__ = [
    "ConfigError",
    "CRSError",
    "DataError",
    "__version__",
    *sorted(_SHORTCUTS),
    *sorted(_SUBMODULES),
]


def __getattr__(name: str) -> Any:
    """Import submodules lazily, so ``import diagnostic_lib`` stays fast."""
    if name in _SUBMODULES:
        return importlib.import_module(f".{name}", __name__)
    if name in _SHORTCUTS:
        return getattr(importlib.import_module(f".{_SHORTCUTS[name]}", __name__), name)
    raise AttributeError(f"module 'diagnostic_lib' has no attribute {name!r}")


def __dir__() -> list[str]:
    return sorted(__all__)
