"""The report as a PDF: the HTML printed by a headless Chromium.

Chromium is the browser the test suite already drives (Debian's ``chromium``),
so the PDF is what the print style sheet (``templates/print.css``) asks for:
one step per page, the appendix's tables unfolded, the document's paper
(:data:`~diagnostic_lib.report.document.PAPER`). No network is used: the
report is one self-contained file.

Examples
--------
>>> import os
>>> os.environ.get("DIAGNOSTIC_CHROMIUM", "") == "" or find_chromium() is not None
True
"""

from __future__ import annotations

import os
import shutil
import subprocess
import tempfile
from os import PathLike
from pathlib import Path

from ..errors import bilingual

CHROMIUM_NAMES: tuple[str, ...] = ("chromium", "chromium-browser", "google-chrome", "chrome")
"""The executables looked for on the ``PATH`` (after ``DIAGNOSTIC_CHROMIUM``)."""

TIMEOUT_S: int = 180
"""Seconds allowed to print the report."""


class PdfError(RuntimeError):
    """No Chromium to print with, or Chromium failed (the message says how to fix it, fr + en)."""


def find_chromium() -> str | None:
    """The Chromium to print with: ``DIAGNOSTIC_CHROMIUM``, else the first on the ``PATH``.

    Returns
    -------
    str or None
        Its path, or ``None`` when there is none.

    Examples
    --------
    >>> find_chromium() is None or Path(find_chromium()).exists()
    True
    """
    given = os.environ.get("DIAGNOSTIC_CHROMIUM")
    if given:
        return given if Path(given).is_file() and os.access(given, os.X_OK) else None
    for name in CHROMIUM_NAMES:
        found = shutil.which(name)
        if found:
            return found
    return None


def html_to_pdf(
    html: str | PathLike[str],
    pdf: str | PathLike[str] | None = None,
    chromium: str | None = None,
    timeout: int = TIMEOUT_S,
) -> Path:
    """Print an HTML file to PDF with headless Chromium.

    Parameters
    ----------
    html : path
        The HTML file (the report's ``index.html``).
    pdf : path, optional
        The PDF written (default: beside ``html``, same name, ``.pdf``).
    chromium : str, optional
        The Chromium executable (default: :func:`find_chromium`).
    timeout : int
        Seconds allowed.

    Returns
    -------
    pathlib.Path
        The PDF.

    Raises
    ------
    PdfError
        No Chromium (the message says how to install it, in French and
        English), or Chromium failed or wrote nothing.

    Examples
    --------
    >>> import os, tempfile
    >>> os.environ["DIAGNOSTIC_CHROMIUM"] = "/no/chromium"
    >>> html_to_pdf(Path(tempfile.mkdtemp()) / "index.html")  # doctest: +ELLIPSIS
    Traceback (most recent call last):
    ...
    diagnostic_lib.report.pdf.PdfError: Chromium was not found: ...
    >>> del os.environ["DIAGNOSTIC_CHROMIUM"]
    """
    exe = chromium or find_chromium()
    if exe is None:
        raise PdfError(bilingual("report.pdf.no_chromium"))
    src = Path(html).resolve()
    out = Path(pdf) if pdf is not None else src.with_suffix(".pdf")
    out = out.resolve()
    out.unlink(missing_ok=True)
    with tempfile.TemporaryDirectory(prefix="dl-chromium-") as profile:
        cmd = [
            exe,
            "--headless",
            "--no-sandbox",
            "--disable-gpu",
            "--no-first-run",
            "--disable-background-networking",
            "--disable-component-update",
            "--disable-sync",
            f"--user-data-dir={profile}",
            "--no-pdf-header-footer",
            "--run-all-compositor-stages-before-draw",
            f"--print-to-pdf={out}",
            src.as_uri(),
        ]
        try:
            done = subprocess.run(cmd, capture_output=True, text=True, timeout=timeout, check=False)
        except (OSError, subprocess.TimeoutExpired) as exc:
            raise PdfError(bilingual("report.pdf.failed", code="—", error=str(exc))) from exc
    if done.returncode != 0 or not out.is_file() or out.stat().st_size == 0:
        tail = (done.stderr or done.stdout or "").strip()[-600:]
        raise PdfError(bilingual("report.pdf.failed", code=done.returncode, error=tail))
    return out
