"""Links mailed to a person, and the mail that carries them.

A link holds a random token; only its SHA-256 is kept, so a copy of the database
opens nothing. Each link has one purpose (`verify` an address, accept an `invite`,
`reset` a forgotten password), works once and expires. The mail goes out at once through SMTP when it is configured;
without it (the embedded default) it waits in the outbox and its whole text, link
included, is written to the server's log, so one person on a laptop can follow it.
"""

from __future__ import annotations

import datetime as dt
import hashlib
import logging
import secrets
import threading
from functools import partial
from typing import Any

from sqlalchemy import func, select, update
from sqlalchemy.orm import Session

from ..errors import NotFound
from ..records.store import AccountToken, OutboxMessage, Person
from .core import WorkflowBase
from .mailer import deliver_now

log = logging.getLogger("mentorflow.mail")

VERIFY = "verify"
INVITE = "invite"
RESET = "reset"
LIFETIMES = {
    VERIFY: dt.timedelta(hours=48),
    INVITE: dt.timedelta(days=7),
    RESET: dt.timedelta(hours=1),
}
# Mail about an account to one address at most this often: asking again and again
# (registering, "send it again") cannot turn Mentorflow into someone's mail bomb.
MAIL_CEILING = 5
MAIL_WINDOW = dt.timedelta(hours=1)
GONE = "This link has expired or was used already. Sign in, or ask for a new one."


def token_hash(token: str) -> str:
    return hashlib.sha256(token.encode()).hexdigest()


def issue_link(
    session: Session,
    person: Person,
    purpose: str,
    now: dt.datetime,
    *,
    grant: dict[str, Any] | None = None,
    by: str | None = None,
) -> str:
    """A new token for `person`; earlier unused `verify` and `reset` links stop working,
    so only the newest mail counts."""
    if purpose in (VERIFY, RESET):
        retire_links(session, person, purpose, now)
    token = secrets.token_urlsafe(32)
    session.add(
        AccountToken(
            token_hash=token_hash(token),
            person_id=person.id,
            purpose=purpose,
            grant=grant,
            created_by_id=by,
            created_at=now,
            expires_at=now + LIFETIMES[purpose],
        )
    )
    return token


def retire_links(session: Session, person: Person, purpose: str, now: dt.datetime) -> None:
    session.execute(
        update(AccountToken)
        .where(
            AccountToken.person_id == person.id,
            AccountToken.purpose == purpose,
            AccountToken.used_at.is_(None),
        )
        .values(used_at=now)
    )


def find_link(session: Session, token: str, purpose: str, now: dt.datetime) -> AccountToken:
    """The unused, unexpired link with this token; NotFound (saying so in words) else."""
    found = session.scalars(
        select(AccountToken).where(AccountToken.token_hash == token_hash(token[:200]))
    ).first()
    if (
        found is None
        or found.purpose != purpose
        or found.used_at is not None
        or found.expires_at <= now
    ):
        raise NotFound(GONE)
    return found


def may_mail(session: Session, email: str, now: dt.datetime) -> bool:
    sent = session.scalar(
        select(func.count()).where(
            OutboxMessage.to_email == email,
            OutboxMessage.program_id.is_(None),
            OutboxMessage.created_at > now - MAIL_WINDOW,
        )
    )
    return (sent or 0) < MAIL_CEILING


class AccountMail(WorkflowBase):
    def _queue_account_mail(
        self, session: Session, to: str, subject: str, body: str, reason: str
    ) -> int | None:
        """Queue mail about an account (no program); None when the address had enough."""
        now = self.clock()
        if not may_mail(session, to, now):
            log.warning("Not mailing %s again so soon (%s).", to, reason)
            return None
        message = OutboxMessage(
            program_id=None, to_email=to, subject=subject, body=body, reason=reason, created_at=now
        )
        session.add(message)
        session.flush()
        return message.id

    def _send_account_mail(self, message_id: int | None) -> None:
        """After the commit: send it now, or write it whole to the log."""
        if message_id is None:
            return
        if self.identity.smtp_url:
            send = partial(deliver_now, self.db, self.identity.smtp_url, [message_id], self.clock())
            if self.identity.mail_in_background:
                # Off the request: how long the mail server takes must not tell anyone
                # whether an address has an account (reset, register).
                threading.Thread(target=send, name="account-mail", daemon=True).start()
            else:  # a command waits for it, or it would end before the mail is sent
                send()
            return
        with self.reading() as session:
            message = session.get(OutboxMessage, message_id)
            if message is None:
                return
            log.warning(
                "Mail waits in the outbox (no MENTORFLOW_SMTP_URL is set). To: %s\n"
                "Subject: %s\n\n%s",
                message.to_email,
                message.subject,
                message.body,
            )

    def _link(self, path: str) -> str:
        return self.identity.link(path)
