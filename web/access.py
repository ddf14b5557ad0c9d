"""The access log's pages, and the doors reads come through.

Admins search a person by e-mail (`/admin/access`) and read who opened their records
(`/admin/people/<id>/access`); everyone reads who opened their own (`/me/access`).
Every request starts at the pages' door; the CSV downloads and the API say otherwise
(`through` around a call, `through_door` for a whole blueprint).
"""

from __future__ import annotations

from typing import Any

from flask import Blueprint, Flask, redirect, render_template, request, url_for
from flask_login import login_required

from mentorflow.engine.errors import NotFound
from mentorflow.engine.service.access_log import DOOR
from mentorflow.web.boundary import actor, workflow
from mentorflow.web.params import read_int

bp = Blueprint("access", __name__)


def init_app(app: Flask) -> None:
    # A worker thread serves many requests: each starts at the pages' door again, so no
    # door set by an earlier request (the API's) lingers.
    app.before_request(_at_the_pages_door)


def _at_the_pages_door() -> None:
    DOOR.set("page")


def through_door(bp: Blueprint, door: str) -> None:
    """Every read made by `bp`'s routes is logged as through `door`: the API's blueprint
    calls `through_door(bp, "api")` once."""

    def set_door() -> None:
        DOOR.set(door)

    bp.before_request(set_door)


@bp.get("/admin/access")
@login_required
def search() -> Any:
    email = request.args.get("email", "").strip()
    wf = workflow()
    wf.check_access_log_reader(actor())
    if not email:
        return render_template("access/search.html", email="", error=None)
    try:
        found = wf.access_log_of(email, actor())
    except NotFound as exc:
        return render_template("access/search.html", email=email, error=str(exc)), 404
    return redirect(url_for("access.person", person_id=found.person_id), 303)


@bp.get("/admin/people/<person_id>/access")
@login_required
def person(person_id: str) -> str:
    page = read_int("page", 1, low=1) or 1
    log = workflow().access_log_of(person_id, actor(), page)
    return render_template("access/log.html", log=log, own=False)


@bp.get("/me/access")
@login_required
def mine() -> str:
    page = read_int("page", 1, low=1) or 1
    log = workflow().my_access_log(actor(), page)
    return render_template("access/log.html", log=log, own=True)
