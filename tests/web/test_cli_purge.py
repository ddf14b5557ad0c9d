"""`mentorflow purge [--dry-run]`: a dry run lists what the schedule says and changes
nothing; a run removes it, logs it, and a second run finds nothing left to do."""

from __future__ import annotations

import datetime as dt
import json
import zipfile
from pathlib import Path

import pytest
from click.testing import CliRunner
from sqlalchemy import func, select

from mentorflow import engine
from mentorflow.engine.records.store import Enrollment, PurgeLogEntry, utcnow
from mentorflow.engine.service.workflow import Workflow
from mentorflow.web.cli import main
from tests.conftest import ROOT, Clock, People
from tests.engine.service.test_retention import DELETING
from tests.support import make_cast, state_since, walk_to

GENERAL = "general-mentoring"


@pytest.fixture
def ended(
    workflow: Workflow,
    people: People,
    clock: Clock,
    tmp_path: Path,
    monkeypatch: pytest.MonkeyPatch,
) -> tuple[str, str]:
    """Two mentees of a program that deletes mentees six months after they end: one
    declined seven months ago, one still open (the command runs on the real clock)."""
    definitions = tmp_path / "definitions"
    definitions.mkdir()
    (definitions / "deleting.yaml").write_text(DELETING)
    monkeypatch.setenv("MENTORFLOW_DATABASE_URL", workflow.db.url)
    monkeypatch.setenv("MENTORFLOW_DEFINITIONS", str(definitions))
    monkeypatch.setenv("MENTORFLOW_UPLOADS", str(tmp_path / "uploads"))
    program = engine.load_text(DELETING, "deleting.yaml")
    service = workflow.with_programs({program.id: program})
    clock.now = utcnow() - dt.timedelta(days=214)
    cast = make_cast(people, program)
    gone = walk_to(service, program, "mentee", "declined", people=people, clock=clock, cast=cast)
    kept = walk_to(service, program, "mentee", "screened", people=people, clock=clock, cast=cast)
    return gone.enrollment_id, kept.enrollment_id


def _run(*args: str) -> tuple[int, str, str]:
    result = CliRunner().invoke(main, list(args))
    assert "Traceback" not in result.stderr
    return result.exit_code, result.stdout, result.stderr


def _count(workflow: Workflow, model: type) -> int:
    with workflow.db.session() as session:
        return int(session.scalar(select(func.count()).select_from(model)) or 0)


def test_dry_run_lists_and_changes_nothing_then_purge_removes(
    workflow: Workflow, ended: tuple[str, str]
) -> None:
    gone, kept = ended
    enrollments = _count(workflow, Enrollment)
    code, out, err = _run("purge", "--dry-run")
    assert code == 0, err
    assert f"small-program: enrollment {gone} (mentee), the whole record: would delete" in out
    assert kept not in out
    assert "1 retention actions due (dry run: nothing written)." in out
    assert _count(workflow, Enrollment) == enrollments and _count(workflow, PurgeLogEntry) == 0

    code, out, err = _run("purge")
    assert code == 0, err
    assert f"enrollment {gone} (mentee), the whole record: deleted" in out
    assert "1 retention actions done, each logged." in out
    with workflow.db.session() as session:
        assert session.get(Enrollment, gone) is None and session.get(Enrollment, kept)
        (log,) = session.scalars(select(PurgeLogEntry)).all()
        assert (log.enrollment_id, log.rule, log.action) == (gone, "role mentee", "delete")
        assert log.rows > 1 and log.files == 0

    code, out, err = _run("purge", "--dry-run")
    assert code == 0 and "0 retention actions due" in out


def test_purge_on_a_broken_database_is_one_sentence(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    definitions = tmp_path / "definitions"
    definitions.mkdir()
    (definitions / "deleting.yaml").write_text(DELETING)
    monkeypatch.setenv("MENTORFLOW_DEFINITIONS", str(definitions))
    monkeypatch.setenv(
        "MENTORFLOW_DATABASE_URL", "postgresql+psycopg://someone:secret@127.0.0.1:9/nowhere"
    )
    code, _, err = _run("purge")
    assert code == 1 and err.startswith("mentorflow: ") and err.count("\n") == 1


def test_person_export_and_erase(
    workflow: Workflow, ended: tuple[str, str], tmp_path: Path
) -> None:
    gone, kept = ended
    with workflow.db.session() as session:
        found = session.get(Enrollment, kept)
        assert found is not None
        email = found.person.email
    out = tmp_path / "person.zip"
    code, said, err = _run("person", "export", email, "--out", str(out))
    assert code == 0, err
    with zipfile.ZipFile(out) as archive:
        records = json.loads(archive.read("records.json"))
    assert [e["id"] for e in records["enrollments"]] == [kept]

    code, said, err = _run("person", "erase", email)
    assert code == 0, err
    assert f"1 enrollments of {email} anonymised." in said and "forgotten" in said
    code, _, err = _run("person", "export", email, "--out", str(out))
    assert code == 1 and err == "mentorflow: There is nobody with that e-mail address.\n"


def test_the_example_schedule_through_the_command_keeps_the_reports(
    workflow: Workflow,
    people: People,
    clock: Clock,
    tmp_path: Path,
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    """The general example anonymises a mentee 36 months after the end: the command lists
    and does it on the example definitions, and the program's reports do not move."""
    monkeypatch.setenv("MENTORFLOW_DATABASE_URL", workflow.db.url)
    monkeypatch.setenv("MENTORFLOW_DEFINITIONS", str(ROOT / "definitions"))
    monkeypatch.setenv("MENTORFLOW_UPLOADS", str(tmp_path / "uploads"))
    program = workflow.programs[GENERAL]
    clock.now = utcnow() - dt.timedelta(days=50 * 31)  # the walk itself takes months
    cast = make_cast(people, program)
    done = walk_to(workflow, program, "mentee", "completed", people=people, clock=clock, cast=cast)
    assert state_since(workflow, done.enrollment_id) < utcnow() - dt.timedelta(days=37 * 31)
    clock.now = utcnow()
    before = workflow.reports(GENERAL, cast.coordinator)

    code, out, err = _run("purge", "--dry-run")
    assert code == 0, err
    assert (
        f"{GENERAL}: enrollment {done.enrollment_id} (mentee), the whole record: would anonymise"
        in out
    )
    code, out, err = _run("purge")
    assert code == 0, err
    assert f"enrollment {done.enrollment_id} (mentee), the whole record: anonymised" in out
    with workflow.db.session() as session:
        found = session.get(Enrollment, done.enrollment_id)
        assert found is not None and found.person.name == "Anonymised"
    assert workflow.reports(GENERAL, cast.coordinator) == before
