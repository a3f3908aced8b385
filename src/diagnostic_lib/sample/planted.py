"""The ground truth: what was planted in the sample, as written to the manifest.

:func:`ground_truth` describes the town (boundary, sectors), the conventions (how effects,
treated areas, rings and shifts are defined), every planted problem (sector, categories,
geometry, time windows, expected sizes), the patterns (seasonality, background), every
measure's planted effect and areas, which measures cover which problem, and the raw
export's defects. Expected sizes are model expectations at scale 1 (from the daily
intensities of :mod:`.problems`); the seed only changes the realisation. One function per
planted problem below, in the order of the manifest.
"""

from __future__ import annotations

import functools
import json
from typing import Any

import numpy as np

from .background import (
    _BACKGROUND_PER_YEAR,
    _BACKGROUND_PRECISION,
    _GENERATORS,
    _HOMICIDE_MAX,
)
from .constants import _N_DAYS, CRS, PERIOD_END, PERIOD_START, TOWN_NAME
from .geography import _SECTOR_SPECS, _geo
from .geometry import _bbox, _clean, _wkt
from .planted_measures import _MEASURES, _NIGHT_DISORDER, _measure_areas, _minutes
from .problems import (
    _BURGLARY_FOLLOWER_MEAN,
    _BURGLARY_SECTOR_WEIGHTS,
    _BURGLARY_SECTORS,
    _MALL_RING_PER_YEAR,
    _PARK_PER_YEAR,
    _PARK_RING_PER_YEAR,
    _STREET_PER_YEAR,
    _STRIP_SPLIT,
    _lam,
)
from .raw_export import _RAW_DEFECTS, RAW_EXPORT_START
from .survey import _CONCERN_BASE, _CONCERN_SECTOR, _SURVEY_NIGHT
from .tables import _CYBER_PARTNER, _UNKNOWN_PARTNER
from .time_profiles import _SEASON_AMPLITUDE, _SEASON_PEAK_DOY, _calendar, _season
from .walks import _walks_truth

_EFFECT_CLASSES = (
    "effective",
    "null",
    "displacing",
    "too_recent",
    "not_evaluable",
    "planned",
    "none_planted",
)
"""The planted-effect classes of the measures, in the manifest's order."""


def _expected(name: str, lo: str | None = None, hi: str | None = None) -> float:
    """Expected events of a planted component between two dates (scale 1, no effects)."""
    lam = _lam()[name]
    a = 0 if lo is None else _minutes(lo) // 1440
    b = _N_DAYS if hi is None else _minutes(hi) // 1440
    return round(float(lam[max(a, 0) : min(b, _N_DAYS)].sum()), 1)


def _shift_day(date: str, days: int) -> str:
    """``date`` moved by ``days`` days (ISO text)."""
    return str(np.datetime64(date, "D") + days)


def _bar_strip_truth() -> dict[str, Any]:
    """The bar strip on rue Principale (S01): the top problem."""
    g = _geo()
    strip_zone = _clean(g.strip.buffer(40))
    return {
        "kind": "hot_spot",
        "description": "Bar strip on rue Principale: violence and disorder on Friday "
        "and Saturday nights 22:00–03:00, summer peak.",
        "sector": "S01",
        "categories": list(_STRIP_SPLIT),
        "category_shares": _STRIP_SPLIT,
        "geometry_wkt": _wkt(g.strip),
        "length_m": round(g.strip.length, 1),
        "zone_buffer_m": 40.0,
        "zone_wkt": _wkt(strip_zone),
        "bbox": _bbox(strip_zone),
        "weekdays": ["Fri", "Sat"],
        "hours": ["22:00", "03:00"],
        "note": "Times after midnight fall on Saturday and Sunday early hours.",
        "season_amplitude": 0.35,
        "expected_events": _expected("bar_strip"),
        "top_problem": True,
    }


