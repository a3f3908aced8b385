r"""Figures drawn to PNG in a second process while the caller builds the next one.

Drawing a map with matplotlib's Agg backend holds Python's global lock, so
threads cannot share the work. A report builds about twenty figures, and
drawing them takes about as long as everything else the report does.
:class:`FigureRenderer` sends each figure, pickled, to a worker process
(:mod:`._png_worker`, which starts in about half a second and imports only
matplotlib). The report goes on building the next figure and collects the PNGs
when it writes the page. With two cores, the drawing is then nearly free.

The PNG is byte for byte the one :func:`~diagnostic_lib.maps.figure_to_png`
would give: the figure travels whole, with the matplotlib settings that differ
from the defaults. Whenever the worker cannot do the job, the figure is drawn in
this process instead, so the result never depends on the worker:

- the figure cannot be pickled (an artist from a local class: geopandas'
  polygon collections are sent as the ``PatchCollection`` they are);
- the worker cannot start, has stopped, or failed on this figure (drawing it
  here raises the real error, with its traceback);
- the renderer is disabled (``FigureRenderer(enabled=False)``, or the
  ``figure_worker`` tunable set to ``false``).

Warnings raised while drawing in the worker are raised again here, with their
category, when the PNG is collected.

Examples
--------
>>> import matplotlib
>>> matplotlib.use("Agg")
>>> import matplotlib.pyplot as plt
>>> from diagnostic_lib.maps import rendering
>>> fig, ax = plt.subplots()
>>> _ = ax.plot([0, 1], [0, 1])
>>> with rendering.FigureRenderer() as renderer:
...     png = renderer.submit(fig)
...     png.result()[:4]
b'\x89PNG'
"""

from __future__ import annotations

import atexit
import io
import os
import pickle
import queue
import subprocess
import sys
import threading
import warnings
from concurrent.futures import Future
from pathlib import Path
from typing import Any

from ._png_worker import read_message, write_message
from .canvas import _plt, figure_to_png

__all__ = ["FigureRenderer", "PendingPng", "shared_renderer"]

_WORKER = Path(__file__).with_name("_png_worker.py")
# matplotlib settings that belong to the process, not to a figure's look
_NOT_SENT = frozenset({"backend", "backend_fallback", "interactive"})


class PendingPng:
    """The PNG of one figure, drawn in the worker or, failing that, here.

    Call :meth:`result` for the bytes: it waits for the worker, raises its
    warnings again, and draws the figure here if the worker could not.
    """

    def __init__(self, future: Future | None, payload: bytes | None, dpi: int, png=None) -> None:
        self._future = future
        self._payload = payload
        self._dpi = dpi
        self._png: bytes | None = png

    def result(self) -> bytes:
        """The PNG bytes."""
        if self._png is None:
            self._png = self._collect()
            self._payload = None
        return self._png

    def _collect(self) -> bytes:
        try:
            png, said, error = self._future.result() if self._future is not None else (None,) * 3
        except _WorkerGone:
            png, said, error = None, [], "stopped"
        if png is None or error is not None:
            # drawn here: the same figure, and any error raised with its own traceback
            return figure_to_png(pickle.loads(self._payload), dpi=self._dpi)
        for category, message in said:
            warnings.warn(message, category, stacklevel=3)
        return png


class _WorkerGone(RuntimeError):
    """The worker stopped before answering."""


def _as_patch_collection(collection: Any) -> tuple:
    """Pickle a collection of a local class as the ``PatchCollection`` it is.

    geopandas draws polygons with a ``PatchCollection`` subclass defined inside
    a function (to give it a legend handler), which pickle cannot name. Its
    drawing is the parent class's, and its legend is already built.
    """
    from matplotlib.collections import PatchCollection

    return (object.__new__, (PatchCollection,), collection.__getstate__())


class _Pickler(pickle.Pickler):
    def reducer_override(self, obj: Any) -> Any:
        cls = type(obj)
        if "<locals>" in getattr(cls, "__qualname__", "") and _is_patch_collection(cls):
            return _as_patch_collection(obj)
        return NotImplemented


def _is_patch_collection(cls: type) -> bool:
    from matplotlib.collections import PatchCollection

    return issubclass(cls, PatchCollection)


def _dumps(fig: Any) -> bytes:
    buf = io.BytesIO()
    _Pickler(buf, protocol=pickle.HIGHEST_PROTOCOL).dump(fig)
    return buf.getvalue()


def _changed_rc() -> dict[str, Any]:
    """The matplotlib settings of this process that differ from the defaults."""
    import matplotlib  # on demand, as everywhere in maps

    orig = matplotlib.rcParamsOrig
    out = {}
    for key, value in matplotlib.rcParams.items():
        if key in _NOT_SENT or key not in orig:
            continue
        try:
            same = bool(orig[key] == value)
        except Exception:  # values that do not compare are sent
            same = False
        if not same:
            out[key] = value
    return out


