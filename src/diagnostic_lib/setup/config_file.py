r"""The ``diagnostic.toml`` and ``categories.csv`` that ``init`` writes, from the files inspected.

:func:`render_config` turns what :func:`~diagnostic_lib.setup.inspection.inspect_file`
found into a commented ``diagnostic.toml`` (a Jinja2 template; every comment,
in French then English, comes from the label catalogue and says what the entry
is and what to check); :func:`write_config` writes it with ``categories.csv``
(:func:`~diagnostic_lib.setup.categories.category_table`) into one folder, the
data paths written relative to that folder.

Examples
--------
>>> import tempfile, pathlib
>>> d = pathlib.Path(tempfile.mkdtemp())
>>> _ = (d / "inc.csv").write_text("date,category\n2024-01-02,Vol\n")
>>> cfg, cats = write_config(d / "out", {"incidents": ["inc.csv"]}, base=d)
>>> from diagnostic_lib.config import load_config
>>> load_config(cfg).data["incidents"].path.name, cats.name
('inc.csv', 'categories.csv')
"""

from __future__ import annotations

import json
import os
import textwrap
from collections.abc import Mapping, Sequence
from os import PathLike
from pathlib import Path
from typing import Any

import jinja2
import pandas as pd

from .. import i18n, schema
from .. import taxonomy as taxonomy_mod
from ..config import expand_paths
from ..errors import ConfigError, DataError, bilingual
from .categories import category_table
from .inspection import category_counts, inspect_file

CONFIG_NAME = "diagnostic.toml"
CATEGORIES_NAME = "categories.csv"

_TEMPLATE = """\
{{ c("setup.toml.header") }}

[municipality]
{{ c("setup.toml.municipality") }}
name = {{ q(name) }}
crs = {{ q(crs) }}

[diagnostic]
{{ c("setup.toml.diagnostic") }}
language = {{ q(language) }}
# period_start = "2022-01-01"
# period_end = "2025-12-31"
{% for e in entries %}

[data.{{ e.table }}]
{% for line in e.comments %}
{{ line }}
{% endfor %}
path = {{ e.path }}
preset = {{ q(e.preset) }}
{% if e.source_crs %}
source_crs = {{ q(e.source_crs) }}
{% endif %}
{% if e.encoding %}
# encoding = {{ q(e.encoding) }}
# sep = {{ q(e.sep) }}
{% endif %}
{% if e.table == "incidents" %}
{{ c("setup.toml.options") }}
{% endif %}
{% if e.table == "sectors" and grid_m %}
{{ c("setup.toml.grid_clipped") }}
grid_m = {{ grid_m }}
{% endif %}
[data.{{ e.table }}.columns]
{{ c("setup.toml.columns") }}
{% if e.missing %}
{{ c("setup.toml.missing_fields", fields=", ".join(e.missing)) }}
{% endif %}
{% for field, column, note in e.columns %}
{{ field }} = {{ q(column) }}{% if note %}  # {{ note }}{% endif %}

{% endfor %}
{% endfor %}
{% if grid_m and not entries|selectattr("table", "equalto", "sectors")|list %}

[data.sectors]
{{ c("setup.toml.grid") }}
grid_m = {{ grid_m }}
# shape = "hex"
{% endif %}
{% if categories %}

[taxonomy]
{{ c("setup.toml.taxonomy", n=unmatched) }}
{% if categories is not string %}
{{ c("setup.toml.ucr2") }}
{% endif %}
categories = {{ q(categories) }}
{{ c("setup.toml.aliases") }}
# [taxonomy.aliases]
# "Vol dans véhicule" = "theft_from_vehicle"
{% endif %}

[parameters]
{{ c("setup.toml.parameters") }}
# grid_cell_m = 200
"""


