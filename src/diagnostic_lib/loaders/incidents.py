"""The incidents loader: a pipeline of named stages, from a user's export to the canonical table.

:func:`load_incidents` runs the stages in this order; each one reads the
columns it needs, records what it finds wrong in the ledger (rejecting or
flagging rows), and hands its result to the next:

read
    :func:`~diagnostic_lib.loaders.context._open`: the file (or frame) as a raw table.
columns
    :func:`_incident_context`: the column mapping (:mod:`.columns`), the loading
    options of the preset, and the whole-row checks (empty rows, exact duplicates).
dates
    :func:`~diagnostic_lib.loaders.incident_dates._incident_dates`: the time range and the shift.
categories
    :func:`_incident_categories`: the canonical category code and its family.
positions
    :func:`~diagnostic_lib.loaders.incident_positions._incident_positions`: the point and
    its precision.
sectors
    :func:`~diagnostic_lib.loaders.incident_sectors._incident_sectors`: the sector, from
    the point or as written.
ledger
    :func:`_incident_table`: the ids, the canonical table of the rows still kept, and the
    check that the ledger balances.

On a file longer than :data:`CHUNK_ROWS` rows, the dates, categories and
positions stages run chunk by chunk (:func:`_row_stages`), after the decisions
that need the whole file; the table and the ledger are those of one pass.

Examples
--------
>>> import pandas as pd
>>> df = pd.DataFrame({"date": ["2024-03-02 02:30", ""], "category": ["Vol", "Vol"]})
>>> inc, led = load_incidents(df, now="2025-01-01")
>>> inc[["category", "shift"]].values.tolist(), led.entries["reason"].tolist()
([['theft', 'nuit']], ['date_missing'])
"""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any, NamedTuple

import numpy as np
import pandas as pd

from .. import schema, settings
from .. import taxonomy as taxonomy_mod
from .._text import as_objects, factorize, str_array
from ..crs import check_metric_crs
from ..ledger import Ledger
from ..readers import RawTable
from .columns import _options, _require, _resolve_fields
from .context import Loaded, Source, _check_balance, _Ctx, _file_notes, _open, loaded
from .incident_dates import (
    _finish_dates,
    _incident_dates,
    _read_starts,
    _start_decisions,
    _Starts,
    _Times,
)
from .incident_positions import (
    _guess_xy_crs,
    _incident_positions,
    _Positions,
    _read_xy,
    _written_positions,
)
from .incident_sectors import _incident_sectors
from .position_checks import _check_positions_layer


