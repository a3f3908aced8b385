"""The sectors loader: the polygons that divide the municipality, with their population.

Sectors are the units of every rate and every map. Each row needs an id and a
polygon (else it is rejected); invalid polygons are repaired (flagged), and a
missing or unreadable population is flagged (the sector then has no rates).

Examples
--------
>>> import geopandas as gpd, shapely
>>> g = gpd.GeoDataFrame({"PDQ": ["5"], "Nom_PDQ": ["PDQ 5"]},
...                      geometry=[shapely.box(0, 0, 10, 10)], crs=32188)
>>> sec, led = load_sectors(g, preset="spvm")
>>> sec[["sector_id", "name"]].values.tolist()
[['5', 'PDQ 5']]
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from typing import Any

import numpy as np
import pandas as pd

from .. import schema, settings
from ..crs import check_metric_crs
from ..ledger import Ledger
from .columns import _no_geometry, _require, _resolve_fields
from .context import Loaded, Source, _check_balance, _Ctx, _file_notes, _open, loaded
from .geometry import _geometry_from_source, _repair_geometries
from .parsing import parse_counts
from .sector_checks import density_text, population_density, read_bases, sector_overlaps


def load_sectors(  # noqa: PLR0913 - a public signature kept as it was; all keyword options
    source: Source,
    *,
    preset: str = "generic",
    columns: Mapping[str, str] | None = None,
    crs: Any = schema.DEFAULT_CRS,
    source_crs: Any = None,
    encoding: str | None = None,
    sep: str | None = None,
    sheet: str | int | None = None,
    layer: str | int | None = None,
    max_density: float | None = None,
    overlap_share: float | None = None,
    denominators: Sequence[str] = (),
) -> Loaded:
    """Load sector polygons (with population) into the canonical sectors table.

    Parameters
    ----------
    source : path or GeoDataFrame
        Polygons (GeoJSON, GeoPackage, Shapefile, GeoParquet, or CSV with WKT).
    preset, columns
        Mapping (see the module documentation).
    crs : CRS
        Analysis CRS (metric).
    source_crs : CRS, optional
        CRS of the file when it declares none (default: guessed from the
        coordinates, noted in the ledger).
    max_density : float, optional
        Residents per km² above which a population is flagged
        ``population_implausible`` (default: the ``max_population_density`` tunable).
    overlap_share : float, optional
        Overlap, as a share of the smaller sector, above which both sectors are
        flagged ``sector_overlap`` with the other's id and the shared area
        (default: the ``sector_overlap_share`` tunable).
    denominators : sequence of str
        Other bases of rates to read (``dwellings``…, see
        :mod:`diagnostic_lib.denominators`), each a column of that name (or
        mapped by ``columns``) when the file has one; a missing, unreadable or
        negative value is flagged and the sector keeps no rate on that base.

    Returns
    -------
    Loaded
        ``(sectors, ledger)``; rows without an id or a polygon are rejected,
        invalid polygons are repaired (flagged), a missing population is flagged.

    Examples
    --------
    >>> import geopandas as gpd, shapely
    >>> g = gpd.GeoDataFrame({"id": ["A", "B"], "population": ["1 200", ""]},
    ...     geometry=[shapely.box(0, 0, 1000, 1000), shapely.box(1000, 0, 2000, 1000)], crs=32188)
    >>> sec, led = load_sectors(g)
    >>> sec[["sector_id", "population"]].values.tolist()
    [['A', 1200.0], ['B', nan]]
    >>> led.entries["reason"].tolist()
    ['population_missing']
    """
    import geopandas as gpd
    import shapely

    acrs = check_metric_crs(crs)
    raw = _open(source, "sectors", encoding, sep, sheet, layer)
    fields = _resolve_fields("sectors", raw.frame, preset, columns, raw.file)
    if raw.geometry is None and "wkt" not in fields:
        _no_geometry(raw, "sectors")
    _require("sectors", raw, fields, [("sector_id",)], preset)
    ledger = Ledger()
    ctx = _Ctx("sectors", raw, fields, ledger)
    _file_notes(ctx)
    ctx.reject_empty_rows()
    ids = ctx.text("sector_id").to_numpy(dtype=object)
    ctx.reject(ids == "", "sector_id", "id_missing")
    geoms, present = _geometry_from_source(ctx, acrs, source_crs)
    ctx.reject(~present, "wkt" if "wkt" in fields else "geometry", "geometry_missing")
    geoms = _repair_geometries(
        ctx, geoms, "wkt" if "wkt" in fields else "geometry", ("Polygon", "MultiPolygon")
    )
    gtype = np.array([g.geom_type if g is not None else "" for g in geoms], dtype=object)
    ctx.reject(
        present & ~np.isin(gtype, ["Polygon", "MultiPolygon"]),
        "geometry",
        "geometry_wrong_type",
        values=gtype,
    )
    ctx.ids("sector_id", "", rename_conflicts=False)
    name = ctx.text("name").to_numpy(dtype=object) if "name" in fields else ids.copy()
    name = np.where(name == "", ids, name)
    pop = np.full(len(ids), np.nan)
    if "population" in fields:
        pop, bad = parse_counts(ctx.col("population"))
        ctx.flag(bad, "population", "value_invalid", values=ctx.text("population"))
        neg = np.isfinite(pop) & (pop < 0)
        ctx.flag(neg, "population", "value_out_of_range", values=ctx.text("population"))
        pop = np.where(neg, np.nan, pop)
    ctx.flag(~np.isfinite(pop), "population", "population_missing")
    _flag_layer(ctx, ids, geoms, pop, max_density, overlap_share)
    bases = read_bases(ctx, denominators)
    keep = ctx.alive
    out = gpd.GeoDataFrame(
        {
            "sector_id": pd.array(ids[keep], dtype="str"),
            "name": pd.array(name[keep], dtype="str"),
            "population": pop[keep].astype("float64"),
            **{base: values[keep] for base, values in bases.items()},
            "source_row": raw.rows[keep],
        },
        geometry=gpd.GeoSeries(
            shapely.force_2d(np.asarray(geoms[keep])) if keep.any() else [], crs=acrs
        ),
    )
    _check_balance(ledger, "sectors", raw.file, len(out))
    return loaded(out, ledger)


def _flag_layer(
    ctx: _Ctx,
    ids: np.ndarray,
    geoms: np.ndarray,
    pop: np.ndarray,
    max_density: float | None,
    overlap_share: float | None,
) -> None:
    """Flag overlapping sectors (both rows) and populations implausible for their area."""
    alive = np.flatnonzero(ctx.alive)
    pairs = sector_overlaps(geoms[alive], ids[alive], overlap_share)
    if len(pairs):
        position = {sid: k for k, sid in zip(alive, ids[alive], strict=True)}
        rows, others = [], []
        for a, b, area in pairs[["sector_id", "other_id", "area_m2"]].itertuples(index=False):
            for me, other in ((a, b), (b, a)):
                rows.append(position[me])
                others.append(f"{other} · {format_area(area)}")
        mask = np.zeros(len(ids), dtype=bool)
        values = np.full(len(ids), "", dtype=object)
        for k, text in zip(rows, others, strict=True):  # a sector may overlap several others
            values[k] = f"{values[k]}; {text}" if values[k] else text
            mask[k] = True
        ctx.flag(mask, "geometry", "sector_overlap", values=values)
    limit = settings.default("max_population_density") if max_density is None else max_density
    density = population_density(pop, geoms)
    high = np.isfinite(density) & (density > limit)
    ctx.flag(high, "population", "population_implausible", values=density_text(density))


def format_area(area_m2: float) -> str:
    """A shared area for the ledger: m² below a hectare, else hectares.

    Examples
    --------
    >>> format_area(523.4), format_area(123456.0)
    ('523 m²', '12.3 ha')
    """
    return f"{area_m2:.0f} m²" if area_m2 < 10_000 else f"{area_m2 / 10_000:.1f} ha"
