"""The count cube: three builders, identical cubes, and roll-ups equal to today's aggregates.

The cube is checked against the aggregates the library computes from the
points (counts per sector × category × month, per grid cell, per hour of the
week, per day), on the sample and on a 100k set made from it; the in-memory,
DuckDB and Dask builders must give identical cubes on both, from Parquet and
from CSV. The inputs that could fool it (no point, a point outside the grid
or in a clipped-away cell, no sector, a date known only to the month, the
text "NA") are tested one by one.
"""

from __future__ import annotations

import geopandas as gpd
import numpy as np
import pandas as pd
import pytest
import shapely

from diagnostic_lib import cube
from diagnostic_lib.inventory import grid as grid_mod
from diagnostic_lib.inventory import timing, volume

pytest.importorskip("duckdb")
pytest.importorskip("dask.dataframe")

CELL_M = 100.0


@pytest.fixture(scope="module")
def sample(diag):
    g = grid_mod.make_grid(diag.sectors, CELL_M)
    return diag.incidents, g, cube.build(diag.incidents, g)


def _copied(incidents: pd.DataFrame, copies: int, seed: int = 17) -> gpd.GeoDataFrame:
    """The sample copied ``copies`` times, each copy's points moved by a seeded jitter (≈ 50 m)."""
    rng = np.random.default_rng(seed)
    parts = []
    x, y = shapely.get_x(incidents.geometry.array), shapely.get_y(incidents.geometry.array)
    for k in range(copies):
        dx, dy = rng.normal(0, 50, len(incidents)), rng.normal(0, 50, len(incidents))
        pts = gpd.points_from_xy(x + dx, y + dy)  # unlocated ones stay unlocated (NaN)
        part = incidents.copy()
        part["incident_id"] = part["incident_id"] + f"-{k}"
        part = part.set_geometry(gpd.GeoSeries(pts, index=part.index, crs=incidents.crs))
        part.loc[incidents.geometry.isna().to_numpy(), "geometry"] = None
        parts.append(part)
    return pd.concat(parts, ignore_index=True)


def _assert_same(a: cube.Cube, b: cube.Cube) -> None:
    pd.testing.assert_frame_equal(a.counts, b.counts)
    pd.testing.assert_frame_equal(a.hours, b.hours)
    assert a.grid == b.grid
    assert a.equals(b)


# --- the three builders ---------------------------------------------------------------


@pytest.mark.parametrize("fmt", ["parquet", "csv"])
def test_duckdb_and_dask_give_the_in_memory_cube_on_the_sample(sample, tmp_path, fmt):
    inc, g, c = sample
    cube.write_partitions(inc, tmp_path, rows_per_file=4_000, format=fmt)
    assert len(list(tmp_path.iterdir())) == 4
    spill = tmp_path.parent / f"spill-{fmt}"
    _assert_same(c, cube.build_duckdb(tmp_path, g))
    _assert_same(
        c, cube.build_duckdb(tmp_path, g, memory_limit="200MB", threads=1, temp_directory=spill)
    )
    _assert_same(c, cube.build_dask(str(tmp_path / f"*.{fmt}"), g))


def test_three_builders_agree_on_100k_on_a_local_cluster(sample, tmp_path):
    from distributed import Client, LocalCluster

    inc, g, _ = sample
    big = _copied(inc, 7)
    assert len(big) > 100_000
    c = cube.build(big, g)
    assert c.total == len(big)
    cube.write_partitions(big, tmp_path, rows_per_file=30_000)
    _assert_same(c, cube.build_duckdb(sorted(tmp_path.glob("*.parquet")), g, threads=2))
    with (
        LocalCluster(processes=False, n_workers=2, threads_per_worker=1) as cluster,
        Client(cluster),
    ):
        _assert_same(c, cube.build_dask(tmp_path, g))
    # the copies moved the points: the cube is not seven times the sample's
    per_cell = cube.cell_counts(c, g)
    assert (per_cell.to_numpy() == 7 * cube.cell_counts(sample[2], g).to_numpy()).mean() < 0.9
    pd.testing.assert_series_equal(per_cell, grid_mod.grid_counts(big, g))


def test_a_wrong_count_makes_cubes_differ(sample):
    _, _, c = sample
    counts = c.counts.copy()
    counts.loc[5, "count"] += 1
    assert not cube.Cube(counts, c.hours, c.grid).equals(c)
    assert not cube.Cube(c.counts, c.hours, {**c.grid, "x0": 0.0}).equals(c)


# --- roll-ups equal today's aggregates ------------------------------------------------


