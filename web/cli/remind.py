"""`mentorflow remind [--dry-run]`: take the automatic steps whose time has come, queue
the reminders that are due, then send the outbox and the webhook deliveries that are due.

Each reminder occurrence is queued once (its key is kept with the messages), so running
the command twice sends nothing twice. Without MENTORFLOW_SMTP_URL the messages stay in
the outbox, which staff read at /p/<program>/outbox, and go to the log. It also removes
the files attached to forms that were never sent, once they are a day old (a dry run
leaves them).
"""

from __future__ import annotations

import click

from mentorflow.engine.settings import Settings

from .common import friendly, load_programs, main, open_workflow


@main.command()
@click.option(
    "--dry-run", is_flag=True, help="Only list the reminders that are due; write nothing."
)
@friendly
def remind(dry_run: bool) -> None:
    """Take due automatic steps and send the reminders that are due (twice sends nothing twice)."""
    programs = load_programs()
    settings = Settings.from_env()
    workflow = open_workflow(programs)
    try:
        if not dry_run:
            # Steps that wait on time (an `auto` step with `min_days_in_state`) are due
            # when days pass, not when something changes: this daily run takes them first.
            for step in workflow.take_due_steps():
                click.echo(f"  {step.program_id}: automatic step {step.before} -> {step.after}")
        found = workflow.remind(dry_run=dry_run)
        for o in found:
            status = "already sent" if o.already_queued else f"to {', '.join(o.to) or 'nobody'}"
            click.echo(
                f"  {o.program_id}: {o.who} ({o.days} days in {o.state}): {o.text} [{status}]"
            )
        queued = sum(o.queued for o in found)
        if dry_run:
            click.echo(
                f"{len(found)} reminders due; {queued} messages would be queued (dry run: "
                "nothing written)."
            )
            return
        sent, failed = workflow.deliver(settings.smtp_url)
        hooks_sent, hooks_failed = workflow.send_webhooks()
        removed = workflow.clean_uploads()
    finally:
        workflow.close()
    click.echo(f"{len(found)} reminders due; {queued} messages queued.")
    click.echo(f"{removed} unsent files removed (kept over a day with no form sent).")
    click.echo(f"{hooks_sent} webhook deliveries sent, {hooks_failed} failed (tried again later).")
    if settings.smtp_url is None:
        click.echo("No MENTORFLOW_SMTP_URL: the messages wait in the outbox (and the log).")
    else:
        click.echo(
            f"{sent} messages sent, {failed} failed (tried again by later runs, each wait "
            "longer, and set aside after a few tries: the outbox page shows why)."
        )
