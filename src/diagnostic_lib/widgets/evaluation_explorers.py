"""Step 3 explorer: evaluate one measure, with sliders for the window, the lag and the ring.

Examples
--------
>>> from diagnostic_lib import i18n
>>> i18n.t("widget.eval.treated", "en")
'Treated area (before → after)'
"""

from __future__ import annotations

import html
from collections import OrderedDict
from typing import Any

import pandas as pd

from .. import charts, evaluation, i18n, maps
from .. import formatting as fmt
from .explorer import Explorer, table_html

_EVAL_ROWS = (
    ("a0", "a1", "widget.eval.treated"),
    ("b0", "b1", "widget.eval.buffer"),
    ("c0", "c1", "widget.eval.control"),
)
# (label key, estimate, lower bound, upper bound)
_EVAL_INTERVALS = (
    ("widget.eval.res_poisson", "res", "res_low", "res_high"),
    ("widget.eval.res_adjusted", "res", "res_low_adj", "res_high_adj"),
    ("widget.eval.res_corrected", "res_corrected", "res_corrected_low", "res_corrected_high"),
)
# (label key, column, decimals)
_EVAL_EXTRA = (
    ("widget.eval.phi", "phi_res", 2),
    ("widget.eval.p_corrected", "p_corrected", 3),
    ("widget.eval.q_value", "q_value", 3),
    ("widget.eval.treated_p", "treated_p", 3),
    ("widget.eval.placebos", "placebos", 0),
    ("widget.eval.wdd", "wdd", 1),
    ("widget.eval.wdq", "wdq", 2),
    ("widget.eval.tne", "tne", 1),
)


MAPS_KEPT = 32
"""Area maps the measure explorer keeps (PNG, about 50 kB each) for instant revisits."""


def _measure_controls(
    measures: pd.DataFrame,
    lang: str,
    measure_id: str | None,
    window_months: int,
    lag_months: int,
    buffer_m: float,
) -> dict[str, Any]:
    import ipywidgets as W

    ncol = "name" if lang == "fr" else "name_en"
    ids = measures["measure_id"].astype(str).tolist()
    names = measures[ncol if ncol in measures.columns else "name"]
    opts = [(f"{m} — {n}", m) for m, n in zip(ids, names, strict=True)]
    style = {"description_width": "200px"}
    lay = W.Layout(width="460px")

    def slider(value: int, lo: int, hi: int, step: int, key: str) -> Any:
        return W.IntSlider(
            value=value,
            min=lo,
            max=hi,
            step=step,
            description=i18n.t(key, lang),
            style=style,
            layout=lay,
            continuous_update=False,
        )

    control_opts = [
        (i18n.t("eval.control.rest", lang), "rest"),
        (i18n.t("eval.control.similar", lang), "similar"),
        (i18n.t("eval.control.level", lang), "level"),
    ]
    return {
        "measure_id": W.Dropdown(
            options=opts,
            value=measure_id or ids[0],
            description=i18n.t("eval.widget.measure", lang),
            style=style,
            layout=W.Layout(width="640px"),
        ),
        "window_months": slider(window_months, 3, 24, 1, "eval.widget.window"),
        "lag_months": slider(lag_months, 0, 6, 1, "eval.widget.lag"),
        "buffer_m": slider(int(buffer_m), 50, 500, 50, "eval.widget.buffer"),
        "control": W.Dropdown(
            options=control_opts,
            value="rest",
            description=i18n.t("eval.widget.control", lang),
            style=style,
            layout=lay,
        ),
    }


