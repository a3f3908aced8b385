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
        shown = res[[c for c in cols if c in res.columns]]
        if "missing" in shown.columns:  # component codes -> labels
            shown = shown.assign(missing=shown["missing"].map(
                lambda s: ", ".join(COMPONENT_LABELS.get(c, (c, c))[0 if lang == "fr" else 1]
                                    for c in str(s).split(";") if c) if isinstance(s, str) else s))  # fmt: skip
        shown = shown.rename(
            columns={
                "rank": i18n.t("dash.col.rank", lang),
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


def response_chooser(
    ranking: pd.DataFrame,
    problems: pd.DataFrame,
    incidents: pd.DataFrame,
    catalogue: pd.DataFrame,
    partners: pd.DataFrame | None = None,
    lang: str = "fr",
    start: Any = None,
) -> Explorer:
    """Pick the response for each priority problem; the action plan updates.

    One drop-down per problem lists its ranked responses (best first). The plain
    computation is :func:`diagnostic_lib.strategy.choose` followed by
    :func:`diagnostic_lib.strategy.action_plan`.

    Examples
    --------
    >>> from diagnostic_lib import inventory, loaders, sample, strategy
    >>> d = loaders.load_diagnostic(sample.sample_dir() / "diagnostic.toml")
    >>> inv = inventory.run(d, permutations=0)
    >>> cat = strategy.load_catalogue()
    >>> ranked = strategy.rank_responses(inv.problems, cat, inv.priority, partners=d.partners, top=2)
    >>> ex = response_chooser(ranked, inv.problems, d.incidents, cat, d.partners, lang="en")
    >>> first = ranked["problem_id"].iloc[0]
    >>> second_choice = ranked[ranked["problem_id"] == first]["response_id"].iloc[1]
    >>> ex.controls[first].value = second_choice
    >>> ex.result.set_index("problem_id").loc[first, "response_id"] == second_choice
    True
    """
    import ipywidgets as W

    from . import strategy

    ncol = "name_fr" if lang == "fr" else "name_en"
    tcol = "title_fr" if lang == "fr" else "title_en"
    titles = problems.set_index("problem_id")[tcol]
    controls = {}
    for pid, g in ranking.groupby("problem_id", sort=False):
        opts = [
            (f"{int(r['rank'])}. {r[ncol]} ({r['score']:.2f})", r["response_id"])
            for _, r in g.iterrows()
        ]
        controls[pid] = W.Dropdown(options=opts, value=opts[0][1], description=f"#{int(g['problem_rank'].iloc[0])}",
                                   layout=W.Layout(width="640px"), style={"description_width": "40px"})  # fmt: skip

    def compute(**choices: str):
        chosen = strategy.choose(ranking, overrides={k: [v] for k, v in choices.items()})
        return strategy.action_plan(chosen, problems, incidents, catalogue, partners, start=start)

    table = W.HTML()
    ex = Explorer(widget=None, controls=controls, compute=compute, outputs={"table": table})
    sfx = lang

    def refresh(_: Any = None) -> None:
        plan = compute(**ex.values())
        ex.result = plan
        shown = plan[
            [
                "plan_id",
                f"problem_{sfx}",
                f"response_{sfx}",
                "baseline",
                "target",
                "deadline",
                "partner_names",
                "mde",
            ]
        ]
        table.value = table_html(shown.rename(columns={
            f"problem_{sfx}": "Problème" if lang == "fr" else "Problem", f"response_{sfx}": "Réponse" if lang == "fr" else "Response",
            "baseline": "Référence" if lang == "fr" else "Baseline", "target": "Cible" if lang == "fr" else "Target",
            "deadline": "Échéance" if lang == "fr" else "Deadline", "partner_names": "Partenaires" if lang == "fr" else "Partners",
            "mde": "Effet minimal détectable" if lang == "fr" else "Minimum detectable effect"}), lang)  # fmt: skip

    for c in controls.values():
        c.observe(refresh, names="value")
    refresh()
    rows = [
        W.VBox([W.HTML(f"<small>{html.escape(str(titles.get(pid, pid)))}</small>"), c])
        for pid, c in controls.items()
    ]
    ex.widget = W.VBox([*rows, table])
    return ex


# ----------------------------------------------------------------------------
# Dashboard (notebooks/dashboard.ipynb, served by Voilà to partners and trainers)
# ----------------------------------------------------------------------------
def _num(v: float, lang: str, digits: int = 0) -> str:
    s = f"{float(v):,.{digits}f}"
    return s.replace(",", "\u202f").replace(".", ",") if lang == "fr" else s


def _pct(v: float, lang: str, digits: int = 1) -> str:
    s = _num(100.0 * float(v), lang, digits)
    return f"{s}\u00a0%" if lang == "fr" else f"{s}%"


def _day(ts: Any) -> str:
    return pd.Timestamp(ts).strftime("%Y-%m-%d")


def _study_period(diag: Any) -> tuple[pd.Timestamp, pd.Timestamp]:
    occ = diag.incidents["occurred_from"]
    start = diag.config.period_start if diag.config.period_start is not None else occ.min()
    end = diag.config.period_end if diag.config.period_end is not None else occ.max()
    return pd.Timestamp(start).normalize(), pd.Timestamp(end).normalize()


def key_numbers(diag: Any, problems: pd.DataFrame | None = None, lang: str = "fr") -> pd.DataFrame:
    """The dashboard's key numbers, each with its denominator.

    Parameters
    ----------
    diag : Diagnostic
        From :func:`diagnostic_lib.loaders.load_diagnostic`.
    problems : DataFrame, optional
        Problem register (:func:`diagnostic_lib.inventory.find_problems` or a
        register read back); rows about problems are left out without it.
    lang : {"fr", "en"}

    Returns
    -------
    DataFrame
        Indexed by a stable code (``incidents``, ``rate``, ``located``,
        ``problems``, ``in_problems``, ``measures``, ``unsafe_night``,
        ``rows``) with ``label``, ``value`` and ``denominator`` (numbers,
        ``denominator`` missing when the value is not a share), ``text`` (the
        value as shown) and ``detail`` (the denominator in words).

    Examples
    --------
    >>> from diagnostic_lib import loaders, sample
    >>> d = loaders.load_diagnostic(sample.sample_dir() / "diagnostic.toml")
    >>> k = key_numbers(d, lang="en")
    >>> int(k.loc["incidents", "value"]) == len(d.incidents)
    True
    >>> int(k.loc["located", "denominator"]) == len(d.incidents)
    True
    """
    from . import inventory
    from . import measures as measures_mod

    i18n.check_lang(lang)
    inc = diag.incidents
    n = len(inc)
    start, end = _study_period(diag)
    years = max(round((end - start).days / 365.25), 1)
    pop = float(diag.sectors["population"].sum(min_count=1))
    rows: list[tuple[str, str, float, float, str, str]] = []

    def add(code, key, value, denominator, text, detail):
        rows.append((code, i18n.t(key, lang), float(value), float(denominator), text, detail))

    add("incidents", "dash.kn.incidents", n, float("nan"), _num(n, lang),
        i18n.t("dash.kn.incidents_detail", lang, start=_day(start), end=_day(end), years=years))  # fmt: skip
    if pop > 0:
        per_year = n / years
        add("rate", "dash.kn.rate", per_year / pop * 1000.0, pop, _num(per_year / pop * 1000.0, lang, 1),
            i18n.t("dash.kn.rate_detail", lang, n=_num(per_year, lang), population=_num(pop, lang)))  # fmt: skip
    located = int((inc.geometry.notna() & ~inc.geometry.is_empty).sum())
    add("located", "dash.kn.located", located, n, _num(located, lang),
        i18n.t("dash.kn.of_incidents", lang, n=_num(n, lang), share=_pct(located / n if n else 0.0, lang)))  # fmt: skip
    if problems is not None:
        active = (
            problems[~problems["excluded"].fillna(False).astype(bool)]
            if "excluded" in problems
            else problems
        )
        trend = active["trend_label"] if "trend_label" in active else pd.Series(dtype=str)
        add("problems", "dash.kn.problems", len(active), float("nan"), _num(len(active), lang),
            i18n.t("dash.kn.problems_detail", lang, rising=int((trend == "significant_rise").sum()),
                   falling=int((trend == "significant_fall").sum())))  # fmt: skip
        inside = int(inventory.problem_incidents(active, inc).notna().sum())
        add("in_problems", "dash.kn.in_problems", inside, n, _num(inside, lang),
            i18n.t("dash.kn.of_incidents", lang, n=_num(n, lang), share=_pct(inside / n if n else 0.0, lang)))  # fmt: skip
    if diag.measures is not None and len(diag.measures):
        st = measures_mod.status(diag.measures, end)
        n_active = int((st == "active").sum())
        add("measures", "dash.kn.measures", n_active, len(st), _num(n_active, lang),
            i18n.t("dash.kn.measures_detail", lang, n=len(st), date=_day(end)))  # fmt: skip
    if diag.survey is not None and len(diag.survey):
        p = inventory.perception(diag.survey, diag.sectors).set_index("sector").loc["*"]
        add("unsafe_night", "dash.kn.unsafe", p["unsafe_night"], p["respondents"], _pct(p["unsafe_night"], lang),
            i18n.t("dash.kn.unsafe_detail", lang, n=_num(p["respondents"], lang),
                   low=_pct(p["unsafe_night_low"], lang), high=_pct(p["unsafe_night_high"], lang)))  # fmt: skip
    files = diag.ledger.files
    files = files[files["table"] == "incidents"] if len(files) else files
    if len(files):
        kept, read = int(files["rows_kept"].sum()), int(files["rows_in"].sum())
        add("rows", "dash.kn.rows", kept, read, _num(kept, lang),
            i18n.t("dash.kn.rows_detail", lang, n=_num(read, lang)))  # fmt: skip
    out = pd.DataFrame(rows, columns=["code", "label", "value", "denominator", "text", "detail"])
    return out.set_index("code")


def sector_profile(
    diag: Any,
    problems: pd.DataFrame,
    sector_id: str,
    lang: str = "fr",
    ranking: pd.DataFrame | None = None,
    small_count: int | None = None,
    year: int | None = None,
) -> dict[str, pd.DataFrame]:
    """One sector seen by a partner: its rates, its problems and its measures.

    Only aggregated numbers: counts below ``small_count`` read ``"< 5"`` and
    the rates computed from them are hidden (:func:`diagnostic_lib.report.suppress_small_counts`).

    Parameters
    ----------
    diag : Diagnostic
    problems : DataFrame
        Problem register.
    sector_id : str
    lang : {"fr", "en"}
    ranking : DataFrame, optional
        :func:`diagnostic_lib.inventory.priority` result giving the ranks
        (default weights when not given).
    small_count : int, optional
        Default: the config's ``small_count`` parameter.
    year : int, optional
        Year of the rates (default: the last year of the study period).

    Returns
    -------
    dict of DataFrame
        ``rates`` (by family: count, rate per 1,000 residents with its 95 %
        interval, municipal rate), ``problems`` (those touching the sector, by
        rank) and ``measures`` (those acting in it), with headers and values
        ready to show in ``lang``; ``header`` (one row: name, population, year).

    Examples
    --------
    >>> from diagnostic_lib import inventory, loaders, sample
    >>> d = loaders.load_diagnostic(sample.sample_dir() / "diagnostic.toml")
    >>> pb = inventory.run(d, permutations=9).problems
    >>> prof = sector_profile(d, pb, "S01", lang="en")
    >>> sorted(prof)
    ['header', 'measures', 'problems', 'rates']
    >>> prof["rates"].columns[0], len(prof["problems"]) > 0
    ('Family', True)
    """
    from . import inventory
    from . import measures as measures_mod

    i18n.check_lang(lang)
    threshold = int(small_count if small_count is not None else diag.config.param("small_count", 5))
    _, end = _study_period(diag)
    year = int(year if year is not None else end.year)
    sec = diag.sectors.set_index(diag.sectors["sector_id"].astype(str))
    if sector_id not in sec.index:
        raise KeyError(f"unknown sector {sector_id!r}; known: {sorted(sec.index)}")

    def show(v: Any, digits: int = 1) -> Any:
        return _num(v, lang, digits) if isinstance(v, int | float) and pd.notna(v) else v

    # rates by family, the chosen year, against the municipality
    r = inventory.rates(diag.incidents, diag.sectors, by="family", period="year")
    r = r[r["period"] == year]
    muni = r[r["sector"] == "*"].set_index("group")["rate"]
    mine = r[r["sector"] == sector_id].set_index("group").reindex(muni.index)
    rates = pd.DataFrame({
        "family": [i18n.label("family", g, lang) for g in muni.index],
        "count": mine["count"].fillna(0).astype(int).to_numpy(),
        "rate": mine["rate"].to_numpy(),
        "ci": [f"{show(lo)} – {show(hi)}" if pd.notna(lo) else "—" for lo, hi in zip(mine["rate_low"], mine["rate_high"], strict=True)],
        "municipality": muni.to_numpy(),
    })  # fmt: skip
    rates = rates.sort_values("count", ascending=False, kind="stable").reset_index(drop=True)
    from .report import suppress_small_counts

    rates = suppress_small_counts(rates, ["count"], threshold, ["rate", "ci"], "—")
    rates["count"] = [show(v, 0) for v in rates["count"]]
    rates["rate"] = [show(v) for v in rates["rate"]]
    rates["municipality"] = [show(v) for v in rates["municipality"]]
    rates.columns = [i18n.t("word.family", lang), i18n.t("word.count", lang), i18n.t("word.rate", lang),
                     i18n.t("dash.col.rate_ci", lang), i18n.t("dash.col.municipality_rate", lang)]  # fmt: skip

    # problems touching the sector, by rank
    rk = ranking if ranking is not None else inventory.priority(problems)
    excluded = problems["excluded"].fillna(False).astype(bool) if "excluded" in problems else False
    here = problems[~excluded & problems["sectors"].map(lambda s: sector_id in tuple(s))]
    tcol = "title_fr" if lang == "fr" else "title_en"
    pb = pd.DataFrame({
        "rank": here["problem_id"].map(rk.set_index("problem_id")["rank"]).to_numpy(),
        "title": here[tcol].to_numpy(),
        "kind": [i18n.label("problemkind", k, lang) for k in here["kind"]],
        "n": here["n_incidents"].astype(int).to_numpy(),
        "trend": [inventory.CHANGE_LABELS.get(x, (x, x))[0 if lang == "fr" else 1] for x in here["trend_label"]],
    }).sort_values("rank", kind="stable").reset_index(drop=True)  # fmt: skip
    pb = suppress_small_counts(pb, ["n"], threshold)
    pb["n"] = [show(v, 0) for v in pb["n"]]
    pb["rank"] = [str(int(v)) if pd.notna(v) else "—" for v in pb["rank"]]
    pb.columns = [i18n.t("dash.col.rank", lang), i18n.t("dash.col.problem", lang), i18n.t("dash.col.kind", lang),
                  i18n.t("word.incidents", lang), i18n.t("dash.col.trend", lang)]  # fmt: skip

    # measures acting in the sector
    m = diag.measures
    if m is not None and len(m):
        touched = measures_mod.measure_sectors(m, diag.sectors)
        m = m[touched.map(lambda s: sector_id in s).to_numpy()]
        st = measures_mod.status(m, end)
        meas = pd.DataFrame({
            "name": m["name" if lang == "fr" else "name_en"].fillna(m["name"]).to_numpy(),
            "pillar": [i18n.label("pillar", p, lang) for p in m["pillar"]],
            "kind": [i18n.label("kind", k, lang) for k in m["kind"]],
            "status": [i18n.label("status", s, lang) for s in st],
            "start": [_day(s) if pd.notna(s) else "—" for s in m["start"]],
        })  # fmt: skip
    else:
        meas = pd.DataFrame(columns=["name", "pillar", "kind", "status", "start"])
    meas.columns = [i18n.t("dash.col.measure", lang), i18n.t("dash.col.pillar", lang), i18n.t("dash.col.kind", lang),
                    i18n.t("dash.col.status", lang), i18n.t("dash.col.start", lang)]  # fmt: skip

    row = sec.loc[sector_id]
    header = pd.DataFrame({"sector": [sector_id], "name": [str(row["name"])],
                           "population": [float(row["population"])], "year": [year]})  # fmt: skip
    return {"header": header, "rates": rates, "problems": pb, "measures": meas}


# Tables of the dashboard: readable without JupyterLab's own table style (Voilà).
_DASHBOARD_CSS = """<style>
table.diagnostic-table {border-collapse: collapse; margin: 4px 0 14px; font-size: 13px}
table.diagnostic-table th {text-align: left; background: #f0f0f0; padding: 4px 10px;
  border-bottom: 2px solid #bbb; vertical-align: bottom}
table.diagnostic-table td {padding: 3px 10px; border-bottom: 1px solid #e3e3e3}
table.diagnostic-table tr:nth-child(even) td {background: #fafafa}
</style>"""


def _map_iframe(folium_map: Any, height: int = 460) -> str:
    doc = folium_map.get_root().render()
    return (f'<iframe class="diagnostic-map" srcdoc="{html.escape(doc, quote=True)}" '
            f'style="width:100%;max-width:900px;height:{height}px;border:1px solid #ccc"></iframe>')  # fmt: skip


def _profile_html(prof: dict[str, pd.DataFrame], lang: str, ref_date: str) -> str:
    h = prof["header"].iloc[0]
    parts = [
        f"<h4>{html.escape(i18n.t('dash.sector_header', lang, name=h['name'], sector=h['sector'], population=_num(h['population'], lang)))}</h4>",
        f"<b>{html.escape(i18n.t('dash.rates', lang, year=int(h['year'])))}</b>",
        table_html(prof["rates"], lang, max_rows=50),
        f"<b>{html.escape(i18n.t('dash.problems', lang))}</b>",
        table_html(prof["problems"], lang, max_rows=50) if len(prof["problems"]) else f"<p>{html.escape(i18n.t('dash.none', lang))}</p>",
        f"<b>{html.escape(i18n.t('dash.measures', lang, date=ref_date))}</b>",
        table_html(prof["measures"], lang, max_rows=50) if len(prof["measures"]) else f"<p>{html.escape(i18n.t('dash.none', lang))}</p>",
    ]  # fmt: skip
    return "\n".join(parts)


def dashboard(
    diag: Any,
    problems: pd.DataFrame,
    lang: str = "fr",
    weights: dict[str, float] | None = None,
    small_count: int | None = None,
    top: int = 10,
) -> Explorer:
    """The diagnosis on one page, for partners and trainers (served with Voilà).

    A title and a language switch (every label, table header and map legend
    follows it), the key numbers with their denominators
    (:func:`key_numbers`), the priority table with its weight sliders and the
    problems map (:func:`priority_explorer`), an interactive map of the
    sectors and problems, and a sector picker showing that sector's rates,
    problems and measures (:func:`sector_profile`). Only aggregated data: no
    incident is drawn or listed, and small counts are suppressed.

    Parameters
    ----------
    diag : Diagnostic
    problems : DataFrame
        Problem register (e.g. ``inventory.run(diag).problems``).
    lang : {"fr", "en"}
        Initial language.
    weights : dict, optional
        Initial priority weights.
    small_count : int, optional
        Default: the config's ``small_count``.
    top : int
        Problems shown in the priority table and map.

    Returns
    -------
    Explorer
        ``controls`` are ``lang`` and ``sector``; ``compute(lang, sector)`` is
        :func:`sector_profile` with the current ranking; ``outputs`` hold the
        parts (``title``, ``key_numbers``, ``priority`` — the nested priority
        :class:`Explorer` —, ``map``, ``sector``).

    Examples
    --------
    >>> from diagnostic_lib import inventory, loaders, sample
    >>> d = loaders.load_diagnostic(sample.sample_dir() / "diagnostic.toml")
    >>> pb = inventory.run(d, permutations=9).problems
    >>> dash = dashboard(d, pb, lang="fr")
    >>> "Chiffres clés" in dash.widget.children[1].value
    True
    >>> dash.controls["lang"].value = "en"
    >>> "Key numbers" in dash.widget.children[1].value
    True
    >>> dash.controls["sector"].value = "S03"
    >>> dash.result["header"].loc[0, "name"]
    'Carrefour'
    """
    import ipywidgets as W

    from . import inventory, maps

    i18n.check_lang(lang)
    threshold = int(small_count if small_count is not None else diag.config.param("small_count", 5))
    _, end = _study_period(diag)
    sids = diag.sectors["sector_id"].astype(str).tolist()
    controls = {
        "lang": W.ToggleButtons(options=[("Français", "fr"), ("English", "en")], value=lang,
                                description="Langue / Language", style={"description_width": "initial"}),
        "sector": W.Dropdown(options=[(f"{s} — {n}", s) for s, n in zip(sids, diag.sectors["name"], strict=True)],
                             value=sids[0], description=i18n.t("word.sector", lang)),
    }  # fmt: skip
    state: dict[str, Any] = {
        "weights": dict(inventory.DEFAULT_PRIORITY_WEIGHTS if weights is None else weights)
    }

    def compute(lang: str = "fr", sector: str = sids[0]) -> dict[str, pd.DataFrame]:
        prio = ex.outputs.get("priority")
        ranking = prio.result if prio is not None else None
        return sector_profile(diag, problems, sector, lang=lang, ranking=ranking,
                              small_count=threshold)  # fmt: skip

    ex = Explorer(widget=W.VBox(), controls=controls, compute=compute)
    sector_html = W.HTML()

    def refresh_sector(_: Any = None) -> None:
        v = ex.values()
        res = compute(v["lang"], v["sector"])
        ex.result = res
        sector_html.value = _profile_html(res, v["lang"], _day(end))

    def on_weights(_: Any = None) -> None:
        state["weights"] = ex.outputs["priority"].values()
        refresh_sector()

    def build(_: Any = None) -> None:
        lg = controls["lang"].value
        old = ex.outputs.get("priority")
        if (
            old is not None
        ):  # close the previous language's widgets (their comms stay open otherwise)
            parts = [*old.controls.values(), *old.outputs.values(), old.widget]
            parts += [ex.outputs[k] for k in ("title", "key_numbers", "map")]
            for w in parts:
                if w is not None:
                    w.close()
        controls["sector"].description = i18n.t("word.sector", lg)
        title = W.HTML(
            _DASHBOARD_CSS + f"<h2>{html.escape(i18n.t('dash.title', lg))}</h2>"
            f"<p>{html.escape(i18n.t('dash.subtitle', lg, municipality=diag.config.municipality or '', start=_day(_study_period(diag)[0]), end=_day(end)))}</p>"
            f"<p><i>{html.escape(i18n.t('dash.confidential', lg, n=threshold))}</i></p>"
        )  # fmt: skip
        kn = key_numbers(diag, problems, lg)
        shown = kn[["label", "text", "detail"]].rename(columns={
            "label": i18n.t("dash.col.indicator", lg), "text": i18n.t("dash.col.value", lg),
            "detail": i18n.t("dash.col.denominator", lg)})  # fmt: skip
        numbers = W.HTML(
            f"<h3>{html.escape(i18n.t('dash.key_numbers', lg))}</h3>" + table_html(shown, lg)
        )
        prio = priority_explorer(problems, diag.sectors, lang=lg, weights=state["weights"], top=top)
        for c in prio.controls.values():
            c.observe(on_weights, names="value")
        imap = maps.interactive_map(
            diag.sectors, problems=problems, lang=lg, taxonomy=diag.taxonomy
        )
        map_html = W.HTML(f"<h3>{html.escape(i18n.t('dash.map', lg))}</h3>" + _map_iframe(imap))
        ex.outputs.update({"title": title, "key_numbers": numbers, "priority": prio, "map": map_html,
                           "sector": sector_html})  # fmt: skip
        ex.widget.children = [
            W.VBox([title, controls["lang"]]),
            numbers,
            W.HTML(
                f"<h3>{html.escape(i18n.t('dash.priority', lg))}</h3>"
                f"<p>{html.escape(i18n.t('dash.priority_help', lg))}</p>"
            ),  # fmt: skip
            prio.widget,
            map_html,
            W.HTML(f"<h3>{html.escape(i18n.t('dash.sector', lg))}</h3>"),
            controls["sector"],
            sector_html,
        ]
        refresh_sector()

    controls["lang"].observe(build, names="value")
    controls["sector"].observe(refresh_sector, names="value")
    build()
    return ex


# ----------------------------------------------------------------------------
# Step 2: measures
# ----------------------------------------------------------------------------
def measure_card_explorer(
    result: Any, incidents: pd.DataFrame, sectors: Any, lang: str = "fr"
) -> Explorer:
    """Pick a measure: its footprint map, the problems it addresses, the incidents around it.

    The plain computation is :func:`diagnostic_lib.measures.measure_card`
    (plain counts in the treated area and the ring, 12 months before and
    after the start; step 3 does the statistics).

    Parameters
    ----------
    result : MeasureInventory
        From :func:`diagnostic_lib.measures.run`.
    incidents : DataFrame
    sectors : GeoDataFrame
    lang : {"fr", "en"}

    Returns
    -------
    Explorer
        ``compute(measure_id)``.

    Examples
    --------
    >>> from diagnostic_lib import inventory, loaders, measures, sample
    >>> d = loaders.load_diagnostic(sample.sample_dir() / "diagnostic.toml")
    >>> inv = inventory.run(d, permutations=9)
    >>> ex = measure_card_explorer(measures.run(d, inv.problems, inv.priority), d.incidents, d.sectors, lang="en")
    >>> ex.controls["measure_id"].value = "M01"
    >>> ex.result["counts"][["treated_before", "treated_after"]].values.tolist()
    [[136, 83]]
    """
    import ipywidgets as W

    from . import maps, measures

    reg = result.registry
    ncol = "name" if lang == "fr" else "name_en"
    options = [(f"{m} — {n}", m) for m, n in zip(reg["measure_id"], reg[ncol], strict=True)]
    controls = {
        "measure_id": W.Dropdown(options=options, value=options[0][1] if options else None,
                                 description="Mesure" if lang == "fr" else "Measure",
                                 layout=W.Layout(width="640px")),
    }  # fmt: skip

    def compute(measure_id: str):
        return measures.measure_card(result, incidents, measure_id)

    table = W.HTML()
    image = W.Image(format="png", layout=W.Layout(max_width="700px"))
    ex = Explorer(
        widget=None, controls=controls, compute=compute, outputs={"table": table, "map": image}
    )

    def refresh(_: Any = None) -> None:
        mid = controls["measure_id"].value
        if mid is None:
            return
        card = compute(mid)
        ex.result = card
        row = card["measure"]
        show = ["measure_id", "name", "name_en", "pillar", "kind", "status", "start", "end", "partners",
                "unknown_partners", "footprint", "sectors_touched", "target_categories", "target_shifts", "cost"]  # fmt: skip
        counts = card["counts"][["before_days", "after_days", "treated_before", "treated_after", "buffer_before",
                                 "buffer_after", "note"]]  # fmt: skip
        heads = (
            ("Mesure", "Problèmes visés", "Incidents visés, 12 mois avant et après le début (comptes simples)")
            if lang == "fr"
            else ("Measure", "Problems addressed", "Targeted incidents, 12 months before and after the start (plain counts)")
        )  # fmt: skip
        parts = [
            f"<h4>{html.escape(heads[0])}</h4>",
            table_html(
                measures.for_display(row[[c for c in show if c in row.columns]], lang), lang
            ),
            f"<h4>{html.escape(heads[1])}</h4>",
            table_html(measures.for_display(card["problems"], lang), lang),
            f"<h4>{html.escape(heads[2])}</h4>",
            table_html(measures.for_display(counts, lang), lang),
        ]
        table.value = "".join(parts)
        rec = row.iloc[0]
        fig = maps.measure_detail_map(card["area"], card["ring"], card["incidents"], sectors,
                                      title=f"{rec['measure_id']} — {rec[ncol]}", lang=lang, pillar=rec["pillar"])  # fmt: skip
        image.value = maps.figure_to_png(fig, dpi=80)

    controls["measure_id"].observe(refresh, names="value")
    refresh()
    ex.widget = W.VBox([controls["measure_id"], W.HBox([image, table])])
    return ex


def problem_explorer(result: Any, lang: str = "fr") -> Explorer:
    """Pick a problem: its coverage, the measures addressing it and the partners who could help.

    The plain computation is :func:`diagnostic_lib.measures.problem_card`.

    Parameters
    ----------
    result : MeasureInventory
        From :func:`diagnostic_lib.measures.run`.
    lang : {"fr", "en"}

    Returns
    -------
    Explorer
        ``compute(problem_id)``.

    Examples
    --------
    >>> from diagnostic_lib import inventory, loaders, measures, sample
    >>> d = loaders.load_diagnostic(sample.sample_dir() / "diagnostic.toml")
    >>> inv = inventory.run(d, permutations=9)
    >>> ex = problem_explorer(measures.run(d, inv.problems, inv.priority), lang="en")
    >>> ex.result["problem"]["level"].iloc[0], ex.result["partners"]["partner_id"].iloc[0]
    ('none', 'P09')
    """
    import ipywidgets as W

    from . import measures

    bp = result.by_problem
    tcol = "title_fr" if lang == "fr" else "title_en"
    options = [
        (f"{int(r)}. {t}" if pd.notna(r) else f"— {t}", p)
        for p, r, t in zip(bp["problem_id"], bp["rank"], bp[tcol], strict=True)
    ]
    controls = {
        "problem_id": W.Dropdown(options=options, value=options[0][1] if options else None,
                                 description="Problème" if lang == "fr" else "Problem",
                                 layout=W.Layout(width="760px")),
    }  # fmt: skip

    def compute(problem_id: str):
        return measures.problem_card(result, problem_id)

    table = W.HTML()
    ex = Explorer(widget=None, controls=controls, compute=compute, outputs={"table": table})

    def refresh(_: Any = None) -> None:
        pid = controls["problem_id"].value
        if pid is None:
            return
        card = compute(pid)
        ex.result = card
        heads = (
            ("Couverture", "Mesures qui le visent", "Partenaires qui pourraient aider")
            if lang == "fr"
            else ("Coverage", "Measures addressing it", "Partners who could help")
        )
        prob = card["problem"][["problem_id", "title_fr", "title_en", "rank", "level", "gap_reason", "pillars",
                                "missing_pillars"]]  # fmt: skip
        sugg = card["partners"].drop(
            columns=["title_fr", "title_en", "rank", "level", "gap_reason"], errors="ignore"
        )
        table.value = "".join([
            f"<h4>{html.escape(heads[0])}</h4>", table_html(measures.for_display(prob, lang), lang),
            f"<h4>{html.escape(heads[1])}</h4>", table_html(measures.for_display(card["measures"], lang), lang),
            f"<h4>{html.escape(heads[2])}</h4>", table_html(measures.for_display(sugg, lang), lang),
        ])  # fmt: skip

    controls["problem_id"].observe(refresh, names="value")
    refresh()
    ex.widget = W.VBox([controls["problem_id"], table])
    return ex


# ----------------------------------------------------------------------------
# Step 3: evaluate one measure
# ----------------------------------------------------------------------------
def measure_explorer(
    measures: pd.DataFrame,
    incidents: pd.DataFrame,
    sectors: Any,
    data_start: Any,
    data_end: Any,
    lang: str = "fr",
    measure_id: str | None = None,
    window_months: int = 12,
    lag_months: int = 0,
    buffer_m: float = 200.0,
    source: str = "diagnostic_lib",
) -> Explorer:
    """Pick a measure; see its before/after chart, its areas, its estimates and its verdict.

    Sliders set the window length, the implementation lag and the buffer
    width; a menu sets the control area. Every change recomputes
    :func:`diagnostic_lib.evaluation.evaluate_measure` (``compute``).

    Returns
    -------
    Explorer
        ``compute(measure_id, window_months, lag_months, buffer_m, control)``;
        ``result`` is a :class:`~diagnostic_lib.evaluation.MeasureResult`.

    Examples
    --------
    >>> from diagnostic_lib import evaluation, loaders, sample
    >>> d = loaders.load_diagnostic(sample.sample_dir() / "diagnostic.toml")
    >>> ex = measure_explorer(d.measures, d.incidents, d.sectors, *evaluation.data_period(d), lang="en", measure_id="M01")
    >>> ex.result.effect["verdict"]
    'effective'
    >>> ex.controls["window_months"].value = 6
    >>> int(ex.result.effect["window_months"])
    6
    """
    import ipywidgets as W

    from . import charts, evaluation, maps

    ncol = "name" if lang == "fr" else "name_en"
    ids = measures["measure_id"].astype(str).tolist()
    opts = [
        (f"{m} — {n}", m)
        for m, n in zip(ids, measures[ncol if ncol in measures.columns else "name"], strict=True)
    ]
    style = {"description_width": "200px"}
    lay = W.Layout(width="460px")
    controls = {
        "measure_id": W.Dropdown(options=opts, value=measure_id or ids[0], description=i18n.t("eval.widget.measure", lang),
                                 style=style, layout=W.Layout(width="640px")),
        "window_months": W.IntSlider(value=window_months, min=3, max=24, step=1, description=i18n.t("eval.widget.window", lang),
                                     style=style, layout=lay, continuous_update=False),
        "lag_months": W.IntSlider(value=lag_months, min=0, max=6, step=1, description=i18n.t("eval.widget.lag", lang),
                                  style=style, layout=lay, continuous_update=False),
        "buffer_m": W.IntSlider(value=int(buffer_m), min=50, max=500, step=50, description=i18n.t("eval.widget.buffer", lang),
                                style=style, layout=lay, continuous_update=False),
        "control": W.Dropdown(options=[(i18n.t("eval.control.rest", lang), "rest"), (i18n.t("eval.control.similar", lang), "similar")],
                              value="rest", description=i18n.t("eval.widget.control", lang), style=style, layout=lay),
    }  # fmt: skip

    def compute(measure_id: str, window_months: int = 12, lag_months: int = 0, buffer_m: float = 200.0,
                control: str = "rest"):  # fmt: skip
        return evaluation.evaluate_measure(measures, incidents, sectors, measure_id, data_start, data_end,
                                           window_months=int(window_months), lag_months=int(lag_months),
                                           buffer_m=float(buffer_m), control=control)  # fmt: skip

    verdict = W.HTML()
    table = W.HTML()
    chart = W.Image(format="png", layout=W.Layout(max_width="760px"))
    mapimg = W.Image(format="png", layout=W.Layout(max_width="900px"))
    ex = Explorer(widget=None, controls=controls, compute=compute,
                  outputs={"verdict": verdict, "table": table, "chart": chart, "map": mapimg})  # fmt: skip

    def refresh(_: Any = None) -> None:
        res = compute(**ex.values())
        ex.result = res
        e = res.effect
        cav = e.get(f"caveats_{lang}", "")
        verdict.value = (f"<p><b>{html.escape(str(e[f'verdict_{lang}']))}</b></p>"
                         + (f"<p><i>{html.escape(str(cav))}</i></p>" if cav else ""))  # fmt: skip
        table.value = table_html(evaluation_table(e, lang), lang)
        chart.value = maps.figure_to_png(
            charts.before_after_chart(res.monthly, e, lang=lang), dpi=80
        )
        mapimg.value = maps.figure_to_png(
            maps.evaluation_map(res.design, sectors, lang=lang, source=source), dpi=70
        )

    for c in controls.values():
        c.observe(refresh, names="value")
    refresh()
    ex.widget = W.VBox([*controls.values(), verdict, table, chart, mapimg])
    return ex


_EVAL_ROWS = (
    ("a0", "a1", ("Zone traitée (avant → après)", "Treated area (before → after)")),
    ("b0", "b1", ("Anneau (avant → après)", "Buffer ring (before → after)")),
    ("c0", "c1", ("Zone témoin (avant → après)", "Control area (before → after)")),
)


def evaluation_table(effect: pd.Series, lang: str = "fr") -> pd.DataFrame:
    """The estimates behind one measure's verdict, as a two-column table for display.

    Examples
    --------
    >>> import pandas as pd
    >>> from diagnostic_lib import evaluation
    >>> e = evaluation.estimate_effects(pd.DataFrame({"a0": [136], "a1": [83], "b0": [62], "b1": [41],
    ...                                              "c0": [3000], "c1": [3050]})).iloc[0]
    >>> evaluation_table(e, "en").iloc[0].tolist()
    ['Treated area (before → after)', '136 → 83']
    """
    fr = lang == "fr"

    def n(v: Any, d: int = 2) -> str:
        if v is None or pd.isna(v):
            return "—"
        s = f"{float(v):,.{d}f}"
        return s.replace(",", "\u202f").replace(".", ",") if fr else s

    rows = []
    for k0, k1, lab in _EVAL_ROWS:
        if k0 in effect.index and pd.notna(effect[k0]):
            rows.append((lab[0 if fr else 1], f"{n(effect[k0], 0)} → {n(effect[k1], 0)}"))
    spec = [
        ("RES (IC 95 % Poisson)", "RES (95% CI, Poisson)", "res", "res_low", "res_high"),
        ("RES (IC 95 % ajusté)", "RES (95% CI, adjusted)", "res", "res_low_adj", "res_high_adj"),
    ]
    for fr_l, en_l, c, lo, hi in spec:
        if pd.notna(effect.get(c)):
            rows.append((fr_l if fr else en_l, f"{n(effect[c])} ({n(effect[lo])}–{n(effect[hi])})"))
    extra = [
        ("Surdispersion φ (avant)", "Overdispersion φ (before)", "phi_res", 2),
        ("Test E de la zone traitée (p)", "E-test of the treated area (p)", "treated_p", 3),
        ("WDD (z ajusté)", "WDD (adjusted z)", "wdd", 1),
        ("WDQ", "WDQ", "wdq", 2),
        ("Effet net total (événements)", "Total net effect (events)", "tne", 1),
    ]
    for fr_l, en_l, c, d in extra:
        if (
            c in effect.index
            and pd.notna(effect.get(c))
            or c == "wdq"
            and pd.notna(effect.get("res"))
        ):
            v = n(effect.get(c), d)
            if c == "wdd":
                v += f" ({n(effect.get('wdd_z_adj'), 2)})"
            if c == "wdq":
                from . import evaluation

                v = (
                    f"{v} — "
                    + evaluation.WDQ_LABELS.get(
                        str(effect.get("wdq_reading", "undefined")), ("", "")
                    )[0 if fr else 1]
                )
            rows.append((fr_l if fr else en_l, v))
    if pd.notna(effect.get("before_start")):
        rows.append(("Fenêtres (avant ; après)" if fr else "Windows (before; after)",
                     "{} – {} ; {} – {}".format(*(str(pd.Timestamp(effect[k]).date()) for k in ("before_start", "before_end", "after_start", "after_end")))))  # fmt: skip
    return pd.DataFrame(
        rows, columns=["Indicateur" if fr else "Indicator", "Valeur" if fr else "Value"]
    )
