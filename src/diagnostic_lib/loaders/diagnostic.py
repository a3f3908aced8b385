"""A whole diagnosis loaded at once: :func:`load_diagnostic` and the :class:`Diagnostic` it returns.

:func:`load_diagnostic` reads a ``diagnostic.toml``, loads the sectors first
(to assign incidents to sectors and check positions; or makes them as a grid,
``grid_m``, see :mod:`.grid_sectors`) and the population
table that gives their residents when they have none, then the partners (to
check the measures' partner ids), the incidents, the measures, the survey and
the places, and combines every file's ledger into one. Every step of the
diagnosis takes the :class:`Diagnostic` it returns (typed ``diag: Diagnostic``).

Examples
--------
>>> from diagnostic_lib import sample
>>> d = load_diagnostic(sample.sample_dir() / "diagnostic.toml")
>>> d.lang, d.measures is not None, d.ledger.is_balanced()
('fr', True, True)
"""

from __future__ import annotations

import os
from collections.abc import Callable
from dataclasses import dataclass
from os import PathLike
from pathlib import Path
from typing import Any

import numpy as np
import pandas as pd

from .. import _memory, coverage, i18n
from .. import denominators as denominators_mod
from .. import taxonomy as taxonomy_mod
from .._spatial import union_of
from ..config import Config, load_config
from ..errors import ConfigError, DataError, bilingual
from ..ledger import Ledger
from . import cache as cache_mod
from .attribute_sectors import attribute_sectors
from .context import Loaded
from .grid_sectors import grid_over_points, grid_sectors
from .incidents import load_incidents
from .measures import load_measures
from .multi_file import combine_files
from .partners import load_partners
from .places import load_places
from .population import join_population, load_population
from .sectors import load_sectors
from .survey import load_survey
from .walks import load_walks


@dataclass
class Diagnostic:
    """One municipality's whole data set, loaded and checked.

    Attributes
    ----------
    config : Config
        The parsed ``diagnostic.toml``.
    sectors, incidents, measures, survey, partners, places : DataFrame or None
        Canonical tables (``None`` when the config has no such file).
    walks : GeoDataFrame or None
        Safety-walk and CPTED-audit observations (:func:`~.walks.load_walks`);
        ``None`` when the config has no ``[data.walks]``. Its ``comment`` column is
        internal: never shown to partners or the public.
    ledger : Ledger
        The combined ledger of every file.
    taxonomy, weights : DataFrame
        The category taxonomy and severity weights in use.
    cache_entry : Path or None
        The loaders' cache entry holding these tables (:mod:`.cache`), where
        what is derived from them alone may be kept too (step 1's count cube);
        ``None`` when the tables are not in the cache.
    """

    config: Config
    sectors: pd.DataFrame
    incidents: pd.DataFrame
    measures: pd.DataFrame | None
    survey: pd.DataFrame | None
    partners: pd.DataFrame | None
    places: pd.DataFrame | None
    ledger: Ledger
    taxonomy: pd.DataFrame
    weights: pd.DataFrame
    walks: pd.DataFrame | None = None
    cache_entry: Path | None = None

    @property
    def lang(self) -> str:
        """The report language of the config."""
        return self.config.language

    @property
    def boundary(self):
        """The municipality's outline (union of the sectors)."""
        return union_of(self.sectors.geometry.array)


