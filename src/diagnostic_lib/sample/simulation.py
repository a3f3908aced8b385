"""The whole incident process: the planted problems and the background, then the effects.

:func:`_simulate` sums the components (each from its own random stream), keeps the events
that start inside the period and applies the measures' effects. The result is arrays
(tile-0 coordinates, unsorted); :mod:`.tables` turns them into the incidents frame.
"""

from __future__ import annotations

from .background import _background
from .constants import _T_END
from .effects import _apply_measures, _effects
from .events import _Events
from .problems import _bar_strip, _burglary, _fraud, _park, _street, _vehicle_lot


def _simulate(seed: int, scale: int) -> _Events:
    """All incidents as arrays (tile-0 coordinates), measure effects applied, unsorted."""
    if int(scale) < 1:
        raise ValueError("scale must be a positive integer")
    tiles = int(scale)
    _, boost = _effects()
    parts = [
        _bar_strip(seed, tiles, boost),
        _burglary(seed, tiles, boost),
        _vehicle_lot(seed, tiles, boost, "park_and_ride"),
        _vehicle_lot(seed, tiles, boost, "mall_lot"),
        _vehicle_lot(seed, tiles, boost, "mall_ring"),
        _park(seed, tiles, boost, "park_night"),
        _park(seed, tiles, boost, "park_ring"),
        _street(seed, tiles, boost),
        _fraud(seed, tiles, boost),
        _background(seed, tiles, boost),
    ]
    ev = _Events.concat(parts)
    # the data are selected on occurred_from: ranges starting before 2022 are out
    ev = ev.take((ev.t >= 0) & (ev.t < _T_END))
    return _apply_measures(ev, seed, boost)
