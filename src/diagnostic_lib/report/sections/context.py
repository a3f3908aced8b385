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

from dataclasses import dataclass, field

import pandas as pd

from ..confidentiality import public_frame
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
    """

    doc: HtmlDocument
    lang: str
    public: bool = False
    threshold: int = 5
    tables: dict[str, pd.DataFrame] = field(default_factory=dict)

    def pub(self, frame: pd.DataFrame) -> pd.DataFrame:
        """The table as the audience may see it (:func:`public_frame` for the public)."""
        return public_frame(frame, self.threshold) if self.public else frame


def _L(fr: str, en: str, lang: str) -> str:
    return fr if lang == "fr" else en


def _headers(frame: pd.DataFrame, names: dict[str, tuple[str, str]], lang: str) -> pd.DataFrame:
    cols = [c for c in names if c in frame.columns]
    return frame[cols].rename(columns={c: names[c][0 if lang == "fr" else 1] for c in cols})
