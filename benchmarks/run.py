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
import importlib
import json
import os
import platform
import re
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
if str(HERE) not in sys.path:  # the benchmark's own modules, beside this file
    sys.path.insert(0, str(HERE))

import copied_sample  # noqa: E402 - found through the path set just above
import targets  # noqa: E402
from targets import COMPARED, STAGES, render_targets  # noqa: E402 - the tests call it here

DATA = HERE / "data"
RESULTS_MD = HERE / "RESULTS.md"
RESULTS_JSON = DATA / "results.json"

# size label -> copies of the sample town (about 15,900 incidents each)
SIZES = {"100k": 7, "1m": 63, "5m": 316}
DEFAULT_SIZES = ("100k", "1m")
RESCORE_REPEATS = 20
E2E_REPEATS = 3  # fresh processes for the CSV -> priority time (median reported)
FULL_REPEATS = 1  # fresh processes for load -> steps 1-4 -> report (minutes at 1M)
COPIED_SIZES = ("1m", "5m")  # sizes whose copied-sample shape runs end to end too (issue 17)
EXPLORER_CHANGES = {"window_months": [9, 12], "lag_months": [1, 0]}  # 4 re-evaluations
CUBE_20M_COPIES = 1260  # benchmarks/cube_bench.py --copies 1260: 20,028,960 incidents
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
class TreeRss:
    """Resident memory of a process and all its children, summed (bytes; 0 without psutil).

    Knox, the projections and the report's figures run in a second process
    (``worker_process``): a peak that left it out would flatter the library. Listing a process's
    children scans ``/proc`` (about 1.4 ms, most of it holding the interpreter's
    lock), so the list is refreshed every half second and only the known
    processes are read at each sample (about 10 µs each): sampling every 10 ms
    must not slow down the stage it measures.
    """

    REFRESH_S = 0.5

    def __init__(self, pid: int) -> None:
        try:
            import psutil
        except ImportError:  # pragma: no cover
            psutil = None
        self._psutil = psutil
        self._proc = psutil.Process(pid) if psutil else None
        self._children: list = []
        self._listed = -1.0

    def __call__(self) -> int:
        if self._proc is None:  # pragma: no cover
            return 0
        ps = self._psutil
        now = time.monotonic()
        if now - self._listed > self.REFRESH_S:
            with contextlib.suppress(ps.Error):
                self._children = self._proc.children(recursive=True)
            self._listed = now
        try:
            total = self._proc.memory_info().rss
        except ps.Error:  # the process ended
            return 0
        for child in self._children:
            with contextlib.suppress(ps.Error):
                total += child.memory_info().rss
        return total


class TreePeak:
    """Peak of :class:`TreeRss` for a running process, sampled every 20 ms by a thread."""

    def __init__(self, pid: int) -> None:
        self.peak, self._stop, self._rss = 0, False, TreeRss(pid)
        self._thread = threading.Thread(target=self._sample, daemon=True)
        self._thread.start()

    def _sample(self) -> None:
        while not self._stop:
            self.peak = max(self.peak, self._rss())
            time.sleep(0.02)

    def stop(self) -> float:
        """Stop sampling; the peak in MiB."""
        self._stop = True
        self._thread.join()
        return self.peak / 2**20


