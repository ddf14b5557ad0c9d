"""A known set of relationships in the general program, for the closure, recognition and
export tests: one mentor (Mona) with a completed relationship, one ended early and one
from which the mentee was returned to the pool and matched again with another mentor."""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

from mentorflow.engine.definition.program import Program
from mentorflow.engine.records.store import Enrollment, Person
from mentorflow.engine.service.workflow import Workflow
from tests.support import Cast, Walk, make_cast, sample_answers, walk_to

GENERAL = "general-mentoring"
EARLY_REASON = "Job change or transfer"


@dataclass
class Closures:
    cast: Cast
    mentor: Walk  # Mona, who mentored all three
    other_mentor: Walk  # Otto, who took over Rita
    completed: Walk  # Cleo: completed with Mona
    early: Walk  # Eddie: ended early with Mona
    rematched: Walk  # Rita: with Mona, returned to the pool, now with Otto


def make_closures(workflow: Workflow, people: Any, clock: Any) -> Closures:
    program: Program = workflow.programs[GENERAL]
    cast = make_cast(people, program)
    coordinator = cast.coordinator

    def walk(role: str, target: str, name: str) -> Walk:
        found = walk_to(
            workflow, program, role, target, people=people, clock=clock, cast=cast, name=name
        )
        assert found.detours == [], found.detours
        return found

    def sample(form_id: str, **changes: Any) -> dict[str, Any]:
        today = workflow.clock().date()
        return {**sample_answers(program, form_id, today=today), **changes}

    completed = walk("mentee", "completed", "Cleo Completed")
    mentor = completed.mentors[0]
    with workflow.db.session() as session, session.begin():
        found = session.get(Enrollment, mentor.enrollment_id)
        assert found is not None
        person = session.get(Person, found.person_id)
        assert person is not None
        person.name = "Mona Mentor"

    early = walk("mentee", "trained", "Eddie Early")
    workflow.match(early.enrollment_id, mentor.enrollment_id, coordinator)
    closure = sample("early_closure", reasons=[EARLY_REASON])
    closure.pop("other_reason", None)
    workflow.take(early.enrollment_id, "close_early", coordinator, closure)

    rematched = walk("mentee", "trained", "Rita Rematched")
    workflow.match(rematched.enrollment_id, mentor.enrollment_id, coordinator)
    clock.advance(3)
    workflow.take(rematched.enrollment_id, "unmatch", coordinator, sample("unmatch_reason"))
    other = walk("mentor", "trained", "Otto Other")
    clock.advance(1)
    workflow.match(rematched.enrollment_id, other.enrollment_id, coordinator)
    return Closures(cast, mentor, other, completed, early, rematched)
