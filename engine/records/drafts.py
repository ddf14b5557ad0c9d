"""Drafts on the records: one person's unfinished answers to one form, found, kept and
cleared. The service's `drafts` module decides who may keep one and checks its limits;
sending a form (`forms`, `core`) clears the sender's draft of it in the same transaction."""

from __future__ import annotations

import datetime as dt
from typing import Any

from sqlalchemy import delete, select
from sqlalchemy.orm import Session

from .store import Draft


def find_draft(
    session: Session, person_id: str | None, program_id: str, form_id: str, enrollment_id: str
) -> Draft | None:
    """The person's draft of the form on the enrollment ("" for an application)."""
    if person_id is None:
        return None
    return session.scalars(
        select(Draft).where(
            Draft.person_id == person_id,
            Draft.program_id == program_id,
            Draft.form_id == form_id,
            Draft.enrollment_id == enrollment_id,
        )
    ).first()


def keep_draft(
    session: Session,
    person_id: str,
    program_id: str,
    form_id: str,
    enrollment_id: str,
    answers: dict[str, Any],
    now: dt.datetime,
) -> Draft:
    """Write the draft, replacing the person's earlier one of the same form."""
    draft = find_draft(session, person_id, program_id, form_id, enrollment_id)
    if draft is None:
        draft = Draft(
            person_id=person_id,
            program_id=program_id,
            form_id=form_id,
            enrollment_id=enrollment_id,
        )
        session.add(draft)
    draft.answers = answers
    draft.saved_at = now
    session.flush()
    return draft


def clear_draft(
    session: Session, person_id: str | None, program_id: str, form_id: str, enrollment_id: str
) -> None:
    """Delete the person's draft of the form, if they kept one."""
    if person_id is None:
        return
    session.execute(
        delete(Draft).where(
            Draft.person_id == person_id,
            Draft.program_id == program_id,
            Draft.form_id == form_id,
            Draft.enrollment_id == enrollment_id,
        )
    )
