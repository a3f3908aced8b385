"""``python -m diagnostic_lib.sample``: write the sample municipality (see :func:`main`)."""

from .entry_points import main

if __name__ == "__main__":  # pragma: no cover
    raise SystemExit(main())