def _comment(key: str, labels: Mapping[str, str] | None = None, **values: Any) -> str:
    """A label as TOML comment lines, French then English, wrapped.

    ``labels`` gives placeholders whose values are label keys, said in each language.
    """
    lines = []
    for lang in i18n.LANGS:
        said = {k: i18n.t(v, lang) for k, v in (labels or {}).items()}
        text = i18n.t(key, lang, **values, **said)
        lines += textwrap.wrap(text, 92, initial_indent="# ", subsequent_indent="#   ")
    return "\n".join(lines)


def _quote(value: Any) -> str:
    """A TOML basic string (or a list of them)."""
    if isinstance(value, list | tuple):
        return "[" + ", ".join(_quote(v) for v in value) + "]"
    return json.dumps(str(value), ensure_ascii=False)


def _bounds(b: Sequence[float] | None) -> str:
    if b is None:
        return "—"
    x0, y0, x1, y1 = (f"{v:.0f}" if abs(v) >= 1000 else f"{v:.4f}" for v in b)
    return f"x {x0} … {x1}, y {y0} … {y1}"


def position_label(
    pos: Mapping[str, Any] | None, fields: Mapping[str, str]
) -> tuple[str, dict[str, Any]]:
    """The label key and values that say where a file's positions are and in which CRS.

    Examples
    --------
    >>> position_label(None, {})
    ('setup.toml.no_position', {})
    >>> position_label({"kind": "lonlat", "crs": "EPSG:4326", "guessed": False},
    ...                {"lon": "Longitude", "lat": "Latitude"})
    ('setup.toml.crs_lonlat', {'x': 'Longitude', 'y': 'Latitude'})
    """
    if pos is None:
        return "setup.toml.no_position", {}
    if pos.get("chosen"):
        return "setup.toml.crs_chosen", {"crs": pos["crs"]}
    if pos["kind"] == "lonlat":
        return "setup.toml.crs_lonlat", {"x": fields["lon"], "y": fields["lat"]}
    if not pos["guessed"]:
        return "setup.toml.crs_declared", {"crs": pos["crs"]}
    what = {"xy": f"{fields.get('x')}, {fields.get('y')}", "wkt": fields.get("wkt", "")}
    return "setup.toml.crs_guessed", {
        "what": f"{what.get(pos['kind'], pos['kind'])} → {pos['crs']}",
        "bounds": _bounds(pos["bounds"]),
    }


def _position_comment(pos: dict[str, Any] | None, fields: Mapping[str, str]) -> str:
    key, values = position_label(pos, fields)
    return _comment(key, **values)


def _entry(table: str, path: Any, infos: list[dict[str, Any]], preset: str) -> dict[str, Any]:
    """What the template writes for one ``[data.<table>]``."""
    first = infos[0]
    detail = "; ".join(f"{k} {v}" for k, v in (("format", first["format"]),))
    comments = [_comment("setup.toml.table", table=table, detail=detail)]
    if first["format"] == "csv":
        comments.append(
            _comment(
                "setup.toml.detected",
                n=first["rows_sampled"],
                encoding=first["encoding"],
                sep=repr(first["sep"]),
            )
        )
    if len(infos) > 1:
        comments.append(_comment("setup.toml.several_files", n=len(infos)))
        for other in infos[1:]:
            if other["columns"] != first["columns"]:
                comments.append(
                    _comment(
                        "setup.toml.different_columns",
                        file=other["path"].name,
                        first=first["path"].name,
                    )
                )
    dates = first["dates"]
    if dates is not None:
        comments.append(
            _comment(
                "setup.toml.dates",
                column=dates["column"],
                example=repr(dates["example"]),
                labels={"precision": f"setup.toml.precision.{dates['precision']}"},
                share=f"{dates['share']:.0%}",
            )
        )
    pos = first["positions"]
    if table in ("incidents", "sectors", "measures", "places"):
        comments.append(_position_comment(pos, first["fields"]))
    source_crs = pos["crs"] if pos is not None and (pos["guessed"] or pos.get("chosen")) else None
    note = " / ".join(i18n.t("setup.toml.by_values", lang) for lang in i18n.LANGS)
    columns = [
        (field, column, note if field in first["by_values"] else "")
        for field, column in first["fields"].items()
    ]
    return {
        "table": table,
        "path": _quote(path),
        "preset": preset,
        "comments": comments,
        "source_crs": source_crs,
        "encoding": first["encoding"] if first["format"] == "csv" else None,
        "sep": first["sep"],
        "missing": first["missing"],
        "columns": columns,
    }


