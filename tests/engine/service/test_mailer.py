"""The mailer against a real SMTP server (aiosmtpd) on loopback: each unsent message sent
once and marked sent, nothing sent twice, and an unreachable server leaves them waiting."""

from __future__ import annotations

import datetime as dt
import logging
import smtplib
import socket
import time
from collections.abc import Iterator
from email import message_from_bytes, policy
from email.message import EmailMessage
from typing import Any

import pytest
from aiosmtpd.controller import Controller
from sqlalchemy import select

from mentorflow.engine.errors import MentorflowError
from mentorflow.engine.records.database import Database
from mentorflow.engine.records.store import OutboxMessage
from mentorflow.engine.service.mailer import deliver, parse_smtp_url
from mentorflow.engine.service.workflow import Workflow
from mentorflow.engine.settings import Identity

NOW = dt.datetime(2026, 3, 2, 9, 0, tzinfo=dt.UTC)


class Keeper:
    """An aiosmtpd handler that keeps every message it accepts."""

    def __init__(self) -> None:
        self.received: list[tuple[list[str], EmailMessage]] = []

    async def handle_DATA(self, server: Any, session: Any, envelope: Any) -> str:
        mail = message_from_bytes(envelope.content, policy=policy.default)
        assert isinstance(mail, EmailMessage)
        self.received.append((list(envelope.rcpt_tos), mail))
        return "250 Message accepted for delivery"


def free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        port: int = s.getsockname()[1]
        return port


@pytest.fixture
def smtp() -> Iterator[tuple[Keeper, str]]:
    keeper = Keeper()
    controller = Controller(keeper, hostname="127.0.0.1", port=free_port())
    controller.start()
    try:
        yield keeper, f"smtp://127.0.0.1:{controller.port}?from=desk@example.gov"
    finally:
        controller.stop()


def put(db: Database, *messages: tuple[str, str, str]) -> None:
    with db.session() as session, session.begin():
        for to, subject, body in messages:
            session.add(
                OutboxMessage(
                    program_id="small-program",
                    to_email=to,
                    subject=subject,
                    body=body,
                    reason=f"test:{to}",
                    created_at=NOW,
                )
            )


def outbox(db: Database) -> list[OutboxMessage]:
    with db.session() as session:
        return list(session.scalars(select(OutboxMessage).order_by(OutboxMessage.id)))


MESSAGES = [
    ("ada@example.gov", "[Small Program] Reminder: Ada", "No check-in for 30 days.\n"),
    ("max@example.gov", "[Small Program] Reminder: Ada — again", "Zwei Grüße.\n"),
]


def test_each_unsent_message_is_sent_once_and_marked(
    db: Database, smtp: tuple[Keeper, str]
) -> None:
    keeper, url = smtp
    put(db, *MESSAGES)
    assert deliver(db, url, NOW) == (2, 0)
    got = [(to, m["To"], m["From"], str(m["Subject"])) for to, m in keeper.received]
    assert got == [([to], to, "desk@example.gov", subject) for to, subject, _ in MESSAGES]
    bodies = [m.get_content().replace("\r\n", "\n") for _, m in keeper.received]
    assert bodies == [body for _, _, body in MESSAGES]
    assert [m.sent_at for m in outbox(db)] == [NOW, NOW]

    assert deliver(db, url, NOW + dt.timedelta(hours=1)) == (0, 0)  # nothing twice
    assert len(keeper.received) == 2

    put(db, ("new@example.gov", "Later", "Only this one."))
    assert deliver(db, url, NOW) == (1, 0)
    assert [to for to, _ in keeper.received] == [
        ["ada@example.gov"],
        ["max@example.gov"],
        ["new@example.gov"],
    ]


def test_an_unreachable_server_leaves_them_unsent_for_the_next_run(
    db: Database, smtp: tuple[Keeper, str]
) -> None:
    keeper, url = smtp
    put(db, *MESSAGES)
    assert deliver(db, f"smtp://127.0.0.1:{free_port()}", NOW) == (0, 2)
    assert [m.sent_at for m in outbox(db)] == [None, None]
    assert deliver(db, url, NOW) == (2, 0)  # retried, then sent
    assert len(keeper.received) == 2


