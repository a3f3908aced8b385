"""Partners: who takes part in which measure, and who could help with a gap.

Examples
--------
>>> DEFAULT_EXPERTISE_MAP["parking"]
('vehicle_theft', 'theft_from_vehicle')
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence

import pandas as pd

from .. import schema
from ._frames import _col, _tuple
from .levels import GAP_LEVELS

DEFAULT_EXPERTISE_MAP: dict[str, tuple[str, ...]] = {
    "cybercrime": ("cyber_fraud", "fraud", "fraud_cyber"),
    "fraud": ("fraud", "cyber_fraud", "fraud_cyber"),
    "seniors": ("fraud", "cyber_fraud"),
    "victims": ("violent", "fraud_cyber", "burglary"),
    "youth": ("mischief", "disturbance", "drugs", "assault"),
    "addiction": ("drugs", "disturbance"),
    "mental_health": ("disturbance",),
    "licensed_venues": ("assault", "assault_armed", "disturbance", "mischief"),
    "lighting": ("mischief", "disturbance", "burglary", "theft_from_vehicle", "robbery", "assault"),
    "urban_design": ("property", "disorder"),
    "parking": ("vehicle_theft", "theft_from_vehicle"),
    "traffic_safety": ("traffic",),
    "retail": ("theft", "fraud"),
    "transit": ("robbery", "theft", "vehicle_theft", "theft_from_vehicle"),
    "neighbourhood_watch": ("burglary", "vehicle_theft", "theft_from_vehicle", "mischief"),
    "schools": ("mischief", "drugs", "traffic"),
}
"""Partner expertise code → the category codes or family codes it can help with.

