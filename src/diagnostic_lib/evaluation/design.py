"""The design of a before/after evaluation: the data's period, windows, targeted incidents, areas.

:func:`data_period` and :func:`windows` (before and after windows, and whether
a measure can be evaluated); :func:`targeted` (the incidents a measure aims
at); :func:`design_areas` (treated area, buffer ring and control area of each
measure, the other measures' areas left out of the control) and
:func:`similar_trend_sectors` (a control of sectors with a similar pre-period
trend).
"""

from __future__ import annotations

import warnings
from collections.abc import Mapping, Sequence
from typing import TYPE_CHECKING, Any

import numpy as np
import pandas as pd

from .. import coverage, settings
from .. import measures as measures_mod
from .._spatial import union_of
from ._common import (
    _month_edges,
    _months_between,
    _records,
    _sm_warnings,
    _targets_unmapped,
    _tuple,
    _xy_points,
)
from .measure_set import _MeasureSet

if TYPE_CHECKING:
    from ..loaders import Diagnostic

AREAS: tuple[str, ...] = ("treated", "buffer", "control")
"""The zones of a before/after design: treated area, buffer ring, control area."""

_DEFAULT_BUFFER_M: float = settings.default("buffer_m")


def data_period(
    diag: Diagnostic | None = None, incidents: pd.DataFrame | None = None
) -> tuple[pd.Timestamp, pd.Timestamp]:
    """The data's period: first day (inclusive) and the day after the last day (exclusive).

    From the config's ``period_start``/``period_end`` when given, else from the
    incidents: the first ``occurred_from``'s day, and the end of the data's last
    whole month (:func:`diagnostic_lib.coverage.data_end`: a month the export
    stopped within is left out).

    Examples
    --------
    >>> import pandas as pd
    >>> when = pd.to_datetime(["2022-01-03 10:00", "2025-12-30 23:00"])
    >>> inc = pd.DataFrame({"occurred_from": when})
    >>> [str(t.date()) for t in data_period(incidents=inc)]
    ['2022-01-03', '2026-01-01']
    """
    start = end = None
    if diag is not None:
        cfg = diag.config
        start = cfg.period_start
        end = cfg.period_end + pd.Timedelta(days=1) if cfg.period_end is not None else None
        if incidents is None:
            incidents = diag.incidents
    if incidents is not None and len(incidents):
        ts = incidents["occurred_from"]
        start = start if start is not None else ts.min().normalize()
        end = end if end is not None else coverage.data_end(incidents)
    if start is None or end is None:
        raise ValueError("cannot tell the data's period: give a diagnosis or incidents")
    return pd.Timestamp(start), pd.Timestamp(end)


def _has_footprint(rec: Any) -> bool:
    fp = rec["footprint"]
    if fp in ("point", "line", "polygon"):
        g = rec.geometry if hasattr(rec, "geometry") else rec.get("geometry")
        return g is not None and not (hasattr(g, "is_empty") and g.is_empty)
    if fp == "sectors":
        return len(_tuple(rec.get("footprint_sectors", ()))) > 0
    return fp == "municipality"


