"""The province's page: its forces side by side and the province by family, from the count cube.

:func:`province_document` lays out what :func:`diagnostic_lib.province.run`
made — a table of the forces (incidents and rates of the last full year, with
their exact Poisson intervals, and a link to each force's report), the map of
every sector's mean annual rate, the province
by crime family and year, and the method in a paragraph — as an
:class:`~.document.HtmlDocument`; :func:`write_province_page` writes it. Every
number comes from the province's count cube; there is no point-level data, and
for the public audience the counts below the small-count threshold are
suppressed with the rates of their rows (:func:`~.confidentiality.public_frame`).
"""

from __future__ import annotations

from os import PathLike
from pathlib import Path
from typing import Any

import pandas as pd

from .. import formatting as fmt
from .. import i18n, maps
from .confidentiality import PROTECTED_MARKER, public_frame
from .document import HtmlDocument
from .workbook import write_workbook

WORKBOOK: str = "province.xlsx"
"""The province's workbook, beside its page."""

_NUMBERS = ("count", "rate", "rate_low", "rate_high")
PROVINCE = "*"
"""The whole province's row (``sector``) in the forces' table."""


def _readable(frame: pd.DataFrame, lang: str, public: bool, threshold: int) -> pd.DataFrame:
    """Counts, rates and intervals as text for ``lang``; small counts hidden for the public."""
    raw = public_frame(frame, threshold) if public else frame
    out = pd.DataFrame(index=raw.index)
    for col in raw.columns:
        if col not in _NUMBERS:
            out[col] = raw[col]
    out["count"] = [v if isinstance(v, str) else fmt.integer(v, lang) for v in raw["count"]]
    out["rate"] = [v if isinstance(v, str) else fmt.rate(v, lang) for v in raw["rate"]]
    out["interval"] = [
        lo if isinstance(lo, str) else fmt.interval(lo, hi, lang, digits=1)
        for lo, hi in zip(raw["rate_low"], raw["rate_high"], strict=True)
    ]
    return out


def forces_frame(
    prov: Any, lang: str = "fr", public: bool = False, threshold: int = 5
) -> pd.DataFrame:
    """The forces' table as the reader sees it (headers in ``lang``).

    One row per force and one for the whole province (last): force, name,
    residents, incidents of the last full year (``prov.year``; the whole period
    when there is none), rate per 1,000 residents and its interval.

    Examples
    --------
    >>> from diagnostic_lib.province.tables import _example_province
    >>> forces_frame(_example_province(), "en").values.tolist()[0]
    ['F1', 'Un', '1,000', '5', '5.0', '[1.6, 11.7]']
    """
    frame = prov.forces_rates.drop(columns="covers_year")
    if public:
        frame = public_forces(frame, threshold)
    shown = _readable(frame.drop(columns="counted", errors="ignore"), lang, False, threshold)
    whole = shown["sector"] == PROVINCE
    shown.loc[whole, "name"] = i18n.t("province.all", lang)
    shown.loc[whole, "sector"] = ""
    shown["population"] = [fmt.integer(v, lang) for v in shown["population"]]
    names = {
        "sector": "province.col.force",
        "name": "province.col.name",
        "population": "province.col.residents",
        "count": "province.col.incidents",
        "rate": "province.col.rate",
        "interval": "province.col.interval",
    }
    return shown.rename(columns={k: i18n.t(v, lang) for k, v in names.items()})


def _missing_note(rates: pd.DataFrame, lang: str, no_count: str) -> str | None:
    """What a "—" of the table means: no rate (a part-year, or no residents), no count.

    Each reason is given only where a row of the table has it: ``no_count`` for a
    missing count.

    Examples
    --------
    >>> r = pd.DataFrame({"count": [5.0, 4.0], "rate": [float("nan"), 8.0],
    ...                   "covers_year": [True, True]})
    >>> _missing_note(r, "en", "province.missing.no_data")[:40]
    '—: no rate, because the residents of the'
    """
    notes = []
    no_rate = rates["rate"].isna().to_numpy() & rates["count"].notna().to_numpy()
    covers = rates["covers_year"].astype(bool).to_numpy()
    if (no_rate & ~covers).any():
        notes.append(i18n.t("province.missing.partial", lang))
    if (no_rate & covers).any():
        notes.append(i18n.t("province.missing.no_population", lang))
    if rates["count"].isna().any():
        notes.append(i18n.t(no_count, lang))
    return " ".join(notes) or None


