"""Records kept and given back: legal holds on an enrollment (the buttons on its page that
place and lift one; a refused reason shows the page again with what was typed), a
person's export (`/me/export`, and any person's for admins) and an admin's erasure, shown
first to be confirmed. The
engine decides who may do each."""

from __future__ import annotations

from typing import Any

from flask import Blueprint, flash, redirect, render_template, request, url_for
from flask_login import login_required
from werkzeug.wrappers import Response

from mentorflow.engine.errors import InvalidAnswers
from mentorflow.web.boundary import actor, workflow

bp = Blueprint("retention", __name__)


def _back(program_id: str, enrollment_id: str) -> Any:
    return redirect(
        url_for("participant.enrollment", program_id=program_id, enrollment_id=enrollment_id),
        code=303,
    )


@bp.post("/p/<program_id>/enrollments/<enrollment_id>/hold")
@login_required
def place(program_id: str, enrollment_id: str) -> Any:
    reason = request.form.get("reason", "")
    try:
        workflow().place_hold(enrollment_id, actor(), reason, program_id)
    except InvalidAnswers as exc:
        page = workflow().enrollment_page(program_id, enrollment_id, actor())
        held = workflow().holds_shown(enrollment_id, actor())
        return render_template(
            "participant/enrollment.html",
            view=page.view,
            program=page.view.program,
            page=page,
            holds=held,
            hold_reason=reason,
            hold_error=exc.errors.get("reason", str(exc)),
        ), 400
    flash("The enrollment is on legal hold: retention and erasure leave it alone.")
    return _back(program_id, enrollment_id)


@bp.post("/p/<program_id>/enrollments/<enrollment_id>/hold/lift")
@login_required
def lift(program_id: str, enrollment_id: str) -> Any:
    workflow().lift_hold(enrollment_id, actor(), program_id)
    flash("The legal hold is lifted.")
    return _back(program_id, enrollment_id)


def _zip(data: bytes, name: str) -> Response:
    return Response(
        data,
        mimetype="application/zip",
        headers={"Content-Disposition": f'attachment; filename="{name}"'},
    )


@bp.get("/me/export")
@login_required
def my_export() -> Response:
    """Everything held about the person signed in, as a zip of JSON and CSV."""
    return _zip(workflow().person_export(actor()), "mentorflow-my-records.zip")


@bp.get("/admin/people/export")
@login_required
def person_export() -> Response:
    """Everything held about anyone, for admins (the engine refuses everyone else)."""
    email = request.args.get("email", "")
    return _zip(workflow().person_export(actor(), email), "mentorflow-person-records.zip")


@bp.post("/admin/people/erase")
@login_required
def person_erase() -> Any:
    """The first press shows what erasing would do, to confirm; the second erases."""
    email = request.form.get("email", "")
    if request.form.get("confirm") != "yes":
        plan = workflow().erasure_plan(email, actor())
        return render_template("admin/erase.html", plan=plan)
    done = workflow().erase_person(email, actor())
    said = f"{len(done.anonymised)} enrollments of {done.email} anonymised."
    if done.held:
        said += " Kept, on legal hold: " + ", ".join(done.held) + "."
    said += (
        " The person is forgotten."
        if done.forgotten
        else " The person is kept while a legal hold keeps one of their enrollments."
    )
    flash(said)
    return redirect(url_for("admin.index"), code=303)
