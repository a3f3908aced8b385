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

from collections.abc import Callable, Mapping

import numpy as np
import pandas as pd

from .. import settings

PRIORITY_WEIGHTS: dict[str, float] = settings.default("priority_weights")
"""Default weights of the priority score (they need not sum to 1; the score divides by
the sum of the weights of the components available for each problem)."""

DEFAULT_PRIORITY_WEIGHTS = PRIORITY_WEIGHTS
"""The old name of :data:`PRIORITY_WEIGHTS`."""

PRIORITY_COMPONENTS = tuple(PRIORITY_WEIGHTS)
"""The built-in components, in the order of the table."""


def priority(
    problems: pd.DataFrame,
    weights: Mapping[str, float] | None = None,
    extra: Mapping[str, pd.Series] | None = None,
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

    ``score = Σ w_c · x_c / Σ w_c`` over the components **available** for the
    problem (missing components are listed in ``missing`` and their weight is
    left out, so a problem is neither punished nor rewarded for missing data).
    Ties get the same rank (``rank`` uses the minimum) and are flagged in
    ``tied``; the order then breaks ties by severity, then by id.

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

    Returns
    -------
    DataFrame
        ``problem_id, title_fr, title_en, rank, score, tied, missing`` and for
        each component its raw value (``<c>_raw``), normalised value
        (``<c>``), weight (``<c>_weight``) and contribution (``<c>_points``).

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
    [['A', 1, 'vulnerability'], ['B', 2, 'hotspot;vulnerability']]
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
    _add_score(out, raw, w)
    return _ranked(out, pb)


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


def _add_score(out: pd.DataFrame, raw: Mapping[str, pd.Series], w: Mapping[str, float]) -> None:
    """Normalise each component, add its columns, the score and the missing components."""
    idx = out.index
    num = pd.Series(0.0, index=idx)
    den = pd.Series(0.0, index=idx)
    missing = pd.Series([[] for _ in idx], index=idx, dtype=object)
    for c, wt in w.items():
        r = raw[c]
        if c in ("trend", "vulnerability"):
            norm = r.clip(0, 1)
        else:
            mx = r.max(skipna=True)
            norm = r / mx if pd.notna(mx) and mx > 0 else r * 0.0
        out[f"{c}_raw"] = r
        out[c] = norm
        out[f"{c}_weight"] = float(wt)
        avail = norm.notna()
        out[f"{c}_points"] = np.where(avail, float(wt) * norm.fillna(0.0), np.nan)
        if wt > 0:
            num += float(wt) * norm.fillna(0.0)
            den += np.where(avail, float(wt), 0.0)
            for i in idx[~avail.to_numpy()]:
                missing[i].append(c)
    with np.errstate(invalid="ignore", divide="ignore"):
        out["score"] = np.where(den > 0, num / den, np.nan)
    out["missing"] = missing.map(";".join)


def _ranked(out: pd.DataFrame, pb: pd.DataFrame) -> pd.DataFrame:
    """Sort by score (ties by severity, then id), rank with ties, identity columns first."""
    idx = out.index
    sev = (
        pb["severity"].astype("float64") if "severity" in pb.columns else pd.Series(0.0, index=idx)
    )
    out["_sev"] = sev.to_numpy()
    out = out.sort_values(
        ["score", "_sev", "problem_id"],
        ascending=[False, False, True],
        kind="stable",
        na_position="last",
    )
    out["rank"] = out["score"].round(12).rank(ascending=False, method="min").astype("Int64")
    out["tied"] = out["score"].round(12).duplicated(keep=False) & out["score"].notna()
    out = out.drop(columns="_sev")
    front = [
        "problem_id",
        *[c for c in ("title_fr", "title_en", "kind") if c in out.columns],
        "rank",
        "score",
        "tied",
        "missing",
    ]
    return out[front + [c for c in out.columns if c not in front]].reset_index(drop=True)
