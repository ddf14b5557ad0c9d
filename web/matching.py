"""The matching page: proposals with their explanations, changed or rejected, confirmed.

GET shows the proposals for everyone waiting (`matching_review`; nothing is written)
in one form: per proposal, hidden `mentee` and `mentor` inputs (repeated, in order), a
select `change-<mentee id>` to choose another mentor (the alternatives ranked for that
mentee, best first) and a `reject` checkbox (value: the mentee id). Submitted as served,
it confirms every proposal shown.

POST confirms each pair that is not rejected through the engine (`confirm_review`: the
run saved with the pool as it stands, then guards, events and versions, one transaction
each) and shows what was done and what was refused, in words.
"""

from __future__ import annotations

from flask import Blueprint, render_template, request
from flask_login import login_required

from mentorflow.engine.service.matching_review import score_text
from mentorflow.web.boundary import actor, workflow

bp = Blueprint("matching", __name__)
bp.add_app_template_filter(score_text, "number")


@bp.get("/p/<program_id>/matching")
@login_required
def proposals(program_id: str) -> str:
    review = workflow().matching_review(program_id, actor())
    return render_template("coordinator/matching.html", review=review, program=review.program)


@bp.post("/p/<program_id>/matching")
@login_required
def confirm(program_id: str) -> str:
    mentees = request.form.getlist("mentee")
    done = workflow().confirm_review(
        program_id,
        actor(),
        mentees,
        request.form.getlist("mentor"),
        changes={m: request.form.get(f"change-{m}", "") for m in mentees},
        rejected=request.form.getlist("reject"),
    )
    return render_template(
        "coordinator/matching_results.html",
        program=done.program,
        outcomes=done.outcomes,
        names=done.names,
        counts=done.counts,
    )