class FigureRenderer:
    r"""Draw matplotlib figures to PNG in a worker process.

    Parameters
    ----------
    enabled : bool
        ``False`` draws every figure here, at once (what
        :func:`~diagnostic_lib.maps.figure_to_png` does).

    Examples
    --------
    >>> import matplotlib
    >>> matplotlib.use("Agg")
    >>> import matplotlib.pyplot as plt
    >>> fig, ax = plt.subplots()
    >>> with FigureRenderer(enabled=False) as renderer:
    ...     renderer.submit(fig).result()[:4]
    b'\x89PNG'
    """

    def __init__(self, enabled: bool = True) -> None:
        self.enabled = enabled
        self._lock = threading.Lock()
        self._proc: subprocess.Popen | None = None
        self._pid = os.getpid()
        self._outbox: queue.Queue = queue.Queue()
        self._waiting: dict[int, Future] = {}
        self._next = 0

    # --- the worker -----------------------------------------------------------------------
    def _start(self) -> bool:
        """Start the worker if it is not running; ``False`` when it cannot run."""
        if self._proc is not None and self._pid == os.getpid() and self._proc.poll() is None:
            return True
        if self._proc is not None and self._pid == os.getpid():
            return False  # it stopped: do not start one per figure
        if not sys.executable or not _WORKER.is_file():
            return False
        try:
            proc = subprocess.Popen(  # our own script, run by this interpreter
                [sys.executable, "-I", str(_WORKER)],
                stdin=subprocess.PIPE,
                stdout=subprocess.PIPE,
            )
        except OSError:
            return False
        self._proc, self._pid = proc, os.getpid()
        self._outbox = queue.Queue()
        self._waiting = {}
        self._outbox.put(list(sys.path))
        threading.Thread(target=self._send, args=(proc, self._outbox), daemon=True).start()
        threading.Thread(target=self._receive, args=(proc, self._waiting), daemon=True).start()
        return True

    @staticmethod
    def _send(proc: subprocess.Popen, outbox: queue.Queue) -> None:
        try:
            while (message := outbox.get()) is not None:
                write_message(proc.stdin, message)
            proc.stdin.close()
        except (OSError, ValueError):
            pass  # the worker is gone: the receiver hands the figures back

    def _receive(self, proc: subprocess.Popen, waiting: dict[int, Future]) -> None:
        try:
            while (answer := read_message(proc.stdout)) is not None:
                key, png, said, error = answer
                with self._lock:
                    future = waiting.pop(key, None)
                if future is not None:
                    future.set_result((png, said, error))
        except (OSError, ValueError, EOFError, pickle.UnpicklingError):
            pass
        with self._lock:
            left = list(waiting.values())
            waiting.clear()
        for future in left:
            future.set_exception(_WorkerGone())

    # --- the jobs -------------------------------------------------------------------------
    def submit(self, fig: Any, dpi: int = 110) -> PendingPng:
        """Send a figure to be drawn (and close it here).

        Parameters
        ----------
        fig : matplotlib.figure.Figure
            Any figure.
        dpi : int
            Resolution.

        Returns
        -------
        PendingPng
            Its :meth:`~PendingPng.result` is the PNG.
        """
        if not self.enabled:
            return PendingPng(None, None, dpi, png=figure_to_png(fig, dpi=dpi))
        try:
            payload = _dumps(fig)
        except Exception:  # anything pickle refuses is drawn here
            return PendingPng(None, None, dpi, png=figure_to_png(fig, dpi=dpi))
        _plt().close(fig)
        with self._lock:
            running = self._start()
            if not running:
                future = None
            else:
                key, self._next = self._next, self._next + 1
                future = Future()
                self._waiting[key] = future
                self._outbox.put((key, payload, dpi, _changed_rc()))
        return PendingPng(future, payload, dpi)

    def close(self) -> None:
        """Stop the worker (figures still waiting are drawn here when collected)."""
        with self._lock:
            proc, self._proc = self._proc, None
            if proc is None or self._pid != os.getpid():
                return
            self._outbox.put(None)
        try:
            proc.wait(timeout=30)
        except subprocess.TimeoutExpired:
            proc.kill()
            proc.wait()
        proc.stdout.close()

    def __enter__(self) -> FigureRenderer:
        return self

    def __exit__(self, *exc: object) -> None:
        self.close()


_SHARED: FigureRenderer | None = None


def shared_renderer() -> FigureRenderer:
    """The renderer this process shares (its worker starts with the first figure).

    One worker serves every report written by this process (a notebook, the
    tests), and stops when the process ends.

    Returns
    -------
    FigureRenderer

    Examples
    --------
    >>> shared_renderer() is shared_renderer()
    True
    """
    global _SHARED  # one worker per process
    if _SHARED is None or _SHARED._pid != os.getpid():
        _SHARED = FigureRenderer()
        atexit.register(_SHARED.close)
    return _SHARED
