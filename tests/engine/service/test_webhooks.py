"""Webhooks, delivered to a real HTTP receiver on loopback: every feed entry of the
program exactly once, signed with the webhook's secret, in the order of commit; through
a receiver that fails twice (retried after the backoff, by the service's clock); dead
letters sent again; the events filter; other programs' webhooks; a rolled-back write
queues nothing."""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterator

import pytest
from sqlalchemy import func, select

from mentorflow.engine.errors import Conflict, Forbidden, InvalidAnswers, NotFound
from mentorflow.engine.records.feed import FeedEntry
from mentorflow.engine.records.store import Enrollment, Event, WebhookDelivery
from mentorflow.engine.rules.access import SYSTEM_ACTOR, Actor
from mentorflow.engine.service import webhook_sender
from mentorflow.engine.service.webhook_sender import MAX_ATTEMPTS, retry_after
from mentorflow.engine.service.webhooks import EVENT_KINDS
from mentorflow.engine.service.workflow import Workflow
from tests.conftest import Clock, People
from tests.engine.service.test_reminders import MENTEE, PROGRAM, make_active
from tests.webhook_receiver import Receiver, serving


@pytest.fixture
def cast(people: People) -> dict[str, Actor]:
    return {
        "mentee": people.person("ada@example.gov", "Ada Mentee"),
        "mentor": people.person("max@example.gov", "Max Mentor"),
        "coordinator": people.person("cora@example.gov", "Cora Coordinator", coordinates=PROGRAM),
        "supervisor": people.person("sam.super@example.gov", "Sam Super"),
        "admin": people.person("root@example.gov", "Ada Admin", admin=True),
    }


@pytest.fixture
def receiver() -> Iterator[Receiver]:
    with serving() as found:
        yield found


KINDS = {"application", "transition", "closure", "submission", "signature", "match"}


def feed_ids(workflow: Workflow, program_id: str = PROGRAM) -> list[int]:
    with workflow.db.session() as session:
        query = select(FeedEntry.id).where(FeedEntry.program_id == program_id)
        return list(session.scalars(query.order_by(FeedEntry.id)))


def deliveries(workflow: Workflow) -> int:
    with workflow.db.session() as session:
        return session.scalar(select(func.count()).select_from(WebhookDelivery)) or 0


def whole_story(workflow: Workflow, cast: dict[str, Actor], clock: Clock) -> str:
    """Every kind of entry: applications, transitions, a match, a submission, three
    signatures, and a closure 31 days later."""
    mentee = make_active(workflow, cast)
    clock.advance(31)
    assert workflow.take(mentee, "close", cast["coordinator"]).state == "closed"
    return mentee


def test_every_entry_is_delivered_once_signed_in_commit_order(
    workflow: Workflow, cast: dict[str, Actor], clock: Clock, receiver: Receiver
) -> None:
    added = workflow.add_webhook(cast["admin"], PROGRAM, receiver.url)
    whole_story(workflow, cast, clock)
    written = feed_ids(workflow)
    assert workflow.send_webhooks() == (len(written), 0)
    assert [d["id"] for d in receiver.documents] == written  # each once, in commit order
    assert {d["kind"] for d in receiver.documents} >= KINDS
    for got in receiver.taken:
        assert got.verifies(added.secret)
        assert not got.verifies(added.secret + "0")
        assert got.headers["Mentorflow-Event"] == got.document["kind"]
        assert got.document["program"] == PROGRAM
        assert got.headers["Content-Type"] == "application/json"
    assert len({got.headers["Mentorflow-Delivery"] for got in receiver.taken}) == len(written)
    # The signature's time is the service's clock, in unix seconds.
    stamp = receiver.taken[-1].headers["Mentorflow-Signature"].split(",")[0]
    assert stamp == f"t={int(clock().timestamp())}"
    assert workflow.send_webhooks() == (0, 0)  # nothing is sent twice
    assert len(receiver.received) == len(written)


def test_a_receiver_failing_twice_gets_everything_on_the_third_try_in_order(
    workflow: Workflow, cast: dict[str, Actor], clock: Clock, receiver: Receiver
) -> None:
    added = workflow.add_webhook(cast["admin"], PROGRAM, receiver.url)
    whole_story(workflow, cast, clock)
    written = feed_ids(workflow)
    receiver.answers = [500, 500]
    assert workflow.send_webhooks() == (0, 1)  # the first fails; the others wait behind it
    assert workflow.send_webhooks() == (0, 0)  # not due before its wait is over
    clock.now += retry_after(1) - dt.timedelta(seconds=1)
    assert workflow.send_webhooks() == (0, 0)
    clock.now += dt.timedelta(seconds=1)
    assert workflow.send_webhooks() == (0, 1)  # the second try fails too
    clock.now += retry_after(2)
    assert workflow.send_webhooks() == (len(written), 0)
    assert [d["id"] for d in receiver.documents] == written
    assert {d["kind"] for d in receiver.documents} >= KINDS
    assert all(r.verifies(added.secret) for r in receiver.received)
    first = [r.document["id"] for r in receiver.received[:3]]
    assert first == [written[0]] * 3  # the same delivery three times: nothing overtook it
    assert (
        receiver.received[0].headers["Mentorflow-Delivery"]
        == (receiver.received[2].headers["Mentorflow-Delivery"])
    )
    page = workflow.webhook_page(cast["admin"], workflow.webhooks(cast["admin"])[0].id)
    oldest = page.deliveries[-1]
    assert (oldest.attempts, oldest.status, oldest.last_status) == (3, "delivered", 200)


