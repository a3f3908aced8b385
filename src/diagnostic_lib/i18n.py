"""French and English labels for everything a user reads.

Every label shown in a table header, legend, map, report or widget comes from
:data:`LABELS` through :func:`t`, so that both languages always exist (a test
checks that every key has a non-empty French and English text).

Examples
--------
>>> from diagnostic_lib import i18n
>>> i18n.t("family.property", "fr")
'Crimes contre les biens'
>>> i18n.t("family.property", "en")
'Property crime'
>>> i18n.t("ledger.summary.kept", "en", n=3)
'3 rows kept'
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping

LANGS: tuple[str, ...] = ("fr", "en")

LABELS: dict[str, tuple[str, str]] = {
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
    # --- ledger -------------------------------------------------------------
    "ledger.title": ("Registre de qualité des données", "Data-quality ledger"),
    "ledger.col.table": ("Table", "Table"),
    "ledger.col.file": ("Fichier", "File"),
    "ledger.col.row": ("Ligne", "Row"),
    "ledger.col.column": ("Colonne", "Column"),
    "ledger.col.reason": ("Motif", "Reason"),
    "ledger.col.action": ("Action", "Action"),
    "ledger.col.value": ("Valeur", "Value"),
    "ledger.col.detail": ("Détail", "Detail"),
    "ledger.col.rows_in": ("Lignes lues", "Rows read"),
    "ledger.col.rows_kept": ("Lignes conservées", "Rows kept"),
    "ledger.col.rows_rejected": ("Lignes rejetées", "Rows rejected"),
    "ledger.col.rows_flagged": ("Lignes signalées", "Rows flagged"),
    "ledger.col.count": ("Nombre", "Count"),
    "ledger.action.rejected": ("rejetée", "rejected"),
    "ledger.action.flagged": ("signalée (conservée)", "flagged (kept)"),
    "ledger.action.repaired": ("réparée (conservée)", "repaired (kept)"),
    "ledger.summary.header": ("{table} — {file}", "{table} — {file}"),
    "ledger.summary.read": ("{n} lignes lues", "{n} rows read"),
    "ledger.summary.kept": ("{n} lignes conservées", "{n} rows kept"),
    "ledger.summary.rejected": ("{n} lignes rejetées", "{n} rows rejected"),
    "ledger.summary.flagged": ("{n} lignes signalées", "{n} rows flagged"),
    "ledger.summary.ok": (
        "Bilan équilibré : lues = conservées + rejetées",
        "Balanced: read = kept + rejected",
    ),
    "ledger.summary.none": ("Aucun problème détecté.", "No problem found."),
    "reason.empty_row": ("ligne vide", "empty row"),
    "reason.malformed_row": (
        "ligne mal formée (nombre de champs incorrect)",
        "malformed row (wrong number of fields)",
    ),
    "reason.date_missing": ("date manquante", "missing date"),
    "reason.date_unparseable": ("date illisible", "unparseable date"),
    "reason.date_future": ("date dans le futur", "date in the future"),
    "reason.date_outside_period": (
        "date hors de la période d'étude",
        "date outside the study period",
    ),
    "reason.date_range_inverted": (
        "fin avant le début (dates inversées)",
        "end before start (dates swapped)",
    ),
    "reason.time_unparseable": ("heure illisible (ignorée)", "unparseable time (ignored)"),
    "reason.category_missing": ("catégorie manquante", "missing category"),
    "reason.category_unknown": (
        "catégorie inconnue (classée « autre »)",
        "unknown category (classed as 'other')",
    ),
    "reason.shift_unknown": (
        "quart inconnu (déduit de l'heure)",
        "unknown shift (derived from the hour)",
    ),
    "reason.position_missing": (
        "position manquante (hors carte)",
        "missing position (kept off the maps)",
    ),
    "reason.position_placeholder": (
        "position fictive (hors carte)",
        "placeholder position (kept off the maps)",
    ),
    "reason.position_invalid": (
        "coordonnées illisibles ou hors limites",
        "unreadable or out-of-range coordinates",
    ),
    "reason.position_outside": (
        "position hors de la municipalité",
        "position outside the municipality",
    ),
    "reason.position_snapped": (
        "position au bord, rattachée au secteur le plus proche",
        "position on the edge, assigned to the nearest sector",
    ),
    "reason.duplicate_exact": ("doublon exact d'une autre ligne", "exact duplicate of another row"),
    "reason.duplicate_exact_kept": (
        "doublon exact d'une autre ligne (conservé : peut être un événement distinct)",
        "exact duplicate of another row (kept: may be a distinct event)",
    ),
    "reason.id_conflict": (
        "identifiant répété avec un contenu différent (renommé)",
        "duplicated id with different content (renamed)",
    ),
    "reason.id_missing": ("identifiant manquant (généré)", "missing id (generated)"),
    "reason.geometry_invalid": ("géométrie invalide (réparée)", "invalid geometry (repaired)"),
    "reason.geometry_missing": ("géométrie manquante", "missing geometry"),
    "reason.geometry_unparseable": ("géométrie illisible", "unparseable geometry"),
    "reason.geometry_wrong_type": ("type de géométrie inattendu", "unexpected geometry type"),
    "reason.crs_assumed": (
        "système de coordonnées absent (supposé)",
        "missing coordinate reference system (assumed)",
    ),
    "reason.sector_unknown": ("secteur inconnu", "unknown sector"),
    "reason.sector_mismatch": (
        "secteur inscrit différent du secteur de la position",
        "recorded sector differs from the position's sector",
    ),
    "reason.sector_missing": ("secteur manquant", "missing sector"),
    "reason.population_missing": (
        "population manquante (pas de taux)",
        "missing population (no rates)",
    ),
    "reason.value_invalid": ("valeur illisible", "unreadable value"),
    "reason.value_out_of_range": ("valeur hors de l'échelle", "value out of range"),
    "reason.id_duplicate": ("identifiant répété (ligne ignorée)", "duplicated id (row ignored)"),
    "reason.pillar_invalid": ("pilier inconnu", "unknown pillar"),
    "reason.footprint_invalid": ("empreinte inconnue", "unknown footprint"),
    "reason.partner_unknown": (
        "partenaire inconnu du fichier des partenaires",
        "partner not in the partners file",
    ),
    "reason.concern_unknown": ("préoccupation inconnue", "unknown concern"),
    "reason.name_missing": ("nom manquant", "missing name"),
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
    "overview.title": ("Portrait des données", "Data overview"),
    "overview.map": ("Secteurs et incidents", "Sectors and incidents"),
    "overview.generated": (
        "Produit le {date} par diagnostic_lib",
        "Produced on {date} by diagnostic_lib",
    ),
    "overview.counts": ("Tables chargées", "Loaded tables"),
    "overview.unlocated": (
        "{n} incidents sans position restent dans les totaux mais pas sur la carte.",
        "{n} incidents without a position stay in the totals but not on the map.",
    ),
}
"""Label key → (French, English)."""


def check_lang(lang: str) -> str:
    """Return ``lang`` if it is a supported language, else raise ``ValueError``.

    Examples
    --------
    >>> check_lang("en")
    'en'
    """
    if lang not in LANGS:
        raise ValueError(f"language must be one of {LANGS}, got {lang!r}")
    return lang


def t(key: str, lang: str = "fr", /, **fmt: object) -> str:
    """Translate a label key.

    Parameters
    ----------
    key : str
        Label key, e.g. ``"family.property"``.
    lang : {"fr", "en"}
        Language.
    **fmt
        Values for ``str.format`` placeholders in the label.

    Returns
    -------
    str
        The label. An unknown key returns the key itself so that a missing
        label is visible rather than fatal (a test checks none is missing).

    Examples
    --------
    >>> t("pillar.partenariat", "en")
    'Partnership'
    """
    pair = LABELS.get(key)
    if pair is None:
        return key
    text = pair[LANGS.index(check_lang(lang))]
    return text.format(**fmt) if fmt else text


def label(prefix: str, code: object, lang: str = "fr") -> str:
    """Label of a code under a prefix, falling back to the code itself.

    Examples
    --------
    >>> label("family", "violent", "en")
    'Violent crime'
    >>> label("kind", "made_up_kind", "en")
    'made_up_kind'
    """
    key = f"{prefix}.{code}"
    return t(key, lang) if key in LABELS else str(code)


def labels(prefix: str, codes: Iterable[object], lang: str = "fr") -> list[str]:
    """Labels of several codes (see :func:`label`).

    Examples
    --------
    >>> labels("shift", ["jour", "nuit"], "en")
    ['Day (8 am – 4 pm)', 'Night (midnight – 8 am)']
    """
    return [label(prefix, c, lang) for c in codes]


def translate_columns(frame, mapping: Mapping[str, str], lang: str = "fr"):
    """Rename a frame's columns with label keys, for display.

    Parameters
    ----------
    frame : pandas.DataFrame
        Any frame (not modified).
    mapping : dict
        Column name → label key.
    lang : {"fr", "en"}

    Returns
    -------
    pandas.DataFrame
        A copy with translated column names.

    Examples
    --------
    >>> import pandas as pd
    >>> translate_columns(pd.DataFrame({"n": [1]}), {"n": "word.count"}, "en").columns.tolist()
    ['Count']
    """
    return frame.rename(columns={c: t(k, lang) for c, k in mapping.items()})