def _residential_burglary_truth() -> dict[str, Any]:
    """The residential break-in series with near-repeat followers (S07–S09)."""
    lam = _lam()
    return {
        "kind": "repeat_victimisation",
        "description": "Weekday daytime break-ins in three residential sectors, with "
        "near-repeat followers; many known only by a time range.",
        "sector": None,
        "sectors": list(_BURGLARY_SECTORS),
        "sector_weights": dict(zip(_BURGLARY_SECTORS, _BURGLARY_SECTOR_WEIGHTS, strict=True)),
        "categories": ["burglary"],
        "weekdays": ["Mon", "Tue", "Wed", "Thu", "Fri"],
        "hours": ["09:00", "17:00"],
        "weekend_share_initiators": round(0.6 / 5.6, 3),
        "range_types": {
            "workday": ["08:00", "17:30"],
            "weekend_away": ["Fri 18:00", "Mon 08:00"],
        },
        "workday_range_share": 0.30,
        "expected_range_share_approx": 0.40,
        "expected_initiators": round(float(lam["burglary_initiators"].sum()), 1),
        "follower_mean_per_initiator": _BURGLARY_FOLLOWER_MEAN,
        "expected_follower_share_approx": round(
            _BURGLARY_FOLLOWER_MEAN / (1 + _BURGLARY_FOLLOWER_MEAN), 3
        ),
        "near_repeat": {
            "distance_m": [50.0, 200.0],
            "days": [1, 14],
            "lag_weights": "exp(-(k - 1) / 6), k = 1..14",
            "expect": "Knox ratio > 1, p < 0.05 for 0–200 m × 0–14 days",
        },
        "precision": {"exact": 0.85, "block": 0.15},
        "expected_events_approx": round(
            float(lam["burglary_initiators"].sum()) * (1 + _BURGLARY_FOLLOWER_MEAN), 0
        ),
    }


def _vehicle_park_and_ride_truth() -> dict[str, Any]:
    """Vehicle crime on the park-and-ride lot (S02)."""
    g = _geo()
    return {
        "kind": "hot_spot",
        "description": "Thefts of and from vehicles on the park-and-ride lot, weekdays "
        "07:00–18:00 (30 % known as the range 07:00–18:00).",
        "sector": "S02",
        "categories": ["theft_from_vehicle", "vehicle_theft"],
        "category_shares": {"theft_from_vehicle": 0.7, "vehicle_theft": 0.3},
        "geometry_wkt": _wkt(g.park_and_ride),
        "bbox": _bbox(g.park_and_ride),
        "weekdays": ["Mon", "Tue", "Wed", "Thu", "Fri"],
        "hours": ["07:00", "18:00"],
        "expected_events": _expected("park_and_ride"),
        "expect": "significant Getis–Ord Gi* hot spot on a 200 m grid",
    }


def _vehicle_shopping_centre_truth() -> dict[str, Any]:
    """Vehicle crime on the shopping-centre lot (S03), and its ring."""
    g = _geo()
    return {
        "kind": "hot_spot",
        "description": "Thefts of and from vehicles on the shopping-centre lot, "
        "10:00–21:00, busier on Fridays and Saturdays.",
        "sector": "S03",
        "categories": ["theft_from_vehicle", "vehicle_theft"],
        "category_shares": {"theft_from_vehicle": 0.75, "vehicle_theft": 0.25},
        "geometry_wkt": _wkt(g.mall_lot),
        "bbox": _bbox(g.mall_lot),
        "hours": ["10:00", "21:00"],
        "expected_events_before_measure": _expected("mall_lot", hi="2024-01-01"),
        "expected_events_without_measure": _expected("mall_lot"),
        "ring_m": 300.0,
        "ring_expected_events_per_year_before": _MALL_RING_PER_YEAR,
        "expect": "significant Getis–Ord Gi* hot spot on a 200 m grid",
    }


