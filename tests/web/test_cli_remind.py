"""`mentorflow remind [--dry-run]`: queues what is due and sends it; a second run queues
nothing; a dry run writes nothing; with MENTORFLOW_SMTP_URL the mail reaches a real SMTP
server on loopback."""

from __future__ import annotations

import datetime as dt
import shutil
import socket
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest
from aiosmtpd.controller import Controller
from click.testing import CliRunner
from sqlalchemy import select

from mentorflow.engine.definition.fields import FileField
from mentorflow.engine.records.store import OutboxMessage, utcnow
from mentorflow.engine.rules.access import Actor
from mentorflow.engine.service.workflow import Workflow
from mentorflow.web.cli import main
from tests.conftest import SMALL, Clock, People
from tests.engine.service.test_reminders import PROGRAM, make_active
from tests.support import state_of


@pytest.fixture
def active(
    workflow: Workflow,
    people: People,
    clock: Clock,
    tmp_path: Path,
    monkeypatch: pytest.MonkeyPatch,
) -> str:
    """A small-program mentee active for 45 days (the command runs on the real clock)."""
    definitions = tmp_path / "definitions"
    definitions.mkdir()
    shutil.copy(SMALL, definitions / SMALL.name)
    monkeypatch.setenv("MENTORFLOW_DATABASE_URL", workflow.db.url)
    monkeypatch.setenv("MENTORFLOW_DEFINITIONS", str(definitions))
    monkeypatch.delenv("MENTORFLOW_SMTP_URL", raising=False)
    # remind cleans the uploads folder: never the one of a checkout the tests run in
    monkeypatch.setenv("MENTORFLOW_UPLOADS", str(tmp_path / "uploads"))
    cast: dict[str, Actor] = {
        "mentee": people.person("ada@example.gov", "Ada Mentee"),
        "mentor": people.person("max@example.gov", "Max Mentor"),
        "coordinator": people.person("cora@example.gov", "Cora Coordinator", coordinates=PROGRAM),
        "supervisor": people.person("sam.super@example.gov", "Sam Super"),
    }
    clock.now = utcnow() - dt.timedelta(days=45)
    return make_active(workflow, cast)


def _run(*args: str) -> tuple[int, str, str]:
    result = CliRunner().invoke(main, list(args))
    assert "Traceback" not in result.stderr
    return result.exit_code, result.stdout, result.stderr


def _reminders(workflow: Workflow) -> list[OutboxMessage]:
    with workflow.db.session() as session:
        query = select(OutboxMessage).where(OutboxMessage.reason.like("reminder:%"))
        return list(session.scalars(query))


def test_remind_twice_queues_once(workflow: Workflow, active: str) -> None:
    code, out, err = _run("remind")
    assert code == 0, err
    assert "1 reminders due; 3 messages queued." in out
    assert "Ada Mentee (45 days in active): No check-in for 30 days." in out
    assert "the messages wait in the outbox" in out
    assert len(_reminders(workflow)) == 3

    code, out, err = _run("remind")
    assert code == 0, err
    assert "1 reminders due; 0 messages queued." in out
    assert "[already sent]" in out
    assert len(_reminders(workflow)) == 3


def test_a_dry_run_writes_nothing(workflow: Workflow, active: str) -> None:
    code, out, err = _run("remind", "--dry-run")
    assert code == 0, err
    assert "1 reminders due; 3 messages would be queued (dry run: nothing written)." in out
    assert _reminders(workflow) == []
    code, out, _ = _run("remind")
    assert code == 0 and "3 messages queued." in out


class Keeper:
    def __init__(self) -> None:
        self.to: list[str] = []

    async def handle_DATA(self, server: Any, session: Any, envelope: Any) -> str:
        self.to += envelope.rcpt_tos
        return "250 OK"


@pytest.fixture
def smtp(monkeypatch: pytest.MonkeyPatch) -> Iterator[Keeper]:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        port = s.getsockname()[1]
    keeper = Keeper()
    controller = Controller(keeper, hostname="127.0.0.1", port=port)
    controller.start()
    monkeypatch.setenv("MENTORFLOW_SMTP_URL", f"smtp://127.0.0.1:{port}")
    try:
        yield keeper
    finally:
        controller.stop()


def test_remind_sends_through_smtp_once(workflow: Workflow, active: str, smtp: Keeper) -> None:
    code, out, err = _run("remind")
    assert code == 0, err
    # The three reminders, the `notify` of `applied` queued when Ada applied, and the
    # requests to sign the learning contract Ada filled (to the mentor and the supervisor).
    assert "6 messages sent, 0 failed" in out
    assert sorted(smtp.to) == sorted(
        ["ada@example.gov", "max@example.gov", "cora@example.gov", "cora@example.gov"]
        + ["max@example.gov", "sam.super@example.gov"]
    )
    code, out, err = _run("remind")
    assert code == 0 and "0 messages sent, 0 failed" in out
    assert len(smtp.to) == 6
    assert all(m.sent_at is not None for m in _reminders(workflow))


def test_remind_removes_the_files_no_form_was_sent_with(
    workflow: Workflow,
    active: str,
    people: People,
    clock: Clock,
    tmp_path: Path,
) -> None:
    folder = tmp_path / "uploads"  # as `active` sets MENTORFLOW_UPLOADS
    keeper = Workflow(workflow.programs, workflow.db, clock=clock, uploads=folder)
    field = FileField(id="cv", label="CV", type="file", accept=["pdf"])
    ada = people.person("ada@example.gov")
    keeper.keep_upload(field, b"%PDF-1.4 old", "old.pdf", ada)  # 45 days ago
    clock.now = utcnow()
    keeper.keep_upload(field, b"%PDF-1.4 new", "new.pdf", ada)  # being fixed now

    code, out, err = _run("remind", "--dry-run")
    assert code == 0, err
    assert "removed" not in out
    assert len([p for p in folder.rglob("*") if p.is_file()]) == 2

    code, out, err = _run("remind")
    assert code == 0, err
    assert "1 unsent files removed (kept over a day with no form sent)." in out
    assert len([p for p in folder.rglob("*") if p.is_file()]) == 1

    code, out, err = _run("remind")
    assert "0 unsent files removed" in out


def test_remind_takes_the_automatic_steps_whose_time_has_come(
    workflow: Workflow, active: str, tmp_path: Path
) -> None:
    # The same program, its `close` now automatic after 30 days in `active`: the mentee
    # has been active 45 days and nothing else changes, so only the daily run can take it.
    definition = tmp_path / "definitions" / SMALL.name
    definition.write_text(
        SMALL.read_text().replace(
            "by: [coordinator], requires: {min_days_in_state: 30}}",
            "auto: true, requires: {min_days_in_state: 30}}",
        )
    )
    code, out, err = _run("remind", "--dry-run")
    assert code == 0, err
    assert state_of(workflow, active) == "active"  # a dry run moves nothing
    code, out, err = _run("remind")
    assert code == 0, err
    assert "small-program: automatic step active -> closed" in out
    assert state_of(workflow, active) == "closed"
    assert "0 reminders due" in out  # closed: no check-in is awaited any more
