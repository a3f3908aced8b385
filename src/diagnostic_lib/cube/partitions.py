"""Partitioned files of the cube's input contract, for the out-of-core builders.

:func:`write_partitions` writes canonical incidents as Parquet or CSV files
holding the columns of :data:`~.in_memory.COLUMNS` (``x, y`` from the points),
one file per block of rows: the input that
:func:`~diagnostic_lib.cube.build_duckdb` and
:func:`~diagnostic_lib.cube.build_dask` read. A pipeline that already writes
its validated incidents as Parquet with these columns needs no conversion.
"""

from __future__ import annotations

from pathlib import Path
from typing import Any

import pandas as pd

from .in_memory import COLUMNS, _xy


def contract_table(incidents: pd.DataFrame) -> pd.DataFrame:
    """The canonical incidents as a plain table of the input contract (``x, y`` from points).

    Examples
    --------
    >>> import geopandas as gpd, shapely
    >>> inc = gpd.GeoDataFrame({"occurred_from": pd.to_datetime(["2024-01-05"]),
    ...     "category": "theft"}, geometry=[shapely.Point(3, 4)])
    >>> contract_table(inc).columns.tolist()
    ['x', 'y', 'occurred_from', 'occurred_to', 'sector', 'category', 'family', 'shift']
    """
    x, y = _xy(incidents)
    out = pd.DataFrame({"x": x, "y": y}, index=pd.RangeIndex(len(incidents)))
    for k in COLUMNS[2:]:
        if k in incidents.columns:
            col = incidents[k]
            if k.startswith("occurred"):
                out[k] = col.to_numpy(dtype="datetime64[us]")
            elif isinstance(col.dtype, pd.StringDtype):
                out[k] = col.array  # text already (the loaders' columns): kept as it is
            else:
                col = col.astype("object").where(col.notna(), None).to_numpy()
                out[k] = pd.Series(col).astype("str").where(pd.notna(col), None).to_numpy()
        elif k == "occurred_to":
            out[k] = pd.Series(pd.NaT, index=out.index, dtype="datetime64[us]")
        else:
            out[k] = None
    return out


def write_partitions(
    incidents: pd.DataFrame,
    directory: str | Path,
    rows_per_file: int = 250_000,
    format: str = "parquet",
) -> list[Path]:
    """Write the incidents as files of the cube's input contract, ``rows_per_file`` rows each.

    Parameters
    ----------
    incidents : GeoDataFrame or DataFrame
        Canonical incidents (points), or a table with ``x, y`` already.
    directory : path
        Created if needed; the files are ``part-00000.parquet`` (or ``.csv``) …
    rows_per_file : int
    format : {"parquet", "csv"}
        CSV files hold ISO 8601 timestamps and empty fields for missing values.

    Returns
    -------
    list of Path
        The files written, in order.

    Examples
    --------
    >>> f = pd.DataFrame({"x": [1.0, 2.0, 3.0], "y": 0.0, "category": "theft",
    ...     "occurred_from": pd.to_datetime(["2024-01-05"] * 3)})
    >>> import tempfile
    >>> parts = tempfile.mkdtemp()
    >>> [p.name for p in write_partitions(f, parts, rows_per_file=2)]
    ['part-00000.parquet', 'part-00001.parquet']
    """
    if format not in ("parquet", "csv"):
        raise ValueError(f"format must be 'parquet' or 'csv', got {format!r}")
    table = incidents if {"x", "y"} <= set(incidents.columns) else contract_table(incidents)
    table = pd.DataFrame(table[[c for c in COLUMNS if c in table.columns]])
    out = Path(directory)
    out.mkdir(parents=True, exist_ok=True)
    paths: list[Path] = []
    step = max(int(rows_per_file), 1)
    for i, lo in enumerate(range(0, max(len(table), 1), step)):
        part = table.iloc[lo : lo + step]
        path = out / f"part-{i:05d}.{format}"
        _write(part, path, format)
        paths.append(path)
    return paths


def _write(part: pd.DataFrame, path: Path, format: str, **kw: Any) -> None:
    if format == "parquet":
        part.to_parquet(path, index=False, **kw)
    else:
        part.to_csv(path, index=False, date_format="%Y-%m-%d %H:%M:%S.%f", **kw)
