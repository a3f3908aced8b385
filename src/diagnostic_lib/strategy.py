"""Step 4 — intervention strategies and the action plan.

For each priority problem the strategy builder ranks candidate responses from
the **evidence catalogue** (``data/evidence_catalogue.toml``: 37 response types,
in French and English, in the spirit of EMMIE — effect, mechanism, moderators,
implementation, economic cost — with the public source named), by:

========================  ============================================================
component                 how it is scored (0–1)
========================  ============================================================
``fit``                   family/category (50 %), place type (30 %) and time pattern
                          (20 %) of the problem against the response's targets;
                          a generic response (many families or place types) fits
                          less than a specific one
``evidence``              effect direction × strength × quality of the evidence
``in_place``              1 when nothing of that kind already addresses the problem;
                          0.6 when it does but its effect is unknown/inconclusive;
                          0.3 when it is judged effective (keep it, rather than add);
                          0 when it was judged ineffective or adverse
``pillar_balance``        1 when the response brings a pillar the problem's current
                          measures lack, else 0.5
``partners``              1 when a partner with the expertise the response needs
                          serves the problem's sectors; 0 when it needs one and none
                          does; 0.5 when it needs none
========================  ============================================================

``score = Σ weight × component`` (default weights 0.35, 0.30, 0.15, 0.10, 0.10).
The analyst accepts or edits the choice (:func:`choose`), then :func:`action_plan`
writes a SMART objective for each chosen response (indicator, baseline from the
data, target, deadline), its owner, partners and resources, monitoring
indicators, a re-evaluation date, a pre-registered evaluation design in step 3's
terms, and a power check (the minimum detectable effect given the baseline
counts). :func:`save_plan` writes it as JSON (read by the next diagnosis with
:func:`read_plan`) and ``.xlsx``.

Examples
--------
>>> from diagnostic_lib import strategy
>>> cat = strategy.load_catalogue()
>>> 30 <= len(cat) <= 40
True
>>> cat.loc["street_lighting", "pillars"]
('prevention',)
"""

from __future__ import annotations

import json
import math
import tomllib
from collections.abc import Mapping, Sequence
from dataclasses import dataclass, field
from importlib import resources
from os import PathLike
from pathlib import Path
from typing import Any

import pandas as pd

from . import schema
from .errors import DataError

FAMILY_CODES = schema.FAMILIES
PLACE_TYPES: tuple[str, ...] = (
    "street", "nightlife", "residential", "parking", "transit", "commercial", "park", "school", "online", "whole_area",
)  # fmt: skip
TIME_PATTERNS: tuple[str, ...] = ("night", "evening", "day", "weekend", "any")
DIRECTIONS = {"reduces": 1.0, "mixed": 0.5, "unclear": 0.3, "none": 0.0, "increases": -1.0}
STRENGTHS = {"large": 1.0, "moderate": 0.7, "small": 0.4, "unknown": 0.25, "none": 0.0}
QUALITIES = {"high": 1.0, "moderate": 0.8, "low": 0.55, "very_low": 0.35}
COSTS = ("low", "medium", "high")
EXPECTED_REDUCTION = {"large": 0.30, "moderate": 0.20, "small": 0.10, "unknown": 0.10, "none": 0.0}
"""Reduction assumed for a SMART target from the evidence strength (a planning assumption, said in the plan)."""

DEFAULT_WEIGHTS: dict[str, float] = {
    "fit": 0.35,
    "evidence": 0.30,
    "in_place": 0.15,
    "pillar_balance": 0.10,
    "partners": 0.10,
}

REQUIRED = ("id", "name_fr", "name_en", "families", "pillars", "mechanism_fr", "mechanism_en", "effect_direction",
            "effect_strength", "evidence_quality", "source", "cost_level")  # fmt: skip
LIST_FIELDS = (
    "families",
    "categories",
    "place_types",
    "time_patterns",
    "pillars",
    "measure_kinds",
    "typical_partners",
)

FACILITY_PLACE = {
    "bar": "nightlife", "parking": "parking", "transit_stop": "transit", "shopping_centre": "commercial",
    "park": "park", "school": "school",
}  # fmt: skip
SHIFT_TIME = {"nuit": "night", "soir": "evening", "jour": "day"}

LEVEL_LABELS = {
    "large": ("fort", "large"), "moderate": ("modéré", "moderate"), "small": ("faible", "small"),
    "unknown": ("inconnu", "unknown"), "none": ("nul", "none"),
    "high": ("élevée", "high"), "low": ("faible", "low"), "very_low": ("très faible", "very low"),
    "medium": ("moyen", "medium"),
    "reduces": ("réduit", "reduces"), "mixed": ("effets mitigés", "mixed"), "unclear": ("incertain", "unclear"),
    "increases": ("augmente", "increases"),
}  # fmt: skip


