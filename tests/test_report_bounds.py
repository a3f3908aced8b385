"""The report of a large region: figures name at most a few dozen items, sheets stay short.

A regional study (thousands of measures, sectors, problems) must not draw a label per item
nor write every long table cell by cell into the workbook: each figure keeps the first
:data:`~diagnostic_lib.label_placement.SHOWN_AT_MOST` items and says how many it leaves out,
and a table longer than :data:`~diagnostic_lib.report.workbook.MAX_SHEET_ROWS` goes to a CSV
file beside the workbook, which the report names. The shipped sample stays below both bounds,
so its report is unchanged.
"""

from __future__ import annotations

import geopandas as gpd
import openpyxl
import pandas as pd
import pytest
import shapely

from diagnostic_lib import charts, i18n, inventory, maps, report
from diagnostic_lib.label_placement import SHOWN_AT_MOST
from diagnostic_lib.report import workbook

MANY = SHOWN_AT_MOST + 15


def _registry(n: int) -> pd.DataFrame:
    ids = [f"M{i:03d}" for i in range(n)]
    return pd.DataFrame(
        {
            "measure_id": ids,
            "name": [f"Mesure {i}" for i in range(n)],
            "name_en": [f"Measure {i}" for i in range(n)],
            "pillar": "prevention",
            "status": "active",
            # the starts run backwards: the latest start is the first measure
            "start": pd.date_range(end="2025-12-01", periods=n, freq="MS")[::-1],
            "end": pd.NaT,
            "partners": [("P1",) if i % 2 else ("P1", "P2") for i in range(n)],
        }
    )


def _ticks(fig) -> list[str]:
    return [t.get_text() for t in fig.axes[0].get_yticklabels()]


def test_timeline_draws_the_latest_measures_and_says_how_many_are_left_out():
    reg = _registry(MANY)
    fig = charts.measures_timeline(reg, ref_date="2025-12-31", lang="en")
    ticks = _ticks(fig)
    assert len(ticks) == SHOWN_AT_MOST
    assert {t.split()[0] for t in ticks} == set(reg["measure_id"].iloc[:SHOWN_AT_MOST])
    assert fig.axes[0].get_title().endswith("(measures not shown: 15; see the workbook)")
    fr = charts.measures_timeline(reg, ref_date="2025-12-31", lang="fr").axes[0].get_title()
    assert "mesures non montrées : 15" in fr


def test_timeline_of_few_measures_is_unchanged():
    reg = _registry(SHOWN_AT_MOST)
    fig = charts.measures_timeline(reg, ref_date="2025-12-31", lang="en")
    assert len(_ticks(fig)) == SHOWN_AT_MOST
    assert fig.axes[0].get_title() == i18n.t("charts.timeline.title", "en")
    every = charts.measures_timeline(_registry(MANY), ref_date="2025-12-31", max_measures=None)
    assert len(_ticks(every)) == MANY


