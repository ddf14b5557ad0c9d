"""The `mentorflow` command: a thin click group over the engine.

Engine errors become one sentence on stderr and exit code 1; click's own usage
errors exit 2. No traceback ever reaches the person at the terminal.
"""

from __future__ import annotations

import csv
import io
import sys
from collections.abc import Callable
from functools import wraps
from pathlib import Path
from typing import Any

import click
from alembic.util import CommandError
from sqlalchemy.engine import make_url
from sqlalchemy.exc import SQLAlchemyError

from engine.access import SYSTEM_ACTOR
from engine.accounts import grant_staff
from engine.database import Database
from engine.errors import (
    DefinitionError,
    ImportFailed,
    InvalidAnswers,
    MentorflowError,
    known_list,
    suggest,
)
from engine.importer import import_applications
from engine.loader import load_paths
from engine.people import looks_like_email
from engine.program import Program
from engine.revisions import check_database
from engine.schema import schema_text
from engine.settings import Settings
from engine.workflow import Workflow


def _friendly(command: Callable[..., Any]) -> Callable[..., Any]:
    """Turn engine errors into one sentence and exit code 1."""

    @wraps(command)
    def run(*args: Any, **kwargs: Any) -> Any:
        try:
            return command(*args, **kwargs)
        except DefinitionError as exc:
            for problem in exc.problems:
                click.echo(str(problem), err=True)
            sys.exit(1)
        except (SQLAlchemyError, CommandError) as exc:
            click.echo(f"mentorflow: the database failed: {_first_line(exc)}", err=True)
            sys.exit(1)
        except MentorflowError as exc:
            click.echo(f"mentorflow: {exc}", err=True)
            sys.exit(1)
        except OSError as exc:
            click.echo(
                f"mentorflow: {exc.strerror or exc}: {exc.filename or ''}".rstrip(": "), err=True
            )
            sys.exit(1)

    return run


def _first_line(exc: BaseException) -> str:
    """The driver's own sentence, without SQLAlchemy's statement dump and links."""
    cause = getattr(exc, "orig", None) or exc
    lines = [line.strip() for line in str(cause).splitlines() if line.strip()]
    return lines[0] if lines else type(exc).__name__


def _database() -> Database:
    """The configured database, its schema brought up to date first."""
    url = Settings.from_env().database_url
    try:
        return Database(url)
    except (SQLAlchemyError, CommandError) as exc:
        where = make_url(url).render_as_string(hide_password=True)
        raise MentorflowError(f"The database at {where} failed: {_first_line(exc)}") from None


def _programs() -> dict[str, Program]:
    return load_paths([Settings.from_env().definitions])


def _program(programs: dict[str, Program], program_id: str) -> Program:
    if program_id not in programs:
        raise MentorflowError(
            f"There is no program '{program_id}'{suggest(program_id, programs)} "
            f"{known_list(programs)}."
        )
    return programs[program_id]


@click.group(context_settings={"help_option_names": ["-h", "--help"]})
def main() -> None:
    """Run formal mentoring programs from declarative program definitions."""


@main.command()
@click.argument("paths", nargs=-1, type=click.Path())
@click.option(
    "--database/--no-database",
    default=True,
    help="Also report records these definitions would strand in the configured database.",
)
@_friendly
def validate(paths: tuple[str, ...], database: bool) -> None:
    """Check definition files or folders (default: the definitions folder)."""
    settings = Settings.from_env()
    targets = list(paths) or [str(settings.definitions)]
    programs = load_paths(targets)
    if not programs:
        click.echo("mentorflow: no definition files found", err=True)
        sys.exit(1)
    if database:
        stranded = check_database(settings.database_url, programs, complete=not paths)
        if stranded:
            raise DefinitionError(stranded)
    for program in programs.values():
        click.echo(f"{program.source}: ok ({program.id}, revision {program.revision})")


@main.command()
def schema() -> None:
    """Print the JSON Schema of the definition format."""
    click.echo(schema_text(), nl=False)


