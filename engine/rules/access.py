"""Who may do what: roles of a person towards one enrollment, and the rules built on them.

Visibility is decided here, in the engine, so that no page, download, export or
command can forget it. A person's relations to an enrollment are worked out from the
records: their own enrollment, the pairing, the supervisor link, staff roles.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Protocol

from sqlalchemy import select
from sqlalchemy.orm import Session

from ..definition.program import Form, Program, Transition
from ..records.store import Enrollment, Event, Pairing, Person, StaffRole
from .answers import ShownAnswer, shown_answers

SYSTEM = "system"


@dataclass(frozen=True)
class Actor:
    """Someone acting: a signed-in person, or the engine itself (auto transitions)."""

    person_id: str | None
    email: str
    name: str = ""
    is_admin: bool = False
    coordinator_of: frozenset[str] = frozenset()
    # Proved their address is theirs. Until then an account has no role at all: it
    # applies to nothing, sees no enrollment, is nobody's supervisor and signs nothing.
    verified: bool = False

    @property
    def is_system(self) -> bool:
        return self.person_id is None

    def is_staff(self, program_id: str) -> bool:
        return self.is_admin or program_id in self.coordinator_of


SYSTEM_ACTOR = Actor(person_id=None, email="", name="Mentorflow")


def actor_for(session: Session, person: Person) -> Actor:
    if person.email_verified_at is None:
        return Actor(person_id=person.id, email=person.email, name=person.name)
    programs = session.scalars(
        select(StaffRole.program_id).where(StaffRole.person_id == person.id)
    ).all()
    return Actor(
        person_id=person.id,
        email=person.email,
        name=person.name,
        is_admin=person.is_admin,
        coordinator_of=frozenset(programs),
        verified=True,
    )


def open_pairing(session: Session, enrollment: Enrollment) -> Pairing | None:
    if enrollment.pairing_id is None:
        return None
    return session.get(Pairing, enrollment.pairing_id)


def mentees_of(session: Session, mentor: Enrollment) -> list[Enrollment]:
    """The mentees a mentor holds now (open pairings)."""
    return list(
        session.scalars(
            select(Enrollment)
            .join(Pairing, Pairing.mentee_id == Enrollment.id)
            .where(Pairing.mentor_id == mentor.id, Pairing.ended_at.is_(None))
            .order_by(Pairing.started_at)
        )
    )


def partners(session: Session, enrollment: Enrollment) -> list[Enrollment]:
    """A mentee's mentor, or a mentor's mentees."""
    if enrollment.role == "mentor":
        return mentees_of(session, enrollment)
    pairing = open_pairing(session, enrollment)
    if pairing is None:
        return []
    mentor = session.get(Enrollment, pairing.mentor_id)
    return [mentor] if mentor else []


def may_see_partner(
    actor: Actor, enrollment: Enrollment, roles: frozenset[str], partner: Enrollment
) -> bool:
    """Whether a viewer of `enrollment` may see `partner` (one of its partners) named
    there: staff, the enrolled person and their supervisor may; someone there as a
    partner sees only themselves. A mentee who opens her mentor's page sees the mentor
    and herself, never the mentor's other mentees: they are a third person to her."""
    if acts_as_staff(roles) or "supervisor" in roles or enrollment.person_id == actor.person_id:
        return True
    return partner.person_id == actor.person_id


def visible_partners(
    session: Session, actor: Actor, enrollment: Enrollment, roles: frozenset[str]
) -> list[Enrollment]:
    """The partners of `enrollment` that `may_see_partner` lets this viewer see."""
    found = partners(session, enrollment)
    return [p for p in found if may_see_partner(actor, enrollment, roles, p)]


def relations(session: Session, actor: Actor, enrollment: Enrollment) -> frozenset[str]:
    """Every role `actor` plays towards `enrollment`: admin, coordinator, mentee,
    mentor, pair (either party of the relationship) and supervisor."""
    if actor.is_system:
        return frozenset({SYSTEM})
    if not actor.verified:
        return frozenset()
    found: set[str] = set()
    if actor.is_admin:
        found.add("admin")
    if enrollment.program_id in actor.coordinator_of:
        found.add("coordinator")
    if enrollment.person_id == actor.person_id:
        found |= {enrollment.role, "pair"}
    else:
        for partner in partners(session, enrollment):
            if partner.person_id == actor.person_id:
                found |= {partner.role, "pair"}
    if enrollment.supervisor_email and enrollment.supervisor_email == actor.email:
        found.add("supervisor")
    return frozenset(found)


