"""A person's records: everything held about them, as a zip of JSON and CSV (their own, or
any person's for an admin), and their erasure, which anonymises every enrollment of theirs
that no legal hold keeps and forgets them wherever else they appear.

The export leaves out secrets (password hashes, session and link tokens). Erasure uses the
retention schedule's anonymising, so the programs' reports keep their totals; each erased
enrollment is logged in `purge_log` (rule `erasure`), counts only.
"""

from __future__ import annotations

import datetime as dt
import io
import json
import zipfile
from dataclasses import dataclass
from typing import Any

from sqlalchemy import delete, or_, select, update
from sqlalchemy.orm import Session

from ..errors import Forbidden, NotFound
from ..figures.csv_cells import write_rows
from ..records.feed import FeedEntry
from ..records.store import (
    AccountSession,
    AccountToken,
    ApiToken,
    Attachment,
    Draft,
    Enrollment,
    Event,
    MatchingRun,
    OpenItem,
    Person,
    PurgeLogEntry,
    Signature,
    StaffRole,
    Submission,
)
from ..rules.access import Actor
from .people import find_person
from .retention import Scrub, anonymise_enrollment, forget_person, held
from .session import ServiceBase
from .uploads import referred_ids

NO_SUCH_PERSON = "There is nobody with that e-mail address."


def _plain(value: Any) -> Any:
    if isinstance(value, dt.datetime | dt.date):
        return value.isoformat()
    return value


@dataclass(frozen=True)
class Erasure:
    """What an erasure did: the enrollments anonymised, those a legal hold kept (named so
    the admin can say why), and whether the person row itself is gone."""

    email: str
    anonymised: tuple[str, ...]
    held: tuple[str, ...]
    forgotten: bool


@dataclass(frozen=True)
class ErasurePlan:
    """What erasing a person would do, for the admin to confirm first: their enrollments
    (program and role), which of them a legal hold keeps."""

    email: str
    name: str
    enrollments: tuple[tuple[str, str, bool], ...]  # (program title, role label, held)

    @property
    def anonymised(self) -> int:
        return sum(1 for *_, kept in self.enrollments if not kept)


TABLES: dict[str, tuple[str, ...]] = {
    "person": ("id", "email", "name", "created_at", "email_verified_at", "is_admin"),
    "staff_roles": ("program_id", "role"),
    "enrollments": (
        "id",
        "program_id",
        "role",
        "state",
        "state_since",
        "is_final",
        "supervisor_email",
        "created_at",
    ),
    "submissions": ("id", "enrollment_id", "form_id", "written_by_them", "created_at", "answers"),
    "signatures": ("submission_id", "role", "signed_at", "signed_by_them", "typed_name"),
    "events": (
        "id",
        "enrollment_id",
        "at",
        "kind",
        "transition",
        "from_state",
        "to_state",
        "by_them",
        "answers",
    ),
    "files": ("id", "name", "size", "type", "created_at"),
}


def _collect(session: Session, person: Person) -> dict[str, list[dict[str, Any]]]:
    """Every row about the person, as plain values, by table."""
    pid = person.id
    enrollments = list(
        session.scalars(
            select(Enrollment).where(Enrollment.person_id == pid).order_by(Enrollment.created_at)
        )
    )
    own = [e.id for e in enrollments]
    submissions = list(
        session.scalars(
            select(Submission)
            .where(or_(Submission.enrollment_id.in_(own), Submission.author_id == pid))
            .order_by(Submission.created_at)
        )
    )
    signatures = list(
        session.scalars(
            select(Signature)
            .where(
                or_(
                    Signature.submission_id.in_([s.id for s in submissions]),
                    Signature.signer_id == pid,
                )
            )
            .order_by(Signature.signed_at)
        )
    )
    events = list(
        session.scalars(
            select(Event)
            .where(or_(Event.enrollment_id.in_(own), Event.actor_id == pid))
            .order_by(Event.id)
        )
    )
    file_ids: set[str] = set()
    for answers in [s.answers for s in submissions] + [e.answers for e in events]:
        file_ids.update(referred_ids(answers))
    files = list(
        session.scalars(
            select(Attachment)
            .where(or_(Attachment.id.in_(file_ids), Attachment.owner_id == pid))
            .order_by(Attachment.created_at)
        )
    )
    staff = list(session.scalars(select(StaffRole).where(StaffRole.person_id == pid)))
    return {
        "person": [{k: getattr(person, k) for k in TABLES["person"]}],
        "staff_roles": [{"program_id": s.program_id, "role": s.role} for s in staff],
        "enrollments": [{k: getattr(e, k) for k in TABLES["enrollments"]} for e in enrollments],
        "submissions": [
            {
                "id": s.id,
                "enrollment_id": s.enrollment_id,
                "form_id": s.form_id,
                "written_by_them": s.author_id == pid,
                "created_at": s.created_at,
                "answers": s.answers,
            }
            for s in submissions
        ],
        "signatures": [
            {
                "submission_id": g.submission_id,
                "role": g.role,
                "signed_at": g.signed_at,
                "signed_by_them": g.signer_id == pid,
                "typed_name": g.typed_name if g.signer_id == pid else None,
            }
            for g in signatures
        ],
        "events": [
            {
                "id": e.id,
                "enrollment_id": e.enrollment_id,
                "at": e.at,
                "kind": e.kind,
                "transition": e.transition,
                "from_state": e.from_state,
                "to_state": e.to_state,
                "by_them": e.actor_id == pid,
                "answers": e.answers,
            }
            for e in events
        ],
        # The files' names and sizes; their bytes are each a download of their own.
        "files": [
            {
                "id": f.id,
                "name": f.name,
                "size": f.size,
                "type": f.content_type,
                "created_at": f.created_at,
            }
            for f in files
        ],
    }


