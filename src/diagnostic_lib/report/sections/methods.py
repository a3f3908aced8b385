"""The method notes of the report (:data:`METHOD_NOTES`), from the label catalogue.

Each note is one label ``report.method.<topic>`` of
``i18n/labels/report.py``; see docs/methods.md for the formulas.
"""

from __future__ import annotations

import pandas as pd

from ... import coverage, crs, evaluation, i18n
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


def study_period(diag: Diagnostic) -> tuple[pd.Timestamp | None, pd.Timestamp | None]:
    """The study period as the report states it: the config's, else the data's first and last day.

    A config without ``period_start``/``period_end`` studies all its data: the
    report then says which days they cover (never "— – —").

    Examples
    --------
    >>> import dataclasses
    >>> from diagnostic_lib import loaders, sample
    >>> d = loaders.load_diagnostic(sample.sample_dir() / "diagnostic.toml")
    >>> [str(t.date()) for t in study_period(d)]
    ['2022-01-01', '2025-12-31']
    >>> cfg = dataclasses.replace(d.config, period_start=None, period_end=None)
    >>> first = d.incidents["occurred_from"].min().date()
    >>> study_period(dataclasses.replace(d, config=cfg))[0].date() == first
    True
    """
    cfg = diag.config
    if cfg.period_start is not None and cfg.period_end is not None:
        return cfg.period_start, cfg.period_end
    if diag.incidents is None or not len(diag.incidents):
        return cfg.period_start, cfg.period_end
    start, end = evaluation.data_period(diag)
    return start, end - pd.Timedelta(days=1)


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
    start, end = study_period(diag)
    text = i18n.t(
        "report.methods.data_used",
        lang,
        incidents=fmt.integer(len(diag.incidents), lang),
        first=fmt.date(when.min(), lang) if len(when) else fmt.MISSING,
        last=fmt.date(when.max(), lang) if len(when) else fmt.MISSING,
        start=fmt.date(start, lang),
        end=fmt.date(end, lang),
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
