"""``python -m diagnostic_lib sample``: regenerate the sample municipality.

Examples
--------
>>> from diagnostic_lib.cli import build_parser
>>> build_parser().parse_args(["sample", "--seed", "7"]).seed
7
"""

from __future__ import annotations

import argparse

from .. import sample


def run(args: argparse.Namespace) -> int:
    """Write the sample municipality to ``args.out`` (identical files for the same seed).

    Parameters
    ----------
    args : argparse.Namespace
        ``out``, ``seed`` and ``scale`` (see :func:`diagnostic_lib.cli.build_parser`);
        with ``follow_up``, the year after the sample's plan
        (:func:`diagnostic_lib.sample.generate_follow_up`, from ``plan`` and
        ``register``, else computed), into ``out`` (default
        ``build/sample_follow_up``, never the sample's folder).

    Returns
    -------
    int
        The exit code (0).

    Examples
    --------
    >>> import argparse, tempfile
    >>> out = tempfile.mkdtemp()
    >>> run(argparse.Namespace(out=out, seed=None, scale=1))  # doctest: +SKIP
    → /tmp/...
    0
    """
    kw = {} if args.seed is None else {"seed": args.seed}
    if getattr(args, "follow_up", False):
        folder = "build/sample_follow_up" if args.out == "data/sample" else args.out
        out = sample.generate_follow_up(folder, args.plan, args.register, **kw)
        print(f"→ {out}")
        return 0
    out = sample.generate(args.out, scale=args.scale, **kw)
    print(f"→ {out}")
    return 0
