"""The Voilà dashboard without a browser: the notebook runs headless, and its library wiring.

These run even where no browser is available (tests/browser/test_voila.py drives the
served dashboard in Chromium).
"""

from __future__ import annotations

import html
import json
import re

import pytest

from diagnostic_lib import i18n, inventory, widgets

from ..test_notebooks import run_notebook
from .conftest import NOTEBOOKS_DIR

DASHBOARD = NOTEBOOKS_DIR / "dashboard.ipynb"
# what point-level data would look like in an output: coordinates or a point geometry
POINT_DATA = re.compile(
    r'POINT\s*\(|"type":\s*"Point"|L\.circleMarker\(|L\.marker\(|\b\d{6}\.\d+,\s*\d{7}\.\d+'
)
# a GeoJSON point as folium writes it: its longitude and latitude
POINT_COORDS = re.compile(
    r'"coordinates":\s*\[(-?\d+(?:\.\d+)?),\s*(-?\d+(?:\.\d+)?)\],\s*"type":\s*"Point"'
)


def point_data(text: str, places) -> list[str]:
    """Point-level data in ``text``: every point that is not a public named place.

    The maps' landmarks layer draws the places table (parks, stations, schools),
    which is public by nature; any other point, or a point written in any other
    way, is point-level data.
    """
    wgs = places.geometry.representative_point().to_crs(4326)
    allowed = {(round(p.x, 6), round(p.y, 6)) for p in wgs}
    found = [(round(float(x), 6), round(float(y), 6)) for x, y in POINT_COORDS.findall(text)]
    bad = [f"Point {p}" for p in found if p not in allowed]
    return bad + [m.group(0) for m in POINT_DATA.finditer(POINT_COORDS.sub("", text))]


def test_point_data_tells_landmarks_from_incidents(diag):
    place = diag.places.geometry.iloc[0]
    lon, lat = diag.places.iloc[[0]].to_crs(4326).geometry.iloc[0].coords[0]
    assert place.geom_type == "Point"
    landmark = f'{{"coordinates": [{lon!r}, {lat!r}], "type": "Point"}}'
    assert point_data(landmark, diag.places) == []
    moved = f'{{"coordinates": [{lon + 0.001!r}, {lat!r}], "type": "Point"}}'
    assert point_data(moved, diag.places) == [f"Point {(round(lon + 0.001, 6), round(lat, 6))}"]
    # the other order of keys, and WKT, are not excused
    assert point_data(f'{{"type": "Point", "coordinates": [{lon!r}, {lat!r}]}}', diag.places)
    assert point_data("POINT (1 2)", diag.places)


@pytest.fixture(scope="module")
def problems(diag):
    return inventory.run(diag, permutations=9).problems


def test_dashboard_committed_without_outputs():
    nb = json.loads(DASHBOARD.read_text(encoding="utf-8"))
    assert all(not c.get("outputs") and c.get("execution_count") is None for c in nb["cells"])
    assert "widgets" not in nb.get("metadata", {})
    first = "".join(nb["cells"][0]["source"])
    assert "Tableau de bord" in first and "dashboard" in first.lower() and "voila" in first


@pytest.mark.slow
def test_dashboard_notebook_runs_headless(tmp_path, diag):
    nb = run_notebook(DASHBOARD, tmp_path)
    outputs = [o for c in nb.cells if c.cell_type == "code" for o in c.get("outputs", [])]
    assert not [o for o in outputs if o.get("output_type") == "error"]
    stderr = [
        o.get("text", "")
        for o in outputs
        if o.get("output_type") == "stream" and o.get("name") == "stderr"
    ]
    assert not [s for s in stderr if "Warning" in s or "Traceback" in s], stderr
    views = [o for o in outputs if "application/vnd.jupyter.widget-view+json" in o.get("data", {})]
    assert len(views) == 1, "the dashboard cell displays one widget"
    # the widget state holds the dashboard's texts (key numbers, priority table, a sector's tables)
    state = html.unescape(json.dumps(nb.metadata.get("widgets", {}), ensure_ascii=False))
    for text in (
        "Chiffres clés",
        "Problèmes prioritaires",
        "Portrait d'un secteur",
        "diagnostic-table",
        "leaflet",
    ):
        assert text in state, f"{text!r} missing from the dashboard"
    found = point_data(state.replace('\\"', '"'), diag.places)
    assert not found, f"point-level data in the dashboard: {found[:3]}"


