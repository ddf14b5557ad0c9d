"""The forms table: one form's answers across a program, as far as the viewer may read
them, with a text and state filter, sorting by any column, paging and a CSV download.

What a viewer may read is the engine's to say (`Workflow.answers_table`); this module
reads the query string and lays the rows out.
"""

from __future__ import annotations

import io

from flask import Blueprint, render_template
from flask_login import login_required
from werkzeug.wrappers import Response

from mentorflow.engine.figures.csv_cells import write_rows
from mentorflow.engine.service.access_log import through
from mentorflow.engine.service.answer_tables import TableFilters
from mentorflow.web.boundary import actor, workflow
from mentorflow.web.params import read_choice, read_int, read_text

bp = Blueprint("answers", __name__)


def _filters() -> TableFilters:
    return TableFilters(
        text=read_text("q"),
        state=read_text("state"),
        sort=read_text("sort") or "submitted",
        descending=read_choice("dir", ("asc", "desc"), what="sort direction") == "desc",
    )


@bp.get("/p/<program_id>/forms/<form_id>/answers")
@login_required
def table(program_id: str, form_id: str) -> str:
    page = read_int("page", 1, low=1) or 1
    found = workflow().answers_table(program_id, form_id, actor(), _filters(), page)
    return render_template("answers/table.html", table=found, program=found.program)


@bp.get("/p/<program_id>/forms/<form_id>/answers.csv")
@login_required
def table_csv(program_id: str, form_id: str) -> Response:
    with through("csv"):
        header, rows = workflow().answers_csv(program_id, form_id, actor(), _filters())
    out = io.StringIO()
    write_rows(out, header, rows, lineterminator="\r\n")
    response = Response(out.getvalue(), mimetype="text/csv")
    response.headers["Content-Disposition"] = (
        f'attachment; filename="{program_id}-{form_id}-answers.csv"'
    )
    return response
