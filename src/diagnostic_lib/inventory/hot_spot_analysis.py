"""Hot spots: Getis–Ord Gi* on the grid (with FDR), its parameters in words, and kernel density.

:func:`hot_spots` computes Gi* with esda's formulas on a sparse neighbour
matrix cached per grid (:func:`_gi_matrix`), and calls ``esda.G_Local`` for
permutation p-values; :func:`_gi_star_max` gives the largest z-score of a
subset of events without building a whole table (the problem finder uses it).
:func:`kde_surface` is a quartic-kernel density on the same grid.
"""

from __future__ import annotations

import warnings
from typing import Any

import numpy as np
import pandas as pd

from .. import formatting as fmt
from .. import i18n, settings, stats
from ..cube import Cube
from .grid import (
    CELL_SIZE_M,
    _cached,
    _grid_key,
    _grid_neighbours,
    _located,
    _xy,
    grid_counts,
    make_grid,
)

NEIGHBOURHOOD: str = settings.default("hot_spot_neighbourhood")
PERMUTATIONS: int = settings.default("hot_spot_permutations")
SEED: int = settings.default("permutation_seed")
BANDWIDTH_M: float = settings.default("kde_bandwidth_m")

HOT_CLASSES = ("hot_99", "hot_95", "hot_90", "not_significant", "cold_90", "cold_95", "cold_99")


def _grid_weights(grid: pd.DataFrame, neighbourhood: str = "queen"):
    """Libpysal binary weights between grid cells sharing an edge (rook) or a corner (queen)."""
    import libpysal

    s, d = _grid_neighbours(grid, neighbourhood)
    splits = np.searchsorted(s, np.arange(len(grid) + 1))
    neighbors: dict[int, list[int]] = {
        i: d[splits[i] : splits[i + 1]].tolist() for i in range(len(grid))
    }
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")  # islands (cells cut off by the clip) are expected
        return libpysal.weights.W(neighbors, silence_warnings=True)


def _gi_matrix(grid: pd.DataFrame, neighbourhood: str = "queen") -> tuple[Any, np.ndarray]:
    """Binary Gi* weights (neighbours and the cell itself) as a CSR matrix, and each row's sum."""
    from scipy.sparse import csr_matrix

    def make() -> tuple[Any, np.ndarray]:
        s, d = _grid_neighbours(grid, neighbourhood)
        n = len(grid)
        diag = np.arange(n)
        m = csr_matrix(
            (np.ones(len(s) + n), (np.r_[s, diag], np.r_[d, diag])), shape=(n, n), dtype="float64"
        )
        m.sum_duplicates()
        m.sort_indices()
        card = np.asarray(m.sum(axis=1), dtype="float64").ravel()
        return m, card

    return _cached(_grid_key(grid, f"gi:{neighbourhood}"), make)


def _gi_star_z(statistic_sum: np.ndarray, card: np.ndarray, y_sum: float, y2_sum: float, n: int):
    """Gi* z-scores, binary weights with the cell itself (esda ``G_Local`` formulas, same order).

    ``statistic_sum`` is the sum of the counts over each cell's neighbourhood
    (itself included), ``card`` the size of that neighbourhood, ``y_sum`` and
    ``y2_sum`` the sums of the counts and of their squares over all ``n`` cells.
    """
    statistic = statistic_sum / y_sum
    empirical_mean = y_sum / n
    mean_of_squares = y2_sum / n
    empirical_variance = mean_of_squares - empirical_mean**2
    expected_value = card / n
    expected_variance = card * (n - card)
    expected_variance /= n - 1
    expected_variance *= 1 / n**2
    expected_variance *= empirical_variance / (empirical_mean**2)
    with np.errstate(divide="ignore", invalid="ignore"):
        return (statistic - expected_value) / np.sqrt(expected_variance)