class Meter:
    """Wall time, CPU time and peak resident memory of each stage.

    Memory is the resident set size (RSS) of this process and of its children
    (the worker process, :mod:`diagnostic_lib.workers`), sampled every 10 ms by a
    thread (``psutil``, else ``/proc/self/statm`` for this process alone); a
    stage's peak is the largest sample while it runs, so it includes what earlier
    stages still hold.
    Each size runs in a fresh process.
    """

    def __init__(self) -> None:
        self.rows: list[dict] = []
        self._peak = 0
        self._stop = False
        try:
            import psutil

            psutil.Process()
            self._rss = TreeRss(os.getpid())
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
            f"peak {rec['peak_mb']:8.0f} MiB",
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
    # wrapped where inventory.run looks them up (its own module's imports)
    step1_module = importlib.import_module("diagnostic_lib.inventory.results")
    for name, label in (
        ("hot_spots", "step1_hotspots"),
        ("knox_test", "step1_knox"),
        ("_find_problems", "step1_problems"),
        ("priority", "step1_priority"),
    ):
        probe.wrap(step1_module, name, label)
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
        step2_module = importlib.import_module("diagnostic_lib.measures.results")
        probe.wrap(step2_module, "coverage", "step2_coverage")
        probe.wrap(step2_module, "before_after_counts", "step2_before_after")
        with meter.stage("step2"):
            s2 = measures.run(diag, inv.problems, priority=inv.priority)
        probe.restore()
        for p in ("step2_coverage", "step2_before_after"):
            meter.add(p, probe.wall.get(p, 0.0), probe.cpu.get(p))
    if "step3" not in skip:
        with meter.stage("step3") as rec:
            s3 = evaluation.run(diag, inv.problems, priority=inv.priority, knox=inv.knox)
        # the control areas are the rest of the municipality, one polygon per removed set
        # (shared by its measures): each distinct object counted once, as it is held --
        # serialising every row at once took 6 GB at 5M, which the next stage's peak showed
        rec["measures"] = len(diag.measures)
        held = {id(g): g for g in s3.design.geometry.array if g is not None}
        rec["design_geometry_mb"] = (
            float(sum(len(shapely.to_wkb(g)) for g in held.values())) / 2**20
        )
    if "report" not in skip:
        with meter.stage("step4"):
            cur = report._current(s2, s3, diag)
            s4 = strategy.run(diag, inv, current=cur)
        if hasattr(report, "write_report"):
            with tempfile.TemporaryDirectory() as tmp, meter.stage("report"):
                report.write_report(diag, inv, s2, s3, s4, out=tmp)
    del s2, s3
    if "explorer" not in skip:
        meter.rows.append(time_explorer(diag))

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


def time_explorer(diag) -> dict:
    """Notebook 03's measure explorer on this size's data: one measure re-evaluated.

    The explorer is built once (not timed) on the first measure; then its window and
    lag controls are moved (``EXPLORER_CHANGES``), each change running the whole
    callback a user waits for (step 3's evaluation of the measure with its placebos,
    the verdict, the table, the chart). The stage's seconds are the median change.
    """
    from diagnostic_lib import evaluation, widgets

    ex = widgets.measure_explorer(
        diag.measures,
        diag.incidents,
        diag.sectors,
        *evaluation.data_period(diag),
        lang="fr",
        measure_id=str(diag.measures["measure_id"].iloc[0]),
    )
    runs, cpu = [], []
    for key, values in EXPLORER_CHANGES.items():
        for v in values:
            w0, c0 = time.perf_counter(), time.process_time()
            ex.controls[key].value = v
            runs.append(time.perf_counter() - w0)
            cpu.append(time.process_time() - c0)
    row = {"stage": "explorer_reevaluate", "seconds": statistics.median(runs), "runs": runs}
    row["cpu_seconds"] = statistics.median(cpu)
    print(f"[bench]   explorer_reevaluate      {row['seconds']:8.2f} s (median)", flush=True)
    return row


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


def _time_fresh(
    stage: str,
    argv: list[str],
    repeats: int,
    ok: tuple[int, ...] = (0,),
    first_run: Path | None = None,
    env_extra: dict[str, str] | None = None,
) -> dict:
    """Run ``argv + [a temporary folder]`` ``repeats`` times; the median wall time is the stage's.

    Each run's wall time, CPU time (``os.wait4``, POSIX: the process and the
    children it waited for) and peak resident memory are kept. The peak is the
    larger of ``wait4``'s (the largest single process) and the sampled sum over
    the process and its children (:class:`TreePeak`), which counts the worker
    process running beside it.

    Without ``first_run`` the loaders' cache is off (the run neither reads nor writes
    it). With ``first_run`` (a config), :data:`CONFIG_SLOT` in ``argv`` is replaced by
    a copy of it whose cache is an empty folder inside the run's temporary folder
    (:func:`first_run_config`): the cache is on and written, as in a user's first run.
    ``env_extra`` is added to the run's environment last.
    """
    runs, cpu, peaks = [], [], []
    for _ in range(repeats):
        with tempfile.TemporaryDirectory() as out:
            env = {**os.environ, "MPLBACKEND": "Agg", "DIAGNOSTIC_CACHE": "off"}
            args = [*argv, out]
            copy = None
            if first_run is not None:
                copy = first_run_config(first_run, Path(out) / "cache")
                args = [str(copy) if a == CONFIG_SLOT else a for a in args]
                env["DIAGNOSTIC_CACHE"] = "on"
            env.update(env_extra or {})
            t0 = time.perf_counter()
            try:
                proc = subprocess.Popen(
                    args, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL, env=env
                )
                tree = TreePeak(proc.pid)
                if hasattr(os, "wait4"):
                    _, status, usage = os.wait4(proc.pid, 0)
                    proc.returncode = os.waitstatus_to_exitcode(status)
                    cpu.append(usage.ru_utime + usage.ru_stime)
                    peaks.append(max(usage.ru_maxrss / 1024, tree.stop()))  # kB on Linux
                else:  # pragma: no cover - Windows: wall time and the sampled peak
                    proc.wait()
                    peaks.append(tree.stop())
                runs.append(time.perf_counter() - t0)
            finally:
                if copy is not None:
                    copy.unlink(missing_ok=True)
            if first_run is not None and not any((Path(out) / "cache").glob("*/meta.json")):
                raise RuntimeError(f"{first_run}: the first run wrote no cache entry")
            if proc.returncode not in ok:
                raise RuntimeError(f"{' '.join(argv[1:4])} exited with {proc.returncode}")
    row = {"stage": stage, "seconds": statistics.median(runs), "runs": runs}
    if first_run is not None:
        row["cache"] = "first run (written)"
    if cpu:
        row |= {"cpu": statistics.median(cpu), "cpu_runs": cpu, "peak_mb": max(peaks)}
    return row