@_memory.gives_back
def load_diagnostic(
    config_path: str | PathLike[str] | Config, *, now: Any = None, cache: bool | None = None
) -> Diagnostic:
    """Load one municipality's whole set from its ``diagnostic.toml``.

    Loads the sectors first (to assign incidents to sectors and check their
    positions) or, with ``[data.sectors] grid_m``, makes them as a grid
    (:func:`~.grid_sectors.grid_sectors`: clipped to the sectors file when there is
    one, else over the located incidents, keeping the cells that hold one), joins
    the ``[data.population]`` table to them when there is one
    (:func:`~.population.load_population`: residents by sector id; the table
    wins over the layer's own population), then partners (to check the measures'
    partner ids), incidents, measures, survey and places, and combines every
    ledger. The category labels of ``[taxonomy.aliases]`` and ``[taxonomy]
    categories`` are added to the taxonomy
    (:func:`~diagnostic_lib.taxonomy.with_aliases`). The loaders' tunables
    (``snap_tolerance_m``, ``outside`` and ``future_tolerance_h``, see
    :mod:`diagnostic_lib.settings`) are read from the config's ``[parameters]``; the
    reading options of each file (``encoding``, ``sep``, ``source_crs``…, see
    :data:`FILE_OPTIONS`) from its ``[data.<table>]`` entry.

    What it loaded is kept in the cache (``build/cache`` in the config's folder,
    see :mod:`.cache`): a later call with the same files, config and ``now``
    returns an identical diagnosis from it, in a fraction of the time.

    Parameters
    ----------
    config_path : path or Config
        The config file (or an already-loaded :class:`~diagnostic_lib.config.Config`).
    now : timestamp, optional
        Reference "now" for dates in the future (default: the config's
        ``[diagnostic] exported_on``, else the clock).
    cache : bool, optional
        Use and fill the cache (``True``) or not (``False``); default: on, unless
        ``[cache] enabled = false`` in the config or ``DIAGNOSTIC_CACHE=off`` in
        the environment.

    Returns
    -------
    Diagnostic

    Raises
    ------
    ConfigError, DataError
        The config or a file cannot be used at all (sectors and incidents are
        required), or a category alias names a code the taxonomy does not have.

    Examples
    --------
    >>> from diagnostic_lib import sample
    >>> d = load_diagnostic(sample.sample_dir() / "diagnostic.toml")
    >>> d.ledger.is_balanced(), len(d.sectors) >= 8
    (True, True)
    """
    cfg = config_path if isinstance(config_path, Config) else load_config(config_path)
    if now is None and cfg.exported_on is not None:
        now = cfg.exported_on  # the day the data were exported: later dates are in the future
    tax = taxonomy_mod.load_taxonomy(cfg.taxonomy_path)
    if cfg.category_aliases:
        tax = taxonomy_mod.with_aliases(tax, cfg.category_aliases, cfg.category_alias_where)
    weights = taxonomy_mod.load_severity_weights(cfg.severity_path, tax)
    folder = cache_mod.cache_folder(cfg, cache)
    key = cache_mod.cache_key(cfg, now) if folder is not None else ""
    hit = cache_mod.read_entry(folder, key) if folder is not None else None
    if hit is not None:
        tables, ledger = hit
        return Diagnostic(
            cfg, **tables, ledger=ledger, taxonomy=tax, weights=weights, cache_entry=folder / key
        )
    diag = _load_all(cfg, tax, weights, now)
    if folder is not None:
        tables = {t: getattr(diag, t) for t in cache_mod.TABLES}
        if cache_mod.write_entry(folder, key, tables, diag.ledger, now):
            diag.cache_entry = folder / key
    return diag


def _load_all(cfg: Config, tax: pd.DataFrame, weights: pd.DataFrame, now: Any) -> Diagnostic:
    """Every table of the config, read and checked (the work the cache saves)."""
    for needed in ("sectors", "incidents"):
        if needed not in cfg.data:
            raise DataError(f"{cfg.path}: {bilingual('loaders.error.no_data_entry', table=needed)}")
    ledger = Ledger()
    period = (cfg.period_start, cfg.period_end) if (cfg.period_start or cfg.period_end) else None
    incident_options = {
        "crs": cfg.crs,
        "taxonomy": tax,
        "period": period,
        "now": now,
        "future_tolerance_h": float(cfg.param("future_tolerance_h")),
        "timezone": str(cfg.param("timezone")),
        "outside": str(cfg.param("outside")),
        "snap_tolerance": float(cfg.param("snap_tolerance_m")),
    }
    # on a generated grid the file's own sector ids (PDQ…) name no cell: they are not read
    incident_options["sector_column"] = "grid_m" not in cfg.data["sectors"].options
    incidents_ledger = Ledger()
    if "sector_column" in cfg.data["sectors"].options:
        sectors, incidents = _attribute_sectors(incidents_ledger, cfg, incident_options)
    else:
        sectors, incidents = _sectors(ledger, cfg, incident_options, incidents_ledger)
    bases = denominators_mod.declared(cfg.denominators)
    population = _load(
        ledger, cfg, "population", load_population, sectors=sectors, denominators=bases
    )
    if population is not None:
        joined = join_population(sectors, population)
        _withdraw_population_missing(ledger, cfg, sectors, joined)
        sectors = joined
    _check_denominators(cfg, tax, sectors, population)
    partners = _load(ledger, cfg, "partners", load_partners, sectors=sectors)
    if incidents is None:
        incidents = _load(
            incidents_ledger, cfg, "incidents", load_incidents, sectors=sectors, **incident_options
        )
    ledger.extend(incidents_ledger)
    _note_gaps(ledger, incidents, cfg, float(cfg.param("gap_min_monthly")))
    measures = _load(
        ledger,
        cfg,
        "measures",
        load_measures,
        crs=cfg.crs,
        taxonomy=tax,
        sectors=sectors,
        partners=partners,
    )
    survey = _load(ledger, cfg, "survey", load_survey, sectors=sectors)
    places = _load(ledger, cfg, "places", load_places, crs=cfg.crs, sectors=sectors)
    walks = _load(ledger, cfg, "walks", load_walks, crs=cfg.crs, sectors=sectors)
    return Diagnostic(
        cfg, sectors, incidents, measures, survey, partners, places, ledger, tax, weights, walks
    )


