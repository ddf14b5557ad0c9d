"""Retention: the definitions' schedules applied (`purge`), and the legal hold that stops them.

An enrollment's clock starts when it entered a final state. A `role` rule anonymises or
deletes the whole enrollment once `keep_months` have passed; a `form` rule does the same
to that form's entries (its submissions, and the answers of the steps that ask it). What
anonymising keeps (states, dates, choices, numbers, yes/no) is exactly what the reports
count, so their totals do not move. Each action is one transaction and one `purge_log`
row saying how much went, never what. An enrollment under legal hold is left alone.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterable
from dataclasses import dataclass
from functools import partial
from pathlib import Path
from typing import Any

from sqlalchemy import delete, exists, or_, select, update
from sqlalchemy.orm import Session

from ..definition.fields import AnyField
from ..definition.program import Program, RetentionRule
from ..errors import Conflict, Forbidden, InvalidAnswers, NotFound
from ..records.feed import FeedEntry
from ..records.store import (
    AccessRead,
    AccountSession,
    AccountToken,
    ApiToken,
    Attachment,
    Draft,
    Enrollment,
    Event,
    LegalHold,
    LoginAttempt,
    MatchingRun,
    OpenItem,
    OutboxMessage,
    Pairing,
    Person,
    PurgeLogEntry,
    Signature,
    StaffRole,
    Submission,
)
from ..rules.access import Actor
from .session import NO_SUCH_ENROLLMENT, ServiceBase
from .uploads import _after, referred_ids

# Answers anonymising keeps: what the reports count and what names nobody.
KEPT_TYPES = frozenset({"choice", "multichoice", "number", "boolean", "consent", "date"})
PLACEHOLDER_NAME = "Anonymised"
ERASED_READER = "(a person since erased)"
MAX_REASON = 2000


def placeholder_email(enrollment_id: str) -> str:
    # `.invalid` is reserved (RFC 2606): no mail can ever reach it.
    return f"anonymised-{enrollment_id}@invalid"


def add_months(when: dt.datetime, months: int) -> dt.datetime:
    """`when` plus calendar months, the day clipped to the month's last (31 Jan + 1 = 28 Feb)."""
    total = when.month - 1 + months
    year, month = when.year + total // 12, total % 12 + 1
    for day in range(when.day, 27, -1):
        try:
            return when.replace(year=year, month=month, day=day)
        except ValueError:
            continue
    return when.replace(year=year, month=month, day=min(when.day, 28))


def blanked(fields: Iterable[AnyField], answers: Any) -> Any:
    """The answers with every free text, e-mail, phone and file answer taken out (and any
    answer the form no longer names); choices, numbers, yes/no and dates kept."""
    if not isinstance(answers, dict):
        return answers
    by_id = {f.id: f for f in fields}
    kept: dict[str, Any] = {}
    for key, value in answers.items():
        field = by_id.get(key)
        if field is None:
            continue
        if field.type == "group":
            subfields = field.fields
            if isinstance(value, list):
                kept[key] = [blanked(subfields, entry) for entry in value]
            elif isinstance(value, dict):
                kept[key] = blanked(subfields, value)
        elif field.type in KEPT_TYPES:
            kept[key] = value
    return kept


@dataclass(frozen=True)
class DueAction:
    """One thing the schedule says to do now."""

    program_id: str
    enrollment_id: str
    role: str
    form: str | None  # None: the whole enrollment (a role rule)
    action: str  # anonymise, delete
    rule: str  # 'role mentee', 'form check_in'
    since: dt.datetime  # when the enrollment reached its final state


@dataclass(frozen=True)
class Done:
    due: DueAction
    rows: int
    files: int


@dataclass(frozen=True)
class Hold:
    """A legal hold as the enrollment page shows it to staff."""

    reason: str
    placed_by: str
    placed_at: dt.datetime
    lifted_by: str | None
    lifted_at: dt.datetime | None

    @property
    def on(self) -> bool:
        return self.lifted_at is None


def held(session: Session, enrollment_id: str) -> bool:
    return bool(
        session.scalar(
            select(
                exists().where(
                    LegalHold.enrollment_id == enrollment_id, LegalHold.lifted_at.is_(None)
                )
            )
        )
    )


def _asking(program: Program, role: str, form_id: str) -> set[str]:
    """The transitions of a role's lifecycle whose `ask` is the form."""
    if role not in program.roles:
        return set()
    return {t.id for t in program.lifecycle_of(role).transitions.values() if t.ask == form_id}


