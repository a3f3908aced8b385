"""Canonical data model: the five tables every step of the diagnosis reads.

Every loader turns a user's export into one of these tables; every analysis
function takes them as input. Columns, types and allowed values are defined here
once, so that the loaders, the sample generator, the tests and the README agree.

All geometries are in one *metric* coordinate reference system (CRS), by default
EPSG:32188 (NAD83 / MTM zone 8, Québec). Dates are naive local timestamps
(``datetime64[us]``, local time of the municipality, no time zone).

Tables
------
incidents (GeoDataFrame, point geometry, may be empty for unlocated events)
    ``incident_id`` (str, unique), ``occurred_from`` (datetime),
    ``occurred_to`` (datetime, NaT when the time is known exactly),
    ``category`` (str, canonical code of the taxonomy), ``family`` (str, one of
    :data:`FAMILIES`), ``category_label`` (str, the label found in the source),
    ``shift`` (str, one of :data:`SHIFTS`, given or derived from the hour),
    ``sector`` (str, sector id or missing), ``precision`` (str, one of
    :data:`PRECISIONS`), ``geometry`` (Point or None).
sectors (GeoDataFrame, polygons)
    ``sector_id`` (str, unique), ``name`` (str), ``population`` (float, residents),
    ``geometry`` (Polygon or MultiPolygon).
measures (GeoDataFrame; geometry may be empty)
    ``measure_id`` (str), ``name`` (str), ``pillar`` (one of :data:`PILLARS`),
    ``kind`` (str, e.g. one of :data:`MEASURE_KINDS`), ``partners`` (tuple of
    partner ids), ``target_categories`` (tuple of category codes; empty = all),
    ``targets_unmapped`` (bool, a target category of the source has no code: the
    measure is not evaluated until it is mapped), ``target_categories_unmapped``
    (tuple of those source labels), ``target_shifts`` (tuple of shifts; empty =
    all), ``start`` and ``end`` (datetime, NaT when unknown / still running), ``footprint`` (one of
    :data:`FOOTPRINTS`), ``footprint_sectors`` (tuple of sector ids, for
    ``footprint == "sectors"``), ``cost`` (float, CAD per year, may be NaN),
    ``reach_m`` (float, how far around a point or line footprint the measure
    acts, in metres; NaN = the library default), ``buffer_m`` (float, width
    of the ring around the treated area where displacement or diffusion is
    looked for when the measure is evaluated; NaN = the default),
    ``geometry`` (Point, LineString, Polygon or None).
survey (DataFrame)
    ``respondent_id`` (str), ``sector`` (str), ``date`` (datetime),
    ``safety_day`` and ``safety_night`` (float, 1 = very unsafe .. 5 = very safe),
    ``concerns`` (tuple of concern codes, see :data:`CONCERNS`), ``weight`` (float,
    1.0 when not given).
partners (DataFrame)
    ``partner_id`` (str), ``name`` (str), ``kind`` (str, kind of organisation),
    ``expertise`` (tuple of str, e.g. ``("cybercrime", "aines")``),
    ``sectors_served`` (tuple of sector ids; empty = the whole municipality).
    No personal data.

List-valued columns are stored in files as text separated by ``;`` or ``|`` and
held in memory as tuples (hashable, immutable).

Examples
--------
>>> from diagnostic_lib import schema
>>> schema.TABLES["sectors"].required
('sector_id', 'geometry')
>>> "fraud_cyber" in schema.FAMILIES
True
"""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any

import numpy as np

DEFAULT_CRS = "EPSG:32188"
"""NAD83 / MTM zone 8, the default metric CRS for Québec."""

FAMILIES: tuple[str, ...] = ("property", "violent", "disorder", "traffic", "fraud_cyber", "other")
"""Category families."""

SHIFTS: tuple[str, ...] = ("jour", "soir", "nuit")
"""Police shifts: ``jour`` 08:00–15:59, ``soir`` 16:00–23:59, ``nuit`` 00:00–07:59."""

SHIFT_START_HOURS: dict[str, int] = {"nuit": 0, "jour": 8, "soir": 16}

TIME_PRECISIONS: tuple[str, ...] = ("exact", "hour", "shift", "day", "week", "month", "longer")
"""How precisely an incident's time is known, from its range: none, ≤ 1 h, ≤ 8 h, ≤ 24 h,
≤ 7 days, ≤ 31 days, longer."""
MIN_YEARS_ANNUAL: float = 0.99
"""Shortest data period (in years) given yearly figures: shorter, a "year" would be a season."""

