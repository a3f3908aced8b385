"""Gap months in the monthly series: left out, never counted as zero (issue 15, item 3).

Each test feeds a series that fooled the code before: a steady count with months
missing from the export.
"""

from __future__ import annotations

import geopandas as gpd
import numpy as np
import pandas as pd
import shapely

from diagnostic_lib import evaluation
from diagnostic_lib.evaluation import forecast, time_series
from diagnostic_lib.evaluation.area_counts import _pre_table, _window_sums


def _steady(gap: list[str], seed: int = 0, rate: float = 40.0) -> pd.DataFrame:
    """About ``rate`` incidents a month, 2021–2025, without the months of ``gap``."""
    rng = np.random.default_rng(seed)
    days = pd.date_range("2021-01-01", "2025-12-31", freq="D")
    inc = pd.DataFrame(
        {
            "occurred_from": days.repeat(rng.poisson(rate / 30.4, len(days))),
            "category": "theft",
            "shift": "jour",
        }
    )
    month = inc["occurred_from"].dt.to_period("M").astype(str)
    return inc[~month.isin(gap)].reset_index(drop=True)


def _municipal_measure(start: str = "2024-01-01") -> pd.DataFrame:
    return pd.DataFrame(
        {
            "measure_id": ["M1"],
            "footprint": ["municipality"],
            "start": [pd.Timestamp(start)],
            "target_categories": [()],
            "target_shifts": [()],
        }
    )


BEFORE_GAP = ["2023-09", "2023-10", "2023-11", "2023-12"]


def test_its_leaves_the_gap_months_out():
    # before: the four zeros just before the start read as a level rise of ×78 (p < 0.001)
    # and the steady series as "persistent"
    inc = _steady(BEFORE_GAP)
    its = time_series.interrupted_time_series(inc, "2024-01-01", "2021-01-01", "2026-01-01")
    level = its.set_index("term").loc["level_change"]
    assert its.attrs["gaps_before"] == 4 and its.attrs["gaps_after"] == 0
    assert its.attrs["months_before"] == 36 - 4 and its.attrs["months_after"] == 24
    assert level["status"] == "ok"
    assert level["low"] < 1 < level["high"] and 0.75 < level["irr"] < 1.33  # not ×78
    series = its.attrs["series"]
    gap = series["month"].dt.strftime("%Y-%m").isin(BEFORE_GAP)
    assert series.loc[gap, "count"].isna().all() and not series.loc[gap, "covered"].any()
    assert series.loc[~gap, "count"].notna().all()


def test_its_for_measures_says_how_many_months_were_left_out():
    inc = _steady(BEFORE_GAP)
    t = time_series.its_for_measures(_municipal_measure(), inc, "2021-01-01", "2026-01-01")
    row = t.iloc[0]
    assert row["reading"] == "no_change" and row["gaps_before"] == 4
    assert "4 month(s) without data left out" in row["text_en"]
    assert "4 mois sans données" in row["text_fr"]


def test_its_whose_after_period_is_mostly_gaps_is_not_covered():
    # seven of the twelve months after the start were never exported
    gap = [f"2025-{m:02d}" for m in range(1, 8)]
    inc = _steady(gap)
    inc = inc[inc["occurred_from"] < "2026-01-01"]
    t = time_series.its_for_measures(
        _municipal_measure("2025-01-01"), inc, "2021-01-01", "2026-01-01", min_months=3
    )
    row = t.iloc[0]
    assert row["status"] == "not_covered" and row["reading"] == "not_covered"
    assert (row["months_after"], row["gaps_after"]) == (5, 7)
    assert np.isnan(row["level_irr"])
    assert "mostly months without any record" in row["text_en"]


def test_prais_winsten_bridges_missing_rows():
    # AR(1) errors: with rows missing, the steps are bridged with ρ^d, not taken as adjacent
    rng = np.random.default_rng(4)
    e = np.zeros(240)
    for i in range(1, 240):
        e[i] = 0.6 * e[i - 1] + rng.normal()
    X = np.column_stack([np.ones(240), np.arange(240) / 120])
    keep = np.r_[0:60, 70:130, 140:240]
    full = time_series.prais_winsten(1 + e, X)
    bridged = time_series.prais_winsten(1 + e[keep], X[keep], positions=keep)
    assert abs(bridged["rho"] - full["rho"]) < 0.1
    # without positions, the same rows give the old answer (consecutive)
    plain = time_series.prais_winsten(1 + e[keep], X[keep])
    assert np.allclose(
        plain["params"],
        time_series.prais_winsten(1 + e[keep], X[keep], positions=np.arange(len(keep)))["params"],
    )


