"""The report as a document: :class:`HtmlDocument`, rendered through Jinja2 templates.

:class:`HtmlDocument` collects blocks (headings, paragraphs, tables, figures,
cards…) and renders them with the package's templates (``report/templates/``:
``report.html.j2``, ``blocks.html.j2``, ``screen.css`` and ``print.css``),
autoescaped, into one HTML file with no external resource (styles inline,
figures as base64 PNG), so it can be e-mailed or archived as is.

The document has a reader's structure:

- what comes before the first section heading is the front matter (under the title);
- each level-2 heading opens a section; what is written inside
  ``with doc.lead():`` is the section's lead (its one page in print: a chart and
  the few numbers that support it), shown before the rest of the section;
- a long table (more than :data:`LONG_ROWS` rows or :data:`LONG_COLUMNS`
  columns) moves to the appendix, collapsed (``<details>``) on screen and
  expanded in print, and a one-line pointer stays in its place.

Examples
--------
>>> doc = HtmlDocument("Titre", lang="fr")
>>> doc.heading("Section")
>>> doc.paragraph("Texte <b>échappé</b>.")
>>> page = doc.render()
>>> "<h2>Section</h2>" in page, "Texte &lt;b&gt;échappé&lt;/b&gt;." in page
(True, True)
"""

from __future__ import annotations

import base64
import contextlib
from collections.abc import Iterator, Sequence
from dataclasses import dataclass, field
from importlib import resources
from os import PathLike
from pathlib import Path
from typing import Any

import jinja2
import numpy as np
import pandas as pd
from markupsafe import Markup

from .. import formatting as fmt
from .. import i18n
from ..maps import figure_to_png
from ..maps.rendering import FigureRenderer, PendingPng
from ..ticks import locale_ticks

LONG_ROWS: int = 15
"""A table with more rows than this goes to the appendix."""
LONG_COLUMNS: int = 6
"""A table with more columns than this goes to the appendix."""
PAPER_SIZES: dict[str, str] = {"letter": "letter", "a4": "A4"}
"""Paper size → CSS ``@page`` size."""
PAPER: str = "letter"
"""The default paper of the print style sheet and the PDF (Letter, the paper used in Québec)."""

_ENV = jinja2.Environment(
    loader=jinja2.PackageLoader("diagnostic_lib.report", "templates"),
    autoescape=True,
    undefined=jinja2.StrictUndefined,
    keep_trailing_newline=True,
)

SCREEN_CSS: str = (
    resources.files(__package__).joinpath("templates", "screen.css").read_text(encoding="utf-8")
)
"""The report's screen style sheet (package data file ``report/templates/screen.css``)."""


def print_css(paper: str = "letter") -> str:
    """The print style sheet for a paper size (``templates/print.css``).

    Parameters
    ----------
    paper : {"letter", "a4"}
        The paper of the ``@page`` rule.

    Returns
    -------
    str

    Examples
    --------
    >>> "size:A4" in print_css("a4"), "break-before:page" in print_css()
    (True, True)
    """
    if paper not in PAPER_SIZES:
        raise ValueError(f"paper must be one of {sorted(PAPER_SIZES)}, not {paper!r}")
    return _ENV.get_template("print.css").render(paper=PAPER_SIZES[paper])


CSS: str = SCREEN_CSS + print_css(PAPER)
"""The report's style sheets, screen and print (default paper), as inlined in the document."""


@dataclass
class _Section:
    anchor: str
    title: str
    cls: str = ""
    lead: list[dict[str, Any]] = field(default_factory=list)
    body: list[dict[str, Any]] = field(default_factory=list)


