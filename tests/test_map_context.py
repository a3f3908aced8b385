"""Maps with context (issue 16, item 6): landmarks and optional background tiles.

- :func:`diagnostic_lib.inventory.landmarks` chooses a few named places: near
  what a map shows, by kind, apart from each other, never twice the same name;
- the report's maps draw them (a marker and a name, off every other text, in
  the legend as "Repères" / "Landmarks") and pass the layout check; the
  interactive maps have a landmarks layer the reader can hide;
- background tiles only when ``[maps] tiles`` names a source: none by default
  (no request at all), drawn with their attribution from a local provider, and
  an unreachable source gives maps without tiles and one sentence in the report.
"""

from __future__ import annotations

import dataclasses
import io
import json
import urllib.request
from html import unescape

import geopandas as gpd
import matplotlib.pyplot as plt
import numpy as np
import pandas as pd
import pytest
import shapely
from PIL import Image

from diagnostic_lib import config, i18n, inventory, layout, maps, tiles
from diagnostic_lib.errors import ConfigError
from diagnostic_lib.inventory import map_landmarks
from diagnostic_lib.maps.canvas import draw_landmarks, draw_sectors
from diagnostic_lib.report import builder
from diagnostic_lib.report.sections.methods import map_context
from diagnostic_lib.tiles import reachable_tiles

CRS = "EPSG:32188"


def _places(rows):
    ids, kinds, names, xy = zip(*rows, strict=True)
    return gpd.GeoDataFrame(
        {"place_id": list(ids), "kind": list(kinds), "name": list(names)},
        geometry=[shapely.Point(x, y) for x, y in xy],
        crs=CRS,
    )


# ----------------------------------------------------------------------------
# choosing the landmarks
# ----------------------------------------------------------------------------
def test_kind_weights_match_whole_words_only():
    kinds = {"park": 0.9, "ecole": 0.7, "station": 1.0, "other": 0.2}
    assert inventory.kind_weight("park", kinds) == 0.9
    assert inventory.kind_weight("parking", kinds) == 0.2  # not a park
    assert inventory.kind_weight("ecole_primaire", kinds) == 0.7
    assert inventory.kind_weight("station_de_metro", kinds) == 1.0
    assert inventory.kind_weight("bar", {"park": 0.9}) == 0.0  # no 'other': never a landmark


def test_landmarks_are_named_spaced_distinct_and_near_what_the_map_shows():
    p = _places(
        [
            ("a", "shopping_centre", "Carrefour", (5000, 5000)),  # far from the hot cell
            ("b", "park", "Parc riverain", (120, 0)),
            ("c", "transit_stop", "Arrêt Quai", (150, 30)),  # too close to b
            ("d", "park", None, (0, 0)),  # no name
            ("e", "park", "Parc riverain", (900, 0)),  # the same name again
            ("f", "bar", "Le Fût", (0, 10)),  # weight 0 below
            ("g", "school", "École des Pins", (600, 0)),
            ("h", "park", "Parc hors ville", (50000, 0)),  # outside the area
        ]
    )
    p.index = [10, 11, 12, 13, 14, 15, 16, 17]
    hot = gpd.GeoSeries([shapely.box(-100, -100, 100, 100)], crs=CRS)
    area = gpd.GeoSeries([shapely.box(-1000, -1000, 6000, 6000)], crs=CRS)
    kinds = {"shopping_centre": 1.0, "park": 0.9, "transit_stop": 0.8, "school": 0.7}
    lm = inventory.landmarks(p, near=hot, area=area, n=5, spacing_m=200, reach_m=400, kinds=kinds)
    assert lm["name"].tolist() == ["Parc riverain", "École des Pins", "Carrefour"]
    assert lm.index.tolist() == [11, 16, 10]  # the places' own rows
    assert lm["rank"].tolist() == [1, 2, 3]
    assert lm["distance_m"].round().tolist() == [20.0, 500.0, 6930.0]
    assert lm.attrs["n"] == 5
    # without what the map shows: by kind alone
    alone = inventory.landmarks(p, area=area, n=2, spacing_m=200, kinds=kinds)
    assert alone["name"].tolist() == ["Carrefour", "Parc riverain"]
    assert alone["distance_m"].isna().all()


def test_no_places_no_landmarks():
    assert inventory.landmarks(None).empty
    p = _places([("a", "park", "Parc", (0, 0))])
    assert inventory.landmarks(p, n=0).empty
    assert list(inventory.landmarks(p, n=0).columns) == list(inventory.landmarks(p).columns)


