"""A province: every force diagnosed in turn, the province's cube, its tables and its page.

The province here is two forces made from the sample: ``A`` the sample as it is,
``B`` the sample with every second incident, so that the two differ and
a count given to the wrong force shows. Every number of the province is checked
against the forces' incidents loaded on their own (not against the cube), the
DuckDB cube against the one built in memory, and the public tables against
subtraction.
"""

from __future__ import annotations

import re
import shutil
from types import SimpleNamespace

import numpy as np
import pandas as pd
import pytest

from diagnostic_lib import cube, i18n, loaders, province, report, sample
from diagnostic_lib.cube import store
from diagnostic_lib.errors import ConfigError, DataError
from diagnostic_lib.inventory.grid import make_grid
from diagnostic_lib.province import runner

pytest.importorskip("duckdb")


def _write_province(root, forces: dict[str, str]) -> None:
    lines = ['[province]\nname = "Deux villes"\ngrid_cell_m = 500\n']
    for fid, folder in forces.items():
        lines.append(f'[[forces]]\nid = "{fid}"\nconfig = "{folder}/diagnostic.toml"\n')
    (root / "province.toml").write_text("\n".join(lines), encoding="utf-8")


@pytest.fixture(scope="module")
def built(tmp_path_factory):
    root = tmp_path_factory.mktemp("province")
    for fid in ("A", "B"):
        shutil.copytree(sample.sample_dir(), root / fid, ignore=shutil.ignore_patterns("build"))
    text = (root / "B" / "incidents.csv").read_text(encoding="utf-8").splitlines()
    (root / "B" / "incidents.csv").write_text("\n".join(text[:1] + text[1::2]) + "\n", "utf-8")
    _write_province(root, {"A": "A", "B": "B"})
    out = root / "out"
    stale = out / "incidents" / "Z"  # files of an earlier run must not be counted again
    stale.mkdir(parents=True)
    shutil.copy(sample.sample_dir() / "incidents.csv", stale / "part-00000.csv")
    prov = province.run(root / "province.toml", out, progress=False)
    alone = {
        fid: loaders.load_diagnostic(root / fid / "diagnostic.toml", cache=False).incidents
        for fid in ("A", "B")
    }
    return root, out, prov, alone


# --- the plan -------------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("body", "words"),
    [
        ('[province]\nname = "P"\n', "no police force"),
        ('[[forces]]\nid = "a b"\nconfig = "A/diagnostic.toml"\n', "invalid force id"),
        ('[[forces]]\nid = "A"\n', "has no config"),
        ('[[forces]]\nid = "A"\nconfig = "nowhere/diagnostic.toml"\n', "nowhere"),
        (
            '[[forces]]\nid = "A"\nconfig = "A/diagnostic.toml"\n'
            '[[forces]]\nid = "A"\nconfig = "A/diagnostic.toml"\n',
            "listed twice",
        ),
        (
            '[province]\ngrid_cell_m = -5\n[[forces]]\nid = "A"\nconfig = "A/diagnostic.toml"\n',
            "positive number of metres",
        ),
        (
            '[province]\nengine = "spark"\n[[forces]]\nid = "A"\nconfig = "A/diagnostic.toml"\n',
            "engine must be",
        ),
        ("[province\n", "toml"),
    ],
)
def test_plan_refuses_what_it_cannot_run(tmp_path, body, words):
    (tmp_path / "A").mkdir()
    (tmp_path / "A" / "diagnostic.toml").write_text('[municipality]\nname = "A"\n')
    (tmp_path / "province.toml").write_text(body)
    with pytest.raises(ConfigError) as err:
        province.read_plan(tmp_path / "province.toml")
    assert words.lower() in str(err.value).lower()
    assert " / " in str(err.value)  # English, then French


