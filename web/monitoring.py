"""Monitoring pages for a program's staff."""

from __future__ import annotations

import io

from flask import Blueprint, Response, render_template, request
from flask_login import login_required

from mentorflow.engine.errors import InvalidAnswers
from mentorflow.engine.figures.csv_cells import write_rows
from mentorflow.engine.service.outbox import STATUSES, OutboxFilter
from mentorflow.web.boundary import actor, workflow

bp = Blueprint("monitoring", __name__)


# ---------------------------------------------------------------- the outbox
# Every message the program sent or holds, newest first. Without MENTORFLOW_SMTP_URL this
# page is how mail is delivered: staff read what would have been sent. Coordinators of the
# program and admins only (others 403, nobody signed in: the login page).


@bp.get("/p/<program_id>/outbox")
@login_required
def outbox(program_id: str) -> tuple[str, int]:
    raw = {key: request.args.get(key, "") for key in ("to", "status", "text")}
    try:
        number = int(request.args.get("page", "1"))
    except ValueError:
        number = 1
    errors: dict[str, str] = {}
    try:
        wanted = OutboxFilter(**raw)
    except InvalidAnswers as exc:  # an unknown status: say so, show the rest unfiltered by it
        errors = exc.errors
        wanted = OutboxFilter(raw["to"], "", raw["text"])
    page = workflow().outbox(program_id, actor(), wanted, number)
    status = 400 if errors else 200
    return render_template(
        "monitoring/outbox.html",
        program=page.program,
        page=page,
        messages=page.messages,
        raw=raw,
        errors=errors,
        statuses=STATUSES,
    ), status


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