def test_partner_network_keeps_the_first_problems_and_says_how_many_are_left_out():
    reg = _registry(MANY)
    roles = pd.DataFrame(
        {
            "partner_id": ["P1", "P2"],
            "name": ["Ville", "École"],
            "name_en": ["Town", "School"],
            "known": [True, True],
            "n_measures": [MANY, MANY // 2],
        }
    )
    pids = [f"PB{i:03d}" for i in range(MANY)]
    by_problem = pd.DataFrame(
        {
            "problem_id": pids,
            "rank": pd.array(range(MANY, 0, -1), dtype="Int64"),  # the last is ranked first
            "title_fr": "Vols",
            "title_en": "Thefts",
            "level": "none",
        }
    )
    sugg = pd.DataFrame({"problem_id": pids, "partner_id": "P2", "involved": False})
    fig = charts.partner_network(reg, roles, by_problem=by_problem, suggestions=sugg, lang="en")
    texts = [t.get_text() for t in fig.axes[0].texts]
    assert sum(t in set(reg["measure_id"]) for t in texts) == SHOWN_AT_MOST
    ranks = [int(t.split(".")[0]) for t in texts if t.endswith("Thefts")]
    assert sorted(ranks) == list(range(1, SHOWN_AT_MOST + 1))  # the best ranked ones
    title = fig.axes[0].get_title()
    assert "measures not shown: 15" in title and "problems not shown: 15" in title
    # the measures kept are those with the most partners drawn (both partners: even ranks)
    kept = {t for t in texts if t in set(reg["measure_id"])}
    assert {f"M{i:03d}" for i in range(0, MANY, 2)} <= kept


def test_perception_chart_names_the_sectors_whose_ranks_differ_most():
    n = MANY
    gap = pd.DataFrame(
        {
            "sector": [f"S{i}" for i in range(n)],
            "name": [f"S{i}" for i in range(n)],
            "crime_rank": range(1, n + 1),
            # the first 20 sectors: the largest gaps; the others: equal ranks
            "concern_rank": [n - i if i < 20 else i + 1 for i in range(n)],
            "flag": "",
        }
    )
    fig = charts.perception_gap_chart(gap, lang="en")
    named = [t.get_text() for t in fig.axes[0].texts]
    assert len(named) == SHOWN_AT_MOST
    assert {f"S{i}" for i in range(20)} - {f"S{19 - 0}"} <= set(named)
    assert "(sectors not named: 15; see the workbook)" in fig.axes[0].get_title()
    drawn = sum(len(c.get_offsets()) for c in fig.axes[0].collections)
    assert drawn == n  # every sector is still drawn


def test_forest_plot_draws_the_largest_effects_and_lists_the_rest_briefly():
    n = MANY
    est = [1.0 + i / 100 for i in range(n)]  # the last ones are the largest
    e = pd.DataFrame(
        {
            "measure_id": [f"M{i:03d}" for i in range(n)] + [f"X{i:03d}" for i in range(n)],
            "name": "a",
            "name_en": "a",
            "res": est + [float("nan")] * n,
            "res_low": [v * 0.8 for v in est] + [float("nan")] * n,
            "res_high": [v * 1.2 for v in est] + [float("nan")] * n,
            "res_low_adj": [v * 0.7 for v in est] + [float("nan")] * n,
            "res_high_adj": [v * 1.3 for v in est] + [float("nan")] * n,
            "res_corrected": est + [float("nan")] * n,
            "res_corrected_low": [v * 0.8 for v in est] + [float("nan")] * n,
            "res_corrected_high": [v * 1.2 for v in est] + [float("nan")] * n,
            "verdict": ["inconclusive"] * n + ["not_evaluable"] * n,
        }
    )
    fig = charts.forest_plot(e, lang="en")
    ticks = {t.split()[0] for t in _ticks(fig)}
    assert ticks == {f"M{i:03d}" for i in range(n - SHOWN_AT_MOST, n)}
    assert "(measures not shown: 15; see the workbook)" in fig.axes[0].get_title()
    below = fig._supxlabel.get_text().replace("\n", " ")
    assert "X074" not in below and below.endswith("and 15 more")


def test_gap_map_numbers_the_first_problems_only():
    n = MANY
    problems = gpd.GeoDataFrame(
        {"problem_id": [f"P{i}" for i in range(n)], "kind": "place"},
        geometry=[shapely.box(10 * i, 0, 10 * i + 5, 5) for i in range(n)],
    )
    by_problem = pd.DataFrame(
        {
            "problem_id": [f"P{i}" for i in range(n)],
            "title_fr": "Vols",
            "title_en": "Thefts",
            "rank": pd.array(range(1, n + 1), dtype="Int64"),
            "level": "none",
        }
    )
    sectors = gpd.GeoDataFrame({"sector_id": ["A"]}, geometry=[shapely.box(0, -5, 10 * n, 10)])
    fig = maps.gap_map(problems, by_problem, sectors, lang="en")
    numbers = {t.get_text() for t in fig.axes[0].texts if t.get_text().isdigit()}
    assert numbers == {str(r) for r in range(1, SHOWN_AT_MOST + 1)}
    assert "problems not numbered: 15" in fig.axes[0].get_title()


@pytest.mark.parametrize("lang", ["fr", "en"])
def test_long_tables_go_to_csv_and_the_report_says_which(diag, tmp_path, monkeypatch, lang):
    """With a lower row limit, the sample's longer tables go to CSV files beside the workbook:
    their sheet says where, the CSV holds every row, and the report's files section names
    them in its language."""
    monkeypatch.setattr(workbook, "MAX_SHEET_ROWS", 100)
    inv = inventory.run(diag, permutations=9)
    path = report.write_report(diag, inv, out=tmp_path, lang=lang)
    html = path.read_text(encoding="utf-8")
    csvs = sorted(tmp_path.glob("tables-*.csv"))
    assert csvs, "a table of the sample is longer than 100 rows"
    wb = openpyxl.load_workbook(tmp_path / "tables.xlsx", read_only=True)
    for sheet in wb.worksheets[:-1]:  # the dictionary (last) lists columns and code words
        assert sheet.max_row <= 101  # header and at most 100 rows
    sentence = i18n.t("report.files.long_tables", lang, most="100", tables="")[:40]
    assert sentence in html
    for csv in csvs:
        table = pd.read_csv(csv, encoding="utf-8-sig")
        assert len(table) > 100
        assert csv.name in html
        rows = i18n.t("report.files.long_table", lang, csv=csv.name, rows="")
        assert rows.split("(")[0] in html


def test_a_map_of_many_sectors_names_the_largest():
    n = MANY
    sectors = gpd.GeoDataFrame(
        {"sector_id": [f"S{i}" for i in range(n)], "name": [f"Secteur {i}" for i in range(n)]},
        # sector i is i + 1 wide: the last ones are the largest
        geometry=[shapely.box(i * (i + 1) / 2, 0, (i + 1) * (i + 2) / 2, 10) for i in range(n)],
    )
    fig, ax = maps.new_map()
    maps.draw_sectors(ax, sectors)
    assert {t.get_text() for t in ax.texts} == {f"Secteur {i}" for i in range(15, n)}
    fig, ax = maps.new_map()
    maps.draw_sectors(ax, sectors.iloc[:SHOWN_AT_MOST])
    assert len(ax.texts) == SHOWN_AT_MOST


def test_measures_map_labels_the_first_measures_and_lists_few_ids():
    n = MANY
    reg = pd.DataFrame(
        {
            "measure_id": [f"M{i:03d}" for i in range(n)] + [f"V{i:03d}" for i in range(n)],
            "pillar": "prevention",
            "footprint": ["polygon"] * n + ["municipality"] * n,
            "status": "active",
        }
    )
    areas = gpd.GeoSeries(
        [
            shapely.box(100 * (i % 9), 100 * (i // 9), 100 * (i % 9) + 20, 100 * (i // 9) + 20)
            for i in range(n)
        ]
        + [shapely.box(0, 0, 900, 900)] * n
    )
    sectors = gpd.GeoDataFrame({"sector_id": ["A"]}, geometry=[shapely.box(0, 0, 900, 900)])
    fig = maps.measures_map(reg, areas, sectors, lang="en")
    texts = [t.get_text() for t in fig.axes[0].texts]
    ids = {t for t in texts if t[:1] == "M" and t[1:].isdigit()}
    assert ids == {f"M{i:03d}" for i in range(SHOWN_AT_MOST)}
    box = next(t for t in texts if t.startswith("Whole municipality")).replace("\n", " ")
    assert "V059" in box and "V060" not in box and box.endswith("and 15 more")
    assert "(measures not labelled: 15; see the workbook)" in fig.axes[0].get_title()