def test_plan_reads_paths_relative_to_its_file(tmp_path):
    (tmp_path / "f").mkdir()
    (tmp_path / "f" / "diagnostic.toml").write_text('[municipality]\nname = "F"\n')
    (tmp_path / "p.toml").write_text(
        '[province]\nname = "P"\nengine = "memory"\n[[forces]]\nid = "F-1"\n'
        'config = "f/diagnostic.toml"\n'
    )
    plan = province.read_plan(tmp_path / "p.toml")
    assert plan.forces[0].config == (tmp_path / "f" / "diagnostic.toml").resolve()
    assert (plan.engine, plan.grid_cell_m, plan.name) == ("memory", 1000.0, "P")


# --- the tables -----------------------------------------------------------------------------


def test_force_incidents_names_every_sector_in_the_province(diag):
    inc = diag.incidents
    table = province.force_incidents(inc, "F7")
    assert len(table) == len(inc)
    has = inc["sector"].notna().to_numpy()
    assert (table["sector"][has] == "F7/" + inc["sector"][has].astype(str).to_numpy()).all()
    assert (table["sector"][~has] == "F7/").all()
    assert has.sum() < len(inc)  # the sample has incidents without a sector: the case is tested


def test_regroup_equals_the_cube_of_the_renamed_incidents(diag):
    inc = diag.incidents
    g = make_grid(diag.sectors, 250.0)
    north = {s: ("N" if s in ("S01", "S02", "S03") else "S") for s in diag.sectors["sector_id"]}
    renamed = inc.assign(sector=inc["sector"].map(north))
    got = cube.regroup(cube.build(inc, g), "sector", north)
    assert got.equals(cube.build(renamed, g))
    assert not got.equals(cube.build(inc, g))


def test_combine_equals_the_cube_of_all_and_refuses_other_grids(diag):
    inc = diag.incidents
    g = make_grid(diag.sectors, 250.0)
    half = len(inc) // 3
    parts = [cube.build(inc.iloc[:half], g), cube.build(inc.iloc[half:], g)]
    assert cube.combine(parts).equals(cube.build(inc, g))
    with pytest.raises(ValueError, match="different grids"):
        cube.combine([parts[0], cube.build(inc, make_grid(diag.sectors, 500.0))])


# --- the run --------------------------------------------------------------------------------


def test_the_province_cube_counts_every_force_incident_once(built):
    _, _, prov, alone = built
    assert prov.cube.total == sum(len(v) for v in alone.values())
    by = cube.rollup(province.forces_cube(prov.cube), ["sector"]).set_index("sector")["count"]
    assert by.to_dict() == {fid: len(v) for fid, v in alone.items()}


def test_the_forces_rates_are_their_own_incidents_counts(built):
    _, _, prov, alone = built
    assert prov.year == 2025
    rows = prov.forces_rates.set_index("sector")
    for fid, inc in alone.items():
        n = int((pd.to_datetime(inc["occurred_from"]).dt.year == prov.year).sum())
        assert rows.loc[fid, "count"] == n
        assert rows.loc[fid, "rate"] == pytest.approx(1000 * n / rows.loc[fid, "population"])
        assert rows.loc[fid, "rate_low"] < rows.loc[fid, "rate"] < rows.loc[fid, "rate_high"]
    assert rows.loc["*", "count"] == rows.loc[["A", "B"], "count"].sum()
    assert list(rows.index) == ["A", "B", "*"]


def test_the_family_table_adds_up_to_each_year(built):
    _, _, prov, alone = built
    fam = prov.family_rates
    every = pd.concat(alone.values())
    years = pd.to_datetime(every["occurred_from"]).dt.year
    for year, part in fam.groupby("period"):
        total = part.loc[part["group"] == "*", "count"].item()
        assert total == part.loc[part["group"] != "*", "count"].sum() == (years == year).sum()


def test_duckdb_and_memory_give_the_same_province_cube(built):
    root, out, prov, _ = built
    assert prov.engine == "duckdb"
    plan = province.read_plan(root / "province.toml")
    memory = runner._cube(plan, out / "incidents", prov.grid, "memory", out)
    assert memory.equals(prov.cube)
    assert store.load(out / "cube").equals(prov.cube)
    assert not (out / "incidents" / "Z").exists()
    assert not (out / "duckdb-spill").exists()


