"""Safety walks and CPTED audits (issue 18, item 5): loader, counts, strategy, maps, sample.

- the walks loader accounts for every row (kept, flagged or rejected with a reason
  naming the file, row and column), reads French and English words, keeps the
  free text in an internal column that no public table shows;
- observations are counted inside each problem's area (step 1) and beside the
  gaps (step 2);
- a lighting observation in a problem's area raises the fit of lighting
  responses (step 4), and nothing else;
- the sample's planted walk agrees (dark footpath in the park-and-ride hot spot)
  and disagrees (feeling unsafe in a low-crime park) with the crime data;
- the walks map passes the layout check, in both languages.
"""

from __future__ import annotations

import geopandas as gpd
import numpy as np
import pandas as pd
import pytest
import shapely

from diagnostic_lib import i18n, inventory, layout, loaders, maps, measures, schema, strategy
from diagnostic_lib.report import confidentiality
from diagnostic_lib.strategy.fit import WALK_RESPONSE_KINDS, walk_bonus

LANGS = ("fr", "en")


def _walks_csv(tmp_path, text: str):
    p = tmp_path / "marche.csv"
    p.write_text(text, encoding="utf-8")
    return p


# ----------------------------------------------------------------------------- loader
def test_every_row_is_kept_or_rejected_with_a_reason(tmp_path):
    p = _walks_csv(
        tmp_path,
        "id,categorie,gravite,date_marche,marche,commentaire,wkt\n"
        "A,Éclairage,élevée,2025-10-08,W1,Passage sombre chez M. Tremblay,POINT (10 10)\n"
        'B,cachette,2,2025-10-08,W1,,"LINESTRING (0 0, 50 0)"\n'
        "C,Bruit,9,pas une date,W1,,POINT (20 20)\n"
        "D,neglect,low,2025-10-08,W1,,\n"
        'E,feeling unsafe,high,2025-10-08,W1,,"POLYGON ((0 0, 1 0, 1 1, 0 0))"\n'
        "F,,medium,2025-10-08,W1,,POINT (30 30)\n",
    )
    w, led = loaders.load_walks(p)
    assert w["observation_id"].tolist() == ["A", "B", "C", "F"]
    assert w["category"].tolist() == ["lighting", "hiding_place", "other", "other"]
    assert w["severity"].tolist()[:2] == [3.0, 2.0]
    assert np.isnan(w["severity"].iloc[2]) and w["severity"].iloc[3] == 2.0
    assert pd.isna(w["date"].iloc[2]) and w["date"].iloc[0] == pd.Timestamp("2025-10-08")
    assert w["comment"].iloc[0] == "Passage sombre chez M. Tremblay"
    assert led.is_balanced()
    f = led.files.iloc[0]
    assert (f.rows_in, f.rows_kept, f.rows_rejected) == (6, 4, 2)
    e = led.entries.set_index("reason")
    assert e.loc["geometry_missing", "row"] == 5 and e.loc["geometry_missing", "action"] == (
        "rejected"
    )
    assert e.loc["walk_geometry_area", "row"] == 6
    assert e.loc["walk_category_unknown", "column"] == "categorie"
    assert e.loc["walk_category_unknown", "value"] == "Bruit"
    assert e.loc["walk_category_missing", "row"] == 7
    assert e.loc["value_out_of_range", "column"] == "gravite"
    assert e.loc["date_unparseable", "row"] == 4
    assert set(e["file"]) == {str(p)}


def test_every_category_has_labels_and_its_own_words():
    for c in schema.WALK_CATEGORIES:
        fr, en = (i18n.t(f"walk.category.{c}", lang) for lang in LANGS)
        assert fr != en or c == "other"
        g = gpd.GeoDataFrame({"categorie": [fr, en, c]}, geometry=[shapely.Point(0, 0)] * 3)
        w, _ = loaders.load_walks(g.set_crs(32188))
        assert set(w["category"]) == {c}


