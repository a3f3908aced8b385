"""Several files for one table: lists and globs in ``path``, overlapping exports."""

from __future__ import annotations

import shutil

import pytest

from diagnostic_lib import loaders
from diagnostic_lib.config import expand_paths, load_config
from diagnostic_lib.errors import ConfigError

from .conftest import NOW, SAMPLE

HEADER = "incident_id,occurred_from,category"


def _town(tmp_path, files: dict[str, list[str]], path: str):
    shutil.copy(SAMPLE / "sectors.geojson", tmp_path / "sectors.geojson")
    (tmp_path / "exports").mkdir()
    for name, rows in files.items():
        (tmp_path / "exports" / name).write_text("\n".join([HEADER, *rows]) + "\n")
    cfg = tmp_path / "diagnostic.toml"
    cfg.write_text(
        '[municipality]\nname = "T"\n[data.sectors]\npath = "sectors.geojson"\n'
        f"[data.incidents]\npath = {path}\n",
        encoding="utf-8",
    )
    return cfg


def _row(i: int, day: str, cat: str = "theft") -> str:
    return f"{i},{day} 10:00,{cat}"


def test_a_glob_reads_monthly_files_in_name_order_each_with_its_own_ledger(tmp_path):
    files = {
        "2024-02.csv": [_row(3, "2024-02-03"), _row(4, "2024-02-09")],
        "2024-01.csv": [_row(1, "2024-01-05"), _row(2, "2024-01-30")],
        "2024-03.csv": [_row(5, "2024-03-01"), "6,bad date,theft"],
    }
    cfg = _town(tmp_path, files, '"exports/2024-*.csv"')
    d = loaders.load_diagnostic(cfg, now=NOW)
    inc = d.incidents
    assert inc["source_file"].unique().tolist() == [
        "exports/2024-01.csv",
        "exports/2024-02.csv",
        "exports/2024-03.csv",
    ]
    assert inc["incident_id"].tolist() == ["1", "2", "3", "4", "5"]
    f = d.ledger.files
    assert f[f["table"] == "incidents"]["rows_in"].tolist() == [2, 2, 2]
    assert d.ledger.is_balanced()
    bad = d.ledger.entries.query("reason == 'date_unparseable' or reason == 'date_missing'")
    assert bad[["file", "row"]].values.tolist() == [["exports/2024-03.csv", 3]]


def test_overlapping_exports_count_a_record_once_and_keep_a_conflicting_id(tmp_path):
    files = {
        "h1.csv": [_row(1, "2024-01-05"), _row(2, "2024-06-30")],
        # the same record 2 again (overlap), and an id 1 reused for another event
        "h2.csv": [_row(2, "2024-06-30"), _row(1, "2024-07-02", "mischief"), _row(9, "2024-08-01")],
    }
    cfg = _town(tmp_path, files, '["exports/h1.csv", "exports/h2.csv"]')
    d = loaders.load_diagnostic(cfg, now=NOW)
    assert sorted(d.incidents["incident_id"]) == ["1", "1~h2", "2", "9"]
    e = d.ledger.entries.set_index(["file", "row"])
    assert e.loc[("exports/h2.csv", 2), "reason"] == "duplicate_across_files"
    assert e.loc[("exports/h2.csv", 3), "reason"] == "id_conflict"
    assert "exports/h1.csv" in e.loc[("exports/h2.csv", 2), "detail"]
    f = d.ledger.files.set_index("file")
    assert f.loc["exports/h2.csv", "rows_kept"] == 2 and d.ledger.is_balanced()


def test_a_record_with_empty_fields_exported_twice_is_counted_once(tmp_path):
    """Held-out: missing values (no shift, no sector, no point) compared as NaN != NaN.

    The second copy of a byte-identical row was kept, renamed and flagged as "another
    record with the same id", and counted twice in every table.
    """
    files = {
        "2024.csv": [
            "7,2024-12-01 00:00,2024-12-07 23:59,fraud,,",
            "8,2024-11-02 10:00,,theft,S01,",
        ],
        "2025.csv": [
            "7,2024-12-01 00:00,2024-12-07 23:59,fraud,,",
            "8,2024-11-02 10:00,,theft,S01,",
            "9,2025-01-03 10:00,,theft,,",
        ],
    }
    cfg = _town(tmp_path, {}, '"exports/*.csv"')
    for name, rows in files.items():
        text = "\n".join(["incident_id,occurred_from,occurred_to,category,sector,shift", *rows])
        (tmp_path / "exports" / name).write_text(text + "\n")
    d = loaders.load_diagnostic(cfg, now=NOW)
    assert sorted(d.incidents["incident_id"]) == ["7", "8", "9"]
    e = d.ledger.entries
    assert e.query("reason == 'id_conflict'").empty
    dup = e.query("reason == 'duplicate_across_files'")
    assert dup[["file", "row"]].values.tolist() == [
        ["exports/2025.csv", 2],
        ["exports/2025.csv", 3],
    ]
    assert d.ledger.is_balanced()


def test_a_glob_that_matches_nothing_is_a_config_error(tmp_path):
    cfg = _town(tmp_path, {"a.csv": [_row(1, "2024-01-01")]}, '"exports/*.txt"')
    with pytest.raises(ConfigError, match=r"matches no file.* / .*aucun fichier"):
        load_config(cfg)


def test_expand_paths_keeps_plain_paths_and_drops_repeats(tmp_path):
    (tmp_path / "a.csv").write_text("x")
    got = expand_paths(["a.csv", "*.csv", "missing.csv"], tmp_path)
    assert [p.name for p in got] == ["a.csv", "missing.csv"]


def test_a_sector_given_a_population_in_two_files_keeps_the_first(tmp_path):
    """Without this, the join met a repeated sector id and failed deep inside pandas."""
    cfg = _town(tmp_path, {"a.csv": [_row(1, "2024-01-01")]}, '"exports/a.csv"')
    (tmp_path / "pop1.csv").write_text("sector_id,population\nS01,1200\n")
    (tmp_path / "pop2.csv").write_text("sector_id,population\nS01,1300\nS02,800\n")
    with cfg.open("a", encoding="utf-8") as f:
        f.write('[data.population]\npath = ["pop1.csv", "pop2.csv"]\n')
    d = loaders.load_diagnostic(cfg, now=NOW)
    pop = d.sectors.set_index("sector_id")["population"]
    assert pop["S01"] == 1200.0 and pop["S02"] == 800.0
    e = d.ledger.entries.query("table == 'population'")
    assert e.query("reason == 'id_duplicate'")[["file", "row"]].values.tolist() == [["pop2.csv", 2]]
    assert d.ledger.is_balanced()
