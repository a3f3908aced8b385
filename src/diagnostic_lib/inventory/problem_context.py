"""What the problem finder knows: its options, per-incident arrays, and each problem's register row.

:class:`ProblemSearch` holds the tunables of :func:`find_problems`.
:class:`_ProblemContext` computes once, for the whole incident table, the
arrays that every pass reads (grid cell, family, category and sector codes,
aoristic rows, severity weights, the perception table), so that describing a
problem costs in proportion to its own incidents, not to the whole table.
:meth:`_ProblemContext.describe` turns a group of incidents into a row of the
problem register (see :func:`register_columns`).
"""

from __future__ import annotations

import hashlib
from collections import Counter
from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from typing import TYPE_CHECKING, Any

import numpy as np
import pandas as pd

from .. import schema, settings, workers
from .._memory import blocks
from .._points import LOCATED, MISSING, point_table, points_of
from .._spatial import union_of
from ..schema import GRID_SECTOR_ID as _GRID_ID
from ._groups import _by_count
from .grid import _cell_of_xy
from .problem_text import Where, _cheers, _title, bearing
from .survey import perception
from .timing import (
    _ROWS_AT_ONCE,
    _aoristic_arrays,
    _profile,
    _signature,
    _spread_rows,
    _too_long,
)
from .trend import PRIOR_WINDOWS, _change_windows, _quasi_p, year_to_year_variance
from .volume import total_population

if TYPE_CHECKING:
    from ..config import Config


@dataclass(frozen=True)
class ProblemSearch:
    """The tunables of the problem search (see :func:`find_problems`).

    Attributes
    ----------
    cell_size : float
        Side of the grid cells (m) of the place pass.
    min_events : int, optional
        Fewest events of a problem; ``None``: :meth:`fewest_events`.
    alpha : float
        Significance level (q-values after FDR) of every pass.
    end : timestamp, optional
        End (exclusive) of the last trend window; default: the month after the
        last incident.
    seed : int
        Seed of the Gi* computations.
    similarity : float
        Cosine similarity of hour-of-week profiles above which families or
        categories join one problem.
    min_ratio : float
        Smallest rate ratio (sector against the rest) of an area problem.
    events_per_year, min_events_floor : float, int
        The automatic ``min_events``: ``events_per_year`` a year over the span
        of the data, and at least ``min_events_floor``.
    min_tested : int
        Fewest events of a category in a sector for its rate to be tested.
    trend_months, trend_min_events : int
        Window (months) of a problem's trend, and fewest events in the two
        windows for a trend label other than ``too_few``.
    facility_m, facility_share : float
        A place problem is named after the kind of facility that at least
        ``facility_share`` of its located events lie within ``facility_m`` metres of.
    neighbourhood, permutations : str, int
        Gi* neighbours and permutations (see :func:`hot_spots`).
    max_extent_m : float
        Largest side of a place problem: wider clusters of hot cells are split
        (:func:`~diagnostic_lib.inventory.grid.compact_components`).
    split_sectors : bool
        Split clusters of hot cells along sector boundaries first
        (:func:`~diagnostic_lib.inventory.grid.split_by_sector`).
    place_name_m : float
        A place problem's title names the nearest named place within this
        distance of its centre.

    Every default is the setting of the same meaning in
    :mod:`diagnostic_lib.settings` (``grid_cell_m``, ``alpha``,
    ``problem_similarity``…); :meth:`from_config` reads them from a config.

    Examples
    --------
    >>> ProblemSearch(min_events=40).fewest_events(None)
    40
    """

    cell_size: float = settings.default("grid_cell_m")
    min_events: int | None = None
    alpha: float = settings.default("alpha")
    end: Any = None
    seed: int = settings.default("permutation_seed")
    similarity: float = settings.default("problem_similarity")
    min_ratio: float = settings.default("problem_min_ratio")
    events_per_year: float = settings.default("problem_events_per_year")
    min_events_floor: int = settings.default("problem_min_events")
    min_tested: int = settings.default("problem_min_tested")
    trend_months: int = settings.default("change_months")
    trend_min_events: int = settings.default("change_min_events")
    facility_m: float = settings.default("problem_facility_m")
    facility_share: float = settings.default("problem_facility_share")
    neighbourhood: str = settings.default("hot_spot_neighbourhood")
    permutations: int = settings.default("hot_spot_permutations")
    max_extent_m: float = settings.default("max_problem_extent_m")
    split_sectors: bool = settings.default("problem_split_sectors")
    place_name_m: float = settings.default("problem_place_name_m")

    @classmethod
    def from_config(cls, config: Config, end: Any = None, **overrides: Any) -> ProblemSearch:
        """The search as a config sets it (``[parameters]`` of ``diagnostic.toml``).

        Parameters
        ----------
        config : Config
            A loaded config (``diag.config``).
        end : timestamp, optional
            End of the last trend window.
        **overrides
            Fields that replace the config's values.

        Returns
        -------
        ProblemSearch

        Examples
        --------
        >>> from diagnostic_lib.config import config_from_dict
        >>> cfg = config_from_dict({"parameters": {"problem_similarity": 0.9}})
        >>> ProblemSearch.from_config(cfg, cell_size=150.0).similarity
        0.9
        """
        param = config.param
        fields = {
            "cell_size": param("grid_cell_m"),
            "min_events": None,
            "alpha": param("alpha"),
            "end": end,
            "seed": param("permutation_seed"),
            "similarity": param("problem_similarity"),
            "min_ratio": param("problem_min_ratio"),
            "events_per_year": param("problem_events_per_year"),
            "min_events_floor": param("problem_min_events"),
            "min_tested": param("problem_min_tested"),
            "trend_months": param("change_months"),
            "trend_min_events": param("change_min_events"),
            "facility_m": param("problem_facility_m"),
            "facility_share": param("problem_facility_share"),
            "neighbourhood": param("hot_spot_neighbourhood"),
            "permutations": param("hot_spot_permutations"),
            "max_extent_m": param("max_problem_extent_m"),
            "split_sectors": param("problem_split_sectors"),
            "place_name_m": param("problem_place_name_m"),
        }
        return cls(**{**fields, **overrides})

    def fewest_events(self, incidents: pd.DataFrame | None) -> int:
        """``min_events``, or the automatic rule over the span of ``incidents``.

        Parameters
        ----------
        incidents : DataFrame or None
            The incidents searched (their ``occurred_from`` gives the span).

        Returns
        -------
        int

        Examples
        --------
        >>> import pandas as pd
        >>> inc = pd.DataFrame({"occurred_from": pd.to_datetime(["2020-01-01", "2025-01-01"])})
        >>> ProblemSearch().fewest_events(inc)
        75
        """
        if self.min_events is not None:
            return self.min_events
        if incidents is not None and len(incidents):
            span = incidents["occurred_from"].max() - incidents["occurred_from"].min()
        else:
            span = pd.Timedelta(days=365)
        years = max(span.days / 365.25, 1.0)
        return int(max(self.min_events_floor, round(self.events_per_year * years)))


