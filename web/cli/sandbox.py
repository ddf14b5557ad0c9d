"""`mentorflow test` and `mentorflow preview`: a definition tried in the sandbox, never on
the live database (engine/sandbox)."""

from __future__ import annotations

import sys
from pathlib import Path

import click

from mentorflow.engine.errors import DefinitionError, MentorflowError
from mentorflow.engine.sandbox.scenarios import is_scenario_file, run_file, scenario_files

from .common import friendly, main


@main.command("test")
@click.argument("paths", nargs=-1, required=True, type=click.Path(dir_okay=False))
@friendly
def test(paths: tuple[str, ...]) -> None:
    """Run the scenarios of definitions (scenarios/<file> beside each) or scenario files."""
    files: list[Path] = []
    for raw in paths:
        path = Path(raw)
        if is_scenario_file(path):
            files.append(path)
            continue
        if not path.is_file():
            raise MentorflowError(f"There is no file {path}.")
        found = scenario_files(path)
        if not found:
            where = path.parent / "scenarios" / path.name
            raise MentorflowError(f"{path} has no scenarios: write them in {where}.")
        files += found
    failed = ran = 0
    for file in files:
        try:
            outcomes = run_file(file)
        except DefinitionError as exc:
            for problem in exc.problems:
                click.echo(str(problem), err=True)
            failed += 1
            continue
        for outcome in outcomes:
            ran += 1
            mark = "ok" if outcome.passed else "FAILED"
            click.echo(f"{outcome.file}:{outcome.line}: {outcome.name}: {mark}")
            for failure in outcome.failures:
                click.echo(f"  {failure}")
            failed += not outcome.passed
    click.echo(f"{ran - failed} of {ran} scenarios hold." if ran else "No scenario ran.")
    if failed or not ran:
        sys.exit(1)


@main.command()
@click.argument("path", metavar="FILE.yaml", type=click.Path(dir_okay=False, exists=True))
@click.option("--host", default="127.0.0.1", show_default=True)
@click.option("--port", default=5050, show_default=True, type=int)
@friendly
def preview(path: str, host: str, port: int) -> None:
    """Try a definition in a sandbox server, reloaded whenever the file is saved."""
    from werkzeug.serving import run_simple

    from mentorflow.web.preview import PreviewServer

    server = PreviewServer(Path(path), public_url=f"http://{host}:{port}")
    click.echo(f"Previewing {path} at http://{host}:{port}/preview (a sandbox: nothing is kept).")
    try:
        run_simple(host, port, server, threaded=True, use_reloader=False)
    finally:
        server.close()
