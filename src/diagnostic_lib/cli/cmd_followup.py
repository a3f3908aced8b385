"""``python -m diagnostic_lib follow-up``: the follow-up of a plan a year later.

Examples
--------
>>> from diagnostic_lib.cli import build_parser
>>> a = build_parser().parse_args(["follow-up", "--config", "x.toml", "--plan", "p.toml",
...                                "--register", "problems.toml"])
>>> a.plan, a.register, a.out, a.format
('p.toml', 'problems.toml', 'build/followup', 'html')
"""

from __future__ import annotations

import argparse
import sys
from pathlib import Path

from .. import evaluation, followup, i18n, inventory, loaders, report, strategy
from ..report.pdf import PdfError


def run(args: argparse.Namespace) -> int:
    """Write the follow-up report of ``args.plan`` with the data of ``args.config``.

    The new data are loaded and step 1 is run on them
    (:func:`diagnostic_lib.inventory.run`); the previous plan and register are
    read back (:func:`diagnostic_lib.strategy.read_plan`,
    :func:`diagnostic_lib.inventory.read_register`) and compared
    (:func:`diagnostic_lib.followup.review`, with the config's tunables
    ``fidelity_share`` and ``fate_*``); each action carried out as planned is
    evaluated by its pre-registered design on the new data.

    Parameters
    ----------
    args : argparse.Namespace
        ``config``, ``plan``, ``register``, ``lang`` (default: the config's), ``out``
        and ``format`` (``html``, or ``pdf``: the HTML printed to PDF too, as the
        report's ``--format pdf``).

    Returns
    -------
    int
        0, or 3 when the PDF cannot be written (no Chromium: the message on
        stderr says how to install it).

    Examples
    --------
    >>> run(argparse.Namespace(config="/no/diagnostic.toml", plan="p", register="r",
    ...                        lang=None, out="x"))
    Traceback (most recent call last):
    ...
    diagnostic_lib.errors.ConfigError: ...
    """
    diag = loaders.load_diagnostic(args.config)
    cfg = diag.config
    lang = args.lang or diag.lang
    plan = strategy.read_plan(args.plan)
    register = inventory.read_register(args.register)
    inv = inventory.run(diag)
    _, end = evaluation.data_period(diag)
    opts = inventory.FateOptions(
        match_m=cfg.param("fate_match_m"),
        move_m=cfg.param("fate_move_m"),
        move_overlap=cfg.param("fate_move_overlap"),
        alpha=cfg.param("fate_alpha"),
        min_events=cfg.param("fate_min_events"),
    )
    r = followup.review(
        plan,
        register,
        inv.problems,
        diag.incidents,
        end,
        share=cfg.param("fidelity_share"),
        fate_options=opts,
        sectors=diag.sectors,
    )
    pdf = getattr(args, "format", "html") == "pdf"
    try:
        path = report.write_followup(r, args.out, lang=lang, municipality=cfg.municipality, pdf=pdf)
    except PdfError as exc:
        print(f"error / erreur: {exc}", file=sys.stderr)
        return 3
    print(i18n.t("followup.written", lang, path=Path(path)))
    if pdf:
        print(i18n.t("followup.written", lang, path=Path(path).with_suffix(".pdf")))
    return 0
