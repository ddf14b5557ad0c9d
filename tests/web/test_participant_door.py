"""The participant pages go through one door: they ask the service and render what it
answers. They open no database session, touch no record and re-check no rule."""

from __future__ import annotations

import ast
from pathlib import Path

import pytest

WEB = Path(__file__).resolve().parents[2] / "web"
PAGES = [WEB / "participant.py", WEB / "filling.py"]
ALLOWED = (
    "mentorflow.engine.service.",
    "mentorflow.engine.definition.",
    "mentorflow.engine.errors",
    "mentorflow.web.",
)


def _imports(path: Path) -> set[str]:
    found = set()
    for node in ast.walk(ast.parse(path.read_text(), str(path))):
        if isinstance(node, ast.Import):
            found.update(alias.name for alias in node.names)
        elif isinstance(node, ast.ImportFrom) and node.module and node.level == 0:
            found.add(node.module)
    return found


@pytest.mark.parametrize("path", PAGES, ids=lambda p: p.name)
def test_pages_import_the_service_and_definitions_only(path: Path) -> None:
    engine = {m for m in _imports(path) if m.split(".")[0] in ("mentorflow", "sqlalchemy")}
    assert engine, "the scan must see the engine imports"
    assert {m for m in engine if not m.startswith(ALLOWED)} == set()


@pytest.mark.parametrize("path", PAGES, ids=lambda p: p.name)
def test_pages_open_no_session_and_fetch_no_record(path: Path) -> None:
    tree = ast.parse(path.read_text(), str(path))
    used = {n.attr for n in ast.walk(tree) if isinstance(n, ast.Attribute)}
    assert not used & {"db", "session", "record", "transitions_for", "transition_for"}
    called = {n.id for n in ast.walk(tree) if isinstance(n, ast.Name)}
    assert not called & {"may_take", "may_fill", "may_read", "signing_roles", "relations"}
