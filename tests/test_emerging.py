"""Emerging hot spots (issue 18, item 3): Gi* by slice, Mann–Kendall, Esri's classes.

- the Mann–Kendall test against values computed once with pymannkendall 1.4.3
  (``original_test``) and against scipy's Kendall tau (asymptotic, same S and
  ties-corrected variance, without continuity correction);
- a 5 × 5 grid over 5 years computed by hand: Gi* z-scores, the
  Benjamini–Hochberg q-values within a year, and the class of each cell;
- every class from hand-written series of z-scores and q-values, at the edges
  of the rules (90 % of 10 slices is 9; cold before then hot is oscillating);
- a new hot spot planted in the sample's last year is "new", and the sample's
  strongest persistent hot spot stays persistent;
- the inputs that would fool it: too few slices, a cell without any incident,
  a constant series, a slice without any incident, no incident at all.
"""

from __future__ import annotations

import math

import geopandas as gpd
import numpy as np
import pandas as pd
import pytest
import shapely
from scipy import stats as sps

from diagnostic_lib import i18n, inventory, settings
from diagnostic_lib.inventory import emerging

# ---------------------------------------------------------------------------- Mann–Kendall
# pymannkendall 1.4.3, original_test(x): (s, var_s, Tau, z, p), computed once and pasted.
PYMANNKENDALL = {
    "rising_noisy": (
        [1.2, 0.8, 2.5, 1.9, 3.1, 2.7, 4.0, 3.3, 4.4, 5.1],
        (37.0, 125.0, 0.8222222222222222, 3.219937887599697, 0.0012821837418053317),
    ),
    "ties": (
        [5.0, 3.0, 3.0, 4.0, 2.0, 2.0, 2.0, 1.0, 1.5, 0.0, 0.0, -1.0],
        (-55.0, 207.0, -0.8333333333333334, -3.7532594530273458, 0.0001745500267034128),
    ),
    "flat_noise": (
        [0.3, -0.2, 0.5, 0.1, -0.4, 0.2, 0.0, -0.1],
        (-8.0, 65.33333333333333, -0.2857142857142857, -0.8660254037844386, 0.38647623077123283),
    ),
}


@pytest.mark.parametrize("name", sorted(PYMANNKENDALL))
def test_mann_kendall_matches_pymannkendall(name):
    x, (s, var_s, tau, z, p) = PYMANNKENDALL[name]
    r = inventory.mann_kendall(x)
    assert (r["s"], r["n"]) == (s, len(x))
    assert r["var_s"] == pytest.approx(var_s, rel=1e-12)
    assert r["tau"] == pytest.approx(tau, rel=1e-12)
    assert r["z"] == pytest.approx(z, rel=1e-12)
    assert r["p"] == pytest.approx(p, rel=1e-9)


@pytest.mark.parametrize("name", sorted(PYMANNKENDALL))
def test_mann_kendall_s_and_variance_agree_with_scipy_kendall_tau(name):
    # Kendall's tau between time and the series, asymptotic: z = S / sqrt(Var S), ties in the
    # series only (time has none), no continuity correction.
    x = PYMANNKENDALL[name][0]
    r = inventory.mann_kendall(x)
    ref = sps.kendalltau(np.arange(len(x)), x, method="asymptotic")
    assert 2 * sps.norm.sf(abs(r["s"]) / math.sqrt(r["var_s"])) == pytest.approx(ref.pvalue)


def test_mann_kendall_by_hand():
    # 1, 2, 3, 4, 5: every one of the 10 pairs rises, S = 10, Var S = 5·4·15/18 = 16.67,
    # z = (10 − 1)/√16.67 = 2.2045, two-sided p = 0.0275 < 0.05: the shortest series that can
    # be significant (4 values: S = 6, Var = 8.67, z = 1.70, p = 0.089).
    r = inventory.mann_kendall([1, 2, 3, 4, 5])
    assert (r["s"], r["tau"]) == (10.0, 1.0)
    assert r["var_s"] == pytest.approx(50 / 3)
    assert r["z"] == pytest.approx(9 / math.sqrt(50 / 3))
    assert r["p"] == pytest.approx(0.0275, abs=1e-4)
    assert inventory.mann_kendall([1, 2, 3, 4])["p"] == pytest.approx(0.0894, abs=1e-4)


