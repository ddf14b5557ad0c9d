"""The matching page: proposals with their explanations, changed or rejected, confirmed.

GET proposes matches for everyone waiting (a saved run, so the decision can be explained
later) and serves one form: per proposal, hidden `mentee` and `mentor` inputs (repeated,
in order), a select `change-<mentee id>` to choose another mentor (the alternatives
ranked for that mentee, best first) and a `reject` checkbox (value: the mentee id); a
hidden `run` names the run. Submitted as served, it confirms every proposal shown.

POST confirms each pair that is not rejected through the engine (`confirm_matches`:
guards, events and versions, one transaction each) and shows what was done and what was
refused, in words.
"""

from __future__ import annotations

from collections import Counter
from dataclasses import dataclass, field
from typing import Any

from flask import Blueprint, render_template, request
from flask_login import login_required

from mentorflow.engine.definition.program import Program
from mentorflow.engine.errors import Forbidden, MentorflowError, NotAvailable
from mentorflow.engine.records.store import Enrollment, MatchingRun
from mentorflow.engine.rules.scoring import Candidate, MatchResult
from mentorflow.web.boundary import actor, program_or_404, workflow

bp = Blueprint("matching", __name__)


def number(value: float) -> str:
    """A score or points as people read them: 10, 1.5, 0.67."""
    return f"{value:.2f}".rstrip("0").rstrip(".") or "0"


bp.add_app_template_filter(number, "number")


def matching_program(program_id: str) -> Program:
    program = program_or_404(program_id)
    if not actor().is_staff(program.id):
        raise Forbidden(f"Only the coordinators of {program.title} may match its mentees.")
    if program.matching is None:
        raise NotAvailable(f"{program.title} has no matching.")
    return program


@dataclass
class Choice:
    mentor: Candidate
    score: float
    rank: int
    proposed: bool
    full: bool  # every place of this mentor is proposed to other mentees


@dataclass
class Row:
    mentee: Candidate
    mentor: Candidate
    score: float
    points: list[float]
    choices: list[Choice] = field(default_factory=list)


def _rows(program: Program, result: MatchResult) -> list[Row]:
    people = {c.enrollment_id: c for c in [*result.mentees, *result.mentors]}
    places = {m.enrollment_id: m.places for m in result.mentors}
    used = Counter(p.mentor_id for p in result.proposals)
    criteria = program.matching.criteria if program.matching else []
    rows = []
    for p in result.proposals:
        choices = []
        for rank, (mentor, score) in enumerate(result.alternatives(p.mentee_id), start=1):
            mine = mentor.enrollment_id == p.mentor_id
            others = used[mentor.enrollment_id] - (1 if mine else 0)
            choices.append(
                Choice(mentor, score, rank, mine, others >= places.get(mentor.enrollment_id, 1))
            )
        rows.append(
            Row(
                mentee=people[p.mentee_id],
                mentor=people[p.mentor_id],
                score=p.score,
                points=[p.points.get(c.id, 0.0) for c in criteria],
                choices=choices,
            )
        )
    return rows


@bp.get("/p/<program_id>/matching")
@login_required
def proposals(program_id: str) -> str:
    program = matching_program(program_id)
    run_id, result = workflow().propose_matches(program.id, actor())
    people = {c.enrollment_id: c for c in result.mentees}
    return render_template(
        "coordinator/matching.html",
        program=program,
        criteria=program.matching.criteria if program.matching else [],
        run_id=run_id,
        result=result,
        rows=_rows(program, result),
        unmatched=[(people[u.mentee_id], u.reason) for u in result.unmatched],
    )


@dataclass
class Outcome:
    mentee_id: str
    mentor_id: str | None
    status: str  # "matched", "refused" or "rejected"
    message: str = ""


@bp.post("/p/<program_id>/matching")
@login_required
def confirm(program_id: str) -> str:
    program = matching_program(program_id)
    mentees = request.form.getlist("mentee")
    mentors = request.form.getlist("mentor")
    if len(mentees) != len(mentors):
        raise MentorflowError(
            "The proposals sent were incomplete (each mentee needs a mentor), so nothing was "
            "confirmed. Reload the matching page and confirm again."
        )
    rejected = set(request.form.getlist("reject"))
    pairs = [
        (mentee, request.form.get(f"change-{mentee}") or mentor)
        for mentee, mentor in zip(mentees, mentors, strict=True)
        if mentee not in rejected
    ]
    run_id = request.form.get("run") or None
    wf = workflow()
    outcomes = (
        [
            Outcome(mentee, mentor, "refused" if why else "matched", why or "")
            for mentee, mentor, why in wf.confirm_matches(program.id, pairs, actor(), run_id)
        ]
        if pairs
        else []
    )
    outcomes += [Outcome(m, None, "rejected") for m in mentees if m in rejected]
    with wf.db.session() as session:
        ids = {o.mentee_id for o in outcomes} | {o.mentor_id for o in outcomes if o.mentor_id}
        names = _names(session, program, ids)
        _explain_full_mentors(session, program, run_id, outcomes, names)
    return render_template(
        "coordinator/matching_results.html",
        program=program,
        outcomes=outcomes,
        names=names,
        counts=Counter(o.status for o in outcomes),
    )


def _names(session: Any, program: Program, ids: set[str]) -> dict[str, str]:
    names = {}
    for enrollment_id in ids:
        e = session.get(Enrollment, enrollment_id)
        if e is not None and e.program_id == program.id:
            names[enrollment_id] = e.person.name or e.person.email
    return names


def _explain_full_mentors(
    session: Any, program: Program, run_id: str | None, outcomes: list[Outcome], names: dict
) -> None:
    """A refusal because the chosen mentor's places (as the run had them) went to rows
    above says so, before the engine's own words."""
    run = session.get(MatchingRun, run_id) if run_id else None
    if run is None or run.program_id != program.id:
        return
    places = {m["id"]: m.get("places", 1) for m in run.inputs.get("mentors", [])}
    given: dict[str, list[str]] = {}
    for o in outcomes:
        if o.mentor_id is None:
            continue
        before = given.setdefault(o.mentor_id, [])
        if o.status == "matched":
            before.append(names.get(o.mentee_id, o.mentee_id))
        elif before and len(before) >= places.get(o.mentor_id, 1):
            mentor = names.get(o.mentor_id, "This mentor")
            o.message = (
                f"{mentor} has no place left: "
                f"{'it' if len(before) == 1 else 'they'} went to {', '.join(before)} above. "
                f"{o.message}"
            )
