"""Errors that stop a run name the file, say what to do, in English then French, in plain words.

Each case writes a broken file (or config) to ``tmp_path``, calls the public API and
checks the message: the file's name; " / " between an English and a French half
that differ; the case's action in each half; no internal path (``/vsimem``), no
exception class name, no traceback.
"""

from __future__ import annotations

import json
from pathlib import Path

import geopandas as gpd
import pandas as pd
import pytest
import shapely

from diagnostic_lib import config, inventory, loaders, strategy, taxonomy
from diagnostic_lib.errors import ConfigError, CRSError, DataError

NEVER = (
    "/vsimem",
    "BadZipFile",
    "Traceback",
    "DataSourceError",
    "DataLayerError",
    "ArrowInvalid",
    "ParserError",
    "C error",
    "UnicodeDecodeError",
    "codec can't decode",
    "TOMLDecodeError",
    "JSONDecodeError",
    "Errno",
    "KeyError",
)
"""Internals that a message must never show."""

ACTIONS_EN = ("check", "save", "export", "add", "use", "set", "give", "correct", "write")
ACTIONS_EN += ("remove", "put", "keep", "map", "must be")
ACTIONS_FR = ("vérifiez", "enregistrez", "exportez", "ajoutez", "utilisez", "indiquez")
ACTIONS_FR += ("donnez", "corrigez", "écrivez", "retirez", "mettez", "gardez", "fournissez")
ACTIONS_FR += ("doit",)

INCIDENTS = "incident_id,occurred_from,category,x,y\nA1,2024-05-03 22:15,Méfait,300100,5040100\n"
SQUARE = [[[-73.6, 45.5], [-73.5, 45.5], [-73.5, 45.6], [-73.6, 45.6], [-73.6, 45.5]]]
RESPONSE = {
    "id": "mine",
    "name_fr": "Brigade scolaire",
    "name_en": "School crossing guards",
    "families": ["traffic"],
    "pillars": ["rapprochement"],
    "mechanism_fr": "Présence aux traverses.",
    "mechanism_en": "Presence at crossings.",
    "effect_direction": "reduces",
    "effect_strength": "small",
    "evidence_quality": "low",
    "source": "Local evaluation, 2024",
    "cost_level": "low",
}


def _write(tmp: Path, name: str, content: str | bytes) -> Path:
    p = tmp / name
    if isinstance(content, bytes):
        p.write_bytes(content)
    else:
        p.write_text(content, encoding="utf-8")
    return p


def _toml_value(v: object) -> str:
    return json.dumps(v, ensure_ascii=False)  # strings and lists of strings are the same in TOML


def _responses(tmp: Path, name: str, *entries: dict) -> Path:
    text = "".join(
        "[[response]]\n" + "".join(f"{k} = {_toml_value(v)}\n" for k, v in e.items()) + "\n"
        for e in entries
    )
    return _write(tmp, name, text)


def _config(tmp: Path, text: str, name: str = "diagnostic.toml") -> Path:
    return _write(tmp, name, '[municipality]\nname = "Ville"\n' + text)


def _xlsx(tmp: Path) -> Path:
    p = tmp / "book.xlsx"
    pd.DataFrame({"a": [1]}).to_excel(p, index=False)
    return p


def _gpkg(tmp: Path) -> Path:
    p = tmp / "sectors.gpkg"
    gdf = gpd.GeoDataFrame({"sector_id": ["A"]}, geometry=[shapely.box(0, 0, 9, 9)], crs=32188)
    gdf.to_file(p, layer="sectors")
    return p


def _taxonomy(tmp: Path, rows: str, header: str = "code,family,label_fr,label_en") -> Path:
    return _write(tmp, "tax.csv", f"{header}\n{rows}")


def _weights(tmp: Path, text: str) -> Path:
    return _write(tmp, "weights.csv", text)


def _register(tmp: Path, text: str) -> Path:
    return _write(tmp, "problems.toml", text)


def _register_beside(tmp: Path, geojson: str) -> Path:
    """A register of one problem, with ``geojson`` as its ``.geojson`` file."""
    _write(tmp, "problems.geojson", geojson)
    return _register(tmp, '[[problem]]\nproblem_id = "P1"\n')


