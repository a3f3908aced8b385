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
from collections.abc import Mapping
from dataclasses import dataclass
from typing import Any

from .errors import ConfigError


@dataclass(frozen=True)
class Tunable:
    """One tunable: its name, default, type, admissible values and meaning.

    Attributes
    ----------
    name : str
        The key in ``[parameters]``.
    default : object
        The value used when the config does not set it.
    kind : type
        ``int``, ``float``, ``str``, ``bool`` or ``dict`` (a table of numbers).
    step : str
        The part of the diagnosis that reads it (``loaders``, ``inventory``…).
    doc : str
        What it does, with its unit.
    minimum, maximum : float, optional
        Inclusive bounds of a number (of every value of a ``dict``).
    choices : tuple of str, optional
        The admissible values of a ``str``.
    keys : tuple of str, optional
        The admissible keys of a ``dict`` (``None``: any key).
    """

    name: str
    default: Any
    kind: type
    step: str
    doc: str
    minimum: float | None = None
    maximum: float | None = None
    choices: tuple[str, ...] | None = None
    keys: tuple[str, ...] | None = None


def _table(*entries: Tunable) -> dict[str, Tunable]:
    out: dict[str, Tunable] = {}
    for e in entries:
        if e.name in out:
            raise RuntimeError(f"tunable {e.name!r} defined twice")
        out[e.name] = e
    return out


# Each section belongs to one step; keep the entries of a step together.
TUNABLES: dict[str, Tunable] = _table(
    # --- loaders -------------------------------------------------------------------------
    Tunable(
        "snap_tolerance_m",
        50.0,
        float,
        "loaders",
        "Points outside every sector but within this distance (m) are snapped to the "
        "nearest sector (and flagged).",
        minimum=0,
    ),
    Tunable(
        "outside",
        "reject",
        str,
        "loaders",
        "What to do with points outside the municipality: reject the row, or keep it "
        "without a sector.",
        choices=("reject", "keep"),
    ),
    # --- inventory (step 1) ---------------------------------------------------------------
    Tunable(
        "grid_cell_m",
        200.0,
        float,
        "inventory",
        "Side of the grid cells (m) used for hot spots, concentration and densities.",
        minimum=10,
    ),
    Tunable(
        "priority_weights",
        {
            "rate": 0.25,
            "severity": 0.25,
            "trend": 0.15,
            "hotspot": 0.15,
            "concern": 0.15,
            "vulnerability": 0.05,
        },
        dict,
        "inventory",
        "Weights of the priority score's components (they need not sum to 1; the score "
        "divides by the sum of the weights of the components available for a problem).",
        minimum=0,
        keys=("rate", "severity", "trend", "hotspot", "concern", "vulnerability"),
    ),
    # --- measures (step 2) ----------------------------------------------------------------
    Tunable(
        "buffer_m",
        200.0,
        float,
        "measures",
        "Width (m) of the ring around a measure's area, where displacement or diffusion "
        "is looked for (a measure's own buffer_m overrides it).",
        minimum=0,
    ),
    # --- evaluation (step 3) --------------------------------------------------------------
    Tunable(
        "window_months",
        12,
        int,
        "evaluation",
        "Length of the before and after windows of an evaluation (months).",
        minimum=1,
        maximum=120,
    ),
    Tunable(
        "lag_months",
        0,
        int,
        "evaluation",
        "Months left out after a measure starts, before its after-window opens.",
        minimum=0,
        maximum=60,
    ),
    Tunable(
        "min_events",
        10,
        int,
        "evaluation",
        "Fewest events in the treated area's before-window for a verdict other than inconclusive.",
        minimum=0,
    ),
    Tunable(
        "alpha",
        0.05,
        float,
        "evaluation",
        "Significance level of the two-sided tests.",
        minimum=1e-6,
        maximum=0.5,
    ),
    # --- strategy (step 4) ----------------------------------------------------------------
    Tunable(
        "response_weights",
        {"fit": 0.35, "evidence": 0.30, "in_place": 0.15, "pillar_balance": 0.10, "partners": 0.10},
        dict,
        "strategy",
        "Weights of the response-ranking criteria of step 4.",
        minimum=0,
        keys=("fit", "evidence", "in_place", "pillar_balance", "partners"),
    ),
    Tunable(
        "min_fit",
        0.45,
        float,
        "strategy",
        "Responses whose fit to a problem (0–1) is below this are not proposed.",
        minimum=0,
        maximum=1,
    ),
    Tunable(
        "plan_problems",
        5,
        int,
        "strategy",
        "Priority problems (the top of step 1's ranking) for which responses are ranked and "
        "planned.",
        minimum=1,
    ),
    Tunable(
        "responses_per_problem",
        3,
        int,
        "strategy",
        "Candidate responses kept per problem in the ranking.",
        minimum=1,
    ),
    Tunable(
        "current_min_level",
        "partial",
        str,
        "strategy",
        "Weakest step-2 coverage level at which a measure counts as already addressing a "
        "problem (the in_place and pillar_balance criteria).",
        choices=("weak", "partial", "strong"),
    ),
    Tunable(
        "expected_reduction",
        {"large": 0.30, "moderate": 0.20, "small": 0.10, "unknown": 0.10, "none": 0.0},
        dict,
        "strategy",
        "Reduction assumed for a plan's target from the strength of the evidence for the "
        "response (a planning assumption, stated in the plan).",
        minimum=0,
        maximum=1,
        keys=("large", "moderate", "small", "unknown", "none"),
    ),
    Tunable(
        "plan_lag_months",
        1,
        int,
        "strategy",
        "Implementation lag assumed for a new response: its evaluation's after-window opens "
        "this many months after the planned start (the plan's windows are window_months long).",
        minimum=0,
        maximum=60,
    ),
    Tunable(
        "plan_power",
        0.80,
        float,
        "strategy",
        "Power required of a planned evaluation; the plan's minimum detectable effect is "
        "computed for it (at the significance level alpha).",
        minimum=0.5,
        maximum=0.99,
    ),
    # --- report ---------------------------------------------------------------------------
    Tunable(
        "small_count",
        5,
        int,
        "report",
        "Counts below this are suppressed in public outputs (with whatever would let a "
        "reader recover them).",
        minimum=1,
    ),
)


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
    label = f"{where}: [parameters] {key}"
    if isinstance(value, bool) or not isinstance(value, (int, float)):
        raise ConfigError(f"{label} must be {_kind_name(kind)}, got {value!r}")
    if kind is int and not float(value).is_integer():
        raise ConfigError(f"{label} must be a whole number, got {value!r}")
    if t.minimum is not None and value < t.minimum:
        raise ConfigError(f"{label} must be at least {_plain(t.minimum)}, got {value!r}")
    if t.maximum is not None and value > t.maximum:
        raise ConfigError(f"{label} must be at most {_plain(t.maximum)}, got {value!r}")
    return kind(value)


