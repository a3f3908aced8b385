"""Safety-walk observations beside the gaps of step 2 (*marches exploratoires*).

A gap (a priority problem without enough coverage, a sector with many
problems and few measures) backed by residents' observations on a safety walk
— a dark passage, a hiding place — is a gap with a lead for its remedy.
:func:`problem_walk_gaps` adds the observations in each problem's area
(:func:`diagnostic_lib.inventory.walk_counts`) to the problem gap rows;
:func:`sector_walk_counts` counts the observations of each sector and
:func:`sector_walk_gaps` adds them to the sector gap rows.

Examples
--------
>>> import geopandas as gpd, shapely
>>> sec = gpd.GeoDataFrame({"sector_id": ["A", "B"]},
...     geometry=[shapely.box(0, 0, 10, 10), shapely.box(10, 0, 20, 10)])
>>> w = gpd.GeoDataFrame({"category": ["lighting", "neglect"], "severity": [3.0, 1.0]},
...     geometry=[shapely.Point(5, 5), shapely.Point(15, 5)])
>>> sector_walk_counts(sec, w)[["walk_observations", "walk_lighting"]].values.tolist()
[[1, 1], [1, 0]]
"""

from __future__ import annotations

import numpy as np
import pandas as pd

from .. import inventory


def problem_walk_gaps(gaps: pd.DataFrame, walk_counts: pd.DataFrame | None) -> pd.DataFrame:
    """The problem gap rows with the walk observations in each problem's area.

    Parameters
    ----------
    gaps : DataFrame
        Problem rows with ``problem_id`` (:func:`coverage_gaps`, or the whole
        :func:`problem_coverage` table).
    walk_counts : DataFrame or None
        From :func:`diagnostic_lib.inventory.walk_counts` (by ``problem_id``);
        ``None``: every count is 0.

    Returns
    -------
    DataFrame
        ``gaps`` (same index and order) with the columns of
        :func:`~diagnostic_lib.inventory.walk_count_columns` (integers).

    Examples
    --------
    >>> g = pd.DataFrame({"problem_id": ["P2", "P1"], "gap": [True, True]})
    >>> c = pd.DataFrame({"walk_observations": [3]}, index=pd.Index(["P1"], name="problem_id"))
    >>> problem_walk_gaps(g, c)["walk_observations"].tolist()
    [0, 3]
    """
    out = gaps.copy()
    ids = gaps["problem_id"].astype(str)
    for col in inventory.walk_count_columns():
        if walk_counts is not None and col in walk_counts.columns:
            vals = ids.map(walk_counts[col]).fillna(0).astype("int64").to_numpy()
        else:
            vals = np.zeros(len(gaps), dtype="int64")
        out[col] = vals
    return out


def sector_walk_counts(sectors: pd.DataFrame, walks: pd.DataFrame | None) -> pd.DataFrame:
    """Walk observations in each sector, by category and severity.

    An observation counts in every sector it touches (a line may cross two).

    Parameters
    ----------
    sectors : GeoDataFrame
        Canonical sectors.
    walks : GeoDataFrame or None
        From :func:`diagnostic_lib.loaders.load_walks`.

    Returns
    -------
    DataFrame
        One row per sector (sectors' order): ``sector`` and the columns of
        :func:`~diagnostic_lib.inventory.walk_count_columns`.

    Examples
    --------
    >>> import geopandas as gpd, shapely
    >>> sec = gpd.GeoDataFrame({"sector_id": ["A"]}, geometry=[shapely.box(0, 0, 10, 10)])
    >>> sector_walk_counts(sec, None)["walk_observations"].tolist()
    [0]
    """
    import geopandas as gpd

    areas = gpd.GeoDataFrame(
        {"problem_id": sectors["sector_id"].astype(str).to_numpy(), "kind": "area"},
        geometry=np.asarray(sectors.geometry.array, dtype=object),
    )
    counts = inventory.walk_counts(areas, walks, reach_m=0.0)
    return counts.reset_index().rename(columns={"problem_id": "sector"})


def sector_walk_gaps(
    sector_gaps: pd.DataFrame, sectors: pd.DataFrame, walks: pd.DataFrame | None
) -> pd.DataFrame:
    """The sector gap rows (:func:`sector_gaps`) with each sector's walk observations.

    Examples
    --------
    >>> import geopandas as gpd, shapely
    >>> sec = gpd.GeoDataFrame({"sector_id": ["A"]}, geometry=[shapely.box(0, 0, 10, 10)])
    >>> w = gpd.GeoDataFrame({"category": ["hiding_place"], "severity": [2.0]},
    ...     geometry=[shapely.Point(1, 1)])
    >>> g = pd.DataFrame({"sector": ["A"], "flag": [True]})
    >>> cols = ["sector", "walk_hiding_place", "walk_severity_2"]
    >>> sector_walk_gaps(g, sec, w)[cols].values.tolist()
    [['A', 1, 1]]
    """
    counts = sector_walk_counts(sectors, walks).set_index("sector")
    out = sector_gaps.copy()
    ids = sector_gaps["sector"].astype(str)
    for col in counts.columns:
        out[col] = ids.map(counts[col]).fillna(0).astype("int64").to_numpy()
    return out
