"""The participant side of the service: what each enrollment page shows and offers.

Each method opens its own session, applies every rule (who may see the enrollment,
which forms they may fill and which transitions take, whose files they may read)
with the same functions the writes use, and hands back frozen, plain values. Pages
ask here and render what comes back; they never re-check.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

from sqlalchemy.orm import Session

from ..definition.format import Eligibility
from ..definition.program import Form, Program, Transition
from ..errors import NotFound
from ..figures.recognition import EarlierRelationship, earlier_relationships
from ..records.enrollment import EnrollmentRecord
from ..rules.access import Actor, acts_as_staff, relations
from .access_log import log_reads, read_of
from .applications import already_enrolled, open_enrollments
from .forms import FormFilling, fillable_form
from .matching import mentors_with_places
from .uploads import read_upload
from .views import (
    EnrollmentSummary,
    EnrollmentView,
    FormSlot,
    enrollment_view,
    enrollments_of,
    readable_attachment,
    readable_entries,
    summary,
)


@dataclass(frozen=True)
class ApplyPage:
    """The apply form of a role, with who may apply in words."""

    program: Program
    role_label: str
    form: Form
    eligibility: Eligibility | None


@dataclass(frozen=True)
class MentorPlace:
    """A mentor who can take a mentee now, offered on a waiting mentee's page."""

    enrollment_id: str
    name: str
    places_left: int


@dataclass(frozen=True)
class EnrollmentPage:
    view: EnrollmentView
    offer_match: bool  # staff on a mentee waiting for a match: the match form is shown
    mentors: tuple[MentorPlace, ...]
    earlier: tuple[EarlierRelationship, ...]  # the mentee's ended pairings


@dataclass(frozen=True)
class MyEnrollment:
    """One enrollment on a person's own list, with what waits on them there."""

    view: EnrollmentView
    waiting: tuple[FormSlot, ...]  # forms to fill a first time or to sign
    ready: tuple[Transition, ...]  # steps forward they may take now (no set-backs)


@dataclass(frozen=True)
class FillPage:
    """A form of an enrollment, which the viewer may fill now."""

    program: Program
    form: Form
    enrollment: EnrollmentSummary
    stored: dict[str, Any] | None  # the answers to edit (a repeatable form starts empty)


@dataclass(frozen=True)
class TransitionPage:
    """A transition the viewer may take, with its `ask` form and why it is blocked now."""

    program: Program
    transition: Transition
    ask: Form | None
    enrollment: EnrollmentSummary
    reasons: tuple[str, ...]


@dataclass(frozen=True)
class AttachmentFile:
    name: str
    content_type: str
    data: bytes


