"""The report as a document: :class:`HtmlDocument` and its style sheet.

:class:`HtmlDocument` assembles headings, paragraphs, tables and figures
(embedded as base64 PNG) into one HTML file with no external resource, so it
can be e-mailed or archived as is. Its style sheet is the package data file
``report/report.css`` (:data:`CSS`).

Examples
--------
>>> doc = HtmlDocument("Titre", lang="fr")
>>> doc.heading("Section")
>>> doc.paragraph("Texte.")
>>> "<h2" in doc.render() and "Texte." in doc.render()
True
"""

from __future__ import annotations

import base64
import html
from importlib import resources
from os import PathLike
from pathlib import Path
from typing import Any

import numpy as np
import pandas as pd

from .. import formatting as fmt
from .. import i18n
from ..maps import figure_to_png

CSS: str = resources.files(__package__).joinpath("report.css").read_text(encoding="utf-8")
"""The report's style sheet (the package data file ``report/report.css``)."""


class HtmlDocument:
    """A self-contained HTML document built piece by piece.

    Parameters
    ----------
    title : str
        The title (``<title>`` and the first heading).
    lang : {"fr", "en"}
        Language of the document: its labels ("Sommaire") and how its tables
        write numbers (:mod:`diagnostic_lib.formatting`).
    """

    def __init__(self, title: str, lang: str = "fr") -> None:
        self.title = title
        self.lang = i18n.check_lang(lang)
        self._parts: list[str] = []
        self._toc: list[tuple[str, str]] = []

    def heading(self, text: str, level: int = 2, anchor: str | None = None) -> None:
        """Add a heading (level 2 headings go into the table of contents)."""
        anchor = anchor or f"s{len(self._toc) + 1}"
        if level == 2:
            self._toc.append((anchor, text))
        self._parts.append(f'<h{level} id="{html.escape(anchor)}">{html.escape(text)}</h{level}>')

    def paragraph(self, text: str, cls: str | None = None) -> None:
        """Add a paragraph of plain text (escaped)."""
        c = f' class="{cls}"' if cls else ""
        self._parts.append(f"<p{c}>{html.escape(text)}</p>")

    def box(self, text: str, warn: bool = False) -> None:
        """Add a highlighted box of plain text."""
        self._parts.append(f'<div class="box{" warn" if warn else ""}">{html.escape(text)}</div>')

    def bullets(self, items: list[str]) -> None:
        """Add a bulleted list of plain-text items."""
        self._parts.append("<ul>" + "".join(f"<li>{html.escape(i)}</li>" for i in items) + "</ul>")

    def raw(self, fragment: str) -> None:
        """Add an HTML fragment as is (caller escapes)."""
        self._parts.append(fragment)

    def preformatted(self, text: str) -> None:
        """Add preformatted text."""
        self._parts.append(f"<pre>{html.escape(text)}</pre>")

    def table(
        self,
        frame: pd.DataFrame,
        caption: str | None = None,
        max_rows: int = 200,
        index: bool = False,
        missing: str | None = None,
    ) -> None:
        """Add a table (at most ``max_rows`` rows; the rest is said, not hidden).

        Numbers are written for the document's language (``1 056``, ``0,65``),
        booleans as yes/no, and a missing value as "—", explained under the
        table by ``missing`` (default: the generic note ``report.missing_note``).
        """
        shown = _cells(frame.head(max_rows), self.lang)
        body = shown.to_html(
            index=index,
            border=0,
            na_rep=fmt.MISSING,
            escape=True,
        )
        cap = f"<p class='note'>{html.escape(caption)}</p>" if caption else ""
        more = ""
        if len(frame) > max_rows:
            shown_total = {
                "shown": fmt.integer(max_rows, self.lang),
                "total": fmt.integer(len(frame), self.lang),
            }
            note = i18n.t("report.table.first_rows", self.lang, **shown_total)
            more = f"<p class='note'>{html.escape(note)}</p>"
        if (shown == fmt.MISSING).any().any():
            why = missing or i18n.t("report.missing_note", self.lang)
            more += f"<p class='note'>{html.escape(why)}</p>"
        self._parts.append(cap + body + more)

    def figure(self, fig_or_png: Any, caption: str = "", alt: str | None = None) -> None:
        """Embed a matplotlib figure (closed after rendering) or PNG bytes."""
        png = fig_or_png if isinstance(fig_or_png, bytes | bytearray) else figure_to_png(fig_or_png)
        b64 = base64.b64encode(png).decode("ascii")
        alt_text = html.escape(alt or caption or self.title)
        self._parts.append(
            f'<figure><img alt="{alt_text}" src="data:image/png;base64,{b64}"/>'
            f"<figcaption>{html.escape(caption)}</figcaption></figure>"
        )

    def render(self) -> str:
        """The whole document as an HTML string."""
        toc = ""
        if len(self._toc) > 1:
            head = i18n.t("report.contents", self.lang)
            items = "".join(
                f'<li><a href="#{html.escape(a)}">{html.escape(t)}</a></li>' for a, t in self._toc
            )
            toc = f"<nav><h2>{head}</h2><ul>{items}</ul></nav>"
        return (
            f'<!DOCTYPE html>\n<html lang="{self.lang}"><head><meta charset="utf-8"/>'
            f'<meta name="viewport" content="width=device-width, initial-scale=1"/>'
            f"<title>{html.escape(self.title)}</title><style>\n{CSS}</style></head><body>"
            f"<h1>{html.escape(self.title)}</h1>{toc}{''.join(self._parts)}</body></html>\n"
        )

    def write(self, path: str | PathLike[str]) -> Path:
        """Write the document (UTF-8) and return its path."""
        p = Path(path)
        p.parent.mkdir(parents=True, exist_ok=True)
        p.write_text(self.render(), encoding="utf-8")
        return p


def _cells(frame: pd.DataFrame, lang: str) -> pd.DataFrame:
    """A table's cells as text: integers grouped, booleans in words, missing values "—"."""
    out = frame.copy()
    yes_no = {True: i18n.t("measures.value.yes", lang), False: i18n.t("measures.value.no", lang)}
    for c in out.columns:
        col = out[c]
        if pd.api.types.is_bool_dtype(col):
            out[c] = col.astype(object).map(yes_no).where(col.notna(), fmt.MISSING)
        elif pd.api.types.is_integer_dtype(col):
            out[c] = fmt.column(col, "integer", lang)
        elif pd.api.types.is_float_dtype(col):
            out[c] = fmt.column(col, "number", lang)
        else:
            out[c] = [
                fmt.MISSING
                if v is None or (not isinstance(v, str) and bool(pd.isna(v)))
                else (yes_no[bool(v)] if isinstance(v, bool) else _cell(v, lang))
                for v in col.to_numpy(dtype=object)
            ]
    return out


def _cell(value: Any, lang: str) -> str:
    """A value in a table cell: a number as :func:`diagnostic_lib.formatting.number` writes it."""
    if isinstance(value, int | float | np.integer | np.floating) and not isinstance(value, bool):
        return fmt.number(value, lang)
    return str(value)
