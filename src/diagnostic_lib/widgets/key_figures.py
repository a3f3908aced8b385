"""The dashboard's figures: the key numbers with their denominators, and one sector's profile.

The key numbers are computed by :func:`diagnostic_lib.summary.key_numbers` (the report's
first page shows the same table); this module re-exports it for the dashboard.

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
from ..summary import key_numbers as key_numbers  # re-exported: the dashboard wires it
from ..summary import study_period

if TYPE_CHECKING:
    from ..loaders import Diagnostic


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
    _, end = study_period(diag)
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
