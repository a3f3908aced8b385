"""The action plan: per response, a SMART objective, owner, partners, monitoring and design.

:func:`action_plan` writes one line per chosen response; :func:`save_plan`
writes the plan as JSON (read by the next diagnosis with :func:`read_plan`)
and ``.xlsx``.

Examples
--------
>>> EXPECTED_REDUCTION["moderate"]
0.2
"""

from __future__ import annotations

import json
import math
from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from os import PathLike
from pathlib import Path
from typing import Any

import numpy as np
import pandas as pd

from .. import coverage, i18n, inventory, settings
from .. import formatting as fmt
from ..errors import DataError, bilingual, unreadable
from ..evaluation.decision import Rule
from ..evaluation.estimators import overdispersion
from ..evaluation.placebos import Windows, log_effects, null_from
from ..inventory.problem_text import category_label
from ..xlsx import write_readable
from .catalogue import DIRECTIONS, evidence_text
from .power import minimum_detectable_effect
from .record import default_indicators, evaluation_design, read_plan_toml, write_plan_toml

EXPECTED_REDUCTION: dict[str, float] = settings.default("expected_reduction")
"""Reduction assumed for a SMART target from the evidence strength (a planning assumption;
the ``expected_reduction`` tunable's default)."""


def _both_en_fr(key: str) -> str:
    """A label in English and French, "en / fr" (error messages)."""
    return f"{i18n.t(key, 'en')} / {i18n.t(key, 'fr')}"


@dataclass(frozen=True)
class _PlanContext:
    """What every line of the plan shares: the windows, the incidents, the choices."""

    incidents: pd.DataFrame
    members: pd.Series  # problem of each incident
    when: np.ndarray  # incident in the baseline window
    start: pd.Timestamp
    before0: pd.Timestamp
    partner_names: pd.DataFrame  # name_fr, name_en by partner_id
    horizon_months: int
    lag_months: int
    buffer_m: float
    owner: str
    alpha: float
    power: float
    expected_reduction: Mapping[str, float]
    gaps: tuple[pd.Period, ...] = ()  # the data's gap months (no data, not zero)
    labels: Mapping[str, Mapping[str, str]] | None = None  # language → category → label
    rule: Rule = Rule()  # the verdict's thresholds, fixed in each action's design


def _design(prob: pd.Series, ctx: _PlanContext, lang: str) -> str:
    """The pre-registered evaluation design, in step 3's terms."""
    if prob.get("kind") == "municipality":
        return i18n.t("strategy.plan.design_series", lang, months=ctx.horizon_months)
    return i18n.t(
        "strategy.plan.design_control",
        lang,
        buffer=fmt.number(ctx.buffer_m, lang),
        months=ctx.horizon_months,
        start=fmt.date(ctx.start, lang),
        after=fmt.date(ctx.start + pd.DateOffset(months=ctx.lag_months), lang),
        lag=fmt.months(ctx.lag_months, lang),
    )


HISTORY_MONTHS: int = settings.default("history_months")


def history_null(
    problem: np.ndarray, control: np.ndarray, window: int, lag: int
) -> tuple[float, float, float]:
    """Dispersion and persistence of a problem's own history, for the power check.

    The design step 3 will use (history before the before window, after window
    ``lag`` months after the start) is run at every date the history allows,
    with no measure (placebo dates): the spread of those estimates beyond
    Poisson is the persistence ``τ²``, on ``n − 1`` degrees of freedom; ``φ`` is
    the Pearson dispersion of the problem's and the control's monthly counts.
    A month without data (NaN: a gap of the coverage calendar) is left out of
    both series alike: the placebo estimates compare the problem with its
    control (ratios), so a month missing from both drops out of the comparison
    without biasing it, and ``φ`` is read on the other months.

    Parameters
    ----------
    problem, control : ndarray
        Monthly counts of the problem's incidents and of the control, up to the
        start (NaN for a month without data).
    window, lag : int
        Months of the windows and of the implementation lag.

    Returns
    -------
    (phi, tau2, df) : (float, float, float)
        ``df`` is infinite when the history holds no placebo date (then ``τ² = 0``:
        the power check is then optimistic, and says so through its inputs).

    Examples
    --------
    >>> rng = np.random.default_rng(2)
    >>> level = 20 * np.exp(np.cumsum(rng.normal(0, 0.1, 84)))
    >>> phi, tau2, df = history_null(rng.poisson(level), np.full(84, 2000), 12, 0)
    >>> bool(tau2 > 0.01), df
    (True, 36.0)
    """
    n = len(problem)
    # a gap month (NaN) drops out of the problem's and the control's sums alike
    missing = ~(np.isfinite(problem) & np.isfinite(control))
    p0, c0 = np.where(missing, 0.0, problem), np.where(missing, 0.0, control)
    hist = min(HISTORY_MONTHS, max(n - 2 * window - lag, 0))
    hist -= hist % 12 if hist >= 12 else 0
    vals, var = [], []
    for end in range(n, 2 * window + lag + hist - 1, -1):
        b0 = end - window - lag - window
        if b0 - hist < 0 or hist < 1:
            break
        w = Windows(slice(b0 - hist, b0), slice(b0, b0 + window), slice(end - window, end))
        e = log_effects(p0, c0, w)
        vals.append(float(e["corrected"]))
        var.append(float(e["v_corrected"]))
    recent = np.vstack([problem, control])[:, -min(n, 24) :]
    phi, _ = overdispersion(recent[:, np.isfinite(recent).all(axis=0)])
    nul = null_from(np.array(vals), np.array(var))
    df = float(nul.n - 1) if nul.n > 1 else float("inf")
    return (max(phi, 1.0) if np.isfinite(phi) else 1.0), nul.tau2, df


