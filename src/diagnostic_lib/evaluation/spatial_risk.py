"""Where the risk is: near-repeat cells after recent events, and the risk terrain of places.

:func:`near_repeat_envelope` and :func:`near_repeat_risk` (from step 1's Knox
test), :func:`risk_terrain` (the relative risk of cells near each kind of
place) and :func:`risk_terrain_surface`.
"""

from __future__ import annotations

import warnings
from typing import Any

import numpy as np
import pandas as pd
from scipy import stats as _st

from .. import inventory, settings, stats
from ._common import _sm_warnings, _xy_points


def near_repeat_envelope(
    knox: pd.DataFrame,
    alpha: float = settings.default("alpha"),
    min_ratio: float = settings.default("near_repeat_min_ratio"),
) -> pd.DataFrame:
    """The distance × time bands of elevated near-repeat risk, from a Knox test.

    A band is elevated when its Knox p-value is at most ``alpha`` and its
    ratio at least ``min_ratio`` (a meaningful excess, not a 1–2 % one that a
    large number of pairs makes significant), **and** it connects to the
    closest, soonest band through elevated bands (4-neighbour adjacency in the
    distance × time table): isolated significant bands far away in space or
    time are not near repeats.

    Returns
    -------
    DataFrame
        The Knox table with ``elevated``; ``attrs["distance_m"]`` and
        ``attrs["days"]`` are the outer edges of the elevated bands (0 when none).

    Examples
    --------
    >>> import pandas as pd
    >>> k = pd.DataFrame({"d_low": [0, 0, 100, 100], "d_high": [100, 100, 200, 200],
    ...     "t_low": [0, 7, 0, 7], "t_high": [7, 14, 7, 14], "ratio": [3.0, 1.05, 2.0, 1.5],
    ...     "p_value": [0.01, 0.01, 0.01, 0.3]})
    >>> e = near_repeat_envelope(k)
    >>> e["elevated"].tolist(), e.attrs["distance_m"], e.attrs["days"]
    ([True, False, True, False], 200.0, 7.0)
    """
    k = knox.copy()
    test = k["q_value"] if "q_value" in k.columns else k["p_value"]
    sig = (test <= alpha) & (k["ratio"] >= min_ratio)
    dl = sorted(k["d_low"].unique())
    tl = sorted(k["t_low"].unique())
    di = k["d_low"].map({v: i for i, v in enumerate(dl)}).to_numpy()
    ti = k["t_low"].map({v: i for i, v in enumerate(tl)}).to_numpy()
    cell = {(a, b): j for j, (a, b) in enumerate(zip(di, ti, strict=True))}
    elevated = np.zeros(len(k), dtype=bool)
    start = cell.get((0, 0))
    if start is not None and sig.iloc[start]:
        stack = [(0, 0)]
        seen = {(0, 0)}
        while stack:
            a, b = stack.pop()
            elevated[cell[(a, b)]] = True
            for nb in ((a + 1, b), (a - 1, b), (a, b + 1), (a, b - 1)):
                if nb in cell and nb not in seen and sig.iloc[cell[nb]]:
                    seen.add(nb)
                    stack.append(nb)
    k["elevated"] = elevated
    k.attrs["distance_m"] = float(k.loc[elevated, "d_high"].max()) if elevated.any() else 0.0
    k.attrs["days"] = float(k.loc[elevated, "t_high"].max()) if elevated.any() else 0.0
    k.attrs["alpha"], k.attrs["min_ratio"] = alpha, min_ratio
    return k


