"""The province's tables: the forces' incidents and sectors in one namespace, sums over the cube.

Each force keeps its own sector ids; in the province they are written
``<force>/<sector>`` (:data:`SEP`), and an incident without a sector is
``<force>/`` (it is still the force's). The province's count cube is keyed on
those names, so :func:`forces_cube` turns it into a cube of forces
(:func:`diagnostic_lib.cube.regroup`: rows summed, nothing re-read) and the
rates of :func:`diagnostic_lib.inventory.volume.rates` apply as they are.

Examples
--------
>>> import pandas as pd
>>> force_of(pd.Series(["F01/S0001", "F01/", "F02/S0001", None])).tolist()
['F01', 'F01', 'F02', None]
"""

from __future__ import annotations

from types import SimpleNamespace
from typing import Any

import geopandas as gpd
import numpy as np
import pandas as pd
import shapely

from .. import cube
from ..cube.partitions import contract_table
from ..inventory import volume

SEP: str = "/"
"""Between a force's id and its own sector id."""

PROVINCE: str = "*"
"""The ``sector`` of the whole province's rows (as the municipality's in ``volume.rates``)."""


def force_incidents(incidents: pd.DataFrame, force: str) -> pd.DataFrame:
    """A force's canonical incidents as the cube's input contract, sectors named in the province.

    Parameters
    ----------
    incidents : GeoDataFrame
        The force's canonical incidents (``loaders.load_diagnostic(...).incidents``).
    force : str
        The force's id.

    Returns
    -------
    DataFrame
        The columns of :data:`diagnostic_lib.cube.COLUMNS` (``x, y`` from the
        points), ``sector`` as ``<force>/<sector>`` (``<force>/`` without one).

    Examples
    --------
    >>> import geopandas as gpd, shapely
    >>> inc = gpd.GeoDataFrame({"occurred_from": pd.to_datetime(["2024-01-05", "2024-02-01"]),
    ...     "sector": ["S1", None], "category": "theft"},
    ...     geometry=[shapely.Point(3, 4), None])
    >>> force_incidents(inc, "F01")[["x", "sector"]].values.tolist()
    [[3.0, 'F01/S1'], [nan, 'F01/']]
    """
    table = contract_table(incidents)
    sector = table["sector"].astype("str")  # Arrow-backed text: the prefix is one vector operation
    table["sector"] = (force + SEP) + sector.fillna("")
    return table


def force_sectors(
    sectors: pd.DataFrame, force: str, name: str, period: tuple[Any, Any] = (None, None)
) -> pd.DataFrame:
    """A force's sectors named in the province, with the force's id, name and period.

    ``period`` is the first and last day the force's data cover (its config's
    ``period_start`` and ``period_end``, else its first and last incident): a year
    it does not cover whole gets no rate (:func:`by_force`, :func:`by_family`).

    Examples
    --------
    >>> import geopandas as gpd, shapely
    >>> s = gpd.GeoDataFrame({"sector_id": ["S1"], "name": ["Centre"], "population": [100.0]},
    ...     geometry=[shapely.box(0, 0, 1, 1)])
    >>> force_sectors(s, "F01", "Ville")[["sector_id", "force", "force_name"]].values.tolist()
    [['F01/S1', 'F01', 'Ville']]
    """
    out = sectors[[c for c in ("sector_id", "name", "population", "geometry") if c in sectors]]
    out = out.copy()
    out["sector_id"] = out["sector_id"].astype(str).radd(force + SEP)
    out["force"] = force
    out["force_name"] = name
    out["period_start"] = pd.Timestamp(period[0]) if period[0] is not None else pd.NaT
    out["period_end"] = pd.Timestamp(period[1]) if period[1] is not None else pd.NaT
    return out


def force_of(values: pd.Series) -> pd.Series:
    """The force of each province sector name (``<force>/<sector>``); missing stays missing.

    Examples
    --------
    >>> force_of(pd.Series(["F01/S0001", None])).tolist()
    ['F01', None]
    """
    forces = [v.split(SEP, 1)[0] if isinstance(v, str) else None for v in values]
    return pd.Series(forces, index=values.index, dtype=object)


