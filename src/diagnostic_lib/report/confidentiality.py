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
from typing import Any

import numpy as np
import pandas as pd

from .. import formatting as fmt
from .. import settings
from ..inventory.register import CHEERS
from ..inventory.walks import walk_count_columns

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
NOT_PEOPLE_COUNTS = frozenset(
    {
        "n_measures",
        "n_pillars",
        "n_problems",
        "n_priority_problems",
        "n_gap_problems",
        "n_measures_local",
        "n_measures_municipal",
        "n_active",
        "n_matched",
        "n_partners",
        "n_responses",
        "placebos",
        "placebo_dates",
        "measures_judged",
        "baseline_windows",
        "rows_in",
        "rows_kept",
        "rows_rejected",
        "rows_flagged",
    }
)
"""Counts of measures, pillars, problems, partners or file rows: about no person, never masked.

The ledger's row counts are counts of records in a file, shown as they are in the
executive summary too."""

INDEPENDENT_COLUMNS = frozenset(
    {
        "population",
        "base",
        "area_km2",
        "area_share",
        "rank",
        "problem_rank",
        "crime_rank",
        "concern_rank",
        "year",
        "period",
        "months",
        "months_active",
        "window_months",
        "lag_months",
        "buffer_m",
        "nominal",
        "groups",
        "row",
        "col",
        "d_low",
        "d_high",
        "t_low",
        "t_high",
        "covers_year",
        "recorded",
        *NOT_PEOPLE_COUNTS,
    }
)
"""Numeric columns that do not depend on a row's counts (kept when a count is suppressed)."""

GROUP_KEYS = frozenset(
    {"group", "family", "category", "period", "year", "month", "quarter", "window"}
)
"""Columns that split a table into groups, each with its own municipal total."""

TOTAL_LABELS = frozenset({"", "*", "total", "Total", "TOTAL"})
"""Values of the ``sector`` column that mark a municipality-wide total row."""

POINT_COLUMNS = frozenset(
    {
        "geometry",
        "x",
        "y",
        "lon",
        "lat",
        "longitude",
        "latitude",
        "wkt",
        "source_row",
        "source_file",
    }
)
"""Point-level columns (positions, source rows): never in a public table."""
FREE_TEXT_COLUMNS = frozenset(
    {
        "notes",
        "value",
        "detail",
        *(f"cheers_{x}{suffix}" for x in CHEERS for suffix in ("", "_fr", "_en")),
        "file",
        "category_label",
        "comment",
    }
)
"""Free-text fields (notes, survey answers, file names, the comments of safety walks):
never in a public table."""


def suppression_marker(threshold: int) -> str:
    """The text shown instead of a suppressed count.

    Examples
    --------
    >>> suppression_marker(5)
    '< 5'
    """
    return f"< {threshold}"


PROTECTED_MARKER: str = fmt.PROTECTED
"""The text shown instead of a count hidden only so that a small one cannot be worked out
by subtraction (complementary suppression): it may be large, so it never reads "< k"."""


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


