"""Freed memory handed back to the system between the stages of a diagnosis.

Two allocators keep what a stage freed for their own later use, where nothing else
can use it:

- glibc's ``malloc`` (numpy, pandas, shapely): ``malloc_trim`` returns its free
  pages;
- Arrow's memory pool (mimalloc or jemalloc by default), which holds the text
  columns of the canonical tables and every temporary of their operations:
  ``release_unused`` returns what it holds and nothing uses.

Without this, what one stage freed in one allocator counts in the process's
resident size while the next stage allocates in the other: measured at 1M incidents
in one process, step 1 left 240 MB in Arrow's pool (the whole diagnosis keeps about
120 MB of Arrow data alive), so the peaks of steps 2–4 and the report each stood
that much higher.
"""

from __future__ import annotations

import ctypes
import functools
import os
import sys
from collections.abc import Callable
from typing import Any, ParamSpec, TypeVar

import numpy as np
import pyarrow as pa

P = ParamSpec("P")
R = TypeVar("R")


@functools.cache  # one C library per process
def _libc() -> Any:
    """glibc, when this process runs on it (it has ``malloc_trim``); else ``None``."""
    if not sys.platform.startswith("linux"):
        return None
    try:
        libc = ctypes.CDLL("libc.so.6")
    except OSError:  # another C library (musl)
        return None
    return libc if hasattr(libc, "malloc_trim") else None


def give_back() -> None:
    """Return the memory freed so far to the system (a few milliseconds).

    Nothing alive is touched: only what the allocators keep unused. Where the C
    library has no ``malloc_trim`` (macOS, Windows, musl) that part is skipped.

    Examples
    --------
    >>> import pyarrow as pa
    >>> scratch = pa.array(["x"] * 100_000)
    >>> del scratch
    >>> give_back()
    """
    libc = _libc()
    if libc is not None:
        libc.malloc_trim(0)
    pa.default_memory_pool().release_unused()


def gives_back(func: Callable[P, R]) -> Callable[P, R]:
    """Decorate a stage (a step's ``run``, a loader): memory is given back when it ends.

    Examples
    --------
    >>> @gives_back
    ... def stage(n):
    ...     return sum(range(n))
    >>> stage(4)
    6
    """

    @functools.wraps(func)
    def wrapper(*args: P.args, **kwargs: P.kwargs) -> R:
        try:
            return func(*args, **kwargs)
        finally:
            give_back()

    return wrapper


def huge_pages(enabled: bool) -> bool | None:
    """Whether numpy asks Linux for huge pages for its large arrays; the previous setting.

    numpy marks every array of 4 MB or more ``MADV_HUGEPAGE``. Where the kernel's
    ``transparent_hugepage/defrag`` is ``madvise`` (a common default), the first
    write to such memory can wait for the kernel to compact memory into 2 MB pages
    (numpy issue 31590). A diagnosis makes most of its large arrays once: on this
    project's 2-core machine, the hour-of-week spread of 5M incidents took 3.5–7.3 s
    the first time with huge pages and 1.9 s without. ``None`` where numpy has no
    such switch (another system, another numpy).

    Examples
    --------
    >>> before = huge_pages(False)
    >>> _ = huge_pages(bool(before))  # as it was
    """
    multiarray = getattr(getattr(np, "_core", None), "multiarray", None)
    setter = getattr(multiarray, "_set_madvise_hugepage", None)
    if setter is None:
        return None
    return bool(setter(bool(enabled)))


def default_pages() -> None:
    """No huge pages for numpy's arrays (:func:`huge_pages`), unless the user chose.

    ``NUMPY_MADVISE_HUGEPAGE`` set in the environment (``1`` or ``0``) is numpy's own
    switch, read when numpy starts: it is then left as it is.

    Examples
    --------
    >>> default_pages()  # what importing diagnostic_lib does
    """
    if "NUMPY_MADVISE_HUGEPAGE" not in os.environ:
        huge_pages(False)


def blocks(ends: np.ndarray, at_once: int) -> list[tuple[int, int]]:
    """Items ``a`` to ``b`` (``b`` excluded) holding about ``at_once`` rows each.

    ``ends`` are the items' cumulative rows (``np.cumsum`` of their sizes). An item
    is never split: a block holds at most ``at_once`` rows plus one item's. For
    work done a block at a time so that its scratch stays small (memory only: the
    same results whatever the blocks).

    Examples
    --------
    >>> blocks(np.cumsum([3, 0, 4, 2, 5]), 5)
    [(0, 2), (2, 4), (4, 5)]
    >>> blocks(np.cumsum([0, 0]), 5), blocks(np.array([], dtype="int64"), 5)
    ([(0, 2)], [(0, 0)])
    """
    total = int(ends[-1]) if len(ends) else 0
    cuts = np.unique(np.searchsorted(ends, np.arange(0, total, max(int(at_once), 1)), "right"))
    return [
        (int(a), int(b))
        for a, b in zip(np.r_[0, cuts[1:]], np.r_[cuts[1:], len(ends)], strict=True)
    ]
