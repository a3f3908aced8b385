"""The planted problems: their daily intensities and their simulation.

Each problem is a Poisson process with a known daily intensity (:func:`_lam`, also used by
the ground truth): the bar strip on rue Principale (Friday and Saturday nights), the
residential break-in series with near-repeat followers, the vehicle crime on the
park-and-ride and shopping-centre lots (and the ring around the mall lot), the night
mischief in Parc des Érables (and its ring), the commercial rue Saint-Joseph, and the
rising fraud and cyber-fraud (located at best to the sector). Each component draws from its
own random stream and is boosted by the measures' maximal multiplier (``boost``), so that
the measures' effects can then be applied by thinning.
"""

from __future__ import annotations

import functools

import numpy as np
import shapely

from .constants import _C, _N_DAYS, _P_BLOCK, _P_EXACT, _P_INTER, _P_NONE, _P_SECTOR, _T_END
from .events import _cats, _choice, _draw_days, _Events, _events, _fix_locations, _ranges, _rng
from .geography import _geo, _samplers, _sid
from .geometry import _along, _locate, _round01, _snap_to
from .time_profiles import _WEEKDAY_FACTORS, _calendar, _sample_hours, _season

# Sizes of the planted problems (scale 1, before the measures' effects).
_STRIP_PER_NIGHT = 1400 / 417.0  # ≈ 1,400 events over the 417 Friday/Saturday nights
_STRIP_SPLIT = {"assault": 0.33, "assault_armed": 0.27, "mischief": 0.18, "disturbance": 0.22}
_BURGLARY_INITIATORS_PER_WEEKDAY = 0.92
_BURGLARY_FOLLOWER_MEAN = 0.55
_BURGLARY_SECTORS = ("S07", "S08", "S09")
_BURGLARY_SECTOR_WEIGHTS = (0.40, 0.30, 0.30)
_PNR_PER_YEAR = 130.0
_MALL_PER_YEAR = 150.0
_MALL_RING_PER_YEAR = 60.0
_PARK_PER_YEAR = 120.0
_PARK_RING_PER_YEAR = 40.0
_STREET_PER_YEAR = 70.0
_FRAUD_PER_YEAR = {"fraud": (170.0, 380.0), "cyber_fraud": (130.0, 420.0)}  # 2022 → 2025


def _per_year_scale(lam: np.ndarray, per_year: float) -> np.ndarray:
    """Rescale a daily profile so that it sums to ``per_year`` events a year on average."""
    return lam * (per_year * _N_DAYS / 365.25) / lam.sum()


@functools.cache
def _lam() -> dict[str, np.ndarray]:
    """Expected events per day (scale 1, before measure effects) of each planted component."""
    cal = _calendar()
    wd = cal["weekday"]
    out: dict[str, np.ndarray] = {}
    fri_sat = np.isin(wd, (4, 5)).astype(float)
    out["bar_strip"] = _STRIP_PER_NIGHT * fri_sat * _season(0.35)
    weekday = (wd < 5).astype(float)
    out["burglary_initiators"] = (
        _BURGLARY_INITIATORS_PER_WEEKDAY * (weekday + 0.3 * (1 - weekday)) * _season(0.4)
    )
    out["park_and_ride"] = _per_year_scale(weekday * _season(0.2), _PNR_PER_YEAR)
    mall_wd = np.array([0.8, 0.8, 0.9, 1.0, 1.2, 1.5, 1.1])[wd]
    out["mall_lot"] = _per_year_scale(mall_wd * _season(0.2), _MALL_PER_YEAR)
    out["mall_ring"] = _per_year_scale(_season(0.3), _MALL_RING_PER_YEAR)
    night_wd = np.array([0.8, 0.8, 0.9, 1.0, 1.4, 1.5, 1.0])[wd]
    out["park_night"] = _per_year_scale(night_wd * _season(0.4), _PARK_PER_YEAR)
    out["park_ring"] = _per_year_scale(night_wd * _season(0.4), _PARK_RING_PER_YEAR)
    street_wd = np.array([1, 1, 1, 1, 1.2, 1.3, 0.5])[wd]
    out["saint_joseph_street"] = _per_year_scale(street_wd * _season(0.3), _STREET_PER_YEAR)
    t = cal["t_years"]
    fwd = _WEEKDAY_FACTORS["fraud_cyber"][wd]
    fwd = fwd / fwd.mean()
    for code, (first, last) in _FRAUD_PER_YEAR.items():
        slope = (last - first) / 3.0  # per year, between yearly means
        out[code] = (first - slope / 2 + slope * t) / 365.25 * fwd
    return out


