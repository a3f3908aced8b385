"""Safety walks in the report (*marches exploratoires*): the map and the counts by area.

Step 1 shows where the walks' observations lie (:func:`diagnostic_lib.maps.walks_map`,
internal version only: a map of observations is point-level data) and how many
lie in each problem's area and in each sector; step 2 adds the count to each gap
row. The public version shows the counts by area only, each small count
suppressed by the report's rule (:func:`~diagnostic_lib.report.public_frame`:
the ``walk_*`` columns are counts of observations).

Examples
--------
>>> import pandas as pd
>>> c = pd.DataFrame({"walk_observations": [3, 0], "walk_lighting": [3, 0],
...                   "walk_neglect": [0, 0], "walk_severity_3": [1, 0]})
>>> list(walk_columns(c, "en").values())
['Safety-walk observations', 'Poor lighting', 'of high severity']
"""

from __future__ import annotations

from collections.abc import Collection

import pandas as pd

from ... import i18n, inventory, maps, measures, schema
from ...loaders import Diagnostic
from .context import SectionContext


def walk_columns(
    counts: pd.DataFrame, lang: str, categories: Collection[str] | None = None
) -> dict[str, str]:
    """Walk count column → its header: the total, each category observed, the high severity.

    Parameters
    ----------
    counts : DataFrame
        Walk counts (:func:`~diagnostic_lib.inventory.walk_count_columns`).
    lang : {"fr", "en"}
    categories : collection of str, optional
        The categories the walks observed (every table of a report shows the
        same ones, so that a column missing from one says nothing); default:
        those with an observation in ``counts``.

    Examples
    --------
    >>> import pandas as pd
    >>> walk_columns(pd.DataFrame({"walk_observations": [0]}), "fr")
    {'walk_observations': 'Constats de marche exploratoire'}
    """
    out = {"walk_observations": i18n.t("walk.observations", lang)}
    for c in schema.WALK_CATEGORIES:
        col = f"walk_{c}"
        if col not in counts.columns:
            continue
        if (counts[col].sum() > 0) if categories is None else (c in categories):
            out[col] = i18n.t(f"walk.category.{c}", lang)
    if "walk_severity_3" in counts.columns:
        out["walk_severity_3"] = i18n.t("report.walks.col.high", lang)
    return {c: h for c, h in out.items() if c in counts.columns}


def _count_table(ctx: SectionContext, frame: pd.DataFrame, keys: dict[str, str]) -> pd.DataFrame:
    """``keys`` (column → header) and the walk counts, as the audience may see them."""
    walks = getattr(ctx.diag, "walks", None)
    seen = set(walks["category"].astype(str)) if walks is not None else None
    cols = walk_columns(frame, ctx.lang, seen)
    out = ctx.pub(frame[[*keys, *cols]].reset_index(drop=True))
    return out.rename(columns={**keys, **cols})


def _by_problem(ctx: SectionContext, inv: inventory.Inventory) -> pd.DataFrame:
    """The ranked problems with an area of their own, and their walk counts."""
    pr = inv.priority
    counts = inv.walk_counts
    kinds = inv.problems.set_index("problem_id")["kind"].astype(str)
    ids = pr["problem_id"].astype(str)
    keep = (ids.map(kinds) != "municipality").to_numpy() & ids.isin(counts.index).to_numpy()
    frame = pr.loc[keep, ["rank", f"title_{ctx.lang}", "problem_id"]].copy()
    frame["rank"] = frame["rank"].astype("Int64")
    for c in counts.columns:
        frame[c] = frame["problem_id"].astype(str).map(counts[c]).to_numpy()
    keys = {
        "rank": ctx.t("report.col.rank"),
        f"title_{ctx.lang}": ctx.t("report.col.problem"),
    }
    return _count_table(ctx, frame, keys)


def _by_sector(ctx: SectionContext, diag: Diagnostic) -> pd.DataFrame:
    counts = measures.sector_walk_counts(diag.sectors, diag.walks)
    names = diag.sectors.set_index(diag.sectors["sector_id"].astype(str))["name"]
    counts.insert(1, "name", counts["sector"].map(names).fillna(counts["sector"]))
    return _count_table(ctx, counts, {"name": ctx.t("report.col.sector")})


def walks_step1(ctx: SectionContext, diag: Diagnostic, inv: inventory.Inventory) -> None:
    """Step 1's safety walks: the map (internal), the counts by problem and by sector.

    Parameters
    ----------
    ctx : SectionContext
        The report being written (its document, language and audience).
    diag : Diagnostic
        The loaded diagnosis (its ``walks`` table, optional).
    inv : Inventory
        Step 1's results (``walk_counts``).

    Examples
    --------
    >>> from types import SimpleNamespace
    >>> walks_step1(None, SimpleNamespace(walks=None), SimpleNamespace(walk_counts=None))

    Without walks, nothing is written.
    """
    walks = getattr(diag, "walks", None)
    if walks is None or inv.walk_counts is None:
        return
    doc = ctx.doc
    doc.heading(ctx.t("report.walks.heading"), level=3)
    doc.paragraph(ctx.t("report.walks.text"))
    if ctx.public:
        doc.paragraph(ctx.t("report.walks.public"))
    else:
        doc.figure(
            maps.walks_map(
                walks,
                diag.sectors,
                hot=inv.hot_spots,
                lang=ctx.lang,
                source=diag.config.municipality,
                landmarks=ctx.landmarks(walks),
                tiles=ctx.tiles,
            ),
            caption=ctx.t("report.walks.map_caption"),
            alt=ctx.t("report.walks.map_alt"),
        )
    ctx.tables["walks_by_problem"] = inv.walk_counts.reset_index()
    doc.table(_by_problem(ctx, inv), caption=ctx.t("report.walks.by_problem"))
    doc.table(_by_sector(ctx, diag), caption=ctx.t("report.walks.by_sector"))


def with_walks(gaps: pd.DataFrame, walk_gaps: pd.DataFrame | None) -> pd.DataFrame:
    """Step 2's gap rows with their count of walk observations (``walk_observations``).

    Examples
    --------
    >>> import pandas as pd
    >>> g = pd.DataFrame({"problem_id": ["P1"], "gap": [True]})
    >>> w = g.assign(walk_observations=[2], walk_lighting=[2])
    >>> with_walks(g, w).columns.tolist(), with_walks(g, None).columns.tolist()
    (['problem_id', 'gap', 'walk_observations'], ['problem_id', 'gap'])
    """
    if walk_gaps is None or "walk_observations" not in walk_gaps.columns:
        return gaps
    out = gaps.copy()
    out["walk_observations"] = walk_gaps["walk_observations"].to_numpy()
    return out