def export_zip(tables: dict[str, list[dict[str, Any]]]) -> bytes:
    """The tables as `records.json` (all of them) and one CSV each (answers as JSON text)."""
    out = io.BytesIO()
    with zipfile.ZipFile(out, "w", zipfile.ZIP_DEFLATED) as archive:
        archive.writestr(
            "records.json", json.dumps(tables, default=_plain, indent=2, ensure_ascii=False)
        )
        for name, rows in tables.items():
            text = io.StringIO()
            columns = TABLES[name]
            write_rows(
                text,
                columns,
                (
                    [
                        json.dumps(r.get(c), default=_plain, ensure_ascii=False)
                        if isinstance(r.get(c), dict | list)
                        else _plain(r.get(c))
                        for c in columns
                    ]
                    for r in rows
                ),
            )
            archive.writestr(f"{name}.csv", text.getvalue())
    return out.getvalue()


class PersonRecords(ServiceBase):
    def _person_for(self, session: Session, actor: Actor, email: str | None) -> Person:
        """The actor themselves (no e-mail given), or anyone for an admin or the engine."""
        if email is None:
            if actor.person_id is None:
                raise NotFound(NO_SUCH_PERSON)
            found = session.get(Person, actor.person_id)
        else:
            if not (actor.is_admin or actor.is_system):
                raise Forbidden("Only an admin may see or erase another person's records.")
            found = find_person(session, email)
        if found is None:
            raise NotFound(NO_SUCH_PERSON)
        return found

    def person_export(self, actor: Actor, email: str | None = None) -> bytes:
        """Everything held about a person, as a zip of JSON and CSV."""
        with self.reading() as session:
            person = self._person_for(session, actor, email)
            return export_zip(_collect(session, person))

    def erasure_plan(self, email: str, actor: Actor) -> ErasurePlan:
        """What `erase_person` would do to the person now; writes nothing."""
        with self.reading() as session:
            person = self._person_for(session, actor, email)
            found = session.scalars(
                select(Enrollment)
                .where(Enrollment.person_id == person.id)
                .order_by(Enrollment.created_at)
            )
            enrollments = []
            for e in found:
                program = self.programs.get(e.program_id)
                title = program.title if program else e.program_id
                role = (
                    program.roles[e.role].label if program and e.role in program.roles else e.role
                )
                enrollments.append((title, role, held(session, e.id)))
            return ErasurePlan(person.email, person.display_name, tuple(enrollments))

    def erase_person(self, email: str, actor: Actor) -> Erasure:
        """Anonymise every enrollment of the person that no legal hold keeps, forget them
        as author, signer and actor elsewhere, end their sessions and staff roles; remove
        the person row when nothing refers to it any more."""
        with self.reading() as session:
            person = self._person_for(session, actor, email)
            pid, shown = person.id, person.email
            enrollments = list(
                session.scalars(
                    select(Enrollment.id)
                    .where(Enrollment.person_id == pid)
                    .order_by(Enrollment.created_at)
                )
            )
        anonymised: list[str] = []
        kept: list[str] = []
        for enrollment_id in enrollments:
            with self.transaction() as session:
                enrollment = session.get(Enrollment, enrollment_id)
                if enrollment is None or enrollment.person_id != pid:
                    continue
                if held(session, enrollment.id):
                    kept.append(enrollment.id)
                    continue
                program = self.program(enrollment.program_id)
                scrub = Scrub(session, program, self.uploads)
                anonymise_enrollment(scrub, enrollment)
                session.add(
                    PurgeLogEntry(
                        at=self.clock(),
                        program_id=enrollment.program_id,
                        enrollment_id=enrollment.id,
                        rule="erasure",
                        action="anonymise",
                        rows=scrub.rows,
                        files=scrub.files,
                    )
                )
                anonymised.append(enrollment.id)
        with self.transaction() as session:
            forgotten = self._forget_elsewhere(session, pid, keep=bool(kept))
        return Erasure(shown, tuple(anonymised), tuple(kept), forgotten)

    def _forget_elsewhere(self, session: Session, pid: str, keep: bool) -> bool:
        """The person as author, signer or actor on others' records becomes nobody; their
        drafts, staff roles and sessions go; then the row itself, unless a hold keeps it."""
        for statement in (
            update(Submission).where(Submission.author_id == pid).values(author_id=None),
            update(Signature)
            .where(Signature.signer_id == pid)
            .values(signer_id=None, typed_name=None),
            update(Signature).where(Signature.recorded_by_id == pid).values(recorded_by_id=None),
            update(Event).where(Event.actor_id == pid).values(actor_id=None),
            update(OpenItem).where(OpenItem.resolved_by_id == pid).values(resolved_by_id=None),
            update(Attachment).where(Attachment.owner_id == pid).values(owner_id=None),
            update(MatchingRun).where(MatchingRun.actor_id == pid).values(actor_id=None),
            update(FeedEntry).where(FeedEntry.actor_id == pid).values(actor_id=None),
            update(AccountToken)
            .where(AccountToken.created_by_id == pid)
            .values(created_by_id=None),
            delete(Draft).where(Draft.person_id == pid),
            delete(StaffRole).where(StaffRole.person_id == pid),
            delete(AccountSession).where(AccountSession.person_id == pid),
            delete(ApiToken).where(ApiToken.person_id == pid),
        ):
            session.execute(statement.execution_options(synchronize_session=False))
        if not keep:
            forget_person(session, pid)  # (anonymising their last enrollment may have)
            session.flush()
        return session.get(Person, pid) is None