def _seasonality_truth() -> dict[str, Any]:
    """The seasonal pattern (summer peak) of property and disorder."""
    cal = _calendar()
    return {
        "kind": "temporal",
        "description": "Summer peak and winter trough for property and disorder.",
        "families": ["property", "disorder"],
        "intensity": "1 + A cos(2π (day_of_year − 196) / 365.25)",
        "amplitude": {k: v for k, v in _SEASON_AMPLITUDE.items()},
        "peak_day_of_year": _SEASON_PEAK_DOY,
        "expected_ratio_jun_aug_to_mean": round(
            float(_season(0.4)[np.isin(cal["month_of_year"], (6, 7, 8))].mean()), 3
        ),
        "expected_ratio_dec_feb_to_mean": round(
            float(_season(0.4)[np.isin(cal["month_of_year"], (12, 1, 2))].mean()), 3
        ),
    }


def _fraud_cyber_rise_truth() -> dict[str, Any]:
    """The rising fraud and cyber-fraud: the problem no measure covers."""
    lam = _lam()
    cal = _calendar()
    return {
        "kind": "trend",
        "description": "Fraud and cyber-fraud rising steadily; no precise location.",
        "sector": None,
        "categories": ["fraud", "cyber_fraud"],
        "expected_per_year": {
            str(y): round(
                float(sum(lam[c][cal["year"] == y].sum() for c in ("fraud", "cyber_fraud"))), 1
            )
            for y in (2022, 2023, 2024, 2025)
        },
        "expected_per_year_by_category": {
            c: {
                str(y): round(float(lam[c][cal["year"] == y].sum()), 1)
                for y in (2022, 2023, 2024, 2025)
            }
            for c in ("fraud", "cyber_fraud")
        },
        "precision": {"sector": 0.70, "none": 0.30},
        "range_share": 0.30,
        "uncovered": True,
        "suggested_partner": _CYBER_PARTNER,
        "expect": "last 12 months vs previous 12: significant rise (E-test)",
    }


def _park_night_mischief_truth() -> dict[str, Any]:
    """Night mischief and disturbance in Parc des Érables (S06)."""
    g = _geo()
    return {
        "kind": "hot_spot",
        "description": "Night mischief and disturbance in Parc des Érables, 22:00–04:00.",
        "sector": "S06",
        "categories": list(_NIGHT_DISORDER),
        "category_shares": {"mischief": 0.75, "disturbance": 0.25},
        "geometry_wkt": _wkt(g.park),
        "bbox": _bbox(g.park),
        "hours": ["22:00", "04:00"],
        "expected_per_month_before_measure": round(_PARK_PER_YEAR / 12, 1),
        "expected_events_12m_before_measure": _expected("park_night", "2023-04-01", "2024-04-01"),
        "ring_m": 200.0,
        "ring_expected_events_per_year": _PARK_RING_PER_YEAR,
    }


def _saint_joseph_street_truth() -> dict[str, Any]:
    """Theft and mischief along rue Saint-Joseph (S08)."""
    g = _geo()
    return {
        "kind": "hot_spot",
        "description": "Theft and mischief along the commercial rue Saint-Joseph "
        "(10:00–22:00); target of the null foot patrol.",
        "sector": "S08",
        "categories": ["theft", "mischief"],
        "geometry_wkt": _wkt(g.street),
        "zone_buffer_m": 50.0,
        "expected_events_per_year": _STREET_PER_YEAR,
    }


def _perception_gap_truth() -> dict[str, Any]:
    """The perception gap: Domaine-des-Pins (S05) fears most, records little."""
    sid = _geo().sector_ids
    return {
        "kind": "perception",
        "description": "Domaine-des-Pins has among the lowest recorded crime rates but the "
        "highest fear (lowest night safety, most concerns); Centre-ville has the highest "
        "recorded rate but only moderate fear.",
        "sector": "S05",
        "gap_sector": "S05",
        "high_crime_moderate_fear_sector": "S01",
        "top_concerns": ["burglary", "youth_gangs"],
        "planted_night_safety_mean": _SURVEY_NIGHT,
        "planted_concern_probabilities": {
            s: {c: _CONCERN_SECTOR.get(s, {}).get(c, v) for c, v in _CONCERN_BASE.items()}
            for s in sid
        },
    }


