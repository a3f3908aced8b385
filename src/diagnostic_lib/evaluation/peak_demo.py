"""Why a measure placed at a peak looks effective: a demonstration on a diagnosis's own data.

Police put measures where counts have just peaked. A count that peaked partly by
chance falls back towards its usual level the next year whatever is done
(regression to the mean), so a before/after comparison of a place chosen at its
peak finds a "fall" where nothing worked. :func:`peak_demonstration` shows it on
the data at hand: it takes the grid cells with the most events of some categories
in a window, pretends that a measure with **no effect** started in each the day
after that window, and evaluates these pretend measures exactly as step 3
evaluates the real ones (the same windows, areas, placebo places and dates,
q-values and decision rule, with the config's tunables). Each row gives both
readings: the raw before/after RES with its quasi-Poisson interval and the verdict
the rule gives on it, and the corrected, placebo-based estimate and the verdict of
step 3. :func:`peak_summary` says the result in words. See docs/methods.md,
*Placebo-based inference*.
"""

from __future__ import annotations

import warnings
from collections.abc import Sequence
from typing import TYPE_CHECKING, Any

import numpy as np
import pandas as pd
import shapely

from .. import formatting as fmt
from .. import i18n, inventory
from .. import measures as measures_mod
from ._common import _month_floor, _tuple
from .decision import VERDICTS, Rule, decide_verdict
from .design import _buffer_width, data_period, targeted
from .effects import _evaluate_core
from .placebo_design import PlaceboSource, design_windows
from .placebos import PlaceboOptions, log_effects
from .results import _buffers, _options, _parameters

if TYPE_CHECKING:
    from ..loaders import Diagnostic

PEAK_COLUMNS: tuple[str, ...] = (
    "measure_id",
    "cell_id",
    "sector",
    "history",
    "before",
    "after",
    "res",
    "res_low_adj",
    "res_high_adj",
    "verdict_raw",
    "res_corrected",
    "res_corrected_low",
    "res_corrected_high",
    "q_value",
    "placebos",
    "rtm_flag",
    "verdict",
)
"""The columns of :func:`peak_demonstration` shown to people, in order (every pretend measure
starts on the same day: the date is in the summary, :func:`peak_summary`)."""