def test_the_waits_double_and_have_a_ceiling() -> None:
    assert [retry_after(n).total_seconds() for n in (1, 2, 3)] == [30, 60, 120]
    assert retry_after(30) == webhook_sender.RETRY_CAP


def test_a_dead_letter_is_shown_and_send_again_delivers_it(
    workflow: Workflow, cast: dict[str, Actor], clock: Clock, receiver: Receiver
) -> None:
    admin = cast["admin"]
    hook = workflow.add_webhook(admin, PROGRAM, receiver.url, ["application"]).webhook
    receiver.answers = [503] * MAX_ATTEMPTS
    workflow.apply(PROGRAM, "mentee", cast["mentee"], MENTEE)
    for _ in range(MAX_ATTEMPTS):
        assert workflow.send_webhooks() == (0, 1)
        clock.now += webhook_sender.RETRY_CAP
    assert workflow.send_webhooks() == (0, 0)  # dead: not tried again by itself
    page = workflow.webhook_page(admin, hook.id)
    (dead,) = page.dead
    assert (dead.status, dead.attempts, dead.last_status) == ("dead letter", MAX_ATTEMPTS, 503)
    assert "HTTP 503" in (dead.last_error or "")
    assert page.webhook.dead == 1
    # A dead letter holds nothing up: what comes next is delivered.
    workflow.apply(PROGRAM, "mentor", cast["mentor"], {"name": "Max Mentor"})
    assert workflow.send_webhooks() == (1, 0)
    assert workflow.resend(admin, dead.id) == hook.id
    assert workflow.send_webhooks() == (1, 0)
    assert len(receiver.taken) == 2 and workflow.webhook_page(admin, hook.id).dead == ()
    with pytest.raises(Conflict):
        workflow.resend(admin, dead.id)  # received: never sent twice
    with pytest.raises(NotFound):
        workflow.resend(admin, 999_999)


def test_the_events_filter_and_other_programs(
    workflow: Workflow, cast: dict[str, Actor], receiver: Receiver
) -> None:
    admin = cast["admin"]
    workflow.add_webhook(admin, PROGRAM, receiver.url + "?only=signature", ["signature"])
    workflow.add_webhook(admin, "general-mentoring", receiver.url + "?other")
    make_active(workflow, cast)
    assert workflow.send_webhooks() == (3, 0)
    assert {r.path for r in receiver.taken} == {"/hooks/mentorflow?only=signature"}
    assert [d["kind"] for d in receiver.documents] == ["signature"] * 3


def test_a_removed_webhook_gets_nothing_more(
    workflow: Workflow, cast: dict[str, Actor], receiver: Receiver
) -> None:
    admin = cast["admin"]
    hook = workflow.add_webhook(admin, PROGRAM, receiver.url).webhook
    assert "removed" in workflow.remove_webhook(admin, hook.id)
    workflow.apply(PROGRAM, "mentee", cast["mentee"], MENTEE)
    assert (deliveries(workflow), workflow.send_webhooks()) == (0, (0, 0))
    assert workflow.webhooks(admin) == ()
    assert [w.id for w in workflow.webhooks(admin, removed=True)] == [hook.id]


def test_a_rolled_back_write_queues_nothing(
    workflow: Workflow, cast: dict[str, Actor], receiver: Receiver
) -> None:
    workflow.add_webhook(cast["admin"], PROGRAM, receiver.url)
    mentee = workflow.apply(PROGRAM, "mentee", cast["mentee"], MENTEE)
    before = deliveries(workflow)
    assert before == 1

    class Undone(Exception):
        pass

    with pytest.raises(Undone), workflow.transaction() as session:
        enrollment = session.get(Enrollment, mentee.id)
        assert enrollment is not None
        session.add(
            Event(
                enrollment_id=mentee.id,
                program_id=PROGRAM,
                actor_role="coordinator",
                kind="transition",
                transition="screen",
                from_state="applied",
                to_state="screened",
                revision=1,
            )
        )
        session.flush()
        # queued in the very transaction of the entry ...
        assert session.scalar(select(func.count()).select_from(WebhookDelivery)) == before + 1
        raise Undone
    assert deliveries(workflow) == before  # ... and gone with it
    assert workflow.send_webhooks() == (1, 0)
    assert [d["kind"] for d in receiver.documents] == ["application"]


