"""Fixtures of the real-browser tests: Chromium driven by Playwright, JupyterLab and Voilà.

Chromium is Debian's (``/usr/bin/chromium``, installed by ``make test``), driven through
Playwright's Python API; Playwright's own browser download is never used. Every request
that does not go to 127.0.0.1 is aborted. Servers run on a free local port, without a
token, on a temporary copy of ``notebooks/`` (nothing is written into the repository
except the screenshots under ``build/screenshots/``). A browser that cannot be started
makes the tests fail with the reason, never skip.
"""

from __future__ import annotations

import json
import os
import shutil
import socket
import subprocess
import sys
import time
import urllib.error
import urllib.request
from dataclasses import dataclass, field
from pathlib import Path
from urllib.parse import urlsplit

import pytest

ROOT = Path(__file__).resolve().parents[2]
NOTEBOOKS_DIR = ROOT / "notebooks"
SCREENSHOTS = ROOT / "build" / "screenshots"
CHROMIUM = os.environ.get("DIAGNOSTIC_CHROMIUM", "/usr/bin/chromium")
CHROMIUM_ARGS = [
    "--headless",
    "--no-sandbox",
    "--disable-gpu",
    "--disable-quic",
    "--no-first-run",
    "--disable-background-networking",
    "--disable-component-update",
    "--disable-sync",
]
LAUNCH_TIMEOUT_S = 60  # a browser can hang at its first start
ACTION_TIMEOUT_S = 60  # every Playwright action and wait
SERVER_TIMEOUT_S = 120  # JupyterLab or Voilà answering
VIEWPORT = {"width": 1400, "height": 1000}


def free_port() -> int:
    """A free TCP port on 127.0.0.1."""
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return int(s.getsockname()[1])


@dataclass
class Server:
    """A JupyterLab or Voilà process started by a fixture."""

    name: str
    process: subprocess.Popen
    url: str
    root: Path
    log: Path

    def log_tail(self, n: int = 4000) -> str:
        return self.log.read_text(encoding="utf-8", errors="replace")[-n:]

    def stop(self) -> None:
        if self.process.poll() is None:
            self.process.terminate()
            try:
                self.process.wait(timeout=20)
            except subprocess.TimeoutExpired:
                self.process.kill()
                self.process.wait(timeout=10)


def _listening(port: int) -> bool:
    with socket.socket() as s:
        s.settimeout(1.0)
        return s.connect_ex(("127.0.0.1", port)) == 0


def start_server(
    name: str,
    cmd: list[str],
    env: dict[str, str],
    cwd: Path,
    port: int,
    log: Path,
    ready_path: str | None = None,
) -> Server:
    """Start ``cmd`` and wait (with a timeout) until it answers on ``port``."""
    fh = log.open("w", encoding="utf-8")
    proc = subprocess.Popen(cmd, env=env, cwd=cwd, stdout=fh, stderr=subprocess.STDOUT)
    fh.close()
    server = Server(name, proc, f"http://127.0.0.1:{port}", cwd, log)
    deadline = time.monotonic() + SERVER_TIMEOUT_S
    while time.monotonic() < deadline:
        if proc.poll() is not None:
            pytest.fail(
                f"{name} exited with code {proc.returncode} before answering:\n{server.log_tail()}"
            )
        if _listening(port):
            if ready_path is None:
                return server
            try:
                with urllib.request.urlopen(server.url + ready_path, timeout=5) as r:
                    if r.status == 200:
                        return server
            except (urllib.error.URLError, OSError):
                pass
        time.sleep(0.5)
    server.stop()
    pytest.fail(
        f"{name} did not answer on port {port} within {SERVER_TIMEOUT_S} s:\n{server.log_tail()}"
    )


def jupyter_env(tmp: Path) -> dict[str, str]:
    """Environment of a server: private Jupyter config/data/runtime dirs, no MPLBACKEND."""
    env = dict(os.environ)
    env.pop("MPLBACKEND", None)  # the kernels use the notebook's own (inline) backend
    for var, sub in (
        ("JUPYTER_CONFIG_DIR", "config"),
        ("JUPYTER_DATA_DIR", "data"),
        ("JUPYTER_RUNTIME_DIR", "runtime"),
        ("IPYTHONDIR", "ipython"),
        ("JUPYTERLAB_SETTINGS_DIR", "lab-settings"),
        ("JUPYTERLAB_WORKSPACES_DIR", "lab-workspaces"),
    ):
        (tmp / sub).mkdir(parents=True, exist_ok=True)
        env[var] = str(tmp / sub)
    env["JUPYTER_PLATFORM_DIRS"] = "1"
    return env


def copy_notebooks(dest: Path) -> Path:
    """A working copy of ``notebooks/`` (without outputs written by earlier runs)."""
    target = dest / "notebooks"
    shutil.copytree(
        NOTEBOOKS_DIR, target, ignore=shutil.ignore_patterns("output", ".ipynb_checkpoints")
    )
    return target


# ----------------------------------------------------------------------------
# Browser
# ----------------------------------------------------------------------------
@dataclass
class Browser:
    """A Chromium context (fresh profile) whose pages only reach 127.0.0.1."""

    context: object
    blocked: list[str] = field(default_factory=list)

    def new_page(self):
        page = self.context.new_page()
        page.set_default_timeout(ACTION_TIMEOUT_S * 1000)
        page.set_default_navigation_timeout(ACTION_TIMEOUT_S * 1000)
        page.console_errors = []  # type: ignore[attr-defined]
        page.on("pageerror", lambda e: page.console_errors.append(str(e)))
        return page


def _allowed(url: str) -> bool:
    parts = urlsplit(url)
    if parts.scheme in ("data", "about", "blob"):
        return True
    return parts.scheme in ("http", "https", "ws", "wss") and parts.hostname == "127.0.0.1"


