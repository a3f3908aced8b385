r"""The diagnosis configuration file, ``diagnostic.toml``.

One file describes one municipality's diagnosis: its name, the analysis CRS,
the study period, the language, the data files with their column mappings, and
the analysis parameters. Paths are relative to the config file.

Example
-------
.. code-block:: toml

    [municipality]
    name = "Rivière-aux-Hérons"
    crs = "EPSG:32188"            # metric CRS for every distance and area

    [diagnostic]
    language = "fr"               # fr | en
    period_start = "2022-01-01"
    period_end = "2025-12-31"

    [data.incidents]
    path = "incidents.csv"
    preset = "generic"            # generic | spvm

    [data.sectors]                # a boundary file, a grid (grid_m), or both
    path = "sectors.geojson"      # optional with grid_m: the grid then covers the incidents
    # grid_m = 500                # sectors made as a grid of 500 m cells (clipped to path)
    # shape = "square"            # square | hex
    [data.incidents.columns]      # optional: canonical field = source column
    occurred_from = "Date_début"

    [parameters]
    grid_cell_m = 200

    [maps]                        # optional: background tiles (none by default)
    tiles = "OpenStreetMap.Mapnik"  # an xyzservices name, or a URL template {z}/{x}/{y}
    # attribution = "© OpenStreetMap contributors"  # required with a URL template

    [taxonomy]                    # optional: your own category labels
    categories = "categories.csv" # columns source_label, code (count, suggestion)
    # categories = ["ucr2", "categories.csv"]  # UCR2 violation codes, then your labels
    [taxonomy.aliases]            # source label = canonical code (wins over the file)
    "Vol dans véhicule" = "theft_from_vehicle"

    [denominators]                # optional: the base of a family's or category's rates
    burglary = "dwellings"        # residents (default) | dwellings | vehicles |
    vehicle_theft = "vehicles"    # daytime_population | floor_area: a sectors column

Examples
--------
>>> import tempfile, pathlib
>>> p = pathlib.Path(tempfile.mkdtemp()) / "diagnostic.toml"
>>> _ = p.write_text('[municipality]\nname = "X"\n[data.sectors]\npath = "s.geojson"\n')
>>> cfg = load_config(p)
>>> cfg.crs, cfg.language, cfg.data["sectors"].path.name
('EPSG:32188', 'fr', 's.geojson')
"""

from __future__ import annotations

import glob
import tomllib
from dataclasses import dataclass, field
from os import PathLike
from pathlib import Path
from typing import Any

import pandas as pd

from . import denominators as denominators_mod
from . import schema, settings
from . import taxonomy as taxonomy_mod
from ._text import as_text
from .crs import check_metric_crs
from .errors import ConfigError, DataError, bilingual, unreadable
from .readers import read_table
from .tiles import TileSource, tile_source

KNOWN_TABLES = (
    "sectors",
    "population",
    "incidents",
    "measures",
    "survey",
    "partners",
    "places",
    "walks",
)

DEFAULT_PARAMETERS: dict[str, Any] = settings.defaults()
"""Default analysis parameters (:mod:`diagnostic_lib.settings`); ``[parameters]`` overrides them."""


@dataclass
class DataSpec:
    """One data file of the config: where it is and how to read it."""

    table: str
    path: Path | None
    preset: str = "generic"
    columns: dict[str, str] = field(default_factory=dict)
    options: dict[str, Any] = field(default_factory=dict)
    paths: list[Path] = field(default_factory=list)
    """Every file of the table (a list or a glob in ``path``), in reading order; ``path``
    is the first. Empty for sectors made as a grid without a boundary file
    (``grid_m`` and no ``path``)."""

    def __post_init__(self) -> None:
        if not self.paths and self.path is not None:
            self.paths = [self.path]


