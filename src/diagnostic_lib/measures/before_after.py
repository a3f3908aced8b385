"""Around a measure: the targeted incidents before and after its start (plain counts).

Step 3 does the statistics; these are counts.
"""

from __future__ import annotations

from typing import Any

import numpy as np
import pandas as pd

from .. import settings
from .._cell_cover import intersects_xy as cells_intersect_xy
from .._spatial import PointIndex
from ._frames import _missing, _tuple

DEFAULT_WINDOW_DAYS: int = settings.default("before_after_days")
"""Length of the "before" and "after" windows around a measure's start (12 months).

The default of the ``before_after_days`` tunable (365 days).
"""


def before_after_incidents(
    measures: pd.DataFrame,
    incidents: pd.DataFrame,
    measure_id: str,
    areas: Any,
    rings: Any,
    window_days: int = DEFAULT_WINDOW_DAYS,
    period_start: Any = None,
) -> pd.DataFrame:
    """The incidents a measure targets, in its treated area or ring, before and after its start.

    Selected: located incidents of the measure's target categories (empty =
    all) and target shifts (empty = all; an incident with no shift matches
    only an empty list), whose ``occurred_from`` is in
    ``[start − window, start + window)``, the "before" window clipped to
    ``period_start``. ``zone`` is ``treated`` (in the treated area) or
    ``buffer`` (in the ring, not in the treated area); ``period`` is
    ``before`` or ``after`` (from the start date on).

    Returns
    -------
    DataFrame
        Rows of ``incidents`` (index preserved) with ``zone`` and ``period``;
        empty for a measure with no start or no footprint.

    Examples
    --------
    >>> import geopandas as gpd, shapely
    >>> from diagnostic_lib.measures import buffer_ring
    >>> m = pd.DataFrame({"measure_id": ["M1"], "target_categories": [("theft",)],
    ...                   "target_shifts": [()],
    ...                   "start": pd.to_datetime(["2024-01-01"])})
    >>> inc = gpd.GeoDataFrame({"category": ["theft"] * 3, "shift": ["jour"] * 3,
    ...     "occurred_from": pd.to_datetime(["2023-06-01", "2024-06-01", "2024-06-02"])},
    ...     geometry=gpd.points_from_xy([5, 5, 15], [5, 5, 5]))
    >>> area = gpd.GeoSeries([shapely.box(0, 0, 10, 10)])
    >>> ba = before_after_incidents(m, inc, "M1", area, buffer_ring(area, 10))
    >>> ba[["zone", "period"]].values.tolist()
    [['treated', 'before'], ['treated', 'after'], ['buffer', 'after']]
    """
    import shapely

    pos = np.flatnonzero(measures["measure_id"].astype(str).to_numpy() == str(measure_id))
    if not len(pos):
        raise KeyError(f"no measure {measure_id!r}")
    j = int(pos[0])
    m = measures.iloc[j]
    area = np.asarray(areas.array, dtype=object)[j]
    ring = np.asarray(rings.array, dtype=object)[j] if rings is not None else None
    empty = incidents.iloc[:0].assign(zone=pd.Series(dtype="str"), period=pd.Series(dtype="str"))
    start = pd.Timestamp(m["start"]) if not _missing(m["start"]) else None
    if start is None or area is None or area.is_empty or _only_unmapped(m):
        return empty
    lo = start - pd.Timedelta(days=window_days)
    if period_start is not None:
        lo = max(lo, pd.Timestamp(period_start))
    hi = start + pd.Timedelta(days=window_days)
    t = incidents["occurred_from"]
    sel = ((t >= lo) & (t < hi)).to_numpy().copy()
    cats = _tuple(m.get("target_categories", ()))
    if cats:
        sel &= incidents["category"].isin(list(cats)).to_numpy()
    shifts = _tuple(m.get("target_shifts", ()))
    if shifts:
        sel &= incidents["shift"].isin(list(shifts)).fillna(False).to_numpy(dtype=bool)
    g = np.asarray(incidents.geometry.array, dtype=object)
    xs, ys = shapely.get_x(g), shapely.get_y(g)
    sel &= np.isfinite(xs) & np.isfinite(ys)
    idx = np.flatnonzero(sel)
    in_t = shapely.intersects_xy(area, xs[idx], ys[idx])
    in_b = np.zeros(len(idx), dtype=bool)
    if ring is not None and not ring.is_empty:
        in_b = ~in_t & shapely.intersects_xy(ring, xs[idx], ys[idx])
    keep = in_t | in_b
    out = incidents.iloc[idx[keep]].copy()
    out["zone"] = pd.array(np.where(in_t[keep], "treated", "buffer"), dtype="str")
    out["period"] = pd.array(
        np.where((out["occurred_from"] >= start).to_numpy(), "after", "before"), dtype="str"
    )
    return out


