"""Pages anyone may read: the programs accepting applications and each program's page."""

from __future__ import annotations

from flask import Blueprint, abort, current_app, render_template

from mentorflow.engine.definition.program import Program

bp = Blueprint("public", __name__)


def programs() -> dict[str, Program]:
    found: dict[str, Program] = current_app.extensions["mentorflow.programs"]
    return found


@bp.get("/")
def index() -> str:
    listed = sorted(
        (p for p in programs().values() if p.info.accepting_applications),
        key=lambda p: p.title.lower(),
    )
    return render_template("public/index.html", programs=listed)


@bp.get("/p/<program_id>")
def program_page(program_id: str) -> str:
    program = programs().get(program_id)
    if program is None:
        abort(404)
    return render_template("public/program.html", program=program)
