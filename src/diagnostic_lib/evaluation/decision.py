"""The verdict of a measure: the decision rule, its thresholds and its wording.

:func:`decide_verdict` is the rule (the verdict table of the package docstring
and of docs/methods.md, *Decision rule of the verdict*). It reads the
**placebo-based** estimates (:mod:`~diagnostic_lib.evaluation.placebos`): the
effect corrected for regression to the mean, its interval from the spread of
placebo places and dates, the Benjamini–Hochberg q-value across every measure
judged, and the net effect on the treated area and its ring. The quasi-Poisson
interval of the raw estimate is only a lower bound on the uncertainty. Its
thresholds are the tunables ``alpha``, ``min_events``, ``effect_margin``,
``promising_res``, ``promising_p``, ``min_history_months`` and ``min_placebos``;
:data:`VERDICT_LABELS`, :func:`verdict_text` and :func:`caveat_text` say each
verdict and its caveats in words, with the numbers behind them.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

import numpy as np
import pandas as pd

from .. import formatting as fmt
from .. import i18n, settings
from ._common import _months_between, _pairs, _records, _tuple
from .estimators import WDQ_LABELS

PROMISING_RES: float = settings.default("promising_res")
"""Smallest corrected RES called "inconclusive, favourable direction" (a relative fall of ~9 %).

Alias of the default of the ``promising_res`` tunable."""

PROMISING_P: float = settings.default("promising_p")
"""Largest p-value (two-sided) called "inconclusive, favourable direction".

