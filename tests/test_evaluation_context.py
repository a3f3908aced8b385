"""Step 3's reach, relevance and risk on the table the worker is sent (``evaluation.results``)."""

from __future__ import annotations

import copy
import dataclasses
import pickle

import geopandas as gpd
import pandas as pd
import pytest

from diagnostic_lib import _points, evaluation, inventory, workers
from diagnostic_lib.evaluation import results

from .test_points import awkward


def _same(a: dict, b: dict) -> None:
    assert a.keys() == b.keys()
    for k in a:
        if isinstance(a[k], pd.DataFrame):
            pd.testing.assert_frame_equal(a[k], b[k], check_exact=True, obj=k)
            assert a[k].attrs == b[k].attrs, k
        else:
            pd.testing.assert_series_equal(a[k], b[k], check_exact=True, obj=k)


@pytest.fixture(scope="module")
def context_args(diag):
    """The awkward incidents (missing, empty, far, stacked points), their step 1 and step 3 inputs."""
    d = dataclasses.replace(diag, incidents=awkward(diag))
    inv = inventory.run(d, permutations=19)
    period = evaluation.data_period(d)
    return d, inv, period, results._parameters(d.config, {})


@pytest.mark.parametrize("knox_given", [True, False])
def test_the_context_on_its_table_equals_the_context_on_the_incidents(context_args, knox_given):
    """Every table of reach, relevance and risk, exactly; the Knox test too when not given."""
    d, inv, period, p = context_args
    knox = (inv.knox if knox_given else None, ("burglary",), 19, 5)
    table = _points.point_table(
        d.incidents, results.CONTEXT_COLUMNS, text=results.CONTEXT_COLUMNS[2:]
    )
    args = (inv.problems, inv.priority, period, p, knox)
    geo = results._context(d, *args)
    tab = results._context(dataclasses.replace(d, incidents=table), *args)
    _same(geo, tab)
    assert len(geo["reach"]) > 20 and geo["current_risk"]["impact"].notna().all()
    assert set(geo["risk_terrain"]["family"]) > {"all"}
    # the table is what a worker receives: the same once pickled
    back = pickle.loads(pickle.dumps(table, protocol=5))
    _same(geo, results._context(dataclasses.replace(d, incidents=back), *args))


def test_the_impacts_are_the_mean_severity_of_each_sector_and_family(diag):
    """Against a plain groupby of the text: a blank sector is "?", a blank family in none."""
    from diagnostic_lib.evaluation import risk

    inc = diag.incidents[["category", "family", "sector"]].copy()
    inc.loc[inc.index[:40], "sector"] = None
    inc.loc[inc.index[40:60], "family"] = None
    w = diag.weights
    imp_s, imp_m = risk._impacts(inc, w)
    sev = inc["category"].map(w["weight"].to_dict()).astype("float64")
    sector = inc["sector"].astype("str").where(inc["sector"].notna(), "?")
    want_s = sev.groupby([sector, inc["family"]]).mean().to_dict()
    want_m = sev.groupby(inc["family"]).mean().to_dict()
    assert imp_s == want_s and imp_m == want_m
    assert ("?", inc["family"].iloc[0]) in imp_s and len(imp_m) == inc["family"].nunique()
    t = _points.point_table(
        gpd.GeoDataFrame(inc, geometry=diag.incidents.geometry), ["category", "family", "sector"]
    )
    t = t.astype({c: "category" for c in ("category", "family", "sector")})
    assert risk._impacts(t, w) == (imp_s, imp_m)


@pytest.mark.parametrize("over_the_bound", [False, True])
def test_step3_sends_the_context_its_table_or_keeps_it_here(
    diag, monkeypatch, sent_to_worker, over_the_bound
):
    """To the worker, the point table; over ``worker_max_incidents``, run here on the incidents."""
    monkeypatch.setattr(results, "_WORKER_MIN_INCIDENTS", 0)
    cfg = copy.deepcopy(diag.config)
    cfg.parameters["worker_process"] = True
    if over_the_bound:
        cfg.parameters["worker_max_incidents"] = 100
    d = dataclasses.replace(diag, config=cfg)
    given = []
    submit = workers.Worker.submit

    def spy(self, func, *args, **kwargs):
        if func.__name__ == "_context":
            given.append(type(args[0].incidents))
        return submit(self, func, *args, **kwargs)

    monkeypatch.setattr(workers.Worker, "submit", spy)
    inv = inventory.run(diag, permutations=9)
    sent_to_worker.clear()
    evaluation.run(d, inv, n_sim=50)
    assert given == [gpd.GeoDataFrame if over_the_bound else pd.DataFrame]
    assert ("_context", not over_the_bound) in sent_to_worker
