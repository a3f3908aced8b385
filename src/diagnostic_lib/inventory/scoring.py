"""Scoring: the transparent priority score of problems, every component beside the total.

The default weights come first, read from the settings table
(``priority_weights`` in :mod:`diagnostic_lib.settings`; set them in
``[parameters.priority_weights]`` of ``diagnostic.toml``):

======================  =======  ==================================================
component               weight   what it measures
======================  =======  ==================================================
``rate``                0.25     events a year per 1,000 residents
``severity``            0.25     mean severity weight of the events
``trend``               0.15     significant rise, stable or significant fall
``hotspot``             0.15     largest Gi* z-score of the problem's cells
``concern``             0.15     share of respondents naming a related concern
``vulnerability``       0.05     as given by the analyst
======================  =======  ==================================================

See docs/methods.md, *Priority score*.
"""

from __future__ import annotations

import warnings
from collections.abc import Callable, Mapping
from typing import Any

import numpy as np
import pandas as pd

from .. import formatting as fmt
from .. import i18n, settings

PRIORITY_WEIGHTS: dict[str, float] = settings.default("priority_weights")
"""Default weights of the priority score (they need not sum to 1; the score divides by
the sum of the weights of the components available for each problem)."""

DEFAULT_PRIORITY_WEIGHTS = PRIORITY_WEIGHTS
"""The old name of :data:`PRIORITY_WEIGHTS`."""

PRIORITY_COMPONENTS = tuple(PRIORITY_WEIGHTS)
"""The built-in components, in the order of the table."""

MIN_PROBLEM_EVENTS: int = settings.default("min_problem_events")
"""Events in the last 12 months below which a problem is listed but not ranked."""

PRIORITY_STATUSES = ("ranked", "too_few_events", "uncategorised")

CATCH_ALL = "other"
"""The category of labels the taxonomy does not know: a problem of it alone is not ranked."""
"""The ``status`` codes of the priority table (labels ``inventory.priority.status.<code>``)."""


