"""Every example definition walked from application to each final state, and every way the
workflow refuses: wrong role, unmet guard (in words), stale version, invalid answers.

One database per kind serves the whole module (each walk has its own people), so the
module stays fast on SQLite and PostgreSQL alike.
"""

from __future__ import annotations

import itertools
from collections.abc import Callable
from typing import Any

import pytest
from sqlalchemy import func, select

from mentorflow import engine
from mentorflow.engine.definition.conditions import Condition, evaluate
from mentorflow.engine.errors import (
    AlreadyEnrolled,
    Forbidden,
    FormNotOpen,
    GuardsFailed,
    InvalidAnswers,
    MentorflowError,
    NotAvailable,
    NotFound,
    StaleVersion,
)
from mentorflow.engine.records.database import Database
from mentorflow.engine.records.store import Enrollment, Event, Pairing
from mentorflow.engine.rules.access import may_read, mentees_of, relations
from mentorflow.engine.rules.answers import clean_answers
from mentorflow.engine.service.workflow import Workflow
from tests.conftest import (
    DATABASES,
    ROOT,
    SMALL,
    Clock,
    People,
    module_database,
)
from tests.support import (
    TODAY,
    Cast,
    Walk,
    make_cast,
    plan,
    sample_answers,
    state_of,
    walk_to,
)

EXAMPLES = engine.load_paths([ROOT / "definitions"])
GENERAL = "general-mentoring"
WALKS = [
    pytest.param(program_id, role, final, id=f"{program_id}-{role}-{final}")
    for program_id, program in sorted(EXAMPLES.items())
    for role in ("mentee", "mentor")
    for final in sorted(program.lifecycle_of(role).finals)
]


# ---------------------------------------------------------------- fixtures


@pytest.fixture(scope="module")
def programs() -> dict[str, engine.Program]:
    # The examples are loaded once above (collection needs them); the small program is
    # here only for the one refusal the examples cannot reach (a locked, signed form).
    return {**EXAMPLES, "small-program": engine.load_file(SMALL)}


db = pytest.fixture(scope="module", params=DATABASES, name="db")(module_database)


@pytest.fixture(scope="module")
def casts(db: Database, programs: dict[str, engine.Program]) -> dict[str, Cast]:
    """Staff of each program, made once per database (hashing passwords takes time)."""
    people = People(db)
    return {program_id: make_cast(people, program) for program_id, program in programs.items()}


class Scene:
    """Walks on one program, and a snapshot of every enrollment they made."""

    def __init__(self, workflow: Workflow, people: People, clock: Clock, casts: dict[str, Cast]):
        self.workflow, self.people, self.clock, self.casts = workflow, people, clock, casts
        self.walks: list[Walk] = []

    def walk(self, target: str, role: str = "mentee", program: str = GENERAL, **kw: Any) -> Walk:
        found = walk_to(
            self.workflow,
            self.workflow.programs[program],
            role,
            target,
            people=self.people,
            clock=self.clock,
            cast=self.casts[program],
            **kw,
        )
        assert found.detours == [], found.detours
        self.walks.extend([found, *found.mentors])
        return found

    def snapshot(self) -> dict[str, tuple[str, int, int]]:
        """State, version and number of events of every enrollment of the scene."""
        with self.workflow.db.session() as session:
            found = {}
            for w in self.walks:
                e = session.get(Enrollment, w.enrollment_id)
                assert e is not None
                count = session.scalar(
                    select(func.count()).select_from(Event).where(Event.enrollment_id == e.id)
                )
                found[e.id] = (e.state, e.version, count or 0)
            return found

    def version(self, w: Walk) -> int:
        with self.workflow.db.session() as session:
            e = session.get(Enrollment, w.enrollment_id)
            assert e is not None
            return e.version

    def submit(self, w: Walk, form_id: str, **changes: Any) -> None:
        program = self.workflow.programs[w.program.id]
        answers = {**sample_answers(program, form_id, (), self.clock().date()), **changes}
        self.workflow.submit(w.enrollment_id, form_id, w.cast.coordinator, answers)


