"""The monitoring bulletin: one short page, in one language, from a :class:`Monitoring`.

:func:`bulletin_document` lays out the comparisons of
:func:`diagnostic_lib.monitoring.monitor` — the municipality first, then the
crime families, the sectors and the sector × family combinations that changed
— as an :class:`~.document.HtmlDocument` (the report's templates and style
sheets); :func:`write_bulletin` writes it. Each change reads as counts, a
difference, its test and a verdict in words (:func:`comparison_table`). The
bulletin is public-style: counts below the ``small_count`` threshold are
suppressed with what would give them away (:func:`~.confidentiality.suppress_small_counts`),
and there is no point-level data.
"""

from __future__ import annotations

import re
from collections.abc import Mapping
from os import PathLike
from pathlib import Path
from typing import Any

import numpy as np
import pandas as pd

from .. import formatting as fmt
from .. import i18n
from ..monitoring import Monitoring
from .confidentiality import (
    PROTECTED_MARKER,
    SMALL_COUNT,
    complementary_cells,
    suppress_small_counts,
    suppression_marker,
)
from .document import HtmlDocument

_SIGNIFICANT = ("significant_increase", "significant_decrease")


def period_label(period: pd.Period, lang: str = "fr") -> str:
    """A month or a quarter in words: ``déc. 2017``, ``T4 2017``, ``Q4 2017``.

    Examples
    --------
    >>> period_label(pd.Period("2017Q4", "Q"), "fr"), period_label(pd.Period("2017-12", "M"), "en")
    ('T4 2017', 'Dec 2017')
    """
    p = pd.Period(period)
    if p.freqstr.startswith("Q"):
        return i18n.t("monitoring.period.quarter", lang, q=p.quarter, year=p.year)
    return i18n.t(
        "monitoring.period.month", lang, month=i18n.MONTHS[lang][p.month - 1], year=p.year
    )


def _signed(value: Any, lang: str, digits: int = 0) -> str:
    """A difference with its sign (``+12``, ``−3``, ``0``)."""
    if value is None or pd.isna(value):
        return fmt.MISSING
    v = float(value)
    text = fmt.integer(abs(v), lang) if digits == 0 else fmt.decimal(abs(v), lang, digits)
    if text.strip("0,. ") == "":
        return text
    return ("+" if v > 0 else "−") + text


def _verdict_text(row: Mapping[str, Any], side: str, lang: str, hidden: bool) -> str:
    """The verdict of one comparison in words, with its test unless it is hidden or moot."""
    code = row[f"verdict_{side}"]
    words = i18n.t(f"monitoring.verdict.{code}", lang)
    if hidden or code not in (*_SIGNIFICANT, "no_significant_change"):
        return words
    exact = side == "year" and row["test_year"] == "e_test"  # else the negative binomial's
    return i18n.t(
        "monitoring.cell_e_test" if exact else "monitoring.cell",
        lang,
        verdict=words,
        q=fmt.pvalue(row[f"q_{side}"], lang, symbol="q"),
        z=_signed(float(row[f"z_poisson_{side}"]), lang, 1),
    )


