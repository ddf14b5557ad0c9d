"""The forms table: one form's answers across a program, each row only to those the
enrollment pages let read it, filtered, sorted and paged in the engine."""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

import pytest

from mentorflow.engine.errors import InvalidQuery, NotFound
from mentorflow.engine.rules.access import Actor
from mentorflow.engine.service import answer_tables
from mentorflow.engine.service.answer_tables import TableFilters
from mentorflow.engine.service.workflow import Workflow
from tests.conftest import Clock, People
from tests.engine.service.test_workflow import MENTEE_ANSWERS, MENTOR_ANSWERS, PROGRAM

CONTRACT = {"goals": [{"goal": "Lead a budget meeting", "target": "2026-09-01"}]}


@dataclass
class Pair:
    mentee: Actor
    mentor: Actor
    mentee_id: str
    mentor_id: str


@dataclass
class Cast:
    coordinator: Actor
    admin: Actor
    supervisor: Actor
    other_staff: Actor
    stranger: Actor
    one: Pair  # Ada with Max
    two: Pair  # Bea with Mo
    waiting: str  # Cy's enrollment: applied, never matched


def _pair(
    wf: Workflow,
    people: People,
    cast: dict[str, Actor],
    who: str,
    mentor: str,
    years: tuple[str, str],  # of the mentee's service, of the mentor's
) -> Pair:
    mentee = people.person(f"{who.lower()}@example.gov", f"{who} Mentee")
    guide = people.person(f"{mentor.lower()}@example.gov", f"{mentor} Mentor")
    answers = {**MENTEE_ANSWERS, "name": f"{who} Mentee", "email": mentee.email}
    mentee_id = wf.apply(PROGRAM, "mentee", mentee, {**answers, "years_of_service": years[0]}).id
    offer = {**MENTOR_ANSWERS, "name": guide.name, "years_of_service": years[1]}
    mentor_id = wf.apply(PROGRAM, "mentor", guide, offer).id
    coordinator = cast["coordinator"]
    wf.take(mentor_id, "accept", coordinator)
    wf.take(mentee_id, "screen", coordinator, {"notes": f"Notes on {who}."})
    wf.match(mentee_id, mentor_id, coordinator)
    wf.submit(mentee_id, "learning_contract", mentee, CONTRACT)
    for signer in (mentee, guide, cast["supervisor"]):
        wf.sign(mentee_id, "learning_contract", signer)
    wf.take(mentee_id, "start", coordinator)
    return Pair(mentee, guide, mentee_id, mentor_id)


@pytest.fixture
def world(workflow: Workflow, people: People, clock: Clock) -> Cast:
    cast = {
        "coordinator": people.person("cora@example.gov", "Cora", coordinates=PROGRAM),
        "supervisor": people.person("sam.super@example.gov", "Sam Super"),
    }
    one = _pair(workflow, people, cast, "Ada", "Max", ("1.5", "12"))
    clock.advance(0.5)  # each application in its own moment, for sorting by time
    two = _pair(workflow, people, cast, "Bea", "Mo", ("1.25", "9"))
    workflow.submit(one.mentee_id, "check_in", one.mentee, {"met_on": "2026-03-01"})
    workflow.submit(one.mentee_id, "check_in", one.mentor, {"met_on": "2026-02-20"})
    workflow.submit(two.mentee_id, "check_in", two.mentor, {"met_on": "2026-02-25"})
    clock.advance(0.5)
    cy = people.person("cy@example.gov", "Cy Mentee")
    answers = {**MENTEE_ANSWERS, "name": "Cy Mentee", "email": cy.email, "years_of_service": "1"}
    answers.pop("supervisor_email")
    waiting = workflow.apply(PROGRAM, "mentee", cy, answers).id
    return Cast(
        coordinator=cast["coordinator"],
        admin=people.person("ada.admin@example.gov", "Adm", admin=True),
        supervisor=cast["supervisor"],
        other_staff=people.person("otto@example.gov", "Otto", coordinates="civil-engineers"),
        stranger=people.person("eve@example.gov", "Eve"),
        one=one,
        two=two,
        waiting=waiting,
    )


