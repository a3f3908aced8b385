"""Step 1 reads its tables of counts from the count cube: every output the same as from the points.

:func:`inventory.run` sums rates, the severity index, shift shares,
seasonality, the counts per grid cell and their hot spots from the
incidents' count cube by default (``cube=True``); ``cube=False`` counts the
points as before. The whole :class:`~diagnostic_lib.inventory.Inventory` must
be the same both ways, on the sample, on a 100k copy of it, and on data built
to fool a cube (gap months, dates known only to the month, incidents outside
every sector and without a point, a category of the taxonomy without any
incident).
"""

from __future__ import annotations

import dataclasses

import geopandas as gpd
import numpy as np
import pandas as pd
import pytest
import shapely

from diagnostic_lib import cube, inventory
from diagnostic_lib.inventory.grid import make_grid

PERMUTATIONS = 19


def _assert_same_inventory(a: inventory.Inventory, b: inventory.Inventory) -> None:
    """Every field of two inventories equal (tables with ``assert_frame_equal`` and attrs)."""
    for f in dataclasses.fields(inventory.Inventory):
        if f.name == "cube":
            continue
        x, y = getattr(a, f.name), getattr(b, f.name)
        if isinstance(x, pd.DataFrame):
            pd.testing.assert_frame_equal(x, y, obj=f.name)
            assert x.attrs.keys() == y.attrs.keys(), f.name
            for k in x.attrs:
                if k != "members":
                    assert repr(x.attrs[k]) == repr(y.attrs[k]), (f.name, k)
        elif isinstance(x, pd.Series):
            pd.testing.assert_series_equal(x, y, obj=f.name)
        else:
            assert repr(x) == repr(y), f.name
    members_a, members_b = a.problems.attrs["members"], b.problems.attrs["members"]
    assert members_a.keys() == members_b.keys()
    for k in members_a:
        assert members_a[k].equals(members_b[k])


def _both(diag) -> tuple[inventory.Inventory, inventory.Inventory]:
    return (
        inventory.run(diag, permutations=PERMUTATIONS, cube=True),
        inventory.run(diag, permutations=PERMUTATIONS, cube=False),
    )


def test_step1_from_the_cube_is_step1_from_the_points_on_the_sample(diag):
    from_cube, from_points = _both(diag)
    assert isinstance(from_cube.cube, cube.Cube) and from_points.cube is None
    assert from_cube.cube.total == len(diag.incidents)
    _assert_same_inventory(from_cube, from_points)


def test_a_cube_given_is_used_and_must_be_on_the_steps_grid(diag):
    grid = make_grid(diag.sectors, float(diag.config.param("grid_cell_m")))
    built = cube.build(diag.incidents, grid)
    inv = inventory.run(diag, permutations=PERMUTATIONS, cube=built)
    assert inv.cube is built
    other = cube.build(diag.incidents, make_grid(diag.sectors, 2 * grid.attrs["grid"]["cell_size"]))
    with pytest.raises(ValueError, match="another grid"):
        inventory.run(diag, permutations=PERMUTATIONS, cube=other)


def test_a_wrong_cube_changes_the_tables(diag):
    """The equality above can fail: a cube missing one month gives other rates."""
    grid = make_grid(diag.sectors, float(diag.config.param("grid_cell_m")))
    inc = diag.incidents
    built = cube.build(
        inc[inc["occurred_from"] >= inc["occurred_from"].min() + pd.Timedelta(days=40)], grid
    )
    wrong = inventory.run(diag, permutations=PERMUTATIONS, cube=built)
    right = inventory.run(diag, permutations=PERMUTATIONS, cube=False)
    assert not wrong.rates["count"].equals(right.rates["count"])
    assert not wrong.seasonality.equals(right.seasonality)


