"""Sums over the cube: every aggregate of counts is a roll-up of its cells.

:func:`rollup` sums the counts over the keys left out; :func:`select` keeps
some values of some keys (the categories a measure targets, a window of
months); :func:`month_series` gives complete monthly series (zeros filled)
per group; :func:`cell_counts` the counts per grid cell (as
:func:`~diagnostic_lib.inventory.grid.grid_counts`) and :func:`hour_week`
the hour × weekday matrix of the starts (as
:func:`~diagnostic_lib.inventory.timing.hour_weekday` with
``use_aoristic=False``).

Examples
--------
>>> import pandas as pd
>>> from diagnostic_lib.cube.definition import Cube, canonical_counts, canonical_hours
>>> counts = canonical_counts(pd.DataFrame({"cell": [0, 1, 1], "sector": ["A", "A", "B"],
...     "category": "theft", "family": "property", "shift": "jour",
...     "month": pd.to_datetime(["2024-01-01", "2024-03-01", "2024-03-01"]),
...     "day": pd.NaT, "count": [2, 1, 4]}))
>>> c = Cube(counts, canonical_hours(pd.DataFrame({k: [] for k in
...     ("sector", "category", "family", "shift", "how", "count", "count_hour")})))
>>> rollup(c, ["sector"])["count"].tolist()
[3, 4]
>>> month_series(c, ["sector"]).query("sector == 'A'")["count"].tolist()
[2, 0, 1]
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping, Sequence
from typing import Any

import numpy as np
import pandas as pd

from .definition import (
    HOUR_COUNTS,
    HOUR_KEYS,
    KEYS,
    LABELS,
    TEXT,
    Cube,
    canonical_counts,
    canonical_hours,
)

DERIVED: tuple[str, ...] = ("year",)
"""Keys computed from the cube's own: ``year`` (of ``month``)."""


def _table(c: Cube, table: str) -> tuple[pd.DataFrame, tuple[str, ...], tuple[str, ...]]:
    if table == "counts":
        return c.counts, KEYS, ("count",)
    if table == "hours":
        return c.hours, HOUR_KEYS, HOUR_COUNTS
    raise ValueError(f"table must be 'counts' or 'hours', got {table!r}")


def rollup(c: Cube, by: Sequence[str] = (), table: str = "counts") -> pd.DataFrame:
    """Counts summed over every key not in ``by``.

    Parameters
    ----------
    c : Cube
    by : sequence of str
        Keys of the table (:data:`~.definition.KEYS` or
        :data:`~.definition.HOUR_KEYS`), and ``year`` for the counts.
        Missing values (no sector, no day, ``cell`` -1) are groups of their own.
    table : {"counts", "hours"}

    Returns
    -------
    DataFrame
        ``*by`` and the count column(s), sorted by ``by``; with ``by`` empty,
        one row of totals. The text keys are text (:data:`~.definition.TEXT`),
        not the cube's categoricals.

    Raises
    ------
    ValueError
        On an unknown key.

    Examples
    --------
    >>> import pandas as pd
    >>> from diagnostic_lib.cube.definition import Cube, canonical_counts, canonical_hours
    >>> c = Cube(canonical_counts(pd.DataFrame({"cell": [0, 1, -1], "sector": ["A", "A", None],
    ...     "category": ["theft", "fraud", "theft"], "family": "property", "shift": "jour",
    ...     "month": pd.to_datetime(["2024-01-01", "2024-03-01", "2024-03-01"]),
    ...     "day": pd.NaT, "count": [2, 1, 4]})),
    ...     canonical_hours(pd.DataFrame({"sector": ["A"], "category": "theft",
    ...     "family": "property", "shift": "jour", "how": [9], "count": [2], "count_hour": [1]})))
    >>> rollup(c, ["category"]).values.tolist()
    [['fraud', 1], ['theft', 6]]
    >>> rollup(c, ["year"]).values.tolist()
    [[2024, 7]]
    """
    df, keys, values = _table(c, table)
    by = list(by)
    unknown = [k for k in by if k not in keys and not (k in DERIVED and table == "counts")]
    if unknown:
        raise ValueError(f"unknown cube keys {unknown}; the keys are {list(keys)}")
    if not by:
        return pd.DataFrame({v: [int(df[v].sum())] for v in values})
    frame = df[[k for k in by if k in keys] + list(values)]
    if "year" in by:
        frame = frame.assign(year=df["month"].dt.year.astype("Int64"))
    out = frame.groupby(by, dropna=False, sort=True, observed=True)[list(values)].sum()
    out = out.reset_index()
    text = {k: TEXT for k in by if isinstance(out[k].dtype, pd.CategoricalDtype)}
    return out.astype({**text, **{v: "int64" for v in values}})


