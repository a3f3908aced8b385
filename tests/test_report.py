"""The diagnosis report: contents, languages, and confidentiality of the public version."""

from __future__ import annotations

import dataclasses
import re
from pathlib import Path

import numpy as np
import openpyxl
import pandas as pd
import pytest

from diagnostic_lib import evaluation, i18n, inventory, report, strategy, xlsx

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
        out[(lang, audience)] = report.build_report(
            SAMPLE / "diagnostic.toml",
            d,
            lang=lang,
            audience=audience,
            notebooks=False,
            progress=False,
            now=NOW,
        )
    return out


def _text(path: Path) -> str:
    import html

    return html.unescape(path.read_text(encoding="utf-8"))


def test_internal_french_report_has_every_section(reports):
    html = _text(reports[("fr", "internal")])
    for heading in (
        "Sommaire exécutif",
        "Étape 1",
        "Étape 2",
        "Étape 3",
        "Étape 4",
        "Plan d'action",
        "Notes méthodologiques",
        "Registre de qualité des données",
    ):
        assert heading in html, heading
    assert html.count("data:image/png;base64,") >= 6  # maps and charts embedded
    assert "https://" not in html and "<script src" not in html  # self-contained
    out = reports[("fr", "internal")].parent
    for f in ("tables.xlsx", "plan.json", "plan.xlsx", "plan.toml", "problems.toml", "ledger.csv"):
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
    count_headers = {
        "Count",
        "Last 12 months",
        "Previous 12 months",
        "Respondents",
    }  # the ledger's row counts are about file records, not people: shown as they are
    tables = read_tables(path)
    checked = 0
    for t in tables:
        for col in t.columns:
            if str(col) in count_headers:
                for v in t[col].dropna():
                    if v in (marker, "x"):  # small, or hidden to protect a small one
                        continue
                    if v in ("—", ""):
                        continue
                    assert float(str(v).replace(",", "")) >= THRESHOLD, (col, v)
                    checked += 1
    assert checked > 20
    assert marker in html
    # the workbook too
    xl = xlsx.read_coded(path.parent / "tables.xlsx")  # code names, through the dictionary
    for name, df in xl.items():
        assert not {"geometry", "x", "y", "wkt", "source_row", "notes", "value", "detail"} & set(
            df.columns
        ), name
        for col in df.columns:
            if report.is_people_count(col):
                vals = [v for v in df[col].dropna() if v != marker]
                assert all(float(v) >= THRESHOLD for v in vals), (name, col)
        assert not any(
            COORD.search(str(v)) for v in df.astype(str).to_numpy().ravel() if "e" not in str(v)
        ), name
    assert "repeat_locations" not in xl and "ledger_entries" not in xl
    assert not (path.parent / "notebooks").exists()


def _numeric(v) -> float | None:
    try:
        f = float(v)
    except (TypeError, ValueError):
        return None
    return f if np.isfinite(f) else None