def windows(
    measures: pd.DataFrame,
    data_start: Any,
    data_end: Any,
    window_months: int = settings.default("window_months"),
    lag_months: int = settings.default("lag_months"),
    gaps: Sequence[pd.Period] = (),
) -> pd.DataFrame:
    """Before and after windows of each measure, and whether it can be evaluated.

    Before = ``[start − window, start)``; after = ``[start + lag, start + lag +
    window)``; the ``lag_months`` of implementation are in neither.

    ``status`` is ``evaluable``, ``too_recent`` (the after window does not fit
    in the data: ``months_after`` says how many months are available) or
    ``not_evaluable`` with a ``reason`` (first of, in this order):
    ``targets_unmapped`` (a target category has no code: evaluated on every
    category, the measure would be judged on crime it does not target),
    ``no_start``, ``planned`` (starts after the data), ``no_footprint``,
    ``municipality_wide`` (no control possible; see
    :func:`interrupted_time_series`), ``no_before_window``,
    ``window_not_covered`` (the before or after window, within the data,
    overlaps a gap month of the coverage calendar: its missing records cannot
    be counted as zeros; see :func:`~diagnostic_lib.coverage.gap_months`).

    Parameters
    ----------
    measures : DataFrame
        Canonical measures table.
    data_start, data_end : timestamp
        The data's period, ``data_end`` exclusive (see :func:`data_period`).
    window_months, lag_months : int
    gaps : sequence of Period, optional
        The data's gap months (:func:`~diagnostic_lib.coverage.gap_months` of
        all the incidents).

    Returns
    -------
    DataFrame
        Aligned with ``measures``: ``measure_id, start, end, before_start,
        before_end, after_start, after_end, months_before, months_after,
        status, reason, reasons``.

    Examples
    --------
    >>> import pandas as pd
    >>> m = pd.DataFrame({"measure_id": ["A", "B", "C"], "footprint": ["polygon"] * 3,
    ...     "start": pd.to_datetime(["2024-04-01", "2025-10-01", "2022-03-01"]), "end": pd.NaT,
    ...     "geometry": ["x"] * 3})
    >>> w = windows(m, "2022-01-01", "2026-01-01")
    >>> w[["status", "reason", "months_after"]].values.tolist()
    [['evaluable', '', 12], ['too_recent', '', 3], ['not_evaluable', 'no_before_window', 12]]
    >>> w = windows(m, "2022-01-01", "2026-01-01", gaps=[pd.Period("2023-06", "M")])
    >>> w[["status", "reason"]].values.tolist()[0]
    ['not_evaluable', 'window_not_covered']
    """
    d0, d1 = pd.Timestamp(data_start), pd.Timestamp(data_end)
    W, L = int(window_months), int(lag_months)
    if W < 1 or L < 0:
        raise ValueError("window_months must be ≥ 1 and lag_months ≥ 0")
    rows = []
    for rec in _records(measures):  # each column read once (a row took ~0.1 ms)
        start = rec.get("start")
        end = rec.get("end", pd.NaT)
        row: dict[str, Any] = {"measure_id": rec["measure_id"], "start": start, "end": end}
        reasons: list[str] = []
        if _targets_unmapped(rec):
            reasons.append("targets_unmapped")
        if start is None or pd.isna(start):
            reasons.append("no_start")
            row.update(
                before_start=pd.NaT,
                before_end=pd.NaT,
                after_start=pd.NaT,
                after_end=pd.NaT,
                months_before=0,
                months_after=0,
            )
        else:
            start = pd.Timestamp(start)
            bs, a0 = start - pd.DateOffset(months=W), start + pd.DateOffset(months=L)
            a1 = a0 + pd.DateOffset(months=W)
            row.update(
                before_start=bs,
                before_end=start,
                after_start=a0,
                after_end=a1,
                months_before=min(_months_between(d0, start), W),
                months_after=min(_months_between(a0, d1), W),
            )
            if start >= d1:
                reasons.append("planned")
        if not _has_footprint(rec):
            reasons.append("no_footprint")
        elif rec["footprint"] == "municipality":
            reasons.append("municipality_wide")
        if pd.notna(row["before_start"]) and row["before_start"] < d0 and "planned" not in reasons:
            reasons.append("no_before_window")
        if len(gaps) and pd.notna(row["before_start"]) and "planned" not in reasons:
            spans = [
                (row["before_start"], row["before_end"]),
                (row["after_start"], row["after_end"]),
            ]
            if any(coverage.overlaps_gap(gaps, lo, min(hi, d1)) for lo, hi in spans):
                reasons.append("window_not_covered")
        if reasons:
            status = "not_evaluable"
        elif row["after_end"] > d1:
            status = "too_recent"
        else:
            status = "evaluable"
        row.update(status=status, reason=reasons[0] if reasons else "", reasons=tuple(reasons))
        rows.append(row)
    cols = [
        "measure_id",
        "start",
        "end",
        "before_start",
        "before_end",
        "after_start",
        "after_end",
        "months_before",
        "months_after",
        "status",
        "reason",
        "reasons",
    ]
    out = pd.DataFrame(rows, index=measures.index, columns=cols)
    for c in ("start", "end", "before_start", "before_end", "after_start", "after_end"):
        out[c] = pd.to_datetime(out[c]).astype("datetime64[us]")
    out.attrs["parameters"] = {
        "data_start": str(d0.date()),
        "data_end_exclusive": str(d1.date()),
        "window_months": W,
        "lag_months": L,
        "gap_months": [str(p) for p in gaps],
    }
    return out


