"""Confidentiality: what a public table may show.

The one rule of the project for small counts (:func:`suppress_small_counts`),
used by the public report and the partners' dashboard, and the columns a
public table never shows (:func:`public_frame`): point-level data
(:data:`POINT_COLUMNS`) and free text (:data:`FREE_TEXT_COLUMNS`). The counts
are the columns of :data:`COUNT_COLUMNS` (and any ``n_…`` or ``…_count``
column); :data:`DERIVED_FROM_COUNT` names the rates computed from one count.

Examples
--------
>>> import pandas as pd
>>> public_frame(pd.DataFrame({"sector": ["A"], "count": [2]}), 5)["count"].tolist()
['< 5']
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence

import numpy as np
import pandas as pd

from .. import settings

SMALL_COUNT: int = settings.default("small_count")
"""The default small-count threshold: the ``small_count`` tunable of the settings."""

COUNT_COLUMNS = frozenset(
    {
        "count",
        "n",
        "n_incidents",
        "last",
        "previous",
        "last_12",
        "previous_12",
        "baseline",
        "target",
        "observed",
        "respondents",
        "rows_in",
        "rows_kept",
        "rows_rejected",
        "rows_flagged",
        "control_events",
        "a0",
        "a1",
        "b0",
        "b1",
        "c0",
        "c1",
        "d0",
        "d1",
        "events",
        "incidents",
        "treated_before",
        "treated_after",
        "buffer_before",
        "buffer_after",
        "control_before",
        "control_after",
        "baseline_total",
    }
)
"""Columns holding counts of events or people: suppressed below the threshold for the public."""

DERIVED_FROM_COUNT = {
    "count": ("rate", "rate_low", "rate_high"),
    "n_incidents": ("per_year", "rate", "local_rate"),
    "last": ("ratio", "ratio_baseline"),
}
"""Count column → the rates and ratios computed from that count alone (hidden with it)."""
POINT_COLUMNS = frozenset(
    {"geometry", "x", "y", "lon", "lat", "longitude", "latitude", "wkt", "source_row"}
)
"""Point-level columns (positions, source rows): never in a public table."""
FREE_TEXT_COLUMNS = frozenset(
    {
        "notes",
        "value",
        "detail",
        "cheers_community",
        "cheers_harm",
        "cheers_expectation",
        "cheers_events",
        "cheers_recurring",
        "cheers_similarity",
        "file",
        "category_label",
    }
)
"""Free-text fields (notes, survey answers, file names): never in a public table."""


def suppression_marker(threshold: int) -> str:
    """The text shown instead of a suppressed count.

    Examples
    --------
    >>> suppression_marker(5)
    '< 5'
    """
    return f"< {threshold}"


def suppress_small_counts(
    frame: pd.DataFrame,
    count_cols: Sequence[str],
    threshold: int = SMALL_COUNT,
    dependent_cols: Sequence[str] | Mapping[str, Sequence[str]] = (),
    dependent_marker: str | None = None,
) -> pd.DataFrame:
    """Hide every count below ``threshold`` (zero included) and what would give it away.

    The one rule of the project for small counts, used by the public report and
    the partners' dashboard: a count from 0 to ``threshold − 1`` reads
    ``"< threshold"``; on those rows the dependent columns (rates, intervals,
    ratios computed from the count) read ``dependent_marker`` (default: the
    same ``"< threshold"``).

    Parameters
    ----------
    frame : DataFrame
    count_cols : sequence of str
        Columns holding counts of events or people (missing ones are ignored).
    threshold : int
        Counts below it are suppressed (default: :data:`SMALL_COUNT`).
    dependent_cols : sequence of str, or dict
        Columns hidden on a row where *any* count is small; or a mapping
        count column → the columns derived from that count only.
    dependent_marker : str, optional

    Returns
    -------
    DataFrame
        A copy, index preserved (object columns where suppression happened).

    Examples
    --------
    >>> t = pd.DataFrame({"n": [0, 3, 12], "rate": [0.0, 1.2, 4.8]}, index=[7, 8, 9])
    >>> suppress_small_counts(t, ["n"], 5, ["rate"], "—").to_dict("index")
    {7: {'n': '< 5', 'rate': '—'}, 8: {'n': '< 5', 'rate': '—'}, 9: {'n': 12, 'rate': 4.8}}
    """
    out = pd.DataFrame(frame).copy()
    marker = suppression_marker(threshold)
    dep_marker = marker if dependent_marker is None else dependent_marker
    small_any = np.zeros(len(out), dtype=bool)
    for c in count_cols:
        if c not in out.columns:
            continue
        vals = pd.to_numeric(out[c], errors="coerce")
        small = ((vals < threshold) & vals.notna()).to_numpy()
        if small.any():
            out[c] = out[c].astype(object)
            out.loc[small, c] = marker
            small_any |= small
            if isinstance(dependent_cols, Mapping):
                for d in dependent_cols.get(c, ()):
                    if d in out.columns:
                        out[d] = out[d].astype(object)
                        out.loc[small, d] = dep_marker
    if not isinstance(dependent_cols, Mapping) and small_any.any():
        for d in dependent_cols:
            if d in out.columns:
                out[d] = out[d].astype(object)
                out.loc[small_any, d] = dep_marker
    return out


def public_frame(frame: pd.DataFrame, threshold: int = SMALL_COUNT) -> pd.DataFrame:
    """A table fit for partners and the public.

    Removes point-level columns (geometry, coordinates, source rows) and
    free-text fields, and replaces every count below ``threshold`` — and the
    rates and ratios computed from it on the same row — with ``"< threshold"``
    (:func:`suppress_small_counts`).

    Parameters
    ----------
    frame : DataFrame
    threshold : int
        Counts below it are suppressed (default: :data:`SMALL_COUNT`).

    Returns
    -------
    DataFrame
        A copy (object columns where suppression happened).

    Examples
    --------
    >>> df = pd.DataFrame(
    ...     {"sector": ["A", "B"], "count": [3, 12], "rate": [0.5, 2.0], "notes": ["x", "y"]}
    ... )
    >>> public_frame(df).values.tolist()
    [['A', '< 5', '< 5'], ['B', 12, 2.0]]
    """
    out = pd.DataFrame(frame)
    drop = [
        c for c in out.columns if str(c).lower() in POINT_COLUMNS or str(c) in FREE_TEXT_COLUMNS
    ]
    out = out.drop(columns=drop)
    counts = [
        c
        for c in out.columns
        if str(c) in COUNT_COLUMNS or str(c).startswith("n_") or str(c).endswith("_count")
    ]
    return suppress_small_counts(out, counts, threshold, DERIVED_FROM_COUNT)