def comparison_table(
    comparison: pd.DataFrame,
    labels: pd.Series,
    label_header: str,
    lang: str,
    period: str,
    small_count: int = SMALL_COUNT,
    total: tuple[float, float] | None = None,
    also_hide: Mapping[str, np.ndarray] | None = None,
) -> pd.DataFrame:
    """The comparisons of one table in words: counts, differences, tests and verdicts.

    Counts below ``small_count`` read ``"< small_count"``; the differences and
    the test figures that would give them away read "—" (the verdict stays, in
    words). When the rows add up to a published ``total`` (now, a year
    earlier), a single hidden count could be recovered by subtraction: the
    next smallest of its column is hidden too
    (:func:`~.confidentiality.complementary_cells`); such a count reads "x",
    not "< k", since it may be large.

    Parameters
    ----------
    comparison : DataFrame
        :func:`~diagnostic_lib.monitoring.compare_periods`.
    labels : Series
        The name of each row (same index).
    label_header : str
        The header of the names' column.
    lang : {"fr", "en"}
    period : {"month", "quarter"}
    small_count : int
    total : (float, float), optional
        The published total of the rows, now and a year earlier (what is not
        in the rows, such as incidents outside every sector, counts as one
        more row, hidden when small).
    also_hide : mapping of str to array of bool, optional
        Per count column (``now``, ``year_ago``), rows to hide besides (what
        other published tables would give away, see :func:`cells_given_away`).

    Returns
    -------
    DataFrame
        Text only, one row per row of ``comparison``, index preserved.

    Examples
    --------
    >>> from diagnostic_lib import monitoring
    >>> cols = pd.period_range("2016-01", "2017-12", freq="M")
    >>> t = pd.DataFrame([[20] * 23 + [60], [3] * 24], index=["A", "B"], columns=cols)
    >>> c = monitoring.compare_periods(t, cols[-1])
    >>> out = comparison_table(c, pd.Series({"A": "Nord", "B": "Sud"}), "Secteur", "en", "month")
    >>> out.iloc[0, :4].tolist()
    ['Nord', '60', '20', '+40']
    >>> out.iloc[1, :5].tolist()
    ['Sud', '< 5', '< 5', '—', 'Too few to say']
    """
    at = comparison.attrs["at"]
    ago = at - (12 if period == "month" else 4)
    n = int(comparison.attrs.get("baseline") and len(comparison.attrs["baseline"]) or 0)
    num = comparison[["now", "year_ago", "diff_year", "baseline_mean", "diff_baseline"]].copy()
    num["now"] = num["now"].astype("float64")
    num["year_ago"] = num["year_ago"].astype("float64")
    num["diff_year"] = num["diff_year"].astype("float64")
    num["hide_year"] = False
    num["hide_mean"] = False
    # counts hidden only to protect a small one: they read "x", never "< k" (they may be large)
    protect = {c: np.zeros(len(num), dtype=bool) for c in ("now", "year_ago")}
    masks = list(_complementary(num, total, small_count).items()) if total is not None else []
    masks += [(c, np.asarray(m, dtype=bool)) for c, m in (also_hide or {}).items()]
    for col, mask in masks:
        protect[col] |= mask & ~(num[col].to_numpy() < small_count)
        num.loc[mask, col] = -1.0  # hidden, with what it gives away
    num = suppress_small_counts(
        num,
        ["now", "year_ago"],
        small_count,
        {
            "now": ["diff_year", "diff_baseline", "hide_year", "hide_mean"],
            "year_ago": ["diff_year", "hide_year"],
        },
        dependent_marker=fmt.MISSING,
    )
    for col, mask in protect.items():
        if mask.any():
            num[col] = num[col].astype(object)
            num.loc[mask, col] = PROTECTED_MARKER
    rows = []
    for key, row in comparison.iterrows():
        shown = num.loc[key]

        def count(v: Any) -> str:
            return v if isinstance(v, str) else fmt.integer(v, lang)

        rows.append(
            [
                str(labels.get(key, key)),
                count(shown["now"]),
                count(shown["year_ago"]),
                shown["diff_year"]
                if isinstance(shown["diff_year"], str)
                else _signed(shown["diff_year"], lang),
                _verdict_text(row, "year", lang, isinstance(shown["hide_year"], str)),
                fmt.decimal(row["baseline_mean"], lang, 1),
                shown["diff_baseline"]
                if isinstance(shown["diff_baseline"], str)
                else _signed(shown["diff_baseline"], lang, 1),
                _verdict_text(row, "baseline", lang, isinstance(shown["hide_mean"], str)),
            ]
        )
    unit = i18n.t(f"monitoring.unit.{period}", lang)
    header = [
        label_header,
        period_label(at, lang),
        period_label(ago, lang),
        i18n.t("monitoring.col.diff", lang),
        i18n.t("monitoring.col.vs_year", lang, ago=period_label(ago, lang)),
        i18n.t("monitoring.col.mean", lang, n=n, unit=unit),
        i18n.t("monitoring.col.diff", lang) + " ",  # a second "Difference" column
        i18n.t("monitoring.col.vs_mean", lang),
    ]
    return pd.DataFrame(rows, index=comparison.index, columns=header)


