"""One exceptional month in a measure's windows (evaluation/exceptional.py).

The processes here are written in the tests (gamma-mixed and persistent monthly counts, a
mass-event month), not by the sample generator.
"""

from __future__ import annotations

import numpy as np
import pandas as pd
import pytest

from diagnostic_lib import evaluation
from diagnostic_lib.evaluation.exceptional import exceptional_month, screened

WINDOWS = np.array(["before"] * 12 + ["after"] * 12, dtype=object)
ALL = np.ones(24, bool)


def _months(rng, level, n=24, k=0.0, rho=0.0, sd=0.0, spike=None, mult=5.0):
    """Treated and control monthly counts: a shared season, AR(1) log level, gamma mixing."""
    u = np.zeros(n)
    if sd:
        e = rng.normal(0, sd * np.sqrt(1 - rho**2), n)
        u[0] = rng.normal(0, sd)
        for t in range(1, n):
            u[t] = rho * u[t - 1] + e[t]
    season = 0.3 * np.cos(2 * np.pi * (np.arange(n) - rng.integers(12)) / 12)
    lam = level * np.exp(u + season - sd**2 / 2)
    if k:
        lam = lam * rng.gamma(k, 1 / k, n)
    if spike is not None:
        lam[spike] *= mult
    return rng.poisson(lam), rng.poisson(1000 * np.exp(season))


def test_a_mass_event_month_is_found_in_either_window():
    a = np.array([10, 12, 9, 11, 10, 8, 12, 10, 11, 9, 10, 12] * 2)
    c = np.full(24, 1000)
    for m in (3, 18):
        spiked = a.copy()
        spiked[m] = 50
        assert exceptional_month(spiked, c, WINDOWS, ALL) == m
    assert exceptional_month(a, c, WINDOWS, ALL) is None


def test_what_the_control_shares_or_what_lasts_is_not_one_exceptional_month():
    a = np.full(24, 10)
    c = np.full(24, 1000)
    town = a.copy()
    town[18] = 50
    shared = c.copy()
    shared[18] = 5000  # the whole municipality had that month
    assert exceptional_month(town, shared, WINDOWS, ALL) is None
    doubled = np.r_[np.full(12, 10), np.full(12, 20)]  # a lasting change: an effect
    assert exceptional_month(doubled, c, WINDOWS, ALL) is None
    rise = a.copy()
    rise[15:18] = 25  # a season of three months at 2.5 times
    assert exceptional_month(rise, c, WINDOWS, ALL) is None


def test_a_gap_month_is_never_exceptional_and_zero_turns_the_screen_off():
    a = np.full(24, 10)
    a[18] = 60
    c = np.full(24, 1000)
    gap = ALL.copy()
    gap[18] = False
    assert exceptional_month(a, c, WINDOWS, gap) is None
    assert exceptional_month(a, c, WINDOWS, ALL, alpha=0.0) is None
    short = np.array(["before"] * 12 + ["after"] * 4, dtype=object)  # too few months after
    assert exceptional_month(a[:16], c[:16], short, ALL[:16]) is None


@pytest.mark.parametrize(
    ("level", "kw"),
    [
        (1.0, {}),
        (3.0, {"k": 2.0}),
        (10.0, {"k": 1.0}),
        (5.0, {"k": 4.0, "rho": 0.7, "sd": 0.3}),
        (20.0, {"rho": 0.9, "sd": 0.4}),
    ],
)
def test_without_an_event_few_series_are_screened(level, kw):
    """Gamma-mixed months (k = 1: a month at three times its mean is common) and
    persistent levels: the spread of the other months, read at its upper bound, keeps
    the screen rare (family-wise 1 %; measured 0–2 %)."""
    rng = np.random.default_rng(11)
    hits = sum(
        exceptional_month(*_months(rng, level, **kw), WINDOWS, ALL) is not None for _ in range(600)
    )
    assert hits / 600 <= 0.04


def test_a_mass_event_at_usual_counts_is_found_most_of_the_time():
    rng = np.random.default_rng(12)
    found = [
        exceptional_month(*_months(rng, 10.0, rho=0.7, sd=0.3, spike=18), WINDOWS, ALL) == 18
        for _ in range(300)
    ]
    assert np.mean(found) >= 0.7


