"""The plan as a living record: plan.toml round trips, hand edits, clear errors, fidelity."""

from __future__ import annotations

import copy
import dataclasses

import numpy as np
import pandas as pd
import pytest

from diagnostic_lib import config, i18n, inventory, settings, strategy
from diagnostic_lib.errors import DataError
from diagnostic_lib.evaluation.decision import Rule
from diagnostic_lib.report import pages

REGISTERED = "2026-01-10"


@pytest.fixture(scope="module")
def s4(diag):
    inv = inventory.run(diag, permutations=0)
    cfg = copy.copy(diag.config)
    cfg.parameters = settings.validate({"min_events": 7, "effect_margin": 0.15, "lag_months": 5})
    d2 = dataclasses.replace(diag, config=cfg)
    return strategy.run(d2, inv, start="2026-01-01")


@pytest.fixture()
def saved(s4, tmp_path):
    strategy.save_plan(s4.plan, tmp_path / "plan", registered=REGISTERED)
    return tmp_path / "plan.toml"


def _edit(path, old, new, count=1):
    text = path.read_text(encoding="utf-8")
    assert text.count(old) >= count, old
    path.write_text(text.replace(old, new, count), encoding="utf-8")


# --- what each action carries ----------------------------------------------------------------
def test_each_action_carries_owner_dates_areas_design_and_indicators(s4, diag):
    plan = s4.plan
    assert len(plan) >= 3
    for a in plan.to_dict("records"):
        assert a["owner_fr"] and a["owner_en"] and a["start"] == "2026-01-01"
        assert a["end"] >= a["start"] and isinstance(a["partner_ids"], str)
        assert a["categories"] and all(isinstance(c, str) for c in a["categories"])
        d = a["design"]
        assert d["target_problem"] == a["problem_id"]
        assert d["target_categories"] == a["categories"]
        # step 3's pre-registered design keys, with values it accepts
        assert set(config.DESIGN_KEYS) <= set(d)
        assert d["control"] in ("rest", "none")
        assert d["window_months"] == 12 and d["lag_months"] == s4.parameters["plan_lag_months"]
        start = pd.Timestamp(d["start"])
        assert pd.Timestamp(d["after_start"]) == start + pd.DateOffset(months=d["lag_months"])
        assert pd.Timestamp(d["before_start"]) == start - pd.DateOffset(months=12)
        # the verdict rules of the config, not the defaults
        assert d["min_events"] == 7 and d["effect_margin"] == 0.15
        assert d["estimator"] == (
            "interrupted_time_series"
            if d["target_kind"] == "municipality"
            else "placebo_corrected_res"
        )
        assert a["indicators"]
        for ind in a["indicators"]:
            assert ind["indicator_id"].startswith(a["plan_id"] + "-I")
            assert ind["unit"] == strategy.INDICATOR_KINDS[ind["kind"]]
            assert ind["done"] is None and ind["name_fr"] != ind["name_en"]
    # the lag of the plan is the plan's, not step 3's lag_months (5 here)
    assert (plan["design"].map(lambda d: d["lag_months"]) == 1).all()


def test_cameras_patrols_and_sessions_get_their_own_indicators():
    kinds = {
        r: [i["kind"] for i in strategy.default_indicators("A01", r)]
        for r in strategy.record.RESPONSE_INDICATORS
    }
    assert kinds["cctv"] == ["cameras_installed"]
    assert "patrol_hours" in kinds["hot_spot_policing"]
    assert "sessions_held" in kinds["youth_outreach"]
    cat = strategy.load_catalogue()
    assert set(strategy.record.RESPONSE_INDICATORS) <= set(cat.index)  # no stale response id


