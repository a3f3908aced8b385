"""Loaders: users' exports in, canonical tables and a balanced ledger out.

Each loader reads one file (any format :mod:`diagnostic_lib.readers` supports),
maps its columns to the canonical ones of :mod:`diagnostic_lib.schema` with a
*preset* and/or a user mapping, validates every row in vectorised code, and
returns a :class:`Loaded` pair ``(data, ledger)`` in which every input row is
either kept or rejected with a reason naming the file, the row and the column.

Presets
-------
``generic``
    The canonical column names (and common French/English variants).
``spvm``
    Montréal's SPVM "Actes criminels" open data, current export
    (``CATEGORIE,DATE,QUART,PDQ,X,Y,LONGITUDE,LATITUDE``) and older export
    (``LAT,LONG``, dates with a ``00:00:00`` time part). Categories map to
    canonical codes, ``QUART`` to the shift (the event is known to lie within
    that 8-hour shift of that day, an aoristic range), ``PDQ`` to the sector,
    the placeholder positions (``LATITUDE = LONGITUDE = 1``, ``X = Y = 0``) to no
    location; X/Y in EPSG:32188 are preferred over longitude/latitude. SPVM rows
    have no id and are geomasked to intersections, so identical rows may be
    distinct events: exact duplicates are *flagged*, not dropped. For PDQ
    polygons, ``No_PDQ``/``PDQ`` is the sector id and ``Nom_PDQ`` its name.

A user mapping (``columns={"occurred_from": "Date_début", ...}`` or
``[data.incidents.columns]`` in ``diagnostic.toml``) takes precedence over the
preset. Besides the canonical names, incidents accept the source fields
``occurred_from_time``, ``occurred_to_time`` (a separate time column), ``x``,
``y`` (projected coordinates), ``lon``, ``lat`` (WGS84) and ``wkt`` (a WKT
geometry column); sectors, measures and places accept ``wkt``.

Examples
--------
>>> import tempfile, pathlib
>>> d = pathlib.Path(tempfile.mkdtemp())
>>> _ = (d / "inc.csv").write_text(
...     "id;date;categorie;x;y\\n1;2024-05-01 22:10;Méfait;300000,5;5040000\\n"
...     "2;31/02/2024;Méfait;;\\n", encoding="cp1252")
>>> inc, led = load_incidents(d / "inc.csv", now="2026-01-01")
>>> inc[["incident_id", "category", "shift", "precision"]].values.tolist()
[['1', 'mischief', 'soir', 'exact']]
>>> led.files[["rows_in", "rows_kept", "rows_rejected"]].values.tolist()
[[2, 1, 1]]
>>> led.entries[["row", "column", "reason"]].values.tolist()
[[3, 'date', 'date_unparseable']]
"""

from __future__ import annotations

import re
from collections.abc import Mapping
from dataclasses import dataclass, field
from os import PathLike
from pathlib import Path
from typing import Any, NamedTuple

import numpy as np
import pandas as pd

from . import schema
from . import taxonomy as taxonomy_mod
from ._spatial import PointIndex
from ._text import as_text, map_distinct, norm_key, norm_keys, split_list
from .crs import check_metric_crs
from .errors import DataError
from .ledger import Ledger
from .readers import RawTable, read_table

Source = str | PathLike[str] | pd.DataFrame

# ----------------------------------------------------------------------------
# Presets: canonical field -> candidate source column names (matched ignoring
# case, accents and punctuation), in order of preference.
# ----------------------------------------------------------------------------
_GENERIC: dict[str, dict[str, list[str]]] = {
    "incidents": {
        "incident_id": [
            "incident_id",
            "id",
            "no_dossier",
            "dossier",
            "event_id",
            "no_evenement",
            "numero",
        ],
        "occurred_from": [
            "occurred_from",
            "date",
            "date_from",
            "date_debut",
            "datetime",
            "start",
            "debut",
        ],
        "occurred_from_time": ["occurred_from_time", "time", "heure", "heure_debut", "time_from"],
        "occurred_to": ["occurred_to", "date_to", "date_fin", "end", "fin"],
        "occurred_to_time": ["occurred_to_time", "heure_fin", "time_to"],
        "category": ["category", "categorie", "category_code", "categorie_code", "nature", "type"],
        "shift": ["shift", "quart"],
        "sector": ["sector", "secteur", "sector_id", "pdq", "district"],
        "precision": ["precision", "location_precision", "precision_position"],
        "x": ["x", "coord_x", "x_mtm", "easting"],
        "y": ["y", "coord_y", "y_mtm", "northing"],
        "lon": ["lon", "longitude", "long", "lng"],
        "lat": ["lat", "latitude"],
        "wkt": ["wkt", "geometry", "geom", "the_geom", "geometrie"],
    },
    "sectors": {
        "sector_id": ["sector_id", "id", "no_pdq", "pdq", "code", "secteur", "sector"],
        "name": ["name", "nom", "nom_pdq", "name_fr", "nom_secteur"],
        "population": ["population", "pop", "residents", "habitants", "nb_habitants"],
        "wkt": ["wkt", "geometry", "geom", "the_geom", "geometrie"],
    },
    "measures": {
        "measure_id": ["measure_id", "id", "code", "no_mesure"],
        "name": ["name", "nom", "name_fr", "nom_fr", "mesure"],
        "name_en": ["name_en", "nom_en", "english_name"],
        "pillar": ["pillar", "pilier", "composante"],
        "kind": ["kind", "type", "genre", "nature"],
        "partners": ["partners", "partenaires", "partner_ids"],
        "target_categories": ["target_categories", "categories_ciblees", "categories", "cibles"],
        "target_shifts": ["target_shifts", "quarts_cibles", "quarts", "shifts"],
        "start": ["start", "date_debut", "debut", "start_date"],
        "end": ["end", "date_fin", "fin", "end_date"],
        "footprint": ["footprint", "empreinte", "portee"],
        "footprint_sectors": ["footprint_sectors", "secteurs", "sectors", "secteurs_vises"],
        "cost": ["cost", "cout", "budget", "cout_annuel"],
        "reach_m": ["reach_m", "reach", "portee_m", "rayon_m", "rayon"],
        "buffer_m": ["buffer_m", "buffer", "anneau_m", "zone_tampon_m"],
        "wkt": ["wkt", "geometry", "geom", "the_geom", "geometrie"],
    },
    "survey": {
        "respondent_id": ["respondent_id", "id", "repondant", "no_repondant"],
        "sector": ["sector", "secteur", "sector_id"],
        "date": ["date", "date_reponse", "response_date"],
        "safety_day": ["safety_day", "securite_jour", "sentiment_securite_jour"],
        "safety_night": ["safety_night", "securite_nuit", "sentiment_securite_nuit"],
        "concerns": ["concerns", "preoccupations", "enjeux"],
        "weight": ["weight", "poids", "ponderation"],
    },
    "partners": {
        "partner_id": ["partner_id", "id", "code"],
        "name": ["name", "nom", "name_fr"],
        "name_en": ["name_en", "nom_en"],
        "kind": ["kind", "type", "type_organisme"],
        "expertise": ["expertise", "expertises", "domaines", "domains"],
        "sectors_served": ["sectors_served", "secteurs_desservis", "secteurs", "sectors"],
    },
    "places": {
        "place_id": ["place_id", "id", "code"],
        "kind": ["kind", "type", "categorie", "famille"],
        "name": ["name", "nom"],
        "wkt": ["wkt", "geometry", "geom", "the_geom", "geometrie"],
    },
}

_SPVM = {
    "incidents": {
        "category": ["CATEGORIE"],
        "occurred_from": ["DATE"],
        "shift": ["QUART"],
        "sector": ["PDQ"],
        "x": ["X"],
        "y": ["Y"],
        "lon": ["LONGITUDE", "LONG"],
        "lat": ["LATITUDE", "LAT"],
    },
    "sectors": {
        "sector_id": ["No_PDQ", "PDQ"],
        "name": ["Nom_PDQ", "NOM_PDQ", "PDQ"],
        "wkt": ["WKT"],
    },
}

PRESETS: dict[str, dict[str, Any]] = {
    "generic": {"fields": _GENERIC, "options": {}},
    "spvm": {
        "fields": _SPVM,
        "options": {
            "incidents": {
                "date_only": True,
                "precision": "intersection",
                "duplicates": "flag",
                "xy_crs": "EPSG:32188",
                "id_prefix": "spvm",
            }
        },
    },
}
"""Column-mapping presets (see the module documentation)."""

PLACEHOLDER_XY = ((0.0, 0.0),)
PLACEHOLDER_LONLAT = ((1.0, 1.0), (0.0, 0.0))


class Loaded(NamedTuple):
    """What every loader returns: the canonical table and its ledger."""

    data: pd.DataFrame
    ledger: Ledger


# ----------------------------------------------------------------------------
# CRS helpers
# ----------------------------------------------------------------------------
def _guess_crs(xs: np.ndarray, ys: np.ndarray, analysis_crs: Any) -> Any:
    """EPSG:4326 when every finite coordinate looks like lon/lat, else the analysis CRS."""
    ok = np.isfinite(xs) & np.isfinite(ys)
    if ok.any() and (np.abs(xs[ok]) <= 180).all() and (np.abs(ys[ok]) <= 90).all():
        return "EPSG:4326"
    return analysis_crs


def _transform(xs: np.ndarray, ys: np.ndarray, src: Any, dst: Any) -> tuple[np.ndarray, np.ndarray]:
    from pyproj import CRS, Transformer

    if CRS.from_user_input(src) == CRS.from_user_input(dst):
        return xs, ys
    tr = Transformer.from_crs(src, dst, always_xy=True)
    out_x, out_y = tr.transform(xs, ys, errcheck=False)
    return np.asarray(out_x, dtype="float64"), np.asarray(out_y, dtype="float64")


