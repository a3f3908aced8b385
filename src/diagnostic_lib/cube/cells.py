"""Grid cells by arithmetic: the one formula every builder of the cube uses.

A point ``(x, y)`` lies in raster cell ``row = floor((y - y0) / cell_size)``,
``col = floor((x - x0) / cell_size)`` of the grid of
:func:`~diagnostic_lib.inventory.grid.make_grid` (the same arithmetic as
:func:`~diagnostic_lib.inventory.grid.grid_counts`); its ``cell`` is the
position of that raster cell in the (clipped) grid's table. The DuckDB
builder writes the same formula in SQL and joins :func:`lookup`.

Examples
--------
>>> import shapely
>>> from diagnostic_lib.inventory.grid import make_grid
>>> g = make_grid(shapely.box(0, 0, 1000, 1000), cell_size=100, crs="EPSG:32188")
>>> p = grid_params(g)
>>> cell_positions(np.array([50.0, np.nan, 5000.0]), np.array([150.0, 1.0, 0.0]), p,
...                lookup(g)).tolist()
[10, -1, -2]
"""

from __future__ import annotations

from typing import Any

import numpy as np
import pandas as pd

from .definition import NO_POSITION, OUTSIDE


def grid_params(grid: pd.DataFrame) -> dict[str, Any]:
    """The grid's origin, cell size, shape and number of cells (plain numbers).

    Parameters
    ----------
    grid : DataFrame
        From :func:`~diagnostic_lib.inventory.grid.make_grid` (``attrs["grid"]``).

    Returns
    -------
    dict
        ``x0, y0, cell_size`` (float), ``nrow, ncol, cells`` (int).

    Raises
    ------
    ValueError
        When ``grid`` was not made by ``make_grid`` (no ``attrs["grid"]``).

    Examples
    --------
    >>> import shapely
    >>> from diagnostic_lib.inventory.grid import make_grid
    >>> g = make_grid(shapely.box(0, 0, 1000, 1000), cell_size=100, crs="EPSG:32188")
    >>> grid_params(g)["nrow"], grid_params(g)["cells"]
    (10, 100)
    """
    p = getattr(grid, "attrs", {}).get("grid")
    if not p:
        raise ValueError(
            "the cube needs a grid made by inventory.grid.make_grid (attrs['grid'] missing) / "
            "le cube demande une grille faite par inventory.grid.make_grid"
        )
    return {
        "x0": float(p["x0"]),
        "y0": float(p["y0"]),
        "cell_size": float(p["cell_size"]),
        "nrow": int(p["nrow"]),
        "ncol": int(p["ncol"]),
        "cells": len(grid),
    }


def lookup(grid: pd.DataFrame) -> np.ndarray:
    """Position in ``grid`` of each raster cell (``row * ncol + col``); :data:`OUTSIDE` if clipped.

    Examples
    --------
    >>> import shapely
    >>> from diagnostic_lib.inventory.grid import make_grid
    >>> g = make_grid(shapely.box(0, 0, 1000, 1000), cell_size=100, crs="EPSG:32188")
    >>> lookup(g)[:3].tolist()
    [0, 1, 2]
    """
    p = grid_params(grid)
    lut = np.full(p["nrow"] * p["ncol"], OUTSIDE, dtype="int64")
    raster = grid["row"].to_numpy(dtype="int64") * p["ncol"] + grid["col"].to_numpy(dtype="int64")
    lut[raster] = np.arange(len(grid), dtype="int64")
    return lut


def cell_positions(
    x: np.ndarray, y: np.ndarray, params: dict[str, Any], lut: np.ndarray
) -> np.ndarray:
    """The ``cell`` of each point: its grid position, -1 without a point, -2 outside.

    Parameters
    ----------
    x, y : numpy.ndarray of float
        Coordinates in the grid's CRS (NaN for an incident without a point).
    params : dict
        From :func:`grid_params`.
    lut : numpy.ndarray
        From :func:`lookup`.

    Returns
    -------
    numpy.ndarray of int64

    Examples
    --------
    >>> import shapely
    >>> from diagnostic_lib.inventory.grid import make_grid
    >>> g = make_grid(shapely.box(0, 0, 1000, 1000), cell_size=100, crs="EPSG:32188")
    >>> cell_positions(np.array([250.0]), np.array([120.0]), grid_params(g), lookup(g)).tolist()
    [12]
    """
    x = np.asarray(x, dtype="float64")
    y = np.asarray(y, dtype="float64")
    out = np.full(len(x), NO_POSITION, dtype="int64")
    has = np.isfinite(x) & np.isfinite(y)
    out[has] = OUTSIDE
    with np.errstate(invalid="ignore"):
        col = np.floor((x[has] - params["x0"]) / params["cell_size"])
        row = np.floor((y[has] - params["y0"]) / params["cell_size"])
    ok = (row >= 0) & (row < params["nrow"]) & (col >= 0) & (col < params["ncol"])
    idx = np.flatnonzero(has)[ok]
    out[idx] = lut[row[ok].astype("int64") * params["ncol"] + col[ok].astype("int64")]
    return out
