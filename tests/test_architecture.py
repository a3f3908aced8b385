"""The shape of the package: no cycles, no hidden imports, steps apart from presentation, small files.

The package is read with ``ast`` (nothing is imported, except for the public-name check):

- an import of one of the package's own modules inside a function body hides a
  dependency, and is refused (``if TYPE_CHECKING:`` blocks aside);
- the graph of module-level imports between the package's modules has no cycle;
- the steps (``inventory``, ``measures``, ``evaluation``, ``strategy``) never
  import presentation (``charts``, ``maps``, ``widgets``, ``report``, ``style``,
  ``layout``, ``label_placement``);
- no source file is over 1,200 lines, no function body over 120 (data literals aside);
- every public name listed in ``tests/data/public_api.txt`` still resolves.
"""

from __future__ import annotations

import ast
import importlib
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[1]
PACKAGE = ROOT / "src" / "diagnostic_lib"
STEPS = ("inventory", "measures", "evaluation", "strategy", "monitoring", "followup")
PRESENTATION = ("charts", "maps", "widgets", "report", "style", "layout", "label_placement")
MAX_FILE_LINES = 1200
MAX_FUNCTION_LINES = 120


def _module_name(path: Path) -> str:
    rel = path.relative_to(PACKAGE.parent).with_suffix("")
    parts = list(rel.parts)
    if parts[-1] == "__init__":
        parts.pop()
    return ".".join(parts)


SOURCES = {_module_name(p): p for p in sorted(PACKAGE.rglob("*.py"))}


def _is_package(name: str) -> bool:
    return SOURCES[name].name == "__init__.py"


def _resolve(module: str, node: ast.ImportFrom | ast.Import) -> list[str]:
    """The package's own modules that an import statement names."""
    if isinstance(node, ast.Import):
        return [a.name for a in node.names if a.name.split(".")[0] == "diagnostic_lib"]
    if node.level == 0:
        base = node.module or ""
        if base.split(".")[0] != "diagnostic_lib":
            return []
    else:
        pkg = module if _is_package(module) else module.rsplit(".", 1)[0]
        parts = pkg.split(".")
        parts = parts[: len(parts) - (node.level - 1)]
        base = ".".join(parts + ([node.module] if node.module else []))
    out = []
    for alias in node.names:
        candidate = f"{base}.{alias.name}"
        out.append(candidate if candidate in SOURCES else base)
    return out


def _type_checking_blocks(tree: ast.AST) -> set[int]:
    ids: set[int] = set()
    for node in ast.walk(tree):
        if isinstance(node, ast.If) and "TYPE_CHECKING" in ast.unparse(node.test):
            ids.update(id(n) for b in node.body for n in ast.walk(b))
    return ids


def _imports(module: str) -> tuple[set[str], list[tuple[str, int, str]]]:
    """(module-level own imports, own imports inside functions as (function, line, target))."""
    tree = ast.parse(SOURCES[module].read_text(encoding="utf-8"))
    skip = _type_checking_blocks(tree)
    top: set[str] = set()
    inner: list[tuple[str, int, str]] = []
    functions = [
        n for n in ast.walk(tree) if isinstance(n, (ast.FunctionDef, ast.AsyncFunctionDef))
    ]
    in_function: dict[int, str] = {}
    for fn in functions:
        for n in ast.walk(fn):
            if n is not fn:
                in_function.setdefault(id(n), fn.name)
    for node in ast.walk(tree):
        if not isinstance(node, (ast.Import, ast.ImportFrom)) or id(node) in skip:
            continue
        targets = [t for t in _resolve(module, node) if t in SOURCES and t != module]
        if id(node) in in_function:
            inner += [(in_function[id(node)], node.lineno, t) for t in targets]
        else:
            top.update(targets)
    return top, inner


GRAPH = {m: _imports(m)[0] for m in SOURCES}


def _cycles(graph: dict[str, set[str]]) -> list[list[str]]:
    """Strongly connected components of more than one module (Tarjan)."""
    index: dict[str, int] = {}
    low: dict[str, int] = {}
    stack: list[str] = []
    on_stack: set[str] = set()
    out: list[list[str]] = []
    counter = [0]

    def visit(v: str) -> None:
        index[v] = low[v] = counter[0]
        counter[0] += 1
        stack.append(v)
        on_stack.add(v)
        for w in graph.get(v, ()):
            if w not in index:
                visit(w)
                low[v] = min(low[v], low[w])
            elif w in on_stack:
                low[v] = min(low[v], index[w])
        if low[v] == index[v]:
            comp = []
            while True:
                w = stack.pop()
                on_stack.discard(w)
                comp.append(w)
                if w == v:
                    break
            if len(comp) > 1 or v in graph.get(v, ()):
                out.append(sorted(comp))

    for v in sorted(graph):
        if v not in index:
            visit(v)
    return out


