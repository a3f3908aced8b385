"""``python -m diagnostic_lib monitor``: the monitoring bulletin between two diagnoses.

Examples
--------
>>> from diagnostic_lib.cli import build_parser
>>> a = build_parser().parse_args(["monitor", "--config", "x.toml", "--period", "quarter",
...                                "--at", "2017Q4"])
>>> a.period, a.at, a.lang
('quarter', '2017Q4', None)
"""

from __future__ import annotations

import argparse
import sys
from pathlib import Path

from .. import i18n, loaders, monitoring, report


def run(args: argparse.Namespace) -> int:
    """Write the bulletin of ``args.config`` for one month or quarter to ``args.out``.

    The config's data are loaded as for the report
    (:func:`~diagnostic_lib.loaders.load_diagnostic`); the comparisons are
    :func:`diagnostic_lib.monitoring.monitor` (with the config's tunables
    ``monitor_baseline_periods``, ``monitor_min_events``, ``alpha``) and the
    bulletin :func:`diagnostic_lib.report.write_bulletin` (``small_count``).

    Parameters
    ----------
    args : argparse.Namespace
        ``config``, ``period`` (``month`` or ``quarter``), ``lang`` (default:
        the config's), ``out`` and ``at`` (default: the latest complete period).

    Returns
    -------
    int
        0, or 2 when the period asked is not covered by the data (the message
        on stderr says which is).

    Examples
    --------
    >>> import argparse
    >>> run(argparse.Namespace(config="/no/diagnostic.toml", period="month", lang=None,
    ...                        out="x", at=None))
    Traceback (most recent call last):
    ...
    diagnostic_lib.errors.ConfigError: ...
    """
    diag = loaders.load_diagnostic(args.config)
    cfg = diag.config
    lang = args.lang or diag.lang
    try:
        result = monitoring.monitor(
            diag.incidents,
            args.period,
            at=args.at,
            baseline_periods=cfg.param("monitor_baseline_periods"),
            min_events=cfg.param("monitor_min_events"),
            alpha=cfg.param("alpha"),
        )
    except ValueError as exc:
        print(f"error / erreur: {exc}", file=sys.stderr)
        return 2
    names = dict(zip(diag.sectors["sector_id"], diag.sectors["name"].astype(str), strict=True))
    path = report.write_bulletin(
        result,
        args.out,
        lang=lang,
        municipality=cfg.municipality,
        sector_names=names,
        small_count=cfg.param("small_count"),
    )
    print(i18n.t("monitoring.written", lang, path=Path(path)))
    return 0
