"""`mentorflow validate` also reports records a new revision would strand in the database."""

from __future__ import annotations

from pathlib import Path

import pytest
from click.testing import CliRunner

from mentorflow.engine.records.database import Database
from mentorflow.engine.service.workflow import Workflow
from mentorflow.web.cli import main
from tests.conftest import SMALL, People

ANSWERS = {
    "name": "Ada",
    "email": "ada@example.gov",
    "years_of_service": "1.5",
    "style": "hands_on",
    "interests": ["Writing"],
}


def _run(*args: str) -> tuple[int, str, str]:
    result = CliRunner().invoke(main, list(args))
    return result.exit_code, result.stdout, result.stderr


@pytest.fixture
def folder(tmp_path: Path, db_url: str, monkeypatch: pytest.MonkeyPatch) -> Path:
    monkeypatch.setenv("MENTORFLOW_DATABASE_URL", db_url)
    defs = tmp_path / "defs"
    defs.mkdir()
    (defs / "small.yaml").write_text(SMALL.read_text())
    monkeypatch.setenv("MENTORFLOW_DEFINITIONS", str(defs))
    return defs


def test_a_revision_that_drops_a_state_in_use_is_refused(
    folder: Path, workflow: Workflow, people: People, db: Database
) -> None:
    workflow.apply("small-program", "mentee", people.person("ada@example.gov"), ANSWERS)
    assert _run("validate")[0] == 0
    revised = SMALL.read_text().replace("revision: 1", "revision: 2").replace("applied", "received")
    (folder / "small.yaml").write_text(revised)
    code, _, err = _run("validate")
    assert code == 1
    assert err.strip() == (
        f"{folder / 'small.yaml'}:96:5: lifecycles.mentee.states: 1 enrollment of mentees is "
        "in state 'applied', which revision 2 no longer has"
    )
    assert _run("validate", "--no-database")[0] == 0


def test_a_missing_database_is_not_created_by_validate(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setenv("MENTORFLOW_DATABASE_URL", f"sqlite:///{tmp_path}/none/here.db")
    code, _, _ = _run("validate", str(SMALL))
    assert code == 0
    assert not (tmp_path / "none").exists()
