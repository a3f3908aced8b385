"""The partner network (step 2): partners ↔ measures ↔ problems, and partners to suggest.

Examples
--------
>>> _NETWORK_X["measure"]
1.0
"""

from __future__ import annotations

import numpy as np
import pandas as pd

from .. import i18n, style
from ..label_placement import SHOWN_AT_MOST, left_out_title, wrap
from ..ticks import locale_ticks
from .canvas import _fig

_NETWORK_X = {"partner": 0.0, "measure": 1.0, "problem": 2.0}
"""Column of each kind of node in the partner network."""


def _network_tables(roles, links, suggestions, gap_levels, max_suggestions: int):
    """The partners drawn, the measure–problem links drawn and the suggestions drawn."""
    sugg = (
        suggestions
        if suggestions is not None
        else pd.DataFrame(columns=["problem_id", "partner_id", "involved"])
    )
    if len(sugg) and "level" in sugg.columns:
        sugg = sugg[sugg["level"].isin(list(gap_levels))]
    if len(sugg):
        sugg = (
            sugg[~sugg["involved"].astype(bool)]
            .groupby("problem_id", sort=False)
            .head(max_suggestions)
        )
    lk = (
        links
        if links is not None
        else pd.DataFrame(columns=["problem_id", "measure_id", "level", "status"])
    )
    lk = lk[lk["level"].isin(["partial", "strong"])]
    used = roles[(roles["n_measures"] > 0) | roles["partner_id"].isin(list(sugg["partner_id"]))]
    return used, lk, sugg


def _network_problems(lk, sugg, by_problem, lang: str) -> tuple[list, dict, dict]:
    """The problems drawn (by priority rank), their titles and their coverage levels."""
    problems = list(dict.fromkeys(list(lk["problem_id"]) + list(sugg["problem_id"])))
    titles, levels = {}, {}
    if by_problem is None:
        return problems, titles, levels
    bp = by_problem.set_index("problem_id")
    tcol = "title_fr" if lang == "fr" else "title_en"
    for p in problems:
        if p in bp.index:
            r = bp.loc[p, "rank"]
            titles[p] = (f"{int(r)}. " if pd.notna(r) else "") + str(bp.loc[p, tcol])
            levels[p] = bp.loc[p, "level"]
    problems.sort(
        key=lambda p: (
            pd.isna(bp.loc[p, "rank"]) if p in bp.index else True,
            bp.loc[p, "rank"] if p in bp.index and pd.notna(bp.loc[p, "rank"]) else 0,
        )
    )
    return problems, titles, levels


def _draw_network_links(ax, registry, used, lk, sugg, y: dict) -> None:
    """Partner–measure links, measure–problem links and the suggestion arcs."""
    from matplotlib.patches import FancyArrowPatch

    xp, xm, xq = _NETWORK_X["partner"], _NETWORK_X["measure"], _NETWORK_X["problem"]
    py, my, qy = y["partner"], y["measure"], y["problem"]
    for rec in registry.to_dict("records"):
        for p in rec["partners"]:
            if p in py:
                unknown = not bool(used.loc[used["partner_id"] == p, "known"].iloc[0])
                ax.plot(
                    [xp, xm],
                    [py[p], my[rec["measure_id"]]],
                    color=style.NETWORK["unknown_partner" if unknown else "partner_link"],
                    linestyle="--" if unknown else "-",
                    linewidth=1.0 if unknown else 0.7,
                    zorder=1,
                )
    for rec in lk.to_dict("records"):
        if rec["measure_id"] in my and rec["problem_id"] in qy:
            ax.plot(
                [xm, xq],
                [my[rec["measure_id"]], qy[rec["problem_id"]]],
                color=style.NETWORK["coverage_link"],
                linewidth=2.2 if rec["level"] == "strong" else 1.0,
                linestyle="-" if rec.get("status", "active") == "active" else ":",
                zorder=1,
            )
    for rec in sugg.to_dict("records"):
        if rec["partner_id"] in py and rec["problem_id"] in qy:
            ax.add_patch(
                FancyArrowPatch(
                    (xp, py[rec["partner_id"]]),
                    (xq, qy[rec["problem_id"]]),
                    connectionstyle="arc3,rad=-0.25",
                    arrowstyle="-|>",
                    mutation_scale=8,
                    color=style.NETWORK["suggested"],
                    linestyle=":",
                    linewidth=1.3,
                    zorder=1,
                )
            )


