"""The follow-up a year later: fidelity, problem fates and objectives, and its report."""

from __future__ import annotations

import copy
import html
import re

import geopandas as gpd
import numpy as np
import pandas as pd
import pytest
import shapely
from shapely import affinity

from diagnostic_lib import followup, inventory, stats, strategy, taxonomy
from diagnostic_lib.cli import main

from .conftest import SAMPLE
from .test_report_words import check_no_code, check_numbers


@pytest.fixture(scope="module")
def previous(diag):
    """Last year's diagnosis of the sample: its register (written and read back) and its plan."""
    inv = inventory.run(diag, permutations=9)
    plan = strategy.run(diag, inv).plan
    return inv, plan


@pytest.fixture(scope="module")
def register(previous, tmp_path_factory):
    path = tmp_path_factory.mktemp("register") / "problems.toml"
    inventory.write_register(previous[0].problems, path)
    return inventory.read_register(path)


def _filled(plan, done: dict[str, float]):
    """The plan with every indicator planned at 100 and done as ``done[plan_id]`` (else 100)."""
    plan = plan.copy()
    out = []
    for pid, inds in zip(plan["plan_id"], plan["indicators"], strict=True):
        inds = copy.deepcopy(list(inds))
        for i in inds:
            i["planned"], i["done"] = 100, done.get(pid, 100)
        out.append(inds)
    plan["indicators"] = out
    return plan


def _end(diag):
    return pd.Timestamp(diag.config.period_end) + pd.Timedelta(days=1)


def test_the_same_data_a_year_on_reads_as_unchanged(diag, previous, register):
    inv, plan = previous
    r = followup.review(_filled(plan, {}), register, inv.problems, diag.incidents, _end(diag))
    a = r.actions
    assert len(a) == len(plan) and a["fidelity"].eq("as_planned").all() and a["judged"].all()
    assert a["fate"].eq("persisted").all()
    # nothing was done to the counts, so the baseline is what is counted again (same rules)
    obj = r.objectives
    assert (obj["count"] == obj["baseline"].astype(int)).all(), obj[["count", "baseline"]]
    assert obj["status"].eq("not_met").all()  # every target asks for fewer events
    assert (obj["ci_low"] < obj["count"]).all() and (obj["count"] < obj["ci_high"]).all()


def test_an_action_not_carried_out_is_not_judged(diag, previous, register):
    inv, plan = previous
    first = plan["plan_id"].iloc[0]
    r = followup.review(
        _filled(plan, {first: 30}), register, inv.problems, diag.incidents, _end(diag)
    )
    row = r.actions.set_index("plan_id").loc[first]
    assert row["fidelity"] == "not_implemented" and not row["judged"]
    assert row["dose"] == pytest.approx(0.3)
    assert r.actions["judged"].sum() == len(plan) - 1


def test_a_met_objective_and_a_moved_problem(diag, previous, register):
    inv, plan = previous
    place = plan[plan["problem_id"].isin(register.loc[register["kind"] == "place", "problem_id"])]
    pid, problem = place["plan_id"].iloc[0], place["problem_id"].iloc[0]
    # the new data: the problem's incidents halved (every other one dropped)
    owner = inventory.problem_incidents(register, diag.incidents)
    mine = owner[owner == problem].index
    incidents = diag.incidents.drop(index=mine[::2])
    # and the new diagnosis finds that problem 400 m east
    problems = inv.problems.copy()
    at = problems.index[problems["problem_id"] == problem][0]
    problems.loc[[at], "geometry"] = gpd.GeoSeries(
        [affinity.translate(problems.geometry[at], xoff=400)], index=[at], crs=problems.crs
    )
    r = followup.review(_filled(plan, {}), register, problems, incidents, _end(diag))
    obj = r.objectives.set_index("plan_id").loc[pid]
    assert obj["status"] == "met" and obj["p_value"] < 0.001
    assert r.actions.set_index("plan_id").loc[pid, "fate"] == "moved"


def test_an_objective_without_a_target_or_data_is_not_measurable(diag, previous, register):
    inv, plan = previous
    plan = plan.copy()
    plan.loc[plan.index[0], "target"] = None
    plan.loc[plan.index[1], "problem_id"] = "PB-unknown"
    obj = followup.objective_status(plan, register, diag.incidents, _end(diag))
    assert obj["reason"].iloc[:2].tolist() == ["no_target", "no_area"]
    assert obj["status"].iloc[:2].eq("not_measurable").all()
    late = followup.objective_status(plan, register, diag.incidents, "2031-01-01")
    assert late["reason"].iloc[2:].eq("no_data").all()


