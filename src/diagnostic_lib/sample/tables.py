"""The sample's tables in memory: incidents, sectors, places, measures, partners.

:func:`generate_tables` builds the frames that the writers serialise: the incidents from
the simulation, the fixed sectors, places, measures and partners (repeated for every copy
of the town when ``scale`` > 1), the survey and the raw export.
"""

from __future__ import annotations

from collections.abc import Iterable

import geopandas as gpd
import numpy as np
import pandas as pd
import shapely

from .. import schema
from .constants import _N_DAYS, _PRECISIONS, CATEGORIES, CRS, DEFAULT_SEED, PERIOD_START, TABLE_KEYS
from .events import _Events, _shift_codes
from .geography import _N_SECTORS, _geo, _sid
from .planted_measures import _MEASURES
from .raw_export import _raw_export_frame
from .simulation import _simulate
from .survey import _survey_frame
from .text_columns import _ascii_digits, _to_str_array
from .tiles import _expand_sectors, _sector_ids, _tile_offsets, _tile_suffix, _translate
from .time_profiles import _calendar
from .walks import _walks_frame


def _incidents_frame(ev: _Events, scale: int) -> pd.DataFrame:
    """The simulated events as the incidents table (sorted by time, ids RH-YYYY-NNNNN)."""
    order = np.argsort(ev.t, kind="stable")
    ev = ev.take(order)
    n = len(ev)
    day = ev.t // 1440
    year = _calendar()["year"][np.minimum(day, _N_DAYS - 1)]
    first = np.searchsorted(year, year, side="left")  # year is sorted
    seq = np.arange(n) - first + 1
    width = max(5, len(str(int(seq.max()) if n else 1)))
    buf = np.zeros((n, 8 + width), np.uint8)
    buf[:, 0:3] = np.frombuffer(b"RH-", np.uint8)
    _ascii_digits(buf, 3, year, 4)
    buf[:, 7] = ord("-")
    _ascii_digits(buf, 8, seq, width)
    base = np.datetime64(PERIOD_START, "m")
    occurred_from = (base + ev.t.astype("timedelta64[m]")).astype("datetime64[us]")
    to = np.where(ev.t_to >= 0, ev.t_to, 0).astype("timedelta64[m]")
    occurred_to = (base + to).astype("datetime64[us]")
    occurred_to[ev.t_to < 0] = np.datetime64("NaT")
    dx, dy = _tile_offsets(ev.tile, scale)
    sector_code = np.where(ev.sec >= 0, ev.tile.astype(np.int64) * _N_SECTORS + ev.sec, -1)
    ids = _sector_ids(scale)
    shift = _shift_codes(ev.t, ev.t_to)
    shift_codes = np.where(shift == 3, -1, shift)
    return pd.DataFrame(
        {
            "incident_id": _to_str_array(buf),
            "occurred_from": occurred_from,
            "occurred_to": occurred_to,
            "category": pd.Categorical.from_codes(ev.cat.astype(np.int64), CATEGORIES),
            "shift": pd.Categorical.from_codes(shift_codes, list(schema.SHIFTS)),
            "sector": pd.Categorical.from_codes(sector_code, ids),
            "x": ev.x + dx,
            "y": ev.y + dy,
            "precision": pd.Categorical.from_codes(ev.prec.astype(np.int64), list(_PRECISIONS)),
        }
    )


