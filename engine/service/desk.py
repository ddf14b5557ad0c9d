"""The coordinator's desk: queues by state, search, open items and what is overdue.

Read-only views over one program's records for its staff; the changes a coordinator
makes from the desk go through the workflow like any other.
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass

from sqlalchemy import func, or_, select
from sqlalchemy.orm import Session

from ..definition.program import Program
from ..records.store import Enrollment, OpenItem, Person, Submission, utcnow


@dataclass(frozen=True)
class Queue:
    role: str
    state: str
    label: str
    count: int
    final: bool


@dataclass(frozen=True)
class Due:
    """A reminder that is due: the enrollment has sat in a state too long."""

    enrollment: Enrollment
    text: str
    days: int  # in the state
    state: str = ""
    since: dt.datetime | None = None  # when the wait began: state entry or the last entry
    period: int = 1  # the how-many-th time it is due since then
    to: tuple[str, ...] = ()


def queues(session: Session, program: Program) -> list[Queue]:
    """Every state of both lifecycles with how many enrollments are in it (zeros too)."""
    counts = dict(
        ((role, state), n)
        for role, state, n in session.execute(
            select(Enrollment.role, Enrollment.state, func.count())
            .where(Enrollment.program_id == program.id)
            .group_by(Enrollment.role, Enrollment.state)
        )
    )
    found = []
    for role in ("mentee", "mentor"):
        lifecycle = program.lifecycle_of(role)
        for state, spec in lifecycle.states.items():
            found.append(Queue(role, state, spec.label, counts.pop((role, state), 0), spec.final))
        for (other_role, state), n in sorted(counts.items()):
            if other_role == role:  # a state an earlier revision had
                found.append(Queue(role, state, f"{state} (no longer defined)", n, False))
    return found


def search(
    session: Session,
    program: Program,
    *,
    role: str | None = None,
    state: str | None = None,
    text: str = "",
    limit: int = 200,
) -> list[Enrollment]:
    query = (
        select(Enrollment)
        .join(Person, Person.id == Enrollment.person_id)
        .where(Enrollment.program_id == program.id)
    )
    if role:
        query = query.where(Enrollment.role == role)
    if state:
        query = query.where(Enrollment.state == state)
    words = text.strip().lower()
    if words:
        pattern = f"%{words}%"
        query = query.where(or_(func.lower(Person.name).like(pattern), Person.email.like(pattern)))
    query = query.order_by(Enrollment.state_since.desc()).limit(limit)
    return list(session.scalars(query))


def open_items(session: Session, program: Program) -> list[tuple[OpenItem, Enrollment]]:
    rows = session.execute(
        select(OpenItem, Enrollment)
        .join(Enrollment, Enrollment.id == OpenItem.enrollment_id)
        .where(OpenItem.program_id == program.id, OpenItem.resolved_at.is_(None))
        .order_by(OpenItem.raised_at)
    )
    return [(row[0], row[1]) for row in rows]


def reminders_due(session: Session, program: Program, now: dt.datetime | None = None) -> list[Due]:
    """Enrollments in a state with a `reminder` whose time has come: in the state for
    `after_days` days and, where `without` names a form, no entry of it in that time;
    due again every `after_days` days while that holds (`Due.period` counts them)."""
    now = now or utcnow()
    due: list[Due] = []
    for role in ("mentee", "mentor"):
        lifecycle = program.lifecycle_of(role)
        for state, spec in lifecycle.states.items():
            reminder = spec.reminder
            if reminder is None:
                continue
            every = dt.timedelta(days=reminder.after_days)
            since = now - every
            query = select(Enrollment).where(
                Enrollment.program_id == program.id,
                Enrollment.role == role,
                Enrollment.state == state,
                Enrollment.state_since <= since,
            )
            last_entry: dict[str, dt.datetime] = {}
            if reminder.without:
                recent = select(Submission.enrollment_id).where(
                    Submission.form_id == reminder.without, Submission.created_at > since
                )
                query = query.where(Enrollment.id.not_in(recent))
            enrollments = list(session.scalars(query.order_by(Enrollment.state_since)))
            if reminder.without and enrollments:
                last_entry = {
                    enrollment_id: at
                    for enrollment_id, at in session.execute(
                        select(Submission.enrollment_id, func.max(Submission.created_at))
                        .where(
                            Submission.form_id == reminder.without,
                            Submission.enrollment_id.in_([e.id for e in enrollments]),
                        )
                        .group_by(Submission.enrollment_id)
                    )
                    if at is not None
                }
            for enrollment in enrollments:
                anchor = max(enrollment.state_since, last_entry.get(enrollment.id, _EPOCH))
                period = (now - anchor) // every
                if period < 1:  # an entry in the same instant as `since`
                    continue
                due.append(
                    Due(
                        enrollment=enrollment,
                        text=reminder.text,
                        days=(now - enrollment.state_since).days,
                        state=state,
                        since=anchor,
                        period=period,
                        to=tuple(reminder.to),
                    )
                )
    return due


_EPOCH = dt.datetime(1970, 1, 1, tzinfo=dt.UTC)


def resolve_item(
    session: Session, item_id: str, program: Program, person_id: str | None
) -> OpenItem | None:
    item = session.get(OpenItem, item_id)
    if item is None or item.program_id != program.id:
        return None
    if item.resolved_at is None:
        item.resolved_at = utcnow()
        item.resolved_by_id = person_id
    return item