class Scrub:
    """The rows and files one action removes, counted; files go from disk after commit."""

    def __init__(self, session: Session, program: Program, uploads: Path):
        self.session, self.program, self.uploads = session, program, uploads
        self.rows = 0
        self.files = 0
        self.file_ids: set[str] = set()

    def count(self, n: int | None) -> None:
        self.rows += n or 0

    def remove(self, statement: Any) -> None:
        result = self.session.execute(statement.execution_options(synchronize_session=False))
        self.count(getattr(result, "rowcount", 0))

    def files_of(self, answers: Any) -> None:
        self.file_ids.update(referred_ids(answers))

    def drop_files(self) -> None:
        if not self.file_ids:
            return
        found = list(
            self.session.scalars(select(Attachment).where(Attachment.id.in_(self.file_ids)))
        )
        for attachment in found:
            path = self.uploads / attachment.stored_as
            _after(self.session, "after_commit", partial(path.unlink, missing_ok=True))
        self.remove(delete(Attachment).where(Attachment.id.in_([a.id for a in found])))
        self.files += len(found)
        self.file_ids.clear()

    def form_fields(self, form_id: str) -> list[AnyField]:
        form = self.program.forms.get(form_id)
        return list(form.fields.values()) if form is not None else []

    def ask_fields(self, role: str, transition: str | None) -> list[AnyField]:
        if transition is None or role not in self.program.roles:
            return []
        found = self.program.lifecycle_of(role).transitions.get(transition)
        return self.form_fields(found.ask) if found is not None and found.ask else []


def forget_person(session: Session, person_id: str) -> bool:
    """Remove a person row nothing refers to any more (and what only their account held:
    ended sessions, used links, sign-in attempts); keep it otherwise."""
    references = [
        select(Enrollment.id).where(Enrollment.person_id == person_id),
        select(Submission.id).where(Submission.author_id == person_id),
        select(Signature.id).where(
            or_(Signature.signer_id == person_id, Signature.recorded_by_id == person_id)
        ),
        select(Event.id).where(Event.actor_id == person_id),
        select(Draft.id).where(Draft.person_id == person_id),
        select(Attachment.id).where(Attachment.owner_id == person_id),
        select(StaffRole.id).where(StaffRole.person_id == person_id),
        select(OpenItem.id).where(OpenItem.resolved_by_id == person_id),
        select(MatchingRun.id).where(MatchingRun.actor_id == person_id),
        select(AccountToken.id).where(AccountToken.created_by_id == person_id),
        select(AccountSession.id).where(
            AccountSession.person_id == person_id, AccountSession.ended_at.is_(None)
        ),
        select(ApiToken.id).where(ApiToken.person_id == person_id, ApiToken.revoked_at.is_(None)),
        select(FeedEntry.id).where(FeedEntry.actor_id == person_id),
    ]
    if any(session.scalar(select(exists(q))) for q in references):
        return False
    person = session.get(Person, person_id)
    if person is None or person.is_admin:
        return False
    session.execute(delete(AccountSession).where(AccountSession.person_id == person_id))
    session.execute(delete(AccountToken).where(AccountToken.person_id == person_id))
    session.execute(delete(ApiToken).where(ApiToken.person_id == person_id))
    session.execute(delete(LoginAttempt).where(LoginAttempt.email == person.email))
    session.execute(
        delete(OutboxMessage)
        .where(OutboxMessage.to_email == person.email)
        .execution_options(synchronize_session=False)
    )
    # The access log outlives the people it names, by id; the address it noted of a
    # reader who is gone goes with them.
    session.execute(
        update(AccessRead)
        .where(AccessRead.reader_id == person_id)
        .values(reader=ERASED_READER)
        .execution_options(synchronize_session=False)
    )
    session.delete(person)
    return True


