"""The :class:`Explorer` every builder returns, and the HTML table every explorer shows.

Examples
--------
>>> import pandas as pd
>>> "1,234.5" in table_html(pd.DataFrame({"a": [1234.5]}), "en")
True
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass, field
from typing import Any

import pandas as pd

from .. import formatting as fmt


@dataclass
class Explorer:
    """A widget and the plain computation it wires.

    Attributes
    ----------
    widget : ipywidgets.Widget
        What the notebook displays.
    controls : dict
        The input widgets by name.
    compute : callable
        The library call, taking the controls' values as keyword arguments.
    result : Any
        The last result (updated on every change).
    outputs : dict
        The output widgets by name (tables, images…).
    """

    widget: Any
    controls: dict[str, Any]
    compute: Callable[..., Any]
    result: Any = None
    outputs: dict[str, Any] = field(default_factory=dict)

    def values(self) -> dict[str, Any]:
        """The current values of the controls.

        Returns
        -------
        dict
            Control name → value.
        """
        return {k: c.value for k, c in self.controls.items()}

    def _ipython_display_(self) -> None:  # pragma: no cover - notebook display
        from IPython.display import display

        display(self.widget)


def _float_text(lang: str) -> Callable[[float], str]:
    """Floats in a table: three decimals under 10, one above."""

    def one(v: float) -> str:
        return fmt.decimal(v, lang, 3 if abs(v) < 10 else 1)

    return one


def table_html(frame: pd.DataFrame, lang: str = "fr", max_rows: int = 30) -> str:
    """A compact HTML table (numbers formatted for the language).

    Parameters
    ----------
    frame : DataFrame
        The table (its first ``max_rows`` rows are shown).
    lang : {"fr", "en"}
        Language of the numbers.
    max_rows : int
        Rows shown.

    Returns
    -------
    str
        ``<table class="diagnostic-table">…``; missing values read "—".

    Examples
    --------
    >>> table_html(pd.DataFrame({"a": [1.5]}), "fr")[:6]
    '<table'
    """
    return frame.head(max_rows).to_html(
        index=False,
        border=0,
        na_rep=fmt.MISSING,
        float_format=_float_text(lang),
        escape=True,
        classes="diagnostic-table",
    )
