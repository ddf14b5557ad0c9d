"""Webhooks: addresses outside told of each entry of a program's feed, for admins.

An admin (or a command, acting as the system) adds a webhook for one program, for every
kind of feed entry or some; its secret, which signs every POST, is shown once when it is
added. Each feed entry queues a delivery per webhook in the transaction that writes it
(engine/records/webhook_queue.py); `send_webhooks` sends the queue after the commit
(engine/service/webhook_sender.py). The webhook's page shows its recent deliveries, the
failures with their next try, and the dead letters, which `resend` puts back in the queue.
"""

from __future__ import annotations

import datetime as dt
import secrets
from collections.abc import Sequence
from dataclasses import dataclass
from typing import Any
from urllib.parse import urlsplit

from sqlalchemy import func, select
from sqlalchemy.orm import Session

from ..errors import Conflict, Forbidden, InvalidAnswers, NotFound
from ..records.database import failures_told
from ..records.feed import KINDS
from ..records.store import Webhook, WebhookDelivery
from ..records.webhook_queue import entry_document
from ..rules.access import Actor
from .session import ServiceBase
from .webhook_sender import PING, ping_document, send_due

# The kinds of feed entries a webhook may ask for (None: all of them).
EVENT_KINDS = KINDS
RECENT = 50  # deliveries shown on a webhook's page
URL_LENGTH = 2000
NO_SUCH_WEBHOOK = "There is no such webhook."
NO_SUCH_DELIVERY = "There is no such delivery."


@dataclass(frozen=True)
class WebhookRow:
    id: int
    program_id: str
    program_title: str
    url: str
    events: tuple[str, ...] | None  # None: every kind
    created_at: dt.datetime
    removed_at: dt.datetime | None
    waiting: int = 0  # deliveries not yet delivered (failing ones included), dead ones not
    failing: int = 0  # of those, the ones tried and failed
    dead: int = 0  # dead letters

    @property
    def events_text(self) -> str:
        return ", ".join(self.events) if self.events else "every kind"


@dataclass(frozen=True)
class DeliveryRow:
    id: int
    kind: str
    feed_entry_id: int | None
    created_at: dt.datetime
    attempts: int
    next_try_at: dt.datetime | None
    delivered_at: dt.datetime | None
    dead_at: dt.datetime | None
    last_status: int | None
    last_error: str | None

    @property
    def status(self) -> str:
        if self.delivered_at is not None:
            return "delivered"
        if self.dead_at is not None:
            return "dead letter"
        return "failing" if self.attempts else "waiting"


@dataclass(frozen=True)
class WebhookPage:
    webhook: WebhookRow
    deliveries: tuple[DeliveryRow, ...]  # the most recent, newest first
    dead: tuple[DeliveryRow, ...]  # every dead letter, newest first


@dataclass(frozen=True)
class NewWebhook:
    webhook: WebhookRow
    secret: str  # shown once, when it is added: it is never shown again


def url_problem(url: str) -> str | None:
    """Why `url` cannot be a webhook's address, in words; None when it can."""
    example = "such as https://hr.example.gov/hooks/mentorflow"
    if not url:
        return f"Give the address to POST to, {example}."
    if len(url) > URL_LENGTH:
        return f"That address is longer than {URL_LENGTH} characters."
    if any(c.isspace() or ord(c) < 32 for c in url):
        return "An address has no spaces or line breaks in it."
    try:
        parts = urlsplit(url)
        parts.port  # noqa: B018  (a port that is not a number raises)
    except ValueError:
        return f"That is not a web address; give one {example}."
    if parts.scheme not in ("http", "https"):
        return f"Only http:// and https:// addresses are sent to; give one {example}."
    if not parts.hostname:
        return f"That address names no host; give one {example}."
    return None


def _row(session: Session, webhook: Webhook, title: str) -> WebhookRow:
    d = WebhookDelivery
    counts = session.execute(
        select(
            func.count().filter(d.delivered_at.is_(None), d.dead_at.is_(None)),
            func.count().filter(d.delivered_at.is_(None), d.dead_at.is_(None), d.attempts > 0),
            func.count().filter(d.dead_at.is_not(None)),
        ).where(d.webhook_id == webhook.id)
    ).one()
    return WebhookRow(
        webhook.id,
        webhook.program_id,
        title,
        webhook.url,
        tuple(webhook.events) if webhook.events else None,
        webhook.created_at,
        webhook.removed_at,
        counts[0] or 0,
        counts[1] or 0,
        counts[2] or 0,
    )


def _delivery_row(d: WebhookDelivery) -> DeliveryRow:
    return DeliveryRow(
        d.id,
        d.kind,
        d.feed_entry_id,
        d.created_at,
        d.attempts,
        d.next_try_at,
        d.delivered_at,
        d.dead_at,
        d.last_status,
        d.last_error,
    )


def _document(session: Session, delivery: WebhookDelivery, webhook: Webhook) -> dict[str, Any]:
    if delivery.kind == PING:
        return ping_document(delivery, webhook)
    return entry_document(session, delivery)


