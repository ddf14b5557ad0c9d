"""What a person may see of an enrollment, assembled once, with visibility applied.

Pages, JSON answers and exports are built from these views, so none of them can show
what the engine's rules hide: a form's answers appear only to those its `visible_to`
names, and an `ask` form's answers in the history likewise. The views hold plain
values copied out of the records, so a page renders after the session has closed.
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass
from typing import Any

from sqlalchemy import or_, select
from sqlalchemy.orm import Session, aliased

from ..definition.program import Form, Program
from ..records.enrollment import EnrollmentRecord
from ..records.store import Enrollment, Event, Pairing, Person, Submission
from ..rules.access import (
    Actor,
    acts_as_staff,
    is_filler,
    may_know_of,
    may_read,
    may_record_signatures,
    readable_ask_answers,
    signing_roles,
    visible_partners,
)
from ..rules.answers import ShownAnswer, shown_answers
from .core import TransitionChoice
from .forms import amend_refusal, fill_refusal, signed_by_all
from .next_step import NextStep, is_setback, next_step
from .snapshots import SignatureSnapshot


@dataclass(frozen=True)
class EnrollmentSummary:
    """Who is enrolled, as what, and where the enrollment stands."""

    id: str
    program_id: str
    role: str
    role_label: str
    person_id: str
    name: str  # the person's name, else their e-mail address
    email: str
    state: str
    state_label: str
    state_description: str | None
    state_since: dt.datetime
    version: int
    waiting_for_match: bool


def summary(record: EnrollmentRecord) -> EnrollmentSummary:
    e, program = record.enrollment, record.program
    state = record.lifecycle.states.get(e.state)
    return EnrollmentSummary(
        id=e.id,
        program_id=e.program_id,
        role=e.role,
        role_label=program.roles[e.role].label,
        person_id=e.person_id,
        name=e.person.display_name,
        email=e.person.email,
        state=e.state,
        state_label=record.lifecycle.label(e.state),
        state_description=state.description if state else None,
        state_since=e.state_since,
        version=e.version,
        waiting_for_match=program.waiting_for_match(e.state),
    )


@dataclass(frozen=True)
class Entry:
    """One submission of a form, as its answers are shown."""

    id: str
    created_at: dt.datetime
    shown: tuple[ShownAnswer, ...]
    signatures: tuple[SignatureSnapshot, ...]


@dataclass(frozen=True)
class FormSlot:
    """One form on the enrollment page, as this viewer may use it."""

    form: Form
    entries: tuple[Entry, ...]  # what the viewer may read, oldest first
    open_now: bool
    can_fill: bool
    locked: bool  # signed by everyone: shown, no longer changed
    missing_signatures: tuple[str, ...]
    can_sign: tuple[str, ...]  # signatures this viewer gives in their own name, not yet given
    can_record_signatures: bool  # staff may record a paper signature
    can_amend: bool = False  # may reopen the signed form as an amendment (`Workflow.amend`)
    own_to_fill: bool = False  # the viewer is its filler (not staff filling on their behalf)

    @property
    def submitted(self) -> bool:
        return bool(self.entries)

    @property
    def waiting(self) -> bool:
        """Whether it waits on this viewer: theirs to fill a first time, or to sign."""
        fill = self.can_fill and self.own_to_fill and not self.submitted and not self.locked
        return fill or bool(self.can_sign)


@dataclass(frozen=True)
class HistoryItem:
    at: dt.datetime
    who: str
    as_role: str
    what: str
    from_state: str | None
    to_state: str
    transition: str | None
    answers: tuple[ShownAnswer, ...] | None

    @property
    def key(self) -> str:
        """What the page marks the entry with: the transition id, else 'apply' or 'import'."""
        return self.transition or self.kind

    kind: str = "transition"


@dataclass(frozen=True)
class Party:
    enrollment_id: str
    name: str
    email: str
    role: str


@dataclass(frozen=True)
class EnrollmentView:
    enrollment: EnrollmentSummary
    program: Program
    roles: frozenset[str]
    own: bool  # the viewer's own enrollment
    partners: tuple[Party, ...]
    forms: tuple[FormSlot, ...]
    transitions: tuple[TransitionChoice, ...]
    history: tuple[HistoryItem, ...]
    next: NextStep

    @property
    def forward(self) -> tuple[TransitionChoice, ...]:
        """The transitions on the way forward, offered first."""
        lifecycle = self.program.lifecycle_of(self.enrollment.role)
        return tuple(c for c in self.transitions if not is_setback(lifecycle, c.transition))

    @property
    def setbacks(self) -> tuple[TransitionChoice, ...]:
        """Steps that end the enrollment early or take it back: set apart on pages."""
        lifecycle = self.program.lifecycle_of(self.enrollment.role)
        return tuple(c for c in self.transitions if is_setback(lifecycle, c.transition))

    @property
    def is_staff(self) -> bool:
        return acts_as_staff(self.roles)

    @property
    def state_label(self) -> str:
        return self.enrollment.state_label

    def as_json(self) -> dict[str, Any]:
        e = self.enrollment
        return {
            "id": e.id,
            "program": e.program_id,
            "role": e.role,
            "state": e.state,
            "state_label": e.state_label,
            "version": e.version,
            "partners": [p.enrollment_id for p in self.partners],
        }


def _people(session: Session, ids: set[str]) -> dict[str, Person]:
    if not ids:
        return {}
    return {p.id: p for p in session.scalars(select(Person).where(Person.id.in_(ids)))}


def readable_entries(
    record: EnrollmentRecord, form: Form, actor: Actor, roles: frozenset[str]
) -> list[Submission]:
    """The current submissions of a form that this viewer may read, oldest first."""
    return [s for s in record.entries(form.id) if may_read(form, s, actor, roles)]


def _entry(form: Form, submission: Submission) -> Entry:
    return Entry(
        id=submission.id,
        created_at=submission.created_at,
        shown=tuple(shown_answers(form, submission.answers)),
        signatures=tuple(SignatureSnapshot.of(s) for s in submission.signatures),
    )


def form_slots(record: EnrollmentRecord, actor: Actor, roles: frozenset[str]) -> list[FormSlot]:
    """The forms of this enrollment's role that are open now or were filled, as far as
    this viewer may know of them (`may_know_of`): a form they may neither read, fill
    nor sign is left out, filled or not."""
    slots = []
    for form in record.program.forms.values():
        if form.owner != record.enrollment.role or not (form.open_in or form.apply_for):
            continue
        entries = readable_entries(record, form, actor, roles)
        open_now = record.enrollment.state in form.open_in
        if not entries and not open_now:
            continue
        if not may_know_of(form, actor, roles, read=bool(entries)):
            continue
        missing = record.missing_signatures(form.id) if record.entries(form.id) else []
        slots.append(
            FormSlot(
                form=form,
                entries=tuple(_entry(form, s) for s in entries),
                open_now=open_now,
                can_fill=fill_refusal(record, roles, form) is None,
                locked=bool(entries) and signed_by_all(record, form),
                missing_signatures=tuple(missing),
                can_sign=tuple(r for r in signing_roles(form, roles) if r in missing),
                can_record_signatures=may_record_signatures(roles) and bool(missing),
                can_amend=bool(entries) and amend_refusal(record, actor, roles, form) is None,
                own_to_fill=is_filler(form, roles),
            )
        )
    return slots


def history(record: EnrollmentRecord, actor: Actor, roles: frozenset[str]) -> list[HistoryItem]:
    """Every event of the enrollment, newest last; ask answers per the ask form's rules."""
    events = list(
        record.session.scalars(
            select(Event).where(Event.enrollment_id == record.enrollment.id).order_by(Event.id)
        )
    )
    people = _people(record.session, {e.actor_id for e in events if e.actor_id})
    lifecycle = record.lifecycle
    items = []
    for event in events:
        transition = lifecycle.transitions.get(event.transition or "")
        answers = readable_ask_answers(record.program, record.enrollment.role, event, actor, roles)
        if event.kind == "amend":
            answers = _amended_version(record.program, event, actor, roles)
        person = people.get(event.actor_id or "")
        items.append(
            HistoryItem(
                at=event.at,
                who=person.display_name if person else "Mentorflow",
                as_role=event.actor_role,
                what=transition.label if transition else _KINDS.get(event.kind, event.kind),
                from_state=lifecycle.label(event.from_state) if event.from_state else None,
                to_state=lifecycle.label(event.to_state),
                transition=event.transition,
                answers=answers,
                kind=event.kind,
            )
        )
    return items


