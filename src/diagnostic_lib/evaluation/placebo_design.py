"""The placebo places and dates of each measure of an evaluation, and their estimates.

:class:`PlaceboSource` knows the municipality, every measure's zone and the
targeted incidents; for one measure and its monthly counts (from
:func:`~diagnostic_lib.evaluation.monthly_area_counts`) it builds the placebo
places (:mod:`~diagnostic_lib.evaluation.placebo_places`), the placebo dates (the
design shifted back on the treated area) and the estimates of
:func:`~diagnostic_lib.evaluation.placebos.placebo_tables`.
"""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any

import numpy as np
import pandas as pd
import shapely

from .._cell_cover import CellCover
from .._spatial import union_of
from ._common import _tuple, _xy_points
from .design import targeted
from .placebo_places import PlaceCounter, kept_sectors, lattice_offsets, sector_rings, translated
from .placebos import PlaceboOptions, Windows, log_effects, nearest_places, placebo_tables

DATE_SHIFTS = 24
"""Most placebo dates per measure (the design shifted back one month at a time)."""


def design_windows(labels: np.ndarray, history_months: int) -> Windows:
    """The history, before and after windows of a monthly series from its window labels.

    The history is the last ``history_months`` months before the before window (fewer
    when the data start later), cut to whole years when it holds at least one, so
    that seasonality does not bias the corrected estimate.

    Parameters
    ----------
    labels : ndarray of str
        ``pre``, ``before``, ``lag`` or ``after`` for each month (as in
        :func:`~diagnostic_lib.evaluation.monthly_area_counts`).
    history_months : int
        Most months of history (the last ``pre`` months).

    Returns
    -------
    Windows

    Examples
    --------
    >>> lab = np.array(["pre"] * 30 + ["before"] * 12 + ["lag"] + ["after"] * 12)
    >>> w = design_windows(lab, 24)
    >>> w.history, w.before, w.after
    (slice(6, 30, None), slice(30, 42, None), slice(43, 55, None))
    """
    labels = np.asarray(labels)
    pre = np.flatnonzero(labels == "pre")
    before = np.flatnonzero(labels == "before")
    after = np.flatnonzero(labels == "after")
    b0 = int(before[0]) if len(before) else len(labels)
    h = min(int(history_months), len(pre))
    if h >= 12:
        h -= h % 12  # whole years: every season weighs the same in the history
    return Windows(
        slice(b0 - h, b0),
        slice(b0, b0 + len(before)),
        slice(int(after[0]), int(after[-1]) + 1) if len(after) else slice(len(labels), len(labels)),
    )


def date_placebos(
    series: np.ndarray, control: np.ndarray, win: Windows, options: PlaceboOptions
) -> np.ndarray:
    """Log effects of the design shifted back on the treated area, and their variances.

    A shift keeps the whole placebo design before the measure's start (its after
    window ends before the real after window begins) and leaves at least
    ``min_history_months`` of history before its before window.

    Parameters
    ----------
    series, control : ndarray
        Monthly counts of the treated area and of the control.
    win : Windows
        The measure's windows.
    options : PlaceboOptions
        The tunables.

    Returns
    -------
    ndarray, shape (2, dates)
        Corrected log effects and their Poisson variances.

    Examples
    --------
    >>> y = np.random.default_rng(0).poisson(10, 96)
    >>> w = Windows(slice(48, 72), slice(72, 84), slice(84, 96))
    >>> date_placebos(y, np.full(96, 300), w, PlaceboOptions()).shape
    (2, 24)
    """
    width = win.before.stop - win.before.start
    gap = win.after.start - win.before.stop
    hist = win.history_months
    vals, var = [], []
    for k in range(width + gap, width + gap + DATE_SHIFTS):
        b0 = win.before.start - k
        h = min(hist, b0)
        h = h - h % 12 if h >= 12 else h
        if h < options.min_history_months:
            break
        after = slice(b0 + width + gap, b0 + 2 * width + gap)
        w = Windows(slice(b0 - h, b0), slice(b0, b0 + width), after)
        e = log_effects(series, control, w)
        vals.append(float(e["corrected"]))
        var.append(float(e["v_corrected"]))
    return np.array([vals, var], dtype="float64").reshape(2, -1)