def test_no_suppressed_count_can_be_recomputed_from_the_public_workbook(reports):
    """Read back as a reader who subtracts: on a row with a suppressed count, no rate, ratio,
    mean, projection or likelihood is left to divide back; in a group with a published
    municipal total, never one hidden cell alone (complementary suppression); counts of
    measures, pillars, problems and file rows are not masked."""
    from diagnostic_lib.report.confidentiality import INDEPENDENT_COLUMNS, TOTAL_LABELS
    from diagnostic_lib.spreadsheet import SUPPRESSED_COLUMN

    marker = report.suppression_marker(THRESHOLD)
    out = reports[("en", "public")].parent
    books = [out / "tables.xlsx", *[p for p in [out / "plan.xlsx"] if p.exists()]]
    rows_checked = groups_checked = sheets_marked = shares_checked = pinned_checked = 0
    for book in books:
        for name, df in xlsx.read_coded(book).items():
            # a suppressed cell is empty, and the marker column names it: no "< 5" text
            # left in a column, so that sorting and sums work
            assert not df.astype(str).isin([marker, "x"]).any(axis=None), name
            hidden = _hidden_cells(df, SUPPRESSED_COLUMN, marker)
            raw = df
            if SUPPRESSED_COLUMN in df.columns:
                sheets_marked += 1
                df = df.drop(columns=SUPPRESSED_COLUMN)
                hidden = hidden.drop(columns=SUPPRESSED_COLUMN)
                for col in df.columns[hidden.any(axis=0).to_numpy()]:
                    assert df.loc[hidden[col], col].isna().all(), (name, col)
                    visible = df.loc[~hidden[col], col].dropna()
                    if report.is_people_count(col) and len(visible):
                        assert pd.api.types.is_numeric_dtype(visible.infer_objects()), (name, col)
            # a share of respondents is hidden on its own (report.small_shares): the row's
            # other numbers stay; a visible one stands for 5 or more who said yes, and no
            shares = [c for c in df.columns if report.confidentiality.is_share(c)]
            if shares and "respondents" in df.columns:
                n = pd.to_numeric(df["respondents"], errors="coerce")
                for col in [c for c in shares if not str(c).endswith(("_low", "_high"))]:
                    share = pd.to_numeric(df[col], errors="coerce")
                    seen = share.notna() & n.notna()
                    yes = share[seen] * n[seen]
                    assert ((yes >= THRESHOLD) & (n[seen] - yes >= THRESHOLD)).all(), (name, col)
                    shares_checked += int(seen.sum())
            core = hidden.drop(columns=shares)
            for i in np.flatnonzero(core.any(axis=1).to_numpy()):
                for col in df.columns:
                    v = _numeric(df.iloc[i][col])
                    if hidden.iloc[i][col] or v is None or str(col) in INDEPENDENT_COLUMNS:
                        continue
                    if col in shares:
                        continue
                    # a visible number on the row: a count large enough, nothing derived
                    assert report.is_people_count(col) and v >= THRESHOLD, (name, i, col, v)
                rows_checked += 1
            if "sector" not in df.columns:
                continue
            total = df["sector"].isna() | df["sector"].astype(str).isin(TOTAL_LABELS)
            if not total.any():
                continue
            keys = [c for c in report.confidentiality.GROUP_KEYS if c in df.columns]
            for _, g in df.groupby([df[k].astype(str) for k in keys]) if keys else [(0, df)]:
                tot = g[total.loc[g.index]]
                if not len(tot) or (hidden.loc[tot.index]).all(axis=None):
                    continue
                parts = g[~total.loc[g.index]]
                for col in [c for c in df.columns if report.is_people_count(c)]:
                    n = int(hidden.loc[parts.index, col].sum())
                    assert n != 1, (name, col, g.iloc[0].to_dict())
                    groups_checked += 1
                    # the hidden cells' sum (at most the total minus the shown) leaves each
                    # small one its whole range 0-4 beside the "x" ones (each at least 5)
                    kinds = _markers(raw.loc[parts.index], SUPPRESSED_COLUMN, col)
                    total_v = _numeric(tot.iloc[0][col])
                    if "< " not in kinds.values or total_v is None:
                        continue
                    shown_sum = pd.to_numeric(parts.loc[~hidden.loc[parts.index, col], col]).sum()
                    room = total_v - shown_sum - THRESHOLD * int((kinds == "x").sum())
                    assert room >= THRESHOLD - 1, (name, col, g.iloc[0].to_dict(), room)
                    pinned_checked += 1
            for col in ("n_measures", "n_pillars", "n_problems", "rows_rejected"):
                if col in df.columns:
                    assert not hidden[col].any(), (name, col)
    assert rows_checked > 20 and groups_checked > 20 and sheets_marked > 3 and shares_checked > 20
    assert pinned_checked > 5
    # what only adds sums of hidden counts is not published (docs/methods.md, linked tables)
    public = xlsx.read_coded(out / "tables.xlsx")
    assert "change_sector_category" not in public
    assert "count" not in public["severity_index"].columns
    assert "baseline_mean" not in public["step3_current_risk"].columns


def _markers(rows: pd.DataFrame, marker_column: str, col: str) -> pd.Series:
    """Per row, the marker the marker column gives ``col`` (``"< "`` for "< 5", ``"x"``, "")."""
    out = []
    for listed in rows[marker_column].fillna("").astype(str) if marker_column in rows else []:
        kind = ""
        for m in re.finditer(r"(.+?) \((< \d+|x)\)(?:; |$)", listed):
            if col in m.group(1).split("; "):
                kind = "x" if m.group(2) == "x" else "< "
        out.append(kind)
    return pd.Series(out or [""] * len(rows), index=rows.index, dtype=object)


