"""Draw pickled matplotlib figures to PNG: the second process of :mod:`.rendering`.

Run as a script (``python _png_worker.py``), so that starting it imports
matplotlib and nothing of the library. It reads jobs from its standard input
and writes each PNG back on its standard output. Every message is a pickled
tuple preceded by its length (8 bytes, little-endian):

- first, from the parent: its ``sys.path`` (so that a figure that refers to a
  class of the parent's packages can be unpickled);
- then, each job: ``(key, pickled figure, dpi, rc)``, where ``rc`` holds the
  parent's matplotlib settings that differ from the defaults;
- each answer: ``(key, png bytes or None, warnings, error or None)``. The
  warnings are ``(category, message)`` pairs, which the parent raises again.

The worker ends when its input closes. It imports nothing from the package,
so it can run from the file alone.
"""

from __future__ import annotations

import io
import pickle
import struct
import sys
import warnings
from typing import IO, Any

_HEADER = struct.Struct("<Q")


def read_message(stream: IO[bytes]) -> Any:
    """One length-prefixed pickled message, or ``None`` at the end of the stream.

    Examples
    --------
    >>> buf = io.BytesIO()
    >>> write_message(buf, ("job", 1))
    >>> _ = buf.seek(0)
    >>> read_message(buf), read_message(buf)
    (('job', 1), None)
    """
    header = stream.read(_HEADER.size)
    if len(header) < _HEADER.size:
        return None
    (size,) = _HEADER.unpack(header)
    body = stream.read(size)
    if len(body) < size:
        return None
    return pickle.loads(body)


def write_message(stream: IO[bytes], message: Any) -> None:
    """Write one length-prefixed pickled message and flush it.

    Examples
    --------
    >>> buf = io.BytesIO()
    >>> write_message(buf, [1, 2])
    >>> len(buf.getvalue()) > 8
    True
    """
    body = pickle.dumps(message, protocol=pickle.HIGHEST_PROTOCOL)
    stream.write(_HEADER.pack(len(body)))
    stream.write(body)
    stream.flush()


def _portable(category: type[Warning]) -> type[Warning]:
    """The warning's class if the parent can unpickle it, else ``UserWarning``."""
    try:
        pickle.loads(pickle.dumps(category))
    except Exception:  # any class that does not travel becomes a UserWarning
        return UserWarning
    return category


def _draw(payload: bytes, dpi: int, rc: dict[str, Any]) -> tuple[bytes, list]:
    import matplotlib  # imported once the parent's sys.path is known
    import matplotlib.pyplot as plt

    with warnings.catch_warnings(record=True) as caught:
        warnings.simplefilter("always")
        with matplotlib.rc_context(rc):
            fig = pickle.loads(payload)
            buf = io.BytesIO()
            try:
                fig.savefig(buf, format="png", dpi=dpi)
            finally:
                plt.close(fig)
    said = [(_portable(w.category), str(w.message)) for w in caught]
    return buf.getvalue(), said


def _main() -> None:
    """Serve jobs until the input closes."""
    inp, out = sys.stdin.buffer, sys.stdout.buffer
    sys.stdout = sys.stderr  # nothing but answers may reach the channel
    path = read_message(inp)
    if path is None:
        return
    sys.path[:] = list(path)
    import matplotlib  # after the path is set

    matplotlib.use("Agg")
    while (job := read_message(inp)) is not None:
        key, payload, dpi, rc = job
        try:
            png, said = _draw(payload, dpi, rc)
        except Exception as exc:  # the parent draws it again and raises it itself
            write_message(out, (key, None, [], f"{type(exc).__name__}: {exc}"))
        else:
            write_message(out, (key, png, said, None))


if __name__ == "__main__":
    _main()
