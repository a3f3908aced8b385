"""The incidents' points as numbers (:mod:`diagnostic_lib._points`), and their readers."""

from __future__ import annotations

import pickle

import geopandas as gpd
import numpy as np
import pandas as pd
import pytest
import shapely

from diagnostic_lib import _points, inventory
from diagnostic_lib.evaluation._common import _xy_points
from diagnostic_lib.inventory import grid as grid_mod
from diagnostic_lib.inventory import register


def awkward(diag) -> gpd.GeoDataFrame:
    """The sample's incidents with every kind of point a reader must tell apart.

    Missing points, empty points, points far outside the region, 200 points at
    the very same position, and a non-default index.
    """
    inc = diag.incidents.copy()
    rng = np.random.default_rng(7)
    geoms = np.asarray(inc.geometry.array, dtype=object).copy()
    k = rng.permutation(np.flatnonzero(~shapely.is_missing(geoms)))
    geoms[k[:300]] = None
    geoms[k[300:400]] = shapely.Point()  # empty: not located, yet not missing
    geoms[k[400:450]] = shapely.points(shapely.get_coordinates(geoms[k[400:450]]) + 50_000.0)
    geoms[k[450:650]] = geoms[k[650]]
    inc = inc.set_geometry(gpd.GeoSeries(geoms, index=inc.index, crs=inc.crs))
    inc.index = pd.RangeIndex(10, 10 + 3 * len(inc), 3)
    return inc


COLUMNS = ("occurred_from", "occurred_to", "category", "family", "sector", "shift")
TEXT = COLUMNS[2:]


@pytest.fixture(scope="module")
def both(diag):
    inc = awkward(diag)
    return inc, _points.point_table(inc, COLUMNS, text=TEXT)


def test_points_of_tells_missing_empty_and_located_apart():
    g = gpd.GeoDataFrame(
        {"a": [1, 2, 3, 4]},
        geometry=[shapely.Point(1, 2), None, shapely.Point(), shapely.Point(3, 4)],
        index=[9, 8, 7, 6],
    )
    what, x, y = _points.points_of(g)
    assert what.tolist() == [_points.LOCATED, _points.MISSING, _points.EMPTY, _points.LOCATED]
    np.testing.assert_array_equal(x, [1.0, np.nan, np.nan, 3.0])
    np.testing.assert_array_equal(y, [2.0, np.nan, np.nan, 4.0])
    assert _points.located(g).tolist() == [True, False, False, True]
    t = _points.point_table(g, ["a"])
    assert list(t.columns) == ["a", "x", "y", "point"] and t.index.tolist() == [9, 8, 7, 6]
    for got, want in zip(_points.points_of(t), (what, x, y), strict=True):
        np.testing.assert_array_equal(got, want)
    assert _points.located(t).tolist() == [True, False, False, True]
    assert _points.point_columns(g) == ["geometry"] and _points.point_columns(t) == [
        "x",
        "y",
        "point",
    ]
    # a point table of a point table keeps its points
    again = _points.point_table(t, ["a", "x", "y", "point"])
    pd.testing.assert_frame_equal(again, t)


def test_point_table_holds_the_columns_the_text_as_categories_and_the_crs(both, diag):
    inc, t = both
    assert type(t) is pd.DataFrame and t.index.equals(inc.index)
    assert list(t.columns) == [*COLUMNS, "x", "y", "point"]
    assert t.attrs["crs"] == inc.crs == _points.crs_of(t) == _points.crs_of(inc)
    for c in TEXT:
        assert isinstance(t[c].dtype, pd.CategoricalDtype)
        assert t[c].cat.categories.tolist() == sorted(t[c].cat.categories)
        pd.testing.assert_series_equal(t[c].astype(object), inc[c].astype(object))
        # numbered as the text is: in the order the values first appear
        a, b = pd.factorize(t[c]), pd.factorize(inc[c])
        assert a[0].tolist() == b[0].tolist() and list(a[1]) == list(b[1])
    what = t["point"].to_numpy()
    assert (what == _points.MISSING).sum() == shapely.is_missing(inc.geometry.array).sum()
    assert (what == _points.EMPTY).sum() == 100
    # about 40 bytes an incident, against ~90 with the text and ~220 with point objects
    assert t.memory_usage(deep=True).sum() / len(t) < 45
    back = pickle.loads(pickle.dumps(t, protocol=5))
    pd.testing.assert_frame_equal(back, t)
    assert back.attrs["crs"] == inc.crs


