"""Step 2 (measures): registry, footprints, coverage, gaps, partners — and the sample's planted structure."""

from __future__ import annotations

import json
import re

import geopandas as gpd
import numpy as np
import pandas as pd
import pytest
import shapely

from diagnostic_lib import charts, i18n, inventory, maps, measures, sample, widgets

from .conftest import SAMPLE


@pytest.fixture(scope="module")
def gt():
    return sample.ground_truth()


@pytest.fixture(scope="module")
def inv(diag):
    return inventory.run(diag, permutations=19)


@pytest.fixture(scope="module")
def res(diag, inv):
    # the sample plants M03's displacement in a 300 m ring, the others in 200 m rings
    return measures.run(diag, inv.problems, inv.priority, buffer_m={"M03": 300.0})


def _row(frame: pd.DataFrame, **where) -> pd.Series:
    m = np.ones(len(frame), dtype=bool)
    for k, v in where.items():
        m &= (frame[k] == v).to_numpy()
    assert m.sum() == 1, where
    return frame[m].iloc[0]


# --------------------------------------------------------- planted problems -> found problems
def _planted_geometry(p: dict, diag):
    if p.get("zone_wkt"):
        return shapely.from_wkt(p["zone_wkt"])
    if p.get("geometry_wkt"):
        g = shapely.from_wkt(p["geometry_wkt"])
        return g if g.area > 0 else g.buffer(p.get("zone_buffer_m") or 50.0)
    secs = p.get("sectors") or ([p["sector"]] if p.get("sector") else [])
    if secs:
        return shapely.union_all(
            diag.sectors[diag.sectors["sector_id"].isin(secs)].geometry.to_numpy()
        )
    return None  # municipality-wide


def match_planted(name: str, p: dict, problems: pd.DataFrame, diag) -> str:
    """The found problem that best matches a planted one: geometry overlap × category overlap."""
    if p["kind"] == "perception":
        cand = problems[
            (problems["kind"] == "perception") & problems["sectors"].map(lambda s: p["sector"] in s)
        ]
        assert len(cand) == 1, name
        return str(cand["problem_id"].iloc[0])
    cats = set(p["categories"])
    geom = _planted_geometry(p, diag)
    best, best_score = None, 0.0
    for rec in problems.itertuples(index=False):
        common = cats & set(rec.categories)
        if not common:
            continue
        jaccard = len(common) / len(cats | set(rec.categories))
        if geom is None:
            overlap = 1.0 if rec.kind == "municipality" else 0.0
        elif rec.kind == "municipality":
            overlap = 0.0
        else:
            overlap = float(shapely.intersection(geom, rec.geometry).area / geom.area)
        if overlap * jaccard > best_score:
            best, best_score = str(rec.problem_id), overlap * jaccard
    assert best is not None and best_score > 0.1, (name, best_score)
    return best


@pytest.fixture(scope="module")
def matched(res, gt, diag):
    return {name: match_planted(name, p, res.problems, diag) for name, p in gt["problems"].items()}


def test_each_planted_problem_is_found_once(matched, gt):
    assert set(matched) == set(gt["problems"])
    assert len(set(matched.values())) == len(matched), matched


def test_coverage_matches_the_planted_structure(res, gt, matched):
    cov = res.coverage
    for name, planted in gt["coverage"].items():
        pid = matched[name]
        found = set(cov.loc[(cov["problem_id"] == pid) & (cov["level"] != "none"), "measure_id"])
        assert set(planted) <= found, (name, pid, sorted(found))
    # only the fraud / cyber-fraud rise is left uncovered; every other planted problem is
    # at least partially covered by an active measure
    summary = res.by_problem.set_index("problem_id")
    for name, pid in matched.items():
        if name in gt["uncovered_problems"]:
            assert summary.loc[pid, "level"] == "none"
            assert summary.loc[pid, "gap_reason"] == "uncovered"
            assert summary.loc[pid, "n_measures"] == 0
        else:
            assert summary.loc[pid, "level"] in ("partial", "strong"), (
                name,
                summary.loc[pid, "level"],
            )
            assert not summary.loc[pid, "gap"]
    assert gt["uncovered_problems"] == ["fraud_cyber_rise"]


def test_planned_and_ended_measures_stay_in_the_matrix_but_do_not_cover_now(res, matched):
    cov = res.coverage
    bar, burglary = matched["bar_strip"], matched["residential_burglary"]
    m10 = _row(cov, problem_id=bar, measure_id="M10")
    assert m10["status"] == "planned" and m10["level"] != "none" and not m10["current"]
    m08 = _row(cov, problem_id=burglary, measure_id="M08")
    assert m08["status"] == "ended" and m08["level"] != "none" and not m08["current"]
    s = res.by_problem.set_index("problem_id")
    assert "M10" in s.loc[bar, "planned"] and "M10" not in s.loc[bar, "measures"]
    assert "M08" in s.loc[burglary, "ended"] and "M08" not in s.loc[burglary, "measures"]
    # M05 started two months into the data: it is an active measure like any other here
    m05 = _row(cov, problem_id=bar, measure_id="M05")
    assert m05["status"] == "active" and m05["current"] and m05["level"] == "strong"
    assert "M05" in s.loc[bar, "measures"]


def test_coverage_both_ways_agree(res):
    cov = res.coverage[res.coverage["level"] != "none"]
    by_m = res.by_measure.set_index("measure_id")
    for rec in cov.itertuples(index=False):
        assert rec.problem_id in by_m.loc[rec.measure_id, "problems"]
    assert by_m["n_problems"].sum() == len(cov)
    matrix = res.matrix
    assert matrix.shape == (len(res.problems), len(res.registry))
    assert matrix.loc[res.by_problem["problem_id"].iloc[0]].isin(measures.LEVELS).all()


def test_fraud_gap_reported_with_the_cybercrime_partner(res, gt, matched):
    pid = matched["fraud_cyber_rise"]
    gaps = res.gaps.set_index("problem_id")
    assert pid in gaps.index and gaps.loc[pid, "gap_reason"] == "uncovered"
    assert int(gaps.loc[pid, "rank"]) == 1  # a gap at the top of the priority list
    sugg = res.partner_suggestions[res.partner_suggestions["problem_id"] == pid]
    first = sugg.iloc[0]
    assert first["partner_id"] == gt["cybercrime_partner"] == "P09"
    assert gt["suggested_partners"]["fraud_cyber_rise"] == ["P09"]
    assert {"cybercrime", "fraud"} <= set(first["expertise_matched"])
    assert first["serves"] == "all" and not first["involved"]
    assert first["n_matched"] > sugg["n_matched"].iloc[1:].max()
    # P09 takes part in no measure yet: an untapped partner
    roles = res.partner_roles.set_index("partner_id")
    assert roles.loc["P09", "n_measures"] == 0 and roles.loc["P09", "known"]
    # the same from the problem's card
    card = measures.problem_card(res, pid)
    assert card["partners"]["partner_id"].iloc[0] == "P09"
    assert card["measures"].empty


