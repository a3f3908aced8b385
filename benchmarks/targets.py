"""The benchmark issues' targets, judged from the measurements (RESULTS.md's targets table).

Every target gets one line: what was measured and a verdict — met, missed, or *not
measured* when the stage it needs was not run (a size left out, a stage skipped, a peak
not recorded). A target is never "met" without a measure.

``results`` is the list of per-size results of ``benchmarks/run.py`` (``{"size", "incidents",
"rows": [{"stage", "seconds", "peak_mb", …}]}``), smallest size first.
"""

from __future__ import annotations

MET = "yes / oui"
MISSED = "**no / non**"
NOT_MEASURED = "not measured / non mesuré"

# issue 17 (2 cores, DuckDB and plain-geopandas baselines in the same run)
E2E = {  # size: (seconds, peak MiB) of load → steps 1-4 → report, no notebooks
    "1m": (45.0, 2.5 * 1024),
    "5m": (180.0, 6.0 * 1024),
}
E2E_20M = (15 * 60.0, 8.0 * 1024)  # through the DuckDB path
GROWTH = 1.5  # time per incident of every stage, 100k -> 5M
GROWTH_FROM, GROWTH_TO = "100k", "5m"
GROWTH_MIN_S = 0.05  # a stage under 50 ms at every size is noise, not scaling
STEP3_S = 20.0  # 1M, placebo inference included
REPORT_S = 15.0  # report writing at 1M
LOAD_VS_DUCKDB = 2.0  # validated load at 1M / DuckDB's typed read of the same CSV
CACHED_S = 3.0  # 1M, warm cache -> priority table
RESCORE_S = 0.100
EXPLORER_S = 0.300  # one measure re-evaluation in the explorer at 1M
NOTEBOOKS_S = 60.0
# issue 14 (kept where still meaningful), 15 and 16
CSV_PRIORITY_S = 20.0
CSV_PRIORITY_MB = 4096.0
TARGET_DUCKDB = 1.5
TARGET_GPD = 1.0
INIT_S = 30.0
SAMPLE_REPORT_S = 20.0

STAGES = [
    ("e2e_fresh", "Load → steps 1–4 → report, fresh process (CLI, no notebooks)"),
    ("e2e_copied", "… the same on the copied-sample shape (exactly 1,000,000 or 5,000,000 rows)"),
    ("load_csv", "Load from CSV (all tables)"),
    ("load_incidents", "· incidents: read, validate, join, ledger"),
    ("read_csv", "· read the incidents CSV"),
    ("sector_join", "· sector join"),
    ("validate_ledger", "· validation and ledger"),
    ("load_parquet", "Load from Parquet (all tables)"),
    ("read_parquet", "· read the incidents Parquet"),
    ("step1", "Step 1 (inventory.run)"),
    ("step1_tables", "· tables (rates, rhythms, change, concentration…)"),
    ("step1_hotspots", "· hot spots (Gi*)"),
    ("step1_knox", "· Knox"),
    ("step1_problems", "· problems"),
    ("step1_priority", "· priority"),
    ("csv_to_priority", "CSV → priority table"),
    ("csv_to_priority_fresh", "CSV → priority table, median of fresh runs (no probes)"),
    ("init_fresh", "`init --grid-m 500` (CLI, validate included), median of fresh runs"),
    ("cache_first_load", "Load from CSV, writing the cache (fresh process)"),
    ("cached_load", "Load from the warm cache (fresh process, median)"),
    ("cached_to_priority", "Warm cache → priority table (fresh process, median)"),
    ("rescore_priority", "Re-scoring (priority, median of 20)"),
    ("aggregate", "Aggregate by cell, sector, category, month"),
    ("step2", "Step 2 (measures.run)"),
    ("step2_coverage", "· coverage"),
    ("step2_before_after", "· before/after counts"),
    ("step3", "Step 3 (evaluation.run)"),
    ("step4", "Step 4 (strategy.run)"),
    ("report", "Report (report.write_report)"),
    ("explorer_reevaluate", "Explorer: one measure re-evaluated (median)"),
]
# not a time per incident of the data: a fixed-size computation, a repeat or another shape
NOT_PER_INCIDENT = {
    "rescore_priority",
    "csv_to_priority_fresh",
    "init_fresh",
    "cache_first_load",
    "cached_load",
    "cached_to_priority",
    "explorer_reevaluate",
    "e2e_copied",
}
COMPARED = [
    (
        "load_incidents",
        "duckdb_read_csv",
        "gpd_read_join",
        "Load the incidents CSV, validated (geopandas: read + sjoin)",
    ),
    ("read_csv", "duckdb_read_csv", "gpd_read_csv", "Read the incidents CSV"),
    ("read_csv", None, "gpd_read_csv_text", "Read the incidents CSV, all fields as text"),
    ("read_parquet", "duckdb_read_parquet", "gpd_read_parquet", "Read the incidents Parquet"),
    ("sector_join", None, "gpd_sector_join", "Sector join (point in polygon)"),
    (
        "aggregate",
        "duckdb_aggregate",
        "gpd_aggregate",
        "Aggregate by cell, sector, category, month",
    ),
]