def _complementary(
    num: pd.DataFrame, total: tuple[float, float], small_count: int
) -> dict[str, np.ndarray]:
    """Rows to hide besides the small ones, so that the published total does not give them away.

    What the total holds beyond the rows (incidents outside every sector, or
    without a family) is a count too: total − rows. When it is small it is
    hidden (the bulletin's method says "< 5"), so it counts as one more hidden
    row; otherwise every row shown would let a reader recover it by subtraction.

    Examples
    --------
    >>> num = pd.DataFrame({"now": [40.0, 30.0, 20.0], "year_ago": [40.0, 30.0, 20.0]})
    >>> _complementary(num, (93.0, 90.0), 5)["now"].tolist()  # 3 outside the rows
    [False, False, True]
    >>> _complementary(num, (93.0, 90.0), 5)["year_ago"].tolist()
    [False, False, False]
    """
    rest = []
    for col, tot in zip(("now", "year_ago"), total, strict=True):
        r = tot - float(num[col].sum(min_count=1))
        rest.append(r if np.isfinite(r) and 0 < r < small_count else np.nan)
    frame = pd.DataFrame(
        {
            "sector": [f"r{i}" for i in range(len(num))] + ["rest", "*"],
            "now": [*num["now"].tolist(), rest[0], total[0]],
            "year_ago": [*num["year_ago"].tolist(), rest[1], total[1]],
        }
    )
    masks = complementary_cells(frame, ["now", "year_ago"], small_count)
    return {c: m[:-2] for c, m in masks.items()}


def _hidden_rows(c: pd.DataFrame, total: tuple[float, float], small_count: int) -> pd.DataFrame:
    """Which counts of a table with a published total read "< k" (small or complementary)."""
    num = c[["now", "year_ago"]].astype("float64")
    extra = _complementary(num, total, small_count)
    out = pd.DataFrame(index=c.index)
    for col in ("now", "year_ago"):
        out[col] = num[col].isna().to_numpy() | (num[col] < small_count).to_numpy()
        out[col] |= extra.get(col, np.zeros(len(c), dtype=bool))
    return out


def cells_given_away(m: Monitoring, shown: pd.Index, small_count: int = SMALL_COUNT):
    """Shown sector × family cells to hide so that no unshown small cell can be recovered.

    The bulletin shows only the cells that changed, but a sector's count (the
    sectors' table) minus its cells shown is the sum of its other cells, and
    likewise for a family: when that sum is one cell only, and a small one, it
    would be given away (a family's incidents outside every sector count as
    one more cell). The smallest cell shown of that sector (or family) is
    hidden too, as complementary suppression does.

    Parameters
    ----------
    m : Monitoring
    shown : Index
        The (sector, family) cells the bulletin shows.
    small_count : int

    Returns
    -------
    dict of str to ndarray of bool
        Per count column (``now``, ``year_ago``), the cells of ``shown`` to hide.

    Examples
    --------
    >>> from diagnostic_lib import monitoring
    >>> cols = pd.period_range("2016-01", "2017-12", freq="M")
    >>> idx = pd.MultiIndex.from_tuples([("A", "f"), ("A", "g")], names=["sector", "family"])
    >>> t = pd.DataFrame([[20] * 23 + [60], [3] * 24], index=idx, columns=cols)
    >>> c = monitoring.compare_periods(t, cols[-1])
    >>> sec = monitoring.compare_periods(t.groupby(level=0).sum(), cols[-1])
    >>> fam = monitoring.compare_periods(t.groupby(level=1).sum(), cols[-1])
    >>> tot = monitoring.compare_periods(t.sum().to_frame("*").T, cols[-1])
    >>> m = monitoring.Monitoring("month", cols[-1], tot, fam, sec, c)
    >>> cells_given_away(m, idx[:1], 5)["now"].tolist()  # A's 63 minus A-f's 60 is A-g's 3
    [True]
    """
    total = _total(m)
    published = {
        0: _hidden_rows(m.sectors, total, small_count),
        1: _hidden_rows(m.families, total, small_count),
    }
    out = {}
    for col in ("now", "year_ago"):
        pub_counts = {0: m.sectors[col], 1: m.families[col]}
        vals = m.cells[col].astype("float64")
        hidden = pd.Series(True, index=m.cells.index)  # unknown to a reader
        hidden.loc[shown] = ~(vals.loc[shown] >= small_count)
        for level, pub in published.items():
            keys = m.cells.index.get_level_values(level)
            for key, pos in pd.Series(range(len(keys))).groupby(keys.to_numpy()).groups.items():
                if key not in pub.index or pub.loc[key, col]:
                    continue  # no published count for this group
                rows = m.cells.index[np.asarray(pos)]
                unknown = vals.loc[rows[hidden.loc[rows].to_numpy() & (vals.loc[rows] > 0)]]
                # a family's incidents outside every sector are in its count, not in its cells
                rest = float(pd.to_numeric(pub_counts[level].get(key), errors="coerce"))
                rest -= float(vals.loc[rows].sum())
                values = [*unknown.tolist(), *([rest] if rest > 0 else [])]
                if len(values) != 1 or not values[0] < small_count:
                    continue
                visible = rows[~hidden.loc[rows].to_numpy() & rows.isin(shown)]
                if len(visible):
                    hidden.loc[vals.loc[visible].idxmin()] = True
        out[col] = (hidden.loc[shown] & (vals.loc[shown] >= small_count)).to_numpy()
    return out


