"""Labels shared by every step.

Families, pillars, shifts, precisions, footprints, measure kinds, concerns, tables and
generic words.
"""

from __future__ import annotations

LABELS: dict[str, tuple[str, str]] = {
    # --- units ------------------------------------------------------------------
    "unit.month.one": ("{n} mois", "{n} month"),
    "unit.month.many": ("{n} mois", "{n} months"),
    "unit.year": ("{n} ans", "{n} years"),
    "unit.year.one": ("{n} an", "{n} year"),
    # --- rate bases ----------------------------------------------------------
    # the base of a rate (diagnostic_lib.denominators): "per 1,000 …"
    "denominator.residents": ("par 1 000 habitants", "per 1,000 residents"),
    "denominator.dwellings": ("par 1 000 logements", "per 1,000 dwellings"),
    "denominator.vehicles": (
        "par 1 000 véhicules immatriculés",
        "per 1,000 registered vehicles",
    ),
    "denominator.daytime_population": (
        "par 1 000 personnes présentes le jour",
        "per 1,000 daytime population",
    ),
    "denominator.floor_area": (
        "par 1 000 m² de superficie de plancher",
        "per 1,000 m² of floor area",
    ),
    # --- families -----------------------------------------------------------
    "family.property": ("Crimes contre les biens", "Property crime"),
    "family.violent": ("Crimes contre la personne", "Violent crime"),
    "family.disorder": ("Désordre et incivilités", "Disorder"),
    "family.traffic": ("Circulation", "Traffic"),
    "family.fraud_cyber": ("Fraude et cybercriminalité", "Fraud and cybercrime"),
    "family.other": ("Autres", "Other"),
    "family_short.property": ("Crimes contre les biens", "Property crime"),
    "family_short.violent": ("Violence", "Violence"),
    "family_short.disorder": ("Désordre", "Disorder"),
    "family_short.traffic": ("Circulation", "Traffic"),
    "family_short.fraud_cyber": ("Fraude et cybercriminalité", "Fraud and cybercrime"),
    "family_short.other": ("Autres", "Other"),
    # --- pillars ------------------------------------------------------------
    "pillar.rapprochement": ("Rapprochement", "Closeness to citizens"),
    "pillar.partenariat": ("Partenariat", "Partnership"),
    "pillar.resolution": ("Résolution de problèmes", "Problem solving"),
    "pillar.prevention": ("Prévention", "Prevention"),
    # --- shifts -------------------------------------------------------------
    "shift.jour": ("Jour (8 h – 16 h)", "Day (8 am – 4 pm)"),
    "shift.soir": ("Soir (16 h – minuit)", "Evening (4 pm – midnight)"),
    "shift.nuit": ("Nuit (minuit – 8 h)", "Night (midnight – 8 am)"),
    "punct.colon": (" : ", ": "),  # French typography: a space before the colon
    "shift.mixed": (
        "Aucun quart dominant (moins de la moitié dans chacun)",
        "No dominant shift (under half in each)",
    ),
    # --- location precision -------------------------------------------------
    "precision.exact": ("Adresse exacte", "Exact address"),
    "precision.intersection": ("Intersection", "Intersection"),
    "precision.block": ("Tronçon de rue", "Street block"),
    "precision.sector": ("Secteur seulement", "Sector only"),
    "precision.none": ("Aucune position", "No location"),
    # --- footprints ---------------------------------------------------------
    "footprint.point": ("Lieu précis", "Point"),
    "footprint.line": ("Tronçon", "Street segment"),
    "footprint.polygon": ("Zone", "Area"),
    "footprint.sectors": ("Secteurs désignés", "Listed sectors"),
    "footprint.municipality": ("Toute la municipalité", "Whole municipality"),
    "footprint.none": ("Aucune empreinte", "No footprint"),
    # --- measure kinds ------------------------------------------------------
    "kind.lighting": ("Éclairage", "Lighting"),
    "kind.foot_patrol": ("Patrouille à pied", "Foot patrol"),
    "kind.hot_spot_patrol": ("Patrouille ciblée", "Hot-spot patrol"),
    "kind.cameras": ("Caméras", "Cameras (CCTV)"),
    "kind.awareness_campaign": ("Campagne de sensibilisation", "Awareness campaign"),
    "kind.youth_programme": ("Programme jeunesse", "Youth programme"),
    "kind.target_hardening": ("Renforcement des cibles", "Target hardening"),
    "kind.community_meeting": ("Rencontres citoyennes", "Community meetings"),
    "kind.environmental_design": ("Aménagement (CPTED)", "Environmental design (CPTED)"),
    "kind.venue_management": ("Gestion des débits de boisson", "Licensed-venue management"),
    "kind.traffic_calming": ("Apaisement de la circulation", "Traffic calming"),
    "kind.outreach": ("Travail de proximité", "Outreach"),
    "kind.training": ("Formation", "Training"),
    "kind.neighbourhood_watch": ("Surveillance de quartier", "Neighbourhood watch"),
    "kind.other": ("Autre", "Other"),
    # --- survey concerns ----------------------------------------------------
    "concern.burglary": ("Cambriolages", "Break-ins"),
    "concern.vehicle_crime": ("Vols liés aux véhicules", "Vehicle crime"),
    "concern.violence": ("Violence", "Violence"),
    "concern.disorder": ("Incivilités, vandalisme", "Disorder, vandalism"),
    "concern.drugs": ("Drogues", "Drugs"),
    "concern.traffic": ("Vitesse, circulation", "Speeding, traffic"),
    "concern.fraud_cyber": ("Fraude, cybercriminalité", "Fraud, cybercrime"),
    "concern.youth_gangs": ("Groupes de jeunes, gangs", "Youth groups, gangs"),
    # --- tables -------------------------------------------------------------
    "table.incidents": ("Incidents", "Incidents"),
    "table.sectors": ("Secteurs", "Sectors"),
    "table.measures": ("Mesures préventives", "Preventive measures"),
    "table.survey": ("Sondage citoyen", "Citizen survey"),
    "table.partners": ("Partenaires", "Partners"),
    "table.places": ("Lieux (environnement)", "Places (environment)"),
    # --- generic words ------------------------------------------------------
    "word.sector": ("Secteur", "Sector"),
    "word.sectors": ("Secteurs", "Sectors"),
    "word.category": ("Catégorie", "Category"),
    "word.family": ("Famille", "Family"),
    "word.count": ("Nombre", "Count"),
    "word.rate": ("Taux pour 1 000 habitants", "Rate per 1,000 residents"),
    "word.population": ("Population", "Population"),
    "word.incidents": ("Incidents", "Incidents"),
    "word.source": ("Source", "Source"),
    "word.north": ("N", "N"),
    "word.period": ("Période", "Period"),
}
"""Label key → (French, English)."""
