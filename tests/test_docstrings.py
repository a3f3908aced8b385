"""Every public function is documented (numpydoc, with an example) and its examples run."""

from __future__ import annotations

import doctest
import importlib
import inspect
import os

import pytest

MODULES = [
    "schema", "i18n", "ledger", "readers", "loaders", "config", "taxonomy", "report", "maps", "cli",
    "sample", "charts", "inventory", "measures", "evaluation", "strategy", "widgets", "stats",
    "_spatial",
]  # fmt: skip


def _module(name: str):
    try:
        return importlib.import_module(f"diagnostic_lib.{name}")
    except ModuleNotFoundError as exc:
        if exc.name == f"diagnostic_lib.{name}":
            pytest.skip(f"diagnostic_lib.{name} does not exist yet")
        raise


def _public_functions(mod):
    for name, obj in vars(mod).items():
        if name.startswith("_") or not inspect.isfunction(obj) or obj.__module__ != mod.__name__:
            continue
        yield name, obj


@pytest.mark.parametrize("name", MODULES)
def test_public_functions_have_numpydoc_with_examples(name):
    mod = _module(name)
    assert mod.__doc__ and mod.__doc__.strip(), f"{name} has no module docstring"
    missing = []
    for fname, fn in _public_functions(mod):
        doc = inspect.getdoc(fn) or ""
        if "Examples" not in doc and ">>>" not in doc:
            missing.append(fname)
    assert not missing, f"{name}: public functions without an example: {missing}"


@pytest.mark.parametrize("name", MODULES)
def test_docstring_examples_run(name, monkeypatch, tmp_path):
    mod = _module(name)
    monkeypatch.chdir(tmp_path)
    os.environ.setdefault("MPLBACKEND", "Agg")
    finder = doctest.DocTestFinder(exclude_empty=True)
    runner = doctest.DocTestRunner(optionflags=doctest.ELLIPSIS | doctest.NORMALIZE_WHITESPACE)
    for test in finder.find(mod, mod.__name__):
        runner.run(test)
    result = runner.summarize(verbose=False)
    assert result.failed == 0, f"{result.failed} failing example(s) in diagnostic_lib.{name}"