def overlap_note(overlaps: pd.DataFrame | None, lang: str = "fr") -> str | None:
    """The forces whose territories overlap, in words (``None`` when none do).

    Examples
    --------
    >>> o = pd.DataFrame({"force_a": ["A"], "force_b": ["B"], "area_km2": [2.0], "share": [0.5]})
    >>> overlap_note(o, "en").split("(")[1].split(")")[0]
    'A and B: 2.0 km², 50% of the smaller'
    """
    if overlaps is None or not len(overlaps):
        return None
    pairs = [
        i18n.t(
            "province.overlap.pair",
            lang,
            a=a,
            b=b,
            area=fmt.decimal(area, lang, 1),
            share=fmt.percent(share, lang),
        )
        for a, b, area, share in overlaps[["force_a", "force_b", "area_km2", "share"]].itertuples(
            index=False
        )
    ]
    return i18n.t("province.overlap", lang, pairs="; ".join(pairs))


def unrecorded_note(unrecorded: pd.DataFrame | None, lang: str = "fr") -> str | None:
    """The families each force never records, in words (``None`` when every force records all).

    Examples
    --------
    >>> u = pd.DataFrame({"force": ["MTL", "MTL"], "family": ["fraud_cyber", "traffic"]})
    >>> unrecorded_note(u, "en").split(". ")[-1]
    'MTL: Fraud and cybercrime, Traffic.'
    """
    if unrecorded is None or not len(unrecorded):
        return None
    parts = []
    for force, rows in unrecorded.groupby("force", sort=True):
        names = [
            i18n.t(f"family.{f}", lang) if f"family.{f}" in i18n.LABELS else str(f)
            for f in rows["family"]
        ]
        parts.append(
            i18n.t("province.unrecorded.force", lang, force=force, families=", ".join(names))
        )
    return i18n.t("province.unrecorded", lang, forces="; ".join(parts))


def public_families(rates: pd.DataFrame, threshold: int = 5) -> pd.DataFrame:
    """The province by family and year for the public: small counts hidden, and their complements.

    Each year's total (group ``"*"``) is published, so a hidden family's count is
    the total minus the others: the next smallest of the year is hidden too
    (:func:`~.confidentiality.public_frame`, which finds a table's totals in its
    ``sector`` column: the groups are put there for it, then back).

    Examples
    --------
    >>> r = pd.DataFrame({"group": ["property", "violent", "fraud_cyber", "*"],
    ...     "period": 2025, "count": [500, 40, 3, 543], "rate": [5.0, 0.4, 0.03, 5.43]})
    >>> public_families(r, 5)["count"].tolist()
    [500, 'x', '< 5', 543]
    """
    out = public_frame(rates.rename(columns={"group": "sector"}), threshold)
    return out.rename(columns={"sector": "group"})


def public_forces(rates: pd.DataFrame, threshold: int = 5) -> pd.DataFrame:
    """The forces' table for the public (:func:`~.confidentiality.public_frame`), and more.

    A rate that counts only some of a row's incidents (``counted`` below ``count``:
    sectors of unknown population) gives the counted number back (rate times
    residents), and so the others by subtraction: where those are fewer than
    ``threshold``, the rate and its interval are hidden (:data:`PROTECTED_MARKER`).
    The ``counted`` column itself is not published.

    Examples
    --------
    >>> r = pd.DataFrame({"sector": ["F1", "F2", "*"], "population": [1e3, 2e3, 3e3],
    ...     "count": [50, 80, 130], "counted": [48, 80, 128], "rate": [48.0, 40.0, 128 / 3],
    ...     "rate_low": [35.0, 31.0, 36.0], "rate_high": [64.0, 50.0, 51.0]})
    >>> public_forces(r, 5)["rate"].tolist()
    ['x', 40.0, 'x']
    """
    left = (rates["count"] - rates["counted"]).to_numpy() if "counted" in rates else None
    out = public_frame(rates.drop(columns="counted", errors="ignore"), threshold)
    if left is None:
        return out
    hide = (left > 0) & (left < threshold)
    for col in ("rate", "rate_low", "rate_high"):
        if col in out.columns and hide.any():
            out[col] = out[col].astype(object)
            shown = ~out[col].map(lambda v: isinstance(v, str)).to_numpy()
            out.loc[hide & shown, col] = PROTECTED_MARKER
    return out


