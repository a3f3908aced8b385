"""The problem register: its columns, which incidents belong to each problem, and its files.

The register is written as human-editable TOML (one ``[[problem]]`` table per
problem) beside a GeoJSON file of the geometries (:func:`write_register`); the
analyst edits the :data:`EDITABLE_FIELDS`, and :func:`read_register` and
:func:`merge_register` carry the edits over to a recomputed register.
:func:`problem_incidents` recomputes membership from the register alone.
"""

from __future__ import annotations

import json
import math
import re
import tomllib
import uuid
from pathlib import Path
from typing import Any

import numpy as np
import pandas as pd

from .._points import LOCATED, MISSING, points_of
from .._spatial import PointIndex
from .._text import str_array
from ..errors import DataError, bilingual, unreadable
from ._cache import ContentCache, digest

SARA_STAGES = ("scanning", "analysis", "response", "assessment")
CHEERS = ("community", "harm", "expectation", "events", "recurring", "similarity")
"""The CHEERS fields of a problem (each in French and English: ``cheers_harm_fr``…)."""
EDITABLE_FIELDS = (
    "title_fr",
    "title_en",
    "sara_stage",
    "excluded",
    "vulnerability",
    "notes",
    *(f"cheers_{x}_{lang}" for x in CHEERS for lang in ("fr", "en")),
)
"""Register fields the analyst may edit; reloading keeps them."""


def register_columns() -> tuple[str, ...]:
    """The columns of a problem register, in order.

    Examples
    --------
    >>> "sara_stage" in register_columns()
    True
    """
    return (
        "problem_id",
        "kind",
        "title_fr",
        "title_en",
        "sectors",
        "categories",
        "families",
        "n_incidents",
        "per_year",
        "counts_by_year",
        "months_with_events",
        "located_share",
        "population",
        "rate",
        "local_rate",
        "dominant_shift",
        "shift_share",
        "week_part",
        "weekend_share",
        "peak_hours",
        "peak_days",
        "last_12",
        "previous_12",
        "trend_ratio",
        "trend_p",
        "trend_label",
        "severity",
        "weighted",
        "hotspot_z",
        "concern",
        "concern_codes",
        "facility",
        "vulnerability",
        "sara_stage",
        "excluded",
        "notes",
        *(f"cheers_{x}_{lang}" for x in CHEERS for lang in ("fr", "en")),
        "geometry",
    )


def problem_incidents(
    problems: pd.DataFrame, incidents: pd.DataFrame, *, keep: bool = True
) -> pd.Series:
    """Which problem each incident belongs to (from the register alone).

    An incident belongs to a problem when its category is one of the problem's
    and it lies in the problem's geometry (place and area problems), or the
    problem is municipality-wide, or the problem is an area problem and the
    incident has no position but is recorded in one of the problem's sectors.
    The shift plays no part (a problem's dominant shift describes its
    incidents; it does not select them). Excluded problems take no incident.
    The first matching problem (register order) wins.

    Parameters
    ----------
    problems : GeoDataFrame
        The register (``problem_id``, ``kind``, ``categories``, ``sectors``,
        ``excluded``, geometry).
    incidents : GeoDataFrame
        The canonical incidents (``category``, ``sector``, geometry).
    keep : bool
        Keep the answer for large inputs (:data:`PROBLEM_INCIDENTS_CACHE`): steps 2
        to 4 and the report ask again for the same register and incidents. A one-off
        question (one problem among a subset of the incidents) passes ``False``, so
        as not to push those answers out.

    Returns
    -------
    Series
        Problem id per incident (missing when none), aligned with ``incidents``.

    Examples
    --------
    >>> import geopandas as gpd, pandas as pd, shapely
    >>> pb = gpd.GeoDataFrame({"problem_id": ["P1"], "kind": ["place"], "categories": [("theft",)],
    ...     "dominant_shift": ["mixed"], "excluded": [False]}, geometry=[shapely.box(0, 0, 10, 10)])
    >>> inc = gpd.GeoDataFrame({"category": ["theft", "theft"], "shift": ["jour", "nuit"]},
    ...     geometry=gpd.points_from_xy([5, 50], [5, 50]))
    >>> problem_incidents(pb, inc).tolist()
    ['P1', nan]
    """
    cat_codes, cat_u = pd.factorize(incidents["category"])
    # each incident's point as numbers: the incidents' geometry, or their point table
    points = points_of(incidents)
    # each incident's sector as a code (-1: none) and the sectors it codes, read in Arrow
    sector = pd.factorize(incidents["sector"]) if "sector" in incidents.columns else None
    if len(incidents) < _KEPT_FROM or not keep:
        ids = _problem_of(problems, cat_codes, cat_u, points, sector)
    else:  # steps 2 to 4 and the report ask again for the same register and incidents
        key = _problem_incidents_key(problems, cat_codes, cat_u, points, sector)
        ids = PROBLEM_INCIDENTS_CACHE.get(
            key, lambda: _problem_of(problems, cat_codes, cat_u, points, sector)
        )
    # a copy of the array's wrapper only (Arrow's buffers are shared, and never written)
    return pd.Series(ids, index=incidents.index, copy=True)