# ------------------------------------------------------------------------- edge cases
def test_measure_without_footprint_m07(res):
    reg = res.registry.set_index("measure_id")
    assert reg.loc["M07", "footprint"] == "none" and not reg.loc["M07", "has_area"]
    assert reg.loc["M07", "sectors_touched"] == ()
    j = int(np.flatnonzero(res.registry["measure_id"] == "M07")[0])
    assert res.areas.iloc[j] is None and res.rings.iloc[j] is None
    rows = res.coverage[res.coverage["measure_id"] == "M07"]
    assert (rows["spatial_basis"] == "no_footprint").all() and rows["spatial_share"].isna().all()
    # it can only be weak (thematic match) or none
    assert set(rows["level"]) == {"none", "weak"}
    assert rows.loc[rows["level"] == "weak", "note"].str.contains("no_footprint").all()
    weak_cats = rows.loc[rows["level"] == "weak", "categories_matched"]
    assert all(set(c) & {"assault", "disturbance", "mischief"} for c in weak_cats)
    ba = res.before_after.set_index("measure_id")
    assert ba.loc["M07", "note"] == "no_footprint" and pd.isna(ba.loc["M07", "treated_before"])
    assert "M07" in res.registry["measure_id"].tolist()


def test_municipality_wide_measures_m06_m18(res, gt, diag, matched):
    reg = res.registry.set_index("measure_id")
    all_sectors = tuple(diag.sectors["sector_id"])
    for mid in ("M06", "M18"):
        assert reg.loc[mid, "footprint"] == "municipality"
        assert reg.loc[mid, "sectors_touched"] == all_sectors
        j = int(np.flatnonzero(res.registry["measure_id"] == mid)[0])
        assert res.areas.iloc[j].area == pytest.approx(gt["town"]["area_m2"], rel=1e-3)
    cov = res.coverage
    # on a local problem a municipality-wide measure is diffuse: weak at most
    for mid in ("M06", "M18"):
        local = cov[(cov["measure_id"] == mid) & (cov["problem_id"] != matched["fraud_cyber_rise"])]
        assert set(local["level"]) <= {"none", "weak"}
        assert local.loc[local["level"] == "weak", "note"].str.contains("diffuse").all()
    # on a municipality-wide problem, it covers the whole place; only its topic decides
    fraud = cov[cov["problem_id"] == matched["fraud_cyber_rise"]].set_index("measure_id")
    assert fraud.loc["M06", "spatial_share"] == 1.0 and fraud.loc["M06", "thematic_share"] == 0.0
    assert fraud.loc["M06", "level"] == "none"
    # local footprints never cover a municipality-wide problem spatially
    local_fp = reg.index[reg["footprint"].isin(["point", "line", "polygon"])]
    assert (fraud.loc[local_fp, "spatial_share"] == 0.0).all()
    perception = _row(cov, problem_id=matched["perception_gap"], measure_id="M06")
    assert perception["level"] == "weak"


def test_ended_measure_m08(res, gt):
    reg = res.registry.set_index("measure_id")
    assert gt["ended_measures"] == ["M08"]
    assert reg.loc["M08", "status"] == "ended"
    assert list(res.registry.loc[res.registry["status"] == "planned", "measure_id"]) == ["M10"]
    assert reg.loc["M08", "months_active"] == pytest.approx(12.0, abs=0.1)
    assert reg.loc["M10", "months_active"] == 0.0
    summ = measures.registry_summary(res.registry, "status").set_index("status")
    assert summ.loc["ended", "measure_ids"] == ("M08",) and summ.loc["planned", "measure_ids"] == (
        "M10",
    )


def test_unknown_partner_m09_is_in_the_ledger_and_the_registry(res, diag, gt):
    assert gt["unknown_partner_ids"] == ["P99"]
    led = res.ledger
    hit = led[(led["reason"] == "partner_unknown") & (led["value"] == "P99")]
    assert len(hit) == 1 and hit["action"].iloc[0] == "flagged"
    reg = res.registry.set_index("measure_id")
    assert len(res.registry) == len(diag.measures) == 18  # never dropped
    assert reg.loc["M09", "partners"] == ("P02", "P99")
    assert reg.loc["M09", "unknown_partners"] == ("P99",)
    assert (res.registry["unknown_partners"].map(len) > 0).sum() == 1
    by_partner = measures.registry_summary(res.registry, "partner").set_index("partner")
    assert by_partner.loc["P99", "unknown"] and by_partner.loc["P99", "measure_ids"] == ("M09",)
    assert not by_partner.loc["P02", "unknown"]
    roles = res.partner_roles.set_index("partner_id")
    assert not roles.loc["P99", "known"] and roles.loc["P99", "measure_ids"] == ("M09",)
    shown = measures.for_display(res.registry, "en")
    assert "Unknown partners" in shown.columns
    assert shown.loc[shown["Measure"] == "M09", "Unknown partners"].iloc[0] == "P99"


def test_registry_views_add_up(res):
    reg = res.registry
    for by in ("pillar", "kind", "status", "footprint"):
        s = measures.registry_summary(reg, by)
        assert s["n_measures"].sum() == len(reg), by
        assert (s[list(measures.STATUSES)].sum(axis=1) == s["n_measures"]).all()
    by_pillar = measures.registry_summary(reg, "pillar").set_index("pillar")
    assert (
        by_pillar.loc["prevention", "cost_total"]
        == reg.loc[reg["pillar"] == "prevention", "cost"].sum()
    )
    # M07's cost is unknown: counted in cost_known, not as zero
    assert (
        by_pillar.loc["rapprochement", "cost_known"]
        == by_pillar.loc["rapprochement", "n_measures"] - 1
    )
    by_sector = measures.registry_summary(reg, "sector").set_index("sector")
    assert by_sector.loc["—", "measure_ids"] == ("M07",)
    assert by_sector.loc["S05", "n_measures"] == 3  # M14 and the two municipality-wide measures
    with pytest.raises(ValueError, match="cannot group"):
        measures.registry_summary(reg, "colour")


