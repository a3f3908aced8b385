"""Step 1 of the report: crime problems and security issues.

Rates by sector and family, the local severity-weighted index, rhythms,
change over the last 12 months, concentration, repeat locations, hot spots,
near repeat, citizens' perception, and the problems with their priority.
"""

from __future__ import annotations

import numpy as np
import pandas as pd

from ... import charts, i18n, inventory, maps
from ... import formatting as fmt
from ...loaders import Diagnostic
from ..confidentiality import public_numbers
from .context import SectionContext
from .methods import rate_bases
from .shown import category_label, shown
from .walks import walks_step1

# Column → header label key (None: the column keeps its name), in the order shown.
RATE_COLUMNS = {
    "sector": "report.col.sector",
    "name": "report.col.name",
    "group": "report.col.family",
    "count": "report.col.count",
    "population": "report.col.population",
    "rate": "report.col.rate",
    "rate_low": "report.col.ci_low",
    "rate_high": "report.col.ci_high",
    "rate_eb": "report.col.rate_eb",
}
COUNT_COLUMNS = ("sector", "name", "group", "count")
"""The columns of the rates table kept when no sector has a population."""
SEVERITY_COLUMNS = {
    "sector": "report.col.sector",
    "name": "report.col.name",
    "count": "report.col.count",
    "index": "report.col.index",
    "index_low": "report.col.ci_low",
    "index_high": "report.col.ci_high",
}
# Column → header label key of the tables whose columns step 1 lists
# (inventory.Inventory.display_columns); "{lang}": the language's column.
CHANGE_HEADERS = {
    "family": "report.col.family",
    "last": "report.col.last_12",
    "previous": "report.col.previous_12",
    "ratio": "report.col.ratio",
    "p_value": "report.col.p_etest",
    "q_value": "report.col.q_fdr",
    "label_{lang}": "report.col.finding",
}
PRIORITY_HEADERS = {
    "rank": "report.col.rank",
    "title_{lang}": "report.col.problem",
    "score": "report.col.score",
    "p_first": "report.col.p_first",
    **{c: f"report.col.component.{c}" for c in inventory.PRIORITY_COMPONENTS},
    "missing": "report.col.missing",
    "status_{lang}": "report.col.status",
}
REPEAT_COLUMNS = {
    "count": "report.col.count",
    "top_category": "report.col.top_category",
    "sector": "report.col.sector",
    "facility": "report.col.facility",
    "facility_kind": "report.col.facility_kind",
}
PERCEPTION_COLUMNS = {
    "sector": "report.col.sector",
    "name": "report.col.name",
    "crime_rank": "report.col.crime_rank",
    "concern_rank": "report.col.concern_rank",
    "gap": "report.col.gap",
    "respondents": "report.col.respondents",
}


def _shown(inv: inventory.Inventory, table: str, headers: dict[str, str], lang: str) -> dict:
    """Step 1's columns of ``table``, in order, with their header keys (``None``: keep)."""
    keys = {c.format(lang=lang): k for c, k in headers.items()}
    return {c: keys.get(c) for c in inv.display_columns(table, lang)}


def _section_step1(ctx: SectionContext, diag: Diagnostic, inv: inventory.Inventory) -> None:
    ctx.doc.heading(ctx.t("report.step1.heading"))
    _rates(ctx, diag, inv)
    _severity_rhythms_change(ctx, inv)
    _places(ctx, diag, inv)
    _perception(ctx, inv)
    _problems(ctx, diag, inv)
    walks_step1(ctx, diag, inv)


