"""``python -m diagnostic_lib validate``: load a config and print the data-quality ledger.

Examples
--------
>>> from diagnostic_lib.cli import build_parser
>>> build_parser().parse_args(["validate", "--config", "x", "--ledger-csv", "l.csv"]).ledger_csv
'l.csv'
"""

from __future__ import annotations

import argparse
import sys

from .. import formatting as fmt
from .. import i18n
from ..loaders import load_diagnostic

FIRST_REJECTIONS = 10
"""Rejected rows printed by ``validate`` (the ledger CSV has them all)."""

EXIT_DATA_QUALITY = 3
"""Exit code when a file keeps no row or rejects more than ``max_rejected_share`` of them."""


def run(args: argparse.Namespace) -> int:
    """Load every file of ``args.config``, print the ledger, optionally write it as CSV.

    The first rejected rows are printed with their file, row, column and reason.
    The command fails (exit code :data:`EXIT_DATA_QUALITY`) when a file keeps no
    row or rejects more than the ``max_rejected_share`` tunable (5 %) of its rows,
    so that a scheduled run or a CI job stops on a broken export.

    Parameters
    ----------
    args : argparse.Namespace
        ``config``, ``lang`` and ``ledger_csv`` (see :func:`diagnostic_lib.cli.build_parser`).

    Returns
    -------
    int
        The exit code: 0, or :data:`EXIT_DATA_QUALITY`.

    Examples
    --------
    >>> import argparse
    >>> from diagnostic_lib import sample
    >>> cfg = str(sample.sample_dir() / "diagnostic.toml")
    >>> run(argparse.Namespace(config=cfg, lang="en", ledger_csv=None))  # doctest: +ELLIPSIS
    Data-quality ledger...
    0
    """
    d = load_diagnostic(args.config)
    lang = args.lang or d.lang
    print(d.ledger.summary(lang))
    first = d.ledger.first_rejections(FIRST_REJECTIONS, lang)
    if len(first):
        print()
        print(i18n.t("cli.validate.first_rejections", lang, n=len(first)))
        print(first.to_string(index=False))
    if args.ledger_csv:
        path = d.ledger.to_csv(args.ledger_csv, lang=lang)
        print(f"→ {path}")
    share = float(d.config.param("max_rejected_share"))
    failed = d.ledger.failures(share)
    for rec in failed.itertuples():
        key = f"cli.validate.{rec.problem}"
        print(
            i18n.t(
                key,
                lang,
                file=rec.file,
                share=fmt.percent(rec.share_rejected, lang),
                limit=fmt.percent(share, lang),
            ),
            file=sys.stderr,
        )
    return EXIT_DATA_QUALITY if len(failed) else 0