@dataclass(frozen=True)
class _SignedBy:
    author_id: str | None


def _amended_version(
    program: Program, event: Event, actor: Actor, roles: frozenset[str]
) -> tuple[ShownAnswer, ...] | None:
    """The signed version an amendment reopened, to those who may read that form."""
    kept = event.answers or {}
    form = program.forms.get(kept.get("form", ""))
    if form is None or not may_read(form, _SignedBy(kept.get("author_id")), actor, roles):
        return None
    return tuple(shown_answers(form, kept.get("answers") or {}))


_KINDS = {
    "apply": "Applied",
    "import": "Imported",
    "transition": "Moved",
    "amend": "Reopened a signed form for amendment",
}


def enrollment_view(
    record: EnrollmentRecord,
    actor: Actor,
    roles: frozenset[str],
    transitions: list[TransitionChoice],
) -> EnrollmentView:
    """The enrollment as `actor` (who plays `roles` towards it) may see it;
    `transitions`: those they may take, from `Workflow.transitions_for`. Partners are
    those `visible_partners` lets this viewer see."""
    found = [
        Party(p.id, p.person.display_name, p.person.email, p.role)
        for p in visible_partners(record.session, actor, record.enrollment, roles)
    ]
    slots = tuple(form_slots(record, actor, roles))
    waiting = [(s.form, s.can_sign) for s in slots if s.waiting]
    return EnrollmentView(
        enrollment=summary(record),
        program=record.program,
        roles=roles,
        own=record.enrollment.person_id == actor.person_id,
        partners=tuple(found),
        forms=slots,
        transitions=tuple(transitions),
        history=tuple(history(record, actor, roles)),
        next=next_step(record, roles, waiting, transitions),
    )


