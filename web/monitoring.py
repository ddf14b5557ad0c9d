"""Monitoring pages for a program's staff."""

from __future__ import annotations

import csv
import io

from flask import Blueprint, Response, render_template
from flask_login import login_required
from sqlalchemy import select

from mentorflow.engine.figures.recognition import (
    RECOGNITION_COLUMNS,
    mentor_recognition,
    recognition_rows,
)
from mentorflow.engine.records.store import OutboxMessage
from mentorflow.web.boundary import actor, workflow
from mentorflow.web.coordinator import staff_program

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


# ---------------------------------------------------------------- recognition of mentors
# Mentors with their completed relationships and their mentees' evaluations, for the
# agency's recognition of its mentors; staff only (others 403, nobody signed in: the
# login page).


@bp.get("/p/<program_id>/recognition")
@login_required
def recognition(program_id: str) -> str:
    program = staff_program(program_id)
    with workflow().db.session() as session:
        mentors = mentor_recognition(session, program, actor())
        return render_template("coordinator/recognition.html", program=program, mentors=mentors)


@bp.get("/p/<program_id>/recognition.csv")
@login_required
def recognition_csv(program_id: str) -> Response:
    program = staff_program(program_id)
    with workflow().db.session() as session:
        rows = recognition_rows(mentor_recognition(session, program, actor()))
    text = io.StringIO()
    out = csv.writer(text)
    out.writerow(RECOGNITION_COLUMNS)
    out.writerows(rows)
    return Response(
        text.getvalue(),
        mimetype="text/csv",
        headers={"Content-Disposition": f'attachment; filename="{program.id}-recognition.csv"'},
    )