def _fooling(diag) -> inventory.Inventory:
    """The sample with what could fool a cube, as a diagnosis."""
    inc = diag.incidents.copy()
    rng = np.random.default_rng(5)
    start = inc["occurred_from"]
    # a gap: two months without any record (zeros there are no data)
    inc = inc[~((start >= "2023-03-01") & (start < "2023-05-01"))].copy()
    # dates known only to the month: first day to last day of the month
    month_only = rng.random(len(inc)) < 0.05
    first = inc["occurred_from"].dt.to_period("M").dt.start_time.astype("datetime64[us]")
    last = inc["occurred_from"].dt.to_period("M").dt.end_time.dt.floor("s").astype("datetime64[us]")
    inc.loc[month_only, "occurred_from"] = first[month_only]
    inc.loc[month_only, "occurred_to"] = last[month_only]
    inc.loc[month_only, "shift"] = None
    # outside every sector: no sector, and points far outside the grid
    outside = rng.random(len(inc)) < 0.02
    inc.loc[outside, "sector"] = None
    far = np.flatnonzero(outside)[::2]
    pts = np.asarray(inc.geometry.array, dtype=object)
    pts[far] = shapely.points(np.full(len(far), 1e7), np.full(len(far), 1e7))
    # without a point
    pts[rng.random(len(inc)) < 0.02] = None
    inc = inc.set_geometry(gpd.GeoSeries(pts, index=inc.index, crs=diag.incidents.crs))
    # a category of the taxonomy with no incident left
    gone = inc["category"].value_counts().index[-1]
    inc = inc[inc["category"] != gone]
    assert gone in set(diag.taxonomy.index)
    return dataclasses.replace(diag, incidents=inc)


def test_step1_from_the_cube_on_data_built_to_fool_it(diag):
    fooling = _fooling(diag)
    from_cube, from_points = _both(fooling)
    _assert_same_inventory(from_cube, from_points)
    # the fooling inputs are really there
    gaps = from_points.seasonality.attrs["coverage"]["gap_months"]
    assert {"2023-03", "2023-04"} <= set(gaps)
    assert from_cube.cube.total == len(fooling.incidents)
    assert (from_cube.cube.counts["cell"] < 0).any()
    assert from_cube.cube.counts["sector"].isna().any()


def test_step1_from_the_cube_on_100k(diag):
    """The sample copied six times, points moved (≈ 100k incidents)."""
    inc = diag.incidents
    rng = np.random.default_rng(17)
    x, y = shapely.get_x(inc.geometry.array), shapely.get_y(inc.geometry.array)
    parts = []
    for k in range(6):
        part = inc.copy()
        part["incident_id"] = part["incident_id"] + f"-{k}"
        pts = gpd.points_from_xy(x + rng.normal(0, 50, len(inc)), y + rng.normal(0, 50, len(inc)))
        part = part.set_geometry(gpd.GeoSeries(pts, index=part.index, crs=inc.crs))
        part.loc[inc.geometry.isna().to_numpy(), "geometry"] = None
        parts.append(part)
    big = pd.concat(parts, ignore_index=True)
    from_cube, from_points = _both(dataclasses.replace(diag, incidents=big))
    _assert_same_inventory(from_cube, from_points)


# --- built once: in memory, and beside the loaders' cache -------------------------------
@pytest.fixture
def town(tmp_path):
    """A copy of the sample (config, data, taxonomy) in a temporary folder."""
    import shutil

    from .conftest import SAMPLE

    shutil.copytree(SAMPLE, tmp_path / "town", ignore=shutil.ignore_patterns("build"))
    return tmp_path / "town" / "diagnostic.toml"


def test_a_rerun_reads_the_cube_kept_in_the_loaders_cache(town, monkeypatch):
    from diagnostic_lib import loaders
    from diagnostic_lib.inventory import counted

    from .conftest import NOW

    first = loaders.load_diagnostic(town, now=NOW, cache=True)
    assert first.cache_entry is not None and first.cache_entry.is_dir()
    counted._CUBES.clear()
    inv1 = inventory.run(first, permutations=PERMUTATIONS)
    saved = list(first.cache_entry.glob("cube-*"))
    assert len(saved) == 1 and (saved[0] / "counts.parquet").is_file()

    # a new process: nothing in memory; the cube must come from the disk, not be built
    counted._CUBES.clear()

    def no_build(*args, **kwargs):
        raise AssertionError("built again instead of read from the cache")

    monkeypatch.setattr(cube, "build", no_build)
    again = loaders.load_diagnostic(town, now=NOW, cache=True)
    assert again.cache_entry == first.cache_entry
    inv2 = inventory.run(again, permutations=PERMUTATIONS)
    assert inv2.cube.equals(inv1.cube)
    monkeypatch.undo()
    # (the loaders' cache does not keep the walks table: compare with the same diagnosis)
    _assert_same_inventory(inv2, inventory.run(again, permutations=PERMUTATIONS, cube=False))
    # the same session: the cube in memory is the one read
    assert inventory.run(again, permutations=PERMUTATIONS).cube is inv2.cube


