"""Step 3's placebo placements computed ahead (``evaluation.ahead``).

With more incidents than ``worker_max_incidents`` the worker computes them while
this process works on the relevance and the risk; the effects counted with them
must be those computed without them, exactly.
"""

from __future__ import annotations

import copy
import dataclasses

import numpy as np
import pandas as pd
import pytest

from diagnostic_lib import evaluation, inventory, loaders, sample, workers
from diagnostic_lib.evaluation import ahead, placebo_design
from diagnostic_lib.evaluation import results as ev_results


@pytest.fixture(scope="module")
def diag():
    d = loaders.load_diagnostic(sample.sample_dir() / "diagnostic.toml")
    cfg = copy.deepcopy(d.config)
    # three groups: the [parameters] design, a registered ring and window, a control
    # chosen from the incidents (not computed ahead)
    cfg.designs = {
        "M02": {"buffer_m": 350.0, "window_months": 9},
        "M03": {"control": "similar"},
    }
    return dataclasses.replace(d, config=cfg)


def _done(value):
    """A finished job holding ``value`` (what ``_registered_designs`` collects)."""
    return workers.Worker(enabled=False).submit(list, value)


def _submits(monkeypatch):
    """The names of the functions given to a worker from now on (the list grows)."""
    sent = []
    submit = workers.Worker.submit

    def spy(self, func, *args, **kwargs):
        sent.append(func.__name__)
        return submit(self, func, *args, **kwargs)

    monkeypatch.setattr(workers.Worker, "submit", spy)
    return sent


def _options(diag):
    p = ev_results._parameters(diag.config, {})
    return ev_results._options(p, evaluation.results._buffers(diag.measures, 200.0), None)


def test_the_effects_counted_with_the_placements_computed_ahead_are_the_same(diag, monkeypatch):
    period = evaluation.data_period(diag)
    opt = _options(diag)
    groups = ev_results._design_groups(diag, opt)
    assert [len(m) for m, _ in groups] == [len(diag.measures) - 2, 1, 1]
    plain = ev_results._registered_designs(diag, period, opt)
    gaps = evaluation.results.coverage.gap_months(diag.incidents, end=period[1])
    pre = ahead.placements_ahead(diag.measures, diag.sectors, period, groups, gaps)
    assert pre[2] is None  # the "similar" control reads the incidents
    placed = {**pre[0], **pre[1]}
    kinds = {p[0] for p in placed.values() if p is not None}
    assert kinds == {"lattice", "sectors"}  # both kinds of measures are placed ahead
    # the measures placed ahead are not searched again (the "similar" group is)
    found = []
    search = placebo_design.PlaceboSource.placement

    def spy(self, rec, geo):
        found.append(str(rec["measure_id"]))
        return search(self, rec, geo)

    monkeypatch.setattr(placebo_design.PlaceboSource, "placement", spy)
    got = ev_results._registered_designs(diag, period, opt, _done(pre))
    assert set(found) <= {"M03"}
    for a, b in zip(plain, got, strict=True):
        pd.testing.assert_frame_equal(a, b, check_exact=True)
    # with placebo estimates on both kinds of places (not a comparison of empty tables)
    eff = got[0].set_index("measure_id")
    est = eff.loc[[m for m in placed if placed[m] is not None], "p_corrected"]
    assert est.notna().sum() >= 3


def test_a_placement_given_is_the_one_used(diag):
    """The placements are read: a wrong one changes the estimates (the test can fail)."""
    period = evaluation.data_period(diag)
    opt = _options(diag)
    groups = ev_results._design_groups(diag, opt)
    gaps = evaluation.results.coverage.gap_months(diag.incidents, end=period[1])
    pre = ahead.placements_ahead(diag.measures, diag.sectors, period, groups, gaps)
    placed = pre[0]
    lattice = [m for m, p in placed.items() if p is not None and p[0] == "lattice"]
    wrong = dict(placed)
    for m in lattice:
        wrong[m] = ("lattice", placed[m][1][:5])  # five places instead of hundreds
    bad = [*pre]
    bad[0] = wrong
    right = ev_results._registered_designs(diag, period, opt, _done(pre))[0]
    changed = ev_results._registered_designs(diag, period, opt, _done(bad))[0]
    right, changed = right.set_index("measure_id"), changed.set_index("measure_id")
    cols = ["p_corrected", "placebos"]
    assert not right.loc[lattice, cols].equals(changed.loc[lattice, cols])


def test_the_worker_computes_them_only_when_the_incidents_stay_here(diag, monkeypatch):
    period = evaluation.data_period(diag)
    opt = _options(diag)
    # below worker_max_incidents the relevance and risk go to the worker: nothing ahead
    assert ev_results._ahead_part(diag, period, opt) is None
    cfg = copy.deepcopy(diag.config)
    cfg.parameters["worker_max_incidents"] = 100
    small = dataclasses.replace(diag, config=cfg)
    sent = _submits(monkeypatch)
    job = ev_results._ahead_part(small, period, opt)
    assert job is not None and sent == ["placements_ahead"] and job.in_worker
    pre = job.result()
    here = ahead.placements_ahead(
        small.measures, small.sectors, period, ev_results._design_groups(small, opt), []
    )
    for a, b in zip(pre, here, strict=True):
        if a is None:
            assert b is None
            continue
        assert a.keys() == b.keys()
        for m in a:
            if a[m] is None:
                assert b[m] is None
                continue
            assert a[m][0] == b[m][0]
            np.testing.assert_array_equal(a[m][1], b[m][1])
    # off: nothing ahead
    cfg2 = copy.deepcopy(cfg)
    cfg2.parameters["worker_process"] = False
    off = dataclasses.replace(diag, config=cfg2)
    assert ev_results._ahead_part(off, period, opt) is None


def test_step3_gives_the_same_result_with_the_placements_computed_ahead(diag, monkeypatch):
    inv = inventory.run(diag, permutations=9)
    plain = evaluation.run(diag, inv, n_sim=50)
    cfg = copy.deepcopy(diag.config)
    cfg.parameters["worker_max_incidents"] = 100
    small = dataclasses.replace(diag, config=cfg)
    sent = _submits(monkeypatch)
    got = evaluation.run(small, inv, n_sim=50)
    # the placements first: the effects collect them after the areas, a few seconds in
    # (sent after the projections, the effects waited for them at 5M); the projections
    # next, collected at the end
    assert sent.index("placements_ahead") < sent.index("_forecasts") < sent.index("_context")
    for name in ("effects", "design", "monthly", "relevance", "current_risk"):
        pd.testing.assert_frame_equal(getattr(plain, name), getattr(got, name), check_exact=True)


def test_only_the_placements_travel_back(diag):
    """No geometry in the result: the design's areas, written one by one, weigh gigabytes."""
    import pickle

    import shapely

    period = evaluation.data_period(diag)
    groups = ev_results._design_groups(diag, _options(diag))
    pre = ahead.placements_ahead(diag.measures, diag.sectors, period, groups, [])
    found = []

    def walk(x):
        if isinstance(x, shapely.Geometry):
            found.append(x)
        elif isinstance(x, dict):
            for v in x.values():
                walk(v)
        elif isinstance(x, (list, tuple)):
            for v in x:
                walk(v)
        elif isinstance(x, np.ndarray) and x.dtype == object:
            for v in x.ravel():
                walk(v)

    walk(pre)
    assert not found
    assert len(pickle.dumps(pre)) < 20_000  # a few offsets and sector positions per measure
