"""Column-mapping presets: which source columns feed each canonical field.

A preset gives, for each table and each canonical field, the source column
names to look for, in order of preference (matched ignoring case, accents and
punctuation), and the loading options that go with the export (e.g. SPVM dates
have no time part). A user mapping takes precedence over the preset (see
:func:`~diagnostic_lib.loaders.columns.resolve_fields`).

``generic``
    The canonical column names and their common French and English variants.
``spvm``
    Montréal's SPVM "Actes criminels" open data (current and older exports) and
    its PDQ polygons; see the package documentation.

Examples
--------
>>> sorted(PRESETS)
['generic', 'spvm']
>>> PRESETS["spvm"]["options"]["incidents"]["xy_crs"]
'EPSG:32188'
"""

from __future__ import annotations

from typing import Any

from ..denominators import DENOMINATOR_CANDIDATES

GENERIC_FIELDS: dict[str, dict[str, list[str]]] = {
    "incidents": {
        "incident_id": [
            "incident_id",
            "id",
            "no_dossier",
            "dossier",
            "event_id",
            "no_evenement",
            "numero",
            "crime_id",
            "case_number",
            "report_number",
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
        "occurred_from_time": [
            "occurred_from_time",
            "occurred_hour",
            "time",
            "heure",
            "heure_debut",
            "time_from",
            "hour",
            "hour_of_day",
            "heure_evenement",
        ],
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
        **DENOMINATOR_CANDIDATES,
    },
    "population": {
        "sector_id": ["sector_id", "secteur", "sector", "no_pdq", "pdq", "id", "code"],
        "population": [
            "population",
            "pop",
            "residents",
            "habitants",
            "nb_habitants",
            "population_2021",
        ],
        **DENOMINATOR_CANDIDATES,
    },
    "measures": {
        "measure_id": ["measure_id", "id", "code", "no_mesure"],
        "name": ["name", "nom", "name_fr", "nom_fr", "mesure"],
        "name_en": ["name_en", "nom_en", "english_name"],
        "pillar": ["pillar", "pilier", "composante"],
        "kind": ["kind", "type", "genre", "nature"],
        "partners": ["partners", "partenaires", "partner_ids"],
        "target_categories": [
            "target_categories",
            "categories_ciblees",
            "categories",
            "cibles",
            "categorie_visee",
            "categories_visees",
            "categorie_ciblee",
            "target_category",
        ],
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
        "cluster": ["cluster", "grappe", "psu", "unite_primaire", "segment", "ilot"],
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
        "name": ["name", "nom", "nom francais", "nom fr", "name fr", "nom du lieu"],
        "wkt": ["wkt", "geometry", "geom", "the_geom", "geometrie"],
    },
    "walks": {
        "observation_id": ["observation_id", "id", "code", "no_observation"],
        "category": [
            "category",
            "categorie",
            "type",
            "type_observation",
            "observation_category",
            "constat",
        ],
        "severity": ["severity", "gravite", "severite", "importance", "priorite"],
        "date": ["date", "date_marche", "walk_date", "date_observation"],
        "walk_id": ["walk_id", "marche", "id_marche", "walk", "no_marche"],
        "walk_name": ["walk_name", "nom_marche", "nom", "name"],
        "comment": [
            "comment",
            "commentaire",
            "text",
            "texte",
            "note",
            "notes",
            "remarque",
            "description",
        ],
        "wkt": ["wkt", "geometry", "geom", "the_geom", "geometrie"],
    },
}
"""The ``generic`` preset: table → canonical field → candidate source columns."""

SPVM_FIELDS: dict[str, dict[str, list[str]]] = {
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
"""The ``spvm`` preset's own candidates, tried before the generic ones."""

PRESETS: dict[str, dict[str, Any]] = {
    "generic": {"fields": GENERIC_FIELDS, "options": {}},
    "spvm": {
        "fields": SPVM_FIELDS,
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
"""Column-mapping presets: name → ``{"fields": …, "options": table → loading options}``."""