def get(res: dict | None, stage: str) -> dict | None:
    """The row of ``stage`` in one size's result (``None`` when it was not run).

    Examples
    --------
    >>> res = {"rows": [{"stage": "gpd_read_csv", "seconds": 1.0},
    ...                 {"stage": "gpd_sector_join", "seconds": 2.0}]}
    >>> get(res, "gpd_read_join")["seconds"], get(res, "step1"), get(None, "step1")
    (3.0, None, None)
    """
    if res is None:
        return None
    if stage == "gpd_read_join":  # the plain way's read and sector join, as our validated load
        a, b = get(res, "gpd_read_csv"), get(res, "gpd_sector_join")
        return {"stage": stage, "seconds": a["seconds"] + b["seconds"]} if a and b else None
    return next((r for r in res.get("rows", []) if r["stage"] == stage), None)


def incidents(res: dict) -> int | None:
    """The incidents of one size's result (its load's count, else the result's)."""
    load = get(res, "load_csv")
    return (load or {}).get("incidents") or res.get("incidents")


def _verdict(ok: bool | None) -> str:
    return NOT_MEASURED if ok is None else (MET if ok else MISSED)


def _fresh_text(row: dict) -> str:
    """Seconds of fresh processes: the median, each run, CPU and peak when recorded."""
    txt = f"{row['seconds']:.1f} s"
    runs = row.get("runs") or []
    extra = [f"median of {', '.join(f'{r:.1f}' for r in runs)} s"] if len(runs) > 1 else []
    if row.get("cpu") is not None:
        extra.append(f"CPU {row['cpu']:.1f} s")
    if row.get("peak_mb"):
        extra.append(f"peak {row['peak_mb']:,.0f} MiB")
    return txt + (f" ({'; '.join(extra)})" if extra else "")


def _absent(by: dict, size: str, stage: str) -> str:
    return f"no {size} run" if size not in by else f"`{stage}` not run at {size}"


def _timed(by: dict, size: str, stage: str, label: str, limit: float) -> tuple:
    """One stage's seconds at one size against ``limit`` (``≤``)."""
    row = get(by.get(size), stage)
    if row is None:
        return (label, _absent(by, size, stage), None)
    secs = row["seconds"]
    measured = f"{secs * 1000:.0f} ms" if limit < 1 else f"{secs:.1f} s"
    return (label, measured, secs <= limit)


def _e2e(by: dict, size: str, stage: str, what: str, limits: tuple[float, float]) -> list:
    """A fresh end-to-end run: its seconds and its peak memory, each against its target."""
    max_s, max_mb = limits
    row = get(by.get(size), stage)
    t_label = f"{what}: load → steps 1–4 → report (no notebooks) ≤ {max_s:.0f} s"
    m_label = f"… and its peak memory ≤ {max_mb / 1024:g} GiB"
    if row is None:
        return [(t_label, _absent(by, size, stage), None), (m_label, "not run", None)]
    peak = row.get("peak_mb")
    return [
        (t_label, _fresh_text(row), row["seconds"] <= max_s),
        (
            m_label,
            f"{peak:,.0f} MiB" if peak else "peak not recorded",
            None if not peak else peak <= max_mb,
        ),
    ]


def _growth_stages(results: list[dict]) -> list[str]:
    """Our per-incident stages present in any result (baselines and repeats left out)."""
    keys = [k for k, _ in STAGES]
    seen = {r["stage"] for res in results for r in res.get("rows", [])}
    extra = sorted(s for s in seen - set(keys) if not s.startswith(("duckdb_", "gpd_")))
    return [k for k in keys + extra if k in seen and k not in NOT_PER_INCIDENT]