def _bar_strip(seed: int, tiles: int, boost: np.ndarray) -> _Events:
    """Violence and disorder on the bar strip, Friday and Saturday nights 22:00–03:00."""
    rng = _rng(seed, 1)
    g = _geo()
    lam = _lam()["bar_strip"]
    split = dict(_STRIP_SPLIT)
    cats_p = np.array([split[c] * boost[_C[c]] for c in split])
    day, tile = _draw_days(lam * cats_p.sum(), tiles, rng)
    n = day.size
    codes = np.array([_C[c] for c in split], dtype=np.int8)
    cat = codes[_choice(cats_p, n, rng)]
    offset = np.floor(rng.beta(2.0, 2.5, n) * 300).astype(np.int64)  # minutes after 22:00
    t = day.astype(np.int64) * 1440 + 22 * 60 + offset
    bars = g.places[(g.places["kind"] == "bar") & (g.places["sector"] == _sid("S01"))]
    bars = bars[shapely.distance(bars["geometry"].to_numpy(), g.strip) < 30]
    near_bar = rng.random(n) < 0.75
    k = rng.integers(0, len(bars), n)
    r = np.minimum(np.abs(rng.normal(0, 10, n)), 25)
    a = rng.uniform(0, 2 * np.pi, n)
    bx = bars["gx"].to_numpy()[k] + r * np.cos(a)
    by = bars["gy"].to_numpy()[k] + r * np.sin(a)
    lx, ly = _along(g.strip, n, rng, sd=12, clip=35)
    x, y = np.where(near_bar, bx, lx), np.where(near_bar, by, ly)
    prec = np.where(rng.random(n) < 0.15, _P_INTER, _P_EXACT).astype(np.int8)
    nodes = shapely.get_coordinates(
        shapely.line_interpolate_point(g.strip, np.linspace(0, 1, 5), normalized=True)
    )
    ix, iy = _snap_to(nodes, x, y)
    x, y = np.where(prec == _P_INTER, ix, x), np.where(prec == _P_INTER, iy, y)
    keep = t < _T_END
    ev = _events(t, -1, cat, _round01(x), _round01(y), _sid("S01"), prec, tile).take(keep)
    return ev