# ----------------------------------------------------------------------------
# Value parsers (vectorised; each value is parsed once per distinct value)
# ----------------------------------------------------------------------------
_DATE_FORMATS = (
    "ISO8601",
    "%d/%m/%Y %H:%M:%S",
    "%d/%m/%Y %H:%M",
    "%d/%m/%Y",
    "%d-%m-%Y %H:%M",
    "%d-%m-%Y",
    "%Y/%m/%d %H:%M:%S",
    "%Y/%m/%d %H:%M",
    "%Y/%m/%d",
    "%d.%m.%Y",
)


def parse_datetimes(values: pd.Series, formats: tuple[str, ...] = _DATE_FORMATS) -> pd.Series:
    """Parse dates written in any of the usual ways; NaT where impossible.

    ISO dates (``2024-05-01``, ``2024-05-01 22:10``, ``2024-05-01T22:10:00``)
    come first; dates with slashes are read **day first** (``01/05/2024`` is
    1 May), as in Québec. Each distinct text is parsed once.

    Parameters
    ----------
    values : pandas.Series
        Text (or datetimes, returned as they are).
    formats : tuple of str
        ``strftime`` formats tried in order after ISO 8601.

    Returns
    -------
    pandas.Series of datetime64, aligned with ``values``.

    Examples
    --------
    >>> parse_datetimes(pd.Series(["2024-05-01 22:10", "01/05/2024", "31/02/2024", ""])).tolist()
    [Timestamp('2024-05-01 22:10:00'), Timestamp('2024-05-01 00:00:00'), NaT, NaT]
    """
    if pd.api.types.is_datetime64_any_dtype(values):
        return values.astype("datetime64[us]")
    text = as_text(values)
    codes, uniq_values = pd.factorize(text, use_na_sentinel=False)
    uniq = pd.Series(np.asarray(uniq_values, dtype=object), dtype="str")
    parsed = pd.Series(pd.NaT, index=uniq.index, dtype="datetime64[us]")
    todo = uniq != ""
    for fmt in formats:
        if not todo.any():
            break
        try:
            got = pd.to_datetime(uniq[todo], format=fmt, errors="coerce")
        except (ValueError, TypeError, OverflowError):
            continue
        if getattr(got.dt, "tz", None) is not None:
            got = got.dt.tz_localize(None)
        got = got.astype("datetime64[us]")
        parsed[todo] = got
        todo = todo & parsed.isna()
    return pd.Series(parsed.to_numpy()[codes], index=values.index, dtype="datetime64[us]")


_TIME_RE = re.compile(r"^\s*(\d{1,2})\s*(?:[:hH]\s*(\d{2})?)?(?::(\d{2}))?\s*$")
_TIME_COMPACT_RE = re.compile(r"^\s*(\d{2})(\d{2})\s*$")


def parse_times(values: pd.Series) -> tuple[pd.Series, np.ndarray]:
    """Parse times of day (``22:15``, ``22h15``, ``2215``, ``22:15:00``, ``7``).

    Returns
    -------
    (pandas.Series of timedelta64, numpy.ndarray of bool)
        The time since midnight (NaT when missing or unreadable) and a mask of
        values that were present but unreadable.

    Examples
    --------
    >>> td, bad = parse_times(pd.Series(["22:15", "7h", "2215", "", "25:00"]))
    >>> [str(x) for x in td], bad.tolist()
    (['0 days 22:15:00', '0 days 07:00:00', '0 days 22:15:00', 'NaT', 'NaT'], [False, False, False, False, True])
    """
    text = as_text(values)
    uniq = pd.unique(text.to_numpy())
    out: dict[str, pd.Timedelta] = {}
    for u in uniq:
        if u == "":
            continue
        m = _TIME_RE.match(u) or _TIME_COMPACT_RE.match(u)
        if m is None:
            # a full timestamp in a time column (Excel) keeps its time part
            ts = parse_datetimes(pd.Series([u])).iloc[0]
            if pd.notna(ts):
                out[u] = ts - ts.normalize()
            continue
        h = int(m.group(1))
        mi = int(m.group(2) or 0)
        s = int(m.group(3) or 0) if m.lastindex and m.lastindex >= 3 else 0
        if h < 24 and mi < 60 and s < 60:
            out[u] = pd.Timedelta(hours=h, minutes=mi, seconds=s)
    td = text.map(out).astype("timedelta64[us]")
    bad = ((text != "") & td.isna()).to_numpy()
    return td, bad


def parse_floats(values: pd.Series) -> tuple[np.ndarray, np.ndarray]:
    """Parse numbers written with a decimal point or a decimal comma.

    Spaces (also non-breaking) used as thousands separators are removed.

    Returns
    -------
    (numpy.ndarray of float, numpy.ndarray of bool)
        Values (NaN when missing or unreadable) and a mask of values that were
        present but unreadable.

    Examples
    --------
    >>> v, bad = parse_floats(pd.Series(["300000,5", "1 234.5", "", "abc", "-73.5"]))
    >>> v.tolist()[:2], bad.tolist()
    ([300000.5, 1234.5], [False, False, False, True, False])
    """
    if pd.api.types.is_numeric_dtype(values) and not pd.api.types.is_bool_dtype(values):
        arr = values.to_numpy(dtype="float64", na_value=np.nan)
        return arr, np.zeros(len(arr), dtype=bool)
    text = as_text(values)
    arr = _plain_decimals(text)
    if arr is not None:
        return arr, np.zeros(len(arr), dtype=bool)
    cleaned = text
    for ch in (" ", "\u00a0", "\u202f", "\t"):
        cleaned = cleaned.str.replace(ch, "", regex=False)
    cleaned = cleaned.str.replace(",", ".", regex=False)
    num = pd.to_numeric(cleaned, errors="coerce")
    arr = num.to_numpy(dtype="float64", na_value=np.nan)
    bad = (text != "").to_numpy() & ~np.isfinite(arr)
    arr = np.where(np.isfinite(arr), arr, np.nan)
    return arr, bad


def _plain_decimals(text: pd.Series) -> np.ndarray | None:
    """Fast path of :func:`parse_floats`: every value empty or a short plain decimal.

    When every non-empty value is a plain decimal (``-73.5``, ``300000,5``) of at
    most 15 characters, Arrow converts the column at once; at most 15 digits, any
    correct reader gives the same double (the integer of the digits is exact and
    one division by a power of ten is correctly rounded), so the result is that of
    the general path. Anything else returns ``None``: the general path then reads
    the column.
    """
    try:
        import pyarrow as pa
        import pyarrow.compute as pc

        arr = pa.array(text.to_numpy(dtype=object, na_value=""), type=pa.string())
        arr = pc.replace_substring(arr, ",", ".")
        empty = pc.equal(arr, "")
        plain = pc.match_substring_regex(arr, r"^[+-]?([0-9]+(\.[0-9]*)?|\.[0-9]+)$")
        short = pc.less_equal(pc.utf8_length(arr), 15)
        ok = pc.or_(empty, pc.and_(plain, short))
        if not pc.all(ok).as_py():
            return None
        nums = pc.cast(pc.if_else(empty, pa.scalar(None, pa.string()), arr), pa.float64())
        return nums.to_numpy(zero_copy_only=False).astype("float64")
    except Exception:  # pragma: no cover - any surprise: the general path
        return None


_SHIFT_ALIASES = {
    "jour": "jour", "j": "jour", "day": "jour", "d": "jour", "matin": "jour",
    "soir": "soir", "s": "soir", "evening": "soir", "e": "soir", "soiree": "soir",
    "nuit": "nuit", "n": "nuit", "night": "nuit",
}  # fmt: skip
_PRECISION_ALIASES = {
    "exact": "exact", "exacte": "exact", "address": "exact", "adresse": "exact", "point": "exact",
    "intersection": "intersection", "coin": "intersection",
    "block": "block", "bloc": "block", "troncon": "block", "segment": "block", "street": "block",
    "sector": "sector", "secteur": "sector",
    "none": "none", "aucune": "none", "aucun": "none", "unknown": "none", "inconnue": "none",
}  # fmt: skip
_PILLAR_ALIASES = {
    "rapprochement": "rapprochement", "closeness": "rapprochement", "community engagement": "rapprochement",
    "rapprochement entre les citoyens et les policiers": "rapprochement",
    "partenariat": "partenariat", "partnership": "partenariat", "partenariats": "partenariat",
    "resolution": "resolution", "resolution de problemes": "resolution", "problem solving": "resolution",
    "resolution des problemes": "resolution", "problem oriented policing": "resolution",
    "prevention": "prevention", "renforcement des mesures preventives": "prevention",
}  # fmt: skip
_FOOTPRINT_ALIASES = {
    "point": "point", "lieu": "point",
    "line": "line", "ligne": "line", "troncon": "line", "linestring": "line",
    "polygon": "polygon", "polygone": "polygon", "zone": "polygon", "area": "polygon",
    "sectors": "sectors", "secteurs": "sectors", "sector": "sectors", "secteur": "sectors",
    "municipality": "municipality", "municipalite": "municipality", "ville": "municipality",
    "all": "municipality", "toute la ville": "municipality", "whole municipality": "municipality",
    "none": "none", "aucune": "none", "aucun": "none", "": "none",
}  # fmt: skip


def _map_aliases(text: pd.Series, aliases: Mapping[str, str]) -> pd.Series:
    """Normalised lookup: ``""`` for missing values, ``None``→``"?"`` for unknown ones."""

    def one(u: Any) -> str:
        key = norm_key(u)
        return "" if key == "" else aliases.get(key, "?")

    return pd.Series(map_distinct(as_text(text), one), index=text.index, dtype="str")