def peak_demonstration(
    diag: Diagnostic,
    categories: str | Sequence[str],
    places: int = 10,
    cell_m: float | None = None,
    buffer_m: float | None = None,
    start: Any = None,
    window_months: int | None = None,
) -> pd.DataFrame:
    """Pretend measures with no effect, placed at the busiest cells, evaluated both ways.

    1. **The peak.** The municipality is cut into square cells; the cells whose zone
       (the cell and its ring of ``buffer_m`` metres) is clear of the treated area
       and ring of every measure acting on ``categories`` are ranked by their events
       of ``categories`` in the ``window_months`` months before ``start``, and the
       ``places`` busiest are
       kept (the next busiest is skipped when its zone touches one already kept).
    2. **The pretend measures.** Each kept cell gets a measure with a polygon
       footprint (the cell), aimed at ``categories``, starting on ``start``: the day
       after the window in which it was chosen. Nothing was done there: any "fall"
       is regression to the mean (and chance).
    3. **Both readings.** The pretend measures are added to the diagnosis's
       measures and evaluated with step 3's own code and tunables (the config's
       ``[parameters]``): ``verdict_raw`` is the decision rule applied to the raw
       before/after RES and its quasi-Poisson interval, one test per measure (what a
       before/after comparison says); ``verdict`` is step 3's verdict on the
       corrected estimate, judged against placebo places and dates, with the
       Benjamini–Hochberg q-values across the pretend measures.

    Parameters
    ----------
    diag : Diagnostic
        From :func:`diagnostic_lib.loaders.load_diagnostic`.
    categories : str or sequence of str
        The incidents counted (taxonomy codes), e.g. ``"burglary"``.
    places : int
        How many pretend measures (busiest cells).
    cell_m : float, optional
        Side of a cell, metres (default: the config's ``grid_cell_m``).
    buffer_m : float, optional
        Width of the pretend measures' ring, metres (default: the config's ``buffer_m``).
    start : date, optional
        When the pretend measures start (the first of a month; default: the latest
        start whose after window fits in the data, which leaves the longest history).
    window_months : int, optional
        Length of the before and after windows (default: the config's ``window_months``).

    Returns
    -------
    DataFrame
        One row per pretend measure, busiest first: ``measure_id, name, name_en,
        cell_id, sector, start``; the counts of the treated cell ``history`` (its
        usual level: the history before the before window, scaled to a window's
        length), ``before`` (the peak window), ``after``; the raw ``res,
        res_low_adj, res_high_adj`` and ``verdict_raw``; the corrected
        ``res_corrected, res_corrected_low, res_corrected_high, q_value, placebos,
        placebo_dates, rtm_flag`` and ``verdict``; ``verdict_fr, verdict_en`` (step
        3's sentences). ``attrs["monthly"]`` holds the monthly counts of the cells
        together (``month, window, count``; ``window`` is ``history`` for the
        history months), ``attrs["measures"]`` the diagnosis's measures with the
        pretend ones (to evaluate or explore them like any measure) and
        ``attrs["parameters"]`` the choices made.

    Raises
    ------
    ValueError
        When no cell clear of the measures has an event of ``categories`` in the window.

    Examples
    --------
    >>> from diagnostic_lib import loaders, sample
    >>> d = loaders.load_diagnostic(sample.sample_dir() / "diagnostic.toml")
    >>> demo = peak_demonstration(d, "burglary", places=4, cell_m=300, buffer_m=100)
    >>> len(demo), str(demo["start"].iloc[0].date())
    (4, '2025-01-01')
    >>> bool((demo["before"] > demo["history"]).all())
    True
    >>> int((demo["verdict"] == "effective").sum())
    0
    """
    p = _parameters(diag.config, {"window_months": window_months})
    ring = float(diag.config.param("buffer_m") if buffer_m is None else buffer_m)
    cell = float(p["grid_cell_m"] if cell_m is None else cell_m)
    cats = _tuple(categories)
    period = data_period(diag)
    window, lag = int(p["window_months"]), int(p["lag_months"])
    if start is None:
        start = period[1] - pd.DateOffset(months=window + lag)
    start = _month_floor(start)
    peak = (start - pd.DateOffset(months=window), start)
    chosen = _peak_cells(diag, cats, cell, ring, peak, int(places))
    if not len(chosen):
        span = f"{peak[0].date()} – {peak[1].date()}"
        raise ValueError(
            f"no cell clear of the measures has an event of {', '.join(cats)} in {span} / "
            f"aucune cellule hors des zones des mesures n'a d'événement ({', '.join(cats)}) "
            f"entre le {peak[0].date()} et le {peak[1].date()}"
        )
    pretend = _pretend_measures(diag, chosen, cats, start, ring)
    real = diag.measures
    measures = pretend if real is None else pd.concat([real, pretend], ignore_index=True)
    ids = list(pretend["measure_id"])
    opt = _options(p, _buffers(measures, float(diag.config.param("buffer_m"))))
    eff, _, monthly = _evaluate_core(measures, diag.incidents, diag.sectors, period, opt, ids=ids)
    eff = eff.reset_index(drop=True)
    levels, months = _levels(monthly, opt.placebo)
    out = eff.assign(
        cell_id=chosen["cell_id"].to_numpy(),
        sector=chosen["sector"].to_numpy(),
        history=eff["measure_id"].map(levels),
        before=eff["a0"],
        after=eff["a1"],
        verdict_raw=_raw_verdict(eff, opt.rule),
    )
    first, place, rest = PEAK_COLUMNS[0], PEAK_COLUMNS[1:3], PEAK_COLUMNS[3:]
    cols = [first, "name", "name_en", *place, "start", *rest, "placebo_dates"]
    # reindex: the placebo columns are missing when no pretend measure could be counted
    out = out.reindex(columns=[*cols, "verdict_fr", "verdict_en"])
    out.attrs["monthly"] = months
    out.attrs["measures"] = measures
    out.attrs["parameters"] = {
        "categories": cats,
        "category_labels": _category_labels(diag, cats),
        "places": int(places),
        "cell_m": cell,
        "buffer_m": ring,
        "window_months": window,
        "lag_months": lag,
        "start": start,
        "chosen_from": int(chosen.attrs["candidates"]),
        "alpha": opt.alpha,
    }
    return out


