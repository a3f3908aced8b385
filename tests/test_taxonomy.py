"""Foreign category labels without copying the taxonomy (issue 15).

``[taxonomy.aliases]`` and ``[taxonomy] categories`` map a user's labels onto the
codes; ``validate`` lists the labels left without a code; a measure whose target
category has no code is kept, flagged and not evaluated on every category.
"""

from __future__ import annotations

import pandas as pd
import pytest

from diagnostic_lib import cli, loaders, taxonomy
from diagnostic_lib.errors import ConfigError
from diagnostic_lib.evaluation import decide_verdict, verdict_text, windows

from .conftest import SAMPLE

INCIDENTS = """date,category
2024-01-02,Vol dans véhicule
2024-01-03,vol dans vehicule
2024-01-04,Anti-social behaviour
2024-01-05,Méfait
2024-01-06,Bizarre
2024-01-07,Bizarre
"""

MEASURES = """id,nom,pilier,debut,empreinte,cibles,Catégories visées
M1,Patrouille,prevention,2024-06-01,toute la ville,Vol dans véhicule,Vol dans véhicule
M2,Éclairage,prevention,2024-06-01,toute la ville,Méfait,Méfait
"""


def _config(tmp_path, taxonomy_toml: str = "", categories: str | None = None):
    (tmp_path / "incidents.csv").write_text(INCIDENTS, encoding="utf-8")
    (tmp_path / "measures.csv").write_text(MEASURES, encoding="utf-8")
    if categories is not None:
        (tmp_path / "categories.csv").write_text(categories, encoding="utf-8")
    sectors = (SAMPLE / "sectors.geojson").as_posix()
    p = tmp_path / "diagnostic.toml"
    p.write_text(
        f'[municipality]\nname = "X"\n[diagnostic]\nlanguage = "en"\n'
        f'[data.sectors]\npath = "{sectors}"\n[data.incidents]\npath = "incidents.csv"\n'
        f'[data.measures]\npath = "measures.csv"\n{taxonomy_toml}',
        encoding="utf-8",
    )
    return p


def _categories(d) -> list[str]:
    return d.incidents.sort_values("occurred_from")["category"].tolist()


def test_without_aliases_the_labels_are_other(tmp_path):
    d = loaders.load_diagnostic(_config(tmp_path))
    assert _categories(d) == ["other", "other", "other", "mischief", "other", "other"]


def test_aliases_from_the_config_table_and_the_categories_file(tmp_path):
    toml = (
        '[taxonomy]\ncategories = "categories.csv"\n'
        '[taxonomy.aliases]\n"Vol dans véhicule" = "theft_from_vehicle"\n'
    )
    # the file as `init` will write it: an empty code is a label not mapped yet
    cats = (
        "source_label,code,count,suggestion\n"
        "Anti-social behaviour,disturbance,1,\n"
        "Bizarre,,2,other\n"
    )
    d = loaders.load_diagnostic(_config(tmp_path, toml, cats))
    assert _categories(d) == [
        "theft_from_vehicle",
        "theft_from_vehicle",
        "disturbance",
        "mischief",
        "other",
        "other",
    ]
    assert d.incidents["family"].iloc[0] == "property"
    # the measure's target maps too: it is evaluable again
    m = d.measures.set_index("measure_id")
    assert m.loc["M1", "target_categories"] == ("theft_from_vehicle",)
    assert not m["targets_unmapped"].any()


def test_the_config_table_wins_over_the_file_and_over_the_taxonomy(tmp_path):
    toml = (
        '[taxonomy]\ncategories = "categories.csv"\n'
        # "Méfait" is the taxonomy's own French label of mischief
        '[taxonomy.aliases]\n"Bizarre" = "disturbance"\n"Méfait" = "disturbance"\n'
    )
    cats = "source_label,code\nBizarre,fraud\n"
    tax = taxonomy.load_taxonomy()
    d = loaders.load_diagnostic(_config(tmp_path, toml, cats))
    cats_by_label = dict(zip(d.incidents["category_label"], d.incidents["category"], strict=True))
    assert cats_by_label["Bizarre"] == "disturbance"
    assert cats_by_label["Méfait"] == "disturbance"
    # the taxonomy passed in is left as it was
    assert taxonomy.lookup_categories(["Méfait"], tax).tolist() == ["mischief"]


def test_a_code_not_in_the_taxonomy_is_a_config_error_with_close_codes(tmp_path):
    toml = '[taxonomy.aliases]\n"Vol dans véhicule" = "theft_from_vehicule"\n'
    with pytest.raises(ConfigError) as err:
        loaders.load_diagnostic(_config(tmp_path, toml))
    message = str(err.value)
    assert '[taxonomy.aliases] "Vol dans véhicule"' in message
    assert "'theft_from_vehicule'" in message and "'theft_from_vehicle'" in message


