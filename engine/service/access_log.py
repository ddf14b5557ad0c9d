"""The access log: who read whose enrollment, submission or file, when, and through which door.

What is logged. Every read that hands out a person's record to someone else: the
enrollment page and its JSON (`enrollment_page`, what `enrollment`), a form opened with
its stored answers to edit (`form_page`, `submission`), each row of the answers table
shown on a page or written to its CSV (`answers_table`, `answers_csv`, `submission`), a
form printed with its signatures (`form_document`, `document`, one row per entry), an
attached file downloaded (`attachment`, `file`; a group's or a step's file too), and every
enrollment of a program exported (`export_program`, `enrollment`). The reader may be a
mentor, a supervisor, a coordinator, an admin or the command line (no person: its
`reader` reads "command line").

What is not. A person reading their own enrollment (the enrollment's person is the
reader): it says nothing anyone needs to know. Pages that show where enrollments stand
without their content (the desk, a transition's page, a person's list of their own
enrollments, reports with small groups suppressed, the mentors' recognition) are not
reads of a record; nor are the matching pages, which score the whole waiting pool at once:
a row for each candidate of every review would bury the reads that matter. Refused reads
write nothing. A row never holds an answer: only ids, the form's id, what and door.

The door is a context variable, `DOOR`: `page` unless a caller says otherwise with
`through(door)` (the CSV downloads `csv`, `mentorflow export` `export`, the API `api`).

Cost. Reads run in `reading()` sessions that never commit; the rows of one call are
written after the read, before anything is handed out, in one short transaction of their
own with one INSERT of all of them (executemany), committed without waiting for the disk
(`_unflushed`). A read whose row cannot be written fails: nothing leaves without its row.
`bench/bench_web.py --only access-log` measures what it adds (docs/performance.md).

The API's door: its blueprint calls `mentorflow.web.access.through_door(bp, "api")` once.
"""

from __future__ import annotations

import datetime as dt
import re
from collections.abc import Callable, Iterable, Iterator
from contextlib import contextmanager
from contextvars import ContextVar
from dataclasses import dataclass

from sqlalchemy import func, insert, select
from sqlalchemy.engine import Connection
from sqlalchemy.exc import SQLAlchemyError
from sqlalchemy.orm import Session

from ..errors import Forbidden, InvalidQuery, NotFound
from ..records.database import failed
from ..records.store import AccessRead, Attachment, Enrollment, Person
from ..rules.access import Actor
from .people import find_person, looks_like_email, normalise_email
from .session import ServiceBase

DOORS = ("page", "api", "csv", "export", "command")
# Through which door the reads of this request or command come; set per request by the
# web app (every request starts at "page") and per command.
DOOR: ContextVar[str] = ContextVar("door", default="page")
COMMAND_LINE = "command line"
PAGE_SIZE = 50
READ_ACCESS_LOG = "Only admins may read another person's access log."
RECORD_ID = re.compile(r"[0-9a-f]{1,16}")  # what `new_id` makes


@contextmanager
def through(door: str) -> Iterator[None]:
    """Reads inside are logged as made through `door` (one of DOORS)."""
    if door not in DOORS:
        raise ValueError(f"unknown door {door!r}")
    token = DOOR.set(door)
    try:
        yield
    finally:
        DOOR.reset(token)


@dataclass(frozen=True)
class Read:
    """One thing of one enrollment handed out to a reader."""

    subject_person_id: str
    program_id: str
    enrollment_id: str
    what: str  # enrollment, submission, file, document
    form_id: str | None = None
    submission_id: str | None = None
    attachment_id: str | None = None


def read_of(enrollment: Enrollment, what: str, **ids: str | None) -> Read:
    return Read(enrollment.person_id, enrollment.program_id, enrollment.id, what, **ids)


def log_reads(service: ServiceBase, actor: Actor, reads: Iterable[Read]) -> None:
    """Write one row per read of someone else's record, all in one INSERT and one short
    transaction (not `transaction()`: a log row is no work a form's press waits for)."""
    at = service.clock()
    rows = [
        {
            "at": at,
            "reader_id": actor.person_id,
            "reader": actor.email or COMMAND_LINE,
            "subject_person_id": r.subject_person_id,
            "program_id": r.program_id,
            "enrollment_id": r.enrollment_id,
            "form_id": r.form_id,
            "submission_id": r.submission_id,
            "attachment_id": r.attachment_id,
            "what": r.what,
            "door": DOOR.get(),
        }
        for r in reads
        if r.subject_person_id != actor.person_id
    ]
    if not rows:
        return
    try:
        with service.db.engine.connect() as connection, _unflushed(connection):
            with connection.begin():
                if connection.dialect.name == "postgresql":
                    # Committed without waiting for the disk (this transaction only).
                    connection.exec_driver_sql("SET LOCAL synchronous_commit TO OFF")
                connection.execute(insert(AccessRead), rows)
    except SQLAlchemyError as exc:
        raise failed(exc) from None


@contextmanager
def _unflushed(connection: Connection) -> Iterator[None]:
    """SQLite: this connection commits without syncing the disk while inside.

    Why: a synced commit costs a page read about 8 ms on a shared disk (measured in
    bench_web), a quarter of the page. In WAL mode an unsynced commit is still atomic and
    survives the app crashing; only a power cut can lose it, until the next synced commit
    or checkpoint writes the WAL out (PostgreSQL's `synchronous_commit = off` is the same
    bargain). Every other write keeps the database's own setting."""
    if connection.dialect.name != "sqlite":
        yield
        return
    kept = connection.exec_driver_sql("PRAGMA synchronous").scalar()
    connection.exec_driver_sql("PRAGMA synchronous=NORMAL")
    connection.commit()
    try:
        yield
    finally:
        connection.exec_driver_sql(f"PRAGMA synchronous={int(kept or 2)}")
        connection.commit()