def _peak_cells(
    diag: Diagnostic,
    categories: tuple[str, ...],
    cell_m: float,
    ring: float,
    window: tuple[pd.Timestamp, pd.Timestamp],
    places: int | None = None,
) -> pd.DataFrame:
    """The busiest cells in ``window`` whose zones are clear of the measures and of each other."""
    with warnings.catch_warnings():
        warnings.simplefilter("ignore", inventory.GridWarning)  # a coarse grid is a choice
        grid = inventory.make_grid(diag.sectors, cell_m)
    inc = diag.incidents
    when = inc["occurred_from"]
    sel = targeted(inc, categories).to_numpy() & (when >= window[0]).to_numpy()
    counts = inventory.grid_counts(inc[sel & (when < window[1]).to_numpy()], grid)
    zones = shapely.buffer(np.asarray(grid.geometry.array, dtype=object), ring)
    avoid = _measure_zones(diag, categories)
    clear = ~shapely.intersects(avoid, zones) if avoid is not None else np.ones(len(grid), bool)
    order = np.argsort(-counts.to_numpy(), kind="stable")
    order = order[clear[order] & (counts.to_numpy()[order] > 0)]
    kept: list[int] = []
    for k in order:
        if places is not None and len(kept) >= places:
            break
        if not any(shapely.intersects(zones[k], zones[j]) for j in kept):
            kept.append(int(k))
    chosen = grid.iloc[kept][["cell_id", "geometry"]].reset_index(drop=True)
    chosen["count"] = counts.to_numpy()[kept]
    centres = shapely.centroid(np.asarray(chosen.geometry.array, dtype=object))
    sectors = np.asarray(diag.sectors.geometry.array, dtype=object)
    ids = diag.sectors["sector_id"].astype(str).to_numpy()
    inside = [np.flatnonzero(shapely.contains(sectors, c)) for c in centres]
    chosen["sector"] = [ids[i[0]] if len(i) else "" for i in inside]
    chosen.attrs["candidates"] = int(len(order))
    return chosen


def _measure_zones(diag: Diagnostic, categories: Any) -> Any:
    """Where placebo places never go (None: no such measure).

    The treated area and ring of every measure acting on ``categories``.
    """
    m = diag.measures
    if m is None or not len(m):
        return None
    default = float(diag.config.param("buffer_m"))
    treated = measures_mod.treated_area(m, diag.sectors)
    widths = _buffer_width(m, _buffers(m, default)).to_numpy(dtype="float64")
    # an empty incident table: only the measures' zones are wanted
    return PlaceboSource(
        m, diag.incidents.iloc[:0], diag.sectors, treated, widths, PlaceboOptions()
    ).avoid(categories)


