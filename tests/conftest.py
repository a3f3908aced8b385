"""Shared fixtures. Matplotlib always uses Agg; no test touches the network."""

from __future__ import annotations

import os
from pathlib import Path

os.environ.setdefault("MPLBACKEND", "Agg")
# No test writes the loaders' cache (build/cache beside a config, e.g. data/sample/build):
# tests of the cache pass cache=True and a temporary folder. Kernels and CLI runs the
# tests start inherit it.
os.environ["DIAGNOSTIC_CACHE"] = "off"

import matplotlib

matplotlib.use("Agg")

import pytest

ROOT = Path(__file__).resolve().parents[1]
SAMPLE = ROOT / "data" / "sample"
FIXTURES = ROOT / "data" / "montreal_excerpt"
MONTREAL = (ROOT.parent / "shared" / "data" / "montreal").resolve()
NOW = "2026-01-01"


def montreal_file(name: str) -> Path:
    """A file of the real Montréal data, or skip the test when it is absent."""
    p = MONTREAL / name
    if not p.exists():
        pytest.skip(f"real Montréal data not available ({p})")
    return p


def montreal_config(folder: Path) -> Path:
    """A ``diagnostic.toml`` in ``folder`` for Montréal's real data, or skip when it is absent.

    SPVM's incidents 2015–2018 with the 2015 PDQ polygons (both with the ``spvm``
    preset) and the points of interest as places; no population, no measures.
    """
    sectors = montreal_file("limites-pdq-2015-wkt.csv").as_posix()
    incidents = montreal_file("actes-criminels-2015-2018q1.csv").as_posix()
    places = montreal_file("lieux-interet.geojson").as_posix()
    text = f"""
[municipality]
name = "Montréal"
crs = "EPSG:32188"
[diagnostic]
language = "fr"
[data.sectors]
path = "{sectors}"
preset = "spvm"
[data.incidents]
path = "{incidents}"
preset = "spvm"
[data.places]
path = "{places}"
"""
    path = Path(folder) / "diagnostic.toml"
    path.write_text(text, encoding="utf-8")
    return path


@pytest.fixture(scope="session")
def sample_dir() -> Path:
    return SAMPLE


@pytest.fixture(scope="session")
def diag():
    """The sample municipality, loaded once per test session."""
    from diagnostic_lib import loaders

    return loaders.load_diagnostic(SAMPLE / "diagnostic.toml", now=NOW)


@pytest.fixture(autouse=True)
def _close_figures():
    yield
    import matplotlib.pyplot as plt

    plt.close("all")


@pytest.fixture
def sent_to_worker(monkeypatch):
    """Every job submitted to a worker, as ``(function name, sent to the worker?)``.

    A job sent is then always computed there (never taken back to be run here), so
    that a test comparing with the job run here does compare the two processes.
    """
    from diagnostic_lib import workers

    sent: list[tuple[str, bool]] = []
    submit, result = workers.Worker.submit, workers.Pending.result

    def spy(self, func, *args, **kwargs):
        job = submit(self, func, *args, **kwargs)
        sent.append((func.__name__, job.in_worker))
        return job

    monkeypatch.setattr(workers.Worker, "submit", spy)
    monkeypatch.setattr(workers.Pending, "result", lambda self, take_back=True: result(self, False))
    return sent
