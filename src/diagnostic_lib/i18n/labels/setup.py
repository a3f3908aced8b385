"""Labels of ``python -m diagnostic_lib init``: the comments of the config it writes, next steps."""

from __future__ import annotations

LABELS: dict[str, tuple[str, str]] = {
    "setup.toml.header": (
        "Écrit par « python -m diagnostic_lib init » à partir d'un échantillon des fichiers. "
        "Les chemins sont relatifs à ce fichier. Relisez chaque entrée marquée « À VÉRIFIER ».",
        "Written by 'python -m diagnostic_lib init' from a sample of the files. "
        "Paths are relative to this file. Review every entry marked 'TO CHECK'.",
    ),
    "setup.toml.municipality": (
        "Nom de la municipalité (titre du rapport) et SCR d'analyse : un SCR projeté en mètres "
        "(EPSG:32188, MTM zone 8, par défaut).",
        "Name of the municipality (report title) and analysis CRS: a projected CRS in metres "
        "(EPSG:32188, MTM zone 8, by default).",
    ),
    "setup.toml.diagnostic": (
        "Langue du rapport (fr | en) et période étudiée (dates incluses ; les événements hors "
        "période sont rejetés). À VÉRIFIER : décommentez la période.",
        "Report language (fr | en) and study period (inclusive dates; events outside it are "
        "rejected). TO CHECK: uncomment the period.",
    ),
    "setup.toml.table": (
        "Fichier {table} : {detail}",
        "{table} file: {detail}",
    ),
    "setup.toml.detected": (
        "lu sur un échantillon de {n} ligne(s) ; encodage {encoding}, séparateur {sep} "
        "(détectés à la lecture : décommentez pour les imposer).",
        "read from a sample of {n} row(s); encoding {encoding}, separator {sep} "
        "(detected when reading: uncomment to force them).",
    ),
    "setup.toml.several_files": (
        "{n} fichiers lus et mis ensemble ; leurs colonnes doivent être les mêmes.",
        "{n} files read and put together; their columns must be the same.",
    ),
    "setup.toml.different_columns": (
        "À VÉRIFIER : {file} n'a pas les mêmes colonnes que {first}.",
        "TO CHECK: {file} does not have the same columns as {first}.",
    ),
    "setup.toml.dates": (
        "Dates : colonne {column}, écrites comme {example} (précision : {precision}) ; "
        "{share} de l'échantillon lisible.",
        "Dates: column {column}, written as {example} (precision: {precision}); "
        "{share} of the sample readable.",
    ),
    "setup.toml.precision.minute": ("minute", "minute"),
    "setup.toml.precision.day": ("jour", "day"),
    "setup.toml.precision.month": (
        "mois : chaque date couvre son mois",
        "month: each date covers its month",
    ),
    "setup.toml.precision.year": (
        "année : chaque date couvre son année",
        "year: each date covers its year",
    ),
    "setup.toml.crs_lonlat": (
        "Positions : longitude et latitude (degrés, EPSG:4326), colonnes {x} et {y}.",
        "Positions: longitude and latitude (degrees, EPSG:4326), columns {x} and {y}.",
    ),
    "setup.toml.crs_guessed": (
        "Positions : {what} ; SCR deviné d'après l'étendue des valeurs ({bounds}). "
        "À VÉRIFIER : source_crs.",
        "Positions: {what}; CRS guessed from the range of the values ({bounds}). "
        "TO CHECK: source_crs.",
    ),
    "setup.toml.crs_declared": (
        "Positions : géométries du fichier, SCR déclaré {crs}.",
        "Positions: the file's geometries, declared CRS {crs}.",
    ),
    "setup.toml.crs_chosen": (
        "Positions : SCR source choisi par l'analyste : {crs}.",
        "Positions: source CRS chosen by the analyst: {crs}.",
    ),
    "setup.toml.no_position": (
        "Aucune colonne de position trouvée : les incidents ne seront pas cartographiés.",
        "No position column found: the incidents will not be mapped.",
    ),
    "setup.toml.columns": (
        "Champ canonique = colonne du fichier. Trouvés par leur nom, sauf ceux marqués "
        "« d'après les valeurs ». À VÉRIFIER.",
        "Canonical field = column of the file. Found by their name, except those marked "
        "'from the values'. TO CHECK.",
    ),
    "setup.toml.by_values": ("d'après les valeurs", "from the values"),
    "setup.toml.missing_fields": (
        "À VÉRIFIER : champs requis introuvables ({fields}) ; nommez leur colonne ici.",
        "TO CHECK: required fields not found ({fields}); name their column here.",
    ),
    "setup.toml.grid": (
        "Aucun fichier de secteurs : les secteurs sont une grille de cellules de grid_m mètres "
        "sur les incidents localisés (population inconnue, donc pas de taux).",
        "No sectors file: the sectors are a grid of grid_m-metre cells over the located "
        "incidents (population unknown, so no rates).",
    ),
    "setup.toml.grid_clipped": (
        "Secteurs en grille de grid_m mètres, découpée aux limites de ce fichier.",
        "Sectors as a grid of grid_m-metre cells, clipped to this file's outline.",
    ),
    "setup.toml.options": (
        "Autres options : duplicates (reject | flag), date_only, precision, sheet, layer "
        "(voir docs/config.md).",
        "Other options: duplicates (reject | flag), date_only, precision, sheet, layer "
        "(see docs/config.md).",
    ),
    "setup.toml.taxonomy": (
        "Catégories : categories.csv associe chaque libellé du fichier à un code "
        "(source_label, code, count, suggestion). À VÉRIFIER : remplissez la colonne code "
        "des libellés sans code ({n}), par exemple avec la suggestion.",
        "Categories: categories.csv maps each label of the file to a code "
        "(source_label, code, count, suggestion). TO CHECK: fill in the code column of the "
        "labels without a code ({n}), for example with the suggestion.",
    ),
    "setup.toml.ucr2": (
        "Les catégories du fichier sont des codes d'infraction DUC2 de Statistique Canada : "
        "la table fournie ucr2 les associe aux codes de la taxonomie, avant categories.csv.",
        "The file's categories are Statistics Canada UCR2 violation codes: the packaged "
        "table ucr2 maps them to the taxonomy's codes, before categories.csv.",
    ),
    "setup.toml.aliases": (
        "Ou ici, un libellé par ligne (l'emporte sur categories.csv) :",
        "Or here, one label a line (wins over categories.csv):",
    ),
    "setup.toml.parameters": (
        "Paramètres d'analyse (valeurs par défaut sinon ; voir docs/config.md) :",
        "Analysis parameters (defaults otherwise; see docs/config.md):",
    ),
    "setup.written": ("Écrit : {path}", "Written: {path}"),
    "setup.validating": ("Validation de {path} :", "Validating {path}:"),
    "setup.next_steps": (
        "Étapes suivantes :\n"
        "  1. Ouvrez {categories} et donnez un code aux {n} libellé(s) sans code "
        "(la colonne suggestion propose le plus proche).\n"
        "  2. Relisez {config} : colonnes trouvées d'après les valeurs, SCR source, période, "
        "tout ce qui est marqué « À VÉRIFIER ».\n"
        "  3. Relancez : python -m diagnostic_lib validate --config {config}\n"
        "  4. Puis : python -m diagnostic_lib report --config {config}",
        "Next steps:\n"
        "  1. Open {categories} and give a code to the {n} label(s) without one "
        "(the suggestion column proposes the closest).\n"
        "  2. Review {config}: columns found from the values, source CRS, period, "
        "everything marked 'TO CHECK'.\n"
        "  3. Run again: python -m diagnostic_lib validate --config {config}\n"
        "  4. Then: python -m diagnostic_lib report --config {config}",
    ),
    "setup.next_steps_coded": (
        "Étapes suivantes (chaque libellé de catégorie a son code) :\n"
        "  1. Relisez {config} : colonnes trouvées d'après les valeurs, SCR source, période, "
        "tout ce qui est marqué « À VÉRIFIER ».\n"
        "  2. Relancez : python -m diagnostic_lib validate --config {config}\n"
        "  3. Puis : python -m diagnostic_lib report --config {config}",
        "Next steps (every category label has its code):\n"
        "  1. Review {config}: columns found from the values, source CRS, period, "
        "everything marked 'TO CHECK'.\n"
        "  2. Run again: python -m diagnostic_lib validate --config {config}\n"
        "  3. Then: python -m diagnostic_lib report --config {config}",
    ),
    "setup.next_steps_error": (
        "Étapes suivantes (les données ne se chargent pas encore) :\n"
        "  1. Corrigez ce que dit l'erreur ci-dessus : dans {config} (colonnes, fichiers, "
        "séparateur), ou dans les fichiers eux-mêmes (des fichiers de mises en page "
        "différentes se déclarent chacun dans leur propre entrée).\n"
        "  2. Relancez : python -m diagnostic_lib validate --config {config}",
        "Next steps (the data do not load yet):\n"
        "  1. Fix what the error above says: in {config} (columns, files, separator), or in "
        "the files themselves (files of different layouts are each declared in their own "
        "entry).\n"
        "  2. Run again: python -m diagnostic_lib validate --config {config}",
    ),
    # the init wizard of notebook 05 (widgets.init_wizard)
    "setup.crs.EPSG:4326": (
        "WGS84, longitude et latitude (degrés)",
        "WGS84, longitude and latitude (degrees)",
    ),
    "setup.crs.EPSG:32188": ("NAD83 / MTM zone 8 (mètres)", "NAD83 / MTM zone 8 (metres)"),
    "setup.crs.EPSG:2950": (
        "NAD83(SCRS) / MTM zone 8 (mètres)",
        "NAD83(CSRS) / MTM zone 8 (metres)",
    ),
    "setup.crs.EPSG:32187": ("NAD83 / MTM zone 7 (mètres)", "NAD83 / MTM zone 7 (metres)"),
    "setup.crs.EPSG:32189": ("NAD83 / MTM zone 9 (mètres)", "NAD83 / MTM zone 9 (metres)"),
    "setup.crs.EPSG:32198": ("NAD83 / Québec Lambert (mètres)", "NAD83 / Quebec Lambert (metres)"),
    "setup.crs.EPSG:3857": ("Web Mercator (mètres de carte web)", "Web Mercator (web-map metres)"),
    "setup.wizard.title": ("Premier réglage de vos données", "First set-up of your data"),
    "setup.wizard.file": (
        "Fichier {file} ({table}) : format {format}, encodage {encoding}, séparateur {sep} ; "
        "{n} ligne(s) lues pour deviner.",
        "File {file} ({table}): format {format}, encoding {encoding}, separator {sep}; "
        "{n} row(s) read to guess.",
    ),
    "setup.wizard.no_dates": (
        "Dates : aucune colonne de dates trouvée. À VÉRIFIER : choisissez-la ci-dessous.",
        "Dates: no date column found. TO CHECK: choose it below.",
    ),
    "setup.wizard.preview": ("Premières lignes, telles que lues", "First rows, as read"),
    "setup.wizard.roles": ("Rôle des colonnes", "Column roles"),
    "setup.wizard.none": ("— aucune —", "— none —"),
    "setup.wizard.crs": ("SCR des positions", "CRS of the positions"),
    "setup.wizard.crs_guess": ("deviné ({crs})", "guessed ({crs})"),
    "setup.wizard.categories": (
        "Catégories : {n} libellé(s), dont {unmatched} sans code. Choisissez le code de chaque "
        "libellé (la suggestion est le code le plus proche).",
        "Categories: {n} label(s), {unmatched} without a code. Choose each label's code "
        "(the suggestion is the closest code).",
    ),
    "setup.wizard.category": ("{label} ({count} ligne(s))", "{label} ({count} row(s))"),
    "setup.wizard.no_code": ("— aucun code (autre) —", "— no code (other) —"),
    "setup.wizard.suggested": ("{code} — suggestion", "{code} — suggestion"),
    "setup.wizard.out": ("Dossier", "Folder"),
    "setup.wizard.name": ("Municipalité", "Municipality"),
    "setup.wizard.write": ("Écrire et vérifier", "Write and check"),
    "setup.wizard.config": ("Aperçu de diagnostic.toml", "Preview of diagnostic.toml"),
    "setup.wizard.check_ok": (
        "Vérification (comme « validate ») : tous les fichiers se chargent.",
        "Check (as 'validate'): every file loads.",
    ),
    "setup.wizard.check_failed": (
        "Vérification (comme « validate ») : la configuration ne se charge pas encore.",
        "Check (as 'validate'): the config does not load yet.",
    ),
}
"""Label key → (French, English)."""
