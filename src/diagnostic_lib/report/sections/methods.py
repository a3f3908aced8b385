"""The method notes of the report (:data:`METHOD_NOTES`), from the label catalogue.

Each note is one label ``report.method.<topic>`` of
``i18n/labels/report.py``; see docs/methods.md for the formulas.
"""

from __future__ import annotations

import pandas as pd

from ... import coverage, crs, i18n
from ... import formatting as fmt
from ...loaders import Diagnostic
from .context import SectionContext
from .ledger import _file_name

METHOD_TOPICS: tuple[str, ...] = (
    "data",
    "rates",
    "severity",
    "change",
    "concentration",
    "hot_spots",
    "near_repeat",
    "problems",
    "priority",
    "evaluation",
    "strategies",
    "confidentiality",
)
"""The topics of the method notes, in the order of the report."""

METHOD_NOTES: list[tuple[str, str]] = [
    (i18n.t(f"report.method.{topic}", "fr"), i18n.t(f"report.method.{topic}", "en"))
    for topic in METHOD_TOPICS
]
"""The method notes as (French, English) pairs, in the order of the report."""


def _section_methods(ctx: SectionContext, diag: Diagnostic | None = None) -> None:
    ctx.doc.heading(ctx.t("report.methods.heading"))
    if diag is not None:
        ctx.doc.paragraph(data_used(diag, ctx.lang))
    ctx.doc.bullets([ctx.t(f"report.method.{topic}") for topic in METHOD_TOPICS])


def data_used(diag: Diagnostic, lang: str) -> str:
    """What data this report is about: the period they really cover, their gaps, CRS and sources.

    The first and last incident dates (not only the configured study period),
    the months without any record (:func:`diagnostic_lib.coverage.gap_months`),
    the CRS actually used (name and EPSG code), and the files read, named
    relative to the config's folder (never a path of the analyst's machine).

    Examples
    --------
    >>> from diagnostic_lib import loaders, sample
    >>> d = loaders.load_diagnostic(sample.sample_dir() / "diagnostic.toml")
    >>> text = data_used(d, "en")
    >>> "EPSG:32188" in text and "incidents.csv" in text and "/" not in text.split("Sources")[1]
    True
    """
    cfg = diag.config
    when = pd.to_datetime(diag.incidents["occurred_from"]).dropna()
    gaps = coverage.gap_months(diag.incidents) if len(when) else []
    files = diag.ledger.files
    sources = (" ; " if lang == "fr" else "; ").join(
        f"{i18n.label('table', t, lang)} — {_file_name(f)}"
        for t, f in zip(files["table"], files["file"], strict=True)
    )
    used = crs.describe(diag.sectors.crs if diag.sectors.crs is not None else cfg.crs)
    text = i18n.t(
        "report.methods.data_used",
        lang,
        incidents=fmt.integer(len(diag.incidents), lang),
        first=fmt.date(when.min(), lang) if len(when) else fmt.MISSING,
        last=fmt.date(when.max(), lang) if len(when) else fmt.MISSING,
        start=fmt.date(cfg.period_start, lang),
        end=fmt.date(cfg.period_end, lang),
        crs=used,
        sources=sources,
        municipality=cfg.municipality,
    )
    if gaps:
        text += " " + i18n.t(
            "report.methods.data_gaps",
            lang,
            n=fmt.months(len(gaps), lang),
            months=coverage.month_ranges(gaps),
        )
    return text