def time_notebooks() -> dict:
    """Execute every notebook on the sample, one fresh kernel each (as the tests do).

    Seconds are wall-clock and include the kernel's start, not its teardown (a user
    running the notebooks does not wait for it; see
    :func:`diagnostic_lib.report.execute_notebook`); the notebooks run on a
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
            a, b = targets.get(after, key), targets.get(before, key)
            sb = _fmt_s(b["seconds"]) if b else "—"
            sa = _fmt_s(a["seconds"]) if a else "—"
            up = f"{b['seconds'] / a['seconds']:.1f}×" if a and b and a["seconds"] > 0 else "—"
            cells += [sb, sa, up]
        if any(c != "—" for c in cells):
            out.append(f"| {label} | " + " | ".join(cells) + " |")
    out.append("")
    return out


def render_notebooks(notebooks: dict | None) -> list[str]:
    if not notebooks:
        return []
    out = ["## Notebooks on the sample (seconds, kernel start included, teardown not)", ""]
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
        "`benchmarks/README.md`. Seconds are wall-clock (CPU seconds in the JSON), peak MiB "
        "(2^20 bytes) is the process's resident memory while the stage ran (each size in a "
        "fresh process), with its worker's. A target in GB is read as GiB (2^30 bytes: what a "
        "machine sold with 16 GB of memory has); 6 GiB is 6.44 billion bytes."
    )
    out.append("")
    out.append("## Machine")
    out.append("")
    out.append(f"- Date: {info['date']}")
    out.append(f"- CPU: {info['cpu']}, {info['cores']} cores; RAM {info['ram_gb']:.1f} GiB")
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
    out += render_targets(
        results,
        notebooks,
        (every or {}).get("sample_report"),
        cube=(every or {}).get("cube20m"),
        cores=info.get("cores"),
        province=(every or {}).get("province20m"),
    )
    out.append("## Stages (seconds, peak MiB)")
    out.append("")
    head = "| Stage | " + " | ".join(
        f"{s} ({targets.incidents(r) or 0:,} incidents)"
        for s, r in zip(sizes, results, strict=True)
    )
    out.append(head + " |")
    out.append("|---|" + "---|" * len(sizes))
    for key, label in STAGES:
        cells = []
        for r in results:
            row = targets.get(r, key)
            if row is None:
                cells.append("—")
                continue
            txt = _fmt_s(row["seconds"])
            if row.get("peak_mb"):
                txt += f" · {row['peak_mb']:.0f} MiB"
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
            o = targets.get(r, ours)
            d = targets.get(r, duck) if duck else None
            g = targets.get(r, gpd_) if gpd_ else None
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
        if key in targets.NOT_PER_INCIDENT:
            continue
        vals = []
        for r in results:
            row = targets.get(r, key)
            n = targets.incidents(r)
            vals.append(row["seconds"] / n * 1e6 if row and n else None)
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


def _parser() -> argparse.ArgumentParser:
    ap = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawTextHelpFormatter)
    ap.add_argument("--sizes", default=",".join(DEFAULT_SIZES), help="comma-separated: 100k,1m,5m")
    ap.add_argument(
        "--skip",
        default="",
        help="comma-separated stages to skip: step2,step3,report,parquet,explorer,init,"
        "sample_report,cache,e2e,copied",
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
    ap.add_argument(
        "--full-repeats",
        type=int,
        default=FULL_REPEATS,
        help="fresh processes running load -> steps 1-4 -> report at each size (median)",
    )
    ap.add_argument(
        "--cube-20m",
        action="store_true",
        help="also build the 20M count cube with DuckDB from Parquet (benchmarks/cube_bench.py)",
    )
    ap.add_argument(
        "--province-20m",
        action="store_true",
        help="also run the 20M province (benchmarks/province.py: 10 forces of 2M, about 15 min)",
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
    return ap


def _say(what: str, row: dict) -> None:
    runs = ", ".join(f"{r:.2f} s" for r in row.get("runs", [row["seconds"]]))
    peak = f", peak {row['peak_mb']:,.0f} MiB" if row.get("peak_mb") else ""
    print(f"[bench]   {what}: {runs}{peak}", flush=True)


def run_worker(size: str, skip: set[str]) -> dict | None:
    """The size's stages and baselines in a fresh ``--worker`` process (None if it failed)."""
    proc = subprocess.run(
        [sys.executable, __file__, "--worker", size, "--skip", ",".join(sorted(skip))],
        stdout=subprocess.PIPE,
        text=True,
        env=_env(),
    )
    lines = [ln for ln in proc.stdout.splitlines() if ln.startswith("@@RESULT@@")]
    for ln in proc.stdout.splitlines():
        if not ln.startswith("@@RESULT@@"):
            print(ln)
    if proc.returncode or not lines:
        print(f"[bench] size {size} failed (exit {proc.returncode})", file=sys.stderr)
        return None
    return json.loads(lines[-1][len("@@RESULT@@") :])


