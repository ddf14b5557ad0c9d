"""The coordinator's desk: queues, search, filters, open items, overdue, bulk moves."""

from __future__ import annotations

from typing import Any

from flask import Blueprint, flash, redirect, render_template, request, url_for
from flask_login import login_required
from werkzeug.wrappers import Response

from mentorflow.engine.service.desk import DEFAULT_SORT
from mentorflow.web.boundary import actor, workflow
from mentorflow.web.params import read_int, read_text

bp = Blueprint("coordinator", __name__)


@bp.get("/p/<program_id>/coordinator")
@login_required
def desk(program_id: str) -> str:
    wf = workflow()
    page = wf.desk(
        program_id,
        actor(),
        role=read_text("role") or None,
        state=read_text("state") or None,
        text=read_text("q"),
        sort=read_text("sort") or DEFAULT_SORT,
        page=read_int("page", 1, low=1) or 1,
    )
    return render_template("coordinator/desk.html", page=page, program=page.program)


@bp.post("/p/<program_id>/coordinator/bulk")
@login_required
def bulk(program_id: str) -> Any:
    """The same guards one by one; every refusal reported, nothing else undone."""
    _, _, transition_id = request.form.get("transition", "").partition(":")
    wf = workflow()
    results = wf.take_many(program_id, request.form.getlist("selected"), transition_id, actor())
    return render_template("coordinator/bulk.html", program=wf.program(program_id), results=results)


@bp.post("/p/<program_id>/coordinator/items/<item_id>/resolve")
@login_required
def resolve(program_id: str, item_id: str) -> Response:
    workflow().resolve_item(program_id, item_id, actor())
    flash("Marked as dealt with.")
    return redirect(url_for("coordinator.desk", program_id=program_id), code=303)


@bp.post("/p/<program_id>/enrollments/<enrollment_id>/match")
@login_required
def match(program_id: str, enrollment_id: str) -> Response:
    """Assign the chosen mentor and take the program's on_match transition (the service
    refuses anyone but the program's staff before it looks the enrollment up)."""
    version = read_int("version", form=True)
    workflow().match(
        enrollment_id,
        request.form.get("mentor_id", ""),
        actor(),
        expected_version=version,
        program_id=program_id,
    )
    flash("Matched with the mentor.")
    target = url_for("participant.enrollment", program_id=program_id, enrollment_id=enrollment_id)
    return redirect(target, code=303)
