"""``python -m diagnostic_lib province``: every force's diagnosis, then the province's cube.

Examples
--------
>>> from diagnostic_lib.cli import build_parser
>>> build_parser().parse_args(["province", "--config", "p.toml"]).out
'build/province'
"""

from __future__ import annotations

import argparse
from pathlib import Path

from .. import province


def run(args: argparse.Namespace) -> int:
    """Run the province of ``args.config`` into ``args.out`` (:func:`diagnostic_lib.province.run`).

    Parameters
    ----------
    args : argparse.Namespace
        ``config``, ``out``, ``lang`` and ``audience``.

    Returns
    -------
    int
        0.

    Examples
    --------
    >>> args = argparse.Namespace(config="/no/province.toml", out="x", lang=None,
    ...                           audience="internal")
    >>> run(args)
    Traceback (most recent call last):
    ...
    diagnostic_lib.errors.ConfigError: ...
    """
    prov = province.run(args.config, args.out, lang=args.lang, audience=args.audience)
    print(f"→ {Path(prov.page)}")
    return 0