def test_each_force_has_its_report(built):
    _, out, prov, _ = built
    assert set(prov.reports) == {"A", "B"}
    for fid, page in prov.reports.items():
        assert page == out / fid / "index.html" and page.is_file()
        assert (out / fid / "tables.xlsx").is_file()


@pytest.mark.parametrize("lang", ["fr", "en"])
def test_the_page_reads_in_one_language_with_no_code_names(built, tmp_path, lang):
    _, _, prov, _ = built
    page = report.write_province_page(prov, tmp_path, lang=lang).read_text(encoding="utf-8")
    text = re.sub(r"<style.*?</style>|<[^>]+>", " ", page, flags=re.S)
    keys = [k for k in i18n.LABELS if k.startswith(("province.", "family.", "wb."))]
    for bad in (*keys, "<NA>", " nan ", " None ", "tables.xlsx"):
        assert bad not in text
    words = {"fr": ("Toutes les familles", "Corps"), "en": ("All families", "Force")}[lang]
    other = {"fr": "All families", "en": "Toutes les familles"}[lang]
    assert all(w in text for w in words) and other not in text
    assert 'href="A/index.html"' in page and 'href="B/index.html"' in page
    assert page.count("data:image/png;base64,") == 1  # the map of every sector's rate


def test_the_sector_rates_of_the_map_are_the_forces_own(built):
    _, _, prov, alone = built
    rates = prov.sector_rates
    assert set(rates["sector"]) == set(prov.sectors["sector_id"])  # sectors only: a map
    for fid, inc in alone.items():
        mine = rates[rates["sector"].str.startswith(f"{fid}/")]
        assert mine["count"].sum() == inc["sector"].notna().sum()
        s01 = mine[mine["sector"] == f"{fid}/S01"]
        want = pd.to_datetime(inc.loc[inc["sector"] == "S01", "occurred_from"]).dt.year
        assert s01.set_index("period")["count"].to_dict() == want.value_counts().to_dict()


def test_the_public_forces_table_cannot_be_subtracted(built):
    _, _, prov, _ = built
    rows = prov.forces_rates.set_index("sector")["count"]
    between = int(rows["B"]) + 1  # B is small, A is not: A must be hidden too (total − A = B)
    assert rows["A"] >= between
    shown = report.province_page.forces_frame(prov, "en", public=True, threshold=between)
    counts = shown["Incidents"].tolist()
    assert counts[0] == "x" and counts[1].startswith("<") and counts[2] != "x"


def test_the_public_family_table_hides_a_complement_in_the_year():
    fam = pd.DataFrame(
        {
            "group": ["property", "violent", "fraud_cyber", "*"],
            "period": 2025,
            "count": [500, 40, 3, 543],
            "rate": [5.0, 0.4, 0.03, 5.43],
            "rate_low": [4.5, 0.3, 0.01, 5.0],
            "rate_high": [5.5, 0.5, 0.09, 5.9],
            "covers_year": True,
        }
    )
    shown = report.province_page.families_frame(
        SimpleNamespace(family_rates=fam), "en", public=True, threshold=5
    )
    assert shown["Incidents"].tolist() == ["500", "x", "< 5", "543"]
    assert shown["Rate per 1,000"].tolist()[1:3] == ["x", "< 5"]
    assert not np.isin(["3", "40"], shown.to_numpy()).any()


