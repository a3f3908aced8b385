"""Charts and maps pass a layout check (issue 16, item 6).

- :func:`diagnostic_lib.layout.layout_problems` finds what is wrong on figures
  made bad on purpose (two titles on top of each other, a legend over points,
  a label past the edge, a name cut with "…"), and nothing on a good one;
- every chart and map of the report and of the notebooks, drawn on the sample
  in both languages, passes it;
- every image of the report has a caption and an alt text in its language;
- the interactive maps show a metric scale only.
"""

from __future__ import annotations

import matplotlib.pyplot as plt
import pytest

from diagnostic_lib import (
    charts,
    evaluation,
    i18n,
    inventory,
    layout,
    maps,
    measures,
)
from diagnostic_lib import formatting as fmt
from diagnostic_lib.report import builder, document

LANGS = ("fr", "en")


def _kinds(fig) -> list[str]:
    return layout.layout_problems(fig)["kind"].tolist()


# ----------------------------------------------------------------------------
# the checker, on figures made bad on purpose
# ----------------------------------------------------------------------------
def test_two_overlapping_titles_are_found():
    fig, ax = plt.subplots(figsize=(5, 4), layout="constrained")
    ax.set_title("A long title about hot spots")
    ax.text(0.5, 1.0, "and its subtitle under it", transform=ax.transAxes, ha="center")
    found = layout.layout_problems(fig)
    assert found[["kind", "text", "other"]].values.tolist() == [
        ["overlap", "A long title about hot spots", "and its subtitle under it"]
    ]


def test_labels_written_on_each_other_are_found():
    fig, ax = plt.subplots(figsize=(5, 4), layout="constrained")
    ax.set_xlim(0, 2)
    ax.set_ylim(0, 2)
    for i, name in enumerate(["S06", "S09", "S07"]):
        ax.annotate(name, (1.0 + 0.001 * i, 1.0))
    found = layout.layout_problems(fig)
    assert set(found["kind"]) == {"overlap"} and len(found) == 3


def test_a_legend_over_points_is_found():
    fig, ax = plt.subplots(figsize=(5, 4))
    ax.scatter([0.0, 1.0, 2.0], [2.0, 1.0, 0.0], label="sectors")
    ax.plot([0, 2], [0, 2], label="diagonal")
    ax.legend(loc="upper left")
    found = layout.layout_problems(fig)
    assert found.values.tolist() == [["legend_covers", "sectors", "sectors"]]
    ax.legend(loc="upper right")  # over the diagonal's end
    assert _kinds(fig) == ["legend_covers"]
    ax.legend(loc="lower center")
    assert _kinds(fig) == []


def test_a_legend_over_a_background_is_not_a_problem():
    fig, ax = plt.subplots(figsize=(5, 4))
    layout.background(ax.axhspan(0.0, 2.0, color="0.9"))
    ax.scatter([2.0], [0.0], label="one point")
    ax.set_xlim(0, 2)
    ax.legend(loc="upper left")
    assert _kinds(fig) == []


def test_a_legend_over_a_label_of_the_axes_is_found():
    fig, ax = plt.subplots(figsize=(5, 4))
    ax.plot([1, 2], [1, 2], label="line")
    ax.text(1.02, 1.98, "Centre-ville")
    ax.legend(loc="upper left")
    assert layout.layout_problems(fig).values.tolist() == [
        ["legend_covers", "line", "Centre-ville"]
    ]


def test_a_label_past_the_edge_and_a_cut_name_are_found():
    fig, ax = plt.subplots(figsize=(4, 3), layout="constrained")
    fig.text(0.8, 0.5, "a label that runs off the figure")
    fig.legend(handles=ax.plot([0], [0], label="Vieux-Moulin, Sai…"), loc="outside lower left")
    found = layout.layout_problems(fig)
    assert sorted(found["kind"]) == ["cut", "ellipsis"]
    assert found.set_index("kind").loc["cut", "text"] == "a label that runs off the figure"


def test_a_good_figure_has_no_problem():
    fig, ax = plt.subplots(figsize=(6, 4), layout="constrained")
    ax.scatter([1, 2, 3], [3, 1, 2], label="points")
    ax.set_title("Title")
    ax.set_xlabel("x")
    ax.set_ylabel("y")
    ax.annotate("A", (1, 3), xytext=(4, 4), textcoords="offset points")
    fig.legend(loc="outside lower center")
    found = layout.layout_problems(fig)
    assert found.empty and list(found.columns) == ["kind", "text", "other"]


