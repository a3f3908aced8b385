"""The diagnosis on Montréal's real data (../shared/data/montreal), skipped when absent.

SPVM's incidents with the 2015 PDQ polygons and no population: downtown is several
place problems of its own, none wider than the maximum extent, each in one PDQ, with
unique titles in words; the report says nothing about residents it does not have. The
recent 28-PDQ vintage: its 13 invalid polygons are repaired, and the incidents whose
recorded PDQ it no longer has are flagged and placed by their position.
"""

from __future__ import annotations

import html
import re

import numpy as np
import pytest
import shapely

from diagnostic_lib import cli, inventory, loaders, settings

from .conftest import NOW, montreal_config, montreal_file

pytestmark = pytest.mark.realdata

DOWNTOWN = ("20", "21", "22")  # Centre-ville ouest, Centre-ville, Centre-Sud (2015 vintage)


@pytest.fixture(scope="module")
def config(tmp_path_factory):
    return montreal_config(tmp_path_factory.mktemp("montreal"))


@pytest.fixture(scope="module")
def diagnosis(config):
    d = loaders.load_diagnostic(config, now=NOW)
    return d, inventory.run(d, permutations=99)


def _extent(geoms) -> np.ndarray:
    b = shapely.bounds(np.asarray(geoms.array))
    return np.maximum(b[:, 2] - b[:, 0], b[:, 3] - b[:, 1])


def test_downtown_is_several_problems_of_its_own(diagnosis):
    d, inv = diagnosis
    pb = inv.problems
    places = pb[pb["kind"] == "place"]
    # no blob over many districts: every place problem is compact and in one PDQ's cells
    assert _extent(places.geometry).max() <= settings.default("max_problem_extent_m")
    assert places.geometry.area.max() < 2.5e6
    main = places["sectors"].str[0]
    for pdq in DOWNTOWN:
        assert (main == pdq).sum() >= 1, f"no place problem of its own in PDQ {pdq}"
    # downtown's problems are among the largest of the city
    top = places.nlargest(5, "n_incidents")["sectors"].str[0]
    assert set(top) & set(DOWNTOWN)


def test_titles_are_unique_words_that_say_where(diagnosis):
    d, inv = diagnosis
    pb = inv.problems
    for col in ("title_fr", "title_en"):
        assert pb[col].is_unique
        assert not pb[col].str.contains(r"_|PB-|\b\d+-\d+\b", regex=True).any()
    places = pb[pb["kind"] == "place"]
    # Montréal's points of interest name the place ("repère : Métro …", "near …")
    assert places["title_fr"].str.contains("repère : ").mean() > 0.8
    assert places["title_en"].str.contains(" near ").mean() > 0.8


def test_without_population_no_rate_and_no_tiny_problem_on_top(diagnosis):
    d, inv = diagnosis
    assert d.sectors["population"].isna().all()
    pr = inv.priority.merge(inv.problems[["problem_id", "n_incidents"]], on="problem_id")
    assert pr["n_incidents"].min() >= settings.default("min_problem_events")
    assert inv.problems["rate"].isna().all()


def test_the_report_without_population_says_nothing_false(config, tmp_path):
    out = tmp_path / "report"
    args = ["report", "--config", str(config), "--out", str(out), "--lang", "fr"]
    assert cli.main([*args, "--no-notebooks"]) == 0
    page = html.unescape((out / "index.html").read_text(encoding="utf-8"))
    words = re.sub(r"<[^>]+>", " ", page)
    assert not re.search(r"\b0 habitants\b", words)
    assert "0,0 – 0,0" not in words
    assert "<NA>" not in words
    assert re.search(r"PDQ-2[012], repère : ", words)  # downtown named


@pytest.fixture(scope="module")
def recent():
    return loaders.load_sectors(montreal_file("limites-pdq-recent-mtm8.geojson"), preset="spvm")


def test_recent_pdq_vintage_repairs_its_polygons(recent):
    sec, led = recent
    assert len(sec) == 28 and sec.geometry.is_valid.all()
    fixed = led.entries.query("reason == 'geometry_invalid' and action == 'repaired'")
    assert len(fixed) == 13 and fixed["row"].is_unique
    assert led.is_balanced()


def test_incidents_of_stations_the_recent_vintage_lacks_are_flagged_and_placed(recent):
    sec, _ = recent
    inc, led = loaders.load_incidents(
        montreal_file("actes-criminels-2015-2018q1.csv"), preset="spvm", sectors=sec, now=NOW
    )
    assert led.is_balanced()
    unknown = led.entries.query("reason == 'sector_unknown'")
    # PDQ 22 merged into 21 (and 11, 24, 33 renumbered); 0, 50 and 55 match no polygon
    assert set(unknown["value"]) == {"0", "11", "22", "24", "33", "50", "55"}
    assert len(unknown) == 8_800 and (unknown["column"] == "PDQ").all()
    flagged = inc["source_row"].isin(unknown["row"])
    located = inc.geometry.notna() & ~inc.geometry.is_empty
    # placed by position in one of the 28 polygons; without a position, no sector is made up
    assert inc.loc[flagged & located, "sector"].isin(sec["sector_id"]).all()
    assert inc.loc[flagged & ~located, "sector"].isna().all()


def test_init_validate_report_on_the_spvm_export_without_code(diagnosis, tmp_path, capsys):
    """``init`` on SPVM's CSV and the 2015 PDQ boundaries (WKT in degrees, no CRS declared),
    then ``validate`` and ``report``, nothing edited: every row kept, the sectors read in
    EPSG:4326 (taken as metres, 97 % of the incidents fell outside the city), each incident
    in the sector the hand-written config gives it, and a report that says nothing false."""
    d, _ = diagnosis
    out = tmp_path / "diag"
    argv = ["init", "--incidents", str(montreal_file("actes-criminels-2015-2018q1.csv"))]
    argv += ["--sectors", str(montreal_file("limites-pdq-2015-wkt.csv"))]
    assert cli.main([*argv, "--out", str(out), "--name", "Montréal", "--lang", "en"]) == 0
    capsys.readouterr()
    cfg = out / "diagnostic.toml"
    assert 'source_crs = "EPSG:4326"' in cfg.read_text(encoding="utf-8")
    assert cli.main(["validate", "--config", str(cfg)]) == 0
    mine = loaders.load_diagnostic(cfg, now=NOW)
    assert len(mine.incidents) == len(d.incidents) == 93_078
    assert (mine.incidents["sector"].to_numpy() == d.incidents["sector"].to_numpy()).mean() > 0.99
    args = ["report", "--config", str(cfg), "--out", str(tmp_path / "report"), "--lang", "en"]
    assert cli.main([*args, "--no-notebooks"]) == 0
    page = html.unescape((tmp_path / "report" / "index.html").read_text(encoding="utf-8"))
    words = re.sub(r"<[^>]+>", " ", page)
    assert not re.search(r"\b0 (residents|inhabitants)\b", words)
    assert not re.search(r"<NA>|\bnan\b|0\.0 – 0\.0", words)