# ----------------------------------------------------------------------------
# The per-file working context
# ----------------------------------------------------------------------------
@dataclass
class _Ctx:
    table: str
    raw: RawTable
    fields: dict[str, str]
    ledger: Ledger
    alive: np.ndarray = field(init=False)

    def __post_init__(self) -> None:
        self._text: dict[str, pd.Series] = {}
        self.alive = np.ones(len(self.raw.frame), dtype=bool)
        self.ledger.register(self.table, self.raw.file, self.raw.rows_in)
        if self.raw.malformed:
            rows = [r for r, _ in self.raw.malformed]
            self.ledger.add(
                self.table, self.raw.file, rows, None, "malformed_row", "rejected",
                values=[t for _, t in self.raw.malformed],
                detail=f"expected {len(self.raw.frame.columns)} fields separated by {self.raw.sep!r}",
            )  # fmt: skip

    @property
    def file(self) -> str:
        return self.raw.file

    @property
    def rows(self) -> np.ndarray:
        return self.raw.rows

    def has(self, fld: str) -> bool:
        return fld in self.fields

    def src(self, fld: str) -> str:
        return self.fields.get(fld, fld)

    def col(self, fld: str) -> pd.Series:
        return self.raw.frame[self.fields[fld]]

    def text(self, fld: str) -> pd.Series:
        if fld not in self.fields:
            return pd.Series([""] * len(self.raw.frame), dtype="str")
        # the same column is read as text several times; the source does not change
        if fld not in self._text:
            self._text[fld] = as_text(self.col(fld))
        return self._text[fld]

    def reject(
        self, mask: np.ndarray, fld: str | None, reason: str, values: Any = None, detail: Any = ""
    ) -> None:
        m = np.asarray(mask, dtype=bool) & self.alive
        if m.any():
            vals = None if values is None else np.asarray(values, dtype=object)[m]
            det = detail if isinstance(detail, str) else np.asarray(detail, dtype=object)[m]
            self.ledger.add(
                self.table,
                self.file,
                self.rows[m],
                self.src(fld) if fld else None,
                reason,
                "rejected",
                vals,
                det,
            )
            self.alive &= ~m

    def flag(
        self,
        mask: np.ndarray,
        fld: str | None,
        reason: str,
        values: Any = None,
        detail: Any = "",
        action: str = "flagged",
    ) -> None:
        m = np.asarray(mask, dtype=bool) & self.alive
        if m.any():
            vals = None if values is None else np.asarray(values, dtype=object)[m]
            det = detail if isinstance(detail, str) else np.asarray(detail, dtype=object)[m]
            self.ledger.add(
                self.table,
                self.file,
                self.rows[m],
                self.src(fld) if fld else None,
                reason,
                action,
                vals,
                det,
            )

    def note(self, fr: str, en: str) -> None:
        self.ledger.note(self.table, self.file, fr, en)

    def reject_empty_rows(self) -> None:
        f = self.raw.frame
        if f.shape[1] == 0 or len(f) == 0:
            return
        empty = np.ones(len(f), dtype=bool)
        for c in f.columns:  # only the rows still empty so far are looked at
            cand = np.flatnonzero(empty)
            if not len(cand):
                break
            empty[cand] = (as_text(f[c].iloc[cand]) == "").to_numpy()
        if self.raw.geometry is not None:
            empty &= self.raw.geometry.isna().to_numpy() | self.raw.geometry.is_empty.to_numpy()
        self.reject(empty, None, "empty_row")

    def reject_exact_duplicates(self, policy: str) -> None:
        f = self.raw.frame
        if len(f) == 0:
            return
        key = f
        if self.raw.geometry is not None:
            key = f.assign(__geom__=self.raw.geometry.to_wkb(hex=True).fillna("").to_numpy())
        key = key.loc[self.alive]
        if len(key) == 0:
            return
        group = _row_groups(key)
        if group is None:  # a column of distinct values: no two rows can be equal
            return
        dup_local = pd.Series(group).duplicated(keep="first").to_numpy()
        if not dup_local.any():
            return
        codes = group
        _, first_idx = np.unique(codes, return_index=True)
        alive_pos = np.flatnonzero(self.alive)
        first_rows = self.rows[alive_pos[first_idx[codes[dup_local]]]]
        mask = np.zeros(len(f), dtype=bool)
        idx = alive_pos[dup_local]
        mask[idx] = True
        detail = np.full(len(f), "", dtype=object)
        detail[idx] = (
            pd.Series(first_rows).astype("str").radd("same as row ").to_numpy(dtype=object)
        )
        if policy == "flag":
            self.flag(mask, None, "duplicate_exact_kept", detail=detail)
        else:
            self.reject(mask, None, "duplicate_exact", detail=detail)

    def ids(self, fld: str, prefix: str, rename_conflicts: bool = True) -> np.ndarray:
        """Ids of every row: given ones, generated where missing, conflicts resolved."""
        stem = prefix or Path(self.file).stem

        def generated(rows: np.ndarray) -> np.ndarray:
            return (pd.Series(rows).astype("str").radd(f"{stem}-")).to_numpy(dtype=object)

        if not self.has(fld):
            return generated(self.rows)
        given = self.text(fld).to_numpy(dtype=object)
        missing = given == ""
        self.flag(missing, fld, "id_missing", detail="generated from the row number")
        ids = given.copy()
        if missing.any():
            ids[missing] = generated(self.rows[missing])
        alive_ids = pd.Series(ids[self.alive])
        dup = alive_ids.duplicated(keep=False).to_numpy()
        if dup.any():
            positions = np.flatnonzero(self.alive)[dup]
            if rename_conflicts:
                mask = np.zeros(len(ids), dtype=bool)
                mask[positions] = True
                self.flag(
                    mask,
                    fld,
                    "id_conflict",
                    values=ids,
                    detail="same id as another row with different content",
                )
                order = alive_ids.groupby(alive_ids.to_numpy()).cumcount().to_numpy()
                later = np.flatnonzero(self.alive)[order > 0]
                ids[later] = [
                    f"{ids[i]}~{k + 1}" for i, k in zip(later, order[order > 0], strict=True)
                ]
            else:
                later_local = alive_ids.duplicated(keep="first").to_numpy()
                mask = np.zeros(len(ids), dtype=bool)
                mask[np.flatnonzero(self.alive)[later_local]] = True
                self.reject(mask, fld, "id_duplicate", values=ids)
        return ids

    def geometry_from_source(
        self, analysis_crs: Any, source_crs: Any, kind: str
    ) -> tuple[np.ndarray, np.ndarray]:
        """Geometries (analysis CRS) from the file's geometry or a WKT column.

        Returns (geometries as object array, mask of rows that had a geometry source value).
        """
        import shapely

        n = len(self.raw.frame)
        geoms = np.full(n, None, dtype=object)
        present = np.zeros(n, dtype=bool)
        if self.raw.geometry is not None:
            g = self.raw.geometry
            arr = np.asarray(g.array if hasattr(g, "array") else g, dtype=object)
            geoms[:] = arr
            present = ~pd.isna(pd.Series(arr)).to_numpy()
            present = (
                present & ~np.asarray(shapely.is_empty(arr), dtype=bool)
                if present.any()
                else present
            )
            crs = source_crs or self.raw.crs
            if crs is None and present.any():
                b = shapely.bounds(np.asarray(geoms[present]))
                crs = _guess_crs(b[:, 0], b[:, 1], analysis_crs)
                self.note(f"Aucun SCR déclaré : {crs} supposé d'après les coordonnées.",
                          f"No CRS declared: {crs} assumed from the coordinates.")  # fmt: skip
        elif self.has("wkt"):
            text = self.text("wkt")
            present = (text != "").to_numpy().copy()
            wkt_arr = np.where(present, text.to_numpy(dtype=object), None)
            parsed = shapely.from_wkt(wkt_arr, on_invalid="ignore")
            bad = present & pd.isna(pd.Series(parsed)).to_numpy()
            self.reject(bad, "wkt", "geometry_unparseable", values=text.str.slice(0, 60))
            geoms[:] = parsed
            present &= ~bad
            crs = source_crs
            if crs is None and present.any():
                b = shapely.bounds(np.asarray(geoms[present]))
                crs = _guess_crs(b[:, 0], b[:, 1], analysis_crs)
                self.note(f"Géométries WKT sans SCR : {crs} supposé d'après les coordonnées.",
                          f"WKT geometries without a CRS: {crs} assumed from the coordinates.")  # fmt: skip
        else:
            return geoms, present
        if present.any() and crs is not None:
            import geopandas as gpd

            gs = gpd.GeoSeries(geoms[present], crs=crs).to_crs(analysis_crs)
            geoms[present] = np.asarray(gs.array, dtype=object)
        return geoms, present

    def repair_geometries(self, geoms: np.ndarray, fld: str, keep: tuple[str, ...]) -> np.ndarray:
        """make_valid invalid geometries (flag ``geometry_invalid`` as repaired)."""
        import shapely

        present = ~pd.isna(pd.Series(geoms)).to_numpy()
        valid = np.ones(len(geoms), dtype=bool)
        if present.any():
            valid[present] = shapely.is_valid(np.asarray(geoms[present]))
        bad = present & ~valid & self.alive
        if bad.any():
            reasons = [shapely.is_valid_reason(g) for g in geoms[bad]]
            det = np.full(len(geoms), "", dtype=object)
            det[bad] = reasons
            self.flag(bad, fld, "geometry_invalid", detail=det, action="repaired")
            fixed = shapely.make_valid(np.asarray(geoms[bad]))
            geoms[bad] = [_keep_types(g, keep) for g in fixed]
        return geoms


def _row_groups(frame: pd.DataFrame) -> np.ndarray | None:
    """One integer per row, equal for rows whose every cell is equal (``None``: all distinct).

    Each column is factorised (text of unhashable cells such as lists); the codes
    are combined column by column and re-factorised to stay small. A column whose
    values are all distinct (an id) settles it at once: no two rows are equal.
    """
    n = len(frame)
    cols = []
    for c in frame.columns:
        col = frame[c]
        try:
            codes, uniq = pd.factorize(col, use_na_sentinel=False)
        except TypeError:  # unhashable cells (lists from GIS files)
            codes, uniq = pd.factorize(col.astype("str"), use_na_sentinel=False)
        if len(uniq) == n:
            return None
        cols.append((codes.astype("int64"), len(uniq)))
    group = np.zeros(n, dtype="int64")
    for codes, k in cols:
        group, _ = pd.factorize(group * max(k, 1) + codes)
        group = group.astype("int64")
    return group


