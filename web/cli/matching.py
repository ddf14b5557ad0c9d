"""`mentorflow match`: propose a mentor for every waiting mentee, and confirm."""

from __future__ import annotations

import sys
from decimal import Decimal
from pathlib import Path
from typing import Any

import click

from mentorflow.engine.definition.program import Program
from mentorflow.engine.figures.csv_cells import write_rows
from mentorflow.engine.service.matching_review import score_text
from mentorflow.engine.service.workflow import SYSTEM_ACTOR

from .common import find_program, friendly, load_programs, main, open_workflow


@main.command()
@click.argument("program_id", metavar="PROGRAM")
@click.option("--dry-run", is_flag=True, help="Only propose: confirm nothing, save nothing.")
@click.option(
    "--csv",
    "csv_file",
    type=click.Path(dir_okay=False, writable=True),
    help="Write the proposals, each criterion's points and the unmatched to this file.",
)
@click.option(
    "--by",
    "by_email",
    metavar="EMAIL",
    help="The coordinator or admin confirming, as the history records it (default: the system).",
)
@friendly
def match(program_id: str, dry_run: bool, csv_file: str | None, by_email: str | None) -> None:
    """Propose matches for every waiting mentee and (without --dry-run) confirm them."""
    programs = load_programs()
    program = find_program(programs, program_id)
    workflow = open_workflow(programs)
    try:
        confirmer = workflow.staff_actor(by_email, program.id) if by_email else SYSTEM_ACTOR
        click.echo("Scoring and solving the matching pool...", err=True)
        run_id, result = workflow.propose_matches(program.id, SYSTEM_ACTOR, save=not dry_run)
        click.echo(
            f"Scored {len(result.mentees)} waiting mentees against {len(result.mentors)} "
            f"mentors with places; solved: {len(result.proposals)} proposed.",
            err=True,
        )
        emails = {c.enrollment_id: c.email for c in [*result.mentees, *result.mentors]}
        _print_proposals(program, result, emails)
        if csv_file:
            _write_match_csv(csv_file, program, result, emails)
        if dry_run or not result.proposals:
            return
        pairs = [(p.mentee_id, p.mentor_id) for p in result.proposals]
        with click.progressbar(length=len(pairs), label="Confirming", file=sys.stderr) as bar:
            outcomes = workflow.confirm_matches(
                program.id, pairs, confirmer, run_id, progress=bar.update
            )
    finally:
        workflow.close()
    refused = [(m, t, why) for m, t, why in outcomes if why]
    click.echo(f"Confirmed {len(outcomes) - len(refused)} of {len(outcomes)} matches.")
    for mentee_id, mentor_id, why in refused:
        click.echo(f"  refused: {emails[mentee_id]} -> {emails[mentor_id]}: {why}")


def _print_proposals(program: Program, result: Any, emails: dict[str, str]) -> None:
    click.echo(
        f"{len(result.proposals)} proposed for {program.title} ({result.strategy}), "
        f"total score {score_text(result.total_score)}:"
    )
    for p in result.proposals:
        click.echo(f"  {emails[p.mentee_id]} -> {emails[p.mentor_id]}  score {score_text(p.score)}")
    if result.unmatched:
        click.echo(f"{len(result.unmatched)} left without a mentor:")
        for u in result.unmatched:
            click.echo(f"  {emails[u.mentee_id]}: {u.reason}")


def _write_match_csv(path: str, program: Program, result: Any, emails: dict[str, str]) -> None:
    """One row per proposal (its criteria's points), then one per mentee left without a
    mentor (the reason in the last column, empty for proposals)."""
    criteria = [c.id for c in program.matching.criteria] if program.matching else []

    def number(value: float) -> Decimal:
        # Written as the pages show it (10, 1.5, 0.67), but as a number: text starting
        # with '-' would be marked as a formula, and the column would no longer add up.
        return Decimal(score_text(value))

    rows: list[list[object]] = [
        [
            emails[p.mentee_id],
            emails[p.mentor_id],
            number(p.score),
            *[number(p.points.get(c, 0.0)) for c in criteria],
            "",
        ]
        for p in result.proposals
    ]
    rows += [
        [emails[u.mentee_id], "", "", *([""] * len(criteria)), u.reason] for u in result.unmatched
    ]
    with Path(path).open("w", encoding="utf-8", newline="") as f:
        write_rows(f, ["mentee_email", "mentor_email", "score", *criteria, "reason"], rows)