def _two_areas(gap: list[str]) -> gpd.GeoDataFrame:
    """~40 a month in a treated square, ~400 in the control, the months of ``gap`` missing."""
    inc = pd.concat(
        [_steady(gap, seed=1).assign(x=5.0), _steady(gap, seed=2, rate=400.0).assign(x=50.0)]
    )
    return gpd.GeoDataFrame(inc, geometry=gpd.points_from_xy(inc["x"], inc["x"]))


AREAS = {"treated": shapely.box(0, 0, 10, 10), "control": shapely.box(20, 20, 100, 100)}
WINDOWS = {
    "before_start": pd.Timestamp("2023-01-01"),
    "before_end": pd.Timestamp("2024-01-01"),
    "after_start": pd.Timestamp("2024-01-01"),
    "after_end": pd.Timestamp("2025-01-01"),
}


def test_before_after_sums_are_not_taken_over_a_gap():
    # before: 8 covered months summed against 12 read as a rise of a half in every area
    m = evaluation.monthly_area_counts(
        _two_areas(BEFORE_GAP), {"target_categories": ("theft",)}, AREAS, WINDOWS
    )
    gap = m["month"].dt.strftime("%Y-%m").isin(BEFORE_GAP)
    assert not m.loc[gap, "covered"].any() and m.loc[~gap, "covered"].all()
    sums = _window_sums(m)
    assert all(np.isnan(v) for v in sums.values())
    clean = evaluation.monthly_area_counts(
        _two_areas([]), {"target_categories": ("theft",)}, AREAS, WINDOWS
    )
    assert clean["covered"].all() and sums.keys() == _window_sums(clean).keys()
    assert 400 < _window_sums(clean)["a0"] < 560


def test_dispersion_table_has_no_gap_column():
    m = evaluation.monthly_area_counts(
        _two_areas(["2022-03", "2022-04"]),
        {"target_categories": ("theft",)},
        AREAS,
        WINDOWS,
        pre_months=12,
        data_start="2021-01-01",
    )
    table = _pre_table(m, ("treated", "control"))
    assert table.shape == (2, 24 - 2) and (table > 0).all()


def test_an_after_window_past_the_end_of_the_export_is_not_evaluated(diag):
    # the export stops on 19 August 2025 while the period runs to the end of 2025
    inc = diag.incidents[diag.incidents["occurred_from"] < "2025-08-20"]
    e = evaluation.evaluate(diag.measures, inc, diag.sectors, "2022-01-01", "2026-01-01")
    e = e.set_index("measure_id")
    # M03's after window (2025) and M17's (to August 2025, a partial month) are not covered
    assert e.loc["M03", "reason"] == "window_not_covered"
    assert e.loc["M17", "reason"] == "window_not_covered"
    assert e.loc["M01", "status"] == "evaluable"  # its windows end in March 2025


def test_backtest_does_not_score_the_months_after_the_export_stops():
    # the export stops on 19 August 2025; the period asked runs to the end of 2025.
    # Before: August (partial) and September–December (no record) were held out as
    # counts of 0, and the projection was judged on them
    inc = _steady([], seed=3, rate=100.0).assign(family="property")
    inc = inc[inc["occurred_from"] < "2025-08-20"]
    b = forecast.backtest(inc, by=("family",), end="2026-01-01", n_sim=200)
    assert pd.Timestamp(b["month"].max()) < pd.Timestamp("2025-08-01")
    assert (b["actual"] > 50).all()
    last = b[b["origin"] == "2025-01-01"]
    assert len(last) == 7 and last["total_actual"].isna().all()  # 7 of 12 months: no total
    s = forecast.backtest_summary(b).set_index("scope").loc["all"]
    assert s["months"] == b["err_model"].notna().sum() == len(b)
    assert s["skill"] > -0.5  # not judged on zeros


