"""The problem search's view of the incidents (:mod:`diagnostic_lib.inventory.problem_context`)."""

from __future__ import annotations

import pickle

import geopandas as gpd
import numpy as np
import pandas as pd
import pytest
import shapely

from diagnostic_lib import inventory
from diagnostic_lib.inventory import problem_context, problem_finding


def _same_register(a: pd.DataFrame, b: pd.DataFrame) -> None:
    pd.testing.assert_frame_equal(a, b, check_exact=True)
    assert a.crs == b.crs
    assert a.attrs.keys() == b.attrs.keys()
    assert {k: v for k, v in a.attrs.items() if k != "members"} == {
        k: v for k, v in b.attrs.items() if k != "members"
    }
    assert {k: list(v) for k, v in a.attrs["members"].items()} == {
        k: list(v) for k, v in b.attrs["members"].items()
    }


def _awkward(diag):
    """The sample's incidents with every kind of point the search must tell apart.

    Missing points, empty points, points outside the grid, points at the very
    same position as another (the nearest-facility query is asked once per
    position) and a non-default index (members are index labels).
    """
    inc = diag.incidents.copy()
    rng = np.random.default_rng(7)
    n = len(inc)
    geoms = np.asarray(inc.geometry.array, dtype=object).copy()
    k = rng.permutation(np.flatnonzero(~shapely.is_missing(geoms)))  # located ones
    geoms[k[:300]] = None
    geoms[k[300:400]] = shapely.Point()  # empty: not located, yet not missing
    far = shapely.get_coordinates(geoms[k[400:450]]) + 50_000.0
    geoms[k[400:450]] = shapely.points(far)
    geoms[k[450:650]] = geoms[k[650]]  # 200 incidents at one address
    inc = inc.set_geometry(gpd.GeoSeries(geoms, index=inc.index, crs=inc.crs))
    inc.index = pd.RangeIndex(10, 10 + 3 * n, 3)
    return inc


def test_search_frame_holds_the_columns_and_the_points_as_numbers(diag):
    inc = _awkward(diag)
    f = problem_context._search_frame(inc)
    assert type(f) is pd.DataFrame  # no geometry travels
    assert list(f.columns) == [*problem_context.SEARCH_COLUMNS, "x", "y", "point"]
    assert f.index.equals(inc.index)
    assert f.attrs["crs"] == inc.crs
    for c in ("category", "family", "sector"):  # a code a row, the same text
        assert isinstance(f[c].dtype, pd.CategoricalDtype)
        cats = f[c].cat.categories.tolist()
        assert cats == sorted(cats)
        pd.testing.assert_series_equal(
            f[c].astype(object), inc[c].astype(object), check_names=False
        )
        # the search numbers them as it numbered the text: in the order they first appear
        codes_f, names_f = pd.factorize(f[c])
        codes_t, names_t = pd.factorize(inc[c])
        assert codes_f.tolist() == codes_t.tolist() and list(names_f) == list(names_t)
    geo = np.asarray(inc.geometry.array, dtype=object)
    what = f["point"].to_numpy()
    missing = shapely.is_missing(geo)
    assert (what == 0).sum() == missing.sum()
    assert missing.sum() == shapely.is_missing(diag.incidents.geometry.array).sum() + 300
    assert (what == 1).sum() == (~missing & shapely.is_empty(geo)).sum() == 100
    at = what == 2
    np.testing.assert_array_equal(f["x"].to_numpy()[at], shapely.get_x(geo[at]))
    np.testing.assert_array_equal(f["y"].to_numpy()[at], shapely.get_y(geo[at]))
    assert f.loc[~at, ["x", "y"]].isna().all().all()
    # what the worker receives is what was sent, the CRS included
    back = pickle.loads(pickle.dumps(f, protocol=5))
    pd.testing.assert_frame_equal(back, f)
    assert back.attrs["crs"] == inc.crs


