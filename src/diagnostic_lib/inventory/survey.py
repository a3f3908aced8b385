"""Citizens' perception: feeling of safety and concerns per sector, and the perception gap.

:func:`perception` summarises the survey per sector (weighted means with t
intervals, shares with Wilson intervals on the Kish effective sample size);
:func:`perception_gap` ranks sectors on recorded crime and on concern and
flags where the two ranks part. The perception table is kept in
:data:`PERCEPTION_CACHE`, keyed by the content of the survey it summarises.
"""

from __future__ import annotations

from typing import Any

import numpy as np
import pandas as pd

from .. import schema, settings, stats
from ..cube import Cube, rollup
from ._cache import ContentCache, digest
from ._groups import _sorted_groups, _split_by

LEVEL: float = settings.default("interval_level")
"""Default confidence level: the ``interval_level`` setting."""

UNSAFE_AT_MOST: float = settings.default("unsafe_at_most")
"""Default highest score that counts as feeling unsafe: the ``unsafe_at_most`` setting."""


def perception(
    survey: pd.DataFrame,
    sectors: pd.DataFrame | None = None,
    level: float = LEVEL,
    unsafe_at_most: float = UNSAFE_AT_MOST,
) -> pd.DataFrame:
    """Feeling of safety and concerns per sector, with confidence intervals.

    Per sector (and ``"*"`` for the municipality): number of respondents,
    weighted mean feeling of safety by day and by night (1 = very unsafe … 5 =
    very safe) with t intervals, the share feeling unsafe at night (score ≤
    ``unsafe_at_most``) and the share naming each concern, with Wilson
    intervals (on the Kish effective sample size when weights vary, divided by
    the design effect of a cluster sample when the survey has a ``cluster``
    column; see docs/methods.md, *Survey estimates*).

    Parameters
    ----------
    survey : DataFrame
        Canonical survey.
    sectors : DataFrame, optional
        Sectors, in the order of the table (default: the survey's sectors, sorted).
    level : float
        Confidence level (default: the ``interval_level`` setting).
    unsafe_at_most : float
        Highest night score counted as unsafe (default: ``unsafe_at_most``).

    Returns
    -------
    DataFrame
        ``sector, respondents, safety_day, safety_day_low, safety_day_high,
        safety_night, …, unsafe_night, unsafe_night_low, unsafe_night_high,
        concern_<code>, concern_<code>_low, concern_<code>_high`` for each concern,
        and ``clusters`` (the sampling clusters among the respondents; missing for
        a survey without clusters).

    Examples
    --------
    >>> import pandas as pd
    >>> s = pd.DataFrame({"sector": ["A"] * 4, "safety_day": [5, 4, 4, 5],
    ...     "safety_night": [2, 1, 3, 4], "weight": 1.0,
    ...     "concerns": [("burglary",), ("burglary", "traffic"), (), ("traffic",)]})
    >>> p = perception(s)
    >>> r = p.set_index("sector").loc["A"]
    >>> int(r["respondents"]), float(r["safety_night"]), float(r["concern_burglary"])
    (4, 2.5, 0.5)
    """
    key = (_survey_key(survey, sectors), float(level), float(unsafe_at_most))
    return PERCEPTION_CACHE.get(
        key, lambda: _perception(survey, sectors, level, unsafe_at_most)
    ).copy()


PERCEPTION_CACHE = ContentCache(maxsize=4)
"""Perception tables: step 1 reads the same one for the perception, the gap and the problems.

Keyed by :func:`_survey_key` (the content of the survey columns read and the
sector ids), the confidence level and the unsafe threshold; a copy is handed out.
"""


_SURVEY_COLUMNS = ("sector", "safety_day", "safety_night", "weight", "cluster")


def _survey_key(survey: pd.DataFrame, sectors: pd.DataFrame | None) -> tuple[Any, ...]:
    """A digest of everything :func:`perception` reads: a changed survey gets another key."""
    cols = [c for c in _SURVEY_COLUMNS if c in survey.columns]
    rows = pd.util.hash_pandas_object(survey[cols], index=False).to_numpy()
    concerns = "\x1e".join("\x1f".join(map(str, t)) for t in survey["concerns"])
    ids = tuple(map(repr, sectors["sector_id"])) if sectors is not None else None
    return (len(survey), tuple(cols), digest(rows, concerns.encode()), ids)


