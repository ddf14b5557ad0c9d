"""The coordinator's desk: queues by state, search, open items and what is overdue.

Read-only views over one program's records for its staff; the changes a coordinator
makes from the desk go through the workflow like any other. `Desk` is the service's
part that assembles the page (`DeskPage`, plain values), resolves open items and takes
one transition for many people at once.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterable
from dataclasses import dataclass
from typing import Any

from sqlalchemy import Select, func, or_, select
from sqlalchemy.orm import Session

from ..definition.fields.kind import CONTROL
from ..definition.program import Program
from ..errors import InvalidAnswers, InvalidQuery, MentorflowError, NotFound
from ..figures.recognition import EarlyClosure, ended_early
from ..records.store import Enrollment, OpenItem, Person, Submission, utcnow
from ..rules.access import Actor
from .core import WorkflowBase
from .next_step import is_setback
from .session import NO_SUCH_ENROLLMENT


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


SEARCH_MAX = 200  # a name's length (people.NAME_MAX): longer finds no one


def check_desk_filters(program: Program, role: str | None, state: str | None, text: str) -> None:
    """The desk's filters as its page offers them; anything else is InvalidQuery."""
    if role and role not in program.roles:
        raise InvalidQuery(f"There is no role '{role}' in {program.title}.")
    lifecycles = [program.lifecycle_of(role)] if role else list(program.lifecycles.values())
    if state and not any(state in lifecycle.states for lifecycle in lifecycles):
        raise InvalidQuery(f"There is no state '{state}' to filter by in {program.title}.")
    if len(text) > SEARCH_MAX:
        raise InvalidQuery(f"Search for at most {SEARCH_MAX} characters.")
    if CONTROL.search(text):
        raise InvalidQuery("Search for letters, not control characters.")


PAGE_SIZE = 50  # people a desk page lists; the rest are a page away
# The columns the desk sorts by; each sorts ties by enrollment id, so pages never overlap.
SORTS = {
    "name": (func.lower(Person.name), Person.email),
    "email": (Person.email,),
    "role": (Enrollment.role,),
    "state": (Enrollment.role, Enrollment.state),
    "since": (Enrollment.state_since,),
}
DEFAULT_SORT = "-since"  # the newest moves first: what just happened is what needs a look


def check_sort(sort: str) -> tuple[str, bool]:
    """A desk sort as `column` or `-column` (descending); InvalidQuery otherwise."""
    column = sort.removeprefix("-")
    if column not in SORTS:
        raise InvalidQuery(f"The desk sorts by {', '.join(SORTS)}, not '{column}'.")
    return column, sort.startswith("-")


MAX_LIMIT = 200  # enrollments one call of `enrollments_after` lists at most


def matching(program: Program, role: str | None, state: str | None, text: str) -> Select[Any]:
    """The program's enrollments that match the desk's filters, unordered."""
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
    return query


def search(
    session: Session,
    program: Program,
    *,
    role: str | None = None,
    state: str | None = None,
    text: str = "",
    limit: int = 200,
    offset: int = 0,
    sort: str = DEFAULT_SORT,
) -> tuple[list[Enrollment], int]:
    """One page of the program's enrollments that match, and how many match in all."""
    query = matching(program, role, state, text)
    total = session.scalar(select(func.count()).select_from(query.subquery())) or 0
    column, descending = check_sort(sort)
    keys = [k.desc() if descending else k.asc() for k in (*SORTS[column], Enrollment.id)]
    page = query.order_by(*keys).offset(offset).limit(limit)
    return list(session.scalars(page)), total


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
    session: Session,
    item_id: str,
    program: Program,
    person_id: str | None,
    now: dt.datetime | None = None,
) -> OpenItem | None:
    item = session.get(OpenItem, item_id)
    if item is None or item.program_id != program.id:
        return None
    if item.resolved_at is None:
        item.resolved_at = now or utcnow()
        item.resolved_by_id = person_id
    return item


def name_of(enrollment: Enrollment) -> str:
    """How a participant is named on staff pages: their name, else their e-mail."""
    return enrollment.person.display_name


# ---------------------------------------------------------------- the desk as a page


@dataclass(frozen=True)
class PersonRow:
    """One enrollment found by the desk's search."""

    enrollment_id: str
    name: str  # empty when the person gave none
    email: str
    role: str
    role_label: str
    state: str
    state_label: str
    days_in_state: int


@dataclass(frozen=True)
class ItemRow:
    item_id: str
    enrollment_id: str
    who: str
    text: str
    raised_at: dt.datetime


