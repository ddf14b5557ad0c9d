"""The program feed: one entry per thing that happened to a program's records, in the
order it was written, for the API's events feed and for webhooks.

Entries are written in the transaction of what they tell, by whichever door wrote it:
an ORM flush (`after_flush` below) turns new events, submissions, signatures and
pairings into entries, and the bulk writers that use Core inserts (applications and
imports) call `write_feed` themselves. Nothing else writes the feed, so no caller can
forget it. An entry names records by id and never carries answers: a receiver asks the
API for what its token may read.

Kinds: `application`, `transition`, `closure` (a transition into a final state),
`submission`, `amendment`, `signature`, `match`.

`FEED_FOLLOWERS` are told of each batch of new entries inside the same transaction
(webhooks queue their deliveries there), with the connection to write through: they run
during a flush, so they use Core statements on it, never the session.
"""

from __future__ import annotations

import datetime as dt
import zlib
from collections.abc import Callable, Iterable, Sequence
from dataclasses import dataclass
from typing import Any

from sqlalchemy import Connection, ForeignKey, Index, Integer, String, event, insert, text
from sqlalchemy.orm import Mapped, Session, mapped_column, sessionmaker

from .store import Base, Enrollment, Event, Pairing, Signature, Submission, utcnow

KINDS = ("application", "transition", "closure", "submission", "amendment", "signature", "match")


class FeedEntry(Base):
    __tablename__ = "feed_entries"
    __table_args__ = (Index("ix_feed_entries_program", "program_id", "id"),)
    id: Mapped[int] = mapped_column(Integer, primary_key=True, autoincrement=True)
    program_id: Mapped[str] = mapped_column(String(63))
    # Not a foreign key: retention may delete the enrollment, and the entry (which holds
    # nothing of its content) still tells the feed's readers that something happened.
    enrollment_id: Mapped[str | None] = mapped_column(String(16), default=None)
    kind: Mapped[str] = mapped_column(String(20))
    at: Mapped[dt.datetime] = mapped_column(default=utcnow)
    actor_id: Mapped[str | None] = mapped_column(ForeignKey("people.id"), default=None)
    payload: Mapped[dict[str, Any]] = mapped_column(default=dict)


@dataclass(frozen=True)
class Fed:
    """A new entry as its followers are told of it."""

    id: int
    program_id: str
    enrollment_id: str | None
    kind: str


# The first half of the PostgreSQL advisory locks that order a program's feed (any
# fixed number, ours alone; the migrations' lock is another).
FEED_LOCKS = 0x6D66


def _lock_key(program_id: str) -> int:
    """A program's id as the signed 32-bit key PostgreSQL's two-key locks take."""
    return zlib.crc32(program_id.encode()) - 2**31


Follower = Callable[[Connection, Sequence[Fed]], None]
FEED_FOLLOWERS: list[Follower] = []


def write_feed(connection: Connection, rows: Sequence[dict[str, Any]]) -> list[Fed]:
    """Insert entries (dicts of FeedEntry's columns) in order, then tell the followers."""
    if not rows:
        return []
    if connection.dialect.name == "postgresql":
        # Ids come from a sequence when the row is written, not when it commits: two
        # writes to one program could commit in the other order, and a reader whose
        # cursor passed the later id would never see the earlier one. Holding the
        # program's lock from the first entry to the commit gives each program's entries
        # ids in the order they commit (SQLite has one writer at a time already). Taken
        # in one order, so two writes never wait on each other's programs.
        for program_id in sorted({row["program_id"] for row in rows}):
            connection.execute(
                text("SELECT pg_advisory_xact_lock(:space, :key)"),
                {"space": FEED_LOCKS, "key": _lock_key(program_id)},
            )
    statement = insert(FeedEntry).returning(FeedEntry.id, sort_by_parameter_order=True)
    ids = [row.id for row in connection.execute(statement, list(rows))]
    fed = [
        Fed(id, row["program_id"], row.get("enrollment_id"), row["kind"])
        for id, row in zip(ids, rows, strict=True)
    ]
    for follower in FEED_FOLLOWERS:
        follower(connection, fed)
    return fed


