"""Calibration of step 3's projections: the trend's test, emerging risks and the intervals.

Four years of monthly counts per sector (ten sectors a dataset), simulated with the
calibration processes, projected twelve months ahead by ``evaluation.project`` as
step 3 does; the next twelve months of the same process are the truth. Prints a
Markdown table: for each process, the share of sectors with a "significant trend"
(``trend_p < 0.05``; with no true trend these are false positives, with one, the
power when the sign is right), of "emerging risks", and the coverage of the 90 %
intervals of each month and of the 12-month total.

Run: ``python benchmarks/calibrate_forecast.py [datasets]`` (30 datasets: about two
minutes on 2 cores).
"""

from __future__ import annotations

import sys
import warnings

import numpy as np
import pandas as pd

from diagnostic_lib import evaluation
from diagnostic_lib.calibration.processes import ar1

HISTORY, HORIZON, SECTORS = 48, 12, 10
MONTHS = pd.date_range("2021-01-01", periods=HISTORY + HORIZON, freq="MS")

# (label, mean a month at the end of the history, yearly trend, AR ρ, AR SD, NB shape, season)
CASES = [
    ("independent months, 10 a month", 10, 0.0, 0.0, 0.0, 0, 0.0),
    ("negative binomial (k 3), 2 a month", 2, 0.0, 0.0, 0.0, 3, 0.0),
    ("independent months, 0.7 a month", 0.7, 0.0, 0.0, 0.0, 0, 0.0),
    ("AR(1) ρ 0.3, SD 0.3, NB (k 4), 3 a month", 3, 0.0, 0.3, 0.3, 4, 0.0),
    ("AR(1) ρ 0.5, SD 0.3, 10 a month", 10, 0.0, 0.5, 0.3, 0, 0.0),
    ("AR(1) ρ 0.7, SD 0.3, 10 a month", 10, 0.0, 0.7, 0.3, 0, 0.0),
    (
        "AR(1) ρ 0.7, SD 0.3, NB (k 4), 30 a month, peak at a random month",
        30,
        0.0,
        0.7,
        0.3,
        4,
        0.3,
    ),
    ("rise of 15 % a year, 10 a month", 10, 0.15, 0.0, 0.0, 0, 0.0),
    ("rise of 25 % a year, 3 a month", 3, 0.25, 0.0, 0.0, 0, 0.0),
    ("rise of 10 % a year, 30 a month", 30, 0.10, 0.0, 0.0, 0, 0.0),
    ("rise of 20 % a year, AR(1) ρ 0.5, SD 0.2, 10 a month", 10, 0.20, 0.5, 0.2, 0, 0.0),
]


def counts(rng: np.random.Generator, mean, slope, rho, sd, nb_k, season) -> np.ndarray:
    """Sectors × months of counts: history and the twelve months that follow."""
    n = len(MONTHS)
    t = (np.arange(n) - HISTORY) / 12
    peak = rng.integers(1, 13, SECTORS)[:, None]
    s = season * np.cos(2 * np.pi * (MONTHS.month.to_numpy()[None, :] - peak) / 12)
    u = ar1(SECTORS, n, rho, sd, rng) if sd > 0 else 0.0
    base = mean * np.exp(rng.normal(0, 0.3, SECTORS)) if slope == 0 else np.full(SECTORS, mean)
    lam = base[:, None] * np.exp(slope * t[None, :] + s + u - sd**2 / 2)
    if nb_k:
        lam = lam * rng.gamma(nb_k, 1 / nb_k, lam.shape)
    return rng.poisson(lam)


def incidents(y: np.ndarray, rng: np.random.Generator) -> pd.DataFrame:
    """One row per incident of the history, dated at random within its month."""
    g, m = np.nonzero(y[:, :HISTORY])
    reps = y[:, :HISTORY][g, m]
    g, m = np.repeat(g, reps), np.repeat(m, reps)
    when = MONTHS[m] + pd.to_timedelta(rng.integers(0, 28, len(m)), unit="D")
    return pd.DataFrame(
        {"sector": np.char.add("S", np.char.zfill(g.astype(str), 2)), "occurred_from": when}
    )


def one_case(case: tuple, datasets: int, seed: int) -> dict:
    label, mean, slope, rho, sd, nb_k, season = case
    rng = np.random.default_rng(seed)
    n = trend = emerging = inside_12 = inside_m = months = 0
    for rep in range(datasets):
        y = counts(rng, mean, slope, rho, sd, nb_k, season)
        p = evaluation.project(
            incidents(y, rng), by=("sector",), end=MONTHS[HISTORY], n_sim=400, seed=rep
        )
        tot = p.totals[p.totals["sector"] != "*"].sort_values("sector")
        gi = tot["sector"].str[1:].astype(int).to_numpy()
        truth = y[gi, HISTORY:].sum(axis=1)
        n += len(tot)
        sig = tot["trend_p"] < 0.05
        trend += int((sig & (tot["trend_irr"] > 1) if slope else sig).sum())
        emerging += int(tot["emerging"].astype(bool).sum())
        inside_12 += int(((tot["low_12"] <= truth) & (truth <= tot["high_12"])).sum())
        mon = p.monthly[p.monthly["sector"] != "*"]
        at = pd.DatetimeIndex(mon["month"])
        k = (at.year - MONTHS[0].year) * 12 + at.month - 1
        act = y[mon["sector"].str[1:].astype(int).to_numpy(), k]
        months += len(mon)
        inside_m += int(((mon["low"].to_numpy() <= act) & (act <= mon["high"].to_numpy())).sum())
    return {
        "process": label,
        "sectors": n,
        "trend": trend / n,
        "emerging": emerging / n,
        "cover_month": inside_m / months,
        "cover_12": inside_12 / n,
    }


def main(datasets: int = 30) -> pd.DataFrame:
    warnings.simplefilter("ignore")
    rows = [one_case(c, datasets, 500 + i) for i, c in enumerate(CASES)]
    table = pd.DataFrame(rows)
    print(
        "| process | sectors | significant trend | emerging | 90 % interval, month | 12-month total |"
    )
    print("|---|---|---|---|---|---|")
    for r in rows:
        print(
            f"| {r['process']} | {r['sectors']} | {r['trend']:.1%} | {r['emerging']:.1%} "
            f"| {r['cover_month']:.1%} | {r['cover_12']:.1%} |"
        )
    return table


if __name__ == "__main__":
    main(int(sys.argv[1]) if len(sys.argv) > 1 else 30)
