"""Interactive maps (folium, Leaflet embedded): the diagnosis map and the measures map.

Both work offline (see :mod:`diagnostic_lib.maps.leaflet`) and have a layer
control, with a landmarks layer when given; background tiles are optional
(``tiles="OpenStreetMap"``, or the config's ``[maps] tiles``).

Examples
--------
>>> from diagnostic_lib import style
>>> _fill(style.PALETTE[0], 0.5)["fillColor"] == style.PALETTE[0]
True
"""

from __future__ import annotations

import html as html_mod

import numpy as np

from .. import formatting as fmt
from .. import i18n, inventory, style
from .. import taxonomy as taxonomy_mod
from .footprints import _GEOMETRIC, _footprints, _pillar_order
from .hot_spots import hot_label
from .leaflet import _base_map


def _fill(
    colour: str, opacity: float, weight: float = 2, *, dashed: bool = False, dash: str | None = None
) -> dict:
    """A Leaflet path style with one colour for outline and fill (``dash`` when ``dashed``)."""
    out: dict = {"color": colour, "weight": weight}
    if dashed:
        out["dashArray"] = dash
    out.update(fillColor=colour, fillOpacity=opacity)
    return out


# ---------------------------------------------------------------------------- diagnosis map
def _sectors_layer(m, s84, lang: str) -> None:
    import folium

    cols = [c for c in ("sector_id", "name", "population") if c in s84.columns]
    aliases = [
        i18n.t("word.sector", lang),
        i18n.t("maps.field.name", lang),
        i18n.t("word.population", lang),
    ]
    folium.GeoJson(
        s84[cols + ["geometry"]],
        name=i18n.t("maps.layer.sectors", lang),
        style_function=lambda _: {
            "color": style.WEB["sector"],
            "weight": 1.5,
            "fillOpacity": 0.05,
        },
        tooltip=folium.GeoJsonTooltip(fields=cols[:2]),
        popup=folium.GeoJsonPopup(fields=cols, aliases=aliases[: len(cols)]),
    ).add_to(m)


def _landmarks_layer(m, landmarks, lang: str) -> None:
    """Landmarks (named places), a layer the reader can hide, named on hover."""
    import folium
    import geopandas as gpd

    lm = landmarks[landmarks.geometry.notna() & ~landmarks.geometry.is_empty]
    if not len(lm):
        return
    texts = lm["kind_label"] if "kind_label" in lm.columns else [""] * len(lm)
    kind = [
        inventory.facility_label(str(k), lang, str(t))
        for k, t in zip(lm["kind"], texts, strict=True)
    ]
    points = gpd.GeoDataFrame(
        {"nom": lm["name"].astype(str).to_numpy(), "type": kind},
        geometry=lm.geometry.representative_point().to_numpy(),
        crs=lm.crs,
    ).to_crs(4326)
    fg = folium.FeatureGroup(name=i18n.t("maps.layer.landmarks", lang), show=True)
    folium.GeoJson(
        points,
        marker=folium.CircleMarker(radius=4, fill=True, fill_opacity=0.9, weight=1),
        style_function=lambda _: {"color": style.PAPER, "fillColor": style.LANDMARK},
        tooltip=folium.GeoJsonTooltip(fields=["nom", "type"], labels=False),
    ).add_to(fg)
    fg.add_to(m)


def _hot_layer(m, hot, lang: str) -> None:
    import folium

    sig = hot[hot["hot_class"] != "not_significant"].to_crs(4326)
    if not len(sig):
        return
    sig = sig.assign(classe=[hot_label(c, lang) for c in sig["hot_class"]], z=sig["gi_z"].round(2))
    folium.GeoJson(
        sig[["cell_id", "count", "z", "classe", "hot_class", "geometry"]],
        name=i18n.t("maps.layer.hot_spots", lang),
        style_function=lambda f: _fill(style.HOT_COLOURS[f["properties"]["hot_class"]], 0.6, 0.5),
        popup=folium.GeoJsonPopup(fields=["cell_id", "count", "z", "classe"]),
    ).add_to(m)