@pytest.fixture
def scene(workflow: Workflow, people: People, clock: Clock, casts: dict[str, Cast]) -> Scene:
    return Scene(workflow, people, clock, casts)


def events_of(workflow: Workflow, enrollment_id: str) -> list[Event]:
    with workflow.db.session() as session:
        return list(
            session.scalars(
                select(Event).where(Event.enrollment_id == enrollment_id).order_by(Event.id)
            )
        )


# ---------------------------------------------------------------- the walks


@pytest.mark.parametrize(("program_id", "role", "final"), WALKS)
def test_walk_reaches_every_final_state(
    scene: Scene, workflow: Workflow, program_id: str, role: str, final: str
) -> None:
    program = workflow.programs[program_id]
    lifecycle = program.lifecycle_of(role)
    walk = scene.walk(final, role, program_id)

    assert walk.state == final and state_of(workflow, walk.enrollment_id) == final
    events = events_of(workflow, walk.enrollment_id)
    # One event per state change: the application, then each transition, chained.
    assert [e.kind for e in events] == ["apply"] + ["transition"] * (len(events) - 1)
    assert (events[0].from_state, events[0].to_state) == (None, lifecycle.initial)
    assert all(b.from_state == a.to_state for a, b in itertools.pairwise(events))
    assert events[-1].to_state == final
    assert len(events) - 1 == len(plan(lifecycle, lifecycle.initial, [final]) or [])
    assert {e.revision for e in events} == {program.revision}
    assert {e.program_id for e in events} == {program_id}
    assert [e.at for e in events] == sorted(e.at for e in events)
    for e in events[1:]:
        t = lifecycle.transitions[e.transition or ""]
        assert e.from_state in t.sources and e.to_state == t.dest
        if e.actor_role == "system":
            assert t.auto and e.actor_id is None
        if t.ask is None:
            assert e.answers is None
        else:
            assert e.answers  # the ask form's answers, as stored (checked below)
    # The walker's own steps are exactly the non-system events, with their ask answers.
    taken = [
        (e.transition, e.actor_role, e.answers) for e in events[1:] if e.actor_role != "system"
    ]
    assert taken == [(s.transition, s.actor_role, s.answers) for s in walk.steps]

    with workflow.db.session() as session:
        enrollment = session.get(Enrollment, walk.enrollment_id)
        assert enrollment is not None
        assert enrollment.is_final and enrollment.state_since == events[-1].at
        # A final mentee keeps the relationship it ended with, as a record, but that
        # pairing has ended: it holds no mentor's place.
        if enrollment.pairing_id is not None:
            pairing = session.get(Pairing, enrollment.pairing_id)
            assert pairing is not None and pairing.ended_at == events[-1].at
        for mentor in walk.mentors:  # the mentor's place is freed at the end
            mentor_row = session.get(Enrollment, mentor.enrollment_id)
            assert mentor_row is not None and mentees_of(session, mentor_row) == []


# ---------------------------------------------------------------- refusals

Arranged = Callable[[], Any] | tuple[Callable[[], Any], dict[str, Any]]


def _mentee_takes_screen(s: Scene) -> Arranged:
    w = s.walk("applied")
    return lambda: s.workflow.take(w.enrollment_id, "screen", w.person, {})


def _mentor_unmatches(s: Scene) -> Arranged:
    w = s.walk("matched")
    return lambda: s.workflow.take(w.enrollment_id, "unmatch", w.mentors[0].person, {})


def _supervisor_starts(s: Scene) -> Arranged:
    w = s.walk("contracted")
    return lambda: s.workflow.take(w.enrollment_id, "start", w.cast.supervisor)


def _mentee_signs_for_the_mentor(s: Scene) -> Arranged:
    w = s.walk("matched")
    s.submit(w, "learning_contract")
    return lambda: s.workflow.sign(
        w.enrollment_id, "learning_contract", w.person, on_behalf_of="mentor"
    )


def _mentee_matches_themself(s: Scene) -> Arranged:
    w = s.walk("trained")
    mentor = s.walk("trained", "mentor")
    return lambda: s.workflow.match(w.enrollment_id, mentor.enrollment_id, w.person)


