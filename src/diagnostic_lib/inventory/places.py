"""Concentration of incidents over places: counts per place, Gini, the "80/20" table, risky places.

Places are grid cells (zeros included, see :mod:`.grid`) or exact locations
(rounded to the metre). :func:`repeat_locations` lists the places where
incidents repeat, named after the facility next to them when ``places`` is given.
"""

from __future__ import annotations

import warnings
from collections.abc import Sequence
from typing import Any

import numpy as np
import pandas as pd
from scipy import stats as _st

from .. import formatting as fmt
from .. import i18n, settings, stats
from .grid import CELL_SIZE_M, GridWarning, _located, _xy, grid_counts, make_grid

REPEAT_TOP: int = settings.default("repeat_top")
REPEAT_MIN_COUNT: int = settings.default("repeat_min_count")
REPEAT_FACILITY_M: float = settings.default("repeat_facility_m")


def place_counts(
    incidents: pd.DataFrame,
    unit: str = "grid",
    grid: pd.DataFrame | None = None,
    cell_size: float = CELL_SIZE_M,
    area: Any = None,
) -> pd.Series:
    """Incidents per place: grid cells (zeros included) or exact locations.

    ``unit="location"`` counts distinct positions (rounded to the metre); only
    places with at least one incident are known then. With no zero-count place,
    ``n ≤ C`` and the generalised Gini equals the Gini: neither says how
    concentrated crime is over *all* potential places. Use the grid (cells with no
    incident included) for that; locations are for repeat-location lists.

    Parameters
    ----------
    incidents : GeoDataFrame
        Canonical incidents (only located ones count).
    unit : {"grid", "location"}
        Places: grid cells or exact locations.
    grid : GeoDataFrame, optional
        From :func:`make_grid` (built here over ``area`` when not given).
    cell_size : float
        Metres, when the grid is built here (default: the ``grid_cell_m`` setting).
    area : GeoDataFrame or geometry, optional
        The municipality, to build the grid.

    Returns
    -------
    Series
        Incidents per place.

    Examples
    --------
    >>> import geopandas as gpd
    >>> inc = gpd.GeoDataFrame(geometry=gpd.points_from_xy([0, 0, 5], [0, 0, 5]), crs="EPSG:32188")
    >>> place_counts(inc, unit="location").tolist()
    [2, 1]
    """
    if unit == "grid":
        if grid is None:
            if area is None:
                raise ValueError("place_counts(unit='grid') needs a grid or an area")
            with warnings.catch_warnings():
                warnings.simplefilter("ignore", GridWarning)
                grid = make_grid(area, cell_size)
        return grid_counts(incidents, grid)
    if unit == "location":
        x, y = _xy(_located(incidents))
        key = pd.DataFrame({"x": np.round(x), "y": np.round(y)})
        return (
            key.groupby(["x", "y"])
            .size()
            .sort_values(ascending=False, kind="stable")
            .rename("count")
            .reset_index(drop=True)
        )
    raise ValueError("unit must be 'grid' or 'location'")


def _chance_pmf(mean: float) -> tuple[np.ndarray, np.ndarray]:
    """Counts 0…K and their Poisson probabilities at ``mean`` (K far in the tail)."""
    k = np.arange(int(mean + 12 * np.sqrt(mean) + 30))
    return k, _st.poisson.pmf(k, mean)


def chance_share(share_places: float, places: int, incidents: float) -> float:
    """The share of incidents the busiest ``share_places`` of places hold by chance alone.

    The incidents put at random on the places, each place as likely as any other
    (counts Poisson of mean ``incidents / places``): with about one incident a place,
    chance alone puts half of them in a fifth of the places. What a concentration
    is read against (Bernasco & Steenbeek 2017; Chalfin, Kaplan & Cuellar 2021).

    Examples
    --------
    >>> round(chance_share(0.2, 2000, 2000), 2), round(chance_share(0.2, 2000, 100_000), 2)
    (0.5, 0.24)
    """
    if places <= 0 or incidents <= 0:
        return float("nan")
    mean = incidents / places
    k, pmf = _chance_pmf(mean)
    above = np.cumsum(pmf[::-1])[::-1]  # P(X >= k)
    # the busiest places: every count above the cut, and part of the places at the cut
    j = int(np.searchsorted(-above, -share_places, side="right"))  # first k with P(X>=k) < q
    held = float(np.sum(k[j:] * pmf[j:]))
    if j > 0:
        held += (share_places - float(above[j] if j < len(above) else 0.0)) * (j - 1)
    return min(held / mean, 1.0)


