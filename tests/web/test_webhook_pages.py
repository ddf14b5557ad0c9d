"""/admin/webhooks: adding a webhook (its secret shown once), the list by program, a
webhook's deliveries with failures and dead letters, "Send again", "Send a test
delivery", removing; and the app sending the queue after a request that wrote (inline
under TESTING, on a background thread otherwise). Who may open them: tests/web/test_routes.py."""

from __future__ import annotations

import re
import time
from collections.abc import Iterator

import pytest
from flask import Flask

from mentorflow.engine.errors import MentorflowError
from mentorflow.engine.records.store import WebhookDelivery
from mentorflow.web.webhooks import Sender, init_app
from tests.web.conftest import GENERAL, World, field_block
from tests.webhook_receiver import Receiver, serving


@pytest.fixture
def receiver() -> Iterator[Receiver]:
    with serving() as found:
        yield found


SECRET = re.compile(r'<code class="secret" id="secret">([0-9a-f]{64})</code>')


def _add(world: World, url: str, *events: str) -> tuple[int, str]:
    admin = world.browser(world.admin)
    response = admin.post(
        "/admin/webhooks", {"url": url, "program": GENERAL, "events": list(events)}
    )
    page = response.get_data(as_text=True)
    assert response.status_code == 200, page
    secret = SECRET.search(page)
    assert secret, page
    hook = next(w for w in world.workflow.webhooks(world.admin) if w.url == url)
    return hook.id, secret.group(1)


def test_the_secret_is_shown_once_and_the_list_is_by_program(
    world: World, receiver: Receiver
) -> None:
    hook_id, secret = _add(world, receiver.url + "?list", "closure", "match")
    admin = world.browser(world.admin)
    page = admin.get("/admin/webhooks").get_data(as_text=True)
    assert secret not in page
    assert f"/admin/webhooks/{hook_id}" in page and "closure, match" in page
    assert f"<h2>{world.program.title}</h2>" in page
    shown = admin.get(f"/admin/webhooks/{hook_id}").get_data(as_text=True)
    assert secret not in shown and "Send a test delivery" in shown


def test_a_bad_address_keeps_what_was_typed(world: World) -> None:
    admin = world.browser(world.admin)
    response = admin.post(
        "/admin/webhooks",
        {"url": "ftp://typed.example.gov/kept", "program": GENERAL, "events": ["signature"]},
    )
    page = response.get_data(as_text=True)
    assert response.status_code == 400
    assert "Only http:// and https://" in field_block(page, "url")
    assert 'value="ftp://typed.example.gov/kept"' in page
    assert 'value="signature" checked' in page
    assert not any(w.url.startswith("ftp:") for w in world.workflow.webhooks(world.admin))


def test_a_test_delivery_is_sent_after_the_request_and_shown(
    world: World, receiver: Receiver
) -> None:
    hook_id, secret = _add(world, receiver.url + "?test")
    admin = world.browser(world.admin)
    response = admin.post(f"/admin/webhooks/{hook_id}/test", page=f"/admin/webhooks/{hook_id}")
    assert response.status_code == 303
    (ping,) = receiver.taken  # sent by the app after the POST, not by a command
    assert ping.headers["Mentorflow-Event"] == "ping" and ping.verifies(secret)
    page = admin.get(response.location).get_data(as_text=True)
    assert "A test delivery" in page and "delivered" in page


def test_failures_and_dead_letters_are_shown_and_sent_again(
    world: World, receiver: Receiver
) -> None:
    hook_id, _ = _add(world, receiver.url + "?fails")
    admin = world.browser(world.admin)
    receiver.answers = [500]
    admin.post(f"/admin/webhooks/{hook_id}/test", page=f"/admin/webhooks/{hook_id}")
    page = admin.get(f"/admin/webhooks/{hook_id}").get_data(as_text=True)
    assert "<strong>failing</strong>" in page and "HTTP 500" in page
    with world.workflow.db.session() as session, session.begin():  # one that gave up
        dead = WebhookDelivery(
            webhook_id=hook_id,
            kind="ping",
            attempts=8,
            last_status=502,
            last_error="HTTP 502: bad gateway",
            dead_at=world.workflow.clock(),
        )
        session.add(dead)
        session.flush()
        dead_id = dead.id
    page = admin.get(f"/admin/webhooks/{hook_id}").get_data(as_text=True)
    dead_letters = page.split("<h2>Dead letters</h2>")[1].split("<h2>")[0]
    assert "HTTP 502: bad gateway" in dead_letters
    assert f"/admin/webhooks/deliveries/{dead_id}/resend" in dead_letters
    response = admin.post(f"/admin/webhooks/deliveries/{dead_id}/resend", page="/admin/webhooks")
    assert response.status_code == 303
    assert len(receiver.taken) == 1  # the dead letter, at once; the failure waits its turn
    page = admin.get(response.location).get_data(as_text=True)
    assert "back in the queue" in page
    assert "HTTP 502" not in page.split("<h2>Dead letters</h2>")[1].split("<h2>")[0]


def test_removing_stops_the_webhook(world: World, receiver: Receiver) -> None:
    hook_id, _ = _add(world, receiver.url + "?removed")
    admin = world.browser(world.admin)
    response = admin.post(f"/admin/webhooks/{hook_id}/remove", page="/admin/webhooks")
    assert response.status_code == 303 and response.location.endswith("/admin/webhooks")
    assert receiver.url + "?removed" not in admin.get("/admin/webhooks").get_data(as_text=True)
    assert admin.post(f"/admin/webhooks/{hook_id}/test").status_code == 409


def test_the_background_sender_sends_off_the_request(world: World, receiver: Receiver) -> None:
    hook_id, secret = _add(world, receiver.url + "?background")
    world.workflow.send_test(world.admin, hook_id)
    sender = Sender(world.workflow)
    sender.kick()
    sender.kick()  # while one runs: it goes round once more, no second thread
    deadline = time.monotonic() + 10
    while not receiver.taken and time.monotonic() < deadline:
        time.sleep(0.05)
    while sender.running.locked() and time.monotonic() < deadline:
        time.sleep(0.05)
    (ping,) = receiver.taken
    assert ping.verifies(secret)


def test_an_unknown_way_of_sending_stops_the_app_in_one_sentence(world: World) -> None:
    app = Flask(__name__)
    app.config["MENTORFLOW_WEBHOOK_SENDING"] = "sometimes"
    app.extensions["mentorflow.workflow"] = world.workflow
    with pytest.raises(MentorflowError, match="must be one of background, inline, off"):
        init_app(app)