@pytest.fixture(scope="session")
def browser(tmp_path_factory) -> Browser:
    """Debian's Chromium, headless, started by Playwright; fails (never skips) when unavailable."""
    if not (Path(CHROMIUM).is_file() and os.access(CHROMIUM, os.X_OK)):
        pytest.fail(
            f"Chromium is not installed at {CHROMIUM}: the browser tests need Debian's chromium package "
            "(`make test` installs it with apt; by hand: `sudo apt-get install -y chromium`). "
            "Playwright's own browser download is not used.",
            pytrace=False,
        )
    try:
        from playwright.sync_api import sync_playwright
    except ImportError as exc:  # pragma: no cover - dev dependency missing
        pytest.fail(
            f"Playwright is not installed ({exc}): `pip install -e '.[dev]'`.", pytrace=False
        )
    profile = tmp_path_factory.mktemp("chromium-profile")
    pw = sync_playwright().start()
    try:
        context = pw.chromium.launch_persistent_context(
            str(profile),  # a fresh --user-data-dir
            executable_path=CHROMIUM,
            headless=True,
            args=CHROMIUM_ARGS,
            timeout=LAUNCH_TIMEOUT_S * 1000,
            viewport=VIEWPORT,
            handle_sigint=False,
            handle_sigterm=False,
            handle_sighup=False,
        )
    except Exception as exc:
        pw.stop()
        pytest.fail(
            f"Chromium ({CHROMIUM}) could not be started by Playwright within "
            f"{LAUNCH_TIMEOUT_S} s: {exc}",
            pytrace=False,
        )
    b = Browser(context)

    def route(r) -> None:
        if _allowed(r.request.url):
            r.continue_()
        else:
            b.blocked.append(r.request.url)
            r.abort()

    context.route("**/*", route)
    context.set_default_timeout(ACTION_TIMEOUT_S * 1000)
    try:  # the browser really renders a page
        page = b.new_page()
        page.set_content("<p id='ok'>ok</p>")
        assert page.inner_text("#ok") == "ok"
        page.close()
    except Exception as exc:
        context.close()
        pw.stop()
        pytest.fail(f"Chromium started but cannot render a page: {exc}", pytrace=False)
    yield b
    context.close()
    pw.stop()


# ----------------------------------------------------------------------------
# Servers
# ----------------------------------------------------------------------------
LAB_SETTINGS = {
    # every cell stays in the page (JupyterLab 4 otherwise only renders the visible ones)
    "@jupyterlab/notebook-extension/tracker.jupyterlab-settings": {
        "windowingMode": "none",
        "autoStartDefaultKernel": True,
        "scrollPastEnd": False,  # no blank screen after the last cell (screenshots)
    },
    "@jupyterlab/apputils-extension/notification.jupyterlab-settings": {
        "fetchNews": "false",
        "checkForUpdates": False,
    },
}


def _shutdown_kernels(server: Server) -> None:
    try:
        with urllib.request.urlopen(server.url + "/api/kernels", timeout=5) as r:
            kernels = json.load(r)
        for k in kernels:
            req = urllib.request.Request(f"{server.url}/api/kernels/{k['id']}", method="DELETE")
            urllib.request.urlopen(req, timeout=10).close()
    except (urllib.error.URLError, OSError, ValueError):
        pass  # the server is going away anyway


@pytest.fixture(scope="module")
def jupyter_lab(tmp_path_factory) -> Server:
    """JupyterLab on 127.0.0.1 (no token, ``window.jupyterapp`` exposed) over a copy of notebooks/."""
    tmp = tmp_path_factory.mktemp("jupyterlab")
    root = tmp / "root"
    copy_notebooks(root)
    env = jupyter_env(tmp)
    for name, value in LAB_SETTINGS.items():
        path = Path(env["JUPYTERLAB_SETTINGS_DIR"]) / name.split("/", 1)[0] / name.split("/", 1)[1]
        path.parent.mkdir(parents=True, exist_ok=True)
        path.write_text(json.dumps(value), encoding="utf-8")
    port = free_port()
    cmd = [
        sys.executable,
        "-m",
        "jupyterlab",
        "--no-browser",
        "--ip=127.0.0.1",
        f"--port={port}",
        "--port-retries=0",
        "--IdentityProvider.token=",
        "--ServerApp.password=",
        "--ServerApp.allow_root=True",
        "--LabApp.expose_app_in_browser=True",
        f"--ServerApp.root_dir={root}",
    ]
    server = start_server("JupyterLab", cmd, env, root, port, tmp / "jupyterlab.log", "/api/status")
    yield server
    _shutdown_kernels(server)
    server.stop()


@pytest.fixture(scope="module")
def voila_dashboard(tmp_path_factory) -> Server:
    """Voilà serving notebooks/dashboard.ipynb on 127.0.0.1 (no token, sources stripped)."""
    tmp = tmp_path_factory.mktemp("voila")
    root = tmp / "root"
    nbdir = copy_notebooks(root)
    env = jupyter_env(tmp)
    port = free_port()
    cmd = [
        sys.executable,
        "-m",
        "voila",
        str(nbdir / "dashboard.ipynb"),
        "--no-browser",
        "--Voila.ip=127.0.0.1",
        f"--port={port}",
        "--Voila.token=",
        "--strip_sources=True",
        "--show_tracebacks=True",
    ]
    server = start_server("Voilà", cmd, env, nbdir, port, tmp / "voila.log")
    yield server
    server.stop()


# ----------------------------------------------------------------------------
# Screenshots
# ----------------------------------------------------------------------------
def screenshot_path(name: str) -> Path:
    SCREENSHOTS.mkdir(parents=True, exist_ok=True)
    return SCREENSHOTS / f"{name}.png"