@pytest.mark.parametrize("lang", ["fr", "en"])
def test_the_follow_up_command_writes_a_report_in_words(previous, register, tmp_path, lang):
    inv, plan = previous
    prev = tmp_path / "previous"
    strategy.write_plan_toml(_filled(plan, {}), prev / "plan")
    inventory.write_register(inv.problems, prev / "problems.toml")
    out = tmp_path / "out"
    code = main(
        [
            "follow-up",
            "--config",
            str(SAMPLE / "diagnostic.toml"),
            "--plan",
            str(prev / "plan.toml"),
            "--register",
            str(prev / "problems.toml"),
            "--out",
            str(out),
            "--lang",
            lang,
        ]
    )
    assert code == 0
    path = out / f"followup-{lang}.html"
    text = path.read_text(encoding="utf-8")
    assert ("Suivi du plan" if lang == "fr" else "Follow-up") in text
    assert ("Problèmes qui persistent" if lang == "fr" else "Problems that persisted") in text
    # the change the problems share, beside each one's own (the same data: none)
    common = (
        "problèmes retrouvés et comparables ont changé de 0" if lang == "fr" else "changed by 0"
    )
    assert common in html.unescape(text).replace("\xa0", " ")
    check_no_code(path, set(taxonomy.load_taxonomy()["code"].astype(str)))
    check_numbers(path, lang)


def test_the_report_lays_out_the_columns_the_review_has(diag, previous, register):
    """A column added to the review's actions (an effect) slots into the table, in words."""
    from diagnostic_lib import report
    from diagnostic_lib.report.followup_doc import action_table

    inv, plan = previous
    r = followup.review(_filled(plan, {}), register, inv.problems, diag.incidents, _end(diag))
    plain = action_table(r, "en")
    assert "Effect" not in plain.columns and len(plain) == len(plan)
    assert not plain.apply(lambda c: c.str.contains("PB-")).any().any()  # titles, not ids
    ids = r.actions["plan_id"].tolist()
    r.effects = pd.DataFrame(
        {
            "plan_id": ids,
            "problem_id": r.actions["problem_id"].tolist(),
            "status": ["judged"] + ["not_judged"] * (len(ids) - 1),
            "estimator": ["placebo_corrected_res"] + [None] * (len(ids) - 1),
            "registered": ["2025-01-15"] + [None] * (len(ids) - 1),
            "verdict": ["too_little_history"] + [None] * (len(ids) - 1),
            "res": [1.8] + [float("nan")] * (len(ids) - 1),
            "res_low": [0.9] + [float("nan")] * (len(ids) - 1),
            "res_high": [3.6] + [float("nan")] * (len(ids) - 1),
            "text_fr": ["peu d'historique"] + [""] * (len(ids) - 1),
            "text_en": ["too little history"] + [""] * (len(ids) - 1),
        }
    )
    t = action_table(r, "fr")
    col = list(t.columns)[-1]
    assert col.startswith("Effet")
    first, second = t[col].tolist()[:2]
    assert "1,80" in first and "too_little" not in first and "2025" in first  # estimate, date
    assert second == followup.effect_label("not_judged", "fr")
    page = report.followup_document(r, "fr", "Ville").render()
    first = page.index("Chiffres clés")
    assert first < page.index("Les actions") < page.index("Les problèmes")


def test_a_town_wide_fall_is_counted_apart_from_effective_actions(diag, previous, register):
    """An interrupted time series has no control: its fall is a key figure of its own."""
    from diagnostic_lib import report

    inv, plan = previous
    r = followup.review(_filled(plan, {}), register, inv.problems, diag.incidents, _end(diag))
    ids = r.actions["plan_id"].tolist()
    verdicts = ["its_fall", "effective"] + ["inconclusive"] * (len(ids) - 2)
    r.effects = pd.DataFrame(
        {
            "plan_id": ids,
            "problem_id": r.actions["problem_id"].tolist(),
            "status": "judged",
            "estimator": ["interrupted_time_series"] + ["placebo_corrected_res"] * (len(ids) - 1),
            "registered": "2025-01-15",
            "verdict": verdicts,
            "res": 1.5,
            "res_low": 1.1,
            "res_high": 2.0,
            "text_fr": "texte",
            "text_en": "text",
        }
    )
    page = html.unescape(report.followup_document(r, "en", "Town").render())
    row = re.search(r"Actions effective \(pre-registered design\)</td><td>(\d+)<", page)
    town = re.search(r"followed by a significant fall \(no control area\)</td><td>(\d+)<", page)
    assert row and town and (row.group(1), town.group(1)) == ("1", "1")


