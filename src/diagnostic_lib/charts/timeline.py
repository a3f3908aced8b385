"""Preventive measures in time (step 2): one bar per measure, coloured by pillar.

Examples
--------
>>> import matplotlib
>>> matplotlib.use("Agg")
>>> import pandas as pd
>>> reg = pd.DataFrame({"measure_id": ["M1"], "name": ["a"], "name_en": ["a"],
...     "pillar": ["prevention"], "status": ["active"], "start": pd.to_datetime(["2023-01-01"]),
...     "end": pd.NaT})
>>> measures_timeline(reg, ref_date="2025-12-31", lang="en").axes[0].get_title()
'Timeline of the preventive measures'
"""

from __future__ import annotations

import pandas as pd

from .. import i18n, schema, style
from ..label_placement import SHOWN_AT_MOST, left_out_title, wrap
from ..ticks import locale_ticks
from .canvas import _fig

LABEL_WIDTH = 44
"""Longest line of a measure's label (id and name, in full on two lines or more)."""


def _timeline_bars(ax, reg: pd.DataFrame, ref, ps, ncol: str) -> tuple[list[str], list]:
    """One bar (or a planned marker) per measure; the y labels and the pillars met, in order.

    The bars and each kind of marker are drawn in one call each, whatever the
    number of measures.
    """
    import matplotlib.dates as mdates

    labels = []
    pillars_seen = []
    bars: list[tuple] = []  # y, left, width, colour
    planned: list[tuple] = []  # x, y, colour
    running: list[tuple] = []
    for y, rec in enumerate(reg.to_dict("records")):
        colour = style.pillar_colour(rec["pillar"])
        if rec["pillar"] not in pillars_seen:
            pillars_seen.append(rec["pillar"])
        start = rec["start"] if pd.notna(rec["start"]) else ps
        name = str(rec.get(ncol, ""))
        labels.append(wrap(f"{rec['measure_id']}  {name}", LABEL_WIDTH))
        if start is None or pd.isna(start):
            continue
        if rec.get("status") == "planned":
            planned.append((mdates.date2num(start), y, colour))
            continue
        end = rec["end"] if pd.notna(rec["end"]) else ref
        x0, x1 = mdates.date2num(start), mdates.date2num(end)
        bars.append((y, x0, x1 - x0, colour))
        if pd.isna(rec["end"]):
            running.append((x1, y, colour))
    if bars:
        y, left, width, colour = (list(v) for v in zip(*bars, strict=True))
        ax.barh(
            y, width, left=left, height=0.6, color=colour, alpha=0.85, edgecolor=colour, zorder=2
        )
    if planned:
        x, y, colour = (list(v) for v in zip(*planned, strict=True))
        ax.scatter(
            x,
            y,
            marker=style.TIMELINE_MARKERS["planned"],
            s=40,
            facecolors=style.PAPER,
            edgecolors=colour,
            linewidths=1.5,
            zorder=3,
        )
    if running:
        x, y, colour = (list(v) for v in zip(*running, strict=True))
        marker = style.TIMELINE_MARKERS["running"]
        ax.scatter(x, y, marker=marker, s=30, color=colour, zorder=3)
    return labels, pillars_seen


def _timeline_legend(ax, pillars_seen: list, ps, lang: str) -> None:
    from matplotlib.lines import Line2D
    from matplotlib.patches import Patch

    order = [p for p in schema.PILLARS if p in pillars_seen] + [
        p for p in pillars_seen if p not in schema.PILLARS
    ]
    handles = [
        Patch(color=style.pillar_colour(p), label=i18n.label("pillar", p, lang))
        for p in sorted(order, key=lambda p: i18n.label("pillar", p, lang))
    ]
    grey = style.TIMELINE["legend"]
    handles += [
        Line2D(
            [],
            [],
            marker=style.TIMELINE_MARKERS["planned"],
            linestyle="",
            markerfacecolor=style.PAPER,
            markeredgecolor=grey,
            label=i18n.t("charts.timeline.planned", lang),
        ),
        Line2D(
            [],
            [],
            marker=style.TIMELINE_MARKERS["running"],
            linestyle="",
            color=grey,
            label=i18n.t("charts.timeline.running", lang),
        ),
        Line2D(
            [],
            [],
            color=style.TIMELINE["reference"],
            linestyle="--",
            label=i18n.t("charts.timeline.reference", lang),
        ),
    ]
    if ps is not None:
        handles.append(
            Line2D(
                [],
                [],
                color=style.TIMELINE["data_start"],
                linestyle=":",
                label=i18n.t("charts.timeline.data_start", lang),
            )
        )
    ax.legend(handles=handles, fontsize=7, loc="lower left", framealpha=0.9)


