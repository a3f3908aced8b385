"""Step 3's jobs sent before step 2 (``evaluation.start``) and collected by ``evaluation.run``.

Over ``worker_max_incidents`` (a province) :func:`~diagnostic_lib.evaluation.start`
sends reach, relevance and risk to the worker, then the placebo placements and the
projections, so that the worker computes them during step 2; ``run(..., started=)``
must give exactly the step 3 it gives without them.
"""

from __future__ import annotations

import copy
import dataclasses

import pandas as pd
import pytest

from diagnostic_lib import evaluation, inventory, loaders, sample, workers
from diagnostic_lib.evaluation import results as ev_results
from diagnostic_lib.inventory import _cache as inventory_cache

from .test_evaluation_ahead import _submits


@pytest.fixture(scope="module")
def diag():
    return loaders.load_diagnostic(sample.sample_dir() / "diagnostic.toml")


@pytest.fixture(scope="module")
def inv(diag):
    return inventory.run(diag, permutations=9)


def _with(diag, **params):
    cfg = copy.deepcopy(diag.config)
    cfg.parameters.update(params)
    return dataclasses.replace(diag, config=cfg)


def _same_evaluation(a: evaluation.Evaluation, b: evaluation.Evaluation) -> None:
    for f in dataclasses.fields(a):
        x, y = getattr(a, f.name), getattr(b, f.name)
        if isinstance(x, pd.DataFrame):
            pd.testing.assert_frame_equal(x, y, check_exact=True, obj=f.name)
        elif isinstance(x, pd.Series):
            pd.testing.assert_series_equal(x, y, check_exact=True, obj=f.name)
        elif isinstance(x, evaluation.Projection):
            pd.testing.assert_frame_equal(x.totals, y.totals, check_exact=True)
            pd.testing.assert_frame_equal(x.monthly, y.monthly, check_exact=True)
        elif f.name != "sectors":
            assert x == y, f.name


def test_over_the_bound_the_worker_gets_the_jobs_first_and_step3_is_the_same(
    diag, inv, monkeypatch
):
    big = _with(diag, worker_max_incidents=100)  # the sample as a province
    plain = evaluation.run(big, inv, n_sim=50)
    sent = _submits(monkeypatch)
    started = evaluation.start(big, inv, n_sim=50)
    # reach, relevance and risk first, to the worker although the incidents are over the
    # bound (in run alone they stay here: they would sit beside the effects' counts)
    assert sent == ["_context", "placements_ahead"]
    assert set(started.jobs) == {"context", "ahead", "future"} and started.jobs["future"] is None
    assert started.jobs["context"].in_worker and started.jobs["ahead"].in_worker
    got = evaluation.run(big, inv, n_sim=50, started=started)
    # the projections, of the history the context counted there; nothing sent twice
    assert sent == ["_context", "placements_ahead", "_forecasts"]
    _same_evaluation(plain, got)
    assert len(got.effects) and len(got.reach) and len(got.projection.totals)
    _same_evaluation(plain, evaluation.run(big, inv, n_sim=50, started=started))  # again


def test_run_alone_over_the_bound_keeps_the_context_here(diag, inv, monkeypatch):
    """Without start, the order of before: placements, projections, then the context here."""
    big = _with(diag, worker_max_incidents=100)
    sent = _submits(monkeypatch)
    jobs = ev_results._submit(big, ev_results._setup(big, inv, None, None, _defaults()))
    assert sent == ["placements_ahead", "_forecasts", "_context"]
    assert not jobs["context"].in_worker and jobs["ahead"].in_worker


def _defaults():
    return dict(ev_results._RUN_DEFAULTS)


@pytest.mark.parametrize("params", [{}, {"worker_process": False, "worker_max_incidents": 100}])
def test_nothing_is_sent_ahead_below_the_bound_or_without_a_worker(diag, inv, params, monkeypatch):
    d = _with(diag, **params)
    sent = _submits(monkeypatch)
    started = evaluation.start(d, inv, n_sim=50)
    assert started.jobs == {} and sent == []
    got = evaluation.run(d, inv, n_sim=50, started=started)
    assert "_forecasts" in sent or not params.get("worker_process", True)
    _same_evaluation(evaluation.run(d, inv, n_sim=50), got)