def test_before_after_counts_match_the_samples_realised_counts(res):
    realised = json.loads((SAMPLE / "manifest.json").read_text(encoding="utf-8"))["realised"][
        "measure_counts_12m"
    ]
    ba = res.before_after.set_index("measure_id")
    for mid, c in realised.items():
        assert int(ba.loc[mid, "treated_before"]) == c["treated_before"], mid
        assert int(ba.loc[mid, "treated_after"]) == c["treated_after"], mid
        # the generator snaps its rings to a 0.1 m grid: one M03 incident lies 2 cm inside
        # the exact ring's outer edge and outside the snapped one
        assert abs(int(ba.loc[mid, "buffer_before"]) - c["buffer_before"]) <= 1, mid
        assert abs(int(ba.loc[mid, "buffer_after"]) - c["buffer_after"]) <= 1, mid
    assert ba.loc["M04", "note"] == "after_truncated" and ba.loc["M04", "after_days"] == 92
    assert "before_truncated" in ba.loc["M05", "note"] and ba.loc["M05", "before_days"] == 59
    assert ba.loc["M10", "note"] == "starts_after_data"


def test_sector_gaps_flag_and_numbers(res, diag):
    sg = res.sector_gaps.set_index("sector")
    assert set(sg.index) == set(diag.sectors["sector_id"])
    rule = res.sector_gaps.attrs["rule"]
    flagged = sg[sg["flag"]]
    assert len(flagged) >= 1
    assert (flagged["n_problems"] >= rule["median_problems"]).all()
    assert (flagged["n_measures_local"] <= rule["median_local_measures"]).all()
    assert (flagged["n_problems"] > flagged["n_measures_local"]).all()
    assert (sg["n_measures_municipal"] == 2).all()  # M06 and M18
    assert sg["n_incidents"].sum() == diag.incidents["sector"].notna().sum()


def test_single_pillar_problems(res):
    sp = res.single_pillar
    assert (sp["n_pillars"] == 1).all() and len(sp)
    for rec in sp.itertuples(index=False):
        assert rec.pillar not in rec.missing_pillars and len(rec.missing_pillars) == 3


def test_perception_issue_of_the_gap_sector(res, gt):
    pi = res.problems[res.problems["kind"] == "perception"]
    assert list(pi["sectors"]) == [(gt["problems"]["perception_gap"]["sector"],)]
    assert set(gt["problems"]["perception_gap"]["top_concerns"]) <= set(pi["concern_codes"].iloc[0])
    assert "burglary" in pi["categories"].iloc[0]
    assert pd.isna(_row(res.by_problem, problem_id="PG-S05")["rank"])


# ------------------------------------------------------------------ synthetic cases
@pytest.fixture
def tiny():
    sec = gpd.GeoDataFrame(
        {"sector_id": ["A", "B"], "name": ["a", "b"], "population": [1000.0, 1000.0]},
        geometry=[shapely.box(0, 0, 100, 100), shapely.box(100, 0, 200, 100)],
    )
    pb = gpd.GeoDataFrame(
        {
            "problem_id": ["P1", "P2"],
            "kind": ["place", "municipality"],
            "title_fr": ["p1", "p2"],
            "title_en": ["p1", "p2"],
            "categories": [("theft", "mischief"), ("fraud",)],
            "families": [("property", "disorder"), ("fraud_cyber",)],
            "sectors": [("A",), ("A", "B")],
            "dominant_shift": ["nuit", "jour"],
            "excluded": [False, False],
        },
        geometry=[shapely.box(0, 0, 50, 50), shapely.box(0, 0, 200, 100)],
    )
    inc = gpd.GeoDataFrame(
        {
            "category": ["theft"] * 9 + ["mischief"] + ["fraud"] * 4,
            "shift": ["nuit"] * 10 + ["jour"] * 4,
            "sector": ["A"] * 10 + ["A", "B", "B", None],
            "occurred_from": pd.to_datetime(["2024-06-01"] * 14),
        },
        geometry=[shapely.Point(10, 10)] * 5 + [shapely.Point(40, 40)] * 5 + [None] * 4,
    )
    return sec, pb, inc


def _measures(**cols) -> gpd.GeoDataFrame:
    n = len(cols["measure_id"])
    base = {
        "pillar": ["prevention"] * n,
        "footprint": ["polygon"] * n,
        "footprint_sectors": [()] * n,
        "target_categories": [()] * n,
        "target_shifts": [()] * n,
        "partners": [()] * n,
        "start": pd.to_datetime(["2024-01-01"] * n),
        "end": pd.to_datetime([None] * n),
    }
    base.update({k: v for k, v in cols.items() if k != "geometry"})
    return gpd.GeoDataFrame(base, geometry=cols.get("geometry", [None] * n))


def test_thematic_share_weighs_the_problems_own_incidents(tiny):
    sec, pb, inc = tiny
    m = _measures(
        measure_id=["M1"], target_categories=[("mischief",)], geometry=[shapely.box(0, 0, 50, 50)]
    )
    with_inc = measures.coverage(pb, m, sec, inc, ref_date="2025-12-31")
    without = measures.coverage(pb, m, sec, ref_date="2025-12-31")
    p1 = with_inc[with_inc["problem_id"] == "P1"].iloc[0]
    assert p1["thematic_share"] == pytest.approx(0.1)  # 1 mischief out of 10 incidents
    assert p1["level"] == "weak"
    assert (
        without[without["problem_id"] == "P1"].iloc[0]["thematic_share"] == 0.5
    )  # 1 of 2 categories
    # an empty target list means every category
    m_all = _measures(measure_id=["M2"], geometry=[shapely.box(0, 0, 50, 50)])
    assert measures.coverage(pb, m_all, sec, inc, ref_date="2025-12-31")[
        "thematic_share"
    ].tolist() == [1.0, 1.0]


def test_spatial_share_counts_the_problems_incidents_in_the_treated_area(tiny):
    sec, pb, inc = tiny
    m = _measures(
        measure_id=["M1", "M2"], geometry=[shapely.box(0, 0, 20, 20), shapely.box(0, 0, 50, 50)]
    )
    c = measures.coverage(pb, m, sec, inc, ref_date="2025-12-31")
    p1 = c[c["problem_id"] == "P1"].set_index("measure_id")
    # M1 holds half of P1's incidents but only 16 % of its area
    assert p1.loc["M1", "spatial_share"] == 0.5 and p1.loc["M1", "spatial_basis"] == "incidents"
    assert p1.loc["M1", "level"] == "partial"
    assert p1.loc["M2", "level"] == "strong"
    no_inc = measures.coverage(pb, m, sec, ref_date="2025-12-31").set_index(
        ["problem_id", "measure_id"]
    )
    assert no_inc.loc[("P1", "M1"), "spatial_share"] == pytest.approx(0.16)


