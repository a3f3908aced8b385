"""Tests of the synthetic sample municipality (diagnostic_lib.sample) and data/sample/.

The files are read with plain pandas / geopandas / json here (the loaders are tested
elsewhere), and checked against ``manifest.json`` and the planted ground truth.
"""

from __future__ import annotations

import fnmatch
import hashlib
import io
import json
import re
import subprocess
import sys
import time
import tomllib
from importlib import resources
from pathlib import Path

import geopandas as gpd
import numpy as np
import pandas as pd
import pytest
import shapely
from scipy.spatial.distance import pdist

from diagnostic_lib import sample, schema
from diagnostic_lib.sample import readme

REPO = Path(__file__).resolve().parents[1]
SAMPLE = REPO / "data" / "sample"
TAXONOMY = Path(schema.__file__).parent / "data" / "taxonomy.csv"
EXPERTISE = {
    "cybercrime",
    "fraud",
    "youth",
    "addiction",
    "mental_health",
    "seniors",
    "lighting",
    "urban_design",
    "licensed_venues",
    "retail",
    "parking",
    "transit",
    "neighbourhood_watch",
    "traffic_safety",
    "victims",
    "schools",
}
PLACE_KINDS = {"bar", "parking", "transit_stop", "school", "park", "shopping_centre"}


def _sha(path: Path) -> str:
    return hashlib.sha256(path.read_bytes()).hexdigest()


@pytest.fixture(scope="module")
def manifest() -> dict:
    return json.loads((SAMPLE / "manifest.json").read_text(encoding="utf-8"))


@pytest.fixture(scope="module")
def gt() -> dict:
    return sample.ground_truth()


@pytest.fixture(scope="module")
def sectors() -> gpd.GeoDataFrame:
    return gpd.read_file(SAMPLE / "sectors.geojson")


@pytest.fixture(scope="module")
def incidents() -> pd.DataFrame:
    return pd.read_csv(SAMPLE / "incidents.csv", dtype={"incident_id": str})


@pytest.fixture(scope="module")
def measures() -> gpd.GeoDataFrame:
    return gpd.read_file(SAMPLE / "measures.geojson")


@pytest.fixture(scope="module")
def taxonomy() -> pd.DataFrame:
    return pd.read_csv(TAXONOMY)


# ---------------------------------------------------------------- regeneration, manifest


def test_regenerate_is_byte_identical(tmp_path, manifest):
    out = sample.generate(tmp_path / "sample")
    for entry in manifest["files"].values():
        assert _sha(out / entry["path"]) == entry["sha256"], entry["path"]
        assert _sha(out / entry["path"]) == _sha(SAMPLE / entry["path"]), entry["path"]
    assert (out / "manifest.json").read_bytes() == (SAMPLE / "manifest.json").read_bytes()


def test_manifest_describes_every_file(manifest):
    assert manifest["synthetic"] is True
    assert manifest["licence"] == "CC0-1.0"
    assert manifest["generator"] == "diagnostic_lib.sample"
    assert manifest["seed"] == sample.DEFAULT_SEED
    assert manifest["crs"] == "EPSG:32188"
    assert manifest["period"] == {"start": "2022-01-01", "end": "2025-12-31"}
    listed = {e["path"] for e in manifest["files"].values()}
    on_disk = {p.name for p in SAMPLE.iterdir() if p.is_file()}
    assert on_disk == listed | {"manifest.json"}
    total = sum((SAMPLE / p).stat().st_size for p in on_disk)
    assert total <= 5 * 1024 * 1024
    for entry in manifest["files"].values():
        path = SAMPLE / entry["path"]
        assert path.is_file()
        assert _sha(path) == entry["sha256"]
        assert path.stat().st_size == entry["bytes"]
        data = path.read_bytes()
        if entry["format"] == "geojson":
            doc = json.loads(data.decode("utf-8"))
            assert doc["crs"]["properties"]["name"] == "urn:ogc:def:crs:EPSG::32188"
            assert entry["crs"] == "EPSG:32188"
            assert len(doc["features"]) == entry["rows"]
            props = list(doc["features"][0]["properties"])
            assert [*props, "geometry"] == entry["columns"]
            assert gpd.read_file(path).crs.to_epsg() == 32188
        elif entry["format"] == "csv":
            text = data.decode(entry["encoding"])
            lines = text.splitlines()
            assert lines[0].split(entry["separator"]) == entry["columns"]
            assert len(lines) - 1 == entry["rows"]
            if entry["encoding"] == "utf-8":
                assert b"\r" not in data
                df = pd.read_csv(path, dtype=str, keep_default_na=False)
                assert list(df.columns) == entry["columns"] and len(df) == entry["rows"]
    assert manifest["ground_truth"] == sample.ground_truth()