def forces_cube(c: cube.Cube, sectors: pd.DataFrame | None = None) -> cube.Cube:
    """The province's cube with each sector replaced by its force (counts summed).

    With the province's ``sectors`` (:func:`force_sectors`: ``sector_id``,
    ``force``, ``population``), the incidents a force's rate must leave out are
    kept apart, under ``<force>/``: when only some of a force's sectors have a
    known population, the incidents of the others and those without a sector,
    as in the force's own report (:func:`diagnostic_lib.inventory.volume.rates`).
    :func:`province_rates` adds them back to the force's count, not to its rate.

    Examples
    --------
    >>> import pandas as pd
    >>> from diagnostic_lib.cube import Cube, canonical_counts, canonical_hours
    >>> c = Cube(canonical_counts(pd.DataFrame({"cell": 0, "sector": ["F1/A", "F1/", "F2/A"],
    ...     "category": "theft", "family": "property", "shift": "jour",
    ...     "month": pd.Timestamp("2024-01-01"), "day": pd.NaT, "count": [2, 3, 4]})),
    ...     canonical_hours(pd.DataFrame({"sector": ["F1/A"], "category": "theft",
    ...     "family": "property", "shift": "jour", "how": [9], "count": [2], "count_hour": [1]})))
    >>> cube.rollup(forces_cube(c), ["sector"]).values.tolist()
    [['F1', 5], ['F2', 4]]
    """
    names = pd.Series(pd.Categorical(c.counts["sector"]).categories, dtype=object)
    hours = pd.Series(pd.Categorical(c.hours["sector"]).categories, dtype=object)
    both = pd.concat([names, hours], ignore_index=True).drop_duplicates()
    mapping = dict(zip(both, force_of(both), strict=True))
    if sectors is not None:
        counted, partial = _counted_sectors(sectors)
        for name, force in mapping.items():
            if force in partial and name not in counted:
                mapping[name] = force + SEP
    return cube.regroup(c, "sector", mapping)


def _counted_sectors(sectors: pd.DataFrame) -> tuple[set[str], set[str]]:
    """The sectors with a known population, and the forces of which only some sectors have one."""
    known = pd.to_numeric(sectors["population"], errors="coerce").gt(0).to_numpy()
    force = sectors["force"].astype(str).to_numpy()
    some = set(force[known])
    partial = some & set(force[~known])
    return set(sectors["sector_id"].astype(str).to_numpy()[known]), partial


def forces_table(sectors: pd.DataFrame) -> pd.DataFrame:
    """One row per force as a "sector" of the province: ``sector_id`` (the force), name, population.

    ``population`` is that of the force's sectors whose population is known; a
    force with none has none (NaN, never 0). ``sectors`` counts the force's
    sectors, ``sectors_counted`` those with a known population (the force's rate
    counts only their incidents when some lack one: :func:`forces_cube`).

    Examples
    --------
    >>> s = pd.DataFrame({"force": ["F1", "F1", "F2"], "force_name": ["A", "A", "B"],
    ...     "population": [10.0, 5.0, float("nan")]})
    >>> forces_table(s).values.tolist()
    [['F1', 'A', 15.0, 2, 2], ['F2', 'B', nan, 1, 0]]
    """
    known = pd.to_numeric(sectors["population"], errors="coerce").where(lambda p: p > 0)
    g = sectors.assign(_known=known, _counted=known.notna()).groupby("force", sort=True)
    out = pd.DataFrame(
        {
            "sector_id": list(g.groups),
            "name": g["force_name"].first().to_numpy(),
            "population": g["_known"].sum(min_count=1).to_numpy(dtype=float),
            "sectors": g.size().to_numpy(dtype="int64"),
            "sectors_counted": g["_counted"].sum().to_numpy(dtype="int64"),
        }
    )
    for k in ("period_start", "period_end"):
        if k in sectors.columns:
            out[k] = g[k].first().to_numpy()
    return out


def covered_years(forces: pd.DataFrame, years: Any) -> pd.DataFrame:
    """Whether each force's data cover each year whole (forces × years of booleans).

    A force without a known period (no ``period_start``/``period_end`` columns, or
    missing values) is taken to cover every year.

    Examples
    --------
    >>> f = pd.DataFrame({"sector_id": ["F1", "F2"],
    ...     "period_start": pd.to_datetime(["2022-01-01", "2024-07-01"]),
    ...     "period_end": pd.to_datetime(["2025-12-31", "2025-12-31"])})
    >>> covered_years(f, [2024, 2025]).values.tolist()
    [[True, True], [False, True]]
    """
    return _years(forces, years, whole=True)


