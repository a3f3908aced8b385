"""The layout test and the language test on Montréal's real data (issue 16), skipped when absent.

The same checks as ``test_layout.py`` and ``test_report_words.py`` run on the
sample, here on SPVM's incidents 2015–2018 with the 32 PDQ of 2015, 3,231
points of interest and no population nor measures: the four reports (French
and English, internal and public) are written once for the module, with every
figure checked as it is embedded (the workbook is not written: no check reads
it). The notebook figures that need no measure are drawn too. The proper
names that may keep their language come from the data: sector names, place
names and the municipality.
"""

from __future__ import annotations

import re
from html.parser import HTMLParser

import pytest

from diagnostic_lib import i18n, inventory, layout, loaders, strategy
from diagnostic_lib.report import builder, document

from .conftest import MONTREAL, NOW, montreal_config
from .test_layout import Embedded, _problems_text, inventory_figures
from .test_report_words import (
    check_no_code,
    check_numbers,
    check_one_language,
    proper_names,
    visible,
)

pytestmark = pytest.mark.realdata

LANGS = ("fr", "en")
COMBOS = [(lang, aud) for lang in LANGS for aud in ("internal", "public")]


@pytest.fixture(scope="module")
def steps(tmp_path_factory):
    config = montreal_config(tmp_path_factory.mktemp("montreal_report"))
    d = loaders.load_diagnostic(config, now=NOW)
    inv = inventory.run(d, permutations=19)  # the Knox test's p-values are not checked here
    s4 = strategy.run(d, inv, current=strategy.current_from_steps(d, None, None))
    return d, inv, s4


@pytest.fixture(scope="module")
def written(steps, tmp_path_factory):
    """The four reports, and every figure of each as it is embedded (checked, not drawn)."""
    d, inv, s4 = steps
    figures: dict[tuple[str, str], list[Embedded]] = {c: [] for c in COMBOS}
    paths = {}
    embed = document.HtmlDocument.figure
    combo: list[tuple[str, str]] = []

    def capture(doc, fig, caption="", alt=None):
        figures[combo[0]].append(Embedded(fig, caption, alt))
        embed(doc, b"", caption, alt)  # caption and alt text in the page, no picture

    with pytest.MonkeyPatch.context() as mp:
        mp.setattr(document.HtmlDocument, "figure", capture)
        mp.setattr(builder, "write_workbook", lambda *a, **k: None)
        for lang, audience in COMBOS:
            combo[:] = [(lang, audience)]
            folder = tmp_path_factory.mktemp(f"montreal_{lang}_{audience}")
            paths[(lang, audience)] = builder.write_report(
                d, inv, None, None, s4, out=folder, lang=lang, audience=audience
            )
    return paths, figures


# ----------------------------------------------------------------------------
# the layout test
# ----------------------------------------------------------------------------
@pytest.mark.parametrize(("lang", "audience"), COMBOS)
def test_every_report_figure_passes_the_layout_check(written, lang, audience):
    figures = written[1][(lang, audience)]
    assert len(figures) >= 7  # no measure: the figures of step 1 and the first pages
    bad = [
        f"{f.caption or f.title}:\n{_problems_text(f.problems)}"
        for f in figures
        if not f.problems.empty
    ]
    assert not bad, "\n".join(bad)


@pytest.mark.parametrize(("lang", "audience"), COMBOS)
def test_every_report_figure_has_a_caption_and_alt_text_in_its_language(written, lang, audience):
    other = "en" if lang == "fr" else "fr"
    own = {v[LANGS.index(lang)] for v in i18n.LABELS.values()}
    foreign = {v[LANGS.index(other)] for v in i18n.LABELS.values()} - own
    for f in written[1][(lang, audience)]:
        assert f.caption.strip() and (f.alt or "").strip(), (f.title, f.caption, f.alt)
        assert f.caption not in foreign and f.alt not in foreign, (f.caption, f.alt)


