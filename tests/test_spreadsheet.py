"""Spreadsheet safety: no text cell of a written table runs as a formula (CSV injection)."""

from __future__ import annotations

import csv
import dataclasses

import openpyxl
import pandas as pd
import pytest

from diagnostic_lib import inventory, report, spreadsheet, xlsx
from diagnostic_lib.ledger import Ledger
from diagnostic_lib.report.workbook import write_workbook

EVIL = ["=1+1", "+SUM(A1)", "-2+3", "@cmd", "\tx", "\rx", '=HYPERLINK("http://x","y")']


@pytest.mark.parametrize("text", EVIL)
def test_dangerous_text_is_prefixed(text):
    assert spreadsheet.neutralise(text) == "'" + text


@pytest.mark.parametrize(
    "value", ["Parc", "", "a=b", 3, -2.5, None, "'=already", "-3,50", "-20\u00a0%", "+1 234.5"]
)
def test_safe_values_are_left_alone(value):
    assert spreadsheet.neutralise(value) == value


def test_safe_frame_keeps_numbers_index_and_missing_values():
    t = pd.DataFrame(
        {"name": ["=1", None, "Nord"], "n": [-1, 2, 3], "cat": pd.Categorical(["-x", "y", "y"])},
        index=[10, 11, 12],
    )
    out = spreadsheet.safe_frame(t.rename(columns={"n": "-n"}))
    assert out.index.tolist() == [10, 11, 12]
    assert out["name"].tolist()[0] == "'=1" and pd.isna(out["name"].iloc[1])
    assert out["'-n"].tolist() == [-1, 2, 3] and out["'-n"].dtype == t["n"].dtype
    assert out["cat"].tolist() == ["'-x", "y", "y"]
    assert t["name"].iloc[0] == "=1"  # the input is not changed


def _cells(path):
    wb = openpyxl.load_workbook(path)
    for ws in wb.worksheets:
        for row in ws.iter_rows():
            yield from row


def _assert_no_formula(paths_xlsx, paths_csv):
    for p in paths_xlsx:
        for c in _cells(p):
            assert c.data_type != "f", (p.name, c.coordinate, c.value)
            if isinstance(c.value, str):
                assert not c.value.startswith(spreadsheet.FORMULA_PREFIXES), (p.name, c.value)
    for p in paths_csv:
        with open(p, encoding="utf-8-sig", newline="") as f:
            for row in csv.reader(f):
                for v in row:
                    assert not v.startswith(spreadsheet.FORMULA_PREFIXES), (p.name, v)


def test_suppressed_cells_are_empty_numbers_with_a_marker_column(tmp_path):
    """Sorting and sums work on a public sheet: '< 5' is an empty cell, named by the marker."""
    t = pd.DataFrame(
        {
            "sector": ["A", "B", "C", "Total"],
            "count": ["< 5", 12, "< 5", 40],
            "rate": ["< 5", 2.5, "< 5", 3.0],
            "note": ["x", "y", "z", "w"],
        }
    )
    p = write_workbook({"t": t}, tmp_path / "t.xlsx", lang="fr")
    back = xlsx.read_coded(p)["t"]  # under the code names, through the dictionary sheet
    assert pd.api.types.is_float_dtype(back["count"]) and back["count"].sum() == 52
    assert back.sort_values("count")["sector"].tolist()[:2] == ["B", "Total"]
    marker = back[spreadsheet.SUPPRESSED_COLUMN].fillna("").tolist()
    assert marker == ["count; rate (< 5)", "", "count; rate (< 5)", ""]
    assert back["note"].tolist() == ["x", "y", "z", "w"]
    # a table without suppressed cells is written as it is (no marker column)
    clean = spreadsheet.suppressed_as_empty(t.iloc[[1, 3]])
    assert list(clean.columns) == list(t.columns)
    # a text column that happens to hold a marker keeps its other text
    mixed = spreadsheet.suppressed_as_empty(pd.DataFrame({"k": ["< 5", "n/a", 3]}))
    assert mixed["k"].tolist()[1:] == ["n/a", 3] and pd.isna(mixed["k"].iloc[0])
    # the reader sees the marker column and the columns it names under their headers
    shown = pd.read_excel(p, sheet_name="T")
    assert (
        shown["Cellules masquées"].fillna("").tolist()[0]
        == "Nombre; Taux pour 1 000 habitants (< 5)"
    )
    assert pd.api.types.is_float_dtype(shown["Nombre"]) and shown["Nombre"].sum() == 52


