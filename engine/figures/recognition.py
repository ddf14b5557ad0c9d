"""Closures and recognition: how relationships ended, and what each mentor gave.

- `ended_early`: recent enrollments that reached a final state whose `outcome` is
  `ended_early`, with the reasons given on the closing event's `ask` form, shown only
  as that form's `visible_to` allows the viewer.
- `earlier_relationships`: a mentee's pairings that have ended (returned to the pool,
  then matched again), so the history of who mentored them is kept in view.
- `mentor_recognition`: every mentor of a program with their relationships completed,
  ended early, returned to the pool and ongoing, and what their mentees answered on
  their evaluations, as figures from at least `report_min_group` mentees only.

A relationship's outcome is the outcome of the final state its mentee reached while
paired with the mentor: the closing event keeps the pairing it ended.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterable
from dataclasses import dataclass, field
from typing import Any

from sqlalchemy import select
from sqlalchemy.orm import Session

from ..definition.program import Program
from ..records.store import Enrollment, Event, Pairing, Person, Submission
from ..rules.access import Actor, may_read, readable_ask_answers, relations
from ..rules.answers import ShownAnswer
from .reports import Row, form_figures, shown

COMPLETED = "completed"
ENDED_EARLY = "ended_early"


def outcome_states(program: Program, role: str, outcome: str) -> frozenset[str]:
    """The final states of `role`'s lifecycle whose `outcome` is `outcome`."""
    lifecycle = program.lifecycle_of(role)
    return frozenset(s for s, state in lifecycle.states.items() if state.outcome == outcome)


# ---------------------------------------------------------------- premature closures


@dataclass(frozen=True)
class EarlyClosure:
    enrollment_id: str
    who: str  # the participant's name, else their e-mail
    state_label: str
    at: dt.datetime
    transition_label: str
    closed_by: str  # a name, or 'Mentorflow' for the engine itself
    mentor_name: str | None  # the mentor of the pairing the closure ended, if any
    reasons: tuple[ShownAnswer, ...] | None  # None: no ask form, or not readable by the viewer


def ended_early(
    session: Session, program: Program, viewer: Actor, limit: int = 20
) -> list[EarlyClosure]:
    """The `limit` most recent enrollments in an `ended_early` state, newest first."""
    found: list[EarlyClosure] = []
    for role in program.roles:
        states = outcome_states(program, role, ENDED_EARLY)
        if not states:
            continue
        lifecycle = program.lifecycle_of(role)
        enrollments = session.scalars(
            select(Enrollment)
            .where(
                Enrollment.program_id == program.id,
                Enrollment.role == role,
                Enrollment.state.in_(states),
            )
            .order_by(Enrollment.state_since.desc(), Enrollment.id)
            .limit(limit)
        )
        for enrollment in enrollments:
            event = session.scalars(
                select(Event)
                .where(Event.enrollment_id == enrollment.id, Event.to_state == enrollment.state)
                .order_by(Event.id.desc())
                .limit(1)
            ).first()
            if event is None:
                continue
            transition = lifecycle.transitions.get(event.transition or "")
            actor = session.get(Person, event.actor_id) if event.actor_id else None
            found.append(
                EarlyClosure(
                    enrollment_id=enrollment.id,
                    who=enrollment.person.display_name,
                    state_label=lifecycle.label(enrollment.state),
                    at=event.at,
                    transition_label=transition.label if transition else event.kind,
                    closed_by=actor.display_name if actor else "Mentorflow",
                    mentor_name=_mentor_name(session, event.pairing_id),
                    reasons=readable_ask_answers(
                        program,
                        enrollment.role,
                        event,
                        viewer,
                        relations(session, viewer, enrollment),
                    ),
                )
            )
    found.sort(key=lambda c: c.at, reverse=True)
    return found[:limit]


