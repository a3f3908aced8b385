"""The benchmark's report: targets are judged from the measurements, missed ones stay visible.

A target is met or missed only from a measure; a size left out, a stage not run or a peak not
recorded renders "not measured", never "yes".
"""

from __future__ import annotations

import copy
import importlib.util
import sys
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[1]
MET, MISSED, NOT_MEASURED = "yes / oui", "**no / non**", "not measured / non mesuré"
N = {"100k": 100_000, "1m": 1_000_000, "5m": 5_000_000}


def _module(name: str):
    spec = importlib.util.spec_from_file_location(
        f"bench_{name}", ROOT / "benchmarks" / f"{name}.py"
    )
    mod = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(mod)
    return mod


@pytest.fixture(scope="module")
def run():
    mod = _module("run")  # puts benchmarks/ on the path for its own modules
    yield mod
    sys.modules.pop("targets", None)
    sys.modules.pop("copied_sample", None)


def _result(size: str, n: int, seconds: dict[str, float]) -> dict:
    seconds = dict(seconds)
    rows = [
        {"stage": "load_csv", "seconds": seconds.pop("load_csv"), "peak_mb": 1500.0, "incidents": n}
    ]
    rows += [{"stage": k, "seconds": v, "peak_mb": 2000.0} for k, v in seconds.items()]
    return {"size": size, "incidents": n, "rows": rows}


def _rows(lines: list[str], start: str) -> list[str]:
    """The rows of the targets table whose target starts with ``start``."""
    return [ln for ln in lines if ln.startswith("| ") and ln.split(" | ")[1].startswith(start)]


def _verdict(lines: list[str], start: str) -> str:
    """The verdict of the target row whose target starts with ``start`` (exactly one)."""
    rows = _rows(lines, start)
    assert len(rows) == 1, (start, rows)
    return rows[0].rsplit("|", 2)[-2].strip()


def _measured(lines: list[str], start: str) -> str:
    (row,) = _rows(lines, start)
    return row.split(" | ")[2]


def _scaled(per_incident_us: dict[str, float], n: int) -> dict[str, float]:
    return {k: v * n / 1e6 for k, v in per_incident_us.items()}


# time per incident (µs) of a run that meets every target of issue 17
PER_INCIDENT = {
    "load_csv": 8.0,
    "load_incidents": 7.0,
    "step1": 10.0,
    "step2": 5.0,
    "step3": 15.0,
    "step4": 1.0,
    "report": 12.0,
    "duckdb_read_csv": 4.0,
    "gpd_read_csv": 3.0,
    "gpd_sector_join": 2.0,
}


def _all_met() -> tuple[list[dict], dict]:
    """Results at 100k, 1M and 5M that meet every measurable target of issue 17."""
    results = [_result(s, n, _scaled(PER_INCIDENT, n)) for s, n in N.items()]
    by = {r["size"]: r for r in results}
    for size, secs, peak in (("100k", 5.0, 500.0), ("1m", 40.0, 2400.0), ("5m", 170.0, 5900.0)):
        by[size]["rows"].append(
            {"stage": "e2e_fresh", "seconds": secs, "runs": [secs], "cpu": secs, "peak_mb": peak}
        )
    one = by["1m"]["rows"]
    one.append({"stage": "e2e_copied", "seconds": 30.0, "runs": [30.0], "peak_mb": 2000.0})
    by["5m"]["rows"].append(
        {"stage": "e2e_copied", "seconds": 90.0, "runs": [90.0], "peak_mb": 5500.0}
    )
    one.append({"stage": "cached_to_priority", "seconds": 2.5, "peak_mb": 900.0, "inner": []})
    one.append({"stage": "rescore_priority", "seconds": 0.05})
    one.append({"stage": "explorer_reevaluate", "seconds": 0.25, "runs": [0.2, 0.25, 0.29]})
    notebooks = {"rows": [{"notebook": "00_overview.ipynb", "seconds": 50.0}], "total": 50.0}
    return results, notebooks


ISSUE17 = [
    "1M incidents (benchmark data)",
    "1M incidents (copied-sample shape)",
    "5M incidents (benchmark data)",
    "5M incidents (copied-sample shape)",
    "… and its peak memory",
    "Time per incident of every stage",
    "Step 3 at 1M",
    "Report writing at 1M",
    "Validated load of the incidents CSV at 1M",
    "1M incidents, cached re-run",
    "Re-scoring at 1M",
    "One measure re-evaluation in the explorer",
    "All notebooks on the sample",
    "DuckDB and plain-geopandas baselines",
]