def test_a_force_in_another_crs_is_moved_to_the_province_crs(tmp_path, diag):
    shutil.copytree(sample.sample_dir(), tmp_path / "A", ignore=shutil.ignore_patterns("build"))
    text = (tmp_path / "A" / "incidents.csv").read_text(encoding="utf-8").splitlines()
    (tmp_path / "A" / "incidents.csv").write_text("\n".join(text[:1] + text[1::4]) + "\n", "utf-8")
    (tmp_path / "province.toml").write_text(
        '[province]\ncrs = "EPSG:32187"\ngrid_cell_m = 500\n'
        '[[forces]]\nid = "A"\nconfig = "A/diagnostic.toml"\n'
    )
    prov = province.run(tmp_path / "province.toml", tmp_path / "out", progress=False)
    alone = loaders.load_diagnostic(tmp_path / "A" / "diagnostic.toml", cache=False).incidents
    assert alone.crs == "EPSG:32188" and prov.grid.crs == "EPSG:32187"
    assert prov.sectors.crs == "EPSG:32187"
    written = pd.read_parquet(tmp_path / "out" / "incidents" / "A")
    moved = alone.to_crs("EPSG:32187").geometry
    has = moved.notna() & ~moved.is_empty
    assert np.allclose(written["x"][has.to_numpy()], moved[has].x.to_numpy())
    assert prov.cube.total == len(alone)
    assert (prov.cube.counts["cell"] >= 0).sum() > 0.9 * (prov.cube.counts["cell"] != -1).sum()


def test_a_force_whose_data_cannot_be_used_is_named_and_the_others_keep_their_report(tmp_path):
    for fid in ("A", "B"):
        shutil.copytree(sample.sample_dir(), tmp_path / fid, ignore=shutil.ignore_patterns("build"))
    text = (tmp_path / "A" / "incidents.csv").read_text(encoding="utf-8").splitlines()
    (tmp_path / "A" / "incidents.csv").write_text("\n".join(text[:1] + text[1::8]) + "\n", "utf-8")
    (tmp_path / "B" / "sectors.geojson").write_text("{not json", encoding="utf-8")
    _write_province(tmp_path, {"A": "A", "B": "B"})
    with pytest.raises(DataError) as err:
        province.run(tmp_path / "province.toml", tmp_path / "out", progress=False)
    assert str(err.value).startswith("force B / corps B: ")
    assert "sectors.geojson" in str(err.value)
    assert (tmp_path / "out" / "A" / "index.html").is_file()


def test_the_workbook_holds_the_page_tables_in_words(built, tmp_path):
    from diagnostic_lib.xlsx import read_coded

    _, out, prov, _ = built
    assert (out / "province.xlsx").is_file()
    path = report.write_province_workbook(prov, tmp_path, lang="en")
    shown = pd.read_excel(path, sheet_name="Police forces")
    assert shown["Force"].tolist() == ["A", "B", "The whole province"]
    assert shown["Name"].tolist()[-1] == "The whole province"  # words, not "*"
    families = pd.read_excel(path, sheet_name="Province by family")
    assert "Property crime" in set(families["Family"]) and "property" not in set(families["Family"])
    sectors = pd.read_excel(path, sheet_name="Province sectors")
    assert "all" not in sectors.astype(str).to_numpy()  # no code of the one group
    back = read_coded(path)
    assert back["province_forces"]["count"].tolist() == prov.forces_rates["count"].tolist()
    assert len(back["province_sectors"]) == len(prov.sector_rates)
    between = int(prov.forces_rates.set_index("sector").loc["B", "count"]) + 1
    public = report.write_province_workbook(
        prov, tmp_path / "public", lang="fr", audience="public", threshold=between
    )
    with pd.ExcelFile(public) as book:
        sheets = book.sheet_names
    assert "Secteurs de la province" not in sheets and "Corps de police" in sheets
    counts = read_coded(public)["province_forces"]["count"].tolist()
    assert pd.isna(counts[0]) and pd.isna(counts[1]) and counts[2] > 0  # B small, A its complement


def _two_thinned_forces(root) -> None:
    """Forces ``A`` and ``B`` in ``root``: the sample with every eighth incident each."""
    for fid in ("A", "B"):
        shutil.copytree(sample.sample_dir(), root / fid, ignore=shutil.ignore_patterns("build"))
        text = (root / fid / "incidents.csv").read_text(encoding="utf-8").splitlines()
        (root / fid / "incidents.csv").write_text("\n".join(text[:1] + text[1::8]) + "\n", "utf-8")