PROBLEM_INCIDENTS_CACHE = ContentCache(maxsize=2)
"""The problem of each incident of the last large inputs of :func:`problem_incidents`.

Keyed by a digest of what it reads: the incidents' categories, sectors and
positions, and the register's ids, kinds, categories, sectors, exclusions and
geometries. Only inputs of :data:`_KEPT_FROM` incidents or more are kept.
"""

_KEPT_FROM = 50_000


def _problem_incidents_key(
    problems: pd.DataFrame, cat_codes: np.ndarray, cat_u: Any, points: tuple, sector: Any
) -> str:
    """The digest of everything :func:`_problem_of` reads."""
    import shapely

    cols = [c for c in ("problem_id", "kind", "categories", "sectors", "excluded") if c in problems]
    register = json.dumps(
        [cols, [[repr(v) for v in problems[c]] for c in cols]], ensure_ascii=False
    ).encode()
    shapes = shapely.to_wkb(np.asarray(problems.geometry.array, dtype=object))
    s_codes, s_u = sector if sector is not None else (np.empty(0), [])
    what, x, y = points
    present = what != MISSING  # None: no position (the sector counts)
    solid = what == LOCATED  # an empty point has no x to read
    return digest(
        register,
        b"\x1f".join(w or b"" for w in shapes),
        cat_codes.astype("int64"),
        "\x1f".join(map(str, cat_u)).encode(),
        np.asarray(s_codes, dtype="int64"),
        "\x1f".join(map(str, s_u)).encode(),
        present,
        solid,
        x[solid],
        y[solid],
    )


def _problem_of(
    problems: pd.DataFrame, cat_codes: np.ndarray, cat_u: Any, points: tuple, sector: Any
) -> Any:
    """The problem id of each incident, missing when none (see :func:`problem_incidents`).

    ``points``: ``(what, x, y)`` of each incident (:func:`~diagnostic_lib._points.points_of`);
    ``sector``: each incident's sector code (-1: none) and the sectors coded, or None.
    """
    s_codes, s_u = sector if sector is not None else (None, [])
    code_of_sector = {u: k for k, u in enumerate(s_u)}
    n = len(cat_codes)
    best = np.full(n, len(problems), dtype="int64")  # register position of the first match
    code_of = {c: k for k, c in enumerate(cat_u)}
    has = points[0] != MISSING
    excluded = (
        np.array([bool(v) for v in problems["excluded"]], dtype=bool)
        if "excluded" in problems.columns
        else np.zeros(len(problems), dtype=bool)
    )
    kinds = np.array([str(k) for k in problems["kind"]], dtype=object)
    pgeoms = np.asarray(problems.geometry.array, dtype=object)
    cats = [sorted({code_of[c] for c in list(x) if c in code_of}) for x in problems["categories"]]
    p_sectors = list(problems["sectors"]) if "sectors" in problems.columns else None
    muni_best = np.full(len(cat_u) + 1, len(problems), dtype="int64")  # per category code
    local: dict[int, list[int]] = {}  # category code -> non-municipality problems
    area_best: dict[tuple[int, int], int] = {}  # (category, sector code) -> first area problem
    for r in range(len(problems)):
        if excluded[r]:
            continue
        for c in cats[r]:
            if kinds[r] == "municipality":
                muni_best[c] = min(muni_best[c], r)
            else:
                local.setdefault(c, []).append(r)
                if kinds[r] == "area" and sector is not None and p_sectors is not None:
                    for sid in list(p_sectors[r]):
                        if sid in code_of_sector:  # a sector no incident is recorded in: none
                            area_best.setdefault((c, code_of_sector[sid]), r)
    # municipality-wide problems: every incident of their categories
    best = np.minimum(best, np.where(cat_codes >= 0, muni_best[cat_codes], len(problems)))
    # place and area problems: located incidents of their categories inside their geometry
    _inside_geometries(best, local, pgeoms, cat_codes, points, len(cat_u))
    # area problems also take the incidents of their sectors that have no position
    if area_best:
        no_pos = np.flatnonzero(~has & (cat_codes >= 0))
        for k in no_pos:
            r = area_best.get((int(cat_codes[k]), int(s_codes[k])))
            if r is not None and r < best[k]:
                best[k] = r
    # as text built by Arrow: kept in PROBLEM_INCIDENTS_CACHE, wrapped by each answer
    return str_array(np.append(problems["problem_id"].to_numpy(dtype=object), None)[best])


