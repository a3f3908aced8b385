"""Effects and verdicts of the measures: every estimate of a measure, from its counts.

:func:`estimate_effects` (every estimate and the verdict, vectorised over a
table of window counts), :func:`evaluate` (every measure: windows, areas,
counts, estimates, verdicts), :func:`evaluate_measure` (one measure, with its
areas and monthly counts) and :func:`buffer_sensitivity` (how the displacement
findings move with the ring's width).
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from typing import Any

import numpy as np
import pandas as pd

from .. import i18n, stats
from .. import measures as measures_mod
from ._common import _tuple
from .area_counts import _MonthlyIndex, _pre_table, _window_sums, monthly_area_counts
from .decision import PROMISING_P, PROMISING_RES, caveat_text, verdict_text
from .design import AREAS, _buffer_width, _MeasureSet, _union, data_period, design_areas, windows
from .estimators import (
    overdispersion,
    relative_effect_size,
    total_net_effect,
    wdd,
    wdq,
    wdq_label,
)


def estimate_effects(
    counts: pd.DataFrame,
    alpha: float = 0.05,
    min_events: int = 10,
    promising: float = PROMISING_RES,
    promising_p: float = PROMISING_P,
) -> pd.DataFrame:
    """Every estimate and the verdict, for a table of window counts (vectorised).

    Parameters
    ----------
    counts : DataFrame
        ``status`` (see :func:`windows`; missing = evaluable), ``a0, a1, b0,
        b1, c0, c1`` (treated, buffer, control; before, after) and optionally
        the raw dispersion estimates ``phi_res_hat, phi_res_df`` (A and C),
        ``phi_wdd_hat, phi_wdd_df`` (A, B and C), ``phi_buffer_hat,
        phi_buffer_df`` (B and C) from :func:`overdispersion` (missing = 1,
        i.e. Poisson).
    alpha : float
        1 − confidence level.
    min_events : int
        Fewest events in the treated area (before + after) to judge.
    promising, promising_p : float
        Smallest RES and largest adjusted p-value called promising.

    Returns
    -------
    DataFrame
        ``counts`` plus ``phi_res, res, res_low, res_high`` (Poisson),
        ``res_low_adj, res_high_adj, res_p_adj`` (overdispersion-adjusted),
        ``treated_ratio, treated_p`` (E-test), ``buffer_res,
        buffer_low_adj, buffer_high_adj``, ``wdd, wdd_se, wdd_z, wdd_p,
        wdd_se_adj, wdd_z_adj, wdd_p_adj`` (controls scaled to A0 and B0),
        ``wdq, wdq_reading, tne, q_value, verdict``.

    Examples
    --------
    >>> import pandas as pd
    >>> c = pd.DataFrame({"a0": [136, 106, 3], "a1": [83, 98, 2], "b0": [62, 21, 1], "b1": [41, 17, 1],
    ...                   "c0": [3000, 3000, 900], "c1": [3050, 2950, 910]})
    >>> estimate_effects(c)["verdict"].tolist()
    ['effective', 'no_effect', 'too_few']
    """
    out = counts.copy()
    idx = out.index
    if "status" not in out.columns:
        out["status"] = "evaluable"
    f = {k: pd.to_numeric(out[k], errors="coerce").astype("float64").to_numpy() if k in out.columns
         else np.full(len(out), np.nan) for k in ("a0", "a1", "b0", "b1", "c0", "c1")}  # fmt: skip

    def phi(name: str) -> tuple[np.ndarray, np.ndarray]:
        hat = (
            out[f"{name}_hat"].astype("float64").to_numpy()
            if f"{name}_hat" in out.columns
            else np.full(len(out), np.nan)
        )
        df = (
            out[f"{name}_df"].astype("float64").to_numpy()
            if f"{name}_df" in out.columns
            else np.full(len(out), np.nan)
        )
        ph = np.where(np.isfinite(hat), np.maximum(hat, 1.0), 1.0)
        return ph, np.where(np.isfinite(hat) & (df > 0), df, np.inf)

    level = 1 - alpha
    ph_r, df_r = phi("phi_res")
    ph_w, _ = phi("phi_wdd")
    ph_b, df_b = phi("phi_buffer")
    ok = (out["status"].fillna("evaluable") == "evaluable").to_numpy() & np.isfinite(f["a0"])
    a0, a1, b0, b1, c0, c1 = (
        np.where(ok, f[k], np.nan) for k in ("a0", "a1", "b0", "b1", "c0", "c1")
    )
    r = relative_effect_size(a0, a1, c0, c1, level=level)
    ra = relative_effect_size(a0, a1, c0, c1, phi=ph_r, df=df_r, level=level)
    rb = relative_effect_size(b0, b1, c0, c1, phi=ph_b, df=df_b, level=level)
    out["phi_res"] = np.where(ok, ph_r, np.nan)
    out["phi_wdd"] = np.where(ok, ph_w, np.nan)
    out["res"], out["res_low"], out["res_high"] = r.res, r.low, r.high
    out["res_low_adj"], out["res_high_adj"], out["res_p_adj"] = ra.low, ra.high, ra.p_value
    out["corrected"] = np.where(ok, np.asarray(r.corrected, dtype=bool), False)
    with np.errstate(divide="ignore", invalid="ignore"):
        out["treated_ratio"] = np.where(a0 > 0, a1 / a0, np.nan)
    out["treated_p"] = np.where(ok, stats.e_tests(np.nan_to_num(a1), np.nan_to_num(a0)), np.nan)
    has_b = ok & ((np.nan_to_num(b0) + np.nan_to_num(b1)) > 0)
    out["buffer_res"] = np.where(has_b, rb.res, np.nan)
    out["buffer_low_adj"] = np.where(has_b, rb.low, np.nan)
    out["buffer_high_adj"] = np.where(has_b, rb.high, np.nan)
    with np.errstate(divide="ignore", invalid="ignore"):
        wc = np.where(c0 > 0, a0 / c0, np.nan)
        wd = np.where(c0 > 0, b0 / c0, np.nan)
    w = wdd(a0, a1, b0, b1, c0, c1, c0, c1, c_weight=wc, d_weight=wd, shared_control=True)
    wa = wdd(
        a0, a1, b0, b1, c0, c1, c0, c1, c_weight=wc, d_weight=wd, shared_control=True, phi=ph_w
    )
    out["wdd"], out["wdd_se"], out["wdd_z"], out["wdd_p"] = w.wdd, w.se, w.z, w.p_value
    out["wdd_se_adj"], out["wdd_z_adj"], out["wdd_p_adj"] = wa.se, wa.z, wa.p_value
    q = wdq(a0, a1, b0, b1, c0, c1)
    out["wdq"] = np.where(has_b, q, np.nan)
    out["wdq_reading"] = np.where(ok, wdq_label(out["wdq"].to_numpy()), "")
    out["tne"] = total_net_effect(a0, a1, b0, b1, c0, c1)
    few = ok & (((a0 + a1) < min_events) | (c0 == 0) | (c1 == 0))
    judged = ok & ~few
    out["q_value"] = np.nan
    if judged.any():
        out.loc[idx[judged], "q_value"] = stats.bh_qvalues(
            out.loc[idx[judged], "res_p_adj"].to_numpy()
        )
    lo, hi, res = (
        out["res_low_adj"].to_numpy(),
        out["res_high_adj"].to_numpy(),
        out["res"].to_numpy(),
    )
    verdict = np.where(
        lo > 1,
        "effective",
        np.where(
            hi < 1,
            "adverse",
            np.where(
                (res >= promising) & (out["res_p_adj"].to_numpy() < promising_p),
                "promising",
                "no_effect",
            ),
        ),
    ).astype(object)
    verdict[few] = "too_few"
    st = out["status"].fillna("evaluable").to_numpy()
    verdict[st == "too_recent"] = "too_recent"
    verdict[st == "not_evaluable"] = "not_evaluable"
    out["verdict"] = verdict
    out.attrs["parameters"] = {"alpha": alpha, "min_events": min_events, "promising": promising, "promising_p": promising_p,
                               "rule": "quasi-Poisson RES interval, φ = max(1, Pearson X²/df of pre-period months), t(df)"}  # fmt: skip
    return out


def _concurrent(
    measures: pd.DataFrame,
    treated: pd.Series,
    i: Any,
    zone: Any,
    lo: Any,
    hi: Any,
    ms: _MeasureSet | None = None,
) -> tuple[str, ...]:
    """Other measures overlapping ``zone`` that start or end inside [lo, hi) and share target categories."""

    ms = ms if ms is not None else _MeasureSet(measures, treated)
    k = ms.pos[i]
    cand = ms.touching(zone)
    cand = cand[(cand != k) & ~np.isin(ms.fp[cand], ["none", "municipality"])]
    cand = cand[ms.overlap(k)[cand]]
    lo64, hi64 = np.datetime64(pd.Timestamp(lo), "us"), np.datetime64(pd.Timestamp(hi), "us")
    s, e = ms.start[cand], ms.end[cand]
    changes = (~np.isnat(s) & (lo64 <= s) & (s < hi64)) | (~np.isnat(e) & (lo64 <= e) & (e < hi64))
    return tuple(str(x) for x in ms.ids[cand[changes]])


def _evaluate_core(
    measures: pd.DataFrame,
    incidents: pd.DataFrame,
    sectors: pd.DataFrame,
    data_start: Any,
    data_end: Any,
    window_months: int = 12,
    lag_months: int = 0,
    buffer_m: Any = 200.0,
    control: str = "rest",
    control_sectors: Any = None,
    k_similar: int = 3,
    exclude_other_measures: bool = True,
    min_events: int = 10,
    alpha: float = 0.05,
    ids: Sequence[str] | None = None,
    design: pd.DataFrame | None = None,
    dispersion_months: int = 24,
):

    d0, d1 = pd.Timestamp(data_start), pd.Timestamp(data_end)
    win = windows(measures, d0, d1, window_months, lag_months)
    sel = (
        measures.index
        if ids is None
        else measures.index[measures["measure_id"].astype(str).isin([str(i) for i in ids])]
    )
    if design is None:
        design = design_areas(measures, sectors, buffer_m, control, control_sectors, incidents, win,
                              exclude_other_measures, k_similar, ids=list(measures.loc[sel, "measure_id"].astype(str)))  # fmt: skip
    treated = measures_mod.treated_area(measures, sectors)
    ms = _MeasureSet(measures, treated)
    mi = None  # the incidents' index for the monthly counts, built on first use
    rows, monthly_parts = [], []
    for i in sel:
        rec, w = measures.loc[i], win.loc[i]
        mid = str(rec["measure_id"])
        g = design[design["measure_id"] == mid].set_index("zone")
        geo = {a: (g.loc[a, "geometry"] if a in g.index else None) for a in AREAS}
        row: dict[str, Any] = {
            "measure_id": mid, "name": rec.get("name", ""), "name_en": rec.get("name_en", rec.get("name", "")),
            "pillar": rec.get("pillar", ""), "kind": rec.get("kind", ""), "footprint": rec.get("footprint", ""),
            "cost": rec.get("cost", np.nan), "target_categories": _tuple(rec.get("target_categories", ())),
            "target_shifts": _tuple(rec.get("target_shifts", ())),
            **{k: w[k] for k in ("start", "end", "before_start", "before_end", "after_start", "after_end",
                                 "months_before", "months_after", "status", "reason", "reasons")},
            "window_months": int(window_months), "lag_months": int(lag_months),
            "buffer_m": float(g.loc["buffer", "width_m"]) if "buffer" in g.index else np.nan,
            "control": control, "control_sectors": tuple(g.loc["control", "sectors"]) if "control" in g.index else (),
            "excluded": tuple(g.loc["control", "excluded"]) if "control" in g.index else (),
            "data_last_day": d1 - pd.Timedelta(days=1),
            "concurrent": (), "ended_early": pd.NaT, "unlocated": 0,
        }  # fmt: skip
        if row["status"] != "not_evaluable" and geo["control"] is None:
            row.update(status="not_evaluable", reason="no_control", reasons=("no_control",))
        if row["status"] in ("evaluable", "too_recent"):
            pre = max(int(dispersion_months) - int(window_months), 0)
            if control == "rest":
                if mi is None:
                    widths = _buffer_width(measures, buffer_m).to_numpy(dtype="float64")
                    mi = _MonthlyIndex(incidents, sectors, ms, widths)
                m = mi.monthly(rec, geo, w, row["excluded"], data_end=d1, data_start=d0,
                               pre_months=pre)  # fmt: skip
            else:
                m = monthly_area_counts(
                    incidents, rec, geo, w, data_end=d1, data_start=d0, pre_months=pre
                )
            m.insert(0, "measure_id", mid)
            monthly_parts.append(m)
            row["unlocated"] = int(m.attrs["unlocated"])
            zone = _union([geo["treated"], geo["buffer"]])
            row["concurrent"] = _concurrent(
                measures, treated, i, zone, w["before_start"], w["after_end"], ms
            )
            if pd.notna(rec.get("end")) and pd.Timestamp(rec["end"]) < w["after_end"]:
                row["ended_early"] = pd.Timestamp(rec["end"])
            if row["status"] == "evaluable":
                row.update(_window_sums(m))
                for name, areas in (
                    ("phi_res", ("treated", "control")),
                    ("phi_wdd", AREAS),
                    ("phi_buffer", ("buffer", "control")),
                ):
                    hat, df = overdispersion(_pre_table(m, areas))
                    row[f"{name}_hat"], row[f"{name}_df"] = hat, df
        rows.append(row)
    counts = pd.DataFrame(rows, index=sel)
    for k in ("a0", "a1", "b0", "b1", "c0", "c1", "phi_res_hat", "phi_res_df", "phi_wdd_hat", "phi_wdd_df",
              "phi_buffer_hat", "phi_buffer_df"):  # fmt: skip
        if k not in counts.columns:
            counts[k] = np.nan
    eff = estimate_effects(counts, alpha=alpha, min_events=min_events)
    for k in ("a0", "a1", "b0", "b1", "c0", "c1"):
        eff[k] = eff[k].round().astype("Int64")
    for lg in ("fr", "en"):
        eff[f"verdict_{lg}"] = verdict_text(eff, lg, data_start=d0)
        eff[f"caveats_{lg}"] = caveat_text(eff, lg)
    eff.attrs["parameters"] = {**eff.attrs.get("parameters", {}), **win.attrs["parameters"], "control": control,
                               "buffer_m": buffer_m if not isinstance(buffer_m, Mapping) else dict(buffer_m),
                               "exclude_other_measures": exclude_other_measures}  # fmt: skip
    monthly = pd.concat(monthly_parts, ignore_index=True) if monthly_parts else pd.DataFrame(
        columns=["measure_id", "month", "month_index", "window", "zone", "count"])  # fmt: skip
    return eff, design, monthly


def evaluate(
    measures: pd.DataFrame,
    incidents: pd.DataFrame,
    sectors: pd.DataFrame,
    data_start: Any = None,
    data_end: Any = None,
    window_months: int = 12,
    lag_months: int = 0,
    buffer_m: Any = 200.0,
    control: str = "rest",
    control_sectors: Any = None,
    k_similar: int = 3,
    exclude_other_measures: bool = True,
    min_events: int = 10,
    alpha: float = 0.05,
    ids: Sequence[str] | None = None,
    design: pd.DataFrame | None = None,
) -> pd.DataFrame:
    """Evaluate every measure: windows, areas, counts, estimates and verdict.

    See the module docstring for the design and the decision rule, and
    :func:`design_areas` for ``buffer_m``, ``control``, ``control_sectors``,
    ``k_similar`` and ``exclude_other_measures``. ``ids`` restricts the
    evaluation to some measures; ``design`` passes areas already computed by
    :func:`design_areas` (e.g. to evaluate many realisations of the same town).

    Parameters
    ----------
    measures, incidents, sectors : DataFrame
        Canonical tables.
    data_start, data_end : timestamp, optional
        The data's period, ``data_end`` exclusive (default: from the incidents).
    window_months, lag_months : int
        Length of the before and after windows; implementation lag left out.
    min_events, alpha : see :func:`estimate_effects`.

    Returns
    -------
    DataFrame
        Aligned with ``measures`` (index preserved): the columns of
        :func:`windows` and :func:`estimate_effects`, the design
        (``buffer_m, control, control_sectors, excluded``), caveats
        (``concurrent, ended_early, unlocated``), and ``verdict_fr,
        verdict_en, caveats_fr, caveats_en``.

    Examples
    --------
    >>> from diagnostic_lib import loaders, sample
    >>> d = loaders.load_diagnostic(sample.sample_dir() / "diagnostic.toml")
    >>> e = evaluate(d.measures, d.incidents, d.sectors, *data_period(d)).set_index("measure_id")
    >>> e.loc[["M01", "M02", "M04", "M05", "M07", "M10"], "verdict"].tolist()
    ['effective', 'no_effect', 'too_recent', 'not_evaluable', 'not_evaluable', 'not_evaluable']
    >>> e.loc[["M05", "M07", "M10"], "reason"].tolist()
    ['no_before_window', 'no_footprint', 'planned']
    """
    if data_start is None or data_end is None:
        s, e = data_period(incidents=incidents)
        data_start = s if data_start is None else data_start
        data_end = e if data_end is None else data_end
    eff, _, _ = _evaluate_core(measures, incidents, sectors, data_start, data_end, window_months, lag_months,
                               buffer_m, control, control_sectors, k_similar, exclude_other_measures,
                               min_events, alpha, ids=ids, design=design)  # fmt: skip
    return eff


@dataclass
class MeasureResult:
    """One measure's evaluation: its row of estimates, its areas and its monthly counts."""

    effect: pd.Series
    design: pd.DataFrame
    monthly: pd.DataFrame

    def verdict(self, lang: str = "fr") -> str:
        """The verdict in words, with its numbers."""
        return str(self.effect[f"verdict_{i18n.check_lang(lang)}"])