def test_a_municipality_problem_has_no_control_and_a_place_keeps_its_shift():
    rule = Rule(alpha=0.1)
    muni = strategy.evaluation_design(
        {"problem_id": "P1", "kind": "municipality", "categories": ("fraud",)},
        pd.Timestamp("2026-01-01"),
        12,
        1,
        200.0,
        rule,
        24,
    )
    assert muni["control"] == "none" and muni["alpha"] == 0.1 and muni["target_shift"] == ""
    place = strategy.evaluation_design(
        {"problem_id": "P2", "kind": "place", "categories": ("theft",), "dominant_shift": "nuit"},
        pd.Timestamp("2026-01-01"),
        6,
        0,
        150.0,
        rule,
        24,
    )
    assert place["target_shift"] == "nuit" and place["after_end"] == "2026-07-01"


# --- plan.toml -------------------------------------------------------------------------------
def test_report_files_list_plan_toml_in_both_languages():
    assert ("plan.toml", "plan_toml") in pages.FILE_KINDS
    assert pages._kind("plan.toml") == "plan_toml"
    fr, en = (i18n.t("report.files.plan_toml", lang) for lang in ("fr", "en"))
    assert fr != en and "indicat" in fr and "indicators" in en


def test_plan_toml_is_versioned_commented_and_fixes_the_design(saved):
    text = saved.read_text(encoding="utf-8")
    assert text.startswith("# Plan d'action") and "\n# Action plan" in text
    assert "schema_version = 1\n" in text and 'format = "diagnostic_lib.action_plan"' in text
    assert f'registered = "{REGISTERED}"' in text and text.count("[[action]]") >= 3
    assert 'done = ""' in text  # where to fill in
    import tomllib

    doc = tomllib.loads(text)
    assert all(a["design"]["registered"] == REGISTERED for a in doc["action"])


def test_write_read_write_gives_the_same_bytes(saved, tmp_path):
    first = saved.read_bytes()
    back = strategy.read_plan(saved)
    again = strategy.write_plan_toml(back, tmp_path / "again", registered="2031-05-05")
    assert again.read_bytes() == first  # the design keeps the day it was fixed
    # and the frame read back equals the plan written, field by field
    plan2 = strategy.read_plan(again)
    pd.testing.assert_frame_equal(back, plan2)


def test_the_frame_read_back_is_the_plan_saved(s4, saved):
    back = strategy.read_plan(saved)
    plan = s4.plan
    assert list(back.columns) == list(plan.columns)
    for c in plan.columns:
        if c in ("design", "indicators"):
            continue
        for x, y in zip(plan[c], back[c], strict=True):
            if isinstance(x, float):
                assert y == pytest.approx(x, rel=1e-5, nan_ok=True), c
            else:
                assert x == y, c
    for x, y in zip(plan["indicators"], back["indicators"], strict=True):
        assert [dict(i) for i in x] == [dict(i) for i in y]
    for x, y in zip(plan["design"], back["design"], strict=True):
        assert {**x, "registered": REGISTERED} == y


def test_hand_edits_and_unknown_fields_survive(saved, tmp_path):
    # the analyst fills in done values, adds a field of their own at every level
    _edit(saved, 'done = ""', "done = 12.5")
    _edit(saved, 'planned = ""', "planned = 40")
    _edit(saved, 'chosen_by = "ranking"', 'chosen_by = "ranking"\nbudget_code = "PDQ-22"')
    _edit(saved, "[action.design]\n", '[action.design]\nreviewer = "M. Tremblay"\n')
    _edit(saved, 'reported_by = ""', 'reported_by = ""\nsource_sheet = "patrouilles.xlsx"')
    _edit(
        saved,
        'format = "diagnostic_lib.action_plan"',
        'format = "diagnostic_lib.action_plan"\nedited_by = "analyste"',
    )
    back = strategy.read_plan(saved)
    first = back.loc[0, "indicators"][0]
    assert first["done"] == 12.5 and first["planned"] == 40
    assert first["source_sheet"] == "patrouilles.xlsx"
    assert back.loc[0, "budget_code"] == "PDQ-22" and back.loc[1, "budget_code"] is None
    assert back.loc[0, "design"]["reviewer"] == "M. Tremblay"
    out = strategy.write_plan_toml(back, tmp_path / "out")
    text = out.read_text(encoding="utf-8")
    for kept in (
        "done = 12.5",
        "planned = 40",
        'budget_code = "PDQ-22"',
        'reviewer = "M. Tremblay"',
        'source_sheet = "patrouilles.xlsx"',
        'edited_by = "analyste"',
    ):
        assert kept in text, kept
    assert text.count("budget_code") == 1  # not invented for the other actions
    assert (
        strategy.write_plan_toml(strategy.read_plan(out), tmp_path / "out2").read_text(
            encoding="utf-8"
        )
        == text
    )


