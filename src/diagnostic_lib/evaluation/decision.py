"""The verdict of a measure: the decision rule, its thresholds and its wording.

:func:`decide_verdict` is the rule (the verdict table of the package docstring
and of docs/methods.md, *Decision rule of the verdict*); its thresholds are the
tunables ``min_events``, ``promising_res`` and ``promising_p`` (aliases
:data:`PROMISING_RES`, :data:`PROMISING_P`); :data:`VERDICT_LABELS`,
:func:`verdict_text` and :func:`caveat_text` say each verdict and its caveats in
words, with the numbers behind them.
"""

from __future__ import annotations

from typing import Any

import numpy as np
import pandas as pd

from .. import formatting as fmt
from .. import i18n, settings
from ._common import _months_between, _pairs, _tuple
from .estimators import WDQ_LABELS

PROMISING_RES: float = settings.default("promising_res")
"""Smallest RES called "promising" when the interval includes 1 (a relative fall of ~9 %).

Alias of the default of the ``promising_res`` tunable."""

PROMISING_P: float = settings.default("promising_p")
"""Largest adjusted p-value (two-sided) called "promising": the 80 % interval excludes 1.

Alias of the default of the ``promising_p`` tunable."""

VERDICTS: tuple[str, ...] = (
    "effective",
    "promising",
    "no_effect",
    "adverse",
    "too_recent",
    "too_few",
    "not_evaluable",
)
"""Verdict codes, from the most to the least conclusive."""


def decide_verdict(
    estimates: pd.DataFrame,
    min_events: int = settings.default("min_events"),
    promising: float = PROMISING_RES,
    promising_p: float = PROMISING_P,
) -> np.ndarray:
    """The verdict of each measure from its estimates: the decision rule of step 3, vectorised.

    The first rule that holds gives the verdict (see the table in the package
    docstring and docs/methods.md, *Decision rule of the verdict*):

    1. ``not_evaluable`` and ``too_recent``: the ``status`` of :func:`windows`;
    2. ``too_few``: fewer than ``min_events`` events in the treated area
       (``a0 + a1``), or no event in the control in a window (``c0`` or ``c1``);
    3. ``effective``: the adjusted interval is above 1 (``res_low_adj > 1``);
    4. ``adverse``: the adjusted interval is below 1 (``res_high_adj < 1``);
    5. ``promising``: ``res ≥ promising`` and ``res_p_adj < promising_p``;
    6. ``no_effect`` otherwise.

    Parameters
    ----------
    estimates : DataFrame
        ``status`` (missing = evaluable), ``a0, a1, c0, c1``, ``res,
        res_low_adj, res_high_adj, res_p_adj`` (as in :func:`estimate_effects`).
    min_events : int
        Fewest events in the treated area, before and after together.
    promising : float
        Smallest RES called promising (:data:`PROMISING_RES`).
    promising_p : float
        Largest adjusted two-sided p-value called promising (:data:`PROMISING_P`).

    Returns
    -------
    ndarray of str (object)
        One of :data:`VERDICTS` per row.

    Examples
    --------
    >>> import pandas as pd
    >>> e = pd.DataFrame({"status": ["evaluable", "evaluable", "evaluable", "too_recent"],
    ...     "a0": [136, 120, 3, 50], "a1": [83, 85, 2, 40], "c0": [3000, 2000, 900, 900],
    ...     "c1": [3050, 2000, 910, 900], "res": [1.67, 1.41, 1.5, 1.25],
    ...     "res_low_adj": [1.27, 0.95, 0.3, 0.8], "res_high_adj": [2.2, 2.1, 9.0, 1.9],
    ...     "res_p_adj": [0.0003, 0.08, 0.6, 0.3]})
    >>> decide_verdict(e).tolist()
    ['effective', 'promising', 'too_few', 'too_recent']
    """

    def column(name: str) -> np.ndarray:
        if name not in estimates.columns:
            return np.full(len(estimates), np.nan)
        return pd.to_numeric(estimates[name], errors="coerce").to_numpy(dtype="float64")

    status = (
        estimates["status"].fillna("evaluable").to_numpy()
        if "status" in estimates.columns
        else np.full(len(estimates), "evaluable", dtype=object)
    )
    a0, a1, c0, c1 = (column(k) for k in ("a0", "a1", "c0", "c1"))
    counted = (status == "evaluable") & np.isfinite(a0)
    few = counted & (((a0 + a1) < min_events) | (c0 == 0) | (c1 == 0))
    rules = [
        (status == "not_evaluable", "not_evaluable"),
        (status == "too_recent", "too_recent"),
        (few, "too_few"),
        (column("res_low_adj") > 1, "effective"),
        (column("res_high_adj") < 1, "adverse"),
        ((column("res") >= promising) & (column("res_p_adj") < promising_p), "promising"),
    ]
    verdict = np.select([c for c, _ in rules], [v for _, v in rules], default="no_effect")
    return verdict.astype(object)


