"""The on-disk cache of a loaded diagnosis: validated tables and ledger, as (Geo)Parquet.

Loading a large export (reading, validating every row, joining points to
sectors, building the ledger) takes seconds per million incidents; reading the
same tables back from Parquet takes a fraction of that. :func:`load_diagnostic
<diagnostic_lib.loaders.load_diagnostic>` therefore keeps what it loaded — every
canonical table, the ledger (its entries, files, counts and notes) — in a
folder of the cache, and a later call with the same inputs returns an
identical :class:`~diagnostic_lib.loaders.Diagnostic` from it.

Where
    ``build/cache`` in the config's folder (``data/sample/build/cache`` for the
    sample), so that ``make report`` and the notebooks, which start in other
    folders, share it; ``[cache] dir`` in ``diagnostic.toml`` sets another folder
    (relative to the config's folder). A config built in memory, without a file,
    uses the current folder.
Key
    A digest of everything that changes the result (:func:`cache_key`): the bytes
    of every input file (every file of a multi-file table, a shapefile's
    companion files, the taxonomy and severity files), the parsed config, the
    ``now`` argument, the library's version and source files, and the versions of
    pandas, geopandas, shapely, pyarrow and pyproj. Any change gives another key:
    a cache can never return a stale diagnosis. Only the
    :data:`MAX_ENTRIES` newest entries are kept.
Safety
    An entry is written in a temporary folder and renamed into place when
    complete; its ``meta.json`` holds a digest of each of its files, checked on
    reading: a partial or corrupt entry is ignored (and rebuilt). An entry is only
    written when reading it back gives exactly the tables and ledger just loaded.
    With ``now`` left out ("now" is the clock), an entry is written only when no
    date was rejected as being in the future (the only check that depends on the
    clock), so it stays right at any later time.
Beside
    Step 1 keeps its count cube and its whole result in the entry of the
    diagnosis it ran on (:mod:`diagnostic_lib.inventory.counted`,
    :mod:`diagnostic_lib.inventory.stored`), each named by a digest of the
    content it was computed from; they go when the entry goes.
Off
    ``[cache] enabled = false`` in the config, ``cache=False`` to
    :func:`~diagnostic_lib.loaders.load_diagnostic`, or the environment variable
    ``DIAGNOSTIC_CACHE=off`` (the test suite sets it). Deleting the folder (or
    :func:`clear_cache`) clears it.

Examples
--------
>>> import tempfile, pathlib
>>> from diagnostic_lib import sample
>>> from diagnostic_lib.config import load_config
>>> cfg = load_config(sample.sample_dir() / "diagnostic.toml")
>>> cache_folder(cfg, cache=True).parts[-2:]
('build', 'cache')
>>> cache_key(cfg, "2026-01-01") == cache_key(cfg, "2026-01-01") != cache_key(cfg, None)
True
"""

from __future__ import annotations

import functools
import hashlib
import io
import json
import os
import shutil
import tempfile
from collections.abc import Mapping
from os import PathLike
from pathlib import Path
from typing import Any

import numpy as np
import pandas as pd

from .. import __version__
from ..config import Config, load_config
from ..ledger import Ledger

CACHE_FORMAT: int = 2
"""Version of the entries' layout; a new layout never reads an old one (2: with the walks)."""
MAX_ENTRIES: int = 4
"""Entries kept per cache folder (the newest); older ones are deleted when one is written."""
ENV_VAR: str = "DIAGNOSTIC_CACHE"
"""Environment variable: ``off`` (or ``0``, ``false``, ``no``) turns the cache off."""
DEFAULT_DIR: str = "build/cache"
"""The cache folder, relative to the config's folder, unless ``[cache] dir`` says otherwise."""
TABLES: tuple[str, ...] = (
    "sectors",
    "incidents",
    "measures",
    "survey",
    "partners",
    "places",
    "walks",
)
"""The canonical tables of a :class:`~diagnostic_lib.loaders.Diagnostic`, in its order."""
_FUTURE = "date_future"
_OFF = frozenset({"off", "0", "false", "no"})
_BLOCK = 1 << 20


