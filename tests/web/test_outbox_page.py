"""`GET /p/<program>/outbox`: the program's messages, newest first, for its coordinators and
admins; others 403 and nobody signed in is sent to sign in."""

from __future__ import annotations

import datetime as dt
from html import escape

import pytest

from mentorflow.engine.records.store import OutboxMessage
from tests.support import unique
from tests.web.conftest import GENERAL, ROLES, World, redirects_to_login

STATUSES = dict(zip(ROLES, "302 403 403 403 200 403 200 403".split(), strict=True))


@pytest.mark.parametrize("role", ROLES)
def test_who_may_read_the_outbox(world: World, role: str) -> None:
    who = world.cast(world.main)[role]
    response = world.browser(who).get(f"/p/{GENERAL}/outbox")
    assert response.status_code == int(STATUSES[role])
    if role == "anonymous":
        assert redirects_to_login(response)


def test_unknown_program_is_404(world: World) -> None:
    assert world.browser(world.coordinator).get("/p/nope/outbox").status_code == 404


def test_messages_newest_first_with_their_status(world: World) -> None:
    now = world.workflow.clock()
    waiting, sent, elsewhere = unique("waiting"), unique("sent"), unique("elsewhere")
    with world.workflow.db.session() as session, session.begin():
        session.add_all(
            [
                OutboxMessage(
                    program_id=GENERAL,
                    to_email=sent,
                    subject="Older & sent",
                    body="The first <message>.",
                    reason="test:older",
                    created_at=now + dt.timedelta(days=1),
                    sent_at=now + dt.timedelta(days=1, minutes=5),
                ),
                OutboxMessage(
                    program_id=GENERAL,
                    to_email=waiting,
                    subject="Newer, waiting",
                    body="The second message.",
                    reason="test:newer",
                    created_at=now + dt.timedelta(days=2),
                ),
                OutboxMessage(
                    program_id="small-program",
                    to_email=elsewhere,
                    subject="Another program's",
                    body="Not here.",
                    reason="test:elsewhere",
                    created_at=now + dt.timedelta(days=3),
                ),
            ]
        )
    page = world.browser(world.coordinator).get(f"/p/{GENERAL}/outbox").get_data(as_text=True)
    assert waiting in page and sent in page and elsewhere not in page
    assert page.index(waiting) < page.index(sent)  # newest first
    newer = page[page.index(waiting) : page.index(sent)]
    assert "Newer, waiting" in newer and "The second message." in newer
    assert "test:newer" in newer and "in the outbox" in newer
    older = page[page.index(sent) :]
    assert escape("Older & sent") in older and escape("The first <message>.") in older
    sent_at = (now + dt.timedelta(days=1, minutes=5)).strftime("%Y-%m-%d %H:%M")
    assert f"sent {sent_at}" in older
    assert "<message>" not in page  # escaped


def test_the_desk_links_to_the_outbox(world: World) -> None:
    page = world.browser(world.coordinator).get(f"/p/{GENERAL}/coordinator").get_data(as_text=True)
    assert f'href="/p/{GENERAL}/outbox"' in page


def test_a_failing_message_shows_its_error_and_when_it_is_set_aside(world: World) -> None:
    now = world.workflow.clock()
    retrying, set_aside = unique("retrying"), unique("aside")
    with world.workflow.db.session() as session, session.begin():
        session.add_all(
            [
                OutboxMessage(
                    program_id=GENERAL,
                    to_email=retrying,
                    subject="Retrying",
                    body="Tried once.",
                    reason="test:retrying",
                    created_at=now + dt.timedelta(days=2),
                    attempts=1,
                    last_error="SMTPRecipientsRefused: 452 <mailbox full>",
                    next_try_at=now + dt.timedelta(days=2, minutes=15),
                ),
                OutboxMessage(
                    program_id=GENERAL,
                    to_email=set_aside,
                    subject="Given up",
                    body="Tried five times.",
                    reason="test:aside",
                    created_at=now + dt.timedelta(days=1),
                    attempts=5,
                    last_error="SMTPRecipientsRefused: 550 No such mailbox",
                    set_aside_at=now + dt.timedelta(days=1, hours=21),
                ),
            ]
        )
    page = world.browser(world.coordinator).get(f"/p/{GENERAL}/outbox").get_data(as_text=True)
    first = page[page.index(retrying) : page.index(set_aside)]
    next_try = (now + dt.timedelta(days=2, minutes=15)).strftime("%Y-%m-%d %H:%M")
    assert f"failed 1 time, tried again from {next_try}" in first
    assert escape("SMTPRecipientsRefused: 452 <mailbox full>") in first
    assert "set aside" not in first
    second = page[page.index(set_aside) :]
    assert "set aside after 5 tries" in second
    assert "SMTPRecipientsRefused: 550 No such mailbox" in second
    assert "<mailbox full>" not in page  # escaped
