"""The per-file working context every loader shares, and what a loader returns.

Loading a file goes through the same steps whatever the table: open the source
(:func:`_open`, a path or a frame), then work on a :class:`_Ctx` that holds
the raw table, the column mapping and the ledger, and a mask ``alive`` of the
rows still kept. Every check is a vectorised mask handed to
:meth:`_Ctx.reject` (the row leaves the table) or :meth:`_Ctx.flag` (the row
stays, with a remark); both record one ledger entry per row, naming the
source column. A row already rejected is never recorded again, so each rejected
row has exactly one reason, and the ledger balances by construction
(:func:`_check_balance` asserts it before a loader returns).

Examples
--------
>>> import pandas as pd
>>> from diagnostic_lib.ledger import Ledger
>>> raw = _open(pd.DataFrame({"a": ["x", "", "x"]}), "places", None, None, None, None)
>>> ctx = _Ctx("places", raw, {"name": "a"}, Ledger())
>>> ctx.reject_empty_rows(); ctx.reject_exact_duplicates("reject")
>>> ctx.alive.tolist(), ctx.ledger.entries["reason"].tolist()
([True, False, False], ['empty_row', 'duplicate_exact'])
"""

from __future__ import annotations

from dataclasses import dataclass, field, replace
from os import PathLike
from pathlib import Path
from typing import Any, NamedTuple

import numpy as np
import pandas as pd

from .. import i18n
from .._text import all_distinct, as_text
from ..ledger import Ledger
from ..readers import RawTable, read_table
from .decimal_commas import NUMERIC_FIELDS, repair_decimal_commas

Source = str | PathLike[str] | pd.DataFrame
"""What a loader reads: a path to a file, or a (Geo)DataFrame already in memory."""


class Loaded(NamedTuple):
    """What every loader returns: the canonical table and its ledger."""

    data: pd.DataFrame
    ledger: Ledger


def loaded(data: pd.DataFrame, ledger: Ledger) -> Loaded:
    """A loader's result, with the rows it kept **counted** on the table it returns.

    The count (distinct ``source_row`` values, else rows) goes to
    :meth:`~diagnostic_lib.ledger.Ledger.count_kept` for the file the loader
    registered, so that a row lost without a ledger entry unbalances the ledger
    instead of being deduced away.

    Parameters
    ----------
    data : DataFrame
        The canonical table.
    ledger : Ledger
        The loader's ledger (one registered file).

    Returns
    -------
    Loaded

    Examples
    --------
    >>> led = Ledger()
    >>> led.register("places", "p.csv", 3)
    >>> r = loaded(pd.DataFrame({"source_row": [2, 3]}), led)  # a row lost, no entry
    >>> int(r.ledger.files["rows_kept"].iloc[0]), r.ledger.is_balanced()
    (2, False)
    """
    files = list(ledger._registered)
    if len(files) == 1:
        kept = data["source_row"].nunique() if "source_row" in data.columns else len(data)
        ledger.count_kept(*files[0], int(kept))
    return Loaded(data, ledger)


