"""Speed and scale of the whole pipeline, measured side by side with two baselines.

``make bench`` (or ``python benchmarks/run.py``) generates the scaled sample
municipality (cached in ``benchmarks/data/``), runs every stage of the pipeline
on each size in a fresh process, runs DuckDB and the plain geopandas way on the
same files in the same process, and writes ``benchmarks/RESULTS.md`` (and the
raw numbers in ``benchmarks/data/results.json``). See ``benchmarks/README.md``.

Usage::

    python benchmarks/run.py                      # 100k and 1M (the 5M size on demand)
    python benchmarks/run.py --sizes 100k,1m,5m   # everything (the 5M size takes a while)
    python benchmarks/run.py --sizes 100k --no-write   # a quick look, RESULTS.md untouched
"""

from __future__ import annotations

import argparse
import contextlib
import datetime as dt
import json
import os
import platform
import shutil
import statistics
import subprocess
import sys
import tempfile
import threading
import time
import warnings
from pathlib import Path

HERE = Path(__file__).resolve().parent
DATA = HERE / "data"
RESULTS_MD = HERE / "RESULTS.md"
RESULTS_JSON = DATA / "results.json"

# size label -> copies of the sample town (about 15,900 incidents each)
SIZES = {"100k": 7, "1m": 63, "5m": 316}
DEFAULT_SIZES = ("100k", "1m")
RESCORE_REPEATS = 20
E2E_REPEATS = 3  # fresh processes for the CSV -> priority time (median reported)
# the targets of the benchmark issue (2-core machine)
TARGET_E2E_S = 20.0  # 1M incidents, CSV -> priority table
TARGET_E2E_MB = 4096.0
TARGET_FLAT = 2.0  # time per incident, largest size / smallest size
TARGET_RESCORE_S = 0.100
TARGET_DUCKDB = 1.5
TARGET_GPD = 1.0
TARGET_NOTEBOOKS_S = 90.0
TARGET_INIT_S = 30.0  # `python -m diagnostic_lib init` on a 1M-row export (issue 15)
TARGET_REPORT_S = 20.0  # `make report` on the sample, without notebooks (issue 16)
TARGET_CACHED_S = 3.0  # 1M incidents, warm cache -> priority table (issue 17)
INIT_GRID_M = 500


# ----------------------------------------------------------------------------
# Data
# ----------------------------------------------------------------------------
def prepare(size: str) -> Path:
    """The sample at ``size`` (CSV and Parquet incidents, both configs), generated once."""
    from diagnostic_lib import sample

    scale = SIZES[size]
    out = DATA / size
    stamp = out / "bench.stamp"
    want = f"scale={scale} generator={sample.GENERATOR_VERSION} seed={sample.DEFAULT_SEED}"
    if stamp.is_file() and stamp.read_text() == want:
        return out
    print(f"[bench] generating the {size} sample (scale {scale}) in {out} …", flush=True)
    sample.generate(out, scale=scale)
    _write_parquet(out)
    stamp.write_text(want)
    return out


def _write_parquet(out: Path) -> None:
    """``incidents.parquet`` (typed columns) and ``diagnostic_parquet.toml`` next to the CSV."""
    import pyarrow as pa
    import pyarrow.csv as pcsv
    import pyarrow.parquet as pq

    names = (out / "incidents.csv").read_text(encoding="utf-8").split("\n", 1)[0].split(",")
    text = {n: pa.string() for n in names if n not in ("occurred_from", "occurred_to", "x", "y")}
    table = pcsv.read_csv(
        out / "incidents.csv",
        convert_options=pcsv.ConvertOptions(
            column_types={
                **text,
                "occurred_from": pa.timestamp("us"),
                "occurred_to": pa.timestamp("us"),
                "x": pa.float64(),
                "y": pa.float64(),
            },
            timestamp_parsers=["%Y-%m-%d %H:%M", "%Y-%m-%d %H:%M:%S", "%Y-%m-%d"],
            strings_can_be_null=False,
        ),
    )
    pq.write_table(table, out / "incidents.parquet")
    cfg = (out / "diagnostic.toml").read_text(encoding="utf-8")
    cfg = cfg.replace('path = "incidents.csv"', 'path = "incidents.parquet"')
    (out / "diagnostic_parquet.toml").write_text(cfg, encoding="utf-8")


# ----------------------------------------------------------------------------
# Measuring
# ----------------------------------------------------------------------------
class Meter:
    """Wall time, CPU time and peak resident memory of each stage.

    Memory is the resident set size (RSS) of this process, sampled every 10 ms
    by a thread (``psutil``, else ``/proc/self/statm``); a stage's peak is the
    largest sample while it runs, so it includes what earlier stages still hold.
    Each size runs in a fresh process.
    """

    def __init__(self) -> None:
        self.rows: list[dict] = []
        self._peak = 0
        self._stop = False
        try:
            import psutil

            proc = psutil.Process()
            self._rss = lambda: proc.memory_info().rss
        except ImportError:  # pragma: no cover
            page = os.sysconf("SC_PAGE_SIZE")

            def rss() -> int:
                with open("/proc/self/statm") as fh:
                    return int(fh.read().split()[1]) * page

            self._rss = rss
        self._thread = threading.Thread(target=self._sample, daemon=True)
        self._thread.start()

    def _sample(self) -> None:
        while not self._stop:
            self._peak = max(self._peak, self._rss())
            time.sleep(0.01)

    @contextlib.contextmanager
    def stage(self, name: str, **extra):
        self._peak = self._rss()
        w0, c0 = time.perf_counter(), time.process_time()
        rec = {"stage": name, **extra}
        yield rec
        rec["seconds"] = time.perf_counter() - w0
        rec["cpu_seconds"] = time.process_time() - c0
        rec["peak_mb"] = max(self._peak, self._rss()) / 2**20
        self.rows.append(rec)
        print(
            f"[bench]   {name:<24} {rec['seconds']:8.2f} s  cpu {rec['cpu_seconds']:8.2f} s  "
            f"peak {rec['peak_mb']:8.0f} MB",
            flush=True,
        )

    def add(self, name: str, seconds: float, cpu: float | None = None, **extra) -> None:
        """A part of a stage timed from inside (its peak is the enclosing stage's)."""
        self.rows.append({"stage": name, "seconds": seconds, "cpu_seconds": cpu, **extra})
        print(f"[bench]     {name:<22} {seconds:8.2f} s", flush=True)

    def close(self) -> None:
        self._stop = True


