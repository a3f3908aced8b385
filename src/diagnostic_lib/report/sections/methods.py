"""The method notes of the report (:data:`METHOD_NOTES`), from the label catalogue.

Each note is one label ``report.method.<topic>`` of
``i18n/labels/report.py``; see docs/methods.md for the formulas.
"""

from __future__ import annotations

import pandas as pd

from ... import coverage, crs, evaluation, i18n
from ... import denominators as denominators_mod
from ... import formatting as fmt
from ...loaders import Diagnostic
from ...tiles import TileSource
from .context import SectionContext
from .ledger import _file_name
from .shown import category_label

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
        context = map_context(diag, ctx.tiles, ctx.lang)
        if context:
            ctx.doc.paragraph(context)
    notes = [ctx.t(f"report.method.{topic}") for topic in METHOD_TOPICS]
    bases = "" if diag is None else rate_bases(diag.config.denominators, ctx.lang)
    if bases:
        notes.insert(METHOD_TOPICS.index("rates") + 1, bases)
    ctx.doc.bullets(notes)


def rate_bases(denominators: dict[str, str], lang: str) -> str:
    """The bases of the rates other than residents, in words ("" when every rate is per resident).

    Parameters
    ----------
    denominators : dict
        Family or category code → base (``[denominators]`` of the config).
    lang : {"fr", "en"}
        Language.

    Returns
    -------
    str
        One sentence naming each family or category and its base.

    Examples
    --------
    >>> rate_bases({"burglary": "dwellings"}, "en")
    'Rate bases: Break and enter per 1,000 dwellings; the other families and categories, \
per 1,000 residents.'
    >>> rate_bases({"burglary": "residents"}, "fr")
    ''
    """
    parts = [
        f"{category_label(code, lang)} {i18n.label('denominator', base, lang)}"
        for code, base in denominators.items()
        if base != denominators_mod.RESIDENTS
    ]
    if not parts:
        return ""
    return i18n.t("report.method.rate_bases", lang, bases=", ".join(parts))


def map_context(diag: Diagnostic, tiles: TileSource | None, lang: str) -> str:
    """What the maps show besides the data: their landmarks, and their background tiles.

    Said once in the report: the tiles drawn (with their attribution), or that the
    configured tiles could not be loaded and the maps have no background.

    Parameters
    ----------
    diag : Diagnostic
        The diagnosis (its places, ``[maps]`` and ``landmark*`` settings).
    tiles : TileSource or None
        The tiles the maps were drawn over (``None``: none, or unreachable).
    lang : {"fr", "en"}
        Language.

    Returns
    -------
    str
        Empty when the maps have neither landmarks nor tiles configured.

    Examples
    --------
    >>> from diagnostic_lib import loaders, sample
    >>> from diagnostic_lib.tiles import TileSource
    >>> d = loaders.load_diagnostic(sample.sample_dir() / "diagnostic.toml")
    >>> map_context(d, None, "en")[:10]
    'Landmarks:'
    >>> d.config.tiles = TileSource("https://t.example.org/{z}/{x}/{y}.png", "© T", "t.example.org")
    >>> map_context(d, None, "en").split(". ")[-1]
    'Map background: the configured tiles (t.example.org) could not be loaded; ...'
    """
    cfg = diag.config
    parts = []
    n = int(cfg.param("landmarks"))
    if n > 0 and diag.places is not None and len(diag.places):
        spacing = f"{fmt.number(cfg.param('landmark_spacing_m'), lang)} m"
        parts.append(
            i18n.t("report.methods.landmarks", lang, n=fmt.integer(n, lang), spacing=spacing)
        )
    if tiles is not None:
        parts.append(
            i18n.t("report.methods.basemap", lang, name=tiles.name, attribution=tiles.attribution)
        )
    elif cfg.tiles is not None:
        parts.append(i18n.t("report.methods.basemap_unreachable", lang, name=cfg.tiles.name))
    return " ".join(parts)


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