def targeted(
    incidents: pd.DataFrame, categories: Sequence[str] = (), shifts: Sequence[str] = ()
) -> pd.Series:
    """Which incidents a measure targets: its categories and shifts (empty = all).

    An incident with no shift (a time range longer than 8 hours) matches only
    an empty list of shifts.

    Examples
    --------
    >>> import pandas as pd
    >>> inc = pd.DataFrame({"category": ["theft", "theft", "mischief"],
    ...                     "shift": ["nuit", None, "nuit"]})
    >>> targeted(inc, ("theft",), ("nuit",)).tolist()
    [True, False, False]
    >>> targeted(inc).all()
    np.True_
    """
    cats, sh = _tuple(categories), _tuple(shifts)
    m = np.ones(len(incidents), dtype=bool)
    if cats:
        m &= incidents["category"].astype("str").isin(list(cats)).to_numpy()
    if sh:
        m &= (
            incidents["shift"].astype("str").isin(list(sh)).to_numpy()
            & incidents["shift"].notna().to_numpy()
        )
    return pd.Series(m, index=incidents.index, name="targeted")


def _buffer_width(measures: pd.DataFrame, buffer_m: Any) -> pd.Series:
    """Ring width per measure: a mapping by id, a scalar, or the measures' ``buffer_m`` column."""
    default = (
        _DEFAULT_BUFFER_M if buffer_m is None or isinstance(buffer_m, Mapping) else float(buffer_m)
    )
    w = pd.Series(default, index=measures.index, dtype="float64")
    if "buffer_m" in measures.columns and (buffer_m is None or isinstance(buffer_m, Mapping)):
        col = pd.to_numeric(measures["buffer_m"], errors="coerce")
        w = w.where(col.isna(), col)
    if isinstance(buffer_m, Mapping):
        ids = measures["measure_id"].astype(str)
        for i, mid in zip(measures.index, ids, strict=True):
            if mid in buffer_m:
                w[i] = float(buffer_m[mid])
    return w


def _union(geoms: Sequence[Any]):
    import shapely

    g = [x for x in geoms if x is not None and not x.is_empty]
    return shapely.union_all(np.asarray(g, dtype=object)) if g else None


def _areas_once(geoms: Any) -> np.ndarray:
    """The area of each geometry (0 when missing), once per distinct object.

    The measures of one removed set share their control (one object, a municipality
    with hundreds of holes): its area is computed once, not once per measure.
    """
    import shapely

    arr = np.asarray(geoms, dtype=object)
    first: dict[int, int] = {}
    at = np.array([first.setdefault(id(x), k) for k, x in enumerate(arr)], dtype="int64")
    out = np.zeros(len(arr))
    uniq = np.unique(at)
    got = shapely.area(arr[uniq])
    out[uniq] = np.where(np.isnan(got), 0.0, got)
    return out[at]


def _difference(a: Any, b: Any):
    import shapely

    if a is None:
        return None
    out = a if b is None else shapely.difference(a, b)
    return None if out is None or out.is_empty else out