def _plan(tmp: Path, actions: object) -> Path:
    doc = {"format": "diagnostic_lib.action_plan", "version": 1, "actions": actions}
    return _write(tmp, "plan.json", json.dumps(doc))


def _folder(tmp: Path) -> Path:
    (tmp / "exports.csv").mkdir()
    return tmp / "exports.csv"


# (id, call that must raise, file name in the message, English action, French action)
CASES = [
    # --- files the loaders cannot read ----------------------------------------------------
    ("missing", lambda t: loaders.load_incidents(t / "nope.csv"), "nope.csv",
     "check the path", "vérifiez le chemin"),
    ("folder", lambda t: loaders.load_incidents(_folder(t)), "exports.csv",
     "give the path of the file inside it", "indiquez le chemin du fichier"),
    ("unsupported", lambda t: loaders.load_incidents(_write(t, "inc.docx", "x")), "inc.docx",
     "save it in one of the supported formats", "enregistrez-le dans un des formats"),
    ("old excel", lambda t: loaders.load_incidents(_write(t, "inc.xls", "x")), "inc.xls",
     "save as .xlsx or CSV", "enregistrez en .xlsx ou CSV"),
    ("empty", lambda t: loaders.load_incidents(_write(t, "inc.csv", " \n")), "inc.csv",
     "export the table again", "exportez de nouveau la table"),
    ("empty header", lambda t: loaders.load_incidents(_write(t, "inc.csv", "\n1,2\n")), "inc.csv",
     "put the column names on the first line", "mettez les noms des colonnes"),
    ("xlsx named csv", lambda t: loaders.load_incidents(
        _write(t, "inc.csv", _xlsx(t).read_bytes())), "inc.csv",
     "give it its .xlsx name", "donnez-lui son extension .xlsx"),
    ("binary", lambda t: loaders.load_incidents(_write(t, "inc.csv", b"id\x00,date\n" * 9)),
     "inc.csv", "export the table as CSV", "exportez la table en CSV"),
    ("wrong encoding", lambda t: loaders.load_incidents(
        _write(t, "inc.csv", "a,b\nMéfait,1\n".encode("cp1252")), encoding="utf-8"), "inc.csv",
     "(line 2): save it as UTF-8", "(ligne 2) : enregistrez-le en UTF-8"),
    ("unknown encoding", lambda t: loaders.load_incidents(
        _write(t, "inc.csv", "a,b\n1,2\n"), encoding="klingon"), "inc.csv",
     'set encoding = "utf-8"', 'indiquez encoding = "utf-8"'),
    ("separators", lambda t: loaders.load_incidents(
        _write(t, "inc.csv", "a;b;c\n1,2,3\n4,5,6\n")), "inc.csv",
     "save the file again with one separator", "réenregistrez le fichier"),
    ("bad xlsx", lambda t: loaders.load_incidents(_write(t, "inc.xlsx", b"PK\x03\x04 no")),
     "inc.xlsx", "save it again as .xlsx", "enregistrez-le de nouveau au format .xlsx"),
    ("missing sheet", lambda t: loaders.load_incidents(_xlsx(t), sheet="Feuil9"), "book.xlsx",
     "set sheet = … in [data.<table>]", "indiquez sheet = … dans [data.<table>]"),
    ("bad geojson", lambda t: loaders.load_sectors(_write(t, "sec.geojson", "{not json")),
     "sec.geojson", "export it again from the GIS", "exportez-le de nouveau depuis le SIG"),
    ("missing layer", lambda t: loaders.load_sectors(_gpkg(t), layer="zones"), "sectors.gpkg",
     "check the layer's name", "vérifiez le nom de la couche"),
    ("bad parquet", lambda t: loaders.load_incidents(_write(t, "inc.parquet", "no")),
     "inc.parquet", "export it again", "exportez-le de nouveau"),
    # --- files read, but not usable -------------------------------------------------------
    ("required column", lambda t: loaders.load_incidents(_write(t, "inc.csv", "when,what\n1,2\n")),
     "inc.csv", "map them to a column in [data.incidents.columns]", "associez-les à une colonne"),
    ("mapped column", lambda t: loaders.load_incidents(
        _write(t, "inc.csv", INCIDENTS), columns={"occurred_from": "Date_début"}), "inc.csv",
     "correct its name in [data.incidents.columns]", "corrigez son nom"),
    ("mapped field", lambda t: loaders.load_incidents(
        _write(t, "inc.csv", INCIDENTS), columns={"when": "occurred_from"}), "inc.csv",
     "use one of these fields: ", "utilisez l'un de ces champs : "),
    ("preset", lambda t: loaders.load_incidents(_write(t, "inc.csv", INCIDENTS), preset="sq"),
     "inc.csv", "use one of: generic", "indiquez l'un de ceux-ci : generic"),
    ("no geometry", lambda t: loaders.load_sectors(_write(t, "sec.csv", "sector_id\nA\n")),
     "sec.csv", "give a GIS file", "fournissez un fichier SIG"),
    ("degrees in metres", lambda t: loaders.load_sectors(_write(t, "sec.geojson", json.dumps({
        "type": "FeatureCollection",
        "crs": {"type": "name", "properties": {"name": "urn:ogc:def:crs:EPSG::32188"}},
        "features": [{"type": "Feature", "properties": {"sector_id": "A"},
                      "geometry": {"type": "Polygon", "coordinates": SQUARE}}]}))),
     "sec.geojson", 'set source_crs = "EPSG:4326"', 'indiquez source_crs = "EPSG:4326"'),
    ("no incidents entry", lambda t: loaders.load_diagnostic(
        _config(t, '[data.sectors]\npath = "s.gpkg"\n')), "diagnostic.toml",
     "add one with the file's path", "ajoutez-la, avec le chemin"),
    # --- diagnostic.toml --------------------------------------------------------------------
    ("config missing", lambda t: config.load_config(t / "diag.toml"), "diag.toml",
     "check the path", "vérifiez le chemin"),
    ("config syntax", lambda t: config.load_config(_config(t, "[diagnostic]\nlanguage = fr\n")),
     "diagnostic.toml", "at line 4, column 12: correct that line", "ligne 4, colonne 12"),
    ("config not utf-8", lambda t: config.load_config(
        _write(t, "diagnostic.toml", '[municipality]\nname = "Lévis"\n'.encode("cp1252"))),
     "diagnostic.toml", "save it as UTF-8", "enregistrez-le en UTF-8"),
    ("section as value", lambda t: config.load_config(
        _write(t, "diagnostic.toml", 'municipality = "Ville"\n')), "diagnostic.toml",
     "write a line [municipality]", "écrivez une ligne [municipality]"),
    ("language", lambda t: config.load_config(_config(t, '[diagnostic]\nlanguage = "de"\n')),
     "diagnostic.toml", 'write language = "fr"', 'écrivez language = "fr"'),
    ("date", lambda t: config.load_config(_config(t, '[diagnostic]\nperiod_start = "hier"\n')),
     "diagnostic.toml", "write it as YYYY-MM-DD", "AAAA-MM-JJ"),
    ("period", lambda t: config.load_config(_config(
        t, '[diagnostic]\nperiod_start = "2025-01-01"\nperiod_end = "2024-01-01"\n')),
     "diagnostic.toml", "correct the dates in [diagnostic]", "corrigez les dates"),
    ("data table", lambda t: config.load_config(_config(t, '[data.crimes]\npath = "c.csv"\n')),
     "diagnostic.toml", "use one of: sectors", "utilisez l'une de celles-ci : sectors"),
    ("data path", lambda t: config.load_config(_config(t, '[data.incidents]\npreset = "spvm"\n')),
     "diagnostic.toml", 'add path = "…"', 'ajoutez path = "…"'),
    ("geographic crs", lambda t: config.load_config(_config(t, 'crs = "EPSG:4326"\n')),
     "diagnostic.toml", 'set e.g. crs = "EPSG:32188"', 'indiquez p. ex. crs = "EPSG:32188"'),
    ("unknown crs", lambda t: config.load_config(_config(t, 'crs = "EPSG:nope"\n')),
     "diagnostic.toml", "give an EPSG code", "indiquez un code EPSG"),
    ("feet crs", lambda t: config.load_config(_config(t, 'crs = "EPSG:2263"\n')),
     "diagnostic.toml", "set a projected CRS in metres", "indiquez un SCR projeté en mètres"),
    ("parameter name", lambda t: config.load_config(_config(t, "[parameters]\nbuffer_width_m = 9\n")),
     "diagnostic.toml", "remove it or correct its name", "retirez-la ou corrigez son nom"),
    ("parameter range", lambda t: config.load_config(_config(t, "[parameters]\nwindow_months = 0\n")),
     "diagnostic.toml", "window_months must be at least 1, got 0", "doit valoir au moins 1"),
    ("parameter text", lambda t: config.load_config(_config(t, "[parameters]\noutside = 3\n")),
     "diagnostic.toml", "write it between double quotes", "texte entre guillemets"),
    ("parameter table", lambda t: config.load_config(
        _config(t, "[parameters.priority_weights]\nspeed = 1\n")), "diagnostic.toml",
     "unknown key 'speed'; use one of: ", "utilisez l'une de celles-ci"),
    ("design key", lambda t: config.load_config(_config(t, "[designs.M1]\nwindow = 12\n")),
     "diagnostic.toml", "unknown key 'window'; use one of: window_months", "clé inconnue"),
    ("design control", lambda t: config.load_config(_config(t, '[designs.M1]\ncontrol = "x"\n')),
     "diagnostic.toml", "control must be 'rest', 'similar' or 'level'", "control doit valoir"),
    # --- taxonomy and severity weights ------------------------------------------------------
    ("taxonomy columns", lambda t: taxonomy.load_taxonomy(_taxonomy(t, "x,y\n", "code,famille")),
     "tax.csv", "add them", "ajoutez-les"),
    ("taxonomy parse", lambda t: taxonomy.load_taxonomy(_taxonomy(t, "a,b,c,d\na,b,c,d,e\n")),
     "tax.csv", "invalid CSV at line 3: give that line as many fields", "CSV invalide à la ligne 3"),
    ("taxonomy empty", lambda t: taxonomy.load_taxonomy(_write(t, "tax.csv", "")), "tax.csv",
     "save the table as CSV", "enregistrez la table en CSV"),
    ("taxonomy family", lambda t: taxonomy.load_taxonomy(_taxonomy(t, "other,misc,Autre,Other\n")),
     "tax.csv", "use one of: property", "utilisez l'une de celles-ci"),
    ("taxonomy other", lambda t: taxonomy.load_taxonomy(_taxonomy(t, "a,property,A,A\n")),
     "tax.csv", "add a row with the code other", "ajoutez une ligne de code other"),
    ("taxonomy twice", lambda t: taxonomy.load_taxonomy(
        _taxonomy(t, "other,other,Autre,Other\nother,other,Autre,Other\n")), "tax.csv",
     "keep one row per code", "ne gardez qu'une ligne par code"),
    ("weights columns", lambda t: taxonomy.load_severity_weights(_weights(t, "code,poids\na,1\n")),
     "weights.csv", "need the columns code and weight: add them", "ajoutez-les"),
    ("weights negative", lambda t: taxonomy.load_severity_weights(
        _weights(t, "code,weight\na,1\nb,-2\nc,x\n")), "weights.csv",
     "(rows 3, 4): correct those rows", "(lignes 3, 4) : corrigez ces lignes"),
    ("weights missing", lambda t: taxonomy.load_severity_weights(
        _weights(t, "code,weight\nother,1\n"), taxonomy.load_taxonomy()), "weights.csv",
     "add a row (code, weight) for each", "ajoutez une ligne (code, weight)"),
    # --- evidence catalogue, action plan, problem register ---------------------------------
    ("catalogue syntax", lambda t: strategy.load_catalogue(
        extra=_write(t, "mine.toml", "[[response]]\nid = mine\n")), "mine.toml",
     "invalid TOML at line 2", "TOML invalide à la ligne 2"),
    ("catalogue missing", lambda t: strategy.load_catalogue(
        extra=_responses(t, "mine.toml", {"id": "mine", "families": ["traffic"]})), "mine.toml",
     "add these fields to its [[response]] table", "ajoutez ces champs"),
    ("catalogue family", lambda t: strategy.load_catalogue(
        extra=_responses(t, "mine.toml", {**RESPONSE, "families": ["speeding"]})), "mine.toml",
     "unknown families ['speeding']; use one of: ", "valeurs inconnues dans families"),
    ("catalogue cost", lambda t: strategy.load_catalogue(
        extra=_responses(t, "mine.toml", {**RESPONSE, "cost_level": "cheap"})), "mine.toml",
     "cost_level must be one of: low, medium, high (got 'cheap')", "doit valoir l'une"),
    ("catalogue twice", lambda t: strategy.load_catalogue(
        _responses(t, "cat.toml", RESPONSE, RESPONSE)), "cat.toml",
     "give each [[response]] its own id", "donnez à chaque [[response]] son propre id"),
    ("catalogue not tables", lambda t: strategy.load_catalogue(
        extra=_write(t, "mine.toml", "response = 5\n")), "mine.toml",
     "write [[response]] above each response's keys", "écrivez [[response]] au-dessus"),
    ("catalogue empty", lambda t: strategy.load_catalogue(_write(t, "cat.toml", "# none\n")),
     "cat.toml", "write [[response]] above each response's keys", "écrivez [[response]] au-dessus"),
    ("catalogue families text", lambda t: strategy.load_catalogue(
        extra=_responses(t, "mine.toml", {**RESPONSE, "families": "traffic"})), "mine.toml",
     'families must be a list of codes, got \'traffic\': write the codes between square brackets',
     "families doit être une liste de codes"),
    ("catalogue level list", lambda t: strategy.load_catalogue(
        extra=_responses(t, "mine.toml", {**RESPONSE, "effect_direction": ["reduces"]})),
     "mine.toml", "effect_direction must be one of: ", "effect_direction doit valoir"),
    ("plan missing", lambda t: strategy.read_plan(t / "plan.json"), "plan.json",
     "check the path", "vérifiez le chemin"),
    ("plan json", lambda t: strategy.read_plan(_write(t, "plan.json", '{"format": ')), "plan.json",
     "line 1, column 12): save the plan again", "enregistrez de nouveau le plan"),
    ("plan format", lambda t: strategy.read_plan(_write(t, "plan.json", "[]")), "plan.json",
     "give the .json file written by save_plan", "indiquez le fichier .json"),
    ("plan not utf-8", lambda t: strategy.read_plan(
        _write(t, "plan.json", '{"format": "Lévis"}'.encode("cp1252"))), "plan.json",
     "save it as UTF-8", "enregistrez-le en UTF-8"),
    ("plan folder", lambda t: strategy.read_plan(_folder(t).rename(t / "plan.json")), "plan.json",
     "give the path of the file inside it", "indiquez le chemin du fichier"),
    ("plan actions", lambda t: strategy.read_plan(_plan(t, 5)), "plan.json",
     '"actions" must be a list of objects {…}, one per action, got 5: save the plan again',
     "doit être une liste d'objets"),
    ("plan action rows", lambda t: strategy.read_plan(_plan(t, [{"plan_id": "A01"}, "A02"])),
     "plan.json", '"actions" must be a list of objects', "enregistrez de nouveau le plan"),
    ("register missing", lambda t: inventory.read_register(t / "problems.toml"), "problems.toml",
     "check the path", "vérifiez le chemin"),
    ("register syntax", lambda t: inventory.read_register(_register(t, "[[problem]\n")),
     "problems.toml", "invalid TOML at line 1", "TOML invalide à la ligne 1"),
    ("register id", lambda t: inventory.read_register(
        _register(t, '[[problem]]\nproblem_id = "P1"\n[[problem]]\ntitle_fr = "x"\n')),
     "problems.toml", "[[problem]] #2 has no problem_id: add", "ajoutez-lui problem_id"),
    ("register twice", lambda t: inventory.read_register(
        _register(t, '[[problem]]\nproblem_id = "P1"\n[[problem]]\nproblem_id = "P1"\n')),
     "problems.toml", "['P1']: give each [[problem]] its own", "donnez à chaque [[problem]]"),
    ("register stage", lambda t: inventory.read_register(
        _register(t, '[[problem]]\nproblem_id = "P1"\nsara_stage = "done"\n')), "problems.toml",
     "sara_stage must be one of: scanning", "sara_stage doit valoir"),
    ("register not utf-8", lambda t: inventory.read_register(_register(
        t, '[[problem]]\nproblem_id = "P1"\ntitle_fr = "Méfaits"\n'.encode("cp1252"))),
     "problems.toml", "save it as UTF-8", "enregistrez-le en UTF-8"),
    ("register not tables", lambda t: inventory.read_register(_register(t, "problem = 5\n")),
     "problems.toml", "write [[problem]] above each problem's keys", "écrivez [[problem]]"),
    ("register list", lambda t: inventory.read_register(
        _register(t, '[[problem]]\nproblem_id = "P1"\nsectors = "S1"\n')), "problems.toml",
     "sectors must be a list", "sectors doit être une liste"),
    ("register id type", lambda t: inventory.read_register(
        _register(t, "[[problem]]\nproblem_id = [1]\n")), "problems.toml",
     'problem_id must be text such as "P1", got [1]: correct it', "corrigez-le"),
    ("register geojson", lambda t: inventory.read_register(_register_beside(t, "{not json")),
     "problems.geojson", "write the register again (write_register)",
     "écrivez de nouveau le registre"),
    ("register geojson id", lambda t: inventory.read_register(_register_beside(t, json.dumps({
        "type": "FeatureCollection",
        "features": [{"type": "Feature", "properties": {"id": "P1"},
                      "geometry": {"type": "Polygon", "coordinates": SQUARE}}]}))),
     "problems.geojson", "have no problem_id property: write the register again",
     "n'ont pas de propriété problem_id"),
    # --- the CSV separator --------------------------------------------------------------------
    ("separator", lambda t: loaders.load_incidents(_write(t, "inc.csv", INCIDENTS), sep="ab"),
     "inc.csv", 'sep must be one character such as "," ";" or a tab', "sep doit être un seul"),
    ("empty separator", lambda t: loaders.load_incidents(_write(t, "inc.csv", INCIDENTS), sep=""),
     "inc.csv", "got '': correct it, or leave it out", "corrigez-le, ou retirez-le"),
    ("config separator", lambda t: config.load_config(
        _config(t, '[data.incidents]\npath = "inc.csv"\nsep = "ab"\n')), "diagnostic.toml",
     '[data.incidents] sep must be one character such as "," ";" or a tab',
     "[data.incidents] sep doit être un seul caractère"),
]  # fmt: skip