def test_the_search_on_its_frame_equals_the_search_on_the_geodataframe(diag):
    """Same register, members, centres, nearest facilities and cells, point for point."""
    inc = _awkward(diag)
    search = inventory.ProblemSearch.from_config(diag.config)
    args = (diag.sectors, diag.weights, diag.taxonomy, diag.survey, diag.places)
    geo = problem_finding._find_problems(inc, *args, search=search)
    cols = problem_finding._find_problems(problem_context._search_frame(inc), *args, search=search)
    assert len(geo) > 5 and (geo["kind"] == "place").sum() > 2
    assert geo["located_share"].lt(1).any()  # the missing points are counted as not located
    _same_register(geo, cols)


def test_the_context_reads_the_same_arrays_from_either_view(diag):
    inc = _awkward(diag)
    search = inventory.ProblemSearch.from_config(diag.config)
    grid = inventory.make_grid(diag.sectors, search.cell_size)
    made = [
        problem_context._ProblemContext(
            x, grid, diag.sectors, diag.weights, diag.taxonomy, None, diag.places, search
        )
        for x in (inc, problem_context._search_frame(inc))
    ]
    for name in ("cell", "located", "geom_na", "x", "y", "cat_codes", "sec_codes", "w"):
        np.testing.assert_array_equal(getattr(made[0], name), getattr(made[1], name))
    assert (made[0].cell == -1).sum() > 450  # missing, empty and outside: no cell
    # each located point lies in the grid cell it is given (checked with the cells'
    # polygons, not the arithmetic that gave them), and the far ones in none
    cell, pts = made[0].cell, np.asarray(inc.geometry.array, dtype=object)
    at = np.flatnonzero(cell >= 0)
    cells = np.asarray(grid.geometry.array, dtype=object)
    assert shapely.intersects(cells[cell[at]], pts[at]).all() and len(at) > 10_000
    ok = np.flatnonzero(~shapely.is_missing(pts) & ~shapely.is_empty(pts))
    far = ok[shapely.get_x(pts[ok]) > shapely.bounds(cells)[:, 2].max()]
    assert len(far) >= 40 and (cell[far] == -1).all()
    located = np.flatnonzero(made[0].located)
    near = [m._nearest_facility(located) for m in made]
    np.testing.assert_array_equal(near[0], near[1])
    assert (near[0] >= 0).any()
    # the reference: one nearest-neighbour query per located point object
    pts = np.asarray(inc.geometry.array, dtype=object)[located]
    i, j = made[0].tree.query_nearest(
        pts, max_distance=search.facility_m, all_matches=False, return_distance=False
    )
    ref = np.full(len(pts), -1)
    ref[i] = j
    np.testing.assert_array_equal(near[0] >= 0, ref >= 0)
    d = [
        shapely.distance(pts[near[0] >= 0], np.asarray(diag.places.geometry.array)[v[v >= 0]])
        for v in (near[0], ref)
    ]
    np.testing.assert_array_equal(d[0], d[1])  # the nearest, or one as near


@pytest.mark.parametrize("with_to", [True, False])
def test_search_frame_without_an_end_column(diag, with_to):
    inc = diag.incidents if with_to else diag.incidents.drop(columns="occurred_to")
    f = problem_context._search_frame(inc)
    assert ("occurred_to" in f.columns) is with_to
    assert len(f) == len(inc)


@pytest.mark.parametrize("in_worker", [True, False])
def test_the_search_in_blocks_of_rows_equals_the_search_at_once(diag, monkeypatch, in_worker):
    """The spread and each problem's shift sums a few rows at a time: the same register.

    In the worker the spread is not kept (the search is its only reader there).
    """
    from diagnostic_lib import workers
    from diagnostic_lib.inventory import timing

    monkeypatch.setattr(workers, "in_worker_process", lambda: in_worker)
    search = inventory.ProblemSearch.from_config(diag.config)
    args = (diag.sectors, diag.weights, diag.taxonomy, diag.survey, diag.places)
    frame = problem_context._search_frame(diag.incidents)
    whole = problem_finding._find_problems(frame, *args, search=search)
    timing.AORISTIC_CACHE.clear()
    for module in (timing, problem_context):
        monkeypatch.setattr(module, "_ROWS_AT_ONCE", 5)
    blocks = problem_finding._find_problems(frame, *args, search=search)
    _same_register(whole, blocks)
    assert len(whole) > 5
    timing.AORISTIC_CACHE.clear()