def test_mann_kendall_of_a_constant_or_short_series_has_no_trend():
    for x in ([0.0] * 6, [2.5, 2.5, 2.5], [1.0, 2.0], [], [np.nan, 1.0, np.nan]):
        r = inventory.mann_kendall(x)
        assert (r["z"], r["p"]) == (0.0, 1.0), x
    # missing values are left out: the trend of what remains
    assert inventory.mann_kendall([1, np.nan, 2, 3, 4, 5])["s"] == 10.0


def test_vectorised_rows_equal_the_one_series_test():
    rng = np.random.default_rng(3)
    z = rng.normal(size=(40, 9)).round(1)  # rounded: many ties
    z[5, :] = 1.0
    z[6, 2] = np.nan
    for persistence in (False, True):
        rows = emerging._mann_kendall_rows(z, persistence)
        for i in range(len(z)):
            one = inventory.mann_kendall(z[i], persistence)
            for k in ("s", "var_s", "z", "p"):
                assert rows.loc[i, k] == pytest.approx(one[k]), (i, k, persistence)


# ---------------------------------------------------------------------------- by hand: 5 × 5
def _cell_incidents(by_year: dict[int, np.ndarray]) -> gpd.GeoDataFrame:
    """``k`` incidents at the centre of cell (row, col) of a 100 m grid, on 15 June."""
    xs, ys, when = [], [], []
    for year, counts in by_year.items():
        for (r, c), k in np.ndenumerate(counts):
            xs += [c * 100 + 50] * int(k)
            ys += [r * 100 + 50] * int(k)
            when += [f"{year}-06-15"] * int(k)
    return gpd.GeoDataFrame(
        {"occurred_from": pd.to_datetime(when)},
        geometry=gpd.points_from_xy(xs, ys),
        crs="EPSG:32188",
    )


FIVE_YEARS = ("2021-01-01", "2025-12-31")


@pytest.fixture(scope="module")
def small():
    """A 5 × 5 grid of 100 m cells over 2021–2025.

    Every year each cell has 1 incident, but the 2 × 2 block at the corner (0, 0) has 10
    in each of its cells. In 2025 the opposite 2 × 2 block, at the corner (4, 4), has 10
    in each of its cells as well.
    """
    import warnings

    from diagnostic_lib.inventory import GridWarning

    base = np.ones((5, 5), dtype=int)
    base[:2, :2] = 10
    last = base.copy()
    last[3:, 3:] = 10
    inc = _cell_incidents({2021: base, 2022: base, 2023: base, 2024: base, 2025: last})
    with warnings.catch_warnings():
        # 25 cells: fewer than the 30 make_grid asks for, on purpose (a grid computed by hand)
        warnings.simplefilter("ignore", GridWarning)
        grid = inventory.make_grid(shapely.box(0, 0, 500, 500), 100, crs="EPSG:32188")
    at = {(r, c): i for i, r, c in zip(grid.index, grid["row"], grid["col"], strict=True)}
    return inc, grid, at


