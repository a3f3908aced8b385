"""What each problem looks like, and how well a response fits it (the ``fit`` component).

A problem's profile is its families, categories, place types and time pattern
(:func:`problem_profile`); a response's targets are the same fields in the
catalogue. The fit weighs family/category (50 %), place type (30 %) and time
pattern (20 %); a generic response (many families or place types) fits less
than a specific one. A safety walk that found, in the problem's area, what a
response's kind answers (:data:`WALK_RESPONSE_KINDS`: a dark spot for lighting,
a hiding place for environmental design…) adds ``walk_fit_bonus`` to a fit that
is not already zero (see :func:`walk_bonus`).

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

from .. import settings

FACILITY_PLACE = {
    "bar": "nightlife",
    "parking": "parking",
    "transit_stop": "transit",
    "shopping_centre": "commercial",
    "park": "park",
    "school": "school",
}
SHIFT_TIME = {"nuit": "night", "soir": "evening", "jour": "day"}

WALK_RESPONSE_KINDS: dict[str, tuple[str, ...]] = {
    "lighting": ("lighting",),
    "hiding_place": ("environmental_design",),
    "natural_surveillance": ("environmental_design",),
    "neglect": ("environmental_design",),
}
"""Safety-walk observation category → the measure kinds that answer it.

"Feeling unsafe" and "other" name no remedy: they raise no response's fit."""


def _places(kind: str, fac: str, fams: tuple[str, ...]) -> tuple[str, ...]:
    if kind == "municipality":
        return ("whole_area", "online") if "fraud_cyber" in fams else ("whole_area",)
    if kind == "area":
        return ("residential",) if not fac else (FACILITY_PLACE.get(fac, "street"), "residential")
    return (FACILITY_PLACE.get(fac, "street"),)


def problem_profile(
    problems: pd.DataFrame, walk_counts: pd.DataFrame | None = None
) -> pd.DataFrame:
    """Families, categories, place types, time pattern and walk findings of each problem.

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
    walk_counts : DataFrame, optional
        Safety-walk observations in each problem's area, by ``problem_id``
        (:func:`diagnostic_lib.inventory.walk_counts`); else the register's own
        ``walk_<category>`` columns (:func:`~diagnostic_lib.inventory.with_walk_counts`)
        when it has them.

    Returns
    -------
    DataFrame
        Indexed by ``problem_id``: ``families, categories, place_types,
        time_patterns, walk_categories`` (tuples; ``walk_categories``: the
        observation categories found in the problem's area, empty without walks).

    Examples
    --------
    >>> pb = pd.DataFrame({"problem_id": ["P1"], "kind": ["place"], "families": [("violent",)],
    ...     "categories": [("assault",)], "facility": ["bar"], "dominant_shift": ["nuit"],
    ...     "week_part": ["weekend"]})
    >>> problem_profile(pb).loc["P1", ["place_types", "time_patterns"]].tolist()
    [('nightlife',), ('night', 'weekend')]
    """
    walks_of = _walk_categories(problems, walk_counts)
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
                "walk_categories": walks_of.get(str(rec["problem_id"]), ()),
            }
        )
    cols = [
        "problem_id",
        "families",
        "categories",
        "place_types",
        "time_patterns",
        "walk_categories",
    ]
    return pd.DataFrame(rows, columns=cols).set_index("problem_id", drop=False)


def _walk_categories(
    problems: pd.DataFrame, walk_counts: pd.DataFrame | None
) -> dict[str, tuple[str, ...]]:
    """Problem id → the walk categories observed in its area (from the counts or the register)."""
    if walk_counts is None:
        if not any(str(c).startswith("walk_") for c in problems.columns):
            return {}
        walk_counts = problems.set_index(problems["problem_id"].astype(str))
    cats = [c for c in WALK_RESPONSE_KINDS if f"walk_{c}" in walk_counts.columns]
    out = {}
    for pid, row in zip(walk_counts.index.astype(str), walk_counts.to_dict("records"), strict=True):
        out[pid] = tuple(c for c in cats if (pd.to_numeric(row[f"walk_{c}"]) or 0) > 0)
    return out


def walk_bonus(
    fit: float,
    walk_categories: tuple[str, ...],
    measure_kinds: Any,
    bonus: float | None = None,
) -> float:
    """The fit of a response raised by the safety walks' findings in the problem's area.

    Rule: when the fit is above zero (the response addresses the problem's
    crimes at all) and the area holds at least one observation whose category
    a kind of the response answers (:data:`WALK_RESPONSE_KINDS`), the fit gains
    ``bonus`` (the ``walk_fit_bonus`` tunable, 0.1), capped at 1. One bonus
    however many observations: a walk is a few residents' eyes on one evening,
    evidence to weigh, not a count to add up.

    Examples
    --------
    >>> walk_bonus(0.6, ("lighting",), ["lighting"], 0.1)
    0.7
    >>> walk_bonus(0.6, ("lighting",), ["cctv"], 0.1), walk_bonus(0.0, ("lighting",), ["lighting"])
    (0.6, 0.0)
    """
    if fit <= 0 or not walk_categories:
        return fit
    kinds = set(measure_kinds or ())
    if not any(kinds & set(WALK_RESPONSE_KINDS.get(c, ())) for c in walk_categories):
        return fit
    b = float(settings.default("walk_fit_bonus") if bonus is None else bonus)
    return float(min(1.0, round(fit + b, 12)))


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