def _burglary(seed: int, tiles: int, boost: np.ndarray) -> _Events:
    """Residential break-ins with near-repeat followers, many known only by a range."""
    rng = _rng(seed, 2)
    g = _geo()
    cal = _calendar()
    lam = _lam()["burglary_initiators"] * boost[_C["burglary"]]
    day, tile = _draw_days(lam, tiles, rng)
    n0 = day.size
    secs = np.array([_sid(s) for s in _BURGLARY_SECTORS])
    sec = secs[_choice(_BURGLARY_SECTOR_WEIGHTS, n0, rng)]
    x, y = _samplers()["sectors"].sample(sec, rng)
    # followers (one generation): within 50–200 m and 1–14 days of their initiator
    nf = rng.poisson(_BURGLARY_FOLLOWER_MEAN, n0)
    parent = np.repeat(np.arange(n0), nf)
    m = parent.size
    lag = 1 + _choice(np.exp(-np.arange(14) / 6.0), m, rng)
    dist = rng.uniform(50, 200, m)
    ang = rng.uniform(0, 2 * np.pi, m)
    fday = day[parent] + lag
    fx, fy = x[parent] + dist * np.cos(ang), y[parent] + dist * np.sin(ang)
    day = np.concatenate([day, fday])
    tile = np.concatenate([tile, tile[parent]])
    x, y = np.concatenate([x, fx]), np.concatenate([y, fy])
    sec = np.concatenate([sec, sec[parent]])
    follower = np.r_[np.zeros(n0, bool), np.ones(m, bool)]
    x, y = _round01(x), _round01(y)
    where = _locate(g.sectors, x, y)
    keep = (day < _N_DAYS) & (where >= 0)
    day, tile, x, y, sec, follower = (v[keep] for v in (day, tile, x, y, where, follower))
    n = day.size
    wd = cal["weekday"][day]
    weekend = wd >= 5
    minute = np.where(
        weekend,
        rng.integers(8 * 60, 22 * 60, n),
        np.clip(np.round(rng.normal(12.5, 2.2, n) * 60), 9 * 60, 16 * 60 + 59),
    ).astype(np.int64)
    t = day.astype(np.int64) * 1440 + minute
    # recording: weekends away are ranges Fri 18:00 → Mon 08:00; 30 % of weekday
    # break-ins are ranges 08:00 → 17:30 (a working day away)
    friday = day - (wd - 4)
    workday_range = ~weekend & (rng.random(n) < 0.30)
    t_from = np.where(
        weekend, friday * 1440 + 18 * 60, np.where(workday_range, day * 1440 + 8 * 60, t)
    )
    t_to = np.where(
        weekend,
        (friday + 3) * 1440 + 8 * 60,
        np.where(workday_range, day * 1440 + 17 * 60 + 30, -1),
    )
    t_to = np.where(t_to >= 0, np.minimum(t_to, _T_END - 1), -1)
    prec = np.where(rng.random(n) < 0.15, _P_BLOCK, _P_EXACT).astype(np.int8)
    ev = _events(t_from, t_to, _C["burglary"], x, y, sec, prec, tile)
    return _fix_locations(ev, rng)


def _vehicle_lot(seed: int, tiles: int, boost: np.ndarray, which: str) -> _Events:
    """Thefts of and from vehicles on a lot (``which``) or in the ring around the mall lot."""
    rng = _rng(seed, {"park_and_ride": 3, "mall_lot": 4, "mall_ring": 5}[which])
    cal = _calendar()
    split = {"theft_from_vehicle": 0.7, "vehicle_theft": 0.3}
    if which == "mall_lot":
        split = {"theft_from_vehicle": 0.75, "vehicle_theft": 0.25}
    p = np.array([split[c] * boost[_C[c]] for c in split])
    day, tile = _draw_days(_lam()[which] * p.sum(), tiles, rng)
    n = day.size
    cat = _cats(dict(zip(split, p, strict=True)), n, rng)
    x, y = _samplers()[which].sample(np.zeros(n, np.intp), rng)
    if which == "park_and_ride":  # commuters: weekday 07:00–18:00
        minute = rng.integers(7 * 60, 18 * 60, n)
        t = day.astype(np.int64) * 1440 + minute
        is_range = rng.random(n) < 0.30
        t_from = np.where(is_range, day * 1440 + 7 * 60, t)
        t_to = np.where(is_range, day * 1440 + 18 * 60, -1)
    elif which == "mall_lot":  # shoppers: 10:00–21:00, ranges of a few hours
        minute = rng.integers(10 * 60, 21 * 60, n)
        t = day.astype(np.int64) * 1440 + minute
        t_from, t_to = _ranges(t, 0.2, 0.5, 2.0, rng)
    else:  # street parking around the shopping centre, evening and night
        hour = _sample_hours(cat, cal["weekday"][day], rng)
        t = day.astype(np.int64) * 1440 + hour * 60 + rng.integers(0, 60, n)
        t_from, t_to = _ranges(t, 0.25, 1.0, 6.0, rng)
    sec = _sid("S02") if which == "park_and_ride" else _sid("S03")
    ev = _events(t_from, t_to, cat, x, y, sec, _P_EXACT, tile)
    return _fix_locations(ev, rng)


