"""Step 3's shared counts against the straightforward path they replace (issue 17, scale).

Placebo places counted in one vectorised pass (sector places found once per target),
translated copies built in one call, a control shared by an excluded set testing each
incident once, and projections read group by group from one sorted table: each is
checked here against the code of before, kept in this file, on the sample and on inputs
built to fool it (places on shared edges and across sectors, gap months, measures
sharing targets, windows and controls, unsorted histories with missing keys).
"""

from __future__ import annotations

import numpy as np
import pandas as pd
import pytest
import shapely
from pandas.testing import assert_frame_equal

from diagnostic_lib import evaluation
from diagnostic_lib.evaluation import area_counts, forecast, placebo_places
from diagnostic_lib.evaluation.placebo_places import PlaceCounter

# ----------------------------------------------------------------------------
# the code of before
# ----------------------------------------------------------------------------


def _slow_counts(pc, geoms, edges, exclude=None, keys=None):
    """PlaceCounter.counts as before: one place at a time."""
    edges = np.asarray(edges, dtype="datetime64[us]")
    n = len(edges) - 1
    out = np.zeros((len(geoms), max(n, 0)), dtype="int64")
    if n <= 0:
        return out
    for k, g in enumerate(geoms):
        if g is None or g.is_empty:
            continue
        cand = pc.index.box(*g.bounds)
        if not len(cand):
            continue
        inside = shapely.intersects_xy(g, pc.x[cand], pc.y[cand])
        if exclude is not None and exclude[k] is not None:
            inside &= ~shapely.intersects_xy(exclude[k], pc.x[cand], pc.y[cand])
        month = np.searchsorted(edges, pc.t[cand[inside]], side="right") - 1
        month = month[(month >= 0) & (month < n)]
        out[k] = np.bincount(month, minlength=n)[:n]
    return out


def _slow_translated(geom, offsets):
    if geom is None or geom.is_empty:
        return np.array([None] * len(offsets), dtype=object)
    return np.array(
        [shapely.transform(geom, lambda c, o=o: c + o) for o in np.asarray(offsets)], dtype=object
    )


def _slow_inside(self, g, pos, shared):
    return shapely.intersects_xy(g, self.x[pos], self.y[pos])


def _slow_project(hist, keys, end, spec, seed):
    """project's loop as before: one frame per group, months read from a DatetimeIndex."""
    hist = hist[hist["month"] < np.datetime64(forecast._month_floor(end), "us")]
    rng = np.random.default_rng(seed)
    last = forecast._month_floor(end) - pd.DateOffset(months=1)
    trows, mrows = [], []
    for gkey, g in hist.groupby(keys, sort=True):
        g = g.sort_values("month")
        gk = dict(zip(keys, gkey if isinstance(gkey, tuple) else (gkey,), strict=True))
        y = g["count"].to_numpy(dtype="float64")
        months = pd.DatetimeIndex(g["month"])
        r = forecast._project_group(y, months, spec, rng, last)
        trows.append({**gk, "model": r["kind"], "mean_12": r["total"][0], "note": r["note"]})
        trows[-1].update(low_12=r["total"][1], high_12=r["total"][2], trend_p=r["trend_p"])
        trows[-1].update(last_12=forecast._last_12(y, months), prob_rise=r["prob_rise"])
        mrows.append(
            pd.DataFrame(
                {
                    **gk,
                    "month": r["future"].astype("datetime64[us]"),
                    "mean": r["mean"],
                    "low": r["low"],
                    "high": r["high"],
                }
            )
        )
    return pd.DataFrame(trows), pd.concat(mrows, ignore_index=True)


# ----------------------------------------------------------------------------
# placebo places
# ----------------------------------------------------------------------------


def _points_on_edges(rng, n=4000):
    """Points on a 10 m lattice (many on the edges of the copies below), a few unlocated."""
    x = rng.integers(0, 60, n) * 5.0
    y = rng.integers(0, 60, n) * 5.0
    x[:40] = np.nan
    t = np.datetime64("2022-01-01", "D") + rng.integers(0, 4 * 365, n).astype("timedelta64[D]")
    t = t.astype("datetime64[us]")
    t[40:50] = np.datetime64("NaT")
    return x, y, t