_PROBLEMS_AT_ONCE = 256
"""Problems whose geometries are tested against their incidents at once (memory only)."""


def _inside_geometries(
    best: np.ndarray,
    local: dict[int, list[int]],
    pgeoms: np.ndarray,
    cat_codes: np.ndarray,
    points: tuple,
    n_cat: int,
) -> None:
    """Lower ``best`` (in place) to the first problem whose geometry holds each incident.

    ``local`` lists, by category code, the place and area problems of that
    category. The incidents in each problem's box come from a grid index (no
    point objects), keep those of the problem's categories, then meet its
    geometry (``intersects``: edges included), a group of problems at a time.
    """
    import shapely

    rows = sorted({r for rs in local.values() for r in rs if pgeoms[r] is not None})
    if not rows:
        return
    allowed = np.zeros((len(pgeoms), n_cat + 1), dtype=bool)  # problem × category code
    for c, rs in local.items():
        allowed[rs, c] = True
    what, xs, ys = points
    pos = np.flatnonzero((what == LOCATED) & (cat_codes >= 0))  # an empty point has no x
    rows_a = np.asarray(rows, dtype="int64")
    shapes = pgeoms[rows_a]
    shapely.prepare(shapes)
    k, at = PointIndex(xs, ys, positions=pos).inside(
        shapes,
        keep=lambda k, at: allowed[rows_a[k], cat_codes[at]],  # the problem's categories
        group=_PROBLEMS_AT_ONCE,
    )
    np.minimum.at(best, at, rows_a[k])


def _toml_str(s: str) -> str:
    return (
        '"'
        + s.replace("\\", "\\\\").replace('"', '\\"').replace("\n", "\\n").replace("\t", "\\t")
        + '"'
    )


def _toml_value(v: Any) -> str:
    if isinstance(v, bool | np.bool_):
        return "true" if v else "false"
    if isinstance(v, int | np.integer):
        return str(int(v))
    if isinstance(v, float | np.floating):
        if np.isnan(v):
            return "nan"
        if np.isinf(v):
            return "inf" if v > 0 else "-inf"
        return repr(round(float(v), 6))
    if isinstance(v, tuple | list | np.ndarray):
        return "[" + ", ".join(_toml_value(x) for x in v) + "]"
    if v is None or (isinstance(v, float) and np.isnan(v)):
        return '""'
    return _toml_str(str(v))