def years_touched(forces: pd.DataFrame, years: Any) -> pd.DataFrame:
    """Whether each force's data cover at least part of each year (forces × years of booleans).

    A year a force's data do not reach at all has no count for it (not 0: nothing
    was recorded because there are no data). A force without a known period is
    taken to reach every year.

    Examples
    --------
    >>> f = pd.DataFrame({"sector_id": ["F1", "F2"],
    ...     "period_start": pd.to_datetime(["2015-01-01", "2024-07-01"]),
    ...     "period_end": pd.to_datetime(["2018-03-31", "2025-12-31"])})
    >>> years_touched(f, [2018, 2024]).values.tolist()
    [[True, False], [False, True]]
    """
    return _years(forces, years, whole=False)


def _years(forces: pd.DataFrame, years: Any, whole: bool) -> pd.DataFrame:
    """Forces × years: the force's period covers the year whole (``whole``), or touches it."""
    years = [int(y) for y in years]
    ids = forces["sector_id"].astype(str).to_numpy()
    out = pd.DataFrame(True, index=pd.Index(ids, name="force"), columns=years)
    if not {"period_start", "period_end"} <= set(forces.columns):
        return out
    start = pd.to_datetime(forces["period_start"]).to_numpy()
    end = pd.to_datetime(forces["period_end"]).to_numpy()
    for y in years:
        first, last = np.datetime64(f"{y}-01-01"), np.datetime64(f"{y}-12-31")
        begins, ends = (first, last) if whole else (last, first)
        out[y] = (np.isnat(start) | (start <= begins)) & (np.isnat(end) | (end >= ends))
    return out


def _rated(forces: pd.DataFrame) -> pd.DataFrame:
    """The forces the province's rate counts: those with a known population."""
    return forces[pd.to_numeric(forces["population"], errors="coerce").gt(0).to_numpy()]


def last_full_year(c: cube.Cube) -> int | None:
    """The last calendar year whose twelve months are all in the cube (None when there is none).

    Examples
    --------
    >>> from diagnostic_lib.cube import Cube, canonical_counts, canonical_hours
    >>> months = pd.date_range("2023-01-01", "2024-06-01", freq="MS")
    >>> hours = pd.DataFrame({k: [] for k in (*cube.HOUR_KEYS, "count", "count_hour")})
    >>> c = Cube(canonical_counts(pd.DataFrame({"cell": 0, "sector": "A", "category": "x",
    ...     "family": "property", "shift": "jour", "month": months, "day": pd.NaT, "count": 1})),
    ...     canonical_hours(hours))
    >>> last_full_year(c)
    2023
    """
    months = pd.DatetimeIndex(c.counts["month"].dropna().unique())
    if not len(months):
        return None
    per_year = pd.Series(months.month, index=months.year).groupby(level=0).nunique()
    full = per_year[per_year == 12]
    return int(full.index.max()) if len(full) else None


