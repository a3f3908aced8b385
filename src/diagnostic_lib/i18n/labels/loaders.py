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
    "loaders.error.file_not_found": ("fichier introuvable", "file not found"),
    "loaders.error.is_folder": ("est un dossier, pas un fichier", "is a folder, not a file"),
    "loaders.error.old_excel": (
        "les fichiers Excel .xls ne sont pas pris en charge ; enregistrez en .xlsx ou CSV",
        "old Excel .xls files are not supported; save as .xlsx or CSV",
    ),
    "loaders.error.unsupported_type": (
        "type de fichier « {ext} » non pris en charge ; formats acceptés : {supported}",
        "unsupported file type '{ext}'; supported: {supported}",
    ),
    "loaders.error.empty_file": ("le fichier est vide", "the file is empty"),
    "loaders.error.zip_not_csv": (
        "ce fichier est un zip ou un classeur Excel, pas un CSV",
        "this is a zip or Excel file, not a CSV; give it its .xlsx name",
    ),
    "loaders.error.binary": ("contenu binaire, pas un CSV", "binary content, not a text/CSV file"),
    "loaders.error.separator_mismatch": (
        "l'en-tête est séparé par « {header} » mais les lignes par « {rows} » : réenregistrez "
        "le fichier avec un seul séparateur, ou indiquez-le (sep = …) dans [data.<table>]",
        "the header is separated by '{header}' but the rows by '{rows}': save the file again "
        "with one separator, or give it (sep = …) in [data.<table>]",
    ),
    "loaders.error.sheet_missing": (
        "la feuille « {sheet} » n'existe pas ; feuilles du classeur : {sheets} (indiquez sheet = "
        "… dans [data.<table>])",
        "there is no sheet '{sheet}'; the workbook's sheets: {sheets} (set sheet = … in "
        "[data.<table>])",
    ),
    "loaders.error.empty_header": ("l'en-tête est vide", "the first line (header) is empty"),
    # --- errors: the file cannot be used --------------------------------------------------
    "loaders.error.mapped_column_missing": (
        "la colonne {src} (pour {field}) est absente du fichier. Colonnes trouvées : {columns}",
        "mapped column {src} (for {field}) is not in the file. Columns found: {columns}",
    ),
    "loaders.error.required_missing": (
        "impossible de charger {table} : colonne(s) obligatoire(s) absente(s) après "
        "correspondance (préréglage {preset}) : {missing}. Colonnes trouvées : {columns}",
        "cannot load {table}: required column(s) missing after mapping (preset {preset}): "
        "{missing}. Columns found: {columns}",
    ),
    "loaders.error.no_geometry": (
        "impossible de charger {table} : aucune géométrie (un fichier SIG, ou un CSV avec une "
        "colonne WKT). Colonnes trouvées : {columns}",
        "cannot load {table}: no geometry (a GIS file, or a CSV with a WKT column). "
        "Columns found: {columns}",
    ),
    "loaders.error.no_sector": ("aucun secteur utilisable", "no usable sector polygon"),
}
"""Label key → (French, English)."""
