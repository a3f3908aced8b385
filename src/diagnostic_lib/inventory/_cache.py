"""Content-keyed caches of step 1 (grids, their lookup tables, aoristic spreads, perception).

Step 1, the report and the widgets build the same grid over the same sectors,
spread the same incidents over the hours of the week and summarise the same
survey many times. Those results are kept in :class:`ContentCache` objects,
each keyed by a **digest of the content** it was computed from (never by
``id()`` of a DataFrame, which Python reuses once an object is freed): a
changed table gives another key, so a cache can never return a stale result.
"""

from __future__ import annotations

import hashlib
import weakref
from collections.abc import Callable, Hashable
from typing import Any

import numpy as np

_ALL: weakref.WeakSet[ContentCache] = weakref.WeakSet()
"""Every cache of the process (see :func:`clear_caches`)."""


def clear_caches() -> None:
    """Empty every content cache of this process; what they held is computed again when asked.

    For a process whose next work reads none of it: the worker empties them after
    step 3's reach, relevance and risk (at 5M incidents the grid and the
    problems' incidents held about 0.2 GB there, beside step 3's peak).

    Examples
    --------
    >>> c = ContentCache(2); _ = c.get("k", lambda: 1)
    >>> clear_caches(); len(c)
    0
    """
    for cache in list(_ALL):
        cache.clear()


class ContentCache:
    """A small first-in, first-out cache of computed results.

    Parameters
    ----------
    maxsize : int
        Results kept; the oldest is dropped when a new one arrives.

    Examples
    --------
    >>> c = ContentCache(maxsize=1)
    >>> c.get(("a",), lambda: 1), c.get(("a",), lambda: 2), c.get(("b",), lambda: 3), len(c)
    (1, 1, 3, 1)
    """

    def __init__(self, maxsize: int) -> None:
        self.maxsize = maxsize
        self._items: dict[Hashable, Any] = {}
        _ALL.add(self)

    def get(self, key: Hashable, make: Callable[[], Any]) -> Any:
        """The result stored under ``key``, computed with ``make()`` the first time.

        Parameters
        ----------
        key : hashable
            A key built from the content of the inputs (see :func:`digest`).
        make : callable
            Computes the result.

        Returns
        -------
        object
            The stored result (callers copy it when they hand it out).

        Examples
        --------
        >>> ContentCache(2).get("k", lambda: [1, 2])
        [1, 2]
        """
        if key not in self._items:
            value = make()
            while len(self._items) >= self.maxsize:
                self._items.pop(next(iter(self._items)))
            self._items[key] = value
        return self._items[key]

    def clear(self) -> None:
        """Forget every stored result.

        Examples
        --------
        >>> c = ContentCache(1); _ = c.get(1, lambda: 1); c.clear(); len(c)
        0
        """
        self._items.clear()

    def __len__(self) -> int:
        return len(self._items)

    def __contains__(self, key: Hashable) -> bool:
        return key in self._items


def digest(*arrays: Any) -> str:
    """A 128-bit digest of the bytes of some arrays (or byte strings), in order.

    Parameters
    ----------
    *arrays : numpy.ndarray or bytes
        Fixed-width arrays (their raw bytes are hashed) or byte strings.

    Returns
    -------
    str
        Hexadecimal BLAKE2b digest.

    Examples
    --------
    >>> digest(np.arange(3)) == digest(np.arange(3)), digest(np.arange(3)) == digest(np.arange(4))
    (True, False)
    """
    h = hashlib.blake2b(digest_size=16)
    for a in arrays:
        h.update(a if isinstance(a, bytes) else np.ascontiguousarray(a).tobytes())
    return h.hexdigest()