def province_rates(
    fc: cube.Cube, forces: pd.DataFrame, by: str | None = None, **options: Any
) -> pd.DataFrame:
    """Counts and rates per force (and for the whole province, sector ``"*"``) by group and period.

    Parameters
    ----------
    fc : Cube
        The cube of forces (:func:`forces_cube` of the province's cube): made
        once, it serves every table.
    forces : DataFrame
        :func:`forces_table`.
    by : {"category", "family", None}
    **options
        Passed to :func:`diagnostic_lib.inventory.volume.rates` (``period``,
        ``per``, ``level``).

    Returns
    -------
    DataFrame
        As :func:`~diagnostic_lib.inventory.volume.rates`, ``sector`` being the
        force, with ``counted``: the incidents the rate counts. ``count`` is
        all the force's incidents; where only some of its sectors have a known
        population, its rate counts only theirs (``counted`` is less), and so does
        the province's.

    Examples
    --------
    >>> fc, forces = _example()
    >>> province_rates(fc, forces, period=None)[["sector", "count", "rate"]].values.tolist()
    [['F1', 5, 5.0], ['F2', 4, 8.0], ['*', 9, 6.0]]
    """
    apart = [f + SEP for f in forces.loc[_partial(forces), "sector_id"].astype(str)]
    rows = forces
    if apart:  # what the partial forces' rates leave out: rows of their own, with no population
        extra = forces[_partial(forces)].assign(sector_id=apart, population=np.nan)
        rows = pd.concat([forces, extra], ignore_index=True)
    out = volume.rates(fc, rows, by=by, **options)
    out["counted"] = out["count"].to_numpy(dtype="int64")
    keys = ["group", "period"]
    if apart:
        left = out["sector"].isin(apart).to_numpy()
        out_left = out[left].assign(sector=out.loc[left, "sector"].str[: -len(SEP)])
        more = out_left.set_index(["sector", *keys])["count"]
        out = out[~left].reset_index(drop=True)
        index = pd.MultiIndex.from_frame(out[["sector", *keys]])
        out["count"] = out["count"].to_numpy() + more.reindex(index, fill_value=0).to_numpy()
    # the province's rate counts the incidents of the forces' counted sectors only
    whole = (out["sector"] == PROVINCE).to_numpy()
    populated = ~whole & (out["population"] > 0).to_numpy()
    inside = out[populated].groupby(keys, dropna=False)["counted"].sum()
    at = pd.MultiIndex.from_frame(out.loc[whole, keys])
    out.loc[whole, "counted"] = inside.reindex(at, fill_value=0).to_numpy()
    return out


def _partial(forces: pd.DataFrame) -> np.ndarray:
    """The forces of which some sectors have a known population and others not."""
    if not {"sectors", "sectors_counted"} <= set(forces.columns):
        return np.zeros(len(forces), dtype=bool)
    counted = forces["sectors_counted"].to_numpy()
    return (counted > 0) & (counted < forces["sectors"].to_numpy())


def by_force(fc: cube.Cube, forces: pd.DataFrame, year: int | None) -> pd.DataFrame:
    """Counts and rates per force in ``year`` (the whole period when ``None``), the province last.

    ``fc`` is the cube of forces (:func:`forces_cube`).

    Returns
    -------
    DataFrame
        ``sector`` (the force, ``"*"`` for the province), ``name, population,
        count, counted, rate, rate_low, rate_high, covers_year`` (``counted``: the
        incidents in the rate, see :func:`province_rates`): a force whose data do not
        cover the year whole (:func:`covered_years`) keeps its count but has no rate,
        and then neither has the province (its population would count residents
        whose incidents are missing).

    Examples
    --------
    >>> fc, forces = _example()
    >>> by_force(fc, forces, 2024)[["sector", "count"]].values.tolist()
    [['F1', 5], ['F2', 4], ['*', 9]]
    """
    rates = province_rates(fc, forces, period="year" if year is not None else None)
    if year is not None:
        rates = rates[rates["period"] == year]
    whole = (rates["sector"] == PROVINCE).to_numpy()
    rates = pd.concat([rates[~whole], rates[whole]], ignore_index=True)
    columns = ["sector", "name", "population", "count", "counted", "rate", "rate_low", "rate_high"]
    rates = rates[columns]
    if year is None:
        return rates.assign(covers_year=True)
    cover = covered_years(forces, [year])[year]
    ok = rates["sector"].map(cover).astype("boolean")
    # the province's rate: only the forces it counts (with residents) must cover the year
    ok[rates["sector"] == PROVINCE] = bool(cover.reindex(_rated(forces)["sector_id"]).all())
    ok = ok.fillna(True).astype(bool).to_numpy()
    rates = rates.assign(covers_year=ok)
    rates.loc[~ok, ["rate", "rate_low", "rate_high"]] = np.nan  # a part of the year: no rate
    touched = rates["sector"].map(years_touched(forces, [year])[year]).fillna(True)
    none = ~touched.astype(bool).to_numpy()
    if none.any():  # no data at all that year: no count either (not 0)
        rates["count"] = rates["count"].astype("float64")
        rates["counted"] = rates["counted"].astype("float64")
        rates.loc[none, ["count", "counted"]] = np.nan
    return rates


