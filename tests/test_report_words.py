"""Words, not codes, in one language; numbers as people write them; no machine paths (issue 16).

The four reports of the sample (French and English, internal and public) are
written once for the module; every test reads their visible text (tags,
scripts and styles stripped; attribute values are not text).
"""

from __future__ import annotations

import re
from html.parser import HTMLParser
from pathlib import Path

import pandas as pd
import pytest

from diagnostic_lib import (
    evaluation,
    i18n,
    inventory,
    loaders,
    measures,
    report,
    strategy,
    taxonomy,
)

from .conftest import NOW, ROOT, SAMPLE

COMBOS = [(lang, aud) for lang in ("fr", "en") for aud in ("internal", "public")]

COMPANIONS = re.compile(r"[\w./-]+\.(?:csv|xlsx|json|toml|html|ipynb|geojson|gpkg|png)\b")
"""File names of the files written beside the report (named in its text, not codes)."""
SNAKE = re.compile(r"\b[a-z][a-z0-9]*(?:_[a-z0-9]+)+\b")
SOFTWARE = {"diagnostic_lib"}  # the software's own name, as it is installed
BAD_VALUES = re.compile(r"<NA>|\bNone\b|\bnan\b|\bNaN\b|\bTrue\b|\bFalse\b|\bNaT\b")
SCIENTIFIC = re.compile(r"(?<![\w-])\d+(?:[.,]\d+)?[eE][-+]?\d+\b")
DECIMAL_POINT = re.compile(r"(?<![\d.])\d+\.\d+(?![\d.])")
UNGROUPED = re.compile(r"(?<![\d\w/.:-])\d{5,}(?![\d\w-])")
HASH_ID = re.compile(r"\bP[BG]-[0-9A-Za-z]{3,}\b")

OTHER_LANGUAGE = {
    # what each report must not contain: common words of the other language
    "fr": re.compile(
        r"\b(?:the|and|of|with|without|low cost|high cost|unit|months?|two-sided|rate|"
        r"severity|trend|hotspot|concern|vulnerability|yes|no)\b"
    ),
    "en": re.compile(
        r"\b(?:et|les|des|pour|avec|dans|sans|mois|coût|étape|élevée?|faible|une|selon|"
        r"oui|non|taux)\b|étape/s"
    ),
}


class _Visible(HTMLParser):
    """The text a reader sees: no script, style or attribute; citations kept apart."""

    BLOCKS = {"p", "li", "tr", "div", "h1", "h2", "h3", "h4", "br", "figcaption", "summary"}

    def __init__(self) -> None:
        super().__init__()
        self.skip = 0
        self.cite = 0
        self.parts: list[str] = []
        self.cells: list[str] = []
        self.in_cell = False

    def handle_starttag(self, tag, attrs):
        if tag in ("script", "style"):
            self.skip += 1
        elif tag == "cite":
            self.cite += 1
        elif tag in ("td", "th"):
            self.in_cell = True
            self.cells.append("")
        if tag in self.BLOCKS or tag in ("td", "th"):
            self.parts.append("\n")

    def handle_endtag(self, tag):
        if tag in ("script", "style"):
            self.skip -= 1
        elif tag == "cite":
            self.cite -= 1
        elif tag in ("td", "th"):
            self.in_cell = False

    def handle_data(self, data):
        if self.skip or self.cite:
            return  # a cited title keeps its own language
        self.parts.append(data)
        if self.in_cell:
            self.cells[-1] += data


def visible(path: Path) -> tuple[str, list[str]]:
    """The visible text of a report (one block a line) and the text of its table cells."""
    p = _Visible()
    p.feed(path.read_text(encoding="utf-8"))
    text = re.sub(r"[ \t\xa0\u202f]+", lambda m: m.group(0)[0], "".join(p.parts))
    return text, [c.strip() for c in p.cells]


@pytest.fixture(scope="module")
def steps():
    d = loaders.load_diagnostic(SAMPLE / "diagnostic.toml", now=NOW)
    inv = inventory.run(d)
    s2 = measures.run(d, inv.problems, priority=inv.priority)
    s3 = evaluation.run(d, inv.problems, priority=inv.priority, knox=inv.knox)
    s4 = strategy.run(d, inv, current=strategy.current_from_steps(d, s2, s3))
    return d, inv, s2, s3, s4


