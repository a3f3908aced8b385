"""Current risk per sector and family: level against baseline, risk matrix, citizen concern."""

from __future__ import annotations

import itertools
from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from typing import Any

import numpy as np
import pandas as pd

from .. import inventory, schema, settings, stats
from ._common import _pairs, _tuple


def _increasing(values: Mapping[str, float], name: str) -> tuple[float, ...]:
    """The values of a settings dictionary in the order of its keys, checked to increase."""
    out = tuple(float(values[k]) for k in sorted(values))
    if any(b <= a for a, b in itertools.pairwise(out)):
        raise ValueError(f"{name} must increase ({', '.join(sorted(values))}), got {dict(values)}")
    return out


LIKELIHOOD_EDGES: tuple[float, ...] = _increasing(
    settings.default("likelihood_edges"), "likelihood_edges"
)
"""Expected events per year separating the likelihood classes 1–5 (< 1, 1–5, 5–20, 20–100, ≥ 100).

Alias of the default of the ``likelihood_edges`` tunable."""

IMPACT_EDGES: tuple[float, ...] = _increasing(settings.default("impact_edges"), "impact_edges")
"""Mean severity weight separating the impact classes 1–5 (< 10, 10–30, 30–100, 100–500, ≥ 500).

Alias of the default of the ``impact_edges`` tunable."""

RISK_LEVEL_MAX: tuple[float, ...] = tuple(
    float(settings.default("risk_level_max")[k]) for k in ("low", "moderate", "high")
)
"""Highest risk score of the levels low, moderate and high (4, 9, 15); above: very high.

Alias of the default of the ``risk_level_max`` tunable."""

RISK_LEVELS: dict[str, tuple[str, str]] = _pairs(
    "evaluation.risk_level", ("low", "moderate", "high", "very_high")
)
"""Risk levels of the matrix in French and English: score = likelihood class × impact class;
≤ 4 low, ≤ 9 moderate, ≤ 15 high, above very high (:data:`RISK_LEVEL_MAX`)."""


@dataclass(frozen=True)
class RiskScale:
    """The classes and levels of the risk matrix of :func:`current_risk`.

    Attributes
    ----------
    likelihood_edges : tuple of float
        Expected events per year from which classes 2 to 5 of likelihood start.
    impact_edges : tuple of float
        Mean severity weight from which classes 2 to 5 of impact start.
    level_max : tuple of float
        Highest risk score (likelihood class × impact class) of the levels
        low, moderate and high; above the last: very high.

    Examples
    --------
    >>> RiskScale().level(7), RiskScale(level_max=(4, 6, 15)).level(7)
    ('moderate', 'high')
    """

    likelihood_edges: tuple[float, ...] = LIKELIHOOD_EDGES
    impact_edges: tuple[float, ...] = IMPACT_EDGES
    level_max: tuple[float, ...] = RISK_LEVEL_MAX

    @classmethod
    def from_parameters(cls, parameters: Mapping[str, Any]) -> RiskScale:
        """The scale of the ``likelihood_edges``, ``impact_edges`` and ``risk_level_max`` tunables.

        Raises ``ValueError`` when the edges or the levels do not increase.
        """
        levels = parameters["risk_level_max"]
        level_max = tuple(float(levels[k]) for k in ("low", "moderate", "high"))
        if any(b <= a for a, b in itertools.pairwise(level_max)):
            raise ValueError(f"risk_level_max must increase (low, moderate, high), got {levels}")
        return cls(
            _increasing(parameters["likelihood_edges"], "likelihood_edges"),
            _increasing(parameters["impact_edges"], "impact_edges"),
            level_max,
        )

    def level(self, score: Any) -> Any:
        """The level (``low``, ``moderate``, ``high``, ``very_high``) of risk scores."""
        low, moderate, high = self.level_max
        s = np.asarray(score)
        out = np.where(
            s <= low,
            "low",
            np.where(s <= moderate, "moderate", np.where(s <= high, "high", "very_high")),
        )
        return str(out) if out.ndim == 0 else out