def test_a_force_that_does_not_cover_a_year_has_its_count_but_no_rate(tmp_path):
    _two_thinned_forces(tmp_path)
    config = tmp_path / "B" / "diagnostic.toml"
    text = config.read_text(encoding="utf-8")
    text = text.replace('period_start = "2022-01-01"', 'period_start = "2023-03-01"')
    config.write_text(text.replace('period_end = "2025-12-31"', 'period_end = "2025-06-30"'))
    _write_province(tmp_path, {"A": "A", "B": "B"})
    prov = province.run(tmp_path / "province.toml", tmp_path / "out", progress=False)
    alone = loaders.load_diagnostic(config, cache=False).incidents
    rows = prov.forces_rates.set_index("sector")
    assert prov.year == 2025
    n = int((pd.to_datetime(alone["occurred_from"]).dt.year == 2025).sum())
    assert rows.loc["B", "count"] == n  # the count of the part covered is kept
    assert rows[["rate", "rate_low", "rate_high"]].loc[["B", "*"]].isna().all().all()
    assert rows.loc["A", "rate"] > 0 and rows["covers_year"].tolist() == [True, False, False]
    fam = prov.family_rates
    has_rate = fam.groupby("period")["rate"].apply(lambda r: r.notna().all()).to_dict()
    assert has_rate == {2022: False, 2023: False, 2024: True, 2025: False}
    page = report.write_province_page(prov, tmp_path / "p", "en").read_text(encoding="utf-8")
    assert "data do not cover the whole year" in page


def test_a_force_with_sectors_of_unknown_population_is_rated_on_the_others(tmp_path):
    """Its count is all its incidents; its rate and the province's count only the sectors
    whose population is known (as the force's own report does), never all of them over part
    of the residents."""
    import geopandas as gpd

    _two_thinned_forces(tmp_path)
    path = tmp_path / "B" / "sectors.geojson"
    secs = gpd.read_file(path)
    unknown = secs["sector_id"].iloc[:2].tolist()
    secs["population"] = secs["population"].astype("float64")
    secs.loc[secs["sector_id"].isin(unknown), "population"] = np.nan
    secs.to_file(path, driver="GeoJSON")
    _write_province(tmp_path, {"A": "A", "B": "B"})
    prov = province.run(tmp_path / "province.toml", tmp_path / "out", progress=False)
    year = prov.year
    own = {
        fid: loaders.load_diagnostic(tmp_path / fid / "diagnostic.toml", cache=False)
        for fid in ("A", "B")
    }
    rows = prov.forces_rates.set_index("sector")
    in_year = {
        fid: d.incidents[pd.to_datetime(d.incidents["occurred_from"]).dt.year == year]
        for fid, d in own.items()
    }
    b_sec = own["B"].sectors
    known = b_sec.loc[b_sec["population"] > 0, "sector_id"]
    b_counted = int(in_year["B"]["sector"].isin(known).sum())
    b_pop = float(b_sec.loc[b_sec["population"] > 0, "population"].sum())
    assert b_counted < len(in_year["B"])  # the unknown sectors and the sector-less are left out
    assert rows.loc["B", "count"] == len(in_year["B"])
    assert rows.loc["B", "counted"] == b_counted
    assert rows.loc["B", "population"] == pytest.approx(b_pop)
    assert rows.loc["B", "rate"] == pytest.approx(1000 * b_counted / b_pop)
    # A's sectors all have a population: all its incidents count, the sector-less too
    a_pop = float(own["A"].sectors["population"].sum())
    assert rows.loc["A", "counted"] == rows.loc["A", "count"] == len(in_year["A"])
    assert rows.loc["*", "count"] == len(in_year["A"]) + len(in_year["B"])
    want = 1000 * (len(in_year["A"]) + b_counted) / (a_pop + b_pop)
    assert rows.loc["*", "rate"] == pytest.approx(want)
    fam = prov.family_rates
    total = fam[(fam["group"] == "*") & (fam["period"] == year)]
    assert total["rate"].item() == pytest.approx(want)
    page = report.write_province_page(prov, tmp_path / "p", "en").read_text(encoding="utf-8")
    assert "B (population known in" in page and "known for only some sectors" in page
    assert rows.loc["B", "population"] < float(
        gpd.read_file(sample.sample_dir() / "sectors.geojson")["population"].sum()
    )