@dataclass(frozen=True)
class DueRow:
    enrollment_id: str
    who: str
    text: str
    days: int  # in the state


@dataclass(frozen=True)
class BulkChoice:
    """A transition a coordinator may take for several people at once."""

    role: str
    transition_id: str
    label: str
    setback: bool = False  # ends the enrollment early or takes it back: set apart


@dataclass(frozen=True)
class DeskFilters:
    role: str = ""
    state: str = ""
    q: str = ""
    sort: str = DEFAULT_SORT
    page: int = 1


@dataclass(frozen=True)
class Waiting:
    """How many enrollments in one state wait on whom, for which step."""

    role: str
    state: str
    count: int
    on: str  # "coordinators" or "participants"
    step: str  # the step they wait for, in words


def waiting_on(program: Program, found: Iterable[Queue]) -> tuple[Waiting, ...]:
    """For each state people are in, who the next step forward waits on: coordinators
    when only staff take it, else the participants (forms to fill or sign, or a step
    of their own)."""
    result = []
    for queue in found:
        if queue.final or not queue.count or queue.role not in program.roles:
            continue
        lifecycle = program.lifecycle_of(queue.role)
        if queue.state not in lifecycle.states:
            continue
        if queue.role == "mentor" and queue.state in program.mentor_states():
            continue  # mentors who can take mentees wait for matching, not for a step
        forward = [t for t in lifecycle.leaving(queue.state) if not is_setback(lifecycle, t)]
        if not forward:
            continue
        step = forward[0]
        staff_only = bool(step.by) and not (step.by - {"coordinator", "admin"})
        on = "coordinators" if staff_only else "participants"
        result.append(Waiting(queue.role, queue.state, queue.count, on, step.label))
    return tuple(result)


