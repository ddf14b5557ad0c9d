"""Every message an example program promises is queued: each `notify` the program page
lists (`mail_promises`), and each promise its own text makes in words ("the applicant
will be told", "a mentee's supervisor is told"), checked by walking an enrollment there
and reading the outbox."""

from __future__ import annotations

import pytest
from sqlalchemy import select

from mentorflow import engine
from mentorflow.engine.definition.promises import MailPromise, mail_promises
from mentorflow.engine.records.database import Database
from mentorflow.engine.records.store import Enrollment, Event, OutboxMessage
from mentorflow.engine.service.workflow import Workflow
from tests.conftest import (
    DATABASES,
    ROOT,
    Clock,
    People,
    module_database,
)
from tests.support import Cast, Walk, make_cast, plan, walk_to

EXAMPLES = engine.load_paths([ROOT / "definitions"])
ROLES = ("mentee", "mentor")

# Promises made in a definition's prose, by program: the words (which must still be
# there: change them and this table must change too), the role, the state the
# enrollment enters, and who must be told.
IN_WORDS = [
    ("general-mentoring", "A mentee's supervisor is told", "mentee", "applied", "supervisor"),
]


db = pytest.fixture(scope="module", params=DATABASES, name="db")(module_database)


@pytest.fixture(scope="module")
def workflow(db: Database) -> Workflow:
    return Workflow(dict(EXAMPLES), db, clock=Clock())


@pytest.fixture(scope="module")
def casts(db: Database) -> dict[str, Cast]:
    people = People(db)
    return {program_id: make_cast(people, p) for program_id, p in EXAMPLES.items()}


def told(workflow: Workflow, walk: Walk) -> dict[str, list[OutboxMessage]]:
    """The walk's messages by the state each was about: the state its event entered."""
    with workflow.db.session() as session:
        mail = session.scalars(
            select(OutboxMessage).where(OutboxMessage.enrollment_id == walk.enrollment_id)
        ).all()
        entered = {
            e.transition or "": e.to_state
            for e in session.scalars(select(Event).where(Event.enrollment_id == walk.enrollment_id))
        }
    found: dict[str, list[OutboxMessage]] = {}
    for m in mail:
        kind, _, what = m.reason.partition(":")
        state = {"state": what, "transition": entered.get(what, "")}.get(kind)
        if state:
            found.setdefault(state, []).append(m)
    return found


def addresses(workflow: Workflow, walk: Walk, audience: tuple[str, ...]) -> set[str]:
    with workflow.db.session() as session:
        enrollment = session.get(Enrollment, walk.enrollment_id)
        assert enrollment is not None
        supervisor = enrollment.supervisor_email
    found = set()
    for who in audience:
        if who in (walk.role, "pair"):
            found.add(walk.person.email)
        if who in ("mentor", "pair") and walk.mentors:
            found.add(walk.mentors[-1].person.email)
        if who == "supervisor" and supervisor:
            found.add(supervisor)
        if who == "coordinator":
            found.add(walk.cast.coordinator.email)
    return found


def check(workflow: Workflow, walk: Walk, state: str, audience: tuple[str, ...]) -> None:
    label = walk.program.lifecycle_of(walk.role).label(state)
    about = {m.to_email for m in told(workflow, walk).get(state, []) if f"“{label}”" in m.body}
    wanted = addresses(workflow, walk, audience)
    assert wanted, f"{walk.program.id} {walk.role} {state}: nobody to tell ({audience})"
    assert wanted <= about, f"{walk.program.id} {walk.role} {state}: {sorted(wanted - about)}"


def state_promises(program: engine.Program, role: str) -> list[MailPromise]:
    """The promises made whenever a state is entered, the farthest from the start first
    (one walk there often passes the others)."""
    lifecycle = program.lifecycle_of(role)
    found = [p for p in mail_promises(program) if p.role == role and p.transition is None]

    def distance(p: MailPromise) -> int:
        return len(plan(lifecycle, lifecycle.initial, [p.state]) or [])

    return sorted(found, key=distance, reverse=True)


@pytest.mark.parametrize(("program_id", "role"), [(p, r) for p in sorted(EXAMPLES) for r in ROLES])
def test_every_state_promise_is_kept(
    workflow: Workflow, db: Database, casts: dict[str, Cast], program_id: str, role: str
) -> None:
    program = EXAMPLES[program_id]
    promises = state_promises(program, role)
    assert promises, f"{program_id} {role}: promises no mail at all"
    walks: list[Walk] = []
    kept = 0
    for promise in promises:
        reached = [w for w in walks if promise.state in told(workflow, w)]
        walk = reached[0] if reached else None
        if walk is None:
            clock = workflow.clock
            assert isinstance(clock, Clock)
            walk = walk_to(
                workflow,
                program,
                role,
                promise.state,
                people=People(db),
                clock=clock,
                cast=casts[program_id],
            )
            walks.append(walk)
        check(workflow, walk, promise.state, promise.audience)
        kept += 1
    # The step promises along the way are kept too.
    for walk in walks:
        with workflow.db.session() as session:
            taken = set(
                session.scalars(
                    select(Event.transition).where(Event.enrollment_id == walk.enrollment_id)
                )
            )
        for promise in mail_promises(program):
            if promise.role == role and promise.transition and promise.transition in taken:
                check(workflow, walk, promise.state, promise.audience)
                kept += 1
    assert kept >= len(promises)


@pytest.mark.parametrize(("program_id", "words", "role", "state", "audience"), IN_WORDS)
def test_what_the_program_text_promises_is_sent(
    workflow: Workflow,
    db: Database,
    casts: dict[str, Cast],
    program_id: str,
    words: str,
    role: str,
    state: str,
    audience: str,
) -> None:
    program = EXAMPLES[program_id]
    text = " ".join(f"{program.info.purpose or ''} {program.info.guidelines or ''}".split())
    assert words in text
    clock = workflow.clock
    assert isinstance(clock, Clock)
    walk = walk_to(
        workflow, program, role, state, people=People(db), clock=clock, cast=casts[program_id]
    )
    check(workflow, walk, state, (audience,))


@pytest.mark.parametrize("program_id", sorted(EXAMPLES))
def test_a_step_that_says_someone_will_be_told_tells_them(program_id: str) -> None:
    """A confirmation such as "The applicant will be told their application was not
    accepted." is a promise: the step or the state it enters must notify that person."""
    program = EXAMPLES[program_id]
    who = {"applicant": "self", "worker": "self", "coordinator": "coordinator"}
    checked = 0
    for role in ROLES:
        lifecycle = program.lifecycle_of(role)
        for t in lifecycle.transitions.values():
            if not t.confirm or "will be told" not in t.confirm:
                continue
            told_to = {*t.notify, *lifecycle.states[t.dest].notify}
            for word, meaning in who.items():
                if f"{word} " in t.confirm.lower().split("will be told")[0]:
                    wanted = role if meaning == "self" else meaning
                    assert wanted in told_to or "pair" in told_to, (program_id, t.id, word)
                    checked += 1
    assert checked
