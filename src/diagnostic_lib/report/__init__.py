"""The diagnosis report: a self-contained HTML file, its workbook and the notebooks.

:func:`build_report` runs the four steps on a config and writes the report;
:func:`write_report` writes it from results already computed. The report is
one HTML file with no external resource (maps and charts embedded as PNG), so
it can be e-mailed, archived or printed to PDF as is, for one of two
audiences: ``internal``, or ``public`` (no point-level data, no free text, counts below
the threshold suppressed).

==========================  ===================================================
file                        what it holds
==========================  ===================================================
``document.py``             :class:`HtmlDocument` (blocks rendered through the
                            Jinja2 templates of ``templates/``: the page, its
                            blocks, ``screen.css`` and ``print.css``; long
                            tables to a collapsed appendix) and :data:`CSS`
``pages.py``                the reader's pages: the first page (key figures,
                            findings), each step's lead page, the companion
                            files written beside the report
``confidentiality.py``      the small-count rule (:func:`suppress_small_counts`,
                            :func:`suppression_marker`, :data:`SMALL_COUNT`),
                            :func:`public_frame` and its column lists
                            (:data:`COUNT_COLUMNS`…)
``workbook.py``             :func:`write_workbook` (one sheet per table)
``overview.py``             the data overview (:func:`write_overview`,
                            :func:`table_counts`)
``sections/``               one file per section: ``context`` (what a section
                            writes into), ``executive_summary``, ``step1``,
                            ``step2``, ``step3`` (:func:`evaluation_section`),
                            ``step4``, ``methods`` (:data:`METHOD_NOTES`),
                            ``ledger``
``builder.py``              :func:`build_report`, :func:`write_report` and the
                            step runners
``notebook_runner.py``      :func:`execute_notebook`, and the execution of the
                            numbered notebooks for the internal report
``pdf.py``                  :func:`html_to_pdf` (headless Chromium) and
                            :class:`PdfError`
``followup_doc.py``         the follow-up report a year later (:func:`write_followup`,
                            :func:`followup_document`)
``readable.py``             :func:`readable_table`, :func:`shown_table`: a
                            library table in words and numbers of the
                            language, for a notebook cell
``bulletin.py``             the monitoring bulletin between diagnoses
                            (:func:`write_bulletin`, :func:`bulletin_document`,
                            :func:`comparison_table`)
==========================  ===================================================

Examples
--------
>>> doc = HtmlDocument("Titre", lang="fr")
>>> doc.heading("Section")
>>> doc.paragraph("Texte.")
>>> "<h2" in doc.render() and "Texte." in doc.render()
True
"""

from __future__ import annotations

from .builder import Steps, build_report, run_steps, write_report

# private names used by benchmarks/run.py (re-exported, not in __all__): _current
from .builder import _current as _current
from .bulletin import bulletin_document, comparison_table, write_bulletin
from .confidentiality import (
    COUNT_COLUMNS,
    DERIVED_FROM_COUNT,
    FREE_TEXT_COLUMNS,
    POINT_COLUMNS,
    SMALL_COUNT,
    complementary_cells,
    is_people_count,
    public_frame,
    suppress_small_counts,
    suppression_marker,
)
from .document import CSS, HtmlDocument
from .followup_doc import action_table, fate_table, followup_document, write_followup
from .notebook_runner import execute_notebook
from .overview import table_counts, write_overview
from .pdf import PdfError, html_to_pdf
from .province_page import province_document, write_province_page, write_province_workbook
from .readable import readable_table, shown_table
from .sections.methods import METHOD_NOTES
from .sections.step3 import evaluation_section
from .workbook import MAX_SHEET_ROWS, write_workbook

__all__ = [
    "bulletin_document",
    "action_table",
    "fate_table",
    "followup_document",
    "comparison_table",
    "write_bulletin",
    "write_followup",
    "COUNT_COLUMNS",
    "CSS",
    "DERIVED_FROM_COUNT",
    "FREE_TEXT_COLUMNS",
    "MAX_SHEET_ROWS",
    "METHOD_NOTES",
    "POINT_COLUMNS",
    "SMALL_COUNT",
    "HtmlDocument",
    "PdfError",
    "Steps",
    "build_report",
    "evaluation_section",
    "execute_notebook",
    "html_to_pdf",
    "complementary_cells",
    "is_people_count",
    "province_document",
    "public_frame",
    "readable_table",
    "shown_table",
    "suppress_small_counts",
    "suppression_marker",
    "table_counts",
    "write_overview",
    "write_province_page",
    "write_province_workbook",
    "run_steps",
    "write_report",
    "write_workbook",
]