def test_dashboard_language_switch_changes_every_part(diag, problems):
    dash = widgets.dashboard(diag, problems, lang="fr")
    fr = {k: w.value for k, w in dash.outputs.items() if k in ("title", "key_numbers", "sector")}
    assert i18n.t("dash.title", "fr") in fr["title"] and "Chiffres clés" in fr["key_numbers"]
    assert "Famille" in fr["sector"] and dash.controls["sector"].description == "Secteur"
    dash.controls["lang"].value = "en"
    en = {k: w.value for k, w in dash.outputs.items() if k in ("title", "key_numbers", "sector")}
    assert i18n.t("dash.title", "en") in en["title"] and "Key numbers" in en["key_numbers"]
    assert "Family" in en["sector"] and "Famille" not in en["sector"]
    assert dash.controls["sector"].description == "Sector"
    assert "Problems" in dash.outputs["map"].value  # the interactive map's layer names follow
    prio = dash.outputs["priority"]
    assert prio.controls["severity"].description == "Severity"


def test_dashboard_sliders_keep_their_weights_and_rerank(diag, problems):
    dash = widgets.dashboard(diag, problems, lang="fr")
    before = dash.outputs["priority"].outputs["table"].value
    sector_before = dash.outputs["sector"].value
    dash.outputs["priority"].controls["severity"].value = 0.0
    assert dash.outputs["priority"].outputs["table"].value != before
    # the sector's problems follow the new ranking
    ranks = inventory.priority(problems, weights=dash.outputs["priority"].values())
    assert dash.outputs["sector"].value != sector_before or ranks["rank"].is_monotonic_increasing
    dash.controls["lang"].value = "en"  # the weights survive a language switch
    assert dash.outputs["priority"].controls["severity"].value == 0.0


def test_dashboard_sector_picker(diag, problems):
    dash = widgets.dashboard(diag, problems, lang="en")
    dash.controls["sector"].value = "S07"
    prof = dash.result
    assert prof["header"].loc[0, "sector"] == "S07"
    assert "Vieux-Moulin" in dash.outputs["sector"].value
    plain = dash.compute(lang="en", sector="S07")  # the same computation, called plainly
    for k in ("rates", "problems", "measures"):
        assert plain[k].equals(prof[k])


def test_key_numbers_have_denominators(diag, problems):
    k = widgets.key_numbers(diag, problems, lang="en")
    n = len(diag.incidents)
    assert k.loc["incidents", "value"] == n
    assert k.loc["located", "denominator"] == n and 0 < k.loc["located", "value"] < n
    assert k.loc["in_problems", "denominator"] == n
    assert k.loc["measures", "denominator"] == len(diag.measures)
    assert k.loc["unsafe_night", "denominator"] == len(diag.survey)
    years = 4  # the sample covers 2022-2025
    pop = diag.sectors["population"].sum()
    assert k.loc["rate", "value"] == pytest.approx(n / years / pop * 1000)
    assert f"out of {n:,} incidents" in k.loc["located", "detail"]
    fr = widgets.key_numbers(diag, problems, lang="fr")
    assert f"sur {n:,} incidents".replace(",", "\xa0") in fr.loc["located", "detail"]


def test_sector_profile_suppresses_small_counts(diag, problems):
    prof = widgets.sector_profile(diag, problems, "S05", lang="en", small_count=50)
    rates = prof["rates"]
    small = rates[rates["Count"].astype(str).str.startswith("<")]
    assert len(small) and (small["Count"] == "< 50").all()
    assert (small["Rate per 1,000 residents"] == "—").all() and (small["95% CI"] == "—").all()
    shown = rates.drop(small.index)
    assert all(
        int(str(v).replace(",", "")) >= 50 for v in shown["Count"]
    )  # zero is a small count too
    with pytest.raises(KeyError, match="unknown sector"):
        widgets.sector_profile(diag, problems, "S99")


def test_sector_profile_lists_problems_and_measures_of_the_sector(diag, problems):
    prof = widgets.sector_profile(diag, problems, "S01", lang="fr")
    titles = prof["problems"]["Problème"].tolist()
    expected = problems[problems["sectors"].map(lambda s: "S01" in s)]["title_fr"].tolist()
    assert sorted(titles) == sorted(expected)
    ranks = [int(r) for r in prof["problems"]["Rang"]]
    assert ranks == sorted(ranks)
    names = prof["measures"]["Mesure"].tolist()
    whole = diag.measures.loc[diag.measures["footprint"] == "municipality", "name"].tolist()
    assert set(whole) <= set(names)  # municipality-wide measures act in every sector
    none = diag.measures.loc[diag.measures["footprint"] == "none", "name"].tolist()
    assert not set(none) & set(names)