def _hidden_cells(df: pd.DataFrame, marker_column: str, marker: str) -> pd.DataFrame:
    """Which cells the marker column says are suppressed (``"n; rate (< 5)"``)."""
    hidden = pd.DataFrame(False, index=df.index, columns=df.columns)
    if marker_column not in df.columns:
        return hidden
    part = re.compile(rf"(.+?) \(({re.escape(marker)}|x)\)(?:; |$)")
    for i, listed in enumerate(df[marker_column].fillna("").astype(str)):
        if listed:
            parts = list(part.finditer(listed))
            assert parts and "".join(m.group(0) for m in parts) == listed, listed
            for m in parts:
                for col in m.group(1).split("; "):
                    hidden.iloc[i, df.columns.get_loc(col)] = True
    return hidden


def test_sample_plan_covers_top_problems_and_fraud(reports):
    plan = strategy.read_plan(reports[("fr", "internal")].parent / "plan.json")
    assert len(plan) >= 3
    assert plan["source"].str.len().gt(20).all()  # cited evidence
    fraud = plan[plan["problem_en"].str.contains("Fraud")]
    assert len(fraud) == 1
    assert "P09" in fraud.iloc[0]["partner_ids"].split(";")
    assert plan["problem_rank"].sort_values().iloc[:3].tolist() == [1, 2, 3]


def test_public_frame_rules():
    df = pd.DataFrame(
        {
            "sector": ["A", "B"],
            "count": [2, 9],
            "rate": [0.1, 0.5],
            "geometry": [None, None],
            "notes": ["Mme X", ""],
            "n_incidents": [4, 40],
        }
    )
    p = report.public_frame(df, 5)
    assert "geometry" not in p.columns and "notes" not in p.columns
    assert p["count"].tolist() == ["< 5", 9] and p["rate"].tolist() == ["< 5", 0.5]
    assert p["n_incidents"].tolist() == ["< 5", 40]
    # with a published total, the next smallest count is hidden too: "x", never "< 5" (it is
    # 9 here), and so is what is computed from it on its row
    with_total = pd.DataFrame(
        {"sector": ["A", "B", "C", None], "count": [3, 9, 20, 32], "rate": [0.1, 0.3, 0.6, 1.0]}
    )
    p = report.public_frame(with_total, 5)
    assert p["count"].tolist() == ["< 5", "x", 20, 32]
    assert p["rate"].tolist() == ["< 5", "x", 0.6, 1.0]


def test_a_municipal_rate_over_part_of_the_sectors_cannot_be_subtracted(diag):
    """Two sectors without population: the municipality's rate counts only the others, so
    rate × residents is a second published total (the sample: fraud, where the old rule hid
    S01 to protect S04, and S04 = 13.17 × 34.7 − the other populated sectors = 3)."""
    sec = diag.sectors.copy()
    sec.loc[sec["sector_id"].isin(["S01", "S02"]), "population"] = np.nan
    r = inventory.recent_rates(diag.incidents, sec, by="family")
    pub = report.public_frame(r, THRESHOLD)
    recovered = []
    for _, g in pub.groupby("group"):
        star, parts = g[g["sector"] == "*"].iloc[0], g[g["sector"] != "*"]
        if not isinstance(star["rate"], float):
            continue  # the municipality's rate is hidden: no second total
        populated = parts["base"].notna()
        known = round(star["rate"] * star["base"] / 1000)  # rate per 1,000 over counted residents
        for subset, total in ((parts[populated], known), (parts[~populated], None)):
            hidden = subset["count"].map(lambda v: isinstance(v, str))
            if hidden.sum() == 1 and total is not None:
                recovered.append(total - subset.loc[~hidden, "count"].sum())
            assert hidden.sum() != 1, g[["sector", "count", "rate"]]
        # and the hidden cells' sum leaves each small one its whole range 0-4
        hid = parts["count"].map(lambda v: isinstance(v, str))
        if (parts.loc[hid, "count"] == "< 5").any():
            shown_sum = parts.loc[~hid, "count"].sum()
            room = star["count"] - shown_sum - 5 * int((parts.loc[hid, "count"] == "x").sum())
            assert room >= 4, (g[["sector", "count"]], room)
    assert recovered == []
    fraud = pub[pub["group"] == "fraud_cyber"].set_index("sector")
    assert fraud.loc["S04", "count"] == "< 5" and fraud.loc["S03", "count"] == "x"
    assert fraud.loc["S01", "count"] == 35  # the unpopulated sector is no longer the complement
    # one unpopulated sector with a small count: only the municipality's rate can protect it
    t = pd.DataFrame(
        {
            "sector": ["A", "B", "C", "*"],
            "count": [30, 40, 3, 73],
            "base": [3000.0, 4000.0, np.nan, 7000.0],
            "rate": [10.0, 10.0, np.nan, 10.0],
        }
    )
    p = report.public_frame(t, 5)
    assert p["count"].tolist() == ["x", 40, "< 5", 73] and p["rate"].tolist()[-1] == "x"