def test_small_grid_gi_star_by_hand(small):
    inc, grid, at = small
    s = inventory.gi_star_series(inc, grid, "year", period=FIVE_YEARS)
    assert list(s["z"].columns) == ["2021", "2022", "2023", "2024", "2025"]
    z, q = s["z"], s["q"]
    # Gi* (binary weights, the cell itself included) = (S − W·x̄) / (s·√((n·W − W²)/(n − 1)))
    # with S the sum over the W cells of the neighbourhood, n = 25 cells.
    # 2021–2024: 4 cells of 10 and 21 of 1: x̄ = 61/25 = 2.44, mean of squares = 421/25 = 16.84,
    # s² = 16.84 − 2.44² = 10.8864, s = 3.2995.
    # Cell (0, 0), a corner: W = 4 (itself and 3 neighbours, all in the block), S = 40:
    # z = (40 − 9.76) / (3.2995 · √(84/24)) = 30.24 / 6.1727 = 4.899.
    assert z.loc[at[0, 0], "2021"] == pytest.approx(4.899, abs=1e-3)
    # Cell (0, 1), an edge: W = 6, S = 10 + 10 + 10 + 10 + 1 + 1 = 42:
    # z = (42 − 14.64) / (3.2995 · √(114/24)) = 27.36 / 7.1911 = 3.805.
    assert z.loc[at[0, 1], "2024"] == pytest.approx(3.805, abs=1e-3)
    # 2025: 8 cells of 10 and 17 of 1: x̄ = 97/25 = 3.88, mean of squares = 817/25 = 32.68,
    # s² = 32.68 − 15.0544 = 17.6256, s = 4.1983.
    # Cell (0, 0): z = (40 − 4·3.88) / (4.1983 · 1.8708) = 24.48 / 7.8543 = 3.117.
    # Cell (1, 3): its 9 cells (rows 0–2, columns 2–4) all have 1: S = 9, W = 9,
    # z = (9 − 34.92) / (4.1983 · √(144/24)) = −25.92 / 10.2837 = −2.520.
    assert z.loc[at[0, 0], "2025"] == pytest.approx(3.117, abs=1e-3)
    assert z.loc[at[1, 3], "2025"] == pytest.approx(-2.520, abs=1e-3)
    # Benjamini–Hochberg within 2025 (25 tests): the two largest |z| (3.117 at (0, 0) and
    # (4, 4)) have p = 0.00183, q = 0.00183 · 25/2 = 0.0228; the next two (−2.520 at (1, 3)
    # and (3, 1)) p = 0.01173, q = 0.01173 · 25/4 = 0.0733; then the four cells beside the
    # blocks, (0, 1) and the like: W = 6, S = 42, z = (42 − 23.28) / (4.1983 · √(114/24))
    # = 2.046, p = 0.0408, p · 25/8 = 0.127; but the four cells after them ((0, 3) and the
    # like: W = 6, S = 6, z = −1.889, p = 0.0590) have p · 25/12 = 0.1228, and a q-value is
    # the smallest of the later ones: q = 0.1228 — above 0.10, not significant.
    assert z.loc[at[0, 1], "2025"] == pytest.approx(2.046, abs=1e-3)
    assert z.loc[at[0, 3], "2025"] == pytest.approx(-1.889, abs=1e-3)
    assert q.loc[at[4, 4], "2025"] == pytest.approx(0.0228, abs=5e-4)
    assert q.loc[at[1, 3], "2025"] == pytest.approx(0.0733, abs=5e-4)
    assert q.loc[at[0, 1], "2025"] == pytest.approx(0.1228, abs=5e-4)


def test_small_grid_classes_by_hand(small):
    inc, grid, at = small
    e = inventory.emerging_hot_spots(inc, grid, "year", 5, 0.10, period=FIVE_YEARS)
    cls = {rc: e.loc[i, "pattern"] for rc, i in at.items()}
    # (0, 0): hot in all 5 years (q < 0.10 each year). Its z-scores 4.899 × 4 then 3.117:
    # Mann–Kendall S = −4 (the 6 pairs among the equal four count 0, the 4 pairs with 2025
    # fall), Var S = [5·4·15 − 4·3·13] / 18 = (300 − 156)/18 = 8 (the ties correction),
    # z = (−4 + 1)/√8 = −1.06, p = 0.29: no trend → persistent.
    # (The variance is widened for persistence, by the factor of ``_persistence``: the
    # residuals around the Sen slope of 0 have a lag-one autocorrelation of −0.05, +0.16
    # for its bias in 5 values, + √((1 − 0.11²)/5) = 0.44 for its standard error: 0.55,
    # a factor 1 + 2 Σ (1 − k/5) 0.55^k = 2.43.)
    assert cls[0, 0] == "persistent_hot"
    factor = emerging._persistence(np.array([[4.899] * 4 + [3.117]]))[0]
    assert factor == pytest.approx(2.43, abs=0.01)
    assert e.loc[at[0, 0], "trend_z"] == pytest.approx(-3 / math.sqrt(8 * factor), rel=1e-3)
    # (0, 1), (1, 0), (1, 1): hot 2021–2024 (q = 0.001, 0.001, 0.027), not in 2025: 4 of 5
    # years is 80 %, under the 90 % of "historical", and the final year is not hot:
    # no pattern. (Esri's rules ask 90 %: with 5 slices, all 5.)
    assert cls[0, 1] == cls[1, 0] == cls[1, 1] == "no_pattern"
    assert e.loc[at[1, 1], "n_hot"] == 4
    # (4, 4): hot in 2025 only (q = 0.023), never before (z = −0.93, q = 0.40): new.
    assert cls[4, 4] == "new_hot"
    # (1, 3) and (3, 1): cold in 2025 only (q = 0.073), never significant before: new cold.
    assert cls[1, 3] == cls[3, 1] == "new_cold"
    # every other cell: never significant (q ≥ 0.12 every year) → no pattern
    others = {rc: c for rc, c in cls.items() if rc not in {(0, 0), (4, 4), (1, 3), (3, 1)}}
    assert set(others.values()) == {"no_pattern"}
    assert e.loc[at[4, 4], "last_class"] == "hot" and e.loc[at[1, 3], "last_class"] == "cold"
    assert e.attrs["slices"] == ["2021", "2022", "2023", "2024", "2025"]


