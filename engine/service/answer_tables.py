"""One form's answers as a table: a row per filled form the viewer may read, with filters,
sorting, paging and the same rows as CSV.

Who may read a row is decided by the rules the enrollment pages use, never here: each
candidate enrollment's relations to the viewer (`relations`) and `readable_entries`
(`may_read`, the form's `visible_to`) per submission. Candidates are only a way to find
rows quickly: a program's staff start from every enrollment holding an entry of the
form, anyone else from the enrollments they are part of (`enrollments_of`). Rows are
the enrollment's current entries, as its page shows them.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Sequence
from dataclasses import dataclass
from typing import Any

from sqlalchemy import select
from sqlalchemy.orm import Session

from ..definition.fields.kind import CONTROL
from ..definition.program import Form, Program
from ..errors import InvalidQuery, NotFound
from ..records.enrollment import EnrollmentRecord
from ..records.store import Enrollment, Pairing, Submission
from ..rules.access import Actor, relations
from ..rules.answers import ShownAnswer, describe_value, shown_answer
from .access_log import Read, log_reads
from .core import WorkflowBase
from .views import enrollments_of, readable_entries

PAGE_SIZE = 50
SEARCH_MAX = 200
# The columns every table has before the form's fields; a field id never clashes with
# them because sorting by a field is asked as `field:<id>`.
PERSON, STATE, SUBMITTED = "person", "state", "submitted"
FIXED_COLUMNS = ((PERSON, "Person"), (STATE, "Enrollment state"), (SUBMITTED, "Submitted"))


@dataclass(frozen=True)
class Column:
    key: str  # what `sort` names: person, state, submitted or field:<id>
    label: str


@dataclass(frozen=True)
class AnswerRow:
    """One filled form: whose enrollment, where it stands, when, and each field's answer
    as people read it ('' when unanswered), in the form's field order."""

    enrollment_id: str
    submission_id: str
    name: str  # the person's name, else their e-mail
    email: str
    state: str
    state_label: str
    submitted_at: dt.datetime
    answers: tuple[str, ...]
    _keys: tuple[Any, ...] = ()  # sort keys of the answers, typed: numbers as numbers
    # The answers again, with their files' ids, for download links (None: unanswered).
    cells: tuple[ShownAnswer | None, ...] = ()
    person_id: str = ""  # whose enrollment: for the access log

    def sort_key(self, column: str) -> tuple[Any, ...]:
        if column == PERSON:
            return (0, self.name.casefold(), self.email)
        if column == STATE:
            return (0, self.state_label.casefold())
        if column == SUBMITTED:
            return (0, self.submitted_at)
        key: tuple[Any, ...] = self._keys[int(column)]
        return key

    def matches(self, words: str) -> bool:
        haystack = (self.name, self.email, self.state_label, *self.answers)
        return any(words in text.casefold() for text in haystack)


@dataclass(frozen=True)
class TableFilters:
    text: str = ""
    state: str = ""
    sort: str = SUBMITTED
    descending: bool = False


@dataclass(frozen=True)
class AnswersTable:
    program: Program
    form: Form
    columns: tuple[Column, ...]  # the fixed ones, then a column per field
    rows: tuple[AnswerRow, ...]  # this page's
    total: int  # rows after filtering, on every page
    page: int
    pages: int
    filters: TableFilters
    states: tuple[tuple[str, str], ...]  # (state, label) of the form's role, to filter by
    staff: bool  # the viewer is on the program's staff (for links back to the desk)


def _fields(form: Form) -> list[Any]:
    return list(form.fields.values())


def _columns(form: Form) -> tuple[Column, ...]:
    fields = tuple(Column(f"field:{f.id}", f.label) for f in _fields(form))
    return tuple(Column(key, label) for key, label in FIXED_COLUMNS) + fields