STAFF = frozenset({"admin", "coordinator"})


def acts_as_staff(roles: frozenset[str]) -> bool:
    """Staff of the enrollment's program: they see every step, and may fill forms and
    record signatures given on paper on someone's behalf."""
    return bool(roles & STAFF)


def may_take(transition: Transition, roles: frozenset[str]) -> bool:
    """The system takes `auto` transitions; people those whose `by` names one of their
    roles; admins any, even one the system alone takes (to move a record by hand)."""
    if SYSTEM in roles:
        return transition.auto
    return "admin" in roles or bool(transition.by & roles)


def is_filler(form: Form, roles: frozenset[str]) -> bool:
    """Whether the form is this viewer's own to fill (not staff's, on their behalf)."""
    if form.filled_by == "pair":
        return "pair" in roles and bool(roles & {"mentor", "mentee"})
    return form.filled_by in roles


def may_fill(form: Form, roles: frozenset[str]) -> bool:
    """The form's filler, or staff entering a paper form on someone's behalf."""
    return acts_as_staff(roles) or is_filler(form, roles)


class Authored(Protocol):
    @property
    def author_id(self) -> str | None: ...


def may_read(form: Form, submission: Authored | None, actor: Actor, roles: frozenset[str]) -> bool:
    """`visible_to`: filler, coordinator, pair, mentor, mentee, supervisor; admins always."""
    if "admin" in roles:
        return True
    visible = form.visible_to
    if "filler" in visible and submission is not None and submission.author_id == actor.person_id:
        return True
    if "coordinator" in visible and "coordinator" in roles:
        return True
    if "pair" in visible and "pair" in roles and roles & {"mentor", "mentee"}:
        return True
    return bool(visible & roles & {"mentor", "mentee", "supervisor"})


def may_know_of(form: Form, actor: Actor, roles: frozenset[str], read: bool) -> bool:
    """Whether a form is named to this viewer at all (listed on a page, with whether it
    is filled): they may fill it, sign it or read it under `visible_to`, or `read`:
    they may read an entry of it (their own, as its `filler`). A form none of these
    lets them near is not listed, so a page never tells them whether it was filled."""
    return (
        read
        or may_fill(form, roles)
        or bool(signing_roles(form, roles))
        or may_read(form, None, actor, roles)
    )


def signing_roles(form: Form, roles: frozenset[str]) -> list[str]:
    """The signatures of `form` this person gives in their own name."""
    return [role for role in form.signatures if role in roles]


def may_record_signatures(roles: frozenset[str]) -> bool:
    """Whether this person may record a signature given on paper, in the signer's name."""
    return acts_as_staff(roles)


def staff_emails(session: Session, program: Program) -> list[str]:
    rows = session.scalars(
        select(Person.email)
        .join(StaffRole, StaffRole.person_id == Person.id)
        .where(StaffRole.program_id == program.id)
        .order_by(Person.email)
    )
    return list(rows)


@dataclass(frozen=True)
class _TakenBy:
    author_id: str | None


def readable_ask_answers(
    program: Program, role: str, event: Event, actor: Actor, roles: frozenset[str]
) -> tuple[ShownAnswer, ...] | None:
    """The answers a transition's `ask` form recorded on `event`, as people read them, when
    the form's `visible_to` lets this viewer see them (its filler: whoever took the step);
    None when there are none or they are not theirs to read."""
    transition = program.lifecycle_of(role).transitions.get(event.transition or "")
    if event.answers is None or transition is None or transition.ask is None:
        return None
    form = program.forms[transition.ask]
    if not may_read(form, _TakenBy(event.actor_id), actor, roles):
        return None
    return tuple(shown_answers(form, event.answers))