class PlaceboSource:
    """The placebo places and dates of the measures of one evaluation.

    Parameters
    ----------
    measures, incidents, sectors : DataFrame
        Canonical tables. ``incidents`` may be ``None`` for a source that only
        places the placebos (:meth:`placement`, :func:`placements`) and counts nothing.
    treated : GeoSeries
        Each measure's treated area (aligned with ``measures``).
    widths : ndarray
        Each measure's ring width, metres.
    options : PlaceboOptions
        The tunables.
    placed : dict, optional
        Measure id → its :meth:`placement`, computed elsewhere with the same tables
        (:func:`placements`, in the worker process): those measures' places are not
        searched again.
    """

    def __init__(
        self,
        measures: pd.DataFrame,
        incidents: pd.DataFrame,
        sectors: pd.DataFrame,
        treated: Any,
        widths: np.ndarray,
        options: PlaceboOptions,
        placed: dict[str, Any] | None = None,
    ) -> None:
        self.incidents, self.options = incidents, options
        self._placed = dict(placed or {})
        self.sector_geoms = np.asarray(sectors.geometry.array, dtype=object)
        self.sector_ids = sectors["sector_id"].astype(str).to_numpy()
        self.boundary = union_of(self.sector_geoms)
        self._zones: list[tuple[Any, frozenset]] = []
        fp = measures.get("footprint", pd.Series("", index=measures.index)).astype(str)
        cats = measures.get("target_categories", pd.Series(None, index=measures.index))
        for g, w, f, c in zip(np.asarray(treated, dtype=object), widths, fp, cats, strict=True):
            if g is None or g.is_empty or f not in ("point", "line", "polygon"):
                continue
            zone = shapely.buffer(g, float(w) if np.isfinite(w) else 0.0)
            self._zones.append((zone, frozenset(_tuple(c))))
        self._avoid: dict[frozenset, Any] = {}
        self._covers: dict[Any, Any] = {}  # boundary and avoided zones, prepared for boxes
        # avoided zones -> the sectors clear of them
        self._clear: dict[int, tuple[Any, np.ndarray]] = {}
        if incidents is not None:
            self.x, self.y, _ = _xy_points(incidents)
            self.t = incidents["occurred_from"].to_numpy(dtype="datetime64[us]")
        self._counters: dict[tuple, PlaceCounter] = {}
        self._rings: dict[float, np.ndarray] = {}  # ring width -> every sector's ring

    def avoid(self, categories: Any) -> Any:
        """Where a measure's placebo places never go.

        The zones of the measures that act on any of ``categories`` (a measure with no
        listed category acts on all of them). A measure aimed at other crimes cannot
        change the counts of a placebo place, so its zone stays available; one aimed at
        the same crimes would bias the null distribution.
        """
        key = frozenset(_tuple(categories))
        if key not in self._avoid:
            zones = [z for z, c in self._zones if not key or not c or key & c]
            self._avoid[key] = shapely.union_all(zones) if zones else None
        return self._avoid[key]

    @staticmethod
    def target(rec: Any) -> tuple:
        """What a measure's index of incidents depends on: its categories and shifts."""
        return (_tuple(rec.get("target_categories", ())), _tuple(rec.get("target_shifts", ())))

    def release(self, rec: Any) -> None:
        """Drop the index of ``rec``'s target (built again if asked for later)."""
        self._counters.pop(self.target(rec), None)

    def counter(self, rec: Any) -> PlaceCounter:
        """The incidents a measure targets, indexed by place (one index per target)."""
        key = self.target(rec)
        if key not in self._counters:
            sel = np.asarray(targeted(self.incidents, *key), dtype=bool)
            # the subset by its positions: every counter reads the same arrays
            self._counters[key] = PlaceCounter(self.x, self.y, self.t, np.flatnonzero(sel))
        return self._counters[key]

    def places(self, rec: Any, geo: dict[str, Any]) -> tuple[np.ndarray, np.ndarray]:
        """The placebo places of a measure: its zone moved elsewhere, or the other sectors."""
        unit_t, unit_r, _ = self._places(rec, geo)
        return unit_t, unit_r

    def _places(self, rec: Any, geo: dict[str, Any]) -> tuple[np.ndarray, np.ndarray, Any]:
        """:meth:`places` and, for sector places, the key of each (sector, ring width)."""
        treated, ring = geo.get("treated"), geo.get("buffer")
        none = np.array([], dtype=object)
        mid = str(rec.get("measure_id", ""))
        where = self._placed[mid] if mid in self._placed else self.placement(rec, geo)
        if where is None:
            return none, none, None
        if where[0] == "sectors":
            _, keep, width = where
            if width not in self._rings:  # the same rings for every measure of this width
                self._rings[width] = sector_rings(self.sector_geoms, width)
            keys = [(int(k), width) for k in keep]
            return self.sector_geoms[keep], self._rings[width][keep], keys
        offsets = where[1]
        return translated(treated, offsets), translated(ring, offsets), None

    def placement(self, rec: Any, geo: dict[str, Any]) -> tuple | None:
        """Where a measure's placebo places go, without making them (no incident is read).

        ``("sectors", positions of the sectors kept, ring width)`` for a measure on
        whole sectors, ``("lattice", offsets)`` for a zone moved across the
        municipality (:func:`~.placebo_places.lattice_offsets`), ``None`` without a
        treated area. :meth:`places` makes the shapes from it.
        """
        treated, ring = geo.get("treated"), geo.get("buffer")
        if treated is None or treated.is_empty:
            return None
        avoid = self.avoid(rec.get("target_categories"))
        if str(rec.get("footprint", "")) == "sectors":
            own = shapely.intersects(treated, self.sector_geoms) & (
                shapely.area(shapely.intersection(treated, self.sector_geoms))
                > 0.5 * shapely.area(self.sector_geoms)
            )
            keep = np.flatnonzero(~own & self._clear_of(avoid))
            return ("sectors", keep, _ring_width(treated, ring))
        zone = shapely.union_all([g for g in (treated, ring) if g is not None])
        offsets = lattice_offsets(
            zone, self._cover("boundary", self.boundary), self._cover(id(avoid), avoid)
        )
        return ("lattice", offsets)

    def _clear_of(self, avoid: Any) -> np.ndarray:
        """Which sectors ``avoid`` does not touch (:func:`kept_sectors`), once per ``avoid``."""
        hit = self._clear.get(id(avoid))
        if hit is None or hit[0] is not avoid:
            if avoid is not None:
                shapely.prepare(avoid)
            hit = (avoid, kept_sectors(self.sector_geoms, np.zeros(len(self.sector_geoms)), avoid))
            self._clear[id(avoid)] = hit
        return hit[1]

    def _cover(self, key: Any, geom: Any) -> CellCover | None:
        """``geom`` prepared to test many boxes (:class:`CellCover`), once per evaluation."""
        if geom is None or geom.is_empty:
            return None
        if key not in self._covers or self._covers[key].geom is not geom:
            self._covers[key] = CellCover(geom)
        return self._covers[key]

    def estimates(
        self, rec: Any, geo: dict[str, Any], monthly: pd.DataFrame | Mapping[str, np.ndarray]
    ) -> dict[str, Any]:
        """Every placebo-based estimate of one measure (see :func:`placebo_tables`).

        ``monthly``: the measure's monthly table, or its columns as arrays.
        """
        mon = np.asarray(monthly["month"], dtype="datetime64[us]")
        month_list, at = np.unique(mon, return_inverse=True)  # sorted, as a pivot's index
        first = np.unique(at, return_index=True)[1]  # each month's first row
        labels = np.asarray(monthly["window"])[first]
        win = design_windows(labels, self.options.history_months)
        last = (pd.Timestamp(month_list[-1]) + pd.DateOffset(months=1)).to_datetime64()
        edges = np.r_[month_list, np.datetime64(last, "us")]
        zone, count = np.asarray(monthly["zone"]), np.asarray(monthly["count"], dtype="float64")
        target = {
            "treated": _by_month(zone, count, at, len(month_list), "treated"),
            "ring": _by_month(zone, count, at, len(month_list), "buffer"),
        }
        control = _by_month(zone, count, at, len(month_list), "control")
        unit_t, unit_r, keys = self._places(rec, geo)
        pc = self.counter(rec)
        # a sector is the same place for every measure: its incidents are found once
        counts_t = pc.counts(
            list(unit_t), edges, keys=None if keys is None else [("t", *k) for k in keys]
        )
        # the places kept (nearest in level, nearest first): only their rings are counted,
        # except a sector's, found once for every measure (all at once: no new names later)
        keep = nearest_places(target["treated"], counts_t, control, win, self.options.placebos)
        if keys is None:
            counts_r = pc.counts(list(unit_r[keep]), edges, exclude=list(unit_t[keep]))
        else:
            named = [("r", *k) for k in keys]
            counts_r = pc.counts(list(unit_r), edges, exclude=list(unit_t), keys=named)[keep]
        units = {"treated": counts_t[keep], "ring": counts_r}
        dates = date_placebos(target["treated"], control, win, self.options)
        return placebo_tables(target, units, control, win, self.options, dates)


