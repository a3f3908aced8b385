"""The incidents loader chunk by chunk gives the table and the ledger of one pass.

:data:`diagnostic_lib.loaders.incidents.CHUNK_ROWS` cuts a long file into chunks for
the row-local stages. Each input below is loaded with tiny chunks (7 rows, so that
every file-level decision and every cross-row state spans chunks) and in one pass;
the tables, the ledger entries, the files and the notes must be identical.
"""

from __future__ import annotations

from pathlib import Path

import geopandas as gpd
import pandas as pd
import pytest
import shapely
from pandas.testing import assert_frame_equal

from diagnostic_lib import loaders
from diagnostic_lib.errors import DataError
from diagnostic_lib.loaders import incidents as incidents_mod

from .conftest import NOW, SAMPLE, montreal_file

SECTORS = gpd.GeoDataFrame(
    {"sector_id": ["S1", "S2"], "name": ["Nord", "Sud"]},
    geometry=[
        shapely.box(299000, 5040000, 301000, 5042000),
        shapely.box(299000, 5038000, 301000, 5040000),
    ],
    crs=32188,
)


def _load(monkeypatch, size, source, **kw):
    monkeypatch.setattr(incidents_mod, "CHUNK_ROWS", size)
    return loaders.load_incidents(source, now=NOW, **kw)


def assert_same_load(monkeypatch, source, size=7, **kw):
    """Load ``source`` in chunks of ``size`` rows and in one pass; assert they are identical."""
    one, led1 = _load(monkeypatch, 10**9, source, **kw)
    chunked, led2 = _load(monkeypatch, size, source, **kw)
    assert_frame_equal(chunked, one)
    assert chunked.crs == one.crs
    assert_frame_equal(led2.entries, led1.entries)
    assert_frame_equal(led2.files, led1.files)
    assert_frame_equal(led2.notes("en"), led1.notes("en"))
    assert_frame_equal(led2.notes("fr"), led1.notes("fr"))
    return one, led1


def _rows(n, make):
    return "\n".join(make(i) for i in range(n))


def _xy(i):
    return f"{299100 + 37 * i % 1800},{5038100 + 53 * i % 3800}"