def test_every_issue_17_target_is_a_row_met_when_measured_under_it(run):
    results, notebooks = _all_met()
    lines = run.render_targets(results, notebooks, cores=2)
    issue17 = [ln for ln in lines if ln.startswith("| 17 |")]
    for start in ISSUE17:
        assert any(ln.split(" | ")[1].startswith(start) for ln in issue17), start
    for row in issue17:
        if "20M" in row:  # the 20M pipeline is never run: not measured, never "yes"
            assert row.endswith(f"| {NOT_MEASURED} |")
        else:
            assert row.endswith(f"| {MET} |"), row
    assert _verdict(lines, "Step 3 at 1M") == MET  # 15 s ≤ 20 s
    assert (
        _measured(lines, "1M incidents (benchmark data)") == "40.0 s (CPU 40.0 s; peak 2,400 MiB)"
    )
    assert "worst growth 1.00×" in _measured(lines, "Time per incident")
    assert "This run: 2 cores." in "\n".join(lines)


def test_each_issue_17_target_is_missed_over_its_limit(run):
    results, notebooks = _all_met()
    by = {r["size"]: r for r in results}

    def set_(size: str, stage: str, **values) -> None:
        run.targets.get(by[size], stage).update(values)

    set_("1m", "e2e_fresh", seconds=46.0, runs=[46.0], peak_mb=2600.0)
    set_("1m", "e2e_copied", peak_mb=2600.0)
    set_("5m", "e2e_fresh", seconds=181.0, runs=[181.0])
    set_("5m", "e2e_copied", peak_mb=6200.0)
    set_("1m", "step3", seconds=20.5)
    set_("1m", "report", seconds=15.5)
    set_("1m", "load_incidents", seconds=8.2)  # 8.2 s ÷ 4 s DuckDB = 2.05×
    set_("1m", "cached_to_priority", seconds=3.2)
    set_("1m", "rescore_priority", seconds=0.11)
    set_("1m", "explorer_reevaluate", seconds=0.31)
    by["5m"]["rows"] = [r for r in by["5m"]["rows"] if r["stage"] != "duckdb_read_csv"]
    notebooks["total"] = 61.0
    lines = run.render_targets(results, notebooks)
    assert _verdict(lines, "1M incidents (benchmark data)") == MISSED
    peaks = _rows(lines, "… and its peak memory")
    # 1M (both shapes) over 2.5 GiB; 5M: 5.9 GiB ≤ 6, the copied shape's 6.2 GiB over
    assert [p.rsplit("|", 2)[-2].strip() for p in peaks] == [MISSED, MISSED, MET, MISSED]
    assert _verdict(lines, "1M incidents (copied-sample shape)") == MET  # 30 s, its peak missed
    assert _verdict(lines, "5M incidents (benchmark data)") == MISSED
    assert _verdict(lines, "5M incidents (copied-sample shape)") == MET  # 90 s, its peak missed
    # step 3 at 1M grows 20.5 s / 1M against 1.5 s / 100k: 1.37×; still within 1.5×
    assert _verdict(lines, "Time per incident of every stage") == MET
    for start in (
        "Step 3 at 1M",
        "Report writing at 1M",
        "Validated load of the incidents CSV at 1M",
        "1M incidents, cached re-run",
        "Re-scoring at 1M",
        "One measure re-evaluation in the explorer",
        "All notebooks on the sample",
        "DuckDB and plain-geopandas baselines",  # DuckDB left out at 5M
    ):
        assert _verdict(lines, start) == MISSED, start
    assert "5m: gpd" in _measured(lines, "DuckDB and plain-geopandas baselines")
    assert _measured(lines, "Validated load").startswith("2.05× (8.2 s ÷ 4.00 s)")


def test_a_stage_not_run_is_not_measured_never_met(run):
    results, _ = _all_met()
    only_1m = [copy.deepcopy(r) for r in results if r["size"] == "1m"]
    for r in only_1m:  # no end-to-end run, no explorer, no step 3, no report at 1M
        r["rows"] = [
            x
            for x in r["rows"]
            if x["stage"] not in ("e2e_fresh", "explorer_reevaluate", "step3", "report")
        ]
    lines = run.render_targets(only_1m, None)
    for start in (
        "1M incidents (benchmark data)",
        "5M incidents (benchmark data)",  # no 5M run
        "5M incidents (copied-sample shape)",
        "Time per incident of every stage",  # no 100k run
        "Step 3 at 1M",
        "Report writing at 1M",
        "One measure re-evaluation in the explorer",
        "All notebooks on the sample",
        "20M through the DuckDB path",
    ):
        assert _verdict(lines, start) == NOT_MEASURED, start
    assert _measured(lines, "5M incidents (benchmark data)") == "no 5m run"
    assert _measured(lines, "Step 3 at 1M") == "`step3` not run at 1m"
    assert _measured(lines, "Time per incident") == "no 100k run"
    # nothing at all: every issue-17 target but the baselines' is "not measured"
    lines = run.render_targets([], None)
    rows = [ln for ln in lines if ln.startswith("| 17 |")]
    assert len(rows) >= len(ISSUE17) and all(ln.endswith(f"| {NOT_MEASURED} |") for ln in rows)
    assert not any(MET in ln for ln in lines)


