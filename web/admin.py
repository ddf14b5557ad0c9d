"""Admins: see the staff and add coordinators (or admins) from the browser."""

from __future__ import annotations

from typing import Any

from flask import Blueprint, render_template, request
from flask_login import login_required

from mentorflow.engine.errors import Forbidden, InvalidAnswers
from mentorflow.engine.service.accounts import grant_staff, staff_list
from mentorflow.web.boundary import actor, programs, workflow

bp = Blueprint("admin", __name__)


def _require_admin() -> None:
    if not actor().is_admin:
        raise Forbidden("Only an admin may manage staff.")


@bp.route("/admin", methods=["GET", "POST"])
@login_required
def index() -> Any:
    _require_admin()
    errors: dict[str, str] = {}
    message = None
    form = {k: request.form.get(k, "") for k in ("email", "name", "program")}
    status = 200
    if request.method == "POST":
        program = programs().get(form["program"]) if form["program"] else None
        if form["program"] and program is None:
            errors["program"] = "Choose one of the programs."
        else:
            try:
                password = request.form.get("password") or None
                message = grant_staff(workflow().db, form["email"], form["name"], program, password)
                form = {"email": "", "name": "", "program": ""}
            except InvalidAnswers as exc:
                errors = exc.errors
        status = 400 if errors else 200
    return render_template(
        "admin/index.html",
        staff=staff_list(workflow().db),
        programs=sorted(programs().values(), key=lambda p: p.title),
        form=form,
        errors=errors,
        message=message,
    ), status
