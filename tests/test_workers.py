"""The second process (workers): the same value as running here, whatever goes wrong."""

from __future__ import annotations

import os
import threading
import time
import warnings
import weakref

import numpy as np
import pandas as pd
import pytest

from diagnostic_lib import _memory, workers


def _frame(n: int, seed: int) -> pd.DataFrame:
    rng = np.random.default_rng(seed)
    return pd.DataFrame({"a": rng.poisson(3.0, n), "b": rng.normal(size=n)}, index=range(5, 5 + n))


def _pid() -> int:
    return os.getpid()


def _warns(x: int) -> int:
    warnings.warn(f"careful with {x}", RuntimeWarning, stacklevel=1)
    return x + 1


def _fails(x: int) -> int:
    raise ValueError(f"no value for {x}")


_KEPT: list = []


def _rss_mb() -> int:
    with open("/proc/self/statm") as f:
        return int(f.read().split()[1]) * os.sysconf("SC_PAGE_SIZE") >> 20


def _fragment(mb: int) -> int:
    """Allocate ``mb`` MB in malloc-sized pieces, keep one small object after them, free them."""
    blocks = [bytes(1000) for _ in range(mb * 1000)]
    _KEPT.append(bytearray(2000))  # allocated last, still alive: the heap cannot shrink past it
    del blocks
    return _rss_mb()


@pytest.fixture
def worker():
    with workers.Worker() as w:
        yield w


def test_a_job_runs_in_another_process_and_gives_the_same_value(worker):
    job = worker.submit(_frame, 1000, seed=7)
    assert job.in_worker
    pd.testing.assert_frame_equal(job.result(take_back=False), _frame(1000, seed=7))
    assert worker.submit(_pid).result(take_back=False) != os.getpid()


def test_jobs_answer_in_any_order_of_collection(worker):
    jobs = [worker.submit(_frame, 50 + i, seed=i) for i in range(6)]
    for i in reversed(range(6)):
        pd.testing.assert_frame_equal(jobs[i].result(take_back=False), _frame(50 + i, seed=i))


def test_warnings_of_a_job_are_raised_here(worker):
    job = worker.submit(_warns, 4)
    with pytest.warns(RuntimeWarning, match="careful with 4"):
        assert job.result(take_back=False) == 5


def test_an_error_is_raised_here_with_its_own_message(worker):
    job = worker.submit(_fails, 3)
    assert job.in_worker
    with pytest.raises(ValueError, match="no value for 3"):
        job.result(take_back=False)
    later = worker.submit(_pid)
    assert later.result(take_back=False) != os.getpid()  # the worker goes on


def _wait_until(condition, seconds: float = 30.0) -> bool:
    deadline = time.monotonic() + seconds
    while not condition():
        if time.monotonic() > deadline:
            return False
        time.sleep(0.01)
    return True


def test_an_answered_job_lets_its_arguments_go_but_a_failed_one_keeps_them(worker):
    """Kept to run the job here if the worker cannot; answered, they are not needed."""
    data = np.arange(1_000)
    ref = weakref.ref(data)
    job = worker.submit(np.sum, data)
    del data
    assert _wait_until(lambda: ref() is None)  # before the result is asked for
    assert job.result() == 499_500
    # a job that failed there keeps them: it runs here, to raise its own error
    bad = np.arange(3)
    ref = weakref.ref(bad)
    failed = worker.submit(_fails, bad)
    del bad
    assert _wait_until(lambda: failed._future.done())
    assert ref() is not None
    with pytest.raises(ValueError, match="no value for"):
        failed.result()


def test_arguments_pickle_refuses_run_here(worker):
    lock = threading.Lock()  # cannot be pickled
    job = worker.submit(isinstance, lock, type(lock))
    assert not job.in_worker
    assert job.result() is True


def test_a_worker_that_stops_hands_its_jobs_back(worker):
    assert worker.submit(_pid).result(take_back=False) != os.getpid()
    worker._proc.kill()
    worker._proc.wait()
    late = [worker.submit(_frame, 20, seed=2) for _ in range(2)]
    for job in late:
        pd.testing.assert_frame_equal(job.result(), _frame(20, seed=2))
    assert worker.submit(_pid).result() == os.getpid()  # not restarted for every job