@dataclass
class _Ctx:
    """The working state of one file being loaded (see the module documentation).

    Attributes
    ----------
    table : str
        The canonical table (``incidents``, ``sectors``…).
    raw : RawTable
        The file as read.
    fields : dict
        Canonical field → source column (see :mod:`.columns`).
    ledger : Ledger
        Where every rejected, flagged or repaired row is recorded.
    alive : numpy.ndarray of bool
        The rows still kept.
    """

    table: str
    raw: RawTable
    fields: dict[str, str]
    ledger: Ledger
    alive: np.ndarray = field(init=False)

    def __post_init__(self) -> None:
        self._text: dict[str, pd.Series] = {}
        self._distinct: set[str] = set()  # see distinct()
        numeric = [self.fields[f] for f in NUMERIC_FIELDS if f in self.fields]
        _, repaired = repair_decimal_commas(self.raw, numeric)
        self.alive = np.ones(len(self.raw.frame), dtype=bool)
        self.ledger.register(self.table, self.raw.file, self.raw.rows_in)
        if repaired:
            self.flag(
                np.isin(self.raw.rows, repaired),
                None,
                "decimal_comma_repaired",
                action="repaired",
                detail="a decimal comma read as a separator: the two fields joined",
            )
        if self.raw.malformed:
            rows = [r for r, _ in self.raw.malformed]
            self.ledger.add(
                self.table,
                self.raw.file,
                rows,
                None,
                "malformed_row",
                "rejected",
                values=[t for _, t in self.raw.malformed],
                detail=(
                    f"expected {len(self.raw.frame.columns)} fields separated by {self.raw.sep!r}"
                ),
            )
        for reason in ("nul_byte", "encoding_repaired", "formula_no_value", "field_too_long"):
            found = [(r, a, t) for r, why, a, t in self.raw.line_issues if why == reason]
            if not found:
                continue
            if reason == "field_too_long":  # text is "<column>: <length>"
                for col in dict.fromkeys(t.rsplit(": ", 1)[0] for _, _, t in found):
                    mine = [(r, t) for r, _, t in found if t.rsplit(": ", 1)[0] == col]
                    self.ledger.add(
                        self.table,
                        self.raw.file,
                        [r for r, _ in mine],
                        col,
                        reason,
                        "rejected",
                        values=[f"{int(t.rsplit(': ', 1)[1]):,} car./chars" for _, t in mine],
                    )
            elif found[0][1] == "rejected":  # the line is not in the frame
                self.ledger.add(
                    self.table,
                    self.raw.file,
                    [r for r, _, _ in found],
                    None,
                    reason,
                    "rejected",
                    values=[t for _, _, t in found],
                )
            else:
                self.flag(np.isin(self.raw.rows, [r for r, _, _ in found]), None, reason)
        if getattr(self.raw, "unbalanced", None):
            self.ledger.add(
                self.table,
                self.raw.file,
                [r for r, _ in self.raw.unbalanced],
                None,
                "quote_unbalanced",
                "rejected",
                values=[t for _, t in self.raw.unbalanced],
                detail="a quote opened on this line does not close; later lines read on their own",
            )

    @property
    def file(self) -> str:
        return self.raw.file

    def chunk(self, lo: int, hi: int) -> _Ctx:
        """The rows ``lo:hi`` as a context of their own, for the row-local stages.

        It shares the ledger and the mapping, and its ``alive`` is a view of this
        context's: a row it rejects is rejected here. The file-level work of
        :meth:`__post_init__` (registration, line issues) is not repeated, and its
        text cache is its own (freed with it).
        """
        sub = object.__new__(_Ctx)
        sub.table, sub.fields, sub.ledger = self.table, self.fields, self.ledger
        geometry = self.raw.geometry
        sub.raw = replace(
            self.raw,
            frame=self.raw.frame.iloc[lo:hi].reset_index(drop=True),
            rows=self.raw.rows[lo:hi],
            geometry=None if geometry is None else geometry.iloc[lo:hi].reset_index(drop=True),
        )
        sub.alive = self.alive[lo:hi]
        sub._text = {}
        return sub

    @property
    def rows(self) -> np.ndarray:
        return self.raw.rows

    def has(self, fld: str) -> bool:
        return fld in self.fields

    def src(self, fld: str) -> str:
        return self.fields.get(fld, fld)

    def col(self, fld: str) -> pd.Series:
        return self.raw.frame[self.fields[fld]]

    def text(self, fld: str) -> pd.Series:
        if fld not in self.fields:
            return pd.Series([""] * len(self.raw.frame), dtype="str")
        # the same column is read as text several times; the source does not change
        if fld not in self._text:
            self._text[fld] = as_text(self.col(fld))
        return self._text[fld]

    def distinct(self, fld: str) -> bool:
        """Whether the living rows' text of ``fld`` is all distinct (blanks equal each other).

        Remembered once true: rows are only ever rejected, so it stays true of the
        rows left. A field of distinct values (an id) makes every row distinct, and
        its kept values need no second look (factorising 5M ids took 1–3 s).
        """
        if fld in self._distinct:
            return True
        if not self.has(fld) or not all_distinct(self.text(fld), where=self.alive):
            return False
        self._distinct.add(fld)
        return True

    def reject(
        self, mask: np.ndarray, fld: str | None, reason: str, values: Any = None, detail: Any = ""
    ) -> None:
        m = np.asarray(mask, dtype=bool) & self.alive
        if m.any():
            vals = None if values is None else _picked(values, m)
            det = detail if isinstance(detail, str) else _picked(detail, m)
            self.ledger.add(
                self.table,
                self.file,
                self.rows[m],
                self.src(fld) if fld else None,
                reason,
                "rejected",
                vals,
                det,
            )
            self.alive &= ~m

    def flag(
        self,
        mask: np.ndarray,
        fld: str | None,
        reason: str,
        values: Any = None,
        detail: Any = "",
        action: str = "flagged",
    ) -> None:
        m = np.asarray(mask, dtype=bool) & self.alive
        if m.any():
            vals = None if values is None else _picked(values, m)
            det = detail if isinstance(detail, str) else _picked(detail, m)
            self.ledger.add(
                self.table,
                self.file,
                self.rows[m],
                self.src(fld) if fld else None,
                reason,
                action,
                vals,
                det,
            )

    def note(self, key: str, **values: Any) -> None:
        """Record a file-level note: a label of the catalogue, in both languages."""
        fr, en = (i18n.t(key, lang, **values) for lang in ("fr", "en"))
        self.ledger.note(self.table, self.file, fr, en)

    def reject_empty_rows(self) -> None:
        f = self.raw.frame
        if f.shape[1] == 0 or len(f) == 0:
            return
        empty = np.ones(len(f), dtype=bool)
        for c in f.columns:  # only the rows still empty so far are looked at
            cand = np.flatnonzero(empty)
            if not len(cand):
                break
            empty[cand] = (as_text(f[c].iloc[cand]) == "").to_numpy()
        if self.raw.geometry is not None:
            empty &= self.raw.geometry.isna().to_numpy() | self.raw.geometry.is_empty.to_numpy()
        self.reject(empty, None, "empty_row")

    def reject_exact_duplicates(self, policy: str, identified: str = "") -> None:
        """Reject or flag identical rows (the later ones of each group).

        ``reject`` or ``flag`` (and keep) them all; ``auto`` rejects them where the
        field ``identified`` holds an id (the same record twice) and flags them where
        it is blank (snapped positions and coarse dates make distinct events look alike).
        """
        f = self.raw.frame
        if len(f) == 0 or (identified and self.distinct(identified)):
            return  # no two rows alike: their ids differ
        key = f
        if self.raw.geometry is not None:
            key = f.assign(__geom__=self.raw.geometry.to_wkb(hex=True).fillna("").to_numpy())
        if not self.alive.all():  # a copy of every column only when some rows are gone
            key = key.loc[self.alive]
        if len(key) == 0:
            return
        group = _row_groups(key)
        if group is None:  # a column of distinct values: no two rows can be equal
            return
        dup_local = pd.Series(group).duplicated(keep="first").to_numpy()
        if not dup_local.any():
            return
        codes = group
        _, first_idx = np.unique(codes, return_index=True)
        alive_pos = np.flatnonzero(self.alive)
        first_rows = self.rows[alive_pos[first_idx[codes[dup_local]]]]
        mask = np.zeros(len(f), dtype=bool)
        idx = alive_pos[dup_local]
        mask[idx] = True
        detail = np.full(len(f), "", dtype=object)
        detail[idx] = (
            pd.Series(first_rows).astype("str").radd("same as row ").to_numpy(dtype=object)
        )
        if policy == "flag":
            self.flag(mask, None, "duplicate_exact_kept", detail=detail)
        elif policy == "reject":
            self.reject(mask, None, "duplicate_exact", detail=detail)
        else:  # "auto": one record twice where an id says so, else maybe distinct events
            ided = self.text(identified).to_numpy(dtype=object) != ""
            self.reject(mask & ided, None, "duplicate_exact", detail=detail)
            self.flag(mask & ~ided, None, "duplicate_exact_kept", detail=detail)

    def ids(self, fld: str, prefix: str, rename_conflicts: bool = True) -> np.ndarray:
        """Ids of every row: given ones, generated where missing, conflicts resolved."""
        stem = prefix or Path(self.file).stem

        def generated(rows: np.ndarray) -> np.ndarray:
            return (pd.Series(rows).astype("str").radd(f"{stem}-")).to_numpy(dtype=object)

        if not self.has(fld):
            return generated(self.rows)
        given = self.text(fld).to_numpy(dtype=object)
        missing = given == ""
        self.flag(missing, fld, "id_missing", detail="generated from the row number")
        ids = given.copy()
        if missing.any():
            ids[missing] = generated(self.rows[missing])
        alive_ids = pd.Series(ids[self.alive])
        dup = alive_ids.duplicated(keep=False).to_numpy()
        if dup.any():
            positions = np.flatnonzero(self.alive)[dup]
            if rename_conflicts:
                mask = np.zeros(len(ids), dtype=bool)
                mask[positions] = True
                self.flag(
                    mask,
                    fld,
                    "id_conflict",
                    values=ids,
                    detail="same id as another row with different content",
                )
                order = alive_ids.groupby(alive_ids.to_numpy()).cumcount().to_numpy()
                later = np.flatnonzero(self.alive)[order > 0]
                ids[later] = [
                    f"{ids[i]}~{k + 1}" for i, k in zip(later, order[order > 0], strict=True)
                ]
            else:
                later_local = alive_ids.duplicated(keep="first").to_numpy()
                mask = np.zeros(len(ids), dtype=bool)
                mask[np.flatnonzero(self.alive)[later_local]] = True
                self.reject(mask, fld, "id_duplicate", values=ids)
        return ids


