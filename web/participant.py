"""Participants' pages: apply, my enrollments, an enrollment, its forms and transitions.

Each view turns the request into one engine call and the engine's answer into a
page: a redirect (303) after success, the form again with every answer kept after
bad input (400), and the engine's refusals as 403, 404 or 409 pages.
"""

from __future__ import annotations

from collections.abc import Callable
from pathlib import Path
from typing import Any
from urllib.parse import quote

from flask import Blueprint, abort, current_app, redirect, render_template, request, url_for
from flask_login import login_required
from werkzeug.wrappers import Response

from mentorflow.engine.definition.program import Form, Program
from mentorflow.engine.errors import (
    AlreadyEnrolled,
    Conflict,
    Forbidden,
    FormNotOpen,
    InvalidAnswers,
    NotAvailable,
    NotFound,
)
from mentorflow.engine.figures.recognition import earlier_relationships
from mentorflow.engine.records.enrollment import EnrollmentRecord
from mentorflow.engine.rules.access import may_fill, may_take
from mentorflow.engine.service.matching import mentors_with_places
from mentorflow.engine.service.uploads import read_upload
from mentorflow.engine.service.views import enrollment_view, enrollments_of, readable_attachment
from mentorflow.web.boundary import actor, program_or_404, wants_json, workflow
from mentorflow.web.filling import FormPage, account_defaults, answers_from_request, entry_edit

bp = Blueprint("participant", __name__)


def _version() -> int | None:
    value = request.form.get("version", "")
    return int(value) if value.isdigit() else None


def _to_enrollment(program_id: str, enrollment_id: str) -> Response:
    target = url_for("participant.enrollment", program_id=program_id, enrollment_id=enrollment_id)
    return redirect(target, code=303)


@bp.route("/p/<program_id>/apply/<role>", methods=["GET", "POST"])
@login_required
def apply(program_id: str, role: str) -> Any:
    program = program_or_404(program_id)
    if role not in program.roles:
        abort(404)
    form = program.apply_form(role)
    page = FormPage(program, form, title=f"Apply as {program.roles[role].label.lower()}")
    if request.method == "GET":
        prefill = account_defaults(form, actor())
        return page.render(eligibility=program.roles[role].eligibility, prefill=prefill)
    try:
        return _post(page, form, lambda raw: workflow().apply(program_id, role, actor(), raw).id)
    except AlreadyEnrolled as exc:
        url = url_for(
            "participant.enrollment", program_id=program_id, enrollment_id=exc.enrollment_id
        )
        return render_template(
            "error.html", status=409, title="You have applied already", message=str(exc), link=url
        ), 409


@bp.get("/me")
@login_required
def me() -> str:
    wf = workflow()
    me_ = actor()
    rows = []
    with wf.db.session() as session:
        for enrollment in enrollments_of(session, me_):
            program = wf.programs.get(enrollment.program_id)
            if program is None:
                continue
            record = EnrollmentRecord(session, program, enrollment, wf.clock())
            view = enrollment_view(record, me_)
            waiting = [s for s in view.forms if (s.can_fill and not s.submitted) or s.can_sign]
            ready = [t for t, reasons in view.transitions if not reasons]
            rows.append((view, waiting, ready))
    return render_template("participant/me.html", rows=rows)


@bp.get("/p/<program_id>/enrollments/<enrollment_id>")
@login_required
def enrollment(program_id: str, enrollment_id: str) -> Any:
    wf = workflow()
    with wf.db.session() as session:
        record = wf.record(session, enrollment_id, program_id)
        view = enrollment_view(record, actor())
        if wants_json():
            return view.as_json()
        mentors = []
        e = record.enrollment
        if view.is_staff and e.role == "mentee" and record.program.waiting_for_match(e.state):
            mentors = mentors_with_places(session, record.program)
        earlier = []
        if e.role == "mentee" and (view.is_staff or e.person_id == actor().person_id):
            earlier = earlier_relationships(session, e)
        return render_template(
            "participant/enrollment.html",
            view=view,
            program=record.program,
            mentors=mentors,
            earlier=earlier,
        )


def _post(page: FormPage, form: Form | None, act: Callable[[dict[str, Any]], str]) -> Any:
    """Run one engine call with the posted answers; the page again on bad input (400),
    or after an entry was added or removed (200); else on to the enrollment (303)."""
    edited = entry_edit(form)
    if edited is not None:
        return page.render(raw={}, formdata=edited)
    raw, problems = answers_from_request(form, actor())
    try:
        if problems:
            raise InvalidAnswers(problems)
        enrollment_id = act(raw)
    except InvalidAnswers as exc:
        return page.render(raw=raw, error=exc), 400
    except AlreadyEnrolled:
        raise
    except Conflict as exc:  # a lost race or a refusal: the form again, nothing typed lost
        return page.render(raw=raw, conflict=exc), 409
    return _to_enrollment(page.program.id, enrollment_id)