@dataclass(frozen=True)
class DeskPage:
    program: Program
    queues: tuple[Queue, ...]
    found: tuple[PersonRow, ...]
    items: tuple[ItemRow, ...]
    due: tuple[DueRow, ...]
    ended_early: tuple[EarlyClosure, ...]
    filters: DeskFilters
    bulk: tuple[BulkChoice, ...]
    total: int = 0  # how many people match the filters, over every page
    waiting: tuple[Waiting, ...] = ()

    @property
    def pages(self) -> int:
        return max(1, -(-self.total // PAGE_SIZE))

    @property
    def first(self) -> int:
        """The position of the page's first person among all that match (from 1)."""
        return (self.filters.page - 1) * PAGE_SIZE + 1 if self.found else 0


@dataclass(frozen=True)
class EnrollmentList:
    """Enrollments found, in id order, and the last one's id when more follow."""

    rows: tuple[PersonRow, ...]
    next_after: str | None


@dataclass(frozen=True)
class BulkOutcome:
    enrollment_id: str
    name: str  # the enrollment id when it is not one of the program's
    done: bool
    message: str  # "done", or the refusal in words


ASKS_A_FORM = "this step asks for a form: take it on the enrollment's page"


# A participant's own steps ("Withdraw my application") are theirs to take: the bulk menu
# offers the steps only staff take, or that staff take for the pair ("End early").
OWN_STEPS = frozenset({"mentee", "mentor"})


def bulk_choices(program: Program, role: str | None) -> tuple[BulkChoice, ...]:
    """The transitions a coordinator takes for others, of one role or both, for the bulk
    form: forward steps first, then set-backs."""
    choices = [
        BulkChoice(r, t.id, t.label, is_setback(lifecycle, t))
        for r in ([role] if role else ["mentee", "mentor"])
        for lifecycle in [program.lifecycle_of(r)]
        for t in lifecycle.transitions.values()
        if "coordinator" in t.by and not (t.by & OWN_STEPS)
    ]
    return tuple(sorted(choices, key=lambda c: c.setback))


def person_row(program: Program, enrollment: Enrollment, now: dt.datetime) -> PersonRow:
    return PersonRow(
        enrollment_id=enrollment.id,
        name=enrollment.person.name,
        email=enrollment.person.email,
        role=enrollment.role,
        role_label=program.roles[enrollment.role].label,
        state=enrollment.state,
        state_label=program.lifecycle_of(enrollment.role).label(enrollment.state),
        days_in_state=(now - enrollment.state_since).days,
    )


class Desk(WorkflowBase):
    def desk(
        self,
        program_id: str,
        actor: Actor,
        *,
        role: str | None = None,
        state: str | None = None,
        text: str = "",
        sort: str = DEFAULT_SORT,
        page: int = 1,
    ) -> DeskPage:
        """The coordinator's desk of one program: one page of the people found with the
        filters and sort asked for (a page past the last shows the last)."""
        program = self.staff_program(program_id, actor)
        check_desk_filters(program, role, state, text)
        check_sort(sort)
        if page < 1:
            raise InvalidQuery("Pages are numbered from 1.")
        now = self.clock()
        with self.reading() as session:
            counted = queues(session, program)

            def page_of(n: int) -> tuple[list[Enrollment], int]:
                offset = (n - 1) * PAGE_SIZE
                return search(
                    session, program, role=role, state=state, text=text, sort=sort,
                    limit=PAGE_SIZE, offset=offset,
                )  # fmt: skip

            found, total = page_of(page)
            last = max(1, -(-total // PAGE_SIZE))
            if page > last:  # fewer match now than when the link was made: the last page
                page = last
                found, total = page_of(page)
            return DeskPage(
                program=program,
                queues=tuple(counted),
                found=tuple(person_row(program, e, now) for e in found),
                total=total,
                waiting=waiting_on(program, counted),
                items=tuple(
                    ItemRow(item.id, e.id, name_of(e), item.text, item.raised_at)
                    for item, e in open_items(session, program)
                ),
                due=tuple(
                    DueRow(d.enrollment.id, name_of(d.enrollment), d.text, d.days)
                    for d in reminders_due(session, program, now)
                ),
                ended_early=tuple(ended_early(session, program, actor)),
                filters=DeskFilters(role or "", state or "", text, sort, page),
                bulk=bulk_choices(program, role),
            )

    def enrollments_after(
        self,
        program_id: str,
        actor: Actor,
        *,
        role: str | None = None,
        state: str | None = None,
        text: str = "",
        after: str | None = None,
        limit: int = PAGE_SIZE,
    ) -> EnrollmentList:
        """The program's enrollments that match the desk's filters, in the order of
        their ids, `limit` of them after the enrollment `after` (the API's cursor): a
        walk through every page lists each enrollment there when it began exactly
        once, and one added meanwhile at most once, however many are added."""
        program = self.staff_program(program_id, actor)
        check_desk_filters(program, role, state, text)
        if not 1 <= limit <= MAX_LIMIT:
            raise InvalidQuery(f"Ask for 1 to {MAX_LIMIT} enrollments at a time.")
        now = self.clock()
        with self.reading() as session:
            query = matching(program, role, state, text)
            if after:
                query = query.where(Enrollment.id > after)
            found = list(session.scalars(query.order_by(Enrollment.id).limit(limit + 1)))
            more = len(found) > limit
            rows = tuple(person_row(program, e, now) for e in found[:limit])
            return EnrollmentList(rows, rows[-1].enrollment_id if more else None)

    def resolve_item(self, program_id: str, item_id: str, actor: Actor) -> None:
        program = self.staff_program(program_id, actor)
        with self.transaction() as session:
            found = resolve_item(session, item_id, program, actor.person_id, self.clock())
            if found is None:
                raise NotFound("There is no such item on this desk.")

    def take_many(
        self, program_id: str, enrollment_ids: Iterable[str], transition_id: str, actor: Actor
    ) -> tuple[BulkOutcome, ...]:
        """The same transition for each enrollment, one transaction each, with the same
        guards as one by one: every refusal reported, nothing else undone. An id that is
        not one of this program's enrollments is refused as one that does not exist, and
        is never loaded, so nothing of another program reaches the answer."""
        program = self.staff_program(program_id, actor)
        wanted = list(enrollment_ids)
        with self.reading() as session:
            names = {
                enrollment.id: name_of(enrollment)
                for enrollment in session.scalars(
                    select(Enrollment).where(
                        Enrollment.program_id == program.id, Enrollment.id.in_(set(wanted))
                    )
                )
            }
        outcomes = []
        for enrollment_id in wanted:
            name = names.get(enrollment_id)
            if name is None:
                outcomes.append(
                    BulkOutcome(enrollment_id, enrollment_id, False, NO_SUCH_ENROLLMENT)
                )
                continue
            try:
                self.take(enrollment_id, transition_id, actor, {}, program_id=program.id)
                outcomes.append(BulkOutcome(enrollment_id, name, True, "done"))
            except InvalidAnswers:
                outcomes.append(BulkOutcome(enrollment_id, name, False, ASKS_A_FORM))
            except MentorflowError as exc:
                outcomes.append(BulkOutcome(enrollment_id, name, False, str(exc)))
        return tuple(outcomes)
