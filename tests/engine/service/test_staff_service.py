"""The service's staff calls: the staff right checked inside, plain immutable rows out,
names only of the program's own enrollments, and a failing database said in one
sentence."""

from __future__ import annotations

import dataclasses

import pytest
from sqlalchemy import event, text
from sqlalchemy.orm import Session

from mentorflow.engine.errors import (
    DatabaseFailed,
    Forbidden,
    InvalidAnswers,
    InvalidQuery,
    NotFound,
)
from mentorflow.engine.records.database import Database
from mentorflow.engine.records.store import Enrollment, Person
from mentorflow.engine.rules.access import SYSTEM_ACTOR, Actor
from mentorflow.engine.service.desk import DeskPage, PersonRow
from mentorflow.engine.service.workflow import Workflow
from tests.conftest import Clock, People
from tests.support import sample_answers

SMALL = "small-program"
ANSWERS = {
    "name": "Ada",
    "email": "ada@example.gov",
    "years_of_service": "1.5",
    "style": "hands_on",
    "interests": ["Writing"],
}


@pytest.fixture
def coordinator(people: People) -> Actor:
    return people.person("cora@example.gov", "Cora Coordinator", coordinates=SMALL)


def _plain(value: object) -> None:
    """Frozen dataclasses, tuples and plain values all the way down (no ORM objects)."""
    if dataclasses.is_dataclass(value):
        assert type(value).__dataclass_params__.frozen, type(value)  # type: ignore[attr-defined]
        for f in dataclasses.fields(value):
            if f.name != "program":  # the compiled, immutable definition
                _plain(getattr(value, f.name))
    elif isinstance(value, tuple | list):
        for item in value:
            _plain(item)
    else:
        assert value is None or type(value).__module__ in ("builtins", "datetime"), type(value)


def test_the_desk_is_plain_rows_for_staff_only(
    workflow: Workflow, people: People, coordinator: Actor
) -> None:
    ada = people.person("ada@example.gov", "Ada")
    enrollment = workflow.apply(SMALL, "mentee", ada, ANSWERS)
    page = workflow.desk(SMALL, coordinator, role="mentee")
    assert isinstance(page, DeskPage)
    _plain(dataclasses.replace(page, program=None))
    assert page.found == (
        PersonRow(enrollment.id, "Ada", "ada@example.gov", "mentee", "Mentee", "applied",
                  page.found[0].state_label, 0),
    )  # fmt: skip
    assert {b.role for b in page.bulk} == {"mentee"}
    with pytest.raises(Forbidden, match="may open its desk"):
        workflow.desk(SMALL, ada)
    other = people.person("otto@example.gov", coordinates="civil-engineers")
    with pytest.raises(Forbidden):
        workflow.outbox(SMALL, other)
    with pytest.raises(NotFound):
        workflow.reports("nope", coordinator)


def test_enrollments_after_a_cursor_list_each_once_for_staff_only(
    workflow: Workflow, people: People, coordinator: Actor
) -> None:
    made = set()
    for n in range(7):
        person = people.person(f"walker{n}@example.gov", f"Walker {n}")
        made.add(workflow.apply(SMALL, "mentee", person, {**ANSWERS, "email": person.email}).id)
    seen: list[str] = []
    after = None
    while True:
        page = workflow.enrollments_after(SMALL, coordinator, role="mentee", after=after, limit=3)
        _plain(page)
        seen += [row.enrollment_id for row in page.rows]
        if page.next_after is None:
            break
        assert len(page.rows) == 3
        if len(seen) == 3:  # one more applies during the walk: it comes at most once
            late = people.person("late@example.gov", "Late Walker")
            late_id = workflow.apply(SMALL, "mentee", late, {**ANSWERS, "email": late.email}).id
        after = page.next_after
    assert seen == sorted(seen) and len(seen) == len(set(seen))
    assert set(seen) - {late_id} == made  # every one there when the walk began, once
    found = workflow.enrollments_after(SMALL, coordinator, text="walker 3", limit=200)
    assert [row.name for row in found.rows] == ["Walker 3"]
    with pytest.raises(Forbidden):
        workflow.enrollments_after(SMALL, people.person("walker0@example.gov"))
    with pytest.raises(InvalidQuery):
        workflow.enrollments_after(SMALL, coordinator, limit=201)
    with pytest.raises(InvalidQuery):
        workflow.enrollments_after(SMALL, coordinator, state="nope")