def render_config(
    entries: list[dict[str, Any]],
    *,
    name: str = "Municipalité",
    language: str = "fr",
    crs: str = schema.DEFAULT_CRS,
    categories: str | list[str] | None = CATEGORIES_NAME,
    unmatched: int = 0,
    grid_m: float | None = None,
) -> str:
    """The text of a commented ``diagnostic.toml``.

    Parameters
    ----------
    entries : list of dict
        One per ``[data.<table>]``, as :func:`write_config` makes them (``table``,
        ``path`` as TOML, ``preset``, ``comments``, ``source_crs``, ``encoding``,
        ``sep``, ``missing``, ``columns`` as (field, column, note) triples).
    name, language, crs : str
        ``[municipality] name``, ``[diagnostic] language``, ``[municipality] crs``.
    categories : str or list of str, optional
        ``[taxonomy] categories`` (``None``: no ``[taxonomy]`` section; a list
        starting with a packaged code table such as ``"ucr2"`` is commented as such).
    unmatched : int
        Labels without a code (said in the comment).
    grid_m : float, optional
        Sectors as a generated grid of this cell size: over the incidents when no
        sectors file is given, else clipped to it.

    Returns
    -------
    str

    Examples
    --------
    >>> text = render_config([], name="Val-des-Sources", language="en")
    >>> 'name = "Val-des-Sources"' in text, 'categories = "categories.csv"' in text
    (True, True)
    """
    env = jinja2.Environment(
        trim_blocks=True, lstrip_blocks=True, keep_trailing_newline=True, autoescape=False
    )
    template = env.from_string(_TEMPLATE)
    return template.render(
        c=_comment,
        q=_quote,
        entries=entries,
        name=name,
        language=language,
        crs=crs,
        categories=categories,
        unmatched=unmatched,
        grid_m=f"{grid_m:g}" if grid_m else None,
    )


def _relative(spec: str, base: Path, out_dir: Path) -> str:
    """A path or glob as given (relative to ``base``), written relative to ``out_dir``."""
    p = Path(spec)
    full = p if p.is_absolute() else base / p
    return Path(os.path.relpath(os.path.abspath(full), os.path.abspath(out_dir))).as_posix()


def _matched_rows(labels: pd.Series, counts: pd.Series, tax: pd.DataFrame) -> int:
    """Rows whose label the taxonomy gives a code (labels with their row counts)."""
    found = taxonomy_mod.lookup_categories(labels, tax) != ""
    return int(counts[found.to_numpy()].sum())