def public_frame(
    frame: pd.DataFrame, threshold: int = SMALL_COUNT, protect: Any = None
) -> pd.DataFrame:
    """A table fit for partners and the public.

    Removes point-level columns (geometry, coordinates, source rows) and
    free-text fields, and replaces every count below ``threshold`` — and the
    rates and ratios computed from it on the same row — with ``"< threshold"``
    (:func:`suppress_small_counts`). Where a group publishes its total, the
    next smallest count of a group with one hidden count is hidden too
    (:func:`complementary_cells`) and reads :data:`PROTECTED_MARKER` (``"x"``):
    it may be large. Shares of survey respondents that stand for fewer than
    ``threshold`` of them, or for all but fewer (:func:`small_shares`), read
    ``"x"`` too.

    Parameters
    ----------
    frame : DataFrame
    threshold : int
        Counts below it are suppressed (default: :data:`SMALL_COUNT`).
    protect : array of bool, optional
        Rows (by position) whose counts another published table hides: they are
        hidden here too (``"x"`` where not small), so that the two tables do not
        undo each other's suppression, and count as hidden for the complements.

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
    counts = [c for c in out.columns if is_people_count(c)]
    derived = [
        c
        for c in out.columns
        if c not in counts and str(c) not in INDEPENDENT_COLUMNS and _valued(out[c])
    ]
    already = None if protect is None else np.asarray(protect, dtype=bool)
    hidden = complementary_cells(out, counts, threshold, already)
    if already is not None:  # a missing count stays missing, not "x"
        for c in counts:
            present = pd.to_numeric(out[c], errors="coerce").notna().to_numpy()
            hidden[c] = hidden.get(c, np.zeros(len(out), dtype=bool)) | (already & present)
    shares = small_shares(out, threshold)
    out = suppress_small_counts(out, counts, threshold, derived)
    for c, mask in shares.items():
        out[c] = out[c].astype(object)
        out.loc[mask, c] = PROTECTED_MARKER
    for c, mask in hidden.items():
        if mask.any():
            # hidden to protect a small count elsewhere: "x", since it may be large (a
            # small one keeps its "< k")
            out[c] = out[c].astype(object)
            shown_small = out[c].astype(str).eq(suppression_marker(threshold)).to_numpy()
            out.loc[mask & ~shown_small, c] = PROTECTED_MARKER
            for d in derived:
                out[d] = out[d].astype(object)
                small = out[d].astype(str).eq(suppression_marker(threshold))
                out.loc[mask & ~small.to_numpy(), d] = PROTECTED_MARKER
    return out


def public_numbers(
    frame: pd.DataFrame, columns: Sequence[str], threshold: int = SMALL_COUNT
) -> pd.DataFrame:
    """``frame`` with the values :func:`public_frame` hides set to NaN in ``columns``.

    For a public figure drawn from a table: the figure needs numbers, and a value
    the public table hides (``"< threshold"`` or :data:`PROTECTED_MARKER`) must not
    be drawn either. Rows, index and the other columns are kept as they are.

    Parameters
    ----------
    frame : DataFrame
    columns : sequence of str
        The columns the figure draws (those absent are ignored).
    threshold : int
        As in :func:`public_frame`.

    Returns
    -------
    DataFrame
        A copy.

    Examples
    --------
    >>> k = pd.DataFrame({"observed": [2, 40], "ratio": [3.0, 1.5]})
    >>> public_numbers(k, ["ratio"], 5)["ratio"].tolist()
    [nan, 1.5]
    """
    shown = public_frame(frame, threshold)
    out = frame.copy()
    for c in columns:
        if c in out.columns and c in shown.columns:
            kept = pd.to_numeric(shown[c], errors="coerce").notna() | frame[c].isna()
            out[c] = frame[c].astype("float64").where(kept.to_numpy())
    return out


def _valued(col: pd.Series) -> bool:
    """Numbers or true/false flags (what a row's counts can be read back from), not text."""
    if pd.api.types.is_numeric_dtype(col) or pd.api.types.is_bool_dtype(col):
        return True
    vals = col.dropna()
    return bool(len(vals)) and all(isinstance(v, (bool, np.bool_)) for v in vals.head(50))


_WALK_COUNTS = frozenset(walk_count_columns())


SHARE_COLUMNS = frozenset({"concern", "unsafe_night"})
"""Shares of survey respondents (besides every ``concern_…`` column), with their bounds."""


def is_share(column: object) -> bool:
    """Whether a column holds a share of survey respondents (or one of its bounds).

    Examples
    --------
    >>> is_share("concern_drugs"), is_share("unsafe_night_low"), is_share("safety_day")
    (True, True, False)
    """
    c = str(column)
    base = c.removesuffix("_low").removesuffix("_high")
    return base in SHARE_COLUMNS or base.startswith("concern_")


def small_shares(frame: pd.DataFrame, threshold: int = SMALL_COUNT) -> dict[str, np.ndarray]:
    """Shares of respondents that stand for fewer than ``threshold`` people, or all but fewer.

    A share of 0 says that no respondent named the concern; with the published
    number of respondents, any share gives back about how many did (weights
    blur it only a little), and one minus it how many did not. A share is
    hidden, with its bounds, where share × respondents or (1 − share) ×
    respondents is below ``threshold``; in a table with a ``respondents``
    column only.

    Parameters
    ----------
    frame : DataFrame
    threshold : int

    Returns
    -------
    dict of str to ndarray of bool
        Per share column (and bound), the cells to hide.

    Examples
    --------
    >>> t = pd.DataFrame({"respondents": [8, 60, 60], "concern_drugs": [0.0, 0.05, 0.5]})
    >>> small_shares(t, 5)["concern_drugs"].tolist()
    [True, True, False]
    """
    out: dict[str, np.ndarray] = {}
    if "respondents" not in frame.columns:
        return out
    n = pd.to_numeric(frame["respondents"], errors="coerce").to_numpy(dtype="float64")
    for c in frame.columns:
        if not is_share(c) or str(c).endswith(("_low", "_high")):
            continue
        share = pd.to_numeric(frame[c], errors="coerce").to_numpy(dtype="float64")
        with np.errstate(invalid="ignore"):
            few = np.isfinite(share) & ((share * n < threshold) | ((1 - share) * n < threshold))
        if few.any():
            for col in (c, f"{c}_low", f"{c}_high"):
                if col in frame.columns:
                    out[col] = few
    return out


def is_people_count(column: object) -> bool:
    """Whether a column holds counts of events or people (suppressed when small).

    Examples
    --------
    >>> is_people_count("n_incidents"), is_people_count("n_measures"), is_people_count("last")
    (True, False, True)
    >>> is_people_count("walk_observations"), is_people_count("walk_lighting")
    (True, True)
    """
    c = str(column)
    if c in NOT_PEOPLE_COUNTS:
        return False
    walk = c in _WALK_COUNTS  # the counts of safety-walk observations
    return c in COUNT_COLUMNS or c.startswith("n_") or c.endswith("_count") or walk


def complementary_cells(
    frame: pd.DataFrame,
    counts: Sequence[str],
    threshold: int = SMALL_COUNT,
    already: np.ndarray | None = None,
) -> dict[str, np.ndarray]:
    """Cells to hide besides the small ones, so that no small one can be recovered.

    A table that publishes a municipality-wide total (a row whose ``sector`` is
    empty or ``*``) lets a reader subtract: with one sector's count hidden in a
    group, it is the total minus the others. As statistical agencies do, the
    next smallest count of that group is hidden too (complementary
    suppression). Groups are the rows sharing the values of :data:`GROUP_KEYS`
    (e.g. a family and a year). The hidden counts' sum is still known, and it
    must leave each small one its whole range (two counts below 5 summing to 8
    are both 4; 2 beside a complement, known to be at least 5, summing to 7 is at
    most 2): the complement is the smallest count that does (:func:`_protect`).

    A total's ``rate`` is a second total when some sectors have none (no
    population): it counts only the sectors with a rate, so rate × base gives
    their sum back, and the others' sum follows from the total. Each of the
    two subsets then gets the rule of the whole group; where that would hide
    more cells than the total's rate does, the
    total's rate is hidden instead (key ``"rate"``).

    Parameters
    ----------
    frame : DataFrame
    counts : sequence of str
        The count columns.
    threshold : int
    already : ndarray of bool, optional
        Rows whose counts are hidden anyway (by another table's rule): they
        count as hidden, and are not returned.

    Returns
    -------
    dict of str to ndarray of bool
        Per count column, the extra cells to hide (row positions); and under
        ``"rate"``, the total rows whose rate is to be hidden.

    Examples
    --------
    >>> t = pd.DataFrame({"sector": ["A", "B", "C", "*"], "count": [3, 40, 9, 52]})
    >>> complementary_cells(t, ["count"], 5)["count"].tolist()
    [False, False, True, False]

    Sector C has no population, so the municipality's rate counts A and B only
    (43 incidents): hiding C would leave A = 43 − 40, so B goes instead.

    >>> t["rate"] = [1.5, 20.0, float("nan"), 10.75]
    >>> complementary_cells(t, ["count"], 5)["count"].tolist()
    [False, True, False, False]
    """
    out: dict[str, np.ndarray] = {}
    if "sector" not in frame.columns or not len(frame):
        return out
    sector = frame["sector"]
    total = (sector.isna() | sector.astype(str).str.strip().isin(TOTAL_LABELS)).to_numpy()
    if not total.any():
        return out
    keys = [c for c in frame.columns if str(c) in GROUP_KEYS and c not in counts]
    groups = (
        frame.groupby([frame[k].astype(str) for k in keys], sort=False).indices
        if keys
        else {(): np.arange(len(frame))}
    )
    rate = (
        pd.to_numeric(frame["rate"], errors="coerce").to_numpy(dtype="float64")
        if "rate" in frame.columns
        else None
    )
    hide_rate = np.zeros(len(frame), dtype=bool)
    for c in counts:
        if c not in frame.columns:
            continue
        vals = pd.to_numeric(frame[c], errors="coerce").to_numpy(dtype="float64")
        small = np.isfinite(vals) & (vals < threshold)
        hidden0 = small.copy()
        if already is not None:  # hidden by another table: hidden here as well
            hidden0 |= already & np.isfinite(vals)
        extra = np.zeros(len(frame), dtype=bool)
        for pos in groups.values():
            pos = np.asarray(pos)
            tot = pos[total[pos]]
            if not len(tot) or small[tot].all():
                continue  # no published total in this group
            parts = pos[~total[pos] & np.isfinite(vals[pos])]
            subsets = [parts]
            if c == "count" and rate is not None and np.isfinite(rate[tot]).any():
                with_rate = np.isfinite(rate[parts])
                if with_rate.any() and not with_rate.all():
                    # the narrower sums first: protecting both protects their union
                    subsets = [parts[with_rate], parts[~with_rate], parts]
            both = _protect(subsets, hidden0, small, vals, threshold)
            alone = _protect(subsets[-1:], hidden0, small, vals, threshold)
            if both is not None and both.sum() <= alone.sum() + 1:
                extra |= both
            else:  # the total's rate goes, and with it the two subsets' sums
                extra |= alone
                hide_rate[tot] = True
        out[c] = extra & ~hidden0
    if hide_rate.any():
        out["rate"] = hide_rate
    return out


def _protect(
    subsets: list[np.ndarray],
    hidden0: np.ndarray,
    small: np.ndarray,
    vals: np.ndarray,
    threshold: int,
) -> np.ndarray | None:
    """The extra cells that leave each hidden small count its whole range in every subset.

    A subset's sum is published, so its hidden counts' sum is known; a reader
    knows a small one is 0 to ``threshold − 1`` and one hidden as a complement
    (``"x"``) at least ``threshold``. A small count keeps its whole range only if
    the hidden sum leaves it room: sum ≥ (threshold − 1) + threshold × (number of
    complements). Two counts below 5 summing to 8 are both 4; one of 2 beside a
    complement of 5 (sum 7) is at most 2. Until that holds, the smallest shown
    count that makes it hold (else the largest) is hidden too. ``hidden0``: counts
    hidden already (small, or hidden by another table); ``small``: those truly
    below the threshold. ``None`` when a subset has no count left to hide.
    """
    extra = np.zeros(len(vals), dtype=bool)
    changed = True
    while changed:
        changed = False
        for part in subsets:
            hidden = hidden0[part] | extra[part]
            if not (hidden & small[part]).any():
                continue  # no small count hidden here
            complements = int((hidden & ~small[part]).sum())
            total = float(vals[part][hidden].sum())
            if complements and total >= (threshold - 1) + threshold * complements:
                continue  # every small count keeps its whole range
            shown = part[~hidden]
            if not len(shown):
                if part is subsets[-1]:
                    continue  # the total itself is that count: nothing to subtract from
                return None
            need = (threshold - 1) + threshold * (complements + 1) - total
            enough = shown[vals[shown] >= need]
            pick = enough[np.argmin(vals[enough])] if len(enough) else shown[np.argmax(vals[shown])]
            extra[pick] = True
            changed = True
    return extra