def test_a_missing_peak_is_not_measured(run):
    results, notebooks = _all_met()
    e2e = run.targets.get(results[1], "e2e_fresh")
    del e2e["peak_mb"]
    lines = run.render_targets(results, notebooks)
    peaks = _rows(lines, "… and its peak memory")
    assert peaks[0].endswith(f"| peak not recorded | {NOT_MEASURED} |")
    assert _verdict(lines, "1M incidents (benchmark data)") == MET  # its time is still judged
    # issue 14's memory target: peaks of load and step 1, none recorded
    for r in results:
        for row in r["rows"]:
            row.pop("peak_mb", None)
    results[1]["rows"].append({"stage": "csv_to_priority", "seconds": 18.0})
    lines = run.render_targets(results, notebooks)
    assert _verdict(lines, "… with peak memory < 4 GiB") == NOT_MEASURED


def test_growth_is_judged_on_every_stage_and_every_size(run):
    results, notebooks = _all_met()

    def growth_of(res: list[dict]) -> tuple[str, str]:
        lines = run.render_targets(res, notebooks)
        start = "Time per incident of every stage"
        return _verdict(lines, start), _measured(lines, start)

    # a stage present at one size only: the target cannot be met, it is not measured
    partial = copy.deepcopy(results)
    partial[2]["rows"] = [r for r in partial[2]["rows"] if r["stage"] != "step3"]
    verdict, measured = growth_of(partial)
    assert verdict == NOT_MEASURED and "not run at every size: Step 3" in measured
    # ... unless another stage already grows too much: missed
    run.targets.get(partial[1], "step2")["seconds"] *= 1.6
    verdict, measured = growth_of(partial)
    assert verdict == MISSED and "1.60× (Step 2 (measures.run), at 1m)" in measured
    # no 5M run: growth up to 1M within the target is not enough to say "met"
    verdict, measured = growth_of(copy.deepcopy(results[:2]))
    assert verdict == NOT_MEASURED and "no 5m run" in measured
    # ... but a growth over the target at 1M is already a miss
    early = copy.deepcopy(results[:2])
    run.targets.get(early[1], "report")["seconds"] *= 2
    assert growth_of(early)[0] == MISSED
    # the smallest size missing: nothing to compare with
    assert growth_of(copy.deepcopy(results[1:]))[0] == NOT_MEASURED
    # a stage that gets cheaper per incident is not a scaling problem; 1.49× is met
    fine = copy.deepcopy(results)
    run.targets.get(fine[2], "step4")["seconds"] /= 3
    run.targets.get(fine[2], "step1")["seconds"] *= 1.49
    assert growth_of(fine)[0] == MET
    # a stage under 50 ms at every size is noise, not scaling; over 50 ms somewhere it counts
    noisy = copy.deepcopy(results)
    for r, s in zip(noisy, (0.001, 0.04, 0.04), strict=True):
        r["rows"].append({"stage": "step1_knox", "seconds": s})
    assert growth_of(noisy)[0] == MET
    noisy[2]["rows"][-1]["seconds"] = 2.0  # 0.01 µs → 0.4 µs per incident
    verdict, measured = growth_of(noisy)
    assert verdict == MISSED and "Knox, at 5m" in measured
    # the baselines and the fixed-size stages are not ours to scale
    fixed = copy.deepcopy(results)
    run.targets.get(fixed[2], "duckdb_read_csv")["seconds"] *= 3
    fixed[2]["rows"].append({"stage": "explorer_reevaluate", "seconds": 30.0})
    assert growth_of(fixed)[0] == MET