def guess_files(
    files: Mapping[str, Sequence[str]],
    *,
    base: str | PathLike[str] | None = None,
    preset: str = "generic",
    crs: str = schema.DEFAULT_CRS,
    taxonomy: pd.DataFrame | None = None,
) -> dict[str, Any]:
    r"""Inspect every file (a sample of each) and count the incidents' category labels.

    Parameters
    ----------
    files : dict
        Table → paths or globs as given (relative to ``base``).
    base : path, optional
        The folder the given paths are relative to (default: the current one).
    preset : str
        The column-mapping preset of every file.
    crs : str
        The analysis CRS.
    taxonomy : DataFrame, optional
        Default: the packaged taxonomy.

    Returns
    -------
    dict
        ``files`` (table → the paths or globs as given), ``base``, ``preset``,
        ``crs``, ``infos`` (table → one :func:`~.inspection.inspect_file` result
        per file), ``categories`` (:func:`~.categories.category_table` of the
        labels of every incidents file) and ``code_tables`` (``["ucr2"]`` when
        the packaged UCR2 table gives a code to more rows than the taxonomy alone).

    Raises
    ------
    DataError
        A path or glob that names no file.

    Examples
    --------
    >>> import tempfile, pathlib
    >>> d = pathlib.Path(tempfile.mkdtemp())
    >>> _ = (d / "inc.csv").write_text("date,category\n2024-01-02,Vol\n2024-01-03,Vol\n")
    >>> g = guess_files({"incidents": ["inc.csv"]}, base=d)
    >>> g["infos"]["incidents"][0]["fields"], g["categories"]["count"].tolist()
    ({'occurred_from': 'date', 'category': 'category'}, [2])
    """
    root = Path.cwd() if base is None else Path(base)
    tax = taxonomy_mod.load_taxonomy() if taxonomy is None else taxonomy
    # labels written as UCR2 violation codes are recognised through the packaged table
    try:
        ucr_tax = taxonomy_mod.with_aliases(tax, taxonomy_mod.code_table_aliases("ucr2")[0])
    except ConfigError:  # a taxonomy of one's own without the codes ucr2 maps to
        ucr_tax = tax
    infos: dict[str, list[dict[str, Any]]] = {}
    counts: dict[str, int] = {}
    for table, specs in files.items():
        paths = expand_paths(list(specs), root)
        if not paths or not all(p.is_file() for p in paths):
            message = bilingual("config.error.no_file_matches", table=table, pattern=list(specs))
            raise DataError(message)
        infos[table] = [
            inspect_file(p, table, preset=preset, crs=crs, taxonomy=ucr_tax) for p in paths
        ]
        if table == "incidents":
            for info in infos[table]:
                for label, n in category_counts(info).items():
                    counts[label] = counts.get(label, 0) + int(n)
    labels = pd.Series(list(counts), dtype="str")
    weights = pd.Series(list(counts.values()), dtype="int64")
    ucr = _matched_rows(labels, weights, ucr_tax) > _matched_rows(labels, weights, tax)
    return {
        "files": {t: list(v) for t, v in files.items()},
        "base": root,
        "preset": preset,
        "crs": crs,
        "infos": infos,
        "categories": category_table(pd.Series(counts, dtype="int64"), ucr_tax if ucr else tax),
        "code_tables": ["ucr2"] if ucr else [],
    }


def config_text(
    guesses: Mapping[str, Any],
    out_dir: str | PathLike[str],
    *,
    name: str = "Municipalité",
    language: str = "fr",
    grid_m: float | None = None,
) -> str:
    r"""The ``diagnostic.toml`` that :func:`write_guesses` writes into ``out_dir`` (not written).

    Parameters
    ----------
    guesses : dict
        From :func:`guess_files` (or corrected,
        :func:`~diagnostic_lib.setup.corrections.apply_corrections`).
    out_dir : path
        The config's folder: the data paths are written relative to it.
    name, language : str
        The municipality's name and the report language.
    grid_m : float, optional
        Sectors as a generated grid of this cell size.

    Returns
    -------
    str

    Examples
    --------
    >>> import tempfile, pathlib
    >>> d = pathlib.Path(tempfile.mkdtemp())
    >>> _ = (d / "inc.csv").write_text("date,category\n2024-01-02,Vol\n")
    >>> text = config_text(guess_files({"incidents": ["inc.csv"]}, base=d), d / "out")
    >>> 'path = "../inc.csv"' in text
    True
    """
    out = Path(out_dir)
    entries = []
    for table, specs in guesses["files"].items():
        written = [_relative(s, guesses["base"], out) for s in specs]
        path = written[0] if len(written) == 1 else written
        entries.append(_entry(table, path, guesses["infos"][table], guesses["preset"]))
    cats = guesses["categories"]
    return render_config(
        entries,
        name=name,
        language=language,
        crs=guesses["crs"],
        categories=[*guesses.get("code_tables", []), CATEGORIES_NAME]
        if guesses.get("code_tables")
        else CATEGORIES_NAME,
        unmatched=int((cats["code"] == "").sum()),
        grid_m=grid_m,
    )