def test_tiny_overlaps_are_tolerated():
    fig, ax = plt.subplots(figsize=(5, 4))
    a = ax.text(0.2, 0.5, "left", transform=ax.transAxes)
    fig.canvas.draw()
    w = a.get_window_extent().width / fig.bbox.width * 5 / ax.get_position().width / 5
    ax.text(0.2 + w * 0.98, 0.5, "right", transform=ax.transAxes)
    assert _kinds(fig) == []
    assert layout.layout_problems(fig, tolerance=0.0)["kind"].tolist() == ["overlap"]


# ----------------------------------------------------------------------------
# every chart and map of the report and of the notebooks
# ----------------------------------------------------------------------------
@pytest.fixture(scope="module")
def steps(diag):
    inv = inventory.run(diag)
    s2 = measures.run(diag, inv.problems, priority=inv.priority)
    s3 = evaluation.run(diag, inv.problems, priority=inv.priority, knox=inv.knox)
    return inv, s2, s3


class Embedded:
    """What the layout tests need of a report figure: its problems, texts, caption, alt."""

    def __init__(self, fig, caption: str, alt: str | None) -> None:
        self.caption, self.alt = caption, alt
        self.title = fig.axes[0].get_title() if fig.axes else ""
        self.problems = layout.layout_problems(fig)
        self.texts = [t.get_text() for ax in fig.axes for t in ax.texts]
        plt.close(fig)


@pytest.fixture(scope="module")
def report_figures(diag, steps, tmp_path_factory):
    """Every figure the report embeds, checked as it is embedded, by language."""
    inv, s2, s3 = steps
    out: dict[str, list[Embedded]] = {lang: [] for lang in LANGS}

    def capture(doc, fig, caption="", alt=None):
        out[doc.lang].append(Embedded(fig, caption, alt))

    with pytest.MonkeyPatch.context() as mp:
        mp.setattr(document.HtmlDocument, "figure", capture)
        mp.setattr(builder, "write_workbook", lambda *a, **k: None)
        for lang in LANGS:
            path = tmp_path_factory.mktemp(f"report_{lang}")
            builder.write_report(diag, inv, s2, s3, out=path, lang=lang)
    return out


def _problems_text(found) -> str:
    return "\n".join(f"  {k}: {t!r} × {o!r}" for k, t, o in found.values.tolist())


@pytest.mark.parametrize("lang", LANGS)
def test_every_report_figure_passes_the_layout_check(report_figures, lang):
    figures = report_figures[lang]
    assert len(figures) >= 15
    bad = [
        f"{f.caption or f.title}:\n{_problems_text(f.problems)}"
        for f in figures
        if not f.problems.empty
    ]
    assert not bad, "\n".join(bad)


@pytest.mark.parametrize("lang", LANGS)
def test_every_report_figure_has_a_caption_and_alt_text_in_its_language(report_figures, lang):
    other = "en" if lang == "fr" else "fr"
    own = {v[LANGS.index(lang)] for v in i18n.LABELS.values()}
    foreign = {v[LANGS.index(other)] for v in i18n.LABELS.values()} - own
    for f in report_figures[lang]:
        assert f.caption.strip() and (f.alt or "").strip(), (f.title, f.caption, f.alt)
        assert f.caption not in foreign and f.alt not in foreign, (f.caption, f.alt)


