"""Command line: ``python -m diagnostic_lib COMMAND`` (init, report, province, monitor…).

The parser and the dispatch live here; each command's work lives in its own
small module, named in :data:`COMMANDS` and imported (with
:func:`importlib.import_module`) only when that command runs, so that
``--help`` and a mistyped argument answer at once instead of after loading
geopandas:

=================  ==============================================================
module             what it does
=================  ==============================================================
``cmd_init``       inspect the exports, write a first config (:mod:`..setup`)
``cmd_report``     run the diagnosis and write the report (:mod:`..report`)
``cmd_province``   every force of a province, then the province's cube (:mod:`..province`)
``cmd_monitor``    the monitoring bulletin of a month or quarter (:mod:`..monitoring`)
``cmd_followup``   the follow-up of a plan a year later (:mod:`..followup`)
``cmd_validate``   load a config and print the data-quality ledger (:mod:`..loaders`)
``cmd_sample``     regenerate the sample municipality (:mod:`..sample`)
=================  ==============================================================

Examples
--------
>>> from diagnostic_lib.cli import build_parser
>>> build_parser().parse_args(["validate", "--config", "x.toml"]).command
'validate'
"""

from __future__ import annotations

import argparse
import importlib
import os
import sys
from collections.abc import Sequence

from ..errors import DataError

COMMANDS: dict[str, str] = {
    "init": f"{__name__}.cmd_init",
    "report": f"{__name__}.cmd_report",
    "province": f"{__name__}.cmd_province",
    "monitor": f"{__name__}.cmd_monitor",
    "follow-up": f"{__name__}.cmd_followup",
    "validate": f"{__name__}.cmd_validate",
    "sample": f"{__name__}.cmd_sample",
}
"""Command → the module whose ``run(args)`` carries it out (imported when the command runs)."""

_LANG_HELP = "language (default: the config's)"


def _add_init(sub: argparse._SubParsersAction) -> None:
    i = sub.add_parser(
        "init",
        help="inspect the exports and write a first diagnostic.toml / préparer la configuration",
    )
    i.add_argument(
        "--incidents",
        required=True,
        nargs="+",
        metavar="PATH_OR_GLOB",
        help='incidents export(s): a file, several, or a glob in quotes ("exports/*.csv")',
    )
    i.add_argument("--sectors", default=None, help="sectors layer (GeoJSON, GeoPackage…)")
    i.add_argument(
        "--grid-m",
        type=float,
        default=None,
        help="sectors as a grid of cells of this size (m): over the incidents, or clipped to "
        "--sectors",
    )
    i.add_argument("--measures", default=None, help="measures file")
    i.add_argument("--survey", default=None, help="survey file")
    i.add_argument("--partners", default=None, help="partners file")
    i.add_argument("--out", required=True, help="folder of diagnostic.toml and categories.csv")
    i.add_argument("--name", default="Municipalité", help="name of the municipality")
    i.add_argument("--lang", choices=("fr", "en"), default="fr", help="language (default: fr)")
    i.add_argument(
        "--crs", default="EPSG:32188", help="analysis CRS, in metres (default: EPSG:32188)"
    )
    i.add_argument("--preset", default="generic", help="column preset: generic | spvm")


def _add_report(sub: argparse._SubParsersAction) -> None:
    r = sub.add_parser(
        "report", help="run the diagnosis and write the report / produire le rapport"
    )
    r.add_argument("--config", required=True, help="diagnostic.toml of the municipality")
    r.add_argument("--out", default="build/report", help="output folder (default: build/report)")
    r.add_argument("--lang", choices=("fr", "en"), default=None, help=_LANG_HELP)
    r.add_argument(
        "--audience",
        choices=("internal", "public"),
        default="internal",
        help="public: aggregated data only, small counts suppressed",
    )
    nb = r.add_mutually_exclusive_group()
    nb.add_argument(
        "--notebooks",
        action="store_true",
        help="also execute the notebooks on the sample and save them (internal audience; slow)",
    )
    nb.add_argument(
        "--no-notebooks",
        action="store_true",
        help="do not execute the notebooks (the default; kept for existing scripts)",
    )
    r.add_argument(
        "--format",
        choices=("html", "pdf"),
        default="html",
        help="pdf: also print index.html to index.pdf with headless Chromium",
    )


def _add_province(sub: argparse._SubParsersAction) -> None:
    p = sub.add_parser(
        "province",
        help="every force's diagnosis, then the province's count cube / toute une province",
    )
    p.add_argument("--config", required=True, help="province.toml (the forces and their configs)")
    p.add_argument(
        "--out", default="build/province", help="output folder (default: build/province)"
    )
    p.add_argument("--lang", choices=("fr", "en"), default=None, help=_LANG_HELP)
    p.add_argument(
        "--audience",
        choices=("internal", "public"),
        default="internal",
        help="public: aggregated data only, small counts suppressed",
    )