@pytest.mark.parametrize(
    ("old", "new", "words"),
    [
        ('done = ""', 'done = "douze"', ["A01", "indicator[A01-I1].done", "'douze'", "nombre"]),
        ('done = ""', "done = -3", ["A01", "indicator[A01-I1].done", "-3"]),
        ('done = ""', "done = true", ["A01", "indicator[A01-I1].done", "True"]),
        ('done = ""', "done = inf", ["A01", "indicator[A01-I1].done", "inf"]),
        ('planned = ""', "planned = [4]", ["A01", "indicator[A01-I1].planned"]),
        ('start = "2026-01-01"', 'start = "1er mars"', ["A01", "field start", "YYYY-MM-DD"]),
        ('end = "', 'end = "2027-13-45', ["A01", "field end"]),
        ('categories = ["', 'categories = "x"\nold_categories = ["', ["A01", "field categories"]),
        ('indicator_id = "A01-I1"', "indicator_id = 3", ["A01", "indicator_id"]),
        ('plan_id = "A02"', 'plan_id = "A01"', ["A01", "plan_id", "twice"]),
        ('plan_id = "A01"', "", ["#1", "plan_id"]),
        ('done = ""', "done = ", ["action A01", "line", "invalid TOML"]),
        ("schema_version = 1", "schema_version = 9", ["version (9)", "update diagnostic_lib"]),
        ("schema_version = 1", "schema_version = ", ["line 7", "invalid TOML"]),
        ('format = "diagnostic_lib.action_plan"', "", ["not a diagnostic_lib action plan"]),
    ],
)
def test_a_malformed_edit_names_the_file_the_action_and_the_field(saved, old, new, words):
    _edit(saved, old, new)
    with pytest.raises(DataError) as err:
        strategy.read_plan(saved)
    msg = str(err.value)
    assert msg.startswith(str(saved)) and "Traceback" not in msg
    assert "action ?" not in msg
    for w in words:
        assert w in msg, (w, msg)
    assert " / " in msg and msg.count("(got ") <= 1  # English then French, once each


def test_a_syntax_error_in_the_second_action_names_it(saved):
    head, sep, tail = saved.read_text(encoding="utf-8").partition('plan_id = "A02"')
    tail = tail.replace('response_id = "', 'response_id = "unterminated\n', 1)
    saved.write_text(head + sep + tail, encoding="utf-8")
    with pytest.raises(DataError, match="action A02"):
        strategy.read_plan(saved)


def test_a_table_or_an_array_of_tables_added_by_hand_survives(saved, tmp_path):
    _edit(saved, "[action.design]\n", "cost.capital = 1200\ncost.yearly = 300\n\n[action.design]\n")
    head, sep, tail = saved.read_text(encoding="utf-8").partition('plan_id = "A02"')
    head = head.rsplit("[[action]]", 1)
    visit = '[[action.visit]]\nday = "2026-02-01"\n\n[[action]]'
    saved.write_text(head[0] + visit + head[1] + sep + tail, encoding="utf-8")
    back = strategy.read_plan(saved)
    assert back.loc[0, "cost"] == {"capital": 1200, "yearly": 300}
    assert back.loc[0, "visit"] == ({"day": "2026-02-01"},)
    out = strategy.write_plan_toml(back, tmp_path / "a")
    again = strategy.read_plan(out)
    assert (
        again.loc[0, "cost"] == back.loc[0, "cost"]
        and again.loc[0, "visit"] == back.loc[0, "visit"]
    )
    assert strategy.write_plan_toml(again, tmp_path / "b").read_bytes() == out.read_bytes()


