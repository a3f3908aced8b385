"""The report (index.html) and its PDF as a reader sees them, in a real Chromium.

Three reports (French internal, English internal, French public) are written from one
run of the steps, served on 127.0.0.1 and opened: nothing is fetched from elsewhere, the
appendix's tables are folded on screen and unfolded in print, the first printed page
holds the key figures and the findings, every companion file's link answers. Screenshots:
``build/screenshots/report_<lang>_<audience>.png`` (whole page) and, for the French
internal report's PDF, ``report_pdf-NN.png`` (every page, from ``pdftoppm``).
"""

from __future__ import annotations

import functools
import http.server
import re
import shutil
import subprocess
import threading
import urllib.request

import pytest

from diagnostic_lib import inventory, report, strategy
from diagnostic_lib.report import builder
from diagnostic_lib.report.pdf import html_to_pdf

from .conftest import CHROMIUM, SCREENSHOTS, free_port, screenshot_path

pytestmark = [pytest.mark.xdist_group("browser"), pytest.mark.browser, pytest.mark.slow]

REPORTS = (("fr", "internal"), ("en", "internal"), ("fr", "public"))
LETTER_PX = (816, 1056)  # 8.5 × 11 in at 96 CSS px per inch
MARGINS_PX = (round(26 / 25.4 * 96), round(30 / 25.4 * 96))  # print.css: 13+13 mm, 14+16 mm


@pytest.fixture(scope="module")
def served(diag, tmp_path_factory):
    """The three reports written from one run of the steps, served on 127.0.0.1."""
    root = tmp_path_factory.mktemp("reports")
    inv = inventory.run(diag)
    s2 = builder._run_step2(diag, inv)
    s3 = builder._run_step3(diag, inv, s2)
    s4 = strategy.run(diag, inv, current=builder._current(s2, s3, diag))
    for lang, audience in REPORTS:
        report.write_report(
            diag, inv, s2, s3, s4, out=root / f"{lang}_{audience}", lang=lang, audience=audience
        )
    handler = functools.partial(http.server.SimpleHTTPRequestHandler, directory=str(root))
    handler.log_message = lambda *a, **k: None  # type: ignore[attr-defined]
    port = free_port()
    server = http.server.ThreadingHTTPServer(("127.0.0.1", port), handler)
    thread = threading.Thread(target=server.serve_forever, daemon=True)
    thread.start()
    yield root, f"http://127.0.0.1:{port}"
    server.shutdown()
    server.server_close()


@pytest.mark.parametrize(("lang", "audience"), REPORTS)
def test_report_in_chromium(browser, served, lang, audience):
    root, url = served
    page = browser.new_page()
    try:
        page.set_viewport_size({"width": 1280, "height": 1000})
        page.goto(f"{url}/{lang}_{audience}/index.html")
        page.wait_for_load_state("load")
        assert page.evaluate("document.documentElement.lang") == lang
        assert not page.console_errors, page.console_errors
        assert not browser.blocked, browser.blocked  # self-contained: nothing from elsewhere
        # every image drawn (decoded PNG with a size), with its alt text
        images = page.evaluate("[...document.images].map(i => [i.naturalWidth, i.alt.length])")
        assert images and all(w > 0 for w, _ in images)
        # the first thing read: the key figures and the findings
        first = page.locator("section.front .lead")
        assert first.locator("table.key tr").count() >= 6
        assert 3 <= first.locator("ol.findings > li").count() <= 5
        # the appendix's tables are folded on screen…
        details = page.locator("section.appendix details")
        assert details.count() > 0
        assert not details.first.locator("table").is_visible()
        # …and every companion file's link answers
        hrefs = page.evaluate("[...document.querySelectorAll('dl.files a')].map(a => a.href)")
        listed = sorted(p.name for p in (root / f"{lang}_{audience}").iterdir())
        assert len(hrefs) == len(listed) - 1  # all but index.html
        for href in hrefs:
            with urllib.request.urlopen(href, timeout=10) as r:
                assert r.status == 200, href
        page.screenshot(path=str(screenshot_path(f"report_{lang}_{audience}")), full_page=True)
        # in print: the appendix unfolded, and the first page fits one Letter page
        page.emulate_media(media="print")
        page.set_viewport_size(
            {"width": LETTER_PX[0] - MARGINS_PX[0], "height": LETTER_PX[1] - MARGINS_PX[1]}
        )
        assert details.first.locator("table").is_visible()
        bottom = page.evaluate(
            "document.querySelector('section.front .lead').getBoundingClientRect().bottom"
            " + window.scrollY"
        )
        assert bottom <= LETTER_PX[1] - MARGINS_PX[1], bottom
    finally:
        page.close()


def test_report_pdf_pages(served):
    root, _ = served
    if shutil.which("pdftoppm") is None:
        pytest.fail(
            "pdftoppm is missing: `make chromium` installs poppler-utils "
            "(by hand: `sudo apt-get install -y poppler-utils`)",
            pytrace=False,
        )
    pdf = html_to_pdf(root / "fr_internal" / "index.html", chromium=CHROMIUM)
    for old in SCREENSHOTS.glob("report_pdf-*.png"):
        old.unlink()
    SCREENSHOTS.mkdir(parents=True, exist_ok=True)
    subprocess.run(
        ["pdftoppm", "-r", "60", "-png", str(pdf), str(SCREENSHOTS / "report_pdf")],
        check=True,
        timeout=300,
    )
    shots = sorted(SCREENSHOTS.glob("report_pdf-*.png"))
    assert 8 <= len(shots) <= 80, len(shots)
    first = subprocess.run(
        ["pdftotext", "-f", "1", "-l", "1", str(pdf), "-"], capture_output=True, text=True
    ).stdout
    flat = " ".join(first.split())
    assert "Chiffres clés" in flat and "Ce qu'il faut retenir" in flat
    assert re.search(r"5\. .*\.", flat.split("Ce qu'il faut retenir")[1])  # the fifth finding
