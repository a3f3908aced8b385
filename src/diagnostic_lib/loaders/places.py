"""The places loader: environment features (bars, parking lots, transit stops…) for risk terrain.

Places are any geometry with a kind (normalised to a lower-case code) and an
optional name. A row without a geometry is rejected; invalid geometries are
repaired (flagged); ids are generated where missing and made unique.

Examples
--------
>>> import geopandas as gpd, shapely
>>> g = gpd.GeoDataFrame({"type": ["Bar Laitier"]}, geometry=[shapely.Point(1, 2)], crs=32188)
>>> p, led = load_places(g)
>>> p["kind"].tolist()
['bar_laitier']
"""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any

import pandas as pd

from .. import schema
from .._text import norm_keys
from ..crs import check_metric_crs
from ..ledger import Ledger
from .columns import _no_geometry, _resolve_fields
from .context import Loaded, Source, _check_balance, _Ctx, _file_notes, _open, loaded
from .geometry import ANY_GEOMETRY, _geometry_from_source, _repair_geometries
from .position_checks import _note_layer_outside


def load_places(  # noqa: PLR0913 - a public signature; all keyword options
    source: Source,
    *,
    preset: str = "generic",
    columns: Mapping[str, str] | None = None,
    crs: Any = schema.DEFAULT_CRS,
    source_crs: Any = None,
    encoding: str | None = None,
    sep: str | None = None,
    layer: str | int | None = None,
    sectors: pd.DataFrame | None = None,
) -> Loaded:
    """Load environment features (bars, parking lots, transit stops, ...).

    Returns a GeoDataFrame with ``place_id, kind, kind_label, name, geometry`` (any
    geometry type). Rows without a geometry are rejected. With ``sectors``, a
    layer whose features mostly lie outside the sectors' extent gets a note in
    the ledger (a wrong CRS or another town's file).

    Examples
    --------
    >>> import geopandas as gpd, shapely
    >>> g = gpd.GeoDataFrame({"kind": ["bar"]}, geometry=[shapely.Point(0, 0)], crs=32188)
    >>> p, led = load_places(g)
    >>> p[["place_id", "kind"]].values.tolist()
    [['<places DataFrame>-1', 'bar']]
    """
    import geopandas as gpd

    acrs = check_metric_crs(crs)
    raw = _open(source, "places", encoding, sep, None, layer)
    fields = _resolve_fields("places", raw.frame, preset, columns, raw.file)
    if raw.geometry is None and "wkt" not in fields:
        _no_geometry(raw, "places")
    ledger = Ledger()
    ctx = _Ctx("places", raw, fields, ledger)
    _file_notes(ctx)
    ctx.reject_empty_rows()
    geoms, present = _geometry_from_source(ctx, acrs, source_crs)
    ctx.reject(~present, "geometry", "geometry_missing")
    geoms = _repair_geometries(ctx, geoms, "geometry", ANY_GEOMETRY)
    _note_layer_outside(ctx, geoms, sectors, acrs)
    ids = ctx.ids("place_id", "", rename_conflicts=True)
    kind_text = ctx.text("kind")
    kind = norm_keys(kind_text).str.replace(" ", "_", regex=False).to_numpy(dtype=object)
    name = ctx.text("name").to_numpy(dtype=object)
    keep = ctx.alive
    out = gpd.GeoDataFrame(
        {
            "place_id": pd.array(ids[keep], dtype="str"),
            "kind": pd.array(kind[keep], dtype="str"),
            "kind_label": pd.array(kind_text.str.strip().to_numpy(dtype=object)[keep], dtype="str"),
            "name": pd.array(name[keep], dtype="str"),
            "source_row": raw.rows[keep],
        },
        geometry=gpd.GeoSeries(geoms[keep] if keep.any() else [], crs=acrs),
    )
    _check_balance(ledger, "places", raw.file, len(out))
    return loaded(out, ledger)
