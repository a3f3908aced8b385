"""Denominators beyond residents, and empirical-Bayes smoothing of small-area rates (issue 18 §6)."""

from __future__ import annotations

import html
import shutil
import types
import warnings

import geopandas as gpd
import numpy as np
import pandas as pd
import pytest

from diagnostic_lib import i18n, inventory, loaders
from diagnostic_lib.errors import ConfigError, DataError
from diagnostic_lib.report import HtmlDocument
from diagnostic_lib.report.sections.context import SectionContext
from diagnostic_lib.report.sections.methods import _section_methods
from diagnostic_lib.report.sections.step1 import _rates

from .conftest import NOW, SAMPLE

# S04 (Parc-industriel, 350 residents) is the tiny sector; two values are bad on purpose
DWELLINGS = {
    "S01": "1 100",
    "S02": "1 300",
    "S03": "1 350",
    "S04": "150",
    "S05": "1 700",
    "S06": "2 200",
    "S07": "n/d",  # unreadable: flagged, no rate on dwellings
    "S08": "2 600",
    "S09": "2 450",
    "S10": "",  # missing: flagged
}


def _sample_with_dwellings(tmp_path, denominators: str, dwellings=DWELLINGS) -> str:
    """The sample copied with a ``logements`` column in its sectors and ``[denominators]``."""
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
    if dwellings is not None:
        sec["logements"] = sec["sector_id"].map(dwellings)
    sec.to_file(tmp_path / "sectors.geojson", driver="GeoJSON")
    toml = (SAMPLE / "diagnostic.toml").read_text(encoding="utf-8")
    toml = toml.replace("[parameters]", f"[denominators]\n{denominators}\n\n[parameters]")
    p = tmp_path / "diagnostic.toml"
    p.write_text(toml, encoding="utf-8")
    return str(p)


@pytest.fixture(scope="module")
def diag(tmp_path_factory):
    folder = tmp_path_factory.mktemp("dwellings")
    config = _sample_with_dwellings(folder, 'burglary = "dwellings"\nproperty = "dwellings"')
    return loaders.load_diagnostic(config, now=NOW)


def test_the_loader_reads_the_base_and_accounts_for_every_bad_value(diag):
    dw = diag.sectors.set_index("sector_id")["dwellings"]
    assert dw["S04"] == 150.0 and dw["S01"] == 1100.0
    assert np.isnan(dw["S07"]) and np.isnan(dw["S10"])
    assert diag.ledger.is_balanced()
    e = diag.ledger.entries
    e = e[e["table"] == "sectors"]
    bad = e[e["column"] == "logements"].set_index("reason")
    assert set(bad.index) == {"value_invalid", "denominator_missing"}
    assert bad.loc["value_invalid", "row"] == 7  # S07, with its file named
    assert bad.loc["denominator_missing", "row"] == 10
    assert (bad["file"] == "sectors.geojson").all()


def test_a_population_table_gives_the_base_and_the_sectors_flag_goes(tmp_path):
    config = _sample_with_dwellings(tmp_path, 'burglary = "dwellings"', dwellings=None)
    table = "secteur;habitants;logements\nS01;2400;1 100\nS02;2900;x\nS03;3000;1 350\n"
    (tmp_path / "census.csv").write_text(table, encoding="utf-8")
    text = (tmp_path / "diagnostic.toml").read_text(encoding="utf-8")
    text = text.replace(
        "[data.incidents]", '[data.population]\npath = "census.csv"\nsep = ";"\n\n[data.incidents]'
    )
    (tmp_path / "diagnostic.toml").write_text(text, encoding="utf-8")
    d = loaders.load_diagnostic(config, now=NOW)
    dw = d.sectors.set_index("sector_id")["dwellings"]
    assert dw["S01"] == 1100.0 and dw["S03"] == 1350.0 and dw[["S02", "S04"]].isna().all()
    e = d.ledger.entries
    bad = e[(e["table"] == "population") & (e["column"] == "logements")]
    assert bad[["row", "reason"]].values.tolist() == [[3, "value_invalid"]]  # the line of the file
    assert d.ledger.is_balanced()


def test_config_errors_name_the_base_the_code_and_the_missing_column(tmp_path):
    with pytest.raises(ConfigError, match="houses"):
        loaders.load_diagnostic(_sample_with_dwellings(tmp_path, 'burglary = "houses"'))
    with pytest.raises(ConfigError, match="burglaries"):
        loaders.load_diagnostic(_sample_with_dwellings(tmp_path, 'burglaries = "dwellings"'))
    with pytest.raises(DataError, match="vehicles.*vehicle_theft"):
        loaders.load_diagnostic(_sample_with_dwellings(tmp_path, 'vehicle_theft = "vehicles"'))