def _stranger_screens(s: Scene) -> Arranged:
    w = s.walk("applied")
    stranger = s.people.person("stranger@example.gov", "Eve Stranger")
    return lambda: s.workflow.take(w.enrollment_id, "screen", stranger, {})


def _other_programs_staff_screen(s: Scene) -> Arranged:
    w = s.walk("applied")
    other = s.casts["civil-engineers"].coordinator
    return lambda: s.workflow.take(w.enrollment_id, "screen", other, {})


def _complete_too_early(s: Scene) -> Arranged:
    w = s.walk("active")
    return lambda: s.workflow.take(w.enrollment_id, "complete", w.cast.coordinator, {})


def _complete_after_30_days(s: Scene) -> Arranged:
    w = s.walk("active")
    s.submit(w, "mentee_evaluation")
    s.submit(w, "mentor_evaluation")
    s.clock.advance(30)
    return lambda: s.workflow.take(w.enrollment_id, "complete", w.cast.coordinator, {})


def _contract_signed_by_the_mentee_only(s: Scene) -> Arranged:
    w = s.walk("matched")
    s.submit(w, "learning_contract")
    s.workflow.sign(w.enrollment_id, "learning_contract", w.person)
    # An auto transition has no `by`; an admin may still try it, and is told why not.
    return lambda: s.workflow.take(w.enrollment_id, "contract_signed", w.cast.admin)


def _match_without_a_mentor(s: Scene) -> Arranged:
    w = s.walk("trained")
    return lambda: s.workflow.take(w.enrollment_id, "match", w.cast.coordinator)


def _screen_without_telling_the_supervisor(s: Scene) -> Arranged:
    w = s.walk("applied")  # sample answers leave the boolean unticked
    return lambda: s.workflow.take(w.enrollment_id, "screen", w.cast.coordinator, {})


def _start_without_release_time(s: Scene) -> Arranged:
    w = s.walk("contracted")  # the contract was signed with release_time unticked
    return lambda: s.workflow.take(w.enrollment_id, "start", w.cast.coordinator)


def _orientation_not_recorded(s: Scene) -> Arranged:
    w = s.walk("screened")
    return lambda: s.workflow.take(w.enrollment_id, "finish_orientation", w.cast.admin)


def _mentor_withdraws_holding_a_mentee(s: Scene) -> Arranged:
    w = s.walk("matched", name="Mia Mentee")
    mentor = w.mentors[0]
    return lambda: s.workflow.take(mentor.enrollment_id, "withdraw", w.cast.coordinator)


def _mentor_retires_holding_a_mentee(s: Scene) -> Arranged:
    w = s.walk("matched", name="Mia Mentee")
    mentor = w.mentors[0]
    answers = sample_answers(w.program, "mentor_exit")
    return lambda: s.workflow.take(mentor.enrollment_id, "retire", w.cast.coordinator, answers)


def _stale_take(s: Scene) -> Arranged:
    w = s.walk("applied")
    old = s.version(w)
    s.submit(w, "mentee_application", email=w.person.email, supervisor_email="x.y@example.gov")
    assert s.version(w) != old
    answers = sample_answers(w.program, "mentee_screening")
    return lambda: s.workflow.take(
        w.enrollment_id, "screen", w.cast.coordinator, answers, expected_version=old
    )


def _stale_submit(s: Scene) -> Arranged:
    w = s.walk("matched")
    old = s.version(w)
    s.submit(w, "learning_contract")
    assert s.version(w) != old
    answers = sample_answers(w.program, "learning_contract", (), s.clock().date())
    return lambda: s.workflow.submit(
        w.enrollment_id, "learning_contract", w.person, answers, expected_version=old
    )


def _apply_with_bad_answers(s: Scene) -> Arranged:
    program = s.workflow.programs[GENERAL]
    person = s.people.person("bad.answers@example.gov", "Bad Answers")
    answers = {**sample_answers(program, "mentee_application", email=person.email)}
    answers.update(name="", employee_id="12AB", years_of_service="many")
    return lambda: s.workflow.apply(GENERAL, "mentee", person, answers)


