"""The loaders' on-disk cache: identical diagnosis from it, invalidated by any change."""

from __future__ import annotations

import shutil
from pathlib import Path

import pandas as pd
import pytest

from diagnostic_lib import loaders
from diagnostic_lib.errors import ConfigError
from diagnostic_lib.ledger import Ledger
from diagnostic_lib.loaders import cache, diagnostic

from .conftest import NOW, SAMPLE

TABLES = cache.TABLES


@pytest.fixture
def town(tmp_path: Path) -> Path:
    """A copy of the sample (its config, data and taxonomy files) in a temporary folder."""
    shutil.copytree(SAMPLE, tmp_path / "town", ignore=shutil.ignore_patterns("build"))
    return tmp_path / "town" / "diagnostic.toml"


def _entries(config: Path) -> list[Path]:
    folder = config.parent / "build" / "cache"
    return sorted(p for p in folder.iterdir() if p.is_dir()) if folder.is_dir() else []


def _assert_same(a: loaders.Diagnostic, b: loaders.Diagnostic) -> None:
    for t in TABLES:
        x, y = getattr(a, t), getattr(b, t)
        assert type(x) is type(y), t
        if x is None:  # a table the config has not
            continue
        pd.testing.assert_frame_equal(x, y, check_exact=True)
        assert x.attrs == y.attrs and getattr(x, "crs", None) == getattr(y, "crs", None), t
    pd.testing.assert_frame_equal(a.ledger.entries, b.ledger.entries, check_exact=True)
    pd.testing.assert_frame_equal(a.ledger.files, b.ledger.files, check_exact=True)
    for lang in ("fr", "en"):
        pd.testing.assert_frame_equal(a.ledger.notes(lang), b.ledger.notes(lang))
    pd.testing.assert_frame_equal(a.taxonomy, b.taxonomy)
    pd.testing.assert_frame_equal(a.weights, b.weights)


def _no_load(monkeypatch: pytest.MonkeyPatch) -> None:
    def fail(*args, **kwargs):
        raise AssertionError("loaded again instead of from the cache")

    monkeypatch.setattr(diagnostic, "_load_all", fail)


@pytest.mark.parametrize("config", ["diagnostic.toml", "diagnostic_raw_export.toml"])
def test_second_load_is_identical_and_read_from_the_cache(town, monkeypatch, config):
    town = town.parent / config
    first = loaders.load_diagnostic(town, now=NOW, cache=True)
    assert len(_entries(town)) == 1
    if config != "diagnostic.toml":  # the messy export: a ledger worth restoring
        assert first.ledger.entries["reason"].nunique() > 5
        assert len(first.ledger.notes("en")) > 2
    _no_load(monkeypatch)
    second = loaders.load_diagnostic(town, now=NOW, cache=True)
    _assert_same(first, second)
    if config == "diagnostic.toml":  # every table of the config comes back, the walks too
        assert second.walks is not None and len(second.walks) == len(first.walks) > 0
    assert second.ledger.is_balanced()
    assert second.incidents.index.equals(pd.RangeIndex(len(first.incidents)))
    # and the same as a load that never saw a cache
    monkeypatch.undo()
    _assert_same(loaders.load_diagnostic(town, now=NOW, cache=False), second)


def test_the_ledger_restored_still_withdraws_and_renames(town):
    loaders.load_diagnostic(town, now=NOW, cache=True)
    led = loaders.load_diagnostic(town, now=NOW, cache=True).ledger
    e = led.entries.iloc[0]
    n = len(led.entries)
    led.withdraw(e["table"], e["file"], [e["row"]], e["reason"])
    assert len(led.entries) < n