def _concern_share(survey: pd.DataFrame | None, keys: Sequence[str]) -> pd.DataFrame:
    """Weighted share of respondents naming a concern of each family, by sector and for "*".

    Each respondent's concerns are read once, and each sector's respondents are a slice of
    the rows sorted by sector (in their order), so that every share is the same ``np.sum``
    over the same weights as a sector's own table would give.
    """
    columns = ["sector", "family", "concern", "concern_low", "concern_high", "respondents"]
    if survey is None or len(survey) == 0:
        return pd.DataFrame(columns=columns)
    fams = list(schema.FAMILIES)
    hits = _concern_hits(survey["concerns"].to_numpy(dtype=object), fams)
    w_all = (
        survey["weight"].astype("float64").fillna(1.0).to_numpy()
        if "weight" in survey.columns
        else np.ones(len(survey))
    )
    # the sectors as ``groupby("sector")`` gives them: sorted, a missing one left out
    codes, names = pd.factorize(survey["sector"].astype("str"), sort=True)
    order = np.argsort(codes, kind="stable")
    cut = np.searchsorted(codes[order], np.arange(len(names) + 1))
    groups = [(str(sid), order[cut[j] : cut[j + 1]]) for j, sid in enumerate(names)]
    groups.append(("*", None))
    sector, share, size = [], [], []
    for sid, rows in groups:
        w = w_all if rows is None else w_all[rows]
        total = np.sum(w)
        for fam in range(len(fams)):
            hit = hits[fam] if rows is None else hits[fam][rows]
            share.append(float(np.sum(w * hit) / total) if total > 0 else np.nan)
        sector += [sid] * len(fams)
        size += [len(w)] * len(fams)
    share_a, n = np.asarray(share, dtype="float64"), np.asarray(size, dtype="int64")
    lo, hi = stats.wilson_ci(share_a * n, n)
    return pd.DataFrame(
        {
            "sector": sector,
            "family": fams * len(groups),
            "concern": share_a,
            "concern_low": lo,
            "concern_high": hi,
            "respondents": n,
        },
        columns=columns,
    )


def _concern_hits(concerns: np.ndarray, fams: Sequence[str]) -> np.ndarray:
    """Whether each respondent names a concern of each family: ``(families, respondents)``."""
    lists = [_tuple(c) for c in concerns]
    fam_at = {f: k for k, f in enumerate(fams)}
    at = {c: fam_at[f] for c, f in schema.CONCERN_FAMILY.items() if f in fam_at}
    owner = np.repeat(np.arange(len(lists)), [len(c) for c in lists])
    flat = itertools.chain.from_iterable(lists)
    fam = np.fromiter((at.get(c, -1) for c in flat), dtype="int64", count=len(owner))
    out = np.zeros((len(fams), len(lists)), dtype="float64")
    out[fam[fam >= 0], owner[fam >= 0]] = 1.0
    return out


def current_risk(  # noqa: PLR0913 - the eight parameters of before, and the risk scale
    incidents: pd.DataFrame,
    sectors: pd.DataFrame,
    weights: pd.DataFrame,
    survey: pd.DataFrame | None = None,
    end: Any = None,
    months: int = 12,
    min_events: int = settings.default("min_events"),
    alpha: float = settings.default("alpha"),
    scale: RiskScale | None = None,
) -> pd.DataFrame:
    """Current risk per sector × family: level against baseline, risk matrix and citizen concern.

    - **Level**: events in the last ``months`` months against the mean of the
      earlier windows (E-test with FDR, :func:`diagnostic_lib.inventory.change`),
      as counts and rates per 1,000 residents.
    - **Likelihood** = expected events per year (the last window's count,
      per year), in classes 1–5 (:data:`LIKELIHOOD_EDGES`).
    - **Impact** = mean severity weight of the family's events in the sector
      (:mod:`diagnostic_lib.taxonomy` weights), classes 1–5 (:data:`IMPACT_EDGES`).
    - **Risk** = likelihood class × impact class, levels :data:`RISK_LEVELS`.
    - **Concern** = weighted share of surveyed residents of the sector naming a
      concern of the family, with a Wilson interval (shown beside, not in the score).

    Sector ``"*"`` is the whole municipality.

    Returns
    -------
    DataFrame
        ``sector, family, last, baseline_mean, ratio_baseline, p_baseline,
        q_baseline, label_baseline, label_fr, label_en, population, rate,
        rate_baseline, likelihood, likelihood_class, impact, impact_class,
        risk_score, risk_level, risk_fr, risk_en, concern, concern_low,
        concern_high, respondents``.

    Examples
    --------
    >>> from diagnostic_lib import loaders, sample
    >>> d = loaders.load_diagnostic(sample.sample_dir() / "diagnostic.toml")
    >>> r = current_risk(d.incidents, d.sectors, d.weights, d.survey, end="2026-01-01")
    >>> r.query("sector == '*' and family == 'fraud_cyber'")["label_baseline"].item()
    'significant_rise'
    """
    scale = RiskScale() if scale is None else scale
    ch = inventory.change(
        incidents,
        by=("sector", "family"),
        end=end,
        months=months,
        min_events=min_events,
        alpha=alpha,
    )
    ch = ch[ch["sector"].notna()]
    cm = inventory.change(
        incidents, by=("family",), end=end, months=months, min_events=min_events, alpha=alpha
    )
    cm.insert(0, "sector", "*")
    out = pd.concat([ch, cm], ignore_index=True)
    out["sector"] = out["sector"].astype("str")
    labels = inventory.CHANGE_LABELS
    out["label_fr"] = out["label_baseline"].map({k: v[0] for k, v in labels.items()})
    out["label_en"] = out["label_baseline"].map({k: v[1] for k, v in labels.items()})
    per_year = 12.0 / months
    _rates(out, sectors, per_year)
    _matrix(out, incidents, weights, per_year, scale)
    out["risk_fr"] = out["risk_level"].map({k: v[0] for k, v in RISK_LEVELS.items()})
    out["risk_en"] = out["risk_level"].map({k: v[1] for k, v in RISK_LEVELS.items()})
    out = out.merge(_concern_share(survey, ()), on=["sector", "family"], how="left")
    for c in _RISK_COLUMNS:
        if c not in out.columns:
            out[c] = np.nan
    out = (
        out[list(_RISK_COLUMNS)]
        .sort_values(["risk_score", "likelihood"], ascending=False, kind="stable")
        .reset_index(drop=True)
    )
    out.attrs.update(
        windows=ch.attrs.get("windows"),
        likelihood_edges=scale.likelihood_edges,
        impact_edges=scale.impact_edges,
        risk_level_max=scale.level_max,
    )
    return out