def _level(code: str, lang: str) -> str:
    pair = LEVEL_LABELS.get(code, (code, code))
    return pair[0] if lang == "fr" else pair[1]


# ----------------------------------------------------------------------------
# Catalogue
# ----------------------------------------------------------------------------
def _validate_entries(entries: list[dict[str, Any]], name: str) -> None:
    for i, e in enumerate(entries, start=1):
        missing = [k for k in REQUIRED if not e.get(k)]
        if missing:
            raise DataError(f"{name}: response #{i} ({e.get('id', '?')}) lacks {missing}")
        bad = set(e.get("families", ())) - set(FAMILY_CODES)
        if bad:
            raise DataError(f"{name}: response {e['id']}: unknown families {sorted(bad)}")
        bad = set(e.get("pillars", ())) - set(schema.PILLARS)
        if bad:
            raise DataError(f"{name}: response {e['id']}: unknown pillars {sorted(bad)}")
        for k, allowed in (
            ("effect_direction", DIRECTIONS),
            ("effect_strength", STRENGTHS),
            ("evidence_quality", QUALITIES),
        ):
            if e[k] not in allowed:
                raise DataError(f"{name}: response {e['id']}: {k} must be one of {sorted(allowed)}")
        if e["cost_level"] not in COSTS:
            raise DataError(f"{name}: response {e['id']}: cost_level must be one of {COSTS}")
        bad = set(e.get("place_types", ())) - set(PLACE_TYPES)
        if bad:
            raise DataError(
                f"{name}: response {e['id']}: unknown place types {sorted(bad)}; allowed {PLACE_TYPES}"
            )


def _read_entries(path: str | PathLike[str] | Any, name: str) -> list[dict[str, Any]]:
    src = Path(path) if isinstance(path, str | PathLike) else path
    try:
        data = tomllib.loads(src.read_text(encoding="utf-8"))
    except (OSError, tomllib.TOMLDecodeError, UnicodeDecodeError) as exc:
        raise DataError(f"{name}: cannot read the catalogue: {exc}") from None
    return list(data.get("response", []))


def load_catalogue(
    path: str | PathLike[str] | None = None,
    extra: str | PathLike[str] | Sequence[Mapping[str, Any]] | None = None,
) -> pd.DataFrame:
    """Load the evidence catalogue (and the user's own entries).

    Parameters
    ----------
    path : path, optional
        A TOML file of ``[[response]]`` tables replacing the packaged catalogue.
    extra : path or list of dict, optional
        Entries added to (or replacing, by ``id``) the catalogue's: a TOML file of
        ``[[response]]`` tables or a list of mappings with the same fields.

    Returns
    -------
    DataFrame
        Indexed by ``id``; list fields are tuples; ``evidence_score`` (0–1) added.

    Raises
    ------
    DataError
        An entry lacks a required field or uses an unknown code.

    Examples
    --------
    >>> mine = {"id": "school_zone_patrol", "name_fr": "Brigade scolaire", "name_en": "School crossing guards",
    ...         "families": ["traffic"], "place_types": ["school"], "pillars": ["rapprochement"],
    ...         "mechanism_fr": "Présence aux traverses.", "mechanism_en": "Presence at crossings.",
    ...         "effect_direction": "reduces", "effect_strength": "small", "evidence_quality": "low",
    ...         "source": "Local evaluation, 2024", "cost_level": "low"}
    >>> cat = load_catalogue(extra=[mine])
    >>> cat.loc["school_zone_patrol", "name_en"], "street_lighting" in cat.index
    ('School crossing guards', True)
    """
    base_name = str(path) if path is not None else "evidence_catalogue.toml (packaged)"
    src = (
        path
        if path is not None
        else resources.files("diagnostic_lib") / "data" / "evidence_catalogue.toml"
    )
    entries = _read_entries(src, base_name)
    _validate_entries(entries, base_name)
    if extra is not None:
        if isinstance(extra, str | PathLike):
            more = _read_entries(extra, str(extra))
            _validate_entries(more, str(extra))
        else:
            more = [dict(e) for e in extra]
            _validate_entries(more, "extra entries")
        ids = {e["id"]: i for i, e in enumerate(entries)}
        for e in more:
            if e["id"] in ids:
                entries[ids[e["id"]]] = e
            else:
                entries.append(e)
    df = pd.DataFrame(entries)
    for c in LIST_FIELDS:
        if c not in df.columns:
            df[c] = [() for _ in range(len(df))]
        df[c] = [tuple(v) if isinstance(v, list | tuple) else () for v in df[c]]
    for c in (
        "moderators_fr",
        "moderators_en",
        "implementation_fr",
        "implementation_en",
        "evidence_fr",
        "evidence_en",
    ):
        if c not in df.columns:
            df[c] = ""
        df[c] = df[c].fillna("")
    if df["id"].duplicated().any():
        raise DataError(f"{base_name}: duplicated response ids")
    df["evidence_score"] = evidence_score(df)
    return df.set_index("id", drop=False)