@pytest.fixture(scope="module")
def reports(steps, tmp_path_factory):
    out = {}
    for lang, audience in COMBOS:
        folder = tmp_path_factory.mktemp(f"words_{lang}_{audience}")
        out[(lang, audience)] = report.write_report(
            *steps, out=folder, lang=lang, audience=audience
        )
    return out


def proper_names(diag, lang: str) -> list[str]:
    """Names of places, sectors, partners and the municipality (they keep their language)."""
    names = {diag.config.municipality}
    names |= set(diag.sectors["name"].astype(str))
    if diag.places is not None:
        names |= set(diag.places["name"].dropna().astype(str))
    if diag.partners is not None:
        col = "name" if lang == "fr" else "name_en"
        names |= set(diag.partners[col].astype(str))
    return sorted((n for n in names if n), key=len, reverse=True)


def _lines(text: str, pattern: re.Pattern) -> list[str]:
    return sorted({ln.strip()[:160] for ln in text.splitlines() if pattern.search(ln)})


CODES = {
    "property",
    "violent",
    "disorder",
    "traffic",
    "fraud_cyber",
    "bar",
    "parking",
    "transit_stop",
    "school",
    "park",
    "trust",
    "caution",
    "do_not_trust",
    "sectors",
    "municipality",
    "measures",
    "partners",
    "survey",
    "places",
    "flagged",
    "rejected",
    "repaired",
}
"""Codes of families, place kinds, trust levels, tables and ledger actions (never a cell)."""


def check_no_code(path: Path, categories: set[str]) -> None:
    """No code in a report's visible text: snake_case, <NA>, hashes, category codes, '*'."""
    text, cells = visible(path)
    text = COMPANIONS.sub("", text)
    snakes = sorted(set(SNAKE.findall(text)) - SOFTWARE)
    assert not snakes, snakes
    assert not _lines(text, BAD_VALUES), _lines(text, BAD_VALUES)
    assert not _lines(text, HASH_ID), _lines(text, HASH_ID)[:5]
    assert "*" not in cells, "a municipal total labelled '*'"
    coded = sorted({c for c in cells if c in categories | CODES})
    assert not coded, coded
    lists = re.findall(r"\(([a-z_]+(?:, [a-z_]+)*)\)", text)
    assert not [x for x in lists if set(x.split(", ")) <= categories], lists


def check_numbers(path: Path, lang: str) -> None:
    """Numbers as the language writes them: no 1.5e-05, no 15850, no 1056, no 1.29 in French."""
    text, cells = visible(path)
    text = COMPANIONS.sub("", text)
    assert not _lines(text, SCIENTIFIC), _lines(text, SCIENTIFIC)
    assert not _lines(text, UNGROUPED), _lines(text, UNGROUPED)[:5]
    four = [c for c in cells if re.fullmatch(r"-?\d{4}", c) and not 1990 <= int(c) <= 2100]
    assert not four, four[:5]  # 1 056, not 1056 (a year stays as it is)
    if lang == "fr":
        assert not _lines(text, DECIMAL_POINT), _lines(text, DECIMAL_POINT)[:5]


def check_one_language(path: Path, lang: str, names: list[str]) -> None:
    """No word of the other language outside the proper ``names`` (longest first)."""
    text, _ = visible(path)
    for name in names:
        text = text.replace(name, "")
    found = _lines(text, OTHER_LANGUAGE[lang])
    assert not found, found[:8]


@pytest.mark.parametrize(("lang", "audience"), COMBOS)
def test_no_code_in_the_visible_text(reports, lang, audience):
    categories = set(taxonomy.load_taxonomy()["code"].astype(str))
    check_no_code(reports[(lang, audience)], categories)


@pytest.mark.parametrize(("lang", "audience"), COMBOS)
def test_numbers_are_written_for_the_language(reports, lang, audience):
    check_numbers(reports[(lang, audience)], lang)


@pytest.mark.parametrize(("lang", "audience"), COMBOS)
def test_one_language_per_report(steps, reports, lang, audience):
    check_one_language(reports[(lang, audience)], lang, proper_names(steps[0], lang))


def test_plurals_and_agreement(reports):
    fr, _ = visible(reports[("fr", "internal")])
    en, _ = visible(reports[("en", "internal")])
    assert "coût élevée" not in fr
    assert not re.search(r"\b1 months\b|\bmonth\(s\)", en)
    assert "two-sided p-values (normal approximation, two-sided)" not in en
    assert not re.search(r"\b1 mois\b.*\bmois\(s\)", fr)