HARD = {
    # the same record twice, the copies in different chunks; identical rows without an id
    "duplicates_across_chunks": "id,date,category,x,y\n"
    + _rows(20, lambda i: f"A{i},2024-05-{1 + i % 28:02d} 10:{i:02d},Vol,{_xy(i)}")
    + "\n"
    + _rows(5, lambda i: f"A{3 * i},2024-05-{1 + 3 * i % 28:02d} 10:{3 * i:02d},Vol,{_xy(3 * i)}")
    + "\n,2024-06-01 10:00,Méfait,300100,5040100\n,2024-06-01 10:00,Méfait,300100,5040100\n"
    + _rows(9, lambda i: f"B{i},2024-06-02,Vol,{_xy(i)}")
    + "\n,2024-06-01 10:00,Méfait,300100,5040100\n",
    # the same id with different content, the conflicts in different chunks (renamed ~2, ~3)
    "id_conflicts_across_chunks": "id,date,category,x,y\n"
    + _rows(30, lambda i: f"C{i % 4},2024-05-{1 + i % 28:02d} 1{i % 10}:00,Vol,{_xy(i)}")
    + "\n,2024-05-03,Vol,300100,5040100\n",
    # the same time of day on every timed row (>= 10 rows, over several chunks): no time
    "placeholder_time": "id,date,category,x,y\n"
    + _rows(40, lambda i: f"P{i},2024-{5 + i % 4:02d}-{1 + i % 27:02d}T04:00:00Z,Vol,{_xy(i)}")
    + "\nP99,,Vol,300100,5040100\n",
    # midnight beside a time column, and dates with offsets, hours alone, bad times
    "time_column_and_offsets": "id,date,heure,quart,category,x,y\n"
    + _rows(
        30,
        lambda i: (
            f"T{i},2024-03-{1 + i % 28:02d} 00:00,{['22:15', '7h', '', 'x'][i % 4]},"
            f"{['jour', '', 'Nuit', '?'][i % 4]},Vol,{_xy(i)}"
        ),
    )
    + "\nT98,2024-05-02T14:00:00-04:00,,,Vol,300100,5040100\nT99,2099-01-01,,,Vol,300100,5040100",
    # lon/lat in x/y (guessed EPSG:4326 on the whole file), placeholders, unreadable values
    "lonlat_in_xy": "id,date,category,x,y\n"
    + _rows(
        30,
        lambda i: (
            f"L{i},2024-05-{1 + i % 28:02d},Vol,"
            + ["-73.6,45.5", "0,0", "abc,45.5", "-73.61,45.51", ","][i % 5]
        ),
    ),
    # projected x/y, and one chunk of small numbers alone (lon/lat-looking on their own):
    # the CRS is guessed on the whole file, so they are metres, far outside the sectors
    "xy_guess_on_the_whole_file": "id,date,category,x,y\n"
    + _rows(14, lambda i: f"G{i},2024-05-{1 + i % 28:02d},Vol,{_xy(i)}")
    + "\n"
    + _rows(7, lambda i: f"H{i},2024-05-{1 + i % 28:02d},Vol,{10 + i},{20 + i}"),
    # no position at all: one note, not one per chunk; unknown and missing categories
    "no_position": "id,date,category,sector\n"
    + _rows(25, lambda i: f"N{i},2024-05-{1 + i % 28:02d},{['Vol', '??', ''][i % 3]},S{1 + i % 3}"),
    # decimal commas (a field split in two), malformed rows, month and year only
    "decimal_commas_and_malformed": "id;date;category;x;y\n"
    + _rows(
        30,
        lambda i: (
            f"D{i};{['2024-05', '2024', '05/2024', '01/05/2024 10:00'][i % 4]};Vol;"
            + ["300100,5;5040100,25", "300100;5040100;9;9", "300 100,5;5040100", "300100;5040100"][
                i % 4
            ]
        ),
    ),
    # outside the sectors (rejected), snapped within the tolerance, sector mismatch
    "outside_and_snapped": "id,date,category,sector,x,y\n"
    + _rows(
        30,
        lambda i: (
            f"O{i},2024-05-{1 + i % 28:02d},Vol,{['S1', 'S2', 'Sud', 'S9'][i % 4]},"
            + ["300100,5041000", "298990,5041000", "100,100", "300100,5039000"][i % 4]
        ),
    ),
}


@pytest.mark.parametrize("name", sorted(HARD))
def test_hard_inputs_give_the_one_pass_load(monkeypatch, tmp_path, name):
    path = tmp_path / f"{name}.csv"
    path.write_text(HARD[name], encoding="utf-8")
    columns = {"occurred_from_time": "heure"} if "heure" in HARD[name].split("\n")[0] else None
    inc, led = assert_same_load(monkeypatch, path, sectors=SECTORS, columns=columns)
    assert len(inc) > 7  # several chunks kept rows
    if name != "no_position":
        assert len(led.entries) > 0  # the input is hard enough to leave entries


def test_the_placeholder_decision_spans_chunks(monkeypatch, tmp_path):
    """Every chunk has fewer than 10 timed rows; the file has 40: the time is a placeholder."""
    path = tmp_path / "p.csv"
    path.write_text(HARD["placeholder_time"], encoding="utf-8")
    inc, led = assert_same_load(monkeypatch, path, sectors=SECTORS)
    assert (inc["time_precision"] == "day").all()
    assert any("00:00" in n for n in led.notes("en")["note"])


def test_nul_bytes_boms_and_cp1252_give_the_one_pass_load(monkeypatch, tmp_path):
    body = _rows(30, lambda i: f"E{i};2024-05-{1 + i % 28:02d};Méfait;{_xy(i).replace(',', ';')}")
    lines = body.split("\n")
    lines[9] = lines[9].replace("Méfait", "M\x00fait")
    enc = [ln.encode("cp1252") for ln in lines]
    enc[15] = b"\xef\xbb\xbf" + enc[15]  # a byte-order mark inside the file
    data = b"id;date;categorie;x;y\n" + b"\n".join(enc) + b"\n"
    path = tmp_path / "nul.csv"
    path.write_bytes(data)
    _, led = assert_same_load(monkeypatch, path, sectors=SECTORS)
    assert {"nul_byte"} <= set(led.entries["reason"])
    assert "BOM" in " ".join(led.notes("en")["note"])


