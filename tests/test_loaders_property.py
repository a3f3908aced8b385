"""Property-based tests: on any messy CSV, loaders raise DataError or balance their ledger."""

from __future__ import annotations

import os
import re
import shutil
import tempfile
from pathlib import Path

import numpy as np
import pandas as pd
import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from diagnostic_lib import loaders
from diagnostic_lib.errors import DataError
from diagnostic_lib.loaders import incidents as incidents_mod

from .conftest import NOW, SAMPLE

FUZZ = int(os.environ.get("DIAGNOSTIC_FUZZ_EXAMPLES", "0") or 0)
"""``make fuzz`` sets it (more examples, a new seed each run); the test suite uses a fixed seed."""


SMALL_CHUNK = 3
"""Rows per chunk of the incidents loader in this module: every fuzzed file spans chunks."""


@pytest.fixture(autouse=True, scope="module")
def _small_chunks():
    """The fuzzed incidents files are validated in chunks of :data:`SMALL_CHUNK` rows."""
    before = incidents_mod.CHUNK_ROWS
    incidents_mod.CHUNK_ROWS = SMALL_CHUNK
    yield
    incidents_mod.CHUNK_ROWS = before


def examples(default: int) -> settings:
    """Hypothesis settings: ``default`` examples and a fixed seed, or ``FUZZ`` random ones."""
    return settings(
        max_examples=FUZZ or default,
        derandomize=not FUZZ,
        deadline=None,
        suppress_health_check=[HealthCheck.too_slow],
    )


HEADERS = [
    "id",
    "date",
    "categorie",
    "category",
    "occurred_from",
    "occurred_to",
    "heure",
    "quart",
    "shift",
    "secteur",
    "sector",
    "x",
    "y",
    "lat",
    "lon",
    "LATITUDE",
    "LONGITUDE",
    "wkt",
    "precision",
    "sector_id",
    "name",
    "nom",
    "population",
    "pilier",
    "pillar",
    "measure_id",
    "partner_id",
    "expertise",
    "concerns",
    "safety_day",
    "weight",
    "start",
    "end",
    "footprint",
    "junk",
    "",
]
CELLS = st.one_of(
    st.sampled_from(
        [
            "",
            " ",
            "2024-05-01",
            "2024-05-01 22:10",
            "31/02/2024",
            "01/05/2024",
            "2099-01-01",
            "22:15",
            "2215",
            "Méfait",
            "Introduction",
            "Vol",
            "??",
            "jour",
            "nuit",
            "soir",
            "S1",
            "S2",
            "0",
            "1",
            "1,0",
            "1.0",
            "300000,5",
            "5040000",
            "-73.5",
            "45.5",
            "POINT (300000 5040000)",
            "POINT (",
            "POLYGON ((0 0, 1 1, 1 0, 0 1, 0 0))",
            "prevention",
            "Rapprochement",
            "P1;P2",
            "nan",
            "NULL",
            "NaT",
            "inf",
            "1e400",
            '"',
            '""',
            "a\nb",
            "é;è",
            "toute la ville",
            "exact",
            "none",
            "-1",
            "6",
            "\x00",
            "\ufeff",
        ]
    ),
    st.text(max_size=12),
    st.integers(-(10**12), 10**12).map(str),
    st.floats(allow_nan=True, allow_infinity=True).map(str),
)


@st.composite
def messy_csv(draw) -> bytes:
    sep = draw(st.sampled_from([",", ";", "\t", "|"]))
    ncol = draw(st.integers(1, 8))
    header = draw(st.lists(st.sampled_from(HEADERS), min_size=ncol, max_size=ncol))
    nrow = draw(st.integers(0, 12))
    lines = [sep.join(header)]
    for _ in range(nrow):
        width = draw(st.integers(0, ncol + 2))
        cells = draw(st.lists(CELLS, min_size=width, max_size=width))
        quote = draw(st.booleans())
        if quote:
            cells = ['"' + c.replace('"', '""') + '"' for c in cells]
        lines.append(sep.join(cells))
    text = "\n".join(lines) + draw(st.sampled_from(["", "\n", "\n\n", "\r\n"]))
    enc = draw(st.sampled_from(["utf-8", "utf-8-sig", "cp1252", "latin-1"]))
    return text.encode(enc, errors="replace")