@pytest.mark.parametrize(
    "change",
    ["incidents", "sectors", "config", "taxonomy_file", "now"],
)
def test_any_change_invalidates(town, monkeypatch, change):
    loaders.load_diagnostic(town, now=NOW, cache=True)
    now = NOW
    folder = town.parent
    if change == "incidents":  # one byte of the export: a different category label
        p = folder / "incidents.csv"
        text = p.read_text(encoding="utf-8")
        p.write_text(text + text.splitlines()[-1] + "\n", encoding="utf-8")  # a row twice
    elif change == "sectors":
        p = folder / "sectors.geojson"
        p.write_bytes(p.read_bytes() + b"\n")
    elif change == "config":
        text = town.read_text(encoding="utf-8")
        town.write_text(text + "\n[cache]\nenabled = true\n", encoding="utf-8")
    elif change == "taxonomy_file":
        tax = folder / "categories.csv"
        tax.write_text("source_label,code\nVol spécial,theft\n", encoding="utf-8")
        text = town.read_text(encoding="utf-8")
        assert "[taxonomy]" not in text
        town.write_text(text + '\n[taxonomy]\ncategories = "categories.csv"\n', encoding="utf-8")
        loaders.load_diagnostic(town, now=NOW, cache=True)  # cached with this file
        tax.write_text("source_label,code\nVol spécial,burglary\n", encoding="utf-8")
    else:
        now = "2026-02-01"
    calls = []
    real = diagnostic._load_all
    monkeypatch.setattr(diagnostic, "_load_all", lambda *a: calls.append(1) or real(*a))
    fresh = loaders.load_diagnostic(town, now=now, cache=True)
    assert calls == [1]
    _assert_same(loaders.load_diagnostic(town, now=now, cache=False), fresh)


def test_every_file_of_a_multi_file_table_is_in_the_key(town):
    folder = town.parent
    lines = (folder / "incidents.csv").read_text(encoding="utf-8").splitlines(keepends=True)
    half = len(lines) // 2
    (folder / "inc_a.csv").write_text("".join(lines[:half]), encoding="utf-8")
    (folder / "inc_b.csv").write_text(lines[0] + "".join(lines[half:]), encoding="utf-8")
    text = town.read_text(encoding="utf-8").replace('"incidents.csv"', '"inc_*.csv"')
    town.write_text(text, encoding="utf-8")
    cfg = loaders.diagnostic.load_config(town)
    assert len(cfg.data["incidents"].paths) == 2
    before = cache.cache_key(cfg, NOW)
    (folder / "inc_b.csv").write_text(lines[0] + "".join(lines[half:-1]), encoding="utf-8")
    assert cache.cache_key(cfg, NOW) != before


