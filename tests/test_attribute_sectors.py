"""Sectors that are the codes of an incidents' column (``[data.sectors] sector_column``).

An export with a census-area code on each row ("LSOA code") and no boundary file:
the sectors are the codes, each incident keeps the code its row says, population
comes from a census table joined by code, and the outlines are approximate.
"""

from __future__ import annotations

import html
import re

import numpy as np
import pandas as pd
import pytest

from diagnostic_lib import cli, inventory
from diagnostic_lib.config import load_config
from diagnostic_lib.errors import ConfigError, DataError
from diagnostic_lib.loaders import load_diagnostic

from .conftest import NOW

CODES = {"E01000001": (0, 0), "E01000002": (1500, 0), "E01000003": (0, 1500)}


def _export(folder):
    rng = np.random.default_rng(3)
    rows = []
    for code, (x0, y0) in CODES.items():
        n = 900 if code == "E01000001" else 300
        x = 300_000 + x0 + rng.uniform(0, 1400, n)
        y = 5_040_000 + y0 + rng.uniform(0, 1400, n)
        when = pd.Timestamp("2023-01-01") + pd.to_timedelta(rng.uniform(0, 730, n), unit="D")
        rows.append(
            pd.DataFrame({"LSOA code": code, "X": x.round(1), "Y": y.round(1), "When": when})
        )
    df = pd.concat(rows, ignore_index=True)
    df.loc[0, "X"] = 300_000 + 1600  # recorded in E01000001, positioned in E01000002's area
    df.loc[1, ["X", "Y"]] = np.nan  # no position: still counted in its area
    df["Crime ID"] = [f"c{i}" for i in range(len(df))]
    df["Crime type"] = "Burglary"
    df.loc[df.index % 3 == 0, "Crime type"] = "Vehicle crime"
    df["When"] = df["When"].dt.strftime("%Y-%m-%d %H:%M")
    # a fourth area with crimes but no position at all
    extra = pd.DataFrame(
        {
            "LSOA code": "E01000004",
            "X": np.nan,
            "Y": np.nan,
            "When": "2023-06-01 10:00",
            "Crime ID": [f"x{i}" for i in range(40)],
            "Crime type": "Burglary",
        }
    )
    pd.concat([df, extra], ignore_index=True).to_csv(folder / "crimes.csv", index=False)
    pd.DataFrame(
        {"LSOA code": list(CODES) + ["E01000004"], "Population": [1500, 1600, 1400, 1000]}
    ).to_csv(folder / "census.csv", index=False)


def _config(folder, sectors='sector_column = "LSOA code"'):
    text = f"""
[municipality]
name = "Codeville"
crs = "EPSG:32188"
[data.sectors]
{sectors}
[data.population]
path = "census.csv"
[data.population.columns]
sector_id = "LSOA code"
population = "Population"
[data.incidents]
path = "crimes.csv"
[data.incidents.columns]
incident_id = "Crime ID"
occurred_from = "When"
category = "Crime type"
x = "X"
y = "Y"
[taxonomy.aliases]
"Vehicle crime" = "theft_from_vehicle"
"""
    path = folder / "diagnostic.toml"
    path.write_text(text, encoding="utf-8")
    return path


@pytest.fixture(scope="module")
def town(tmp_path_factory):
    folder = tmp_path_factory.mktemp("codeville")
    _export(folder)
    return _config(folder)


def test_sectors_are_the_column_codes_and_incidents_keep_theirs(town):
    d = load_diagnostic(town, now=NOW)
    assert d.ledger.is_balanced()
    assert d.sectors["sector_id"].tolist() == [*CODES, "E01000004"]
    assert d.sectors["population"].tolist() == [1500, 1600, 1400, 1000]
    assert d.incidents["sector"].value_counts().to_dict() == {
        "E01000001": 900,
        "E01000002": 300,
        "E01000003": 300,
        "E01000004": 40,
    }
    # the row positioned in another area's outline keeps the area its row says
    assert d.incidents.loc[d.incidents["incident_id"] == "c0", "sector"].item() == "E01000001"
    assert "sector_mismatch" not in set(d.ledger.entries["reason"])
    # outlines: approximate, not overlapping, every located incident inside one
    outlines = d.sectors.set_index("sector_id").geometry
    assert outlines["E01000004"].is_empty
    assert outlines.drop("E01000004").area.sum() == pytest.approx(
        outlines.drop("E01000004").union_all().area
    )
    located = d.incidents[d.incidents.geometry.notna()]
    assert located.geometry.within(outlines.union_all().buffer(1e-6)).all()
    notes = " ".join(d.ledger.notes("en")["note"])
    assert 'column "LSOA code"' in notes and "approximate" in notes


def test_rates_by_code_use_the_census(town):
    d = load_diagnostic(town, now=NOW)
    inv = inventory.run(d, permutations=19)
    r = inv.rates.set_index(["sector", "period"])
    assert (r.loc["E01000004", "population"] == 1000).all()
    # E01000001: about 450 a year for 1,500 residents = about 300 per 1,000
    assert r.loc["E01000001", "rate"].mean() == pytest.approx(300, rel=0.05)
    assert r.loc[("E01000004", 2023), "count"] == 40  # counted though never located


def test_the_report_runs_on_code_sectors(town, tmp_path):
    out = tmp_path / "r"
    args = ["report", "--config", str(town), "--out", str(out), "--lang", "en", "--no-notebooks"]
    assert cli.main(args) == 0
    words = re.sub(r"<[^>]+>", " ", html.unescape((out / "index.html").read_text("utf-8")))
    assert "E01000004" in words and "<NA>" not in words


@pytest.mark.parametrize(
    "sectors",
    [
        'sector_column = ""',
        "sector_column = 5",
        'sector_column = "LSOA code"\npath = "census.csv"',
        'sector_column = "LSOA code"\ngrid_m = 500',
    ],
)
def test_an_ill_formed_sector_column_is_a_clear_config_error(tmp_path, sectors):
    (tmp_path / "crimes.csv").write_text("a\n1\n", encoding="utf-8")
    (tmp_path / "census.csv").write_text("a\n1\n", encoding="utf-8")
    with pytest.raises(ConfigError, match="sector_column") as err:
        load_config(_config(tmp_path, sectors))
    assert "secteurs" in str(err.value)  # French too


def test_a_sector_column_with_no_code_names_the_file(tmp_path):
    folder = tmp_path
    _export(folder)
    path = _config(folder, 'sector_column = "Nope"')
    with pytest.raises(DataError, match="crimes.csv") as err:
        load_diagnostic(path, now=NOW)
    assert "sector_column" in str(err.value)
