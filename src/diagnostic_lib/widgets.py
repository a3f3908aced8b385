"""ipywidgets wiring for the notebooks: widgets only pass values to library calls.

Every builder returns an :class:`Explorer`: the widget to display
(``explorer.widget``) and the same computation as a plain function
(``explorer.compute(**values)``) so that a headless run exercises it. Results
are shown with ``HTML`` and ``Image`` widgets (not ``Output``), so they update
the same way in JupyterLab, in Voilà and in tests.

Examples
--------
>>> import pandas as pd
>>> from diagnostic_lib import widgets
>>> pb = pd.DataFrame({"problem_id": ["A", "B"], "title_fr": ["a", "b"], "title_en": ["a", "b"],
...     "rate": [10.0, 5.0], "severity": [40.0, 50.0], "trend_label": ["stable"] * 2,
...     "hotspot_z": [8.0, 2.0], "concern": [0.2, 0.4], "vulnerability": [float("nan")] * 2,
...     "excluded": [False, False]})
>>> ex = widgets.priority_explorer(pb, lang="en", show_map=False)
>>> ex.result["problem_id"].tolist()
['A', 'B']
>>> ex.controls["severity"].value = 1.0
>>> ex.controls["rate"].value = 0.0
>>> ex.result["problem_id"].tolist()
['B', 'A']
"""

from __future__ import annotations

import html
from collections.abc import Callable
from dataclasses import dataclass, field
from typing import Any

import pandas as pd

from . import i18n

COMPONENT_LABELS = {
    "rate": ("Taux", "Rate"),
    "severity": ("Gravité", "Severity"),
    "trend": ("Tendance", "Trend"),
    "hotspot": ("Point chaud", "Hot spot"),
    "concern": ("Préoccupation citoyenne", "Citizen concern"),
    "vulnerability": ("Vulnérabilité", "Vulnerability"),
}


@dataclass
class Explorer:
    """A widget and the plain computation it wires.

    Attributes
    ----------
    widget : ipywidgets.Widget
        What the notebook displays.
    controls : dict
        The input widgets by name.
    compute : callable
        The library call, taking the controls' values as keyword arguments.
    result : Any
        The last result (updated on every change).
    """

    widget: Any
    controls: dict[str, Any]
    compute: Callable[..., Any]
    result: Any = None
    outputs: dict[str, Any] = field(default_factory=dict)

    def values(self) -> dict[str, Any]:
        """The current values of the controls."""
        return {k: c.value for k, c in self.controls.items()}

    def _ipython_display_(self) -> None:  # pragma: no cover - notebook display
        from IPython.display import display

        display(self.widget)


def table_html(frame: pd.DataFrame, lang: str = "fr", max_rows: int = 30) -> str:
    """A compact HTML table (numbers formatted for the language).

    Examples
    --------
    >>> table_html(pd.DataFrame({"a": [1.5]}), "fr")[:6]
    '<table'
    """

    def fmt(v: float) -> str:
        s = f"{v:,.3f}" if abs(v) < 10 else f"{v:,.1f}"
        return s.replace(",", "\u202f").replace(".", ",") if lang == "fr" else s

    return frame.head(max_rows).to_html(index=False, border=0, na_rep="—", float_format=fmt, escape=True,
                                         classes="diagnostic-table")  # fmt: skip