# id, name, English name, kind, expertise, sectors served
_PARTNERS: tuple[tuple[str, str, str, str, tuple[str, ...], tuple[str, ...]], ...] = (
    (
        "P01",
        "Ville de Rivière-aux-Hérons – Travaux publics et urbanisme",
        "Town of Rivière-aux-Hérons – Public works and planning",
        "municipality",
        ("lighting", "urban_design", "traffic_safety", "parking"),
        (),
    ),
    (
        "P02",
        "Maison des jeunes L'Envol",
        "L'Envol youth centre",
        "community_organisation",
        ("youth",),
        ("S06", "S10"),
    ),
    (
        "P03",
        "Travail de rue Le Phare",
        "Le Phare street outreach",
        "community_organisation",
        ("youth", "addiction", "mental_health"),
        ("S01", "S02"),
    ),
    (
        "P04",
        "Centre d'aide aux victimes des Hérons",
        "Hérons victim assistance centre",
        "victim_services",
        ("victims",),
        (),
    ),
    (
        "P05",
        "Table de concertation des aînés",
        "Seniors' round table",
        "community_organisation",
        ("seniors",),
        (),
    ),
    (
        "P06",
        "Association des bars et restaurants du centre-ville",
        "Downtown bars and restaurants association",
        "business_association",
        ("licensed_venues",),
        ("S01",),
    ),
    (
        "P07",
        "Carrefour des Hérons – administration du centre commercial",
        "Carrefour des Hérons shopping centre management",
        "private_company",
        ("retail", "parking"),
        ("S03",),
    ),
    (
        "P08",
        "Réseau de transport des Hérons",
        "Hérons transit network",
        "transit_agency",
        ("transit", "parking"),
        (),
    ),
    (
        "P09",
        "Cyber-Aide Québec",
        "Cyber-Aide Québec",
        "non_profit",
        ("cybercrime", "fraud", "seniors"),
        (),
    ),
    (
        "P10",
        "Société de développement commercial Saint-Joseph",
        "Saint-Joseph business improvement association",
        "business_association",
        ("retail",),
        ("S08",),
    ),
    (
        "P11",
        "Comité de surveillance de quartier du Domaine-des-Pins",
        "Domaine-des-Pins neighbourhood watch committee",
        "citizen_committee",
        ("neighbourhood_watch",),
        ("S05",),
    ),
    (
        "P12",
        "Centre de services scolaire des Hérons",
        "Hérons school service centre",
        "school_board",
        ("schools", "youth", "traffic_safety"),
        (),
    ),
    (
        "P13",
        "Centre de réadaptation en dépendance Le Tremplin",
        "Le Tremplin addiction centre",
        "health_network",
        ("addiction", "mental_health"),
        (),
    ),
)
_CYBER_PARTNER = "P09"
_UNKNOWN_PARTNER = "P99"


def _sectors_frame(scale: int) -> gpd.GeoDataFrame:
    """Sectors of every copy of the town: id, name, population, polygon."""
    g = _geo()
    tiles = np.repeat(np.arange(scale), _N_SECTORS)
    dx, dy = _tile_offsets(tiles, scale)
    geoms = np.tile(g.sectors, scale)
    coords_shift = np.c_[dx, dy]
    geoms = np.array(
        [
            shapely.transform(p, lambda c, d=d: c + d)
            for p, d in zip(geoms, coords_shift, strict=True)
        ]
        if scale > 1
        else list(geoms),
        dtype=object,
    )
    names = [n if scale == 1 else f"{n} ({t + 1})" for t in range(scale) for n in g.sector_names]
    return gpd.GeoDataFrame(
        {
            "sector_id": _sector_ids(scale).astype(str),
            "name": names,
            "population": np.tile(g.population, scale),
        },
        geometry=gpd.GeoSeries(geoms, crs=CRS),
    )


def _places_frame(scale: int) -> gpd.GeoDataFrame:
    """Places of every copy of the town: id, kind, name, point or polygon."""
    g = _geo()
    rows = []
    for t in range(scale):
        for pid, kind, name, geom in g.places[["place_id", "kind", "name", "geometry"]].itertuples(
            index=False
        ):
            rows.append((pid + _tile_suffix(t, scale), kind, name, _translate(geom, t, scale)))
    df = pd.DataFrame(rows, columns=["place_id", "kind", "name", "geometry"])
    return gpd.GeoDataFrame(df, geometry="geometry", crs=CRS)


def _date_or_nat(s: str) -> pd.Timestamp:
    """A date, or NaT for an empty string."""
    return pd.Timestamp(s) if s else pd.NaT


