"""`mentorflow webhook add|list|remove|send`: webhooks, acting as the system.

`add` prints the new webhook's id and its secret, once (it signs every POST; the
receiver keeps it). `send` sends every delivery that is due, for cron; `remind` sends
them too, and the web app after each request that wrote something.
"""

from __future__ import annotations

import click

from mentorflow.engine.errors import InvalidAnswers, MentorflowError
from mentorflow.engine.service.workflow import SYSTEM_ACTOR

from .common import find_program, friendly, load_programs, main, open_workflow


@main.group()
def webhook() -> None:
    """Webhooks: addresses told of each entry of a program's feed, signed."""


@webhook.command("add")
@click.argument("url")
@click.option("--program", "program_id", required=True, help="The program whose feed is sent.")
@click.option(
    "--events",
    multiple=True,
    metavar="KIND",
    help="Only entries of this kind (repeat it for more): application, transition, closure, "
    "submission, amendment, signature, match. Every kind when left out.",
)
@friendly
def webhook_add(url: str, program_id: str, events: tuple[str, ...]) -> None:
    """Send the program's feed entries to URL (http:// or https://)."""
    programs = load_programs()
    program = find_program(programs, program_id)
    workflow = open_workflow(programs)
    try:
        added = workflow.add_webhook(SYSTEM_ACTOR, program.id, url, list(events) or None)
    except InvalidAnswers as exc:
        raise MentorflowError(next(iter(exc.errors.values()))) from None
    finally:
        workflow.close()
    hook = added.webhook
    click.echo(f"Webhook {hook.id}: {program.title} ({hook.events_text}) to {hook.url}")
    click.echo(f"Secret (shown this once; the receiver checks signatures with it): {added.secret}")


@webhook.command("list")
@friendly
def webhook_list() -> None:
    """The webhooks, by program, with what waits and what failed."""
    programs = load_programs()
    workflow = open_workflow(programs)
    try:
        found = workflow.webhooks(SYSTEM_ACTOR)
    finally:
        workflow.close()
    if not found:
        click.echo("No webhooks.")
    for hook in found:
        click.echo(
            f"{hook.id}  {hook.program_id}  {hook.url}  ({hook.events_text}; {hook.waiting} "
            f"waiting, {hook.failing} failing, {hook.dead} dead letters)"
        )


@webhook.command("remove")
@click.argument("webhook_id", metavar="ID", type=int)
@friendly
def webhook_remove(webhook_id: int) -> None:
    """Send nothing more to webhook ID (its deliveries stay on record)."""
    workflow = open_workflow(load_programs())
    try:
        click.echo(workflow.remove_webhook(SYSTEM_ACTOR, webhook_id))
    finally:
        workflow.close()


@webhook.command("send")
@friendly
def webhook_send() -> None:
    """Send every delivery that is due (run it from cron, or let `remind` do it)."""
    workflow = open_workflow(load_programs())
    try:
        sent, failed = workflow.send_webhooks()
    finally:
        workflow.close()
    click.echo(f"{sent} webhook deliveries sent, {failed} failed (tried again later).")
