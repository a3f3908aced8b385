"""The words of step 2: statuses of a measure and coverage levels, with their thresholds.

The coverage rule of a problem × measure pair sits here beside the thresholds it
reads: :func:`coverage_level` for one pair, and the same rule on whole arrays of
pairs for :func:`~diagnostic_lib.measures.coverage` (see docs/methods.md,
*Coverage*). The thresholds are the ``coverage_thresholds`` tunable of
:mod:`diagnostic_lib.settings`.

Examples
--------
>>> coverage_level(1.0, 0.8)
'strong'
"""

from __future__ import annotations

from collections.abc import Mapping

import numpy as np

from .. import settings

STATUSES: tuple[str, ...] = ("planned", "active", "ended")
"""Status of a measure relative to a reference date (see :func:`status`)."""

LEVELS: tuple[str, ...] = ("none", "weak", "partial", "strong")
"""Coverage levels, from none to strong (see the package's coverage rule)."""

GAP_LEVELS: tuple[str, ...] = ("none", "weak")
"""Coverage levels that make a problem a gap."""

DEFAULT_THRESHOLDS: dict[str, float] = settings.default("coverage_thresholds")
"""Lowest score (thematic share × spatial share) of each coverage level.

The default of the ``coverage_thresholds`` tunable (0.05, 0.25 and 0.6).
"""

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
    >>> coverage_level(1.0, 0.8), coverage_level(1.0, 0.8, shift="mismatch")
    ('strong', 'partial')
    >>> coverage_level(0.5, 0.2)
    'weak'
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


def _level_codes(
    thematic: np.ndarray,
    spatial: np.ndarray,
    no_footprint: np.ndarray,
    diffuse: np.ndarray,
    mismatch: np.ndarray,
    thresholds: Mapping[str, float],
) -> np.ndarray:
    """:func:`coverage_level` on arrays of pairs, as positions in :data:`LEVELS`.

    The arrays broadcast together; ``thresholds`` is complete (every level).
    """
    with np.errstate(invalid="ignore"):
        score = np.where(np.isfinite(spatial), thematic * spatial, 0.0)
    lvl = np.where(
        score >= thresholds["strong"],
        3,
        np.where(score >= thresholds["partial"], 2, np.where(score >= thresholds["weak"], 1, 0)),
    )
    lvl = np.where(mismatch & (lvl >= 2), lvl - 1, lvl)
    lvl = np.where(diffuse & (lvl > 0), 1, lvl)
    lvl = np.where(no_footprint, 1, lvl)
    return np.where(thematic > 0, lvl, 0)