def _rates(ctx: SectionContext, diag: Diagnostic, inv: inventory.Inventory) -> None:
    """The map of mean annual rates, and the rates of the last year by sector and family.

    The map adds the families' rates: per 1,000 residents, whatever bases the
    tables use (a rate per dwelling and one per resident do not add up). The
    tables are ranked by the empirical-Bayes smoothed rate, the raw one beside it.
    """
    doc, lang = ctx.doc, ctx.lang
    declared = diag.config.denominators
    rates = inv.rates
    on_residents = rates
    if "denominator" in rates.columns and (rates["denominator"] != "residents").any():
        on_residents = inventory.rates(diag.incidents, diag.sectors, by="family", period="year")
    fig = maps.rate_map(
        on_residents,
        diag.sectors,
        lang=lang,
        source=diag.config.municipality,
        landmarks=ctx.landmarks(),
        tiles=ctx.tiles,
    )
    caption = ctx.t(
        "report.step1.rate_map_caption" if fig.rates_shown else "report.figure.count_map.caption"
    )
    bases = rate_bases(declared, lang)
    alt = ctx.t("report.figure.rate_map.alt" if fig.rates_shown else "report.figure.count_map.alt")
    doc.figure(fig, caption=caption, alt=alt)
    pop = diag.sectors["population"].astype("float64")
    if not (pop > 0).any():
        doc.paragraph(ctx.t("report.step1.rates_no_population"))
    elif not (pop > 0).all():
        lacking = diag.sectors.loc[~(pop > 0).to_numpy(), "sector_id"].astype(str)
        doc.paragraph(ctx.t("report.step1.rates_partial_population", sectors=", ".join(lacking)))
    rates = rates.copy()
    rates["group"] = [i18n.label("family", g, lang) for g in rates["group"]]
    ctx.tables["rates"] = rates
    # the last 12 months of data, never a calendar year the data cover only in part
    recent = inventory.recent_rates(
        diag.incidents, diag.sectors, by="family", denominators=declared
    )
    recent = _smoothed(ctx, recent)
    if ctx.public:  # the counts step 3's current risks show again: hidden there as here
        hid = ctx.pub(recent)["count"].map(lambda v: isinstance(v, str)).to_numpy()
        ctx.hidden["sector_family_recent"] = set(
            zip(recent["sector"][hid].astype(str), recent["group"][hid].astype(str), strict=True)
        )
    # the sheet's name says the window: no period column ("all")
    ctx.tables["rates_recent"] = recent.drop(columns="period").assign(
        group=[i18n.label("family", g, lang) for g in recent["group"]]
    )
    window = {
        "start": fmt.date(recent.attrs["start"], lang),
        "end": fmt.date(recent.attrs["end"], lang),
    }
    # without any population, the table is of counts: no empty population and rate columns
    what, columns = "rates", _rate_columns(recent)
    if not (pop > 0).any() and not recent["rate"].notna().any():
        what, columns = "counts", {k: v for k, v in RATE_COLUMNS.items() if k in COUNT_COLUMNS}
    if recent.attrs["months"] >= 12:
        doc.heading(ctx.t(f"report.step1.{what}", **window), level=3)
    else:
        months = fmt.months(recent.attrs["months"], lang)
        doc.heading(ctx.t(f"report.step1.{what}_short", months=months, **window), level=3)
    if what == "rates":
        order = "report.step1.rates_public" if ctx.public else "report.step1.rates_order"
        doc.paragraph(" ".join(filter(None, [ctx.t(order), bases])))
    doc.table(shown(ctx.pub(recent), columns, lang), max_rows=80)
    _category_rates(ctx, diag, window)


def _category_rates(ctx: SectionContext, diag: Diagnostic, window: dict) -> None:
    """The rates of the categories declared on another base than residents (when any)."""
    declared = diag.config.denominators
    categories = [
        c for c, b in declared.items() if b != "residents" and c in set(diag.incidents["category"])
    ]
    if not categories:
        return
    recent = inventory.recent_rates(
        diag.incidents, diag.sectors, by="category", denominators=declared
    )
    recent = _smoothed(ctx, recent[recent["group"].isin(categories)])
    ctx.tables["rates_recent_categories"] = recent
    ctx.doc.heading(ctx.t("report.step1.rates_other_bases", **window), level=3)
    columns = {("category" if c == "group" else c): k for c, k in _rate_columns(recent).items()}
    columns["category"] = "report.col.category"
    table = recent.rename(columns={"group": "category"})
    words = {"category": lambda code, lang: category_label(code, lang)}
    ctx.doc.table(shown(ctx.pub(table), columns, ctx.lang, values=words), max_rows=80)