def test_municipality_problem_is_covered_only_by_sector_or_municipality_measures(tiny):
    sec, pb, inc = tiny
    m = _measures(
        measure_id=["Mloc", "Msec", "Mmun"],
        footprint=["polygon", "sectors", "municipality"],
        footprint_sectors=[(), ("B",), ()],
        target_categories=[("fraud",)] * 3,
        geometry=[shapely.box(0, 0, 200, 100), None, None],
    )
    c = measures.coverage(pb, m, sec, inc, ref_date="2025-12-31")
    p2 = c[c["problem_id"] == "P2"].set_index("measure_id")
    assert p2.loc["Mloc", "spatial_share"] == 0.0 and p2.loc["Mloc", "level"] == "none"
    # 2 of the 3 fraud incidents with a known sector are in B
    assert (
        p2.loc["Msec", "spatial_share"] == pytest.approx(2 / 3)
        and p2.loc["Msec", "level"] == "strong"
    )
    assert p2.loc["Mmun", "spatial_share"] == 1.0 and p2.loc["Mmun", "level"] == "strong"


def test_shift_mismatch_lowers_the_level_but_not_below_weak(tiny):
    sec, pb, inc = tiny
    m = _measures(
        measure_id=["Mnight", "Mday"],
        target_shifts=[("nuit",), ("jour",)],
        geometry=[shapely.box(0, 0, 50, 50)] * 2,
    )
    c = measures.coverage(pb, m, sec, inc, ref_date="2025-12-31")
    p1 = c[c["problem_id"] == "P1"].set_index("measure_id")
    assert p1.loc["Mnight", "shift_match"] == "match" and p1.loc["Mnight", "level"] == "strong"
    assert p1.loc["Mday", "shift_match"] == "mismatch" and p1.loc["Mday", "level"] == "partial"
    assert "shift_mismatch" in p1.loc["Mday", "note"]
    assert measures.coverage_level(0.3, 0.3, shift="mismatch") == "weak"
    assert measures.coverage_level(0.2, 0.2, shift="mismatch") == "none"
    assert measures.coverage_level(1.0, 1.0, shift="partial") == "strong"


def test_thresholds_are_configurable(tiny):
    sec, pb, inc = tiny
    m = _measures(measure_id=["M1"], geometry=[shapely.box(0, 0, 20, 20)])
    c = measures.coverage(pb, m, sec, inc, ref_date="2025-12-31", thresholds={"strong": 0.5})
    assert c.loc[c["problem_id"] == "P1", "level"].iloc[0] == "strong"


def test_status_boundaries():
    m = pd.DataFrame(
        {
            "start": pd.to_datetime(["2025-12-31", "2026-01-01", "2020-01-01", None]),
            "end": pd.to_datetime([None, None, "2025-12-31", "2025-12-30"]),
        }
    )
    assert measures.status(m, "2025-12-31").tolist() == ["active", "planned", "active", "ended"]


def test_gap_reasons_from_planned_or_ended_measures():
    cov = pd.DataFrame(
        {
            "problem_id": ["A", "B", "C", "D", "E"],
            "measure_id": ["M1", "M2", "M3", "M4", "M5"],
            "pillar": ["prevention"] * 5,
            "status": ["planned", "ended", "active", "active", "active"],
            "level": ["strong", "strong", "weak", "none", "strong"],
        }
    )
    pb = pd.DataFrame(
        {
            "problem_id": list("ABCDE"),
            "title_fr": list("abcde"),
            "title_en": list("abcde"),
            "excluded": [False, False, False, False, True],
        }
    )
    s = measures.problem_coverage(cov, pb).set_index("problem_id")
    assert s["gap_reason"].to_dict() == {
        "A": "only_planned",
        "B": "only_ended",
        "C": "weak",
        "D": "uncovered",
    }
    assert "E" not in s.index  # excluded problems are left out


def test_equal_matched_categories_are_one_tuple(res):
    """Each pair's tuple of matched categories: equal tuples are one object (one per
    distinct value, not one per problem and target group), with the values unchanged."""
    matched = res.coverage["categories_matched"].tolist()
    distinct = set(matched)
    assert len(matched) > 3 * len(distinct) >= 6  # the sample repeats them
    assert len({id(t) for t in matched}) == len(distinct)
    cats = res.problems.set_index("problem_id")["categories"]
    for rec in res.coverage.head(200).itertuples(index=False):
        assert set(rec.categories_matched) <= set(cats[rec.problem_id])


def test_coverage_summaries_keep_one_string_per_value():
    """A municipality-wide measure relates to every problem of its categories: the
    summaries' tuples must not hold a copy of ``"weak"`` (or of a problem's identifier)
    per pair, but the same string each time (at 5M incidents, 2.3 million pairs made
    650 MB of copies). The values themselves are those of the table."""
    n_pb, n_m = 400, 6
    cov = pd.DataFrame(
        {
            "problem_id": np.repeat([f"P{k:04d}" for k in range(n_pb)], n_m),
            "measure_id": np.tile([f"M{j}" for j in range(n_m)], n_pb),
            "pillar": np.tile(
                ["prevention", "partenariat", "resolution", "prevention", "x", "x"], n_pb
            ),
            "status": "active",
            "level": np.tile(["weak", "weak", "partial", "strong", "weak", "weak"], n_pb),
        }
    )
    pb = pd.DataFrame({"problem_id": cov["problem_id"].unique(), "title_fr": "t", "title_en": "t"})
    reg = pd.DataFrame({"measure_id": [f"M{j}" for j in range(n_m)], "name": "m"})
    by_m = measures.measure_coverage(cov, reg).set_index("measure_id")
    by_p = measures.problem_coverage(cov, pb).set_index("problem_id")
    assert by_m.loc["M0", "problems"] == tuple(f"P{k:04d}" for k in range(n_pb))
    assert set(by_m.loc["M0", "problem_levels"]) == {"weak"}
    levels = [x for t in by_m["problem_levels"] for x in t]
    ids = [x for t in by_m["problems"] for x in t]
    assert len(levels) == n_pb * n_m and len({id(x) for x in levels}) == 3
    assert len({id(x) for x in ids}) == n_pb  # one string per problem, not one per pair
    measures_listed = [x for t in by_p["measures"] for x in t]
    assert len(measures_listed) == n_pb * n_m and len({id(x) for x in measures_listed}) == n_m