def priority_explorer(
    problems: pd.DataFrame,
    sectors: Any = None,
    lang: str = "fr",
    weights: dict[str, float] | None = None,
    show_map: bool = True,
    top: int = 10,
) -> Explorer:
    """Weight sliders that re-rank the problems live (and redraw the map).

    Each slider sets one component's weight in
    :func:`diagnostic_lib.inventory.priority`; the table shows every component
    beside the total, so any ranking can be explained.

    Parameters
    ----------
    problems : DataFrame
        Problem register.
    sectors : GeoDataFrame, optional
        For the map (needed when ``show_map``).
    lang : {"fr", "en"}
    weights : dict, optional
        Initial weights (default: the library's).
    show_map : bool
    top : int
        Rows shown and problems drawn.

    Returns
    -------
    Explorer
        ``compute(**weights)`` is :func:`~diagnostic_lib.inventory.priority`.

    Examples
    --------
    >>> import pandas as pd
    >>> pb = pd.DataFrame({"problem_id": ["A"], "title_fr": ["a"], "title_en": ["a"], "rate": [1.0],
    ...     "severity": [1.0], "trend_label": ["stable"], "hotspot_z": [1.0], "concern": [0.1],
    ...     "vulnerability": [float("nan")], "excluded": [False]})
    >>> priority_explorer(pb, show_map=False).result["rank"].tolist()
    [1]
    """
    import ipywidgets as W

    from . import inventory, maps

    w0 = dict(inventory.DEFAULT_PRIORITY_WEIGHTS if weights is None else weights)
    controls = {
        c: W.FloatSlider(value=float(v), min=0.0, max=1.0, step=0.05,
                         description=COMPONENT_LABELS.get(c, (c, c))[0 if lang == "fr" else 1],
                         style={"description_width": "180px"}, layout=W.Layout(width="420px"), continuous_update=False)
        for c, v in w0.items()
    }  # fmt: skip

    def compute(**wts: float):
        return inventory.priority(problems, weights=wts)

    table = W.HTML()
    image = W.Image(format="png", layout=W.Layout(max_width="760px")) if show_map else None
    ex = Explorer(
        widget=None, controls=controls, compute=compute, outputs={"table": table, "map": image}
    )
    tcol = "title_fr" if lang == "fr" else "title_en"

    def refresh(_: Any = None) -> None:
        res = compute(**ex.values())
        ex.result = res
        cols = ["rank", tcol, "score", *[c for c in w0 if c in res.columns], "missing"]
        shown = res[[c for c in cols if c in res.columns]].rename(
            columns={
                tcol: "Problème" if lang == "fr" else "Problem",
                "score": "Score",
                "missing": "Composantes manquantes" if lang == "fr" else "Missing components",
                **{c: COMPONENT_LABELS.get(c, (c, c))[0 if lang == "fr" else 1] for c in w0},
            }  # fmt: skip
        )
        table.value = table_html(shown, lang, max_rows=top)
        if image is not None and sectors is not None:
            fig = maps.problems_map(problems, sectors, ranking=res, lang=lang, top=top)
            image.value = maps.figure_to_png(fig, dpi=80)

    for c in controls.values():
        c.observe(refresh, names="value")
    refresh()
    head = W.HTML(
        f"<b>{html.escape('Poids des composantes' if lang == 'fr' else 'Component weights')}</b>"
    )
    children = [head, *controls.values(), table]
    if image is not None:
        children.append(image)
    ex.widget = W.VBox(children)
    return ex


