"""Workbooks people can use (diagnostic_lib.xlsx): kinds and formats, sheet names, headers,
one language, words for codes, contents links, dictionary and reading back by code."""

from __future__ import annotations

import numpy as np
import openpyxl
import pandas as pd
import pytest

from diagnostic_lib import i18n, spreadsheet, xlsx


@pytest.mark.parametrize(
    ("values", "name", "kind"),
    [
        ([97.91666666666667, 88.3], "rate", "decimal2"),
        ([197.9, 88.3], "rate", "decimal1"),
        ([2400.0, 2900.0], "population", "integer"),
        (pd.array([3, None], dtype="Int64"), "count", "integer"),
        ([2022, 2023], "period", "year"),
        ([0.12, 0.9], "weekend_share", "percent"),
        ([0.2, 0.3], "concern_drugs_low", "percent"),
        ([3, 5], "concern_rank", "integer"),
        ([0.1, 0.2], "expected_reduction", "percent"),
        ([1e-29, 0.5], "q_baseline", "probability"),
        ([0.5], "trend_p", "probability"),
        ([1.29, np.nan, np.inf], "ratio", "decimal2"),
        (["S01", "S02"], "sector", "text"),
        ([True, False], "gap", "text"),
        (pd.to_datetime(["2024-01-31", "2024-02-01"]), "start", "date"),
        (pd.to_datetime(["2024-01-31 22:56"]), "first", "datetime"),
    ],
)
def test_a_column_kind_sets_its_number_format(values, name, kind):
    assert xlsx.column_kind(pd.Series(values), name) == kind
    assert kind in xlsx.NUMBER_FORMATS


def test_sheet_names_are_valid_unique_and_short():
    taken: set[str] = set()
    for text in ["Taux : secteur/famille [2024]?", "Taux : secteur/famille [2024]?", "x" * 40]:
        name = xlsx.sheet_name(text, taken)
        assert len(name) <= 31 and not set("[]:*?/\\") & set(name) and name not in taken
        taken.add(name)
    assert len(taken) == 3


def test_every_sheet_has_a_name_and_a_description_of_at_most_31_characters():
    sheets = [k for k in i18n.LABELS if k.startswith("wb.sheet.")]
    assert len(sheets) > 30
    for key in sheets:
        assert f"wb.about.{key[9:]}" in i18n.LABELS or key[9:] in ("contents", "dictionary")
        for lang in i18n.LANGS:
            name = i18n.t(key, lang)
            assert xlsx.sheet_name(name) == name and len(name) <= 31, name


def _table() -> pd.DataFrame:
    return pd.DataFrame(
        {
            "sector": ["*", "S01", "S02"],
            "family": ["violent", "fraud_cyber", "property"],
            "title_fr": ["Bris", "", "Vol"],
            "title_en": ["Break-in", "Fraud", None],
            "status": ["ranked", "too_few", "ranked"],
            "status_fr": ["classé", "trop peu", "classé"],
            "status_en": ["ranked", "too few", "ranked"],
            "pillars": [("prevention", "partenariat"), (), ("resolution",)],
            "gap": [True, False, True],
            "underpowered": [True, "< 5", False],
            "count": [40, "< 5", 12],
            "rate": [97.91666, "< 5", 12.5],
            "weekend_share": [0.5, 0.25, np.nan],
            "mde_df": [np.inf, 11.0, 3.0],
            "deadline": ["2027-02-01", "2027-03-01", None],
            "note": ["=1+1", "", None],
        }
    )