def evidence_score(catalogue: pd.DataFrame) -> pd.Series:
    """Strength of the evidence for each response, 0–1 (direction × strength × quality).

    A response that increases crime scores below zero and is never proposed.

    Examples
    --------
    >>> df = pd.DataFrame({"effect_direction": ["reduces", "mixed"], "effect_strength": ["moderate", "small"],
    ...                    "evidence_quality": ["high", "low"]})
    >>> evidence_score(df).round(3).tolist()
    [0.7, 0.11]
    """
    d = catalogue["effect_direction"].map(DIRECTIONS).astype("float64")
    s = catalogue["effect_strength"].map(STRENGTHS).astype("float64")
    q = catalogue["evidence_quality"].map(QUALITIES).astype("float64")
    return (d * s * q).rename("evidence_score")


def evidence_text(entry: Mapping[str, Any], lang: str = "fr") -> str:
    """One sentence on the evidence of a catalogue entry, with its source.

    Examples
    --------
    >>> cat = load_catalogue()
    >>> evidence_text(cat.loc["hot_spot_policing"], "en")[:60]
    'Effect: reduces, small; evidence quality: high. Source: Camp'
    """
    if lang == "fr":
        return (
            f"Effet : {_level(entry['effect_direction'], lang)}, {_level(entry['effect_strength'], lang)} ; "
            f"qualité de la preuve : {_level(entry['evidence_quality'], lang)}. Source : {entry['source']}."
        )
    return (
        f"Effect: {_level(entry['effect_direction'], lang)}, {_level(entry['effect_strength'], lang)}; "
        f"evidence quality: {_level(entry['evidence_quality'], lang)}. Source: {entry['source']}."
    )


# ----------------------------------------------------------------------------
# What each problem looks like
# ----------------------------------------------------------------------------
def problem_profile(problems: pd.DataFrame) -> pd.DataFrame:
    """Families, categories, place types and time pattern of each problem.

    Place types follow the facility the problem's events are next to (bars →
    nightlife, parkings → parking …), ``residential`` for area problems,
    ``whole_area`` (and ``online`` for fraud/cyber) for municipality-wide ones,
    ``street`` otherwise. The time pattern follows the dominant shift and the
    weekend share.

    Examples
    --------
    >>> pb = pd.DataFrame({"problem_id": ["P1"], "kind": ["place"], "families": [("violent",)],
    ...     "categories": [("assault",)], "facility": ["bar"], "dominant_shift": ["nuit"], "week_part": ["weekend"]})
    >>> problem_profile(pb).loc["P1", ["place_types", "time_patterns"]].tolist()
    [('nightlife',), ('night', 'weekend')]
    """
    rows = []
    for rec in problems.to_dict("records"):
        kind = rec.get("kind", "place")
        fac = rec.get("facility") or ""
        fams = tuple(rec.get("families") or ())
        if kind == "municipality":
            places = ("whole_area", "online") if "fraud_cyber" in fams else ("whole_area",)
        elif kind == "area":
            places = (
                ("residential",) if not fac else (FACILITY_PLACE.get(fac, "street"), "residential")
            )
        else:
            places = (FACILITY_PLACE.get(fac, "street"),)
        times = []
        t = SHIFT_TIME.get(rec.get("dominant_shift", ""), None)
        if t:
            times.append(t)
        if rec.get("week_part") == "weekend":
            times.append("weekend")
        rows.append({"problem_id": rec["problem_id"], "families": fams, "categories": tuple(rec.get("categories") or ()),
                     "place_types": places, "time_patterns": tuple(times) or ("any",)})  # fmt: skip
    return pd.DataFrame(rows).set_index("problem_id", drop=False)