def event_entry(row: dict[str, Any], *, final: bool = False) -> dict[str, Any] | None:
    """The entry of an event row (a dict of Event's columns), None for kinds the feed
    tells through another record."""
    kind = row["kind"]
    payload: dict[str, Any] = {"state": row["to_state"], "actor_role": row["actor_role"]}
    if kind == "apply":
        kind = "application"
    elif kind in ("transition", "import"):
        kind = "closure" if final else "transition"
        payload.update(transition=row.get("transition"), from_state=row.get("from_state"))
    elif kind == "amend":
        kind = "amendment"
    else:
        return None
    return {
        "program_id": row["program_id"],
        "enrollment_id": row["enrollment_id"],
        "kind": kind,
        "at": row["at"],
        "actor_id": row.get("actor_id"),
        "payload": payload,
    }


def _columns(obj: Base) -> dict[str, Any]:
    return {c.key: getattr(obj, c.key) for c in obj.__table__.columns}


def _entries(session: Session, new: Iterable[object]) -> list[dict[str, Any]]:
    entries: list[dict[str, Any]] = []
    for obj in new:
        if isinstance(obj, Event):
            enrollment = session.get(Enrollment, obj.enrollment_id)
            final = bool(
                enrollment is not None and enrollment.is_final and enrollment.state == obj.to_state
            )
            entry = event_entry(_columns(obj), final=final)
            if entry is not None:
                entries.append(entry)
        elif isinstance(obj, Submission):
            enrollment = session.get(Enrollment, obj.enrollment_id)
            if enrollment is None:
                continue
            entries.append(
                {
                    "program_id": enrollment.program_id,
                    "enrollment_id": enrollment.id,
                    "kind": "submission",
                    "at": obj.created_at or utcnow(),
                    "actor_id": obj.author_id,
                    "payload": {"form": obj.form_id, "submission": obj.id},
                }
            )
        elif isinstance(obj, Signature):
            submission = session.get(Submission, obj.submission_id)
            if submission is None:
                continue
            enrollment = session.get(Enrollment, submission.enrollment_id)
            if enrollment is None:
                continue
            entries.append(
                {
                    "program_id": enrollment.program_id,
                    "enrollment_id": enrollment.id,
                    "kind": "signature",
                    "at": obj.signed_at or utcnow(),
                    "actor_id": obj.recorded_by_id or obj.signer_id,
                    "payload": {
                        "form": submission.form_id,
                        "submission": submission.id,
                        "signed_as": obj.role,
                        "on_paper": obj.recorded_by_id is not None,
                    },
                }
            )
        elif isinstance(obj, Pairing):
            entries.append(
                {
                    "program_id": obj.program_id,
                    "enrollment_id": obj.mentee_id,
                    "kind": "match",
                    "at": obj.started_at or utcnow(),
                    "actor_id": None,
                    "payload": {
                        "pairing": obj.id,
                        "mentee": obj.mentee_id,
                        "mentor": obj.mentor_id,
                    },
                }
            )
    return entries


def follow_flushes(sessions: sessionmaker[Session]) -> None:
    """Write the feed from every flush of these sessions (the service's, `Database`):
    sessions opened on an engine by hand, as the migrations' tests do on older schemas,
    write none."""
    event.listen(sessions, "after_flush", _feed_the_flush)


def _feed_the_flush(session: Session, _context: object) -> None:
    # After the flush the new rows have their ids and foreign keys, and `session.new`
    # still lists them (SQLAlchemy keeps the pre-flush lists until the flush ends), in
    # the order they were added. Core statements only: the session is mid-flush.
    new = [o for o in session.new if isinstance(o, Event | Submission | Signature | Pairing)]
    if new:
        write_feed(session.connection(), _entries(session, new))