def _park(seed: int, tiles: int, boost: np.ndarray, which: str) -> _Events:
    """Night mischief and disturbance in Parc des Érables (or in a 200 m ring around it)."""
    rng = _rng(seed, {"park_night": 6, "park_ring": 7}[which])
    split = {"mischief": 0.75, "disturbance": 0.25}
    start_h, span = 22, 360
    if which == "park_ring":
        split = {"mischief": 0.6, "disturbance": 0.4}
        start_h, span = 20, 480
    p = np.array([split[c] * boost[_C[c]] for c in split])
    day, tile = _draw_days(_lam()[which] * p.sum(), tiles, rng)
    n = day.size
    cat = _cats(dict(zip(split, p, strict=True)), n, rng)
    offset = np.floor(rng.beta(1.5, 2.5, n) * span).astype(np.int64)
    t = day.astype(np.int64) * 1440 + start_h * 60 + offset
    area = "park" if which == "park_night" else "park_ring"
    x, y = _samplers()[area].sample(np.zeros(n, np.intp), rng)
    keep = t < _T_END
    ev = _events(t, -1, cat, x, y, _sid("S06"), _P_EXACT, tile).take(keep)
    return _fix_locations(ev, rng)


def _street(seed: int, tiles: int, boost: np.ndarray) -> _Events:
    """Theft and mischief along the commercial rue Saint-Joseph (daytime and evening)."""
    rng = _rng(seed, 8)
    g = _geo()
    split = {"theft": 0.6, "mischief": 0.4}
    p = np.array([split[c] * boost[_C[c]] for c in split])
    day, tile = _draw_days(_lam()["saint_joseph_street"] * p.sum(), tiles, rng)
    n = day.size
    cat = _cats(dict(zip(split, p, strict=True)), n, rng)
    t = day.astype(np.int64) * 1440 + rng.integers(10 * 60, 22 * 60, n)
    x, y = _along(g.street, n, rng, sd=12, clip=35)
    prec = np.where(rng.random(n) < 0.2, _P_INTER, _P_EXACT).astype(np.int8)
    nodes = shapely.get_coordinates(g.street)
    ix, iy = _snap_to(nodes, x, y)
    x, y = np.where(prec == _P_INTER, ix, x), np.where(prec == _P_INTER, iy, y)
    ev = _events(t, -1, cat, x, y, _sid("S08"), prec, tile)
    return _fix_locations(ev, rng)


def _fraud(seed: int, tiles: int, boost: np.ndarray) -> _Events:
    """Fraud and cyber-fraud rising 2022 → 2025, located at best to the sector."""
    rng = _rng(seed, 9)
    g = _geo()
    cal = _calendar()
    parts = []
    for code in ("fraud", "cyber_fraud"):
        day, tile = _draw_days(_lam()[code] * boost[_C[code]], tiles, rng)
        n = day.size
        cat = np.full(n, _C[code], np.int8)
        hour = _sample_hours(cat, cal["weekday"][day], rng)
        t = day.astype(np.int64) * 1440 + hour * 60 + rng.integers(0, 60, n)
        # 30 % known only by a range of 1–30 days (discovered on a statement)
        is_range = rng.random(n) < 0.30
        back = rng.integers(1, 31, n)
        t_from = np.where(is_range, (day - back) * 1440, t)
        t_to = np.where(is_range, day * 1440 + 23 * 60 + 59, -1)
        sec = _choice(g.population, n, rng).astype(np.int16)
        prec = np.where(rng.random(n) < 0.70, _P_SECTOR, _P_NONE).astype(np.int8)
        sec = np.where(prec == _P_NONE, -1, sec)
        parts.append(_events(t_from, t_to, cat, np.nan, np.nan, sec, prec, tile))
    return _Events.concat(parts)
