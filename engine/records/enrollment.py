"""What an enrollment holds now: its current forms, their answers and signatures.

The forms of a pairing belong to that pairing: after a mentee is matched again, the
earlier pairing's forms stay in the history and the new pairing starts empty. Forms
filled before any match (the application, screening notes) stay current throughout, and
so do the entries of a form with `scope: person`, whenever they were filled.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Collection
from dataclasses import dataclass, field
from typing import Any

from sqlalchemy import select
from sqlalchemy.orm import Session, selectinload

from ..definition.program import Lifecycle, Program
from .store import Enrollment, Event, Submission

CHUNK = 500  # enrollments per IN query when loading many


def current_submissions(
    session: Session, enrollments: list[Enrollment], kept: Collection[str] = frozenset()
) -> dict[str, list[Submission]]:
    """Each enrollment's submissions of its current pairing and of before any pairing,
    and every entry of the forms in `kept` (those with `scope: person`), oldest first,
    by enrollment id: the one rule of what an enrollment holds now, for one enrollment
    (`EnrollmentRecord.submissions`) or many (`records_of`). The pairing is the
    enrollment's as loaded (changed in this session or not)."""
    by_id = {e.id: e for e in enrollments}
    found: dict[str, list[Submission]] = {e.id: [] for e in enrollments}
    ids = list(by_id)
    for start in range(0, len(ids), CHUNK):
        rows = session.scalars(
            select(Submission)
            .options(selectinload(Submission.signatures))
            .where(Submission.enrollment_id.in_(ids[start : start + CHUNK]))
            .order_by(Submission.created_at, Submission.id)
        )
        for submission in rows:
            pairing = by_id[submission.enrollment_id].pairing_id
            if (
                submission.pairing_id is None
                or submission.pairing_id == pairing
                or submission.form_id in kept
            ):
                found[submission.enrollment_id].append(submission)
    return found


@dataclass
class EnrollmentRecord:
    """One enrollment with its program and current submissions, loaded once per operation."""

    session: Session
    program: Program
    enrollment: Enrollment
    now: dt.datetime
    _submissions: list[Submission] | None = field(default=None, repr=False)

    @property
    def lifecycle(self) -> Lifecycle:
        return self.program.lifecycle_of(self.enrollment.role)

    def submissions(self) -> list[Submission]:
        """This enrollment's submissions of the current pairing and of before any pairing,
        oldest first."""
        if self._submissions is None:
            found = current_submissions(
                self.session, [self.enrollment], self.program.person_forms()
            )
            self._submissions = found.get(self.enrollment.id, [])
        return self._submissions

    @classmethod
    def records_of(
        cls, session: Session, program: Program, enrollments: list[Enrollment], now: dt.datetime
    ) -> list[EnrollmentRecord]:
        """Records of many enrollments of `program`, their current submissions loaded
        together (a few queries, not one per enrollment)."""
        found = current_submissions(session, enrollments, program.person_forms())
        return [cls(session, program, e, now, found.get(e.id, [])) for e in enrollments]

    def all_submissions(self) -> list[Submission]:
        """Every submission of the enrollment, earlier pairings' included (for history)."""
        return list(
            self.session.scalars(
                select(Submission)
                .where(Submission.enrollment_id == self.enrollment.id)
                .order_by(Submission.created_at, Submission.id)
            )
        )

    def forget(self) -> None:
        self._submissions = None

    def entries(self, form_id: str) -> list[Submission]:
        return [s for s in self.submissions() if s.form_id == form_id]

    def current(self, form_id: str) -> Submission | None:
        """The latest submission of a form (the latest entry of a repeatable one)."""
        found = self.entries(form_id)
        return found[-1] if found else None

    def answer(self, name: str) -> Any:
        """`form.field` over this enrollment's current answers (blank when unanswered)."""
        form_id, _, field_id = name.partition(".")
        submission = self.current(form_id)
        return None if submission is None else submission.answers.get(field_id)

    def missing_signatures(self, form_id: str) -> list[str]:
        submission = self.current(form_id)
        required = self.program.forms[form_id].signatures
        if submission is None:
            return list(required)
        signed = {s.role for s in submission.signatures}
        return [role for role in required if role not in signed]

    def days_in_state(self) -> int:
        return (self.now - self.enrollment.state_since).days

    def fresh(self, form_id: str) -> Submission | None:
        """The latest entry of a form if it was submitted (or last changed) since the
        enrollment last entered its current state, else None."""
        found = self.current(form_id)
        if found is None or found.updated_at < self.enrollment.state_since:
            return None
        return found

    def first_entered(self, state: str) -> dt.datetime | None:
        """When the enrollment first entered `state` (its application, a transition or an
        import), from its history; None if it never has."""
        return self.session.scalar(
            select(Event.at)
            .where(Event.enrollment_id == self.enrollment.id, Event.to_state == state)
            .order_by(Event.at, Event.id)
            .limit(1)
        )
