"""Labels of the errors that stop a run: unreadable files, the config, the CRS, the taxonomy.

Each is raised as one message in English then French, after the file name (see
:func:`diagnostic_lib.errors.bilingual`), and says what to do. The loaders' own
errors are in ``loaders.py`` (``loaders.error.*``), those of a step in its file.
"""

from __future__ import annotations

LABELS: dict[str, tuple[str, str]] = {
    # --- a text file (TOML, CSV) that cannot be read (errors.unreadable) ----------------
    "errors.file_not_found": (
        "fichier introuvable : vérifiez le chemin et le nom du fichier",
        "file not found: check the path and the file name",
    ),
    "errors.is_folder": (
        "est un dossier, pas un fichier : indiquez le chemin du fichier qu'il contient",
        "is a folder, not a file: give the path of the file inside it",
    ),
    "errors.cannot_open": (
        "impossible d'ouvrir le fichier : vérifiez qu'il existe et que vous avez le droit de le "
        "lire",
        "cannot open the file: check that it exists and that you may read it",
    ),
    "errors.not_utf8": (
        "le fichier n'est pas en UTF-8 : enregistrez-le en UTF-8",
        "the file is not UTF-8 text: save it as UTF-8",
    ),
    "errors.toml_syntax": (
        "TOML invalide à la ligne {line}, colonne {column} : corrigez cette ligne (texte entre "
        'guillemets droits "…", une clé = valeur par ligne, noms de [section] entre crochets)',
        "invalid TOML at line {line}, column {column}: correct that line (text between double "
        'quotes "…", one key = value per line, [section] names in square brackets)',
    ),
    "errors.toml_invalid": (
        "TOML invalide : vérifiez les guillemets, les crochets et les lignes clé = valeur, "
        "surtout à la fin du fichier",
        "invalid TOML: check the quotes, the brackets and the key = value lines, above all at "
        "the end of the file",
    ),
    "errors.csv_syntax": (
        "CSV invalide à la ligne {line} : donnez à cette ligne autant de champs que l'en-tête "
        "(vérifiez ses virgules et ses guillemets)",
        "invalid CSV at line {line}: give that line as many fields as the header (check its "
        "commas and quotes)",
    ),
    "errors.csv_invalid": (
        "CSV illisible (vide, ou guillemet jamais refermé) : enregistrez la table en CSV "
        "(UTF-8), avec sa ligne d'en-tête",
        "not a readable CSV (empty, or a quote never closed): save the table as CSV (UTF-8), "
        "with its header line",
    ),
    # --- the analysis CRS (crs.check_metric_crs) ----------------------------------------
    "crs.error.unknown": (
        'SCR inconnu « {crs} » : indiquez un code EPSG, p. ex. crs = "EPSG:32188" (NAD83, '
        "MTM zone 8)",
        "unknown CRS '{crs}': give an EPSG code, e.g. crs = \"EPSG:32188\" (NAD83, MTM zone 8)",
    ),
    "crs.error.geographic": (
        "{crs} est un SCR géographique (degrés) ; les distances demandent un SCR projeté en "
        'mètres : indiquez p. ex. crs = "EPSG:32188" (NAD83, MTM zone 8)',
        "{crs} is geographic (degrees); distances need a projected CRS in metres: set e.g. "
        'crs = "EPSG:32188" (NAD83, MTM zone 8)',
    ),
    "crs.error.not_metres": (
        "{crs} n'est pas en mètres (unités : {units}) : indiquez un SCR projeté en mètres, "
        'p. ex. crs = "EPSG:32188" (NAD83, MTM zone 8)',
        "{crs} is not in metres (units: {units}): set a projected CRS in metres, e.g. "
        'crs = "EPSG:32188" (NAD83, MTM zone 8)',
    ),
    # --- diagnostic.toml (config.load_config) -------------------------------------------
    "config.error.not_found": (
        "fichier de configuration introuvable : vérifiez le chemin et le nom du fichier "
        "(diagnostic.toml)",
        "config file not found: check the path and the file name (diagnostic.toml)",
    ),
    "config.error.section_not_table": (
        "[{section}] doit être une table : écrivez une ligne [{section}] puis ses clés en "
        'dessous (p. ex. [municipality] puis name = "…") ; lu : {section} = {value}',
        "[{section}] must be a table: write a line [{section}] and its keys under it (e.g. "
        '[municipality] then name = "…"), got {section} = {value}',
    ),
    "config.error.language": (
        "[diagnostic] language doit valoir 'fr' ou 'en' (lu : {value}) : écrivez "
        'language = "fr" ou language = "en"',
        "[diagnostic] language must be 'fr' or 'en', got {value}: write language = \"fr\" or "
        'language = "en"',
    ),
    "config.error.not_a_date": (
        "[{key}] n'est pas une date : {value} ; écrivez-la sous la forme AAAA-MM-JJ "
        '(p. ex. "2024-01-31")',
        '[{key}] is not a date: {value}; write it as YYYY-MM-DD (e.g. "2024-01-31")',
    ),
    "config.error.period": (
        "period_end ({end}) précède period_start ({start}) : corrigez les dates dans "
        "[diagnostic] (period_start est la première)",
        "period_end ({end}) is before period_start ({start}): correct the dates in "
        "[diagnostic] (period_start comes first)",
    ),
    "config.error.unknown_table": (
        "table de données inconnue [data.{table}] : utilisez l'une de celles-ci : {known}",
        "unknown data table [data.{table}]: use one of: {known}",
    ),
    "config.error.no_file_matches": (
        "[data.{table}] path = « {pattern} » ne désigne aucun fichier : vérifiez le motif "
        "(relatif au fichier de configuration)",
        "[data.{table}] path = '{pattern}' matches no file: check the pattern (relative to the "
        "config file)",
    ),
    "config.error.no_path": (
        '[data.{table}] n\'a pas de chemin : ajoutez path = "…" (le fichier, relatif au '
        "fichier de configuration)",
        "[data.{table}] needs a 'path': add path = \"…\" (the file, relative to the config file)",
    ),
    "config.error.grid_m": (
        "[data.sectors] grid_m doit être un nombre de mètres plus grand que 0 (lu : {value}) : "
        "corrigez-le, par exemple grid_m = 500",
        "[data.sectors] grid_m must be a number of metres greater than 0, got {value}: "
        "correct it, e.g. grid_m = 500",
    ),
    "config.error.grid_shape": (
        "[data.sectors] shape doit être l'une de celles-ci : {known} (lu : {value}) : "
        "corrigez-la, ou retirez-la pour des cellules carrées",
        "[data.sectors] shape must be one of: {known}, got {value}: correct it, or remove it "
        "for square cells",
    ),
    "config.error.sector_column": (
        "[data.{table}] sector_column = {value} : il faut le nom d'une colonne des incidents, "
        "dans [data.sectors] seulement, sans path ni grid_m (les secteurs sont alors les codes "
        "de cette colonne)",
        "[data.{table}] sector_column = {value}: give the name of a column of the incidents, in "
        "[data.sectors] only, without path or grid_m (the sectors are then that column's codes)",
    ),
    "config.error.grid_not_sectors": (
        "[data.{table}] grid_m ne vaut que pour [data.sectors] : retirez-le de [data.{table}]",
        "[data.{table}] grid_m is only for [data.sectors]: remove it from [data.{table}]",
    ),
    "config.error.grid_population": (
        "[data.population] {file} donne les habitants par identifiant de secteur, mais les "
        "secteurs sont une grille générée ([data.sectors] grid_m) dont aucune cellule ne porte "
        "ces identifiants : la table ne peut pas s'y joindre. Retirez [data.population] (les "
        "tableaux donnent alors des comptes et des parts, sans taux), ou retirez grid_m et "
        "donnez en [data.sectors] path les limites des secteurs que la table nomme",
        "[data.population] {file} gives residents by sector id, but the sectors are a "
        "generated grid ([data.sectors] grid_m) whose cells carry none of those ids: the table "
        "cannot be joined to them. Remove [data.population] (the tables then give counts and "
        "shares, without rates), or remove grid_m and give in [data.sectors] path the "
        "boundaries of the sectors the table names",
    ),
    "config.error.cache": (
        "[cache] {key} = {value} n'est pas compris : écrivez enabled = true ou false, et "
        'dir = "build/cache" (un dossier, relatif à celui du fichier de configuration)',
        "[cache] {key} = {value} is not understood: write enabled = true or false, and "
        'dir = "build/cache" (a folder, relative to the config file\'s folder)',
    ),
    "config.error.sep": (
        '[data.{table}] sep doit être un seul caractère, comme "," ";" ou une tabulation '
        '(sep = "\\t") (lu : {value}) : corrigez-le, ou retirez-le pour que le séparateur '
        "soit détecté",
        '[data.{table}] sep must be one character such as "," ";" or a tab '
        '(sep = "\\t"), got {value}: correct it, or remove it to have the separator detected',
    ),
    "config.error.designs_not_table": (
        "[designs] doit contenir des tables [designs.<id de la mesure>] : écrivez "
        "[designs.<id de la mesure>] puis ses clés en dessous",
        "[designs] must be a table of [designs.<measure id>] tables: write "
        "[designs.<measure id>] and its keys under it",
    ),
    "config.error.design_not_table": (
        "[designs.{measure}] doit être une table : écrivez [designs.{measure}] sur sa propre "
        "ligne, puis ses clés en dessous",
        "[designs.{measure}] must be a table: write [designs.{measure}] on a line of its own "
        "and its keys under it",
    ),
    "config.error.design_unknown_key": (
        "[designs.{measure}] : clé inconnue « {key} » ; utilisez l'une de celles-ci : {known}",
        "[designs.{measure}]: unknown key '{key}'; use one of: {known}",
    ),
    "config.error.design_control": (
        "[designs.{measure}] : control doit valoir 'rest', 'similar' ou 'level' (lu : {value})",
        "[designs.{measure}]: control must be 'rest', 'similar' or 'level', got {value}",
    ),
    "config.error.design_number": (
        "[designs.{measure}] : {key} doit être un nombre ≥ 0 (lu : {value})",
        "[designs.{measure}]: {key} must be a number ≥ 0, got {value}",
    ),
    "config.error.design_whole": (
        "[designs.{measure}] : {key} doit être un nombre entier (lu : {value})",
        "[designs.{measure}]: {key} must be a whole number, got {value}",
    ),
    "config.error.design_window": (
        "[designs.{measure}] : window_months doit valoir au moins 1 (lu : {value})",
        "[designs.{measure}]: window_months must be at least 1, got {value}",
    ),
    # --- [parameters] (settings.validate) -----------------------------------------------
    "settings.error.unknown": (
        "[parameters] clé inconnue « {key} » : retirez-la ou corrigez son nom (les clés "
        "connues sont listées dans docs/methods.md)",
        "[parameters] unknown key '{key}': remove it or correct its name (the known keys are "
        "listed in docs/methods.md)",
    ),
    "settings.error.unknown_close": (
        "[parameters] clé inconnue « {key} » (vouliez-vous dire {close} ?) : retirez-la ou "
        "corrigez son nom (les clés connues sont listées dans docs/methods.md)",
        "[parameters] unknown key '{key}' (did you mean {close}?): remove it or correct its "
        "name (the known keys are listed in docs/methods.md)",
    ),
    "settings.error.number": (
        "[parameters] {key} doit être un nombre (lu : {value})",
        "[parameters] {key} must be a number, got {value}",
    ),
    "settings.error.whole": (
        "[parameters] {key} doit être un nombre entier (lu : {value})",
        "[parameters] {key} must be a whole number, got {value}",
    ),
    "settings.error.minimum": (
        "[parameters] {key} doit valoir au moins {bound} (lu : {value})",
        "[parameters] {key} must be at least {bound}, got {value}",
    ),
    "settings.error.maximum": (
        "[parameters] {key} doit valoir au plus {bound} (lu : {value})",
        "[parameters] {key} must be at most {bound}, got {value}",
    ),
    "settings.error.bool": (
        "[parameters] {key} doit valoir true ou false (lu : {value})",
        "[parameters] {key} must be true or false, got {value}",
    ),
    "settings.error.text": (
        '[parameters] {key} doit être un texte entre guillemets "…" (lu : {value})',
        '[parameters] {key} must be text, got {value}: write it between double quotes "…"',
    ),
    "settings.error.choice": (
        "[parameters] {key} doit valoir l'une de ces valeurs : {choices} (lu : {value})",
        "[parameters] {key} must be one of {choices}, got {value}",
    ),
    "settings.error.zone": (
        "[parameters] {key} doit être un nom de fuseau horaire comme 'America/Toronto' "
        "(lu : {value})",
        "[parameters] {key} must be a time zone name such as 'America/Toronto', got {value}",
    ),
    "settings.error.table": (
        "[parameters] {key} doit être une table (lu : {value}) : écrivez [parameters.{key}] "
        "sur sa propre ligne, puis ses clés en dessous",
        "[parameters] {key} must be a table, got {value}: write [parameters.{key}] on a line of "
        "its own and its keys under it",
    ),
    "settings.error.table_key": (
        "[parameters] {key} : clé inconnue « {sub} » ; utilisez l'une de celles-ci : {known}",
        "[parameters] {key}: unknown key '{sub}'; use one of: {known}",
    ),
    # --- the taxonomy and the severity weights (taxonomy) -------------------------------
    "taxonomy.error.missing_columns": (
        "colonne(s) absente(s) de la taxonomie : {missing} ; ajoutez-les (il faut code, family, "
        "label_fr et label_en). Colonnes trouvées : {columns}",
        "taxonomy column(s) missing: {missing}; add them (code, family, label_fr and label_en "
        "are needed). Columns found: {columns}",
    ),
    "taxonomy.error.duplicated": (
        "codes en double {codes} : ne gardez qu'une ligne par code",
        "duplicated codes {codes}: keep one row per code",
    ),
    "taxonomy.error.families": (
        "familles inconnues {families} : utilisez l'une de celles-ci : {allowed}",
        "unknown families {families}: use one of: {allowed}",
    ),
    "taxonomy.error.no_other": (
        "la taxonomie a besoin d'une catégorie 'other' pour les libellés inconnus : ajoutez "
        "une ligne de code other",
        "the taxonomy needs an 'other' category for unknown labels: add a row with the code other",
    ),
    "taxonomy.error.weight_columns": (
        "les poids de gravité ont besoin des colonnes code et weight : ajoutez-les. Colonnes "
        "trouvées : {columns}",
        "the severity weights need the columns code and weight: add them. Columns found: {columns}",
    ),
    "taxonomy.error.weights": (
        "les poids doivent être des nombres positifs ou nuls (lignes {rows}) : corrigez ces lignes",
        "weights must be non-negative numbers (rows {rows}): correct those rows",
    ),
    "taxonomy.error.code_table": (
        "table de codes {name} inconnue : utilisez un chemin de fichier ou l'une des tables "
        "fournies : {known}",
        "unknown code table {name}: give a file path or one of the packaged tables: {known}",
    ),
    "taxonomy.error.alias_code": (
        "le code {code} n'est pas dans la taxonomie (codes proches : {close}) : corrigez-le ou "
        "laissez-le vide",
        "the code {code} is not in the taxonomy (close codes: {close}): correct it or leave it "
        "empty",
    ),
    "config.error.aliases_not_table": (
        "[taxonomy.aliases] doit être une table, une ligne par libellé : "
        "« libellé » = « code » (lu : {value})",
        "[taxonomy.aliases] must be a table, one line per label: 'label' = 'code' (got {value})",
    ),
    "config.error.alias_not_text": (
        '[taxonomy.aliases] "{label}" : le code doit être un texte entre guillemets, lu : {value}',
        '[taxonomy.aliases] "{label}": the code must be a text in quotes, got {value}',
    ),
    "config.error.maps_key": (
        "[maps] ne connaît pas la clé {key} (clés : {known})",
        "[maps] has no key {key} (keys: {known})",
    ),
    "config.error.maps_type": (
        "[maps] : tiles et attribution sont des textes entre guillemets et max_zoom un entier "
        "(lu : {value})",
        "[maps]: tiles and attribution are texts in quotes and max_zoom a whole number "
        "(got {value})",
    ),
    "config.error.tiles_attribution": (
        "[maps] tiles est un modèle d'URL : ajoutez attribution = « … » (le texte que le "
        "fournisseur des tuiles demande d'écrire sur les cartes) ; lu : {tiles}",
        "[maps] tiles is a URL template: add attribution = '…' (the text the tile provider "
        "asks to be written on the maps); got {tiles}",
    ),
    "config.error.tiles_unknown": (
        "[maps] tiles = {tiles} n'est ni un fournisseur de tuiles connu (p. ex. "
        "« OpenStreetMap.Mapnik ») ni un modèle d'URL avec {{z}}, {{x}} et {{y}}",
        "[maps] tiles = {tiles} is neither a known tile provider (e.g. 'OpenStreetMap.Mapnik') "
        "nor a URL template with {{z}}, {{x}} and {{y}}",
    ),
    "config.error.tiles_token": (
        "[maps] tiles = {tiles} demande une clé d'API : donnez plutôt son modèle d'URL, clé "
        "comprise, avec attribution = « … »",
        "[maps] tiles = {tiles} needs an API key: give its URL template instead, key included, "
        "with attribution = '…'",
    ),
    "config.error.tiles_no_xyzservices": (
        "[maps] tiles = {tiles} est un nom de fournisseur, mais xyzservices n'est pas installé "
        "(pip install 'diagnostic_lib[maps]') ; ou donnez un modèle d'URL avec attribution",
        "[maps] tiles = {tiles} is a provider name, but xyzservices is not installed "
        "(pip install 'diagnostic_lib[maps]'); or give a URL template with attribution",
    ),
    "config.error.categories_columns": (
        "le fichier des catégories a besoin des colonnes source_label et code (et, au choix, "
        "count et suggestion) ; colonnes trouvées : {columns}",
        "the categories file needs the columns source_label and code (and optionally count "
        "and suggestion); columns found: {columns}",
    ),
    "taxonomy.error.missing_weights": (
        "aucun poids de gravité pour les catégories {codes} : ajoutez une ligne (code, weight) "
        "pour chacune",
        "no severity weight for categories {codes}: add a row (code, weight) for each",
    ),
}
"""Label key → (French, English)."""
