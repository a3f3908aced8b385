"""Step 1 explorers: priority weights that re-rank the problems, and an incident filter.

Examples
--------
>>> COMPONENT_LABELS["severity"]
('Gravité', 'Severity')
"""

from __future__ import annotations

import html
from collections.abc import Sequence
from typing import Any

import pandas as pd

from .. import i18n, inventory, maps
from .explorer import Explorer, table_html

_COMPONENTS = ("rate", "severity", "trend", "hotspot", "concern", "vulnerability")
COMPONENT_LABELS: dict[str, tuple[str, str]] = {
    c: i18n.LABELS[f"widget.component.{c}"] for c in _COMPONENTS
}
"""Priority component → (French, English) slider label (from the label catalogue)."""


def _component(code: str, lang: str) -> str:
    return i18n.label("widget.component", code, lang)


def _priority_table(res: pd.DataFrame, weights: Sequence[str], lang: str) -> pd.DataFrame:
    """The ranking as shown: rank, title, score, each component and what is missing.

    The columns are ``Inventory.display_columns("priority")``, those of the report.
    """
    tcol = f"title_{lang}"
    cols = inventory.Inventory.display_columns("priority", lang)
    shown = res[[c for c in cols if c in res.columns]]
    if "missing" in shown.columns:  # component codes -> labels
        shown = shown.assign(
            missing=shown["missing"].map(
                lambda s: (
                    ", ".join(_component(c, lang) for c in str(s).split(";") if c)
                    if isinstance(s, str)
                    else s
                )
            )
        )
    return shown.rename(
        columns={
            "rank": i18n.t("dash.col.rank", lang),
            tcol: i18n.t("dash.col.problem", lang),
            "score": i18n.t("widget.score", lang),
            "missing": i18n.t("widget.priority.missing", lang),
            **{c: _component(c, lang) for c in weights},
        }
    )


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
        Language.
    weights : dict, optional
        Initial weights (default: the library's).
    show_map : bool
        Draw the problems map under the table.
    top : int
        Rows shown and problems drawn.

    Returns
    -------
    Explorer
        ``compute(**weights)`` is :func:`~diagnostic_lib.inventory.priority`.

    Examples
    --------
    >>> import pandas as pd
    >>> pb = pd.DataFrame({"problem_id": ["A"], "title_fr": ["a"], "title_en": ["a"],
    ...     "rate": [1.0], "severity": [1.0], "trend_label": ["stable"], "hotspot_z": [1.0],
    ...     "concern": [0.1], "vulnerability": [float("nan")], "excluded": [False]})
    >>> priority_explorer(pb, show_map=False).result["rank"].tolist()
    [1]
    """
    import ipywidgets as W

    w0 = dict(inventory.DEFAULT_PRIORITY_WEIGHTS if weights is None else weights)
    controls = {
        c: W.FloatSlider(
            value=float(v),
            min=0.0,
            max=1.0,
            step=0.05,
            description=_component(c, lang),
            style={"description_width": "180px"},
            layout=W.Layout(width="420px"),
            continuous_update=False,
        )
        for c, v in w0.items()
    }

    def compute(**wts: float) -> pd.DataFrame:
        return inventory.ranked_with_certainty(problems, weights=wts)

    table = W.HTML()
    image = W.Image(format="png", layout=W.Layout(max_width="760px")) if show_map else None
    ex = Explorer(
        widget=None, controls=controls, compute=compute, outputs={"table": table, "map": image}
    )

    def refresh(_: Any = None) -> None:
        res = compute(**ex.values())
        ex.result = res
        table.value = table_html(_priority_table(res, list(w0), lang), lang, max_rows=top)
        if image is not None and sectors is not None:
            fig = maps.problems_map(problems, sectors, ranking=res, lang=lang, top=top)
            image.value = maps.figure_to_png(fig, dpi=80)

    for c in controls.values():
        c.observe(refresh, names="value")
    refresh()
    head = W.HTML(f"<b>{html.escape(i18n.t('widget.priority.weights', lang))}</b>")
    children = [head, *controls.values(), table]
    if image is not None:
        children.append(image)
    ex.widget = W.VBox(children)
    return ex


def _filter_controls(
    incidents: pd.DataFrame, sectors: Any, taxonomy: pd.DataFrame, lang: str
) -> dict[str, Any]:
    import ipywidgets as W

    col = "label_fr" if lang == "fr" else "label_en"
    cats = sorted(incidents["category"].dropna().unique())
    years = sorted(incidents["occurred_from"].dt.year.dropna().unique().tolist())
    sector_opts = [
        (f"{s} {n}", s) for s, n in zip(sectors["sector_id"], sectors["name"], strict=True)
    ]
    return {
        "categories": W.SelectMultiple(
            options=[(str(taxonomy[col].get(c, c)), c) for c in cats],
            value=tuple(cats),
            rows=8,
            description=i18n.t("word.category", lang),
        ),
        "sectors": W.SelectMultiple(
            options=sector_opts,
            value=tuple(sectors["sector_id"]),
            rows=8,
            description=i18n.t("word.sectors", lang),
        ),
        "years": W.IntRangeSlider(
            value=(years[0], years[-1]) if years else (0, 0),
            min=years[0] if years else 0,
            max=years[-1] if years else 0,
            step=1,
            description=i18n.t("word.period", lang),
            continuous_update=False,
        ),
    }


def incident_filter_explorer(
    incidents: pd.DataFrame,
    sectors: Any,
    taxonomy: pd.DataFrame,
    lang: str = "fr",
    period: str = "year",
) -> Explorer:
    """Filter incidents by category, sector and period; show rates and a map.

    The plain computation is :func:`filter_and_rate`.

    Parameters
    ----------
    incidents : DataFrame
        Canonical incidents.
    sectors : GeoDataFrame
        Canonical sectors.
    taxonomy : DataFrame
        Category labels.
    lang : {"fr", "en"}
        Language.
    period : str
        Kept for backward compatibility (rates are per year).

    Returns
    -------
    Explorer
        ``compute(categories, sectors, years)``.

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

    controls = _filter_controls(incidents, sectors, taxonomy, lang)
    all_sectors = sectors

    def compute(categories, sectors: tuple[str, ...] = (), years=(None, None)) -> pd.DataFrame:
        return filter_and_rate(
            incidents, all_sectors, categories=categories, sector_ids=sectors, years=years
        )

    table = W.HTML()
    image = W.Image(format="png", layout=W.Layout(max_width="760px"))
    ex = Explorer(
        widget=None, controls=controls, compute=compute, outputs={"table": table, "map": image}
    )
    heads = {
        "sector": i18n.t("word.sector", lang),
        "count": i18n.t("word.count", lang),
        "rate": i18n.t("word.rate", lang),
    }

    def refresh(_: Any = None) -> None:
        v = ex.values()
        res = compute(v["categories"], v["sectors"], v["years"])
        ex.result = res
        table.value = table_html(res.rename(columns=heads), lang)
        sub = _filter(incidents, v["categories"], v["sectors"], v["years"])
        image.value = maps.figure_to_png(
            maps.incident_map(sub, all_sectors, lang=lang, taxonomy=taxonomy, max_points=5000),
            dpi=80,
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
        Canonical incidents and sectors.
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
    sub = _filter(incidents, categories, sector_ids, years)
    n_years = (
        (years[1] - years[0] + 1)
        if years and years[0] is not None
        else max(sub["occurred_from"].dt.year.nunique(), 1)
    )
    kept = sectors if not sector_ids else sectors[sectors["sector_id"].isin(list(sector_ids))]
    r = inventory.rates(sub, kept, by=None, period=None)
    r = r[["sector", "name", "count", "rate"]].copy()
    r["rate"] = r["rate"] / n_years
    return r.reset_index(drop=True)
