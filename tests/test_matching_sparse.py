"""Coverage matching: the sparse search for related pairs against a slow pair-by-pair reference.

``coverage(pairs="related")`` finds the problem × measure pairs above ``none``
by category, sector and box first, never going through every pair. It must
give exactly the rows of ``coverage(pairs="all")`` whose level is above none,
and both must follow the documented rule, checked here one pair at a time on
the sample and on a generated region built to fool a sparse join:
measures for every category, every sector or the whole municipality, measures
without a footprint or geometry, problems across two sectors, problems without
geometry, municipality-wide and perception problems, repeated problem ids.
"""

from __future__ import annotations

import html

import geopandas as gpd
import numpy as np
import pandas as pd
import pytest
import shapely

from diagnostic_lib import formatting as fmt
from diagnostic_lib import inventory, measures
from diagnostic_lib.measures.footprints import treated_area
from diagnostic_lib.measures.levels import DEFAULT_THRESHOLDS, coverage_level
from diagnostic_lib.measures.matching import UNMAPPED, _category_weights, _shift_match

CATS = ("theft", "mischief", "assault", "fraud", "drugs")
SHIFTS = ("jour", "soir", "nuit")


def _tuple(v) -> tuple:
    return tuple(v) if isinstance(v, (tuple, list, np.ndarray)) else ()


def _reference(pb, meas, sec, inc, ref_date, thresholds=None) -> pd.DataFrame:
    """The coverage rule, one pair at a time (slow; the definition the fast code must meet)."""
    thr = {**DEFAULT_THRESHOLDS, **(thresholds or {})}
    pb = pb[~pb.get("excluded", pd.Series(False, index=pb.index)).fillna(False).astype(bool)]
    areas = treated_area(meas, sec)
    located = pb[pb["kind"].astype(str) != "perception"]
    membership = inventory.problem_incidents(located, inc) if len(located) else None
    weights = _category_weights(pb, membership, inc)
    st = measures.status(meas, pd.Timestamp(ref_date)).to_numpy()
    all_sectors = set(sec["sector_id"].astype(str))
    inc_sec = inc["sector"].astype(object).to_numpy()
    xy = np.asarray(inc.geometry.array, dtype=object)
    mem = membership.to_numpy(dtype=object) if membership is not None else None
    rows = []
    for p, w in zip(pb.itertuples(index=False), weights, strict=True):
        own = np.flatnonzero(mem == p.problem_id) if mem is not None else np.zeros(0, int)
        own_loc = [k for k in own if xy[k] is not None and not xy[k].is_empty]
        own_sec = [k for k in own if not pd.isna(inc_sec[k])]
        for j, m in enumerate(meas.itertuples(index=False)):
            tset = set(_tuple(m.target_categories))
            if getattr(m, "targets_unmapped", False) is True and not tset:
                tset = {UNMAPPED}
            if not tset:
                mt, th = tuple(w), 1.0
            else:
                mt = tuple(c for c in w if c in tset)
                total = sum(w.values())
                th = sum(w[c] for c in mt) / total if total > 0 else 0.0
            area, fp, geo = areas.iloc[j], m.footprint, m.footprint in ("point", "line", "polygon")
            msec = all_sectors if fp == "municipality" else set(_tuple(m.footprint_sectors))
            g = p.geometry
            if area is None or area.is_empty:
                share, basis = np.nan, "no_footprint"
            elif p.kind == "municipality" and fp == "municipality":
                share, basis = 1.0, "municipality"
            elif p.kind == "municipality" and geo:
                share, basis = 0.0, "local_footprint"
            elif len(own) and p.kind != "perception" and geo and own_loc:
                n_in = sum(bool(area.intersects(xy[k])) for k in own_loc)
                share, basis = n_in / len(own_loc), "incidents"
            elif len(own) and p.kind != "perception" and not geo and own_sec:
                share = sum(str(inc_sec[k]) in msec for k in own_sec) / len(own_sec)
                basis = "sectors"
            elif g is None or g.is_empty:
                share, basis = np.nan, "no_geometry"
            elif g.area > 0:
                share, basis = shapely.intersection(g, area).area / g.area, "area"
            else:
                share, basis = float(g.intersects(area)), "area"
            shift = _shift_match(_tuple(m.target_shifts), p.dominant_shift)
            no_fp, diffuse = (
                basis == "no_footprint",
                fp == "municipality" and p.kind != "municipality",
            )
            level = coverage_level(
                th, share, no_footprint=no_fp, diffuse=diffuse, shift=shift, thresholds=thr
            )
            rows.append(
                {
                    "problem_id": p.problem_id,
                    "measure_id": m.measure_id,
                    "status": st[j],
                    "thematic_share": round(th, 6),
                    "categories_matched": mt,
                    "spatial_share": round(share, 6),
                    "spatial_basis": basis,
                    "shift_match": shift,
                    "level": level,
                }
            )
    return pd.DataFrame(rows)


