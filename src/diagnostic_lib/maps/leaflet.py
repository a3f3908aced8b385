"""Leaflet embedded: the base of every interactive (folium) map, working offline.

Leaflet's script and style sheet (vendored in ``diagnostic_lib/data/leaflet``,
BSD-2) are written into the page as ``data:`` URIs, with a small shim for the
two uses folium makes of jQuery. Background tiles are optional (the
``[maps] tiles`` of the config, with its attribution). The scale is metric
only (folium's ``control_scale`` also shows feet and miles).

Examples
--------
>>> _asset_uri("leaflet.css", "text/css").startswith("data:text/css;base64,")
True
>>> import geopandas as gpd, shapely
>>> s84 = gpd.GeoSeries([shapely.box(-73.6, 45.5, -73.5, 45.6)], crs="EPSG:4326")
>>> html = _base_map(s84, None).get_root().render()
>>> "L.control.scale({metric: true, imperial: false})" in html, "L.control.scale()" in html
(True, False)
>>> t = TileSource("https://t.example.org/{z}/{x}/{y}.png", "© Example tiles")
>>> html = _base_map(s84, t, "en").get_root().render()
>>> import json
>>> "https://t.example.org/{z}/{x}/{y}.png" in html, json.dumps("© Example tiles") in html
(True, True)
"""

from __future__ import annotations

import base64
from importlib import resources

from .. import i18n
from ..tiles import TileSource

# folium's popups and "objects in front" call jQuery's ``$``; jQuery is not embedded, so this
# shim covers the two uses (parse an HTML string, document ready). Without it every popup
# throws "$ is not defined" in a browser and the map stops before its layer control.
_JQUERY_SHIM = (
    "window.$ = window.$ || function (a) {\n"
    '  if (typeof a === "string") {\n'
    '    var t = document.createElement("template"); t.innerHTML = a.trim();\n'
    "    return Array.prototype.slice.call(t.content.childNodes);\n"
    "  }\n"
    "  return {ready: function (f) {\n"
    '    if (document.readyState !== "loading") { f(); } else {'
    ' document.addEventListener("DOMContentLoaded", f); }\n'
    "  }};\n"
    "};"
)


def _leaflet_file(name: str) -> bytes:
    return (resources.files("diagnostic_lib") / "data" / "leaflet" / name).read_bytes()


def _asset_uri(name: str, mime: str) -> str:
    """A vendored Leaflet file as a ``data:`` URI (the style sheet with its images inlined)."""
    data = _leaflet_file(name)
    if name.endswith(".css"):
        text = data.decode("utf-8")
        for img in ("layers.png", "layers-2x.png"):
            b = _leaflet_file(img)
            text = text.replace(
                f"images/{img}", "data:image/png;base64," + base64.b64encode(b).decode("ascii")
            )
        data = text.encode("utf-8")
    return f"data:{mime};base64," + base64.b64encode(data).decode("ascii")


_METRIC_SCALE = (
    "{% macro script(this, kwargs) %}"
    "L.control.scale({metric: true, imperial: false}).addTo({{ this._parent.get_name() }});"
    "{% endmacro %}"
)
"""Leaflet's scale control in metres and kilometres only."""


def _metric_scale():
    """A metric-only scale control (a folium element, added to a map)."""
    from branca.element import MacroElement
    from jinja2 import Template

    el = MacroElement()
    el._template = Template(_METRIC_SCALE)
    return el


def _base_map(s84, tiles, lang: str = "fr"):
    """A folium map over the sectors (in WGS 84), with Leaflet embedded.

    ``tiles``: none, a name folium knows (``"OpenStreetMap"``), or a
    :class:`~diagnostic_lib.tiles.TileSource` (the ``[maps] tiles`` of the
    config: its URL and its attribution).
    """
    import folium

    b = s84.total_bounds
    m = folium.Map(
        location=[(b[1] + b[3]) / 2, (b[0] + b[2]) / 2],
        zoom_start=13,
        tiles=tiles if isinstance(tiles, str) else None,
        control_scale=False,
    )
    if isinstance(tiles, TileSource):
        folium.TileLayer(
            tiles=tiles.url,
            attr=tiles.attribution,
            name=i18n.t("maps.layer.basemap", lang),
            max_zoom=tiles.max_zoom,
            control=False,
        ).add_to(m)
    _metric_scale().add_to(m)
    shim = "data:text/javascript;base64," + base64.b64encode(_JQUERY_SHIM.encode()).decode()
    m.default_js = [
        ("leaflet", _asset_uri("leaflet.js", "text/javascript")),
        ("jquery_shim", shim),
    ]
    m.default_css = [("leaflet_css", _asset_uri("leaflet.css", "text/css"))]
    m.fit_bounds([[b[1], b[0]], [b[3], b[2]]])
    return m
