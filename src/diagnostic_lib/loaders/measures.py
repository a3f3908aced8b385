"""The measures loader: the preventive measures in place, planned or ended.

A measure needs an id, a name and a pillar (recognised in French or English;
an unknown pillar rejects the row, and so do an end before the start, which
cannot be guessed right, and a negative cost). Everything else is checked and
kept: an unknown target category is flagged and the measure marked
``targets_unmapped`` (step 3 does not evaluate it until the label is mapped in
``[taxonomy.aliases]``: an empty list would mean every category), unknown
shifts are flagged and left out of the list, unreadable dates are treated as
unknown, bad distances fall back to the library defaults, and listed sectors or
partner ids that are not in their tables are flagged. The footprint (where the
measure acts), when not given, follows from the data: a geometry gives
``point``/``line``/``polygon``, listed sectors give ``sectors``, otherwise
``none``; only geometric footprints keep a geometry.

Examples
--------
>>> import pandas as pd
>>> df = pd.DataFrame({"id": ["M1", "M2"], "nom": ["Patrouille", "?"],
...                    "pilier": ["Partnership", "???"], "secteurs": ["S1;S2", ""]})
>>> m, led = load_measures(df)
>>> m[["measure_id", "pillar", "footprint", "footprint_sectors"]].values.tolist()
[['M1', 'partenariat', 'sectors', ('S1', 'S2')]]
>>> led.entries["reason"].tolist()
['pillar_invalid']
"""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any

import numpy as np
import pandas as pd

from .. import schema
from .. import taxonomy as taxonomy_mod
from .._text import norm_key, norm_keys, split_list
from ..crs import check_metric_crs
from ..ledger import Ledger
from .columns import _require, _resolve_fields
from .context import Loaded, Source, _check_balance, _Ctx, _file_notes, _open, loaded
from .geometry import ANY_GEOMETRY, _geometry_from_source, _repair_geometries
from .parsing import parse_datetimes, parse_floats
from .position_checks import _note_layer_outside
from .vocabulary import FOOTPRINT_ALIASES, PILLAR_ALIASES, SHIFT_ALIASES, map_aliases

_GEOMETRIC = ["point", "line", "polygon"]  # the footprints drawn from a geometry