def test_run_refuses_jobs_started_for_other_arguments_or_inputs(diag, inv):
    started = evaluation.start(diag, inv, n_sim=50, window_months=9)
    with pytest.raises(ValueError, match="n_sim"):
        evaluation.run(diag, inv, n_sim=60, window_months=9, started=started)
    with pytest.raises(ValueError, match="window_months"):
        evaluation.run(diag, inv, n_sim=50, started=started)
    other = dataclasses.replace(diag)
    with pytest.raises(ValueError, match="diag, problems"):
        evaluation.run(other, inv, n_sim=50, window_months=9, started=started)
    with pytest.raises(ValueError, match="diag, problems"):
        evaluation.run(diag, inv.problems, n_sim=50, window_months=9, started=started)
    # the same: accepted
    ev = evaluation.run(diag, inv, n_sim=50, window_months=9, started=started)
    assert ev.parameters["window_months"] == 9


def test_start_takes_every_argument_of_run_and_no_other(diag, inv):
    assert set(ev_results._RUN_DEFAULTS) == {
        "window_months",
        "lag_months",
        "buffer_m",
        "control",
        "control_sectors",
        "knox_categories",
        "permutations",
        "horizon",
        "level",
        "n_sim",
        "seed",
        "top",
        "min_reach",
        "risk_distance",
    }
    with pytest.raises(TypeError, match="n_sims"):
        evaluation.start(diag, inv, n_sims=50)


def _cache_sizes() -> list[int]:
    """The sizes of the content caches of the process that runs this (a job for the worker)."""
    return sorted(len(c) for c in inventory_cache._ALL)


def test_the_worker_empties_the_caches_the_context_filled(diag, inv):
    """Placements, projections and figures come after it there and read none of them."""
    s = ev_results._setup(diag, inv, None, None, _defaults())
    knox = (s.knox, ("burglary",), 9, 1)
    # here, the job fills them (the grid of the risk; at scale the problems' incidents too)
    inventory.clear_caches()
    ev_results._context(diag, s.problems, s.priority, s.period, s.p, knox)
    assert sum(_cache_sizes()) >= 1
    workers.shared_worker().submit(len, ()).result()  # running: the sample goes there too
    job = ev_results._context_part(diag, s.problems, s.priority, s.period, s.p, knox)
    assert job.in_worker
    job.result(take_back=False)
    there = workers.shared_worker().submit(_cache_sizes).result(take_back=False)
    assert len(there) >= 4 and not any(there)  # the grids, incidents, aoristic, perception…


def test_the_history_counted_with_the_context_is_that_of_the_incidents(diag, inv):
    """Counted in the worker from the coded point table: the same monthly counts, gaps and all.

    With a gap month (no record at all), missing sectors and families and the
    municipality's sector "*" among the sectors.
    """
    inc = diag.incidents.copy()
    month = inc["occurred_from"].dt.to_period("M").astype(str)
    inc = inc[month != "2023-06"].copy()  # a gap month
    inc.iloc[:40, inc.columns.get_loc("sector")] = None
    inc.iloc[40:60, inc.columns.get_loc("family")] = None
    inc.iloc[60:80, inc.columns.get_loc("sector")] = "*"
    d = dataclasses.replace(diag, incidents=inc)
    s = ev_results._setup(d, inv, None, None, _defaults())
    table = ev_results.point_table(
        inc, ev_results.CONTEXT_COLUMNS, text=ev_results.CONTEXT_COLUMNS[2:]
    )
    assert isinstance(table["sector"].dtype, pd.CategoricalDtype)
    light = dataclasses.replace(d, incidents=table)
    knox = (s.knox, ("burglary",), 9, 1)
    got = ev_results._context(light, s.problems, s.priority, s.period, s.p, knox, True)
    want = evaluation.monthly_counts(inc, ("sector", "family"), start=s.period[0], end=s.period[1])
    gap = pd.Period("2023-06", "M").start_time
    assert want["month"].min() < gap < want["month"].max() and gap not in set(want["month"])
    pd.testing.assert_frame_equal(got["history"], want, check_exact=True)
    assert "history" not in ev_results._context(light, s.problems, s.priority, s.period, s.p, knox)