def _apply_naming_yourself_as_supervisor(s: Scene) -> Arranged:
    program = s.workflow.programs[GENERAL]
    person = s.people.person("self.super@example.gov", "Self Super")
    answers = sample_answers(program, "mentee_application", email=person.email)
    answers["supervisor_email"] = "Self.Super@example.gov"
    return lambda: s.workflow.apply(GENERAL, "mentee", person, answers)


def _apply_ineligible(s: Scene) -> Arranged:
    program = s.workflow.programs[GENERAL]
    person = s.people.person("senior@example.gov", "Senior Person")
    answers = sample_answers(program, "mentee_application", email=person.email)
    answers.update(years_of_service=12, new_responsibilities=False)
    text = program.roles["mentee"].eligibility
    assert text is not None
    return lambda: s.workflow.apply(GENERAL, "mentee", person, answers), {"form_error": text.text}


def _screen_with_blank_notes(s: Scene) -> Arranged:
    w = s.walk("applied")
    s.submit(
        w,
        "mentee_application",
        email=w.person.email,
        supervisor_email=w.cast.supervisor.email,
        supervisor_informed=True,
    )
    return lambda: s.workflow.take(w.enrollment_id, "screen", w.cast.coordinator, {})


def _contract_with_a_bad_goal(s: Scene) -> Arranged:
    w = s.walk("matched")
    answers = sample_answers(w.program, "learning_contract")
    answers["goals"] = [{"goal": "", "measure": "A report", "target_date": "2020-01-01"}, {}]
    return lambda: s.workflow.submit(w.enrollment_id, "learning_contract", w.person, answers)


def _start_from_applied(s: Scene) -> Arranged:
    w = s.walk("applied")
    return lambda: s.workflow.take(w.enrollment_id, "start", w.cast.coordinator)


def _contract_while_applied(s: Scene) -> Arranged:
    w = s.walk("applied")
    answers = sample_answers(w.program, "learning_contract")
    return lambda: s.workflow.submit(
        w.enrollment_id, "learning_contract", w.cast.coordinator, answers
    )


def _edit_a_signed_contract(s: Scene) -> Arranged:
    # Every example signs its contract into the next state at once (an auto transition),
    # so a locked form that is still open is only reachable in the small test program.
    w = s.walk("matched", program="small-program")
    s.submit(w, "learning_contract")
    for role in ("mentor", "mentee", "supervisor"):
        s.workflow.sign(w.enrollment_id, "learning_contract", w.cast.coordinator, on_behalf_of=role)
    answers = {"goals": [{"goal": "Another goal"}]}
    return lambda: s.workflow.submit(w.enrollment_id, "learning_contract", w.person, answers)


def _apply_twice(s: Scene) -> Arranged:
    w = s.walk("screened")
    answers = sample_answers(
        w.program, "mentee_application", email=w.person.email, supervisor="boss@example.gov"
    )
    return lambda: s.workflow.apply(GENERAL, "mentee", w.person, answers), {
        "enrollment_id": w.enrollment_id,
        "message": (
            f"{w.person.email} already has an open mentee enrollment in "
            "Agency Workplace Mentoring Program."
        ),
    }


SUPERVISOR_INFORMED = "I have discussed this application with my supervisor."
RELEASE_TIME = "The mentee's supervisor has agreed to release time for these meetings"
LEARNING_CONTRACT_TOPIC = (
    "Developing a learning contract with explicit, realistic and achievable goals"
)

