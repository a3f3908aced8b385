"""Simulated events as a struct of arrays, random streams, and where the events land.

:class:`_Events` holds one component's events (times in minutes since 2022-01-01 00:00,
category, tile-0 coordinates, sector, geocoding precision, copy of the town). The helpers
draw Poisson days, categorical choices and time ranges from independent seeded streams
(adding a component does not shift the others), give each event its shift, and
:func:`_fix_locations` keeps points in the town and applies the geocoding precision.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass

import numpy as np

from .constants import (
    _C,
    _N_DAYS,
    _ORIGIN,
    _P_BLOCK,
    _P_EXACT,
    _P_INTER,
    _P_NONE,
    _P_SECTOR,
    _T_END,
)
from .geography import _geo, _samplers
from .geometry import _locate, _round01


@dataclass
class _Events:
    """Events of one component; times are minutes since 2022-01-01 00:00."""

    t: np.ndarray  # int64, occurred_from
    t_to: np.ndarray  # int64, -1 when exact
    cat: np.ndarray  # int8
    x: np.ndarray  # float64, NaN when unlocated (tile-0 coordinates)
    y: np.ndarray
    sec: np.ndarray  # int16, sector index in the tile, -1 when unknown
    prec: np.ndarray  # int8
    tile: np.ndarray  # int32

    @staticmethod
    def concat(parts: Sequence[_Events]) -> _Events:
        return _Events(
            *(np.concatenate([getattr(p, f) for p in parts]) for f in _Events.__annotations__)
        )

    def take(self, idx: np.ndarray) -> _Events:
        return _Events(*(getattr(self, f)[idx] for f in _Events.__annotations__))

    def __len__(self) -> int:
        return int(self.t.size)


def _events(t, t_to, cat, x, y, sec, prec, tile) -> _Events:
    n = np.asarray(t).size

    def full(v, dtype):
        v = np.asarray(v)
        return np.full(n, v, dtype=dtype) if v.ndim == 0 else v.astype(dtype, copy=False)

    return _Events(
        t=full(t, np.int64),
        t_to=full(t_to, np.int64),
        cat=full(cat, np.int8),
        x=full(x, np.float64),
        y=full(y, np.float64),
        sec=full(sec, np.int16),
        prec=full(prec, np.int8),
        tile=full(tile, np.int32),
    )


def _rng(seed: int, stream: int) -> np.random.Generator:
    """An independent random stream per component (adding one does not shift the others)."""
    return np.random.default_rng(np.random.SeedSequence([int(seed), int(stream)]))


def _draw_days(lam: np.ndarray, tiles: int, rng: np.random.Generator) -> tuple[np.ndarray, ...]:
    """Poisson counts per day (× tiles), expanded to (day, tile) per event."""
    n = rng.poisson(lam * tiles)
    day = np.repeat(np.arange(_N_DAYS), n)
    tile = rng.integers(0, tiles, size=day.size) if tiles > 1 else np.zeros(day.size, np.int64)
    return day, tile


def _choice(p: Sequence[float], n: int, rng: np.random.Generator) -> np.ndarray:
    """Categorical draws with probabilities ``p`` (vectorised)."""
    cum = np.cumsum(np.asarray(p, dtype=float))
    cum /= cum[-1]
    return np.minimum(np.searchsorted(cum, rng.random(n), side="right"), len(cum) - 1)


def _cats(split: dict[str, float], n: int, rng: np.random.Generator) -> np.ndarray:
    codes = np.array([_C[k] for k in split], dtype=np.int8)
    return codes[_choice(list(split.values()), n, rng)]


def _ranges(t: np.ndarray, p: float, lo_h: float, hi_h: float, rng: np.random.Generator):
    """Turn a share ``p`` of exact times into ranges around them (half-hour marks)."""
    n = t.size
    is_range = rng.random(n) < p
    a = rng.uniform(lo_h, hi_h, n) * 60
    b = rng.uniform(lo_h, hi_h, n) * 60
    t_from = np.where(is_range, np.floor((t - a) / 30) * 30, t).astype(np.int64)
    t_to = np.where(is_range, np.ceil((t + b) / 30) * 30, -1).astype(np.int64)
    t_to = np.where(is_range, np.minimum(t_to, _T_END - 1), -1)
    return t_from, t_to


def _shift_codes(t: np.ndarray, t_to: np.ndarray) -> np.ndarray:
    """0 jour, 1 soir, 2 nuit, 3 none (range longer than 8 h)."""
    hour = (t % 1440) // 60
    code = np.where(hour < 8, 2, np.where(hour < 16, 0, 1)).astype(np.int8)
    return np.where((t_to >= 0) & (t_to - t > 480), 3, code).astype(np.int8)


def _fix_locations(ev: _Events, rng: np.random.Generator) -> _Events:
    """Keep points in the town, apply geocoding precision, set the sector from the point.

    Points that fell outside the town are redrawn uniformly in their sector; points
    snapped to an intersection or a block centre that would change sector keep their
    exact position.
    """
    g = _geo()
    located = ev.prec < _P_SECTOR
    ev.x = np.where(located, _round01(ev.x), np.nan)
    ev.y = np.where(located, _round01(ev.y), np.nan)
    idx = np.flatnonzero(located)
    where = _locate(g.sectors, ev.x[idx], ev.y[idx])
    bad = idx[where < 0]
    if bad.size:
        bx, by = _samplers()["sectors"].sample(ev.sec[bad], rng)
        ev.x[bad], ev.y[bad] = _round01(bx), _round01(by)
        where[where < 0] = ev.sec[bad]
    # geocoding: intersection = node of a 100 m street lattice, block = block centre
    ox, oy = _ORIGIN[0] + 37.0, _ORIGIN[1] + 53.0
    snap = idx[(ev.prec[idx] == _P_INTER) | (ev.prec[idx] == _P_BLOCK)]
    if snap.size:
        block = ev.prec[snap] == _P_BLOCK
        sx = (
            np.where(
                block,
                np.floor((ev.x[snap] - ox) / 100) * 100 + 50,
                np.round((ev.x[snap] - ox) / 100) * 100,
            )
            + ox
        )
        sy = (
            np.where(
                block,
                np.floor((ev.y[snap] - oy) / 100) * 100 + 50,
                np.round((ev.y[snap] - oy) / 100) * 100,
            )
            + oy
        )
        pos = np.searchsorted(idx, snap)
        same = _locate(g.sectors, sx, sy) == where[pos]
        ev.x[snap[same]], ev.y[snap[same]] = sx[same], sy[same]
        ev.prec[snap[~same]] = _P_EXACT
    ev.sec[idx] = where
    ev.sec[ev.prec == _P_NONE] = -1
    return ev