def _pretend_measures(
    diag: Diagnostic, cells: pd.DataFrame, categories: tuple[str, ...], start: Any, ring: float
) -> pd.DataFrame:
    """One measure with no effect per cell: a polygon footprint aimed at ``categories``."""
    n = len(cells)
    taken = set() if diag.measures is None else set(diag.measures["measure_id"].astype(str))
    prefix = "X"
    while any(f"{prefix}{k + 1:02d}" in taken for k in range(n)):
        prefix += "X"  # never the id of a real measure
    ids = [f"{prefix}{k + 1:02d}" for k in range(n)]
    names = {
        lang: [i18n.t("evaluation.peak.name", lang, cell=c) for c in cells["cell_id"]]
        for lang in ("fr", "en")
    }
    frame = {
        "measure_id": ids,
        "name": names["fr"],
        "name_en": names["en"],
        "pillar": "prevention",
        "kind": "other",
        "partners": [()] * n,
        "target_categories": [categories] * n,
        "target_shifts": [()] * n,
        "start": pd.Timestamp(start),
        "end": pd.NaT,
        "footprint": "polygon",
        "footprint_sectors": [()] * n,
        "cost": np.nan,
        "reach_m": np.nan,
        "buffer_m": ring,
        "geometry": list(cells.geometry.array),
    }
    crs = diag.sectors.crs
    import geopandas as gpd

    return gpd.GeoDataFrame(pd.DataFrame(frame, index=range(n)), geometry="geometry", crs=crs)


def _levels(
    monthly: pd.DataFrame, options: PlaceboOptions
) -> tuple[dict[str, float], pd.DataFrame]:
    """Each pretend measure's usual level, and the monthly counts of the cells together.

    The usual level is the history before the before window (the months the corrected
    estimate uses), scaled to a window's length (:func:`log_effects`).
    """
    levels: dict[str, float] = {}
    total = None
    keys = ["measure_id", "month"]
    wide = monthly.pivot_table(index=keys, columns="zone", values="count", aggfunc="sum")
    wide = wide.reindex(columns=["treated", "control"]).fillna(0.0)
    labels = monthly.drop_duplicates(keys).set_index(keys)["window"]
    for mid in monthly["measure_id"].drop_duplicates():
        one = wide.loc[mid]
        win = design_windows(labels.loc[mid].reindex(one.index).to_numpy(), options.history_months)
        treated = one["treated"].to_numpy(dtype="float64")
        e = log_effects(treated, one["control"].to_numpy(dtype="float64"), win)
        levels[str(mid)] = float(e["history"]) * win.factor
        window = labels.loc[mid].reindex(one.index).to_numpy(dtype=object)
        window[win.history] = "history"
        part = pd.DataFrame({"month": one.index, "window": window, "count": treated})
        total = part if total is None else total.assign(count=total["count"] + part["count"])
    if total is None:
        total = pd.DataFrame({"month": [], "window": [], "count": []})
    return levels, total.reset_index(drop=True)


def _raw_verdict(effects: pd.DataFrame, rule: Rule) -> np.ndarray:
    """The decision rule on the raw RES and its quasi-Poisson interval, one test per measure.

    The same rule as step 3's (:func:`decide_verdict`), fed the raw before/after
    estimate instead of the corrected one: no history, no placebo, no q-value across
    the measures, no net effect (what a before/after comparison says on its own).
    """
    raw = effects.assign(
        res_corrected=effects["res"],
        res_corrected_low=effects["res_low_adj"],
        res_corrected_high=effects["res_high_adj"],
        p_corrected=effects["res_p_adj"],
        q_value=effects["res_p_adj"],
        net_res=effects["res"],
    )
    bare = Rule(**{**rule.__dict__, "min_history_months": 0, "min_placebos": 0})
    return decide_verdict(raw.assign(history_months=0, placebos=0), rule=bare)


def _category_labels(diag: Diagnostic, categories: tuple[str, ...]) -> dict[str, str]:
    """The categories' names in French and English (their codes where the taxonomy has none)."""
    tax = diag.taxonomy
    out = {}
    for lang in ("fr", "en"):
        col = f"label_{lang}"
        names = (
            dict(zip(tax["code"].astype(str), tax[col].astype(str), strict=True))
            if tax is not None and col in tax.columns
            else {}
        )
        out[lang] = ", ".join(names.get(c, c) for c in categories)
    return out