def cache_folder(cfg: Config, cache: bool | None = None) -> Path | None:
    """The folder of the cache for this config, or ``None`` when the cache is off.

    Parameters
    ----------
    cfg : Config
        The parsed config (its ``[cache]`` table: ``enabled``, ``dir``).
    cache : bool, optional
        ``True`` or ``False`` decides; ``None`` (default): on unless the config
        (``[cache] enabled = false``) or the environment (``DIAGNOSTIC_CACHE=off``)
        turns it off.

    Returns
    -------
    pathlib.Path or None

    Examples
    --------
    >>> from diagnostic_lib.config import config_from_dict
    >>> cache_folder(config_from_dict({"cache": {"enabled": False}})) is None
    True
    >>> cache_folder(config_from_dict({"cache": {"dir": "/tmp/c"}}), cache=True).as_posix()
    '/tmp/c'
    """
    if cache is False:
        return None
    if cache is None:
        if not cfg.cache_enabled or os.environ.get(ENV_VAR, "").strip().lower() in _OFF:
            return None
    folder = Path(cfg.cache_dir) if cfg.cache_dir is not None else Path(DEFAULT_DIR)
    return folder if folder.is_absolute() else cfg.base_dir / folder


def cache_key(cfg: Config, now: Any = None) -> str:
    """The digest naming the cache entry of this config, its files and ``now``.

    Parameters
    ----------
    cfg : Config
        The parsed config.
    now : timestamp, optional
        The ``now`` given to the loaders.

    Returns
    -------
    str
        32 hexadecimal digits.

    Examples
    --------
    >>> from diagnostic_lib.config import config_from_dict
    >>> a = cache_key(config_from_dict({"parameters": {"grid_cell_m": 200}}))
    >>> a == cache_key(config_from_dict({"parameters": {"grid_cell_m": 250}}))
    False
    """
    h = hashlib.blake2b(digest_size=16)
    stamp = "" if now is None else pd.Timestamp(now).isoformat()
    h.update(f"format={CACHE_FORMAT}\nnow={stamp}\n{_library_stamp()}\n".encode())
    h.update(repr(cfg).encode("utf-8"))
    for path in _input_files(cfg):
        h.update(f"\n{path}\n".encode())
        h.update(_file_digest(path).encode())
    return h.hexdigest()


def _input_files(cfg: Config) -> list[Path]:
    """Every file the load reads: data files (a shapefile's companions too), taxonomies."""
    files: list[Path] = []
    for spec in cfg.data.values():
        for p in spec.paths:
            files.append(Path(p))
            if Path(p).suffix.lower() == ".shp":
                files.extend(sorted(q for q in Path(p).parent.glob(Path(p).stem + ".*") if q != p))
    files += [Path(p) for p in (cfg.taxonomy_path, cfg.severity_path) if p is not None]
    return files


def _file_digest(path: Path) -> str:
    """BLAKE2b of a file's bytes (``missing`` when it cannot be read: the load will say why)."""
    h = hashlib.blake2b(digest_size=16)
    try:
        with open(path, "rb") as f:
            while block := f.read(_BLOCK):
                h.update(block)
    except OSError:
        return "missing"
    return h.hexdigest()


@functools.cache
def _library_stamp() -> str:
    """The version and source files of diagnostic_lib, and the versions of what it reads with."""
    import geopandas
    import pyarrow
    import pyproj
    import shapely

    root = Path(__file__).resolve().parents[1]
    h = hashlib.blake2b(digest_size=16)
    for p in sorted(root.rglob("*")):
        if p.is_file() and "__pycache__" not in p.parts and p.suffix != ".pyc":
            h.update(p.relative_to(root).as_posix().encode())
            h.update(p.read_bytes())
    versions = (pd, geopandas, shapely, pyarrow, pyproj)
    return f"diagnostic_lib={__version__} src={h.hexdigest()} " + " ".join(
        f"{m.__name__}={m.__version__}" for m in versions
    )


