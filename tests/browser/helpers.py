"""Browser helpers shared by the JupyterLab and Voilà tests (screenshots, widgets, maps)."""

from __future__ import annotations

import io
import time
from pathlib import Path

MAX_VIEW_HEIGHT = (
    8000  # the window grows up to this height for screenshots; longer pages are stitched
)

# The priority table in the widget box that holds a given slider (widgets.priority_explorer).
TABLE_OF_SLIDER_JS = (
    "el => { const box = el.closest('.widget-vbox');"
    " const t = box && box.querySelector('table.diagnostic-table'); return t ? t.outerHTML : null; }"
)


def leaflet_maps(page) -> list[dict]:
    """Every Leaflet map rendered in the page's frames (folium maps live in iframes)."""
    found = []
    for frame in page.frames:
        try:
            n = frame.locator(".leaflet-container").count()
            if not n:
                continue
            found.append(
                {
                    "url": frame.url[:60],
                    "containers": n,
                    "layer_controls": frame.locator(".leaflet-control-layers").count(),
                    "layers": frame.locator(".leaflet-control-layers-overlays label").count(),
                    "drawn": frame.locator(
                        ".leaflet-overlay-pane path.leaflet-interactive, .leaflet-marker-pane > *"
                    ).count(),
                }
            )
        except Exception:  # a frame detached while we looked (e.g. an output re-rendered)
            continue
    return found


def wait_for_maps(page, expected: int, timeout_s: float) -> list[dict]:
    """Wait until ``expected`` Leaflet maps show their layer control and drawn layers."""
    deadline = time.monotonic() + timeout_s
    maps: list[dict] = []
    while time.monotonic() < deadline:
        maps = leaflet_maps(page)
        ready = [m for m in maps if m["layer_controls"] and m["layers"] and m["drawn"]]
        if len(ready) >= expected:
            return maps
        page.wait_for_timeout(500)
    return maps


def move_slider_to_min(page, label: str, timeout_s: float = 60) -> tuple[str, str, str]:
    """Move the ipywidgets slider labelled ``label`` to its minimum with the keyboard.

    Returns the priority table's HTML before and after, and the slider's readout.
    """
    slider = (
        page.locator(".widget-slider")
        .filter(has=page.locator(".widget-label", has_text=label))
        .first
    )
    handle = slider.locator(".noUi-handle").first
    handle.scroll_into_view_if_needed()
    before = handle.evaluate(TABLE_OF_SLIDER_JS)
    handle.focus()
    page.keyboard.press("Home")  # noUiSlider: Home = minimum; the change is sent on key release
    readout = slider.locator(".widget-readout")
    deadline = time.monotonic() + timeout_s
    after = before
    while time.monotonic() < deadline:
        after = handle.evaluate(TABLE_OF_SLIDER_JS)
        if after != before:
            break
        page.wait_for_timeout(250)
    return before, after, readout.inner_text()


def _stitch(parts: list[tuple[int, bytes]], width: int, height: int) -> bytes:
    from PIL import Image

    canvas = Image.new("RGB", (width, height), "white")
    for y, png in parts:
        canvas.paste(Image.open(io.BytesIO(png)).convert("RGB"), (0, y))
    out = io.BytesIO()
    canvas.save(out, format="PNG", optimize=True)
    return out.getvalue()


def screenshot_scroller(page, scroller: str, path: Path) -> tuple[int, int]:
    """A full-length screenshot of a page whose content scrolls inside ``scroller``.

    JupyterLab scrolls the notebook inside a panel, so a plain full-page
    screenshot would only show one screen: the window is grown (up to
    :data:`MAX_VIEW_HEIGHT`), the panel is scrolled from top to bottom, and the
    pieces are stitched under the application's menus and toolbar.
    Returns the image size.
    """
    view = page.viewport_size
    # the panel's box, and the height of its content (down to the last cell)
    geo_js = """sel => {
      const o = document.querySelector(sel), r = o.getBoundingClientRect();
      const cells = o.querySelectorAll('.jp-Cell');
      // the lowest cell bottom (an empty last cell may be hidden, e.g. by Voilà)
      const bottoms = Array.from(cells).map(c => c.getBoundingClientRect().bottom);
      const last = bottoms.length ? Math.max(...bottoms) - r.top + o.scrollTop : 0;
      return {top: Math.round(r.top), left: Math.round(r.left), width: Math.round(r.width),
              height: o.clientHeight, total: Math.min(o.scrollHeight, Math.ceil(last) + 30)};
    }"""
    geo = page.evaluate(geo_js, scroller)
    grow = min(geo["total"] + view["height"] - geo["height"], MAX_VIEW_HEIGHT)
    page.set_viewport_size({"width": view["width"], "height": max(int(grow), view["height"])})
    page.wait_for_timeout(800)
    geo = page.evaluate(geo_js, scroller)
    top, left, width, height, total = (geo[k] for k in ("top", "left", "width", "height", "total"))
    parts = []
    if top > 0:  # the application's menus and toolbar above the panel
        parts.append((0, page.screenshot(clip={"x": left, "y": 0, "width": width, "height": top})))
    wanted = 0
    while True:
        got = page.evaluate(
            "a => { const o = document.querySelector(a[0]); o.scrollTop = a[1]; return o.scrollTop; }",
            [scroller, wanted],
        )
        page.wait_for_timeout(300)
        shown = min(height, total - int(got))
        clip = {"x": left, "y": top, "width": width, "height": shown}
        parts.append((top + int(got), page.screenshot(clip=clip)))
        if got + height >= total or wanted > total:
            break
        wanted = int(got) + height
    path.write_bytes(_stitch(parts, width, top + total))
    page.evaluate("sel => { document.querySelector(sel).scrollTop = 0; }", scroller)
    page.set_viewport_size(view)
    return width, top + total