def chance_gini(places: int, incidents: float) -> float:
    """The Gini coefficient of the counts when the incidents fall at random on the places.

    Examples
    --------
    >>> round(chance_gini(2000, 2000), 2), round(chance_gini(2000, 20_000), 2)
    (0.52, 0.18)
    """
    if places <= 0 or incidents <= 0:
        return float("nan")
    mean = incidents / places
    k, pmf = _chance_pmf(mean)
    # E|X − Y| over two independent places, / (2 mean)
    cdf = np.cumsum(pmf)
    return float(np.sum(cdf[:-1] * (1 - cdf[:-1])) / mean)


def concentration(place_count: pd.Series | np.ndarray) -> dict[str, float]:
    """Concentration summary of incidents over places, with what chance alone would give.

    Returns
    -------
    dict
        ``places``, ``incidents``, ``gini``, ``gini_small_sample`` (× n/(n−1), the
        unbiased form for few places), ``generalised_gini``,
        ``places_with_incidents`` and ``gini_chance`` (:func:`chance_gini`: the Gini
        of the same incidents put at random on the same places; with about one
        incident a place, 0.52 with no concentration of risk at all).

    Examples
    --------
    >>> concentration([10, 8, 2] + [0] * 7)["gini"]
    0.78
    """
    x = np.asarray(place_count, dtype="float64")
    return {
        "places": int(len(x)),
        "places_with_incidents": int((x > 0).sum()),
        "incidents": int(x.sum()),
        "gini": round(stats.gini(x), 4),
        "gini_small_sample": round(stats.small_sample_gini(x), 4),
        "generalised_gini": round(stats.generalised_gini(x), 4),
        "gini_chance": round(chance_gini(len(x), float(x.sum())), 4),
    }


def concentration_table(
    place_count: pd.Series | np.ndarray,
    incident_shares: Sequence[float] = (0.25, 0.5, 0.8),
    place_shares: Sequence[float] = (0.01, 0.05, 0.10, 0.20),
    lang: str = "fr",
) -> pd.DataFrame:
    """The "80/20" table: which share of places holds which share of incidents.

    Two questions, one row each: the fewest places that hold each share of
    ``incident_shares`` (``question = "incidents"``), and the share of incidents
    the busiest ``place_shares`` of places hold (``question = "places"``). The
    text names the number of places, so that the two lists agree when a
    percentage is rounded.

    Each row says beside it what chance alone would give
    (``share_incidents_chance``, :func:`chance_share`): with few incidents a place,
    random placement alone "concentrates" them.

    Returns
    -------
    DataFrame
        ``question, places, share_places, share_incidents, share_incidents_chance,
        text`` (e.g. "40 lieux sur 812 (4,9 %) concentrent 48 % des incidents (au
        hasard : 9 %)", numbers by :mod:`diagnostic_lib.formatting`).

    Examples
    --------
    >>> counts = [50, 30, 10, 5, 5] + [0] * 5
    >>> t = concentration_table(counts, incident_shares=(0.8,), place_shares=(0.1,), lang="en")
    >>> t["text"].tolist()[0]
    '2 places of 10 (20%) hold 80% of incidents (by chance alone: 29%)'
    >>> t["question"].tolist()
    ['incidents', 'places']
    """
    x = np.sort(np.asarray(place_count, dtype="float64"))[::-1]
    n, total = len(x), x.sum()
    rows = []
    if n and total > 0:
        cum = np.cumsum(x) / total
        for s in incident_shares:
            k = int(np.searchsorted(cum, s - 1e-12) + 1)
            rows.append(("incidents", k, k / n, float(cum[k - 1])))
        for s in place_shares:
            k = max(int(np.floor(s * n)), 1)
            rows.append(("places", k, k / n, float(cum[k - 1])))
    out = pd.DataFrame(rows, columns=["question", "places", "share_places", "share_incidents"])
    out["share_incidents_chance"] = [chance_share(p, n, total) for p in out["share_places"]]
    out["text"] = [
        i18n.t(
            "inventory.concentration.chance",
            lang,
            text=i18n.t(
                "inventory.concentration.one" if k == 1 else "inventory.concentration",
                lang,
                n=fmt.integer(k, lang),
                total=fmt.integer(n, lang),
                places=fmt.percent(p, lang, digits=1 if p < 0.1 else 0),
                incidents=fmt.percent(i, lang),
            ),
            chance=fmt.percent(c, lang),
        )
        for k, p, i, c in zip(
            out["places"],
            out["share_places"],
            out["share_incidents"],
            out["share_incidents_chance"],
            strict=True,
        )
    ]
    return out