def test_configs_have_the_expected_shape():
    cfg = tomllib.loads((SAMPLE / "diagnostic.toml").read_text(encoding="utf-8"))
    assert cfg["municipality"] == {"name": sample.TOWN_NAME, "crs": "EPSG:32188"}
    assert cfg["diagnostic"] == {
        "language": "fr",
        "period_start": "2022-01-01",
        "period_end": "2025-12-31",
    }
    assert cfg["data"]["incidents"] == {"path": "incidents.csv", "preset": "generic"}
    assert cfg["parameters"] == {"grid_cell_m": 200}
    for table in ("sectors", "measures", "survey", "partners", "places"):
        assert (SAMPLE / cfg["data"][table]["path"]).is_file()
    raw = tomllib.loads((SAMPLE / "diagnostic_raw_export.toml").read_text(encoding="utf-8"))
    inc = raw["data"]["incidents"]
    assert inc["path"] == "incidents_raw_export.csv" and inc["preset"] == "generic"
    header = (SAMPLE / inc["path"]).read_bytes().decode("cp1252").splitlines()[0].split(";")
    assert set(inc["columns"].values()) == set(header)
    assert inc["columns"]["occurred_from"] == "Date_début"
    assert {k: v for k, v in raw.items() if k != "data"} == {
        k: v for k, v in cfg.items() if k != "data"
    }


def test_readme_is_bilingual_and_explains_the_ground_truth():
    text = (SAMPLE / "README.md").read_text(encoding="utf-8")
    needles = (
        "## Français",
        "## English",
        "python -m diagnostic_lib sample --out data/sample",
        "Domaine-des-Pins",
        "Cyber-Aide Québec",
        "M01",
        "M03",
        "CC0-1.0",
    )
    for needle in needles:
        assert needle in text


def test_readme_template_ships_with_the_package():
    # The README is rendered from sample/README.md.j2: it must be package data, or an
    # installed diagnostic_lib cannot write the sample (sample_dir() generates it).
    template = resources.files("diagnostic_lib.sample").joinpath("README.md.j2")
    assert template.is_file()
    pyproject = tomllib.loads((REPO / "pyproject.toml").read_text(encoding="utf-8"))
    patterns = pyproject["tool"]["setuptools"]["package-data"]["diagnostic_lib"]
    assert any(fnmatch.fnmatch("sample/README.md.j2", p) for p in patterns), patterns


def test_readme_without_a_realisation():
    # scale > 1: no "this realisation" section, the defects table runs into the last paragraph
    text = readme._readme(sample.ground_truth(), None, {"future_date": 3}, 7, 2)
    assert "## Cette réalisation" not in text
    assert "(graine / seed 7, échelle / scale 2)" in text
    assert "| future_date | 3 |\n\nLa vérité terrain complète" in text
    assert text.endswith("`diagnostic_lib.sample.ground_truth()`.\n")
    assert "{{" not in text and "{%" not in text


