"""The sandbox: its own database, a clock that moves, personas, and a definition read
again only when its file changes (kept running while the file is broken)."""

from __future__ import annotations

import datetime as dt
import os
from collections.abc import Iterator
from pathlib import Path

import pytest

from mentorflow.engine.errors import Forbidden, GuardsFailed
from mentorflow.engine.records.database import Database
from mentorflow.engine.sandbox.sandbox import Sandbox, SandboxError
from mentorflow.engine.service.workflow import Workflow
from tests.conftest import SMALL

START = dt.datetime(2026, 3, 2, 9, 0, tzinfo=dt.UTC)
# The small program's `close` step, taken by the engine itself once 30 days have passed.
AUTO_CLOSE = SMALL.read_text().replace(
    "by: [coordinator], requires: {min_days_in_state: 30}}",
    "auto: true, requires: {min_days_in_state: 30}}",
)


@pytest.fixture
def definition(tmp_path: Path) -> Path:
    path = tmp_path / "small.yaml"
    path.write_text(AUTO_CLOSE)
    return path


@pytest.fixture
def sandbox(definition: Path, tmp_path: Path) -> Iterator[Sandbox]:
    box = Sandbox(definition, folder=tmp_path / "box", start=START)
    yield box
    box.close()


def _save(path: Path, text: str) -> None:
    """Write and make sure the change is seen even within the file system's time grain."""
    before = path.stat().st_mtime_ns
    path.write_text(text)
    os.utime(path, ns=(before + 1_000_000_000, before + 1_000_000_000))


def _active_pair(box: Sandbox) -> None:
    ann, ben = box.add_persona("Ann", "mentee"), box.add_persona("Ben", "mentor")
    sue, cora = box.add_persona("Sue", "supervisor"), box.add_persona("Cora", "coordinator")
    box.apply(ann, {"years_of_service": 1})
    box.apply(ben)
    box.take(cora, "screen", ann)
    box.take(cora, "accept", ben)
    box.match(ann, ben)
    box.fill(ann, "learning_contract")
    for signer in (ann, ben, sue):
        box.sign(signer, "learning_contract", ann)
    box.take(cora, "start", ann)


def test_moving_the_clock_takes_automatic_steps_whose_time_has_come(sandbox: Sandbox) -> None:
    _active_pair(sandbox)
    ann = sandbox.personas["ann"]
    assert ann.enrollment_id is not None
    passed = sandbox.advance(29)
    assert sandbox.inspect(ann.enrollment_id).enrollment.state == "active"
    assert passed.steps == ()
    passed = sandbox.advance(2)
    assert [(s.before, s.after) for s in passed.steps] == [("active", "closed")]
    assert sandbox.inspect(ann.enrollment_id).enrollment.state == "closed"
    assert sandbox.clock.today() == START.date() + dt.timedelta(days=31)


def test_moving_the_clock_queues_reminders_day_by_day(sandbox: Sandbox) -> None:
    _active_pair(sandbox)
    _save(sandbox.path, SMALL.read_text())  # no automatic close: the pair stays active
    assert sandbox.refresh()
    passed = sandbox.advance(61)
    # Once at 30 days without a check-in, again at 60: as a daily run would, not once.
    texts = [o.text for o in passed.reminders]
    assert texts == ["No check-in for 30 days.", "No check-in for 30 days."]


def test_the_clock_never_moves_back(sandbox: Sandbox) -> None:
    with pytest.raises(SandboxError):
        sandbox.advance(-1)


def test_a_changed_file_is_read_again_and_keeps_the_records(sandbox: Sandbox) -> None:
    ann = sandbox.add_persona("Ann", "mentee")
    sandbox.apply(ann, {"years_of_service": 1})
    version = sandbox.version
    assert not sandbox.refresh()  # nothing changed: nothing read
    _save(sandbox.path, AUTO_CLOSE.replace("title: ", "title: Renamed ", 1))
    assert sandbox.refresh()
    assert sandbox.version == version + 1
    assert sandbox.ready.title.startswith("Renamed ")
    assert ann.enrollment_id is not None
    assert sandbox.inspect(ann.enrollment_id).enrollment.state == "applied"
    assert sandbox.notes == []


def test_a_broken_file_shows_its_problems_and_keeps_the_last_good_program(
    sandbox: Sandbox,
) -> None:
    good = sandbox.ready
    broken = AUTO_CLOSE.replace("to: screened, by: [coordinator]", "to: nowhere, by: [coordinator]")
    _save(sandbox.path, broken)
    assert sandbox.refresh()
    line = broken.splitlines().index(next(x for x in broken.splitlines() if "to: nowhere" in x)) + 1
    assert [p.line for p in sandbox.problems] == [line]
    assert "nowhere" in sandbox.problems[0].message
    assert sandbox.ready is good
    _save(sandbox.path, AUTO_CLOSE)
    assert sandbox.refresh()
    assert sandbox.problems == ()


def test_a_change_that_strands_records_starts_the_sandbox_over(sandbox: Sandbox) -> None:
    ann = sandbox.add_persona("Ann", "mentee")
    cora = sandbox.add_persona("Cora", "coordinator")
    sandbox.apply(ann, {"years_of_service": 1})
    sandbox.take(cora, "screen", ann)
    # `screened` renamed: Ann's enrollment would be in a state that no longer exists.
    _save(sandbox.path, AUTO_CLOSE.replace("screened", "vetted"))
    assert sandbox.refresh()
    assert sandbox.personas == {}
    assert len(sandbox.notes) == 1 and "started over" in sandbox.notes[0]
    fresh = sandbox.add_persona("Ann", "mentee")
    assert fresh.enrollment_id is None


def test_a_refused_step_says_why(sandbox: Sandbox) -> None:
    _active_pair(sandbox)
    sandbox_text = SMALL.read_text()
    _save(sandbox.path, sandbox_text)
    sandbox.refresh()
    with pytest.raises(GuardsFailed, match="30 days"):
        sandbox.take(sandbox.personas["cora"], "close", sandbox.personas["ann"])


def test_only_a_sandboxed_service_makes_personas(db: Database, programs: dict) -> None:
    live = Workflow(programs, db)
    with pytest.raises(Forbidden):
        live.make_persona("someone@example.gov", "Someone", admin=True)


def test_the_sandbox_never_opens_the_configured_database(
    definition: Path, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    live = tmp_path / "live.db"
    monkeypatch.setenv("MENTORFLOW_DATABASE_URL", f"sqlite:///{live}")
    box = Sandbox(definition)
    try:
        box.add_cast()
        assert box.database_url.startswith("sqlite:///")
        assert str(box.folder) in box.database_url
    finally:
        box.close()
    assert not live.exists()
    assert not box.folder.exists()  # its own temporary folder goes when it closes


def test_each_step_is_offered_to_whoever_the_engine_lets_take_it(sandbox: Sandbox) -> None:
    ann = sandbox.add_persona("Ann", "mentee")
    sandbox.add_persona("Cora", "coordinator")
    sandbox.apply(ann, {"years_of_service": 1})
    assert ann.enrollment_id is not None
    takers = sandbox.takers(ann.enrollment_id, ann)
    # Screening is the coordinator's; the sandbox's own admin, who sees every step, is
    # nobody's choice.
    assert takers["screen"] == "cora"
    assert "ann" not in {takers[t] for t in ("screen", "decline")}
