"""The reader's pages of the report: the first page, one page per step, the companion files.

Each ``*_page`` function writes into the lead of the section just written
(``with ctx.doc.lead():``, see :class:`~diagnostic_lib.report.HtmlDocument`):
what a committee reads first, one page in print. The numbers come from
:mod:`diagnostic_lib.summary` (the same key figures as the dashboard);
:func:`companion_files` lists what is written beside ``index.html``.

Examples
--------
>>> [k for k, _ in FILE_KINDS][:3]
['tables.xlsx', 'plan.xlsx', 'plan.json']
"""

from __future__ import annotations

import fnmatch
from collections.abc import Mapping, Sequence
from pathlib import Path

import pandas as pd

from .. import charts, evaluation, i18n, inventory, measures, strategy, summary
from .. import formatting as fmt
from ..loaders import Diagnostic
from .sections.context import SectionContext
from .workbook import MAX_SHEET_ROWS

TREND_PROBLEMS: int = 4
"""Problems drawn in the trend chart of step 1's page."""

FILE_KINDS: tuple[tuple[str, str], ...] = (
    ("tables.xlsx", "tables"),
    ("plan.xlsx", "plan_xlsx"),
    ("plan.json", "plan_json"),
    ("plan.toml", "plan_toml"),
    ("problems.toml", "problems_toml"),
    ("problems.geojson", "problems_geojson"),
    ("ledger.csv", "ledger"),
    ("*.pdf", "pdf"),
    ("notebooks", "notebooks"),
    ("*.csv", "csv"),
    ("*.xlsx", "workbook"),
    ("*.html", "map"),
    ("*", "other"),
)
"""File name pattern → label ``report.files.<kind>`` saying what the file is for (first match)."""


def _front_page(
    ctx: SectionContext,
    diag: Diagnostic,
    inv: inventory.Inventory,
    s3: evaluation.Evaluation | None,
) -> None:
    """The key figures with their denominators, and the findings that matter."""
    doc, lang = ctx.doc, ctx.lang
    doc.section_class("front")
    kn = summary.key_numbers(diag, inv.problems, lang)
    table = pd.DataFrame(
        {
            ctx.t("report.page.col.figure"): kn["label"].to_numpy(),
            ctx.t("report.page.col.value"): kn["text"].to_numpy(),
            ctx.t("report.page.col.detail"): kn["detail"].to_numpy(),
        }
    )
    doc.heading(ctx.t("report.page.key_figures"), level=3)
    doc.table(table, cls="key", appendix=False)
    found = summary.key_findings(inv, s3, lang)
    if len(found):
        doc.heading(ctx.t("report.page.findings"), level=3)
        doc.findings(found)


def _step1_page(ctx: SectionContext, diag: Diagnostic, inv: inventory.Inventory) -> None:
    """The trends of the top problems, their significance and projection, and their numbers."""
    doc, lang = ctx.doc, ctx.lang
    ranked = inv.priority[inv.priority["rank"].notna()]
    if not len(ranked) or not len(diag.incidents):
        return
    tr = summary.problem_trends(diag, inv.problems, inv.priority, top=TREND_PROBLEMS)
    if ctx.public:  # a month under the threshold is a small count: that panel is left out
        low = tr.history.groupby("problem_id")["count"].min()
        keep = low.index[low >= ctx.threshold]
        tr.problems = tr.problems[tr.problems["problem_id"].isin(keep)].reset_index(drop=True)
    doc.heading(ctx.t("report.page.top_problems"), level=3)
    if len(tr.problems):
        doc.figure(
            charts.problem_trends_chart(tr, lang=lang),
            caption=ctx.t(
                "report.page.trend_caption",
                n=fmt.integer(len(tr.problems), lang),
                level=fmt.percent(tr.level, lang),
            ),
            alt=ctx.t("report.figure.problem_trends.alt"),
        )
    totals = tr.projection.totals.set_index("problem_id")
    rows = []
    for r in tr.problems.itertuples(index=False):
        t = totals.loc[r.problem_id] if r.problem_id in totals.index else None
        rows.append(
            {
                ctx.t("report.col.rank"): fmt.integer(r.rank, lang),
                ctx.t("report.col.problem"): getattr(r, f"title_{lang}"),
                ctx.t("report.col.last_12"): fmt.integer(t["last_12"], lang)
                if t is not None
                else fmt.MISSING,
                ctx.t("report.page.col.projection"): (
                    f"{fmt.integer(t['mean_12'], lang)} "
                    f"{fmt.interval(t['low_12'], t['high_12'], lang, 0)}"
                    if t is not None
                    else fmt.MISSING
                ),
            }
        )
    if rows:
        doc.table(pd.DataFrame(rows), appendix=False)


