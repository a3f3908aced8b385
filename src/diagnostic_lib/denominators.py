"""Denominators of rates: residents by default, another base where the config declares one.

Residents are a poor base for some crimes: burglary happens to dwellings, vehicle
crime to registered vehicles, and a downtown's thefts to the people who work and
shop there by day. ``[denominators]`` of ``diagnostic.toml`` names, for an
incident family or category, the base of its rates::

    [denominators]
    burglary = "dwellings"            # a category code (wins over its family's)
    vehicle_theft = "vehicles"
    property = "daytime_population"   # a family code

Each base is a column of the sectors layer (or of the ``[data.population]``
table, which wins) holding a count per sector; its canonical name is the code
(``dwellings``…), and ``[data.sectors.columns]`` maps it to another name. A
family or category without a declared base keeps residents (``population``).
See docs/methods.md, *Denominators other than residents*.

Examples
--------
>>> denominator_of("burglary", {"burglary": "dwellings"}, family="property")
'dwellings'
>>> denominator_of("theft", {"property": "daytime_population"}, family="property")
'daytime_population'
>>> denominator_of("assault", {"burglary": "dwellings"}, family="violent")
'residents'
"""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any

from .errors import ConfigError, bilingual

RESIDENTS = "residents"
"""The default base: the sectors' ``population`` column."""

DENOMINATORS: tuple[str, ...] = (
    RESIDENTS,
    "dwellings",
    "vehicles",
    "daytime_population",
    "floor_area",
)
"""The bases a rate may use; each is labelled in French and English (``denominator.<code>``)."""

DENOMINATOR_CANDIDATES: dict[str, list[str]] = {
    "dwellings": ["dwellings", "logements", "nb_logements", "private_dwellings"],
    "vehicles": [
        "vehicles",
        "vehicules",
        "registered_vehicles",
        "vehicules_immatricules",
        "nb_vehicules",
    ],
    "daytime_population": [
        "daytime_population",
        "population_de_jour",
        "population_jour",
        "day_population",
    ],
    "floor_area": ["floor_area", "floor_area_m2", "superficie_plancher", "surface_plancher_m2"],
}
"""Source column names recognised for each base (besides a ``[data.<table>.columns]`` mapping)."""


def column_of(code: str) -> str:
    """The column of the sectors table that holds a base (``population`` for residents).

    Examples
    --------
    >>> column_of("residents"), column_of("dwellings")
    ('population', 'dwellings')
    """
    return "population" if code == RESIDENTS else code


def check_denominators(raw: Any, name: str) -> dict[str, str]:
    """The ``[denominators]`` table of a config, checked: family or category code → base.

    Parameters
    ----------
    raw : mapping
        As read from the TOML.
    name : str
        The config file, for messages.

    Returns
    -------
    dict
        Code → base (one of :data:`DENOMINATORS`); the codes are checked against
        the taxonomy when the data are loaded.

    Raises
    ------
    ConfigError
        Not a table, or a base that is not text or not one of :data:`DENOMINATORS`.

    Examples
    --------
    >>> check_denominators({"burglary": "dwellings"}, "d.toml")
    {'burglary': 'dwellings'}
    >>> check_denominators({"burglary": "houses"}, "d.toml")
    Traceback (most recent call last):
    ...
    diagnostic_lib.errors.ConfigError: d.toml: [denominators] burglary = 'houses': ...
    """
    if not isinstance(raw, Mapping):
        message = bilingual(
            "config.error.section_not_table", section="denominators", value=repr(raw)
        )
        raise ConfigError(f"{name}: {message}")
    out: dict[str, str] = {}
    for code, base in raw.items():
        if not isinstance(base, str) or base.strip() not in DENOMINATORS:
            message = bilingual(
                "config.error.denominator",
                code=code,
                value=repr(base),
                known=", ".join(DENOMINATORS),
            )
            raise ConfigError(f"{name}: {message}")
        out[str(code).strip()] = base.strip()
    return out


def denominator_of(group: Any, denominators: Mapping[str, str] | None, family: Any = None) -> str:
    """The base of one group's rates: its own declaration, else its family's, else residents.

    Parameters
    ----------
    group : str
        A category or family code (or ``"all"``).
    denominators : mapping
        Code → base, as :func:`check_denominators` gives.
    family : str, optional
        The family of ``group`` when it is a category.

    Returns
    -------
    str
        One of :data:`DENOMINATORS`.

    Examples
    --------
    >>> denominator_of("vehicle_theft", {"property": "dwellings", "vehicle_theft": "vehicles"},
    ...                family="property")
    'vehicles'
    """
    given = denominators or {}
    if group in given:
        return given[group]
    if family is not None and family in given:
        return given[family]
    return RESIDENTS


def declared(denominators: Mapping[str, str] | None) -> list[str]:
    """The bases other than residents a config declares, each once, in a stable order.

    Examples
    --------
    >>> declared({"burglary": "dwellings", "property": "residents", "x": "dwellings"})
    ['dwellings']
    """
    used = set((denominators or {}).values()) - {RESIDENTS}
    return [d for d in DENOMINATORS if d in used]