def inventory_figures(d, lang):
    """The figures of notebooks 00 and 01 that need neither the steps nor measures."""
    src = d.config.municipality
    grid = inventory.make_grid(d.sectors, d.config.param("grid_cell_m"))
    vehicle = d.incidents[d.incidents["category"].isin(["vehicle_theft", "theft_from_vehicle"])]
    annual = inventory.rates(d.incidents, d.sectors, by=None, period="year", municipality=False)
    return {
        "overview_map": lambda: maps.overview_map(d.sectors, d.incidents, lang=lang, source=src),
        "rate_map": lambda: maps.rate_map(annual, d.sectors, lang=lang, source=src),
        "yearly_counts": lambda: charts.yearly_counts_chart(
            inventory.counts(d.incidents, by=("family",), period="year"), by="family", lang=lang
        ),
        "vehicle_hot_spots": lambda: maps.hot_spot_map(
            inventory.hot_spots(
                vehicle,
                grid=grid,
                neighbourhood=d.config.param("hot_spot_neighbourhood"),
                permutations=d.config.param("hot_spot_permutations"),
                seed=d.config.param("permutation_seed"),
            ),
            d.sectors,
            lang=lang,
            source=src,
            title=i18n.t("notebooks.inventory.vehicle_hot_spots", lang),
        ),
        "emerging": lambda: maps.emerging_map(
            inventory.emerging_hot_spots(
                d.incidents,
                grid,
                d.config.param("emerging_slice"),
                d.config.param("emerging_min_slices"),
                d.config.param("emerging_alpha"),
                d.config.param("emerging_trend_alpha"),
            ),
            d.sectors,
            lang=lang,
            source=src,
        ),
        "density": lambda: maps.density_map(
            grid,
            inventory.kde_surface(vehicle, grid, bandwidth=d.config.param("kde_bandwidth_m")),
            d.sectors,
            title=i18n.t(
                "notebooks.inventory.density",
                lang,
                bandwidth=fmt.number(d.config.param("kde_bandwidth_m"), lang),
            ),
            legend_title=i18n.t("notebooks.inventory.per_km2", lang),
            lang=lang,
            source=src,
        ),
    }


def _notebook_figures(diag, steps, lang):
    """The charts and maps the notebooks draw, called as the notebooks call them."""
    inv, res, ev = steps
    d = diag
    src = d.config.municipality
    m01 = ev.effects.set_index("measure_id").loc["M01"]
    return {
        # 00_overview and 01_inventory
        **inventory_figures(d, lang),
        "hour_weekday": lambda: charts.hour_weekday_heatmap(inv.hour_weekday, lang=lang),
        "seasonality": lambda: charts.seasonality_chart(inv.seasonality, by="family", lang=lang),
        "lorenz": lambda: charts.lorenz_chart(inv.place_counts, lang=lang),
        "knox": lambda: charts.knox_heatmap(inv.knox, lang=lang),
        "perception_gap": lambda: charts.perception_gap_chart(inv.perception_gap, lang=lang),
        "problems_map": lambda: maps.problems_map(
            inv.problems, d.sectors, ranking=inv.priority, lang=lang, source=src
        ),
        # 02_measures
        "measures_timeline": lambda: charts.measures_timeline(
            res.registry,
            ref_date=d.config.period_end,
            period_start=d.config.period_start,
            lang=lang,
        ),
        "measures_map": lambda: maps.measures_map(
            res.registry,
            res.areas,
            d.sectors,
            rings=res.rings,
            problems=res.problems,
            hot=inv.hot_spots,
            lang=lang,
            buffer_m=d.config.param("buffer_m"),
            source=src,
        ),
        "gap_map": lambda: maps.gap_map(
            res.problems,
            res.by_problem,
            d.sectors,
            sector_gaps=res.sector_gaps,
            lang=lang,
            source=src,
        ),
        "walks_map": lambda: maps.walks_map(
            d.walks,
            d.sectors,
            hot=inv.hot_spots,
            registry=res.registry,
            areas=res.areas,
            lang=lang,
            source=src,
        ),
        "partner_network": lambda: charts.partner_network(
            res.registry,
            res.partner_roles,
            links=res.coverage,
            by_problem=res.by_problem,
            suggestions=res.partner_suggestions,
            lang=lang,
        ),
        # 03_evaluation
        "evaluation_map": lambda: maps.evaluation_map(
            ev.design[ev.design["measure_id"] == "M01"], d.sectors, lang=lang, source=src
        ),
        "before_after": lambda: charts.before_after_chart(
            ev.monthly[ev.monthly["measure_id"] == "M01"], m01, lang=lang
        ),
        "forest_plot": lambda: charts.forest_plot(ev.effects, lang=lang),
        "risk_matrix": lambda: charts.risk_matrix_chart(
            ev.current_risk, lang=lang, sectors=d.sectors
        ),
        "projection": lambda: _projection(d, ev, lang),
        "peak_chart": lambda: charts.peak_chart(
            evaluation.peak_demonstration(d, "burglary", places=10, cell_m=300, buffer_m=100),
            lang=lang,
        ),
        "risk_map": lambda: maps.risk_map(
            ev.grid,
            d.sectors,
            ev.risk_surface,
            elevated=ev.near_repeat["elevated"],
            lang=lang,
            source=src,
        ),
    }