def test_a_base_path_reads_the_toml_when_there_is_no_json(saved):
    saved.with_suffix(".json").unlink()
    assert strategy.read_plan(saved.with_suffix("")).equals(strategy.read_plan(saved))


def test_missing_plan_toml_is_a_clear_error(tmp_path):
    with pytest.raises(DataError, match="plan.toml: action plan not found"):
        strategy.read_plan(tmp_path / "plan.toml")


def test_json_and_workbook_still_written(s4, tmp_path):
    j, x = strategy.save_plan(s4.plan, tmp_path / "p")
    back = strategy.read_plan(j)
    assert back.loc[0, "design"]["target_problem"] == s4.plan.loc[0, "problem_id"]
    assert (tmp_path / "p.toml").exists() and x.exists()


# --- fidelity --------------------------------------------------------------------------------
def _plan_with(values):
    rows = []
    for k, inds in enumerate(values, start=1):
        pid = f"A{k:02d}"
        rows.append(
            {
                "plan_id": pid,
                "response_id": "cctv",
                "indicators": [
                    {
                        "indicator_id": f"{pid}-I{n}",
                        "kind": "actions_done",
                        "unit": "actions",
                        "planned": p,
                        "done": d,
                    }
                    for n, (p, d) in enumerate(inds, start=1)
                ],
            }
        )
    return pd.DataFrame(rows)


def test_fidelity_compares_done_with_the_planned_dose():
    plan = _plan_with([[(10, 8)], [(10, 7.99)], [(100, 90), (20, None)], [(None, 5)], []])
    f = fidelity = strategy.fidelity(plan)
    by = fidelity.drop_duplicates("plan_id").set_index("plan_id")["action_status"].to_dict()
    assert by == {
        "A01": "as_planned",
        "A02": "not_implemented",
        "A03": "not_reported",
        "A04": "no_plan",
        "A05": "no_plan",
    }
    assert f.loc[0, "share"] == pytest.approx(0.8) and np.isnan(f.loc[3, "share"])
    # the share is tunable: at 0.9 the first action falls short too
    by9 = strategy.fidelity(plan, share=0.9).drop_duplicates("plan_id")["action_status"]
    assert by9.iloc[0] == "not_implemented"
    assert settings.default("fidelity_share") == 0.8
    with pytest.raises(ValueError):
        strategy.fidelity(plan, share=1.5)


def test_fidelity_never_counts_a_bool_or_text_as_a_dose():
    f = strategy.fidelity(_plan_with([[(10, True)], [(10, "12")]]))
    assert f["status"].tolist() == ["not_reported", "not_reported"]


def test_fidelity_words_are_bilingual():
    for s in strategy.FIDELITY_STATUSES:
        fr, en = strategy.fidelity_label(s, "fr"), strategy.fidelity_label(s, "en")
        assert fr and en and fr != en
    assert strategy.fidelity_label("not_implemented", "fr") == "Non mise en œuvre comme prévu"


def test_fidelity_of_a_hand_edited_plan_toml(saved):
    _edit(saved, 'planned = ""', "planned = 100")
    _edit(saved, 'done = ""', "done = 50")
    f = strategy.fidelity(strategy.read_plan(saved))
    first = f[f["plan_id"] == "A01"]
    assert first["action_status"].iloc[0] == "not_implemented"
    assert first["share"].iloc[0] == 0.5
    assert (f[f["plan_id"] != "A01"]["action_status"] == "no_plan").all()
