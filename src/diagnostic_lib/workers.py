"""A second process that computes while this one goes on (the second core of a laptop).

Much of a diagnosis is Python code that holds the interpreter's global lock, so
threads cannot share it. :class:`Worker` starts one helper process (the same
interpreter, the same ``sys.path``) and sends it jobs: a function of the
library, named by reference, with its arguments, pickled. The caller goes on and
collects the result when it needs it. Step 1 sends its problem search and Knox
test this way, step 2 its before/after counts, step 3 its projections, their
backtest, the relevance and the risk while it estimates the effects of the
measures, and the report its figures
(:mod:`diagnostic_lib.maps.rendering`). A column of points travels as its
coordinates.

The worker is given one job at a time, when it has finished the last, so a job
it has not begun can be taken back: when the caller asks for its result first,
the caller runs it (:meth:`Pending.result`), instead of waiting while the worker
finishes earlier jobs.

The result never depends on the worker. Whenever the worker cannot do a job,
the function runs in this process instead, with the same arguments:

- the arguments cannot be pickled;
- the worker cannot start, has stopped, or failed on the job (running it here
  raises the real error, with its traceback);
- the worker is disabled (``Worker(enabled=False)``, or the ``worker_process``
  tunable set to ``false``).

Warnings raised by a job in the worker are raised again here, with their
category, when its result is collected. The worker is started with the first
job and ends when its input closes (:meth:`Worker.close`, or when this process
ends).

Examples
--------
>>> import math
>>> with Worker() as w:
...     job = w.submit(math.hypot, 3.0, 4.0)
...     job.result()
5.0
"""

from __future__ import annotations

import atexit
import contextlib
import gc
import importlib
import io
import json
import os
import pickle
import signal
import struct
import subprocess
import sys
import threading
import warnings
from collections.abc import Callable
from concurrent.futures import Future
from typing import IO, Any

from . import _memory, schema

__all__ = [
    "Pending",
    "Worker",
    "in_worker_process",
    "read_message",
    "shared_worker",
    "worker_for",
    "worker_for_incidents",
    "write_message",
]

_HEADER = struct.Struct("<Q")
_PATH_VARIABLE = "DIAGNOSTIC_WORKER_PATH"
# what the worker runs: this interpreter, isolated, with the parent's import path
_BOOT = (  # Ctrl-C reaches the whole process group: ignored from the first line (see _serve)
    "import json, os, signal, sys; signal.signal(signal.SIGINT, signal.SIG_IGN); "
    f"sys.path[:] = json.loads(os.environ['{_PATH_VARIABLE}']); "
    "from diagnostic_lib.workers import _serve; _serve()"
)


def read_message(stream: IO[bytes]) -> Any:
    """One length-prefixed pickled message, or ``None`` at the end of the stream.

    Examples
    --------
    >>> import io
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
    """Write one length-prefixed pickled message (or bytes already pickled) and flush it.

    Examples
    --------
    >>> import io
    >>> buf = io.BytesIO()
    >>> write_message(buf, [1, 2])
    >>> len(buf.getvalue()) > 8
    True
    """
    body = message if isinstance(message, bytes) else pickle.dumps(message, protocol=5)
    stream.write(_HEADER.pack(len(body)))
    stream.write(body)
    stream.flush()


class _Pickler(pickle.Pickler):
    """Pickles a column of points as its coordinates (a sixth of the time of their WKB)."""

    def reducer_override(self, obj: Any) -> Any:
        cls = type(obj)
        if cls.__name__ == "GeometryArray" and cls.__module__ == "geopandas.array":
            points = _point_coordinates(obj)
            if points is not None:
                return _points_array, (*points, obj.crs)
        return NotImplemented


def _point_coordinates(array: Any) -> tuple | None:
    """``(x_y, missing)`` of a geometry array of 2-D points and missing values, else ``None``."""
    import shapely  # on demand: only a geometry column needs it

    data = getattr(array, "_data", None)  # geopandas' array of shapely objects
    if data is None:
        return None
    kind = shapely.get_type_id(data)
    missing = kind == -1
    if not len(data) or missing.all() or not (kind[~missing] == 0).all():
        return None
    present = data[~missing]
    if shapely.has_z(present).any() or shapely.is_empty(present).any():
        return None
    return shapely.get_coordinates(present), missing


def _points_array(xy: Any, missing: Any, crs: Any) -> Any:
    """The geometry array of :func:`_point_coordinates` again."""
    import numpy as np  # on demand, as shapely
    import shapely
    from geopandas.array import GeometryArray

    data = np.full(len(missing), None, dtype=object)
    data[~missing] = shapely.points(xy)
    return GeometryArray(data, crs=crs)


def _dumps(obj: Any) -> bytes:
    """``obj`` pickled, its columns of points as coordinates (see :class:`_Pickler`)."""
    buf = io.BytesIO()
    _Pickler(buf, protocol=5).dump(obj)
    return buf.getvalue()


def _portable(category: type[Warning]) -> type[Warning]:
    """The warning's class if the parent can unpickle it, else ``UserWarning``."""
    try:
        pickle.loads(pickle.dumps(category))
    except Exception:  # any class that does not travel becomes a UserWarning
        return UserWarning
    return category


