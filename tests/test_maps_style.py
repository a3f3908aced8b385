"""Maps and charts draw with one style and one label catalogue.

- every colour, colour map and marker lives in :mod:`diagnostic_lib.style`: no colour
  literal is left in ``maps/`` or ``charts/``;
- every label key the maps and charts read exists, in both languages;
- numbers on maps and charts go through :mod:`diagnostic_lib.formatting`;
- the old colour and label names still resolve from ``diagnostic_lib.maps``.
"""

from __future__ import annotations

import ast
import re
import warnings
from pathlib import Path

import numpy as np
import pytest

from diagnostic_lib import i18n, maps, style
from diagnostic_lib.maps.canvas import _compact

ROOT = Path(__file__).resolve().parents[1]
PACKAGE = ROOT / "src" / "diagnostic_lib"
DRAWING = sorted((PACKAGE / "maps").glob("*.py")) + sorted((PACKAGE / "charts").glob("*.py"))
COLOUR = re.compile(r"#[0-9a-fA-F]{3}(?:[0-9a-fA-F]{3})?\b")
NAMED = {"white", "black", "red", "blue", "green", "grey", "gray", "orange", "yellow"}
CMAPS = {"OrRd", "Reds", "YlOrRd", "RdBu_r", "viridis", "Blues", "Purples"}


def _strings(path: Path) -> list[tuple[int, str]]:
    """Every string constant of a file (docstrings included)."""
    tree = ast.parse(path.read_text(encoding="utf-8"))
    return [
        (n.lineno, n.value)
        for n in ast.walk(tree)
        if isinstance(n, ast.Constant) and isinstance(n.value, str)
    ]


@pytest.mark.parametrize("path", DRAWING, ids=lambda p: f"{p.parent.name}/{p.name}")
def test_no_colour_literal_outside_style(path):
    bad = [
        (line, text)
        for line, text in _strings(path)
        if COLOUR.search(text) or text in NAMED or text in CMAPS
    ]
    assert not bad, f"{path.name}: colours belong in style.py: {bad}"


@pytest.mark.parametrize("path", DRAWING, ids=lambda p: f"{p.parent.name}/{p.name}")
def test_every_label_key_read_exists(path):
    text = path.read_text(encoding="utf-8")
    keys = set(re.findall(r"""i18n\.t\(\s*["']([a-z_.]+[a-z])["']""", text))
    missing = sorted(k for k in keys if k not in i18n.LABELS)
    assert not missing, f"{path.name}: label keys not in the catalogue: {missing}"


def test_old_colour_and_label_names_resolve_from_maps():
    assert maps.PILLAR_COLOURS is style.PILLAR_COLOURS
    assert maps.FAMILY_COLOURS is style.FAMILY_COLOURS
    assert maps.LEVEL_COLOURS is style.LEVEL_COLOURS
    assert maps.HOT_COLOURS is style.HOT_COLOURS
    assert set(maps.PILLAR_MARKERS) == set(maps.PILLAR_SYMBOLS) == set(maps.PILLAR_COLOURS)
    assert maps.HOT_LABELS["hot_99"] == ("Point chaud (99 %)", "Hot spot (99%)")
    assert set(maps.HOT_LABELS) == set(style.HOT_COLOURS)


def test_every_class_has_a_colour():
    from diagnostic_lib import schema

    assert set(style.PILLAR_COLOURS) == set(schema.PILLARS)
    assert set(style.FAMILY_COLOURS) == set(schema.FAMILIES)
    assert list(style.LEVEL_COLOURS) == ["none", "weak", "partial", "strong"]


@pytest.mark.parametrize(
    ("value", "lang", "text"),
    [
        (200.0, "fr", "200"),
        (2.5, "fr", "2,5"),
        (0.33, "en", "0.33"),
        (1.25, "fr", "1,25"),
        (10000.0, "en", "10,000"),
        (10000.0, "fr", "10\xa0000"),
    ],
)
def test_compact_numbers_keep_only_the_decimals_they_need(value, lang, text):
    assert _compact(value, lang) == text