def test_place_counts_match_place_by_place():
    rng = np.random.default_rng(3)
    pc = PlaceCounter(*_points_on_edges(rng))
    zone = shapely.Polygon([(0, 0), (20, 0), (20, 10), (10, 20), (0, 20)])  # touches its box
    offs = np.array([[dx, dy] for dx in range(0, 300, 20) for dy in range(0, 300, 20)], float)
    treated = placebo_places.translated(zone, offs)  # copies sharing edges and corners
    ring = placebo_places.translated(shapely.difference(zone.buffer(5), zone), offs)
    treated[3], ring[5] = None, shapely.Polygon()  # no place: zeros
    edges = pd.date_range("2022-01-01", "2026-01-01", freq="MS").to_numpy("datetime64[us]")
    gap = np.delete(edges, [7, 8])  # a window of two months: not month edges
    for e in (edges, gap, edges[:1], edges[30:34]):
        fast = pc.counts(list(treated), e)
        assert (fast == _slow_counts(pc, list(treated), e)).all()
        fast = pc.counts(list(ring), e, exclude=list(treated))
        assert (fast == _slow_counts(pc, list(ring), e, exclude=list(treated))).all()
    assert _slow_counts(pc, list(treated), edges).sum() > 0
    # sectors (crossing one another's boxes), named: found once, read for other windows
    sectors = [shapely.box(i * 50 - 3, 0, i * 50 + 53, 300) for i in range(6)]
    rings = placebo_places.sector_rings(sectors, 7.5)
    keys = [("t", k) for k in range(6)]
    for e in (edges, gap, edges[12:40]):
        assert (pc.counts(sectors, e, keys=keys) == _slow_counts(pc, sectors, e)).all()
        fast = pc.counts(list(rings), e, exclude=sectors, keys=[("r", k) for k in range(6)])
        assert (fast == _slow_counts(pc, list(rings), e, exclude=sectors)).all()
    assert set(pc._times) == {(z, k) for z in "tr" for k in range(6)}


def test_translated_copies_match_one_at_a_time():
    rng = np.random.default_rng(4)
    offs = rng.uniform(-1e5, 1e5, (50, 2))
    holed = shapely.difference(shapely.Point(3.3, 1.7).buffer(40.1), shapely.box(0, 0, 5, 5))
    multi = shapely.MultiPolygon([shapely.box(0, 0, 1, 1), shapely.box(5, 5, 7.5, 6)])
    line = shapely.LineString([(0, 0), (1e3 / 3, 2e3 / 7)])
    for g in (holed, multi, line):
        fast = placebo_places.translated(g, offs)
        slow = _slow_translated(g, offs)
        assert [shapely.to_wkb(a) for a in fast] == [shapely.to_wkb(b) for b in slow]
    assert list(placebo_places.translated(None, offs[:2])) == [None, None]
    assert len(placebo_places.translated(holed, np.zeros((0, 2)))) == 0


def test_sector_places_with_shared_rings():
    secs = [shapely.box(i, 0, i + 1, 1) for i in range(5)]
    own = [False, True, False, False, False]
    avoid = shapely.box(3.5, 0.2, 3.6, 0.3)
    t0, r0 = placebo_places.sector_places(secs, own, avoid, 0.25)
    t1, r1 = placebo_places.sector_places(
        secs, own, avoid, 0.25, rings=placebo_places.sector_rings(secs, 0.25)
    )
    assert len(t0) == 3 and [a.wkb for a in t0] == [b.wkb for b in t1]
    assert [a.wkb for a in r0] == [b.wkb for b in r1]


# ----------------------------------------------------------------------------
# every measure's counts and placebos, end to end
# ----------------------------------------------------------------------------


def _copies(diag, k):
    """The sample's measures ``k`` times (same targets, windows and zones: shared controls)."""
    m = diag.measures
    return pd.concat(
        [m.assign(measure_id=m["measure_id"] + f"-{j}") for j in range(k)], ignore_index=True
    )


def _evaluate(measures, incidents, diag, period):
    eff = evaluation.evaluate(measures, incidents, diag.sectors, *period)
    return eff.drop(columns=["concurrent", "excluded", "control_sectors"])


