"""Legal holds on an enrollment: the buttons on its page that place and lift one (the
engine decides who may; a refused reason shows the page again with what was typed)."""

from __future__ import annotations

from typing import Any

from flask import Blueprint, flash, redirect, render_template, request, url_for
from flask_login import login_required

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