def design_areas(  # noqa: PLR0913 - the public signature of before (keyword use is common)
    measures: pd.DataFrame,
    sectors: pd.DataFrame,
    buffer_m: Any = _DEFAULT_BUFFER_M,
    control: str = settings.default("control"),
    control_sectors: Sequence[str] | Mapping[str, Sequence[str]] | None = None,
    incidents: pd.DataFrame | None = None,
    win: pd.DataFrame | None = None,
    exclude_other_measures: bool = settings.default("exclude_other_measures"),
    k_similar: int = settings.default("similar_sectors"),
    ids: Sequence[str] | None = None,
):
    """Treated, buffer and control areas of each measure.

    - treated: :func:`diagnostic_lib.measures.treated_area`;
    - buffer: :func:`diagnostic_lib.measures.buffer_ring` of ``buffer_m``
      metres (a number, a mapping ``measure_id → metres``, or ``None`` for
      the measures' ``buffer_m`` column, else 200 m), clipped to the municipality;
    - control: ``"rest"`` (the municipality outside treated and buffer),
      ``"sectors"`` (``control_sectors``: a list, or a mapping by measure id,
      minus treated and buffer), ``"similar"`` (the ``k_similar`` sectors
      whose pre-period trend is the most similar, see
      :func:`similar_trend_sectors`) or ``"level"`` (the ``k_similar`` sectors
      whose before-window density of targeted events is the closest: places
      that peaked as the treated area did, the level-matched control against
      regression to the mean); the last two need ``incidents`` and ``win``.

    With ``exclude_other_measures`` the treated areas and rings of **other**
    measures with a point, line or polygon footprint, overlapping target
    categories and active during the windows (``win``, else at any time) are
    removed from the control (listed in ``excluded``).

    Returns
    -------
    GeoDataFrame
        One row per measure × zone (``treated``, ``buffer``, ``control``) for
        the measures that have a treated area: ``measure_id, zone,
        width_m, area_km2, sectors, excluded, geometry``.

    Examples
    --------
    >>> from diagnostic_lib import loaders, sample
    >>> d = loaders.load_diagnostic(sample.sample_dir() / "diagnostic.toml")
    >>> g = design_areas(d.measures, d.sectors, 200, ids=["M01"])
    >>> g["zone"].tolist(), bool(g.geometry.iloc[0].intersects(g.geometry.iloc[2]))
    (['treated', 'buffer', 'control'], False)
    """
    if control not in CONTROLS:
        raise ValueError(f"control must be one of {CONTROLS}, got {control!r}")
    if control in ("similar", "level") and (incidents is None or win is None):
        raise ValueError(f"control={control!r} needs incidents and win")
    areas = _Areas(measures, sectors, buffer_m, exclude_other_measures)
    choose = _ControlChoice(control, control_sectors, incidents, win, k_similar)
    return _design_frame(areas, choose, measures, sectors, win, ids)


def _design_frame(
    areas: _Areas,
    choose: _ControlChoice,
    measures: pd.DataFrame,
    sectors: pd.DataFrame,
    win: pd.DataFrame | None,
    ids: Sequence[str] | None,
):
    """:func:`design_areas` with its areas built (``areas``: kept to be reused)."""
    import geopandas as gpd

    control, exclude_other_measures, k_similar = choose.control, areas.exclude, choose.k_similar
    wanted = set(measures["measure_id"].astype(str)) if ids is None else {str(i) for i in ids}
    rows: list[dict[str, Any]] = []
    spans = (
        dict(zip(win.index, zip(win["before_start"], win["after_end"], strict=True), strict=True))
        if win is not None
        else {}
    )
    sub = measures[measures["measure_id"].astype(str).isin(wanted)]
    for i, rec in zip(sub.index, _records(sub), strict=True):  # (a row each: ~0.1 ms)
        rows += areas.rows(i, rec, choose, spans.get(i, (None, None)))
    columns = ["measure_id", "zone", "width_m", "sectors", "excluded", "geometry"]
    g = gpd.GeoDataFrame(rows, columns=columns, geometry="geometry", crs=sectors.crs)
    g.insert(3, "area_km2", _areas_once(g.geometry.array) / 1e6)
    g.attrs["parameters"] = {
        "control": control,
        "exclude_other_measures": exclude_other_measures,
        "k_similar": k_similar,
    }
    return g