def near_repeat_risk(
    incidents: pd.DataFrame,
    grid: pd.DataFrame,
    knox: pd.DataFrame,
    end: Any,
    alpha: float = settings.default("alpha"),
    min_ratio: float = settings.default("near_repeat_min_ratio"),
) -> pd.DataFrame:
    """Grid cells at elevated short-term risk after recent events (near repeat).

    From the Knox test's elevated bands (:func:`near_repeat_envelope`, e.g.
    within 200 m and 14 days), every located event of the last ``days``
    days before ``end`` raises the risk of the cells whose centre lies within
    ``distance_m`` of it, until the event's date + ``days``. A cell's
    ``relative_risk`` is the largest Knox ratio of the band (distance from
    the event, days elapsed at ``end``) it is in — the excess of pairs of
    events that close in space and time over chance, a rough relative risk.
    Pass the same incidents as the Knox test (e.g. break-ins only).

    Returns
    -------
    DataFrame
        Aligned with ``grid``: ``cell_id, recent_events, nearest_m,
        last_event, elevated_until, relative_risk, elevated``;
        ``attrs`` give ``distance_m`` and ``days``.

    Examples
    --------
    >>> import geopandas as gpd, pandas as pd, shapely
    >>> from diagnostic_lib import inventory
    >>> grid = inventory.make_grid(shapely.box(0, 0, 2000, 2000), 200)
    >>> k = pd.DataFrame({"d_low": [0, 100], "d_high": [100, 200], "t_low": [0, 0],
    ...     "t_high": [7, 7],
    ...     "ratio": [3.0, 2.0], "p_value": [0.01, 0.01]})
    >>> inc = gpd.GeoDataFrame({"occurred_from": pd.to_datetime(["2025-12-29"])},
    ...                        geometry=[shapely.Point(1000, 1000)])
    >>> r = near_repeat_risk(inc, grid, k, "2026-01-01")
    >>> int(r["elevated"].sum()), str(r.loc[r["elevated"], "elevated_until"].iloc[0].date())
    (4, '2026-01-05')
    """
    from scipy.spatial import cKDTree

    env = near_repeat_envelope(knox, alpha, min_ratio)
    D, T = env.attrs["distance_m"], env.attrs["days"]
    end_ts = pd.Timestamp(end)
    out = pd.DataFrame({"cell_id": grid["cell_id"].to_numpy()}, index=grid.index)
    out["recent_events"] = 0
    out["nearest_m"] = np.nan
    out["last_event"] = pd.NaT
    out["elevated_until"] = pd.NaT
    out["relative_risk"] = 1.0
    out["elevated"] = False
    out.attrs.update(distance_m=D, days=T)
    if D <= 0 or T <= 0 or len(incidents) == 0:
        return out
    ts = incidents["occurred_from"]
    rec = incidents[((ts >= end_ts - pd.Timedelta(days=T)) & (ts < end_ts)).to_numpy()]
    x, y, has = _xy_points(rec)
    rec, x, y = rec[has], x[has], y[has]
    if len(rec) == 0:
        return out
    cen = grid.geometry.centroid
    cx, cy = cen.x.to_numpy(), cen.y.to_numpy()
    hits = cKDTree(np.c_[x, y]).query_ball_point(np.c_[cx, cy], r=D)
    n_hits = np.fromiter((len(h) for h in hits), dtype="int64", count=len(hits))
    cells = np.flatnonzero(n_hits)
    if not len(cells):
        return out
    # every (cell, recent event) pair within D, grouped by cell
    idx = np.concatenate([np.asarray(hits[c], dtype="int64") for c in cells])
    cell = np.repeat(cells, n_hits[cells])
    starts = np.r_[0, np.cumsum(n_hits[cells])[:-1]]
    dist = np.hypot(x[idx] - cx[cell], y[idx] - cy[cell])
    elapsed = ((end_ts - rec["occurred_from"]).dt.total_seconds() / 86400.0).to_numpy()
    rr = np.maximum.reduceat(_band_ratio(env[env["elevated"]], dist, elapsed[idx]), starts)
    last = np.maximum.reduceat(rec["occurred_from"].to_numpy()[idx], starts)
    last = last.astype(out["last_event"].dtype)
    _put(out, "recent_events", cells, n_hits[cells])
    _put(out, "nearest_m", cells, np.minimum.reduceat(dist, starts))
    _put(out, "last_event", cells, last)
    _put(out, "elevated_until", cells, last + pd.Timedelta(days=T).to_timedelta64())
    _put(out, "relative_risk", cells, rr)
    _put(out, "elevated", cells, rr > 1.0)
    return out


def _band_ratio(bands: pd.DataFrame, dist: np.ndarray, days: np.ndarray) -> np.ndarray:
    """Per (distance, days elapsed) pair, the largest ratio of the bands it is in, at least 1.

    A band holds ``d_low < dist <= d_high`` (``dist == 0`` too when ``d_low`` is 0) and
    ``t_low < days <= t_high`` (``0 <= days`` too when ``t_low`` is 0).
    """
    out = np.ones(len(dist))
    for dl, dh, tl, th, ratio in zip(
        bands["d_low"],
        bands["d_high"],
        bands["t_low"],
        bands["t_high"],
        bands["ratio"],
        strict=True,
    ):
        if not ratio > 1.0:  # cannot raise the risk above 1 (a missing ratio neither)
            continue
        inside = (
            ((dl < dist) | ((dl == 0) & (dist == 0)))
            & (dist <= dh)
            & ((tl < days) | ((tl == 0) & (days <= th)))
            & (days <= th)
        )
        out[inside] = np.maximum(out[inside], float(ratio))
    return out


