"""Gaps (step 2): where nothing, or little, is being done — problems by coverage level.

The colour of each level is :data:`diagnostic_lib.style.LEVEL_COLOURS`, worst first.

Examples
--------
>>> import pandas as pd
>>> _rank_labels(pd.DataFrame({"problem_id": ["P1", "P2", "P3"],
...                            "rank": pd.array([2, None, 1], dtype="Int64")}))
{'P1': '2', 'P2': 'A', 'P3': '1'}
"""

from __future__ import annotations

import itertools

import pandas as pd

from .. import formatting as fmt
from .. import i18n, style
from ..label_placement import SHOWN_AT_MOST, left_out_title, place_labels, wrap
from .canvas import (
    _box,
    _deferred_draws,
    _fig_legend,
    _fit,
    decorate,
    draw_landmarks,
    draw_sectors,
    landmark_handles,
    new_map,
)

BOX_WIDTH = 70
"""Longest line of a problem's name in the box of problems without a place or rank."""


FLAGGED_NAMED = 20
"""Most hatched sectors named in the legend (then how many others)."""


def _rank_labels(bp) -> dict:
    """Each problem's label: its priority rank, or a letter when it has none."""
    labels, letter = {}, 0
    for pid, r in zip(bp["problem_id"], bp["rank"], strict=True):
        if pd.notna(r):
            labels[pid] = str(int(r))
        else:
            labels[pid] = chr(ord("A") + letter % 26)
            letter += 1
    return labels


def _hatch_flagged_sectors(ax, sectors, sector_gaps, lang: str, most: int | None = None) -> list:
    """Hatch the sectors with many issues and few measures; their legend entry.

    The entry names at most ``most`` of them, then says how many others.
    """
    from matplotlib.patches import Patch

    if sector_gaps is None or not len(sector_gaps) or not sector_gaps["flag"].any():
        return []
    flagged = list(sector_gaps.loc[sector_gaps["flag"].astype(bool), "sector"])
    edge = style.MEASURES["flagged_sector"]
    sectors[sectors["sector_id"].isin(flagged)].plot(
        ax=ax, facecolor="none", edgecolor=edge, hatch="///", linewidth=1.8, zorder=6
    )
    listed = ", ".join(flagged)
    if most is not None and len(flagged) > most:
        more = fmt.integer(len(flagged) - most, lang)
        listed = i18n.t("maps.more_listed", lang, listed=", ".join(flagged[:most]), n=more)
        listed = wrap(listed, 90)
    label = i18n.t("maps.gaps.flagged", lang, sectors=listed)
    return [Patch(facecolor="none", edgecolor=edge, hatch="///", label=label)]


def _group_problems(pb, level: dict, labels: dict, titles: dict, lang: str):
    """Problems grouped by identical geometry, and the box lines of those not drawn with a rank.

    A problem without a label (beyond the problems named) is drawn, not listed.
    """
    box = []
    groups: dict[bytes, list] = {}
    for rec in pb.itertuples(index=False):
        pid = rec.problem_id
        if pid not in labels:
            if rec.kind != "municipality" and rec.geometry is not None:
                groups.setdefault(rec.geometry.normalize().wkb, []).append(rec)
            continue
        line = wrap(
            f"{labels[pid]}. {titles[pid]} — {i18n.t(f'coverage.{level[pid]}', lang)}", BOX_WIDTH
        )
        if rec.kind == "municipality" or rec.geometry is None:
            box.append(line)
            continue
        if not labels[pid].isdigit():
            box.append(line)
        groups.setdefault(rec.geometry.normalize().wkb, []).append(rec)
    return groups, box


def _draw_groups(ax, groups: dict, level: dict) -> list[tuple]:
    """Fill each geometry with its worst level; where to write its problems (places first)."""
    import geopandas as gpd

    worst = {lv: i for i, lv in enumerate(style.LEVEL_COLOURS)}
    draw = []
    for recs in groups.values():
        lv = min((level[r.problem_id] for r in recs), key=lambda v: worst[v])
        place = any(r.kind == "place" for r in recs)
        draw.append((place, -worst[lv], recs, lv))
    spots = []
    # areas under places; within each, the worst coverage drawn last (on top)
    draw = sorted(draw, key=lambda t: (t[0], t[1]))
    for (place, _), run in itertools.groupby(draw, key=lambda t: (t[0], t[1])):
        run = list(run)  # one collection per kind and level, in the same order
        colour = style.LEVEL_COLOURS[run[0][3]]
        gpd.GeoSeries([recs[0].geometry for _, _, recs, _ in run]).plot(
            ax=ax,
            facecolor=colour,
            alpha=0.8 if place else 0.35,
            edgecolor=colour,
            linewidth=1.5,
            zorder=4 if place else 3,
        )
    for place, _, recs, lv in draw:
        colour = style.LEVEL_COLOURS[lv]
        c = recs[0].geometry.representative_point()
        frame = {
            "boxstyle": "round,pad=0.25",
            "facecolor": style.PAPER,
            "edgecolor": colour,
            "linewidth": 1.5,
        }
        spots.append((place, c.x, c.y, frame, recs))
    # places first (they keep their spot), then areas
    return [
        (x, y, recs, {"bbox": frame})
        for _, x, y, frame, recs in sorted(spots, key=lambda t: not t[0])
    ]


