"""Safety-walk observations inside each problem's area (*marches exploratoires*, step 1).

A safety walk or CPTED audit notes located observations (poor lighting, no
natural surveillance, hiding places, neglect, feeling unsafe; see
:func:`diagnostic_lib.loaders.load_walks`). :func:`walk_counts` counts, for each
problem of the register, the observations that lie in its area — its geometry
widened by ``reach_m`` (the ``walk_reach_m`` tunable), a line counting when any
part of it does — by category and by severity. Municipality-wide problems have
no area of their own: they count none (an observation anywhere would otherwise
count for every one of them alike).

Examples
--------
>>> import geopandas as gpd, pandas as pd, shapely
>>> pb = gpd.GeoDataFrame({"problem_id": ["P1", "P2"], "kind": ["place", "municipality"]},
...     geometry=[shapely.box(0, 0, 100, 100), None])
>>> w = gpd.GeoDataFrame({"category": ["lighting", "neglect", "lighting"],
...     "severity": [3.0, 1.0, float("nan")]},
...     geometry=[shapely.Point(50, 50), shapely.Point(110, 50), shapely.Point(500, 500)])
>>> c = walk_counts(pb, w, reach_m=25)
>>> c.loc["P1", ["walk_observations", "walk_lighting", "walk_neglect", "walk_severity_3"]].tolist()
[2, 1, 1, 1]
>>> int(c.loc["P2", "walk_observations"])
0
"""

from __future__ import annotations

import numpy as np
import pandas as pd

from .. import schema, settings


def walk_count_columns() -> list[str]:
    """The columns of :func:`walk_counts`, in order.

    Examples
    --------
    >>> walk_count_columns()[:2]
    ['walk_observations', 'walk_lighting']
    """
    return [
        "walk_observations",
        *(f"walk_{c}" for c in schema.WALK_CATEGORIES),
        *(f"walk_severity_{s}" for s in schema.WALK_SEVERITIES),
    ]


def walk_counts(
    problems: pd.DataFrame, walks: pd.DataFrame | None, reach_m: float | None = None
) -> pd.DataFrame:
    """Count the walk observations in each problem's area, by category and severity.

    Parameters
    ----------
    problems : GeoDataFrame
        Problem register (``problem_id``, ``kind``, geometry).
    walks : GeoDataFrame or None
        From :func:`diagnostic_lib.loaders.load_walks` (``category``, ``severity``,
        geometry). ``None`` or empty: every count is 0.
    reach_m : float, optional
        How far beyond the problem's geometry an observation still counts
        (default: the ``walk_reach_m`` tunable).

    Returns
    -------
    DataFrame
        Indexed by ``problem_id`` (register order): ``walk_observations``, one
        ``walk_<category>`` per category of
        :data:`~diagnostic_lib.schema.WALK_CATEGORIES` and
        ``walk_severity_1`` … ``walk_severity_3`` (observations without a
        severity count in the total and their category only); integers.

    Examples
    --------
    >>> import geopandas as gpd, shapely
    >>> pb = gpd.GeoDataFrame({"problem_id": ["P1"], "kind": ["area"]},
    ...     geometry=[shapely.box(0, 0, 10, 10)])
    >>> w = gpd.GeoDataFrame({"category": ["hiding_place"], "severity": [2.0]},
    ...     geometry=[shapely.LineString([(-50, 5), (50, 5)])])
    >>> walk_counts(pb, w, reach_m=0).loc["P1", "walk_hiding_place"]
    np.int64(1)
    """
    import shapely

    reach = float(settings.default("walk_reach_m") if reach_m is None else reach_m)
    cols = walk_count_columns()
    ids = problems["problem_id"].astype(str).to_numpy()
    out = np.zeros((len(problems), len(cols)), dtype="int64")
    if walks is not None and len(walks) and len(problems):
        kinds = (
            problems["kind"].astype(str).to_numpy()
            if "kind" in problems.columns
            else np.full(len(problems), "place", dtype=object)
        )
        wgeoms = np.asarray(walks.geometry.array, dtype=object)
        cat = walks["category"].astype(str).to_numpy()
        sev = pd.to_numeric(walks["severity"], errors="coerce").to_numpy(dtype=float)
        tree = shapely.STRtree(wgeoms)
        for r, g in enumerate(np.asarray(problems.geometry.array, dtype=object)):
            if g is None or g.is_empty or kinds[r] == "municipality":
                continue
            area = g.buffer(reach) if reach > 0 else g
            hit = tree.query(area, predicate="intersects")
            out[r, 0] = len(hit)
            for k, c in enumerate(schema.WALK_CATEGORIES, start=1):
                out[r, k] = int((cat[hit] == c).sum())
            base = 1 + len(schema.WALK_CATEGORIES)
            for k, s in enumerate(schema.WALK_SEVERITIES):
                out[r, base + k] = int((sev[hit] == s).sum())
    return pd.DataFrame(out, index=pd.Index(ids, name="problem_id"), columns=cols)


def with_walk_counts(
    problems: pd.DataFrame, walks: pd.DataFrame | None, reach_m: float | None = None
) -> pd.DataFrame:
    """The problem register with the :func:`walk_counts` columns added (a copy).

    Examples
    --------
    >>> import geopandas as gpd, shapely
    >>> pb = gpd.GeoDataFrame({"problem_id": ["P1"], "kind": ["place"]},
    ...     geometry=[shapely.box(0, 0, 10, 10)])
    >>> with_walk_counts(pb, None)["walk_observations"].tolist()
    [0]
    """
    counts = walk_counts(problems, walks, reach_m)
    out = problems.copy()
    for c in counts.columns:
        out[c] = counts[c].to_numpy()
    return out