def _put(out: pd.DataFrame, column: str, rows: np.ndarray, values: np.ndarray) -> None:
    """Set ``values`` at the positions ``rows`` of one column of ``out``, its dtype kept."""
    col = out[column].to_numpy(copy=True)
    col[rows] = values
    out[column] = col


def risk_terrain(
    incidents: pd.DataFrame,
    places: pd.DataFrame,
    grid: pd.DataFrame,
    distance: float = settings.default("risk_terrain_distance_m"),
    alpha: float = settings.default("alpha"),
    min_cells: int = settings.default("risk_terrain_min_cells"),
    shifts: int = settings.default("risk_terrain_shifts"),
) -> pd.DataFrame:
    """Risk-terrain factors: the relative risk of cells near each kind of place.

    Each grid cell gets one indicator per kind of place (bar, parking,
    transit stop, …): whether a place of that kind lies within ``distance``
    metres of the cell's centre. A Poisson regression of the cell counts on
    all the indicators at once (offset: the cell's area share, for cells
    clipped at the boundary; quasi-Poisson standard errors, Pearson scale)
    gives each kind's relative risk adjusted for the others — the usual
    risk-terrain modelling logic (Caplan & Kennedy, 2011). Kinds near fewer
    than ``min_cells`` cells, or near every cell, are not estimated.
    Significance uses Benjamini–Hochberg q-values.

    Cells are not independent: incidents cluster beyond what the places explain,
    and places cluster too, so the model's standard errors are too small (an
    unrelated kind of place was called a risk factor in up to 12 % of clustered
    maps). Each kind's standard error is therefore widened by the spread of its
    score when the places are moved rigidly across the municipality (``shifts``
    random translations on the torus of the grid, each farther than twice
    ``distance``: both patterns keep their clustering, their link is broken):
    the variance of ``Σ near (y − μ̂)`` over the shifts against what the model
    says of it (``inflation``, at least 1).

    Returns
    -------
    DataFrame
        One row per kind: ``kind, places, cells_near, events_near, rr, low,
        high, p_value, q_value, risk_factor, inflation, note`` (``risk_factor``:
        q < ``alpha`` and rr > 1); ``attrs["distance_m"]``.

    Examples
    --------
    >>> from diagnostic_lib import inventory, loaders, sample
    >>> d = loaders.load_diagnostic(sample.sample_dir() / "diagnostic.toml")
    >>> grid = inventory.make_grid(d.sectors, 200)
    >>> violent = d.incidents[d.incidents["family"] == "violent"]
    >>> rt = risk_terrain(violent, d.places, grid).set_index("kind")
    >>> bool(rt.loc["bar", "risk_factor"]), bool(rt.loc["bar", "rr"] > 2)
    (True, True)
    """
    y = inventory.grid_counts(incidents, grid).to_numpy(dtype="float64")
    near = _kinds_near(places, grid, distance)
    return _terrain_fit(y, near, grid, distance, alpha, min_cells, shifts)


def _kinds_near(
    places: pd.DataFrame, grid: pd.DataFrame, distance: float
) -> dict[str, tuple[int, np.ndarray, np.ndarray | None]]:
    """Per kind of place (sorted): its places, and which cell centres lie within ``distance``.

    The third item is the same over the grid's whole rectangle of cells (rows ×
    columns; None when the grid has no ``row``, ``col`` and origin), which the rigid
    shifts of the places read.

    The same for every set of incidents: :func:`risk_terrain` of several families on one
    grid finds it once.
    """
    from scipy.spatial import cKDTree

    cen = grid.geometry.centroid
    cxy = np.c_[cen.x.to_numpy(), cen.y.to_numpy()]
    lattice = _lattice_centres(grid)
    pts = places.geometry.representative_point()
    px, py = pts.x.to_numpy(), pts.y.to_numpy()
    kind = places["kind"].astype("str")
    out = {}
    for kd in sorted(kind.unique()):
        sel = (kind == kd).to_numpy()
        tree = cKDTree(np.c_[px[sel], py[sel]])
        near = tree.query_ball_point(cxy, r=distance, return_length=True) > 0
        whole = None
        if lattice is not None:
            shape, lxy = lattice
            hits = tree.query_ball_point(lxy, r=distance, return_length=True) > 0
            whole = np.asarray(hits, dtype=bool).reshape(shape)
        out[kd] = (int(sel.sum()), np.asarray(near, dtype=bool), whole)
    return out