def _sleep_then_pid(seconds: float) -> int:
    import time

    time.sleep(seconds)
    return os.getpid()


def test_a_job_the_busy_worker_has_not_begun_is_taken_back_and_run_here(worker):
    """The caller, free before the worker, runs a waiting job itself instead of waiting."""
    import time

    there = worker.submit(_pid).result(take_back=False)
    long = worker.submit(_sleep_then_pid, 3.0)
    time.sleep(0.3)  # the worker has begun the long job
    waiting = [worker.submit(_frame, 30, seed=s) for s in (1, 2)] + [worker.submit(_pid)]
    assert all(job.in_worker for job in waiting)
    t0 = time.perf_counter()
    pd.testing.assert_frame_equal(waiting[0].result(), _frame(30, seed=1))
    assert waiting[2].result() == os.getpid()  # run here: not begun there
    assert time.perf_counter() - t0 < 2.0  # without waiting for the long job
    assert long.result() == there  # begun there: waited for, never run twice
    pd.testing.assert_frame_equal(waiting[1].result(), _frame(30, seed=2))
    assert worker.submit(_pid).result(take_back=False) == there  # the worker goes on


def test_disabled_worker_runs_at_once_here():
    w = workers.shared_worker(enabled=False)
    job = w.submit(_pid)
    assert not job.in_worker and w._proc is None
    assert job.result() == os.getpid()


def test_shared_worker_is_one_per_process():
    assert workers.shared_worker() is workers.shared_worker()


def _has_module(name: str) -> bool:
    import sys

    return name in sys.modules


@pytest.mark.skipif(_memory._libc() is None, reason="malloc_trim is glibc's (Linux)")
def test_the_worker_gives_back_the_memory_a_job_freed(worker):
    """Between jobs the worker returns freed memory: its copy of the incidents must not stay."""
    before = worker.submit(_rss_mb).result(take_back=False)
    freed = worker.submit(_fragment, 300).result(take_back=False)
    assert freed > before + 250  # freed, yet still resident: the allocator kept it
    after = worker.submit(_rss_mb).result(take_back=False)  # the first job's clean-up is done
    assert after < before + 50


def test_preload_imports_in_the_worker(worker):
    assert worker.submit(_has_module, "colorsys").result(take_back=False) is False
    assert worker.running
    worker.preload("colorsys")
    assert worker.submit(_has_module, "colorsys").result(take_back=False) is True
    worker.close()
    assert not worker.running


def test_the_worker_imports_from_the_callers_path_even_odd_folders(tmp_path, monkeypatch):
    folder = tmp_path / f"a{os.pathsep}b é"  # os.pathsep in a folder name must not split it
    folder.mkdir()
    (folder / "odd_module_for_worker.py").write_text("def twice(x):\n    return 2 * x\n")
    monkeypatch.syspath_prepend(str(folder))
    import odd_module_for_worker

    with workers.Worker() as w:
        job = w.submit(odd_module_for_worker.twice, 21)
        assert job.in_worker
        assert job.result(take_back=False) == 42
        assert w.submit(_pid).result(take_back=False) != os.getpid()  # it did run there


def test_close_stops_a_long_job_without_waiting_and_the_worker_can_start_again():
    import time

    w = workers.Worker()
    job = w.submit(time.sleep, 30)
    assert job.in_worker and w.running
    t0 = time.perf_counter()
    w.close(timeout=0.5)
    assert time.perf_counter() - t0 < 10  # stopped, not waited for 30 s
    assert not w.running
    late = w.submit(_pid)  # a closed worker starts again for a new job
    assert late.in_worker and late.result(take_back=False) != os.getpid()
    w.close()


def _same(x):
    return x


_POINTS = ["POINT (0 1)", "POINT (2.5 -3)", None, "POINT (1e6 5e6)"]


