"""Step 1's result kept in the loaders' cache entry: a re-run on the same content reads it back.

A diagnosis loaded through the loaders' cache (``diag.cache_entry``, see
:mod:`diagnostic_lib.loaders.cache`) keeps, in that entry, the result of
:func:`~diagnostic_lib.inventory.run` with the count cube (the default). A
re-run in a new process — the next notebook, the report after the notebooks,
the same analysis tomorrow — reads it back instead of recomputing step 1.

Key
    The entry itself is named by a digest of every input file, the config, the
    library's source files and the versions of the libraries it uses. Within it,
    a result is named by :func:`result_key`: a digest of the **content** of every
    table step 1 reads (:func:`frame_digest`: each column's values, the index,
    the column names and types), of the config as parsed, of the language and of
    every tunable after the arguments' overrides. A table changed in memory after
    loading, or another argument, gives another key: a stale result is never read.
Safety
    The file holds a digest of its bytes, checked on reading; a partial or
    corrupt file is ignored (and the result computed again). It is written in a
    temporary file renamed into place. It is a pickle, as trusted as the entry
    that holds it (the user's own ``build/cache``); it goes when the entry goes.
The cube
    The result is kept without its count cube, which step 1 keeps apart in the same
    entry (:mod:`~diagnostic_lib.inventory.counted`), with the cube's name
    (:func:`~diagnostic_lib.inventory.counted.cube_key`): a re-run gets the cube in
    memory, else reads it from there by that name, without making the grid or
    reading the incidents again (0.7 s of a 1M re-run), so that a session holds one cube.
Off
    With the loaders' cache off (no ``cache_entry``), or ``cube=False`` or a given
    cube, :func:`~diagnostic_lib.inventory.run` computes as before.
"""

from __future__ import annotations

import hashlib
import json
import os
import pickle
import tempfile
from collections.abc import Mapping
from os import PathLike
from pathlib import Path
from typing import Any

import numpy as np
import pandas as pd
import pyarrow as pa
import shapely

from ._cache import digest

STORE_FORMAT = 2
"""Bumped when what is stored changes shape (old files are then never read)."""

_MAGIC = b"diagnostic_lib.inventory\n"
_TABLES = ("incidents", "sectors", "weights", "taxonomy", "survey", "places", "walks")


def frame_digest(frame: Any) -> str:
    """A digest of a table's content: values of every column, index, names and types.

    Parameters
    ----------
    frame : DataFrame, GeoDataFrame, Series or None

    Returns
    -------
    str
        Hexadecimal digest: equal for tables with equal content, whatever their identity.

    Examples
    --------
    >>> import geopandas as gpd
    >>> t = gpd.GeoDataFrame({"n": [1, 2], "s": ["a", None]},
    ...                      geometry=[shapely.Point(0, 0), shapely.Point(1, 1)])
    >>> frame_digest(t) == frame_digest(t.copy())
    True
    >>> frame_digest(t) == frame_digest(t.assign(s=["a", "b"]))
    False
    >>> frame_digest(None) == frame_digest(pd.DataFrame())
    False
    """
    if frame is None:
        return "none"
    if isinstance(frame, pd.Series):
        frame = frame.to_frame()
    if not isinstance(frame, pd.DataFrame):
        return digest(repr(frame).encode())
    parts: list[Any] = [
        np.int64(len(frame)).tobytes(),
        "\x1f".join(map(str, frame.columns)).encode(),
        "\x1f".join(map(str, frame.dtypes)).encode(),
        _column_bytes(pd.Series(frame.index)),
    ]
    for i in range(frame.shape[1]):
        parts.append(_column_bytes(frame.iloc[:, i]))
    return digest(*parts)


def _column_bytes(col: pd.Series) -> bytes:
    """One column's values as bytes (points by their coordinates, other shapes as WKB)."""
    h = hashlib.blake2b(digest_size=16)
    if isinstance(col.dtype, pd.api.extensions.ExtensionDtype) and col.dtype.name == "geometry":
        geoms = np.asarray(col.array, dtype=object)
        kind = shapely.get_type_id(geoms)
        h.update(kind.astype("int64").tobytes())
        if (kind <= 0).all():  # points (and missing): their coordinates
            h.update(shapely.get_x(geoms).tobytes())
            h.update(shapely.get_y(geoms).tobytes())
        else:
            for wkb in shapely.to_wkb(geoms):
                h.update(b"\x00" if wkb is None else wkb)
        return h.digest()
    kind = col.dtype.kind if isinstance(col.dtype, np.dtype) else ""
    if kind in "biufcmM" and kind:
        h.update(np.ascontiguousarray(col.to_numpy()).view("uint8").tobytes())
        return h.digest()
    text = _arrow_text(col)
    if text is not None:  # text kept by Arrow: its values' bytes, whatever the layout (fast)
        h.update(text)
        return h.digest()
    codes, uniques = pd.factorize(col, use_na_sentinel=True)
    h.update(codes.astype("int64").tobytes())
    h.update("\x1f".join(f"{type(u).__name__}:{u}" for u in uniques).encode())
    return h.digest()


