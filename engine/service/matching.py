"""Matching: assigning a mentor and taking the program's `on_match` transition at once."""

from __future__ import annotations

from collections.abc import Callable, Sequence
from typing import Any

from sqlalchemy import func, select
from sqlalchemy.orm import Session

from ..definition.lifecycle import destination
from ..definition.program import Program
from ..errors import (
    Conflict,
    MentorflowError,
    NotAvailable,
    NotFound,
)
from ..records.store import (
    Enrollment,
    MatchingRun,
    Pairing,
    Person,
    Submission,
)
from ..rules.access import (
    Actor,
    mentees_of,
)
from ..rules.scoring import Candidate, MatchResult, propose
from .core import WorkflowBase, acting_role
from .snapshots import EnrollmentSnapshot


def mentors_with_places(session: Session, program: Program) -> list[tuple[Enrollment, int]]:
    """Mentors who can take a mentee now, with how many places each has left."""
    held = _places_held(session, program)
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


def _places_held(session: Session, program: Program) -> dict[str, int]:
    return {
        mentor_id: count
        for mentor_id, count in session.execute(
            select(Pairing.mentor_id, func.count())
            .where(Pairing.program_id == program.id, Pairing.ended_at.is_(None))
            .group_by(Pairing.mentor_id)
        )
    }


def matching_pool(session: Session, program: Program) -> tuple[list[Candidate], list[Candidate]]:
    """Mentees waiting for a match (application order) and mentors with places left,
    each with the answers of their apply form. Read as plain columns, not records: a pool
    of thousands is read on every page of the review, and building an enrollment and a
    person object for each was most of that reading."""
    lifecycle = program.lifecycle_of("mentee")
    waiting = [s for s in lifecycle.states if program.waiting_for_match(s)]
    mentees = session.execute(
        select(Enrollment.id, Person.name, Person.email)
        .join(Person, Enrollment.person_id == Person.id)
        .where(
            Enrollment.program_id == program.id,
            Enrollment.role == "mentee",
            Enrollment.state.in_(waiting),
        )
        .order_by(Enrollment.created_at, Enrollment.id)
    ).all()
    held = _places_held(session, program)
    mentors = [
        (mentor_id, name, email, (capacity or 1) - held.get(mentor_id, 0))
        for mentor_id, name, email, capacity in session.execute(
            select(Enrollment.id, Person.name, Person.email, Enrollment.capacity)
            .join(Person, Enrollment.person_id == Person.id)
            .where(
                Enrollment.program_id == program.id,
                Enrollment.role == "mentor",
                Enrollment.state.in_(program.mentor_states()),
            )
            .order_by(Enrollment.created_at)
        )
    ]
    mentors = [m for m in mentors if m[3] > 0]
    answers = _apply_answers(session, program, [m[0] for m in mentees] + [m[0] for m in mentors])

    def candidate(enrollment_id: str, name: str, email: str, places: int = 1) -> Candidate:
        # A person's name, or their e-mail while they have none (`Person.display_name`).
        return Candidate(
            enrollment_id, name or email, email, answers.get(enrollment_id, {}), places
        )

    return [candidate(*m) for m in mentees], [candidate(*m) for m in mentors]


def pair_candidates(
    session: Session, program: Program, mentee_id: str, mentor_id: str
) -> tuple[Candidate, Candidate]:
    """One mentee waiting for a match and one mentor who can take mentees, as the pool
    has them (answers, places left), read alone: scoring one pair reads two people, not
    the pool."""
    mentee = session.get(Enrollment, mentee_id)
    if (
        mentee is None
        or mentee.program_id != program.id
        or mentee.role != "mentee"
        or not program.waiting_for_match(mentee.state)
    ):
        raise NotFound("That mentee is not waiting for a match in this program.")
    mentor = session.get(Enrollment, mentor_id)
    if (
        mentor is None
        or mentor.program_id != program.id
        or mentor.role != "mentor"
        or mentor.state not in program.mentor_states()
    ):
        raise NotFound("That mentor cannot take mentees in this program.")
    held = session.scalar(
        select(func.count())
        .select_from(Pairing)
        .where(Pairing.mentor_id == mentor.id, Pairing.ended_at.is_(None))
    )
    answers = _apply_answers(session, program, [mentee.id, mentor.id])

    def candidate(e: Enrollment, places: int) -> Candidate:
        return Candidate(e.id, e.person.display_name, e.person.email, answers.get(e.id, {}), places)

    return candidate(mentee, 1), candidate(mentor, (mentor.capacity or 1) - (held or 0))


def _apply_answers(session: Session, program: Program, ids: list[str]) -> dict[str, dict[str, Any]]:
    """The latest apply-form answers of each enrollment, in one query."""
    forms = [program.roles[r].apply_form for r in ("mentee", "mentor")]
    found: dict[str, dict[str, Any]] = {}
    for chunk in range(0, len(ids), 500):
        rows = session.execute(
            select(Submission.enrollment_id, Submission.answers)
            .where(
                Submission.enrollment_id.in_(ids[chunk : chunk + 500]),
                Submission.form_id.in_(forms),
            )
            .order_by(Submission.created_at)
        )
        for enrollment_id, answers in rows:
            found[enrollment_id] = answers
    return found


