"""Every public function is documented (numpydoc, with an example) and its examples run.

The modules are found by walking the package, sub-packages included: a function
is checked in the module that defines it, wherever it is re-exported.
"""

from __future__ import annotations

import doctest
import importlib
import inspect
import os
import pkgutil

import pytest

import diagnostic_lib


def _all_modules() -> list[str]:
    names = ["diagnostic_lib"]
    for info in pkgutil.walk_packages(diagnostic_lib.__path__, "diagnostic_lib."):
        if info.name.endswith("__main__"):
            continue
        names.append(info.name)
    return sorted(names)


MODULES = _all_modules()


def _public_functions(mod):
    for name, obj in vars(mod).items():
        if name.startswith("_") or not inspect.isfunction(obj) or obj.__module__ != mod.__name__:
            continue
        yield name, obj


def _public_classes(mod):
    for name, obj in vars(mod).items():
        if name.startswith("_") or not inspect.isclass(obj) or obj.__module__ != mod.__name__:
            continue
        yield name, obj


def test_the_walk_finds_submodules():
    # a walk that silently found nothing would make every test below pass
    assert len(MODULES) >= 20
    assert "diagnostic_lib.i18n.labels.common" in MODULES


@pytest.mark.parametrize("name", MODULES)
def test_public_functions_have_numpydoc_with_examples(name):
    mod = importlib.import_module(name)
    assert mod.__doc__ and mod.__doc__.strip(), f"{name} has no module docstring"
    missing = []
    for fname, fn in _public_functions(mod):
        doc = inspect.getdoc(fn) or ""
        if "Examples" not in doc and ">>>" not in doc:
            missing.append(fname)
    assert not missing, f"{name}: public functions without an example: {missing}"
    undocumented = [c for c, cls in _public_classes(mod) if not (cls.__doc__ or "").strip()]
    assert not undocumented, f"{name}: public classes without a docstring: {undocumented}"


@pytest.mark.parametrize("name", MODULES)
def test_docstring_examples_run(name, monkeypatch, tmp_path):
    mod = importlib.import_module(name)
    monkeypatch.chdir(tmp_path)
    os.environ.setdefault("MPLBACKEND", "Agg")
    finder = doctest.DocTestFinder(exclude_empty=True)
    runner = doctest.DocTestRunner(optionflags=doctest.ELLIPSIS | doctest.NORMALIZE_WHITESPACE)
    for test in finder.find(mod, mod.__name__):
        runner.run(test)
    result = runner.summarize(verbose=False)
    assert result.failed == 0, f"{result.failed} failing example(s) in {name}"
