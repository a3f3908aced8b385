"""Charts (matplotlib) for the tables the steps compute: every label in French or English.

Like :mod:`diagnostic_lib.maps`, these functions draw; they never compute
anything the step modules do not already return.

Examples
--------
>>> import matplotlib
>>> matplotlib.use("Agg")
>>> import pandas as pd
>>> from diagnostic_lib import charts
>>> fig = charts.lorenz_chart(pd.Series([10, 5, 0, 0]), lang="en")
>>> fig.axes[0].get_xlabel()
'Share of places (most affected first)'
"""

from __future__ import annotations

import numpy as np
import pandas as pd

from . import i18n, stats

_WEEKDAYS = i18n.WEEKDAYS_SHORT
_MONTHS = i18n.MONTHS


def _fig(figsize=(8.0, 4.5)):
    import matplotlib.pyplot as plt

    return plt.subplots(figsize=figsize, layout="constrained")


def _pct(v: float, lang: str) -> str:
    return f"{v * 100:.0f}\u202f%" if lang == "fr" else f"{v * 100:.0f}%"


def hour_weekday_heatmap(matrix: pd.DataFrame, *, lang: str = "fr", title: str | None = None):
    """Heat map of an hour × weekday matrix (from :func:`inventory.hour_weekday`).

    Examples
    --------
    >>> m = pd.DataFrame(np.ones((7, 24)))
    >>> hour_weekday_heatmap(m, lang="en").axes[0].get_ylabel()
    'Day of week'
    """
    fig, ax = _fig((9.0, 3.6))
    im = ax.imshow(
        np.asarray(matrix, dtype="float64"), aspect="auto", cmap="YlOrRd", origin="upper"
    )
    ax.set_yticks(range(7), _WEEKDAYS[lang])
    ax.set_xticks(range(0, 24, 2), [f"{h:02d}" for h in range(0, 24, 2)])
    ax.set_xlabel("Heure" if lang == "fr" else "Hour")
    ax.set_ylabel("Jour de la semaine" if lang == "fr" else "Day of week")
    cb = fig.colorbar(im, ax=ax)
    cb.set_label(
        "Incidents (pondération aoristique)" if lang == "fr" else "Incidents (aoristic weight)"
    )
    ax.set_title(title or ("Heure × jour de la semaine" if lang == "fr" else "Hour × day of week"))
    return fig


def seasonality_chart(
    season: pd.DataFrame, *, lang: str = "fr", by: str | None = None, title: str | None = None
):
    """Monthly seasonality index with intervals (from :func:`inventory.seasonality`).

    Examples
    --------
    >>> s = pd.DataFrame({"month": range(1, 13), "years": 2, "mean": 10.0, "index": 1.0,
    ...                   "mean_low": 8.0, "mean_high": 12.0})
    >>> seasonality_chart(s, lang="fr").axes[0].get_ylabel()
    'Indice saisonnier (mois moyen = 1)'
    """
    fig, ax = _fig()
    groups = [(None, season)] if by is None else list(season.groupby(by, sort=True))
    for g, sub in groups:
        sub = sub.sort_values("month")
        mean_month = sub["mean"].mean()
        lab = None if g is None else i18n.label("family", g, lang) if by == "family" else str(g)
        ax.plot(sub["month"], sub["index"], marker="o", label=lab)
        if mean_month > 0:
            ax.fill_between(
                sub["month"],
                sub["mean_low"] / mean_month,
                sub["mean_high"] / mean_month,
                alpha=0.15,
            )
    ax.axhline(1.0, color="#666666", linewidth=0.8, linestyle="--")
    ax.set_xticks(range(1, 13), _MONTHS[lang])
    ax.set_ylabel(
        "Indice saisonnier (mois moyen = 1)" if lang == "fr" else "Seasonal index (mean month = 1)"
    )
    if by is not None:
        ax.legend(fontsize=8)
    yrs = int(season["years"].iloc[0]) if len(season) else 0
    ax.set_title(
        title
        or (
            f"Saisonnalité ({yrs} années complètes)"
            if lang == "fr"
            else f"Seasonality ({yrs} complete years)"
        )
    )
    return fig