def test_backtest_scores_no_total_over_a_gap_and_both_forecasts_on_the_same_months():
    gap = ["2025-03", "2025-04", "2025-05"]
    inc = _steady(gap, seed=3, rate=100.0).assign(family="property")
    b = forecast.backtest(inc, by=("family",), end="2026-01-01", n_sim=200)
    held = pd.DatetimeIndex(b["month"]).strftime("%Y-%m")
    assert not set(gap) & set(held)
    # every origin's held-out year holds the gap: no 12-month total compared with 9 months
    assert b["total_actual"].isna().all()
    s = forecast.backtest_summary(b).set_index("scope").loc["all"]
    assert np.isnan(s["total_coverage"])
    ref = forecast.backtest(
        _steady([], seed=3, rate=100.0).assign(family="property"),
        by=("family",),
        end="2026-01-01",
        n_sim=200,
    )
    assert s["months"] == len(ref) - 3 * b["origin"].nunique() == 27


def test_backtest_summary_scores_both_forecasts_on_the_same_months():
    # the third month's naive value would come from a gap month (a year earlier):
    # before, the model's mean error counted it and the naive one did not
    det = pd.DataFrame(
        {
            "family": "a",
            "month": [1, 2, 3],
            "actual": [10, 10, 10],
            "err_model": [1.0, 1.0, 9.0],
            "err_naive": [2.0, 2.0, np.nan],
            "covered": [True, True, False],
            "total_actual": 30,
            "total_low": 20.0,
            "total_high": 40.0,
        }
    )
    s = forecast.backtest_summary(det, level=0.9).set_index("scope").loc["all"]
    assert s["months"] == 2 and s["skill"] == 0.5 and s["coverage"] == 1.0


def test_plan_baseline_and_history_skip_the_gap_months(diag):
    from diagnostic_lib import inventory, strategy
    from diagnostic_lib.strategy.plan import _monthly, history_null

    inv = inventory.run(diag, permutations=0)
    cat = strategy.load_catalogue()
    chosen = strategy.choose(
        strategy.rank_responses(inv.problems, cat, inv.priority, partners=diag.partners, top=3)
    )
    gap = ["2025-03", "2025-04", "2025-05", "2025-06"]
    month = diag.incidents["occurred_from"].dt.to_period("M").astype(str)
    holed = diag.incidents[~month.isin(gap)]
    args = (chosen, inv.problems)
    full = strategy.action_plan(*args, diag.incidents, cat, start="2026-01-01")
    plan = strategy.action_plan(*args, holed, cat, start="2026-01-01")
    # before: the baseline counted 8 months for 12 (a third short), and so the target
    assert (plan["baseline_gap_months"] == 4).all() and (full["baseline_gap_months"] == 0).all()
    ratio = plan["baseline"] / full["baseline"]
    assert ratio.between(0.8, 1.25).all()
    # the monthly history has no data (NaN) in the gap months, and the power check skips them
    series = _monthly(
        holed["occurred_from"], pd.Timestamp("2026-01-01"), [pd.Period(g) for g in gap]
    )
    assert np.isnan(series[-10:-6]).all() and np.isfinite(series[:-10]).all()
    phi, tau2, df = history_null(series, series * 10, 12, 1)
    assert np.isfinite(phi) and np.isfinite(tau2)


def test_change_baseline_leaves_out_an_earlier_year_with_a_gap():
    # before: the 2022 window, four months short, pulled the baseline mean down by 8 %
    # and inflated the year-to-year variance fifty-fold
    from diagnostic_lib.inventory.trend import change

    whole = _steady([], rate=100.0).assign(family="property")
    holed = _steady(["2022-03", "2022-04", "2022-05", "2022-06"], rate=100.0)
    holed = holed.assign(family="property")
    ref = change(whole, by=("family",), end="2026-01-01").iloc[0]
    c = change(holed, by=("family",), end="2026-01-01").iloc[0]
    assert (ref["baseline_windows"], c["baseline_windows"]) == (4, 3)
    assert c["last"] == ref["last"] and c["label"] == ref["label"]
    assert abs(c["baseline_mean"] / ref["baseline_mean"] - 1) < 0.03
    assert c["alpha_year"] < 0.01


def test_before_after_chart_breaks_its_lines_at_a_gap():
    from diagnostic_lib.charts.effects import before_after_chart

    m = evaluation.monthly_area_counts(
        _two_areas(BEFORE_GAP), {"target_categories": ("theft",)}, AREAS, WINDOWS
    )
    fig = before_after_chart(m, lang="en")
    lines = [ln for ln in fig.axes[0].get_lines() if len(ln.get_ydata()) == 24]
    assert lines
    for ln in lines:  # drawn as breaks, not as zeros
        y = np.asarray(ln.get_ydata(), dtype=float)
        assert np.isnan(y[8:12]).all() and np.isfinite(y[:8]).all() and (y[12:] >= 0).all()
