"""The report for a reader: first page, step pages, appendix, companion files, templates, PDF."""

from __future__ import annotations

import html as _html
import os
import re
import shutil
import subprocess
from pathlib import Path

import pandas as pd
import pytest

from diagnostic_lib import evaluation, i18n, inventory, report, strategy, summary
from diagnostic_lib.report import document, pages
from diagnostic_lib.report.pdf import PdfError, find_chromium, html_to_pdf

from .conftest import SAMPLE


@pytest.fixture(scope="module")
def steps(diag):
    inv = inventory.run(diag, permutations=9)
    s2 = report.builder._run_step2(diag, inv)
    s3 = evaluation.run(diag, inv.problems, priority=inv.priority, knox=inv.knox, n_sim=200)
    s4 = strategy.run(diag, inv, current=report.builder._current(s2, s3, diag))
    return inv, s2, s3, s4


@pytest.fixture(scope="module")
def written(diag, steps, tmp_path_factory):
    inv, s2, s3, s4 = steps
    out = {}
    for lang, audience in (("fr", "internal"), ("en", "public")):
        d = tmp_path_factory.mktemp(f"pages_{lang}_{audience}")
        out[(lang, audience)] = report.write_report(
            diag, inv, s2, s3, s4, out=d, lang=lang, audience=audience
        )
    return out


def _sections(page: str) -> dict[str, str]:
    return dict(re.findall(r'<section id="([^"]+)"[^>]*>(.*?)</section>', page, flags=re.S))


def _lead(section: str) -> str:
    m = re.search(r'<div class="lead">(.*?)</div><!--/lead-->', section, flags=re.S)
    assert m, section[:300]
    return m.group(1)


# --------------------------------------------------------------------------------------------
# The document and its templates
# --------------------------------------------------------------------------------------------
def test_document_escapes_everything_it_is_given():
    doc = report.HtmlDocument("<T>", "en")
    doc.heading("A & B")
    doc.paragraph("<script>alert(1)</script>")
    doc.table(pd.DataFrame({"<col>": ["<b>x</b>"]}))
    doc.card("<i>title</i>", ["<u>line</u>"])
    doc.files([("a b.csv", "<what>")])
    page = doc.render()
    for raw in ("<script>alert", "<b>x</b>", "<col>", "<i>title", "<u>line", "<what>", "<T>"):
        assert raw not in page, raw
    assert "&lt;script&gt;alert(1)&lt;/script&gt;" in page and "A &amp; B" in page


def test_long_tables_go_to_a_collapsed_appendix_short_ones_stay():
    doc = report.HtmlDocument("t", "fr")
    doc.heading("Étape")
    doc.heading("Taux", level=3)
    doc.table(pd.DataFrame({"n": range(document.LONG_ROWS)}))  # 15 rows: stays
    doc.table(pd.DataFrame({"n": range(document.LONG_ROWS + 1)}))  # 16 rows: appendix
    doc.table(pd.DataFrame({c: [1] for c in "abcdefg"}), caption="Large")  # 7 columns
    doc.table(pd.DataFrame({"n": range(20)}))  # a second long table under the same heading
    page = doc.render()
    sections = _sections(page)
    assert sections["s1"].count("<table") == 1
    assert sections["appendix"].count("<details") == 3 and "<details open" not in page
    assert 'href="#a3">Tableau A3 — Taux (2)</a>' in page
    assert 'href="#a1">Tableau A1 — Taux</a>' in page and 'href="#a2">Tableau A2 — Large' in page
    assert "lignes : 16, colonnes : 1" in page and "lignes : 1, colonnes : 7" in page
    assert 'id="a1"' in page and 'id="a2"' in page


def test_tables_group_a_column_of_counts_but_not_years():
    doc = report.HtmlDocument("t", "fr")
    doc.table(pd.DataFrame({"année": [2024, 2025], "n": [15850, 2826], "x": [0.5, 1.0]}))
    page = doc.render()
    assert ">2024<" in page and ">15\xa0850<" in page and ">2\xa0826<" in page
    assert ">0,50<" in page
    assert '<td class="num">' in page


