"""The small spatial helpers shared by the steps (``diagnostic_lib._spatial``)."""

from __future__ import annotations

import numpy as np
import shapely

from diagnostic_lib import _spatial


def test_the_outline_is_unioned_once_per_content_and_never_stale():
    """``_spatial.union_of``: the same shapes give the same union object; changed shapes,
    missing ones or another order of the same shapes give their own, right, union."""
    a = [shapely.box(0, 0, 1, 1), shapely.box(1, 0, 2, 1)]
    first = _spatial.union_of(a)
    assert _spatial.union_of(np.array(a, dtype=object)) is first and first.area == 2.0
    moved = [a[0], shapely.box(1, 0, 3, 1)]
    assert _spatial.union_of(moved).area == 3.0
    with_none = _spatial.union_of([*a, None])
    assert shapely.equals(with_none, first)
    assert shapely.equals(_spatial.union_of(a[::-1]), first)
    for k in range(_spatial._UNIONS_KEPT + 2):  # older ones forgotten, the cache stays small
        _spatial.union_of([shapely.box(k, k, k + 1, k + 1)])
    assert len(_spatial._UNIONS) == _spatial._UNIONS_KEPT
    assert _spatial.union_of(a).area == 2.0  # made again when forgotten