# ---------------------------------------------------------------------------- every class
H, C, N = "H", "C", "."  # a hot bin, a cold bin, a bin that is not significant


def _series(pattern: str, z: list[float] | None = None) -> tuple[list[float], list[float]]:
    """z-scores and q-values of a pattern of bins (``z`` given: its signs must agree)."""
    zs = z or [3.0 if b == H else -3.0 if b == C else 0.5 for b in pattern]
    qs = [0.01 if b in (H, C) else 0.6 for b in pattern]
    return zs, qs


RISING = [2.0 + 0.2 * i for i in range(10)]
CASES = {
    # 10 slices: 90 % is 9. The trend of rows with all z = ±3 (no z given) is none (all ties).
    "intensifying_hot": _series(H * 10, RISING),  # hot in all, z rising: S = 45, p < 0.001
    "diminishing_hot": _series(H * 10, RISING[::-1]),
    "persistent_hot": _series(H * 10),
    "persistent_hot, 9 of 10": _series(H * 4 + N + H * 5),
    "persistent_hot, alternating z": _series(H * 10, [3.0, 3.5] * 5),  # S = 5, p = 0.68
    "historical_hot": _series(H * 9 + N),  # 9 of 10 (90 %), not the final one
    "new_hot": _series(N * 9 + H),
    "consecutive_hot": _series(N * 7 + H * 3),
    "sporadic_hot": _series(N * 2 + H + N * 2 + H + N * 3 + H),
    "sporadic_hot, hot before a final run": _series(N * 4 + H + N * 3 + H * 2),
    "oscillating_hot": _series(N + C + N * 2 + H + N * 4 + H),
    "oscillating_hot, cold then new": _series(C + N * 8 + H),  # never "new": it was cold
    "intensifying_cold": _series(C * 10, [-v for v in RISING]),  # colder and colder
    "diminishing_cold": _series(C * 10, [-v for v in RISING[::-1]]),
    "persistent_cold": _series(C * 10),
    "historical_cold": _series(C * 9 + N),
    "new_cold": _series(N * 9 + C),
    "consecutive_cold": _series(N * 8 + C * 2),
    "sporadic_cold": _series(C + N * 4 + C + N * 3 + C),
    "oscillating_cold": _series(H + N * 8 + C),
    "no_pattern": _series(N * 10),
    "no_pattern, hot once, long ago": _series(N * 2 + H + N * 7),
    "no_pattern, hot 8 of 10 but not now": _series(H * 8 + N * 2),
}


def test_every_class_from_hand_written_series():
    names = list(CASES)
    z = pd.DataFrame([CASES[k][0] for k in names], index=names)
    q = pd.DataFrame([CASES[k][1] for k in names], index=names)
    got = inventory.classify_series(z, q, alpha=0.05, trend_alpha=0.05, min_slices=5)
    expected = pd.Series([k.split(",")[0] for k in names], index=names)
    assert got["pattern"].to_dict() == expected.to_dict()
    assert set(expected) == set(inventory.EMERGING_CLASSES) - {"not_enough_data"}
    assert got.loc["persistent_hot, 9 of 10", "n_hot"] == 9
    assert got.loc["oscillating_hot", ["n_significant", "n_hot", "n_cold"]].tolist() == [3, 2, 1]
    assert got.loc["intensifying_hot", "trend_tau"] == 1.0


def test_a_bin_missing_its_values_is_not_significant():
    # a slice without any incident has no z-score: neither hot nor cold
    z = [[np.nan, np.nan, np.nan, 3.0, 3.0], [np.nan, 0.2, 0.1, 0.3, 3.0]]
    q = [[np.nan, np.nan, np.nan, 0.01, 0.01], [np.nan, 0.9, 0.9, 0.9, 0.01]]
    got = inventory.classify_series(z, q, min_slices=5)["pattern"].tolist()
    assert got == ["consecutive_hot", "new_hot"]


