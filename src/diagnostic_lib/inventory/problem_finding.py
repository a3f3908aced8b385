"""Problem finding: group incidents that look unrelated into candidate problems (SARA scanning).

:func:`find_problems` runs three passes over the incidents, each on what the
previous ones left, then describes every group as a row of the register:

1. :func:`_place_problems` — hot cells of each family joined into clusters,
   families with alike time patterns in a cluster forming one problem;
2. :func:`_area_problems` — categories whose rate in adjacent sectors is
   significantly above the rest of the municipality (:func:`_area_tests`,
   :func:`_area_candidates`);
3. :func:`_municipality_problems` — categories rising significantly across the
   municipality.

Its tunables are gathered in :class:`~.problem_context.ProblemSearch`.
"""

from __future__ import annotations

import warnings
from collections.abc import Mapping
from typing import Any

import numpy as np
import pandas as pd

from .. import stats, workers
from .._points import crs_of
from ._groups import _sorted_groups, _split_by
from .grid import (
    GridWarning,
    _components,
    cell_sectors,
    compact_components,
    make_grid,
    split_by_sector,
)
from .hot_spot_analysis import _gi_parts, _gi_star_max, _hot_spots_of_counts
from .problem_context import ProblemSearch, _ProblemContext, distinct_problem_ids
from .problem_text import unique_titles
from .register import register_columns
from .timing import _forget_spread, group_profiles
from .trend import change

TITLE_COLUMNS: tuple[str, ...] = ("title_fr", "title_en")
"""The title columns of a register, one per language."""

_DEFAULT = ProblemSearch()


def find_problems(  # noqa: PLR0913 (a public signature, kept backward compatible)
    incidents: pd.DataFrame,
    sectors: pd.DataFrame,
    weights: pd.DataFrame,
    taxonomy: pd.DataFrame,
    survey: pd.DataFrame | None = None,
    places: pd.DataFrame | None = None,
    cell_size: float = _DEFAULT.cell_size,
    min_events: int | None = None,
    alpha: float = _DEFAULT.alpha,
    end: Any = None,
    seed: int = _DEFAULT.seed,
    similarity: float = _DEFAULT.similarity,
    min_ratio: float = _DEFAULT.min_ratio,
) -> pd.DataFrame:
    """Group incidents that look unrelated into candidate problems (SARA scanning and analysis).

    Three passes, each explainable:

    1. **Places** — Getis–Ord Gi* hot cells (q < ``alpha`` after FDR) of each
       category family on a ``cell_size`` grid are joined into contiguous
       clusters (queen adjacency). In each cluster, the families that are hot
       there are grouped by their time pattern: families whose hour-of-week
       profiles (168 aoristic hours) have a cosine similarity of at least
       ``similarity`` form **one** problem. Mischief, assaults and disturbance
       calls around the same bar strip on weekend nights become one problem.
    2. **Areas** — among incidents not already in a place problem, each category
       whose rate in a sector is significantly above the rest of the
       municipality (E-test with population exposure, FDR) and at least
       ``min_ratio`` times it forms, with the
       adjacent sectors flagged for the same category, one area problem
       (e.g. daytime residential break-ins across three sectors).
    3. **Municipality** — among the remaining incidents, each category with a
       significant rise of the last 12 months above the earlier years (the
       baseline comparison of :func:`change`) forms a
       municipality-wide problem; its geometry is the municipality and its
       events may have no precise location (e.g. fraud and cybercrime).

    Groups with fewer than ``min_events`` events are dropped (default: 15 a
    year over the span of the data, at least 30: the ``problem_events_per_year``
    and ``problem_min_events`` settings). Every other threshold (the trend
    window, the facility distance…) is a field of :class:`ProblemSearch`, whose
    defaults are the settings; :func:`run` passes the config's values. See
    docs/methods.md, *Problem finding*.

    Parameters
    ----------
    incidents, sectors : DataFrame
        Canonical tables.
    weights, taxonomy : DataFrame
        Severity weights and taxonomy (:mod:`diagnostic_lib.taxonomy`).
    survey : DataFrame, optional
        For citizen concern.
    places : GeoDataFrame, optional
        Environment features, to name a place problem after what is there
        (e.g. bars).
    cell_size, min_events, alpha, end, seed, similarity, min_ratio
        See above; ``end`` ends the last 12-month window (see :func:`change`).
        Defaults: the settings ``grid_cell_m``, ``alpha``, ``permutation_seed``,
        ``problem_similarity`` and ``problem_min_ratio``.

    Returns
    -------
    GeoDataFrame
        One row per problem (see :func:`register_columns`), sorted by
        decreasing number of incidents; ``attrs["parameters"]``.

    Examples
    --------
    >>> from diagnostic_lib import loaders, sample
    >>> d = loaders.load_diagnostic(sample.sample_dir() / "diagnostic.toml")
    >>> pb = find_problems(d.incidents, d.sectors, d.weights, d.taxonomy, d.survey, d.places)
    >>> {"place", "area", "municipality"} >= set(pb["kind"])
    True
    """
    search = ProblemSearch(
        cell_size=cell_size,
        min_events=min_events,
        alpha=alpha,
        end=end,
        seed=seed,
        similarity=similarity,
        min_ratio=min_ratio,
    )
    return _find_problems(incidents, sectors, weights, taxonomy, survey, places, search)