def priority(
    problems: pd.DataFrame,
    weights: Mapping[str, float] | None = None,
    extra: Mapping[str, pd.Series] | None = None,
    min_events: int | None = None,
) -> pd.DataFrame:
    """Transparent priority score of problems, every component beside the total.

    Components, each normalised to [0, 1] across the problems ranked:

    ======================  ====================================================
    ``rate``                events per year per 1,000 residents of the
                            municipality (the problem's share of the municipal
                            crime rate), divided by the largest
    ``severity``            mean severity weight of its events ÷ the largest
    ``trend``               1 significant rise, 0.5 stable, 0 significant fall;
                            missing when too few events
    ``hotspot``             largest Gi* z of its cells ÷ the largest (negative →
                            0); missing for municipality-wide problems
    ``concern``             share of respondents naming a related concern ÷ the
                            largest; missing without a survey
    ``vulnerability``       as given by the analyst (0–1); missing by default
    ======================  ====================================================

    A component no problem has (no population: no rate; no survey: no
    concern) is unavailable for the whole diagnosis: its weight becomes 0 and
    the others are divided by their sum, so the weights used (``<c>_weight``)
    sum to 1; the components used are in ``attrs["components"]`` and the
    unavailable ones in ``attrs["unavailable"]``. ``score = Σ w_c · x_c / Σ w_c``
    over the components **available** for the problem (those it lacks are
    listed in ``missing`` and their weight is left out, so a problem is neither
    punished nor rewarded for missing data). Ties get the same rank (``rank``
    uses the minimum) and are flagged in ``tied``; the order then breaks ties
    by severity, then by id.

    A problem with fewer than ``min_events`` events in the last 12 months
    (``last_12``) is listed, scored, but not ranked: ``rank`` is empty,
    ``status`` is ``too_few_events`` (``status_fr``/``status_en`` say "too few
    events to rank"), it comes after the ranked problems and the components
    are normalised over the ranked problems only (its values are capped at 1).

    Parameters
    ----------
    problems : DataFrame
        Problem register (e.g. from :func:`find_problems`); excluded problems
        are left out.
    weights : dict, optional
        Component → weight (default :data:`PRIORITY_WEIGHTS`, from the settings); a
        weight of 0 removes a component. Extra components may be given.
    extra : dict, optional
        Component name → Series (aligned with ``problems``) of raw values for
        user-defined components; they are normalised by their largest value.
    min_events : int, optional
        Fewest events in the last 12 months to be ranked (default the
        ``min_problem_events`` tunable, :data:`MIN_PROBLEM_EVENTS`); applied when
        ``problems`` has ``last_12``.

    Returns
    -------
    DataFrame
        ``problem_id, title_fr, title_en, rank, score, tied, missing, status,
        status_fr, status_en`` and for each component its raw value
        (``<c>_raw``), normalised value (``<c>``), weight used (``<c>_weight``,
        0 when unavailable for the whole diagnosis) and contribution
        (``<c>_points``).

    Examples
    --------
    >>> import pandas as pd
    >>> pb = pd.DataFrame({"problem_id": ["A", "B"], "title_fr": ["a", "b"], "title_en": ["a", "b"],
    ...     "rate": [10.0, 5.0], "severity": [100.0, 50.0],
    ...     "trend_label": ["stable", "significant_rise"], "hotspot_z": [8.0, float("nan")],
    ...     "concern": [0.2, 0.4], "vulnerability": [float("nan")] * 2,
    ...     "excluded": [False, False]})
    >>> p = priority(pb)
    >>> p[["problem_id", "rank", "missing"]].values.tolist()
    [['A', 1, ''], ['B', 2, 'hotspot']]
    >>> p.attrs["unavailable"], round(float(p["rate_weight"].iloc[0]), 4)
    (('vulnerability',), 0.2632)
    """
    w = dict(PRIORITY_WEIGHTS if weights is None else weights)
    pb = problems
    if "excluded" in pb.columns:
        pb = pb[~pb["excluded"].fillna(False).astype(bool).to_numpy()]
    raw = _raw_components(pb, w, extra)
    out = pd.DataFrame({"problem_id": pb["problem_id"].to_numpy()}, index=pb.index)
    for col in ("title_fr", "title_en", "kind"):
        if col in pb.columns:
            out[col] = pb[col].to_numpy()
    least = MIN_PROBLEM_EVENTS if min_events is None else int(min_events)
    if "last_12" in pb.columns:
        eligible = pb["last_12"].astype("float64").fillna(0.0) >= least
    else:
        eligible = pd.Series(True, index=pb.index)
    # the catch-all of labels the taxonomy does not know is not a problem one can act on:
    # listed, not ranked, until its labels are given codes
    catch_all = (
        pb["categories"].map(lambda c: set(_as_tuple(c)) <= {CATCH_ALL})
        if "categories" in pb.columns
        else pd.Series(False, index=pb.index)
    ).astype(bool)
    used = _renormalised(raw, w)
    _add_score(out, raw, used, eligible & ~catch_all)
    out = _ranked(out, pb, eligible & ~catch_all, catch_all)
    out.attrs["components"] = tuple(c for c, v in used.items() if v > 0)
    out.attrs["unavailable"] = tuple(c for c in w if w[c] > 0 and used[c] == 0)
    out.attrs["min_events"] = least
    return out


RANK_DRAWS: int = 400
"""Redraws of the ranking's noisy components behind :func:`rank_certainty`."""

CLEAR_FIRST: float = 0.8
"""Share of the redraws in which the first problem must stay first to be clearly first."""