def _monthly(when: pd.Series, start: pd.Timestamp, gaps: Sequence[pd.Period] = ()) -> np.ndarray:
    """Monthly counts of events from the first month of ``when`` to the month before ``start``.

    A gap month of the coverage calendar is NaN (no data), not zero.

    Examples
    --------
    >>> when = pd.Series(pd.to_datetime(["2024-01-05", "2024-01-09", "2024-03-02"]))
    >>> _monthly(when, pd.Timestamp("2024-04-01"), [pd.Period("2024-02", "M")]).tolist()
    [2.0, nan, 1.0]
    """
    if not len(when):
        return np.zeros(0)
    first = when.min().to_period("M")
    last = (start - pd.Timedelta(days=1)).to_period("M")
    # months since the first, by arithmetic on year and month (no Period object per event)
    months = ((when.dt.year - first.year) * 12 + (when.dt.month - first.month)).to_numpy(
        dtype="int64"
    )
    n = (last - first).n + 1
    keep = (months >= 0) & (months < n)
    out = np.bincount(months[keep], minlength=n)[:n].astype("float64")
    out[coverage.in_gaps(pd.period_range(first, last, freq="M"), gaps)] = np.nan
    return out


def _power_note(mde: float, underpowered: bool, ctx: _PlanContext, lang: str) -> str:
    head = i18n.t(
        "strategy.plan.power",
        lang,
        mde=fmt.percent(mde, lang),
        power=fmt.percent(ctx.power, lang),
        alpha=fmt.number(ctx.alpha, lang),
    )
    tail = "strategy.plan.underpowered" if underpowered else "strategy.plan.detectable"
    return head + i18n.t(tail, lang)


def _no_data_months(inc: pd.DataFrame, before0: Any, start: Any) -> tuple[pd.Period, ...]:
    """The months without data up to ``start``: the calendar's gaps and the months before the data.

    The months of the baseline window before the data begin are no data either
    (three months of data are not a year's baseline with nine empty months).

    Examples
    --------
    >>> when = pd.Series(pd.date_range("2025-01-01", "2025-03-31", freq="D"))
    >>> got = _no_data_months(pd.DataFrame({"occurred_from": when}), "2024-04-01", "2025-04-01")
    >>> len(got), str(got[0]), str(got[-1])
    (9, '2024-04', '2024-12')
    """
    gaps = set(coverage.gap_months(inc, end=start)) if len(inc) else set()
    first = inc["occurred_from"].min() if len(inc) else pd.NaT
    if pd.notna(first):
        b0 = pd.Period(pd.Timestamp(before0), freq="M")
        f0 = pd.Period(pd.Timestamp(first), freq="M")
        if b0 < f0:
            gaps |= set(pd.period_range(b0, f0 - 1, freq="M"))
    return tuple(sorted(gaps))


FIRM_BASELINE_SHARE: float = 0.75
"""Share of the baseline window's months that must hold data for a firm target.

Under it (fewer than 9 months of 12), the baseline is mostly an extrapolation of a few
months, season unknown: the target is set, and said to be **provisional** (to set again
once the window is covered)."""