def _keep_types(geom: Any, keep: tuple[str, ...]) -> Any:
    """From a make_valid result, keep only the parts of the wanted dimension."""
    import shapely

    if geom is None:
        return None
    if geom.geom_type in keep:
        return geom
    if geom.geom_type == "GeometryCollection":
        parts = [
            p for p in geom.geoms if p.geom_type in keep or p.geom_type.replace("Multi", "") in keep
        ]
        if not parts:
            return None
        return shapely.union_all(parts)
    return geom


def _resolve_fields(
    table: str, frame: pd.DataFrame, preset: str, columns: Mapping[str, str] | None, file: str
) -> dict[str, str]:
    """Canonical field → source column, from the user mapping then the preset."""
    if preset not in PRESETS:
        raise DataError(f"{file}: unknown preset {preset!r}; available: {sorted(PRESETS)}")
    found = {norm_key(c): c for c in frame.columns}
    if str(file).lower().endswith((".shp", ".dbf")):
        # Shapefile field names are cut to 10 characters: also match cut candidates.
        for c in frame.columns:
            found.setdefault(norm_key(c)[:10], c)
    fields: dict[str, str] = {}
    known_fields = set(_GENERIC[table])
    for fld, src in (columns or {}).items():
        if fld not in known_fields:
            raise DataError(
                f"{file}: the mapping names an unknown field {fld!r} for {table}; "
                f"known fields: {sorted(known_fields)}"
            )
        if src in frame.columns:
            fields[fld] = src
        elif norm_key(src) in found:
            fields[fld] = found[norm_key(src)]
        else:
            raise DataError(
                f"{file}: mapped column {src!r} (for {fld}) is not in the file / colonne absente. "
                f"Columns found / colonnes trouvées: {list(map(str, frame.columns))}"
            )
    cands = dict(_GENERIC[table])
    if preset != "generic":
        for fld, names in PRESETS[preset]["fields"].get(table, {}).items():
            cands[fld] = list(dict.fromkeys([*names, *cands.get(fld, [])]))
    used = set(fields.values())
    for fld, names in cands.items():
        if fld in fields:
            continue
        for n in names:
            src = found.get(norm_key(n))
            if src is None and str(file).lower().endswith((".shp", ".dbf")):
                src = found.get(norm_key(n)[:10])
            if src is not None and src not in used:
                fields[fld] = src
                used.add(src)
                break
    return fields


def _require(
    table: str,
    raw: RawTable,
    fields: Mapping[str, str],
    required: list[tuple[str, ...]],
    preset: str,
) -> None:
    """Raise DataError naming the file, the missing fields and the columns found."""
    missing = [alts for alts in required if not any(a in fields for a in alts)]
    if missing:
        want = ", ".join(" or ".join(alts) for alts in missing)
        raise DataError(
            f"{raw.file}: cannot load {table}: required column(s) missing after mapping "
            f"(preset {preset!r}): {want} / colonne(s) obligatoire(s) absente(s). "
            f"Columns found / colonnes trouvées: {list(map(str, raw.frame.columns))}"
        )


def _open(
    source: Source, table: str, encoding: str | None, sep: str | None, sheet: Any, layer: Any
) -> RawTable:
    if isinstance(source, pd.DataFrame):
        frame = source.reset_index(drop=True)
        geometry = None
        crs = None
        if hasattr(frame, "geometry") and "geometry" in getattr(frame, "columns", []):
            import geopandas as gpd

            if isinstance(frame, gpd.GeoDataFrame):
                geometry = frame.geometry.reset_index(drop=True)
                crs = frame.crs
                frame = pd.DataFrame(frame.drop(columns=frame.geometry.name))
        return RawTable(frame, np.arange(len(frame), dtype="int64") + 1, f"<{table} DataFrame>", "frame",
                        len(frame), [], geometry=geometry, crs=crs)  # fmt: skip
    return read_table(source, encoding=encoding, sep=sep, sheet=sheet, layer=layer)


def _options(preset: str, table: str, given: Mapping[str, Any] | None) -> dict[str, Any]:
    opts = dict(PRESETS.get(preset, {}).get("options", {}).get(table, {}))
    opts.update({k: v for k, v in (given or {}).items() if v is not None})
    return opts


def _file_notes(ctx: _Ctx) -> None:
    r = ctx.raw
    if r.format == "csv":
        sep = {"\t": "tab", ";": ";", ",": ",", "|": "|"}.get(r.sep or ",", r.sep)
        ctx.note(f"Encodage détecté : {r.encoding} ; séparateur : « {sep} ».",
                 f"Detected encoding: {r.encoding}; separator: '{sep}'.")  # fmt: skip


