"""Run simulated towns through the public pipeline and score the verdicts against the truth.

For each scenario (a :class:`~.processes.Process` and a :class:`~.town.TownSpec`),
``towns`` towns are simulated with different seeds, written as exports, loaded
with :func:`diagnostic_lib.loaders.load_diagnostic`, and evaluated with
:func:`diagnostic_lib.inventory.run` and :func:`diagnostic_lib.evaluation.run`
(the same calls as the report). Every measure's verdict and interval is then
compared with what was planted:

- **false "effective"** (and false "adverse"): the share of measures with no
  planted effect that get that verdict, with its Monte Carlo standard error;
- **power**: the share of measures with a planted effect called "effective";
- **coverage**: the share of intervals that contain the planted relative effect size.

Examples
--------
>>> from diagnostic_lib.calibration import harness
>>> [s.name for s in harness.SCENARIOS][:2]
['independent months', 'AR(1) ρ 0.5, SD 0.25']
"""

from __future__ import annotations

import tempfile
import warnings
from collections.abc import Iterable, Sequence
from dataclasses import dataclass, field, replace
from pathlib import Path

import numpy as np
import pandas as pd

from .. import evaluation, inventory, loaders
from .processes import Process
from .town import TownSpec, simulate, write


@dataclass(frozen=True)
class Scenario:
    """A process, a town and how many towns to simulate.

    Attributes
    ----------
    name : str
        Shown in the results.
    process : Process
        How counts are made and what the measures do.
    spec : TownSpec
        The town.
    towns : int
        Towns simulated (each gives ``spec.measures`` measures).
    """

    name: str
    process: Process
    spec: TownSpec = field(default_factory=TownSpec)
    towns: int = 20


def _null(name: str, **kw: float) -> Process:
    return Process(name, **kw)


_AR = {"rho": 0.9, "sd": 0.25}
SMALL_TOWN = TownSpec(cells=12, sector_cells=4)
SMALL_SHORT = TownSpec(cells=12, sector_cells=4, months=72, start_month=48)  # 1 year of dates
SCENARIOS: tuple[Scenario, ...] = (
    Scenario("independent months", _null("iid", sd=0.1)),
    Scenario("AR(1) ρ 0.5, SD 0.25", _null("ar1-0.5", rho=0.5, sd=0.25)),
    Scenario("AR(1) ρ 0.9, SD 0.25", _null("ar1-0.9", **_AR)),
    Scenario("AR(1) ρ 0.9, SD 0.4", _null("ar1-0.9-0.4", rho=0.9, sd=0.4)),
    Scenario(
        "busiest of 5, independent months", _null("b5", sd=0.1, select_from=5), TownSpec(measures=6)
    ),
    Scenario("busiest of 20, independent months", _null("b20", sd=0.1, select_from=20)),
    Scenario("busiest of 20, AR(1) ρ 0.9", _null("b20-ar1", select_from=20, **_AR)),
    Scenario("seasonality and trend", _null("season-trend", sd=0.1, season=0.4, trend=0.1)),
    Scenario("RES 1.5, 10 a month", Process("res1.5", sd=0.1, res=1.5)),
    Scenario("RES 2, 10 a month", Process("res2", sd=0.1, res=2.0)),
    Scenario("RES 2, 30 a month", Process("res2-30", sd=0.1, res=2.0), TownSpec(level=30.0)),
    Scenario("RES 2, AR(1) ρ 0.9", Process("res2-ar1", res=2.0, **_AR)),
    Scenario(
        "RES 2 with displacement (+50 % in the ring)",
        Process("res2-disp", sd=0.1, res=2.0, ring_change=0.5),
    ),
    Scenario(
        "RES 2 with diffusion (−30 % in the ring)",
        Process("res2-diff", sd=0.1, res=2.0, ring_change=-0.3),
    ),
    # A small town (3 km × 3 km, 9 sectors): about 6 placebo places per measure, too few
    # for their spread, so the verdicts rest on the measures' own placebo dates.
    Scenario("small town, independent months", _null("small-iid", sd=0.1), SMALL_TOWN),
    Scenario("small town, AR(1) ρ 0.9", _null("small-ar1", **_AR), SMALL_TOWN),
    Scenario(
        "small town, busiest of 5, AR(1) ρ 0.9",
        _null("small-b5-ar1", select_from=5, **_AR),
        SMALL_TOWN,
    ),
    Scenario(
        "small town, seasonality and trend",
        _null("small-st", sd=0.1, season=0.4, trend=0.1),
        SMALL_TOWN,
    ),
    Scenario(
        "small town, 4 years before, busiest of 5, AR(1) ρ 0.9",
        _null("small-short-b5-ar1", select_from=5, **_AR),
        SMALL_SHORT,
    ),
    Scenario(
        "small town, 4 years before, AR(1) ρ 0.9", _null("small-short-ar1", **_AR), SMALL_SHORT
    ),
    Scenario("small town, RES 2, 10 a month", Process("small-res2", sd=0.1, res=2.0), SMALL_TOWN),
    Scenario(
        "small town, RES 2, AR(1) ρ 0.9", Process("small-res2-ar1", res=2.0, **_AR), SMALL_TOWN
    ),
)
"""The scenarios of ``make calibrate`` (``benchmarks/CALIBRATION.md``)."""