def _measures_frame(scale: int) -> gpd.GeoDataFrame:
    """The measures of every copy of the town, as written to ``measures.geojson``."""
    rows = []
    for t in range(scale):
        for m in _MEASURES:
            fs = m.footprint_sectors
            if scale > 1:
                fs = tuple(_sector_ids(scale)[t * _N_SECTORS + _sid(s)] for s in fs)
            rows.append(
                {
                    "measure_id": m.measure_id + _tile_suffix(t, scale),
                    "name": m.name,
                    "name_en": m.name_en,
                    "pillar": m.pillar,
                    "kind": m.kind,
                    "partners": m.partners,
                    "target_categories": m.target_categories,
                    "target_shifts": m.target_shifts,
                    "start": _date_or_nat(m.start),
                    "end": _date_or_nat(m.end),
                    "footprint": m.footprint,
                    "footprint_sectors": fs,
                    "cost": np.nan if m.cost is None else float(m.cost),
                    "reach_m": np.nan if m.treated_buffer_m is None else float(m.treated_buffer_m),
                    "buffer_m": np.nan if m.buffer_m is None else float(m.buffer_m),
                    "geometry": _translate(m.geometry, t, scale),
                }
            )
    df = pd.DataFrame(rows)
    df["start"] = df["start"].astype("datetime64[us]")
    df["end"] = df["end"].astype("datetime64[us]")
    return gpd.GeoDataFrame(df, geometry="geometry", crs=CRS)


def _partners_frame(scale: int) -> pd.DataFrame:
    """The partners (ids fixed; the sectors served are expanded to every copy)."""
    return pd.DataFrame(
        [
            {
                "partner_id": pid,
                "name": name,
                "name_en": name_en,
                "kind": kind,
                "expertise": expertise,
                "sectors_served": _expand_sectors(served, scale) if scale > 1 else served,
            }
            for pid, name, name_en, kind, expertise, served in _PARTNERS
        ]
    )


def generate_tables(
    seed: int = DEFAULT_SEED, scale: int = 1, only: Iterable[str] | None = None
) -> dict[str, pd.DataFrame]:
    """Build the sample's tables in memory.

    Parameters
    ----------
    seed : int, default DEFAULT_SEED
        Seed of the random realisation (incidents, survey, raw export). The geography,
        measures and partners are fixed.
    scale : int, default 1
        ``k`` copies of the town tiled side by side (new sector, place and measure ids,
        same period 2022–2025), so that the number of incidents grows linearly with
        ``k``: about 15,000 × ``k``. ``scale=1`` is the shipped sample.
    only : iterable of str, optional
        Build only these keys (e.g. ``("incidents",)`` for the fast path used by
        calibration tests). Default: all of :data:`TABLE_KEYS`.

    Returns
    -------
    dict of str to DataFrame or GeoDataFrame
        ``sectors``, ``places`` and ``measures`` are GeoDataFrames in EPSG:32188; list
        columns are tuples and dates are ``datetime64[us]``. ``incidents`` mirrors
        ``incidents.csv`` (``x``/``y`` floats, NaN when unlocated; categorical columns
        to stay light at millions of rows). ``raw_export`` holds the text of each
        field of ``incidents_raw_export.csv`` plus a ``defect`` column (not written).

    Examples
    --------
    >>> t = generate_tables(only=("incidents", "sectors"))
    >>> sorted(t)
    ['incidents', 'sectors']
    >>> list(t["sectors"]["sector_id"][:3])
    ['S01', 'S02', 'S03']
    >>> t["incidents"]["category"].isin(CATEGORIES).all()
    np.True_
    """
    keys = TABLE_KEYS if only is None else tuple(only)
    unknown = set(keys) - set(TABLE_KEYS)
    if unknown:
        raise ValueError(f"unknown table(s): {sorted(unknown)}")
    scale = int(scale)
    if scale < 1:
        raise ValueError("scale must be a positive integer")
    out: dict[str, pd.DataFrame] = {}
    if "sectors" in keys:
        out["sectors"] = _sectors_frame(scale)
    if "incidents" in keys or "raw_export" in keys:
        incidents = _incidents_frame(_simulate(seed, scale), scale)
        if "incidents" in keys:
            out["incidents"] = incidents
        if "raw_export" in keys:
            out["raw_export"] = _raw_export_frame(incidents, seed)
    if "measures" in keys:
        out["measures"] = _measures_frame(scale)
    if "survey" in keys:
        out["survey"] = _survey_frame(seed, scale)
    if "partners" in keys:
        out["partners"] = _partners_frame(scale)
    if "places" in keys:
        out["places"] = _places_frame(scale)
    if "walks" in keys:
        out["walks"] = _walks_frame(scale)
    return {k: out[k] for k in TABLE_KEYS if k in out}
