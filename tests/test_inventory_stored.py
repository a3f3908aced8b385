"""Step 1's result kept in the loaders' cache entry (``inventory.stored``): read back by a
re-run on the same content, never when a table, a tunable or the file changed."""

from __future__ import annotations

import shutil
from pathlib import Path

import geopandas as gpd
import numpy as np
import pandas as pd
import pytest
import shapely

from diagnostic_lib import inventory, loaders
from diagnostic_lib.inventory import results, stored

from .conftest import NOW, SAMPLE

TABLES = ("rates", "severity", "change", "hot_spots", "knox", "problems", "priority")


@pytest.fixture
def town(tmp_path: Path) -> Path:
    """A copy of the sample in a temporary folder (its own cache)."""
    shutil.copytree(SAMPLE, tmp_path / "town", ignore=shutil.ignore_patterns("build"))
    return tmp_path / "town" / "diagnostic.toml"


def _files(diag: loaders.Diagnostic) -> list[Path]:
    return sorted(Path(diag.cache_entry).glob("inventory-*.pkl"))


def _same(a: inventory.Inventory, b: inventory.Inventory) -> None:
    for name in TABLES:
        x, y = getattr(a, name), getattr(b, name)
        pd.testing.assert_frame_equal(x, y, check_exact=True, obj=name)
    assert a.parameters == b.parameters


def test_a_rerun_reads_step_1_back_and_it_is_what_a_plain_run_gives(town, monkeypatch):
    d = loaders.load_diagnostic(town, now=NOW, cache=True)
    first = inventory.run(d, permutations=19)
    assert len(_files(d)) == 1
    again_d = loaders.load_diagnostic(town, now=NOW, cache=True)  # a new session
    with monkeypatch.context() as m:
        m.setattr(results, "_run", lambda *a, **k: pytest.fail("step 1 computed again"))
        again = inventory.run(again_d, permutations=19)
    _same(first, again)
    plain = inventory.run(loaders.load_diagnostic(town, now=NOW, cache=False), permutations=19)
    _same(plain, again)
    assert again.cube is not None and again.cube.total == len(d.incidents)


def test_a_rerun_reads_its_cube_by_name_without_the_grid_or_the_incidents(town, monkeypatch):
    from diagnostic_lib.inventory import counted

    d = loaders.load_diagnostic(town, now=NOW, cache=True)
    first = inventory.run(d, permutations=19)
    counted._CUBES.clear()  # a new session: nothing in memory
    again_d = loaders.load_diagnostic(town, now=NOW, cache=True)
    with monkeypatch.context() as m:
        m.setattr(results, "_grid", lambda *a, **k: pytest.fail("the grid made again"))
        m.setattr(counted, "incidents_digest", lambda *a: pytest.fail("incidents read again"))
        again = inventory.run(again_d, permutations=19)
    assert again.cube.equals(first.cube) and again.cube is not first.cube  # read from disk
    # its folder deleted (the entry pruned by hand): counted again from the incidents
    counted._CUBES.clear()
    for folder in Path(d.cache_entry).glob("cube-*"):
        shutil.rmtree(folder)
    rebuilt = inventory.run(loaders.load_diagnostic(town, now=NOW, cache=True), permutations=19)
    assert rebuilt.cube.equals(first.cube) and len(list(Path(d.cache_entry).glob("cube-*"))) == 1


def test_a_cube_held_in_memory_is_kept_in_a_new_entry_too(town):
    from diagnostic_lib.inventory import counted

    counted._CUBES.clear()
    d = loaders.load_diagnostic(town, now=NOW, cache=True)
    first = inventory.run(d, permutations=19)
    # another entry (another "now"), the same incidents: the cube in memory is used, and kept
    other = loaders.load_diagnostic(town, now=pd.Timestamp(NOW) + pd.Timedelta(days=1), cache=True)
    assert other.cache_entry != d.cache_entry
    assert inventory.run(other, permutations=19).cube is first.cube
    assert len(list(Path(other.cache_entry).glob("cube-*"))) == 1