@pytest.mark.parametrize("lang", ["fr", "en"])
def test_a_table_is_written_in_one_language_with_words_formats_and_a_dictionary(tmp_path, lang):
    p = xlsx.write_readable({"priority": _table()}, tmp_path / "t.xlsx", lang=lang)
    wb = openpyxl.load_workbook(p)
    name = i18n.t("wb.sheet.priority", lang)
    assert wb.sheetnames == [
        i18n.t("wb.sheet.contents", lang),
        name,
        i18n.t("wb.sheet.dictionary", lang),
    ]
    ws = wb[name]
    heads = [c.value for c in ws[1]]
    h = {code: xlsx.header("priority", code, lang) for code in ("family", "title", "gap", "rate")}
    assert heads[:3] == [xlsx.header("priority", "sector", lang), h["family"], h["title"]]
    assert ws.freeze_panes == "A2" and ws.auto_filter.ref == ws.dimensions
    shown = pd.read_excel(p, sheet_name=name)
    # one language: the other language's column is gone; an empty translation falls back
    if lang == "fr":
        assert shown[h["title"]].tolist() == ["Bris", "Fraud", "Vol"]
    else:
        assert shown[h["title"]].tolist() == ["Break-in", "Fraud", "Vol"]
    assert shown.shape[1] == 14  # 16 columns - 2 of the other language - 2 words columns + marker
    # words for codes, booleans, the municipal total; words columns replace their codes
    assert shown[h["family"]].tolist()[0] == i18n.t("family.violent", lang)
    assert shown[h["gap"]].tolist() == [
        i18n.t("wb.v.bool.true", lang),
        *[i18n.t(f"wb.v.bool.{b}", lang) for b in ("false", "true")],
    ]
    assert shown.iloc[0, 0] == i18n.t("wb.v.sector.*", lang)
    assert shown[xlsx.header("priority", "status", lang)].tolist()[1] == (
        "trop peu" if lang == "fr" else "too few"
    )
    # numbers stay numbers, formatted; suppressed cells empty and named by their header
    col = {c.value: c.column for c in ws[1]}
    assert ws.cell(row=2, column=col[h["rate"]]).number_format == "#,##0.00"
    assert ws.cell(row=2, column=col[h["rate"]]).value == pytest.approx(97.91666)
    share = col[xlsx.header("priority", "weekend_share", lang)]
    assert ws.cell(row=2, column=share).number_format == "0.0%"
    assert ws.cell(row=2, column=col[xlsx.header("priority", "mde_df", lang)]).value is None
    date = ws.cell(row=2, column=col[xlsx.header("priority", "deadline", lang)])
    assert date.number_format == "yyyy-mm-dd" and date.value.year == 2027
    marker = ws.cell(row=3, column=col[xlsx.header("priority", "suppressed_cells", lang)]).value
    under = xlsx.header("priority", "underpowered", lang)
    assert marker == f"{under}; {xlsx.header('priority', 'count', lang)}; {h['rate']} (< 5)"
    assert ws.cell(row=3, column=col[h["rate"]]).value is None
    note = ws.cell(row=2, column=col[xlsx.header("priority", "note", lang)])
    assert note.value == "'=1+1" and note.data_type != "f"
    # read back by code name through the dictionary
    back = xlsx.read_coded(p)["priority"]
    assert back["family"].tolist() == ["violent", "fraud_cyber", "property"]
    assert back["sector"].tolist()[0] == "*" and back["gap"].tolist() == [True, False, True]
    assert back["status"].tolist() == ["ranked", "too_few", "ranked"]
    assert back["pillars"].tolist()[0] == "prevention;partenariat"
    assert back["underpowered"].tolist()[::2] == [True, False]  # a suppressed yes/no: empty
    assert pd.isna(back["underpowered"].iloc[1])
    assert back[xlsx.SUPPRESSED_COLUMN].tolist()[1] == "underpowered; count; rate (< 5)"
    assert f"title_{lang}" in back.columns


def test_contents_links_every_sheet_and_long_tables_go_to_csv(tmp_path):
    tables = {
        "hot_spots": pd.DataFrame({"gi_z": [2.5, 3.1]}),
        "knox": pd.DataFrame({"x": [1]}),
        "action_plan": pd.DataFrame({"plan_id": ["A01"] * 5}),
    }
    p = xlsx.write_readable(tables, tmp_path / "t.xlsx", lang="fr", max_rows=3)
    wb = openpyxl.load_workbook(p)
    contents = wb.worksheets[0]
    targets = [r[0].hyperlink.location for r in contents.iter_rows(min_row=2)]
    assert targets == [f"'{n.replace(chr(39), chr(39) * 2)}'!A1" for n in wb.sheetnames]
    assert "Plan d'action" in wb.sheetnames
    csv = pd.read_csv(tmp_path / "t-action_plan.csv", encoding="utf-8-sig")
    assert csv.columns.tolist() == ["Action"] and len(csv) == 5
    pointer = pd.read_excel(p, sheet_name="Plan d'action")
    assert pointer.iloc[0, 0] == "t-action_plan.csv" and pointer.iloc[0, 1] == 5
    rows = pd.read_excel(p, sheet_name="Sommaire").set_index("Feuille")["Lignes"]
    assert rows["Plan d'action"] == 5 and rows["Points chauds"] == 2