def test_a_bad_code_in_the_categories_file_names_its_row(tmp_path):
    toml = '[taxonomy]\ncategories = "categories.csv"\n'
    cats = "source_label,code\nBizarre,,\nAnti-social behaviour,disturbanse\n"
    with pytest.raises(ConfigError, match=r"categories\.csv, row 3.*'disturbance'"):
        loaders.load_diagnostic(_config(tmp_path, toml, cats))


@pytest.mark.parametrize(
    ("toml", "cats", "match"),
    [
        ('[taxonomy]\ncategories = "categories.csv"\n', "label,code\nx,theft\n", "source_label"),
        ('[taxonomy]\ncategories = "missing.csv"\n', None, r"\[taxonomy\] categories"),
        ("[taxonomy]\naliases = 3\n", None, "aliases"),
        ('[taxonomy.aliases]\n"Vol" = 3\n', None, '"Vol"'),
    ],
)
def test_ill_formed_aliases_are_config_errors(tmp_path, toml, cats, match):
    with pytest.raises(ConfigError, match=match):
        loaders.load_diagnostic(_config(tmp_path, toml, cats))


def test_unmatched_categories_counts_and_suggests():
    values = pd.Series(["Vol dans véhicule", "VOL DANS VEHICULE", "Zzz", "Méfait", "", None])
    u = taxonomy.unmatched_categories(values)
    assert u["value"].tolist() == ["Vol dans véhicule", "Zzz"]
    assert u["count"].tolist() == [2, 1]
    assert u["suggestions"].iloc[0][0] == "theft_from_vehicle"
    assert 1 <= len(u["suggestions"].iloc[0]) <= taxonomy.SUGGESTIONS
    assert u["suggestions"].iloc[1] == ()
    # once mapped, nothing is left
    tax = taxonomy.with_aliases(taxonomy.load_taxonomy(), {"Vol dans véhicule": "theft"})
    assert taxonomy.unmatched_categories(values, tax)["value"].tolist() == ["Zzz"]


def test_a_measure_with_an_unknown_target_is_kept_flagged_and_not_evaluable():
    df = pd.DataFrame(
        {
            "id": ["M1", "M2"],
            "nom": ["Patrouille", "Éclairage"],
            "pilier": ["prevention", "prevention"],
            "debut": ["2024-06-01", "2024-06-01"],
            "empreinte": ["toute la ville", "toute la ville"],
            "cibles": ["Vol dans véhicule;Méfait", "Méfait"],
        }
    )
    m, led = loaders.load_measures(df)
    assert m["measure_id"].tolist() == ["M1", "M2"]
    assert m["targets_unmapped"].tolist() == [True, False]
    assert m["target_categories"].tolist() == [("mischief",), ("mischief",)]
    assert m["target_categories_unmapped"].tolist() == [("Vol dans véhicule",), ()]
    e = led.entries
    hit = e[e["reason"] == "target_category_unknown"]
    assert hit["row"].tolist() == [1] and hit["action"].tolist() == ["flagged"]
    assert hit["value"].tolist() == ["Vol dans véhicule"]
    assert "[taxonomy.aliases]" in hit["detail"].iloc[0]

    # step 3: not evaluable, first for that reason, whatever else holds
    m = pd.DataFrame(m).assign(footprint="polygon", geometry=["x", "x"])
    w = windows(m, "2022-01-01", "2026-01-01")
    assert w["status"].tolist() == ["not_evaluable", "evaluable"]
    assert w["reason"].tolist() == ["targets_unmapped", ""]
    est = w.assign(target_categories_unmapped=m["target_categories_unmapped"])
    verdict = decide_verdict(est)
    assert verdict[0] == "not_evaluable"
    one = est.iloc[[0]].assign(verdict=verdict[:1])
    assert "target categories not mapped: 'Vol dans véhicule'" in verdict_text(one, "en").iloc[0]
    assert "catégories ciblées non associées" in verdict_text(one, "fr").iloc[0]


def test_an_unused_measures_column_is_noted(tmp_path):
    d = loaders.load_diagnostic(_config(tmp_path))
    notes = d.ledger.notes("en")
    mine = notes.loc[notes["table"] == "measures", "note"].tolist()
    assert any("not used" in n and "Catégories visées" in n for n in mine), mine
    others = notes.loc[notes["table"] != "measures", "note"]
    assert not others.str.contains("not used").any()


def test_validate_prints_the_unmatched_labels(tmp_path, capsys):
    assert cli.main(["validate", "--config", str(_config(tmp_path))]) == 0
    out = capsys.readouterr().out
    assert "incidents.csv: 3 category label(s) without a code" in out
    lines = out.splitlines()
    start = next(i for i, x in enumerate(lines) if x.startswith("incidents.csv: 3"))
    rows = lines[start + 2 : start + 5]
    # most frequent first, with the closest codes and their labels
    assert "Vol dans véhicule" in rows[0] or "Bizarre" in rows[0]
    assert "Anti-social behaviour" in rows[2]
    vol = next(r for r in rows if "Vol dans véhicule" in r)
    assert "theft_from_vehicle (Theft from a motor vehicle)" in vol
    assert "measures.csv: 1 target categor(y/ies) without a code" in out