def _emerging_layer(m, emerging, lang: str) -> None:
    """Emerging hot spots: the cells with a pattern, coloured by class (hidden at first)."""
    import folium

    cells = emerging[~emerging["pattern"].isin(("no_pattern", "not_enough_data"))]
    if not len(cells):
        return
    cells = cells.to_crs(4326)
    cells = cells.assign(
        classe=[inventory.emerging_label(c, lang) for c in cells["pattern"]],
        tendance=cells["trend_tau"].round(2),
        n=cells["n_hot"] + cells["n_cold"],
    )
    fg = folium.FeatureGroup(name=i18n.t("maps.layer.emerging", lang), show=False)
    folium.GeoJson(
        cells[["cell_id", "classe", "n", "tendance", "pattern", "geometry"]],
        style_function=lambda f: _fill(
            style.EMERGING_COLOURS[f["properties"]["pattern"]], 0.6, 0.5
        ),
        popup=folium.GeoJsonPopup(
            fields=["cell_id", "classe", "n", "tendance"],
            aliases=[
                "cell_id",
                i18n.t("maps.field.emerging_class", lang),
                i18n.t("maps.field.significant_slices", lang),
                "Mann–Kendall tau",
            ],
        ),
    ).add_to(fg)
    fg.add_to(m)


def _incident_layers(m, incidents, tax, lang: str, max_points: int, seed: int) -> None:
    """One layer per category (the first three shown), a seeded sample of at most ``max_points``."""
    import folium

    loc = incidents[incidents.geometry.notna() & ~incidents.geometry.is_empty]
    if len(loc) > max_points:
        loc = loc.sample(max_points, random_state=seed)
    loc = loc.to_crs(4326)
    col = "label_fr" if lang == "fr" else "label_en"
    for i, (cat, sub) in enumerate(loc.groupby("category", sort=True)):
        name = tax[col].get(cat, cat)
        fg = folium.FeatureGroup(name=f"{name} ({fmt.integer(len(sub), lang)})", show=i < 3)
        colour = style.palette_colour(i)
        # one GeoJSON layer per category: a marker object per point costs a template each
        pts = sub[["geometry"]].assign(
            what=name, when=sub["occurred_from"].dt.strftime("%Y-%m-%d %H:%M")
        )
        folium.GeoJson(
            pts,
            marker=folium.CircleMarker(radius=3, fill=True, fill_opacity=0.7, weight=0),
            style_function=lambda _, c=colour: {"color": c, "fillColor": c},
            popup=folium.GeoJsonPopup(fields=["what", "when"], labels=False),
        ).add_to(fg)
        fg.add_to(m)


def _problems_layer(m, problems, lang: str) -> None:
    import folium

    fr = lang == "fr"
    tcol = "title_fr" if fr else "title_en"
    pb = problems[(problems["kind"] != "municipality") & problems.geometry.notna()].to_crs(4326)
    if not len(pb):
        return
    pb = pb.assign(titre=pb[tcol], n=pb["n_incidents"])
    folium.GeoJson(
        pb[["problem_id", "titre", "n", "geometry"]],
        name=i18n.t("maps.layer.problems", lang),
        style_function=lambda _: {
            "color": style.WEB["problem"],
            "weight": 2,
            "fillOpacity": 0.15,
        },
        popup=folium.GeoJsonPopup(
            fields=["problem_id", "titre", "n"],
            aliases=["id", i18n.t("maps.field.problem", lang), "n"],
        ),
    ).add_to(m)


def _measure_layers(m, measures, lang: str) -> None:
    import folium

    fr = lang == "fr"
    geo = measures[measures.geometry.notna()].to_crs(4326)
    for pillar, sub in geo.groupby("pillar", sort=True):
        colour = style.pillar_colour(pillar)
        ncol = "name" if fr else "name_en"
        folium.GeoJson(
            sub[["measure_id", ncol, "kind", "geometry"]].rename(columns={ncol: "nom"}),
            name=i18n.t("maps.layer.measures", lang, pillar=i18n.label("pillar", pillar, lang)),
            style_function=lambda _, c=colour: _fill(c, 0.25, 3),
            marker=folium.CircleMarker(radius=6, fill=True, fill_opacity=0.9),
            popup=folium.GeoJsonPopup(fields=["measure_id", "nom", "kind"]),
        ).add_to(m)