def test_a_table_changed_in_memory_or_another_tunable_is_computed_again(town):
    d = loaders.load_diagnostic(town, now=NOW, cache=True)
    inventory.run(d, permutations=19)
    d.incidents = d.incidents.iloc[500:]  # a table replaced
    fewer = inventory.run(d, permutations=19)
    assert len(_files(d)) == 2 and fewer.cube.total == len(d.incidents)
    thefts = d.incidents["category"].eq("theft_from_vehicle")
    d.incidents.loc[thefts, "category"] = "mischief"  # the same table changed in place
    changed = inventory.run(d, permutations=19)
    assert len(_files(d)) == 3
    assert not changed.change.equals(fewer.change)  # by sector and category
    inventory.run(d, permutations=9)  # another tunable
    assert len(_files(d)) == 4
    entry, d.cache_entry = d.cache_entry, None
    _same(inventory.run(d, permutations=19), changed)  # what a plain run gives
    d.cache_entry = entry


def test_a_corrupt_file_is_ignored_and_written_again(town, monkeypatch):
    d = loaders.load_diagnostic(town, now=NOW, cache=True)
    first = inventory.run(d, permutations=19)
    (path,) = _files(d)
    whole = path.read_bytes()
    # the same tables, not always the same bytes: a register that came back from the worker
    # process shares no objects with the tables made here, so the whole result pickles to
    # other bytes (each table alone pickles the same); the file written again is read back
    for corrupt in (whole[:-100], whole[:-1] + bytes([whole[-1] ^ 1])):  # cut short, a bit
        path.write_bytes(corrupt)
        _same(inventory.run(d, permutations=19), first)
        assert path.read_bytes() != corrupt
        with monkeypatch.context() as m:  # a new session reads it back
            m.setattr(results, "_run", lambda *a, **k: pytest.fail("step 1 computed again"))
            again = inventory.run(
                loaders.load_diagnostic(town, now=NOW, cache=True), permutations=19
            )
        _same(again, first)


def test_without_the_loaders_cache_or_with_a_given_cube_nothing_is_kept(town):
    d = loaders.load_diagnostic(town, now=NOW, cache=True)
    inventory.run(d, permutations=19, cube=False)
    assert not _files(d)
    off = loaders.load_diagnostic(town, now=NOW, cache=False)
    assert off.cache_entry is None and inventory.run(off, permutations=19).priority is not None


def test_frame_digest_sees_values_nulls_the_index_names_and_types():
    base = gpd.GeoDataFrame(
        {
            "id": pd.array(["a1", "b2", "c3"], dtype="str"),
            "n": [1, 2, 3],
            "when": pd.to_datetime(["2024-01-01", "2024-02-01", None]),
            "obj": ["x", None, 3],
        },
        geometry=[shapely.Point(0, 0), shapely.Point(1, 1), None],
    )
    key = stored.frame_digest(base)
    assert stored.frame_digest(base.copy()) == key
    changes = [
        base.assign(id=pd.array(["a1", "b2", "c4"], dtype="str")),
        base.assign(id=pd.array(["a1", None, "c3"], dtype="str")),
        base.assign(n=[1, 2, 4]),
        base.assign(n=np.array([1, 2, 3], dtype="int32")),
        base.assign(when=pd.to_datetime(["2024-01-01", "2024-02-02", None])),
        base.assign(obj=["x", "None", 3]),
        base.set_geometry([shapely.Point(0, 0), shapely.Point(1, 2), None]),
        base.set_geometry([shapely.Point(0, 0), shapely.box(0, 0, 1, 1), None]),
        base.set_index(pd.Index([0, 1, 5])),
        base.rename(columns={"n": "m"}),
        base.iloc[:2],
    ]
    digests = [stored.frame_digest(c) for c in changes]
    assert key not in digests and len(set(digests)) == len(digests)
