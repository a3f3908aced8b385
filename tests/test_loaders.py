"""Loaders: every format, encoding and preset; every row accounted for."""

from __future__ import annotations

import re
import warnings

import geopandas as gpd
import numpy as np
import pandas as pd
import pytest
import shapely

from diagnostic_lib import i18n, loaders
from diagnostic_lib.errors import ConfigError, CRSError, DataError
from diagnostic_lib.readers import detect_encoding, read_table, sniff_separator

from .conftest import FIXTURES, NOW, SAMPLE

# A small, canonical incident table with accents, in EPSG:32188.
BASE = pd.DataFrame(
    {
        "incident_id": ["A1", "A2", "A3", "A4"],
        "occurred_from": [
            "2024-05-03 22:15",
            "2024-05-04 02:40",
            "2024-06-10 10:05",
            "2024-07-01 17:30",
        ],
        "category": ["Méfait", "Voies de fait", "Introduction", "Vol de véhicule à moteur"],
        "sector": ["S1", "S1", "S2", "S2"],
        "x": [300100.5, 300200.25, 301500.0, 301800.75],
        "y": [5040100.0, 5040150.5, 5040500.0, 5040900.0],
    }
)
EXPECTED_CODES = ["mischief", "assault", "burglary", "vehicle_theft"]
EXPECTED_SHIFTS = ["soir", "nuit", "jour", "soir"]


def sectors_gdf() -> gpd.GeoDataFrame:
    return gpd.GeoDataFrame(
        {"sector_id": ["S1", "S2"], "name": ["Centre", "Nord"], "population": [1000.0, 2000.0]},
        geometry=[
            shapely.box(299000, 5039000, 301000, 5041000),
            shapely.box(301000, 5039000, 303000, 5041000),
        ],
        crs="EPSG:32188",
    )


def check_base(inc: gpd.GeoDataFrame, led) -> None:
    assert inc["incident_id"].tolist() == ["A1", "A2", "A3", "A4"]
    assert inc["category"].tolist() == EXPECTED_CODES
    assert inc["category_label"].tolist() == BASE["category"].tolist()
    assert inc["shift"].tolist() == EXPECTED_SHIFTS
    np.testing.assert_allclose(inc.geometry.x, BASE["x"], atol=1e-6)
    np.testing.assert_allclose(inc.geometry.y, BASE["y"], atol=1e-6)
    assert inc.crs.to_epsg() == 32188
    assert led.is_balanced()
    f = led.files.iloc[0]
    assert (f.rows_in, f.rows_kept, f.rows_rejected) == (4, 4, 0)


# ---------------------------------------------------------------------- CSV
@pytest.mark.parametrize("encoding", ["utf-8", "utf-8-sig", "cp1252", "latin-1"])
@pytest.mark.parametrize("sep", [",", ";", "\t"])
def test_csv_encodings_and_separators(tmp_path, encoding, sep):
    p = tmp_path / "inc.csv"
    df = BASE.copy()
    if sep == ";":  # French Excel: semicolons and decimal commas
        df["x"] = df["x"].map(lambda v: f"{v}".replace(".", ","))
        df["y"] = df["y"].map(lambda v: f"{v}".replace(".", ","))
    p.write_bytes(df.to_csv(index=False, sep=sep).encode(encoding))
    raw = read_table(p)
    assert raw.sep == sep
    expected_enc = {"latin-1": "cp1252"}.get(encoding, encoding)  # é is the same byte in both
    assert raw.encoding == expected_enc
    inc, led = loaders.load_incidents(p, now=NOW)
    check_base(inc, led)


def test_latin1_bytes_that_are_not_cp1252(tmp_path):
    # 0x81 is undefined in Windows-1252: such a file can only be Latin-1.
    data = "id,category\n1,M\xe9fait\x81\n".encode("latin-1")
    assert detect_encoding(data) == "latin-1"


def test_separator_sniffing_respects_quotes():
    assert sniff_separator('"a;b",c,d') == ","
    assert sniff_separator("a\tb\tc") == "\t"


def test_row_numbers_are_spreadsheet_rows(tmp_path):
    p = tmp_path / "inc.csv"
    p.write_text(
        "id,date,category\n1,2024-01-01,Méfait\n2,not a date,Méfait\n3,2024-01-03,Méfait\n",
        encoding="utf-8",
    )
    inc, led = loaders.load_incidents(p, now=NOW)
    e = led.entries
    assert e[["file", "row", "column", "reason", "action", "value"]].values.tolist() == [
        [str(p), 3, "date", "date_unparseable", "rejected", "not a date"]
    ]
    assert inc["source_row"].tolist() == [2, 4]


def test_malformed_line_is_rejected_with_its_row(tmp_path):
    p = tmp_path / "inc.csv"
    p.write_text(
        "id;date;category\n1;2024-01-01;Méfait\n2;2024-01-02;Méfait;extra;fields\n3;2024-01-03;Méfait\n"
    )
    inc, led = loaders.load_incidents(p, now=NOW)
    assert inc["incident_id"].tolist() == ["1", "3"]
    e = led.entries
    assert e[["row", "reason", "action"]].values.tolist() == [[3, "malformed_row", "rejected"]]
    assert led.files.iloc[0][["rows_in", "rows_kept", "rows_rejected"]].tolist() == [3, 2, 1]


def _physical_lines(p):
    """Data lines of a file, counted without any CSV parser."""
    return len(p.read_bytes().rstrip(b"\n").split(b"\n")) - 1


def test_a_stray_quote_does_not_swallow_the_file(tmp_path):
    """``1,2024-05-01 10:00,"theft`` then 299 good lines: a parser reads one record; the
    loader rejects that line alone (file, row, "unbalanced quote") and keeps the 299."""
    good = [f"{i},2024-05-{1 + i % 28:02d} 10:00,theft" for i in range(2, 301)]
    p = tmp_path / "inc.csv"
    p.write_text("id,date,category\n" + '1,2024-05-01 10:00,"theft\n' + "\n".join(good) + "\n")
    inc, led = loaders.load_incidents(p, now=NOW)
    assert len(inc) == 299 and inc["incident_id"].iloc[0] == "2"
    e = led.entries
    assert e[["file", "row", "reason", "action"]].values.tolist() == [
        [str(p), 2, "quote_unbalanced", "rejected"]
    ]
    f = led.files.iloc[0]
    assert f["rows_in"] == _physical_lines(p) == 300 and f["rows_kept"] == 299
    assert led.is_balanced()
    assert "guillemet" in i18n.label("reason", "quote_unbalanced", "fr")


@pytest.mark.parametrize("careful", [False, True], ids=["fast_path", "careful_path"])
def test_a_field_over_the_size_limit_costs_only_its_row(tmp_path, careful):
    """A 200,000-character field (over Python csv's limit) is its row's rejection, named."""
    lines = ["incident_id,occurred_from,category"]
    lines += [f"{i},2024-05-01 10:00,theft" for i in range(1, 300)]
    lines[101] = '101,2024-05-01 10:00,"' + "x" * 200_000 + '"'
    if careful:  # a row with an extra field sends the file to the csv module
        lines[30] = "30,2024-05-01 10:00,theft,extra"
    p = tmp_path / "inc.csv"
    p.write_text("\n".join(lines) + "\n")
    inc, led = loaders.load_incidents(p, now=NOW)
    assert led.is_balanced() and len(inc) == 298 - careful
    e = led.entries.set_index("row")
    assert e.loc[102, ["column", "reason", "action"]].tolist() == [
        "category",
        "field_too_long",
        "rejected",
    ]
    assert e.loc[102, "value"] == "200,000 car./chars"
    assert "131" in i18n.label("reason", "field_too_long", "en")


def test_the_long_line_check_by_blocks_answers_as_measuring_every_line():
    """Lines at the limit and one byte over it, at the start, the end (no newline), on the
    blocks' edges, and long lines that stay under the limit: as measuring every line."""
    from diagnostic_lib import readers

    cap = readers.MAX_FIELD_CHARS
    half = cap // 2
    rng = np.random.default_rng(5)
    short = b"1,2024-05-01,theft\n" * 20_000
    cases = [b"", b"x" * cap, b"x" * (cap + 1), short, short[:-1]]
    for n in (cap - 1, cap, cap + 1, 2 * half + 1, half, half + 1, 3 * half):
        line = b"y" * (n - 1) + b"\n"  # n bytes with its newline
        for head in (0, 1, half - 1, half, len(short)):
            cases.append(short[:head] + line + short)
            cases.append(short[:head] + line[:-1])  # last, without a newline
            cases.append(short[:head] + b"\n" + line + short[:head])
    for _ in range(200):  # lines of random lengths around the limit, at random places
        parts = [b"z" * int(k) for k in rng.integers(0, cap + 3, size=rng.integers(1, 6))]
        cases.append(b"\n".join(parts))
    for data in cases:
        assert readers._has_long_line(data) == (readers._longest_line(data) > cap), len(data)
    assert any(readers._has_long_line(d) for d in cases)
    assert not all(readers._has_long_line(d) for d in cases if len(d) > cap)


def test_unquoted_decimal_commas_are_joined_only_where_the_intent_is_certain(tmp_path):
    lines = ["incident_id,occurred_from,category,x,y"]
    lines += [f"{i},2024-05-01 10:00,theft,{300000 + i},{5040000 + i}" for i in range(1, 60)]
    lines[10] = "10,2024-05-01 10:00,theft,300010,5,5040010"  # x: one reading
    lines[20] = "20,2024-05-01 10:00,theft,300020,5040020,75"  # y: one reading
    lines[30] = "30,2024-05-01 10:00,theft,300030,5,5040030,25"  # both
    lines[40] = "40,2024-05-01 10:00,vol, auto,300040,5040040"  # a comma in a text column
    lines[50] = "50,2024-05-01 10:00,theft,3,5,5040050"  # 3.5 m: outside the file's x range
    p = tmp_path / "inc.csv"
    p.write_text("\n".join(lines) + "\n")
    inc, led = loaders.load_incidents(p, now=NOW)
    assert led.is_balanced() and len(inc) == 57
    e = led.entries
    assert e[["row", "reason", "action"]].values.tolist() == [
        [11, "decimal_comma_repaired", "repaired"],
        [21, "decimal_comma_repaired", "repaired"],
        [31, "decimal_comma_repaired", "repaired"],
        [41, "malformed_row", "rejected"],
        [51, "malformed_row", "rejected"],
    ]
    pts = inc.set_index("source_row").geometry
    assert (pts[11].x, pts[21].y, pts[31].x, pts[31].y) == (
        300010.5,
        5040020.75,
        300030.5,
        5040030.25,
    )
    assert inc["source_row"].is_monotonic_increasing
    # a file with no numeric column mapped repairs nothing
    p.write_text(
        "\n".join(
            ln.rsplit(",", 2)[0] if i else "incident_id,occurred_from,category"
            for i, ln in enumerate(lines[:5])
        )
        + "\n1,2024-05-01 10:00,a,b\n"
    )
    _, led = loaders.load_incidents(p, now=NOW)
    assert led.entries["reason"].tolist() == ["malformed_row"]


