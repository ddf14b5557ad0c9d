"""Admins: see the staff and add coordinators (or admins) from the browser."""

from __future__ import annotations

from typing import Any

from flask import Blueprint, render_template, request
from flask_login import login_required

from mentorflow.engine.errors import InvalidAnswers
from mentorflow.web.boundary import actor, programs, workflow

bp = Blueprint("admin", __name__)


@bp.route("/admin", methods=["GET", "POST"])
@login_required
def index() -> Any:
    wf = workflow()
    errors: dict[str, str] = {}
    message = None
    form = {k: request.form.get(k, "") for k in ("email", "name", "program")}
    status = 200
    if request.method == "POST":
        try:
            password = request.form.get("password") or None
            message = wf.grant_staff(
                actor(), form["email"], form["name"], form["program"] or None, password
            )
            form = {"email": "", "name": "", "program": ""}
        except InvalidAnswers as exc:
            errors = exc.errors
        status = 400 if errors else 200
    return render_template(
        "admin/index.html",
        staff=wf.staff_list(actor()),  # admins only: everyone else is refused
        programs=sorted(programs().values(), key=lambda p: p.title),
        form=form,
        errors=errors,
        message=message,
    ), status
