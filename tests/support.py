"""Test helpers: a walker that drives an enrollment through its lifecycle the way a
coordinator would, with the engine's sample answers (engine/sandbox/samples.py).

Nothing here knows a particular program: the walker plans over the lifecycle, meeting
each transition's guards (`requires`) before taking it. This module only makes data: it
never judges whether answers are valid (no copy of the engine's rules), so an engine that
refuses what it should take, or takes what it should refuse, is seen by the tests that
use it.
"""

from __future__ import annotations

import datetime as dt
import itertools
import re
from collections import deque
from collections.abc import Callable, Iterable
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from mentorflow.engine.definition.conditions import Condition, evaluate
from mentorflow.engine.definition.program import Form, Lifecycle, Program, Transition
from mentorflow.engine.errors import MentorflowError
from mentorflow.engine.records.enrollment import EnrollmentRecord
from mentorflow.engine.records.store import Enrollment
from mentorflow.engine.rules.access import Actor
from mentorflow.engine.sandbox import samples
from mentorflow.engine.sandbox.samples import PATTERN_CANDIDATES, NoSample  # noqa: F401
from mentorflow.engine.service.workflow import Workflow

TODAY = dt.date(2026, 3, 2)  # the conftest clock's first day
MAX_STEPS = 60
_serial = itertools.count(1)


def closed_copy(source: Path, folder: Path, program_id: str = "closed-program") -> Path:
    """A copy of the definition at `source`, as `program_id`, with `accepting_applications:
    false`: a program that is listed nowhere and takes no applications."""
    text = source.read_text()
    found = re.search(r"^  id: (\S+)$", text, re.MULTILINE)
    assert found, f"{source}: no program id"
    text = text.replace(found.group(0), f"  id: {program_id}\n  accepting_applications: false", 1)
    target = folder / f"{program_id}.yaml"
    target.write_text(text)
    return target


def sample_answers(
    program: Program,
    form: Form | str,
    satisfy: Iterable[Condition | None] = (),
    today: dt.date = TODAY,
    *,
    email: str | None = None,
    supervisor: str | None = None,
) -> dict[str, Any]:
    """The engine's sample answers, on the conftest clock's first day unless told."""
    return samples.sample_answers(program, form, satisfy, today, email=email, supervisor=supervisor)


def unique(prefix: str) -> str:
    """A fresh e-mail address: tests that share one database never meet each other."""
    return f"{prefix}.{next(_serial)}@example.gov"


# ---------------------------------------------------------------- the walk


@dataclass
class Cast:
    """The staff of one program in the tests, and an account for applicants' supervisor."""

    program: Program
    coordinator: Actor
    admin: Actor
    supervisor: Actor


def make_cast(people: Any, program: Program) -> Cast:
    return Cast(
        program=program,
        coordinator=people.person(
            unique(f"coordinator.{program.id}"), "Cora Coordinator", coordinates=program.id
        ),
        admin=people.person(unique("admin"), "Ada Admin", admin=True),
        supervisor=people.person(unique(f"supervisor.{program.id}"), "Sam Supervisor"),
    )


@dataclass(frozen=True)
class Step:
    """One transition the walker took (auto transitions are the engine's, not steps)."""

    transition: str
    actor_role: str
    answers: dict[str, Any] | None


@dataclass
class Walk:
    program: Program
    role: str
    enrollment_id: str
    person: Actor
    cast: Cast
    steps: list[Step] = field(default_factory=list)
    mentors: list[Walk] = field(default_factory=list)
    detours: list[str] = field(default_factory=list)  # steps that failed, planned around
    state: str = ""


def plan(
    lifecycle: Lifecycle,
    state: str,
    targets: Iterable[str],
    banned: Iterable[tuple[str, str]] = (),
) -> list[Transition] | None:
    """A shortest path of transitions from `state` into one of `targets` (breadth first,
    transitions in definition order), avoiding the (state, transition) pairs in `banned`;
    None when there is none. An empty list when `state` is a target already."""
    goal, skip = set(targets), set(banned)
    paths: dict[str, list[Transition]] = {state: []}
    queue = deque([state])
    while queue:
        here = queue.popleft()
        if here in goal:
            return paths[here]
        for t in lifecycle.leaving(here):
            if (here, t.id) not in skip and t.dest not in paths:
                paths[t.dest] = [*paths[here], t]
                queue.append(t.dest)
    return None