def _fit(prob: Mapping[str, Any], resp: Mapping[str, Any]) -> float:
    """Fit of a response to a problem: specific responses fit better than generic ones."""
    fams = set(prob["families"])
    rfams = set(resp["families"])
    overlap = len(fams & rfams)
    if not overlap:
        return 0.0
    cats = set(resp["categories"])
    pcats = set(prob["categories"])
    if cats and not cats & pcats:
        return 0.0  # a response for other categories (e.g. vehicle security for shop theft)
    if cats:
        fam_score = 0.6 + 0.4 * len(cats & pcats) / max(len(pcats), 1)
    else:
        fam_score = 0.2 + 0.8 * (overlap / len(fams)) * (overlap / len(rfams))
    places = set(resp["place_types"])
    if places & set(prob["place_types"]):
        place_score = 0.5 + 0.5 * min(1.0, 3 / len(places))
    else:
        place_score = 0.5 if "whole_area" in places else 0.0
    times = set(resp["time_patterns"]) or {"any"}
    time_score = 1.0 if "any" in times or times & set(prob["time_patterns"]) else 0.3
    return float(0.5 * fam_score + 0.3 * place_score + 0.2 * time_score)


# ----------------------------------------------------------------------------
# Ranking candidate responses
# ----------------------------------------------------------------------------
def rank_responses(
    problems: pd.DataFrame,
    catalogue: pd.DataFrame,
    priority: pd.DataFrame | None = None,
    current: pd.DataFrame | None = None,
    partners: pd.DataFrame | None = None,
    top: int = 5,
    per_problem: int = 5,
    weights: Mapping[str, float] | None = None,
    min_fit: float = 0.45,
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
        ``promising``, ``no_effect``, ``adverse``, ``too_recent``, ``not_evaluable`` …).
    partners : DataFrame, optional
        Canonical partners (expertise, sectors served).
    top, per_problem : int
        Problems treated and responses kept per problem.
    weights : dict, optional
        Component weights (default :data:`DEFAULT_WEIGHTS`).
    min_fit : float
        Responses fitting less are not proposed.

    Returns
    -------
    DataFrame
        ``problem_id, problem_rank, response_id, rank, score`` and each component
        (``fit, evidence, in_place, pillar_balance, partners``), the partners that
        could carry it (``partner_ids``), the measures already in place of that
        kind (``in_place_measures``) and ``why_fr``/``why_en``.

    Examples
    --------
    >>> pb = pd.DataFrame({"problem_id": ["P1"], "kind": ["municipality"], "families": [("fraud_cyber",)],
    ...     "categories": [("fraud",)], "facility": [""], "dominant_shift": ["mixed"], "week_part": ["all_week"],
    ...     "sectors": [("S1",)]})
    >>> partners = pd.DataFrame({"partner_id": ["P09"], "name": ["Cyber-Aide"], "expertise": [("cybercrime",)],
    ...                          "sectors_served": [()]})
    >>> r = rank_responses(pb, load_catalogue(), partners=partners)
    >>> r.iloc[0][["response_id", "partner_ids"]].tolist()
    ['fraud_awareness', ('P09',)]
    """
    w = dict(DEFAULT_WEIGHTS if weights is None else weights)
    prof = problem_profile(problems)
    if priority is not None and len(priority):
        order = [
            p for p in priority.sort_values("rank", kind="stable")["problem_id"] if p in prof.index
        ][:top]
        prank = priority.set_index("problem_id")["rank"]
    else:
        order = list(prof.index)[:top]
        prank = pd.Series(range(1, len(prof) + 1), index=prof.index)
    sectors_of = (
        problems.set_index("problem_id")["sectors"]
        if "sectors" in problems.columns
        else pd.Series(dtype=object)
    )
    rows = []
    for pid in order:
        prob = prof.loc[pid]
        cur = (
            current[current["problem_id"] == pid]
            if current is not None and len(current)
            else pd.DataFrame()
        )
        cur_pillars = set(cur["pillar"]) if len(cur) else set()
        p_sectors = set(sectors_of.get(pid, ()) or ())
        for rid, resp in catalogue.iterrows():
            if resp["evidence_score"] < 0:
                continue
            fit = _fit(prob, resp)
            if fit < min_fit:
                continue
            same = cur[cur["kind"].isin(resp["measure_kinds"])] if len(cur) else pd.DataFrame()
            if len(same):
                verdicts = set(same["verdict"]) if "verdict" in same.columns else set()
                if verdicts & {"no_effect", "adverse"} and not verdicts & {
                    "effective",
                    "promising",
                }:
                    in_place = 0.0
                elif "effective" in verdicts:
                    in_place = 0.3
                else:
                    in_place = 0.6
            else:
                in_place = 1.0
            pillar_balance = 1.0 if set(resp["pillars"]) - cur_pillars else 0.5
            need = set(resp["typical_partners"])
            able: list[str] = []
            if partners is not None and len(partners) and need:
                for prt in partners.to_dict("records"):
                    serves = (
                        not prt["sectors_served"]
                        or not p_sectors
                        or bool(set(prt["sectors_served"]) & p_sectors)
                    )
                    if set(prt["expertise"]) & need and serves:
                        able.append(prt["partner_id"])
            partners_score = 0.5 if not need else (1.0 if able else 0.0)
            comp = {"fit": fit, "evidence": float(resp["evidence_score"]), "in_place": in_place,
                    "pillar_balance": pillar_balance, "partners": partners_score}  # fmt: skip
            score = sum(w[k] * comp[k] for k in w) / sum(w.values())
            rows.append(
                {
                    "problem_id": pid,
                    "problem_rank": int(prank.get(pid, 0)),
                    "response_id": rid,
                    "name_fr": resp["name_fr"],
                    "name_en": resp["name_en"],
                    "score": score,
                    **comp,
                    "pillars": tuple(resp["pillars"]),
                    "partner_ids": tuple(able),
                    "in_place_measures": tuple(same["measure_id"]) if len(same) else (),
                    "source": resp["source"],
                    "why_fr": _why(comp, resp, able, same, "fr"),
                    "why_en": _why(comp, resp, able, same, "en"),
                }
            )
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


def _why(comp, resp, able, same, lang) -> str:
    fr = lang == "fr"
    parts = [
        (f"adéquation {comp['fit']:.2f}" if fr else f"fit {comp['fit']:.2f}"),
        evidence_text(resp, lang).split(". Source")[0],
    ]
    if len(same):
        ids = ", ".join(same["measure_id"])
        parts.append(f"déjà en place : {ids}" if fr else f"already in place: {ids}")
    if able:
        parts.append(("partenaires : " if fr else "partners: ") + ", ".join(able))
    elif resp["typical_partners"]:
        parts.append("aucun partenaire disponible" if fr else "no partner available")
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

    Examples
    --------
    >>> r = pd.DataFrame({"problem_id": ["P1", "P1", "P2"], "problem_rank": [1, 1, 2], "rank": [1, 2, 1],
    ...                   "response_id": ["a", "b", "c"], "score": [0.9, 0.8, 0.7]})
    >>> choose(r, overrides={"P1": ["b"]})[["problem_id", "response_id", "chosen_by"]].values.tolist()
    [['P1', 'b', 'analyst'], ['P2', 'c', 'ranking']]
    """
    overrides = dict(overrides or {})
    parts = []
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