def rank_certainty(
    problems: pd.DataFrame,
    weights: Mapping[str, float] | None = None,
    min_events: int | None = None,
    draws: int = RANK_DRAWS,
    seed: int = 0,
) -> pd.DataFrame:
    """How sure the ranking is: each ranked problem's chance of first place and rank interval.

    The score's components rest on counts: the rate on the problem's events, the hot
    spot on a Gi* z-score. Two problems a few percent apart swap places from one year
    of the same crime to the next (held-out: two problems 10 % apart in true score
    swapped in 5–17 % of redraws, equal ones in half). The components are drawn again
    ``draws`` times from what they rest on (the rate scaled by a Poisson redraw of the
    problem's events, ``n_incidents`` else ``last_12``; the hot spot's z plus a
    standard normal draw; severity, trend, concern and vulnerability as they are), the
    problems scored by :func:`priority`'s rule each time, and each problem's share of
    first places and 90 % interval of rank counted. The first problem is **clearly
    first** when it stays first in at least :data:`CLEAR_FIRST` of the draws.

    Parameters
    ----------
    problems, weights, min_events
        As for :func:`priority`.
    draws : int
        Redraws.
    seed : int
        Seed of the redraws (the same register gives the same table).

    Returns
    -------
    DataFrame
        One row per ranked problem: ``problem_id, p_first, rank_low, rank_high``.

    Examples
    --------
    >>> import pandas as pd
    >>> pb = pd.DataFrame({"problem_id": ["A", "B", "C"], "rate": [10.0, 9.8, 2.0],
    ...     "severity": [1.0, 1.0, 1.0], "trend_label": "stable", "hotspot_z": float("nan"),
    ...     "concern": float("nan"), "n_incidents": [300, 294, 60], "excluded": False})
    >>> r = rank_certainty(pb).set_index("problem_id")
    >>> bool(r.loc["A", "p_first"] < CLEAR_FIRST), int(r.loc["C", "rank_low"])
    (True, 3)
    """
    base = priority(problems, weights, min_events=min_events)
    ranked = base["rank"].notna().to_numpy()
    out = pd.DataFrame(
        {"problem_id": base.loc[ranked, "problem_id"].to_numpy()},
        columns=["problem_id", "p_first", "rank_low", "rank_high"],
    )
    if not ranked.any():
        return out
    w = {c: float(base[f"{c}_weight"].iloc[0]) for c in base.attrs["components"]}
    pb = problems.set_index("problem_id").loc[base["problem_id"]]
    raw = _raw_components(pb.reset_index(), w, None)
    rng = np.random.default_rng(seed)
    k = len(pb)
    drawn: dict[str, np.ndarray] = {}
    for c in w:
        x = np.broadcast_to(raw[c].to_numpy(dtype="float64"), (draws, k))
        if c == "rate":
            col = "n_incidents" if "n_incidents" in pb.columns else "last_12"
            n = pb[col].to_numpy(dtype="float64") if col in pb.columns else np.full(k, np.nan)
            scale = np.where(n > 0, rng.poisson(np.where(n > 0, n, 0.0), (draws, k)) / n, 1.0)
            x = x * np.where(np.isfinite(n), scale, 1.0)
        elif c == "hotspot" and "hotspot_z" in pb.columns:
            z = pb["hotspot_z"].to_numpy(dtype="float64")
            x = np.clip(z + rng.standard_normal((draws, k)), 0, None)
        drawn[c] = _normalised(c, x, ranked)
    score = np.where(ranked, np.nan_to_num(_scores(drawn, w), nan=-np.inf), -np.inf)
    order = np.argsort(-score, axis=1, kind="stable")
    place = np.empty_like(order)
    np.put_along_axis(place, order, np.arange(1, k + 1)[None, :].repeat(draws, 0), axis=1)
    place = place[:, ranked]
    out["p_first"] = (place == 1).mean(axis=0)
    out["rank_low"] = np.quantile(place, 0.05, axis=0, method="lower").astype("int64")
    out["rank_high"] = np.quantile(place, 0.95, axis=0, method="higher").astype("int64")
    return out


def ranked_with_certainty(
    problems: pd.DataFrame,
    weights: Mapping[str, float] | None = None,
    min_events: int | None = None,
    seed: int = 0,
) -> pd.DataFrame:
    """The ranking as step 1 and the report show it: :func:`priority` and its certainty.

    :func:`rank_certainty`'s columns (``p_first``, ``rank_low``, ``rank_high``) beside
    each ranked problem.

    Examples
    --------
    >>> import pandas as pd
    >>> pb = pd.DataFrame({"problem_id": ["A", "B"], "rate": [10.0, 2.0], "severity": 1.0,
    ...     "trend_label": "stable", "hotspot_z": float("nan"), "concern": float("nan"),
    ...     "n_incidents": [300, 60], "excluded": False})
    >>> ranked_with_certainty(pb)[["problem_id", "rank", "p_first"]].values.tolist()
    [['A', 1, 1.0], ['B', 2, 0.0]]
    """
    ranking = priority(problems, weights, min_events=min_events)
    sure = rank_certainty(problems, weights, min_events=min_events, seed=seed)
    out = ranking.merge(sure, on="problem_id", how="left")
    out.attrs = dict(ranking.attrs)
    return out


