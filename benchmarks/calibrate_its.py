"""Calibration of the interrupted time series' level-change test (municipality-wide measures).

Four-year monthly series (change at month 24), simulated with the calibration
processes, tested as ``evaluation.interrupted_time_series`` does: Prais–Winsten
with the bias-matched, conservative ρ, the placebo-date inflation and the
``persistent`` rule. Prints a Markdown table of the share of series with a
"significant" level change (p < 0.05); rows with no true change are false
positives, the others power.

Run: ``python benchmarks/calibrate_its.py`` (about 15 minutes on 2 cores).
"""

from __future__ import annotations

import numpy as np
import pandas as pd
from scipy import stats as st

from diagnostic_lib.calibration.processes import Process, intensity
from diagnostic_lib.evaluation import time_series as ts
from diagnostic_lib.evaluation.count_models import _fourier

N, START, REPS = 48, 24, 400
CASES = [
    (Process("independent", sd=0.0), 1.0),
    (Process("ar", rho=0.5, sd=0.25), 1.0),
    (Process("ar", rho=0.7, sd=0.15), 1.0),
    (Process("ar", rho=0.9, sd=0.25), 1.0),
    (Process("independent", sd=0.0), 0.8),
    (Process("independent", sd=0.0), 0.7),
    (Process("ar", rho=0.5, sd=0.15), 0.7),
]


def rate(process: Process, effect: float, base: float, seed: int = 7) -> float:
    """Share of simulated series with a significant level change that is not 'persistent'."""
    months = pd.date_range("2022-01-01", periods=N, freq="MS")
    t = (np.arange(N) - START) / 12.0
    after = (np.arange(N) >= START).astype(float)
    X = np.column_stack([np.ones(N), t, after, after * t, _fourier(months.month)])
    rng = np.random.default_rng(seed)
    found = 0
    for _ in range(REPS):
        lam = intensity(np.array([base]), N, process, rng)[0] * np.where(after > 0, effect, 1)
        z = np.log(rng.poisson(lam) + 0.5)
        g = ts.prais_winsten(z, X)
        infl = ts._placebo_inflation(z[:START], X[:START], months[:START], g["rho"])
        stat = g["params"][2] / (g["bse"][2] * infl)
        significant = 2 * st.t.sf(abs(stat), N - X.shape[1] - 1) < 0.05
        found += bool(significant and g["rho"] < ts.PERSISTENT_RHO)
    return found / REPS


def main() -> None:
    print("| process | true change | 10 / month | 30 / month | 100 / month |")
    print("|---|---|---|---|---|")
    for process, effect in CASES:
        name = "independent" if process.sd == 0 else f"AR(1) ρ {process.rho}, SD {process.sd}"
        change = "none" if effect == 1 else f"level × {effect}"
        cells = [f"{100 * rate(process, effect, b):.1f} %" for b in (10.0, 30.0, 100.0)]
        print(f"| {name} | {change} | " + " | ".join(cells) + " |", flush=True)


if __name__ == "__main__":
    main()