def _find_problems(
    incidents: pd.DataFrame,
    sectors: pd.DataFrame,
    weights: pd.DataFrame,
    taxonomy: pd.DataFrame,
    survey: pd.DataFrame | None,
    places: pd.DataFrame | None,
    search: ProblemSearch,
) -> pd.DataFrame:
    """:func:`find_problems` with its tunables in one object (as :func:`run` calls it).

    In the worker process (:mod:`diagnostic_lib.workers`) the search is the only
    reader of the incidents' aoristic spread: the spread kept in
    :data:`~diagnostic_lib.inventory.timing.AORISTIC_CACHE` is forgotten when it
    is done, instead of holding its memory there for the rest of the diagnosis.
    """
    try:
        min_events = search.fewest_events(incidents)
        with warnings.catch_warnings():
            warnings.simplefilter("ignore", GridWarning)
            grid = make_grid(sectors, search.cell_size)
        # Every pass works on positions of incidents (sorted index arrays), never on a
        # mask of the whole table per problem: the cost grows with the incidents, not
        # with incidents × problems.
        cx = _ProblemContext(incidents, grid, sectors, weights, taxonomy, survey, places, search)
        assigned = np.zeros(len(incidents), dtype=bool)
        found = _place_problems(cx, min_events, assigned)
        found += _area_problems(cx, min_events, assigned)
        found += _municipality_problems(cx, min_events, assigned)
        # merge municipality-wide problems of the same family (fraud + cyber fraud)
        found = _merge_municipality(found, cx)
        return _register(cx, found, min_events)
    finally:
        if workers.in_worker_process():
            _forget_spread()


# -- 1. places: hot cells per family -> clusters -> signature groups ---------------------
def _hot_cells(
    cx: _ProblemContext, min_events: int
) -> tuple[dict[str, np.ndarray], dict[str, np.ndarray]]:
    """Gi* z-scores of every cell and the hot cells (q < alpha, z > 0), per family."""
    hot_by_family: dict[str, np.ndarray] = {}
    z_by_family: dict[str, np.ndarray] = {}
    in_grid = cx.cell >= 0
    search = cx.search
    # each family's code (families read as codes: no Python string per incident), by name
    codes = [int(c) for c in np.unique(cx.fam_codes[in_grid]) if c >= 0]
    for code, f in sorted(((c, cx.fam_names[c]) for c in codes), key=lambda cf: cf[1]):
        # the family's located incidents counted per cell (as hot_spots would count them)
        cells = cx.cell[(cx.fam_codes == code) & in_grid]
        if len(cells) < min_events:
            continue
        hs = _hot_spots_of_counts(
            np.bincount(cells, minlength=len(cx.grid)),
            grid=cx.grid,
            neighbourhood=search.neighbourhood,
            permutations=search.permutations,
            fdr=True,
            seed=search.seed,
        )
        z = hs["gi_z"].to_numpy()
        z_by_family[f] = z
        hot_by_family[f] = np.flatnonzero((hs["q_value"].to_numpy() < search.alpha) & (z > 0))
    return hot_by_family, z_by_family