def test_print_css_breaks_pages_between_steps_and_unfolds_the_appendix():
    css = document.print_css("a4")
    assert "@page{size:A4" in css and "@media print" in css
    assert "h2{break-before:page" in css and ".lead{break-after:page" in css
    assert "tr,figure" in css and "break-inside:avoid" in css
    assert "details::details-content" in css
    with pytest.raises(ValueError):
        document.print_css("a3")


# --------------------------------------------------------------------------------------------
# The report's structure
# --------------------------------------------------------------------------------------------
def test_first_page_has_the_key_figures_and_the_findings(diag, steps, written):
    inv, _, s3, _ = steps
    page = written[("fr", "internal")].read_text(encoding="utf-8")
    first = re.search(r'<section id="s1" class="front">(.*?)</section>', page, flags=re.S)
    assert first, "the first section is the front page"
    lead = _html.unescape(_lead(first.group(1)))
    kn = summary.key_numbers(diag, inv.problems, "fr")
    for label, text in zip(kn["label"], kn["text"], strict=True):
        assert label in lead and text in lead, label
    assert "Chiffres clés" in lead and "Ce qu'il faut retenir" in lead
    found = summary.key_findings(inv, s3, "fr")
    assert 3 <= len(found) <= 5 and lead.count("<li>") == len(found)
    for text, unc in zip(found["text"], found["uncertainty"], strict=True):
        assert text in lead and unc in lead


def test_each_step_opens_with_its_page(written):
    page = _html.unescape(written[("fr", "internal")].read_text(encoding="utf-8"))
    sections = _sections(page)
    leads = {k: _lead(v) for k, v in sections.items() if k in ("s2", "s3", "s4", "s5")}
    assert "Les problèmes prioritaires : leur tendance et leur projection" in leads["s2"]
    assert leads["s2"].count("<figure>") == 1 and "Projection 12 mois" in leads["s2"]
    assert leads["s3"].count("<figure>") == 1 and "mesures inscrites au registre" in leads["s3"]
    assert leads["s4"].count("<figure>") == 1
    assert "ne peuvent pas encore être évaluées" in leads["s4"]
    assert "Pour qu'une mesure puisse être évaluée" in leads["s4"]
    assert "sous-puissantes" in leads["s5"] and "Quoi faire" in leads["s5"]


def test_no_long_table_outside_the_appendix(written):
    for path in written.values():
        page = path.read_text(encoding="utf-8")
        body = page.split('<section id="appendix"')[0]
        for t in re.findall(r"<table.*?</table>", body, flags=re.S):
            rows = t.count("<tr>") - 1
            cols = len(re.findall(r"<th[ >]", t.split("</tr>")[0]))
            assert rows <= document.LONG_ROWS and cols <= document.LONG_COLUMNS, (rows, cols)
        appendix = page.split('<section id="appendix"')[1]
        assert appendix.count("<details") == appendix.count("<table") > 0
        for anchor in re.findall(r'class="appendix-ref">[^<]*<a href="#(a\d+)"', body):
            assert f'<details id="{anchor}">' in appendix


def test_companion_files_are_listed_and_linked(written):
    for (lang, _), path in written.items():
        page = path.read_text(encoding="utf-8")
        files = sorted(p.name for p in path.parent.iterdir() if p.name != "index.html")
        assert files
        listed = re.findall(r'<dt><a href="([^"]+)">', page)
        assert sorted(listed) == files
        assert "plan.toml" in listed  # the living record, beside plan.json
        assert strategy.read_plan(path.parent / "plan.toml")["plan_id"].is_unique
        for name in files:
            kind = pages._kind(name)
            assert i18n.t(f"report.files.{kind}", lang) in _html.unescape(page)
        assert str(path.parent) not in page  # relative links, no machine path
    public = written[("en", "public")].parent
    assert not (public / "problems.geojson").exists()  # and not listed (checked above)


def test_public_trend_chart_leaves_out_problems_with_small_monthly_counts(diag, steps):
    inv = steps[0]
    tr = summary.problem_trends(diag, inv.problems, inv.priority, top=4, n_sim=100)
    low = tr.history.groupby("problem_id")["count"].min()
    ctx = report.sections.context.SectionContext(report.HtmlDocument("t", "en"), "en", True, 10**6)
    ctx.doc.heading("Step 1")
    with ctx.doc.lead():
        pages._step1_page(ctx, diag, inv)
    page = ctx.doc.render()
    assert (low < 10**6).all() and "<figure>" not in page  # every panel small: no chart


