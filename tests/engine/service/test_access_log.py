"""The access log: each read of someone else's record writes exactly its rows (who, whose,
what, which door), a person's own reads write none, refused reads none, and no row holds
an answer. Admins read it per person; a person reads their own."""

from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path

import pytest
from sqlalchemy import select

from mentorflow.engine.definition.fields import FileField
from mentorflow.engine.errors import Forbidden, InvalidQuery, NotFound
from mentorflow.engine.records.store import AccessRead
from mentorflow.engine.rules.access import SYSTEM_ACTOR, Actor
from mentorflow.engine.service.access_log import PAGE_SIZE, through
from mentorflow.engine.service.answer_tables import TableFilters
from mentorflow.engine.service.workflow import Workflow
from tests.conftest import Clock, People
from tests.engine.service.test_forms import CONTRACT, PROGRAM, Pair, matched
from tests.support import sample_answers

SECRET = "Lead a budget meeting"  # an answer in the contract: never in the log


def rows(workflow: Workflow) -> list[tuple[object, ...]]:
    """Every log row, oldest first: reader, whose, what, door, form, submission, file."""
    with workflow.db.session() as session:
        found = session.scalars(select(AccessRead).order_by(AccessRead.id))
        return [
            (
                r.reader_id,
                r.subject_person_id,
                r.enrollment_id,
                r.what,
                r.door,
                r.form_id,
                r.submission_id,
                r.attachment_id,
            )
            for r in found
        ]


@pytest.fixture
def pair(workflow: Workflow, people: People) -> Pair:
    found = matched(workflow, people)
    workflow.submit(found.enrollment_id, "learning_contract", found.mentee, CONTRACT)
    return found


def _contract_id(workflow: Workflow, pair: Pair) -> str:
    page = workflow.enrollment_page(PROGRAM, pair.enrollment_id, pair.mentee)  # own: no row
    [slot] = [s for s in page.view.forms if s.form.id == "learning_contract"]
    return slot.entries[0].id


def test_an_enrollment_page_read_by_staff_writes_one_row(workflow: Workflow, pair: Pair) -> None:
    workflow.enrollment_page(PROGRAM, pair.enrollment_id, pair.coordinator)
    ada = pair.mentee.person_id
    assert rows(workflow) == [
        (
            pair.coordinator.person_id,
            ada,
            pair.enrollment_id,
            "enrollment",
            "page",
            None,
            None,
            None,
        )
    ]


def test_a_persons_own_reads_write_nothing(workflow: Workflow, pair: Pair) -> None:
    contract = _contract_id(workflow, pair)
    workflow.enrollment_page(PROGRAM, pair.enrollment_id, pair.mentee)
    workflow.form_page(PROGRAM, pair.enrollment_id, "learning_contract", pair.mentee)
    workflow.form_document(PROGRAM, pair.enrollment_id, "learning_contract", pair.mentee)
    assert contract and rows(workflow) == []


def test_refused_reads_write_nothing(workflow: Workflow, pair: Pair, people: People) -> None:
    eve = people.person("eve@example.gov", "Eve")
    with pytest.raises(NotFound):
        workflow.enrollment_page(PROGRAM, pair.enrollment_id, eve)
    with pytest.raises(NotFound):
        workflow.form_document(PROGRAM, pair.enrollment_id, "learning_contract", pair.mentor)
    assert rows(workflow) == []


def test_the_door_is_what_the_caller_says(workflow: Workflow, pair: Pair) -> None:
    with through("api"):
        workflow.enrollment_page(PROGRAM, pair.enrollment_id, pair.mentor)
    workflow.enrollment_page(PROGRAM, pair.enrollment_id, pair.mentor)
    assert [r[4] for r in rows(workflow)] == ["api", "page"]
    with pytest.raises(ValueError):
        with through("window"):
            pass


def test_a_printed_form_writes_one_row_per_entry(workflow: Workflow, pair: Pair) -> None:
    contract = _contract_id(workflow, pair)
    workflow.form_document(PROGRAM, pair.enrollment_id, "learning_contract", pair.coordinator)
    assert rows(workflow) == [
        (
            pair.coordinator.person_id,
            pair.mentee.person_id,
            pair.enrollment_id,
            "document",
            "page",
            "learning_contract",
            contract,
            None,
        )
    ]


