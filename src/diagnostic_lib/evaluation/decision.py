"""The verdict of a measure: the decision rule, its thresholds and its wording.

The rule is the table in the package docstring; :func:`verdict_text` and
:func:`caveat_text` say each verdict and its caveats in words, with the
numbers behind them.
"""

from __future__ import annotations

from typing import Any

import numpy as np
import pandas as pd

from .. import i18n, settings
from ._common import _date, _int, _li, _months_between, _num, _pct, _tuple
from .estimators import WDQ_LABELS

PROMISING_RES: float = settings.default("promising_res")
"""Smallest RES called "promising" when the interval includes 1 (a relative fall of ~9 %)."""


PROMISING_P: float = settings.default("promising_p")
"""Largest adjusted p-value (two-sided) called "promising": the 80 % interval excludes 1."""


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


VERDICT_LABELS: dict[str, tuple[str, str]] = {
    "effective": ("Efficace (significatif)", "Effective (significant)"),
    "promising": ("Prometteuse mais non concluante", "Promising but inconclusive"),
    "no_effect": ("Aucun effet mesurable", "No measurable effect"),
    "adverse": ("Effet contraire (hausse significative)", "Adverse (significant rise)"),
    "too_recent": ("Trop récente pour juger", "Too recent to judge"),
    "too_few": ("Trop peu d'événements pour juger", "Too few events to judge"),
    "not_evaluable": ("Non évaluable", "Not evaluable"),
}


REASON_LABELS: dict[str, tuple[str, str]] = {
    "no_start": ("pas de date de début", "no start date"),
    "planned": (
        "mesure planifiée : elle commence le {start}, après la fin des données ({end})",
        "planned: it starts on {start}, after the end of the data ({end})",
    ),
    "no_footprint": (
        "pas d'empreinte géographique : aucune zone traitée à comparer",
        "no footprint: there is no treated area to compare",
    ),
    "municipality_wide": (
        "elle couvre toute la municipalité : aucune zone témoin n'est possible "
        "(voir la série chronologique interrompue)",
        "it covers the whole municipality: no control area is possible "
        "(see the interrupted time series)",
    ),
    "no_before_window": (
        "elle a commencé le {start}, {months} mois après le début des données ({data_start}) ; "
        "il faut {window} mois avant",
        "it started on {start}, {months} months after the start of the data ({data_start}); "
        "{window} months before are needed",
    ),
    "no_control": (
        "aucune zone témoin utilisable",
        "no usable control area",
    ),
}


CAVEAT_LABELS: dict[str, tuple[str, str]] = {
    "concurrent": (
        "autres mesures dans la zone pendant les fenêtres (effets confondus possibles) : {ids}",
        "other measures in the area during the windows (effects may be confounded): {ids}",
    ),
    "ended": (
        "la mesure a pris fin le {end}, avant la fin de la fenêtre après",
        "the measure ended on {end}, before the end of the after window",
    ),
    "unlocated": (
        "{n} événements ciblés sans position ne sont comptés dans aucune zone",
        "{n} targeted events without a position are counted in no area",
    ),
    "corrected": (
        "un compte nul : 0,5 ajouté aux quatre comptes (correction de Haldane)",
        "a zero count: 0.5 added to all four counts (Haldane correction)",
    ),
}


