"""The diagnosis as a cycle: the sample, its plan, the year after, and the follow-up finding it.

``sample --follow-up`` plants known outcomes (see :mod:`diagnostic_lib.sample.follow_up`);
the follow-up must find each of them. The last test is the negative control: the same
generator with nothing planted (``REDUCTION = 0``, ``MOVE_M = 0``, ``NEW_EVENTS = 0``) —
the actions that "work" then have a corrected RES of about 1 (0.9–1.2, under the 1.35 the
planted test asks for), the moved problem is not moved and no drug problem is new; so the
checks above fail without the planting.
"""

from __future__ import annotations

import html
import json
import re

import pandas as pd
import pytest
import shapely

from diagnostic_lib import evaluation, followup, inventory, loaders, strategy, taxonomy
from diagnostic_lib.cli import main
from diagnostic_lib.sample import follow_up

from .test_report_words import check_no_code, check_numbers


@pytest.fixture(scope="module")
def cycle(tmp_path_factory):
    """Last year's plan and register, the year after (sample --follow-up) and its review."""
    out = tmp_path_factory.mktemp("year_after")
    assert main(["sample", "--follow-up", "--out", str(out)]) == 0
    truth = json.loads((out / "follow_up_truth.json").read_text(encoding="utf-8"))
    diag = loaders.load_diagnostic(out / "diagnostic.toml")
    register = inventory.read_register(out / "previous" / "problems.toml")
    plan = strategy.read_plan(out / "plan.toml")
    inv = inventory.run(diag, permutations=9)
    _, end = evaluation.data_period(diag)
    r = followup.review(plan, register, inv.problems, diag.incidents, end, sectors=diag.sectors)
    return out, truth, diag, register, r, plan


def test_the_roles_are_planted_as_the_trainer_guide_says(cycle):
    _, truth, *_ = cycle
    roles = truth["roles"]
    assert sorted(roles.values()).count("works") >= 2
    assert list(roles.values()).count("no_effect") == 1
    assert list(roles.values()).count("not_carried_out") == 1


def test_an_action_not_carried_out_gets_no_effect_verdict(cycle):
    _, truth, _, _, r, _ = cycle
    (skipped,) = [a for a, role in truth["roles"].items() if role == "not_carried_out"]
    row = r.actions.set_index("plan_id").loc[skipped]
    assert row["fidelity"] == "not_implemented" and not row["judged"]
    eff = r.effects.set_index("plan_id").loc[skipped]
    assert eff["status"] == "not_judged" and pd.isna(eff["verdict"])
    assert "not implemented as planned" in eff["text_en"]


FAVOURABLE = (*evaluation.SUCCESS, "inconclusive_favourable")


def test_the_pre_registered_design_tells_the_actions_that_work_from_the_one_that_does_not(cycle):
    # the sample's town offers 6-10 placebo places per action (20 needed): the verdicts rest
    # on the areas' own histories (placebo dates pooled over the actions), and say so
    _, truth, _, _, r, _ = cycle
    eff = r.effects.set_index("plan_id")
    for pid, role in truth["roles"].items():
        if role == "not_carried_out":
            continue
        e = eff.loc[pid]
        assert e["status"] == "judged" and e["estimator"] == "placebo_corrected_res"
        assert e["registered"]  # the design fixed the day the plan was saved, no other
        assert "own history" in e["text_en"] and "historique de la zone" in e["text_fr"]
        if role == "works":  # a 45 % fall planted: RES about 1.8
            assert e["res"] > 1.35, (pid, e["res"])
            assert e["verdict"] in FAVOURABLE, (pid, e["verdict"])
        else:  # nothing planted
            assert e["res"] < 1.3, (pid, e["res"])
            assert e["verdict"] not in FAVOURABLE, (pid, e["verdict"])
    works = [a for a, role in truth["roles"].items() if role == "works"]
    assert eff.loc[works, "verdict"].isin(evaluation.SUCCESS).any()


