"""The diagnosis report: contents, languages, and confidentiality of the public version."""

from __future__ import annotations

import re
from pathlib import Path

import pandas as pd
import pytest

from diagnostic_lib import report, strategy

from .conftest import NOW, SAMPLE

THRESHOLD = 5


def read_tables(path: Path) -> list[pd.DataFrame]:
    """The HTML tables of a report (standard library parser; no lxml needed)."""
    from html.parser import HTMLParser

    class P(HTMLParser):
        def __init__(self):
            super().__init__()
            self.tables, self.row, self.cell, self.in_cell = [], None, "", False

        def handle_starttag(self, tag, attrs):
            if tag == "table":
                self.tables.append([])
            elif tag == "tr":
                self.row = []
            elif tag in ("td", "th"):
                self.in_cell, self.cell = True, ""

        def handle_endtag(self, tag):
            if tag in ("td", "th"):
                self.row.append(self.cell.strip())
                self.in_cell = False
            elif tag == "tr" and self.tables:
                self.tables[-1].append(self.row)

        def handle_data(self, data):
            if self.in_cell:
                self.cell += data

    p = P()
    p.feed(path.read_text(encoding="utf-8"))
    out = []
    for rows in p.tables:
        if rows:
            out.append(
                pd.DataFrame(rows[1:], columns=rows[0])
                if all(len(r) == len(rows[0]) for r in rows[1:])
                else pd.DataFrame()
            )
    return out


COORD = re.compile(
    r"\b(2[0-9]{5}|50[0-9]{5})\.[0-9]+\b|-7[0-9]\.[0-9]{4,}"
)  # MTM8 x/y, or a longitude


@pytest.fixture(scope="module")
def reports(tmp_path_factory):
    out = {}
    for lang, audience in (("fr", "internal"), ("en", "public")):
        d = tmp_path_factory.mktemp(f"report_{lang}_{audience}")
        out[(lang, audience)] = report.build_report(SAMPLE / "diagnostic.toml", d, lang=lang, audience=audience,
                                                    notebooks=False, progress=False, now=NOW)  # fmt: skip
    return out


def _text(path: Path) -> str:
    import html

    return html.unescape(path.read_text(encoding="utf-8"))


def test_internal_french_report_has_every_section(reports):
    html = _text(reports[("fr", "internal")])
    for heading in ("Sommaire exécutif", "Étape 1", "Étape 2", "Étape 3", "Étape 4", "Plan d'action",
                    "Notes méthodologiques", "Registre de qualité des données"):  # fmt: skip
        assert heading in html, heading
    assert html.count("data:image/png;base64,") >= 6  # maps and charts embedded
    assert "https://" not in html and "<script src" not in html  # self-contained
    out = reports[("fr", "internal")].parent
    for f in ("tables.xlsx", "plan.json", "plan.xlsx", "problems.toml", "ledger.csv"):
        assert (out / f).exists(), f
    assert "ce n'est pas l'IGC" in html


def test_english_report_is_in_english(reports):
    html = _text(reports[("en", "public")])
    assert "Executive summary" in html and "Step 4" in html and "Sommaire exécutif" not in html


def test_public_report_has_no_points_no_coordinates_no_small_counts(reports):
    path = reports[("en", "public")]
    html = _text(path)
    assert not re.search(r"(POINT|POLYGON|LINESTRING)\s*\(", html, flags=re.I), (
        "WKT geometry in the report"
    )
    assert '"Point"' not in html and "coordinates" not in html.lower()
    body_text = re.sub(r"data:image/png;base64,[A-Za-z0-9+/=]+", "", html)
    assert not COORD.search(body_text), COORD.search(body_text)
    marker = report.suppression_marker(THRESHOLD)
    # every count column of every table in the HTML: suppressed or at least the threshold
    count_headers = {"Count", "Last 12 months", "Previous 12 months", "Respondents", "Rows read", "Rows kept",
                     "Rows rejected", "Rows flagged"}  # fmt: skip
    tables = read_tables(path)
    checked = 0
    for t in tables:
        for col in t.columns:
            if str(col) in count_headers:
                for v in t[col].dropna():
                    if v == marker:
                        continue
                    if v in ("—", ""):
                        continue
                    assert float(str(v).replace(",", "")) >= THRESHOLD, (col, v)
                    checked += 1
    assert checked > 20
    assert marker in html
    # the workbook too
    xl = pd.read_excel(path.parent / "tables.xlsx", sheet_name=None)
    for name, df in xl.items():
        assert not {"geometry", "x", "y", "wkt", "source_row", "notes", "value", "detail"} & set(
            df.columns
        ), name
        for col in df.columns:
            if col in report.COUNT_COLUMNS:
                vals = [v for v in df[col].dropna() if v != marker]
                assert all(float(v) >= THRESHOLD for v in vals), (name, col)
        assert not any(
            COORD.search(str(v)) for v in df.astype(str).to_numpy().ravel() if "e" not in str(v)
        ), name
    assert "repeat_locations" not in xl and "ledger_entries" not in xl
    assert not (path.parent / "notebooks").exists()


def test_sample_plan_covers_top_problems_and_fraud(reports):
    plan = strategy.read_plan(reports[("fr", "internal")].parent / "plan.json")
    assert len(plan) >= 3
    assert plan["source"].str.len().gt(20).all()  # cited evidence
    fraud = plan[plan["problem_en"].str.contains("Fraud")]
    assert len(fraud) == 1
    assert "P09" in fraud.iloc[0]["partner_ids"].split(";")
    assert plan["problem_rank"].sort_values().iloc[:3].tolist() == [1, 2, 3]


def test_public_frame_rules():
    df = pd.DataFrame({"sector": ["A", "B"], "count": [2, 9], "rate": [0.1, 0.5], "geometry": [None, None],
                       "notes": ["Mme X", ""], "n_incidents": [4, 40]})  # fmt: skip
    p = report.public_frame(df, 5)
    assert "geometry" not in p.columns and "notes" not in p.columns
    assert p["count"].tolist() == ["< 5", 9] and p["rate"].tolist() == ["< 5", 0.5]
    assert p["n_incidents"].tolist() == ["< 5", 40]


def test_report_command_in_english(tmp_path):
    from diagnostic_lib.cli import main

    out = tmp_path / "en"
    code = main(
        [
            "report",
            "--config",
            str(SAMPLE / "diagnostic.toml"),
            "--out",
            str(out),
            "--lang",
            "en",
            "--no-notebooks",
        ]
    )
    assert code == 0
    html = _text(out / "index.html")
    assert '<html lang="en">' in html and "Executive summary" in html and "Action plan" in html