def test_alpha_decides_what_is_significant():
    z, q = [[0.1, 0.2, 0.1, 0.0, 2.2]], [[0.9, 0.9, 0.9, 0.9, 0.07]]
    assert inventory.classify_series(z, q, alpha=0.10)["pattern"][0] == "new_hot"
    assert inventory.classify_series(z, q, alpha=0.05)["pattern"][0] == "no_pattern"


def test_mismatched_tables_are_refused():
    with pytest.raises(ValueError, match="same shape"):
        inventory.classify_series([[1.0, 2.0]], [[0.1]])


# ---------------------------------------------------------------------------- fooling inputs
def test_too_few_slices_is_not_enough_data():
    z, q = _series(N * 3 + H)
    got = inventory.classify_series([z], [q], min_slices=5)
    assert got["pattern"].tolist() == ["not_enough_data"]
    assert settings.default("emerging_min_slices") == 5


def test_the_samples_four_years_are_not_enough_by_year(diag):
    grid = inventory.make_grid(diag.sectors, diag.config.param("grid_cell_m"))
    e = inventory.emerging_hot_spots(diag.incidents, grid, "year")
    assert e.attrs["slices"] == ["2022", "2023", "2024", "2025"]
    assert set(e["pattern"]) == {"not_enough_data"}
    assert len(e) == len(grid) and e.index.equals(grid.index)


def test_no_incident_at_all_is_not_enough_data(diag):
    grid = inventory.make_grid(diag.sectors, diag.config.param("grid_cell_m"))
    e = inventory.emerging_hot_spots(diag.incidents.iloc[:0], grid, "quarter")
    assert set(e["pattern"]) == {"not_enough_data"} and e.attrs["slices"] == []


def test_a_partly_covered_slice_is_left_out(diag, small):
    # Montréal's extract ends on 1 April 2018: a second quarter of one day, whose few
    # incidents would make "new" hot spots of the cells they fall in. Here: the sample and
    # 30 incidents on 2 January 2026.
    grid = inventory.make_grid(diag.sectors, diag.config.param("grid_cell_m"))
    extra = diag.incidents.iloc[:30].copy()
    extra["occurred_from"] = pd.Timestamp("2026-01-02 10:00")
    inc = pd.concat([diag.incidents, extra], ignore_index=True)
    e = inventory.emerging_hot_spots(inc, grid, "quarter")
    assert e.attrs["slices"][-1] == "2025Q4" and len(e.attrs["slices"]) == 16
    p = e.attrs["parameters"]
    assert p["incidents_left_out"] == 30 and p["partial_slices_left_out"] == ["2026Q1"]
    # given the period, the slices are those of the period; events outside it are counted
    s = inventory.gi_star_series(inc, grid, "year", period=("2023-01-01", "2024-12-31"))
    assert list(s["z"].columns) == ["2023", "2024"]
    assert s["z"].attrs["left_out"] == (~inc["occurred_from"].dt.year.isin([2023, 2024])).sum()
    # the hand-made grid's incidents are all on 15 June: by default its first and last
    # years are covered only from (to) 15 June, and left out
    inc5, grid5, _ = small
    assert inventory.gi_star_series(inc5, grid5, "year")["z"].columns.tolist() == [
        "2022",
        "2023",
        "2024",
    ]


def test_a_bad_slice_length_is_refused(diag):
    grid = inventory.make_grid(diag.sectors, diag.config.param("grid_cell_m"))
    with pytest.raises(ValueError, match="slice must be one of"):
        inventory.gi_star_series(diag.incidents, grid, "month")


# ---------------------------------------------------------------------------- the sample
@pytest.fixture(scope="module")
def sample_by_year(diag):
    grid = inventory.make_grid(diag.sectors, diag.config.param("grid_cell_m"))
    e = inventory.emerging_hot_spots(diag.incidents, grid, "year", min_slices=4)
    series = inventory.gi_star_series(diag.incidents, grid, "year")
    return grid, e, series


def test_a_cell_without_any_incident_is_never_hot(sample_by_year):
    grid, e, series = sample_by_year
    empty = e[(e["count"] == 0) & (series["z"].max(axis=1) < 0)]
    assert len(empty) > 50
    assert not empty["pattern"].str.endswith("_hot").any()
    assert np.isfinite(empty[["trend_z", "trend_p", "last_z"]].to_numpy()).all()


