"""The real Montréal open data (../shared/data/montreal): skipped when absent.

Every one of the 93,078 SPVM rows is accounted for; placeholder positions and
exact duplicates are flagged; both PDQ polygon vintages load in their true CRS;
the Latin-1 GeoJSON loads.
"""

from __future__ import annotations

import numpy as np
import pandas as pd
import pytest

from diagnostic_lib import loaders

from .conftest import NOW, montreal_file

pytestmark = pytest.mark.realdata


@pytest.fixture(scope="module")
def pdq2015():
    return loaders.load_sectors(montreal_file("limites-pdq-2015-wkt.csv"), preset="spvm")


@pytest.fixture(scope="module")
def spvm(pdq2015):
    sec, _ = pdq2015
    return loaders.load_incidents(
        montreal_file("actes-criminels-2015-2018q1.csv"), preset="spvm", sectors=sec, now=NOW
    )


def test_every_spvm_row_is_accounted_for(spvm):
    inc, led = spvm
    f = led.files.set_index("table").loc["incidents"]
    assert f["rows_in"] == 93_078
    assert f["rows_kept"] + f["rows_rejected"] == 93_078
    assert len(inc) == f["rows_kept"]
    assert led.is_balanced()
    # only positions outside every PDQ polygon may be rejected
    rej = led.entries[led.entries["action"] == "rejected"]
    assert set(rej["reason"]) <= {"position_outside"}


def test_spvm_placeholders_are_flagged_as_no_location(spvm):
    inc, led = spvm
    e = led.entries
    ph = e[e["reason"] == "position_placeholder"]
    assert ph["row"].nunique() == 2_738
    assert set(ph["action"]) == {"flagged"}
    kept = inc[inc["source_row"].isin(ph["row"])]
    assert len(kept) == 2_738 and kept.geometry.isna().all()
    assert set(kept["precision"]) <= {"sector", "none"}


def test_spvm_exact_duplicates_are_flagged(spvm):
    inc, led = spvm
    raw = pd.read_csv(
        montreal_file("actes-criminels-2015-2018q1.csv"), dtype=str, keep_default_na=False
    )
    dups = led.entries[led.entries["reason"] == "duplicate_exact_kept"]
    assert dups["row"].nunique() == int(raw.duplicated().sum()) == 2_554
    # flagged, not dropped: they may be distinct events at the same intersection and shift
    assert inc["source_row"].isin(dups["row"]).sum() == 2_554


def test_spvm_categories_shifts_and_sectors(spvm, pdq2015):
    inc, led = spvm
    assert (inc["category"] != "other").all()
    assert set(inc["shift"].dropna()) == {"jour", "soir", "nuit"}
    # the unknown PDQ codes (0, 50, 55) are reported
    unk = led.entries[led.entries["reason"] == "sector_unknown"]
    assert set(unk["value"]) <= {"0", "50", "55"} and len(unk) > 0
    # recorded PDQ matches the point-in-polygon join for ~97% of located points
    mism = led.entries["reason"].eq("sector_mismatch").sum()
    located = inc.geometry.notna().sum()
    assert 0.90 < 1 - mism / located < 0.995


def test_both_pdq_vintages_in_their_true_crs(pdq2015):
    sec15, led15 = pdq2015
    sec_new, led_new = loaders.load_sectors(
        montreal_file("limites-pdq-recent-mtm8.geojson"), preset="spvm"
    )
    assert len(sec15) == 32 and len(sec_new) == 28
    assert sec15.crs.to_epsg() == sec_new.crs.to_epsg() == 32188
    # the recent file's crs member says EPSG:32188: its coordinates are used as they are
    b15, bnew = sec15.total_bounds, sec_new.total_bounds
    assert np.allclose(b15, bnew, atol=3000), (b15, bnew)
    assert sorted(sec_new["sector_id"], key=int)[:3] == ["1", "3", "4"]  # PDQ 1.0 -> "1"
    # the island's area, about 500 km², in both vintages
    assert 400e6 < sec15.area.sum() < 600e6 and 400e6 < sec_new.area.sum() < 600e6
    assert led15.is_balanced() and led_new.is_balanced()


def test_latin1_geojson_loads():
    q, led = loaders.load_sectors(
        montreal_file("quartiers-sociologiques-latin1.geojson"),
        columns={"sector_id": "id", "name": "Q_socio"},
    )
    assert len(q) == 32
    assert any("é" in n for n in q["name"])  # decoded, not mojibake
    assert not any("\ufffd" in n or "Ã" in n for n in q["name"])


def test_points_of_interest_load_as_places():
    p, led = loaders.load_places(montreal_file("lieux-interet.geojson"))
    assert len(p) + led.files["rows_rejected"].sum() == 3_231
    assert p.crs.to_epsg() == 32188


def test_boroughs_load():
    b, led = loaders.load_sectors(
        montreal_file("limites-administratives.geojson"),
        columns={"sector_id": "CODEID", "name": "NOM"},
    )
    assert len(b) == 34 and led.is_balanced()