def test_partner_suggestions_respect_sectors_served_and_a_custom_map(tiny):
    sec, pb, _ = tiny
    s = pd.DataFrame(
        {
            "problem_id": ["P1"],
            "title_fr": ["p1"],
            "title_en": ["p1"],
            "rank": pd.array([1], dtype="Int64"),
            "level": ["none"],
            "gap_reason": ["uncovered"],
            "measures": [()],
        }
    )
    partners = pd.DataFrame(
        {
            "partner_id": ["Pa", "Pb", "Pc"],
            "name": ["a", "b", "c"],
            "kind": ["x"] * 3,
            "expertise": [("youth",), ("youth",), ("housing",)],
            "sectors_served": [("A",), ("B",), ()],
        }
    )
    out = measures.partner_suggestions(pb, s, partners)
    assert out["partner_id"].tolist() == [
        "Pa"
    ]  # Pb serves B only, Pc's expertise is not in the map
    both = measures.partner_suggestions(pb, s, partners, include_not_serving=True)
    assert both.set_index("partner_id")["serves"].to_dict() == {"Pa": "all", "Pb": "no"}
    custom = measures.partner_suggestions(pb, s, partners, expertise_map={"housing": ("theft",)})
    assert custom["partner_id"].tolist() == ["Pc"]
    assert custom["targets_matched"].iloc[0] == ("theft",)


def test_sector_gaps_rule_on_a_small_case():
    sec = pd.DataFrame({"sector_id": list("ABCD"), "name": list("abcd"), "population": [100.0] * 4})
    pb = pd.DataFrame(
        {
            "problem_id": ["P1", "P2", "P3", "P4", "P5"],
            "kind": ["place", "area", "place", "area", "municipality"],
            "sectors": [("A",), ("A", "B"), ("A",), ("C",), ("A", "B", "C", "D")],
        }
    )
    reg = pd.DataFrame(
        {
            "measure_id": ["M1", "M2", "M3", "M4"],
            "status": ["active", "active", "ended", "active"],
            "footprint": ["polygon", "sectors", "polygon", "municipality"],
            "sectors_touched": [("C",), ("C", "D"), ("A",), ("A", "B", "C", "D")],
        }
    )
    sg = measures.sector_gaps(pb, reg, sec).set_index("sector")
    assert sg["n_problems"].to_dict() == {"A": 3, "B": 1, "C": 1, "D": 0}
    assert sg["n_measures_local"].to_dict() == {
        "A": 0,
        "B": 0,
        "C": 2,
        "D": 1,
    }  # the ended M3 does not count
    assert sg["flag"].to_dict() == {"A": True, "B": True, "C": False, "D": False}
    assert (sg["n_measures_municipal"] == 1).all()


def test_measure_sectors_min_share():
    sec = gpd.GeoDataFrame(
        {"sector_id": ["A", "B"]},
        geometry=[shapely.box(0, 0, 100, 100), shapely.box(100, 0, 200, 100)],
    )
    m = gpd.GeoDataFrame(
        {"footprint": ["polygon"], "footprint_sectors": [()]},
        geometry=[shapely.box(0, 0, 100.5, 10)],
    )
    assert measures.measure_sectors(m, sec).tolist() == [("A",)]
    assert measures.measure_sectors(m, sec, min_share=0.001).tolist() == [("A", "B")]


def test_display_tables_are_bilingual(res):
    fr = measures.for_display(res.by_problem, "fr")
    en = measures.for_display(res.by_problem, "en")
    assert "Couverture" in fr.columns and "Coverage" in en.columns
    assert set(fr["Couverture"]) <= {i18n.t(f"coverage.{lv}", "fr") for lv in measures.LEVELS}
    assert set(en["Coverage"]) <= {i18n.t(f"coverage.{lv}", "en") for lv in measures.LEVELS}
    assert "title_en" not in fr.columns and "Titre" in fr.columns and "Title" in en.columns
    reg_en = measures.for_display(res.registry, "en")
    assert set(reg_en["Pillar"]) == {
        i18n.t(f"pillar.{p}", "en") for p in res.registry["pillar"].unique()
    }
    assert not any(re.fullmatch(r"[a-z_]+", str(v)) for v in reg_en["Kind"])  # labels, not codes
    tables = (
        "registry",
        "coverage",
        "by_problem",
        "by_measure",
        "gaps",
        "single_pillar",
        "sector_gaps",
        "partner_roles",
        "partner_suggestions",
        "before_after",
    )
    for name in tables:
        for lang in ("fr", "en"):
            shown = measures.for_display(getattr(res, name), lang)
            assert shown.columns.is_unique, (name, lang)
            assert not [c for c in shown.columns if re.fullmatch(r"[a-z_]+", c)], (name, lang)
    sym = measures.coverage_matrix(res.coverage, "fr")
    assert sym.stack().str.contains("(prévue)", regex=False).sum() >= 1


# ------------------------------------------------------------------------ maps and charts
@pytest.mark.parametrize("lang", ["fr", "en"])
def test_step2_maps_render_with_legends(res, inv, diag, lang):
    figs = {
        "measures": maps.measures_map(
            res.registry,
            res.areas,
            diag.sectors,
            rings=res.rings,
            problems=res.problems,
            hot=inv.hot_spots,
            lang=lang,
            buffer_m=200,
        ),
        "gap": maps.gap_map(
            res.problems, res.by_problem, diag.sectors, sector_gaps=res.sector_gaps, lang=lang
        ),
        "timeline": charts.measures_timeline(
            res.registry,
            ref_date=diag.config.period_end,
            period_start=diag.config.period_start,
            lang=lang,
        ),
        "network": charts.partner_network(
            res.registry,
            res.partner_roles,
            links=res.coverage,
            by_problem=res.by_problem,
            suggestions=res.partner_suggestions,
            lang=lang,
        ),
    }
    card = measures.measure_card(res, diag.incidents, "M01")
    figs["detail"] = maps.measure_detail_map(
        card["area"],
        card["ring"],
        card["incidents"],
        diag.sectors,
        title="M01",
        lang=lang,
        pillar="prevention",
    )
    legends = {k: maps.legend_labels(f) for k, f in figs.items()}
    for k, f in figs.items():
        assert not maps.is_blank(maps.figure_to_png(f, dpi=60)), k
    pillar_labels = [
        i18n.t(f"pillar.{p}", lang)
        for p in ("rapprochement", "partenariat", "resolution", "prevention")
    ]
    for p in pillar_labels:
        assert any(t.startswith(p + " (") for t in legends["measures"]), p
        assert p in legends["timeline"] and p in legends["network"]
    assert ("Anneau tampon (200 m)" if lang == "fr" else "Buffer ring (200 m)") in legends[
        "measures"
    ]
    level_none = i18n.t("coverage.none", lang)
    assert f"{level_none} (3)" in legends["gap"]  # the fraud problem and two vehicle-crime areas
    assert any(t.endswith("S03, S04") for t in legends["gap"])
    assert (
        "Partner not in the partners file"
        if lang == "en"
        else "Partenaire absent du fichier des partenaires"
    ) in (legends["network"])
    before = (
        "Avant : 136 dans la zone, 62 dans l'anneau"
        if lang == "fr"
        else "Before: 136 in the area, 62 in the ring"
    )
    assert before in legends["detail"]


