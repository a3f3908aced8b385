"""One exceptional month in a measure's windows: found, and counted at its prediction.

A single month of a mass event in the treated area (a festival, a riot, one
offender's spree) can make a before/after comparison on its own: five times the
usual count in one month of the after window reads as a measure that made things
worse, or rules out the effect of one that worked. :func:`exceptional_month`
finds such a month: in its window (before or after), the treated area's count
against what the other months of the same window predict from the control's
count that month, studentised by the other months' own spread (quasi-Poisson,
each month left out in turn) and read on Student's t, with a Bonferroni bound
over the windows' months. A month found is left out of every zone's sum,
with the month at the same place in the other window, so that both windows keep
the same length and season (:func:`screened_sums`).

A month that the control shares (an event across the municipality) is not
exceptional: the control's count carries it into the prediction. A level that
moves for several months is not one month: the other months of the window share it.

Examples
--------
>>> import numpy as np
>>> a = np.array([10, 12, 9, 11, 10, 8, 12, 10, 11, 9, 10, 12] * 2)
>>> a[18] = 55  # a mass event in the seventh month of the after window
>>> c = np.full(24, 1000)
>>> w = np.array(["before"] * 12 + ["after"] * 12, dtype=object)
>>> exceptional_month(a, c, w, np.ones(24, bool))
18
"""

from __future__ import annotations

from typing import Any

import numpy as np
import pandas as pd
from scipy import stats as _st

from .. import settings

FEWEST_MONTHS = 6
"""Fewest covered months a window needs for its months to be screened."""

SPREAD_BOUND = 0.10
"""The spread of the other months is read at its upper bound at this level (chi-square)."""

MIN_RATIO = 3.0
"""Smallest ratio of a month's count to its prediction for it to be exceptional."""


def exceptional_month(
    treated: Any,
    control: Any,
    window: Any,
    covered: Any,
    alpha: float = settings.default("exceptional_month_alpha"),
) -> int | None:
    """The treated area's exceptional month in the before and after windows, if any.

    Each covered month of the before and after windows is predicted from the
    control's count that month and the treated area's share of the control over the
    other months of its window; its residual is studentised by the spread of every
    other month of both windows (quasi-Poisson, each window its own share) and read
    on Student's t (the spread is estimated, from few months). The month of smallest
    p-value is exceptional when that p-value is under ``alpha`` over the number of
    months (Bonferroni) and its count at least :data:`MIN_RATIO` times its prediction.

    Parameters
    ----------
    treated, control : array-like of int
        The treated area's and the control's count of each month (in time order).
    window : array-like of str
        Each month's window (``"before"``, ``"after"``; other months are not read).
    covered : array-like of bool
        Whether the month holds data (a gap month is never exceptional).
    alpha : float
        Family-wise level over the windows' months (0: no screening).

    Returns
    -------
    int or None
        The position of the exceptional month; None when no month stands out.

    Examples
    --------
    >>> import numpy as np
    >>> w = np.array(["before"] * 12 + ["after"] * 12, dtype=object)
    >>> exceptional_month(np.full(24, 10), np.full(24, 1000), w, np.ones(24, bool)) is None
    True
    """
    a = np.asarray(treated, dtype="float64")
    c = np.asarray(control, dtype="float64")
    win = np.asarray(window, dtype=object)
    ok = np.asarray(covered, dtype=bool)
    places = {w: np.flatnonzero(win == w) for w in ("before", "after")}
    used = {w: v[ok[v]] for w, v in places.items()}
    if not alpha > 0 or any(len(v) < FEWEST_MONTHS for v in used.values()):
        return None
    pos = np.concatenate([used["before"], used["after"]])
    group = np.repeat([0, 1], [len(used["before"]), len(used["after"])])
    p, ratio = _tail(a[pos], c[pos], group)
    k = int(np.argmin(p))
    if not (p[k] < alpha / len(pos) and ratio[k] >= MIN_RATIO):
        return None
    return int(pos[k])