def _picked(values: Any, mask: np.ndarray) -> np.ndarray:
    """``values[mask]`` as objects; only the picked cells of a Series become Python objects."""
    if isinstance(values, pd.Series):
        return values.iloc[np.flatnonzero(mask)].to_numpy(dtype=object)
    return np.asarray(values, dtype=object)[mask]


def _row_groups(frame: pd.DataFrame) -> np.ndarray | None:
    """One integer per row, equal for rows whose every cell is equal (``None``: all distinct).

    Each column is factorised (text of unhashable cells such as lists); the codes
    are combined column by column and re-factorised to stay small. A column whose
    values are all distinct (an id) settles it at once: no two rows are equal.
    """
    n = len(frame)
    cols = []
    for c in frame.columns:
        col = frame[c]
        try:
            codes, uniq = pd.factorize(col, use_na_sentinel=False)
        except TypeError:  # unhashable cells (lists from GIS files)
            codes, uniq = pd.factorize(col.astype("str"), use_na_sentinel=False)
        if len(uniq) == n:
            return None
        cols.append((codes.astype("int64"), len(uniq)))
    group = np.zeros(n, dtype="int64")
    for codes, k in cols:
        group, _ = pd.factorize(group * max(k, 1) + codes)
        group = group.astype("int64")
    return group


