"""Command line: ``python -m diagnostic_lib {report,validate,sample}``.

Examples
--------
>>> from diagnostic_lib.cli import build_parser
>>> build_parser().parse_args(["validate", "--config", "x.toml"]).command
'validate'
"""

from __future__ import annotations

import argparse
import os
import sys
from collections.abc import Sequence
from pathlib import Path

from .errors import DataError


def build_parser() -> argparse.ArgumentParser:
    """The argument parser (one sub-command per task).

    Examples
    --------
    >>> build_parser().parse_args(["sample", "--out", "x"]).out
    'x'
    """
    p = argparse.ArgumentParser(
        prog="python -m diagnostic_lib",
        description=(
            "Autodiagnostic local de sécurité / local security self-diagnosis. "
            "Commands: report (the diagnosis report), validate (load a config and print the "
            "data-quality ledger), sample (regenerate the sample municipality)."
        ),
    )
    sub = p.add_subparsers(dest="command", required=True, metavar="{report,validate,sample}")

    r = sub.add_parser(
        "report", help="run the diagnosis and write the report / produire le rapport"
    )
    r.add_argument("--config", required=True, help="diagnostic.toml of the municipality")
    r.add_argument("--out", default="build/report", help="output folder (default: build/report)")
    r.add_argument(
        "--lang", choices=("fr", "en"), default=None, help="language (default: the config's)"
    )
    r.add_argument("--audience", choices=("internal", "public"), default="internal",
                   help="public: aggregated data only, small counts suppressed")  # fmt: skip
    r.add_argument(
        "--no-notebooks", action="store_true", help="do not execute and save the notebooks"
    )

    v = sub.add_parser("validate", help="load a config and print the ledger / valider les données")
    v.add_argument("--config", required=True, help="diagnostic.toml of the municipality")
    v.add_argument(
        "--lang", choices=("fr", "en"), default=None, help="language (default: the config's)"
    )
    v.add_argument("--ledger-csv", default=None, help="also write every ledger entry to this CSV")

    s = sub.add_parser(
        "sample", help="regenerate the sample municipality / régénérer l'échantillon"
    )
    s.add_argument("--out", default="data/sample", help="output folder (default: data/sample)")
    s.add_argument("--seed", type=int, default=None, help="random seed (default: the sample's)")
    s.add_argument("--scale", type=int, default=1, help="scale factor (larger town, more years)")
    return p


def main(argv: Sequence[str] | None = None) -> int:
    """Entry point; returns the process exit code.

    Examples
    --------
    >>> main(["validate", "--config", "/no/such/diagnostic.toml"])
    2
    """
    args = build_parser().parse_args(argv)
    os.environ.setdefault("MPLBACKEND", "Agg")
    try:
        if args.command == "validate":
            return _validate(args)
        if args.command == "sample":
            return _sample(args)
        if args.command == "report":
            return _report(args)
    except DataError as exc:
        print(f"error / erreur: {exc}", file=sys.stderr)
        return 2
    return 1  # pragma: no cover


def _validate(args: argparse.Namespace) -> int:
    from .loaders import load_diagnostic

    d = load_diagnostic(args.config)
    lang = args.lang or d.lang
    print(d.ledger.summary(lang))
    if args.ledger_csv:
        path = d.ledger.to_csv(args.ledger_csv, lang=lang)
        print(f"→ {path}")
    return 0


def _sample(args: argparse.Namespace) -> int:
    from . import sample

    kw = {} if args.seed is None else {"seed": args.seed}
    out = sample.generate(args.out, scale=args.scale, **kw)
    print(f"→ {out}")
    return 0


def _report(args: argparse.Namespace) -> int:
    from . import report

    build = getattr(report, "build_report", None)
    if build is not None:
        path = build(args.config, args.out, lang=args.lang, audience=args.audience,
                     notebooks=not args.no_notebooks)  # fmt: skip
    else:  # pragma: no cover - until the full report lands
        from .loaders import load_diagnostic

        d = load_diagnostic(args.config)
        path = report.write_overview(d, args.out, lang=args.lang)
    print(f"→ {Path(path)}")
    return 0
