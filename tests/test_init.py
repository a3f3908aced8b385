"""``python -m diagnostic_lib init``: synthetic exports in, a config that loads and balances out."""

from __future__ import annotations

import re
import shutil
import tomllib
from pathlib import Path

import geopandas as gpd
import numpy as np
import pandas as pd
import pytest
import shapely

from diagnostic_lib import cli, settings, setup
from diagnostic_lib.config import DESIGN_KEYS, KNOWN_TABLES, load_config
from diagnostic_lib.loaders import load_diagnostic
from diagnostic_lib.loaders.diagnostic import FILE_OPTIONS

from .conftest import NOW, ROOT, SAMPLE

ENGLISH_TYPES = {
    "Burglary": 7,
    "Shoplifting": 5,
    "Anti-social behaviour": 9,
    "Vehicle crime": 4,
    "Criminal damage and arson": 3,
}
"""English crime types and their rows per monthly file (some known to the taxonomy, some not)."""


def _points_in_sectors(n: int, seed: int) -> gpd.GeoSeries:
    """``n`` points inside the sample's sectors (EPSG:32188)."""
    sectors = gpd.read_file(SAMPLE / "sectors.geojson")
    town = shapely.union_all(sectors.geometry.to_numpy()).buffer(-50)
    x0, y0, x1, y1 = town.bounds
    rng = np.random.default_rng(seed)
    pts: list = []
    while len(pts) < n:
        p = shapely.Point(rng.uniform(x0, x1), rng.uniform(y0, y1))
        if town.contains(p):
            pts.append(p)
    return gpd.GeoSeries(pts, crs=sectors.crs)


def _monthly_exports(folder: Path) -> None:
    """Three UK-police-style monthly CSVs: Month as YYYY-MM, WGS84 positions, English types."""
    folder.mkdir()
    for k, month in enumerate(("2024-01", "2024-02", "2024-03")):
        labels = [lab for lab, n in ENGLISH_TYPES.items() for _ in range(n)]
        pts = _points_in_sectors(len(labels), k).to_crs("EPSG:4326")
        frame = pd.DataFrame(
            {
                "Crime ID": [f"{month}-{i:04d}" for i in range(len(labels))],
                "Month": month,
                "Reported by": "Rivière-aux-Hérons Police",
                "Longitude": pts.x.round(6),
                "Latitude": pts.y.round(6),
                "Location": "On or near Rue Principale",
                "Crime type": labels,
                "Last outcome category": "Under investigation",
            }
        )
        frame.to_csv(folder / f"{month}.csv", index=False)


FRENCH_TYPES = {"Vol dans véhicule": 6, "Méfait": 5, "Introduction par effraction": 4}


def _french_export(path: Path) -> None:
    """A French export: ``;`` separator, cp1252, dates day first, MTM coordinates."""
    labels = [lab for lab, n in FRENCH_TYPES.items() for _ in range(n)]
    pts = _points_in_sectors(len(labels), 7)
    lines = ["No_dossier;Date_début;Heure_début;Catégorie;Coord_X;Coord_Y"]
    for i, (lab, p) in enumerate(zip(labels, pts, strict=True)):
        x, y = f"{p.x:.1f}".replace(".", ","), f"{p.y:.1f}".replace(".", ",")
        lines.append(f"RH-{i:05d};{1 + i % 28:02d}/05/2024;{i % 24:02d}:15;{lab};{x};{y}")
    path.write_bytes(("\r\n".join(lines) + "\r\n").encode("cp1252"))


@pytest.fixture
def monthly(tmp_path):
    _monthly_exports(tmp_path / "exports")
    shutil.copy(SAMPLE / "sectors.geojson", tmp_path / "sectors.geojson")
    return tmp_path


@pytest.fixture
def french(tmp_path):
    _french_export(tmp_path / "export_fr.csv")
    shutil.copy(SAMPLE / "sectors.geojson", tmp_path / "sectors.geojson")
    return tmp_path