def test_a_nul_line_just_before_a_stray_quote_is_still_counted(tmp_path):
    """Found by the fuzz suite: the line before the stray quote, blanked for its NUL byte,
    was dropped from the count, so the ledger said -1 rows kept."""
    p = tmp_path / "s.csv"
    p.write_bytes(b'survey_id,sector\n\n\n\x00\n"\n\n\n\n\n')
    raw = read_table(p)
    assert raw.rows_in == 8
    _, led = loaders.load_survey(p)
    assert led.is_balanced() and led.files.iloc[0]["rows_in"] == 8


def test_two_stray_quotes_cost_two_rows_and_row_numbers_stay_physical(tmp_path):
    lines = [f"{i},2024-05-{1 + i % 28:02d} 10:00,theft" for i in range(1, 301)]
    lines[9] = '10,2024-05-11 10:00,"theft'  # file row 11
    lines[199] = '200,2024-05-05 10:00,theft"'  # file row 201: would close the first quote
    p = tmp_path / "inc.csv"
    p.write_text("id,date,category\n" + "\n".join(lines) + "\n")
    inc, led = loaders.load_incidents(p, now=NOW)
    e = led.entries
    assert e["row"].tolist() == [11, 201] and set(e["reason"]) == {"quote_unbalanced"}
    assert len(inc) == 298 and led.files.iloc[0]["rows_in"] == _physical_lines(p)
    # every kept row keeps its own file row: row n holds incident n - 1
    assert (inc["source_row"] - 1 == inc["incident_id"].astype(int)).all()


def test_dates_with_utc_offsets_are_converted_to_the_diagnosis_zone(tmp_path):
    """One ``Z`` among local dates used to make every ISO date of the file unparseable."""
    lines = [f"{i},2024-05-{1 + i % 28:02d} 10:00,theft" for i in range(1, 301)]
    lines[100] = "101,2024-05-02T14:00:00Z,theft"  # 14:00 UTC is 10:00 in Montréal (EDT)
    lines[101] = "102,2024-01-02T10:00:00-04:00,theft"  # 14:00 UTC is 09:00 (EST)
    lines[102] = "103,2024-01-02 09:00-05:00,theft"  # already Eastern time
    lines[103] = "104,2024-13-02 09:00,theft"  # unparseable: only this row
    p = tmp_path / "inc.csv"
    p.write_text("id,date,category\n" + "\n".join(lines) + "\n")
    inc, led = loaders.load_incidents(p, now=NOW)
    assert len(inc) == 299 and led.is_balanced()
    e = led.entries
    assert e[["row", "reason"]].values.tolist() == [[105, "date_unparseable"]]
    got = inc.set_index("incident_id")["occurred_from"]
    assert got["101"] == pd.Timestamp("2024-05-02 10:00")
    assert got["102"] == pd.Timestamp("2024-01-02 09:00")
    assert got["103"] == pd.Timestamp("2024-01-02 09:00")
    assert got["1"] == pd.Timestamp("2024-05-02 10:00")  # local dates are left as they are
    assert "America/Toronto" in " ".join(led.notes("en")["note"])
    # another zone is a setting, and an unknown one a clear error
    paris, _ = loaders.load_incidents(p, now=NOW, timezone="Europe/Paris")
    assert paris.set_index("incident_id").loc["101", "occurred_from"] == pd.Timestamp(
        "2024-05-02 16:00"
    )
    with pytest.raises(ConfigError, match="time zone"):
        loaders.load_incidents(p, now=NOW, timezone="Eastern")


def test_excel_serial_dates_are_read_and_flagged(tmp_path):
    p = tmp_path / "inc.csv"
    p.write_text(
        "id,date,category\n1,45292,theft\n2,45292.75,theft\n3,2024-01-01 10:00,theft\n4,12,theft\n"
    )
    inc, led = loaders.load_incidents(p, now=NOW)
    got = inc.set_index("incident_id")
    assert got.loc["1", "occurred_from"] == pd.Timestamp("2024-01-01")
    assert got.loc["1", "occurred_to"] == pd.Timestamp("2024-01-02")  # a whole day
    assert got.loc["2", "occurred_from"] == pd.Timestamp("2024-01-01 18:00")
    e = led.entries.set_index("row")
    assert e.loc[[2, 3], "reason"].tolist() == ["date_excel_serial"] * 2
    assert set(e.loc[[2, 3], "action"]) == {"flagged"}
    assert e.loc[5, "reason"] == "date_unparseable"  # 12 is not a date
    assert "Excel" in i18n.label("reason", "date_excel_serial", "fr")


def test_point_empty_is_a_missing_position_and_an_overflowing_wkt_is_unreadable(tmp_path):
    p = tmp_path / "inc.csv"
    p.write_text(
        "id,wkt,date,category\n1,POINT EMPTY,2024-01-01,theft\n"
        "2,POINT (286837 5056238),2024-01-01,theft\n3,1e400,2024-01-01,theft\n"
    )
    inc, led = loaders.load_incidents(p, now=NOW, source_crs="EPSG:32188")
    e = led.entries.set_index("row")
    assert e.loc[2, "reason"] == "position_missing" and e.loc[2, "action"] == "flagged"
    assert e.loc[4, "reason"] == "geometry_unparseable"
    assert len(inc) == 2 and led.is_balanced()
    assert inc.geometry.isna().tolist() == [True, False]


def _lines(n=300):
    return [f"{i},2024-05-{1 + i % 28:02d} 10:00,theft" for i in range(1, n + 1)]


@pytest.mark.parametrize("sep", [",", ";"])
def test_a_trailing_separator_on_every_row_never_shifts_columns(tmp_path, sep):
    """Rows one field longer than the header used to push every value one column left."""
    p = tmp_path / "inc.csv"
    body = [ln.replace(",", sep) + sep for ln in _lines()]
    p.write_text(f"id{sep}date{sep}category\n" + "\n".join(body) + "\n")
    inc, led = loaders.load_incidents(p, now=NOW)
    assert len(inc) == 300 and led.entries.empty and led.is_balanced()
    assert inc["incident_id"].tolist()[:2] == ["1", "2"] and set(inc["category"]) == {"theft"}


def test_rows_with_an_extra_value_are_rejected_with_their_line(tmp_path):
    lines = _lines()
    lines[41] = "42,2024-05-15 10:00,theft,oops"  # file row 43
    p = tmp_path / "inc.csv"
    p.write_text("id,date,category\n" + "\n".join(lines) + "\n")
    inc, led = loaders.load_incidents(p, now=NOW)
    assert led.entries[["row", "reason"]].values.tolist() == [[43, "malformed_row"]]
    assert len(inc) == 299 and "42" not in set(inc["incident_id"])
    assert led.is_balanced()


def test_a_header_separator_unlike_the_rows_is_one_clear_error(tmp_path):
    p = tmp_path / "inc.csv"
    p.write_text("id;date;category\n" + "\n".join(_lines()) + "\n")
    with pytest.raises(DataError, match=r"header is separated by ';' but the rows by ','"):
        loaders.load_incidents(p, now=NOW)
    # a one-column file whose values hold a separator is not a mismatch
    q = tmp_path / "one.csv"
    q.write_text("category\n" + "\n".join("theft; bike" for _ in range(20)) + "\n")
    assert read_table(q).frame.shape == (20, 1)


def test_a_nul_byte_costs_only_its_own_row(tmp_path):
    lines = [ln.encode() for ln in _lines()]
    lines[9] = b"10,2024-05-11 10:\x0000,theft"  # file row 11
    p = tmp_path / "inc.csv"
    p.write_bytes(b"id,date,category\n" + b"\n".join(lines) + b"\n")
    inc, led = loaders.load_incidents(p, now=NOW)
    assert led.entries[["row", "reason", "action"]].values.tolist() == [
        [11, "nul_byte", "rejected"]
    ]
    assert len(inc) == 299 and led.is_balanced() and led.files.iloc[0]["rows_in"] == 300
    assert (inc["source_row"] - 1 == inc["incident_id"].astype(int)).all()  # rows keep numbers
    # the last line, with no newline after it: its row counted once, not lost (found by
    # the property test: blank lines, then a NUL line, put the ledger at -1 kept)
    last = tmp_path / "last.csv"
    last.write_bytes(b"id,date,category\n" + b"\n".join(lines) + b"\n11,\x00")
    inc, led = loaders.load_incidents(last, now=NOW)
    assert led.is_balanced() and led.files.iloc[0]["rows_in"] == 301 and len(inc) == 299
    assert [302, "nul_byte"] in led.entries[["row", "reason"]].values.tolist()
    blank = tmp_path / "blank.csv"
    blank.write_bytes(b"date,categorie\n" + b"\n" * 8 + b"\x00")
    inc, led = loaders.load_incidents(blank, now=NOW)
    assert led.is_balanced() and led.files.iloc[0]["rows_in"] == 9 and len(inc) == 0
    # a binary file is still refused as a whole
    b = tmp_path / "bin.csv"
    b.write_bytes(b"id,date\n" + b"\x00\x01\n" * 50)
    with pytest.raises(DataError, match="binary"):
        loaders.load_incidents(b, now=NOW)