def _plan_row(i: int, rec: dict[str, Any], resp: pd.Series, prob: pd.Series, ctx: _PlanContext):
    pid = rec["problem_id"]
    inc = ctx.incidents
    in_prob = (ctx.members == pid).to_numpy()
    cats = set(prob["categories"])
    # a gap month of the baseline window is no data: the covered months stand for the window
    window = pd.period_range(ctx.before0, ctx.start - pd.Timedelta(days=1), freq="M")
    gap_months = int(coverage.in_gaps(window, ctx.gaps).sum())
    scale = len(window) / (len(window) - gap_months) if gap_months < len(window) else 1.0
    baseline = int(round((in_prob & ctx.when).sum() * scale))
    # a municipality-wide problem has no control area: no count (not 0, which the public
    # version would hide as a small count, and with it the row's target and power)
    municipal = prob.get("kind") == "municipality"
    control = (
        None
        if municipal
        else int(
            round((~in_prob & ctx.when & inc["category"].isin(list(cats)).to_numpy()).sum() * scale)
        )
    )
    red = ctx.expected_reduction[resp["effect_strength"]] * max(
        DIRECTIONS[resp["effect_direction"]], 0.0
    )
    target = int(math.floor(baseline * (1 - red)))
    before = (inc["occurred_from"] < ctx.start).to_numpy()
    same_cats = inc["category"].isin(list(cats)).to_numpy()
    when = inc["occurred_from"]
    series = _monthly(when[before & in_prob], ctx.start, ctx.gaps)
    ctrl = _monthly(when[before & ~in_prob & same_cats], ctx.start, ctx.gaps)
    k = min(len(series), len(ctrl))
    if k:
        phi, tau2, df = history_null(series[-k:], ctrl[-k:], ctx.horizon_months, ctx.lag_months)
    else:
        phi, tau2, df = 1.0, 0.0, float("inf")
    mde = minimum_detectable_effect(
        baseline,
        control,
        ctx.alpha,
        ctx.power,
        dispersion=phi,
        persistence=tau2,
        df=None if not np.isfinite(df) else df,
    )
    deadline = ctx.start + pd.DateOffset(months=ctx.lag_months + ctx.horizon_months)
    prt = list(rec.get("partner_ids") or ())
    underpowered = mde > red
    last_day = ctx.start - pd.Timedelta(days=1)
    indicator = {
        lang: {
            "categories": ", ".join(
                category_label(c, "other", lang, ctx.labels) for c in prob["categories"]
            ),
            "months": ctx.horizon_months,
        }
        for lang in i18n.LANGS
    }
    return {
        "plan_id": f"A{i:02d}",
        "problem_id": pid,
        "problem_rank": int(rec.get("problem_rank", 0)),
        "problem_fr": prob.get("title_fr", pid),
        "problem_en": prob.get("title_en", pid),
        "sectors": tuple(str(x) for x in (prob.get("sectors") or ())),
        "categories": tuple(str(x) for x in prob["categories"]),
        "response_id": resp["id"],
        "response_fr": resp["name_fr"],
        "response_en": resp["name_en"],
        "pillars": ";".join(resp["pillars"]),
        "indicator_fr": i18n.t("strategy.plan.indicator", "fr", **indicator["fr"]),
        "indicator_en": i18n.t("strategy.plan.indicator", "en", **indicator["en"]),
        "baseline": baseline,
        "baseline_period": f"{fmt.date(ctx.before0)} – {fmt.date(last_day)}",
        "baseline_gap_months": gap_months,
        "baseline_months": len(window) - gap_months,
        "target_provisional": bool(len(window) - gap_months < FIRM_BASELINE_SHARE * len(window)),
        "expected_reduction": red,
        "target": target,
        "start": fmt.date(ctx.start),
        "deadline": fmt.date(deadline),
        "end": fmt.date(deadline),
        "owner_fr": ctx.owner or i18n.t("strategy.plan.owner", "fr"),
        "owner_en": ctx.owner or i18n.t("strategy.plan.owner", "en"),
        "partner_ids": ";".join(prt),
        "partner_names_fr": _partner_names(prt, ctx.partner_names, "fr"),
        "partner_names_en": _partner_names(prt, ctx.partner_names, "en"),
        "resources_fr": _resources(resp["cost_level"], "fr"),
        "resources_en": _resources(resp["cost_level"], "en"),
        "monitoring_fr": i18n.t("strategy.plan.monitoring", "fr"),
        "monitoring_en": i18n.t("strategy.plan.monitoring", "en"),
        "reevaluation_date": fmt.date(deadline + pd.DateOffset(months=1)),
        "design_fr": _design(prob, ctx, "fr"),
        "design_en": _design(prob, ctx, "en"),
        "buffer_m": ctx.buffer_m,
        "control_events": np.nan if control is None else control,
        "mde": mde,
        "mde_phi": phi,
        "mde_persistence": tau2,
        "mde_df": df,
        "underpowered": bool(underpowered),
        "power_note_fr": _power_note(mde, underpowered, ctx, "fr"),
        "power_note_en": _power_note(mde, underpowered, ctx, "en"),
        "evidence_fr": evidence_text(resp, "fr"),
        "evidence_en": evidence_text(resp, "en"),
        "source": resp["source"],
        "chosen_by": rec.get("chosen_by", "ranking"),
        "design": evaluation_design(
            {**prob.to_dict(), "problem_id": pid},
            ctx.start,
            ctx.horizon_months,
            ctx.lag_months,
            ctx.buffer_m,
            ctx.rule,
            HISTORY_MONTHS,
        ),
        "indicators": default_indicators(
            f"A{i:02d}", str(resp["id"]), ctx.owner, tuple(resp["pillars"])
        ),
    }