@dataclass
class Config:
    """A parsed ``diagnostic.toml``.

    ``category_aliases`` holds the source labels mapped to category codes by
    ``[taxonomy] categories`` and ``[taxonomy.aliases]`` (the table wins), and
    ``category_alias_where`` where each was written; the codes are checked
    against the taxonomy when it is loaded (:func:`~diagnostic_lib.taxonomy.with_aliases`).
    """

    path: Path | None
    municipality: str = "Municipalité"
    crs: str = schema.DEFAULT_CRS
    language: str = "fr"
    period_start: pd.Timestamp | None = None
    period_end: pd.Timestamp | None = None
    exported_on: pd.Timestamp | None = None
    data: dict[str, DataSpec] = field(default_factory=dict)
    parameters: dict[str, Any] = field(default_factory=settings.defaults)
    taxonomy_path: Path | None = None
    severity_path: Path | None = None
    category_aliases: dict[str, str] = field(default_factory=dict)
    category_alias_where: dict[str, str] = field(default_factory=dict)
    designs: dict[str, dict[str, Any]] = field(default_factory=dict)
    tiles: TileSource | None = None
    """The background tiles of the maps (``[maps] tiles``); ``None``: no tiles."""
    cache_enabled: bool = True
    """``[cache] enabled``: keep the loaded tables in the cache (:mod:`.loaders.cache`)."""
    cache_dir: Path | None = None
    """``[cache] dir``: the cache folder, relative to the config's (``None``: ``build/cache``)."""
    denominators: dict[str, str] = field(default_factory=dict)
    """The base of each family's or category's rates (``[denominators]``, see
    :mod:`diagnostic_lib.denominators`); a code not named keeps residents."""
    raw: dict[str, Any] = field(default_factory=dict)

    @property
    def base_dir(self) -> Path:
        """Folder the relative paths are resolved against."""
        return self.path.parent if self.path is not None else Path.cwd()

    def param(self, name: str, default: Any = None) -> Any:
        """A tunable's value: the config's, else its default in :mod:`diagnostic_lib.settings`.

        ``default`` is accepted for backward compatibility and ignored: every tunable
        has its default in the settings table, and an unknown name is a ``KeyError``.
        """
        if name in self.parameters:
            return self.parameters[name]
        return settings.default(name)


def _timestamp(value: Any, key: str, path: str) -> pd.Timestamp | None:
    if value is None or value == "":
        return None
    try:
        return pd.Timestamp(str(value))
    except (ValueError, TypeError):
        message = bilingual("config.error.not_a_date", key=key, value=repr(value))
        raise ConfigError(f"{path}: {message}") from None


def load_config(path: str | PathLike[str]) -> Config:
    """Read and check a ``diagnostic.toml``.

    Parameters
    ----------
    path : path
        The config file.

    Returns
    -------
    Config

    Raises
    ------
    ConfigError
        Unreadable TOML, unknown language, a data entry without ``path`` (except
        ``[data.sectors]`` with ``grid_m``), an ill-formed ``grid_m`` or ``shape``, a
        ``[data.population]`` table with grid sectors (whose cells no table names),
        a period that ends before it starts, a geographic CRS, an unknown or
        ill-typed ``[parameters]`` key (see :mod:`diagnostic_lib.settings`),
        ill-formed category aliases (``[taxonomy.aliases]``, ``[taxonomy] categories``),
        or an unknown base in ``[denominators]``.

    Examples
    --------
    >>> from diagnostic_lib import sample
    >>> cfg = load_config(sample.sample_dir() / "diagnostic.toml")
    >>> sorted(cfg.data)[:3], cfg.param("grid_cell_m")
    (['incidents', 'measures', 'partners'], 200.0)
    """
    return config_from_dict(read_toml(path), Path(path))


def read_toml(path: str | PathLike[str]) -> dict[str, Any]:
    r"""A TOML file's tables, or a :class:`ConfigError` that says what is wrong with it.

    Parameters
    ----------
    path : path
        The file (a byte-order mark is allowed).

    Returns
    -------
    dict

    Raises
    ------
    ConfigError
        The file does not exist, or is not TOML (the message names the file).

    Examples
    --------
    >>> import tempfile, pathlib
    >>> p = pathlib.Path(tempfile.mkdtemp()) / "x.toml"
    >>> _ = p.write_text('[a]\nb = 1\n')
    >>> read_toml(p)
    {'a': {'b': 1}}
    """
    p = Path(path)
    name = str(path)
    if not p.is_file():
        raise ConfigError(f"{name}: {bilingual('config.error.not_found')}")
    try:
        return tomllib.loads(p.read_text(encoding="utf-8-sig"))
    except (tomllib.TOMLDecodeError, UnicodeDecodeError) as exc:
        raise ConfigError(f"{name}: {unreadable(exc, 'toml')}") from None