def _check(loaded, header: list[str] | None = None) -> None:
    data, ledger = loaded
    f = ledger.files
    assert len(f) == 1
    rec = f.iloc[0]
    assert rec.rows_in == rec.rows_kept + rec.rows_rejected
    assert rec.rows_kept == len(data)
    assert ledger.is_balanced()
    e = ledger.entries
    if len(e):
        assert e["row"].between(1, 10**9).all()
        assert e["reason"].str.len().gt(0).all()
        if header is not None:  # an entry that names a column names one of the file's
            named = {str(c) for c in e["column"].dropna() if c != ""}
            known = {h.strip() for h in header} | {"geometry", "wkt"}
            # repeated names are read as "x.1", empty ones as "Unnamed: 3"
            named = {re.sub(r"\.\d+$", "", c) for c in named if not c.startswith("Unnamed: ")}
            assert named <= known, named


LOADERS = {
    "incidents": lambda p: loaders.load_incidents(p, now=NOW),
    "sectors": lambda p: loaders.load_sectors(p),
    "measures": lambda p: loaders.load_measures(p),
    "survey": lambda p: loaders.load_survey(p),
    "partners": lambda p: loaders.load_partners(p),
    "places": lambda p: loaders.load_places(p),
    "walks": lambda p: loaders.load_walks(p),
}


def physical_rows(data: bytes) -> int | None:
    """Data lines of a CSV counted without a CSV parser (``None`` when quotes may span lines).

    Every line after the header is a record, blank ones included (they are rejected as
    empty rows); the line end that closes the last line does not open another.
    """
    if b'"' in data:
        return None
    lines = data.replace(b"\r\n", b"\n").split(b"\n")
    if lines and lines[-1] == b"":
        lines.pop()
    return max(len(lines) - 1, 0)


def _header(data: bytes) -> list[str] | None:
    """The header's names when they can be told without a CSV parser (no quotes)."""
    first = data.split(b"\n", 1)[0].rstrip(b"\r")
    if b'"' in first:
        return None
    text = first.decode("utf-8", errors="replace").lstrip("\ufeff")
    for sep in (",", ";", "\t", "|"):
        if sep in text:
            return text.split(sep)
    return [text]


@examples(300)
@given(data=messy_csv(), which=st.sampled_from(sorted(LOADERS)))
def test_only_data_error_escapes_and_rows_balance(data, which):
    with tempfile.TemporaryDirectory() as d:
        p = Path(d) / "messy.csv"
        p.write_bytes(data)
        try:
            loaded = LOADERS[which](p)
        except DataError as exc:
            assert "messy.csv" in str(exc)  # the error names the file
            return
        _check(loaded, _header(data))
        expected = physical_rows(data)
        if expected is not None:  # rows_in measured against an independent count
            assert loaded[1].files.iloc[0]["rows_in"] == expected


def _incidents_with_chunks(path: Path, size: int):
    """``load_incidents`` of ``path`` in chunks of ``size`` rows: the result or the error's text."""
    incidents_mod.CHUNK_ROWS = size
    try:
        return loaders.load_incidents(path, now=NOW)
    except DataError as exc:
        return str(exc)
    finally:
        incidents_mod.CHUNK_ROWS = SMALL_CHUNK


@examples(150)
@given(data=messy_csv())
def test_incidents_in_chunks_equal_one_pass(data):
    """Chunks of 1 and 3 rows give the table and ledger (or the error) of one pass."""
    with tempfile.TemporaryDirectory() as d:
        p = Path(d) / "messy.csv"
        p.write_bytes(data)
        one = _incidents_with_chunks(p, 10**9)
        for size in (1, SMALL_CHUNK):
            got = _incidents_with_chunks(p, size)
            if isinstance(one, str):
                assert got == one
                continue
            assert not isinstance(got, str), got
            pd.testing.assert_frame_equal(got.data, one.data)
            pd.testing.assert_frame_equal(got.ledger.entries, one.ledger.entries)
            pd.testing.assert_frame_equal(got.ledger.files, one.ledger.files)
            pd.testing.assert_frame_equal(got.ledger.notes("en"), one.ledger.notes("en"))


