"""The cube built out of core by DuckDB, from partitioned Parquet or CSV files.

DuckDB reads the files in parallel and groups them with a hash aggregate that
spills to disk past its memory limit, so the incidents never need to fit in
memory: only the cube does. The grid arithmetic, the months, the days and the
hours of the week are the same formulas as :mod:`.cells` and :mod:`.periods`,
written in SQL, and the result goes through the same canonical form, so the
cube is identical to :func:`~diagnostic_lib.cube.build`'s.

Needs the ``[scale]`` extra (``pip install diagnostic_lib[scale]``).
"""

from __future__ import annotations

import glob
from collections.abc import Sequence
from pathlib import Path
from typing import Any

import numpy as np
import pandas as pd

from .definition import (
    DAY_HOURS,
    HOUR_RANGE,
    LABELS,
    NO_POSITION,
    OUTSIDE,
    Cube,
    canonical_counts,
    canonical_hours,
)
from .in_memory import _grid_arrays

SCALE_HINT = (
    "this builder needs the [scale] extra: pip install 'diagnostic_lib[scale]' / "
    "ce constructeur demande l'extra [scale] : pip install 'diagnostic_lib[scale]'"
)

_HOUR_US = 3_600_000_000


def _paths(source: str | Path | Sequence[str | Path]) -> list[str]:
    items = [source] if isinstance(source, (str, Path)) else list(source)
    out = []
    for item in items:
        p = Path(item)
        if p.is_dir():
            found = sorted(str(f) for f in p.iterdir() if f.suffix in (".parquet", ".csv"))
            if not found:
                raise FileNotFoundError(f"no .parquet or .csv file in {p} / aucun fichier")
            out.extend(found)
        elif any(ch in str(item) for ch in "*?["):
            out.extend(sorted(glob.glob(str(item))))
        else:
            out.append(str(item))
    if not out:
        raise FileNotFoundError("no input file / aucun fichier d'entrée")
    return out


def _format_of(paths: list[str], format: str | None) -> str:
    if format is not None:
        if format not in ("parquet", "csv"):
            raise ValueError(f"format must be 'parquet' or 'csv', got {format!r}")
        return format
    kinds = {"csv" if p.lower().endswith(".csv") else "parquet" for p in paths}
    if len(kinds) > 1:
        raise ValueError("mixed Parquet and CSV inputs: give one format / formats mélangés")
    return kinds.pop()


def _source_sql(con: Any, paths: list[str], format: str) -> str:
    """A view ``src`` with the contract's columns, typed (missing optional ones as NULL)."""
    listed = "[" + ", ".join("'" + p.replace("'", "''") + "'" for p in paths) + "]"
    if format == "parquet":
        reader = f"read_parquet({listed}, union_by_name = true)"
    else:
        reader = f"read_csv({listed}, header = true, all_varchar = true, union_by_name = true)"
    con.execute(f"CREATE OR REPLACE TEMP VIEW raw AS SELECT * FROM {reader}")
    have = {r[0] for r in con.execute("DESCRIBE raw").fetchall()}
    missing = sorted({"x", "y", "occurred_from", "category"} - have)
    if missing:
        hint = (
            " (GeoParquet: write x, y columns, see cube.write_partitions)"
            if "geometry" in have
            else ""
        )
        raise ValueError(f"cube input lacks {missing}{hint} / colonnes manquantes {missing}")
    cols = [
        "CAST(x AS DOUBLE) AS x",
        "CAST(y AS DOUBLE) AS y",
        "CAST(occurred_from AS TIMESTAMP) AS t0",
        ("CAST(occurred_to AS TIMESTAMP)" if "occurred_to" in have else "NULL::TIMESTAMP")
        + " AS t1",
    ]
    cols += [
        (f"CAST({k} AS VARCHAR)" if k in have else "NULL::VARCHAR") + f" AS {k}" for k in LABELS
    ]
    return "SELECT " + ", ".join(cols) + " FROM raw"


def _keys_sql(params: dict[str, Any]) -> str:
    """The cube's keys of each row: the same arithmetic as :mod:`.cells` and :mod:`.periods`."""
    x0, y0, size = params["x0"], params["y0"], params["cell_size"]
    nrow, ncol = params["nrow"], params["ncol"]
    located = "x IS NOT NULL AND y IS NOT NULL AND isfinite(x) AND isfinite(y)"
    col = f"floor((x - {x0!r}) / {size!r})"
    row = f"floor((y - {y0!r}) / {size!r})"
    inside = f"{row} >= 0 AND {row} < {nrow} AND {col} >= 0 AND {col} < {ncol}"
    width = "epoch_us(t1) - epoch_us(t0)"
    day_known = f"t0 IS NOT NULL AND (t1 IS NULL OR {width} <= {DAY_HOURS * _HOUR_US})"
    hour_known = f"t0 IS NOT NULL AND (t1 IS NULL OR {width} <= {HOUR_RANGE * _HOUR_US})"
    return f"""
        SELECT
            CASE WHEN NOT ({located}) THEN {NO_POSITION}
                 WHEN {inside} THEN CAST({row} * {ncol} + {col} AS BIGINT)
                 ELSE NULL END AS raster,
            ({located}) AS located,
            {", ".join(LABELS)},
            date_trunc('month', t0) AS month,
            CASE WHEN {day_known} THEN date_trunc('day', t0) END AS day,
            CASE WHEN t0 IS NULL THEN -1
                 ELSE (isodow(t0) - 1) * 24 + hour(t0) END AS how,
            CAST({hour_known} AS BIGINT) AS hour_known
        FROM ({{source}})
    """