@pytest.mark.parametrize(("call", "name", "english", "french"), [c[1:] for c in CASES],
                         ids=[c[0] for c in CASES])  # fmt: skip
def test_errors_name_the_file_and_say_what_to_do_in_both_languages(
    tmp_path, call, name, english, french
):
    with pytest.raises(DataError) as err:
        call(tmp_path)
    message = str(err.value)
    assert name in message
    for internal in NEVER:
        assert internal not in message, internal
    # "<file>: <English> / <French>": a value shown in both halves (a CRS named
    # "NAD83 / MTM zone 8") adds as many " / " to each, so the middle one splits them
    parts = message.split(" / ")
    assert len(parts) % 2 == 0, message
    en = " / ".join(parts[: len(parts) // 2]).split(f"{name}: ", 1)[-1]
    fr = " / ".join(parts[len(parts) // 2 :])
    assert en.strip() and fr.strip() and en != fr
    assert english in en, en
    assert french in fr, fr
    assert any(a in en for a in ACTIONS_EN), en
    assert any(a in fr for a in ACTIONS_FR), fr


def test_the_error_classes_are_kept():
    with pytest.raises(ConfigError):
        config.config_from_dict({"diagnostic": {"language": "de"}}, Path("diagnostic.toml"))
    with pytest.raises(CRSError, match="is geographic") as err:
        config.config_from_dict({"municipality": {"crs": "EPSG:4326"}}, Path("diagnostic.toml"))
    assert str(err.value).startswith("diagnostic.toml: [municipality] crs: EPSG:4326")


def test_the_check_itself_catches_an_english_only_message():
    """The checks above fail on a message of the old kind (so a test can fail)."""
    old = "inc.xlsx: not a readable .xlsx workbook (BadZipFile: File is not a zip file)"
    assert any(internal in old for internal in NEVER)
    assert len(old.split(" / ")) % 2 == 1  # no French half
