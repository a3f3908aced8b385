"""Crime-count processes that the library's own sample does not use.

Each process gives the monthly intensity of every place of a simulated town.
They differ in the ways real crime series do: months that are not independent
(a persistent local level), seasonality and trend, and measures placed where
counts have just peaked (selection on the before window, so that regression to
the mean alone looks like an effect).

The log-intensity of place *p* in month *t* is::

    log λ[p, t] = log base[p] + season · cos(2π (month − peak) / 12) + trend · t / 12 + u[p, t]

where ``u`` is a stationary Gaussian AR(1) series per place with autocorrelation
``rho`` and marginal standard deviation ``sd`` (``rho = 0``: independent months;
``sd = 0``: pure Poisson), centred so that its mean on the count scale is 1.

Examples
--------
>>> import numpy as np
>>> from diagnostic_lib.calibration import processes
>>> p = processes.Process("ar1", rho=0.9, sd=0.25)
>>> lam = processes.intensity(np.full(3, 10.0), 24, p, np.random.default_rng(1))
>>> lam.shape
(3, 24)
"""

from __future__ import annotations

from dataclasses import dataclass, replace

import numpy as np


@dataclass(frozen=True)
class Process:
    """How a simulated town's counts are made, and what a measure does to them.

    Attributes
    ----------
    name : str
        A short name (used in reports).
    rho : float
        Month-to-month autocorrelation of the log local level (0 = independent months).
    sd : float
        Marginal standard deviation of the log local level.
    season : float
        Amplitude of the yearly cycle on the log scale (0 = none); the peak is in July.
    trend : float
        Change of the log level per year, the same everywhere.
    select_from : int
        A measure is placed at the busiest, over its before window, of this many similar
        places (1 = at a place chosen at random: no selection on the outcome).
    res : float
        Planted relative effect size of the measure (1 = no effect; 2 = the treated place's
        counts are halved after the start).
    ring_change : float
        Planted relative change in the ring around the treated place after the start
        (positive = displacement, negative = diffusion of benefits).
    """

    name: str
    rho: float = 0.0
    sd: float = 0.0
    season: float = 0.0
    trend: float = 0.0
    select_from: int = 1
    res: float = 1.0
    ring_change: float = 0.0

    @property
    def null(self) -> bool:
        """Whether the measure has no effect anywhere (a null process)."""
        return self.res == 1.0 and self.ring_change == 0.0

    def with_effect(self, res: float, ring_change: float = 0.0) -> Process:
        """The same process with a planted effect.

        Parameters
        ----------
        res : float
            Planted relative effect size.
        ring_change : float
            Planted relative change in the ring.

        Returns
        -------
        Process

        Examples
        --------
        >>> Process("iid").with_effect(2.0).name
        'iid, RES 2'
        """
        return replace(self, name=f"{self.name}, RES {res:g}", res=res, ring_change=ring_change)


def ar1(places: int, months: int, rho: float, sd: float, rng: np.random.Generator) -> np.ndarray:
    """A stationary Gaussian AR(1) series per place, marginal SD ``sd``.

    Parameters
    ----------
    places, months : int
        Shape of the result.
    rho : float
        Autocorrelation (0 ≤ rho < 1).
    sd : float
        Marginal standard deviation.
    rng : numpy.random.Generator
        Random numbers.

    Returns
    -------
    ndarray, shape (places, months)

    Examples
    --------
    >>> u = ar1(2000, 60, 0.9, 0.25, np.random.default_rng(0))
    >>> lag1 = np.corrcoef(u[:, 1:].ravel(), u[:, :-1].ravel())[0, 1]
    >>> round(float(u.std()), 2), round(float(lag1), 1)
    (0.25, 0.9)
    """
    if not 0 <= rho < 1:
        raise ValueError(f"rho must be in [0, 1), got {rho}")
    u = np.empty((places, months))
    if months == 0:
        return u
    u[:, 0] = rng.normal(0.0, sd, places)
    innovation = sd * np.sqrt(1.0 - rho**2)
    for t in range(1, months):
        u[:, t] = rho * u[:, t - 1] + rng.normal(0.0, innovation, places)
    return u


def intensity(
    base: np.ndarray, months: int, process: Process, rng: np.random.Generator, first_month: int = 1
) -> np.ndarray:
    """Monthly intensity of each place under ``process`` (no measure effect).

    Parameters
    ----------
    base : ndarray, shape (places,)
        Mean events per month of each place.
    months : int
        Number of months.
    process : Process
        The process.
    rng : numpy.random.Generator
        Random numbers.
    first_month : int
        Calendar month (1–12) of the first month.

    Returns
    -------
    ndarray, shape (places, months)

    Examples
    --------
    >>> season = Process("season", season=0.5)
    >>> lam = intensity(np.array([5.0]), 12, season, np.random.default_rng(0))
    >>> int(np.argmax(lam[0])) + 1
    7
    """
    base = np.asarray(base, dtype="float64")
    t = np.arange(months)
    calendar = (first_month - 1 + t) % 12 + 1
    season = process.season * np.cos(2 * np.pi * (calendar - 7) / 12)
    trend = process.trend * t / 12.0
    u = ar1(len(base), months, process.rho, process.sd, rng) if process.sd > 0 else 0.0
    log_level = np.log(base)[:, None] + (season + trend)[None, :] + u - process.sd**2 / 2
    return np.exp(log_level)


def busiest(counts: np.ndarray, candidates: np.ndarray, window: slice) -> int:
    """The candidate place with the most events in ``window`` (ties: the first).

    Parameters
    ----------
    counts : ndarray, shape (places, months)
        Monthly counts.
    candidates : ndarray of int
        Places to choose from.
    window : slice
        Months that the choice looks at (the before window).

    Returns
    -------
    int
        The chosen place.

    Examples
    --------
    >>> busiest(np.array([[1, 1], [5, 0], [2, 2]]), np.array([0, 1, 2]), slice(0, 2))
    1
    """
    totals = counts[candidates, window].sum(axis=1)
    return int(candidates[int(np.argmax(totals))])