def _background_truth() -> dict[str, Any]:
    """The background crime around the planted problems."""
    return {
        "kind": "background",
        "description": "Theft, mischief, disturbance, drugs, traffic, assaults, a few "
        "robberies and 0–2 homicides, spread by population × sector attractiveness and "
        "near generators (bars, parkings, transit stops, schools, parks, shopping "
        "centres); monthly gamma multipliers (shape 20) per sector × category.",
        "expected_per_year": _BACKGROUND_PER_YEAR,
        "homicide_max_total": _HOMICIDE_MAX,
        "gamma_shape": 20.0,
        "generators": {k: {"share": v[0], "kinds": v[1]} for k, v in _GENERATORS.items()},
        "precision": dict(
            zip(("exact", "intersection", "block", "sector"), _BACKGROUND_PRECISION, strict=True)
        ),
    }


def _problems() -> dict[str, Any]:
    """The planted problems, by id (the problems a diagnosis should find and address)."""
    return {
        "bar_strip": _bar_strip_truth(),
        "residential_burglary": _residential_burglary_truth(),
        "vehicle_park_and_ride": _vehicle_park_and_ride_truth(),
        "vehicle_shopping_centre": _vehicle_shopping_centre_truth(),
        "fraud_cyber_rise": _fraud_cyber_rise_truth(),
        "park_night_mischief": _park_night_mischief_truth(),
        "saint_joseph_street": _saint_joseph_street_truth(),
        "perception_gap": _perception_gap_truth(),
    }


def _patterns() -> dict[str, Any]:
    """Patterns of the data that are not problems to address."""
    return {"seasonality": _seasonality_truth(), "background": _background_truth()}


def _town_truth() -> dict[str, Any]:
    """The town: name, CRS, extent, boundary, population and sectors."""
    g = _geo()
    sectors = {s[0]: {"name": s[1], "population": s[5], "role": s[6]} for s in _SECTOR_SPECS}
    return {
        "name": TOWN_NAME,
        "crs": CRS,
        "bbox": _bbox(g.boundary),
        "area_m2": round(g.boundary.area, 1),
        "boundary_wkt": _wkt(g.boundary),
        "population": int(g.population.sum()),
        "river": "Rivière aux Hérons, the southern boundary",
        "sectors": sectors,
    }


def _conventions() -> dict[str, str]:
    """How the planted effects, treated areas, rings, shifts and scale are defined."""
    return {
        "effects": "A measure multiplies the Poisson intensity of the events of its "
        "target categories and target shifts (empty = all; events with no shift, i.e. "
        "ranges longer than 8 h, match only an empty list) whose reported point lies in "
        "the treated area (or the buffer ring) and whose occurred_from is on or after the "
        "start date (and before the end date + 1 day).",
        "treated_area": "polygon footprint: the polygon; line or point footprint: the "
        "geometry buffered by treated_buffer_m; sectors/municipality: the sectors.",
        "buffer_ring": "treated area buffered by buffer_m, minus the treated area.",
        "shift": "jour 08:00–15:59, soir 16:00–23:59, nuit 00:00–07:59, from occurred_from; "
        "empty when the range is longer than 8 h.",
        "scale": "scale k tiles k copies of the town (same planted structure in each).",
    }


