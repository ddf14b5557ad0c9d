"""`mentorflow purge [--dry-run]`: apply every loaded definition's retention schedule as
of now. A dry run lists what would go and writes nothing; a real run anonymises or
deletes, one transaction per action, and the engine logs each action (counts only)."""

from __future__ import annotations

import click

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