def _draw_network_nodes(ax, registry, used, nodes: tuple[list, dict, dict], y: dict, lang: str):
    """Partners (unknown ones in red), measures (their pillar), problems (their level)."""
    problems, titles, levels = nodes
    xp, xm, xq = _NETWORK_X["partner"], _NETWORK_X["measure"], _NETWORK_X["problem"]
    ncol = "name" if lang == "fr" else "name_en"
    for rec in used.to_dict("records"):
        unknown = not bool(rec["known"])
        yp = y["partner"][rec["partner_id"]]
        colour = style.NETWORK["unknown_partner" if unknown else "partner"]
        ax.scatter([xp], [yp], s=60, color=colour, zorder=3)
        name = str(rec.get(ncol) or rec["partner_id"])
        lab = f"{rec['partner_id']} ?" if unknown else wrap(f"{rec['partner_id']} {name}", 36)
        text_colour = style.NETWORK["unknown_partner"] if unknown else style.LABEL_TEXT
        ax.text(xp - 0.04, yp, lab, ha="right", va="center", fontsize=7, color=text_colour)
    for rec in registry.to_dict("records"):
        ym = y["measure"][rec["measure_id"]]
        ax.scatter(
            [xm],
            [ym],
            s=70,
            color=style.pillar_colour(rec["pillar"]),
            marker=style.pillar_marker(rec["pillar"]),
            edgecolors=style.INK,
            linewidths=0.5,
            zorder=3,
        )
        ax.text(xm + 0.04, ym, str(rec["measure_id"]), ha="left", va="center", fontsize=7)
    for p in problems:
        c = style.LEVEL_COLOURS.get(levels.get(p, ""), style.NETWORK["no_level"])
        ax.scatter(
            [xq],
            [y["problem"][p]],
            s=70,
            marker=style.NETWORK_PROBLEM_MARKER,
            color=c,
            edgecolors=style.INK,
            linewidths=0.5,
            zorder=3,
        )
        t = titles.get(p, p)
        ax.text(
            xq + 0.04,
            y["problem"][p],
            wrap(t, 50),
            ha="left",
            va="center",
            fontsize=7,
        )


def _network_legend(ax, registry, lang: str) -> None:
    from matplotlib.lines import Line2D

    present = [p for p in style.PILLAR_COLOURS if p in set(registry["pillar"])]
    handles = [
        Line2D(
            [],
            [],
            marker=style.PILLAR_MARKERS[p],
            linestyle="",
            color=style.PILLAR_COLOURS[p],
            markeredgecolor=style.INK,
            label=i18n.label("pillar", p, lang),
        )
        for p in present
    ]
    link = style.NETWORK["coverage_link"]
    handles += [
        Line2D(
            [],
            [],
            color=style.NETWORK["unknown_partner"],
            linestyle="--",
            label=i18n.t("charts.network.unknown", lang),
        ),
        Line2D(
            [],
            [],
            color=style.NETWORK["suggested"],
            linestyle=":",
            label=i18n.t("charts.network.suggested", lang),
        ),
        Line2D([], [], color=link, linewidth=2.2, label=i18n.t("coverage.strong", lang)),
        Line2D([], [], color=link, linewidth=1.0, label=i18n.t("coverage.partial", lang)),
    ]
    ax.legend(
        handles=handles,
        fontsize=7,
        loc="upper center",
        bbox_to_anchor=(0.5, 0.0),
        ncols=4,
        framealpha=0.9,
    )