def conditions_on(path: Iterable[Transition]) -> list[Condition]:
    return [t.requires.when for t in path if t.requires and t.requires.when]


def state_of(workflow: Workflow, enrollment_id: str) -> str:
    with workflow.db.session() as session:
        enrollment = session.get(Enrollment, enrollment_id)
        assert enrollment is not None
        return enrollment.state


def state_since(workflow: Workflow, enrollment_id: str) -> dt.datetime:
    """When the enrollment entered its current state, as stored."""
    with workflow.db.session() as session:
        enrollment = session.get(Enrollment, enrollment_id)
        assert enrollment is not None
        return enrollment.state_since


def meet_guards(
    workflow: Workflow, walk: Walk, t: Transition, *, people: Any, clock: Any, wait: bool
) -> None:
    """Meet `t`'s guards on the walk's enrollment: forms, signatures, answers it reads, and
    (when `wait`) its days in the state; without `wait` the clock is left as it is."""
    _Walker(workflow, walk, people, clock).meet_guards(t, [t], wait=wait)


class _Walker:
    def __init__(self, workflow: Workflow, walk: Walk, people: Any, clock: Any):
        self.workflow, self.walk, self.people, self.clock = workflow, walk, people, clock
        self.program = walk.program

    @property
    def today(self) -> dt.date:
        return self.workflow.clock().date()

    def state(self) -> str:
        return state_of(self.workflow, self.walk.enrollment_id)

    def inspect(self, check: Callable[[EnrollmentRecord], Any]) -> Any:
        with self.workflow.db.session() as session:
            return check(self.workflow.record(session, self.walk.enrollment_id))

    def apply_answers(self, path: list[Transition]) -> dict[str, Any]:
        role = self.program.roles[self.walk.role]
        satisfy = [role.eligibility.when if role.eligibility else None, *conditions_on(path)]
        return sample_answers(
            self.program,
            self.program.apply_form(self.walk.role),
            satisfy,
            self.today,
            email=self.walk.person.email,
            supervisor=self.walk.cast.supervisor.email,
        )

    def submit(self, form_id: str, path: list[Transition]) -> None:
        form = self.program.forms[form_id]
        if form.apply_for is not None:
            answers = self.apply_answers(path)
        else:
            answers = sample_answers(self.program, form, conditions_on(path), self.today)
        coordinator = self.walk.cast.coordinator  # a coordinator may fill any form
        self.workflow.submit(self.walk.enrollment_id, form_id, coordinator, answers)

    def meet_guards(self, t: Transition, path: list[Transition], *, wait: bool = True) -> None:
        """Make `t`'s `requires` hold: answers it reads, forms and signatures, and (when
        `wait`) days, by setting the clock to the first moment they are met."""
        requires, before = t.requires, self.state()
        if requires is None:
            return
        eid = self.walk.enrollment_id
        if requires.when is not None:
            holds = self.inspect(lambda r: evaluate(requires.when, r.answer, r.now.date()))
            if not holds:
                read = dict.fromkeys(name.partition(".")[0] for name in requires.when.fields())
                for form_id in read:
                    form = self.program.forms.get(form_id)
                    if form and form.owner == self.walk.role and before in form.open_in:
                        self.submit(form_id, path)
        for form_id in requires.forms:
            if self.state() != before:
                return  # an auto transition moved on meanwhile
            if self.inspect(lambda r, f=form_id: r.current(f)) is None:
                self.submit(form_id, path)
            for role in self.inspect(lambda r, f=form_id: r.missing_signatures(f)):
                if self.state() != before:
                    return
                self.workflow.sign(eid, form_id, self.walk.cast.coordinator, on_behalf_of=role)
        days = requires.min_days_in_state
        if wait and days is not None and self.state() == before:
            # The clock is set from the row, not from the engine's count of days, so an
            # engine that counts wrong is refused here and noticed.
            since = state_since(self.workflow, self.walk.enrollment_id)
            self.clock.now = max(self.clock.now, since + dt.timedelta(days=days))

    def actor_for(self, t: Transition) -> Actor:
        cast = self.walk.cast
        if "coordinator" in t.by:
            return cast.coordinator
        if "supervisor" in t.by:  # e.g. a supervisor-only decline: the supervisor takes it
            return cast.supervisor
        return cast.admin  # an admin may take every transition

    def match(self, t: Transition) -> None:
        program = self.program
        assert program.matching is not None, f"{t.id} needs a partner but there is no matching"
        mentor_lifecycle = program.lifecycle_of("mentor")
        mentor_states = program.matching.mentor_states or [
            s
            for s in mentor_lifecycle.states
            if s not in mentor_lifecycle.finals and s != mentor_lifecycle.initial
        ]
        mentor = walk_to(
            self.workflow,
            program,
            "mentor",
            mentor_states,
            people=self.people,
            clock=self.clock,
            cast=self.walk.cast,
        )
        self.walk.mentors.append(mentor)
        coordinator = self.walk.cast.coordinator
        self.workflow.match(self.walk.enrollment_id, mentor.enrollment_id, coordinator)
        self.walk.steps.append(Step(program.matching.on_match, "coordinator", None))

    def step(self, t: Transition, path: list[Transition]) -> None:
        before = self.state()
        self.meet_guards(t, path)
        if self.state() != before:
            return  # the engine took an auto transition on its own
        matching = self.program.matching
        paired = self.inspect(lambda r: r.enrollment.pairing_id is not None)
        if matching is not None and t.id == matching.on_match and not paired:
            self.match(t)
            return
        actor = self.actor_for(t)
        answers = sample_answers(self.program, t.ask, (), self.today) if t.ask else None
        self.workflow.take(self.walk.enrollment_id, t.id, actor, answers)
        cast = self.walk.cast
        role = {cast.coordinator: "coordinator", cast.supervisor: "supervisor"}.get(actor, "admin")
        self.walk.steps.append(Step(t.id, role, answers))


