r"""Figures drawn to PNG in a second process while the caller builds the next one.

Drawing a map with matplotlib's Agg backend holds Python's global lock, so
threads cannot share the work. A report builds about twenty figures, and
drawing them takes about as long as everything else the report does.
:class:`FigureRenderer` sends each figure, pickled, to the process's worker
(:mod:`diagnostic_lib.workers`). The report goes on building the next figure
and collects the PNGs when it writes the page. With two cores, the drawing is
then nearly free.

The PNG is byte for byte the one :func:`~diagnostic_lib.maps.figure_to_png`
would give: the figure travels whole, with the matplotlib settings that differ
from the defaults. Whenever the worker cannot do the job, the figure is drawn in
this process instead, so the result never depends on the worker:

- the figure cannot be pickled (an artist from a local class: geopandas'
  polygon collections are sent as the ``PatchCollection`` they are);
- the worker cannot start, has stopped, or failed on this figure (drawing it
  here raises the real error, with its traceback);
- the renderer is disabled (``FigureRenderer(enabled=False)``, or the
  ``worker_process`` tunable set to ``false``).

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

import io
import pickle
from typing import Any

from .. import workers
from .canvas import _plt, figure_to_png

__all__ = ["FigureRenderer", "PendingPng", "draw_png"]

# matplotlib settings that belong to the process, not to a figure's look
_NOT_SENT = frozenset({"backend", "backend_fallback", "interactive"})


def draw_png(payload: bytes, dpi: int, rc: dict[str, Any]) -> bytes:
    r"""Draw a pickled figure to PNG under the given matplotlib settings (what the worker runs).

    Parameters
    ----------
    payload : bytes
        The figure, pickled (:func:`pickle.dumps`).
    dpi : int
        Resolution.
    rc : dict
        matplotlib settings to draw it with (those that differ from the defaults).

    Returns
    -------
    bytes

    Examples
    --------
    >>> import matplotlib
    >>> matplotlib.use("Agg")
    >>> import matplotlib.pyplot as plt
    >>> fig, ax = plt.subplots()
    >>> draw_png(pickle.dumps(fig), 50, {})[:4]
    b'\x89PNG'
    """
    import matplotlib  # on demand, as everywhere in maps

    with matplotlib.rc_context(rc):
        return figure_to_png(pickle.loads(payload), dpi=dpi)


class PendingPng:
    """The PNG of one figure: :meth:`result` gives the bytes (see :class:`workers.Pending`)."""

    def __init__(self, pending: workers.Pending | None = None, png: bytes | None = None) -> None:
        self._pending = pending
        self._png = png

    @property
    def in_worker(self) -> bool:
        """Whether the figure was sent to the worker."""
        return self._pending is not None and self._pending.in_worker

    def result(self, take_back: bool = True) -> bytes:
        """The PNG bytes (``take_back``: see :meth:`workers.Pending.result`)."""
        if self._png is None:
            self._png = self._pending.result(take_back)
            self._pending = None
        return self._png


def _as_patch_collection(collection: Any) -> tuple:
    """Pickle a collection of a local class as the ``PatchCollection`` it is.

    geopandas draws polygons with a ``PatchCollection`` subclass defined inside
    a function (to give it a legend handler), which pickle cannot name. Its
    drawing is the parent class's, and its legend is already built.
    """
    from matplotlib.collections import PatchCollection  # on demand

    return (object.__new__, (PatchCollection,), collection.__getstate__())


class _Pickler(pickle.Pickler):
    def reducer_override(self, obj: Any) -> Any:
        cls = type(obj)
        if "<locals>" in getattr(cls, "__qualname__", "") and _is_patch_collection(cls):
            return _as_patch_collection(obj)
        return NotImplemented


def _is_patch_collection(cls: type) -> bool:
    from matplotlib.collections import PatchCollection  # on demand

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
    worker : workers.Worker, optional
        Default: a worker of its own, stopped by :meth:`close` (the report passes
        the process's :func:`~diagnostic_lib.workers.shared_worker`).
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

    def __init__(self, worker: workers.Worker | None = None, enabled: bool = True) -> None:
        self.enabled = enabled
        self._own = worker is None and enabled
        self.worker = (worker or workers.Worker()) if enabled else None

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
        if self.worker is None:
            return PendingPng(png=figure_to_png(fig, dpi=dpi))
        try:
            payload = _dumps(fig)
        except Exception:  # anything pickle refuses is drawn here
            return PendingPng(png=figure_to_png(fig, dpi=dpi))
        _plt().close(fig)
        return PendingPng(self.worker.submit(draw_png, payload, dpi, _changed_rc()))

    def close(self) -> None:
        """Stop the worker if this renderer started it."""
        if self._own and self.worker is not None:
            self.worker.close()

    def __enter__(self) -> FigureRenderer:
        return self

    def __exit__(self, *exc: object) -> None:
        self.close()