def write_register(problems: pd.DataFrame, path: Any) -> tuple[Any, Any]:
    """Write the problem register: ``<path>.toml`` (editable) and ``<path>.geojson``.

    The TOML file holds one ``[[problem]]`` table per problem with every field;
    the analyst edits the fields listed in :data:`EDITABLE_FIELDS` (titles,
    SARA stage, CHEERS fields, vulnerability, notes, ``excluded``) and keeps
    ``problem_id``. The GeoJSON file holds the geometries (analysis CRS).
    Both are plain text, sorted, and diff well under version control.

    Parameters
    ----------
    problems : GeoDataFrame
    path : path
        Base path without extension (e.g. ``build/problems``); a ``.toml``
        suffix is accepted too.

    Returns
    -------
    (pathlib.Path, pathlib.Path)
        The TOML and GeoJSON files.

    Examples
    --------
    >>> import geopandas as gpd, shapely, tempfile, pathlib
    >>> pb = gpd.GeoDataFrame({"problem_id": ["P1"], "kind": ["place"], "title_fr": ["Vols"],
    ...     "title_en": ["Thefts"], "sectors": [("S1",)], "categories": [("theft",)],
    ...     "sara_stage": ["analysis"], "notes": [""], "excluded": [False],
    ...     "vulnerability": [float("nan")]}, geometry=[shapely.box(0, 0, 1, 1)], crs="EPSG:32188")
    >>> t, g = write_register(pb, pathlib.Path(tempfile.mkdtemp()) / "problems")
    >>> read_register(t).loc[0, "title_en"]
    'Thefts'
    """
    import shapely

    base = Path(path)
    if base.suffix in (".toml", ".geojson"):
        base = base.with_suffix("")
    base.parent.mkdir(parents=True, exist_ok=True)
    tpath, gpath = base.with_suffix(".toml"), base.with_suffix(".geojson")
    lines = [
        "# Registre des problèmes — diagnostic_lib. Modifiez les champs marqués « editable » ; "
        "gardez problem_id.",
        "# Problem register — diagnostic_lib. Edit the fields marked 'editable'; keep problem_id.",
        f"# editable: {', '.join(EDITABLE_FIELDS)}",
        f"# crs = {problems.crs.to_string() if getattr(problems, 'crs', None) is not None else ''}",
        "",
    ]
    cols = [c for c in problems.columns if c != "geometry"]
    for rec in problems.to_dict("records"):
        lines.append("[[problem]]")
        for c in cols:
            v = rec[c]
            if (
                isinstance(v, float)
                and np.isnan(v)
                and c
                not in ("vulnerability", "concern", "hotspot_z", "trend_ratio", "trend_p", "rate")
            ):
                continue
            lines.append(f"{c} = {_toml_value(v)}")
        lines.append("")
    tpath.write_text("\n".join(lines), encoding="utf-8")
    feats = []
    for pid, g in zip(problems["problem_id"], problems.geometry, strict=True):
        feats.append(
            {
                "type": "Feature",
                "properties": {"problem_id": str(pid)},
                "geometry": json.loads(shapely.to_geojson(shapely.set_precision(g, 0.1)))
                if g is not None
                else None,
            }
        )
    crs = problems.crs.to_epsg() if getattr(problems, "crs", None) is not None else None
    fc: dict[str, Any] = {"type": "FeatureCollection"}
    if crs:
        fc["crs"] = {"type": "name", "properties": {"name": f"urn:ogc:def:crs:EPSG::{crs}"}}
    fc["features"] = feats
    gpath.write_text(_geojson_text(fc) + "\n", encoding="utf-8")
    return tpath, gpath


def _geojson_text(fc: dict[str, Any]) -> str:
    """``json.dumps(fc, ensure_ascii=False, indent=1)`` of a register's feature collection.

    The same text, made faster: ``json`` indents in Python, a number at a time, and
    the coordinates are most of the numbers (2.6 s for the 3,000 problems of a
    province). Each feature's coordinates are written here (:func:`_coordinates_text`,
    the same layout) and put in the place of a marker that ``json`` writes instead.
    """
    marker = f"@@coordinates-{uuid.uuid4().hex}-"
    texts: list[str] = []
    feats = []
    for f in fc["features"]:
        g = f.get("geometry")
        coords = g.get("coordinates") if isinstance(g, dict) else None
        text = _coordinates_text(coords, 4) if isinstance(coords, list) else None
        if text is None:  # no geometry, a collection, a number json writes otherwise
            feats.append(f)
            continue
        feats.append({**f, "geometry": {**g, "coordinates": f"{marker}{len(texts)}"}})
        texts.append(text)
    out = json.dumps({**fc, "features": feats}, ensure_ascii=False, indent=1)
    if not texts:
        return out
    return re.sub(f'"{marker}(\\d+)"', lambda m: texts[int(m.group(1))], out)


