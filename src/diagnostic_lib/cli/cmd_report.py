"""``python -m diagnostic_lib report``: run the diagnosis and write the report.

Examples
--------
>>> from diagnostic_lib.cli import build_parser
>>> build_parser().parse_args(["report", "--config", "x.toml", "--audience", "public"]).audience
'public'
>>> build_parser().parse_args(["report", "--config", "x.toml"]).notebooks
False
"""

from __future__ import annotations

import argparse
import sys
from pathlib import Path

from .. import report
from ..report.pdf import PdfError


def run(args: argparse.Namespace) -> int:
    """Write the report of ``args.config`` to ``args.out``.

    The work is :func:`diagnostic_lib.report.build_report`.

    Parameters
    ----------
    args : argparse.Namespace
        ``config``, ``out``, ``lang``, ``audience``, ``notebooks`` and ``format``
        (``html``, or ``pdf``: the HTML printed to PDF too; see
        :func:`diagnostic_lib.cli.build_parser`): the notebooks run only when
        asked (``--notebooks``); ``--no-notebooks`` is the default, still accepted.

    Returns
    -------
    int
        The exit code: 0, or 3 when the PDF cannot be written (no Chromium: the
        message on stderr says how to install it).

    Examples
    --------
    >>> import argparse
    >>> args = argparse.Namespace(config="/no/diagnostic.toml", out="x", lang=None,
    ...                           audience="internal", notebooks=False)
    >>> run(args)
    Traceback (most recent call last):
    ...
    diagnostic_lib.errors.ConfigError: ...
    """
    pdf = getattr(args, "format", "html") == "pdf"
    try:
        path = report.build_report(
            args.config,
            args.out,
            lang=args.lang,
            audience=args.audience,
            notebooks=bool(getattr(args, "notebooks", False)),
            pdf=pdf,
        )
    except PdfError as exc:
        print(f"error / erreur: {exc}", file=sys.stderr)
        return 3
    print(f"→ {Path(path)}")
    if pdf:
        print(f"→ {Path(path).with_suffix('.pdf')}")
    return 0
