"""The coverage calendar: months without any record are "no data", not zero crime (issue 15)."""

from __future__ import annotations

from types import SimpleNamespace

import numpy as np
import pandas as pd
import pytest

from diagnostic_lib import coverage
from diagnostic_lib.evaluation import forecast
from diagnostic_lib.evaluation.decision import REASONS
from diagnostic_lib.evaluation.design import windows
from diagnostic_lib.i18n import t
from diagnostic_lib.inventory.timing import seasonality
from diagnostic_lib.inventory.trend import windows_covered
from diagnostic_lib.ledger import Ledger
from diagnostic_lib.loaders.diagnostic import _note_gaps

GAP = ["2023-02", "2023-03", "2023-04"]


def _export(gap: bool = True, seed: int = 3) -> pd.DataFrame:
    """A monthly export of about 100 incidents a month, 2021–2025, 2023-02..04 missing."""
    rng = np.random.default_rng(seed)
    rows, files = [], []
    for m in pd.date_range("2021-01-01", "2025-12-01", freq="MS"):
        if gap and str(m.to_period("M")) in GAP:
            continue
        n = int(rng.poisson(100))
        rows += [m + pd.Timedelta(days=int(d), hours=12) for d in rng.integers(0, 28, n)]
        files += [f"export_{m.year}.csv"] * n
    return pd.DataFrame(
        {
            "occurred_from": pd.to_datetime(rows),
            "family": "property",
            "sector": "A",
            "source_file": files,
        }
    )


def test_calendar_flags_the_missing_months():
    cal = coverage.coverage_calendar(_export())
    assert len(cal) == 60 and cal["count"].sum() > 5000
    assert [str(m) for m in cal.loc[~cal["covered"], "month"]] == GAP
    assert [str(m) for m in coverage.gap_months(_export())] == GAP
    assert coverage.gap_months(_export(gap=False)) == []


def test_calendar_per_file_has_its_own_span():
    cal = coverage.coverage_calendar(_export(), by="source_file")
    assert set(cal["source_file"]) == {f"export_{y}.csv" for y in range(2021, 2026)}
    miss = cal.loc[~cal["covered"]]
    assert set(miss["source_file"]) == {"export_2023.csv"}
    assert len(cal[cal["source_file"] == "export_2021.csv"]) == 12


def test_a_rare_event_month_is_a_zero_not_a_gap():
    when = pd.to_datetime(["2023-01-10", "2023-03-02", "2023-04-20"])
    cal = coverage.coverage_calendar(pd.DataFrame({"occurred_from": when}))
    assert cal["covered"].all() and cal["count"].tolist() == [1, 0, 1, 1]


def test_trend_windows_use_the_same_rule():
    inc = _export()
    assert not windows_covered(inc["occurred_from"], "2022-06-01", "2024-06-01")
    assert windows_covered(inc["occurred_from"], "2024-01-01", "2026-01-01")


def test_ledger_note_lists_the_gap_months():
    inc = _export()
    cfg = SimpleNamespace(
        data={"incidents": SimpleNamespace(paths=[f"export_{y}.csv" for y in range(2021, 2026)])},
        path=None,
    )
    led = Ledger()
    _note_gaps(led, inc, cfg, coverage.GAP_MIN_MONTHLY)
    notes = led.notes("en")
    assert notes["file"].tolist() == ["export_2023.csv", "*"]
    assert "2023-02–2023-04" in notes["note"].iloc[0]
    assert "no data, not as zero" in notes["note"].iloc[0]
    fr = led.notes("fr")["note"].iloc[0]
    assert fr == t("loaders.note.no_data_months", "fr", months="2023-02–2023-04")
    one = SimpleNamespace(data={"incidents": SimpleNamespace(paths=["all.csv"])}, path=None)
    led = Ledger()
    _note_gaps(led, inc.drop(columns="source_file"), one, coverage.GAP_MIN_MONTHLY)
    assert led.notes("en")["file"].tolist() == ["all.csv"]
    led = Ledger()
    _note_gaps(led, _export(gap=False).drop(columns="source_file"), one, 3.0)
    assert led.notes("en").empty


def test_seasonality_leaves_the_gap_out():
    s = seasonality(_export())
    assert s["complete_years"].iloc[0] == 4  # 2021, 2022, 2024, 2025: not 2023
    assert s.attrs["coverage"]["complete_years"] == 4
    assert s.attrs["coverage"]["months_used"] == 48
    assert (s["mean"] > 80).all()  # no zero month
    assert s["years"].eq(4).all()


