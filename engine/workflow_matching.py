"""Matching: assigning a mentor and taking the program's `on_match` transition at once."""

from __future__ import annotations

from sqlalchemy import func, select
from sqlalchemy.orm import Session

from engine.access import (
    Actor,
    mentees_of,
)
from engine.errors import (
    Conflict,
    Forbidden,
    NotAvailable,
    NotFound,
)
from engine.lifecycle import destination
from engine.program import Program
from engine.store import (
    Enrollment,
    Pairing,
)
from engine.workflow_base import WorkflowBase, acting_role


def mentors_with_places(session: Session, program: Program) -> list[tuple[Enrollment, int]]:
    """Mentors who can take a mentee now, with how many places each has left."""
    held = {
        mentor_id: count
        for mentor_id, count in session.execute(
            select(Pairing.mentor_id, func.count())
            .where(Pairing.program_id == program.id, Pairing.ended_at.is_(None))
            .group_by(Pairing.mentor_id)
        )
    }
    mentors = session.scalars(
        select(Enrollment)
        .where(
            Enrollment.program_id == program.id,
            Enrollment.role == "mentor",
            Enrollment.state.in_(program.mentor_states()),
        )
        .order_by(Enrollment.created_at)
    )
    found = []
    for mentor in mentors:
        left = (mentor.capacity or 1) - held.get(mentor.id, 0)
        if left > 0:
            found.append((mentor, left))
    return found


class Pairings(WorkflowBase):
    # -- matching ------------------------------------------------------------------

    def match(
        self,
        mentee_id: str,
        mentor_id: str,
        actor: Actor,
        expected_version: int | None = None,
        program_id: str | None = None,
    ) -> Enrollment:
        """Assign a mentor and take the program's `on_match` transition, in one transaction."""
        with self.transaction() as session:
            record = self.record(session, mentee_id, program_id)
            program = record.program
            roles = self.roles(record, actor)
            if not roles & {"coordinator", "admin"}:
                raise Forbidden("Only a coordinator may match mentors and mentees.")
            if program.matching is None:
                raise NotAvailable(f"{program.title} has no matching.")
            self._check_version(record.enrollment, expected_version)
            mentor = session.get(Enrollment, mentor_id)
            if mentor is None or mentor.program_id != program.id or mentor.role != "mentor":
                raise NotFound("There is no such mentor in this program.")
            if record.enrollment.role != "mentee":
                raise NotFound("Only a mentee is matched with a mentor.")
            self._check_mentor(program, mentor, session)
            transition = program.lifecycle_of("mentee").transitions[program.matching.on_match]
            if (
                destination(record.lifecycle.machine, transition.id, record.enrollment.state)
                is None
            ):
                raise NotAvailable(
                    f"{record.enrollment.person.email} is not waiting for a match "
                    f"(now {record.lifecycle.label(record.enrollment.state)})."
                )
            pairing = Pairing(
                program_id=program.id,
                mentee_id=record.enrollment.id,
                mentor_id=mentor.id,
                started_at=record.now,
            )
            session.add(pairing)
            session.flush()
            record.enrollment.pairing_id = pairing.id
            mentor.updated_at = record.now  # the mentor's record changed too
            record.forget()
            self._check_possible(record, transition)
            self._move(record, transition, actor, acting_role(roles, transition), None)
            self._run_autos(record)
            return record.enrollment

    def _check_mentor(self, program: Program, mentor: Enrollment, session: Session) -> None:
        lifecycle = program.lifecycle_of("mentor")
        if mentor.state not in program.mentor_states():
            raise Conflict(
                f"{mentor.person.email} cannot take mentees while {lifecycle.label(mentor.state)}."
            )
        held = len(mentees_of(session, mentor))
        if held >= (mentor.capacity or 1):
            raise Conflict(f"{mentor.person.email} already holds {held} mentee(s), their limit.")
