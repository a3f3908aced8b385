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

import pandas as pd

from .. import formatting as fmt
from .. import i18n
from .. import taxonomy as taxonomy_mod
from ..loaders import Diagnostic, load_diagnostic
from ..loaders.diagnostic import display_path

FIRST_REJECTIONS = 10
"""Rejected rows printed by ``validate`` (the ledger CSV has them all)."""

EXIT_DATA_QUALITY = 3
"""Exit code when a file keeps no row or rejects more than ``max_rejected_share`` of them."""


def run(args: argparse.Namespace) -> int:
    """Load every file of ``args.config``, print the ledger, optionally write it as CSV.

    The first rejected rows are printed with their file, row, column and reason,
    then, per file, the category labels no code claims (incidents classed
    ``other``, measures' target categories), most frequent first, with the
    closest codes (:func:`~diagnostic_lib.taxonomy.unmatched_categories`).
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
    for kind, file, table in unmatched_tables(d, lang):
        key = "cli.validate.unmatched_targets" if kind == "measures" else "cli.validate.unmatched"
        print()
        print(i18n.t(key, lang, file=file, n=len(table)))
        print(table.to_string(index=False))
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


def unmatched_tables(d: Diagnostic, lang: str = "fr") -> list[tuple[str, str, pd.DataFrame]]:
    """Per file, the category labels no code claims, ready to print.

    The incidents' labels classed ``other`` and the measures' target categories
    without a code, counted by :func:`~diagnostic_lib.taxonomy.unmatched_categories`,
    with the closest codes and their labels in ``lang``.

    Parameters
    ----------
    d : Diagnostic
        A loaded diagnosis.
    lang : {"fr", "en"}
        Language of the headings and of the codes' labels.

    Returns
    -------
    list of (str, str, DataFrame)
        The table (``incidents`` or ``measures``), the file as shown in the
        ledger and its labels (label, rows, close codes); files whose every
        label has a code are left out.

    Examples
    --------
    >>> from diagnostic_lib import loaders, sample
    >>> d = loaders.load_diagnostic(sample.sample_dir() / "diagnostic.toml")
    >>> unmatched_tables(d, "en")
    []
    """
    sources = []
    if d.incidents is not None and "category_label" in d.incidents.columns:
        sources.append(("incidents", d.incidents["category_label"]))
    if d.measures is not None and "target_categories_unmapped" in d.measures.columns:
        labels = d.measures["target_categories_unmapped"].explode().dropna()
        sources.append(("measures", labels))
    label_col = "label_fr" if lang == "fr" else "label_en"
    names = d.taxonomy[label_col].astype(str).to_dict()
    out = []
    for table, values in sources:
        found = taxonomy_mod.unmatched_categories(values, d.taxonomy)
        if not len(found):
            continue
        shown = pd.DataFrame(
            {
                i18n.t("cli.validate.unmatched_value", lang): found["value"],
                i18n.t("cli.validate.unmatched_count", lang): found["count"],
                i18n.t("cli.validate.unmatched_suggestions", lang): [
                    "; ".join(f"{c} ({names.get(c, c)})" for c in codes) or "—"
                    for codes in found["suggestions"]
                ],
            }
        )
        file = display_path(d.config.data[table].path, d.config.path)
        out.append((table, file, shown))
    return out
