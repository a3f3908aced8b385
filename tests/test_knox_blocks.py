"""The Knox test's block-wise counting gives the counts of banding every pair at once.

``near_repeat._time_band_counts`` counts each permutation's pairs block by block as
cumulative counts; the reference below is the former way (every pair's time band, then
one ``bincount``). The inputs are built to fool the new way: distances and time gaps
exactly on the band edges, equal times, pairs beyond the last edge, a distance band
with no pair, and blocks of a few pairs so that bands straddle block boundaries.
"""

from __future__ import annotations

import geopandas as gpd
import numpy as np
import pandas as pd
import pytest
from scipy.spatial import cKDTree

from diagnostic_lib.inventory import near_repeat

DE = np.array([0.0, 100.0, 200.0, 400.0, 800.0])
TE = np.array([0.0, 7.0, 14.0, 28.0, 56.0])


def _reference(x, y, t, de, te, permutations, seed):
    """The former counting: every pair's band, one bincount per permutation."""
    rng = np.random.default_rng(seed)
    pairs = cKDTree(np.c_[x, y]).query_pairs(r=float(de[-1]), output_type="ndarray")
    nd, nt = len(de) - 1, len(te) - 1
    i, j = pairs[:, 0], pairs[:, 1]
    db = near_repeat._band(np.hypot(x[i] - x[j], y[i] - y[j]), de)
    keep = db >= 0
    i, j = i[keep], j[keep]
    kd = db[keep].astype(np.intp) * (nt + 2)

    def table(tt):
        dt = np.abs(tt[i] - tt[j])
        cnt = (dt >= te[0]).view(np.int8)
        for edge in te[1:]:
            cnt += (dt > edge).view(np.int8)
        counts = np.bincount(kd + cnt, minlength=nd * (nt + 2)).reshape(nd, nt + 2)
        return counts[:, 1 : nt + 1]

    obs = table(t)
    perms = np.stack([table(rng.permutation(t)) for _ in range(permutations)])
    return obs, perms.mean(axis=0), ((perms >= obs[None]).sum(axis=0) + 1) / (permutations + 1)


def _tricky(n=240, seed=3):
    """Integer places on a 3-4-5 lattice (distances 0, 100, 200, 500, 800 m exactly) and
    whole-day times (gaps 0, 7, 14, 28, 56 days exactly), with a far-away cluster."""
    rng = np.random.default_rng(seed)
    base = np.array([[0, 0], [60, 80], [120, 160], [300, 400], [480, 640], [0, 800], [0, 801]])
    xy = base[rng.integers(0, len(base), n)].astype("float64")
    xy[: n // 6] += 10_000.0  # a second cluster: pairs between clusters are beyond 800 m
    days = rng.choice([0, 7, 14, 21, 28, 56, 57, 112, 400], n)
    when = pd.Timestamp("2024-01-01") + pd.to_timedelta(days, unit="D")
    return gpd.GeoDataFrame(
        {"occurred_from": when, "occurred_to": pd.NaT},
        geometry=gpd.points_from_xy(xy[:, 0], xy[:, 1]),
        crs="EPSG:32188",
    )


@pytest.mark.parametrize("block", [7, 1 << 16])
@pytest.mark.parametrize(
    "de",
    [DE, np.array([0.0, 50.0, 60.0, 100.0, 800.0])],  # the 50-60 m band holds no pair
)
def test_blockwise_knox_counts_equal_the_former_counting(monkeypatch, block, de):
    monkeypatch.setattr(near_repeat, "CHUNK_PAIRS", block)
    inc = _tricky()
    k = near_repeat.knox_test(
        inc, distance_bands=de, time_bands=TE, permutations=19, seed=5, block_days=0
    )
    x, y = inc.geometry.x.to_numpy(), inc.geometry.y.to_numpy()
    t = inc["occurred_from"].to_numpy(dtype="datetime64[us]").astype("int64") / 86_400e6
    obs, expected, p = _reference(x, y, t, de, TE, 19, 5)
    assert k["observed"].to_numpy().tolist() == obs.ravel().tolist()
    np.testing.assert_array_equal(k["expected"].to_numpy(), expected.ravel())
    np.testing.assert_array_equal(k["p_value"].to_numpy(), p.ravel())
    # the edges really are hit: pairs at 0 m and 0 days, at 800 m, and beyond it
    assert obs.sum() > 0 and k.attrs["parameters"]["pairs_within_max_distance"] > obs.sum()


def test_blockwise_knox_counts_no_pairs():
    inc = _tricky(n=4).iloc[:0]
    k = near_repeat.knox_test(inc, distance_bands=DE, time_bands=TE, permutations=9)
    assert (k["observed"] == 0).all() and (k["expected"] == 0).all()
    assert k.attrs["parameters"]["pairs_within_max_distance"] == 0
