"""`mentorflow validate`, `schema` and `serve`: checking definitions and serving them."""

from __future__ import annotations

import os
import sys

import click

from mentorflow.engine.definition.loader import load_paths
from mentorflow.engine.definition.schema import schema_text
from mentorflow.engine.errors import (
    DefinitionError,
)
from mentorflow.engine.service.revisions import check_database
from mentorflow.engine.settings import Settings

from .common import friendly, main


@main.command()
@click.argument("paths", nargs=-1, type=click.Path())
@click.option(
    "--database/--no-database",
    default=True,
    help="Also report records these definitions would strand in the configured database.",
)
@friendly
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
    for program in programs.values():
        for warning in program.warnings:  # they load: said, but the exit code stays 0
            w = warning
            click.echo(f"{w.file}:{w.line}:{w.col}: warning: {w.location}: {w.message}", err=True)


@main.command()
def schema() -> None:
    """Print the JSON Schema of the definition format."""
    click.echo(schema_text(), nl=False)


@main.command()
@click.option("--host", default="127.0.0.1", show_default=True)
@click.option("--port", default=5000, show_default=True, type=int)
@friendly
def serve(host: str, port: int) -> None:
    """Run the web app (development server, threaded, no reloader)."""
    from mentorflow.web import create_app

    # Links in mail lead where this server listens, unless the public address is set.
    shown = "127.0.0.1" if host in ("0.0.0.0", "::", "") else host
    os.environ.setdefault("MENTORFLOW_PUBLIC_URL", f"http://{shown}:{port}")
    app = create_app()
    app.run(host=host, port=port, threaded=True, use_reloader=False)
