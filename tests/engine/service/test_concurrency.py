"""Two coordinators press the same button: exactly one wins, nothing is half-written."""

from __future__ import annotations

import threading

import pytest
from sqlalchemy import func, select

from mentorflow.engine.errors import Conflict
from mentorflow.engine.records.store import Enrollment, Event
from mentorflow.engine.service.workflow import Workflow
from tests.conftest import People

ANSWERS = {
    "name": "Ada Mentee",
    "email": "ada@example.gov",
    "years_of_service": "1.5",
    "interests": ["Leadership"],
    "style": "hands_on",
}
THREADS = 12


@pytest.mark.parametrize("send_version", [True, False], ids=["with-version", "plain-race"])
def test_many_threads_take_the_same_transition_once(
    workflow: Workflow, people: People, send_version: bool
) -> None:
    mentee = workflow.apply("small-program", "mentee", people.person("ada@example.gov"), ANSWERS)
    coordinators = [
        people.person(f"c{i}@example.gov", coordinates="small-program") for i in range(THREADS)
    ]
    start = threading.Barrier(THREADS)
    outcomes: list[str] = []
    lock = threading.Lock()

    def press(i: int) -> None:
        start.wait()
        try:
            version = mentee.version if send_version else None
            workflow.take(mentee.id, "decline", coordinators[i], expected_version=version)
            result = "won"
        except Conflict as exc:
            result = type(exc).__name__
        with lock:
            outcomes.append(result)

    threads = [threading.Thread(target=press, args=(i,)) for i in range(THREADS)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(timeout=60)
    assert outcomes.count("won") == 1, outcomes
    assert len(outcomes) == THREADS  # every loser was told, none crashed
    with workflow.db.session() as session:
        declines = session.scalar(
            select(func.count()).where(
                Event.enrollment_id == mentee.id, Event.transition == "decline"
            )
        )
    assert declines == 1


@pytest.mark.parametrize("stale_by", [1, 2])
def test_a_write_based_on_an_old_version_is_refused(
    workflow: Workflow, people: People, stale_by: int
) -> None:
    mentee = workflow.apply("small-program", "mentee", people.person("ada@example.gov"), ANSWERS)
    coordinator = people.person("cora@example.gov", coordinates="small-program")
    with pytest.raises(Conflict, match="changed this record"):
        workflow.take(mentee.id, "decline", coordinator, expected_version=mentee.version - stale_by)


def test_an_application_sent_twice_at_once_makes_one_enrollment(
    workflow: Workflow, people: People
) -> None:
    """A double press, or two tabs (issue 11, finding 1): one open enrollment, and every
    press is answered with it."""
    ada = people.person("ada@example.gov")
    start = threading.Barrier(THREADS)
    outcomes: list[str] = []
    lock = threading.Lock()

    def press() -> None:
        start.wait()
        try:
            result = workflow.apply("small-program", "mentee", ada, ANSWERS).id
        except Exception as exc:  # noqa: BLE001 - any failure is the finding
            result = type(exc).__name__
        with lock:
            outcomes.append(result)

    threads = [threading.Thread(target=press) for _ in range(THREADS)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(timeout=60)
    with workflow.db.session() as session:
        enrollments = session.scalars(
            select(Enrollment.id).where(Enrollment.person_id == ada.person_id)
        ).all()
    assert len(enrollments) == 1, outcomes
    # Presses that met the first one at the same moment get its outcome; a later press
    # (the first one finished) is told the person is enrolled already.
    assert set(outcomes) <= {enrollments[0], "AlreadyEnrolled"}, outcomes
