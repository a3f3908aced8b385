"""The packaged UCR2 code table: Statistics Canada violation codes mapped to the taxonomy.

``data/ucr2.csv`` maps UCR2 violation codes (``1430``…) to the taxonomy's codes and
``data/ucr2.toml`` names its sources; ``[taxonomy] categories = "ucr2"`` selects it.
"""

from __future__ import annotations

import tomllib
from importlib import resources

import pandas as pd
import pytest

from diagnostic_lib import config, taxonomy
from diagnostic_lib.errors import ConfigError

DATA = resources.files("diagnostic_lib") / "data"


def _manifest() -> dict:
    return tomllib.loads((DATA / "ucr2.toml").read_text(encoding="utf-8"))


def _ucr_taxonomy(categories=("ucr2",), aliases=None) -> pd.DataFrame:
    cfg = config.config_from_dict(
        {"taxonomy": {"categories": list(categories), "aliases": aliases or {}}}
    )
    return taxonomy.with_aliases(
        taxonomy.load_taxonomy(), cfg.category_aliases, cfg.category_alias_where
    )


def test_the_manifest_names_its_sources():
    m = _manifest()
    assert m["name"] == "ucr2" and "Statistics Canada" in m["publisher"]
    for key, ev in m["evidence"].items():
        assert ev["title"] and ev["publisher"] == "Statistics Canada", key
        assert ev["url"].startswith("https://www150.statcan.gc.ca/"), key
        assert ev["years"] and ev["checked"], key
    assert "35-10-0177-01" in m["evidence"]["t177"]["title"]
    t181 = m["evidence"]["t181"]
    assert "35-10-0181-01" in t181["title"] and "10.25318/3510018101" in t181["doi"]
    assert "jdallmann/winnipegr" in t181["read_from"] and "yrly_crime_2018" in t181["read_from"]
    assert m["french"]["urls"] and m["mapping"]["rule"]


def test_every_row_cites_the_extract_it_was_read_from():
    t = taxonomy.load_code_table("ucr2").set_index("source_label")
    assert len(t) >= 250
    assert (t["evidence"] == "t181").sum() == len(t) - 1
    assert t.loc["2135", "evidence"] == "monthly"
    # the names of Statistics Canada's members, not those of a source that got codes wrong
    # ("Sexual assault, level 1 [1610]", "Extortion [3410]", "Identity theft [2162]"...)
    assert t.loc["1610", "label_en"] == "Robbery"
    assert t.loc["1330", "label_en"] == "Sexual assault, level 1"
    assert t.loc["1620", "label_en"] == "Extortion"
    assert t.loc["3410", "label_en"] == "Fail to comply with order"
    assert t.loc["2165", "label_en"] == "Identity theft"
    assert t.loc["9110", "label_en"] == "Dangerous operation, causing death"
    assert not {"2162", "2163"} & set(t.index)  # codes only that source gave


def test_no_label_of_the_table_takes_a_label_from_another_code():
    """A mapped row's names become aliases: none may move a taxonomy label elsewhere."""
    tax = taxonomy.load_taxonomy()
    mapping, _ = taxonomy.code_table_aliases("ucr2")
    ucr = _ucr_taxonomy()
    for code, row in tax.iterrows():
        labels = [row["label_fr"], row["label_en"], *row["aliases"]]
        got = taxonomy.lookup_categories(labels, ucr)
        assert set(got) == {code}, (code, dict(zip(labels, got, strict=True)))
    # and no two rows of the table give one label (once normalised) two codes
    got = taxonomy.lookup_categories(list(mapping), ucr)
    assert got.tolist() == list(mapping.values())