class HtmlDocument:
    """A self-contained HTML document built piece by piece, rendered through templates.

    Parameters
    ----------
    title : str
        The title (``<title>`` and the first heading).
    lang : {"fr", "en"}
        Language of the document: its labels ("Sommaire") and how its tables
        write numbers (:mod:`diagnostic_lib.formatting`).
    paper : {"letter", "a4"}, optional
        Paper size of the print style sheet (default: :data:`PAPER`).
    renderer : FigureRenderer, optional
        Draws the figures in a second process while the document is built
        (:mod:`diagnostic_lib.maps.rendering`); without one, each figure is drawn
        when it is added. The PNGs are the same.
    """

    def __init__(
        self,
        title: str,
        lang: str = "fr",
        paper: str | None = None,
        renderer: FigureRenderer | None = None,
    ) -> None:
        self.title = title
        self.renderer = renderer
        self.lang = i18n.check_lang(lang)
        self.paper = paper or PAPER
        print_css(self.paper)  # an unknown paper size fails here, not at the end
        self._front: list[dict[str, Any]] = []
        self._sections: list[_Section] = []
        self._appendix: list[dict[str, Any]] = []
        self._titles: dict[str, int] = {}  # appendix title → times used (the next is "(2)")
        self._in_lead = False
        self._last_heading = title

    # --- where blocks go ----------------------------------------------------------------------
    def _add(self, block: dict[str, Any]) -> None:
        if not self._sections:
            self._front.append(block)
        elif self._in_lead:
            self._sections[-1].lead.append(block)
        else:
            self._sections[-1].body.append(block)

    @contextlib.contextmanager
    def lead(self) -> Iterator[None]:
        """Blocks written inside go to the current section's lead (its first page).

        Examples
        --------
        >>> doc = HtmlDocument("t", "en")
        >>> doc.heading("Step 1")
        >>> doc.paragraph("detail")
        >>> with doc.lead():
        ...     doc.paragraph("first")
        >>> page = doc.render()
        >>> page.index("first") < page.index("detail")
        True
        """
        before, self._in_lead = self._in_lead, True
        try:
            yield
        finally:
            self._in_lead = before

    def section_class(self, cls: str) -> None:
        """Set the CSS class of the current section (``front`` for the first page)."""
        if self._sections:
            self._sections[-1].cls = cls

    # --- blocks -------------------------------------------------------------------------------
    def heading(self, text: str, level: int = 2, anchor: str | None = None) -> None:
        """Add a heading; a level-2 heading opens a section (and a line of the contents)."""
        self._last_heading = text
        if level == 2:
            self._sections.append(_Section(anchor or f"s{len(self._sections) + 1}", text))
            return
        n = sum(len(s.body) + len(s.lead) for s in self._sections) + len(self._front)
        self._add({"kind": "heading", "level": level, "text": text, "anchor": anchor or f"h{n}"})

    def paragraph(self, text: str, cls: str | None = None) -> None:
        """Add a paragraph of plain text (escaped)."""
        self._add({"kind": "paragraph", "text": text, "cls": cls})

    def box(self, text: str, warn: bool = False) -> None:
        """Add a highlighted box of plain text."""
        self._add({"kind": "box", "text": text, "warn": warn})

    def bullets(self, items: Sequence[str]) -> None:
        """Add a bulleted list of plain-text items."""
        self._add({"kind": "bullets", "entries": list(items)})

    def findings(self, findings: pd.DataFrame) -> None:
        """Add the numbered findings (columns ``text`` and ``uncertainty``)."""
        items = [
            {"text": t, "uncertainty": u}
            for t, u in zip(findings["text"], findings["uncertainty"], strict=True)
        ]
        self._add({"kind": "findings", "entries": items})

    def card(self, title: str, lines: Sequence[str]) -> None:
        """Add a box with a title and lines of plain text (an action of the plan)."""
        self._add({"kind": "card", "title": title, "lines": list(lines)})

    def files(self, items: Sequence[tuple[str, str]]) -> None:
        """Add the list of files written beside the report: (relative path, what it is for)."""
        rows = [{"name": n, "href": n, "text": t} for n, t in items]
        self._add({"kind": "files", "entries": rows})

    def raw(self, fragment: str) -> None:
        """Add an HTML fragment as is (the caller escapes what it holds)."""
        self._add({"kind": "raw", "html": Markup(fragment)})

    def preformatted(self, text: str) -> None:
        """Add preformatted text."""
        self._add({"kind": "pre", "text": text})

    def table(
        self,
        frame: pd.DataFrame,
        caption: str | None = None,
        max_rows: int = 200,
        index: bool = False,
        missing: str | None = None,
        *,
        cls: str | None = None,
        appendix: bool | None = None,
    ) -> None:
        """Add a table (at most ``max_rows`` rows; the rest is said, not hidden).

        Numbers are written for the document's language (``1 056``, ``0,65``),
        booleans as yes/no, and a missing value as "—", explained under the
        table by ``missing`` (default: the generic note ``report.missing_note``).

        A long table (more than :data:`LONG_ROWS` rows or :data:`LONG_COLUMNS`
        columns) goes to the appendix, with a pointer in its place, unless
        ``appendix`` says otherwise.

        Examples
        --------
        >>> doc = HtmlDocument("t", "en")
        >>> doc.heading("Step")
        >>> doc.table(pd.DataFrame({"n": range(40)}), caption="Counts")
        >>> page = doc.render()
        >>> "<details" in page and "A1 — Counts" in page
        True
        """
        block = _table_block(frame, self.lang, caption, max_rows, index, cls, missing)
        long = len(frame) > LONG_ROWS or frame.shape[1] + int(index) > LONG_COLUMNS
        if not (long if appendix is None else appendix) or not self._sections:
            self._add(block)
            return
        n = len(self._appendix) + 1
        title = (caption or self._last_heading).rstrip(" .:")
        same = self._titles.get(title, 0)
        self._titles[title] = same + 1
        entry = {
            "anchor": f"a{n}",
            "label": i18n.t("report.appendix.label", self.lang, n=n),
            "title": f"{title} ({same + 1})" if same else title,
            "size": i18n.t(
                "report.appendix.size",
                self.lang,
                rows=fmt.integer(len(frame), self.lang),
                columns=fmt.integer(frame.shape[1], self.lang),
            ),
            "table": {**block, "caption": None},
        }
        self._appendix.append(entry)
        ref = {k: entry[k] for k in ("anchor", "label", "title", "size")}
        self._add({"kind": "appendix_ref", "text": i18n.t("report.appendix.ref", self.lang), **ref})

    def figure(self, fig_or_png: Any, caption: str = "", alt: str | None = None) -> None:
        """Embed a matplotlib figure (closed after rendering) or PNG bytes."""
        if not isinstance(fig_or_png, bytes | bytearray):  # tick labels in the language
            locale_ticks(fig_or_png, self.lang)
        if isinstance(fig_or_png, bytes | bytearray):
            png: Any = base64.b64encode(fig_or_png).decode("ascii")
        elif self.renderer is not None:
            png = self.renderer.submit(fig_or_png)  # collected when the page is rendered
        else:
            png = base64.b64encode(figure_to_png(fig_or_png)).decode("ascii")
        self._add({"kind": "figure", "png": png, "caption": caption, "alt": alt or caption or ""})

    def _collect_figures(self) -> None:
        """Replace each figure still being drawn by its PNG (in the order they were added)."""
        for block in self._front + [b for s in self._sections for b in s.lead + s.body]:
            if block.get("kind") == "figure" and isinstance(block["png"], PendingPng):
                block["png"] = base64.b64encode(block["png"].result()).decode("ascii")

    # --- output -------------------------------------------------------------------------------
    def render(self) -> str:
        """The whole document as an HTML string."""
        self._collect_figures()
        t = {k: i18n.t(f"report.{k}", self.lang) for k in ("contents",)}
        return _ENV.get_template("report.html.j2").render(
            lang=self.lang,
            title=self.title,
            css=Markup(SCREEN_CSS + print_css(self.paper)),
            front=self._front,
            toc=[{"anchor": s.anchor, "title": s.title} for s in self._sections]
            + (
                [{"anchor": "appendix", "title": i18n.t("report.appendix.title", self.lang)}]
                if self._appendix
                else []
            ),
            sections=self._sections,
            appendix=self._appendix,
            appendix_title=i18n.t("report.appendix.title", self.lang),
            appendix_note=i18n.t("report.appendix.note", self.lang),
            contents=t["contents"],
        )

    def write(self, path: str | PathLike[str]) -> Path:
        """Write the document (UTF-8) and return its path."""
        p = Path(path)
        p.parent.mkdir(parents=True, exist_ok=True)
        p.write_text(self.render(), encoding="utf-8")
        return p


