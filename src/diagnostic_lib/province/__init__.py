"""A province: every force's self-diagnosis, and the province's count cube.

A province-wide team (every force of Québec, 10–20 years: 5–20 million
incidents) cannot hold every incident in memory at once, and a
self-diagnosis is local in any case. :func:`run` therefore diagnoses one
force at a time (the four steps and the force's report, on its own incidents,
sectors and measures), writes each force's validated incidents as Parquet files
of the cube's input contract, and builds the province's count cube from those
files out of core (:func:`diagnostic_lib.cube.build_duckdb`) or one force at a
time in memory; the province's page reads its tables from that cube.

=================  ===========================================================
module             what it holds
=================  ===========================================================
``plan``           :class:`Plan`, :func:`read_plan` (the ``province.toml`` file)
``tables``         the forces' tables in the province's namespace; sums over the cube
``runner``         :func:`run`: the forces one after the other, then the cube and the page
=================  ===========================================================

See ``docs/scale.md`` (*A province*).
"""

from __future__ import annotations

from .plan import ENGINES, Force, Plan, read_plan
from .runner import Province, run
from .tables import (
    PROVINCE,
    SEP,
    by_family,
    by_force,
    covered_sector_rates,
    covered_years,
    force_incidents,
    force_of,
    force_sectors,
    forces_cube,
    forces_table,
    last_full_year,
    province_rates,
    territory_overlaps,
    unrecorded_families,
    years_touched,
)

__all__ = [
    "ENGINES",
    "PROVINCE",
    "SEP",
    "by_family",
    "by_force",
    "covered_sector_rates",
    "covered_years",
    "Force",
    "Plan",
    "Province",
    "force_incidents",
    "force_of",
    "force_sectors",
    "forces_cube",
    "forces_table",
    "last_full_year",
    "province_rates",
    "read_plan",
    "run",
    "territory_overlaps",
    "unrecorded_families",
    "years_touched",
]