def test_a_nul_line_after_a_note_over_two_lines_rejects_its_own_row(tmp_path):
    """Held-out: lines were blanked by physical line, rows dropped by row number.

    After a quoted field over two lines the two differ by one: the next (valid) row was
    dropped without a trace and the blanked line blamed as an "empty row".
    """
    rows = [f"A{k:02d},2024-01-{k:02d} 10:00,theft" for k in range(1, 31)]
    rows[4] = 'A05,2024-01-05 10:00,"mischief\nsee notes"'
    rows[14] = "\x00\x00garbage\x00"  # A15: physical line 17, row 16
    p = tmp_path / "inc.csv"
    p.write_bytes(("id,date,category\n" + "\n".join(rows) + "\n").encode())
    inc, led = loaders.load_incidents(p, now=NOW)
    kept = set(inc["incident_id"])
    assert kept == {f"A{k:02d}" for k in range(1, 31)} - {"A15"}
    rejected = led.entries[led.entries["action"] == "rejected"]
    assert rejected[["row", "reason"]].values.tolist() == [[16, "nul_byte"]]
    assert led.is_balanced() and led.files.iloc[0]["rows_in"] == 30
    # a line in the other encoding after such a note is flagged at its own row too
    lines = [ln.encode() for ln in _lines(20)]
    lines[1] = b'2,2024-05-03 10:00,"theft\nnote"'
    for i in range(0, 20, 2):
        lines[i] = lines[i].replace(b"theft", "Méfait".encode())
    lines[5] = lines[5].replace(b"theft", "Méfait".encode("cp1252"))  # line 8, row 7
    q = tmp_path / "mixed.csv"
    q.write_bytes(b"id,date,category\n" + b"\n".join(lines) + b"\n")
    inc, led = loaders.load_incidents(q, now=NOW)
    e = led.entries[led.entries["reason"] == "encoding_repaired"]
    assert e["row"].tolist() == [7]
    assert inc.set_index("source_row").loc[7, "incident_id"] == "6"


def test_byte_order_marks_inside_a_file_are_removed(tmp_path):
    lines = [ln.encode() for ln in _lines()]
    lines[19] = b"\xef\xbb\xbf" + lines[19]  # two exports pasted together
    p = tmp_path / "inc.csv"
    p.write_bytes(b"\xef\xbb\xbfid,date,category\n" + b"\n".join(lines) + b"\n")
    inc, led = loaders.load_incidents(p, now=NOW)
    assert inc["incident_id"].iloc[19] == "20" and len(inc) == 300
    assert "BOM" in " ".join(led.notes("en")["note"])


def test_a_file_mixing_utf8_and_cp1252_is_decoded_line_by_line(tmp_path):
    lines = [ln.encode() for ln in _lines(20)]
    for i in range(0, 20, 2):
        lines[i] = lines[i].replace(b"theft", "Méfait".encode())
    lines[5] = lines[5].replace(b"theft", "Méfait".encode("cp1252"))  # file row 7
    p = tmp_path / "inc.csv"
    p.write_bytes(b"id,date,category\n" + b"\n".join(lines) + b"\n")
    inc, led = loaders.load_incidents(p, now=NOW)
    assert inc.set_index("incident_id").loc["6", "category_label"] == "Méfait"
    assert set(inc["category_label"]) == {"Méfait", "theft"}  # no mojibake
    e = led.entries[led.entries["reason"] == "encoding_repaired"]
    assert e[["row", "action"]].values.tolist() == [[7, "flagged"]]
    assert len(inc) == 20 and led.is_balanced()


def test_a_quoted_field_over_two_lines_is_still_one_record(tmp_path):
    p = tmp_path / "inc.csv"
    p.write_text('id,date,category,note\n1,2024-05-01,theft,"two\nlines"\n2,2024-05-02,theft,x\n')
    inc, led = loaders.load_incidents(p, now=NOW)
    assert len(inc) == 2 and led.entries.empty and led.is_balanced()


def test_blank_lines_are_reported(tmp_path):
    p = tmp_path / "inc.csv"
    p.write_text("id,date,category\n1,2024-01-01,Méfait\n,,\n3,2024-01-03,Méfait\n")
    inc, led = loaders.load_incidents(p, now=NOW)
    assert len(inc) == 2
    assert led.entries["reason"].tolist() == ["empty_row"]


def test_wkt_column(tmp_path):
    p = tmp_path / "inc.csv"
    df = BASE.drop(columns=["x", "y"]).assign(
        wkt=[f"POINT ({x} {y})" for x, y in zip(BASE.x, BASE.y, strict=True)]
    )
    df.to_csv(p, index=False)
    inc, led = loaders.load_incidents(p, now=NOW, source_crs="EPSG:32188")
    check_base(inc, led)


def test_wkt_in_lonlat_is_guessed_and_noted(tmp_path):
    p = tmp_path / "inc.csv"
    lon, lat = (
        gpd.GeoSeries(gpd.points_from_xy(BASE.x, BASE.y), crs=32188)
        .to_crs(4326)
        .pipe(lambda g: (g.x, g.y))
    )
    df = BASE.drop(columns=["x", "y"]).assign(
        wkt=[f"POINT ({a:.9f} {b:.9f})" for a, b in zip(lon, lat, strict=True)]
    )
    df.to_csv(p, index=False)
    inc, led = loaders.load_incidents(p, now=NOW)
    check_base(inc, led)
    assert "EPSG:4326" in " ".join(led.notes("en")["note"])


def test_lon_lat_columns(tmp_path):
    g = gpd.GeoSeries(gpd.points_from_xy(BASE.x, BASE.y), crs=32188).to_crs(4326)
    df = BASE.drop(columns=["x", "y"]).assign(longitude=g.x.round(9), latitude=g.y.round(9))
    p = tmp_path / "inc.csv"
    df.to_csv(p, index=False)
    check_base(*loaders.load_incidents(p, now=NOW))


# -------------------------------------------------------------------- Excel
def test_xlsx_with_real_datetimes(tmp_path):
    p = tmp_path / "inc.xlsx"
    df = BASE.copy()
    df["occurred_from"] = pd.to_datetime(df["occurred_from"])
    df.to_excel(p, index=False)
    check_base(*loaders.load_incidents(p, now=NOW))


def _formula_workbook(path, cached: bool) -> None:
    """60 incidents, then a row of formulas (with Excel's stored values when ``cached``)."""
    import zipfile

    import openpyxl

    wb = openpyxl.Workbook()
    ws = wb.active
    ws.append(["incident_id", "occurred_from", "category"])
    for i in range(1, 61):
        ws.append([str(i), "2024-05-01 10:00", "theft"])
    ws.append(['=A2&"b"', "=B2", "=C2"])
    wb.save(path)
    if cached:  # what Excel writes: each formula with its last computed value
        with zipfile.ZipFile(path) as z:
            parts = {n: z.read(n) for n in z.namelist()}
        xml = parts["xl/worksheets/sheet1.xml"].decode()
        for col, value in (("A", "1b"), ("B", "2024-05-01 10:00"), ("C", "theft")):
            xml = re.sub(
                rf'<c r="{col}62"([^>]*)><f>(.*?)</f><v\s*/?>(</v>)?</c>',
                rf'<c r="{col}62" t="str"><f>\2</f><v>{value}</v></c>',
                xml,
            )
        assert xml.count("<v>1b</v>") == 1
        parts["xl/worksheets/sheet1.xml"] = xml.encode()
        with zipfile.ZipFile(path, "w") as z:
            for n, b in parts.items():
                z.writestr(n, b)


def test_xlsx_formula_row_is_read_by_its_stored_values_or_rejected(tmp_path):
    """61 rows, the last of formulas: read by Excel's stored values, else rejected with its row."""
    p = tmp_path / "inc.xlsx"
    _formula_workbook(p, cached=True)
    inc, led = loaders.load_incidents(p, now=NOW)
    assert led.is_balanced() and led.entries.empty
    assert len(inc) == 61 and inc["incident_id"].iloc[-1] == "1b"
    _formula_workbook(p, cached=False)
    inc, led = loaders.load_incidents(p, now=NOW)
    assert led.is_balanced() and len(inc) == 60
    e = led.entries
    assert e[["row", "reason", "action"]].values.tolist() == [[62, "formula_no_value", "rejected"]]
    assert e["value"].iloc[0] == "incident_id, occurred_from, category"
    assert "Excel" in i18n.label("reason", "formula_no_value", "fr")


def test_xlsx_rows_keep_their_sheet_numbers_and_a_missing_sheet_is_named(tmp_path):
    import openpyxl

    p = tmp_path / "inc.xlsx"
    wb = openpyxl.Workbook()
    ws = wb.active
    ws.title = "export"
    ws.append(["incident_id", "occurred_from", "category"])
    ws.append(["1", "2024-05-01 10:00", "theft"])
    ws.append([None, None, None])  # an empty row inside the table
    ws.append(["3", "2024-05-01 11:00", "theft"])
    ws.cell(row=40, column=1).number_format = "0.00"  # formatted, empty: not a row
    wb.save(p)
    inc, led = loaders.load_incidents(p, now=NOW)
    assert inc["source_row"].tolist() == [2, 4] and led.is_balanced()
    assert led.entries[["row", "reason"]].values.tolist() == [[3, "empty_row"]]
    with pytest.raises(DataError, match=r"inc\.xlsx.*'incidents'.*export"):
        loaders.load_incidents(p, sheet="incidents")


def test_xlsx_with_a_title_above_the_header_reads_the_header_below_it(tmp_path):
    """Held-out: an RMS export with a title on row 1: `init` mapped `category = "Unnamed: 2"`
    and listed the header cell as a category label."""
    import openpyxl

    p = tmp_path / "inc.xlsx"
    wb = openpyxl.Workbook()
    ws = wb.active
    ws.append(["Extraction RMS — incidents 2024"])
    ws.append([None])
    ws.append(["incident_id", "occurred_from", "category"])
    ws.append(["1", "2024-05-01 10:00", "theft"])
    ws.append(["2", "2024-05-02 10:00", "robbery"])
    wb.save(p)
    inc, led = loaders.load_incidents(p, now=NOW)
    assert inc["incident_id"].tolist() == ["1", "2"] and inc["source_row"].tolist() == [4, 5]
    assert led.is_balanced() and led.files.iloc[0]["rows_in"] == 2
    assert "Header read on row 3; above it, a title, not data: 'Extraction RMS" in " ".join(
        led.notes("en")["note"]
    )
    # a one-cell first row over data rows is the header of a one-column table, left as it is
    q = tmp_path / "one.xlsx"
    wb = openpyxl.Workbook()
    wb.active.append(["category"])
    wb.active.append(["theft"])
    wb.save(q)
    assert read_table(q).frame.columns.tolist() == ["category"]


