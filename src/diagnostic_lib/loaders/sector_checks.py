"""Checks of a sectors layer as a whole: overlapping polygons, implausible populations.

Sectors are the denominators of every rate. Two sectors that overlap count the
residents (and the incidents) of the shared area twice; a population read in the
wrong unit (``1.2`` for 1,200, thousands for units) gives rates a thousand times
off. Neither stops a diagnosis, so both are flagged in the ledger, with the
overlapping area or the density that gave them away.

Examples
--------
>>> import shapely
>>> geoms = [shapely.box(0, 0, 1000, 1000), shapely.box(500, 0, 1500, 1000)]
>>> sector_overlaps(geoms, ["A", "B"])
  sector_id other_id  area_m2  share
0         A        B 500000.0    0.5
"""

from __future__ import annotations

from collections.abc import Sequence
from typing import Any

import numpy as np
import pandas as pd

from .. import settings
from .parsing import parse_counts


def sector_overlaps(
    geoms: Sequence[Any], ids: Sequence[str], min_share: float | None = None
) -> pd.DataFrame:
    """Pairs of sectors whose polygons overlap by more than a share of the smaller one.

    Parameters
    ----------
    geoms : sequence of shapely geometries
        The sectors' polygons (``None`` for a sector without one), in a metric CRS.
    ids : sequence of str
        Their ids, aligned with ``geoms``.
    min_share : float, optional
        Smallest overlap, as a share of the smaller polygon's area, that counts
        (default: the ``sector_overlap_share`` tunable); slivers below it are
        digitising noise.

    Returns
    -------
    DataFrame
        One row per overlapping pair (``sector_id`` < position of ``other_id``):
        ``sector_id``, ``other_id``, ``area_m2`` (the shared area) and ``share``
        (of the smaller sector).

    Examples
    --------
    >>> import shapely
    >>> sector_overlaps([shapely.box(0, 0, 10, 10), shapely.box(10, 0, 20, 10)], ["A", "B"])
    Empty DataFrame
    Columns: [sector_id, other_id, area_m2, share]
    Index: []
    """
    import shapely

    share_min = settings.default("sector_overlap_share") if min_share is None else min_share
    arr = np.array([g if g is not None else shapely.Polygon() for g in geoms], dtype=object)
    names = np.asarray(ids, dtype=object)
    cols = ["sector_id", "other_id", "area_m2", "share"]
    if len(arr) < 2:
        return pd.DataFrame(columns=cols)
    left, right = shapely.STRtree(arr).query(arr, predicate="intersects")
    pair = left < right
    left, right = left[pair], right[pair]
    if len(left) == 0:
        return pd.DataFrame(columns=cols)
    area = shapely.area(shapely.intersection(arr[left], arr[right]))
    smaller = np.minimum(shapely.area(arr[left]), shapely.area(arr[right]))
    share = np.divide(area, smaller, out=np.zeros_like(area), where=smaller > 0)
    keep = (area > 0) & (share > share_min)
    return pd.DataFrame(
        {
            "sector_id": names[left[keep]],
            "other_id": names[right[keep]],
            "area_m2": area[keep],
            "share": share[keep],
        }
    ).reset_index(drop=True)


def population_density(population: np.ndarray, geoms: Sequence[Any]) -> np.ndarray:
    """Residents per km² of each sector (NaN without a population or an area).

    Examples
    --------
    >>> import shapely
    >>> population_density(np.array([500.0, np.nan]), [shapely.box(0, 0, 1000, 1000)] * 2)
    array([500.,  nan])
    """
    import shapely

    area = np.array([shapely.area(g) if g is not None else 0.0 for g in geoms], dtype="float64")
    pop = np.asarray(population, dtype="float64")
    return np.divide(pop, area / 1e6, out=np.full(len(pop), np.nan), where=area > 0)


def density_text(density: np.ndarray) -> np.ndarray:
    """Densities as the ledger shows them, the same in both languages (``1 200 000 /km²``).

    Examples
    --------
    >>> density_text(np.array([1200000.0, np.nan])).tolist()
    ['1\u202f200\u202f000 /km²', '']
    """
    return np.array(
        [f"{d:,.0f} /km²".replace(",", "\u202f") if np.isfinite(d) else "" for d in density],
        dtype=object,
    )


def read_bases(ctx: Any, bases: Sequence[str]) -> dict[str, np.ndarray]:
    """Read the rate bases (``dwellings``…) a config declares, where the file has their column.

    Each value is read as a count (``1 200``, ``1,200``); an unreadable or
    negative one is flagged (``value_invalid``, ``value_out_of_range``) and
    dropped, and a row left without one is flagged ``denominator_missing``
    (naming the file, the row and the column): the row is kept, the sector has
    no rate on that base. A base whose column the file lacks is not returned.

    Parameters
    ----------
    ctx : loader context
        The loader's reading context (its rows, fields and ledger).
    bases : sequence of str
        Codes of :data:`diagnostic_lib.denominators.DENOMINATORS` other than residents.

    Returns
    -------
    dict
        Base → float array aligned with the file's rows (NaN where none).

    Examples
    --------
    >>> import geopandas as gpd, shapely
    >>> from diagnostic_lib.loaders import load_sectors
    >>> g = gpd.GeoDataFrame({"id": ["A", "B"], "logements": ["1 200", "n/d"]},
    ...     geometry=[shapely.box(0, 0, 9, 9), shapely.box(9, 0, 18, 9)], crs=32188)
    >>> sec, led = load_sectors(g, denominators=["dwellings"])
    >>> e = led.entries.set_index("column")
    >>> sec["dwellings"].tolist(), e.loc[["logements"], ["row", "reason"]].values.tolist()
    ([1200.0, nan], [[2, 'value_invalid']])
    """
    out: dict[str, np.ndarray] = {}
    for base in bases:
        if not ctx.has(base):
            continue
        values, bad = parse_counts(ctx.col(base))
        shown = ctx.text(base)
        ctx.flag(bad, base, "value_invalid", values=shown)
        negative = np.isfinite(values) & (values < 0)
        ctx.flag(negative, base, "value_out_of_range", values=shown)
        values = np.where(negative, np.nan, values)
        ctx.flag(~np.isfinite(values) & ~bad & ~negative, base, "denominator_missing")
        out[base] = values.astype("float64")
    return out