def test_detail_map_of_a_measure_without_footprint(res, diag):
    card = measures.measure_card(res, diag.incidents, "M07")
    assert card["area"] is None and card["incidents"].empty
    fig = maps.measure_detail_map(
        card["area"], card["ring"], card["incidents"], diag.sectors, title="M07", lang="en"
    )
    assert "No footprint: nothing to map" in [t.get_text() for t in fig.axes[0].texts]
    assert not maps.is_blank(maps.figure_to_png(fig, dpi=60))


def test_interactive_measures_map_has_a_layer_per_pillar_and_works_offline(res, inv, diag):
    m = maps.measures_interactive_map(
        res.registry,
        res.areas,
        diag.sectors,
        rings=res.rings,
        problems=res.problems,
        hot=inv.hot_spots,
        by_problem=res.by_problem,
        lang="fr",
    )
    html = m.get_root().render()
    assert "L.control.layers" in html
    counts = res.registry["pillar"].value_counts()
    for p in ("rapprochement", "partenariat", "resolution", "prevention"):
        name = f"Mesures — {i18n.t(f'pillar.{p}', 'fr')} ({counts[p]})"
        assert json.dumps(name) in html, name
    assert json.dumps("Anneaux tampons") in html
    head = html.split("<body>")[0]
    assert "https://" not in head and "http://" not in head  # Leaflet is embedded
    assert not re.search(r"<script[^>]+src=\"https?://", html)
    assert "Toute la municipalité" in html and "M06" in html and "Sans empreinte" in html


# ------------------------------------------------------------------------------ widgets
def test_measure_explorer_wires_the_card(res, diag):
    ex = widgets.measure_card_explorer(res, diag.incidents, diag.sectors, lang="fr")
    ex.controls["measure_id"].value = "M01"
    plain = measures.measure_card(res, diag.incidents, "M01")
    pd.testing.assert_frame_equal(ex.result["counts"], plain["counts"])
    assert ex.result["counts"][["treated_before", "treated_after"]].values.tolist() == [[136, 83]]
    assert "PB-" in ex.outputs["table"].value and ex.outputs["map"].value[:4] == b"\x89PNG"
    ex.controls["measure_id"].value = "M07"
    assert ex.result["counts"]["note"].iloc[0] == "no_footprint"
    assert "Aucune empreinte" in ex.outputs["table"].value


def test_problem_explorer_wires_the_card(res, matched):
    ex = widgets.problem_explorer(res, lang="en")
    ex.controls["problem_id"].value = matched["bar_strip"]
    plain = measures.problem_card(res, matched["bar_strip"])
    pd.testing.assert_frame_equal(ex.result["measures"], plain["measures"])
    assert {"M05", "M10", "M15"} <= set(ex.result["measures"]["measure_id"])
    assert "Planned" in ex.outputs["table"].value


def test_display_columns_of_step_2_name_columns_of_its_tables(res, diag):
    from diagnostic_lib.measures.results import DISPLAY_COLUMNS

    card = measures.measure_card(res, diag.incidents, "M01")
    tables = {"before_after": card["counts"]}
    for name in DISPLAY_COLUMNS:
        cols = res.display_columns(name, "en")
        assert set(cols) <= set(tables.get(name, getattr(res, name, None)).columns), name
        assert cols == measures.MeasureInventory.display_columns(name, "fr")  # both languages
    shown = measures.for_display(res.registry[res.display_columns("registry")], "en")
    assert "Name" in shown.columns and len(shown.columns) == len(DISPLAY_COLUMNS["registry"]) - 1


# ------------------------------------------------------------------ tunables from the config
def _with(diag, measures_table=None, **parameters):
    """The sample diagnosis with some ``[parameters]`` changed (and another measures table)."""
    import dataclasses

    from diagnostic_lib import settings

    cfg = dataclasses.replace(
        diag.config, parameters=settings.validate({**diag.config.parameters, **parameters})
    )
    changes = {"config": cfg}
    if measures_table is not None:
        changes["measures"] = measures_table
    return dataclasses.replace(diag, **changes)


def _widths(rings, areas) -> np.ndarray:
    """The width of each ring: how far its farthest vertex lies from the treated area."""
    out = []
    for r, a in zip(rings, areas, strict=True):
        if r is None or a is None:
            out.append(np.nan)
            continue
        far = shapely.distance(a, shapely.points(shapely.get_coordinates(r))).max()
        out.append(round(float(far), 1))
    return np.array(out)


def test_run_honours_the_configs_buffer_m(diag, inv, res):
    # before, run drew 200 m rings whatever the config said, while step 3 used the config's
    d = _with(diag, buffer_m=300.0)
    r300 = measures.run(d, inv.problems, inv.priority)
    # a measure without a width of its own takes the config's; the others keep theirs
    assert r300.parameters["buffer_default_m"] == 300.0
    own = pd.to_numeric(diag.measures["buffer_m"], errors="coerce").to_numpy()
    w = _widths(r300.rings, r300.areas)
    drawn = np.isfinite(w)
    assert np.array_equal(w[drawn], np.where(np.isnan(own), 300.0, own)[drawn])
    assert (np.isnan(own) & drawn).any() and (own[drawn] == 200.0).any()
    # M03 had a 300 m ring in the module's fixture (an explicit argument): same counts
    cols = ["treated_before", "treated_after", "buffer_before", "buffer_after"]
    ba300, ba = r300.before_after.set_index("measure_id"), res.before_after.set_index("measure_id")
    assert ba300.loc["M03", cols].tolist() == ba.loc["M03", cols].tolist()
    # an explicit width per measure wins; the others take the config's
    assert set(
        _widths(
            measures.run(
                d,
                inv.problems,
                inv.priority,
                buffer_m={"M01": 100.0},
                include_perception=False,
                pairs="related",
            ).rings,
            r300.areas,
        )[[0, 2]]
    ) == {100.0, 300.0}  # M01, M03