SMOOTHED_COLUMNS = ("rate_eb", "rate_prior", "shrinkage")
"""The columns :func:`~diagnostic_lib.inventory.smoothed_rates` adds."""


def _smoothed(ctx: SectionContext, rates: pd.DataFrame) -> pd.DataFrame:
    """The rates ranked by smoothed rate (internal), or as they were (public).

    The public version publishes no smoothed rate: with the raw rates of the other
    sectors, a smoothed rate gives away the spread of all the rates, from which two
    suppressed counts of a group can be solved for. It keeps the order by sector.
    """
    if ctx.public:
        return rates
    return _ranked(inventory.smoothed_rates(rates))


def _ranked(rates: pd.DataFrame) -> pd.DataFrame:
    """A rates table ranked within each group by smoothed rate (the municipality last)."""
    order = rates.assign(
        _whole=(rates["sector"] == "*").to_numpy(), _eb=-rates["rate_eb"].astype("float64")
    )
    order = order.sort_values(["group", "_whole", "_eb"], kind="stable", na_position="last")
    out = rates.loc[order.index]
    out.attrs = dict(rates.attrs)
    return out


def _rate_columns(rates: pd.DataFrame) -> dict[str, str]:
    """The rate table's columns: the base and its words when some rate is not per resident."""
    columns = dict(RATE_COLUMNS)
    if (rates["denominator"] != "residents").any():
        columns = {
            ("base" if c == "population" else c): ("report.col.base" if c == "population" else k)
            for c, k in columns.items()
        }
        at = list(columns).index("base") + 1
        items = list(columns.items())
        columns = dict([*items[:at], ("denominator", "report.col.denominator"), *items[at:]])
    return columns


PUBLIC_SEVERITY_DROPPED = ("count", "weighted", "weighted_rate")
"""Columns of the severity index the public version leaves out: each sector's count (and
weighted count) over the whole period and every family is a second total of the rates
table's cells, across families and years, that would give back a complement hidden there."""


def _no_sector_note(ctx: SectionContext, severity: pd.DataFrame) -> str:
    """What the sectors' rows leave out: the incidents of no sector ("" when none).

    The public version gives the share alone (a count next to the other tables' totals
    is one more total to subtract from), and no number at all under the small-count
    threshold (the share of a published total would give the count back).
    """
    is_total = (severity["sector"] == "*").to_numpy()
    total = int(severity.loc[is_total, "count"].sum())
    missing = total - int(severity.loc[~is_total, "count"].sum())
    if missing <= 0 or total <= 0:
        return ""
    share = fmt.percent(missing / total, ctx.lang)
    if ctx.public and missing < ctx.threshold:  # a share of a published total gives it back
        return ctx.t("report.step1.no_sector_few")
    if ctx.public:
        return ctx.t("report.step1.no_sector_public", share=share)
    return ctx.t("report.step1.no_sector", count=fmt.integer(missing, ctx.lang), share=share)