def _coordinates_text(v: list, level: int) -> str | None:
    """A GeoJSON coordinates array as ``json.dumps(indent=1)`` writes it at ``level``.

    ``None`` when it holds anything but nested lists of finite numbers (``json``
    writes it then).
    """
    if not v:
        return "[]"
    if all(type(x) is list for x in v):
        if all(len(x) == 2 and type(x[0]) is not list for x in v):  # a list of points
            items = _points_text(v, level + 1)
        else:
            items = [_coordinates_text(x, level + 1) for x in v]
        if items is None or any(t is None for t in items):
            return None
    elif all(type(x) in (int, float) and math.isfinite(x) for x in v):
        items = [repr(x) for x in v]  # as json: float.__repr__, int.__repr__
    else:
        return None
    pad = "\n" + " " * (level + 1)
    return "[" + pad + ("," + pad).join(items) + "\n" + " " * level + "]"


def _points_text(points: list, level: int) -> list[str] | None:
    """Each ``[x, y]`` of ``points`` as :func:`_coordinates_text` writes it at ``level``."""
    inner, close = "\n" + " " * (level + 1), "\n" + " " * level
    out = []
    for x, y in points:
        if not (type(x) in (int, float) and type(y) in (int, float)):
            return None
        if not (math.isfinite(x) and math.isfinite(y)):
            return None
        out.append(f"[{inner}{x!r},{inner}{y!r}{close}]")
    return out


def _read_geometries(gpath: Path) -> pd.DataFrame:
    """The register's ``.geojson`` file (a GeoDataFrame with ``problem_id``), checked."""
    import geopandas as gpd

    try:
        g = gpd.read_file(gpath)
    except UnicodeDecodeError:
        raise DataError(f"{gpath}: {bilingual('errors.not_utf8')}") from None
    except Exception:  # pyogrio's DataSourceError (not GeoJSON, empty, truncated), ...
        raise DataError(f"{gpath}: {bilingual('inventory.register.error.bad_geojson')}") from None
    if "problem_id" not in g.columns:
        raise DataError(f"{gpath}: {bilingual('inventory.register.error.geojson_no_id')}")
    return g


def read_register(path: Any) -> pd.DataFrame:
    """Read a problem register written by :func:`write_register` (with the analyst's edits).

    Parameters
    ----------
    path : path
        The ``.toml`` file (or the base path); the ``.geojson`` beside it gives
        the geometries.

    Returns
    -------
    GeoDataFrame

    Raises
    ------
    DataError
        Unreadable TOML, a problem without ``problem_id``, duplicated ids, or an
        invalid SARA stage.

    Examples
    --------
    >>> read_register("/no/such/problems.toml")
    Traceback (most recent call last):
    ...
    diagnostic_lib.errors.DataError: /no/such/problems.toml: problem register not found: ...
    """
    import geopandas as gpd

    base = Path(path)
    if base.suffix in (".toml", ".geojson"):
        base = base.with_suffix("")
    tpath, gpath = base.with_suffix(".toml"), base.with_suffix(".geojson")
    if not tpath.exists():
        raise DataError(f"{tpath}: {bilingual('inventory.register.error.not_found')}")
    try:
        data = tomllib.loads(tpath.read_text(encoding="utf-8-sig"))
    except (OSError, UnicodeDecodeError, tomllib.TOMLDecodeError) as exc:
        raise DataError(f"{tpath}: {unreadable(exc, 'toml')}") from None
    recs = data.get("problem", [])
    if not isinstance(recs, list) or not all(isinstance(r, dict) for r in recs):
        raise DataError(f"{tpath}: {bilingual('inventory.register.error.not_problems')}")
    if any("problem_id" not in r for r in recs):
        number = next(i for i, r in enumerate(recs, start=1) if "problem_id" not in r)
        raise DataError(f"{tpath}: {bilingual('inventory.register.error.no_id', number=number)}")
    for number, r in enumerate(recs, start=1):
        if not isinstance(r["problem_id"], str | int) or isinstance(r["problem_id"], bool):
            message = bilingual(
                "inventory.register.error.bad_id", number=number, value=repr(r["problem_id"])
            )
            raise DataError(f"{tpath}: {message}")
    ids = [r["problem_id"] for r in recs]
    if len(set(ids)) != len(ids):
        twice = sorted({str(i) for i in ids if ids.count(i) > 1})
        raise DataError(f"{tpath}: {bilingual('inventory.register.error.duplicated', ids=twice)}")
    for r in recs:
        if r.get("sara_stage", "analysis") not in SARA_STAGES:
            message = bilingual(
                "inventory.register.error.sara_stage",
                id=r["problem_id"],
                stages=", ".join(SARA_STAGES),
                value=repr(r["sara_stage"]),
            )
            raise DataError(f"{tpath}: {message}")
        for c in ("sectors", "categories", "families"):
            if c in r:
                if not isinstance(r[c], list):
                    message = bilingual(
                        "inventory.register.error.not_list",
                        id=r["problem_id"],
                        field=c,
                        value=repr(r[c]),
                    )
                    raise DataError(f"{tpath}: {message}")
                r[c] = tuple(r[c])
    df = _cheers_in_two_languages(pd.DataFrame(recs))
    geoms = None
    crs = None
    if gpath.exists():
        g = _read_geometries(gpath)
        crs = g.crs
        geoms = df["problem_id"].map(dict(zip(g["problem_id"], g.geometry, strict=True)))
    out = gpd.GeoDataFrame(
        df,
        geometry=gpd.GeoSeries(geoms if geoms is not None else [None] * len(df), crs=crs),
        crs=crs,
    )
    return out


