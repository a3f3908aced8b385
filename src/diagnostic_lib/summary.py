"""The diagnosis in a few numbers: the key figures, the findings, the trends of the top problems.

What the first page of the report and the dashboard show, computed once here
(presentation only wires it):

- :func:`key_numbers`: the key figures, each with its denominator;
- :func:`key_findings`: the three to five findings that matter, each with its
  number and its uncertainty in plain words;
- :func:`problem_trends`: the monthly counts of the top-ranked problems and
  their projection over the next months, with its interval;
- :func:`evaluability`: why most measures cannot be evaluated and most actions
  of the plan are "underpowered", and what to do about it, in plain words.

Examples
--------
>>> from diagnostic_lib import loaders, sample
>>> d = loaders.load_diagnostic(sample.sample_dir() / "diagnostic.toml")
>>> key_numbers(d, lang="en").loc["incidents", "label"]
'Recorded incidents'
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import TYPE_CHECKING, Any

import numpy as np
import pandas as pd

from . import coverage, evaluation, i18n, inventory, measures, schema, settings, stats
from . import formatting as fmt

if TYPE_CHECKING:
    from .loaders import Diagnostic

_NAN = float("nan")
_KEYS = {"unsafe_night": "dash.kn.unsafe"}  # label keys that are not "dash.kn.<code>"


def study_period(diag: Diagnostic) -> tuple[pd.Timestamp, pd.Timestamp]:
    """The study period: the config's start and end, else the data's first day and last whole month.

    Examples
    --------
    >>> from diagnostic_lib import loaders, sample
    >>> d = loaders.load_diagnostic(sample.sample_dir() / "diagnostic.toml")
    >>> [str(t.date()) for t in study_period(d)]
    ['2022-01-01', '2025-12-31']
    """
    occ = diag.incidents["occurred_from"]
    start = diag.config.period_start if diag.config.period_start is not None else occ.min()
    if diag.config.period_end is not None:
        end = diag.config.period_end
    else:  # the last day of the last whole month (coverage.data_end)
        whole = coverage.data_end(diag.incidents)
        end = whole - pd.Timedelta(days=1) if whole is not None else occ.max()
    return pd.Timestamp(start).normalize(), pd.Timestamp(end).normalize()


class _Rows:
    """The rows of the key-numbers table, added one by one."""

    def __init__(self, lang: str) -> None:
        self.lang = lang
        self.rows: list[tuple[str, str, float, float, str, str]] = []

    def add(self, code: str, value: float, denominator: float, text: str, detail: str) -> None:
        label = i18n.t(_KEYS.get(code, f"dash.kn.{code}"), self.lang)
        self.rows.append((code, label, float(value), float(denominator), text, detail))

    def frame(self) -> pd.DataFrame:
        cols = ["code", "label", "value", "denominator", "text", "detail"]
        return pd.DataFrame(self.rows, columns=cols).set_index("code")


def _share_detail(part: int, n: int, lang: str) -> str:
    share = fmt.percent(part / n if n else 0.0, lang, 1)
    return i18n.t("dash.kn.of_incidents", lang, n=fmt.integer(n, lang), share=share)


def _counts(rows: _Rows, diag: Diagnostic, lang: str) -> None:
    """Incidents, the annual rate and the located incidents."""
    start, end = study_period(diag)
    # the incidents of the period stated beside them (a partial last month the period
    # leaves out is left out of the count and the rate too)
    when = pd.to_datetime(diag.incidents["occurred_from"])
    inc = diag.incidents[((when >= start) & (when < end + pd.Timedelta(days=1))).to_numpy()]
    n = len(inc)
    # the period's length itself (3 months are not "1 year", 18 months not 2)
    days = (end - start).days + 1
    years = days / 365.25
    m = inventory.municipal_rate(inc, diag.sectors, years)
    # NaN (never 0) without residents: no rate row; nor under a year of data, whose
    # "annual" rate would be a season's
    pop = m["population"] if years >= schema.MIN_YEARS_ANNUAL else _NAN
    span = fmt.span(days / 30.4375, lang)
    period = {"start": fmt.date(start, lang), "end": fmt.date(end, lang), "span": span}
    rows.add(
        "incidents",
        n,
        _NAN,
        fmt.integer(n, lang),
        i18n.t("dash.kn.incidents_detail", lang, **period),
    )
    if pop > 0:
        per_year = m["incidents"] / years  # the incidents of the sectors with residents
        rate = per_year / pop * 1000.0
        level = float(settings.default("interval_level"))
        lo, hi = (float(b) / years / pop * 1000.0 for b in stats.poisson_ci(m["incidents"], level))
        detail = i18n.t(
            "dash.kn.rate_detail",
            lang,
            n=fmt.integer(per_year, lang),
            population=fmt.integer(pop, lang),
            level=fmt.percent(level, lang),
            interval=fmt.interval(lo, hi, lang, 1),
        )
        rows.add("rate", rate, pop, fmt.decimal(rate, lang, 1), detail)
    located = int((inc.geometry.notna() & ~inc.geometry.is_empty).sum())
    rows.add("located", located, n, fmt.integer(located, lang), _share_detail(located, n, lang))


def _problems(rows: _Rows, diag: Diagnostic, problems: pd.DataFrame, lang: str) -> None:
    """Problems found (rising, falling) and the incidents they hold."""
    n = len(diag.incidents)
    active = (
        problems[~problems["excluded"].fillna(False).astype(bool)]
        if "excluded" in problems
        else problems
    )
    trend = active["trend_label"] if "trend_label" in active else pd.Series(dtype=str)
    detail = i18n.t(
        "dash.kn.problems_detail",
        lang,
        rising=int((trend == "significant_rise").sum()),
        falling=int((trend == "significant_fall").sum()),
    )
    rows.add("problems", len(active), _NAN, fmt.integer(len(active), lang), detail)
    inside = int(inventory.problem_incidents(active, diag.incidents).notna().sum())
    rows.add("in_problems", inside, n, fmt.integer(inside, lang), _share_detail(inside, n, lang))


def _context(rows: _Rows, diag: Diagnostic, lang: str) -> None:
    """Active measures, feeling unsafe at night (survey) and the rows kept (ledger)."""
    _, end = study_period(diag)
    if diag.measures is not None and len(diag.measures):
        st = measures.status(diag.measures, end)
        n_active = int((st == "active").sum())
        detail = i18n.t("dash.kn.measures_detail", lang, n=len(st), date=fmt.date(end, lang))
        rows.add("measures", n_active, len(st), fmt.integer(n_active, lang), detail)
    if diag.survey is not None and len(diag.survey):
        p = inventory.perception(diag.survey, diag.sectors).set_index("sector").loc["*"]
        detail = i18n.t(
            "dash.kn.unsafe_detail",
            lang,
            n=fmt.integer(p["respondents"], lang),
            low=fmt.percent(p["unsafe_night_low"], lang, 1),
            high=fmt.percent(p["unsafe_night_high"], lang, 1),
        )
        text = fmt.percent(p["unsafe_night"], lang, 1)
        rows.add("unsafe_night", p["unsafe_night"], p["respondents"], text, detail)
    files = diag.ledger.files
    files = files[files["table"] == "incidents"] if len(files) else files
    if len(files):
        kept, read = int(files["rows_kept"].sum()), int(files["rows_in"].sum())
        detail = i18n.t("dash.kn.rows_detail", lang, n=fmt.integer(read, lang))
        rows.add("rows", kept, read, fmt.integer(kept, lang), detail)


def key_numbers(
    diag: Diagnostic, problems: pd.DataFrame | None = None, lang: str = "fr"
) -> pd.DataFrame:
    """The dashboard's key numbers, each with its denominator.

    Parameters
    ----------
    diag : Diagnostic
        From :func:`diagnostic_lib.loaders.load_diagnostic`.
    problems : DataFrame, optional
        Problem register (:func:`diagnostic_lib.inventory.find_problems` or a
        register read back); rows about problems are left out without it.
    lang : {"fr", "en"}
        Language.

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
    i18n.check_lang(lang)
    rows = _Rows(lang)
    _counts(rows, diag, lang)
    if problems is not None:
        _problems(rows, diag, problems, lang)
    _context(rows, diag, lang)
    return rows.frame()


