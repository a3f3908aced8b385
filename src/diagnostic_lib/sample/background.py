"""Background crime: the everyday incidents around the planted problems.

Counts per sector × category × month are Poisson with a gamma multiplier (shape 20,
mild overdispersion) around population × sector attractiveness × the category's daily
profile. A share of the events lands near a generator place of the sector (bars, parkings,
transit stops, schools, parks, shopping centres), the rest uniformly in the sector; some
are known only by a time range; the geocoding precision is drawn per event.
"""

from __future__ import annotations

import functools
from typing import Any

import numpy as np

from .constants import _C, _N_DAYS, _T_END
from .events import _choice, _Events, _events, _fix_locations, _rng
from .geography import _N_SECTORS, _geo, _samplers
from .time_profiles import _calendar, _day_factors, _sample_hours

# Expected events per year (scale 1) by category.
_BACKGROUND_PER_YEAR = {
    "homicide": 0.3,
    "robbery": 24.0,
    "assault": 170.0,
    "assault_armed": 35.0,
    "burglary": 55.0,
    "vehicle_theft": 55.0,
    "theft_from_vehicle": 160.0,
    "theft": 620.0,
    "mischief": 330.0,
    "disturbance": 420.0,
    "drugs": 120.0,
    "traffic": 150.0,
}
_HOMICIDE_MAX = 2  # "0–2 in total": extra draws beyond 2 are dropped (documented)

# Relative attractiveness of each sector by category (× population).
_ATTRACT_DEFAULT = {
    "S01": 2.2,
    "S02": 1.3,
    "S03": 1.4,
    "S04": 2.0,
    "S05": 0.4,
    "S06": 0.9,
    "S07": 0.8,
    "S08": 1.0,
    "S09": 0.7,
    "S10": 0.8,
}
_ATTRACT_OVERRIDES = {
    "S01": {"theft": 3.0, "robbery": 10.0, "drugs": 3.5, "assault": 2.8, "assault_armed": 3.0},
    "S03": {"theft": 3.0, "theft_from_vehicle": 1.3, "vehicle_theft": 1.3, "robbery": 2.0},
    "S02": {"theft_from_vehicle": 1.6, "vehicle_theft": 1.6, "drugs": 2.0},
    "S04": {"theft_from_vehicle": 4.0, "vehicle_theft": 5.0, "mischief": 3.0, "burglary": 6.0},
    "S05": {"burglary": 0.3, "homicide": 0.0},
    "S07": {"burglary": 0.5},
    "S08": {"burglary": 0.5},
    "S09": {"burglary": 0.5},
}
# Generators: share of events drawn near a place, and which kinds (weights).
_GENERATORS: dict[str, tuple[float, dict[str, float]]] = {
    "homicide": (0.3, {"bar": 1.0}),
    "robbery": (0.5, {"transit_stop": 0.4, "shopping_centre": 0.3, "bar": 0.3}),
    "assault": (0.45, {"bar": 0.8, "transit_stop": 0.2}),
    "assault_armed": (0.4, {"bar": 1.0}),
    "burglary": (0.0, {}),
    "vehicle_theft": (0.45, {"parking": 1.0}),
    "theft_from_vehicle": (0.55, {"parking": 1.0}),
    "theft": (0.45, {"shopping_centre": 0.6, "transit_stop": 0.2, "bar": 0.2}),
    "mischief": (0.35, {"school": 0.4, "park": 0.4, "transit_stop": 0.2}),
    "disturbance": (0.45, {"bar": 0.7, "park": 0.3}),
    "drugs": (0.5, {"park": 0.5, "transit_stop": 0.3, "bar": 0.2}),
    "traffic": (0.0, {}),
}
_GENERATOR_SD = {
    "bar": 15.0,
    "parking": 30.0,
    "transit_stop": 20.0,
    "school": 40.0,
    "park": 50.0,
    "shopping_centre": 60.0,
}
_RANGE_SHARE = {
    "theft_from_vehicle": 0.3,
    "vehicle_theft": 0.35,
    "mischief": 0.15,
    "burglary": 0.4,
    "theft": 0.1,
}
_BACKGROUND_PRECISION = (0.72, 0.13, 0.10, 0.05)  # exact, intersection, block, sector