def test_the_screened_table_counts_the_month_at_its_prediction_and_keeps_the_rest():
    n = 24
    a = np.full(n, 10)
    a[18] = 60
    cols = {
        "month": np.tile(pd.date_range("2023-01-01", periods=n, freq="MS").to_numpy(), 3),
        "zone": np.repeat(np.array(["treated", "buffer", "control"], dtype=object), n),
        "window": np.tile(WINDOWS, 3),
        "count": np.concatenate([a, np.full(n, 5), np.full(n, 1000)]),
        "covered": np.ones(3 * n, bool),
    }
    out, info = screened(cols)
    assert (
        out["count"][18] == 10
        and (np.delete(out["count"], 18) == np.delete(cols["count"], 18)).all()
    )
    assert pd.Timestamp(info["exceptional_month"]) == pd.Timestamp("2024-07-01")
    assert info["exceptional_count"] == 60 and info["exceptional_ratio"] == pytest.approx(6.0)
    assert cols["count"][18] == 60  # the caller's table is not changed
    same, none = screened(
        {**cols, "count": np.concatenate([np.full(n, 10), np.full(n, 5), np.full(n, 1000)])}
    )
    assert pd.isna(none["exceptional_month"]) and same["count"][18] == 10


@pytest.fixture(scope="module")
def spiked(diag):
    """The sample with a mass event in M01's treated area: 5 times its usual month, in one
    month of its after window, of its categories and hours."""
    period = evaluation.data_period(diag)
    base = evaluation.evaluate(diag.measures, diag.incidents, diag.sectors, *period)
    row = base.set_index("measure_id").loc["M01"]
    month = pd.Timestamp(row["after_start"]) + pd.DateOffset(months=6)
    inc = diag.incidents
    treated = (
        evaluation.design_areas(
            diag.measures,
            diag.sectors,
            200,
            win=evaluation.windows(diag.measures, *period),
            ids=["M01"],
        )
        .set_index("zone")
        .geometry["treated"]
    )
    mine = inc[inc.within(treated) & inc["category"].isin(["mischief", "disturbance"])]
    mine = mine[mine["shift"].isin(["soir", "nuit"])]
    extra = int(4 * row["a1"] / 12)
    add = mine.sample(extra, replace=True, random_state=1).copy()
    add["occurred_from"] = month + pd.Timedelta(days=10, hours=22)
    add["occurred_to"] = add["occurred_from"]
    add.index = [f"x{i}" for i in range(extra)]
    more = pd.concat([inc, add])
    return period, base.set_index("measure_id"), more, month, extra


def test_a_mass_event_in_a_measures_after_window_is_screened_and_said(diag, spiked):
    period, base, more, month, extra = spiked
    on = evaluation.evaluate(diag.measures, more, diag.sectors, *period).set_index("measure_id")
    off = evaluation.evaluate(
        diag.measures, more, diag.sectors, *period, exceptional_alpha=0.0
    ).set_index("measure_id")
    # unscreened, the event is counted and moves the estimate; screened, the month is read
    # at its prediction and the verdict is the one without the event
    assert off.loc["M01", "a1"] == base.loc["M01", "a1"] + extra
    assert pd.isna(off.loc["M01", "exceptional_month"])
    assert pd.Timestamp(on.loc["M01", "exceptional_month"]) == month
    assert abs(on.loc["M01", "a1"] - base.loc["M01", "a1"]) <= 0.25 * extra
    assert on.loc["M01", "verdict"] == base.loc["M01", "verdict"] == "effective"
    assert off.loc["M01", "res_corrected"] < on.loc["M01", "res_corrected"]
    fr, en = on.loc["M01", "caveats_fr"], on.loc["M01", "caveats_en"]
    assert f"mois exceptionnel dans la zone traitée ({month:%Y-%m}" in fr
    assert f"one exceptional month in the treated area ({month:%Y-%m}" in en
    # the other measures are untouched
    others = base.index.drop("M01")
    assert on.loc[others, "exceptional_month"].isna().all()