def anonymise_enrollment(scrub: Scrub, enrollment: Enrollment) -> None:
    """The enrollment stays, counted by every report; nothing on it names its person."""
    session = scrub.session
    original = session.get(Person, enrollment.person_id)
    original_id = original.id if original is not None else None
    placeholder = Person(
        email=placeholder_email(enrollment.id), name=PLACEHOLDER_NAME, password_hash=None
    )
    session.add(placeholder)
    session.flush()
    enrollment.person_id = placeholder.id
    enrollment.supervisor_email = None
    scrub.count(1)
    submissions = list(
        session.scalars(select(Submission).where(Submission.enrollment_id == enrollment.id))
    )
    for submission in submissions:
        scrub.files_of(submission.answers)
        submission.answers = blanked(scrub.form_fields(submission.form_id), submission.answers)
        if submission.author_id == original_id:
            submission.author_id = placeholder.id
        for signature in submission.signatures:
            signature.typed_name = None
            if signature.signer_id == original_id:
                signature.signer_id = placeholder.id
        scrub.count(1)
    for ev in session.scalars(select(Event).where(Event.enrollment_id == enrollment.id)):
        if ev.answers:
            scrub.files_of(ev.answers)
            ev.answers = blanked(scrub.ask_fields(enrollment.role, ev.transition), ev.answers)
            scrub.count(1)
        if ev.actor_id == original_id:
            ev.actor_id = placeholder.id
    session.execute(
        update(FeedEntry)
        .where(FeedEntry.enrollment_id == enrollment.id, FeedEntry.actor_id == original_id)
        .values(actor_id=placeholder.id)
        .execution_options(synchronize_session=False)
    )
    # Reads of this record stay in the access log, now of the placeholder's record.
    session.execute(
        update(AccessRead)
        .where(AccessRead.enrollment_id == enrollment.id)
        .values(subject_person_id=placeholder.id)
        .execution_options(synchronize_session=False)
    )
    # A draft is nobody's record yet: it goes rather than being kept half blank.
    scrub.remove(delete(Draft).where(Draft.enrollment_id == enrollment.id))
    _forget_mail(scrub, enrollment, original)
    scrub.drop_files()
    session.flush()
    if original is not None and forget_person(session, original.id):
        scrub.count(1)


def _forget_mail(scrub: Scrub, enrollment: Enrollment, person: Person | None) -> None:
    """Mail about the enrollment, and mail that names its person, is removed: the outbox is
    a log of messages, and a kept message would keep the name."""
    scrub.remove(delete(OutboxMessage).where(OutboxMessage.enrollment_id == enrollment.id))
    if person is None:
        return
    marks = [person.email] + ([person.name] if len(person.name) >= 3 else [])
    for message in scrub.session.scalars(
        select(OutboxMessage).where(
            or_(
                OutboxMessage.program_id == enrollment.program_id,
                OutboxMessage.program_id.is_(None),
            )
        )
    ):
        text = f"{message.to_email}\n{message.subject}\n{message.body}"
        if any(mark in text for mark in marks):
            scrub.session.delete(message)
            scrub.count(1)


def delete_enrollment(scrub: Scrub, enrollment: Enrollment) -> None:
    """The enrollment and everything on it go; a partner keeps their own records (only the
    pairing with this enrollment is removed, and what pointed at it forgets it)."""
    session = scrub.session
    person = session.get(Person, enrollment.person_id)
    submission_ids = list(
        session.scalars(select(Submission.id).where(Submission.enrollment_id == enrollment.id))
    )
    for answers in session.scalars(
        select(Submission.answers).where(Submission.enrollment_id == enrollment.id)
    ):
        scrub.files_of(answers)
    for answers in session.scalars(
        select(Event.answers).where(Event.enrollment_id == enrollment.id)
    ):
        scrub.files_of(answers)
    pairing_ids = list(
        session.scalars(
            select(Pairing.id).where(
                or_(Pairing.mentee_id == enrollment.id, Pairing.mentor_id == enrollment.id)
            )
        )
    )
    if submission_ids:
        scrub.remove(delete(Signature).where(Signature.submission_id.in_(submission_ids)))
    scrub.remove(
        delete(OpenItem).where(
            or_(OpenItem.enrollment_id == enrollment.id, OpenItem.submission_id.in_(submission_ids))
        )
    )
    scrub.remove(delete(Submission).where(Submission.enrollment_id == enrollment.id))
    scrub.remove(delete(Event).where(Event.enrollment_id == enrollment.id))
    # The feed told its readers already; its entries of a deleted enrollment would name
    # nothing (and one may name its person as the actor).
    scrub.remove(delete(FeedEntry).where(FeedEntry.enrollment_id == enrollment.id))
    scrub.remove(delete(Draft).where(Draft.enrollment_id == enrollment.id))
    _forget_mail(scrub, enrollment, person)
    scrub.remove(delete(LegalHold).where(LegalHold.enrollment_id == enrollment.id))
    if pairing_ids:
        for model in (Submission, Event):
            session.execute(
                update(model)
                .where(model.pairing_id.in_(pairing_ids))
                .values(pairing_id=None)
                .execution_options(synchronize_session=False)
            )
        session.execute(
            update(Enrollment)
            .where(Enrollment.pairing_id.in_(pairing_ids), Enrollment.id != enrollment.id)
            .values(pairing_id=None)
            .execution_options(synchronize_session=False)
        )
        scrub.remove(delete(Pairing).where(Pairing.id.in_(pairing_ids)))
    scrub.drop_files()
    session.delete(enrollment)
    scrub.count(1)
    session.flush()
    if person is not None and forget_person(session, person.id):
        scrub.count(1)