@examples(60)
@given(
    rows=st.lists(
        st.tuples(
            st.sampled_from(["2024-05-01 10:00", "01/05/2024", "bad", "", "2099-01-01"]),
            st.sampled_from(["Méfait", "Vol", "??", ""]),
            st.sampled_from(["300100", "0", "", "abc", "400000"]),
        ),
        max_size=30,
    ),
    dup=st.integers(0, 5),
)
def test_incident_rows_are_all_accounted_for(rows, dup):
    df = pd.DataFrame(rows, columns=["date", "categorie", "x"]).assign(y="5040100")
    df = pd.concat([df, df.head(dup)], ignore_index=True)
    import geopandas as gpd
    import shapely

    sectors = gpd.GeoDataFrame(
        {"sector_id": ["S1"]}, geometry=[shapely.box(299000, 5039000, 301000, 5041000)], crs=32188
    )
    inc, led = loaders.load_incidents(df, sectors=sectors, now=NOW, duplicates="reject")
    _check((inc, led))
    # every rejected row has a reason; every kept row is in the table once
    rejected = set(led.rejected_rows("incidents", "<incidents DataFrame>"))
    assert set(inc["source_row"]) == set(np.arange(1, len(df) + 1)) - rejected


@examples(25)
@given(data=messy_csv())
def test_the_validate_command_never_raises_on_a_messy_export(data):
    """The CLI on a messy incidents export: exit 0, 2 (unusable file) or 3 (too many
    rejections), a message and never a traceback."""
    from diagnostic_lib.cli import main

    with tempfile.TemporaryDirectory() as d:
        town = Path(d)
        shutil.copy(SAMPLE / "sectors.geojson", town / "sectors.geojson")
        (town / "incidents.csv").write_bytes(data)
        (town / "diagnostic.toml").write_text(
            '[municipality]\nname = "Fuzz"\n[data.sectors]\npath = "sectors.geojson"\n'
            '[data.incidents]\npath = "incidents.csv"\n',
            encoding="utf-8",
        )
        assert main(["validate", "--config", str(town / "diagnostic.toml")]) in (0, 2, 3)


XLSX_CELLS = st.one_of(
    st.none(),
    CELLS,
    st.integers(-(10**6), 10**6),
    st.floats(allow_nan=False, allow_infinity=False, width=32),
    st.sampled_from(["=A2", '=A2&"x"', "=1/0", "=SUM(B2:B3)"]),
    st.datetimes(
        min_value=pd.Timestamp("1990-01-01").to_pydatetime(),
        max_value=pd.Timestamp("2030-01-01").to_pydatetime(),
    ),
)


@examples(40)
@given(
    header=st.lists(st.sampled_from(HEADERS), min_size=1, max_size=6),
    rows=st.lists(st.lists(XLSX_CELLS, max_size=7), max_size=10),
    which=st.sampled_from(["incidents", "measures", "survey", "partners"]),
)
def test_a_messy_workbook_gives_data_error_or_every_row_accounted_for(header, rows, which):
    """Workbooks with formulas (no stored values), dates, blanks and ragged rows: every
    row up to the last non-empty one is counted, kept or rejected."""
    import openpyxl

    wb = openpyxl.Workbook()
    ws = wb.active
    ws.append(header)
    from openpyxl.cell.cell import ILLEGAL_CHARACTERS_RE

    # control characters cannot be written to a workbook at all: not an input we can get
    clean = [
        [ILLEGAL_CHARACTERS_RE.sub("", v) if isinstance(v, str) else v for v in r] for r in rows
    ]
    for r in clean:
        ws.append(r)
    with tempfile.TemporaryDirectory() as d:
        p = Path(d) / "messy.xlsx"
        wb.save(p)
        try:
            loaded = LOADERS[which](p)
        except DataError as exc:
            assert "messy.xlsx" in str(exc)
            return
        _check(loaded, [str(h) for h in header])

        def blank(v):
            return v is None or (isinstance(v, str) and not v.strip())

        filled = [i for i, r in enumerate(clean) if not all(blank(v) for v in r)]
        assert loaded[1].files.iloc[0]["rows_in"] == (filled[-1] + 1 if filled else 0)