_CHECKED = [
    "problem_id",
    "measure_id",
    "status",
    "thematic_share",
    "categories_matched",
    "spatial_share",
    "spatial_basis",
    "shift_match",
    "level",
]


def _check(pb, meas, sec, inc, ref_date, thresholds=None) -> pd.DataFrame:
    """``all`` against the reference; ``related`` against ``all`` above none. Returns ``all``."""
    args = (pb, meas, sec, inc, ref_date, None, thresholds)
    full = measures.coverage(*args, pairs="all")
    related = measures.coverage(*args, pairs="related")
    ref = _reference(pb, meas, sec, inc, ref_date, thresholds)
    got = full[_CHECKED].astype(object).reset_index(drop=True)
    pd.testing.assert_frame_equal(got, ref.astype(object), check_exact=False, rtol=1e-9)
    above = full[full["level"] != "none"].reset_index(drop=True)
    pd.testing.assert_frame_equal(related, above, check_index_type=False)
    assert related.attrs["pairs"] == "related" and full.attrs["pairs"] == "all"
    return full


def test_sample_related_pairs_are_the_full_table_above_none(diag):
    inv = inventory.run(diag, permutations=0)
    full = _check(inv.problems, diag.measures, diag.sectors, diag.incidents, "2025-12-31")
    assert (full["level"] != "none").sum() > 10


def _region(seed: int = 7, nx: int = 6, ny: int = 4, side: float = 1000.0):
    """A generated region: sectors on a grid, incidents, problems and measures to fool a join."""
    rng = np.random.default_rng(seed)
    sec = gpd.GeoDataFrame(
        {"sector_id": [f"S{i}{j}" for j in range(ny) for i in range(nx)]},
        geometry=[
            shapely.box(i * side, j * side, (i + 1) * side, (j + 1) * side)
            for j in range(ny)
            for i in range(nx)
        ],
    )
    n = 3000
    x, y = rng.uniform(0, nx * side, n), rng.uniform(0, ny * side, n)
    cat = rng.choice(CATS, n)
    sector = np.array([f"S{int(a // side)}{int(b // side)}" for a, b in zip(x, y, strict=True)])
    sector = np.where(rng.random(n) < 0.05, None, sector)  # some incidents without a sector
    # some in a sector the sectors table lacks (a measure names it; "every sector" does not)
    sector = np.where(rng.random(n) < 0.03, "NOPE", sector)
    pts = list(gpd.points_from_xy(x, y))
    for k in rng.choice(n, 60, replace=False):  # some without a position
        pts[k] = None
    inc = gpd.GeoDataFrame(
        {"category": cat, "shift": rng.choice(SHIFTS, n), "sector": sector}, geometry=pts
    )
    problems = []
    for k in range(60):
        cx, cy = rng.uniform(300, nx * side - 300), rng.uniform(300, ny * side - 300)
        r = rng.uniform(50, 400)
        g = shapely.box(cx - r, cy - r, cx + r, cy + r)
        if k % 10 == 0:  # across two sectors on purpose
            g = shapely.box(side - 150, cy - 100, side + 150, cy + 100)
        kind = "place" if k % 4 else "area"
        cats = tuple(rng.choice(CATS, int(rng.integers(1, 4)), replace=False))
        problems.append((f"P{k:02d}", kind, cats, rng.choice([*SHIFTS, "mixed", None]), g))
    problems += [
        ("PM1", "municipality", ("theft", "fraud"), None, shapely.box(0, 0, nx * side, ny * side)),
        ("PM2", "municipality", ("drugs",), "nuit", None),
        ("PP1", "perception", ("mischief",), None, shapely.box(2000, 1000, 2500, 1500)),
        ("PP2", "perception", ("assault",), None, None),
        ("PN1", "place", ("theft",), "jour", None),  # no geometry
        ("PL1", "place", ("fraud",), None, shapely.LineString([(100, 100), (2500, 2500)])),
        ("PX1", "place", ("theft", "drugs"), None, shapely.Point(4500.0, 500.0)),
        ("PUNSEEN", "place", ("arson",), None, shapely.box(0, 0, 500, 500)),  # no incident
    ]
    pb = gpd.GeoDataFrame(
        problems, columns=["problem_id", "kind", "categories", "dominant_shift", "geometry"]
    )
    pb["excluded"] = False
    pb.loc[3, "excluded"] = True
    pb = pd.concat([pb, pb.iloc[[5]]], ignore_index=True)  # a repeated problem id

    def target():
        return tuple(rng.choice(CATS, int(rng.integers(1, 3)), replace=False))

    ms = []
    for k in range(70):
        fp = ("point", "line", "polygon", "sectors")[k % 4]
        cx, cy = rng.uniform(0, nx * side), rng.uniform(0, ny * side)
        geom = {
            "point": shapely.Point(cx, cy),
            "line": shapely.LineString([(cx, cy), (cx + 600, cy + 200)]),
            "polygon": shapely.box(cx - 300, cy - 300, cx + 300, cy + 300),
            "sectors": None,
        }[fp]
        secs = tuple(rng.choice(sec["sector_id"], 2, replace=False)) if fp == "sectors" else ()
        ms.append((fp, geom, secs, target(), ()))
    ms += [
        ("municipality", None, (), (), ()),  # every category, everywhere
        ("municipality", None, (), ("theft",), ("nuit",)),
        ("municipality", None, (), ("drugs", "fraud"), ()),
        ("none", None, (), ("assault",), ()),  # no footprint
        ("none", None, (), (), ("jour",)),  # no footprint, every category
        ("polygon", None, (), ("theft",), ()),  # a polygon measure without geometry
        ("sectors", None, tuple(sec["sector_id"]), ("mischief",), ()),  # every sector
        ("sectors", None, ("S00", "NOPE"), ("theft",), ()),  # an unknown sector
        ("sectors", None, ("NOPE",), ("theft",), ()),  # only unknown sectors
        ("polygon", shapely.box(-5000, -5000, -4000, -4000), (), ("theft",), ()),  # far away
        ("polygon", shapely.box(0, 0, nx * side, ny * side), (), (), ()),  # all, as a polygon
        ("polygon", shapely.box(0, 0, 3000, 4000), (), ("theft",), ()),
        ("polygon", shapely.box(0, 0, 3000, 4000), (), ("theft",), ("soir",)),  # same area
    ]
    meas = gpd.GeoDataFrame(
        {
            "measure_id": [f"M{k:03d}" for k in range(len(ms))],
            "pillar": "prevention",
            "footprint": [m[0] for m in ms],
            "footprint_sectors": [m[2] for m in ms],
            "target_categories": [m[3] for m in ms],
            "target_shifts": [m[4] for m in ms],
            "start": pd.to_datetime("2024-01-01"),
            "end": pd.NaT,
            "reach_m": np.nan,
        },
        geometry=[m[1] for m in ms],
    )
    meas["targets_unmapped"] = False
    meas.loc[len(ms) - 1, ["targets_unmapped", "target_categories"]] = [True, ()]
    # incidents on the edge of a measure's area (x = 3000: M080's side) count as inside
    on_edge = inc.index[inc.geometry.notna()][:80]
    inc.loc[on_edge, "geometry"] = gpd.points_from_xy(
        np.full(80, 3000.0), np.linspace(50, 3950, 80)
    )
    return pb, meas, sec, inc