@main.command()
@click.option("--host", default="127.0.0.1", show_default=True)
@click.option("--port", default=5000, show_default=True, type=int)
@_friendly
def serve(host: str, port: int) -> None:
    """Run the web app (development server, threaded, no reloader)."""
    from web import create_app

    app = create_app()
    app.run(host=host, port=port, threaded=True, use_reloader=False)


@main.group()
def db() -> None:
    """The database: its schema."""


@db.command()
@_friendly
def upgrade() -> None:
    """Apply pending migrations (every command that uses the database does this first)."""
    database = _database()
    try:
        where = make_url(database.url).render_as_string(hide_password=True)
        click.echo(f"The database at {where} is up to date.")
    finally:
        database.dispose()


@main.group()
def user() -> None:
    """Staff accounts."""


@user.command("add")
@click.argument("email")
@click.option("--name", required=True, help="The person's name as people read it.")
@click.option("--role", required=True, type=click.Choice(["admin", "coordinator"]))
@click.option("--program", "program_id", help="The program a coordinator coordinates.")
@click.option("--password-stdin", is_flag=True, help="Read the password from one line of stdin.")
@_friendly
def user_add(
    email: str, name: str, role: str, program_id: str | None, password_stdin: bool
) -> None:
    """Create a staff account, or give an existing person the role."""
    if not looks_like_email(email):
        raise MentorflowError(f"'{email}' is not an e-mail address such as name@example.gov.")
    if role == "coordinator" and not program_id:
        raise MentorflowError("A coordinator needs --program naming the program they coordinate.")
    if role == "admin" and program_id:
        raise MentorflowError("An admin has every program; leave out --program.")
    program = _program(_programs(), program_id) if program_id else None
    if password_stdin:
        password = sys.stdin.readline().rstrip("\r\n")
    else:
        password = click.prompt(
            "Password", hide_input=True, confirmation_prompt=True, err=True, type=str
        )
    database = _database()
    try:
        click.echo(grant_staff(database, email, name, program, password))
    except InvalidAnswers as exc:
        raise MentorflowError(next(iter(exc.errors.values()))) from None
    finally:
        database.dispose()


@main.command("import")
@click.argument("program_id", metavar="PROGRAM")
@click.argument("role")
@click.argument("csv_file", metavar="FILE.csv", type=click.Path(dir_okay=False))
@click.option("--state", help="Place the new enrollments in this state (recorded as an event).")
@_friendly
def import_(program_id: str, role: str, csv_file: str, state: str | None) -> None:
    """Load applications from a spreadsheet export; nothing is imported while any row is bad."""
    programs = _programs()
    program = _program(programs, program_id)
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
    database = _database()
    try:
        workflow = Workflow(programs, database)
        with click.progressbar(
            length=rows, label="Checking rows", file=sys.stderr, show_pos=True
        ) as bar:
            done = 0

            def progress(n: int) -> None:
                nonlocal done
                bar.update(n - done)
                done = n

            result = import_applications(
                workflow, program.id, role, text, state=state, actor=SYSTEM_ACTOR, progress=progress
            )
    except ImportFailed as exc:
        for line, message in exc.rows:
            click.echo(f"{csv_file}:{line}: {message}", err=True)
        raise
    finally:
        database.dispose()
    label = program.roles[role].label.lower()
    noun = "application" if result.imported == 1 else "applications"
    click.echo(f"Imported {result.imported} {label} {noun} into {program.title}.")


