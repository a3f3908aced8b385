"""Timing: when incidents happen, with aoristic allocation of events known only by a range.

- :func:`aoristic` spreads each event over the clock hours it may have occurred
  in; :func:`hour_weekday`, :func:`shift_shares` and :func:`seasonality` summarise
  the hours, the police shifts and the calendar months.
- :func:`weekend_mask`, :func:`time_signature`, :func:`hour_of_week_profile` and
  :func:`group_profiles` describe the time pattern of a set of incidents, as the
  problem finder uses it to join incidents that happen at the same times.
"""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any

import numpy as np
import pandas as pd

from .. import coverage, i18n, schema, settings, stats
from .._memory import blocks
from ..cube import Cube, rollup
from ._cache import ContentCache, digest

WEEKDAYS_FR = i18n.WEEKDAYS["fr"]
WEEKDAYS_EN = i18n.WEEKDAYS["en"]
MONTHS_FR = i18n.MONTHS["fr"]
MONTHS_EN = i18n.MONTHS["en"]

LEVEL: float = settings.default("interval_level")
"""Default confidence level of the shift shares: the ``interval_level`` setting."""

SIMILARITY: float = settings.default("problem_similarity")
"""Default similarity of :func:`group_profiles`: the ``problem_similarity`` setting."""


def aoristic(incidents: pd.DataFrame, max_hours: int = 168) -> pd.DataFrame:
    """Aoristic allocation: spread each event's weight over the hours it may have occurred.

    An event known exactly puts weight 1 on its hour. An event known only by a
    range ``[occurred_from, occurred_to)`` spreads weight 1 over the clock hours
    the range covers, in proportion to the minutes of each hour inside it.
    Ranges longer than ``max_hours`` (a week by default: a date known only to the
    month or the year) carry no information on the hour of the week: they are
    left out, and have no row (see docs/methods.md, *Aoristic allocation*);
    :func:`left_out` counts them.

    Parameters
    ----------
    incidents : DataFrame
        Needs ``occurred_from`` and ``occurred_to``.
    max_hours : int

    Returns
    -------
    DataFrame
        One row per (incident, hour): ``incident`` (index label of the
        incident), ``slot`` (timestamp of the hour's start), ``weekday``
        (0 = Monday), ``hour``, ``weight``. Weights of each incident sum to 1
        (0 for the incidents left out).

    Examples
    --------
    >>> import pandas as pd
    >>> inc = pd.DataFrame({
    ...     "occurred_from": pd.to_datetime(["2024-05-03 22:30", "2024-05-04 10:15"]),
    ...     "occurred_to": pd.to_datetime(["2024-05-04 00:30", None])})
    >>> a = aoristic(inc)
    >>> a["hour"].tolist(), a["weight"].tolist()
    ([22, 23, 0, 10], [0.25, 0.5, 0.25, 1.0])
    """
    start = pd.to_datetime(incidents["occurred_from"]).to_numpy(dtype="datetime64[us]")
    end = pd.to_datetime(incidents["occurred_to"]).to_numpy(dtype="datetime64[us]")
    idx = incidents.index.to_numpy()
    rep, slot, weekday, hour, weight = _aoristic_arrays(start, end, max_hours)
    slots = slot.astype("datetime64[us]")
    return pd.DataFrame(
        {"incident": idx[rep], "slot": slots, "weekday": weekday, "hour": hour, "weight": weight}
    )


_HOUR_US = np.int64(3_600_000_000)
_DAY_US = np.int64(86_400_000_000)


def _too_long(start: np.ndarray, end: np.ndarray, max_hours: int = 168) -> np.ndarray:
    """Events whose range is longer than ``max_hours`` (spread evenly over the week)."""
    s = start.astype("int64")
    e = np.where(np.isnat(end), s, end.astype("int64"))
    ranged = ~np.isnat(start) & (e > s)
    return ranged & ((e - s) > max_hours * _HOUR_US)


AORISTIC_CACHE = ContentCache(maxsize=1)
"""The last large aoristic spread (step 1 spreads the same incidents twice).

Keyed by a digest of the start and end arrays (their ``datetime64[us]`` bytes)
and ``max_hours``; only inputs of :data:`_CACHED_FROM` events or more are kept,
as read-only arrays. :func:`~diagnostic_lib.inventory.run` empties it when step 1
is done (see :func:`_forget_spread`).
"""