def test_public_tables_keep_their_yes_no_columns_as_words():
    """Whether a year is covered, or a family recorded, does not depend on a count: never "< 5".
    The workbook's family sheet hides the complement of a small count as the page does."""
    from diagnostic_lib.report.province_page import public_families

    fam = pd.DataFrame(
        {
            "group": ["property", "violent", "*"],
            "period": [2024] * 3,
            "count": [3, 80, 83],
            "rate": [1.0, 2.0, 3.0],
            "covers_year": [True, True, True],
            "recorded": [True, True, True],
        }
    )
    out = public_families(fam, 5)
    assert out["count"].tolist()[:2] == ["< 5", "x"]  # the small count and its complement
    assert out["covers_year"].tolist() == out["recorded"].tolist() == [True, True, True]
    forces = pd.DataFrame(
        {"sector": ["F1", "*"], "name": ["Un", "*"], "population": [1e3, 1e3], "count": [83, 83]}
        | {"counted": [83, 83], "rate": [83.0, 83.0], "rate_low": [66.0, 66.0]}
        | {"rate_high": [103.0, 103.0], "covers_year": [True, True]}
    )
    prov = SimpleNamespace(forces_rates=forces, family_rates=fam, sector_rates=None)
    book = report.province_page.province_workbook_tables(prov, "en", public=True, threshold=5)
    assert book["province_families"]["count"].tolist() == ["< 5", "x", 83]  # the workbook too


def test_a_public_rate_that_would_give_away_a_few_left_out_incidents_is_hidden():
    """rate × residents is the counted incidents; with the count, the left-out ones follow."""
    from diagnostic_lib.report.province_page import public_forces

    rates = pd.DataFrame(
        {
            "sector": ["F1", "F2", "F3", "*"],
            "name": ["Un", "Deux", "Trois", "*"],
            "population": [1000.0, 2000.0, 500.0, 3500.0],
            "count": [50, 80, 3, 133],
            "counted": [47, 60, 3, 110],
            "rate": [47.0, 30.0, 6.0, 110 / 3.5],
            "rate_low": [34.5, 22.9, 1.2, 25.8],
            "rate_high": [62.5, 38.6, 17.5, 37.9],
        }
    )
    out = public_forces(rates, 5).set_index("sector")
    assert "counted" not in out.columns
    assert out.loc["F1", "rate"] == out.loc["F1", "rate_high"] == "x"  # 3 left out: hidden
    assert out.loc["F2", "rate"] == 30.0  # 20 left out: the rate may be shown
    assert out.loc["F3", "count"] == out.loc["F3", "rate"] == "< 5"  # a small count stays so
    assert out.loc["*", "rate"] == 110 / 3.5  # 23 left out in all


def test_a_rate_missing_for_want_of_residents_is_not_said_to_be_a_part_year(tmp_path):
    """Force B has no population: its "—" rate is for want of residents, and the page says
    so, not that its data miss part of the year (both forces cover the year)."""
    import geopandas as gpd

    _two_thinned_forces(tmp_path)
    path = tmp_path / "B" / "sectors.geojson"
    secs = gpd.read_file(path)
    secs["population"] = np.nan
    secs.to_file(path, driver="GeoJSON")
    _write_province(tmp_path, {"A": "A", "B": "B"})
    prov = province.run(tmp_path / "province.toml", tmp_path / "out", progress=False)
    rows = prov.forces_rates.set_index("sector")
    assert rows["covers_year"].all() and pd.isna(rows.loc["B", "rate"])
    assert rows.loc["B", "count"] > 0 and rows.loc["A", "rate"] > 0
    page = report.write_province_page(prov, tmp_path / "p", "en").read_text(encoding="utf-8")
    assert "the residents of the territory counted are not known" in page
    assert "data do not cover the whole year" not in page


