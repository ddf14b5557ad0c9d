"""The workflow service: apply, submit, sign, match and take transitions.

This is the engine API the web app and the command line call. Every call is one
database transaction: the change, its event and its messages commit together or not
at all. Every write checks the enrollment's version, so of two coordinators pressing
the same button exactly one wins and the other is told, with nothing half-written.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Callable, Iterator, Mapping
from contextlib import contextmanager
from dataclasses import dataclass
from typing import Any

from sqlalchemy import select
from sqlalchemy.exc import IntegrityError, OperationalError
from sqlalchemy.orm import Session
from sqlalchemy.orm.attributes import flag_modified
from sqlalchemy.orm.exc import StaleDataError

from engine.access import (
    SYSTEM_ACTOR,
    Actor,
    may_fill,
    may_take,
    mentees_of,
    partners,
    relations,
    signing_roles,
)
from engine.answers import clean_answers
from engine.conditions import evaluate
from engine.database import Database
from engine.errors import (
    AlreadyEnrolled,
    Conflict,
    Forbidden,
    FormNotOpen,
    GuardsFailed,
    InvalidAnswers,
    NotAvailable,
    NotFound,
    StaleVersion,
)
from engine.guards import blocked_reasons
from engine.lifecycle import destination
from engine.notify import queue
from engine.program import Form, Program, Transition
from engine.records import EnrollmentRecord
from engine.store import (
    Enrollment,
    Event,
    OpenItem,
    Pairing,
    Person,
    Signature,
    Submission,
    new_id,
    utcnow,
)

MAX_AUTO_STEPS = 20  # auto transitions that feed each other stop here, never loop


class Workflow:
    def __init__(
        self,
        programs: Mapping[str, Program],
        db: Database,
        clock: Callable[[], dt.datetime] = utcnow,
    ):
        self.programs = programs
        self.db = db
        self.clock = clock

    # -- plumbing -----------------------------------------------------------------

    @contextmanager
    def transaction(self) -> Iterator[Session]:
        """One unit of work; lost races and a busy database become conflicts (409)."""
        session = self.db.session()
        try:
            with session.begin():
                yield session
        except StaleDataError:
            raise StaleVersion() from None
        except OperationalError as exc:
            if "locked" in str(exc).lower() or "could not serialize" in str(exc).lower():
                raise Conflict("The database was busy with another change; try again.") from None
            raise
        except IntegrityError:
            raise Conflict("This clashed with another change made at the same time.") from None
        finally:
            session.close()

    def program(self, program_id: str) -> Program:
        found = self.programs.get(program_id)
        if found is None:
            raise NotFound(f"There is no program '{program_id}'.")
        return found

    def record(
        self, session: Session, enrollment_id: str, program_id: str | None = None
    ) -> EnrollmentRecord:
        enrollment = session.get(Enrollment, enrollment_id)
        if enrollment is None or (program_id and enrollment.program_id != program_id):
            raise NotFound("There is no such enrollment.")
        program = self.program(enrollment.program_id)
        return EnrollmentRecord(session, program, enrollment, self.clock())

    def roles(self, record: EnrollmentRecord, actor: Actor) -> frozenset[str]:
        """The actor's roles towards the enrollment; NotFound when they may not see it."""
        found = relations(record.session, actor, record.enrollment)
        if not found:
            raise NotFound("There is no such enrollment.")
        return found

    @staticmethod
    def _check_version(enrollment: Enrollment, expected: int | None) -> None:
        if expected is not None and expected != enrollment.version:
            raise StaleVersion()

    def _touch(self, record: EnrollmentRecord) -> None:
        # Any write to an enrollment's records changes its version, even at the same
        # instant as the last one: flagging forces the UPDATE that bumps it.
        record.enrollment.updated_at = record.now
        flag_modified(record.enrollment, "updated_at")

    # -- applying ------------------------------------------------------------------

    def apply(
        self, program_id: str, role: str, actor: Actor, answers: Mapping[str, Any]
    ) -> Enrollment:
        program = self.program(program_id)
        if role not in program.roles:
            raise NotFound(f"{program.title} has no role '{role}'.")
        if not program.info.accepting_applications:
            raise Conflict(f"{program.title} is not accepting applications right now.")
        if actor.person_id is None:
            raise Forbidden("Sign in to apply.")
        with self.transaction() as session:
            person = session.get(Person, actor.person_id)
            if person is None:
                raise NotFound("There is no such person.")
            return self._enroll(session, program, role, person, answers, actor)

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
        lifecycle = program.lifecycle_of(role)
        existing = session.scalars(
            select(Enrollment).where(
                Enrollment.program_id == program.id,
                Enrollment.role == role,
                Enrollment.person_id == person.id,
                Enrollment.is_final.is_(False),
            )
        ).first()
        if existing is not None:
            raise already_enrolled(program, role, person.email, existing.id)
        clean = self.clean_apply_answers(program, role, person.email, answers)
        now = self.clock()
        rows = application_rows(program, role, person.id, clean, actor, now)
        enrollment = Enrollment(person=person, **rows.enrollment)
        session.add(enrollment)
        session.flush()
        session.add(Submission(**rows.submission))
        session.add(Event(**rows.event))
        record = EnrollmentRecord(session, program, enrollment, now)
        self._announce_state(record)
        if state is not None and state != lifecycle.initial:
            self._place(record, state, actor)
        self._run_autos(record)
        return enrollment

    def clean_apply_answers(
        self, program: Program, role: str, email: str, answers: Mapping[str, Any]
    ) -> dict[str, Any]:
        form = program.apply_form(role)
        clean = clean_answers(
            form, answers, today=self.clock().date(), eligibility=program.roles[role].eligibility
        )
        link = supervisor_email(program, role, clean)
        if link is not None and link == email.lower():
            field = _supervisor_field(program, role)
            raise InvalidAnswers(
                {field or "": "Give your supervisor's e-mail address, not your own."}
            )
        return clean

    def _place(self, record: EnrollmentRecord, state: str, actor: Actor) -> None:
        """Put an imported enrollment straight into a state, recorded as an event."""
        lifecycle = record.lifecycle
        if state not in lifecycle.states:
            raise NotFound(
                f"There is no state '{state}' in the {record.enrollment.role} lifecycle."
            )
        before = record.enrollment.state
        self._enter(record, state)
        record.session.add(self._event(record, actor, "coordinator", "import", None, before, None))
        self._announce_state(record)

    # -- transitions ---------------------------------------------------------------

    def transitions_for(
        self, record: EnrollmentRecord, roles: frozenset[str]
    ) -> list[tuple[Transition, list[str]]]:
        """The transitions this viewer may take from the current state, each with the
        reasons it is blocked (empty when it can be taken)."""
        return [
            (t, blocked_reasons(record, t))
            for t in record.lifecycle.leaving(record.enrollment.state)
            if t.by and may_take(t, roles)
        ]

    def take(
        self,
        enrollment_id: str,
        transition_id: str,
        actor: Actor,
        answers: Mapping[str, Any] | None = None,
        expected_version: int | None = None,
        program_id: str | None = None,
    ) -> Enrollment:
        with self.transaction() as session:
            record = self.record(session, enrollment_id, program_id)
            roles = self.roles(record, actor)
            transition = record.lifecycle.transitions.get(transition_id)
            if transition is None:
                raise NotFound(f"There is no transition '{transition_id}'.")
            if not may_take(transition, roles):
                raise Forbidden(f"You may not {transition.label.lower()} here.")
            self._check_version(record.enrollment, expected_version)
            self._check_possible(record, transition)
            ask_answers = None
            if transition.ask is not None:
                form = record.program.forms[transition.ask]
                ask_answers = clean_answers(form, answers or {}, today=record.now.date())
            role = _acting_role(roles, transition)
            self._move(record, transition, actor, role, ask_answers)
            self._run_autos(record)
            return record.enrollment

    def _check_possible(self, record: EnrollmentRecord, transition: Transition) -> None:
        state = record.enrollment.state
        if destination(record.lifecycle.machine, transition.id, state) is None:
            raise NotAvailable(
                f"{transition.label} is not possible from {record.lifecycle.label(state)}."
            )
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
        if transition.notify:
            label = record.lifecycle.label(transition.dest)
            queue(
                record.session,
                record.program,
                record.enrollment,
                transition.notify,
                f"{transition.label}: now {label}",
                f"{record.enrollment.person.name or record.enrollment.person.email}: "
                f"{transition.label}. The enrollment is now {label}.",
                f"transition:{transition.id}",
            )
        self._announce_state(record)

    def _enter(self, record: EnrollmentRecord, state: str) -> None:
        enrollment = record.enrollment
        enrollment.state = state
        enrollment.state_since = record.now
        enrollment.is_final = state in record.lifecycle.finals
        self._touch(record)
        if (
            enrollment.role == "mentee"
            and enrollment.pairing_id
            and (enrollment.is_final or self._waiting_for_match(record.program, state))
        ):
            # The mentor's place is freed; the pairing and its forms stay in the history.
            pairing = record.session.get(Pairing, enrollment.pairing_id)
            if pairing is not None:
                pairing.ended_at = record.now
            enrollment.pairing_id = None
            record.forget()

    @staticmethod
    def _waiting_for_match(program: Program, state: str) -> bool:
        """Whether a mentee in `state` is back in the pool (a state `on_match` leaves)."""
        if program.matching is None:
            return False
        on_match = program.lifecycle_of("mentee").transitions[program.matching.on_match]
        return state in on_match.sources

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
        return Event(
            enrollment_id=record.enrollment.id,
            program_id=record.program.id,
            at=record.now,
            actor_id=actor.person_id,
            actor_role=role,
            kind=kind,
            transition=transition_id,
            from_state=before,
            to_state=record.enrollment.state,
            answers=answers,
            revision=record.program.revision,
            pairing_id=pairing_id or record.enrollment.pairing_id,
        )

    def _announce_state(self, record: EnrollmentRecord) -> None:
        enrollment = record.enrollment
        notice = state_notice(
            record.program,
            enrollment.role,
            enrollment.state,
            enrollment.person.name or enrollment.person.email,
        )
        if notice is not None:
            queue(record.session, record.program, enrollment, *notice)

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

    # -- forms ---------------------------------------------------------------------

    def submit(
        self,
        enrollment_id: str,
        form_id: str,
        actor: Actor,
        answers: Mapping[str, Any],
        expected_version: int | None = None,
        program_id: str | None = None,
    ) -> Submission:
        with self.transaction() as session:
            record = self.record(session, enrollment_id, program_id)
            roles = self.roles(record, actor)
            form = self.form_on(record, form_id)
            if not may_fill(form, roles):
                raise Forbidden(f"You may not fill the {form.title}.")
            if record.enrollment.state not in form.open_in:
                state = record.lifecycle.label(record.enrollment.state)
                raise FormNotOpen(
                    f"The {form.title} cannot be filled while the enrollment is {state}."
                )
            self._check_version(record.enrollment, expected_version)
            existing = None if form.repeatable else record.current(form_id)
            if existing is not None and form.signatures and not record.missing_signatures(form_id):
                raise FormNotOpen(
                    f"The {form.title} is signed by everyone and can no longer be changed."
                )
            if form.apply_for is not None:
                clean = self.clean_apply_answers(
                    record.program, form.apply_for, record.enrollment.person.email, answers
                )
                record.enrollment.supervisor_email = supervisor_email(
                    record.program, form.apply_for, clean
                )
                record.enrollment.capacity = mentor_capacity(record.program, form.apply_for, clean)
            else:
                clean = clean_answers(
                    form,
                    answers,
                    today=record.now.date(),
                    existing=existing.answers if existing else None,
                )
            if existing is None:
                submission = Submission(
                    enrollment_id=record.enrollment.id,
                    form_id=form_id,
                    pairing_id=record.enrollment.pairing_id,
                    author_id=actor.person_id,
                    revision=record.program.revision,
                    answers=clean,
                    created_at=record.now,
                    updated_at=record.now,
                )
                session.add(submission)
            else:
                submission = existing
                if clean != existing.answers:
                    submission.signatures.clear()  # editing a form clears its signatures
                submission.answers = clean
                submission.updated_at = record.now
                submission.revision = record.program.revision
            self._touch(record)
            session.flush()
            record.forget()
            self._raise_alert(record, form_id, submission)
            self._run_autos(record)
            return submission

    def form_on(self, record: EnrollmentRecord, form_id: str) -> Form:
        form = record.program.forms.get(form_id)
        if (
            form is None
            or form.owner != record.enrollment.role
            or not (form.open_in or form.apply_for)
        ):
            raise NotFound(f"There is no form '{form_id}' on this enrollment.")
        return form

    def _raise_alert(self, record: EnrollmentRecord, form_id: str, submission: Submission) -> None:
        alert = record.program.forms[form_id].alert
        if alert is None or not evaluate(alert.when, submission.answers.get, record.now.date()):
            return
        record.session.add(
            OpenItem(
                enrollment_id=record.enrollment.id,
                program_id=record.program.id,
                submission_id=submission.id,
                text=alert.text,
                raised_at=record.now,
            )
        )
        queue(
            record.session,
            record.program,
            record.enrollment,
            alert.to,
            alert.text,
            alert.text,
            f"alert:{submission.id}",
        )

    def sign(
        self,
        enrollment_id: str,
        form_id: str,
        actor: Actor,
        on_behalf_of: str | None = None,
        program_id: str | None = None,
    ) -> Submission:
        """Sign the current submission of a form; signing twice changes nothing. Staff may
        record a signature given on paper (`on_behalf_of`: the signing role)."""
        with self.transaction() as session:
            record = self.record(session, enrollment_id, program_id)
            roles = self.roles(record, actor)
            form = self.form_on(record, form_id)
            submission = record.current(form_id)
            if submission is None:
                raise FormNotOpen(f"The {form.title} has not been submitted yet.")
            if on_behalf_of is not None:
                if not roles & {"coordinator", "admin"}:
                    raise Forbidden(
                        "Only a coordinator may record a signature on someone's behalf."
                    )
                if on_behalf_of not in form.signatures:
                    raise NotFound(f"The {form.title} asks for no {on_behalf_of} signature.")
                wanted = [on_behalf_of]
            else:
                wanted = signing_roles(form, roles)
                if not wanted:
                    raise Forbidden(f"You are not asked to sign the {form.title}.")
            signed = {s.role for s in submission.signatures}
            for role in wanted:
                if role in signed:
                    continue
                signer = actor.person_id if on_behalf_of is None else self._signer_for(record, role)
                submission.signatures.append(
                    Signature(
                        role=role,
                        signer_id=signer,
                        recorded_by_id=actor.person_id if on_behalf_of else None,
                        signed_at=record.now,
                    )
                )
            self._touch(record)
            session.flush()
            self._run_autos(record)
            return submission

    def _signer_for(self, record: EnrollmentRecord, role: str) -> str | None:
        enrollment = record.enrollment
        if role == enrollment.role:
            return enrollment.person_id
        if role == "supervisor" and enrollment.supervisor_email:
            person = record.session.scalars(
                select(Person).where(Person.email == enrollment.supervisor_email)
            ).first()
            return person.id if person else None
        for partner in partners(record.session, enrollment):
            if partner.role == role:
                return partner.person_id
        return None

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
            self._move(record, transition, actor, _acting_role(roles, transition), None)
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


