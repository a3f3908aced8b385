"""Step 4: the evidence catalogue, response ranking, and the action plan."""

from __future__ import annotations

import re

import numpy as np
import pandas as pd
import pytest

from diagnostic_lib import inventory, strategy
from diagnostic_lib.errors import DataError

# one cited work: "Authors (year). Title. Venue" (works are separated by "; ")
CITATION = re.compile(r"^(?P<authors>[^()]+) \((?P<year>(?:19|20)\d{2})\)\. (?P<rest>.+[.?] .+)$")


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
    # every example response type of the issue is there
    for rid in (
        "situational_prevention",
        "street_lighting",
        "cpted",
        "cctv",
        "hot_spot_policing",
        "problem_oriented_policing",
        "focused_deterrence",
        "neighbourhood_watch",
        "target_hardening_homes",
        "youth_outreach",
        "licensed_venue_management",
        "fraud_awareness",
        "traffic_calming",
    ):
        assert rid in cat.index, rid
    assert cat["evidence_score"].between(0, 1).all()
    assert set(cat["cost_level"]) <= set(strategy.COSTS)
    # the mechanism is one sentence
    assert cat["mechanism_en"].map(lambda s: s.count(". ") == 0).all()


def test_every_entry_names_a_findable_source_with_a_year(cat):
    # authors, year, title and venue for every cited work; the basis says what it rests on
    for rid, source in cat["source"].items():
        works = source.split("; ")
        for work in works:
            m = CITATION.match(work)
            assert m, (rid, work)
            assert 1990 <= int(m["year"]) <= 2025, (rid, work)
    assert set(cat["evidence_basis"]) == set(strategy.EVIDENCE_BASES)
    # entries the reviewers found without a systematic review say so
    practice = set(cat.index[cat["evidence_basis"] == "practice_based"])
    assert {"bank_protocol", "fraud_victim_support", "cyber_hygiene_business"} <= practice
    assert practice.isdisjoint({"street_lighting", "hot_spot_policing", "cctv", "mentoring"})
    # a practice-based entry measured nothing: its strength and quality are not claimed
    assert (cat.loc[list(practice), "evidence_quality"] == "very_low").all()


def test_practice_based_entries_score_below_evaluated_ones_of_equal_claim():
    rows = [
        {"effect_direction": d, "effect_strength": s, "evidence_quality": q}
        for d in ("reduces", "mixed", "unclear")
        for s in ("large", "moderate", "small", "unknown")
        for q in strategy.QUALITIES
    ]
    claims = pd.DataFrame(rows)
    score = {
        b: strategy.evidence_score(claims.assign(evidence_basis=b)) for b in strategy.EVIDENCE_BASES
    }
    assert (score["practice_based"] < score["evaluation"]).all()
    assert (score["evaluation"] < score["systematic_review"]).all()
    # an entry that does not say what its evidence rests on counts as practice-based
    assert strategy.evidence_score(claims).equals(score["practice_based"])
    # and the sentence says it is practice-based, not evaluated
    entry = {**rows[0], "evidence_basis": "practice_based", "source": "Guide (2004)"}
    assert strategy.evidence_text(entry, "en").startswith("Practice-based, not evaluated")
    assert strategy.evidence_text(entry, "fr").startswith("Fondé sur la pratique, non évalué")
    reviewed = {**entry, "evidence_basis": "systematic_review"}
    assert "(systematic review)" in strategy.evidence_text(reviewed, "en")
    assert "(revue systématique)" in strategy.evidence_text(reviewed, "fr")


def test_unknown_evidence_basis_is_refused(tmp_path):
    bad = {
        "id": "x",
        "name_fr": "x",
        "name_en": "x",
        "families": ["disorder"],
        "pillars": ["partenariat"],
        "mechanism_fr": "x",
        "mechanism_en": "x",
        "effect_direction": "reduces",
        "effect_strength": "small",
        "evidence_quality": "low",
        "evidence_basis": "hearsay",
        "source": "Local study (2024). Title. Venue",
        "cost_level": "low",
    }
    with pytest.raises(DataError, match="evidence_basis"):
        strategy.load_catalogue(extra=[bad])


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
            "verdict": ["effect_ruled_out"],
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
    # an inconclusive verdict, even with a favourable direction, is no evidence either way
    for verdict in ("inconclusive", "inconclusive_favourable", "too_little_history"):
        unsure = strategy.rank_responses(
            inv.problems,
            cat,
            inv.priority,
            current.assign(verdict=verdict),
            diag.partners,
            top=5,
            per_problem=40,
        )
        r = unsure[
            (unsure["problem_id"] == pid) & (unsure["response_id"] == top_resp["response_id"])
        ].iloc[0]
        assert r["in_place"] == 0.6, verdict


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


# ----------------------------------------------------------------------------
# tunables: every one is read from the config
# ----------------------------------------------------------------------------
def _with_parameters(diag, **parameters):
    import copy
    import dataclasses

    from diagnostic_lib import settings

    cfg = copy.copy(diag.config)
    cfg.parameters = settings.validate(parameters)
    return dataclasses.replace(diag, config=cfg)