CHEERS_FIELDS = tuple(f"cheers_{x}" for x in CHEERS)


def _cheers_in_two_languages(df: pd.DataFrame) -> pd.DataFrame:
    """A register of before, with one CHEERS text per field: it was in French.

    Registers written before the fields were in both languages have
    ``cheers_community`` etc. (always French): they become ``cheers_community_fr``,
    the English left empty (the report then shows the French, as for any empty
    translation).

    Examples
    --------
    >>> old = pd.DataFrame({"problem_id": ["A"], "cheers_harm": ["Gravité moyenne 90."]})
    >>> _cheers_in_two_languages(old).columns.tolist()
    ['problem_id', 'cheers_harm_fr', 'cheers_harm_en']
    """
    out = df
    for c in CHEERS_FIELDS:
        if c in out.columns and f"{c}_fr" not in out.columns:
            out = out.rename(columns={c: f"{c}_fr"})
            out[f"{c}_en"] = ""
    return out


def merge_register(computed: pd.DataFrame, edited: pd.DataFrame) -> pd.DataFrame:
    """Carry the analyst's edits over to a freshly computed register.

    For every problem id present in both, the :data:`EDITABLE_FIELDS` of
    ``edited`` replace the computed ones; new problems keep their computed
    values, and problems only in ``edited`` (e.g. added by hand) are kept.

    Examples
    --------
    >>> import pandas as pd
    >>> new = pd.DataFrame({"problem_id": ["A", "B"], "notes": ["", ""], "n_incidents": [10, 5]})
    >>> old = pd.DataFrame({"problem_id": ["A", "Z"], "notes": ["vu avec le maire", "ajouté"],
    ...                     "n_incidents": [9, 1]})
    >>> merge_register(new, old)[["problem_id", "notes", "n_incidents"]].values.tolist()
    [['A', 'vu avec le maire', 10], ['B', '', 5], ['Z', 'ajouté', 1]]
    """
    out = computed.copy()
    ed = edited.set_index("problem_id")
    for c in EDITABLE_FIELDS:
        if c in ed.columns and c in out.columns:
            upd = out["problem_id"].map(ed[c])
            has = out["problem_id"].isin(ed.index)
            out[c] = out[c].astype(object).where(~has.to_numpy(), upd)
    extra = edited[~edited["problem_id"].isin(out["problem_id"])]
    if len(extra):
        out = pd.concat([out, extra], ignore_index=True)
    return out