def _lattice_centres(grid: pd.DataFrame) -> tuple[tuple[int, int], np.ndarray] | None:
    """The centres of every cell of the grid's rectangle, row by row, and its shape."""
    g = grid.attrs.get("grid", {})
    if not {"row", "col"} <= set(grid.columns) or not {"x0", "y0", "cell_size"} <= set(g):
        return None
    nrow = int(grid["row"].max()) + 1 if len(grid) else 0
    ncol = int(grid["col"].max()) + 1 if len(grid) else 0
    if nrow * ncol == 0 or nrow * ncol > 4_000_000:
        return None
    size = float(g["cell_size"])
    r, c = np.divmod(np.arange(nrow * ncol), ncol)
    xy = np.c_[g["x0"] + (c + 0.5) * size, g["y0"] + (r + 0.5) * size]
    return (nrow, ncol), xy


def _shift_inflation(
    resid: np.ndarray,
    mu: np.ndarray,
    scale: float,
    whole: np.ndarray,
    cells: tuple[np.ndarray, np.ndarray],
    moves: np.ndarray,
) -> float:
    """How much the places' rigid shifts spread a kind's score beyond the model's variance.

    ``resid`` and ``mu``: the fitted model's residuals and means per cell; ``whole``:
    the kind's indicator over the grid's rectangle; ``cells``: each cell's row and
    column; ``moves``: the shifts (rows, columns), shape (n, 2). The ratio of the sum of
    the squared scores ``Σ near (y − μ̂)`` over the shifts to the sum of their model
    variances ``scale Σ near μ̂`` (1 when cells are independent), at least 1.

    Every shift's score at once: the circular cross-correlation of the indicator with
    the residuals (and the means) on the rectangle, by FFT (a product per shift took
    1.7 s of step 3 at 1M incidents).
    """
    if not len(moves):
        return 1.0
    shape = whole.shape
    row, col = cells
    fw = np.conj(np.fft.rfft2(whole.astype("float64")))
    out = []
    for values in (resid, mu):
        raster = np.zeros(shape)
        np.add.at(raster, (row, col), values)
        out.append(np.fft.irfft2(fw * np.fft.rfft2(raster), s=shape)[moves[:, 0], moves[:, 1]])
    num, den = float(np.sum(out[0] ** 2)), scale * float(np.sum(out[1]))
    return max(num / den, 1.0) if den > 0 else 1.0


def _moves(shape: tuple[int, int], cell: float, distance: float, n: int) -> np.ndarray:
    """``n`` rigid shifts (rows, columns) of the grid's torus, each farther than ``2 distance``.

    A fixed seed: the same map gives the same table.
    """
    nrow, ncol = shape
    dr, dc = np.divmod(np.arange(nrow * ncol), ncol)
    far = np.hypot(np.minimum(dr, nrow - dr), np.minimum(dc, ncol - dc)) * cell > 2 * distance
    pool = np.flatnonzero(far)
    if n <= 0 or not len(pool):
        return np.zeros((0, 2), dtype="int64")
    pick = np.random.default_rng(20_261_206).choice(pool, size=n, replace=len(pool) < n)
    return np.c_[dr[pick], dc[pick]]