def test_python_m_sample_writes_the_sample(tmp_path):
    out = tmp_path / "s"
    cmd = [sys.executable, "-m", "diagnostic_lib.sample", "--out", str(out)]
    subprocess.run(cmd, check=True, capture_output=True)
    for name in ("README.md", "manifest.json"):
        assert (out / name).read_bytes() == (SAMPLE / name).read_bytes(), name


# ---------------------------------------------------------------- sectors, places


def test_sectors_tile_the_town(sectors, gt):
    assert sectors.crs.to_epsg() == 32188
    assert 8 <= len(sectors) <= 12
    assert list(sectors["sector_id"]) == [f"S{i:02d}" for i in range(1, len(sectors) + 1)]
    assert sectors.is_valid.all()
    assert (sectors.geom_type == "Polygon").all()
    assert shapely.coverage_is_valid(sectors.geometry.to_numpy())
    union = shapely.union_all(sectors.geometry.to_numpy())
    assert union.geom_type == "Polygon"
    assert union.area == pytest.approx(gt["town"]["area_m2"], rel=1e-4)
    assert sectors.area.sum() == pytest.approx(union.area, rel=1e-6)  # no overlaps
    x0, y0, x1, y1 = union.bounds
    assert 280_000 <= x0 < x1 <= 300_000 and 5_050_000 <= y0 < y1 <= 5_070_000
    assert 6_000 <= x1 - x0 <= 8_000 and 4_000 <= y1 - y0 <= 6_000
    assert sectors["population"].sum() == pytest.approx(40_000, rel=0.05)
    assert sectors["population"].min() < 1_000  # the industrial sector
    assert union.symmetric_difference(shapely.from_wkt(gt["town"]["boundary_wkt"])).area < 1.0


def test_places_and_correlation_with_bars_and_parkings(incidents):
    places = gpd.read_file(SAMPLE / "places.geojson")
    assert set(places["kind"]) == PLACE_KINDS
    assert places["place_id"].is_unique
    assert set(places.loc[~places.geom_type.eq("Point"), "kind"]) <= {"park", "parking"}
    located = incidents.dropna(subset=["x"])
    pts = shapely.points(located["x"].to_numpy(), located["y"].to_numpy())

    def near(kind: str, dist: float) -> np.ndarray:
        zone = shapely.union_all(
            places.loc[places["kind"] == kind].geometry.buffer(dist).to_numpy()
        )
        return shapely.intersects(zone, pts)

    bars, parkings = near("bar", 60), near("parking", 50)
    night_violence = (
        located["category"].isin(["assault", "assault_armed", "disturbance"]).to_numpy()
    )
    vehicle = located["category"].isin(["vehicle_theft", "theft_from_vehicle"]).to_numpy()
    burglary = (located["category"] == "burglary").to_numpy()
    assert bars[night_violence].mean() > 0.4 > 5 * bars[burglary].mean()
    assert parkings[vehicle].mean() > 0.5 > 5 * parkings[burglary].mean()


# ---------------------------------------------------------------- incidents