class Probe:
    """Time calls of library functions during a stage (outermost calls only).

    ``probe.wrap(module, "name")`` replaces ``module.name`` by a timed wrapper;
    a call made while another probed call runs is not counted again (e.g. the
    hot spots computed inside ``find_problems`` belong to ``find_problems``),
    unless ``nested`` (the parts of a load: its read and its sector join).
    """

    def __init__(self, nested: bool = False) -> None:
        self.wall: dict[str, float] = {}
        self.cpu: dict[str, float] = {}
        self.nested = nested  # count calls made inside other probed calls too
        self._depth = 0
        self._undo: list[tuple] = []

    def wrap(self, module, name: str, label: str | None = None, only=None) -> None:
        label = label or name
        fn = getattr(module, name)
        probe = self

        def timed(*args, **kwargs):
            if (probe._depth and not probe.nested) or (
                only is not None and not only(*args, **kwargs)
            ):
                return fn(*args, **kwargs)
            probe._depth += 1
            w0, c0 = time.perf_counter(), time.process_time()
            try:
                return fn(*args, **kwargs)
            finally:
                probe._depth -= 1
                probe.wall[label] = probe.wall.get(label, 0.0) + time.perf_counter() - w0
                probe.cpu[label] = probe.cpu.get(label, 0.0) + time.process_time() - c0

        setattr(module, name, timed)
        self._undo.append((module, name, fn))

    def restore(self) -> None:
        for module, name, fn in reversed(self._undo):
            setattr(module, name, fn)
        self._undo.clear()