class _Sectors:
    """The sectors' geometries and areas, and a tree of their boxes."""

    def __init__(self, sectors: pd.DataFrame) -> None:
        import shapely

        self.frame = sectors
        self.geom = dict(
            zip(sectors["sector_id"].astype(str), np.asarray(sectors.geometry.array), strict=True)
        )
        ids = np.asarray(list(self.geom), dtype=object)
        self.arr = np.asarray([self.geom[s] for s in ids], dtype=object)
        self.area = shapely.area(self.arr) if len(self.arr) else np.zeros(0)
        self.tree = shapely.STRtree(self.arr) if len(self.arr) else None
        self.pos = {s: k for k, s in enumerate(ids)}
        self.ids_sorted = tuple(sorted(self.geom))
        self.boundary = union_of(sectors.geometry.array)
        # (sector, id of a control) -> (the control, whether the sector keeps > 1 m² in it)
        self._in_control: dict[tuple[str, int], tuple[Any, bool]] = {}

    def _keeps(self, s: str, control: Any) -> bool:
        """Whether sector ``s`` keeps more than 1 m² in ``control`` (exact intersection).

        Remembered per control object: the measures of one excluded set share their
        control (see :meth:`_Areas.rows`), so each sector is intersected with it once.
        """
        import shapely

        key = (s, id(control))
        hit = self._in_control.get(key)
        if hit is None or hit[0] is not control:
            g = self.geom[s]
            keeps = bool(
                shapely.intersects(g, control)
                and shapely.area(shapely.intersection(g, control)) > 1.0
            )
            hit = (control, keeps)
            self._in_control[key] = hit
        return hit[1]

    def union(self, ids: Sequence[str]) -> Any:
        """The union of some sectors (None for none)."""
        return _union([self.geom[s] for s in ids])

    def removed_area(self, geoms: Sequence[Any]) -> np.ndarray:
        """Per sector, the total area of the ``geoms`` whose box meets the sector's box.

        An upper bound of the part of the sector they can remove.
        """
        import shapely

        out = np.zeros(len(self.arr))
        g = np.asarray([x for x in geoms if x is not None and not x.is_empty], dtype=object)
        if not len(g) or self.tree is None:
            return out
        i, j = self.tree.query(g)
        np.add.at(out, j, shapely.area(g)[i])
        return out

    def kept(
        self,
        chosen: Sequence[str],
        control: Any,
        removed: Sequence[Any],
        left: np.ndarray | None = None,
    ) -> tuple[str, ...]:
        """The chosen sectors that keep more than 1 m² in the control area.

        ``left``, when given, is each sector's area outside the removed areas
        (computed by the caller); by default a lower bound of it.
        """
        # A chosen sector lies in the base: its part in the control is its area minus
        # what the removed areas take, at most their total area. When that leaves
        # clearly more than 1 m², the sector is kept without intersecting it.
        if left is None:
            left = self.area - self.removed_area(removed)
        at = np.fromiter(map(self.pos.__getitem__, chosen), dtype="int64", count=len(chosen))
        sure = left[at] > 1.0 + 1e-6 * np.maximum(self.area[at], 1.0)
        if sure.all():
            return tuple(chosen)
        return tuple(
            s for s, ok in zip(chosen, sure.tolist(), strict=True) if ok or self._keeps(s, control)
        )


class _ControlChoice:
    """Where a measure's control area is taken from (see :func:`design_areas`)."""

    def __init__(
        self,
        control: str,
        control_sectors: Any,
        incidents: pd.DataFrame | None,
        win: pd.DataFrame | None,
        k_similar: int,
    ) -> None:
        self.control, self.control_sectors = control, control_sectors
        self.incidents, self.win, self.k_similar = incidents, win, k_similar

    def base(self, secs: _Sectors, i: Any, rec: Any, treated: Any, out: Sequence[Any]) -> tuple:
        """``(chosen sectors, base area)`` of measure ``i``; ``out`` is left out of the trends."""
        mid = str(rec["measure_id"])
        if self.control == "rest":
            return secs.ids_sorted, secs.boundary
        if self.control == "sectors":
            cs = self.control_sectors
            cs = cs.get(mid, ()) if isinstance(cs, Mapping) else (cs or ())
            chosen = tuple(str(s) for s in cs if str(s) in secs.geom)
            return chosen, secs.union(chosen)
        w = self.win.loc[i]
        sim = similar_trend_sectors(
            self.incidents,
            secs.frame,
            rec,
            treated,
            _union(out),
            w["before_start"],
            w["before_end"],
            k=self.k_similar,
            match="level" if self.control == "level" else "trend",
        )
        chosen = tuple(sim.loc[sim["chosen"], "sector_id"])
        return chosen, secs.union(chosen)