def test_the_moved_problem_and_the_new_one_are_found(cycle):
    _, truth, _, _, r, _ = cycle
    f = r.fates
    moved = f.set_index("previous_id").loc[truth["moved"]["problem_id"]]
    assert moved["fate"] == "moved"
    assert moved["distance_m"] == pytest.approx(follow_up.MOVE_M, abs=100)
    new = f[f["fate"] == "new"]
    assert new["title_en"].str.contains("Drug").any() and new["current_last_12"].max() >= 100


def test_the_new_hot_spot_is_an_emerging_new_one(cycle):
    _, truth, diag, *_ = cycle
    grid = inventory.make_grid(diag.sectors, cell_size=200)
    e = inventory.emerging_hot_spots(diag.incidents, grid, "year")
    spot = grid.geometry.distance(shapely.Point(truth["new"]["x"], truth["new"]["y"])) < 60
    assert (e.loc[spot, "pattern"] == "new_hot").any(), e.loc[spot, "pattern"].tolist()


def test_a_town_wide_action_is_judged_by_its_interrupted_time_series(cycle):
    # every action taken as carried out: the town-wide one is evaluated by its own design
    _, truth, diag, register, _, plan = cycle
    (town,) = [a for a, role in truth["roles"].items() if role == "not_carried_out"]
    eff = followup.action_effects(
        plan, register, diag.incidents, diag.sectors, evaluation.data_period(diag)
    ).set_index("plan_id")
    row = eff.loc[town]
    assert row["status"] == "judged" and row["estimator"] == "interrupted_time_series"
    assert row["verdict"].startswith("its_") and row["text_en"]
    assert eff["status"].eq("judged").all()


def test_the_verdict_rules_are_the_designs_not_todays_tunables(cycle):
    # the stored design gives verdicts on the estimates; the same design asking for 36
    # months of history (the sample's design keeps 24) gives "too little history" with the
    # same estimates: the design's thresholds are the ones used, not the config's.
    _, truth, diag, register, r, plan = cycle
    period = evaluation.data_period(diag)
    judged = [a for a, role in truth["roles"].items() if role != "not_carried_out"]
    stored = r.effects.set_index("plan_id").loc[judged]
    assert stored["verdict"].isin(evaluation.JUDGED).all(), stored["verdict"]
    stricter = plan.assign(design=[dict(d, min_history_months=36) for d in plan["design"]])
    eff = followup.action_effects(stricter, register, diag.incidents, diag.sectors, period)
    eff = eff.set_index("plan_id").loc[judged]
    assert eff["verdict"].eq("too_little_history").all(), eff["verdict"]
    assert eff["res"].to_numpy() == pytest.approx(stored["res"].to_numpy())


@pytest.mark.parametrize("lang", ["fr", "en"])
def test_the_follow_up_command_reports_the_effects(cycle, tmp_path, lang):
    out, *_ = cycle
    code = main(
        [
            "follow-up",
            "--config",
            str(out / "diagnostic.toml"),
            "--plan",
            str(out / "plan.toml"),
            "--register",
            str(out / "previous" / "problems.toml"),
            "--out",
            str(tmp_path),
            "--lang",
            lang,
        ]
    )
    assert code == 0
    path = tmp_path / f"followup-{lang}.html"
    text = path.read_text(encoding="utf-8")
    if lang == "en":
        assert "Effect (pre-registered evaluation design)" in text
        assert "Not judged: not implemented as planned" in text
    else:
        assert "Effet (plan d'évaluation préenregistré)" in html.unescape(text)
    check_no_code(path, set(taxonomy.load_taxonomy()["code"].astype(str)))
    check_numbers(path, lang)


def test_a_plan_without_doses_is_not_called_not_carried_out(cycle, tmp_path):
    # last year's plan as saved (no planned or done values): whether the actions were carried
    # out is unknown, and the report says so, not that they were not carried out
    out, *_ = cycle
    args = ["follow-up", "--config", str(out / "diagnostic.toml")]
    args += ["--plan", str(out / "previous" / "plan.toml")]
    args += ["--register", str(out / "previous" / "problems.toml"), "--out", str(tmp_path)]
    assert main([*args, "--lang", "en"]) == 0
    text = html.unescape((tmp_path / "followup-en.html").read_text(encoding="utf-8"))
    assert "no planned dose" in text and "Not judged: not implemented as planned" not in text
    assert "no: not carried out as planned" not in text
    row = re.search(r"Not carried out as planned</t[dh]>\s*<td[^>]*>(\d+)<", text)
    assert row and row.group(1) == "0", row
    documented = re.search(r"Implementation not documented[^<]*</t[dh]>\s*<td[^>]*>(\d+)<", text)
    assert documented and documented.group(1) == "5", documented