def _perception(survey, sectors, level, unsafe_at_most) -> pd.DataFrame:
    s = survey.copy()
    if "weight" not in s.columns:
        s["weight"] = 1.0
    # respondents of each sector (one pass over the survey, not one per sector)
    codes, uniq = pd.factorize(s["sector"])
    keys, pos = _sorted_groups(codes)
    rows_of = {uniq[k]: v for k, v in _split_by(keys, pos)}
    empty = np.array([], dtype="int64")
    groups = [
        (sid, rows_of.get(sid, empty))
        for sid in (
            sectors["sector_id"] if sectors is not None else sorted(s["sector"].dropna().unique())
        )
    ]
    groups.append(("*", np.arange(len(s))))
    conc_codes = list(schema.CONCERNS)
    weight_all = s["weight"].to_numpy(dtype="float64")
    score = {c: s[c].to_numpy(dtype="float64") for c in ("safety_day", "safety_night")}
    cl_all = s["concerns"].tolist()
    # concern × respondent
    has_all = np.array([[c in t for t in cl_all] for c in conc_codes], dtype=bool).reshape(
        len(conc_codes), len(cl_all)
    )
    clusters = (
        s["cluster"].to_numpy(dtype=object)
        if "cluster" in s.columns and s["cluster"].notna().any()
        else None
    )
    rows = []
    for sid, pos in groups:
        w = weight_all[pos]
        rec: dict[str, Any] = {"sector": sid, "respondents": int(len(pos))}
        night = score["safety_night"][pos]
        okn = np.isfinite(night)
        deff = _design_effects(
            None if clusters is None else clusters[pos],
            w,
            score["safety_day"][pos],
            night,
            np.where(okn, night <= unsafe_at_most, np.nan),
            has_all[:, pos],
        )
        for k, col in enumerate(("safety_day", "safety_night")):
            m, lo, hi, _ = stats.weighted_mean_ci(score[col][pos], w, level, deff[k])
            rec[col], rec[f"{col}_low"], rec[f"{col}_high"] = m, lo, hi
        n_eff = (w.sum() ** 2 / (w**2).sum()) if len(w) and (w**2).sum() > 0 else 0.0
        share = (
            float(np.sum(w[okn] * (night[okn] <= unsafe_at_most)) / np.sum(w[okn]))
            if okn.any()
            else np.nan
        )
        # the share is of those who answered: so is its sample size (a respondent who left the
        # night question blank counted, and the interval covered 89 % at 30 % blanks)
        wn = w[okn]
        n_night = wn.sum() ** 2 / (wn**2).sum() if okn.any() and (wn**2).sum() > 0 else 0.0
        n_night /= deff[2]  # a cluster sample holds less information than its respondents
        lo, hi = stats.wilson_ci(share * n_night, n_night, level) if okn.any() else (np.nan, np.nan)
        rec["unsafe_night"], rec["unsafe_night_low"], rec["unsafe_night_high"] = (
            share,
            float(lo),
            float(hi),
        )
        # the same sums (one per concern, as np.sum adds them), the intervals at once
        if len(w):
            total, part = np.sum(w), has_all[:, pos]
            sh = np.array([np.sum(w * part[k]) / total for k in range(len(conc_codes))])
            n_c = n_eff / deff[3:]
            lo, hi = stats.wilson_ci(sh * n_c, n_c, level)
        else:
            sh = lo = hi = np.full(len(conc_codes), np.nan)
        rec["clusters"] = _cluster_count(None if clusters is None else clusters[pos])
        for k, c in enumerate(conc_codes):
            rec[f"concern_{c}"], rec[f"concern_{c}_low"], rec[f"concern_{c}_high"] = (
                float(sh[k]),
                float(lo[k]),
                float(hi[k]),
            )
        rows.append(rec)
    return pd.DataFrame(rows)


def _design_effects(clusters, w, day, night, unsafe, concerns) -> np.ndarray:
    """Design effects of the day and night means, the unsafe share and each concern share.

    All 1 without clusters (a simple random sample: the weights' Kish size alone).
    """
    k = 3 + len(concerns)
    if clusters is None or len(w) < 2:
        return np.ones(k)
    values = np.vstack([day, night, unsafe, concerns.astype("float64")])
    return stats.design_effect(values, w, clusters)


def _cluster_count(clusters) -> int | None:
    """Sampling clusters among the respondents (a respondent without one counts alone)."""
    if clusters is None:
        return None
    named = pd.Series(clusters, dtype=object)
    has = named.notna() & (named != "")
    return int(named[has].nunique() + (~has).sum())