class _Areas:
    """The treated areas and rings of the measures, and the rules that build a control."""

    def __init__(
        self,
        measures: pd.DataFrame,
        sectors: pd.DataFrame,
        buffer_m: Any,
        exclude: bool,
        like: _Areas | None = None,
    ) -> None:
        # ``like``: the areas of the same tables with other rings (their sectors and
        # treated areas are the same)
        if like is None:
            self.secs = _Sectors(sectors)
            self.treated = measures_mod.treated_area(measures, sectors)
        else:
            self.secs, self.treated = like.secs, like.treated
        self.widths = _buffer_width(measures, buffer_m)
        rings = pd.Series([None] * len(measures), index=measures.index, dtype=object)
        for w in self.widths.unique():
            sel = self.widths.index[self.widths == w]
            r = measures_mod.buffer_ring(self.treated.loc[sel], float(w), within=self.secs.boundary)
            rings.loc[sel] = list(r.array)
        self.rings = rings
        self.ring_arr = rings.to_numpy(dtype=object)
        self.width_arr = self.widths.to_numpy(dtype="float64")
        self.ms = _MeasureSet(measures, self.treated) if like is None else like.ms
        self.geometric = (
            np.isin(self.ms.fp, ["point", "line", "polygon", "sectors"]) & self.ms.nonempty
        )
        self.exclude = exclude
        self._unions: dict[tuple[int, ...], Any] = {}
        self._lefts: dict[tuple[int, ...], np.ndarray] = {}
        # removed set -> (its control, the sectors of the municipality the control keeps)
        self._controls: dict[tuple[int, ...], tuple[Any, tuple[str, ...]]] = {}

    def others(self, i: Any, lo: Any, hi: Any) -> np.ndarray:
        """Positions of the other measures left out of measure ``i``'s control.

        Those with a point, line, polygon or sectors footprint (a measure on whole
        sectors acts there too), overlapping target categories, in place during [lo, hi].
        A municipality-wide measure cannot be left out: it is listed as a caveat.
        """
        if not self.exclude:
            return np.array([], dtype="int64")
        k = self.ms.pos[i]
        take = self.geometric & self.ms.overlap(k) & self.ms.active(lo, hi)
        take[k] = False
        return np.flatnonzero(take)

    def _geoms(self, js: np.ndarray) -> list[Any]:
        """The treated areas and rings of the measures at positions ``js``."""
        return np.column_stack([self.ms.treated[js], self.ring_arr[js]]).ravel().tolist()

    def _removed(self, i: Any, js: np.ndarray) -> tuple[int, ...]:
        """The key of the union of the areas and rings of ``js`` and of measure ``i`` itself.

        Measure ``i``'s own area and ring are taken out of its control anyway, so
        adding them does not change the control, and makes the union the same for
        every measure with the same excluded set once it is included: one union per
        set instead of one per measure (with many measures aimed at the same crimes
        at the same time, each union holds hundreds of areas).
        """
        k = self.ms.pos[i]
        at = np.searchsorted(js, k)  # ``js`` is sorted and does not hold ``k``
        key = tuple(np.insert(js, at, k).tolist())
        if key not in self._unions:
            self._unions[key] = _union(self._geoms(np.asarray(key, dtype="int64")))
        return key

    def _left(self, key: tuple[int, ...]) -> np.ndarray:
        """Per sector, its area outside the union of ``key`` (what stays in the control).

        Computed once per excluded set: the sectors a control keeps are then decided
        without intersecting each sector with each measure's control.
        """
        import shapely

        if key not in self._lefts:
            u, secs = self._unions[key], self.secs
            cut = np.zeros(len(secs.arr))
            if u is not None and secs.tree is not None:
                # the union's parts do not overlap: a sector loses the sum of its
                # intersections with the parts whose boxes meet its own
                parts = shapely.get_parts(u)
                i, j = secs.tree.query(parts)
                np.add.at(cut, j, shapely.area(shapely.intersection(secs.arr[j], parts[i])))
            self._lefts[key] = secs.area - cut
        return self._lefts[key]

    def rows(
        self, i: Any, rec: Any, choose: _ControlChoice, span: tuple[Any, Any]
    ) -> list[dict[str, Any]]:
        """The treated, buffer and control rows of measure ``i`` (none without a treated area).

        ``span``: the start of its before window and the end of its after window (the
        other measures in place then are left out of its control), or ``(None, None)``.
        """
        k = self.ms.pos[i]
        tg = self.ms.treated[k]
        if tg is None or tg.is_empty:
            return []
        mid, rg = str(rec["measure_id"]), self.ring_arr[k]
        none: dict[str, Any] = {"measure_id": mid, "sectors": (), "excluded": ()}
        rows = [
            {**none, "zone": "treated", "width_m": np.nan, "geometry": tg},
            {
                **none,
                "zone": "buffer",
                "width_m": float(self.width_arr[k]),
                "geometry": rg if rg is not None and not rg.is_empty else None,
            },
        ]
        if rec["footprint"] == "municipality":
            return rows
        js = self.others(i, *span)
        excluded = self.ms.ids[js].tolist()
        if choose.control == "rest" and len(js):
            # the rest of the municipality ignores ``ex``: see :meth:`_removed`
            chosen, base = choose.base(self.secs, i, rec, tg, [])
            key = self._removed(i, js)
            # the union holds the measure's own area: the control, and the sectors it
            # keeps, are the same for the whole set
            if key not in self._controls:
                cg = _difference(base, self._unions[key])
                if cg is not None:
                    chosen = self.secs.kept(chosen, cg, [], left=self._left(key))
                self._controls[key] = (cg, chosen)
            cg, chosen = self._controls[key]
        else:
            ex_geoms = self._geoms(js)
            ex = _union(ex_geoms)
            out_area = _union([tg, rg])
            chosen, base = choose.base(self.secs, i, rec, tg, [out_area, ex])
            cg = _difference(_difference(base, out_area), ex)
            if cg is not None:
                chosen = self.secs.kept(chosen, cg, [tg, rg, *ex_geoms])
        rows.append(
            {
                **none,
                "zone": "control",
                "width_m": np.nan,
                "sectors": chosen,
                "excluded": tuple(excluded),
                "geometry": cg,
            }
        )
        return rows


