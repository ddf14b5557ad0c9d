"""Pages anyone may read: the programs accepting applications and each program's page."""

from __future__ import annotations

from flask import Blueprint, render_template

from mentorflow.engine.definition.promises import audience_words, mail_promises
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
    # Who is e-mailed at each stage, from the definition's `notify`: what the mail sends.
    return render_template(
        "public/program.html",
        program=program,
        promises=mail_promises(program),
        audience_words=audience_words,
    )