def _init(folder: Path, incidents: str, capsys, *extra: str) -> tuple[int, str]:
    argv = ["init", "--incidents", str(folder / incidents), "--sectors"]
    argv += [str(folder / "sectors.geojson"), "--out", str(folder / "diag"), *extra]
    code = cli.main(argv)
    return code, capsys.readouterr().out


def test_monthly_files_give_a_glob_a_month_precision_and_wgs84_positions(monthly, capsys):
    code, out = _init(monthly, "exports/*.csv", capsys, "--lang", "en")
    assert code == 0
    cfg_path = monthly / "diag" / "diagnostic.toml"
    raw = tomllib.loads(cfg_path.read_text(encoding="utf-8"))
    inc = raw["data"]["incidents"]
    assert inc["path"] == "../exports/*.csv"  # relative to the config's folder
    assert raw["data"]["sectors"]["path"] == "../sectors.geojson"
    assert inc["columns"]["occurred_from"] == "Month"
    assert inc["columns"]["category"] == "Crime type"
    assert (inc["columns"]["lon"], inc["columns"]["lat"]) == ("Longitude", "Latitude")
    text = cfg_path.read_text(encoding="utf-8")
    assert "'2024-01'" in text and "month: each date covers its month" in text
    assert "EPSG:4326" in text and "3 files read and put together" in text
    cfg = load_config(cfg_path)
    assert [p.name for p in cfg.data["incidents"].paths] == [
        "2024-01.csv",
        "2024-02.csv",
        "2024-03.csv",
    ]
    d = load_diagnostic(cfg, now=NOW)
    assert d.ledger.is_balanced()
    assert len(d.incidents) == 3 * sum(ENGLISH_TYPES.values())
    assert (d.incidents["time_precision"] == "month").all()
    assert d.incidents.geometry.notna().all()
    cats = pd.read_csv(monthly / "diag" / "categories.csv", dtype=str, keep_default_na=False)
    assert list(cats.columns) == ["source_label", "code", "count", "suggestion"]
    assert set(cats["source_label"]) == set(ENGLISH_TYPES)
    counts = dict(zip(cats["source_label"], cats["count"].astype(int), strict=True))
    assert counts == {k: 3 * n for k, n in ENGLISH_TYPES.items()}
    assert cats["count"].astype(int).is_monotonic_decreasing
    codes = dict(zip(cats["source_label"], cats["code"], strict=True))
    assert codes["Burglary"] == "burglary" and codes["Shoplifting"] == "theft"
    assert codes["Anti-social behaviour"] == ""
    sugg = dict(zip(cats["source_label"], cats["suggestion"], strict=True))
    assert sugg["Vehicle crime"] == "vehicle_theft" and sugg["Burglary"] == ""
    assert "Next steps:" in out and "Étapes suivantes" not in out  # --lang en: English only
    assert "validate --config" in out and "Data-quality ledger" in out


def test_a_french_cp1252_export_with_semicolons(french, capsys):
    code, out = _init(french, "export_fr.csv", capsys)
    assert code == 0
    cfg_path = french / "diag" / "diagnostic.toml"
    text = cfg_path.read_text(encoding="utf-8")
    raw = tomllib.loads(text)
    inc = raw["data"]["incidents"]
    assert inc["path"] == "../export_fr.csv"
    assert inc["source_crs"] == "EPSG:32188"  # metres: the analysis CRS
    assert inc["columns"]["category"] == "Catégorie"
    assert inc["columns"]["occurred_from_time"] == "Heure_début"
    assert '# encoding = "cp1252"' in text and '# sep = ";"' in text
    d = load_diagnostic(cfg_path, now=NOW)
    assert d.ledger.is_balanced()
    assert len(d.incidents) == sum(FRENCH_TYPES.values())
    assert set(d.incidents["category"]) == {"mischief", "burglary", "other"}
    cats = pd.read_csv(french / "diag" / "categories.csv", dtype=str, keep_default_na=False)
    rows = {r.source_label: r for r in cats.itertuples()}
    assert set(rows) == set(FRENCH_TYPES)
    assert rows["Vol dans véhicule"].code == ""
    assert rows["Vol dans véhicule"].suggestion == "theft_from_vehicle"
    assert rows["Méfait"].code == "mischief" and rows["Méfait"].count == "5"
    assert cats["source_label"].iloc[0] == "Vol dans véhicule"  # most frequent first
    assert "Étapes suivantes :" in out and "Next steps" not in out  # French (the default) only