@pytest.mark.parametrize(
    ("counts", "hidden"),
    [
        # two small counts summing to 8 would both be 4: a complement joins them
        ([4, 4, 30, 12, 50], [False, False, False, True, False]),
        # 2 beside a complement of 5 (sum 7) would be at most 2: the complement is 12
        ([2, 5, 30, 12, 49], [False, False, False, True, False]),
        # 1 beside 9: the sum 10 leaves 1 its range 0-4 (at most 10 - 5)
        ([1, 9, 30, 12, 52], [False, True, False, False, False]),
    ],
)
def test_complements_leave_each_small_count_its_whole_range(counts, hidden):
    t = pd.DataFrame({"sector": ["A", "B", "C", "D", "*"], "count": counts})
    assert report.complementary_cells(t, ["count"], 5)["count"].tolist() == hidden


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


# ----------------------------------------------------------------------------
# Step 3's section (was Evaluation.report_section)
# ----------------------------------------------------------------------------
@pytest.fixture(scope="module")
def step3(diag):
    start, end = evaluation.data_period(diag)
    problems = inventory.find_problems(
        diag.incidents, diag.sectors, diag.weights, diag.taxonomy, diag.survey, diag.places, end=end
    )
    return evaluation.run(diag, problems, permutations=19, n_sim=300)


def test_evaluation_section(step3):
    for public in (False, True):
        doc = report.HtmlDocument("t", "en")
        tables: dict = {}
        report.evaluation_section(doc, step3, lang="en", public=public, threshold=5, tables=tables)
        page = doc.render()
        assert "Effectiveness of the measures" in page and "Relative effect sizes" in page
        assert {"step3_effects", "step3_relevance", "step3_current_risk", "step3_backtest"} <= set(
            tables
        )
        eff = tables["step3_effects"].set_index("measure_id")
        if public:
            assert (
                eff.loc["M11", "a0"] == "< 5" and "near repeat" not in page
            )  # 0 → 1 events: suppressed
            assert "treated 0 → 1" not in page
        else:
            assert eff.loc["M11", "a0"] == 0 and "near repeat" in page


def test_evaluation_section_in_french_with_its_verdict_labels(step3):
    doc = report.HtmlDocument("t", "fr")
    tables: dict = {}
    report.evaluation_section(doc, step3, lang="fr", tables=tables)
    page = doc.render()
    assert "Efficacité des mesures" in page and "Terrain à risque et quasi-répétition" in page
    shown = set(tables["step3_effects"]["verdict"])
    assert shown <= {fr for fr, _ in evaluation.VERDICT_LABELS.values()}
    assert "Effectiveness" not in page


# ----------------------------------------------------------------------------
# Tunables, labels and formatting
# ----------------------------------------------------------------------------
def test_write_report_reads_small_count_from_the_config(diag, tmp_path):
    cfg = dataclasses.replace(diag.config, parameters={**diag.config.parameters, "small_count": 40})
    d = dataclasses.replace(diag, config=cfg)
    inv = inventory.run(d, permutations=9)
    path = report.write_report(d, inv, out=tmp_path, lang="en", audience="public")
    html = _text(path)
    assert "counts below 40 suppressed" in html and "< 40" in html
    assert (inv.knox["observed"] >= 40).all()  # no Knox band hidden: nothing said about it
    assert "hidden in the public version" not in html
    xl = xlsx.read_coded(path.parent / "tables.xlsx")["rates"]
    from diagnostic_lib.spreadsheet import SUPPRESSED_COLUMN

    masked = xl[SUPPRESSED_COLUMN].fillna("").str.contains(r"\bcount\b.*\(< 40\)")
    assert masked.any() and xl.loc[masked, "count"].isna().all()
    assert (xl.loc[~masked, "count"].dropna() >= 40).all()
    assert pd.api.types.is_float_dtype(xl["count"])  # still a number column: sortable


