"""`mentorflow access-log EMAIL [--page N]`: who opened a person's records, from the shell."""

from __future__ import annotations

import click

from mentorflow.engine.service.workflow import SYSTEM_ACTOR

from .common import friendly, load_programs, main, open_workflow


@main.command("access-log")
@click.argument("email")
@click.option("--page", default=1, show_default=True, type=click.IntRange(min=1))
@friendly
def access_log(email: str, page: int) -> None:
    """List who read EMAIL's enrollments, forms and files, newest first: when, who, what
    and through which door (page, api, csv, export, command)."""
    workflow = open_workflow(load_programs())
    try:
        log = workflow.access_log_of(email, SYSTEM_ACTOR, page, system=True)
    finally:
        workflow.close()
    click.echo(
        f"Access log of {log.name} <{log.email}>: {log.total} reads, page {log.page} of {log.pages}."
    )
    for e in log.entries:
        who = f"{e.reader} <{e.reader_email}>" if e.reader_email else e.reader
        click.echo(f"{e.at:%Y-%m-%d %H:%M} UTC\t{who}\t{e.label} ({e.what})\t{e.door}")
