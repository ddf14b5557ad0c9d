"""Pages anyone may read: the programs accepting applications and each program's page."""

from __future__ import annotations

from flask import Blueprint, render_template

from mentorflow.web.boundary import programs, workflow

bp = Blueprint("public", __name__)


@bp.get("/")
def index() -> str:
    listed = sorted(
        (p for p in programs().values() if p.info.accepting_applications),
        key=lambda p: p.title.lower(),
    )
    return render_template("public/index.html", programs=listed)


@bp.get("/p/<program_id>")
def program_page(program_id: str) -> str:
    program = workflow().program(program_id)  # NotFound: the 404 page
    return render_template("public/program.html", program=program)
