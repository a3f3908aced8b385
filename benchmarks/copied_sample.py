"""The copied-sample shape: the shipped sample's incidents copied to N rows, positions jittered.

The tiled benchmark data (``sample.generate(scale=k)``) is a larger *region*: k towns side
by side, k × the sectors and measures. A municipality that grows its data another way has
the same 10 sectors and 18 measures and many more incidents in them. This generator makes
that shape from the shipped sample (``data/sample``): its incidents are copied until there
are ``N`` rows (the last copy cut), each copy's identifiers suffixed (``-c0001``…) and each
located point moved by a seeded Gaussian jitter (50 m); a moved point that leaves the sector
polygon it was in keeps its original position, so every incident stays in its sector. Every
other field (dates, categories, shifts, precision, the sample's empty or malformed values) is
copied as it is, so the loaders see the same mix of clean and flagged rows. The sectors,
measures, partners, survey, places and walks are the sample's files, unchanged.

The data is written once into ``benchmarks/data/<size>-copied/`` (git-ignored), with a stamp
file recording the row count, the seed and this generator's version.

Usage::

    python benchmarks/copied_sample.py 1m     # writes benchmarks/data/1m-copied/
"""

from __future__ import annotations

import hashlib
import shutil
import sys
from pathlib import Path

HERE = Path(__file__).resolve().parent
DATA = HERE / "data"
SAMPLE = HERE.parent / "data" / "sample"
ROWS = {"100k": 100_000, "1m": 1_000_000, "5m": 5_000_000}
SEED = 17
JITTER_M = 50.0
VERSION = "1"
# the sample's incident files are replaced; its raw-export variant is not needed
LEFT_OUT = ("incidents.csv", "incidents_raw_export.csv", "diagnostic_raw_export.toml")


def copied_rows(incidents, sectors, n: int, seed: int = SEED):
    """``incidents`` (every field as text) copied to ``n`` rows with jittered positions.

    Parameters
    ----------
    incidents : DataFrame
        The sample's incidents, every column as text (``dtype=str``), with ``incident_id``,
        ``x`` and ``y``.
    sectors : GeoDataFrame
        The sector polygons, in the incidents' coordinates.
    n : int
        Rows wanted.
    seed : int
        Seed of the jitter.

    Returns
    -------
    DataFrame
        ``n`` rows; copy ``k`` has identifiers suffixed ``-c{k:04d}`` (copy 0 keeps them).

    Examples
    --------
    >>> import geopandas as gpd, pandas as pd, shapely
    >>> sec = gpd.GeoDataFrame({"sector_id": ["A"]}, geometry=[shapely.box(0, 0, 1000, 1000)])
    >>> inc = pd.DataFrame({"incident_id": ["i1", "i2"], "x": ["500", ""], "y": ["500", ""]})
    >>> out = copied_rows(inc, sec, 5)
    >>> out["incident_id"].tolist()
    ['i1', 'i2', 'i1-c0001', 'i2-c0001', 'i1-c0002']
    >>> out["x"].iloc[1], out["x"].iloc[3]  # an unlocated row stays unlocated
    ('', '')
    >>> bool(0 < float(out["x"].iloc[2]) < 1000)
    True
    """
    import numpy as np
    import pandas as pd
    import shapely

    copies = -(-n // len(incidents))
    rng = np.random.default_rng(seed)
    x0 = pd.to_numeric(incidents["x"], errors="coerce").to_numpy()
    y0 = pd.to_numeric(incidents["y"], errors="coerce").to_numpy()
    located = np.isfinite(x0) & np.isfinite(y0)
    home = np.full(len(incidents), -1)  # the sector polygon each point is in
    for i, geom in enumerate(sectors.geometry):
        home[located & shapely.contains_xy(geom, np.nan_to_num(x0), np.nan_to_num(y0))] = i
    parts = [incidents]
    for k in range(1, copies):
        part = incidents.copy()
        part["incident_id"] = part["incident_id"] + f"-c{k:04d}"
        xj = x0 + rng.normal(0.0, JITTER_M, len(x0))
        yj = y0 + rng.normal(0.0, JITTER_M, len(y0))
        keep = home >= 0
        for i, geom in enumerate(sectors.geometry):
            mine = home == i
            keep[mine] = shapely.contains_xy(geom, xj[mine], yj[mine])
        moved = located & keep
        part.loc[moved, "x"] = np.round(xj[moved], 1).astype(str)
        part.loc[moved, "y"] = np.round(yj[moved], 1).astype(str)
        parts.append(part)
    return pd.concat(parts, ignore_index=True).iloc[:n]


def stamp_text(n: int) -> str:
    """What the stamp file records: rows, seed, jitter, version and the sample's digest."""
    digest = hashlib.sha256((SAMPLE / "incidents.csv").read_bytes()).hexdigest()[:16]
    return f"rows={n} seed={SEED} jitter_m={JITTER_M} generator={VERSION} sample={digest}"


def prepare_copied(size: str) -> Path:
    """``benchmarks/data/<size>-copied/`` (written once; the stamp says when it is current)."""
    import geopandas as gpd
    import pandas as pd

    n = ROWS[size]
    out = DATA / f"{size}-copied"
    stamp = out / "bench.stamp"
    want = stamp_text(n)
    if stamp.is_file() and stamp.read_text() == want:
        return out
    print(f"[bench] copying the sample's incidents to {n:,} rows in {out} …", flush=True)
    if out.exists():
        shutil.rmtree(out)
    out.mkdir(parents=True)
    for f in SAMPLE.iterdir():
        if f.is_file() and f.name not in LEFT_OUT:
            shutil.copy2(f, out / f.name)
    inc = pd.read_csv(SAMPLE / "incidents.csv", dtype=str, keep_default_na=False)
    sectors = gpd.read_file(SAMPLE / "sectors.geojson")
    copied_rows(inc, sectors, n).to_csv(out / "incidents.csv", index=False)
    stamp.write_text(want)
    return out


if __name__ == "__main__":
    print(prepare_copied(sys.argv[1] if len(sys.argv) > 1 else "1m"))
