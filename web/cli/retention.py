"""`mentorflow purge [--dry-run]`, `mentorflow person export|erase EMAIL`.

`purge` applies every loaded definition's retention schedule as
of now. A dry run lists what would go and writes nothing; a real run anonymises or
deletes, one transaction per action, and the engine logs each action (counts only).
`person export` writes everything held about someone to a zip; `person erase` anonymises
every enrollment of theirs that no legal hold keeps, and names those it kept."""

from __future__ import annotations

from pathlib import Path

import click

from mentorflow.engine.service.workflow import SYSTEM_ACTOR

from .common import friendly, load_programs, main, open_workflow


@main.command()
@click.option("--dry-run", is_flag=True, help="Only list what the schedules say; write nothing.")
@friendly
def purge(dry_run: bool) -> None:
    """Anonymise or delete the records whose retention has run out (legal holds kept)."""
    workflow = open_workflow(load_programs())
    try:
        if dry_run:
            due = workflow.retention_due()
            for d in due:
                click.echo(
                    f"  {d.program_id}: enrollment {d.enrollment_id} ({d.role}), "
                    f"{'form ' + d.form if d.form else 'the whole record'}: would {d.action} "
                    f"(ended {d.since:%Y-%m-%d})"
                )
            click.echo(f"{len(due)} retention actions due (dry run: nothing written).")
            return
        done = workflow.purge()
    finally:
        workflow.close()
    for r in done:
        d = r.due
        click.echo(
            f"  {d.program_id}: enrollment {d.enrollment_id} ({d.role}), "
            f"{'form ' + d.form if d.form else 'the whole record'}: {d.action}d "
            f"(ended {d.since:%Y-%m-%d}; {r.rows} rows, {r.files} files)"
        )
    click.echo(f"{len(done)} retention actions done, each logged.")


@main.group()
def person() -> None:
    """A person's records: export them, or erase them."""


@person.command("export")
@click.argument("email")
@click.option(
    "--out",
    "out",
    required=True,
    type=click.Path(dir_okay=False, writable=True),
    help="The zip file to write (JSON and CSV).",
)
@friendly
def person_export(email: str, out: str) -> None:
    """Write everything held about EMAIL to a zip of JSON and CSV."""
    workflow = open_workflow(load_programs())
    try:
        data = workflow.person_export(SYSTEM_ACTOR, email)
    finally:
        workflow.close()
    Path(out).write_bytes(data)
    click.echo(f"Wrote {out} ({len(data)} bytes): everything held about {email}.")


@person.command("erase")
@click.argument("email")
@friendly
def person_erase(email: str) -> None:
    """Anonymise every record of EMAIL that no legal hold keeps; name the held ones."""
    workflow = open_workflow(load_programs())
    try:
        done = workflow.erase_person(email, SYSTEM_ACTOR)
    finally:
        workflow.close()
    click.echo(f"{len(done.anonymised)} enrollments of {done.email} anonymised.")
    for enrollment_id in done.held:
        click.echo(f"  kept: enrollment {enrollment_id} is on legal hold")
    if done.forgotten:
        click.echo("The person is forgotten: no record names them any more.")
    else:
        click.echo("The person is kept while a legal hold keeps one of their enrollments.")
