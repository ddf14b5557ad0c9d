"""Every CSV the project writes, with names people chose and labels a definition gave that a
spreadsheet would run as formulas: each such cell starts with `'`; ordinary text and
numbers are written as they are (issue 11, finding 4)."""

from __future__ import annotations

import csv
import io
from pathlib import Path

import pytest
from click.testing import CliRunner

from mentorflow.engine import load_file
from mentorflow.engine.definition.program import Program
from mentorflow.engine.records.store import Person
from mentorflow.engine.rules.access import Actor
from mentorflow.engine.service.workflow import Workflow
from mentorflow.web.cli import main
from tests.conftest import SMALL, People
from tests.support import sample_answers, unique
from tests.web.conftest import GENERAL, World
from tests.web.matching_pool import Pool, make_pool

ROOT = Path(__file__).resolve().parents[2]
HOSTILE = ['=HYPERLINK("http://evil","x")', "+1", "-2+3", "@SUM(A1)", "\tX", "\rY"]
NORMAL = "Nora Normal"
HOSTILE_PROGRAM = "hostile-program"
ROLE_LABEL = '=HYPERLINK("http://evil","role")'
STATE_LABEL = "@Applied"


def hostile_definition(folder: Path) -> Path:
    """The small test program, renamed, with a role label and a state label that are
    formulas."""
    text = SMALL.read_text()
    changes = [
        ("id: small-program", f"id: {HOSTILE_PROGRAM}"),
        ("    label: Mentee\n", f"    label: '{ROLE_LABEL}'\n"),
        ("applied: {label: Applied,", f"applied: {{label: '{STATE_LABEL}',"),
    ]
    for old, new in changes:
        assert text.count(old) == 1, old
        text = text.replace(old, new)
    folder.mkdir(parents=True, exist_ok=True)
    path = folder / "hostile.yaml"
    path.write_text(text)
    return path


def apply_to_hostile(workflow: Workflow, who: Actor, role: str) -> str:
    program = workflow.programs[HOSTILE_PROGRAM]
    answers = sample_answers(
        program,
        program.apply_form(role),
        today=workflow.clock().date(),
        email=who.email,
        supervisor=unique("boss"),
    )
    answers["years_of_service"] = 1.5  # not fast-tracked: stays in the applied state
    return workflow.apply(HOSTILE_PROGRAM, role, who, answers).id


def person(people: People, role: str, name: str) -> Actor:
    """Someone named `name`, stored as it is: the service trims the spaces around a name
    it is given (a tab or CR cannot lead one that way), but a cell must be safe whatever
    the records hold."""
    who = people.person(unique(role), name)
    with people.db.session() as session, session.begin():
        found = session.get(Person, who.person_id)
        assert found is not None
        found.name = name
    return who


def safe(value: str) -> str:
    return "'" + value


def read(text: str) -> list[list[str]]:
    return list(csv.reader(io.StringIO(text, newline="")))


# ---------------------------------------------------------------- pages


@pytest.fixture(scope="module")
def hostile_world(world: World, tmp_path_factory: pytest.TempPathFactory) -> World:
    """Mentors named like formulas in the general program, and the hostile program."""
    program: Program = load_file(hostile_definition(tmp_path_factory.mktemp("hostile")))
    world.workflow.programs[HOSTILE_PROGRAM] = program
    for name in [*HOSTILE, NORMAL]:
        who = person(world.people, "mentor", name)
        answers = world.apply_answers("mentor", who, unique("boss"))
        world.workflow.apply(GENERAL, "mentor", who, answers)
        apply_to_hostile(world.workflow, who, "mentee")
    return world


@pytest.mark.parametrize("name", HOSTILE)
def test_recognition_csv(hostile_world: World, name: str) -> None:
    response = hostile_world.browser(hostile_world.coordinator).get(f"/p/{GENERAL}/recognition.csv")
    assert response.status_code == 200
    rows = read(response.get_data(as_text=True))
    names = [row[0] for row in rows[1:]]
    assert safe(name) in names and name not in names
    assert NORMAL in names
    assert all(not row[0].startswith(("=", "+", "-", "@", "\t", "\r")) for row in rows)
    counts = [cell for row in rows[1:] for cell in row[2:7]]
    assert all(c.isdigit() for c in counts)  # numbers as numbers