@pytest.mark.parametrize("lang", LANGS)
def test_every_report_map_names_its_source_and_its_sectors(written, steps, lang):
    d = steps[0]
    names = set(d.sectors["name"])
    ranks = {str(r) for r in range(1, 11)}  # the problem map's numbers ("1"… "10")
    maps_seen = 0
    for f in written[1][(lang, "internal")]:
        notes = [t for t in f.texts if t.startswith("Source")]
        if not notes:
            continue
        maps_seen += 1
        assert all("Montréal" in t for t in notes), (f.caption, notes)
        shown = set(f.texts)
        assert names <= shown, (f.caption, names - shown)  # all 32 PDQ, by their names
        ids = (shown & set(d.sectors["sector_id"])) - names
        if f.title == i18n.t("maps.problems.title", lang):
            ids -= ranks
        assert not ids, (f.caption, ids)
    assert maps_seen >= 3


NOTEBOOK_FIGURES = "overview_map rate_map yearly_counts vehicle_hot_spots emerging density".split()


@pytest.mark.parametrize("lang", LANGS)
@pytest.mark.parametrize("name", NOTEBOOK_FIGURES)
def test_every_notebook_figure_passes_the_layout_check(steps, name, lang):
    fig = inventory_figures(steps[0], lang)[name]()
    found = layout.layout_problems(fig)
    assert found.empty, f"{name} ({lang}):\n{_problems_text(found)}"


# ----------------------------------------------------------------------------
# the language test
# ----------------------------------------------------------------------------
@pytest.mark.parametrize(("lang", "audience"), COMBOS)
def test_no_code_in_the_visible_text(written, steps, lang, audience):
    categories = set(steps[0].taxonomy["code"].astype(str))
    check_no_code(written[0][(lang, audience)], categories)


@pytest.mark.parametrize(("lang", "audience"), COMBOS)
def test_numbers_are_written_for_the_language(written, lang, audience):
    check_numbers(written[0][(lang, audience)], lang)


@pytest.mark.parametrize(("lang", "audience"), COMBOS)
def test_one_language_per_report(written, steps, lang, audience):
    names = proper_names(steps[0], lang)
    assert "PDQ-21" in names and "Montréal" in names and len(names) > 3000
    check_one_language(written[0][(lang, audience)], lang, names)


class _Tables(HTMLParser):
    """The tables of a page, each a list of rows of cell texts (header row first)."""

    def __init__(self) -> None:
        super().__init__()
        self.tables: list[list[list[str]]] = []
        self.cell: list[str] | None = None

    def handle_starttag(self, tag, attrs):
        if tag == "table":
            self.tables.append([])
        elif tag == "tr" and self.tables:
            self.tables[-1].append([])
        elif tag in ("td", "th"):
            self.cell = []

    def handle_endtag(self, tag):
        if tag in ("td", "th") and self.cell is not None and self.tables:
            self.tables[-1][-1].append("".join(self.cell).strip())
            self.cell = None

    def handle_data(self, data):
        if self.cell is not None:
            self.cell.append(data)


@pytest.mark.parametrize(("lang", "audience"), COMBOS)
def test_what_the_data_lack_is_said_not_shown_empty(written, steps, lang, audience):
    """No machine path, the period the data cover, no column with nothing in it."""
    path = written[0][(lang, audience)]
    page = path.read_text(encoding="utf-8")
    text, _ = visible(path)
    assert str(MONTREAL) not in page and "../" not in text
    assert "— – —" not in text
    first = steps[0].incidents["occurred_from"].min().strftime("%Y-%m-%d")
    assert re.search(rf"{first} – \d{{4}}-\d{{2}}-\d{{2}}", text.split("\n\n")[0] + text[:2000])
    parser = _Tables()
    parser.feed(page)
    empty = []
    for table in parser.tables:
        head, body = table[0], [r for r in table[1:] if len(r) == len(table[0])]
        for i, name in enumerate(head):
            if len(body) >= 3 and all(r[i] == "—" for r in body):
                empty.append((name, head))
    assert not empty, empty[:3]  # no population: no "Population" nor "Rate" column of dashes