# --------------------------------------------------------------------------------------------
# The library's summary
# --------------------------------------------------------------------------------------------
def test_key_findings_give_a_number_and_an_uncertainty(steps):
    inv, _, s3, _ = steps
    for lang in ("fr", "en"):
        f = summary.key_findings(inv, s3, lang)
        assert f.index.tolist() == [
            "rise",
            "top_problem",
            "forecast",
            "evaluation",
            "concentration",
        ]
        assert f["uncertainty"].str.len().gt(20).all() and f["value"].notna().all()
        assert not f["text"].str.contains(r"e-\d|nan|None").any()
    fc = summary.key_findings(inv, s3, "en").loc["forecast"]
    pt = s3.projection.totals
    row = pt[(pt["sector"] == "*") & pt["emerging"]].sort_values("mean_12").iloc[-1]
    assert fc["value"] == pytest.approx(row["mean_12"])


def test_evaluability_counts_the_measures_and_actions(steps):
    _, _, s3, s4 = steps
    why = summary.evaluability(s3.effects, s4.plan, "en")
    not_judged = (~s3.effects["verdict"].isin(evaluation.JUDGED)).sum()
    assert why.loc["measures", "count"] == not_judged
    assert why.loc["plan", "count"] == s4.plan["underpowered"].sum()
    assert f"{not_judged} of the {len(s3.effects)} measures" in why.loc["measures", "text"]


def test_problem_trends_count_each_problem_s_incidents(diag, steps):
    inv = steps[0]
    tr = summary.problem_trends(diag, inv.problems, inv.priority, top=2, n_sim=100)
    pid = tr.problems["problem_id"].iloc[0]
    members = inventory.problem_incidents(
        inv.problems[inv.problems["problem_id"] == pid], diag.incidents
    )
    start, end = evaluation.data_period(diag)
    occ = diag.incidents.loc[members.notna().to_numpy(), "occurred_from"]
    inside = ((occ >= start) & (occ < end)).sum()
    assert tr.history.loc[tr.history["problem_id"] == pid, "count"].sum() == inside
    assert set(tr.projection.monthly["problem_id"]) == set(tr.problems["problem_id"])


# --------------------------------------------------------------------------------------------
# PDF
# --------------------------------------------------------------------------------------------
def test_pdf_without_chromium_says_how_to_install_it(tmp_path, monkeypatch, capsys):
    from diagnostic_lib.cli import main

    monkeypatch.setenv("DIAGNOSTIC_CHROMIUM", str(tmp_path / "no-chromium"))
    with pytest.raises(PdfError, match="apt-get install -y chromium"):
        html_to_pdf(tmp_path / "index.html")
    args = ["report", "--config", str(SAMPLE / "diagnostic.toml"), "--out", str(tmp_path / "r")]
    assert main([*args, "--no-notebooks", "--format", "pdf"]) == 3
    err = capsys.readouterr().err
    assert "Chromium was not found" in err and "Chromium est introuvable" in err
    assert not (tmp_path / "r").exists()  # it says so before running the steps


def _pdf_pages(pdf: Path) -> list[tuple[float, float]]:
    """The page sizes (points) of a PDF, from its /MediaBox entries (Chromium's PDFs)."""
    data = pdf.read_bytes()
    boxes = re.findall(
        rb"/Type\s*/Page\b.*?/MediaBox\s*\[\s*([\d.]+)\s+([\d.]+)\s+([\d.]+)\s+([\d.]+)",
        data,
        flags=re.S,
    )
    return [(float(x1) - float(x0), float(y1) - float(y0)) for x0, y0, x1, y1 in boxes]


