"""The sample's safety walks (*marches exploratoires*): planted observations, fixed.

Three walks with residents in the autumn of 2025, each observation placed by
hand (no randomness: the seed does not change them):

- **Gare** (W1): a dark footpath from the station to the park-and-ride lot,
  a hedge hiding the parked cars, the back of the lot seen from no window —
  inside the planted vehicle-crime hot spot (``vehicle_park_and_ride``): the
  walk **agrees** with the crime data and points to lighting and CPTED.
- **Vieux-Moulin** (W2): a dark lane behind rue du Moulin, in the sectors of
  the planted break-ins (``residential_burglary``): agrees too.
- **Domaine-des-Pins** (W3): residents feel unsafe in Parc des Pins at night,
  in the sector with the lowest crime rate (``perception_gap``): the walk
  **disagrees** with the crime data (a feeling to hear, not a crime problem).

Examples
--------
>>> w = _walks_frame(1)
>>> len(w), sorted(set(w["walk_id"]))
(9, ['W1', 'W2', 'W3'])
"""

from __future__ import annotations

import geopandas as gpd
import pandas as pd
import shapely

from .constants import CRS
from .tiles import _tile_suffix, _translate

_WALKS = {
    "W1": ("Marche exploratoire de la Gare", "2025-10-08"),
    "W2": ("Marche exploratoire du Vieux-Moulin", "2025-10-22"),
    "W3": ("Marche exploratoire du Domaine-des-Pins", "2025-09-24"),
}
"""Walk id → (name, date)."""

_OBSERVATIONS: tuple[tuple[str, str, str, int, str, str], ...] = (
    (
        "O01",
        "W1",
        "eclairage",
        3,
        "Passage piétonnier sombre entre la gare et le stationnement incitatif ; "
        "deux lampadaires éteints.",
        "LINESTRING (289560 5056240, 289610 5056190, 289650 5056150)",
    ),
    (
        "O02",
        "W1",
        "cachette",
        2,
        "Haie haute le long du stationnement : on ne voit pas les voitures depuis la rue.",
        "LINESTRING (289580 5056195, 289710 5056212)",
    ),
    (
        "O03",
        "W1",
        "surveillance naturelle",
        2,
        "Aucune fenêtre ne donne sur le fond du stationnement.",
        "POINT (289700 5056120)",
    ),
    (
        "O04",
        "W1",
        "malpropreté",
        1,
        "Graffitis et déchets sous l'abri de la gare.",
        "POINT (289555 5056250)",
    ),
    (
        "O05",
        "W2",
        "éclairage",
        2,
        "Ruelle sombre derrière la rue du Moulin, sans lampadaire.",
        "LINESTRING (285700 5057000, 285900 5057050)",
    ),
    (
        "O06",
        "W2",
        "cachette",
        1,
        "Cabanons et recoins le long de la ruelle.",
        "POINT (285800 5057030)",
    ),
    (
        "O07",
        "W3",
        "sentiment d'insécurité",
        3,
        "Les participantes évitent le parc le soir ; peur d'y croiser des groupes.",
        "POINT (290750 5059200)",
    ),
    (
        "O08",
        "W3",
        "sentiment d'insécurité",
        2,
        "Sentier boisé du parc perçu comme inquiétant.",
        "LINESTRING (290660 5059140, 290840 5059260)",
    ),
    (
        "O09",
        "W3",
        "éclairage",
        1,
        "Un lampadaire à remplacer à l'entrée du parc.",
        "POINT (290655 5059130)",
    ),
)
"""(observation id, walk id, category as written, severity 1–3, note, WKT)."""

WALK_PROPS = ("observation_id", "walk_id", "walk_name", "date", "categorie", "gravite", "note")
"""Properties of ``walks.geojson`` (French column names, as a municipality writes them)."""


def _walks_frame(scale: int) -> gpd.GeoDataFrame:
    """The observations of every copy of the town, as written to ``walks.geojson``."""
    rows = []
    for t in range(scale):
        for oid, wid, cat, sev, note, wkt in _OBSERVATIONS:
            name, date = _WALKS[wid]
            sfx = _tile_suffix(t, scale)
            rows.append(
                {
                    "observation_id": oid + sfx,
                    "walk_id": wid + sfx,
                    "walk_name": name,
                    "date": date,
                    "categorie": cat,
                    "gravite": sev,
                    "note": note,
                    "geometry": _translate(shapely.from_wkt(wkt), t, scale),
                }
            )
    return gpd.GeoDataFrame(pd.DataFrame(rows), geometry="geometry", crs=CRS)


def _walks_truth() -> dict:
    """What the walks plant (the ground truth's ``walks``)."""
    return {
        "walks": {k: {"name": n, "date": d} for k, (n, d) in _WALKS.items()},
        "observations": len(_OBSERVATIONS),
        "agree": {
            "vehicle_park_and_ride": ["O01", "O02", "O03"],
            "residential_burglary": ["O05", "O06"],
        },
        "disagree": {"perception_gap": ["O07", "O08", "O09"]},
        "expect": "a dark footpath (lighting, severity 3) inside the park-and-ride vehicle-crime "
        "hot spot raises the fit of street lighting for that problem; feeling unsafe in Parc des "
        "Pins (S05, lowest crime rate) lies in no crime problem's area.",
    }
