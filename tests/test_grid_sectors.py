"""Sectors made as a grid (``[data.sectors] grid_m``): the grid itself, the config, the load."""

from __future__ import annotations

import shutil
from pathlib import Path

import numpy as np
import pandas as pd
import pytest
import shapely

from diagnostic_lib import inventory
from diagnostic_lib.config import config_from_dict, load_config
from diagnostic_lib.errors import ConfigError, DataError
from diagnostic_lib.loaders import diagnostic as diagnostic_mod
from diagnostic_lib.loaders import load_diagnostic, load_incidents
from diagnostic_lib.loaders.grid_sectors import _polygonal, grid_over_points, grid_sectors

ROOT = Path(__file__).resolve().parents[1]
SAMPLE = ROOT / "data" / "sample"
CRS = "EPSG:32188"


# --- the grid ---------------------------------------------------------------------------------
def test_square_grid_cells_have_the_size_and_stable_ids():
    g = grid_sectors(shapely.box(1000, 2000, 3000, 3500), 500, crs=CRS)
    assert len(g) == 4 * 3
    assert g["sector_id"].is_unique
    assert g["sector_id"].iloc[0] == "G-r00c00"
    assert g["sector_id"].iloc[-1] == "G-r02c03"
    assert np.allclose(g.area, 500**2)
    assert g["name"].tolist() == g["sector_id"].tolist()
    assert g["population"].isna().all()
    assert list(g.columns) == ["sector_id", "name", "population", "source_row", "geometry"]
    again = grid_sectors(shapely.box(1000, 2000, 3000, 3500), 500, crs=CRS)
    assert again["sector_id"].tolist() == g["sector_id"].tolist()
    assert again.geometry.geom_equals_exact(g.geometry, 1e-9).all()


def test_south_west_cell_is_row_zero_column_zero():
    g = grid_sectors((0, 0, 1000, 1000), 500, crs=CRS)
    sw = g.set_index("sector_id").geometry["G-r00c00"]
    ne = g.set_index("sector_id").geometry["G-r01c01"]
    assert sw.bounds == (0, 0, 500, 500)
    assert ne.bounds == (500, 500, 1000, 1000)


def test_hex_grid_cells_have_the_area_of_the_square():
    g = grid_sectors((0, 0, 5000, 5000), 500, shape="hex", crs=CRS)
    assert g["sector_id"].str.match(r"^H-r\d{2}c\d{2}$").all()
    assert g["sector_id"].is_unique
    assert np.allclose(g.area, 500**2)
    assert set(g.geom_type) == {"Polygon"}
    # the cells tile the plane: no overlap, and the extent is covered
    assert g.union_all().buffer(1e-6).contains(shapely.box(0, 0, 5000, 5000))
    assert abs(g.area.sum() - g.union_all().area) < 1.0


@pytest.mark.parametrize("shape", ["square", "hex"])
def test_only_cells_with_points_are_kept_and_hold_them(shape):
    rng = np.random.default_rng(1)
    x = np.r_[rng.uniform(0, 300, 40), 9_900.0]
    y = np.r_[rng.uniform(0, 300, 40), 9_900.0]
    g = grid_sectors((x.min(), y.min(), x.max(), y.max()), 500, shape=shape, points=(x, y))
    assert len(g) < 10  # not the 400-odd cells of the extent
    union = g.union_all()
    assert shapely.intersects_xy(union, x, y).all()
    assert g["sector_id"].is_unique


@pytest.mark.parametrize("shape", ["square", "hex"])
def test_clipped_grid_has_only_polygons(shape):
    # an outline that touches cells along an edge and cuts some in two
    outline = shapely.union_all(
        [
            shapely.box(0, 0, 1000, 1000),
            shapely.box(1000, 0, 1500, 10),  # a thin strip: cut cells, lines on edges
            shapely.box(1490, 0, 1500, 1000),
            shapely.Point(2000, 2000).buffer(300),
        ]
    )
    g = grid_sectors(outline, 500, shape=shape, crs=CRS)
    assert set(g.geom_type) <= {"Polygon", "MultiPolygon"}
    assert (g.area > 0).all()
    assert g["sector_id"].is_unique
    assert abs(g.area.sum() - outline.area) < 1e-3 * outline.area
    assert g.union_all().symmetric_difference(outline).area < 1e-3 * outline.area


