"""The outbox: what a program's staff read of its messages, reminders queued, mail sent.

Without MENTORFLOW_SMTP_URL the outbox page is how mail is delivered: staff read what
would have been sent. `remind` queues the reminders that are due (once per occurrence)
and `deliver` sends whatever waits; both are what `mentorflow remind` runs.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterable
from dataclasses import dataclass

from sqlalchemy import ColumnElement, and_, func, or_, select

from ..definition.program import Program
from ..errors import InvalidAnswers
from ..records.database import failures_told
from ..records.store import OutboxMessage
from ..rules.access import Actor
from .core import WorkflowBase
from .mailer import deliver
from .reminders import Occurrence, queue_reminders

PAGE_SIZE = 50  # messages per page of the outbox
# What the status filter offers: its value and its words.
STATUSES = {
    "waiting": "In the outbox",
    "failing": "Failed, tried again",
    "set_aside": "Set aside",
    "sent": "Sent",
}


@dataclass(frozen=True)
class OutboxRow:
    id: int
    created_at: dt.datetime
    to_email: str
    subject: str
    body: str
    reason: str
    sent_at: dt.datetime | None
    attempts: int = 0  # tries to send it, counting one that succeeded
    last_error: str | None = None  # why the latest try failed
    next_try_at: dt.datetime | None = None  # after a failure: not tried before then
    set_aside_at: dt.datetime | None = None  # failed too often: not tried again


@dataclass(frozen=True)
class OutboxFilter:
    """What the outbox page is narrowed to: part of the recipient's address, a status
    (one of `STATUSES`, or '' for all), words in the subject or the message."""

    to: str = ""
    status: str = ""
    text: str = ""

    def __post_init__(self) -> None:
        if self.status and self.status not in STATUSES:
            raise InvalidAnswers({"status": f"Choose one of: {', '.join(STATUSES.values())}."})

    @property
    def active(self) -> bool:
        return bool(self.to or self.status or self.text)


@dataclass(frozen=True)
class OutboxPage:
    program: Program
    messages: tuple[OutboxRow, ...]  # newest first
    filter: OutboxFilter
    page: int  # from 1
    pages: int  # at least 1
    total: int  # messages matching the filter, on every page
    everything: int  # messages of the program, unfiltered
    page_size: int = PAGE_SIZE


def _like(value: str) -> str:
    escaped = value.replace("\\", "\\\\").replace("%", "\\%").replace("_", "\\_")
    return f"%{escaped}%"


def _conditions(program_id: str, wanted: OutboxFilter) -> list[ColumnElement[bool]]:
    m = OutboxMessage
    found: list[ColumnElement[bool]] = [m.program_id == program_id]
    if wanted.to.strip():
        found.append(m.to_email.ilike(_like(wanted.to.strip().lower()), escape="\\"))
    if wanted.text.strip():
        words = _like(wanted.text.strip())
        found.append(or_(m.subject.ilike(words, escape="\\"), m.body.ilike(words, escape="\\")))
    unsent = and_(m.sent_at.is_(None), m.set_aside_at.is_(None))
    by_status: dict[str, list[ColumnElement[bool]]] = {
        "": [],
        "sent": [m.sent_at.is_not(None)],
        "set_aside": [m.sent_at.is_(None), m.set_aside_at.is_not(None)],
        "failing": [unsent, m.attempts > 0],
        "waiting": [unsent, m.attempts == 0],
    }
    found += by_status[wanted.status]
    return found


class Outbox(WorkflowBase):
    def outbox(
        self,
        program_id: str,
        actor: Actor,
        wanted: OutboxFilter | None = None,
        page: int = 1,
    ) -> OutboxPage:
        """One page of the program's messages, newest first, narrowed by `wanted`; for
        its coordinators and the admins. A page past the last shows the last."""
        program = self.staff_program(program_id, actor)
        wanted = wanted or OutboxFilter()
        with self.reading() as session:
            count = select(func.count()).select_from(OutboxMessage)
            everything = session.scalar(count.where(OutboxMessage.program_id == program.id))
            total = session.scalar(count.where(*_conditions(program.id, wanted))) or 0
            pages = max(1, -(-total // PAGE_SIZE))
            page = min(max(1, page), pages)
            messages = tuple(
                OutboxRow(
                    m.id,
                    m.created_at,
                    m.to_email,
                    m.subject,
                    m.body,
                    m.reason,
                    m.sent_at,
                    m.attempts,
                    m.last_error,
                    m.next_try_at,
                    m.set_aside_at,
                )
                for m in session.scalars(
                    select(OutboxMessage)
                    .where(*_conditions(program.id, wanted))
                    .order_by(OutboxMessage.created_at.desc(), OutboxMessage.id.desc())
                    .offset((page - 1) * PAGE_SIZE)
                    .limit(PAGE_SIZE)
                )
            )
        return OutboxPage(program, messages, wanted, page, pages, total, everything or 0)

    def remind(
        self, *, dry_run: bool = False, programs: Iterable[str] | None = None
    ) -> list[Occurrence]:
        """Queue every due reminder not queued before (of every program unless named);
        with `dry_run`, only say what is due and write nothing."""
        chosen = [self.program(p) for p in programs] if programs is not None else self.programs
        with failures_told():
            return queue_reminders(self, chosen, self.clock(), dry_run=dry_run)

    def deliver(self, smtp_url: str | None) -> tuple[int, int]:
        """Send every unsent message: (sent, failed); without `smtp_url` they stay in the
        outbox, which staff read."""
        with failures_told():
            return deliver(self.db, smtp_url, self.clock())
