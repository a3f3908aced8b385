"""Every tunable of the analysis, with its default, its type and what it does.

This is the one table of tunables. Each step reads its defaults here, and
every entry can be set in the ``[parameters]`` table of ``diagnostic.toml``::

    [parameters]
    grid_cell_m = 150
    window_months = 18

    [parameters.priority_weights]   # a dictionary tunable: give only what changes
    rate = 0.4

A key that is not in the table, or a value of the wrong type or out of its
range, is a :class:`~diagnostic_lib.errors.ConfigError` that names the key and
what was expected (see :func:`validate`). ``docs/methods.md`` lists the table.

Examples
--------
>>> from diagnostic_lib import settings
>>> settings.default("grid_cell_m")
200.0
>>> settings.TUNABLES["window_months"].kind.__name__
'int'
>>> settings.validate({"window_months": 0}, "diagnostic.toml")
Traceback (most recent call last):
...
diagnostic_lib.errors.ConfigError: diagnostic.toml: [parameters] window_months must be at ...
"""

from __future__ import annotations

import copy
import difflib
import zoneinfo
from collections.abc import Mapping
from pathlib import Path
from typing import Any

from .errors import ConfigError, bilingual
from .tunables import TUNABLES, Tunable

__all__ = ["TUNABLES", "Tunable", "default", "defaults", "markdown_table", "table", "validate"]


def default(name: str) -> Any:
    """The default value of a tunable (a copy for dictionaries).

    Parameters
    ----------
    name : str
        A key of :data:`TUNABLES`.

    Returns
    -------
    object

    Raises
    ------
    KeyError
        When ``name`` is not a tunable.

    Examples
    --------
    >>> default("priority_weights")["rate"]
    0.25
    """
    return copy.deepcopy(TUNABLES[name].default)


def defaults() -> dict[str, Any]:
    """Every tunable at its default.

    Returns
    -------
    dict

    Examples
    --------
    >>> defaults()["alpha"]
    0.05
    """
    return {name: default(name) for name in TUNABLES}


def _number(t: Tunable, key: str, value: Any, where: str, kind: type) -> float | int:
    what = {"key": key, "value": repr(value)}
    if isinstance(value, bool) or not isinstance(value, (int, float)):
        name = "whole" if kind is int else "number"
        raise ConfigError(f"{where}: {bilingual(f'settings.error.{name}', **what)}")
    if kind is int and not float(value).is_integer():
        raise ConfigError(f"{where}: {bilingual('settings.error.whole', **what)}")
    if t.minimum is not None and value < t.minimum:
        message = bilingual("settings.error.minimum", bound=_plain(t.minimum), **what)
        raise ConfigError(f"{where}: {message}")
    if t.maximum is not None and value > t.maximum:
        message = bilingual("settings.error.maximum", bound=_plain(t.maximum), **what)
        raise ConfigError(f"{where}: {message}")
    return kind(value)


def _plain(v: float) -> str:
    return str(int(v)) if float(v).is_integer() else str(v)


def _is_zone(name: str) -> bool:
    try:
        zoneinfo.ZoneInfo(name)
    except (zoneinfo.ZoneInfoNotFoundError, ValueError):
        return False
    return True


def _check(t: Tunable, value: Any, where: str) -> Any:
    what = {"key": t.name, "value": repr(value)}
    if t.kind in (int, float):
        return _number(t, t.name, value, where, t.kind)
    if t.kind is bool:
        if not isinstance(value, bool):
            raise ConfigError(f"{where}: {bilingual('settings.error.bool', **what)}")
        return value
    if t.kind is str:
        if not isinstance(value, str):
            raise ConfigError(f"{where}: {bilingual('settings.error.text', **what)}")
        if t.choices is not None and value not in t.choices:
            message = bilingual("settings.error.choice", choices=list(t.choices), **what)
            raise ConfigError(f"{where}: {message}")
        if t.zone and not _is_zone(value):
            raise ConfigError(f"{where}: {bilingual('settings.error.zone', **what)}")
        return value
    if not isinstance(value, Mapping):
        raise ConfigError(f"{where}: {bilingual('settings.error.table', **what)}")
    out = dict(t.default)
    for k, v in value.items():
        if t.keys is not None and k not in t.keys:
            message = bilingual(
                "settings.error.table_key", key=t.name, sub=k, known=", ".join(t.keys)
            )
            raise ConfigError(f"{where}: {message}")
        out[str(k)] = _number(t, f"{t.name}.{k}", v, where, float)
    return out