@dataclass(frozen=True)
class ApplicationRows:
    """The column values of a new application: its enrollment (in the lifecycle's initial
    state), the apply form's submission and the 'apply' event. Shared by `_enroll` and the
    CSV importer, which inserts thousands of them at once."""

    enrollment: dict[str, Any]
    submission: dict[str, Any]
    event: dict[str, Any]


def application_rows(
    program: Program,
    role: str,
    person_id: str,
    clean: dict[str, Any],
    actor: Actor,
    now: dt.datetime,
) -> ApplicationRows:
    initial = program.lifecycle_of(role).initial
    enrollment_id = new_id()
    return ApplicationRows(
        enrollment={
            "id": enrollment_id,
            "program_id": program.id,
            "role": role,
            "person_id": person_id,
            "state": initial,
            "state_since": now,
            "revision": program.revision,
            "supervisor_email": supervisor_email(program, role, clean),
            "capacity": mentor_capacity(program, role, clean),
            "created_at": now,
            "updated_at": now,
        },
        submission={
            "id": new_id(),
            "enrollment_id": enrollment_id,
            "form_id": program.roles[role].apply_form,
            "author_id": person_id,
            "revision": program.revision,
            "answers": clean,
            "created_at": now,
            "updated_at": now,
        },
        event={
            "enrollment_id": enrollment_id,
            "program_id": program.id,
            "at": now,
            "actor_id": actor.person_id,
            "actor_role": role if actor.person_id == person_id else "coordinator",
            "kind": "apply",
            "to_state": initial,
            "revision": program.revision,
        },
    )