@dataclass(frozen=True)
class Columns:
    """Where the verdict and the interval are in the effects table.

    Attributes
    ----------
    verdict : str
        The verdict code column.
    low, high : str
        The bounds of the interval of the relative effect size (RES).
    effective, adverse : tuple of str
        Verdict codes that claim a fall (resp. a rise) caused by the measure.
    """

    verdict: str = "verdict"
    low: str = "res_corrected_low"
    high: str = "res_corrected_high"
    effective: tuple[str, ...] = ("effective",)
    adverse: tuple[str, ...] = ("adverse",)


def run_town(scenario: Scenario, seed: int, folder: str | Path | None = None) -> pd.DataFrame:
    """Simulate one town, run it through the pipeline, return its measures' verdicts and truth.

    Parameters
    ----------
    scenario : Scenario
        What to simulate.
    seed : int
        The town's seed.
    folder : path, optional
        Where to write the town's files (default: a temporary folder, removed).

    Returns
    -------
    DataFrame
        The effects table of step 3, one row per measure, with the truth (``true_res``,
        ``true_ring_change``, ``select_from``) and ``scenario``, ``seed``.

    Examples
    --------
    >>> tiny = TownSpec(cells=8, measures=1, months=48, start_month=36)
    >>> s = Scenario("tiny", Process("iid"), tiny)
    >>> r = run_town(s, seed=1)
    >>> r[["measure_id", "true_res"]].values.tolist()
    [['M01', 1.0]]
    """
    town = simulate(scenario.spec, scenario.process, seed)
    with tempfile.TemporaryDirectory() as tmp:
        config = write(town, folder or tmp)
        with warnings.catch_warnings():
            warnings.simplefilter("ignore")
            diag = loaders.load_diagnostic(config)
            inv = inventory.run(diag, permutations=19)
            ev = evaluation.run(
                diag, inv.problems, priority=inv.priority, knox=inv.knox, permutations=19, n_sim=200
            )
    eff = ev.effects.merge(
        town.truth[["measure_id", "res", "ring_change", "select_from"]].rename(
            columns={"res": "true_res", "ring_change": "true_ring_change"}
        ),
        on="measure_id",
        how="left",
    )
    return eff.assign(scenario=scenario.name, seed=seed)