@pytest.fixture(scope="module")
def region():
    return _region()


def test_generated_region_related_pairs_match_every_pair(region):
    full = _check(*region, "2025-12-31")
    lv = full.set_index(["problem_id", "measure_id"])["level"]
    # the inputs that would fool a sparse join are there, and above none where they should be
    assert lv[("P01", "M070")] == "weak"  # municipality-wide, every category
    assert (full.loc[full["measure_id"] == "M073", "level"] != "none").any()  # no footprint
    assert set(full.loc[full["measure_id"] == "M082", "level"]) == {"none"}  # unmapped
    assert set(full["spatial_basis"]) >= {"no_footprint", "municipality", "incidents"}
    assert set(full["spatial_basis"]) >= {"sectors", "no_geometry", "area", "local_footprint"}
    assert full["level"].value_counts().get("none", 0) > len(full) / 2


@pytest.mark.parametrize("block", [1, 37])
def test_coverage_in_blocks_is_the_whole_table(region, monkeypatch, block):
    """The table made of many blocks of pairs (one problem a block, or a few) is the table
    made in one block: its columns joined a column at a time, in order, dtypes kept."""
    from diagnostic_lib.measures import matching

    pb, meas, sec, inc = region
    whole = measures.coverage(pb, meas, sec, inc, "2025-12-31")
    monkeypatch.setattr(matching, "_BLOCK_PAIRS", block)
    parts = measures.coverage(pb, meas, sec, inc, "2025-12-31")
    assert whole["problem_id"].nunique() > 3 and len(whole) == whole.attrs["all_pairs"]
    pd.testing.assert_frame_equal(parts, whole)
    assert parts.attrs == whole.attrs
    assert parts["current"].dtype == bool and parts["score"].dtype == "float64"


def test_generated_region_with_other_thresholds(region):
    _check(*region, "2025-12-31", thresholds={"weak": 0.3, "partial": 0.5, "strong": 0.9})