def test_incidents_structure(incidents, taxonomy, sectors):
    assert 12_000 <= len(incidents) <= 18_000
    assert incidents["incident_id"].is_unique
    assert incidents["incident_id"].str.fullmatch(r"RH-20\d\d-\d{5}").all()
    assert set(incidents["category"]) <= set(taxonomy["code"])
    assert 10 <= incidents["category"].nunique() <= 14
    stamp = r"\d{4}-\d\d-\d\d \d\d:\d\d"
    assert incidents["occurred_from"].str.fullmatch(stamp).all()
    has_to = incidents["occurred_to"].notna()
    assert incidents.loc[has_to, "occurred_to"].str.fullmatch(stamp).all()
    start = pd.to_datetime(incidents["occurred_from"], format="%Y-%m-%d %H:%M")
    end = pd.to_datetime(incidents["occurred_to"], format="%Y-%m-%d %H:%M")
    assert start.min() >= pd.Timestamp("2022-01-01") and start.max() < pd.Timestamp("2026-01-01")
    assert (end[has_to] > start[has_to]).all()
    # shift from the hour of occurred_from, empty for ranges longer than 8 h
    long_range = has_to & ((end - start) > pd.Timedelta(hours=8))
    expected = pd.Series(schema.shift_from_hour(start.dt.hour.to_numpy()), index=incidents.index)
    assert incidents.loc[long_range, "shift"].isna().all()
    assert (incidents.loc[~long_range, "shift"] == expected[~long_range]).all()
    assert set(incidents["precision"]) == set(schema.PRECISIONS)
    no_point = incidents["precision"].isin(["sector", "none"])
    assert incidents.loc[no_point, ["x", "y"]].isna().all().all()
    assert incidents.loc[~no_point, ["x", "y"]].notna().all().all()
    assert incidents.loc[incidents["precision"] == "none", "sector"].isna().all()
    assert incidents.loc[incidents["precision"] != "none", "sector"].notna().all()
    assert set(incidents["sector"].dropna()) <= set(sectors["sector_id"])
    # the sector of a located incident is the sector containing its point
    located = incidents[~no_point]
    pts = gpd.GeoDataFrame(
        located[["sector"]],
        geometry=gpd.points_from_xy(located["x"], located["y"]),
        crs=sectors.crs,
    )
    joined = gpd.sjoin(pts, sectors[["sector_id", "geometry"]], predicate="intersects")
    joined = joined[~joined.index.duplicated()]
    assert len(joined) == len(located)
    assert (joined["sector"] == joined["sector_id"]).all()
    assert (incidents["category"] == "homicide").sum() <= 2


def test_planted_problems_in_counts(incidents, sectors, gt):
    cat = incidents["category"]
    year = incidents["occurred_from"].str.slice(0, 4).astype(int)
    fraud = cat.isin(["fraud", "cyber_fraud"])
    by_year = incidents[fraud].groupby(year[fraud]).size()
    assert list(by_year.index) == [2022, 2023, 2024, 2025]
    assert by_year.is_monotonic_increasing
    assert 200 <= by_year[2022] <= 400 and 650 <= by_year[2025] <= 950
    assert set(incidents.loc[fraud, "precision"]) == {"sector", "none"}
    assert (incidents.loc[fraud, "precision"] == "sector").mean() == pytest.approx(0.7, abs=0.05)
    # bar strip: Friday/Saturday nights within 40 m of rue Principale
    zone = shapely.from_wkt(gt["problems"]["bar_strip"]["zone_wkt"])
    strip_cats = cat.isin(gt["problems"]["bar_strip"]["categories"])
    sel = incidents[strip_cats & incidents["x"].notna()]
    inside = shapely.intersects_xy(zone, sel["x"].to_numpy(), sel["y"].to_numpy())
    assert 1_000 <= inside.sum() <= 1_800
    # burglary: 1,500–2,000, ~40 % ranges, concentrated in the planted sectors
    burg = incidents[cat == "burglary"]
    assert 1_500 <= len(burg) <= 2_100
    assert burg["occurred_to"].notna().mean() == pytest.approx(0.4, abs=0.05)
    planted = gt["problems"]["residential_burglary"]["sectors"]
    assert burg["sector"].isin(planted).mean() > 0.85
    # rates per 1,000 residents: Centre-ville highest, the perception-gap sector lowest
    pop = sectors.set_index("sector_id")["population"]
    rate = incidents.groupby("sector").size().reindex(pop.index) / pop
    assert rate.idxmax() == gt["highest_crime_rate_sector"] == "S01"
    assert rate.idxmin() == gt["problems"]["perception_gap"]["gap_sector"] == "S05"
    assert gt["lowest_crime_rate_sectors"] == ["S05"]
    # seasonality of property and disorder
    fam = cat.map({c: f for c, f in sample._FAMILY.items()})
    month = incidents["occurred_from"].str.slice(5, 7).astype(int)
    pd_sel = fam.isin(["property", "disorder"])
    monthly = incidents[pd_sel].groupby(month[pd_sel]).size()
    assert 1.25 <= monthly[[6, 7, 8]].mean() / monthly.mean() <= 1.55
    assert monthly[[12, 1, 2]].mean() / monthly.mean() < 0.8