def _arrow_text(col: pd.Series) -> bytes | None:
    """A digest of an Arrow-backed text column's values (offsets from 0, bytes, nulls).

    The same values give the same bytes however they are chunked or sliced; ``None``
    when the column is not Arrow text (the caller hashes it another way).
    """
    arrow = getattr(col.array, "__arrow_array__", None)
    if arrow is None:
        return None
    arr = arrow()
    if isinstance(arr, pa.ChunkedArray):
        arr = arr.combine_chunks()
    if pa.types.is_string(arr.type) or pa.types.is_binary(arr.type):
        width = "int32"
    elif pa.types.is_large_string(arr.type) or pa.types.is_large_binary(arr.type):
        width = "int64"
    else:
        return None
    h = hashlib.blake2b(digest_size=16)
    _, offsets, data = arr.buffers()
    offs = np.frombuffer(offsets, dtype=width, count=arr.offset + len(arr) + 1)[arr.offset :]
    start, stop = int(offs[0]), int(offs[-1])
    h.update(np.int64(len(arr)).tobytes())
    h.update((offs - start).astype("int64").tobytes())
    h.update(memoryview(data)[start:stop] if data is not None else b"")
    if arr.null_count:
        h.update(np.asarray(arr.is_null()).tobytes())
    return h.digest()


def result_key(diag: Any, tunables: Mapping[str, Any], extra: Any = None) -> str:
    """The name of step 1's result on ``diag`` with ``tunables``: a digest of its inputs' content.

    Parameters
    ----------
    diag : Diagnostic
        The loaded diagnosis.
    tunables : mapping
        Every tunable of the run (after the arguments' overrides).
    extra : object, optional
        Anything else the result depends on (its ``repr`` is hashed).

    Returns
    -------
    str

    Examples
    --------
    >>> from types import SimpleNamespace
    >>> d = SimpleNamespace(config="cfg", lang="fr", incidents=pd.DataFrame({"a": [1]}))
    >>> result_key(d, {"grid_cell_m": 200}) == result_key(d, {"grid_cell_m": 250})
    False
    """
    parts = [
        f"format={STORE_FORMAT}\n".encode(),
        json.dumps(dict(tunables), sort_keys=True, default=repr).encode(),
        repr(getattr(diag, "config", None)).encode(),
        repr(getattr(diag, "lang", None)).encode(),
        repr(extra).encode(),
    ]
    for name in _TABLES:
        parts += [name.encode(), frame_digest(getattr(diag, name, None)).encode()]
    return digest(*parts)


def read(entry: str | PathLike[str], key: str) -> Any:
    """The result saved under ``key`` in the cache entry, or ``None`` (none, or not intact).

    Parameters
    ----------
    entry : path
        The loaders' cache entry of the diagnosis.
    key : str
        From :func:`result_key`.

    Returns
    -------
    object or None

    Examples
    --------
    >>> import tempfile
    >>> with tempfile.TemporaryDirectory() as tmp:
    ...     before = read(tmp, "k")
    ...     write(tmp, "k", {"n": 1})
    ...     after = read(tmp, "k")
    >>> before, after
    (None, {'n': 1})
    """
    found = _read(_path(entry, key))
    return None if found is None else found[0]


def write(entry: str | PathLike[str], key: str, result: Any) -> None:
    """Save ``result`` under ``key`` in the cache entry (nothing when it cannot be written).

    Parameters
    ----------
    entry : path
        The loaders' cache entry of the diagnosis.
    key : str
        From :func:`result_key`.
    result : object
        What :func:`read` gives back.

    Examples
    --------
    >>> import tempfile
    >>> with tempfile.TemporaryDirectory() as tmp:
    ...     write(tmp, "k", [1, 2])
    ...     sorted(p.name for p in Path(tmp).iterdir())
    ['inventory-k.pkl']
    """
    _write(_path(entry, key), result)


def _path(entry: str | PathLike[str], key: str) -> Path:
    return Path(entry) / f"inventory-{key}.pkl"


def _read(path: Path) -> tuple[Any] | None:
    """``(result,)`` from a file whose digest checks, else ``None``."""
    try:
        data = path.read_bytes()
    except OSError:
        return None
    head = len(_MAGIC) + 32
    if len(data) <= head or not data.startswith(_MAGIC):
        return None
    want, payload = data[len(_MAGIC) : head].decode("ascii", "replace"), data[head:]
    if hashlib.blake2b(payload, digest_size=16).hexdigest() != want:
        return None
    try:
        return (pickle.loads(payload),)  # the user's own cache (module docstring)
    except Exception:  # an unreadable file is computed again
        return None


def _write(path: Path, result: Any) -> None:
    """Save ``result`` with the digest of its bytes (nothing when the folder is not writable)."""
    try:
        payload = pickle.dumps(result, protocol=pickle.HIGHEST_PROTOCOL)
        sign = hashlib.blake2b(payload, digest_size=16).hexdigest().encode("ascii")
        fd, tmp = tempfile.mkstemp(dir=path.parent, prefix=".inventory-", suffix=".tmp")
        with os.fdopen(fd, "wb") as f:
            f.write(_MAGIC + sign + payload)
        os.replace(tmp, path)
    except (OSError, pickle.PicklingError, TypeError, AttributeError):
        if "tmp" in locals() and os.path.exists(tmp):
            os.unlink(tmp)
