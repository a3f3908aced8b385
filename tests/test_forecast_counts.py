"""``evaluation.monthly_counts``: equal to a plain group-by of the incidents.

The reference below is the straightforward computation (text keys, a copy of
every row as sector ``"*"``, a group-by, every month of every group): the
library counts with integer codes instead, and must give the same table.
"""

from __future__ import annotations

import numpy as np
import pandas as pd
import pytest

from diagnostic_lib import coverage, evaluation, loaders, sample
from diagnostic_lib.evaluation._common import _month_edges, _month_floor, _months_between


def _reference(incidents, by, start=None, end=None, municipality=True, gaps=None):
    keys = list(by)
    ts = incidents["occurred_from"]
    s = pd.Timestamp(start) if start is not None else ts.min().normalize()
    e = pd.Timestamp(end) if end is not None else ts.max().normalize() + pd.Timedelta(days=1)
    m0 = _month_floor(s) if s == _month_floor(s) else _month_floor(s) + pd.DateOffset(months=1)
    m1 = _month_floor(e)
    n = max(_months_between(m0, m1), 0)
    months = pd.DatetimeIndex(_month_edges(m0, n)[:-1]).astype("datetime64[us]")
    tv = ts.to_numpy(dtype="datetime64[us]")
    ok = (tv >= np.datetime64(m0, "us")) & (tv < np.datetime64(m1, "us"))
    df = incidents.loc[ok, keys].astype("str").where(incidents.loc[ok, keys].notna())
    df["month"] = ts[ok].dt.to_period("M").dt.to_timestamp().astype("datetime64[us]").to_numpy()
    frames = [df.dropna(subset=keys)]
    if municipality and "sector" in keys:
        allm = df.copy()
        allm["sector"] = "*"
        frames.append(allm.dropna(subset=[k for k in keys if k != "sector"]))
    full = pd.concat(frames, ignore_index=True)
    cnt = full.groupby([*keys, "month"]).size()
    groups = full[keys].drop_duplicates().sort_values(keys)
    idx = pd.MultiIndex.from_frame(groups.merge(pd.DataFrame({"month": months}), how="cross"))
    out = cnt.reindex(idx, fill_value=0).rename("count").reset_index()
    out["count"] = out["count"].astype("int64")
    gaps = coverage.gap_months(incidents, end=m1) if gaps is None else gaps
    if len(gaps):
        drop = pd.DatetimeIndex([pd.Period(g, freq="M").start_time for g in gaps])
        out = out[~out["month"].isin(drop.astype("datetime64[us]"))].reset_index(drop=True)
    return out


@pytest.fixture(scope="module")
def incidents():
    return loaders.load_diagnostic(sample.sample_dir() / "diagnostic.toml").incidents


def _messy(seed=0, n=3000):
    rng = np.random.default_rng(seed)
    when = pd.Timestamp("2022-01-01") + pd.to_timedelta(rng.integers(0, 3 * 365 * 24, n), unit="h")
    sector = rng.choice(np.array(["S1", "S2", "*", "b", "A", None], dtype=object), n)
    family = rng.choice(np.array(["violence", "property", None], dtype=object), n)
    return pd.DataFrame(
        {
            "occurred_from": when.astype("datetime64[us]"),
            "sector": pd.array(sector, dtype="str"),
            "family": pd.array(family, dtype="str"),
            "problem_id": rng.integers(1, 40, n),
        }
    )


CASES = [
    ({"by": ("sector", "family")}, {}),
    ({"by": ("sector", "family")}, {"start": "2022-03-15", "end": "2024-07-20"}),
    ({"by": ("family",)}, {"end": "2026-01-01"}),
    ({"by": ("sector",)}, {"municipality": False}),
    ({"by": ("problem_id",)}, {"start": "2022-02-01", "end": "2023-01-01", "gaps": []}),
    ({"by": ("sector", "family")}, {"start": "2024-05-03", "end": "2024-05-20"}),  # no month
    ({"by": ("sector", "family")}, {"start": "2030-01-01", "end": "2031-01-01"}),  # no incident
]


@pytest.mark.parametrize(("by", "kw"), CASES)
def test_monthly_counts_equal_a_plain_group_by(by, kw):
    inc = _messy()
    # missing keys, and a sector named "*" (counted with the whole municipality's "*")
    assert inc["sector"].isna().any() and (inc["sector"] == "*").any()
    got = evaluation.monthly_counts(inc, by["by"], **kw)
    pd.testing.assert_frame_equal(got, _reference(inc, by["by"], **kw), check_exact=True)


@pytest.mark.parametrize("by", [("sector", "family"), ("family",), ("category",)])
def test_monthly_counts_of_the_sample(incidents, by):
    kw = {"start": "2022-01-01", "end": "2025-12-31"}
    got = evaluation.monthly_counts(incidents, by, **kw)
    pd.testing.assert_frame_equal(got, _reference(incidents, by, **kw), check_exact=True)
    assert got["count"].sum() > 0
