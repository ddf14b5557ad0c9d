"""The import page: applications in bulk from a CSV, for a program's coordinators.

The page documents the columns and offers a template CSV, both from the role's apply
form as the engine describes it (`Workflow.import_template`); an uploaded file goes to
the same `Workflow.import_applications` as `mentorflow import`, so every row meets the
same checks and the import is all or nothing, each bad row named by its line.
"""

from __future__ import annotations

import io

from flask import (
    Blueprint,
    current_app,
    flash,
    redirect,
    render_template,
    request,
    url_for,
)
from flask_login import login_required
from werkzeug.wrappers import Response

from mentorflow.engine.errors import ImportFailed
from mentorflow.engine.figures.csv_cells import write_rows
from mentorflow.web.boundary import actor, workflow
from mentorflow.web.params import read_text

bp = Blueprint("importing", __name__)

NOT_UTF8 = "The file is not UTF-8 text; save it as CSV UTF-8 and try again. Nothing was imported."
NO_FILE = "Choose the CSV file to import."


def _page(
    program_id: str,
    role: str,
    *,
    state: str = "",
    problem: str = "",
    rows: tuple[tuple[int, str], ...] = (),
    filename: str = "",
) -> str:
    wf = workflow()
    template = wf.import_template(program_id, role, actor())
    program = template.program
    limit = (current_app.config.get("MAX_CONTENT_LENGTH") or 0) // (1024 * 1024)
    return render_template(
        "importing/import.html",
        program=program,
        template=template,
        roles=[(r, program.roles[r].label) for r in program.roles],
        state=state,
        problem=problem,
        rows=rows,
        filename=filename,
        limit_mb=limit,
    )


@bp.get("/p/<program_id>/import")
@login_required
def page(program_id: str) -> str:
    return _page(program_id, read_text("role") or "mentee")


@bp.get("/p/<program_id>/import/<role>/template.csv")
@login_required
def template_csv(program_id: str, role: str) -> Response:
    template = workflow().import_template(program_id, role, actor())
    out = io.StringIO()
    write_rows(out, template.header, [], lineterminator="\r\n")
    response = Response(out.getvalue(), mimetype="text/csv")
    response.headers["Content-Disposition"] = (
        f'attachment; filename="{program_id}-{role}-import-template.csv"'
    )
    return response


@bp.post("/p/<program_id>/import")
@login_required
def upload(program_id: str) -> Response | tuple[str, int]:
    role = read_text("role", form=True) or "mentee"
    state = read_text("state", form=True)
    wf = workflow()
    wf.import_template(program_id, role, actor())  # refusals before the file is read
    upload = request.files.get("file")
    if upload is None or not upload.filename:
        return _page(program_id, role, state=state, problem=NO_FILE), 400
    filename = upload.filename
    try:
        text = upload.read().decode("utf-8-sig")
    except UnicodeDecodeError:
        return _page(program_id, role, state=state, problem=NOT_UTF8, filename=filename), 400
    try:
        result = wf.import_applications(program_id, role, text, state=state or None, actor=actor())
    except ImportFailed as exc:
        page = _page(
            program_id, role, state=state, problem=str(exc), rows=exc.rows, filename=filename
        )
        return page, 400
    label = wf.program(program_id).roles[role].label.lower()
    noun = "application" if result.imported == 1 else "applications"
    flash(f"Imported {result.imported} {label} {noun} from {filename}.")
    return redirect(url_for("importing.page", program_id=program_id, role=role), code=303)