def _names(index: pd.Index, names: Mapping[Any, str] | None, prefix: str | None, lang: str):
    if prefix:
        return pd.Series([i18n.label(prefix, v, lang) for v in index], index=index)
    names = names or {}
    return pd.Series([str(names.get(v, v)) for v in index], index=index)


def _natural(names: pd.Series) -> pd.Series:
    """Sort key of names with numbers in them: ``PDQ-4`` before ``PDQ-10``."""
    return names.map(
        lambda v: [int(p) if p.isdigit() else p.lower() for p in re.split(r"(\d+)", v)]
    )


def _significant(comparison: pd.DataFrame) -> np.ndarray:
    return (
        comparison["verdict_year"].isin(_SIGNIFICANT)
        | comparison["verdict_baseline"].isin(_SIGNIFICANT)
    ).to_numpy()


def contrast_counts(m: Monitoring) -> dict[str, int]:
    """How many changes the bulletin calls significant, and how many a plain Poisson test would.

    Over the four tables of the bulletin (municipality, families, sectors, cells).

    Returns
    -------
    dict
        ``n`` (comparisons with a verdict), ``kept`` (significant in the
        bulletin), ``year`` and ``mean`` (significant by the plain Poisson z,
        against last year and against the mean).

    Examples
    --------
    >>> import numpy as np
    >>> from diagnostic_lib import monitoring
    >>> rng = np.random.default_rng(0)
    >>> days = pd.date_range("2015-01-01", "2017-12-31", freq="D")
    >>> inc = pd.DataFrame({"occurred_from": days.repeat(rng.poisson(3, len(days))),
    ...                     "sector": "A", "family": "property"})
    >>> m = monitoring.monitor(inc, "quarter")
    >>> contrast_counts(m)["n"]  # 4 tables of one row, 2 comparisons each
    8
    """
    out = {"n": 0, "kept": 0, "year": 0, "mean": 0}
    for c in (m.total, m.families, m.sectors, m.cells):
        for side, key in (("year", "year"), ("baseline", "mean")):
            v = c[f"verdict_{side}"]
            out["n"] += int(v.isin((*_SIGNIFICANT, "no_significant_change")).sum())
            out["kept"] += int(v.isin(_SIGNIFICANT).sum())
            out[key] += int(c[f"verdict_poisson_{side}"].isin(_SIGNIFICANT).sum())
    return out


