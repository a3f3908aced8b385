"""Copies of the town (``scale`` > 1): tile offsets, sector ids and id suffixes.

``scale=k`` tiles ``k`` copies of the town side by side on a near-square grid, each with
the same planted structure; sectors are renumbered S01…S10, S11…, other ids get a ``-Tn``
suffix.
"""

from __future__ import annotations

import math
from collections.abc import Iterable
from typing import Any

import numpy as np
import shapely

from .constants import _TILE_STEP
from .geography import _N_SECTORS, _sid


def _tile_offsets(tiles: np.ndarray, scale: int) -> tuple[np.ndarray, np.ndarray]:
    """Offset (x, y) of each copy of the town: a near-square grid of tiles."""
    ncol = math.ceil(math.sqrt(scale))
    return (tiles % ncol) * _TILE_STEP[0], (tiles // ncol) * _TILE_STEP[1]


def _sector_ids(scale: int) -> np.ndarray:
    """Sector ids of all copies: S01..S10 for scale 1, then S11, S12, … (zero padded)."""
    width = max(2, len(str(_N_SECTORS * scale)))
    return np.array([f"S{i + 1:0{width}d}" for i in range(_N_SECTORS * scale)], dtype=object)


def _expand_sectors(sectors: Iterable[str], scale: int) -> tuple[str, ...]:
    """The ids of ``sectors`` in every copy of the town."""
    ids = _sector_ids(scale)
    idx = [_sid(s) for s in sectors]
    return tuple(ids[t * _N_SECTORS + i] for t in range(scale) for i in idx)


def _tile_suffix(t: int, scale: int) -> str:
    """Suffix of the ids of copy ``t`` (``""`` at scale 1, else ``"-T1"``, ``"-T2"``…)."""
    return "" if scale == 1 else f"-T{t + 1:0{len(str(scale))}d}"


def _translate(geom: Any, t: int, scale: int) -> Any:
    """A geometry of the first copy moved to copy ``t``."""
    if geom is None or t == 0:
        return geom
    dx, dy = _tile_offsets(np.array([t]), scale)
    return shapely.transform(geom, lambda c: c + np.array([dx[0], dy[0]]))