@pytest.mark.parametrize(
    "title",
    ["Extraction RMS — incidents 2024\n\n", "Extraction RMS — incidents 2024,,\n", "\ufeffRMS\n"],
)
def test_csv_with_a_title_above_the_header_reads_the_header_below_it(tmp_path, title):
    """Held-out: a CSV saved from a report with a title line was read as a one-column table
    (a clear error, but no way forward); a spreadsheet's title already was detected."""
    p = tmp_path / "inc.csv"
    body = (
        "incident_id,occurred_from,category\n"
        "1,2024-05-01 10:00,theft\n"
        "2,2024-05-02 10:00,robbery,extra\n"  # malformed: named at its row in the file
        "3,2024-05-03 10:00,theft\n"
    )
    p.write_text(title + body, encoding="utf-8")
    top = title.count("\n")
    inc, led = loaders.load_incidents(p, now=NOW)
    assert inc["incident_id"].tolist() == ["1", "3"]
    assert inc["source_row"].tolist() == [top + 2, top + 4]
    assert led.is_balanced() and led.files.iloc[0]["rows_in"] == 3
    assert led.entries["row"].tolist() == [top + 3]
    note = " ".join(led.notes("en")["note"])
    assert f"Header read on row {top + 1}; above it, a title, not data: '" in note
    # a plain file is read from its first line, and a one-column file keeps its header
    q = tmp_path / "plain.csv"
    q.write_text(body.replace(",extra", ""), encoding="utf-8")
    assert read_table(q).header_row == 1 and len(read_table(q).frame) == 3
    one = tmp_path / "one.csv"
    one.write_text("category\ntheft\nrobbery\n", encoding="utf-8")
    assert read_table(one).frame.columns.tolist() == ["category"]


def test_csv_header_with_a_line_break_and_rows_counted_as_records(tmp_path):
    """A header cell with a line break (Alt+Enter in a spreadsheet) is quoted over two lines;
    the line after it was taken for a quote that never closes. And after a note over two
    lines, an unbalanced quote was named at its physical line, not its row."""
    p = tmp_path / "inc.csv"
    p.write_text(
        'incident_id,"occurred\nfrom",category\n1,2024-05-01 10:00,theft\n'
        '2,2024-05-02 10:00,"un\nbalanced\n3,2024-05-03 10:00,theft\n',
        encoding="utf-8",
    )
    inc, led = loaders.load_incidents(p, columns={"occurred_from": "occurred\nfrom"}, now=NOW)
    assert inc["incident_id"].tolist() == ["1", "3"] and inc["source_row"].tolist() == [2, 5]
    assert led.entries[["row", "reason"]].values.tolist() == [
        [3, "quote_unbalanced"],
        [4, "date_missing"],  # "balanced", read on its own
    ]
    q = tmp_path / "note.csv"
    q.write_text(
        'incident_id,occurred_from,category,note\n1,2024-05-01 10:00,theft,"two\nlines"\n'
        '2,2024-05-02 10:00,theft,"open\n3,2024-05-03 10:00,theft,ok\n',
        encoding="utf-8",
    )
    inc, led = loaders.load_incidents(q, now=NOW)
    assert inc["source_row"].tolist() == [2, 4]
    assert led.entries[["row", "reason"]].values.tolist() == [[3, "quote_unbalanced"]]
    # found by the property test: the rows after an unbalanced quote follow the first part's
    # records as the parser counts them, never a row number of the first part
    m = tmp_path / "messy.csv"
    m.write_bytes(b'date,categorie\n"\n""," "\n\n\n"a\nb"')
    inc, led = loaders.load_incidents(m, now=NOW)
    assert led.is_balanced() and led.files.iloc[0]["rows_in"] == 5
    # a header whose quote never closes leaves no row readable: said, not a traceback
    r = tmp_path / "bad.csv"
    r.write_text('"2024-05-01","a\nb"\n\n\n""," ",""', encoding="utf-8")
    r.write_text('id,"open\n' + "1,x\n" * 30, encoding="utf-8")
    with pytest.raises(DataError, match=r"bad\.csv: the header \(line 1\) opens a quote"):
        loaders.load_incidents(r, now=NOW)


def test_xlsx_that_is_not_a_workbook(tmp_path):
    p = tmp_path / "inc.xlsx"
    p.write_text("id,date\n1,2024-01-01\n")
    with pytest.raises(DataError, match=r"inc\.xlsx.*not a readable \.xlsx"):
        loaders.load_incidents(p)


# ---------------------------------------------------------------- GIS files
def _gdf(crs="EPSG:32188") -> gpd.GeoDataFrame:
    g = gpd.GeoDataFrame(
        BASE.drop(columns=["x", "y"]), geometry=gpd.points_from_xy(BASE.x, BASE.y), crs=32188
    )
    return g.to_crs(crs)


def test_geojson_with_a_crs_member_that_is_not_wgs84(tmp_path):
    p = tmp_path / "inc.geojson"
    _gdf().to_file(p, driver="GeoJSON")
    assert "EPSG::32188" in p.read_text()  # the legacy crs member is written
    check_base(*loaders.load_incidents(p, now=NOW))


def test_geojson_wgs84(tmp_path):
    p = tmp_path / "inc.geojson"
    _gdf("EPSG:4326").to_file(p, driver="GeoJSON")
    check_base(*loaders.load_incidents(p, now=NOW))


def test_geojson_in_latin1(tmp_path):
    p = tmp_path / "inc.geojson"
    text = _gdf("EPSG:4326").to_json()
    # to_json escapes non-ASCII; write raw accents in Latin-1 like the Montréal file
    text = text.encode().decode("unicode_escape")
    p.write_bytes(text.encode("latin-1"))
    with pytest.raises(UnicodeDecodeError):
        p.read_bytes().decode("utf-8")
    check_base(*loaders.load_incidents(p, now=NOW))


def test_geopackage(tmp_path):
    p = tmp_path / "inc.gpkg"
    _gdf().to_file(p, driver="GPKG")
    check_base(*loaders.load_incidents(p, now=NOW))


def test_shapefile_honours_its_cpg(tmp_path):
    p = tmp_path / "inc.shp"
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")  # column names are truncated to 10 characters
        _gdf().rename(columns={"occurred_from": "date"}).to_file(p, encoding="cp1252")
    cpg = p.with_suffix(".cpg")
    assert cpg.exists()
    assert b"\xe9" in p.with_suffix(".dbf").read_bytes()  # é stored as Windows-1252
    inc, led = loaders.load_incidents(p, now=NOW)
    check_base(inc, led)


def test_parquet_and_geoparquet(tmp_path):
    p1 = tmp_path / "inc.parquet"
    BASE.to_parquet(p1)
    check_base(*loaders.load_incidents(p1, now=NOW))
    p2 = tmp_path / "inc_geo.parquet"
    _gdf().to_parquet(p2)
    check_base(*loaders.load_incidents(p2, now=NOW))


def test_dataframe_input():
    check_base(*loaders.load_incidents(BASE, now=NOW))


# ------------------------------------------------------------ row reasons
def test_every_reason_is_reported(tmp_path):
    rows = [
        "id;date;categorie;secteur;x;y",
        "1;2024-05-03 22:15;Méfait;S1;300100,5;5040100",  # fine
        "2;31/02/2024;Méfait;S1;300100;5040100",  # unparseable date -> rejected
        "3;2031-01-01 10:00;Méfait;S1;300100;5040100",  # future -> rejected
        "4;2024-05-03 10:00;Lancer de tomates;S1;300100;5040100",  # unknown category -> flagged, other
        "5;2024-05-03 10:00;Méfait;S1;;",  # missing position -> flagged, sector precision
        "6;2024-05-03 10:00;Méfait;S2;0;0",  # placeholder -> flagged
        "7;2024-05-03 10:00;Méfait;S1;350000;5090000",  # outside -> rejected
        "8;2024-05-03 10:00;Méfait;S1;300100;5040100",  # original
        "8;2024-05-03 10:00;Méfait;S1;300100;5040100",  # exact duplicate -> rejected
        "9;2024-05-03 10:00;Méfait;S1;300100;5040100",
        "9;2024-05-04 11:00;Méfait;S1;300100;5040100",  # id conflict -> both flagged, renamed
        "10;2024-05-03 10:00;Méfait;S2;300100;5040100",  # recorded sector differs from position
        "11;2024-05-03 10:00;Méfait;S9;;",  # unknown sector
    ]
    p = tmp_path / "inc.csv"
    p.write_text("\n".join(rows) + "\n", encoding="utf-8")
    inc, led = loaders.load_incidents(p, sectors=sectors_gdf(), now=NOW)
    e = led.entries
    got = {(int(r), reason, action) for r, reason, action in e[["row", "reason", "action"]].values}
    assert (3, "date_unparseable", "rejected") in got
    assert (4, "date_future", "rejected") in got
    assert (5, "category_unknown", "flagged") in got
    assert (6, "position_missing", "flagged") in got
    assert (7, "position_placeholder", "flagged") in got
    assert (8, "position_outside", "rejected") in got
    assert (10, "duplicate_exact", "rejected") in got
    assert (11, "id_conflict", "flagged") in got and (12, "id_conflict", "flagged") in got
    assert (13, "sector_mismatch", "flagged") in got
    assert (14, "sector_unknown", "flagged") in got
    f = led.files.iloc[0]
    assert f.rows_in == 13 and f.rows_rejected == 4 and f.rows_kept == len(inc) == 9
    assert led.is_balanced()
    by_id = inc.set_index("incident_id")
    assert (
        by_id.loc["4", "category"] == "other"
        and by_id.loc["4", "category_label"] == "Lancer de tomates"
    )
    assert by_id.loc["5", "precision"] == "sector" and by_id.loc["5", "geometry"] is None
    assert by_id.loc["6", "precision"] == "sector" and by_id.loc["6", "sector"] == "S2"
    assert by_id.loc["11", "precision"] == "none" and pd.isna(by_id.loc["11", "sector"])
    assert by_id.loc["10", "sector"] == "S1"  # the position wins over the recorded sector
    assert {"9", "9~2"} <= set(inc["incident_id"])
    # columns named in the ledger are the source columns
    assert set(e.loc[e.reason == "date_unparseable", "column"]) == {"date"}
    assert set(e.loc[e.reason == "position_placeholder", "column"]) == {"x"}
    # the summary prints in both languages and balances
    assert "lignes lues" in led.summary("fr") and "rows read" in led.summary("en")