def _csr_p(sums: np.ndarray, card: np.ndarray, total: float, n: int) -> np.ndarray:
    """Two-sided exact p-value of each neighbourhood's count under random placement.

    With ``total`` events placed at random over ``n`` cells, the events in a
    neighbourhood of ``card`` cells are binomial (``total``, ``card / n``): the
    probability of a count as far from its expectation as ``sums``, in the
    observed direction, doubled.

    Examples
    --------
    >>> _csr_p(np.array([0.0, 9.0]), np.array([9.0, 9.0]), 30.0, 100).round(3).tolist()
    [0.118, 0.002]
    """
    from scipy.stats import binom

    k = np.rint(sums).astype("int64")
    share = np.clip(card / n, 0.0, 1.0)
    total_n = int(round(total))
    up = binom.sf(k - 1, total_n, share)
    down = binom.cdf(k, total_n, share)
    return np.clip(2 * np.minimum(up, down), 0.0, 1.0)


def _gi_parts(
    grid: pd.DataFrame, neighbourhood: str = "queen"
) -> tuple[Any, np.ndarray, np.ndarray]:
    """Gi* matrix, neighbourhood sizes and the number of cells of each size."""
    m, card = _gi_matrix(grid, neighbourhood)
    return m, card, np.bincount(card.astype("int64"))


def _gi_star_max(cells: np.ndarray, parts: tuple[Any, np.ndarray, np.ndarray]) -> float:
    """Largest Gi* z-score over a grid of the events in grid positions ``cells`` (-1 = none).

    Equal to ``np.nanmax(hot_spots(...)["gi_z"])`` but touches only the cells near
    the events: cells far from every event all share the z-score of their
    neighbourhood size, computed once per size.
    """
    m, card, card_counts = parts
    n = len(card)
    cells = np.asarray(cells)
    cells = cells[cells >= 0]
    if len(cells) == 0 or n < 3:
        return np.nan
    occ, cnt = np.unique(cells, return_counts=True)
    cnt = cnt.astype("float64")
    y_sum = float(cnt.sum())
    y2_sum = float((cnt**2).sum())
    starts, ends = m.indptr[occ], m.indptr[occ + 1]
    lens = ends - starts
    idx = np.repeat(starts - np.cumsum(lens) + lens, lens) + np.arange(lens.sum())
    nbr = m.indices[idx]
    touched, inv = np.unique(nbr, return_inverse=True)
    sums = np.bincount(inv, weights=np.repeat(cnt, lens), minlength=len(touched))
    z = [_gi_star_z(sums, card[touched], y_sum, y2_sum, n)]
    left = card_counts - np.bincount(card[touched].astype("int64"), minlength=len(card_counts))
    sizes = np.flatnonzero(left > 0).astype("float64")
    if len(sizes):
        z.append(_gi_star_z(np.zeros(len(sizes)), sizes, y_sum, y2_sum, n))
    allz = np.concatenate(z)
    return np.nan if np.isnan(allz).all() else float(np.nanmax(allz))