def load_incidents(  # noqa: PLR0913 - a public signature kept as it was; all keyword options
    source: Source,
    *,
    preset: str = "generic",
    columns: Mapping[str, str] | None = None,
    sectors: pd.DataFrame | None = None,
    crs: Any = schema.DEFAULT_CRS,
    source_crs: Any = None,
    taxonomy: pd.DataFrame | None = None,
    period: tuple[Any, Any] | None = None,
    now: Any = None,
    future_tolerance_h: float = settings.default("future_tolerance_h"),
    timezone: str = settings.default("timezone"),
    duplicates: str | None = None,
    outside: str = settings.default("outside"),
    snap_tolerance: float = settings.default("snap_tolerance_m"),
    date_only: bool | None = None,
    precision: str | None = None,
    encoding: str | None = None,
    sep: str | None = None,
    sheet: str | int | None = None,
    layer: str | int | None = None,
    sector_column: bool = True,
) -> Loaded:
    """Load incidents into the canonical incidents table.

    Parameters
    ----------
    source : path or DataFrame
        The export (CSV, Excel, GeoJSON, GeoPackage, Shapefile, Parquet) or a frame.
    preset : {"generic", "spvm"}
        Column-mapping preset (see the module documentation).
    columns : dict, optional
        User mapping, canonical field → source column; overrides the preset.
    sectors : GeoDataFrame, optional
        Canonical sectors (from :func:`load_sectors`). When given, each located
        incident gets the sector its point falls in; points within
        ``snap_tolerance`` metres of the municipality are assigned to the nearest
        sector (flagged), points farther away are ``outside``.
    crs : CRS
        The analysis CRS (metric). Default EPSG:32188.
    source_crs : CRS, optional
        CRS of ``x``/``y`` or WKT coordinates when the file does not say
        (default: the preset's, else guessed: lon/lat-looking values are
        EPSG:4326, others are taken to be in ``crs``).
    taxonomy : DataFrame, optional
        Category taxonomy (default: the packaged one).
    period : (start, end), optional
        Study period (inclusive dates); rows outside are rejected with
        ``date_outside_period``.
    now : timestamp, optional
        Reference "now" for dates in the future (default: the current time).
    future_tolerance_h : float
        Hours after ``now`` within which a start is still accepted (default: the
        ``future_tolerance_h`` tunable of :mod:`diagnostic_lib.settings`, 0).
    timezone : str
        The diagnosis's time zone (default: the ``timezone`` tunable,
        ``America/Toronto``): a date written with a UTC offset (``…Z``,
        ``…-04:00``) is converted to it; one without is taken as local time.
    duplicates : {"reject", "flag"}, optional
        What to do with exact duplicate rows. Default: identical rows are flagged
        and kept (snapped positions and coarse dates make distinct events look
        alike, e.g. SPVM), except where they carry the same non-blank id: that is
        one record exported twice, and the later copy is rejected. ``reject``
        rejects every identical row; ``flag`` keeps them all.
    outside : {"reject", "flag"}
        Points outside the municipality: reject the row, or keep it without a
        position (flagged). Default: the ``outside`` tunable (``reject``).
    snap_tolerance : float
        Metres; see ``sectors``. Default: the ``snap_tolerance_m`` tunable (50).
    sector_column : bool
        Read the file's sector column (default). ``False`` when the sectors are not
        the ones the file refers to (a generated grid): each event then gets the
        cell its point falls in, and the column is listed as not used.
    date_only : bool, optional
        Treat the date column as a date without time (default: per row, when
        the text has no time part; the ``spvm`` preset sets it).
    precision : str, optional
        Location precision of located rows when the file has no precision
        column (default ``exact``; ``spvm`` uses ``intersection``).
    encoding, sep, sheet, layer
        Reading options (see :func:`diagnostic_lib.readers.read_table`).

    Returns
    -------
    Loaded
        ``(incidents, ledger)``; ``incidents`` is a GeoDataFrame with the
        canonical columns plus ``source_row``.

    Raises
    ------
    DataError
        The file cannot be used at all (unreadable, empty, required columns
        missing after mapping).
    CRSError
        ``crs`` is not a metric CRS.

    Examples
    --------
    >>> import pandas as pd
    >>> df = pd.DataFrame({"date": ["2024-03-02", "2024-03-02 02:30"],
    ...                    "category": ["Vol", "robbery"]})
    >>> inc, led = load_incidents(df, now="2025-01-01")
    >>> inc["occurred_to"].tolist(), inc["shift"].tolist()
    ([Timestamp('2024-03-03 00:00:00'), NaT], [nan, 'nuit'])
    """
    acrs = check_metric_crs(crs)
    timezone = settings.validate({"timezone": timezone}, "load_incidents")["timezone"]
    tax = taxonomy if taxonomy is not None else taxonomy_mod.load_taxonomy()
    raw = _open(source, "incidents", encoding, sep, sheet, layer)
    given = {
        "duplicates": duplicates,
        "date_only": date_only,
        "precision": precision,
        "timezone": timezone,
    }
    ctx, opts = _incident_context(raw, preset, columns, given, sector_column)
    # one "now" for every chunk
    when = (pd.Timestamp.now() if now is None else now, period, future_tolerance_h)
    times, category, pos = _row_stages(ctx, opts, tax, (acrs, source_crs), when)
    bounds = tuple(sectors.total_bounds) if sectors is not None and len(sectors) else None
    xy_crs = opts.get("xy_crs") or source_crs
    _check_positions_layer(ctx, pos.x, pos.y, pos.column, xy_crs, acrs, bounds)
    sector = _incident_sectors(ctx, pos, sectors, outside, snap_tolerance)
    _release_source(ctx)
    # the table stage frees each stage's arrays once its column is made: hand them over
    stages = [times, category, pos, sector]
    del times, category, pos, sector
    out = _incident_table(ctx, opts, stages, acrs)
    _check_balance(ctx.ledger, "incidents", raw.file, len(out))
    return loaded(out, ctx.ledger)


CHUNK_ROWS: int = 200_000
"""Rows validated at a time by the row-local stages (dates, categories, positions).

A longer file is cut into chunks of this many rows: the text each stage reads
and its intermediate arrays then exist for one chunk at a time, not for the
whole file. The file-level decisions (the placeholder time of day, the guessed
CRS of ``x``/``y``, the layer check against the sectors, exact duplicates and
ids) are taken on the whole file, so that the table and the ledger are those of
one pass (``tests/test_loaders_chunked.py``).
"""