def test_filling_a_suggested_code_in_categories_csv_gives_the_label_its_code(french, capsys):
    _init(french, "export_fr.csv", capsys)
    path = french / "diag" / "categories.csv"
    cats = pd.read_csv(path, dtype=str, keep_default_na=False)
    cats.loc[cats["code"] == "", "code"] = cats["suggestion"]
    cats.to_csv(path, index=False)
    d = load_diagnostic(french / "diag" / "diagnostic.toml", now=NOW)
    assert (d.incidents["category"] == "theft_from_vehicle").sum() == 6


def test_inspect_reads_only_a_sample_but_counts_every_category(tmp_path):
    p = tmp_path / "big.csv"
    rows = ["date,category"] + [f"2024-01-{1 + i % 28:02d},Vol" for i in range(30)]
    rows += ["2024-02-01 10:00,Méfait"] * 5
    p.write_text("\n".join(rows) + "\n", encoding="utf-8")
    info = setup.inspect_file(p, sample_rows=10)
    assert info["rows_sampled"] == 10
    assert info["dates"]["precision"] == "day"  # the timed rows are past the sample
    assert setup.category_counts(info).to_dict() == {"Vol": 30, "Méfait": 5}


def test_inspect_finds_the_date_and_category_columns_by_their_values(tmp_path):
    p = tmp_path / "odd.csv"
    p.write_text("Ref,Quand,Libelle\n1,05/2024,Méfait\n2,06/2024,Vol\n", encoding="utf-8")
    info = setup.inspect_file(p)
    assert info["fields"]["occurred_from"] == "Quand"
    assert info["fields"]["category"] == "Libelle"
    assert info["by_values"] == ["occurred_from", "category"]
    assert info["dates"]["precision"] == "month"
    assert info["missing"] == []
    assert info["positions"] is None


def _wkt_sectors(path: Path, crs: str) -> None:
    """The sample's sectors as a CSV of WKT polygons in ``crs`` (WKT declares no CRS)."""
    sectors = gpd.read_file(SAMPLE / "sectors.geojson").to_crs(crs)
    frame = pd.DataFrame({"WKT": sectors.geometry.to_wkt(), "secteur": sectors["sector_id"]})
    frame.to_csv(path, index=False)


@pytest.mark.parametrize(("crs", "expected"), [("EPSG:4326", "EPSG:4326"), ("EPSG:32188", None)])
def test_the_crs_of_wkt_sectors_is_guessed_from_their_coordinates(monthly, capsys, crs, expected):
    """Montréal's PDQ boundaries are WKT in degrees: taken as metres, every incident fell
    outside the municipality (97 % rejected). Degrees give EPSG:4326; metres the analysis CRS."""
    _wkt_sectors(monthly / "sectors.csv", crs)
    argv = ["init", "--incidents", str(monthly / "exports" / "*.csv"), "--sectors"]
    argv += [str(monthly / "sectors.csv"), "--out", str(monthly / "diag")]
    code = cli.main(argv)
    out = capsys.readouterr().out
    cfg = tomllib.loads((monthly / "diag" / "diagnostic.toml").read_text(encoding="utf-8"))
    assert cfg["data"]["sectors"]["source_crs"] == (expected or cfg["municipality"]["crs"])
    assert code in (0, 3), out
    d = load_diagnostic(monthly / "diag" / "diagnostic.toml", now=NOW)
    assert len(d.incidents) == 3 * sum(ENGLISH_TYPES.values())  # none outside the sectors
    assert d.incidents["sector"].notna().all()