def test_legend_counts_and_classes_use_the_formatter():
    import geopandas as gpd
    import pandas as pd
    import shapely

    s = gpd.GeoDataFrame(
        {"sector_id": list("ABC")}, geometry=[shapely.box(i, 0, i + 1, 1) for i in range(3)]
    )
    values = pd.Series({"A": 1500.5, "B": 1500.5, "C": None})
    fig = maps.choropleth(s, values, title="t", legend_title="l", lang="fr", date="2026-01-01")
    assert maps.legend_labels(fig)[0] == "1\xa0500,5 (2)"  # one value, not "a – a"
    assert maps.legend_labels(fig)[-1] == "Aucune donnée (1)"


def test_polygons_drawn_from_one_array_are_the_rings_of_the_geometries():
    """Cells clipped at the town's edge (rings of different sizes), a multipolygon, a
    missing and an empty geometry, a line: every polygon's ring, and nothing else."""
    import shapely

    from diagnostic_lib.maps import canvas

    clipped = shapely.box(0, 0, 10, 10).intersection(shapely.Point(0, 0).buffer(12))
    multi = shapely.MultiPolygon([shapely.box(20, 0, 21, 1), shapely.box(22, 0, 23, 1)])
    geoms = [shapely.box(0, 0, 1, 1), clipped, None, shapely.Polygon(), multi]
    geoms.append(shapely.LineString([(0, 0), (5, 5)]))
    fig, ax = canvas.new_map()
    coll = canvas.add_polygons(ax, geoms, facecolor="red")
    rings = [shapely.box(0, 0, 1, 1), clipped, *multi.geoms]
    got = [p.vertices for p in coll.get_paths()]
    assert len(got) == 4
    for path, ring in zip(got, rings, strict=True):
        assert np.array_equal(path, shapely.get_coordinates(ring.exterior))
    holed = shapely.box(0, 0, 10, 10).difference(shapely.box(4, 4, 6, 6))
    assert len(canvas.add_polygons(ax, [holed, clipped]).get_paths()) == 2  # holes kept


def test_fisher_jenks_of_many_values_fits_on_evenly_ranked_ones(monkeypatch):
    """Quadratic breaks: beyond MAX_JENKS_VALUES, fitted on that many values, all classed."""
    import mapclassify

    from diagnostic_lib.maps import choropleths

    rng = np.random.default_rng(4)
    few = rng.gamma(2.0, 3.0, choropleths.MAX_JENKS_VALUES)
    bins, yb = choropleths._classes(few, "FisherJenks", 5)
    with warnings.catch_warnings():  # mapclassify without numba says it is slower
        warnings.filterwarnings("ignore", message="Numba not installed")
        exact = mapclassify.FisherJenks(few, k=5)
    assert np.allclose(bins, np.unique(exact.bins)) and (yb == exact.yb).all()
    fitted = []
    real = mapclassify.FisherJenks
    monkeypatch.setattr(
        mapclassify, "FisherJenks", lambda y, k: fitted.append(len(y)) or real(y, k=k)
    )
    # three groups of 10,000 values: each its own class, the largest value in the top one
    many = np.concatenate([rng.normal(m, 1.0, 10_000) for m in (10, 50, 100)])
    bins, yb = choropleths._classes(many, "FisherJenks", 3)
    assert fitted == [choropleths.MAX_JENKS_VALUES]
    assert bins[-1] == many.max() and len(bins) == 3
    assert [set(yb[i * 10_000 : (i + 1) * 10_000]) for i in range(3)] == [{0}, {1}, {2}]


def test_a_rate_map_says_no_rate_where_a_sector_has_incidents_but_no_population():
    import geopandas as gpd
    import numpy as np
    import pandas as pd
    import shapely

    s = gpd.GeoDataFrame(
        {"sector_id": list("ABC")}, geometry=[shapely.box(i, 0, i + 1, 1) for i in range(3)]
    )
    rates = pd.DataFrame(
        {
            "sector": list("ABC"),
            "period": [2024] * 3,
            "count": [10, 20, 30],
            "rate": [1.0, 2.0, np.nan],  # C has incidents, no population
        }
    )
    fig = maps.rate_map(rates, s, lang="en")
    assert maps.legend_labels(fig)[-1] == "No rate (population unknown) (1)"
    # a sector with no row at all has no data
    fig = maps.rate_map(rates[rates["sector"] != "C"], s, lang="en")
    assert maps.legend_labels(fig)[-1] == "No data (1)"