def config_from_dict(raw: dict[str, Any], path: Path | None = None) -> Config:
    """Build a :class:`Config` from an already-parsed mapping (see :func:`load_config`).

    Examples
    --------
    >>> config_from_dict({"diagnostic": {"language": "en"}}).language
    'en'
    >>> config_from_dict({"diagnostic": {"language": "de"}})
    Traceback (most recent call last):
    ...
    diagnostic_lib.errors.ConfigError: <config>: [diagnostic] language must be 'fr' or 'en', ...
    """
    name = str(path) if path else "<config>"
    for section in ("municipality", "diagnostic", "data", "parameters", "designs", "maps", "cache"):
        if not isinstance(raw.get(section, {}) or {}, dict):
            message = bilingual(
                "config.error.section_not_table", section=section, value=repr(raw[section])
            )
            raise ConfigError(f"{name}: {message}")
    mun = raw.get("municipality", {}) or {}
    diag = raw.get("diagnostic", {}) or {}
    cfg = Config(
        path=path.resolve() if path else None,
        raw=raw,
        denominators=denominators_mod.check_denominators(raw.get("denominators") or {}, name),
    )
    cfg.municipality = str(mun.get("name", cfg.municipality))
    cfg.crs = str(mun.get("crs", diag.get("crs", cfg.crs)))
    lang = str(diag.get("language", mun.get("language", "fr")))
    if lang not in ("fr", "en"):
        raise ConfigError(f"{name}: {bilingual('config.error.language', value=repr(lang))}")
    cfg.language = lang
    cfg.period_start = _timestamp(diag.get("period_start"), "diagnostic.period_start", name)
    cfg.period_end = _timestamp(diag.get("period_end"), "diagnostic.period_end", name)
    cfg.exported_on = _timestamp(diag.get("exported_on"), "diagnostic.exported_on", name)
    if (
        cfg.period_start is not None
        and cfg.period_end is not None
        and cfg.period_end < cfg.period_start
    ):
        message = bilingual(
            "config.error.period", end=cfg.period_end.date(), start=cfg.period_start.date()
        )
        raise ConfigError(f"{name}: {message}")
    check_metric_crs(cfg.crs, where=f"{name}: [municipality] crs")
    for table, spec in (raw.get("data", {}) or {}).items():
        if table not in KNOWN_TABLES:
            message = bilingual(
                "config.error.unknown_table", table=table, known=", ".join(KNOWN_TABLES)
            )
            raise ConfigError(f"{name}: {message}")
        grid = isinstance(spec, dict) and _grid_options(table, spec, name)
        by_column = isinstance(spec, dict) and _sector_column_option(table, spec, name)
        if not isinstance(spec, dict) or ("path" not in spec and not grid and not by_column):
            raise ConfigError(f"{name}: {bilingual('config.error.no_path', table=table)}")
        sep = spec.get("sep")
        if "sep" in spec and not (isinstance(sep, str) and len(sep) == 1 and sep not in '\r\n"'):
            message = bilingual("config.error.sep", table=table, value=repr(sep))
            raise ConfigError(f"{name}: {message}")
        fpaths = expand_paths(spec["path"], cfg.base_dir) if "path" in spec else []
        if "path" in spec and not fpaths:
            message = bilingual("config.error.no_file_matches", table=table, pattern=spec["path"])
            raise ConfigError(f"{name}: {message}")
        columns = {str(k): str(v) for k, v in (spec.get("columns", {}) or {}).items()}
        options = {k: v for k, v in spec.items() if k not in ("path", "preset", "columns")}
        cfg.data[table] = DataSpec(
            table,
            fpaths[0] if fpaths else None,
            str(spec.get("preset", "generic")),
            columns,
            options,
            fpaths,
        )
    _check_grid_population(cfg, name)
    cfg.parameters = settings.validate(raw.get("parameters", {}) or {}, name)
    cfg.designs = _designs(raw.get("designs", {}) or {}, name)
    cfg.tiles = _tiles(raw.get("maps", {}) or {}, name)
    _read_cache_table(cfg, raw, name)
    _taxonomy_paths(cfg, raw, name)
    cfg.category_aliases, cfg.category_alias_where = _category_aliases(
        raw.get("taxonomy", {}) or {}, cfg.base_dir, name
    )
    return cfg