def _form_of(program: Program, form_id: str) -> Form:
    form = program.forms.get(form_id)
    if form is None:
        raise NotFound(f"There is no form '{form_id}'.")
    return form


@bp.route("/p/<program_id>/enrollments/<enrollment_id>/forms/<form_id>", methods=["GET", "POST"])
@login_required
def fill(program_id: str, enrollment_id: str, form_id: str) -> Any:
    wf = workflow()
    program = program_or_404(program_id)
    form = _form_of(program, form_id)
    with wf.db.session() as session:
        record = wf.record(session, enrollment_id, program_id)
        view = enrollment_view(record, actor())
        if form.owner != record.enrollment.role or not (form.open_in or form.apply_for):
            raise NotFound(f"There is no form '{form_id}' on this enrollment.")
        if not may_fill(form, view.roles):
            raise Forbidden(f"You may not fill the {form.title}.")
        if record.enrollment.state not in form.open_in:
            raise FormNotOpen(
                f"The {form.title} cannot be filled while the enrollment is {view.state_label}."
            )
        slot = next((s for s in view.forms if s.form.id == form_id), None)
        stored = slot.entries[-1].answers if slot and slot.entries and not form.repeatable else None
        version = record.enrollment.version
    page = FormPage(program, form, enrollment=view, version=version)
    if request.method == "GET":
        return page.render(stored=stored)
    return _post(
        page,
        form,
        lambda raw: (
            wf.submit(
                enrollment_id,
                form_id,
                actor(),
                raw,
                expected_version=_version(),
                program_id=program_id,
            ).enrollment_id
        ),
    )


@bp.post("/p/<program_id>/enrollments/<enrollment_id>/forms/<form_id>/sign")
@login_required
def sign(program_id: str, enrollment_id: str, form_id: str) -> Response:
    on_behalf = request.form.get("on_behalf_of") or None
    workflow().sign(enrollment_id, form_id, actor(), on_behalf_of=on_behalf, program_id=program_id)
    return _to_enrollment(program_id, enrollment_id)


@bp.route(
    "/p/<program_id>/enrollments/<enrollment_id>/transitions/<transition_id>",
    methods=["GET", "POST"],
)
@login_required
def transition(program_id: str, enrollment_id: str, transition_id: str) -> Any:
    wf = workflow()
    program = program_or_404(program_id)
    with wf.db.session() as session:
        record = wf.record(session, enrollment_id, program_id)
        view = enrollment_view(record, actor())
        found = record.lifecycle.transitions.get(transition_id)
        if found is None:
            raise NotFound(f"There is no transition '{transition_id}'.")
        if not may_take(found, view.roles):
            raise Forbidden(f"You may not {found.label.lower()} here.")
        reasons = next((r for t, r in view.transitions if t.id == transition_id), None)
        if reasons is None:
            raise NotAvailable(f"{found.label} is not possible from {view.state_label}.")
        version = record.enrollment.version
    ask = program.forms[found.ask] if found.ask else None
    page = FormPage(
        program, ask, enrollment=view, version=version, transition=found, reasons=reasons
    )
    if request.method == "GET":
        return page.render()
    return _post(
        page,
        ask,
        lambda raw: (
            wf.take(
                enrollment_id,
                transition_id,
                actor(),
                raw,
                expected_version=_version(),
                program_id=program_id,
            ).id
        ),
    )


@bp.get("/p/<program_id>/enrollments/<enrollment_id>/files/<attachment_id>")
@login_required
def download(program_id: str, enrollment_id: str, attachment_id: str) -> Response:
    """An attached file, only to those who may read the answer it belongs to."""
    wf = workflow()
    with wf.db.session() as session:
        record = wf.record(session, enrollment_id, program_id)
        if not readable_attachment(record, actor(), attachment_id):
            raise NotFound("There is no such file.")
        folder = Path(current_app.config["MENTORFLOW_UPLOADS"])
        attachment, data = read_upload(session, folder, attachment_id)
    response = Response(data, mimetype=attachment.content_type)
    response.headers["Content-Disposition"] = (
        f"attachment; filename*=UTF-8''{quote(attachment.name)}"
    )
    response.headers["Cache-Control"] = "private, no-store"
    return response