def scrub_form(scrub: Scrub, enrollment: Enrollment, form_id: str, action: str) -> None:
    """A form rule: that form's entries on the enrollment, and the answers of the steps
    that ask it, anonymised or deleted; the rest of the enrollment stays as it is."""
    session = scrub.session
    submissions = list(
        session.scalars(
            select(Submission).where(
                Submission.enrollment_id == enrollment.id, Submission.form_id == form_id
            )
        )
    )
    fields = scrub.form_fields(form_id)
    for submission in submissions:
        scrub.files_of(submission.answers)
        if action == "delete":
            scrub.remove(delete(OpenItem).where(OpenItem.submission_id == submission.id))
            scrub.count(len(submission.signatures))
            session.delete(submission)  # its signatures with it
        else:
            submission.answers = blanked(fields, submission.answers)
            for signature in submission.signatures:
                signature.typed_name = None
        scrub.count(1)
    asking = _asking(scrub.program, enrollment.role, form_id)
    if asking:
        for ev in session.scalars(
            select(Event).where(Event.enrollment_id == enrollment.id, Event.transition.in_(asking))
        ):
            if ev.answers:
                scrub.files_of(ev.answers)
                # The step itself is history the reports count; only its answers go.
                ev.answers = None if action == "delete" else blanked(fields, ev.answers)
                scrub.count(1)
    scrub.remove(
        delete(Draft).where(Draft.enrollment_id == enrollment.id, Draft.form_id == form_id)
    )
    session.flush()
    scrub.drop_files()