def growth(results: list[dict]) -> tuple:
    """Time per incident of every stage, from ``GROWTH_FROM`` to each larger size.

    Missed as soon as one stage grows more than ``GROWTH`` at any measured size; met only
    when every stage was measured at ``GROWTH_FROM`` and at ``GROWTH_TO``; otherwise not
    measured (a size or a stage missing), with the growth seen so far.
    """
    label = f"Time per incident of every stage grows ≤ {GROWTH:g}× ({GROWTH_FROM} → {GROWTH_TO})"
    by = {r["size"]: r for r in results}
    if GROWTH_FROM not in by:
        return (label, f"no {GROWTH_FROM} run", None)
    larger = [r for r in results if r["size"] != GROWTH_FROM and incidents(r)]
    if not larger:
        return (label, f"only {GROWTH_FROM} was run", None)
    names = dict(STAGES)
    worst, worst_at, missing = 0.0, "", []
    for key in _growth_stages(results):
        rows = {r["size"]: get(r, key) for r in results}
        if all(row is None or row["seconds"] < GROWTH_MIN_S for row in rows.values()):
            continue
        base = rows.get(GROWTH_FROM)
        if base is None or any(rows.get(r["size"]) is None for r in larger):
            missing.append(names.get(key, key).lstrip("· "))
            continue
        per0 = base["seconds"] / incidents(by[GROWTH_FROM])
        for r in larger:
            g = rows[r["size"]]["seconds"] / incidents(r) / max(per0, 1e-12)
            if g > worst:
                worst, worst_at = g, f"{names.get(key, key).lstrip('· ')}, at {r['size']}"
    measured = f"worst growth {worst:.2f}× ({worst_at})" if worst_at else "no stage compared"
    if missing:
        measured += "; not run at every size: " + ", ".join(missing)
    if worst > GROWTH:
        return (label, measured, False)
    if GROWTH_TO not in by:
        return (label, measured + f"; no {GROWTH_TO} run", None)
    return (label, measured, None if missing else True)


def _load_vs_duckdb(by: dict) -> tuple:
    label = f"Validated load of the incidents CSV at 1M ≤ {LOAD_VS_DUCKDB:g}× DuckDB's typed read"
    res = by.get("1m")
    ours, duck = get(res, "load_incidents"), get(res, "duckdb_read_csv")
    if ours is None or duck is None:
        what = "load_incidents" if ours is None else "duckdb_read_csv"
        return (label, _absent(by, "1m", what), None)
    ratio = ours["seconds"] / duck["seconds"]
    measured = f"{ratio:.2f}× ({ours['seconds']:.1f} s ÷ {duck['seconds']:.2f} s)"
    return (label, measured, ratio <= LOAD_VS_DUCKDB)


def _baselines(results: list[dict]) -> tuple:
    label = "DuckDB and plain-geopandas baselines in the same run, at every size"
    if not results:
        return (label, "no size run", None)
    have = {
        r["size"]: [b for b in ("duckdb_read_csv", "gpd_read_csv") if get(r, b)] for r in results
    }
    measured = "; ".join(
        f"{s}: " + (" and ".join(b.split("_")[0] for b in bs) if bs else "none")
        for s, bs in have.items()
    )
    return (label, measured, all(len(bs) == 2 for bs in have.values()))