def test_a_cell_cut_in_two_stays_one_sector():
    outline = shapely.union_all([shapely.box(0, 0, 100, 500), shapely.box(400, 0, 500, 500)])
    g = grid_sectors(outline, 500, crs=CRS)
    assert len(g) == 1
    assert g.geom_type.iloc[0] == "MultiPolygon"


def test_polygonal_drops_lines_and_points():
    gc = shapely.GeometryCollection(
        [shapely.box(0, 0, 1, 1), shapely.LineString([(2, 2), (3, 3)]), shapely.Point(5, 5)]
    )
    assert _polygonal(gc).geom_type == "Polygon"
    assert _polygonal(shapely.LineString([(2, 2), (3, 3)])).is_empty


@pytest.mark.parametrize(
    ("size", "shape"), [(0, "square"), (-5, "square"), (float("nan"), "square"), (500, "tri")]
)
def test_grid_refuses_bad_size_or_shape(size, shape):
    with pytest.raises(DataError, match="grid_m|shape"):
        grid_sectors((0, 0, 1000, 1000), size, shape=shape)


def test_grid_refuses_too_many_cells():
    with pytest.raises(DataError, match="grid_m"):
        grid_sectors((0, 0, 1e7, 1e7), 1)


# --- the config -------------------------------------------------------------------------------
def _raw(sectors: dict) -> dict:
    return {"data": {"sectors": sectors}}


def test_config_accepts_grid_without_path():
    cfg = config_from_dict(_raw({"grid_m": 500, "shape": "hex"}))
    spec = cfg.data["sectors"]
    assert spec.path is None and spec.paths == []
    assert spec.options == {"grid_m": 500, "shape": "hex"}


@pytest.mark.parametrize(
    ("sectors", "word"),
    [
        ({}, "path"),
        ({"grid_m": 0}, "grid_m"),
        ({"grid_m": -1}, "grid_m"),
        ({"grid_m": "500"}, "grid_m"),
        ({"grid_m": True}, "grid_m"),
        ({"grid_m": 500, "shape": "round"}, "shape"),
    ],
)
def test_config_refuses_bad_grid(sectors, word):
    with pytest.raises(ConfigError, match=word):
        config_from_dict(_raw(sectors))


def test_config_grid_is_for_sectors_only():
    with pytest.raises(ConfigError, match="only for"):
        config_from_dict({"data": {"incidents": {"path": "a.csv", "grid_m": 500}}})


@pytest.mark.parametrize("sectors", ["grid_m = 500", 'path = "boundary.geojson"\ngrid_m = 500'])
def test_a_population_table_with_grid_sectors_is_refused_naming_the_file(tmp_path, sectors):
    shutil.copy(SAMPLE / "sectors.geojson", tmp_path / "boundary.geojson")
    (tmp_path / "incidents.csv").write_text("date,category\n2024-01-01,theft\n", "utf-8")
    (tmp_path / "census.csv").write_text("sector_id,population\nA,100\n", "utf-8")
    path = _write_config(tmp_path, sectors)
    text = path.read_text(encoding="utf-8") + '[data.population]\npath = "census.csv"\n'
    path.write_text(text, encoding="utf-8")
    with pytest.raises(ConfigError) as err:
        load_config(path)
    said = str(err.value)
    assert "[data.population] census.csv gives residents by sector id" in said
    assert "[data.population] census.csv donne les habitants" in said
    assert "grid_m" in said


