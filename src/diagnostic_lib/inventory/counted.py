"""The count cube of a diagnosis, built once: kept in memory and beside the loaders' cache.

Step 1 sums its tables of counts from the incidents' count cube
(:mod:`diagnostic_lib.cube`). :func:`incidents_cube` builds it once per content
of the incidents and grid: it is kept in memory (a re-run in the same session
reads it) and, when the diagnosis came from or went into the loaders' cache
(``diag.cache_entry``), saved in that entry (a re-run in a new process reads it
from disk; it goes when the entry goes). The key is a digest of what the cube
counts (dates, labels, points) and of the grid, never the identity of a table:
a changed table gives another key, so a stale cube is never read.
"""

from __future__ import annotations

import json
from os import PathLike
from pathlib import Path
from typing import cast

import numpy as np
import pandas as pd

from .. import cube
from .._points import points_of
from ..cube import store
from ._cache import ContentCache, digest

_CUBES = ContentCache(maxsize=2)
LABELS: tuple[str, ...] = ("sector", "category", "family", "shift")


def incidents_digest(incidents: pd.DataFrame) -> str:
    """A digest of what a count cube counts of ``incidents``: dates, labels and points.

    Parameters
    ----------
    incidents : GeoDataFrame
        Canonical incidents.

    Returns
    -------
    str
        Hexadecimal digest; equal for tables that give the same cube on any grid.

    Examples
    --------
    >>> import geopandas as gpd, shapely
    >>> inc = gpd.GeoDataFrame({"occurred_from": pd.to_datetime(["2024-01-05"]),
    ...     "category": ["theft"]}, geometry=[shapely.Point(1, 2)])
    >>> incidents_digest(inc) == incidents_digest(inc.copy())
    True
    >>> incidents_digest(inc) == incidents_digest(inc.assign(category="fraud"))
    False
    """
    parts: list[bytes | np.ndarray] = [np.int64(len(incidents)).tobytes()]
    for k in ("occurred_from", "occurred_to"):
        if k in incidents.columns:
            parts.append(pd.to_datetime(incidents[k]).to_numpy(dtype="datetime64[us]"))
        parts.append(k.encode())
    for k in LABELS:
        if k in incidents.columns:
            codes, uniq = pd.factorize(incidents[k], use_na_sentinel=True)
            parts += [codes.astype("int64"), "\x1f".join(map(str, uniq)).encode()]
        parts.append(k.encode())
    if "geometry" in incidents.columns:  # an empty point has no x to read
        parts += list(points_of(incidents))
    return digest(*parts)


def incidents_cube(
    incidents: pd.DataFrame,
    grid: pd.DataFrame,
    entry: str | PathLike[str] | None = None,
) -> cube.Cube:
    """The count cube of ``incidents`` on ``grid``, built once (memory, then ``entry`` on disk).

    Parameters
    ----------
    incidents : GeoDataFrame
        Canonical incidents.
    grid : GeoDataFrame
        From :func:`~diagnostic_lib.inventory.grid.make_grid`.
    entry : path, optional
        The loaders' cache entry of the diagnosis (``diag.cache_entry``): the
        cube is read from there when saved before, else built and saved there.

    Returns
    -------
    Cube
        The same as :func:`diagnostic_lib.cube.build` (shared: do not modify it).

    Examples
    --------
    >>> import geopandas as gpd, shapely
    >>> from diagnostic_lib.inventory.grid import make_grid
    >>> g = make_grid(shapely.box(0, 0, 1000, 1000), cell_size=100, crs="EPSG:32188")
    >>> inc = gpd.GeoDataFrame({"occurred_from": pd.to_datetime(["2024-01-05"]),
    ...     "category": ["theft"]}, geometry=[shapely.Point(50, 50)], crs="EPSG:32188")
    >>> incidents_cube(inc, g) is incidents_cube(inc.copy(), g)
    True
    """
    built = keyed_cube(cube_key(incidents, grid), incidents, grid, entry)
    return cast(cube.Cube, built)  # never None: the incidents and grid are given


def cube_key(incidents: pd.DataFrame, grid: pd.DataFrame) -> str:
    """The name of the count cube of ``incidents`` on ``grid``: a digest of what it counts.

    Parameters
    ----------
    incidents : GeoDataFrame
        Canonical incidents.
    grid : GeoDataFrame
        From :func:`~diagnostic_lib.inventory.grid.make_grid`.

    Returns
    -------
    str
        Equal for tables and grids that give the same cube (:func:`incidents_digest`,
        the grid's origin, cells and shape).

    Examples
    --------
    >>> import geopandas as gpd, shapely
    >>> from diagnostic_lib.inventory.grid import make_grid
    >>> g = make_grid(shapely.box(0, 0, 1000, 1000), cell_size=100, crs="EPSG:32188")
    >>> inc = gpd.GeoDataFrame({"occurred_from": pd.to_datetime(["2024-01-05"]),
    ...     "category": ["theft"]}, geometry=[shapely.Point(50, 50)], crs="EPSG:32188")
    >>> cube_key(inc, g) == cube_key(inc.copy(), g) != cube_key(inc.iloc[:0], g)
    True
    """
    params = cube.grid_params(grid)
    return digest(
        incidents_digest(incidents).encode(),
        json.dumps(params, sort_keys=True).encode(),
        cube.lookup(grid),
    )


def keyed_cube(
    key: str,
    incidents: pd.DataFrame | None = None,
    grid: pd.DataFrame | None = None,
    entry: str | PathLike[str] | None = None,
) -> cube.Cube | None:
    """The cube named ``key`` (:func:`cube_key`): in memory, else in ``entry``, else built.

    A re-run that knows the name of the cube it wants (step 1's result kept in the
    loaders' cache entry records it, :mod:`~diagnostic_lib.inventory.stored`) reads
    it without making the grid or reading the incidents again.

    Parameters
    ----------
    key : str
        From :func:`cube_key` on ``incidents`` and ``grid``.
    incidents, grid : GeoDataFrame, optional
        What the cube counts, to build it when it is neither in memory nor in
        ``entry``; without them, ``None`` is returned instead.
    entry : path, optional
        The loaders' cache entry of the diagnosis (``diag.cache_entry``).

    Returns
    -------
    Cube or None
        Shared: do not modify it.

    Examples
    --------
    >>> keyed_cube("0" * 32) is None
    True
    """
    if key in _CUBES:  # (the lambda is never called: the key is there)
        held = _CUBES.get(key, lambda: None)
        if entry is not None and not _folder(entry, key).is_dir():  # a new entry: kept there too
            store.save(held, _folder(entry, key))
        return held
    found = store.load(_folder(entry, key)) if entry is not None else None
    if found is None:
        if incidents is None or grid is None:
            return None
        found = cube.build(incidents, grid)
        if entry is not None:
            store.save(found, _folder(entry, key))
    return _CUBES.get(key, lambda: found)


def _folder(entry: str | PathLike[str], key: str) -> Path:
    """Where the cube of ``key`` is kept in a cache entry."""
    return Path(entry) / f"cube-{key}"
