"""The data overview: the tables loaded, the data-quality ledger and a map.

:func:`write_overview` writes what ``00_overview.ipynb`` shows, as a report of
its own (``index.html`` and ``ledger.csv``); :func:`table_counts` counts the
rows of each table loaded.

Examples
--------
>>> from diagnostic_lib import loaders, sample
>>> d = loaders.load_diagnostic(sample.sample_dir() / "diagnostic.toml")
>>> len(table_counts(d, "en")) >= 5
True
"""

from __future__ import annotations

import datetime as _dt
from os import PathLike
from pathlib import Path

import pandas as pd

from .. import formatting as fmt
from .. import i18n, maps
from ..loaders import Diagnostic
from ..tiles import reachable_tiles
from .document import HtmlDocument


def table_counts(diag: Diagnostic, lang: str = "fr") -> pd.DataFrame:
    """Rows loaded per table, for the overview.

    Examples
    --------
    >>> from diagnostic_lib import loaders, sample
    >>> d = loaders.load_diagnostic(sample.sample_dir() / "diagnostic.toml")
    >>> table_counts(d, "en").columns.tolist()
    ['Table', 'Count']
    """
    rows = []
    for t in ("sectors", "incidents", "measures", "survey", "partners", "places", "walks"):
        df = getattr(diag, t, None)
        if df is not None:
            rows.append({"table": i18n.label("table", t, lang), "n": len(df)})
    return pd.DataFrame(rows).rename(
        columns={"table": i18n.t("ledger.col.table", lang), "n": i18n.t("word.count", lang)}
    )


def write_overview(diag: Diagnostic, out_dir: str | PathLike[str], lang: str | None = None) -> Path:
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
    lang = i18n.check_lang(lang or diag.lang)
    out = Path(out_dir)
    out.mkdir(parents=True, exist_ok=True)
    doc = HtmlDocument(f"{i18n.t('overview.title', lang)} — {diag.config.municipality}", lang)
    doc.paragraph(
        i18n.t("overview.generated", lang, date=fmt.date(_dt.date.today(), lang)), cls="note"
    )
    doc.heading(i18n.t("overview.counts", lang))
    doc.table(table_counts(diag, lang))
    doc.heading(i18n.t("overview.map", lang))
    doc.figure(
        maps.overview_map(
            diag.sectors,
            diag.incidents,
            lang=lang,
            source=diag.config.municipality,
            tiles=reachable_tiles(diag),
        ),
        caption=i18n.t("overview.map", lang),
        alt=i18n.t("overview.map", lang),
    )
    doc.heading(i18n.t("ledger.title", lang))
    doc.table(diag.ledger.files_table(lang))
    doc.table(diag.ledger.summary_table(lang))
    notes = diag.ledger.notes(lang)
    if len(notes):
        doc.bullets(
            [f"{Path(f).name}: {n}" for f, n in zip(notes["file"], notes["note"], strict=True)]
        )
    diag.ledger.to_csv(out / "ledger.csv", lang=lang)
    doc.paragraph(i18n.t("report.overview.details", lang), cls="note")
    return doc.write(out / "index.html")