def test_method_notes_come_from_the_catalogue():
    assert len(report.METHOD_NOTES) == 12
    fr, en = report.METHOD_NOTES[-1]
    assert fr.startswith("Confidentialité") and en.startswith("Confidentiality")
    assert report.METHOD_NOTES[0] == (
        i18n.t("report.method.data", "fr"),
        i18n.t("report.method.data", "en"),
    )


def test_tables_format_numbers_for_the_language():
    frame = pd.DataFrame({"x": [15850.5, 0.65, float("nan"), 3.2e-53]})
    fr, en = report.HtmlDocument("t", "fr"), report.HtmlDocument("t", "en")
    fr.table(frame)
    en.table(frame)
    assert "15\xa0850,50" in fr.render() and "0,65" in fr.render() and "nan" not in fr.render()
    assert "15,850.50" in en.render() and "—" in en.render()
    assert "&lt; 0.000001" in en.render()  # a tiny q-value never reads as zero
    many = report.HtmlDocument("t", "fr")
    many.table(pd.DataFrame({"x": range(1500)}), max_rows=1000)
    assert "1\xa0000 premières lignes sur 1\xa0500." in many.render()


def test_templates_and_css_are_package_data():
    import fnmatch
    import tomllib
    from importlib import resources

    patterns = tomllib.loads((Path(__file__).resolve().parents[1] / "pyproject.toml").read_text())[
        "tool"
    ]["setuptools"]["package-data"]["diagnostic_lib"]
    folder = resources.files("diagnostic_lib.report").joinpath("templates")
    names = sorted(p.name for p in folder.iterdir())
    assert names == ["blocks.html.j2", "print.css", "report.html.j2", "screen.css"]
    for name in names:
        assert any(fnmatch.fnmatch(f"report/templates/{name}", p) for p in patterns), name
    page = report.HtmlDocument("t", "en").render()
    assert "nav ul{columns:2}" in report.CSS and "@media print" in report.CSS
    assert "nav ul{columns:2}" in page and "@page{size:letter" in page
    assert "@page{size:A4" in report.HtmlDocument("t", "en", paper="a4").render()


# ----------------------------------------------------------------------------
# Tiny and odd inputs run end to end
# ----------------------------------------------------------------------------
def _tiny_town(tmp_path, case):
    import re as _re
    import shutil

    import geopandas as gpd

    town = tmp_path / case
    shutil.copytree(SAMPLE, town)
    inc = town / "incidents.csv"
    lines = inc.read_text(encoding="utf-8").splitlines()
    if case == "header_only":
        inc.write_text(lines[0] + "\n", encoding="utf-8")
    elif case == "single_incident":
        inc.write_text(lines[0] + "\n" + lines[5000] + "\n", encoding="utf-8")
    else:  # sectors without any population, no survey and no measures, a short export
        inc.write_text("\n".join(lines[:2000]) + "\n", encoding="utf-8")
        s = gpd.read_file(town / "sectors.geojson").drop(columns=["population"])
        s.to_file(town / "sectors.geojson", driver="GeoJSON")
        cfg = (town / "diagnostic.toml").read_text(encoding="utf-8")
        for table in ("survey", "measures"):
            cfg = _re.sub(rf"\[data\.{table}\][^\[]*", "", cfg)
        (town / "diagnostic.toml").write_text(cfg, encoding="utf-8")
    return town / "diagnostic.toml"


@pytest.mark.parametrize("case", ["header_only", "single_incident", "no_population_survey"])
def test_tiny_and_odd_inputs_give_a_report(tmp_path, case):
    """A header-only export, a single incident, sectors without population and a diagnosis
    without survey or measures each give a report, never a traceback from deep inside."""
    cfg = _tiny_town(tmp_path, case)
    path = report.build_report(
        cfg, tmp_path / "out", lang="en", notebooks=False, progress=False, now=NOW
    )
    html = _text(path)
    assert "Executive summary" in html and "Data-quality ledger" in html
    assert "<NA>" not in html and "nan" not in re.sub(r"<[^>]+>", " ", html).split()