REFUSALS = [
    # wrong role
    pytest.param(
        _mentee_takes_screen,
        Forbidden,
        {"message": "You may not accept after screening here."},
        id="mentee-takes-a-coordinator-transition",
    ),
    pytest.param(
        _mentor_unmatches,
        Forbidden,
        {"message": "You may not return to the pool here."},
        id="mentor-takes-a-coordinator-transition",
    ),
    pytest.param(
        _supervisor_starts,
        Forbidden,
        {"message": "You may not start the relationship here."},
        id="supervisor-takes-a-pair-transition",
    ),
    pytest.param(
        _mentee_signs_for_the_mentor,
        Forbidden,
        {"message": "Only a coordinator may record a signature on someone's behalf."},
        id="mentee-signs-on-behalf",
    ),
    pytest.param(
        _mentee_matches_themself,
        Forbidden,
        {
            "message": "Only the coordinators of Agency Workplace Mentoring Program may match its mentees."
        },
        id="mentee-matches",
    ),
    pytest.param(
        _stranger_screens,
        NotFound,
        {"message": "There is no such enrollment."},
        id="stranger",
    ),
    pytest.param(
        _other_programs_staff_screen,
        NotFound,
        {"message": "There is no such enrollment."},
        id="staff-of-another-program",
    ),
    # unmet guards, every reason in words
    pytest.param(
        _complete_too_early,
        GuardsFailed,
        {
            "reasons": [
                "“Mentee evaluation” has not been submitted yet",
                "“Mentor evaluation” has not been submitted yet",
                "it can be taken after 120 days in Active (0 so far)",
            ]
        },
        id="guard-forms-not-submitted-and-min-days",
    ),
    pytest.param(
        _complete_after_30_days,
        GuardsFailed,
        {
            "reasons": ["it can be taken after 120 days in Active (30 so far)"],
            "message": "Complete the relationship is not possible yet: "
            "it can be taken after 120 days in Active (30 so far).",
        },
        id="guard-min-days",
    ),
    pytest.param(
        _contract_signed_by_the_mentee_only,
        GuardsFailed,
        {"reasons": ["“Learning contract” is not signed by the mentor and the supervisor yet"]},
        id="guard-not-signed",
    ),
    pytest.param(
        _match_without_a_mentor,
        GuardsFailed,
        {"reasons": ["no mentor is assigned yet"]},
        id="guard-no-mentor",
    ),
    pytest.param(
        _screen_without_telling_the_supervisor,
        GuardsFailed,
        {"reasons": [f"it requires that '{SUPERVISOR_INFORMED.rstrip('.')}' is ticked"]},
        id="guard-when-apply-form",
    ),
    pytest.param(
        _start_without_release_time,
        GuardsFailed,
        {"reasons": [f"it requires that '{RELEASE_TIME.rstrip('.')}' is ticked"]},
        id="guard-when-contract",
    ),
    pytest.param(
        _orientation_not_recorded,
        GuardsFailed,
        {
            "reasons": [
                "“Mentee orientation” has not been submitted yet",
                "it requires that 'I attended the whole orientation' is ticked and "
                f"'Topics covered' includes '{LEARNING_CONTRACT_TOPIC}'",
            ]
        },
        id="guard-forms-and-all-condition",
    ),
    pytest.param(
        _mentor_withdraws_holding_a_mentee,
        GuardsFailed,
        {"reasons": ["the mentor still holds mentees: Mia Mentee"]},
        id="guard-mentor-holds-mentees-withdraw",
    ),
    pytest.param(
        _mentor_retires_holding_a_mentee,
        GuardsFailed,
        {"reasons": ["the mentor still holds mentees: Mia Mentee"]},
        id="guard-mentor-holds-mentees-retire",
    ),
    # stale version
    pytest.param(
        _stale_take,
        StaleVersion,
        {"message": "Someone else changed this record a moment ago; reload it and try again."},
        id="stale-take",
    ),
    pytest.param(
        _stale_submit,
        StaleVersion,
        {"message": "Someone else changed this record a moment ago; reload it and try again."},
        id="stale-submit",
    ),
    # invalid answers
    pytest.param(
        _apply_with_bad_answers,
        InvalidAnswers,
        {
            "errors": {
                "name": "This answer is required.",
                "employee_id": "Your employee ID is the six-digit number on your pay stub.",
                "years_of_service": "Enter a number, such as 3 or 2.5.",
            },
            "form_error": None,
        },
        id="invalid-apply-answers",
    ),
    pytest.param(
        _apply_naming_yourself_as_supervisor,
        InvalidAnswers,
        {"errors": {"supervisor_email": "Give your supervisor's e-mail address, not your own."}},
        id="invalid-own-email-as-supervisor",
    ),
    pytest.param(_apply_ineligible, InvalidAnswers, {"errors": {}}, id="invalid-ineligible"),
    pytest.param(
        _screen_with_blank_notes,
        InvalidAnswers,
        {
            "errors": {
                "interviewed_on": "This answer is required.",
                "commitment_level": "This answer is required.",
            }
        },
        id="invalid-ask-answers",
    ),
    pytest.param(
        _contract_with_a_bad_goal,
        InvalidAnswers,
        {
            "errors": {
                "goals-0-goal": "This answer is required.",
                "goals-0-target_date": "Enter a date from today (2026-03-02) to 2027-03-02.",
            }
        },
        id="invalid-group-entry",
    ),
    # not possible now
    pytest.param(
        _start_from_applied,
        NotAvailable,
        {"message": "Start the relationship is not possible from Applied."},
        id="transition-not-from-current-state",
    ),
    pytest.param(
        _contract_while_applied,
        FormNotOpen,
        {"message": "The Learning contract cannot be filled while the enrollment is Applied."},
        id="form-not-open",
    ),
    pytest.param(
        _edit_a_signed_contract,
        FormNotOpen,
        {"message": "The Learning contract is signed by everyone and can no longer be changed."},
        id="form-locked-when-signed-by-all",
    ),
    pytest.param(_apply_twice, AlreadyEnrolled, {}, id="already-enrolled"),
]