def _range_sentence(lo: float, hi: float, lang: str) -> str:
    """The effects an RES interval is compatible with, in words."""
    fall = 1 - 1 / hi if np.isfinite(hi) else np.nan
    rise = 1 / lo - 1 if lo > 0 else np.inf
    if lang == "fr":
        return (f"les données sont compatibles avec une baisse relative jusqu'à {_pct(fall, lang)} "
                f"comme avec une hausse jusqu'à {_pct(rise, lang)}")  # fmt: skip
    return f"the data are compatible with a relative fall of up to {_pct(fall, lang)} as with a rise of up to {_pct(rise, lang)}"


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
    level = 1 - float(effects.attrs.get("parameters", {}).get("alpha", 0.05))
    lvl = f"{level * 100:.0f}\u202f%" if lang == "fr" else f"{level * 100:.0f}%"
    out = []
    for _, r in effects.iterrows():
        v = r.get("verdict", "not_evaluable")
        head = _li(VERDICT_LABELS[v], lang)
        if v == "not_evaluable":
            reason = r.get("reason", "") or "no_control"
            months = (
                _months_between(pd.Timestamp(data_start), pd.Timestamp(r["start"]))
                if data_start is not None and pd.notna(r.get("start"))
                else "?"
            )
            txt = _li(REASON_LABELS.get(reason, (reason, reason)), lang).format(
                start=_date(r.get("start")), end=_date(r.get("data_last_day")), months=months,
                data_start=_date(data_start), window=int(r.get("window_months", 12) or 12))  # fmt: skip
            out.append(f"{head} : {txt}." if lang == "fr" else f"{head}: {txt}.")
            continue
        if v == "too_recent":
            ma, wm = int(r.get("months_after", 0) or 0), int(r.get("window_months", 12) or 12)
            txt = (f"{ma} des {wm} mois de la période après sont disponibles (début {_date(r.get('start'))})"
                   if lang == "fr" else f"{ma} of the {wm} months of the after window are available (start {_date(r.get('start'))})")  # fmt: skip
            out.append(f"{head} : {txt}." if lang == "fr" else f"{head}: {txt}.")
            continue
        counts = (f"zone traitée {_int(r['a0'], lang)} → {_int(r['a1'], lang)}, témoin {_int(r['c0'], lang)} → {_int(r['c1'], lang)}"
                  if lang == "fr" else f"treated {_int(r['a0'], lang)} → {_int(r['a1'], lang)}, control {_int(r['c0'], lang)} → {_int(r['c1'], lang)}")  # fmt: skip
        if v == "too_few":
            mn = int(effects.attrs.get("parameters", {}).get("min_events", 10))
            txt = (f"{counts} (il faut au moins {mn} événements dans la zone traitée et des événements témoins)"
                   if lang == "fr" else f"{counts} (at least {mn} events in the treated area and control events are needed)")  # fmt: skip
            out.append(f"{head} : {txt}." if lang == "fr" else f"{head}: {txt}.")
            continue
        ci = (f"RES = {_num(r['res'], lang)} (IC {lvl} ajusté pour la surdispersion {_num(r['res_low_adj'], lang)}–"
              f"{_num(r['res_high_adj'], lang)} ; φ = {_num(r['phi_res'], lang, 1)})"
              if lang == "fr" else
              f"RES = {_num(r['res'], lang)} ({lvl} CI adjusted for overdispersion {_num(r['res_low_adj'], lang)}–"
              f"{_num(r['res_high_adj'], lang)}; φ = {_num(r['phi_res'], lang, 1)})")  # fmt: skip
        change = 1 / r["res"] - 1
        if v in ("effective", "promising"):
            what = (
                f"baisse relative de {_pct(-change, lang)} par rapport au témoin"
                if lang == "fr"
                else f"relative fall of {_pct(-change, lang)} against the control"
            )
            if v == "promising":
                what += (" ; " if lang == "fr" else "; ") + _range_sentence(
                    r["res_low_adj"], r["res_high_adj"], lang
                )
        elif v == "adverse":
            what = (
                f"hausse relative de {_pct(change, lang)} par rapport au témoin"
                if lang == "fr"
                else f"relative rise of {_pct(change, lang)} against the control"
            )
        else:
            what = _range_sentence(r["res_low_adj"], r["res_high_adj"], lang)
        ring = _li(WDQ_LABELS.get(r.get("wdq_reading", "undefined"), WDQ_LABELS["undefined"]), lang)
        wq = "" if not np.isfinite(r.get("wdq", np.nan)) else f" = {_num(r['wdq'], lang)}"
        buf = (f"anneau {_int(r['b0'], lang)} → {_int(r['b1'], lang)}, WDQ{wq} : {ring} ; effet net total {_num(r['tne'], lang, 0)} événements"
               if lang == "fr" else
               f"buffer {_int(r['b0'], lang)} → {_int(r['b1'], lang)}, WDQ{wq}: {ring}; total net effect {_num(r['tne'], lang, 0)} events")  # fmt: skip
        sep = " : " if lang == "fr" else ": "
        out.append(
            f"{head}{sep}{ci} — {what} ; {counts} ; {buf}."
            if lang == "fr"
            else f"{head}{sep}{ci} — {what}; {counts}; {buf}."
        )
    return pd.Series(out, index=effects.index, dtype="str")


def caveat_text(effects: pd.DataFrame, lang: str = "fr") -> pd.Series:
    """The caveats of each measure's evaluation in words (empty when none).

    Examples
    --------
    >>> import pandas as pd
    >>> e = pd.DataFrame({"concurrent": [("M09",)], "ended_early": [pd.NaT], "unlocated": [0], "corrected": [False]})
    >>> caveat_text(e, "en").iloc[0]
    'other measures in the area during the windows (effects may be confounded): M09'
    """
    lang = i18n.check_lang(lang)
    out = []
    for _, r in effects.iterrows():
        parts = []
        if len(_tuple(r.get("concurrent", ()))):
            parts.append(
                _li(CAVEAT_LABELS["concurrent"], lang).format(
                    ids=", ".join(_tuple(r["concurrent"]))
                )
            )
        if pd.notna(r.get("ended_early", pd.NaT)):
            parts.append(_li(CAVEAT_LABELS["ended"], lang).format(end=_date(r["ended_early"])))
        if int(r.get("unlocated", 0) or 0) > 0:
            parts.append(_li(CAVEAT_LABELS["unlocated"], lang).format(n=_int(r["unlocated"], lang)))
        if bool(r.get("corrected", False)):
            parts.append(_li(CAVEAT_LABELS["corrected"], lang))
        out.append(" ; ".join(parts) if lang == "fr" else "; ".join(parts))
    return pd.Series(out, index=effects.index, dtype="str")
