"""Step 4: the evidence catalogue, response ranking, and the action plan."""

from __future__ import annotations

import pandas as pd
import pytest

from diagnostic_lib import inventory, strategy
from diagnostic_lib.errors import DataError

SOURCES = ("Campbell", "College of Policing", "POP Center", "Cochrane", "evaluation", "Evaluation", "Studies", "Reviews",
           "Guidance", "Experiment", "studies")  # fmt: skip


@pytest.fixture(scope="module")
def cat():
    return strategy.load_catalogue()


@pytest.fixture(scope="module")
def inv(diag):
    return inventory.run(diag, permutations=0)


def test_catalogue_is_complete_and_bilingual(cat):
    assert 30 <= len(cat) <= 40
    for col in (
        "name_fr",
        "name_en",
        "mechanism_fr",
        "mechanism_en",
        "evidence_fr",
        "evidence_en",
        "source",
    ):
        assert cat[col].str.len().gt(5).all(), col
    assert cat["source"].map(lambda s: any(k in s for k in SOURCES)).all()
    # every example response type of the issue is there
    for rid in ("situational_prevention", "street_lighting", "cpted", "cctv", "hot_spot_policing", "problem_oriented_policing",
                "focused_deterrence", "neighbourhood_watch", "target_hardening_homes", "youth_outreach",
                "licensed_venue_management", "fraud_awareness", "traffic_calming"):  # fmt: skip
        assert rid in cat.index, rid
    assert cat["evidence_score"].between(0, 1).all()
    assert set(cat["cost_level"]) <= set(strategy.COSTS)
    # the mechanism is one sentence
    assert cat["mechanism_en"].map(lambda s: s.count(". ") == 0).all()


def test_user_entries_are_added_and_checked(tmp_path, cat):
    p = tmp_path / "mine.toml"
    p.write_text(
        '[[response]]\nid = "street_art"\nname_fr = "Murales"\nname_en = "Murals"\nfamilies = ["disorder"]\n'
        'place_types = ["street"]\npillars = ["partenariat"]\nmechanism_fr = "x"\nmechanism_en = "x"\n'
        'effect_direction = "mixed"\neffect_strength = "small"\nevidence_quality = "low"\nsource = "Local study"\n'
        'cost_level = "low"\n',
        encoding="utf-8",
    )
    c2 = strategy.load_catalogue(extra=p)
    assert len(c2) == len(cat) + 1 and c2.loc["street_art", "families"] == ("disorder",)
    p.write_text(p.read_text().replace('"disorder"', '"aliens"'), encoding="utf-8")
    with pytest.raises(DataError, match="unknown families"):
        strategy.load_catalogue(extra=p)


def test_fraud_problem_gets_fraud_awareness_with_the_cybercrime_partner(diag, inv, cat):
    r = strategy.rank_responses(
        inv.problems, cat, inv.priority, partners=diag.partners, top=len(inv.problems)
    )
    fraud = inv.problems[inv.problems["families"].map(lambda f: "fraud_cyber" in f)][
        "problem_id"
    ].item()
    best = r[(r["problem_id"] == fraud) & (r["rank"] == 1)].iloc[0]
    assert best["response_id"] in {"fraud_awareness", "bank_protocol", "fraud_victim_support"}
    assert "P09" in best["partner_ids"]


def test_bar_strip_gets_a_nightlife_or_hot_spot_response(diag, inv, cat):
    r = strategy.rank_responses(
        inv.problems, cat, inv.priority, partners=diag.partners, top=len(inv.problems)
    )
    bar = inv.problems[
        inv.problems["facility"].eq("bar") & inv.problems["families"].map(lambda f: "violent" in f)
    ]
    ids = set(r[r["problem_id"] == bar["problem_id"].iloc[0]]["response_id"])
    assert ids & {
        "licensed_venue_management",
        "nightlife_partnership",
        "third_party_policing",
        "hot_spot_policing",
    }
    assert not ids & {"fraud_awareness", "traffic_calming", "alley_gating"}


def test_what_is_in_place_and_how_it_performed_counts(inv, cat, diag):
    pid = inv.priority["problem_id"].iloc[1]
    base = strategy.rank_responses(
        inv.problems, cat, inv.priority, partners=diag.partners, top=5, per_problem=40
    )
    top_resp = base[base["problem_id"] == pid].iloc[0]
    kind = cat.loc[top_resp["response_id"], "measure_kinds"][0]
    current = pd.DataFrame(
        {
            "problem_id": [pid],
            "measure_id": ["MX"],
            "kind": [kind],
            "pillar": ["prevention"],
            "verdict": ["no_effect"],
        }
    )
    again = strategy.rank_responses(
        inv.problems, cat, inv.priority, current, diag.partners, top=5, per_problem=40
    )
    row = again[
        (again["problem_id"] == pid) & (again["response_id"] == top_resp["response_id"])
    ].iloc[0]
    assert row["in_place"] == 0.0 and row["score"] < top_resp["score"]
    assert "MX" in row["in_place_measures"]


def test_choose_and_overrides(inv, cat, diag):
    r = strategy.rank_responses(inv.problems, cat, inv.priority, partners=diag.partners, top=3)
    pid = r["problem_id"].iloc[0]
    alt = r[r["problem_id"] == pid]["response_id"].iloc[-1]
    ch = strategy.choose(r, overrides={pid: [alt]})
    assert ch.set_index("problem_id").loc[pid, "response_id"] == alt
    assert ch.set_index("problem_id").loc[pid, "chosen_by"] == "analyst"
    with pytest.raises(ValueError, match="not ranked"):
        strategy.choose(r, overrides={pid: ["made_up"]})


def test_action_plan_is_smart_and_its_baseline_comes_from_the_data(diag, inv, cat, tmp_path):
    r = strategy.rank_responses(inv.problems, cat, inv.priority, partners=diag.partners, top=3)
    plan = strategy.action_plan(
        strategy.choose(r), inv.problems, diag.incidents, cat, diag.partners, start="2026-01-01"
    )
    assert len(plan) == 3
    members = inventory.problem_incidents(inv.problems, diag.incidents)
    t = diag.incidents["occurred_from"]
    for a in plan.itertuples():
        in_window = (t >= "2025-01-01") & (t < "2026-01-01")
        assert a.baseline == int(((members == a.problem_id) & in_window).sum())
        assert a.target <= a.baseline and a.deadline == "2027-02-01"
        assert a.reevaluation_date > a.deadline
        assert 0 < a.mde <= 1
        assert a.underpowered == (a.mde > a.expected_reduction)
        assert a.indicator_fr and a.indicator_en and a.design_fr and a.design_en and a.source
    j, x = strategy.save_plan(plan, tmp_path / "plan")
    back = strategy.read_plan(j)
    assert back["plan_id"].tolist() == plan["plan_id"].tolist() and x.exists()


def test_minimum_detectable_effect_shrinks_with_more_events():
    mdes = [strategy.minimum_detectable_effect(n, 2000) for n in (10, 50, 200, 1000)]
    assert mdes == sorted(mdes, reverse=True)
    assert strategy.minimum_detectable_effect(0) == 1.0
    # a control adds variance: detecting the same change is harder than without one
    assert strategy.minimum_detectable_effect(100, 100) > strategy.minimum_detectable_effect(100)