@pytest.mark.parametrize(("arrange", "error", "expected"), REFUSALS)
def test_refusal(
    scene: Scene,
    arrange: Callable[[Scene], Arranged],
    error: type[MentorflowError],
    expected: dict[str, Any],
) -> None:
    arranged = arrange(scene)
    act, more = arranged if isinstance(arranged, tuple) else (arranged, {})
    before = scene.snapshot()
    with pytest.raises(error) as refused:
        act()
    assert type(refused.value) is error
    for key, value in {**expected, **more}.items():
        found = str(refused.value) if key == "message" else getattr(refused.value, key)
        assert found == value, key
    assert scene.snapshot() == before  # nothing was half-written


# ---------------------------------------------------------------- who sees what


def test_visibility_follows_visible_to(scene: Scene, workflow: Workflow) -> None:
    program = workflow.programs[GENERAL]
    w = scene.walk("matched")
    scene.submit(w, "learning_contract")
    mentor, supervisor = w.mentors[0].person, w.cast.supervisor
    other_staff = scene.casts["civil-engineers"].coordinator
    stranger = scene.people.person("nosy@example.gov", "Nosy Parker")
    with workflow.db.session() as session:
        record = workflow.record(session, w.enrollment_id)
        enrollment = record.enrollment
        application = record.current("mentee_application")
        contract = record.current("learning_contract")
        assert application is not None and contract is not None
        apply_form, contract_form = (
            program.forms[f] for f in ("mentee_application", "learning_contract")
        )
        assert apply_form.visible_to == {"filler", "coordinator"}

        as_mentor = relations(session, mentor, enrollment)
        assert as_mentor == {"mentor", "pair"}
        assert not may_read(apply_form, application, mentor, as_mentor)
        assert may_read(contract_form, contract, mentor, as_mentor)

        as_mentee = relations(session, w.person, enrollment)
        assert as_mentee == {"mentee", "pair"}
        assert may_read(apply_form, application, w.person, as_mentee)  # the filler

        as_supervisor = relations(session, supervisor, enrollment)
        assert as_supervisor == {"supervisor"}
        for form in program.forms.values():
            if form.owner == "mentee":
                readable = may_read(form, None, supervisor, as_supervisor)
                assert readable == ("supervisor" in form.visible_to), form.id
        assert may_read(contract_form, contract, supervisor, as_supervisor)
        assert not may_read(apply_form, application, supervisor, as_supervisor)

        assert relations(session, other_staff, enrollment) == frozenset()
        assert relations(session, stranger, enrollment) == frozenset()
        mentor_row = session.get(Enrollment, w.mentors[0].enrollment_id)
        assert mentor_row is not None
        assert relations(session, other_staff, mentor_row) == frozenset()
        assert relations(session, w.person, mentor_row) == {"mentee", "pair"}
    for outsider in (other_staff, stranger):
        with pytest.raises(NotFound):
            workflow.sign(w.enrollment_id, "learning_contract", outsider)
        with pytest.raises(NotFound):
            workflow.submit(w.enrollment_id, "learning_contract", outsider, {})