def _open(
    source: Source, table: str, encoding: str | None, sep: str | None, sheet: Any, layer: Any
) -> RawTable:
    if isinstance(source, pd.DataFrame):
        frame = source.reset_index(drop=True)
        geometry = None
        crs = None
        if hasattr(frame, "geometry") and "geometry" in getattr(frame, "columns", []):
            import geopandas as gpd

            if isinstance(frame, gpd.GeoDataFrame):
                geometry = frame.geometry.reset_index(drop=True)
                crs = frame.crs
                frame = pd.DataFrame(frame.drop(columns=frame.geometry.name))
        return RawTable(
            frame,
            np.arange(len(frame), dtype="int64") + 1,
            f"<{table} DataFrame>",
            "frame",
            len(frame),
            [],
            geometry=geometry,
            crs=crs,
        )
    return read_table(source, encoding=encoding, sep=sep, sheet=sheet, layer=layer)


def _file_notes(ctx: _Ctx) -> None:
    """Note the encoding and separator of a CSV file, and the columns nothing reads.

    A column that the config does not map and that the loader does not use is
    listed once per file (*columns not used*), so that a category column left
    unmapped, say, does not pass without a word.
    """
    r = ctx.raw
    if r.format == "csv":
        sep = {"\t": "tab", ";": ";", ",": ",", "|": "|"}.get(r.sep or ",", r.sep)
        ctx.note("loaders.note.encoding", encoding=r.encoding, sep=sep)
        if r.boms_removed:
            ctx.note("loaders.note.boms_removed", n=r.boms_removed)
    if r.header_row > 1:  # a title above the header: not data, and said
        ctx.note("loaders.note.header_row", row=r.header_row, title=r.above_header)
    used = set(ctx.fields.values())
    ignored = [str(c) for c in r.frame.columns if c not in used]
    if ignored:
        shown = ", ".join(ignored[:MAX_IGNORED_SHOWN]) + (
            f", … (+{len(ignored) - MAX_IGNORED_SHOWN})" if len(ignored) > MAX_IGNORED_SHOWN else ""
        )
        ctx.note("loaders.note.columns_ignored", n=len(ignored), columns=shown)


MAX_IGNORED_SHOWN: int = 20
"""Ignored columns named one by one in the ledger's note (the rest are counted)."""


def _check_balance(ledger: Ledger, table: str, file: str, kept: int) -> None:
    f = ledger.files
    rec = f[(f["table"] == table) & (f["file"] == file)].iloc[0]
    if int(rec["rows_kept"]) != kept:  # pragma: no cover - an internal bug, never user input
        raise AssertionError(
            f"ledger out of balance for {file}: ledger says {rec['rows_kept']} kept, "
            f"table has {kept}"
        )
