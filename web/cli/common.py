"""What every `mentorflow` command shares: the click group, the translation of engine
errors into one sentence and exit code 1, and the configured database and programs."""

from __future__ import annotations

import sys
from collections.abc import Callable, Iterator, Mapping
from contextlib import contextmanager
from functools import wraps
from typing import Any

import click
from alembic.util import CommandError
from sqlalchemy.engine import make_url
from sqlalchemy.exc import SQLAlchemyError

from mentorflow.engine.definition.loader import load_paths
from mentorflow.engine.definition.program import Program
from mentorflow.engine.errors import (
    DefinitionError,
    MentorflowError,
    known_list,
    suggest,
)
from mentorflow.engine.records.database import Database
from mentorflow.engine.service.workflow import Workflow
from mentorflow.engine.settings import Settings


def friendly(command: Callable[..., Any]) -> Callable[..., Any]:
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
            click.echo(f"mentorflow: the database failed: {first_line(exc)}", err=True)
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


def first_line(exc: BaseException) -> str:
    """The driver's own sentence, without SQLAlchemy's statement dump and links."""
    cause = getattr(exc, "orig", None) or exc
    lines = [line.strip() for line in str(cause).splitlines() if line.strip()]
    return lines[0] if lines else type(exc).__name__


def open_database() -> Database:
    """The configured database, its schema brought up to date first."""
    url = Settings.from_env().database_url
    with _database_failure(url):
        return Database(url)


def open_workflow(programs: Mapping[str, Program]) -> Workflow:
    """The service on the configured database, its schema brought up to date first; the
    command calls `close()` when it ends."""
    settings = Settings.from_env()
    with _database_failure(settings.database_url):
        return Workflow.open(programs, settings.database_url, uploads=settings.uploads)


@contextmanager
def _database_failure(url: str) -> Iterator[None]:
    """A database that cannot be opened becomes one sentence naming it (password hidden)."""
    try:
        yield
    except (SQLAlchemyError, CommandError) as exc:
        where = make_url(url).render_as_string(hide_password=True)
        raise MentorflowError(f"The database at {where} failed: {first_line(exc)}") from None


def load_programs() -> dict[str, Program]:
    return load_paths([Settings.from_env().definitions])


def find_program(programs: dict[str, Program], program_id: str) -> Program:
    if program_id not in programs:
        raise MentorflowError(
            f"There is no program '{program_id}'{suggest(program_id, programs)} "
            f"{known_list(programs)}."
        )
    return programs[program_id]


@click.group(context_settings={"help_option_names": ["-h", "--help"]})
def main() -> None:
    """Run formal mentoring programs from declarative program definitions."""