def test_rollup_gives_volume_counts_by_sector_category_month(sample):
    inc, _, c = sample
    want = volume.counts(inc, by=("sector", "category"), period="month", complete=False)
    got = cube.rollup(c, ["sector", "category", "month"])
    got["period"] = got["month"].dt.strftime("%Y-%m")
    key = ["sector", "category", "period"]
    w = want.sort_values(key, na_position="first", ignore_index=True)
    gg = got.sort_values(key, na_position="first", ignore_index=True)
    assert len(w) == len(gg) and w["count"].sum() == len(inc)
    assert w[key].astype(object).fillna("-").equals(gg[key].astype(object).fillna("-"))
    np.testing.assert_array_equal(w["count"].to_numpy(), gg["count"].to_numpy())


def test_rollup_by_year_gives_volume_counts_by_sector_and_year(sample):
    inc, _, c = sample
    want = volume.counts(inc, by=("sector",), period="year", complete=False)
    got = cube.rollup(c, ["sector", "year"])
    want = want.set_index(["sector", "period"])["count"].sort_index()
    got = got.set_index(["sector", "year"])["count"].sort_index()
    np.testing.assert_array_equal(want.to_numpy(), got.to_numpy())
    assert got.index.get_level_values(0).isna().sum() > 0  # no-sector incidents counted


def test_cell_counts_are_grid_counts(sample):
    inc, g, c = sample
    pd.testing.assert_series_equal(cube.cell_counts(c, g), grid_mod.grid_counts(inc, g))


def test_hour_week_is_hour_weekday_of_the_starts(sample):
    inc, _, c = sample
    want = timing.hour_weekday(inc, use_aoristic=False)
    np.testing.assert_array_equal(cube.hour_week(c).to_numpy(), want.to_numpy())
    exact = inc[inc["occurred_to"].isna() | (inc["occurred_to"] - inc["occurred_from"] <= "1h")]
    np.testing.assert_array_equal(
        cube.hour_week(c, "count_hour").to_numpy(),
        timing.hour_weekday(exact, use_aoristic=False).to_numpy(),
    )


def test_days_count_the_day_precise_incidents(sample):
    inc, _, c = sample
    width = inc["occurred_to"] - inc["occurred_from"]
    precise = inc["occurred_to"].isna() | (width <= pd.Timedelta(hours=24))
    want = inc.loc[precise, "occurred_from"].dt.normalize().value_counts().sort_index()
    got = cube.rollup(c, ["day"]).dropna(subset=["day"]).set_index("day")["count"]
    np.testing.assert_array_equal(want.index.to_numpy(), got.index.to_numpy())
    np.testing.assert_array_equal(want.to_numpy(), got.to_numpy())
    # the month-precise ones have no day but keep their month
    nd = cube.rollup(c, ["day"]).query("day.isna()", engine="python")["count"].sum()
    assert nd == int((~precise).sum()) > 0


def test_month_series_fills_zeros_and_sums_to_the_family_totals(sample):
    inc, _, c = sample
    s = cube.month_series(c, ["sector", "family"])
    n_months = s["month"].nunique()
    assert (s.groupby(["sector", "family"], dropna=False).size() == n_months).all()
    assert (s["count"] == 0).any()
    totals = s.groupby("family")["count"].sum()
    want = inc.groupby("family").size()
    np.testing.assert_array_equal(totals.index, want.index)
    np.testing.assert_array_equal(totals.to_numpy(), want.to_numpy())


def test_select_keeps_targeted_categories_and_a_window(sample):
    inc, g, c = sample
    cats = ("residential_burglary", "vehicle_theft")
    sub = cube.select(c, category=cats, shift=["nuit"], month=("2023-01-01", "2024-01-01"))
    t = inc["occurred_from"]
    want = inc["category"].isin(cats) & inc["shift"].eq("nuit") & (t >= "2023") & (t < "2024")
    assert sub.total == int(want.sum()) > 0
    assert cube.select(c, category=()).total == c.total  # no target = everything
    # the selection keeps every category; the cube of those incidents has only theirs
    part = cube.select(c, category=cats)
    built = cube.build(inc[inc["category"].isin(cats)], g)
    assert len(part.counts["category"].cat.categories) > len(
        built.counts["category"].cat.categories
    )
    assert part.equals(built) and built.equals(part)
    assert not part.equals(cube.build(inc[inc["category"].eq(cats[0])], g))


# --- inputs that could fool the cube -------------------------------------------------