def hot_spots(
    incidents: pd.DataFrame,
    area: Any = None,
    grid: pd.DataFrame | None = None,
    cell_size: float = CELL_SIZE_M,
    neighbourhood: str = NEIGHBOURHOOD,
    permutations: int = PERMUTATIONS,
    fdr: bool = True,
    seed: int = SEED,
) -> pd.DataFrame:
    """Getis–Ord Gi* hot and cold spots on a grid clipped to the municipality.

    Counts of located incidents per cell; Gi* (esda ``G_Local``, ``star=True``,
    binary weights ``transform="B"``) over the cell and its neighbours. Cells are
    classed hot/cold at 90/95/99 % from two-sided p-values (normal
    approximation, or ``permutations`` conditional permutations; never below
    the exact binomial p-value of the neighbourhood's count under random
    placement, which keeps a few events a cell from making hot spots), corrected
    for multiple testing with the Benjamini–Hochberg false-discovery rate when
    ``fdr`` is true. The analytic z-scores use esda's formulas on a sparse
    neighbour matrix cached per grid (the same numbers as ``esda.G_Local``, in
    a fraction of the time); permutations call ``esda.G_Local``. See
    docs/methods.md, *Hot spots*.

    Parameters
    ----------
    incidents : GeoDataFrame or Cube
        Canonical incidents, or their count cube built on ``grid``
        (:func:`diagnostic_lib.cube.build`): the same cell counts.
    area : GeoDataFrame or geometry
        The municipality (to build the grid), unless ``grid`` is given.
    grid : GeoDataFrame, optional
        From :func:`make_grid`.
    cell_size : float
        Metres (when the grid is built here).
    neighbourhood : {"queen", "rook"}
        Default: the ``hot_spot_neighbourhood`` setting.
    permutations : int
        0 for the analytic (normal) p-values (default: ``hot_spot_permutations``).
    fdr : bool
        Benjamini–Hochberg q-values.
    seed : int
        Seed of the permutations (default: ``permutation_seed``).

    Returns
    -------
    GeoDataFrame
        The grid with ``count, gi_z, p_value, q_value, hot_class``;
        ``attrs["parameters"]`` states every parameter used.

    Examples
    --------
    >>> import geopandas as gpd, numpy as np, shapely
    >>> rng = np.random.default_rng(0)
    >>> x = np.r_[rng.uniform(0, 2000, 200), rng.normal(500, 40, 150)]
    >>> y = np.r_[rng.uniform(0, 2000, 200), rng.normal(500, 40, 150)]
    >>> inc = gpd.GeoDataFrame(geometry=gpd.points_from_xy(x, y), crs="EPSG:32188")
    >>> hs = hot_spots(inc, area=shapely.box(0, 0, 2000, 2000), cell_size=200)
    >>> hottest = hs.loc[hs["count"].idxmax(), "hot_class"]
    >>> hottest.startswith("hot"), hs.attrs["parameters"]["cell_size_m"]
    (True, 200.0)
    """
    if grid is None:
        if area is None or isinstance(incidents, Cube):
            raise ValueError("hot_spots needs a grid with a cube, else an area or a grid")
        if (
            hasattr(area, "crs")
            and area.crs is not None
            and incidents.crs is not None
            and area.crs != incidents.crs
        ):
            raise ValueError("area and incidents must share the same CRS")
        grid = make_grid(area, cell_size, crs=getattr(incidents, "crs", None))
    counts = grid_counts(incidents, grid).to_numpy()
    return _hot_spots_of_counts(counts, grid, neighbourhood, permutations, fdr, seed)