def measure_explorer(  # noqa: PLR0913 - public signature kept for backward compatibility
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
    source: str | None = None,
) -> Explorer:
    """Pick a measure; see its before/after chart, its areas, its estimates and its verdict.

    Sliders set the window length, the implementation lag and the buffer
    width; a menu sets the control area. Every change recomputes
    :func:`diagnostic_lib.evaluation.evaluate_measure` (``compute``, through a
    :class:`~diagnostic_lib.evaluation.MeasureSession`: same result). The initial
    values are the **registered** design; any other design is exploratory, and its
    verdict says so, with the number of designs tried in the session (trying
    designs until one says "effective" is how false effects are found).

    Parameters
    ----------
    measures, incidents : DataFrame
        Canonical measures and incidents.
    sectors : GeoDataFrame
        Canonical sectors.
    data_start, data_end : timestamp
        The data's period (:func:`diagnostic_lib.evaluation.data_period`).
    lang : {"fr", "en"}
        Language.
    measure_id : str, optional
        The measure shown first (default: the first).
    window_months, lag_months : int
        Initial window length and implementation lag (months).
    buffer_m : float
        Initial ring width (m).
    source : str, optional
        Source line of the map.

    Returns
    -------
    Explorer
        ``compute(measure_id, window_months, lag_months, buffer_m, control)``;
        ``result`` is a :class:`~diagnostic_lib.evaluation.MeasureResult`.

    Examples
    --------
    >>> from diagnostic_lib import evaluation, loaders, sample
    >>> d = loaders.load_diagnostic(sample.sample_dir() / "diagnostic.toml")
    >>> period = evaluation.data_period(d)
    >>> ex = measure_explorer(d.measures, d.incidents, d.sectors, *period, lang="en",
    ...                       measure_id="M01")
    >>> ex.result.effect["verdict"]
    'effective'
    >>> ex.controls["window_months"].value = 6
    >>> int(ex.result.effect["window_months"])
    6
    """
    import ipywidgets as W

    controls = _measure_controls(measures, lang, measure_id, window_months, lag_months, buffer_m)
    registered = (int(window_months), int(lag_months), float(buffer_m), "rest")
    tried: set[tuple] = set()
    # what a window or a lag does not change is computed once (same results)
    session = evaluation.MeasureSession(measures, incidents, sectors, data_start, data_end)

    def compute(
        measure_id: str,
        window_months: int = 12,
        lag_months: int = 0,
        buffer_m: float = 200.0,
        control: str = "rest",
    ) -> Any:
        design = (int(window_months), int(lag_months), float(buffer_m), str(control))
        if design != registered:
            tried.add((str(measure_id), *design))
        return session.evaluate(
            measure_id,
            window_months=int(window_months),
            lag_months=int(lag_months),
            buffer_m=float(buffer_m),
            control=control,
            designs_tried=len(tried) if design != registered else 0,
        )

    verdict = W.HTML()
    table = W.HTML()
    chart = W.Image(format="png", layout=W.Layout(max_width="760px"))
    mapimg = W.Image(format="png", layout=W.Layout(max_width="900px"))
    ex = Explorer(
        widget=None,
        controls=controls,
        compute=compute,
        outputs={"verdict": verdict, "table": table, "chart": chart, "map": mapimg},
    )

    drawn: OrderedDict[tuple, bytes] = OrderedDict()

    def area_map(design: Any) -> bytes:
        # the map shows only the areas: drawn when they change, not for a window or a lag;
        # the last MAPS_KEPT maps are kept, so going back to a measure or a ring is instant
        key = (*design.index, *design.geometry.to_wkb(), *design.columns)
        if key not in drawn:
            drawn[key] = maps.figure_to_png(
                maps.evaluation_map(design, sectors, lang=lang, source=source), dpi=70
            )
            while len(drawn) > MAPS_KEPT:
                drawn.popitem(last=False)
        drawn.move_to_end(key)
        return drawn[key]

    def refresh(_: Any = None) -> None:
        res = compute(**ex.values())
        ex.result = res
        e = res.effect
        cav = e.get(f"caveats_{lang}", "")
        verdict.value = f"<p><b>{html.escape(str(e[f'verdict_{lang}']))}</b></p>" + (
            f"<p><i>{html.escape(str(cav))}</i></p>" if cav else ""
        )
        table.value = table_html(evaluation_table(e, lang), lang)
        chart.value = maps.figure_to_png(
            charts.before_after_chart(res.monthly, e, lang=lang), dpi=80
        )
        mapimg.value = area_map(res.design)

    for c in controls.values():
        c.observe(refresh, names="value")
    refresh()
    ex.widget = W.VBox([*controls.values(), verdict, table, chart, mapimg])
    return ex


def _extra_value(effect: pd.Series, col: str, digits: int, lang: str) -> str:
    v = fmt.decimal(effect.get(col), lang, digits)
    if col == "wdd":
        v += f" ({fmt.decimal(effect.get('wdd_z_adj'), lang, 2)})"
    if col == "wdq":
        reading = str(effect.get("wdq_reading", "undefined"))
        pair = evaluation.WDQ_LABELS.get(reading, ("", ""))
        v = f"{v} — {pair[0 if lang == 'fr' else 1]}"
    return v


def evaluation_table(effect: pd.Series, lang: str = "fr") -> pd.DataFrame:
    """The estimates behind one measure's verdict, as a two-column table for display.

    Parameters
    ----------
    effect : Series
        One row of :func:`diagnostic_lib.evaluation.estimate_effects`.
    lang : {"fr", "en"}
        Language.

    Returns
    -------
    DataFrame
        ``Indicator`` and ``Value`` (in ``lang``), numbers formatted.

    Examples
    --------
    >>> import pandas as pd
    >>> from diagnostic_lib import evaluation
    >>> counts = pd.DataFrame({"a0": [136], "a1": [83], "b0": [62], "b1": [41],
    ...                        "c0": [3000], "c1": [3050]})
    >>> e = evaluation.estimate_effects(counts).iloc[0]
    >>> evaluation_table(e, "en").iloc[0].tolist()
    ['Treated area (before → after)', '136 → 83']
    """

    def n(v: Any, d: int = 2) -> str:
        return fmt.decimal(v, lang, d)

    rows = []
    for k0, k1, key in _EVAL_ROWS:
        if k0 in effect.index and pd.notna(effect[k0]):
            rows.append((i18n.t(key, lang), f"{n(effect[k0], 0)} → {n(effect[k1], 0)}"))
    for key, c, lo, hi in _EVAL_INTERVALS:
        if pd.notna(effect.get(c)):
            rows.append((i18n.t(key, lang), f"{n(effect[c])} ({n(effect[lo])}–{n(effect[hi])})"))
    for key, c, d in _EVAL_EXTRA:
        shown = c in effect.index and pd.notna(effect.get(c))
        if shown or (c == "wdq" and pd.notna(effect.get("res"))):
            rows.append((i18n.t(key, lang), _extra_value(effect, c, d, lang)))
    if pd.notna(effect.get("before_start")):
        days = {k: fmt.date(effect[k], lang) for k in ("before_start", "before_end")}
        days |= {k: fmt.date(effect[k], lang) for k in ("after_start", "after_end")}
        rows.append(
            (i18n.t("widget.eval.windows", lang), i18n.t("widget.eval.windows_value", lang, **days))
        )
    return pd.DataFrame(
        rows, columns=[i18n.t("dash.col.indicator", lang), i18n.t("dash.col.value", lang)]
    )