class EnrollmentPages(FormFilling):
    def apply_page(self, program_id: str, role: str, actor: Actor | None = None) -> ApplyPage:
        """The form to apply with as `role`, refused as applying itself is refused: also
        AlreadyEnrolled for an `actor` who holds an open enrollment in the role, before
        they fill a form that would be refused."""
        program = self.open_for_applications(program_id, role)
        if actor is not None and actor.email:
            with self.reading() as session:
                held = open_enrollments(session, program, role, [actor.email])
            if actor.email in held:
                raise already_enrolled(program, role, actor.email, held[actor.email])
        found = program.roles[role]
        return ApplyPage(program, found.label, program.apply_form(role), found.eligibility)

    def _viewed(
        self, session: Session, program_id: str, enrollment_id: str, actor: Actor
    ) -> tuple[EnrollmentRecord, frozenset[str]]:
        record = self.record(session, enrollment_id, program_id)
        return record, self.roles(record, actor)

    def _view(
        self, record: EnrollmentRecord, roles: frozenset[str], actor: Actor
    ) -> EnrollmentView:
        return enrollment_view(record, actor, roles, self.transitions_for(record, roles))

    def enrollment_page(self, program_id: str, enrollment_id: str, actor: Actor) -> EnrollmentPage:
        """The enrollment as this person may see it; staff on a mentee waiting for a
        match also get the mentors with places, and the mentee and staff the mentee's
        earlier relationships."""
        with self.reading() as session:
            record, roles = self._viewed(session, program_id, enrollment_id, actor)
            view = self._view(record, roles, actor)
            e = view.enrollment
            offer_match = acts_as_staff(roles) and e.role == "mentee" and e.waiting_for_match
            mentors = (
                tuple(
                    MentorPlace(m.id, m.person.display_name, left)
                    for m, left in mentors_with_places(session, record.program)
                )
                if offer_match
                else ()
            )
            earlier: tuple[EarlierRelationship, ...] = ()
            if e.role == "mentee" and (acts_as_staff(roles) or view.own):
                earlier = tuple(earlier_relationships(session, record.enrollment))
            read = read_of(record.enrollment, "enrollment")
        log_reads(self, actor, [read])
        return EnrollmentPage(view, offer_match, mentors, earlier)

    def my_enrollments(self, actor: Actor) -> tuple[MyEnrollment, ...]:
        """Every enrollment this person is part of, newest first, with what waits on them.
        Enrollments of programs no longer loaded are left out."""
        found = []
        with self.reading() as session:
            now = self.clock()
            for enrollment in enrollments_of(session, actor):
                program = self.programs.get(enrollment.program_id)
                if program is None:
                    continue
                record = EnrollmentRecord(session, program, enrollment, now)
                roles = relations(session, actor, enrollment)
                if not roles:
                    continue
                view = self._view(record, roles, actor)
                waiting = tuple(s for s in view.forms if s.waiting)
                ready = tuple(t for t, reasons in view.forward if not reasons)
                found.append(MyEnrollment(view, waiting, ready))
        return tuple(found)

    def form_page(
        self, program_id: str, enrollment_id: str, form_id: str, actor: Actor
    ) -> FillPage:
        """A form this person may fill on the enrollment now, with the answers to edit;
        the same refusals as `submit` (NotFound, Forbidden, FormNotOpen) otherwise."""
        with self.reading() as session:
            record, roles = self._viewed(session, program_id, enrollment_id, actor)
            form = fillable_form(record, roles, form_id)
            entries = readable_entries(record, form, actor, roles)
            stored = dict(entries[-1].answers) if entries and not form.repeatable else None
            page = FillPage(record.program, form, summary(record), stored)
            reads = (
                [
                    read_of(
                        record.enrollment,
                        "submission",
                        form_id=form.id,
                        submission_id=entries[-1].id,
                    )
                ]
                if stored is not None
                else []
            )
        log_reads(self, actor, reads)
        return page

    def transition_page(
        self, program_id: str, enrollment_id: str, transition_id: str, actor: Actor
    ) -> TransitionPage:
        """A transition this person may take from the current state, with its ask form
        and every reason it is blocked now; the same refusals as `take` otherwise."""
        with self.reading() as session:
            record, roles = self._viewed(session, program_id, enrollment_id, actor)
            transition, reasons = self.transition_for(record, roles, transition_id)
            ask = record.program.forms[transition.ask] if transition.ask else None
            return TransitionPage(record.program, transition, ask, summary(record), reasons)

    def attachment(
        self, program_id: str, enrollment_id: str, attachment_id: str, actor: Actor
    ) -> AttachmentFile:
        """An attached file, only to those who may read an answer it belongs to."""
        with self.reading() as session:
            record, roles = self._viewed(session, program_id, enrollment_id, actor)
            if not readable_attachment(record, actor, roles, attachment_id):
                raise NotFound("There is no such file.")
            stored, data = read_upload(session, self.uploads, attachment_id)
            read = read_of(record.enrollment, "file", attachment_id=attachment_id)
        log_reads(self, actor, [read])
        return AttachmentFile(stored.name, stored.content_type, data)