@main.command()
@click.argument("program_id", metavar="PROGRAM")
@click.option("--dry-run", is_flag=True, help="Only propose: confirm nothing, save nothing.")
@click.option(
    "--csv",
    "csv_file",
    type=click.Path(dir_okay=False, writable=True),
    help="Write the proposals, each criterion's points and the unmatched to this file.",
)
@click.option(
    "--by",
    "by_email",
    metavar="EMAIL",
    help="The coordinator or admin confirming, as the history records it (default: the system).",
)
@_friendly
def match(program_id: str, dry_run: bool, csv_file: str | None, by_email: str | None) -> None:
    """Propose matches for every waiting mentee and (without --dry-run) confirm them."""
    programs = _programs()
    program = _program(programs, program_id)
    if program.matching is None:
        raise MentorflowError(f"{program.title} has no matching section in its definition.")
    database = _database()
    try:
        workflow = Workflow(programs, database)
        confirmer = _confirmer(database, program, by_email) if by_email else SYSTEM_ACTOR
        click.echo("Scoring and solving the matching pool...", err=True)
        run_id, result = workflow.propose_matches(program.id, SYSTEM_ACTOR, save=not dry_run)
        click.echo(
            f"Scored {len(result.mentees)} waiting mentees against {len(result.mentors)} "
            f"mentors with places; solved: {len(result.proposals)} proposed.",
            err=True,
        )
        emails = {c.enrollment_id: c.email for c in [*result.mentees, *result.mentors]}
        _print_proposals(program, result, emails)
        if csv_file:
            _write_match_csv(csv_file, program, result, emails)
        if dry_run or not result.proposals:
            return
        pairs = [(p.mentee_id, p.mentor_id) for p in result.proposals]
        with click.progressbar(length=len(pairs), label="Confirming", file=sys.stderr) as bar:
            outcomes = workflow.confirm_matches(
                program.id, pairs, confirmer, run_id, progress=bar.update
            )
    finally:
        database.dispose()
    refused = [(m, t, why) for m, t, why in outcomes if why]
    click.echo(f"Confirmed {len(outcomes) - len(refused)} of {len(outcomes)} matches.")
    for mentee_id, mentor_id, why in refused:
        click.echo(f"  refused: {emails[mentee_id]} -> {emails[mentor_id]}: {why}")


def _confirmer(database: Database, program: Program, email: str) -> Any:
    from engine.accounts import load_actor
    from engine.people import find_person

    with database.session() as session:
        person = find_person(session, email)
        person_id = person.id if person else None
    found = load_actor(database, person_id) if person_id else None
    if found is None or not found.is_staff(program.id):
        raise MentorflowError(f"{email} is not a coordinator of {program.title} or an admin.")
    return found


def _print_proposals(program: Program, result: Any, emails: dict[str, str]) -> None:
    click.echo(
        f"{len(result.proposals)} proposed for {program.title} ({result.strategy}), "
        f"total score {_number(result.total_score)}:"
    )
    for p in result.proposals:
        click.echo(f"  {emails[p.mentee_id]} -> {emails[p.mentor_id]}  score {_number(p.score)}")
    if result.unmatched:
        click.echo(f"{len(result.unmatched)} left without a mentor:")
        for u in result.unmatched:
            click.echo(f"  {emails[u.mentee_id]}: {u.reason}")


def _number(value: float) -> str:
    return f"{value:.2f}".rstrip("0").rstrip(".") or "0"


def _write_match_csv(path: str, program: Program, result: Any, emails: dict[str, str]) -> None:
    """One row per proposal (its criteria's points), then one per mentee left without a
    mentor (the reason in the last column, empty for proposals)."""
    criteria = [c.id for c in program.matching.criteria] if program.matching else []
    with Path(path).open("w", encoding="utf-8", newline="") as f:
        out = csv.writer(f)
        out.writerow(["mentee_email", "mentor_email", "score", *criteria, "reason"])
        for p in result.proposals:
            points = [_number(p.points.get(c, 0.0)) for c in criteria]
            out.writerow([emails[p.mentee_id], emails[p.mentor_id], _number(p.score), *points, ""])
        for u in result.unmatched:
            out.writerow([emails[u.mentee_id], "", "", *([""] * len(criteria)), u.reason])


# Commands defined in modules of their own register themselves on `main` when imported.
from web import cli_export, cli_remind  # noqa: E402, F401

if __name__ == "__main__":
    main()