def select(c: Cube, **values: Any) -> Cube:
    """The cube restricted to some values of some keys.

    Parameters
    ----------
    c : Cube
    **values
        ``key=value`` or ``key=[values]`` (e.g. ``category=("theft",)``);
        ``month=(start, end)`` keeps the months in ``[start, end)``. An empty
        list keeps everything (as a measure without target categories).

    Returns
    -------
    Cube
        The ``counts`` restricted; ``hours`` restricted on its own keys.

    Examples
    --------
    >>> import pandas as pd
    >>> from diagnostic_lib.cube.definition import Cube, canonical_counts, canonical_hours
    >>> c = Cube(canonical_counts(pd.DataFrame({"cell": [0, 1, -1], "sector": ["A", "A", None],
    ...     "category": ["theft", "fraud", "theft"], "family": "property", "shift": "jour",
    ...     "month": pd.to_datetime(["2024-01-01", "2024-03-01", "2024-03-01"]),
    ...     "day": pd.NaT, "count": [2, 1, 4]})),
    ...     canonical_hours(pd.DataFrame({"sector": ["A"], "category": "theft",
    ...     "family": "property", "shift": "jour", "how": [9], "count": [2], "count_hour": [1]})))
    >>> select(c, category="theft", month=("2024-02-01", None)).total
    4
    """
    out = {}
    for name, (df, keys) in {"counts": (c.counts, KEYS), "hours": (c.hours, HOUR_KEYS)}.items():
        keep = np.ones(len(df), dtype=bool)
        for k, v in values.items():
            if k not in KEYS:
                raise ValueError(f"unknown cube key {k!r}")
            if k not in keys:
                continue
            keep &= _match(df[k], k, v)
        out[name] = df[keep].reset_index(drop=True)
    return Cube(out["counts"], out["hours"], c.grid)


def regroup(c: Cube, key: str, mapping: Mapping[str, str | None]) -> Cube:
    """The cube with the values of one text key renamed, rows that become equal summed.

    Several values may take one name (the sectors of a province to their
    force, categories to a coarser grouping): the cube stays additive, so the
    counts of the new groups are the sums of the old ones.

    Parameters
    ----------
    c : Cube
    key : {"sector", "category", "family", "shift"}
    mapping : mapping
        Old value → new value; a value not in ``mapping`` keeps its name, a
        value mapped to ``None`` becomes missing, and a missing value stays missing.

    Returns
    -------
    Cube
        In canonical form (as every builder gives it), same grid.

    Raises
    ------
    ValueError
        When ``key`` is not a text key of the cube.

    Examples
    --------
    >>> import pandas as pd
    >>> from diagnostic_lib.cube.definition import Cube, canonical_counts, canonical_hours
    >>> c = Cube(canonical_counts(pd.DataFrame({"cell": 0, "sector": ["F1/A", "F1/B", None],
    ...     "category": "theft", "family": "property", "shift": "jour",
    ...     "month": pd.Timestamp("2024-01-01"), "day": pd.NaT, "count": [2, 3, 4]})),
    ...     canonical_hours(pd.DataFrame({"sector": ["F1/A"], "category": "theft",
    ...     "family": "property", "shift": "jour", "how": [9], "count": [2], "count_hour": [1]})))
    >>> rollup(regroup(c, "sector", {"F1/A": "F1", "F1/B": "F1"}), ["sector"]).values.tolist()
    [['F1', 5], [nan, 4]]
    """
    if key not in LABELS:
        raise ValueError(f"regroup renames a text key ({', '.join(LABELS)}), not {key!r}")
    tables = {}
    for name, df, canonical in (
        ("counts", c.counts, canonical_counts),
        ("hours", c.hours, canonical_hours),
    ):
        col = pd.Categorical(df[key])
        names = np.asarray([mapping.get(v, v) for v in col.categories], dtype=object)
        codes = np.asarray(col.codes, dtype="int64")
        new = np.where(codes >= 0, names[np.maximum(codes, 0)], None)
        tables[name] = canonical(df.assign(**{key: new}))
    return Cube(tables["counts"], tables["hours"], c.grid)


