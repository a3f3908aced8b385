"""The notebooks run top to bottom (headless), and are committed without outputs."""

from __future__ import annotations

import json
import os
import shutil
from pathlib import Path

import nbformat
import pytest

ROOT = Path(__file__).resolve().parents[1]
NOTEBOOKS = sorted((ROOT / "notebooks").glob("[0-9][0-9]_*.ipynb"))


def run_notebook(path: Path, tmp_path: Path, timeout: int = 600) -> nbformat.NotebookNode:
    """Execute a copy of a notebook in ``tmp_path`` and return it (raises on error)."""
    from diagnostic_lib.report import execute_notebook

    work = tmp_path / "notebooks"
    work.mkdir(parents=True, exist_ok=True)
    nb = nbformat.read(path, as_version=4)
    env_backup = os.environ.get("MPLBACKEND")
    os.environ["MPLBACKEND"] = "module://matplotlib_inline.backend_inline"
    try:
        execute_notebook(nb, work, timeout=timeout)
    finally:
        if env_backup is None:
            os.environ.pop("MPLBACKEND", None)
        else:
            os.environ["MPLBACKEND"] = env_backup
    return nb


def test_there_are_notebooks():
    assert [p.name for p in NOTEBOOKS][:1] == ["00_overview.ipynb"]


@pytest.mark.parametrize("path", NOTEBOOKS, ids=lambda p: p.name)
def test_committed_without_outputs(path):
    nb = json.loads(path.read_text(encoding="utf-8"))
    for cell in nb["cells"]:
        assert not cell.get("outputs"), f"{path.name}: a cell has outputs (run nbstripout)"
        assert cell.get("execution_count") is None, f"{path.name}: execution counts left in"
    assert "widgets" not in nb.get("metadata", {}), f"{path.name}: widget state saved"


@pytest.mark.parametrize("path", NOTEBOOKS, ids=lambda p: p.name)
def test_notebook_structure_for_trainers(path):
    nb = json.loads(path.read_text(encoding="utf-8"))
    first = "".join(nb["cells"][0]["source"])
    assert "Objectifs" in first and "objectives" in first.lower(), (
        f"{path.name}: no learning objectives"
    )
    text = "\n".join("".join(c["source"]) for c in nb["cells"] if c["cell_type"] == "markdown")
    assert "Exercices" in text and "Exercises" in text, f"{path.name}: no exercises"
    sol = [c for c in nb["cells"] if "solution" in c.get("metadata", {}).get("tags", [])]
    assert sol and all(c["metadata"].get("jupyter", {}).get("source_hidden") for c in sol), (
        f"{path.name}: solutions not hidden"
    )


@pytest.mark.slow
@pytest.mark.parametrize("path", NOTEBOOKS, ids=lambda p: p.name)
def test_notebook_runs(path, tmp_path):
    nb = run_notebook(path, tmp_path)
    errors = [
        o
        for c in nb.cells
        if c.cell_type == "code"
        for o in c.get("outputs", [])
        if o.get("output_type") == "error"
    ]
    assert not errors
    # no warning leaked to a cell's stderr
    stderr = [
        o.get("text", "")
        for c in nb.cells
        if c.cell_type == "code"
        for o in c.get("outputs", [])
        if o.get("output_type") == "stream" and o.get("name") == "stderr"
    ]
    assert not [s for s in stderr if "Warning" in s], stderr
    shutil.rmtree(tmp_path / "notebooks", ignore_errors=True)


def test_a_kernel_stopped_after_its_last_cell_leaves_no_worker_behind(tmp_path):
    """The kernel is stopped at once (no graceful teardown): the library's worker process,
    started by a cell, ends with it (it is in the kernel's process group, which is stopped,
    and it ends anyway when its channel closes)."""
    import time

    import psutil

    code = (
        "import os\n"
        "from diagnostic_lib import workers\n"
        "w = workers.Worker()\n"
        "assert w.submit(workers.in_worker_process).result(take_back=False)\n"
        "print(w._proc.pid, os.getpid())"
    )
    nb = nbformat.v4.new_notebook(cells=[nbformat.v4.new_code_cell(code)])
    from diagnostic_lib.report import execute_notebook

    execute_notebook(nb, tmp_path, timeout=120)
    worker, kernel = (int(v) for v in nb.cells[0].outputs[0]["text"].split())
    deadline = time.monotonic() + 10
    alive = [p for p in (worker, kernel) if psutil.pid_exists(p)]
    while alive and time.monotonic() < deadline:
        time.sleep(0.1)
        alive = [
            p
            for p in alive
            if psutil.pid_exists(p) and psutil.Process(p).status() != psutil.STATUS_ZOMBIE
        ]
    assert alive == []
