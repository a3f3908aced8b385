"""The sample's preventive measures (fixed) and their planted effects.

:data:`_MEASURES` is the table of the 18 measures, as written to ``measures.geojson``,
with what was planted: the effect class (``effective``, ``null``, ``displacing``,
``too_recent``, ``not_evaluable``, ``planned``, ``none_planted``), the exact multipliers of
the Poisson intensity in the treated area and in the buffer ring after the start date, and
the problems each measure addresses. A measure's footprint is a named area of the fixed
geography (``site``); :func:`_measure_areas` derives its treated area and buffer ring.
"""

from __future__ import annotations

import functools
from dataclasses import dataclass
from typing import Any

import numpy as np

from .constants import _T0
from .geography import _geo
from .geometry import _clean


@dataclass(frozen=True, kw_only=True)
class _Measure:
    """A preventive measure of the sample, with its planted effect."""

    measure_id: str
    name: str
    name_en: str
    pillar: str
    kind: str
    partners: tuple[str, ...]
    target_categories: tuple[str, ...]
    target_shifts: tuple[str, ...] = ()
    start: str
    end: str = ""
    footprint: str
    footprint_sectors: tuple[str, ...] = ()
    cost: float | None
    site: str | None = None  # the area of the fixed geography (_Geo) that is the footprint
    planted_effect: str
    treated_multiplier: float | None
    buffer_multiplier: float | None = None
    buffer_m: float | None = None
    treated_buffer_m: float | None = None  # width of the treated area around a line or point
    addresses: tuple[str, ...] = ()
    note: str

    @property
    def geometry(self) -> Any:
        """The footprint's shapely geometry (tile 0), or None."""
        return None if self.site is None else getattr(_geo(), self.site)


_VEH = ("vehicle_theft", "theft_from_vehicle")
_NIGHT_DISORDER = ("mischief", "disturbance")

