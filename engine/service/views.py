"""What a person may see of an enrollment, assembled once, with visibility applied.

Pages, JSON answers and exports are built from these views, so none of them can show
what the engine's rules hide: a form's answers appear only to those its `visible_to`
names, and an `ask` form's answers in the history likewise.
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass, field
from typing import Any

from sqlalchemy import or_, select
from sqlalchemy.orm import Session

from ..definition.program import Form, Program, Transition
from ..errors import NotFound
from ..records.enrollment import EnrollmentRecord
from ..records.store import Enrollment, Event, Pairing, Person, Submission
from ..rules.access import Actor, may_fill, may_read, partners, relations, signing_roles
from ..rules.guards import blocked_reasons
from .revisions import ShownAnswer, shown_answers


@dataclass(frozen=True)
class FormSlot:
    """One form on the enrollment page, as this viewer may use it."""

    form: Form
    entries: list[Submission]  # what the viewer may read, oldest first
    open_now: bool
    can_fill: bool
    missing_signatures: list[str]
    can_sign: list[str]  # signatures this viewer gives in their own name, not yet given
    can_record_signatures: bool  # staff may record a paper signature

    @property
    def submitted(self) -> bool:
        return bool(self.entries)

    @property
    def locked(self) -> bool:
        return bool(self.form.signatures and self.entries and not self.missing_signatures)


@dataclass(frozen=True)
class HistoryItem:
    at: dt.datetime
    who: str
    as_role: str
    what: str
    from_state: str | None
    to_state: str
    transition: str | None
    answers: list[ShownAnswer] | None

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
    enrollment: Enrollment
    program: Program
    roles: frozenset[str]
    state_label: str
    partners: list[Party]
    forms: list[FormSlot]
    transitions: list[tuple[Transition, list[str]]]
    history: list[HistoryItem]
    extra: dict[str, Any] = field(default_factory=dict)

    @property
    def is_staff(self) -> bool:
        return bool(self.roles & {"coordinator", "admin"})

    def as_json(self) -> dict[str, Any]:
        e = self.enrollment
        return {
            "id": e.id,
            "program": e.program_id,
            "role": e.role,
            "state": e.state,
            "state_label": self.state_label,
            "version": e.version,
            "partners": [p.enrollment_id for p in self.partners],
        }


def _people(session: Session, ids: set[str]) -> dict[str, Person]:
    if not ids:
        return {}
    return {p.id: p for p in session.scalars(select(Person).where(Person.id.in_(ids)))}


def form_slots(record: EnrollmentRecord, actor: Actor, roles: frozenset[str]) -> list[FormSlot]:
    """The forms of this enrollment's role that are open now or were filled."""
    slots = []
    staff = bool(roles & {"coordinator", "admin"})
    for form in record.program.forms.values():
        if form.owner != record.enrollment.role or not (form.open_in or form.apply_for):
            continue
        entries = [s for s in record.entries(form.id) if may_read(form, s, actor, roles)]
        open_now = record.enrollment.state in form.open_in
        if not entries and not open_now:
            continue
        missing = record.missing_signatures(form.id) if record.entries(form.id) else []
        slots.append(
            FormSlot(
                form=form,
                entries=entries,
                open_now=open_now,
                can_fill=open_now and may_fill(form, roles),
                missing_signatures=missing,
                can_sign=[r for r in signing_roles(form, roles) if r in missing],
                can_record_signatures=staff and bool(missing),
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
        answers = None
        if event.answers is not None and transition is not None and transition.ask:
            form = record.program.forms[transition.ask]
            if may_read(form, _TakenBy(event.actor_id), actor, roles):  # the filler took it
                answers = shown_answers(form, event.answers)
        person = people.get(event.actor_id or "")
        items.append(
            HistoryItem(
                at=event.at,
                who=(person.name or person.email) if person else "Mentorflow",
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
class _TakenBy:
    author_id: str | None


_KINDS = {"apply": "Applied", "import": "Imported", "transition": "Moved"}


def enrollment_view(record: EnrollmentRecord, actor: Actor) -> EnrollmentView:
    roles = relations(record.session, actor, record.enrollment)
    if not roles:
        raise NotFound("There is no such enrollment.")
    found = [
        Party(p.id, p.person.name or p.person.email, p.person.email, p.role)
        for p in partners(record.session, record.enrollment)
    ]
    return EnrollmentView(
        enrollment=record.enrollment,
        program=record.program,
        roles=roles,
        state_label=record.lifecycle.label(record.enrollment.state),
        partners=found,
        forms=form_slots(record, actor, roles),
        transitions=[
            (t, blocked_reasons(record, t))
            for t in record.lifecycle.leaving(record.enrollment.state)
            if t.by and ("admin" in roles or t.by & roles)
        ],
        history=history(record, actor, roles),
    )


def enrollments_of(session: Session, actor: Actor) -> list[Enrollment]:
    """Every enrollment a person is part of: their own, as partner, or as supervisor."""
    if actor.person_id is None:
        return []
    as_mentor = (
        select(Pairing.mentee_id)
        .join(Enrollment, Enrollment.id == Pairing.mentor_id)
        .where(Enrollment.person_id == actor.person_id, Pairing.ended_at.is_(None))
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


def readable_attachment(record: EnrollmentRecord, actor: Actor, attachment_id: str) -> bool:
    """Whether `attachment_id` is a file in an answer this person may read here."""
    roles = relations(record.session, actor, record.enrollment)
    for form_id in {s.form_id for s in record.all_submissions()}:
        form = record.program.forms.get(form_id)
        if form is None:
            continue
        for submission in record.all_submissions():
            if submission.form_id != form_id or not may_read(form, submission, actor, roles):
                continue
            for value in submission.answers.values():
                if any(d.get("id") == attachment_id for d in _descriptors(value)):
                    return True
    return False