def test_a_zero_weak_threshold_keeps_every_thematic_match(region):
    # with a weak threshold of 0, a share of 0 is weak: no spatial pruning is possible
    full = _check(*region, "2025-12-31", thresholds={"weak": 0.0})
    far = full[full["measure_id"] == "M079"]
    assert (far["level"] == "weak").any()


@pytest.mark.parametrize("lang", ["fr", "en"])
def test_report_writes_a_long_coverage_table_as_its_related_pairs(region, monkeypatch, lang):
    from diagnostic_lib.report.document import HtmlDocument
    from diagnostic_lib.report.sections import step2
    from diagnostic_lib.report.sections.context import SectionContext

    full = measures.coverage(*region, "2025-12-31", pairs="all")
    ctx = SectionContext(HtmlDocument("t", lang), lang)
    assert step2._coverage_table(ctx, full) is full  # short: every pair, nothing said
    monkeypatch.setattr(step2, "MAX_COVERAGE_ROWS", len(full) - 1)
    kept = step2._coverage_table(ctx, full)
    related = measures.coverage(*region, "2025-12-31", pairs="related")
    pd.testing.assert_frame_equal(kept, related)
    assert kept.attrs["pairs"] == "related"
    n, total = fmt.integer(len(kept), lang), fmt.integer(len(full), lang)
    said = ctx.t("report.step2.coverage_related", n=n, total=total)
    assert said in html.unescape(ctx.doc.render())


@pytest.mark.parametrize("lang", ["fr", "en"])
def test_report_says_so_when_step2_kept_only_the_related_pairs(region, lang):
    """A table step 2 already cut (``max_coverage_pairs``) is said to be cut, with its total."""
    from diagnostic_lib.report.document import HtmlDocument
    from diagnostic_lib.report.sections import step2
    from diagnostic_lib.report.sections.context import SectionContext

    full = measures.coverage(*region, "2025-12-31", pairs="all")
    related = measures.coverage(*region, "2025-12-31", pairs="related")
    assert full.attrs["all_pairs"] == related.attrs["all_pairs"] == len(full) > len(related)
    ctx = SectionContext(HtmlDocument("t", lang), lang)
    assert step2._coverage_table(ctx, related) is related
    n, total = fmt.integer(len(related), lang), fmt.integer(len(full), lang)
    said = ctx.t("report.step2.coverage_related", n=n, total=total)
    assert said in html.unescape(ctx.doc.render())


@pytest.mark.parametrize("n, size", [(0, 10), (5, 1_000_000), (10_000, 50_000), (3, 3)])
def test_distinct_keys_by_bitmap_or_sort_as_numpy(n, size):
    """The candidate keys' set operations, by bitmap (small key space) or by sorting."""
    from diagnostic_lib.measures.matching import _among, _distinct

    rng = np.random.default_rng(n)
    keys = rng.integers(0, size, n)
    other = rng.integers(0, size, max(n // 2, 1))
    assert np.array_equal(_distinct(keys, size), np.unique(keys))
    assert np.array_equal(_among(keys, np.unique(other), size), np.isin(keys, other))


@pytest.mark.parametrize("lang", ["fr", "en"])
def test_report_leaves_out_the_pairs_weak_by_rule_when_the_related_ones_are_too_many(
    region, monkeypatch, lang
):
    """Related pairs grow with problems × municipality-wide measures: the capped ones go."""
    from diagnostic_lib.report.document import HtmlDocument
    from diagnostic_lib.report.sections import step2
    from diagnostic_lib.report.sections.context import SectionContext

    related = measures.coverage(*region, "2025-12-31", pairs="related")
    note = related["note"].astype(str)
    capped = note.str.split(";").map(lambda codes: bool({"diffuse", "no_footprint"} & set(codes)))
    # the inputs that would fool the cut: capped pairs of every kind, and a mismatch alone
    assert {"diffuse", "no_footprint"} <= set(note[capped])
    assert (capped & (related["level"] == "weak")).sum() == capped.sum()  # weak by rule
    assert (~capped).sum() > 0
    ctx = SectionContext(HtmlDocument("t", lang), lang)
    monkeypatch.setattr(step2, "MAX_COVERAGE_ROWS", len(related))
    assert step2._coverage_table(ctx, related) is related  # not too many: every one
    monkeypatch.setattr(step2, "MAX_COVERAGE_ROWS", len(related) - 1)
    kept = step2._coverage_table(ctx, related)
    expected = related[~capped.to_numpy()].reset_index(drop=True)
    pd.testing.assert_frame_equal(kept, expected)
    assert kept.attrs["capped_pairs"] == int(capped.sum())
    said = ctx.t(
        "report.step2.coverage_capped",
        n=fmt.integer(int(capped.sum()), lang),
        kept=fmt.integer(len(kept), lang),
    )
    assert said in html.unescape(ctx.doc.render())