def test_outside_can_be_kept_as_flag(tmp_path):
    df = BASE.assign(x=[300100.0, 300100.0, 300100.0, 400000.0])
    inc, led = loaders.load_incidents(df, sectors=sectors_gdf(), now=NOW, outside="flag")
    assert len(inc) == 4
    assert inc.geometry.isna().sum() == 1
    assert led.entries["reason"].tolist().count("position_outside") == 1


def test_point_just_outside_is_snapped(tmp_path):
    df = BASE.assign(x=[298990.0, 300100.0, 301500.0, 301800.0])  # 10 m west of S1
    inc, led = loaders.load_incidents(df, sectors=sectors_gdf(), now=NOW)
    assert inc["sector"].tolist()[0] == "S1"
    assert led.entries["reason"].tolist() == ["position_snapped"]


def test_ranges_and_separate_time_columns(tmp_path):
    p = tmp_path / "inc.csv"
    p.write_text(
        "No;Début;Heure début;Fin;Heure fin;Catégorie\n"
        "1;05/07/2024;18:00;08/07/2024;08h00;Introduction\n"  # weekend away
        "2;06/07/2024;;;;Introduction\n"  # date only: the whole day
        "3;06/07/2024;2215;;;Introduction\n"
        "4;09/07/2024;17:00;09/07/2024;09:00;Introduction\n",  # inverted range -> swapped, flagged
        encoding="cp1252",
    )
    cols = {
        "incident_id": "No",
        "occurred_from": "Début",
        "occurred_from_time": "Heure début",
        "occurred_to": "Fin",
        "occurred_to_time": "Heure fin",
        "category": "Catégorie",
    }
    inc, led = loaders.load_incidents(p, columns=cols, now=NOW)
    got = (
        inc[["occurred_from", "occurred_to"]]
        .apply(lambda c: c.dt.strftime("%Y-%m-%d %H:%M:%S").fillna("NaT"))
        .values.tolist()
    )
    assert got == [
        ["2024-07-05 18:00:00", "2024-07-08 08:00:00"],
        ["2024-07-06 00:00:00", "2024-07-07 00:00:00"],
        ["2024-07-06 22:15:00", "NaT"],
        ["2024-07-09 09:00:00", "2024-07-09 17:00:00"],
    ]
    # ranges of 8 hours or less get the shift of their midpoint; longer ones none
    assert inc["shift"].fillna("").tolist() == ["", "", "soir", "jour"]
    assert led.entries["reason"].tolist() == ["date_range_inverted"]
    # the ledger shows the end as read (before the swap), on the flagged row only
    assert led.entries["value"].tolist() == ["2024-07-09 09:00:00"]


def test_study_period(tmp_path):
    inc, led = loaders.load_incidents(BASE, now=NOW, period=("2024-05-04", "2024-06-30"))
    assert inc["incident_id"].tolist() == ["A2", "A3"]
    assert led.entries["reason"].tolist() == ["date_outside_period"] * 2


# ----------------------------------------------------------- file errors
def test_empty_file(tmp_path):
    p = tmp_path / "inc.csv"
    p.write_text("  \n")
    with pytest.raises(DataError, match=r"inc\.csv.*empty"):
        loaders.load_incidents(p)


def test_missing_file(tmp_path):
    with pytest.raises(DataError, match="not found"):
        loaders.load_incidents(tmp_path / "nope.csv")


def test_wrong_kind_of_file(tmp_path):
    p = tmp_path / "inc.csv"
    BASE.to_excel(tmp_path / "x.xlsx", index=False)
    p.write_bytes((tmp_path / "x.xlsx").read_bytes())
    with pytest.raises(DataError, match="Excel"):
        loaders.load_incidents(p)
    q = tmp_path / "inc.docx"
    q.write_text("hello")
    with pytest.raises(DataError, match="unsupported file type"):
        loaders.load_incidents(q)


def test_missing_required_column_names_file_and_found_columns(tmp_path):
    p = tmp_path / "inc.csv"
    p.write_text("when,what\n2024-01-01,Méfait\n")
    with pytest.raises(DataError) as exc:
        loaders.load_incidents(p)
    msg = str(exc.value)
    assert "inc.csv" in msg and "occurred_from" in msg and "category" in msg
    assert "['when', 'what']" in msg
    # a mapping fixes it
    inc, _ = loaders.load_incidents(
        p, columns={"occurred_from": "when", "category": "what"}, now=NOW
    )
    assert inc["category"].tolist() == ["mischief"]


def test_mapping_to_a_column_that_does_not_exist(tmp_path):
    with pytest.raises(DataError, match="Date_début"):
        loaders.load_incidents(BASE, columns={"occurred_from": "Date_début"})


def test_unknown_preset():
    with pytest.raises(DataError, match="unknown preset"):
        loaders.load_incidents(BASE, preset="nope")


def test_geographic_crs_is_refused():
    with pytest.raises(CRSError, match="geographic"):
        loaders.load_incidents(BASE, crs="EPSG:4326")
    with pytest.raises(CRSError, match="geographic"):
        loaders.load_sectors(sectors_gdf(), crs="EPSG:4326")


# ------------------------------------------------------------------ sectors
def test_populations_with_thousands_separators_in_either_language():
    """1,200 / 1 200 / 1 200 (no-break spaces) / 1.200 / 1'200 residents are 1,200, not 1.2."""
    written = ["1,200", "1 200", "1\u00a0200", "1\u202f200", "1.200", "1'200", "12 345,0"]
    g = gpd.GeoDataFrame(
        {"sector_id": [f"S{i}" for i in range(len(written))], "population": written},
        geometry=[shapely.box(i * 1e3, 0, i * 1e3 + 1e3, 1e3) for i in range(len(written))],
        crs=32188,
    )
    sec, led = loaders.load_sectors(g)
    assert sec["population"].tolist() == [1200.0] * 6 + [12345.0]
    assert led.entries.empty and led.is_balanced()


def test_sectors_invalid_geometry_is_repaired_and_flagged():
    bowtie = shapely.Polygon([(0, 0), (1e3, 1e3), (1e3, 0), (0, 1e3), (0, 0)])
    g = gpd.GeoDataFrame(
        {"sector_id": ["A", "B", "", "A"], "population": ["1 000", "2000,5", "5", "7"]},
        geometry=[
            bowtie,
            shapely.box(2e3, 0, 3e3, 1e3),
            shapely.box(4e3, 0, 5e3, 1e3),
            shapely.box(6e3, 0, 7e3, 1e3),
        ],
        crs=32188,
    )
    sec, led = loaders.load_sectors(g)
    assert sec["sector_id"].tolist() == ["A", "B"]
    assert sec["population"].tolist() == [1000.0, 2000.5]
    assert sec.geometry.is_valid.all()
    assert sec.geometry.iloc[0].area == pytest.approx(5e5)
    reasons = led.entries.set_index("row")["reason"].to_dict()
    assert reasons == {1: "geometry_invalid", 3: "id_missing", 4: "id_duplicate"}
    assert led.is_balanced()


def test_overlapping_sectors_are_flagged_with_the_shared_area():
    """S11 drawn over S01–S03 counts their residents twice: all four rows are flagged."""
    g = gpd.GeoDataFrame(
        {"sector_id": ["S01", "S02", "S03", "S11", "S12"], "population": ["900"] * 5},
        geometry=[
            shapely.box(0, 0, 1e3, 1e3),
            shapely.box(1e3, 0, 2e3, 1e3),
            shapely.box(2e3, 0, 3e3, 1e3),
            shapely.box(0, 0, 3e3, 1e3),
            # touches S03 along an edge, and overlaps it by a 1 m sliver (0.1 %): not flagged
            shapely.box(2999, 0, 4e3, 1e3),
        ],
        crs=32188,
    )
    sec, led = loaders.load_sectors(g)
    assert len(sec) == 5 and led.is_balanced()
    e = led.entries
    assert set(e["reason"]) == {"sector_overlap"} and set(e["action"]) == {"flagged"}
    by_row = e.set_index("row")["value"].to_dict()
    assert sorted(by_row) == [1, 2, 3, 4]
    assert by_row[1] == "S11 · 100.0 ha"
    assert by_row[4] == "S01 · 100.0 ha; S02 · 100.0 ha; S03 · 100.0 ha"
    # a stricter threshold sees the sliver too
    _, led = loaders.load_sectors(g, overlap_share=0.0001)
    assert 5 in set(led.entries["row"])


def test_implausible_populations_are_flagged_not_changed():
    """1.2 read for 1,200 is caught by the rate it gives; 30,000 on 1 km² is plausible."""
    g = gpd.GeoDataFrame(
        {"sector_id": ["A", "B", "C"], "population": ["30 000", "1200000", "0,5"]},
        geometry=[shapely.box(k * 1e3, 0, k * 1e3 + 1e3, 1e3) for k in range(3)],
        crs=32188,
    )
    sec, led = loaders.load_sectors(g)
    assert sec["population"].tolist() == [30000.0, 1200000.0, 0.5]
    e = led.entries
    assert e[["row", "reason"]].values.tolist() == [[2, "population_implausible"]]
    assert e["value"].iloc[0] == "1\u202f200\u202f000 /km²"
    # the limit is a tunable
    _, led = loaders.load_sectors(g, max_density=10_000)
    assert led.entries["row"].tolist() == [1, 2]


def test_sectors_without_geometry_raise(tmp_path):
    p = tmp_path / "s.csv"
    p.write_text("sector_id,population\nA,10\n")
    with pytest.raises(DataError, match="no geometry"):
        loaders.load_sectors(p)


