r"""Loaders: users' exports in, canonical tables and a balanced ledger out.

Each loader reads one file (any format :mod:`diagnostic_lib.readers` supports),
maps its columns to the canonical ones of :mod:`diagnostic_lib.schema` with a
*preset* and/or a user mapping, validates every row in vectorised code, and
returns a :class:`Loaded` pair ``(data, ledger)`` in which every input row is
either kept or rejected with a reason naming the file, the row and the column.

The loading stages
------------------
Every loader runs the same stages; the incidents loader, the richest, runs
them as a pipeline of named functions (:mod:`.incidents`):

1. **read** — the file (or a frame already in memory) as a raw table: columns as
   found, the spreadsheet row number of every record, malformed lines set aside
   (:func:`~diagnostic_lib.readers.read_table`, :mod:`.context`);
2. **columns** — each canonical field is matched to a source column: the user
   mapping first, then the preset's candidates (:mod:`.columns`, :mod:`.presets`);
   missing required columns stop the load with a :class:`~diagnostic_lib.errors.DataError`
   naming the file, the fields and the columns found; empty rows and exact
   duplicates are set aside;
3. **values** — dates, times, numbers and coded words are read
   (:mod:`.parsing`, :mod:`.vocabulary`); for incidents: **dates** (the time
   range and the shift, :mod:`.incident_dates`), **categories** (the taxonomy
   code and family), **positions** (point and precision,
   :mod:`.incident_positions`), **sectors** (point in polygon, snapping, what
   lies outside, :mod:`.incident_sectors`);
4. **ledger** — ids are completed and made unique, the canonical table of the
   kept rows is built, and the ledger is checked to balance.

The ledger contract
-------------------
Every row read is accounted for: ``rows_in == rows_kept + rows_rejected`` for
every file (:meth:`~diagnostic_lib.ledger.Ledger.is_balanced`). A check that
fails *rejects* the row (it leaves the table) or *flags* it (it stays, with a
remark; ``repaired`` when the loader fixed it); each is one ledger entry naming
the table, the file, the row as a spreadsheet shows it, the source column, a
reason code (labelled in French and English, ``reason.<code>`` in the label
catalogue), the offending value and a detail. A rejected row has exactly one
reason: once rejected, later checks no longer see it. File-level remarks (the
encoding detected, a coordinate system assumed…) are notes. Row-level problems
never raise: only a file that cannot be used at all does.

Tunables
--------
The thresholds the loaders use are tunables of :mod:`diagnostic_lib.settings`
(section ``loaders``), set from ``[parameters]`` in ``diagnostic.toml`` and read
by :func:`load_diagnostic`: ``snap_tolerance_m`` (points this close outside
every sector are snapped to the nearest one), ``outside`` (reject, or flag and
keep without a position, the points beyond it) and ``future_tolerance_h``
(hours after "now" a start may lie). Messages a user reads (file notes, errors
that stop a load) are labels of ``i18n/labels/loaders.py``.

Where things are
----------------
- :mod:`.presets` — the column-mapping presets (``generic``, ``spvm``);
- :mod:`.columns` — the columns stage (user mapping, presets, required fields);
- :mod:`.parsing` — dates, times of day and numbers as exports write them;
- :mod:`.vocabulary` — the words for shifts, precisions, pillars, footprints, concerns;
- :mod:`.context` — the per-file working context (reject, flag, note, ids) and :class:`Loaded`;
- :mod:`.geometry` — geometries from the source, CRS guessing, repair;
- :mod:`.incidents` — :func:`load_incidents`, the pipeline, its categories and ledger stages;
- :mod:`.incident_dates`, :mod:`.incident_positions`, :mod:`.incident_sectors` — its
  dates, positions and sectors stages;
- :mod:`.sectors`, :mod:`.measures`, :mod:`.survey`, :mod:`.partners`, :mod:`.places`,
  :mod:`.walks` (safety walks, *marches exploratoires*) — the
  loaders of the other tables; :mod:`.population` — residents by sector id from a
  separate table (:func:`load_population`, :func:`join_population`);
- :mod:`.diagnostic` — :func:`load_diagnostic` and the :class:`Diagnostic` it returns.

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
...     "id;date;categorie;x;y\n1;2024-05-01 22:10;Méfait;300000,5;5040000\n"
...     "2;31/02/2024;Méfait;;\n", encoding="cp1252")
>>> inc, led = load_incidents(d / "inc.csv", now="2026-01-01")
>>> inc[["incident_id", "category", "shift", "precision"]].values.tolist()
[['1', 'mischief', 'soir', 'exact']]
>>> led.files[["rows_in", "rows_kept", "rows_rejected"]].values.tolist()
[[2, 1, 1]]
>>> led.entries[["row", "column", "reason"]].values.tolist()
[[3, 'date', 'date_unparseable']]
"""

from __future__ import annotations

# Private names used by tests (test_speed: _plain_decimals, _assign_sectors; test_inventory:
# taxonomy_mod) stay importable here; they are not exported.
from .. import taxonomy as taxonomy_mod  # noqa: F401 - private name used by tests
from ..crs import check_metric_crs
from .context import Loaded, Source
from .diagnostic import Diagnostic, load_diagnostic
from .incident_positions import PLACEHOLDER_LONLAT, PLACEHOLDER_XY
from .incident_sectors import _assign_sectors as _assign_sectors
from .incidents import load_incidents
from .measures import load_measures
from .parsing import _plain_decimals as _plain_decimals
from .parsing import parse_counts, parse_datetimes, parse_floats, parse_times
from .partners import load_partners
from .places import load_places
from .population import join_population, load_population
from .presets import PRESETS
from .sectors import load_sectors
from .survey import load_survey
from .walks import load_walks

__all__ = [
    "PLACEHOLDER_LONLAT",
    "PLACEHOLDER_XY",
    "PRESETS",
    "Diagnostic",
    "Loaded",
    "Source",
    "check_metric_crs",
    "join_population",
    "load_diagnostic",
    "load_incidents",
    "load_measures",
    "load_partners",
    "load_places",
    "load_population",
    "load_sectors",
    "load_survey",
    "load_walks",
    "parse_datetimes",
    "parse_counts",
    "parse_floats",
    "parse_times",
]
