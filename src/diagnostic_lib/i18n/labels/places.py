"""Kinds of places (points of interest) in words, for the titles of problems and the tables.

Keys ``inventory.facility.<kind>``, where ``<kind>`` is the kind of a place as
:func:`diagnostic_lib.loaders.load_places` normalises it (lower case, no
accent, ``_`` between words). The generic kinds (bars, parking, parks, shopping
centres, transit stops, schools) are in ``inventory.py``; these are the
categories of the City of Montréal's points of interest (*lieux d'intérêt*,
``Catégorie``), so that an English report never says "Poste d'attente de taxis
nearby". A kind without a label here is written in the source's own words.
"""

from __future__ import annotations

LABELS: dict[str, tuple[str, str]] = {
    "inventory.facility.agence_internationale": ("agence internationale", "international agency"),
    "inventory.facility.art_public": ("art public", "public art"),
    "inventory.facility.artere_commerciale": ("artère commerciale", "commercial street"),
    "inventory.facility.attrait_touristique_commercial": (
        "attrait touristique commercial",
        "commercial tourist attraction",
    ),
    "inventory.facility.attrait_touristique_culturel": (
        "attrait touristique culturel",
        "cultural tourist attraction",
    ),
    "inventory.facility.attrait_touristique_sportif_ou_recreatif": (
        "attrait touristique sportif ou récréatif",
        "sports or leisure tourist attraction",
    ),
    "inventory.facility.auberge_de_jeunesse": ("auberge de jeunesse", "youth hostel"),
    "inventory.facility.autre_categorie_d_etablissement_d_hebergement": (
        "établissement d'hébergement",
        "lodging",
    ),
    "inventory.facility.batiment_architectural_design": (
        "bâtiment architectural",
        "architectural building",
    ),
    "inventory.facility.batiment_historique_patrimonial": (
        "bâtiment historique",
        "heritage building",
    ),
    "inventory.facility.bibliotheque_privee": ("bibliothèque privée", "private library"),
    "inventory.facility.bibliotheque_publique": ("bibliothèque publique", "public library"),
    "inventory.facility.bureau_acces_montreal_et_bureaux_municipaux": (
        "bureau municipal",
        "municipal office",
    ),
    "inventory.facility.bureau_d_information_touristique": (
        "bureau d'information touristique",
        "tourist information office",
    ),
    "inventory.facility.caserne_de_pompiers": ("caserne de pompiers", "fire station"),
    "inventory.facility.cegep_et_universite": ("cégep ou université", "college or university"),
    "inventory.facility.centre_commercial": ("centre commercial", "shopping centre"),
    "inventory.facility.centre_de_congres_d_exposition": (
        "centre de congrès ou d'exposition",
        "convention or exhibition centre",
    ),
    "inventory.facility.centre_de_readaptation": (
        "centre de réadaptation",
        "rehabilitation centre",
    ),
    "inventory.facility.centre_de_recuperation_et_de_tri": (
        "centre de récupération et de tri",
        "recycling and sorting centre",
    ),
    "inventory.facility.centre_de_service_gouvernemental": (
        "centre de service gouvernemental",
        "government service centre",
    ),
    "inventory.facility.centre_sportif_interieur": (
        "centre sportif intérieur",
        "indoor sports centre",
    ),
    "inventory.facility.cinema": ("cinéma", "cinema"),
    "inventory.facility.clinique": ("clinique", "clinic"),
    "inventory.facility.clsc": ("CLSC", "local community service centre (CLSC)"),
    "inventory.facility.csss": ("CSSS", "health and social services centre (CSSS)"),
    "inventory.facility.eco_quartier": ("éco-quartier", "eco-neighbourhood office"),
    "inventory.facility.ecole_primaire": ("école primaire", "primary school"),
    "inventory.facility.ecole_secondaire_et_professionnelle": (
        "école secondaire ou professionnelle",
        "secondary or vocational school",
    ),
    "inventory.facility.equipement_sportif_exterieur": (
        "équipement sportif extérieur",
        "outdoor sports facility",
    ),
    "inventory.facility.galerie_d_art": ("galerie d'art", "art gallery"),
    "inventory.facility.gare_de_train": ("gare de train", "train station"),
    "inventory.facility.hopital": ("hôpital", "hospital"),
    "inventory.facility.hotel": ("hôtel", "hotel"),
    "inventory.facility.hotel_de_ville_mairie": ("hôtel de ville", "city hall"),
    "inventory.facility.infotouriste": ("centre Infotouriste", "Infotouriste centre"),
    "inventory.facility.jardin_communautaire": ("jardin communautaire", "community garden"),
    "inventory.facility.jeux_d_eau": ("jeux d'eau", "splash pad"),
    "inventory.facility.lieu_de_diffusion_municipal": (
        "lieu de diffusion municipal",
        "municipal performance venue",
    ),
    "inventory.facility.marche_public": ("marché public", "public market"),
    "inventory.facility.marina": ("marina", "marina"),
    "inventory.facility.musee_et_centre_d_interpretation_d_exposition": (
        "musée ou centre d'interprétation",
        "museum or interpretation centre",
    ),
    "inventory.facility.musee_municipal": ("musée municipal", "municipal museum"),
    "inventory.facility.organisme_communautaire_et_centre_de_loisirs": (
        "organisme communautaire ou centre de loisirs",
        "community organisation or recreation centre",
    ),
    "inventory.facility.palais_de_justice_cour": ("palais de justice", "courthouse"),
    "inventory.facility.parc": ("parc", "park"),
    "inventory.facility.parcours": ("parcours", "trail"),
    "inventory.facility.piscine_exterieure": ("piscine extérieure", "outdoor pool"),
    "inventory.facility.piscine_interieure": ("piscine intérieure", "indoor pool"),
    "inventory.facility.place_publique": ("place publique", "public square"),
    "inventory.facility.pole_de_mobilite": ("pôle de mobilité", "mobility hub"),
    "inventory.facility.police_de_quartier": ("poste de quartier", "neighbourhood police station"),
    "inventory.facility.poste_d_attente_de_taxis": ("poste d'attente de taxis", "taxi stand"),
    "inventory.facility.rue_pietonne": ("rue piétonne", "pedestrian street"),
    "inventory.facility.service_communautaire": ("service communautaire", "community service"),
    "inventory.facility.service_consulaire": ("service consulaire", "consulate"),
    "inventory.facility.station_de_metro": ("station de métro", "metro station"),
    "inventory.facility.terminal_d_autobus": ("terminus d'autobus", "bus terminal"),
    "inventory.facility.theatre_salle_de_spectacle_petit_lieu_de_diffusion": (
        "théâtre ou salle de spectacle",
        "theatre or concert hall",
    ),
    "inventory.facility.toilette_publique": ("toilette publique", "public toilet"),
}
"""Kind of place → (French, English), for the categories of Montréal's points of interest."""
