"""A user's own taxonomy: its labels, never its codes, in titles, tables, legends and text.

A small synthetic town whose export has a category the packaged taxonomy lacks
(sexual offences) runs ``init → validate → report`` with a taxonomy of its own that
adds ``violence_sexual`` (labelled "Violence sexuelle" / "Sexual violence"). No page
of the report, in either language, and no problem title may show the raw code (the
issue saw "violence_sexual rising").
"""

from __future__ import annotations

import html
import re
from importlib import resources

import numpy as np
import pandas as pd
import pytest

from diagnostic_lib import cli, inventory
from diagnostic_lib.loaders import load_diagnostic

from .conftest import NOW

pytestmark = pytest.mark.slow

CODE = "violence_sexual"
ROW = f"{CODE},violent,Violence sexuelle,Sexual violence,violence,Sexual offences|Infractions sexuelles"


def _export(path) -> None:
    """Three years of incidents around a small town, sexual offences rising in one corner."""
    rng = np.random.default_rng(11)
    days = pd.date_range("2022-01-01", "2024-12-31", freq="D")
    frames = []
    for label, per_day, hot in (
        ("Burglary", 1.2, 0.3),
        ("Theft", 1.5, 0.2),
        ("Sexual offences", 0.4, 0.6),
    ):
        n = rng.poisson(per_day, len(days))
        when = np.repeat(days.to_numpy(), n)
        if label == "Sexual offences":  # rising: keep more of the later days
            keep = rng.random(len(when)) < np.linspace(0.3, 1.0, len(when))
            when = when[keep]
        k = len(when)
        near = rng.random(k) < hot
        lon = np.where(near, rng.normal(-73.560, 0.0015, k), rng.uniform(-73.60, -73.52, k))
        lat = np.where(near, rng.normal(45.500, 0.0015, k), rng.uniform(45.47, 45.53, k))
        hours = rng.integers(0, 24, k)
        stamp = pd.to_datetime(when) + pd.to_timedelta(hours, unit="h")
        frames.append(
            pd.DataFrame(
                {
                    "Date": stamp.strftime("%Y-%m-%d %H:%M"),
                    "Longitude": lon.round(6),
                    "Latitude": lat.round(6),
                    "Crime type": label,
                }
            )
        )
    out = pd.concat(frames).sort_values("Date").reset_index(drop=True)
    out.insert(0, "Incident", [f"I{i:05d}" for i in range(len(out))])
    out.to_csv(path, index=False)


@pytest.fixture(scope="module")
def town(tmp_path_factory):
    root = tmp_path_factory.mktemp("custom_taxonomy_town")
    _export(root / "incidents.csv")
    out = root / "diag"
    code = cli.main(
        ["init", "--incidents", str(root / "incidents.csv"), "--grid-m", "500", "--out", str(out)]
    )
    assert code in (0, 3)
    data = resources.files("diagnostic_lib") / "data"
    tax = data.joinpath("taxonomy.csv").read_text(encoding="utf-8").rstrip("\n")
    (out / "taxonomy.csv").write_text(f"{tax}\n{ROW}\n", encoding="utf-8")
    weights = data.joinpath("severity_weights.csv").read_text(encoding="utf-8").rstrip("\n")
    (out / "severity.csv").write_text(f"{weights}\n{CODE},150,local,test\n", encoding="utf-8")
    cfg = out / "diagnostic.toml"
    text = cfg.read_text(encoding="utf-8").replace(
        "\n[taxonomy]\n",
        '\n[severity]\npath = "severity.csv"\n\n[taxonomy]\npath = "taxonomy.csv"\n',
    )
    cfg.write_text(text, encoding="utf-8")
    assert cli.main(["validate", "--config", str(cfg)]) in (0, 3)
    return cfg


def test_the_custom_category_is_loaded_with_its_code(town):
    d = load_diagnostic(town, now=NOW)
    assert (d.incidents["category"] == CODE).sum() > 150
    assert d.taxonomy.loc[CODE, "label_en"] == "Sexual violence"


def test_problem_titles_use_the_label(town):
    problems = inventory.run(load_diagnostic(town, now=NOW)).problems
    text = problems.select_dtypes(include=["object", "string"]).astype(str)
    assert text.apply(lambda c: c.str.contains("Sexual violence|Violence sexuelle")).any().any()
    for col in [c for c in text.columns if "title" in c or "summary" in c or "label" in c]:
        assert not text[col].str.contains(CODE).any(), (col, text[col].tolist())


@pytest.mark.parametrize("lang", ["fr", "en"])
def test_no_page_of_the_report_shows_the_code(town, tmp_path, lang):
    out = tmp_path / f"report_{lang}"
    args = ["report", "--config", str(town), "--out", str(out), "--lang", lang, "--no-notebooks"]
    assert cli.main(args) == 0
    label = "Violence sexuelle" if lang == "fr" else "Sexual violence"
    seen = False
    for page in out.rglob("*.html"):
        text = html.unescape(page.read_text(encoding="utf-8"))
        words = re.sub(r"<(script|style)[^>]*>.*?</\1>", " ", text, flags=re.S)
        words = re.sub(r"<[^>]+>", " ", words)
        assert CODE not in words, f"{page.name}: {words[max(0, words.find(CODE) - 80) :][:200]}"
        seen = seen or label in words
    assert seen
    # the workbooks' readable columns too (the code columns are data, kept as codes)
    for book in ("tables.xlsx", "plan.xlsx"):
        for sheet, frame in pd.read_excel(out / book, sheet_name=None).items():
            for col in frame.columns:
                if "categor" in str(col).lower() or "code" in str(col).lower():
                    continue
                cells = frame[col].astype(str)
                assert not cells.str.contains(CODE).any(), (book, sheet, col)