def _sectors(
    ledger: Ledger, cfg: Config, incident_options: dict[str, Any], incidents_ledger: Ledger
) -> tuple[pd.DataFrame, pd.DataFrame | None]:
    """The sectors: the file's polygons, or a grid (``grid_m``) clipped to them or over incidents.

    Without a boundary file the incidents are read first, without sectors, to
    find where the located ones are; each located incident then gets the cell
    its point falls in (:func:`~.grid_sectors.grid_over_points`), so the file is
    read once. Returns the sectors and, in that case, the incidents (their
    ledger lines in ``incidents_ledger``); else ``None``: the incidents are
    loaded with the sectors.
    """
    spec = cfg.data["sectors"]
    sectors = None
    if spec.paths:
        sectors = _load(
            ledger,
            cfg,
            "sectors",
            load_sectors,
            crs=cfg.crs,
            max_density=float(cfg.param("max_population_density")),
            overlap_share=float(cfg.param("sector_overlap_share")),
            denominators=denominators_mod.declared(cfg.denominators),
        )
        if len(sectors) == 0:
            raise DataError(f"{spec.path}: {bilingual('loaders.error.no_sector')}")
    if "grid_m" not in spec.options:
        return sectors, None
    size = float(spec.options["grid_m"])
    shape = str(spec.options.get("shape", "square"))
    incidents = None
    if sectors is not None:
        grid = grid_sectors(sectors, size, shape=shape, crs=cfg.crs)
        table, file = "sectors", display_path(spec.path, cfg.path)
        where = ("loaders.note.grid_clipped", {"file": file})
    else:
        incidents = _load(incidents_ledger, cfg, "incidents", load_incidents, **incident_options)
        g = incidents.geometry
        located = (g.notna() & ~g.is_empty).to_numpy()
        if not located.any():
            file = display_path(cfg.data["incidents"].path, cfg.path)
            raise DataError(f"{file}: {bilingual('loaders.error.grid_no_located')}")
        x, y = g[located].x.to_numpy(), g[located].y.to_numpy()
        grid, cells = grid_over_points(x, y, size, shape=shape, crs=cfg.crs)
        sector = np.full(len(incidents), None, dtype=object)
        sector[located] = cells
        incidents["sector"] = pd.array(sector, dtype="str")
        table, file = "incidents", display_path(cfg.data["incidents"].path, cfg.path)
        where = ("loaders.note.grid_over_incidents", {})
    notes = ((f"loaders.note.grid_sectors_{shape}", {"n": len(grid), "size": f"{size:g}"}), where)
    for key, values in notes:
        fr, en = (i18n.t(key, lang, **values) for lang in ("fr", "en"))
        ledger.note(table, file, fr, en)
    return grid, incidents