def test_run_honours_every_other_step2_tunable_of_the_config(diag, inv):
    mea = diag.measures.copy()
    mea.loc[mea["measure_id"] == "M16", "reach_m"] = np.nan  # a point without its own reach
    d = _with(
        diag,
        mea,
        reach_m=80.0,
        coverage_thresholds={"strong": 0.5},
        sector_min_share=0.2,
        before_after_days=180,
        sector_gaps_top=3,
        include_perception=False,
        max_coverage_pairs=1,
    )
    r = measures.run(d, inv.problems, inv.priority)
    p = r.parameters
    assert (p["reach_m"], p["window_days"], p["sector_min_share"], p["sector_gaps_top"]) == (
        80.0,
        180,
        0.2,
        3,
    )
    # reach_m: M16's point is widened by 80 m
    m16 = r.areas[(mea["measure_id"] == "M16").to_numpy()].iloc[0]
    assert m16.area == pytest.approx(np.pi * 80**2, rel=0.01)
    # coverage_thresholds: every uncapped level follows the config's thresholds
    assert p["thresholds"] == {"weak": 0.05, "partial": 0.25, "strong": 0.5}
    plain = r.coverage[(r.coverage["note"] == "") & r.coverage["score"].notna()]
    expected = [
        measures.coverage_level(t, s, thresholds=p["thresholds"]) if sh != "mismatch" else lv
        for t, s, sh, lv in plain[
            ["thematic_share", "spatial_share", "shift_match", "level"]
        ].itertuples(index=False)
    ]
    assert plain["level"].tolist() == expected
    assert ((plain["score"] >= 0.5) & (plain["score"] < 0.6) & (plain["level"] == "strong")).any()
    # sector_min_share: the sectors a measure touches
    assert (
        r.registry["sectors_touched"].tolist()
        == measures.measure_sectors(mea, diag.sectors, r.areas, min_share=0.2).tolist()
    )
    # before_after_days: windows of 180 days at most
    counted = r.before_after[
        r.before_after["note"].isin(["", "before_truncated", "after_truncated"])
    ]
    assert len(counted) and (counted["before_days"] <= 180).all()
    assert (counted["after_days"] <= 180).all() and (counted["before_days"] == 180).any()
    # sector_gaps_top: the priority problems of the sector gaps are the top 3
    sg = measures.sector_gaps(r.problems, r.registry, diag.sectors, r.by_problem, top=3)
    assert (
        r.sector_gaps.set_index("sector")["n_priority_problems"].sort_index().tolist()
        == sg.set_index("sector")["n_priority_problems"].sort_index().tolist()
    )
    assert 0 < r.sector_gaps["n_priority_problems"].max() <= 3
    # include_perception: no perception issue; max_coverage_pairs: only the related pairs
    assert "perception" not in set(r.problems["kind"])
    assert p["pairs"] == "related" and r.coverage.attrs["pairs"] == "related"
    assert (r.coverage["level"] != "none").all()


def test_step2_tunables_are_checked_in_the_config():
    from diagnostic_lib import errors, settings

    with pytest.raises(errors.ConfigError, match="coverage_thresholds.strong"):
        settings.validate({"coverage_thresholds": {"strong": 1.5}}, "diagnostic.toml")
    with pytest.raises(errors.ConfigError, match="unknown key 'medium'"):
        settings.validate({"coverage_thresholds": {"medium": 0.3}}, "diagnostic.toml")
    with pytest.raises(errors.ConfigError, match="before_after_days must be a whole number"):
        settings.validate({"before_after_days": 90.5}, "diagnostic.toml")
    with pytest.raises(errors.ConfigError, match="include_perception must be true or false"):
        settings.validate({"include_perception": "yes"}, "diagnostic.toml")
    # the old constants are the settings' defaults
    assert measures.DEFAULT_BUFFER_M == settings.default("buffer_m") == 200.0
    assert measures.DEFAULT_THRESHOLDS == settings.default("coverage_thresholds")
    assert measures.DEFAULT_WINDOW_DAYS == settings.default("before_after_days") == 365
    assert measures.DEFAULT_REACH_M == settings.default("reach_m") == 50.0
    assert measures.MAX_COVERAGE_PAIRS == settings.default("max_coverage_pairs")


def test_a_measure_with_only_unmapped_targets_covers_no_problem():
    """Its empty target list is not "every category": a vehicle-theft scheme written
    'Vol dans véhicule' must not cover every problem in town until it is mapped."""
    import shapely

    from diagnostic_lib.measures import coverage

    sec = gpd.GeoDataFrame({"sector_id": ["A"]}, geometry=[shapely.box(0, 0, 100, 100)])
    pb = gpd.GeoDataFrame(
        {
            "problem_id": ["P1"],
            "kind": ["place"],
            "categories": [("theft",)],
            "dominant_shift": ["nuit"],
        },
        geometry=[shapely.box(0, 0, 50, 50)],
    )
    m = gpd.GeoDataFrame(
        {
            "measure_id": ["M1", "M2"],
            "pillar": ["prevention"] * 2,
            "footprint": ["polygon"] * 2,
            "footprint_sectors": [(), ()],
            "target_categories": [(), ()],
            "target_shifts": [(), ()],
            "targets_unmapped": [False, True],
            "start": pd.to_datetime(["2024-01-01"] * 2),
            "end": pd.NaT,
        },
        geometry=[shapely.box(0, 0, 50, 50)] * 2,
    )
    c = coverage(pb, m, sec, ref_date="2025-12-31").set_index("measure_id")
    assert c.loc["M1", "thematic_share"] == 1.0 and c.loc["M1", "level"] != "none"
    assert c.loc["M2", "thematic_share"] == 0.0 and c.loc["M2", "level"] == "none"


def test_step_2_takes_step_1s_result_as_it_is(diag, inv, res):
    # run(diag, inventory.run(diag)) is step 1's register and priority, not a traceback
    whole = measures.run(diag, inv, buffer_m=res.parameters["buffer_m"])
    pd.testing.assert_frame_equal(whole.by_problem, res.by_problem)
    with pytest.raises(TypeError, match="problem register"):
        measures.run(diag, [1, 2, 3])


