"""The program feed: every application, transition, closure, submission, signature and
match written in the transaction of what it tells, by every door, read with a cursor."""

from __future__ import annotations

import threading
from typing import Any

import pytest
from sqlalchemy import func, select

from mentorflow.engine.errors import Forbidden, InvalidAnswers, InvalidQuery
from mentorflow.engine.records.database import Database
from mentorflow.engine.records.feed import FeedEntry
from mentorflow.engine.records.store import Base, Event, Pairing, Signature, Submission
from mentorflow.engine.rules.access import SYSTEM_ACTOR, Actor
from mentorflow.engine.service.events_feed import FeedItem
from mentorflow.engine.service.workflow import Workflow
from tests.conftest import Clock, People
from tests.engine.service.test_importer import csv_of, program, row, wf  # noqa: F401  (the import's fixtures)
from tests.engine.service.test_relationship_end import GENERAL, end_relationship


def _count(db: Database, model: type[Base]) -> int:
    with db.session() as session:
        return session.scalar(select(func.count()).select_from(model)) or 0


def _all(workflow: Workflow, actor: Actor, **kwargs: Any) -> list[FeedItem]:
    items: list[FeedItem] = []
    cursor = 0
    while True:
        page = workflow.events_feed(GENERAL, actor, after=cursor, **kwargs)
        items += page.items
        cursor = page.cursor
        if not page.more:
            return items


def test_a_relationship_from_application_to_early_closure_is_told_in_order(
    workflow: Workflow, people: People, clock: Clock
) -> None:
    ended = end_relationship(workflow, people, clock, "closed_early")
    items = _all(workflow, ended.coordinator)
    mine = [i for i in items if i.enrollment_id == ended.id]
    kinds = [i.kind for i in mine]
    assert kinds[0] == "application"
    assert kinds[-1] == "closure" and mine[-1].payload["transition"] == "close_early"
    assert "match" in kinds and kinds.index("match") < kinds.index("signature")
    assert {"transition", "submission", "signature"} <= set(kinds)
    # One entry per record told: every event of the history but amendments' own kind,
    # every submission, signature and pairing of the program.
    with workflow.db.session() as session:
        events = session.scalar(select(func.count()).select_from(Event)) or 0
    told = _count(workflow.db, Submission) + _count(workflow.db, Signature)
    told += _count(workflow.db, Pairing)
    # The application form's submission is told as the application itself.
    applications = sum(1 for i in items if i.kind == "application")
    assert len(items) == events + told - applications
    assert [i.id for i in items] == sorted(i.id for i in items)
    # Names records by id; never carries answers.
    signature = next(i for i in mine if i.kind == "signature")
    assert set(signature.payload) == {"form", "submission", "signed_as", "on_paper"}
    assert all("answers" not in i.payload for i in items)


def test_the_cursor_gives_each_entry_once_and_keeps_its_place(
    workflow: Workflow, people: People, clock: Clock
) -> None:
    ended = end_relationship(workflow, people, clock, "closed_early")
    everything = workflow.events_feed(GENERAL, ended.coordinator, limit=500).items
    pages = []
    cursor = None
    while True:
        page = workflow.events_feed(GENERAL, ended.coordinator, after=cursor, limit=3)
        pages.append(page.items)
        cursor = page.cursor
        if not page.more:
            break
    assert [i.id for p in pages for i in p] == [i.id for i in everything]
    last = workflow.events_feed(GENERAL, ended.coordinator, after=cursor)
    assert last.items == () and last.cursor == cursor and not last.more
    closures = workflow.events_feed(GENERAL, ended.coordinator, kinds=("closure",)).items
    assert [i.kind for i in closures] == ["closure"]


@pytest.mark.parametrize(
    ("limit", "after", "kinds"),
    [(0, None, ()), (501, None, ()), (10, -1, ()), (10, None, ("nonsense",))],
)
def test_a_bad_question_is_refused_in_words(
    workflow: Workflow, people: People, limit: int, after: int | None, kinds: tuple[str, ...]
) -> None:
    coordinator = people.person("cora@example.gov", coordinates=GENERAL)
    with pytest.raises(InvalidQuery):
        workflow.events_feed(GENERAL, coordinator, after=after, limit=limit, kinds=kinds)


def test_only_staff_read_the_feed(workflow: Workflow, people: People, clock: Clock) -> None:
    ended = end_relationship(workflow, people, clock, "closed_early")
    for who in (ended.mentee, ended.mentor, ended.supervisor):
        with pytest.raises(Forbidden):
            workflow.events_feed(GENERAL, who)
    admin = people.person("root@example.gov", admin=True)
    assert workflow.events_feed(GENERAL, admin).items


def test_a_write_rolled_back_tells_nothing(
    workflow: Workflow, people: People, clock: Clock
) -> None:
    ended = end_relationship(workflow, people, clock, "closed_early")
    before = _count(workflow.db, FeedEntry)
    with pytest.raises(InvalidAnswers):
        workflow.submit(ended.id, "mentee_evaluation", ended.mentee, {})
    with pytest.raises(RuntimeError), workflow.transaction() as session:
        session.add(Submission(enrollment_id=ended.id, form_id="check_in", revision=1, answers={}))
        session.flush()
        written = session.scalar(select(func.count()).select_from(FeedEntry))
        assert written == before + 1  # told inside the transaction ...
        raise RuntimeError("the rest of the write failed")
    assert _count(workflow.db, FeedEntry) == before  # ... and gone with it


def test_an_import_tells_each_application_and_placement(wf: Workflow) -> None:  # noqa: F811
    wf.import_applications(
        "small-program",
        "mentee",
        csv_of(row("ann@example.gov"), row("bo@example.gov", name="Bo Li")),
        actor=SYSTEM_ACTOR,
    )
    with wf.db.session() as session:
        entries = list(session.scalars(select(FeedEntry).order_by(FeedEntry.id)))
        events = list(session.scalars(select(Event).order_by(Event.id)))
    assert [e.kind for e in entries] == ["application", "application"]
    assert [e.enrollment_id for e in entries] == [e.enrollment_id for e in events]
    assert entries[0].payload["state"] == events[0].to_state


def test_on_postgresql_a_programs_entries_are_numbered_in_commit_order(
    workflow: Workflow, people: People, clock: Clock
) -> None:
    """A second write to the program waits for the first to commit before its entries
    are numbered, so a reader's cursor never passes an entry still to commit."""
    if workflow.db.engine.dialect.name != "postgresql":
        pytest.skip("SQLite has one writer at a time: commit order is write order there")
    ended = end_relationship(workflow, people, clock, "closed_early")
    second_done = threading.Event()

    def second_write() -> None:
        with workflow.transaction() as session:
            session.add(Submission(enrollment_id=ended.id, form_id="check_in", revision=1))
        second_done.set()

    with workflow.transaction() as session:
        session.add(Submission(enrollment_id=ended.id, form_id="check_in", revision=1))
        session.flush()
        first = session.scalar(select(func.max(FeedEntry.id)))
        other = threading.Thread(target=second_write)
        other.start()
        assert not second_done.wait(1.0), "the second write did not wait for the first"
    other.join(timeout=30)
    assert second_done.is_set()
    with workflow.db.session() as session:
        last = session.scalar(select(func.max(FeedEntry.id)))
    assert first is not None and last is not None and last > first
