"""Figures drawn by the worker (maps.rendering): the same PNG as drawing here, whatever goes wrong."""

from __future__ import annotations

import geopandas as gpd
import matplotlib
import matplotlib.pyplot as plt
import pytest
from matplotlib.artist import Artist
from matplotlib.ticker import FuncFormatter
from shapely.geometry import box

from diagnostic_lib import inventory, loaders
from diagnostic_lib.maps import figure_to_png, rendering
from diagnostic_lib.report import write_report

from .conftest import NOW, SAMPLE


def _figure():
    """A figure with polygons drawn by geopandas (a local class), a legend and text."""
    fig, ax = plt.subplots(figsize=(4, 3))
    frame = gpd.GeoDataFrame(
        {"v": [1.0, 2.0, 3.0]}, geometry=[box(i, 0, i + 0.9, 1 + i) for i in range(3)]
    )
    frame.plot(column="v", ax=ax, legend=True, categorical=True, cmap="viridis")
    ax.plot([0, 3], [0, 4], label="ligne")
    ax.set_title("Secteurs — été")
    return fig


class _Broken(Artist):
    """An artist that fails to draw (module level, so that the worker can unpickle it)."""

    def draw(self, renderer):
        raise ValueError("this artist cannot be drawn")


@pytest.fixture
def renderer():
    with rendering.FigureRenderer() as r:
        yield r


def test_worker_png_is_the_png_drawn_here(renderer):
    here = figure_to_png(_figure())
    pending = renderer.submit(_figure())
    assert pending.in_worker  # it did go to the worker (polygons included)
    assert pending.result(take_back=False) == here


def test_changed_settings_travel_with_the_figure(renderer):
    with matplotlib.rc_context({"lines.linewidth": 6.0, "font.size": 15}):
        here = figure_to_png(_figure())
        pending = renderer.submit(_figure())
    plain = figure_to_png(_figure())
    assert here != plain  # the settings do change the picture…
    assert pending.result(take_back=False) == here  # …and the worker drew it with them


def test_a_figure_pickle_refuses_is_drawn_here(renderer):
    def odd(fig):
        fig.axes[0].xaxis.set_major_formatter(FuncFormatter(lambda x, _: f"<{x:g}>"))
        return fig

    pending = renderer.submit(odd(_figure()))
    assert not pending.in_worker
    assert pending.result() == figure_to_png(odd(_figure()))


def test_a_worker_that_stops_hands_its_figures_back(renderer):
    first = renderer.submit(_figure())
    assert first.result(take_back=False) == figure_to_png(_figure())
    renderer.worker._proc.kill()
    renderer.worker._proc.wait()
    late = [renderer.submit(_figure()) for _ in range(2)]
    assert all(p.result() == figure_to_png(_figure()) for p in late)


def test_an_error_in_the_worker_is_raised_here_with_its_own_message(renderer):
    fig, ax = plt.subplots()
    ax.add_artist(_Broken())
    pending = renderer.submit(fig)
    assert pending.in_worker
    with pytest.raises(ValueError, match="cannot be drawn"):
        pending.result(take_back=False)


def test_warnings_raised_in_the_worker_are_raised_here(renderer):
    fig, ax = plt.subplots()
    ax.set_title("\u4e2d\u6587")  # glyphs DejaVu Sans does not have
    pending = renderer.submit(fig)
    with pytest.warns(UserWarning, match="missing from font"):
        pending.result(take_back=False)


def test_disabled_renderer_draws_at_once():
    with rendering.FigureRenderer(enabled=False) as r:
        pending = r.submit(_figure())
        assert r.worker is None and not pending.in_worker
        assert pending.result() == figure_to_png(_figure())


def test_report_is_the_same_with_and_without_the_worker(tmp_path):
    d = loaders.load_diagnostic(SAMPLE / "diagnostic.toml", now=NOW)
    inv = inventory.run(d, permutations=9)
    pages = {}
    for on in (True, False):
        d.config.parameters["worker_process"] = on
        out = write_report(d, inv, out=tmp_path / str(on), lang="en", audience="public")
        pages[on] = out.read_text(encoding="utf-8")
    assert pages[True].count("data:image/png;base64,") >= 5
    assert pages[True] == pages[False]