def _hot_spots_of_counts(
    counts: np.ndarray,
    grid: pd.DataFrame,
    neighbourhood: str = NEIGHBOURHOOD,
    permutations: int = PERMUTATIONS,
    fdr: bool = True,
    seed: int = SEED,
) -> pd.DataFrame:
    """:func:`hot_spots` of the incidents counted per cell of ``grid`` (``counts``, aligned)."""
    from scipy.stats import norm

    out = grid.copy()
    y = np.asarray(counts).astype("float64")
    out["count"] = y.astype("int64")
    m, card = _gi_matrix(grid, neighbourhood)
    if y.sum() == 0 or len(y) < 3:
        out["gi_z"] = np.nan
        out["p_value"] = np.nan
    else:
        if permutations:
            import esda

            w = _grid_weights(grid, neighbourhood)
            with warnings.catch_warnings():
                warnings.simplefilter("ignore")
                g = esda.G_Local(
                    y, w, transform="B", star=True, permutations=permutations, seed=seed
                )
            z = np.asarray(g.Zs, dtype="float64")
        else:
            # esda's analytic Gi* (same formulas, same order) on the cached sparse matrix
            z = _gi_star_z(m @ y, card, float(y.sum()), float((y**2).sum()), len(y))
        out["gi_z"] = z
        if permutations:
            # esda's pseudo p-value is one-sided towards the observed tail: double it
            p = np.clip(2 * np.asarray(g.p_sim, dtype="float64"), 0, 1)
        else:
            p = 2 * norm.sf(np.abs(z))
        # and never below the exact test of the same neighbourhood sum under random
        # placement: at a few events a cell the normal (and permutations, among ties)
        # found "hot spots" in empty places
        out["p_value"] = np.fmax(p, _csr_p(m @ y, card, float(y.sum()), len(y)))
    out["q_value"] = stats.bh_qvalues(out["p_value"]) if fdr else out["p_value"]
    q = out["q_value"].to_numpy()
    z = out["gi_z"].to_numpy()
    cls = np.full(len(out), "not_significant", dtype=object)
    for lvl, tag in ((0.10, "90"), (0.05, "95"), (0.01, "99")):
        sig = np.nan_to_num(q, nan=1.0) < lvl
        cls[sig & (z > 0)] = f"hot_{tag}"
        cls[sig & (z < 0)] = f"cold_{tag}"
    out["hot_class"] = cls
    out.attrs["parameters"] = {
        "method": "Getis-Ord Gi* (esda.G_Local, star=True, transform='B')",
        "cell_size_m": float(grid.attrs["grid"]["cell_size"]),
        "cells": int(len(out)),
        "neighbourhood": neighbourhood,
        "p_values": (
            f"{permutations} permutations" if permutations else "normal approximation, two-sided"
        )
        + ", at least the exact binomial under random placement",
        "permutations": int(permutations),
        "multiple_testing": "Benjamini-Hochberg FDR" if fdr else "none",
        "incidents_located": int(y.sum()),
        "seed": seed,
    }
    return out


def hot_cells(hs: pd.DataFrame) -> pd.DataFrame:
    """The cells of a hot-spot table that are hot (at any confidence), index kept.

    Parameters
    ----------
    hs : DataFrame
        From :func:`hot_spots` (its ``hot_class``).

    Returns
    -------
    DataFrame
        The rows whose class is ``hot_99``, ``hot_95`` or ``hot_90``.

    Examples
    --------
    >>> hs = pd.DataFrame({"hot_class": ["hot_95", "not_significant", "cold_90", "hot_99"]})
    >>> hot_cells(hs).index.tolist()
    [0, 3]
    """
    return hs[hs["hot_class"].astype(str).isin(HOT_CLASSES[:3])]


def hot_spot_parameters_text(hs: pd.DataFrame, lang: str = "fr") -> str:
    """The parameters of a hot-spot analysis as a sentence (for maps and reports).

    Parameters
    ----------
    hs : GeoDataFrame
        From :func:`hot_spots` (its ``attrs["parameters"]`` are read).
    lang : {"fr", "en"}
        Language (numbers by :mod:`diagnostic_lib.formatting`).

    Returns
    -------
    str

    Examples
    --------
    >>> import geopandas as gpd, shapely
    >>> inc = gpd.GeoDataFrame(geometry=gpd.points_from_xy([10], [10]), crs="EPSG:32188")
    >>> import warnings; warnings.simplefilter("ignore")
    >>> hs = hot_spots(inc, area=shapely.box(0, 0, 1000, 1000), cell_size=100)
    >>> hot_spot_parameters_text(hs, "en")[:33]
    'Getis–Ord Gi*, 100 m cells (100 c'
    """
    p = hs.attrs.get("parameters", {})
    if "perm" in str(p.get("p_values")):
        n = p.get("permutations", str(p.get("p_values")).split()[0])
        p_values = i18n.t("inventory.gi.p.permutations", lang, n=fmt.integer(n, lang))
    else:
        p_values = i18n.t("inventory.gi.p.normal", lang)
    fdr = "FDR" in str(p.get("multiple_testing"))
    text = i18n.t(
        "inventory.gi.text",
        lang,
        cell=fmt.number(p.get("cell_size_m", 0), lang),
        cells=fmt.integer(p.get("cells", 0), lang),
        neighbourhood=i18n.label("inventory.gi.neighbourhood", p.get("neighbourhood"), lang),
        p_values=p_values,
        correction=i18n.t("inventory.gi.correction." + ("fdr" if fdr else "none"), lang),
    )
    fewest = fewest_significant_cells(int(p.get("permutations", 0)), int(p.get("cells", 0)))
    if fdr and fewest > 1:
        n = fmt.integer(p.get("permutations", 0), lang)
        text += " " + i18n.t("inventory.gi.p.too_few", lang, n=n, k=fmt.integer(fewest, lang))
    return text