def test_near_repeat_burglaries_knox(incidents):
    burg = incidents[(incidents["category"] == "burglary") & incidents["x"].notna()]
    xy = burg[["x", "y"]].to_numpy()
    days = (
        pd.to_datetime(burg["occurred_from"]) - pd.Timestamp("2022-01-01")
    ).dt.total_seconds().to_numpy() / 86400
    close = pdist(xy) <= 200
    rng = np.random.default_rng(1)

    def pairs(t: np.ndarray) -> int:
        return int((close & (pdist(t[:, None]) <= 14)).sum())

    observed = pairs(days)
    perms = np.array([pairs(rng.permutation(days)) for _ in range(19)])
    assert observed > 1.5 * perms.mean()
    assert observed > perms.max()  # p = 1 / 20 = 0.05


# ---------------------------------------------------------------- measures, partners, survey


def test_measures(measures, gt):
    partners = pd.read_csv(SAMPLE / "partners.csv", dtype=str, keep_default_na=False)
    assert 15 <= len(measures) <= 25
    assert measures["measure_id"].is_unique
    assert set(measures["pillar"]) == set(schema.PILLARS)
    assert set(measures["kind"]) <= set(schema.MEASURE_KINDS)
    assert set(measures["footprint"]) == set(schema.FOOTPRINTS)
    for _, m in measures.iterrows():
        targets = m["target_categories"].split(";")
        assert targets and not {"fraud", "cyber_fraud"} & set(targets)
        if m["footprint"] in ("point", "line", "polygon"):
            assert m.geometry is not None and m.geometry.geom_type.lower().startswith(
                {"point": "point", "line": "linestring", "polygon": "polygon"}[m["footprint"]]
            )
        else:
            assert m.geometry is None
        if m["footprint"] == "sectors":
            assert m["footprint_sectors"]
    listed = {p for ps in measures["partners"] for p in ps.split(";")}
    unknown = listed - set(partners["partner_id"])
    assert unknown == set(gt["unknown_partner_ids"]) == {"P99"}
    start = pd.to_datetime(measures["start"])
    assert (start > pd.Timestamp("2026-12-31")).sum() == 1  # planned
    assert measures["end"].notna().sum() == 1  # ended
    effects = {mid: m["planted_effect"] for mid, m in gt["measures"].items()}
    assert set(effects) == set(measures["measure_id"])
    for effect in ("effective", "null", "displacing", "too_recent", "not_evaluable", "planned"):
        assert effect in effects.values()
    m01 = gt["measures"]["M01"]
    assert (m01["treated_multiplier"], m01["buffer_multiplier"], m01["buffer_m"]) == (
        0.6,
        0.85,
        200.0,
    )
    m03 = gt["measures"]["M03"]
    assert m03["treated_multiplier"] == 0.55 and m03["buffer_multiplier"] > 1.5
    # coverage: every measure → problems mapping agrees; fraud is uncovered
    for pid, mids in gt["coverage"].items():
        for mid in mids:
            assert pid in gt["measures"][mid]["addresses"]
    assert gt["coverage"]["fraud_cyber_rise"] == []
    assert [p for p, mids in gt["coverage"].items() if not mids] == ["fraud_cyber_rise"]
    assert set(gt["coverage"]) == set(gt["problems"])
    assert gt["uncovered_problems"] == ["fraud_cyber_rise"]


