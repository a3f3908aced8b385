"""Time structure of the sample: the calendar, the seasons and the hour × weekday profiles.

Every category has a daily intensity (season × weekday, mean 1 over the period) and an
hour-of-day profile per weekday (Gaussian bumps on a floor; Friday and Saturday nights spill
after midnight for violence and disorder). The season is
``1 + A cos(2π (day_of_year − 196) / 365.25)``, peak mid-July, with an amplitude per family.
"""

from __future__ import annotations

import functools
from collections.abc import Sequence

import numpy as np

from .constants import _FAMILY, _N_DAYS, _T0, CATEGORIES, PERIOD_START

_SEASON_AMPLITUDE = {"property": 0.4, "disorder": 0.4, "violent": 0.25, "other": 0.2}
_SEASON_AMPLITUDE.update({"traffic": 0.1, "fraud_cyber": 0.0})
_SEASON_PEAK_DOY = 196  # mid-July
"""Seasonal amplitude by family, and the day of year of the summer peak."""


@functools.cache
def _calendar() -> dict[str, np.ndarray]:
    """Per-day calendar arrays over the period (day 0 = 2022-01-01)."""
    days = _T0 + np.arange(_N_DAYS)
    years = days.astype("datetime64[Y]")
    months = days.astype("datetime64[M]")
    doy = (days - years).astype(int) + 1
    year = years.astype(int) + 1970
    month_index = (months - np.datetime64(PERIOD_START, "M")).astype(int)
    weekday = (days.astype(int) + 3) % 7  # 1970-01-01 was a Thursday; Monday = 0
    t_years = np.arange(_N_DAYS) / 365.25
    return {
        "weekday": weekday,
        "doy": doy,
        "year": year,
        "month_index": month_index,
        "t_years": t_years,
        "month_of_year": (months.astype(int) % 12) + 1,
    }


def _season(amplitude: float) -> np.ndarray:
    """Seasonal multiplier per day: 1 + A cos(2π (doy − 196) / 365.25), peak mid-July."""
    doy = _calendar()["doy"]
    return 1.0 + amplitude * np.cos(2 * np.pi * (doy - _SEASON_PEAK_DOY) / 365.25)


def _bumps(peaks: Sequence[tuple[float, float, float]], floor: float) -> np.ndarray:
    """A 24-hour profile: floor + Gaussian bumps (centre hour, sd hours, weight), circular."""
    h = np.arange(24) + 0.5
    prof = np.full(24, floor)
    for centre, sd, w in peaks:
        d = np.abs(h - centre)
        d = np.minimum(d, 24 - d)
        prof = prof + w * np.exp(-0.5 * (d / sd) ** 2)
    return prof


_HOUR_PEAKS: dict[str, tuple[tuple[tuple[float, float, float], ...], float]] = {
    "homicide": (((23, 3, 1.0),), 0.1),
    "robbery": (((22, 3, 1.0), (1, 2, 0.6)), 0.1),
    "assault": (((22, 3, 1.0), (1.5, 2, 0.8), (15, 3, 0.3)), 0.08),
    "assault_armed": (((22, 3, 1.0), (1.5, 2, 0.8), (15, 3, 0.3)), 0.08),
    "burglary": (((12, 3, 1.0), (2, 2, 0.4)), 0.1),
    "vehicle_theft": (((1, 3, 1.0), (19, 3, 0.4)), 0.1),
    "theft_from_vehicle": (((2, 3, 1.0), (13, 3, 0.5)), 0.1),
    "theft": (((14, 3.5, 1.0),), 0.08),
    "mischief": (((22, 3, 1.0), (2, 2, 0.5)), 0.1),
    "disturbance": (((23, 2.5, 1.0), (1.5, 2, 0.6), (17, 3, 0.3)), 0.05),
    "drugs": (((20, 4, 1.0),), 0.1),
    "fraud": (((11, 3, 1.0),), 0.05),
    "cyber_fraud": (((14, 4, 1.0), (20, 3, 0.5)), 0.1),
    "traffic": (((8, 1.5, 0.8), (17, 2, 1.0)), 0.15),
}
_NIGHTLIFE = np.array([0.85, 0.85, 0.9, 0.95, 1.15, 1.3, 1.0])
_WEEKDAY_FACTORS = {
    "violent": _NIGHTLIFE,
    "disorder": _NIGHTLIFE,
    "property": np.array([1, 1, 1, 1, 1.1, 1.2, 0.7]),
    "traffic": np.array([1.05, 1.05, 1.05, 1.05, 1.1, 0.9, 0.8]),
    "fraud_cyber": np.array([1.2, 1.2, 1.15, 1.15, 1.1, 0.6, 0.6]),
    "other": np.array([0.9, 0.9, 1.0, 1.0, 1.1, 1.2, 0.9]),
}


@functools.cache
def _hour_weekday() -> np.ndarray:
    """Intensity table W[c, weekday, hour] for each category (mean 1 per category)."""
    out = np.empty((len(CATEGORIES), 7, 24))
    for c, code in enumerate(CATEGORIES):
        peaks, floor = _HOUR_PEAKS[code]
        prof = _bumps(peaks, floor)
        fam = _FAMILY[code]
        w = _WEEKDAY_FACTORS[fam][:, None] * prof[None, :]
        if fam in ("violent", "disorder"):  # Friday and Saturday nights spill after midnight
            w[5:7, :4] *= 1.8
        out[c] = w / w.mean()
    return out


@functools.cache
def _day_factors() -> np.ndarray:
    """Relative daily intensity f[c, day] (season × weekday), mean 1 over the period."""
    cal = _calendar()
    W = _hour_weekday()
    f = np.empty((len(CATEGORIES), _N_DAYS))
    for c, code in enumerate(CATEGORIES):
        amp = _SEASON_AMPLITUDE[_FAMILY[code]]
        f[c] = _season(amp) * W[c].mean(axis=1)[cal["weekday"]]
        f[c] /= f[c].mean()
    return f


def _sample_hours(cat: np.ndarray, weekday: np.ndarray, rng: np.random.Generator) -> np.ndarray:
    """Hour of day for each event from its category's weekday × hour profile."""
    W = _hour_weekday()
    cum = np.cumsum(W, axis=2)
    cum = cum / cum[:, :, -1:]
    rows = np.arange(len(CATEGORIES) * 7, dtype=float).reshape(len(CATEGORIES), 7, 1)
    flat = (cum + rows).ravel()
    row = cat.astype(np.int64) * 7 + weekday
    idx = np.searchsorted(flat, row + rng.random(cat.size), side="right")
    return np.clip(idx - row * 24, 0, 23)
