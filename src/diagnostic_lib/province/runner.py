"""Run a province: each force's self-diagnosis in turn, then the province's cube and page.

Only one force's incidents are in memory at a time: the peak is that of the
largest force's diagnosis, whatever the number of forces. Each force's
validated incidents are written as Parquet files of the cube's input contract
(``incidents/<force>/part-*.parquet``, sectors named ``<force>/<sector>``); the
province's cube is built from them by DuckDB out of core (``engine`` ``duckdb``
or ``auto`` with DuckDB installed: the ``[scale]`` extra), or in memory one
force at a time (``memory``): the two give identical cubes.
"""

from __future__ import annotations

import shutil
from dataclasses import dataclass, field
from os import PathLike
from pathlib import Path

import geopandas as gpd
import pandas as pd

from .. import _memory, cube, inventory, loaders, report
from ..config import load_config
from ..cube import store
from ..cube.duckdb_builder import SCALE_HINT
from ..errors import DataError, bilingual
from ..inventory.grid import make_grid
from ..workers import shared_worker
from .plan import Plan, read_plan
from .tables import (
    by_family,
    by_force,
    covered_sector_rates,
    force_incidents,
    force_sectors,
    forces_cube,
    forces_table,
    last_full_year,
    territory_overlaps,
    unrecorded_families,
)

ROWS_PER_FILE: int = 500_000
"""Rows of each Parquet file of a force's incidents."""


@dataclass
class Province:
    """What a province run made (:func:`run`).

    Attributes
    ----------
    plan : Plan
    sectors : GeoDataFrame
        Every force's sectors, ``sector_id`` as ``<force>/<sector>``, with ``force``
        and ``force_name``.
    forces : DataFrame
        :func:`~.tables.forces_table` (one row per force: id, name, population).
    cube : Cube
        The province's count cube (on :attr:`grid`).
    grid : GeoDataFrame
        The province's grid (``plan.grid_cell_m``), clipped to the forces' sectors.
    engine : str
        ``duckdb`` or ``memory``: how the cube was built.
    year : int or None
        The last full year of the data (:func:`~.tables.last_full_year`).
    forces_rates : DataFrame
        :func:`~.tables.by_force` of that year.
    family_rates : DataFrame
        :func:`~.tables.by_family`.
    sector_rates : DataFrame
        Every sector's counts and rates per year, from the cube
        (:func:`diagnostic_lib.inventory.volume.rates`, no province row): the page's map.
    reports : dict
        Force id → its report (``index.html``).
    page : Path or None
        The province's page.
    unrecorded : DataFrame or None
        :func:`~.tables.unrecorded_families`: the families a force never records.
    overlaps : DataFrame or None
        :func:`~.tables.territory_overlaps`: forces whose territories overlap.
    """

    plan: Plan
    sectors: pd.DataFrame
    forces: pd.DataFrame
    cube: cube.Cube
    grid: pd.DataFrame
    engine: str
    year: int | None = None
    forces_rates: pd.DataFrame | None = None
    family_rates: pd.DataFrame | None = None
    sector_rates: pd.DataFrame | None = None
    reports: dict[str, Path] = field(default_factory=dict)
    page: Path | None = None
    unrecorded: pd.DataFrame | None = None
    overlaps: pd.DataFrame | None = None


def resolve_engine(engine: str) -> str:
    """``auto`` → ``duckdb`` when DuckDB is installed, else ``memory``; the others as they are.

    Raises
    ------
    ImportError
        ``duckdb`` asked for and DuckDB not installed (said before any force runs).

    Examples
    --------
    >>> resolve_engine("memory")
    'memory'
    """
    if engine == "memory":
        return engine
    try:
        import duckdb  # noqa: F401 - only whether the optional extra is installed
    except ImportError:
        if engine == "duckdb":
            raise ImportError(SCALE_HINT) from None
        return "memory"
    return "duckdb"