def _withdraw_population_missing(
    ledger: Ledger, cfg: Config, before: pd.DataFrame, after: pd.DataFrame
) -> None:
    """Withdraw the ``population_missing`` flags of the sectors the table gave residents to.

    And the ``denominator_missing`` flags of those it gave every declared base they lacked.
    """
    got = (before["population"].isna() & after["population"].notna()).to_numpy()
    _withdraw(ledger, cfg, after, got, "population_missing")
    bases = denominators_mod.declared(cfg.denominators)
    if bases:  # a row's flag goes once the table gave it every base it lacked
        lacked = np.zeros(len(after), dtype=bool)
        still = np.zeros(len(after), dtype=bool)
        for base in bases:
            was = before[base].isna() if base in before.columns else pd.Series(True, before.index)
            lacked |= was.to_numpy()
            still |= after[base].isna().to_numpy() if base in after.columns else True
        _withdraw(ledger, cfg, after, lacked & ~still, "denominator_missing")


def _withdraw(
    ledger: Ledger, cfg: Config, after: pd.DataFrame, got: np.ndarray, reason: str
) -> None:
    """Withdraw the sectors file's ``reason`` flags of the rows ``got`` (the table filled them)."""
    if not got.any() or "source_row" not in after.columns or cfg.data["sectors"].path is None:
        return
    files = (
        after["source_file"].astype("str")
        if "source_file" in after.columns
        else pd.Series(display_path(cfg.data["sectors"].path, cfg.path), index=after.index)
    )
    rows = after["source_row"].to_numpy()
    for file in pd.unique(files[got]):
        mine = got & (files == file).to_numpy()
        ledger.withdraw("sectors", file, rows[mine], reason)


def _check_denominators(
    cfg: Config, tax: pd.DataFrame, sectors: pd.DataFrame, population: pd.DataFrame | None
) -> None:
    """Check ``[denominators]``: known codes, and a column for every base it declares.

    Raises ConfigError for a code that is neither a family nor a category of the
    taxonomy, DataError for a base neither the sectors layer nor the population
    table has (naming the columns read).
    """
    codes = set(map(str, tax.index)) | set(map(str, tax["family"]))
    for code in cfg.denominators:
        if code not in codes:
            known = ", ".join(sorted(codes))
            message = bilingual("config.error.denominator_code", code=code, known=known)
            raise ConfigError(f"{cfg.path}: {message}")
    for base in denominators_mod.declared(cfg.denominators):
        if base in sectors.columns:
            continue
        columns = [c for c in sectors.columns if c != "geometry"]
        if population is not None:
            columns += [c for c in population.columns if c not in columns]
        message = bilingual(
            "loaders.error.denominator_column",
            base=base,
            codes=", ".join(c for c, b in cfg.denominators.items() if b == base),
            candidates=", ".join(denominators_mod.DENOMINATOR_CANDIDATES[base]),
            columns=columns,
        )
        file = display_path(cfg.data["sectors"].path or cfg.data["incidents"].path, cfg.path)
        raise DataError(f"{file}: {message}")


def _attribute_sectors(
    ledger: Ledger, cfg: Config, incident_options: dict[str, Any]
) -> tuple[pd.DataFrame, pd.DataFrame]:
    """Sectors that are the codes of an incidents' column (``sector_column``), and the incidents.

    The incidents are read once, with that column as their sector and no
    sectors to check their positions against (each row keeps the sector it
    says); the sectors' approximate outlines are made from them
    (:func:`~diagnostic_lib.loaders.attribute_sectors.attribute_sectors`).
    """
    column = str(cfg.data["sectors"].options["sector_column"])
    incidents = _load(
        ledger,
        cfg,
        "incidents",
        load_incidents,
        extra_columns={"sector": column},
        **incident_options,
    )
    size = float(cfg.param("grid_cell_m"))
    file = display_path(cfg.data["incidents"].path, cfg.path)
    try:
        sectors = attribute_sectors(incidents["sector"], incidents.geometry, size, crs=cfg.crs)
    except DataError as exc:
        raise DataError(f"{file}: {exc}") from None
    values = {"n": len(sectors), "column": column, "size": f"{size:g}"}
    fr, en = (i18n.t("loaders.note.attribute_sectors", lang, **values) for lang in ("fr", "en"))
    ledger.note("sectors", file, fr, en)
    return sectors, incidents