def load_measures(  # noqa: PLR0913 - a public signature kept as it was; all keyword options
    source: Source,
    *,
    preset: str = "generic",
    columns: Mapping[str, str] | None = None,
    crs: Any = schema.DEFAULT_CRS,
    source_crs: Any = None,
    taxonomy: pd.DataFrame | None = None,
    sectors: pd.DataFrame | None = None,
    partners: pd.DataFrame | None = None,
    encoding: str | None = None,
    sep: str | None = None,
    sheet: str | int | None = None,
    layer: str | int | None = None,
) -> Loaded:
    """Load preventive measures into the canonical measures table.

    The footprint, when not given, follows from the data: a geometry gives
    ``point``/``line``/``polygon``, listed sectors give ``sectors``, otherwise
    ``none``. Pillar names are recognised in French or English. Unknown target
    categories, unknown sectors and (when ``partners`` is given) unknown partner
    ids are flagged, never dropped; a measure with an unknown target category
    is marked ``targets_unmapped`` (its labels in ``target_categories_unmapped``).
    Source columns that feed no field are named in a ledger note.

    Parameters
    ----------
    source : path or DataFrame
    preset, columns
        Mapping (see the module documentation).
    crs, source_crs
        Analysis CRS and the file's CRS when it declares none.
    taxonomy : DataFrame, optional
        For checking target categories.
    sectors, partners : DataFrame, optional
        For checking listed sectors and partner ids.

    Returns
    -------
    Loaded
        ``(measures, ledger)``.

    Examples
    --------
    >>> import pandas as pd
    >>> df = pd.DataFrame({"id": ["M1"], "nom": ["Éclairage"], "pilier": ["Prévention"],
    ...                    "empreinte": ["toute la ville"], "debut": ["2024-04-01"]})
    >>> m, led = load_measures(df)
    >>> m[["measure_id", "pillar", "footprint"]].values.tolist()
    [['M1', 'prevention', 'municipality']]
    """
    import geopandas as gpd

    acrs = check_metric_crs(crs)
    tax = taxonomy if taxonomy is not None else taxonomy_mod.load_taxonomy()
    raw = _open(source, "measures", encoding, sep, sheet, layer)
    fields = _resolve_fields("measures", raw.frame, preset, columns, raw.file)
    _require("measures", raw, fields, [("measure_id",), ("name",), ("pillar",)], preset)
    ledger = Ledger()
    ctx = _Ctx("measures", raw, fields, ledger)
    _file_notes(ctx)
    ctx.reject_empty_rows()
    ctx.reject_exact_duplicates("reject")
    cols = _measure_names(ctx)
    cols.update(_measure_lists(ctx, tax))
    cols.update(_measure_dates_and_costs(ctx))
    geoms, cols["footprint"], fsect = _measure_footprints(
        ctx, acrs, source_crs, cols.pop("footprint_sectors"), sectors
    )
    cols["footprint_sectors"] = fsect
    _note_layer_outside(ctx, geoms, sectors, acrs)
    if partners is not None:
        _check_partners(ctx, cols["partners"], partners)
    keep = ctx.alive
    sel = np.flatnonzero(keep)
    out = gpd.GeoDataFrame(
        {
            "measure_id": pd.array(cols["measure_id"][keep], dtype="str"),
            "name": pd.array(cols["name"][keep], dtype="str"),
            "name_en": pd.array(cols["name_en"][keep], dtype="str"),
            "pillar": pd.array(cols["pillar"][keep], dtype="str"),
            "kind": pd.array(cols["kind"][keep], dtype="str"),
            "partners": _tuples(cols["partners"], sel),
            "target_categories": _tuples(cols["target_categories"], sel),
            "targets_unmapped": np.asarray(cols["targets_unmapped"], dtype=bool)[keep],
            "target_categories_unmapped": _tuples(cols["target_categories_unmapped"], sel),
            "target_shifts": _tuples(cols["target_shifts"], sel),
            "start": cols["start"].to_numpy()[keep],
            "end": cols["end"].to_numpy()[keep],
            "footprint": pd.array(cols["footprint"][keep], dtype="str"),
            "footprint_sectors": _tuples(fsect, sel),
            "cost": cols["cost"][keep],
            "reach_m": cols["reach_m"][keep],
            "buffer_m": cols["buffer_m"][keep],
            "source_row": raw.rows[keep],
        },
        geometry=gpd.GeoSeries(geoms[keep] if keep.any() else [], crs=acrs),
    )
    # only geometric footprints keep a geometry
    out.loc[~out["footprint"].isin(_GEOMETRIC).to_numpy(), "geometry"] = None
    _check_balance(ledger, "measures", raw.file, len(out))
    return loaded(out, ledger)


def _tuples(items: Any, sel: np.ndarray) -> np.ndarray:
    """The tuples of the kept rows ``sel``, as an object array."""
    items = list(items)
    return pd.Series([items[i] for i in sel], dtype=object).to_numpy()


def _measure_names(ctx: _Ctx) -> dict[str, Any]:
    """Ids (a repeated id rejects the row), names (the id when missing), pillar, kind."""
    ids = ctx.ids("measure_id", "", rename_conflicts=False)
    name = ctx.text("name").to_numpy(dtype=object)
    ctx.flag(name == "", "name", "name_missing", detail="the id is used as name")
    name = np.where(name == "", ids, name)
    name_en = ctx.text("name_en").to_numpy(dtype=object) if ctx.has("name_en") else name.copy()
    name_en = np.where(name_en == "", name, name_en)
    pillar = map_aliases(ctx.col("pillar"), PILLAR_ALIASES).to_numpy(dtype=object)
    ctx.reject(
        ~np.isin(pillar, schema.PILLARS),
        "pillar",
        "pillar_invalid",
        values=ctx.text("pillar"),
        detail=f"allowed: {', '.join(schema.PILLARS)}",
    )
    kind = ctx.text("kind")
    kind_norm = norm_keys(kind).str.replace(" ", "_", regex=False).to_numpy(dtype=object)
    kind_norm = np.where(kind_norm == "", "other", kind_norm)
    return {
        "measure_id": ids,
        "name": name,
        "name_en": name_en,
        "pillar": pillar,
        "kind": kind_norm,
    }