class Webhooks(ServiceBase):
    def _admin_only(self, actor: Actor) -> None:
        if not (actor.is_admin or actor.is_system):
            raise Forbidden("Only admins may see and change webhooks.")

    def _title(self, program_id: str) -> str:
        program = self.programs.get(program_id)
        return program.title if program else program_id

    def add_webhook(
        self, actor: Actor, program_id: str, url: str, events: Sequence[str] | None = None
    ) -> NewWebhook:
        """A new webhook for the program, told of `events` (every kind when None or
        empty); the answer carries its secret, which is never shown again."""
        self._admin_only(actor)
        url = url.strip()
        errors: dict[str, str] = {}
        if program_id not in self.programs:
            errors["program"] = (
                f"There is no program '{program_id}'." if program_id else "Choose a program."
            )
        problem = url_problem(url)
        if problem:
            errors["url"] = problem
        wanted = sorted({e.strip() for e in events or () if e.strip()})
        unknown = [e for e in wanted if e not in EVENT_KINDS]
        if unknown:
            errors["events"] = (
                f"'{unknown[0]}' is not a kind of event; the kinds are: {', '.join(EVENT_KINDS)}."
            )
        if errors:
            raise InvalidAnswers(errors)
        secret = secrets.token_hex(32)
        with self.transaction() as session:
            webhook = Webhook(
                program_id=program_id,
                url=url,
                events=wanted or None,
                secret=secret,
                created_by_id=actor.person_id,
                created_at=self.clock(),
            )
            session.add(webhook)
            session.flush()
            row = _row(session, webhook, self._title(program_id))
        return NewWebhook(row, secret)

    def webhooks(self, actor: Actor, *, removed: bool = False) -> tuple[WebhookRow, ...]:
        """Every webhook (the removed ones too when asked), by program then age."""
        self._admin_only(actor)
        with self.reading() as session:
            query = select(Webhook).order_by(Webhook.program_id, Webhook.id)
            if not removed:
                query = query.where(Webhook.removed_at.is_(None))
            return tuple(
                _row(session, w, self._title(w.program_id)) for w in session.scalars(query)
            )

    def webhook_page(self, actor: Actor, webhook_id: int) -> WebhookPage:
        """One webhook with its recent deliveries and its dead letters."""
        self._admin_only(actor)
        with self.reading() as session:
            webhook = session.get(Webhook, webhook_id)
            if webhook is None:
                raise NotFound(NO_SUCH_WEBHOOK)
            d = WebhookDelivery
            mine = select(d).where(d.webhook_id == webhook_id).order_by(d.id.desc())
            recent = tuple(_delivery_row(x) for x in session.scalars(mine.limit(RECENT)))
            dead = tuple(
                _delivery_row(x) for x in session.scalars(mine.where(d.dead_at.is_not(None)))
            )
            return WebhookPage(
                _row(session, webhook, self._title(webhook.program_id)), recent, dead
            )

    def remove_webhook(self, actor: Actor, webhook_id: int) -> str:
        """Stop telling the webhook of anything (what waits is not sent); its deliveries
        stay on record."""
        self._admin_only(actor)
        with self.transaction() as session:
            webhook = session.get(Webhook, webhook_id)
            if webhook is None:
                raise NotFound(NO_SUCH_WEBHOOK)
            if webhook.removed_at is None:
                webhook.removed_at = self.clock()
            return f"The webhook to {webhook.url} is removed: nothing more is sent to it."

    def send_test(self, actor: Actor, webhook_id: int) -> int:
        """Queue a test delivery (`ping`) to the webhook; its id. It is sent by the next
        run of the sender, ahead of any backlog."""
        self._admin_only(actor)
        with self.transaction() as session:
            webhook = session.get(Webhook, webhook_id)
            if webhook is None:
                raise NotFound(NO_SUCH_WEBHOOK)
            if webhook.removed_at is not None:
                raise Conflict("This webhook is removed; add it again to send to it.")
            delivery = WebhookDelivery(webhook_id=webhook.id, kind=PING, created_at=self.clock())
            session.add(delivery)
            session.flush()
            return delivery.id

    def resend(self, actor: Actor, delivery_id: int) -> int:
        """Put a dead letter (or a failure waiting for its retry) back in the queue, to
        be sent by the next run with a fresh count of tries; the webhook's id."""
        self._admin_only(actor)
        with self.transaction() as session:
            delivery = session.get(WebhookDelivery, delivery_id)
            if delivery is None:
                raise NotFound(NO_SUCH_DELIVERY)
            if delivery.delivered_at is not None:
                raise Conflict("That delivery was received already; it is not sent twice.")
            delivery.dead_at = None
            delivery.next_try_at = None
            delivery.attempts = 0
            return delivery.webhook_id

    def send_webhooks(self) -> tuple[int, int]:
        """Send every delivery that is due: (sent, failed). Never call it inside a
        transaction: it sends only what committed."""
        with failures_told():
            return send_due(self.db, self.clock, _document)
