"""The follow-up report (``followup-<lang>.html``) and its PDF as a reader sees them, in Chromium.

Last year's diagnosis of the sample (its register and its plan, one action not carried
out as planned) is followed up by the command ``python -m diagnostic_lib follow-up``, in
French with ``--format pdf`` and in English. Each report is served on 127.0.0.1 and
opened: nothing fetched from elsewhere, the key figures first (their own printed page,
within one Letter page), words in one language (no code, ``<NA>`` or ``nan``), every
table within the printed page's width. Screenshots:
``build/screenshots/followup_<lang>.png`` and, for the PDF, ``followup_pdf-NN.png``.
"""

from __future__ import annotations

import copy
import functools
import http.server
import shutil
import subprocess
import threading

import pytest

from diagnostic_lib import inventory, strategy, taxonomy
from diagnostic_lib.cli import main

from ..conftest import SAMPLE
from ..test_report_words import check_no_code, check_numbers, check_one_language, proper_names
from .conftest import SCREENSHOTS, free_port, screenshot_path

pytestmark = [pytest.mark.xdist_group("browser"), pytest.mark.browser, pytest.mark.slow]

LANGS = ("fr", "en")
LETTER_PX = (816, 1056)  # 8.5 × 11 in at 96 CSS px per inch
MARGINS_PX = (round(26 / 25.4 * 96), round(30 / 25.4 * 96))  # print.css: 13+13 mm, 14+16 mm


def _filled(plan):
    """Every indicator planned at 100 and done, but the first action's (done at 20)."""
    plan = plan.copy()
    out = []
    for n, inds in enumerate(plan["indicators"]):
        inds = copy.deepcopy(list(inds))
        for i in inds:
            i["planned"], i["done"] = 100, 20 if n == 0 else 100
        out.append(inds)
    plan["indicators"] = out
    return plan


@pytest.fixture(scope="module")
def served(diag, tmp_path_factory):
    """The follow-up reports written by the command (French with its PDF), served locally."""
    root = tmp_path_factory.mktemp("followup")
    inv = inventory.run(diag, permutations=9)
    plan = strategy.run(diag, inv).plan
    prev = root / "previous"
    strategy.write_plan_toml(_filled(plan), prev / "plan")
    inventory.write_register(inv.problems, prev / "problems.toml")
    out = root / "out"
    for lang in LANGS:
        args = [
            "follow-up",
            "--config",
            str(SAMPLE / "diagnostic.toml"),
            "--plan",
            str(prev / "plan.toml"),
            "--register",
            str(prev / "problems.toml"),
            "--out",
            str(out),
            "--lang",
            lang,
        ]
        assert main([*args, "--format", "pdf"] if lang == "fr" else args) == 0
    handler = functools.partial(http.server.SimpleHTTPRequestHandler, directory=str(out))
    handler.log_message = lambda *a, **k: None  # type: ignore[attr-defined]
    port = free_port()
    server = http.server.ThreadingHTTPServer(("127.0.0.1", port), handler)
    thread = threading.Thread(target=server.serve_forever, daemon=True)
    thread.start()
    yield out, f"http://127.0.0.1:{port}", len(plan)
    server.shutdown()
    server.server_close()


@pytest.mark.parametrize("lang", LANGS)
def test_followup_in_words_in_one_language(diag, served, lang):
    out, _, _ = served
    path = out / f"followup-{lang}.html"
    check_no_code(path, set(taxonomy.load_taxonomy()["code"].astype(str)))
    check_numbers(path, lang)
    check_one_language(path, lang, proper_names(diag, lang))


@pytest.mark.parametrize("lang", LANGS)
def test_followup_in_chromium(browser, served, lang):
    _, url, n_actions = served
    page = browser.new_page()
    try:
        page.set_viewport_size({"width": 1280, "height": 1000})
        page.goto(f"{url}/followup-{lang}.html")
        page.wait_for_load_state("load")
        assert page.evaluate("document.documentElement.lang") == lang
        assert not page.console_errors, page.console_errors
        assert not browser.blocked, browser.blocked  # self-contained: nothing from elsewhere
        # the key figures come first: the first section, its lead, a key table
        assert page.evaluate("document.querySelector('section').id") == "key"
        key = page.locator("section.front .lead table.key")
        assert key.locator("tbody tr").count() >= 4 + len(inventory.FATES) + 3
        text = key.inner_text()
        assert ("comme prévu" if lang == "fr" else "as planned") in text
        # one row per action in the actions' table, and nothing missing-looking
        actions = page.locator("section#actions table tbody tr")
        assert actions.count() == n_actions
        body = page.inner_text("body")
        for bad in ("<NA>", "nan", "NaN", "None"):
            assert f" {bad} " not in f" {' '.join(body.split())} ", bad
        page.screenshot(path=str(screenshot_path(f"followup_{lang}")), full_page=True)
        # in print: the key figures hold in one Letter page, no table wider than the page
        page.emulate_media(media="print")
        width, height = LETTER_PX[0] - MARGINS_PX[0], LETTER_PX[1] - MARGINS_PX[1]
        page.set_viewport_size({"width": width, "height": height})
        bottom = page.evaluate(
            "document.querySelector('section.front .lead').getBoundingClientRect().bottom"
            " + window.scrollY"
        )
        assert bottom <= height, bottom
        wide = page.evaluate(
            "[...document.querySelectorAll('table')].map(t => t.getBoundingClientRect().right)"
        )
        assert wide and max(wide) <= width + 1, (max(wide), width)
    finally:
        page.close()


def test_followup_pdf_pages(served):
    out, _, _ = served
    if shutil.which("pdftoppm") is None:
        pytest.fail(
            "pdftoppm is missing: `make chromium` installs poppler-utils "
            "(by hand: `sudo apt-get install -y poppler-utils`)",
            pytrace=False,
        )
    pdf = out / "followup-fr.pdf"
    assert pdf.is_file() and pdf.stat().st_size > 0  # written by --format pdf
    for old in SCREENSHOTS.glob("followup_pdf-*.png"):
        old.unlink()
    SCREENSHOTS.mkdir(parents=True, exist_ok=True)
    subprocess.run(
        ["pdftoppm", "-r", "60", "-png", str(pdf), str(SCREENSHOTS / "followup_pdf")],
        check=True,
        timeout=300,
    )
    shots = sorted(SCREENSHOTS.glob("followup_pdf-*.png"))
    assert 2 <= len(shots) <= 30, len(shots)
    first = subprocess.run(
        ["pdftotext", "-f", "1", "-l", "1", str(pdf), "-"], capture_output=True, text=True
    ).stdout
    flat = " ".join(first.split())
    assert "Chiffres clés" in flat and "Réalisées comme prévu" in flat
    assert "Objectifs atteints" in flat and "Les actions" not in flat  # page 2 on
