"""Sending the outbox: SMTP when MENTORFLOW_SMTP_URL is set, else the outbox is the mail.

`smtp://user:pass@host:port` sends in plain SMTP (port 25 by default);
`smtp+starttls://...` upgrades the connection with STARTTLS first (port 587 by default).
An optional `?from=address` sets the sender. A message is marked sent only once the
server accepted it, each in its own commit, so a failure is retried by the next run and
nothing accepted is ever sent twice by a later one.
"""

from __future__ import annotations

import datetime as dt
import logging
import smtplib
import ssl
from dataclasses import dataclass
from email.message import EmailMessage
from urllib.parse import parse_qs, unquote, urlsplit

from sqlalchemy import select

from ..errors import MentorflowError
from ..records.database import Database
from ..records.store import OutboxMessage

log = logging.getLogger("mentorflow.mail")

DEFAULT_SENDER = "mentorflow@localhost"
TIMEOUT_SECONDS = 30


@dataclass(frozen=True)
class SmtpTarget:
    host: str
    port: int
    starttls: bool
    user: str | None
    password: str | None
    sender: str


def parse_smtp_url(url: str) -> SmtpTarget:
    parts = urlsplit(url)
    if parts.scheme not in ("smtp", "smtp+starttls"):
        raise MentorflowError(
            f"MENTORFLOW_SMTP_URL must start with smtp:// or smtp+starttls://, not '{parts.scheme}://'."
        )
    if not parts.hostname:
        raise MentorflowError("MENTORFLOW_SMTP_URL names no host, as in smtp://host:25.")
    starttls = parts.scheme == "smtp+starttls"
    try:
        port = parts.port or (587 if starttls else 25)
    except ValueError:
        raise MentorflowError("MENTORFLOW_SMTP_URL has a port that is not a number.") from None
    sender = parse_qs(parts.query).get("from", [DEFAULT_SENDER])[0]
    return SmtpTarget(
        host=parts.hostname,
        port=port,
        starttls=starttls,
        user=unquote(parts.username) if parts.username else None,
        password=unquote(parts.password) if parts.password else None,
        sender=sender,
    )


def deliver_now(db: Database, smtp_url: str, ids: list[int], now: dt.datetime) -> tuple[int, int]:
    """Send these messages now (mail a person waits for, such as a link to verify their
    address); what fails waits in the outbox for the next `deliver`."""
    return _send(db, parse_smtp_url(smtp_url), ids, now)


def deliver(db: Database, smtp_url: str | None, now: dt.datetime) -> tuple[int, int]:
    """Send every unsent outbox message; return (sent, failed). Without `smtp_url` the
    messages stay in the outbox, where staff read them, and each is written to the log."""
    with db.session() as session:
        unsent = list(
            session.scalars(
                select(OutboxMessage)
                .where(OutboxMessage.sent_at.is_(None))
                .order_by(OutboxMessage.id)
            )
        )
    if smtp_url is None:
        for message in unsent:
            log.info(
                "In the outbox (no MENTORFLOW_SMTP_URL) for %s: %s [%s]",
                message.to_email,
                message.subject,
                message.reason,
            )
        return 0, 0
    return _send(db, parse_smtp_url(smtp_url), [message.id for message in unsent], now)


def _send(
    db: Database, target: SmtpTarget, waiting: list[int], now: dt.datetime
) -> tuple[int, int]:
    if not waiting:
        return 0, 0
    try:
        client = _connect(target)
    except (OSError, smtplib.SMTPException) as exc:
        log.warning(
            "Could not reach %s:%s (%s); %d messages wait for the next run.",
            target.host,
            target.port,
            exc,
            len(waiting),
        )
        return 0, len(waiting)
    sent = failed = 0
    try:
        for message_id in waiting:
            if _send_one(db, client, target, message_id, now):
                sent += 1
            else:
                failed += 1
    finally:
        try:
            client.quit()
        except (OSError, smtplib.SMTPException):
            client.close()
    return sent, failed


def _connect(target: SmtpTarget) -> smtplib.SMTP:
    client = smtplib.SMTP(target.host, target.port, timeout=TIMEOUT_SECONDS)
    try:
        if target.starttls:
            client.starttls(context=ssl.create_default_context())
        if target.user:
            client.login(target.user, target.password or "")
    except BaseException:
        client.close()
        raise
    return client


def _send_one(
    db: Database, client: smtplib.SMTP, target: SmtpTarget, message_id: int, now: dt.datetime
) -> bool:
    with db.session() as session, session.begin():
        message = session.get(OutboxMessage, message_id)
        if message is None or message.sent_at is not None:  # another run sent it
            return True
        mail = EmailMessage()
        mail["From"] = target.sender
        mail["To"] = message.to_email
        mail["Subject"] = message.subject
        mail.set_content(message.body)
        try:
            client.send_message(mail)
        except (OSError, smtplib.SMTPException) as exc:
            log.warning(
                "Sending to %s failed (%s); it waits for the next run.", message.to_email, exc
            )
            return False
        message.sent_at = now
        log.info("Sent to %s: %s [%s]", message.to_email, message.subject, message.reason)
        return True