def _walks_layer(m, walks, lang: str) -> None:
    """Safety-walk observations, one layer: category colour, popup without the free text."""
    import folium

    w = walks[walks.geometry.notna()].to_crs(4326)
    if not len(w):
        return
    sev = walks.loc[w.index, "severity"]
    view = w.assign(
        categorie=[i18n.t(f"walk.category.{c}", lang) for c in w["category"].astype(str)],
        gravite=[
            i18n.t(f"walk.severity.{int(v)}", lang) if v == v and v in (1, 2, 3) else "—"
            for v in sev
        ],
        marche=w["walk_name"].astype(str).where(w["walk_name"].notna(), ""),
        colour=[style.WALK_COLOURS.get(str(c), style.FALLBACK) for c in w["category"]],
    )[["observation_id", "categorie", "gravite", "marche", "colour", "geometry"]]
    n = fmt.integer(len(view), lang)
    folium.GeoJson(
        view,
        name=f"{i18n.t('table.walks', lang)} ({n})",
        style_function=lambda f: _fill(f["properties"]["colour"], 0.8, 4),
        marker=folium.CircleMarker(radius=7, fill=True, fill_opacity=0.9),
        popup=folium.GeoJsonPopup(
            fields=["observation_id", "categorie", "gravite", "marche"],
            aliases=[
                "id",
                i18n.t("walk.col.category", lang),
                i18n.t("walk.col.severity", lang),
                i18n.t("walk.col.walk", lang),
            ],
        ),
    ).add_to(m)


def interactive_map(  # noqa: PLR0913 -- public signature kept for backward compatibility
    sectors,
    *,
    incidents=None,
    hot=None,
    problems=None,
    measures=None,
    lang: str = "fr",
    taxonomy=None,
    tiles=None,
    max_points: int = 5_000,
    seed: int = 0,
    landmarks=None,
    emerging=None,
    walks=None,
):
    """An interactive Leaflet map (folium) with a layer control.

    Layers: sectors (with popups), incidents by category (one layer each, a
    seeded sample of at most ``max_points`` points), hot spots by Gi* class,
    emerging hot spots by class,
    problems, and preventive measures by pillar. Leaflet itself is embedded
    (vendored, BSD-2), so the map works without network; background tiles are
    optional (``tiles="OpenStreetMap"``) and the map still works when they
    cannot load.

    Parameters
    ----------
    sectors : GeoDataFrame
        Canonical sectors.
    incidents, hot, problems, measures : GeoDataFrame, optional
        Layers: canonical incidents, the hot-spot grid, the problem register,
        canonical measures.
    lang : {"fr", "en"}
        Language.
    taxonomy : DataFrame, optional
        Category labels (default: the library's taxonomy).
    tiles : str or TileSource, optional
        Background tiles (none by default): a name folium knows, or the
        ``[maps] tiles`` of the config (:class:`diagnostic_lib.tiles.TileSource`,
        with its attribution).
    max_points : int
        Most incidents drawn.
    seed : int
        Seed of the incidents' sample.
    landmarks : GeoDataFrame, optional
        Named places (:func:`diagnostic_lib.inventory.landmarks`): a layer of
        their own, which the reader can hide.
    emerging : GeoDataFrame, optional
        Emerging hot spots (:func:`diagnostic_lib.inventory.emerging_hot_spots`):
        a layer of the cells with a pattern, hidden at first.
    walks : GeoDataFrame, optional
        Safety-walk observations (:func:`diagnostic_lib.loaders.load_walks`): a
        layer coloured by category; their free text is never shown.

    Returns
    -------
    folium.Map

    Examples
    --------
    >>> import geopandas as gpd, shapely
    >>> s = gpd.GeoDataFrame({"sector_id": ["A"], "name": ["Centre"], "population": [100.0]},
    ...     geometry=[shapely.box(300000, 5040000, 301000, 5041000)], crs="EPSG:32188")
    >>> m = interactive_map(s, lang="en")
    >>> html = m.get_root().render()
    >>> "L.control.layers" in html and "cdn.jsdelivr" not in html
    True
    """
    import folium

    tax = taxonomy if taxonomy is not None else taxonomy_mod.load_taxonomy()
    s84 = sectors.to_crs(4326)
    m = _base_map(s84, tiles, lang)
    _sectors_layer(m, s84, lang)
    if hot is not None and len(hot):
        _hot_layer(m, hot, lang)
    if emerging is not None and len(emerging):
        _emerging_layer(m, emerging, lang)
    if incidents is not None and len(incidents):
        _incident_layers(m, incidents, tax, lang, max_points, seed)
    if problems is not None and len(problems):
        _problems_layer(m, problems, lang)
    if measures is not None and len(measures):
        _measure_layers(m, measures, lang)
    if walks is not None and len(walks):
        _walks_layer(m, walks, lang)
    if landmarks is not None and len(landmarks):
        _landmarks_layer(m, landmarks, lang)
    folium.LayerControl(collapsed=False).add_to(m)
    return m