def test_the_sample_landmarks_follow_the_map(diag, steps_inventory):
    inv = steps_inventory
    hot = inv.hot_spots[inv.hot_spots["hot_class"].str.startswith("hot")]
    on_hot = map_landmarks(diag, hot)
    everywhere = map_landmarks(diag)
    n = diag.config.param("landmarks")
    assert on_hot.attrs["n"] == n and len(on_hot) == 2 * n  # with as many spares
    assert set(on_hot["place_id"]) != set(everywhere["place_id"])
    assert (on_hot["distance_m"].iloc[:n] < 300).all()
    assert on_hot["name"].is_unique and set(on_hot["name"]) <= set(diag.places["name"])


@pytest.fixture(scope="module")
def steps_inventory(diag):
    return inventory.run(diag, permutations=99)


# ----------------------------------------------------------------------------
# drawing them
# ----------------------------------------------------------------------------
@pytest.mark.parametrize("lang", ["fr", "en"])
def test_the_hot_spot_map_shows_landmarks_in_its_legend_and_passes_the_layout_check(
    diag, steps_inventory, lang
):
    inv = steps_inventory
    hot = inv.hot_spots[inv.hot_spots["hot_class"].str.startswith("hot")]
    lm = map_landmarks(diag, hot)
    fig = maps.hot_spot_map(inv.hot_spots, diag.sectors, lang=lang, landmarks=lm)
    ax = fig.axes[0]
    names = set(lm["name"])
    written = [t for t in ax.texts if t.get_text().replace("\n", " ") in names]
    assert len(written) == lm.attrs["n"]
    assert i18n.t("maps.landmarks", lang) in maps.legend_labels(fig)
    markers = [c for c in ax.collections if c.get_gid() == layout.BACKGROUND_GID]
    assert any(len(c.get_offsets()) == len(written) for c in markers)
    assert layout.layout_problems(fig).empty
    plain = maps.hot_spot_map(inv.hot_spots, diag.sectors, lang=lang)
    assert i18n.t("maps.landmarks", lang) not in maps.legend_labels(plain)


def test_a_landmark_under_a_sector_name_is_left_out_for_a_spare():
    fig, ax = plt.subplots(figsize=(5, 4), layout="constrained")
    sectors = gpd.GeoDataFrame(
        {"sector_id": ["S1"], "name": ["Centre-ville"]},
        geometry=[shapely.box(0, 0, 1000, 1000)],
    )
    draw_sectors(ax, sectors)  # "Centre-ville" written at (500, 500)
    ax.set_xlim(0, 1000)
    ax.set_ylim(0, 1000)
    lm = gpd.GeoDataFrame(
        {"name": ["Sous le nom", "Parc", "Gare"]},
        geometry=[shapely.Point(500, 500), shapely.Point(200, 200), shapely.Point(800, 800)],
    )
    lm.attrs["n"] = 1
    assert draw_landmarks(ax, lm) == ["Parc"]  # the first hidden, one at most
    assert layout.layout_problems(fig).empty


def test_interactive_maps_have_a_landmarks_layer(diag):
    lm = inventory.landmarks(diag.places, area=diag.sectors, n=4)
    html = maps.interactive_map(diag.sectors, lang="en", landmarks=lm).get_root().render()
    assert json.dumps("Landmarks") in html  # a layer of the layer control
    assert all(name in html or json.dumps(name)[1:-1] in html for name in lm["name"])
    plain = maps.interactive_map(diag.sectors, lang="en").get_root().render()
    assert json.dumps("Landmarks") not in plain


# ----------------------------------------------------------------------------
# background tiles
# ----------------------------------------------------------------------------
def _png(colour=(200, 180, 150)) -> bytes:
    buf = io.BytesIO()
    Image.new("RGB", (256, 256), colour).save(buf, "PNG")
    return buf.getvalue()


@pytest.fixture
def local_tiles(tmp_path, diag):
    """A tile provider in a folder (file://), zooms 0 to 3 over the sample."""
    lon, lat = diag.sectors.to_crs(4326).union_all().centroid.coords[0]
    for z in range(4):
        x, y = tiles.tile_index(lon, lat, z)
        folder = tmp_path / str(z) / str(x)
        folder.mkdir(parents=True)
        (folder / f"{y}.png").write_bytes(_png())
    url = tmp_path.as_uri() + "/{z}/{x}/{y}.png"
    return tiles.tile_source(url, "© Tuiles de test", max_zoom=3)