def incident_filter_explorer(
    incidents: pd.DataFrame,
    sectors: Any,
    taxonomy: pd.DataFrame,
    lang: str = "fr",
    period: str = "year",
) -> Explorer:
    """Filter incidents by category, sector and period; show rates and a map.

    The plain computation is :func:`filter_and_rate`.

    Examples
    --------
    >>> from diagnostic_lib import loaders, sample
    >>> d = loaders.load_diagnostic(sample.sample_dir() / "diagnostic.toml")
    >>> ex = incident_filter_explorer(d.incidents, d.sectors, d.taxonomy, lang="en")
    >>> ex.controls["categories"].value = ("burglary",)
    >>> r = ex.result.set_index("sector")
    >>> int(r.loc["*", "count"]) == int((d.incidents.category == "burglary").sum())
    True
    """
    import ipywidgets as W

    from . import maps

    col = "label_fr" if lang == "fr" else "label_en"
    cats = sorted(incidents["category"].dropna().unique())
    years = sorted(incidents["occurred_from"].dt.year.dropna().unique().tolist())
    controls = {
        "categories": W.SelectMultiple(options=[(str(taxonomy[col].get(c, c)), c) for c in cats], value=tuple(cats),
                                       rows=8, description=i18n.t("word.category", lang)),
        "sectors": W.SelectMultiple(options=[(f"{s} {n}", s) for s, n in zip(sectors["sector_id"], sectors["name"], strict=True)],
                                    value=tuple(sectors["sector_id"]), rows=8, description=i18n.t("word.sectors", lang)),
        "years": W.IntRangeSlider(value=(years[0], years[-1]) if years else (0, 0), min=years[0] if years else 0,
                                  max=years[-1] if years else 0, step=1, description=i18n.t("word.period", lang),
                                  continuous_update=False),
    }  # fmt: skip

    def compute(categories, sectors: tuple[str, ...] = (), years=(None, None)):
        return filter_and_rate(
            incidents, _sectors, categories=categories, sector_ids=sectors, years=years
        )

    _sectors = sectors
    table = W.HTML()
    image = W.Image(format="png", layout=W.Layout(max_width="760px"))
    ex = Explorer(
        widget=None, controls=controls, compute=compute, outputs={"table": table, "map": image}
    )

    def refresh(_: Any = None) -> None:
        v = ex.values()
        res = compute(v["categories"], v["sectors"], v["years"])
        ex.result = res
        table.value = table_html(res.rename(columns={"sector": i18n.t("word.sector", lang), "count": i18n.t("word.count", lang),
                                                     "rate": i18n.t("word.rate", lang)}), lang)  # fmt: skip
        sub = _filter(incidents, v["categories"], v["sectors"], v["years"])
        image.value = maps.figure_to_png(
            maps.incident_map(sub, _sectors, lang=lang, taxonomy=taxonomy, max_points=5000), dpi=80
        )

    for c in controls.values():
        c.observe(refresh, names="value")
    refresh()
    ex.widget = W.VBox(
        [W.HBox([controls["categories"], controls["sectors"]]), controls["years"], table, image]
    )
    return ex


def _filter(incidents: pd.DataFrame, categories, sector_ids, years) -> pd.DataFrame:
    m = incidents["category"].isin(list(categories))
    if sector_ids:
        m &= incidents["sector"].isin(list(sector_ids)) | incidents["sector"].isna()
    y = incidents["occurred_from"].dt.year
    if years and years[0] is not None:
        m &= (y >= years[0]) & (y <= years[1])
    return incidents[m.to_numpy()]


def filter_and_rate(
    incidents: pd.DataFrame,
    sectors: Any,
    categories=(),
    sector_ids=(),
    years=(None, None),
) -> pd.DataFrame:
    """Counts and yearly rates per 1,000 residents for a filtered set of incidents.

    Parameters
    ----------
    incidents, sectors : DataFrame
    categories : sequence of str
        Category codes kept.
    sector_ids : sequence of str
        Sectors kept (all when empty).
    years : (int, int)
        First and last year kept (inclusive).

    Returns
    -------
    DataFrame
        ``sector, name, count, rate`` (rate per 1,000 residents per year, over
        the years kept), with the municipality row ``"*"``.

    Examples
    --------
    >>> from diagnostic_lib import loaders, sample
    >>> d = loaders.load_diagnostic(sample.sample_dir() / "diagnostic.toml")
    >>> r = filter_and_rate(d.incidents, d.sectors, categories=("burglary",), years=(2024, 2025))
    >>> r.columns.tolist()
    ['sector', 'name', 'count', 'rate']
    """
    from . import inventory

    sub = _filter(incidents, categories, sector_ids, years)
    n_years = (
        (years[1] - years[0] + 1)
        if years and years[0] is not None
        else max(sub["occurred_from"].dt.year.nunique(), 1)
    )
    r = inventory.rates(sub, sectors if not sector_ids else sectors[sectors["sector_id"].isin(list(sector_ids))],
                        by=None, period=None)  # fmt: skip
    r = r[["sector", "name", "count", "rate"]].copy()
    r["rate"] = r["rate"] / n_years
    return r.reset_index(drop=True)