# ---------------------------------------------------------------------------- measures map
def _hot_shade_layer(m, hot, lang: str) -> None:
    import folium

    h = hot[hot["hot_class"].isin(["hot_99", "hot_95"])]
    if not len(h):
        return
    folium.GeoJson(
        h[["cell_id", "geometry"]].to_crs(4326),
        name=i18n.t("maps.hot_spots_95", lang),
        style_function=lambda _: _fill(style.WEB["hot_shade"], 0.45, 0),
    ).add_to(m)


def _coverage_layer(m, problems, by_problem, lang: str) -> None:
    """Place and area problems, coloured by their coverage level when it is known."""
    import folium

    fr = lang == "fr"
    pb = problems[(problems["kind"] != "municipality") & problems.geometry.notna()]
    if not len(pb):
        return
    tcol = "title_fr" if fr else "title_en"
    lv = (
        dict(zip(by_problem["problem_id"], by_problem["level"], strict=True))
        if by_problem is not None
        else {}
    )
    no_level = style.WEB["no_level"]
    pb = pb.assign(
        titre=pb[tcol].astype(str),
        couverture=[i18n.t(f"coverage.{lv[p]}", lang) if p in lv else "" for p in pb["problem_id"]],
        _c=[style.LEVEL_COLOURS.get(lv.get(p, ""), no_level) for p in pb["problem_id"]],
    )
    folium.GeoJson(
        pb[["problem_id", "titre", "couverture", "_c", "geometry"]].to_crs(4326),
        name=i18n.t("maps.layer.problems", lang),
        style_function=lambda f: _fill(f["properties"]["_c"], 0.15, dashed=True, dash="5 4"),
        tooltip=folium.GeoJsonTooltip(
            fields=["problem_id", "titre", "couverture"],
            aliases=["id", i18n.t("maps.field.problem", lang), i18n.t("maps.field.coverage", lang)],
        ),
    ).add_to(m)


def _rings_layer(m, rings, fp, has, ids, crs, lang: str) -> None:
    import folium
    import geopandas as gpd

    rarr = np.asarray(rings.array, dtype=object)
    keep = [
        (i, r)
        for i, (r, f, ok) in enumerate(zip(rarr, fp, has, strict=True))
        if ok and f in _GEOMETRIC and r is not None and not r.is_empty
    ]
    if not keep:
        return
    rg = gpd.GeoDataFrame(
        {"measure_id": [ids[i] for i, _ in keep]}, geometry=[r for _, r in keep], crs=crs
    ).to_crs(4326)
    ring_style = {
        "color": style.WEB["ring"],
        "weight": 1,
        "dashArray": "2 4",
        "fillColor": style.WEB["ring_fill"],
        "fillOpacity": 0.12,
    }
    folium.GeoJson(
        rg,
        name=i18n.t("maps.layer.rings", lang),
        style_function=lambda _: ring_style,
        tooltip=folium.GeoJsonTooltip(fields=["measure_id"], aliases=["id"]),
    ).add_to(m)