def _typed(f: Any, value: Any, shown: str) -> tuple[Any, ...]:
    """An answer's sort key: blanks last, numbers by size, dates in order (stored as
    YYYY-MM-DD), any other answer by its text as shown."""
    if value is None:
        return (2, "")
    if isinstance(value, int | float) and not isinstance(value, bool):
        return (0, float(value))
    if f.type == "date" and isinstance(value, str):
        return (1, value)
    return (1, shown.casefold())


def _row(record: EnrollmentRecord, form: Form, submission: Submission) -> AnswerRow:
    e = record.enrollment
    shown: list[str] = []
    keys: list[tuple[Any, ...]] = []
    cells: list[ShownAnswer | None] = []
    for f in _fields(form):
        value = submission.answers.get(f.id)
        text = describe_value(f, value) if value is not None else ""
        shown.append(text)
        keys.append(_typed(f, value, text))
        cells.append(shown_answer(f, value) if value is not None else None)
    return AnswerRow(
        enrollment_id=e.id,
        submission_id=submission.id,
        name=e.person.display_name,
        email=e.person.email,
        state=e.state,
        state_label=record.lifecycle.label(e.state),
        submitted_at=submission.created_at,
        answers=tuple(shown),
        _keys=tuple(keys),
        cells=tuple(cells),
        person_id=e.person_id,
    )


def _candidates(session: Session, program: Program, form: Form, actor: Actor) -> list[Enrollment]:
    """Enrollments that may hold a row for this viewer (whether they do is the rules')."""
    if actor.is_staff(program.id):
        holding = select(Submission.enrollment_id).where(Submission.form_id == form.id)
        return list(
            session.scalars(
                select(Enrollment)
                .where(
                    Enrollment.program_id == program.id,
                    Enrollment.role == form.owner,
                    Enrollment.id.in_(holding),
                )
                .order_by(Enrollment.created_at, Enrollment.id)
            )
        )
    return [
        e
        for e in enrollments_of(session, actor)
        if e.program_id == program.id and e.role == form.owner
    ]


def _pairings_at_hand(session: Session, enrollments: list[Enrollment]) -> list[Any]:
    """Load the pairings of `enrollments` and their mentors in two queries, so that the
    rules' `relations` finds them in the session instead of asking once per enrollment.
    The caller keeps the list while it works: the session holds what it loaded weakly."""
    ids = sorted({e.pairing_id for e in enrollments if e.pairing_id})
    pairings = list(session.scalars(select(Pairing).where(Pairing.id.in_(ids)))) if ids else []
    mentors = sorted({p.mentor_id for p in pairings})
    held = list(session.scalars(select(Enrollment).where(Enrollment.id.in_(mentors))))
    return [*pairings, *held]


def readable_rows(
    session: Session, program: Program, form: Form, actor: Actor, now: dt.datetime
) -> list[AnswerRow]:
    """Every entry of `form` this viewer may read, as the enrollment pages let them."""
    candidates = _candidates(session, program, form, actor)
    kept = _pairings_at_hand(session, candidates)
    rows: list[AnswerRow] = []
    for record in EnrollmentRecord.records_of(session, program, candidates, now):
        roles = relations(session, actor, record.enrollment)
        if roles:
            entries = readable_entries(record, form, actor, roles)
            rows.extend(_row(record, form, s) for s in entries)
    del kept
    return rows


def _sort_column(form: Form, sort: str) -> str:
    """`sort` as AnswerRow.sort_key takes it: a fixed column, or a field's position."""
    if sort in (PERSON, STATE, SUBMITTED):
        return sort
    field_id = sort.removeprefix("field:")
    ids = [f.id for f in _fields(form)]
    if not sort.startswith("field:") or field_id not in ids:
        raise InvalidQuery(f"There is no column '{sort[:40]}' to sort {form.title} by.")
    return str(ids.index(field_id))


def _check_filters(program: Program, form: Form, filters: TableFilters) -> None:
    if filters.state and filters.state not in program.lifecycle_of(form.owner).states:
        raise InvalidQuery(f"There is no state '{filters.state[:40]}' to filter by.")
    if len(filters.text) > SEARCH_MAX:
        raise InvalidQuery(f"Search for at most {SEARCH_MAX} characters.")
    if CONTROL.search(filters.text):
        raise InvalidQuery("Search for letters, not control characters.")


