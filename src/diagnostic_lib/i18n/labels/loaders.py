"""Labels of the loaders' messages: the ledger's file notes and the errors that stop a load.

The notes (``loaders.note.*``) are recorded in both languages in the ledger. The
errors (``loaders.error.*``) are raised as one message in English then French
(see :func:`diagnostic_lib.errors.bilingual`), after the file name.
"""

from __future__ import annotations

LABELS: dict[str, tuple[str, str]] = {
    # --- file notes (ledger) --------------------------------------------------------------
    "loaders.note.encoding": (
        "Encodage détecté : {encoding} ; séparateur : « {sep} ».",
        "Detected encoding: {encoding}; separator: '{sep}'.",
    ),
    "loaders.note.header_row": (
        "En-tête lu à la ligne {row} ; au-dessus, un titre, pas des données : « {title} ».",
        "Header read on row {row}; above it, a title, not data: '{title}'.",
    ),
    "loaders.note.sector_numbers": (
        "Secteurs écrits par leur seul numéro, lus comme le secteur de même numéro : {pairs}.",
        "Sectors written as their number alone, read as the sector of the same number: {pairs}.",
    ),
    "loaders.note.grid_sectors_square": (
        "Les secteurs sont une grille générée de {n} cellules carrées de {size} m ; "
        "identifiants G-rLLcCC (ligne, colonne depuis le sud-ouest), population inconnue "
        "(pas de taux).",
        "The sectors are a generated grid of {n} square cells of {size} m; ids G-rRRcCC "
        "(row, column from the south-west), population unknown (no rates).",
    ),
    "loaders.note.grid_sectors_hex": (
        "Les secteurs sont une grille générée de {n} cellules hexagonales de l'aire d'un carré "
        "de {size} m ; identifiants H-rLLcCC (ligne, colonne depuis le sud-ouest), population "
        "inconnue (pas de taux).",
        "The sectors are a generated grid of {n} hexagonal cells of the area of a {size} m "
        "square; ids H-rRRcCC (row, column from the south-west), population unknown (no rates).",
    ),
    "loaders.note.attribute_sectors": (
        "{n} secteurs lus dans la colonne « {column} » des incidents (pas de fichier de limites) ; "
        "leurs contours, approximatifs, sont les carrés de {size} m où se trouvent la plupart de "
        "leurs incidents localisés",
        '{n} sectors read from the incidents\' column "{column}" (no boundary file); their '
        "outlines, approximate, are the {size} m squares where most of their located incidents lie",
    ),
    "loaders.note.grid_over_incidents": (
        "Aucun fichier de secteurs : la grille couvre l'étendue des incidents localisés, et "
        "seules les cellules qui en contiennent au moins un sont gardées.",
        "No sectors file: the grid covers the located incidents' extent, and only the cells "
        "that hold at least one are kept.",
    ),
    "loaders.note.grid_clipped": (
        "La grille est découpée aux limites de {file} (cellules vides comprises) ; ses "
        "polygones ne servent pas de secteurs.",
        "The grid is clipped to the outline of {file} (empty cells included); its polygons are "
        "not used as sectors.",
    ),
    "loaders.note.no_data_months": (
        "Aucun enregistrement en {months} : ces mois sont traités comme « sans données », "
        "pas comme zéro.",
        "No record in {months}: these months are treated as no data, not as zero.",
    ),
    "loaders.note.no_data_months_all": (
        "Tous fichiers confondus, aucun enregistrement en {months} : ces mois sont traités "
        "comme « sans données », pas comme zéro (saisonnalité, prévisions, fenêtres avant/après).",
        "All files together, no record in {months}: these months are treated as no data, "
        "not as zero (seasonality, forecasts, before/after windows).",
    ),
    "loaders.note.crs_assumed": (
        "Aucun SCR déclaré : {crs} supposé d'après les coordonnées.",
        "No CRS declared: {crs} assumed from the coordinates.",
    ),
    "loaders.note.wkt_crs_assumed": (
        "Géométries WKT sans SCR : {crs} supposé d'après les coordonnées.",
        "WKT geometries without a CRS: {crs} assumed from the coordinates.",
    ),
    "loaders.note.no_position": (
        "Aucune colonne de position : les incidents comptent dans les totaux "
        "mais restent hors des cartes.",
        "No position column: incidents count in the totals but stay off the maps.",
    ),
    "loaders.note.columns_ignored": (
        "{n} colonne(s) non utilisée(s) (ni reconnues ni associées dans [data.<table>.columns]) "
        ": {columns}.",
        "{n} column(s) not used (neither recognised nor mapped in [data.<table>.columns]): "
        "{columns}.",
    ),
    "loaders.note.boms_removed": (
        "{n} marques d'ordre des octets (BOM) au milieu du fichier ont été retirées.",
        "{n} byte-order marks (BOM) inside the file were removed.",
    ),
    "loaders.note.offsets_converted": (
        "{n} dates portent un décalage UTC (…Z, …-04:00) : converties à l'heure de {zone}.",
        "{n} dates carry a UTC offset (…Z, …-04:00): converted to {zone} time.",
    ),
    "loaders.note.crs_outside": (
        "Les positions sont hors de la zone d'usage du SCR {crs} : vérifiez le SCR du fichier.",
        "The positions lie outside the area of use of the CRS {crs}: check the file's CRS.",
    ),
    "loaders.note.outside_sectors": (
        "{share} % des positions sont hors de l'étendue des secteurs : vérifiez le SCR du fichier "
        "(source_crs = … dans [data.<table>]) et le fichier des secteurs.",
        "{share}% of the positions lie outside the sectors' extent: check the file's CRS "
        "(source_crs = … in [data.<table>]) and the sectors file.",
    ),
    "loaders.note.placeholder_time": (
        "Toutes les dates portent la même heure ({time}) : lue comme un remplissage, pas comme "
        "l'heure des faits (date seule, complétée par la colonne d'heure ou le quart s'il y en a).",
        "Every date carries the same time ({time}): read as filler, not as the time of the events "
        "(the date only, completed by the time column or the shift where there is one).",
    ),
    "loaders.note.crs_metres_assumed": (
        "Le fichier ne déclare pas de SCR et ses coordonnées sont en mètres : {crs} supposé "
        "(indiquez source_crs = … s'il en est autrement).",
        "The file declares no CRS and its coordinates are in metres: {crs} assumed (set "
        "source_crs = … if it is another one).",
    ),
    "loaders.error.crs_degrees_in_metric": (
        "ces coordonnées ressemblent à des degrés (longitude, latitude), mais le SCR du fichier "
        'est {crs}, en mètres : indiquez source_crs = "EPSG:4326" dans [data.<table>]',
        "these coordinates look like degrees (longitude, latitude) but the file's CRS is {crs}, "
        'in metres: set source_crs = "EPSG:4326" in [data.<table>]',
    ),
    "loaders.error.crs_metres_in_degrees": (
        "ces coordonnées sont en mètres, mais le fichier est lu en degrés ({crs}) ; un GeoJSON "
        'sans membre crs est lu en WGS84 : indiquez son SCR (source_crs = "EPSG:…") dans '
        "[data.<table>]",
        "these coordinates are in metres but the file is read in degrees ({crs}); a GeoJSON "
        'without a crs member is read as WGS84: give its CRS (source_crs = "EPSG:…") in '
        "[data.<table>]",
    ),
    "loaders.error.crs_xy_swapped": (
        "x et y semblent inversés pour le SCR {crs} : échangez les colonnes (ou l'ordre des "
        "axes à l'export)",
        "x and y look swapped for the CRS {crs}: exchange the columns (or the axis order of the "
        "export)",
    ),
    "loaders.error.crs_latlon_swapped": (
        "latitude et longitude semblent inversées ({crs}) : échangez-les (ou l'ordre des axes "
        "à l'export)",
        "latitude and longitude look swapped ({crs}): exchange them (or the axis order of the "
        "export)",
    ),
    # --- errors: the file cannot be read --------------------------------------------------
    "loaders.error.file_not_found": (
        "fichier introuvable : vérifiez le chemin et le nom du fichier (path = … dans "
        "[data.<table>])",
        "file not found: check the path and the file name (path = … in [data.<table>])",
    ),
    "loaders.error.is_folder": (
        "est un dossier, pas un fichier : indiquez le chemin du fichier qu'il contient",
        "is a folder, not a file: give the path of the file inside it",
    ),
    "loaders.error.old_excel": (
        "les fichiers Excel .xls ne sont pas pris en charge ; enregistrez en .xlsx ou CSV",
        "old Excel .xls files are not supported; save as .xlsx or CSV",
    ),
    "loaders.error.unsupported_type": (
        "type de fichier « {ext} » non pris en charge : enregistrez-le dans un des formats "
        "acceptés ({supported})",
        "unsupported file type '{ext}': save it in one of the supported formats ({supported})",
    ),
    "loaders.error.empty_file": (
        "le fichier est vide : exportez de nouveau la table, avec sa ligne d'en-tête",
        "the file is empty: export the table again, with its header line",
    ),
    "loaders.error.zip_not_csv": (
        "ce fichier est un zip ou un classeur Excel, pas un CSV : si c'est un classeur, "
        "donnez-lui son extension .xlsx ; sinon, exportez la table en CSV",
        "this is a zip or Excel file, not a CSV: if it is a workbook, give it its .xlsx name; "
        "otherwise export the table as CSV",
    ),
    "loaders.error.binary": (
        "contenu binaire, pas un CSV : exportez la table en CSV (texte) ou en .xlsx",
        "binary content, not a text/CSV file: export the table as CSV (text) or .xlsx",
    ),
    "loaders.error.separator_mismatch": (
        "l'en-tête est séparé par « {header} » mais les lignes par « {rows} » : réenregistrez "
        "le fichier avec un seul séparateur, ou indiquez-le (sep = …) dans [data.<table>]",
        "the header is separated by '{header}' but the rows by '{rows}': save the file again "
        "with one separator, or give it (sep = …) in [data.<table>]",
    ),
    "loaders.error.sheet_missing": (
        "la feuille « {sheet} » n'existe pas ; feuilles du classeur : {sheets} (indiquez sheet = "
        "… dans [data.<table>] ; 0 est la première)",
        "there is no sheet '{sheet}'; the workbook's sheets: {sheets} (set sheet = … in "
        "[data.<table>]; 0 is the first)",
    ),
    "loaders.error.empty_header": (
        "l'en-tête (première ligne) est vide : mettez les noms des colonnes sur la première ligne",
        "the first line (header) is empty: put the column names on the first line",
    ),
    "loaders.error.header_quote": (
        "l'en-tête (ligne {line}) ouvre un guillemet qui ne se ferme qu'à une ligne suivante : "
        "mettez les noms des colonnes sur une seule ligne",
        "the header (line {line}) opens a quote that closes only on a later line: put the "
        "column names on one line",
    ),
    "loaders.error.bad_sep": (
        'sep doit être un seul caractère, comme "," ";" ou une tabulation (sep = "\\t" '
        "dans [data.<table>]) (lu : {value}) : corrigez-le, ou retirez-le pour que le "
        "séparateur soit détecté",
        'sep must be one character such as "," ";" or a tab (sep = "\\t" in '
        "[data.<table>]), got {value}: correct it, or leave it out to have the separator "
        "detected",
    ),
    # --- errors: the file cannot be used --------------------------------------------------
    "loaders.error.mapped_column_missing": (
        "la colonne {src} (pour {field}) est absente du fichier : corrigez son nom dans "
        "[data.{table}.columns] (majuscules et accents sont ignorés). Colonnes trouvées : "
        "{columns}",
        "mapped column {src} (for {field}) is not in the file: correct its name in "
        "[data.{table}.columns] (case and accents are ignored). Columns found: {columns}",
    ),
    "loaders.error.required_missing": (
        "impossible de charger {table} : colonne(s) obligatoire(s) absente(s) après "
        "correspondance (préréglage {preset}) : {missing} ; ajoutez-les au fichier ou "
        "associez-les à une colonne dans [data.{table}.columns]. Colonnes trouvées : {columns}",
        "cannot load {table}: required column(s) missing after mapping (preset {preset}): "
        "{missing}; add them to the file or map them to a column in [data.{table}.columns]. "
        "Columns found: {columns}",
    ),
    "loaders.error.no_geometry": (
        "impossible de charger {table} : aucune géométrie ; fournissez un fichier SIG (.gpkg, "
        ".shp, .geojson) ou un CSV avec une colonne WKT. Colonnes trouvées : {columns}",
        "cannot load {table}: no geometry; give a GIS file (.gpkg, .shp, .geojson) or a CSV "
        "with a WKT column. Columns found: {columns}",
    ),
    "loaders.error.no_sector": (
        "aucun secteur utilisable : vérifiez les polygones du fichier des secteurs (les lignes "
        "rejetées et leur motif sont dans le registre de qualité)",
        "no usable sector polygon: check the polygons of the sectors file (the rejected rows "
        "and why are in the data-quality ledger)",
    ),
    # --- errors: messages with actions (messages branch) ---
    "loaders.error.cannot_decode": (
        "impossible de décoder le fichier en {encoding} (ligne {line}) : enregistrez-le en "
        "UTF-8, ou indiquez son encodage réel (encoding = … dans [data.<table>] ; cp1252 pour "
        "la plupart des exports Windows)",
        "cannot decode the file as {encoding} (line {line}): save it as UTF-8, or give its real "
        "encoding (encoding = … in [data.<table>]; cp1252 for most Windows exports)",
    ),
    "loaders.error.unknown_encoding": (
        'encodage inconnu « {encoding} » : indiquez encoding = "utf-8", "cp1252" ou '
        '"latin-1" dans [data.<table>], ou retirez-le pour que l\'encodage soit détecté',
        'unknown encoding \'{encoding}\': set encoding = "utf-8", "cp1252" or "latin-1" in '
        "[data.<table>], or remove it to have the encoding detected",
    ),
    "loaders.error.csv_fields": (
        "impossible de découper la ligne {line} en champs (champ trop long, ou guillemet jamais "
        "refermé) : vérifiez cette ligne, ou exportez de nouveau le fichier",
        "cannot split line {line} into fields (a field too long, or a quote never closed): "
        "check that line, or export the file again",
    ),
    "loaders.error.bad_xlsx": (
        "classeur .xlsx illisible : ouvrez-le dans Excel et enregistrez-le de nouveau au format "
        ".xlsx, ou exportez la table en CSV",
        "not a readable .xlsx workbook: open it in Excel and save it again as .xlsx, or export "
        "the table as CSV",
    ),
    "loaders.error.bad_gis": (
        "impossible de lire ce fichier comme {kind} : exportez-le de nouveau depuis le SIG (un "
        "shapefile a besoin de ses fichiers .shx et .dbf à côté de lui), ou en GeoPackage",
        "cannot read this file as {kind}: export it again from the GIS (a shapefile needs its "
        ".shx and .dbf files beside it), or as a GeoPackage",
    ),
    "loaders.error.gis_layer": (
        "impossible de lire la couche « {layer} » de ce fichier {kind} : vérifiez le nom de la "
        "couche (layer = … dans [data.<table>]), ou exportez de nouveau le fichier",
        "cannot read the layer '{layer}' of this {kind} file: check the layer's name (layer = … "
        "in [data.<table>]), or export the file again",
    ),
    "loaders.error.bad_parquet": (
        "fichier Parquet illisible : exportez-le de nouveau, ou exportez la table en CSV",
        "not a readable Parquet file: export it again, or export the table as CSV",
    ),
    "loaders.error.unknown_preset": (
        "préréglage inconnu « {preset} » : indiquez l'un de ceux-ci : {presets} (preset = … "
        "dans [data.{table}])",
        "unknown preset '{preset}': use one of: {presets} (preset = … in [data.{table}])",
    ),
    "loaders.error.unknown_field": (
        "la correspondance nomme un champ inconnu « {field} » pour {table} : à gauche du "
        "signe =, utilisez l'un de ces champs : {fields}",
        "the mapping names an unknown field '{field}' for {table}: on the left of =, use one "
        "of these fields: {fields}",
    ),
    "loaders.error.grid_size": (
        "taille de cellule de grille invalide ({value}) : indiquez grid_m = un nombre de "
        "mètres plus grand que 0 dans [data.sectors]",
        "invalid grid cell size ({value}): set grid_m = a number of metres greater than 0 in "
        "[data.sectors]",
    ),
    "loaders.error.grid_shape": (
        "forme de cellule inconnue {value} : indiquez shape = l'une de celles-ci : {known} "
        "dans [data.sectors]",
        "unknown cell shape {value}: set shape = one of: {known} in [data.sectors]",
    ),
    "loaders.error.grid_too_many": (
        "une grille de {size} m sur cette étendue aurait {n} cellules : choisissez un grid_m "
        "plus grand dans [data.sectors], ou vérifiez les positions des incidents",
        "a {size} m grid over this extent would have {n} cells: choose a larger grid_m in "
        "[data.sectors], or check the incidents' positions",
    ),
    "loaders.error.sector_column_empty": (
        "aucun incident n'a de code de secteur dans la colonne nommée par [data.sectors] "
        "sector_column : vérifiez le nom de la colonne (il doit être écrit comme dans le fichier)",
        "no incident has a sector code in the column named by [data.sectors] sector_column: "
        "check the column's name (it must be written as in the file)",
    ),
    "loaders.error.grid_no_located": (
        "impossible de faire une grille de secteurs : aucun incident n'a de position "
        "utilisable ; ajoutez les colonnes de position (x, y ou lon, lat) ou donnez un fichier "
        "de secteurs (path = … dans [data.sectors])",
        "cannot build a grid of sectors: no incident has a usable position; add the position "
        "columns (x, y or lon, lat) or give a sectors file (path = … in [data.sectors])",
    ),
    "loaders.error.no_data_entry": (
        "la configuration n'a pas d'entrée [data.{table}] : ajoutez-la, avec le chemin du "
        "fichier (path = …) ; les secteurs et les incidents sont obligatoires",
        "the config has no [data.{table}] entry: add one with the file's path (path = …); "
        "sectors and incidents are required",
    ),
}
"""Label key → (French, English)."""