def _partner_names(ids: list[str], names: pd.DataFrame, lang: str) -> str:
    """The partners' names in ``lang`` (a partner without one in ``lang``: its other name)."""
    col = f"name_{lang}"
    out = []
    for p in ids:
        name = names[col].get(p) if p in names.index else None
        out.append(str(name) if isinstance(name, str) and name else p)
    return "; ".join(out)


def _resources(cost_level: str, lang: str) -> str:
    """The cost of a response in words ("coût élevé", "high cost")."""
    level = i18n.label("strategy.cost", cost_level, lang)
    return i18n.t("strategy.plan.resources", lang, level=level)


def action_plan(  # noqa: PLR0913 - public signature kept for backward compatibility
    chosen: pd.DataFrame,
    problems: pd.DataFrame,
    incidents: pd.DataFrame,
    catalogue: pd.DataFrame,
    partners: pd.DataFrame | None = None,
    start: Any = None,
    horizon_months: int | None = None,
    lag_months: int | None = None,
    buffer_m: float | None = None,
    owner: str = "",
    alpha: float | None = None,
    power: float | None = None,
    expected_reduction: Mapping[str, float] | None = None,
    taxonomy: pd.DataFrame | None = None,
    rule: Rule | None = None,
) -> pd.DataFrame:
    """The action plan: a SMART objective, owner, partners, monitoring and evaluation design.

    The **baseline** is the number of the problem's events in the
    ``horizon_months`` before ``start`` (when some of those months are gaps of
    the coverage calendar, the count of the covered months scaled to the
    window, with ``baseline_gap_months`` saying how many were missing and
    ``baseline_months`` how many were not; under :data:`FIRM_BASELINE_SHARE` of the
    window covered, ``target_provisional``; the history behind the power check
    leaves gap months out, see :func:`history_null`);
    the **target** assumes the reduction the evidence suggests
    (:data:`EXPECTED_REDUCTION`: a planning assumption, stated); the **deadline**
    is ``start + lag + horizon``, and the action's planned ``end`` is the deadline
    (the analyst edits it in ``plan.toml``). The pre-registered evaluation
    design is step 3's: treated area = the problem's place, a buffer ring of
    ``buffer_m`` metres, control = the rest of the municipality, equal windows
    of ``horizon_months`` before the start and after the lag. The **power
    check** gives the minimum detectable effect (:func:`minimum_detectable_effect`)
    for the baseline and control counts, with the dispersion ``φ``, the persistence
    ``τ²`` and the degrees of freedom of the problem's own history
    (:func:`history_null`: the same placebo-date logic as step 3), and says when the
    target is below it.

    Parameters
    ----------
    chosen : DataFrame
        From :func:`choose`.
    problems, incidents : DataFrame
        Problem register and canonical incidents.
    catalogue : DataFrame
        From :func:`load_catalogue`.
    partners : DataFrame, optional
        Canonical partners (for their names).
    start : timestamp, optional
        Planned start (default: the end of the data's last whole month,
        :func:`diagnostic_lib.coverage.data_end`: the first day of the month after
        the last incident unless the data stop within that month).
    horizon_months : int, optional
        Length of the baseline window and of the evaluation's windows (months;
        default: the ``window_months`` tunable, as in step 3).
    lag_months : int, optional
        Implementation lag (months; default: the ``plan_lag_months`` tunable).
    buffer_m : float, optional
        Width of the evaluation's buffer ring (m; default: the ``buffer_m`` tunable).
    owner : str
        Default owner (the analyst edits it per line).
    alpha, power : float, optional
        Significance level and power of the power check (default: the ``alpha``
        and ``plan_power`` tunables).
    expected_reduction : dict, optional
        Evidence strength → reduction assumed for the target (default
        :data:`EXPECTED_REDUCTION`).
    taxonomy : DataFrame, optional
        The diagnosis's taxonomy, whose labels name the categories of the SMART
        objective (default: the packaged taxonomy's; never the codes).
    rule : Rule, optional
        The verdict's thresholds, fixed in each action's evaluation design
        (default: step 3's tunables, with ``alpha``).

    Returns
    -------
    DataFrame
        One row per chosen response; see the columns (plain values, fit to save
        as JSON and Excel, but ``design``, the pre-registered evaluation design
        of :func:`~diagnostic_lib.strategy.record.evaluation_design`, a dict, and
        ``indicators``, the implementation indicators of
        :func:`~diagnostic_lib.strategy.record.default_indicators`, a list of dicts).

    Examples
    --------
    >>> from diagnostic_lib import inventory, loaders, sample
    >>> from diagnostic_lib.strategy import choose, load_catalogue, rank_responses
    >>> d = loaders.load_diagnostic(sample.sample_dir() / "diagnostic.toml")
    >>> inv = inventory.run(d, permutations=0)
    >>> cat = load_catalogue()
    >>> ranked = rank_responses(inv.problems, cat, inv.priority, partners=d.partners, top=3)
    >>> plan = action_plan(choose(ranked), inv.problems, d.incidents, cat, d.partners)
    >>> {"baseline", "target", "deadline", "mde", "source"} <= set(plan.columns)
    True
    """
    d = settings.default
    horizon_months = d("window_months") if horizon_months is None else horizon_months
    lag_months = d("plan_lag_months") if lag_months is None else lag_months
    inc = incidents
    # by default the plan starts where the data's last whole month ends: its baseline is
    # then step 1's "last 12 months" (coverage.data_end), not a window over a partial month
    whole = coverage.data_end(inc) if len(inc) else None
    t_now = pd.Timestamp.now().normalize() + pd.offsets.MonthBegin(1)
    start_ts = pd.Timestamp(start) if start is not None else (whole if whole is not None else t_now)
    before0 = start_ts - pd.DateOffset(months=horizon_months)
    pnames = pd.DataFrame(columns=["name_fr", "name_en"], dtype="str")
    if partners is not None and len(partners):
        pt = partners.set_index("partner_id")
        en = pt["name_en"] if "name_en" in pt.columns else pt["name"]
        pnames = pd.DataFrame({"name_fr": pt["name"], "name_en": en.where(en != "", pt["name"])})
    ctx = _PlanContext(
        incidents=inc,
        members=inventory.problem_incidents(problems, inc),
        when=((inc["occurred_from"] >= before0) & (inc["occurred_from"] < start_ts)).to_numpy(),
        start=start_ts,
        before0=before0,
        partner_names=pnames,
        horizon_months=horizon_months,
        lag_months=lag_months,
        buffer_m=d("buffer_m") if buffer_m is None else buffer_m,
        owner=owner,
        alpha=d("alpha") if alpha is None else alpha,
        power=d("plan_power") if power is None else power,
        expected_reduction=EXPECTED_REDUCTION if expected_reduction is None else expected_reduction,
        gaps=_no_data_months(inc, before0, start_ts),
        labels=None
        if taxonomy is None
        else {lang: taxonomy[f"label_{lang}"].to_dict() for lang in ("fr", "en")},
        rule=rule if rule is not None else Rule(alpha=d("alpha") if alpha is None else alpha),
    )
    pb = problems.set_index("problem_id")
    rows = [
        _plan_row(i, rec, catalogue.loc[rec["response_id"]], pb.loc[rec["problem_id"]], ctx)
        for i, rec in enumerate(chosen.to_dict("records"), start=1)
    ]
    return pd.DataFrame(rows)


