"""`mentorflow token create|list|revoke`: personal access tokens for the JSON API, made,
listed and revoked for a person by the operator at the terminal."""

from __future__ import annotations

import datetime as dt

import click

from mentorflow.engine.errors import InvalidAnswers, MentorflowError
from mentorflow.engine.service.workflow import Actor, Workflow

from .common import friendly, main, open_workflow


@main.group()
def token() -> None:
    """Personal access tokens for the API."""


def _person(workflow: Workflow, email: str) -> Actor:
    found = workflow.find_actor(email)
    if found is None:
        raise MentorflowError(f"Nobody has an account with the address {email.strip()}.")
    return found


def _when(moment: dt.datetime | None, otherwise: str) -> str:
    return moment.strftime("%Y-%m-%d %H:%M UTC") if moment is not None else otherwise


@token.command("create")
@click.argument("email")
@click.option("--name", default="", help="What the token is for, to recognise it later.")
@click.option(
    "--expires",
    "expires_days",
    type=int,
    default=None,
    metavar="DAYS",
    help="Days until it stops working (default: never).",
)
@friendly
def create(email: str, name: str, expires_days: int | None) -> None:
    """Print a new personal access token for the person, once."""
    # No programs needed: a token belongs to a person, whatever they do with it.
    workflow = open_workflow({})
    try:
        made = workflow.create_api_token_for(email, name=name, expires_days=expires_days)
    except InvalidAnswers as exc:
        raise MentorflowError(next(iter(exc.errors.values()))) from None
    finally:
        workflow.close()
    # The token alone on stdout (`TOKEN=$(mentorflow token create ...)`); what it is on
    # stderr, for the person reading.
    lasts = f"it stops working after {expires_days} days" if expires_days else "it does not expire"
    click.echo(
        f"A new access token for {email.strip().lower()} (id {made.id}); {lasts}. "
        "It is shown this once: keep it now.",
        err=True,
    )
    click.echo(made.token)


@token.command("list")
@click.argument("email")
@friendly
def list_(email: str) -> None:
    """List the person's tokens (never the tokens themselves)."""
    workflow = open_workflow({})
    try:
        rows = workflow.api_tokens(_person(workflow, email))
    finally:
        workflow.close()
    if not rows:
        click.echo(f"{email.strip().lower()} has no access tokens.")
        return
    click.echo("id\tprefix\tname\tstatus\tcreated\texpires\tlast used")
    for row in rows:
        click.echo(
            "\t".join(
                [
                    str(row.id),
                    row.prefix,
                    row.name or "-",
                    row.status,
                    _when(row.created_at, "-"),
                    _when(row.expires_at, "never"),
                    _when(row.last_used_at, "never"),
                ]
            )
        )


@token.command("revoke")
@click.argument("email")
@click.argument("token_id", metavar="TOKEN_ID", type=int)
@friendly
def revoke(email: str, token_id: int) -> None:
    """Revoke one of the person's tokens, for good."""
    workflow = open_workflow({})
    try:
        workflow.revoke_api_token(_person(workflow, email), token_id)
    finally:
        workflow.close()
    click.echo(f"Token {token_id} of {email.strip().lower()} is revoked.")