# ----------------------------------------------------------------------------
# Power
# ----------------------------------------------------------------------------
def minimum_detectable_effect(
    baseline: float,
    control: float | None = None,
    alpha: float = 0.05,
    power: float = 0.80,
    dispersion: float = 1.0,
) -> float:
    """Smallest reduction a before/after-with-control design can detect.

    With ``A0 = baseline`` events in the treated area before, ``C0 = C1 =
    control`` in the control area, and the log odds ratio's variance
    ``φ (1/A0 + 1/A1 + 1/C0 + 1/C1)`` (Poisson, inflated by the dispersion
    factor ``φ``), the function returns the reduction ``r`` (``A1 = A0 (1 − r)``)
    for which ``|ln(1 − r)| = (z₁₋α/₂ + z_power) · SE``. Without a control,
    the terms of C are dropped (a simple before/after comparison).

    Returns
    -------
    float
        The reduction (0–1); ``1.0`` when even a complete disappearance of the
        events could not be detected.

    Examples
    --------
    >>> round(minimum_detectable_effect(100, 1000), 3)
    0.374
    >>> minimum_detectable_effect(4, 1000)
    1.0
    """
    from scipy.stats import norm

    if baseline <= 0:
        return 1.0
    z = norm.ppf(1 - alpha / 2) + norm.ppf(power)
    c_term = 2.0 / control if control and control > 0 else 0.0

    def gap(r: float) -> float:
        a1 = baseline * (1 - r)
        se = math.sqrt(dispersion * (1 / baseline + 1 / a1 + c_term))
        return -math.log(1 - r) - z * se

    # the variance grows as A1 shrinks: scan for the first detectable reduction, then refine
    grid = [k / 1000 for k in range(1, 1000)]
    first = next((r for r in grid if gap(r) >= 0), None)
    if first is None:
        return 1.0
    lo, hi = first - 0.001, first
    for _ in range(40):
        mid = (lo + hi) / 2
        if gap(mid) < 0:
            lo = mid
        else:
            hi = mid
    return float(hi)