@pytest.fixture
def no_network(monkeypatch):
    """Fail on any request that leaves the machine (file:// stays allowed)."""
    real = urllib.request.urlopen
    calls = []

    def guarded(request, *args, **kwargs):
        url = getattr(request, "full_url", request)
        calls.append(url)
        if not str(url).startswith("file:"):
            raise AssertionError(f"network request: {url}")
        return real(request, *args, **kwargs)

    monkeypatch.setattr(urllib.request, "urlopen", guarded)
    return calls


def test_by_default_maps_have_no_tiles_and_ask_nothing(diag, no_network):
    assert diag.config.tiles is None
    assert reachable_tiles(diag) is None
    fig = maps.rate_map(
        inventory.rates(diag.incidents, diag.sectors, by=None, period="year"), diag.sectors
    )
    assert not fig.axes[0].images and no_network == []


def test_a_local_tile_provider_is_drawn_under_the_map_with_its_attribution(
    diag, local_tiles, no_network
):
    fig = maps.overview_map(
        diag.sectors, diag.incidents, lang="en", source="Ville", tiles=local_tiles
    )
    ax = fig.axes[0]
    assert len(ax.images) == 1 and ax.images[0].get_zorder() < 1
    rgba = ax.images[0].get_array()
    assert rgba[..., 3].mean() > 0.99  # the whole map covered
    assert abs(float(rgba[..., 0].mean()) - 200 / 255) < 0.01
    notes = [t.get_text() for t in ax.texts if t.get_text().startswith("Source")]
    assert len(notes) == 1 and notes[0].startswith("Source: Ville — ")
    assert notes[0].endswith("\nBasemap: © Tuiles de test")
    assert no_network and all(u.startswith("file:") for u in no_network)
    assert layout.layout_problems(fig).empty


def test_unreachable_tiles_give_a_map_without_tiles(diag, steps_inventory, no_network):
    gone = tiles.TileSource("file:///nonexistent/tiles/{z}/{x}/{y}.png", "© Nowhere")
    fig = maps.hot_spot_map(steps_inventory.hot_spots, diag.sectors, tiles=gone)
    ax = fig.axes[0]
    assert not ax.images
    assert not any("Nowhere" in t.get_text() for t in ax.texts)


def test_the_basemap_is_resampled_into_the_map_crs():
    def quadrants(source, z, x, y):  # one colour a tile: the seams show where tiles meet
        return _png(((x * 40) % 256, (y * 40) % 256, 0))

    src = tiles.TileSource("fake/{z}/{x}/{y}", "©", max_zoom=14)
    img = tiles.basemap(src, (296000, 5040000, 300000, 5043000), CRS, (40, 400), fetch=quadrants)
    assert img.shape == (40, 400, 4) and (img[..., 3] == 1).all()
    assert len({tuple(p) for p in img[..., :2].reshape(-1, 2).round(3)}) > 1  # several tiles


def test_a_tile_that_is_not_an_image_is_a_tile_error():
    src = tiles.TileSource("fake/{z}/{x}/{y}", "©")
    with pytest.raises(tiles.TileError):
        tiles.basemap(src, (0, 5000000, 100, 5000100), CRS, (4, 4), fetch=lambda *a: b"<html>")


def test_interactive_maps_use_the_configured_tiles_and_attribution(diag):
    src = tiles.tile_source("https://tiles.example.org/{z}/{x}/{y}.png", "© Example")
    html = maps.interactive_map(diag.sectors, lang="fr", tiles=src).get_root().render()
    assert "https://tiles.example.org/{z}/{x}/{y}.png" in html
    assert json.dumps("© Example") in html
    plain = maps.interactive_map(diag.sectors, lang="fr").get_root().render()
    assert "L.tileLayer" not in plain and "openstreetmap" not in plain.lower()