def _severity_rhythms_change(ctx: SectionContext, inv: inventory.Inventory) -> None:
    """The local severity-weighted index, the rhythms, and the change over 12 months."""
    doc, lang = ctx.doc, ctx.lang
    doc.heading(ctx.t("report.step1.severity"), level=3)
    severity = inv.severity
    if ctx.public:  # a sector's count over every year and family: a sum the rates undo
        severity = severity.drop(columns=list(PUBLIC_SEVERITY_DROPPED), errors="ignore")
    ctx.tables["severity_index"] = severity
    if inv.severity["index"].notna().any():
        doc.table(shown(ctx.pub(severity), SEVERITY_COLUMNS, lang))
    else:  # per resident: a table of dashes says nothing
        doc.paragraph(ctx.t("report.step1.severity_no_population"))
    note = _no_sector_note(ctx, inv.severity)
    if note:  # the sectors' rows would not add up to the municipality's, unexplained
        doc.paragraph(note)
    doc.heading(ctx.t("report.step1.rhythms"), level=3)
    if float(np.nansum(inv.hour_weekday.to_numpy(dtype="float64"))) > 0:
        doc.figure(
            charts.hour_weekday_heatmap(inv.hour_weekday, lang=lang),
            caption=ctx.t("report.figure.hour_weekday.caption"),
            alt=ctx.t("report.figure.hour_weekday.alt"),
        )
    else:  # an empty grid with a colour scale around 0 would read as a result
        doc.paragraph(ctx.t("report.step1.no_hours"))
    doc.figure(
        charts.seasonality_chart(inv.seasonality, by="family", lang=lang),
        caption=ctx.t("report.figure.seasonality.caption"),
        alt=ctx.t("report.figure.seasonality.alt"),
    )
    doc.heading(ctx.t("report.step1.change"), level=3)
    ctx.tables["change_family"] = inv.change_family
    if not ctx.public:  # by category and sector, the family tables give a hidden one back
        ctx.tables["change_sector_category"] = inv.change
    columns = _shown(inv, "change_family", CHANGE_HEADERS, lang)
    doc.table(shown(ctx.pub(inv.change_family), columns, lang))


def _places(ctx: SectionContext, diag: Diagnostic, inv: inventory.Inventory) -> None:
    """Concentration, repeat locations (internal only), hot spots and near repeat."""
    doc, lang = ctx.doc, ctx.lang
    doc.heading(ctx.t("report.step1.concentration"), level=3)
    c = inv.concentration
    doc.paragraph(
        ctx.t(
            "report.step1.gini",
            gini=fmt.decimal(c["gini"], lang),
            generalised=fmt.decimal(c["generalised_gini"], lang),
            chance=fmt.decimal(c.get("gini_chance"), lang),
            places=fmt.integer(c["places"], lang),
            cell=fmt.number(inv.parameters["cell_size_m"], lang),
        )
    )
    conc = inventory.concentration_table(inv.place_counts, lang=lang)
    for question in ("incidents", "places"):
        doc.paragraph(ctx.t(f"report.step1.concentration_{question}"))
        doc.bullets(conc.loc[conc["question"] == question, "text"].tolist())
    doc.figure(
        charts.lorenz_chart(inv.place_counts, lang=lang),
        caption=ctx.t("report.figure.lorenz.caption"),
        alt=ctx.t("report.figure.lorenz.alt"),
    )
    if not ctx.public:
        ctx.tables["repeat_locations"] = inv.repeat_locations
        doc.table(
            shown(inv.repeat_locations, REPEAT_COLUMNS, lang, values=_place_words(diag)),
            caption=ctx.t("report.step1.repeat_locations"),
        )
    doc.heading(ctx.t("report.step1.hot_spots"), level=3)
    doc.figure(
        maps.hot_spot_map(
            inv.hot_spots,
            diag.sectors,
            lang=lang,
            source=diag.config.municipality,
            landmarks=ctx.landmarks(inventory.hot_cells(inv.hot_spots)),
            tiles=ctx.tiles,
        ),
        caption=inventory.hot_spot_parameters_text(inv.hot_spots, lang),
        alt=ctx.t("report.figure.hot_spots.alt"),
    )
    hs = inv.hot_spots[inv.hot_spots["hot_class"] != "not_significant"]
    ctx.tables["hot_spots"] = pd.DataFrame(hs.drop(columns="geometry"))
    doc.heading(ctx.t("report.step1.near_repeat"), level=3)
    # the public figure hides the ratios the public table hides (bands of few pairs)
    ctx.tables["knox"] = inv.knox
    if not inv.knox["ratio"].notna().any():  # no pair to count: a blank chart says nothing
        used = inv.knox.attrs.get("parameters", {}).get("events", 0)
        doc.paragraph(ctx.t("report.step1.no_knox", n=fmt.integer(used, lang)))
        return
    knox = public_numbers(inv.knox, ("ratio", "p_value"), ctx.threshold) if ctx.public else inv.knox
    hidden = ctx.public and bool((knox["ratio"].isna() & inv.knox["ratio"].notna()).any())
    doc.figure(
        charts.knox_heatmap(knox, lang=lang),
        caption=ctx.t("report.figure.knox.caption")
        + (" " + ctx.t("report.figure.knox.hidden", n=ctx.threshold) if hidden else "")
        + " "
        + inventory.knox_parameters_text(inv.knox, lang, counts=not ctx.public),
        alt=ctx.t("report.figure.knox.alt"),
    )