def lorenz_chart(place_count, *, lang: str = "fr", title: str | None = None):
    """Lorenz curve of incidents over places, with the Gini coefficients in the legend.

    Examples
    --------
    >>> lorenz_chart([5, 0, 0, 1], lang="fr").axes[0].get_legend().get_texts()[0].get_text()[:5]
    'Gini '
    """
    lz = stats.lorenz(place_count)
    g = stats.gini(place_count)
    gg = stats.generalised_gini(place_count)
    fig, ax = _fig((5.5, 5.0))
    lab = (
        f"Gini {g:.2f} ; Gini généralisé {gg:.2f}"
        if lang == "fr"
        else f"Gini {g:.2f}; generalised Gini {gg:.2f}"
    )
    ax.plot(lz["share_places"], lz["share_incidents"], color="#D55E00", label=lab)
    ax.plot(
        [0, 1],
        [0, 1],
        color="#999999",
        linestyle="--",
        label="Égalité parfaite" if lang == "fr" else "Perfect equality",
    )
    ax.set_xlabel(
        "Part des lieux (les plus touchés d'abord)"
        if lang == "fr"
        else "Share of places (most affected first)"
    )
    ax.set_ylabel("Part des incidents" if lang == "fr" else "Share of incidents")
    ax.set_xlim(0, 1)
    ax.set_ylim(0, 1)
    ax.legend(loc="lower right", fontsize=8)
    ax.set_title(
        title
        or (
            "Concentration des incidents (courbe de Lorenz)"
            if lang == "fr"
            else "Concentration of incidents (Lorenz curve)"
        )
    )
    return fig


def knox_heatmap(knox: pd.DataFrame, *, lang: str = "fr", title: str | None = None):
    """Knox ratios by distance × time band; bands with p < 0.05 are marked with a star.

    Examples
    --------
    >>> k = pd.DataFrame({"distance_band": ["0–100"], "time_band": ["0–7"], "ratio": [2.0], "p_value": [0.01],
    ...                   "observed": [10], "d_low": [0], "t_low": [0]})
    >>> knox_heatmap(k, lang="en").axes[0].texts[0].get_text()
    '2.00*'
    """
    piv = knox.pivot_table(
        index=["d_low", "distance_band"],
        columns=["t_low", "time_band"],
        values="ratio",
        aggfunc="first",
    )
    pv = knox.pivot_table(
        index=["d_low", "distance_band"],
        columns=["t_low", "time_band"],
        values="p_value",
        aggfunc="first",
    )
    fig, ax = _fig((7.0, 4.0))
    vals = piv.to_numpy(dtype="float64")
    vmax = max(2.0, float(np.nanmax(vals)) if np.isfinite(vals).any() else 2.0)
    im = ax.imshow(vals, cmap="RdBu_r", vmin=0, vmax=vmax, aspect="auto")
    for i in range(vals.shape[0]):
        for j in range(vals.shape[1]):
            v = vals[i, j]
            star = "*" if pv.to_numpy()[i, j] < 0.05 else ""
            txt = (
                "—"
                if not np.isfinite(v)
                else (f"{v:.2f}".replace(".", ",") if lang == "fr" else f"{v:.2f}")
            ) + star
            ax.text(j, i, txt, ha="center", va="center", fontsize=8)
    ax.set_xticks(range(vals.shape[1]), [c[1] for c in piv.columns])
    ax.set_yticks(range(vals.shape[0]), [r[1] for r in piv.index])
    ax.set_xlabel("Écart en jours" if lang == "fr" else "Days apart")
    ax.set_ylabel("Distance (m)")
    cb = fig.colorbar(im, ax=ax)
    cb.set_label("Ratio de Knox (* p < 0,05)" if lang == "fr" else "Knox ratio (* p < 0.05)")
    ax.set_title(
        title or ("Quasi-répétition : test de Knox" if lang == "fr" else "Near repeat: Knox test")
    )
    return fig


def perception_gap_chart(gap: pd.DataFrame, *, lang: str = "fr", title: str | None = None):
    """Recorded-crime rank against concern rank, one point per sector.

    Sectors above the diagonal worry more than recorded crime suggests.

    Examples
    --------
    >>> g = pd.DataFrame({"sector": ["A", "B"], "name": ["A", "B"], "crime_rank": [1, 2], "concern_rank": [2, 1],
    ...                   "flag": ["", "more_fear"]})
    >>> perception_gap_chart(g, lang="en").axes[0].get_xlabel()
    'Recorded crime rank (1 = highest)'
    """
    fig, ax = _fig((5.5, 5.0))
    n = int(max(gap["crime_rank"].max(), gap["concern_rank"].max())) if len(gap) else 1
    ax.plot([1, n], [1, n], color="#999999", linestyle="--")
    colours = {"more_fear": "#D55E00", "less_fear": "#0072B2", "": "#444444"}
    for rec in gap.itertuples(index=False):
        if pd.isna(rec.crime_rank) or pd.isna(rec.concern_rank):
            continue
        c = colours.get(rec.flag, "#444444")
        ax.scatter([rec.crime_rank], [rec.concern_rank], color=c, s=40, zorder=3)
        ax.annotate(
            str(rec.name),
            (rec.crime_rank, rec.concern_rank),
            fontsize=8,
            xytext=(4, 4),
            textcoords="offset points",
        )
    ax.set_xlim(n + 0.5, 0.5)
    ax.set_ylim(n + 0.5, 0.5)
    ax.set_xlabel(
        "Rang de la criminalité enregistrée (1 = la plus élevée)"
        if lang == "fr"
        else "Recorded crime rank (1 = highest)"
    )
    ax.set_ylabel(
        "Rang de la préoccupation (1 = la plus forte)"
        if lang == "fr"
        else "Concern rank (1 = highest)"
    )
    from matplotlib.lines import Line2D

    handles = [
        Line2D([], [], marker="o", linestyle="", color=colours["more_fear"], label="Plus de crainte que de crimes" if lang == "fr" else "More fear than crime"),
        Line2D([], [], marker="o", linestyle="", color=colours["less_fear"], label="Moins de crainte que de crimes" if lang == "fr" else "Less fear than crime"),
    ]  # fmt: skip
    ax.legend(handles=handles, fontsize=8, loc="lower left")
    ax.set_title(
        title or ("Écart de perception par secteur" if lang == "fr" else "Perception gap by sector")
    )
    return fig