@pytest.mark.parametrize(
    ("wkt", "as_coordinates"),
    [
        (_POINTS, True),  # points and missing positions: sent as their coordinates
        (["POINT (0 1)", "POINT Z (2 3 4)"], False),  # a height would be lost
        (["POINT (0 1)", "POINT EMPTY"], False),  # an empty point is not a missing one
        (["POINT (0 1)", "LINESTRING (0 0, 1 1)"], False),
        ([None, None], False),
    ],
)
def test_geometry_columns_travel_both_ways_unchanged(worker, wkt, as_coordinates):
    """Columns of points go as coordinates, faster than as WKB; nothing else may change."""
    import geopandas as gpd
    import shapely

    geoms = [None if w is None else shapely.from_wkt(w) for w in wkt]
    frame = gpd.GeoDataFrame(
        {"a": range(len(geoms))}, geometry=geoms, crs="EPSG:32188", index=range(7, 7 + len(geoms))
    )
    assert (workers._point_coordinates(frame.geometry.array) is not None) is as_coordinates
    job = worker.submit(_same, frame)
    back = job.result(take_back=False)
    assert job.in_worker
    assert isinstance(back, gpd.GeoDataFrame) and back.crs == frame.crs
    pd.testing.assert_frame_equal(back.drop(columns="geometry"), frame.drop(columns="geometry"))
    assert back.geometry.isna().tolist() == frame.geometry.isna().tolist()
    assert back.geometry.to_wkt().tolist() == frame.geometry.to_wkt().tolist()
    assert back.geometry.has_z.tolist() == frame.geometry.has_z.tolist()


def test_worker_for_keeps_large_copies_and_small_jobs_here(monkeypatch):
    """Over ``at_most`` rows (memory) or under ``at_least`` with no worker running: here."""
    fresh = workers.Worker()
    monkeypatch.setattr(workers, "_SHARED", fresh)
    try:
        assert not workers.worker_for(False, 100).enabled
        assert not workers.worker_for(True, 101, at_most=100).enabled
        assert not workers.worker_for(True, 5, at_least=10).enabled  # not started for this
        assert not fresh.running
        assert workers.worker_for(True, 100, at_least=10, at_most=100) is fresh
        fresh.submit(_pid).result(take_back=False)  # now it runs…
        assert workers.worker_for(True, 5, at_least=10) is fresh  # …so a small job goes too
        assert not workers.worker_for(True, 101, at_least=10, at_most=100).enabled
    finally:
        fresh.close()


@pytest.mark.skipif(os.name != "posix", reason="SIGINT to a process group is POSIX")
def test_an_interrupt_does_not_stop_the_worker_nor_print_a_traceback(worker):
    """A notebook kernel interrupted or shut down sends SIGINT to its process group."""
    import signal

    pid = worker.submit(_pid).result(take_back=False)
    os.kill(pid, signal.SIGINT)
    assert worker.submit(_pid).result(take_back=False) == pid  # still there, still serving


def _children_of_this_process() -> set[int]:
    """Pids of this process's children, the stopped but unreaped (zombies) included."""
    from pathlib import Path

    if not Path("/proc/self/stat").exists():
        pytest.skip("reads the process table in /proc (Linux)")
    found = set()
    for stat in Path("/proc").glob("[0-9]*/stat"):
        try:
            fields = stat.read_text().rsplit(")", 1)[1].split()
        except OSError:  # gone meanwhile
            continue
        if int(fields[1]) == os.getpid():  # the parent's pid follows the state
            found.add(int(stat.parent.name))
    return found


def test_a_worker_that_dies_is_reaped_without_waiting_for_close(worker):
    """A notebook kernel shutting down waits for its children, zombies included, to go."""
    import signal
    import time

    pid = worker.submit(_pid).result(take_back=False)
    os.kill(pid, signal.SIGTERM)  # what ipykernel sends its children when it shuts down
    deadline = time.monotonic() + 30
    while pid in _children_of_this_process() and time.monotonic() < deadline:
        time.sleep(0.02)
    assert pid not in _children_of_this_process()


def test_close_stops_an_idle_worker_at_once_even_while_it_starts():
    """Nothing is awaited from it: its imports are not waited for (a kernel's shutdown)."""
    import signal

    w = workers.Worker()
    job = w.submit(_pid)
    assert job.result() == os.getpid()  # taken back: the worker had not begun it
    proc = w._proc
    w.close(timeout=60)
    assert proc.returncode == -signal.SIGKILL  # stopped, not left to finish its imports
    assert _children_of_this_process().isdisjoint({proc.pid})