_MEASURES: tuple[_Measure, ...] = (
    _Measure(
        measure_id="M01",
        name="Éclairage du parc des Érables",
        name_en="Lighting of Parc des Érables",
        pillar="prevention",
        kind="lighting",
        partners=("P01",),
        target_categories=_NIGHT_DISORDER,
        target_shifts=("soir", "nuit"),
        start="2024-04-01",
        footprint="polygon",
        cost=85000.0,
        site="park",
        planted_effect="effective",
        treated_multiplier=0.6,
        buffer_multiplier=0.85,
        buffer_m=200.0,
        addresses=("park_night_mischief",),
        note=(
            "Night mischief and disturbance in the park fall to 60 % (RES ≈ 1.67); diffusion of "
            "benefits in the 200 m ring (85 %)."
        ),
    ),
    _Measure(
        measure_id="M02",
        name="Patrouille à pied sur la rue Saint-Joseph",
        name_en="Foot patrol on rue Saint-Joseph",
        pillar="rapprochement",
        kind="foot_patrol",
        partners=("P10",),
        target_categories=("theft", "mischief"),
        start="2023-07-01",
        footprint="line",
        cost=60000.0,
        site="street",
        planted_effect="null",
        treated_multiplier=1.0,
        buffer_multiplier=1.0,
        buffer_m=200.0,
        treated_buffer_m=50.0,
        addresses=("saint_joseph_street",),
        note="No change at all after the start (planted null effect).",
    ),
    _Measure(
        measure_id="M03",
        name="Caméras au stationnement du Carrefour des Hérons",
        name_en="Cameras on the Carrefour des Hérons parking lot",
        pillar="prevention",
        kind="cameras",
        partners=("P07",),
        target_categories=_VEH,
        start="2025-01-01",
        footprint="polygon",
        cost=40000.0,
        site="mall_lot",
        planted_effect="displacing",
        treated_multiplier=0.55,
        buffer_multiplier=1.55,
        buffer_m=300.0,
        addresses=("vehicle_shopping_centre",),
        note=(
            "Vehicle crime on the lot falls to 55 % but rises by 55 % in the 300 m ring "
            "(displacement, WDQ < 0)."
        ),
    ),
    _Measure(
        measure_id="M04",
        name="Patrouille ciblée au stationnement incitatif",
        name_en="Targeted patrol at the park-and-ride",
        pillar="resolution",
        kind="hot_spot_patrol",
        partners=("P08",),
        target_categories=_VEH,
        target_shifts=("jour",),
        start="2025-10-01",
        footprint="polygon",
        cost=30000.0,
        site="park_and_ride",
        planted_effect="too_recent",
        treated_multiplier=0.8,
        buffer_multiplier=1.0,
        buffer_m=200.0,
        addresses=("vehicle_park_and_ride",),
        note="Started three months before the end of the data: too recent to evaluate.",
    ),
    _Measure(
        measure_id="M05",
        name="Entente avec l'Association des bars du centre-ville",
        name_en="Agreement with the downtown bar association",
        pillar="partenariat",
        kind="venue_management",
        partners=("P06",),
        target_categories=("assault", "assault_armed", "mischief", "disturbance"),
        target_shifts=("nuit",),
        start="2022-03-01",
        footprint="line",
        cost=15000.0,
        site="strip",
        planted_effect="not_evaluable",
        treated_multiplier=1.0,
        buffer_multiplier=1.0,
        buffer_m=200.0,
        treated_buffer_m=40.0,
        addresses=("bar_strip",),
        note="Started two months after the start of the data: no before-period.",
    ),
    _Measure(
        measure_id="M06",
        name="Rencontres citoyennes de quartier",
        name_en="Neighbourhood community meetings",
        pillar="rapprochement",
        kind="community_meeting",
        partners=("P01",),
        target_categories=("burglary", "mischief", "disturbance", "traffic"),
        start="2023-01-01",
        footprint="municipality",
        cost=12000.0,
        planted_effect="none_planted",
        treated_multiplier=1.0,
        addresses=("perception_gap",),
        note="Municipality-wide; no planted effect on incidents.",
    ),
    _Measure(
        measure_id="M07",
        name="Formation des policiers en police communautaire",
        name_en="Officer training in community policing",
        pillar="rapprochement",
        kind="other",
        partners=("P04",),
        target_categories=("assault", "disturbance", "mischief"),
        start="2022-09-01",
        footprint="none",
        cost=None,
        planted_effect="none_planted",
        treated_multiplier=None,
        note="No footprint, no geometry, unknown cost.",
    ),
    _Measure(
        measure_id="M08",
        name="Programme de sécurisation résidentielle",
        name_en="Residential target-hardening programme",
        pillar="prevention",
        kind="target_hardening",
        partners=("P01",),
        target_categories=("burglary",),
        start="2022-05-01",
        end="2023-04-30",
        footprint="sectors",
        footprint_sectors=("S07", "S08"),
        cost=50000.0,
        planted_effect="none_planted",
        treated_multiplier=1.0,
        addresses=("residential_burglary",),
        note="Ended measure; no planted effect.",
    ),
    _Measure(
        measure_id="M09",
        name="Programme jeunesse « Ados en action »",
        name_en="Youth programme 'Teens in action'",
        pillar="partenariat",
        kind="youth_programme",
        partners=("P02", "P99"),
        target_categories=_NIGHT_DISORDER,
        target_shifts=("soir", "nuit"),
        start="2023-09-01",
        footprint="sectors",
        footprint_sectors=("S06", "S10"),
        cost=70000.0,
        planted_effect="none_planted",
        treated_multiplier=1.0,
        addresses=("park_night_mischief",),
        note="Its partner P99 is not in partners.csv (unknown partner).",
    ),
    _Measure(
        measure_id="M10",
        name="Caméras de surveillance au centre-ville",
        name_en="Downtown surveillance cameras",
        pillar="prevention",
        kind="cameras",
        partners=("P01", "P06"),
        target_categories=("assault", "assault_armed", "mischief"),
        target_shifts=("nuit",),
        start="2027-01-01",
        footprint="polygon",
        cost=120000.0,
        site="downtown_cameras",
        planted_effect="planned",
        treated_multiplier=None,
        addresses=("bar_strip",),
        note="Planned: starts after the end of the data.",
    ),
    _Measure(
        measure_id="M11",
        name="Apaisement de la circulation, boulevard du Plateau",
        name_en="Traffic calming on boulevard du Plateau",
        pillar="resolution",
        kind="traffic_calming",
        partners=("P01", "P12"),
        target_categories=("traffic",),
        start="2023-06-01",
        footprint="line",
        cost=90000.0,
        site="traffic_calming",
        planted_effect="none_planted",
        treated_multiplier=1.0,
        buffer_multiplier=1.0,
        buffer_m=200.0,
        treated_buffer_m=30.0,
        note="No planted effect.",
    ),
    _Measure(
        measure_id="M12",
        name="Intervention de proximité en dépendances",
        name_en="Addiction outreach downtown",
        pillar="partenariat",
        kind="outreach",
        partners=("P03", "P13"),
        target_categories=("drugs",),
        start="2022-10-01",
        footprint="sectors",
        footprint_sectors=("S01",),
        cost=65000.0,
        planted_effect="none_planted",
        treated_multiplier=1.0,
        note="No planted effect.",
    ),
    _Measure(
        measure_id="M13",
        name="Aménagement sécuritaire du secteur de la gare (CPTED)",
        name_en="Crime prevention through environmental design at the station",
        pillar="prevention",
        kind="environmental_design",
        partners=("P01", "P08"),
        target_categories=("theft", "mischief", *_VEH),
        start="2023-10-01",
        footprint="polygon",
        cost=150000.0,
        site="station_area",
        planted_effect="none_planted",
        treated_multiplier=1.0,
        buffer_multiplier=1.0,
        buffer_m=200.0,
        addresses=("vehicle_park_and_ride",),
        note="No planted effect (vehicle crime at the lot is unchanged).",
    ),
    _Measure(
        measure_id="M14",
        name="Surveillance de quartier du Domaine-des-Pins",
        name_en="Domaine-des-Pins neighbourhood watch",
        pillar="partenariat",
        kind="other",
        partners=("P11",),
        target_categories=("burglary",),
        start="2023-03-01",
        footprint="sectors",
        footprint_sectors=("S05",),
        cost=3000.0,
        planted_effect="none_planted",
        treated_multiplier=1.0,
        addresses=("perception_gap",),
        note="Addresses fear more than recorded crime.",
    ),
    _Measure(
        measure_id="M15",
        name="Patrouille à vélo estivale au centre-ville",
        name_en="Summer bicycle patrol downtown",
        pillar="rapprochement",
        kind="foot_patrol",
        partners=("P03",),
        target_categories=("disturbance", "mischief", "theft"),
        target_shifts=("soir",),
        start="2022-06-01",
        footprint="sectors",
        footprint_sectors=("S01",),
        cost=45000.0,
        planted_effect="none_planted",
        treated_multiplier=1.0,
        addresses=("bar_strip",),
        note="Evening presence; no planted effect.",
    ),
    _Measure(
        measure_id="M16",
        name="Sécurité routière aux abords de la polyvalente",
        name_en="School-zone road safety",
        pillar="prevention",
        kind="traffic_calming",
        partners=("P12",),
        target_categories=("traffic",),
        target_shifts=("jour",),
        start="2022-09-01",
        footprint="point",
        cost=8000.0,
        site="school_zone",
        planted_effect="none_planted",
        treated_multiplier=1.0,
        buffer_multiplier=1.0,
        buffer_m=200.0,
        treated_buffer_m=100.0,
        note="Point footprint; no planted effect.",
    ),
    _Measure(
        measure_id="M17",
        name="Campagne de prévention des introductions",
        name_en="Break-in prevention campaign",
        pillar="prevention",
        kind="awareness_campaign",
        partners=("P01",),
        target_categories=("burglary",),
        start="2024-09-01",
        footprint="sectors",
        footprint_sectors=("S07", "S08", "S09"),
        cost=10000.0,
        planted_effect="none_planted",
        treated_multiplier=1.0,
        addresses=("residential_burglary",),
        note="No planted effect.",
    ),
    _Measure(
        measure_id="M18",
        name="Table de concertation en sécurité urbaine",
        name_en="Urban safety round table",
        pillar="partenariat",
        kind="community_meeting",
        partners=("P01", "P03", "P04", "P13"),
        target_categories=("assault", "drugs", "mischief", "disturbance"),
        start="2022-02-01",
        footprint="municipality",
        cost=5000.0,
        planted_effect="none_planted",
        treated_multiplier=1.0,
        note="No planted effect.",
    ),
)


def _minutes(date: str) -> int:
    """Minutes from the start of the period to the start of ``date``."""
    return int((np.datetime64(date, "D") - _T0).astype(int)) * 1440


@functools.cache
def _measure_areas() -> dict[str, tuple[Any, Any]]:
    """Treated area and buffer ring of each measure with a geometric footprint."""
    out = {}
    for m in _MEASURES:
        if m.geometry is None:
            continue
        if m.footprint == "polygon":
            treated = m.geometry
        else:
            treated = _clean(m.geometry.buffer(m.treated_buffer_m or 0.0))
        ring = None
        if m.buffer_m:
            ring = _clean(treated.buffer(m.buffer_m).difference(treated))
        out[m.measure_id] = (treated, ring)
    return out