@pytest.mark.skipif(find_chromium() is None, reason="no Chromium to print with")
def test_pdf_pages_and_first_page(steps, written, tmp_path):
    src = written[("fr", "internal")]
    pdf = html_to_pdf(src, tmp_path / "index.pdf")
    sizes = _pdf_pages(pdf)
    n_sections = len(_sections(src.read_text(encoding="utf-8")))
    assert n_sections + 1 <= len(sizes) <= 80, len(sizes)  # a page per section at least
    letter = [(round(w), round(h)) for w, h in sizes]
    assert letter[0] == (612, 792)  # Letter, portrait; the appendix is landscape
    assert set(letter) == {(612, 792), (792, 612)} and letter[-1] == (792, 612)
    if shutil.which("pdftotext") is None:
        pytest.skip("pdftotext (poppler-utils) absent: the first page's text is not checked")
    text = subprocess.run(
        ["pdftotext", "-f", "1", "-l", "1", "-layout", str(pdf), "-"],
        capture_output=True,
        text=True,
        check=True,
        env={**os.environ, "LC_ALL": "C.UTF-8"},
    ).stdout
    flat = " ".join(text.split())
    inv, _, s3, _ = steps
    assert "Chiffres clés" in flat and "Ce qu'il faut retenir" in flat
    for finding in summary.key_findings(inv, s3, "fr")["text"]:
        assert " ".join(finding.split())[-25:] in flat  # the end of each: nothing cut to page 2
    second = subprocess.run(
        ["pdftotext", "-f", "2", "-l", "2", str(pdf), "-"],
        capture_output=True,
        text=True,
        check=True,
    ).stdout
    assert "Ce qu'il faut retenir" not in second


def test_the_headline_rate_comes_with_its_interval(diag):
    """The municipal rate of the key figures: the value and its exact Poisson interval."""
    from diagnostic_lib import inventory, stats

    for lang, words in (("fr", "intervalle de confiance à 95"), ("en", "95% confidence interval")):
        row = summary.key_numbers(diag, lang=lang).loc["rate"]
        assert words in row["detail"]
        bounds = re.findall(r"\d+[.,]\d", row["detail"].split(":")[-1])
        lo, hi = (float(x.replace(",", ".")) for x in bounds)
        assert lo < row["value"] < hi
    m = inventory.municipal_rate(diag.incidents, diag.sectors, 4)
    lo, hi = stats.poisson_ci(m["incidents"], 0.95)
    row = summary.key_numbers(diag, lang="en").loc["rate"]
    assert f"[{float(lo) / 4 / m['population'] * 1000:.1f}," in row["detail"]


def test_the_data_quality_line_counts_every_incidents_file(diag, steps):
    """Held-out: with yearly exports, the summary quoted the first file alone ("0 rejected")."""
    from dataclasses import replace

    from diagnostic_lib.ledger import Ledger
    from diagnostic_lib.report.sections.context import SectionContext
    from diagnostic_lib.report.sections.executive_summary import _key_figures

    led = Ledger()
    for file, n_in, bad in (("2022.csv", 100, 0), ("2023.csv", 120, 7)):
        led.register("incidents", file, n_in)
        if bad:
            led.add("incidents", file, list(range(2, 2 + bad)), "date", "date_missing", "rejected")
        led.count_kept("incidents", file, n_in - bad)
    ctx = SectionContext(document.HtmlDocument("t", "fr"), "fr")
    items = _key_figures(ctx, replace(diag, ledger=led), steps[0])
    quality = [i for i in items if i.startswith("Qualité des données")]
    assert quality == [
        "Qualité des données : 213 lignes conservées sur 220 (7 rejetées, 0 signalées) ; "
        "voir le registre."
    ]


def test_no_ranked_problem_gives_a_sentence_not_an_empty_list(diag, steps):
    """Held-out (a sparse territory, few events): "Priority problems:" followed by nothing,
    and "Score components (weights used): ." with every weight "spread over the others"."""
    from dataclasses import replace

    from diagnostic_lib.report.sections.context import SectionContext
    from diagnostic_lib.report.sections.executive_summary import _executive_summary

    inv = steps[0]
    none = inv.priority.assign(rank=float("nan"))
    ctx = SectionContext(document.HtmlDocument("t", "en"), "en")
    _executive_summary(ctx, diag, replace(inv, priority=none), None, None)
    page = _html.unescape(ctx.doc.render())
    assert "No problem has enough events to be ranked" in page
    assert "Priority problems:" not in page
    text = inventory.components_text(none.iloc[:0], "en")
    assert text == "No problem ranked: no score components."
