"""Queueing webhook deliveries in the transaction that writes the feed.

A follower of the feed (`FEED_FOLLOWERS`): for each new entry, one `WebhookDelivery` per
active webhook of the entry's program that asks for its kind, written through the same
connection mid-flush, so the queue holds a delivery exactly when the entry committed (a
rolled-back write leaves neither). Registered when imported, which `database` does, so
every `Database` queues them; what is queued is sent after the commit by
engine/service/webhook_sender.py.
"""

from __future__ import annotations

from collections.abc import Sequence
from typing import Any

from sqlalchemy import Connection, insert, select
from sqlalchemy.orm import Session

from .feed import FEED_FOLLOWERS, Fed, FeedEntry
from .store import Webhook, WebhookDelivery, utcnow


def queue_deliveries(connection: Connection, fed: Sequence[Fed]) -> None:
    programs = {entry.program_id for entry in fed}
    webhooks = connection.execute(
        select(Webhook.id, Webhook.program_id, Webhook.events)
        .where(Webhook.program_id.in_(programs), Webhook.removed_at.is_(None))
        .order_by(Webhook.id)
    ).all()
    if not webhooks:
        return
    now = utcnow()
    rows = [
        {
            "webhook_id": webhook.id,
            "feed_entry_id": entry.id,
            "kind": entry.kind,
            "created_at": now,
            "attempts": 0,
        }
        for entry in fed  # in the feed's order: each webhook's deliveries go in id order
        for webhook in webhooks
        if webhook.program_id == entry.program_id
        and (not webhook.events or entry.kind in webhook.events)
    ]
    for row in rows:  # one at a time: ids in this order on every database
        connection.execute(insert(WebhookDelivery).values(**row))


def entry_document(session: Session, delivery: WebhookDelivery) -> dict[str, Any]:
    """What a delivery of a feed entry POSTs: the entry, naming records by id."""
    entry = session.get(FeedEntry, delivery.feed_entry_id)
    if entry is None:  # removed since (retention): the receiver still learns its kind
        return {
            "id": delivery.feed_entry_id,
            "kind": delivery.kind,
            "program": None,
            "enrollment": None,
            "at": None,
            "payload": {},
        }
    return {
        "id": entry.id,
        "kind": entry.kind,
        "program": entry.program_id,
        "enrollment": entry.enrollment_id,
        "at": entry.at.isoformat(),
        "payload": entry.payload,
    }


if queue_deliveries not in FEED_FOLLOWERS:
    FEED_FOLLOWERS.append(queue_deliveries)