def _cell(value: Any, lang: str, kind: str) -> str:
    """One cell as text: numbers formatted, booleans in words, "—" when missing."""
    if value is None or (not isinstance(value, str | tuple | list) and pd.isna(value)):
        return fmt.MISSING
    if isinstance(value, pd.Timestamp):
        return fmt.date(value, lang)
    if isinstance(value, bool | np.bool_):
        return i18n.t("measures.value.yes" if value else "measures.value.no", lang)
    if kind == "float":
        return fmt.number(value, lang)
    if kind == "grouped":
        return fmt.integer(value, lang)
    if kind == "int":
        return str(int(value))
    if isinstance(value, int | float | np.integer | np.floating):
        return fmt.number(value, lang)
    return str(value)


def _kind(col: pd.Series) -> str:
    if pd.api.types.is_bool_dtype(col):
        return "text"
    if pd.api.types.is_integer_dtype(col):
        return "int"
    if pd.api.types.is_float_dtype(col):
        return "float"
    return "text"


def cells_text(frame: pd.DataFrame, lang: str = "fr") -> tuple[pd.DataFrame, list[str]]:
    r"""Every cell of ``frame`` as a report's table shows it, and each column's kind.

    Numbers by the project's formatter (whole numbers grouped, years not), days
    as ISO dates, booleans in words, a missing value "—". The report's tables
    and the notebooks' (:func:`~diagnostic_lib.report.readable.shown_table`) share it.

    Parameters
    ----------
    frame : DataFrame
    lang : {"fr", "en"}

    Returns
    -------
    (DataFrame, list of str)
        The cells as text (index and columns kept), and per column ``"text"``,
        ``"int"``, ``"grouped"`` or ``"float"``.

    Examples
    --------
    >>> t = pd.DataFrame({"year": [2024], "n": [15850], "rate": [1.5], "ok": [True]})
    >>> cells_text(t, "fr")[0].values.tolist()
    [['2024', '15\xa0850', '1,50', 'oui']]
    """
    kinds = [_kind(frame.iloc[:, j]) for j in range(frame.shape[1])]
    for j, k in enumerate(kinds):  # whole numbers are grouped (15 850, 2 826), years are not
        col = frame.iloc[:, j]
        if k == "int" and col.notna().any() and not col.dropna().between(1900, 2100).all():
            kinds[j] = "grouped"
    rows = [
        [_cell(v, lang, k) for v, k in zip(r, kinds, strict=True)]
        for r in frame.itertuples(index=False, name=None)
    ]
    return pd.DataFrame(rows, index=frame.index, columns=frame.columns, dtype=object), kinds


def _table_block(
    frame: pd.DataFrame,
    lang: str,
    caption: str | None,
    max_rows: int,
    index: bool,
    cls: str | None,
    missing: str | None = None,
) -> dict[str, Any]:
    shown = frame.head(max_rows)
    if index:
        shown = shown.reset_index()
    text, kinds = cells_text(shown, lang)
    rows = text.to_numpy().tolist()
    more = None
    if len(frame) > max_rows:
        more = i18n.t(
            "report.table.first_rows",
            lang,
            shown=fmt.integer(max_rows, lang),
            total=fmt.integer(len(frame), lang),
        )
    if any(fmt.MISSING in r for r in rows):
        why = missing or i18n.t("report.missing_note", lang)
        more = f"{more} {why}" if more else why
    return {
        "kind": "table",
        "header": [str(c) for c in shown.columns],
        "numeric": [k != "text" for k in kinds],
        "rows": rows,
        "caption": caption,
        "more": more,
        "cls": cls,
    }
