"""`mentorflow match PROGRAM [--dry-run] [--csv FILE] [--by EMAIL]`: the proposals printed,
the CSV exactly, and confirming moves the mentees' states."""

from __future__ import annotations

import csv
from pathlib import Path

import pytest
from click.testing import CliRunner
from sqlalchemy import select

from mentorflow.engine.records.store import Enrollment, MatchingRun
from mentorflow.engine.rules.access import Actor
from mentorflow.engine.service.workflow import Workflow
from mentorflow.web.cli import main
from tests.conftest import People
from tests.support import unique
from tests.web.matching_pool import CRITERIA, GENERAL, Pool, make_pool

ROOT = Path(__file__).resolve().parents[2]
TITLE = "Agency Workplace Mentoring Program"
REX_REASON = "no mentor passes the hard constraint 'Availability'"


@pytest.fixture
def coordinator(people: People) -> Actor:
    return people.person(unique("coordinator"), "Cora Coordinator", coordinates=GENERAL)


@pytest.fixture
def pool(
    workflow: Workflow, people: People, coordinator: Actor, monkeypatch: pytest.MonkeyPatch
) -> Pool:
    monkeypatch.setenv("MENTORFLOW_DATABASE_URL", workflow.db.url)
    monkeypatch.setenv("MENTORFLOW_DEFINITIONS", str(ROOT / "definitions"))
    return make_pool(workflow, people, coordinator)


def _run(*args: str) -> tuple[int, str, str]:
    result = CliRunner().invoke(main, list(args))
    assert "Traceback" not in result.stderr
    return result.exit_code, result.stdout, result.stderr


def _states(workflow: Workflow, pool: Pool) -> dict[str, str]:
    with workflow.db.session() as session:
        return {
            name: session.get(Enrollment, getattr(pool, name).enrollment_id).state  # type: ignore[union-attr]
            for name in ("pia", "quinn", "rex")
        }


def _runs(workflow: Workflow) -> list[MatchingRun]:
    with workflow.db.session() as session:
        return list(session.scalars(select(MatchingRun)))


def test_a_dry_run_prints_the_proposals_and_writes_the_csv(
    workflow: Workflow, pool: Pool, tmp_path: Path
) -> None:
    out_file = tmp_path / "proposals.csv"
    code, out, err = _run("match", GENERAL, "--dry-run", "--csv", str(out_file))
    assert code == 0, err
    assert out.splitlines() == [
        f"2 proposed for {TITLE} (optimal), total score 20:",
        f"  {pool.pia.email} -> {pool.ann.email}  score 10",
        f"  {pool.quinn.email} -> {pool.ben.email}  score 10",
        "1 left without a mentor:",
        f"  {pool.rex.email}: {REX_REASON}",
    ]
    assert "Scoring and solving" in err
    assert "Scored 3 waiting mentees against 2 mentors with places; solved: 2 proposed." in err
    with out_file.open(encoding="utf-8", newline="") as f:
        rows = list(csv.reader(f))
    assert rows == [
        ["mentee_email", "mentor_email", "score", *CRITERIA, "reason"],
        [pool.pia.email, pool.ann.email, "10", "3", "2", "1", "1", "1", "1", "1", ""],
        [pool.quinn.email, pool.ben.email, "10", "3", "2", "1", "1", "1", "1", "1", ""],
        [pool.rex.email, "", "", *[""] * len(CRITERIA), REX_REASON],
    ]
    # a dry run changes nothing and keeps no run
    assert _states(workflow, pool) == {"pia": "trained", "quinn": "trained", "rex": "trained"}
    assert _runs(workflow) == []


def test_confirming_moves_the_states(workflow: Workflow, pool: Pool, coordinator: Actor) -> None:
    code, out, err = _run("match", GENERAL, "--by", coordinator.email)
    assert code == 0, err
    assert out.splitlines()[-1] == "Confirmed 2 of 2 matches."
    assert "Confirming" in err
    assert _states(workflow, pool) == {"pia": "matched", "quinn": "matched", "rex": "trained"}
    [run] = _runs(workflow)
    assert run.confirmed["by"] == coordinator.person_id
    assert [(p["mentee"], p["mentor"], p["refused"]) for p in run.confirmed["pairs"]] == [
        (pool.pia.enrollment_id, pool.ann.enrollment_id, None),
        (pool.quinn.enrollment_id, pool.ben.enrollment_id, None),
    ]
    # again: only Rex waits, and nobody can take him
    code, out, _ = _run("match", GENERAL, "--by", coordinator.email)
    assert code == 0
    assert out.splitlines() == [
        f"0 proposed for {TITLE} (optimal), total score 0:",
        "1 left without a mentor:",
        f"  {pool.rex.email}: no mentor has a place free",
    ]


def test_confirming_as_the_system(workflow: Workflow, pool: Pool) -> None:
    code, out, err = _run("match", GENERAL)
    assert code == 0, err
    assert out.splitlines()[-1] == "Confirmed 2 of 2 matches."
    assert _states(workflow, pool) == {"pia": "matched", "quinn": "matched", "rex": "trained"}


def test_errors_are_one_sentence(pool: Pool, people: People) -> None:
    code, out, err = _run("match", "nope", "--dry-run")
    assert code == 1 and out == ""
    assert err.startswith("mentorflow: There is no program 'nope'")
    assert len(err.strip().splitlines()) == 1
    stranger = people.person(unique("stranger"), "Stan Stranger")
    code, _, err = _run("match", GENERAL, "--by", stranger.email)
    assert code == 1
    assert err.strip() == (
        f"mentorflow: {stranger.email} is not a coordinator of {TITLE} or an admin."
    )
    code, _, err = _run("match")
    assert code == 2