def _l_shaped_grid():
    area = shapely.union_all([shapely.box(0, 0, 1000, 300), shapely.box(0, 0, 300, 1000)])
    with pytest.warns(grid_mod.GridWarning):
        return grid_mod.make_grid(area, cell_size=250, crs="EPSG:32188")


def _tricky() -> gpd.GeoDataFrame:
    when = pd.to_datetime(
        [
            "2024-01-31 23:30",
            "2024-02-10 10:00",
            "2024-03-01 00:00",
            "2024-03-20 00:00",
            "2024-04-02 08:00",
        ]
    )
    return gpd.GeoDataFrame(
        {
            "occurred_from": when,
            "occurred_to": pd.to_datetime([None, None, "2024-04-01", "2024-04-05", None]),
            "sector": ["A", None, "NA", "B", "A"],
            "category": ["theft", "theft", "fraud", "theft", "assault"],
            "family": ["property", "property", "fraud_cyber", "property", "violent"],
            "shift": ["soir", "jour", None, None, "jour"],
        },
        geometry=[
            shapely.Point(10, 10),  # in the grid
            None,  # no point
            shapely.Point(900, 900),  # inside the grid's box, in a cell clipped away
            shapely.Point(5000, 5000),  # outside the grid
            shapely.Point(10, 10),
        ],
        crs="EPSG:32188",
    )


@pytest.mark.realdata
@pytest.mark.parametrize("fmt", ["parquet", "csv"])
def test_three_builders_agree_on_montreals_real_export(tmp_path, fmt):
    """Data the library did not make: SPVM's 93k incidents (dates to the day with a shift
    for the time, positions rounded, some unlocated), on a grid of the real PDQ polygons."""
    from diagnostic_lib import loaders

    from .conftest import NOW, montreal_config

    d = loaders.load_diagnostic(montreal_config(tmp_path), now=NOW)
    g = grid_mod.make_grid(d.sectors, 250.0)
    c = cube.build(d.incidents, g)
    assert c.total == len(d.incidents) > 90_000
    assert (c.counts["cell"] == cube.NO_POSITION).any()  # the unlocated are counted, apart
    assert c.counts["day"].notna().any()
    out = tmp_path / "parts"
    cube.write_partitions(d.incidents, out, rows_per_file=20_000, format=fmt)
    _assert_same(c, cube.build_duckdb(out, g))
    _assert_same(c, cube.build_dask(str(out / f"*.{fmt}"), g))


def test_points_without_a_cell_are_kept_and_told_apart():
    g = _l_shaped_grid()
    c = cube.build(_tricky(), g)
    assert c.total == 5
    by_cell = cube.rollup(c, ["cell"]).set_index("cell")["count"].to_dict()
    assert by_cell == {cube.OUTSIDE: 2, cube.NO_POSITION: 1, 0: 2}
    assert cube.cell_counts(c, g).sum() == grid_mod.grid_counts(_tricky(), g).sum() == 2


def test_missing_sector_and_month_only_dates(tmp_path):
    g = _l_shaped_grid()
    c = cube.build(_tricky(), g)
    rows = c.counts.set_index("category")
    assert rows.loc["theft", "sector"].isna().sum() == 1  # no sector: kept, not dropped
    fraud = rows.loc[["fraud"]].iloc[0]
    assert fraud["sector"] == "NA"  # a sector called "NA" is not a missing one
    assert fraud["month"] == pd.Timestamp("2024-03-01") and pd.isna(fraud["day"])
    # a range across two months counts in the month of its start, as volume.counts does
    assert rows.loc["theft"].query("sector == 'B'")["month"].tolist() == [pd.Timestamp("2024-03")]
    assert cube.rollup(c, ["day"])["day"].isna().sum() == 1  # both ranges: one 'no day' row
    # the CSV's "NA" stays a sector through DuckDB and Dask too
    cube.write_partitions(_tricky(), tmp_path, format="csv")
    _assert_same(c, cube.build_duckdb(tmp_path, g))
    _assert_same(c, cube.build_dask(tmp_path, g))


def test_geoparquet_points_and_plain_columns(tmp_path):
    g = _l_shaped_grid()
    inc = _tricky()
    inc.to_parquet(tmp_path / "inc.parquet")  # GeoParquet: WKB points, no x, y
    _assert_same(cube.build(inc, g), cube.build_dask(tmp_path / "inc.parquet", g))
    with pytest.raises(ValueError, match="x, y"):
        cube.build_duckdb(tmp_path / "inc.parquet", g)


