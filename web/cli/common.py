"""What every `mentorflow` command shares: the click group, the translation of engine
errors into one sentence and exit code 1, and the configured service and programs."""

from __future__ import annotations

import sys
from collections.abc import Callable, Mapping
from functools import wraps
from typing import Any

import click

from mentorflow.engine.definition.loader import load_paths
from mentorflow.engine.definition.program import Program
from mentorflow.engine.errors import (
    DefinitionError,
    MentorflowError,
    known_list,
    suggest,
)
from mentorflow.engine.service.access_log import through
from mentorflow.engine.service.workflow import Workflow
from mentorflow.engine.settings import Settings


def friendly(command: Callable[..., Any]) -> Callable[..., Any]:
    """Turn engine errors into one sentence and exit code 1 (a failing database is one
    of them: the engine says it as `DatabaseFailed`)."""

    @wraps(command)
    def run(*args: Any, **kwargs: Any) -> Any:
        try:
            return command(*args, **kwargs)
        except DefinitionError as exc:
            for problem in exc.problems:
                click.echo(str(problem), err=True)
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


def open_workflow(programs: Mapping[str, Program]) -> Workflow:
    """The service on the configured database, its schema brought up to date first;
    the command calls `close()` when it ends."""
    settings = Settings.from_env()
    return Workflow.open(
        programs, settings.database_url, uploads=settings.uploads, identity=settings.identity
    )


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
@click.pass_context
def main(ctx: click.Context) -> None:
    """Run formal mentoring programs from declarative program definitions."""
    # What a command reads is logged as read from the command line (`export` says
    # "export"); the door is put back when the command ends.
    ctx.with_resource(through("command"))
