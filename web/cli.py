"""The `mentorflow` command: a thin click group over the engine.

Engine errors become one sentence on stderr and exit code 1; click's own usage
errors exit 2. No traceback ever reaches the person at the terminal.
"""

from __future__ import annotations

import sys
from collections.abc import Callable
from functools import wraps
from typing import Any

import click

from engine.errors import DefinitionError, MentorflowError
from engine.loader import load_paths
from engine.schema import schema_text
from engine.settings import Settings


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
        except MentorflowError as exc:
            click.echo(f"mentorflow: {exc}", err=True)
            sys.exit(1)
        except OSError as exc:
            click.echo(
                f"mentorflow: {exc.strerror or exc}: {exc.filename or ''}".rstrip(": "), err=True
            )
            sys.exit(1)

    return run


@click.group(context_settings={"help_option_names": ["-h", "--help"]})
def main() -> None:
    """Run formal mentoring programs from declarative program definitions."""


@main.command()
@click.argument("paths", nargs=-1, type=click.Path())
@_friendly
def validate(paths: tuple[str, ...]) -> None:
    """Check definition files or folders (default: the definitions folder)."""
    targets = list(paths) or [str(Settings.from_env().definitions)]
    programs = load_paths(targets)
    for program in programs.values():
        click.echo(f"{program.source}: ok ({program.id}, revision {program.revision})")
    if not programs:
        click.echo("mentorflow: no definition files found", err=True)
        sys.exit(1)


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


if __name__ == "__main__":
    main()
