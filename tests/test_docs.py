"""The documentation the code points to exists: methods sections, the package map."""

from __future__ import annotations

import re
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
SRC = ROOT / "src" / "diagnostic_lib"
METHODS = (ROOT / "docs" / "methods.md").read_text(encoding="utf-8")
HEADINGS = {m.strip() for m in re.findall(r"^#{2,4} (.+)$", METHODS, flags=re.M)}
CITATION = re.compile(r"docs/methods\.md,?\s+\*([^*]+)\*")


def _citations() -> list[tuple[str, str]]:
    out = []
    for path in sorted(SRC.rglob("*.py")):
        text = path.read_text(encoding="utf-8")
        for m in CITATION.finditer(text):
            section = " ".join(m.group(1).replace("#", "").split())
            out.append((str(path.relative_to(ROOT)), section))
    return out


def test_the_code_cites_the_methods_document():
    assert len(_citations()) >= 10


def test_every_cited_section_of_the_methods_document_exists():
    missing = sorted({(f, s) for f, s in _citations() if s not in HEADINGS})
    assert not missing, f"docs/methods.md has no section for: {missing}"


def test_no_code_cites_files_outside_the_repository():
    bad = [
        str(p.relative_to(ROOT))
        for p in SRC.rglob("*.py")
        if re.search(r"FORMULAS\.md|METHOD\.md|\.\./shared", p.read_text(encoding="utf-8"))
    ]
    assert not bad, f"code citing files that are not in the repository: {bad}"


def _package_map():
    import importlib.util

    spec = importlib.util.spec_from_file_location("package_map", ROOT / "docs" / "package_map.py")
    mod = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(mod)
    return mod


def test_every_module_says_what_it_holds():
    empty = [name for name, summary in _package_map().modules() if not summary]
    assert not empty, f"modules without a docstring: {empty}"


def test_the_package_map_is_up_to_date():
    pm = _package_map()
    stale = "run `python docs/package_map.py`"
    assert (ROOT / "docs" / "package-map.md").read_text(encoding="utf-8") == pm.document(), stale
    readme = (ROOT / "README.md").read_text(encoding="utf-8")
    assert pm.readme_section(readme) == readme, stale
