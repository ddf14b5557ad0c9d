"""Sending the outbox: SMTP when MENTORFLOW_SMTP_URL is set, else the outbox is the mail.

`smtp://user:pass@host:port` sends in plain SMTP (port 25 by default);
`smtp+starttls://...` upgrades the connection with STARTTLS first (port 587 by default).
An optional `?from=address` sets the sender. A message is marked sent only once the
server accepted it, each in its own commit, so nothing accepted is ever sent twice by a
later run. Each message is built and sent on its own: one that fails (a header Python
refuses, an address the server refuses) is tried again by later runs after a wait that
grows, and set aside after `MAX_ATTEMPTS` tries with its error kept for the outbox page,
so it never holds up the others. An unreachable server is nobody's message's fault: it
counts against none of them.
"""

from __future__ import annotations

import datetime as dt
import logging
import smtplib
import ssl
from dataclasses import dataclass
from email.message import EmailMessage
from urllib.parse import parse_qs, unquote, urlsplit

from sqlalchemy import or_, select

from ..errors import MentorflowError
from ..records.database import Database
from ..records.store import OutboxMessage
from .people import clean_name, looks_like_email

log = logging.getLogger("mentorflow.mail")

DEFAULT_SENDER = "mentorflow@localhost"
TIMEOUT_SECONDS = 30
# The waits after the first, second, ... failed try; the try after the last sets it aside.
RETRY_AFTER = (
    dt.timedelta(minutes=15),
    dt.timedelta(hours=1),
    dt.timedelta(hours=4),
    dt.timedelta(hours=16),
)
MAX_ATTEMPTS = len(RETRY_AFTER) + 1
ERROR_LENGTH = 1000  # of the error kept: enough to read, not a whole server transcript


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
    address); what fails waits in the outbox for a later `deliver`."""
    return _send(db, parse_smtp_url(smtp_url), ids, now)


def deliver(db: Database, smtp_url: str | None, now: dt.datetime) -> tuple[int, int]:
    """Send every unsent message that is due (not set aside, its wait after a failure
    over); return (sent, failed). Without `smtp_url` the messages stay in the outbox,
    where staff read them, and each is written to the log."""
    with db.session() as session:
        unsent = list(
            session.scalars(
                select(OutboxMessage)
                .where(
                    OutboxMessage.sent_at.is_(None),
                    OutboxMessage.set_aside_at.is_(None),
                    or_(OutboxMessage.next_try_at.is_(None), OutboxMessage.next_try_at <= now),
                )
                .order_by(OutboxMessage.id)
            )
        )
    if smtp_url is None:
        for message in unsent:
            log.info(
                "In the outbox (no MENTORFLOW_SMTP_URL) for %r: %r [%s]",
                message.to_email,
                message.subject,
                message.reason,
            )
        return 0, 0
    return _send(db, parse_smtp_url(smtp_url), [message.id for message in unsent], now)


class _ConnectionLost(Exception):
    """The server went away while a message was sent; the rest need a new connection."""


def _send(
    db: Database, target: SmtpTarget, waiting: list[int], now: dt.datetime
) -> tuple[int, int]:
    sent = failed = 0
    client: smtplib.SMTP | None = None
    try:
        for done, message_id in enumerate(waiting):
            if client is None:
                try:
                    client = _connect(target)
                except (OSError, smtplib.SMTPException) as exc:
                    left = len(waiting) - done
                    log.warning(
                        "Could not reach %s:%s (%s); %d messages wait for the next run.",
                        target.host,
                        target.port,
                        exc,
                        left,
                    )
                    return sent, failed + left
            try:
                if _send_one(db, client, target, message_id, now):
                    sent += 1
                else:
                    failed += 1
            except _ConnectionLost:
                failed += 1
                _close(client)
                client = None
    finally:
        if client is not None:
            _close(client)
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


def _close(client: smtplib.SMTP) -> None:
    try:
        client.quit()
    except (OSError, smtplib.SMTPException):
        client.close()


def _header(value: str) -> str:
    """A header's value with no line break or other control character left: the last
    line of defence after names are cleaned where they enter, since a refused header
    would otherwise fail the message and one that slipped through could add headers."""
    return clean_name(value)


def _mail(target: SmtpTarget, message: OutboxMessage) -> EmailMessage:
    if not looks_like_email(message.to_email) or clean_name(message.to_email) != message.to_email:
        raise ValueError(f"{message.to_email!r} is not one e-mail address.")
    mail = EmailMessage()
    mail["From"] = target.sender
    mail["To"] = message.to_email
    mail["Subject"] = _header(message.subject)
    mail.set_content(message.body)
    return mail


def _send_one(
    db: Database, client: smtplib.SMTP, target: SmtpTarget, message_id: int, now: dt.datetime
) -> bool:
    """Build and send one message, recording the try; False when it failed. Raises
    `_ConnectionLost` (once the failure is recorded) when the connection is gone."""
    lost: Exception | None = None
    with db.session() as session, session.begin():
        message = session.get(OutboxMessage, message_id)
        if message is None or message.sent_at is not None:  # another run sent it
            return True
        message.attempts += 1
        try:
            client.send_message(_mail(target, message))
        except Exception as exc:  # any failure is this message's; the others still go
            _failed(message, exc, now)
            lost = exc if _connection_gone(exc) else None
            if lost is None:
                return False
        else:
            message.sent_at = now
            message.next_try_at = None
            log.info("Sent to %s: %r [%s]", message.to_email, message.subject, message.reason)
            return True
    raise _ConnectionLost from lost


def _connection_gone(exc: Exception) -> bool:
    # SMTPException is an OSError too; only a socket's own errors mean the line is dead.
    return isinstance(exc, smtplib.SMTPServerDisconnected) or (
        isinstance(exc, OSError) and not isinstance(exc, smtplib.SMTPException)
    )


def _failed(message: OutboxMessage, exc: Exception, now: dt.datetime) -> None:
    message.last_error = f"{type(exc).__name__}: {exc}"[:ERROR_LENGTH]
    if message.attempts >= MAX_ATTEMPTS:
        message.set_aside_at = now
        message.next_try_at = None
        log.error(
            "Sending to %r failed %d times (%s); it is set aside, shown on the outbox page.",
            message.to_email,
            message.attempts,
            message.last_error,
        )
    else:
        message.next_try_at = now + RETRY_AFTER[message.attempts - 1]
        log.warning(
            "Sending to %r failed (%s); it is tried again from %s.",
            message.to_email,
            message.last_error,
            message.next_try_at.isoformat(),
        )