# --- the load ---------------------------------------------------------------------------------
def _incidents_csv(path: Path, n: int = 60, unlocated: int = 3) -> Path:
    rng = np.random.default_rng(7)
    x = np.r_[rng.normal(300_000, 600, n), [305_000.0]]
    y = np.r_[rng.normal(5_040_000, 600, n), [5_043_000.0]]
    frame = pd.DataFrame(
        {
            "incident_id": [f"I{k}" for k in range(len(x))],
            "occurred_from": pd.date_range("2024-01-01", periods=len(x), freq="37h").strftime(
                "%Y-%m-%d %H:%M"
            ),
            "category": np.resize(["theft", "theft_from_vehicle", "mischief"], len(x)),
            "x": x.round(1),
            "y": y.round(1),
        }
    )
    blank = pd.DataFrame(
        {
            "incident_id": [f"U{k}" for k in range(unlocated)],
            "occurred_from": ["2024-06-01 12:00"] * unlocated,
            "category": ["theft"] * unlocated,
            "x": [""] * unlocated,
            "y": [""] * unlocated,
        }
    )
    pd.concat([frame, blank]).to_csv(path, index=False)
    return path


def _write_config(folder: Path, sectors: str, incidents: str = "incidents.csv") -> Path:
    p = folder / "diagnostic.toml"
    p.write_text(
        '[municipality]\nname = "Grille"\ncrs = "EPSG:32188"\n'
        '[diagnostic]\nlanguage = "fr"\n'
        f"[data.sectors]\n{sectors}\n"
        f'[data.incidents]\npath = "{incidents}"\n',
        encoding="utf-8",
    )
    return p


@pytest.fixture(scope="module")
def grid_diag(tmp_path_factory):
    folder = tmp_path_factory.mktemp("grid")
    _incidents_csv(folder / "incidents.csv")
    return load_diagnostic(_write_config(folder, "grid_m = 500"), now="2026-01-01")


def test_grid_over_incidents_assigns_every_located_incident(grid_diag):
    d = grid_diag
    assert load_config(d.config.path).data["sectors"].path is None
    assert d.sectors["sector_id"].str.match(r"^G-r\d{2}c\d{2}$").all()
    assert d.sectors["population"].isna().all()
    located = d.incidents.geometry.notna() & ~d.incidents.geometry.is_empty
    assert located.sum() == 61
    assert d.incidents.loc[located, "sector"].isin(d.sectors["sector_id"]).all()
    # every cell holds an incident: the far one has its own cell, the empty ones are gone
    assert set(d.incidents["sector"].dropna()) == set(d.sectors["sector_id"])
    assert len(d.sectors) < 40


def test_grid_over_incidents_ledger_counts_every_row_once(grid_diag):
    d = grid_diag
    led = d.ledger
    assert led.is_balanced()
    files = led.files
    assert files["table"].tolist() == ["incidents"]
    assert files["rows_in"].tolist() == [64]
    assert files["rows_kept"].tolist() == [len(d.incidents)]
    notes = led.notes("en")["note"].tolist()
    assert any(f"generated grid of {len(d.sectors)} square cells of 500 m" in n for n in notes)
    assert any("located incidents' extent" in n for n in notes)
    assert any("grille générée" in n for n in led.notes("fr")["note"])


@pytest.mark.parametrize("shape", ["square", "hex"])
def test_grid_over_points_gives_the_cells_of_grid_sectors_and_each_points_cell(shape):
    rng = np.random.default_rng(3)
    x, y = rng.uniform(1_234, 9_876, 400), rng.uniform(-3_000, 2_500, 400)
    grid, ids = grid_over_points(x, y, 700, shape=shape, crs=CRS)
    same = grid_sectors((x.min(), y.min(), x.max(), y.max()), 700, shape=shape, points=(x, y))
    assert grid["sector_id"].tolist() == same["sector_id"].tolist()
    assert grid.geometry.geom_equals_exact(same.geometry.set_crs(CRS), 1e-6).all()
    cell = grid.set_index("sector_id").geometry
    assert all(cell[i].intersects(shapely.Point(a, b)) for i, a, b in zip(ids, x, y, strict=True))