def evaluate_measure(
    measures: pd.DataFrame,
    incidents: pd.DataFrame,
    sectors: pd.DataFrame,
    measure_id: str,
    data_start: Any = None,
    data_end: Any = None,
    window_months: int = 12,
    lag_months: int = 0,
    buffer_m: Any = 200.0,
    control: str = "rest",
    control_sectors: Any = None,
    k_similar: int = 3,
    exclude_other_measures: bool = True,
    min_events: int = 10,
    alpha: float = 0.05,
) -> MeasureResult:
    """Evaluate one measure (what the notebook's widget calls on every change).

    Same parameters as :func:`evaluate`, for ``measure_id`` only.

    Returns
    -------
    MeasureResult
        ``effect`` (its row of :func:`evaluate`), ``design`` (its treated,
        buffer and control areas) and ``monthly`` (see
        :func:`monthly_area_counts`) for the before/after chart and the map.

    Examples
    --------
    >>> from diagnostic_lib import loaders, sample
    >>> d = loaders.load_diagnostic(sample.sample_dir() / "diagnostic.toml")
    >>> r = evaluate_measure(d.measures, d.incidents, d.sectors, "M03", *data_period(d), buffer_m=300)
    >>> r.effect["verdict"], bool(r.effect["wdq"] < 0)
    ('effective', True)
    >>> r.verdict("en")[:23]
    'Effective (significant)'
    """
    if data_start is None or data_end is None:
        s, e = data_period(incidents=incidents)
        data_start = s if data_start is None else data_start
        data_end = e if data_end is None else data_end
    if str(measure_id) not in set(measures["measure_id"].astype(str)):
        raise KeyError(f"unknown measure {measure_id!r}")
    eff, design, monthly = _evaluate_core(measures, incidents, sectors, data_start, data_end, window_months,
                                          lag_months, buffer_m, control, control_sectors, k_similar,
                                          exclude_other_measures, min_events, alpha, ids=[str(measure_id)])  # fmt: skip
    row = eff.iloc[0]
    row.attrs = dict(eff.attrs)
    return MeasureResult(row, design.reset_index(drop=True), monthly)