def _names(wf: Workflow, form: str, who: Actor, **filters: Any) -> list[str]:
    table = wf.answers_table(PROGRAM, form, who, TableFilters(**filters))
    return [row.name for row in table.rows]


def test_each_viewer_reads_the_rows_the_enrollment_pages_let_them(
    workflow: Workflow, world: Cast
) -> None:
    """check_in is visible to the pair and coordinators: a mentor reads their own pair's
    check-ins, never another pair's; the supervisor and strangers read none."""
    one, two = world.one, world.two
    expected = {
        "coordinator": (world.coordinator, ["Ada Mentee", "Ada Mentee", "Bea Mentee"]),
        "admin": (world.admin, ["Ada Mentee", "Ada Mentee", "Bea Mentee"]),
        "mentor one": (one.mentor, ["Ada Mentee", "Ada Mentee"]),
        "mentee one": (one.mentee, ["Ada Mentee", "Ada Mentee"]),
        "mentor two": (two.mentor, ["Bea Mentee"]),
        "supervisor": (world.supervisor, []),
        "stranger": (world.stranger, []),
        "other program's coordinator": (world.other_staff, []),
    }
    found = {role: sorted(_names(workflow, "check_in", who)) for role, (who, _) in expected.items()}
    assert found == {role: names for role, (_, names) in expected.items()}


def test_a_confidential_form_is_read_by_its_filler_and_staff_only(
    workflow: Workflow, world: Cast
) -> None:
    """The application (visible_to filler, coordinator): the mentor never reads it."""
    one = world.one
    assert sorted(_names(workflow, "mentee_application", world.coordinator)) == [
        "Ada Mentee",
        "Bea Mentee",
        "Cy Mentee",
    ]
    assert _names(workflow, "mentee_application", one.mentor) == []
    assert _names(workflow, "mentee_application", one.mentee) == ["Ada Mentee"]
    assert _names(workflow, "mentee_application", world.supervisor) == []


def test_rows_carry_each_answer_as_people_read_it(workflow: Workflow, world: Cast) -> None:
    table = workflow.answers_table(PROGRAM, "mentee_application", world.coordinator)
    assert [c.key for c in table.columns][:4] == ["person", "state", "submitted", "field:name"]
    assert [c.label for c in table.columns][3:] == [
        "Name",
        "E-mail",
        "Supervisor e-mail",
        "Years of service",
        "Interests",
        "Learning style",
        "Other",
    ]
    ada = next(r for r in table.rows if r.name == "Ada Mentee")
    assert (ada.state, ada.state_label) == ("active", "Active")
    assert ada.answers[4:6] == ("Leadership, Writing", "Hands-on")
    cy = next(r for r in table.rows if r.name == "Cy Mentee")
    assert cy.answers[2] == "" and cy.state == "applied"


@pytest.mark.parametrize(
    ("sort", "descending", "expected"),
    [
        ("field:years_of_service", False, ["Cy Mentee", "Bea Mentee", "Ada Mentee"]),
        ("field:years_of_service", True, ["Ada Mentee", "Bea Mentee", "Cy Mentee"]),
        ("person", True, ["Cy Mentee", "Bea Mentee", "Ada Mentee"]),
        ("submitted", False, ["Ada Mentee", "Bea Mentee", "Cy Mentee"]),
        ("submitted", True, ["Cy Mentee", "Bea Mentee", "Ada Mentee"]),
        # Blanks last both ways: only Cy gave no supervisor.
        ("field:supervisor_email", False, ["Ada Mentee", "Bea Mentee", "Cy Mentee"]),
        ("field:supervisor_email", True, ["Ada Mentee", "Bea Mentee", "Cy Mentee"]),
        ("state", False, ["Ada Mentee", "Bea Mentee", "Cy Mentee"]),
    ],
)
def test_sorting_by_any_column(
    workflow: Workflow, world: Cast, sort: str, descending: bool, expected: list[str]
) -> None:
    names = _names(
        workflow, "mentee_application", world.coordinator, sort=sort, descending=descending
    )
    assert names == expected