def already_enrolled(
    program: Program, role: str, email: str, enrollment_id: str
) -> AlreadyEnrolled:
    label = program.roles[role].label.lower()
    return AlreadyEnrolled(
        enrollment_id, f"{email} already has an open {label} enrollment in {program.title}."
    )


def state_notice(
    program: Program, role: str, state_id: str, who: str
) -> tuple[tuple[str, ...], str, str, str] | None:
    """What `notify` of a state sends when an enrollment enters it: (roles, subject, body,
    reason) for `engine.notify.queue`, or None when the state notifies nobody."""
    state = program.lifecycle_of(role).states[state_id]
    if not state.notify:
        return None
    return (
        tuple(state.notify),
        f"{who} is now {state.label}",
        f"{who} ({program.roles[role].label}) is now {state.label}.",
        f"state:{state_id}",
    )


def _acting_role(roles: frozenset[str], transition: Transition) -> str:
    for role in ("coordinator", "admin", "mentor", "mentee", "supervisor", "pair"):
        if role in roles and (role in transition.by or role == "admin"):
            return role
    return sorted(roles)[0]


def _supervisor_field(program: Program, role: str) -> str | None:
    for f in program.apply_form(role).fields.values():
        if f.type == "email" and getattr(f, "link", None) == "supervisor":
            return f.id
    return None


def supervisor_email(program: Program, role: str, answers: Mapping[str, Any]) -> str | None:
    field = _supervisor_field(program, role)
    value = answers.get(field) if field else None
    return str(value).strip().lower() if value else None


def mentor_capacity(program: Program, role: str, answers: Mapping[str, Any]) -> int | None:
    capacity = program.roles[role].capacity
    if role != "mentor":
        return None
    if capacity is None:
        return 1
    value = answers.get(capacity.field) if capacity.field else None
    places = int(value) if isinstance(value, int | float) and value >= 1 else capacity.default
    return min(places, capacity.max) if capacity.max else places
