"""The raw records-system export, with deliberate and counted defects.

``incidents_raw_export.csv`` is part of the incidents (from :data:`RAW_EXPORT_START`) as a
French records system exports them to Excel: Windows-1252, ``;`` separator, decimal commas,
``jj/mm/aaaa`` dates, French category labels. Defects are injected in counted numbers
(:data:`_RAW_DEFECTS`: bad and future dates, unknown labels, missing, placeholder and
outside positions, exact duplicates, duplicated ids with other content, lines with too many
fields), so that the loader's checks can be tested against a known answer.
"""

from __future__ import annotations

import numpy as np
import pandas as pd

from .events import _rng
from .text_columns import _fmt_decimal1, _fmt_timestamps, _text

# French labels of the raw export (each one is an alias of taxonomy.csv).
_RAW_LABELS = {
    "homicide": "Homicide",
    "robbery": "Vol qualifié",
    "assault": "Voies de fait",
    "assault_armed": "Voies de fait armées",
    "burglary": "Introduction",
    "vehicle_theft": "Vol de véhicule à moteur",
    "theft_from_vehicle": "Vol dans / sur véhicule à moteur",
    "theft": "Vol simple",
    "mischief": "Méfait",
    "disturbance": "Trouble de la paix",
    "drugs": "Stupéfiants",
    "fraud": "Fraude",
    "cyber_fraud": "Fraude en ligne",
    "traffic": "Délit de fuite",
}

RAW_EXPORT_START = "2025-06-01"
"""The raw export covers the incidents that started on or after this date."""
_RAW_COLUMNS = (
    "No_dossier",
    "Date_début",
    "Heure_début",
    "Date_fin",
    "Heure_fin",
    "Catégorie",
    "Quart",
    "Secteur",
    "Coord_X",
    "Coord_Y",
)
_RAW_DEFECTS = {
    "unparseable_date": 4,
    "future_date": 3,
    "unknown_category": 5,
    "missing_position": 25,
    "placeholder_position": 6,
    "outside_municipality": 5,
    "exact_duplicate": 12,
    "duplicate_id_different_content": 4,
    "too_many_fields": 2,
}
_RAW_BAD_DATES = ("31/02/2025", "??", "31/04/2025", "00/00/0000")
_RAW_UNKNOWN_LABELS = ("Objet trouvé", "Alarme non fondée", "Assistance au public")