def _row_stages(
    ctx: _Ctx,
    opts: Mapping[str, Any],
    tax: pd.DataFrame,
    crs: tuple[Any, Any],
    when: tuple[Any, Any, float],
) -> tuple[_Times, _Categories, _Positions]:
    """The dates, categories and positions stages, chunk by chunk on a long file.

    ``crs`` is ``(analysis CRS, source CRS)``; ``when`` is ``(now, period,
    future tolerance)``. A file with geometries or a WKT column (a GIS layer,
    read whole anyway) runs in one pass.
    """
    acrs, source_crs = crs
    n = len(ctx.raw.frame)
    size = max(int(CHUNK_ROWS), 1)
    if n <= size or ctx.raw.geometry is not None or ctx.has("wkt"):
        times = _incident_dates(ctx, opts, *when)
        category = _incident_categories(ctx, tax)
        return times, category, _incident_positions(ctx, opts, acrs, source_crs)
    cuts = [(lo, min(lo + size, n)) for lo in range(0, n, size)]
    # pass 1: the starts as written, then the file-level decisions on all of them
    firsts = [_read_starts(ctx.chunk(lo, hi), opts) for lo, hi in cuts]
    starts = _start_decisions(
        ctx,
        opts,
        _Starts(
            pd.concat([f.start for f in firsts], ignore_index=True),
            np.concatenate([f.day_only for f in firsts]),
            pd.concat([f.period_end for f in firsts], ignore_index=True),
            0,
        ),
        sum(f.offsets for f in firsts),
    )
    del firsts
    guess, xy = None, None
    if ctx.has("x") and ctx.has("y") and not (opts.get("xy_crs") or source_crs):
        xy = _read_xy(ctx)  # read once: for the guess on the whole file, then by chunk
        guess = _guess_xy_crs(ctx, acrs, xy)
    # pass 2: the rest of the row-local stages, chunk by chunk
    notes_before = len(ctx.ledger._notes)
    parts = []
    for lo, hi in cuts:
        sub = ctx.chunk(lo, hi)
        mine = _Starts(
            starts.start.iloc[lo:hi].reset_index(drop=True),
            starts.day_only[lo:hi],
            starts.period_end.iloc[lo:hi].reset_index(drop=True),
            0,
        )
        times = _finish_dates(sub, opts, mine, *when)
        category = _incident_categories(sub, tax)
        pos = _incident_positions(
            sub, opts, acrs, source_crs, guess, xy.rows(lo, hi) if xy is not None else None
        )
        # only the results are kept: not the chunk's text (the written positions read it)
        pos.values = None
        sub._text = {}
        parts.append((times, category, pos))
    # a file-level note of the row-local stages (no position at all) is written once
    ctx.ledger._notes[notes_before:] = list(dict.fromkeys(ctx.ledger._notes[notes_before:]))
    return _joined(ctx, parts)


def _joined(
    ctx: _Ctx, parts: list[tuple[_Times, _Categories, _Positions]]
) -> tuple[_Times, _Categories, _Positions]:
    """The chunks' results of :func:`_row_stages` as those of the whole file."""
    ts, cs, ps = zip(*parts, strict=True)
    times = _Times(
        pd.concat([t.start for t in ts], ignore_index=True),
        pd.concat([t.end for t in ts], ignore_index=True),
        np.concatenate([t.shift for t in ts]),
        np.concatenate([t.precision for t in ts]),
    )
    category = _Categories(
        np.concatenate([c.code for c in cs]),
        np.concatenate([c.family for c in cs]),
        pd.concat([c.label for c in cs], ignore_index=True),
    )
    pos = _Positions(
        np.concatenate([p.x for p in ps]),
        np.concatenate([p.y for p in ps]),
        np.concatenate([p.has_point for p in ps]),
        np.concatenate([p.precision for p in ps]),
        ps[0].column,
        _written_positions(ctx),
    )
    return times, category, pos


def _incident_context(
    raw: RawTable,
    preset: str,
    columns: Mapping[str, str] | None,
    given: Mapping[str, Any],
    sector_column: bool = True,
) -> tuple[_Ctx, dict[str, Any]]:
    """The columns stage: mapping, loading options, a fresh ledger, whole-row checks."""
    fields = _resolve_fields("incidents", raw.frame, preset, columns, raw.file)
    if not sector_column:  # sectors that are not the file's (a grid): its sector column is unread
        fields.pop("sector", None)
    _require("incidents", raw, fields, [("occurred_from",), ("category",)], preset)
    opts = _options(preset, "incidents", given)
    ctx = _Ctx("incidents", raw, fields, Ledger())
    _file_notes(ctx)
    ctx.reject_empty_rows()
    # without an id, identical rows may be distinct events (e.g. SPVM): flag, do not drop
    dup_policy = opts.get("duplicates") or ("auto" if ctx.has("incident_id") else "flag")
    ctx.reject_exact_duplicates(dup_policy, "incident_id")
    return ctx, opts