# ----------------------------------------------------------------------------
# Incidents
# ----------------------------------------------------------------------------
def load_incidents(
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
    duplicates: str | None = None,
    outside: str = "reject",
    snap_tolerance: float = 50.0,
    date_only: bool | None = None,
    precision: str | None = None,
    encoding: str | None = None,
    sep: str | None = None,
    sheet: str | int | None = None,
    layer: str | int | None = None,
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
    duplicates : {"reject", "flag"}, optional
        What to do with exact duplicate rows. Default: ``reject`` when the file
        has an id column, ``flag`` when it has none (identical rows may then be
        distinct events, e.g. SPVM).
    outside : {"reject", "flag"}
        Points outside the municipality: reject the row, or keep it without a
        position (flagged).
    snap_tolerance : float
        Metres; see ``sectors``.
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
    >>> df = pd.DataFrame({"date": ["2024-03-02", "2024-03-02 02:30"], "category": ["Vol", "robbery"]})
    >>> inc, led = load_incidents(df, now="2025-01-01")
    >>> inc["occurred_to"].tolist(), inc["shift"].tolist()
    ([Timestamp('2024-03-03 00:00:00'), NaT], [nan, 'nuit'])
    """
    import geopandas as gpd
    import shapely

    acrs = check_metric_crs(crs)
    tax = taxonomy if taxonomy is not None else taxonomy_mod.load_taxonomy()
    raw = _open(source, "incidents", encoding, sep, sheet, layer)
    fields = _resolve_fields("incidents", raw.frame, preset, columns, raw.file)
    _require("incidents", raw, fields, [("occurred_from",), ("category",)], preset)
    opts = _options(
        preset,
        "incidents",
        {"duplicates": duplicates, "date_only": date_only, "precision": precision},
    )
    ledger = Ledger()
    ctx = _Ctx("incidents", raw, fields, ledger)
    _file_notes(ctx)
    n = len(raw.frame)
    now_ts = pd.Timestamp.now() if now is None else pd.Timestamp(now)

    ctx.reject_empty_rows()
    dup_policy = opts.get("duplicates") or ("reject" if ctx.has("incident_id") else "flag")
    ctx.reject_exact_duplicates(dup_policy)

    # -- dates ------------------------------------------------------------------
    from_text = ctx.text("occurred_from")
    from_raw = ctx.col("occurred_from")
    start = parse_datetimes(from_raw)
    ctx.reject((from_text == "").to_numpy(), "occurred_from", "date_missing")
    ctx.reject(start.isna().to_numpy(), "occurred_from", "date_unparseable", values=from_text)
    if opts.get("date_only"):
        day_only = np.ones(n, dtype=bool)
        start = start.dt.normalize()
    elif pd.api.types.is_datetime64_any_dtype(from_raw):
        day_only = np.zeros(n, dtype=bool)
    else:
        day_only = ~from_text.str.contains(r"\d[:hH]\d|T\d", regex=True).to_numpy()
    if ctx.has("occurred_from_time"):
        td, bad_t = parse_times(ctx.col("occurred_from_time"))
        ctx.flag(
            bad_t, "occurred_from_time", "time_unparseable", values=ctx.text("occurred_from_time")
        )
        has_t = td.notna().to_numpy() & day_only
        start = start.where(~has_t, start.dt.normalize() + td.fillna(pd.Timedelta(0)))
        day_only = day_only & ~has_t

    # shift given?
    shift_given = pd.Series([""] * n, dtype="str")
    if ctx.has("shift"):
        st = _map_aliases(ctx.col("shift"), _SHIFT_ALIASES)
        bad = (st == "?").to_numpy()
        ctx.flag(bad, "shift", "shift_unknown", values=ctx.text("shift"))
        shift_given = st.where(~bad, "")

    end = pd.Series(pd.NaT, index=raw.frame.index, dtype="datetime64[us]")
    sg = shift_given.to_numpy()
    has_sg = sg != ""
    # date known only to the day: the range is the shift (when given) or the whole day
    shift_start_h = map_distinct(sg, lambda v: schema.SHIFT_START_HOURS.get(v, 0)).astype("float64")
    day_shift = day_only & has_sg
    start = start.where(~day_shift, start.dt.normalize() + pd.to_timedelta(shift_start_h, unit="h"))
    end = end.where(~day_only, start + pd.to_timedelta(np.where(day_shift, 8, 24), unit="h"))

    if ctx.has("occurred_to"):
        to_text = ctx.text("occurred_to")
        to = parse_datetimes(ctx.col("occurred_to"))
        present = (to_text != "").to_numpy()
        ctx.flag(present & to.isna().to_numpy(), "occurred_to", "date_unparseable", values=to_text,
                 detail="end of range ignored")  # fmt: skip
        to_day_only = ~to_text.str.contains(r"\d[:hH]\d|T\d", regex=True).to_numpy()
        if ctx.has("occurred_to_time"):
            td2, bad2 = parse_times(ctx.col("occurred_to_time"))
            ctx.flag(
                bad2 & present,
                "occurred_to_time",
                "time_unparseable",
                values=ctx.text("occurred_to_time"),
            )
            has2 = td2.notna().to_numpy() & to_day_only
            to = to.where(~has2, to.dt.normalize() + td2.fillna(pd.Timedelta(0)))
            to_day_only &= ~has2
        # a date without time as the end of a range means "until the end of that day"
        to = to.where(
            ~(to_day_only & to.notna().to_numpy()), to.dt.normalize() + pd.Timedelta(days=1)
        )
        got = to.notna().to_numpy()
        end = end.where(~got, to)
        # an explicit start time with a day-only start: keep the start as given
    inverted = (end < start).fillna(False).to_numpy()
    ctx.flag(inverted, "occurred_to" if ctx.has("occurred_to") else "occurred_from", "date_range_inverted",
             values=end.astype("str"))  # fmt: skip
    s2 = start.where(~inverted, end)
    e2 = end.where(~inverted, start)
    start, end = s2, e2
    end = end.where(end != start, pd.NaT)

    ctx.reject(
        (start > now_ts).fillna(False).to_numpy(), "occurred_from", "date_future", values=from_text
    )
    if period is not None:
        p0 = pd.Timestamp(period[0]) if period[0] is not None else None
        p1 = pd.Timestamp(period[1]) + pd.Timedelta(days=1) if period[1] is not None else None
        out = np.zeros(n, dtype=bool)
        if p0 is not None:
            out |= (start < p0).fillna(False).to_numpy()
        if p1 is not None:
            out |= (start >= p1).fillna(False).to_numpy()
        ctx.reject(out, "occurred_from", "date_outside_period", values=from_text)

    # shift: given, else derived from the (mid)point of the time when it is within 8 hours
    span = (end - start).fillna(pd.Timedelta(0))
    mid = start + span / 2
    derivable = (span <= pd.Timedelta(hours=8)).to_numpy() & ~(day_only & ~has_sg)
    derived = np.where(
        derivable, schema.shift_from_hour(mid.dt.hour.fillna(0).astype("int64").to_numpy()), ""
    )
    shift = np.where(has_sg, sg, derived)

    # -- category -----------------------------------------------------------------
    label = ctx.text("category")
    codes = taxonomy_mod.lookup_categories(label, tax).to_numpy(dtype=object)
    ctx.flag((label == "").to_numpy(), "category", "category_missing", detail="classed as 'other'")
    ctx.flag(((label != "") & (codes == "")).to_numpy(), "category", "category_unknown",
             values=label, detail="classed as 'other'")  # fmt: skip
    codes = np.where(codes == "", "other", codes)
    fam_of = tax["family"].to_dict()
    family = map_distinct(codes, lambda c: fam_of.get(c, "other"))

    # -- position -------------------------------------------------------------------
    px = np.full(n, np.nan)
    py = np.full(n, np.nan)
    placeholder = np.zeros(n, dtype=bool)
    invalid = np.zeros(n, dtype=bool)
    pos_col = None
    if raw.geometry is not None or ctx.has("wkt"):
        geoms, present = ctx.geometry_from_source(acrs, source_crs, "point")
        pos_col = "wkt" if ctx.has("wkt") else "geometry"
        if present.any():
            pts = np.asarray(geoms[present])
            not_point = shapely.get_type_id(pts) != 0
            if not_point.any():
                m = np.zeros(n, dtype=bool)
                m[np.flatnonzero(present)[not_point]] = True
                ctx.flag(
                    m,
                    pos_col,
                    "geometry_wrong_type",
                    detail="not a point: its representative point is used",
                )
                pts = np.where(not_point, shapely.point_on_surface(pts), pts)
            px[present] = shapely.get_x(pts)
            py[present] = shapely.get_y(pts)
    if ctx.has("x") and ctx.has("y"):
        xs, bx = parse_floats(ctx.col("x"))
        ys, by = parse_floats(ctx.col("y"))
        pos_col = pos_col or "x"
        ph = np.zeros(n, dtype=bool)
        for a, b in PLACEHOLDER_XY:
            ph |= (xs == a) & (ys == b)
        placeholder |= ph
        invalid |= bx | by
        ok = np.isfinite(xs) & np.isfinite(ys) & ~ph & np.isnan(px)
        if ok.any():
            src = opts.get("xy_crs") or source_crs or _guess_crs(xs[ok], ys[ok], acrs)
            tx, ty = _transform(xs[ok], ys[ok], src, acrs)
            px[ok], py[ok] = tx, ty
    if ctx.has("lon") and ctx.has("lat"):
        lo, bl = parse_floats(ctx.col("lon"))
        la, bla = parse_floats(ctx.col("lat"))
        pos_col = pos_col or "lon"
        ph = np.zeros(n, dtype=bool)
        for a, b in PLACEHOLDER_LONLAT:
            ph |= (lo == a) & (la == b)
        placeholder |= ph
        rng = np.isfinite(lo) & np.isfinite(la) & ((np.abs(lo) > 180) | (np.abs(la) > 90))
        invalid |= bl | bla | rng
        ok = np.isfinite(lo) & np.isfinite(la) & ~ph & ~rng & np.isnan(px)
        if ok.any():
            tx, ty = _transform(lo[ok], la[ok], "EPSG:4326", acrs)
            px[ok], py[ok] = tx, ty
    has_pt = np.isfinite(px) & np.isfinite(py)

    # precision (given, or preset default, or "exact"); sector/none precision drop the point
    default_prec = opts.get("precision") or "exact"
    prec = np.full(n, default_prec, dtype=object)
    if ctx.has("precision"):
        pt = _map_aliases(ctx.col("precision"), _PRECISION_ALIASES).to_numpy(dtype=object)
        given = (pt != "") & (pt != "?")
        prec = np.where(given, pt, prec)
    coarse = np.isin(prec, ["sector", "none"])
    has_pt &= ~coarse

    no_pos = ~has_pt & ~coarse
    pos_vals = None  # the position as written, for the ledger: made only if a row is flagged
    if ctx.has("x"):
        pos_vals = _Lazy(lambda: (ctx.text("x") + ";" + ctx.text("y")).to_numpy(dtype=object))
    elif ctx.has("lon"):
        pos_vals = _Lazy(lambda: (ctx.text("lon") + ";" + ctx.text("lat")).to_numpy(dtype=object))
    if pos_col is None:
        ctx.note("Aucune colonne de position : les incidents comptent dans les totaux mais restent hors des cartes.",
                 "No position column: incidents count in the totals but stay off the maps.")  # fmt: skip
    else:
        ctx.flag(no_pos & placeholder, pos_col, "position_placeholder", values=pos_vals)
        ctx.flag(no_pos & ~placeholder & invalid, pos_col, "position_invalid", values=pos_vals)
        ctx.flag(no_pos & ~placeholder & ~invalid, pos_col, "position_missing")

    # -- sector -----------------------------------------------------------------------
    rec_sector = ctx.text("sector").to_numpy(dtype=object)
    sector = rec_sector.copy()
    if sectors is not None and len(sectors):
        ids = sectors["sector_id"].astype("str").to_numpy(dtype=object)
        sec_names = sectors["name"].astype("str") if "name" in sectors.columns else pd.Series(ids)
        names = {norm_key(nm): sid for sid, nm in zip(ids, sec_names, strict=True)}
        idset = set(ids)
        rec_norm = _map_sector_codes(rec_sector, idset, names)
        rec_bad = (rec_sector != "") & (rec_norm == "")
        ctx.flag(rec_bad, "sector", "sector_unknown", values=rec_sector)
        spatial = np.full(n, "", dtype=object)
        live = has_pt & ctx.alive
        if live.any():
            sp, snapped = _assign_sectors(px[live], py[live], sectors, snap_tolerance)
            spatial[live] = sp
            m = np.zeros(n, dtype=bool)
            m[np.flatnonzero(live)[snapped]] = True
            ctx.flag(m, pos_col, "position_snapped", values=pos_vals,
                     detail=f"within {snap_tolerance:g} m of the municipality")  # fmt: skip
        outside_m = has_pt & (spatial == "")
        if outside == "flag":
            ctx.flag(
                outside_m,
                pos_col,
                "position_outside",
                values=pos_vals,
                detail="kept without a position",
            )
            has_pt &= ~outside_m
        else:
            ctx.reject(outside_m, pos_col, "position_outside", values=pos_vals)
        mismatch = has_pt & (rec_norm != "") & (spatial != "") & (rec_norm != spatial)
        ctx.flag(mismatch, "sector", "sector_mismatch", values=rec_sector,
                 detail=pd.Series(spatial).radd("position is in sector ").to_numpy(dtype=object))  # fmt: skip
        sector = np.where(has_pt & (spatial != ""), spatial, rec_norm)
    prec = np.where(has_pt, prec, np.where(sector != "", "sector", "none"))

    # -- ids --------------------------------------------------------------------------
    ids_arr = ctx.ids("incident_id", opts.get("id_prefix", ""))

    keep = ctx.alive
    geom = np.full(n, None, dtype=object)
    geom[has_pt] = shapely.points(px[has_pt], py[has_pt])
    out = gpd.GeoDataFrame(
        {
            "incident_id": pd.array(ids_arr[keep], dtype="str"),
            "occurred_from": start.to_numpy()[keep],
            "occurred_to": end.to_numpy()[keep],
            "category": pd.array(codes[keep], dtype="str"),
            "family": pd.array(family[keep], dtype="str"),
            "category_label": pd.array(label.to_numpy(dtype=object)[keep], dtype="str"),
            "shift": pd.array(np.where(shift[keep] == "", None, shift[keep]), dtype="str"),
            "sector": pd.array(np.where(sector[keep] == "", None, sector[keep]), dtype="str"),
            "precision": pd.array(prec[keep], dtype="str"),
            "source_row": raw.rows[keep],
        },
        geometry=gpd.GeoSeries(geom[keep], crs=acrs),
    )
    _check_balance(ledger, "incidents", raw.file, len(out))
    return Loaded(out, ledger)


class _Lazy:
    """An array made on first use (``np.asarray`` on it), e.g. ledger values of flagged rows."""

    def __init__(self, make: Any) -> None:
        self._make, self._value = make, None

    def __array__(self, dtype: Any = None, copy: Any = None) -> np.ndarray:
        if self._value is None:
            self._value = self._make()
        return np.asarray(self._value, dtype=dtype)


def _map_sector_codes(rec: np.ndarray, idset: set[str], names: dict[str, str]) -> np.ndarray:
    uniq = pd.unique(rec)
    m = {s: (s if s in idset else names.get(norm_key(s), "") if s else "") for s in uniq}
    return map_distinct(rec, m.get)


def _assign_sectors(
    x: np.ndarray, y: np.ndarray, sectors: pd.DataFrame, tol: float
) -> tuple[np.ndarray, np.ndarray]:
    """Sector id of each point (``""`` when outside), and which points were snapped.

    A point on a shared boundary goes to the first sector (table order). Each
    sector tests only the points inside its bounding box (found through a coarse
    grid of the points, so that the work stays linear however wide the region),
    with the prepared polygon; no point object is made for it.
    """
    import shapely

    geoms = np.asarray(sectors.geometry.array, dtype=object)
    ids = sectors["sector_id"].astype("str").to_numpy(dtype=object)
    which = np.full(len(x), -1, dtype="int64")
    present = ~pd.isna(pd.Series(geoms)).to_numpy()
    if present.any():
        present[present] = ~np.asarray(shapely.is_empty(geoms[present]), dtype=bool)
    bounds = np.full((len(geoms), 4), np.nan)
    if present.any():
        bounds[present] = shapely.bounds(geoms[present])
    index = None
    if present.any():
        size = np.nanmedian(np.maximum(bounds[present, 2] - bounds[present, 0],
                                       bounds[present, 3] - bounds[present, 1]))  # fmt: skip
        index = PointIndex(x, y, cell=float(size))
    for k in np.flatnonzero(present) if index is not None else []:
        cand = index.box(*bounds[k])
        cand = cand[which[cand] < 0]
        if len(cand) == 0:
            continue
        g = geoms[k]
        if not shapely.is_prepared(g):
            g = shapely.from_wkb(shapely.to_wkb(g))  # a private copy to prepare
            shapely.prepare(g)
        which[cand[shapely.intersects_xy(g, x[cand], y[cand])]] = k
    res = np.full(len(x), "", dtype=object)
    res[which >= 0] = ids[which[which >= 0]]
    snapped = np.zeros(len(x), dtype=bool)
    miss = np.flatnonzero(res == "")
    if len(miss) and tol > 0:
        tree = shapely.STRtree(geoms)
        i2, t2 = tree.query_nearest(
            shapely.points(x[miss], y[miss]), max_distance=tol, all_matches=False
        )
        res[miss[i2]] = ids[t2]
        snapped[miss[i2]] = True
    return res, snapped


def _check_balance(ledger: Ledger, table: str, file: str, kept: int) -> None:
    f = ledger.files
    rec = f[(f["table"] == table) & (f["file"] == file)].iloc[0]
    if int(rec["rows_kept"]) != kept:  # pragma: no cover - an internal bug, never user input
        raise AssertionError(
            f"ledger out of balance for {file}: ledger says {rec['rows_kept']} kept, table has {kept}"
        )


# ----------------------------------------------------------------------------
# Sectors
# ----------------------------------------------------------------------------
def load_sectors(
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

    acrs = check_metric_crs(crs)
    raw = _open(source, "sectors", encoding, sep, sheet, layer)
    fields = _resolve_fields("sectors", raw.frame, preset, columns, raw.file)
    if raw.geometry is None and "wkt" not in fields:
        raise DataError(
            f"{raw.file}: cannot load sectors: no geometry (a GIS file, or a CSV with a WKT column) / "
            f"aucune géométrie. Columns found / colonnes trouvées: {list(map(str, raw.frame.columns))}"
        )
    _require("sectors", raw, fields, [("sector_id",)], preset)
    ledger = Ledger()
    ctx = _Ctx("sectors", raw, fields, ledger)
    _file_notes(ctx)
    ctx.reject_empty_rows()
    ids = ctx.text("sector_id").to_numpy(dtype=object)
    ctx.reject(ids == "", "sector_id", "id_missing")
    geoms, present = ctx.geometry_from_source(acrs, source_crs, "polygon")
    ctx.reject(~present, "wkt" if "wkt" in fields else "geometry", "geometry_missing")
    geoms = ctx.repair_geometries(
        geoms, "wkt" if "wkt" in fields else "geometry", ("Polygon", "MultiPolygon")
    )
    import shapely

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
        pop, bad = parse_floats(ctx.col("population"))
        ctx.flag(bad, "population", "value_invalid", values=ctx.text("population"))
        neg = np.isfinite(pop) & (pop < 0)
        ctx.flag(neg, "population", "value_out_of_range", values=ctx.text("population"))
        pop = np.where(neg, np.nan, pop)
    ctx.flag(~np.isfinite(pop), "population", "population_missing")
    keep = ctx.alive
    out = gpd.GeoDataFrame(
        {
            "sector_id": pd.array(ids[keep], dtype="str"),
            "name": pd.array(name[keep], dtype="str"),
            "population": pop[keep].astype("float64"),
            "source_row": raw.rows[keep],
        },
        geometry=gpd.GeoSeries(
            shapely.force_2d(np.asarray(geoms[keep])) if keep.any() else [], crs=acrs
        ),
    )
    _check_balance(ledger, "sectors", raw.file, len(out))
    return Loaded(out, ledger)


# ----------------------------------------------------------------------------
# Measures
# ----------------------------------------------------------------------------
def _optional_metres(ctx: Any, col: str, n: int, *, zero_ok: bool, detail: str) -> np.ndarray:
    """An optional distance column in metres: NaN where absent; bad or negative values
    (or zero, unless ``zero_ok``) are flagged in the ledger and left to the default."""
    if not ctx.has(col):
        return np.full(n, np.nan)
    vals, bad = parse_floats(ctx.col(col))
    out_of_range = np.isfinite(vals) & ((vals < 0) if zero_ok else (vals <= 0))
    ctx.flag(bad | out_of_range, col, "value_invalid", values=ctx.text(col), detail=detail)
    return np.where(out_of_range, np.nan, vals)


def load_measures(
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
    ids are flagged, never dropped.

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
    n = len(raw.frame)
    ctx.reject_empty_rows()
    ctx.reject_exact_duplicates("reject")
    ids = ctx.ids("measure_id", "", rename_conflicts=False)
    name = ctx.text("name").to_numpy(dtype=object)
    ctx.flag(name == "", "name", "name_missing", detail="the id is used as name")
    name = np.where(name == "", ids, name)
    name_en = ctx.text("name_en").to_numpy(dtype=object) if ctx.has("name_en") else name.copy()
    name_en = np.where(name_en == "", name, name_en)
    pillar = _map_aliases(ctx.col("pillar"), _PILLAR_ALIASES).to_numpy(dtype=object)
    ctx.reject(~np.isin(pillar, schema.PILLARS), "pillar", "pillar_invalid", values=ctx.text("pillar"),
               detail=f"allowed: {', '.join(schema.PILLARS)}")  # fmt: skip
    kind = ctx.text("kind")
    kind_norm = norm_keys(kind).str.replace(" ", "_", regex=False).to_numpy(dtype=object)
    kind_norm = np.where(kind_norm == "", "other", kind_norm)

    # lists
    cat_alias = taxonomy_mod.alias_map(tax)
    tcat_raw = (
        split_list(ctx.col("target_categories"))
        if ctx.has("target_categories")
        else pd.Series([()] * n)
    )
    tcat, unknown_cat = [], np.zeros(n, dtype=bool)
    unknown_vals = np.full(n, "", dtype=object)
    for i, items in enumerate(tcat_raw):
        codes = [cat_alias.get(norm_key(x), "") for x in items]
        bad = [x for x, c in zip(items, codes, strict=True) if not c]
        if bad:
            unknown_cat[i] = True
            unknown_vals[i] = ";".join(bad)
        tcat.append(tuple(dict.fromkeys(c for c in codes if c)))
    ctx.flag(
        unknown_cat, "target_categories", "category_unknown", values=unknown_vals, detail="ignored"
    )
    tshift_raw = (
        split_list(ctx.col("target_shifts")) if ctx.has("target_shifts") else pd.Series([()] * n)
    )
    tshift = [tuple(_SHIFT_ALIASES.get(norm_key(x), "") for x in items) for items in tshift_raw]
    bad_shift = np.array([any(s == "" for s in items) for items in tshift], dtype=bool)
    ctx.flag(bad_shift, "target_shifts", "shift_unknown", values=tshift_raw.map(";".join))
    tshift = [tuple(s for s in items if s) for items in tshift]
    partners_l = split_list(ctx.col("partners")) if ctx.has("partners") else pd.Series([()] * n)
    fsect = (
        split_list(ctx.col("footprint_sectors"))
        if ctx.has("footprint_sectors")
        else pd.Series([()] * n)
    )

    # dates and cost
    start = (
        parse_datetimes(ctx.col("start"))
        if ctx.has("start")
        else pd.Series(pd.NaT, index=range(n), dtype="datetime64[us]")
    )
    end = (
        parse_datetimes(ctx.col("end"))
        if ctx.has("end")
        else pd.Series(pd.NaT, index=range(n), dtype="datetime64[us]")
    )
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
    inv = (end < start).fillna(False).to_numpy()
    ctx.flag(inv, "end", "date_range_inverted", values=end.astype("str"))
    start, end = start.where(~inv, end), end.where(~inv, start)
    cost = np.full(n, np.nan)
    if ctx.has("cost"):
        cost, badc = parse_floats(ctx.col("cost"))
        ctx.flag(badc, "cost", "value_invalid", values=ctx.text("cost"))
    ring = _optional_metres(ctx, "buffer_m", n, zero_ok=False, detail="default ring width used")
    reach = _optional_metres(ctx, "reach_m", n, zero_ok=True, detail="default reach used")

    # geometry and footprint
    geoms, present = ctx.geometry_from_source(acrs, source_crs, "any")
    if present.any():
        geoms = ctx.repair_geometries(geoms, "wkt" if ctx.has("wkt") else "geometry",
                                      ("Point", "MultiPoint", "LineString", "MultiLineString", "Polygon", "MultiPolygon"))  # fmt: skip
    gfoot = np.array([_footprint_of(g) for g in geoms], dtype=object)
    if ctx.has("footprint"):
        fp = _map_aliases(ctx.col("footprint"), _FOOTPRINT_ALIASES).to_numpy(dtype=object)
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
    geo_fp = np.isin(fp, ["point", "line", "polygon"])
    nogeom = geo_fp & (gfoot == "")
    ctx.flag(nogeom, "footprint", "geometry_missing", values=fp, detail="footprint set to none")
    fp = np.where(nogeom, np.where(has_sect, "sectors", "none"), fp)
    if sectors is not None:
        known = set(sectors["sector_id"].astype("str"))
        bad_s = np.array([any(s not in known for s in items) for items in fsect], dtype=bool)
        ctx.flag(bad_s, "footprint_sectors", "sector_unknown",
                 values=[";".join(s for s in items if s not in known) for items in fsect])  # fmt: skip
        fsect = pd.Series([tuple(s for s in items if s in known) for items in fsect])
    if partners is not None:
        known_p = set(partners["partner_id"].astype("str"))
        bad_p = np.array([any(p not in known_p for p in items) for items in partners_l], dtype=bool)
        ctx.flag(bad_p, "partners", "partner_unknown",
                 values=[";".join(p for p in items if p not in known_p) for items in partners_l],
                 detail="kept; add it to the partners file")  # fmt: skip

    keep = ctx.alive
    sel = np.flatnonzero(keep)
    out = gpd.GeoDataFrame(
        {
            "measure_id": pd.array(ids[keep], dtype="str"),
            "name": pd.array(name[keep], dtype="str"),
            "name_en": pd.array(name_en[keep], dtype="str"),
            "pillar": pd.array(pillar[keep], dtype="str"),
            "kind": pd.array(kind_norm[keep], dtype="str"),
            "partners": pd.Series([partners_l.iloc[i] for i in sel], dtype=object).to_numpy(),
            "target_categories": pd.Series([tcat[i] for i in sel], dtype=object).to_numpy(),
            "target_shifts": pd.Series([tshift[i] for i in sel], dtype=object).to_numpy(),
            "start": start.to_numpy()[keep],
            "end": end.to_numpy()[keep],
            "footprint": pd.array(fp[keep], dtype="str"),
            "footprint_sectors": pd.Series([fsect.iloc[i] for i in sel], dtype=object).to_numpy(),
            "cost": cost[keep],
            "reach_m": reach[keep],
            "buffer_m": ring[keep],
            "source_row": raw.rows[keep],
        },
        geometry=gpd.GeoSeries(geoms[keep] if keep.any() else [], crs=acrs),
    )
    # only geometric footprints keep a geometry
    out.loc[~out["footprint"].isin(["point", "line", "polygon"]).to_numpy(), "geometry"] = None
    _check_balance(ledger, "measures", raw.file, len(out))
    return Loaded(out, ledger)


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


# ----------------------------------------------------------------------------
# Survey
# ----------------------------------------------------------------------------
_CONCERN_ALIASES: dict[str, str] | None = None


def _concern_aliases() -> dict[str, str]:
    global _CONCERN_ALIASES
    if _CONCERN_ALIASES is None:
        from . import i18n

        m = {}
        for c in schema.CONCERNS:
            m[norm_key(c)] = c
            for lang in i18n.LANGS:
                m[norm_key(i18n.t(f"concern.{c}", lang))] = c
        m.update({"cambriolage": "burglary", "vol de vehicule": "vehicle_crime", "vitesse": "traffic",
                  "drogue": "drugs", "fraude": "fraud_cyber", "gangs": "youth_gangs", "incivilites": "disorder",
                  "vandalisme": "disorder", "violence": "violence"})  # fmt: skip
        _CONCERN_ALIASES = m
    return _CONCERN_ALIASES


def load_survey(
    source: Source,
    *,
    preset: str = "generic",
    columns: Mapping[str, str] | None = None,
    sectors: pd.DataFrame | None = None,
    encoding: str | None = None,
    sep: str | None = None,
    sheet: str | int | None = None,
) -> Loaded:
    """Load citizen survey responses into the canonical survey table.

    Feelings of safety must be on the 1–5 scale (1 = very unsafe, 5 = very
    safe); other values are flagged and set missing. Concerns are codes of
    :data:`~diagnostic_lib.schema.CONCERNS` (French or English labels accepted);
    unknown ones are flagged and left out of the tuple. A missing weight is 1.

    Examples
    --------
    >>> import pandas as pd
    >>> df = pd.DataFrame({"secteur": ["S1", "S1"], "securite_nuit": ["2", "9"],
    ...                    "preoccupations": ["Cambriolages;vitesse", ""]})
    >>> s, led = load_survey(df)
    >>> s["safety_night"].tolist(), s["concerns"].tolist()
    ([2.0, nan], [('burglary', 'traffic'), ()])
    >>> led.entries["reason"].tolist()
    ['value_out_of_range']
    """
    raw = _open(source, "survey", encoding, sep, sheet, None)
    fields = _resolve_fields("survey", raw.frame, preset, columns, raw.file)
    _require("survey", raw, fields, [("sector",)], preset)
    ledger = Ledger()
    ctx = _Ctx("survey", raw, fields, ledger)
    _file_notes(ctx)
    n = len(raw.frame)
    ctx.reject_empty_rows()
    ctx.reject_exact_duplicates("reject" if ctx.has("respondent_id") else "flag")
    ids = ctx.ids("respondent_id", "", rename_conflicts=False)
    sector = ctx.text("sector").to_numpy(dtype=object)
    ctx.flag(sector == "", "sector", "sector_missing")
    if sectors is not None:
        known = set(sectors["sector_id"].astype("str"))
        ctx.flag(
            (sector != "") & ~pd.Series(sector).isin(known).to_numpy(),
            "sector",
            "sector_unknown",
            values=sector,
        )
    date = (
        parse_datetimes(ctx.col("date"))
        if ctx.has("date")
        else pd.Series(pd.NaT, index=range(n), dtype="datetime64[us]")
    )
    if ctx.has("date"):
        t = ctx.text("date")
        ctx.flag(((t != "") & date.isna()).to_numpy(), "date", "date_unparseable", values=t)
    scores = {}
    for fld in ("safety_day", "safety_night"):
        v = np.full(n, np.nan)
        if ctx.has(fld):
            v, bad = parse_floats(ctx.col(fld))
            ctx.flag(bad, fld, "value_invalid", values=ctx.text(fld))
            oor = np.isfinite(v) & ((v < 1) | (v > 5))
            ctx.flag(oor, fld, "value_out_of_range", values=ctx.text(fld), detail="expected 1 to 5")
            v = np.where(oor, np.nan, v)
        scores[fld] = v
    aliases = _concern_aliases()
    conc_raw = split_list(ctx.col("concerns")) if ctx.has("concerns") else pd.Series([()] * n)
    conc, bad_c, bad_v = [], np.zeros(n, dtype=bool), np.full(n, "", dtype=object)
    done: dict[tuple, tuple[tuple, str]] = {}  # each distinct list of items is read once
    for i, items in enumerate(conc_raw):
        if items not in done:
            codes = [aliases.get(norm_key(x), "") for x in items]
            bad = [x for x, c in zip(items, codes, strict=True) if not c]
            done[items] = (tuple(dict.fromkeys(c for c in codes if c)), ";".join(bad))
        kept, bad_text = done[items]
        if bad_text:
            bad_c[i] = True
            bad_v[i] = bad_text
        conc.append(kept)
    ctx.flag(bad_c, "concerns", "concern_unknown", values=bad_v, detail="ignored")
    w = np.ones(n)
    if ctx.has("weight"):
        w, badw = parse_floats(ctx.col("weight"))
        neg = np.isfinite(w) & (w <= 0)
        ctx.flag(
            badw | neg,
            "weight",
            "value_invalid",
            values=ctx.text("weight"),
            detail="weight set to 1",
        )
        w = np.where(np.isfinite(w) & ~neg, w, 1.0)
    keep = ctx.alive
    sel = np.flatnonzero(keep)
    out = pd.DataFrame(
        {
            "respondent_id": pd.array(ids[keep], dtype="str"),
            "sector": pd.array(np.where(sector[keep] == "", None, sector[keep]), dtype="str"),
            "date": date.to_numpy()[keep],
            "safety_day": scores["safety_day"][keep],
            "safety_night": scores["safety_night"][keep],
            "concerns": pd.Series([conc[i] for i in sel], dtype=object).to_numpy(),
            "weight": w[keep],
            "source_row": raw.rows[keep],
        }
    )
    _check_balance(ledger, "survey", raw.file, len(out))
    return Loaded(out, ledger)


# ----------------------------------------------------------------------------
# Partners
# ----------------------------------------------------------------------------
def load_partners(
    source: Source,
    *,
    preset: str = "generic",
    columns: Mapping[str, str] | None = None,
    sectors: pd.DataFrame | None = None,
    encoding: str | None = None,
    sep: str | None = None,
    sheet: str | int | None = None,
) -> Loaded:
    """Load partner organisations into the canonical partners table.

    ``expertise`` is a list of lower-case codes (e.g. ``cybercrime;fraud``);
    ``sectors_served`` empty (or ``all``/``toutes``) means the whole municipality.

    Examples
    --------
    >>> import pandas as pd
    >>> df = pd.DataFrame({"id": ["P1"], "nom": ["Cyber-Aide"], "expertise": ["Cybercrime; Fraud"],
    ...                    "secteurs_desservis": ["toutes"]})
    >>> p, led = load_partners(df)
    >>> p[["partner_id", "expertise", "sectors_served"]].values.tolist()
    [['P1', ('cybercrime', 'fraud'), ()]]
    """
    raw = _open(source, "partners", encoding, sep, sheet, None)
    fields = _resolve_fields("partners", raw.frame, preset, columns, raw.file)
    _require("partners", raw, fields, [("partner_id",), ("name",)], preset)
    ledger = Ledger()
    ctx = _Ctx("partners", raw, fields, ledger)
    _file_notes(ctx)
    n = len(raw.frame)
    ctx.reject_empty_rows()
    ctx.reject_exact_duplicates("reject")
    ids = ctx.ids("partner_id", "", rename_conflicts=False)
    name = ctx.text("name").to_numpy(dtype=object)
    ctx.flag(name == "", "name", "name_missing", detail="the id is used as name")
    name = np.where(name == "", ids, name)
    name_en = ctx.text("name_en").to_numpy(dtype=object) if ctx.has("name_en") else name.copy()
    name_en = np.where(name_en == "", name, name_en)
    kind = ctx.text("kind").to_numpy(dtype=object)
    expertise = split_list(ctx.col("expertise")) if ctx.has("expertise") else pd.Series([()] * n)
    expertise = [tuple(norm_key(x).replace(" ", "_") for x in items) for items in expertise]
    served = (
        split_list(ctx.col("sectors_served")) if ctx.has("sectors_served") else pd.Series([()] * n)
    )
    served = [
        ()
        if any(norm_key(x) in ("all", "toutes", "tous", "toute la ville") for x in items)
        else items
        for items in served
    ]
    if sectors is not None:
        known = set(sectors["sector_id"].astype("str"))
        bad = np.array([any(s not in known for s in items) for items in served], dtype=bool)
        ctx.flag(
            bad,
            "sectors_served",
            "sector_unknown",
            values=[";".join(s for s in it if s not in known) for it in served],
        )
    keep = ctx.alive
    sel = np.flatnonzero(keep)
    out = pd.DataFrame(
        {
            "partner_id": pd.array(ids[keep], dtype="str"),
            "name": pd.array(name[keep], dtype="str"),
            "name_en": pd.array(name_en[keep], dtype="str"),
            "kind": pd.array(kind[keep], dtype="str"),
            "expertise": pd.Series([expertise[i] for i in sel], dtype=object).to_numpy(),
            "sectors_served": pd.Series([tuple(served[i]) for i in sel], dtype=object).to_numpy(),
            "source_row": raw.rows[keep],
        }
    )
    _check_balance(ledger, "partners", raw.file, len(out))
    return Loaded(out, ledger)


# ----------------------------------------------------------------------------
# Places (environment features, for risk terrain)
# ----------------------------------------------------------------------------
def load_places(
    source: Source,
    *,
    preset: str = "generic",
    columns: Mapping[str, str] | None = None,
    crs: Any = schema.DEFAULT_CRS,
    source_crs: Any = None,
    encoding: str | None = None,
    sep: str | None = None,
    layer: str | int | None = None,
) -> Loaded:
    """Load environment features (bars, parking lots, transit stops, ...).

    Returns a GeoDataFrame with ``place_id, kind, name, geometry`` (any
    geometry type). Rows without a geometry are rejected.

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
        raise DataError(
            f"{raw.file}: cannot load places: no geometry. Columns found: {list(map(str, raw.frame.columns))}"
        )
    ledger = Ledger()
    ctx = _Ctx("places", raw, fields, ledger)
    ctx.reject_empty_rows()
    geoms, present = ctx.geometry_from_source(acrs, source_crs, "any")
    ctx.reject(~present, "geometry", "geometry_missing")
    geoms = ctx.repair_geometries(
        geoms,
        "geometry",
        ("Point", "MultiPoint", "LineString", "MultiLineString", "Polygon", "MultiPolygon"),
    )
    ids = ctx.ids("place_id", "", rename_conflicts=True)
    kind = norm_keys(ctx.text("kind")).str.replace(" ", "_", regex=False).to_numpy(dtype=object)
    name = ctx.text("name").to_numpy(dtype=object)
    keep = ctx.alive
    out = gpd.GeoDataFrame(
        {
            "place_id": pd.array(ids[keep], dtype="str"),
            "kind": pd.array(kind[keep], dtype="str"),
            "name": pd.array(name[keep], dtype="str"),
            "source_row": raw.rows[keep],
        },
        geometry=gpd.GeoSeries(geoms[keep] if keep.any() else [], crs=acrs),
    )
    _check_balance(ledger, "places", raw.file, len(out))
    return Loaded(out, ledger)


# ----------------------------------------------------------------------------
# A whole diagnosis
# ----------------------------------------------------------------------------
@dataclass
class Diagnostic:
    """One municipality's whole data set, loaded and checked.

    Attributes
    ----------
    config : Config
    sectors, incidents, measures, survey, partners, places : DataFrame or None
        Canonical tables (``None`` when the config has no such file).
    ledger : Ledger
        The combined ledger of every file.
    taxonomy, weights : DataFrame
        The category taxonomy and severity weights in use.
    """

    config: Any
    sectors: pd.DataFrame
    incidents: pd.DataFrame
    measures: pd.DataFrame | None
    survey: pd.DataFrame | None
    partners: pd.DataFrame | None
    places: pd.DataFrame | None
    ledger: Ledger
    taxonomy: pd.DataFrame
    weights: pd.DataFrame

    @property
    def lang(self) -> str:
        """The report language of the config."""
        return self.config.language

    @property
    def boundary(self):
        """The municipality's outline (union of the sectors)."""
        import shapely

        return shapely.union_all(np.asarray(self.sectors.geometry.array))


def load_diagnostic(config_path: str | PathLike[str] | Any, *, now: Any = None) -> Diagnostic:
    """Load one municipality's whole set from its ``diagnostic.toml``.

    Loads the sectors first (to assign incidents to sectors and check their
    positions), then partners (to check the measures' partner ids), incidents,
    measures, survey and places, and combines every ledger.

    Parameters
    ----------
    config_path : path or Config
        The config file (or an already-loaded :class:`~diagnostic_lib.config.Config`).
    now : timestamp, optional
        Reference "now" for dates in the future.

    Returns
    -------
    Diagnostic

    Raises
    ------
    ConfigError, DataError
        The config or a file cannot be used at all (sectors and incidents are
        required).

    Examples
    --------
    >>> from diagnostic_lib import sample
    >>> d = load_diagnostic(sample.sample_dir() / "diagnostic.toml")
    >>> d.ledger.is_balanced(), len(d.sectors) >= 8
    (True, True)
    """
    from .config import Config, load_config

    cfg = config_path if isinstance(config_path, Config) else load_config(config_path)
    tax = taxonomy_mod.load_taxonomy(cfg.taxonomy_path)
    weights = taxonomy_mod.load_severity_weights(cfg.severity_path, tax)
    ledger = Ledger()
    for needed in ("sectors", "incidents"):
        if needed not in cfg.data:
            raise DataError(
                f"{cfg.path}: the config has no [data.{needed}] entry; sectors and incidents are required"
            )

    def spec(t: str):
        s = cfg.data[t]
        return str(s.path), s.preset, s.columns, s.options

    p, pre, cols, opt = spec("sectors")
    sectors, led = load_sectors(
        p,
        preset=pre,
        columns=cols,
        crs=cfg.crs,
        **_pick(opt, ("source_crs", "encoding", "sep", "layer")),
    )
    ledger.extend(led)
    if len(sectors) == 0:
        raise DataError(f"{p}: no usable sector polygon / aucun secteur utilisable")
    partners = None
    if "partners" in cfg.data:
        p, pre, cols, opt = spec("partners")
        partners, led = load_partners(
            p, preset=pre, columns=cols, sectors=sectors, **_pick(opt, ("encoding", "sep", "sheet"))
        )
        ledger.extend(led)
    p, pre, cols, opt = spec("incidents")
    period = (cfg.period_start, cfg.period_end) if (cfg.period_start or cfg.period_end) else None
    incidents, led = load_incidents(
        p, preset=pre, columns=cols, sectors=sectors, crs=cfg.crs, taxonomy=tax, period=period, now=now,
        outside=str(cfg.param("outside")), snap_tolerance=float(cfg.param("snap_tolerance_m")),
        **_pick(opt, ("source_crs", "duplicates", "date_only", "precision", "encoding", "sep", "sheet", "layer")),
    )  # fmt: skip
    ledger.extend(led)
    measures = survey = places = None
    if "measures" in cfg.data:
        p, pre, cols, opt = spec("measures")
        measures, led = load_measures(p, preset=pre, columns=cols, crs=cfg.crs, taxonomy=tax, sectors=sectors,
                                      partners=partners, **_pick(opt, ("source_crs", "encoding", "sep", "sheet", "layer")))  # fmt: skip
        ledger.extend(led)
    if "survey" in cfg.data:
        p, pre, cols, opt = spec("survey")
        survey, led = load_survey(
            p, preset=pre, columns=cols, sectors=sectors, **_pick(opt, ("encoding", "sep", "sheet"))
        )
        ledger.extend(led)
    if "places" in cfg.data:
        p, pre, cols, opt = spec("places")
        places, led = load_places(
            p,
            preset=pre,
            columns=cols,
            crs=cfg.crs,
            **_pick(opt, ("source_crs", "encoding", "sep", "layer")),
        )
        ledger.extend(led)
    return Diagnostic(
        cfg, sectors, incidents, measures, survey, partners, places, ledger, tax, weights
    )


def _pick(opts: Mapping[str, Any], keys: tuple[str, ...]) -> dict[str, Any]:
    return {k: opts[k] for k in keys if k in opts}