def test_missing_values_are_explained(reports):
    text, cells = visible(reports[("fr", "internal")])
    assert "—" in cells
    assert "« — »" in text  # the footnote says what a dash means


@pytest.mark.parametrize(("lang", "audience"), COMBOS)
def test_no_machine_path_in_the_report_or_the_workbook(reports, lang, audience):
    path = reports[(lang, audience)]
    html = path.read_text(encoding="utf-8")
    for root in (str(ROOT), str(SAMPLE.resolve()), str(path.parent), str(Path.home())):
        assert root not in html, root
    for name, sheet in pd.read_excel(path.parent / "tables.xlsx", sheet_name=None).items():
        blob = sheet.astype(str).to_csv()
        assert str(ROOT) not in blob and str(path.parent) not in blob, name


def test_methods_state_the_crs_the_period_and_the_sources(steps, reports):
    diag = steps[0]
    inc = diag.incidents["occurred_from"]
    for lang in ("fr", "en"):
        text, _ = visible(reports[(lang, "internal")])
        methods = text.split(i18n.t("report.methods.heading", lang))[-1]
        assert "EPSG:32188" in methods and "MTM" in methods
        assert inc.min().strftime("%Y-%m-%d") in methods
        assert inc.max().strftime("%Y-%m-%d") in methods
        assert "incidents.csv" in methods and diag.config.municipality in methods


def test_summary_never_trusts_a_family_the_backtest_rejects(steps, reports):
    s3 = steps[3]
    bs = s3.backtest_summary
    rejected = bs[(bs["scope"] != "all") & (bs["trust"] == "do_not_trust")]
    assert len(rejected), "the sample has a family the back-test rejects"
    for lang in ("fr", "en"):
        summary = " ".join(s3.summary(lang))
        text, _ = visible(reports[(lang, "internal")])
        for level, rows in rejected.groupby("level"):
            names = ", ".join(i18n.label("family", f, lang) for f in rows["scope"])
            said = i18n.t("evaluation.backtest.except.do_not_trust", lang, families=names)
            assert said in summary and said in text, (level, lang)
        # each sentence says which level it is about
        for level in bs["level"].unique():
            assert i18n.t(f"evaluation.backtest.level.{level}", lang) in summary


def test_the_two_concentration_lists_say_what_differs(steps, reports):
    inv = steps[1]
    t = inventory.concentration_table(inv.place_counts, lang="fr")
    assert set(t["question"]) == {"incidents", "places"}
    n = len(inv.place_counts)
    assert all(f"sur {n}" in x for x in t["text"])  # the number of places, not a rounded share
    text, _ = visible(reports[("fr", "internal")])
    for question in ("incidents", "places"):
        assert i18n.t(f"report.step1.concentration_{question}", "fr") in text


def test_rates_table_never_covers_part_of_a_year_without_saying_so(steps, reports):
    diag = steps[0]
    text, _ = visible(reports[("fr", "internal")])
    assert "Taux par secteur et famille, 12 derniers mois (2025-01-01 – 2025-12-31)" in text
    inc = diag.incidents
    quarter = inc[inc["occurred_from"] >= "2025-10-01"]
    r = inventory.recent_rates(quarter, diag.sectors)
    assert r.attrs["months"] == 3
    assert r.attrs["start"] == pd.Timestamp("2025-10-01")
    assert r.loc[r["sector"] == "*", "count"].sum() == len(quarter)
    spring = inc[inc["occurred_from"] < "2025-04-01"]  # data ending with a quarter of 2025
    r = inventory.recent_rates(spring, diag.sectors)
    assert (r.attrs["start"], r.attrs["months"]) == (pd.Timestamp("2024-04-01"), 12)


def test_a_file_given_by_absolute_path_shows_by_name(steps):
    import dataclasses

    from diagnostic_lib.ledger import Ledger
    from diagnostic_lib.report.sections.context import SectionContext
    from diagnostic_lib.report.sections.ledger import _section_ledger
    from diagnostic_lib.report.sections.methods import data_used

    folder = str(SAMPLE.resolve())
    led = Ledger()
    led.register("incidents", f"{folder}/incidents.csv", 3)
    diag = dataclasses.replace(steps[0], ledger=led)
    assert folder not in data_used(diag, "en") and "incidents.csv" in data_used(diag, "en")
    for public in (False, True):
        ctx = SectionContext(report.HtmlDocument("t", "en"), "en", public=public)
        _section_ledger(ctx, diag)
        html = ctx.doc.render()
        assert folder not in html and "incidents.csv" in html or public
