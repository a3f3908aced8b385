"""The walks loader: located observations of safety walks and CPTED audits.

Québec's *marches exploratoires* (safety walks with residents) and CPTED audits
note, along a route, what makes a place feel or be unsafe: poor lighting, no
natural surveillance, hiding places, neglect, feeling unsafe. Each row is one
observation: a point or a line (an area is rejected: a walk does not observe a
surface), a category of :data:`~diagnostic_lib.schema.WALK_CATEGORIES` (French
or English words accepted; a missing or unknown one is flagged and classed
``other``), a severity 1–3 (``low``/``medium``/``high``, ``faible``/``moyenne``/
``élevée``; others flagged and left missing), a date, the walk's id and name,
and a free text. The free text is for the analyst alone (it may name residents
or addresses): it is kept in the ``comment`` column, which nothing public shows
(:data:`INTERNAL_COLUMNS`; see :mod:`diagnostic_lib.report.confidentiality`).

Examples
--------
>>> import geopandas as gpd, shapely
>>> g = gpd.GeoDataFrame({"categorie": ["Éclairage", "Bruit"], "gravite": ["élevée", "2"]},
...                      geometry=[shapely.Point(1, 2), shapely.Point(3, 4)], crs=32188)
>>> w, led = load_walks(g)
>>> w["category"].tolist(), w["severity"].tolist()
(['lighting', 'other'], [3.0, 2.0])
>>> led.entries["reason"].tolist()
['walk_category_unknown']
"""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any

import numpy as np
import pandas as pd

from .. import schema
from .._text import map_distinct, norm_key
from ..crs import check_metric_crs
from ..ledger import Ledger
from .columns import _no_geometry, _resolve_fields
from .context import Loaded, Source, _check_balance, _Ctx, _file_notes, _open, loaded
from .geometry import ANY_GEOMETRY, _geometry_from_source, _repair_geometries
from .parsing import parse_datetimes
from .position_checks import _note_layer_outside
from .vocabulary import SEVERITY_WORDS, walk_aliases

WALK_GEOMETRIES = ("Point", "MultiPoint", "LineString", "MultiLineString")
"""The geometry types of a walk observation: a spot or a stretch of street."""

INTERNAL_COLUMNS: tuple[str, ...] = ("comment",)
"""Columns of the walks table for the analyst only: never shown to partners or the public."""


