"""The builder: run the four steps and write the report.

:func:`build_report` loads a config, runs steps 1 to 4 and writes the report
(:func:`write_report`), then, when asked, executes the notebooks for the
internal audience (:mod:`~diagnostic_lib.report.notebook_runner`). :func:`write_report` writes
``index.html`` section by section (:mod:`~diagnostic_lib.report.sections`), the
workbook ``tables.xlsx``, the action plan, the problem register and the ledger.
"""

from __future__ import annotations

import datetime as _dt
import time
from collections.abc import Callable, Sequence
from os import PathLike
from pathlib import Path
from typing import Any, NamedTuple

import pandas as pd

from .. import _memory, evaluation, i18n, inventory, loaders, measures, strategy
from .. import formatting as fmt
from ..config import Config, load_config
from ..errors import bilingual
from ..loaders import Diagnostic
from ..maps.rendering import FigureRenderer
from ..tiles import reachable_tiles
from ..workers import shared_worker
from . import pages
from . import workbook as _workbook
from .document import HtmlDocument
from .notebook_runner import _execute_notebooks
from .pdf import PdfError, find_chromium, html_to_pdf
from .sections.context import SectionContext
from .sections.executive_summary import _executive_summary
from .sections.ledger import _section_ledger
from .sections.methods import _section_methods, study_period
from .sections.step1 import _section_step1
from .sections.step2 import _section_step2
from .sections.step3 import _section_step3
from .sections.step4 import _section_step4
from .workbook import category_words, long_tables, write_workbook


def build_report(  # noqa: PLR0913 - public signature, kept backward compatible
    config: str | PathLike[str] | Config,
    out: str | PathLike[str] = "build/report",
    lang: str | None = None,
    audience: str = "internal",
    notebooks: bool = False,
    threshold: int | None = None,
    progress: bool = True,
    now: Any = None,
    pdf: bool = False,
) -> Path:
    """Run the four steps and write the diagnosis report.

    Writes ``index.html`` (self-contained: executive summary, one section per
    step with embedded maps, charts and tables, the action plan, method notes
    and the data-quality ledger), ``tables.xlsx`` (one sheet per table, in ``lang``), the
    action plan (``plan.json`` / ``plan.xlsx``), the problem register and, for
    the internal audience, the executed notebooks (``notebooks/``).

    Parameters
    ----------
    config : path or Config
        The diagnosis config (``diagnostic.toml``).
    out : path
        Output folder.
    lang : {"fr", "en"}, optional
        Default: the config's.
    audience : {"internal", "public"}
        ``public`` enforces confidentiality: no point-level data (only sector and
        grid-cell aggregates), counts below ``threshold`` suppressed, no
        free-text fields, no notebooks.
    notebooks : bool
        Also execute the notebooks on the sample and save them (internal
        audience only; slow: a minute or more). It says so while it runs.
    threshold : int, optional
        Small-count threshold (default: the config's ``small_count``, 5).
    progress : bool
        Show a progress bar.
    now : timestamp, optional
        Reference "now" for the loaders.
    pdf : bool
        Also print ``index.html`` to ``index.pdf`` with headless Chromium
        (:func:`diagnostic_lib.report.pdf.html_to_pdf`).

    Returns
    -------
    pathlib.Path
        ``index.html``.

    Raises
    ------
    diagnostic_lib.report.pdf.PdfError
        ``pdf`` and no Chromium (the message says how to install it).

    Examples
    --------
    >>> import tempfile
    >>> from diagnostic_lib import sample
    >>> p = build_report(sample.sample_dir() / "diagnostic.toml", tempfile.mkdtemp(), lang="en",
    ...                  audience="public", progress=False)
    >>> p.name, (p.parent / "tables.xlsx").exists()
    ('index.html', True)
    """
    from tqdm.auto import tqdm  # only the report shows a progress bar

    public = _is_public(audience)
    if pdf and find_chromium() is None:  # say so before the steps run, not after
        raise PdfError(bilingual("report.pdf.no_chromium"))
    run_notebooks = notebooks and not public
    stages = ["load", "step1", "step2", "step3", "step4", "write"]
    stages += (["notebooks"] if run_notebooks else []) + (["pdf"] if pdf else [])
    bar = tqdm(
        total=len(stages),
        desc="diagnostic",
        disable=not progress,
        bar_format="{desc}: {n_fmt}/{total_fmt} |{bar}| {elapsed}{postfix}",
    )

    cfg = config if isinstance(config, Config) else load_config(config)
    shown = lang or cfg.language

    def step(name: str) -> None:  # the stage in words of the report's language
        bar.set_postfix_str(i18n.t(f"report.progress.{name}", shown))

    step("load")
    # the worker imports what it will run (steps 1 and 3, the figures) while the data load
    worker = shared_worker(enabled=bool(cfg.param("worker_process")))
    worker.preload("diagnostic_lib.evaluation", "diagnostic_lib.maps.rendering")
    diag = loaders.load_diagnostic(cfg, now=now)
    lang = i18n.check_lang(lang or diag.lang)
    thr = _threshold(diag, threshold)
    outdir = Path(out)
    outdir.mkdir(parents=True, exist_ok=True)
    bar.update()

    step("step1")

    def done(following: str) -> None:
        bar.update()
        step(following)

    inv, s2, s3, s4 = run_steps(diag, done)
    bar.update()

    step("write")
    also = (["notebooks"] if run_notebooks else []) + (["index.pdf"] if pdf else [])
    path = write_report(
        diag, inv, s2, s3, s4, outdir, lang=lang, audience=audience, threshold=thr, also=also
    )
    bar.update()

    if run_notebooks:
        step("notebooks")
        _execute_notebooks(outdir / "notebooks", lang, say=bar.write)
        bar.update()
    if pdf:
        step("pdf")
        html_to_pdf(path, outdir / "index.pdf")
        bar.update()
    bar.close()
    return path