class Retention(ServiceBase):
    # -- legal hold ---------------------------------------------------------------

    def _staff_record(
        self, session: Session, enrollment_id: str, actor: Actor, program_id: str | None = None
    ) -> Enrollment:
        enrollment = session.get(Enrollment, enrollment_id)
        if (
            enrollment is None
            or enrollment.program_id not in self.programs
            or (program_id is not None and enrollment.program_id != program_id)
        ):
            raise NotFound(NO_SUCH_ENROLLMENT)
        program = self.programs[enrollment.program_id]
        if not actor.is_staff(program.id):
            if actor.is_system:
                return enrollment
            raise Forbidden(
                f"Only the coordinators of {program.title} may place or lift a legal hold."
            )
        return enrollment

    def place_hold(
        self, enrollment_id: str, actor: Actor, reason: str, program_id: str | None = None
    ) -> None:
        """Put the enrollment on legal hold: nothing removes or anonymises it until lifted."""
        reason = " ".join(reason.split())
        with self.transaction() as session:
            # Who may comes first: a refusal never says what was wrong with the reason.
            enrollment = self._staff_record(session, enrollment_id, actor, program_id)
            if not reason:
                raise InvalidAnswers({"reason": "Say why the enrollment is held."})
            if len(reason) > MAX_REASON:
                raise InvalidAnswers({"reason": f"Keep the reason under {MAX_REASON} characters."})
            if held(session, enrollment.id):
                raise Conflict("This enrollment is on legal hold already.")
            session.add(
                LegalHold(
                    enrollment_id=enrollment.id,
                    program_id=enrollment.program_id,
                    reason=reason,
                    placed_by_id=actor.person_id,
                    placed_at=self.clock(),
                )
            )

    def lift_hold(self, enrollment_id: str, actor: Actor, program_id: str | None = None) -> None:
        with self.transaction() as session:
            enrollment = self._staff_record(session, enrollment_id, actor, program_id)
            found = session.scalars(
                select(LegalHold).where(
                    LegalHold.enrollment_id == enrollment.id, LegalHold.lifted_at.is_(None)
                )
            ).all()
            if not found:
                raise Conflict("This enrollment is not on legal hold.")
            for hold in found:
                hold.lifted_at = self.clock()
                hold.lifted_by_id = actor.person_id

    def holds(self, enrollment_id: str, actor: Actor) -> tuple[Hold, ...]:
        """The enrollment's holds, newest first, for its staff (Forbidden to anyone else)."""
        with self.reading() as session:
            enrollment = self._staff_record(session, enrollment_id, actor)
            rows = session.scalars(
                select(LegalHold)
                .where(LegalHold.enrollment_id == enrollment.id)
                .order_by(LegalHold.id.desc())
            ).all()
            names = {
                p.id: p.display_name
                for p in session.scalars(
                    select(Person).where(
                        Person.id.in_(
                            {h.placed_by_id for h in rows} | {h.lifted_by_id for h in rows}
                        )
                    )
                )
            }
            return tuple(
                Hold(
                    reason=h.reason,
                    placed_by=names.get(h.placed_by_id or "", "Mentorflow"),
                    placed_at=h.placed_at,
                    lifted_by=names.get(h.lifted_by_id or "", "Mentorflow")
                    if h.lifted_at
                    else None,
                    lifted_at=h.lifted_at,
                )
                for h in rows
            )

    def holds_shown(self, enrollment_id: str, actor: Actor) -> tuple[Hold, ...] | None:
        """The holds for the enrollment page: None for whoever may not see or place them
        (participants are not told their record is held)."""
        try:
            return self.holds(enrollment_id, actor)
        except (Forbidden, NotFound):
            return None

    # -- the schedule ---------------------------------------------------------------

    def retention_due(self) -> tuple[DueAction, ...]:
        """What every loaded schedule says to do as of now (held enrollments left out)."""
        now = self.clock()
        found: list[DueAction] = []
        with self.reading() as session:
            for program in self.programs.values():
                for rule in program.retention:
                    found.extend(self._due(session, program, rule, now))
        return tuple(found)

    def _due(
        self, session: Session, program: Program, rule: RetentionRule, now: dt.datetime
    ) -> list[DueAction]:
        form = program.forms.get(rule.form or "")
        role = rule.role or (form.owner if form is not None else "")
        done = select(PurgeLogEntry.enrollment_id).where(
            PurgeLogEntry.program_id == program.id, PurgeLogEntry.rule == rule.name
        )
        holding = select(LegalHold.enrollment_id).where(LegalHold.lifted_at.is_(None))
        query = (
            select(Enrollment)
            .where(
                Enrollment.program_id == program.id,
                Enrollment.role == role,
                Enrollment.is_final.is_(True),
                Enrollment.id.not_in(done),
                Enrollment.id.not_in(holding),
            )
            .order_by(Enrollment.state_since, Enrollment.id)
        )
        found = []
        for enrollment in session.scalars(query):
            if add_months(enrollment.state_since, rule.keep_months) > now:
                continue
            if rule.form is not None and not self._has_entries(
                session, program, enrollment, rule.form
            ):
                continue
            found.append(
                DueAction(
                    program.id,
                    enrollment.id,
                    enrollment.role,
                    rule.form,
                    rule.then,
                    rule.name,
                    enrollment.state_since,
                )
            )
        return found

    @staticmethod
    def _has_entries(
        session: Session, program: Program, enrollment: Enrollment, form_id: str
    ) -> bool:
        if session.scalar(
            select(
                exists().where(
                    Submission.enrollment_id == enrollment.id, Submission.form_id == form_id
                )
            )
        ):
            return True
        asking = _asking(program, enrollment.role, form_id)
        if not asking:
            return False
        # Looked at in Python: a JSON column may hold JSON null where SQL sees a value.
        return any(
            session.scalars(
                select(Event.answers).where(
                    Event.enrollment_id == enrollment.id, Event.transition.in_(asking)
                )
            )
        )

    def purge(self) -> tuple[Done, ...]:
        """Do what `retention_due` lists, one transaction and one log row per action. An
        enrollment deleted by its role rule needs none of its form rules."""
        done: list[Done] = []
        gone: set[str] = set()
        for due in self.retention_due():
            if due.enrollment_id in gone:
                continue
            result = self._apply(due)
            if result is not None:
                done.append(result)
                if due.form is None and due.action == "delete":
                    gone.add(due.enrollment_id)
        return tuple(done)

    def _apply(self, due: DueAction, rule: str | None = None) -> Done | None:
        program = self.program(due.program_id)
        with self.transaction() as session:
            enrollment = session.get(Enrollment, due.enrollment_id)
            # Looked at again inside the write: a hold placed since the listing wins.
            if enrollment is None or held(session, enrollment.id):
                return None
            scrub = Scrub(session, program, self.uploads)
            if due.form is not None:
                scrub_form(scrub, enrollment, due.form, due.action)
            elif due.action == "delete":
                delete_enrollment(scrub, enrollment)
            else:
                anonymise_enrollment(scrub, enrollment)
            files = scrub.files
            session.add(
                PurgeLogEntry(
                    at=self.clock(),
                    program_id=due.program_id,
                    enrollment_id=due.enrollment_id,
                    rule=rule or due.rule,
                    action=due.action,
                    rows=scrub.rows,
                    files=files,
                )
            )
        return Done(due, scrub.rows, files)
