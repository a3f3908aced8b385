"""Repeat locations: counting only the locations seen often enough changes nothing."""

import geopandas as gpd
import numpy as np
import pandas as pd
import pytest
import shapely

from diagnostic_lib.inventory import places


def _every_row(x, y, min_count):
    return np.arange(len(x))  # the whole table grouped, as before the rows were picked


def _incidents(seed: int = 3, n: int = 4000) -> gpd.GeoDataFrame:
    rng = np.random.default_rng(seed)
    spots = rng.uniform(0, 3000, (300, 2)).round()
    at = rng.integers(0, len(spots), n)
    xy = spots[at] + rng.choice([0.0, 0.2, -0.3, 0.5, 7.0], (n, 2), p=[0.5, 0.2, 0.1, 0.1, 0.1])
    geom = list(shapely.points(xy))
    for k in range(0, n, 97):
        geom[k] = None  # no position
    for k in range(5, n, 131):
        geom[k] = shapely.Point()  # an empty point
    for k in range(7, n, 173):
        geom[k] = shapely.Point(np.nan, 10.0)  # a position without x
    t = pd.Timestamp("2024-01-01") + pd.to_timedelta(rng.integers(0, 700, n), unit="D")
    t = pd.Series(t).where(rng.random(n) > 0.03)  # some unknown times
    sector = pd.Series(rng.choice(["A", "B", "C"], n), dtype="str").where(rng.random(n) > 0.1)
    cats = pd.Series(rng.choice(["theft", "mischief", "assault", "fraud"], n), dtype="str")
    return gpd.GeoDataFrame(
        {"category": cats, "sector": sector, "occurred_from": t},
        geometry=geom,
        crs="EPSG:32188",
        index=pd.RangeIndex(10, 10 + n),
    )


@pytest.mark.parametrize("min_count", [0, 1, 2, 3, 8, 40, 10_000])
@pytest.mark.parametrize("top", [5, 50, 10_000])
def test_repeat_locations_equal_grouping_every_row(monkeypatch, min_count, top):
    inc = _incidents()
    got = places.repeat_locations(inc, top=top, min_count=min_count)
    monkeypatch.setattr(places, "_at_repeated", _every_row)
    want = places.repeat_locations(inc, top=top, min_count=min_count)
    pd.testing.assert_frame_equal(got, want)
    assert len(got) == min(top, len(want))


def test_repeat_locations_equal_grouping_every_row_on_the_sample(monkeypatch, diag):
    got = places.repeat_locations(diag.incidents, places=diag.places)
    monkeypatch.setattr(places, "_at_repeated", _every_row)
    pd.testing.assert_frame_equal(got, places.repeat_locations(diag.incidents, places=diag.places))
    assert len(got) and got["facility"].notna().any()


def test_repeated_positions_are_picked_whole():
    x = np.array([1.0, 2.0, 1.0, np.nan, 2.0, 1.0, 0.0, -0.0])
    y = np.array([5.0, 5.0, 5.0, 5.0, 6.0, 5.0, 9.0, 9.0])
    assert places._at_repeated(x, y, 3).tolist() == [0, 2, 5]
    assert places._at_repeated(x, y, 2).tolist() == [0, 2, 5, 6, 7]  # -0 is 0
    assert places._at_repeated(x, y, 1).tolist() == [0, 1, 2, 4, 5, 6, 7]
    assert places._at_repeated(x[:0], y[:0], 2).tolist() == []
