"""The architecture, as tests that fail when a door into the engine is opened again.

- The engine knows nothing of the web.
- Nothing outside the engine opens the database: no SQLAlchemy, no Alembic, no records;
  pages and commands reach the engine through its service (and read definitions), never
  its rules, so they cannot re-check one.
- The engine's packages are layered: definition < records < rules < figures < service <
  sandbox.
- No import loop anywhere in the project.

Each check is also run on a made-up tree that breaks it (`test_the_checks_catch_*`), so
none of them can pass by seeing nothing.
"""

from __future__ import annotations

import ast
from pathlib import Path

import pytest

from tests.architecture import ROOT, cycles, graph, modules, violations

WEB_LIBRARIES = ("flask", "flask_wtf", "flask_login", "wtforms", "werkzeug", "jinja2", "click")
DATABASE = ("sqlalchemy", "alembic", "mentorflow.engine.records")
BEHIND_THE_SERVICE = (*DATABASE, "mentorflow.engine.rules")
# What pages and commands may not touch on the service: its database and sessions, the
# records it loads for itself, and the rules it applies.
SERVICE_INSIDES = {"db", "session", "transaction", "reading", "record"}
RULES = {"may_take", "may_fill", "may_read", "signing_roles", "relations", "blocked_reasons"}
# Each engine package, and what it must never import (the layers above it).
LAYERS = {
    "mentorflow.engine.definition": ("records", "rules", "figures", "service", "sandbox"),
    "mentorflow.engine.records": ("rules", "figures", "service", "sandbox"),
    "mentorflow.engine.rules": ("figures", "service", "sandbox"),
    "mentorflow.engine.figures": ("service", "sandbox"),
    "mentorflow.engine.service": ("sandbox",),
}


@pytest.fixture(scope="module")
def edges() -> dict:
    return graph(modules())


def test_the_engine_imports_nothing_of_the_web(edges: dict) -> None:
    assert violations(edges, "mentorflow.engine", [*WEB_LIBRARIES, "mentorflow.web"]) == []


def test_nothing_outside_the_engine_opens_the_database_or_applies_a_rule(edges: dict) -> None:
    assert violations(edges, "mentorflow.web", BEHIND_THE_SERVICE) == []


@pytest.mark.parametrize(
    "path", sorted((ROOT / "web").rglob("*.py")), ids=lambda p: str(p.relative_to(ROOT))
)
def test_pages_and_commands_use_no_session_record_or_rule(path: Path) -> None:
    assert sorted(insides_used(path.read_text())) == []


def insides_used(source: str) -> set[str]:
    """Attributes of the service's insides and names of rules that a module uses."""
    tree = ast.parse(source)
    attributes = {n.attr for n in ast.walk(tree) if isinstance(n, ast.Attribute)}
    names = {n.id for n in ast.walk(tree) if isinstance(n, ast.Name)}
    return (attributes & SERVICE_INSIDES) | (names & RULES)


@pytest.mark.parametrize("package", sorted(LAYERS))
def test_engine_packages_import_only_the_layers_below(edges: dict, package: str) -> None:
    above = [f"mentorflow.engine.{name}" for name in LAYERS[package]]
    assert violations(edges, package, above) == []


def test_no_import_loop_anywhere(edges: dict) -> None:
    assert cycles(edges) == []


def test_the_engine_never_names_request_objects() -> None:
    for path in (ROOT / "engine").rglob("*.py"):
        tree = ast.parse(path.read_text(), str(path))
        names = {n.id for n in ast.walk(tree) if isinstance(n, ast.Name)}
        assert not names & {"request", "current_app", "abort", "redirect"}, path


def test_the_graph_sees_the_whole_project(edges: dict) -> None:
    # A scan that found no modules, or no imports, would pass every test above.
    assert {"mentorflow.engine.service.workflow", "mentorflow.web.participant"} <= set(edges)
    assert any(e.target == "flask" for e in edges["mentorflow.web.participant"])
    relative = edges["mentorflow.engine.service.core"]
    assert any(e.target == "mentorflow.engine.rules.access" for e in relative)


# ---------------------------------------------------------------- the tests of the tests


def _tree(tmp_path: Path, files: dict[str, str]) -> dict:
    for name, text in files.items():
        path = tmp_path / name
        path.parent.mkdir(parents=True, exist_ok=True)
        path.write_text(text)
    return graph(modules(tmp_path, {"engine": "mentorflow.engine", "web": "mentorflow.web"}))


def test_the_checks_catch_a_loop(tmp_path: Path) -> None:
    edges = _tree(
        tmp_path,
        {
            "engine/__init__.py": "",
            "engine/service/__init__.py": "",
            "engine/service/a.py": "from .b import x\n",
            "engine/service/b.py": "def f():\n    from mentorflow.engine.service import a\n",
            "web/__init__.py": "from mentorflow.web import c\n",
            "web/c.py": "",
        },
    )
    assert cycles(edges) == [["mentorflow.engine.service.a", "mentorflow.engine.service.b"]]


def test_the_checks_catch_the_web_opening_the_database(tmp_path: Path) -> None:
    edges = _tree(
        tmp_path,
        {
            "engine/__init__.py": "",
            "engine/records/__init__.py": "",
            "engine/records/store.py": "import sqlalchemy\n",
            "web/__init__.py": "",
            "web/pages.py": "from mentorflow.engine.records.store import Enrollment\n",
            "web/more.py": "def f():\n    from sqlalchemy import select\n",
        },
    )
    assert violations(edges, "mentorflow.web", DATABASE) == [
        "mentorflow.web.more:2 imports sqlalchemy",
        "mentorflow.web.pages:1 imports mentorflow.engine.records.store",
    ]


def test_the_checks_catch_a_page_reaching_past_the_service() -> None:
    page = "def view(wf, actor):\n    with wf.db.session() as s:\n        return may_take(t, r)\n"
    assert insides_used(page) == {"db", "session", "may_take"}
    assert insides_used("def view(wf, actor):\n    return wf.desk('p', actor)\n") == set()


def test_the_checks_catch_a_layer_imported_from_below(tmp_path: Path) -> None:
    edges = _tree(
        tmp_path,
        {
            "engine/__init__.py": "",
            "engine/definition/__init__.py": "",
            "engine/definition/program.py": "from ..service import workflow\n",
            "engine/service/__init__.py": "",
            "engine/service/workflow.py": "from ..definition.program import Program\n",
        },
    )
    assert violations(edges, "mentorflow.engine.definition", ["mentorflow.engine.service"]) == [
        "mentorflow.engine.definition.program:1 imports mentorflow.engine.service.workflow"
    ]
    assert violations(edges, "mentorflow.engine", ["flask"]) == []