def run_scenario(scenario: Scenario, seeds: Iterable[int] | None = None) -> pd.DataFrame:
    """Every town of a scenario (see :func:`run_town`), one after the other.

    Parameters
    ----------
    scenario : Scenario
        What to simulate.
    seeds : iterable of int, optional
        Default: ``range(scenario.towns)``.

    Returns
    -------
    DataFrame

    Examples
    --------
    >>> tiny = TownSpec(cells=8, measures=1, months=48, start_month=36)
    >>> s = Scenario("tiny", Process("iid"), tiny)
    >>> run_scenario(s, seeds=[1, 2])["seed"].tolist()  # doctest: +SKIP
    [1, 2]
    """
    seeds = range(scenario.towns) if seeds is None else seeds
    return pd.concat([run_town(scenario, s) for s in seeds], ignore_index=True)


def _share(hit: np.ndarray) -> tuple[float, float]:
    n = len(hit)
    if n == 0:
        return float("nan"), float("nan")
    p = float(np.mean(hit))
    return p, float(np.sqrt(max(p * (1 - p), 1.0 / n) / n))


def summarise(results: pd.DataFrame, columns: Columns | None = None) -> pd.DataFrame:
    """Error rates, power and coverage of each scenario.

    Parameters
    ----------
    results : DataFrame
        Rows of :func:`run_town` (several scenarios may be stacked).
    columns : Columns, optional
        Where the verdict and interval are (default: :class:`Columns`).

    Returns
    -------
    DataFrame
        One row per scenario: ``scenario, measures, null, effective, effective_se, adverse,
        adverse_se, coverage, coverage_se, judged`` — ``effective`` is the false "effective"
        rate for a null scenario and the power otherwise; ``judged`` the share of measures
        that got a verdict other than not evaluable / too few / too recent.

    Examples
    --------
    >>> r = pd.DataFrame({"scenario": "s", "verdict": ["effective", "inconclusive"],
    ...     "true_res": 1.0, "true_ring_change": 0.0, "res_corrected_low": [1.1, 0.8],
    ...     "res_corrected_high": [2.0, 1.2]})
    >>> s = summarise(r).iloc[0]
    >>> int(s["measures"]), float(s["effective"]), float(s["coverage"])
    (2, 0.5, 0.5)
    """
    c = columns or Columns()
    rows = []
    for name, g in results.groupby("scenario", sort=False):
        verdict = g[c.verdict].astype(str).to_numpy()
        judged = ~np.isin(verdict, ("not_evaluable", "too_few", "too_recent", "too_little_history"))
        true = g["true_res"].to_numpy(dtype="float64")
        low, high = g[c.low].to_numpy(dtype="float64"), g[c.high].to_numpy(dtype="float64")
        eff, eff_se = _share(np.isin(verdict, c.effective))
        adv, adv_se = _share(np.isin(verdict, c.adverse))
        ok = np.isfinite(low) & np.isfinite(high)
        cov, cov_se = _share(((low <= true) & (true <= high))[ok])
        null = bool(np.all(true == 1.0) and np.all(g["true_ring_change"].to_numpy() == 0.0))
        rows.append(
            {
                "scenario": name,
                "measures": len(g),
                "null": null,
                "effective": eff,
                "effective_se": eff_se,
                "adverse": adv,
                "adverse_se": adv_se,
                "coverage": cov,
                "coverage_se": cov_se,
                "judged": float(judged.mean()),
            }
        )
    return pd.DataFrame(rows)


def quick(towns: int = 4, scenarios: Sequence[str] | None = None) -> pd.DataFrame:
    """A small calibration run (a few towns per scenario), for tests and a first look.

    Parameters
    ----------
    towns : int
        Towns per scenario.
    scenarios : sequence of str, optional
        Names from :data:`SCENARIOS` (default: all).

    Returns
    -------
    DataFrame
        :func:`summarise` of the runs.

    Examples
    --------
    >>> quick(towns=1, scenarios=["independent months"])["measures"].tolist()  # doctest: +SKIP
    [3]
    """
    chosen = [s for s in SCENARIOS if scenarios is None or s.name in scenarios]
    runs = [run_scenario(replace(s, towns=towns)) for s in chosen]
    return summarise(pd.concat(runs, ignore_index=True))