def peak_summary(demo: pd.DataFrame, lang: str = "fr") -> list[str]:
    """What :func:`peak_demonstration` shows, in a few sentences with its numbers.

    Parameters
    ----------
    demo : DataFrame
        From :func:`peak_demonstration`.
    lang : {"fr", "en"}
        Language.

    Returns
    -------
    list of str
        The peak (how the cells were chosen, their usual level, the peak window and
        the year after, all together), then the raw reading and the corrected one.

    Examples
    --------
    >>> demo = pd.DataFrame({"history": [5.0, 4.0], "before": [11, 9], "after": [6, 4],
    ...     "res": [1.9, 2.3], "verdict_raw": ["effective", "inconclusive_favourable"],
    ...     "res_corrected": [0.8, 1.1], "verdict": ["inconclusive", "effect_ruled_out"]})
    >>> demo.attrs["parameters"] = {"category_labels": {"en": "Break and enter"},
    ...     "cell_m": 300.0, "window_months": 12, "start": pd.Timestamp("2025-01-01"),
    ...     "chosen_from": 250}
    >>> for line in peak_summary(demo, "en"):  # doctest: +NORMALIZE_WHITESPACE
    ...     print(line)
    The 2 cells of 300 m with the most events (Break and enter) in the 12 months before
    2025-01-01 (the busiest of 250), with a pretend measure that did nothing starting on that
    day: 20 events in the peak window, against 9 in 12 usual months (their history) and 10 in
    the 12 months after.
    Raw before/after reading: a fall for 2 of 2; together, a fall of 50% (peak → after);
    verdicts: 1 × effective (significant), 1 × inconclusive, favourable direction.
    Corrected reading (history, placebos, q-values): a fall for 1 of 2; together, 10 against
    9 usual (+11%); verdicts: 1 × effect ruled out (no notable fall), 1 × inconclusive (too
    little data).
    """
    lang = i18n.check_lang(lang)
    p = demo.attrs.get("parameters", {})
    # the sums over the measures counted in both windows (not those too recent, say)
    counted = demo["before"].notna() & demo["after"].notna()
    hist, before, after = (
        float(demo.loc[counted, k].astype("float64").sum()) if counted.any() else np.nan
        for k in ("history", "before", "after")
    )

    def verdicts(column: str) -> str:
        counts = demo[column].value_counts()
        return ", ".join(
            f"{fmt.integer(counts[v], lang)} × {i18n.t(f'evaluation.verdict.{v}', lang).lower()}"
            for v in VERDICTS
            if counts.get(v, 0)
        )

    def change(a: float, b: float) -> str:
        return fmt.signed_percent(a / b - 1, lang) if b > 0 else fmt.MISSING

    return [
        i18n.t(
            "evaluation.peak.chosen",
            lang,
            n=fmt.integer(len(demo), lang),
            cell=fmt.integer(p.get("cell_m", np.nan), lang),
            categories=p.get("category_labels", {}).get(lang, ""),
            window=fmt.integer(p.get("window_months", 12), lang),
            start=fmt.date(p.get("start"), lang),
            candidates=fmt.integer(p.get("chosen_from", len(demo)), lang),
            before=fmt.integer(before, lang),
            history=fmt.integer(hist, lang),
            after=fmt.integer(after, lang),
        ),
        i18n.t(
            "evaluation.peak.raw",
            lang,
            falls=fmt.integer(int((demo["res"] > 1).sum()), lang),
            n=fmt.integer(len(demo), lang),
            fall=fmt.percent(1 - after / before, lang) if before > 0 else fmt.MISSING,
            verdicts=verdicts("verdict_raw"),
        ),
        i18n.t(
            "evaluation.peak.corrected",
            lang,
            falls=fmt.integer(int((demo["res_corrected"] > 1).sum()), lang),
            n=fmt.integer(len(demo), lang),
            after=fmt.integer(after, lang),
            history=fmt.integer(hist, lang),
            change=change(after, hist),
            verdicts=verdicts("verdict"),
        ),
    ]