def _raw_export_frame(incidents: pd.DataFrame, seed: int) -> pd.DataFrame:
    """Part of the incidents as a French records-system export, with counted defects.

    The returned frame holds the text of each field as written, plus a ``defect``
    column (not written to the file) naming the defect injected in that row ('' if none).
    """
    rng = _rng(seed, 300)
    sub = incidents[incidents["occurred_from"] >= pd.Timestamp(RAW_EXPORT_START)]
    shift = sub["shift"].astype(object).fillna("").astype(str).str.capitalize()
    raw = pd.DataFrame(
        {
            "No_dossier": sub["incident_id"].to_numpy(),
            "Date_début": _text(_fmt_timestamps(sub["occurred_from"].to_numpy(), "%d/%m/%Y")),
            "Heure_début": _text(_fmt_timestamps(sub["occurred_from"].to_numpy(), "%H:%M")),
            "Date_fin": _text(_fmt_timestamps(sub["occurred_to"].to_numpy(), "%d/%m/%Y")),
            "Heure_fin": _text(_fmt_timestamps(sub["occurred_to"].to_numpy(), "%H:%M")),
            "Catégorie": sub["category"].astype(str).map(_RAW_LABELS).to_numpy(),
            "Quart": shift.to_numpy(),
            "Secteur": sub["sector"].astype(object).fillna("").astype(str).to_numpy(),
            "Coord_X": _text(_fmt_decimal1(sub["x"], point=",")),
            "Coord_Y": _text(_fmt_decimal1(sub["y"], point=",")),
            "defect": "",
        },
        dtype=object,
    )
    located = np.flatnonzero((raw["Coord_X"] != "").to_numpy())
    # In-place defects on distinct rows (located rows, so that position defects are real).
    n_inplace = sum(
        _RAW_DEFECTS[k]
        for k in (
            "unparseable_date",
            "future_date",
            "unknown_category",
            "missing_position",
            "placeholder_position",
            "outside_municipality",
        )
    )
    rows = rng.choice(located, size=n_inplace + _RAW_DEFECTS["exact_duplicate"], replace=False)
    pos = 0

    def take(k: str) -> np.ndarray:
        nonlocal pos
        r = rows[pos : pos + _RAW_DEFECTS[k]]
        pos += _RAW_DEFECTS[k]
        raw.loc[r, "defect"] = k
        return r

    r = take("unparseable_date")
    raw.loc[r, "Date_début"] = [_RAW_BAD_DATES[i % len(_RAW_BAD_DATES)] for i in range(r.size)]
    r = take("future_date")
    raw.loc[r, "Date_début"] = raw.loc[r, "Date_début"].str.slice(0, 6) + "2027"
    raw.loc[r, "Date_fin"] = ""
    raw.loc[r, "Heure_fin"] = ""
    r = take("unknown_category")
    raw.loc[r, "Catégorie"] = [_RAW_UNKNOWN_LABELS[i % 3] for i in range(r.size)]
    r = take("missing_position")
    raw.loc[r, ["Coord_X", "Coord_Y"]] = ""
    r = take("placeholder_position")
    raw.loc[r, ["Coord_X", "Coord_Y"]] = "0"
    r = take("outside_municipality")
    xs = sub["x"].to_numpy()[r] + 9000.0 + rng.uniform(0, 3000, r.size)
    raw.loc[r, "Coord_X"] = [f"{v:.1f}".replace(".", ",") for v in xs]
    dup_src = rows[pos:]
    dups = raw.loc[dup_src].copy()
    dups["defect"] = "exact_duplicate"
    # duplicated ids with different content: same No_dossier, other category and time
    clean = np.setdiff1d(np.arange(len(raw)), rows)
    src = rng.choice(clean, size=_RAW_DEFECTS["duplicate_id_different_content"], replace=False)
    conflict = raw.loc[src].copy()
    conflict["Catégorie"] = [
        _RAW_LABELS["theft"] if c != _RAW_LABELS["theft"] else _RAW_LABELS["mischief"]
        for c in conflict["Catégorie"]
    ]
    conflict["Heure_début"] = [
        f"{(int(h[:2]) + 3) % 24:02d}{h[2:]}" if h else "12:00" for h in conflict["Heure_début"]
    ]
    conflict["defect"] = "duplicate_id_different_content"
    # malformed lines: an unquoted ";" inside the category gives too many fields
    bad = raw.loc[rng.choice(clean, size=_RAW_DEFECTS["too_many_fields"], replace=False)].copy()
    bad["No_dossier"] = [f"RH-2025-X{i + 1:04d}" for i in range(len(bad))]
    bad["Catégorie"] = bad["Catégorie"] + "; tentative"
    bad["defect"] = "too_many_fields"
    out = pd.concat([raw, dups, conflict, bad], ignore_index=True)
    # insert the extra rows at random positions (a stable, seeded order)
    key = np.r_[np.arange(len(raw), dtype=float), rng.uniform(0, len(raw), len(out) - len(raw))]
    out = out.iloc[np.argsort(key, kind="stable")].reset_index(drop=True)
    return out


def _raw_export_bytes(raw: pd.DataFrame) -> bytes:
    """The raw export file: ``;``-separated, CRLF line ends, Windows-1252."""
    lines = [";".join(_RAW_COLUMNS)]
    cols = [raw[c].astype(str).to_numpy() for c in _RAW_COLUMNS]
    lines.extend(";".join(vals) for vals in zip(*cols, strict=True))
    return ("\r\n".join(lines) + "\r\n").encode("cp1252")