def yearly_counts_chart(
    counts: pd.DataFrame, *, by: str = "family", lang: str = "fr", title: str | None = None
):
    """Yearly counts per group with exact Poisson intervals (from :func:`inventory.counts`).

    Examples
    --------
    >>> c = pd.DataFrame({"family": ["violent", "violent"], "period": [2024, 2025], "count": [10, 20]})
    >>> yearly_counts_chart(c, lang="en").axes[0].get_ylabel()
    'Incidents per year'
    """
    fig, ax = _fig()
    groups = list(counts.groupby(by, sort=True))
    width = 0.8 / max(len(groups), 1)
    periods = sorted(counts["period"].unique())
    x0 = np.arange(len(periods))
    for i, (g, sub) in enumerate(groups):
        sub = sub.set_index("period").reindex(periods, fill_value=0)
        lo, hi = stats.poisson_ci(sub["count"].to_numpy())
        y = sub["count"].to_numpy()
        lab = i18n.label("family", g, lang) if by == "family" else str(g)
        ax.bar(x0 + i * width, y, width, label=lab, yerr=[y - lo, hi - y], capsize=2)
    ax.set_xticks(x0 + width * (len(groups) - 1) / 2, [str(p) for p in periods])
    ax.set_ylabel("Incidents par année" if lang == "fr" else "Incidents per year")
    ax.legend(fontsize=8, ncols=2)
    ax.set_title(
        title
        or (
            "Incidents par année (intervalles de Poisson à 95 %)"
            if lang == "fr"
            else "Incidents per year (95% Poisson intervals)"
        )
    )
    return fig


# ----------------------------------------------------------------------------
# Step 2: preventive measures
# ----------------------------------------------------------------------------
def measures_timeline(
    registry: pd.DataFrame,
    *,
    ref_date=None,
    period_start=None,
    lang: str = "fr",
    title: str | None = None,
):
    """Timeline of the measures: one bar per measure from its start to its end, coloured by pillar.

    A running measure's bar stops at ``ref_date`` (with an arrow); an ended
    one at its end; a planned one is a hollow marker at its start. The study
    period's start and the reference date are drawn as vertical lines.

    Parameters
    ----------
    registry : DataFrame
        From :func:`diagnostic_lib.measures.registry`.
    ref_date, period_start : date-like, optional
        Reference date (end of the study period) and start of the data.

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
    """
    import matplotlib.dates as mdates
    from matplotlib.lines import Line2D
    from matplotlib.patches import Patch

    from . import maps

    fr = lang == "fr"
    reg = registry.sort_values(["start", "measure_id"], na_position="last", kind="stable")
    ref = pd.Timestamp(ref_date) if ref_date is not None else pd.Timestamp.today().normalize()
    ps = pd.Timestamp(period_start) if period_start is not None else None
    n = len(reg)
    fig, ax = _fig((9.5, 0.32 * n + 1.8))
    ncol = "name" if fr or "name_en" not in reg else "name_en"
    labels = []
    pillars_seen = []
    for y, rec in enumerate(reg.to_dict("records")):
        colour = maps.PILLAR_COLOURS.get(rec["pillar"], "#333333")
        if rec["pillar"] not in pillars_seen:
            pillars_seen.append(rec["pillar"])
        start = rec["start"] if pd.notna(rec["start"]) else ps
        name = str(rec.get(ncol, ""))
        labels.append(f"{rec['measure_id']}  {name[:38] + '…' if len(name) > 39 else name}")
        if start is None or pd.isna(start):
            continue
        if rec.get("status") == "planned":
            ax.scatter([mdates.date2num(start)], [y], marker="D", s=40, facecolors="white", edgecolors=colour,
                       linewidths=1.5, zorder=3)  # fmt: skip
            continue
        end = rec["end"] if pd.notna(rec["end"]) else ref
        x0, x1 = mdates.date2num(start), mdates.date2num(end)
        ax.barh(
            y, x1 - x0, left=x0, height=0.6, color=colour, alpha=0.85, edgecolor=colour, zorder=2
        )
        if pd.isna(rec["end"]):
            ax.scatter([x1], [y], marker=">", s=30, color=colour, zorder=3)
    ax.set_yticks(range(n), labels, fontsize=7)
    ax.invert_yaxis()
    ax.xaxis_date()
    ax.xaxis.set_major_formatter(mdates.DateFormatter("%Y"))
    ax.axvline(mdates.date2num(ref), color="#333333", linestyle="--", linewidth=1)
    if ps is not None:
        ax.axvline(mdates.date2num(ps), color="#777777", linestyle=":", linewidth=1)
    from . import schema

    order = [p for p in schema.PILLARS if p in pillars_seen] + [
        p for p in pillars_seen if p not in schema.PILLARS
    ]
    handles = [Patch(color=maps.PILLAR_COLOURS.get(p, "#333333"), label=i18n.label("pillar", p, lang))
               for p in sorted(order, key=lambda p: i18n.label("pillar", p, lang))]  # fmt: skip
    handles += [
        Line2D([], [], marker="D", linestyle="", markerfacecolor="white", markeredgecolor="#333333",
               label="Prévue (début)" if fr else "Planned (start)"),
        Line2D([], [], marker=">", linestyle="", color="#333333", label="En cours" if fr else "Running"),
        Line2D([], [], color="#333333", linestyle="--", label="Date de référence" if fr else "Reference date"),
    ]  # fmt: skip
    if ps is not None:
        handles.append(Line2D([], [], color="#777777", linestyle=":",
                              label="Début des données" if fr else "Start of the data"))  # fmt: skip
    ax.legend(handles=handles, fontsize=7, loc="lower left", framealpha=0.9)
    ax.set_title(
        title
        or ("Chronologie des mesures préventives" if fr else "Timeline of the preventive measures")
    )
    return fig