def population_notes(forces: pd.DataFrame, lang: str = "fr") -> list[str]:
    """What the forces' rates leave out for want of a population, in words (none: ``[]``).

    ``forces`` is :func:`diagnostic_lib.province.tables.forces_table`: a force of
    which only some sectors have a known population is rated on those sectors
    alone; a force with none has no rate.

    Examples
    --------
    >>> f = pd.DataFrame({"sector_id": ["F1", "F2", "F3"], "sectors": [5, 2, 4],
    ...     "sectors_counted": [3, 0, 4]})
    >>> [t.split(":")[0] for t in population_notes(f, "en")]
    ['F1 (population known in 3 of 5 sectors)', 'F2']
    """
    if not {"sectors", "sectors_counted"} <= set(forces.columns):
        return []
    counted, total = forces["sectors_counted"], forces["sectors"]
    partial = forces[(counted > 0) & (counted < total)]
    none = forces[counted == 0]
    notes = []
    if len(partial):
        named = [
            i18n.t(
                "province.population.sectors",
                lang,
                force=f,
                counted=fmt.integer(k, lang),
                sectors=fmt.integer(n, lang),
            )
            for f, k, n in zip(
                partial["sector_id"], partial["sectors_counted"], partial["sectors"], strict=True
            )
        ]
        notes.append(i18n.t("province.population.partial", lang, forces=", ".join(named)))
    if len(none):
        ids = ", ".join(none["sector_id"].astype(str))
        key = "province.population.none_one" if len(none) == 1 else "province.population.none_many"
        notes.append(i18n.t(key, lang, forces=ids))
    return notes


def families_frame(
    prov: Any, lang: str = "fr", public: bool = False, threshold: int = 5
) -> pd.DataFrame:
    """The whole province by crime family and year, with each year's total, as the reader sees it.

    For the public, a family's count of a year below ``threshold`` is hidden, and
    so is the next smallest of that year (the year's total is published).

    Examples
    --------
    >>> from diagnostic_lib.province.tables import _example_province
    >>> families_frame(_example_province(), "fr", public=True, threshold=10).values.tolist()[1]
    ['Toutes les familles', '2024', '< 10', '< 10', '< 10']
    """
    frame = prov.family_rates.drop(columns=["covers_year", "recorded"], errors="ignore")
    if public:
        frame = public_families(frame, threshold)
    shown = _readable(frame, lang, False, threshold)
    shown["group"] = [
        i18n.t("province.all_families", lang)
        if g == PROVINCE
        else i18n.t(f"family.{g}", lang)
        if f"family.{g}" in i18n.LABELS
        else fmt.MISSING
        for g in shown["group"]
    ]
    shown["period"] = [str(int(p)) for p in shown["period"]]
    names = {
        "group": "province.col.family",
        "period": "province.col.year",
        "count": "province.col.incidents",
        "rate": "province.col.rate",
        "interval": "province.col.interval",
    }
    return shown.rename(columns={k: i18n.t(v, lang) for k, v in names.items()})


def province_document(
    prov: Any, lang: str = "fr", audience: str = "internal", threshold: int = 5
) -> HtmlDocument:
    """The province's page (see the module's docstring).

    Parameters
    ----------
    prov : diagnostic_lib.province.Province
        What :func:`diagnostic_lib.province.run` made.
    lang : {"fr", "en"}
    audience : {"internal", "public"}
    threshold : int
        Small-count threshold (public audience).

    Returns
    -------
    HtmlDocument

    Examples
    --------
    >>> from diagnostic_lib.province.tables import _example_province
    >>> page = province_document(_example_province(), "en").render()
    >>> "The whole province" in page and "Toute la province" not in page
    True
    """
    lang = i18n.check_lang(lang)
    public = audience == "public"
    doc = HtmlDocument(i18n.t("province.title", lang, name=prov.plan.name), lang=lang)
    doc.paragraph(
        i18n.t(
            "province.lead",
            lang,
            forces=fmt.integer(len(prov.forces), lang),
            incidents=fmt.integer(prov.cube.total, lang),
            engine=i18n.t(f"province.engine.{prov.engine}", lang),
        )
    )
    overlap = overlap_note(getattr(prov, "overlaps", None), lang)
    if overlap:
        doc.paragraph(overlap)
    doc.heading(i18n.t("province.forces.heading", lang))
    year = prov.year if prov.year is not None else fmt.MISSING
    caption = i18n.t("province.forces.caption", lang, year=year)
    note = _missing_note(prov.forces_rates, lang, "province.missing.no_data")
    doc.table(
        forces_frame(prov, lang, public, threshold), caption=caption, appendix=False, missing=note
    )
    for text in population_notes(prov.forces, lang):
        doc.paragraph(text)
    if prov.sector_rates is not None:
        fig = maps.rate_map(prov.sector_rates, prov.sectors, lang=lang, source=prov.plan.name)
        key = (
            "report.step1.rate_map_caption"
            if fig.rates_shown
            else "report.figure.count_map.caption"
        )
        doc.figure(fig, caption=i18n.t(key, lang), alt=i18n.t("report.figure.rate_map.alt", lang))
    doc.heading(i18n.t("province.families.heading", lang))
    caption = i18n.t("province.families.caption", lang)
    note = _missing_note(prov.family_rates, lang, "province.missing.unrecorded")
    frame = families_frame(prov, lang, public, threshold)
    doc.table(frame, caption=caption, appendix=False, missing=note)
    unrecorded = unrecorded_note(getattr(prov, "unrecorded", None), lang)
    if unrecorded:
        doc.paragraph(unrecorded)
    doc.heading(i18n.t("province.method.heading", lang))
    cell = fmt.integer(prov.plan.grid_cell_m, lang)
    doc.paragraph(i18n.t("province.method.text", lang, cell=cell))
    doc.heading(i18n.t("province.files.heading", lang))
    items = [
        (f"{fid}/{Path(page).name}", i18n.t("province.files.report", lang, force=fid))
        for fid, page in prov.reports.items()
    ]
    items.append((WORKBOOK, i18n.t("province.files.workbook", lang)))
    doc.files([*items, ("cube/", i18n.t("province.files.cube", lang))])
    return doc