def perception_gap(
    survey: pd.DataFrame,
    incidents: pd.DataFrame,
    sectors: pd.DataFrame,
    concern: str = "unsafe_night",
    min_gap: int | None = None,
    weights: pd.DataFrame | None = None,
    level: float = LEVEL,
    unsafe_at_most: float = UNSAFE_AT_MOST,
) -> pd.DataFrame:
    """The perception gap: concern rank against recorded-crime rank, per sector.

    Sectors are ranked (1 = highest) on recorded crime per 1,000 residents
    (severity-weighted when ``weights`` is given) and on citizens' concern
    (``concern``: by default the share feeling unsafe at night; any column of
    :func:`perception` works). ``gap = crime_rank − concern_rank``: positive when
    people worry more than recorded crime would suggest, negative when they
    worry less. A sector is flagged when ``|gap| ≥ min_gap`` (default: a third
    of the number of sectors, at least 2) — a finding to discuss, not a verdict.

    Parameters
    ----------
    survey, incidents, sectors : DataFrame
        Canonical tables (``sectors`` with ``population``); ``incidents`` may be
        their count cube (:func:`diagnostic_lib.cube.build`): the same table
        (with ``weights``, each category's weight times its count).
    concern : str
        Column of :func:`perception` to rank on.
    min_gap : int, optional
        Smallest gap flagged.
    weights : DataFrame, optional
        Severity weights, for a severity-weighted crime rate.
    level, unsafe_at_most : float
        As for :func:`perception`.

    Returns
    -------
    DataFrame
        ``sector, name, crime_rate, crime_rank, concern, concern_low,
        concern_high, concern_rank, gap, flag`` (``more_fear`` / ``less_fear`` /
        ``""``), sorted by decreasing gap; ``attrs["gap_sector"]`` is the sector
        with the largest positive gap.

    Examples
    --------
    >>> import geopandas as gpd, pandas as pd, shapely
    >>> sec = gpd.GeoDataFrame(
    ...     {"sector_id": list("ABC"), "name": list("ABC"), "population": [1000.0] * 3},
    ...     geometry=[shapely.box(i, 0, i + 1, 1) for i in range(3)])
    >>> inc = pd.DataFrame({"sector": ["A"] * 30 + ["B"] * 20 + ["C"] * 2, "category": "theft"})
    >>> sv = pd.DataFrame({"sector": list("AABBCC"), "safety_night": [4, 4, 3, 3, 1, 2],
    ...                    "safety_day": 4,
    ...                    "concerns": [()] * 6, "weight": 1.0})
    >>> g = perception_gap(sv, inc, sec, min_gap=2)
    >>> r = g.iloc[0]
    >>> ranks = int(r["crime_rank"]), int(r["concern_rank"]), int(r["gap"])
    >>> g.attrs["gap_sector"], ranks, r["flag"]
    ('C', (3, 1, 2), 'more_fear')
    """
    sec = pd.DataFrame(sectors[["sector_id", "name", "population"]]).rename(
        columns={"sector_id": "sector"}
    )
    crime = _crime_by_sector(incidents, weights)
    sec["crime_rate"] = sec["sector"].map(crime).fillna(0.0) / sec["population"] * 1000
    p = perception(survey, sectors, level, unsafe_at_most).set_index("sector")
    sec["concern"] = sec["sector"].map(p[concern])
    sec["concern_low"] = sec["sector"].map(p.get(f"{concern}_low", pd.Series(dtype="float64")))
    sec["concern_high"] = sec["sector"].map(p.get(f"{concern}_high", pd.Series(dtype="float64")))
    sec["respondents"] = sec["sector"].map(p["respondents"]).fillna(0).astype("int64")
    ok = sec["crime_rate"].notna() & sec["concern"].notna()
    sec["crime_rank"] = (
        sec.loc[ok, "crime_rate"].rank(ascending=False, method="min").astype("Int64")
    )
    sec["concern_rank"] = sec.loc[ok, "concern"].rank(ascending=False, method="min").astype("Int64")
    sec["gap"] = (sec["crime_rank"] - sec["concern_rank"]).astype("Int64")
    k = min_gap if min_gap is not None else max(2, int(np.ceil(ok.sum() / 3)))
    flag = np.where(
        sec["gap"].fillna(0) >= k,
        "more_fear",
        np.where(sec["gap"].fillna(0) <= -k, "less_fear", ""),
    )
    sec["flag"] = flag
    out = sec.sort_values("gap", ascending=False, na_position="last", kind="stable").reset_index(
        drop=True
    )
    pos = out[out["flag"] == "more_fear"]
    out.attrs["gap_sector"] = pos.iloc[0]["sector"] if len(pos) else None
    out.attrs["concern"] = concern
    out.attrs["min_gap"] = k
    return out


def _crime_by_sector(incidents: pd.DataFrame | Cube, weights: pd.DataFrame | None) -> pd.Series:
    """Recorded crime per sector: incidents, or their severity weights, summed (points or cube)."""
    if isinstance(incidents, Cube):
        per = rollup(incidents, ["sector", "category"])
        w = (
            per["category"].map(weights["weight"]).astype("float64").fillna(0.0)
            if weights is not None
            else pd.Series(1.0, index=per.index)
        )
        return (w * per["count"].to_numpy()).groupby(per["sector"].to_numpy()).sum()
    if weights is not None:
        w = incidents["category"].map(weights["weight"]).astype("float64").fillna(0.0)
    else:
        w = pd.Series(1.0, index=incidents.index)
    return w.groupby(incidents["sector"].to_numpy()).sum()