def _taxonomy_paths(cfg: Config, raw: dict[str, Any], name: str) -> None:
    """``[taxonomy] path`` and ``[severity] path``, relative to the config's folder."""
    for key, attr in (("taxonomy", "taxonomy_path"), ("severity", "severity_path")):
        sec = raw.get(key, {}) or {}
        if not isinstance(sec, dict):
            message = bilingual("config.error.section_not_table", section=key, value=repr(sec))
            raise ConfigError(f"{name}: {message}")
        if "path" in sec:
            q = Path(str(sec["path"]))
            setattr(cfg, attr, q if q.is_absolute() else cfg.base_dir / q)


CACHE_KEYS: tuple[str, ...] = ("enabled", "dir")
"""The keys of ``[cache]``."""


def _read_cache_table(cfg: Config, raw: dict[str, Any], name: str) -> None:
    """``[cache] enabled`` (a boolean) and ``dir`` (a folder, relative to the config's)."""
    section = raw.get("cache", {}) or {}
    for key, value in section.items():
        ok = (key == "enabled" and isinstance(value, bool)) or (
            key == "dir" and isinstance(value, str) and value.strip() != ""
        )
        if not ok:
            message = bilingual("config.error.cache", key=key, value=repr(value))
            raise ConfigError(f"{name}: {message}")
    folder = section.get("dir")
    cfg.cache_enabled = bool(section.get("enabled", True))
    cfg.cache_dir = Path(folder) if folder is not None else None


MAPS_KEYS: tuple[str, ...] = ("tiles", "attribution", "max_zoom")
"""The keys of ``[maps]``."""


def _tiles(maps: dict[str, Any], name: str) -> TileSource | None:
    """The tile source of ``[maps]`` (``None`` without ``tiles``, or with ``tiles = ""``).

    Examples
    --------
    >>> _tiles({"tiles": "OpenStreetMap.Mapnik"}, "<config>").attribution
    '© OpenStreetMap contributors'
    >>> _tiles({"tiles": "https://t.example.org/{z}/{x}/{y}.png"}, "diagnostic.toml")
    Traceback (most recent call last):
    ...
    diagnostic_lib.errors.ConfigError: diagnostic.toml: [maps] tiles is a URL template: ...
    """
    unknown = sorted(set(maps) - set(MAPS_KEYS))
    if unknown:
        message = bilingual("config.error.maps_key", key=unknown[0], known=", ".join(MAPS_KEYS))
        raise ConfigError(f"{name}: {message}")
    tiles = maps.get("tiles")
    if tiles is None or (isinstance(tiles, str) and not tiles.strip()):
        return None
    attribution = maps.get("attribution")
    zoom = maps.get("max_zoom")
    if (
        not isinstance(tiles, str)
        or (attribution is not None and not isinstance(attribution, str))
        or (zoom is not None and (isinstance(zoom, bool) or not isinstance(zoom, int)))
    ):
        message = bilingual("config.error.maps_type", value=repr(maps))
        raise ConfigError(f"{name}: {message}")
    try:
        return tile_source(tiles, attribution, zoom)
    except ValueError as exc:
        message = bilingual(f"config.error.{exc.args[0]}", tiles=tiles)
        raise ConfigError(f"{name}: {message}") from None


GRID_SHAPES: tuple[str, ...] = ("square", "hex")
"""The cell shapes of ``[data.sectors] shape`` (sectors made as a grid, ``grid_m``)."""


