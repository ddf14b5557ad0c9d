"""Participants' pages: apply, my enrollments, an enrollment, its forms and transitions.

Each view turns the request into one engine call and the engine's answer into a
page: a redirect (303) after success, the form again with every answer kept after
bad input (400), and the engine's refusals as 403, 404 or 409 pages.
"""

from __future__ import annotations

from collections.abc import Callable
from typing import Any
from urllib.parse import quote

from flask import Blueprint, current_app, flash, redirect, render_template, request, url_for
from flask_login import login_required
from werkzeug.wrappers import Response

from mentorflow.engine.definition.program import Form
from mentorflow.engine.errors import (
    AlreadyEnrolled,
    Conflict,
    InvalidAnswers,
    StorageFailed,
    Unavailable,
)
from mentorflow.engine.service.drafts import DraftSnapshot
from mentorflow.web.boundary import RECORDS_UNREACHABLE, actor, programs, wants_json, workflow
from mentorflow.web.documents import form_pdf
from mentorflow.web.filling import (
    FormPage,
    account_defaults,
    answers_from_request,
    draft_formdata,
    draft_from_request,
    entry_edit,
)
from mentorflow.web.params import read_int

bp = Blueprint("participant", __name__)


def _version() -> int | None:
    return read_int("version", form=True)


def _to_enrollment(program_id: str, enrollment_id: str) -> Response:
    target = url_for("participant.enrollment", program_id=program_id, enrollment_id=enrollment_id)
    return redirect(target, code=303)


@bp.route("/p/<program_id>/apply/<role>", methods=["GET", "POST"])
@login_required
def apply(program_id: str, role: str) -> Any:
    try:
        found = workflow().apply_page(program_id, role, actor())
        form = found.form
        page = FormPage(found.program, form, title=f"Apply as {found.role_label.lower()}")
        if request.method == "GET":
            draft = workflow().draft(program_id, form.id, actor())
            if draft is not None:
                return _render_draft(page, draft, eligibility=found.eligibility)
            prefill = account_defaults(form, actor())
            return page.render(eligibility=found.eligibility, prefill=prefill)
        return _post(
            page,
            form,
            lambda raw: workflow().apply(program_id, role, actor(), raw).id,
            f"Your application to {found.program.title} was sent.",
            lambda raw: workflow().save_draft(program_id, form.id, actor(), raw),
        )
    except AlreadyEnrolled as exc:
        # Told before the form is filled (200), or when a send is refused (409).
        status = 200 if request.method == "GET" else 409
        url = url_for(
            "participant.enrollment", program_id=program_id, enrollment_id=exc.enrollment_id
        )
        return render_template(
            "error.html",
            status=status,
            title="You have applied already",
            message=str(exc),
            link=url,
        ), status


@bp.get("/me")
@login_required
def me() -> str:
    return render_template("participant/me.html", rows=workflow().my_enrollments(actor()))


@bp.get("/p/<program_id>/enrollments/<enrollment_id>")
@login_required
def enrollment(program_id: str, enrollment_id: str) -> Any:
    page = workflow().enrollment_page(program_id, enrollment_id, actor())
    if wants_json():
        return page.view.as_json()
    return render_template(
        "participant/enrollment.html",
        view=page.view,
        program=page.view.program,
        page=page,
        holds=workflow().holds_shown(enrollment_id, actor()),
    )


def _render_draft(page: FormPage, draft: DraftSnapshot, **context: Any) -> str:
    """The form as its kept draft left it, saying when it was saved."""
    return page.render(formdata=draft_formdata(draft.answers), draft=draft, **context)


def _save_draft(page: FormPage, save: Callable[[dict[str, Any]], DraftSnapshot]) -> Any:
    """Keep the answers as a draft and come back to the form (303), or the form again
    with the answers over a limit marked (400). Refusals are the engine's, as on sending."""
    assert page.form is not None  # only forms of their own offer a draft
    try:
        draft = save(draft_from_request(page.form))
    except InvalidAnswers as exc:
        return page.render(raw={}, error=exc), 400
    except AlreadyEnrolled:
        raise
    except Conflict as exc:  # refused now (say, applications closed): nothing typed lost
        return page.render(raw={}, conflict=exc), 409
    except Unavailable as exc:
        current_app.logger.error("%s %s: %s", request.method, request.path, exc)
        return page.render(raw={}, conflict=Unavailable(RECORDS_UNREACHABLE)), 503
    if draft.files_left_out:  # the form itself says when the draft was saved
        flash("Files are not kept in a draft: attach them again when you send the form.")
    return redirect(request.path, code=303)


def _post(
    page: FormPage,
    form: Form | None,
    act: Callable[[dict[str, Any]], str],
    done: str,
    save: Callable[[dict[str, Any]], DraftSnapshot] | None = None,
) -> Any:
    """Run one engine call with the posted answers; the page again on bad input (400),
    or after an entry was added or removed (200); else on to the enrollment (303), which
    confirms it with `done` and leads with the next step (or why there is none yet).
    "Save draft" (`save`) keeps the answers unchecked for completeness instead."""
    edited = entry_edit(form)
    if edited is not None:
        return page.render(raw={}, formdata=edited)
    if save is not None and request.form.get("_draft"):
        return _save_draft(page, save)
    raw: dict[str, Any] = {}
    try:
        raw, problems = answers_from_request(form, actor())
        if problems:
            raise InvalidAnswers(problems)
        enrollment_id = act(raw)
    except InvalidAnswers as exc:
        return page.render(raw=raw, error=exc), 400
    except AlreadyEnrolled:
        raise
    except Conflict as exc:  # a lost race or a refusal: the form again, nothing typed lost
        return page.render(raw=raw, conflict=exc), 409
    except Unavailable as exc:  # the database or the files failed: the form again, as typed
        current_app.logger.error("%s %s: %s", request.method, request.path, exc)
        shown = exc if isinstance(exc, StorageFailed) else Unavailable(RECORDS_UNREACHABLE)
        return page.render(raw=raw, conflict=shown), 503
    flash(done)
    return _to_enrollment(page.program.id, enrollment_id)


