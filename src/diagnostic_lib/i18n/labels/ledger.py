"""Labels of the data-quality ledger and of the loaders' reasons."""

from __future__ import annotations

LABELS: dict[str, tuple[str, str]] = {
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
    "ledger.summary.read.one": ("{n} ligne lue", "{n} row read"),
    "ledger.summary.kept": ("{n} lignes conservées", "{n} rows kept"),
    "ledger.summary.kept.one": ("{n} ligne conservée", "{n} row kept"),
    "ledger.summary.rejected": ("{n} lignes rejetées", "{n} rows rejected"),
    "ledger.summary.rejected.one": ("{n} ligne rejetée", "{n} row rejected"),
    "ledger.summary.flagged": ("{n} lignes signalées", "{n} rows flagged"),
    "ledger.summary.flagged.one": ("{n} ligne signalée", "{n} row flagged"),
    "ledger.summary.ok": (
        "Bilan équilibré : lues = conservées + rejetées",
        "Balanced: read = kept + rejected",
    ),
    "ledger.summary.none": ("Aucun problème détecté.", "No problem found."),
    # --- details of an entry (ledger_details: the loaders write them in English) -
    "ledger.detail.same_as_row": ("identique à la ligne {row}", "same as row {row}"),
    "ledger.detail.first_in": ("d'abord dans {file}", "first in {file}"),
    "ledger.detail.fields_expected": (
        "{n} champs attendus, séparés par {sep}",
        "expected {n} fields separated by {sep}",
    ),
    "ledger.detail.expected_range": ("valeur attendue de {lo} à {hi}", "expected {lo} to {hi}"),
    "ledger.detail.allowed": ("valeurs permises : {values}", "allowed: {values}"),
    "ledger.detail.snapped": (
        "à moins de {m} m de la municipalité",
        "within {m} m of the municipality",
    ),
    "ledger.detail.position_in_sector": (
        "la position est dans le secteur {sector}",
        "position is in sector {sector}",
    ),
    "ledger.detail.classed_other": ("classé « autre »", "classed as 'other'"),
    "ledger.detail.ignored": ("ignoré", "ignored"),
    "ledger.detail.decimal_comma": (
        "une virgule décimale lue comme séparateur : les deux champs sont réunis",
        "a decimal comma read as a separator: the two fields joined",
    ),
    "ledger.detail.same_id_other_content": (
        "même identifiant qu'une autre ligne, au contenu différent",
        "same id as another row with different content",
    ),
    "ledger.detail.id_generated": (
        "créé à partir du numéro de ligne",
        "generated from the row number",
    ),
    "ledger.detail.name_from_id": ("l'identifiant sert de nom", "the id is used as name"),
    "ledger.detail.partner_kept": (
        "conservé ; ajoutez-le au fichier des partenaires",
        "kept; add it to the partners file",
    ),
    "ledger.detail.kept_without_position": ("conservé sans position", "kept without a position"),
    "ledger.detail.quote_unclosed": (
        "un guillemet ouvert sur cette ligne ne se ferme pas ; "
        "les lignes suivantes sont lues à part",
        "a quote opened on this line does not close; later lines read on their own",
    ),
    "ledger.detail.target_unmapped": (
        "mesure non évaluée tant que la catégorie n'est pas associée : "
        "ajoutez-la à [taxonomy.aliases]",
        "measure not evaluated until mapped: add it to [taxonomy.aliases]",
    ),
    "ledger.detail.default_reach": ("portée par défaut utilisée", "default reach used"),
    "ledger.detail.default_ring": (
        "largeur d'anneau par défaut utilisée",
        "default ring width used",
    ),
    "ledger.detail.weight_one": ("poids fixé à 1", "weight set to 1"),
    "ledger.detail.inferred": ("déduit des données", "inferred from the data"),
    "ledger.detail.footprint_none": ("emprise fixée à « aucune »", "footprint set to none"),
    "ledger.detail.treated_unknown": ("traité comme inconnu", "treated as unknown"),
    "ledger.detail.end_ignored": ("fin de l'intervalle ignorée", "end of range ignored"),
    "ledger.detail.representative_point": (
        "pas un point : son point représentatif est utilisé",
        "not a point: its representative point is used",
    ),
    "ledger.detail.geos.ring_self_intersection": (
        "anneau qui se recoupe {where}",
        "Ring Self-intersection {where}",
    ),
    "ledger.detail.geos.self_intersection": (
        "auto-intersection {where}",
        "Self-intersection {where}",
    ),
    "ledger.detail.geos.too_few_points": (
        "trop peu de points dans une partie de la géométrie {where}",
        "Too few points in geometry component {where}",
    ),
    "ledger.detail.geos.hole_outside_shell": (
        "trou hors du contour {where}",
        "Hole lies outside shell {where}",
    ),
    "ledger.detail.geos.nested_holes": ("trous imbriqués {where}", "Holes are nested {where}"),
    "ledger.detail.geos.interior_disconnected": (
        "intérieur non connexe {where}",
        "Interior is disconnected {where}",
    ),
    "ledger.detail.geos.nested_shells": ("contours imbriqués {where}", "Nested shells {where}"),
    "ledger.detail.geos.duplicate_rings": ("anneaux en double {where}", "Duplicate Rings {where}"),
    "ledger.detail.geos.ring_not_closed": (
        "anneau non fermé {where}",
        "Ring is not closed {where}",
    ),
    "ledger.detail.geos.invalid_coordinate": (
        "coordonnée invalide {where}",
        "Invalid Coordinate {where}",
    ),
    "reason.empty_row": ("ligne vide", "empty row"),
    "reason.quote_unbalanced": (
        "guillemet non refermé : la ligne est rejetée, les suivantes sont lues à part",
        "unbalanced quote: the row is rejected, the rows after it are read on their own",
    ),
    "reason.nul_byte": (
        "octet nul dans la ligne (contenu binaire) : ligne rejetée",
        "NUL byte in the line (binary content): row rejected",
    ),
    "reason.encoding_repaired": (
        "ligne dans un autre encodage que le fichier : décodée à part (vérifiez les accents)",
        "line in another encoding than the file: decoded on its own (check the accents)",
    ),
    "reason.malformed_row": (
        "ligne mal formée (nombre de champs incorrect)",
        "malformed row (wrong number of fields)",
    ),
    "reason.date_missing": ("date manquante", "missing date"),
    "reason.date_excel_serial": (
        "date en numéro de série Excel (convertie ; vérifiez le format de la cellule)",
        "Excel serial date (converted; check the cell's format)",
    ),
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
    "reason.denominator_missing": (
        "base de taux manquante (pas de taux sur cette base)",
        "missing rate base (no rates on that base)",
    ),
    "reason.population_missing": (
        "population manquante (pas de taux)",
        "missing population (no rates)",
    ),
    "reason.population_replaced": (
        "population du secteur remplacée par celle de la table de population (valeur d'avant)",
        "sector's population replaced by the population table's (the value before)",
    ),
    "reason.population_implausible": (
        "population invraisemblable pour la superficie du secteur (densité) : vérifiez l'unité",
        "population implausible for the sector's area (density): check the unit",
    ),
    "reason.sector_overlap": (
        "secteur qui en chevauche un autre (aire commune) : résidents et incidents comptés deux "
        "fois",
        "sector overlapping another (shared area): residents and incidents counted twice",
    ),
    "reason.duplicate_across_files": (
        "même enregistrement (même identifiant, même contenu) déjà lu dans un fichier précédent "
        "(exports qui se chevauchent) : ligne ignorée",
        "same record (same id, same content) already read in an earlier file (overlapping "
        "exports): row ignored",
    ),
    "reason.decimal_comma_repaired": (
        "virgule décimale lue comme séparateur (ex. 300000,5) : les deux champs ont été rejoints",
        "decimal comma read as a separator (e.g. 300000,5): the two fields were joined",
    ),
    "reason.field_too_long": (
        "champ de plus de 131 072 caractères (guillemet mal fermé ou texte collé) : ligne "
        "rejetée, corrigez-la dans l'export",
        "field over 131,072 characters (a quote closed in the wrong place, or pasted text): row "
        "rejected, fix it in the export",
    ),
    "reason.formula_no_value": (
        "formule sans valeur enregistrée (classeur jamais ouvert dans Excel) : ouvrez-le et "
        "enregistrez-le dans Excel, ou remplacez les formules par leurs valeurs",
        "formula without a stored value (workbook never opened in Excel): open and save it in "
        "Excel, or replace the formulas by their values",
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
    "reason.target_category_unknown": (
        "catégorie ciblée inconnue : mesure gardée, non évaluable tant qu'elle n'est pas "
        "associée à un code ([taxonomy.aliases])",
        "unknown target category: measure kept, not evaluable until it is mapped to a code "
        "([taxonomy.aliases])",
    ),
    # --- the validate command --------------------------------------------------------------
    "cli.validate.unmatched": (
        "{file} : {n} libellé(s) de catégorie sans code (classés « autre »), les plus "
        "fréquents d'abord. Associez-les dans [taxonomy.aliases] de diagnostic.toml :",
        "{file}: {n} category label(s) without a code (classed 'other'), most frequent "
        "first. Map them in [taxonomy.aliases] of diagnostic.toml:",
    ),
    "cli.validate.unmatched_targets": (
        "{file} : {n} catégorie(s) ciblée(s) sans code (mesures non évaluées), les plus "
        "fréquentes d'abord. Associez-les dans [taxonomy.aliases] de diagnostic.toml :",
        "{file}: {n} target categor(y/ies) without a code (measures not evaluated), most "
        "frequent first. Map them in [taxonomy.aliases] of diagnostic.toml:",
    ),
    "cli.validate.unmatched_value": ("Libellé", "Label"),
    "cli.validate.unmatched_count": ("Lignes", "Rows"),
    "cli.validate.unmatched_suggestions": ("Codes proches", "Close codes"),
    "cli.validate.first_rejections": (
        "Premières lignes rejetées ({n}) :",
        "First rejected rows ({n}):",
    ),
    "cli.validate.no_row_kept": (
        "ÉCHEC : {file} ne garde aucune ligne. Vérifiez le fichier et le mappage des colonnes.",
        "FAILED: {file} keeps no row. Check the file and the column mapping.",
    ),
    "cli.validate.too_many_rejected": (
        "ÉCHEC : {file} rejette {share} de ses lignes (limite : {limit}, "
        "max_rejected_share dans [parameters]). Corrigez l'extraction ou le mappage.",
        "FAILED: {file} rejects {share} of its rows (limit: {limit}, "
        "max_rejected_share in [parameters]). Fix the export or the column mapping.",
    ),
    "reason.concern_unknown": ("préoccupation inconnue", "unknown concern"),
    "reason.name_missing": ("nom manquant", "missing name"),
}
"""Label key → (French, English)."""
