"""Sending webhook deliveries: signed POSTs from the durable queue, after the commit.

The queue (`WebhookDelivery`) is written in the same transaction as the feed entry it
tells of (engine/records/webhook_queue.py); this module sends it, never inside a writing
transaction, so a receiver is only ever told of what committed. Each webhook's
deliveries go in id order: while the oldest waits for a retry, the later ones wait
behind it, so a receiver sees the entries in the order they were written. A failure is
tried again after a wait that doubles (`RETRY_BASE` * 2^(tries - 1), at most
`RETRY_CAP`); after `MAX_ATTEMPTS` tries it becomes a dead letter, shown to admins with
"Send again", and stops holding up the others. Tests (`ping`) are sent out of turn.

Before a delivery is sent it is claimed (`claimed_until`, by a conditional UPDATE that
one sender alone wins), so two app servers on one PostgreSQL never send it twice, and
the later ones of its webhook wait until it is done. A sender that dies mid-send leaves a
claim that lapses after `CLAIM_FOR`.
"""

from __future__ import annotations

import datetime as dt
import hashlib
import hmac
import json
import logging
from collections.abc import Callable
from typing import Any

import requests
from sqlalchemy import or_, select, update
from sqlalchemy.orm import Session

from ..records.database import Database
from ..records.store import Webhook, WebhookDelivery

log = logging.getLogger("mentorflow.webhooks")

PING = "ping"  # the kind of a test delivery, tied to no feed entry
TIMEOUT_SECONDS = 5
RETRY_BASE = dt.timedelta(seconds=30)
RETRY_CAP = dt.timedelta(hours=6)
MAX_ATTEMPTS = 8  # the eighth failure makes a dead letter (about an hour of retries)
CLAIM_FOR = dt.timedelta(minutes=2)  # well over TIMEOUT_SECONDS: a live sender is done by then
ERROR_LENGTH = 1000
USER_AGENT = "Mentorflow-Webhooks/1"

Clock = Callable[[], dt.datetime]
Document = Callable[[Session, WebhookDelivery, Webhook], dict[str, Any]]


def retry_after(attempts: int) -> dt.timedelta:
    """The wait after the `attempts`-th failed try."""
    wait: dt.timedelta = RETRY_BASE * 2 ** (attempts - 1)
    return min(wait, RETRY_CAP)


def signature(secret: str, timestamp: int, body: bytes) -> str:
    """The `Mentorflow-Signature` header's value for `body` sent at `timestamp`."""
    signed = f"{timestamp}.".encode() + body
    digest = hmac.new(secret.encode(), signed, hashlib.sha256).hexdigest()
    return f"t={timestamp},v1={digest}"


def ping_document(delivery: WebhookDelivery, webhook: Webhook) -> dict[str, Any]:
    return {
        "id": None,
        "kind": PING,
        "program": webhook.program_id,
        "enrollment": None,
        "at": delivery.created_at.isoformat(),
        "payload": {"webhook": webhook.id},
    }


def _waiting(session: Session, webhook_id: int, *, pings: bool) -> list[WebhookDelivery]:
    kind = WebhookDelivery.kind == PING if pings else WebhookDelivery.kind != PING
    query = (
        select(WebhookDelivery)
        .where(
            WebhookDelivery.webhook_id == webhook_id,
            WebhookDelivery.delivered_at.is_(None),
            WebhookDelivery.dead_at.is_(None),
            kind,
        )
        .order_by(WebhookDelivery.id)
    )
    return list(session.scalars(query if pings else query.limit(1)))