def _component_name(component: str, lang: str) -> str:
    """A built-in component's name in ``lang``; a user-defined one keeps its own."""
    key = f"inventory.priority.component.{component}"
    return i18n.t(key, lang) if key in i18n.LABELS else component


def _renormalised(raw: Mapping[str, pd.Series], w: Mapping[str, float]) -> dict[str, float]:
    """The weights used: 0 for a component no problem has, the others divided by their sum."""
    avail = {c: float(wt) if raw[c].notna().any() else 0.0 for c, wt in w.items()}
    total = sum(v for v in avail.values() if v > 0)
    return {c: (v / total if total > 0 else 0.0) for c, v in avail.items()}


def components_text(ranking: pd.DataFrame, lang: str) -> str:
    """One sentence: the components and weights the priority score used, and those left out.

    Parameters
    ----------
    ranking : DataFrame
        From :func:`priority`.
    lang : {"fr", "en"}

    Returns
    -------
    str

    Examples
    --------
    >>> import pandas as pd
    >>> pb = pd.DataFrame({"problem_id": ["A"], "rate": [float("nan")], "severity": [2.0],
    ...     "trend_label": ["stable"], "hotspot_z": [1.0], "concern": [float("nan")]})
    >>> components_text(priority(pb), "en")  # doctest: +NORMALIZE_WHITESPACE
    'Score components (weights used): severity 0.45, trend 0.27, hotspot 0.27. Left out for
    the whole diagnosis, their weight spread over the others: rate, concern, vulnerability.'
    """
    used = ranking.attrs.get("components", ())
    parts = [
        f"{_component_name(c, lang)} {fmt.decimal(float(ranking[f'{c}_weight'].iloc[0]), lang)}"
        for c in used
        if len(ranking)
    ]
    if not parts:  # nothing ranked: no weights to state, none spread over others
        return i18n.t("inventory.priority.nothing_ranked", lang)
    text = i18n.t("inventory.priority.components", lang, components=", ".join(parts))
    left = ranking.attrs.get("unavailable", ())
    if left:
        names = [_component_name(c, lang) for c in left]
        text += " " + i18n.t("inventory.priority.unavailable", lang, components=", ".join(names))
    return text


_TREND_SCORE = {"significant_rise": 1.0, "stable": 0.5, "significant_fall": 0.0}
"""The trend component: a rise counts fully, a stable problem half, a fall not at all."""


def _raw_components(
    pb: pd.DataFrame, w: Mapping[str, float], extra: Mapping[str, pd.Series] | None
) -> dict[str, pd.Series]:
    """The raw value of each weighted component (built-in, or given in ``extra``)."""
    idx = pb.index
    builtins: dict[str, Callable[[], pd.Series]] = {
        "rate": lambda: pb["rate"].astype("float64"),
        "severity": lambda: pb["severity"].astype("float64"),
        "trend": lambda: pb["trend_label"].map(_TREND_SCORE).astype("float64"),
        "hotspot": lambda: pb["hotspot_z"].astype("float64").clip(lower=0),
        "concern": lambda: pb["concern"].astype("float64"),
        "vulnerability": lambda: (
            pb["vulnerability"].astype("float64")
            if "vulnerability" in pb.columns
            else pd.Series(np.nan, index=idx)
        ),
    }
    raw: dict[str, pd.Series] = {}
    for c in w:
        if extra is not None and c in extra:
            raw[c] = pd.Series(extra[c]).reindex(idx).astype("float64")
        elif c in builtins:
            raw[c] = builtins[c]()
        else:
            raise ValueError(f"unknown priority component {c!r}; give its values in `extra`")
    return raw


