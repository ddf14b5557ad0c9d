"""Admins: see the staff, invite coordinators (or admins), sign someone out everywhere."""

from __future__ import annotations

from typing import Any

from flask import Blueprint, render_template, request
from flask_login import login_required

from mentorflow.engine.errors import InvalidAnswers, NotFound
from mentorflow.web.boundary import actor, programs, workflow

bp = Blueprint("admin", __name__)


def _page(
    form: dict[str, str],
    errors: dict[str, str],
    message: str | None,
    signout_errors: dict[str, str] | None = None,
    signout_email: str = "",
) -> tuple[str, int]:
    return render_template(
        "admin/index.html",
        staff=workflow().staff_list(actor()),  # admins only: everyone else is refused
        programs=sorted(programs().values(), key=lambda p: p.title),
        form=form,
        errors=errors,
        message=message,
        signout_errors=signout_errors or {},
        signout_email=signout_email,
    ), (400 if errors or signout_errors else 200)


@bp.route("/admin", methods=["GET", "POST"])
@login_required
def index() -> Any:
    errors: dict[str, str] = {}
    message = None
    form = {k: request.form.get(k, "") for k in ("email", "name", "program")}
    if request.method == "POST":
        try:
            message = workflow().grant_staff(
                actor(), form["email"], form["name"], form["program"] or None
            )
            form = {"email": "", "name": "", "program": ""}
        except InvalidAnswers as exc:
            errors = exc.errors
    return _page(form, errors, message)


@bp.post("/admin/sign-out-everywhere")
@login_required
def sign_out_everywhere() -> Any:
    empty = {"email": "", "name": "", "program": ""}
    email = request.form.get("signout-email", "").strip()
    if not email:
        return _page(empty, {}, None, {"signout-email": "Give their e-mail address."})
    try:
        message = workflow().sign_out_everywhere(actor(), email)
    except NotFound as exc:
        return _page(empty, {}, None, {"signout-email": str(exc)}, email)
    return _page(empty, {}, message)
