"""Foreign category names end to end, without a line of code: init → validate → report.

Two real-world shapes (issue 15):

- a Québec town's export with French category names, one of which the taxonomy does
  not know ("Vol dans véhicule"), and a measures file whose ``categorie_visee`` names
  a category no code claims ("Vol de vélo"): the label is mapped by filling in the
  ``categories.csv`` that ``init`` wrote, and the measure stays "not evaluable";
- an export coded with Statistics Canada UCR2 violation codes (``1430``,
  ``2142 - Vol dans/sur véhicule``…): ``init`` selects the packaged ``ucr2`` table, so
  the codes map without any user mapping; a code without an equivalent is "other" and
  listed by ``validate``.
"""

from __future__ import annotations

import html
import re
from pathlib import Path

import numpy as np
import pandas as pd
import pytest

from diagnostic_lib import cli
from diagnostic_lib.loaders import load_diagnostic

from .conftest import NOW

pytestmark = pytest.mark.slow

FRENCH = {
    "Vol dans véhicule": 0.9,
    "Méfait": 0.7,
    "Introduction par effraction": 0.5,
    "Vol de véhicule": 0.3,
    "Voies de fait": 0.3,
}
UCR = {
    "1430": 0.6,
    "2142 - Vol dans/sur véhicule": 0.9,
    "2120": 0.5,
    "2135": 0.3,
    "1627": 0.2,
}


def _export(path: Path, rates: dict[str, float], category_column: str, seed: int) -> None:
    """Three years of located incidents in MTM zone 8 (EPSG:32188), one row per event."""
    rng = np.random.default_rng(seed)
    days = pd.date_range("2022-01-01", "2024-12-31", freq="D")
    frames = []
    for label, per_day in rates.items():
        when = np.repeat(days.to_numpy(), rng.poisson(per_day, len(days)))
        k = len(when)
        hot = rng.random(k) < 0.35
        x = np.where(hot, rng.normal(301500, 120, k), rng.uniform(299000, 304000, k))
        y = np.where(hot, rng.normal(5042500, 120, k), rng.uniform(5040000, 5045000, k))
        stamp = pd.to_datetime(when) + pd.to_timedelta(rng.integers(0, 1440, k), unit="min")
        frames.append(
            pd.DataFrame(
                {
                    "DATE_EVENEMENT": stamp.strftime("%Y-%m-%d %H:%M"),
                    category_column: label,
                    "X": x.round(1),
                    "Y": y.round(1),
                }
            )
        )
    out = pd.concat(frames).sort_values("DATE_EVENEMENT").reset_index(drop=True)
    out.insert(0, "NO_DOSSIER", [f"D{i:06d}" for i in range(len(out))])
    out.to_csv(path, index=False, sep=";", encoding="utf-8")


MEASURES = """id;nom;pilier;debut;empreinte;categorie_visee
M1;Patrouille à vélo;prevention;2024-03-01;toute la ville;Vol de vélo
M2;Brigade anti-graffiti;prevention;2024-03-01;toute la ville;Méfait
"""


def _words(page: Path) -> str:
    text = html.unescape(page.read_text(encoding="utf-8"))
    text = re.sub(r"<(script|style)[^>]*>.*?</\1>", " ", text, flags=re.S)
    return re.sub(r"\s+", " ", re.sub(r"<[^>]+>", " ", text))


def _init(root: Path, extra: list[str]) -> Path:
    out = root / "diag"
    args = ["init", "--incidents", str(root / "incidents.csv"), "--grid-m", "500"]
    code = cli.main([*args, *extra, "--out", str(out)])
    assert code in (0, 3)  # 3: labels still to map, said by validate
    return out / "diagnostic.toml"


def _report(cfg: Path, out: Path, lang: str) -> str:
    args = ["report", "--config", str(cfg), "--out", str(out), "--lang", lang, "--no-notebooks"]
    assert cli.main(args) == 0
    return _words(out / "index.html")


# --- a Québec town: French names that need mapping, a measure with an unmapped target --