def test_the_cycle_finder_finds_cycles():
    assert _cycles({"a": {"b"}, "b": {"c"}, "c": {"a"}, "d": {"a"}}) == [["a", "b", "c"]]
    assert _cycles({"a": {"b"}, "b": set()}) == []


def test_no_import_cycles():
    # A package's __init__ re-exports its submodules; a submodule importing its own
    # package (``from . import x`` where x is defined in __init__) would close a cycle.
    cycles = _cycles(GRAPH)
    assert not cycles, f"import cycles between the package's modules: {cycles}"


@pytest.mark.parametrize("module", sorted(SOURCES))
def test_no_own_import_inside_functions(module):
    inner = _imports(module)[1]
    assert not inner, f"{module}: own-package imports inside functions: {inner}"


def _top(module: str) -> str:
    parts = module.split(".")
    return parts[1] if len(parts) > 1 else ""


@pytest.mark.parametrize("step", STEPS)
def test_steps_never_import_presentation(step):
    bad = sorted(
        (m, t)
        for m, targets in GRAPH.items()
        if _top(m) == step
        for t in targets
        if _top(t) in PRESENTATION
    )
    assert not bad, f"{step} imports presentation: {bad}"


@pytest.mark.parametrize("module", sorted(SOURCES))
def test_file_size(module):
    n = len(SOURCES[module].read_text(encoding="utf-8").splitlines())
    assert n <= MAX_FILE_LINES, f"{module}: {n} lines (max {MAX_FILE_LINES})"


def _is_data_literal(stmt: ast.stmt) -> bool:
    value = getattr(stmt, "value", None)
    if not isinstance(stmt, (ast.Assign, ast.AnnAssign, ast.Return, ast.Expr)) or value is None:
        return False
    if not isinstance(value, (ast.Dict, ast.List, ast.Tuple, ast.Set, ast.Constant)):
        return False
    try:
        ast.literal_eval(value)
    except ValueError:
        return False
    return True


def _body_lines(fn: ast.FunctionDef | ast.AsyncFunctionDef) -> int:
    body = list(fn.body)
    if body and isinstance(body[0], ast.Expr) and isinstance(body[0].value, ast.Constant):
        body = body[1:]  # the docstring
    lines: set[int] = set()
    for stmt in body:
        if not _is_data_literal(stmt):
            lines.update(range(stmt.lineno, (stmt.end_lineno or stmt.lineno) + 1))
    for stmt in body:
        if _is_data_literal(stmt):
            lines.difference_update(range(stmt.lineno, (stmt.end_lineno or stmt.lineno) + 1))
    return len(lines)


def test_function_length_counter():
    src = "def f():\n    '''doc\n    more'''\n    x = {\n        'a': 1,\n    }\n    return x\n"
    fn = ast.parse(src).body[0]
    assert _body_lines(fn) == 1


@pytest.mark.parametrize("module", sorted(SOURCES))
def test_function_size(module):
    tree = ast.parse(SOURCES[module].read_text(encoding="utf-8"))
    long = [
        (n.name, n.lineno, _body_lines(n))
        for n in ast.walk(tree)
        if isinstance(n, (ast.FunctionDef, ast.AsyncFunctionDef))
        and _body_lines(n) > MAX_FUNCTION_LINES
    ]
    assert not long, f"{module}: function bodies over {MAX_FUNCTION_LINES} lines: {long}"


def _public_names() -> list[tuple[str, str]]:
    text = (ROOT / "tests" / "data" / "public_api.txt").read_text(encoding="utf-8")
    rows = [line.split(":") for line in text.splitlines() if line and not line.startswith("#")]
    return [(m, n) for m, n in rows]


@pytest.mark.parametrize("module", sorted({m for m, _ in _public_names()}))
def test_public_names_resolve_at_their_old_address(module):
    mod = importlib.import_module(module)
    missing = [n for m, n in _public_names() if m == module and not hasattr(mod, n)]
    assert not missing, f"{module}: names that no longer resolve: {missing}"
