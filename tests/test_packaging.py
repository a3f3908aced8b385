"""The install contract: pyproject.toml and environment.yml list the same packages."""

from __future__ import annotations

import re
import tomllib
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]


def _name(req: str) -> str:
    return re.split(r"[<>=!~ \[;]", req.strip(), maxsplit=1)[0].lower().replace("_", "-")


def _pyproject() -> tuple[set[str], set[str]]:
    data = tomllib.loads((ROOT / "pyproject.toml").read_text(encoding="utf-8"))
    deps = {_name(d) for d in data["project"]["dependencies"]}
    dev = {_name(d) for d in data["project"]["optional-dependencies"]["dev"]}
    return deps, dev


def _environment() -> tuple[set[str], list[str]]:
    names: set[str] = set()
    pip_lines: list[str] = []
    in_pip = False
    section = ""
    for line in (ROOT / "environment.yml").read_text(encoding="utf-8").splitlines():
        s = line.split("#", 1)[0].rstrip()
        if not s.strip():
            continue
        top = re.match(r"^([A-Za-z_]+):", s)
        if top:
            section = top.group(1)
            continue
        if section != "dependencies":
            continue
        if re.match(r"^\s+- pip:\s*$", s):
            in_pip = True
            continue
        m = re.match(r"^(\s+)- (.+)$", s)
        if not m:
            in_pip = False
            continue
        if in_pip and len(m.group(1)) > 2:
            pip_lines.append(m.group(2).strip())
        else:
            in_pip = False
            names.add(_name(m.group(2)))
    return names - {"python", "pip"}, pip_lines


def test_environment_matches_pyproject():
    deps, dev = _pyproject()
    env, _ = _environment()
    assert env == deps | dev, (
        f"only in environment.yml: {sorted(env - deps - dev)}; only in pyproject.toml: {sorted((deps | dev) - env)}"
    )


def test_environment_installs_the_project_with_pip():
    _, pip_lines = _environment()
    assert "-e ." in pip_lines or "." in pip_lines


def test_python_floor_is_311():
    data = tomllib.loads((ROOT / "pyproject.toml").read_text(encoding="utf-8"))
    assert data["project"]["requires-python"] == ">=3.11"
    env = (ROOT / "environment.yml").read_text(encoding="utf-8")
    assert "python>=3.11" in env


def test_pandas_3_is_required():
    deps = tomllib.loads((ROOT / "pyproject.toml").read_text(encoding="utf-8"))["project"][
        "dependencies"
    ]
    assert any(re.fullmatch(r"pandas>=3(\.0)?", d) for d in deps)


def test_ci_runs_make_test_only():
    lines = [
        ln
        for ln in (ROOT / ".ci" / "run").read_text().splitlines()
        if ln.strip() and not ln.startswith("#")
    ]
    commands = [ln for ln in lines if not ln.startswith(("set ", "cd "))]
    assert commands == ["make test"]
