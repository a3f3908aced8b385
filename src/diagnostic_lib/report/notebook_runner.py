"""The notebook runner: execute the numbered notebooks and keep their outputs.

:func:`execute_notebook` runs one notebook in a fresh kernel (the notebook
tests use it too); the report executes the numbered notebooks of the
repository on the sample, when asked (``--notebooks``), and saves them beside
``index.html`` (internal audience only), outputs included but without the
widgets' saved state (:func:`strip_widget_state`), which only a live kernel
can use.
"""

from __future__ import annotations

import os
import shutil
import tempfile
from collections.abc import Callable
from pathlib import Path

from .. import i18n


def _execute_notebooks(dest: Path, lang: str, say: Callable[[str], object] = print) -> list[Path]:
    """Execute the numbered notebooks (on the sample) and save them with their outputs.

    ``say`` receives one line before the run (which notebooks, how long) and
    one per notebook as it starts.
    """
    import nbformat

    src_dir = _notebook_dir()
    if src_dir is None:
        return []
    names = [p.name for p in sorted(src_dir.glob("[0-9][0-9]_*.ipynb"))]
    say(i18n.t("report.notebooks.running", lang, names=", ".join(names)))
    dest.mkdir(parents=True, exist_ok=True)
    written = []
    with tempfile.TemporaryDirectory() as tmp:
        work = Path(tmp) / "notebooks"
        shutil.copytree(
            src_dir, work, ignore=shutil.ignore_patterns("output", ".ipynb_checkpoints")
        )
        old = os.environ.get("MPLBACKEND")
        os.environ["MPLBACKEND"] = "module://matplotlib_inline.backend_inline"
        try:
            for nb_path in sorted(work.glob("[0-9][0-9]_*.ipynb")):
                say(i18n.t("report.notebooks.one", lang, name=nb_path.name))
                nb = nbformat.read(nb_path, as_version=4)
                execute_notebook(nb, work)
                target = dest / nb_path.name
                nbformat.write(strip_widget_state(nb), target)
                written.append(target)
        finally:
            if old is None:
                os.environ.pop("MPLBACKEND", None)
            else:
                os.environ["MPLBACKEND"] = old
    return written


WIDGET_VIEW = "application/vnd.jupyter.widget-view+json"
"""The output type of a widget: a reference to a state only a live kernel holds."""


def strip_widget_state(nb):
    """Drop the widgets' saved state from an executed notebook (in place), and return it.

    The notebook's ``metadata.widgets`` (the state of every widget, often
    megabytes) and the widget views of the outputs go; a widget output keeps
    its plain-text form. Nothing else changes.

    Parameters
    ----------
    nb : nbformat.NotebookNode
        An executed notebook.

    Returns
    -------
    nbformat.NotebookNode
        ``nb``.

    Examples
    --------
    >>> import nbformat
    >>> out = nbformat.v4.new_output("display_data", data={
    ...     "text/plain": "Dropdown(...)", WIDGET_VIEW: {"model_id": "abc"}})
    >>> nb = nbformat.v4.new_notebook(cells=[nbformat.v4.new_code_cell("w", outputs=[out])])
    >>> nb.metadata["widgets"] = {"state": {"abc": {}}}
    >>> nb = strip_widget_state(nb)
    >>> "widgets" in nb.metadata, dict(nb.cells[0].outputs[0]["data"])
    (False, {'text/plain': 'Dropdown(...)'})
    """
    nb.metadata.pop("widgets", None)
    for cell in nb.cells:
        for out in cell.get("outputs", []):
            data = out.get("data")
            if data is not None:
                data.pop(WIDGET_VIEW, None)
        if "outputs" in cell:
            cell["outputs"] = [o for o in cell["outputs"] if o.get("data", True)]
    return nb


def execute_notebook(nb, workdir: str | Path, timeout: int = 900):
    r"""Execute a notebook node in place, in a fresh kernel whose working folder is ``workdir``.

    The kernel talks over local IPC sockets where the system has them (no
    unencrypted TCP port, and no warning about one), and is stopped at once after
    its last cell: a graceful shutdown waits for its interpreter to tear down the
    ~1,900 modules a diagnosis imports (0.5–0.8 s a notebook, nothing to keep: the
    outputs are in ``nb``; the library's worker process, in the kernel's process
    group, is stopped with it, and ends anyway when its channel closes).
    A cell that raises makes this raise (``nbclient.exceptions.CellExecutionError``).

    Parameters
    ----------
    nb : nbformat.NotebookNode
        The notebook, executed in place (its outputs are filled in).
    workdir : str or Path
        The kernel's working folder (relative paths in the notebook start there).
    timeout : int
        Seconds allowed for each cell.

    Returns
    -------
    nbformat.NotebookNode
        ``nb``, executed.

    Examples
    --------
    >>> import nbformat, tempfile
    >>> nb = nbformat.v4.new_notebook(cells=[nbformat.v4.new_code_cell("print(6 * 7)")])
    >>> with tempfile.TemporaryDirectory() as d:
    ...     out = execute_notebook(nb, d, timeout=120)
    >>> out.cells[0].outputs[0]["text"]
    '42\n'
    """
    from nbclient import NotebookClient
    from traitlets.config import Config

    with tempfile.TemporaryDirectory(prefix="dl-kernel-") as sockets:
        config = Config()
        if os.name == "posix":  # socket files in a private folder, by absolute path
            config.KernelManager.transport = "ipc"
            config.KernelManager.ip = os.path.join(sockets, "kernel-ipc")
        NotebookClient(
            nb,
            timeout=timeout,
            kernel_name="python3",
            config=config,
            shutdown_kernel="immediate",
            resources={"metadata": {"path": str(workdir)}},
        ).execute()
    return nb


def _notebook_dir() -> Path | None:
    here = Path(__file__).resolve()
    for parent in here.parents:
        cand = parent / "notebooks"
        if (cand / "00_overview.ipynb").exists():
            return cand
    return None
