"""`mentorflow export PROGRAM [--format csv|json] [--out DIR]`."""

from __future__ import annotations

import csv
import json
from pathlib import Path

import pytest
from click.testing import CliRunner

from mentorflow.engine.figures.export import ENROLLMENT_COLUMNS, EVENT_COLUMNS, SUBMISSION_COLUMNS
from mentorflow.engine.service.workflow import Workflow
from mentorflow.web.cli import main
from tests.closures import EARLY_REASON, GENERAL, Closures, make_closures
from tests.conftest import Clock, People

ROOT = Path(__file__).resolve().parents[2]


@pytest.fixture
def closures(
    workflow: Workflow, people: People, clock: Clock, monkeypatch: pytest.MonkeyPatch
) -> Closures:
    monkeypatch.setenv("MENTORFLOW_DATABASE_URL", workflow.db.url)
    monkeypatch.setenv("MENTORFLOW_DEFINITIONS", str(ROOT / "definitions"))
    return make_closures(workflow, people, clock)


def _run(*args: str) -> tuple[int, str, str]:
    result = CliRunner().invoke(main, list(args))
    assert "Traceback" not in result.stderr
    return result.exit_code, result.stdout, result.stderr


def _read(path: Path) -> list[dict[str, str]]:
    with path.open(encoding="utf-8", newline="") as f:
        return list(csv.DictReader(f))


def _header(path: Path) -> tuple[str, ...]:
    with path.open(encoding="utf-8", newline="") as f:
        return tuple(next(csv.reader(f)))


def test_csv_export(closures: Closures, tmp_path: Path) -> None:
    out = tmp_path / "new" / "folder"
    code, stdout, stderr = _run("export", GENERAL, "--out", str(out))
    assert code == 0, stderr
    assert sorted(p.name for p in out.iterdir()) == [
        "enrollments.csv",
        "events.csv",
        "submissions.csv",
    ]
    assert _header(out / "enrollments.csv") == ENROLLMENT_COLUMNS
    assert _header(out / "submissions.csv") == SUBMISSION_COLUMNS
    assert _header(out / "events.csv") == EVENT_COLUMNS
    enrollments = _read(out / "enrollments.csv")
    submissions = _read(out / "submissions.csv")
    events = _read(out / "events.csv")
    assert len(enrollments) == 5  # Cleo, Eddie, Rita; Mona, Otto
    assert f"{len(enrollments)} enrollments" in stdout
    assert f"{len(submissions)} submissions" in stdout
    assert f"{len(events)} events" in stdout and str(out) in stdout
    by_id = {row["id"]: row for row in enrollments}
    assert by_id[closures.completed.enrollment_id]["state"] == "completed"
    assert by_id[closures.early.enrollment_id]["state_label"] == "Closed early"
    assert (
        by_id[closures.rematched.enrollment_id]["partners"] == closures.other_mentor.enrollment_id
    )
    closing = next(row for row in events if row["transition"] == "close_early")
    assert EARLY_REASON in json.loads(closing["answers"])["reasons"]
    evaluation = next(row for row in submissions if row["form_id"] == "mentee_evaluation")
    assert evaluation["visible_to"] == "coordinator;filler"
    assert "satisfaction" in json.loads(evaluation["answers"])
    contract = next(row for row in submissions if row["form_id"] == "learning_contract")
    assert {s["role"] for s in json.loads(contract["signatures"])} >= {"mentor", "mentee"}


def test_json_export(closures: Closures, tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    here = tmp_path / "here"
    here.mkdir()
    monkeypatch.chdir(here)  # the default folder: the current one
    code, stdout, stderr = _run("export", GENERAL, "--format", "json")
    assert code == 0, stderr
    assert [p.name for p in here.iterdir()] == ["export.json"]
    data = json.loads((here / "export.json").read_text(encoding="utf-8"))
    assert sorted(data) == ["enrollments", "events", "submissions"]
    assert len(data["enrollments"]) == 5
    assert all(tuple(row) == ENROLLMENT_COLUMNS for row in data["enrollments"])
    assert all(tuple(row) == SUBMISSION_COLUMNS for row in data["submissions"])
    assert all(tuple(row) == EVENT_COLUMNS for row in data["events"])
    closing = next(e for e in data["events"] if e["transition"] == "close_early")
    assert EARLY_REASON in closing["answers"]["reasons"]
    assert f"{len(data['events'])} events" in stdout


def test_the_help_says_what_the_files_hold() -> None:
    code, stdout, _ = _run("export", "--help")
    assert code == 0
    assert "everything the program's staff may read" in " ".join(stdout.split())


def test_errors_are_one_sentence(closures: Closures, tmp_path: Path) -> None:
    code, _, stderr = _run("export", "no-such-program", "--out", str(tmp_path))
    assert code == 1
    assert stderr.startswith("mentorflow: There is no program 'no-such-program'")
    assert len(stderr.strip().splitlines()) == 1
    blocker = tmp_path / "file"
    blocker.write_text("x")
    code, _, stderr = _run("export", GENERAL, "--out", str(blocker / "sub"))
    assert code == 1 and stderr.startswith("mentorflow: ")
    code, _, _ = _run("export", GENERAL, "--format", "xml")
    assert code == 2