# ----------------------------------------------------------------------------
# One size, in its own process
# ----------------------------------------------------------------------------
def worker(size: str, skip: set[str]) -> dict:
    import matplotlib

    matplotlib.use("Agg")
    warnings.simplefilter("ignore")
    import numpy as np
    import pandas as pd
    import shapely

    from diagnostic_lib import evaluation, inventory, loaders, measures, report, strategy

    folder = DATA / size
    # the files in the page cache first, so that whichever side reads first is not penalised
    for f in ("incidents.csv", "incidents.parquet", "sectors.geojson"):
        if (folder / f).is_file():
            (folder / f).read_bytes()
    meter = Meter()
    now = "2026-06-01"  # after the study period: no date is "in the future"

    # -- ours: load from CSV (parse, sector join, validation and ledger) --------------
    probe = Probe(nested=True)
    # each function is wrapped where its caller looks it up (the module that imported it)
    probe.wrap(
        loaders.context,
        "read_table",
        "read_incidents",
        only=lambda src, *a, **k: "incidents" in str(src),
    )
    probe.wrap(loaders.incident_sectors, "_assign_sectors", "sector_join")
    probe.wrap(loaders.diagnostic, "load_incidents", "load_incidents")
    with meter.stage("load_csv") as rec:
        diag = loaders.load_diagnostic(folder / "diagnostic.toml", now=now, cache=False)
    probe.restore()
    n = len(diag.incidents)
    rec["incidents"] = n
    # load_incidents = read + sector join + the rest (validation, ledger, the table)
    read_inc = probe.wall["read_incidents"]
    meter.add("read_csv", read_inc, probe.cpu["read_incidents"])
    meter.add("sector_join", probe.wall.get("sector_join", 0.0), probe.cpu.get("sector_join"))
    meter.add("load_incidents", probe.wall["load_incidents"], probe.cpu.get("load_incidents"))
    meter.add(
        "validate_ledger",
        probe.wall["load_incidents"] - read_inc - probe.wall.get("sector_join", 0.0),
    )
    if "parquet" not in skip:
        probe = Probe()
        probe.wrap(
            loaders.context,
            "read_table",
            "read_incidents",
            only=lambda src, *a, **k: "incidents" in str(src),
        )
        with meter.stage("load_parquet"):
            loaders.load_diagnostic(folder / "diagnostic_parquet.toml", now=now, cache=False)
        probe.restore()
        meter.add("read_parquet", probe.wall["read_incidents"], probe.cpu["read_incidents"])

    # -- ours: step 1 ----------------------------------------------------------------
    probe = Probe()
    for name, label in (
        ("hot_spots", "step1_hotspots"),
        ("knox_test", "step1_knox"),
        ("find_problems", "step1_problems"),
        ("priority", "step1_priority"),
    ):
        probe.wrap(inventory, name, label)
    with meter.stage("step1") as rec:
        inv = inventory.run(diag)
    probe.restore()
    rec["problems"] = len(inv.problems)
    parts = ("step1_hotspots", "step1_knox", "step1_problems", "step1_priority")
    step1 = next(r for r in meter.rows if r["stage"] == "step1")
    meter.add("step1_tables", step1["seconds"] - sum(probe.wall.get(p, 0.0) for p in parts))
    for p in parts:
        meter.add(p, probe.wall.get(p, 0.0), probe.cpu.get(p))
    load = next(r for r in meter.rows if r["stage"] == "load_csv")
    meter.add("csv_to_priority", load["seconds"] + step1["seconds"])

    # -- ours: re-scoring after a widget change (precomputed problem table) ------------
    w = dict(inventory.DEFAULT_PRIORITY_WEIGHTS, severity=0.4, trend=0.05)
    times = []
    for _ in range(RESCORE_REPEATS):
        t0 = time.perf_counter()
        inventory.priority(inv.problems, weights=w)
        times.append(time.perf_counter() - t0)
    meter.add("rescore_priority", float(np.median(times)), best=float(min(times)))

    # -- ours: aggregation by grid cell, sector, category and month ----------------------
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")
        grid = inventory.make_grid(diag.sectors, float(diag.config.param("grid_cell_m", 200)))
    with meter.stage("aggregate"):
        ours_agg = _ours_aggregate(diag.incidents, grid)
    gp = grid.attrs["grid"]

    # -- ours: steps 2, 3, 4 and the report ------------------------------------------------
    s2 = s3 = None
    if "step2" not in skip:
        probe = Probe()
        probe.wrap(measures, "coverage", "step2_coverage")
        probe.wrap(measures, "before_after_counts", "step2_before_after")
        with meter.stage("step2"):
            s2 = measures.run(diag, inv.problems, priority=inv.priority)
        probe.restore()
        for p in ("step2_coverage", "step2_before_after"):
            meter.add(p, probe.wall.get(p, 0.0), probe.cpu.get(p))
    if "step3" not in skip:
        with meter.stage("step3") as rec:
            s3 = evaluation.run(diag, inv.problems, priority=inv.priority, knox=inv.knox)
        # the control areas are the rest of the municipality, one polygon per measure
        rec["measures"] = len(diag.measures)
        rec["design_geometry_mb"] = (
            float(sum(len(b or b"") for b in shapely.to_wkb(np.asarray(s3.design.geometry.array))))
            / 2**20
        )
    if "report" not in skip:
        with meter.stage("step4"):
            cur = report._current(s2, s3, diag)
            s4 = strategy.run(diag, inv, current=cur)
        if hasattr(report, "write_report"):
            with tempfile.TemporaryDirectory() as tmp, meter.stage("report"):
                report.write_report(diag, inv, s2, s3, s4, out=tmp)
    del s2, s3

    # -- baselines, same process, same files ---------------------------------------------
    csv, pq_path = folder / "incidents.csv", folder / "incidents.parquet"
    sectors = diag.sectors[["sector_id", "geometry"]]
    del diag, inv
    try:
        import duckdb

        con = duckdb.connect()
        with meter.stage("duckdb_read_csv"):
            con.execute(f"CREATE TABLE inc AS SELECT * FROM read_csv('{csv}')")
        if pq_path.exists():
            with meter.stage("duckdb_read_parquet"):
                con.execute(f"CREATE TABLE incp AS SELECT * FROM read_parquet('{pq_path}')")
        with meter.stage("duckdb_aggregate"):
            duck = con.execute(
                f"""SELECT floor((y - {gp["y0"]}) / {gp["cell_size"]}) AS row,
                           floor((x - {gp["x0"]}) / {gp["cell_size"]}) AS col,
                           sector, category, date_trunc('month', occurred_from) AS month,
                           count(*) AS n
                    FROM inc GROUP BY ALL"""
            ).df()
        con.close()
        _check_aggregates(ours_agg, duck)
    except ImportError:
        print("[bench] duckdb is not installed: pip install -e '.[bench]'", flush=True)
    import geopandas as gpd

    with meter.stage("gpd_read_csv"):
        plain = pd.read_csv(csv)
    with meter.stage("gpd_read_csv_text"):  # every field as text, as our read keeps them
        pd.read_csv(csv, dtype=str, keep_default_na=False)
    with meter.stage("gpd_read_parquet"):
        pd.read_parquet(pq_path)
    with meter.stage("gpd_sector_join"):
        pts = gpd.GeoDataFrame(
            plain, geometry=gpd.points_from_xy(plain["x"], plain["y"]), crs=sectors.crs
        )
        joined = gpd.sjoin(pts, sectors, how="left", predicate="intersects")
    with meter.stage("gpd_aggregate"):
        ts = pd.to_datetime(joined["occurred_from"])
        joined.groupby(
            [
                np.floor((joined["y"] - gp["y0"]) / gp["cell_size"]),
                np.floor((joined["x"] - gp["x0"]) / gp["cell_size"]),
                "sector_id",
                "category",
                ts.dt.to_period("M"),
            ]
        ).size()
    meter.close()
    return {"size": size, "incidents": n, "rows": meter.rows}


def e2e_worker(size: str) -> float:
    """CSV → priority table alone, in this (fresh) process: no probes, no memory sampler."""
    import matplotlib

    matplotlib.use("Agg")
    warnings.simplefilter("ignore")
    from diagnostic_lib import inventory, loaders

    t0 = time.perf_counter()
    diag = loaders.load_diagnostic(DATA / size / "diagnostic.toml", now="2026-06-01", cache=False)
    inventory.run(diag)
    return time.perf_counter() - t0


