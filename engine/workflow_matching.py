"""Matching: assigning a mentor and taking the program's `on_match` transition at once."""

from __future__ import annotations

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


class Pairings(WorkflowBase):
    # -- matching ------------------------------------------------------------------

    def match(
        self,
        mentee_id: str,
        mentor_id: str,
        actor: Actor,
        expected_version: int | None = None,
    ) -> Enrollment:
        """Assign a mentor and take the program's `on_match` transition, in one transaction."""
        with self.transaction() as session:
            record = self.record(session, mentee_id)
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
        assert program.matching is not None
        lifecycle = program.lifecycle_of("mentor")
        states = program.matching.mentor_states or [
            s for s in lifecycle.states if s not in lifecycle.finals and s != lifecycle.initial
        ]
        if mentor.state not in states:
            raise Conflict(
                f"{mentor.person.email} cannot take mentees while {lifecycle.label(mentor.state)}."
            )
        held = len(mentees_of(session, mentor))
        if held >= (mentor.capacity or 1):
            raise Conflict(f"{mentor.person.email} already holds {held} mentee(s), their limit.")
