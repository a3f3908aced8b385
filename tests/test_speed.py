"""The fast paths give the results of the plain computations they replace.

Each performance rewrite (issue 8, ``benchmarks/``) is checked here against the
straightforward version: the E-test against scipy, Gi* against esda, the CSV
and number readers against pandas, the sector join against a spatial index
query, the problem membership, coverage and before/after counts against the
pair-by-pair rules. Timings themselves live in the benchmark, not in tests.
"""

from __future__ import annotations

import io
import warnings

import numpy as np
import pandas as pd
import pytest
import shapely
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from diagnostic_lib import _cell_cover, inventory, loaders, measures, readers, stats


# ----------------------------------------------------------------------------
# E-test
# ----------------------------------------------------------------------------
@pytest.mark.parametrize("alternative", ["two-sided", "greater", "less"])
def test_e_test_matches_scipy(alternative):
    from scipy import stats as sst

    rng = np.random.default_rng(3)
    cases = [
        (6, 2, 1.0, 1.0),
        (0, 5, 1.0, 1.0),
        (5, 0, 2.0, 1.0),
        (1200, 1000, 1.0, 1.0),
        (40, 9000, 2500.0, 600000.0),
        (30, 25, 1.0, 3.0),
    ]
    for _ in range(60):
        k1, k2 = rng.integers(0, rng.choice([6, 40, 400, 2500]), 2)
        n1, n2 = rng.choice([1.0, 2.5, 1234.5]), rng.choice([1.0, 0.25, 33333.0])
        cases.append((int(k1), int(k2), float(n1), float(n2)))
    for k1, k2, n1, n2 in cases:
        if k1 + k2 == 0:
            continue
        ref = sst.poisson_means_test(k1, n1, k2, n2, alternative=alternative).pvalue
        got = stats.e_test(k1, k2, n1, n2, alternative=alternative)
        assert got == pytest.approx(min(max(ref, 0.0), 1.0), abs=1e-12), (k1, k2, n1, n2)


def test_e_test_small_counts_are_scipys_own_sum():
    from scipy import stats as sst

    for k1, k2 in [(6, 2), (12, 10), (3, 0), (20, 31)]:
        assert stats.e_test(k1, k2) == float(sst.poisson_means_test(k1, 1.0, k2, 1.0).pvalue)