def test_rates_use_the_declared_base_and_say_which(diag):
    r = inventory.rates(
        diag.incidents,
        diag.sectors,
        by="category",
        period=None,
        denominators={"burglary": "dwellings"},
    ).set_index(["sector", "group"])
    s01 = r.loc[("S01", "burglary")]
    assert s01["denominator"] == "dwellings" and s01["base"] == 1100.0
    assert s01["rate"] == pytest.approx(s01["count"] / 1100.0 * 1000)
    assert np.isnan(r.loc[("S07", "burglary"), "rate"])  # no dwellings: no rate, never 0
    theft = r.loc[("S01", "theft")]
    assert theft["denominator"] == "residents" and theft["base"] == 2400.0
    # the municipality: the dwellings of the sectors that have some, and only their incidents
    whole = r.loc[("*", "burglary")]
    has = diag.sectors.loc[diag.sectors["dwellings"] > 0, "sector_id"]
    inside = diag.incidents[diag.incidents["category"] == "burglary"]["sector"].isin(has).sum()
    assert whole["base"] == diag.sectors["dwellings"].sum()
    assert whole["rate"] == pytest.approx(inside / whole["base"] * 1000)
    # a category's family declaration applies to it when it has none of its own
    by_family = inventory.rates(
        diag.incidents,
        diag.sectors,
        by="category",
        period=None,
        denominators={"property": "dwellings"},
    )
    assert set(by_family.loc[by_family["group"] == "theft", "denominator"]) == {"dwellings"}
    with pytest.raises(ValueError, match="different bases"):
        inventory.annual_means(
            inventory.rates(
                diag.incidents, diag.sectors, by="family", denominators={"property": "dwellings"}
            )
        )


def _three_in_tiny_sector(diag) -> pd.DataFrame:
    """The sample's serious traffic offences of the last 12 months, 3 of them in S04 (100 dwellings)."""
    inc = diag.incidents
    start = (inc["occurred_from"].max() - pd.DateOffset(months=11)).replace(day=1)
    recent = inc[(inc["category"] == "traffic") & (inc["occurred_from"] >= start)]
    tiny = recent[recent["sector"] == "S04"]
    assert len(tiny) >= 3
    return pd.concat([recent[recent["sector"] != "S04"], tiny.iloc[:3]])


def test_a_tiny_sector_with_three_events_no_longer_tops_the_table_once_smoothed(diag):
    sectors = diag.sectors.copy()
    sectors.loc[sectors["sector_id"] == "S04", "dwellings"] = 100.0
    events = _three_in_tiny_sector(diag)
    r = inventory.smoothed_rates(
        inventory.recent_rates(
            events, sectors, by="category", denominators={"traffic": "dwellings"}
        )
    )
    r = r[r["sector"] != "*"].set_index("sector")
    assert int(r.loc["S04", "count"]) == 3 and r.loc["S04", "denominator"] == "dwellings"
    assert r["rate"].idxmax() == "S04"  # 30 per 1,000 dwellings on 3 events
    assert r["rate_eb"].idxmax() != "S04"
    assert r["rate_eb"].rank(ascending=False)["S04"] > 1
    shrink = r["shrinkage"].dropna()
    assert shrink.idxmax() == "S04" and 0 <= shrink.min() and shrink.max() <= 1
    assert r.loc[["S07", "S10"], "rate_eb"].isna().all()  # no dwellings: no rate, raw or smoothed
    lead = inventory.rate_leaders(
        inventory.smoothed_rates(
            inventory.recent_rates(
                events, sectors, by="category", denominators={"traffic": "dwellings"}
            )
        )
    )
    names = dict(zip(sectors["sector_id"], sectors["name"], strict=True))
    row = lead.loc[r["group"].iloc[0]]
    assert row["raw"] in (names["S04"], "S04") and row["differ"]  # notebook 01's table


def test_smoothed_rates_match_esda_empirical_bayes(diag):
    esda_smoothing = pytest.importorskip("esda.smoothing")
    inc = diag.incidents[diag.incidents["category"] == "burglary"]
    r = inventory.smoothed_rates(
        inventory.rates(inc, diag.sectors, by="category", period=None, municipality=False)
    )
    y, n = r["count"].to_numpy(float), r["base"].to_numpy(float)
    w, _ = inventory.eb_weights(y, n)
    assert 0 < w.min() < w.max() < 1  # the variance term is positive: esda's case
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")  # esda's own deprecation notices, not ours
        expected = esda_smoothing.Empirical_Bayes(y, n).r.ravel() * 1000
    np.testing.assert_allclose(r["rate_eb"].to_numpy(), expected, rtol=0, atol=1e-9)