def test_a_provisional_target_is_tested_on_the_months_its_baseline_had(diag, previous, register):
    """A baseline extrapolated from 3 months rests on a quarter's events: its fall is weaker
    evidence than a full year's, and its target is said to be provisional."""
    inv, plan = previous
    place = plan[plan["problem_id"].isin(register.loc[register["kind"] == "place", "problem_id"])]
    problem = place["problem_id"].iloc[0]
    owner = inventory.problem_incidents(register, diag.incidents)
    incidents = diag.incidents.drop(index=owner[owner == problem].index[::2])  # halved
    one = place.iloc[[0]]
    firm = followup.objective_status(one, register, incidents, _end(diag)).iloc[0]
    # the plan's fields as it writes them, then without the flag (derived from the months)
    for short in (
        one.assign(baseline_months=3, target_provisional=True),
        one.assign(baseline_months=3).drop(columns="target_provisional", errors="ignore"),
    ):
        row = followup.objective_status(short, register, incidents, _end(diag)).iloc[0]
        assert row["provisional"] and row["baseline_months"] == 3
        assert row["status"] == firm["status"] == "met"  # the verdict on the number stands
        n, base = int(row["count"]), float(row["baseline"])
        assert row["p_value"] == pytest.approx(stats.e_test(n, round(base / 4), 12, 3))
        assert row["p_value"] > 10 * firm["p_value"]
    assert not firm["provisional"] and firm["baseline_months"] == 12


@pytest.mark.parametrize("lang", ["fr", "en"])
def test_the_follow_up_report_says_a_target_was_provisional(previous, register, tmp_path, lang):
    inv, plan = previous
    plan = _filled(plan, {}).copy()
    plan["baseline_months"] = [3] + [12] * (len(plan) - 1)
    plan["target_provisional"] = [True] + [False] * (len(plan) - 1)
    prev = tmp_path / "previous"
    strategy.write_plan_toml(plan, prev / "plan")
    inventory.write_register(inv.problems, prev / "problems.toml")
    out = tmp_path / "out"
    args = ["follow-up", "--config", str(SAMPLE / "diagnostic.toml"), "--out", str(out)]
    args += ["--plan", str(prev / "plan.toml"), "--register", str(prev / "problems.toml")]
    assert main([*args, "--lang", lang]) == 0
    text = html.unescape((out / f"followup-{lang}.html").read_text(encoding="utf-8"))
    words = "Cible provisoire" if lang == "fr" else "Provisional target"
    months = "de 3 mois sur 12" if lang == "fr" else "from 3 months of 12"
    assert text.count(words) == 1 and months in text


def test_objectives_read_with_the_problems_spread_are_calibrated():
    """400 problems whose yearly counts are gamma-Poisson (mean 200, variance 11 times
    Poisson's), nothing changed: read as Poisson, 56 % of changes were 'significant' and the
    interval covered the true mean 41 % of the time; read over the spread (alpha 0.05),
    both are nominal, and a target met by chance is said to be within ordinary variation."""
    rng = np.random.default_rng(1)
    n = 400
    y1, y2 = (rng.poisson(rng.gamma(20, 200 / 20, n)) for _ in range(2))
    reg = gpd.GeoDataFrame(
        {
            "problem_id": [f"P{i}" for i in range(n)],
            "kind": "place",
            "dominant_shift": "mixed",
            "categories": [("burglary",)] * n,
            "excluded": False,
        },
        geometry=[shapely.box(200 * i, 0, 200 * i + 100, 100) for i in range(n)],
        crs=32188,
    )
    x = np.repeat(200 * np.arange(n) + 50.0, y2)
    when = pd.Timestamp("2025-01-01") + pd.to_timedelta(rng.integers(0, 365, len(x)), "D")
    inc = gpd.GeoDataFrame(
        {"occurred_from": [*when, pd.Timestamp("2024-06-01")], "category": "burglary"},
        geometry=gpd.points_from_xy([*x, 50.0], [50.0] * (len(x) + 1)),
        crs=32188,
    )
    plan = pd.DataFrame(
        {
            "plan_id": reg["problem_id"],
            "problem_id": reg["problem_id"],
            "categories": [("burglary",)] * n,
            "baseline": y1,
            "target": np.round(0.8 * y1),
        }
    )
    plain = followup.objective_status(plan, reg, inc, "2026-01-01")
    r = followup.objective_status(plan, reg, inc, "2026-01-01", dispersion_alpha=0.05)
    covers = ((r["ci_low"] <= 200) & (r["ci_high"] >= 200)).mean()
    assert (plain["p_value"] < 0.05).mean() > 0.4  # the Poisson reading
    assert (r["p_value"] < 0.05).mean() <= 0.08 and covers >= 0.92
    met = r["status"] == "met"
    assert met.any() and (~r.loc[met, "fall_evident"].astype(bool)).mean() >= 0.7


def test_the_review_reads_the_objectives_with_the_spread_of_the_problems_found_again(
    diag, previous, register
):
    inv, plan = previous
    problems = inv.problems.copy()
    # the new year's problems vary far more than Poisson from the register's counts
    swing = np.resize([0.5, 1.6, 0.7, 1.4], len(problems))
    problems["last_12"] = np.round(problems["last_12"].to_numpy() * swing)
    r = followup.review(_filled(plan, {}), register, problems, diag.incidents, _end(diag))
    alpha = r.fates.attrs["alpha"]
    assert alpha > 0.01
    obj = r.objectives
    expected = 1 + alpha * (obj["count"].astype(float) + obj["baseline"].astype(float)) / 2
    assert np.allclose(obj["dispersion"].astype(float), expected)