def _list_column(ctx: _Ctx, fld: str) -> pd.Series:
    """A ``;``-separated list column as tuples (empty tuples when the file has no such column)."""
    if ctx.has(fld):
        return split_list(ctx.col(fld))
    return pd.Series([()] * len(ctx.raw.frame))


def _measure_lists(ctx: _Ctx, tax: pd.DataFrame) -> dict[str, Any]:
    """Target categories (unknown ones flagged, the measure marked) and shifts, partners, sectors.

    An unknown target category is not dropped from a list that would then be
    empty (every category): the measure is marked ``targets_unmapped``.
    """
    n = len(ctx.raw.frame)
    cat_alias = taxonomy_mod.alias_map(tax)
    tcat_raw = _list_column(ctx, "target_categories")
    tcat, unmapped = [], []
    for items in tcat_raw:
        codes = [taxonomy_mod.match_key(norm_key(x), cat_alias) for x in items]
        unmapped.append(tuple(x for x, c in zip(items, codes, strict=True) if not c))
        tcat.append(tuple(dict.fromkeys(c for c in codes if c)))
    unknown_cat = np.array([len(u) > 0 for u in unmapped], dtype=bool).reshape(n)
    ctx.flag(
        unknown_cat,
        "target_categories",
        "target_category_unknown",
        values=[";".join(u) for u in unmapped],
        detail="measure not evaluated until mapped: add it to [taxonomy.aliases]",
    )
    tshift_raw = _list_column(ctx, "target_shifts")
    tshift = [tuple(SHIFT_ALIASES.get(norm_key(x), "") for x in items) for items in tshift_raw]
    bad_shift = np.array([any(s == "" for s in items) for items in tshift], dtype=bool)
    ctx.flag(bad_shift, "target_shifts", "shift_unknown", values=tshift_raw.map(";".join))
    tshift = [tuple(s for s in items if s) for items in tshift]
    return {
        "target_categories": tcat,
        "targets_unmapped": unknown_cat,
        "target_categories_unmapped": unmapped,
        "target_shifts": tshift,
        "partners": _list_column(ctx, "partners"),
        "footprint_sectors": _list_column(ctx, "footprint_sectors"),
    }


def _measure_dates_and_costs(ctx: _Ctx) -> dict[str, Any]:
    """Start and end (unknown when unreadable), cost, distances; inverted ranges rejected."""
    n = len(ctx.raw.frame)
    none = pd.Series(pd.NaT, index=range(n), dtype="datetime64[us]")
    start = parse_datetimes(ctx.col("start")) if ctx.has("start") else none
    end = parse_datetimes(ctx.col("end")) if ctx.has("end") else none
    for fld, ser in (("start", start), ("end", end)):
        if ctx.has(fld):
            t = ctx.text(fld)
            ctx.flag(
                ((t != "") & ser.isna()).to_numpy(),
                fld,
                "date_unparseable",
                values=t,
                detail="treated as unknown",
            )
    # an end before the start cannot be guessed right (swapped? a typo in the year?)
    inv = (end < start).fillna(False).to_numpy()
    ctx.reject(inv, "end", "date_range_inverted", values=end.astype("str"))
    cost = np.full(n, np.nan)
    if ctx.has("cost"):
        cost, badc = parse_floats(ctx.col("cost"))
        ctx.flag(badc, "cost", "value_invalid", values=ctx.text("cost"))
        ctx.reject(cost < 0, "cost", "value_out_of_range", values=ctx.text("cost"))
    ring = _optional_metres(ctx, "buffer_m", zero_ok=False, detail="default ring width used")
    reach = _optional_metres(ctx, "reach_m", zero_ok=True, detail="default reach used")
    return {"start": start, "end": end, "cost": cost, "reach_m": reach, "buffer_m": ring}