# --------------------------------------------------------------------------------------------
# Findings
# --------------------------------------------------------------------------------------------
def _chance(q: float, lang: str) -> str:
    """How likely a change is to be chance, in plain words, with its q-value."""
    q_text = "q" + fmt.pvalue(q, lang)[1:]
    key = "very_unlikely" if q < 0.001 else "unlikely" if q < 0.01 else "probably_not"
    return i18n.t(f"summary.chance.{key}", lang, q=q_text)


def _rise_finding(inv: inventory.Inventory, lang: str) -> tuple[str, float, str] | None:
    fam = inv.change_family
    rises = fam[fam["label"] == "significant_rise"].sort_values("ratio", ascending=False)
    if not len(rises):
        stable = int((fam["label"] == "stable").sum())
        if not len(fam):
            return None
        text = i18n.t("summary.finding.no_change", lang, n=fmt.integer(len(fam), lang))
        return text, float(stable), i18n.t("summary.finding.no_change_why", lang)
    r = rises.iloc[0]
    text = i18n.t(
        "summary.finding.rise",
        lang,
        family=i18n.label("family", r["family"], lang),
        last=fmt.integer(r["last"], lang),
        previous=fmt.integer(r["previous"], lang),
        change=fmt.signed_percent(r["ratio"] - 1.0, lang),
    )
    return text, float(r["ratio"]), _chance(float(r["q_value"]), lang)