@_deferred_draws
def gap_map(  # noqa: PLR0913 -- public signature kept for backward compatibility
    problems,
    by_problem,
    sectors,
    *,
    sector_gaps=None,
    lang: str = "fr",
    top: int | None = None,
    title: str | None = None,
    source: str | None = None,
    date: str | None = None,
    landmarks=None,
    tiles=None,
    max_named: int | None = SHOWN_AT_MOST,
):
    """Where nothing (or little) is being done: problems coloured by their coverage level.

    Each place, area and perception problem is filled with the colour of its
    coverage by active measures (:data:`diagnostic_lib.style.LEVEL_COLOURS`) and
    numbered by priority rank (problems sharing a geometry share a label,
    coloured by the worst level; unranked problems get a letter);
    municipality-wide and unranked problems are listed in a box with their
    level; sectors with many issues and few measures are hatched.

    Parameters
    ----------
    problems : GeoDataFrame
        The problems assessed (``MeasureInventory.problems``).
    by_problem : DataFrame
        From :func:`diagnostic_lib.measures.problem_coverage`.
    sectors : GeoDataFrame
        Canonical sectors.
    sector_gaps : DataFrame, optional
        From :func:`diagnostic_lib.measures.sector_gaps` (``flag``).
    lang : {"fr", "en"}
        Language.
    top : int, optional
        Only problems ranked ``top`` or better (unranked ones are kept).
    title : str, optional
        Title.
    source, date : str, optional
        Source note: where the data come from (the municipality) and its date
        (:func:`~diagnostic_lib.maps.add_source_note`).
    landmarks : GeoDataFrame, optional
        Named places drawn for context (:func:`diagnostic_lib.inventory.landmarks`).
    tiles : TileSource, optional
        Background tiles (:mod:`diagnostic_lib.tiles`); none by default.
    max_named : int, optional
        Most problems numbered or listed (``None``: all), the first in rank; the
        others are filled without a number, and the title says how many. The
        hatched sectors' legend names at most :data:`FLAGGED_NAMED` sectors.

    Returns
    -------
    matplotlib.figure.Figure

    Examples
    --------
    >>> import geopandas as gpd, pandas as pd, shapely
    >>> from diagnostic_lib.maps import legend_labels
    >>> s = gpd.GeoDataFrame({"sector_id": ["A"]}, geometry=[shapely.box(0, 0, 100, 100)])
    >>> pb = gpd.GeoDataFrame({"problem_id": ["P1"], "kind": ["place"]},
    ...                       geometry=[shapely.box(10, 10, 30, 30)])
    >>> bp = pd.DataFrame({"problem_id": ["P1"], "title_fr": ["Vols"], "title_en": ["Thefts"],
    ...     "rank": pd.array([1], dtype="Int64"), "level": ["none"]})
    >>> legend_labels(gap_map(pb, bp, s, lang="en"))
    ['No coverage (1)', 'Weak (0)', 'Partial (0)', 'Strong (0)']
    """
    from matplotlib.patches import Patch

    fig, ax = new_map((8.0, 7.5))
    draw_sectors(ax, sectors, facecolor=style.SECTOR_FILL if tiles is None else "none")
    bp = by_problem
    if top is not None:
        bp = bp[(bp["rank"] <= top).fillna(True).astype(bool)]
    level = dict(zip(bp["problem_id"], bp["level"], strict=True))
    titles = dict(
        zip(bp["problem_id"], bp["title_fr" if lang == "fr" else "title_en"], strict=True)
    )
    labels = _rank_labels(bp)
    unnamed = 0
    if max_named is not None and len(labels) > max_named:
        named = bp.sort_values("rank", na_position="last", kind="stable")["problem_id"]
        labels = {p: labels[p] for p in named.iloc[:max_named]}
        unnamed = len(bp) - len(labels)
    flagged = _hatch_flagged_sectors(ax, sectors, sector_gaps, lang, FLAGGED_NAMED)
    pb = problems[problems["problem_id"].isin(list(level))]
    groups, box = _group_problems(pb, level, labels, titles, lang)
    spots = [
        (x, y, " · ".join(labels[r.problem_id] for r in recs if r.problem_id in labels), kw)
        for x, y, recs, kw in _draw_groups(ax, groups, level)
        if any(r.problem_id in labels for r in recs)
    ]
    counts = pd.Series(list(level.values()), dtype=object).value_counts()
    handles = [
        Patch(
            facecolor=colour,
            alpha=0.8,
            edgecolor=colour,
            label=f"{i18n.t(f'coverage.{lv}', lang)} ({fmt.integer(counts.get(lv, 0), lang)})",
        )
        for lv, colour in style.LEVEL_COLOURS.items()
    ] + flagged
    handles += landmark_handles(landmarks, lang)
    if box:
        box.insert(0, i18n.t("maps.gaps.box", lang))
    _box(ax, box)
    _fit(ax, sectors)
    _fig_legend(fig, handles, i18n.t("maps.gaps.legend", lang), 3)
    decorate(
        ax,
        left_out_title(title or i18n.t("maps.gaps.title", lang), unnamed, "problems_named", lang),
        lang,
        source,
        date,
        tiles=tiles,
        crs=sectors.crs,
    )
    # last, on the final layout: off the sector names, the box and each other
    place_labels(ax, spots, fontsize=7, fontweight="bold", zorder=16)
    draw_landmarks(ax, landmarks)
    return fig