def chosen_rows(rows: Sequence[AnswerRow], form: Form, filters: TableFilters) -> list[AnswerRow]:
    """The rows the filters keep, in the order asked (ties by submission time)."""
    column = _sort_column(form, filters.sort)
    words = filters.text.strip().casefold()
    kept = [
        r
        for r in rows
        if (not filters.state or r.state == filters.state) and (not words or r.matches(words))
    ]
    kept.sort(key=lambda r: (r.submitted_at, r.submission_id))
    if column == SUBMITTED:
        return kept[::-1] if filters.descending else kept
    # Blanks stay last whichever way: only the kind-and-value part is reversed.
    blanks = [r for r in kept if r.sort_key(column)[0] == 2]
    filled = [r for r in kept if r.sort_key(column)[0] != 2]
    filled.sort(key=lambda r: r.sort_key(column), reverse=filters.descending)
    return filled + blanks


def _reads(program: Program, form: Form, rows: Sequence[AnswerRow]) -> list[Read]:
    """One access-log read per row handed out (a page's rows, or a CSV's all)."""
    return [
        Read(r.person_id, program.id, r.enrollment_id, "submission", form.id, r.submission_id)
        for r in rows
    ]


class AnswerTables(WorkflowBase):
    """The forms table: one form's answers across a program, as far as the viewer may read."""

    def _table_form(self, program_id: str, form_id: str) -> tuple[Program, Form]:
        program = self.program(program_id)
        form = program.forms.get(form_id)
        if form is None:
            raise NotFound(f"{program.title} has no form '{form_id[:40]}'.")
        return program, form

    def _chosen(
        self, program_id: str, form_id: str, actor: Actor, filters: TableFilters
    ) -> tuple[Program, Form, list[AnswerRow]]:
        program, form = self._table_form(program_id, form_id)
        _check_filters(program, form, filters)
        _sort_column(form, filters.sort)  # refused before any reading
        with self.reading() as session:
            rows = readable_rows(session, program, form, actor, self.clock())
        return program, form, chosen_rows(rows, form, filters)

    def answers_table(
        self,
        program_id: str,
        form_id: str,
        actor: Actor,
        filters: TableFilters = TableFilters(),
        page: int = 1,
    ) -> AnswersTable:
        """One page of the form's answers this viewer may read, filtered and sorted."""
        program, form, rows = self._chosen(program_id, form_id, actor, filters)
        pages = max(1, -(-len(rows) // PAGE_SIZE))
        if page < 1 or page > pages:
            raise InvalidQuery(f"There is no page {page}: the table has {pages}.")
        start = (page - 1) * PAGE_SIZE
        lifecycle = program.lifecycle_of(form.owner)
        found = AnswersTable(
            program=program,
            form=form,
            columns=_columns(form),
            rows=tuple(rows[start : start + PAGE_SIZE]),
            total=len(rows),
            page=page,
            pages=pages,
            filters=filters,
            states=tuple((s, lifecycle.label(s)) for s in lifecycle.states),
            staff=actor.is_staff(program.id),
        )
        log_reads(self, actor, _reads(program, form, found.rows))
        return found

    def answers_csv(
        self, program_id: str, form_id: str, actor: Actor, filters: TableFilters = TableFilters()
    ) -> tuple[tuple[str, ...], list[list[Any]]]:
        """Every row the filters keep (all pages), as CSV columns and rows: the person's
        name and e-mail apart, then the enrollment state, the time and each answer."""
        program, form, rows = self._chosen(program_id, form_id, actor, filters)
        header = (
            "Name",
            "E-mail",
            "Enrollment state",
            "Submitted",
            *(f.label for f in _fields(form)),
        )
        table = [
            [r.name, r.email, r.state_label, r.submitted_at.isoformat(), *r.answers] for r in rows
        ]
        log_reads(self, actor, _reads(program, form, rows))
        return header, table