def _cube_20m(cube: dict | None, province: dict | None = None) -> list:
    """The 20M target: the province run (every force's diagnosis, the cube by DuckDB), if run.

    Without a province run, the count cube's own measure (``cube_bench.py``) is said, and the
    target is not measured.
    """
    max_s, max_mb = E2E_20M
    label = (
        f"20M through the DuckDB path: load → steps 1–4 → report ≤ {max_s / 60:.0f} min, "
        f"peak ≤ {max_mb / 1024:g} GiB"
    )
    if province:
        what = (
            f"{province['incidents']:,} incidents, {province['forces']} forces: each force's "
            "load → steps 1–4 → report, then the province's cube by DuckDB and its page "
            "(`python -m diagnostic_lib province`, fresh process, the loaders' cache written)"
        )
        peak = province.get("peak_mb")
        return [
            (label, f"{_fresh_text(province)}; {what}", province["seconds"] <= max_s),
            (
                f"… and its peak memory ≤ {max_mb / 1024:g} GiB",
                f"{peak:,.0f} MiB" if peak else "peak not recorded",
                None if not peak else peak <= max_mb,
            ),
        ]
    duck = next((r for r in (cube or {}).get("runs", []) if r.get("run") == "duckdb-parquet"), None)
    if duck is None:
        measured = (
            "not run: `python benchmarks/run.py --province-20m` (docs/scale.md, *A province*)"
        )
    else:
        measured = (
            f"the count cube only (DuckDB from Parquet, {duck['rows']:,} incidents): "
            f"{duck['seconds']:.1f} s, peak {duck['peak_mb']:,.0f} MiB; "
            "the province run not measured (`python benchmarks/run.py --province-20m`)"
        )
        if cube.get("date"):
            measured += f" (`cube_bench.py`, {cube['date']})"
    return [(label, measured, None)]


def _step3(by: dict) -> tuple:
    t = _timed(
        by, "1m", "step3", f"Step 3 at 1M, placebo inference included, ≤ {STEP3_S:.0f} s", STEP3_S
    )
    row = get(by.get("1m"), "step3")
    if row and row.get("measures"):
        t = (t[0], f"{t[1]} ({row['measures']:,} measures)", t[2])
    return t


def _explorer(by: dict) -> tuple:
    label = f"One measure re-evaluation in the explorer at 1M ≤ {EXPLORER_S * 1000:.0f} ms"
    row = get(by.get("1m"), "explorer_reevaluate")
    if row is None:
        return (label, _absent(by, "1m", "explorer_reevaluate"), None)
    runs = row.get("runs") or [row["seconds"]]
    measured = f"{row['seconds'] * 1000:.0f} ms (median of {len(runs)} changes, slowest {max(runs) * 1000:.0f} ms)"
    return (label, measured, row["seconds"] <= EXPLORER_S)


def _cached(by: dict) -> tuple:
    label = f"1M incidents, cached re-run → priority table ≤ {CACHED_S:.0f} s"
    warm = get(by.get("1m"), "cached_to_priority")
    if warm is None:
        return (label, _absent(by, "1m", "cached_to_priority"), None)
    inner = warm.get("inner") or []
    parts = ", ".join(f"load {r['load']:.1f} + step 1 {r['step1']:.1f}" for r in inner)
    peak = f"; peak {warm['peak_mb']:,.0f} MiB" if warm.get("peak_mb") else ""
    measured = f"{warm['seconds']:.1f} s" + (f" ({parts} s{peak})" if parts else peak)
    return (label, measured, warm["seconds"] <= CACHED_S)


def issue17(
    results: list[dict],
    notebooks: dict | None,
    cube: dict | None = None,
    province: dict | None = None,
) -> list:
    """The targets of issue 17, in its order: ``(target, measured, met)`` with met in {True, False, None}."""
    by = {r["size"]: r for r in results}
    rows = _e2e(by, "1m", "e2e_fresh", "1M incidents (benchmark data)", E2E["1m"])
    rows += _e2e(by, "1m", "e2e_copied", "1M incidents (copied-sample shape)", E2E["1m"])
    rows += _e2e(by, "5m", "e2e_fresh", "5M incidents (benchmark data)", E2E["5m"])
    rows += _e2e(by, "5m", "e2e_copied", "5M incidents (copied-sample shape)", E2E["5m"])
    rows += _cube_20m(cube, province)
    rows.append(growth(results))
    rows.append(_step3(by))
    rows.append(_timed(by, "1m", "report", f"Report writing at 1M ≤ {REPORT_S:.0f} s", REPORT_S))
    rows.append(_load_vs_duckdb(by))
    rows.append(_cached(by))
    rows.append(
        _timed(
            by, "1m", "rescore_priority", f"Re-scoring at 1M ≤ {RESCORE_S * 1000:.0f} ms", RESCORE_S
        )
    )
    rows.append(_explorer(by))
    label = f"All notebooks on the sample ≤ {NOTEBOOKS_S:.0f} s in total"
    if notebooks:
        rows.append((label, f"{notebooks['total']:.1f} s", notebooks["total"] <= NOTEBOOKS_S))
    else:
        rows.append((label, "not run (`--no-notebooks`)", None))
    rows.append(_baselines(results))
    return rows


