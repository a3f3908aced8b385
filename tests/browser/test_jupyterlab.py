"""Each workbook opened in JupyterLab in a real browser: run all, no error, widgets, maps, screenshot.

Headless execution (tests/test_notebooks.py) proves the code runs; this proves what an
analyst sees: the sliders render and respond, the folium maps draw with their layer
control. Screenshots land in build/screenshots/NN_name.png.
"""

from __future__ import annotations

import re
import time

import nbformat
import pytest

from diagnostic_lib import widgets

from .conftest import NOTEBOOKS_DIR, screenshot_path
from .helpers import move_slider_to_min, screenshot_scroller, wait_for_maps

pytestmark = [pytest.mark.xdist_group("browser"), pytest.mark.browser, pytest.mark.slow]

NOTEBOOKS = sorted(NOTEBOOKS_DIR.glob("[0-9][0-9]_*.ipynb"))
RUN_TIMEOUT_S = 300  # run-all of one notebook (each is meant to take < 20 s headless)
RENDER_TIMEOUT_S = 60  # widgets and maps drawn after the kernel is idle
SCROLLER = ".jp-NotebookPanel .jp-WindowedPanel-outer"

# The notebook panel at `path` has a connected, idle kernel.
JS_READY = """(path) => {
  const app = window.jupyterapp;
  const w = app && app.shell && app.shell.currentWidget;
  if (!w || !w.context || w.context.path !== path || !w.sessionContext) return false;
  const s = w.sessionContext, k = s.session && s.session.kernel;
  return !!(s.isReady && k && k.connectionStatus === 'connected' && k.status === 'idle');
}"""

# All code cells executed and the kernel idle again -- or an error output (run-all stops there).
JS_DONE = """() => {
  const w = window.jupyterapp.shell.currentWidget;
  const k = w.sessionContext.session && w.sessionContext.session.kernel;
  let pending = 0, error = false;
  for (const c of w.content.model.cells) {
    if (c.type !== 'code') continue;
    if (!c.executionCount) pending++;
    for (let i = 0; i < c.outputs.length; i++) if (c.outputs.get(i).type === 'error') error = true;
  }
  return !!(k && k.status === 'idle' && (pending === 0 || error));
}"""

# What the notebook model holds after the run.
JS_SUMMARY = """() => {
  const w = window.jupyterapp.shell.currentWidget;
  const r = {code: 0, executed: 0, errors: [], widget_views: 0, maps: 0, kernel: null};
  r.kernel = w.sessionContext.session.kernel.status;
  for (const c of w.content.model.cells) {
    if (c.type !== 'code') continue;
    r.code++;
    if (c.executionCount) r.executed++;
    for (let i = 0; i < c.outputs.length; i++) {
      const o = c.outputs.get(i).toJSON();
      if (o.output_type === 'error') r.errors.push(`${o.ename}: ${o.evalue}`);
      const d = o.data || {};
      if (d['application/vnd.jupyter.widget-view+json']) r.widget_views++;
      let h = d['text/html'];
      if (Array.isArray(h)) h = h.join('');
      if (h && h.includes('<iframe') && /leaflet/i.test(h)) r.maps++;
    }
  }
  return r;
}"""

# As many output areas hold a rendered ipywidget as the model has widget views.
JS_WIDGETS_RENDERED = """(n) => [...document.querySelectorAll('.jp-OutputArea-output')]
  .filter(o => o.querySelector('.jupyter-widgets')).length >= n"""


def _code(path) -> str:
    nb = nbformat.read(path, as_version=4)
    return "\n".join(c.source for c in nb.cells if c.cell_type == "code")


def _uses_widgets(code: str) -> bool:
    return bool(re.search(r"\bwidgets\.\w+\(|ipywidgets", code))


def _uses_interactive_maps(code: str) -> bool:
    return bool(re.search(r"\binteractive_\w*map\(|folium\.", code))


def test_there_are_notebooks_to_open():
    assert [p.name for p in NOTEBOOKS][:2] == ["00_overview.ipynb", "01_inventory.ipynb"]