def save_plan(
    plan: pd.DataFrame,
    path: str | PathLike[str],
    lang: str = "fr",
    vocabularies: Mapping[str, Mapping[str, str]] | None = None,
    registered: Any = None,
) -> tuple[Path, Path]:
    """Save the plan as JSON (machine-readable), ``.xlsx`` and ``.toml`` (the living record).

    The JSON file keeps every column (both languages, codes). The workbook is
    for readers, in ``lang`` only (:func:`diagnostic_lib.xlsx.write_readable`:
    contents, translated headers and values, number formats, dictionary of the
    code names; the evaluation design and the indicators are in the other
    files). The TOML file (:func:`~diagnostic_lib.strategy.record.write_plan_toml`)
    is the plan to keep up to date by hand and to give to the follow-up; it
    fixes each evaluation design on ``registered`` (default: today).

    Parameters
    ----------
    plan : DataFrame
        From :func:`action_plan`.
    path : path
        Base path; ``.json`` and ``.xlsx`` are written beside each other.
    lang : {"fr", "en"}
        Language of the workbook.
    vocabularies : dict, optional
        Words for category codes (see :func:`diagnostic_lib.xlsx.readable_frame`).
    registered : date, optional
        The day the evaluation designs are fixed (a design already fixed keeps
        its date).

    Returns
    -------
    (pathlib.Path, pathlib.Path)
        The JSON and workbook files (the ``.toml`` file is beside them).

    Examples
    --------
    >>> import tempfile
    >>> p = pd.DataFrame({"plan_id": ["A01"], "problem_id": ["P1"], "response_id": ["x"],
    ...                   "baseline": [10], "target": [8], "deadline": ["2027-01-01"]})
    >>> j, x = save_plan(p, Path(tempfile.mkdtemp()) / "plan")
    >>> read_plan(j)["target"].tolist()
    [8]
    """
    base = Path(path)
    if base.suffix in (".json", ".xlsx"):
        base = base.with_suffix("")
    base.parent.mkdir(parents=True, exist_ok=True)
    jpath, xpath = base.with_suffix(".json"), base.with_suffix(".xlsx")
    records = json.loads(plan.to_json(orient="records", force_ascii=False, date_format="iso"))
    doc = {"format": "diagnostic_lib.action_plan", "version": 1, "actions": records}
    jpath.write_text(json.dumps(doc, ensure_ascii=False, indent=1) + "\n", encoding="utf-8")
    flat = plan.drop(columns=[c for c in ("design", "indicators") if c in plan.columns])
    write_readable({"plan": flat}, xpath, lang=lang, vocabularies=vocabularies)
    write_plan_toml(plan, base, registered=registered)
    return jpath, xpath


