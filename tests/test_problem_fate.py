"""The follow-up's problem fates: the previous register matched to the new problems."""

from __future__ import annotations

import geopandas as gpd
import numpy as np
import pytest
import shapely
from shapely import affinity

from diagnostic_lib import i18n, inventory


@pytest.fixture(scope="module")
def register(diag, tmp_path_factory):
    """The sample's problems written as a register and read back, as a follow-up reads it."""
    problems = inventory.run(diag, permutations=9).problems
    path = tmp_path_factory.mktemp("register") / "problems.toml"
    inventory.write_register(problems, path)
    return inventory.read_register(path)


def _fates(f):
    return dict(zip(f["previous_id"].fillna(f["current_id"]), f["fate"], strict=True))


def test_the_same_register_has_only_persisting_problems(register):
    f = inventory.problem_fates(register, register)
    assert len(f) == len(register)
    assert (f["fate"] == "persisted").all()
    assert (f["previous_id"] == f["current_id"]).all()
    located = f["distance_m"].notna()
    assert located.sum() == (register["kind"] != "municipality").sum()
    assert np.allclose(f.loc[located, "distance_m"], 0) and np.allclose(
        f.loc[located, "overlap"], 1
    )


def test_planted_changes_are_each_found(register):
    cur = register.copy()
    places = cur.index[cur["kind"] == "place"]
    moved, grown, gone = places[0], places[1], places[2]
    cur.loc[[moved], "geometry"] = [affinity.translate(cur.geometry[moved], xoff=400)]
    cur.loc[grown, "last_12"] = cur.loc[grown, "last_12"] * 3
    cur = cur.drop(index=gone)
    new = cur.loc[[moved]].copy()
    new["problem_id"] = "PB-new"
    new["families"] = [("traffic",)]
    new["categories"] = [("traffic_collision",)]
    cur = gpd.GeoDataFrame(
        gpd.pd.concat([cur, new], ignore_index=True), geometry="geometry", crs=cur.crs
    )
    f = inventory.problem_fates(register, cur)
    fates = _fates(f)
    assert fates[register.loc[moved, "problem_id"]] == "moved"
    row = f[f["previous_id"] == register.loc[moved, "problem_id"]].iloc[0]
    assert (
        row["distance_m"] == pytest.approx(400, abs=1) and row["current_id"] == row["previous_id"]
    )
    assert fates[register.loc[grown, "problem_id"]] == "grown"
    assert fates[register.loc[gone, "problem_id"]] == "gone"
    assert fates["PB-new"] == "new"
    others = set(register["problem_id"]) - {
        register.loc[i, "problem_id"] for i in (moved, grown, gone)
    }
    assert {fates[p] for p in others} == {"persisted"}


def test_a_problem_of_other_families_at_the_same_place_is_not_the_same_problem(register):
    place = register[register["kind"] == "place"].iloc[[0]].copy()
    other = place.copy()
    other["problem_id"] = "PB-other"
    other["families"] = [("traffic",)]
    f = inventory.problem_fates(place, other)
    assert f["fate"].tolist() == ["gone", "new"]


def test_the_crs_of_the_new_problems_is_aligned(register):
    f = inventory.problem_fates(register, register.to_crs(4326))
    assert (f["fate"] == "persisted").all()
    assert f["distance_m"].max() < 1


def _reg(n, last12, seed=0):
    rng = np.random.default_rng(seed)
    xs = rng.uniform(0, 50_000, n)
    return gpd.GeoDataFrame(
        {
            "problem_id": [f"P{i}" for i in range(n)],
            "kind": "place",
            "categories": [("burglary",)] * n,
            "families": [("property",)] * n,
            "last_12": last12,
        },
        geometry=[shapely.Point(x, 0).buffer(150) for x in xs],
        crs=32188,
    )