# ------------------------------------------------------------------------ reading
def read_entry(folder: Path, key: str) -> tuple[dict[str, pd.DataFrame | None], Ledger] | None:
    """The tables and ledger stored under ``key``, or ``None`` (absent, partial or corrupt).

    A corrupt entry (a file whose digest differs from its ``meta.json``, an
    unreadable file) is deleted, so that the next load writes it again.

    Parameters
    ----------
    folder : path
        The cache folder (:func:`cache_folder`).
    key : str
        The entry (:func:`cache_key`).

    Returns
    -------
    (dict, Ledger) or None
        The tables by name (``None`` for a table the config has not) and the ledger.

    Examples
    --------
    >>> import tempfile
    >>> read_entry(Path(tempfile.mkdtemp()), "0" * 32) is None
    True
    """
    entry = Path(folder) / key
    got = _read_dir(entry, key)
    if got is not None:
        os.utime(entry)  # most recently used
    return got


def _read_dir(
    entry: Path, key: str, skip: frozenset[str] = frozenset()
) -> tuple[dict[str, Any], Ledger] | None:
    """The tables (but those of ``skip``) and ledger of one entry's folder (:func:`read_entry`)."""
    try:
        meta = json.loads((entry / "meta.json").read_text(encoding="utf-8"))
        if meta.get("format") != CACHE_FORMAT or meta.get("key") != key:
            raise ValueError("another layout")
        data = {}
        for name, digest in meta["files"].items():
            if name.removesuffix(".parquet") in skip:
                continue
            raw = (entry / name).read_bytes()
            if hashlib.blake2b(raw, digest_size=16).hexdigest() != digest:
                raise ValueError(f"{name} is corrupt")
            data[name] = raw
        tables = {t: _read_table(data, t, meta) for t in TABLES}
        ledger = _read_ledger(data, meta)
    except FileNotFoundError:
        return None
    except Exception:  # a partial or corrupt entry (any reader's error): rebuilt
        shutil.rmtree(entry, ignore_errors=True)
        return None
    return tables, ledger


def _read_table(data: Mapping[str, bytes], table: str, meta: Mapping[str, Any]) -> Any:
    name = f"{table}.parquet"
    if name not in data:
        return None
    if meta["geo"].get(table):
        import geopandas as gpd

        out = gpd.read_parquet(io.BytesIO(data[name]))
    else:
        out = pd.read_parquet(io.BytesIO(data[name]))
    _one_chunk(out)
    for col in meta["tuples"].get(table, []):  # Parquet lists come back as arrays
        values = [v if v is None else tuple(v) for v in out[col].to_numpy(dtype=object)]
        out[col] = pd.Series(values, index=out.index, dtype=object)
    out.attrs = meta["attrs"].get(table, {})
    return out


def _one_chunk(df: pd.DataFrame) -> None:
    """Text columns in one Arrow chunk, as the loaders make them (Parquet gives several)."""
    import pyarrow as pa

    for col in df.columns:
        arr = getattr(df[col].array, "_pa_array", None)
        if isinstance(arr, pa.ChunkedArray) and arr.num_chunks > 1:
            whole = pa.chunked_array([arr.combine_chunks()])
            df[col] = pd.Series(whole, index=df.index, dtype=df[col].dtype)


def _tuple_columns(df: pd.DataFrame) -> list[str]:
    """The object columns whose cells are tuples (or ``None``): lists in Parquet."""
    out = []
    for col in df.columns:
        if df[col].dtype == object:
            values = df[col].to_numpy(dtype=object)
            if len(values) and all(v is None or isinstance(v, tuple) for v in values):
                out.append(str(col))
    return out