def test_the_year_after_is_clean_data_and_never_the_samples_folder(cycle):
    _, _, diag, *_ = cycle
    files = diag.ledger.files.set_index("table")
    # every new row dated before the export day, placed in the sector of its position
    assert files.loc["incidents", ["rows_rejected", "rows_flagged"]].tolist() == [0, 0]
    assert files.loc["incidents", "rows_in"] > 20_000
    with pytest.raises(ValueError, match="folder of its own"):
        follow_up.generate_follow_up(follow_up.sample_dir())


def test_without_the_planting_the_follow_up_finds_none_of_it(cycle, tmp_path, monkeypatch):
    # the negative control: same generator, nothing planted (no fall, no move, no new spot)
    out, truth, *_ = cycle
    monkeypatch.setattr(follow_up, "REDUCTION", 0.0)
    monkeypatch.setattr(follow_up, "MOVE_M", 0.0)
    monkeypatch.setattr(follow_up, "NEW_EVENTS", 0)
    prev = out / "previous"
    cfg = follow_up.generate_follow_up(tmp_path, prev / "plan.toml", prev / "problems.toml")
    diag = loaders.load_diagnostic(cfg)
    register = inventory.read_register(prev / "problems.toml")
    inv = inventory.run(diag, permutations=9)
    _, end = evaluation.data_period(diag)
    r = followup.review(
        strategy.read_plan(tmp_path / "plan.toml"),
        register,
        inv.problems,
        diag.incidents,
        end,
        sectors=diag.sectors,
    )
    eff = r.effects.set_index("plan_id")
    works = [a for a, role in truth["roles"].items() if role == "works"]
    assert (eff.loc[works, "res"] < 1.35).all(), eff.loc[works, "res"]
    assert not eff["verdict"].isin(FAVOURABLE).any(), eff["verdict"]
    fates = r.fates.set_index("previous_id", drop=False)
    assert fates.loc[truth["moved"]["problem_id"], "fate"] != "moved"
    assert not r.fates.loc[r.fates["fate"] == "new", "title_en"].str.contains("Drug").any()


def test_evaluate_registered_uses_each_measures_own_design(diag):
    # two measures, two designs: each is evaluated with its own windows and thresholds
    m = diag.measures[diag.measures["measure_id"].isin(["M01", "M03"])]
    designs = {
        "M01": {"window_months": 6, "lag_months": 0, "registered": "2023-01-01"},
        "M03": {"min_history_months": 1000},
    }
    e = evaluation.evaluate_registered(m, diag.incidents, diag.sectors, designs)
    e = e.set_index("measure_id")
    assert e.loc["M01", "window_months"] == 6 and e.loc["M03", "window_months"] == 12
    months = (e.loc["M01", "after_end"] - e.loc["M01", "after_start"]).days
    assert 180 <= months <= 185
    assert e.loc["M01", "registered"] == "2023-01-01" and e.loc["M01", "design"] == "registered"
    # 1,000 months of history cannot be found: the design's threshold, not the tunable's
    assert e.loc["M03", "verdict"] == "too_little_history"
    plain = evaluation.evaluate_registered(m, diag.incidents, diag.sectors, {"M01": designs["M01"]})
    assert plain.set_index("measure_id").loc["M03", "verdict"] == "effective"


@pytest.mark.parametrize("lang", ["fr", "en"])
def test_every_effect_status_has_words(lang):
    for status in followup.EFFECT_STATUSES:
        words = followup.effect_label(status, lang)
        assert words and words != status and "followup." not in words and "_" not in words
        assert words != followup.effect_label(status, "en" if lang == "fr" else "fr")