SEARCH_COLUMNS: tuple[str, ...] = (
    "occurred_from",
    "occurred_to",
    "category",
    "family",
    "sector",
)
"""The incidents' columns the problem search reads, besides their points."""


def _search_frame(incidents: pd.DataFrame) -> pd.DataFrame:
    """What the problem search reads of the incidents, each point as two numbers.

    The :func:`~diagnostic_lib._points.point_table` of :data:`SEARCH_COLUMNS`
    (category, family and sector as categories of their sorted text). It is what
    step 1 sends to the worker process: about 40 bytes an incident (0.2 GB at 5M),
    where the point objects alone take 1.1 GB there once rebuilt.

    Examples
    --------
    >>> from diagnostic_lib import loaders, sample
    >>> d = loaders.load_diagnostic(sample.sample_dir() / "diagnostic.toml")
    >>> f = _search_frame(d.incidents)
    >>> f.columns[-4:].tolist(), str(f["family"].dtype), len(f) == len(d.incidents)
    (['sector', 'x', 'y', 'point'], 'category', True)
    """
    return point_table(incidents, SEARCH_COLUMNS, text=_TEXT_COLUMNS)


_TEXT_COLUMNS = ("category", "family", "sector")
"""Columns of :func:`_search_frame` sent as categories (a code of one or two bytes a row)."""