def _plain(v: float) -> str:
    return str(int(v)) if float(v).is_integer() else str(v)


def _kind_name(kind: type) -> str:
    names = {int: "a whole number", float: "a number", str: "text", bool: "true or false"}
    return names.get(kind, "a table of numbers")


def _check(t: Tunable, value: Any, where: str) -> Any:
    label = f"{where}: [parameters] {t.name}"
    if t.kind in (int, float):
        return _number(t, t.name, value, where, t.kind)
    if t.kind is bool:
        if not isinstance(value, bool):
            raise ConfigError(f"{label} must be true or false, got {value!r}")
        return value
    if t.kind is str:
        if not isinstance(value, str):
            raise ConfigError(f"{label} must be text, got {value!r}")
        if t.choices is not None and value not in t.choices:
            raise ConfigError(f"{label} must be one of {list(t.choices)}, got {value!r}")
        return value
    if not isinstance(value, Mapping):
        raise ConfigError(f"{label} must be a table ([parameters.{t.name}]), got {value!r}")
    out = dict(t.default)
    for k, v in value.items():
        if t.keys is not None and k not in t.keys:
            raise ConfigError(f"{label}: unknown key {k!r}; known: {list(t.keys)}")
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
            hint = f" (did you mean {' or '.join(repr(c) for c in close)}?)" if close else ""
            raise ConfigError(
                f"{where}: [parameters] unknown key {key!r}{hint}; known keys are listed in "
                "docs/methods.md"
            )
        out[key] = _check(TUNABLES[key], value, where)
    return out


def table(step: str | None = None) -> list[Tunable]:
    """The tunables, in the order of the table (those of one step, if given).

    Parameters
    ----------
    step : str, optional
        ``loaders``, ``inventory``, ``measures``, ``evaluation``, ``strategy`` or
        ``report``.

    Returns
    -------
    list of Tunable

    Examples
    --------
    >>> [t.name for t in table("report")]
    ['small_count']
    """
    return [t for t in TUNABLES.values() if step is None or t.step == step]