def measures_timeline(
    registry: pd.DataFrame,
    *,
    ref_date=None,
    period_start=None,
    lang: str = "fr",
    title: str | None = None,
    max_measures: int | None = SHOWN_AT_MOST,
):
    r"""Timeline of the measures: one bar per measure from its start to its end, coloured by pillar.

    A running measure's bar stops at ``ref_date`` (with an arrow); an ended
    one at its end; a planned one is a hollow marker at its start. The study
    period's start and the reference date are drawn as vertical lines.

    Parameters
    ----------
    registry : DataFrame
        From :func:`diagnostic_lib.measures.registry`.
    ref_date, period_start : date-like, optional
        Reference date (end of the study period) and start of the data.
    lang : {"fr", "en"}
        Language.
    title : str, optional
        Title.
    max_measures : int, optional
        Most measures drawn (``None``: all): a longer registry shows the
        ``max_measures`` that started last (planned ones included) and its title
        says how many are left out.

    Returns
    -------
    matplotlib.figure.Figure

    Examples
    --------
    >>> reg = pd.DataFrame({"measure_id": ["M1", "M2"], "name": ["a", "b"], "name_en": ["a", "b"],
    ...     "pillar": ["prevention", "partenariat"], "status": ["active", "planned"],
    ...     "start": pd.to_datetime(["2023-01-01", "2027-01-01"]), "end": pd.NaT})
    >>> fig = measures_timeline(reg, ref_date="2025-12-31", lang="en")
    >>> [t.get_text() for t in fig.axes[0].get_legend().get_texts()][:2]
    ['Partnership', 'Prevention']
    >>> measures_timeline(reg, ref_date="2025-12-31", lang="en", max_measures=1).axes[0].get_title()
    'Timeline of the preventive measures\n(measures not shown: 1; see the workbook)'
    """
    import matplotlib.dates as mdates

    fr = lang == "fr"
    reg = registry.sort_values(["start", "measure_id"], na_position="last", kind="stable")
    reg, left_out = _latest(reg, max_measures)
    ref = pd.Timestamp(ref_date) if ref_date is not None else pd.Timestamp.today().normalize()
    ps = pd.Timestamp(period_start) if period_start is not None else None
    n = len(reg)
    fig, ax = _fig((9.5, 0.42 * n + 1.8))
    ncol = "name" if fr or "name_en" not in reg else "name_en"
    labels, pillars_seen = _timeline_bars(ax, reg, ref, ps, ncol)
    ax.set_yticks(range(n), labels, fontsize=7)
    ax.invert_yaxis()
    ax.xaxis_date()
    ax.xaxis.set_major_formatter(mdates.DateFormatter("%Y"))
    ax.axvline(mdates.date2num(ref), color=style.TIMELINE["reference"], linestyle="--", linewidth=1)
    if ps is not None:
        ax.axvline(
            mdates.date2num(ps), color=style.TIMELINE["data_start"], linestyle=":", linewidth=1
        )
    _timeline_legend(ax, pillars_seen, ps, lang)
    ax.set_title(
        left_out_title(title or i18n.t("charts.timeline.title", lang), left_out, "measures", lang)
    )
    locale_ticks(fig, lang)
    return fig


def _latest(reg: pd.DataFrame, most: int | None) -> tuple[pd.DataFrame, int]:
    """The ``most`` measures of ``reg`` (sorted by start) that started last; how many are left.

    Undated measures come after every dated one.
    """
    if most is None or len(reg) <= most:
        return reg, 0
    dated = reg[reg["start"].notna()]
    kept = dated.iloc[max(len(dated) - most, 0) :]
    kept = pd.concat([kept, reg[reg["start"].isna()].iloc[: most - len(kept)]])
    return kept, len(reg) - len(kept)