def write_guesses(
    out_dir: str | PathLike[str],
    guesses: Mapping[str, Any],
    *,
    name: str = "Municipalité",
    language: str = "fr",
    grid_m: float | None = None,
) -> tuple[Path, Path]:
    r"""Write ``diagnostic.toml`` (:func:`config_text`) and ``categories.csv`` into ``out_dir``.

    Parameters
    ----------
    out_dir : path
        The folder written (made if needed).
    guesses : dict
        From :func:`guess_files`, corrected or not.
    name, language : str
        The municipality's name and the report language.
    grid_m : float, optional
        Sectors as a generated grid of this cell size.

    Returns
    -------
    (Path, Path)
        The config and the categories table written.

    Examples
    --------
    >>> import tempfile, pathlib
    >>> d = pathlib.Path(tempfile.mkdtemp())
    >>> _ = (d / "inc.csv").write_text("date,category\n2024-01-02,Vol\n")
    >>> cfg, cats = write_guesses(d / "out", guess_files({"incidents": ["inc.csv"]}, base=d))
    >>> cfg.name, cats.name
    ('diagnostic.toml', 'categories.csv')
    """
    out = Path(out_dir)
    text = config_text(guesses, out, name=name, language=language, grid_m=grid_m)
    out.mkdir(parents=True, exist_ok=True)
    cats_path = out / CATEGORIES_NAME
    guesses["categories"].to_csv(cats_path, index=False, encoding="utf-8", lineterminator="\n")
    cfg_path = out / CONFIG_NAME
    cfg_path.write_text(text, encoding="utf-8")
    return cfg_path, cats_path


def write_config(  # noqa: PLR0913 - keyword options of one call, each a config key
    out_dir: str | PathLike[str],
    files: Mapping[str, Sequence[str]],
    *,
    base: str | PathLike[str] | None = None,
    name: str = "Municipalité",
    language: str = "fr",
    crs: str = schema.DEFAULT_CRS,
    preset: str = "generic",
    taxonomy: pd.DataFrame | None = None,
    grid_m: float | None = None,
) -> tuple[Path, Path]:
    r"""Inspect the files and write ``diagnostic.toml`` and ``categories.csv`` into ``out_dir``.

    :func:`guess_files` then :func:`write_guesses`.

    Parameters
    ----------
    out_dir : path
        The folder written (made if needed).
    files : dict
        Table → paths or globs as given (relative to ``base``); several files of
        one table are read and put together by the loaders.
    base : path, optional
        The folder the given paths are relative to (default: the current one).
    name, language, crs : str
        The municipality's name, the report language and the analysis CRS.
    preset : str
        The column-mapping preset of every file.
    taxonomy : DataFrame, optional
        Default: the packaged taxonomy. When the packaged ``ucr2`` table gives a
        code to more rows (labels written as Statistics Canada UCR2 violation
        codes), the config reads ``categories = ["ucr2", "categories.csv"]``.
    grid_m : float, optional
        Write sectors as a generated grid of this cell size (``[data.sectors]
        grid_m``): over the incidents, or clipped to the sectors file when given.

    Returns
    -------
    (Path, Path)
        The config and the categories table written.

    Raises
    ------
    DataError
        A path or glob that names no file.

    Examples
    --------
    >>> import tempfile, pathlib
    >>> d = pathlib.Path(tempfile.mkdtemp())
    >>> _ = (d / "inc.csv").write_text("date,category\n2024-01-02,Vol\n2024-01-03,Bagarre\n")
    >>> cfg, cats = write_config(d, {"incidents": ["inc.csv"]}, base=d)
    >>> print(cats.read_text(encoding="utf-8").strip())
    source_label,code,count,suggestion
    Bagarre,,1,burglary
    Vol,theft,1,
    """
    guesses = guess_files(files, base=base, preset=preset, crs=crs, taxonomy=taxonomy)
    return write_guesses(out_dir, guesses, name=name, language=language, grid_m=grid_m)