def write_province_page(
    prov: Any,
    out: str | PathLike[str],
    lang: str = "fr",
    audience: str = "internal",
    threshold: int = 5,
) -> Path:
    """Write the province's page to ``<out>/index.html`` (see :func:`province_document`).

    Examples
    --------
    >>> import tempfile
    >>> from diagnostic_lib.province.tables import _example_province
    >>> write_province_page(_example_province(), tempfile.mkdtemp(), "fr").name
    'index.html'
    """
    return province_document(prov, lang, audience, threshold).write(Path(out) / "index.html")


def province_workbook_tables(
    prov: Any, lang: str = "fr", public: bool = False, threshold: int = 5
) -> dict[str, pd.DataFrame]:
    """The province's tables for its workbook: numbers as numbers, totals named in ``lang``.

    The forces (the province last) and the province by family and year always;
    every sector's rates by year for the internal audience only (a public sector
    table beside the forces' totals could be subtracted from them). For the public,
    counts below ``threshold`` are hidden with their complements
    (:func:`~.confidentiality.public_frame`).

    Examples
    --------
    >>> from diagnostic_lib.province.tables import _example_province
    >>> t = province_workbook_tables(_example_province(), "en")
    >>> sorted(t), t["province_forces"]["sector"].tolist()[-1]
    (['province_families', 'province_forces', 'province_sectors'], 'The whole province')
    >>> sorted(province_workbook_tables(_example_province(), "en", public=True))
    ['province_families', 'province_forces']
    """
    tables = {"province_forces": prov.forces_rates, "province_families": prov.family_rates}
    if public:  # before the totals are named: they are what the complements protect
        tables = {
            "province_forces": public_forces(prov.forces_rates, threshold),
            "province_families": public_families(prov.family_rates, threshold),
        }
    elif prov.sector_rates is not None:
        tables["province_sectors"] = prov.sector_rates
    named = {
        "province_forces": ("sector", "province.all"),
        "province_families": ("group", "province.all_families"),
    }
    for name, (column, key) in named.items():
        t = tables[name].copy()
        total = (t[column] == PROVINCE).to_numpy()
        t[column] = t[column].where(~total, i18n.t(key, lang))
        if "name" in t.columns:  # the total's name is words too, not "*"
            t["name"] = t["name"].where(~total, i18n.t(key, lang))
        tables[name] = t
    # the families are codes the workbook translates under "family"; one group ("all") says nothing
    tables["province_families"] = tables["province_families"].rename(columns={"group": "family"})
    if "province_sectors" in tables:
        tables["province_sectors"] = tables["province_sectors"].drop(columns="group")
    return tables


def write_province_workbook(
    prov: Any,
    out: str | PathLike[str],
    lang: str = "fr",
    audience: str = "internal",
    threshold: int = 5,
) -> Path:
    """Write :func:`province_workbook_tables` to ``<out>/province.xlsx`` (one language).

    Examples
    --------
    >>> import tempfile
    >>> from diagnostic_lib.province.tables import _example_province
    >>> write_province_workbook(_example_province(), tempfile.mkdtemp(), "fr").name
    'province.xlsx'
    """
    public = audience == "public"
    tables = province_workbook_tables(prov, lang, public, threshold)
    return write_workbook(tables, Path(out) / WORKBOOK, lang=lang)