def _top_problem_finding(inv: inventory.Inventory, lang: str) -> tuple[str, float, str] | None:
    pr = inv.priority
    pr = pr[pr["rank"].notna()].sort_values("rank")
    if not len(pr):
        return None
    top = pr.iloc[0]
    pb = inv.problems.set_index("problem_id").loc[top["problem_id"]]
    # under a year of data the problem has no yearly number (a season's is not a year's)
    yearly = pd.notna(pb["per_year"])
    text = i18n.t(
        "summary.finding.top_problem" if yearly else "summary.finding.top_problem_short",
        lang,
        title=top[f"title_{lang}"],
        n=fmt.integer(pb["n_incidents"], lang),
        **({"per_year": fmt.integer(pb["per_year"], lang)} if yearly else {}),
    )
    trend = str(pb["trend_label"])
    words = inventory.CHANGE_LABELS.get(trend, (trend, trend))[i18n.LANGS.index(lang)]
    p = pb["trend_p"]
    why = i18n.t(
        "summary.finding.top_problem_why",
        lang,
        trend=words,
        p=fmt.pvalue(p, lang) if pd.notna(p) else fmt.MISSING,
        n=fmt.integer(int(pr["rank"].max()), lang),
    )
    sure = top.get("p_first")
    if pd.notna(sure) and sure < inventory.CLEAR_FIRST and len(pr) > 1:
        second = pr.iloc[1]
        why += " " + i18n.t(
            "summary.finding.top_problem_unsure",
            lang,
            share=fmt.percent(sure, lang),
            other=fmt.percent(second.get("p_first"), lang),
        )
    return text, float(top["score"]), why


def _forecast_finding(step3: evaluation.Evaluation, lang: str) -> tuple[str, float, str] | None:
    pt = step3.projection.totals
    muni = pt[(pt["sector"] == "*") & pt["emerging"].astype(bool)] if len(pt) else pt
    if not len(muni):
        return None
    r = muni.sort_values("mean_12", ascending=False).iloc[0]
    level = float(step3.parameters.get("level", settings.default("forecast_level")))
    text = i18n.t(
        "summary.finding.forecast",
        lang,
        family=i18n.label("family", r["family"], lang),
        mean=fmt.integer(r["mean_12"], lang),
        low=fmt.integer(r["low_12"], lang),
        high=fmt.integer(r["high_12"], lang),
        level=fmt.percent(level, lang),
        last=fmt.integer(r["last_12"], lang),
    )
    bs = step3.backtest_summary
    row = bs[(bs["level"] == "municipality") & (bs["scope"] == r["family"])]
    trust = str(row["trust"].iloc[0]) if len(row) else "unknown"
    why = i18n.t(f"summary.trust.{trust}", lang)
    return text, float(r["mean_12"]), why