def _at_repeated(x: np.ndarray, y: np.ndarray, min_count: int) -> np.ndarray:
    """Positions (in order) of the points whose ``(x, y)`` occurs at least ``min_count`` times.

    Every point of such a location is kept, so that anything computed per location
    afterwards is the same as over all the points; points with a missing coordinate
    belong to no location. Linear (hash) work: most locations have a single point.

    Examples
    --------
    >>> _at_repeated(np.array([1.0, 2.0, 1.0, np.nan]), np.array([5.0, 5.0, 5.0, 5.0]), 2).tolist()
    [0, 2]
    """
    cx, _ = pd.factorize(x)
    cy, uy = pd.factorize(y)
    ok = (cx >= 0) & (cy >= 0)
    group, _ = pd.factorize(np.where(ok, cx.astype("int64") * max(len(uy), 1) + cy, -1))
    count = np.bincount(group[ok], minlength=int(group.max()) + 1 if len(group) else 0)
    return np.flatnonzero(ok & (count[group] >= max(int(min_count), 1)))


def repeat_locations(
    incidents: pd.DataFrame,
    top: int = REPEAT_TOP,
    min_count: int = REPEAT_MIN_COUNT,
    places: pd.DataFrame | None = None,
    facility_distance: float = REPEAT_FACILITY_M,
) -> pd.DataFrame:
    """The top repeat locations (risky places).

    Positions are grouped to the metre. With ``places`` (bars, parking lots …)
    each location is named after the nearest facility within
    ``facility_distance`` metres.

    Parameters
    ----------
    incidents : GeoDataFrame
        Canonical incidents (only located ones count).
    top : int
        Locations listed (default: the ``repeat_top`` setting).
    min_count : int
        Fewest incidents at a location (default: ``repeat_min_count``).
    places : GeoDataFrame, optional
        Facilities (``name``, ``kind``).
    facility_distance : float
        Metres (default: ``repeat_facility_m``).

    Returns
    -------
    GeoDataFrame
        ``count, categories, top_category, sector, first, last, facility,
        facility_kind, geometry``, sorted by decreasing count.

    Examples
    --------
    >>> import geopandas as gpd, pandas as pd
    >>> inc = gpd.GeoDataFrame({"category": ["theft"] * 3 + ["mischief"], "sector": ["A"] * 4,
    ...     "occurred_from": pd.to_datetime(["2024-01-01"] * 4)},
    ...     geometry=gpd.points_from_xy([0, 0, 0, 9], [0, 0, 0, 9]), crs="EPSG:32188")
    >>> repeat_locations(inc, min_count=2)[["count", "top_category"]].values.tolist()
    [[3, 'theft']]
    """
    import geopandas as gpd
    import shapely

    loc = _located(incidents[["category", "sector", "occurred_from", incidents.geometry.name]])
    x, y = _xy(loc)
    x, y = np.round(x), np.round(y)
    rows = _at_repeated(x, y, min_count)  # only the rows of a location counted enough
    df = pd.DataFrame(
        {
            "x": x[rows],
            "y": y[rows],
            "category": loc["category"].array[rows],
            "sector": loc["sector"].array[rows],
            "t": loc["occurred_from"].array[rows],
        }
    )
    g = df.groupby(["x", "y"])
    agg = g.agg(
        count=("category", "size"),
        categories=("category", "nunique"),
        sector=("sector", "first"),
        first=("t", "min"),
        last=("t", "max"),
    )
    agg = agg[agg["count"] >= min_count]
    if len(agg):
        # most frequent category of each location, ties to the first seen (as value_counts)
        rows = df.merge(agg.reset_index()[["x", "y"]], on=["x", "y"])
        rows["pos"] = np.arange(len(rows))
        per = rows.groupby(["x", "y", "category"], sort=False, observed=True).agg(
            n=("pos", "size"), first=("pos", "min")
        )
        per = per.reset_index().sort_values(
            ["x", "y", "n", "first"], ascending=[True, True, False, True], kind="stable"
        )
        topcat = per.drop_duplicates(["x", "y"]).set_index(["x", "y"])["category"]
        agg["top_category"] = topcat.reindex(agg.index)
    else:
        agg["top_category"] = pd.Series(dtype="str")
    agg = (
        agg.sort_values(["count", "categories"], ascending=[False, False], kind="stable")
        .head(top)
        .reset_index()
    )
    out = gpd.GeoDataFrame(
        agg, geometry=gpd.points_from_xy(agg["x"], agg["y"]), crs=incidents.crs
    ).drop(columns=["x", "y"])
    out["facility"] = None
    out["facility_kind"] = None
    if places is not None and len(places) and len(out):
        tree = shapely.STRtree(np.asarray(places.geometry.array))
        i, j = tree.query_nearest(
            np.asarray(out.geometry.array), max_distance=facility_distance, all_matches=False
        )
        out.loc[out.index[i], "facility"] = places["name"].to_numpy()[j]
        out.loc[out.index[i], "facility_kind"] = places["kind"].to_numpy()[j]
    return out