def cached_worker(size: str) -> dict:
    """Load (from the cache when warm) and step 1, in this fresh process: the times of each."""
    import matplotlib

    matplotlib.use("Agg")
    warnings.simplefilter("ignore")
    t0 = time.perf_counter()
    from diagnostic_lib import inventory, loaders

    t1 = time.perf_counter()
    diag = loaders.load_diagnostic(DATA / size / "diagnostic.toml", now="2026-06-01", cache=True)
    t2 = time.perf_counter()
    inventory.run(diag)
    t3 = time.perf_counter()
    return {"import": t1 - t0, "load": t2 - t1, "step1": t3 - t2}


def time_cached(size: str, repeats: int) -> list[dict]:
    """The loaders' cache (issue 17): the first load (which writes it), then warm re-runs.

    The size's cache (``build/cache`` beside its config) is cleared; one fresh
    process loads the CSV and writes the cache (``cache_first_load``), then
    ``repeats`` fresh processes load from it and run step 1
    (``cached_to_priority``: load + step 1, median; ``cached_load``: the load
    alone). Wall time, CPU and peak resident memory of each process (``os.wait4``).
    """
    from diagnostic_lib.loaders import cache

    cache.clear_cache(DATA / size / "diagnostic.toml")
    argv = [sys.executable, __file__, "--cached-worker", size]
    rows = []
    for stage, n in (("cache_first_load", 1), ("cached_to_priority", repeats)):
        runs, inner, peaks, cpu = [], [], [], []
        for _ in range(n):
            t0 = time.perf_counter()
            proc = subprocess.Popen(argv, stdout=subprocess.PIPE, text=True, env=_env())
            out = proc.stdout.read()
            _, status, usage = os.wait4(proc.pid, 0)
            runs.append(time.perf_counter() - t0)
            peaks.append(usage.ru_maxrss / 1024)
            cpu.append(usage.ru_utime + usage.ru_stime)
            if os.waitstatus_to_exitcode(status):
                raise RuntimeError(f"--cached-worker {size} failed")
            inner += [json.loads(ln[10:]) for ln in out.splitlines() if ln.startswith("@@CACHED@@")]
        load = statistics.median(r["load"] for r in inner)
        step1 = statistics.median(r["step1"] for r in inner)
        row = {"stage": stage, "runs": runs, "inner": inner, "peak_mb": max(peaks), "cpu_runs": cpu}
        row["process_seconds"] = statistics.median(runs)
        row["seconds"] = load if stage == "cache_first_load" else load + step1
        rows.append(row)
        if stage == "cached_to_priority":
            rows.append({"stage": "cached_load", "seconds": load, "peak_mb": max(peaks)})
    return rows


def _env() -> dict:
    return {**os.environ, "MPLBACKEND": "Agg"}


def time_init(size: str, repeats: int) -> dict:
    """``python -m diagnostic_lib init`` on the size's incidents CSV, in fresh processes.

    ``init --incidents incidents.csv --grid-m 500 --out <temporary folder>``: it
    inspects a sample, counts the categories over the whole file, writes the
    config and runs ``validate`` on it (which loads every row). Each run's wall
    time, CPU time and peak resident memory (``os.wait4``, POSIX) are kept; the
    median wall time is the stage's.
    """
    argv = [sys.executable, "-m", "diagnostic_lib", "init", "--lang", "en"]
    argv += ["--incidents", str(DATA / size / "incidents.csv")]
    argv += ["--grid-m", str(INIT_GRID_M), "--out"]
    return _time_fresh("init_fresh", argv, repeats, ok=(0, 3))  # 3: data-quality failures


def time_sample_report(repeats: int) -> dict:
    """What ``make report`` runs, on the shipped sample (no notebooks), in fresh processes.

    ``python -m diagnostic_lib report --config data/sample/diagnostic.toml --out
    <temporary folder>``: load, the four steps, the HTML, the workbooks and the
    companion files (issue 16's target: under 20 s).
    """
    config = HERE.parent / "data" / "sample" / "diagnostic.toml"
    argv = [sys.executable, "-m", "diagnostic_lib", "report", "--config", str(config), "--out"]
    return _time_fresh("sample_report", argv, repeats)


def _time_fresh(stage: str, argv: list[str], repeats: int, ok: tuple[int, ...] = (0,)) -> dict:
    """Run ``argv + [a temporary folder]`` ``repeats`` times; the median wall time is the stage's.

    Each run's wall time, CPU time and peak resident memory (``os.wait4``, POSIX)
    are kept.
    """
    runs, cpu, peaks = [], [], []
    for _ in range(repeats):
        with tempfile.TemporaryDirectory() as out:
            # cold runs, as before the cache: what they time is the load, not the cache
            env = {**os.environ, "MPLBACKEND": "Agg", "DIAGNOSTIC_CACHE": "off"}
            t0 = time.perf_counter()
            proc = subprocess.Popen(
                [*argv, out], stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL, env=env
            )
            if hasattr(os, "wait4"):
                _, status, usage = os.wait4(proc.pid, 0)
                proc.returncode = os.waitstatus_to_exitcode(status)
                cpu.append(usage.ru_utime + usage.ru_stime)
                peaks.append(usage.ru_maxrss / 1024)  # kB on Linux
            else:  # pragma: no cover - Windows: wall time only
                proc.wait()
            runs.append(time.perf_counter() - t0)
            if proc.returncode not in ok:
                raise RuntimeError(f"{' '.join(argv[1:4])} exited with {proc.returncode}")
    row = {"stage": stage, "seconds": statistics.median(runs), "runs": runs}
    if cpu:
        row |= {"cpu": statistics.median(cpu), "cpu_runs": cpu, "peak_mb": max(peaks)}
    return row