def test_the_table_is_well_formed_and_maps_to_codes_of_the_taxonomy():
    t = taxonomy.load_code_table("ucr2")
    assert list(t.columns) == list(taxonomy.CODE_TABLE_COLUMNS)
    assert t["source_label"].str.fullmatch(r"\d{4}").all()
    assert t["source_label"].is_unique and t["source_label"].is_monotonic_increasing
    assert (t["label_en"].str.strip() != "").all()
    tax = taxonomy.load_taxonomy()
    mapped = t.loc[t["code"] != "", "code"]
    assert set(mapped) <= set(tax.index) - {"other"}
    assert set(t["evidence"]) <= set(_manifest()["evidence"])
    # codes that could not be verified are left out, not guessed
    assert not set(_manifest()["left_out"]["codes"]) & set(t["source_label"])


@pytest.mark.parametrize(
    ("label", "code"),
    [
        ("1430", "assault"),
        ("1420", "assault_armed"),
        ("2120", "burglary"),
        ("2135", "vehicle_theft"),
        ("2142", "theft_from_vehicle"),
        ("2143", "theft"),
        ("2160", "fraud"),
        ("1120", "homicide"),
        ("1150", "homicide"),
        ("1610", "robbery"),
        ("Vol qualifié", "robbery"),
        ("2121", "burglary"),
        ("2132", "theft_from_vehicle"),
        ("2140", "theft"),
        ("Vol de 5 000 $ et moins", "theft"),
        ("2170 - Méfait", "mischief"),
        ("Mischief [2170]", "mischief"),
        ("2166", "fraud"),
        ("3430", "disturbance"),
        ("4120", "drugs"),
        ("4911", "drugs"),
        ("9230", "traffic"),
        ("9133", "traffic"),
        ("1430 - Voies de fait niveau 1", "assault"),
        ("2142-VOL DANS VEHICULE", "theft_from_vehicle"),
        ("Breaking and entering [2120]", "burglary"),
        (" 2135 ", "vehicle_theft"),
        ("Voies de fait simples (niveau 1)", "assault"),
    ],
)
def test_known_codes_map_without_a_user_mapping(label, code):
    assert taxonomy.lookup_categories([label], _ucr_taxonomy()).tolist() == [code]


def test_codes_without_an_equivalent_fall_to_other_and_are_listed():
    tax = _ucr_taxonomy()
    labels = ["1627", "1627", "1330", "9999 Inconnu", "1430", "2130", "2110", "1620", "1410"]
    got = taxonomy.lookup_categories(labels, tax).tolist()
    assert got == ["", "", "", "", "assault", "", "", "", ""]
    u = taxonomy.unmatched_categories(labels, tax)
    assert u[["value", "count"]].values.tolist()[:2] == [["1627", 2], ["1330", 1]]
    assert set(u["value"]) == {"1627", "1330", "9999 Inconnu", "2130", "2110", "1620", "1410"}
    # a number is never "close" to another code: no suggestion for a bare code
    assert u.set_index("value").loc["1627", "suggestions"] == ()


def test_without_the_table_codes_are_unknown():
    assert taxonomy.lookup_categories(["1430"]).tolist() == [""]


def test_a_later_categories_entry_and_the_aliases_win(tmp_path):
    cats = tmp_path / "categories.csv"
    cats.write_text("source_label,code\n1430,assault_armed\n", encoding="utf-8")
    cfg = config.config_from_dict(
        {"taxonomy": {"categories": ["ucr2", str(cats)], "aliases": {"1627": "assault"}}}
    )
    assert cfg.category_aliases["1430"] == "assault_armed"
    assert cfg.category_aliases["1627"] == "assault"
    assert cfg.category_aliases["2120"] == "burglary"
    assert cfg.category_alias_where["2120"] == "ucr2.csv (packaged), row 71"


def test_an_unknown_code_table_name_is_a_path_that_must_exist():
    with pytest.raises(ConfigError, match="categories"):
        config.config_from_dict({"taxonomy": {"categories": "ucr3"}})
    with pytest.raises(ConfigError, match="ucr2"):
        taxonomy.load_code_table("ucr3")