def test_without_a_server_the_outbox_is_the_delivery(
    db: Database, caplog: pytest.LogCaptureFixture
) -> None:
    put(db, *MESSAGES)
    with caplog.at_level(logging.INFO, logger="mentorflow.mail"):
        assert deliver(db, None, NOW) == (0, 0)
    assert [m.sent_at for m in outbox(db)] == [None, None]
    logged = [r.getMessage() for r in caplog.records if r.name == "mentorflow.mail"]
    assert len(logged) == 2 and "ada@example.gov" in logged[0] and "test:ada" in logged[0]


def test_smtp_urls() -> None:
    plain = parse_smtp_url("smtp://mail.example.gov")
    assert (plain.host, plain.port, plain.starttls, plain.user) == (
        "mail.example.gov",
        25,
        False,
        None,
    )
    tls = parse_smtp_url("smtp+starttls://me%40x.gov:p%3Ass@mail.example.gov:2525")
    assert (tls.port, tls.starttls, tls.user, tls.password) == (2525, True, "me@x.gov", "p:ss")
    with pytest.raises(MentorflowError, match="smtp://"):
        parse_smtp_url("http://mail.example.gov")


def test_mail_about_an_account_is_sent_at_once(
    smtp: tuple[Keeper, str],
    programs: dict,  # type: ignore[type-arg]
    db: Database,
) -> None:
    """A person waiting for their link does not wait for the daily `remind`."""
    keeper, url = smtp
    workflow = Workflow(
        programs,
        db,
        identity=Identity(public_url="https://mentoring.example.gov", smtp_url=url),
    )
    workflow.register("nia@example.gov", "Nia", "correct horse battery")
    ((to, mail),) = keeper.received
    assert to == ["nia@example.gov"] and mail["From"] == "desk@example.gov"
    assert "https://mentoring.example.gov/verify/" in mail.get_content()
    with db.session() as session:
        (message,) = session.scalars(select(OutboxMessage)).all()
        assert message.sent_at is not None  # the daily run will not send it again


def test_the_web_app_sends_account_mail_off_the_request(
    smtp: tuple[Keeper, str],
    programs: dict,  # type: ignore[type-arg]
    db: Database,
) -> None:
    """So that how long the mail server takes cannot tell whether an address has an
    account (a reset asked for an unknown address sends nothing)."""
    keeper, url = smtp
    identity = Identity(smtp_url=url, mail_in_background=True)
    Workflow(programs, db, identity=identity).register(
        "nia@example.gov", "Nia", "correct horse battery"
    )
    for _ in range(100):
        if keeper.received:
            break
        time.sleep(0.05)
    ((to, mail),) = keeper.received
    assert to == ["nia@example.gov"] and "/verify/" in mail.get_content()


def test_without_smtp_mail_about_an_account_is_written_whole_to_the_log(
    programs: dict,  # type: ignore[type-arg]
    db: Database,
    caplog: pytest.LogCaptureFixture,
) -> None:
    with caplog.at_level(logging.WARNING, logger="mentorflow.mail"):
        Workflow(programs, db).register("nia@example.gov", "Nia", "correct horse battery")
    (record,) = [r for r in caplog.records if r.name == "mentorflow.mail"]
    assert "To: nia@example.gov" in record.getMessage()
    assert "http://127.0.0.1:5000/verify/" in record.getMessage()


# ------------------------------------------------ one bad message never stops the others

INJECTED = "[Small Program] Reminder: Carl\r\nBcc: x@evil.example"


def test_a_line_break_in_a_subject_is_sent_as_a_space_and_injects_nothing(
    db: Database, smtp: tuple[Keeper, str]
) -> None:
    keeper, url = smtp
    put(db, ("carl@example.gov", INJECTED, "Hello.\n"), *MESSAGES)
    assert deliver(db, url, NOW) == (3, 0)
    (to, first), *others = keeper.received
    assert to == ["carl@example.gov"]  # no Bcc reached the envelope
    assert str(first["Subject"]) == "[Small Program] Reminder: Carl Bcc: x@evil.example"
    assert first["Bcc"] is None
    assert [to for to, _ in others] == [["ada@example.gov"], ["max@example.gov"]]
    assert [m.sent_at for m in outbox(db)] == [NOW, NOW, NOW]