def _csv_to_priority(by: dict) -> list:
    """Issue 14's headline: CSV → priority table at 1M, on the median of fresh runs if any."""
    label = f"1M incidents, CSV → priority table < {CSV_PRIORITY_S:.0f} s"
    m_label = f"… with peak memory < {CSV_PRIORITY_MB / 1024:.0f} GiB"
    res = by.get("1m")
    e2e = get(res, "csv_to_priority")
    if e2e is None:
        return [(label, _absent(by, "1m", "csv_to_priority"), None), (m_label, "not run", None)]
    peaks = [r["peak_mb"] for k in ("load_csv", "step1") if (r := get(res, k)) and r.get("peak_mb")]
    peak = max(peaks) if peaks else None
    fresh = get(res, "csv_to_priority_fresh")
    if fresh:  # the median of fresh processes, without the probes and the memory sampler
        runs = ", ".join(f"{r:.1f}" for r in fresh["runs"])
        measured = f"{fresh['seconds']:.1f} s (median of {runs} s; {e2e['seconds']:.1f} s probed)"
        e2e = fresh
    else:
        measured = f"{e2e['seconds']:.1f} s"
    return [
        (label, measured, e2e["seconds"] < CSV_PRIORITY_S),
        (
            m_label,
            f"{peak:,.0f} MiB" if peak else "peak not recorded",
            None if peak is None else peak < CSV_PRIORITY_MB,
        ),
    ]


def _ratios(results: list[dict]) -> list:
    """Issue 14's per-stage ratios to the baselines, at every size where both ran."""
    rows = []
    for ours, duck, gpd_, label in COMPARED:
        for r in results:
            o = get(r, ours)
            if o is None:
                continue
            for base, target, name in (
                (duck, TARGET_DUCKDB, "DuckDB"),
                (gpd_, TARGET_GPD, "plain geopandas"),
            ):
                if base and (b := get(r, base)) and b["seconds"] > 0:
                    ratio = o["seconds"] / b["seconds"]
                    rows.append(
                        (
                            f"{label}, {r['size']}: ≤ {target}× {name}",
                            f"{ratio:.2f}×",
                            ratio <= target,
                        )
                    )
    return rows


def earlier(results: list[dict], report: dict | None = None) -> list:
    """Issues 14, 15 and 16's targets still meaningful: ``(issue, target, measured, met)``."""
    by = {r["size"]: r for r in results}
    rows = [(14, *t) for t in _csv_to_priority(by)]
    rows += [(14, *t) for t in _ratios(results)]
    init = get(by.get("1m"), "init_fresh")
    label = f"`init` on a 1M-row export (validate included) < {INIT_S:.0f} s"
    if init is None:
        rows.append((15, label, _absent(by, "1m", "init_fresh"), None))
    else:
        rows.append((15, label, _fresh_text(init), init["seconds"] < INIT_S))
    label = f"`make report` on the sample, without notebooks, < {SAMPLE_REPORT_S:.0f} s"
    if report is None:
        rows.append((16, label, "not run", None))
    else:
        rows.append((16, label, _fresh_text(report), report["seconds"] < SAMPLE_REPORT_S))
    return rows


def render_targets(
    results: list[dict],
    notebooks: dict | None,
    report: dict | None = None,
    cube: dict | None = None,
    cores: int | None = None,
    province: dict | None = None,
) -> list[str]:
    """The targets table: one line per target, issue 17's first, then the earlier issues'."""
    out = ["## Targets / Cibles", ""]
    on = f" This run: {cores} cores." if cores else ""
    out.append(
        f"Issue 17's targets are for 2 cores, with the baselines in the same run.{on} "
        f"“{NOT_MEASURED}” means the stage was not run (a size or a stage left out, a peak "
        "not recorded): never counted as met. *Les cibles non mesurées ne comptent jamais "
        "comme atteintes.*"
    )
    out.append("")
    out.append("| Issue | Target | Measured | Met? |")
    out.append("|---|---|---|---|")
    rows = [(17, *t) for t in issue17(results, notebooks, cube, province)]
    rows += earlier(results, report)
    for issue, target, measured, ok in rows:
        out.append(f"| {issue} | {target} | {measured} | {_verdict(ok)} |")
    out.append("")
    return out