def test_the_20m_target_without_a_province_run_shows_the_cube_but_is_never_met(run):
    results, notebooks = _all_met()
    cube = {
        "runs": [
            {"run": "duckdb-parquet", "seconds": 32.1, "peak_mb": 494, "rows": 20_028_960},
        ],
        "date": "2026-12-02 12:00",
    }
    lines = run.render_targets(results, notebooks, cube=cube)
    assert _verdict(lines, "20M through the DuckDB path") == NOT_MEASURED
    measured = _measured(lines, "20M through the DuckDB path")
    assert "count cube only" in measured and "20,028,960" in measured and "32.1 s" in measured
    assert "province run not measured" in measured
    lines = run.render_targets(results, notebooks)
    assert "not run" in _measured(lines, "20M through the DuckDB path")


@pytest.mark.parametrize(
    ("seconds", "peak", "time_ok", "peak_ok"),
    [(800.0, 4600.0, MET, MET), (950.0, 4600.0, MISSED, MET), (800.0, 9000.0, MET, MISSED)],
)
def test_the_20m_target_is_judged_on_the_province_run(run, seconds, peak, time_ok, peak_ok):
    results, notebooks = _all_met()
    prov = {"seconds": seconds, "peak_mb": peak, "incidents": 20_045_020, "forces": 10}
    lines = run.render_targets(results, notebooks, province=prov)
    assert _verdict(lines, "20M through the DuckDB path") == time_ok
    assert "20,045,020 incidents, 10 forces" in _measured(lines, "20M through the DuckDB path")
    i = next(k for k, ln in enumerate(lines) if "20M through the DuckDB path" in ln)
    assert "peak memory" in lines[i + 1] and lines[i + 1].rstrip(" |").endswith(peak_ok)
    assert f"{peak:,.0f} MiB" in lines[i + 1]


def test_earlier_issues_targets_are_kept_and_labelled(run):
    small = _result(
        "100k",
        100_000,
        {"load_csv": 1.0, "step1": 2.0, "csv_to_priority": 3.0, "read_csv": 0.1},
    )
    small["rows"] += [
        {"stage": "duckdb_read_csv", "seconds": 0.2},
        {"stage": "gpd_read_csv", "seconds": 0.05},
    ]
    large = _result(
        "1m",
        1_000_000,
        {"load_csv": 8.0, "step1": 13.0, "csv_to_priority": 21.0, "read_csv": 0.6},
    )
    large["rows"] += [
        {"stage": "duckdb_read_csv", "seconds": 0.5},
        {"stage": "gpd_read_csv", "seconds": 0.2},
    ]
    notebooks = {"rows": [{"notebook": "00_overview.ipynb", "seconds": 10.0}], "total": 10.0}
    lines = run.render_targets([small, large], notebooks)
    assert _verdict(lines, "1M incidents, CSV → priority table") == MISSED  # 21 s > 20 s
    assert _verdict(lines, "… with peak memory < 4 GiB") == MET  # 2 GiB
    assert _verdict(lines, "Read the incidents CSV, 1m: ≤ 1.5× DuckDB") == MET  # 1.2×
    assert _verdict(lines, "Read the incidents CSV, 1m: ≤ 1.0× plain geopandas") == MISSED
    assert any(ln.startswith("| 14 | Read the incidents CSV, 100k") for ln in lines)
    # the headline is judged on the median of fresh runs when there is one
    large["rows"].append(
        {"stage": "csv_to_priority_fresh", "seconds": 19.0, "runs": [18.5, 19.0, 22.0]}
    )
    lines = run.render_targets([small, large], notebooks)
    assert _verdict(lines, "1M incidents, CSV → priority table") == MET
    assert "median of 18.5, 19.0, 22.0 s; 21.0 s probed" in "\n".join(lines)
    # init on the 1M export (issue 15): the median wall time of its fresh runs
    assert _verdict(lines, "`init` on a 1M-row export") == NOT_MEASURED
    init = {"stage": "init_fresh", "seconds": 31.0, "runs": [29.0, 31.0, 40.0], "cpu": 16.0}
    large["rows"].append(init | {"cpu_runs": [16.0] * 3, "peak_mb": 1250.0})
    lines = run.render_targets([small, large], notebooks)
    assert _verdict(lines, "`init` on a 1M-row export") == MISSED
    assert "median of 29.0, 31.0, 40.0 s; CPU 16.0 s; peak 1,250 MiB" in "\n".join(lines)
    assert any(ln.startswith("| 15 | `init`") for ln in lines)
    large["rows"][-1]["seconds"] = 29.0
    lines = run.render_targets([small, large], notebooks)
    assert _verdict(lines, "`init` on a 1M-row export") == MET
    # the sample's report (issue 16): the median of fresh runs against 20 s
    report = {"stage": "sample_report", "seconds": 21.0, "runs": [13.0, 21.0, 22.0], "cpu": 12.5}
    lines = run.render_targets([small, large], notebooks, report)
    assert _verdict(lines, "`make report` on the sample") == MISSED
    assert "median of 13.0, 21.0, 22.0 s; CPU 12.5 s" in "\n".join(lines)
    lines = run.render_targets([small, large], notebooks, report | {"seconds": 13.0})
    assert _verdict(lines, "`make report` on the sample") == MET
    lines = run.render_targets([small, large], notebooks)
    assert _verdict(lines, "`make report` on the sample") == NOT_MEASURED
    # issue 14's looser growth and notebook targets are replaced by issue 17's
    assert not any("less than 2×" in ln or "< 90 s" in ln for ln in lines)