@functools.cache
def _background_setup() -> dict[str, Any]:
    """Monthly means per sector × category and the generator points (seed-independent)."""
    g = _geo()
    codes = list(_BACKGROUND_PER_YEAR)
    cidx = np.array([_C[c] for c in codes])
    share = np.empty((_N_SECTORS, len(codes)))
    for j, code in enumerate(codes):
        for i, sid in enumerate(g.sector_ids):
            a = _ATTRACT_OVERRIDES.get(sid, {}).get(code, _ATTRACT_DEFAULT[sid])
            share[i, j] = g.population[i] * a
        share[:, j] /= share[:, j].sum()
    f = _day_factors()[cidx]  # (C, days)
    mi = _calendar()["month_index"]
    n_months = int(mi.max()) + 1
    month_sum = np.zeros((len(codes), n_months))
    for m in range(n_months):
        month_sum[:, m] = f[:, mi == m].sum(axis=1)
    rate = np.array([_BACKGROUND_PER_YEAR[c] for c in codes]) / 365.25
    mu = share[:, :, None] * rate[None, :, None] * month_sum[None, :, :]  # (S, C, M)
    cum = np.cumsum(f.ravel())
    first_day = np.searchsorted(mi, np.arange(n_months), side="left")
    last_day = np.searchsorted(mi, np.arange(n_months), side="right") - 1
    # Generators: flattened candidate points per (category, sector).
    places = g.places
    gen_x, gen_y, gen_sd, gen_cum = [], [], [], []
    gen_lo = np.zeros((len(codes), _N_SECTORS), dtype=np.int64)
    gen_hi = np.zeros((len(codes), _N_SECTORS), dtype=np.int64)
    pos = 0
    for j, code in enumerate(codes):
        _, kinds = _GENERATORS[code]
        for i in range(_N_SECTORS):
            sel = places[(places["sector"] == i) & places["kind"].isin(list(kinds))]
            gen_lo[j, i] = pos
            for _, row in sel.iterrows():
                gen_x.append(row["gx"])
                gen_y.append(row["gy"])
                gen_sd.append(_GENERATOR_SD[row["kind"]])
                gen_cum.append(kinds[row["kind"]])
                pos += 1
            gen_hi[j, i] = pos
    w = np.array(gen_cum, dtype=float)
    return {
        "codes": codes,
        "cidx": cidx,
        "mu": mu,
        "cum": cum,
        "first_day": first_day,
        "last_day": last_day,
        "gen_x": np.array(gen_x),
        "gen_y": np.array(gen_y),
        "gen_sd": np.array(gen_sd),
        "gen_w": w,
        "gen_lo": gen_lo,
        "gen_hi": gen_hi,
        "g_share": np.array([_GENERATORS[c][0] for c in codes]),
    }


def _background(seed: int, tiles: int, boost: np.ndarray) -> _Events:
    """Background crime: population × attractiveness, monthly gamma overdispersion."""
    rng = _rng(seed, 100)
    s = _background_setup()
    codes, cidx = s["codes"], s["cidx"]
    mu = s["mu"] * boost[cidx][None, :, None]
    shape = 20.0
    gamma = rng.gamma(shape, 1.0 / shape, size=(tiles, *mu.shape))
    counts = rng.poisson(mu[None] * gamma)
    # homicides: keep at most _HOMICIDE_MAX per tile
    jh = codes.index("homicide")
    hom = counts[:, :, jh, :].reshape(tiles, -1)
    csum = np.cumsum(hom, axis=1)
    hom = np.where(csum <= _HOMICIDE_MAX, hom, np.maximum(_HOMICIDE_MAX - (csum - hom), 0))
    counts[:, :, jh, :] = hom.reshape(counts[:, :, jh, :].shape)
    flat = np.repeat(np.arange(counts.size), counts.ravel())
    tile, sec, j, month = np.unravel_index(flat, counts.shape)
    n = flat.size
    # day within the month, from the category's daily profile
    lo_day, hi_day = s["first_day"][month], s["last_day"][month]
    base = j * _N_DAYS
    cum = s["cum"]
    lo = np.where(base + lo_day > 0, cum[np.maximum(base + lo_day - 1, 0)], 0.0)
    hi = cum[base + hi_day]
    k = np.searchsorted(cum, lo + rng.random(n) * (hi - lo), side="right")
    day = np.clip(k - base, lo_day, hi_day)
    cat = cidx[j].astype(np.int8)
    hour = _sample_hours(cat, _calendar()["weekday"][day], rng)
    t = day.astype(np.int64) * 1440 + hour * 60 + rng.integers(0, 60, n)
    # place: near a generator of the sector, or uniform in the sector
    use_gen = (rng.random(n) < s["g_share"][j]) & (s["gen_hi"][j, sec] > s["gen_lo"][j, sec])
    x, y = _samplers()["sectors"].sample(sec, rng)
    gi = np.flatnonzero(use_gen)
    if gi.size:
        lo_g, hi_g = s["gen_lo"][j[gi], sec[gi]], s["gen_hi"][j[gi], sec[gi]]
        wcum = np.cumsum(s["gen_w"])
        wlo = np.where(lo_g > 0, wcum[np.maximum(lo_g - 1, 0)], 0.0)
        whi = wcum[hi_g - 1]
        kk = np.clip(
            np.searchsorted(wcum, wlo + rng.random(gi.size) * (whi - wlo), side="right"),
            lo_g,
            hi_g - 1,
        )
        sd = s["gen_sd"][kk]
        x[gi] = s["gen_x"][kk] + rng.normal(0, 1, gi.size) * sd
        y[gi] = s["gen_y"][kk] + rng.normal(0, 1, gi.size) * sd
    # ranges
    share = np.array([_RANGE_SHARE.get(c, 0.0) for c in codes])[j]
    is_range = rng.random(n) < share
    a = rng.uniform(1, 6, n) * 60
    b = rng.uniform(1, 6, n) * 60
    t_from = np.where(is_range, np.floor((t - a) / 30) * 30, t).astype(np.int64)
    t_to = np.where(is_range, np.minimum(np.ceil((t + b) / 30) * 30, _T_END - 1), -1).astype(
        np.int64
    )
    prec = _choice(_BACKGROUND_PRECISION, n, rng).astype(np.int8)
    ev = _events(t_from, t_to, cat, x, y, sec.astype(np.int16), prec, tile)
    return _fix_locations(ev, rng)
