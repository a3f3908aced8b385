"""The count cube's three builders timed on the same incidents (see docs/scale.md).

The sample's incidents are copied ``copies`` times (63 copies ≈ 1M rows), each
copy's points moved by a seeded jitter of about 50 m, and written once as
Parquet and CSV partitions of the cube's input contract under
``benchmarks/data/cube/<rows>/``. Each builder then runs in a fresh process
(its peak memory is its own): in memory (pandas reads the Parquet, then
``cube.from_columns``), DuckDB (``cube.build_duckdb``) and Dask on a
``distributed.LocalCluster`` (``cube.build_dask``), from Parquet and from CSV.
Every cube is checked against the in-memory one.

Usage::

    python benchmarks/cube_bench.py                 # 1M rows (63 copies)
    python benchmarks/cube_bench.py --copies 1260 --no-csv   # 20M rows, Parquet only
    python benchmarks/cube_bench.py --skip dask-csv,memory
"""

from __future__ import annotations

import argparse
import json
import resource
import subprocess
import sys
import time
from pathlib import Path

HERE = Path(__file__).resolve().parent
ROOT = HERE.parent
DATA = HERE / "data" / "cube"
CELL_M = 100.0
RUNS = ("memory", "duckdb-parquet", "duckdb-csv", "dask-parquet", "dask-csv")


def _sample():
    from diagnostic_lib import loaders
    from diagnostic_lib.inventory.grid import make_grid

    diag = loaders.load_diagnostic(ROOT / "data" / "sample" / "diagnostic.toml")
    return diag.incidents, make_grid(diag.sectors, CELL_M)


def prepare(copies: int, rows_per_file: int, csv_too: bool = True) -> Path:
    """The copied sample as Parquet and CSV partitions (written once per size)."""
    import numpy as np
    import pandas as pd

    from diagnostic_lib import cube

    out = DATA / f"x{copies}"
    stamp = out / "done.json"
    if stamp.is_file():
        return out
    inc, _ = _sample()
    base = cube.partitions.contract_table(inc)
    rng = np.random.default_rng(17)
    pq, csv = out / "parquet", out / "csv"
    pq.mkdir(parents=True, exist_ok=True)
    csv.mkdir(parents=True, exist_ok=True)
    per_file = max(rows_per_file // len(base), 1)
    n = 0
    for i, lo in enumerate(range(0, copies, per_file)):
        parts = []
        for _ in range(lo, min(lo + per_file, copies)):
            part = base.copy()
            part["x"] = part["x"] + rng.normal(0, 50, len(part))
            part["y"] = part["y"] + rng.normal(0, 50, len(part))
            parts.append(part)
        block = pd.concat(parts, ignore_index=True)
        cube.partitions._write(block, pq / f"part-{i:05d}.parquet", "parquet")
        if csv_too:
            cube.partitions._write(block, csv / f"part-{i:05d}.csv", "csv")
        n += len(block)
    stamp.write_text(json.dumps({"rows": n, "copies": copies}))
    return out


def run_one(name: str, data: Path, workers: int) -> dict:
    """One builder, in this process: seconds, peak RSS and the cube's size."""
    import pandas as pd

    from diagnostic_lib import cube

    _, grid = _sample()
    t0 = time.perf_counter()
    if name == "memory":
        frame = pd.concat(
            [pd.read_parquet(p) for p in sorted((data / "parquet").glob("*.parquet"))],
            ignore_index=True,
        )
        t_read = time.perf_counter() - t0
        c = cube.from_columns(frame, grid)
    elif name.startswith("duckdb"):
        t_read = 0.0
        c = cube.build_duckdb(data / name.split("-")[1], grid)
    else:
        from distributed import Client, LocalCluster

        t_read = 0.0
        with (
            LocalCluster(processes=False, n_workers=workers, threads_per_worker=1) as cl,
            Client(cl),
        ):
            t0 = time.perf_counter()  # the cluster's start is not the builder's
            c = cube.build_dask(data / name.split("-")[1], grid)
    seconds = time.perf_counter() - t0
    c.counts.to_parquet(data / f"cube-{name}.parquet")
    peak = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024
    return {
        "run": name,
        "seconds": round(seconds, 2),
        "read_seconds": round(t_read, 2),
        "peak_mb": round(peak),
        "rows": c.total,
        "cube_rows": len(c.counts),
    }


def main(argv: list[str] | None = None) -> int:
    ap = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    ap.add_argument("--copies", type=int, default=63)
    ap.add_argument("--rows-per-file", type=int, default=250_000)
    ap.add_argument("--workers", type=int, default=2)
    ap.add_argument("--skip", default="")
    ap.add_argument("--no-csv", action="store_true", help="write and read Parquet only")
    ap.add_argument("--one", help=argparse.SUPPRESS)
    ap.add_argument("--data", help=argparse.SUPPRESS)
    args = ap.parse_args(argv)
    if args.one:
        print(json.dumps(run_one(args.one, Path(args.data), args.workers)))
        return 0
    data = prepare(args.copies, args.rows_per_file, csv_too=not args.no_csv)
    skip = set(filter(None, args.skip.split(",")))
    if args.no_csv:
        skip |= {"duckdb-csv", "dask-csv"}
    results = []
    for name in RUNS:
        if name in skip:
            continue
        cmd = [sys.executable, __file__, "--one", name, "--data", str(data)]
        cmd += ["--workers", str(args.workers)]
        out = subprocess.run(cmd, capture_output=True, text=True, check=True)
        res = json.loads(out.stdout.strip().splitlines()[-1])
        results.append(res)
        print(json.dumps(res), flush=True)
    _check_identical(data, [r["run"] for r in results])
    (data / "results.json").write_text(json.dumps(results, indent=1))
    return 0


def _check_identical(data: Path, runs: list[str]) -> None:
    import pandas as pd

    cubes = {r: pd.read_parquet(data / f"cube-{r}.parquet") for r in runs}
    first = runs[0]
    for r in runs[1:]:
        same = cubes[r].equals(cubes[first])
        print(f"[cube] {r} identical to {first}: {same}", flush=True)
        if not same:
            raise SystemExit(f"{r} differs from {first}")


if __name__ == "__main__":
    raise SystemExit(main())