def _normalised(component: str, raw: np.ndarray, eligible: np.ndarray) -> np.ndarray:
    """A component's values in [0, 1]: over the last axis, ÷ the largest of the ranked problems.

    ``raw`` is (problems,) or (draws, problems); the trend and the vulnerability are
    already on [0, 1]. No ranked problem has the component: the largest of them all.
    """
    r = np.asarray(raw, dtype="float64")
    if component in ("trend", "vulnerability"):
        return np.clip(r, 0, 1)
    if r.shape[-1] == 0:  # no problem
        return r
    with np.errstate(invalid="ignore"), warnings.catch_warnings():
        warnings.filterwarnings("ignore", message="All-NaN slice encountered")  # no one has it
        mx = np.nanmax(np.where(eligible, r, np.nan), axis=-1, keepdims=True)
        mx = np.where(np.isnan(mx), np.nanmax(r, axis=-1, keepdims=True), mx)
        return np.where(mx > 0, np.minimum(r / np.where(mx > 0, mx, 1.0), 1.0), r * 0.0)


def _scores(norm: Mapping[str, np.ndarray], w: Mapping[str, float]) -> np.ndarray:
    """``Σ w_c x_c / Σ w_c`` over the components each problem has (normalised values)."""
    num = den = np.float64(0.0)  # no component: a missing score, not a division error
    for c, wt in w.items():
        if wt > 0:
            x = norm[c]
            num = num + float(wt) * np.nan_to_num(x, nan=0.0)
            den = den + np.where(np.isnan(x), 0.0, float(wt))
    with np.errstate(invalid="ignore", divide="ignore"):
        return np.where(np.asarray(den) > 0, num / den, np.nan)


def _add_score(
    out: pd.DataFrame,
    raw: Mapping[str, pd.Series],
    w: Mapping[str, float],
    eligible: pd.Series,
) -> None:
    """Normalise each component, add its columns, the score and the missing components."""
    idx = out.index
    missing = pd.Series([[] for _ in idx], index=idx, dtype=object)
    norms = {}
    for c, wt in w.items():
        r = raw[c]
        norm = pd.Series(_normalised(c, r.to_numpy(), eligible.to_numpy()), index=idx)
        norms[c] = norm.to_numpy()
        out[f"{c}_raw"] = r
        out[f"{c}"] = norm
        out[f"{c}_weight"] = float(wt)
        avail = norm.notna()
        out[f"{c}_points"] = np.where(avail, float(wt) * norm.fillna(0.0), np.nan)
        if wt > 0:
            for i in idx[~avail.to_numpy()]:
                missing[i].append(c)
    out["score"] = _scores(norms, w)
    out["missing"] = missing.map(";".join)


def _as_tuple(value: Any) -> tuple:
    """A register's list cell as a tuple (a tuple, a list, or text split on ``;``)."""
    if isinstance(value, (tuple, list, np.ndarray)):
        return tuple(value)
    return tuple(v for v in str(value).split(";") if v) if isinstance(value, str) else ()


def _ranked(
    out: pd.DataFrame, pb: pd.DataFrame, eligible: pd.Series, catch_all: pd.Series | None = None
) -> pd.DataFrame:
    """Ranked problems by score (ties by severity, then id), then the unranked; identity first."""
    idx = out.index
    sev = (
        pb["severity"].astype("float64") if "severity" in pb.columns else pd.Series(0.0, index=idx)
    )
    out["_sev"] = sev.to_numpy()
    out["_unranked"] = ~eligible.to_numpy()
    out["status"] = np.where(out["_unranked"], "too_few_events", "ranked")
    if catch_all is not None and catch_all.any():
        out.loc[catch_all.to_numpy(), "status"] = "uncategorised"
    for lang in ("fr", "en"):
        names = {s: i18n.t(f"inventory.priority.status.{s}", lang) for s in PRIORITY_STATUSES}
        out[f"status_{lang}"] = out["status"].map(names)
    out = out.sort_values(
        ["_unranked", "score", "_sev", "problem_id"],
        ascending=[True, False, False, True],
        kind="stable",
        na_position="last",
    )
    score = out["score"].where(~out["_unranked"]).round(12)
    out["rank"] = score.rank(ascending=False, method="min").astype("Int64")
    out["tied"] = score.duplicated(keep=False) & score.notna()
    out = out.drop(columns=["_sev", "_unranked"])
    front = [
        "problem_id",
        *[c for c in ("title_fr", "title_en", "kind") if c in out.columns],
        "rank",
        "score",
        "tied",
        "missing",
        "status",
        "status_fr",
        "status_en",
    ]
    return out[front + [c for c in out.columns if c not in front]].reset_index(drop=True)