def _mentor_name(session: Session, pairing_id: str | None) -> str | None:
    pairing = session.get(Pairing, pairing_id) if pairing_id else None
    mentor = session.get(Enrollment, pairing.mentor_id) if pairing else None
    return mentor.person.display_name if mentor else None


# ---------------------------------------------------------------- earlier relationships


@dataclass(frozen=True)
class EarlierRelationship:
    pairing_id: str
    mentor_enrollment_id: str
    mentor_name: str
    mentor_email: str
    started_at: dt.datetime
    ended_at: dt.datetime


def earlier_relationships(session: Session, mentee: Enrollment) -> list[EarlierRelationship]:
    """The mentee's pairings that have ended, oldest first."""
    rows = session.execute(
        select(Pairing, Enrollment)
        .join(Enrollment, Enrollment.id == Pairing.mentor_id)
        .where(Pairing.mentee_id == mentee.id, Pairing.ended_at.is_not(None))
        .order_by(Pairing.started_at, Pairing.id)
    ).all()
    found = []
    for pairing, mentor in rows:
        assert pairing.ended_at is not None
        found.append(
            EarlierRelationship(
                pairing_id=pairing.id,
                mentor_enrollment_id=mentor.id,
                mentor_name=mentor.person.display_name,
                mentor_email=mentor.person.email,
                started_at=pairing.started_at,
                ended_at=pairing.ended_at,
            )
        )
    return found


# ---------------------------------------------------------------- recognition of mentors


@dataclass(frozen=True)
class Evaluation:
    """What a mentor's mentees answered on one evaluation form, as figures only: no
    answer is shown by name, and no free text, because the forms promise mentees that
    reports show only figures drawn from at least `report_min_group` people. Fewer
    mentees than that: `rows` is empty and the page says "fewer than N"."""

    form_title: str
    people: int  # mentees whose filling is counted (shown only when >= min_group)
    min_group: int
    rows: tuple[Row, ...]

    @property
    def suppressed(self) -> bool:
        return self.people < self.min_group


@dataclass(frozen=True)
class MentorRecord:
    person_id: str
    name: str
    email: str
    completed: int = 0
    ended_early: int = 0
    returned: int = 0  # the mentee went back to the pool
    ongoing: int = 0
    evaluations: tuple[Evaluation, ...] = ()

    @property
    def relationships(self) -> int:
        return self.completed + self.ended_early + self.returned + self.ongoing


@dataclass
class _Tally:
    """A mentor's record while it is counted."""

    person_id: str
    name: str
    email: str
    counts: dict[str, int] = field(default_factory=dict)
    # form id -> mentee enrollment id -> the answers of its latest filling
    answers: dict[str, dict[str, dict[str, Any]]] = field(default_factory=dict)

    def add(self, outcome: str) -> None:
        self.counts[outcome] = self.counts.get(outcome, 0) + 1

    def record(self, program: Program) -> MentorRecord:
        n = program.info.report_min_group
        evaluations = []
        for form_id, by_mentee in self.answers.items():
            form = program.forms[form_id]
            people = len(by_mentee)
            rows = (
                form_figures(form, [(a, who) for who, a in by_mentee.items()], n)
                if people >= n
                else ()
            )
            evaluations.append(Evaluation(form.title, people, n, rows))
        return MentorRecord(
            self.person_id, self.name, self.email, evaluations=tuple(evaluations), **self.counts
        )


