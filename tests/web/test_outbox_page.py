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


# ---------------------------------------------------------------- paged and filtered


def _add(world: World, count: int, token: str, **columns: object) -> list[str]:
    """`count` messages whose body holds `token`, newest last; returns their recipients."""
    base = world.workflow.clock() - dt.timedelta(days=30)
    to = [unique(f"{token}.{n}") for n in range(count)]
    with world.workflow.db.session() as session, session.begin():
        session.add_all(
            OutboxMessage(
                program_id=GENERAL,
                to_email=address,
                subject=f"Message {n}",
                body=f"About {token}, number {n}.",
                reason="test:paging",
                created_at=base + dt.timedelta(minutes=n),
                **columns,
            )
            for n, address in enumerate(to)
        )
    return to


def _rows(page: str) -> int:
    return page.count("<tr data-message=")


def test_the_outbox_comes_a_page_at_a_time(world: World) -> None:
    to = _add(world, 120, "pagingtoken")
    browser = world.browser(world.coordinator)
    first = browser.get(f"/p/{GENERAL}/outbox?text=pagingtoken").get_data(as_text=True)
    assert _rows(first) == 50
    assert "Page 1 of 3" in first and "120 of " in first
    assert to[119] in first and to[70] in first and to[69] not in first  # newest first
    older = f'href="/p/{GENERAL}/outbox?page=2&amp;to=&amp;status=&amp;text=pagingtoken"'
    assert older in first and 'rel="prev"' not in first
    last = browser.get(f"/p/{GENERAL}/outbox?text=pagingtoken&page=3").get_data(as_text=True)
    assert _rows(last) == 20 and "Page 3 of 3" in last and to[0] in last
    assert 'rel="next"' not in last and 'rel="prev"' in last
    # A page past the last shows the last; one that is no number, the first.
    beyond = browser.get(f"/p/{GENERAL}/outbox?text=pagingtoken&page=99").get_data(as_text=True)
    assert "Page 3 of 3" in beyond
    junk = browser.get(f"/p/{GENERAL}/outbox?text=pagingtoken&page=x").get_data(as_text=True)
    assert "Page 1 of 3" in junk
    # Unfiltered, the page holds at most 50 either.
    everything = browser.get(f"/p/{GENERAL}/outbox").get_data(as_text=True)
    assert _rows(everything) == 50 and "Page 1 of" in everything


@pytest.mark.parametrize(
    ("query", "expected"),
    [
        ("to=filterme.2", {2}),  # part of an address
        ("to=FILTERME.1", {1}),  # any case
        ("text=number+3.", {3}),  # the message's words
        ("text=Message+0", {0}),  # the subject's words
        ("status=sent", {0, 1}),
        ("status=waiting", {2}),
        ("status=failing", {3}),
        ("status=set_aside", {4}),
        ("status=sent&to=filterme.1", {1}),
        ("text=100%25", set()),  # a % is a character, not a wildcard
    ],
)
def test_the_outbox_filters_by_recipient_status_and_words(
    world: World, query: str, expected: set[int]
) -> None:
    now = world.workflow.clock()
    token = unique("tok").split("@")[0]
    base = dict(program_id=GENERAL, reason="test:filter")
    rows = [
        {"sent_at": now},
        {"sent_at": now, "attempts": 1},
        {},
        {"attempts": 2, "next_try_at": now, "last_error": "452"},
        {"attempts": 5, "set_aside_at": now, "last_error": "550"},
    ]
    with world.workflow.db.session() as session, session.begin():
        session.add_all(
            OutboxMessage(
                **base,
                to_email=f"filterme.{n}.{token}@example.gov",
                subject=f"Message {n} {token}",
                body=f"About {token}, number {n}. 100 percent",
                created_at=now - dt.timedelta(days=40, minutes=n),
                **columns,
            )
            for n, columns in enumerate(rows)
        )
    page = (
        world.browser(world.coordinator)
        .get(
            f"/p/{GENERAL}/outbox?{query}&text={token}"
            if "text=" not in query
            else f"/p/{GENERAL}/outbox?{query}&to={token}"
        )
        .get_data(as_text=True)
    )
    shown = {n for n in range(len(rows)) if f"filterme.{n}.{token}@example.gov" in page}
    assert shown == expected
    if not expected:
        assert "No message matches." in page


def test_an_unknown_status_is_said_and_the_rest_kept(world: World) -> None:
    response = world.browser(world.coordinator).get(
        f"/p/{GENERAL}/outbox?status=lost&to=someone&text=hello"
    )
    page = response.get_data(as_text=True)
    assert response.status_code == 400
    assert "Choose one of: In the outbox, Failed, tried again, Set aside, Sent." in page
    assert 'value="someone"' in page and 'value="hello"' in page