GRID_SECTOR_ID: str = r"[GH]-r\d+c\d+"
"""Pattern of the ids of sectors made as a grid (``G-r03c07``, ``H-r03c07``): codes, not names."""
PRECISIONS: tuple[str, ...] = ("exact", "intersection", "block", "sector", "none")
"""Location precision, from best to worst. ``sector`` and ``none`` have no point."""

PILLARS: tuple[str, ...] = ("rapprochement", "partenariat", "resolution", "prevention")
"""The four pillars of community policing (Québec model)."""

FOOTPRINTS: tuple[str, ...] = ("point", "line", "polygon", "sectors", "municipality", "none")
"""Where a preventive measure acts."""

MEASURE_KINDS: tuple[str, ...] = (
    "lighting",
    "foot_patrol",
    "hot_spot_patrol",
    "cameras",
    "awareness_campaign",
    "youth_programme",
    "target_hardening",
    "community_meeting",
    "environmental_design",
    "venue_management",
    "traffic_calming",
    "outreach",
    "other",
)
"""Usual kinds of measures (free text is accepted; these have labels)."""

CONCERNS: tuple[str, ...] = (
    "burglary",
    "vehicle_crime",
    "violence",
    "disorder",
    "drugs",
    "traffic",
    "fraud_cyber",
    "youth_gangs",
)
"""Concern codes of the citizen survey."""

WALK_CATEGORIES: tuple[str, ...] = (
    "lighting",
    "natural_surveillance",
    "hiding_place",
    "neglect",
    "feeling_unsafe",
    "other",
)
"""Categories of a safety-walk or CPTED-audit observation (*marche exploratoire*)."""

WALK_SEVERITIES: tuple[int, ...] = (1, 2, 3)
"""Severity of a walk observation: 1 low, 2 medium, 3 high."""

CONCERN_FAMILY: dict[str, str] = {
    "burglary": "property",
    "vehicle_crime": "property",
    "violence": "violent",
    "disorder": "disorder",
    "drugs": "other",
    "traffic": "traffic",
    "fraud_cyber": "fraud_cyber",
    "youth_gangs": "violent",
}
"""The family of recorded incidents each survey concern refers to."""


@dataclass(frozen=True)
class Column:
    """One canonical column: its name, kind and whether it is required."""

    name: str
    kind: str  # "str", "datetime", "float", "bool", "tuple", "geometry", "category"
    required: bool = False
    allowed: tuple[str, ...] | None = None
    doc: str = ""


@dataclass(frozen=True)
class Table:
    """A canonical table: its columns and its key."""

    name: str
    key: str
    columns: tuple[Column, ...]
    geometry: str | None = None  # expected geometry kind, or None for plain tables
    doc: str = ""
    aliases: dict[str, tuple[str, ...]] = field(default_factory=dict)

    @property
    def names(self) -> tuple[str, ...]:
        """Canonical column names, in order."""
        return tuple(c.name for c in self.columns)

    @property
    def required(self) -> tuple[str, ...]:
        """Columns that must be found (after mapping) for the file to be usable."""
        return tuple(c.name for c in self.columns if c.required)

    def column(self, name: str) -> Column:
        """The column called ``name``.

        Raises
        ------
        KeyError
            When the table has no such column.
        """
        for c in self.columns:
            if c.name == name:
                return c
        raise KeyError(name)


INCIDENTS = Table(
    name="incidents",
    key="incident_id",
    geometry="point",
    doc="One row per recorded incident.",
    columns=(
        Column("incident_id", "str", doc="Unique id (generated when the source has none)."),
        Column(
            "occurred_from", "datetime", required=True, doc="Start of the time the event occurred."
        ),
        Column(
            "occurred_to", "datetime", doc="End of the range, for events known only by a range."
        ),
        Column(
            "time_precision",
            "category",
            allowed=TIME_PRECISIONS,
            doc="How precisely the time is known (from the range's width).",
        ),
        Column("category", "str", required=True, doc="Canonical category code."),
        Column("family", "category", allowed=FAMILIES, doc="Family of the category."),
        Column("category_label", "str", doc="Category label as found in the source."),
        Column("shift", "category", allowed=SHIFTS, doc="Shift, given or derived from the hour."),
        Column("sector", "str", doc="Sector id (given, or from a point-in-polygon join)."),
        Column("precision", "category", allowed=PRECISIONS, doc="Location precision."),
        Column("geometry", "geometry", doc="Point in the analysis CRS, or None."),
    ),
)

