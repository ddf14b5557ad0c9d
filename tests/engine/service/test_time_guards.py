"""Every `min_days_in_state` guard of the definitions, at its boundary, with the clock set.

The format (definition-format.md, "Guards under `requires`") says `min_days_in_state: N`
and the engine's reason reads "it can be taken after N days": so the transition is refused
a second before N whole days in the state and at N-1 days, and can be taken at N days and
at N+1. The clock is set from the moment the enrollment entered the state, as stored,
never by asking the engine how many days it counts.
"""

from __future__ import annotations

import datetime as dt
import re

import pytest

from mentorflow import engine
from mentorflow.engine.definition.program import Program, Transition
from mentorflow.engine.errors import GuardsFailed
from mentorflow.engine.rules.access import Actor
from mentorflow.engine.service.workflow import Workflow
from tests.conftest import ROOT, SMALL, Clock, People
from tests.support import meet_guards, sample_answers, state_of, state_since, walk_to

PROGRAMS = {**engine.load_paths([ROOT / "definitions"]), "small-program": engine.load_file(SMALL)}
# (program, role, transition, N): every time guard of every definition.
GUARDS = [
    (program_id, role, t.id, t.requires.min_days_in_state)
    for program_id, program in sorted(PROGRAMS.items())
    for role in sorted(program.roles)
    for t in program.lifecycle_of(role).transitions.values()
    if t.requires is not None and t.requires.min_days_in_state is not None
]
SECOND = dt.timedelta(seconds=1)


def test_every_definition_with_a_time_guard_is_here() -> None:
    # The four examples and the small program each have at least one; a definition that
    # gains one is picked up by GUARDS on its own.
    assert {program_id for program_id, *_ in GUARDS} == set(PROGRAMS)
    assert all(days > 1 for *_, days in GUARDS)  # N-1 is then a day in the state, not 0


def _reasons(
    workflow: Workflow, program: Program, eid: str, t: Transition, who: Actor
) -> list[str]:
    return list(workflow.transition_page(program.id, eid, t.id, who).reasons)


@pytest.mark.parametrize(
    ("program_id", "role", "transition_id", "days"),
    [pytest.param(*g, id=f"{g[0]}-{g[1]}-{g[2]}-{g[3]}") for g in GUARDS],
)
def test_time_guard_boundary(
    workflow: Workflow,
    people: People,
    clock: Clock,
    program_id: str,
    role: str,
    transition_id: str,
    days: int,
) -> None:
    program = workflow.programs[program_id]
    t = program.lifecycle_of(role).transitions[transition_id]
    source = sorted(t.sources)[0]
    walk = walk_to(workflow, program, role, source, people=people, clock=clock)
    eid, coordinator = walk.enrollment_id, walk.cast.coordinator
    meet_guards(workflow, walk, t, people=people, clock=clock, wait=False)
    assert state_of(workflow, eid) == source
    since = state_since(workflow, eid)
    wait = f"it can be taken after {days} days in {program.lifecycle_of(role).label(source)}"
    answers = sample_answers(program, t.ask, (), since.date()) if t.ask else None

    # Whatever else the transition needs is met: only the days are missing.
    clock.now = since + dt.timedelta(days=days - 1)
    [reason] = _reasons(workflow, program, eid, t, coordinator)
    assert reason.startswith(wait), reason
    with pytest.raises(GuardsFailed, match=re.escape(wait)):
        workflow.take(eid, t.id, coordinator, answers)
    clock.now = since + dt.timedelta(days=days) - SECOND
    [reason] = _reasons(workflow, program, eid, t, coordinator)
    assert reason.startswith(wait), reason
    with pytest.raises(GuardsFailed, match=re.escape(wait)):
        workflow.take(eid, t.id, coordinator, answers)

    clock.now = since + dt.timedelta(days=days)
    assert _reasons(workflow, program, eid, t, coordinator) == []
    clock.now = since + dt.timedelta(days=days + 1)
    assert _reasons(workflow, program, eid, t, coordinator) == []
    assert state_of(workflow, eid) == source  # looking took nothing

    # Taken at exactly N days (the clock may be set back: nothing was written since).
    clock.now = since + dt.timedelta(days=days)
    workflow.take(eid, t.id, coordinator, answers)
    assert state_of(workflow, eid) == t.dest
