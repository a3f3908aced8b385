"""The dashboard's figures: the key numbers with their denominators, and one sector's profile.

Only aggregated numbers: small counts are suppressed in a sector's profile
(:func:`diagnostic_lib.report.suppress_small_counts`).

Examples
--------
>>> from diagnostic_lib import i18n
>>> i18n.t("dash.kn.rows_detail", "en", n="1,000")
'out of 1,000 rows read (see the quality ledger)'
"""

from __future__ import annotations

from typing import TYPE_CHECKING, Any

import pandas as pd

from .. import formatting as fmt
from .. import i18n, inventory, measures
from ..report import suppress_small_counts

if TYPE_CHECKING:
    from ..loaders import Diagnostic

_NAN = float("nan")
_KEYS = {"unsafe_night": "dash.kn.unsafe"}  # label keys that are not "dash.kn.<code>"


def _study_period(diag: Diagnostic) -> tuple[pd.Timestamp, pd.Timestamp]:
    occ = diag.incidents["occurred_from"]
    start = diag.config.period_start if diag.config.period_start is not None else occ.min()
    end = diag.config.period_end if diag.config.period_end is not None else occ.max()
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
    inc = diag.incidents
    n = len(inc)
    start, end = _study_period(diag)
    years = max(round((end - start).days / 365.25), 1)
    m = inventory.municipal_rate(inc, diag.sectors, years)
    pop = m["population"]  # NaN (never 0) without residents: no rate row
    period = {"start": fmt.date(start, lang), "end": fmt.date(end, lang), "years": years}
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
        detail = i18n.t(
            "dash.kn.rate_detail",
            lang,
            n=fmt.integer(per_year, lang),
            population=fmt.integer(pop, lang),
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
    _, end = _study_period(diag)
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


def _show(v: Any, lang: str, digits: int = 1) -> Any:
    """A number in ``lang``; anything else (a suppression marker) as it is."""
    return fmt.decimal(v, lang, digits) if isinstance(v, int | float) and pd.notna(v) else v


def _sector_rates(
    diag: Diagnostic, sector_id: str, year: int, threshold: int, lang: str
) -> pd.DataFrame:
    """Rates by family, the chosen year, against the municipality."""
    r = inventory.rates(diag.incidents, diag.sectors, by="family", period="year")
    r = r[r["period"] == year]
    muni = r[r["sector"] == "*"].set_index("group")["rate"]
    mine = r[r["sector"] == sector_id].set_index("group").reindex(muni.index)
    ci = [
        f"{_show(lo, lang)} – {_show(hi, lang)}" if pd.notna(lo) else fmt.MISSING
        for lo, hi in zip(mine["rate_low"], mine["rate_high"], strict=True)
    ]
    rates = pd.DataFrame(
        {
            "family": [i18n.label("family", g, lang) for g in muni.index],
            "count": mine["count"].fillna(0).astype(int).to_numpy(),
            "rate": mine["rate"].to_numpy(),
            "ci": ci,
            "municipality": muni.to_numpy(),
        }
    )
    rates = rates.sort_values("count", ascending=False, kind="stable").reset_index(drop=True)
    rates = suppress_small_counts(rates, ["count"], threshold, ["rate", "ci"], fmt.MISSING)
    rates["count"] = [_show(v, lang, 0) for v in rates["count"]]
    rates["rate"] = [_show(v, lang) for v in rates["rate"]]
    rates["municipality"] = [_show(v, lang) for v in rates["municipality"]]
    rates.columns = [
        i18n.t("word.family", lang),
        i18n.t("word.count", lang),
        i18n.t("word.rate", lang),
        i18n.t("dash.col.rate_ci", lang),
        i18n.t("dash.col.municipality_rate", lang),
    ]
    return rates


def _sector_problems(
    problems: pd.DataFrame,
    ranking: pd.DataFrame | None,
    sector_id: str,
    threshold: int,
    lang: str,
) -> pd.DataFrame:
    """Problems touching the sector, by rank."""
    rk = ranking if ranking is not None else inventory.priority(problems)
    excluded = problems["excluded"].fillna(False).astype(bool) if "excluded" in problems else False
    here = problems[~excluded & problems["sectors"].map(lambda s: sector_id in tuple(s))]
    tcol = "title_fr" if lang == "fr" else "title_en"
    trend = [
        inventory.CHANGE_LABELS.get(x, (x, x))[0 if lang == "fr" else 1]
        for x in here["trend_label"]
    ]
    pb = (
        pd.DataFrame(
            {
                "rank": here["problem_id"].map(rk.set_index("problem_id")["rank"]).to_numpy(),
                "title": here[tcol].to_numpy(),
                "kind": [i18n.label("problemkind", k, lang) for k in here["kind"]],
                "n": here["n_incidents"].astype(int).to_numpy(),
                "trend": trend,
            }
        )
        .sort_values("rank", kind="stable")
        .reset_index(drop=True)
    )
    pb = suppress_small_counts(pb, ["n"], threshold)
    pb["n"] = [_show(v, lang, 0) for v in pb["n"]]
    pb["rank"] = [fmt.integer(v, lang) for v in pb["rank"]]
    pb.columns = [
        i18n.t("dash.col.rank", lang),
        i18n.t("dash.col.problem", lang),
        i18n.t("dash.col.kind", lang),
        i18n.t("word.incidents", lang),
        i18n.t("dash.col.trend", lang),
    ]
    return pb


def _sector_measures(
    diag: Diagnostic, sector_id: str, end: pd.Timestamp, lang: str
) -> pd.DataFrame:
    """Measures acting in the sector, with their status at ``end``."""
    m = diag.measures
    if m is not None and len(m):
        touched = measures.measure_sectors(m, diag.sectors)
        m = m[touched.map(lambda s: sector_id in s).to_numpy()]
        st = measures.status(m, end)
        meas = pd.DataFrame(
            {
                "name": m["name" if lang == "fr" else "name_en"].fillna(m["name"]).to_numpy(),
                "pillar": [i18n.label("pillar", p, lang) for p in m["pillar"]],
                "kind": [i18n.label("kind", k, lang) for k in m["kind"]],
                "status": [i18n.label("status", s, lang) for s in st],
                "start": [fmt.date(s, lang) for s in m["start"]],
            }
        )
    else:
        meas = pd.DataFrame(columns=["name", "pillar", "kind", "status", "start"])
    meas.columns = [
        i18n.t("dash.col.measure", lang),
        i18n.t("dash.col.pillar", lang),
        i18n.t("dash.col.kind", lang),
        i18n.t("dash.col.status", lang),
        i18n.t("dash.col.start", lang),
    ]
    return meas


def sector_profile(
    diag: Diagnostic,
    problems: pd.DataFrame,
    sector_id: str,
    lang: str = "fr",
    ranking: pd.DataFrame | None = None,
    small_count: int | None = None,
    year: int | None = None,
) -> dict[str, pd.DataFrame]:
    """One sector seen by a partner: its rates, its problems and its measures.

    Only aggregated numbers: counts below ``small_count`` read ``"< 5"`` and
    the rates computed from them are hidden
    (:func:`diagnostic_lib.report.suppress_small_counts`).

    Parameters
    ----------
    diag : Diagnostic
        From :func:`diagnostic_lib.loaders.load_diagnostic`.
    problems : DataFrame
        Problem register.
    sector_id : str
        The sector.
    lang : {"fr", "en"}
        Language.
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

    Raises
    ------
    KeyError
        An unknown sector.

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
    i18n.check_lang(lang)
    threshold = int(small_count if small_count is not None else diag.config.param("small_count"))
    _, end = _study_period(diag)
    year = int(year if year is not None else end.year)
    sec = diag.sectors.set_index(diag.sectors["sector_id"].astype(str))
    if sector_id not in sec.index:
        raise KeyError(f"unknown sector {sector_id!r}; known: {sorted(sec.index)}")
    row = sec.loc[sector_id]
    header = pd.DataFrame(
        {
            "sector": [sector_id],
            "name": [str(row["name"])],
            "population": [float(row["population"])],
            "year": [year],
        }
    )
    return {
        "header": header,
        "rates": _sector_rates(diag, sector_id, year, threshold, lang),
        "problems": _sector_problems(problems, ranking, sector_id, threshold, lang),
        "measures": _sector_measures(diag, sector_id, end, lang),
    }