@bp.route("/p/<program_id>/enrollments/<enrollment_id>/forms/<form_id>", methods=["GET", "POST"])
@login_required
def fill(program_id: str, enrollment_id: str, form_id: str) -> Any:
    wf = workflow()
    found = wf.form_page(program_id, enrollment_id, form_id, actor())
    page = FormPage(
        found.program, found.form, enrollment=found.enrollment, version=found.enrollment.version
    )
    if request.method == "GET":
        draft = wf.draft(program_id, form_id, actor(), enrollment_id)
        if draft is not None:  # files already sent stay named, as a draft keeps none
            return _render_draft(page, draft, stored=found.stored)
        return page.render(stored=found.stored)
    return _post(
        page,
        found.form,
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
        f"Saved: {found.form.title}.",
        lambda raw: wf.save_draft(program_id, form_id, actor(), raw, enrollment_id),
    )


@bp.post("/p/<program_id>/enrollments/<enrollment_id>/forms/<form_id>/sign")
@login_required
def sign(program_id: str, enrollment_id: str, form_id: str) -> Any:
    """Sign with the full name typed (the engine checks it is the signer's); a paper
    signature recorded by a coordinator may carry the name on the paper."""
    on_behalf = request.form.get("on_behalf_of") or None
    typed = request.form.get("typed_name", "")
    try:
        workflow().sign(
            enrollment_id,
            form_id,
            actor(),
            on_behalf_of=on_behalf,
            program_id=program_id,
            typed_name=typed if on_behalf is None else (typed or None),
        )
    except InvalidAnswers as exc:
        form = programs()[program_id].forms[form_id]  # the engine found both to refuse
        back = url_for("participant.enrollment", program_id=program_id, enrollment_id=enrollment_id)
        return render_template(
            "participant/sign.html",
            form=form,
            program=programs()[program_id],
            enrollment_url=back,
            action=request.path,
            typed=typed,
            errors=exc.errors,
        ), 400
    title = programs()[program_id].forms[form_id].title
    if on_behalf is None:
        flash(f"You signed the {title}.")
    else:
        flash(f"The {on_behalf}'s paper signature of the {title} is recorded.")
    return _to_enrollment(program_id, enrollment_id)


@bp.get("/p/<program_id>/enrollments/<enrollment_id>/forms/<form_id>/pdf")
@login_required
def pdf(program_id: str, enrollment_id: str, form_id: str) -> Response:
    """The form with its answers and signatures as a PDF, to whoever may read it."""
    document = workflow().form_document(program_id, enrollment_id, form_id, actor())
    response = Response(form_pdf(document), mimetype="application/pdf")
    name = f"{form_id}-{enrollment_id}.pdf"
    response.headers["Content-Disposition"] = f'inline; filename="{name}"'
    response.headers["Cache-Control"] = "private, no-store"
    return response


@bp.post("/p/<program_id>/enrollments/<enrollment_id>/forms/<form_id>/amend")
@login_required
def amend(program_id: str, enrollment_id: str, form_id: str) -> Response:
    """Reopen a signed form; on to its page to edit it (the engine words any refusal)."""
    workflow().amend(
        enrollment_id, form_id, actor(), expected_version=_version(), program_id=program_id
    )
    flash(
        "Reopened as an amendment: the signed version is kept in the history and the "
        "signatures were cleared. Change what needs changing; then everyone signs again."
    )
    target = url_for(
        "participant.fill", program_id=program_id, enrollment_id=enrollment_id, form_id=form_id
    )
    return redirect(target, code=303)


@bp.route(
    "/p/<program_id>/enrollments/<enrollment_id>/transitions/<transition_id>",
    methods=["GET", "POST"],
)
@login_required
def transition(program_id: str, enrollment_id: str, transition_id: str) -> Any:
    wf = workflow()
    found = wf.transition_page(program_id, enrollment_id, transition_id, actor())
    page = FormPage(
        found.program,
        found.ask,
        enrollment=found.enrollment,
        version=found.enrollment.version,
        transition=found.transition,
        reasons=list(found.reasons),
    )
    if request.method == "GET":
        return page.render()
    return _post(
        page,
        found.ask,
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
        f"Done: {found.transition.label}.",
    )


@bp.get("/p/<program_id>/enrollments/<enrollment_id>/files/<attachment_id>")
@login_required
def download(program_id: str, enrollment_id: str, attachment_id: str) -> Response:
    """An attached file, only to those who may read the answer it belongs to."""
    found = workflow().attachment(program_id, enrollment_id, attachment_id, actor())
    response = Response(found.data, mimetype=found.content_type)
    response.headers["Content-Disposition"] = f"attachment; filename*=UTF-8''{quote(found.name)}"
    response.headers["Cache-Control"] = "private, no-store"
    return response