def test_report_without_population_says_so_and_shows_no_zero(diag, tmp_path):
    d = dataclasses.replace(diag, sectors=diag.sectors.assign(population=float("nan")))
    inv = inventory.run(d, permutations=9)
    path = report.write_report(d, inv, out=tmp_path, lang="fr")
    html = _text(path)
    assert "aucune population de secteur : les taux ne sont pas calculés" in html
    assert not re.search(r"\b0 (habitants|residents)", html)
    assert "0,0 – 0,0" not in html
    assert "Absentes pour tout le diagnostic" in html and "taux" in html
    fig = __import__("diagnostic_lib").maps.rate_map(inv.rates, d.sectors, lang="fr")
    from diagnostic_lib.maps import legend_labels

    assert not fig.rates_shown and not any("0,0 – 0,0" in x for x in legend_labels(fig))
    # no empty perception chart, and the map's text alternative says counts, not rates
    assert "Pas de graphique de l'écart de perception" in html
    assert "selon leur nombre annuel moyen d'incidents" in html
    assert "selon leur taux annuel moyen" not in html
    assert fig.legends[0].get_title().get_text() == "incidents par année"


def test_report_with_partial_population_names_the_sectors_and_the_priority_rule(diag, tmp_path):
    sec = diag.sectors.copy()
    sec.loc[sec["sector_id"].isin(["S01", "S02"]), "population"] = np.nan
    # a volume floor above the sample's smallest problems (63 events): some cannot rank
    cfg = dataclasses.replace(
        diag.config, parameters={**diag.config.parameters, "min_problem_events": 100}
    )
    d = dataclasses.replace(diag, sectors=sec, config=cfg)
    inv = inventory.run(d, permutations=9)
    html = _text(report.write_report(d, inv, out=tmp_path, lang="en"))
    assert "Sectors without population: S01, S02" in html
    assert "sectors of 10 whose population is known" in html
    assert "Score components (weights used)" in html
    assert "too few events to rank" in html


# ----------------------------------------------------------------------------
# The workbooks (tables.xlsx, plan.xlsx): one language, words, formats, contents, dictionary
# ----------------------------------------------------------------------------
SNAKE = re.compile(r"\b[a-z0-9]+_[a-z0-9_]+\b")
BAD_CELLS = {"<NA>", "None", "nan", "NaN", "NaT", "True", "False"}


@pytest.mark.parametrize("book", ["tables.xlsx", "plan.xlsx"])
@pytest.mark.parametrize("key", [("fr", "internal"), ("en", "public")])
def test_workbooks_are_in_one_language_with_formats_contents_and_a_dictionary(reports, key, book):
    lang, other = key[0], "en" if key[0] == "fr" else "fr"
    path = reports[key].parent / book
    wb = openpyxl.load_workbook(path)
    names = wb.sheetnames
    contents, dictionary = wb.worksheets[0], wb.worksheets[-1]
    assert contents.title == i18n.t("wb.sheet.contents", lang)
    assert dictionary.title == i18n.t("wb.sheet.dictionary", lang)
    assert len({n.lower() for n in names}) == len(names)
    for n in names:  # words in the language, valid Excel names
        assert len(n) <= 31 and not set("[]:*?/\\") & set(n) and not SNAKE.search(n), n
    # the contents sheet links every sheet and says what it holds
    linked = []
    for row in contents.iter_rows(min_row=2):
        assert row[0].hyperlink is not None and row[1].value, row[0].value
        sheet, cell = row[0].hyperlink.location.rsplit("!", 1)
        target = sheet[1:-1].replace("''", "'") if sheet.startswith("'") else sheet
        assert target in names and cell == "A1", row[0].hyperlink.location
        linked.append(target)
    assert linked == names
    # the dictionary maps every header of every table back to its code name
    dic = pd.read_excel(path, sheet_name=dictionary.title)
    dic.columns = ["sheet", "column", "code", "value", "value_code", "description"]
    tables = dic[dic["column"].isna()].set_index("sheet")["code"]
    assert set(tables.index) == set(names)
    columns = dic[dic["column"].notna() & dic["value"].isna()]
    foreign = {i18n.t(k, other) for k in i18n.LABELS if k.startswith("wb.col.")} - {
        i18n.t(k, lang) for k in i18n.LABELS if k.startswith("wb.col.")
    }
    formatted = 0
    for ws in wb.worksheets:
        assert ws.freeze_panes == "A2", ws.title
        assert ws.auto_filter.ref == ws.dimensions, ws.title
        heads = [c.value for c in ws[1]]
        for h in heads:
            assert isinstance(h, str) and h and not SNAKE.search(h), (ws.title, h)
            assert h not in foreign, (ws.title, h)  # no header of the other language
        for j in range(1, len(heads) + 1):
            width = ws.column_dimensions[openpyxl.utils.get_column_letter(j)].width
            # the file stores Excel's width, the characters shown plus a padding under 1
            assert xlsx.MIN_WIDTH <= width < xlsx.MAX_WIDTH + 1, (ws.title, j, width)
        if ws not in (contents, dictionary):
            mine = columns[columns["sheet"] == ws.title]
            assert sorted(mine["column"]) == sorted(heads), ws.title
            table = tables[ws.title]
            for code in mine["code"]:
                base = re.sub(r"_(fr|en)$", "", str(code))
                assert xlsx.knows_header(table, base), (table, code)  # from the catalogue
        for row in ws.iter_rows(min_row=2):
            for c in row:
                if isinstance(c.value, str):
                    assert c.value.strip() not in BAD_CELLS, (ws.title, c.coordinate, c.value)
                if isinstance(c.value, float) and not c.value.is_integer():
                    assert c.number_format != "General", (ws.title, c.coordinate)
                    formatted += 1
    assert formatted > (20 if book == "tables.xlsx" else 5)
    # code values are words in the language; the dictionary keeps their codes
    if book == "tables.xlsx":
        family = pd.read_excel(path, sheet_name=i18n.t("wb.sheet.change_family", lang))
        shown = set(family[i18n.t("wb.col.family", lang)])
        assert shown <= {
            i18n.t(f"family.{f}", lang)
            for f in ("property", "violent", "disorder", "traffic", "fraud_cyber", "other")
        }
        coded = xlsx.read_coded(path)["change_family"]
        assert "fraud_cyber" in set(coded["family"])
    else:
        plan = pd.read_excel(path, sheet_name=i18n.t("wb.sheet.plan", lang))
        assert i18n.t("wb.col.problem", lang) in plan.columns
        coded = xlsx.read_coded(path)["plan"]
        assert f"problem_{lang}" in coded.columns and f"problem_{other}" not in coded.columns
        flags = coded["underpowered"].dropna()  # empty where suppressed (public)
        assert len(flags) and flags.isin([True, False]).all()
        deadline = plan.columns.get_loc(i18n.t("wb.col.deadline", lang)) + 1
        assert wb.worksheets[1].cell(row=2, column=deadline).number_format == "yyyy-mm-dd"