def load_walks(  # noqa: PLR0913 - a public signature; all keyword options
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
    """Load safety-walk and CPTED-audit observations (*marches exploratoires*).

    Returns a GeoDataFrame with ``observation_id, walk_id, walk_name, date,
    category, severity, comment, source_row, geometry``. Rows without a geometry,
    or with an area (polygon) geometry, are rejected; a missing or unknown
    category is flagged and classed ``other``; an unreadable severity or date is
    flagged and left missing. ``comment`` (the free text) is internal
    (:data:`INTERNAL_COLUMNS`, one of
    :data:`~diagnostic_lib.report.confidentiality.FREE_TEXT_COLUMNS`).

    Examples
    --------
    >>> import geopandas as gpd, shapely
    >>> g = gpd.GeoDataFrame({"type": ["lighting", "cachette"], "gravite": ["9", "low"]},
    ...     geometry=[shapely.Point(0, 0), shapely.box(0, 0, 1, 1)], crs=32188)
    >>> w, led = load_walks(g)
    >>> len(w), sorted(led.entries["reason"])
    (1, ['value_out_of_range', 'walk_geometry_area'])
    """
    import geopandas as gpd

    acrs = check_metric_crs(crs)
    raw = _open(source, "walks", encoding, sep, None, layer)
    fields = _resolve_fields("walks", raw.frame, preset, columns, raw.file)
    if raw.geometry is None and "wkt" not in fields:
        _no_geometry(raw, "walks")
    ledger = Ledger()
    ctx = _Ctx("walks", raw, fields, ledger)
    _file_notes(ctx)
    ctx.reject_empty_rows()
    geoms, present = _geometry_from_source(ctx, acrs, source_crs)
    ctx.reject(~present, "geometry", "geometry_missing")
    geoms = _repair_geometries(ctx, geoms, "geometry", ANY_GEOMETRY)
    types = np.array([g.geom_type if g is not None else "" for g in geoms], dtype=object)
    area = present & ~np.isin(types, WALK_GEOMETRIES)
    ctx.reject(area, "geometry", "walk_geometry_area", values=types)
    _note_layer_outside(ctx, geoms, sectors, acrs)
    ids = ctx.ids("observation_id", "", rename_conflicts=True)
    category = _walk_categories(ctx)
    severity = _walk_severities(ctx)
    date = _walk_dates(ctx)
    keep = ctx.alive
    out = gpd.GeoDataFrame(
        {
            "observation_id": pd.array(ids[keep], dtype="str"),
            "walk_id": pd.array(_blank_none(ctx.text("walk_id"))[keep], dtype="str"),
            "walk_name": pd.array(_blank_none(ctx.text("walk_name"))[keep], dtype="str"),
            "date": date[keep],
            "category": pd.array(category[keep], dtype="str"),
            "severity": severity[keep],
            "comment": pd.array(_blank_none(ctx.text("comment"))[keep], dtype="str"),
            "source_row": raw.rows[keep],
        },
        geometry=gpd.GeoSeries(geoms[keep] if keep.any() else [], crs=acrs),
    )
    _check_balance(ledger, "walks", raw.file, len(out))
    return loaded(out, ledger)


def _blank_none(text: pd.Series) -> np.ndarray:
    """Text values with ``""`` as missing (``None``)."""
    t = text.str.strip().to_numpy(dtype=object)
    return np.where(t == "", None, t)


def _walk_categories(ctx: _Ctx) -> np.ndarray:
    """The category code of each row: missing or unknown words are flagged and classed ``other``."""
    n = len(ctx.raw.frame)
    if not ctx.has("category"):
        ctx.flag(np.ones(n, dtype=bool), None, "walk_category_missing")
        return np.full(n, "other", dtype=object)
    aliases = walk_aliases()
    text = ctx.text("category")
    codes = np.asarray(
        map_distinct(text, lambda u: aliases.get(norm_key(u), "?") if norm_key(u) else ""),
        dtype=object,
    )
    ctx.flag(codes == "", "category", "walk_category_missing")
    ctx.flag(codes == "?", "category", "walk_category_unknown", values=text)
    return np.where(np.isin(codes, ["", "?"]), "other", codes)


def _walk_severities(ctx: _Ctx) -> np.ndarray:
    """Severity 1–3 (NaN when missing; unreadable or off-scale values flagged)."""
    n = len(ctx.raw.frame)
    if not ctx.has("severity"):
        return np.full(n, np.nan)
    text = ctx.text("severity")
    keys = [norm_key(u) for u in text]
    keys = [k[:-2] if k.endswith(".0") else k for k in keys]
    sev = np.array([SEVERITY_WORDS.get(k, np.nan) for k in keys], dtype=float)
    numeric = np.array([k.lstrip("-").replace(".", "", 1).isdigit() for k in keys], dtype=bool)
    given = np.array([k != "" for k in keys], dtype=bool)
    bad = given & np.isnan(sev)
    ctx.flag(
        bad & numeric,
        "severity",
        "value_out_of_range",
        values=text,
        detail="expected 1 to 3",
    )
    ctx.flag(bad & ~numeric, "severity", "value_invalid", values=text, detail="expected 1 to 3")
    return sev


def _walk_dates(ctx: _Ctx) -> np.ndarray:
    """The observation's date (NaT when missing; unreadable dates flagged)."""
    n = len(ctx.raw.frame)
    if not ctx.has("date"):
        return pd.Series(pd.NaT, index=range(n), dtype="datetime64[us]").to_numpy()
    date = parse_datetimes(ctx.col("date"))
    t = ctx.text("date")
    ctx.flag(((t != "") & date.isna()).to_numpy(), "date", "date_unparseable", values=t)
    return date.to_numpy()