def test_write_csv_reads_back_as_pandas_own_csv(tmp_path):
    """The long tables' CSV (pyarrow's writer) holds what pandas would have written."""
    t = pd.DataFrame(
        {
            "Texte": ['a, "b"', "é\nà", None, "=1+1", ""],
            "Taux": [1.25, float("nan"), -0.5, 1e-7, 3.5],
            "n": [1, 2, 3, 4, 5],
            "Nb": pd.array([1, None, 3, 4, 5], dtype="Int64"),
            "ok": [True, False, True, True, False],
        }
    )
    ours, theirs = tmp_path / "ours.csv", tmp_path / "theirs.csv"
    xlsx.write_csv(t, ours)
    t.to_csv(theirs, index=False, encoding="utf-8-sig")
    assert ours.read_bytes()[:3] == b"\xef\xbb\xbf"
    pd.testing.assert_frame_equal(pd.read_csv(ours), pd.read_csv(theirs))
    assert xlsx._arrow_table(t) is not None  # written by pyarrow, not by the fallback
    # a column pyarrow cannot take as it is (tuples, mixed values): pandas writes it
    mixed = t.assign(Texte=[("a", "b"), 1, None, "x", 2.5])
    assert xlsx._arrow_table(mixed) is None
    xlsx.write_csv(mixed, ours)
    mixed.to_csv(theirs, index=False, encoding="utf-8-sig")
    assert ours.read_bytes() == theirs.read_bytes()


def test_readable_frame_groups_text_only_never_numbers_and_booleans():
    # 1, True and "1" are equal as keys: a column holding them is worded cell by cell,
    # while a column of text and tuples of text is worded once per distinct value
    t = pd.DataFrame(
        {
            "note": pd.Series([1, True, "1", ("a", "b"), None], dtype=object),
            "family": pd.Series(
                [("violent", "property"), "violent", None, "violent", "violent"], dtype=object
            ),
        }
    )
    shown = xlsx.readable_frame(t, "x", "en")[0]
    assert shown.iloc[:, 0].tolist()[:4] == [1, True, "1", "a; b"]
    assert type(shown.iloc[1, 0]) is bool and type(shown.iloc[0, 0]) is int
    fam = shown.iloc[:, 1].tolist()
    assert fam[0] == "Violent crime; Property crime" and fam[1] == fam[3] == "Violent crime"
    assert pd.isna(fam[2])


def test_suppressed_cells_found_once_per_distinct_text():
    t = pd.DataFrame(
        {
            "n": pd.Series(["< 5", 12, "< 5", "x", 30], dtype=object),
            "name": ["< 5 ans", "x", "Nord", "x", "Sud"],  # text, not suppressed
        }
    )
    out = spreadsheet.suppressed_as_empty(t)
    assert out["n"].isna().tolist() == [True, False, True, True, False]
    assert out["name"].tolist() == t["name"].tolist()
    assert out[spreadsheet.SUPPRESSED_COLUMN].tolist() == ["n (< 5)", "", "n (< 5)", "n (x)", ""]


@pytest.mark.parametrize("lang", ["fr", "en"])
def test_a_cell_longer_than_a_spreadsheet_holds_is_cut_and_says_so(tmp_path, lang):
    """A spreadsheet keeps 32,767 UTF-16 units a cell and cuts the rest silently: the
    workbook cuts it itself, and the cell says how many characters were left out."""
    from diagnostic_lib import formatting as fmt

    long_ids = "; ".join(f"PB-{k:06d}" for k in range(4_000))  # 43,998 characters
    wide = "😀" * 20_000  # 40,000 UTF-16 units in 20,000 characters
    exact = "y" * xlsx.CELL_MAX  # holds: kept whole
    t = pd.DataFrame({"note": [long_ids, wide, exact, "court"]})
    p = xlsx.write_readable({"t": t}, tmp_path / "t.xlsx", lang=lang)
    ws = openpyxl.load_workbook(p)[openpyxl.load_workbook(p).sheetnames[1]]
    cells = [ws.cell(row=r, column=1).value for r in range(2, 6)]
    for written, text in zip(cells[:2], (long_ids, wide), strict=True):
        assert len(written.encode("utf-16-le")) // 2 <= xlsx.CELL_MAX
        at = written.rfind("…")
        start = written[:at]
        assert text.startswith(start) and len(start) > 16_000
        left = fmt.integer(len(text) - len(start), lang)
        assert written[at:] == i18n.t("wb.cut", lang, n=left)
    assert cells[2:] == [exact, "court"]
