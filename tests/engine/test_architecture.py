"""The engine is the product's core and knows nothing of the web."""

from __future__ import annotations

import ast
from pathlib import Path

import pytest

ENGINE = Path(__file__).resolve().parents[2] / "engine"
WEB_MODULES = {"flask", "flask_wtf", "flask_login", "wtforms", "werkzeug", "jinja2", "web"}


def _imports(path: Path) -> set[str]:
    tree = ast.parse(path.read_text(), str(path))
    found = set()
    for node in ast.walk(tree):
        if isinstance(node, ast.Import):
            found.update(alias.name.split(".")[0] for alias in node.names)
        elif isinstance(node, ast.ImportFrom) and node.module and node.level == 0:
            found.add(node.module.split(".")[0])
    return found


@pytest.mark.parametrize("path", sorted(ENGINE.glob("**/*.py")), ids=lambda p: p.name)
def test_engine_module_imports_nothing_of_the_web(path: Path) -> None:
    assert not _imports(path) & WEB_MODULES


def test_the_scan_sees_imports() -> None:
    # Guard against a scan that could never fail: it must see a web import when there is one.
    assert "flask" in _imports(Path(__file__).resolve().parents[2] / "web" / "__init__.py")


def test_engine_never_names_request_objects() -> None:
    for path in ENGINE.glob("**/*.py"):
        tree = ast.parse(path.read_text(), str(path))
        names = {n.id for n in ast.walk(tree) if isinstance(n, ast.Name)}
        assert not names & {"request", "current_app", "abort", "redirect"}, path