def _step2_page(
    ctx: SectionContext, inv: inventory.Inventory, s2: measures.MeasureInventory | None
) -> None:
    """The measures in numbers: registered, active, and the registered problems left uncovered."""
    if s2 is None:
        return
    lang = ctx.lang
    reg = s2.registry
    active = int((reg["status"] == "active").sum()) if "status" in reg else 0
    # the register's problems (the key figures' count), not step 2's perception-gap rows
    bp = s2.by_problem[s2.by_problem["problem_id"].isin(inv.problems["problem_id"])]
    gaps = int(bp["gap"].astype(bool).sum()) if "gap" in bp else 0
    numbers = ctx.t(
        "report.page.measures_numbers",
        n=fmt.integer(len(reg), lang),
        active=fmt.integer(active, lang),
    )
    gap_words = ctx.t(
        "report.page.gap_numbers",
        gaps=fmt.integer(gaps, lang),
        problems=fmt.integer(len(bp), lang),
    )
    ctx.doc.paragraph(f"{numbers} {gap_words}")


def _why_box(
    ctx: SectionContext,
    effects: pd.DataFrame | None,
    plan: pd.DataFrame | None,
    codes: Sequence[str],
) -> None:
    """Why so few results can be demonstrated, and what to do (the ``codes`` of it shown)."""
    why = summary.evaluability(effects, plan, ctx.lang)
    shown = [c for c in codes if c in why.index]
    if not shown:
        return
    ctx.doc.heading(ctx.t("report.page.why_heading"), level=3)
    for c in shown:
        ctx.doc.box(why.loc[c, "text"], warn=not c.endswith("_todo"))


def _step3_page(ctx: SectionContext, s3: evaluation.Evaluation | None) -> None:
    """Why most measures cannot be evaluated, and what to do about it."""
    if s3 is not None:
        _why_box(ctx, s3.effects, None, ("measures", "measures_todo"))


def _step4_page(ctx: SectionContext, s4: strategy.Strategy) -> None:
    """The plan at a glance, and why most of its actions are underpowered."""
    lang, plan = ctx.lang, s4.plan
    if not len(plan):
        return
    ctx.doc.heading(ctx.t("report.page.plan_heading"), level=3)
    glance = pd.DataFrame(
        {
            ctx.t("report.page.col.action"): plan["plan_id"].to_numpy(),
            ctx.t("report.col.response"): plan[f"response_{lang}"].to_numpy(),
            ctx.t("report.col.problem_rank"): [fmt.integer(v, lang) for v in plan["problem_rank"]],
            ctx.t("report.page.col.target"): [
                fmt.signed_percent(-float(v), lang) for v in plan["expected_reduction"]
            ],
            ctx.t("report.page.col.mde"): [
                fmt.signed_percent(-float(v), lang) for v in plan["mde"]
            ],
        }
    )
    ctx.doc.table(glance, appendix=False)
    _why_box(ctx, None, plan, ("plan", "plan_todo"))


def _kind(name: str) -> str:
    return next(kind for pattern, kind in FILE_KINDS if fnmatch.fnmatch(name, pattern))


def companion_files(
    outdir: Path, since: float, also: Sequence[str] = (), lang: str = "fr"
) -> list[tuple[str, str]]:
    """The files written beside the report, with one line on what each is for.

    Parameters
    ----------
    outdir : Path
        The report's folder.
    since : float
        Files older than this (``time.time()``) are left out: an earlier run's.
    also : sequence of str
        Files or folders written after the report (the notebooks, the PDF).
    lang : {"fr", "en"}
        Language.

    Returns
    -------
    list of (str, str)
        Relative path (a folder ends with ``/``) and what it is for.

    Examples
    --------
    >>> import tempfile, time
    >>> d = Path(tempfile.mkdtemp())
    >>> (d / "tables.xlsx").write_bytes(b"")
    0
    >>> [f for f, _ in companion_files(d, time.time() - 5, also=["index.pdf"], lang="en")]
    ['tables.xlsx', 'index.pdf']
    """
    names: set[str] = set(also)
    for p in outdir.iterdir():
        if p.name.startswith(".") or p.name == "index.html":
            continue
        if p.stat().st_mtime >= since - 1.0:
            names.add(p.name)
    order = {kind: k for k, (_, kind) in enumerate(FILE_KINDS)}
    out = []
    for name in sorted(names, key=lambda n: (order[_kind(n)], n)):
        folder = (outdir / name).is_dir() or name == "notebooks"
        text = i18n.t(f"report.files.{_kind(name)}", lang)
        out.append((f"{name}/" if folder else name, text))
    return out


def _files_section(
    ctx: SectionContext,
    files: list[tuple[str, str]],
    long: Mapping[str, tuple[str, int]] | None = None,
    most: int = MAX_SHEET_ROWS,
) -> None:
    """The section listing the companion files, linked by relative path.

    ``long``: the workbook's tables written to CSV instead of a sheet (table →
    file, rows), longer than ``most`` rows, said in a sentence.
    """
    if not files:
        return
    ctx.doc.heading(ctx.t("report.files.heading"), anchor="files")
    ctx.doc.paragraph(ctx.t("report.files.intro"), cls="note")
    if long:
        listed = "; ".join(
            ctx.t("report.files.long_table", csv=csv, rows=fmt.integer(n, ctx.lang))
            for csv, n in long.values()
        )
        ctx.doc.paragraph(
            ctx.t(
                "report.files.long_tables",
                most=fmt.integer(most, ctx.lang),
                tables=listed,
            ),
            cls="note",
        )
    ctx.doc.files(files)
