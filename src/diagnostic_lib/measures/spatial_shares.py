"""The spatial side of the coverage rule: the share of a problem inside a measure's area."""

from __future__ import annotations

import functools
from typing import Any

import numpy as np
import pandas as pd

from .._spatial import PointIndex, distinct_geometries
from .._text import text_codes
from ._frames import _col, _tuple

_BASES = (
    "",
    "no_footprint",
    "municipality",
    "local_footprint",
    "incidents",
    "sectors",
    "no_geometry",
    "area",
)


_AREAS_AT_ONCE = 256
"""Measures' areas tested against their incidents at once (memory, not results)."""


class _PairCounts:
    """Counts keyed by (problem, measure), stored sparsely (only the pairs above zero)."""

    def __init__(self, u: np.ndarray, j: np.ndarray, n: np.ndarray, n_m: int) -> None:
        key = np.asarray(u, dtype="int64") * n_m + np.asarray(j, dtype="int64")
        order = np.argsort(key, kind="stable")
        self.keys, self.n, self.n_m = key[order], np.asarray(n, dtype="int64")[order], n_m

    @classmethod
    def tally(cls, u: np.ndarray, j: np.ndarray, n_m: int) -> _PairCounts:
        """How many times each (``u``, ``j``) pair occurs."""
        keys, n = np.unique(np.asarray(u, dtype="int64") * n_m + j, return_counts=True)
        return cls(keys // n_m, keys % n_m, n, n_m)

    def get(self, u: np.ndarray, j: np.ndarray) -> np.ndarray:
        """The count of each pair (0 for a pair never seen)."""
        key = np.asarray(u, dtype="int64") * self.n_m + j
        if not len(self.keys):
            return np.zeros(len(key), dtype="int64")
        pos = np.minimum(np.searchsorted(self.keys, key), len(self.keys) - 1)
        return np.where(self.keys[pos] == key, self.n[pos], 0)


class _SpatialShares:
    """The spatial side of :func:`coverage`, pair by pair.

    The rule, pair by pair and in this order: no treated area → ``no_footprint``;
    a municipality-wide problem and measure → 1 (``municipality``); a
    municipality-wide problem and a local measure → 0 (``local_footprint``);
    the share of the problem's own located incidents inside the area
    (``incidents``), or of its incidents in the measure's sectors (``sectors``);
    no problem geometry → ``no_geometry``; else the share of the problem's area
    inside the measure's area (``area``). Incidents are matched to areas once
    (a spatial index) and counted only where they fall (sparse counts), and only
    pairs whose boxes meet are intersected. :meth:`candidates` lists the pairs
    whose share can be above zero without going through every pair.
    """

    def __init__(
        self,
        pb: pd.DataFrame,
        measures: pd.DataFrame,
        areas: Any,
        sectors: pd.DataFrame,
        incidents: pd.DataFrame | None,
        membership: pd.Series | None,
    ) -> None:
        self.n_m = n_m = len(measures)
        self.fp = _col(measures, "footprint", "none").astype(str).to_numpy()
        all_sectors = set(sectors["sector_id"].astype(str))
        m_sectors = [
            all_sectors if f == "municipality" else set(_tuple(s))
            for f, s in zip(self.fp, _col(measures, "footprint_sectors", ()), strict=True)
        ]
        self.area_arr = np.asarray(areas.array, dtype=object)
        self.has_area = np.array(
            [a is not None and not a.is_empty for a in self.area_arr], dtype=bool
        )
        self.geometric = np.isin(self.fp, ["point", "line", "polygon"])
        self.kinds = _col(pb, "kind", "place").astype(str).to_numpy()
        self.p_geoms = np.asarray(pb.geometry.array, dtype=object)
        self.no_geom = np.array([x is None or x.is_empty for x in self.p_geoms], dtype=bool)
        pids = pb["problem_id"].astype(str).to_numpy()
        # problems by id (a repeated id shares its incidents, as the pairwise rule did)
        self.u_of_row, uniq = pd.factorize(pids)
        n_u = len(uniq)
        self.n_own = np.zeros(n_u, dtype="int64")
        self.den_loc = np.zeros(n_u, dtype="int64")
        self.den_sec = np.zeros(n_u, dtype="int64")
        empty = np.zeros(0, dtype="int64")
        self.inside = _PairCounts(empty, empty, empty, n_m)
        self.in_sect = _PairCounts(empty, empty, empty, n_m)
        # sector-based measures over every sector (municipality-wide ones, for instance):
        # the same count for each, a problem's incidents in any sector (``in_all``)
        self.every_sector = np.array(
            [not self.geometric[j] and m_sectors[j] == all_sectors for j in range(n_m)],
            dtype=bool,
        )
        self.in_all = np.zeros(n_u, dtype="int64")
        if membership is not None and incidents is not None:
            self._count_incidents(incidents, membership, uniq, m_sectors, all_sectors)

    def _count_incidents(
        self,
        incidents: pd.DataFrame,
        membership: pd.Series,
        uniq: Any,
        m_sectors: list[set],
        all_sectors: set,
    ) -> None:
        """Each problem's own incidents: how many, located, with a sector, inside each area."""
        import shapely

        n_u = len(uniq)
        code_of = {str(x): k for k, x in enumerate(uniq)}
        # each member's problem looked up by hash, as ``code_of.get`` would, once per
        # distinct member id (an id of no problem reads the -1 appended last)
        m_codes, m_names = pd.factorize(membership)
        at = pd.Index(list(code_of), dtype=object).get_indexer(np.asarray(m_names, dtype=object))
        u_of_name = np.r_[np.fromiter(code_of.values(), "int64"), -1][at]
        u_inc = np.where(m_codes >= 0, np.r_[u_of_name, -1][m_codes], -1)
        g = np.asarray(incidents.geometry.array, dtype=object)
        xs, ys = shapely.get_x(g), shapely.get_y(g)
        located = np.isfinite(xs) & np.isfinite(ys)
        s_codes, s_names = text_codes(_col(incidents, "sector", None))
        has_sector = s_codes >= 0
        own = u_inc >= 0
        self.n_own = np.bincount(u_inc[own], minlength=n_u)
        self.den_loc = np.bincount(u_inc[own & located], minlength=n_u)
        self.den_sec = np.bincount(u_inc[own & has_sector], minlength=n_u)
        # incidents of each problem inside each geometric area (one spatial query)
        geo_j = np.flatnonzero(self.geometric & self.has_area)
        sel = np.flatnonzero(own & located)
        if len(geo_j) and len(sel):
            self.inside = self._count_inside(u_inc, xs, ys, sel, geo_j)
        sel = np.flatnonzero(own & has_sector)
        self._count_in_sectors(u_inc[sel], s_codes[sel], s_names, m_sectors, all_sectors)

    def _count_inside(
        self, u_inc: np.ndarray, xs: np.ndarray, ys: np.ndarray, sel: np.ndarray, geo_j: np.ndarray
    ) -> _PairCounts:
        """Incidents of each problem inside each geometric area (edges included), sparse.

        The incidents in each area's box come from a grid index (no point objects),
        then each area is tested against them (:meth:`PointIndex.inside`).
        """
        import shapely

        areas = self.area_arr[geo_j]
        shapely.prepare(areas)
        k, pos = PointIndex(xs, ys, positions=sel).inside(areas, group=_AREAS_AT_ONCE)
        return _PairCounts.tally(u_inc[pos], geo_j[k], self.n_m)

    def _count_in_sectors(
        self,
        u_inc: np.ndarray,
        s_codes: np.ndarray,
        s_names: np.ndarray,
        m_sectors: list[set],
        all_sectors: set,
    ) -> None:
        """Incidents of each problem in each sector-based measure's sectors (sparse).

        ``s_codes``: each incident's position in ``s_names``, its sector as text.
        """
        sec_j = np.flatnonzero(~self.geometric & self.has_area)
        if not (len(sec_j) and len(u_inc)):
            return
        pos = {x: k for k, x in enumerate(s_names)}
        if self.every_sector.any():  # the incidents in a sector of the sectors table
            known = np.isin(s_names, list(all_sectors))
            self.in_all = np.bincount(u_inc[known[s_codes]], minlength=len(self.n_own))
        sec_j = sec_j[~self.every_sector[sec_j]]
        if not len(sec_j):
            return
        # problem × sector counts where above zero, joined to measure × sector on the sector
        us = pd.DataFrame({"u": u_inc, "s": s_codes}).value_counts().rename("n").reset_index()
        pairs = [(j, pos[x]) for j in sec_j for x in m_sectors[j] if x in pos]
        if not pairs:
            return
        js = pd.DataFrame(pairs, columns=["j", "s"])
        both = us.merge(js, on="s").groupby(["u", "j"], sort=False)["n"].sum()
        u, j = both.index.get_level_values(0), both.index.get_level_values(1)
        self.in_sect = _PairCounts(u.to_numpy(), j.to_numpy(), both.to_numpy(), self.n_m)

    def candidates(self) -> tuple[np.ndarray, np.ndarray]:
        """``(rows, measures)``: every pair whose share can be above zero, by index.

        Pairs with incidents of the problem inside the area or in the measure's
        sectors, pairs whose boxes meet, and municipality-wide problems ×
        municipality-wide measures. Pairs whose measure has no treated area are
        left out (their share is not a share: see :meth:`shares`). May repeat
        a pair.
        """
        parts_r, parts_j = [], []
        ru = pd.DataFrame({"u": self.u_of_row, "r": np.arange(len(self.u_of_row))})
        for counts in (self.inside, self.in_sect):
            if len(counts.keys):
                pu = pd.DataFrame({"u": counts.keys // self.n_m, "j": counts.keys % self.n_m})
                m = pu.merge(ru, on="u")  # a repeated problem id: each of its rows
                parts_r.append(m["r"].to_numpy())
                parts_j.append(m["j"].to_numpy())
        every_j = np.flatnonzero(self.every_sector & self.has_area)
        in_all_r = np.flatnonzero(self.in_all[self.u_of_row] > 0)
        if len(every_j) and len(in_all_r):
            parts_r.append(np.repeat(in_all_r, len(every_j)))
            parts_j.append(np.tile(every_j, len(in_all_r)))
        rows = np.flatnonzero(~self.no_geom)
        if len(rows) and self.has_area.any():
            tree, has, _, _ = self._area_index
            i, j = tree.query(self.p_geoms[rows])
            parts_r.append(rows[i])
            parts_j.append(has[j])
        muni_r = np.flatnonzero(self.kinds == "municipality")
        muni_j = np.flatnonzero((self.fp == "municipality") & self.has_area)
        if len(muni_r) and len(muni_j):
            parts_r.append(np.repeat(muni_r, len(muni_j)))
            parts_j.append(np.tile(muni_j, len(muni_r)))
        if not parts_r:
            return np.zeros(0, dtype="int64"), np.zeros(0, dtype="int64")
        return (
            np.concatenate(parts_r).astype("int64"),
            np.concatenate(parts_j).astype("int64"),
        )

    def shares(self, r: np.ndarray, j: np.ndarray) -> tuple[np.ndarray, np.ndarray]:
        """``(share, basis code)`` of each pair: problem row ``r[k]`` × measure ``j[k]``."""
        share = np.full(len(r), np.nan)
        code = np.zeros(len(r), dtype="int8")
        todo = np.ones(len(r), dtype=bool)

        def put(mask: np.ndarray, c: int, value: Any = None) -> None:
            mask = mask & todo
            code[mask] = c
            if value is not None:
                share[mask] = value if np.isscalar(value) else value[mask]
            todo[mask] = False

        kinds, u, geometric = self.kinds[r], self.u_of_row[r], self.geometric[j]
        put(~self.has_area[j], 1)
        muni = kinds == "municipality"
        put(muni & (self.fp[j] == "municipality"), 2, 1.0)
        put(muni & geometric, 3, 0.0)
        eligible = (self.n_own[u] > 0) & (kinds != "perception")
        loc = eligible & geometric & (self.den_loc[u] > 0) & todo
        sec = eligible & ~geometric & (self.den_sec[u] > 0) & todo
        with np.errstate(divide="ignore", invalid="ignore"):
            val = np.zeros(len(r))
            val[loc] = self.inside.get(u[loc], j[loc]) / self.den_loc[u[loc]]
            put(loc, 4, val)
            n_sec = np.where(
                self.every_sector[j[sec]], self.in_all[u[sec]], self.in_sect.get(u[sec], j[sec])
            )
            val[sec] = n_sec / self.den_sec[u[sec]]
            put(sec, 5, val)
        put(self.no_geom[r], 6)
        # the rest: share of the problem's area inside the measure's area
        code[todo] = 7
        share[todo] = 0.0
        rest = np.flatnonzero(todo)
        if len(rest):
            share[rest] = self._area_shares(r[rest], j[rest])
        return share, code

    def _area_shares(self, r: np.ndarray, j: np.ndarray) -> np.ndarray:
        """Share of problem ``r``'s area inside measure ``j``'s area (0 where boxes miss)."""
        import shapely

        out = np.zeros(len(r))
        _, _, group, shapes = self._area_index
        pb_box, m_box = self._boxes
        a, b = pb_box[r], m_box[j]
        meet = np.flatnonzero(
            (a[:, 0] <= b[:, 2])
            & (b[:, 0] <= a[:, 2])
            & (a[:, 1] <= b[:, 3])
            & (b[:, 1] <= a[:, 3])
        )
        if not len(meet):
            return out
        # measures with the same area (every municipality-wide one, for instance)
        # share one computation per problem
        key = r[meet] * (len(shapes) + 1) + group[j[meet]]
        uk, inv = np.unique(key, return_inverse=True)
        ui, ug = uk // (len(shapes) + 1), uk % (len(shapes) + 1)
        gi, aj = self.p_geoms[ui], shapes[ug]
        ga = shapely.area(gi)
        vals = np.empty(len(uk))
        pos = ga > 0
        inside = pos & shapely.covers(aj, gi)  # wholly inside: share 1, no overlay
        vals[inside] = 1.0
        cut = pos & ~inside
        vals[cut] = shapely.area(shapely.intersection(gi[cut], aj[cut])) / ga[cut]
        vals[~pos] = shapely.intersects(gi[~pos], aj[~pos]).astype("float64")
        out[meet] = vals[inv.ravel()]
        return out

    @functools.cached_property
    def _boxes(self) -> tuple[np.ndarray, np.ndarray]:
        """Bounds of the problems' geometries and of the measures' areas (NaN when none)."""
        import shapely

        return shapely.bounds(self.p_geoms), shapely.bounds(self.area_arr)

    @functools.cached_property
    def _area_index(self) -> tuple[Any, np.ndarray, np.ndarray, np.ndarray]:
        """STRtree of the measures' areas, and each area's group of identical geometries."""
        import shapely

        has = np.flatnonzero(self.has_area)
        group = np.zeros(self.n_m, dtype="int64")
        group[has], shapes = distinct_geometries(self.area_arr[has])
        shapely.prepare(shapes)
        return shapely.STRtree(self.area_arr[has]), has, group, shapes