# ----------------------------------------------------------------------------
# Action plan
# ----------------------------------------------------------------------------
def action_plan(
    chosen: pd.DataFrame,
    problems: pd.DataFrame,
    incidents: pd.DataFrame,
    catalogue: pd.DataFrame,
    partners: pd.DataFrame | None = None,
    start: Any = None,
    horizon_months: int = 12,
    lag_months: int = 1,
    buffer_m: float = 200.0,
    owner: str = "",
    alpha: float = 0.05,
    power: float = 0.80,
) -> pd.DataFrame:
    """The action plan: a SMART objective, owner, partners, monitoring and evaluation design per response.

    The **baseline** is the number of the problem's events in the 12 months
    before ``start``; the **target** assumes the reduction the evidence
    suggests (:data:`EXPECTED_REDUCTION`: a planning assumption, stated); the
    **deadline** is ``start + lag + horizon``. The pre-registered evaluation
    design is step 3's: treated area = the problem's place, a buffer ring of
    ``buffer_m`` metres, control = the rest of the municipality, equal windows
    of ``horizon_months`` before the start and after the lag. The **power
    check** gives the minimum detectable effect (:func:`minimum_detectable_effect`)
    for the baseline and control counts, and says when the target is below it.

    Parameters
    ----------
    chosen : DataFrame
        From :func:`choose`.
    problems, incidents : DataFrame
        Problem register and canonical incidents.
    catalogue : DataFrame
    partners : DataFrame, optional
    start : timestamp, optional
        Planned start (default: the first day of the month after the last incident).
    horizon_months, lag_months : int
    buffer_m : float
    owner : str
        Default owner (the analyst edits it per line).
    alpha, power : float

    Returns
    -------
    DataFrame
        One row per chosen response; see the columns (all plain values, fit to
        save as JSON and Excel).

    Examples
    --------
    >>> from diagnostic_lib import inventory, loaders, sample
    >>> d = loaders.load_diagnostic(sample.sample_dir() / "diagnostic.toml")
    >>> inv = inventory.run(d, permutations=0)
    >>> cat = load_catalogue()
    >>> ranked = rank_responses(inv.problems, cat, inv.priority, partners=d.partners, top=3)
    >>> plan = action_plan(choose(ranked), inv.problems, d.incidents, cat, d.partners)
    >>> {"baseline", "target", "deadline", "mde", "source"} <= set(plan.columns)
    True
    """
    from . import inventory

    inc = incidents
    t_end = inc["occurred_from"].max() if len(inc) else pd.Timestamp.now()
    start_ts = (
        pd.Timestamp(start) if start is not None else (t_end.normalize() + pd.offsets.MonthBegin(1))
    )
    before0 = start_ts - pd.DateOffset(months=horizon_months)
    members = inventory.problem_incidents(problems, inc)
    pb = problems.set_index("problem_id")
    pnames = (
        partners.set_index("partner_id")["name"]
        if partners is not None and len(partners)
        else pd.Series(dtype="str")
    )
    rows = []
    for i, rec in enumerate(chosen.to_dict("records"), start=1):
        pid = rec["problem_id"]
        resp = catalogue.loc[rec["response_id"]]
        prob = pb.loc[pid]
        in_prob = (members == pid).to_numpy()
        when = ((inc["occurred_from"] >= before0) & (inc["occurred_from"] < start_ts)).to_numpy()
        baseline = int((in_prob & when).sum())
        cats = set(prob["categories"])
        control = int((~in_prob & when & inc["category"].isin(list(cats)).to_numpy()).sum())
        red = EXPECTED_REDUCTION[resp["effect_strength"]] * max(
            DIRECTIONS[resp["effect_direction"]], 0.0
        )
        target = int(math.floor(baseline * (1 - red)))
        mde = minimum_detectable_effect(
            baseline, control if prob.get("kind") != "municipality" else None, alpha, power
        )
        deadline = start_ts + pd.DateOffset(months=lag_months + horizon_months)
        prt = list(rec.get("partner_ids") or ())
        design_fr = (
            f"Avant/après avec témoin : zone traitée = lieu du problème, anneau de {buffer_m:g} m, témoin = reste de la "
            f"municipalité ; fenêtres de {horizon_months} mois avant {start_ts.date()} et après "
            f"{(start_ts + pd.DateOffset(months=lag_months)).date()} (délai de mise en œuvre {lag_months} mois)."
            if prob.get("kind") != "municipality" else
            f"Série chronologique interrompue des comptes mensuels de la municipalité ({horizon_months} mois avant et après)."
        )  # fmt: skip
        design_en = (
            f"Before/after with control: treated = the problem's place, {buffer_m:g} m buffer ring, control = rest of the "
            f"municipality; {horizon_months}-month windows before {start_ts.date()} and after "
            f"{(start_ts + pd.DateOffset(months=lag_months)).date()} (implementation lag {lag_months} months)."
            if prob.get("kind") != "municipality" else
            f"Interrupted time series of the municipality's monthly counts ({horizon_months} months before and after)."
        )  # fmt: skip
        underpowered = mde > red
        rows.append(
            {
                "plan_id": f"A{i:02d}",
                "problem_id": pid,
                "problem_rank": int(rec.get("problem_rank", 0)),
                "problem_fr": prob.get("title_fr", pid),
                "problem_en": prob.get("title_en", pid),
                "response_id": resp["id"],
                "response_fr": resp["name_fr"],
                "response_en": resp["name_en"],
                "pillars": ";".join(resp["pillars"]),
                "indicator_fr": f"Nombre d'événements du problème ({', '.join(prob['categories'])}) dans sa zone, par 12 mois",
                "indicator_en": f"Number of the problem's events ({', '.join(prob['categories'])}) in its area, per 12 months",
                "baseline": baseline,
                "baseline_period": f"{before0.date()} – {(start_ts - pd.Timedelta(days=1)).date()}",
                "expected_reduction": red,
                "target": target,
                "start": str(start_ts.date()),
                "deadline": str(deadline.date()),
                "owner": owner
                or "Section prévention et relations communautaires / Prevention and community relations unit",
                "partner_ids": ";".join(prt),
                "partner_names": "; ".join(str(pnames.get(p, p)) for p in prt),
                "resources": f"coût {_level(resp['cost_level'], 'fr')} / {resp['cost_level']} cost",
                "monitoring_fr": "Comptes mensuels dans la zone et l'anneau ; préoccupation citoyenne (sondage) ; registre de mise en œuvre.",
                "monitoring_en": "Monthly counts in the area and the ring; citizen concern (survey); implementation log.",
                "reevaluation_date": str((deadline + pd.DateOffset(months=1)).date()),
                "design_fr": design_fr,
                "design_en": design_en,
                "buffer_m": buffer_m,
                "control_events": control,
                "mde": mde,
                "underpowered": bool(underpowered),
                "power_note_fr": (
                    f"Effet minimal détectable : −{mde * 100:.0f} % (puissance {power * 100:.0f} %, α = {alpha}). "
                    + (
                        "La cible est sous ce seuil : l'évaluation risque d'être non concluante."
                        if underpowered
                        else "La cible est détectable."
                    )
                ),  # fmt: skip
                "power_note_en": (
                    f"Minimum detectable effect: −{mde * 100:.0f}% (power {power * 100:.0f}%, α = {alpha}). "
                    + (
                        "The target is below it: the evaluation may be inconclusive."
                        if underpowered
                        else "The target is detectable."
                    )
                ),  # fmt: skip
                "evidence_fr": evidence_text(resp, "fr"),
                "evidence_en": evidence_text(resp, "en"),
                "source": resp["source"],
                "chosen_by": rec.get("chosen_by", "ranking"),
            }
        )
    return pd.DataFrame(rows)