VERDICT_LABELS: dict[str, tuple[str, str]] = _pairs("evaluation.verdict", VERDICTS)
"""Each verdict in French and English (from the label catalogue)."""

REASONS: tuple[str, ...] = (
    "no_start",
    "planned",
    "no_footprint",
    "municipality_wide",
    "no_before_window",
    "no_control",
)
"""Why a measure is not evaluable (see :func:`windows`), in the order they are checked."""

REASON_LABELS: dict[str, tuple[str, str]] = _pairs("evaluation.reason", REASONS)
"""Each reason in French and English, with ``{start}``, ``{end}``… placeholders."""

CAVEAT_LABELS: dict[str, tuple[str, str]] = _pairs(
    "evaluation.caveat", ("concurrent", "ended", "unlocated", "corrected")
)
"""The caveats of an evaluation in French and English, with placeholders."""


def _range_sentence(lo: float, hi: float, lang: str) -> str:
    """The effects an RES interval is compatible with, in words."""
    fall = 1 - 1 / hi if np.isfinite(hi) else np.nan
    rise = 1 / lo - 1 if lo > 0 else np.inf
    return i18n.t(
        "evaluation.text.range", lang, fall=fmt.percent(fall, lang), rise=fmt.percent(rise, lang)
    )


_WINDOW: int = settings.default("window_months")


def _window(r: Any) -> int:
    return int(r.get("window_months", _WINDOW) or _WINDOW)


def _not_evaluable(r: Any, lang: str, data_start: Any) -> str:
    """Why a measure is not evaluable, in words."""
    start = r.get("start")
    months = (
        fmt.integer(_months_between(pd.Timestamp(data_start), pd.Timestamp(start)), lang)
        if data_start is not None and pd.notna(start)
        else "?"
    )
    reason = r.get("reason", "") or "no_control"
    return i18n.label("evaluation.reason", reason, lang).format(
        start=fmt.date(start, lang),
        end=fmt.date(r.get("data_last_day"), lang),
        months=months,
        data_start=fmt.date(data_start, lang),
        window=fmt.integer(_window(r), lang),
    )


def _too_recent(r: Any, lang: str) -> str:
    """How much of the after window the data hold, in words."""
    return i18n.t(
        "evaluation.text.too_recent",
        lang,
        available=fmt.integer(int(r.get("months_after", 0) or 0), lang),
        window=fmt.integer(_window(r), lang),
        start=fmt.date(r.get("start"), lang),
    )


def _change(r: Any, v: str, lang: str) -> str:
    """The relative change against the control, or the range of effects, in words."""
    change = 1 / r["res"] - 1
    if v in ("effective", "promising"):
        what = i18n.t("evaluation.text.fall", lang, change=fmt.percent(-change, lang))
        if v == "promising":
            what += i18n.t("evaluation.text.list_separator", lang) + _range_sentence(
                r["res_low_adj"], r["res_high_adj"], lang
            )
        return what
    if v == "adverse":
        return i18n.t("evaluation.text.rise", lang, change=fmt.percent(change, lang))
    return _range_sentence(r["res_low_adj"], r["res_high_adj"], lang)