def test_run_defaults_are_the_settings(diag, inv, cat):
    from diagnostic_lib import settings

    s = strategy.run(diag, inv, catalogue=cat)
    assert s.parameters["top"] == settings.default("plan_problems") == 5
    assert s.parameters["per_problem"] == settings.default("responses_per_problem") == 3
    assert strategy.DEFAULT_RESPONSE_WEIGHTS == settings.default("response_weights")
    assert strategy.DEFAULT_WEIGHTS is strategy.DEFAULT_RESPONSE_WEIGHTS  # the old name
    assert strategy.EXPECTED_REDUCTION == settings.default("expected_reduction")
    assert s.ranking.groupby("problem_id").size().max() == 3


def test_run_honours_every_config_tunable(diag, inv, cat):
    only_fit = {
        "fit": 1.0,
        "evidence": 0.0,
        "in_place": 0.0,
        "pillar_balance": 0.0,
        "partners": 0.0,
    }
    halves = {"large": 0.5, "moderate": 0.5, "small": 0.5, "unknown": 0.5, "none": 0.0}
    d2 = _with_parameters(
        diag,
        response_weights=only_fit,
        min_fit=0.6,
        plan_problems=2,
        responses_per_problem=2,
        expected_reduction=halves,
        window_months=6,
        plan_lag_months=3,
        buffer_m=350,
        alpha=0.1,
        plan_power=0.9,
    )
    s = strategy.run(d2, inv, catalogue=cat, start="2026-01-01")
    r = s.ranking
    assert r["problem_id"].nunique() == 2 and r.groupby("problem_id").size().max() <= 2  # top, per
    assert (r["fit"] >= 0.6).all()  # min_fit
    assert r["score"].tolist() == pytest.approx(r["fit"].tolist())  # response_weights
    assert s.parameters["min_fit"] == 0.6 and s.parameters["plan_power"] == 0.9
    plan = s.plan
    assert (plan["deadline"] == "2026-10-01").all()  # 3 months' lag + 6 months' window
    assert plan["baseline_period"].str.startswith("2025-07-01").all()  # window_months
    assert (plan["buffer_m"] == 350).all() and plan["design_en"].str.contains("350 m").any()
    strength = cat.loc[plan["response_id"], "effect_strength"].to_numpy()
    direction = cat.loc[plan["response_id"], "effect_direction"].map(strategy.DIRECTIONS)
    expected = [halves[k] * max(v, 0.0) for k, v in zip(strength, direction, strict=True)]
    assert plan["expected_reduction"].tolist() == pytest.approx(expected)  # expected_reduction
    for a in plan.itertuples():  # alpha and plan_power
        control = None if pd.isna(a.control_events) else a.control_events
        df = a.mde_df if np.isfinite(a.mde_df) else None
        history = {"dispersion": a.mde_phi, "persistence": a.mde_persistence, "df": df}
        assert a.mde == strategy.minimum_detectable_effect(a.baseline, control, 0.1, 0.9, **history)
        assert "power 90%" in a.power_note_en and "α = 0.1" in a.power_note_en


def test_current_measures_min_level_follows_the_tunable():
    cov = pd.DataFrame(
        {
            "problem_id": ["P1"] * 3,
            "measure_id": ["M1", "M2", "M3"],
            "level": ["strong", "partial", "weak"],
        }
    )
    m = pd.DataFrame(
        {"measure_id": ["M1", "M2", "M3"], "kind": ["lighting"] * 3, "pillar": ["prevention"] * 3}
    )
    assert strategy.current_measures(cov, m)["measure_id"].tolist() == ["M1", "M2"]  # "partial"
    assert strategy.current_measures(cov, m, min_level="weak")["measure_id"].tolist() == [
        "M1",
        "M2",
        "M3",
    ]
    assert strategy.current_measures(cov, m, min_level=("strong",))["measure_id"].tolist() == ["M1"]


def test_current_from_steps_reads_step_2_coverage_and_step_3_verdicts(diag, inv):
    from diagnostic_lib import measures

    s2 = measures.run(diag, inv.problems, inv.priority)
    verdicts = pd.DataFrame({"measure_id": diag.measures["measure_id"], "verdict": "effective"})
    s3 = type("Step3", (), {"verdicts": verdicts})()  # what it reads of an Evaluation
    cur = strategy.current_from_steps(diag, s2, s3)
    expected = strategy.current_measures(s2.coverage, diag.measures, verdicts)
    pd.testing.assert_frame_equal(cur, expected)
    assert len(cur) and (cur["verdict"] == "effective").all()
    assert strategy.current_from_steps(diag, s2)["verdict"].isna().all()  # no step 3
    assert strategy.current_from_steps(diag) is None  # no step 2
    weak = strategy.current_from_steps(_with_parameters(diag, current_min_level="weak"), s2)
    assert len(weak) > len(cur)  # the config's current_min_level


def test_display_columns_of_step_4_name_columns_of_its_tables(diag, inv, cat):
    s = strategy.run(diag, inv, catalogue=cat)
    for lang in ("fr", "en"):
        for name in ("catalogue", "ranking", "plan"):
            cols = s.display_columns(name, lang)
            assert set(cols) <= set(getattr(s, name).columns), (name, lang)
        assert f"response_{lang}" in strategy.Strategy.display_columns("plan", lang)


def test_plan_sentences_use_the_number_formatter(diag, inv, cat):
    s = strategy.run(diag, inv, catalogue=cat, start="2026-01-01")
    note = s.plan["power_note_fr"].iloc[0]
    assert "α = 0,05" in note and "puissance 80\xa0%" in note
    assert s.ranking["why_fr"].str.contains(r"adéquation \d,\d\d", regex=True).all()
    assert s.ranking["why_en"].str.contains(r"fit \d\.\d\d", regex=True).all()