def _add_monitor(sub: argparse._SubParsersAction) -> None:
    m = sub.add_parser(
        "monitor",
        help="monitoring bulletin of the latest month or quarter / bulletin de suivi",
    )
    m.add_argument("--config", required=True, help="diagnostic.toml of the municipality")
    m.add_argument("--period", required=True, choices=("month", "quarter"), help="month or quarter")
    m.add_argument("--lang", choices=("fr", "en"), default=None, help=_LANG_HELP)
    m.add_argument("--out", default="build/monitor", help="output folder (default: build/monitor)")
    m.add_argument(
        "--at",
        default=None,
        help="the period to monitor, e.g. 2017Q4 or 2017-12 (default: the latest complete one)",
    )


def _add_followup(sub: argparse._SubParsersAction) -> None:
    f = sub.add_parser(
        "follow-up",
        help="follow-up of a plan a year later / suivi du plan d'action",
    )
    f.add_argument("--config", required=True, help="diagnostic.toml with the new data")
    f.add_argument("--plan", required=True, help="the previous plan.toml (indicators filled in)")
    f.add_argument("--register", required=True, help="the previous problems.toml")
    f.add_argument("--lang", choices=("fr", "en"), default=None, help=_LANG_HELP)
    f.add_argument(
        "--out", default="build/followup", help="output folder (default: build/followup)"
    )
    f.add_argument(
        "--format",
        choices=("html", "pdf"),
        default="html",
        help="pdf: also print followup-<lang>.html to PDF with headless Chromium",
    )


def _add_validate(sub: argparse._SubParsersAction) -> None:
    v = sub.add_parser("validate", help="load a config and print the ledger / valider les données")
    v.add_argument("--config", required=True, help="diagnostic.toml of the municipality")
    v.add_argument("--lang", choices=("fr", "en"), default=None, help=_LANG_HELP)
    v.add_argument("--ledger-csv", default=None, help="also write every ledger entry to this CSV")


def _add_sample(sub: argparse._SubParsersAction) -> None:
    s = sub.add_parser(
        "sample", help="regenerate the sample municipality / régénérer l'échantillon"
    )
    s.add_argument("--out", default="data/sample", help="output folder (default: data/sample)")
    s.add_argument("--seed", type=int, default=None, help="random seed (default: the sample's)")
    s.add_argument("--scale", type=int, default=1, help="scale factor (larger town, more years)")
    s.add_argument(
        "--follow-up",
        action="store_true",
        help="write the year after the sample's plan into --out (default build/sample_follow_up) "
        "/ l'année qui suit le plan de l'échantillon",
    )
    s.add_argument("--plan", default=None, help="with --follow-up: last year's plan.toml")
    s.add_argument("--register", default=None, help="with --follow-up: last year's problems.toml")


def build_parser() -> argparse.ArgumentParser:
    """The argument parser (one sub-command per task).

    Returns
    -------
    argparse.ArgumentParser

    Examples
    --------
    >>> build_parser().parse_args(["sample", "--out", "x"]).out
    'x'
    """
    p = argparse.ArgumentParser(
        prog="python -m diagnostic_lib",
        description=(
            "Autodiagnostic local de sécurité / local security self-diagnosis. "
            "Commands: init (inspect the exports and write a first config), report (the "
            "diagnosis report), province (every force of a province, and their page), "
            "monitor (the bulletin between diagnoses), follow-up (the year after a plan), "
            "validate (load a config and print the data-quality ledger), sample (regenerate "
            "the sample municipality)."
        ),
    )
    sub = p.add_subparsers(
        dest="command",
        required=True,
        metavar="{init,report,province,monitor,follow-up,validate,sample}",
    )
    _add_init(sub)
    _add_report(sub)
    _add_province(sub)
    _add_monitor(sub)
    _add_followup(sub)
    _add_validate(sub)
    _add_sample(sub)
    return p


def main(argv: Sequence[str] | None = None) -> int:
    """Entry point; returns the process exit code.

    Parameters
    ----------
    argv : sequence of str, optional
        The arguments (default: ``sys.argv[1:]``).

    Returns
    -------
    int
        0 on success, 2 on a data or configuration error (printed on stderr).

    Examples
    --------
    >>> main(["validate", "--config", "/no/such/diagnostic.toml"])
    2
    """
    args = build_parser().parse_args(argv)
    os.environ.setdefault("MPLBACKEND", "Agg")
    command = importlib.import_module(COMMANDS[args.command])
    try:
        return int(command.run(args))
    except DataError as exc:
        print(f"error / erreur: {exc}", file=sys.stderr)
        return 2