def test_a_corrupt_or_partial_entry_is_ignored_and_rebuilt(town, monkeypatch):
    first = loaders.load_diagnostic(town, now=NOW, cache=True)
    (entry,) = _entries(town)
    p = entry / "incidents.parquet"
    p.write_bytes(p.read_bytes()[: p.stat().st_size // 2])  # truncated
    again = loaders.load_diagnostic(town, now=NOW, cache=True)
    _assert_same(first, again)
    (entry,) = _entries(town)  # written anew, whole
    _no_load(monkeypatch)
    _assert_same(first, loaders.load_diagnostic(town, now=NOW, cache=True))
    monkeypatch.undo()
    (entry / "meta.json").write_text("{not json", encoding="utf-8")
    _assert_same(first, loaders.load_diagnostic(town, now=NOW, cache=True))
    # a temporary folder left by a process that died while writing is not an entry
    (entry.parent / f".{entry.name}-dead").mkdir()
    assert cache.read_entry(entry.parent, f".{entry.name}-dead") is None


def test_turned_off_by_the_argument_the_config_or_the_environment(town, monkeypatch):
    loaders.load_diagnostic(town, now=NOW, cache=False)
    assert _entries(town) == []
    loaders.load_diagnostic(town, now=NOW)  # the test suite sets DIAGNOSTIC_CACHE=off
    assert _entries(town) == []
    monkeypatch.delenv(cache.ENV_VAR)
    text = town.read_text(encoding="utf-8")
    town.write_text(text + "\n[cache]\nenabled = false\n", encoding="utf-8")
    loaders.load_diagnostic(town, now=NOW)
    assert _entries(town) == []
    town.write_text(text + '\n[cache]\ndir = "elsewhere/c"\n', encoding="utf-8")
    loaders.load_diagnostic(town, now=NOW)
    assert _entries(town) == []
    assert len([p for p in (town.parent / "elsewhere" / "c").iterdir()]) == 1
    assert cache.clear_cache(town) == 1
    assert list((town.parent / "elsewhere" / "c").iterdir()) == []


@pytest.mark.parametrize("section", ["enabled = 'no'", "dir = ''", "size = 3"])
def test_a_bad_cache_table_is_a_config_error(town, section):
    town.write_text(town.read_text(encoding="utf-8") + f"\n[cache]\n{section}\n")
    with pytest.raises(ConfigError, match=r"\[cache\]"):
        loaders.load_diagnostic(town, now=NOW, cache=False)


def test_without_now_a_future_date_is_never_cached(tmp_path):
    led = Ledger()
    led.register("incidents", "i.csv", 2)
    led.add("incidents", "i.csv", [3], "date", "date_future", "rejected")
    tables = {"incidents": pd.DataFrame({"source_row": [2]})}
    assert not cache.write_entry(tmp_path, "k", tables, led, now=None)
    assert cache.write_entry(tmp_path, "k", tables, led, now=NOW)
    assert [p.name for p in tmp_path.iterdir()] == ["k"]


def test_a_table_parquet_cannot_give_back_exactly_is_not_cached(tmp_path):
    led = Ledger()
    led.register("partners", "p.csv", 2)
    mixed = pd.DataFrame({"a": pd.Series([1, "x"], dtype=object)})  # Parquet: one type
    assert not cache.write_entry(tmp_path, "k", {"partners": mixed}, led, now=NOW)
    assert list(tmp_path.iterdir()) == []


def test_only_the_newest_entries_are_kept(tmp_path):
    led = Ledger()
    tables = {"partners": pd.DataFrame({"a": [1]})}
    for i in range(cache.MAX_ENTRIES + 2):
        assert cache.write_entry(tmp_path, f"k{i}", tables, led, now=NOW)
    kept = sorted(p.name for p in tmp_path.iterdir())
    assert len(kept) == cache.MAX_ENTRIES and f"k{cache.MAX_ENTRIES + 1}" in kept


def test_the_test_suite_writes_no_cache_in_the_repository(diag):
    before = _entries(SAMPLE / "diagnostic.toml")
    loaders.load_diagnostic(SAMPLE / "diagnostic.toml", now=NOW)
    assert _entries(SAMPLE / "diagnostic.toml") == before


@pytest.mark.slow
@pytest.mark.realdata
def test_montreal_real_data_come_back_identical(tmp_path, monkeypatch):
    """SPVM's export (identical rows flagged, placeholders, PDQ polygons in WKT) and its ledger."""
    from .conftest import montreal_config

    config = montreal_config(tmp_path)
    first = loaders.load_diagnostic(config, now=NOW, cache=True)
    assert len(first.ledger.entries) > 1000
    _no_load(monkeypatch)
    _assert_same(first, loaders.load_diagnostic(config, now=NOW, cache=True))


def test_text_columns_come_back_in_one_arrow_chunk_as_the_loaders_make_them():
    import pyarrow as pa

    dtype = pd.StringDtype("pyarrow", na_value=float("nan"))
    two = pa.chunked_array(
        [pa.array(["a", "b"], pa.large_string()), pa.array(["c"], pa.large_string())]
    )
    df = pd.DataFrame({"t": pd.Series(two, dtype=dtype), "n": [1, 2, 3]})
    assert df["t"].array._pa_array.num_chunks == 2
    cache._one_chunk(df)
    assert df["t"].array._pa_array.num_chunks == 1
    assert df["t"].tolist() == ["a", "b", "c"] and df["t"].dtype == dtype


def test_without_now_a_load_with_no_future_date_is_cached_and_reused(town, monkeypatch):
    first = loaders.load_diagnostic(town, cache=True)  # "now" is the clock
    assert not (first.ledger.entries["reason"] == "date_future").any()
    assert len(_entries(town)) == 1
    _no_load(monkeypatch)
    _assert_same(first, loaders.load_diagnostic(town, cache=True))
