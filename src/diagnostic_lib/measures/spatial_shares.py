"""The spatial side of the coverage rule: the share of a problem inside a measure's area."""

from __future__ import annotations

import functools
from typing import Any

import numpy as np
import pandas as pd

from .._spatial import distinct_geometries
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


class _SpatialShares:
    """The spatial side of :func:`coverage`, for blocks of problems.

    The rule, pair by pair and in this order: no treated area → ``no_footprint``;
    a municipality-wide problem and measure → 1 (``municipality``); a
    municipality-wide problem and a local measure → 0 (``local_footprint``);
    the share of the problem's own located incidents inside the area
    (``incidents``), or of its incidents in the measure's sectors (``sectors``);
    no problem geometry → ``no_geometry``; else the share of the problem's area
    inside the measure's area (``area``). Incidents are matched to areas once
    (a spatial index), and only pairs whose boxes meet are intersected.
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
        pids = pb["problem_id"].astype(str).to_numpy()
        # problems by id (a repeated id shares its incidents, as the pairwise rule did)
        self.u_of_row, uniq = pd.factorize(pids)
        n_u = len(uniq)
        self.n_own = np.zeros(n_u, dtype="int64")
        self.den_loc = np.zeros(n_u, dtype="int64")
        self.den_sec = np.zeros(n_u, dtype="int64")
        self.inside = np.zeros((n_u, n_m), dtype="int64")
        self.in_sect = np.zeros((n_u, n_m), dtype="int64")
        if membership is not None and incidents is not None:
            self._count_incidents(incidents, membership, uniq, m_sectors)

    def _count_incidents(
        self, incidents: pd.DataFrame, membership: pd.Series, uniq: Any, m_sectors: list[set]
    ) -> None:
        """Each problem's own incidents: how many, located, with a sector, inside each area."""
        import shapely

        n_u = len(uniq)
        mem = membership.to_numpy(dtype=object)
        is_mem = membership.notna().to_numpy()
        code_of = {str(x): k for k, x in enumerate(uniq)}
        u_inc = np.full(len(mem), -1, dtype="int64")
        if is_mem.any():
            u_inc[is_mem] = [code_of.get(v, -1) for v in mem[is_mem]]
        g = np.asarray(incidents.geometry.array, dtype=object)
        xs, ys = shapely.get_x(g), shapely.get_y(g)
        located = np.isfinite(xs) & np.isfinite(ys)
        inc_sector = _col(incidents, "sector", None).astype(object).to_numpy()
        has_sector = ~pd.isna(inc_sector)
        own = u_inc >= 0
        self.n_own = np.bincount(u_inc[own], minlength=n_u)
        self.den_loc = np.bincount(u_inc[own & located], minlength=n_u)
        self.den_sec = np.bincount(u_inc[own & has_sector], minlength=n_u)
        # incidents of each problem inside each geometric area (one spatial query)
        geo_j = np.flatnonzero(self.geometric & self.has_area)
        sel = np.flatnonzero(own & located)
        if len(geo_j) and len(sel):
            tree = shapely.STRtree(self.area_arr[geo_j])
            i, j = tree.query(shapely.points(xs[sel], ys[sel]), predicate="intersects")
            np.add.at(self.inside, (u_inc[sel[i]], geo_j[j]), 1)
        sel = np.flatnonzero(own & has_sector)
        self._count_in_sectors(u_inc[sel], inc_sector[sel].astype(str), n_u, m_sectors)

    def _count_in_sectors(
        self, u_inc: np.ndarray, inc_sector: np.ndarray, n_u: int, m_sectors: list[set]
    ) -> None:
        """Incidents of each problem in each sector-based measure's sectors."""
        sec_j = np.flatnonzero(~self.geometric & self.has_area)
        if not (len(sec_j) and len(u_inc)):
            return
        s_codes, s_names = pd.factorize(inc_sector)
        counts = np.zeros((n_u, len(s_names)), dtype="int64")
        np.add.at(counts, (u_inc, s_codes), 1)
        pos = {str(x): k for k, x in enumerate(s_names)}
        done: dict[tuple[int, ...], np.ndarray] = {}  # measures listing the same sectors
        for j in sec_j:
            cols = tuple(sorted({pos[x] for x in m_sectors[j] if x in pos}))
            if not cols:
                continue
            if cols not in done:
                done[cols] = (
                    counts.sum(axis=1)
                    if len(cols) == counts.shape[1]
                    else counts[:, list(cols)].sum(axis=1)
                )
            self.in_sect[:, j] = done[cols]

    def block(self, lo: int, hi: int) -> tuple[np.ndarray, np.ndarray]:
        """``(share, basis code)`` of problems ``lo:hi`` × every measure."""
        import shapely

        n_b = hi - lo
        share = np.full((n_b, self.n_m), np.nan)
        code = np.zeros((n_b, self.n_m), dtype="int8")
        todo = np.ones((n_b, self.n_m), dtype=bool)

        def put(mask: np.ndarray, c: int, value: Any = None) -> None:
            mask = mask & todo
            code[mask] = c
            if value is not None:
                share[mask] = value if np.isscalar(value) else value[mask]
            todo[mask] = False

        kinds = self.kinds[lo:hi, None]
        u = self.u_of_row[lo:hi]
        put(np.broadcast_to(~self.has_area[None, :], todo.shape), 1)
        muni = kinds == "municipality"
        put(muni & (self.fp == "municipality")[None, :], 2, 1.0)
        put(muni & self.geometric[None, :], 3, 0.0)
        eligible = (self.n_own[u] > 0)[:, None] & (kinds != "perception")
        with np.errstate(divide="ignore", invalid="ignore"):
            put(
                eligible & self.geometric[None, :] & (self.den_loc[u] > 0)[:, None],
                4,
                self.inside[u] / self.den_loc[u][:, None],
            )
            put(
                eligible & ~self.geometric[None, :] & (self.den_sec[u] > 0)[:, None],
                5,
                self.in_sect[u] / self.den_sec[u][:, None],
            )
        gp = self.p_geoms[lo:hi]
        no_geom = np.array([x is None or x.is_empty for x in gp], dtype=bool)
        put(np.broadcast_to(no_geom[:, None], todo.shape), 6)
        # the rest: share of the problem's area inside the measure's area
        rows = np.flatnonzero(todo.any(axis=1))
        code[todo] = 7
        share[todo] = 0.0
        if len(rows):
            ga = shapely.area(gp[rows])
            tree, has, group, shapes = self._area_index
            i, j = tree.query(gp[rows])  # boxes that meet; elsewhere the share is 0
            jj = has[j]
            keep = todo[rows[i], jj]
            i, jj = i[keep], jj[keep]
            if len(i):
                # measures with the same area (every municipality-wide one, for instance)
                # share one computation per problem
                key = i * (len(shapes) + 1) + group[jj]
                uk, inv = np.unique(key, return_inverse=True)
                ui, ug = uk // (len(shapes) + 1), uk % (len(shapes) + 1)
                gi, aj = gp[rows[ui]], shapes[ug]
                vals = np.empty(len(uk))
                pos = ga[ui] > 0
                inside = pos & shapely.covers(aj, gi)  # wholly inside: share 1, no overlay
                vals[inside] = 1.0
                cut = pos & ~inside
                vals[cut] = shapely.area(shapely.intersection(gi[cut], aj[cut])) / ga[ui][cut]
                vals[~pos] = shapely.intersects(gi[~pos], aj[~pos]).astype("float64")
                share[rows[i], jj] = vals[inv.ravel()]
        return share, code

    @functools.cached_property
    def _area_index(self) -> tuple[Any, np.ndarray, np.ndarray, np.ndarray]:
        """STRtree of the measures' areas, and each area's group of identical geometries."""
        import shapely

        has = np.flatnonzero(self.has_area)
        group = np.zeros(self.n_m, dtype="int64")
        group[has], shapes = distinct_geometries(self.area_arr[has])
        shapely.prepare(shapes)
        return shapely.STRtree(self.area_arr[has]), has, group, shapes