def _read_ledger(data: Mapping[str, bytes], meta: Mapping[str, Any]) -> Ledger:
    led = Ledger()
    entries = pd.read_parquet(io.BytesIO(data["ledger.parquet"]))
    if len(entries):
        led._chunks.append(entries)
    led._registered = {(t, f): int(n) for t, f, n in meta["ledger"]["registered"]}
    led._kept = {(t, f): int(n) for t, f, n in meta["ledger"]["kept"]}
    led._notes = [tuple(n) for n in meta["ledger"]["notes"]]
    return led


# ------------------------------------------------------------------------ writing
def write_entry(
    folder: Path,
    key: str,
    tables: Mapping[str, pd.DataFrame | None],
    ledger: Ledger,
    now: Any = None,
) -> bool:
    """Store the tables and ledger under ``key``; whether it was stored.

    Nothing is stored (``False``) when the folder cannot be written, when a table
    does not come back from Parquet exactly as it is (a column of mixed types,
    say), or when ``now`` is ``None`` and a date was rejected as in the future.
    The entry appears whole or not at all (temporary folder, then a rename); the
    oldest entries beyond :data:`MAX_ENTRIES` are deleted.

    Parameters
    ----------
    folder : path
        The cache folder.
    key : str
        The entry (:func:`cache_key`).
    tables : mapping
        Table name → table (or ``None``), the names of :data:`TABLES`.
    ledger : Ledger
        The combined ledger.
    now : timestamp, optional
        The ``now`` of the load.

    Returns
    -------
    bool

    Examples
    --------
    >>> import tempfile
    >>> led = Ledger(); led.register("partners", "p.csv", 1)
    >>> folder = Path(tempfile.mkdtemp())
    >>> write_entry(folder, "k", {"partners": pd.DataFrame({"a": [1]})}, led)
    True
    >>> tables, back = read_entry(folder, "k")
    >>> tables["partners"]["a"].tolist(), back.files["rows_in"].tolist()
    ([1], [1])
    """
    entries = ledger.entries
    if now is None and bool((entries["reason"] == _FUTURE).any()):
        return False
    folder = Path(folder)
    try:
        folder.mkdir(parents=True, exist_ok=True)
        tmp = Path(tempfile.mkdtemp(prefix=f".{key}-", dir=folder))
    except OSError:
        return False
    try:
        _write_files(tmp, key, tables, entries, ledger)
        trusted = frozenset(t for t, df in tables.items() if df is not None and _trusted(df))
        back = _read_dir(tmp, key, skip=trusted)
        if back is None or not _same(tables, ledger, *back, skip=trusted):
            return False
        try:
            tmp.rename(folder / key)
        except OSError:  # written meanwhile by another process: theirs is as good
            return False
        _prune(folder)
        return True
    except Exception:  # a table Parquet cannot hold, a full disk…: no cache, same result
        return False
    finally:
        shutil.rmtree(tmp, ignore_errors=True)


def _write_files(
    tmp: Path,
    key: str,
    tables: Mapping[str, pd.DataFrame | None],
    entries: pd.DataFrame,
    ledger: Ledger,
) -> None:
    """Write the Parquet files of an entry and its ``meta.json`` (digests, ledger, attrs)."""
    import geopandas as gpd

    files: dict[str, str] = {}
    geo: dict[str, bool] = {}
    attrs: dict[str, Any] = {}
    tuples: dict[str, list[str]] = {}
    for table in TABLES:
        df = tables.get(table)
        if df is None:
            continue
        geo[table] = isinstance(df, gpd.GeoDataFrame)
        attrs[table] = json.loads(json.dumps(df.attrs))  # only JSON attrs; checked on read-back
        tuples[table] = _tuple_columns(df)
        df.to_parquet(tmp / f"{table}.parquet")
    entries.to_parquet(tmp / "ledger.parquet")
    for p in sorted(tmp.iterdir()):
        files[p.name] = hashlib.blake2b(p.read_bytes(), digest_size=16).hexdigest()
    meta = {
        "format": CACHE_FORMAT,
        "key": key,
        "files": files,
        "geo": geo,
        "attrs": attrs,
        "tuples": tuples,
        "ledger": {
            "registered": [[t, f, n] for (t, f), n in ledger._registered.items()],
            "kept": [[t, f, n] for (t, f), n in ledger._kept.items()],
            "notes": [list(n) for n in ledger._notes],
        },
    }
    (tmp / "meta.json").write_text(json.dumps(meta, ensure_ascii=False), encoding="utf-8")