def before_after_counts(
    measures: pd.DataFrame,
    incidents: pd.DataFrame,
    areas: Any,
    rings: Any,
    window_days: int = DEFAULT_WINDOW_DAYS,
    period_start: Any = None,
    period_end: Any = None,
) -> pd.DataFrame:
    """Plain counts of targeted incidents in the treated area and ring, before and after each start.

    See :func:`before_after_incidents` for what is counted. Counts are given
    only for measures with a footprint that started inside the study period
    (``period_start`` < start ≤ ``period_end``); ``note`` says why others have
    none (``no_start``, ``no_footprint``, ``starts_before_data``,
    ``starts_after_data``) and flags windows cut by the data
    (``before_truncated``, ``after_truncated``), with the days observed.
    These are counts, not effects: step 3 tests them against a control area.

    Returns
    -------
    DataFrame
        Aligned with ``measures``: ``measure_id, start, before_from,
        after_to, before_days, after_days, treated_before, treated_after,
        buffer_before, buffer_after, note``.

    Examples
    --------
    >>> import geopandas as gpd, shapely
    >>> from diagnostic_lib.measures import buffer_ring
    >>> m = pd.DataFrame({"measure_id": ["M1", "M2"], "target_categories": [(), ()],
    ...                   "target_shifts": [(), ()],
    ...                   "start": pd.to_datetime(["2024-01-01", "2027-01-01"])})
    >>> inc = gpd.GeoDataFrame({"category": ["theft"] * 2, "shift": ["jour"] * 2,
    ...     "occurred_from": pd.to_datetime(["2023-06-01", "2024-06-01"])},
    ...     geometry=gpd.points_from_xy([5, 5], [5, 5]))
    >>> area = gpd.GeoSeries([shapely.box(0, 0, 10, 10)] * 2)
    >>> c = before_after_counts(m, inc, area, buffer_ring(area, 10),
    ...                         period_start="2022-01-01", period_end="2025-12-31")
    >>> c[["treated_before", "treated_after", "note"]].values.tolist()
    [[1, 1, ''], [<NA>, <NA>, 'starts_after_data']]
    """
    ps = (
        pd.Timestamp(period_start)
        if period_start is not None
        else incidents["occurred_from"].min().normalize()
    )
    pe = (
        pd.Timestamp(period_end) + pd.Timedelta(days=1)
        if period_end is not None
        else incidents["occurred_from"].max().normalize() + pd.Timedelta(days=1)
    )
    area_arr = np.asarray(areas.array, dtype=object)
    counter = _ZoneCounter(incidents)
    rows = []
    for j, (mid, start) in enumerate(
        zip(measures["measure_id"].astype(str), pd.to_datetime(measures["start"]), strict=True)
    ):
        rec = {
            "measure_id": mid,
            "start": start,
            "before_from": pd.NaT,
            "after_to": pd.NaT,
            "before_days": np.nan,
            "after_days": np.nan,
            "treated_before": pd.NA,
            "treated_after": pd.NA,
            "buffer_before": pd.NA,
            "buffer_after": pd.NA,
            "note": "",
        }
        a = area_arr[j]
        if pd.isna(start):
            rec["note"] = "no_start"
        elif a is None or a.is_empty:
            rec["note"] = "no_footprint"
        elif start <= ps:
            rec["note"] = "starts_before_data"
        elif start >= pe:
            rec["note"] = "starts_after_data"
        elif _only_unmapped(measures.iloc[j]):
            rec["note"] = "targets_unmapped"  # an empty target list would mean every category
        else:
            lo = max(start - pd.Timedelta(days=window_days), ps)
            hi = start + pd.Timedelta(days=window_days)
            rec["before_from"], rec["after_to"] = lo, hi
            rec["before_days"] = float((start - lo).days)
            rec["after_days"] = float((min(hi, pe) - start).days)
            # what before_after_incidents selects, counted from an index of the incidents
            m = measures.iloc[j]
            ring = np.asarray(rings.array, dtype=object)[j] if rings is not None else None
            cnt = counter.counts(
                a,
                ring,
                _tuple(m.get("target_categories", ())),
                _tuple(m.get("target_shifts", ())),
                lo,
                start,
                hi,
            )
            rec.update(cnt)
            notes = []
            if rec["before_days"] < window_days:
                notes.append("before_truncated")
            if rec["after_days"] < window_days:
                notes.append("after_truncated")
            rec["note"] = ";".join(notes)
        rows.append(rec)
    out = pd.DataFrame(rows, index=measures.index)
    for c in ("treated_before", "treated_after", "buffer_before", "buffer_after"):
        out[c] = pd.array(out[c], dtype="Int64")
    return out