def test_a_form_opened_with_someone_elses_answers_writes_a_row(
    workflow: Workflow, people: People
) -> None:
    pair = matched(workflow, people)
    # The mentor fills the pair's contract on Ada's enrollment, then opens it again.
    workflow.submit(pair.enrollment_id, "learning_contract", pair.mentor, CONTRACT)
    page = workflow.form_page(PROGRAM, pair.enrollment_id, "learning_contract", pair.mentor)
    assert page.stored is not None
    [row] = rows(workflow)
    assert row[:5] == (
        pair.mentor.person_id,
        pair.mentee.person_id,
        pair.enrollment_id,
        "submission",
        "page",
    )
    assert row[5] == "learning_contract" and row[6]


def test_the_answers_table_logs_each_row_shown_and_its_csv_each_row_written(
    workflow: Workflow, pair: Pair
) -> None:
    contract = _contract_id(workflow, pair)
    table = workflow.answers_table(PROGRAM, "learning_contract", pair.coordinator)
    assert [r.submission_id for r in table.rows] == [contract]
    with through("csv"):
        workflow.answers_csv(PROGRAM, "learning_contract", pair.coordinator, TableFilters())
    expected = (pair.coordinator.person_id, pair.mentee.person_id, pair.enrollment_id, "submission")
    assert [r[:4] for r in rows(workflow)] == [expected, expected]
    assert [(r[4], r[5], r[6]) for r in rows(workflow)] == [
        ("page", "learning_contract", contract),
        ("csv", "learning_contract", contract),
    ]


def test_an_export_logs_every_enrollment_as_the_command_line(
    workflow: Workflow, pair: Pair
) -> None:
    with through("export"):
        workflow.export_program(PROGRAM, SYSTEM_ACTOR)
    found = rows(workflow)
    assert sorted(r[2] for r in found) == sorted(
        e["id"] for e in workflow.export_program(PROGRAM, pair.coordinator).enrollments
    )
    assert {(r[0], r[3], r[4]) for r in found} == {(None, "enrollment", "export")}
    with workflow.db.session() as session:
        assert {r.reader for r in session.scalars(select(AccessRead))} >= {"command line"}


@dataclass
class Filed:
    workflow: Workflow
    olive: Actor
    coordinator: Actor
    enrollment_id: str
    file_id: str


@pytest.fixture
def filed(workflow: Workflow, people: People, clock: Clock, tmp_path: Path) -> Filed:
    """Olive, a mentor of the general program, applied with her resume attached."""
    keeper = Workflow(workflow.programs, workflow.db, clock=clock, uploads=tmp_path / "up")
    olive = people.person("olive@example.gov", "Olive Mentor")
    coordinator = people.person("cora@example.gov", "Cora", coordinates="general-mentoring")
    program = keeper.programs["general-mentoring"]
    form = program.apply_form("mentor")
    field = form.fields["resume"]
    assert isinstance(field, FileField)
    resume = keeper.keep_upload(field, b"%PDF-1.4 cv", "cv.pdf", olive)
    eligible = [program.roles["mentor"].eligibility.when]  # type: ignore[union-attr]
    answers = {**sample_answers(program, form, eligible, email=olive.email), "resume": resume}
    enrollment = keeper.apply("general-mentoring", "mentor", olive, answers)
    return Filed(keeper, olive, coordinator, enrollment.id, resume["id"])


def test_a_file_download_writes_a_file_row(filed: Filed) -> None:
    wf = filed.workflow
    assert wf.attachment("general-mentoring", filed.enrollment_id, filed.file_id, filed.olive)
    assert rows(wf) == []  # her own file
    found = wf.attachment(
        "general-mentoring", filed.enrollment_id, filed.file_id, filed.coordinator
    )
    assert found.data == b"%PDF-1.4 cv"
    assert rows(wf) == [
        (
            filed.coordinator.person_id,
            filed.olive.person_id,
            filed.enrollment_id,
            "file",
            "page",
            None,
            None,
            filed.file_id,
        )
    ]