_IN_WORKER = False
"""Whether this process is a worker (set by :func:`_serve`)."""


def in_worker_process() -> bool:
    """Whether this code runs in a worker process (a job), not in the process that sent it.

    A job can then forget what only it reads, such as a kept intermediate result
    the sending process computes and keeps for itself.

    Returns
    -------
    bool

    Examples
    --------
    >>> in_worker_process()
    False
    >>> with Worker() as w:
    ...     w.submit(in_worker_process).result(take_back=False)
    True
    """
    return _IN_WORKER


def _serve() -> None:
    """The worker's loop: run each job, answer, until the input closes."""
    global _IN_WORKER  # one flag per process, set once
    _IN_WORKER = True
    inp, out = sys.stdin.buffer, sys.stdout.buffer
    sys.stdout = sys.stderr  # nothing but answers may reach the channel
    # Ctrl-C, or a notebook kernel interrupted or shut down, reaches the whole process
    # group: the parent decides (it closes the channel, or kills this process), and this
    # one does not print a KeyboardInterrupt traceback while it waits
    signal.signal(signal.SIGINT, signal.SIG_IGN)
    while (job := read_message(inp)) is not None:
        key, func, args, kwargs = job
        try:
            with warnings.catch_warnings(record=True) as caught:
                warnings.simplefilter("always")
                value = func(*args, **kwargs)
            said = [(_portable(w.category), str(w.message)) for w in caught]
            answer = _dumps((key, value, said, None))
        except Exception as exc:  # the parent runs the job again and raises it itself
            answer = pickle.dumps((key, None, [], f"{type(exc).__name__}: {exc}"), protocol=5)
        # nothing of this job stays alive while its answer is sent and the worker waits for
        # the next one: its arguments (a copy of the incidents) and its answer's objects
        # (their bytes are sent) would hold their memory beside the parent's receiving them
        job = args = kwargs = value = None
        _memory.give_back()
        write_message(out, answer)
        answer = None
        _give_back_memory()


def _give_back_memory() -> None:
    """Return the memory the last job freed to the system (its allocators keep it otherwise).

    A job of step 1 or 3 unpickles a copy of the incidents and builds its tables: about
    a gigabyte at 1M incidents. Freed, that memory stays in the allocators' pools and
    counts in the worker's resident size while the main process works, so the two
    processes' peak is the sum of both. ``_memory.give_back`` hands it back (a few
    milliseconds).
    """
    gc.collect()
    _memory.give_back()


class _WorkerGone(RuntimeError):
    """The worker stopped before answering."""


