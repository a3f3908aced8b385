"""Calibration of the verdicts on crime processes that the sample does not use.

Does a verdict mean what it says?

The library's verdicts are only as honest as their error rates on data they were not
tuned on. This package simulates towns at the point level under processes that real
crime series have — independent months, a persistent local level (AR(1)), seasonality
and trend, measures placed at the busiest of several similar places (regression to the
mean), planted effects with displacement or diffusion — writes them as exports, runs
them through the public pipeline, and scores the verdicts against the truth.

- :mod:`~diagnostic_lib.calibration.processes`: the count processes
  (:class:`Process`, :func:`intensity`, :func:`ar1`).
- :mod:`~diagnostic_lib.calibration.town`: a simulated town and its files
  (:class:`TownSpec`, :func:`simulate`, :func:`write`).
- :mod:`~diagnostic_lib.calibration.harness`: scenarios run through the public
  pipeline and scored (:data:`SCENARIOS`, :func:`run_town`, :func:`summarise`).

``make calibrate`` runs the full set of scenarios and writes
``benchmarks/CALIBRATION.md``; a small version runs in the test suite.

Examples
--------
>>> from diagnostic_lib import calibration
>>> calibration.Process("ar1", rho=0.9, sd=0.25).null
True
"""

from __future__ import annotations

from .processes import Process, ar1, busiest, intensity
from .town import ORIGIN, Town, TownSpec, simulate, write

__all__ = [
    "ORIGIN",
    "Process",
    "Town",
    "TownSpec",
    "ar1",
    "busiest",
    "intensity",
    "simulate",
    "write",
]