def test_walks_are_optional_and_loaded_from_the_config(diag):
    assert diag.walks is not None and len(diag.walks) == 9
    assert (diag.ledger.files["table"] == "walks").sum() == 1
    from diagnostic_lib.config import load_config

    cfg = load_config(diag.config.path)
    del cfg.data["walks"]
    assert loaders.load_diagnostic(cfg).walks is None


def test_the_free_text_never_reaches_a_public_table(diag):
    assert "comment" in confidentiality.FREE_TEXT_COLUMNS
    public = confidentiality.public_frame(diag.walks.drop(columns="geometry"))
    assert "comment" not in public.columns
    texts = set(diag.walks["comment"].dropna())
    html = maps.interactive_map(diag.sectors, walks=diag.walks, lang="fr").get_root().render()
    assert texts and not any(t in html for t in texts)


# ----------------------------------------------------------------------------- counts
def _square_problem(kind="place"):
    return gpd.GeoDataFrame(
        {"problem_id": ["P1"], "kind": [kind]}, geometry=[shapely.box(0, 0, 100, 100)]
    )


def test_counts_by_category_and_severity_inside_the_area_only():
    w = gpd.GeoDataFrame(
        {
            "category": ["lighting", "lighting", "hiding_place", "neglect"],
            "severity": [3.0, 1.0, np.nan, 2.0],
        },
        geometry=[
            shapely.Point(50, 50),
            shapely.Point(120, 50),  # 20 m out: in with reach 25, out with reach 0
            shapely.LineString([(-100, 90), (-10, 90), (10, 90)]),  # crosses into the area
            shapely.Point(500, 500),
        ],
    )
    c = inventory.walk_counts(_square_problem(), w, reach_m=25).loc["P1"]
    assert (c["walk_observations"], c["walk_lighting"], c["walk_hiding_place"]) == (3, 2, 1)
    assert (c["walk_neglect"], c["walk_severity_1"], c["walk_severity_3"]) == (0, 1, 1)
    assert c["walk_severity_2"] == 0  # the hiding place has no severity: counted once, in total
    assert inventory.walk_counts(_square_problem(), w, reach_m=0).loc["P1", "walk_lighting"] == 1
    muni = inventory.walk_counts(_square_problem("municipality"), w, reach_m=25)
    assert muni.loc["P1", "walk_observations"] == 0


def test_gap_rows_carry_the_counts():
    gaps = pd.DataFrame({"problem_id": ["P1", "P9"], "gap": [True, True]})
    c = inventory.walk_counts(
        _square_problem(),
        gpd.GeoDataFrame(
            {"category": ["lighting"], "severity": [3.0]}, geometry=[shapely.Point(5, 5)]
        ),
    )
    g = measures.problem_walk_gaps(gaps, c)
    assert g["walk_lighting"].tolist() == [1, 0] and g.index.equals(gaps.index)
    sec = gpd.GeoDataFrame(
        {"sector_id": ["A", "B"]}, geometry=[shapely.box(0, 0, 10, 10), shapely.box(10, 0, 20, 10)]
    )
    line = gpd.GeoDataFrame(
        {"category": ["neglect"], "severity": [1.0]},
        geometry=[shapely.LineString([(5, 5), (15, 5)])],
    )
    sg = measures.sector_walk_gaps(pd.DataFrame({"sector": ["B", "A"]}), sec, line)
    assert sg["walk_neglect"].tolist() == [1, 1]  # a line crossing two sectors counts in both


# ----------------------------------------------------------------------------- strategy
def test_walk_bonus_rule():
    assert walk_bonus(0.5, ("lighting",), ["lighting"], 0.1) == pytest.approx(0.6)
    assert walk_bonus(0.95, ("lighting",), ["lighting"], 0.1) == 1.0
    assert walk_bonus(0.5, ("feeling_unsafe",), ["lighting"], 0.1) == 0.5
    assert walk_bonus(0.0, ("lighting",), ["lighting"], 0.1) == 0.0  # never makes a misfit fit
    assert walk_bonus(0.5, ("hiding_place",), ["environmental_design"], 0.1) == pytest.approx(0.6)
    assert set(WALK_RESPONSE_KINDS) < set(schema.WALK_CATEGORIES)