def by_family(fc: cube.Cube, forces: pd.DataFrame) -> pd.DataFrame:
    """The whole province's counts and rates by crime family and year, and each year's total.

    ``fc`` is the cube of forces (:func:`forces_cube`).

    Returns
    -------
    DataFrame
        ``group`` (the family; ``"*"`` for the year's total, last), ``period``
        (the year), ``count, rate, rate_low, rate_high, covers_year``; a year that
        some force's data do not cover whole has counts but no rates. With its totals the
        table is closed under subtraction: a public version can hide what would
        give a small count away (:func:`diagnostic_lib.report.public_frame`).

    Examples
    --------
    >>> fc, forces = _example()
    >>> by_family(fc, forces)[["group", "period", "count"]].values.tolist()
    [['property', 2024, 9], ['*', 2024, 9]]
    """
    columns = ["group", "period", "count", "rate", "rate_low", "rate_high"]
    families = province_rates(fc, forces, by="family", period="year")
    total = province_rates(fc, forces, by=None, period="year").assign(group=PROVINCE)
    parts = [r[r["sector"] == PROVINCE][columns] for r in (families, total)]
    out = pd.concat(parts, ignore_index=True)
    years = out["period"].dropna().unique()
    every = covered_years(_rated(forces), years).all()
    ok = out["period"].map(every).fillna(True).astype(bool).to_numpy()
    out.loc[~ok, ["rate", "rate_low", "rate_high"]] = np.nan  # some force's data missing
    # a family none of the forces of that year records (their exports do not have it): no count
    per_force = families[families["sector"] != PROVINCE]
    records = per_force.groupby(["sector", "group"])["count"].sum().gt(0)
    touched = years_touched(forces, years)
    recorded = np.ones(len(out), dtype=bool)
    for i, (group, period) in enumerate(zip(out["group"], out["period"], strict=True)):
        if group == PROVINCE or pd.isna(period):
            continue
        active = touched.index[touched[int(period)].to_numpy()]
        recorded[i] = bool(records.reindex([(f, group) for f in active], fill_value=False).any())
    if not recorded.all():
        out["count"] = out["count"].astype("float64")
        out.loc[~recorded, ["count", "rate", "rate_low", "rate_high"]] = np.nan
    return out.assign(covers_year=ok, recorded=recorded)


def unrecorded_families(fc: cube.Cube, forces: pd.DataFrame) -> pd.DataFrame:
    """The crime families some force records and another never does (its export lacks them).

    The province's count of such a family leaves that force out (e.g. an open-data
    export that publishes six categories only): read with care, which the page says.

    Returns
    -------
    DataFrame
        ``force, family``, one row per family a force does not record.

    Examples
    --------
    >>> fc, forces = _example()
    >>> unrecorded_families(fc, forces).values.tolist()
    []
    """
    per = cube.rollup(fc, ["sector", "family"])
    per = per[per["count"] > 0]
    per = per.assign(sector=per["sector"].astype(str).str.rstrip(SEP))
    ids = forces["sector_id"].astype(str)
    families = sorted(per["family"].dropna().astype(str).unique())
    has = set(zip(per["sector"], per["family"].astype(str), strict=True))
    rows = [(f, fam) for f in ids for fam in families if (f, fam) not in has]
    return pd.DataFrame(rows, columns=["force", "family"])


def covered_sector_rates(c: cube.Cube, sectors: pd.DataFrame, forces: pd.DataFrame) -> pd.DataFrame:
    """Every sector's counts and rates per year, only the years its force's data cover whole.

    A year outside a force's data would count 0 incidents for its sectors and pull
    their mean annual rate down (the map's); a part-year would too.

    Examples
    --------
    >>> p = _example_province()
    >>> covered_sector_rates(_example_cube(), p.sectors, p.forces)["count"].tolist()
    [2, 4]
    """
    rates = volume.rates(c, sectors, by=None, period="year", municipality=False)
    force = force_of(rates["sector"].astype(object))
    years = rates["period"].dropna().unique()
    cover = covered_years(forces, years).stack()
    ok = pd.MultiIndex.from_arrays([force, rates["period"].astype(int)]).map(cover.to_dict().get)
    keep = pd.Series(ok, index=rates.index).fillna(True).astype(bool).to_numpy()
    return rates[keep].reset_index(drop=True)


