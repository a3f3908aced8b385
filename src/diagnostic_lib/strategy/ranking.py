"""Ranking the candidate responses for each priority problem, and choosing among them.

Each candidate gets five components, each 0–1 (see the package docstring for
how each is scored): ``fit`` (:mod:`.fit`), ``evidence`` (the catalogue's
evidence score), ``in_place`` (what already addresses the problem, from steps
2 and 3: :func:`current_measures`), ``pillar_balance`` and ``partners``. The
score is their weighted mean (:data:`DEFAULT_RESPONSE_WEIGHTS`, the
``response_weights`` tunable of :mod:`diagnostic_lib.settings`). :func:`choose`
keeps the best-ranked responses unless the analyst says otherwise.

Examples
--------
>>> sorted(DEFAULT_RESPONSE_WEIGHTS)
['evidence', 'fit', 'in_place', 'partners', 'pillar_balance']
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from typing import Any

import pandas as pd

from .. import formatting as fmt
from .. import i18n, settings
from ..evaluation.decision import AGAINST, SUCCESS
from ..measures import LEVELS as COVERAGE_LEVELS
from .catalogue import DEFAULT_BASIS, _effect_text
from .fit import WALK_RESPONSE_KINDS, _fit, problem_profile, walk_bonus

DEFAULT_RESPONSE_WEIGHTS: dict[str, float] = settings.default("response_weights")
"""Weights of the response-ranking components (the ``response_weights`` tunable's default)."""

DEFAULT_WEIGHTS = DEFAULT_RESPONSE_WEIGHTS
"""Deprecated alias of :data:`DEFAULT_RESPONSE_WEIGHTS` (kept so that old code still runs)."""


def _problem_order(
    prof: pd.DataFrame, priority: pd.DataFrame | None, top: int
) -> tuple[list[str], pd.Series]:
    """The ``top`` problems treated, in priority order, and each problem's rank."""
    if priority is not None and len(priority):
        ranked = priority.sort_values("rank", kind="stable")["problem_id"]
        order = [p for p in ranked if p in prof.index][:top]
        return order, priority.set_index("problem_id")["rank"]
    return list(prof.index)[:top], pd.Series(range(1, len(prof) + 1), index=prof.index)


def _in_place_score(same: pd.DataFrame) -> float:
    """1 when nothing of the kind is in place; 0.6 effect unknown; 0.3 effective; 0 not.

    Only an effect ruled out or adverse counts against a response; an inconclusive
    verdict (even with a favourable direction) counts as unknown.
    """
    if not len(same):
        return 1.0
    verdicts = set(same["verdict"]) if "verdict" in same.columns else set()
    if verdicts & set(AGAINST) and not verdicts & set(SUCCESS):
        return 0.0
    if verdicts & set(SUCCESS):
        return 0.3
    return 0.6


def _able_partners(
    need: set[str], partners: list[dict[str, Any]], p_sectors: set[str]
) -> list[str]:
    """Partners with the expertise a response needs who serve the problem's sectors."""
    able: list[str] = []
    if not need:
        return able
    for prt in partners:
        serves = (
            not prt["sectors_served"]
            or not p_sectors
            or bool(set(prt["sectors_served"]) & p_sectors)
        )
        if set(prt["expertise"]) & need and serves:
            able.append(prt["partner_id"])
    return able


def _candidates(
    pid: str,
    prob: pd.Series,
    catalogue: pd.DataFrame,
    cur: pd.DataFrame,
    partners: list[dict[str, Any]],
    p_sectors: set[str],
    min_fit: float,
    bonus: float | None = None,
) -> list[dict[str, Any]]:
    """The components of every response fitting one problem at least ``min_fit``.

    The fit counts the safety walks' findings in the problem's area
    (:func:`~.fit.walk_bonus`, ``bonus``).
    """
    cur_pillars = set(cur["pillar"]) if len(cur) else set()
    out = []
    for rid, resp in catalogue.iterrows():
        if resp["evidence_score"] < 0:
            continue
        base = _fit(prob, resp)
        fit = walk_bonus(base, prob.get("walk_categories", ()), resp["measure_kinds"], bonus)
        if fit < min_fit:
            continue
        same = cur[cur["kind"].isin(resp["measure_kinds"])] if len(cur) else pd.DataFrame()
        need = set(resp["typical_partners"])
        able = _able_partners(need, partners, p_sectors)
        comp = {
            "fit": fit,
            "evidence": float(resp["evidence_score"]),
            "in_place": _in_place_score(same),
            "pillar_balance": 1.0 if set(resp["pillars"]) - cur_pillars else 0.5,
            "partners": 0.5 if not need else (1.0 if able else 0.0),
        }
        walked = _walk_findings(prob, resp) if fit > base else ()
        out.append(
            {
                "pid": pid,
                "rid": rid,
                "resp": resp,
                "comp": comp,
                "able": able,
                "same": same,
                "walked": walked,
            }
        )
    return out


def _walk_findings(prob: pd.Series, resp: pd.Series) -> tuple[str, ...]:
    """The walk categories of the problem's area that the response's kinds answer."""
    kinds = set(resp["measure_kinds"] or ())
    return tuple(
        c for c in prob.get("walk_categories", ()) if kinds & set(WALK_RESPONSE_KINDS.get(c, ()))
    )


def rank_responses(  # noqa: PLR0913 - public signature kept for backward compatibility
    problems: pd.DataFrame,
    catalogue: pd.DataFrame,
    priority: pd.DataFrame | None = None,
    current: pd.DataFrame | None = None,
    partners: pd.DataFrame | None = None,
    top: int = 5,
    per_problem: int = 5,
    weights: Mapping[str, float] | None = None,
    min_fit: float | None = None,
    walk_counts: pd.DataFrame | None = None,
    walk_fit_bonus: float | None = None,
) -> pd.DataFrame:
    """Rank the candidate responses for each priority problem.

    Parameters
    ----------
    problems : DataFrame
        Problem register.
    catalogue : DataFrame
        From :func:`load_catalogue`.
    priority : DataFrame, optional
        From :func:`diagnostic_lib.inventory.priority`; the ``top`` problems by
        rank are treated (default: all problems in register order).
    current : DataFrame, optional
        Measures already addressing each problem: ``problem_id, measure_id,
        kind, pillar`` and optionally ``verdict`` (step 3: ``effective``,
        ``effect_ruled_out``, ``inconclusive``, ``adverse``, ``too_recent`` …).
    partners : DataFrame, optional
        Canonical partners (expertise, sectors served).
    top, per_problem : int
        Problems treated and responses kept per problem.
    weights : dict, optional
        Component weights (default :data:`DEFAULT_RESPONSE_WEIGHTS`).
    min_fit : float, optional
        Responses fitting less are not proposed (default: the ``min_fit`` tunable).
    walk_counts : DataFrame, optional
        Safety-walk observations in each problem's area
        (:func:`diagnostic_lib.inventory.walk_counts`): a response whose kind
        answers one of them fits better (:func:`~diagnostic_lib.strategy.fit.walk_bonus`).
    walk_fit_bonus : float, optional
        That gain (default: the ``walk_fit_bonus`` tunable).

    Returns
    -------
    DataFrame
        ``problem_id, problem_rank, response_id, rank, score`` and each component
        (``fit, evidence, in_place, pillar_balance, partners``), the partners that
        could carry it (``partner_ids``), the measures already in place of that
        kind (``in_place_measures``), what its evidence rests on
        (``evidence_basis``), its ``source`` and ``why_fr``/``why_en``.

    Examples
    --------
    >>> from diagnostic_lib.strategy import load_catalogue
    >>> pb = pd.DataFrame({"problem_id": ["P1"], "kind": ["municipality"],
    ...     "families": [("fraud_cyber",)], "categories": [("fraud",)], "facility": [""],
    ...     "dominant_shift": ["mixed"], "week_part": ["all_week"], "sectors": [("S1",)]})
    >>> partners = pd.DataFrame({"partner_id": ["P09"], "name": ["Cyber-Aide"],
    ...                          "expertise": [("cybercrime",)], "sectors_served": [()]})
    >>> r = rank_responses(pb, load_catalogue(), partners=partners)
    >>> r.iloc[0][["response_id", "partner_ids"]].tolist()
    ['fraud_awareness', ('P09',)]
    """
    w = dict(DEFAULT_RESPONSE_WEIGHTS if weights is None else weights)
    min_fit = settings.default("min_fit") if min_fit is None else min_fit
    prof = problem_profile(problems, walk_counts)
    order, prank = _problem_order(prof, priority, top)
    sectors_of = (
        problems.set_index("problem_id")["sectors"]
        if "sectors" in problems.columns
        else pd.Series(dtype=object)
    )
    prts = partners.to_dict("records") if partners is not None and len(partners) else []
    rows = []
    for pid in order:
        cur = (
            current[current["problem_id"] == pid]
            if current is not None and len(current)
            else pd.DataFrame()
        )
        p_sectors = set(sectors_of.get(pid, ()) or ())
        prob = prof.loc[pid]
        for c in _candidates(pid, prob, catalogue, cur, prts, p_sectors, min_fit, walk_fit_bonus):
            rank = prank.get(pid, 0)  # 0: not ranked (excluded, or too few events)
            rows.append(_ranking_row(c, w, int(rank) if pd.notna(rank) else 0))
    out = pd.DataFrame(rows)
    if out.empty:
        return out
    out = out.sort_values(
        ["problem_rank", "score", "evidence", "response_id"],
        ascending=[True, False, False, True],
        kind="stable",
    )
    out["rank"] = out.groupby("problem_id").cumcount() + 1
    out = out[out["rank"] <= per_problem]
    front = ["problem_id", "problem_rank", "rank", "response_id", "name_fr", "name_en", "score", *w]
    return out[front + [c for c in out.columns if c not in front]].reset_index(drop=True)


def _ranking_row(c: dict[str, Any], w: Mapping[str, float], problem_rank: int) -> dict[str, Any]:
    resp, comp, able, same = c["resp"], c["comp"], c["able"], c["same"]
    return {
        "problem_id": c["pid"],
        "problem_rank": problem_rank,
        "response_id": c["rid"],
        "name_fr": resp["name_fr"],
        "name_en": resp["name_en"],
        "score": sum(w[k] * comp[k] for k in w) / sum(w.values()),
        **comp,
        "pillars": tuple(resp["pillars"]),
        "partner_ids": tuple(able),
        "in_place_measures": tuple(same["measure_id"]) if len(same) else (),
        "evidence_basis": resp.get("evidence_basis", DEFAULT_BASIS),
        "source": resp["source"],
        "walk_findings": c.get("walked", ()),
        "why_fr": _why(comp, resp, able, same, "fr", c.get("walked", ())),
        "why_en": _why(comp, resp, able, same, "en", c.get("walked", ())),
    }


def _why(comp, resp, able, same, lang, walked=()) -> str:
    parts = [
        i18n.t("strategy.why.fit", lang, fit=fmt.decimal(comp["fit"], lang)),
        _effect_text(resp, lang),
    ]
    for cat in walked:
        label = i18n.t(f"walk.category.{cat}", lang).lower()
        parts.append(i18n.t("strategy.walk_evidence", lang, category=label))
    if len(same):
        parts.append(i18n.t("strategy.why.in_place", lang, ids=", ".join(same["measure_id"])))
    if able:
        parts.append(i18n.t("strategy.why.partners", lang, ids=", ".join(able)))
    elif resp["typical_partners"]:
        parts.append(i18n.t("strategy.why.no_partner", lang))
    return "; ".join(parts)


def choose(
    ranking: pd.DataFrame,
    per_problem: int = 1,
    overrides: Mapping[str, Sequence[str]] | None = None,
    drop: Sequence[str] = (),
) -> pd.DataFrame:
    """The responses chosen for the plan: the best-ranked, unless the analyst says otherwise.

    Parameters
    ----------
    ranking : DataFrame
        From :func:`rank_responses`.
    per_problem : int
        Responses taken per problem by default.
    overrides : dict, optional
        Problem id → response ids chosen by the analyst (any catalogue id ranked
        for that problem).
    drop : sequence of str
        Problems left out of the plan.

    Returns
    -------
    DataFrame
        The chosen rows of ``ranking`` with ``chosen_by`` (``ranking`` or ``analyst``).

    Raises
    ------
    ValueError
        An override names a response that was not ranked for its problem.

    Examples
    --------
    >>> r = pd.DataFrame({"problem_id": ["P1", "P1", "P2"], "problem_rank": [1, 1, 2],
    ...                   "rank": [1, 2, 1], "response_id": ["a", "b", "c"],
    ...                   "score": [0.9, 0.8, 0.7]})
    >>> c = choose(r, overrides={"P1": ["b"]})
    >>> c[["problem_id", "response_id", "chosen_by"]].values.tolist()
    [['P1', 'b', 'analyst'], ['P2', 'c', 'ranking']]
    """
    overrides = dict(overrides or {})
    parts = []
    if "problem_id" not in ranking.columns:  # nothing ranked (no problem found)
        return ranking.assign(chosen_by=pd.Series(dtype=str))
    for pid, g in ranking.groupby("problem_id", sort=False):
        if pid in drop:
            continue
        if pid in overrides:
            sel = g[g["response_id"].isin(list(overrides[pid]))].assign(chosen_by="analyst")
            missing = set(overrides[pid]) - set(sel["response_id"])
            if missing:
                raise ValueError(
                    f"{pid}: responses {sorted(missing)} were not ranked for this problem"
                )
        else:
            sel = g.nsmallest(per_problem, "rank").assign(chosen_by="ranking")
        parts.append(sel)
    if not parts:
        return ranking.iloc[0:0].assign(chosen_by=pd.Series(dtype="str"))
    return (
        pd.concat(parts).sort_values(["problem_rank", "rank"], kind="stable").reset_index(drop=True)
    )


def current_measures(
    coverage: pd.DataFrame | None,
    measures: pd.DataFrame,
    verdicts: pd.DataFrame | None = None,
    min_level: str | Sequence[str] | None = None,
) -> pd.DataFrame:
    """Measures already addressing each problem, with their step-3 verdict when known.

    Parameters
    ----------
    coverage : DataFrame or None
        Problems × measures coverage from step 2 in long form: ``problem_id,
        measure_id`` and a ``level`` column; rows whose level is in ``min_level``
        count (without a ``level`` column every row counts).
    measures : DataFrame
        Canonical measures (for ``kind`` and ``pillar``).
    verdicts : DataFrame, optional
        Step 3: ``measure_id`` and ``verdict``.
    min_level : str or sequence of str, optional
        The weakest coverage level that counts (``weak``, ``partial``,
        ``strong``), or the levels that count; default: the
        ``current_min_level`` tunable (``partial``: partial and strong coverage).

    Returns
    -------
    DataFrame
        ``problem_id, measure_id, kind, pillar, verdict``.

    Examples
    --------
    >>> cov = pd.DataFrame({"problem_id": ["P1", "P1"], "measure_id": ["M1", "M2"],
    ...                     "level": ["strong", "weak"]})
    >>> m = pd.DataFrame({"measure_id": ["M1", "M2"], "kind": ["lighting", "cameras"],
    ...                   "pillar": ["prevention"] * 2})
    >>> v = pd.DataFrame({"measure_id": ["M1"], "verdict": ["effective"]})
    >>> current_measures(cov, m, v).values.tolist()
    [['P1', 'M1', 'lighting', 'prevention', 'effective']]
    """
    cols = ["problem_id", "measure_id", "kind", "pillar", "verdict"]
    levels = _levels(settings.default("current_min_level") if min_level is None else min_level)
    if coverage is None or not len(coverage):
        return pd.DataFrame(columns=cols)
    cov = coverage
    if "level" in cov.columns:
        cov = cov[cov["level"].isin(list(levels))]
    out = cov[["problem_id", "measure_id"]].merge(
        pd.DataFrame(measures[["measure_id", "kind", "pillar"]]), on="measure_id", how="left"
    )
    if verdicts is not None and len(verdicts):
        out = out.merge(verdicts[["measure_id", "verdict"]], on="measure_id", how="left")
    else:
        out["verdict"] = None
    return out[cols].reset_index(drop=True)


def _levels(min_level: str | Sequence[str]) -> tuple[str, ...]:
    """The coverage levels at or above ``min_level`` (a sequence is taken as it is)."""
    if isinstance(min_level, str):
        return COVERAGE_LEVELS[COVERAGE_LEVELS.index(min_level) :]
    return tuple(min_level)