def send_due(db: Database, clock: Clock, document: Document) -> tuple[int, int]:
    """Send every delivery that is due, each webhook's in order: (sent, failed)."""
    sent = failed = 0
    with db.session() as session:
        webhook_ids = list(
            session.scalars(
                select(Webhook.id)
                .where(
                    Webhook.removed_at.is_(None),
                    select(WebhookDelivery.id)
                    .where(
                        WebhookDelivery.webhook_id == Webhook.id,
                        WebhookDelivery.delivered_at.is_(None),
                        WebhookDelivery.dead_at.is_(None),
                    )
                    .exists(),
                )
                .order_by(Webhook.id)
            )
        )
    for webhook_id in webhook_ids:
        with db.session() as session:
            pings = [d.id for d in _waiting(session, webhook_id, pings=True)]
        for delivery_id in pings:  # out of turn: a test says whether the address answers
            done = _try(db, clock, document, delivery_id)
            sent, failed = sent + (done is True), failed + (done is False)
        while True:
            with db.session() as session:
                head = _waiting(session, webhook_id, pings=False)
            if not head:
                break
            done = _try(db, clock, document, head[0].id)
            if done is None:  # not due, or another sender has it: the rest wait behind it
                break
            if done:
                sent += 1
            else:
                failed += 1
                break
    return sent, failed


def _claim(session: Session, delivery_id: int, now: dt.datetime) -> bool:
    d = WebhookDelivery
    claimed = session.execute(
        update(d)
        .where(
            d.id == delivery_id,
            d.delivered_at.is_(None),
            d.dead_at.is_(None),
            or_(d.next_try_at.is_(None), d.next_try_at <= now),
            or_(d.claimed_until.is_(None), d.claimed_until <= now),
        )
        .values(claimed_until=now + CLAIM_FOR)
        .execution_options(synchronize_session=False)
    )
    return getattr(claimed, "rowcount", 0) == 1


def _try(db: Database, clock: Clock, document: Document, delivery_id: int) -> bool | None:
    """Claim, send and record one delivery: True when the receiver took it, False when
    it failed, None when it was not ours to send now."""
    now = clock()
    with db.session() as session, session.begin():
        if not _claim(session, delivery_id, now):
            return None
        delivery = session.get(WebhookDelivery, delivery_id)
        assert delivery is not None
        webhook = session.get(Webhook, delivery.webhook_id)
        assert webhook is not None
        body = json.dumps(
            document(session, delivery, webhook), separators=(",", ":"), sort_keys=True
        ).encode()
        url, secret, kind = webhook.url, webhook.secret, delivery.kind
    status, error = _post(url, secret, kind, delivery_id, body, int(now.timestamp()))
    now = clock()
    with db.session() as session, session.begin():
        delivery = session.get(WebhookDelivery, delivery_id)
        assert delivery is not None
        delivery.attempts += 1
        delivery.claimed_until = None
        delivery.last_status = status
        delivery.last_error = error
        if error is None:
            delivery.delivered_at = now
            delivery.next_try_at = None
            log.info("Webhook %s took delivery %s (%s).", url, delivery_id, kind)
            return True
        if delivery.attempts >= MAX_ATTEMPTS:
            delivery.dead_at = now
            delivery.next_try_at = None
            log.error(
                "Delivery %s to %s failed %d times (%s): a dead letter, shown on the "
                "webhook's page.",
                delivery_id,
                url,
                delivery.attempts,
                error,
            )
        else:
            delivery.next_try_at = now + retry_after(delivery.attempts)
            log.warning(
                "Delivery %s to %s failed (%s); tried again from %s.",
                delivery_id,
                url,
                error,
                delivery.next_try_at.isoformat(),
            )
        return False


def _post(
    url: str, secret: str, kind: str, delivery_id: int, body: bytes, timestamp: int
) -> tuple[int | None, str | None]:
    """POST one body: (the status, None) when the receiver took it, else (the status if
    any, why it failed)."""
    headers = {
        "Content-Type": "application/json",
        "User-Agent": USER_AGENT,
        "Mentorflow-Signature": signature(secret, timestamp, body),
        "Mentorflow-Event": kind,
        "Mentorflow-Delivery": str(delivery_id),
    }
    try:
        # No redirects: a receiver that moved answers 3xx, which is a failure to fix.
        with requests.post(
            url, data=body, headers=headers, timeout=TIMEOUT_SECONDS, allow_redirects=False
        ) as response:
            if 200 <= response.status_code < 300:
                return response.status_code, None
            said = response.text[:200].strip()
            error = f"HTTP {response.status_code}" + (f": {said}" if said else "")
            return response.status_code, error[:ERROR_LENGTH]
    except requests.RequestException as exc:
        return None, f"{type(exc).__name__}: {exc}"[:ERROR_LENGTH]