def _pillar_marker(colour: str, symbol: str, measure_id: str):
    """The pillar's symbol and the measure's id, as a Leaflet icon."""
    import folium

    return folium.DivIcon(
        html=f'<div style="color:{colour};font-size:18px;font-weight:bold;'
        f'text-shadow:0 0 2px {style.PAPER}">{symbol}'
        f'<span style="font-size:10px;color:{style.LABEL_TEXT}">'
        f"{html_mod.escape(measure_id)}</span></div>"
    )


def _pillar_layer(m, pillar: str, registry, areas, names, lang: str) -> None:
    """One pillar's measures: treated areas (sector footprints dashed) and a symbol each."""
    import folium
    import geopandas as gpd

    fp, st, arr, has = _footprints(registry, areas)
    ids = registry["measure_id"].astype(str).to_numpy()
    colour = style.pillar_colour(pillar)
    sel = (registry["pillar"].astype(str) == pillar).to_numpy()
    layer = i18n.t("maps.layer.measures", lang, pillar=i18n.label("pillar", pillar, lang))
    fg = folium.FeatureGroup(name=f"{layer} ({fmt.integer(sel.sum(), lang)})")
    for j in np.flatnonzero(sel & has & (fp != "municipality")):
        dashed = fp[j] == "sectors" or st[j] == "planned"
        g = gpd.GeoDataFrame(
            {
                "measure_id": [ids[j]],
                "nom": [names[j]],
                "statut": [i18n.t(f"status.{st[j]}", lang)],
            },
            geometry=[arr[j]],
            crs=areas.crs,
        ).to_crs(4326)
        folium.GeoJson(
            g,
            style_function=lambda _, c=colour, d=dashed, e=st[j] == "ended": _fill(
                c, 0.05 if d else (0.15 if e else 0.4), dashed=True, dash="6 4" if d else None
            ),
            tooltip=folium.GeoJsonTooltip(
                fields=["measure_id", "nom", "statut"],
                aliases=[
                    "id",
                    i18n.t("maps.field.measure", lang),
                    i18n.t("maps.field.status", lang),
                ],
            ),
        ).add_to(fg)
        p = gpd.GeoSeries([arr[j].representative_point()], crs=areas.crs).to_crs(4326).iloc[0]
        symbol = style.PILLAR_SYMBOLS.get(pillar, style.PILLAR_SYMBOL_FALLBACK)
        folium.Marker(
            [p.y, p.x],
            icon=_pillar_marker(colour, symbol, ids[j]),
            tooltip=html_mod.escape(f"{ids[j]} — {names[j]}"),
        ).add_to(fg)
    fg.add_to(m)


def _legend_box(m, registry, areas, names, lang: str) -> None:
    """The pillars' symbols, and the measures that cannot be drawn as places."""
    import folium

    fp, _, _, has = _footprints(registry, areas)
    ids = registry["measure_id"].astype(str).to_numpy()
    lines = []
    muni = [
        f"{i} — {html_mod.escape(n)}"
        for i, n, f in zip(ids, names, fp, strict=True)
        if f == "municipality"
    ]
    if muni:
        lines.append(f"<b>{i18n.t('maps.box.municipality', lang)}</b><br>" + "<br>".join(muni))
    nofp = [
        f"{i} — {html_mod.escape(n)}" for i, n, ok in zip(ids, names, has, strict=True) if not ok
    ]
    if nofp:
        lines.append(f"<b>{i18n.t('maps.box.no_footprint', lang)}</b><br>" + "<br>".join(nofp))
    legend = " ".join(
        f'<span style="color:{style.pillar_colour(p)}">'
        f"{style.PILLAR_SYMBOLS.get(p, style.PILLAR_SYMBOL_FALLBACK)}</span> "
        f"{html_mod.escape(i18n.label('pillar', p, lang))}"
        for p in _pillar_order(registry["pillar"])
    )
    box = "<br>".join([legend, *lines])
    m.get_root().html.add_child(
        folium.Element(
            '<div style="position:fixed;bottom:20px;left:10px;z-index:9999;'
            f"background:{style.PAPER};padding:6px 8px;border:1px solid {style.BOX_EDGE};"
            f'font:12px sans-serif;max-width:320px">{box}</div>'
        )
    )