def time_notebooks() -> dict:
    """Execute every notebook on the sample, one fresh kernel each (as the tests do).

    Seconds are wall-clock and include the kernel's start; the notebooks run on a
    copy in a temporary folder, so ``notebooks/`` is left untouched.
    """
    import nbformat

    from diagnostic_lib.report import execute_notebook

    src = HERE.parent / "notebooks"
    rows = []
    old = os.environ.get("MPLBACKEND")
    os.environ["MPLBACKEND"] = "module://matplotlib_inline.backend_inline"
    try:
        with tempfile.TemporaryDirectory() as tmp:
            work = Path(tmp) / "notebooks"
            shutil.copytree(
                src, work, ignore=shutil.ignore_patterns("output", ".ipynb_checkpoints")
            )
            for path in sorted(work.glob("*.ipynb")):
                nb = nbformat.read(path, as_version=4)
                t0 = time.perf_counter()
                execute_notebook(nb, work)
                sec = time.perf_counter() - t0
                rows.append({"notebook": path.name, "seconds": sec})
                print(f"[bench] notebook {path.name}: {sec:.1f} s", flush=True)
    finally:
        if old is None:
            os.environ.pop("MPLBACKEND", None)
        else:
            os.environ["MPLBACKEND"] = old
    return {"rows": rows, "total": sum(r["seconds"] for r in rows)}


def _ours_aggregate(incidents, grid):
    """Counts by grid cell, sector, category and month with the library's own functions."""
    from diagnostic_lib import inventory

    cell = inventory._cell_of(incidents, grid)
    return inventory.counts(
        incidents.assign(cell=cell.to_numpy()),
        by=("cell", "sector", "category"),
        period="month",
        complete=False,
    )


def _check_aggregates(ours, duck) -> None:
    """Both aggregations count every located incident once (a sanity check, not a timing)."""
    located = int(ours.loc[ours["cell"] >= 0, "count"].sum())
    total = int(duck.loc[duck["row"].notna(), "n"].sum())
    if located != total:
        print(f"[bench] note: {located} located incidents in our grid cells, {total} in DuckDB's")


# ----------------------------------------------------------------------------
# The report
# ----------------------------------------------------------------------------
STAGES = [
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
    ("init_fresh", f"`init --grid-m {INIT_GRID_M}` (CLI, validate included), median of fresh runs"),
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
]
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


def machine() -> dict:
    import importlib.metadata as md

    cpu = platform.processor() or ""
    with contextlib.suppress(OSError):
        for line in Path("/proc/cpuinfo").read_text().splitlines():
            if line.startswith("model name"):
                cpu = line.split(":", 1)[1].strip()
                break
    ram = None
    with contextlib.suppress(ImportError):
        import psutil

        ram = psutil.virtual_memory().total / 2**30
    pkgs = {}
    for p in (
        "numpy",
        "pandas",
        "pyarrow",
        "geopandas",
        "shapely",
        "scipy",
        "statsmodels",
        "esda",
        "duckdb",
        "psutil",
        "pyinstrument",
    ):
        with contextlib.suppress(md.PackageNotFoundError):
            pkgs[p] = md.version(p)
    return {
        "cpu": cpu,
        "cores": os.cpu_count(),
        "ram_gb": ram,
        "python": platform.python_version(),
        "os": platform.platform(),
        "load_average": os.getloadavg() if hasattr(os, "getloadavg") else None,
        "packages": pkgs,
        "date": dt.datetime.now().strftime("%Y-%m-%d %H:%M"),
    }


def _get(res: dict, stage: str) -> dict | None:
    if stage == "gpd_read_join":  # the plain way's read and sector join, as our validated load
        a, b = _get(res, "gpd_read_csv"), _get(res, "gpd_sector_join")
        return {"stage": stage, "seconds": a["seconds"] + b["seconds"]} if a and b else None
    return next((r for r in res["rows"] if r["stage"] == stage), None)


def _fmt_s(v: float | None) -> str:
    if v is None:
        return "—"
    return f"{v * 1000:.0f} ms" if v < 1 else f"{v:.2f}"


def render_before_after(results: dict) -> list[str]:
    """Seconds before (the code as it was, ``--label before``) and after, per size and stage."""
    pairs = [
        (s, results[s], results[f"{s}@before"])
        for s in SIZES
        if s in results and f"{s}@before" in results
    ]
    if not pairs:
        return []
    out = ["## Before and after (seconds; the same machine, the same data)", ""]
    out.append(
        "“Before” is the library as it was when this work started (`--label before`, run on that "
        "source tree), “after” is this version; — when a stage was not run."
    )
    out.append("")
    out.append(
        "| Stage | " + " | ".join(f"{s} before | {s} after | speed-up" for s, _, _ in pairs) + " |"
    )
    out.append("|---|" + "---|---|---|" * len(pairs))
    for key, label in STAGES:
        cells = []
        for _, after, before in pairs:
            a, b = _get(after, key), _get(before, key)
            sb = _fmt_s(b["seconds"]) if b else "—"
            sa = _fmt_s(a["seconds"]) if a else "—"
            up = f"{b['seconds'] / a['seconds']:.1f}×" if a and b and a["seconds"] > 0 else "—"
            cells += [sb, sa, up]
        if any(c != "—" for c in cells):
            out.append(f"| {label} | " + " | ".join(cells) + " |")
    out.append("")
    return out


def _peak(res: dict, stages: tuple[str, ...]) -> float | None:
    peaks = [r["peak_mb"] for k in stages if (r := _get(res, k)) and r.get("peak_mb")]
    return max(peaks) if peaks else None