class Steps(NamedTuple):
    """The results of the four steps of one diagnosis (:func:`run_steps`)."""

    inventory: inventory.Inventory
    measures: measures.MeasureInventory | None
    evaluation: evaluation.Evaluation | None
    strategy: strategy.Strategy


def run_steps(diag: Diagnostic, done: Callable[[str], None] | None = None) -> Steps:
    """Steps 1 to 4 of a loaded diagnosis, in the order and with the overlaps of the report.

    Step 3's jobs that do not read step 2 are started before it (in the worker
    process, at province scale: :func:`diagnostic_lib.evaluation.start`), and
    step 4 reads the current measures of steps 2 and 3.

    Parameters
    ----------
    diag : Diagnostic
        From :func:`diagnostic_lib.loaders.load_diagnostic`.
    done : callable, optional
        Called with the name of the next stage (``"step2"``, ``"step3"``,
        ``"step4"``) when one ends (a progress bar).

    Returns
    -------
    Steps
        ``inventory, measures, evaluation, strategy`` (``measures`` and
        ``evaluation`` are ``None`` without measures).

    Examples
    --------
    >>> from diagnostic_lib import loaders, sample
    >>> diag = loaders.load_diagnostic(sample.sample_dir() / "diagnostic.toml", cache=False)
    >>> steps = run_steps(diag)
    >>> steps.measures is not None, len(steps.strategy.plan) > 0
    (True, True)
    """
    say = done or (lambda _name: None)
    inv = inventory.run(diag)
    say("step2")
    started = _start_step3(diag, inv)
    s2 = _run_step2(diag, inv)
    say("step3")
    s3 = _run_step3(diag, inv, s2, started)
    started = None  # its jobs' answers (the projections' history) are not needed now
    say("step4")
    current = _current(s2, s3, diag)
    s4 = strategy.run(diag, inv, current=current)
    return Steps(inv, s2, s3, s4)


