"""The core of the workflow service: applying, transitions and the auto moves they set off.

Every write checks the enrollment's version, so of two coordinators pressing the same
button exactly one wins and the other is told, with nothing half-written. Forms
(`forms`), matching (`matching`) and imports (`importer`) build on this class;
`workflow.Workflow` is the whole service.
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping, Sequence
from typing import Any, NamedTuple

from sqlalchemy import select
from sqlalchemy.orm import Session

from ..definition.lifecycle import destination
from ..definition.program import Program, Transition
from ..errors import (
    Clashed,
    Conflict,
    Forbidden,
    GuardsFailed,
    InvalidAnswers,
    NotAvailable,
    NotFound,
    Unverified,
)
from ..records.drafts import clear_draft
from ..records.enrollment import EnrollmentRecord
from ..records.store import (
    Enrollment,
    Event,
    Pairing,
    Person,
    Submission,
)
from ..rules.access import (
    SYSTEM_ACTOR,
    Actor,
    may_take,
)
from ..rules.answers import clean_answers
from ..rules.guards import blocked_reasons
from .applications import (
    Applicant,
    ApplicationRows,
    already_enrolled,
    application_rows,
    entered_state,
    event_row,
    open_enrollments,
    supervisor_email,
    supervisor_field,
    target_state,
    write_applications,
)
from .notify import NewEnrollmentRecipients, tell_step
from .session import ServiceBase
from .snapshots import EnrollmentSnapshot
from .uploads import claim_files

MAX_AUTO_STEPS = 20  # auto transitions that feed each other stop here, never loop


class TransitionChoice(NamedTuple):
    """A transition a viewer may take from the current state, with every reason it is
    blocked now (empty: it can be taken)."""

    transition: Transition
    reasons: tuple[str, ...]


class DueStep(NamedTuple):
    """An automatic step taken because its time had come."""

    program_id: str
    enrollment_id: str
    before: str
    after: str


class WorkflowBase(ServiceBase):
    # -- applying ------------------------------------------------------------------

    def apply(
        self, program_id: str, role: str, actor: Actor, answers: Mapping[str, Any]
    ) -> EnrollmentSnapshot:
        program = self.open_for_applications(program_id, role)
        if actor.person_id is None:
            raise Forbidden("Sign in to apply.")
        if not actor.verified:
            raise Unverified()
        try:
            with self.transaction() as session:
                person = session.get(Person, actor.person_id)
                if person is None:
                    raise NotFound("There is no such person.")
                return EnrollmentSnapshot.of(
                    self._enroll(session, program, role, person, answers, actor)
                )
        except Clashed:
            # The same application written at the same moment (a double press, two tabs):
            # the database kept one, and this press is answered with it.
            with self.reading() as session:
                found = open_enrollments(session, program, role, [actor.email])
                enrollment = session.get(Enrollment, found.get(actor.email, ""))
                if enrollment is None:
                    raise
                return EnrollmentSnapshot.of(enrollment)

    def open_for_applications(self, program_id: str, role: str) -> Program:
        """The program, when people may apply to it as `role` now: NotFound for a role it
        lacks, Conflict while it is not accepting applications."""
        program = self.program_with_role(program_id, role)
        if not program.info.accepting_applications:
            raise Conflict(f"{program.title} is not accepting applications right now.")
        return program

    def _enroll(
        self,
        session: Session,
        program: Program,
        role: str,
        person: Person,
        answers: Mapping[str, Any],
        actor: Actor,
        *,
        state: str | None = None,
    ) -> Enrollment:
        """One application: the importer's bulk write with one row, so both ways in write
        the same records (`state`: placed there, as an import does)."""
        target = target_state(program, role, state)
        existing = open_enrollments(session, program, role, [person.email])
        if person.email in existing:
            raise already_enrolled(program, role, person.email, existing[person.email])
        clean = self.clean_apply_answers(program, role, person.email, answers)
        claim_files(session, self.uploads, clean)
        applicant = Applicant(person.id, person.email, person.display_name)
        recipients = NewEnrollmentRecipients(session, program, self.identity)
        rows = application_rows(
            program, role, applicant, clean, actor, self.clock(), target, recipients
        )
        self._write_applications(session, program, [rows])
        # The application is sent: the draft of it the applicant kept is done with.
        clear_draft(session, person.id, program.id, program.roles[role].apply_form, "")
        enrollment = session.get(Enrollment, rows.id)
        assert enrollment is not None  # just written
        return enrollment

    def _write_applications(
        self, session: Session, program: Program, applications: Sequence[ApplicationRows]
    ) -> None:
        """Write new applications, then take the `auto` transitions whose guards hold. The
        guards are checked in memory first: only the enrollments an auto transition leaves
        from are loaded and moved (`_run_autos`), so an import usually loads none."""
        write_applications(session, applications)
        now = self.clock()
        ready = []
        leaving: dict[tuple[str, str], list[Transition]] = {}  # the auto ones, by role and state
        for rows in applications:
            key = role, state = rows.enrollment["role"], rows.enrollment["state"]
            if key not in leaving:
                leaving[key] = [t for t in program.lifecycle_of(role).leaving(state) if t.auto]
            autos = leaving[key]
            if not autos:
                continue
            enrollment, submissions = Enrollment(**rows.enrollment), [Submission(**rows.submission)]
            record = EnrollmentRecord(session, program, enrollment, now, submissions)
            if any(not blocked_reasons(record, t) for t in autos):
                ready.append(rows.id)
        for enrollment_id in ready:
            self._run_autos(self.record(session, enrollment_id))

    def clean_apply_answers(
        self,
        program: Program,
        role: str,
        email: str,
        answers: Mapping[str, Any],
        existing: Mapping[str, Any] | None = None,
    ) -> dict[str, Any]:
        """The apply form's answers checked (eligibility included); `existing`: the stored
        answers of an edited application, whose files an empty file input keeps."""
        form = program.apply_form(role)
        clean = clean_answers(
            form,
            answers,
            today=self.clock().date(),
            eligibility=program.roles[role].eligibility,
            existing=existing,
        )
        link = supervisor_email(program, role, clean)
        if link is not None and link == email.lower():
            field = supervisor_field(program, role)
            raise InvalidAnswers(
                {field or "": "Give your supervisor's e-mail address, not your own."}
            )
        return clean

    # -- transitions ---------------------------------------------------------------

    def transitions_for(
        self, record: EnrollmentRecord, roles: frozenset[str]
    ) -> list[TransitionChoice]:
        """The transitions this viewer may take from the current state, each with the
        reasons it is blocked: what the enrollment page offers. One without `by` is left
        out: the system takes it as soon as its guards hold, nobody needs a button."""
        return [
            TransitionChoice(t, tuple(blocked_reasons(record, t)))
            for t in record.lifecycle.leaving(record.enrollment.state)
            if t.by and may_take(t, roles)
        ]

    def transition_for(
        self,
        record: EnrollmentRecord,
        roles: frozenset[str],
        transition_id: str,
        expected_version: int | None = None,
    ) -> TransitionChoice:
        """One transition this viewer may take now, with the reasons it is blocked; the
        transition's page and `take` both ask here. NotFound, Forbidden, StaleVersion or
        NotAvailable when it cannot be chosen at all."""
        transition = record.lifecycle.transitions.get(transition_id)
        if transition is None:
            raise NotFound(f"There is no transition '{transition_id}'.")
        if not may_take(transition, roles):
            raise Forbidden(f"You may not {transition.label.lower()} here.")
        self._check_version(record.enrollment, expected_version)
        self._check_leaves(record, transition)
        return TransitionChoice(transition, tuple(blocked_reasons(record, transition)))

    def take(
        self,
        enrollment_id: str,
        transition_id: str,
        actor: Actor,
        answers: Mapping[str, Any] | None = None,
        expected_version: int | None = None,
        program_id: str | None = None,
    ) -> EnrollmentSnapshot:
        with self.transaction() as session:
            record = self.record(session, enrollment_id, program_id)
            roles = self.roles(record, actor)
            transition, reasons = self.transition_for(
                record, roles, transition_id, expected_version
            )
            if reasons:
                raise GuardsFailed(transition.label, list(reasons))
            ask_answers = None
            if transition.ask is not None:
                form = record.program.forms[transition.ask]
                ask_answers = clean_answers(form, answers or {}, today=record.now.date())
                claim_files(session, self.uploads, ask_answers)
            role = acting_role(roles, transition)
            self._move(record, transition, actor, role, ask_answers)
            self._run_autos(record)
            return EnrollmentSnapshot.of(record.enrollment)

    def _check_leaves(self, record: EnrollmentRecord, transition: Transition) -> None:
        state = record.enrollment.state
        if destination(record.lifecycle.machine, transition.id, state) is None:
            raise NotAvailable(
                f"{transition.label} is not possible from {record.lifecycle.label(state)}."
            )

    def _check_possible(self, record: EnrollmentRecord, transition: Transition) -> None:
        self._check_leaves(record, transition)
        reasons = blocked_reasons(record, transition)
        if reasons:
            raise GuardsFailed(transition.label, reasons)

    def _move(
        self,
        record: EnrollmentRecord,
        transition: Transition,
        actor: Actor,
        role: str,
        answers: dict[str, Any] | None,
    ) -> None:
        before = record.enrollment.state
        pairing_id = record.enrollment.pairing_id
        self._enter(record, transition.dest)
        record.session.add(
            self._event(
                record, actor, role, "transition", transition.id, before, answers, pairing_id
            )
        )
        # One message per person for the step and the state it enters, whichever names them.
        tell_step(record.session, self.identity, record.program, record.enrollment, transition)

    def _enter(self, record: EnrollmentRecord, state: str) -> None:
        enrollment = record.enrollment
        for column, value in entered_state(record.lifecycle, state, record.now).items():
            setattr(enrollment, column, value)
        self._touch(record)
        if (
            enrollment.role == "mentee"
            and enrollment.pairing_id
            and (enrollment.is_final or record.program.waiting_for_match(state))
        ):
            # The mentor's place is freed; the pairing and its forms stay in the history.
            pairing = record.session.get(Pairing, enrollment.pairing_id)
            if pairing is not None:
                pairing.ended_at = record.now
            if not enrollment.is_final:
                # Back in the pool: the next pairing starts empty. A relationship that
                # ended keeps its pairing, so its contract, check-ins and evaluations
                # stay current, and its mentor keeps seeing them.
                enrollment.pairing_id = None
            record.forget()

    def _event(
        self,
        record: EnrollmentRecord,
        actor: Actor,
        role: str,
        kind: str,
        transition_id: str | None,
        before: str | None,
        answers: dict[str, Any] | None,
        pairing_id: str | None = None,
    ) -> Event:
        e = record.enrollment
        row = event_row(record.program, e.id, record.now, actor, role, kind, before, e.state)
        row.update(transition=transition_id, pairing_id=pairing_id or e.pairing_id)
        return Event(**row, answers=answers)

    def take_due_steps(self, programs: Iterable[str] | None = None) -> tuple[DueStep, ...]:
        """Take the automatic steps whose time has come: an `auto` transition guarded by
        time (`min_days_in_state`) holds because days passed, not because anything
        changed, so nothing else would take it. `mentorflow remind` and the sandbox's
        clock call this; each enrollment moves in its own transaction."""
        chosen = [self.program(p) for p in (self.programs if programs is None else programs)]
        waiting: list[str] = []
        with self.reading() as session:
            for program in chosen:
                for role in program.roles:
                    lifecycle = program.lifecycle_of(role)
                    automatic = {
                        s for s in lifecycle.states if any(t.auto for t in lifecycle.leaving(s))
                    }
                    if automatic:
                        waiting += session.scalars(
                            select(Enrollment.id).where(
                                Enrollment.program_id == program.id,
                                Enrollment.role == role,
                                Enrollment.state.in_(sorted(automatic)),
                            )
                        )
        taken: list[DueStep] = []
        for enrollment_id in waiting:
            with self.transaction() as session:
                record = self.record(session, enrollment_id)
                before = record.enrollment.state
                self._run_autos(record)
                if record.enrollment.state != before:
                    taken.append(
                        DueStep(record.program.id, enrollment_id, before, record.enrollment.state)
                    )
        return tuple(taken)

    def _run_autos(self, record: EnrollmentRecord) -> None:
        """Take every `auto` transition whose guards hold, as the system."""
        record.session.flush()
        for _ in range(MAX_AUTO_STEPS):
            ready = [
                t
                for t in record.lifecycle.leaving(record.enrollment.state)
                if t.auto and not blocked_reasons(record, t)
            ]
            if not ready:
                return
            self._move(record, ready[0], SYSTEM_ACTOR, "system", None)
            record.session.flush()


def acting_role(roles: frozenset[str], transition: Transition) -> str:
    for role in ("coordinator", "admin", "mentor", "mentee", "supervisor", "pair"):
        if role in roles and (role in transition.by or role == "admin"):
            return role
    return sorted(roles)[0]