def test_changed_incidents_never_read_a_kept_cube(town):
    from diagnostic_lib import loaders
    from diagnostic_lib.inventory import counted

    from .conftest import NOW

    d = loaders.load_diagnostic(town, now=NOW, cache=True)
    counted._CUBES.clear()
    inventory.run(d, permutations=PERMUTATIONS)
    # same entry, other incidents (a notebook's filter): another cube, counted from them
    inc = d.incidents
    fewer = dataclasses.replace(d, incidents=inc[inc["category"] != "theft"])
    relabelled = dataclasses.replace(d, incidents=inc.assign(sector=inc["sector"].shift(1)))
    for other in (fewer, relabelled):
        from_cube = inventory.run(other, permutations=PERMUTATIONS)
        from_points = inventory.run(other, permutations=PERMUTATIONS, cube=False)
        _assert_same_inventory(from_cube, from_points)
    assert len(list(d.cache_entry.glob("cube-*"))) == 3


def test_the_digest_sees_every_column_the_cube_counts(diag):
    inc = diag.incidents
    base = inventory.incidents_digest(inc)
    assert inventory.incidents_digest(inc.copy()) == base
    moved = inc.copy()
    moved.loc[moved.index[0], "geometry"] = shapely.Point(0, 0)
    # an empty point (no x to read) is read, and told apart from a missing one
    empty, gone = inc.copy(), inc.copy()
    empty.loc[empty.index[0], "geometry"] = shapely.Point()
    gone.loc[gone.index[0], "geometry"] = None
    assert inventory.incidents_digest(empty) != inventory.incidents_digest(gone)
    later = inc.assign(occurred_from=inc["occurred_from"] + pd.Timedelta(hours=1))
    ranged = inc.assign(occurred_to=inc["occurred_from"] + pd.Timedelta(days=3))
    for changed in (
        moved,
        empty,
        gone,
        later,
        ranged,
        *(inc.assign(**{k: inc[k].iloc[::-1].to_numpy()}) for k in counted_labels()),
    ):
        assert inventory.incidents_digest(changed) != base


def counted_labels() -> tuple[str, ...]:
    from diagnostic_lib.inventory import counted

    return counted.LABELS


# --- each table of counts, from a cube or the points --------------------------------------
@pytest.fixture(scope="module")
def sample_cube(diag):
    return cube.build(diag.incidents, make_grid(diag.sectors, 200.0))


@pytest.mark.parametrize("by", [None, "family", "category", "sector"])
def test_shifts_and_seasonality_from_the_cube(diag, sample_cube, by):
    inc = diag.incidents
    pd.testing.assert_frame_equal(
        inventory.shift_shares(sample_cube, by=by), inventory.shift_shares(inc, by=by)
    )
    a, b = inventory.seasonality(sample_cube, by=by), inventory.seasonality(inc, by=by)
    pd.testing.assert_frame_equal(a, b, check_exact=True)
    assert a.attrs == b.attrs


def test_calendar_severity_and_perception_gap_from_the_cube(diag, sample_cube):
    from diagnostic_lib import coverage

    inc, sec = diag.incidents, diag.sectors
    for by in (None, "sector", "category"):
        pd.testing.assert_frame_equal(
            coverage.coverage_calendar(sample_cube, by=by), coverage.coverage_calendar(inc, by=by)
        )
    with pytest.raises(ValueError, match="needs the incidents"):
        coverage.coverage_calendar(sample_cube, end="2026-01-01")
    pd.testing.assert_frame_equal(
        inventory.severity_index(sample_cube, sec, diag.weights),
        inventory.severity_index(inc, sec, diag.weights),
    )
    for w in (None, diag.weights):
        a = inventory.perception_gap(diag.survey, sample_cube, sec, weights=w)
        b = inventory.perception_gap(diag.survey, inc, sec, weights=w)
        pd.testing.assert_frame_equal(a, b)
        assert a.attrs == b.attrs
    grid = make_grid(sec, 200.0)
    hs_cube, hs_points = (
        inventory.hot_spots(sample_cube, grid=grid),
        inventory.hot_spots(inc, grid=grid),
    )
    pd.testing.assert_frame_equal(hs_cube, hs_points, check_exact=True)
    assert hs_cube.attrs == hs_points.attrs
    with pytest.raises(ValueError, match="needs a grid"):
        inventory.hot_spots(sample_cube, area=sec)