def _optional_metres(ctx: _Ctx, col: str, *, zero_ok: bool, detail: str) -> np.ndarray:
    """An optional distance column in metres: NaN where absent.

    Bad or negative values (or zero, unless ``zero_ok``) are flagged in the ledger
    and left to the default.
    """
    if not ctx.has(col):
        return np.full(len(ctx.raw.frame), np.nan)
    vals, bad = parse_floats(ctx.col(col))
    out_of_range = np.isfinite(vals) & ((vals < 0) if zero_ok else (vals <= 0))
    ctx.flag(bad | out_of_range, col, "value_invalid", values=ctx.text(col), detail=detail)
    return np.where(out_of_range, np.nan, vals)


def _measure_footprints(
    ctx: _Ctx, acrs: Any, source_crs: Any, fsect: pd.Series, sectors: pd.DataFrame | None
) -> tuple[np.ndarray, np.ndarray, pd.Series]:
    """Geometries, footprints (given, else inferred) and the listed sectors that exist."""
    n = len(ctx.raw.frame)
    geoms, present = _geometry_from_source(ctx, acrs, source_crs)
    if present.any():
        geoms = _repair_geometries(
            ctx, geoms, "wkt" if ctx.has("wkt") else "geometry", ANY_GEOMETRY
        )
    gfoot = np.array([_footprint_of(g) for g in geoms], dtype=object)
    if ctx.has("footprint"):
        fp = map_aliases(ctx.col("footprint"), FOOTPRINT_ALIASES).to_numpy(dtype=object)
        badfp = fp == "?"
        ctx.flag(
            badfp,
            "footprint",
            "footprint_invalid",
            values=ctx.text("footprint"),
            detail="inferred from the data",
        )
        fp = np.where(badfp | (fp == ""), "", fp)
    else:
        fp = np.full(n, "", dtype=object)
    has_sect = np.array([len(s) > 0 for s in fsect], dtype=bool)
    inferred = np.where(gfoot != "", gfoot, np.where(has_sect, "sectors", "none"))
    fp = np.where(fp == "", inferred, fp)
    # a geometric footprint without a geometry cannot be drawn
    geo_fp = np.isin(fp, _GEOMETRIC)
    nogeom = geo_fp & (gfoot == "")
    ctx.flag(nogeom, "footprint", "geometry_missing", values=fp, detail="footprint set to none")
    fp = np.where(nogeom, np.where(has_sect, "sectors", "none"), fp)
    if sectors is not None:
        known = set(sectors["sector_id"].astype("str"))
        bad_s = np.array([any(s not in known for s in items) for items in fsect], dtype=bool)
        ctx.flag(
            bad_s,
            "footprint_sectors",
            "sector_unknown",
            values=[";".join(s for s in items if s not in known) for items in fsect],
        )
        fsect = pd.Series([tuple(s for s in items if s in known) for items in fsect])
    return geoms, fp, fsect


def _check_partners(ctx: _Ctx, partners_l: pd.Series, partners: pd.DataFrame) -> None:
    """Flag partner ids that are not in the partners table (the measure keeps them)."""
    known_p = set(partners["partner_id"].astype("str"))
    bad_p = np.array([any(p not in known_p for p in items) for items in partners_l], dtype=bool)
    ctx.flag(
        bad_p,
        "partners",
        "partner_unknown",
        values=[";".join(p for p in items if p not in known_p) for items in partners_l],
        detail="kept; add it to the partners file",
    )


def _footprint_of(g: Any) -> str:
    if g is None:
        return ""
    try:
        if g.is_empty:
            return ""
    except AttributeError:
        return ""
    t = g.geom_type
    if "Point" in t:
        return "point"
    if "LineString" in t:
        return "line"
    if "Polygon" in t:
        return "polygon"
    return ""