def test_a_test_delivery_is_a_signed_ping_sent_ahead_of_a_backlog(
    workflow: Workflow, cast: dict[str, Actor], receiver: Receiver
) -> None:
    admin = cast["admin"]
    added = workflow.add_webhook(admin, PROGRAM, receiver.url)
    receiver.answers = [500]
    workflow.apply(PROGRAM, "mentee", cast["mentee"], MENTEE)
    assert workflow.send_webhooks() == (0, 1)  # the application waits for its retry
    workflow.send_test(admin, added.webhook.id)
    assert workflow.send_webhooks() == (1, 0)
    ping = receiver.taken[-1]
    assert ping.headers["Mentorflow-Event"] == "ping" and ping.verifies(added.secret)
    assert ping.document["program"] == PROGRAM


def test_an_unreachable_receiver_is_a_failure_in_words(
    workflow: Workflow, cast: dict[str, Actor]
) -> None:
    admin = cast["admin"]
    hook = workflow.add_webhook(admin, PROGRAM, "http://127.0.0.1:9/nobody-listens").webhook
    workflow.send_test(admin, hook.id)
    assert workflow.send_webhooks() == (0, 1)
    (failed,) = workflow.webhook_page(admin, hook.id).deliveries
    assert failed.status == "failing" and failed.last_status is None
    assert "ConnectionError" in (failed.last_error or "")
    assert failed.next_try_at is not None


def test_two_senders_at_once_send_each_delivery_once(
    workflow: Workflow, cast: dict[str, Actor], receiver: Receiver
) -> None:
    import threading

    workflow.add_webhook(cast["admin"], PROGRAM, receiver.url)
    make_active(workflow, cast)
    written = feed_ids(workflow)
    results: list[tuple[int, int]] = []
    senders = [
        threading.Thread(target=lambda: results.append(workflow.send_webhooks())) for _ in range(3)
    ]
    for sender in senders:
        sender.start()
    for sender in senders:
        sender.join()
    while workflow.send_webhooks() != (0, 0):  # a sender that found the queue busy stopped
        pass
    assert [d["id"] for d in receiver.documents] == written
    assert len(receiver.received) == len(written)


@pytest.mark.parametrize(
    ("url", "says"),
    [
        ("", "Give the address"),
        ("ftp://hr.example.gov/in", "Only http:// and https://"),
        ("javascript:alert(1)", "Only http:// and https://"),
        ("file:///etc/passwd", "Only http:// and https://"),
        ("https://", "names no host"),
        ("https://hr.example.gov/a b", "no spaces"),
        ("https://hr.example.gov:port/", "not a web address"),
        ("https://hr.example.gov/" + "x" * 2000, "longer than"),
    ],
)
def test_only_web_addresses_are_taken(
    workflow: Workflow, cast: dict[str, Actor], url: str, says: str
) -> None:
    with pytest.raises(InvalidAnswers) as refused:
        workflow.add_webhook(cast["admin"], PROGRAM, url)
    assert says in refused.value.errors["url"]
    assert workflow.webhooks(cast["admin"]) == ()


def test_unknown_kinds_and_programs_are_refused(workflow: Workflow, cast: dict[str, Actor]) -> None:
    with pytest.raises(InvalidAnswers) as refused:
        workflow.add_webhook(cast["admin"], "nope", "https://hr.example.gov/", ["signed"])
    assert set(refused.value.errors) == {"program", "events"}
    assert "application" in refused.value.errors["events"]
    assert set(EVENT_KINDS) >= KINDS


def test_only_admins_and_the_system(workflow: Workflow, cast: dict[str, Actor]) -> None:
    hook = workflow.add_webhook(SYSTEM_ACTOR, PROGRAM, "https://hr.example.gov/in").webhook
    for who in (cast["coordinator"], cast["mentee"]):
        calls = (
            lambda: workflow.add_webhook(who, PROGRAM, "https://hr.example.gov/in"),  # noqa: B023
            lambda: workflow.webhooks(who),  # noqa: B023
            lambda: workflow.webhook_page(who, hook.id),  # noqa: B023
            lambda: workflow.remove_webhook(who, hook.id),  # noqa: B023
            lambda: workflow.send_test(who, hook.id),  # noqa: B023
            lambda: workflow.resend(who, 1),  # noqa: B023
        )
        for call in calls:
            with pytest.raises(Forbidden):
                call()


def test_an_import_queues_each_application_in_its_transaction(
    workflow: Workflow, receiver: Receiver
) -> None:
    """The bulk door (Core inserts, not the ORM flush) queues deliveries too, in order."""
    added = workflow.add_webhook(SYSTEM_ACTOR, PROGRAM, receiver.url)
    workflow.import_applications(
        PROGRAM,
        "mentee",
        "name,email,supervisor_email,years_of_service,interests,style\n"
        "Ann Lee,ann@example.gov,boss@example.gov,1,Leadership,hands_on\n"
        "Bo Li,bo@example.gov,boss@example.gov,1,Writing,hands_on\n",
        actor=SYSTEM_ACTOR,
    )
    assert workflow.send_webhooks() == (2, 0)
    assert [d["kind"] for d in receiver.documents] == ["application", "application"]
    assert [d["id"] for d in receiver.documents] == feed_ids(workflow)
    assert all(r.verifies(added.secret) for r in receiver.taken)