@pytest.mark.parametrize(
    ("descending", "expected"), [(False, ["Mo", "Max"]), (True, ["Max", "Mo"])]
)
def test_numbers_sort_by_size_not_by_letters(
    workflow: Workflow, world: Cast, descending: bool, expected: list[str]
) -> None:
    """Mo's 9 years come before Max's 12 (as text, "12" would come first)."""
    names = _names(
        workflow,
        "mentor_application",
        world.coordinator,
        sort="field:years_of_service",
        descending=descending,
    )
    assert names == [f"{name} Mentor" for name in expected]


@pytest.mark.parametrize(
    ("filters", "expected"),
    [
        ({"text": "bea"}, ["Bea Mentee"]),
        ({"text": "SAM.SUPER"}, ["Ada Mentee", "Bea Mentee"]),
        ({"text": "hands-on"}, ["Ada Mentee", "Bea Mentee", "Cy Mentee"]),
        ({"state": "applied"}, ["Cy Mentee"]),
        ({"state": "active", "text": "ada"}, ["Ada Mentee"]),
        ({"state": "closed"}, []),
    ],
)
def test_filtering_by_text_and_state(
    workflow: Workflow, world: Cast, filters: dict[str, str], expected: list[str]
) -> None:
    assert _names(workflow, "mentee_application", world.coordinator, **filters) == expected


@pytest.mark.parametrize(
    ("form", "filters", "page", "error"),
    [
        ("nope", {}, 1, NotFound),
        ("mentee_application", {"state": "nowhere"}, 1, InvalidQuery),
        ("mentee_application", {"state": "available"}, 1, InvalidQuery),  # a mentor's state
        ("mentee_application", {"sort": "field:nope"}, 1, InvalidQuery),
        ("mentee_application", {"sort": "name"}, 1, InvalidQuery),
        ("mentee_application", {"text": "x" * 201}, 1, InvalidQuery),
        ("mentee_application", {"text": "a\x00b"}, 1, InvalidQuery),
        ("mentee_application", {}, 2, InvalidQuery),
        ("mentee_application", {}, 0, InvalidQuery),
    ],
)
def test_what_the_table_cannot_be_asked(
    workflow: Workflow,
    world: Cast,
    form: str,
    filters: dict[str, str],
    page: int,
    error: type[Exception],
) -> None:
    with pytest.raises(error):
        workflow.answers_table(PROGRAM, form, world.coordinator, TableFilters(**filters), page)


def test_pages_and_csv_of_the_whole_filtered_set(
    workflow: Workflow, world: Cast, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setattr(answer_tables, "PAGE_SIZE", 2)
    filters = TableFilters(sort="person")
    first = workflow.answers_table(PROGRAM, "mentee_application", world.coordinator, filters)
    second = workflow.answers_table(PROGRAM, "mentee_application", world.coordinator, filters, 2)
    assert (first.total, first.pages, second.page) == (3, 2, 2)
    assert [r.name for r in first.rows + second.rows] == ["Ada Mentee", "Bea Mentee", "Cy Mentee"]
    header, rows = workflow.answers_csv(PROGRAM, "mentee_application", world.coordinator, filters)
    assert header[:5] == ("Name", "E-mail", "Enrollment state", "Submitted", "Name")
    assert [r[0] for r in rows] == ["Ada Mentee", "Bea Mentee", "Cy Mentee"]
    _, mine = workflow.answers_csv(PROGRAM, "mentee_application", world.one.mentor, filters)
    assert mine == []