CONTROLS: tuple[str, ...] = ("rest", "sectors", "similar", "level")
"""Where a control area can come from (see :func:`design_areas`)."""


def _density(events: float, geom: Any) -> float:
    """Events per km² of ``geom`` (half an event added, so that an empty area has a level)."""
    area = 0.0 if geom is None else float(geom.area) / 1e6
    return (float(events) + 0.5) / area if area > 0 else float("nan")


def _poisson_slope(y: np.ndarray) -> tuple[float, float]:
    """Log-linear trend (per year) of monthly counts by a Poisson GLM, with its standard error."""
    import statsmodels.api as sm

    y = np.asarray(y, dtype="float64")
    if y.sum() == 0 or len(y) < 3:
        return float("nan"), float("nan")
    t = np.arange(len(y)) / 12.0
    X = sm.add_constant(t - t.mean())
    with warnings.catch_warnings():
        # a sparse series can fail to converge; its slope is then reported as it is (with its SE)
        warnings.simplefilter("ignore", category=_sm_warnings())
        res = sm.GLM(y, X, family=sm.families.Poisson()).fit()
    return float(res.params[1]), float(res.bse[1])


def similar_trend_sectors(  # noqa: PLR0913 - the public signature of before
    incidents: pd.DataFrame,
    sectors: pd.DataFrame,
    measure: Any,
    treated: Any,
    exclude: Any,
    before_start: Any,
    before_end: Any,
    k: int = settings.default("similar_sectors"),
    min_events: int = 10,
    match: str = "trend",
) -> pd.DataFrame:
    """The sectors whose pre-period trend (or level) is the most similar to the treated area's.

    For the treated area and each sector (minus ``exclude``: the treated area,
    its buffer and other measures' areas), the monthly counts of the measure's
    targeted incidents over the before window give a log-linear trend (Poisson
    regression of the counts on time, per year). The ``k`` sectors with at
    least ``min_events`` events whose trend is closest to the treated area's
    (smallest absolute difference) are chosen. With ``match="level"`` the
    distance is instead between the log densities of events (per km², before
    window): the sectors that ran as high as the treated area when it was
    chosen, so that their regression to the mean matches its own. Choosing
    controls on the pre-period does not use the after window, so it cannot
    favour a result.

    Returns
    -------
    DataFrame
        ``sector_id, events, density, slope, slope_se, treated_slope, distance,
        chosen`` sorted by ``distance`` (``density``: events per km² in the
        before window).

    Examples
    --------
    >>> from diagnostic_lib import loaders, measures, sample
    >>> d = loaders.load_diagnostic(sample.sample_dir() / "diagnostic.toml")
    >>> m = d.measures.set_index("measure_id").loc["M02"]
    >>> t = measures.treated_area(d.measures, d.sectors)[1]
    >>> s = similar_trend_sectors(d.incidents, d.sectors, m, t, t, "2022-07-01", "2023-07-01")
    >>> int(s["chosen"].sum())
    3
    """
    import shapely

    lo, hi = pd.Timestamp(before_start), pd.Timestamp(before_end)
    n = _months_between(lo, hi)
    edges = _month_edges(lo, n)
    sel = np.array(
        targeted(incidents, measure.get("target_categories", ()), measure.get("target_shifts", ())),
        dtype=bool,
    )
    tv = incidents["occurred_from"].to_numpy(dtype="datetime64[us]")
    sel &= (tv >= edges[0]) & (tv < edges[-1])
    sub = incidents[sel]
    x, y, has = _xy_points(sub)
    x, y = x[has], y[has]
    mon = (
        np.searchsorted(
            edges, sub["occurred_from"].to_numpy(dtype="datetime64[us]")[has], side="right"
        )
        - 1
    )

    def series(geom: Any) -> np.ndarray:
        if geom is None:
            return np.zeros(n)
        inside = shapely.intersects_xy(geom, x, y)
        return np.bincount(mon[inside], minlength=n)[:n].astype("float64")

    if match not in ("trend", "level"):
        raise ValueError(f"match must be 'trend' or 'level', got {match!r}")
    t_series = series(treated)
    t_slope, _ = _poisson_slope(t_series)
    t_density = _density(t_series.sum(), treated)
    rows = []
    for sid, sg in zip(sectors["sector_id"].astype(str), sectors.geometry, strict=True):
        g = _difference(sg, exclude)
        ys = series(g)
        b, se = _poisson_slope(ys) if ys.sum() >= min_events else (float("nan"), float("nan"))
        rows.append(
            {
                "sector_id": sid,
                "events": int(ys.sum()),
                "density": _density(ys.sum(), g),
                "slope": b,
                "slope_se": se,
            }
        )
    out = pd.DataFrame(rows)
    out["treated_slope"] = t_slope
    if match == "level":
        out["distance"] = (np.log(out["density"]) - np.log(t_density)).abs()
    else:
        out["distance"] = (out["slope"] - t_slope).abs()
    out = out.sort_values(["distance", "sector_id"], na_position="last").reset_index(drop=True)
    ok = out["distance"].notna() & (out["events"] >= min_events)
    out["chosen"] = ok & (ok.cumsum() <= k)
    return out