def validate(parameters: Mapping[str, Any] | None, where: str = "<config>") -> dict[str, Any]:
    """Check a ``[parameters]`` table and return every tunable's value.

    Unset tunables take their default; a dictionary tunable given in part keeps
    the defaults of the keys it does not set.

    Parameters
    ----------
    parameters : mapping or None
        The ``[parameters]`` table of the config.
    where : str
        The config file, named in errors.

    Returns
    -------
    dict
        Every tunable's value.

    Raises
    ------
    ConfigError
        An unknown key (with the closest known ones), a value of the wrong type, or
        one out of range.

    Examples
    --------
    >>> validate({"priority_weights": {"rate": 0.5}})["priority_weights"]["severity"]
    0.25
    >>> validate({"buffer_width_m": 250}, "diagnostic.toml")
    Traceback (most recent call last):
    ...
    diagnostic_lib.errors.ConfigError: diagnostic.toml: [parameters] unknown key 'buffer_width_m'...
    """
    out = defaults()
    for key, value in (parameters or {}).items():
        if key not in TUNABLES:
            close = difflib.get_close_matches(str(key), list(TUNABLES), n=2, cutoff=0.5)
            message = (
                bilingual(
                    "settings.error.unknown_close", key=key, close=", ".join(map(repr, close))
                )
                if close
                else bilingual("settings.error.unknown", key=key)
            )
            raise ConfigError(f"{where}: {message}")
        out[key] = _check(TUNABLES[key], value, where)
    return out


def table(step: str | None = None) -> list[Tunable]:
    """The tunables, in the order of the table (those of one step, if given).

    Parameters
    ----------
    step : str, optional
        ``loaders``, ``inventory``, ``measures``, ``evaluation``, ``strategy``, ``monitoring`` or
        ``report``.

    Returns
    -------
    list of Tunable

    Examples
    --------
    >>> [t.name for t in table("report")][:2]
    ['small_count', 'landmarks']
    """
    return [t for t in TUNABLES.values() if step is None or t.step == step]


def _cell(value: Any) -> str:
    if isinstance(value, bool):  # as diagnostic.toml writes it
        return "`true`" if value else "`false`"
    if isinstance(value, dict):
        return ", ".join(f"{k} {v}" for k, v in value.items())
    return f"`{value}`" if isinstance(value, str) else str(value)


def markdown_table() -> str:
    """The table of tunables as Markdown (the one in ``docs/methods.md``).

    Returns
    -------
    str
        One row per tunable: name, step, type, default, bounds or choices, meaning.

    Examples
    --------
    >>> markdown_table().splitlines()[0]
    '| name | step | type | default | admissible | meaning |'
    """
    rows = ["| name | step | type | default | admissible | meaning |", "|---|---|---|---|---|---|"]
    for t in TUNABLES.values():
        bounds = []
        if t.choices:
            bounds.append(" / ".join(f"`{c}`" for c in t.choices))
        if t.minimum is not None:
            bounds.append(f"≥ {_plain(t.minimum)}")
        if t.maximum is not None:
            bounds.append(f"≤ {_plain(t.maximum)}")
        if t.keys:
            bounds.append("keys: " + ", ".join(t.keys))
        rows.append(
            f"| `{t.name}` | {t.step} | {t.kind.__name__} | {_cell(t.default)} | "
            f"{'; '.join(bounds)} | {t.doc} |"
        )
    return "\n".join(rows)


_START = (
    "<!-- tunables:start (generated from diagnostic_lib.settings; "
    "tests/test_settings.py checks it) -->"
)
_END = "<!-- tunables:end -->"


def update_methods(path: Any) -> bool:
    r"""Rewrite the generated table of tunables in ``docs/methods.md``.

    Parameters
    ----------
    path : path
        The methods document, holding the start and end markers.

    Returns
    -------
    bool
        Whether the file changed.

    Examples
    --------
    >>> import pathlib, tempfile
    >>> p = pathlib.Path(tempfile.mkdtemp()) / "methods.md"
    >>> _ = p.write_text(_START + "\\n" + _END + "\\n", encoding="utf-8")
    >>> update_methods(p), update_methods(p)
    (True, False)
    """
    p = Path(path)
    text = p.read_text(encoding="utf-8")
    head, rest = text.split(_START, 1)
    _, tail = rest.split(_END, 1)
    new = f"{head}{_START}\n{markdown_table()}\n{_END}{tail}"
    if new == text:
        return False
    p.write_text(new, encoding="utf-8")
    return True


if __name__ == "__main__":  # python -m diagnostic_lib.settings docs/methods.md
    import sys

    for arg in sys.argv[1:]:
        print(f"{arg}: {'updated' if update_methods(arg) else 'up to date'}")