def _tail(a: np.ndarray, c: np.ndarray, group: np.ndarray) -> tuple[np.ndarray, np.ndarray]:
    """Each month's upper tail p-value and count/prediction ratio, the month left out.

    ``group``: each month's window (0, 1); each window has its own share of the control.
    """
    k = len(a)
    leave = ~np.eye(k, dtype=bool)  # row m: the months other than m
    same = group[:, None] == group[None, :]
    base = c if c.min() > 0 else np.ones(k)  # no usable control: the months' mean
    num = np.where(leave & same, a[None, :], 0.0).sum(axis=1)  # row m: its window without it
    den = np.where(leave & same, base[None, :], 0.0).sum(axis=1)
    share = num / np.maximum(den, 1e-9)
    full = np.array([a[group == g].sum() / base[group == g].sum() for g in (0, 1)])
    # row m: each month's prediction (its window's share without m; the other window's all)
    mu_all = np.maximum(np.where(same, share[:, None], full[group][None, :]) * base, 1e-9)
    pearson = np.where(leave, (a[None, :] - mu_all) ** 2 / mu_all, 0.0).sum(axis=1)
    df = max(k - 3, 1)  # k − 1 months, two shares
    # the other months' spread, at its upper confidence bound (few months estimate it)
    phi = np.maximum(pearson / _st.chi2.ppf(SPREAD_BOUND, df), 1.0)
    mu = np.diagonal(mu_all)
    # negative binomial of mean mu and variance phi * mu (Poisson when phi is 1)
    p = _st.poisson.sf(a - 1, mu)
    nb = phi > 1.0 + 1e-9
    size = mu[nb] / (phi[nb] - 1.0)
    p[nb] = _st.nbinom.sf(a[nb] - 1, size, size / (size + mu[nb]))
    return np.where(num > 0, p, 1.0), a / mu


def screened(
    columns: dict[str, np.ndarray], alpha: float = settings.default("exceptional_month_alpha")
) -> tuple[dict[str, np.ndarray], dict[str, Any]]:
    """A measure's monthly table with an exceptional month's treated count set to its prediction.

    The month's count in the treated area becomes what the other months of its
    window predict from the control's count that month; every window sum, the
    dispersion and the placebo-based estimates then read the screened table, and
    the windows keep their length and season (the other zones are untouched: the
    event was in the treated area).

    Parameters
    ----------
    columns : dict of arrays
        A measure's monthly table as its columns (``month``, ``window``, ``zone``,
        ``count``, ``covered``; the zones one after the other).
    alpha : float
        Family-wise level of the screen (0: none).

    Returns
    -------
    (dict, dict)
        The columns (the same object when no month is exceptional, else a copy) and
        what was screened: ``exceptional_month`` (its first day, else NaT),
        ``exceptional_count`` (its count in the treated area) and
        ``exceptional_ratio`` (that count over its prediction).

    Examples
    --------
    >>> import numpy as np
    >>> n = 24
    >>> a = np.full(n, 10); a[18] = 60
    >>> cols = {"month": np.tile(np.arange(n), 3),
    ...         "zone": np.repeat(["treated", "buffer", "control"], n),
    ...         "window": np.tile(np.array(["before"] * 12 + ["after"] * 12, dtype=object), 3),
    ...         "count": np.concatenate([a, np.full(n, 5), np.full(n, 1000)]),
    ...         "covered": np.ones(3 * n, bool)}
    >>> out, info = screened(cols)
    >>> int(out["count"][18]), int(info["exceptional_month"]), info["exceptional_count"]
    (10, 18, 60)
    """
    zone = np.asarray(columns["zone"], dtype=object)
    count = np.asarray(columns["count"])
    treated, control = zone == "treated", zone == "control"
    none = {"exceptional_month": pd.NaT, "exceptional_count": np.nan, "exceptional_ratio": np.nan}
    if not treated.any() or treated.sum() != control.sum():
        return columns, none
    window = np.asarray(columns["window"], dtype=object)[treated]
    covered = np.asarray(columns.get("covered", np.ones(len(zone), bool)), dtype=bool)[treated]
    a, c = count[treated], count[control]
    found = exceptional_month(a, c, window, covered, alpha)
    if found is None:
        return columns, none
    m = found
    same = (window == window[m]) & covered
    same[m] = False
    base = c if c[same].min(initial=1) > 0 and c[m] > 0 else np.ones(len(c))
    predicted = a[same].sum() / base[same].sum() * base[m]
    out = dict(columns)
    new = count.copy()
    new[np.flatnonzero(treated)[m]] = round(predicted)
    out["count"] = new
    return out, {
        "exceptional_month": np.asarray(columns["month"])[treated][m],
        "exceptional_count": int(a[m]),
        "exceptional_ratio": float(a[m] / predicted) if predicted > 0 else np.inf,
    }
