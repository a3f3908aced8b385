"""The whole comparison of a bulletin: the municipality, each family, each sector, each cell.

:func:`monitor` runs :func:`~.changes.compare_periods` on four tables of the
same period — the municipality, the crime families of the taxonomy, the
sectors, and sector × family — and returns them in a :class:`Monitoring`.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any

import pandas as pd

from .. import settings
from .changes import SEASONAL_YEARS, compare_periods
from .periods import PER_YEAR, covered_periods, latest_complete, parse_period, period_table


@dataclass
class Monitoring:
    """The comparisons of one bulletin (see :func:`monitor`).

    Attributes
    ----------
    period : {"month", "quarter"}
    at : Period
        The period monitored.
    total, families, sectors, cells : DataFrame
        :func:`~.changes.compare_periods` of the municipality (one row), of each
        family, of each sector and of each sector × family.
    unassigned : int
        Incidents of the period outside every sector (in the total only).
    settings : dict
        The tunables used.
    """

    period: str
    at: pd.Period
    total: pd.DataFrame
    families: pd.DataFrame
    sectors: pd.DataFrame
    cells: pd.DataFrame
    unassigned: int = 0
    settings: dict[str, Any] = field(default_factory=dict)


def monitor(
    incidents: pd.DataFrame,
    period: str = "month",
    at: Any = None,
    end: Any = None,
    baseline_periods: int = settings.default("monitor_baseline_periods"),
    min_events: int = settings.default("monitor_min_events"),
    alpha: float = settings.default("alpha"),
) -> Monitoring:
    """Compare the latest complete period (or ``at``) by municipality, family, sector and cell.

    Parameters
    ----------
    incidents : DataFrame
        ``occurred_from``, ``sector`` and ``family``.
    period : {"month", "quarter"}
    at : Period or str, optional
        The period monitored (``2017Q4``, ``2017-12``); default the latest
        complete one (:func:`~.periods.latest_complete`).
    end : timestamp, optional
        Exclusive end of the data (default: the last incident).
    baseline_periods, min_events, alpha
        Tunables (see :func:`~.changes.compare_periods`).

    Returns
    -------
    Monitoring

    Raises
    ------
    ValueError
        When the data do not cover the period monitored whole (after the
        data's end, before their start, or a gap month of the coverage calendar).

    Examples
    --------
    >>> import numpy as np
    >>> rng = np.random.default_rng(0)
    >>> days = pd.date_range("2015-01-01", "2017-12-31", freq="D")
    >>> inc = pd.DataFrame({"occurred_from": days.repeat(rng.poisson(3, len(days)))})
    >>> inc["sector"] = rng.choice(["A", "B"], len(inc))
    >>> inc["family"] = rng.choice(["property", "violent"], len(inc))
    >>> m = monitor(inc, "quarter")
    >>> str(m.at), m.cells.shape[0], m.total["verdict_year"].iloc[0]
    ('2017Q4', 4, 'no_significant_change')
    >>> monitor(inc, "quarter", at="2018Q1")
    Traceback (most recent call last):
    ...
    ValueError: the data do not cover 2018Q1 whole (latest complete quarter: 2017Q4)
    """
    dates = pd.to_datetime(incidents["occurred_from"])
    latest = latest_complete(dates, period, end)
    target = parse_period(at, period) if at is not None else latest
    if target > latest or not covered_periods(incidents, pd.PeriodIndex([target]))[0]:
        raise ValueError(
            f"the data do not cover {target} whole (latest complete {period}: {latest})"
        )
    first = target - max(int(baseline_periods), SEASONAL_YEARS * PER_YEAR[period])
    kwargs = {"baseline_periods": baseline_periods, "min_events": min_events, "alpha": alpha}
    tables = {}
    for name, by in (
        ("total", ()),
        ("families", ("family",)),
        ("sectors", ("sector",)),
        ("cells", ("sector", "family")),
    ):
        t = period_table(incidents, period, by, start=first, end=target)
        tables[name] = compare_periods(t, target, covered_periods(incidents, t.columns), **kwargs)
    in_period = dates.dt.to_period(target.freqstr) == target
    unassigned = int((in_period & incidents["sector"].isna()).sum())
    return Monitoring(
        period=period,
        at=target,
        unassigned=unassigned,
        settings={**kwargs, "period": period},
        **tables,
    )
