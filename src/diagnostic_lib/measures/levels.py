"""The words of step 2: statuses of a measure and coverage levels, with their thresholds.

The coverage rule of one problem × measure pair (:func:`coverage_level`) sits
beside the thresholds it reads (see docs/methods.md, *Coverage of a problem by a
measure*).

Examples
--------
>>> coverage_level(1.0, 0.8)
'strong'
"""

from __future__ import annotations

from collections.abc import Mapping

import numpy as np

STATUSES: tuple[str, ...] = ("planned", "active", "ended")
"""Status of a measure relative to a reference date (see :func:`status`)."""

LEVELS: tuple[str, ...] = ("none", "weak", "partial", "strong")
"""Coverage levels, from none to strong (see the module's coverage rule)."""

GAP_LEVELS: tuple[str, ...] = ("none", "weak")
"""Coverage levels that make a problem a gap."""

DEFAULT_THRESHOLDS: dict[str, float] = {"weak": 0.05, "partial": 0.25, "strong": 0.6}
"""Lowest score (thematic share × spatial share) of each coverage level."""

_LEVEL_RANK = {lv: i for i, lv in enumerate(LEVELS)}


def coverage_level(
    thematic: float,
    spatial: float,
    *,
    no_footprint: bool = False,
    diffuse: bool = False,
    shift: str = "all",
    thresholds: Mapping[str, float] | None = None,
) -> str:
    """The coverage level of one problem × measure pair (the documented rule).

    Parameters
    ----------
    thematic, spatial : float
        Shares in [0, 1] (``spatial`` may be NaN when ``no_footprint``).
    no_footprint : bool
        The measure cannot be placed: ``weak`` at most (``none`` when
        ``thematic`` is 0).
    diffuse : bool
        A municipality-wide measure on a local problem: ``weak`` at most.
    shift : str
        ``"mismatch"`` drops the level one step, never below ``weak``.
    thresholds : dict, optional
        Lowest score of each level (default :data:`DEFAULT_THRESHOLDS`).

    Returns
    -------
    str
        One of :data:`LEVELS`.

    Examples
    --------
    >>> coverage_level(1.0, 0.8), coverage_level(1.0, 0.8, shift="mismatch"), coverage_level(0.5, 0.2)
    ('strong', 'partial', 'weak')
    >>> coverage_level(1.0, float("nan"), no_footprint=True), coverage_level(1.0, 1.0, diffuse=True)
    ('weak', 'weak')
    >>> coverage_level(0.0, 1.0)
    'none'
    """
    thr = {**DEFAULT_THRESHOLDS, **(thresholds or {})}
    if not thematic > 0:
        return "none"
    if no_footprint:
        return "weak"
    score = thematic * spatial if np.isfinite(spatial) else 0.0
    if score >= thr["strong"]:
        level = "strong"
    elif score >= thr["partial"]:
        level = "partial"
    elif score >= thr["weak"]:
        level = "weak"
    else:
        return "none"
    if shift == "mismatch" and level != "weak":
        level = LEVELS[_LEVEL_RANK[level] - 1]
    if diffuse:
        level = "weak"
    return level