@dataclass(frozen=True)
class AccessEntry:
    """One read of a person's records, as the log pages show it."""

    at: dt.datetime
    reader: str  # their name now, else the address they read with, or "command line"
    reader_email: str
    what: str
    label: str  # the program and the enrollment, form or file read, in words
    door: str
    program_id: str
    enrollment_id: str
    form_id: str | None
    attachment_id: str | None
    may_open: bool  # the viewer of the log may open what was read (a link is offered)


@dataclass(frozen=True)
class AccessLogPage:
    person_id: str
    name: str
    email: str
    entries: tuple[AccessEntry, ...]
    total: int
    page: int
    pages: int


class AccessLog(ServiceBase):
    """Reading the access log: admins per person, and each person their own."""

    def check_access_log_reader(self, actor: Actor, *, system: bool = False) -> None:
        """Forbidden unless `actor` may read other people's logs (the search page asks
        before anyone is named); `system`: the command line may too."""
        if not actor.is_admin and not (system and actor.is_system):
            raise Forbidden(READ_ACCESS_LOG)

    def access_log_of(
        self, who: str, actor: Actor, page: int = 1, *, system: bool = False
    ) -> AccessLogPage:
        """Who read the records of `who` (a person's id or e-mail), newest first; admins
        only, and the command line (`system`: `mentorflow access-log`)."""
        self.check_access_log_reader(actor, system=system)
        with self.reading() as session:
            who = who.strip()
            if looks_like_email(who):
                person = find_person(session, normalise_email(who))
            else:
                # Not an address: a person's id or nothing (a NUL or a novel is never
                # sent to the database, which may refuse it outright).
                person = session.get(Person, who) if RECORD_ID.fullmatch(who) else None
            if person is None:
                raise NotFound(f"There is no one known as '{who[:80]}'.")
            return self._log_page(session, person, page, may_open=lambda e: True)

    def my_access_log(self, actor: Actor, page: int = 1) -> AccessLogPage:
        """Who else read this person's own records, newest first: their enrollments
        are theirs to open; a form or file in them may not be, so only those link."""
        if actor.person_id is None:
            raise NotFound("Only a person has an access log.")
        with self.reading() as session:
            person = session.get(Person, actor.person_id)
            if person is None:
                raise NotFound("Only a person has an access log.")
            return self._log_page(session, person, page, may_open=lambda e: e.what == "enrollment")

    def _log_page(
        self,
        session: Session,
        person: Person,
        page: int,
        may_open: Callable[[AccessRead], bool],
    ) -> AccessLogPage:
        total = (
            session.scalar(
                select(func.count())
                .select_from(AccessRead)
                .where(AccessRead.subject_person_id == person.id)
            )
            or 0
        )
        pages = max(1, -(-total // PAGE_SIZE))
        if page < 1 or page > pages:
            raise InvalidQuery(f"There is no page {page}: the log has {pages}.")
        rows = list(
            session.scalars(
                select(AccessRead)
                .where(AccessRead.subject_person_id == person.id)
                .order_by(AccessRead.at.desc(), AccessRead.id.desc())
                .offset((page - 1) * PAGE_SIZE)
                .limit(PAGE_SIZE)
            )
        )
        readers = {
            p.id: p
            for p in session.scalars(
                select(Person).where(Person.id.in_({r.reader_id for r in rows if r.reader_id}))
            )
        }
        files = {
            a.id: a.name
            for a in session.scalars(
                select(Attachment).where(
                    Attachment.id.in_({r.attachment_id for r in rows if r.attachment_id})
                )
            )
        }
        roles = dict(
            session.execute(
                select(Enrollment.id, Enrollment.role).where(
                    Enrollment.id.in_({r.enrollment_id for r in rows})
                )
            ).all()
        )
        entries = []
        for r in rows:
            reader = readers.get(r.reader_id or "")
            entries.append(
                AccessEntry(
                    at=r.at,
                    reader=reader.display_name if reader else r.reader,
                    reader_email=reader.email if reader else "",
                    what=r.what,
                    label=self._label(r, roles.get(r.enrollment_id), files),
                    door=r.door,
                    program_id=r.program_id,
                    enrollment_id=r.enrollment_id,
                    form_id=r.form_id,
                    attachment_id=r.attachment_id,
                    may_open=r.enrollment_id in roles
                    and r.program_id in self.programs
                    and may_open(r),
                )
            )
        return AccessLogPage(
            person.id, person.display_name, person.email, tuple(entries), total, page, pages
        )

    def _label(self, row: AccessRead, role: str | None, files: dict[str, str]) -> str:
        program = self.programs.get(row.program_id)
        title = program.title if program else row.program_id
        if row.what == "file":
            return f"{title}: the file {files.get(row.attachment_id or '', '(removed since)')}"
        form = program.forms.get(row.form_id or "") if program else None
        if row.what in ("submission", "document"):
            name = form.title if form else (row.form_id or "a form")
            printed = " (printed)" if row.what == "document" else ""
            return f"{title}: {name}{printed}"
        found = program.roles.get(role or "") if program else None
        label = found.label if found else (role or "removed")
        return f"{title}: the {label.lower()} enrollment"
