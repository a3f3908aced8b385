"""Grouping integer codes with sorting instead of per-group masks (shared by the passes of step 1).

Working on sorted positions keeps the cost in proportion to the incidents, not
to incidents × groups.
"""

from __future__ import annotations

from collections.abc import Iterator, Sequence
from typing import Any

import numpy as np


def _sorted_groups(keys: np.ndarray) -> tuple[np.ndarray, np.ndarray]:
    """Positions sorted by key (stable: ascending positions within a key); keys < 0 left out."""
    pos = np.flatnonzero(keys >= 0)
    order = np.argsort(keys[pos], kind="stable")
    return keys[pos][order], pos[order]


def _split_by(keys_sorted: np.ndarray, values: np.ndarray) -> Iterator[tuple[Any, np.ndarray]]:
    """Yield ``(key, values of that key)`` from values sorted by key."""
    if len(keys_sorted) == 0:
        return
    cut = np.flatnonzero(np.diff(keys_sorted)) + 1
    starts = np.r_[0, cut]
    ends = np.r_[cut, len(keys_sorted)]
    for a, b in zip(starts, ends, strict=True):
        yield keys_sorted[a], values[a:b]


def _by_count(codes: np.ndarray, names: Sequence[Any]) -> tuple[list[Any], np.ndarray]:
    """Values by decreasing count, ties in order of first appearance (as ``value_counts``)."""
    c = codes[codes >= 0]
    if len(c) == 0:
        return [], np.zeros(0, dtype="int64")
    u, first, cnt = np.unique(c, return_index=True, return_counts=True)
    order = np.lexsort((first, -cnt))
    return [names[k] for k in u[order]], cnt[order]