def test_bad_inputs_are_refused_clearly(tmp_path):
    g = _l_shaped_grid()
    with pytest.raises(ValueError, match="category"):
        cube.from_columns(pd.DataFrame({"x": [1.0], "y": [1.0], "occurred_from": ["2024"]}), g)
    with pytest.raises(ValueError, match="make_grid"):
        cube.build(_tricky(), pd.DataFrame({"row": [0], "col": [0]}))
    with pytest.raises(FileNotFoundError):
        cube.build_duckdb(tmp_path, g)
    with pytest.raises(ValueError, match="unknown cube keys"):
        cube.rollup(cube.build(_tricky(), g), ["neighbourhood"])


def test_empty_input_gives_an_empty_cube():
    g = _l_shaped_grid()
    c = cube.build(_tricky().iloc[:0], g)
    assert c.total == 0 and c.counts.columns.tolist() == [*cube.KEYS, "count"]
    assert c.equals(cube.empty(c.grid))


def test_labels_all_missing_or_written_as_numbers():
    g = _l_shaped_grid()
    f = pd.DataFrame(
        {
            "x": [10.0, 20.0, 30.0],
            "y": [10.0, 20.0, 30.0],
            "occurred_from": pd.to_datetime(["2024-01-05"] * 3),
            "sector": pd.Series([1, "1", None], dtype=object),  # one sector, typed two ways
            "category": "theft",
            "shift": None,  # no shift at all
        }
    )
    c = cube.from_columns(f, g)
    r = cube.rollup(c, ["sector"])
    assert r["sector"].tolist()[0] == "1" and r["count"].tolist() == [2, 1]
    assert c.counts["shift"].isna().all() and c.counts["family"].isna().all()


def test_text_keys_are_held_as_categories_and_rolled_up_as_text(sample):
    inc, g, c = sample
    text_bytes = 0
    for k in ("sector", "category", "family", "shift"):
        col = c.counts[k]
        assert isinstance(col.dtype, pd.CategoricalDtype)
        cats = col.cat.categories
        assert cats.dtype == cube.TEXT and list(cats) == sorted(cats)
        assert col.cat.codes.dtype.itemsize <= 2  # a code of one or two bytes a row
        assert col.astype(cube.TEXT).tolist() == col.tolist()
        text_bytes += col.astype(cube.TEXT).memory_usage(deep=True)
        rolled = cube.rollup(c, [k])[k]
        assert rolled.dtype == cube.TEXT  # the reader sees text, not codes
        got = rolled.dropna().tolist()
        assert got == sorted(inc[k].dropna().astype(str).unique())
    held = sum(
        c.counts[k].memory_usage(deep=True) for k in ("sector", "category", "family", "shift")
    )
    assert held * 4 < text_bytes


# --- a consumer reading the cube: inventory.volume --------------------------------------


@pytest.mark.parametrize("period", ["year", "quarter", "month", None])
@pytest.mark.parametrize("by", ["family", "category", None])
def test_rates_from_the_cube_are_the_rates_from_the_points(diag, sample, by, period):
    inc, _, c = sample
    want = volume.rates(inc, diag.sectors, by=by, period=period)
    got = volume.rates(c, diag.sectors, by=by, period=period)
    pd.testing.assert_frame_equal(got, want)
    assert want["count"].sum() > 0


@pytest.mark.parametrize("complete", [True, False])
@pytest.mark.parametrize("by", [("sector", "category"), ("family",), ("shift", "sector")])
def test_counts_from_the_cube_are_the_counts_from_the_points(sample, by, complete):
    inc, _, c = sample
    want = volume.counts(inc, by=by, period="month", complete=complete)
    pd.testing.assert_frame_equal(volume.counts(c, by=by, period="month", complete=complete), want)
    assert want["count"].sum() == len(inc)  # every incident, those without a sector too


def _via_partial(frame: pd.DataFrame, g) -> cube.Cube:
    """The cube as several partitions' would be: a partial cube made canonical."""
    from diagnostic_lib.cube import in_memory

    params, lut = in_memory._grid_arrays(g)
    counts, hours = in_memory.partial_cube(frame, params, lut)
    return cube.Cube(cube.canonical_counts(counts), cube.canonical_hours(hours), params)


def _columns(incidents: pd.DataFrame) -> pd.DataFrame:
    from diagnostic_lib.cube import in_memory

    labels = ["sector", "category", "family", "shift"]
    return in_memory.contract_frame(
        incidents[[*labels, "occurred_from", "occurred_to", incidents.geometry.name]]
    )