def read_plan(path: str | PathLike[str]) -> pd.DataFrame:
    """Read a plan written by :func:`save_plan` (for the next diagnosis).

    A ``.toml`` file (the living record, perhaps edited by hand) is read by
    :func:`~diagnostic_lib.strategy.record.read_plan_toml`: no field is lost.

    Parameters
    ----------
    path : path
        The ``.json`` or ``.toml`` file (a base path: its ``.json`` file, else
        its ``.toml`` file).

    Returns
    -------
    DataFrame

    Raises
    ------
    DataError
        Not a plan file.

    Examples
    --------
    >>> read_plan("/no/plan.json")
    Traceback (most recent call last):
    ...
    diagnostic_lib.errors.DataError: /no/plan.json: action plan not found: check the path ...
    """
    p = Path(path)
    if p.suffix == ".toml":
        return read_plan_toml(p)
    if p.suffix != ".json":
        p = p.with_suffix(".json")
        if not p.exists() and p.with_suffix(".toml").exists():
            return read_plan_toml(p.with_suffix(".toml"))
    if not p.exists():
        raise DataError(f"{path}: {_both_en_fr('strategy.plan.not_found')}")
    try:
        doc = json.loads(p.read_text(encoding="utf-8-sig"))
    except json.JSONDecodeError as exc:
        message = bilingual("strategy.plan.error.not_json", line=exc.lineno, column=exc.colno)
        raise DataError(f"{p}: {message}") from None
    except (OSError, UnicodeDecodeError) as exc:
        raise DataError(f"{p}: {unreadable(exc, 'json')}") from None
    if not isinstance(doc, dict) or doc.get("format") != "diagnostic_lib.action_plan":
        raise DataError(f"{p}: {bilingual('strategy.plan.error.not_plan')}")
    actions = doc.get("actions", [])
    if not isinstance(actions, list) or not all(isinstance(a, dict) for a in actions):
        value = json.dumps(actions, ensure_ascii=False)
        value = value if len(value) <= 60 else value[:59] + "…"
        raise DataError(f"{p}: {bilingual('strategy.plan.error.actions', value=value)}")
    return pd.DataFrame(actions)