def test_a_planted_new_hot_spot_is_new_and_the_strongest_persistent_stays(diag, sample_by_year):
    grid, e, series = sample_by_year
    z = series["z"]
    persistent = e.index[e["pattern"] == "persistent_hot"]
    assert len(persistent) >= 5
    strongest = z.loc[persistent].mean(axis=1).idxmax()
    # a quiet cell: never significant, few incidents, its neighbourhood quiet too (z < 0 every
    # year), far (over 1 km) from the strongest hot spot
    centre = grid.geometry.centroid
    far = centre.distance(centre[strongest]) > 1000
    quiet = e.index[(e["n_hot"] == 0) & (e["n_cold"] == 0) & (z.max(axis=1) < 0) & far]
    cell = e.loc[quiet, "count"].sort_values(kind="stable").index[len(quiet) // 2]
    assert e.loc[cell, "pattern"] == "no_pattern"
    # a new cluster there in 2025 only: 200 incidents around the cell's centre (σ = 100 m).
    # Gi* compares a cell with every cell of its own year, and the sample's busiest cells
    # hold about 230 incidents a year: 40 in one cell (z = 0.3) or 100 around it (z = 1.7)
    # do not stand out; 150 already do (z = 2.9, q = 0.097).
    rng = np.random.default_rng(7)
    k = 200
    pt = grid.geometry[cell].representative_point()
    planted = gpd.GeoDataFrame(
        {
            "occurred_from": pd.Timestamp("2025-01-01")
            + pd.to_timedelta(rng.integers(0, 365, k), unit="D"),
            "category": "burglary",
        },
        geometry=gpd.points_from_xy(pt.x + rng.normal(0, 100, k), pt.y + rng.normal(0, 100, k)),
        crs=diag.incidents.crs,
    )
    inc = pd.concat([diag.incidents, planted], ignore_index=True)
    after = inventory.emerging_hot_spots(inc, grid, "year", min_slices=4)
    assert after.loc[cell, "pattern"] == "new_hot"
    assert after.loc[cell, "n_hot"] == 1 and after.loc[cell, "last_class"] == "hot"
    assert after.loc[strongest, "pattern"] in {
        "persistent_hot",
        "consecutive_hot",
        "intensifying_hot",
    }
    # without the planted cluster nothing there was new
    assert "new_hot" not in set(e.loc[[cell], "pattern"])


def test_the_sample_by_quarter_has_hot_patterns(diag):
    grid = inventory.make_grid(diag.sectors, diag.config.param("grid_cell_m"))
    e = inventory.emerging_hot_spots(diag.incidents, grid)
    assert e.attrs["parameters"]["slice"] == "quarter" and len(e.attrs["slices"]) == 16
    assert set(e["pattern"]) <= set(inventory.EMERGING_CLASSES)
    assert (e["pattern"] == "persistent_hot").sum() >= 5
    text = inventory.emerging_parameters_text(e, "en")
    assert "16 quarters, 2022Q1 to 2025Q4" in text


def test_every_class_has_a_label_in_both_languages():
    for cls in inventory.EMERGING_CLASSES:
        fr, en = i18n.LABELS[f"inventory.emerging.{cls}"]
        assert fr and en and fr != en
        assert inventory.emerging_label(cls, "en") == en


# ---------------------------------------------------------------------------- maps
@pytest.fixture(scope="module")
def sample_emerging(diag):
    grid = inventory.make_grid(diag.sectors, diag.config.param("grid_cell_m"))
    return inventory.emerging_hot_spots(diag.incidents, grid)


@pytest.mark.parametrize("lang", ["fr", "en"])
def test_the_emerging_map_speaks_its_language_and_has_its_furniture(diag, sample_emerging, lang):
    from matplotlib.text import Text

    from diagnostic_lib import layout, maps

    src = diag.config.municipality
    fig = maps.emerging_map(sample_emerging, diag.sectors, lang=lang, source=src)
    legend = maps.legend_labels(fig)
    present = sample_emerging["pattern"].value_counts()
    for cls, n in present.items():
        assert f"{inventory.emerging_label(cls, lang)} ({n})" in legend
    other = "en" if lang == "fr" else "fr"
    assert not {inventory.emerging_label(c, other) for c in present.index} & {
        t.split(" (")[0] for t in legend
    }
    texts = [t.get_text() for t in fig.axes[0].texts]
    assert any(t.startswith("Source") and src in t for t in texts)  # source note
    assert "N" in texts  # north arrow
    assert any(t.endswith(("km", " m")) for t in texts)  # scale bar
    assert set(diag.sectors["name"]) <= {t.replace("\n", " ") for t in texts}  # sector names
    words = " ".join(t.get_text().replace("\n", " ") for t in fig.findobj(Text))
    assert "Mann–Kendall" in words  # the parameters, under the title
    assert layout.layout_problems(fig).empty
    assert not maps.is_blank(maps.figure_to_png(fig))


def test_the_interactive_map_has_an_emerging_layer(diag, sample_emerging):
    from diagnostic_lib import maps

    html = maps.interactive_map(diag.sectors, emerging=sample_emerging, lang="fr")
    page = html.get_root().render()
    layer = "Points chauds \\u00e9mergents"  # the layer control's name, escaped in JSON
    assert layer in page and "Point chaud persistant" in page
    assert "Persistent hot spot" not in page
    plain = maps.interactive_map(diag.sectors, lang="fr").get_root().render()
    assert layer not in plain


# ---------------------------------------------------------------------------- real data
@pytest.mark.realdata
@pytest.mark.slow
def test_montreal_last_one_day_quarter_is_left_out(tmp_path):
    from diagnostic_lib import loaders

    from .conftest import NOW, montreal_config

    d = loaders.load_diagnostic(montreal_config(tmp_path), now=NOW)
    grid = inventory.make_grid(d.sectors, d.config.param("grid_cell_m"))
    e = inventory.emerging_hot_spots(d.incidents, grid, "quarter")
    # SPVM's extract runs from 1 January 2015 to 1 April 2018: 13 whole quarters, and the
    # incidents of 1 April 2018 left out (counted)
    assert e.attrs["slices"][0] == "2015Q1" and e.attrs["slices"][-1] == "2018Q1"
    p = e.attrs["parameters"]
    assert p["partial_slices_left_out"] == ["2018Q2"] and 0 < p["incidents_left_out"] < 100
    counts = e["pattern"].value_counts()
    # downtown's hot spots were there from the start: persistent outnumber new ones
    assert counts.get("persistent_hot", 0) > counts.get("new_hot", 0) > 0


# ---------------------------------------------------------------------------- calibration
def _hot_block_maps(rng, maps, rho=0.0, slope=0.0, slices=20, hot=9, cells=400):
    """z-scores and q-values of maps whose first ``hot`` cells are hot in every slice (z
    around 4), their z following an AR(1) of ``rho`` (each cell its own), rising by ``slope``
    a slice; the other cells never significant. Written here, not by the library."""
    out = []
    for _ in range(maps):
        e = rng.normal(0, 0.7, (hot, slices))
        u = np.zeros_like(e)
        u[:, 0] = e[:, 0]
        for t in range(1, slices):
            u[:, t] = rho * u[:, t - 1] + np.sqrt(1 - rho**2) * e[:, t]
        z = np.vstack([4 + slope * np.arange(slices) + u, rng.normal(0, 1, (cells - hot, slices))])
        q = np.vstack([np.full((hot, slices), 0.001), np.full((cells - hot, slices), 0.6)])
        out.append((z, q))
    return out


@pytest.mark.parametrize(("rho", "most"), [(0.0, 0.08), (0.6, 0.10)])
def test_a_trendless_hot_block_is_rarely_called_intensifying_or_diminishing(rho, most):
    """One Mann–Kendall test per cell at 5 % called a trend somewhere in a third of the
    trendless maps (9 hot cells), more when the level persists; the variance widened for
    persistence and BH across the cells keep it near the nominal rate per map."""
    rng = np.random.default_rng(7)
    called = []
    for z, q in _hot_block_maps(rng, 200, rho=rho):
        pat = inventory.classify_series(z, q, alpha=0.05, trend_alpha=0.05)["pattern"]
        called.append(pat.isin(["intensifying_hot", "diminishing_hot"]).any())
    assert np.mean(called) <= most


def test_a_rising_hot_block_is_still_found_intensifying():
    rng = np.random.default_rng(8)
    found = []
    for z, q in _hot_block_maps(rng, 50, rho=0.3, slope=0.15):  # +3 in z over 20 slices
        pat = inventory.classify_series(z, q, alpha=0.05, trend_alpha=0.05)["pattern"]
        found.append((pat.iloc[:9] == "intensifying_hot").mean())
    assert np.mean(found) >= 0.6