def _terrain_fit(
    y: np.ndarray,
    kinds_near: dict[str, tuple[int, np.ndarray, np.ndarray | None]],
    grid: pd.DataFrame,
    distance: float,
    alpha: float,
    min_cells: int,
    shifts: int = settings.default("risk_terrain_shifts"),
) -> pd.DataFrame:
    """The table of :func:`risk_terrain` from the cell counts ``y`` and :func:`_kinds_near`."""
    import statsmodels.api as sm

    rows, cols, names = [], [], []
    for kd, (n_places, near, _) in kinds_near.items():
        row = {
            "kind": kd,
            "places": n_places,
            "cells_near": int(near.sum()),
            "events_near": int(y[near].sum()),
            "rr": np.nan,
            "low": np.nan,
            "high": np.nan,
            "p_value": np.nan,
            "inflation": np.nan,
            "note": "",
        }
        if near.sum() < min_cells or near.all():
            row["note"] = "too_few_cells"
        elif y[near].sum() == 0:
            row["note"] = "no_events_near"
        else:
            cols.append(near.astype(float))
            names.append(kd)
        rows.append(row)
    out = pd.DataFrame(rows)
    if cols and y.sum() > 0:
        X = np.column_stack([np.ones(len(y)), *cols])
        off = (
            np.log(np.clip(grid["area_share"].to_numpy(dtype="float64"), 1e-3, None))
            if "area_share" in grid.columns
            else None
        )
        with warnings.catch_warnings():
            # quasi-Poisson on sparse cells: convergence notes are not errors here
            # (the estimates are kept, the standard errors inflated)
            warnings.simplefilter("ignore", category=_sm_warnings())
            res = sm.GLM(y, X, family=sm.families.Poisson(), offset=off).fit(scale="X2")
        b, se = np.asarray(res.params), np.asarray(res.bse)
        q = _st.norm.ppf(1 - alpha / 2)
        mu = np.asarray(res.mu, dtype="float64")
        g = grid.attrs.get("grid", {})
        moves = None
        for k, kd in enumerate(names, start=1):
            i = out.index[out["kind"] == kd][0]
            whole = kinds_near[kd][2]
            infl = 1.0
            if shifts > 0 and whole is not None:
                if moves is None:
                    moves = _moves(whole.shape, float(g["cell_size"]), distance, int(shifts))
                cells = (grid["row"].to_numpy(), grid["col"].to_numpy())
                infl = _shift_inflation(y - mu, mu, float(res.scale), whole, cells, moves)
            se[k] *= np.sqrt(infl)
            out.loc[i, "inflation"] = infl
            with np.errstate(over="ignore", invalid="ignore"):  # a separated fit (few events)
                est = np.exp([b[k], b[k] - q * se[k], b[k] + q * se[k]])
            if not np.isfinite(est).all() or not np.isfinite(se[k]) or se[k] <= 0:
                out.loc[i, "note"] = "too_few_events"
                continue
            out.loc[i, ["rr", "low", "high", "p_value"]] = [
                *est,
                2 * _st.norm.sf(abs(b[k] / se[k])),
            ]
    out["q_value"] = stats.bh_qvalues(out["p_value"].to_numpy(dtype="float64"))
    out["risk_factor"] = (out["q_value"] < alpha) & (out["rr"] > 1)
    out = out[
        [
            "kind",
            "places",
            "cells_near",
            "events_near",
            "rr",
            "low",
            "high",
            "p_value",
            "q_value",
            "risk_factor",
            "inflation",
            "note",
        ]
    ]
    out.attrs["distance_m"] = distance
    return out


def risk_terrain_surface(
    grid: pd.DataFrame, places: pd.DataFrame, factors: pd.DataFrame
) -> pd.Series:
    """Relative risk of each cell: the product of the relative risks of the risk factors near it.

    A cell near no risk factor has 1; a cell near a bar (rr 3) and a transit
    stop (rr 1.5) has 4.5. Uses the distance of :func:`risk_terrain`.

    Examples
    --------
    >>> import geopandas as gpd, pandas as pd, shapely
    >>> from diagnostic_lib import inventory
    >>> grid = inventory.make_grid(shapely.box(0, 0, 2000, 2000), 200)
    >>> pl = gpd.GeoDataFrame({"kind": ["bar"]}, geometry=[shapely.Point(100, 100)])
    >>> f = pd.DataFrame({"kind": ["bar"], "rr": [3.0], "risk_factor": [True]})
    >>> f.attrs["distance_m"] = 150.0
    >>> sorted(risk_terrain_surface(grid, pl, f).unique().tolist())
    [1.0, 3.0]
    """
    from scipy.spatial import cKDTree

    dist = float(factors.attrs.get("distance_m", settings.default("risk_terrain_distance_m")))
    cen = grid.geometry.centroid
    cxy = np.c_[cen.x.to_numpy(), cen.y.to_numpy()]
    pts = places.geometry.representative_point()
    rr = np.ones(len(grid))
    for _, f in factors[factors["risk_factor"].fillna(False).astype(bool)].iterrows():
        sel = (places["kind"].astype("str") == f["kind"]).to_numpy()
        if not sel.any():
            continue
        tree = cKDTree(np.c_[pts.x.to_numpy()[sel], pts.y.to_numpy()[sel]])
        near = tree.query_ball_point(cxy, r=dist, return_length=True) > 0
        rr = np.where(near, rr * float(f["rr"]), rr)
    return pd.Series(rr, index=grid.index, name="relative_risk")


def high_risk_cells(grid: pd.DataFrame, surface: pd.Series, min_rr: float = 2.0) -> pd.DataFrame:
    """The cells of the grid whose relative risk is at least ``min_rr``, index kept.

    Parameters
    ----------
    grid : DataFrame
        The grid the surface was computed on.
    surface : Series
        From :func:`risk_terrain_surface`, one value per cell in the grid's order.
    min_rr : float
        Smallest relative risk kept (2: at least twice the risk of a cell near no
        risk factor).

    Returns
    -------
    DataFrame
        The rows of ``grid`` at or above ``min_rr``.

    Examples
    --------
    >>> g = pd.DataFrame({"cell_id": ["a", "b", "c"]})
    >>> high_risk_cells(g, pd.Series([1.0, 3.0, 2.0]))["cell_id"].tolist()
    ['b', 'c']
    """
    return grid[(surface >= min_rr).to_numpy()]