def _evaluation_finding(step3: evaluation.Evaluation, lang: str) -> tuple[str, float, str] | None:
    e = step3.effects
    if not len(e):
        return None
    judged = e["verdict"].isin(evaluation.JUDGED)
    success = e["verdict"].isin(evaluation.SUCCESS)
    text = i18n.t(
        "summary.finding.evaluation",
        lang,
        judged=fmt.integer(int(judged.sum()), lang),
        n=fmt.integer(len(e), lang),
        effective=fmt.integer(int(success.sum()), lang),
    )
    why = i18n.t(
        "summary.finding.evaluation_why", lang, other=fmt.integer(int((~judged).sum()), lang)
    )
    return text, float(judged.sum()), why


def _concentration_finding(inv: inventory.Inventory, lang: str) -> tuple[str, float, str] | None:
    table = inventory.concentration_table(inv.place_counts, lang=lang)
    if not len(table):
        return None
    r = table.iloc[0]
    text = i18n.t(
        "summary.finding.concentration",
        lang,
        places=fmt.percent(r["share_places"], lang),
        incidents=fmt.percent(r["share_incidents"], lang),
        cell=fmt.integer(inv.parameters.get("cell_size_m", 0), lang),
    )
    chance = fmt.percent(r["share_incidents_chance"], lang)
    why = i18n.t("summary.finding.concentration_why", lang, chance=chance)
    return text, float(r["share_incidents"]), why


def key_findings(
    inv: inventory.Inventory,
    step3: evaluation.Evaluation | None = None,
    lang: str = "fr",
    limit: int = 5,
) -> pd.DataFrame:
    """The findings that matter, each with its number and its uncertainty in plain words.

    In this order, each when the results hold it: the largest significant rise
    of a family over 12 months (or that none changed), the top-ranked problem,
    the largest emerging risk with its 12-month projection and whether its
    back-test says it can be trusted, how many measures could be evaluated,
    and how concentrated incidents are.

    Parameters
    ----------
    inv : Inventory
        From :func:`diagnostic_lib.inventory.run`.
    step3 : Evaluation, optional
        From :func:`diagnostic_lib.evaluation.run` (its findings are left out without it).
    lang : {"fr", "en"}
        Language.
    limit : int
        Most findings returned.

    Returns
    -------
    DataFrame
        Indexed by a stable code (``rise`` or ``no_change``, ``top_problem``,
        ``forecast``, ``evaluation``, ``concentration``) with ``text`` (the
        finding and its number), ``value`` (that number) and ``uncertainty``
        (how sure it is, in plain words).

    Examples
    --------
    >>> from diagnostic_lib import inventory, loaders, sample
    >>> d = loaders.load_diagnostic(sample.sample_dir() / "diagnostic.toml")
    >>> f = key_findings(inventory.run(d, permutations=9), lang="en")
    >>> f.index.tolist()
    ['rise', 'top_problem', 'concentration']
    >>> f.loc["rise", "uncertainty"].startswith("A rise this large is very unlikely")
    True
    """
    i18n.check_lang(lang)
    rise = _rise_finding(inv, lang)
    found: dict[str, tuple[str, float, str] | None] = {}
    if rise is not None:
        code = "rise" if (inv.change_family["label"] == "significant_rise").any() else "no_change"
        found[code] = rise
    found["top_problem"] = _top_problem_finding(inv, lang)
    if step3 is not None:
        found["forecast"] = _forecast_finding(step3, lang)
        found["evaluation"] = _evaluation_finding(step3, lang)
    found["concentration"] = _concentration_finding(inv, lang)
    rows = [(k, *v) for k, v in found.items() if v is not None][:limit]
    out = pd.DataFrame(rows, columns=["code", "text", "value", "uncertainty"])
    return out.set_index("code")