def _grid_options(table: str, spec: dict[str, Any], name: str) -> bool:
    """Check ``grid_m`` and ``shape`` of a ``[data.<table>]`` entry; whether it asks for a grid.

    ``grid_m`` (a number of metres > 0) is for ``[data.sectors]`` only; ``shape`` is
    ``square`` (default) or ``hex``.
    """
    if "grid_m" not in spec:
        return False
    if table != "sectors":
        raise ConfigError(f"{name}: {bilingual('config.error.grid_not_sectors', table=table)}")
    size = spec["grid_m"]
    if isinstance(size, bool) or not isinstance(size, int | float) or not 0 < size < float("inf"):
        raise ConfigError(f"{name}: {bilingual('config.error.grid_m', value=repr(size))}")
    shape = spec.get("shape", "square")
    if shape not in GRID_SHAPES:
        known = ", ".join(GRID_SHAPES)
        message = bilingual("config.error.grid_shape", value=repr(shape), known=known)
        raise ConfigError(f"{name}: {message}")
    return True


def _sector_column_option(table: str, spec: dict[str, Any], name: str) -> bool:
    """Check ``sector_column`` of a ``[data.<table>]`` entry; whether sectors are a column's codes.

    ``sector_column`` names a column of the incidents whose codes are the sectors
    (no boundary file): for ``[data.sectors]`` only, without ``path`` or ``grid_m``.
    """
    if "sector_column" not in spec:
        return False
    value = spec["sector_column"]
    if (
        table != "sectors"
        or not isinstance(value, str)
        or not value.strip()
        or "path" in spec
        or "grid_m" in spec
    ):
        message = bilingual("config.error.sector_column", table=table, value=repr(value))
        raise ConfigError(f"{name}: {message}")
    return True


def _check_grid_population(cfg: Config, name: str) -> None:
    """Refuse a ``[data.population]`` table with grid sectors: no table names generated cells."""
    sectors = cfg.data.get("sectors")
    if "population" in cfg.data and sectors is not None and "grid_m" in sectors.options:
        file = cfg.raw["data"]["population"]["path"]
        message = bilingual("config.error.grid_population", file=file)
        raise ConfigError(f"{name}: {message}")


GLOB_CHARACTERS = ("*", "?", "[")


def expand_paths(spec: Any, base: Path) -> list[Path]:
    """The files of a ``path`` entry: a path, a glob, or a list of either, in a stable order.

    Parameters
    ----------
    spec : str or list of str
        As written in ``[data.<table>] path``.
    base : Path
        The folder relative paths are read from (the config's).

    Returns
    -------
    list of Path
        Globs expanded and sorted by name (files only); a plain path is kept as
        given, even when it does not exist (the loader says so); repeats removed.
        A glob that matches no file gives an empty list.

    Examples
    --------
    >>> import tempfile
    >>> d = Path(tempfile.mkdtemp())
    >>> for name in ("2024-02.csv", "2024-01.csv", "notes.txt"):
    ...     _ = (d / name).write_text("x")
    >>> [p.name for p in expand_paths("*.csv", d)]
    ['2024-01.csv', '2024-02.csv']
    >>> [p.name for p in expand_paths(["2024-02.csv", "2024-*.csv"], d)]
    ['2024-02.csv', '2024-01.csv']
    """
    items = [spec] if isinstance(spec, str | Path) else list(spec)
    out: list[Path] = []
    for item in items:
        p = Path(str(item))
        full = p if p.is_absolute() else base / p
        if any(ch in str(item) for ch in GLOB_CHARACTERS):
            found = sorted(Path(f) for f in glob.glob(str(full), recursive=True))
            out.extend(f for f in found if f.is_file())
        else:
            out.append(full)
    return list(dict.fromkeys(out))