def test_overdispersed_changes_are_not_read_as_growth():
    # 40 problems whose counts vary far more than Poisson (negative binomial, no real change):
    # a plain Poisson z would call many "grown"/"shrunk"; the pooled dispersion keeps most
    rng = np.random.default_rng(3)
    mu = 60.0
    before = rng.negative_binomial(4, 4 / (4 + mu), 40)
    after = rng.negative_binomial(4, 4 / (4 + mu), 40)
    f = inventory.problem_fates(_reg(40, before), _reg(40, after))
    z_plain = (after - before) / np.sqrt(after + before)
    assert (np.abs(z_plain) > 1.96).sum() >= 10  # what a plain Poisson test would say
    assert f["dispersion"].iloc[0] > 3
    assert (f["fate"] != "persisted").sum() <= 4


def test_a_change_every_problem_shares_is_each_problems_change():
    """The spread is estimated around the change the problems share: when all halve, the
    halving is not noise (a dispersion around no change took it for noise: 'persisted')."""
    f = inventory.problem_fates(_reg(10, [100] * 10), _reg(10, [50] * 10))
    assert (f["fate"] == "shrunk").all() and f.attrs["common_ratio"] == pytest.approx(0.5, abs=0.01)
    one = inventory.problem_fates(_reg(10, [100] * 10), _reg(10, [50] + [100] * 9))
    assert one["fate"].tolist() == ["shrunk"] + ["persisted"] * 9


def test_the_few_problems_an_action_changed_do_not_set_the_shared_change():
    """17 problems, Poisson years, five of them fall by 45 % (the follow-up sample's
    planted actions): a ratio of sums put the shared change at -10 %, the unchanged large
    problems read as spread, and the real falls of 100 events a year or more were found in
    21 % of registers; the precision-weighted median of the log ratios, in 73 %."""
    rng = np.random.default_rng(5)
    mu = np.array([800, 450, 360, 220, 160, 120, 120, 90, 50, 45, 45, 40, 40, 35, 20, 20, 20.0])
    fall = np.zeros(len(mu), bool)
    fall[[1, 2, 4, 8, 10]] = True
    unchanged, found = [], []
    for _ in range(60):
        before, after = rng.poisson(mu), rng.poisson(mu * np.where(fall, 0.55, 1.0))
        fate = inventory.problem_fates(_reg(17, before), _reg(17, after))["fate"].to_numpy()
        unchanged.append(np.mean(fate[~fall] != "persisted"))
        found.append(np.mean(fate[fall & (mu >= 100)] == "shrunk"))
    assert np.mean(unchanged) <= 0.03 and np.mean(found) >= 0.6, (unchanged, found)


def test_the_spread_grows_with_the_problems_size():
    """Negative binomial counts (variance mu + mu²/50) of problems at 20 and at 300 events a
    year, no change: one dispersion for all flagged the large ones in 21 % of registers and
    the small ones in 1 %; a variance that grows with the mean keeps both near 5 %."""
    rng = np.random.default_rng(0)
    mu = np.array([20.0] * 15 + [300.0] * 15)
    flagged = []
    for _ in range(100):
        before, after = (rng.poisson(rng.gamma(50, mu / 50)) for _ in range(2))
        f = inventory.problem_fates(_reg(30, before), _reg(30, after))
        flagged.append(f["fate"].isin(["grown", "shrunk"]).to_numpy())
    small, large = np.mean(flagged, axis=0)[:15].mean(), np.mean(flagged, axis=0)[15:].mean()
    assert large <= 0.11 and 0.02 <= small <= 0.09, (small, large)


def test_small_counts_are_not_tested():
    f = inventory.problem_fates(_reg(3, [2, 1, 0]), _reg(3, [6, 0, 3]))
    assert (f["fate"] == "persisted").all()
    assert f["p_value"].isna().all()


def test_every_fate_has_words_in_both_languages():
    for fate in inventory.FATES:
        fr, en = inventory.fate_label(fate, "fr"), inventory.fate_label(fate, "en")
        assert fr and en and "_" not in fr + en and fr != f"inventory.fate.{fate}"
    assert i18n.t("inventory.fate.new", "fr") == "nouveau"
