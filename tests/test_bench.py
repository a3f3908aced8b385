"""The benchmark's report: targets are judged from the measurements, missed ones stay visible."""

from __future__ import annotations

import importlib.util
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]


def _run_module():
    spec = importlib.util.spec_from_file_location("bench_run", ROOT / "benchmarks" / "run.py")
    mod = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(mod)
    return mod


def _result(size: str, n: int, seconds: dict[str, float]) -> dict:
    rows = [
        {"stage": "load_csv", "seconds": seconds.pop("load_csv"), "peak_mb": 1500.0, "incidents": n}
    ]
    rows += [{"stage": k, "seconds": v, "peak_mb": 2000.0} for k, v in seconds.items()]
    return {"size": size, "incidents": n, "rows": rows}


def test_targets_are_judged_from_the_measurements():
    run = _run_module()
    small = _result(
        "100k",
        100_000,
        {
            "load_csv": 1.0,
            "step1": 2.0,
            "csv_to_priority": 3.0,
            "rescore_priority": 0.02,
            "read_csv": 0.1,
            "duckdb_read_csv": 0.2,
            "gpd_read_csv": 0.05,
            "step2_coverage": 0.3,
        },
    )
    large = _result(
        "1m",
        1_000_000,
        {
            "load_csv": 8.0,
            "step1": 13.0,
            "csv_to_priority": 21.0,
            "rescore_priority": 0.03,
            "read_csv": 0.6,
            "duckdb_read_csv": 0.5,
            "gpd_read_csv": 0.2,
            "step2_coverage": 9.0,
        },
    )
    notebooks = {"rows": [{"notebook": "00_overview.ipynb", "seconds": 10.0}], "total": 10.0}
    lines = run.render_targets([small, large], notebooks)
    text = "\n".join(lines)

    def verdict(start: str) -> str:
        row = next(ln for ln in lines if ln.startswith(f"| {start}"))
        return row.rsplit("|", 2)[-2].strip()

    assert verdict("1M incidents, CSV → priority table") == "**no / non**"  # 21 s > 20 s
    assert verdict("… with peak memory") == "yes / oui"  # 2 GB < 4 GB
    assert verdict("Re-scoring at 1M") == "yes / oui"  # 30 ms
    # coverage: 3 µs → 9 µs per incident, 3× growth
    assert verdict("Time per incident grows") == "**no / non**"
    assert "coverage" in text
    assert verdict("Read the incidents CSV, 1m: ≤ 1.5× DuckDB") == "yes / oui"  # 1.2×
    assert verdict("Read the incidents CSV, 1m: ≤ 1.0× plain geopandas") == "**no / non**"
    assert verdict("All notebooks on the sample") == "yes / oui"
    # the headline target is judged on the median of fresh runs when there is one
    large["rows"].append(
        {"stage": "csv_to_priority_fresh", "seconds": 19.0, "runs": [18.5, 19.0, 22.0]}
    )
    lines = run.render_targets([small, large], notebooks)
    assert verdict("1M incidents, CSV → priority table") == "yes / oui"
    assert "median of 18.5, 19.0, 22.0 s; 21.0 s probed" in "\n".join(lines)
    # init on the 1M export: judged on the median wall time of its fresh runs
    init = {"stage": "init_fresh", "seconds": 31.0, "runs": [29.0, 31.0, 40.0], "cpu": 16.0}
    large["rows"].append(init | {"cpu_runs": [16.0] * 3, "peak_mb": 1250.0})
    lines = run.render_targets([small, large], notebooks)
    assert verdict("`init` on a 1M-row export") == "**no / non**"
    assert "median of 29.0, 31.0, 40.0 s; CPU 16.0 s; peak 1,250 MB" in "\n".join(lines)
    large["rows"][-1]["seconds"] = 29.0
    lines = run.render_targets([small, large], notebooks)
    assert verdict("`init` on a 1M-row export") == "yes / oui"
    # the sample's report (issue 16): the median of fresh runs against 20 s
    report = {"stage": "sample_report", "seconds": 21.0, "runs": [13.0, 21.0, 22.0], "cpu": 12.5}
    lines = run.render_targets([small, large], notebooks, report)
    assert verdict("`make report` on the sample") == "**no / non**"
    assert "median of 13.0, 21.0, 22.0 s; CPU 12.5 s" in "\n".join(lines)
    lines = run.render_targets([small, large], notebooks, report | {"seconds": 13.0})
    assert verdict("`make report` on the sample") == "yes / oui"
    assert not any("make report" in ln for ln in run.render_targets([small, large], notebooks))
    md = run.render(
        [small, large],
        {
            "date": "d",
            "cpu": "c",
            "cores": 2,
            "ram_gb": 8.0,
            "python": "3.11",
            "os": "linux",
            "packages": {},
        },
        "NOTES",
        every={"notebooks": notebooks},
    )
    assert "## Targets / Cibles" in md and md.rstrip().endswith("NOTES")
    assert "`00_overview.ipynb` | 10.0" in md