class _Outbox:
    """The jobs not yet sent: one goes to the worker only when it has finished the last.

    So a job still waiting can be taken back (:meth:`withdraw`) and run by the
    caller, when the caller is free before the worker is.
    """

    def __init__(self) -> None:
        self._ready = threading.Condition()
        self._jobs: dict[int, bytes] = {}  # in the order of submission
        self._busy = False
        self._closed = False

    def put(self, key: int, body: bytes) -> None:
        with self._ready:
            self._jobs[key] = body
            self._ready.notify()

    def next(self) -> bytes | None:
        """The next job once the worker is free; ``None`` when closed and none is left."""
        with self._ready:
            while not (self._jobs and not self._busy) and not (self._closed and not self._jobs):
                self._ready.wait()
            if not self._jobs:
                return None
            self._busy = True
            return self._jobs.pop(next(iter(self._jobs)))

    def answered(self) -> None:
        """The worker has answered its job: it may have the next."""
        with self._ready:
            self._busy = False
            self._ready.notify()

    def withdraw(self, key: int) -> bool:
        """Take job ``key`` back if it has not been sent."""
        with self._ready:
            return self._jobs.pop(key, None) is not None

    def close(self) -> None:
        """Send what is left, then end the worker's input."""
        with self._ready:
            self._closed = True
            self._ready.notify()

    def abandon(self) -> None:
        """The worker is gone: send nothing more (its jobs are run by the caller)."""
        with self._ready:
            self._jobs.clear()
            self._closed = True
            self._ready.notify()


class Pending:
    """The result of one job, computed in the worker or, failing that, here.

    Call :meth:`result` for the value: it waits for the worker, raises the
    warnings it caught again, and runs the job here if the worker could not.
    """

    _UNSET = object()

    def __init__(
        self,
        future: Future | None,
        job: tuple[Callable, tuple, dict],
        value: Any = _UNSET,
        withdraw: Callable[[], bool] | None = None,
    ) -> None:
        self._future = future
        self._job: tuple | None = job
        self._value = value
        self._withdraw = withdraw
        if future is not None:
            future.add_done_callback(self._answered)

    def _answered(self, future: Future) -> None:
        """The worker answered: the job's arguments are let go here, unless it failed.

        They are kept only to run the job here if the worker cannot; answered, they
        would otherwise live until the result is asked for (at 5M, step 3's point
        table sent before step 2, 0.2 GB, until the end of step 3).
        """
        if future.exception() is None and future.result()[2] is None:
            self._job = None

    @property
    def in_worker(self) -> bool:
        """Whether the job was sent to the worker (it may still come back to be run here)."""
        return self._future is not None

    def result(self, take_back: bool = True) -> Any:
        """The job's value.

        Parameters
        ----------
        take_back : bool
            When the worker has not begun the job yet (it is busy with earlier
            ones), run it here at once instead of waiting for it (the default);
            ``False`` waits for the worker.
        """
        if self._value is Pending._UNSET:
            self._value = self._collect(take_back)
            self._job = None
        return self._value

    def _collect(self, take_back: bool) -> Any:
        job = self._job  # None once answered without error (see _answered)
        if self._future is None:
            func, args, kwargs = job
            return func(*args, **kwargs)
        if take_back and self._withdraw is not None and not self._future.done():
            if self._withdraw():  # not begun there, and this process is free: here
                func, args, kwargs = job
                return func(*args, **kwargs)
        try:
            value, said, error = self._future.result()
        except _WorkerGone:
            error = "stopped"
        if error is not None:  # (the job was kept: see _answered)
            func, args, kwargs = self._job
            return func(*args, **kwargs)  # here, so that an error is raised with its traceback
        for category, message in said:
            warnings.warn(message, category, stacklevel=3)
        return value


