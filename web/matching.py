"""The matching page: proposals with their explanations, changed or rejected, confirmed.

GET shows the review of the proposals for everyone waiting (`matching_review`; nothing is
written): a summary of the whole run, then one page of proposals (`page`, 50 a page)
among those the filter lets through (`q`: text in the mentee's name or e-mail or the
proposed mentor's name; `low` and `high`: the score range; `warned`: only proposals with a
warning), then the mentees left without a mentor, grouped by reason, and each mentor's
places. The page's proposals sit in one form: per proposal, hidden `mentee` and `mentor`
inputs (repeated, in order), a select `change-<mentee id>` to choose another mentor (the
best alternatives for that mentee, ranked) and a `reject` checkbox (value: the mentee id).

POST confirms through the engine (`confirm_review`: the run saved with the pool as it
stands, then guards, events and versions, one transaction each) and shows what was done
and what was refused, in words. Sent as served it confirms the proposals of the page; with
`scope=all` (the "Confirm all" button) it confirms every proposal of the run the hidden
`reviewed` names, this page's changes and rejections included.

GET /matching/pair?show=<mentee id>&change-<mentee id>=<mentor id> answers that pair's
score and each criterion's points, explained: the page's script puts it into the row when
its mentor changes; without script, the row's "Show score" button asks for it as a page.
"""

from __future__ import annotations

from typing import Any

from flask import Blueprint, render_template, request
from flask_login import login_required

from mentorflow.engine.errors import InvalidQuery
from mentorflow.engine.service.matching_review import PER_PAGE, ReviewFilter, score_text
from mentorflow.web.boundary import actor, workflow
from mentorflow.web.params import read_int, read_number, read_text

bp = Blueprint("matching", __name__)
PAGE_SIZE = PER_PAGE  # proposals a page; read at each request, so a test may lower it
bp.add_app_template_filter(score_text, "number")


def _filter() -> ReviewFilter:
    return ReviewFilter(
        text=read_text("q"),
        low=read_number("low"),
        high=read_number("high"),
        warned=read_text("warned") == "1",
    )


@bp.get("/p/<program_id>/matching")
@login_required
def proposals(program_id: str) -> str:
    only = _filter()
    review = workflow().matching_review(
        program_id, actor(), page=read_int("page", 1, low=1) or 1, per_page=PAGE_SIZE, only=only
    )
    return render_template(
        "coordinator/matching.html",
        review=review,
        program=review.program,
        query=_query(only),
    )


def _query(only: ReviewFilter) -> dict[str, Any]:
    """The filter as query parameters, for the paging links."""
    found: dict[str, Any] = {}
    if only.text:
        found["q"] = only.text
    if only.low is not None:
        found["low"] = score_text(only.low)
    if only.high is not None:
        found["high"] = score_text(only.high)
    if only.warned:
        found["warned"] = "1"
    return found


@bp.get("/p/<program_id>/matching/pair")
@login_required
def pair(program_id: str) -> str:
    mentee = read_text("show")
    mentor = read_text(f"change-{mentee}") if mentee else ""
    if not mentee or not mentor:
        raise InvalidQuery("Say which mentee (show) and which mentor (change-<mentee>).")
    found = workflow().matching_pair(program_id, actor(), mentee, mentor)
    return render_template("coordinator/matching_pair.html", pair=found, program_id=program_id)


@bp.post("/p/<program_id>/matching")
@login_required
def confirm(program_id: str) -> str:
    mentees = request.form.getlist("mentee")
    everything = request.form.get("scope") == "all"
    done = workflow().confirm_review(
        program_id,
        actor(),
        mentees,
        request.form.getlist("mentor"),
        changes={m: request.form.get(f"change-{m}", "") for m in mentees},
        rejected=request.form.getlist("reject"),
        reviewed=read_text("reviewed", form=True) if everything else None,
    )
    return render_template(
        "coordinator/matching_results.html",
        program=done.program,
        outcomes=done.outcomes,
        names=done.names,
        counts=done.counts,
    )