def _judged(r: Any, v: str, lang: str, level: float, counts: str) -> str:
    """A verdict on the estimates: the RES and its interval, the change, the counts, the ring."""
    ci = i18n.t(
        "evaluation.text.interval",
        lang,
        res=fmt.decimal(r["res"], lang),
        level=fmt.percent(level, lang),
        low=fmt.decimal(r["res_low_adj"], lang),
        high=fmt.decimal(r["res_high_adj"], lang),
        phi=fmt.decimal(r["phi_res"], lang, 1),
    )
    reading = r.get("wdq_reading", "undefined")
    wdq = r.get("wdq", np.nan)
    ring = i18n.t(
        "evaluation.text.buffer",
        lang,
        b0=fmt.integer(r["b0"], lang),
        b1=fmt.integer(r["b1"], lang),
        wdq=f" = {fmt.decimal(wdq, lang)}" if np.isfinite(wdq) else "",
        reading=i18n.t(f"evaluation.wdq.{reading if reading in WDQ_LABELS else 'undefined'}", lang),
        tne=fmt.decimal(r["tne"], lang, 0),
    )
    head = i18n.label("evaluation.verdict", v, lang)
    what = _change(r, v, lang)
    return i18n.t(
        "evaluation.text.judged", lang, head=head, ci=ci, what=what, counts=counts, buffer=ring
    )


def verdict_text(effects: pd.DataFrame, lang: str = "fr", data_start: Any = None) -> pd.Series:
    """The verdict of each measure in plain words, with the numbers behind it.

    Parameters
    ----------
    effects : DataFrame
        From :func:`evaluate` (or :func:`estimate_effects` with the columns of
        :func:`windows`).
    lang : {"fr", "en"}
    data_start : timestamp, optional
        First day of the data (for "no before window").

    Returns
    -------
    Series of str, aligned with ``effects``.

    Examples
    --------
    >>> import pandas as pd
    >>> from diagnostic_lib.evaluation import estimate_effects
    >>> e = estimate_effects(pd.DataFrame({"a0": [136], "a1": [83], "b0": [62], "b1": [41],
    ...                                    "c0": [3000], "c1": [3050]}))
    >>> verdict_text(e, "en").iloc[0][:43]
    'Effective (significant): RES = 1.67 (95% CI'
    """
    lang = i18n.check_lang(lang)
    parameters = effects.attrs.get("parameters", {})
    level = 1 - float(parameters.get("alpha", settings.default("alpha")))
    min_events = int(parameters.get("min_events", settings.default("min_events")))
    out = []
    for _, r in effects.iterrows():
        v = r.get("verdict", "not_evaluable")
        head = i18n.label("evaluation.verdict", v, lang)
        if v in ("not_evaluable", "too_recent"):
            text = (
                _not_evaluable(r, lang, data_start)
                if v == "not_evaluable"
                else _too_recent(r, lang)
            )
            out.append(i18n.t("evaluation.text.headed", lang, head=head, text=text))
            continue
        counts = i18n.t(
            "evaluation.text.counts",
            lang,
            **{k: fmt.integer(r[k], lang) for k in ("a0", "a1", "c0", "c1")},
        )
        if v == "too_few":
            text = i18n.t("evaluation.text.too_few", lang, counts=counts, n=min_events)
            out.append(i18n.t("evaluation.text.headed", lang, head=head, text=text))
            continue
        out.append(_judged(r, v, lang, level, counts))
    return pd.Series(out, index=effects.index, dtype="str")


def caveat_text(effects: pd.DataFrame, lang: str = "fr") -> pd.Series:
    """The caveats of each measure's evaluation in words (empty when none).

    Examples
    --------
    >>> import pandas as pd
    >>> e = pd.DataFrame({"concurrent": [("M09",)], "ended_early": [pd.NaT], "unlocated": [0],
    ...                   "corrected": [False]})
    >>> caveat_text(e, "en").iloc[0]
    'other measures in the area during the windows (effects may be confounded): M09'
    """
    lang = i18n.check_lang(lang)
    out = []
    for _, r in effects.iterrows():
        parts = []
        if len(_tuple(r.get("concurrent", ()))):
            ids = ", ".join(_tuple(r["concurrent"]))
            parts.append(i18n.t("evaluation.caveat.concurrent", lang, ids=ids))
        if pd.notna(r.get("ended_early", pd.NaT)):
            end = fmt.date(r["ended_early"], lang)
            parts.append(i18n.t("evaluation.caveat.ended", lang, end=end))
        if int(r.get("unlocated", 0) or 0) > 0:
            n = fmt.integer(r["unlocated"], lang)
            parts.append(i18n.t("evaluation.caveat.unlocated", lang, n=n))
        if bool(r.get("corrected", False)):
            parts.append(i18n.t("evaluation.caveat.corrected", lang))
        out.append(i18n.t("evaluation.text.list_separator", lang).join(parts))
    return pd.Series(out, index=effects.index, dtype="str")
