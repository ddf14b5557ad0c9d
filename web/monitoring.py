"""Monitoring pages for a program's staff."""

from __future__ import annotations

import io

from flask import Blueprint, Response, render_template
from flask_login import login_required

from mentorflow.engine.figures.csv_cells import write_rows
from mentorflow.web.boundary import actor, workflow

bp = Blueprint("monitoring", __name__)


# ---------------------------------------------------------------- the outbox
# Every message the program sent or holds, newest first. Without MENTORFLOW_SMTP_URL this
# page is how mail is delivered: staff read what would have been sent. Coordinators of the
# program and admins only (others 403, nobody signed in: the login page).


@bp.get("/p/<program_id>/outbox")
@login_required
def outbox(program_id: str) -> str:
    page = workflow().outbox(program_id, actor())
    return render_template(
        "monitoring/outbox.html", program=page.program, messages=page.messages, limit=page.limit
    )


# ---------------------------------------------------------------- recognition of mentors
# Mentors with their completed relationships and their mentees' evaluations, for the
# agency's recognition of its mentors; staff only (others 403, nobody signed in: the
# login page).


@bp.get("/p/<program_id>/recognition")
@login_required
def recognition(program_id: str) -> str:
    wf = workflow()
    mentors = wf.recognition(program_id, actor())
    return render_template(
        "coordinator/recognition.html", program=wf.program(program_id), mentors=mentors
    )


@bp.get("/p/<program_id>/recognition.csv")
@login_required
def recognition_csv(program_id: str) -> Response:
    columns, rows = workflow().recognition_table(program_id, actor())
    text = io.StringIO()
    write_rows(text, columns, rows)
    return Response(
        text.getvalue(),
        mimetype="text/csv",
        headers={"Content-Disposition": f'attachment; filename="{program_id}-recognition.csv"'},
    )
