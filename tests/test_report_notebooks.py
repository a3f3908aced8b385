"""The report runs the notebooks only when asked, says so, and saves them without widget state."""

from __future__ import annotations

import json

import nbformat
import pytest

from diagnostic_lib import cli, report
from diagnostic_lib.cli import cmd_report
from diagnostic_lib.report import notebook_runner


def test_notebooks_run_only_when_asked():
    parse = cli.build_parser().parse_args
    assert parse(["report", "--config", "x.toml"]).notebooks is False
    assert parse(["report", "--config", "x.toml", "--notebooks"]).notebooks is True
    old = parse(["report", "--config", "x.toml", "--no-notebooks"])  # existing scripts
    assert old.notebooks is False and old.no_notebooks is True
    with pytest.raises(SystemExit):
        parse(["report", "--config", "x.toml", "--notebooks", "--no-notebooks"])


@pytest.mark.parametrize(("flags", "expected"), [([], False), (["--notebooks"], True)])
def test_report_command_passes_the_choice_on(monkeypatch, tmp_path, capsys, flags, expected):
    seen = {}

    def fake_build(config, out, **kw):
        seen.update(kw)
        return tmp_path / "index.html"

    monkeypatch.setattr(report, "build_report", fake_build)
    args = cli.build_parser().parse_args(["report", "--config", "x.toml", *flags])
    assert cmd_report.run(args) == 0
    assert seen["notebooks"] is expected


def test_build_report_does_not_run_the_notebooks_by_default():
    import inspect

    assert inspect.signature(report.build_report).parameters["notebooks"].default is False


def test_notebook_run_says_which_and_strips_widget_state(monkeypatch, tmp_path):
    src = tmp_path / "src"
    src.mkdir()
    cells = [
        nbformat.v4.new_code_cell("print(6 * 7)"),
        nbformat.v4.new_code_cell("import ipywidgets\nipywidgets.IntSlider(value=3)"),
    ]
    nbformat.write(nbformat.v4.new_notebook(cells=cells), src / "00_tiny.ipynb")
    monkeypatch.setattr(notebook_runner, "_notebook_dir", lambda: src)
    before = []  # what the executed notebook held before it was stripped
    strip = notebook_runner.strip_widget_state

    def watch(nb):
        before.append(notebook_runner.WIDGET_VIEW in json.dumps(nb) and "widgets" in nb.metadata)
        return strip(nb)

    monkeypatch.setattr(notebook_runner, "strip_widget_state", watch)
    said: list[str] = []
    written = notebook_runner._execute_notebooks(tmp_path / "out", "en", say=said.append)
    assert [p.name for p in written] == ["00_tiny.ipynb"]
    assert said[0].startswith("Running the notebooks") and "00_tiny.ipynb" in said[0]
    assert any("00_tiny.ipynb" in s for s in said[1:])
    saved = json.loads(written[0].read_text(encoding="utf-8"))
    assert "widgets" not in saved["metadata"]
    outputs = [o for c in saved["cells"] for o in c.get("outputs", [])]
    assert "".join(outputs[0]["text"]) == "42\n"  # ordinary outputs are kept
    assert not any(notebook_runner.WIDGET_VIEW in o.get("data", {}) for o in outputs)
    assert any("IntSlider" in "".join(o.get("data", {}).get("text/plain", "")) for o in outputs)
    assert before == [True]  # there was widget state to strip