def _burglary_problem():
    return pd.DataFrame(
        {
            "problem_id": ["P1"],
            "kind": ["place"],
            "families": [("property",)],
            "categories": [("burglary",)],
            "facility": [""],
            "dominant_shift": ["nuit"],
            "week_part": ["all_week"],
            "sectors": [("S1",)],
        }
    )


def test_lighting_observations_raise_the_fit_of_lighting_only():
    cat = strategy.load_catalogue()
    pb = _burglary_problem()
    counts = pd.DataFrame(
        {"walk_lighting": [2], "walk_feeling_unsafe": [5]},
        index=pd.Index(["P1"], name="problem_id"),
    )
    before = strategy.rank_responses(pb, cat, per_problem=50, min_fit=0.0).set_index("response_id")
    after = strategy.rank_responses(
        pb, cat, per_problem=50, min_fit=0.0, walk_counts=counts, walk_fit_bonus=0.1
    ).set_index("response_id")
    lit = [r for r in after.index if "lighting" in cat.loc[r, "measure_kinds"]]
    assert "street_lighting" in lit
    for r in after.index:
        gain = after.loc[r, "fit"] - before.loc[r, "fit"]
        if r in lit and before.loc[r, "fit"] > 0:
            assert gain == pytest.approx(min(0.1, 1 - before.loc[r, "fit"]))
            assert after.loc[r, "walk_findings"] == ("lighting",)
        else:
            assert gain == 0.0 and after.loc[r, "walk_findings"] == ()
    why = after.loc["street_lighting", "why_en"]
    assert "safety walk" in why and "poor lighting" in why


def test_the_sample_walk_agrees_and_disagrees_with_the_crime_data(diag):
    inv = inventory.run(diag, permutations=0)
    counts = inv.walk_counts
    pb = inv.problems.set_index("problem_id")
    # agreement: the dark footpath lies in the park-and-ride vehicle-crime problem's area
    vehicle = pb[
        (pb["kind"] == "place")
        & pb["categories"].map(lambda c: "theft_from_vehicle" in c)
        & pb["title_en"].str.contains("Stationnement incitatif")
    ].index
    assert len(vehicle) == 1
    assert counts.loc[vehicle[0], "walk_lighting"] >= 1
    assert counts.loc[vehicle[0], "walk_severity_3"] >= 1
    # disagreement: feeling unsafe in Parc des Pins lies in no crime problem's area
    assert counts["walk_feeling_unsafe"].sum() == 0
    w = diag.walks
    assert (w["category"] == "feeling_unsafe").sum() == 2
    # the strategy: street lighting for that problem fits better for the walk
    s = strategy.run(diag, inv, top=len(pb))
    r = s.ranking.set_index(["problem_id", "response_id"])
    row = r.loc[(vehicle[0], "street_lighting")]
    assert row["walk_findings"] == ("lighting",)
    no_walks = strategy.rank_responses(
        inv.problems, s.catalogue, inv.priority, top=len(pb), per_problem=50
    ).set_index(["problem_id", "response_id"])
    assert row["fit"] == pytest.approx(no_walks.loc[(vehicle[0], "street_lighting"), "fit"] + 0.1)


def test_step2_gap_rows_have_the_walks(diag):
    inv = inventory.run(diag, permutations=0)
    res = measures.run(diag, inv.problems, inv.priority)
    assert res.walk_gaps is not None and len(res.walk_gaps) == len(res.gaps)
    assert res.sector_walks["walk_observations"].sum() >= 9  # every observation in a sector
    s05 = res.sector_walks.set_index("sector").loc["S05"]
    assert s05["walk_feeling_unsafe"] == 2