# --------------------------------------------------------------------------------------------
# Trends of the top problems
# --------------------------------------------------------------------------------------------
@dataclass
class ProblemTrends:
    """The top-ranked problems' monthly counts and their projection.

    Attributes
    ----------
    problems : DataFrame
        One row per problem, by rank: ``problem_id, rank, title_fr, title_en,
        n_incidents, trend_label, trend_ratio, trend_p``.
    history : DataFrame
        ``problem_id, month, count`` (complete months of the study period).
    projection : evaluation.Projection
        :func:`diagnostic_lib.evaluation.project` by ``problem_id``: ``totals``
        (12-month mean and interval, trend) and ``monthly`` (mean, low, high).
    level : float
        The prediction interval's level.
    """

    problems: pd.DataFrame
    history: pd.DataFrame
    projection: evaluation.Projection
    level: float


def problem_trends(
    diag: Diagnostic,
    problems: pd.DataFrame,
    priority: pd.DataFrame,
    top: int = 4,
    n_sim: int | None = None,
    seed: int = 0,
) -> ProblemTrends:
    """Monthly counts of the ``top`` ranked problems and their projection with its interval.

    An incident counts for every problem it belongs to
    (:func:`diagnostic_lib.inventory.problem_incidents`, one problem at a time).
    The projection is :func:`diagnostic_lib.evaluation.project` on these
    counts, with the forecast settings of the config.

    Parameters
    ----------
    diag : Diagnostic
        From :func:`diagnostic_lib.loaders.load_diagnostic`.
    problems : DataFrame
        The problem register (:attr:`Inventory.problems`).
    priority : DataFrame
        The ranking (:attr:`Inventory.priority`).
    top : int
        How many problems, by rank.
    n_sim : int, optional
        Simulations of the prediction interval (default: the config's).
    seed : int
        Seed of the simulations.

    Returns
    -------
    ProblemTrends

    Examples
    --------
    >>> from diagnostic_lib import inventory, loaders, sample
    >>> d = loaders.load_diagnostic(sample.sample_dir() / "diagnostic.toml")
    >>> inv = inventory.run(d, permutations=9)
    >>> tr = problem_trends(d, inv.problems, inv.priority, top=2, n_sim=100)
    >>> tr.problems["rank"].tolist(), sorted(tr.projection.totals.columns[:2])
    ([1, 2], ['model', 'problem_id'])
    >>> bool((tr.projection.monthly["low"] <= tr.projection.monthly["high"]).all())
    True
    """
    cfg = diag.config
    ranked = priority[priority["rank"].notna()].sort_values("rank").head(top)
    reg = problems.set_index("problem_id")
    cols = ["n_incidents", "trend_label", "trend_ratio", "trend_p"]
    info = ranked[["problem_id", "rank", "title_fr", "title_en"]].join(reg[cols], on="problem_id")
    info["rank"] = info["rank"].astype("int64")
    inc = diag.incidents
    # what problem_incidents reads, not every column (a copy of each problem's share)
    read = inc[[c for c in ("category", "sector") if c in inc.columns] + [inc.geometry.name]]
    parts = []
    inc_cat = inc["category"].astype(str)
    for pid in info["problem_id"]:
        one = problems[problems["problem_id"] == pid]
        # only the incidents of the problem's categories can be its own: one pass over them
        cats = sorted({str(c) for cs in one["categories"] for c in list(cs)})
        sub = np.flatnonzero(inc_cat.isin(cats).to_numpy())
        mine = inventory.problem_incidents(one, read.iloc[sub], keep=False).notna().to_numpy()
        when = inc["occurred_from"].iloc[sub[mine]]
        parts.append(pd.DataFrame({"occurred_from": when, "problem_id": pid}))
    events = (
        pd.concat(parts, ignore_index=True)
        if parts
        else pd.DataFrame({"occurred_from": pd.Series(dtype="datetime64[us]"), "problem_id": []})
    )
    start, end = evaluation.data_period(diag)
    gaps = coverage.gap_months(inc)  # judged on all the incidents, not on one problem's
    history = evaluation.monthly_counts(events, ("problem_id",), start=start, end=end, gaps=gaps)
    level = float(cfg.param("forecast_level"))
    projection = evaluation.project(
        history=history,
        by=("problem_id",),
        end=end,
        horizon=int(cfg.param("forecast_horizon")),
        level=level,
        n_sim=int(n_sim if n_sim is not None else cfg.param("forecast_simulations")),
        seed=seed,
        min_events=int(cfg.param("forecast_min_events")),
        min_months=int(cfg.param("forecast_min_months")),
        seasonality_p=float(cfg.param("seasonality_p")),
        alpha=float(cfg.param("alpha")),
        emerging_min=float(cfg.param("emerging_min_events")),
    )
    return ProblemTrends(info.reset_index(drop=True), history, projection, level)


