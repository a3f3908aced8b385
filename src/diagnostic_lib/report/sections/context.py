"""What every section of the report writes into: the document, the language, the audience.

:class:`SectionContext` carries the document being written, its language, the
audience (public or internal), the small-count threshold and the tables
collected for the workbook; its :meth:`~SectionContext.pub` applies the
confidentiality rules of the public version to a table.

Examples
--------
>>> import pandas as pd
>>> from diagnostic_lib.report import HtmlDocument
>>> ctx = SectionContext(HtmlDocument("t", "en"), "en", public=True, threshold=5)
>>> ctx.pub(pd.DataFrame({"count": [3]}))["count"].tolist()
['< 5']
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass, field
from typing import Any

import pandas as pd

from ... import i18n, inventory
from ... import tiles as tiles_mod
from ...loaders import Diagnostic
from ..confidentiality import SMALL_COUNT, public_frame
from ..document import HtmlDocument


@dataclass
class SectionContext:
    """The document a section writes into, and how (language, audience, threshold).

    Parameters
    ----------
    doc : HtmlDocument
        The report being written.
    lang : {"fr", "en"}
        Language.
    public : bool
        Public audience: tables go through :func:`public_frame`.
    threshold : int
        Small-count threshold of the public version.
    tables : dict of str to DataFrame
        Receives the tables of the workbook (sheet name → table).
    source : str, optional
        Where the data come from (the municipality): the source note of the maps.
    tiles : TileSource, optional
        Background tiles of the static maps (``[maps] tiles``, when reachable).
    diag : Diagnostic, optional
        The diagnosis: where the maps' landmarks come from (:meth:`landmarks`,
        :func:`diagnostic_lib.inventory.map_landmarks`).
    hidden : dict of str to set
        Cells a public table hid, by kind (``"sector_family_recent"``: the
        ``(sector, family)`` of the last 12 months' counts), so that another
        table showing the same counts hides them too (:meth:`pub`'s ``protect``).
    """

    doc: HtmlDocument
    lang: str
    public: bool = False
    threshold: int = SMALL_COUNT
    tables: dict[str, pd.DataFrame] = field(default_factory=dict)
    source: str | None = None
    tiles: tiles_mod.TileSource | None = None
    diag: Diagnostic | None = None
    hidden: dict[str, set] = field(default_factory=dict)

    def landmarks(self, near: Any = None):
        """The landmarks of a map showing ``near`` (none without ``diag``)."""
        return None if self.diag is None else inventory.map_landmarks(self.diag, near)

    def pub(self, frame: pd.DataFrame, protect: Any = None) -> pd.DataFrame:
        """The table as the audience may see it (:func:`public_frame` for the public).

        ``protect``: rows whose counts another public table hides (hidden here too).
        """
        return public_frame(frame, self.threshold, protect) if self.public else frame

    def t(self, key: str, /, **values: object) -> str:
        """The label ``key`` in the document's language (:func:`diagnostic_lib.i18n.t`)."""
        return i18n.t(key, self.lang, **values)


def _headers(frame: pd.DataFrame, names: Mapping[str, str | None], lang: str) -> pd.DataFrame:
    """The columns of ``names`` that ``frame`` has, in that order, under their labels.

    ``names`` maps a column to the key of its header in the label catalogue
    (``None``: the column keeps its name).
    """
    cols = [c for c in names if c in frame.columns]
    keys = {c: k for c, k in names.items() if c in cols and k is not None}
    return i18n.translate_columns(frame[cols], keys, lang)
