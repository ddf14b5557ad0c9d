"""Reminders from the definition, queued once per occurrence.

A state's `reminder: {after_days, without, to, text}` is due once an enrollment has
waited `after_days` days (in the state and, with `without`, since the last entry of that
form) and again every `after_days` days while that holds. Each occurrence has a stable
key kept in `OutboxMessage.reason` and `dedupe_key`, so queueing twice the same day
writes nothing new; the unique index on (to_email, dedupe_key) holds that even for two
runs at once, whose second insert is skipped rather than failing the run.
`service.desk.reminders_due` decides what is due; this module writes the messages.
"""

from __future__ import annotations

import datetime as dt
import hashlib
from collections.abc import Iterable, Mapping
from dataclasses import dataclass

from sqlalchemy import Insert, select
from sqlalchemy.dialects import postgresql, sqlite
from sqlalchemy.orm import Session

from ..definition.program import Program
from ..records.database import Database
from ..records.store import OutboxMessage
from ..settings import Identity
from .core import WorkflowBase
from .desk import Due, reminders_due
from .letters import reminder_letter
from .notify import Readers, audience, letter_rows

REASON_LENGTH = 100  # OutboxMessage.reason


@dataclass(frozen=True)
class Occurrence:
    """One reminder that is due: who it is about, its key, and who is told."""

    program_id: str
    enrollment_id: str
    who: str
    state: str
    text: str
    days: int
    period: int
    key: str
    to: tuple[str, ...]
    already_queued: bool  # an earlier run queued this occurrence

    @property
    def queued(self) -> int:
        """The messages this run wrote (or, in a dry run, would write)."""
        return 0 if self.already_queued else len(self.to)


def reminder_key(due: Due) -> str:
    """`reminder:<enrollment>:<state>:<since>:<period>`, within the column's length."""
    since = due.since or due.enrollment.state_since
    stamp = since.astimezone(dt.UTC).strftime("%Y%m%dT%H%M%S.%fZ")
    key = f"reminder:{due.enrollment.id}:{due.state}:{stamp}:{due.period}"
    if len(key) > REASON_LENGTH:  # a very long state id: keep the key unique and short
        state = hashlib.sha256(due.state.encode()).hexdigest()[:16]
        key = f"reminder:{due.enrollment.id}:{state}:{stamp}:{due.period}"
    return key


def queue_reminders(
    target: WorkflowBase | Database,
    programs: Mapping[str, Program] | Iterable[Program],
    now: dt.datetime,
    dry_run: bool = False,
) -> list[Occurrence]:
    """Queue one message per recipient of every due reminder not queued before, in one
    transaction; with `dry_run`, only say what is due and write nothing."""
    db = target.db if isinstance(target, WorkflowBase) else target
    identity = target.identity if isinstance(target, WorkflowBase) else Identity()
    chosen = list(programs.values()) if isinstance(programs, Mapping) else list(programs)
    found: list[Occurrence] = []
    session = db.session()
    try:
        for program in chosen:
            found += _program_reminders(session, identity, program, now, dry_run)
        if not dry_run:
            session.commit()
    finally:
        session.close()  # a dry run ends here, its transaction rolled back
    return found


def _program_reminders(
    session: Session, identity: Identity, program: Program, now: dt.datetime, dry_run: bool
) -> list[Occurrence]:
    due = reminders_due(session, program, now)
    keys = {d.enrollment.id: reminder_key(d) for d in due}
    done = set(
        session.scalars(
            select(OutboxMessage.reason).where(
                OutboxMessage.program_id == program.id,
                OutboxMessage.reason.in_(list(keys.values()) or [""]),
            )
        )
    )
    found = []
    readers = Readers(session)
    for d in due:
        enrollment = d.enrollment
        key = keys[enrollment.id]
        standing = audience(session, program, enrollment, d.to)
        addresses = tuple(email for email, _ in standing)
        who = enrollment.person.display_name
        written = 0
        if key not in done and not dry_run:
            letters = [
                reminder_letter(
                    identity,
                    program,
                    reader,
                    enrollment_id=enrollment.id,
                    role=enrollment.role,
                    who=who,
                    state=d.state,
                    text=d.text,
                    days=d.days,
                )
                for reader in readers(standing)
            ]
            rows = letter_rows(program, enrollment.id, letters, key, now)
            written = _insert_once(session, [{**row, "dedupe_key": key} for row in rows])
        found.append(
            Occurrence(
                program_id=program.id,
                enrollment_id=enrollment.id,
                who=who,
                state=d.state,
                text=d.text,
                days=d.days,
                period=d.period,
                key=key,
                to=addresses,
                already_queued=key in done or (bool(addresses) and not written and not dry_run),
            )
        )
    return found


def _insert_once(session: Session, rows: list[dict[str, object]]) -> int:
    """Insert the rows that no earlier (or simultaneous) run wrote; return how many."""
    if not rows:
        return 0
    dialect = session.get_bind().dialect.name
    insert: Insert
    if dialect == "postgresql":
        insert = postgresql.insert(OutboxMessage).on_conflict_do_nothing()
    else:
        insert = sqlite.insert(OutboxMessage).on_conflict_do_nothing()
    return len(session.execute(insert.values(rows).returning(OutboxMessage.id)).all())