class Worker:
    """One helper process that runs jobs while the caller goes on.

    Parameters
    ----------
    enabled : bool
        ``False`` runs every job here, at once, when it is submitted.

    Examples
    --------
    >>> with Worker(enabled=False) as w:
    ...     w.submit(divmod, 7, 2).result()
    (3, 1)
    """

    def __init__(self, enabled: bool = True) -> None:
        self.enabled = enabled
        self._lock = threading.Lock()
        self._proc: subprocess.Popen | None = None
        self._pid = os.getpid()
        self._outbox = _Outbox()
        self._waiting: dict[int, Future] = {}
        self._next = 0
        self._failed = False

    # --- the process ----------------------------------------------------------------------
    @property
    def running(self) -> bool:
        """Whether the worker process is running (started, in this process, not stopped)."""
        proc = self._proc
        return proc is not None and self._pid == os.getpid() and proc.poll() is None

    def preload(self, *modules: str) -> None:
        """Start the worker and have it import these modules while the caller goes on.

        A job that needs them later does not wait for the imports (about a second
        for the analysis modules). Nothing happens when the worker is disabled.

        Parameters
        ----------
        *modules : str
            Module names (``"diagnostic_lib.evaluation"``).
        """
        if self.enabled:
            for name in modules:
                self.submit(importlib.import_module, name)

    def _start(self) -> bool:
        """Start the worker if it is not running; ``False`` when it cannot run."""
        if self._pid != os.getpid():  # a forked copy: its parent's worker is not ours
            self._proc, self._pid, self._failed = None, os.getpid(), False
        if self._proc is not None and self._proc.poll() is None:
            return True
        if self._failed or self._proc is not None or not sys.executable:
            self._failed = True  # it stopped: do not start one per job
            return False
        path = [p or os.getcwd() for p in sys.path]  # JSON: a folder may contain os.pathsep
        env = {**os.environ, _PATH_VARIABLE: json.dumps(path)}
        try:
            proc = subprocess.Popen(  # this interpreter, running the library's own loop
                [sys.executable, "-I", "-c", _BOOT],
                stdin=subprocess.PIPE,
                stdout=subprocess.PIPE,
                env=env,
            )
        except OSError:
            self._failed = True
            return False
        self._proc = proc
        self._outbox, self._waiting = _Outbox(), {}
        threading.Thread(target=_send, args=(proc, self._outbox), daemon=True).start()
        threading.Thread(
            target=self._receive, args=(proc, self._waiting, self._outbox), daemon=True
        ).start()
        return True

    def _receive(self, proc: subprocess.Popen, waiting: dict[int, Future], outbox: _Outbox) -> None:
        try:
            while (answer := read_message(proc.stdout)) is not None:
                outbox.answered()
                key, value, said, error = answer
                with self._lock:
                    future = waiting.pop(key, None)
                if future is not None:
                    future.set_result((value, said, error))
        except Exception:  # a broken channel: the jobs left are run here
            pass
        outbox.abandon()
        with self._lock:
            left = list(waiting.values())
            waiting.clear()
        for future in left:
            future.set_exception(_WorkerGone())
        # reap it as soon as it has gone: a stopped worker left unreaped stays a child of
        # this process, and a notebook kernel shutting down waits for its children to go
        with contextlib.suppress(subprocess.TimeoutExpired):
            proc.wait(timeout=5)

    # --- the jobs -------------------------------------------------------------------------
    def submit(self, func: Callable, *args: Any, **kwargs: Any) -> Pending:
        """Send ``func(*args, **kwargs)`` to the worker.

        Parameters
        ----------
        func : callable
            A function importable by name (a module-level function of the library).
        *args, **kwargs
            Its arguments (pickled now: changing them afterwards does not reach the job).

        Returns
        -------
        Pending
            Its :meth:`~Pending.result` is the value.

        Examples
        --------
        >>> with Worker() as w:
        ...     w.submit(sorted, [3, 1, 2]).result()
        [1, 2, 3]
        """
        job = (func, args, kwargs)
        if not self.enabled:
            return Pending(None, job, func(*args, **kwargs))
        with self._lock:
            key = self._next
            try:
                body = _dumps((key, *job))
            except Exception:  # anything pickle refuses is run here, when collected
                return Pending(None, job)
            if not self._start():
                return Pending(None, job)
            self._next += 1
            future: Future = Future()
            self._waiting[key] = future
            outbox = self._outbox
            outbox.put(key, body)
        return Pending(future, job, withdraw=lambda: self._withdraw(outbox, key))

    def _withdraw(self, outbox: _Outbox, key: int) -> bool:
        """Take job ``key`` back if the worker has not begun it (see :class:`_Outbox`)."""
        with self._lock:
            if not outbox.withdraw(key):
                return False
            self._waiting.pop(key, None)
            return True

    def close(self, timeout: float = 5.0) -> None:
        """Stop the worker: it answers the jobs it has for at most ``timeout`` seconds.

        A worker with no job left to answer is stopped at once.

        A job it has not answered by then runs here if its result is asked for
        (at exit nobody asks: an interrupted run does not wait for its worker).

        Parameters
        ----------
        timeout : float
            Seconds to wait before the worker is stopped.
        """
        with self._lock:
            proc, self._proc = self._proc, None
            if proc is None or self._pid != os.getpid():
                return
            self._outbox.close()
            idle = not self._waiting
        if idle:  # no answer is awaited: nothing to wait for (a worker still starting
            proc.kill()  # would otherwise hold a notebook's kernel for its imports)
        try:
            proc.wait(timeout=timeout)
        except subprocess.TimeoutExpired:
            proc.kill()
            proc.wait()
        proc.stdout.close()

    def __enter__(self) -> Worker:
        return self

    def __exit__(self, *exc: object) -> None:
        self.close()