def test_a_glob_that_matches_nothing_is_an_error(tmp_path, capsys):
    code = cli.main(["init", "--incidents", str(tmp_path / "none*.csv"), "--out", str(tmp_path)])
    assert code == 2
    assert "none*.csv" in capsys.readouterr().err
    assert not (tmp_path / "diagnostic.toml").exists()


def test_files_of_different_layouts_give_the_steps_that_fix_them(tmp_path, capsys):
    """Held-out: two yearly exports with different headers; init failed to load them and
    then printed the usual steps, "then run the report", which would fail too."""
    (tmp_path / "inc_2023.csv").write_text(
        "No_dossier;Date;Categorie\n1;03/05/2023;Vol\n2;04/05/2023;Vol\n", encoding="utf-8"
    )
    (tmp_path / "inc_2024.csv").write_text(
        "incident_id,occurred_from,category\n3,2024-05-03,theft\n", encoding="utf-8"
    )
    shutil.copy(SAMPLE / "sectors.geojson", tmp_path / "sectors.geojson")
    code = cli.main(
        ["init", "--incidents", str(tmp_path / "inc_*.csv"), "--sectors",
         str(tmp_path / "sectors.geojson"), "--out", str(tmp_path / "cfg"), "--lang", "en"]
    )  # fmt: skip
    out = capsys.readouterr().out
    assert code == 2
    assert "Next steps (the data do not load yet):" in out
    assert "report --config" not in out


# --------------------------------------------------------------------------- docs/config.md
CONFIG_DOC = (ROOT / "docs" / "config.md").read_text(encoding="utf-8")


def _documented_keys() -> set[str]:
    return set(re.findall(r"`([a-z_<>. ]+?)`", CONFIG_DOC))


@pytest.mark.parametrize(
    "key",
    [
        *KNOWN_TABLES,
        *sorted({o for opts in FILE_OPTIONS.values() for o in opts}),
        *DESIGN_KEYS,
        *(t.name for t in settings.table()),
        "path",
        "preset",
        "columns",
        "categories",
        "aliases",
        "name",
        "crs",
        "language",
        "period_start",
        "period_end",
    ],
)
def test_every_key_the_config_accepts_is_in_docs_config_md(key):
    assert key in _documented_keys(), f"docs/config.md does not document `{key}`"


def test_docs_config_md_holds_the_current_table_of_tunables():
    assert settings.markdown_table() in CONFIG_DOC, "regenerate the table in docs/config.md"


def test_every_table_has_its_options_listed_in_docs_config_md():
    for table, options in FILE_OPTIONS.items():
        m = re.search(rf"^### `\[data\.{table}\]`$(.*?)(?=^### |\Z)", CONFIG_DOC, re.M | re.S)
        assert m, f"docs/config.md has no section for [data.{table}]"
        missing = [o for o in options if f"`{o}`" not in m.group(1)]
        assert not missing, f"[data.{table}] in docs/config.md misses {missing}"