Alias of the default of the ``promising_p`` tunable."""

VERDICTS: tuple[str, ...] = (
    "effective",
    "offset_by_displacement",
    "inconclusive_favourable",
    "effect_ruled_out",
    "inconclusive",
    "adverse",
    "too_little_history",
    "too_recent",
    "too_few",
    "not_evaluable",
)
"""Verdict codes, from the most to the least conclusive."""

SUCCESS: tuple[str, ...] = ("effective",)
"""The verdicts that count as a success (relevance flags, step 4)."""

AGAINST: tuple[str, ...] = ("effect_ruled_out", "adverse")
"""The verdicts that count as evidence against a response (step 4)."""

JUDGED: tuple[str, ...] = VERDICTS[:6]
"""The verdicts given on estimates (the others say why there is none)."""


@dataclass(frozen=True)
class Rule:
    """The thresholds of the decision rule (the tunables of step 3).

    Attributes
    ----------
    alpha : float
        Level of the two-sided tests (on the Benjamini–Hochberg q-values).
    min_events : int
        Fewest events in the treated area, before and after together.
    margin : float
        A fall larger than this is "ruled out" when the interval excludes it.
    promising : float
        Smallest corrected RES for "inconclusive, favourable direction".
    promising_p : float
        Largest p-value for "inconclusive, favourable direction".
    min_history_months : int
        Fewest months of history for a verdict.
    min_placebos : int
        Fewest placebo places for a verdict.
    rtm_alpha : float
        Level at which a before window stands out from its history.
    """

    alpha: float = settings.default("alpha")
    min_events: int = settings.default("min_events")
    margin: float = settings.default("effect_margin")
    promising: float = PROMISING_RES
    promising_p: float = PROMISING_P
    min_history_months: int = settings.default("min_history_months")
    min_placebos: int = settings.default("min_placebos")
    rtm_alpha: float = settings.default("rtm_alpha")


def decide_verdict(
    estimates: pd.DataFrame,
    min_events: int = settings.default("min_events"),
    promising: float = PROMISING_RES,
    promising_p: float = PROMISING_P,
    rule: Rule | None = None,
) -> np.ndarray:
    """The verdict of each measure from its estimates: the decision rule of step 3, vectorised.

    The first rule that holds gives the verdict (see the table in the package
    docstring and docs/methods.md, *Decision rule of the verdict*):

    1. ``not_evaluable`` and ``too_recent``: the ``status`` of :func:`windows`;
    2. ``too_few``: fewer than ``min_events`` events in the treated area
       (``a0 + a1``), or no event in the control in a window (``c0`` or ``c1``);
    3. ``too_little_history``: fewer than ``min_history_months`` months before the
       before window, or fewer than ``min_placebos`` placebo places when the placebo
       dates cannot stand in for them (``null_basis`` is not ``"dates"``);
    4. ``adverse``: q-value < ``alpha`` and a corrected RES below 1;
    5. ``offset_by_displacement``: q-value < ``alpha`` and a corrected RES above 1,
       but the treated area and its ring together did not fall (net RES ≤ 1);
    6. ``effective``: q-value < ``alpha`` and a corrected RES above 1;
    7. ``effect_ruled_out``: the interval excludes a fall larger than ``margin``;
    8. ``inconclusive_favourable``: corrected RES ≥ ``promising`` and p < ``promising_p``;
    9. ``inconclusive`` otherwise (too little data to say).

    Parameters
    ----------
    estimates : DataFrame
        ``status``, ``a0, a1, c0, c1``, ``history_months, placebos``, optionally
        ``null_basis`` (``"places"`` or ``"dates"``, see :func:`estimate_effects`), and the
        corrected estimates ``res_corrected, res_corrected_high, p_corrected,
        q_value, net_res`` (as in :func:`estimate_effects`).
    min_events : int
        Fewest events in the treated area, before and after together.
    promising : float
        Smallest corrected RES called inconclusive but favourable.
    promising_p : float
        Largest p-value called inconclusive but favourable.
    rule : Rule, optional
        Every threshold (its ``min_events``, ``promising`` and ``promising_p`` give way
        to the arguments above when those are not the defaults).

    Returns
    -------
    ndarray of str (object)
        One of :data:`VERDICTS` per row.

    Examples
    --------
    >>> import pandas as pd
    >>> e = pd.DataFrame({"status": ["evaluable"] * 4 + ["too_recent"],
    ...     "a0": [136, 120, 130, 3, 50], "a1": [83, 85, 125, 2, 40],
    ...     "c0": [3000] * 5, "c1": [3050] * 5, "history_months": [24, 24, 24, 24, 24],
    ...     "placebos": [60, 60, 60, 60, 60], "res_corrected": [1.6, 1.6, 1.02, 1.5, 1.2],
    ...     "res_corrected_high": [2.1, 2.1, 1.08, 9.0, 1.9],
    ...     "p_corrected": [0.001, 0.001, 0.6, 0.6, 0.3], "q_value": [0.002, 0.002, 0.6, 0.6, 0.3],
    ...     "net_res": [1.3, 0.9, 1.0, 1.0, 1.0]})
    >>> decide_verdict(e).tolist()
    ['effective', 'offset_by_displacement', 'effect_ruled_out', 'too_few', 'too_recent']
    """
    r = rule or Rule()
    if min_events != settings.default("min_events"):
        r = Rule(**{**r.__dict__, "min_events": min_events})
    if promising != PROMISING_RES or promising_p != PROMISING_P:
        r = Rule(**{**r.__dict__, "promising": promising, "promising_p": promising_p})

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
    few = counted & (((a0 + a1) < r.min_events) | (c0 == 0) | (c1 == 0))
    history = column("history_months")
    placebos = column("placebos")
    dated = (
        estimates["null_basis"].eq("dates").to_numpy()
        if "null_basis" in estimates.columns
        else np.zeros(len(estimates), dtype=bool)
    )
    thin = ~(history >= r.min_history_months) | (~(placebos >= r.min_placebos) & ~dated)
    names = ("res_corrected", "res_corrected_high", "p_corrected", "q_value")
    res, high, p, q = (column(k) for k in names)
    significant = q < r.alpha
    rules = [
        (status == "not_evaluable", "not_evaluable"),
        (status == "too_recent", "too_recent"),
        (few, "too_few"),
        (thin, "too_little_history"),
        (significant & (res < 1), "adverse"),
        (significant & (res > 1) & ~(column("net_res") > 1), "offset_by_displacement"),
        (significant & (res > 1), "effective"),
        (high < 1 / (1 - r.margin), "effect_ruled_out"),
        ((res >= r.promising) & (p < r.promising_p), "inconclusive_favourable"),
    ]
    verdict = np.select([c for c, _ in rules], [v for _, v in rules], default="inconclusive")
    return verdict.astype(object)


VERDICT_LABELS: dict[str, tuple[str, str]] = _pairs("evaluation.verdict", VERDICTS)
"""Each verdict in French and English (from the label catalogue)."""

REASONS: tuple[str, ...] = (
    "targets_unmapped",
    "no_start",
    "planned",
    "no_footprint",
    "municipality_wide",
    "no_before_window",
    "window_not_covered",
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
    """The effects an RES interval is compatible with, in words.

    An interval above 1 holds only falls, one below 1 only rises; one across 1 holds
    both (the data cannot tell).
    """
    if lo > 1:
        low, high = fmt.percent(1 - 1 / lo, lang), fmt.percent(1 - 1 / hi, lang)
        return i18n.t("evaluation.text.range_falls", lang, low=low, high=high)
    if hi < 1:
        low = fmt.percent(1 / hi - 1, lang)
        high = fmt.percent(1 / lo - 1, lang) if lo > 0 else "∞"
        return i18n.t("evaluation.text.range_rises", lang, low=low, high=high)
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
        targets=", ".join(map(repr, _tuple(r.get("target_categories_unmapped", ())))) or "?",
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


def _too_little_history(r: Any, lang: str, rule: Rule) -> str:
    """How much history and how many placebo places the verdict would need, in words."""
    return i18n.t(
        "evaluation.text.too_little_history",
        lang,
        months=fmt.integer(r.get("history_months", 0) or 0, lang),
        min_months=fmt.integer(rule.min_history_months, lang),
        placebos=fmt.integer(r.get("placebos", 0) or 0, lang),
        min_placebos=fmt.integer(rule.min_placebos, lang),
    )


def _fall(res: float, low: float, high: float, lang: str, level: float, key: str) -> str:
    """A relative fall (or rise) with its interval, in words."""
    if key == "evaluation.text.rise_ci":
        change, lo, hi = 1 / res - 1, 1 / high - 1, 1 / low - 1
    else:
        change, lo, hi = 1 - 1 / res, 1 - 1 / low, 1 - 1 / high
    return i18n.t(
        key,
        lang,
        change=fmt.percent(change, lang),
        level=fmt.percent(level, lang),
        low=fmt.percent(lo, lang),
        high=fmt.percent(hi, lang),
    )


def _what(r: Any, v: str, lang: str, level: float, rule: Rule) -> str:
    """What the corrected estimate says: the fall, the rise or the range of effects."""
    res, low, high = r["res_corrected"], r["res_corrected_low"], r["res_corrected_high"]
    if v == "effective":
        return _fall(res, low, high, lang, level, "evaluation.text.fall_ci")
    if v == "adverse":
        return _fall(res, low, high, lang, level, "evaluation.text.rise_ci")
    if v == "offset_by_displacement":
        treated = _fall(res, low, high, lang, level, "evaluation.text.fall_ci")
        net = 1 - 1 / r["net_res"] if r["net_res"] > 0 else np.nan
        return i18n.t(
            "evaluation.text.offset", lang, treated=treated, net=fmt.signed_percent(-net, lang)
        )
    if v == "effect_ruled_out":
        return i18n.t(
            "evaluation.text.ruled_out",
            lang,
            margin=fmt.percent(rule.margin, lang),
            fall=fmt.percent(max(1 - 1 / high, 0.0), lang),
        )
    return _range_sentence(low, high, lang)


def _evidence(r: Any, lang: str, level: float, rule: Rule) -> str:
    """The corrected RES, its interval, its q-value and what it rests on, in words."""
    dated = r.get("null_basis") == "dates"
    return i18n.t(
        "evaluation.text.evidence_dates" if dated else "evaluation.text.evidence",
        lang,
        min_placebos=fmt.integer(rule.min_placebos, lang),
        res=fmt.decimal(r["res_corrected"], lang),
        level=fmt.percent(level, lang),
        low=fmt.decimal(r["res_corrected_low"], lang),
        high=fmt.decimal(r["res_corrected_high"], lang),
        q=fmt.pvalue(r["q_value"], lang, symbol="q"),
        measures=fmt.integer(r.get("measures_judged", 1) or 1, lang),
        placebos=fmt.integer(r.get("placebos", 0) or 0, lang),
        dates=fmt.integer(r.get("placebo_dates", 0) or 0, lang),
        raw=fmt.decimal(r["res"], lang),
    )


def _ring(r: Any, lang: str) -> str:
    """The ring: its counts, the displacement reading (when assessable) and the net effect."""
    reading = r.get("wdq_reading", "not_assessable")
    if reading not in WDQ_LABELS:
        reading = "not_assessable"
    wdq = r.get("wdq", np.nan)
    shown = reading not in ("not_assessable", "undefined") and np.isfinite(wdq)
    return i18n.t(
        "evaluation.text.ring",
        lang,
        b0=fmt.integer(r["b0"], lang),
        b1=fmt.integer(r["b1"], lang),
        wdq=i18n.t(
            "evaluation.text.wdq",
            lang,
            wdq=fmt.decimal(wdq, lang),
            ci=fmt.interval(r.get("wdq_low"), r.get("wdq_high"), lang),
        )
        if shown
        else "",
        reading=i18n.t(f"evaluation.wdq.{reading}", lang),
        tne=fmt.decimal(r.get("tne_corrected", np.nan), lang, 0),
        ci=fmt.interval(r.get("tne_low"), r.get("tne_high"), lang, 0),
    )


def _judged(r: Any, v: str, lang: str, level: float, counts: str, rule: Rule) -> str:
    """A verdict on the estimates: what it says, what it rests on, the counts, the ring."""
    text = i18n.t(
        "evaluation.text.judged",
        lang,
        head=i18n.label("evaluation.verdict", v, lang),
        what=_what(r, v, lang, level, rule),
        evidence=_evidence(r, lang, level, rule),
        counts=counts,
        ring=_ring(r, lang),
    )
    if bool(r.get("rtm_flag", False)):
        text += " " + i18n.t(
            "evaluation.text.rtm",
            lang,
            excess=fmt.percent(np.exp(r.get("excess", 0.0)) - 1, lang),
            raw=fmt.decimal(r["res"], lang),
        )
    if str(r.get("design", "")) == "exploratory":
        text = i18n.t(
            "evaluation.text.exploratory",
            lang,
            tried=fmt.integer(r.get("designs_tried", 1) or 1, lang),
            text=text,
        )
    return text


def verdict_text(effects: pd.DataFrame, lang: str = "fr", data_start: Any = None) -> pd.Series:
    """The verdict of each measure in plain words, with the numbers behind it.

    Parameters
    ----------
    effects : DataFrame
        From :func:`evaluate` (or :func:`estimate_effects` with the columns of
        :func:`windows`).
    lang : {"fr", "en"}
        Language.
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
    >>> verdict_text(e, "en").iloc[0][:51]
    'Inconclusive: too little history: 0 months of histo'
    """
    lang = i18n.check_lang(lang)
    parameters = effects.attrs.get("parameters", {})
    rule = Rule(**{k: parameters[k] for k in Rule.__dataclass_fields__ if k in parameters})
    level = 1 - rule.alpha
    out = []
    for r in _records(effects):  # a dict a row, not a Series (~0.2 ms each)
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
        if v in ("too_few", "too_little_history"):
            text = (
                i18n.t("evaluation.text.too_few", lang, counts=counts, n=rule.min_events)
                if v == "too_few"
                else _too_little_history(r, lang, rule)
            )
            out.append(i18n.t("evaluation.text.headed", lang, head=head, text=text))
            continue
        out.append(_judged(r, v, lang, level, counts, rule))
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
    for r in _records(effects):  # a dict a row, not a Series (~0.2 ms each)
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
        if pd.notna(r.get("exceptional_month", pd.NaT)):
            month = pd.Timestamp(r["exceptional_month"]).strftime("%Y-%m")
            ratio = fmt.decimal(r.get("exceptional_ratio"), lang, digits=1)
            parts.append(i18n.t("evaluation.caveat.exceptional", lang, month=month, ratio=ratio))
        if bool(r.get("corrected", False)):
            parts.append(i18n.t("evaluation.caveat.corrected", lang))
        out.append(i18n.t("evaluation.text.list_separator", lang).join(parts))
    return pd.Series(out, index=effects.index, dtype="str")