def test_categories_sorts_the_text_and_keeps_missing_values():
    c = _points.categories(pd.Series(["b", "a", None, "b"], dtype="str"))
    assert c.codes.tolist() == [1, 0, -1, 1] and c.categories.tolist() == ["a", "b"]


def test_readers_of_points_read_a_point_table_alike(both, diag):
    """Every reader of points gives the same answer from the table as from the geometry."""
    inc, t = both
    for got, want in zip(_xy_points(t), _xy_points(inc), strict=True):
        np.testing.assert_array_equal(got, want)
    x, y, has = _xy_points(inc)
    assert has.sum() == len(inc) - 300 - 100 - shapely.is_missing(diag.incidents.geometry).sum()
    g = inventory.make_grid(diag.sectors, 250)
    pd.testing.assert_series_equal(inventory.grid_counts(t, g), inventory.grid_counts(inc, g))
    assert inventory.grid_counts(t, g).sum() == has.sum() - 50  # the far ones in no cell
    pd.testing.assert_frame_equal(
        grid_mod._located(t)[["x", "y"]].reset_index(drop=True),
        pd.DataFrame(dict(zip("xy", grid_mod._xy(grid_mod._located(inc)), strict=True))),
    )


def test_knox_reads_a_point_table_alike(both):
    inc, t = both
    kw = {"permutations": 19, "seed": 3}
    sub = (inc["category"] == "burglary").to_numpy()
    a = inventory.knox_test(inc[sub], **kw)
    b = inventory.knox_test(t[sub], **kw)
    pd.testing.assert_frame_equal(a, b, check_exact=True)
    assert a.attrs == b.attrs and a["observed"].sum() > 0


def test_problem_incidents_reads_a_point_table_alike(both, diag):
    inc, t = both
    pb = inventory.find_problems(
        inc, diag.sectors, diag.weights, diag.taxonomy, diag.survey, diag.places
    )
    a = inventory.problem_incidents(pb, inc, keep=False)
    b = inventory.problem_incidents(pb, t, keep=False)
    pd.testing.assert_series_equal(a, b)
    assert a.notna().sum() > 1000 and a.index.equals(inc.index)
    # the empty and far points belong to no place problem; an area problem still takes
    # the unlocated ones of its sectors
    what = t["point"].to_numpy()
    kinds = pb.set_index("problem_id")["kind"]
    empty = a[what == _points.EMPTY].dropna()
    assert kinds.reindex(empty.to_numpy()).isin(["municipality", "area"]).all()
    # the cache's key is the same from both: either warms it for the other
    args = [pd.factorize(inc["category"]), pd.factorize(inc["sector"])]
    keys = [
        register._problem_incidents_key(pb, *args[0], _points.points_of(x), args[1])
        for x in (inc, t)
    ]
    assert keys[0] == keys[1]
    moved = _points.point_table(inc.iloc[::-1], COLUMNS, text=TEXT)
    key_moved = register._problem_incidents_key(
        pb,
        *pd.factorize(moved["category"]),
        _points.points_of(moved),
        pd.factorize(moved["sector"]),
    )
    assert key_moved != keys[0]


def test_change_gives_its_keys_as_text_from_categories(both):
    inc, t = both
    for by in (("sector", "family"), ("family",), ("category",)):
        a = inventory.change(inc, by=by, end="2026-01-01")
        b = inventory.change(t, by=by, end="2026-01-01")
        pd.testing.assert_frame_equal(a, b, check_exact=True)
        assert a.attrs == b.attrs
