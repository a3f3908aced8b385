"""The data-quality ledger, last section of the report.

Files read and rows kept, rejected or flagged, with their reasons; the public
version shows the counts by reason (small ones suppressed), the internal one
the ledger's own tables (the row-by-row entries go to the workbook).
"""

from __future__ import annotations

from pathlib import Path

import pandas as pd

from ... import i18n, ledger_details
from ...loaders import Diagnostic
from .context import SectionContext


def _section_ledger(ctx: SectionContext, diag: Diagnostic) -> None:
    doc, lang, ledger = ctx.doc, ctx.lang, diag.ledger
    doc.heading(i18n.t("ledger.title", lang))
    if ctx.public:
        _public_ledger(ctx, diag)
    else:
        file_col = i18n.t("ledger.col.file", lang)
        for table in (ledger.files_table(lang), ledger.summary_table(lang)):
            if file_col in table.columns:  # never a folder of the analyst's machine
                table = table.assign(**{file_col: [_file_name(f) for f in table[file_col]]})
            doc.table(table)
    ctx.tables["ledger_files"] = _file_names(ledger.files)
    ctx.tables["ledger_counts"] = _file_names(ledger.counts())
    if not ctx.public:
        e = ledger.entries  # the loaders' English details in the report's language
        e = e.assign(detail=ledger_details.details_in(e["detail"], lang))
        ctx.tables["ledger_entries"] = _file_names(e)
        doc.paragraph(ctx.t("report.ledger.details"), cls="note")


def _file_names(table: pd.DataFrame) -> pd.DataFrame:
    """``table`` with its ``file`` column as the report shows files (:func:`_file_name`).

    For the workbook's ledger sheets, as for the page (a held-out run on data out of the
    config's folder showed ``../../../work/…`` there).

    Examples
    --------
    >>> _file_names(pd.DataFrame({"file": ["../../d/pdq.csv", "incidents.csv"]}))["file"].tolist()
    ['pdq.csv', 'incidents.csv']
    """
    if "file" not in table.columns:
        return table
    return table.assign(file=[_file_name(f) for f in table["file"]])


def _file_name(path: object) -> str:
    """A data file as the report shows it: relative to the config's folder, or its name alone.

    A path out of the config's folder (``../../data/x.csv``) or absolute is a path of
    the analyst's machine: its name alone.

    Examples
    --------
    >>> _file_name("data/incidents.csv"), _file_name("../../data/pdq.csv"), _file_name("/a/b.csv")
    ('data/incidents.csv', 'pdq.csv', 'b.csv')
    """
    p = Path(str(path))
    return p.name if p.is_absolute() or ".." in p.parts else p.as_posix()


def _public_ledger(ctx: SectionContext, diag: Diagnostic) -> None:
    """The files read and the counts by reason, small counts suppressed."""
    lang, ledger = ctx.lang, diag.ledger
    files = ctx.pub(
        ledger.files.assign(
            table=lambda d: [i18n.label("table", x, lang) for x in d["table"]],
            file=lambda d: [Path(f).name for f in d["file"]],
        )
    )
    ctx.doc.table(files.rename(columns={k: i18n.t(f"ledger.col.{k}", lang) for k in files.columns}))
    counts = ctx.pub(
        ledger.counts().assign(
            table=lambda d: [i18n.label("table", x, lang) for x in d["table"]],
            reason=lambda d: [i18n.label("reason", x, lang) for x in d["reason"]],
            action=lambda d: [i18n.label("ledger.action", x, lang) for x in d["action"]],
        )
    )
    counts = counts.drop(columns=[c for c in ("file",) if c in counts.columns])
    headers = {k: i18n.t(f"ledger.col.{k}", lang) for k in ("table", "reason", "action", "count")}
    ctx.doc.table(counts.rename(columns=headers))