def time_csv_to_priority(size: str, repeats: int) -> dict:
    """CSV -> priority table in ``repeats`` fresh processes (``--e2e-worker``), the median."""
    runs = []
    for _ in range(repeats):
        out = subprocess.run(
            [sys.executable, __file__, "--e2e-worker", size],
            stdout=subprocess.PIPE,
            text=True,
            env=_env(),
            check=True,
        ).stdout
        runs += [float(ln[len("@@E2E@@") :]) for ln in out.splitlines() if ln.startswith("@@E2E@@")]
    return {"stage": "csv_to_priority_fresh", "seconds": statistics.median(runs), "runs": runs}


def time_e2e(config: Path, stage: str, repeats: int) -> dict:
    """Load -> steps 1-4 -> report, as a user first runs it, in ``repeats`` fresh processes.

    ``python -m diagnostic_lib report --config <config> --no-notebooks --out <temporary
    folder>`` with the loaders' cache **on**, as it is by default, in a cache folder of its
    own that starts empty (:func:`first_run_config`): each run is a user's first, which
    validates every row and also writes the cache entry (the canonical tables, the count
    cube, step 1's result). Wall time (median), CPU time and peak resident memory of each
    process and its worker process (:func:`_time_fresh`).
    """
    argv = [sys.executable, "-m", "diagnostic_lib", "report", "--config", CONFIG_SLOT]
    argv += ["--no-notebooks", "--out"]
    return _time_fresh(stage, argv, repeats, first_run=config)


CONFIG_SLOT = "{config}"
"""Where :func:`_time_fresh` puts the config of a first run in its command line."""


def first_run_config(config: Path, cache_dir: Path) -> Path:
    """A copy of ``config`` beside it whose loaders' cache is the empty folder ``cache_dir``.

    The copy is written in the config's folder (its data paths are relative to it), with a
    ``[cache]`` table naming ``cache_dir``; a config that has its own ``[cache]`` table is
    refused (the copy would have two).
    """
    text = config.read_text(encoding="utf-8")
    if re.search(r"^\s*\[cache\]", text, flags=re.M):
        raise ValueError(f"{config} has a [cache] table: time its first run by hand")
    path = config.with_name(f".first-run-{os.getpid()}.toml")
    cache = json.dumps(cache_dir.as_posix())  # a TOML basic string
    path.write_text(f"{text.rstrip()}\n\n[cache]\nenabled = true\ndir = {cache}\n", "utf-8")
    return path