def test_bulk_names_only_the_programs_enrollments(
    workflow: Workflow, people: People, coordinator: Actor, clock: Clock
) -> None:
    ada = people.person("ada@example.gov", "Ada")
    enrollment = workflow.apply(SMALL, "mentee", ada, ANSWERS)
    general = workflow.programs["general-mentoring"]
    ben = people.person("ben@example.gov", "Ben Elsewhere")
    answers = sample_answers(
        general, general.apply_form("mentee"), (), clock.now.date(), email=ben.email
    )
    elsewhere = workflow.apply(general.id, "mentee", ben, answers)
    outcomes = workflow.take_many(SMALL, [enrollment.id, elsewhere.id], "screen", coordinator)
    assert [(o.enrollment_id, o.name, o.done) for o in outcomes] == [
        (enrollment.id, "Ada", True),
        (elsewhere.id, elsewhere.id, False),  # another program's: not even its name
    ]
    assert outcomes[1].message == "There is no such enrollment."


def test_bulk_reads_nothing_of_another_program(
    workflow: Workflow, people: People, coordinator: Actor, clock: Clock
) -> None:
    """Another program's enrollment is refused in the words of one that does not exist,
    and not even loaded: nothing of it can reach the answer."""
    general = workflow.programs["general-mentoring"]
    ben = people.person("ben@example.gov", "Ben Elsewhere")
    answers = sample_answers(
        general, general.apply_form("mentee"), (), clock.now.date(), email=ben.email
    )
    elsewhere = workflow.apply(general.id, "mentee", ben, answers)
    loaded: list[str] = []

    def seen(_session: Session, instance: object) -> None:
        if isinstance(instance, Enrollment | Person) and instance.id in (
            elsewhere.id,
            ben.person_id,
        ):
            loaded.append(instance.id)

    event.listen(Session, "loaded_as_persistent", seen)
    try:
        outcomes = workflow.take_many(SMALL, [elsewhere.id, "no-such-id"], "screen", coordinator)
    finally:
        event.remove(Session, "loaded_as_persistent", seen)
    assert [(o.enrollment_id, o.name, o.done, o.message) for o in outcomes] == [
        (elsewhere.id, elsewhere.id, False, "There is no such enrollment."),
        ("no-such-id", "no-such-id", False, "There is no such enrollment."),
    ]
    assert loaded == []


def test_staff_are_managed_by_admins_and_the_system(
    workflow: Workflow, people: People, coordinator: Actor
) -> None:
    with pytest.raises(Forbidden, match="Only an admin may manage staff."):
        workflow.staff_list(coordinator)
    with pytest.raises(Forbidden):
        workflow.grant_staff(coordinator, "x@example.gov", "X", SMALL, None)
    with pytest.raises(InvalidAnswers) as refused:
        workflow.grant_staff(SYSTEM_ACTOR, "x@example.gov", "X", "nope", None)
    assert refused.value.errors == {"program": "Choose one of the programs."}
    said = workflow.grant_staff(SYSTEM_ACTOR, "x@example.gov", "X", SMALL, "long enough pw")
    assert said.startswith("x@example.gov is now a coordinator of ")
    admin = people.person("root@example.gov", admin=True)
    staff = {m.email: m for m in workflow.staff_list(admin)}
    assert staff["x@example.gov"].coordinates == (SMALL,)
    assert workflow.staff_actor("x@example.gov", SMALL).is_staff(SMALL)
    with pytest.raises(Exception, match="is not a coordinator of"):
        workflow.staff_actor("nobody@example.gov", SMALL)


def test_a_failing_database_is_one_sentence(
    workflow: Workflow, coordinator: Actor, db: Database
) -> None:
    with db.engine.begin() as connection:
        connection.execute(text("DROP TABLE outbox"))
    with pytest.raises(DatabaseFailed, match="^the database failed: ") as failed:
        workflow.outbox(SMALL, coordinator)
    assert "\n" not in str(failed.value) and "SELECT" not in str(failed.value)