def test_smoothing_by_hand_and_the_no_spread_case():
    # hand-computed (Marshall 1991): b = 103/20300, s² = Σ n (r - b)² / Σ n, a = s² - b / n̄
    y, n = np.array([3.0, 40.0, 60.0]), np.array([300.0, 1e4, 1e4])
    b = y.sum() / n.sum()
    s2 = (n * (y / n - b) ** 2).sum() / n.sum()
    a = s2 - b / n.mean()
    hand = a / (a + b / n) * (y / n) + (1 - a / (a + b / n)) * b
    w, prior = inventory.eb_weights(y, n)
    np.testing.assert_allclose(w * y / n + (1 - w) * prior, hand, rtol=0, atol=1e-15)
    # rates that vary no more than chance: a < 0 is clipped, every sector gets the prior mean
    w, prior = inventory.eb_weights(np.array([10.0, 11.0, 9.0]), np.array([1e3, 1e3, 1e3]))
    assert w.tolist() == [0.0, 0.0, 0.0] and prior == pytest.approx(0.01)


@pytest.mark.parametrize(
    ("lang", "words"), [("fr", "par 1 000 logements"), ("en", "per 1,000 dwellings")]
)
def test_the_report_says_per_1000_dwellings_in_both_languages(diag, lang, words):
    assert i18n.label("denominator", "dwellings", lang) == words
    doc = HtmlDocument("t", lang)
    ctx = SectionContext(doc, lang)
    inv = types.SimpleNamespace(
        rates=inventory.rates(
            diag.incidents,
            diag.sectors,
            by="family",
            period="year",
            denominators=diag.config.denominators,
        )
    )
    _rates(ctx, diag, inv)
    _section_methods(ctx, diag)
    text = html.unescape(doc.render()).replace("\xa0", " ").replace("\u202f", " ")
    assert text.count(words) >= 3  # the family table, the categories' table, the methods
    assert i18n.t("report.col.rate_eb", lang) in text
    shown = ctx.tables["rates_recent"]
    fam = shown[(shown["group"] == "property") & (shown["sector"] != "*")]
    assert fam["rate_eb"].is_monotonic_decreasing.__bool__() or fam["rate_eb"].isna().any()
    assert (fam["denominator"] == "dwellings").all()
    assert "rates_recent_categories" in ctx.tables


def test_the_public_report_publishes_no_smoothed_rate(diag):
    """A smoothed rate beside the raw ones gives away the spread of the rates, from which two
    masked counts of a group could be solved for: the public version keeps raw rates only."""
    doc = HtmlDocument("t", "en")
    ctx = SectionContext(doc, "en", public=True)
    inv = types.SimpleNamespace(
        rates=inventory.rates(
            diag.incidents, diag.sectors, by="family", denominators=diag.config.denominators
        )
    )
    _rates(ctx, diag, inv)
    text = html.unescape(doc.render())
    assert i18n.t("report.col.rate_eb", "en") not in text
    assert i18n.t("report.step1.rates_public", "en") in text
    for name in ("rates_recent", "rates_recent_categories"):
        assert not {"rate_eb", "rate_prior", "shrinkage"} & set(ctx.tables[name].columns)


def _stacked_rates(rng, reps, theta, excess_at=None):
    """``reps`` municipalities of 20 sectors of 200 to 20,000 residents, one group each,
    every sector at ``theta`` per 1,000 (one at twice that when ``excess_at`` is given)."""
    pop = np.geomspace(200, 20_000, 20)
    rows = []
    for k in range(reps):
        rate = np.full(20, theta)
        if excess_at is not None:
            rate[excess_at] *= 2
        y = rng.poisson(rate * pop / 1000)
        rows.append(
            pd.DataFrame(
                {
                    "sector": [f"S{i:02d}" for i in range(20)],
                    "group": f"g{k}",
                    "period": "all",
                    "denominator": "residents",
                    "count": y,
                    "base": pop,
                    "rate": y / pop * 1000,
                }
            )
        )
    return pd.concat(rows, ignore_index=True)


def test_rate_leaders_name_no_leader_where_the_rates_differ_by_chance_alone():
    """Held-out: every sector at the same rate, populations 200 to 20,000: a leader was
    named in every municipality, a small sector (the raw leader, by the tie rule) in 70 %
    of those where smoothing gave every sector the overall rate, and said to agree with
    the raw ranking. Now none leads there, and 'stands out' is a test (Bonferroni)."""
    rng = np.random.default_rng(3)
    lead = inventory.rate_leaders(inventory.smoothed_rates(_stacked_rates(rng, 400, 10.0)))
    assert lead["smoothed"].isna().mean() >= 0.5  # every sector fully shrunk
    assert lead["stands_out"].mean() <= 0.05
    assert not lead.loc[lead["smoothed"].isna(), "differ"].any()
    # a sector of median size at twice the rate stands out and leads
    excess = inventory.rate_leaders(
        inventory.smoothed_rates(_stacked_rates(rng, 200, 10.0, excess_at=10))
    )
    assert (excess["smoothed"] == "S10").mean() >= 0.85 and excess["stands_out"].mean() >= 0.8