def render_targets(
    results: list[dict], notebooks: dict | None, report: dict | None = None
) -> list[str]:
    """One line per target of the benchmark issue: the measure and met / missed."""
    by = {r["size"]: r for r in results}
    out = ["## Targets / Cibles", ""]
    out.append("| Target | Measured | Met? |")
    out.append("|---|---|---|")

    def line(target: str, measured: str, ok: bool | None) -> None:
        verdict = "—" if ok is None else ("yes / oui" if ok else "**no / non**")
        out.append(f"| {target} | {measured} | {verdict} |")

    if "1m" in by and (e2e := _get(by["1m"], "csv_to_priority")):
        peak = _peak(by["1m"], ("load_csv", "step1"))
        fresh = _get(by["1m"], "csv_to_priority_fresh")
        if fresh:  # the median of fresh processes, without the probes and the memory sampler
            runs = ", ".join(f"{r:.1f}" for r in fresh["runs"])
            measured = (
                f"{fresh['seconds']:.1f} s (median of {runs} s; {e2e['seconds']:.1f} s probed)"
            )
            e2e = fresh
        else:
            measured = f"{e2e['seconds']:.1f} s"
        line(
            f"1M incidents, CSV → priority table < {TARGET_E2E_S:.0f} s",
            measured,
            e2e["seconds"] < TARGET_E2E_S,
        )
        line(
            f"… with peak memory < {TARGET_E2E_MB / 1024:.0f} GB",
            f"{peak:,.0f} MB" if peak else "—",
            None if peak is None else peak < TARGET_E2E_MB,
        )
    if "1m" in by and (init := _get(by["1m"], "init_fresh")):
        runs = ", ".join(f"{r:.1f}" for r in init["runs"])
        cpu = f"; CPU {init['cpu']:.1f} s" if init.get("cpu") else ""
        peak = f"; peak {init['peak_mb']:,.0f} MB" if init.get("peak_mb") else ""
        line(
            f"`init` on a 1M-row export (validate included) < {TARGET_INIT_S:.0f} s",
            f"{init['seconds']:.1f} s (median of {runs} s{cpu}{peak})",
            init["seconds"] < TARGET_INIT_S,
        )
    if "1m" in by and (warm := _get(by["1m"], "cached_to_priority")):
        inner = warm["inner"]
        parts = ", ".join(f"load {r['load']:.1f} + step 1 {r['step1']:.1f}" for r in inner)
        line(
            f"1M incidents, warm cache → priority table ≤ {TARGET_CACHED_S:.0f} s",
            f"{warm['seconds']:.1f} s ({parts} s; peak {warm['peak_mb']:,.0f} MB)",
            warm["seconds"] <= TARGET_CACHED_S,
        )
    if "1m" in by and (rs := _get(by["1m"], "rescore_priority")):
        line(
            f"Re-scoring at 1M < {TARGET_RESCORE_S * 1000:.0f} ms",
            f"{rs['seconds'] * 1000:.0f} ms",
            rs["seconds"] < TARGET_RESCORE_S,
        )
    sized = [r for r in results if _get(r, "load_csv")]
    if len(sized) > 1:
        worst, worst_label, missing = 0.0, "", []
        for key, label in STAGES:
            if key in (
                "rescore_priority",
                "csv_to_priority_fresh",
                "init_fresh",
                "cache_first_load",
                "cached_load",
                "cached_to_priority",
            ):
                continue
            vals = [
                row["seconds"] / _get(r, "load_csv")["incidents"]
                for r in sized
                if (row := _get(r, key)) and row["seconds"] > 0.05
            ]
            if any(_get(r, key) is None for r in sized) and any(_get(r, key) for r in sized):
                missing.append(label.lstrip("· "))
            # growth from the smallest size to any larger one (a stage that gets cheaper
            # per incident, like the sampled Knox test, is not a scaling problem)
            if len(vals) > 1 and max(vals) / vals[0] > worst:
                worst, worst_label = max(vals) / vals[0], label.lstrip("· ")
        span = f"{sized[0]['size']} → {sized[-1]['size']}"
        measured = f"worst growth {worst:.2f}× ({worst_label})"
        if missing:
            measured += "; not run at every size: " + ", ".join(missing)
        line(
            f"Time per incident grows less than {TARGET_FLAT:.0f}× ({span}, stages over 50 ms)",
            measured,
            worst <= TARGET_FLAT,
        )
    for ours, duck, gpd_, label in COMPARED:
        for r in results:
            o = _get(r, ours)
            if o is None:
                continue
            for base, target, name in (
                (duck, TARGET_DUCKDB, "DuckDB"),
                (gpd_, TARGET_GPD, "plain geopandas"),
            ):
                if base and (b := _get(r, base)):
                    ratio = o["seconds"] / b["seconds"]
                    line(
                        f"{label}, {r['size']}: ≤ {target}× {name}",
                        f"{ratio:.2f}×",
                        ratio <= target,
                    )
    if report:
        runs = ", ".join(f"{r:.1f}" for r in report["runs"])
        cpu = f"; CPU {report['cpu']:.1f} s" if report.get("cpu") else ""
        line(
            f"`make report` on the sample, without notebooks, < {TARGET_REPORT_S:.0f} s",
            f"{report['seconds']:.1f} s (median of {runs} s{cpu})",
            report["seconds"] < TARGET_REPORT_S,
        )
    if notebooks:
        line(
            f"All notebooks on the sample < {TARGET_NOTEBOOKS_S:.0f} s",
            f"{notebooks['total']:.1f} s",
            notebooks["total"] < TARGET_NOTEBOOKS_S,
        )
    out.append("")
    return out