def test_seasonality_without_complete_year_excludes_gaps_not_counts_zero():
    inc = _export()
    one_month = inc[inc["occurred_from"].dt.month == 1]  # 11 missing months a year
    s = seasonality(one_month)
    assert s["complete_years"].iloc[0] == 0
    assert s.loc[s["month"] == 1, "years"].item() == 5
    assert s.loc[s["month"] != 1, "mean"].isna().all()  # no data, not zero
    assert s.loc[s["month"] == 1, "mean"].item() > 80


def test_window_over_a_gap_is_not_evaluable():
    m = pd.DataFrame(
        {
            "measure_id": ["over", "after"],
            "footprint": ["polygon"] * 2,
            "start": pd.to_datetime(["2023-09-01", "2024-06-01"]),
            "end": pd.NaT,
            "geometry": ["x"] * 2,
        }
    )
    gaps = coverage.gap_months(_export())
    w = windows(m, "2021-01-01", "2026-01-01", gaps=gaps)
    assert w["status"].tolist() == ["not_evaluable", "evaluable"]
    assert w["reason"].tolist() == ["window_not_covered", ""]
    assert "window_not_covered" in REASONS
    assert windows(m, "2021-01-01", "2026-01-01")["status"].tolist() == ["evaluable"] * 2
    assert "no data" in t("evaluation.reason.window_not_covered", "en")


def test_forecast_does_not_read_the_gap_as_zero():
    inc = _export()
    h = forecast.monthly_counts(inc, by=("family",), end="2026-01-01")
    months = pd.DatetimeIndex(h["month"]).to_period("M").astype(str)
    assert not set(GAP) & set(months) and len(h) == 57
    assert h["count"].min() > 50
    p = forecast.project(inc, by=("family",), end="2026-01-01", n_sim=200)
    full = forecast.project(_export(gap=False), by=("family",), end="2026-01-01", n_sim=200)
    tot, ref = p.totals.iloc[0], full.totals.iloc[0]
    assert tot["months"] == 57 and tot["model"] != "not_covered"
    assert tot["mean_12"] == pytest.approx(ref["mean_12"], rel=0.05)
    assert tot["trend_low"] < 1 < tot["trend_high"]


def test_forecast_stops_when_the_last_month_is_a_gap():
    p = forecast.project(_export(), by=("family",), end="2023-04-15", n_sim=100)
    assert p.totals["model"].tolist() == ["not_covered"]
    assert p.totals["note"].tolist() == ["not_covered"]


def test_a_file_without_any_record_has_an_empty_calendar():
    """A header-only export: no calendar and no gap, not a traceback."""
    from diagnostic_lib import coverage

    empty = pd.DataFrame({"occurred_from": pd.Series(dtype="datetime64[us]")})
    cal = coverage.coverage_calendar(empty)
    assert cal.empty and list(cal.columns) == ["month", "count", "covered"]
    assert coverage.gap_months(empty) == []


@pytest.mark.parametrize("unit", ["s", "us", "ns"])
def test_month_periods_are_pandas_periods_at_every_resolution(unit):
    """The months made from numbers are pandas' own, NaT and dates before 1970 included."""
    when = pd.Series(
        pd.to_datetime(
            ["2024-01-31 23:59:59", None, "1969-12-31 23:00", "1900-02-28 12:00", "2024-02-01"],
            format="mixed",
        )
    ).astype(f"datetime64[{unit}]")
    got = coverage._month_periods(when)
    pd.testing.assert_series_equal(got, when.dt.to_period("M"))
    # the calendar of month-only dates (their range ends, exclusive, on the next month's
    # first instant, as the loader writes it) reaches the month's end
    inc = pd.DataFrame(
        {
            "occurred_from": pd.to_datetime(["2024-01-01", "2024-02-01"]).astype(
                f"datetime64[{unit}]"
            )
        }
    )
    inc["occurred_to"] = pd.to_datetime(["2024-02-01", "2024-03-05"]).astype(f"datetime64[{unit}]")
    rows = coverage._calendar_rows(inc, [], None)
    assert rows["stop"].tolist() == [
        pd.Timestamp("2024-01-31 23:59:59.999999"),
        pd.Timestamp("2024-02-01"),
    ]