def test_results_md_renders_every_target_and_the_notes(run):
    results, notebooks = _all_met()
    results[1]["rows"][0]["incidents"] = 1_004_180
    info = {"date": "d", "cpu": "c", "cores": 2, "ram_gb": 8.0, "python": "3.11", "os": "linux"}
    md = run.render(results, info | {"packages": {}}, "NOTES", every={"notebooks": notebooks})
    assert "## Targets / Cibles" in md and md.rstrip().endswith("NOTES")
    assert "`00_overview.ipynb` | 50.0" in md
    assert "1m (1,004,180 incidents)" in md
    assert "| Load → steps 1–4 → report, fresh process (CLI, no notebooks) |" in md
    # a size whose load was skipped still renders (its count from the result)
    no_load = copy.deepcopy(results)
    no_load[0]["rows"] = [r for r in no_load[0]["rows"] if r["stage"] != "load_csv"]
    assert "100k (100,000 incidents)" in run.render(no_load, info | {"packages": {}}, "")


def test_the_copied_sample_keeps_every_incident_in_its_sector():
    import geopandas as gpd
    import pandas as pd
    import shapely

    copied = _module("copied_sample")
    sample = ROOT / "data" / "sample"
    inc = pd.read_csv(sample / "incidents.csv", dtype=str, keep_default_na=False)
    sectors = gpd.read_file(sample / "sectors.geojson")
    n = 2 * len(inc) + 100
    out = copied.copied_rows(inc, sectors, n, seed=3)
    assert len(out) == n and out["incident_id"].is_unique
    first, second = out.iloc[: len(inc)], out.iloc[len(inc) : 2 * len(inc)].reset_index(drop=True)
    pd.testing.assert_frame_equal(first, inc)  # the first copy is the sample itself
    same = ["occurred_from", "occurred_to", "category", "shift", "sector", "precision"]
    pd.testing.assert_frame_equal(second[same], inc[same])
    x0, x1 = pd.to_numeric(inc["x"], errors="coerce"), pd.to_numeric(second["x"], errors="coerce")
    y0, y1 = pd.to_numeric(inc["y"], errors="coerce"), pd.to_numeric(second["y"], errors="coerce")
    assert (x0.isna() == x1.isna()).all()  # unlocated rows stay unlocated
    moved = (x1 != x0) & x0.notna()
    assert moved.mean() > 0.5  # most points moved ...
    assert ((x1 - x0)[moved].abs() < 400).all()  # ... by a jitter, not elsewhere
    # ... and none left the sector polygon it was in
    for geom in sectors.geometry:
        was = x0.notna() & shapely.contains_xy(geom, x0.fillna(0), y0.fillna(0))
        assert shapely.contains_xy(geom, x1[was], y1[was]).all()


def test_a_first_run_config_has_an_empty_cache_of_its_own(run, tmp_path):
    """The end-to-end runs time a user's first run: the cache on, written into a new folder."""
    sample = ROOT / "data" / "sample"
    config = tmp_path / "diagnostic.toml"
    config.write_text((sample / "diagnostic.toml").read_text(encoding="utf-8"), encoding="utf-8")
    cache = tmp_path / 'it\'s a "cache"'  # quoted in TOML, not broken by the quote
    copy = run.first_run_config(config, cache)
    assert copy.parent == config.parent and copy != config
    from diagnostic_lib.config import load_config
    from diagnostic_lib.loaders.cache import cache_folder

    cfg = load_config(copy)
    assert cfg.cache_enabled  # on, whatever the environment of the tests says
    assert cache_folder(cfg, cache=True) == cache
    config.write_text(config.read_text(encoding="utf-8") + "\n[cache]\nenabled = false\n")
    with pytest.raises(ValueError, match=r"\[cache\]"):
        run.first_run_config(config, cache)