def _send(proc: subprocess.Popen, outbox: _Outbox) -> None:
    try:
        while (message := outbox.next()) is not None:
            write_message(proc.stdin, message)
        proc.stdin.close()
    except (OSError, ValueError):
        pass  # the worker is gone: the receiver hands the jobs back


_SHARED: Worker | None = None


def shared_worker(enabled: bool = True) -> Worker:
    """The worker this process shares (started with its first job, stopped at exit).

    Parameters
    ----------
    enabled : bool
        ``False`` gives a worker that runs every job here (the ``worker_process``
        tunable).

    Returns
    -------
    Worker

    Examples
    --------
    >>> shared_worker() is shared_worker()
    True
    """
    global _SHARED  # one worker per process
    if not enabled:
        return Worker(enabled=False)
    if _SHARED is None:
        _SHARED = Worker()
        atexit.register(_SHARED.close)
    return _SHARED


def worker_for(enabled: bool, size: int, at_least: int = 0, at_most: int | None = None) -> Worker:
    """The shared worker for a job on ``size`` rows, or a worker that runs it here.

    Here when ``enabled`` is false; when ``size`` is over ``at_most`` (a job
    that copies that many rows to the worker would hold them twice in memory);
    and when ``size`` is under ``at_least`` and the worker is not running yet
    (starting it takes longer than such a job).

    Parameters
    ----------
    enabled : bool
        The ``worker_process`` tunable.
    size : int
        Rows the job reads.
    at_least, at_most : int, optional
        See above (``at_most=None``: no bound).

    Returns
    -------
    Worker

    Examples
    --------
    >>> worker_for(True, 10, at_most=5).enabled, worker_for(False, 10).enabled
    (False, False)
    """
    if not enabled or (at_most is not None and size > at_most):
        return Worker(enabled=False)
    worker = shared_worker()
    return worker if size >= at_least or worker.running else Worker(enabled=False)


def worker_for_incidents(config: Any, incidents: Any, at_least: int) -> tuple[Worker, Any]:
    """The worker for a job that reads the incidents, and the incidents to send it.

    The incidents travel without the columns that describe the records rather than
    the events (:data:`diagnostic_lib.schema.INCIDENT_PROVENANCE`: ids, source rows
    and labels, the recorded precision of dates and positions), which no analysis reads;
    over the config's ``worker_max_incidents`` the job runs here (see :func:`worker_for`).

    Parameters
    ----------
    config : Config
        Its ``worker_process`` and ``worker_max_incidents`` tunables are read.
    incidents : DataFrame
        The canonical incidents.
    at_least : int
        Incidents from which the worker is started for this job.

    Returns
    -------
    (Worker, DataFrame)

    Examples
    --------
    >>> from diagnostic_lib import sample, loaders
    >>> d = loaders.load_diagnostic(sample.sample_dir() / "diagnostic.toml")
    >>> w, inc = worker_for_incidents(d.config, d.incidents, at_least=10**9)
    >>> isinstance(w, Worker), "incident_id" in inc.columns, len(inc) == len(d.incidents)
    (True, False, True)
    """
    gone = [c for c in schema.INCIDENT_PROVENANCE if c in incidents.columns]
    light = incidents.drop(columns=gone)
    worker = worker_for(
        bool(config.param("worker_process")),
        len(incidents),
        at_least=at_least,
        at_most=int(config.param("worker_max_incidents")),
    )
    return worker, light
