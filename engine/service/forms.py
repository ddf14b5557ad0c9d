"""Filling and signing forms on an enrollment, and the alerts a submission raises."""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass
from typing import Any

from sqlalchemy import func, select, update

from ..definition.conditions import evaluate
from ..definition.program import Form
from ..errors import (
    Conflict,
    Forbidden,
    FormNotOpen,
    InvalidAnswers,
    MentorflowError,
    NotFound,
)
from ..records.drafts import clear_draft
from ..records.enrollment import EnrollmentRecord
from ..records.store import (
    Enrollment,
    Event,
    OpenItem,
    Person,
    Signature,
    Submission,
)
from ..rules.access import (
    Actor,
    acts_as_staff,
    may_fill,
    may_record_signatures,
    partners,
    signing_roles,
)
from ..rules.answers import clean_answers
from ..rules.signatures import MAX_TYPED_NAME, fingerprint, typed_name_problem
from .applications import mentor_capacity, supervisor_email
from .core import WorkflowBase
from .notify import tell_alert, tell_signers
from .session import lost_race
from .snapshots import SubmissionSnapshot
from .uploads import claim_files

_AMENDING = ("coordinator", "admin", "mentee", "mentor", "supervisor")  # as whom, in order
ADD_ATTEMPTS = 3  # tries of one new entry that keeps losing races for the enrollment's row


@dataclass
class _Adding:
    """Whether the attempt adds an entry of a repeatable form (known once it is read)."""

    entry: bool = False


def form_on(record: EnrollmentRecord, form_id: str) -> Form:
    """A form filled on this enrollment (its role's forms that open in some state, and
    its apply form); NotFound for any other."""
    form = record.program.forms.get(form_id)
    if form is None or form.owner != record.enrollment.role or not (form.open_in or form.apply_for):
        raise NotFound(f"There is no form '{form_id}' on this enrollment.")
    return form


def fill_refusal(
    record: EnrollmentRecord, roles: frozenset[str], form: Form
) -> MentorflowError | None:
    """Why this viewer cannot fill `form` on the enrollment now, or None when they can:
    the enrollment page's buttons and `submit` both ask here."""
    if not may_fill(form, roles):
        return Forbidden(f"You may not fill the {form.title}.")
    if record.enrollment.state not in form.open_in:
        state = record.lifecycle.label(record.enrollment.state)
        return FormNotOpen(f"The {form.title} cannot be filled while the enrollment is {state}.")
    return None


def signed_by_all(record: EnrollmentRecord, form: Form) -> bool:
    """Whether the form's current submission carries every signature it asks for: then
    it is locked, and only shown."""
    return (
        bool(form.signatures)
        and record.current(form.id) is not None
        and not record.missing_signatures(form.id)
    )


def amend_refusal(
    record: EnrollmentRecord, actor: Actor, roles: frozenset[str], form: Form
) -> MentorflowError | None:
    """Why this viewer cannot reopen the signed `form` as an amendment now, or None when
    they can: staff always; the one who filled it only while a signature is still
    missing (once all have signed, the parties agreed to it, and only a coordinator may
    unpick that). The enrollment page's button and `amend` both ask here."""
    submission = None if form.repeatable else record.current(form.id)
    if not form.signatures or submission is None or not submission.signatures:
        return FormNotOpen(f"The {form.title} carries no signature: edit it instead.")
    if not acts_as_staff(roles):
        if submission.author_id != actor.person_id or not may_fill(form, roles):
            return Forbidden(f"You may not amend the {form.title}.")
        if not record.missing_signatures(form.id):
            return Forbidden(
                f"Everyone has signed the {form.title}: only a coordinator can reopen it."
            )
    if record.enrollment.state not in form.open_in:
        # Reopened where it cannot be filled, it could only wait, unsigned, for ever.
        state = record.lifecycle.label(record.enrollment.state)
        return FormNotOpen(f"The {form.title} cannot be amended while the enrollment is {state}.")
    return None