class _ProblemContext:
    """Per-incident arrays and lookups computed once for :func:`find_problems`.

    Describing a problem then costs in proportion to its own incidents, not to
    the whole table.
    """

    def __init__(
        self,
        inc: pd.DataFrame,
        grid: pd.DataFrame,
        sectors: pd.DataFrame,
        weights: pd.DataFrame,
        taxonomy: pd.DataFrame,
        survey: pd.DataFrame | None,
        places: pd.DataFrame | None,
        search: ProblemSearch,
    ) -> None:
        self.inc, self.grid, self.sectors, self.search = inc, grid, sectors, search
        self._windows: dict[Any, tuple[Any, ...]] = {}
        self._pooled: dict[tuple[Any, ...], tuple[float, float]] = {}
        self._incident_arrays(inc, grid, weights)
        self._sector_tables(sectors)
        self.tax_concern = (
            taxonomy["concern"] if "concern" in taxonomy.columns else pd.Series(dtype="str")
        )
        # the diagnosis's own taxonomy names the categories in titles (never its codes)
        self.tax_labels = {
            lang: taxonomy[f"label_{lang}"].to_dict()
            for lang in ("fr", "en")
            if f"label_{lang}" in taxonomy.columns
        }
        ct = perception(survey, sectors) if survey is not None and len(survey) else None
        self.concern = ct.set_index("sector") if ct is not None else None
        if ct is not None:
            self.ct_pos = {x: i for i, x in enumerate(ct["sector"])}
            self.ct_resp = ct["respondents"].to_numpy().astype(float)
        self.tree = self.name_tree = None
        if places is not None and len(places):
            import shapely

            pgeoms = np.asarray(places.geometry.array)
            self.tree = shapely.STRtree(pgeoms)
            self.kinds = places["kind"].to_numpy()
            texts = places["kind_label"] if "kind_label" in places.columns else places["kind"]
            self.kind_texts = dict(zip(places["kind"], texts.astype(str), strict=True))
            names = places["name"].astype("str").fillna("").str.strip().to_numpy(dtype=object)
            # a name is words (not "20-879", the number of a taxi stand)
            words = pd.Series(names, dtype="str").str.contains(r"[^\W\d_]{2,}", na=False)
            named = words.to_numpy() & (names != "nan") & ~shapely.is_empty(pgeoms)
            if named.any():
                self.name_tree = shapely.STRtree(pgeoms[named])
                self.place_names = names[named]

    def _incident_arrays(
        self, inc: pd.DataFrame, grid: pd.DataFrame, weights: pd.DataFrame
    ) -> None:
        state, self.x, self.y = points_of(inc)
        self.geom_na = state == MISSING
        self.located = state == LOCATED
        self.cell = np.full(len(inc), -1, dtype="int64")
        at = np.flatnonzero(self.located)
        self.cell[at] = _cell_of_xy(self.x[at], self.y[at], grid)
        self.fam_codes, fam_u = pd.factorize(inc["family"])
        self.fam_names = [str(x) for x in fam_u]
        self.cat_codes, cat_u = pd.factorize(inc["category"])
        self.cat_names = [str(x) for x in cat_u]
        self.sec_codes, sec_u = pd.factorize(inc["sector"])
        self.sec_names = [str(x) for x in sec_u]
        self.start = pd.to_datetime(inc["occurred_from"]).to_numpy(dtype="datetime64[us]")
        dated = self.start[~np.isnat(self.start)]
        # the data's own span (its last whole day included), in years
        self.data_years = (
            float((dated.max() - dated.min()) / np.timedelta64(1, "D") + 1) / 365.25
            if len(dated)
            else 0.0
        )
        self.stop = (
            pd.to_datetime(inc["occurred_to"]).to_numpy(dtype="datetime64[us]")
            if "occurred_to" in inc.columns
            else np.full(len(inc), np.datetime64("NaT"), dtype="datetime64[us]")
        )
        ts = inc["occurred_from"]
        self.year = ts.dt.year.to_numpy()
        self.month_key = self.year.astype("int64") * 12 + ts.dt.month.to_numpy().astype("int64")
        # each category's weight looked up once (a row at a time took 4.7 s at 5M)
        w_of = pd.Series(np.asarray(cat_u, dtype=object)).map(weights["weight"])
        w_of = np.r_[w_of.astype("float64").fillna(0.0).to_numpy(), 0.0]
        self.w = w_of[self.cat_codes]  # a missing category (code -1) reads the last: 0

    def _sector_tables(self, sectors: pd.DataFrame) -> None:

        sec = pd.DataFrame(sectors[["sector_id", "name", "population"]])
        ids, nm = sec["sector_id"].astype(str), sec["name"].astype(str)
        # a sector whose name is its grid code (G-r03c07) has no name a reader knows
        self.coded = set(ids[(nm == ids) & ids.str.fullmatch(_GRID_ID)])
        self.pop = sec.set_index("sector_id")["population"].astype("float64")
        self.pop_of = self.pop.to_dict()
        self.pop_total = total_population(self.pop)
        self.sector_ids = tuple(sorted(sectors["sector_id"].astype(str)))
        self.names = sectors.set_index("sector_id")["name"].astype(str).to_dict()
        self.boundary = union_of(sectors.geometry.array)
        c = self.boundary.centroid if not self.boundary.is_empty else None
        self.centre = (c.x, c.y) if c is not None else (np.nan, np.nan)

    # -- aoristic rows ---------------------------------------------------------------
    def _aoristic_all(self) -> None:
        if workers.in_worker_process():
            # the search is the spread's only reader there: nothing kept, and no event
            # or slot of each row made (two arrays of the rows: 300 MB at 5M)
            nh, _, _, how, self.a_w = _spread_rows(self.start, self.stop, 168, full=False)
            self.a_how = how.astype("int16")
        else:  # the hour-of-week table of step 1 reads the same spread
            rep, _, wd, hr, self.a_w = _aoristic_arrays(self.start, self.stop)
            self.a_how = np.multiply(wd, 24, dtype="int16") + hr.astype("int16")
            nh = np.bincount(rep, minlength=len(self.start))
        # each row's hour of the week in two bytes; each event's rows are contiguous, in
        # the events' order
        self.a_len = nh
        self.a_first = np.cumsum(nh) - nh
        self.a_tail = _too_long(self.start, self.stop)

    def rows(self, idx: np.ndarray) -> np.ndarray:
        """Aoristic rows of the events ``idx`` (sorted), in the order aoristic gives them."""
        if not hasattr(self, "a_len"):
            self._aoristic_all()
        tail = self.a_tail[idx]
        ev = np.r_[idx[~tail], idx[tail]]
        starts, lens = self.a_first[ev], self.a_len[ev]
        has = lens > 0
        starts, lens = starts[has], lens[has]
        return np.repeat(starts - np.cumsum(lens) + lens, lens) + np.arange(lens.sum())

    def profile(self, idx: np.ndarray) -> np.ndarray:
        """Hour-of-week profile of the events ``idx`` (see :func:`hour_of_week_profile`)."""
        r = self.rows(idx)
        return _profile(*self._weekday_hour(r), self.a_w[r])

    def _weekday_hour(self, r: np.ndarray) -> tuple[np.ndarray, np.ndarray]:
        """Weekday and hour (``int64``) of the aoristic rows ``r``."""
        how = self.a_how[r].astype("int64")
        return how // 24, how % 24

    # -- batch work over every problem -----------------------------------------------
    def prepare(self, found: Sequence[Mapping[str, Any]]) -> None:
        """Batch work over every problem: shift sums and nearest facilities."""
        if not hasattr(self, "a_len"):
            self._aoristic_all()
        rows = [self.rows(f["members"]) for f in found]
        self.problem_rows = rows
        self.shift_sums = [{} for _ in rows]
        ends = np.cumsum([len(r) for r in rows], dtype="int64")
        # problems taken a block of rows at a time (memory only: a problem's rows are summed
        # alone and in their order whatever the block, as pandas sums a group)
        for a, b in blocks(ends, _ROWS_AT_ONCE):
            self._shift_sums(rows, a, b)
        self.facilities = self._facilities(found)
        self.centres = self._centres(found)
        self.place_of = self._named_places(self.centres)

    def _shift_sums(self, rows: Sequence[np.ndarray], a: int, b: int) -> None:
        """The aoristic weight of each shift, for problems ``a`` to ``b``."""
        if b <= a:
            return
        lab = np.repeat(np.arange(a, b), [len(r) for r in rows[a:b]])
        allr = np.concatenate(rows[a:b])
        # grouped sums as pandas computes them (compensated, in row order)
        hr = self.a_how[allr] % 24
        code = np.where(hr < 8, 1, np.where(hr < 16, 0, 2))
        sums = pd.Series(self.a_w[allr]).groupby(lab * 3 + code).sum()
        names = ("jour", "nuit", "soir")
        for key, v in zip(sums.index.to_numpy(), sums.to_numpy(), strict=True):
            self.shift_sums[key // 3][names[key % 3]] = v

    def _centres(self, found: Sequence[Mapping[str, Any]]) -> np.ndarray:
        """Each problem's centre: the median position of a place's located events (NaN else)."""
        out = np.full((len(found), 2), np.nan)
        for k, f in enumerate(found):
            if f["kind"] != "place":
                continue
            at = f["members"][self.located[f["members"]]]
            if len(at):
                out[k] = np.median(np.column_stack([self.x[at], self.y[at]]), axis=0)
        return out

    def _named_places(self, centres: np.ndarray) -> list[str]:
        """The nearest named place within ``place_name_m`` of each centre ("" for none)."""
        import shapely

        out = [""] * len(centres)
        ok = np.flatnonzero(np.isfinite(centres[:, 0]))
        if self.name_tree is None or not len(ok) or self.search.place_name_m <= 0:
            return out
        i, j = self.name_tree.query_nearest(
            shapely.points(centres[ok]), max_distance=self.search.place_name_m, all_matches=False
        )
        for a, b in zip(i, j, strict=True):
            out[ok[a]] = str(self.place_names[b])
        return out

    def where(self, k: int, kind: str, sects: Sequence[str]) -> Where:
        """The :class:`Where` of problem ``k`` (after :meth:`prepare`)."""
        names = tuple(self.names.get(x, x) for x in sects if x not in self.coded)
        facility = self.facilities[k]
        cx, cy = self.centres[k]
        offset = None
        if kind == "place" and np.isfinite(cx) and np.isfinite(self.centre[0]):
            dx, dy = cx - self.centre[0], cy - self.centre[1]
            offset = (float(np.hypot(dx, dy)), bearing(dx, dy))
        return Where(
            sectors=names,
            facility=facility,
            facility_text=self.kind_texts.get(facility, "") if facility else "",
            place=self.place_of[k],
            offset=offset,
        )

    def _facilities(self, found: Sequence[Mapping[str, Any]]) -> list[str]:
        """The kind of facility most located events of each place problem lie next to."""
        out = [""] * len(found)
        if self.tree is None:
            return out
        place = [k for k, f in enumerate(found) if f["kind"] == "place"]
        pts_idx = [f["members"][self.located[f["members"]]] for f in (found[k] for k in place)]
        if not pts_idx:
            return out
        allp = np.concatenate(pts_idx)
        near = self._nearest_facility(allp)
        bounds = np.cumsum([0] + [len(x) for x in pts_idx])
        for k, a, b in zip(place, bounds[:-1], bounds[1:], strict=True):
            hits = near[a:b]
            hits = hits[hits >= 0]
            n_pts = b - a
            if n_pts == 0 or len(hits) < self.search.facility_share * n_pts:
                continue
            counts = pd.Series(self.kinds[hits]).value_counts()
            out[k] = str(counts.index[0])
        return out

    def _nearest_facility(self, pos: np.ndarray) -> np.ndarray:
        """The nearest facility within ``facility_m`` of the incidents at ``pos`` (-1: none).

        Asked once per distinct position: an incident in several problems, or many
        incidents at one address, cost one query.
        """
        import shapely

        xy = np.column_stack([self.x[pos], self.y[pos]])  # located points: one row each
        # each (x, y) read as one complex number: np.unique(axis=0) sorts rows 6x slower
        key = np.ascontiguousarray(xy, dtype="float64").view(np.complex128).ravel()
        uniq, first, back = np.unique(key, return_index=True, return_inverse=True)
        at = pos[first]  # one point made per distinct position
        i, j = self.tree.query_nearest(
            shapely.points(self.x[at], self.y[at]),
            max_distance=self.search.facility_m,
            all_matches=False,
        )
        found = np.full(len(uniq), -1, dtype="int64")
        found[i] = j
        return found[np.ravel(back)]

    # -- one problem -----------------------------------------------------------------
    def _sectors(
        self, kind: str, idx: np.ndarray, cell_sectors: Sequence[str] = ()
    ) -> tuple[str, ...]:
        """A problem's sectors: an area's; all; or a place's (its cells', and most events').

        A place's sectors are those of its cells and those holding a fifth of
        its events, most events first.
        """
        if kind == "place":
            vals, cnt = _by_count(self.sec_codes[idx], self.sec_names)
            share = cnt / cnt.sum() if len(cnt) else cnt
            sects = [v for v, sh in zip(vals, share, strict=True) if sh >= 0.2]
            sects += [c for c in vals if c in cell_sectors and c not in sects]
            sects += [c for c in cell_sectors if c not in sects]
            return tuple(sects) or tuple(vals[:1])
        if kind == "area":
            sc = np.unique(self.sec_codes[idx])
            return tuple(sorted(self.sec_names[c] for c in sc if c >= 0))
        return self.sector_ids

    def _population(self, kind: str, sects: Sequence[str]) -> float:
        if kind == "municipality":
            return self.pop_total
        pv = np.asarray([self.pop_of.get(x, np.nan) for x in sects], dtype="float64")
        # total_population of these few values, without a Series per problem
        total = float(pv[pv > 0].sum()) if (pv > 0).any() else np.nan
        return total if total > 0 else np.nan  # NaN when none of them has residents

    def _concern(
        self, kind: str, categories: Sequence[str], sects: Sequence[str]
    ) -> tuple[float, list[str]]:
        """Share of respondents naming a concern the problem's categories answer to; the codes."""
        codes = sorted({str(self.tax_concern.get(c, "")) for c in categories} - {"", "nan"})
        ct = self.concern
        if ct is None or not codes:
            return np.nan, codes
        if kind == "municipality":
            rows_s = [self.ct_pos["*"]]
        else:
            rows_s = [self.ct_pos[x] for x in sects if x in self.ct_pos]
        if not rows_s:
            return np.nan, codes
        resp = self.ct_resp[rows_s]
        vals = [
            float(np.nansum(ct[f"concern_{cc}"].to_numpy()[rows_s] * resp) / max(resp.sum(), 1))
            for cc in codes
        ]
        return max(vals), codes

    def _counts(self, idx: np.ndarray, kind: str = "area") -> dict[str, Any]:
        """Counts, span, months with events and trend of one problem's events."""
        n = len(idx)
        ts = self.start[idx]
        years, ycount = np.unique(self.year[idx], return_counts=True)
        if n:
            t_min, t_max = pd.Timestamp(ts.min()), pd.Timestamp(ts.max())
            span_years = max((t_max - t_min).days / 365.25, 1.0)
        else:
            t_min = t_max = pd.NaT
            span_years = 1.0
        months_with = len(np.unique(self.month_key[idx]))
        months_total = max(int(round(span_years * 12)), 1)
        return {
            "n": n,
            "span_years": span_years,
            "counts_by_year": ";".join(f"{y}:{c}" for y, c in zip(years, ycount, strict=True)),
            "months_with_events": f"{months_with}/{months_total}",
            "trend": self.trend(ts, t_min, t_max, kind),
        }

    def describe(self, k: int, f: Mapping[str, Any]) -> dict[str, Any]:
        """The register row of problem ``k`` (after :meth:`prepare`)."""
        idx = f["members"]
        kind = f["kind"]
        categories = tuple(_by_count(self.cat_codes[idx], self.cat_names)[0])
        families = tuple(_by_count(self.fam_codes[idx], self.fam_names)[0])
        sects = self._sectors(kind, idx, f.get("cell_sectors", ()))
        r = self.problem_rows[k]
        sig = _signature(*self._weekday_hour(r), self.a_w[r], self.shift_sums[k])
        where = self.where(k, kind, sects)
        c = self._counts(idx, kind)
        n, span_years, trow = c["n"], c["span_years"], c["trend"]
        pop_s = self._population(kind, sects)
        w = self.w[idx]
        concern_share, concern_codes = self._concern(kind, categories, sects)
        pop_total = self.pop_total
        rec = {
            "problem_id": _problem_id(kind, families, categories, sects, f["geometry"]),
            "kind": kind,
            "title_fr": _title(categories, families, sig, where, kind, "fr", self.tax_labels),
            "title_en": _title(categories, families, sig, where, kind, "en", self.tax_labels),
            "sectors": sects,
            "categories": categories,
            "families": families,
            "n_incidents": int(n),
            # under a year of data, a yearly figure would be a season's: none
            "per_year": float(n / span_years)
            if self.data_years >= schema.MIN_YEARS_ANNUAL
            else np.nan,
            "counts_by_year": c["counts_by_year"],
            "months_with_events": c["months_with_events"],
            "located_share": float(1 - self.geom_na[idx].mean()) if n else 0.0,
            "population": pop_s,
            "rate": float(n / span_years / pop_total * 1000) if pop_total > 0 else np.nan,
            "local_rate": float(n / span_years / pop_s * 1000) if pop_s > 0 else np.nan,
            "dominant_shift": sig["dominant_shift"],
            "shift_share": sig["shift_share"],
            "week_part": sig["week_part"],
            "weekend_share": sig["weekend_share"],
            "peak_hours": sig["peak_hours"],
            "peak_days": ";".join(str(d) for d in sig["peak_days"]),
            **_trend_fields(trow),
            "severity": float(w.mean()) if len(w) else np.nan,
            "weighted": float(w.sum()),
            "hotspot_z": f["hotspot_z"],
            "concern": concern_share,
            "concern_codes": ";".join(concern_codes),
            "facility": where.facility,
            "vulnerability": np.nan,
            "sara_stage": "analysis",
            "excluded": False,
            "notes": "",
            "geometry": f["geometry"],
        }
        for lang in ("fr", "en"):  # texts the analyst edits, in both languages
            rec.update({f"{k}_{lang}": v for k, v in _cheers(rec, lang).items()})
        return rec

    def _pooled_variance(
        self, windows: tuple[Any, ...], families: bool = False
    ) -> tuple[float, float]:
        """The year-to-year variance pooled over sector × family groups (or families), its df.

        Over the complete windows before the last (:func:`~.trend.year_to_year_variance`),
        computed once per set of windows.
        """
        if (windows, families) in self._pooled:
            return self._pooled[windows, families]
        end_ts, w1, _, _, k = windows
        edges = np.array(
            [np.datetime64(end_ts - pd.DateOffset(months=self.search.trend_months * i), "us")
             for i in range(k + 2)]
        )  # fmt: skip
        # window of each incident: 0 = the last, 1 = the previous, ... k = the oldest complete
        # one ([edges[i + 1], edges[i]))
        ends = -edges.astype("int64")
        win = np.searchsorted(ends, -self.start.astype("int64"), side="left") - 1
        keep = (win >= 1) & (win <= k) & ~np.isnat(self.start)
        # one group per sector × family (or family), a missing code its own: all ≥ 0
        width = len(self.fam_names) + 1
        sectors = 0 if families else self.sec_codes.astype("int64") + 1
        groups = sectors * width + self.fam_codes.astype("int64") + 1
        size = (len(self.sec_names) + 1) * width
        cells = np.bincount(groups[keep] * k + (win[keep] - 1), minlength=size * k)
        history = cells.reshape(size, k).astype("float64")
        history = history[history.sum(axis=1) > 0]  # the groups that have events
        _, pooled = year_to_year_variance(history) if len(history) else (None, 0.0)
        df = (k - 2 + PRIOR_WINDOWS) ** 2 / (k - 2) if k > 2 else np.inf
        self._pooled[windows, families] = (float(pooled), float(df))
        return self._pooled[windows, families]

    def trend(
        self, ts: np.ndarray, t_min: Any, t_max: Any, kind: str = "area"
    ) -> dict[str, Any] | None:
        """``change(sub, by=one group, min_events=10, adjust=None)`` of one problem's events."""
        search = self.search
        key = (t_min.normalize(), t_max.normalize()) if search.end is None else t_min.normalize()
        if key not in self._windows:
            self._windows[key] = _change_windows(t_min, t_max, search.end, search.trend_months)
        end_ts, w1, w0, b0, k = self._windows[key]
        e, a1, a0, b = (np.datetime64(x) for x in (end_ts, w1, w0, b0))
        last = int(((ts >= a1) & (ts < e)).sum())
        previous = int(((ts >= a0) & (ts < a1)).sum())
        base = int(((ts >= b) & (ts < a1)).sum())
        if last == 0 and previous == 0 and base == 0:
            return None
        # the test of step 1's change table (quasi-Poisson on the log ratio, a t), with the
        # year-to-year variance pooled over groups of the problem's scale (the families for
        # a problem of the whole municipality, sector × family otherwise): not a Poisson test
        # that calls "significant" what the change table calls usual variation
        a_pool, df = self._pooled_variance(self._windows[key], kind == "municipality")
        var = 1 / (last + 0.5) + 1 / (previous + 0.5) + 2 * a_pool
        p = float(_quasi_p(np.array([np.log((last + 0.5) / (previous + 0.5))]), var, df)[0])
        enough = (last + previous) >= search.trend_min_events
        month = pd.DateOffset(months=1)
        if t_min >= w0 + month or t_max < end_ts - month:  # the data do not span both windows
            label, p = "not_covered", np.nan
        elif not enough:
            label = "too_few"
        elif p < search.alpha:
            label = "significant_rise" if last > previous else "significant_fall"
        else:
            label = "stable"
        ratio = last / previous if previous > 0 else np.nan
        return {"last": last, "previous": previous, "ratio": ratio, "p_value": p, "label": label}


def _trend_fields(trow: Mapping[str, Any] | None) -> dict[str, Any]:
    """The trend columns of a register row (``too_few`` when the problem has no event in them)."""
    if trow is None:
        return {
            "last_12": 0,
            "previous_12": 0,
            "trend_ratio": np.nan,
            "trend_p": np.nan,
            "trend_label": "too_few",
        }
    return {
        "last_12": int(trow["last"]),
        "previous_12": int(trow["previous"]),
        "trend_ratio": float(trow["ratio"]),
        "trend_p": float(trow["p_value"]),
        "trend_label": str(trow["label"]),
    }


def _problem_id(
    kind: str,
    families: Sequence[str],
    categories: Sequence[str],
    sects: Sequence[str],
    geometry: Any,
    digits: int = 6,
) -> str:
    """A stable id: a hash of the kind, families, categories, sectors (and a place's centroid).

    ``digits`` hexadecimal digits of the hash (see :func:`distinct_problem_ids`).
    """
    cats = "+".join(sorted(categories)) if kind != "place" else ""
    secs = "+".join(sorted(sects)) if kind != "municipality" else ""
    key = f"{kind}|{'+'.join(sorted(families))}|{cats}|{secs}"
    if kind == "place":
        c = geometry.centroid
        key += f"|{round(c.x, -2):.0f},{round(c.y, -2):.0f}"
    return "PB-" + hashlib.sha1(key.encode()).hexdigest()[:digits]


LONG_ID_DIGITS = 12
"""Hexadecimal digits of the id of a problem whose six-digit id another problem has."""


def distinct_problem_ids(rows: list[dict[str, Any]]) -> None:
    """Make the ``problem_id`` of the register ``rows`` distinct, in place.

    Six hexadecimal digits (16.7 million ids) are short enough to read and to
    quote, but not distinct at a province's scale: thousands of problems share one
    now and then (at 8,000 problems, about two pairs are expected). Each problem
    keeps its six-digit id unless another has it too; those take twelve digits of
    the same hash, and problems whose description is the same (identical keys: the
    same kind, families, sectors and centroid to 100 m) then take ``-2``, ``-3``…
    in the order of their incidents (most first, then their centroid). An id never
    changes for a problem that shares it with none, so follow-ups still find them.

    Examples
    --------
    >>> import shapely
    >>> one = {"kind": "sector", "families": ("property",), "categories": ("theft",),
    ...        "sectors": ("A",), "geometry": shapely.Point(0, 0), "n_incidents": 9}
    >>> rows = [dict(one, problem_id="PB-000000"), dict(one, problem_id="PB-000000"),
    ...         dict(one, sectors=("B",), problem_id="PB-111111")]
    >>> distinct_problem_ids(rows)
    >>> [r["problem_id"] for r in rows]
    ['PB-0c55b5465e2c', 'PB-0c55b5465e2c-2', 'PB-111111']
    """
    ids = [r["problem_id"] for r in rows]
    counts = Counter(ids)
    shared = [k for k, r in enumerate(rows) if counts[ids[k]] > 1]
    if not shared:
        return
    for k in shared:
        r = rows[k]
        r["problem_id"] = _problem_id(
            r["kind"],
            r["families"],
            r["categories"],
            r["sectors"],
            r["geometry"],
            digits=LONG_ID_DIGITS,
        )
    groups: dict[str, list[int]] = {}
    for k in shared:
        groups.setdefault(rows[k]["problem_id"], []).append(k)
    for same in groups.values():
        if len(same) < 2:
            continue
        same.sort(key=lambda k: (-int(rows[k]["n_incidents"]), *_centre(rows[k]["geometry"])))
        for n, k in enumerate(same[1:], start=2):
            rows[k]["problem_id"] = f"{rows[k]['problem_id']}-{n}"


def _centre(geometry: Any) -> tuple[float, float]:
    """A geometry's centroid (``inf`` when it has none), to order identical problems."""
    if geometry is None or geometry.is_empty:
        return (np.inf, np.inf)
    c = geometry.centroid
    return (float(c.x), float(c.y))