def _fetch(con: Any, sql: str) -> pd.DataFrame:
    """The rows of a query as a DataFrame, its text columns as categoricals.

    At province scale the cube has about a row per incident: text columns
    fetched as Python strings (``.df()``) took several GB and most of the time
    (20M incidents: 8.3 GB at the peak); Arrow's dictionary encoding gives each
    distinct value once.
    """
    import pyarrow as pa
    import pyarrow.compute as pc

    rel = con.sql(sql)
    fetch = getattr(rel, "to_arrow_table", None) or rel.arrow  # DuckDB 2 / DuckDB 1
    table = fetch()
    columns = [
        pc.dictionary_encode(col)
        if pa.types.is_string(col.type) or pa.types.is_large_string(col.type)
        else col
        for col in table.columns
    ]
    return pa.table(columns, names=table.column_names).to_pandas()


def build_duckdb(
    source: str | Path | Sequence[str | Path],
    grid: pd.DataFrame,
    format: str | None = None,
    memory_limit: str | None = None,
    threads: int | None = None,
    temp_directory: str | Path | None = None,
) -> Cube:
    """The count cube of partitioned Parquet or CSV files, out of core with DuckDB.

    Parameters
    ----------
    source : path, glob or sequence of them
        Files (``*.parquet`` or ``*.csv``), globs (``"incidents/*.parquet"``)
        or directories of them, holding the columns of the input contract
        (:data:`~diagnostic_lib.cube.COLUMNS`; see
        :func:`~diagnostic_lib.cube.write_partitions`). CSV values are ISO 8601
        timestamps and text, an empty field being a missing value.
    grid : GeoDataFrame
        From :func:`~diagnostic_lib.inventory.grid.make_grid`.
    format : {"parquet", "csv"}, optional
        Default: from the files' suffixes.
    memory_limit : str, optional
        DuckDB's memory limit (e.g. ``"4GB"``); past it the aggregate spills to
        ``temp_directory``.
    threads : int, optional
        DuckDB's threads (default: every core).
    temp_directory : path, optional
        Where DuckDB spills.

    Returns
    -------
    Cube
        Identical to :func:`~diagnostic_lib.cube.build` on the same incidents.

    Raises
    ------
    ImportError
        Without DuckDB (the ``[scale]`` extra).
    ValueError
        When the files lack a required column.

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
    >>> c = build_duckdb(f"{folder}/*.csv", g)
    >>> c.counts["cell"].tolist(), c.equals(cube.from_columns(f, g))
    ([-2, 0, 99], True)
    """
    try:
        import duckdb
    except ImportError as exc:  # pragma: no cover - the extra is installed in CI
        raise ImportError(SCALE_HINT) from exc
    params, lut = _grid_arrays(grid)
    paths = _paths(source)
    fmt = _format_of(paths, format)
    config: dict[str, Any] = {}
    if memory_limit:
        config["memory_limit"] = memory_limit
    if threads:
        config["threads"] = int(threads)
    if temp_directory:
        config["temp_directory"] = str(temp_directory)
    con = duckdb.connect(config=config)
    try:
        inside = np.flatnonzero(lut >= 0)
        cells = pd.DataFrame({"raster": inside.astype("int64"), "cell": lut[inside]})
        con.register("grid_cells", cells)
        keys = _keys_sql(params).replace("{source}", _source_sql(con, paths, fmt))
        con.execute(f"""
            CREATE OR REPLACE TEMP VIEW keyed AS
            SELECT CASE WHEN NOT k.located THEN {NO_POSITION}
                        ELSE coalesce(g.cell, {OUTSIDE}) END AS cell, k.*
            FROM ({keys}) k LEFT JOIN grid_cells g ON k.raster = g.raster
        """)
        labels = ", ".join(LABELS)
        counts = _fetch(
            con, f"SELECT cell, {labels}, month, day, count(*) AS count FROM keyed GROUP BY ALL"
        )
        hours = _fetch(
            con,
            f"SELECT {labels}, how, count(*) AS count, sum(hour_known) AS count_hour "
            "FROM keyed GROUP BY ALL",
        )
    finally:
        con.close()
    return Cube(canonical_counts(counts), canonical_hours(hours), params)
