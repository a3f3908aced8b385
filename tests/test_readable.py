"""A step table as a notebook shows it (report.readable_table): words, not codes."""

from __future__ import annotations

import re

import pandas as pd
import pytest

from diagnostic_lib import inventory, report

SNAKE = re.compile(r"\b[a-z0-9]+_[a-z0-9_]+\b")


@pytest.fixture(scope="module")
def inv(diag):
    return inventory.run(diag, permutations=9)


@pytest.mark.parametrize("lang", ["fr", "en"])
def test_problems_read_in_words_and_numbers_of_the_language(inv, lang):
    raw = inv.problems[inv.display_columns("problems", lang)]
    shown = report.readable_table(raw, "problems", lang).data
    assert len(shown) == len(raw)
    assert not any(SNAKE.search(str(c)) for c in shown.columns), list(shown.columns)
    cells = shown.astype(str).to_numpy().ravel().tolist()
    assert not [c for c in cells if SNAKE.fullmatch(c) or c in ("mixed", "nan", "<NA>")]
    counts = shown.iloc[:, raw.columns.get_loc("n_incidents")]
    big = [c for c in counts if len(c.replace("\xa0", "").replace(",", "")) > 3]
    assert big and all(("\xa0" in c) if lang == "fr" else ("," in c) for c in big)


def test_a_missing_value_reads_as_a_dash(inv):
    raw = inv.change_family[["family", "last", "ratio"]].assign(ratio=float("nan"))
    shown = report.readable_table(raw, "change_family", "fr").data
    assert set(shown.iloc[:, 2]) == {"—"}


def test_step3_windows_and_the_catalogue_read_in_words(diag, inv):
    """Headers the catalogue lacked came out as English code names in French ("Before
    start"), and window statuses and evidence levels as codes."""
    from diagnostic_lib import evaluation, strategy

    ev = evaluation.run(diag, inv.problems, inv.priority, knox=inv.knox, permutations=9)
    windows = report.readable_table(ev.effects[ev.display_columns("windows", "fr")], "x", "fr")
    cat = strategy.load_catalogue()
    responses = report.readable_table(
        cat[strategy.Strategy.display_columns("catalogue", "fr")], "catalogue", "fr"
    )
    for shown in (windows.data, responses.data):
        cells = shown.astype(str).to_numpy().ravel().tolist()
        assert not [c for c in cells if SNAKE.fullmatch(c)], set(cells)
        assert not [c for c in shown.columns if re.search(r"\b(Before|After|start|end)\b", c)]
    assert "Début avant" in windows.data.columns and "Rue" in " ".join(
        responses.data["Types de lieux"]
    )


def test_a_table_in_words_gets_the_report_cells(diag):
    from diagnostic_lib import measures

    words = measures.for_display(pd.DataFrame({"cost": [85000.0, float("nan")]}), "fr")
    assert report.shown_table(words, "fr").data.iloc[:, 0].tolist() == ["85\xa0000", "—"]