def test_before_after_from_the_worker_equals_the_counts_made_here(
    diag, inv, monkeypatch, sent_to_worker
):
    """Step 2 sends its before/after counts to a second process: the same tables."""
    import copy
    import dataclasses

    from diagnostic_lib import schema, settings
    from diagnostic_lib.measures import results

    monkeypatch.setattr(results, "_WORKER_MIN_INCIDENTS", 0)  # the sample goes too
    out = {}
    for on in (True, False):
        d = copy.copy(diag)
        given = settings.validate({"worker_process": on}, "t.toml")
        d.config = dataclasses.replace(diag.config, parameters=given)
        if not on:  # the reference reads the whole incidents table: nothing left behind
            monkeypatch.setattr(schema, "INCIDENT_PROVENANCE", ())
        out[on] = measures.run(d, inv.problems, inv.priority)
    assert sent_to_worker == [("before_after_counts", True), ("before_after_counts", False)]
    there, here = out[True].before_after, out[False].before_after
    assert (here["treated_before"] + here["treated_after"]).sum() > 0
    pd.testing.assert_frame_equal(there, here)
    pd.testing.assert_frame_equal(out[True].coverage, out[False].coverage)


def test_buffer_ring_clips_only_the_rings_that_cross_the_boundary():
    # a ring inside the municipality is kept whole; one that crosses its edge is cut to it
    town = shapely.box(0, 0, 1000, 1000)
    inner, edge = shapely.box(400, 400, 500, 500), shapely.box(950, 400, 990, 500)
    rings = measures.buffer_ring(gpd.GeoSeries([inner, edge, None]), 50.0, within=town)
    free = measures.buffer_ring(gpd.GeoSeries([inner, edge, None]), 50.0)
    assert rings.iloc[0].equals(free.iloc[0])
    assert free.iloc[1].area - rings.iloc[1].area > 100 * 40
    assert town.covers(rings.iloc[1]) and not town.covers(free.iloc[1])
    assert rings.iloc[2] is None


def test_partner_suggestions_says_which_partner_already_takes_part():
    # a partner of one of the problem's measures is "involved"; another one is not
    pb = pd.DataFrame(
        {"problem_id": ["F"], "categories": [("fraud",)], "families": [()], "sectors": [("A",)]}
    )
    s = pd.DataFrame(
        {
            "problem_id": ["F"],
            "title_fr": ["Fraude"],
            "title_en": ["Fraud"],
            "rank": pd.array([1], dtype="Int64"),
            "level": ["weak"],
            "gap_reason": ["weak"],
            "measures": [("M1",)],
        }
    )
    p = pd.DataFrame(
        {
            "partner_id": ["P1", "P2"],
            "name": ["Un", "Deux"],
            "kind": ["non_profit"] * 2,
            "expertise": [("fraud",), ("fraud",)],
            "sectors_served": [(), ()],
        }
    )
    reg = pd.DataFrame({"measure_id": ["M1", "M2"], "partners": [("P2",), ("P1",)]})
    out = measures.partner_suggestions(pb, s, p, reg).set_index("partner_id")
    assert out["involved"].to_dict() == {"P1": False, "P2": True}


@pytest.mark.parametrize("key", ["measure_id", "problem_id"])
def test_pairs_by_level_are_sorted_as_pandas_sorts_them(key):
    """The pairs above none, strongest level first, then the key, ties in their order: as
    ``sort_values`` on the table (a level without a rank and a missing key last)."""
    from diagnostic_lib.measures import summaries
    from diagnostic_lib.measures.levels import _LEVEL_RANK

    rng = np.random.default_rng(11)
    ids = np.array(["M10", "M2", "M2b", "m1", "Mé", "M\u00e9 ", "Z", None], dtype=object)
    levels = np.array([*_LEVEL_RANK, "unheard_of"], dtype=object)
    for n in (0, 1, 7, 300):
        c = pd.DataFrame(
            {
                "problem_id": pd.array(rng.choice(ids, n), dtype="str"),
                "measure_id": pd.array(rng.choice(ids, n), dtype="str"),
                "level": pd.array(rng.choice(levels, n), dtype="str"),
            },
            index=rng.permutation(n) + 100,
        )
        above = c[c["level"] != "none"]
        want = above.assign(_r=above["level"].map(_LEVEL_RANK)).sort_values(
            ["_r", key], ascending=[False, True], kind="stable"
        )
        got = c.iloc[summaries._by_level(c, key)]
        pd.testing.assert_frame_equal(got, want.drop(columns="_r"))
    assert got["level"].iloc[-1] == "unheard_of"  # no rank: last
    assert got[key].isna().any() and not got[key].isna().iloc[0]


def test_coverage_summaries_group_the_pairs_of_each_side():
    """Each problem's (each measure's) pairs above none in the order of ``_by_level``,
    whatever the order of the table: as grouping a sorted copy of the table."""
    from diagnostic_lib.measures import summaries

    rng = np.random.default_rng(3)
    n = 500
    cov = pd.DataFrame(
        {
            "problem_id": pd.array(rng.choice(["P1", "P2", "P3", None], n), dtype="str"),
            "measure_id": pd.array(rng.choice([f"M{k}" for k in range(9)], n), dtype="str"),
            "level": pd.array(rng.choice(["none", "weak", "partial", "strong"], n), dtype="str"),
            "status": pd.array(rng.choice(["active", "planned"], n), dtype="str"),
        }
    )
    at = summaries._by_level(cov, "measure_id")
    groups = summaries._groups(cov, at, "problem_id", ("measure_id", "level"))
    sorted_copy = cov.iloc[at]
    assert set(groups) == {"P1", "P2", "P3"}  # a missing id is in no group
    for pid, g in groups.items():
        want = sorted_copy[sorted_copy["problem_id"] == pid]
        assert g["measure_id"].tolist() == want["measure_id"].tolist()
        assert g["level"].tolist() == want["level"].tolist()
    assert (
        sum(len(g["level"]) for g in groups.values())
        == ((cov["level"] != "none") & cov["problem_id"].notna()).sum()
    )


def test_a_rank_given_twice_is_a_clear_error(diag):
    """The coverage of each problem looks its rank up by id: a priority table with an id
    twice (put end to end with itself, or ids that collided at a province's scale, as a
    10M run found) is refused in words, not by pandas deep in the look-up."""
    inv = inventory.run(diag, permutations=9)
    pb, prio = inv.problems, inv.priority
    doubled = pd.concat([prio, prio.iloc[[0]]], ignore_index=True)
    cov = measures.coverage(pb, diag.measures, diag.sectors)
    words = "the priority table: problem ids must be distinct; repeated: PB-.* / la table des"
    with pytest.raises(ValueError, match=words):
        measures.problem_coverage(cov, pb, doubled)
    assert len(measures.problem_coverage(cov, pb, prio)) == len(pb)  # distinct: as before