class _ZoneCounter:
    """Counts of targeted incidents in a treated area and its ring, before and after a date.

    The located incidents inside each distinct area (and ring) are found once
    (a bounding-box query of a grid index of the incidents, then the prepared
    geometry); they are kept sorted by (category, shift, time) so that each
    measure's counts are a few binary searches, whatever the number of
    incidents. The same selection as :func:`before_after_incidents`.
    """

    def __init__(self, incidents: pd.DataFrame) -> None:
        import shapely

        g = np.asarray(incidents.geometry.array, dtype=object)
        self.x, self.y = shapely.get_x(g), shapely.get_y(g)
        t = incidents["occurred_from"].to_numpy(dtype="datetime64[us]")
        ok = np.isfinite(self.x) & np.isfinite(self.y) & ~np.isnat(t)
        self.t = t.astype("int64")
        self.cat_codes, cats = pd.factorize(incidents["category"])
        self.cat_codes = np.where(self.cat_codes < 0, len(cats), self.cat_codes)
        self.cat_of = {c: k for k, c in enumerate(cats)}
        shifts = incidents["shift"] if "shift" in incidents.columns else pd.Series([None] * len(t))
        self.shift_codes, sh = pd.factorize(shifts)
        self.shift_codes = np.where(self.shift_codes < 0, len(sh), self.shift_codes)
        self.shift_of = {c: k for k, c in enumerate(sh)}
        self.n_cat, self.n_shift = len(cats) + 1, len(sh) + 1
        self.index = PointIndex(self.x, self.y, positions=np.flatnonzero(ok))
        self.t0 = int(self.t[ok].min()) if ok.any() else 0
        self._inside: dict[bytes, np.ndarray] = {}
        self._wkb: dict[int, tuple[Any, bytes]] = {}  # id -> (geometry kept alive, its WKB)
        self._zones: dict[tuple[bytes, bytes], tuple[np.ndarray, np.ndarray]] = {}

    def _key(self, geom: Any) -> bytes:
        """The WKB of ``geom``, computed once per geometry object (areas are reused)."""
        import shapely

        hit = self._wkb.get(id(geom))
        if hit is None or hit[0] is not geom:
            hit = self._wkb[id(geom)] = (geom, shapely.to_wkb(geom))
        return hit[1]

    def inside(self, geom: Any) -> np.ndarray:
        """Sorted positions of the located incidents that intersect ``geom``."""
        import shapely

        key = self._key(geom)
        if key not in self._inside:
            cand = self.index.box(*geom.bounds)
            g = shapely.from_wkb(key)
            shapely.prepare(g)
            # a municipality-wide zone holds every incident: tested cell by cell
            hit = cells_intersect_xy(g, self.x[cand], self.y[cand])
            self._inside[key] = np.sort(cand[hit])
        return self._inside[key]

    def _sorted(self, members: np.ndarray) -> tuple[np.ndarray, np.ndarray]:
        key = self.cat_codes[members].astype("int64") * self.n_shift + self.shift_codes[members]
        order = np.lexsort((self.t[members], key))
        return key[order], self.t[members][order]

    def zones(self, area: Any, ring: Any) -> tuple[tuple, tuple]:

        k = (self._key(area), self._key(ring) if ring is not None else b"")
        if k not in self._zones:
            a = self.inside(area)
            if ring is not None and not ring.is_empty:
                b = np.setdiff1d(self.inside(ring), a, assume_unique=True)
            else:
                b = np.array([], dtype="int64")
            self._zones[k] = (self._sorted(a), self._sorted(b))
        return self._zones[k]

    def counts(self, area, ring, cats, shifts, lo, start, hi) -> dict[str, int]:
        """``treated_before, treated_after, buffer_before, buffer_after``."""
        cat_keys = [self.cat_of[c] for c in cats if c in self.cat_of] if cats else range(self.n_cat)
        shift_keys = (
            [self.shift_of[c] for c in shifts if c in self.shift_of]
            if shifts
            else range(self.n_shift)
        )
        keys = np.array([c * self.n_shift + h for c in cat_keys for h in shift_keys], dtype="int64")
        tl, ts, th = (np.datetime64(pd.Timestamp(v), "us").astype("int64") for v in (lo, start, hi))
        out = {}
        for zone, (kk, tt) in zip(("treated", "buffer"), self.zones(area, ring), strict=True):
            first = np.searchsorted(kk, keys, side="left")
            last = np.searchsorted(kk, keys, side="right")
            n_before = n_after = 0
            for a, b in zip(first, last, strict=True):
                if b > a:
                    seg = tt[a:b]
                    i_lo, i_st, i_hi = np.searchsorted(seg, [tl, ts, th], side="left")
                    n_before += int(i_st - i_lo)
                    n_after += int(i_hi - i_st)
            out[f"{zone}_before"], out[f"{zone}_after"] = n_before, n_after
        return out


def _only_unmapped(m: pd.Series) -> bool:
    """A measure whose target categories are all unmapped (its empty list is not "every one")."""
    flag = m.get("targets_unmapped", False)
    return (flag is True or flag is np.True_) and not _tuple(m.get("target_categories", ()))
