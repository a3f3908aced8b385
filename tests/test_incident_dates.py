"""Dates as exports write them: month-only and year-only dates, placeholder times."""

from __future__ import annotations

import pandas as pd

from diagnostic_lib import loaders
from diagnostic_lib.loaders.incident_dates import time_precision

from .conftest import NOW


def _load(**cols):
    n = len(next(iter(cols.values())))
    return loaders.load_incidents(pd.DataFrame({"categorie": ["Vol"] * n, **cols}), now=NOW)


def test_a_month_only_date_is_the_whole_month_never_its_first_day():
    inc, led = _load(date=["2024-05", "05/2024", "2024/5", "2024", "2024-13", "2024-05-03"])
    assert led.entries[["row", "reason"]].values.tolist() == [[5, "date_unparseable"]]
    got = inc[["occurred_from", "occurred_to"]].map(lambda t: t.strftime("%Y-%m-%d"))
    assert got.assign(p=inc["time_precision"]).values.tolist() == [
        ["2024-05-01", "2024-06-01", "month"],
        ["2024-05-01", "2024-06-01", "month"],
        ["2024-05-01", "2024-06-01", "month"],
        ["2024-01-01", "2025-01-01", "longer"],
        ["2024-05-03", "2024-05-04", "day"],
    ]
    assert inc["shift"].isna().all()  # no shift from a month


def test_time_precision_reads_the_width_of_the_range():
    s = pd.Series(pd.to_datetime(["2024-05-01 10:00"] * 6))
    hours = [None, 1, 8, 24, 24 * 7, 24 * 40]
    e = pd.Series([pd.NaT if h is None else s[0] + pd.Timedelta(hours=h) for h in hours])
    assert time_precision(s, e).tolist() == ["exact", "hour", "shift", "day", "week", "longer"]


def test_a_midnight_placeholder_does_not_override_the_hour_column():
    """SPVM-like: a date column always at 00:00:00 beside an hour column."""
    inc, led = _load(
        date=["2024-05-01T00:00:00", "2024-05-02T00:00:00", "2024-05-03T00:00:00"],
        heure=["22", "7", "13:30"],
    )
    assert inc["occurred_from"].astype(str).tolist() == [
        "2024-05-01 22:00:00",
        "2024-05-02 07:00:00",
        "2024-05-03 13:30:00",
    ]
    assert any("same time (00:00)" in n for n in led.notes("en")["note"])


def test_a_constant_utc_time_is_local_midnight_not_five_in_the_morning():
    # local midnight written in UTC: 05:00Z in winter, 04:00Z in summer
    dates = [f"2024-01-{k:02d}T05:00:00Z" for k in range(1, 7)]
    dates += [f"2024-07-{k:02d}T04:00:00Z" for k in range(1, 7)]
    inc, _ = _load(date=dates)
    assert inc["time_precision"].eq("day").all()
    assert inc["occurred_from"].iloc[0] == pd.Timestamp("2024-01-01")
    # real times that merely repeat on a few rows are left alone
    inc, led = _load(date=["2024-01-01 10:00", "2024-01-02 10:00"])
    assert inc["time_precision"].eq("exact").all()
    assert not any("same time" in n for n in led.notes("en")["note"])


def test_an_hour_column_gives_a_one_hour_range_and_is_recognised():
    """``Hour = 22`` is 22:00–23:00 (precision "hour"); ``22:15`` is exact; the column named
    ``Hour`` is found without a mapping, and ``occurred_hour`` is accepted in a mapping."""
    df = pd.DataFrame(
        {
            "id": ["a", "b", "c"],
            "date": ["2024-05-01", "2024-05-01", "2024-05-02"],
            "Hour": ["22", "22:15", "7h"],
            "category": ["Méfait"] * 3,
            "x": [300000] * 3,
            "y": [5040000] * 3,
        }
    )
    for columns in (None, {"occurred_hour": "Hour"}):
        inc, _ = loaders.load_incidents(df, columns=columns, crs="EPSG:32188", now="2025-01-01")
        assert inc["time_precision"].tolist() == ["hour", "exact", "hour"]
        assert inc["occurred_from"].dt.hour.tolist() == [22, 22, 7]
        ends = inc["occurred_to"]
        assert ends.iloc[0] == pd.Timestamp("2024-05-01 23:00") and pd.isna(ends.iloc[1])
        assert inc["shift"].tolist() == ["soir", "soir", "nuit"]  # 07:00–08:00: night shift


def test_values_padded_with_spaces_are_trimmed():
    """Fixed-width exports pad text ("Saturday  ", "soir  "): ids, dates, hours, categories
    and shifts are read without their spaces, and no row is rejected for them."""
    df = pd.DataFrame(
        {
            "id": ["  a ", "b  ", "c"],
            "date": [" 2024-05-01 ", "2024-05  ", "2024-05-02"],
            "Hour": [" 22 ", "", "7  "],
            "category": ["Méfait  ", "  Vol", "Méfait"],
            "shift": ["soir  ", "", "  nuit"],
            "x": [300000] * 3,
            "y": [5040000] * 3,
        }
    )
    inc, led = loaders.load_incidents(df, crs="EPSG:32188", now="2025-01-01")
    assert led.entries.empty
    assert inc["incident_id"].tolist() == ["a", "b", "c"]
    assert inc["category"].tolist() == ["mischief", "theft", "mischief"]
    assert inc["time_precision"].tolist() == ["hour", "month", "hour"]
    assert inc["occurred_from"].dt.hour.tolist() == [22, 0, 7]
    assert inc["shift"].iloc[[0, 2]].tolist() == ["soir", "nuit"]
