"""One tunable: the record the table of tunables is made of.

Examples
--------
>>> Tunable("x", 1, int, "inventory", "An example.").default
1
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any


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
    zone : bool
        The value is the name of a time zone (``America/Toronto``).
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
    zone: bool = False