def test_partners(gt):
    partners = pd.read_csv(SAMPLE / "partners.csv", dtype=str, keep_default_na=False)
    assert list(partners.columns) == [
        "partner_id",
        "name",
        "name_en",
        "kind",
        "expertise",
        "sectors_served",
    ]
    assert 10 <= len(partners) <= 15 and partners["partner_id"].is_unique
    expertise = partners["expertise"].str.split(";")
    assert set().union(*expertise) <= EXPERTISE
    cyber = partners[expertise.map(lambda e: "cybercrime" in e)]
    assert list(cyber["partner_id"]) == [gt["cybercrime_partner"]]
    assert "Cyber-Aide" in cyber["name"].iloc[0]
    assert gt["suggested_partners"]["fraud_cyber_rise"] == [gt["cybercrime_partner"]]


def test_survey_and_perception_gap(gt):
    sv = pd.read_csv(SAMPLE / "survey.csv", dtype={"concerns": str}, keep_default_na=False)
    assert 800 <= len(sv) <= 1_500 and sv["respondent_id"].is_unique
    for col in ("safety_day", "safety_night"):
        assert sv[col].between(1, 5).all() and (sv[col] % 1 == 0).all()
    date = pd.to_datetime(sv["date"], format="%Y-%m-%d")
    assert date.min() >= pd.Timestamp("2025-09-01") and date.max() <= pd.Timestamp("2025-11-30")
    concerns = sv["concerns"].map(lambda s: [c for c in s.split(";") if c])
    assert concerns.map(len).max() <= 3
    assert set().union(*concerns) <= set(schema.CONCERNS)
    assert (sv["weight"] > 0).all()
    w = sv["weight"]
    night = (sv["safety_night"] * w).groupby(sv["sector"]).sum() / w.groupby(sv["sector"]).sum()
    n_concerns = concerns.map(len).groupby(sv["sector"]).mean()
    gap = gt["problems"]["perception_gap"]["gap_sector"]
    assert night.idxmin() == gap == "S05"
    assert n_concerns.idxmax() == gap
    assert night.rank()["S01"] >= 4  # Centre-ville: only moderate fear


# ---------------------------------------------------------------- raw export


def test_raw_export_encoding_and_defects(manifest, incidents, taxonomy, sectors):
    data = (SAMPLE / "incidents_raw_export.csv").read_bytes()
    with pytest.raises(UnicodeDecodeError):
        data.decode("utf-8")
    text = data.decode("cp1252")
    assert "Catégorie" in text and "\r\n" in text
    lines = text.splitlines()
    header = lines[0].split(";")
    assert header == [
        "No_dossier",
        "Date_début",
        "Heure_début",
        "Date_fin",
        "Heure_fin",
        "Catégorie",
        "Quart",
        "Secteur",
        "Coord_X",
        "Coord_Y",
    ]
    defects = manifest["raw_export_defects"]
    assert defects == manifest["ground_truth"]["raw_export"]["defects"]
    too_many = sum(len(line.split(";")) > len(header) for line in lines[1:])
    assert too_many == defects["too_many_fields"]
    df = pd.read_csv(
        io.StringIO(text), sep=";", dtype=str, keep_default_na=False, on_bad_lines="skip"
    )
    assert len(df) == len(lines) - 1 - too_many
    assert 2_000 <= len(df) <= 3_200
    assert df.duplicated().sum() == defects["exact_duplicate"]
    dedup = df.drop_duplicates()
    assert dedup["No_dossier"].duplicated().sum() == defects["duplicate_id_different_content"]
    when = pd.to_datetime(df["Date_début"], format="%d/%m/%Y", errors="coerce")
    assert when.isna().sum() == defects["unparseable_date"]
    assert (when > pd.Timestamp("2025-12-31")).sum() == defects["future_date"]
    aliases = {a.casefold() for s in taxonomy["aliases"] for a in s.split("|")}
    aliases |= {a.casefold() for a in taxonomy["label_fr"]}
    unknown = ~df["Catégorie"].str.casefold().isin(aliases)
    assert unknown.sum() == defects["unknown_category"]
    assert set(df["Quart"]) <= {"Jour", "Soir", "Nuit", ""}
    assert df["Coord_X"].str.contains(",").any() and not df["Coord_X"].str.contains(r"\.").any()
    # positions: placeholders, missing (the canonical incident has a point), outside
    placeholder = (df["Coord_X"] == "0") & (df["Coord_Y"] == "0")
    assert placeholder.sum() == defects["placeholder_position"]
    had_point = df["No_dossier"].map(incidents.set_index("incident_id")["x"].notna())
    missing = (df["Coord_X"] == "") & had_point.fillna(False).astype(bool)
    assert missing.sum() == defects["missing_position"]
    x = pd.to_numeric(df["Coord_X"].str.replace(",", "."), errors="coerce")
    y = pd.to_numeric(df["Coord_Y"].str.replace(",", "."), errors="coerce")
    ok = x.notna() & ~placeholder
    town = shapely.union_all(sectors.geometry.to_numpy())
    outside = ~shapely.intersects_xy(town, x[ok].to_numpy(), y[ok].to_numpy())
    assert outside.sum() == defects["outside_municipality"]
    start = manifest["ground_truth"]["raw_export"]["start"]
    clean = when.notna() & (when <= pd.Timestamp("2025-12-31"))
    assert when[clean].min() >= pd.Timestamp(start)


