"""What each problem looks like, and how well a response fits it (the ``fit`` component).

A problem's profile is its families, categories, place types and time pattern
(:func:`problem_profile`); a response's targets are the same fields in the
catalogue. The fit weighs family/category (50 %), place type (30 %) and time
pattern (20 %); a generic response (many families or place types) fits less
than a specific one.

Examples
--------
>>> pb = pd.DataFrame({"problem_id": ["P1"], "kind": ["place"], "families": [("violent",)],
...     "categories": [("assault",)], "facility": ["bar"], "dominant_shift": ["nuit"],
...     "week_part": ["weekend"]})
>>> problem_profile(pb).loc["P1", "place_types"]
('nightlife',)
"""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any

import pandas as pd

FACILITY_PLACE = {
    "bar": "nightlife",
    "parking": "parking",
    "transit_stop": "transit",
    "shopping_centre": "commercial",
    "park": "park",
    "school": "school",
}
SHIFT_TIME = {"nuit": "night", "soir": "evening", "jour": "day"}


def _places(kind: str, fac: str, fams: tuple[str, ...]) -> tuple[str, ...]:
    if kind == "municipality":
        return ("whole_area", "online") if "fraud_cyber" in fams else ("whole_area",)
    if kind == "area":
        return ("residential",) if not fac else (FACILITY_PLACE.get(fac, "street"), "residential")
    return (FACILITY_PLACE.get(fac, "street"),)


def problem_profile(problems: pd.DataFrame) -> pd.DataFrame:
    """Families, categories, place types and time pattern of each problem.

    Place types follow the facility the problem's events are next to (bars →
    nightlife, parkings → parking …), ``residential`` for area problems,
    ``whole_area`` (and ``online`` for fraud/cyber) for municipality-wide ones,
    ``street`` otherwise. The time pattern follows the dominant shift and the
    weekend share.

    Parameters
    ----------
    problems : DataFrame
        Problem register (``problem_id, kind, families, categories, facility,
        dominant_shift, week_part``).

    Returns
    -------
    DataFrame
        Indexed by ``problem_id``: ``families, categories, place_types,
        time_patterns`` (tuples).

    Examples
    --------
    >>> pb = pd.DataFrame({"problem_id": ["P1"], "kind": ["place"], "families": [("violent",)],
    ...     "categories": [("assault",)], "facility": ["bar"], "dominant_shift": ["nuit"],
    ...     "week_part": ["weekend"]})
    >>> problem_profile(pb).loc["P1", ["place_types", "time_patterns"]].tolist()
    [('nightlife',), ('night', 'weekend')]
    """
    rows = []
    for rec in problems.to_dict("records"):
        fams = tuple(rec.get("families") or ())
        places = _places(rec.get("kind", "place"), rec.get("facility") or "", fams)
        times = []
        t = SHIFT_TIME.get(rec.get("dominant_shift", ""), None)
        if t:
            times.append(t)
        if rec.get("week_part") == "weekend":
            times.append("weekend")
        rows.append(
            {
                "problem_id": rec["problem_id"],
                "families": fams,
                "categories": tuple(rec.get("categories") or ()),
                "place_types": places,
                "time_patterns": tuple(times) or ("any",),
            }
        )
    cols = ["problem_id", "families", "categories", "place_types", "time_patterns"]
    return pd.DataFrame(rows, columns=cols).set_index("problem_id", drop=False)


def _fit(prob: Mapping[str, Any], resp: Mapping[str, Any]) -> float:
    """Fit of a response to a problem: specific responses fit better than generic ones."""
    fams = set(prob["families"])
    rfams = set(resp["families"])
    overlap = len(fams & rfams)
    if not overlap:
        return 0.0
    cats = set(resp["categories"])
    pcats = set(prob["categories"])
    if cats and not cats & pcats:
        return 0.0  # a response for other categories (e.g. vehicle security for shop theft)
    if cats:
        fam_score = 0.6 + 0.4 * len(cats & pcats) / max(len(pcats), 1)
    else:
        fam_score = 0.2 + 0.8 * (overlap / len(fams)) * (overlap / len(rfams))
    places = set(resp["place_types"])
    if places & set(prob["place_types"]):
        place_score = 0.5 + 0.5 * min(1.0, 3 / len(places))
    else:
        place_score = 0.5 if "whole_area" in places else 0.0
    times = set(resp["time_patterns"]) or {"any"}
    time_score = 1.0 if "any" in times or times & set(prob["time_patterns"]) else 0.3
    return float(0.5 * fam_score + 0.3 * place_score + 0.2 * time_score)
