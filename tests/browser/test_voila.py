"""The dashboard (notebooks/dashboard.ipynb) served by Voilà, in a real browser.

Partners and trainers open it without seeing any code: it must render its widgets
(language switch, key numbers, priority sliders and table, problems maps, sector
picker), respond to them, and show aggregated data only.
"""

from __future__ import annotations

import time

import pytest

from diagnostic_lib import i18n, widgets

from .conftest import screenshot_path
from .helpers import move_slider_to_min, screenshot_scroller, wait_for_maps
from .test_dashboard_headless import point_data

pytestmark = [pytest.mark.xdist_group("browser"), pytest.mark.browser, pytest.mark.slow]

LOAD_TIMEOUT_S = 180  # Voilà runs the whole notebook before it sends the page
SCROLLER = "#rendered_cells"  # Voilà's lab template scrolls the cells inside this panel


def _sector_panel(page) -> str:
    return page.evaluate(
        "() => [...document.querySelectorAll('.widget-html-content')].map(e => e.innerHTML)"
        ".filter(h => h.includes('<h4>')).join('')"
    )


def test_dashboard_in_voila(browser, voila_dashboard, diag):
    t0 = time.monotonic()
    page = browser.new_page()
    try:
        page.goto(voila_dashboard.url + "/", timeout=LOAD_TIMEOUT_S * 1000)
        page.wait_for_selector(".widget-slider", timeout=LOAD_TIMEOUT_S * 1000)
        page.wait_for_function(
            "() => document.querySelectorAll('table.diagnostic-table').length >= 4"
        )
        text = page.inner_text("body")

        # it rendered, without error and without code
        assert "Traceback" not in text and "Error displaying widget" not in text, text[:2000]
        assert "widgets.dashboard(" not in text, "sources are shown"
        assert page.locator(".jp-CodeCell .jp-InputArea, .cm-editor").count() == 0
        for key in ("dash.title", "dash.key_numbers", "dash.priority", "dash.sector"):
            assert i18n.t(key, "fr") in text, f"{key} missing"
        assert page.locator(".widget-toggle-buttons").count() == 1  # language switch
        assert page.locator(".widget-slider").count() == len(widgets.COMPONENT_LABELS)
        assert page.locator(".widget-dropdown select").count() == 1  # sector picker
        assert page.locator("img.widget-image").count() >= 1  # the ranked problems map
        maps = wait_for_maps(page, 1, 60)
        assert [m for m in maps if m["layer_controls"] and m["layers"] and m["drawn"]], maps

        # aggregated data only: no point anywhere, in the page or the map
        for frame in page.frames:
            found = point_data(frame.content(), diag.places)
            assert not found, f"point-level data in the dashboard ({frame.url[:40]}): {found[:3]}"

        # the weight sliders re-rank the priority table
        before, after, readout = move_slider_to_min(page, widgets.COMPONENT_LABELS["severity"][0])
        assert before and readout.strip() in ("0.00", "0.0", "0"), readout
        assert after != before, "moving the severity slider did not change the priority table"

        # the sector picker shows that sector's rates, problems and measures
        page.locator(".widget-dropdown select").select_option(label="S07 — Vieux-Moulin")
        page.wait_for_function("() => document.body.innerText.includes('Vieux-Moulin (S07)')")
        panel = _sector_panel(page)
        assert "Vieux-Moulin (S07)" in panel and panel.count("diagnostic-table") == 3, panel[:500]
        assert not page.console_errors, page.console_errors[:5]
        out = screenshot_path("dashboard")
        size = screenshot_scroller(page, SCROLLER, out)
        assert out.stat().st_size > 20_000 and size[1] > 1500, (out, size)

        # the language switch changes every label, table header and map legend
        page.locator(".widget-toggle-buttons button", has_text="English").click()
        page.wait_for_function("() => document.body.innerText.includes('Key numbers')")
        page.wait_for_function("() => document.body.innerText.includes('Rates by family')")
        text = page.inner_text("body")
        for key in ("dash.title", "dash.key_numbers", "dash.priority", "dash.sector", "dash.map"):
            assert i18n.t(key, "en") in text, f"{key} missing in English"
        assert "Family" in _sector_panel(page) and "Chiffres clés" not in text
        assert page.locator(".widget-label", has_text="Severity").count() == 1
        # the severity weight survived the switch
        sev = page.locator(".widget-slider").filter(
            has=page.locator(".widget-label", has_text="Severity")
        )
        assert sev.locator(".widget-readout").inner_text().strip() in ("0.00", "0.0", "0")
        maps = wait_for_maps(page, 1, 60)
        layer_names = [
            f.locator(".leaflet-control-layers-overlays").inner_text()
            for f in page.frames
            if f.locator(".leaflet-control-layers-overlays").count()
        ]
        assert any("Problems" in n for n in layer_names), layer_names
        out_en = screenshot_path("dashboard_en")
        screenshot_scroller(page, SCROLLER, out_en)
        print(
            f"dashboard: {time.monotonic() - t0:.1f} s, screenshots {out}, {out_en}; "
            f"blocked requests: {browser.blocked}"
        )
    finally:
        page.close()