@pytest.mark.parametrize("case", ["sample", "copies_and_gap"])
def test_counts_and_placebos_match_the_straightforward_path(diag, monkeypatch, case):
    period = evaluation.data_period(diag)
    mea, inc = diag.measures, diag.incidents
    if case == "copies_and_gap":
        mea = _copies(diag, 2)
        month = inc["occurred_from"].dt.to_period("M")
        inc = inc[month != pd.Period("2023-03", "M")]  # a gap month inside some windows
    fast = _evaluate(mea, inc, diag, period)
    with monkeypatch.context() as mp:
        mp.setattr(PlaceCounter, "counts", _slow_counts)
        mp.setattr(placebo_places, "translated", _slow_translated)
        mp.setattr(evaluation.placebo_design, "translated", _slow_translated)
        mp.setattr(area_counts._MonthlyIndex, "_inside", _slow_inside)
        slow = _evaluate(mea, inc, diag, period)
    assert_frame_equal(fast, slow, check_exact=True)
    judged = fast[fast["status"] == "evaluable"]
    assert len(judged) >= 4 and (judged["placebos"] > 0).any()
    assert (fast["footprint"] == "sectors").any()
    if case == "copies_and_gap":
        assert fast["a0"].isna().any()  # a window holding the gap month has no sum


# ----------------------------------------------------------------------------
# projections
# ----------------------------------------------------------------------------


def _history(diag):
    hist = forecast.monthly_counts(diag.incidents, ("sector", "family"))
    # a gap month inside the history, one group without its last month, an unknown sector,
    # and the rows in no order
    hist = hist[hist["month"] != np.datetime64("2024-06-01", "us")]
    last = hist["month"].max()
    first = hist.iloc[0]
    hist = hist[
        ~(
            (hist["sector"] == first["sector"])
            & (hist["family"] == first["family"])
            & (hist["month"] == last)
        )
    ]
    odd = hist.iloc[:30].assign(sector=None)
    return pd.concat([hist, odd]).sample(frac=1.0, random_state=1).reset_index(drop=True)


def test_projection_matches_one_frame_per_group(diag):
    hist = _history(diag)
    end = pd.Timestamp(hist["month"].max()) + pd.DateOffset(months=1)
    spec = forecast._Model(12, 0.9, 200, "nb", 30, 24, 0.05)
    p = evaluation.project(
        history=hist,
        by=("sector", "family"),
        end=end,
        n_sim=200,
        seed=7,
        level=0.9,
        min_events=30,
        min_months=24,
        seasonality_p=0.05,
    )
    totals, monthly = _slow_project(hist, ["sector", "family"], end, spec, 7)
    assert_frame_equal(p.monthly, monthly, check_exact=True)
    cols = list(totals.columns)
    assert_frame_equal(p.totals[cols], totals, check_exact=True)
    assert {"not_covered", "trend_season"} <= set(p.totals["model"])
    assert not p.totals["sector"].isna().any()


def test_design_reads_months_as_the_calendar_does():
    months = pd.DatetimeIndex(["2023-11-01", "2023-12-01", "2024-02-01", "2024-03-01"])
    fut = pd.date_range("2024-04-01", periods=3, freq="MS")
    X, Xf = forecast._design(months, fut)
    pos = months.year * 12 + months.month
    assert np.array_equal(X[:, 1], np.asarray(pos - pos[-1], float) / 12.0)
    assert np.array_equal(X[:, 2:], evaluation.count_models._fourier(months.month))
    assert np.array_equal(Xf[:, 2:], evaluation.count_models._fourier(fut.month))
    assert np.isnan(forecast._last_12(np.ones(4), months.append(fut)[:4]))


def test_many_boxes_at_once_match_one_box_at_a_time():
    from diagnostic_lib._spatial import PointIndex

    rng = np.random.default_rng(5)
    x, y = rng.integers(0, 200, 3000) * 2.5, rng.integers(0, 200, 3000) * 2.5
    x[:10] = np.nan
    idx = PointIndex(x, y)
    x0, y0 = rng.uniform(-50, 500, 300), rng.uniform(-50, 500, 300)
    x1, y1 = x0 + rng.uniform(-5, 80, 300), y0 + rng.uniform(-5, 80, 300)
    x0[:20] = np.floor(x0[:20] / 2.5) * 2.5  # edges through points
    x1[20] = np.nan  # no box
    box, pos = idx.boxes(x0, y0, x1, y1)
    for k in range(300):
        assert sorted(pos[box == k].tolist()) == sorted(idx.box(x0[k], y0[k], x1[k], y1[k]))
    assert len(pos) > 300