# ------------------------------------------------------------- SPVM preset
def _spvm_current(tmp_path):
    """The current SPVM export, derived from the committed excerpt: X/Y in EPSG:32188."""
    df = pd.read_csv(FIXTURES / "actes-criminels-excerpt.csv", dtype=str, keep_default_na=False)
    lon = df["LONGITUDE"].astype(float)
    lat = df["LATITUDE"].astype(float)
    ph = (lon == 1.0) & (lat == 1.0)
    g = gpd.GeoSeries(gpd.points_from_xy(lon, lat), crs=4326).to_crs(32188)
    x = np.where(ph, 0.0, g.x.round(3))
    y = np.where(ph, 0.0, g.y.round(3))
    cur = df[["CATEGORIE", "DATE", "QUART", "PDQ"]].assign(
        X=x, Y=y, LONGITUDE=df["LONGITUDE"], LATITUDE=df["LATITUDE"]
    )
    p = tmp_path / "actes-criminels.csv"
    cur.to_csv(p, index=False)
    return p, df, ph


def test_spvm_excerpt_as_published():
    p = FIXTURES / "actes-criminels-excerpt.csv"
    raw = pd.read_csv(p, dtype=str, keep_default_na=False)
    inc, led = loaders.load_incidents(p, preset="spvm", now=NOW)
    assert len(inc) == len(raw) == 300  # duplicates are flagged, not dropped
    assert led.is_balanced()
    n_ph = int(((raw.LATITUDE == "1.0") & (raw.LONGITUDE == "1.0")).sum())
    e = led.entries
    assert (e["reason"] == "position_placeholder").sum() == n_ph > 0
    assert (e["reason"] == "duplicate_exact_kept").sum() == int(raw.duplicated().sum()) > 0
    assert set(inc["category"]) <= {
        "burglary",
        "mischief",
        "theft_from_vehicle",
        "vehicle_theft",
        "robbery",
        "homicide",
    }
    assert (inc["category"] != "other").all()
    assert (inc.loc[inc.geometry.notna(), "precision"] == "intersection").all()
    assert (inc.loc[inc.geometry.isna(), "precision"] == "sector").all()  # PDQ known, no point
    # QUART gives an aoristic range of 8 hours on that day
    span = (inc["occurred_to"] - inc["occurred_from"]).dt.total_seconds() / 3600
    assert (span == 8).all()
    nuit = inc[inc["shift"] == "nuit"].iloc[0]
    assert nuit["occurred_from"].hour == 0
    assert inc["shift"].tolist() == raw["QUART"].tolist()
    assert inc["incident_id"].str.startswith("spvm-").all() and inc["incident_id"].is_unique


def test_spvm_current_export_prefers_xy(tmp_path):
    p, raw, ph = _spvm_current(tmp_path)
    inc, led = loaders.load_incidents(p, preset="spvm", now=NOW)
    assert len(inc) == 300
    located = inc.geometry.notna()
    assert located.sum() == (~ph).sum()
    # X/Y (EPSG:32188) are used as they are
    x = pd.read_csv(p)["X"].to_numpy()[~ph.to_numpy()]
    np.testing.assert_allclose(inc.geometry.x[located].to_numpy(), x, atol=1e-6)
    assert (led.entries["reason"] == "position_placeholder").sum() == ph.sum()


def test_spvm_older_export(tmp_path):
    df = pd.read_csv(FIXTURES / "actes-criminels-excerpt.csv", dtype=str, keep_default_na=False)
    old = df.rename(columns={"LONGITUDE": "LONG", "LATITUDE": "LAT"}).drop(
        columns=["ARRONDISSEMENT_JOINED"]
    )
    old["DATE"] = old["DATE"] + " 00:00:00"
    p = tmp_path / "old.csv"
    old.to_csv(p, index=False)
    inc, led = loaders.load_incidents(p, preset="spvm", now=NOW)
    ref, _ = loaders.load_incidents(
        FIXTURES / "actes-criminels-excerpt.csv", preset="spvm", now=NOW
    )
    assert len(inc) == 300
    pd.testing.assert_series_equal(inc["occurred_from"], ref["occurred_from"])
    assert inc["category"].tolist() == ref["category"].tolist()
    assert inc.geometry.notna().sum() == ref.geometry.notna().sum()


def test_spvm_pdq_polygons_and_sector_join():
    sec, led = loaders.load_sectors(FIXTURES / "limites-pdq-2015-excerpt.csv", preset="spvm")
    assert sorted(sec["sector_id"]) == ["20", "21", "22", "23"]
    assert sec.crs.to_epsg() == 32188
    assert 270_000 < sec.total_bounds[0] < 310_000 and 5_020_000 < sec.total_bounds[1] < 5_070_000
    inc, led2 = loaders.load_incidents(
        FIXTURES / "actes-criminels-excerpt.csv", preset="spvm", sectors=sec, now=NOW
    )
    assert led2.is_balanced()
    # most excerpt points lie outside these 4 PDQs: rejected as outside, with their row
    e = led2.entries
    assert (e["reason"] == "position_outside").sum() > 0
    assert set(inc["sector"].dropna()) <= {"20", "21", "22", "23"}


# ------------------------------------------------------- other tables
def test_measures_edge_cases():
    df = pd.DataFrame(
        {
            "id": ["M1", "M2", "M3", "M4", "M5"],
            "nom": ["Éclairage", "Rencontres", "Formation", "Caméras", ""],
            "pilier": [
                "Prévention",
                "Rapprochement",
                "rapprochement",
                "Résolution de problèmes",
                "nope",
            ],
            "empreinte": ["", "toute la ville", "", "secteurs", ""],
            "secteurs": ["", "", "", "S1;S9", ""],
            "categories": ["Méfait;Trouble de la paix", "", "", "Vol de véhicule;licornes", ""],
            "partenaires": ["P1", "P1;P99", "", "", ""],
            "debut": ["2024-04-01", "2023-01-01", "", "2024-01-01", ""],
            "fin": ["", "", "", "2024-06-01", ""],
            "wkt": ["POLYGON ((0 0, 100 0, 100 100, 0 100, 0 0))", "", "", "", ""],
        }
    )
    partners = pd.DataFrame({"partner_id": ["P1"]})
    m, led = loaders.load_measures(
        df, sectors=sectors_gdf(), partners=partners, source_crs="EPSG:32188"
    )
    assert m["measure_id"].tolist() == ["M1", "M2", "M3", "M4"]  # M5 has no valid pillar
    assert m["footprint"].tolist() == ["polygon", "municipality", "none", "sectors"]
    assert m["target_categories"].tolist() == [
        ("mischief", "disturbance"),
        (),
        (),
        ("vehicle_theft",),
    ]
    # "licornes" has no code: M4 is kept, marked, and not evaluated until it is mapped
    assert m["targets_unmapped"].tolist() == [False, False, False, True]
    assert m["target_categories_unmapped"].tolist()[3] == ("licornes",)
    assert m["footprint_sectors"].tolist() == [(), (), (), ("S1",)]
    assert m["partners"].tolist()[1] == ("P1", "P99")  # kept
    got = {(int(r), reason) for r, reason in led.entries[["row", "reason"]].values}
    assert {
        (2, "partner_unknown"),
        (4, "sector_unknown"),
        (4, "target_category_unknown"),
        (5, "pillar_invalid"),
    } <= got
    assert led.is_balanced()


def test_a_measure_ending_before_it_starts_or_costing_less_than_nothing_is_rejected():
    df = pd.DataFrame(
        {
            "id": ["M1", "M2", "M3"],
            "nom": ["a", "b", "c"],
            "pilier": ["prevention"] * 3,
            "empreinte": ["toute la ville"] * 3,
            "debut": ["2024-04-01", "2024-04-01", "2024-04-01"],
            "fin": ["2025-01-01", "2023-06-01", ""],
            "cout": ["1 000", "", "-500"],
        }
    )
    m, led = loaders.load_measures(df, sectors=sectors_gdf(), source_crs="EPSG:32188")
    assert m["measure_id"].tolist() == ["M1"] and m["cost"].tolist() == [1000.0]
    e = led.entries
    assert e[["row", "column", "reason", "action"]].values.tolist() == [
        [2, "fin", "date_range_inverted", "rejected"],
        [3, "cout", "value_out_of_range", "rejected"],
    ]
    assert led.is_balanced()


def test_measure_distances_bad_values_are_flagged_and_left_to_the_default():
    df = pd.DataFrame(
        {
            "id": ["M1", "M2", "M3", "M4"],
            "nom": ["a", "b", "c", "d"],
            "pilier": ["prevention"] * 4,
            "empreinte": ["toute la ville"] * 4,
            "buffer_m": ["250", "0", "abc", ""],
            "reach_m": ["0", "-5", "40,5", ""],
        }
    )
    m, led = loaders.load_measures(df, sectors=sectors_gdf())
    assert m["buffer_m"].tolist()[:1] == [250.0] and m["buffer_m"].iloc[1:].isna().all()
    assert m["reach_m"].iloc[0] == 0.0 and np.isnan(m["reach_m"].iloc[1])  # zero reach is fine
    assert m["reach_m"].iloc[2] == 40.5 and np.isnan(m["reach_m"].iloc[3])
    bad = led.entries[led.entries["reason"] == "value_invalid"]
    got = {(int(r), c) for r, c in bad[["row", "column"]].values}
    assert got == {(2, "buffer_m"), (3, "buffer_m"), (2, "reach_m")}  # data rows, from 1
    assert len(m) == 4 and led.is_balanced()


def test_survey_and_partners():
    s, led = loaders.load_survey(
        pd.DataFrame(
            {
                "secteur": ["S1", "S9", ""],
                "securite_jour": ["4", "6", "x"],
                "poids": ["1,5", "-1", ""],
                "preoccupations": ["Vitesse, circulation;drogue", "ovnis", ""],
            }
        ),
        sectors=sectors_gdf(),
    )
    assert s["weight"].tolist() == [1.5, 1.0, 1.0]
    assert s["concerns"].tolist()[0] == ("traffic", "drugs")
    reasons = sorted(led.entries["reason"])
    assert reasons == sorted(
        [
            "sector_unknown",
            "value_out_of_range",
            "value_invalid",
            "concern_unknown",
            "sector_missing",
            "value_invalid",
        ]
    )
    assert led.entries.loc[led.entries.reason == "concern_unknown", "value"].tolist() == ["ovnis"]
    p, led2 = loaders.load_partners(
        pd.DataFrame({"id": ["P1", "P1"], "nom": ["A", "B"], "expertise": ["Cybercrime", ""]})
    )
    assert p["partner_id"].tolist() == ["P1"]
    assert led2.entries["reason"].tolist() == ["id_duplicate"]