# --------------------------------------------------------------------------------------------
# Why so little can be evaluated
# --------------------------------------------------------------------------------------------
_REASONS = ("no_before_window", "municipality_wide", "no_footprint", "planned")


def _why_code(verdict: str, reason: Any) -> str | None:
    if verdict in evaluation.JUDGED:
        return None
    if verdict == "not_evaluable":
        return reason if reason in _REASONS else "other"
    return verdict


def evaluability(
    effects: pd.DataFrame | None, plan: pd.DataFrame | None, lang: str = "fr"
) -> pd.DataFrame:
    """Why most measures cannot be evaluated and most actions are underpowered, and what to do.

    Parameters
    ----------
    effects : DataFrame, optional
        :attr:`Evaluation.effects` (``verdict``, ``reason``).
    plan : DataFrame, optional
        :attr:`Strategy.plan` (``underpowered``, ``expected_reduction``, ``mde``).
    lang : {"fr", "en"}
        Language.

    Returns
    -------
    DataFrame
        Indexed by ``measures``, ``measures_todo``, ``plan`` and ``plan_todo``
        (those that apply), with ``text`` (plain words) and ``count`` (the
        measures not evaluated, the actions underpowered; missing for the advice).

    Examples
    --------
    >>> import pandas as pd
    >>> e = pd.DataFrame({"verdict": ["effective", "not_evaluable", "too_recent"],
    ...                   "reason": ["", "municipality_wide", ""]})
    >>> p = pd.DataFrame({"underpowered": [True, False], "expected_reduction": [0.1, 0.3],
    ...                   "mde": [0.14, 0.2]})
    >>> t = evaluability(e, p, "en")
    >>> t["count"].tolist()[:3:2]
    [2.0, 1.0]
    >>> print(t.loc["measures", "text"])  # doctest: +ELLIPSIS
    2 of the 3 measures cannot be evaluated yet: the whole municipality covered, ...
    """
    i18n.check_lang(lang)
    rows: list[tuple[str, str, float]] = []
    if effects is not None and len(effects):
        codes = [
            _why_code(v, r) for v, r in zip(effects["verdict"], effects["reason"], strict=True)
        ]
        counts = pd.Series([c for c in codes if c is not None], dtype=object).value_counts()
        if len(counts):
            parts = [
                i18n.t(f"summary.why.{c}", lang, n=fmt.integer(int(k), lang))
                for c, k in counts.items()
            ]
            text = i18n.t(
                "summary.why.measures",
                lang,
                k=fmt.integer(int(counts.sum()), lang),
                n=fmt.integer(len(effects), lang),
                reasons="; ".join(parts),
            )
            rows.append(("measures", text, float(counts.sum())))
            rows.append(("measures_todo", i18n.t("summary.why.measures_todo", lang), np.nan))
    if plan is not None and len(plan) and plan["underpowered"].astype(bool).any():
        under = plan[plan["underpowered"].astype(bool)]
        text = i18n.t(
            "summary.why.plan",
            lang,
            k=fmt.integer(len(under), lang),
            n=fmt.integer(len(plan), lang),
            target=fmt.percent(float(under["expected_reduction"].median()), lang),
            mde=fmt.percent(float(under["mde"].median()), lang),
        )
        rows.append(("plan", text, float(len(under))))
        rows.append(("plan_todo", i18n.t("summary.why.plan_todo", lang), np.nan))
    out = pd.DataFrame(rows, columns=["code", "text", "count"])
    return out.set_index("code")