SECTORS = Table(
    name="sectors",
    key="sector_id",
    geometry="polygon",
    doc="Sectors (police neighbourhood units) covering the municipality.",
    columns=(
        Column("sector_id", "str", required=True),
        Column("name", "str"),
        Column("population", "float", doc="Residents, the denominator of rates."),
        Column("geometry", "geometry", required=True),
    ),
)

MEASURES = Table(
    name="measures",
    key="measure_id",
    geometry="any",
    doc="Preventive measures in place, planned or ended.",
    columns=(
        Column("measure_id", "str", required=True),
        Column("name", "str", required=True),
        Column("name_en", "str", doc="English name, when the source gives one."),
        Column("pillar", "category", required=True, allowed=PILLARS),
        Column("kind", "str"),
        Column("partners", "tuple"),
        Column("target_categories", "tuple", doc="Category codes targeted; empty = all."),
        Column(
            "targets_unmapped",
            "bool",
            doc="A target category of the source has no code: not evaluated until it is mapped.",
        ),
        Column(
            "target_categories_unmapped",
            "tuple",
            doc="The source's target categories that have no code (see ``[taxonomy.aliases]``).",
        ),
        Column("target_shifts", "tuple"),
        Column("start", "datetime"),
        Column("end", "datetime"),
        Column("footprint", "category", allowed=FOOTPRINTS),
        Column("footprint_sectors", "tuple"),
        Column("cost", "float"),
        Column(
            "reach_m",
            "float",
            doc="How far around a point or line footprint the measure acts (metres).",
        ),
        Column(
            "buffer_m",
            "float",
            doc="Width of the displacement ring used to evaluate the measure (metres).",
        ),
        Column("geometry", "geometry"),
    ),
)

SURVEY = Table(
    name="survey",
    key="respondent_id",
    geometry=None,
    doc="Citizen survey responses (one row per respondent).",
    columns=(
        Column("respondent_id", "str"),
        Column("sector", "str", required=True),
        Column("date", "datetime"),
        Column("safety_day", "float", doc="1 (very unsafe) to 5 (very safe)."),
        Column("safety_night", "float", doc="1 (very unsafe) to 5 (very safe)."),
        Column("concerns", "tuple", doc="Concern codes."),
        Column("weight", "float", doc="Survey weight (1.0 when not given)."),
        Column(
            "cluster",
            "str",
            doc="Sampling cluster of a cluster sample (block, street segment, venue…); "
            "missing for a simple random sample.",
        ),
    ),
)

PARTNERS = Table(
    name="partners",
    key="partner_id",
    geometry=None,
    doc="Partner organisations (no personal data).",
    columns=(
        Column("partner_id", "str", required=True),
        Column("name", "str", required=True),
        Column("name_en", "str", doc="English name, when the source gives one."),
        Column("kind", "str"),
        Column("expertise", "tuple"),
        Column("sectors_served", "tuple"),
    ),
)

INCIDENT_PROVENANCE: tuple[str, ...] = (
    "incident_id",
    "source_row",
    "category_label",
    "time_precision",
    "precision",
)
"""Columns of the incidents that describe the record, not the event: its id, its row in the
source, the source's own label, and how precisely its date and position were recorded (the
loader's checks and the report's data quality read those two; the analyses read the date
range and the point they produced). No analysis of the four steps reads them, so they stay
behind when the incidents are sent to the worker process (:mod:`diagnostic_lib.workers`)."""

TABLES: dict[str, Table] = {t.name: t for t in (INCIDENTS, SECTORS, MEASURES, SURVEY, PARTNERS)}
"""The five canonical tables by name."""


def shift_from_hour(hour: Any) -> np.ndarray:
    """Derive the shift from an hour of the day (vectorised).

    Parameters
    ----------
    hour : array-like of int
        Hours 0–23.

    Returns
    -------
    numpy.ndarray of str
        ``"nuit"`` for 0–7, ``"jour"`` for 8–15, ``"soir"`` for 16–23.

    Examples
    --------
    >>> list(shift_from_hour([0, 8, 15, 16, 23]))
    ['nuit', 'jour', 'jour', 'soir', 'soir']
    """
    h = np.asarray(hour)
    if h.ndim == 0:
        return np.where(h < 8, "nuit", np.where(h < 16, "jour", "soir")).astype(object)
    # one object per shift name, not one string per row (a million rows at scale)
    return _SHIFT_NAMES[np.searchsorted(_SHIFT_BOUNDS, h, side="right")]


_SHIFT_NAMES = np.array(["nuit", "jour", "soir"], dtype=object)
_SHIFT_BOUNDS = np.array([8, 16])