_RISK_COLUMNS = (
    "sector",
    "family",
    "last",
    "baseline_mean",
    "ratio_baseline",
    "p_baseline",
    "q_baseline",
    "label_baseline",
    "label_fr",
    "label_en",
    "population",
    "rate",
    "rate_baseline",
    "likelihood",
    "likelihood_class",
    "impact",
    "impact_class",
    "risk_score",
    "risk_level",
    "risk_fr",
    "risk_en",
    "concern",
    "concern_low",
    "concern_high",
    "respondents",
)


def _rates(out: pd.DataFrame, sectors: pd.DataFrame, per_year: float) -> None:
    """Population and yearly rates per 1,000 residents (last window and baseline), in place."""
    pop = dict(
        zip(
            sectors["sector_id"].astype(str),
            sectors.get("population", pd.Series(np.nan, index=sectors.index)).astype("float64"),
            strict=True,
        )
    )
    pop["*"] = float(np.nansum(list(pop.values())))
    out["population"] = out["sector"].map(pop).astype("float64")
    with np.errstate(divide="ignore", invalid="ignore"):
        out["rate"] = np.where(
            out["population"] > 0, out["last"] * per_year / out["population"] * 1000, np.nan
        )
        out["rate_baseline"] = np.where(
            out["population"] > 0,
            out["baseline_mean"] * per_year / out["population"] * 1000,
            np.nan,
        )


def _matrix(
    out: pd.DataFrame,
    incidents: pd.DataFrame,
    weights: pd.DataFrame,
    per_year: float,
    scale: RiskScale,
) -> None:
    """Likelihood, impact, their classes, the risk score and its level, in place."""
    imp_s, imp_m = _impacts(incidents, weights)
    out["likelihood"] = out["last"] * per_year
    out["likelihood_class"] = np.digitize(out["likelihood"], scale.likelihood_edges) + 1
    out["impact"] = [
        imp_m.get(f, np.nan) if s == "*" else imp_s.get((s, f), np.nan)
        for s, f in zip(out["sector"], out["family"], strict=True)
    ]
    out["impact_class"] = np.where(
        out["impact"].notna(), np.digitize(out["impact"].fillna(0), scale.impact_edges) + 1, 1
    )
    out["risk_score"] = out["likelihood_class"] * out["impact_class"]
    out["risk_level"] = scale.level(out["risk_score"].to_numpy())


def _impacts(incidents: pd.DataFrame, weights: pd.DataFrame) -> tuple[dict, dict]:
    """Mean severity weight of the incidents by ``(sector, family)`` and by family.

    A sector left blank counts as ``"?"``; an incident without a family, in none.
    Grouped on the columns' codes, not their text (a string an incident was
    hundreds of MB at 5M): the same means, each group summed in the order of its rows.
    """
    w = weights["weight"] if "weight" in weights.columns else weights.iloc[:, 0]
    c_codes, c_u = pd.factorize(incidents["category"])
    per_cat = pd.Series(np.asarray(c_u, dtype=object), dtype="str").map(w.to_dict())
    sev = np.append(per_cat.astype("float64").to_numpy(), np.nan)[c_codes]  # -1: none
    f_codes, f_u = pd.factorize(incidents["family"])
    s_codes, s_u = pd.factorize(incidents["sector"])
    # the sectors' text and "?" for none, each text once (a sector named "?" is one with them)
    s_text = np.append(np.asarray(s_u, dtype=object).astype("str"), "?")
    s_key, s_names = pd.factorize(s_text)
    s_key = s_key[s_codes]
    kept = f_codes >= 0
    sev_k, f_k = pd.Series(sev[kept]), f_codes[kept]
    by_sector = sev_k.groupby([s_key[kept], f_k], sort=False).mean()
    by_family = sev_k.groupby(f_k, sort=False).mean()
    f_names = np.asarray(f_u, dtype=object).astype("str")
    imp_s = {(s_names[a], f_names[b]): v for (a, b), v in by_sector.items()}
    imp_m = {f_names[b]: v for b, v in by_family.items()}
    return imp_s, imp_m