# ----------------------------------------------------------------------------
# Gi*
# ----------------------------------------------------------------------------
def _grid_and_incidents(n=400, seed=1):
    import geopandas as gpd

    rng = np.random.default_rng(seed)
    x = np.r_[rng.uniform(0, 3000, n), rng.normal(800, 60, n // 2)]
    y = np.r_[rng.uniform(0, 2000, n), rng.normal(600, 60, n // 2)]
    inc = gpd.GeoDataFrame(geometry=gpd.points_from_xy(x, y), crs="EPSG:32188")
    area = shapely.Polygon([(0, 0), (3000, 0), (3000, 2000), (1500, 2600), (0, 2000)])
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")
        grid = inventory.make_grid(area, 150, crs="EPSG:32188")
    return grid, inc


def test_gi_star_equals_esda():
    import esda

    grid, inc = _grid_and_incidents()
    hs = inventory.hot_spots(inc, grid=grid)
    y = hs["count"].to_numpy().astype("float64")
    w = inventory._grid_weights(grid)
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")
        g = esda.G_Local(y, w, transform="B", star=True, permutations=0)
    np.testing.assert_array_equal(hs["gi_z"].to_numpy(), np.asarray(g.Zs, dtype="float64"))


def test_gi_star_max_of_a_subset_equals_hot_spots():
    grid, inc = _grid_and_incidents(seed=5)
    cells = inventory._cell_of(inc, grid).to_numpy()
    parts = inventory._gi_parts(grid)
    rng = np.random.default_rng(0)
    for size in (1, 12, 150, len(inc)):
        idx = np.sort(rng.choice(len(inc), size, replace=False))
        ref = inventory.hot_spots(inc.iloc[idx], grid=grid)["gi_z"]
        want = float(np.nanmax(ref)) if ref.notna().any() else np.nan
        got = inventory._gi_star_max(cells[idx], parts)
        assert got == want or (np.isnan(got) and np.isnan(want))


def test_make_grid_is_cached_but_still_warns():
    area = shapely.box(0, 0, 1000, 1000)
    with pytest.warns(inventory.GridWarning):
        a = inventory.make_grid(area, 500, crs="EPSG:32188")
    with pytest.warns(inventory.GridWarning):
        b = inventory.make_grid(area, 500, crs="EPSG:32188")
    assert a is not b and a.equals(b) and a.attrs == b.attrs


# ----------------------------------------------------------------------------
# Reading
# ----------------------------------------------------------------------------
_field = st.text(alphabet="abcé 0123456789.-:/_", max_size=8)


@settings(max_examples=60, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(
    header=st.lists(
        st.text(alphabet="abcdxyz_", min_size=1, max_size=6), min_size=1, max_size=5, unique=True
    ),
    n=st.integers(1, 12),
    data=st.data(),
    sep=st.sampled_from([",", ";", "\t", "|"]),
    crlf=st.booleans(),
)
def test_arrow_csv_reader_equals_pandas(header, n, data, sep, crlf):
    rows = [[data.draw(_field) for _ in header] for _ in range(n)]
    eol = "\r\n" if crlf else "\n"
    text = eol.join([sep.join(header)] + [sep.join(r) for r in rows]) + eol
    got = readers._read_csv_arrow(text, None, sep)
    if got is None:  # not plain (e.g. a blank record): the usual paths read it
        return
    want = pd.read_csv(
        io.StringIO(text),
        sep=sep,
        dtype=str,
        keep_default_na=False,
        na_filter=False,
        skip_blank_lines=False,
        engine="c",
    )
    pd.testing.assert_frame_equal(got, want)


def test_arrow_csv_reader_leaves_hard_files_to_the_usual_paths():
    assert readers._read_csv_arrow('a,b\n"1,5",2\n', None, ",") is None  # quotes
    assert readers._read_csv_arrow("a,b\n1,2\n\n3,4\n", None, ",") is None  # blank line
    assert readers._read_csv_arrow("a,a\n1,2\n", None, ",") is None  # repeated header
    assert readers._read_csv_arrow("a,b\n1,2,3\n", None, ",") is None  # ragged row
    assert readers._read_csv_arrow("a,b\r1,2\r", None, ",") is None  # old Mac line ends


@settings(max_examples=60, deadline=None)
@given(
    st.lists(
        st.one_of(
            st.floats(-1e7, 1e7, allow_nan=False).map(lambda v: f"{v:.{abs(hash(v)) % 6}f}"),
            st.integers(-(10**9), 10**9).map(str),
            st.just(""),
        ),
        min_size=1,
        max_size=30,
    ),
    st.booleans(),
)
def test_plain_decimals_equal_the_general_parser(values, comma):
    text = pd.Series([v.replace(".", ",") if comma else v for v in values], dtype="str")
    fast = loaders._plain_decimals(text)
    if fast is None:
        return
    cleaned = text.str.replace(",", ".", regex=False)
    slow = pd.to_numeric(cleaned, errors="coerce").to_numpy(dtype="float64", na_value=np.nan)
    np.testing.assert_array_equal(fast, slow)


def test_plain_decimals_refuse_what_they_cannot_read_exactly():
    assert loaders._plain_decimals(pd.Series(["1.5", "abc"])) is None
    assert loaders._plain_decimals(pd.Series(["1 234,5"])) is None
    assert loaders._plain_decimals(pd.Series(["1e5"])) is None
    assert loaders._plain_decimals(pd.Series(["1234567890.123456"])) is None  # > 15 characters


# ----------------------------------------------------------------------------
# Sector join
# ----------------------------------------------------------------------------
def test_sector_join_equals_a_spatial_index_query():
    import geopandas as gpd

    sec = gpd.GeoDataFrame(
        {"sector_id": ["A", "B", "C"]},
        geometry=[
            shapely.box(0, 0, 10, 10),
            shapely.box(10, 0, 20, 10),
            shapely.Polygon([(0, 10), (20, 10), (10, 20)]),
        ],
    )
    rng = np.random.default_rng(2)
    x = np.r_[rng.uniform(-2, 22, 500), [10.0, 10.0, 0.0, 25.0]]  # shared edges, a corner, outside
    y = np.r_[rng.uniform(-2, 22, 500), [5.0, 10.0, 0.0, 5.0]]
    got, snapped = loaders._assign_sectors(x, y, sec, 1.5)
    tree = shapely.STRtree(np.asarray(sec.geometry.array))
    pts = shapely.points(x, y)
    i, j = tree.query(pts, predicate="intersects")
    want = np.full(len(x), "", dtype=object)
    for a, b in sorted(zip(i, j, strict=True), key=lambda t: (t[0], t[1]), reverse=True):
        want[a] = sec["sector_id"].iloc[b]  # the first sector wins
    miss = np.flatnonzero(want == "")
    i2, t2 = tree.query_nearest(pts[miss], max_distance=1.5, all_matches=False)
    want[miss[i2]] = sec["sector_id"].to_numpy()[t2]
    assert got.tolist() == want.tolist()
    assert snapped.sum() == len(i2) and got[-4:].tolist() == ["A", "A", "A", ""]


def test_sector_join_of_many_sectors_equals_a_spatial_index_query():
    """Many sectors sharing edges and corners, one overlapping them, one missing, one empty:
    each point goes to the first sector (table order) that holds it, edges included."""
    import geopandas as gpd

    boxes = [
        shapely.box(c * 10, r * 10, c * 10 + 10, r * 10 + 10) for r in range(12) for c in range(9)
    ]
    shapes = [shapely.Polygon([(5, 5), (60, 8), (30, 70)]), None, shapely.Polygon(), *boxes]
    sec = gpd.GeoDataFrame({"sector_id": [f"S{k}" for k in range(len(shapes))]}, geometry=shapes)
    rng = np.random.default_rng(8)
    grid_pts = np.arange(0, 100, 5.0)  # on edges and corners
    gx, gy = np.meshgrid(grid_pts, grid_pts)
    x = np.r_[rng.uniform(-5, 100, 3000), gx.ravel(), [np.nan]]
    y = np.r_[rng.uniform(-5, 130, 3000), gy.ravel(), [3.0]]
    got, snapped = loaders._assign_sectors(x, y, sec, 0.0)
    geoms = np.asarray(sec.geometry.array)
    want = np.full(len(x), "", dtype=object)
    for k in range(len(geoms) - 1, -1, -1):  # the first sector last, so that it wins
        if geoms[k] is not None and not geoms[k].is_empty:
            inside = shapely.intersects_xy(geoms[k], x, y)
            want[inside] = sec["sector_id"].iloc[k]
    assert got.tolist() == want.tolist()
    assert not snapped.any() and (got == "S0").sum() > 50 and (got == "").sum() > 100


# ----------------------------------------------------------------------------
# Problems, coverage, before/after
# ----------------------------------------------------------------------------
def _problem_incidents_pairwise(problems, incidents):
    """The register-order rule, one problem at a time (the definition)."""
    out = pd.Series(np.full(len(incidents), None, dtype=object), index=incidents.index, dtype="str")
    todo = np.ones(len(incidents), dtype=bool)
    cat = incidents["category"].to_numpy()
    geoms = np.asarray(incidents.geometry.array, dtype=object)
    has = ~pd.isna(pd.Series(geoms)).to_numpy()
    for rec in problems.itertuples(index=False):
        if bool(getattr(rec, "excluded", False)):
            continue
        m = todo & np.isin(cat, list(rec.categories))
        if rec.kind != "municipality":
            inside = np.zeros(len(incidents), dtype=bool)
            cand = m & has
            if cand.any():
                inside[cand] = shapely.intersects(rec.geometry, geoms[cand])
            if rec.kind == "area":
                inside |= m & ~has & np.isin(incidents["sector"].to_numpy(), list(rec.sectors))
            m &= inside
        out[m] = rec.problem_id
        todo &= ~m
    return out


@pytest.fixture(scope="module")
def inv(diag):
    return inventory.run(diag, permutations=0)


def test_problem_incidents_equals_the_pairwise_rule(diag, inv):
    pb = inv.problems
    inc = diag.incidents.copy()
    inc.loc[inc.index[::7], "geometry"] = None  # unlocated incidents fall back on sectors
    # incidents of a place problem's first category on the corners of its geometry
    place = pb[(pb["kind"] == "place") & pb.geometry.notna()].iloc[0]
    corners = shapely.get_coordinates(place.geometry.boundary)[:6]
    on = inc.index[1 : 1 + 7 * len(corners) : 7][: len(corners)]
    inc.loc[on, "category"] = place["categories"][0]
    inc.loc[on, "geometry"] = shapely.points(corners)
    inc.loc[inc.index[2], "geometry"] = shapely.Point()  # an empty point: no position
    for variant in (pb, pb.iloc[::-1].assign(excluded=[i % 3 == 0 for i in range(len(pb))])):
        pd.testing.assert_series_equal(
            inventory.problem_incidents(variant, inc), _problem_incidents_pairwise(variant, inc)
        )


def test_problem_incidents_kept_for_the_same_inputs_only(diag, inv, monkeypatch):
    """Steps 2-4 and the report ask again: the same inputs are answered from the cache,
    and a change to anything the rule reads is computed again (never a stale answer)."""
    from diagnostic_lib.inventory import register

    monkeypatch.setattr(register, "_KEPT_FROM", 0)
    register.PROBLEM_INCIDENTS_CACHE.clear()
    computed = []
    compute = register._problem_of
    monkeypatch.setattr(register, "_problem_of", lambda *a: computed.append(1) or compute(*a))
    pb = inv.problems
    inc = diag.incidents.copy()
    inc.loc[inc.index[::7], "geometry"] = None
    place = pb.index[(pb["kind"] == "place").to_numpy()][0]
    area = pb.index[(pb["kind"] == "area").to_numpy()][0]
    inside = inventory.problem_incidents(pb, inc) == pb.loc[place, "problem_id"]
    moved = inc.copy()
    moved.loc[inside[inside].index[:3], "geometry"] = shapely.Point(0, 0)
    recat = inc.copy()
    recat.loc[inside[inside].index[:3], "category"] = "fraud"
    unlocated = inc.index[inc.geometry.isna().to_numpy()][:20]
    resect = inc.copy()
    resect.loc[unlocated, "sector"] = list(pb.loc[area, "sectors"])[0]
    emptied = resect.copy()  # no position at all, or an empty one: not the same incident
    emptied.loc[unlocated, "geometry"] = shapely.Point()
    shrunk = pb.copy()
    shrunk.loc[place, "geometry"] = shrunk.loc[place, "geometry"].buffer(-20)
    dropped = pb.assign(excluded=[i == 0 for i in range(len(pb))])
    cases = [(pb, inc), (pb, inc.copy()), (pb, moved), (pb, recat), (pb, resect)]
    cases += [(pb, emptied), (shrunk, inc), (dropped, inc), (pb, inc.iloc[::-1])]
    # (each change follows the one it must not be mistaken for: the cache keeps two)
    answers = []
    for problems, incidents in cases:
        got = inventory.problem_incidents(problems, incidents)
        pd.testing.assert_series_equal(got, _problem_incidents_pairwise(problems, incidents))
        answers.append(got)
    assert len(computed) == len(cases) - 1  # the copy was answered from the cache
    for k in (2, 3, 4, 6, 7):  # every change did change the answer
        assert not answers[k].equals(answers[0]), k
    assert not answers[5].equals(answers[4])  # the empty points left the area problem
    # an answer written into by its reader leaves the kept answer as it was
    answers[-1].iloc[:5] = "written"
    again = inventory.problem_incidents(*cases[-1])
    assert len(computed) == len(cases) - 1
    pd.testing.assert_series_equal(again, _problem_incidents_pairwise(*cases[-1]))


def test_a_one_off_question_leaves_the_kept_answers_in_place(diag, inv, monkeypatch):
    """The report's problem trends ask for one problem at a time among a subset of the
    incidents: asked with ``keep=False``, the diagnosis's answer stays kept."""
    from diagnostic_lib import summary
    from diagnostic_lib.inventory import register

    monkeypatch.setattr(register, "_KEPT_FROM", 0)
    register.PROBLEM_INCIDENTS_CACHE.clear()
    computed = []
    compute = register._problem_of
    monkeypatch.setattr(register, "_problem_of", lambda *a: computed.append(1) or compute(*a))
    pb, inc = inv.problems, diag.incidents
    whole = inventory.problem_incidents(pb, inc)
    for k in range(3):  # more one-off questions than the cache holds answers
        one = pb.iloc[[k]]
        got = inventory.problem_incidents(one, inc.iloc[k::2], keep=False)
        pd.testing.assert_series_equal(got, _problem_incidents_pairwise(one, inc.iloc[k::2]))
    summary.problem_trends(diag, inv.problems, inv.priority, top=3, n_sim=50)
    before = len(computed)
    pd.testing.assert_series_equal(inventory.problem_incidents(pb, inc), whole)
    assert len(computed) == before  # answered from the cache: not pushed out
    assert before >= 1 + 3 + 3  # the one-off questions were computed, not kept


def test_related_coverage_keeps_every_row_the_summaries_read(diag, inv):
    full = measures.coverage(
        inv.problems, diag.measures, diag.sectors, diag.incidents, "2025-12-31"
    )
    rel = measures.coverage(
        inv.problems, diag.measures, diag.sectors, diag.incidents, "2025-12-31", pairs="related"
    )
    assert len(full) == len(inv.problems) * len(diag.measures) > len(rel) > 0
    pd.testing.assert_frame_equal(
        rel.reset_index(drop=True), full[full["level"] != "none"].reset_index(drop=True)
    )
    pd.testing.assert_frame_equal(
        measures.problem_coverage(rel, inv.problems), measures.problem_coverage(full, inv.problems)
    )


@pytest.mark.parametrize("cells", [False, True])
def test_before_after_counts_equal_the_selected_incidents(diag, monkeypatch, cells):
    if cells:  # every zone's incidents tested cell by cell (the reference: shapely)
        monkeypatch.setattr(_cell_cover, "POINTS_FOR_CELLS", 0)
        monkeypatch.setattr(_cell_cover, "VERTICES_FOR_CELLS", 0)
    areas = measures.treated_area(diag.measures, diag.sectors)
    rings = measures.buffer_rings(diag.measures, areas, 200.0)
    counts = measures.before_after_counts(
        diag.measures, diag.incidents, areas, rings, 365, "2022-01-01", "2025-12-31"
    ).set_index("measure_id")
    checked = 0
    for mid in counts.index[counts["treated_before"].notna()]:
        ba = measures.before_after_incidents(
            diag.measures, diag.incidents, mid, areas, rings, 365, pd.Timestamp("2022-01-01")
        )
        for z in ("treated", "buffer"):
            for p in ("before", "after"):
                want = int(((ba["zone"] == z) & (ba["period"] == p)).sum())
                assert counts.loc[mid, f"{z}_{p}"] == want, (mid, z, p)
        checked += 1
    assert checked >= 5


def test_map_drawing_is_deferred_then_restored(diag):
    from matplotlib.backend_bases import FigureCanvasBase

    from diagnostic_lib import maps

    before = FigureCanvasBase.draw_idle
    areas = measures.treated_area(diag.measures, diag.sectors)
    reg = measures.registry(
        diag.measures, diag.sectors, diag.partners, "2025-12-31", "2022-01-01", areas
    )
    fig = maps.measures_map(reg, areas, diag.sectors, lang="en")
    assert FigureCanvasBase.draw_idle is before
    assert len(maps.legend_labels(fig)) >= 4


def _aoristic_reference(start, end, max_hours):
    """Aoristic rows, one event at a time, as the method describes them."""
    hour = 3_600_000_000
    rows, tail = [], []
    for i, (s, e) in enumerate(zip(start, end, strict=True)):
        if np.isnat(s):
            continue
        s = int(s.astype("int64"))
        e = s if np.isnat(e) else int(e.astype("int64"))
        h0 = s // hour * hour
        if e <= s:
            rows.append((i, h0, 1.0))
        elif e - s > max_hours * hour:  # uniform over the week, after the others
            tail.append(i)
        else:
            slot = h0
            while slot < e:
                overlap = min(e, slot + hour) - max(s, slot)
                rows.append((i, slot, overlap / (e - s)))
                slot += hour
    return rows, tail


@pytest.mark.parametrize("rows_at_once", [1, 7, 64, 10**9])
def test_aoristic_arrays_match_the_event_by_event_reference(monkeypatch, rows_at_once):
    """Whatever the block of rows computed at once (an event is never split)."""
    from diagnostic_lib.inventory import timing

    monkeypatch.setattr(timing, "_ROWS_AT_ONCE", rows_at_once)
    rng = np.random.default_rng(7)
    n = 400
    start = np.datetime64("2024-03-01T00:00", "us") + rng.integers(0, 500_000, n) * np.timedelta64(
        1, "m"
    )
    minutes = rng.choice([0, 0, 15, 59, 60, 61, 300, 2000, 12_000], n)
    end = start + minutes * np.timedelta64(1, "m")
    end[rng.random(n) < 0.25] = np.datetime64("NaT")
    start[rng.random(n) < 0.05] = np.datetime64("NaT")
    rep, slot, weekday, hour, weight = inventory._aoristic_compute(start, end, 168)
    rows, tail = _aoristic_reference(start, end, 168)
    k = len(rows)
    assert rep[:k].tolist() == [r[0] for r in rows]
    assert slot[:k].tolist() == [r[1] for r in rows]
    np.testing.assert_allclose(weight[:k], [r[2] for r in rows], rtol=1e-12)
    # events known only within more than a week are left out: no row at all
    assert len(tail) > 10 and len(rep) == k and not set(rep.tolist()) & set(tail)
    np.testing.assert_allclose(np.bincount(rep, weights=weight)[np.unique(rep)], 1.0)
    when = slot[:k].astype("datetime64[us]").astype(object)
    assert hour[:k].tolist() == [w.hour for w in when]
    assert weekday[:k].tolist() == [w.weekday() for w in when]


@pytest.mark.parametrize("max_hours", [1, 500])
def test_aoristic_arrays_beyond_a_week_match_the_reference(max_hours):
    """A max_hours of more than a week: the hours of the week wrap around."""
    start = np.datetime64("2024-03-01T05:30", "us") + np.arange(6) * np.timedelta64(7, "h")
    end = start + np.array([0, 30, 60 * 24 * 9, 60 * 400, 60 * 499, 60 * 501]) * np.timedelta64(
        1, "m"
    )
    rep, slot, weekday, hour, weight = inventory._aoristic_compute(start, end, max_hours)
    rows, tail = _aoristic_reference(start, end, max_hours)
    assert rep.tolist() == [r[0] for r in rows] and slot.tolist() == [r[1] for r in rows]
    np.testing.assert_allclose(weight, [r[2] for r in rows], rtol=1e-12)
    when = slot.astype("datetime64[us]").astype(object)
    assert hour.tolist() == [w.hour for w in when]
    assert weekday.tolist() == [w.weekday() for w in when]
    assert len(rows) > (400 if max_hours == 500 else 0)


@pytest.mark.parametrize("alternative", ["two-sided", "greater", "less"])
def test_batched_e_tests_match_scipy(alternative):
    """Many distinct pairs go through the batched E-test; each must equal scipy's."""
    from scipy import stats as sst

    rng = np.random.default_rng(11)
    cases = [
        (6, 2, 1.0, 1.0),
        (0, 5, 1.0, 1.0),
        (5, 0, 2.0, 1.0),
        (0, 0, 1.0, 1.0),
        (40, 9000, 2500.0, 600000.0),
        (1200, 1000, 1.0, 1.0),
    ]
    for _ in range(120):
        k1, k2 = rng.integers(0, rng.choice([6, 40, 400, 5000]), 2)
        n1, n2 = rng.choice([1.0, 2.5, 1234.5]), rng.choice([1.0, 0.25, 33333.0])
        cases.append((int(k1), int(k2), float(n1), float(n2)))
    k1, k2, n1, n2 = (np.array(v) for v in zip(*cases, strict=True))
    got = stats.e_tests(k1, k2, n1, n2, alternative=alternative)
    assert got.shape == (len(cases),)
    for (a, b, c, d), p in zip(cases, got, strict=True):
        ref = (
            1.0
            if a + b == 0
            else sst.poisson_means_test(a, c, b, d, alternative=alternative).pvalue
        )
        assert p == pytest.approx(min(max(ref, 0.0), 1.0), abs=1e-12), (a, b, c, d)
    # the same pairs one by one (the scalar path) agree too, and the shape is kept
    one = np.array([stats.e_test(*c, alternative=alternative) for c in cases])
    np.testing.assert_allclose(got, one, atol=1e-12)
    grid = stats.e_tests(k1.reshape(-1, 2), k2.reshape(-1, 2), 1.0, 1.0, alternative=alternative)
    assert grid.shape == (len(cases) // 2, 2)


def test_area_shares_equal_the_overlay_for_every_pair():
    """Problems with no incidents of their own are placed by area; the shortcuts
    (a problem wholly inside an area, measures sharing one area) give the overlay's share."""
    import geopandas as gpd

    sectors = gpd.GeoDataFrame(
        {"sector_id": ["A", "B"], "name": ["A", "B"], "population": [100, 100]},
        geometry=[shapely.box(0, 0, 100, 100), shapely.box(100, 0, 200, 100)],
    )
    problems = gpd.GeoDataFrame(
        {
            "problem_id": ["P1", "P2", "P3"],
            "kind": ["perception", "perception", "place"],
            "categories": [("theft",)] * 3,
            "dominant_shift": [None] * 3,
        },
        geometry=[
            shapely.box(10, 10, 40, 40),
            shapely.box(80, 10, 120, 40),
            shapely.box(150, 50, 190, 90),
        ],
    )
    measures_ = gpd.GeoDataFrame(
        {
            "measure_id": ["M1", "M2", "M3", "M4"],
            "pillar": ["prevention"] * 4,
            "footprint": ["municipality", "municipality", "polygon", "sectors"],
            "footprint_sectors": [(), (), (), ("B",)],
            "target_categories": [("theft",)] * 4,
            "target_shifts": [()] * 4,
            "start": pd.to_datetime(["2024-01-01"] * 4),
            "end": pd.NaT,
        },
        geometry=[None, None, shapely.box(0, 0, 90, 100), None],
    )
    areas = measures.treated_area(measures_, sectors)
    cov = measures.coverage(problems, measures_, sectors, ref_date="2025-12-31", areas=areas)
    got = cov.set_index(["problem_id", "measure_id"])["spatial_share"]
    for p in problems.itertuples():
        for m, area in zip(measures_["measure_id"], areas, strict=True):
            want = shapely.area(shapely.intersection(p.geometry, area)) / p.geometry.area
            assert got[(p.problem_id, m)] == pytest.approx(want, abs=1e-6), (p.problem_id, m)
    assert got[("P2", "M3")] == pytest.approx(0.25)  # 10 of its 40 m inside the polygon
    assert got[("P1", "M1")] == got[("P1", "M2")] == 1.0


def test_grid_clipped_by_sectors_equals_clipping_by_their_union():
    import geopandas as gpd

    sec = gpd.GeoDataFrame(
        {"sector_id": ["A", "B", "C"]},
        geometry=[
            shapely.Polygon([(0, 0), (430, 0), (400, 310), (0, 280)]),
            shapely.Polygon([(430, 0), (900, 40), (880, 300), (400, 310)]),
            shapely.Polygon([(0, 280), (400, 310), (380, 620), (60, 560)]),
        ],
        crs="EPSG:32188",
    )
    g = inventory._make_grid(sec, 70.0, sec.crs, True)
    union = shapely.union_all(np.asarray(sec.geometry.array))
    x0, y0 = g.attrs["grid"]["x0"], g.attrs["grid"]["y0"]
    boxes = shapely.box(
        x0 + g["col"] * 70.0,
        y0 + g["row"] * 70.0,
        x0 + (g["col"] + 1) * 70.0,
        y0 + (g["row"] + 1) * 70.0,
    )
    want = shapely.intersection(np.asarray(boxes), union)
    got = np.asarray(g.geometry.array)
    np.testing.assert_allclose(shapely.area(got), shapely.area(want), rtol=1e-9)
    assert shapely.area(shapely.symmetric_difference(got, want)).max() < 1e-6
    # every cell that meets the municipality is there, once
    nrow, ncol = g.attrs["grid"]["nrow"], g.attrs["grid"]["ncol"]
    rr, cc = np.meshgrid(np.arange(nrow), np.arange(ncol), indexing="ij")
    every = shapely.box(x0 + cc * 70.0, y0 + rr * 70.0, x0 + (cc + 1) * 70.0, y0 + (rr + 1) * 70.0)
    assert len(g) == int((shapely.area(shapely.intersection(every, union)) > 0).sum())
    assert g["cell_id"].is_unique


def test_point_index_order_is_the_stable_sort_of_the_cell_keys():
    from diagnostic_lib._spatial import _stable_order

    rng = np.random.default_rng(9)
    for size in (1, 300, 1 << 16, (1 << 16) + 1, 5_000_000, 1 << 32):
        key = rng.integers(0, size, 20_000)
        key[:50] = size - 1  # the largest key, and many equal keys whose order must hold
        want = np.argsort(key, kind="stable")
        assert _stable_order(key, size).tolist() == want.tolist()


@pytest.mark.parametrize("block", [1, 7, 64, 1 << 20])
def test_point_index_boxes_gathered_by_blocks_give_the_same_pairs(monkeypatch, block):
    from diagnostic_lib import _spatial

    rng = np.random.default_rng(6)
    x, y = rng.uniform(0, 1000, 4000), rng.uniform(0, 800, 4000)
    idx = _spatial.PointIndex(x, y, cell=40.0)
    x0, y0 = rng.uniform(-50, 1000, 300), rng.uniform(-50, 800, 300)
    x1, y1 = x0 + rng.exponential(60, 300), y0 + rng.exponential(60, 300)
    x1[::17] = x0[::17] - 1  # inverted boxes: none of their points
    whole = idx.boxes(x0, y0, x1, y1)
    monkeypatch.setattr(_spatial, "CANDIDATES", block)
    got = idx.boxes(x0, y0, x1, y1)
    assert [a.tolist() for a in got] == [a.tolist() for a in whole]
    for k in range(0, 300, 23):  # and each box's points are the box's
        want = np.flatnonzero((x >= x0[k]) & (x <= x1[k]) & (y >= y0[k]) & (y <= y1[k]))
        assert np.sort(got[1][got[0] == k]).tolist() == want.tolist()


def test_point_index_finds_points_on_cell_edges_and_box_edges():
    from diagnostic_lib._spatial import PointIndex

    # points on the grid lines (multiples of the cell, and one ulp either side of them)
    base = np.arange(0.0, 2000.0, 100.0)
    x = np.r_[base, np.nextafter(base, -np.inf)[1:], np.nextafter(base, np.inf)]
    y = np.r_[base[::-1], base[1:], base]
    for cell in (100.0, 0.1 * 3, 33.333333333333336):
        idx = PointIndex(x, y, cell=cell)
        for k in range(0, len(x), 7):  # a box whose corner is exactly a point
            for x0, y0, x1, y1 in ((x[k], y[k], x[k] + 250, y[k] + 250), (0, 0, x[k], y[k])):
                want = np.flatnonzero((x >= x0) & (x <= x1) & (y >= y0) & (y <= y1))
                assert np.sort(idx.box(x0, y0, x1, y1)).tolist() == want.tolist()
                b, p = idx.boxes(*(np.array([v]) for v in (x0, y0, x1, y1)))
                assert np.sort(p).tolist() == want.tolist()


def test_point_index_boxes_equal_a_brute_force_filter():
    from diagnostic_lib._spatial import PointIndex

    rng = np.random.default_rng(4)
    x = np.r_[rng.uniform(0, 5000, 3000), rng.normal(900, 30, 500), [np.nan, 10.0]]
    y = np.r_[rng.uniform(0, 800, 3000), rng.normal(400, 30, 500), [5.0, np.inf]]
    subset = np.flatnonzero(rng.random(len(x)) < 0.7)
    for positions, cell in ((None, None), (subset, 37.0), (None, 1e6)):
        idx = PointIndex(x, y, positions=positions, cell=cell)
        pool = np.arange(len(x)) if positions is None else positions
        for _ in range(40):
            x0, y0 = rng.uniform(-500, 5000), rng.uniform(-100, 800)
            x1, y1 = x0 + rng.exponential(400), y0 + rng.exponential(200)
            got = np.sort(idx.box(x0, y0, x1, y1))
            px, py = x[pool], y[pool]
            want = pool[(px >= x0) & (px <= x1) & (py >= y0) & (py <= y1)]
            assert got.tolist() == want.tolist()
        assert idx.box(10, 10, 0, 0).tolist() == []  # an inverted box is empty


def test_distinct_geometries_write_each_object_once_and_group_equal_ones(monkeypatch):
    """The same object many times, equal objects, missing ones: as grouping every WKB."""
    import pandas as pd
    import shapely

    from diagnostic_lib import _spatial

    outline = shapely.box(0, 0, 1000, 1000).buffer(5)
    a, a_copy, b = shapely.box(0, 0, 1, 1), shapely.box(0, 0, 1, 1), shapely.box(0, 0, 2, 2)
    geoms = np.array([b, outline, a, None, outline, a_copy, outline, b, None, a], dtype=object)
    written = []
    real = shapely.to_wkb
    monkeypatch.setattr(shapely, "to_wkb", lambda g, *k, **kw: written.append(len(g)) or real(g))
    codes, distinct = _spatial.distinct_geometries(geoms)
    monkeypatch.undo()
    assert written == [5]  # b, outline, a, None, a_copy: each object once
    ref, _ = pd.factorize(pd.Series(shapely.to_wkb(geoms), dtype=object))
    assert codes.tolist() == ref.tolist() == [0, 1, 2, -1, 1, 2, 1, 0, -1, 2]
    _, first = np.unique(ref, return_index=True)
    assert [g is h for g, h in zip(distinct, geoms[first], strict=True)] == [True] * 4
    empty_codes, empty = _spatial.distinct_geometries(np.array([], dtype=object))
    assert len(empty_codes) == 0 and len(empty) == 0


# ----------------------------------------------------------------------------
# Plain ISO dates
# ----------------------------------------------------------------------------
# mostly real dates and times (years 1 to 9999: the general path's range too), at times not
_DAYS = st.tuples(st.integers(1, 9999), st.integers(1, 12), st.integers(1, 31))
_TIMES = st.one_of(
    st.just(""),
    st.tuples(st.integers(0, 23), st.integers(0, 59)).map(lambda t: f" {t[0]:02d}:{t[1]:02d}"),
    st.tuples(st.integers(0, 23), st.integers(0, 59), st.integers(0, 59)).map(
        lambda t: f" {t[0]:02d}:{t[1]:02d}:{t[2]:02d}"
    ),
)


@settings(max_examples=150, deadline=None)
@given(st.lists(st.one_of(st.just(""), st.tuples(_DAYS, _TIMES)), min_size=1, max_size=8))
def test_plain_iso_dates_equal_the_general_parser(rows):
    from diagnostic_lib.loaders import parsing

    texts = ["" if r == "" else "{:04d}-{:02d}-{:02d}".format(*r[0]) + r[1] for r in rows]
    text = pd.Series(texts, dtype="str")
    general = parsing._distinct_datetimes(text, parsing._DATE_FORMATS, "America/Toronto")
    fast = parsing.strict_iso(text)
    if fast is None:  # an impossible date or time among them: the general path reads it
        return
    pd.testing.assert_series_equal(fast[0], general)
    assert fast[1].tolist() == [len(t) > 10 for t in texts]
    got = parsing.parse_datetimes(text)
    pd.testing.assert_series_equal(got, general)


def test_plain_iso_dates_leave_every_other_form_to_the_general_parser():
    from diagnostic_lib.loaders import parsing

    for other in (
        "2024-05-01T10:00",  # a T
        "2024-05-01 10:00Z",  # an offset
        "2024-5-1",  # one digit
        "2024-02-30",  # no such day
        "2024-05-01 24:00",  # no such hour
        "45292",  # a serial
        "2024-05",  # a month
        "01/05/2024",  # day first
    ):
        assert parsing.strict_iso(pd.Series(["2024-05-01", other], dtype="str")) is None, other
    # and the loader reads them all as before, ranges and serials included
    inc, led = loaders.load_incidents(
        pd.DataFrame(
            {
                "date": ["2024-05-01 10:00", "2024-05", "45292", "2024-02-30", "2024-05-02"],
                "category": ["Vol"] * 5,
            }
        ),
        now="2025-01-01",
    )
    assert inc["occurred_from"].dt.strftime("%Y-%m-%d %H:%M").tolist() == [
        "2024-05-01 10:00",
        "2024-05-01 00:00",
        "2024-01-01 00:00",
        "2024-05-02 00:00",
    ]
    assert inc["time_precision"].tolist() == ["exact", "month", "day", "day"]
    assert led.entries["reason"].tolist().count("date_unparseable") == 1
