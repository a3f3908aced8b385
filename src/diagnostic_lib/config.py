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
    [data.incidents.columns]      # optional: canonical field = source column
    occurred_from = "Date_début"

    [parameters]
    grid_cell_m = 200

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

import tomllib
from dataclasses import dataclass, field
from os import PathLike
from pathlib import Path
from typing import Any

import pandas as pd

from . import schema, settings
from .crs import check_metric_crs
from .errors import ConfigError, bilingual, unreadable

KNOWN_TABLES = (
    "sectors",
    "population",
    "incidents",
    "measures",
    "survey",
    "partners",
    "places",
)

DEFAULT_PARAMETERS: dict[str, Any] = settings.defaults()
"""Default analysis parameters (:mod:`diagnostic_lib.settings`); ``[parameters]`` overrides them."""


@dataclass
class DataSpec:
    """One data file of the config: where it is and how to read it."""

    table: str
    path: Path
    preset: str = "generic"
    columns: dict[str, str] = field(default_factory=dict)
    options: dict[str, Any] = field(default_factory=dict)


@dataclass
class Config:
    """A parsed ``diagnostic.toml``."""

    path: Path | None
    municipality: str = "Municipalité"
    crs: str = schema.DEFAULT_CRS
    language: str = "fr"
    period_start: pd.Timestamp | None = None
    period_end: pd.Timestamp | None = None
    data: dict[str, DataSpec] = field(default_factory=dict)
    parameters: dict[str, Any] = field(default_factory=settings.defaults)
    taxonomy_path: Path | None = None
    severity_path: Path | None = None
    designs: dict[str, dict[str, Any]] = field(default_factory=dict)
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
        Unreadable TOML, unknown language, a data entry without ``path``,
        a period that ends before it starts, a geographic CRS, or an unknown or
        ill-typed ``[parameters]`` key (see :mod:`diagnostic_lib.settings`).

    Examples
    --------
    >>> from diagnostic_lib import sample
    >>> cfg = load_config(sample.sample_dir() / "diagnostic.toml")
    >>> sorted(cfg.data)[:3], cfg.param("grid_cell_m")
    (['incidents', 'measures', 'partners'], 200.0)
    """
    p = Path(path)
    name = str(path)
    if not p.is_file():
        raise ConfigError(f"{name}: {bilingual('config.error.not_found')}")
    try:
        raw = tomllib.loads(p.read_text(encoding="utf-8-sig"))
    except (tomllib.TOMLDecodeError, UnicodeDecodeError) as exc:
        raise ConfigError(f"{name}: {unreadable(exc, 'toml')}") from None
    return config_from_dict(raw, p)


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
    for section in ("municipality", "diagnostic", "data", "parameters", "designs"):
        if not isinstance(raw.get(section, {}) or {}, dict):
            message = bilingual(
                "config.error.section_not_table", section=section, value=repr(raw[section])
            )
            raise ConfigError(f"{name}: {message}")
    mun = raw.get("municipality", {}) or {}
    diag = raw.get("diagnostic", {}) or {}
    cfg = Config(path=path.resolve() if path else None, raw=raw)
    cfg.municipality = str(mun.get("name", cfg.municipality))
    cfg.crs = str(mun.get("crs", diag.get("crs", cfg.crs)))
    lang = str(diag.get("language", mun.get("language", "fr")))
    if lang not in ("fr", "en"):
        raise ConfigError(f"{name}: {bilingual('config.error.language', value=repr(lang))}")
    cfg.language = lang
    cfg.period_start = _timestamp(diag.get("period_start"), "diagnostic.period_start", name)
    cfg.period_end = _timestamp(diag.get("period_end"), "diagnostic.period_end", name)
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
        if not isinstance(spec, dict) or "path" not in spec:
            raise ConfigError(f"{name}: {bilingual('config.error.no_path', table=table)}")
        sep = spec.get("sep")
        if "sep" in spec and not (isinstance(sep, str) and len(sep) == 1 and sep not in '\r\n"'):
            message = bilingual("config.error.sep", table=table, value=repr(sep))
            raise ConfigError(f"{name}: {message}")
        fpath = Path(str(spec["path"]))
        if not fpath.is_absolute():
            fpath = cfg.base_dir / fpath
        columns = {str(k): str(v) for k, v in (spec.get("columns", {}) or {}).items()}
        options = {k: v for k, v in spec.items() if k not in ("path", "preset", "columns")}
        cfg.data[table] = DataSpec(
            table, fpath, str(spec.get("preset", "generic")), columns, options
        )
    cfg.parameters = settings.validate(raw.get("parameters", {}) or {}, name)
    cfg.designs = _designs(raw.get("designs", {}) or {}, name)
    for key, attr in (("taxonomy", "taxonomy_path"), ("severity", "severity_path")):
        sec = raw.get(key, {}) or {}
        if "path" in sec:
            q = Path(str(sec["path"]))
            setattr(cfg, attr, q if q.is_absolute() else cfg.base_dir / q)
    return cfg


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
