"""The program's events feed, read by staff with a cursor (the API's events feed).

The cursor is the id of the last entry read: entries are numbered as they are written,
so a reader that asks again with it gets what was written since, once each.
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass
from types import MappingProxyType
from typing import Any

from sqlalchemy import select

from ..errors import InvalidQuery
from ..records.feed import KINDS, FeedEntry
from ..rules.access import Actor
from .core import WorkflowBase

MAX_FEED_PAGE = 500
SEE_THE_FEED = "read its events feed"


@dataclass(frozen=True)
class FeedItem:
    id: int
    kind: str
    at: dt.datetime
    program_id: str
    enrollment_id: str | None
    actor_id: str | None
    payload: MappingProxyType[str, Any]


@dataclass(frozen=True)
class FeedPage:
    items: tuple[FeedItem, ...]
    # The cursor to ask with next: the last entry's id, or the one asked with when none
    # came (so a poller keeps its place).
    cursor: int
    more: bool


class EventsFeed(WorkflowBase):
    def events_feed(
        self,
        program_id: str,
        actor: Actor,
        after: int | None = None,
        limit: int = 100,
        kinds: tuple[str, ...] = (),
    ) -> FeedPage:
        """The program's entries after `after` (from the first without), oldest first."""
        program = self.staff_program(program_id, actor, SEE_THE_FEED)
        if not 1 <= limit <= MAX_FEED_PAGE:
            raise InvalidQuery(f"Ask for between 1 and {MAX_FEED_PAGE} entries at a time.")
        if after is not None and after < 0:
            raise InvalidQuery("The cursor is the id of the last entry read, 0 or more.")
        unknown = sorted(set(kinds) - set(KINDS))
        if unknown:
            raise InvalidQuery(f"There is no kind of event '{unknown[0]}'.")
        query = select(FeedEntry).where(FeedEntry.program_id == program.id)
        if after:
            query = query.where(FeedEntry.id > after)
        if kinds:
            query = query.where(FeedEntry.kind.in_(kinds))
        with self.reading() as session:
            rows = list(session.scalars(query.order_by(FeedEntry.id).limit(limit + 1)))
        items = tuple(
            FeedItem(
                r.id,
                r.kind,
                r.at,
                r.program_id,
                r.enrollment_id,
                r.actor_id,
                MappingProxyType(dict(r.payload)),
            )
            for r in rows[:limit]
        )
        return FeedPage(items, items[-1].id if items else (after or 0), len(rows) > limit)
