"""``python -m diagnostic_lib``: see :mod:`diagnostic_lib.cli`."""

import sys

from .cli import main

if __name__ == "__main__":
    sys.exit(main())
