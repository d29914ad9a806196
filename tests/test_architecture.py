"""The architecture rules of docs/architecture.md that import-linter does not check itself.

- An import inside a function is allowed only to keep start-up fast (``matchcore --help``, a
  light ``import matchcore.x``), and must say so in a comment on its line or the line above
  containing "start-up".
- No module is over 500 lines.
- Every exception class of matchcore is defined in ``matchcore/errors.py``.
"""
from __future__ import annotations

import ast
from pathlib import Path

import pytest

PACKAGE = Path(__file__).resolve().parent.parent / "matchcore"
PLUGINS = Path(__file__).resolve().parent.parent / "plugins"
MODULES = sorted(p for p in list(PACKAGE.rglob("*.py")) + list(PLUGINS.glob("*.py")))


def _inner_imports(path: Path):
    tree = ast.parse(path.read_text(encoding="utf-8"))
    lines = path.read_text(encoding="utf-8").splitlines()
    for node in ast.walk(tree):
        if isinstance(node, (ast.FunctionDef, ast.AsyncFunctionDef)):
            for inner in ast.walk(node):
                if isinstance(inner, (ast.Import, ast.ImportFrom)):
                    here = lines[inner.lineno - 1]
                    above = lines[inner.lineno - 2] if inner.lineno > 1 else ""
                    if "start-up" not in here and "start-up" not in above:
                        yield inner.lineno, here.strip()


@pytest.mark.parametrize("path", MODULES, ids=lambda p: str(p.relative_to(p.parents[1])))
def test_imports_inside_functions_say_why(path):
    bad = sorted(set(_inner_imports(path)))
    assert not bad, f"{path}: imports inside functions without a start-up comment: {bad}"


@pytest.mark.parametrize("path", MODULES, ids=lambda p: str(p.relative_to(p.parents[1])))
def test_modules_stay_under_500_lines(path):
    count = len(path.read_text(encoding="utf-8").splitlines())
    assert count <= 500, f"{path} has {count} lines"


def test_exceptions_live_in_errors_py():
    elsewhere = []
    for path in MODULES:
        if path.name == "errors.py":
            continue
        for node in ast.walk(ast.parse(path.read_text(encoding="utf-8"))):
            if isinstance(node, ast.ClassDef):
                bases = {getattr(b, "id", getattr(b, "attr", "")) for b in node.bases}
                if any(b.endswith(("Error", "Exception", "Failed", "Problem", "Unavailable")) for b in bases):
                    elsewhere.append(f"{path.name}:{node.name}")
    assert not elsewhere, f"exception classes outside errors.py: {elsewhere}"
