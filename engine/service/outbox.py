"""The outbox: what a program's staff read of its messages, reminders queued, mail sent.

Without MENTORFLOW_SMTP_URL the outbox page is how mail is delivered: staff read what
would have been sent. `remind` queues the reminders that are due (once per occurrence)
and `deliver` sends whatever waits; both are what `mentorflow remind` runs.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterable
from dataclasses import dataclass

from sqlalchemy import select

from ..definition.program import Program
from ..records.database import failures_told
from ..records.store import OutboxMessage
from ..rules.access import Actor
from .core import WorkflowBase
from .mailer import deliver
from .reminders import Occurrence, queue_reminders

OUTBOX_LIMIT = 500  # the newest messages shown; the page says when there are more


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
class OutboxPage:
    program: Program
    messages: tuple[OutboxRow, ...]  # newest first
    limit: int


class Outbox(WorkflowBase):
    def outbox(self, program_id: str, actor: Actor) -> OutboxPage:
        """Every message the program sent or holds, newest first (the latest
        `OUTBOX_LIMIT`); for its coordinators and the admins."""
        program = self.staff_program(program_id, actor)
        with self.reading() as session:
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
                    .where(OutboxMessage.program_id == program.id)
                    .order_by(OutboxMessage.created_at.desc(), OutboxMessage.id.desc())
                    .limit(OUTBOX_LIMIT)
                )
            )
        return OutboxPage(program, messages, OUTBOX_LIMIT)

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
