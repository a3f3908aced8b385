"""The cube built with ``dask.dataframe``, on one machine or on any Dask cluster.

Each partition of the incidents is counted by the in-memory code
(:func:`~diagnostic_lib.cube.partial_cube`, the same arithmetic as
:func:`~diagnostic_lib.cube.build`); the partial cubes are summed in a tree,
:data:`FAN_IN` at a time, so no task holds more than that many. The result is
identical to the in-memory cube (integer counts add up in any order).

Runs on the current Dask scheduler: a ``distributed.Client`` if one is
active (``distributed.LocalCluster`` on a laptop, any cluster in
production), else Dask's threads. Needs the ``[scale]`` extra.
"""

from __future__ import annotations

from pathlib import Path
from typing import Any

import numpy as np
import pandas as pd

from .definition import Cube, canonical_counts, canonical_hours
from .duckdb_builder import SCALE_HINT, _format_of, _paths
from .in_memory import COLUMNS, _grid_arrays, partial_cube

_CSV_TYPES = {"x": "float64", "y": "float64", **{k: "object" for k in COLUMNS[2:]}}


def _read(source: Any, format: str | None, blocksize: str | int | None) -> Any:
    """The incidents as a ``dask.dataframe`` (a Dask DataFrame is used as it is)."""
    import dask.dataframe as dd

    if isinstance(source, dd.DataFrame):
        return source
    paths = _paths(source)
    fmt = _format_of(paths, format)
    if fmt == "parquet":
        # one partition per file, read by pandas (GeoParquet's points as WKB bytes)
        return dd.from_map(pd.read_parquet, paths, enforce_metadata=False)
    # the CSV's text as text: only an empty field is missing (as DuckDB reads it)
    return dd.read_csv(
        paths,
        dtype=_CSV_TYPES,
        keep_default_na=False,
        na_values=[""],
        blocksize=blocksize or "64MB",
    )


def _partial(part: pd.DataFrame, params: dict[str, Any], lut: np.ndarray) -> tuple:
    return partial_cube(part, params, lut)


FAN_IN: int = 8
"""Partial cubes summed at once at each level of the tree."""


def _merge(*parts: tuple) -> tuple:
    """Partial cubes summed into one (in canonical form)."""
    return (
        canonical_counts(pd.concat([p[0] for p in parts], ignore_index=True)),
        canonical_hours(pd.concat([p[1] for p in parts], ignore_index=True)),
    )


def build_dask(
    source: Any,
    grid: pd.DataFrame,
    format: str | None = None,
    blocksize: str | int | None = None,
) -> Cube:
    """The count cube with ``dask.dataframe``, partition by partition.

    Parameters
    ----------
    source : path, glob, sequence of them, or dask DataFrame
        Parquet (GeoParquet too: a WKB ``geometry`` gives ``x, y``) or CSV
        files of the input contract (:data:`~diagnostic_lib.cube.COLUMNS`),
        or a Dask DataFrame with those columns.
    grid : GeoDataFrame
        From :func:`~diagnostic_lib.inventory.grid.make_grid`.
    format : {"parquet", "csv"}, optional
        Default: from the files' suffixes.
    blocksize : str or int, optional
        Bytes per CSV partition (default 64 MB).

    Returns
    -------
    Cube
        Identical to :func:`~diagnostic_lib.cube.build` on the same incidents.

    Raises
    ------
    ImportError
        Without Dask (the ``[scale]`` extra).

    Examples
    --------
    >>> import pandas as pd, shapely
    >>> from diagnostic_lib import cube
    >>> from diagnostic_lib.inventory.grid import make_grid
    >>> g = make_grid(shapely.box(0, 0, 1000, 1000), cell_size=100, crs="EPSG:32188")
    >>> f = pd.DataFrame({"x": [50.0, 950.0, 5e6], "y": [50.0, 950.0, 0.0],
    ...     "occurred_from": pd.to_datetime(["2024-01-05", "2024-02-06", "2024-02-07"]),
    ...     "sector": "A", "category": "theft"})
    >>> import tempfile
    >>> folder = tempfile.mkdtemp()
    >>> _ = cube.write_partitions(f, folder, rows_per_file=2, format="csv")
    >>> c = build_dask(folder, g)  # Dask's threads; a distributed.Client if one is active
    >>> c.counts["cell"].tolist(), c.equals(cube.from_columns(f, g))
    ([-2, 0, 99], True)
    """
    try:
        import dask
        import dask.dataframe as dd
    except ImportError as exc:  # pragma: no cover - the extra is installed in CI
        raise ImportError(SCALE_HINT) from exc
    params, lut = _grid_arrays(grid)
    del dd  # imported to check the extra's dataframe part
    # keep object columns as they are: WKB points are bytes, not text
    with dask.config.set({"dataframe.convert-string": False}):
        ddf = _read(source if not isinstance(source, Path) else str(source), format, blocksize)
        lut_d = dask.delayed(lut, pure=True)
        parts = [dask.delayed(_partial, pure=True)(p, params, lut_d) for p in ddf.to_delayed()]
        if not parts:
            parts = [dask.delayed(_partial)(ddf._meta, params, lut_d)]
        while len(parts) > 1:  # a tree of sums, FAN_IN partial cubes at a time
            groups = [parts[i : i + FAN_IN] for i in range(0, len(parts), FAN_IN)]
            parts = [dask.delayed(_merge, pure=True)(*g) for g in groups]
        counts, hours = dask.compute(parts[0])[0]
    return Cube(canonical_counts(counts), canonical_hours(hours), params)