def bulletin_document(
    m: Monitoring,
    lang: str = "fr",
    municipality: str = "",
    sector_names: Mapping[Any, str] | None = None,
    small_count: int = SMALL_COUNT,
    paper: str | None = None,
) -> HtmlDocument:
    """The bulletin of a :class:`~diagnostic_lib.monitoring.Monitoring` as a document.

    Parameters
    ----------
    m : Monitoring
    lang : {"fr", "en"}
    municipality : str
    sector_names : mapping, optional
        Sector id → name (default: the ids).
    small_count : int
        Counts below it are suppressed.
    paper : {"letter", "a4"}, optional

    Returns
    -------
    HtmlDocument

    Examples
    --------
    >>> import numpy as np
    >>> from diagnostic_lib import monitoring
    >>> rng = np.random.default_rng(0)
    >>> days = pd.date_range("2015-01-01", "2017-12-31", freq="D")
    >>> inc = pd.DataFrame({"occurred_from": days.repeat(rng.poisson(3, len(days))),
    ...                     "sector": "A", "family": "property"})
    >>> m = monitoring.monitor(inc, "quarter")
    >>> page = bulletin_document(m, "en", "Town", {"A": "North"}).render()
    >>> "Monitoring bulletin — Town, Q4 2017" in page and "North" in page
    True
    """
    lang = i18n.check_lang(lang)
    at = period_label(m.at, lang)
    doc = HtmlDocument(
        i18n.t("monitoring.title", lang, municipality=municipality, period=at), lang, paper
    )
    base = m.total.attrs["baseline"]
    unit = i18n.t(f"monitoring.unit.{m.period}", lang)
    ago_p = m.at - (12 if m.period == "month" else 4)
    doc.paragraph(
        i18n.t(
            "monitoring.intro",
            lang,
            at=at,
            ago=period_label(ago_p, lang),
            n=len(base),
            unit=unit,
            first=period_label(base[0], lang) if base else fmt.MISSING,
            last=period_label(base[-1], lang) if base else fmt.MISSING,
        )
    )
    total = comparison_table(
        m.total, pd.Series({"*": municipality}), "", lang, m.period, small_count
    ).iloc[0]
    no_year = m.total["verdict_year"].iloc[0] == "not_covered"
    doc.box(
        i18n.t(
            "monitoring.headline_no_year" if no_year else "monitoring.headline",
            lang,
            place=municipality or i18n.t("monitoring.total", lang),
            now=total.iloc[1],
            at=at,
            ago_count=total.iloc[2],
            ago=period_label(ago_p, lang),
            diff=total.iloc[3],
            mean=total.iloc[5],
            unit_one=i18n.t(f"monitoring.unit_one.{m.period}", lang),
            diff_mean=total.iloc[6],
            verdict_year=_lower(total.iloc[4]),
            verdict_mean=_lower(total.iloc[7]),
        )
    )
    c = contrast_counts(m)
    doc.paragraph(i18n.t("monitoring.contrast", lang, **{k: str(v) for k, v in c.items()}))
    doc.heading(i18n.t("monitoring.section.families", lang), level=3)
    fam = m.families.sort_values("now", ascending=False)
    doc.table(
        comparison_table(
            fam,
            _names(fam.index, None, "family", lang),
            i18n.t("word.family", lang),
            lang,
            m.period,
            small_count,
            _total(m),
        ),
        appendix=False,
        missing=i18n.t("monitoring.missing", lang),
    )
    doc.heading(i18n.t("monitoring.section.sectors", lang), level=3)
    names_of = _names(m.sectors.index, sector_names, None, lang)
    sec = m.sectors.loc[names_of.sort_values(key=_natural).index]
    doc.table(
        comparison_table(
            sec,
            _names(sec.index, sector_names, None, lang),
            i18n.t("word.sector", lang),
            lang,
            m.period,
            small_count,
            _total(m),
        ),
        appendix=False,
        missing=i18n.t("monitoring.missing", lang),
    )
    doc.heading(i18n.t("monitoring.section.cells", lang), level=3)
    sig = m.cells[_significant(m.cells)]
    n_cells = int((m.cells["verdict_year"] != "not_covered").sum())
    if not len(sig):
        doc.paragraph(i18n.t("monitoring.cells.none", lang, n=fmt.integer(n_cells, lang)))
    else:
        doc.paragraph(
            i18n.t("monitoring.cells.some", lang, k=len(sig), n=fmt.integer(n_cells, lang))
        )
        names = pd.Series(
            [
                f"{(sector_names or {}).get(s, s)} — {i18n.label('family', f, lang)}"
                for s, f in sig.index
            ],
            index=sig.index,
        )
        head = f"{i18n.t('word.sector', lang)} — {i18n.t('word.family', lang)}"
        doc.table(
            comparison_table(
                sig,
                names,
                head,
                lang,
                m.period,
                small_count,
                also_hide=cells_given_away(m, sig.index, small_count),
            ),
            appendix=False,
            missing=i18n.t("monitoring.missing", lang),
        )
    _method(doc, m, lang, small_count)
    return doc