def test_the_hour_of_week_table_without_keeping_the_spread_is_the_same(diag, monkeypatch):
    """Step 1's table when the search spreads the incidents in the worker: nothing kept."""
    from diagnostic_lib.inventory import timing

    monkeypatch.setattr(timing, "_CACHED_FROM", 0)  # the sample's spread would be kept
    inc = diag.incidents.copy()
    to = inc["occurred_from"] + pd.to_timedelta(np.arange(len(inc)) % 50, unit="h")
    inc["occurred_to"] = to.where(np.arange(len(inc)) % 3 > 0)  # ranges up to 49 h, and none
    timing.AORISTIC_CACHE.clear()
    lean = timing._hour_weekday(inc, lang="fr", keep=False)
    assert len(timing.AORISTIC_CACHE) == 0
    kept = timing.hour_weekday(inc, lang="fr")
    assert len(timing.AORISTIC_CACHE) == 1
    pd.testing.assert_frame_equal(lean, kept, check_exact=True)
    assert lean.attrs == kept.attrs
    assert lean.to_numpy().sum() == pytest.approx(len(inc) - kept.attrs["left_out"])
    timing.AORISTIC_CACHE.clear()


@pytest.mark.parametrize("on", [True, False])
def test_step1_sends_the_search_its_table_and_keeps_the_incidents_here(monkeypatch, on):
    """To the worker, the table of what the search reads; run here, the incidents as they are."""
    import copy
    import dataclasses

    from diagnostic_lib import loaders, settings, workers
    from diagnostic_lib.inventory import results as inventory_results

    from .conftest import NOW, SAMPLE

    monkeypatch.setattr(inventory_results, "_WORKER_MIN_INCIDENTS", 0)
    diag = loaders.load_diagnostic(SAMPLE / "diagnostic.toml", now=NOW)
    d = copy.copy(diag)
    given = {"worker_process": on, "knox_permutations": 19}
    d.config = dataclasses.replace(diag.config, parameters=settings.validate(given, "t.toml"))
    given_to = []
    submit = workers.Worker.submit

    def spy(self, func, *args, **kwargs):
        if func.__name__ == "_find_problems":
            given_to.append((self.enabled, type(args[0])))
        return submit(self, func, *args, **kwargs)

    monkeypatch.setattr(workers.Worker, "submit", spy)
    inventory.run(d)
    assert given_to == [(True, pd.DataFrame)] if on else [(False, gpd.GeoDataFrame)]


def test_problem_ids_are_distinct_when_their_short_hashes_collide(diag, monkeypatch):
    """At a province's scale six hexadecimal digits collide (about two pairs in 8,000
    problems, as a 10M run found: step 2 then failed on a rank that was two ranks, and
    the members of one problem were those of the other). Ids cut to one digit collide
    on the sample; each problem must still have its own id and its own members."""
    real = problem_context._problem_id
    pb = inventory.find_problems(
        diag.incidents, diag.sectors, diag.weights, diag.taxonomy, diag.survey, diag.places
    )
    assert pb["problem_id"].str.fullmatch(r"PB-[0-9a-f]{6}").all()  # no collision: unchanged

    def short(*args, **kwargs):  # "PB-" and one digit, unless more digits are asked for
        return real(*args, **kwargs) if kwargs.get("digits", 6) != 6 else real(*args)[:4]

    monkeypatch.setattr(problem_context, "_problem_id", short)
    cut = inventory.find_problems(
        diag.incidents, diag.sectors, diag.weights, diag.taxonomy, diag.survey, diag.places
    )
    assert len(cut) == len(pb) > 16  # more problems than one-digit ids: some must collide
    assert cut["problem_id"].is_unique
    assert (cut["problem_id"].str.len() > len("PB-0")).any()  # the colliding ones, longer
    members = cut.attrs["members"]
    assert len(members) == len(cut)
    # the same problems, with the same incidents, in the same order, whatever their ids
    pd.testing.assert_series_equal(cut["n_incidents"], pb["n_incidents"])

    def incidents_of(register) -> list[tuple]:  # each problem's incidents, whatever its id
        return sorted(tuple(sorted(register.attrs["members"][i])) for i in register["problem_id"])

    assert incidents_of(cut) == incidents_of(pb)
    assert len(set(incidents_of(cut))) == len(cut)  # no problem holds another's incidents
