"""Freed memory handed back between stages (_memory): what the allocators keep unused."""

from __future__ import annotations

import os
from pathlib import Path

import numpy as np
import pyarrow as pa
import pyarrow.compute as pc
import pytest

from diagnostic_lib import _memory

pytestmark = pytest.mark.skipif(
    not Path("/proc/self/statm").exists(), reason="reads the resident size in /proc (Linux)"
)


def _rss_mb() -> int:
    with open("/proc/self/statm") as f:
        return int(f.read().split()[1]) * os.sysconf("SC_PAGE_SIZE") >> 20


def _arrow_churn() -> None:
    """Text work in Arrow (what pandas' text columns do): about 250 MB made, then freed."""
    base = pa.array(np.arange(2_000_000).astype(str))
    joined = [pc.binary_join_element_wise(base, base, "-") for _ in range(6)]
    assert len(joined[-1]) == 2_000_000


def test_what_arrow_freed_leaves_the_process():
    _memory.give_back()
    before = _rss_mb()
    _arrow_churn()
    kept = _rss_mb()
    assert kept > before + 150  # freed, yet resident: Arrow's pool kept it
    _memory.give_back()
    assert _rss_mb() < kept - 150


def test_what_malloc_freed_leaves_the_process():
    _memory.give_back()
    before = _rss_mb()
    blocks = [bytes(1000) for _ in range(300_000)]  # 300 MB in malloc-sized pieces
    keep = bytearray(2000)  # allocated last and alive: the heap's top cannot shrink past it
    del blocks
    kept = _rss_mb()
    if _memory._libc() is None:
        pytest.skip("malloc_trim is glibc's")
    assert kept > before + 150
    _memory.give_back()
    assert _rss_mb() < kept - 150
    assert len(keep) == 2000


def _pages_after_import(env_value):
    import os
    import subprocess
    import sys

    env = {k: v for k, v in os.environ.items() if k != "NUMPY_MADVISE_HUGEPAGE"}
    if env_value is not None:
        env["NUMPY_MADVISE_HUGEPAGE"] = env_value
    code = "import numpy, diagnostic_lib; print(numpy._core.multiarray._get_madvise_hugepage())"
    out = subprocess.run(
        [sys.executable, "-c", code], env=env, capture_output=True, text=True, check=True
    )
    return out.stdout.strip()


def test_huge_pages_are_off_unless_the_user_chose():
    import numpy as np

    if not hasattr(np._core.multiarray, "_get_madvise_hugepage"):
        pytest.skip("this numpy has no huge-page switch")
    assert _pages_after_import(None) == "False"
    assert _pages_after_import("1") == "True"  # numpy's own switch, left as the user set it


def test_huge_pages_switch_returns_the_previous_setting():
    from diagnostic_lib import _memory

    first = _memory.huge_pages(True)
    try:
        assert _memory.huge_pages(False) is True
        assert _memory.huge_pages(False) is False
    finally:
        _memory.huge_pages(bool(first))


@pytest.mark.parametrize("at_once", [1, 3, 7, 1000])
def test_blocks_cover_every_item_once_in_order_within_their_size(at_once):
    """Consecutive blocks from 0 to the last item; each holds at most at_once rows plus
    one item's, and there are no more blocks than the rows need."""
    from diagnostic_lib._memory import blocks

    rng = np.random.default_rng(at_once)
    for sizes in (rng.integers(0, 6, 200), np.zeros(5, dtype="int64"), np.array([9, 0, 0, 1])):
        ends = np.cumsum(sizes)
        got = blocks(ends, at_once)
        assert got[0][0] == 0 and got[-1][1] == len(sizes)
        assert all(b0 == a1 for (_, b0), (a1, _) in zip(got[:-1], got[1:], strict=True))
        assert all(a < b for a, b in got)
        for a, b in got:
            rows = int(sizes[a:b].sum())
            assert rows <= at_once + int(sizes[a:b].max())
        # and no more blocks than the rows need (blocks are not split finer than asked)
        assert len(got) <= max(-(-int(sizes.sum()) // at_once), 1)