def _place_words(diag: Diagnostic) -> dict:
    """How a repeat location's sector and kind of place are written: names and words, not codes.

    The sector by its name (``PDQ-20``, not ``20``); the kind of place by its label
    in the catalogue (``Taxi stand``), else in the words of the places file.
    """
    names = diag.sectors.set_index("sector_id")["name"].astype(str).to_dict()
    kinds: dict[str, str] = {}
    if diag.places is not None and "kind_label" in diag.places.columns:
        p = diag.places.drop_duplicates("kind")
        kinds = dict(zip(p["kind"].astype(str), p["kind_label"].astype(str), strict=True))

    def sector(value, lang: str) -> str:
        return names.get(str(value), str(value))

    def kind(value, lang: str) -> str:  # a cell starts with a capital, as the categories do
        words = inventory.facility_label(str(value), lang, kinds.get(str(value), ""))
        return words[:1].upper() + words[1:]

    return {"sector": sector, "facility_kind": kind}


def _perception(ctx: SectionContext, inv: inventory.Inventory) -> None:
    """Citizens' perception against recorded crime (when there is a survey)."""
    if inv.perception_gap is None:
        return
    doc = ctx.doc
    doc.heading(ctx.t("report.step1.perception"), level=3)
    gap = inv.perception_gap
    if gap["crime_rank"].notna().any() and gap["concern_rank"].notna().any():
        doc.figure(
            charts.perception_gap_chart(gap, lang=ctx.lang),
            caption=ctx.t("report.figure.perception.caption"),
            alt=ctx.t("report.figure.perception.alt"),
        )
    else:  # no rate (no population) or no concern to rank: an empty chart says nothing
        doc.paragraph(ctx.t("report.step1.perception_no_ranks"))
    ctx.tables["perception"] = inv.perception
    ctx.tables["perception_gap"] = inv.perception_gap
    doc.table(shown(ctx.pub(inv.perception_gap), PERCEPTION_COLUMNS, ctx.lang))


def _top_problems(inv: inventory.Inventory, top: int = 10):
    """The problems the problem map draws (the ``top`` ranked), where landmarks are chosen."""
    ids = list(inv.priority["problem_id"])[:top]
    return inv.problems[inv.problems["problem_id"].isin(ids)]


def _problems(ctx: SectionContext, diag: Diagnostic, inv: inventory.Inventory) -> None:
    """The problems on a map, and their priority ranking with its components."""
    doc, lang = ctx.doc, ctx.lang
    doc.heading(ctx.t("report.step1.problems"), level=3)
    doc.figure(
        maps.problems_map(
            inv.problems,
            diag.sectors,
            ranking=inv.priority,
            lang=lang,
            source=diag.config.municipality,
            landmarks=ctx.landmarks(_top_problems(inv)),
            tiles=ctx.tiles,
        ),
        caption=ctx.t("report.figure.problems.caption"),
        alt=ctx.t("report.figure.problems.alt"),
    )
    pr = inv.priority
    ctx.tables["problems"] = inv.problems
    ctx.tables["priority"] = pr
    doc.paragraph(inventory.components_text(pr, lang))
    if (pr["status"] == "too_few_events").any():
        least = pr.attrs.get("min_events", inventory.MIN_PROBLEM_EVENTS)
        doc.paragraph(ctx.t("inventory.priority.min_events", n=fmt.integer(least, lang)))
    # a component missing for every problem (no population, no survey) is said above, not shown
    columns = {
        c: k
        for c, k in _shown(inv, "priority", PRIORITY_HEADERS, lang).items()
        if c not in inventory.PRIORITY_COMPONENTS or pr[c].notna().any()
    }
    doc.table(shown(pr, columns, lang))