def walk_to(
    workflow: Workflow,
    program: Program,
    role: str,
    target: str | Iterable[str],
    *,
    people: Any,
    clock: Any,
    cast: Cast | None = None,
    name: str = "",
) -> Walk:
    """Apply as a new person in `role` and take transitions until the enrollment is in
    `target` (a state, or any of several). Each transition's guards are met first; a step
    that fails anyway is noted in `detours` and the next shortest path is tried."""
    targets = {target} if isinstance(target, str) else set(target)
    lifecycle = program.lifecycle_of(role)
    cast = cast or make_cast(people, program)
    person = people.person(unique(f"{role}.{program.id}"), name or f"{role.title()} Applicant")
    walk = Walk(program, role, "", person, cast)
    walker = _Walker(workflow, walk, people, clock)
    first = plan(lifecycle, lifecycle.initial, targets)
    assert first is not None, f"{program.id}: no way from {lifecycle.initial} to {targets}"
    enrollment = workflow.apply(program.id, role, person, walker.apply_answers(first))
    walk.enrollment_id = enrollment.id
    banned: set[tuple[str, str]] = set()
    for _ in range(MAX_STEPS):
        state = walker.state()
        walk.state = state
        if state in targets:
            return walk
        path = plan(lifecycle, state, targets, banned)
        if path is None:
            raise AssertionError(
                f"{program.id} {role}: no way from {state} to {sorted(targets)}; "
                f"failed steps: {walk.detours}"
            )
        t = path[0]
        try:
            walker.step(t, path)
        except MentorflowError as exc:
            banned.add((state, t.id))
            walk.detours.append(f"{state} -{t.id}-> {t.dest}: {type(exc).__name__}: {exc}")
            continue
        if walker.state() == state:
            banned.add((state, t.id))
            walk.detours.append(f"{state} -{t.id}-> {t.dest}: the enrollment did not move")
    raise AssertionError(f"{program.id} {role}: gave up after {MAX_STEPS} steps: {walk.detours}")