def test_one_table_ranked_in_place_is_the_canonical_partial_cube(sample):
    """``from_columns`` writes the canonical form directly: the very same frames."""
    inc, g, _ = sample
    frame = _columns(_copied(inc, 2))
    frame["sector"] = frame["sector"].astype(object).where(frame.index % 11 != 0, 7)  # a number
    frame.loc[frame.index % 13 == 0, "category"] = None
    frame.loc[frame.index % 17 == 0, "occurred_to"] = pd.NaT
    _assert_same(cube.from_columns(frame, g), _via_partial(frame, g))
    for part in (frame.iloc[:1], frame.iloc[::-1], frame.assign(shift=None, family="z")):
        _assert_same(cube.from_columns(part, g), _via_partial(part, g))
    _assert_same(
        cube.build(_tricky(), _l_shaped_grid()), _via_partial(_columns(_tricky()), _l_shaped_grid())
    )


def test_cubes_differing_only_by_unused_categories_are_equal(sample):
    _, _, c = sample
    wider = c.counts.assign(sector=c.counts["sector"].cat.add_categories(["ZZ-unused"]))
    other = cube.Cube(wider, c.hours, c.grid)
    assert other.equals(c) and c.equals(other)
    moved = wider.copy()
    moved.loc[moved.index[0], "sector"] = "ZZ-unused"  # now used, and a row changed
    assert not cube.Cube(moved, c.hours, c.grid).equals(c)


@pytest.mark.parametrize("n", [0, 1, 5_000])
def test_grouping_sorted_or_hashed_gives_the_same_groups(n):
    """The canonical (ordered) groups are sorted runs; the plain ones hashed: same sums."""
    from diagnostic_lib.cube.in_memory import _group

    rng = np.random.default_rng(n)
    keys = {"a": rng.integers(0, 7, n), "b": rng.integers(0, 300, n), "c": rng.integers(0, 3, n)}
    values = {"count": None, "known": rng.random(n) < 0.3}
    ordered = pd.DataFrame(_group(keys, values, ordered=True))
    hashed = pd.DataFrame(_group(keys, values)).sort_values(list(keys), ignore_index=True)
    pd.testing.assert_frame_equal(ordered, hashed)
    plain = pd.DataFrame({**keys, "known": values["known"].astype("int64")})
    expected = plain.groupby(list(keys), sort=True).agg(
        count=("known", "size"), known=("known", "sum")
    )
    assert ordered["count"].sum() == n
    assert ordered["count"].tolist() == expected["count"].tolist()
    assert ordered["known"].tolist() == expected["known"].tolist()


@pytest.mark.parametrize("wide", [False, True])
def test_packed_keys_give_the_canonical_form_of_the_key_by_key_sort(monkeypatch, wide):
    """One integer per row (the keys packed) sorts and sums as the keys sorted one by one.

    The inputs that could fool the packing: missing dates (first), days not at midnight
    (not counted in days), negative cells, missing text, and keys too wide for 62 bits
    (``wide``: the key-by-key sort is used instead).
    """
    from diagnostic_lib.cube import definition

    rng = np.random.default_rng(5)
    n = 5000
    days = pd.Timestamp("2022-01-01") + pd.to_timedelta(rng.integers(0, 1400, n), unit="D")
    day = pd.Series(days).where(rng.random(n) > 0.2)
    if wide:
        day = day + pd.to_timedelta(rng.integers(0, 10**6, n), unit="us")
    cells = rng.integers(-2, 2**40 if wide else 500, n)
    frame = pd.DataFrame(
        {
            "cell": cells,
            "sector": pd.Series(rng.choice(["A", "B", "C"], n)).where(rng.random(n) > 0.1),
            "category": rng.choice(["theft", "fraud"], n),
            "family": "property",
            "shift": rng.choice(["jour", "nuit"], n),
            "month": pd.Series(days).dt.to_period("M").dt.to_timestamp(),
            "day": day,
            "count": rng.integers(1, 4, n),
        }
    ).sample(frac=1.0, random_state=3)
    frame = pd.concat([frame, frame.iloc[:700]], ignore_index=True)  # rows to sum
    ranks_fit = definition._packed([np.asarray(frame["cell"], dtype="int64")] * 2, [False, False])
    assert (ranks_fit is None) == wide
    packed = cube.canonical_counts(frame)
    monkeypatch.setattr(definition, "_packed", lambda ranks, dates: None)
    one_by_one = cube.canonical_counts(frame)
    assert packed.equals(one_by_one)
    assert packed["count"].sum() == frame["count"].sum() and len(packed) < len(frame)
