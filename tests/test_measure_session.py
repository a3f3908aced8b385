"""evaluation.MeasureSession: the explorer's fast path gives evaluate_measure's result exactly."""

from __future__ import annotations

import pandas as pd
import pytest
from geopandas.testing import assert_geodataframe_equal

from diagnostic_lib import evaluation, loaders, sample

# (measure, window, lag, ring, control): windows and lags move, rings come and go back,
# measures alternate (M02 and M03 leave out different measures as the window grows)
MOVES = [
    ("M02", 12, 0, 200.0, "rest"),
    ("M02", 6, 0, 200.0, "rest"),
    ("M02", 18, 2, 200.0, "rest"),
    ("M03", 6, 1, 200.0, "rest"),
    ("M03", 12, 0, 350.0, "rest"),
    ("M02", 9, 1, 350.0, "rest"),
    ("M03", 12, 0, 200.0, "rest"),
    ("M09", 12, 3, 100.0, "rest"),
    ("M14", 9, 0, 200.0, "rest"),
    ("M01", 12, 0, 200.0, "similar"),
    ("M01", 6, 2, 200.0, "level"),
    ("M01", 12, 0, 200.0, "rest"),
]


@pytest.fixture(scope="module")
def diag():
    return loaders.load_diagnostic(sample.sample_dir() / "diagnostic.toml")


def _same(fast: evaluation.MeasureResult, plain: evaluation.MeasureResult) -> None:
    pd.testing.assert_series_equal(fast.effect, plain.effect)
    assert fast.effect.attrs == plain.effect.attrs
    assert_geodataframe_equal(fast.design, plain.design)
    pd.testing.assert_frame_equal(fast.monthly, plain.monthly)


def _check(measures, incidents, sectors, period, moves) -> list[evaluation.MeasureResult]:
    session = evaluation.MeasureSession(measures, incidents, sectors, *period)
    out = []
    for k, (mid, w, lag, ring, control) in enumerate(moves):
        kw = dict(window_months=w, lag_months=lag, buffer_m=ring, control=control)
        fast = session.evaluate(mid, designs_tried=k, **kw)
        plain = evaluation.evaluate_measure(
            measures, incidents, sectors, mid, *period, designs_tried=k, **kw
        )
        _same(fast, plain)
        out.append(fast)
    return out


def test_session_equals_evaluate_measure_on_the_sample(diag):
    out = _check(diag.measures, diag.incidents, diag.sectors, evaluation.data_period(diag), MOVES)
    # the moves exercise what a cache could get wrong: the measures left out of the
    # control change with the window, and the ring's counts with its width
    m02 = {r.effect["window_months"]: r.effect["excluded"] for r in out[:3]}
    assert m02[6] != m02[12]
    b = {r.effect["buffer_m"]: r.effect["b0"] for r in out if r.effect["measure_id"] == "M03"}
    assert b[200.0] != b[350.0]


def test_session_with_gap_months_and_a_ring_by_measure(diag):
    # a month missing from the export: windows that cross it are not evaluable, others are
    inc = diag.incidents
    gap = inc["occurred_from"].dt.to_period("M") == pd.Period("2024-02", "M")
    incidents = inc[~gap]
    period = evaluation.data_period(diag)
    moves = [
        ("M01", 12, 0, 200.0, "rest"),
        ("M01", 1, 0, 200.0, "rest"),
        ("M01", 1, 0, 400.0, "rest"),
        ("M13", 3, 0, 400.0, "rest"),
        ("M13", 3, 0, 200.0, "rest"),
        ("M01", 1, 1, 200.0, "rest"),
    ]
    out = _check(diag.measures, incidents, diag.sectors, period, moves)
    reasons = [r.effect["reason"] for r in out]
    assert "window_not_covered" in reasons
    assert any(r.effect["status"] == "evaluable" for r in out)
    # a mapping of ring widths: a key of its own, not the 200 m areas kept before
    session = evaluation.MeasureSession(diag.measures, incidents, diag.sectors, *period)
    session.evaluate("M13", window_months=3)
    for ring in ({"M13": 300.0}, 200.0, {"M13": 300.0, "M01": 100.0}):
        plain = evaluation.evaluate_measure(
            diag.measures, incidents, diag.sectors, "M13", *period, window_months=3, buffer_m=ring
        )
        _same(session.evaluate("M13", window_months=3, buffer_m=ring), plain)


def test_session_unknown_measure_and_control(diag):
    session = evaluation.MeasureSession(diag.measures, diag.incidents, diag.sectors)
    with pytest.raises(KeyError, match="unknown measure"):
        session.evaluate("M99")
    with pytest.raises(ValueError, match="control must be one of"):
        session.evaluate("M01", control="nowhere")
