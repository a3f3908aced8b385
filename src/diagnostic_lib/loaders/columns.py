"""The columns stage: which source column feeds each canonical field.

A file's columns are matched to the canonical fields of its table: first the
user mapping (``columns=`` or ``[data.<table>.columns]``), which must name
columns that exist, then the preset's candidates in order of preference
(:mod:`.presets`), each source column used once. Names are matched ignoring
case, accents and punctuation, and Shapefile names cut to 10 characters are
recognised. A table whose required fields are not all found cannot be loaded:
:func:`_require` raises a :class:`~diagnostic_lib.errors.DataError` naming the
file, the missing fields and the columns found.

Examples
--------
>>> import pandas as pd
>>> frame = pd.DataFrame(columns=["Catégorie", "Date début", "PDQ"])
>>> _resolve_fields("incidents", frame, "generic", {"occurred_from": "date debut"}, "a.csv")
{'occurred_from': 'Date début', 'category': 'Catégorie', 'sector': 'PDQ'}
"""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any, NoReturn

import pandas as pd

from .._text import norm_key
from ..errors import DataError, bilingual
from ..readers import RawTable
from .presets import GENERIC_FIELDS, PRESETS

FIELD_SYNONYMS: dict[str, dict[str, str]] = {
    "incidents": {"occurred_hour": "occurred_from_time", "occurred_time": "occurred_from_time"}
}
"""Other names accepted for a canonical field in ``[data.<table>.columns]``."""


def _resolve_fields(
    table: str, frame: pd.DataFrame, preset: str, columns: Mapping[str, str] | None, file: str
) -> dict[str, str]:
    """Canonical field → source column, from the user mapping then the preset."""
    if preset not in PRESETS:
        message = bilingual(
            "loaders.error.unknown_preset",
            preset=preset,
            presets=", ".join(sorted(PRESETS)),
            table=table,
        )
        raise DataError(f"{file}: {message}")
    found = {norm_key(c): c for c in frame.columns}
    if str(file).lower().endswith((".shp", ".dbf")):
        # Shapefile field names are cut to 10 characters: also match cut candidates.
        for c in frame.columns:
            found.setdefault(norm_key(c)[:10], c)
    fields: dict[str, str] = {}
    known_fields = set(GENERIC_FIELDS[table])
    for fld, src in (columns or {}).items():
        fld = FIELD_SYNONYMS.get(table, {}).get(fld, fld)
        if fld not in known_fields:
            message = bilingual(
                "loaders.error.unknown_field",
                field=fld,
                table=table,
                fields=", ".join(sorted(known_fields)),
            )
            raise DataError(f"{file}: {message}")
        if src in frame.columns:
            fields[fld] = src
        elif norm_key(src) in found:
            fields[fld] = found[norm_key(src)]
        else:
            message = bilingual(
                "loaders.error.mapped_column_missing",
                src=repr(src),
                field=fld,
                table=table,
                columns=list(map(str, frame.columns)),
            )
            raise DataError(f"{file}: {message}")
    cands = dict(GENERIC_FIELDS[table])
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
        want = ", ".join(" | ".join(alts) for alts in missing)
        message = bilingual(
            "loaders.error.required_missing",
            table=table,
            preset=repr(preset),
            missing=want,
            columns=list(map(str, raw.frame.columns)),
        )
        raise DataError(f"{raw.file}: {message}")


def _options(preset: str, table: str, given: Mapping[str, Any] | None) -> dict[str, Any]:
    opts = dict(PRESETS.get(preset, {}).get("options", {}).get(table, {}))
    opts.update({k: v for k, v in (given or {}).items() if v is not None})
    return opts


def _no_geometry(raw: RawTable, table: str) -> NoReturn:
    """Raise DataError: a table of geometries read from a file that has none."""
    message = bilingual(
        "loaders.error.no_geometry", table=table, columns=list(map(str, raw.frame.columns))
    )
    raise DataError(f"{raw.file}: {message}")