def enrollments_of(session: Session, actor: Actor) -> list[Enrollment]:
    """Every enrollment a person is part of: their own, as partner, or as supervisor
    (none until they have verified their address)."""
    if actor.person_id is None or not actor.verified:
        return []
    # A mentee's enrollment carries its pairing while open and after the relationship
    # ends (not after a return to the pool): its mentor sees it as long as it does.
    mentor, mentee = aliased(Enrollment), aliased(Enrollment)
    as_mentor = (
        select(Pairing.mentee_id)
        .join(mentor, mentor.id == Pairing.mentor_id)
        .join(mentee, mentee.pairing_id == Pairing.id)
        .where(mentor.person_id == actor.person_id)
    )
    as_mentee = (
        select(Pairing.mentor_id)
        .join(Enrollment, Enrollment.id == Pairing.mentee_id)
        .where(Enrollment.person_id == actor.person_id, Pairing.ended_at.is_(None))
    )
    return list(
        session.scalars(
            select(Enrollment)
            .where(
                or_(
                    Enrollment.person_id == actor.person_id,
                    Enrollment.supervisor_email == actor.email,
                    Enrollment.id.in_(as_mentor),
                    Enrollment.id.in_(as_mentee),
                )
            )
            .order_by(Enrollment.created_at.desc())
        )
    )


def _descriptors(value: Any) -> list[dict[str, Any]]:
    """File descriptors anywhere in a stored answer (group entries included)."""
    if isinstance(value, dict):
        return [value] if "id" in value and "name" in value else []
    if isinstance(value, list):
        return [
            d
            for item in value
            for v in (item.values() if isinstance(item, dict) else [item])
            for d in _descriptors(v)
        ]
    return []


def readable_attachment(
    record: EnrollmentRecord, actor: Actor, roles: frozenset[str], attachment_id: str
) -> bool:
    """Whether `attachment_id` is a file in an answer this person may read here."""
    for submission in record.all_submissions():
        form = record.program.forms.get(submission.form_id)
        if form is None or not may_read(form, submission, actor, roles):
            continue
        for value in submission.answers.values():
            if any(d.get("id") == attachment_id for d in _descriptors(value)):
                return True
    # A file given with a step (its `ask` form) or in an amended version, as the history
    # shows it to this viewer.
    for item in history(record, actor, roles):
        for shown in item.answers or ():
            parts = [shown, *(part for entry in shown.entries for part in entry)]
            if any(part.file_id == attachment_id for part in parts):
                return True
    return False