_CACHED_FROM = 50_000
"""Events from which an aoristic spread is kept in :data:`AORISTIC_CACHE`."""


def _forget_spread() -> None:
    """Empty :data:`AORISTIC_CACHE` (step 1 is done with the spread).

    Nothing after step 1 spreads the same incidents again, and at 1M incidents
    the spread holds 140 MB, in this process and in the worker that searched
    the problems: kept, it stayed there for the rest of the diagnosis.
    """
    AORISTIC_CACHE.clear()


def _aoristic_arrays(
    start: np.ndarray, end: np.ndarray, max_hours: int = 168
) -> tuple[np.ndarray, np.ndarray, np.ndarray, np.ndarray, np.ndarray]:
    """:func:`aoristic` on arrays (``datetime64[us]``, NaT allowed), without a DataFrame.

    Returns ``(position of the event, slot start in µs, weekday, hour, weight)``:
    the rows of :func:`aoristic`, in the same order (read-only arrays: the last
    large result is kept in :data:`AORISTIC_CACHE`).
    """
    if len(start) < _CACHED_FROM:
        return _aoristic_compute(start, end, max_hours)

    def make() -> tuple[np.ndarray, ...]:
        out = _aoristic_compute(start, end, max_hours)
        for a in out:
            a.flags.writeable = False
        return out

    key = (len(start), int(max_hours), digest(start.view("int64"), end.view("int64")))
    return AORISTIC_CACHE.get(key, make)


_ROWS_AT_ONCE = 1 << 22
"""Aoristic rows computed at once (memory only: the same rows in any case).

A spread's scratch (positions, offsets, overlaps) is about seven arrays of its
rows: at 5M incidents (18.6M rows) a spread of the whole table at once held
about 1 GB of it on top of the result; events are now taken a block at a time.
"""