class Refuser(Keeper):
    """Refuses every recipient at refused.example."""

    async def handle_RCPT(
        self, server: Any, session: Any, envelope: Any, address: str, options: Any
    ) -> str:
        if address.endswith("@refused.example"):
            return "550 No such mailbox here"
        envelope.rcpt_tos.append(address)
        return "250 OK"


@pytest.fixture
def refusing_smtp() -> Iterator[tuple[Keeper, str]]:
    keeper = Refuser()
    controller = Controller(keeper, hostname="127.0.0.1", port=free_port())
    controller.start()
    try:
        yield keeper, f"smtp://127.0.0.1:{controller.port}"
    finally:
        controller.stop()


BAD = [
    ("nobody@refused.example", "Refused by the server", "550\n"),
    ("carl@example.gov\r\nBcc: x@evil.example", "A broken address", "Not an address.\n"),
]


def test_a_failing_message_is_retried_with_backoff_then_set_aside_and_never_blocks(
    db: Database, refusing_smtp: tuple[Keeper, str]
) -> None:
    keeper, url = refusing_smtp
    put(db, *BAD, MESSAGES[0])
    assert deliver(db, url, NOW) == (1, 2)
    assert [to for to, _ in keeper.received] == [["ada@example.gov"]]  # the good one went
    refused, broken, good = outbox(db)
    assert good.sent_at == NOW and good.attempts == 1 and good.last_error is None
    for bad in (refused, broken):
        assert bad.sent_at is None and bad.set_aside_at is None and bad.attempts == 1
        assert bad.next_try_at == NOW + dt.timedelta(minutes=15)
    assert refused.last_error is not None and "550" in refused.last_error
    assert broken.last_error is not None and "address" in broken.last_error

    # Not before its time: a run a minute early leaves both alone.
    assert deliver(db, url, NOW + dt.timedelta(minutes=14)) == (0, 0)
    assert [m.attempts for m in outbox(db)] == [1, 1, 1]

    # Each further failure waits longer; the fifth sets it aside with its error kept.
    at = NOW
    for attempt, wait in enumerate([15, 60, 4 * 60, 16 * 60], start=2):
        at += dt.timedelta(minutes=wait)
        assert deliver(db, url, at - dt.timedelta(seconds=1)) == (0, 0)
        assert deliver(db, url, at) == (0, 2)
        refused, broken, _ = outbox(db)
        assert refused.attempts == broken.attempts == attempt
    assert refused.set_aside_at == broken.set_aside_at == at
    assert refused.last_error is not None and "550" in refused.last_error
    assert deliver(db, url, at + dt.timedelta(days=30)) == (0, 0)  # never tried again
    assert len(keeper.received) == 1

    # Later mail of every program still goes.
    put(db, ("new@example.gov", "Later", "Only this one."))
    assert deliver(db, url, at) == (1, 0)
    assert keeper.received[-1][0] == ["new@example.gov"]


def test_a_connection_lost_on_one_message_is_its_failure_and_the_rest_go_on_a_new_one(
    db: Database, smtp: tuple[Keeper, str], monkeypatch: pytest.MonkeyPatch
) -> None:
    keeper, url = smtp
    put(db, *MESSAGES)
    real = smtplib.SMTP.send_message
    calls = []

    def drop_the_first(self: smtplib.SMTP, mail: EmailMessage) -> Any:
        calls.append(self)
        if len(calls) == 1:
            self.close()
            raise smtplib.SMTPServerDisconnected("Connection unexpectedly closed")
        return real(self, mail)

    monkeypatch.setattr(smtplib.SMTP, "send_message", drop_the_first)
    assert deliver(db, url, NOW) == (1, 1)
    assert calls[0] is not calls[1]  # a new connection for the second
    first, second = outbox(db)
    assert first.attempts == 1 and first.next_try_at == NOW + dt.timedelta(minutes=15)
    assert first.last_error == "SMTPServerDisconnected: Connection unexpectedly closed"
    assert second.sent_at == NOW
    assert [to for to, _ in keeper.received] == [["max@example.gov"]]