def measure_size(size: str, args: argparse.Namespace, skip: set[str]) -> dict | None:
    """Every stage of one size: the worker, then the fresh-process stages."""
    res = run_worker(size, skip)
    if res is None:
        return None
    rows = res["rows"]
    if size != "5m" and args.e2e_repeats > 0:  # issue 14's headline: a median of fresh runs
        rows.append(time_csv_to_priority(size, args.e2e_repeats))
        _say("csv_to_priority, fresh runs", rows[-1])
    if "cache" not in skip and args.e2e_repeats > 0:
        for row in time_cached(size, args.e2e_repeats):
            rows.append(row)
            _say(row["stage"], {**row, "runs": [row["seconds"]]})
    if size != "5m" and "init" not in skip and args.e2e_repeats > 0:
        rows.append(time_init(size, args.e2e_repeats))
        _say("init, fresh runs", rows[-1])
    if "e2e" not in skip and args.full_repeats > 0:
        rows.append(time_e2e(DATA / size / "diagnostic.toml", "e2e_fresh", args.full_repeats))
        _say("load → steps 1–4 → report, fresh", rows[-1])
    if "copied" not in skip and size in COPIED_SIZES and args.full_repeats > 0:
        folder = copied_sample.prepare_copied(size)
        rows.append(time_e2e(folder / "diagnostic.toml", "e2e_copied", args.full_repeats))
        rows[-1]["incidents"] = copied_sample.ROWS[size]
        _say("the same on the copied-sample shape", rows[-1])
    return res


def cube_20m(run: bool) -> dict | None:
    """The 20M count cube built by DuckDB from Parquet (``benchmarks/cube_bench.py``).

    ``run``: build it now (the data is written once, about 20M rows of Parquet);
    otherwise the result of an earlier ``cube_bench.py --copies 1260`` run, if any.
    """
    folder = DATA / "cube" / f"x{CUBE_20M_COPIES}"
    if run:
        skip = "memory,duckdb-csv,dask-parquet,dask-csv"
        cmd = [sys.executable, str(HERE / "cube_bench.py"), "--copies", str(CUBE_20M_COPIES)]
        subprocess.run([*cmd, "--no-csv", "--skip", skip], check=True, env=_env())
    path = folder / "results.json"
    if not path.is_file():
        return None
    when = dt.datetime.fromtimestamp(path.stat().st_mtime).strftime("%Y-%m-%d %H:%M")
    return {"runs": json.loads(path.read_text()), "date": when}


def time_province() -> dict:
    """The 20M province (``benchmarks/province.py``) as a user's first run, in a fresh process.

    ``python -m diagnostic_lib province --config province.toml --out <temporary folder>``:
    every force's load, four steps and report, its incidents written as Parquet, then the
    province's count cube by DuckDB and its page. Each force's loaders' cache is cleared
    first and written by the run (the cache on, as by default). Wall time, CPU time and the
    peak of the process and its worker together (:func:`_time_fresh`).
    """
    import province as bench_province  # beside this file

    from diagnostic_lib import province
    from diagnostic_lib.loaders import cache

    config = bench_province.prepare()
    plan = province.read_plan(config)
    for force in plan.forces:
        cache.clear_cache(force.config)
    argv = [sys.executable, "-m", "diagnostic_lib", "province", "--config", str(config), "--out"]
    row = _time_fresh("province_20m", argv, 1, env_extra={"DIAGNOSTIC_CACHE": "on"})
    for force in plan.forces:
        cache.clear_cache(force.config)  # 2M incidents each: not kept on the disk
    rows = [
        json.loads((f.config.parent / "manifest.json").read_text())["files"]["incidents"]["rows"]
        for f in plan.forces
    ]
    return {**row, "incidents": sum(rows), "forces": len(rows), "cache": "first run (written)"}


def main(argv: list[str] | None = None) -> int:
    ap = _parser()
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
        res = measure_size(s, args, skip)
        if res is None:
            return 1
        results[s + (f"@{args.label}" if args.label else "")] = {**res, "machine": info}
    if "sample_report" not in skip and args.e2e_repeats > 0:
        row = time_sample_report(args.e2e_repeats)
        _say("sample report, fresh runs", row)
        results["sample_report"] = {**row, "machine": info}
    if not args.no_notebooks:
        results["notebooks"] = {**time_notebooks(), "machine": info}
    if (cube := cube_20m(args.cube_20m)) is not None:
        results["cube20m"] = cube
    if args.province_20m:
        results["province20m"] = {**time_province(), "machine": info}
        _say("the 20M province, fresh run", results["province20m"])
    RESULTS_JSON.write_text(json.dumps({"results": results}, indent=1))
    if not args.no_write:
        write_results_md(results, info)
    return 0


if __name__ == "__main__":
    sys.exit(main())
