"""``python -m diagnostic_lib init``: inspect the exports, write a first ``diagnostic.toml``.

Examples
--------
>>> from diagnostic_lib.cli import build_parser
>>> args = build_parser().parse_args(["init", "--incidents", "exports/*.csv", "--out", "diag"])
>>> args.incidents, args.out
(['exports/*.csv'], 'diag')
"""

from __future__ import annotations

import argparse
import sys

import pandas as pd

from .. import i18n, setup
from ..errors import DataError
from . import cmd_validate

TABLE_OPTIONS = ("incidents", "sectors", "measures", "survey", "partners")
"""The command's file options, in the order the config lists them."""


def run(args: argparse.Namespace) -> int:
    """Inspect the files of ``args``, write the config and the categories, validate them.

    Writes ``diagnostic.toml`` and ``categories.csv`` into ``args.out``
    (:func:`diagnostic_lib.setup.write_config`), runs ``validate`` on the config
    (:func:`diagnostic_lib.cli.cmd_validate.run`), then prints what to check next,
    in French and in English.

    Parameters
    ----------
    args : argparse.Namespace
        ``incidents`` (paths or globs), ``sectors``, ``measures``, ``survey``,
        ``partners`` (a path or ``None``), ``out``, ``name``, ``lang``, ``crs``
        and ``preset`` (see :func:`diagnostic_lib.cli.build_parser`).

    Returns
    -------
    int
        The exit code of ``validate``: 0, 2 when the data cannot be loaded (e.g.
        no sectors yet; the files are written all the same), or
        :data:`~diagnostic_lib.cli.cmd_validate.EXIT_DATA_QUALITY`.

    Examples
    --------
    >>> import tempfile, pathlib, shutil
    >>> from diagnostic_lib import sample
    >>> from diagnostic_lib.cli import build_parser
    >>> d = pathlib.Path(tempfile.mkdtemp())
    >>> for f in ("incidents.csv", "sectors.geojson"):
    ...     _ = shutil.copy(sample.sample_dir() / f, d / f)
    >>> args = build_parser().parse_args(["init", "--incidents", str(d / "incidents.csv"),
    ...     "--sectors", str(d / "sectors.geojson"), "--out", str(d), "--lang", "en"])
    >>> run(args)  # doctest: +ELLIPSIS
    Written: ...diagnostic.toml...
    Next steps (every category label has its code):
    ...
    0
    """
    files = {}
    for table in TABLE_OPTIONS:
        given = getattr(args, table, None)
        if given:
            files[table] = list(given) if isinstance(given, list | tuple) else [given]
    config, categories = setup.write_config(
        args.out,
        files,
        name=args.name,
        language=args.lang,
        crs=args.crs,
        preset=args.preset,
        grid_m=getattr(args, "grid_m", None),
    )
    for path in (config, categories):
        print(i18n.t("setup.written", args.lang, path=path))
    print()
    print(i18n.t("setup.validating", args.lang, path=config))
    failed = False
    try:
        code = cmd_validate.run(
            argparse.Namespace(config=str(config), lang=args.lang, ledger_csv=None)
        )
    except DataError as exc:  # e.g. no sectors yet: the files are written, say what to do
        print(f"error / erreur: {exc}", file=sys.stderr)
        code, failed = 2, True
    table = pd.read_csv(categories, dtype=str, keep_default_na=False)
    unmatched = int((table["code"] == "").sum())
    print()  # in the language chosen only (the config's comments are in both)
    # after an error, the steps that fix it (not "run the report", which would fail too)
    key = (
        "setup.next_steps_error"
        if failed
        else "setup.next_steps"
        if unmatched
        else "setup.next_steps_coded"
    )
    print(i18n.t(key, args.lang, config=config, categories=categories, n=unmatched))
    return code
