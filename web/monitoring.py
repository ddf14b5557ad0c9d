"""Monitoring pages for a program's staff."""

from __future__ import annotations

from flask import Blueprint, render_template
from flask_login import login_required
from sqlalchemy import select

from engine.store import OutboxMessage
from web.boundary import workflow
from web.coordinator import staff_program

bp = Blueprint("monitoring", __name__)


# ---------------------------------------------------------------- the outbox
# Every message the program sent or holds, newest first. Without MENTORFLOW_SMTP_URL this
# page is how mail is delivered: staff read what would have been sent. Coordinators of the
# program and admins only (others 403, nobody signed in: the login page).

OUTBOX_LIMIT = 500


@bp.get("/p/<program_id>/outbox")
@login_required
def outbox(program_id: str) -> str:
    program = staff_program(program_id)
    with workflow().db.session() as session:
        messages = list(
            session.scalars(
                select(OutboxMessage)
                .where(OutboxMessage.program_id == program.id)
                .order_by(OutboxMessage.created_at.desc(), OutboxMessage.id.desc())
                .limit(OUTBOX_LIMIT)
            )
        )
    return render_template(
        "monitoring/outbox.html", program=program, messages=messages, limit=OUTBOX_LIMIT
    )


# ---------------------------------------------------------------- (end of the outbox)


# ---------------------------------------------------------------- recognition of mentors
# Mentors with their completed relationships and their mentees' evaluations, for the
# agency's recognition of its mentors; staff only (others 403, nobody signed in: the
# login page). Imports kept with the section, so the sections above stay as they are.

import csv as _csv  # noqa: E402
import io as _io  # noqa: E402

from flask import Response as _Response  # noqa: E402
from flask import render_template as _render_template  # noqa: E402
from flask_login import login_required as _login_required  # noqa: E402

from engine.recognition import (  # noqa: E402
    RECOGNITION_COLUMNS,
    mentor_recognition,
    recognition_rows,
)
from web.boundary import actor as _actor  # noqa: E402
from web.boundary import workflow as _workflow  # noqa: E402
from web.coordinator import staff_program as _staff_program  # noqa: E402


@bp.get("/p/<program_id>/recognition")
@_login_required
def recognition(program_id: str) -> str:
    program = _staff_program(program_id)
    with _workflow().db.session() as session:
        mentors = mentor_recognition(session, program, _actor())
        return _render_template("coordinator/recognition.html", program=program, mentors=mentors)


@bp.get("/p/<program_id>/recognition.csv")
@_login_required
def recognition_csv(program_id: str) -> _Response:
    program = _staff_program(program_id)
    with _workflow().db.session() as session:
        rows = recognition_rows(mentor_recognition(session, program, _actor()))
    text = _io.StringIO()
    out = _csv.writer(text)
    out.writerow(RECOGNITION_COLUMNS)
    out.writerows(rows)
    return _Response(
        text.getvalue(),
        mimetype="text/csv",
        headers={"Content-Disposition": f'attachment; filename="{program.id}-recognition.csv"'},
    )