def _projection(d, ev, lang):
    start, end = evaluation.data_period(d)
    hist = evaluation.monthly_counts(d.incidents, ("sector", "family"), start=start, end=end)

    def pick(t):
        return t[(t["sector"] == "*") & (t["family"] == "fraud_cyber")]

    return charts.projection_chart(
        pick(hist),
        pick(ev.projection.monthly),
        pick(ev.backtest),
        lang=lang,
        title=i18n.label("family", "fraud_cyber", lang),
    )


REPORT_TOO = (
    "hour_weekday seasonality lorenz knox perception_gap problems_map measures_timeline gap_map "
    "partner_network forest_plot risk_matrix risk_map"
).split()
"""Drawn by the notebooks as by the report (checked there): not drawn twice."""
NOTEBOOK_FIGURES = (
    "overview_map rate_map yearly_counts vehicle_hot_spots emerging density measures_map "
    "evaluation_map "
    "before_after peak_chart projection walks_map"
).split()
"""Drawn by the notebooks only, or with other arguments than in the report."""


@pytest.mark.parametrize("lang", LANGS)
@pytest.mark.parametrize("name", NOTEBOOK_FIGURES)
def test_every_notebook_figure_passes_the_layout_check(diag, steps, name, lang):
    fig = _notebook_figures(diag, steps, lang)[name]()
    found = layout.layout_problems(fig)
    assert found.empty, f"{name} ({lang}):\n{_problems_text(found)}"


def test_the_notebooks_draw_only_figures_the_test_draws():
    import json
    import re
    from pathlib import Path

    called = set()
    for nb in sorted((Path(__file__).resolve().parents[1] / "notebooks").glob("*.ipynb")):
        cells = json.loads(nb.read_text(encoding="utf-8"))["cells"]
        code = "\n".join("".join(c["source"]) for c in cells if c["cell_type"] == "code")
        called |= set(re.findall(r"\b(?:charts|maps)\.([a-z_]+)\(", code))
    drawn = {
        "overview_map", "rate_map", "yearly_counts_chart", "hour_weekday_heatmap",
        "seasonality_chart", "lorenz_chart", "hot_spot_map", "emerging_map", "density_map", "knox_heatmap",
        "perception_gap_chart", "problems_map", "measures_timeline", "measures_map", "gap_map",
        "partner_network", "evaluation_map", "before_after_chart", "forest_plot", "peak_chart",
        "risk_matrix_chart", "projection_chart", "risk_map", "interactive_map",
        "measures_interactive_map", "walks_map",
    }  # fmt: skip
    assert called <= drawn, called - drawn


@pytest.mark.parametrize("lang", LANGS)
def test_every_report_map_names_its_source_and_its_sectors(report_figures, diag, lang):
    names = set(diag.sectors["name"])
    for f in report_figures[lang]:
        texts, caption = f.texts, f.caption
        assert not any("diagnostic_lib" in t for t in texts), caption
        notes = [t for t in texts if t.startswith("Source")]
        if notes:  # a map
            assert all(diag.config.municipality in t for t in notes), (caption, notes)
        sector_labels = set(texts) & (names | set(diag.sectors["sector_id"]))
        assert sector_labels <= names, (caption, sector_labels - names)


def test_interactive_maps_show_a_metric_scale_only(diag, steps):
    inv, res, _ = steps
    pages = [
        maps.interactive_map(diag.sectors, incidents=diag.incidents.head(50), lang="en"),
        maps.measures_interactive_map(res.registry, res.areas, diag.sectors, lang="fr"),
    ]
    for m in pages:
        html = m.get_root().render()
        assert "L.control.scale({metric: true, imperial: false})" in html
        assert "L.control.scale()" not in html


@pytest.mark.parametrize("lang", LANGS)
def test_the_report_maps_show_landmarks(report_figures, diag, lang):
    places = set(diag.places["name"])
    titles = {
        i18n.t("report.step1.rate_map", lang),
        i18n.t("maps.hot.title", lang),
        i18n.t("maps.problems.title", lang),
        i18n.t("maps.gaps.title", lang),
        i18n.t("maps.risk.title", lang),
    }
    shown = {
        f.title: {t.replace("\n", " ") for t in f.texts} & places
        for f in report_figures[lang]
        if f.title in titles
    }
    assert set(shown) == titles
    assert {t: len(n) for t, n in shown.items()} == {t: 6 for t in titles}, shown