def test_raw_labels_are_taxonomy_aliases(taxonomy):
    assert set(sample.CATEGORIES) <= set(taxonomy["code"])
    for code, label in sample._RAW_LABELS.items():
        row = taxonomy.set_index("code").loc[code]
        assert label.casefold() in {a.casefold() for a in row["aliases"].split("|")}, code


# ---------------------------------------------------------------- ground truth


def test_ground_truth_geometry_is_consistent(gt, sectors):
    by_id = sectors.set_index("sector_id").geometry
    for pid, problem in gt["problems"].items():
        wkt = problem.get("zone_wkt") or problem.get("geometry_wkt")
        if wkt and problem.get("sector"):
            assert by_id[problem["sector"]].contains(shapely.from_wkt(wkt)), pid
    assert gt["top_problem"] == "bar_strip"
    m = gt["measures"]["M01"]
    park = shapely.from_wkt(gt["problems"]["park_night_mischief"]["geometry_wkt"])
    assert shapely.from_wkt(m["treated_wkt"]).equals(park)
    ring = shapely.from_wkt(m["buffer_wkt"])
    assert ring.area == pytest.approx(park.buffer(200).area - park.area, rel=0.02)
    assert not ring.intersection(park).area > 1


def test_planted_effects_calibrate_over_seeds():
    counts = pd.concat([sample.simulate_measure_counts(seed=s) for s in range(12)])
    tot = counts.groupby("measure_id")[
        ["treated_before", "treated_after", "buffer_before", "buffer_after"]
    ].sum()
    ratio_t = tot["treated_after"] / tot["treated_before"]
    ratio_b = tot["buffer_after"] / tot["buffer_before"]
    assert ratio_t["M01"] == pytest.approx(0.60, abs=0.06)
    assert ratio_b["M01"] == pytest.approx(0.85, abs=0.1)
    assert ratio_t["M02"] == pytest.approx(1.0, abs=0.1)
    assert ratio_t["M03"] == pytest.approx(0.55, abs=0.07)
    assert ratio_b["M03"] == pytest.approx(1.55, abs=0.2)
    single = sample.simulate_measure_counts(seed=sample.DEFAULT_SEED).set_index("measure_id")
    assert single.loc["M01", "treated_before"] >= 80  # enough for a significant test
    assert single.loc["M03", "buffer_before"] >= 40


# ---------------------------------------------------------------- API: seeds, scale, speed


