"""The data-quality ledger, last section of the report.

Files read and rows kept, rejected or flagged, with their reasons; the public
version shows the counts by reason (small ones suppressed), the internal one
the ledger's own tables (the row-by-row entries go to the workbook).
"""

from __future__ import annotations

from pathlib import Path

from ... import i18n
from ...loaders import Diagnostic
from .context import _L, SectionContext


def _section_ledger(ctx: SectionContext, diag: Diagnostic) -> None:
    doc, lang, tables, pub = ctx.doc, ctx.lang, ctx.tables, ctx.pub
    public = ctx.public
    doc.heading(i18n.t("ledger.title", lang))
    if public:
        files = pub(diag.ledger.files.assign(table=lambda d: [i18n.label("table", x, lang) for x in d["table"]],
                                             file=lambda d: [Path(f).name for f in d["file"]]))  # fmt: skip
        doc.table(files.rename(columns={k: i18n.t(f"ledger.col.{k}", lang) for k in files.columns}))
        counts = pub(
            diag.ledger.counts().assign(
                reason=lambda d: [i18n.label("reason", x, lang) for x in d["reason"]]
            )
        )
        doc.table(counts.drop(columns=[c for c in ("file",) if c in counts.columns]).rename(
            columns={k: i18n.t(f"ledger.col.{k}", lang) for k in ("table", "reason", "action", "count")}))  # fmt: skip
    else:
        doc.table(diag.ledger.files_table(lang))
        doc.table(diag.ledger.summary_table(lang))
    tables["ledger_files"] = diag.ledger.files
    tables["ledger_counts"] = diag.ledger.counts()
    if not public:
        tables["ledger_entries"] = diag.ledger.entries
        doc.paragraph(_L("Le détail ligne par ligne est dans ledger.csv et dans le classeur.",
                         "Row-by-row details are in ledger.csv and in the workbook.", lang), cls="note")  # fmt: skip
