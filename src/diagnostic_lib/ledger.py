"""The data-quality ledger: every input row is kept or rejected, with a reason.

A :class:`Ledger` records, for each file a loader read, how many rows came in,
how many were kept and how many rejected, and one entry for every rejected,
flagged or repaired row with the reason, the file, the row number and the column.
It always balances: ``rows_in == rows_kept + rows_rejected``.

Row numbers are those a user sees in a spreadsheet: for a CSV or Excel file the
header is row 1, so the first record is row 2. For GIS files (GeoJSON,
GeoPackage, Shapefile, Parquet) the first feature is row 1.

Actions
-------
``rejected``
    The row is not in the loaded table.
``flagged``
    The row is kept, but something is wrong with it (e.g. no position: it counts
    in the totals but stays off the maps).
``repaired``
    The row is kept after a repair (e.g. an invalid polygon made valid).

Examples
--------
>>> from diagnostic_lib.ledger import Ledger
>>> led = Ledger()
>>> led.register("incidents", "a.csv", rows_in=3)
>>> led.add("incidents", "a.csv", rows=[2], column="date", reason="date_unparseable",
...         action="rejected", values=["31/02/2025"])
>>> led.files[["rows_in", "rows_kept", "rows_rejected"]].iloc[0].tolist()
[3, 2, 1]
>>> led.is_balanced()
True
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping
from os import PathLike
from pathlib import Path

import numpy as np
import pandas as pd

from . import formatting as fmt
from . import i18n
from .ledger_details import details_in
from .spreadsheet import safe_frame

ACTIONS: tuple[str, ...] = ("rejected", "flagged", "repaired")
REASONS: frozenset[str] = frozenset(
    k.split(".", 1)[1] for k in i18n.LABELS if k.startswith("reason.")
)
"""Known reason codes: every one has a French and English label (``i18n``)."""
ENTRY_COLUMNS: tuple[str, ...] = (
    "table",
    "file",
    "row",
    "column",
    "reason",
    "action",
    "value",
    "detail",
)
FILE_COLUMNS: tuple[str, ...] = (
    "table",
    "file",
    "rows_in",
    "rows_kept",
    "rows_rejected",
    "rows_flagged",
)


class Ledger:
    """A data-quality ledger (see the module documentation).

    Entries are added in bulk (vectorised), so recording a million flags costs
    one DataFrame, not a million Python objects.
    """

    def __init__(self) -> None:
        self._chunks: list[pd.DataFrame] = []
        self._registered: dict[tuple[str, str], int] = {}
        self._kept: dict[tuple[str, str], int] = {}
        self._cache: pd.DataFrame | None = None
        self._notes: list[tuple[str, str, str, str]] = []

    # -- recording ------------------------------------------------------------
    def register(self, table: str, file: str, rows_in: int) -> None:
        """Declare that ``rows_in`` rows were read from ``file`` for ``table``."""
        self._registered[(table, str(file))] = int(rows_in)

    def count_kept(self, table: str, file: str, rows_kept: int) -> None:
        """Record how many rows of ``file`` the loaded table actually holds.

        The balance is then checked against this count, made on the table the
        loader returned, instead of being deduced from the rejections (which
        would make ``rows_in == kept + rejected`` true by construction, and a
        row lost without an entry invisible).

        Examples
        --------
        >>> led = Ledger()
        >>> led.register("incidents", "a.csv", 3)
        >>> led.is_balanced()
        True
        >>> led.count_kept("incidents", "a.csv", 2)  # one row vanished, no entry says why
        >>> led.is_balanced()
        False
        """
        self._kept[(table, str(file))] = int(rows_kept)

    def add(
        self,
        table: str,
        file: str,
        rows: Iterable[int] | np.ndarray | pd.Series,
        column: str | None,
        reason: str,
        action: str,
        values: Iterable[object] | None = None,
        detail: str | Iterable[str] = "",
    ) -> None:
        """Record one entry per row.

        Parameters
        ----------
        table, file : str
            Canonical table name and the file the rows came from.
        rows : array-like of int
            Row numbers (spreadsheet convention, see the module documentation).
        column : str or None
            The source column at fault (``None`` for whole-row reasons).
        reason : str
            A reason code; its label is ``i18n.t("reason.<code>")``.
        action : {"rejected", "flagged", "repaired"}
        values : array-like, optional
            The offending values, shown as text.
        detail : str or array-like of str
            Free text (English) with more context.
        """
        if action not in ACTIONS:
            raise ValueError(f"action must be one of {ACTIONS}, got {action!r}")
        if reason not in REASONS:
            raise ValueError(
                f"unknown reason {reason!r}: add a 'reason.{reason}' label to i18n.LABELS"
            )
        rows_arr = np.asarray(rows, dtype="int64").ravel()
        n = len(rows_arr)
        if n == 0:
            return
        if values is None:
            vals = pd.Series([""] * n, dtype="str")
        else:
            vals = pd.Series(np.asarray(list(values), dtype=object)).astype("str").str.slice(0, 200)
        if isinstance(detail, str):
            det = pd.Series([detail] * n, dtype="str")
        else:
            det = pd.Series(list(detail), dtype="str")
        chunk = pd.DataFrame(
            {
                "table": pd.Series([table] * n, dtype="str"),
                "file": pd.Series([str(file)] * n, dtype="str"),
                "row": rows_arr,
                "column": pd.Series([column or ""] * n, dtype="str"),
                "reason": pd.Series([reason] * n, dtype="str"),
                "action": pd.Series([action] * n, dtype="str"),
                "value": vals.to_numpy(),
                "detail": det.to_numpy(),
            }
        )
        self._chunks.append(chunk)
        self._cache = None

    def note(self, table: str, file: str, message_fr: str, message_en: str) -> None:
        """Record a file-level note (encoding detected, CRS assumed, ...), in both languages."""
        self._notes.append((table, str(file), message_fr, message_en))

    def notes(self, lang: str = "fr") -> pd.DataFrame:
        """File-level notes in one language: table, file, note."""
        i = i18n.LANGS.index(i18n.check_lang(lang))
        return pd.DataFrame(
            [(tb, f, (fr, en)[i]) for tb, f, fr, en in self._notes],
            columns=["table", "file", "note"],
        )

    def extend(self, other: Ledger) -> Ledger:
        """Add all entries, files and notes of ``other`` to this ledger; return self."""
        self._chunks.extend(other._chunks)
        self._registered.update(other._registered)
        self._kept.update(other._kept)
        self._notes.extend(other._notes)
        self._cache = None
        return self

    def withdraw(
        self, table: str, file: str, rows: Iterable[int] | np.ndarray | pd.Series, reason: str
    ) -> Ledger:
        """Remove the entries of ``reason`` for these rows of a file, made moot by a later step.

        E.g. a sector flagged ``population_missing`` by the sectors loader whose
        residents a population table then gave. Return self.

        Examples
        --------
        >>> led = Ledger()
        >>> led.register("sectors", "s.geojson", 2)
        >>> led.add("sectors", "s.geojson", [1, 2], "population", "population_missing", "flagged")
        >>> led.withdraw("sectors", "s.geojson", [1], "population_missing").entries["row"].tolist()
        [2]
        """
        drop = set(np.asarray(rows, dtype="int64").ravel().tolist())
        if not drop:
            return self
        self._chunks = [
            c[
                ~(
                    (c["table"] == table)
                    & (c["file"] == str(file))
                    & (c["reason"] == reason)
                    & c["row"].isin(drop)
                ).to_numpy()
            ]
            for c in self._chunks
        ]
        self._cache = None
        return self

    # -- views ----------------------------------------------------------------
    def rename_files(self, names: Mapping[str, str]) -> Ledger:
        """Show files under other names (e.g. relative to the config); return self.

        A ledger read by partners must not show the paths of the analyst's machine:
        :func:`~diagnostic_lib.loaders.load_diagnostic` names each file relative to
        its config.

        Examples
        --------
        >>> led = Ledger()
        >>> led.register("incidents", "/home/ana/exports/a.csv", 3)
        >>> led.rename_files({"/home/ana/exports/a.csv": "exports/a.csv"}).files["file"].tolist()
        ['exports/a.csv']
        """
        names = {str(k): str(v) for k, v in names.items()}

        def rename(f: str) -> str:
            return names.get(f, f)

        self._chunks = [c.assign(file=c["file"].map(rename)) for c in self._chunks]
        self._registered = {(t, rename(f)): n for (t, f), n in self._registered.items()}
        self._kept = {(t, rename(f)): n for (t, f), n in self._kept.items()}
        self._notes = [(t, rename(f), fr, en) for t, f, fr, en in self._notes]
        self._cache = None
        return self

    @property
    def entries(self) -> pd.DataFrame:
        """All entries, sorted by table, file and row."""
        if self._cache is None:
            if self._chunks:
                df = pd.concat(self._chunks, ignore_index=True)
                df = df.sort_values(["table", "file", "row", "column"], kind="stable")
                df = df.reset_index(drop=True)
            else:
                df = pd.DataFrame(
                    {c: pd.Series(dtype="int64" if c == "row" else "str") for c in ENTRY_COLUMNS}
                )
            self._cache = df
        return self._cache

    def rejected_rows(self, table: str, file: str) -> np.ndarray:
        """Unique row numbers rejected from one file."""
        e = self.entries
        m = (e["table"] == table) & (e["file"] == str(file)) & (e["action"] == "rejected")
        return np.unique(e.loc[m, "row"].to_numpy())

    @property
    def files(self) -> pd.DataFrame:
        """Per file: rows in, kept, rejected and flagged (kept rows with a flag).

        ``rows_kept`` is the count made on the loaded table (:meth:`count_kept`),
        or, for a file whose table was not counted, ``rows_in`` minus the rejected.
        """
        e = self.entries
        out = []
        for (table, file), rows_in in self._registered.items():
            sel = e[(e["table"] == table) & (e["file"] == file)]
            rej = sel.loc[sel["action"] == "rejected", "row"].unique()
            flagged = sel.loc[sel["action"] != "rejected", "row"].unique()
            flagged = np.setdiff1d(flagged, rej)
            out.append(
                {
                    "table": table,
                    "file": file,
                    "rows_in": rows_in,
                    "rows_kept": self._kept.get((table, file), rows_in - len(rej)),
                    "rows_rejected": len(rej),
                    "rows_flagged": len(flagged),
                }
            )
        if not out:
            return pd.DataFrame(
                {
                    c: pd.Series(dtype="str" if c in ("table", "file") else "int64")
                    for c in FILE_COLUMNS
                }
            )
        return pd.DataFrame(out, columns=list(FILE_COLUMNS))

    def counts(self) -> pd.DataFrame:
        """Number of rows per table, file, reason and action."""
        e = self.entries
        if e.empty:
            return pd.DataFrame(columns=["table", "file", "reason", "action", "count"])
        return (
            e.groupby(["table", "file", "reason", "action"], sort=True)["row"]
            .nunique()
            .rename("count")
            .reset_index()
        )

    def is_balanced(self) -> bool:
        """Whether the ledger balances.

        Returns
        -------
        bool
            True when every file has ``rows_in == rows_kept + rows_rejected`` and no
            entry points outside a registered file.
        """
        f = self.files
        ok = bool((f["rows_in"] == f["rows_kept"] + f["rows_rejected"]).all())
        keys = set(self._registered)
        e = self.entries
        if not e.empty:
            seen = set(zip(e["table"], e["file"], strict=True))
            ok = ok and seen <= keys
        return ok

    # -- output ---------------------------------------------------------------
    def failures(self, max_rejected_share: float) -> pd.DataFrame:
        """The files that fail validation: no row kept, or too many rows rejected.

        Parameters
        ----------
        max_rejected_share : float
            Largest acceptable share of a file's rows rejected (the
            ``max_rejected_share`` tunable, 5 % by default).

        Returns
        -------
        DataFrame
            The rows of :attr:`files` that fail, with ``share_rejected`` and
            ``problem`` (``no_row_kept`` or ``too_many_rejected``).

        Examples
        --------
        >>> led = Ledger()
        >>> led.register("incidents", "a.csv", 10)
        >>> led.add("incidents", "a.csv", rows=[2], column="date", reason="date_unparseable",
        ...         action="rejected")
        >>> led.failures(0.05)["problem"].tolist(), led.failures(0.2).empty
        (['too_many_rejected'], True)
        """
        f = self.files
        share = f["rows_rejected"] / f["rows_in"].where(f["rows_in"] > 0)
        f = f.assign(share_rejected=share.fillna(0.0))
        none_kept = f["rows_kept"] == 0
        too_many = f["share_rejected"] > max_rejected_share
        f["problem"] = np.where(none_kept, "no_row_kept", "too_many_rejected")
        return f[none_kept | too_many].reset_index(drop=True)

    def first_rejections(self, n: int = 10, lang: str = "fr") -> pd.DataFrame:
        """The first ``n`` rejected rows, with their file, row, column, value and reason.

        Examples
        --------
        >>> led = Ledger()
        >>> led.register("incidents", "a.csv", 10)
        >>> led.add("incidents", "a.csv", rows=[2], column="date", reason="date_unparseable",
        ...         action="rejected", values=["31/02/2024"])
        >>> led.first_rejections(lang="en").iloc[0].astype(str).tolist()
        ['Incidents', 'a.csv', '2', 'date', '31/02/2024', 'unparseable date']
        """
        e = self.entries
        e = e[e["action"] == "rejected"].head(n)
        out = pd.DataFrame(
            {
                "table": [i18n.label("table", x, lang) for x in e["table"]],
                "file": e["file"].to_numpy(),
                "row": e["row"].to_numpy(),
                "column": e["column"].fillna("").to_numpy(),
                "value": e["value"].fillna("").astype(str).to_numpy(),
                "reason": [i18n.label("reason", x, lang) for x in e["reason"]],
            }
        )
        return out.rename(columns={k: i18n.t(f"ledger.col.{k}", lang) for k in out.columns})

    def summary_table(self, lang: str = "fr") -> pd.DataFrame:
        """Counts per file and reason, with translated labels, for display."""
        c = self.counts()
        if c.empty:
            return pd.DataFrame(
                columns=[
                    i18n.t(f"ledger.col.{k}", lang)
                    for k in ("table", "file", "reason", "action", "count")
                ]
            )
        c = c.assign(
            table=[i18n.label("table", x, lang) for x in c["table"]],
            reason=[i18n.label("reason", x, lang) for x in c["reason"]],
            action=[i18n.t(f"ledger.action.{x}", lang) for x in c["action"]],
        )
        return c.rename(columns={k: i18n.t(f"ledger.col.{k}", lang) for k in c.columns})

    def files_table(self, lang: str = "fr") -> pd.DataFrame:
        """Per-file totals with translated headers, for display."""
        f = self.files.assign(table=lambda d: [i18n.label("table", x, lang) for x in d["table"]])
        return f.rename(columns={k: i18n.t(f"ledger.col.{k}", lang) for k in f.columns})

    def summary(self, lang: str = "fr") -> str:
        """A plain-text summary (French or English).

        Examples
        --------
        >>> led = Ledger(); led.register("sectors", "s.geojson", 2)
        >>> print(led.summary("en"))
        Data-quality ledger
        Sectors — s.geojson: 2 rows read, 2 rows kept, 0 rows rejected, 0 rows flagged
          No problem found.
        Balanced: read = kept + rejected
        """
        lines = [i18n.t("ledger.title", lang)]
        counts = self.counts()
        for rec in self.files.itertuples(index=False):
            head = i18n.t(
                "ledger.summary.header",
                lang,
                table=i18n.label("table", rec.table, lang),
                file=Path(rec.file).name,
            )
            parts = [
                i18n.t("ledger.summary.read", lang, n=fmt.integer(rec.rows_in, lang)),
                i18n.t("ledger.summary.kept", lang, n=fmt.integer(rec.rows_kept, lang)),
                i18n.t("ledger.summary.rejected", lang, n=fmt.integer(rec.rows_rejected, lang)),
                i18n.t("ledger.summary.flagged", lang, n=fmt.integer(rec.rows_flagged, lang)),
            ]
            lines.append(head + i18n.t("punct.colon", lang) + ", ".join(parts))
            for nt in self.notes(lang).itertuples(index=False):
                if nt.table == rec.table and nt.file == rec.file:
                    lines.append(f"  · {nt.note}")
            sel = (
                counts[(counts["table"] == rec.table) & (counts["file"] == rec.file)]
                if not counts.empty
                else counts
            )
            if len(sel) == 0:
                lines.append("  " + i18n.t("ledger.summary.none", lang))
            for r in sel.itertuples(index=False):
                reason = i18n.label("reason", r.reason, lang)
                action = i18n.t(f"ledger.action.{r.action}", lang)
                lines.append(f"  - {reason} [{action}]: {fmt.integer(r.count, lang)}")
        if self.is_balanced():
            lines.append(i18n.t("ledger.summary.ok", lang))
        return "\n".join(lines)

    def to_csv(self, path: str | PathLike[str], lang: str | None = None) -> Path:
        """Write every entry to CSV (UTF-8 with BOM, so Excel opens it correctly).

        With ``lang`` given, a ``reason_label`` column in that language is added and the
        details are written in it (:func:`diagnostic_lib.ledger_details.details_in`).
        """
        e = self.entries
        if lang is not None:
            e = e.assign(
                reason_label=[i18n.label("reason", x, lang) for x in e["reason"]],
                detail=details_in(e["detail"], lang),
            )
        p = Path(path)
        p.parent.mkdir(parents=True, exist_ok=True)
        safe_frame(e).to_csv(p, index=False, encoding="utf-8-sig")
        return p

    def __repr__(self) -> str:
        f = self.files
        rows_in = int(f["rows_in"].sum()) if len(f) else 0
        rejected = int(f["rows_rejected"].sum()) if len(f) else 0
        return (
            f"<Ledger files={len(f)} rows_in={rows_in} rejected={rejected} "
            f"entries={len(self.entries)}>"
        )

    def _repr_html_(self) -> str:  # pragma: no cover - notebook display
        return self.files_table().to_html(index=False) + self.summary_table().to_html(index=False)