@pytest.mark.parametrize("path", NOTEBOOKS, ids=lambda p: p.name)
def test_notebook_in_jupyterlab(path, browser, jupyter_lab):
    t0 = time.monotonic()
    code = _code(path)
    rel = f"notebooks/{path.name}"
    page = browser.new_page()
    try:
        page.goto(f"{jupyter_lab.url}/lab/tree/{rel}?reset", wait_until="domcontentloaded")
        page.wait_for_function("() => !!(window.jupyterapp && window.jupyterapp.shell)")
        # a kernel-choice dialog would block the run: accept the default kernel
        try:
            page.wait_for_function(JS_READY, arg=rel, timeout=30_000, polling=250)
        except Exception:
            dialog = page.locator(".jp-Dialog .jp-mod-accept")
            if dialog.count():
                dialog.first.click()
            page.wait_for_function(JS_READY, arg=rel, polling=250)
        page.evaluate(
            "() => { window.jupyterapp.shell.collapseLeft(); window.jupyterapp.shell.collapseRight(); }"
        )
        page.evaluate("() => window.jupyterapp.commands.execute('notebook:run-all-cells')")
        page.wait_for_function(JS_DONE, timeout=RUN_TIMEOUT_S * 1000, polling=500)
        summary = page.evaluate(JS_SUMMARY)

        # no error, every code cell ran
        assert not summary["errors"], (
            f"{path.name}: error outputs in JupyterLab: {summary['errors']}"
        )
        assert summary["executed"] == summary["code"] > 0, (
            f"{path.name}: not every cell ran: {summary}"
        )
        tracebacks = page.locator(
            '.jp-OutputArea-output[data-mime-type="application/vnd.jupyter.stderr"]',
            has_text="Traceback",
        )
        assert tracebacks.count() == 0, tracebacks.first.inner_text()[:2000]
        assert page.locator(".jp-RenderedText[data-mime-type*=error]").count() == 0

        # widgets render (the model's widget views, each drawn in its output area)
        if _uses_widgets(code):
            assert summary["widget_views"] > 0, f"{path.name}: widget cells produced no widget"
        if summary["widget_views"]:
            page.wait_for_function(
                JS_WIDGETS_RENDERED,
                arg=summary["widget_views"],
                timeout=RENDER_TIMEOUT_S * 1000,
                polling=500,
            )
            assert (
                page.locator(".jp-OutputArea-output .jupyter-widgets").count()
                >= summary["widget_views"]
            )
            assert page.get_by_text("Error displaying widget").count() == 0

        # interactive maps: Leaflet inside the folium iframe, its layer control and drawn layers
        if _uses_interactive_maps(code):
            assert summary["maps"] > 0, f"{path.name}: interactive map cells produced no map"
        if summary["maps"]:
            maps = wait_for_maps(page, summary["maps"], RENDER_TIMEOUT_S)
            ready = [m for m in maps if m["layer_controls"] and m["layers"] and m["drawn"]]
            assert len(ready) >= summary["maps"], (
                f"{path.name}: {summary['maps']} folium map(s) expected, drawn: {maps}; "
                f"page errors: {page.console_errors[:5]}"
            )

        # notebook 01: moving a priority weight slider re-ranks the priority table
        if path.name.startswith("01_"):
            label = widgets.COMPONENT_LABELS["severity"][0]  # the notebook runs with LANG = "fr"
            before, after, readout = move_slider_to_min(page, label)
            assert before and "diagnostic-table" in before, "priority table not found"
            assert readout.strip() in ("0.00", "0.0", "0"), f"slider not at 0: {readout!r}"
            assert after != before, "moving the severity slider did not change the priority table"

        assert not page.console_errors, f"{path.name}: JavaScript errors: {page.console_errors[:5]}"
        out = screenshot_path(path.stem)
        width, height = screenshot_scroller(page, SCROLLER, out)
        assert out.stat().st_size > 20_000 and height > 1500, (out, width, height)
        print(
            f"{path.name}: {time.monotonic() - t0:.1f} s, {summary}, screenshot {out} ({width}x{height})"
        )
    finally:
        try:
            page.evaluate("() => window.jupyterapp.shell.currentWidget.sessionContext.shutdown()")
        except Exception:
            pass  # the fixture shuts the remaining kernels down
        page.close()
