"""Monitoring between diagnoses: the latest month or quarter against a year earlier and the mean.

A force that acts on its diagnosis wants to know, month after month, whether
things moved, without reading noise as news. This package computes the
comparisons of a short bulletin (the bulletin itself is written by
:func:`diagnostic_lib.report.write_bulletin`; the command is ``python -m
diagnostic_lib monitor``). Every change has its counts, its difference, its
test and a verdict; never a bare percentage.

=================  ==============================================================
file               what it holds
=================  ==============================================================
``periods.py``     :func:`period_table` (counts per group and period),
                   :func:`latest_complete`, :func:`parse_period`,
                   :func:`covered_periods`
``changes.py``     :func:`compare_periods` (year over year and against the mean
                   of the previous periods: overdispersion-aware test, E-test,
                   plain Poisson z for contrast, BH q-values, verdicts),
                   :func:`dispersion`, :func:`poisson_only_signals`
``bulletin.py``    :func:`monitor` (municipality, families, sectors, cells) and
                   :class:`Monitoring`
=================  ==============================================================

Examples
--------
>>> from diagnostic_lib import monitoring
>>> monitoring.VERDICTS[:2]
('significant_increase', 'significant_decrease')
"""

from __future__ import annotations

from .bulletin import Monitoring, monitor
from .changes import (
    MIN_BASELINE,
    PRIOR_PERIODS,
    SEASONAL_YEARS,
    TESTS,
    VERDICTS,
    compare_periods,
    dispersion,
    poisson_only_signals,
    seasonal_design,
)
from .periods import FREQ, PER_YEAR, covered_periods, latest_complete, parse_period, period_table

__all__ = [
    "FREQ",
    "MIN_BASELINE",
    "PER_YEAR",
    "PRIOR_PERIODS",
    "SEASONAL_YEARS",
    "TESTS",
    "VERDICTS",
    "Monitoring",
    "compare_periods",
    "covered_periods",
    "dispersion",
    "latest_complete",
    "monitor",
    "parse_period",
    "period_table",
    "poisson_only_signals",
    "seasonal_design",
]
