"""Several files for one table: a monthly export, or exports that overlap.

A records system often exports one file per month, or per year, or two exports
that overlap by a few weeks. ``path`` in ``[data.<table>]`` may then be a list
or a glob (``path = "exports/*.csv"``): :func:`diagnostic_lib.config.expand_paths`
finds the files in a stable order (sorted by name), each file is loaded on its own (so that every
ledger line keeps its own file and row), and :func:`combine_files` puts the
tables together:

* the combined table has a ``source_file`` column beside ``source_row``;
* an id already seen in an earlier file with the same content is the same record
  exported twice (overlapping exports): the later row is rejected as
  ``duplicate_across_files``;
* an id already seen with other content is another record: it is kept, renamed
  ``<id>~<file>`` and flagged ``id_conflict``;
* for sectors and populations, any repeated id is rejected (a sector drawn twice,
  a population given twice: the first file wins).
"""

from __future__ import annotations

from collections.abc import Sequence
from pathlib import Path

import numpy as np
import pandas as pd

from ..ledger import Ledger

ID_COLUMNS: dict[str, str] = {
    "incidents": "incident_id",
    "sectors": "sector_id",
    "measures": "measure_id",
    "survey": "respondent_id",
    "partners": "partner_id",
    "places": "place_id",
    "walks": "observation_id",
    "population": "sector_id",
}
"""The id column of each canonical table."""

ONE_ROW_PER_ID: frozenset[str] = frozenset({"sectors", "population"})
"""Tables where a repeated id in a later file is rejected whatever its content (a sector
drawn twice, a population given twice: the first file wins)."""


def combine_files(
    parts: Sequence[tuple[str, pd.DataFrame, Ledger]], table: str
) -> tuple[pd.DataFrame, Ledger]:
    """Put per-file tables together (see the module documentation).

    Parameters
    ----------
    parts : sequence of (file, table, ledger)
        Each file's name, its loaded table and its ledger, in reading order.
    table : str
        The canonical table (``incidents``, ``sectors``…).

    Returns
    -------
    (DataFrame, Ledger)
        The combined table (index 0..n-1, with ``source_file``) and one ledger
        holding every file's lines, rows dropped here included.

    Examples
    --------
    >>> import pandas as pd
    >>> from diagnostic_lib.ledger import Ledger
    >>> def part(file, ids, cats):
    ...     led = Ledger()
    ...     led.register("incidents", file, len(ids))
    ...     df = pd.DataFrame({"incident_id": ids, "category": cats,
    ...                        "source_row": range(2, 2 + len(ids))})
    ...     led.count_kept("incidents", file, len(df))
    ...     return file, df, led
    >>> out, led = combine_files(
    ...     [part("jan.csv", ["1", "2"], ["theft", "theft"]),
    ...      part("feb.csv", ["2", "3"], ["theft", "mischief"])], "incidents")
    >>> out[["incident_id", "source_file"]].values.tolist()
    [['1', 'jan.csv'], ['2', 'jan.csv'], ['3', 'feb.csv']]
    >>> led.entries[["file", "row", "reason"]].values.tolist()
    [['feb.csv', 2, 'duplicate_across_files']]
    """
    ledger = Ledger()
    id_col = ID_COLUMNS.get(table)
    seen: dict[str, tuple[int, int]] = {}  # id -> (part, position) where it first appeared
    frames: list[pd.DataFrame] = []
    for part_no, (file, frame, led) in enumerate(parts):
        ledger.extend(led)
        frame = frame.assign(source_file=file)
        if id_col is None or id_col not in frame.columns or not len(frame):
            frames.append(frame)
            continue
        ids = frame[id_col].astype("str").to_numpy(dtype=object)
        repeat = np.array([i in seen for i in ids], dtype=bool)
        drop = np.zeros(len(frame), dtype=bool)
        renamed = ids.copy()
        if repeat.any():
            mine = _content(frame.iloc[np.flatnonzero(repeat)])
            for k, content in zip(np.flatnonzero(repeat), mine, strict=True):
                first_part, first_pos = seen[ids[k]]
                earlier = parts[first_part][1]  # as loaded: positions unchanged
                same = _content(earlier.iloc[[first_pos]])[0] == content
                if table in ONE_ROW_PER_ID or same:
                    drop[k] = True
                else:
                    renamed[k] = f"{ids[k]}~{Path(file).stem}"
        fresh = np.flatnonzero(~repeat)
        seen.update(zip(ids[fresh], ((part_no, int(k)) for k in fresh), strict=True))
        _record(ledger, table, file, frame, id_col, ids, repeat & ~drop, drop, seen, parts)
        frames.append(frame.assign(**{id_col: renamed}))
        frames[-1] = frames[-1].iloc[np.flatnonzero(~drop)] if drop.any() else frames[-1]
    out = pd.concat(frames, ignore_index=True) if frames else pd.DataFrame()
    return out, ledger


def _record(  # noqa: PLR0913 - the pieces of one file's ledger lines
    ledger: Ledger,
    table: str,
    file: str,
    frame: pd.DataFrame,
    id_col: str,
    ids: np.ndarray,
    conflict: np.ndarray,
    drop: np.ndarray,
    seen: dict[str, tuple[int, int]],
    parts: Sequence[tuple[str, pd.DataFrame, Ledger]],
) -> None:
    """Ledger lines of one file's ids already seen in an earlier file."""
    rows = frame["source_row"].to_numpy()
    first = np.array([f"first in {parts[seen[i][0]][0]}" for i in ids[conflict | drop]])
    if conflict.any():
        det = first[conflict[conflict | drop]]
        ledger.add(
            table, file, rows[conflict], id_col, "id_conflict", "flagged", ids[conflict], det
        )
    if drop.any():
        reason = "id_duplicate" if table in ONE_ROW_PER_ID else "duplicate_across_files"
        det = first[drop[conflict | drop]]
        ledger.add(table, file, rows[drop], id_col, reason, "rejected", ids[drop], det)
        ledger.count_kept(table, file, int((~drop).sum()))


_MISSING = "\x00missing"
"""A missing value in :func:`_content` (no text of a file is it)."""


def _content(frame: pd.DataFrame) -> list[tuple]:
    """Each row's content for comparison: every column but where it came from.

    A missing value is a value like any other here (NaN is not equal to itself:
    two copies of a row with an empty field would read as different records), and
    a date is its instant, whatever the other rows of the frame.
    """
    cols = [c for c in frame.columns if c not in ("source_row", "source_file")]
    values = []
    for c in cols:
        s = frame[c]
        if c == "geometry":
            values.append([g.wkb_hex if g is not None else "" for g in s])
        elif pd.api.types.is_datetime64_any_dtype(s):
            # the instant itself: as text, pandas writes midnight as a bare date when
            # every row of the frame is at midnight, so one row alone reads otherwise
            values.append(s.to_numpy(dtype="datetime64[us]").view("int64").tolist())
        else:
            values.append(s.astype("str").fillna(_MISSING).to_numpy(dtype=object))
    return list(zip(*values, strict=True)) if values else [() for _ in range(len(frame))]