def test_no_row_holds_an_answer(workflow: Workflow, pair: Pair) -> None:
    workflow.enrollment_page(PROGRAM, pair.enrollment_id, pair.coordinator)
    workflow.form_document(PROGRAM, pair.enrollment_id, "learning_contract", pair.coordinator)
    workflow.answers_csv(PROGRAM, "learning_contract", pair.coordinator, TableFilters())
    with workflow.db.session() as session:
        found = list(session.scalars(select(AccessRead)))
        assert len(found) == 3
        for row in found:
            values = [str(getattr(row, c.key)) for c in AccessRead.__table__.columns]
            assert not any(SECRET in v or "2026-09-01" in v for v in values)


# ---------------------------------------------------------------- reading the log


def test_admins_read_a_persons_log_by_email_or_id_newest_first(
    filed: Filed, people: People, clock: Clock
) -> None:
    wf = filed.workflow
    admin = people.person("ann@example.gov", "Ann Admin", admin=True)
    wf.attachment("general-mentoring", filed.enrollment_id, filed.file_id, filed.coordinator)
    clock.advance(days=0.01)
    with through("csv"):
        wf.answers_csv("general-mentoring", "mentor_application", filed.coordinator)
    log = wf.access_log_of("Olive@Example.gov", admin)
    assert (log.name, log.email, log.total) == ("Olive Mentor", "olive@example.gov", 2)
    assert [(e.reader, e.what, e.door) for e in log.entries] == [
        ("Cora", "submission", "csv"),
        ("Cora", "file", "page"),
    ]
    assert log.entries[1].label.endswith("the file cv.pdf")
    title = wf.programs["general-mentoring"].title
    assert log.entries[0].label == f"{title}: Mentor Application"
    assert all(e.may_open for e in log.entries)
    assert wf.access_log_of(filed.olive.person_id or "", admin) == log
    for who in ("nobody@example.gov", "nope", "ab\x00", "a" * 17, ""):
        with pytest.raises(NotFound):
            wf.access_log_of(who, admin)


def test_only_admins_read_another_persons_log(filed: Filed) -> None:
    for reader in (filed.coordinator, filed.olive):
        with pytest.raises(Forbidden):
            filed.workflow.access_log_of("olive@example.gov", reader)


def test_a_person_reads_who_opened_their_own_records(filed: Filed, people: People) -> None:
    wf = filed.workflow
    wf.enrollment_page("general-mentoring", filed.enrollment_id, filed.coordinator)
    wf.attachment("general-mentoring", filed.enrollment_id, filed.file_id, filed.coordinator)
    mine = wf.my_access_log(filed.olive)
    assert [(e.reader, e.what) for e in mine.entries] == [("Cora", "file"), ("Cora", "enrollment")]
    # Her enrollment is hers to open; a file in it is offered only where she may read it.
    assert [e.may_open for e in mine.entries] == [False, True]
    assert wf.my_access_log(filed.coordinator).entries == ()
    with pytest.raises(NotFound):
        wf.my_access_log(SYSTEM_ACTOR)


def test_the_log_is_paged(filed: Filed, clock: Clock) -> None:
    wf = filed.workflow
    for _ in range(PAGE_SIZE + 1):
        wf.enrollment_page("general-mentoring", filed.enrollment_id, filed.coordinator)
    first, second = wf.my_access_log(filed.olive), wf.my_access_log(filed.olive, page=2)
    assert (first.pages, len(first.entries), len(second.entries)) == (2, PAGE_SIZE, 1)
    with pytest.raises(InvalidQuery):
        wf.my_access_log(filed.olive, page=3)


def test_the_log_commits_unsynced_on_its_own_connection_only(
    workflow: Workflow, pair: Pair
) -> None:
    """The log's commit skips the disk sync (SQLite's `synchronous`, PostgreSQL's
    `synchronous_commit`); every other write keeps the database's own setting, so the
    connection goes back to the pool as it came."""
    setting = {
        "sqlite": "PRAGMA synchronous",
        "postgresql": "SHOW synchronous_commit",
    }[workflow.db.engine.dialect.name]
    with workflow.db.engine.connect() as connection:
        before = connection.exec_driver_sql(setting).scalar()
    workflow.enrollment_page(PROGRAM, pair.enrollment_id, pair.coordinator)
    assert len(rows(workflow)) == 1
    with workflow.db.engine.connect() as connection:
        assert connection.exec_driver_sql(setting).scalar() == before
    assert before in (2, "on")  # synced: FULL, or on