def combine(cubes: Iterable[Cube]) -> Cube:
    """The sum of cubes of the same grid (partial cubes of several files, forces or years).

    Parameters
    ----------
    cubes : iterable of Cube
        Made on one grid (the same ``grid``).

    Returns
    -------
    Cube
        In canonical form: the cube of all their incidents together.

    Raises
    ------
    ValueError
        When no cube is given, or their grids differ.

    Examples
    --------
    >>> import pandas as pd
    >>> from diagnostic_lib.cube.definition import Cube, canonical_counts, canonical_hours
    >>> def one(n):
    ...     return Cube(canonical_counts(pd.DataFrame({"cell": [0], "sector": ["A"],
    ...         "category": "theft", "family": "property", "shift": "jour",
    ...         "month": pd.Timestamp("2024-01-01"), "day": pd.NaT, "count": [n]})),
    ...         canonical_hours(pd.DataFrame({"sector": ["A"], "category": "theft",
    ...         "family": "property", "shift": "jour", "how": [9], "count": [n],
    ...         "count_hour": [n]})))
    >>> combine([one(2), one(3)]).total
    5
    """
    cubes = list(cubes)
    if not cubes:
        raise ValueError("combine needs at least one cube")
    if any(c.grid != cubes[0].grid for c in cubes[1:]):
        raise ValueError("the cubes were made on different grids: they cannot be summed")
    return Cube(
        canonical_counts(pd.concat([c.counts for c in cubes], ignore_index=True)),
        canonical_hours(pd.concat([c.hours for c in cubes], ignore_index=True)),
        cubes[0].grid,
    )


def _match(col: pd.Series, key: str, value: Any) -> np.ndarray:
    if key in ("month", "day") and isinstance(value, tuple) and len(value) == 2:
        lo, hi = (pd.Timestamp(v) if v is not None else None for v in value)
        ok = np.array(col.notna().to_numpy(), dtype=bool)
        if lo is not None:
            ok &= (col >= lo).to_numpy()
        if hi is not None:
            ok &= (col < hi).to_numpy()
        return ok
    if isinstance(value, str) or not isinstance(value, Iterable):
        value = [value]
    value = list(value)
    if not value:
        return np.ones(len(col), dtype=bool)
    return col.isin(value).to_numpy()


def month_series(
    c: Cube, by: Sequence[str] = ("sector", "family"), start: Any = None, end: Any = None
) -> pd.DataFrame:
    """Monthly counts per group, every month from ``start`` to ``end`` (zeros filled).

    Parameters
    ----------
    c : Cube
    by : sequence of str
        Groups (keys of the counts), e.g. ``("sector", "family")``.
    start, end : timestamp, optional
        First month and the month after the last (default: the cube's first
        and last months).

    Returns
    -------
    DataFrame
        ``*by, month, count``, one row per group (as found in the cube) and month.

    Examples
    --------
    >>> import pandas as pd
    >>> from diagnostic_lib.cube.definition import Cube, canonical_counts, canonical_hours
    >>> c = Cube(canonical_counts(pd.DataFrame({"cell": [0, 1, -1], "sector": ["A", "A", None],
    ...     "category": ["theft", "fraud", "theft"], "family": "property", "shift": "jour",
    ...     "month": pd.to_datetime(["2024-01-01", "2024-03-01", "2024-03-01"]),
    ...     "day": pd.NaT, "count": [2, 1, 4]})),
    ...     canonical_hours(pd.DataFrame({"sector": ["A"], "category": "theft",
    ...     "family": "property", "shift": "jour", "how": [9], "count": [2], "count_hour": [1]})))
    >>> month_series(c, ["category"]).query("category == 'theft'")["count"].tolist()
    [2, 0, 4]
    """
    by = list(by)
    df = c.counts[c.counts["month"].notna()]
    if not len(df):
        return pd.DataFrame({**{k: [] for k in by}, "month": [], "count": []})
    lo = pd.Timestamp(start) if start is not None else df["month"].min()
    hi = pd.Timestamp(end) if end is not None else df["month"].max() + pd.offsets.MonthBegin(1)
    months = pd.date_range(lo.to_period("M").to_timestamp(), hi, freq="MS", inclusive="left")
    months = months.astype("datetime64[us]")
    got = rollup(Cube(df, c.hours, c.grid), [*by, "month"])
    groups = got[by].drop_duplicates() if by else pd.DataFrame(index=[0])
    full = groups.merge(pd.DataFrame({"month": months}), how="cross")
    out = full.merge(got, on=[*by, "month"], how="left")
    out["count"] = out["count"].fillna(0).astype("int64")
    return out.sort_values([*by, "month"], ignore_index=True)