def _place_problems(
    cx: _ProblemContext, min_events: int, assigned: np.ndarray
) -> list[dict[str, Any]]:
    """Pass 1: clusters of hot cells; in each, families alike in time form one problem."""
    import shapely

    grid, cell = cx.grid, cx.cell
    hot_by_family, z_by_family = _hot_cells(cx, min_events)
    all_hot = (
        np.unique(np.concatenate(list(hot_by_family.values())))
        if hot_by_family
        else np.array([], dtype="int64")
    )
    comps = _components(all_hot, grid)
    sector_of = _hot_cell_sectors(cx, all_hot)
    if cx.search.split_sectors:
        comps = split_by_sector(comps, grid, sector_of)
    comps = compact_components(comps, grid, cx.search.max_extent_m)
    comp_of_cell = np.full(len(grid), -1, dtype="int64")
    for k, comp in enumerate(comps):
        comp_of_cell[comp] = k
    # hot cells of each family in each component
    hot_fc: dict[tuple[str, int], np.ndarray] = {}
    for f, cells_f in hot_by_family.items():
        ck = comp_of_cell[cells_f]
        order = np.argsort(ck, kind="stable")
        for k, part in _split_by(ck[order], cells_f[order]):
            hot_fc[(f, int(k))] = np.sort(part)
    in_grid = cell >= 0
    inc_comp = np.where(in_grid, comp_of_cell[np.where(in_grid, cell, 0)], -1)
    by_comp = dict(_split_by(*_sorted_groups(inc_comp)))
    fam_code_of = {name: i for i, name in enumerate(cx.fam_names)}
    own_mask = np.zeros(len(grid), dtype=bool)
    found: list[dict[str, Any]] = []
    for k, comp in enumerate(comps):
        idx_c = by_comp.get(k, np.array([], dtype="int64"))
        fc = cx.fam_codes[idx_c]
        fams_here = [f for f in hot_by_family if (f, k) in hot_fc]
        n_f = {f: int((fc == fam_code_of.get(f, -2)).sum()) for f in fams_here}
        fams_here.sort(key=lambda f: -n_f[f])
        profiles: dict[str, np.ndarray] = {}
        for f in fams_here:
            if n_f[f] < max(cx.search.min_tested, min_events // 4):
                continue
            profiles[f] = cx.profile(idx_c[fc == fam_code_of[f]])
        for fams in group_profiles(profiles, cx.search.similarity):
            own = np.unique(np.concatenate([hot_fc[(f, k)] for f in fams]))
            own_mask[own] = True
            codes = [fam_code_of[f] for f in fams]
            sel = own_mask[cell[idx_c]] & np.isin(fc, codes) & ~assigned[idx_c]
            own_mask[own] = False
            members = idx_c[sel]
            if len(members) < min_events:
                continue
            assigned[members] = True
            geom = shapely.union_all(np.asarray(grid.geometry.array)[own])
            zmax = max(float(np.nanmax(z_by_family[f][comp])) for f in fams)
            found.append(
                {
                    "kind": "place",
                    "members": members,
                    "geometry": geom,
                    "hotspot_z": zmax,
                    "cells": int(len(own)),
                    "cell_sectors": tuple(sorted(set(sector_of.reindex(own).dropna()) - {""})),
                }
            )
    return found


def _hot_cell_sectors(cx: _ProblemContext, cells: np.ndarray) -> pd.Series:
    """Grid position → id of the sector holding the cell (``""`` for none), for hot cells."""
    pos = cell_sectors(cx.grid, cx.sectors, cells)
    ids = cx.sectors["sector_id"].astype(str).to_numpy() if len(cx.sectors) else np.array([])
    names = np.where(pos >= 0, ids[np.clip(pos, 0, None)] if len(ids) else "", "")
    return pd.Series(names, index=np.asarray(cells, dtype="int64"), dtype=object)


# -- 2. areas: sector rate above the rest of the municipality ---------------------------
def _area_tests(cx: _ProblemContext, assigned: np.ndarray) -> pd.DataFrame | None:
    """E-test of each category's count in each sector against the rest (population exposure).

    Returns ``category, sector, k, p, ratio, q`` (q: Benjamini–Hochberg over
    every test), or ``None`` when nothing could be tested.
    """
    total_pop = float(cx.pop.sum())
    rest_sector = cx.sec_codes[~assigned]
    rest_cat = cx.cat_codes[~assigned]
    ok_rest = (rest_sector >= 0) & (rest_cat >= 0)
    sec_names, cat_names = cx.sec_names, cx.cat_names
    if not ok_rest.any():
        return None
    # the crosstab of sectors × categories (both sorted, as pandas.crosstab)
    s_used = np.unique(rest_sector[ok_rest])
    c_used = np.unique(rest_cat[ok_rest])
    s_order = s_used[np.argsort(np.asarray([sec_names[i] for i in s_used], dtype=object))]
    c_order = c_used[np.argsort(np.asarray([cat_names[i] for i in c_used], dtype=object))]
    s_pos = np.full(len(sec_names), -1, dtype="int64")
    s_pos[s_order] = np.arange(len(s_order))
    c_pos = np.full(len(cat_names), -1, dtype="int64")
    c_pos[c_order] = np.arange(len(c_order))
    tab = np.zeros((len(s_order), len(c_order)), dtype="int64")
    np.add.at(tab, (s_pos[rest_sector[ok_rest]], c_pos[rest_cat[ok_rest]]), 1)
    pop_of = cx.pop.to_dict()
    tests = []
    pending = []  # (test row, k, rest, exposure, rest exposure): one batched E-test below
    for j, cc in enumerate(c_order):
        c = cat_names[cc]
        tot = int(tab[:, j].sum())
        for i, sc in enumerate(s_order):
            s_id = sec_names[sc]
            ps = pop_of.get(s_id)
            if ps is None or not np.isfinite(ps) or ps <= 0:
                continue
            k = int(tab[i, j])
            if k < cx.search.min_tested:
                continue
            p_rest = total_pop - ps
            if p_rest > 0:
                pending.append((len(tests), k, tot - k, ps, p_rest))
            expected = (tot - k) * ps / p_rest if p_rest > 0 else np.inf
            ratio = k / expected if expected > 0 else np.inf
            tests.append([c, s_id, k, 1.0, ratio])
    if pending:
        at, k1, k2, e1, e2 = (np.asarray(v) for v in zip(*pending, strict=True))
        pvals = stats.e_tests(k1, k2, e1, e2, alternative="greater")
        for row, pval in zip(at.tolist(), pvals.tolist(), strict=True):
            tests[row][3] = pval
    if not tests:
        return None
    t = pd.DataFrame(tests, columns=["category", "sector", "k", "p", "ratio"])
    t["q"] = stats.bh_qvalues(t["p"])
    return t


def _area_candidates(
    cx: _ProblemContext, flagged: pd.DataFrame, min_events: int, assigned: np.ndarray
) -> dict[tuple[str, ...], dict[str, np.ndarray]]:
    """Adjacent flagged sectors of each category: sectors → category → its free incidents."""
    sec_names, cat_names = cx.sec_names, cx.cat_names
    adj = _sector_adjacency(cx.sectors)
    groups_cs = dict(_split_by(*_sorted_groups(cx.cat_codes * (len(sec_names) + 1) + cx.sec_codes)))
    cat_code_of = {name: i for i, name in enumerate(cat_names)}
    sec_code_of = {name: i for i, name in enumerate(sec_names)}
    cand: dict[tuple[str, ...], dict[str, np.ndarray]] = {}
    for c, g in flagged.groupby("category", sort=True):
        for comp_s in _sector_components(set(g["sector"]), adj):
            parts = [
                groups_cs.get(cat_code_of[c] * (len(sec_names) + 1) + sec_code_of[s_id])
                for s_id in comp_s
                if s_id in sec_code_of
            ]
            parts = [x for x in parts if x is not None]
            members = np.sort(np.concatenate(parts)) if parts else np.array([], dtype="int64")
            members = members[~assigned[members]]
            if len(members) >= max(cx.search.min_tested, min_events // 4):
                cand.setdefault(tuple(sorted(comp_s)), {})[c] = members
    return cand


def _area_problems(
    cx: _ProblemContext, min_events: int, assigned: np.ndarray
) -> list[dict[str, Any]]:
    """Pass 2: categories flagged in adjacent sectors and alike in time form one problem."""
    import shapely

    t = _area_tests(cx, assigned)
    if t is None:
        return []
    search = cx.search
    flagged = t[(t["q"] < search.alpha) & (t["ratio"] >= search.min_ratio)]
    cand = _area_candidates(cx, flagged, min_events, assigned)
    sec_pos = {sid: i for i, sid in enumerate(cx.sectors["sector_id"].to_numpy())}
    sec_geoms = np.asarray(cx.sectors.geometry.array)
    gi_parts = _gi_parts(cx.grid, search.neighbourhood)
    found: list[dict[str, Any]] = []
    for comp_s, by_cat in cand.items():
        order = sorted(by_cat, key=lambda c: -len(by_cat[c]))
        profiles = {c: cx.profile(by_cat[c]) for c in order}
        for cats in group_profiles(profiles, search.similarity):
            members = np.sort(np.concatenate([by_cat[c] for c in cats]))
            members = members[~assigned[members]]
            if len(members) < min_events:
                continue
            assigned[members] = True
            rows_s = sorted(sec_pos[x] for x in set(comp_s) if x in sec_pos)
            geom = shapely.union_all(sec_geoms[rows_s])
            cz = _area_hotspot(members, cx.cell, cx.located, gi_parts)
            found.append(
                {"kind": "area", "members": members, "geometry": geom, "hotspot_z": cz, "cells": 0}
            )
    return found


# -- 3. municipality-wide: significant rise among what is left ---------------------------
def _municipality_problems(
    cx: _ProblemContext, min_events: int, assigned: np.ndarray
) -> list[dict[str, Any]]:
    """Pass 3: each category rising significantly among the incidents left.

    Rising: the last 12 months significantly above the mean of the earlier complete
    windows (the quasi-Poisson test of :func:`change`, FDR across the categories).
    """
    if assigned.all() or not len(cx.inc):
        return []
    search = cx.search
    rest = cx.inc[~assigned]
    ch = change(
        rest,
        by=("category",),
        coverage=cx.inc["occurred_from"],
        end=search.end,
        months=search.trend_months,
        min_events=min_events,
        alpha=search.alpha,
    )
    cat_code_of = {name: i for i, name in enumerate(cx.cat_names)}
    found: list[dict[str, Any]] = []
    # the last 12 months against the mean of every earlier window: a rise that builds over
    # the years is seen even when each year differs little from the one before
    for c in ch.loc[ch["label_baseline"] == "significant_rise", "category"]:
        members = np.flatnonzero(~assigned & (cx.cat_codes == cat_code_of.get(c, -2)))
        if len(members) < min_events:
            continue
        assigned[members] = True
        found.append(
            {
                "kind": "municipality",
                "members": members,
                "geometry": cx.boundary,
                "hotspot_z": np.nan,
                "cells": 0,
            }
        )
    return found


# -- the register -------------------------------------------------------------------------
def _register(cx: _ProblemContext, found: list[dict[str, Any]], min_events: int) -> pd.DataFrame:
    """Describe each problem; the register sorted by decreasing number of incidents."""
    import geopandas as gpd

    inc, search = cx.inc, cx.search
    cx.prepare(found)
    rows = [cx.describe(k, f) for k, f in enumerate(found)]
    distinct_problem_ids(rows)  # the members below are keyed by id: one id, one problem
    if rows:
        titles = unique_titles(
            pd.DataFrame([{c: r[c] for c in TITLE_COLUMNS} for r in rows]),
            cx.centres[:, 0],
            cx.centres[:, 1],
        )
        for r, t in zip(rows, titles.to_dict("records"), strict=True):
            r.update(t)
    if not rows:
        empty = gpd.GeoDataFrame(
            {c: [] for c in register_columns() if c != "geometry"}, geometry=[], crs=crs_of(inc)
        )
        empty.attrs["members"] = _Members()
        return empty
    out = gpd.GeoDataFrame(rows, geometry="geometry", crs=crs_of(inc))
    out = out.sort_values(
        ["n_incidents", "problem_id"], ascending=[False, True], kind="stable"
    ).reset_index(drop=True)
    out.attrs["parameters"] = {
        "cell_size_m": float(search.cell_size),
        "min_events": min_events,
        "alpha": search.alpha,
        "hot_spots": "Getis-Ord Gi* per family, FDR",
        "seed": search.seed,
    }
    out.attrs["members"] = _Members(
        (r["problem_id"], inc.index[f["members"]]) for r, f in zip(rows, found, strict=True)
    )
    return out


class _Members(dict):
    """Problem id → index labels of its incidents (``attrs["members"]`` of a register).

    Read-only and shared between copies: pandas deep-copies ``attrs`` on every
    operation, which for a large register would copy every incident label again
    and again.
    """

    def __deepcopy__(self, memo: Any) -> _Members:
        return self


def _merge_municipality(found: list[dict[str, Any]], cx: _ProblemContext) -> list[dict[str, Any]]:
    """Join municipality-wide problems of the same family; they come last, as before."""
    muni = [f for f in found if f["kind"] == "municipality"]
    others = [f for f in found if f["kind"] != "municipality"]
    by_fam: dict[str, dict[str, Any]] = {}
    for f in muni:
        codes = cx.fam_codes[f["members"]]
        codes = codes[codes >= 0]
        names = np.asarray([cx.fam_names[c] for c in np.unique(codes)], dtype=object)
        cnt = np.asarray([(codes == c).sum() for c in np.unique(codes)])
        order = np.argsort(names, kind="stable")  # pandas mode: the smallest of the most frequent
        names, cnt = names[order], cnt[order]
        fam = str(names[np.argmax(cnt)])
        if fam in by_fam:
            by_fam[fam]["members"] = np.union1d(by_fam[fam]["members"], f["members"])
        else:
            by_fam[fam] = dict(f)
    return others + list(by_fam.values())


def _sector_adjacency(sectors: pd.DataFrame) -> dict[str, set[str]]:
    import shapely

    geoms = np.asarray(sectors.geometry.array)
    ids = sectors["sector_id"].astype("str").to_numpy()
    tree = shapely.STRtree(geoms)
    i, j = tree.query(shapely.buffer(geoms, 1.0), predicate="intersects")
    adj: dict[str, set[str]] = {s: set() for s in ids}
    for a, b in zip(i, j, strict=True):
        if a != b:
            adj[ids[a]].add(ids[b])
    return adj


def _sector_components(flagged: set[str], adj: Mapping[str, set[str]]) -> list[set[str]]:
    left = set(flagged)
    comps = []
    while left:
        start = min(left)
        comp, todo = {start}, [start]
        while todo:
            s = todo.pop()
            for n in adj.get(s, ()):
                if n in left and n not in comp:
                    comp.add(n)
                    todo.append(n)
        left -= comp
        comps.append(comp)
    return comps


def _area_hotspot(
    members: np.ndarray, cell: np.ndarray, located: np.ndarray, parts: tuple[Any, ...]
) -> float:
    """Largest Gi* z of a problem's events (as ``hot_spots`` on them would give)."""
    if len(members) < 10 or not located[members].any():
        return np.nan
    return _gi_star_max(cell[members], parts)