def _note_gaps(ledger: Ledger, incidents: pd.DataFrame, cfg: Config, min_monthly: float) -> None:
    """Note in the ledger the months without any record (gaps of the coverage calendar).

    One note per incidents file (its own first to last month,
    :func:`~diagnostic_lib.coverage.coverage_calendar` by ``source_file``), and
    one for all the files together (file ``*``) when there are several: those
    months are "no data", not zero crime.
    """
    spec = cfg.data["incidents"]
    files = [display_path(p, cfg.path) for p in spec.paths]
    if "source_file" in incidents.columns and len(files) > 1:
        cal = coverage.coverage_calendar(incidents, by="source_file", min_monthly=min_monthly)
        for file, g in cal[~cal["covered"]].groupby("source_file", sort=False):
            _note_months(ledger, str(file), "loaders.note.no_data_months", g["month"])
        whole = coverage.gap_months(incidents, min_monthly)
        if whole:
            _note_months(ledger, "*", "loaders.note.no_data_months_all", whole)
    elif files:
        whole = coverage.gap_months(incidents, min_monthly)
        if whole:
            _note_months(ledger, files[0], "loaders.note.no_data_months", whole)


def _note_months(ledger: Ledger, file: str, key: str, months: Any) -> None:
    text = coverage.month_ranges(months)
    ledger.note("incidents", file, i18n.t(key, "fr", months=text), i18n.t(key, "en", months=text))


FILE_OPTIONS: dict[str, tuple[str, ...]] = {
    "sectors": ("source_crs", "encoding", "sep", "layer"),
    "population": ("encoding", "sep", "sheet"),
    "partners": ("encoding", "sep", "sheet"),
    "incidents": (
        "source_crs",
        "duplicates",
        "date_only",
        "precision",
        "encoding",
        "sep",
        "sheet",
        "layer",
    ),
    "measures": ("source_crs", "encoding", "sep", "sheet", "layer"),
    "survey": ("encoding", "sep", "sheet"),
    "places": ("source_crs", "encoding", "sep", "layer"),
    "walks": ("source_crs", "encoding", "sep", "layer"),
}
"""The options of ``[data.<table>]`` (besides path, preset and columns) each loader takes."""


def _load(
    ledger: Ledger,
    cfg: Config,
    table: str,
    loader: Callable[..., Loaded],
    **context: Any,
) -> pd.DataFrame | None:
    """Load one ``[data.<table>]`` entry (``None`` when the config has none); extend ``ledger``.

    An entry of several files (a list or a glob) loads each file on its own, then
    puts them together (:func:`~diagnostic_lib.loaders.multi_file.combine_files`).
    """
    if table not in cfg.data:
        return None
    spec = cfg.data[table]
    options = {k: spec.options[k] for k in FILE_OPTIONS[table] if k in spec.options}
    columns = {**spec.columns, **context.pop("extra_columns", {})}
    parts = []
    for path in spec.paths:
        data, led = loader(str(path), preset=spec.preset, columns=columns, **context, **options)
        shown = display_path(path, cfg.path)
        parts.append((shown, data, led.rename_files({str(path): shown})))
    data, led = (parts[0][1], parts[0][2]) if len(parts) == 1 else combine_files(parts, table)
    ledger.extend(led)
    return data


def display_path(path: Any, config_path: Any) -> str:
    """A data file's name as shown to others: relative to its config's folder.

    Reports and ledgers go to partners: they must not show the folders of the
    analyst's machine. A file outside the config's folder is named by ``..``
    steps (or by its name alone when no relative path exists, e.g. on another
    drive).

    Examples
    --------
    >>> display_path("/home/ana/diag/exports/a.csv", "/home/ana/diag/diagnostic.toml")
    'exports/a.csv'
    >>> display_path("/home/ana/data/a.csv", "/home/ana/diag/diagnostic.toml")
    '../data/a.csv'
    """
    p = Path(path)
    if config_path is None or not p.is_absolute():
        return p.as_posix()
    try:
        return Path(os.path.relpath(p, Path(config_path).parent)).as_posix()
    except ValueError:  # another drive (Windows)
        return p.name