def _category_aliases(
    section: dict[str, Any], base_dir: Path, name: str
) -> tuple[dict[str, str], dict[str, str]]:
    """Source label → code from ``[taxonomy] categories`` then ``[taxonomy.aliases]``.

    ``categories`` is a file, a packaged code table (``"ucr2"``, see
    :data:`~diagnostic_lib.taxonomy.CODE_TABLES`) or a list of them; a later one
    wins over an earlier one, and ``[taxonomy.aliases]`` over all. Returns the
    mapping and where each label was written. Rows of a categories file with an
    empty code are left out (labels not mapped yet).
    """
    mapping: dict[str, str] = {}
    where: dict[str, str] = {}
    given = section.get("categories", [])
    for item in [given] if isinstance(given, str) else list(given):
        if str(item) in taxonomy_mod.CODE_TABLES:
            found, found_where = taxonomy_mod.code_table_aliases(str(item))
            mapping.update(found)
            where.update(found_where)
            continue
        q = Path(str(item))
        q = q if q.is_absolute() else base_dir / q
        try:
            raw = read_table(q)
        except DataError as exc:
            raise ConfigError(f"{name}: [taxonomy] categories: {exc}") from None
        columns = {c.strip().lower(): c for c in map(str, raw.frame.columns)}
        if not {"source_label", "code"} <= set(columns):
            message = bilingual("config.error.categories_columns", columns=list(columns.values()))
            raise ConfigError(f"{q}: {message}")
        labels = as_text(raw.frame[columns["source_label"]])
        codes = as_text(raw.frame[columns["code"]])
        for row, label, code in zip(raw.rows, labels, codes, strict=True):
            if label and code:
                mapping[label] = code
                where[label] = f"{q.name}, row {row} ({label!r})"
    aliases = section.get("aliases", {})
    if not isinstance(aliases, dict):
        message = bilingual("config.error.aliases_not_table", value=repr(aliases))
        raise ConfigError(f"{name}: {message}")
    for label, code in aliases.items():
        if not isinstance(code, str):
            message = bilingual("config.error.alias_not_text", label=label, value=repr(code))
            raise ConfigError(f"{name}: {message}")
        mapping[str(label).strip()] = code.strip()
        where[str(label).strip()] = f'{name}: [taxonomy.aliases] "{label}"'
    return mapping, where


DESIGN_KEYS: dict[str, type] = {
    "window_months": int,
    "lag_months": int,
    "buffer_m": float,
    "control": str,
    "registered": str,
}
"""What a pre-registered design of ``[designs.<measure id>]`` may fix, and its type."""


def _designs(raw: Any, name: str) -> dict[str, dict[str, Any]]:
    """The pre-registered evaluation designs of ``[designs.<measure id>]``, checked.

    Each design fixes the windows, the lag, the ring and the control of one measure
    before its after-period data exist (``registered``: the date it was fixed). Step
    3 uses it, and only it, for that measure.
    """
    if not isinstance(raw, dict):
        raise ConfigError(f"{name}: {bilingual('config.error.designs_not_table')}")
    out: dict[str, dict[str, Any]] = {}
    for mid, spec in raw.items():
        if not isinstance(spec, dict):
            raise ConfigError(f"{name}: {bilingual('config.error.design_not_table', measure=mid)}")
        design: dict[str, Any] = {}
        for key, value in spec.items():
            kind = DESIGN_KEYS.get(key)
            what = {"measure": mid, "key": key, "value": repr(value)}
            if kind is None:
                known = ", ".join(DESIGN_KEYS)
                message = bilingual("config.error.design_unknown_key", known=known, **what)
                raise ConfigError(f"{name}: {message}")
            if key == "registered":
                design[key] = _timestamp(value, f"designs.{mid}.registered", name)
                continue
            if kind is str:
                if value not in ("rest", "similar", "level"):
                    raise ConfigError(f"{name}: {bilingual('config.error.design_control', **what)}")
                design[key] = value
                continue
            if isinstance(value, bool) or not isinstance(value, (int, float)) or value < 0:
                raise ConfigError(f"{name}: {bilingual('config.error.design_number', **what)}")
            if kind is int and not float(value).is_integer():
                raise ConfigError(f"{name}: {bilingual('config.error.design_whole', **what)}")
            if key == "window_months" and value < 1:
                raise ConfigError(f"{name}: {bilingual('config.error.design_window', **what)}")
            design[key] = kind(value)
        out[str(mid)] = design
    return out
