"""The program's events feed: what happened, oldest first, read with a cursor.

The cursor is the number of the last entry read (`next_cursor`); asking again with it as
`after` gives what was written since, each entry once. For the program's staff.
"""

from __future__ import annotations

import datetime as dt
from typing import Any

from pydantic import BaseModel, Field

from mentorflow.engine.service.events_feed import MAX_FEED_PAGE
from mentorflow.web.api.door import TAGS, bp, caller
from mentorflow.web.api.programs import PROGRAM
from mentorflow.web.boundary import workflow


class EventsPath(BaseModel):
    program: str = PROGRAM


class EventsQuery(BaseModel):
    after: int | None = Field(
        None, ge=0, le=2**62, description="`next_cursor` of the page before; none: from the first."
    )
    limit: int = Field(100, ge=1, le=MAX_FEED_PAGE)


class EventOut(BaseModel):
    id: int = Field(description="The entry's number: entries are numbered as they are written.")
    kind: str = Field(
        description="application, transition, closure, submission, signature or match."
    )
    at: dt.datetime
    enrollment_id: str | None
    actor_id: str | None = Field(description="Who did it; null: Mentorflow itself.")
    payload: dict[str, Any]


class EventsOut(BaseModel):
    items: list[EventOut]
    next_cursor: int = Field(description="Send as `after` to read on (also when nothing came).")
    more: bool = Field(description="More entries are waiting after this page.")


@bp.get(
    "/programs/<program>/events",
    tags=[TAGS["staff"]],
    summary="The events feed",
    description="Every application, step, closure, submission, signature and match of the "
    "program, oldest first, `limit` at a time after the cursor `after`. For the program's "
    "coordinators and the admins.",
    responses={200: EventsOut},
)
def events(path: EventsPath, query: EventsQuery) -> Any:
    page = workflow().events_feed(path.program, caller(), after=query.after, limit=query.limit)
    found = EventsOut(
        items=[
            EventOut(
                id=item.id,
                kind=item.kind,
                at=item.at,
                enrollment_id=item.enrollment_id,
                actor_id=item.actor_id,
                payload=dict(item.payload),
            )
            for item in page.items
        ],
        next_cursor=page.cursor,
        more=page.more,
    )
    return found.model_dump(mode="json")