def test_seed_changes_incidents_but_not_geography():
    a = sample.generate_tables(only=("incidents", "sectors"))
    b = sample.generate_tables(seed=1, only=("incidents", "sectors"))
    assert not a["incidents"][["occurred_from", "x"]].equals(b["incidents"][["occurred_from", "x"]])
    assert a["sectors"].geometry.equals(b["sectors"].geometry)
    with pytest.raises(ValueError):
        sample.generate_tables(only=("nope",))


def test_generate_tables_matches_files(incidents):
    t = sample.generate_tables()
    assert list(t) == list(sample.TABLE_KEYS)
    assert len(t["incidents"]) == len(incidents)
    assert list(t["incidents"]["incident_id"]) == list(incidents["incident_id"])
    assert isinstance(t["sectors"], gpd.GeoDataFrame) and t["sectors"].crs.to_epsg() == 32188
    assert isinstance(t["measures"].loc[0, "partners"], tuple)
    assert t["raw_export"]["defect"].ne("").sum() == sum(sample._RAW_DEFECTS.values())


def test_scale_tiles_the_town():
    one = sample.generate_tables(only=("incidents", "sectors"))
    two = sample.generate_tables(scale=2, only=("incidents", "sectors", "measures"))
    assert len(two["sectors"]) == 2 * len(one["sectors"])
    assert two["sectors"]["sector_id"].is_unique and two["measures"]["measure_id"].is_unique
    assert len(two["incidents"]) / len(one["incidents"]) == pytest.approx(2.0, rel=0.08)
    assert two["incidents"]["incident_id"].is_unique
    assert set(two["incidents"]["sector"].dropna()) == set(two["sectors"]["sector_id"])
    polys = two["sectors"].geometry.to_numpy()
    assert shapely.coverage_is_valid(polys)
    assert shapely.union_all(polys).area == pytest.approx(2 * one["sectors"].area.sum(), rel=1e-6)


def test_generation_is_fast():
    sample.generate_tables(only=("incidents",))  # warm the geography cache
    t0 = time.perf_counter()
    for seed in range(5):
        sample.generate_tables(seed=seed, only=("incidents",))
    assert (time.perf_counter() - t0) / 5 < 1.0


def test_sample_dir_finds_the_repository_sample():
    assert sample.sample_dir() == SAMPLE.resolve()
    assert re.fullmatch(r"[0-9a-f]{64}", _sha(sample.sample_dir() / "manifest.json"))


def test_shipped_realisation_shows_the_planted_effects(manifest):
    """The shipped data (default seed) show each planted effect in its direction."""
    c = manifest["realised"]["measure_counts_12m"]
    m01, m02, m03 = c["M01"], c["M02"], c["M03"]
    assert m01["treated_before"] >= 80
    assert m01["treated_after"] / m01["treated_before"] < 0.75  # effective
    assert m01["buffer_after"] < m01["buffer_before"]  # diffusion of benefits
    assert 0.85 < m02["treated_after"] / m02["treated_before"] < 1.15  # null
    assert m03["treated_after"] / m03["treated_before"] < 0.7
    assert m03["buffer_after"] / m03["buffer_before"] > 1.2  # displacement: WDQ < 0
    assert m03["buffer_before"] >= 40


def test_sample_dir_generates_into_the_cache_when_no_repository(monkeypatch, tmp_path):
    monkeypatch.setattr("diagnostic_lib.sample.entry_points._find_repo_sample", lambda: None)
    monkeypatch.setenv("XDG_CACHE_HOME", str(tmp_path))
    first = sample.sample_dir()
    assert first == tmp_path / "diagnostic_lib" / "sample"
    manifest = first / "manifest.json"
    assert manifest.read_bytes() == (SAMPLE / "manifest.json").read_bytes()
    stamp = manifest.stat().st_mtime_ns
    assert sample.sample_dir() == first and manifest.stat().st_mtime_ns == stamp  # reused