def render_notebooks(notebooks: dict | None) -> list[str]:
    if not notebooks:
        return []
    out = ["## Notebooks on the sample (seconds, kernel start included)", ""]
    out.append("| Notebook | Seconds |")
    out.append("|---|---|")
    for r in notebooks["rows"]:
        out.append(f"| `{r['notebook']}` | {r['seconds']:.1f} |")
    out.append(f"| **Total** | **{notebooks['total']:.1f}** |")
    out.append("")
    return out


def render(results: list[dict], info: dict, notes: str, every: dict | None = None) -> str:
    sizes = [r["size"] for r in results]
    out = ["# Benchmarks — speed and scale, measured", ""]
    out.append(
        "Written by `benchmarks/run.py` (`make bench`); how it measures is in "
        "`benchmarks/README.md`. Seconds are wall-clock (CPU seconds in the JSON), peak MB is "
        "the process's resident memory while the stage ran (each size in a fresh process)."
    )
    out.append("")
    out.append("## Machine")
    out.append("")
    out.append(f"- Date: {info['date']}")
    out.append(f"- CPU: {info['cpu']}, {info['cores']} cores; RAM {info['ram_gb']:.1f} GB")
    out.append(f"- Python {info['python']} on {info['os']}")
    la = info.get("load_average")
    if la:
        out.append(
            f"- Load average when the run started: {la[0]:.2f} / {la[1]:.2f} / {la[2]:.2f} "
            "(a shared machine: other jobs ran at the same time)"
        )
    out.append("- Packages: " + ", ".join(f"{k} {v}" for k, v in info["packages"].items()))
    out.append("")
    notebooks = (every or {}).get("notebooks")
    out += render_targets(results, notebooks, (every or {}).get("sample_report"))
    out.append("## Stages (seconds, peak MB)")
    out.append("")
    head = "| Stage | " + " | ".join(
        f"{s} ({_get(r, 'load_csv')['incidents']:,} incidents)"
        for s, r in zip(sizes, results, strict=True)
    )
    out.append(head + " |")
    out.append("|---|" + "---|" * len(sizes))
    for key, label in STAGES:
        cells = []
        for r in results:
            row = _get(r, key)
            if row is None:
                cells.append("—")
                continue
            txt = _fmt_s(row["seconds"])
            if row.get("peak_mb"):
                txt += f" · {row['peak_mb']:.0f} MB"
            cells.append(txt)
        out.append(f"| {label} | " + " | ".join(cells) + " |")
    out.append("")
    out.append("## Against the baselines (our time ÷ baseline time)")
    out.append("")
    out.append(
        "Same process, same files. DuckDB (core) reads with its own type detection and counts "
        "with SQL; the plain geopandas way is `pd.read_csv`, `points_from_xy`, `sjoin`, "
        "`groupby`. Our read keeps every field as text with its row number, so that the ledger "
        "can name each rejected row."
    )
    out.append("")
    out.append(
        "| Stage | Size | Ours (s) | DuckDB (s) | Ours ÷ DuckDB | geopandas (s) | Ours ÷ geopandas |"
    )
    out.append("|---|---|---|---|---|---|---|")
    for ours, duck, gpd_, label in COMPARED:
        for s, r in zip(sizes, results, strict=True):
            o = _get(r, ours)
            d = _get(r, duck) if duck else None
            g = _get(r, gpd_) if gpd_ else None
            if o is None:
                continue
            rd = f"{o['seconds'] / d['seconds']:.2f}×" if d else "—"
            rg = f"{o['seconds'] / g['seconds']:.2f}×" if g else "—"
            out.append(
                f"| {label} | {s} | {_fmt_s(o['seconds'])} | {_fmt_s(d['seconds']) if d else '—'} | "
                f"{rd} | {_fmt_s(g['seconds']) if g else '—'} | {rg} |"
            )
    out.append("")
    out.append("## Time per incident (µs)")
    out.append("")
    out.append("| Stage | " + " | ".join(sizes) + " | largest ÷ smallest |")
    out.append("|---|" + "---|" * (len(sizes) + 1))
    for key, label in STAGES:
        if key in ("rescore_priority",):
            continue
        vals = []
        for r in results:
            row = _get(r, key)
            n = _get(r, "load_csv")["incidents"]
            vals.append(row["seconds"] / n * 1e6 if row else None)
        ok = [v for v in vals if v]
        ratio = f"{max(ok) / min(ok):.2f}" if len(ok) > 1 and min(ok) > 0 else "—"
        out.append(
            f"| {label} | "
            + " | ".join(f"{v:.2f}" if v is not None else "—" for v in vals)
            + f" | {ratio} |"
        )
    out.append("")
    out += render_notebooks(notebooks)
    out += render_before_after(every or {})
    out.append(notes.strip())
    out.append("")
    return "\n".join(out)


def write_results_md(results: dict, info: dict) -> None:
    """RESULTS.md from every stored result and the hand-written NOTES.md."""
    order = [s for s in SIZES if s in results]
    notes_md = HERE / "NOTES.md"
    notes = notes_md.read_text(encoding="utf-8") if notes_md.is_file() else ""
    RESULTS_MD.write_text(
        render([results[s] for s in order], info, notes, every=results), encoding="utf-8"
    )
    print(f"[bench] wrote {RESULTS_MD}", flush=True)


