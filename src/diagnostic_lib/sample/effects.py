"""The measures' planted effects on the incidents: exact multipliers, applied by thinning.

A measure multiplies the Poisson intensity of its target categories and shifts in its
treated area (and in its buffer ring) from its start date (to its end date). The planted
components are simulated with their intensity raised by the largest multiplier of each
category (the ``boost``); :func:`_apply_measures` then keeps each event with probability
``multiplier(event) / boost``, so that the effects are exact in expectation and repeated
seeds scatter around the planted size.
"""

from __future__ import annotations

import functools
from typing import Any

import numpy as np
import shapely

from .constants import _C, _SHIFTS, _T_END, CATEGORIES
from .events import _Events, _rng, _shift_codes
from .planted_measures import _MEASURES, _measure_areas, _minutes


@functools.cache
def _effects() -> tuple[tuple[Any, ...], np.ndarray]:
    """Measures with a multiplier ≠ 1 (and their areas), and the boost per category."""
    eff = []
    boost = np.ones(len(CATEGORIES))
    areas = _measure_areas()
    for m in _MEASURES:
        if m.planted_effect == "planned" or m.measure_id not in areas:
            continue
        tm, bm = m.treated_multiplier or 1.0, m.buffer_multiplier or 1.0
        if tm == 1.0 and bm == 1.0:
            continue
        cats = np.zeros(len(CATEGORIES), bool)
        cats[[_C[c] for c in m.target_categories]] = True
        shifts = np.zeros(4, bool)
        shifts[[_SHIFTS.index(s) for s in m.target_shifts] if m.target_shifts else slice(None)] = (
            True
        )
        t_end = _minutes(m.end) + 1440 if m.end else _T_END
        treated, ring = areas[m.measure_id]
        eff.append((m.measure_id, cats, shifts, _minutes(m.start), t_end, treated, tm, ring, bm))
        boost[cats] = np.maximum(boost[cats], max(tm, bm))
    return tuple(eff), boost


def _apply_measures(ev: _Events, seed: int, boost: np.ndarray) -> _Events:
    """Thin the boosted process: keep each event with probability M(event) / boost."""
    effects, _ = _effects()
    mult = np.ones(len(ev))
    shift = _shift_codes(ev.t, ev.t_to)
    located = np.isfinite(ev.x)
    for _, cats, shifts, t0, t1, treated, tm, ring, bm in effects:
        sel = np.flatnonzero(cats[ev.cat] & shifts[shift] & located & (ev.t >= t0) & (ev.t < t1))
        if not sel.size:
            continue
        x, y = ev.x[sel], ev.y[sel]
        in_t = shapely.intersects_xy(treated, x, y)
        mult[sel[in_t]] *= tm
        if ring is not None:
            in_b = ~in_t & shapely.intersects_xy(ring, x, y)
            mult[sel[in_b]] *= bm
    p = mult / boost[ev.cat]
    if np.any(p > 1 + 1e-12):  # pragma: no cover - guarded by construction
        raise RuntimeError("overlapping measure multipliers exceed the boost")
    keep = _rng(seed, 999).random(len(ev)) < p
    return ev.take(keep)