def _total(m: Monitoring) -> tuple[float, float]:
    """The municipal total, now and a year earlier (as the headline publishes it)."""
    row = m.total.iloc[0]
    ago = row["year_ago"]
    return float(row["now"]), float("nan") if pd.isna(ago) else float(ago)


def _lower(text: str) -> str:
    """A verdict cell inside a sentence: its first letter in lower case."""
    return text[:1].lower() + text[1:] if text else text


def _method(doc: HtmlDocument, m: Monitoring, lang: str, small_count: int) -> None:
    doc.heading(i18n.t("monitoring.section.method", lang), level=3)
    n = len(m.total.attrs["baseline"])
    unit = i18n.t(f"monitoring.unit.{m.period}", lang)
    items = [
        i18n.t("monitoring.method.test", lang, n=n, unit=unit),
        i18n.t("monitoring.method.poisson", lang),
        i18n.t("monitoring.method.fdr", lang, alpha=fmt.number(m.settings["alpha"], lang)),
        i18n.t("monitoring.method.too_few", lang, min=m.settings["min_events"]),
        i18n.t("monitoring.method.small", lang, k=small_count),
        i18n.t("monitoring.method.protected", lang),
    ]
    if m.unassigned:
        items.append(
            i18n.t(
                "monitoring.method.unassigned",
                lang,
                n=fmt.integer(m.unassigned, lang)
                if m.unassigned >= small_count
                else suppression_marker(small_count),
                at=period_label(m.at, lang),
            )
        )
    doc.bullets(items)


def bulletin_name(m: Monitoring, lang: str) -> str:
    """The bulletin's file name: ``bulletin-2017Q4-fr.html``.

    Examples
    --------
    >>> class M:
    ...     at = pd.Period("2017-12", "M")
    >>> bulletin_name(M(), "en")
    'bulletin-2017-12-en.html'
    """
    return f"bulletin-{m.at}-{lang}.html"


def write_bulletin(
    m: Monitoring,
    out: str | PathLike[str],
    lang: str = "fr",
    municipality: str = "",
    sector_names: Mapping[Any, str] | None = None,
    small_count: int = SMALL_COUNT,
) -> Path:
    """Write the bulletin (:func:`bulletin_document`) into the folder ``out``.

    Returns
    -------
    Path
        ``out/bulletin-<period>-<lang>.html`` (:func:`bulletin_name`).

    Examples
    --------
    >>> import numpy as np
    >>> from diagnostic_lib import monitoring
    >>> rng = np.random.default_rng(0)
    >>> days = pd.date_range("2015-01-01", "2017-12-31", freq="D")
    >>> inc = pd.DataFrame({"occurred_from": days.repeat(rng.poisson(3, len(days))),
    ...                     "sector": "A", "family": "property"})
    >>> m = monitoring.monitor(inc, "quarter")
    >>> write_bulletin(m, "bulletins", "fr", "Ville").name
    'bulletin-2017Q4-fr.html'
    """
    doc = bulletin_document(m, lang, municipality, sector_names, small_count)
    return doc.write(Path(out) / bulletin_name(m, lang))