# ---------------------------------------------------------------- engine bugs found


def test_folded_text_reads_as_written() -> None:
    eligibility = EXAMPLES[GENERAL].roles["mentee"].eligibility
    assert eligibility is not None
    assert eligibility.text == (
        "The program is open to employees with fewer than five years of service with the "
        "agency, and to employees of any seniority who are assuming new or expanded "
        "responsibilities."
    )


def test_every_write_changes_the_version(scene: Scene, workflow: Workflow) -> None:
    w = scene.walk("matched")  # the match wrote the enrollment at this very instant
    old = scene.version(w)
    scene.submit(w, "learning_contract")
    assert scene.version(w) == old + 1


def test_examples_are_all_walked() -> None:
    assert sorted(EXAMPLES) == [
        "civil-engineers",
        "general-mentoring",
        "human-services-caseload",
        "psychiatric-nursing",
    ]
    assert len(WALKS) == 28


# ---------------------------------------------------------------- the helpers themselves


@pytest.mark.parametrize("program_id", sorted(EXAMPLES))
def test_the_engine_takes_sample_answers_as_given(program_id: str) -> None:
    # support.py makes answers without asking the engine: here the engine judges them.
    program = EXAMPLES[program_id]
    for form in program.forms.values():
        answers = sample_answers(program, form)
        assert clean_answers(form, answers, today=TODAY) == answers, form.id
    for role in program.roles.values():
        assert role.eligibility is not None
        form = program.apply_form(role.id)
        eligible = sample_answers(program, form, [role.eligibility.when])
        clean_answers(form, eligible, today=TODAY, eligibility=role.eligibility)
        negated = Condition.model_validate(
            {"not": role.eligibility.when.model_dump(by_alias=True, exclude_none=True)}
        )
        ineligible = sample_answers(program, form, [negated])
        with pytest.raises(InvalidAnswers) as refused:
            clean_answers(form, ineligible, today=TODAY, eligibility=role.eligibility)
        assert (refused.value.errors, refused.value.form_error) == ({}, role.eligibility.text)


# Each role's eligibility at its edges, written out from the definitions' text (not
# derived from their conditions): (program, role, answers changed, eligible).
ELIGIBILITY = [
    (GENERAL, "mentee", {"years_of_service": 4, "new_responsibilities": False}, True),
    (GENERAL, "mentee", {"years_of_service": 5, "new_responsibilities": False}, False),
    (
        GENERAL,
        "mentee",
        {
            "years_of_service": 30,
            "new_responsibilities": True,
            "new_responsibilities_details": "I now lead a new team.",
        },
        True,
    ),
    (GENERAL, "mentor", {"years_of_service": 3}, True),
    (GENERAL, "mentor", {"years_of_service": 2}, False),
    ("human-services-caseload", "mentee", {"months_in_position": 11}, True),
    ("human-services-caseload", "mentee", {"months_in_position": 12}, False),
    ("human-services-caseload", "mentor", {"years_in_program_area": 3}, True),
    ("human-services-caseload", "mentor", {"years_in_program_area": 2}, False),
    ("psychiatric-nursing", "mentee", {"months_at_hospital": 11, "years_psychiatric": 9}, True),
    ("psychiatric-nursing", "mentee", {"months_at_hospital": 12, "years_psychiatric": 2}, False),
    ("psychiatric-nursing", "mentee", {"months_at_hospital": 40, "years_psychiatric": 1}, True),
    ("psychiatric-nursing", "mentor", {"licensure": "rn", "years_psychiatric": 3}, True),
    ("psychiatric-nursing", "mentor", {"licensure": "aprn", "years_psychiatric": 2}, False),
    ("psychiatric-nursing", "mentor", {"licensure": "lpn", "years_psychiatric": 20}, False),
    ("civil-engineers", "mentee", {"years_with_department": 9, "licensure": "eit"}, True),
    ("civil-engineers", "mentor", {"years_with_department": 10, "licensure": "eit"}, True),
    ("civil-engineers", "mentor", {"years_with_department": 9, "licensure": "eit"}, False),
]


