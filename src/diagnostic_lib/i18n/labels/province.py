"""Labels of the province run (``python -m diagnostic_lib province``)."""

from __future__ import annotations

LABELS: dict[str, tuple[str, str]] = {
    "province.title": (
        "Autodiagnostic de la province — {name}",
        "Province self-diagnosis — {name}",
    ),
    "province.lead": (
        "{forces} corps de police, {incidents} incidents validés. Chaque corps a son propre "
        "autodiagnostic (les quatre étapes et leur rapport, sur ses seuls incidents, ses "
        "secteurs et ses mesures) ; les tableaux de cette page sont des sommes du cube de "
        "comptes de tous les incidents de la province ({engine}).",
        "{forces} police forces, {incidents} validated incidents. Each force has its own "
        "self-diagnosis (the four steps and their report, on its own incidents, sectors and "
        "measures); the tables of this page are sums over the count cube of every incident of "
        "the province ({engine}).",
    ),
    "province.engine.duckdb": (
        "construit hors mémoire par DuckDB à partir des fichiers Parquet des corps",
        "built out of core by DuckDB from the forces' Parquet files",
    ),
    "province.engine.memory": (
        "construit en mémoire, un corps à la fois",
        "built in memory, one force at a time",
    ),
    "province.forces.heading": ("Les corps de police", "The police forces"),
    "province.forces.caption": (
        "Incidents et taux par corps de police, {year} (taux pour 1 000 habitants, intervalle "
        "de confiance exact de Poisson à 95 %)",
        "Incidents and rates by police force, {year} (rate per 1,000 residents, exact Poisson "
        "95% confidence interval)",
    ),
    "province.forces.reports": (
        "Le rapport de chaque corps : {links}.",
        "Each force's report: {links}.",
    ),
    "province.families.heading": (
        "La province par famille de crimes et par année",
        "The province by crime family and year",
    ),
    "province.families.caption": (
        "Incidents et taux pour 1 000 habitants par famille de crimes et par année, toute la "
        "province (les incidents sans secteur comptent dans les nombres ; le taux ne compte "
        "que les secteurs dont la population est connue)",
        "Incidents and rates per 1,000 residents by crime family and year, the whole province "
        "(incidents without a sector count in the numbers; the rate counts only the sectors "
        "whose population is known)",
    ),
    "province.col.force": ("Corps", "Force"),
    "province.col.name": ("Nom", "Name"),
    "province.col.residents": ("Habitants", "Residents"),
    "province.col.incidents": ("Incidents", "Incidents"),
    "province.col.rate": ("Taux pour 1 000", "Rate per 1,000"),
    "province.col.interval": ("IC 95 %", "95% CI"),
    "province.col.family": ("Famille", "Family"),
    "province.col.year": ("Année", "Year"),
    "province.all": ("Toute la province", "The whole province"),
    "province.all_families": ("Toutes les familles", "All families"),
    "province.method.heading": ("Méthode", "Method"),
    "province.method.text": (
        "Un autodiagnostic est local : les problèmes, leur priorité, la couverture par les "
        "mesures et l'effet des mesures sont établis pour chaque corps sur ses propres données "
        "(lieux témoins et placebos pris dans son territoire). La province n'a pas de "
        "classement unique des problèmes : comparer les priorités de deux corps, c'est "
        "comparer deux classements relatifs. Les comptes et les taux de cette page, eux, sont "
        "additifs : ils viennent du cube de comptes (cellule de {cell} m × secteur × "
        "catégorie × jour) de tous les incidents validés, sans point.",
        "A self-diagnosis is local: the problems, their priority, the coverage by measures and "
        "the measures' effects are established for each force on its own data (control and "
        "placebo places taken within its territory). The province has no single ranking of "
        "problems: comparing two forces' priorities compares two relative rankings. The counts "
        "and rates of this page are additive: they come from the count cube (cell of {cell} m "
        "× sector × category × day) of every validated incident, with no point.",
    ),
    "province.files.heading": ("Fichiers", "Files"),
    "province.files.cube": (
        "le cube de comptes de la province (Parquet ; lire avec diagnostic_lib.cube.store.load)",
        "the province's count cube (Parquet; read with diagnostic_lib.cube.store.load)",
    ),
    "province.files.workbook": (
        "les tableaux de cette page dans un classeur (et, pour l'usage interne, les taux de "
        "chaque secteur)",
        "this page's tables in a workbook (and, for internal use, every sector's rates)",
    ),
    "wb.sheet.province_forces": ("Corps de police", "Police forces"),
    "wb.about.province_forces": (
        "Incidents et taux pour 1 000 habitants par corps de police, dernière année complète, "
        "avec intervalle ; la dernière ligne est toute la province.",
        "Incidents and rates per 1,000 residents by police force, last full year, with "
        "interval; the last row is the whole province.",
    ),
    "wb.col.province_forces.sector": ("Corps", "Force"),
    "wb.col.covers_year": ("Données de toute l'année", "Data cover the whole year"),
    "province.missing.partial": (
        "— : pas de taux, car les données d'au moins un corps ne couvrent pas toute l'année "
        "(son compte est celui de la partie couverte ; un taux le comparerait à une année "
        "entière d'habitants).",
        "—: no rate, because at least one force's data do not cover the whole year (its "
        "count is that of the part covered; a rate would set it against a whole year of "
        "residents).",
    ),
    "province.missing.no_population": (
        "— : pas de taux, car les habitants du territoire compté ne sont pas connus "
        "(voir la note sur les populations).",
        "—: no rate, because the residents of the territory counted are not known (see the "
        "note on populations).",
    ),
    "province.missing.no_data": (
        "— dans la colonne Incidents : les données du corps n'atteignent pas cette année.",
        "— in the Incidents column: the force's data do not reach that year.",
    ),
    "province.missing.unrecorded": (
        "— dans la colonne Incidents : aucun des corps dont les données atteignent cette année "
        "n'enregistre cette famille (leur fichier ne l'a pas) ; ce n'est pas un zéro.",
        "— in the Incidents column: none of the forces whose data reach that year records this "
        "family (their file does not have it); it is not a zero.",
    ),
    "province.unrecorded": (
        "Familles qu'un corps n'enregistre pas du tout (son fichier ne les a pas) : les nombres "
        "de la province pour ces familles le laissent de côté. {forces}.",
        "Families a force does not record at all (its file does not have them): the province's "
        "numbers for these families leave it out. {forces}.",
    ),
    "province.overlap": (
        "Attention : les territoires de certains corps se chevauchent ({pairs}). Un incident "
        "de ces zones peut figurer dans les données des deux corps, et la carte dessine un corps "
        "par-dessus l'autre. Vérifiez que chaque corps n'est inscrit qu'une fois et que le "
        "système de coordonnées de chacun est le bon.",
        "Warning: some forces' territories overlap ({pairs}). An incident there may be in both "
        "forces' data, and the map draws one force over the other. Check that each force is "
        "listed once and that each one's coordinate system is right.",
    ),
    "province.overlap.pair": (
        "{a} et {b} : {area} km², {share} du plus petit",
        "{a} and {b}: {area} km², {share} of the smaller",
    ),
    "province.unrecorded.force": ("{force} : {families}", "{force}: {families}"),
    "province.population.partial": (
        "{forces} : la population n'est connue que pour une partie des secteurs ; le taux ne "
        "compte que les incidents de ces secteurs, rapportés à leurs habitants (la colonne "
        "Incidents compte tout le corps). Le taux de la province fait de même.",
        "{forces}: the population is known for only some sectors; the rate counts only those "
        "sectors' incidents, against their residents (the Incidents column counts the whole "
        "force). The province's rate does the same.",
    ),
    "province.population.sectors": (
        "{force} (population connue dans {counted} secteurs sur {sectors})",
        "{force} (population known in {counted} of {sectors} sectors)",
    ),
    "province.population.none_one": (
        "{forces} : aucune population de secteur n'est connue, donc pas de taux ; le taux de "
        "la province ne compte ni les incidents ni les habitants de ce corps.",
        "{forces}: no sector population is known, hence no rate; the province's rate counts "
        "neither the incidents nor the residents of this force.",
    ),
    "province.population.none_many": (
        "{forces} : aucune population de secteur n'est connue, donc pas de taux ; le taux de "
        "la province ne compte ni les incidents ni les habitants de ces corps.",
        "{forces}: no sector population is known, hence no rate; the province's rate counts "
        "neither the incidents nor the residents of these forces.",
    ),
    "wb.col.recorded": (
        "Famille enregistrée par un corps de l'année",
        "Family recorded by a force of that year",
    ),
    "wb.col.counted": ("Incidents comptés dans le taux", "Incidents counted in the rate"),
    "wb.sheet.province_families": ("Province par famille", "Province by family"),
    "wb.about.province_families": (
        "Incidents et taux pour 1 000 habitants de toute la province par famille de crimes et "
        "par année, avec le total de chaque année.",
        "Incidents and rates per 1,000 residents of the whole province by crime family and "
        "year, with each year's total.",
    ),
    "wb.sheet.province_sectors": ("Secteurs de la province", "Province sectors"),
    "wb.about.province_sectors": (
        "Incidents et taux pour 1 000 habitants de chaque secteur de chaque corps, par année "
        "(secteur nommé corps/secteur).",
        "Incidents and rates per 1,000 residents of every sector of every force, by year "
        "(sector named force/sector).",
    ),
    "province.files.report": ("le rapport du corps {force}", "the report of force {force}"),
    "province.error.no_forces": (
        "aucun corps de police : ajoutez une table [[forces]] par corps, avec id et config",
        "no police force: add one [[forces]] table per force, with id and config",
    ),
    "province.error.force_id": (
        "identifiant de corps {value} invalide : lettres, chiffres, - et _ seulement",
        "invalid force id {value}: letters, digits, - and _ only",
    ),
    "province.error.twice": (
        "le corps {value} est nommé deux fois",
        "force {value} is listed twice",
    ),
    "province.error.no_config": (
        "le corps {value} n'a pas de config (le chemin de son diagnostic.toml)",
        "force {value} has no config (the path of its diagnostic.toml)",
    ),
    "province.error.grid": (
        "grid_cell_m doit être un nombre de mètres positif, pas {value}",
        "grid_cell_m must be a positive number of metres, not {value}",
    ),
    "province.error.force": ("corps {force}", "force {force}"),
    "province.error.engine": (
        "engine doit être auto, duckdb ou memory, pas {value}",
        "engine must be auto, duckdb or memory, not {value}",
    ),
}