def test_public_knox_figure_hides_the_bands_the_public_table_hides(diag):
    """A band of few observed pairs shows no ratio in the public figure, as in its table."""
    from diagnostic_lib import charts

    burglary = diag.incidents[diag.incidents["category"] == "burglary"]
    knox = inventory.knox_test(burglary, permutations=9, seed=1)
    shown = report.confidentiality.public_numbers(knox, ["ratio", "p_value"], 200)
    small = (knox["observed"] < 200).to_numpy()
    assert small.any() and (~small).any()
    assert shown["ratio"][small].isna().all() and shown["p_value"][small].isna().all()
    pd.testing.assert_series_equal(shown["ratio"][~small], knox["ratio"][~small])
    pd.testing.assert_series_equal(shown["observed"], knox["observed"])
    table = report.public_frame(knox, 200)  # what the public table hides, the figure hides
    hidden = pd.to_numeric(table["ratio"], errors="coerce").isna() & knox["ratio"].notna()
    assert (shown["ratio"].isna() & knox["ratio"].notna()).equals(hidden)
    fig = charts.knox_heatmap(shown, lang="en")
    texts = [t.get_text() for t in fig.axes[0].texts]
    assert texts.count("—") == int((shown["ratio"].isna()).sum())


def test_public_report_says_which_knox_bands_it_hides(diag, tmp_path):
    cfg = dataclasses.replace(
        diag.config, parameters={**diag.config.parameters, "small_count": 200}
    )
    d = dataclasses.replace(diag, config=cfg)
    inv = inventory.run(d, permutations=9)
    assert (inv.knox["observed"] < 200).any()
    for lang, said in (
        ("en", "—: band of fewer than 200 observed pairs, hidden in the public version."),
        ("fr", "— : bande de moins de 200 paires observées, masquée dans la version publique."),
    ):
        html = _text(report.write_report(d, inv, out=tmp_path / lang, lang=lang, audience="public"))
        assert said in html
    internal = _text(report.write_report(d, inv, out=tmp_path / "in", lang="en"))
    assert "hidden in the public version" not in internal