# ----------------------------------------------------------------------------- maps
@pytest.mark.parametrize("lang", LANGS)
def test_walks_map_passes_the_layout_check(diag, lang):
    inv = inventory.run(diag, permutations=0)
    res = measures.run(diag, inv.problems, inv.priority)
    fig = maps.walks_map(
        diag.walks,
        diag.sectors,
        hot=inv.hot_spots,
        registry=res.registry,
        areas=res.areas,
        lang=lang,
        source=diag.config.municipality,
    )
    found = layout.layout_problems(fig)
    assert found.empty, found.to_string()
    labels = maps.legend_labels(fig)
    assert any(i18n.t("walk.category.lighting", lang) in x for x in labels)
    assert i18n.t("maps.walks.measures", lang) in labels
    texts = [t.get_text() for ax in fig.axes for t in ax.texts]
    assert any(diag.config.municipality in t for t in texts)  # the source note


def test_the_overview_counts_the_walks(diag):
    from diagnostic_lib.report import table_counts

    t = table_counts(diag, "en").set_index("Table")["Count"]
    assert t["Safety walks"] == 9


# ----------------------------------------------------------------------------- report
@pytest.mark.parametrize("public", [False, True])
def test_the_report_shows_the_walks_by_area_and_the_map_only_inside(diag, public):
    from diagnostic_lib.report import HtmlDocument
    from diagnostic_lib.report.sections.context import SectionContext
    from diagnostic_lib.report.sections.walks import walks_step1

    inv = inventory.run(diag, permutations=0)
    ctx = SectionContext(HtmlDocument("t", "en"), "en", public=public, threshold=5, diag=diag)
    ctx.doc.heading("Step 1")
    walks_step1(ctx, diag, inv)
    html = ctx.doc.render()
    assert i18n.t("report.walks.heading", "en") in html
    assert ("<img" in html) is not public  # the map of observations: internal only
    blocks = [b for s in ctx.doc._sections for b in s.body + s.lead] + [
        a["table"] for a in ctx.doc._appendix
    ]
    tables = [b for b in blocks if b["kind"] == "table"]
    assert len(tables) == 2  # by problem, by sector
    by_problem, by_sector = tables
    total = by_problem["header"].index(i18n.t("walk.observations", "en"))
    shown = [r[total] for r in by_problem["rows"]]
    raw = inv.walk_counts["walk_observations"]
    assert sum(raw) > 0
    if public:
        assert all(c == "< 5" or int(c) >= 5 for r in tables for row in r["rows"] for c in row[2:])
        assert "< 5" in shown
        assert "Tremblay" not in html and "POINT" not in html  # no free text, no position
    else:
        ranked = inv.priority.set_index("problem_id")["rank"]
        kinds = inv.problems.set_index("problem_id")["kind"]
        keep = [p for p in inv.priority["problem_id"] if kinds[p] != "municipality"]
        assert shown == [str(raw[p]) for p in keep]
        assert len(keep) == len(ranked) - (kinds == "municipality").sum()
    sectors = [r[0] for r in by_sector["rows"]]
    assert sectors == diag.sectors["name"].astype(str).tolist()  # names, not codes


def test_each_step2_gap_row_has_its_count_of_walk_observations(diag):
    from diagnostic_lib.report.sections.walks import with_walks

    inv = inventory.run(diag, permutations=0)
    res = measures.run(diag, inv.problems, inv.priority)
    gaps = with_walks(res.gaps, res.walk_gaps)
    counts = inv.walk_counts["walk_observations"]
    assert gaps["walk_observations"].tolist() == [counts[p] for p in res.gaps["problem_id"]]
    sec = with_walks(res.sector_gaps, res.sector_walks)
    assert sec["walk_observations"].sum() == res.sector_walks["walk_observations"].sum() > 0
    shown = measures.for_display(confidentiality.public_frame(gaps), "en")
    assert "Safety-walk observations" in shown.columns
    assert set(shown["Safety-walk observations"]) <= {"< 5"} | {v for v in counts if v >= 5}