OVERLAP_MIN_SHARE: float = 0.005
"""Share of the smaller territory two forces must share to be said to overlap (½ %)."""


def territory_overlaps(sectors: pd.DataFrame) -> pd.DataFrame:
    """The pairs of forces whose territories overlap, and by how much.

    Two forces' sectors should not cover the same ground: an incident there could
    be in both forces' data, and the map draws one force over the other. It
    happens when a force is listed twice under two ids, or when a force's
    coordinates are read in the wrong system. Slivers along a shared border
    (less than :data:`OVERLAP_MIN_SHARE` of the smaller territory) are not counted.

    Parameters
    ----------
    sectors : GeoDataFrame
        The province's sectors (``force`` and ``geometry``, a metric CRS).

    Returns
    -------
    DataFrame
        ``force_a, force_b, area_km2, share`` (of the smaller territory), largest first.

    Examples
    --------
    >>> s = gpd.GeoDataFrame({"force": ["A", "B", "C"]}, crs="EPSG:32188",
    ...     geometry=[shapely.box(0, 0, 2000, 2000), shapely.box(1000, 0, 3000, 2000),
    ...               shapely.box(3000, 0, 4000, 1000)])
    >>> territory_overlaps(s).values.tolist()
    [['A', 'B', 2.0, 0.5]]
    """
    columns = ["force_a", "force_b", "area_km2", "share"]
    geoms = np.asarray(sectors.geometry.array, dtype=object)
    force = sectors["force"].astype(str).to_numpy()
    ids = sorted(set(force))
    union = np.array(
        [shapely.union_all(shapely.make_valid(geoms[force == f])) for f in ids], dtype=object
    )
    tree = shapely.STRtree(union)
    left, right = tree.query(union, predicate="intersects")
    pairs = [(a, b) for a, b in zip(left, right, strict=True) if a < b]
    rows = []
    for a, b in pairs:
        area = float(shapely.area(shapely.intersection(union[a], union[b])))
        smaller = float(min(shapely.area(union[a]), shapely.area(union[b])))
        share = area / smaller if smaller > 0 else 0.0
        if share >= OVERLAP_MIN_SHARE:
            rows.append((ids[a], ids[b], area / 1e6, share))
    out = pd.DataFrame(rows, columns=columns)
    return out.sort_values("area_km2", ascending=False, ignore_index=True)


def _example() -> tuple[cube.Cube, pd.DataFrame]:
    """A cube of two forces and their table (the docstrings' examples)."""
    c = _example_cube()
    sectors = pd.DataFrame(
        {"force": ["F1", "F2"], "force_name": ["Un", "Deux"], "population": [1000.0, 500.0]}
    )
    return forces_cube(c), forces_table(sectors)


def _example_cube() -> cube.Cube:
    return cube.Cube(
        cube.canonical_counts(
            pd.DataFrame(
                {
                    "cell": 0,
                    "sector": ["F1/A", "F1/", "F2/A"],
                    "category": "theft",
                    "family": "property",
                    "shift": "jour",
                    "month": pd.Timestamp("2024-01-01"),
                    "day": pd.NaT,
                    "count": [2, 3, 4],
                }
            )
        ),
        cube.canonical_hours(
            pd.DataFrame({k: [] for k in (*cube.HOUR_KEYS, "count", "count_hour")})
        ),
    )


def _example_province() -> SimpleNamespace:
    """What a province run holds, for two forces of one sector each (the page's examples)."""
    fc, forces = _example()
    sectors = gpd.GeoDataFrame(
        {"sector_id": ["F1/A", "F2/A"], "name": ["A", "A"], "population": [1000.0, 500.0]},
        geometry=[shapely.box(0, 0, 1000, 1000), shapely.box(1000, 0, 2000, 1000)],
        crs="EPSG:32188",
    )
    by_sector = volume.rates(_example_cube(), sectors, by=None, period="year", municipality=False)
    return SimpleNamespace(
        plan=SimpleNamespace(name="Deux corps", grid_cell_m=1000.0),
        forces=forces,
        sectors=sectors,
        cube=fc,
        engine="memory",
        year=2024,
        forces_rates=by_force(fc, forces, 2024),
        family_rates=by_family(fc, forces),
        sector_rates=by_sector,
        reports={},
    )