# ------------------------------------------------------------ vectorised
def test_loading_is_vectorised(tmp_path):
    """Python function calls must not grow with the number of rows (no per-row loop)."""
    import sys

    rng = np.random.default_rng(0)

    def write(n: int):
        p = tmp_path / f"inc_{n}.csv"
        ts = pd.Timestamp("2023-01-01") + pd.to_timedelta(
            rng.integers(0, 3 * 365 * 24 * 60, n), unit="min"
        )
        pd.DataFrame(
            {
                "incident_id": np.arange(n),
                "occurred_from": ts.strftime("%Y-%m-%d %H:%M"),
                "category": rng.choice(["Méfait", "Introduction", "Vol"], n),
                "x": rng.uniform(299000, 303000, n).round(1),
                "y": rng.uniform(5039000, 5041000, n).round(1),
            }
        ).to_csv(p, index=False)
        return p

    def calls(p) -> int:
        count = 0

        def prof(frame, event, arg):
            nonlocal count
            if event == "call":
                count += 1

        sys.setprofile(prof)
        try:
            loaders.load_incidents(p, sectors=sectors_gdf(), now=NOW)
        finally:
            sys.setprofile(None)
        return count

    small, large = write(4_000), write(40_000)
    calls(small)  # warm caches
    c_small, c_large = calls(small), calls(large)
    assert c_large < 1.5 * c_small, (c_small, c_large)


# ---------------------------------------------------------- the sample's raw export
def test_sample_raw_export_defects_are_all_found(sample_dir):
    """Every planted defect of the sample's raw export is in the ledger, exactly."""
    import json

    manifest = json.loads((sample_dir / "manifest.json").read_text(encoding="utf-8"))
    planted = manifest["ground_truth"]["raw_export"]["defects"]
    d = loaders.load_diagnostic(sample_dir / "diagnostic_raw_export.toml", now=NOW)
    led = d.ledger
    assert led.is_balanced()
    e = led.entries[led.entries["table"] == "incidents"]
    n = e.groupby("reason")["row"].nunique()
    assert n.get("date_unparseable", 0) == planted["unparseable_date"]
    assert n.get("date_future", 0) == planted["future_date"]
    assert n.get("category_unknown", 0) == planted["unknown_category"]
    assert n.get("position_placeholder", 0) == planted["placeholder_position"]
    assert n.get("position_outside", 0) == planted["outside_municipality"]
    assert n.get("duplicate_exact", 0) == planted["exact_duplicate"]
    assert (
        n.get("id_conflict", 0) == 2 * planted["duplicate_id_different_content"]
    )  # both rows of each pair
    assert n.get("malformed_row", 0) == planted["too_many_fields"]
    # missing positions: the planted ones (the clean file has a position for them), plus the
    # events that never had one (fraud, sector-only precision)
    miss_rows = set(e.loc[e["reason"] == "position_missing", "row"])
    missing = d.incidents[d.incidents["source_row"].isin(miss_rows)]
    clean = pd.read_csv(sample_dir / "incidents.csv", dtype={"incident_id": str})
    had_position = set(clean.loc[clean["x"].notna(), "incident_id"])
    assert missing["incident_id"].isin(had_position).sum() == planted["missing_position"]
    f = led.files.set_index("table").loc["incidents"]
    assert (
        f["rows_in"]
        == f["rows_kept"] + f["rows_rejected"]
        == next(
            f["rows"] for f in manifest["files"].values() if f["path"] == "incidents_raw_export.csv"
        )
    )


def test_validate_command_prints_the_ledger(sample_dir, capsys):
    from diagnostic_lib.cli import main

    assert (
        main(
            ["validate", "--config", str(sample_dir / "diagnostic_raw_export.toml"), "--lang", "en"]
        )
        == 0
    )
    out = capsys.readouterr().out
    assert (
        "Data-quality ledger" in out
        and "exact duplicate of another row" in out
        and "Balanced" in out
    )


def test_validate_fails_on_a_broken_export_and_names_it(sample_dir, tmp_path, capsys):
    """Exit code 3 when a file rejects more than max_rejected_share (5 %) of its rows or
    keeps none; the first rejected rows are printed; no absolute path is shown."""
    import shutil

    from diagnostic_lib.cli import main
    from diagnostic_lib.cli.cmd_validate import EXIT_DATA_QUALITY

    town = tmp_path / "town"
    shutil.copytree(sample_dir, town)
    inc = town / "incidents.csv"
    lines = inc.read_text(encoding="utf-8").splitlines()
    for i in range(1, len(lines), 10):  # one row in ten: an impossible date
        lines[i] = lines[i].replace(",20", ",31/02/20", 1)
    inc.write_text("\n".join(lines) + "\n", encoding="utf-8")
    rc = main(["validate", "--config", str(town / "diagnostic.toml"), "--lang", "en"])
    out, err = capsys.readouterr()
    assert rc == EXIT_DATA_QUALITY
    assert "FAILED: incidents.csv rejects 10%" in err and "max_rejected_share" in err
    assert "First rejected rows (10):" in out and "unparseable date" in out
    assert str(tmp_path) not in out + err
    # the same file passes with a higher limit set in the config
    cfg = town / "diagnostic.toml"
    cfg.write_text(
        cfg.read_text(encoding="utf-8").replace(
            "[parameters]", "[parameters]\nmax_rejected_share = 0.2"
        ),
        encoding="utf-8",
    )
    assert main(["validate", "--config", str(cfg), "--lang", "fr"]) == 0
    capsys.readouterr()
    # a file that keeps no row fails whatever the limit
    inc.write_text(lines[0] + "\n", encoding="utf-8")
    assert main(["validate", "--config", str(cfg), "--lang", "fr"]) == EXIT_DATA_QUALITY
    assert "ne garde aucune ligne" in capsys.readouterr().err


def test_the_ledger_names_files_relative_to_the_config(diag):
    files = diag.ledger.files["file"].tolist()
    assert "incidents.csv" in files and not any(f.startswith("/") for f in files)


@pytest.mark.parametrize("command", ["report", "monitor", "validate", "sample"])
def test_every_command_has_help(command, capsys):
    from diagnostic_lib.cli import main

    with pytest.raises(SystemExit) as exc:
        main([command, "--help"])
    assert exc.value.code == 0
    assert "--" in capsys.readouterr().out


# ------------------------------------------------------- tunables, notes and errors
def _tunables_case(tmp_path, parameters):
    """A one-sector town; row 2 lies 30 m outside it, row 3 starts 2 hours after NOW."""
    from diagnostic_lib.config import config_from_dict

    sectors_gdf().iloc[:1].to_file(tmp_path / "sectors.geojson", driver="GeoJSON")
    pd.DataFrame(
        {
            "incident_id": ["in", "edge", "soon"],
            "occurred_from": ["2025-06-01 10:00", "2025-06-01 11:00", "2026-01-01 02:00"],
            "category": ["Méfait"] * 3,
            "x": [300000.0, 301030.0, 300000.0],
            "y": [5040000.0] * 3,
        }
    ).to_csv(tmp_path / "incidents.csv", index=False)
    raw = {
        "data": {"sectors": {"path": "sectors.geojson"}, "incidents": {"path": "incidents.csv"}},
        "parameters": parameters,
    }
    cfg = config_from_dict(raw, tmp_path / "diagnostic.toml")
    d = loaders.load_diagnostic(cfg, now=NOW)
    e = d.ledger.entries
    return d.incidents.set_index("incident_id"), dict(zip(e["row"], e["reason"], strict=True))


@pytest.mark.parametrize(
    ("parameters", "kept", "reasons", "edge_sector"),
    [
        ({}, ["in", "edge"], {3: "position_snapped", 4: "date_future"}, "S1"),
        ({"snap_tolerance_m": 10}, ["in"], {3: "position_outside", 4: "date_future"}, None),
        (
            {"snap_tolerance_m": 10, "outside": "flag"},
            ["in", "edge"],
            {3: "position_outside", 4: "date_future"},
            None,
        ),
        ({"future_tolerance_h": 3}, ["in", "edge", "soon"], {3: "position_snapped"}, "S1"),
    ],
)
def test_load_diagnostic_honours_the_loaders_tunables(
    tmp_path, parameters, kept, reasons, edge_sector
):
    inc, reasons_by_row = _tunables_case(tmp_path, parameters)
    assert inc.index.tolist() == kept
    assert reasons_by_row == reasons
    if "edge" in kept:
        edge = inc.loc["edge"]
        if edge_sector is None:  # outside, kept without a position
            assert pd.isna(edge["sector"]) and edge["geometry"] is None
            assert edge["precision"] == "none"
        else:  # snapped to the nearest sector
            assert edge["sector"] == edge_sector and edge["geometry"] is not None


def test_load_incidents_takes_its_defaults_from_the_settings():
    import inspect

    from diagnostic_lib import settings

    params = inspect.signature(loaders.load_incidents).parameters
    assert params["snap_tolerance"].default == settings.default("snap_tolerance_m")
    assert params["outside"].default == settings.default("outside")
    assert params["future_tolerance_h"].default == settings.default("future_tolerance_h")


def test_outside_accepts_what_the_loader_understands():
    from diagnostic_lib import settings
    from diagnostic_lib.errors import ConfigError

    assert settings.validate({"outside": "flag"})["outside"] == "flag"
    with pytest.raises(ConfigError, match="outside"):
        settings.validate({"outside": "keep"})


def test_file_notes_come_from_the_label_catalogue(tmp_path):
    from diagnostic_lib import i18n

    p = tmp_path / "inc.csv"
    p.write_bytes("date;categorie\n2024-05-01;Méfait\n".encode("cp1252"))
    _, led = loaders.load_incidents(p, now=NOW)
    for lang in ("fr", "en"):
        assert led.notes(lang)["note"].tolist() == [
            i18n.t("loaders.note.encoding", lang, encoding="cp1252", sep=";"),
            i18n.t("loaders.note.no_position", lang),
        ]


def test_file_errors_are_written_in_english_then_french(tmp_path):
    with pytest.raises(DataError, match=r"not found: check the path.* / fichier introuvable :"):
        loaders.load_incidents(tmp_path / "nope.csv")
    p = tmp_path / "inc.csv"
    p.write_text("when,what\n2024-01-01,Méfait\n")
    with pytest.raises(DataError) as exc:
        loaders.load_incidents(p)
    english, french = str(exc.value).split(" / ")
    assert "Columns found: ['when', 'what']" in english
    assert "Colonnes trouvées : ['when', 'what']" in french


