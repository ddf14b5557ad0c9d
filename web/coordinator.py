"""The coordinator's desk: queues, search, filters, open items, overdue, bulk moves."""

from __future__ import annotations

from typing import Any

from flask import Blueprint, redirect, render_template, request, url_for
from flask_login import login_required
from werkzeug.wrappers import Response

from mentorflow.engine.definition.program import Program
from mentorflow.engine.errors import Forbidden, InvalidAnswers, MentorflowError, NotFound
from mentorflow.engine.figures.recognition import ended_early
from mentorflow.engine.records.store import Enrollment
from mentorflow.engine.service.desk import open_items, queues, reminders_due, resolve_item, search
from mentorflow.web.boundary import actor, program_or_404, workflow

bp = Blueprint("coordinator", __name__)


def staff_program(program_id: str) -> Program:
    program = program_or_404(program_id)
    if not actor().is_staff(program.id):
        raise Forbidden(f"Only the coordinators of {program.title} may open its desk.")
    return program


@bp.get("/p/<program_id>/coordinator")
@login_required
def desk(program_id: str) -> str:
    program = staff_program(program_id)
    role = request.args.get("role") or None
    state = request.args.get("state") or None
    text = request.args.get("q", "")
    wf = workflow()
    with wf.db.session() as session:
        found = search(session, program, role=role, state=state, text=text)
        context: dict[str, Any] = {
            "program": program,
            "queues": queues(session, program),
            "found": found,
            "items": open_items(session, program),
            "due": reminders_due(session, program, wf.clock()),
            "filters": {"role": role or "", "state": state or "", "q": text},
            "bulk": _bulk_transitions(program, role),
            "now": wf.clock(),
            "ended_early": ended_early(session, program, actor()),
        }
        return render_template("coordinator/desk.html", **context)


def _bulk_transitions(program: Program, role: str | None) -> list[tuple[str, str, str]]:
    """(role, transition id, label) a coordinator may take, for the bulk form."""
    found = []
    for r in [role] if role else ["mentee", "mentor"]:
        for t in program.lifecycle_of(r).transitions.values():
            if "coordinator" in t.by:
                found.append((r, t.id, t.label))
    return found


@bp.post("/p/<program_id>/coordinator/bulk")
@login_required
def bulk(program_id: str) -> Any:
    """The same guards one by one; every refusal reported, nothing else undone."""
    program = staff_program(program_id)
    role_and_transition = request.form.get("transition", "")
    _, _, transition_id = role_and_transition.partition(":")
    results = []
    wf = workflow()
    for enrollment_id in request.form.getlist("selected"):
        try:
            wf.take(enrollment_id, transition_id, actor(), {}, program_id=program.id)
            results.append((enrollment_id, True, "done"))
        except InvalidAnswers:
            results.append(
                (
                    enrollment_id,
                    False,
                    "this step asks for a form: take it on the enrollment's page",
                )
            )
        except MentorflowError as exc:
            results.append((enrollment_id, False, str(exc)))
    names = {}
    with wf.db.session() as session:
        for enrollment_id, _, _ in results:
            e = session.get(Enrollment, enrollment_id)
            names[enrollment_id] = (e.person.name or e.person.email) if e else enrollment_id
    return render_template("coordinator/bulk.html", program=program, results=results, names=names)


@bp.post("/p/<program_id>/coordinator/items/<item_id>/resolve")
@login_required
def resolve(program_id: str, item_id: str) -> Response:
    program = staff_program(program_id)
    wf = workflow()
    with wf.db.session() as session, session.begin():
        if resolve_item(session, item_id, program, actor().person_id) is None:
            raise NotFound("There is no such item on this desk.")
    return redirect(url_for("coordinator.desk", program_id=program.id), code=303)


@bp.post("/p/<program_id>/enrollments/<enrollment_id>/match")
@login_required
def match(program_id: str, enrollment_id: str) -> Response:
    """Assign the chosen mentor and take the program's on_match transition."""
    program = staff_program(program_id)
    version = request.form.get("version", "")
    workflow().match(
        enrollment_id,
        request.form.get("mentor_id", ""),
        actor(),
        expected_version=int(version) if version.isdigit() else None,
        program_id=program.id,
    )
    target = url_for("participant.enrollment", program_id=program.id, enrollment_id=enrollment_id)
    return redirect(target, code=303)