def test_workbook_writes_no_formula(tmp_path):
    t = pd.DataFrame({"name": EVIL, "n": range(len(EVIL))})
    big = pd.concat([t, t])  # longer than max_rows: written to CSV beside the workbook
    p = write_workbook({"t": t, "big": big}, tmp_path / "t.xlsx", max_rows=len(t))
    _assert_no_formula([p], [tmp_path / "t-big.csv"])
    # the text is kept, readable, after the apostrophe
    got = xlsx.read_coded(p)["t"]["name"].tolist()
    assert [v.replace("\n", "\r") for v in got] == ["'" + e for e in EVIL]  # xlsx stores \r as \n


def test_ledger_csv_quotes_raw_values_as_text(tmp_path):
    led = Ledger()
    led.register("incidents", "=evil.csv", 2)
    led.add("incidents", "=evil.csv", [2], "category", "category_unknown", "flagged", ["=1+1"])
    p = led.to_csv(tmp_path / "ledger.csv", lang="en")
    _assert_no_formula([], [p])
    assert "'=1+1" in p.read_text(encoding="utf-8-sig")


def test_a_diagnosis_with_formula_names_writes_no_formula(diag, tmp_path):
    """Sector, measure, partner and category names typed as formulas: every spreadsheet of the
    internal report (tables, plan, ledger) holds them as text."""
    ids = diag.sectors["sector_id"]
    sectors = diag.sectors.assign(
        name=[f'=HYPERLINK("http://x","{s}")<script>alert(1)</script>' for s in ids]
    )
    measures = diag.measures.assign(
        name="+SUM(A1)", name_en="@SUM(A1)", partners=[("=cmd|' /C calc'!A0",)] * len(diag.measures)
    )
    taxonomy = diag.taxonomy.assign(label_fr="-" + diag.taxonomy["label_fr"], label_en="=x")
    d = dataclasses.replace(diag, sectors=sectors, measures=measures, taxonomy=taxonomy)
    inv = inventory.run(d, permutations=9)
    path = report.write_report(d, inv, out=tmp_path, lang="fr", audience="internal")
    xlsx = sorted(path.parent.glob("*.xlsx"))
    assert {p.name for p in xlsx} >= {"tables.xlsx", "plan.xlsx"}
    _assert_no_formula(xlsx, [path.parent / "ledger.csv", *path.parent.glob("tables-*.csv")])
    sheets = pd.read_excel(path.parent / "tables.xlsx", sheet_name=None)
    text = " ".join(str(v) for df in sheets.values() for v in df.astype(str).to_numpy().ravel())
    assert "'=HYPERLINK" in text  # the names are there, as text
    page = path.read_text(encoding="utf-8")
    assert "<script>alert(1)" not in page and "&lt;script&gt;alert(1)" in page  # HTML escaped


def _reference(s: pd.Series) -> pd.Series:
    """What safe_frame did cell by cell before it looked at distinct values."""
    s = s.astype(object) if isinstance(s.dtype, pd.CategoricalDtype) else s
    return s.map(spreadsheet.neutralise, na_action="ignore")


@pytest.mark.parametrize(
    "column",
    [
        pd.Series(["=A1", "Nord", "=A1", None, "-3,50", "Nord"], dtype=object),
        pd.Series(["=A1", "Nord", None, "=A1"], dtype="str"),
        pd.Series(["=A1", "Nord", pd.NA, "=A1"], dtype="string"),
        pd.Series(["Parc", "Nord", "Parc"], dtype=object),  # nothing to change: still `str`
        pd.Series(["=a", "b", "=a"], dtype="category"),
        pd.Series([None, None], dtype=object),  # all missing: object, as map keeps it
        pd.Series([float("nan")] * 3, dtype=object),  # all missing: float, as map infers
        pd.Series([pd.NA, pd.NA], dtype="string"),
        pd.Series([1, True, "1", "=1", 1.0], dtype=object),  # never taken for one another
        pd.Series([True, False, True], dtype=object),  # map infers bool
        pd.Series([1, 2, 3], dtype=object),  # map infers int64
        pd.Series([("=a", "b"), None, "=a"], dtype=object),  # tuples of text stay tuples
        pd.Series([], dtype=object),
    ],
)
def test_safe_frame_per_distinct_value_is_the_cell_by_cell_result(column):
    """Neutralising each distinct text once gives the same values and the same dtype as one
    call per cell, including columns of missing cells only and values a cache could merge."""
    frame = pd.DataFrame({"c": column})
    got = spreadsheet.safe_frame(frame)["c"]
    pd.testing.assert_series_equal(got, _reference(column), check_names=False)


def test_safe_frame_neutralises_every_repeat_of_a_distinct_value():
    s = pd.Series(["=A1", "Nord"] * 500 + [None], dtype=object)
    got = spreadsheet.safe_frame(pd.DataFrame({"c": s}))["c"]
    assert (got.iloc[:-1:2] == "'=A1").all() and (got.iloc[1:-1:2] == "Nord").all()
    assert pd.isna(got.iloc[-1]) and str(got.dtype) == "str"