def test_grid_over_incidents_reads_the_file_once_and_assigns_as_a_second_read_would(
    tmp_path, monkeypatch
):
    _incidents_csv(tmp_path / "incidents.csv")
    reads = []

    def counting(*args, **kwargs):
        reads.append(args[0])
        return load_incidents(*args, **kwargs)

    monkeypatch.setattr(diagnostic_mod, "load_incidents", counting)
    d = load_diagnostic(_write_config(tmp_path, "grid_m = 500"), now="2026-01-01")
    assert len(reads) == 1
    again, led = load_incidents(
        str(tmp_path / "incidents.csv"), sectors=d.sectors, sector_column=False, now="2026-01-01"
    )
    pd.testing.assert_frame_equal(
        pd.DataFrame(d.incidents.drop(columns="geometry")),
        pd.DataFrame(again.drop(columns="geometry")),
    )
    assert d.ledger.entries.drop(columns="file").equals(led.entries.drop(columns="file"))


def test_grid_over_incidents_needs_located_incidents(tmp_path):
    pd.DataFrame(
        {"occurred_from": ["2024-01-01 10:00"], "category": ["theft"], "x": [""], "y": [""]}
    ).to_csv(tmp_path / "incidents.csv", index=False)
    with pytest.raises(DataError, match="no incident has a usable position.*aucun incident"):
        load_diagnostic(_write_config(tmp_path, "grid_m = 500"), now="2026-01-01")


def test_hex_grid_over_incidents(tmp_path):
    _incidents_csv(tmp_path / "incidents.csv")
    d = load_diagnostic(_write_config(tmp_path, 'grid_m = 500\nshape = "hex"'), now="2026-01-01")
    assert d.sectors["sector_id"].str.startswith("H-").all()
    assert d.incidents["sector"].notna().sum() == 61
    assert d.ledger.is_balanced()


def test_grid_clipped_to_a_boundary_file(tmp_path):
    shutil.copy(SAMPLE / "sectors.geojson", tmp_path / "boundary.geojson")
    shutil.copy(SAMPLE / "incidents.csv", tmp_path / "incidents.csv")
    d = load_diagnostic(_write_config(tmp_path, 'path = "boundary.geojson"\ngrid_m = 500'))
    import geopandas as gpd

    boundary = gpd.read_file(tmp_path / "boundary.geojson").to_crs(CRS).union_all()
    assert set(d.sectors.geom_type) <= {"Polygon", "MultiPolygon"}
    assert d.sectors["sector_id"].str.startswith("G-").all()
    assert d.sectors["sector_id"].is_unique
    assert abs(d.sectors.area.sum() - boundary.area) < 1e-6 * boundary.area
    assert d.sectors.union_all().symmetric_difference(boundary).area < 1e-6 * boundary.area
    assert d.ledger.is_balanced()
    assert sorted(d.ledger.files["table"]) == ["incidents", "sectors"]
    notes = d.ledger.notes("en")
    mine = notes[notes["table"] == "sectors"]["note"].tolist()
    assert any("generated grid" in n for n in mine)
    assert any("clipped to the outline of boundary.geojson" in n for n in mine)
    located = d.incidents.geometry.notna()
    assert d.incidents.loc[located, "sector"].isin(d.sectors["sector_id"]).all()
    # the file's own sector ids (S01…) name no cell: not read, not 15,000 "unknown sector"
    assert "sector_unknown" not in set(d.ledger.entries["reason"])
    assert any("not used" in n and "sector" in n for n in notes["note"])


def test_inventory_runs_on_a_grid_diagnosis(grid_diag):
    inv = inventory.run(grid_diag, permutations=9)
    assert set(inv.rates["sector"]) - {"*"} == set(grid_diag.sectors["sector_id"])
    assert inv.rates["count"].sum() > 0
    assert inv.rates["rate"].isna().all()  # no population, no rate


def test_report_on_a_grid_diagnosis_has_no_zero_residents(grid_diag, tmp_path):
    import re

    from diagnostic_lib import report

    inv = inventory.run(grid_diag, permutations=9)
    page = report.write_report(grid_diag, inv, out=tmp_path / "report", lang="fr")
    text = page.read_text(encoding="utf-8")
    assert "G-r" in text
    # "1 000 habitants" is the rates' unit; "0 habitants" alone would be a cell's population
    assert not re.search(r"(?:^|[^\d\s\u202f\xa0])[\s\u202f\xa0]*0[\s\u202f\xa0]habitants", text)