def cell_counts(c: Cube, grid: pd.DataFrame) -> pd.Series:
    """Incidents per grid cell, aligned with ``grid`` (zeros included), named ``count``.

    The incidents without a point or outside the grid are left out, as in
    :func:`~diagnostic_lib.inventory.grid.grid_counts`.

    Examples
    --------
    >>> import pandas as pd
    >>> from diagnostic_lib.cube.definition import Cube, canonical_counts, canonical_hours
    >>> c = Cube(canonical_counts(pd.DataFrame({"cell": [0, 1, -1], "sector": ["A", "A", None],
    ...     "category": ["theft", "fraud", "theft"], "family": "property", "shift": "jour",
    ...     "month": pd.to_datetime(["2024-01-01", "2024-03-01", "2024-03-01"]),
    ...     "day": pd.NaT, "count": [2, 1, 4]})),
    ...     canonical_hours(pd.DataFrame({"sector": ["A"], "category": "theft",
    ...     "family": "property", "shift": "jour", "how": [9], "count": [2], "count_hour": [1]})))
    >>> import shapely
    >>> from diagnostic_lib.inventory.grid import make_grid
    >>> g = make_grid(shapely.box(0, 0, 1000, 1000), cell_size=100, crs="EPSG:32188")
    >>> cell_counts(c, g).tolist()[:3]
    [2, 1, 0]
    """
    per = rollup(c, ["cell"])
    per = per[per["cell"] >= 0]
    out = np.zeros(len(grid), dtype="int64")
    out[per["cell"].to_numpy()] = per["count"].to_numpy()
    return pd.Series(out, index=grid.index, name="count")


def hour_week(c: Cube, column: str = "count") -> pd.DataFrame:
    """The 7 × 24 matrix (weekday × hour) of the starts' hours.

    Parameters
    ----------
    c : Cube
    column : {"count", "count_hour"}
        All incidents, or only those whose time is known within the hour.

    Returns
    -------
    DataFrame
        Rows 0 (Monday) … 6, columns 0 … 23, float counts.

    Examples
    --------
    >>> import pandas as pd
    >>> from diagnostic_lib.cube.definition import Cube, canonical_counts, canonical_hours
    >>> c = Cube(canonical_counts(pd.DataFrame({"cell": [0, 1, -1], "sector": ["A", "A", None],
    ...     "category": ["theft", "fraud", "theft"], "family": "property", "shift": "jour",
    ...     "month": pd.to_datetime(["2024-01-01", "2024-03-01", "2024-03-01"]),
    ...     "day": pd.NaT, "count": [2, 1, 4]})),
    ...     canonical_hours(pd.DataFrame({"sector": ["A"], "category": "theft",
    ...     "family": "property", "shift": "jour", "how": [9], "count": [2], "count_hour": [1]})))
    >>> float(hour_week(c).loc[0, 9]), float(hour_week(c, "count_hour").loc[0, 9])
    (2.0, 1.0)
    """
    h = c.hours[c.hours["how"] >= 0]
    per = h.groupby("how")[column].sum()
    m = np.zeros(168)
    m[per.index.to_numpy()] = per.to_numpy()
    out = pd.DataFrame(m.reshape(7, 24), index=range(7), columns=range(24))
    out.columns.name = "hour"
    return out