def test_forces_of_different_years_and_taxonomies_give_no_false_zeros(tmp_path):
    """A force whose data stop before the year has no count in it (not 0); a family no force
    of a year records is not a zero; a sector's mean rate is over its own force's years."""
    years = {"A": ("2024", "2025"), "B": ("2022", "2023")}
    for fid, (first, last) in years.items():
        shutil.copytree(sample.sample_dir(), tmp_path / fid, ignore=shutil.ignore_patterns("build"))
        rows = (tmp_path / fid / "incidents.csv").read_text(encoding="utf-8").splitlines()
        keep = [r for r in rows[1:] if first <= r.split(",")[1][:4] <= last]
        if fid == "B":  # B's export has no fraud at all
            keep = [r for r in keep if r.split(",")[3] not in ("fraud", "cyber_fraud")]
        (tmp_path / fid / "incidents.csv").write_text("\n".join(rows[:1] + keep) + "\n", "utf-8")
        config = tmp_path / fid / "diagnostic.toml"
        text = config.read_text(encoding="utf-8")
        text = text.replace('period_start = "2022-01-01"', f'period_start = "{first}-01-01"')
        config.write_text(text.replace('period_end = "2025-12-31"', f'period_end = "{last}-12-31"'))
    _write_province(tmp_path, {"A": "A", "B": "B"})
    prov = province.run(tmp_path / "province.toml", tmp_path / "out", progress=False)
    assert prov.year == 2025
    rows = prov.forces_rates.set_index("sector")
    assert pd.isna(rows.loc["B", "count"]) and pd.isna(rows.loc["B", "rate"])  # not 0
    assert rows.loc["A", "count"] > 0 and rows.loc["A", "rate"] > 0
    fam = prov.family_rates.set_index(["group", "period"])
    assert pd.isna(fam.loc[("fraud_cyber", 2023), "count"])  # only B that year: not recorded
    assert fam.loc[("fraud_cyber", 2024), "count"] > 0
    assert fam.loc[("property", 2023), "count"] > 0
    assert prov.unrecorded.values.tolist() == [["B", "fraud_cyber"]]
    # the map: each sector's mean over its force's two years, not over the four of the province
    a = loaders.load_diagnostic(tmp_path / "A" / "diagnostic.toml", cache=False)
    pop = a.sectors.set_index("sector_id")["population"]
    per_year = a.incidents["sector"].value_counts() / 2
    means = province.covered_sector_rates(prov.cube, prov.sectors, prov.forces)
    from diagnostic_lib.inventory.volume import annual_means

    got = annual_means(means)["rate"]
    for sid in pop.index[:5]:
        assert got[f"A/{sid}"] == pytest.approx(1000 * per_year[sid] / pop[sid])
    page = report.write_province_page(prov, tmp_path / "p", "en").read_text(encoding="utf-8")
    assert "do not reach that year" in page and "B: Fraud and cybercrime" in page
    assert "it is not a zero" in page
    wb = report.write_province_workbook(prov, tmp_path / "p", "en")
    assert wb.exists()


def test_forces_listed_on_the_same_ground_are_said_to_overlap(built, tmp_path):
    """The fixture's two forces are the sample twice: the same territory, the page warns."""
    _, _, prov, _ = built
    rows = prov.overlaps.values.tolist()
    assert len(rows) == 1 and rows[0][:2] == ["A", "B"] and rows[0][3] == pytest.approx(1.0)
    page = report.write_province_page(prov, tmp_path, "en").read_text(encoding="utf-8")
    assert "territories overlap (A and B:" in page
    b = (prov.sectors["force"] == "B").to_numpy()
    apart = prov.sectors.copy()
    apart.loc[b, "geometry"] = apart.geometry[b].translate(yoff=75_000)
    assert province.territory_overlaps(apart).empty  # 75 km apart: nothing to say