def run(
    plan: Plan | str | PathLike[str],
    out: str | PathLike[str] = "build/province",
    lang: str | None = None,
    audience: str = "internal",
    threshold: int | None = None,
    progress: bool = True,
) -> Province:
    r"""Diagnose every force of the province, then build the province's cube and page.

    Writes ``<out>/<force>/`` (each force's report, as ``python -m
    diagnostic_lib report`` writes it), ``<out>/incidents/<force>/`` (the force's
    validated incidents, Parquet), ``<out>/cube/`` (the province's count cube,
    :func:`diagnostic_lib.cube.store.load` reads it), ``<out>/province.xlsx`` (the
    page's tables) and ``<out>/index.html``.

    Parameters
    ----------
    plan : Plan or path
        The province (:func:`~.plan.read_plan`).
    out : path
        Output folder; its ``incidents/`` folder is emptied first (files of an
        earlier run would be counted again).
    lang : {"fr", "en"}, optional
        Language of every report and of the page (default: each force's config's;
        the page's: the first force's).
    audience : {"internal", "public"}
        As :func:`diagnostic_lib.report.build_report`; the page's tables suppress
        small counts for the public.
    threshold : int, optional
        Small-count threshold (default: each config's ``small_count`` for its
        report, the largest of them for the province's page).
    progress : bool
        Show a progress bar (one step per force, then the cube and the page).

    Returns
    -------
    Province

    Raises
    ------
    diagnostic_lib.errors.ConfigError
        The province's file cannot be used (:func:`~.plan.read_plan`).
    diagnostic_lib.errors.DataError
        A force's data cannot be used: the message names the force and says why;
        the forces before it keep their reports.
    ImportError
        ``engine = "duckdb"`` without DuckDB (said before any force runs).

    Examples
    --------
    >>> import pathlib, shutil, tempfile
    >>> from diagnostic_lib import sample
    >>> d = pathlib.Path(tempfile.mkdtemp())
    >>> _ = shutil.copytree(sample.sample_dir(), d / "A", ignore=shutil.ignore_patterns("build"))
    >>> toml = '[[forces]]\nid = "A"\nconfig = "A/diagnostic.toml"\n'
    >>> _ = (d / "province.toml").write_text(toml)
    >>> prov = run(d / "province.toml", d / "out", lang="en", progress=False)
    >>> total = prov.family_rates.query("group == '*'")["count"].sum()
    >>> prov.page.name, sorted(prov.reports), bool(prov.cube.total == total)
    ('index.html', ['A'], True)
    """
    from tqdm.auto import tqdm  # only a run shows a progress bar

    plan = plan if isinstance(plan, Plan) else read_plan(plan)
    engine = resolve_engine(plan.engine)
    outdir = Path(out)
    parts = outdir / "incidents"
    shutil.rmtree(parts, ignore_errors=True)
    bar = tqdm(total=len(plan.forces) + 2, desc="province", disable=not progress)
    sectors, reports, langs, thresholds = [], {}, [], []
    crs = plan.crs or load_config(plan.forces[0].config).crs
    for force in plan.forces:
        bar.set_postfix_str(force.id)
        try:
            page, secs, used_lang, used_thr = _one_force(
                force.id, force.config, outdir, parts, crs, lang, audience, threshold
            )
        except DataError as exc:  # say which force, keep the reports already written
            bar.close()
            raise DataError(f"{bilingual('province.error.force', force=force.id)}: {exc}") from exc
        reports[force.id] = page
        sectors.append(secs)
        langs.append(used_lang)
        thresholds.append(used_thr)
        bar.update()
    bar.set_postfix_str("cube")
    every = gpd.GeoDataFrame(pd.concat(sectors, ignore_index=True), crs=crs)
    grid = make_grid(every, cell_size=plan.grid_cell_m, crs=crs)
    c = _cube(plan, parts, grid, engine, outdir)
    store.save(c, outdir / "cube")
    bar.update()
    forces = forces_table(every)
    year = last_full_year(c)
    fc = forces_cube(c, every)
    rates = (by_force(fc, forces, year), by_family(fc, forces))
    by_sector = covered_sector_rates(c, every, forces)
    prov = Province(plan, every, forces, c, grid, engine, year, *rates, by_sector, reports)
    prov.unrecorded = unrecorded_families(fc, forces)
    prov.overlaps = territory_overlaps(every)
    bar.set_postfix_str("page")
    page_lang, thr = lang or langs[0], max(thresholds)
    report.write_province_workbook(prov, outdir, lang=page_lang, audience=audience, threshold=thr)
    prov.page = report.write_province_page(
        prov, outdir, lang=page_lang, audience=audience, threshold=thr
    )
    bar.update()
    bar.close()
    return prov


@_memory.gives_back
def _one_force(
    fid: str,
    config: Path,
    outdir: Path,
    parts: Path,
    crs: str,
    lang: str | None,
    audience: str,
    threshold: int | None,
) -> tuple[Path, pd.DataFrame, str, int]:
    """One force: load, the four steps, its report, its incidents written for the cube.

    The incidents and sectors written for the province are in the province's ``crs``
    (moved there when the force's config has another).
    """
    cfg = load_config(config)
    worker = shared_worker(enabled=bool(cfg.param("worker_process")))
    worker.preload("diagnostic_lib.evaluation", "diagnostic_lib.maps.rendering")
    diag = loaders.load_diagnostic(cfg)
    used_lang = lang or diag.lang
    used_thr = int(threshold if threshold is not None else cfg.param("small_count"))
    steps = report.run_steps(diag)
    page = report.write_report(
        diag, *steps, outdir / fid, lang=used_lang, audience=audience, threshold=used_thr
    )
    del steps
    inventory.clear_caches()
    cube.write_partitions(
        force_incidents(in_crs(diag.incidents, crs), fid), parts / fid, rows_per_file=ROWS_PER_FILE
    )
    dates = diag.incidents["occurred_from"]
    period = (
        cfg.period_start if cfg.period_start is not None else dates.min(),
        cfg.period_end if cfg.period_end is not None else dates.max(),
    )
    secs = force_sectors(in_crs(diag.sectors, crs), fid, cfg.municipality, period)
    return Path(page), secs, used_lang, used_thr


def in_crs(frame: pd.DataFrame, crs: str) -> pd.DataFrame:
    """``frame`` in ``crs`` (moved only when its own differs; a frame without CRS is left as is).

    Examples
    --------
    >>> import geopandas as gpd, shapely
    >>> g = gpd.GeoDataFrame(geometry=[shapely.Point(-73.6, 45.5)], crs="EPSG:4326")
    >>> round(in_crs(g, "EPSG:32188").geometry.x.iloc[0])
    296985
    """
    own = getattr(frame, "crs", None)
    if own is None or own == crs:
        return frame
    return frame.to_crs(crs)


def _cube(plan: Plan, parts: Path, grid: pd.DataFrame, engine: str, outdir: Path) -> cube.Cube:
    files = sorted(parts.glob("*/*.parquet"))
    if engine == "duckdb":
        spill = outdir / "duckdb-spill"
        try:
            return cube.build_duckdb(
                [str(f) for f in files],
                grid,
                memory_limit=plan.memory_limit,
                temp_directory=spill,
            )
        finally:
            shutil.rmtree(spill, ignore_errors=True)
    return cube.combine(
        cube.from_columns(pd.read_parquet(folder), grid) for folder in sorted(parts.iterdir())
    )