def fillable_form(record: EnrollmentRecord, roles: frozenset[str], form_id: str) -> Form:
    """The form, when this viewer may fill it on the enrollment now; else the refusal."""
    form = form_on(record, form_id)
    refusal = fill_refusal(record, roles, form)
    if refusal is not None:
        raise refusal
    return form


class FormFilling(WorkflowBase):
    # -- forms ---------------------------------------------------------------------

    def submit(
        self,
        enrollment_id: str,
        form_id: str,
        actor: Actor,
        answers: Mapping[str, Any],
        expected_version: int | None = None,
        program_id: str | None = None,
    ) -> SubmissionSnapshot:
        """Save the answers to a form: the form's one submission, or a new entry of a
        repeatable form. `expected_version` (the enrollment's version the page was drawn
        at) refuses an edit based on an old page; a new entry is added whatever it was,
        since two people adding their own entries do not conflict, and an add that loses
        the race for the enrollment's row is tried again (`ADD_ATTEMPTS` times in all)."""
        for attempt in range(1, ADD_ATTEMPTS + 1):
            adding = _Adding()
            try:
                return self._submit(
                    enrollment_id, form_id, actor, answers, expected_version, program_id, adding
                )
            except Conflict as exc:
                if not (adding.entry and lost_race(exc)) or attempt == ADD_ATTEMPTS:
                    raise
        raise AssertionError("unreachable")  # the last attempt returns or raises

    def _submit(
        self,
        enrollment_id: str,
        form_id: str,
        actor: Actor,
        answers: Mapping[str, Any],
        expected_version: int | None,
        program_id: str | None,
        adding: _Adding,
    ) -> SubmissionSnapshot:
        with self.transaction() as session:
            record = self.record(session, enrollment_id, program_id)
            form = record.program.forms.get(form_id)
            if form is not None and form.repeatable:
                # A new entry still changes the enrollment's version, but first and by
                # counting up, not by comparing: adds to one enrollment queue here for its
                # row (PostgreSQL's row lock, SQLite's one writer) instead of failing on a
                # version another add moved, and all below is read after the wait.
                adding.entry = True
                session.execute(
                    update(Enrollment)
                    .where(Enrollment.id == record.enrollment.id)
                    .values(version=Enrollment.version + 1, updated_at=record.now)
                    .execution_options(synchronize_session=False)
                )
                session.refresh(record.enrollment)
            roles = self.roles(record, actor)
            form = fillable_form(record, roles, form_id)
            if not form.repeatable:
                self._check_version(record.enrollment, expected_version)
            existing = None if form.repeatable else record.current(form_id)
            if existing is not None and signed_by_all(record, form):
                raise FormNotOpen(
                    f"The {form.title} is signed by everyone and can no longer be changed."
                )
            if form.apply_for is not None:
                clean = self.clean_apply_answers(
                    record.program,
                    form.apply_for,
                    record.enrollment.person.email,
                    answers,
                    existing.answers if existing else None,
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
            claim_files(session, self.uploads, clean)
            # Whoever must sign it is asked to, once per version of its answers.
            ask_to_sign = bool(form.signatures) and (existing is None or clean != existing.answers)
            clear_draft(session, actor.person_id, record.program.id, form_id, record.enrollment.id)
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
            if not adding.entry:  # an added entry touched the enrollment first
                self._touch(record)
            session.flush()
            if ask_to_sign:
                tell_signers(
                    session,
                    self.identity,
                    record.program,
                    record.enrollment,
                    form,
                    f"sign:{submission.id}:{record.enrollment.version}",
                    besides=actor.email,
                )
            record.forget()
            self._raise_alert(record, form_id, submission)
            self._run_autos(record)
            return SubmissionSnapshot.of(submission)

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
        tell_alert(
            record.session,
            self.identity,
            record.program,
            record.enrollment,
            record.program.forms[form_id],
            alert.to,
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
        typed_name: str | None = None,
        expected_version: int | None = None,
    ) -> SubmissionSnapshot:
        """Sign the current submission of a form; signing twice changes nothing. Staff may
        record a signature given on paper (`on_behalf_of`: the signing role).

        Each signature keeps the time, the SHA-256 of the text signed
        (`rules.signatures.fingerprint`) and `typed_name`: the signer's full name as they
        typed it to sign, which must be their account's name (`typed_name_problem`;
        InvalidAnswers keyed `typed_name` otherwise). Pages always pass what was typed;
        None is for callers where nobody types (commands, tests), and records no name. On
        a paper signature it is the name on the paper, kept as given. `expected_version`
        (the enrollment's version the caller read) refuses a signature given on a page
        or an API answer that is no longer current (StaleVersion)."""
        with self.transaction() as session:
            record = self.record(session, enrollment_id, program_id)
            roles = self.roles(record, actor)
            self._check_version(record.enrollment, expected_version)
            form = form_on(record, form_id)
            submission = record.current(form_id)
            if submission is None:
                raise FormNotOpen(f"“{form.title}” has not been submitted yet.")
            if on_behalf_of is not None:
                if not may_record_signatures(roles):
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
                if typed_name is not None:
                    problem = typed_name_problem(typed_name, actor.name)
                    if problem is not None:
                        raise InvalidAnswers({"typed_name": problem})
            name = " ".join(typed_name.split())[:MAX_TYPED_NAME] if typed_name else None
            digest = fingerprint(form, submission.answers)
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
                        typed_name=name,
                        text_sha256=digest,
                    )
                )
            self._touch(record)
            session.flush()
            self._run_autos(record)
            return SubmissionSnapshot.of(submission)

    def amend(
        self,
        enrollment_id: str,
        form_id: str,
        actor: Actor,
        expected_version: int | None = None,
        program_id: str | None = None,
    ) -> SubmissionSnapshot:
        """Reopen a signed form as an amendment: the signed version (answers and
        signatures) is kept in the history as an `amend` event, the signatures are
        cleared, and the form can be edited until everyone it names signs it anew. The
        way out when a signed, locked form turns out to be wrong."""
        with self.transaction() as session:
            record = self.record(session, enrollment_id, program_id)
            roles = self.roles(record, actor)
            form = form_on(record, form_id)
            self._check_version(record.enrollment, expected_version)
            refusal = amend_refusal(record, actor, roles, form)
            if refusal is not None:
                raise refusal
            submission = record.current(form_id)
            assert submission is not None  # amend_refusal requires a signed submission
            kept = {
                "form": form_id,
                "submission": submission.id,
                "author_id": submission.author_id,  # who may read it: the form's `filler`
                "answers": submission.answers,
                "signatures": [
                    {
                        "role": s.role,
                        "signer_id": s.signer_id,
                        "recorded_by_id": s.recorded_by_id,
                        "signed_at": s.signed_at.isoformat(),
                        "typed_name": s.typed_name,
                        "text_sha256": s.text_sha256,
                    }
                    for s in submission.signatures
                ],
            }
            role = next(r for r in (*_AMENDING, *sorted(roles)) if r in roles)
            state = record.enrollment.state
            session.add(self._event(record, actor, role, "amend", None, state, kept))
            submission.signatures.clear()
            submission.updated_at = record.now
            self._touch(record)
            session.flush()
            count = session.scalar(
                select(func.count())
                .select_from(Event)
                .where(Event.enrollment_id == record.enrollment.id, Event.kind == "amend")
            )
            tell_signers(
                session,
                self.identity,
                record.program,
                record.enrollment,
                form,
                f"amend:{submission.id}:{count}",
                reopened_by=actor.name or actor.email,
            )
            record.forget()
            return SubmissionSnapshot.of(submission)

    def _signer_for(self, record: EnrollmentRecord, role: str) -> str | None:
        enrollment = record.enrollment
        if role == enrollment.role:
            return enrollment.person_id
        if role == "supervisor" and enrollment.supervisor_email:
            person = record.session.scalars(
                select(Person).where(
                    Person.email == enrollment.supervisor_email,
                    Person.email_verified_at.is_not(None),  # only a verified account
                )
            ).first()
            return person.id if person else None
        for partner in partners(record.session, enrollment):
            if partner.role == role:
                return partner.person_id
        return None