def partner_network(  # noqa: PLR0913 -- public signature kept for backward compatibility
    registry: pd.DataFrame,
    roles: pd.DataFrame,
    *,
    links: pd.DataFrame | None = None,
    by_problem: pd.DataFrame | None = None,
    suggestions: pd.DataFrame | None = None,
    lang: str = "fr",
    max_suggestions: int = 3,
    gap_levels: tuple[str, ...] = ("none",),
    title: str | None = None,
    max_nodes: int | None = SHOWN_AT_MOST,
):
    """The partner network: partners ↔ measures ↔ problems, with suggested partners for the gaps.

    Three columns: partners (a partner absent from the partners file in red,
    dashed), measures (colour and symbol of their pillar), problems (colour of
    their coverage level). Measure–problem links are drawn for partial and
    strong coverage; dotted arcs join each gap whose level is in
    ``gap_levels`` (default: uncovered problems) to the partners suggested for
    it (at most ``max_suggestions``, not yet involved).

    Parameters
    ----------
    registry : DataFrame
        From :func:`diagnostic_lib.measures.registry`.
    roles : DataFrame
        From :func:`diagnostic_lib.measures.partner_roles`.
    links : DataFrame, optional
        :func:`diagnostic_lib.measures.coverage` rows (``problem_id,
        measure_id, level, status``).
    by_problem : DataFrame, optional
        :func:`diagnostic_lib.measures.problem_coverage` (titles and levels).
    suggestions : DataFrame, optional
        :func:`diagnostic_lib.measures.partner_suggestions`.
    lang : {"fr", "en"}
        Language.
    max_suggestions : int
        Most partners suggested per gap.
    gap_levels : tuple of str
        Coverage levels that count as gaps.
    title : str, optional
        Title.
    max_nodes : int, optional
        Most measures and most problems drawn (``None``: all). Above, the
        problems first in priority rank and the measures with the most partners
        drawn are kept (in their order), and the title says how many are left out.

    Returns
    -------
    matplotlib.figure.Figure

    Examples
    --------
    >>> reg = pd.DataFrame({"measure_id": ["M1"], "pillar": ["prevention"],
    ...                     "partners": [("P1", "P9")]})
    >>> roles = pd.DataFrame({"partner_id": ["P1", "P9"], "name": ["Ville", "P9"],
    ...     "name_en": ["Town", "P9"], "known": [True, False], "n_measures": [1, 1]})
    >>> fig = partner_network(reg, roles, lang="en")
    >>> legend = [t.get_text() for t in fig.axes[0].get_legend().get_texts()]
    >>> "Partner not in the partners file" in legend
    True
    """
    used, lk, sugg = _network_tables(roles, links, suggestions, gap_levels, max_suggestions)
    nodes = _network_problems(lk, sugg, by_problem, lang)
    registry, lk, sugg, nodes, left_out = _network_top(registry, used, lk, sugg, nodes, max_nodes)
    problems = nodes[0]
    n = max(len(used), len(registry), len(problems), 1)
    fig, ax = _fig((11.0, max(5.0, 0.3 * n + 1.5)))

    def ys(k: int) -> np.ndarray:
        return np.linspace(n - 1, 0, k) if k > 1 else np.array([(n - 1) / 2] * k)

    y = {
        "partner": dict(zip(used["partner_id"], ys(len(used)), strict=True)),
        "measure": dict(zip(registry["measure_id"], ys(len(registry)), strict=True)),
        "problem": dict(zip(problems, ys(len(problems)), strict=True)),
    }
    _draw_network_links(ax, registry, used, lk, sugg, y)
    _draw_network_nodes(ax, registry, used, nodes, y, lang)
    ax.set_xlim(-1.3, 3.3)
    ax.set_ylim(-1, n)
    ax.axis("off")
    heads = {
        "partner": i18n.t("charts.network.partners", lang),
        "measure": i18n.t("charts.network.measures", lang),
        "problem": i18n.t("charts.network.problems", lang),
    }
    for kind, head in heads.items():
        ax.text(
            _NETWORK_X[kind], n - 0.2, head, ha="center", va="bottom", fontsize=9, fontweight="bold"
        )
    _network_legend(ax, registry, lang)
    head = left_out_title(
        title or i18n.t("charts.network.title", lang), left_out[0], "measures", lang
    )
    ax.set_title(left_out_title(head, left_out[1], "problems", lang))
    locale_ticks(fig, lang)
    return fig


def _network_top(registry, used, lk, sugg, nodes: tuple[list, dict, dict], most: int | None):
    """At most ``most`` measures and problems, with their links; how many are left out.

    The measures kept have the most partners drawn, the problems are the first in rank.
    """
    problems, titles, levels = nodes
    left_out = [0, 0]
    if most is not None and len(registry) > most:
        drawn = set(used["partner_id"])
        n = registry["partners"].map(lambda ps: sum(p in drawn for p in ps))
        keep = n.reset_index(drop=True).sort_values(ascending=False, kind="stable").index[:most]
        left_out[0] = len(registry) - most
        registry = registry.iloc[sorted(keep)]
        lk = lk[lk["measure_id"].isin(list(registry["measure_id"]))]
    if most is not None and len(problems) > most:
        left_out[1] = len(problems) - most
        problems = problems[:most]
        lk = lk[lk["problem_id"].isin(problems)]
        sugg = sugg[sugg["problem_id"].isin(problems)]
    return registry, lk, sugg, (problems, titles, levels), left_out