@pytest.fixture(scope="module")
def quebec(tmp_path_factory):
    root = tmp_path_factory.mktemp("quebec_town")
    _export(root / "incidents.csv", FRENCH, "CATEGORIE", seed=3)
    (root / "mesures.csv").write_text(MEASURES, encoding="utf-8")
    cfg = _init(root, ["--measures", str(root / "mesures.csv")])
    return root, cfg


def test_validate_lists_the_unknown_french_name_with_its_suggestion(quebec, capsys):
    root, cfg = quebec
    cats = pd.read_csv(cfg.parent / "categories.csv", dtype=str, keep_default_na=False)
    row = cats.set_index("source_label").loc["Vol dans véhicule"]
    assert row["code"] == "" and row["suggestion"] == "theft_from_vehicle"
    assert cats.set_index("source_label").loc["Méfait", "code"] == "mischief"
    capsys.readouterr()
    assert cli.main(["validate", "--config", str(cfg)]) in (0, 3)
    said = capsys.readouterr().out
    assert "Vol dans véhicule" in said and "theft_from_vehicle" in said
    assert "Vol de vélo" in said  # the measure's target without a code


def test_filled_in_categories_map_and_the_unmapped_target_is_not_evaluable(quebec, tmp_path):
    root, cfg = quebec
    # the analyst's only step: accept the suggestion in categories.csv (no code)
    cats_path = cfg.parent / "categories.csv"
    cats = pd.read_csv(cats_path, dtype=str, keep_default_na=False)
    cats.loc[cats["code"] == "", "code"] = cats["suggestion"]
    cats.to_csv(cats_path, index=False)
    d = load_diagnostic(cfg, now=NOW)
    raw = pd.read_csv(root / "incidents.csv", sep=";", dtype=str)
    n_vdv = int((raw["CATEGORIE"] == "Vol dans véhicule").sum())
    assert int((d.incidents["category"] == "theft_from_vehicle").sum()) == n_vdv
    assert not (d.incidents["category"] == "other").any()
    m = d.measures.set_index("measure_id")
    assert bool(m.loc["M1", "targets_unmapped"]) and m.loc["M1", "target_categories"] == ()
    assert m.loc["M2", "target_categories"] == ("mischief",)
    for lang, verdict in (("fr", "Non évaluable"), ("en", "Not evaluable")):
        words = _report(cfg, tmp_path / lang, lang)
        assert "Vol de vélo" in words
        assert verdict in words
        at = words.find("Patrouille à vélo")
        assert at >= 0
        # M1 is never given a verdict of effect
        near = words[at : at + 400].lower()
        assert not re.search(r"\b(effective|efficace|ineffective|inefficace)\b", near)


# --- a UCR2-coded export: codes map without a user mapping ------------------------------


@pytest.fixture(scope="module")
def ucr(tmp_path_factory):
    root = tmp_path_factory.mktemp("ucr_town")
    _export(root / "incidents.csv", UCR, "CODE_DUC", seed=4)
    return root, _init(root, ["--lang", "en"])


def test_init_selects_the_packaged_ucr2_table(ucr):
    _, cfg = ucr
    assert 'categories = ["ucr2", "categories.csv"]' in cfg.read_text(encoding="utf-8")


def test_ucr_codes_map_without_a_user_mapping(ucr, capsys):
    root, cfg = ucr
    d = load_diagnostic(cfg, now=NOW)
    raw = pd.read_csv(root / "incidents.csv", sep=";", dtype=str)["CODE_DUC"]
    got = d.incidents["category"]
    expected = {
        "1430": "assault",
        "2142 - Vol dans/sur véhicule": "theft_from_vehicle",
        "2120": "burglary",
        "2135": "vehicle_theft",
        "1627": "other",
    }
    for code, category in expected.items():
        assert int((got == category).sum()) == int((raw == code).sum()), code
    capsys.readouterr()
    cli.main(["validate", "--config", str(cfg)])
    said = capsys.readouterr().out
    assert "1627" in said  # uttering threats: no equivalent, listed
    assert "1430" not in said and "2120" not in said


def test_the_ucr_report_names_categories_not_codes(ucr, tmp_path):
    _, cfg = ucr
    words = _report(cfg, tmp_path / "en", "en")
    assert "Theft from a motor vehicle" in words or "Break and enter" in words
    assert not re.search(r"\b(1430|2120|2135|2142)\b", words)