def save_plan(plan: pd.DataFrame, path: str | PathLike[str]) -> tuple[Path, Path]:
    """Save the plan as JSON (machine-readable, read by the next diagnosis) and ``.xlsx``.

    Parameters
    ----------
    plan : DataFrame
    path : path
        Base path; ``.json`` and ``.xlsx`` are written beside each other.

    Returns
    -------
    (pathlib.Path, pathlib.Path)

    Examples
    --------
    >>> import tempfile
    >>> p = pd.DataFrame({"plan_id": ["A01"], "problem_id": ["P1"], "response_id": ["x"], "baseline": [10],
    ...                   "target": [8], "deadline": ["2027-01-01"]})
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
    plan.to_excel(xpath, index=False, sheet_name="plan")
    return jpath, xpath


def read_plan(path: str | PathLike[str]) -> pd.DataFrame:
    """Read a plan written by :func:`save_plan` (for the next diagnosis).

    Raises
    ------
    DataError
        Not a plan file.

    Examples
    --------
    >>> read_plan("/no/plan.json")
    Traceback (most recent call last):
    ...
    diagnostic_lib.errors.DataError: /no/plan.json: action plan not found / plan d'action introuvable
    """
    p = Path(path)
    if p.suffix != ".json":
        p = p.with_suffix(".json")
    if not p.exists():
        raise DataError(f"{path}: action plan not found / plan d'action introuvable")
    try:
        doc = json.loads(p.read_text(encoding="utf-8"))
    except json.JSONDecodeError as exc:
        raise DataError(f"{p}: not a JSON action plan ({exc})") from None
    if not isinstance(doc, dict) or doc.get("format") != "diagnostic_lib.action_plan":
        raise DataError(f"{p}: not a diagnostic_lib action plan")
    return pd.DataFrame(doc.get("actions", []))


# ----------------------------------------------------------------------------
# The whole step
# ----------------------------------------------------------------------------
@dataclass
class Strategy:
    """Every table of step 4, as computed by :func:`run`."""

    catalogue: pd.DataFrame
    ranking: pd.DataFrame
    chosen: pd.DataFrame
    plan: pd.DataFrame
    parameters: dict[str, Any] = field(default_factory=dict)


def current_measures(coverage: pd.DataFrame | None, measures: pd.DataFrame, verdicts: pd.DataFrame | None = None,
                     min_level: Sequence[str] = ("partial", "strong")) -> pd.DataFrame:  # fmt: skip
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

    Returns
    -------
    DataFrame
        ``problem_id, measure_id, kind, pillar, verdict``.

    Examples
    --------
    >>> cov = pd.DataFrame({"problem_id": ["P1", "P1"], "measure_id": ["M1", "M2"], "level": ["strong", "weak"]})
    >>> m = pd.DataFrame({"measure_id": ["M1", "M2"], "kind": ["lighting", "cameras"], "pillar": ["prevention"] * 2})
    >>> current_measures(cov, m, pd.DataFrame({"measure_id": ["M1"], "verdict": ["effective"]})).values.tolist()
    [['P1', 'M1', 'lighting', 'prevention', 'effective']]
    """
    cols = ["problem_id", "measure_id", "kind", "pillar", "verdict"]
    if coverage is None or not len(coverage):
        return pd.DataFrame(columns=cols)
    cov = coverage
    if "level" in cov.columns:
        cov = cov[cov["level"].isin(list(min_level))]
    out = cov[["problem_id", "measure_id"]].merge(
        pd.DataFrame(measures[["measure_id", "kind", "pillar"]]), on="measure_id", how="left"
    )
    if verdicts is not None and len(verdicts):
        out = out.merge(verdicts[["measure_id", "verdict"]], on="measure_id", how="left")
    else:
        out["verdict"] = None
    return out[cols].reset_index(drop=True)