def run_record(result: MatchResult, program: Program, actor: Actor, now: Any) -> MatchingRun:
    """A matching run as a record: its inputs, settings and results."""
    criteria = program.matching.criteria if program.matching else []
    used = {"mentee": {c.mentee for c in criteria}, "mentor": {c.mentor for c in criteria}}

    def person(m: Candidate, role: str, **extra: Any) -> dict[str, Any]:
        answers = {k: v for k, v in m.answers.items() if k in used[role]}
        return {"id": m.enrollment_id, **extra, "answers": answers}

    return MatchingRun(
        program_id=program.id,
        revision=program.revision,
        actor_id=actor.person_id,
        strategy=result.strategy,
        created_at=now,
        inputs={
            "mentees": [person(m, "mentee") for m in result.mentees],
            "mentors": [person(m, "mentor", places=m.places) for m in result.mentors],
        },
        settings={"criteria": [c.model_dump(by_alias=True) for c in criteria]},
        results={
            "proposals": [
                {"mentee": p.mentee_id, "mentor": p.mentor_id, "score": p.score, "points": p.points}
                for p in result.proposals
            ],
            "unmatched": [{"mentee": u.mentee_id, "reason": u.reason} for u in result.unmatched],
        },
    )


MATCH_ITS_MENTEES = "match its mentees"


class Pairings(WorkflowBase):
    def matching_program(self, program_id: str, actor: Actor, doing: str) -> Program:
        """The program, when `actor` is on its staff (or is the system) and it matches."""
        program = self.staff_program(program_id, actor, doing, system=True)
        if program.matching is None:
            raise NotAvailable(f"{program.title} has no matching.")
        return program

    def propose_matches(
        self,
        program_id: str,
        actor: Actor,
        strategy: str | None = None,
        *,
        save: bool = True,
        check: Callable[[MatchResult], None] | None = None,
    ) -> tuple[str | None, MatchResult]:
        """Proposals for everyone waiting, explained; the run is saved with its inputs.
        `check`, when given, sees the proposals before the run is saved and may refuse
        them (raising), which saves nothing."""
        program = self.matching_program(program_id, actor, "match")
        if not save:  # a review: read the pool, write nothing
            with self.reading() as session:
                mentees, mentors = matching_pool(session, program)
            return None, propose(program, mentees, mentors, strategy)
        with self.transaction() as session:
            mentees, mentors = matching_pool(session, program)
            result = propose(program, mentees, mentors, strategy)
            if check is not None:
                check(result)
            run = run_record(result, program, actor, self.clock())
            session.add(run)
            session.flush()
            return run.id, result

    def confirm_matches(
        self,
        program_id: str,
        pairs: list[tuple[str, str]],
        actor: Actor,
        run_id: str | None = None,
        progress: Callable[[int], None] | None = None,
        *,
        rejected: Sequence[str] = (),
    ) -> list[tuple[str, str, str | None]]:
        """Confirm each (mentee, mentor) through the engine, one transaction each:
        (mentee, mentor, None) when matched, or the refusal in words. `progress` is told
        after each pair, for a progress bar. The run `run_id`, when given, records the
        outcome, and the mentees whose proposal the coordinator `rejected`."""
        outcomes: list[tuple[str, str, str | None]] = []
        for mentee_id, mentor_id in pairs:
            try:
                self.match(mentee_id, mentor_id, actor, program_id=program_id)
                outcomes.append((mentee_id, mentor_id, None))
            except MentorflowError as exc:
                outcomes.append((mentee_id, mentor_id, str(exc)))
            if progress is not None:
                progress(1)
        if run_id is not None:
            with self.transaction() as session:
                run = session.get(MatchingRun, run_id)
                if run is not None and run.program_id == program_id:
                    run.confirmed = {
                        "at": self.clock().isoformat(),
                        "by": actor.person_id,
                        "pairs": [
                            {"mentee": m, "mentor": t, "refused": why} for m, t, why in outcomes
                        ],
                        **({"rejected": list(rejected)} if rejected else {}),
                    }
        return outcomes

    # -- matching ------------------------------------------------------------------

    def match(
        self,
        mentee_id: str,
        mentor_id: str,
        actor: Actor,
        expected_version: int | None = None,
        program_id: str | None = None,
    ) -> EnrollmentSnapshot:
        """Assign a mentor and take the program's `on_match` transition, in one transaction."""
        if program_id is not None:  # staff first: others learn nothing of the enrollment
            self.matching_program(program_id, actor, MATCH_ITS_MENTEES)
        with self.transaction() as session:
            record = self.record(session, mentee_id, program_id)
            program = self.matching_program(record.program.id, actor, MATCH_ITS_MENTEES)
            on_match = program.matching.on_match if program.matching else ""
            roles = self.roles(record, actor)
            self._check_version(record.enrollment, expected_version)
            mentor = session.get(Enrollment, mentor_id)
            if mentor is None or mentor.program_id != program.id or mentor.role != "mentor":
                raise NotFound("There is no such mentor in this program.")
            if record.enrollment.role != "mentee":
                raise NotFound("Only a mentee is matched with a mentor.")
            self._check_mentor(program, mentor, session)
            transition = program.lifecycle_of("mentee").transitions[on_match]
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
            return EnrollmentSnapshot.of(record.enrollment)

    def _check_mentor(self, program: Program, mentor: Enrollment, session: Session) -> None:
        lifecycle = program.lifecycle_of("mentor")
        if mentor.state not in program.mentor_states():
            raise Conflict(
                f"{mentor.person.email} cannot take mentees while {lifecycle.label(mentor.state)}."
            )
        held = len(mentees_of(session, mentor))
        if held >= (mentor.capacity or 1):
            raise Conflict(f"{mentor.person.email} already holds {held} mentee(s), their limit.")
