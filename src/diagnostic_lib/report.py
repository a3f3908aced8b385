"""The diagnosis report: a self-contained HTML file (and its tables).

:class:`HtmlDocument` assembles headings, paragraphs, tables and figures
(embedded as base64 PNG) into one HTML file with no external resource, so it
can be e-mailed or archived as is. :func:`write_overview` writes the data
overview (the ledger and a map of sectors and incidents).

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
import datetime as _dt
import html
from os import PathLike
from pathlib import Path
from typing import Any

import pandas as pd

from . import i18n

CSS = """
body{font-family:system-ui,-apple-system,"Segoe UI",Roboto,Arial,sans-serif;max-width:1100px;margin:2em auto;
padding:0 1em;color:#1b1b1b;line-height:1.45}
h1{border-bottom:3px solid #0072B2;padding-bottom:.2em}
h2{margin-top:2em;border-bottom:1px solid #ccc;padding-bottom:.15em}
table{border-collapse:collapse;margin:.8em 0;font-size:.88em}
th,td{border:1px solid #d0d0d0;padding:.25em .5em;text-align:left;vertical-align:top}
th{background:#eef4fa}
td.num{text-align:right;font-variant-numeric:tabular-nums}
figure{margin:1em 0}
figure img{max-width:100%;height:auto;border:1px solid #e0e0e0}
figcaption{font-size:.85em;color:#555}
.note{font-size:.85em;color:#555}
.box{background:#f6f8fa;border-left:4px solid #0072B2;padding:.6em 1em;margin:1em 0}
.warn{border-left-color:#D55E00}
pre{background:#f6f8fa;padding:.6em;overflow-x:auto;font-size:.85em}
nav ul{columns:2}
"""


class HtmlDocument:
    """A self-contained HTML document built piece by piece.

    Parameters
    ----------
    title : str
    lang : {"fr", "en"}
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
    ) -> None:
        """Add a table (at most ``max_rows`` rows; the rest is said, not hidden)."""
        shown = frame.head(max_rows)
        body = shown.to_html(
            index=index,
            border=0,
            na_rep="—",
            float_format=lambda v: _num(v, self.lang),
            escape=True,
        )
        cap = f"<p class='note'>{html.escape(caption)}</p>" if caption else ""
        more = ""
        if len(frame) > max_rows:
            more = "<p class='note'>" + html.escape(
                f"{max_rows} premières lignes sur {len(frame)}." if self.lang == "fr" else f"First {max_rows} rows of {len(frame)}."
            ) + "</p>"  # fmt: skip
        self._parts.append(cap + body + more)

    def figure(self, fig_or_png: Any, caption: str = "", alt: str | None = None) -> None:
        """Embed a matplotlib figure (closed after rendering) or PNG bytes."""
        from .maps import figure_to_png

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
            head = "Sommaire" if self.lang == "fr" else "Contents"
            toc = f"<nav><h2>{head}</h2><ul>" + "".join(
                f'<li><a href="#{html.escape(a)}">{html.escape(t)}</a></li>' for a, t in self._toc
            ) + "</ul></nav>"  # fmt: skip
        return (
            f'<!DOCTYPE html>\n<html lang="{self.lang}"><head><meta charset="utf-8"/>'
            f'<meta name="viewport" content="width=device-width, initial-scale=1"/>'
            f"<title>{html.escape(self.title)}</title><style>{CSS}</style></head><body>"
            f"<h1>{html.escape(self.title)}</h1>{toc}{''.join(self._parts)}</body></html>\n"
        )

    def write(self, path: str | PathLike[str]) -> Path:
        """Write the document (UTF-8) and return its path."""
        p = Path(path)
        p.parent.mkdir(parents=True, exist_ok=True)
        p.write_text(self.render(), encoding="utf-8")
        return p


def _num(v: float, lang: str) -> str:
    if pd.isna(v):
        return "—"
    s = f"{v:,.2f}" if abs(v) < 1e6 else f"{v:,.0f}"
    if lang == "fr":
        s = s.replace(",", "\u202f").replace(".", ",")
    return s


def table_counts(diag: Any, lang: str = "fr") -> pd.DataFrame:
    """Rows loaded per table, for the overview.

    Examples
    --------
    >>> from diagnostic_lib import loaders, sample
    >>> d = loaders.load_diagnostic(sample.sample_dir() / "diagnostic.toml")
    >>> table_counts(d, "en").columns.tolist()
    ['Table', 'Count']
    """
    rows = []
    for t in ("sectors", "incidents", "measures", "survey", "partners", "places"):
        df = getattr(diag, t, None)
        if df is not None:
            rows.append({"table": i18n.label("table", t, lang), "n": len(df)})
    return pd.DataFrame(rows).rename(
        columns={"table": i18n.t("ledger.col.table", lang), "n": i18n.t("word.count", lang)}
    )


def write_overview(diag: Any, out_dir: str | PathLike[str], lang: str | None = None) -> Path:
    """Write the data overview: loaded tables, the ledger and a map.

    Parameters
    ----------
    diag : Diagnostic
        From :func:`diagnostic_lib.loaders.load_diagnostic`.
    out_dir : path
        Output folder; ``index.html`` and ``ledger.csv`` are written there.
    lang : {"fr", "en"}, optional
        Default: the config's language.

    Returns
    -------
    pathlib.Path
        The ``index.html`` written.

    Examples
    --------
    >>> import tempfile
    >>> from diagnostic_lib import loaders, sample
    >>> d = loaders.load_diagnostic(sample.sample_dir() / "diagnostic.toml")
    >>> write_overview(d, tempfile.mkdtemp(), lang="en").name
    'index.html'
    """
    from . import maps

    lang = lang or diag.lang
    out = Path(out_dir)
    out.mkdir(parents=True, exist_ok=True)
    doc = HtmlDocument(f"{i18n.t('overview.title', lang)} — {diag.config.municipality}", lang)
    doc.paragraph(i18n.t("overview.generated", lang, date=_dt.date.today().isoformat()), cls="note")
    doc.heading(i18n.t("overview.counts", lang))
    doc.table(table_counts(diag, lang))
    doc.heading(i18n.t("overview.map", lang))
    doc.figure(maps.overview_map(diag.sectors, diag.incidents, lang=lang, source=diag.config.municipality),
               caption=i18n.t("overview.map", lang))  # fmt: skip
    doc.heading(i18n.t("ledger.title", lang))
    doc.table(diag.ledger.files_table(lang))
    doc.table(diag.ledger.summary_table(lang))
    notes = diag.ledger.notes(lang)
    if len(notes):
        doc.bullets(
            [f"{Path(f).name}: {n}" for f, n in zip(notes["file"], notes["note"], strict=True)]
        )
    diag.ledger.to_csv(out / "ledger.csv", lang=lang)
    doc.paragraph(
        "Le détail ligne par ligne est dans ledger.csv."
        if lang == "fr"
        else "Row-by-row details are in ledger.csv.",
        cls="note",
    )
    return doc.write(out / "index.html")
