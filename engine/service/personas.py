"""Personas: the made-up people of a sandbox, with verified accounts and no password.

Only a sandboxed service makes them (`ServiceBase.sandboxed`, set by `sandbox.Sandbox`
on its own temporary database): on a live database an account that nobody registered,
verified without a link, would be a way in that skips every check.
"""

from __future__ import annotations

from sqlalchemy import select

from ..errors import Forbidden, NotFound
from ..records.store import StaffRole
from ..rules.access import Actor, actor_for
from .core import WorkflowBase
from .people import find_person, get_or_create_person

ONLY_IN_SANDBOX = "Personas are made only in the sandbox (`mentorflow preview`, `mentorflow test`)."


class Personas(WorkflowBase):
    def make_persona(
        self, email: str, name: str, coordinates: str | None = None, *, admin: bool = False
    ) -> Actor:
        """A verified account for a persona (staff of `coordinates` when named, an admin
        with `admin`); the same person again for the same e-mail address."""
        if not self.sandboxed:
            raise Forbidden(ONLY_IN_SANDBOX)
        with self.transaction() as session:
            person = get_or_create_person(session, email, name)
            person.email_verified_at = person.email_verified_at or self.clock()
            person.is_admin = person.is_admin or admin
            if coordinates is not None:
                held = select(StaffRole.id).where(
                    StaffRole.person_id == person.id, StaffRole.program_id == coordinates
                )
                if session.scalar(held) is None:
                    session.add(StaffRole(person_id=person.id, program_id=coordinates))
            session.flush()
            return actor_for(session, person)

    def persona(self, email: str) -> Actor:
        """The persona with this address, as the engine sees them now."""
        if not self.sandboxed:
            raise Forbidden(ONLY_IN_SANDBOX)
        with self.reading() as session:
            person = find_person(session, email)
            if person is None:
                raise NotFound(f"There is no persona {email}.")
            return actor_for(session, person)