def fewest_significant_cells(permutations: int, cells: int, level: float = 0.10) -> int:
    """Fewest cells sharing the smallest permutation p-value for any to pass BH at ``level``.

    The smallest two-sided p-value of ``permutations`` permutations is
    ``2 / (permutations + 1)``; Benjamini–Hochberg over ``cells`` tests passes it
    only when at least ``cells · p / level`` of them have it. With too few
    permutations a small cluster can never be a hot spot (0: the normal
    approximation, no such floor).

    Examples
    --------
    >>> fewest_significant_cells(999, 625), fewest_significant_cells(9999, 625)
    (13, 2)
    >>> fewest_significant_cells(0, 625)
    0
    """
    if permutations <= 0 or cells <= 0:
        return 0
    return int(np.ceil(cells * (2.0 / (permutations + 1)) / level - 1e-9))


def kde_surface(
    incidents: pd.DataFrame, grid: pd.DataFrame, bandwidth: float = BANDWIDTH_M
) -> pd.Series:
    """Kernel density (quartic kernel) of located incidents on a grid, per km².

    The counts are put on the full raster and convolved with a quartic
    (biweight) kernel of radius ``bandwidth`` metres (FFT), then read back at
    the grid's cells. Edge effects are not corrected.

    Parameters
    ----------
    incidents : GeoDataFrame
        Canonical incidents (only located ones count).
    grid : GeoDataFrame
        From :func:`make_grid`.
    bandwidth : float
        Radius of the kernel in metres (default: the ``kde_bandwidth_m`` setting).

    Returns
    -------
    Series
        Density (incidents per km²), aligned with ``grid``.

    Examples
    --------
    >>> import shapely, geopandas as gpd
    >>> import warnings; warnings.simplefilter("ignore")
    >>> g = make_grid(shapely.box(0, 0, 2000, 2000), cell_size=100, crs="EPSG:32188")
    >>> xy = gpd.points_from_xy([1050] * 10, [1050] * 10)
    >>> inc = gpd.GeoDataFrame(geometry=xy, crs="EPSG:32188")
    >>> d = kde_surface(inc, g, bandwidth=300)
    >>> round(float(d.sum() * 0.01), 1)   # cells of 0.01 km²: the mass is the 10 incidents
    10.0
    """
    from scipy.signal import fftconvolve

    p = grid.attrs["grid"]
    cs = p["cell_size"]
    loc = _located(incidents)
    x, y = _xy(loc)
    col = np.floor((x - p["x0"]) / cs).astype("int64")
    row = np.floor((y - p["y0"]) / cs).astype("int64")
    ok = (row >= 0) & (row < p["nrow"]) & (col >= 0) & (col < p["ncol"])
    raster = np.zeros((p["nrow"], p["ncol"]))
    np.add.at(raster, (row[ok], col[ok]), 1.0)
    r = int(np.ceil(bandwidth / cs))
    yy, xx = np.mgrid[-r : r + 1, -r : r + 1] * cs
    d2 = (xx**2 + yy**2) / bandwidth**2
    k = np.where(d2 < 1, (1 - d2) ** 2, 0.0)
    if k.sum() == 0:
        k[r, r] = 1.0
    k = k / k.sum()
    dens = fftconvolve(raster, k, mode="same")
    dens = np.clip(dens, 0, None) / (cs * cs / 1e6)
    return pd.Series(
        dens[grid["row"].to_numpy(), grid["col"].to_numpy()], index=grid.index, name="density_km2"
    )
