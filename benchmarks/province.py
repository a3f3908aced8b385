"""A synthetic province for the 20M benchmark: several forces, each its own generated region.

``prepare()`` writes ``benchmarks/data/province-20m/``: ``FORCES`` forces, each the sample
generator's region at ``SCALE`` (about 2M incidents, 1,260 sectors) with its own seed, moved
``DY`` metres north of the one before (the regions lie side by side, not on top of each
other), and ``province.toml`` listing them. ``python -m diagnostic_lib province --config
<that file>`` runs the whole diagnosis of each force and the province's count cube
(docs/scale.md, *A province*).

Usage::

    python benchmarks/province.py              # write the data (about 2 GB) and say where
"""

from __future__ import annotations

import json
import sys
from pathlib import Path

HERE = Path(__file__).resolve().parent
DATA = HERE / "data"
FORCES = 10
SCALE = 126  # copies of the sample town per force: 2.0M incidents
DY = 75_000.0  # metres between two forces' origins (a region is about 65 km high)
SEED0 = 20270101
MOVED = ("sectors.geojson", "measures.geojson", "places.geojson", "walks.geojson")


def folder(forces: int = FORCES, scale: int = SCALE) -> Path:
    """Where the province of ``forces`` forces at ``scale`` is written."""
    return DATA / f"province-{forces}x{scale}"


def _move(coords: object, dy: float) -> object:
    """GeoJSON coordinates moved ``dy`` metres north (nested lists of positions)."""
    if isinstance(coords, list) and coords and isinstance(coords[0], (int, float)):
        return [coords[0], coords[1] + dy, *coords[2:]]
    if isinstance(coords, list):
        return [_move(c, dy) for c in coords]
    return coords


def _move_geojson(path: Path, dy: float) -> None:
    data = json.loads(path.read_text(encoding="utf-8"))
    for feat in data.get("features", []):
        geom = feat.get("geometry")
        if geom and "coordinates" in geom:
            geom["coordinates"] = _move(geom["coordinates"], dy)
    path.write_text(json.dumps(data, ensure_ascii=False), encoding="utf-8")


def _move_csv(path: Path, dy: float) -> None:
    """The incidents' ``y`` moved; every other field written back as it was read (text)."""
    import pyarrow as pa
    import pyarrow.compute as pc
    import pyarrow.csv as pcsv

    names = path.read_text(encoding="utf-8").split("\n", 1)[0].split(",")
    types = {n: pa.string() for n in names if n != "y"} | {"y": pa.float64()}
    table = pcsv.read_csv(
        path,
        convert_options=pcsv.ConvertOptions(column_types=types, strings_can_be_null=False),
    )
    i = table.schema.get_field_index("y")
    table = table.set_column(i, "y", pc.add(table["y"], dy))
    pcsv.write_csv(table, path, pcsv.WriteOptions(quoting_style="needed"))


def _refresh_manifest(where: Path, dy: float) -> None:
    """The manifest's size and sha256 of each file moved (the rows and columns are unchanged)."""
    import hashlib

    path = where / "manifest.json"
    meta = json.loads(path.read_text(encoding="utf-8"))
    for entry in meta.get("files", {}).values():
        f = where / entry.get("path", "")
        if entry.get("path") in (*MOVED, "incidents.csv") and f.is_file():
            entry["bytes"] = f.stat().st_size
            entry["sha256"] = hashlib.sha256(f.read_bytes()).hexdigest()
    meta["moved_north_m"] = dy
    path.write_text(json.dumps(meta, ensure_ascii=False, indent=1), encoding="utf-8")


def prepare(forces: int = FORCES, scale: int = SCALE) -> Path:
    """Generate the province once (a stamp file says with what); return ``province.toml``."""
    from diagnostic_lib import sample

    out = folder(forces, scale)
    out.mkdir(parents=True, exist_ok=True)
    config = out / "province.toml"
    want = (
        f"forces={forces} scale={scale} dy={DY} seed0={SEED0} generator={sample.GENERATOR_VERSION}"
    )
    stamp = out / "bench.stamp"
    if stamp.is_file() and stamp.read_text() == want and config.is_file():
        return config
    lines = [
        "# A synthetic province (benchmarks/province.py): each force is a generated region.",
        "",
        "[province]",
        'name = "Province synthétique"',
        'crs = "EPSG:32188"',
        "grid_cell_m = 1000",
        "",
    ]
    for k in range(forces):
        fid = f"F{k + 1:02d}"
        where = out / fid
        print(f"[province] generating force {fid} (scale {scale}) in {where} …", flush=True)
        sample.generate(where, seed=SEED0 + k, scale=scale)
        dy = k * DY
        if dy:
            for name in MOVED:
                _move_geojson(where / name, dy)
            _move_csv(where / "incidents.csv", dy)
            _refresh_manifest(where, dy)
        lines += ["[[forces]]", f'id = "{fid}"', f'config = "{fid}/diagnostic.toml"', ""]
    config.write_text("\n".join(lines), encoding="utf-8")
    stamp.write_text(want)
    return config


if __name__ == "__main__":
    sys.path.insert(0, str(HERE.parent / "src"))
    print(prepare())