# --------------------------------------------------------------------------- corrections, wizard
def test_corrections_change_roles_crs_and_codes_and_the_written_config_loads_them(french):
    guesses = setup.guess_files(
        {"incidents": ["export_fr.csv"], "sectors": ["sectors.geojson"]}, base=french
    )
    info = guesses["infos"]["incidents"][0]
    assert info["fields"]["occurred_from_time"] == "Heure_début"
    assert info["dates"]["precision"] == "minute"
    fixed = setup.apply_corrections(
        guesses,
        columns={"incidents": {"occurred_from_time": "", "incident_id": "No_dossier"}},
        source_crs={"incidents": "EPSG:2950"},
        categories={"Vol dans véhicule": "theft_from_vehicle", "Méfait": "disturbance"},
    )
    # the guesses given are left as they were
    assert guesses["infos"]["incidents"][0]["fields"]["occurred_from_time"] == "Heure_début"
    assert (guesses["categories"]["code"] == "").sum() == 1
    new = fixed["infos"]["incidents"][0]
    assert "occurred_from_time" not in new["fields"]
    assert new["dates"]["precision"] == "day"  # guessed again without the hour column
    assert new["positions"]["crs"] == "EPSG:2950"
    cfg, cats = setup.write_guesses(french / "diag", fixed, language="en")
    raw = tomllib.loads(cfg.read_text(encoding="utf-8"))
    inc = raw["data"]["incidents"]
    assert inc["source_crs"] == "EPSG:2950"
    assert "occurred_from_time" not in inc["columns"]
    assert "source CRS chosen by the analyst: EPSG:2950" in cfg.read_text(encoding="utf-8")
    d = load_diagnostic(cfg, now=NOW)
    assert (d.incidents["category"] == "theft_from_vehicle").sum() == FRENCH_TYPES[
        "Vol dans véhicule"
    ]
    assert (d.incidents["category"] == "disturbance").sum() == FRENCH_TYPES["Méfait"]
    ok, text = setup.check_config(cfg, "en")
    assert ok and "Data-quality ledger" in text


def test_check_config_says_why_a_config_does_not_load(french):
    cfg, _ = setup.write_config(french / "diag", {"incidents": ["export_fr.csv"]}, base=french)
    ok, text = setup.check_config(cfg, "en")
    assert not ok and "[data.sectors]" in text


def test_preview_and_describe_show_the_file_as_read(french):
    info = setup.inspect_file(french / "export_fr.csv")
    first = setup.preview(info, 2)
    assert first.columns.tolist()[:2] == ["No_dossier", "Date_début"]
    assert first["Catégorie"].tolist() == ["Vol dans véhicule"] * 2
    fr, en = setup.describe(info, "fr"), setup.describe(info, "en")
    assert "encodage cp1252, séparateur ';'" in fr[0]
    assert "encoding cp1252, separator ';'" in en[0]
    assert "précision : minute" in fr[1] and "EPSG:32188" in en[2]


def test_the_init_wizard_writes_the_corrected_config_and_checks_it(monthly):
    from diagnostic_lib import widgets

    ex = widgets.init_wizard(
        {"incidents": ["exports/*.csv"]}, monthly / "wiz", base=monthly, grid_m=500, lang="fr"
    )
    assert ex.controls["column:incidents:occurred_from"].value == "Month"
    assert ex.controls["category:Anti-social behaviour"].value == ""
    assert "Crime type" in ex.widget.children[1].children[2].value  # the preview of the rows
    ex.controls["category:Anti-social behaviour"].value = "disturbance"
    ex.controls["crs:incidents"].value = "EPSG:4326"
    assert "disturbance" not in ex.outputs["config"].value  # the mapping goes to categories.csv
    assert "source_crs = &quot;EPSG:4326&quot;" in ex.outputs["config"].value
    assert not (monthly / "wiz").exists()  # nothing written before the button
    ex.outputs["write"].click()
    assert ex.result["ok"], ex.result["check"]
    assert "Vérification" in ex.outputs["result"].value
    cats = pd.read_csv(monthly / "wiz" / "categories.csv", dtype=str, keep_default_na=False)
    assert cats.set_index("source_label").loc["Anti-social behaviour", "code"] == "disturbance"
    d = load_diagnostic(monthly / "wiz" / "diagnostic.toml", now=NOW)
    assert (d.incidents["category"] == "disturbance").sum() == 3 * ENGLISH_TYPES[
        "Anti-social behaviour"
    ]
    # the same computation, called plainly
    plain = ex.compute(**{**ex.values(), "out": str(monthly / "plain")})
    assert plain["ok"]
    assert (monthly / "plain" / "diagnostic.toml").read_text(encoding="utf-8") == (
        monthly / "wiz" / "diagnostic.toml"
    ).read_text(encoding="utf-8")  # sibling folders: the same relative paths