# ----------------------------------------------------------------------------
# [maps] in diagnostic.toml
# ----------------------------------------------------------------------------
def test_maps_tiles_in_the_config():
    assert config.config_from_dict({}).tiles is None
    assert config.config_from_dict({"maps": {"tiles": ""}}).tiles is None
    osm = config.config_from_dict({"maps": {"tiles": "OpenStreetMap.Mapnik"}}).tiles
    assert osm.url == "https://tile.openstreetmap.org/{z}/{x}/{y}.png"
    assert osm.attribution == "© OpenStreetMap contributors"
    own = config.config_from_dict(
        {"maps": {"tiles": "https://t.example.org/{z}/{x}/{y}.png", "attribution": "© T"}}
    ).tiles
    assert (own.attribution, own.name) == ("© T", "t.example.org")
    bad = [
        ({"tiles": "https://t.example.org/{z}/{x}/{y}.png"}, "attribution"),
        ({"tiles": "OpenStreetMap.Nowhere"}, "OpenStreetMap.Mapnik"),
        ({"tiles": "OpenStreetMap.Mapnik", "colour": "red"}, "colour"),
        ({"tiles": 3}, "max_zoom"),
    ]
    for maps_table, said in bad:
        with pytest.raises(ConfigError, match=said):
            config.config_from_dict({"maps": maps_table})


# ----------------------------------------------------------------------------
# the report
# ----------------------------------------------------------------------------
def test_the_report_says_once_that_the_tiles_could_not_be_loaded(
    diag, steps_inventory, tmp_path, monkeypatch, no_network
):
    gone = tiles.TileSource("file:///nonexistent/{z}/{x}/{y}.png", "© Nowhere", "Nowhere")
    d = dataclasses.replace(diag, config=dataclasses.replace(diag.config, tiles=gone))
    monkeypatch.setattr(builder, "write_workbook", lambda *a, **k: None)
    html = builder.write_report(d, steps_inventory, out=tmp_path, lang="fr").read_text("utf-8")
    said = i18n.t("report.methods.basemap_unreachable", "fr", name="Nowhere")
    assert unescape(html).count(said) == 1
    assert "© Nowhere" not in html
    assert len(no_network) == 1  # one probe, then no map asks again
    en = map_context(d, None, "en")
    assert i18n.t("report.methods.basemap_unreachable", "en", name="Nowhere") in en


def test_the_report_names_the_tiles_it_drew(diag, local_tiles):
    d = dataclasses.replace(diag, config=dataclasses.replace(diag.config, tiles=local_tiles))
    assert reachable_tiles(d) == local_tiles
    text = map_context(d, local_tiles, "en")
    assert "© Tuiles de test" in text and text.startswith("Landmarks:")


@pytest.mark.parametrize("lang", ["fr", "en"])
def test_every_label_of_the_map_context_exists_in_both_languages(lang):
    for key in (
        "maps.landmarks",
        "maps.layer.landmarks",
        "maps.basemap_note",
        "report.methods.landmarks",
        "report.methods.basemap",
        "report.methods.basemap_unreachable",
    ):
        assert i18n.LABELS[key][("fr", "en").index(lang)].strip()


def test_frames_with_missing_names_are_not_landmarks():
    p = _places([("a", "park", "Parc", (0, 0)), ("b", "park", "  ", (1000, 0))])
    p["name"] = pd.array(["Parc", None], dtype="str")
    assert inventory.landmarks(p)["name"].tolist() == ["Parc"]


def test_landmark_distances_are_to_the_union_of_what_the_map_shows():
    # the nearest of many overlapping shapes (with holes, in several parts) and the area's
    # sectors read without their union: the same distances and places as with it
    rng = np.random.default_rng(7)
    xy = rng.uniform(0, 1000, (300, 2))
    places = gpd.GeoDataFrame(
        {
            "place_id": [f"p{k}" for k in range(300)],
            "kind": ["park"] * 300,
            "name": [f"Lieu {k}" for k in range(300)],
        },
        geometry=shapely.points(xy),
        crs=32188,
    )
    near = gpd.GeoSeries(
        [
            shapely.Point(200, 200).buffer(80).difference(shapely.Point(200, 200).buffer(30)),
            shapely.box(150, 150, 400, 260),
            shapely.MultiPolygon([shapely.box(700, 700, 720, 720), shapely.box(900, 50, 950, 90)]),
            None,
        ],
        crs=32188,
    )
    sectors = gpd.GeoSeries([shapely.box(0, 0, 500, 1000), shapely.box(500, 0, 900, 1000)])
    lm = inventory.landmarks(places, near=near, area=sectors, n=300, spacing_m=0)
    union = near.dropna().union_all()
    want = shapely.distance(lm.geometry.array, union)
    assert np.allclose(lm["distance_m"].to_numpy(), want)
    inside = places.geometry.intersects(sectors.union_all())
    assert set(lm["place_id"]) == set(places.loc[inside, "place_id"])
    assert (lm["distance_m"] == 0).any() and (lm["distance_m"] > 0).any()