def run(
    diag: Any,
    inventory_result: Any,
    current: pd.DataFrame | None = None,
    catalogue: pd.DataFrame | None = None,
    top: int = 5,
    per_problem: int = 3,
    overrides: Mapping[str, Sequence[str]] | None = None,
    start: Any = None,
) -> Strategy:
    """Run step 4: rank responses for the top problems, choose, and write the plan.

    Parameters
    ----------
    diag : Diagnostic
    inventory_result : Inventory
        From :func:`diagnostic_lib.inventory.run` (problems and priority).
    current : DataFrame, optional
        From :func:`current_measures` (steps 2 and 3).
    catalogue : DataFrame, optional
        Default: the packaged catalogue plus the config's ``[strategy] catalogue``.
    top, per_problem : int
    overrides : dict, optional
        The analyst's choices (see :func:`choose`).
    start : timestamp, optional
        Planned start of the responses.

    Returns
    -------
    Strategy

    Examples
    --------
    >>> from diagnostic_lib import inventory, loaders, sample
    >>> d = loaders.load_diagnostic(sample.sample_dir() / "diagnostic.toml")
    >>> s = run(d, inventory.run(d, permutations=0), top=3)
    >>> len(s.plan) == 3 and bool(s.plan["source"].str.len().gt(10).all())
    True
    """
    if catalogue is None:
        extra = (
            (diag.config.raw.get("strategy", {}) or {}).get("catalogue")
            if hasattr(diag.config, "raw")
            else None
        )
        if extra:
            p = Path(str(extra))
            extra = p if p.is_absolute() else diag.config.base_dir / p
        catalogue = load_catalogue(extra=extra)
    ranking = rank_responses(inventory_result.problems, catalogue, inventory_result.priority, current, diag.partners,
                             top=top, per_problem=per_problem)  # fmt: skip
    chosen = choose(ranking, overrides=overrides)
    if start is None and diag.config.period_end is not None:
        start = diag.config.period_end + pd.Timedelta(days=1)
    plan = action_plan(chosen, inventory_result.problems, diag.incidents, catalogue, diag.partners, start=start,
                       buffer_m=float(diag.config.param("buffer_m", 200)))  # fmt: skip
    return Strategy(catalogue, ranking, chosen, plan, {"top": top, "per_problem": per_problem})