_HOW_WEEKDAY = (np.arange(168) // 24).astype("int64")
_HOW_HOUR = (np.arange(168) % 24).astype("int64")
"""Weekday and hour of each hour of the week (Monday 00:00 = 0)."""


def _aoristic_compute(
    start: np.ndarray, end: np.ndarray, max_hours: int
) -> tuple[np.ndarray, np.ndarray, np.ndarray, np.ndarray, np.ndarray]:
    _, rep, slot, how, weight = _spread_rows(start, end, max_hours)
    return rep, slot, _HOW_WEEKDAY[how], _HOW_HOUR[how], weight


def _spread_rows(
    start: np.ndarray, end: np.ndarray, max_hours: int, full: bool = True
) -> tuple[np.ndarray, Any, Any, np.ndarray, np.ndarray]:
    """The aoristic rows: ``(rows of each event, event, slot start, hour of the week, weight)``.

    The hour of the week is ``int32`` (Monday 00:00 = 0). With ``full=False`` the
    events and slots of the rows are not made (``None``): each event's rows follow
    the event's order, so the rows of each event say where they are.
    """
    hour_us = _HOUR_US
    s = start.astype("int64")
    valid_start = ~np.isnat(start)
    e = np.where(np.isnat(end), s, end.astype("int64"))
    ranged = valid_start & (e > s)
    too_long = _too_long(start, end, max_hours)
    hours = s // hour_us
    spread = ranged & ~too_long
    nh = np.where(spread, -(-(e - hours * hour_us) // hour_us), 1)
    # events known only within more than max_hours (a month, a year) say nothing of the
    # hour of the week: they get no row (spreading them evenly would flatten every
    # profile, and cost 168 rows each)
    nh = np.where(valid_start & ~too_long, nh, 0)
    ends = np.cumsum(nh)
    total = int(ends[-1]) if len(ends) else 0
    rep = np.empty(total, dtype="int64") if full else None
    slot = np.empty(total, dtype="int64") if full else None
    how = np.empty(total, dtype="int32")  # hour of the week, wrapped below
    weight = np.ones(total)
    how0 = (hours + 72) % 168  # 1970-01-01 00:00 was a Thursday: hour 72 of its week

    def block(a: int, b: int) -> None:
        """The rows of events ``a`` to ``b``, written in place."""
        r0 = int(ends[a - 1]) if a else 0
        r1 = int(ends[b - 1]) if b else 0
        if r1 <= r0:
            return
        n_b = nh[a:b]
        ev = np.repeat(np.arange(a, b), n_b)
        off = np.arange(r1 - r0) - np.repeat(ends[a:b] - n_b - r0, n_b)  # row within its event
        sl = (hours[ev] + off) * hour_us
        if full:
            rep[r0:r1] = ev
            slot[r0:r1] = sl
        how[r0:r1] = how0[ev] + off
        # most events fill one slot with weight 1: only the spread ones need the overlap
        part = np.flatnonzero(spread[ev])
        if len(part):
            sp_ev, sp_sl = ev[part], sl[part]
            rs, re_ = s[sp_ev], e[sp_ev]
            overlap = np.minimum(re_, sp_sl + hour_us) - np.maximum(rs, sp_sl)
            weight[r0 + part] = overlap / np.maximum(re_ - rs, 1)

    for a, b in blocks(ends, _ROWS_AT_ONCE):  # about _ROWS_AT_ONCE rows each
        block(a, b)
    how %= 168  # a range's later hours run into the next week
    return nh, rep, slot, how, weight


def left_out(incidents: pd.DataFrame, max_hours: int = 168) -> int:
    """Incidents whose time is known only within more than ``max_hours``: no hour profile.

    Examples
    --------
    >>> import pandas as pd
    >>> start = pd.to_datetime(["2024-05-01 00:00", "2024-05-03 22:30"])
    >>> inc = pd.DataFrame({"occurred_from": start,
    ...                     "occurred_to": pd.to_datetime(["2024-06-01", None])})
    >>> left_out(inc)
    1
    """
    if "occurred_to" not in incidents.columns or not len(incidents):
        return 0
    start = pd.to_datetime(incidents["occurred_from"]).to_numpy(dtype="datetime64[us]")
    end = pd.to_datetime(incidents["occurred_to"]).to_numpy(dtype="datetime64[us]")
    return int(_too_long(start, end, max_hours).sum())


def hour_weekday(
    incidents: pd.DataFrame, use_aoristic: bool = True, lang: str | None = None
) -> pd.DataFrame:
    """Hour × weekday matrix of (aoristic) incident counts.

    Parameters
    ----------
    incidents : DataFrame
    use_aoristic : bool
        Spread ranged events over their hours (default); otherwise use the hour
        of ``occurred_from``.
    lang : {"fr", "en"}, optional
        Label the weekdays (rows) in this language; default: 0 = Monday … 6.

    Returns
    -------
    DataFrame
        7 rows (weekdays) × 24 columns (hours). ``attrs["left_out"]`` counts the
        incidents whose time is known only within more than a week (left out).

    Examples
    --------
    >>> import pandas as pd
    >>> inc = pd.DataFrame({"occurred_from": pd.to_datetime(["2024-05-03 22:30"]),
    ...                     "occurred_to": [pd.NaT]})
    >>> m = hour_weekday(inc, lang="en")
    >>> m.shape, float(m.loc["Friday", 22])
    ((7, 24), 1.0)
    """
    return _hour_weekday(incidents, use_aoristic, lang)


def _hour_weekday(
    incidents: pd.DataFrame, use_aoristic: bool = True, lang: str | None = None, keep: bool = True
) -> pd.DataFrame:
    """:func:`hour_weekday`, the spread kept for another reader or not.

    ``keep=False``: the spread is neither kept nor read from :data:`AORISTIC_CACHE`
    (nothing else will read it), and its rows' events and slots are not made (at 5M
    incidents, 0.5 GB less while it is summed).
    """
    if use_aoristic and "occurred_to" in incidents.columns:
        start = pd.to_datetime(incidents["occurred_from"]).to_numpy(dtype="datetime64[us]")
        end = pd.to_datetime(incidents["occurred_to"]).to_numpy(dtype="datetime64[us]")
        if keep:
            _, _, wd, hr, w = _aoristic_arrays(start, end)
            how = wd * 24 + hr
            del wd, hr
        else:
            _, _, _, how, w = _spread_rows(start, end, 168, full=False)
        # the sums of the (weekday, hour) groups (pandas' compensated sums, in row order),
        # then the pivot of those at most 168 sums
        sums = pd.Series(w).groupby(how).sum()
        del how, w
        key = sums.index.to_numpy().astype("int64")
        a = pd.DataFrame({"weekday": key // 24, "hour": key % 24, "weight": sums.to_numpy()})
        m = a.pivot_table(
            index="weekday", columns="hour", values="weight", aggfunc="sum", fill_value=0.0
        )
    else:
        ts = incidents["occurred_from"]
        m = pd.crosstab(ts.dt.day_of_week, ts.dt.hour).astype("float64")
    m = m.reindex(index=range(7), columns=range(24), fill_value=0.0)
    m.attrs["left_out"] = left_out(incidents) if use_aoristic else 0
    if lang is not None:
        m.index = list(i18n.WEEKDAYS[i18n.check_lang(lang)])
    m.columns.name = "hour"
    return m


def shift_shares(
    incidents: pd.DataFrame, by: str | None = None, level: float = LEVEL
) -> pd.DataFrame:
    """Share of incidents per shift (jour/soir/nuit) with Wilson intervals.

    Incidents whose shift is unknown (ranges longer than a shift) are counted
    in ``unknown`` and left out of the shares' denominator.

    Parameters
    ----------
    incidents : DataFrame or Cube
        Needs ``shift``; or the incidents' count cube
        (:func:`diagnostic_lib.cube.build`): the same table.
    by : str, optional
        Grouping column (e.g. ``"family"``).
    level : float
        Confidence level (default: the ``interval_level`` setting).

    Returns
    -------
    DataFrame
        ``[by], shift, count, share, share_low, share_high``.

    Examples
    --------
    >>> import pandas as pd
    >>> inc = pd.DataFrame({"shift": ["nuit", "nuit", "jour", None]})
    >>> s = shift_shares(inc)
    >>> s[["shift", "count"]].values.tolist()
    [['jour', 1], ['soir', 0], ['nuit', 2], ['unknown', 1]]
    >>> s["share"].round(3).tolist()
    [0.333, 0.0, 0.667, nan]
    """
    keys = [by] if by else []
    cats = [*schema.SHIFTS, "unknown"]
    tab = _shift_table(incidents, by, cats)
    known = tab[list(schema.SHIFTS)].sum(axis=1)
    long = tab.stack().rename("count").reset_index()
    if not keys:
        long = long.drop(columns=long.columns[0])
    long.columns = [*keys, "shift", "count"]
    n = known.reindex(long[by]).to_numpy() if keys else np.full(len(long), float(known.iloc[0]))
    mask = (long["shift"] != "unknown").to_numpy()
    with np.errstate(divide="ignore", invalid="ignore"):
        long["share"] = np.where(mask & (n > 0), long["count"] / n, np.nan)
    lo, hi = stats.wilson_ci(long["count"].to_numpy(), n, level)
    long["share_low"] = np.where(mask, lo, np.nan)
    long["share_high"] = np.where(mask, hi, np.nan)
    long["count"] = long["count"].astype("int64")
    return long.reset_index(drop=True)


def _year_month_rows(incidents: pd.DataFrame | Cube, keys: list[str]) -> pd.DataFrame:
    """``year, month, *keys, n``: one row per incident (``n`` = 1) or per cube group."""
    if isinstance(incidents, Cube):
        per = rollup(incidents, [*keys, "month"])
        per = per[per["month"].notna()]  # an incident always has a start
        ts, n = per["month"], per["count"].to_numpy()
        df = pd.DataFrame({"year": ts.dt.year, "month": ts.dt.month})
        src = per
    else:
        ts, n, src = incidents["occurred_from"], 1, incidents
        df = pd.DataFrame({"year": ts.dt.year, "month": ts.dt.month})
    for k in keys:
        df[k] = src[k].to_numpy()
    df["n"] = n
    return df


def _shift_table(incidents: pd.DataFrame | Cube, by: str | None, cats: list[str]) -> pd.DataFrame:
    """Incidents per ``by`` (rows; missing groups left out) × shift (``cats``), points or cube."""
    if isinstance(incidents, Cube):
        per = rollup(incidents, [*([by] if by else []), "shift"])
        per["shift"] = per["shift"].fillna("unknown")
        if by:
            per = per[per[by].notna()]
            tab = per.pivot_table(
                index=by, columns="shift", values="count", aggfunc="sum", fill_value=0
            )
            tab.columns.name = "shift"
            return tab.reindex(columns=cats, fill_value=0)
        tab = per.groupby("shift")["count"].sum().reindex(cats, fill_value=0)
        return tab.rename("count").to_frame().T
    df = incidents[([by] if by else []) + ["shift"]].copy()
    df["shift"] = df["shift"].fillna("unknown")
    if by:
        return pd.crosstab(df[by], df["shift"]).reindex(columns=cats, fill_value=0)
    return df["shift"].value_counts().reindex(cats, fill_value=0).to_frame().T


def _year_to_year_dispersion(counts: pd.Series, keys: list[str]) -> pd.Series | float:
    """The quasi-Poisson dispersion of each group's calendar months (at least 1).

    ``φ = Σ (y − ȳ_m)² / ȳ_m / Σ (years_m − 1)``: each calendar month's counts
    over the years around their mean, pooled over the twelve months (a season is
    not noise; a year that differs from the others is). Without two years of a
    month, 1 (Poisson).
    """
    counts = counts.sort_index()  # one order of summation, from points or from a cube alike
    by_month = counts.groupby(keys + ["month"])
    mean = by_month.transform("mean")
    with np.errstate(divide="ignore", invalid="ignore"):
        dev = ((counts - mean) ** 2 / mean).where(mean > 0, 0.0).fillna(0.0)
    dof = (by_month.count() - 1).clip(lower=0)
    if not keys:
        d = float(dof.sum())
        return max(float(dev.sum()) / d, 1.0) if d > 0 else 1.0
    num, den = dev.groupby(keys).sum(), dof.groupby(keys).sum()
    phi = (num / den.where(den > 0)).fillna(1.0)
    return phi.clip(lower=1.0)


def seasonality(
    incidents: pd.DataFrame, by: str | None = None, complete_years: bool = True
) -> pd.DataFrame:
    """Monthly seasonality: mean count per calendar month and its index (mean month = 1).

    Months that are gaps of the coverage calendar (no record at all while the
    data average enough, :func:`~diagnostic_lib.coverage.gap_months`) are "no
    data", not zero: a year with a gap is not complete, and a gap month is left
    out of its calendar month's mean. Without any complete year, every year is
    used, each calendar month over the years whose month lies within the data
    and is not a gap (``years`` then differs from month to month).

    Parameters
    ----------
    incidents : DataFrame or Cube
        All the incidents (the gaps are judged on the whole data), or their
        count cube (:func:`diagnostic_lib.cube.build`): the same table.
    by : str, optional
        Grouping column (e.g. ``"family"``).
    complete_years : bool
        Use only years with all 12 months covered (partial years bias the index).

    Returns
    -------
    DataFrame
        ``[by], month (1–12), years, mean, index, mean_low, mean_high,
        complete_years``: ``mean_low``/``mean_high`` bound the month's mean
        (Poisson, widened by the spread of that group's months between years:
        counts vary more than Poisson noise), ``years`` is the number of years each month's mean is
        over, ``complete_years`` the number of complete years used (0 when
        partial years had to be used). ``attrs["coverage"]`` gives
        ``complete_years``, ``months_used`` (months of data behind the means)
        and ``gap_months``.

    Examples
    --------
    >>> import pandas as pd
    >>> ts = pd.date_range("2023-01-01", "2024-12-31", freq="D")
    >>> inc = pd.DataFrame({"occurred_from": ts.repeat(1 + (ts.month == 7).astype(int))})
    >>> s = seasonality(inc)
    >>> round(float(s.loc[s.month == 7, "index"].iloc[0]), 2), s.attrs["coverage"]["months_used"]
    (1.88, 24)
    """
    keys = [by] if by else []
    df = _year_month_rows(incidents, keys)
    cal = coverage.coverage_calendar(incidents)
    ok = cal.loc[cal["covered"], "month"]
    usable = pd.DataFrame({"year": ok.dt.year.to_numpy(), "month": ok.dt.month.to_numpy()})
    per_year = usable.groupby("year")["month"].nunique()
    full = per_year[per_year == 12].index
    if complete_years and len(full):
        use, ncomplete = pd.Index(full), len(full)
        usable = usable[usable["year"].isin(use)]
    else:
        use, ncomplete = pd.Index(sorted(usable["year"].unique())), 0
    cells = pd.MultiIndex.from_frame(usable[["year", "month"]])
    df = df[pd.MultiIndex.from_frame(df[["year", "month"]]).isin(cells)]
    c = df.groupby(keys + ["year", "month"], observed=True)["n"].sum()
    levels = [pd.Index(df[k].dropna().unique()) for k in keys] + [
        pd.Index(use),
        pd.Index(range(1, 13)),
    ]
    c = c.reindex(pd.MultiIndex.from_product(levels, names=keys + ["year", "month"]), fill_value=0)
    c = c.astype("float64")
    c[~c.index.droplevel(keys).isin(cells) if keys else ~c.index.isin(cells)] = np.nan
    m = c.groupby(keys + ["month"]).agg(["sum", "mean", "count"]).reset_index()
    m = m.rename(columns={"sum": "total", "count": "years"})
    grp_mean = m.groupby(keys)["mean"].transform("mean") if keys else m["mean"].mean()
    m["index"] = m["mean"] / grp_mean
    # a month's count varies from year to year more than Poisson noise: the interval is
    # the Poisson one of the total scaled by the spread between years (quasi-Poisson)
    phi = _year_to_year_dispersion(c, keys)
    scale = phi.reindex(pd.MultiIndex.from_frame(m[keys])).to_numpy() if keys else float(phi)
    total = m["total"].to_numpy(dtype="float64")
    lo, hi = stats.poisson_ci(total / scale)
    lo, hi = lo * scale, hi * scale
    n = np.maximum(m["years"].to_numpy(dtype="float64"), 1.0)
    m["mean_low"] = np.where(m["years"] > 0, lo / n, np.nan)
    m["mean_high"] = np.where(m["years"] > 0, hi / n, np.nan)
    m["years"] = m["years"].astype("int64")
    m["complete_years"] = ncomplete
    out = m[keys + ["month", "years", "mean", "index", "mean_low", "mean_high", "complete_years"]]
    # one type whatever the order the groups were met in (a reindex may keep int32)
    out = out.astype({"month": "int64"})
    out.attrs["coverage"] = {
        "complete_years": ncomplete,
        "months_used": len(usable),
        "gap_months": [str(p) for p in cal.loc[~cal["covered"], "month"]],
    }
    return out


WEEKEND_START = (4, 18)  # Friday 18:00
WEEKEND_END = (0, 6)  # Monday 06:00


def weekend_mask(weekday: np.ndarray, hour: np.ndarray) -> np.ndarray:
    """True for Friday 18:00 → Monday 06:00 (the weekend, 60 of the week's 168 hours).

    Examples
    --------
    >>> weekend_mask(np.array([4, 4, 5, 0, 0]), np.array([17, 22, 12, 5, 6])).tolist()
    [False, True, True, True, False]
    """
    wd, h = np.asarray(weekday), np.asarray(hour)
    return ((wd == 4) & (h >= 18)) | (wd == 5) | (wd == 6) | ((wd == 0) & (h < 6))


def time_signature(incidents: pd.DataFrame) -> dict[str, Any]:
    """The time signature of a set of incidents (aoristic).

    Returns
    -------
    dict
        ``dominant_shift`` (``jour``/``soir``/``nuit``, or ``mixed`` when no
        shift holds half the weight), ``shift_share``, ``week_part``
        (``weekend`` when ≥ 60 % of the weight falls Friday 18:00 → Monday
        06:00, ``weekdays`` when ≤ 20 %, else ``all_week``), ``weekend_share``,
        ``peak_hours`` (the smallest set of consecutive hours holding half the
        weight, e.g. ``"22–03"``) and ``peak_days`` (weekday numbers holding
        most weight).

    Examples
    --------
    >>> import pandas as pd
    >>> ts = pd.to_datetime(["2024-05-03 23:00", "2024-05-04 01:00", "2024-05-11 00:30",
    ...                      "2024-05-10 22:40"])
    >>> s = time_signature(pd.DataFrame({"occurred_from": ts, "occurred_to": pd.NaT}))
    >>> s["dominant_shift"], s["week_part"], s["peak_hours"]
    ('nuit', 'weekend', '00–02')
    """
    a = aoristic(incidents)
    return _signature(a["weekday"].to_numpy(), a["hour"].to_numpy(), a["weight"].to_numpy())


def _shift_of_hour(hour: np.ndarray) -> np.ndarray:
    return np.where(hour < 8, "nuit", np.where(hour < 16, "jour", "soir"))


def _signature(
    weekday: np.ndarray,
    hour: np.ndarray,
    w: np.ndarray,
    shift_sums: Mapping[str, float] | None = None,
) -> dict[str, Any]:
    """:func:`time_signature` from the aoristic rows (weekday, hour, weight).

    ``shift_sums`` (the weight of each shift, as ``pandas`` groupby sums) may be
    given when computed for many problems at once.
    """
    if len(w) == 0:
        return {
            "dominant_shift": "mixed",
            "shift_share": np.nan,
            "week_part": "all_week",
            "weekend_share": np.nan,
            "peak_hours": "",
            "peak_days": (),
        }
    total = w.sum()
    if shift_sums is None:
        shift_sums = pd.Series(w).groupby(_shift_of_hour(hour)).sum().to_dict()
    names = sorted(shift_sums)
    sh = [shift_sums[k] / total for k in names]
    dom = names[int(np.argmax(sh))]
    share = float(max(sh))
    wk = float(w[weekend_mask(weekday, hour)].sum() / total)
    part = "weekend" if wk >= 0.6 else "weekdays" if wk <= 0.2 else "all_week"
    by_h = np.bincount(hour, weights=w, minlength=24) / total
    best = (0, 24)
    for length in range(1, 25):
        sums = by_h[(np.arange(24)[:, None] + np.arange(length)[None, :]) % 24].sum(axis=1)
        s0 = int(np.argmax(sums))
        if sums[s0] >= 0.5:
            best = (s0, length)
            break
    peak = f"{best[0]:02d}–{(best[0] + best[1]) % 24:02d}"
    by_d = np.bincount(weekday, weights=w, minlength=7) / total
    order = np.argsort(-by_d)
    cum = np.cumsum(by_d[order])
    days = tuple(sorted(int(d) for d in order[: int(np.searchsorted(cum, 0.5) + 1)]))
    return {
        "dominant_shift": dom if share >= 0.5 else "mixed",
        "shift_share": share,
        "week_part": part,
        "weekend_share": wk,
        "peak_hours": peak,
        "peak_days": days,
    }


def hour_of_week_profile(incidents: pd.DataFrame) -> np.ndarray:
    """Aoristic weight of each of the 168 hours of the week (Monday 00:00 first), summing to 1.

    Examples
    --------
    >>> import pandas as pd
    >>> p = hour_of_week_profile(pd.DataFrame({
    ...     "occurred_from": pd.to_datetime(["2024-05-06 01:30"]),
    ...     "occurred_to": [pd.NaT]}))
    >>> int(p.argmax()), float(p.sum())
    (1, 1.0)
    """
    a = aoristic(incidents)
    return _profile(a["weekday"].to_numpy(), a["hour"].to_numpy(), a["weight"].to_numpy())


def _profile(weekday: np.ndarray, hour: np.ndarray, weight: np.ndarray) -> np.ndarray:
    """:func:`hour_of_week_profile` from the aoristic rows."""
    prof = np.bincount(weekday * 24 + hour, weights=weight, minlength=168)
    s = prof.sum()
    return prof / s if s > 0 else prof


def group_profiles(
    profiles: Mapping[str, np.ndarray], similarity: float = SIMILARITY
) -> list[list[str]]:
    """Group keys whose profiles are alike (cosine similarity ≥ ``similarity`` to the group's mean).

    Keys are taken in the order given; each joins the first group it is alike
    enough to, or starts a new one.

    Parameters
    ----------
    profiles : mapping
        Key → profile (e.g. from :func:`hour_of_week_profile`).
    similarity : float
        Default: the ``problem_similarity`` setting.

    Returns
    -------
    list of list of str
        The groups, in order.

    Examples
    --------
    >>> a, b, c = np.r_[1.0, 0, 0], np.r_[0.9, 0.1, 0], np.r_[0, 0, 1.0]
    >>> group_profiles({"violent": a, "disorder": b, "property": c})
    [['violent', 'disorder'], ['property']]
    """
    groups: list[list[str]] = []
    centres: list[np.ndarray] = []
    for k, v in profiles.items():
        nv = np.linalg.norm(v)
        placed = False
        for g, c in zip(groups, centres, strict=True):
            nc = np.linalg.norm(c)
            if nv > 0 and nc > 0 and float(v @ c / (nv * nc)) >= similarity:
                g.append(k)
                c += v
                placed = True
                break
        if not placed:
            groups.append([k])
            centres.append(np.array(v, dtype="float64"))
    return groups