def main(argv: list[str] | None = None) -> int:
    ap = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawTextHelpFormatter)
    ap.add_argument("--sizes", default=",".join(DEFAULT_SIZES), help="comma-separated: 100k,1m,5m")
    ap.add_argument(
        "--skip",
        default="",
        help="comma-separated stages to skip: step2,step3,report,parquet,init,sample_report,cache",
    )
    ap.add_argument("--worker", help=argparse.SUPPRESS)
    ap.add_argument("--e2e-worker", help=argparse.SUPPRESS)
    ap.add_argument("--cached-worker", help=argparse.SUPPRESS)
    ap.add_argument(
        "--e2e-repeats",
        type=int,
        default=E2E_REPEATS,
        help="fresh processes timing CSV -> priority table at 100k and 1M (median reported)",
    )
    ap.add_argument("--no-write", action="store_true", help="do not write RESULTS.md")
    ap.add_argument(
        "--label",
        default="",
        help="store the results under this label (e.g. 'before' for a run on older code)",
    )
    ap.add_argument(
        "--no-notebooks", action="store_true", help="do not time the notebooks on the sample"
    )
    ap.add_argument(
        "--render",
        action="store_true",
        help="only rewrite RESULTS.md from data/results.json and NOTES.md (no measurement)",
    )
    args = ap.parse_args(argv)
    if args.render:
        results = json.loads(RESULTS_JSON.read_text())["results"]
        info = max((results[s]["machine"] for s in SIZES if s in results), key=lambda m: m["date"])
        write_results_md(results, info)
        return 0
    skip = {s for s in args.skip.split(",") if s}
    if args.e2e_worker:
        print(f"@@E2E@@{e2e_worker(args.e2e_worker)}", flush=True)
        return 0
    if args.cached_worker:
        print("@@CACHED@@" + json.dumps(cached_worker(args.cached_worker)), flush=True)
        return 0
    if args.worker:
        res = worker(args.worker, skip)
        print("@@RESULT@@" + json.dumps(res), flush=True)
        return 0
    sizes = [s.strip() for s in args.sizes.split(",") if s.strip()]
    for s in sizes:
        if s not in SIZES:
            ap.error(f"unknown size {s!r}; choose among {', '.join(SIZES)}")
    DATA.mkdir(parents=True, exist_ok=True)
    info = machine()
    previous = json.loads(RESULTS_JSON.read_text()) if RESULTS_JSON.is_file() else {}
    results = dict(previous.get("results", {}))
    for s in sizes:
        prepare(s)
        print(f"[bench] size {s}", flush=True)
        proc = subprocess.run(
            [sys.executable, __file__, "--worker", s, "--skip", ",".join(sorted(skip))],
            stdout=subprocess.PIPE,
            text=True,
            env={**os.environ, "MPLBACKEND": "Agg"},
        )
        lines = [ln for ln in proc.stdout.splitlines() if ln.startswith("@@RESULT@@")]
        for ln in proc.stdout.splitlines():
            if not ln.startswith("@@RESULT@@"):
                print(ln)
        if proc.returncode or not lines:
            print(f"[bench] size {s} failed (exit {proc.returncode})", file=sys.stderr)
            return proc.returncode or 1
        results[s + (f"@{args.label}" if args.label else "")] = json.loads(
            lines[-1][len("@@RESULT@@") :]
        )
        results[s + (f"@{args.label}" if args.label else "")]["machine"] = info
        if s != "5m" and args.e2e_repeats > 0:  # the headline target: a median of fresh runs
            runs = []
            for _ in range(args.e2e_repeats):
                out = subprocess.run(
                    [sys.executable, __file__, "--e2e-worker", s],
                    stdout=subprocess.PIPE,
                    text=True,
                    env={**os.environ, "MPLBACKEND": "Agg"},
                    check=True,
                ).stdout
                runs += [
                    float(ln[len("@@E2E@@") :])
                    for ln in out.splitlines()
                    if ln.startswith("@@E2E@@")
                ]
            print(
                f"[bench]   csv_to_priority, {len(runs)} fresh runs: "
                + ", ".join(f"{r:.2f} s" for r in runs),
                flush=True,
            )
            results[s + (f"@{args.label}" if args.label else "")]["rows"].append(
                {"stage": "csv_to_priority_fresh", "seconds": statistics.median(runs), "runs": runs}
            )
        if "cache" not in skip and args.e2e_repeats > 0:
            rows = time_cached(s, args.e2e_repeats)
            for row in rows:
                print(
                    f"[bench]   {row['stage']}: {row['seconds']:.2f} s, "
                    f"peak {row['peak_mb']:,.0f} MB",
                    flush=True,
                )
            results[s + (f"@{args.label}" if args.label else "")]["rows"].extend(rows)
        if s != "5m" and "init" not in skip and args.e2e_repeats > 0:
            row = time_init(s, args.e2e_repeats)
            print(
                f"[bench]   init, {len(row['runs'])} fresh runs: "
                + ", ".join(f"{r:.2f} s" for r in row["runs"]),
                flush=True,
            )
            results[s + (f"@{args.label}" if args.label else "")]["rows"].append(row)
    if "sample_report" not in skip and args.e2e_repeats > 0:
        row = time_sample_report(args.e2e_repeats)
        print(
            f"[bench] sample report, {len(row['runs'])} fresh runs: "
            + ", ".join(f"{r:.2f} s" for r in row["runs"]),
            flush=True,
        )
        results["sample_report"] = {**row, "machine": info}
    if not args.no_notebooks:
        results["notebooks"] = {**time_notebooks(), "machine": info}
    RESULTS_JSON.write_text(json.dumps({"results": results}, indent=1))
    if not args.no_write:
        write_results_md(results, info)
    return 0


if __name__ == "__main__":
    sys.exit(main())
