"""The citizen survey (autumn 2025), with its planted perception gap.

Respondents are drawn by sector × age group with unequal response rates and get
post-stratification weights (population share of the cell / sample share). Night safety
has a planted mean per sector (Domaine-des-Pins, S05, the lowest), day safety follows it,
and each respondent names up to three concerns drawn from per-sector probabilities.
"""

from __future__ import annotations

import numpy as np
import pandas as pd

from .. import schema
from .events import _choice, _rng
from .geography import _N_SECTORS, _geo
from .tiles import _sector_ids

# Survey: planted perception per sector (night safety mean, day safety mean, concern probs)
_SURVEY_RESPONSE = {"S01": 1.0, "S02": 0.8, "S03": 0.8, "S04": 0.6, "S05": 1.4}
_SURVEY_NIGHT = {
    "S01": 3.45,
    "S02": 3.3,
    "S03": 3.5,
    "S04": 3.3,
    "S05": 2.3,
    "S06": 3.4,
    "S07": 3.3,
    "S08": 3.4,
    "S09": 3.6,
    "S10": 3.7,
}
_CONCERN_BASE = {
    "burglary": 0.20,
    "vehicle_crime": 0.15,
    "violence": 0.10,
    "disorder": 0.15,
    "drugs": 0.12,
    "traffic": 0.30,
    "fraud_cyber": 0.20,
    "youth_gangs": 0.08,
}
_CONCERN_SECTOR = {
    "S01": {"violence": 0.25, "disorder": 0.30, "drugs": 0.22},
    "S02": {"vehicle_crime": 0.35},
    "S03": {"vehicle_crime": 0.35},
    "S05": {"burglary": 0.75, "youth_gangs": 0.55, "disorder": 0.30, "vehicle_crime": 0.25},
    "S06": {"disorder": 0.25, "youth_gangs": 0.15},
    "S07": {"burglary": 0.45},
    "S08": {"burglary": 0.45},
    "S09": {"burglary": 0.45},
}
_AGE_GROUPS = ("18-34", "35-64", "65+")
_AGE_POP = (0.28, 0.50, 0.22)
_AGE_RESPONSE = (0.15, 0.50, 0.35)
_SURVEY_N = 1100


def _survey_frame(seed: int, scale: int) -> pd.DataFrame:
    """Citizen survey, autumn 2025, with post-stratification weights (sector × age)."""
    rng = _rng(seed, 200)
    g = _geo()
    ns, na = _N_SECTORS, len(_AGE_GROUPS)
    resp = np.array([_SURVEY_RESPONSE.get(s, 0.9) for s in g.sector_ids])
    cell_p = (g.population * resp)[:, None] * np.array(_AGE_RESPONSE)[None, :]
    cell_p = (cell_p / cell_p.sum()).ravel()
    n = _SURVEY_N * scale
    cell = _choice(cell_p, n, rng)
    tile = np.repeat(np.arange(scale), _SURVEY_N)
    sec, age = cell // na, cell % na
    # post-stratification weight = population share of the cell / sample share (per tile)
    pop_share = ((g.population / g.population.sum())[:, None] * np.array(_AGE_POP)[None, :]).ravel()
    counts = np.zeros((scale, ns * na))
    np.add.at(counts, (tile, cell), 1)
    weight = pop_share[cell] / (counts[tile, cell] / _SURVEY_N)
    night_mu = np.array([_SURVEY_NIGHT[s] for s in g.sector_ids])[sec] - 0.3 * (age == 2)
    day_mu = np.minimum(night_mu + 0.9, 4.6)
    safety_day = np.clip(np.round(rng.normal(day_mu, 0.8)), 1, 5).astype(np.int64)
    safety_night = np.clip(np.round(rng.normal(night_mu, 0.9)), 1, 5).astype(np.int64)
    codes = list(schema.CONCERNS)
    p = np.array(
        [[_CONCERN_SECTOR.get(s, {}).get(c, _CONCERN_BASE[c]) for c in codes] for s in g.sector_ids]
    )
    prob = p[sec]
    prob[:, codes.index("fraud_cyber")] += 0.15 * (age == 2)
    chosen = rng.random(prob.shape) < prob
    priority = np.where(chosen, rng.random(prob.shape), np.inf)
    rank = np.argsort(np.argsort(priority, axis=1), axis=1)
    chosen &= rank < 3
    concerns = [tuple(codes[k] for k in np.flatnonzero(row)) for row in chosen]
    date = np.datetime64("2025-09-15") + rng.integers(0, 62, n)
    ids = _sector_ids(scale)
    width = max(4, len(str(n)))
    return pd.DataFrame(
        {
            "respondent_id": [f"R{i + 1:0{width}d}" for i in range(n)],
            "sector": ids[tile * ns + sec].astype(str),
            "date": date.astype("datetime64[us]"),
            "safety_day": safety_day,
            "safety_night": safety_night,
            "concerns": concerns,
            "weight": np.round(weight, 4),
        }
    )