def _same(
    tables: Mapping[str, pd.DataFrame | None],
    ledger: Ledger,
    back: Mapping[str, pd.DataFrame | None],
    back_ledger: Ledger,
    skip: frozenset[str] = frozenset(),
) -> bool:
    """Whether the tables (but those of ``skip``) and ledger read back are those written."""
    for table in TABLES:
        if table in skip:
            continue
        a, b = tables.get(table), back.get(table)
        if (a is None) != (b is None):
            return False
        if a is None:
            continue
        if (
            type(a) is not type(b)
            or a.attrs != b.attrs
            or getattr(a, "crs", None) != getattr(b, "crs", None)
        ):
            return False
        try:
            pd.testing.assert_frame_equal(a, b, check_exact=True)
        except AssertionError:
            return False
    try:
        pd.testing.assert_frame_equal(ledger.entries, back_ledger.entries, check_exact=True)
    except AssertionError:
        return False
    return (
        ledger._registered == back_ledger._registered
        and ledger._kept == back_ledger._kept
        and [tuple(n) for n in ledger._notes] == back_ledger._notes
    )


TRUSTED_ROWS: int = 100_000
"""Tables of at least this many rows whose columns all have a type Parquet keeps exactly
(:func:`_trusted`) are not read back to be checked when written (the check would double
the writing time); smaller ones, and any other, always are."""


def _trusted(df: pd.DataFrame) -> bool:
    """A large table of text, timestamps, integers, floats, booleans and one geometry column."""
    import geopandas as gpd

    if len(df) < TRUSTED_ROWS or df.attrs or not isinstance(df.index, pd.RangeIndex):
        return False
    geometry = df.geometry.name if isinstance(df, gpd.GeoDataFrame) else None
    for col, dtype in df.dtypes.items():
        if col == geometry or any(dtype == d for d in _EXACT_DTYPES):
            continue
        return False
    return True


_EXACT_DTYPES = (
    pd.StringDtype("pyarrow", na_value=float("nan")),
    *(np.dtype(d) for d in ("int64", "float64", "bool")),
    *(np.dtype(f"datetime64[{u}]") for u in ("s", "ms", "us", "ns")),
)


def _prune(folder: Path) -> None:
    """Delete the entries beyond the :data:`MAX_ENTRIES` most recently used."""
    entries = [p for p in folder.iterdir() if p.is_dir() and not p.name.startswith(".")]
    entries.sort(key=lambda p: p.stat().st_mtime, reverse=True)
    for old in entries[MAX_ENTRIES:]:
        shutil.rmtree(old, ignore_errors=True)


def clear_cache(config: str | PathLike[str] | Config) -> int:
    r"""Delete every entry of a config's cache folder; the number deleted.

    Parameters
    ----------
    config : path or Config
        The ``diagnostic.toml`` (or its parsed :class:`~diagnostic_lib.config.Config`).

    Returns
    -------
    int

    Examples
    --------
    >>> import tempfile, pathlib
    >>> p = pathlib.Path(tempfile.mkdtemp()) / "diagnostic.toml"
    >>> _ = p.write_text('[municipality]\nname = "X"\n')
    >>> clear_cache(p)
    0
    """
    cfg = config if isinstance(config, Config) else load_config(config)
    folder = cache_folder(cfg, cache=True)
    if folder is None or not folder.is_dir():
        return 0
    n = 0
    for p in folder.iterdir():
        if p.is_dir():
            shutil.rmtree(p, ignore_errors=True)
            n += not p.name.startswith(".")
    return n