@_memory.gives_back
def write_report(  # noqa: PLR0913 - public signature, kept backward compatible
    diag: Diagnostic,
    inv: inventory.Inventory,
    step2: measures.MeasureInventory | None = None,
    step3: evaluation.Evaluation | None = None,
    step4: strategy.Strategy | None = None,
    out: str | PathLike[str] = "build/report",
    lang: str | None = None,
    audience: str = "internal",
    threshold: int | None = None,
    also: Sequence[str] = (),
) -> Path:
    """Write the diagnosis report from results already computed (no step is run again).

    The writing stage of :func:`build_report`, for a notebook or a script that
    already holds the results of the steps: the same ``index.html``,
    ``tables.xlsx``, plan and register files (no notebooks).

    Parameters
    ----------
    diag : Diagnostic
        From :func:`diagnostic_lib.loaders.load_diagnostic`.
    inv : Inventory
        From :func:`diagnostic_lib.inventory.run`.
    step2, step3 : optional
        From :func:`diagnostic_lib.measures.run` and
        :func:`diagnostic_lib.evaluation.run` (their sections are left out when
        ``None``).
    step4 : Strategy, optional
        From :func:`diagnostic_lib.strategy.run` (run here when not given).
    out, lang, audience, threshold
        See :func:`build_report`.
    also : sequence of str
        Files or folders that will be written beside the report afterwards
        (``notebooks``, ``index.pdf``): the report lists them with the others.

    Returns
    -------
    pathlib.Path
        ``index.html``.

    Examples
    --------
    >>> import tempfile
    >>> from diagnostic_lib import inventory, loaders, sample
    >>> d = loaders.load_diagnostic(sample.sample_dir() / "diagnostic.toml")
    >>> p = write_report(d, inventory.run(d, permutations=9), out=tempfile.mkdtemp(),
    ...                  lang="en", audience="public")
    >>> p.name, (p.parent / "tables.xlsx").exists()
    ('index.html', True)
    """
    started = time.time()
    public = _is_public(audience)
    lang = i18n.check_lang(lang or diag.lang)
    thr = _threshold(diag, threshold)
    outdir = Path(out)
    outdir.mkdir(parents=True, exist_ok=True)
    s4 = (
        step4
        if step4 is not None
        else strategy.run(diag, inv, current=_current(step2, step3, diag))
    )
    doc = _front_matter(diag, lang, public, thr, _renderer(diag))
    ctx = SectionContext(
        doc,
        lang,
        public,
        thr,
        source=diag.config.municipality,
        tiles=reachable_tiles(diag),
        diag=diag,
    )
    # each section, then its lead (its first page: a chart and the numbers that support it)
    _executive_summary(ctx, diag, inv, step3, s4)
    with doc.lead():
        pages._front_page(ctx, diag, inv, step3)
    _section_step1(ctx, diag, inv)
    with doc.lead():
        pages._step1_page(ctx, diag, inv)
    _section_step2(ctx, diag, inv, step2)
    with doc.lead():
        pages._step2_page(ctx, inv, step2)
    _section_step3(ctx, step3)
    with doc.lead():
        pages._step3_page(ctx, step3)
    _section_step4(ctx, s4)
    with doc.lead():
        pages._step4_page(ctx, s4)
    _section_methods(ctx, diag)
    _section_ledger(ctx, diag)

    words = category_words(diag.taxonomy, lang)
    strategy.save_plan(ctx.pub(s4.plan), outdir / "plan", lang=lang, vocabularies=words)
    if not public:
        inventory.write_register(inv.problems, outdir / "problems")
        diag.ledger.to_csv(outdir / "ledger.csv", lang=lang)
    public_tables = {k: ctx.pub(v) for k, v in ctx.tables.items()}
    most = _workbook.MAX_SHEET_ROWS  # read now: a test may lower it
    write_workbook(
        public_tables, outdir / "tables.xlsx", max_rows=most, lang=lang, vocabularies=words
    )
    pages._files_section(
        ctx,
        pages.companion_files(outdir, started, also, lang),
        long_tables(public_tables, outdir / "tables.xlsx", most),
        most,
    )
    return doc.write(outdir / "index.html")


def _is_public(audience: str) -> bool:
    if audience not in ("internal", "public"):
        raise ValueError("audience must be 'internal' or 'public'")
    return audience == "public"


def _threshold(diag: Diagnostic, threshold: int | None) -> int:
    """The small-count threshold: the one given, else the config's ``small_count``."""
    return int(threshold if threshold is not None else diag.config.param("small_count"))


def _renderer(diag: Diagnostic) -> FigureRenderer | None:
    """Figures drawn by the process's worker, unless the config's ``worker_process`` is off."""
    if not diag.config.param("worker_process"):
        return None
    return FigureRenderer(worker=shared_worker())


def _front_matter(
    diag: Diagnostic,
    lang: str,
    public: bool,
    threshold: int,
    renderer: FigureRenderer | None = None,
) -> HtmlDocument:
    """The document with its title, the study period and, for the public, what is hidden."""
    cfg = diag.config
    title = i18n.t("report.title", lang, municipality=cfg.municipality)
    if public:
        title = i18n.t("report.title_public", lang, title=title)
    doc = HtmlDocument(title, lang, renderer=renderer)
    start, end = study_period(diag)
    note = i18n.t(
        "report.period_note",
        lang,
        start=fmt.date(start, lang),
        end=fmt.date(end, lang),
        today=fmt.date(_dt.date.today(), lang),
    )
    doc.paragraph(note, cls="note")
    if public:
        doc.box(i18n.t("report.public_box", lang, threshold=fmt.integer(threshold, lang)))
    return doc


def _run_step2(diag: Diagnostic, inv: inventory.Inventory) -> measures.MeasureInventory | None:
    if diag.measures is None:
        return None
    return measures.run(diag, inv.problems, priority=inv.priority)


def _start_step3(diag: Diagnostic, inv: inventory.Inventory) -> evaluation.Started | None:
    """Step 3's jobs that read nothing of step 2, sent to the worker before it (a province)."""
    if diag.measures is None:
        return None
    return evaluation.start(diag, inv.problems, priority=inv.priority, knox=inv.knox)


def _run_step3(
    diag: Diagnostic,
    inv: inventory.Inventory,
    s2: measures.MeasureInventory | None,
    started: evaluation.Started | None = None,
) -> evaluation.Evaluation | None:
    if diag.measures is None:
        return None
    # step 1's priority and Knox table are the ones step 3 would compute again (same defaults)
    return evaluation.run(diag, inv.problems, priority=inv.priority, knox=inv.knox, started=started)


def _current(
    s2: measures.MeasureInventory | None, s3: evaluation.Evaluation | None, diag: Diagnostic
) -> pd.DataFrame | None:
    """What is already in place (see :func:`diagnostic_lib.strategy.current_from_steps`)."""
    return strategy.current_from_steps(diag, s2, s3)