Used by :func:`partner_suggestions` to say which partners could be mobilised for a
problem: a partner matches a problem when one of its expertise codes lists one of
the problem's categories or families. Replace it (or extend a copy) to fit local
partners: ``{**DEFAULT_EXPERTISE_MAP, "housing": ("burglary",)}``.
"""


PARTNER_ROLE_COLUMNS = (
    "partner_id",
    "name",
    "name_en",
    "partner_kind",
    "expertise",
    "sectors_served",
    "known",
    "n_measures",
    "n_active",
    "measure_ids",
    "pillars",
)
"""Columns of :func:`partner_roles`."""


def partner_roles(reg: pd.DataFrame, partners: pd.DataFrame | None) -> pd.DataFrame:
    """Each partner and the measures it takes part in (unknown partner ids included).

    Parameters
    ----------
    reg : DataFrame
        From :func:`registry` (or the measures table, with ``partners``).
    partners : DataFrame or None

    Returns
    -------
    DataFrame
        ``partner_id, name, name_en, partner_kind, expertise, sectors_served, known,
        n_measures, n_active, measure_ids, pillars``; partners in no measure have
        ``n_measures`` 0 (untapped partners); ids cited by a measure but absent
        from the partners file have ``known`` False.

    Examples
    --------
    >>> reg = pd.DataFrame({"measure_id": ["M1", "M2"], "partners": [("P1",), ("P1", "P9")],
    ...     "pillar": ["prevention", "partenariat"], "status": ["active", "ended"]})
    >>> p = pd.DataFrame({"partner_id": ["P1", "P2"], "name": ["Ville", "Club"],
    ...     "expertise": [("lighting",), ("youth",)]})
    >>> partner_roles(reg, p)[["partner_id", "known", "n_measures", "measure_ids"]].values.tolist()
    [['P1', True, 2, ('M1', 'M2')], ['P2', True, 0, ()], ['P9', False, 1, ('M2',)]]
    >>> partner_roles(reg.assign(partners=[(), ()]), None).columns.tolist()[-4:]
    ['n_measures', 'n_active', 'measure_ids', 'pillars']
    """
    cited: dict[str, list[int]] = {}
    for i, ps in enumerate(reg["partners"]):
        for p in _tuple(ps):
            cited.setdefault(str(p), []).append(i)
    rows = []
    known_ids: list[str] = []
    if partners is not None:
        for rec in partners.to_dict("records"):
            known_ids.append(str(rec["partner_id"]))
    for pid in known_ids + sorted(set(cited) - set(known_ids)):
        known = pid in known_ids
        rec = partners[partners["partner_id"].astype(str) == pid].iloc[0] if known else {}
        idx = cited.get(pid, [])
        sub = reg.iloc[idx]
        present = set(sub["pillar"].astype(str)) if len(sub) else set()
        rows.append(
            {
                "partner_id": pid,
                "name": str(rec.get("name", pid)) if known else pid,
                "name_en": str(rec.get("name_en", "") or rec.get("name", pid)) if known else pid,
                "partner_kind": str(rec.get("kind", "")) if known else "",
                "expertise": _tuple(rec.get("expertise", ())) if known else (),
                "sectors_served": _tuple(rec.get("sectors_served", ())) if known else (),
                "known": known,
                "n_measures": len(idx),
                "n_active": int((_col(sub, "status", "active").astype(str) == "active").sum()),
                "measure_ids": tuple(sub["measure_id"].astype(str)),
                "pillars": tuple(p for p in schema.PILLARS if p in present),
            }
        )
    # no partner at all (no partners file, no measure citing one): the columns all the same
    return pd.DataFrame(rows, columns=list(PARTNER_ROLE_COLUMNS))


def partner_suggestions(
    problems: pd.DataFrame,
    summary: pd.DataFrame,
    partners: pd.DataFrame | None,
    reg: pd.DataFrame | None = None,
    expertise_map: Mapping[str, Sequence[str]] | None = None,
    levels: Sequence[str] | None = GAP_LEVELS,
    problem_ids: Sequence[str] | None = None,
    include_not_serving: bool = False,
) -> pd.DataFrame:
    """Which partners could be mobilised for each uncovered or weakly covered problem.

    A partner matches a problem when one of its ``expertise`` codes lists
    (in ``expertise_map``) one of the problem's categories or families. It
    must serve the problem's sectors: ``serves`` is ``all`` (it serves the
    whole municipality, or every sector of the problem) or ``part`` (some of
    them); partners serving none of them are left out unless
    ``include_not_serving``. ``involved`` says the partner already takes part
    in an active measure addressing the problem.

    Parameters
    ----------
    problems : DataFrame
        Problem register (``categories``, ``families``, ``sectors``).
    summary : DataFrame
        From :func:`problem_coverage`.
    partners : DataFrame or None
    reg : DataFrame, optional
        From :func:`registry` (for ``involved``).
    expertise_map : dict, optional
        Default :data:`DEFAULT_EXPERTISE_MAP`.
    levels : sequence of str, optional
        Problems whose coverage level is one of these (default: none and
        weak); ``None`` for every problem.
    problem_ids : sequence of str, optional
        Restrict to these problems.
    include_not_serving : bool

    Returns
    -------
    DataFrame
        One row per problem × partner: ``problem_id, title_fr, title_en,
        rank, level, gap_reason, partner_id, name, name_en, partner_kind,
        expertise_matched, targets_matched, n_matched, serves, involved``;
        by rank, then the best-matching partners first.

    Examples
    --------
    >>> pb = pd.DataFrame({"problem_id": ["F"], "categories": [("fraud", "cyber_fraud")],
    ...     "families": [("fraud_cyber",)], "sectors": [("A", "B")]})
    >>> s = pd.DataFrame({"problem_id": ["F"], "title_fr": ["Fraude"], "title_en": ["Fraud"],
    ...     "rank": pd.array([1], dtype="Int64"), "level": ["none"], "gap_reason": ["uncovered"],
    ...     "measures": [()]})
    >>> p = pd.DataFrame({"partner_id": ["P1", "P9"], "name": ["Ville", "Cyber-Aide"],
    ...     "kind": ["municipality", "non_profit"],
    ...     "expertise": [("lighting",), ("cybercrime", "fraud")], "sectors_served": [(), ()]})
    >>> partner_suggestions(pb, s, p)[["partner_id", "expertise_matched", "serves"]].values.tolist()
    [['P9', ('cybercrime', 'fraud'), 'all']]
    """
    emap = {k: set(v) for k, v in (expertise_map or DEFAULT_EXPERTISE_MAP).items()}
    cols = [
        "problem_id",
        "title_fr",
        "title_en",
        "rank",
        "level",
        "gap_reason",
        "partner_id",
        "name",
        "name_en",
        "partner_kind",
        "expertise_matched",
        "targets_matched",
        "n_matched",
        "serves",
        "involved",
    ]
    if partners is None or not len(partners) or not len(summary):
        return pd.DataFrame(columns=cols)
    s = summary
    if levels is not None:
        s = s[s["level"].isin(list(levels))]
    if problem_ids is not None:
        s = s[s["problem_id"].isin(list(problem_ids))]
    keep = [c for c in ("categories", "families", "sectors") if c in problems.columns]
    pb = dict(
        zip(
            problems["problem_id"].astype(str),
            problems[keep].to_dict("records"),
            strict=True,
        )
    )
    prts = partners.to_dict("records")  # once, not once per problem
    m_partners = (
        dict(zip(reg["measure_id"].astype(str), reg["partners"], strict=True))
        if reg is not None
        else {}
    )
    rows = []
    for rec in s.to_dict("records"):
        pid = str(rec["problem_id"])
        p = pb.get(pid, {})
        targets = set(_tuple(p.get("categories", ()))) | set(_tuple(p.get("families", ())))
        p_sectors = set(_tuple(p.get("sectors", ())))
        involved: set[str] | None = None  # the partners of its measures, when first needed
        for prt in prts:
            exp = _tuple(prt.get("expertise", ()))
            matched = tuple(e for e in exp if emap.get(e, set()) & targets)
            if not matched:
                continue
            served = set(_tuple(prt.get("sectors_served", ())))
            if not served or (p_sectors and p_sectors <= served):
                serves = "all"
            elif served & p_sectors:
                serves = "part"
            else:
                serves = "no"
                if not include_not_serving:
                    continue
            tm = sorted(set().union(*(emap[e] & targets for e in matched)))
            if involved is None:
                involved = {
                    str(q)
                    for m in _tuple(rec.get("measures", ()))
                    for q in _tuple(m_partners.get(m, ()))
                }
            rows.append(
                (
                    pid,
                    rec.get("title_fr", pid),
                    rec.get("title_en", pid),
                    rec.get("rank", pd.NA),
                    rec.get("level", ""),
                    rec.get("gap_reason", ""),
                    str(prt["partner_id"]),
                    prt.get("name", ""),
                    prt.get("name_en", "") or prt.get("name", ""),
                    prt.get("kind", ""),
                    matched,
                    tuple(tm),
                    len(matched),
                    serves,
                    str(prt["partner_id"]) in involved,
                )
            )
    out = pd.DataFrame(rows, columns=cols)
    if not len(out):
        return out
    out["rank"] = pd.array(out["rank"], dtype="Int64")
    out["_s"] = out["serves"].map({"all": 0, "part": 1, "no": 2})
    order = {p: i for i, p in enumerate(s["problem_id"].astype(str))}
    out["_o"] = out["problem_id"].map(order)
    out = out.sort_values(
        ["_o", "n_matched", "_s", "partner_id"], ascending=[True, False, True, True], kind="stable"
    ).drop(columns=["_s", "_o"])
    return out.reset_index(drop=True)