def placements(
    measures: pd.DataFrame,
    sectors: pd.DataFrame,
    treated: Any,
    widths: np.ndarray,
    options: PlaceboOptions,
    geos: dict[Any, dict[str, Any]],
) -> dict[str, tuple | None]:
    """The placebo placement of each measure in ``geos`` (index → its areas), incidents unread.

    What :class:`PlaceboSource` computes before it counts anything: given to a
    source of the same tables (``placed=``), its places, counts and estimates are
    those it would have found itself. It reads only the measures and the sectors,
    so that another process can compute it while this one counts.

    Parameters
    ----------
    measures, sectors, treated, widths, options
        As for :class:`PlaceboSource`.
    geos : dict
        Index of a measure in ``measures`` → its ``treated`` and ``buffer``
        geometries (a placement reads no control area).

    Returns
    -------
    dict
        Measure id → :meth:`PlaceboSource.placement`.

    Examples
    --------
    >>> import geopandas as gpd
    >>> sec = gpd.GeoDataFrame({"sector_id": ["A"]}, geometry=[shapely.box(0, 0, 1000, 1000)])
    >>> mea = pd.DataFrame({"measure_id": ["M1"], "footprint": ["point"],
    ...                     "target_categories": [()]})
    >>> geo = {"treated": shapely.box(0, 0, 100, 100), "buffer": None}
    >>> got = placements(mea, sec, [geo["treated"]], np.array([0.0]), PlaceboOptions(), {0: geo})
    >>> got["M1"][0], len(got["M1"][1])
    ('lattice', 96)
    """
    src = PlaceboSource(measures, None, sectors, treated, widths, options)
    return {
        str(measures.loc[i, "measure_id"]): src.placement(measures.loc[i], geo)
        for i, geo in geos.items()
    }


def _by_month(zone: np.ndarray, count: np.ndarray, at: np.ndarray, n: int, name: str) -> np.ndarray:
    """One zone's counts summed by month (``at``: each row's month), as a pivot table does.

    A zone with no row is zeros; a month with no row of a zone that has some is missing.
    """
    rows = zone == name
    if not rows.any():
        return np.zeros(n)
    out = np.zeros(n)
    np.add.at(out, at[rows], count[rows])
    seen = np.zeros(n, dtype=bool)
    seen[at[rows]] = True
    return np.where(seen, out, np.nan)


def _ring_width(treated: Any, ring: Any) -> float:
    """The width of a ring around a treated area (its farthest vertex), metres."""
    if ring is None or ring.is_empty:
        return 0.0
    pts = shapely.points(shapely.get_coordinates(ring))
    return float(shapely.distance(treated, pts).max())
