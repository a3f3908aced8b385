"""The population loader: residents by sector from a separate table (e.g. a census extract).

Sectors drawn by the police (Montréal's PDQ, a regional force's districts) often
come without residents, while a census table gives them by the same ids. A
``[data.population]`` entry in ``diagnostic.toml`` (``sector_id`` and
``population`` columns, the usual ``encoding``/``sep`` options) is read here and
joined to the sectors by :func:`join_population`. Every row is accounted in the
ledger: kept, or rejected with its reason (no sector id, a sector id unknown to
the sectors layer, a repeated sector id, a missing, unreadable or negative
population). A kept row whose sector already had a population is flagged
``population_replaced`` (the table wins).

Examples
--------
>>> import pandas as pd
>>> pop, led = load_population(pd.DataFrame({"secteur": ["A", "B"], "pop": ["1 200", "x"]}))
>>> pop.values.tolist(), led.entries["reason"].tolist()
([['A', 1200.0, 1]], ['value_invalid'])
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence

import numpy as np
import pandas as pd

from .. import settings
from ..denominators import DENOMINATOR_CANDIDATES
from ..ledger import Ledger
from .columns import _require, _resolve_fields
from .context import Loaded, Source, _check_balance, _Ctx, _file_notes, _open, loaded
from .parsing import parse_counts
from .sector_checks import density_text, population_density, read_bases


def load_population(
    source: Source,
    *,
    preset: str = "generic",
    columns: Mapping[str, str] | None = None,
    sectors: pd.DataFrame | None = None,
    encoding: str | None = None,
    sep: str | None = None,
    sheet: str | int | None = None,
    denominators: Sequence[str] = (),
) -> Loaded:
    """Load residents by sector id into a ``sector_id, population, source_row`` table.

    Parameters
    ----------
    source : path or DataFrame
        A CSV (or workbook) with a sector id and a population column.
    preset, columns
        Column mapping (canonical fields ``sector_id`` and ``population``).
    sectors : DataFrame, optional
        The sectors table: rows naming another sector are rejected
        (``sector_unknown``), rows replacing a sector's own population are
        flagged (``population_replaced``).
    encoding, sep, sheet
        Reading options, as for the other tables.
    denominators : sequence of str
        Other bases of rates to read (``dwellings``…, see
        :mod:`diagnostic_lib.denominators`) where the table has their column: a
        missing, unreadable or negative value is flagged (the row keeps its
        residents, its sector no rate on that base).

    Returns
    -------
    Loaded
        ``(population, ledger)``; one row per sector id kept.

    Examples
    --------
    >>> import pandas as pd
    >>> sec = pd.DataFrame({"sector_id": ["A", "B"], "population": [float("nan"), 900.0]})
    >>> df = pd.DataFrame({"sector_id": ["A", "B", "Z"], "population": ["1,200", "950", "10"]})
    >>> pop, led = load_population(df, sectors=sec)
    >>> pop["population"].tolist(), led.entries["reason"].tolist()
    ([1200.0, 950.0], ['population_replaced', 'sector_unknown'])
    """
    raw = _open(source, "population", encoding, sep, sheet, None)
    fields = _resolve_fields("population", raw.frame, preset, columns, raw.file)
    _require("population", raw, fields, [("sector_id",), ("population",)], preset)
    ledger = Ledger()
    ctx = _Ctx("population", raw, fields, ledger)
    _file_notes(ctx)
    ctx.reject_empty_rows()
    ids = ctx.text("sector_id").to_numpy(dtype=object)
    ctx.reject(ids == "", "sector_id", "id_missing")
    if sectors is not None:
        known = set(sectors["sector_id"].astype("str"))
        unknown = np.array([i not in known for i in ids], dtype=bool)
        ctx.reject(unknown, "sector_id", "sector_unknown", values=ids)
    pop, bad = parse_counts(ctx.col("population"))
    shown = ctx.text("population")
    ctx.reject(bad, "population", "value_invalid", values=shown)
    ctx.reject(np.isfinite(pop) & (pop < 0), "population", "value_out_of_range", values=shown)
    ctx.reject(~np.isfinite(pop), "population", "population_missing")
    ctx.ids("sector_id", "", rename_conflicts=False)  # a repeated sector id: the first row wins
    if sectors is not None:
        before = sectors.set_index(sectors["sector_id"].astype("str"))["population"]
        old = pd.Series(ids).map(before).astype("float64").to_numpy()
        replaced = np.isfinite(old)
        ctx.flag(replaced, "population", "population_replaced", values=old)
        if "geometry" in sectors.columns:  # the same plausibility check as the sectors' own
            geom = sectors.set_index(sectors["sector_id"].astype("str")).geometry
            shapes = pd.Series(ids).map(geom).to_numpy(dtype=object)
            density = population_density(np.where(ctx.alive, pop, np.nan), shapes)
            limit = settings.default("max_population_density")
            high = np.isfinite(density) & (density > limit)
            ctx.flag(high, "population", "population_implausible", values=density_text(density))
    bases = read_bases(ctx, denominators)
    keep = ctx.alive
    out = pd.DataFrame(
        {
            "sector_id": pd.array(ids[keep], dtype="str"),
            "population": pop[keep].astype("float64"),
            **{base: values[keep] for base, values in bases.items()},
            "source_row": raw.rows[keep],
        }
    )
    _check_balance(ledger, "population", raw.file, len(out))
    return loaded(out, ledger)


def join_population(sectors: pd.DataFrame, population: pd.DataFrame) -> pd.DataFrame:
    """The sectors with the population table's residents (the table wins where both give one).

    Parameters
    ----------
    sectors : DataFrame
        Canonical sectors table.
    population : DataFrame
        From :func:`load_population` (``sector_id, population``).

    Returns
    -------
    DataFrame
        A copy of ``sectors`` (same index) whose ``population`` (and each other
        base the table gives, ``dwellings``…) is the table's where it has the
        sector, else the sector layer's.

    Examples
    --------
    >>> import pandas as pd
    >>> sec = pd.DataFrame({"sector_id": ["A", "B"], "population": [float("nan"), 900.0]})
    >>> pop = pd.DataFrame({"sector_id": ["A"], "population": [1200.0]})
    >>> join_population(sec, pop)["population"].tolist()
    [1200.0, 900.0]
    """
    table = population.set_index(population["sector_id"].astype("str"))
    out = sectors.copy()
    keys = sectors["sector_id"].astype("str")
    bases = ["population", *DENOMINATOR_CANDIDATES]  # not its source file or row
    for column in [c for c in table.columns if c in bases]:
        joined = keys.map(table[column]).astype("float64")
        before = (
            sectors[column].astype("float64")
            if column in sectors.columns
            else pd.Series(np.nan, index=sectors.index)
        )
        out[column] = joined.where(joined.notna(), before)
    return out