class _Categories(NamedTuple):
    """Each row's canonical category code, its family and the label as written."""

    code: np.ndarray
    family: np.ndarray
    label: pd.Series


def _incident_categories(ctx: _Ctx, tax: pd.DataFrame) -> _Categories:
    """The categories stage: a missing or unknown label is classed ``other`` (flagged)."""
    label = ctx.text("category")
    # each distinct label looked up once; the rows take their label's answers
    rows, distinct = factorize(label)
    found = np.asarray(as_objects(taxonomy_mod.lookup_categories(distinct, tax)), dtype=object)
    written = np.asarray(distinct, dtype=object) != ""
    missing, unknown = ~written, written & (found == "")
    if missing.any():
        ctx.flag(missing[rows], "category", "category_missing", detail="classed as 'other'")
    if unknown.any():
        ctx.flag(
            unknown[rows], "category", "category_unknown", values=label, detail="classed as 'other'"
        )
    code = np.where(found == "", "other", found).astype(object)
    fam_of = tax["family"].to_dict()
    family = np.array([fam_of.get(c, "other") for c in code], dtype=object)
    return _Categories(code[rows], family[rows], label)


def _release_source(ctx: _Ctx) -> None:
    """Free the source columns and their text once every stage has read them.

    Only the id column's text is kept (the ledger stage completes the ids). At a
    million rows the source's text is a few hundred megabytes, which would
    otherwise still be held while the canonical table is built (the load's peak).
    """
    keep = {"incident_id": ctx.text("incident_id")} if ctx.has("incident_id") else {}
    ctx._text = keep
    ctx.raw.frame = ctx.raw.frame.iloc[:, :0]


def _kept_ids(ctx: _Ctx, prefix: str, keep: np.ndarray) -> pd.api.extensions.ExtensionArray:
    """The ids of the kept rows (:meth:`_Ctx.ids`: generated where missing, conflicts renamed).

    When every kept row has an id of its own (nothing to generate, flag or rename),
    they are the file's text as it is, with no string made per row.
    """
    if ctx.has("incident_id"):
        given = ctx.text("incident_id")[keep]
        # the kept rows are the living ones (found distinct when the duplicates were sought,
        # or now); else ctx.ids gives the same ids the long way
        if not (given == "").any() and ctx.distinct("incident_id"):
            return pd.array(given.array, dtype="str")
    return pd.array(ctx.ids("incident_id", prefix)[keep], dtype="str")


_COARSE = np.array(["none", "sector"], dtype=object)
"""The precision of a row without a point: ``sector`` when it has one, else ``none``."""


def _incident_table(
    ctx: _Ctx,
    opts: Mapping[str, Any],
    stages: list[Any],
    acrs: Any,
) -> pd.DataFrame:
    """The ledger stage: ids (generated or made unique, flagged) and the table of kept rows.

    ``stages`` is ``[times, category, positions, sector]``, the earlier stages'
    results; it is emptied, and each array is freed once its column is made, so
    that the stages' arrays and the new table do not all coexist (the load's peak).
    """
    import geopandas as gpd
    import shapely

    times, category, pos, sector = stages
    stages.clear()
    keep = ctx.alive
    has_pt = pos.has_point
    prec = np.where(has_pt, pos.precision, _COARSE[(sector != "").astype("int64")])[keep]
    located = keep & has_pt
    x, y = pos.x[located], pos.y[located]
    has_pt = has_pt[keep]
    del pos, located
    cols: dict[str, Any] = {"incident_id": _kept_ids(ctx, opts.get("id_prefix", ""), keep)}
    start, end, shift, tprec = times
    del times
    cols["occurred_from"] = start.to_numpy()[keep]
    cols["occurred_to"] = end.to_numpy()[keep]
    cols["time_precision"] = str_array(tprec[keep])
    del start, end, tprec
    code, family, label = category
    del category
    cols["category"] = str_array(code[keep])
    cols["family"] = str_array(family[keep])
    cols["category_label"] = pd.array(label[keep].array, dtype="str")
    del code, family, label
    shift = shift[keep]
    cols["shift"] = str_array(np.where(shift == "", None, shift))
    sector = sector[keep]
    cols["sector"] = str_array(np.where(sector == "", None, sector))
    cols["precision"] = str_array(prec)
    cols["source_row"] = ctx.rows[keep]
    del shift, sector, prec
    # last, when the other arrays are freed: the points of the kept rows, in one go
    geom = np.full(len(has_pt), None, dtype=object)
    geom[has_pt] = shapely.points(x, y)
    del x, y
    return gpd.GeoDataFrame(cols, geometry=gpd.GeoSeries(geom, crs=acrs))
