"""A population table joined to population-less sectors (issue 15): every row accounted."""

from __future__ import annotations

import shutil

import geopandas as gpd
import numpy as np
import pandas as pd
import pytest

from diagnostic_lib import loaders
from diagnostic_lib.errors import ConfigError, DataError

from .conftest import NOW, SAMPLE

CENSUS = (
    "code_secteur;habitants_2021\n"
    "S01;2 500\n"  # the layer's population has none: joined
    "S02;2 950\n"
    "S03;3 100\n"
    "S99;1 000\n"  # unknown sector
    "S04;beaucoup\n"  # unreadable
    "S05;\n"  # missing
    "S06;-5\n"  # negative
    ";700\n"  # no sector id
    "S02;3 000\n"  # repeated sector id: the first row wins
    "S07;6 200\n"
)


def _municipality_without_population(tmp_path, census: str | None, extra: str = "") -> str:
    """The sample copied, its sectors stripped of their population, with a census table."""
    for f in (
        "incidents.csv",
        "measures.geojson",
        "survey.csv",
        "partners.csv",
        "places.geojson",
        "walks.geojson",
    ):
        shutil.copy(SAMPLE / f, tmp_path / f)
    sec = gpd.read_file(SAMPLE / "sectors.geojson")
    sec.loc[sec["sector_id"].isin(["S01", "S02", "S03", "S04", "S05", "S06"]), "population"] = None
    sec.to_file(tmp_path / "sectors.geojson", driver="GeoJSON")
    toml = (SAMPLE / "diagnostic.toml").read_text(encoding="utf-8")
    if census is not None:
        (tmp_path / "census.csv").write_text(census, encoding="cp1252")
        toml = toml.replace(
            "[data.incidents]",
            '[data.population]\npath = "census.csv"\nsep = ";"\nencoding = "cp1252"\n'
            f'{extra}[data.population.columns]\nsector_id = "code_secteur"\n'
            'population = "habitants_2021"\n\n[data.incidents]',
        )
    p = tmp_path / "diagnostic.toml"
    p.write_text(toml, encoding="utf-8")
    return str(p)


def test_population_table_joins_and_accounts_every_row(tmp_path):
    d = loaders.load_diagnostic(_municipality_without_population(tmp_path, CENSUS), now=NOW)
    pop = d.sectors.set_index("sector_id")["population"]
    # joined where the layer had none; the table wins where both (S07); the rest untouched
    assert pop[["S01", "S02", "S03", "S07", "S08"]].tolist() == [2500, 2950, 3100, 6200, 6000]
    assert pop[["S04", "S05", "S06"]].isna().all()
    assert d.ledger.is_balanced()
    f = d.ledger.files.set_index("table").loc["population"]
    assert (f["rows_in"], f["rows_kept"], f["rows_rejected"]) == (10, 4, 6)
    e = d.ledger.entries
    e = e[e["table"] == "population"].set_index("row")
    # data rows start at line 2 of the file
    assert e.loc[5, "reason"] == "sector_unknown" and e.loc[5, "column"] == "code_secteur"
    assert e.loc[6, "reason"] == "value_invalid" and e.loc[6, "column"] == "habitants_2021"
    assert e.loc[7, "reason"] == "population_missing"
    assert e.loc[8, "reason"] == "value_out_of_range"
    assert e.loc[9, "reason"] == "id_missing"
    assert e.loc[10, "reason"] == "id_duplicate"
    assert e.loc[11, "reason"] == "population_replaced" and e.loc[11, "action"] == "flagged"
    assert (e["file"] == "census.csv").all()  # named relative to the config, never absolute


def test_joined_sectors_lose_their_stale_population_missing_flag(tmp_path):
    d = loaders.load_diagnostic(_municipality_without_population(tmp_path, CENSUS), now=NOW)
    e = d.ledger.entries
    missing = e[(e["table"] == "sectors") & (e["reason"] == "population_missing")]
    row_of = d.sectors.set_index("source_row")["sector_id"]
    # S01-S03 got their residents from the census: only S04-S06 are still without
    assert sorted(row_of[missing["row"]]) == ["S04", "S05", "S06"]
    flagged = d.ledger.files.set_index("table").loc["sectors", "rows_flagged"]
    assert flagged == len(set(e.loc[e["table"] == "sectors", "row"]))
    assert d.ledger.is_balanced()


def test_without_population_table_the_sectors_keep_their_gaps(tmp_path):
    d = loaders.load_diagnostic(_municipality_without_population(tmp_path, None), now=NOW)
    assert d.sectors["population"].isna().sum() == 6
    assert "population" not in set(d.ledger.files["table"])


def test_population_table_options_and_errors(tmp_path):
    # a wrong separator option leaves one column: the required population is missing
    path = _municipality_without_population(tmp_path, CENSUS.replace(";", "\t"))
    with pytest.raises(DataError, match="population"):
        loaders.load_diagnostic(path, now=NOW)
    bad = tmp_path / "diagnostic.toml"
    bad.write_text(bad.read_text(encoding="utf-8").replace('sep = ";"', 'sep = ";;"'), "utf-8")
    with pytest.raises(ConfigError, match="sep"):
        loaders.load_diagnostic(bad, now=NOW)


def test_load_population_alone_and_join():
    sec = pd.DataFrame({"sector_id": ["A", "B", "C"], "population": [np.nan, 900.0, np.nan]})
    src = pd.DataFrame({"secteur": ["A", "B"], "population": [1200, 1000]})
    pop, led = loaders.load_population(src, sectors=sec)
    assert led.is_balanced() and pop["sector_id"].tolist() == ["A", "B"]
    joined = loaders.join_population(sec.set_index(pd.Index([10, 11, 12])), pop)
    assert joined.index.tolist() == [10, 11, 12]
    assert joined["population"].tolist()[:2] == [1200.0, 1000.0]
    assert np.isnan(joined["population"].iloc[2])


def test_a_joined_population_implausible_for_the_sector_is_flagged():
    import geopandas as gpd
    import shapely

    from diagnostic_lib import loaders

    sec = gpd.GeoDataFrame(
        {"sector_id": ["A", "B"], "population": [float("nan")] * 2},
        geometry=[shapely.box(0, 0, 1000, 1000), shapely.box(1000, 0, 2000, 1000)],
        crs=32188,
    )
    df = pd.DataFrame({"sector_id": ["A", "B"], "population": ["1 200", "1200000"]})
    pop, led = loaders.load_population(df, sectors=sec)
    assert pop["population"].tolist() == [1200.0, 1200000.0]  # kept, only flagged
    assert led.entries[["row", "reason"]].values.tolist() == [[2, "population_implausible"]]
