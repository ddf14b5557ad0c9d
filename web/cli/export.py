"""`mentorflow export`: a program's enrollments, submissions and events, as CSV or JSON.

Registered on the `mentorflow` group when the cli package imports this module. The rows come
from the service (`export_program`); this only writes them.
"""

from __future__ import annotations

import json
from pathlib import Path

import click

from mentorflow.engine.figures.csv_cells import write_rows
from mentorflow.engine.figures.export import (
    ENROLLMENT_COLUMNS,
    EVENT_COLUMNS,
    SUBMISSION_COLUMNS,
    csv_rows,
)
from mentorflow.engine.service.access_log import through
from mentorflow.engine.service.workflow import SYSTEM_ACTOR

from .common import find_program, friendly, load_programs, main, open_workflow


@main.command("export")
@click.argument("program_id", metavar="PROGRAM")
@click.option(
    "--format",
    "format_",
    type=click.Choice(["csv", "json"]),
    default="csv",
    show_default=True,
    help="csv: enrollments.csv, submissions.csv and events.csv; json: one export.json.",
)
@click.option(
    "--out",
    "out_dir",
    type=click.Path(file_okay=False),
    default=".",
    show_default=True,
    help="The folder to write into (created if missing).",
)
@friendly
def export(program_id: str, format_: str, out_dir: str) -> None:
    """Export a program's enrollments, submissions and events.

    The files hold everything the program's staff may read: every form's answers (with
    the form's visible_to), every history entry with its answers, names and e-mail
    addresses. Keep them as you keep the program's files.
    """
    programs = load_programs()
    program = find_program(programs, program_id)
    workflow = open_workflow(programs)
    try:
        with through("export"):
            data = workflow.export_program(program.id, SYSTEM_ACTOR)
    finally:
        workflow.close()
    folder = Path(out_dir)
    folder.mkdir(parents=True, exist_ok=True)
    tables = (
        ("enrollments", ENROLLMENT_COLUMNS, data.enrollments),
        ("submissions", SUBMISSION_COLUMNS, data.submissions),
        ("events", EVENT_COLUMNS, data.events),
    )
    counts = ", ".join(f"{len(rows)} {name}" for name, _, rows in tables)
    if format_ == "json":
        target = folder / "export.json"
        with target.open("w", encoding="utf-8") as f:
            json.dump(data.as_json(), f, ensure_ascii=False, indent=2)
            f.write("\n")
        click.echo(f"Wrote {target} ({counts}) for {program.title}.")
        return
    for name, columns, rows in tables:
        with (folder / f"{name}.csv").open("w", encoding="utf-8", newline="") as f:
            write_rows(f, columns, csv_rows(rows, columns))
    click.echo(f"Wrote {counts} as CSV into {folder} for {program.title}.")