def test_reports_csv(hostile_world: World) -> None:
    response = hostile_world.browser(hostile_world.admin).get(f"/p/{HOSTILE_PROGRAM}/reports.csv")
    assert response.status_code == 200
    rows = read(response.get_data(as_text=True))
    items = [row[1] for row in rows[1:]]
    assert safe(f"{ROLE_LABEL}: all") in items
    assert safe(f"{ROLE_LABEL}: {STATE_LABEL}") in items
    assert "Mentor: all" in items  # an ordinary label as it is
    assert [rows[0], *[r for r in rows if r[1] == safe(f"{ROLE_LABEL}: all")]] == [
        ["report", "item", "measure", "value"],
        ["enrollments_by_state", safe(f"{ROLE_LABEL}: all"), "people", str(len(HOSTILE) + 1)],
    ]


# ---------------------------------------------------------------- commands


def run(*args: str) -> str:
    result = CliRunner().invoke(main, list(args))
    assert "Traceback" not in result.stderr
    assert result.exit_code == 0, result.stderr
    return result.stdout


@pytest.fixture
def definitions(tmp_path: Path, monkeypatch: pytest.MonkeyPatch, workflow: Workflow) -> Path:
    folder = tmp_path / "definitions"
    hostile_definition(folder)
    for source in (ROOT / "definitions").glob("*.yaml"):
        (folder / source.name).write_text(source.read_text())
    monkeypatch.setenv("MENTORFLOW_DATABASE_URL", workflow.db.url)
    monkeypatch.setenv("MENTORFLOW_DEFINITIONS", str(folder))
    return folder


def test_export_enrollments_csv(
    definitions: Path, workflow: Workflow, people: People, tmp_path: Path
) -> None:
    wf = Workflow(
        {**workflow.programs, HOSTILE_PROGRAM: load_file(definitions / "hostile.yaml")},
        workflow.db,
        clock=workflow.clock,
    )
    emails = {}
    for name in [*HOSTILE, NORMAL]:
        who = person(people, "mentee", name)
        apply_to_hostile(wf, who, "mentee")
        emails[who.email] = name
    out = tmp_path / "out"
    run("export", HOSTILE_PROGRAM, "--out", str(out))
    with (out / "enrollments.csv").open(encoding="utf-8", newline="") as f:
        rows = list(csv.DictReader(f))
    assert {row["email"]: row["name"] for row in rows} == {
        email: name if name == NORMAL else safe(name) for email, name in emails.items()
    }
    assert {row["state_label"] for row in rows} == {safe(STATE_LABEL)}
    assert {row["revision"] for row in rows} == {"1"}
    for table in ("enrollments", "submissions", "events"):
        text = (out / f"{table}.csv").read_text(encoding="utf-8")
        for row in read(text):
            assert not any(cell.startswith(("=", "+", "-", "@", "\t", "\r")) for cell in row)


def test_match_csv(definitions: Path, workflow: Workflow, people: People, tmp_path: Path) -> None:
    coordinator = people.person(unique("coordinator"), "Cora Coordinator", coordinates=GENERAL)
    pool: Pool = make_pool(workflow, people, coordinator)
    # Addresses may start with these characters (`@`, tab and CR cannot start one).
    hostile = {"pia": "=1+1@example.org", "quinn": "+1@example.org", "ann": "-2+3@example.org"}
    with workflow.db.session() as session, session.begin():
        for member, email in hostile.items():
            person = session.get(Person, getattr(pool, member).who.person_id)
            assert person is not None
            person.email = email
    out_file = tmp_path / "proposals.csv"
    run("match", GENERAL, "--dry-run", "--csv", str(out_file))
    rows = read(out_file.read_text(encoding="utf-8"))
    assert rows[1][:3] == [safe(hostile["pia"]), safe(hostile["ann"]), "10"]
    assert rows[2][:3] == [safe(hostile["quinn"]), pool.ben.email, "10"]
    assert rows[3][0] == pool.rex.email
