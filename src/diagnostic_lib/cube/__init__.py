"""The count cube: incidents counted once by grid cell, sector, category and period.

Every aggregate of counts in the diagnosis (monthly series, counts per
sector, per cell, per window of a before/after design) is a sum over this
cube, so it can be built once, by the engine that fits the data's size:

- :func:`build` in memory (pandas and numpy) from the canonical incidents;
- :func:`build_duckdb` out of core on one machine, from partitioned Parquet
  or CSV files (the ``[scale]`` extra);
- :func:`build_dask` with ``dask.dataframe``, on a ``distributed`` cluster
  (the ``[scale]`` extra).

The three give identical cubes (:meth:`Cube.equals`). The definition and the
input contract are in :mod:`.definition` and :data:`COLUMNS`; the sums in
:mod:`.rollup`. See ``docs/scale.md``.

Examples
--------
>>> import geopandas as gpd, pandas as pd, shapely
>>> from diagnostic_lib import cube
>>> from diagnostic_lib.inventory.grid import make_grid
>>> g = make_grid(shapely.box(0, 0, 1000, 1000), cell_size=100, crs="EPSG:32188")
>>> inc = gpd.GeoDataFrame({"occurred_from": pd.to_datetime(["2024-01-05", "2024-02-07"]),
...     "sector": "A", "category": "theft", "family": "property", "shift": "jour"},
...     geometry=[shapely.Point(50, 50), shapely.Point(950, 950)], crs="EPSG:32188")
>>> c = cube.build(inc, g)
>>> cube.rollup(c, ["month"])["count"].tolist()
[1, 1]
"""

from __future__ import annotations

from .cells import cell_positions, grid_params, lookup
from .dask_builder import build_dask
from .definition import (
    HOUR_KEYS,
    KEYS,
    NO_POSITION,
    OUTSIDE,
    TEXT,
    Cube,
    canonical_counts,
    canonical_hours,
    empty,
)
from .duckdb_builder import build_duckdb
from .in_memory import COLUMNS, build, from_columns, partial_cube
from .partitions import write_partitions
from .rollup import (
    cell_counts,
    combine,
    hour_week,
    month_series,
    regroup,
    rollup,
    select,
)

__all__ = [
    "COLUMNS",
    "HOUR_KEYS",
    "KEYS",
    "NO_POSITION",
    "OUTSIDE",
    "TEXT",
    "Cube",
    "build",
    "build_dask",
    "build_duckdb",
    "canonical_counts",
    "canonical_hours",
    "combine",
    "cell_counts",
    "cell_positions",
    "empty",
    "from_columns",
    "grid_params",
    "hour_week",
    "lookup",
    "month_series",
    "partial_cube",
    "regroup",
    "rollup",
    "select",
    "write_partitions",
]