def buffer_sensitivity(
    measures: pd.DataFrame,
    incidents: pd.DataFrame,
    sectors: pd.DataFrame,
    measure_id: str,
    data_start: Any = None,
    data_end: Any = None,
    widths: Sequence[float] = (100, 200, 300, 400),
    **kwargs: Any,
) -> pd.DataFrame:
    """How the buffer and displacement estimates change with the ring's width.

    The ring width is a choice (how far could offenders plausibly move?);
    a displacement or diffusion finding that flips with it is fragile. Other
    keyword arguments go to :func:`evaluate_measure`.

    Returns
    -------
    DataFrame
        One row per width: ``buffer_m, b0, b1, c0, c1, res, res_low_adj,
        res_high_adj, wdq, wdq_reading, tne, wdd_z_adj, verdict``.

    Examples
    --------
    >>> from diagnostic_lib import loaders, sample
    >>> d = loaders.load_diagnostic(sample.sample_dir() / "diagnostic.toml")
    >>> s = buffer_sensitivity(d.measures, d.incidents, d.sectors, "M03", *data_period(d), widths=(200, 300))
    >>> s["wdq_reading"].tolist()
    ['diffusion', 'displacement']
    """
    rows = [
        evaluate_measure(
            measures,
            incidents,
            sectors,
            measure_id,
            data_start,
            data_end,
            buffer_m=float(w),
            **kwargs,
        ).effect
        for w in widths
    ]
    cols = ["buffer_m", "b0", "b1", "c0", "c1", "res", "res_low_adj", "res_high_adj", "wdq", "wdq_reading", "tne",
            "wdd_z_adj", "verdict"]  # fmt: skip
    return pd.DataFrame(rows)[cols].reset_index(drop=True)