def test_swapped_axes_stop_the_chunked_load_as_one_pass(monkeypatch, tmp_path):
    path = tmp_path / "swapped.csv"
    path.write_text(
        "id,date,category,x,y\n"
        + _rows(30, lambda i: f"S{i},2024-05-{1 + i % 28:02d},Vol,{5040100 + i},{300100 + i}"),
        encoding="utf-8",
    )
    messages = []
    for size in (10**9, 7):
        monkeypatch.setattr(incidents_mod, "CHUNK_ROWS", size)
        with pytest.raises(DataError, match="x and y look swapped") as err:
            loaders.load_incidents(path, sectors=SECTORS, now=NOW)
        messages.append(str(err.value))
    assert messages[0] == messages[1]


def test_the_sample_raw_export_gives_the_one_pass_load(monkeypatch):
    """The sample's messy export (cp1252, decimal commas, time columns, planted defects)."""
    sectors, _ = loaders.load_sectors(SAMPLE / "sectors.geojson")
    columns = {
        "incident_id": "No_dossier",
        "occurred_from": "Date_début",
        "occurred_from_time": "Heure_début",
        "occurred_to": "Date_fin",
        "occurred_to_time": "Heure_fin",
        "category": "Catégorie",
        "shift": "Quart",
        "sector": "Secteur",
        "x": "Coord_X",
        "y": "Coord_Y",
    }
    inc, led = assert_same_load(
        monkeypatch,
        SAMPLE / "incidents_raw_export.csv",
        size=397,
        sectors=sectors,
        columns=columns,
        period=("2022-01-01", "2025-12-31"),
    )
    assert len(inc) > 1000
    assert len(set(led.entries["reason"])) >= 5


def test_a_frame_source_gives_the_one_pass_load(monkeypatch):
    df = pd.DataFrame(
        {
            "date": ["2024-05-01 10:00", "bad", "", "2024-05-01 10:00"] * 5,
            "categorie": ["Méfait", "Vol", "??", "Méfait"] * 5,
            "x": ["300100", "0", "abc", "300100"] * 5,
            "y": "5040100",
        }
    )
    assert_same_load(monkeypatch, df, sectors=SECTORS, duplicates="reject")


def test_a_gis_source_is_loaded_in_one_pass(monkeypatch, tmp_path):
    """Geometries (read whole anyway) are not chunked; the result is the same."""
    pts = gpd.GeoDataFrame(
        {"date": [f"2024-05-{1 + i % 28:02d}" for i in range(20)], "category": "Vol"},
        geometry=[shapely.Point(300100 + i, 5040100) for i in range(20)],
        crs=32188,
    )
    path = Path(tmp_path) / "pts.geojson"
    pts.to_file(path)
    assert_same_load(monkeypatch, path, sectors=SECTORS)


def test_the_xy_crs_is_guessed_on_the_whole_file(monkeypatch, tmp_path):
    """A chunk of lon/lat-looking numbers in a projected file stays in metres, as in one pass."""
    path = tmp_path / "guess.csv"
    path.write_text(HARD["xy_guess_on_the_whole_file"], encoding="utf-8")
    inc, _ = assert_same_load(monkeypatch, path)
    small = inc["incident_id"].str.startswith("H")
    assert small.sum() == 7
    assert (inc.geometry[small].x < 100).all()  # not read as degrees and projected


def test_montreal_incidents_in_chunks_give_the_one_pass_load(monkeypatch):
    """Real data (SPVM 2015–2018, 93k rows): placeholders, lon/lat, duplicates, sectors."""
    incidents = montreal_file("actes-criminels-2015-2018q1.csv")
    sectors, _ = loaders.load_sectors(montreal_file("limites-pdq-2015-wkt.csv"), preset="spvm")
    _, led = assert_same_load(monkeypatch, incidents, size=9973, preset="spvm", sectors=sectors)
    assert len(led.entries) > 1000