def mentor_recognition(session: Session, program: Program, viewer: Actor) -> list[MentorRecord]:
    """Every person who mentored in `program` (one row per person, however many mentor
    enrollments they had), by name, with what their relationships came to.

    Evaluations are the entries of forms filled by the mentee (`filled_by: mentee`) on
    the mentee's enrollment during the pairing, counted only where the form's
    `visible_to` lets `viewer` read that entry, and shown only as figures over the
    mentor's mentees (the latest filling of each): the format has no way for a
    definition to say the answers are not confidential, so they always are."""
    completed = outcome_states(program, "mentee", COMPLETED)
    early = outcome_states(program, "mentee", ENDED_EARLY)
    mentee_forms = {
        f.id: f for f in program.forms.values() if f.filled_by == "mentee" and f.owner == "mentee"
    }
    records: dict[str, _Tally] = {}
    for enrollment in session.scalars(
        select(Enrollment).where(Enrollment.program_id == program.id, Enrollment.role == "mentor")
    ):
        if enrollment.person_id not in records:
            person = enrollment.person
            records[enrollment.person_id] = _Tally(person.id, person.display_name, person.email)
    pairings = list(
        session.scalars(
            select(Pairing)
            .where(Pairing.program_id == program.id)
            .order_by(Pairing.started_at, Pairing.id)
        )
    )
    closing = _closing_states(session, [p.id for p in pairings])
    for pairing in pairings:
        mentor = session.get(Enrollment, pairing.mentor_id)
        mentee = session.get(Enrollment, pairing.mentee_id)
        if mentor is None or mentee is None or mentor.person_id not in records:
            continue
        record = records[mentor.person_id]
        if pairing.ended_at is None:
            record.add("ongoing")
        elif closing.get(pairing.id) in completed:
            record.add("completed")
        elif closing.get(pairing.id) in early:
            record.add("ended_early")
        else:
            record.add("returned")
        if not mentee_forms:
            continue
        roles = relations(session, viewer, mentee)
        entries = session.scalars(
            select(Submission)
            .where(
                Submission.enrollment_id == mentee.id,
                Submission.pairing_id == pairing.id,
                Submission.form_id.in_(mentee_forms),
            )
            .order_by(Submission.created_at, Submission.id)
        )
        for entry in entries:
            form = mentee_forms[entry.form_id]
            if may_read(form, entry, viewer, roles):
                # one person, one voice: a mentee's later filling replaces the earlier
                record.answers.setdefault(form.id, {})[mentee.person_id] = entry.answers
    found = [r.record(program) for r in records.values()]
    return sorted(found, key=lambda r: (-r.completed, r.name.lower(), r.email))


def _closing_states(session: Session, pairing_ids: list[str]) -> dict[str, str]:
    """For each pairing, the state its mentee entered when the pairing ended: the
    destination of the last transition event recorded under that pairing."""
    if not pairing_ids:
        return {}
    found: dict[str, str] = {}
    events = session.scalars(
        select(Event)
        .where(Event.pairing_id.in_(pairing_ids), Event.kind == "transition")
        .order_by(Event.id)
    )
    for event in events:
        assert event.pairing_id is not None
        found[event.pairing_id] = event.to_state
    return found


RECOGNITION_COLUMNS = (
    "mentor_name",
    "mentor_email",
    "relationships",
    "completed",
    "ended_early",
    "returned_to_pool",
    "ongoing",
    "evaluations",
)


def evaluation_text(e: Evaluation) -> str:
    """One evaluation's figures in a line: 'Form title (N people): item: value; ...',
    or 'Form title: fewer than N people'."""
    if e.suppressed:
        return f"{e.form_title}: fewer than {e.min_group} people"
    figures = "; ".join(
        f"{row.item}{'' if row.measure == 'people' else f' ({row.measure})'}: "
        + shown(row, e.min_group)
        for row in e.rows
    )
    return f"{e.form_title} ({e.people} people): {figures}"


def recognition_rows(records: Iterable[MentorRecord]) -> list[list[str]]:
    """The CSV rows under `RECOGNITION_COLUMNS`; each evaluation as `evaluation_text`,
    one per line."""
    rows = []
    for r in records:
        evaluations = "\n".join(evaluation_text(e) for e in r.evaluations)
        rows.append(
            [
                r.name,
                r.email,
                str(r.relationships),
                str(r.completed),
                str(r.ended_early),
                str(r.returned),
                str(r.ongoing),
                evaluations,
            ]
        )
    return rows
