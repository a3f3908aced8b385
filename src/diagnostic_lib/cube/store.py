"""A cube on disk: its two tables as Parquet and its grid as JSON, in one folder.

:func:`save` writes a cube whole or not at all (a temporary folder renamed into
place) and only when reading it back gives the same cube (:meth:`Cube.equals`);
:func:`load` gives it back, or ``None`` when the folder is absent, partial or
unreadable (the caller then builds the cube again).

Examples
--------
>>> import tempfile, pathlib
>>> from diagnostic_lib.cube.definition import empty
>>> folder = pathlib.Path(tempfile.mkdtemp()) / "cube"
>>> save(empty({"cells": 3}), folder), load(folder).equals(empty({"cells": 3}))
(True, True)
>>> load(folder.parent / "absent") is None
True
"""

from __future__ import annotations

import json
import shutil
import tempfile
from os import PathLike
from pathlib import Path

import pandas as pd

from .definition import LABELS, Cube, text_categories

FORMAT: int = 2
"""Layout of a saved cube (a saved cube of another layout is not read)."""


def save(c: Cube, folder: str | PathLike[str]) -> bool:
    """Write ``c`` in ``folder`` (replaced when present); whether it was written.

    Parameters
    ----------
    c : Cube
    folder : path
        Created with its parents; nothing is left there when writing fails.

    Returns
    -------
    bool
        ``False`` when the folder cannot be written or the cube does not come
        back from Parquet exactly as it is.

    Examples
    --------
    >>> import tempfile, pathlib
    >>> from diagnostic_lib.cube.definition import empty
    >>> save(empty(), pathlib.Path(tempfile.mkdtemp()) / "c")
    True
    """
    folder = Path(folder)
    try:
        folder.parent.mkdir(parents=True, exist_ok=True)
        tmp = Path(tempfile.mkdtemp(prefix=f".{folder.name}-", dir=folder.parent))
    except OSError:
        return False
    try:
        c.counts.to_parquet(tmp / "counts.parquet", index=False)
        c.hours.to_parquet(tmp / "hours.parquet", index=False)
        (tmp / "grid.json").write_text(
            json.dumps({"format": FORMAT, "grid": c.grid}), encoding="utf-8"
        )
        back = load(tmp)
        if back is None or not back.equals(c):
            return False
        shutil.rmtree(folder, ignore_errors=True)
        tmp.rename(folder)
        return True
    except Exception:  # a full disk, a race with another writer…: no saved cube, same result
        return False
    finally:
        shutil.rmtree(tmp, ignore_errors=True)


def load(folder: str | PathLike[str]) -> Cube | None:
    """The cube saved in ``folder``, or ``None`` (absent, partial, another layout, unreadable).

    Examples
    --------
    >>> import tempfile, pathlib
    >>> load(pathlib.Path(tempfile.mkdtemp())) is None
    True
    """
    folder = Path(folder)
    try:
        meta = json.loads((folder / "grid.json").read_text(encoding="utf-8"))
        if meta.get("format") != FORMAT:
            return None
        counts = pd.read_parquet(folder / "counts.parquet")
        hours = pd.read_parquet(folder / "hours.parquet")
    except Exception:  # absent or partial (a reader's error of any kind): built again
        return None
    return Cube(_text_keys(counts), _text_keys(hours), dict(meta["grid"]))


def _text_keys(df: pd.DataFrame) -> pd.DataFrame:
    """The text keys' categories typed as the builders type them.

    Parquet reads the categories of an empty column back as objects.
    """
    for k in LABELS:
        if k in df.columns and isinstance(df[k].dtype, pd.CategoricalDtype):
            df[k] = df[k].astype(text_categories(df[k].cat.categories))
    return df