def partner_network(
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

    Returns
    -------
    matplotlib.figure.Figure

    Examples
    --------
    >>> reg = pd.DataFrame({"measure_id": ["M1"], "pillar": ["prevention"], "partners": [("P1", "P9")]})
    >>> roles = pd.DataFrame({"partner_id": ["P1", "P9"], "name": ["Ville", "P9"], "name_en": ["Town", "P9"],
    ...     "known": [True, False], "n_measures": [1, 1]})
    >>> fig = partner_network(reg, roles, lang="en")
    >>> "Partner not in the partners file" in [t.get_text() for t in fig.axes[0].get_legend().get_texts()]
    True
    """
    from matplotlib.lines import Line2D
    from matplotlib.patches import FancyArrowPatch

    from . import maps

    fr = lang == "fr"
    ncol = "name" if fr else "name_en"
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
    problems = list(dict.fromkeys(list(lk["problem_id"]) + list(sugg["problem_id"])))
    titles, levels = {}, {}
    if by_problem is not None:
        bp = by_problem.set_index("problem_id")
        tcol = "title_fr" if fr else "title_en"
        for p in problems:
            if p in bp.index:
                r = bp.loc[p, "rank"]
                titles[p] = (f"{int(r)}. " if pd.notna(r) else "") + str(bp.loc[p, tcol])
                levels[p] = bp.loc[p, "level"]
        problems.sort(key=lambda p: (pd.isna(bp.loc[p, "rank"]) if p in bp.index else True,
                                     bp.loc[p, "rank"] if p in bp.index and pd.notna(bp.loc[p, "rank"]) else 0))  # fmt: skip
    n = max(len(used), len(registry), len(problems), 1)
    fig, ax = _fig((11.0, max(5.0, 0.3 * n + 1.5)))

    def ys(k: int) -> np.ndarray:
        return np.linspace(n - 1, 0, k) if k > 1 else np.array([(n - 1) / 2] * k)

    py = dict(zip(used["partner_id"], ys(len(used)), strict=True))
    my = dict(zip(registry["measure_id"], ys(len(registry)), strict=True))
    qy = dict(zip(problems, ys(len(problems)), strict=True))
    xp, xm, xq = 0.0, 1.0, 2.0
    for rec in registry.to_dict("records"):
        for p in rec["partners"]:
            if p in py:
                unknown = not bool(used.loc[used["partner_id"] == p, "known"].iloc[0])
                ax.plot([xp, xm], [py[p], my[rec["measure_id"]]], color="#D55E00" if unknown else "#aaaaaa",
                        linestyle="--" if unknown else "-", linewidth=1.0 if unknown else 0.7, zorder=1)  # fmt: skip
    for rec in lk.to_dict("records"):
        if rec["measure_id"] in my and rec["problem_id"] in qy:
            ax.plot([xm, xq], [my[rec["measure_id"]], qy[rec["problem_id"]]], color="#555555",
                    linewidth=2.2 if rec["level"] == "strong" else 1.0,
                    linestyle="-" if rec.get("status", "active") == "active" else ":", zorder=1)  # fmt: skip
    for rec in sugg.to_dict("records"):
        if rec["partner_id"] in py and rec["problem_id"] in qy:
            ax.add_patch(FancyArrowPatch((xp, py[rec["partner_id"]]), (xq, qy[rec["problem_id"]]),
                                         connectionstyle="arc3,rad=-0.25", arrowstyle="-|>", mutation_scale=8,
                                         color="#CC79A7", linestyle=":", linewidth=1.3, zorder=1))  # fmt: skip
    for rec in used.to_dict("records"):
        unknown = not bool(rec["known"])
        ax.scatter(
            [xp], [py[rec["partner_id"]]], s=60, color="#D55E00" if unknown else "#666666", zorder=3
        )
        name = str(rec.get(ncol) or rec["partner_id"])
        lab = (
            f"{rec['partner_id']} ?"
            if unknown
            else f"{rec['partner_id']} {name[:34] + '…' if len(name) > 35 else name}"
        )
        ax.text(xp - 0.04, py[rec["partner_id"]], lab, ha="right", va="center", fontsize=7,
                color="#D55E00" if unknown else "#222222")  # fmt: skip
    for rec in registry.to_dict("records"):
        c = maps.PILLAR_COLOURS.get(rec["pillar"], "#333333")
        ax.scatter([xm], [my[rec["measure_id"]]], s=70, color=c, marker=maps.PILLAR_MARKERS.get(rec["pillar"], "o"),
                   edgecolors="black", linewidths=0.5, zorder=3)  # fmt: skip
        ax.text(
            xm + 0.04,
            my[rec["measure_id"]],
            str(rec["measure_id"]),
            ha="left",
            va="center",
            fontsize=7,
        )
    for p in problems:
        c = maps.LEVEL_COLOURS.get(levels.get(p, ""), "#999999")
        ax.scatter(
            [xq], [qy[p]], s=70, marker="s", color=c, edgecolors="black", linewidths=0.5, zorder=3
        )
        t = titles.get(p, p)
        ax.text(
            xq + 0.04, qy[p], t[:48] + "…" if len(t) > 49 else t, ha="left", va="center", fontsize=7
        )
    ax.set_xlim(-1.3, 3.3)
    ax.set_ylim(-1, n)
    ax.axis("off")
    for x, head in ((xp, "Partenaires" if fr else "Partners"), (xm, "Mesures" if fr else "Measures"),
                    (xq, "Problèmes" if fr else "Problems")):  # fmt: skip
        ax.text(x, n - 0.2, head, ha="center", va="bottom", fontsize=9, fontweight="bold")
    present = [p for p in maps.PILLAR_COLOURS if p in set(registry["pillar"])]
    handles = [Line2D([], [], marker=maps.PILLAR_MARKERS[p], linestyle="", color=maps.PILLAR_COLOURS[p],
                      markeredgecolor="black", label=i18n.label("pillar", p, lang)) for p in present]  # fmt: skip
    handles += [
        Line2D([], [], color="#D55E00", linestyle="--",
               label="Partenaire absent du fichier des partenaires" if fr else "Partner not in the partners file"),
        Line2D([], [], color="#CC79A7", linestyle=":",
               label="Partenaire suggéré pour une lacune" if fr else "Partner suggested for a gap"),
        Line2D([], [], color="#555555", linewidth=2.2, label=i18n.t("coverage.strong", lang)),
        Line2D([], [], color="#555555", linewidth=1.0, label=i18n.t("coverage.partial", lang)),
    ]  # fmt: skip
    ax.legend(
        handles=handles,
        fontsize=7,
        loc="upper center",
        bbox_to_anchor=(0.5, 0.0),
        ncols=4,
        framealpha=0.9,
    )
    ax.set_title(title or ("Réseau des partenaires" if fr else "Partner network"))
    return fig


# ----------------------------------------------------------------------------
# Step 3: effectiveness, relevance, risks
# ----------------------------------------------------------------------------
_AREA_STYLE = {
    "treated": ("#D55E00", "-"),
    "buffer": ("#E69F00", "--"),
    "control": ("#0072B2", ":"),
}


def before_after_chart(
    monthly: pd.DataFrame, effect=None, *, lang: str = "fr", title: str | None = None
):
    """Monthly counts of a measure's targeted incidents in its treated, buffer and control areas.

    The control is rescaled to the treated area's before-window total, so
    that the lines can be compared (its shape, not its size, matters). The
    before and after windows are shaded, the implementation lag hatched, the
    start marked; the treated area's monthly means before and after are drawn.

    Parameters
    ----------
    monthly : DataFrame
        From :func:`diagnostic_lib.evaluation.monthly_area_counts` (one measure).
    effect : Series, optional
        Its row of :func:`diagnostic_lib.evaluation.evaluate` (for the title).

    Examples
    --------
    >>> m = pd.DataFrame({"month": pd.date_range("2023-01-01", periods=4, freq="MS").repeat(3),
    ...     "window": ["before"] * 6 + ["after"] * 6, "zone": ["treated", "buffer", "control"] * 4,
    ...     "count": [5, 2, 50, 6, 2, 60, 3, 2, 55, 2, 1, 50]})
    >>> fig = before_after_chart(m, lang="en")
    >>> fig.axes[0].get_ylabel()
    'Events per month'
    """
    fr = lang == "fr"
    fig, ax = _fig((8.5, 4.2))
    if len(monthly) == 0:
        ax.set_title(title or ("Aucune donnée" if fr else "No data"))
        return fig
    piv = monthly.pivot_table(
        index="month", columns="zone", values="count", aggfunc="sum"
    ).sort_index()
    win = monthly.drop_duplicates("month").set_index("month")["window"].reindex(piv.index)
    before = win == "before"
    names = {"treated": i18n.t("eval.area.treated", lang), "buffer": i18n.t("eval.area.buffer", lang),
             "control": i18n.t("eval.area.control_scaled", lang)}  # fmt: skip
    x = piv.index
    for area in ("control", "buffer", "treated"):
        if area not in piv.columns:
            continue
        y = piv[area].astype("float64")
        if area == "control" and "treated" in piv.columns:
            base_c, base_t = y[before.to_numpy()].sum(), piv["treated"][before.to_numpy()].sum()
            y = y * (base_t / base_c) if base_c > 0 else y * np.nan
        colour, ls = _AREA_STYLE[area]
        ax.plot(x, y, color=colour, linestyle=ls, marker="o" if area == "treated" else None, markersize=3,
                linewidth=1.8 if area == "treated" else 1.2, label=names[area])  # fmt: skip
    step = pd.Timedelta(days=31)
    for w, colour, hatch in (
        ("before", "#cccccc", None),
        ("lag", "#ffffff", "//"),
        ("after", "#fde0c5", None),
    ):
        sel = x[(win == w).to_numpy()]
        if len(sel):
            ax.axvspan(
                sel.min(),
                sel.max() + step,
                color=colour,
                alpha=0.35,
                hatch=hatch,
                linewidth=0,
                zorder=0,
            )
    if "treated" in piv.columns:
        for w in ("before", "after"):
            sel = (win == w).to_numpy()
            if sel.any():
                m = piv["treated"][sel].mean()
                ax.hlines(
                    m,
                    x[sel].min(),
                    x[sel].max() + step,
                    color=_AREA_STYLE["treated"][0],
                    linewidth=0.8,
                    alpha=0.7,
                )
    starts = x[(win != "before").to_numpy()]
    if len(starts):
        ax.axvline(starts.min(), color="#333333", linewidth=1)
    ax.set_ylabel("Événements par mois" if fr else "Events per month")
    ax.set_ylim(bottom=0)
    ax.legend(fontsize=8, loc="upper left")
    if title is None and effect is not None:
        name = effect.get("name" if fr else "name_en", "")
        title = f"{effect.get('measure_id', effect.name)} — {name}"
    ax.set_title(title or ("Avant / après" if fr else "Before / after"), fontsize=10)
    return fig


def forest_plot(effects: pd.DataFrame, *, lang: str = "fr", title: str | None = None):
    """Forest plot of the measures' relative effect sizes (RES) with their intervals.

    Thick bar: the overdispersion-adjusted interval (used for the verdict);
    thin bar: the Poisson interval. Log scale; RES > 1 means a relative fall
    in the treated area. Measures that could not be judged are listed under
    the plot with their verdict.

    Examples
    --------
    >>> e = pd.DataFrame({"measure_id": ["M1", "M2"], "name": ["a", "b"], "name_en": ["a", "b"],
    ...     "res": [1.7, 1.0], "res_low": [1.3, 0.8], "res_high": [2.2, 1.25], "res_low_adj": [1.2, 0.7],
    ...     "res_high_adj": [2.4, 1.4], "verdict": ["effective", "no_effect"]})
    >>> fig = forest_plot(e, lang="en")
    >>> fig.axes[0].get_xlabel()[:3]
    'RES'
    """
    fr = lang == "fr"
    judged = effects[effects["verdict"].isin(["effective", "promising", "no_effect", "adverse"])]
    judged = judged.sort_values("res", ascending=True, kind="stable")
    others = effects[~effects.index.isin(judged.index)]
    fig, ax = _fig((8.5, 0.45 * max(len(judged), 1) + 2.4))
    colours = {
        "effective": "#009E73",
        "promising": "#56B4E9",
        "no_effect": "#777777",
        "adverse": "#D55E00",
    }
    ncol = "name" if fr else "name_en"
    labels = []
    for y, r in enumerate(judged.to_dict("records")):
        c = colours.get(r["verdict"], "#333333")
        ax.plot([r["res_low"], r["res_high"]], [y, y], color=c, linewidth=1.0)
        ax.plot(
            [r["res_low_adj"], r["res_high_adj"]],
            [y, y],
            color=c,
            linewidth=4,
            alpha=0.5,
            solid_capstyle="butt",
        )
        ax.plot([r["res"]], [y], marker="D", color=c, markersize=6)
        name = str(r.get(ncol, ""))
        labels.append(f"{r['measure_id']} {name[:30] + '…' if len(name) > 31 else name}")
    ax.axvline(1.0, color="#333333", linestyle="--", linewidth=1)
    ax.set_xscale("log")
    ax.set_yticks(range(len(judged)), labels, fontsize=8)
    ax.set_xlabel("RES (> 1 : baisse relative dans la zone traitée ; échelle log)" if fr
                  else "RES (> 1: relative fall in the treated area; log scale)")  # fmt: skip
    from matplotlib.lines import Line2D

    handles = [Line2D([], [], color=colours[v], marker="D", linewidth=3, alpha=0.8,
                      label=i18n.t(f"eval.verdict.{v}", lang)) for v in colours if (judged["verdict"] == v).any()]  # fmt: skip
    if handles:
        ax.legend(handles=handles, fontsize=7, loc="lower right")
    from matplotlib.ticker import FixedLocator, NullLocator

    lo_x = float(np.nanmin(judged["res_low_adj"])) if len(judged) else 0.5
    hi_x = float(np.nanmax(judged["res_high_adj"])) if len(judged) else 2.0
    ticks = [
        t
        for t in (0.1, 0.2, 0.33, 0.5, 0.67, 0.8, 1.0, 1.25, 1.5, 2.0, 3.0, 5.0, 10.0)
        if lo_x / 1.3 <= t <= hi_x * 1.3
    ]
    ax.xaxis.set_major_locator(FixedLocator(ticks))
    ax.xaxis.set_minor_locator(NullLocator())
    ax.set_xticklabels([f"{t:g}".replace(".", ",") if fr else f"{t:g}" for t in ticks])
    if len(others):
        import textwrap

        txt = "; ".join(f"{r['measure_id']}: {i18n.t('eval.verdict.' + r['verdict'], lang).lower()}"
                        for r in others.to_dict("records"))  # fmt: skip
        fig.supxlabel(
            textwrap.fill(("Non jugées — " if fr else "Not judged — ") + txt, 150),
            fontsize=6.5,
            ha="left",
            x=0.01,
        )
    ax.set_title(title or ("Taille d'effet relative (IC 95 % ; épais : ajusté pour la surdispersion)" if fr
                           else "Relative effect size (95% CI; thick: adjusted for overdispersion)"), fontsize=10)  # fmt: skip
    return fig


def risk_matrix_chart(
    current: pd.DataFrame, *, lang: str = "fr", label_top: int = 6, title: str | None = None
):
    """Risk matrix: likelihood (events per year) × impact (mean severity weight), per sector × family.

    The background shows the risk levels of
    :func:`diagnostic_lib.evaluation.current_risk` (likelihood class × impact
    class); the size of each point is the share of surveyed residents naming
    a related concern (citizen concern), its colour the family. The
    ``label_top`` highest risks are labelled.

    Examples
    --------
    >>> c = pd.DataFrame({"sector": ["S1", "S2"], "family": ["violent", "property"], "likelihood": [30.0, 200.0],
    ...     "impact": [70.0, 40.0], "risk_score": [12, 15], "concern": [0.2, 0.5]})
    >>> risk_matrix_chart(c, lang="en").axes[0].get_xlabel()
    'Likelihood: expected events per year (log scale)'
    """
    from matplotlib.patches import Rectangle

    from . import evaluation, maps

    fr = lang == "fr"
    d = current[(current["sector"] != "*") & (current["likelihood"] > 0)]
    fig, ax = _fig((8.5, 6.0))
    le = (0.3, *evaluation.LIKELIHOOD_EDGES, 3000.0)
    ie = (2.0, *evaluation.IMPACT_EDGES, 8000.0)
    level_col = {"low": "#e5f5e0", "moderate": "#fff7bc", "high": "#fdd49e", "very_high": "#fc9272"}
    for i in range(5):
        for j in range(5):
            s = (i + 1) * (j + 1)
            lvl = "low" if s <= 4 else "moderate" if s <= 9 else "high" if s <= 15 else "very_high"
            ax.add_patch(
                Rectangle(
                    (le[i], ie[j]),
                    le[i + 1] - le[i],
                    ie[j + 1] - ie[j],
                    color=level_col[lvl],
                    zorder=0,
                )
            )
    conc = d["concern"].fillna(0.0).to_numpy() if "concern" in d.columns else np.zeros(len(d))
    for fam, g in d.groupby("family"):
        sel = d.index.isin(g.index)
        ax.scatter(g["likelihood"], g["impact"], s=20 + 400 * conc[sel], color=maps.FAMILY_COLOURS.get(fam, "#333333"),
                   alpha=0.75, edgecolors="white", linewidths=0.5, label=i18n.label("family", fam, lang), zorder=3)  # fmt: skip
    for r in d.sort_values("risk_score", ascending=False).head(label_top).to_dict("records"):
        ax.annotate(f"{r['sector']}", (r["likelihood"], r["impact"]), fontsize=7, xytext=(3, -9),
                    textcoords="offset points", zorder=4)  # fmt: skip
    ax.set_xscale("log")
    ax.set_yscale("log")
    ax.set_xlim(le[0], le[-1])
    ax.set_ylim(ie[0], ie[-1])
    ax.set_xlabel("Probabilité : événements attendus par an (échelle log)" if fr
                  else "Likelihood: expected events per year (log scale)")  # fmt: skip
    ax.set_ylabel(
        "Impact : poids de gravité moyen (échelle log)"
        if fr
        else "Impact: mean severity weight (log scale)"
    )
    leg = ax.legend(fontsize=7, loc="lower right", title=("Taille : préoccupation citoyenne" if fr else "Size: citizen concern"),
                    title_fontsize=7)  # fmt: skip
    for h in leg.legend_handles:
        h.set_sizes([40])
    ax.set_title(title or ("Matrice des risques actuels (secteur × famille)" if fr
                           else "Current risk matrix (sector × family)"), fontsize=10)  # fmt: skip
    return fig


def projection_chart(history: pd.DataFrame, monthly: pd.DataFrame, backtest=None, *, lang: str = "fr",
                     title: str | None = None):  # fmt: skip
    """A group's monthly history, its projection with the prediction interval, and the backtest.

    Parameters
    ----------
    history : DataFrame
        ``month, count`` of one group (from
        :func:`diagnostic_lib.evaluation.monthly_counts`).
    monthly : DataFrame
        ``month, mean, low, high`` of the same group (``Projection.monthly``).
    backtest : DataFrame, optional
        The group's rows of :func:`diagnostic_lib.evaluation.backtest`.

    Examples
    --------
    >>> h = pd.DataFrame({"month": pd.date_range("2024-01-01", periods=3, freq="MS"), "count": [3, 4, 5]})
    >>> p = pd.DataFrame({"month": pd.date_range("2024-04-01", periods=2, freq="MS"), "mean": [5.0, 5.5],
    ...     "low": [2.0, 2.0], "high": [9.0, 10.0]})
    >>> projection_chart(h, p, lang="en").axes[0].get_ylabel()
    'Events per month'
    """
    fr = lang == "fr"
    fig, ax = _fig((8.5, 3.8))
    ax.plot(
        history["month"],
        history["count"],
        color="#333333",
        linewidth=1.2,
        label="Observé" if fr else "Observed",
    )
    ax.plot(
        monthly["month"],
        monthly["mean"],
        color="#0072B2",
        linewidth=1.8,
        label="Projection" if fr else "Projection",
    )
    ax.fill_between(monthly["month"], monthly["low"], monthly["high"], color="#0072B2", alpha=0.2,
                    label="Intervalle de prédiction" if fr else "Prediction interval")  # fmt: skip
    if backtest is not None and len(backtest):
        ax.plot(backtest["month"], backtest["mean"], color="#D55E00", linestyle="--", linewidth=1.2,
                label="Rétro-test (année retenue)" if fr else "Backtest (held-out year)")  # fmt: skip
        ax.fill_between(
            backtest["month"], backtest["low"], backtest["high"], color="#D55E00", alpha=0.12
        )
        ax.plot(backtest["month"], backtest["naive"], color="#999999", linestyle=":", linewidth=1.2,
                label="Prévision naïve (même mois, an passé)" if fr else "Naive forecast (same month last year)")  # fmt: skip
    ax.set_ylabel("Événements par mois" if fr else "Events per month")
    ax.set_ylim(bottom=0)
    ax.legend(fontsize=7, loc="upper left", ncols=2)
    ax.set_title(title or ("Projection sur 12 mois" if fr else "12-month projection"), fontsize=10)
    return fig
