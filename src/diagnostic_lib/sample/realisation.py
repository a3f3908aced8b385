"""What a realisation holds: counts around each measure's start, and a summary.

:func:`simulate_measure_counts` (fast path, from the simulated arrays) and
:func:`simulate_measure_counts_from_frame` (from an incidents table) count the targeted
events in each measure's treated area and buffer ring before and after its start, for the
calibration tests and the manifest. :func:`_realised` summarises one realisation (counts by
category, fraud by year, rates by sector, weighted night safety) for the README.
"""

from __future__ import annotations

from typing import Any

import numpy as np
import pandas as pd
import shapely

from .constants import _C, _SHIFTS, _T_END, DEFAULT_SEED, PERIOD_END, PERIOD_START
from .events import _shift_codes
from .planted_measures import _MEASURES, _measure_areas, _minutes
from .simulation import _simulate


def simulate_measure_counts(
    seed: int = DEFAULT_SEED, window_days: int = 365, scale: int = 1
) -> pd.DataFrame:
    """Counts of targeted events around each measure's start, for calibration tests.

    Fast path: simulates the incidents as arrays and counts, for each measure with a
    point, line or polygon footprint that starts inside the data, the events of its
    target categories and shifts in the treated area and in the buffer ring, in the
    ``window_days`` before and after the start (windows clipped to the data).

    Parameters
    ----------
    seed : int
        Seed of the realisation.
    window_days : int, default 365
        Length of the before and after windows.
    scale : int, default 1
        Copies of the town (counts are summed over copies).

    Returns
    -------
    pandas.DataFrame
        One row per measure: ``measure_id``, ``start``, ``planted_effect``,
        ``treated_multiplier``, ``buffer_multiplier``, ``treated_before``,
        ``treated_after``, ``buffer_before``, ``buffer_after``, ``before_days``,
        ``after_days``.

    Examples
    --------
    >>> c = simulate_measure_counts(seed=1).set_index("measure_id")
    >>> bool(c.loc["M01", "treated_after"] < c.loc["M01", "treated_before"])
    True
    """
    ev = _simulate(seed, scale)
    shift = _shift_codes(ev.t, ev.t_to)
    located = np.isfinite(ev.x)
    areas = _measure_areas()
    rows = []
    for m in _MEASURES:
        if m.measure_id not in areas or not m.start:
            continue
        t0 = _minutes(m.start)
        if not 0 < t0 < _T_END:
            continue
        w = window_days * 1440
        lo, hi = max(0, t0 - w), min(_T_END, t0 + w)
        cats = np.isin(ev.cat, [_C[c] for c in m.target_categories])
        if m.target_shifts:
            cats &= np.isin(shift, [_SHIFTS.index(s) for s in m.target_shifts])
        sel = np.flatnonzero(cats & located & (ev.t >= lo) & (ev.t < hi))
        treated, ring = areas[m.measure_id]
        in_t = shapely.intersects_xy(treated, ev.x[sel], ev.y[sel])
        in_b = (
            ~in_t & shapely.intersects_xy(ring, ev.x[sel], ev.y[sel])
            if ring is not None
            else np.zeros(sel.size, bool)
        )
        after = ev.t[sel] >= t0
        rows.append(
            {
                "measure_id": m.measure_id,
                "start": m.start,
                "planted_effect": m.planted_effect,
                "treated_multiplier": m.treated_multiplier,
                "buffer_multiplier": m.buffer_multiplier,
                "treated_before": int((in_t & ~after).sum()),
                "treated_after": int((in_t & after).sum()),
                "buffer_before": int((in_b & ~after).sum()),
                "buffer_after": int((in_b & after).sum()),
                "before_days": (t0 - lo) // 1440,
                "after_days": (hi - t0) // 1440,
            }
        )
    return pd.DataFrame(rows)


def simulate_measure_counts_from_frame(incidents: pd.DataFrame, window_days: int = 365) -> dict:
    """Treated/buffer counts before/after each measure's start in an incidents frame.

    Same definition as :func:`simulate_measure_counts`, from an incidents frame of the
    shape of ``incidents.csv`` (scale 1).

    Examples
    --------
    >>> from diagnostic_lib.sample import generate_tables
    >>> inc = generate_tables(only=("incidents",))["incidents"]
    >>> simulate_measure_counts_from_frame(inc)["M01"]["treated_before"] > 80
    True
    """
    x = incidents["x"].to_numpy(dtype=float)
    y = incidents["y"].to_numpy(dtype=float)
    t = incidents["occurred_from"].to_numpy()
    shift = incidents["shift"].astype(object).fillna("").astype(str).to_numpy()
    cat = incidents["category"].astype(str).to_numpy()
    located = np.isfinite(x)
    out = {}
    areas = _measure_areas()
    for m in _MEASURES:
        if m.measure_id not in areas or not m.start:
            continue
        start = np.datetime64(m.start)
        if not np.datetime64(PERIOD_START) < start <= np.datetime64(PERIOD_END):
            continue
        lo = max(start - np.timedelta64(window_days, "D"), np.datetime64(PERIOD_START))
        hi = start + np.timedelta64(window_days, "D")
        sel = np.isin(cat, m.target_categories) & located & (t >= lo) & (t < hi)
        if m.target_shifts:
            sel &= np.isin(shift, m.target_shifts)
        idx = np.flatnonzero(sel)
        treated, ring = areas[m.measure_id]
        in_t = shapely.intersects_xy(treated, x[idx], y[idx])
        in_b = (
            ~in_t & shapely.intersects_xy(ring, x[idx], y[idx])
            if ring is not None
            else np.zeros(idx.size, bool)
        )
        after = t[idx] >= start
        out[m.measure_id] = {
            "treated_before": int((in_t & ~after).sum()),
            "treated_after": int((in_t & after).sum()),
            "buffer_before": int((in_b & ~after).sum()),
            "buffer_after": int((in_b & after).sum()),
        }
    return out


def _realised(tables: dict[str, pd.DataFrame]) -> dict[str, Any]:
    """Counts of the planted structure in this realisation (for the README and trainers)."""
    inc = tables["incidents"]
    cat = inc["category"].astype(str)
    year = inc["occurred_from"].dt.year
    fraud = cat.isin(["fraud", "cyber_fraud"])
    counts = simulate_measure_counts_from_frame(inc)
    pop = tables["sectors"].set_index("sector_id")["population"]
    per_sector = inc["sector"].astype(str).value_counts().reindex(pop.index, fill_value=0)
    rate = (per_sector / pop * 1000 / 4).round(1)
    sv = tables["survey"]
    night = (sv["safety_night"] * sv["weight"]).groupby(sv["sector"]).sum() / sv["weight"].groupby(
        sv["sector"]
    ).sum()
    return {
        "incidents": len(inc),
        "by_category": {c: int(v) for c, v in cat.value_counts().sort_index().items()},
        "fraud_cyber_by_year": {
            str(int(y)): int(v) for y, v in year[fraud].value_counts().sort_index().items()
        },
        "rate_per_1000_per_year": {k: float(v) for k, v in rate.items()},
        "survey_night_safety_weighted_mean": {k: round(float(v), 2) for k, v in night.items()},
        "measure_counts_12m": counts,
    }
