"""`mentorflow db upgrade`, `user add` and `import`: the database, staff and imported applications."""

from __future__ import annotations

import csv
import io
import sys
from pathlib import Path

import click

from mentorflow.engine.errors import (
    ImportFailed,
    InvalidAnswers,
    MentorflowError,
)
from mentorflow.engine.service.workflow import SYSTEM_ACTOR

from .common import find_program, friendly, load_programs, main, open_workflow


@main.group()
def db() -> None:
    """The database: its schema."""


@db.command()
@friendly
def upgrade() -> None:
    """Apply pending migrations (every command that uses the database does this first)."""
    workflow = open_workflow({})
    try:
        click.echo(f"The database at {workflow.database_location} is up to date.")
    finally:
        workflow.close()


@main.group()
def user() -> None:
    """Staff accounts."""


@user.command("add")
@click.argument("email")
@click.option("--name", required=True, help="The person's name as people read it.")
@click.option("--role", required=True, type=click.Choice(["admin", "coordinator"]))
@click.option("--program", "program_id", help="The program a coordinator coordinates.")
@click.option(
    "--password-stdin",
    is_flag=True,
    help="Read their password from one line of stdin: a ready, verified account (you vouch "
    "for the address). Without it they get an invitation mail with a link.",
)
@friendly
def user_add(
    email: str, name: str, role: str, program_id: str | None, password_stdin: bool
) -> None:
    """Invite someone to a staff role (or, with --password-stdin, make their account)."""
    if role == "coordinator" and not program_id:
        raise MentorflowError("A coordinator needs --program naming the program they coordinate.")
    if role == "admin" and program_id:
        raise MentorflowError("An admin has every program; leave out --program.")
    programs = load_programs()
    program = find_program(programs, program_id) if program_id else None
    password = sys.stdin.readline().rstrip("\r\n") if password_stdin else None
    workflow = open_workflow(programs)
    try:
        said = workflow.grant_staff(
            SYSTEM_ACTOR, email, name, program.id if program else None, password
        )
    except InvalidAnswers as exc:
        raise MentorflowError(next(iter(exc.errors.values()))) from None
    finally:
        workflow.close()
    click.echo(said)


@main.command("import")
@click.argument("program_id", metavar="PROGRAM")
@click.argument("role")
@click.argument("csv_file", metavar="FILE.csv", type=click.Path(dir_okay=False))
@click.option("--state", help="Place the new enrollments in this state (recorded as an event).")
@friendly
def import_(program_id: str, role: str, csv_file: str, state: str | None) -> None:
    """Load applications from a spreadsheet export; nothing is imported while any row is bad."""
    programs = load_programs()
    program = find_program(programs, program_id)
    with Path(csv_file).open(encoding="utf-8-sig", newline="") as f:
        try:
            text = f.read()
        except UnicodeDecodeError:
            raise MentorflowError(
                f"{csv_file} is not UTF-8 text; save it as CSV UTF-8 and try again."
            ) from None
    try:  # for the progress bar; the importer reports what cannot be read
        rows = max(sum(1 for _ in csv.reader(io.StringIO(text, newline=""))) - 1, 0)
    except csv.Error:
        rows = 0
    workflow = open_workflow(programs)
    try:
        with click.progressbar(
            length=rows, label="Checking rows", file=sys.stderr, show_pos=True
        ) as bar:
            done = 0

            def progress(n: int) -> None:
                nonlocal done
                bar.update(n - done)
                done = n

            result = workflow.import_applications(
                program.id, role, text, state=state, actor=SYSTEM_ACTOR, progress=progress
            )
    except ImportFailed as exc:
        for line, message in exc.rows:
            click.echo(f"{csv_file}:{line}: {message}", err=True)
        raise
    finally:
        workflow.close()
    label = program.roles[role].label.lower()
    noun = "application" if result.imported == 1 else "applications"
    click.echo(f"Imported {result.imported} {label} {noun} into {program.title}.")