def measures_interactive_map(  # noqa: PLR0913 -- public signature kept for backward compatibility
    registry,
    areas,
    sectors,
    *,
    rings=None,
    problems=None,
    hot=None,
    by_problem=None,
    lang: str = "fr",
    tiles=None,
    landmarks=None,
    walks=None,
):
    """An interactive map of the measures: one layer per pillar, buffer rings, problems, hot spots.

    Like :func:`interactive_map`, Leaflet is embedded so the map works
    offline. Each pillar's layer holds its measures' treated areas (sector
    footprints as dashed outlines) and a marker with the pillar's symbol
    (:data:`diagnostic_lib.style.PILLAR_SYMBOLS`); municipality-wide measures
    and measures with no footprint are listed in a box. With ``by_problem``,
    problems are coloured by coverage level.

    Parameters
    ----------
    registry : DataFrame
        From :func:`diagnostic_lib.measures.registry`.
    areas : GeoSeries
        Treated areas, aligned with ``registry``.
    sectors : GeoDataFrame
        Canonical sectors.
    rings : GeoSeries, optional
        Buffer rings.
    problems, hot : GeoDataFrame, optional
        Problem register and hot-spot grid.
    by_problem : DataFrame, optional
        From :func:`diagnostic_lib.measures.problem_coverage`.
    lang : {"fr", "en"}
        Language.
    tiles : str or TileSource, optional
        Background tiles (none by default), as in :func:`interactive_map`.
    landmarks : GeoDataFrame, optional
        Named places, a layer the reader can hide (as in :func:`interactive_map`).
    walks : GeoDataFrame, optional
        Safety-walk observations, a layer (as in :func:`interactive_map`).

    Returns
    -------
    folium.Map

    Examples
    --------
    >>> import geopandas as gpd, pandas as pd, shapely
    >>> s = gpd.GeoDataFrame({"sector_id": ["A"], "name": ["Centre"]},
    ...     geometry=[shapely.box(300000, 5040000, 301000, 5041000)], crs="EPSG:32188")
    >>> reg = pd.DataFrame({"measure_id": ["M1"], "name": ["Éclairage"], "name_en": ["Lighting"],
    ...     "pillar": ["prevention"], "footprint": ["polygon"], "status": ["active"],
    ...     "partners": [("P1",)]})
    >>> areas = gpd.GeoSeries([shapely.box(300100, 5040100, 300200, 5040200)], crs="EPSG:32188")
    >>> html = measures_interactive_map(reg, areas, s, lang="en").get_root().render()
    >>> import json
    >>> json.dumps("Measures — Prevention (1)") in html and "cdn.jsdelivr" not in html
    True
    """
    import folium

    fr = lang == "fr"
    s84 = sectors.to_crs(4326)
    m = _base_map(s84, tiles, lang)
    cols = [c for c in ("sector_id", "name") if c in s84.columns]
    folium.GeoJson(
        s84[cols + ["geometry"]],
        name=i18n.t("maps.layer.sectors", lang),
        style_function=lambda _: {
            "color": style.WEB["sector"],
            "weight": 1.5,
            "fillOpacity": 0.03,
        },
        tooltip=folium.GeoJsonTooltip(fields=cols),
    ).add_to(m)
    if hot is not None and len(hot):
        _hot_shade_layer(m, hot, lang)
    if problems is not None and len(problems):
        _coverage_layer(m, problems, by_problem, lang)
    fp, _, _, has = _footprints(registry, areas)
    ncol = "name" if fr or "name_en" not in registry else "name_en"
    ids = registry["measure_id"].astype(str).to_numpy()
    names = registry[ncol].astype(str).to_numpy() if ncol in registry else ids
    if rings is not None:
        _rings_layer(m, rings, fp, has, ids, areas.crs, lang)
    for pillar in _pillar_order(registry["pillar"]):
        _pillar_layer(m, pillar, registry, areas, names, lang)
    if walks is not None and len(walks):
        _walks_layer(m, walks, lang)
    if landmarks is not None and len(landmarks):
        _landmarks_layer(m, landmarks, lang)
    _legend_box(m, registry, areas, names, lang)
    folium.LayerControl(collapsed=False).add_to(m)
    return m
