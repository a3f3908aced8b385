"""``python -m diagnostic_lib validate``: load a config and print the data-quality ledger.

Examples
--------
>>> from diagnostic_lib.cli import build_parser
>>> build_parser().parse_args(["validate", "--config", "x", "--ledger-csv", "l.csv"]).ledger_csv
'l.csv'
"""

from __future__ import annotations

import argparse

from ..loaders import load_diagnostic


def run(args: argparse.Namespace) -> int:
    """Load every file of ``args.config``, print the ledger, optionally write it as CSV.

    Parameters
    ----------
    args : argparse.Namespace
        ``config``, ``lang`` and ``ledger_csv`` (see :func:`diagnostic_lib.cli.build_parser`).

    Returns
    -------
    int
        The exit code (0).

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
    if args.ledger_csv:
        path = d.ledger.to_csv(args.ledger_csv, lang=lang)
        print(f"→ {path}")
    return 0