@pytest.mark.parametrize(
    ("program_id", "role", "changes", "eligible"),
    [pytest.param(*case, id=f"{case[0]}-{case[1]}-{case[2]}") for case in ELIGIBILITY],
)
def test_eligibility_at_its_edges(
    program_id: str, role: str, changes: dict[str, Any], eligible: bool
) -> None:
    program = EXAMPLES[program_id]
    form, eligibility = program.apply_form(role), program.roles[role].eligibility
    assert eligibility is not None
    answers = {**sample_answers(program, form), **changes}
    if eligible:
        stored = clean_answers(form, answers, today=TODAY, eligibility=eligibility)
        assert {key: stored.get(key) for key in changes} == changes
        return
    with pytest.raises(InvalidAnswers) as refused:
        clean_answers(form, answers, today=TODAY, eligibility=eligibility)
    assert (refused.value.errors, refused.value.form_error) == ({}, eligibility.text)


def test_sample_answers_meet_every_operator() -> None:
    program = EXAMPLES[GENERAL]
    form = program.forms["mentee_application"]
    conditions = [
        Condition.model_validate(c)
        for c in (
            {"field": "years_of_service", "gt": 10},
            {"field": "mentee_application.hours_per_month", "lte": 3},
            {"field": "hours_per_month", "gte": 3},
            {"field": "interests", "contains": "Budgeting and finance"},
            {"field": "work_unit", "is_set": False},
            {"field": "prior_mentoring", "is_set": True},
            {"field": "job_title", "contains": "Analyst"},
            {"field": "learning_style", "not_equals": "doing"},
            {"not": {"field": "division", "in": ["Office of the Commissioner", "Human Resources"]}},
            {
                "any": [
                    {"field": "years_of_service", "lt": 1},
                    {"field": "new_responsibilities", "equals": True},
                ]
            },
            {
                "all": [
                    {"field": "learning_style", "in": ["reading", "discussing"]},
                    {"not": {"field": "supervisor_informed", "equals": False}},
                ]
            },
            {"field": "other_form.field", "equals": "ignored: another form's field"},
        )
    ]
    answers = sample_answers(
        program, form, conditions, email="me@example.gov", supervisor="boss@example.gov"
    )
    for condition in conditions[:-1]:
        read = lambda name: answers.get(name.removeprefix("mentee_application."))  # noqa: E731
        assert evaluate(condition, read, TODAY), condition
    assert (answers["email"], answers["supervisor_email"]) == ("me@example.gov", "boss@example.gov")
    assert answers["new_responsibilities"] is True and "new_responsibilities_details" in answers
    assert answers["employee_id"] == "123456" and answers["work_phone"] == "603-555-0100"
    # The same, written out: what a person meeting every condition above would answer.
    assert answers["years_of_service"] > 10 and answers["hours_per_month"] == 3
    assert "Budgeting and finance" in answers["interests"] and "work_unit" not in answers
    assert "Analyst" in answers["job_title"] and answers["learning_style"] in (
        "reading",
        "discussing",
    )
    assert answers["division"] not in ("Office of the Commissioner", "Human Resources")
    assert answers["supervisor_informed"] is True and "prior_mentoring" in answers
    assert clean_answers(form, answers, today=TODAY) == answers  # and the engine takes them
    with pytest.raises(ValueError):
        sample_answers(program, form, email="me@example.gov", supervisor="ME@example.gov")
