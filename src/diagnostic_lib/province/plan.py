r"""The province's plan: which forces, where their configs are, and the province's grid.

A province run reads one TOML file::

    [province]
    name = "Province"
    crs = "EPSG:32188"      # the province's cube and grid (default: the first force's CRS)
    grid_cell_m = 1000      # the cells of the province's count cube
    engine = "auto"         # auto (DuckDB when installed), duckdb or memory
    memory_limit = "4GB"    # DuckDB's, past which it spills to disk

    [[forces]]
    id = "F01"              # letters, digits, - and _: a folder name and a sector prefix
    config = "f01/diagnostic.toml"   # relative to this file

Examples
--------
>>> import tempfile, pathlib
>>> d = pathlib.Path(tempfile.mkdtemp())
>>> (d / "a").mkdir()
>>> _ = (d / "a" / "diagnostic.toml").write_text('[municipality]\nname = "A"\n')
>>> _ = (d / "province.toml").write_text(
...     '[province]\nname = "P"\n[[forces]]\nid = "A"\nconfig = "a/diagnostic.toml"\n')
>>> plan = read_plan(d / "province.toml")
>>> plan.name, [f.id for f in plan.forces], plan.forces[0].config.name
('P', ['A'], 'diagnostic.toml')
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from os import PathLike
from pathlib import Path

from ..config import read_toml
from ..errors import ConfigError, bilingual

ENGINES: tuple[str, ...] = ("auto", "duckdb", "memory")
"""How the province's cube is built: DuckDB when installed (``auto``), DuckDB, or in memory."""

GRID_CELL_M: float = 1000.0
"""Default side of the province cube's cells (metres)."""

MEMORY_LIMIT: str = "4GB"
"""Default memory limit of DuckDB while it builds the province's cube."""

_ID = re.compile(r"^[A-Za-z0-9_-]+$")


@dataclass(frozen=True)
class Force:
    """One police force of the province: its id and its diagnosis config."""

    id: str
    config: Path


@dataclass(frozen=True)
class Plan:
    """A province run: its forces and how the province's cube is made."""

    name: str
    crs: str | None
    forces: tuple[Force, ...]
    grid_cell_m: float = GRID_CELL_M
    engine: str = "auto"
    memory_limit: str = MEMORY_LIMIT


def read_plan(path: str | PathLike[str]) -> Plan:
    r"""Read and check a province's TOML file.

    Parameters
    ----------
    path : path
        The province's file; the forces' configs are relative to it.

    Returns
    -------
    Plan

    Raises
    ------
    diagnostic_lib.errors.ConfigError
        Unreadable file, no force, a force listed twice, an id that cannot be a
        folder name, a force without config or whose config does not exist, a
        cell size that is not a positive number, an unknown engine.

    Examples
    --------
    >>> import tempfile, pathlib
    >>> p = pathlib.Path(tempfile.mkdtemp()) / "province.toml"
    >>> _ = p.write_text('[province]\nname = "P"\n')
    >>> read_plan(p)
    Traceback (most recent call last):
    ...
    diagnostic_lib.errors.ConfigError: ...province.toml: no police force: ...
    """
    p = Path(path)
    name = str(p)
    raw = read_toml(p)
    head = raw.get("province", {}) or {}
    forces = _forces(raw.get("forces", []) or [], p.parent, name)
    cell = head.get("grid_cell_m", GRID_CELL_M)
    if isinstance(cell, bool) or not isinstance(cell, int | float) or not cell > 0:
        raise ConfigError(f"{name}: {bilingual('province.error.grid', value=repr(cell))}")
    engine = str(head.get("engine", "auto"))
    if engine not in ENGINES:
        raise ConfigError(f"{name}: {bilingual('province.error.engine', value=repr(engine))}")
    return Plan(
        name=str(head.get("name", p.stem)),
        crs=str(head["crs"]) if head.get("crs") else None,
        forces=forces,
        grid_cell_m=float(cell),
        engine=engine,
        memory_limit=str(head.get("memory_limit", MEMORY_LIMIT)),
    )


def _forces(rows: list, folder: Path, name: str) -> tuple[Force, ...]:
    if not rows:
        raise ConfigError(f"{name}: {bilingual('province.error.no_forces')}")
    out: list[Force] = []
    for row in rows:
        fid = str((row or {}).get("id", ""))
        if not _ID.match(fid):
            raise ConfigError(f"{name}: {bilingual('province.error.force_id', value=repr(fid))}")
        if any(f.id == fid for f in out):
            raise ConfigError(f"{name}: {bilingual('province.error.twice', value=fid)}")
        if not row.get("config"):
            raise ConfigError(f"{name}: {bilingual('province.error.no_config', value=fid)}")
        config = (folder / str(row["config"])).resolve()
        if not config.is_file():
            raise ConfigError(f"{config}: {bilingual('config.error.not_found')}")
        out.append(Force(fid, config))
    return tuple(out)
