"""Tick labels in the reader's language (diagnostic_lib.ticks), on the charts that had
matplotlib's English ones in French reports (held-out words audit: seasonality, Lorenz
curve, Knox colour bar, and the risk matrix's powers of ten)."""

from __future__ import annotations

import re

import matplotlib.pyplot as plt
import pytest
from matplotlib.ticker import ScalarFormatter

from diagnostic_lib import charts, evaluation, inventory, ticks


@pytest.fixture(scope="module")
def inv(diag):
    return inventory.run(diag, permutations=19)


def _labels(fig) -> list[str]:
    fig.canvas.draw()
    out = []
    for ax in fig.axes:
        out += [t.get_text() for t in ax.get_xticklabels() + ax.get_yticklabels()]
    return [t for t in out if t]


def _numeric(labels: list[str]) -> list[str]:
    return [t for t in labels if re.fullmatch(r"[−-]?[\d\s\xa0.,]+", t)]


@pytest.mark.parametrize("lang", ["fr", "en"])
def test_charts_write_their_ticks_in_the_language(inv, diag, lang):
    figs = [
        charts.seasonality_chart(inv.seasonality, by="family", lang=lang),
        charts.lorenz_chart(inv.place_counts, lang=lang),
        charts.knox_heatmap(inv.knox, lang=lang),
    ]
    decimals = []
    for fig in figs:
        decimals += [t for t in _numeric(_labels(fig)) if re.search(r"[.,]\d", t)]
    assert len(decimals) > 5  # the charts have decimal ticks
    if lang == "fr":
        assert all("," in t and "." not in t for t in decimals), decimals
    else:
        assert all("." in t and "," not in t.split(".")[-1] for t in decimals), decimals


def test_a_log_axis_reads_plain_numbers():
    fig, ax = plt.subplots()
    ax.set_xscale("log")
    ax.plot([1, 10, 1000], [1, 2, 3])
    ticks.locale_ticks(fig, "fr")
    fig.canvas.draw()
    shown = [t.get_text() for t in ax.get_xticklabels() if t.get_text()]
    assert "1\xa0000" in shown and not any("10^" in t or "$" in t for t in shown)


def test_a_short_log_axis_labels_its_minor_ticks_with_their_values():
    """Matplotlib labels a log axis under a decade at c×10^k: each keeps its value."""
    fig, ax = plt.subplots()
    ax.set_xscale("log")
    ax.plot([12, 60], [1, 2])
    ticks.locale_ticks(fig, "fr")
    fig.canvas.draw()
    minor = [t.get_text() for t in ax.get_xticklabels(minor=True) if t.get_text()]
    assert minor and set(minor) <= {"20", "30", "40", "50", "60"}, minor


def test_labels_of_the_charts_own_are_kept():
    fig, ax = plt.subplots()
    ax.bar(["lun.", "mar."], [1.5, 2.5])
    ticks.locale_ticks(fig, "fr")
    labels = _labels(fig)
    assert "lun." in labels and "mar." in labels
    assert "0,5" in labels or "1,0" in labels
    ticks.locale_ticks(fig, "fr")  # twice: no formatter wrapped twice
    assert type(ax.yaxis.get_major_formatter().inner) is ScalarFormatter


def test_the_risk_matrix_has_no_powers_of_ten(diag):
    risk = evaluation.current_risk(diag.incidents, diag.sectors, diag.weights, diag.survey)
    fig = charts.risk_matrix_chart(risk, lang="fr", sectors=diag.sectors)
    labels = _labels(fig)
    assert _numeric(labels) and not any("$" in t or "10^" in t for t in labels)