def test_a_config_section_written_as_a_value_is_a_clear_error():
    from diagnostic_lib.config import config_from_dict

    with pytest.raises(ConfigError, match=r"\[municipality\] must be a table"):
        config_from_dict({"municipality": "Fuzz"})
    with pytest.raises(ConfigError, match=r"\[parameters\] must be a table"):
        config_from_dict({"parameters": 5})


def _sectors_json(sample_dir, transform=None, crs=True):
    import json

    g = json.loads((sample_dir / "sectors.geojson").read_text(encoding="utf-8"))
    if transform is not None:
        s = gpd.read_file(sample_dir / "sectors.geojson")
        s = transform(s)
        g2 = json.loads(s.to_json())
        g2["crs"] = g["crs"]
        g = g2
    if not crs:
        g.pop("crs", None)
    return json.dumps(g)


def test_positions_are_checked_against_the_crs_area_of_use(sample_dir, tmp_path):
    """A file read in the wrong CRS is an error in plain words, not a 0.0035 m² town."""
    p = tmp_path / "s.geojson"
    # metres without a crs member: read as WGS84 by GeoJSON's rule; taken in the analysis CRS
    p.write_text(_sectors_json(sample_dir, crs=False), encoding="utf-8")
    sec, led = loaders.load_sectors(p)
    assert len(sec) == 10 and sec.area.sum() / 1e6 == pytest.approx(29.97, abs=0.01)
    assert "EPSG:32188" in " ".join(led.notes("en")["note"])
    # degrees declared as EPSG:32188
    p.write_text(_sectors_json(sample_dir, lambda s: s.to_crs(4326)), encoding="utf-8")
    with pytest.raises(DataError, match="look like degrees"):
        loaders.load_sectors(p)
    # x and y swapped
    swap = lambda s: s.set_geometry(  # noqa: E731
        [shapely.transform(g, lambda c: c[:, ::-1]) for g in s.geometry], crs=s.crs
    )
    p.write_text(_sectors_json(sample_dir, swap), encoding="utf-8")
    with pytest.raises(DataError, match="x and y look swapped"):
        loaders.load_sectors(p)


@pytest.mark.parametrize("columns", ["xy", "lonlat"])
def test_exchanged_coordinate_columns_are_an_error_that_says_so(columns):
    """Every point valid and every point far away: the columns are exchanged, not the town."""
    from pyproj import Transformer

    sec = sectors_gdf()
    x0, y0, x1, y1 = sec.total_bounds
    rng = np.random.default_rng(3)
    xs, ys = rng.uniform(x0, x1, 30), rng.uniform(y0, y1, 30)
    base = pd.DataFrame({"occurred_from": ["2024-05-01 10:00"] * 30, "category": ["theft"] * 30})
    if columns == "xy":
        good, bad = base.assign(x=xs, y=ys), base.assign(x=ys, y=xs)
        said = "x and y look swapped"
    else:
        lon, lat = Transformer.from_crs(32188, 4326, always_xy=True).transform(xs, ys)
        good, bad = base.assign(lon=lon, lat=lat), base.assign(lon=lat, lat=lon)
        said = "latitude and longitude look swapped"
    inc, led = loaders.load_incidents(good.astype(str), sectors=sec, now=NOW)
    assert len(inc) == 30 and led.entries.empty
    with pytest.raises(DataError, match=f"{said}.* / "):
        loaders.load_incidents(bad.astype(str), sectors=sec, now=NOW)


def test_a_layer_mostly_outside_the_sectors_gets_a_note():
    sec = sectors_gdf()
    x0, y0, x1, y1 = sec.total_bounds
    far = pd.DataFrame(
        {
            "occurred_from": ["2024-05-01 10:00"] * 20,
            "category": ["theft"] * 20,
            "x": np.linspace(x0, x1, 20) + 80_000,  # 80 km east: not a swap, a wrong CRS or file
            "y": np.linspace(y0, y1, 20),
        }
    ).astype(str)
    inc, led = loaders.load_incidents(far, sectors=sec, now=NOW, outside="flag")
    notes = " ".join(led.notes("en")["note"])
    assert "100% of the positions lie outside the sectors' extent" in notes
    assert "100 % des positions sont hors de l'étendue" in " ".join(led.notes("fr")["note"])


def test_measures_and_places_mostly_outside_the_sectors_get_a_note():
    sec = sectors_gdf()
    far = [shapely.Point(400_000 + 10 * k, 5_040_000) for k in range(12)]  # 100 km east
    places = gpd.GeoDataFrame({"kind": ["bar"] * 12}, geometry=far, crs=32188)
    _, led = loaders.load_places(places, sectors=sec)
    assert "100% of the positions lie outside" in " ".join(led.notes("en")["note"])
    _, led = loaders.load_places(places)  # without sectors: nothing to compare with
    assert led.notes("en").empty
    measures = gpd.GeoDataFrame(
        {
            "measure_id": [f"M{k}" for k in range(12)],
            "name": ["x"] * 12,
            "pillar": ["prevention"] * 12,
        },
        geometry=far,
        crs=32188,
    )
    _, led = loaders.load_measures(measures, sectors=sec)
    assert "100% of the positions lie outside" in " ".join(led.notes("en")["note"])
    inside = measures.set_geometry([shapely.Point(300_000, 5_040_000)] * 12, crs=32188)
    _, led = loaders.load_measures(inside, sectors=sec)
    assert led.notes("en").empty


def test_identical_rows_are_kept_unless_an_id_says_they_are_one_record(tmp_path):
    """Blank ids (5,709 anti-social-behaviour rows in one export) are not duplicates of
    one another; the same id twice with the same content is one record exported twice."""
    p = tmp_path / "inc.csv"
    same = "2024-05-01 10:00,theft"
    p.write_text(
        f"incident_id,occurred_from,category\n,{same}\n,{same}\n,{same}\n7,{same}\n7,{same}\n"
    )
    inc, led = loaders.load_incidents(p, now=NOW)
    assert len(inc) == 4 and led.is_balanced()
    got = led.entries.query("reason.str.startswith('duplicate')")[["row", "reason", "action"]]
    assert got.values.tolist() == [
        [3, "duplicate_exact_kept", "flagged"],
        [4, "duplicate_exact_kept", "flagged"],
        [6, "duplicate_exact", "rejected"],
    ]
    inc, _ = loaders.load_incidents(p, now=NOW, duplicates="reject")  # the opt-in
    assert len(inc) == 2
    inc, _ = loaders.load_incidents(p, now=NOW, duplicates="flag")
    assert len(inc) == 5


def test_distinct_ids_are_read_once_and_ids_alike_as_text_still_conflict(tmp_path, monkeypatch):
    """Ids all distinct: no two rows alike, and the kept ids need no second look (one pass
    over 5M ids took 1–3 s). Ids that differ only as written (" 7", "7") are the same id."""
    from diagnostic_lib.loaders import context

    calls = []
    real = context.all_distinct
    monkeypatch.setattr(
        context,
        "all_distinct",
        lambda v, where=None: (
            calls.append(len(v) if where is None else int(where.sum())) or real(v, where=where)
        ),
    )
    p = tmp_path / "inc.csv"
    same = "2024-05-01 10:00,theft"
    p.write_text(f"incident_id,occurred_from,category\n1,{same}\n2,{same}\n3,{same}\n")
    inc, led = loaders.load_incidents(p, now=NOW)
    assert inc["incident_id"].tolist() == ["1", "2", "3"] and led.is_balanced()
    assert not led.entries["reason"].str.startswith("duplicate").any()
    assert calls == [3]  # once, for the duplicates and the ids together
    p.write_text(f'incident_id,occurred_from,category\n" 7",{same}\n7,{same}\n8,{same}\n')
    inc, led = loaders.load_incidents(p, now=NOW)
    assert len(inc) == 3 and led.is_balanced()
    assert inc["incident_id"].tolist() == ["7", "7~2", "8"]
    assert (led.entries["reason"] == "id_conflict").sum() == 2


def test_columns_nothing_reads_are_listed_once_per_file(tmp_path):
    """A measures file's column nothing reads must not pass without a word; 'categorie_visee'
    is now read as the target categories."""
    p = tmp_path / "m.csv"
    p.write_text(
        "measure_id,name,pillar,categorie_visee,cible_bis,budget,zz_export\n"
        "M1,Vigie,prevention,Méfait,x,5,x\n"
    )
    m, led = loaders.load_measures(p)
    assert m["target_categories"].iloc[0] == ("mischief",)
    notes = led.notes("en")["note"].tolist()
    assert (
        "2 column(s) not used (neither recognised nor mapped in [data.<table>.columns]): cible_bis, zz_export."
        in notes
    )
    assert any("cible_bis" in n for n in led.notes("fr")["note"])
    p.write_text("measure_id,name,pillar\nM1,Vigie,prevention\n")
    _, led = loaders.load_measures(p)
    assert not any("not used" in n for n in led.notes("en")["note"])


def test_sectors_written_as_their_number_alone_are_read_as_those_sectors():
    """Held-out: an export wrote "3", "7" where the sectors are S03, S07; 96 % of rows were
    "unknown sector", and a family recorded only by sector read 0 in every sector."""
    sectors, _ = loaders.load_sectors(SAMPLE / "sectors.geojson")
    df = pd.DataFrame(
        {
            "date": ["2024-05-01 10:00"] * 5,
            "category": ["fraud"] * 5,
            "sector": ["3", "07", "S05", "42", ""],
        }
    )
    inc, led = loaders.load_incidents(df, sectors=sectors, now=NOW)
    assert inc["sector"].fillna("").tolist() == ["S03", "S07", "S05", "", ""]
    unknown = led.entries[led.entries["reason"] == "sector_unknown"]
    assert unknown["value"].tolist() == ["42"]
    note = " ".join(led.notes("fr")["note"])
    assert "3 → S03, 07 → S07" in note
    # a number two sectors carry is not guessed
    from diagnostic_lib.loaders.incident_sectors import _map_sector_codes

    got = _map_sector_codes(np.array(["7"], dtype=object), {"PDQ 7", "Zone 7"}, {})
    assert got.tolist() == [""]