def _measures_truth() -> dict[str, dict[str, Any]]:
    """Each measure's planted effect, areas and the problems it addresses."""
    areas = _measure_areas()
    measures = {}
    for m in _MEASURES:
        treated, ring = areas.get(m.measure_id, (None, None))
        measures[m.measure_id] = {
            "planted_effect": m.planted_effect,
            "treated_multiplier": m.treated_multiplier,
            "buffer_multiplier": m.buffer_multiplier,
            "buffer_m": m.buffer_m,
            "treated_buffer_m": m.treated_buffer_m,
            "footprint": m.footprint,
            "footprint_sectors": list(m.footprint_sectors),
            "target_categories": list(m.target_categories),
            "target_shifts": list(m.target_shifts),
            "start": m.start,
            "end": m.end or None,
            "partners": list(m.partners),
            "addresses": list(m.addresses),
            "treated_wkt": _wkt(treated),
            "buffer_wkt": _wkt(ring),
            "note": m.note,
        }
    for m in _MEASURES:
        component = _PLANTED_COMPONENT.get(m.measure_id)
        if component is None:
            continue
        rec = measures[m.measure_id]
        rec["expected_treated_component_12m_before"] = _expected(
            component, _shift_day(m.start, -365), m.start
        )
        rec["expected_treated_component_12m_after"] = round(
            m.treated_multiplier * _expected(component, m.start, _shift_day(m.start, 365)), 1
        )
    return measures


# The planted component of the measures with a planted treated effect.
_PLANTED_COMPONENT = {"M01": "park_night", "M03": "mall_lot"}


@functools.cache
def _ground_truth_cached() -> str:
    """The ground truth as JSON text (built once; :func:`ground_truth` returns a copy)."""
    problems = _problems()
    coverage: dict[str, list[str]] = {pid: [] for pid in problems}
    for m in _MEASURES:
        for p in m.addresses:
            coverage[p].append(m.measure_id)
    gt = {
        "town": _town_truth(),
        "period": {"start": PERIOD_START, "end": PERIOD_END},
        "conventions": _conventions(),
        "top_problem": "bar_strip",
        "top_problem_basis": "severity-weighted rate per 1,000 residents of the problem's own "
        "sector(s) (local rate × mean severity weight); Centre-ville (S01) is also the top "
        "sector by crime rate and by severity-weighted rate. Not top by municipal rate or by "
        "mean severity alone: fraud/cyber-fraud (rising, weight 109) and burglary (weight 187) "
        "lead those.",
        "highest_crime_rate_sector": "S01",
        "lowest_crime_rate_sectors": ["S05"],
        "problems": problems,
        "patterns": _patterns(),
        "measures": _measures_truth(),
        "coverage": coverage,
        "uncovered_problems": ["fraud_cyber_rise"],
        "suggested_partners": {"fraud_cyber_rise": [_CYBER_PARTNER]},
        "cybercrime_partner": _CYBER_PARTNER,
        "unknown_partner_ids": [_UNKNOWN_PARTNER],
        "measures_by_effect": {
            eff: [m.measure_id for m in _MEASURES if m.planted_effect == eff]
            for eff in _EFFECT_CLASSES
        },
        "ended_measures": [m.measure_id for m in _MEASURES if m.end],
        "raw_export": {
            "start": RAW_EXPORT_START,
            "defects": dict(_RAW_DEFECTS),
            "encoding": "cp1252",
            "separator": ";",
            "decimal": ",",
        },
        "walks": _walks_truth(),
    }
    return json.dumps(gt, ensure_ascii=False)


def ground_truth() -> dict:
    """The planted structure of the sample (the manifest's ``ground_truth``).

    Returns
    -------
    dict
        ``town`` (name, CRS, bbox, area, boundary WKT, sectors), ``period``,
        ``conventions`` (how effects, areas and shifts are defined), ``top_problem``,
        ``problems`` (by id: sector, categories, geometry WKT/bbox, time windows and
        expected sizes), ``patterns`` (``seasonality``, ``background``), ``measures``
        (by id: planted effect, multipliers, buffer widths,
        treated/buffer WKT, the problems addressed), ``coverage`` (problem → measures),
        ``uncovered_problems``, ``suggested_partners`` and ``raw_export`` defects.
        Expected sizes are model expectations for scale 1; the seed only changes the
        realisation.

    Examples
    --------
    >>> gt = ground_truth()
    >>> gt["measures"]["M01"]["planted_effect"], gt["measures"]["M01"]["treated_multiplier"]
    ('effective', 0.6)
    >>> gt["uncovered_problems"]
    ['fraud_cyber_rise']
    """
    return json.loads(_ground_truth_cached())
