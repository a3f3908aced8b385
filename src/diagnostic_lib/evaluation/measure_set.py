"""The measures as a set: per-measure arrays for the rules that pair measures.

Which other measures are left out of a measure's control area (same target
categories, in place during its windows) and which are concurrent with it
(possible confounding) are rules over pairs of measures; ``_MeasureSet``
computes their inputs once instead of once per pair.
"""

from __future__ import annotations

import functools
from typing import Any

import numpy as np
import pandas as pd

from ._common import _tuple


class _MeasureSet:
    """Per-measure arrays for the pairwise rules of step 3, computed once instead of per pair.

    The rules: which other measures are left out of a control, and which are
    concurrent (possible confounding).
    """

    def __init__(self, measures: pd.DataFrame, treated: pd.Series) -> None:
        import shapely

        self.index = list(measures.index)
        self.pos = {i: k for k, i in enumerate(self.index)}
        self.ids = measures["measure_id"].astype(str).to_numpy()
        self.fp = measures["footprint"].to_numpy(dtype=object)
        self.treated = np.empty(len(self.index), dtype=object)
        self.treated[:] = list(treated.loc[self.index].array)
        self.nonempty = np.array([g is not None and not g.is_empty for g in self.treated], bool)
        has_cats = "target_categories" in measures.columns
        # the column read once (a row of ``measures`` a measure took ~0.1 ms)
        cats = (
            [_tuple(v) for v in measures["target_categories"].to_numpy(dtype=object)]
            if has_cats
            else [() for _ in self.index]
        )
        names = sorted({c for t in cats for c in t})
        col = {c: k for k, c in enumerate(names)}
        self.cat_matrix = np.zeros((len(cats), len(names)), dtype=bool)
        for k, t in enumerate(cats):
            self.cat_matrix[k, [col[c] for c in t]] = True
        self.no_cats = ~self.cat_matrix.any(axis=1)
        self._cat_counts = self.cat_matrix.astype("int64")  # for overlap's products
        self.start = pd.to_datetime(
            measures["start"]
            if "start" in measures.columns
            else pd.Series(pd.NaT, index=measures.index)
        ).to_numpy(dtype="datetime64[us]")
        self.end = pd.to_datetime(
            measures["end"]
            if "end" in measures.columns
            else pd.Series(pd.NaT, index=measures.index)
        ).to_numpy(dtype="datetime64[us]")
        geo = np.flatnonzero(self.nonempty)
        self._geo = geo
        self._tree = shapely.STRtree(self.treated[geo]) if len(geo) else None

    def overlap(self, k: int) -> np.ndarray:
        """Whether each measure's target categories meet measure ``k``'s (empty = all)."""
        shared = (self._cat_counts @ self._cat_counts[k]) > 0
        return self.no_cats | self.no_cats[k] | shared

    def active(self, lo: Any, hi: Any) -> np.ndarray:
        """Whether each measure is in place during [lo, hi] (any time when ``lo`` is missing)."""
        has_start = ~np.isnat(self.start)
        if lo is None or pd.isna(lo):
            return has_start
        lo64, hi64 = np.datetime64(pd.Timestamp(lo), "us"), np.datetime64(pd.Timestamp(hi), "us")
        return has_start & (self.start < hi64) & (np.isnat(self.end) | (self.end >= lo64))

    def touching(self, zone: Any, among: np.ndarray | None = None) -> np.ndarray:
        """Positions of the measures whose treated area intersects ``zone`` (sorted).

        ``among``: which measures may be answered (a mask); the others are not
        tested (a municipality-wide area meets every zone, and costs the most).
        """
        import shapely

        if self._tree is None or zone is None:
            return np.array([], dtype="int64")
        cand = self._geo[self._tree.query(zone)]
        if among is not None:
            cand = cand[among[cand]]
        cand = cand[shapely.intersects(self.treated[cand], zone)]
        return np.sort(cand)

    @functools.cached_property
    def local(self) -> np.ndarray:
        """Whether each measure acts on a place of its own (not nowhere, not everywhere)."""
        return ~np.isin(self.fp, ["none", "municipality"])
