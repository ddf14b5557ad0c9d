"""The commands that use the database: `db upgrade`, `user add` and `import`."""

from __future__ import annotations

from pathlib import Path

import pytest
from click.testing import CliRunner
from sqlalchemy import func, inspect, select

from mentorflow.engine.records.database import Database
from mentorflow.engine.records.store import Enrollment, Event, OutboxMessage, Person, StaffRole
from mentorflow.engine.service.people import check_password
from mentorflow.web.cli import main

ROOT = Path(__file__).resolve().parents[2]
PASSWORD = "correct horse battery"
TITLE = "Agency Workplace Mentoring Program"


@pytest.fixture
def env(db_url: str, monkeypatch: pytest.MonkeyPatch) -> str:
    monkeypatch.setenv("MENTORFLOW_DATABASE_URL", db_url)
    monkeypatch.setenv("MENTORFLOW_DEFINITIONS", str(ROOT / "definitions"))
    return db_url


def _run(*args: str, input: str | None = None) -> tuple[int, str, str]:
    result = CliRunner().invoke(main, list(args), input=input)
    assert "Traceback" not in result.stderr
    return result.exit_code, result.stdout, result.stderr


def _person(url: str, email: str) -> tuple[Person | None, list[str]]:
    database = Database(url)
    try:
        with database.session() as session:
            person = session.scalars(select(Person).where(Person.email == email)).first()
            roles = session.scalars(
                select(StaffRole.program_id).where(
                    StaffRole.person_id == (person.id if person else "")
                )
            ).all()
            return person, list(roles)
    finally:
        database.dispose()


# ---------------------------------------------------------------- db upgrade


def test_db_upgrade_creates_the_schema(env: str) -> None:
    code, out, err = _run("db", "upgrade")
    assert code == 0, err
    assert len(out.strip().splitlines()) == 1 and "up to date" in out
    database = Database(env, migrate=False)
    try:
        assert {"people", "enrollments", "outbox"} <= set(
            inspect(database.engine).get_table_names()
        )
    finally:
        database.dispose()
    assert _run("db", "upgrade")[0] == 0  # nothing pending: still fine


def test_an_unreachable_database_is_one_sentence(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv(
        "MENTORFLOW_DATABASE_URL", "postgresql+psycopg://someone:secret@127.0.0.1:9/nowhere"
    )
    code, _, err = _run("db", "upgrade")
    assert code == 1
    assert err.startswith("mentorflow: The database at postgresql+psycopg://someone:***@")
    assert "secret" not in err and len(err.strip().splitlines()) == 1


# ---------------------------------------------------------------- user add


def test_add_an_admin_with_the_password_on_stdin(env: str) -> None:
    code, out, err = _run(
        "user", "add", "Root@Example.gov", "--name", "Ro Ot", "--role", "admin",
        "--password-stdin", input=PASSWORD + "\n",
    )  # fmt: skip
    assert code == 0, err
    assert out == "root@example.gov is now an admin.\n"
    person, _ = _person(env, "root@example.gov")
    assert person is not None and person.is_admin and person.name == "Ro Ot"
    assert check_password(person.password_hash, PASSWORD)
    assert person.email_verified_at is not None  # the operator vouched for the address


def test_add_a_coordinator_then_give_the_same_person_another_role(env: str) -> None:
    args = ["user", "add", "cora@example.gov", "--name", "Cora", "--password-stdin"]
    code, out, err = _run(
        *args, "--role", "coordinator", "--program", "general-mentoring", input=PASSWORD + "\n"
    )
    assert code == 0, err
    assert out == f"cora@example.gov is now a coordinator of {TITLE}.\n"
    code, _, err = _run(*args, "--role", "admin", input="another password\n")
    assert code == 0, err
    person, programs = _person(env, "cora@example.gov")
    assert person is not None and person.is_admin and programs == ["general-mentoring"]
    assert check_password(person.password_hash, "another password")
    # Coordinating the same program twice changes nothing.
    assert (
        _run(*args, "--role", "coordinator", "--program", "general-mentoring", input=PASSWORD)[0]
        == 0
    )
    assert _person(env, "cora@example.gov")[1] == ["general-mentoring"]


def test_without_a_password_an_invitation_is_mailed_and_no_role_binds_yet(env: str) -> None:
    args = ["user", "add", "ada@example.gov", "--name", "Ada", "--role", "coordinator"]
    code, out, err = _run(*args, "--program", "general-mentoring")
    assert code == 0, err
    assert out == (
        f"ada@example.gov is invited to be a coordinator of {TITLE}: "
        "the role is theirs once they accept.\n"
    )
    person, programs = _person(env, "ada@example.gov")
    assert person is not None and person.password_hash is None and programs == []
    assert person.email_verified_at is None
    database = Database(env)
    try:
        with database.session() as session:
            mail = session.scalars(
                select(OutboxMessage).where(OutboxMessage.to_email == "ada@example.gov")
            ).one()
    finally:
        database.dispose()
    assert "http://127.0.0.1:5000/invite/" in mail.body and mail.program_id is None


@pytest.mark.parametrize(
    ("extra", "password", "code", "said"),
    [
        (["--role", "boss"], PASSWORD, 2, "Invalid value for '--role'"),
        (["--role", "coordinator"], PASSWORD, 1, "A coordinator needs --program"),
        (
            ["--role", "coordinator", "--program", "general-mentorin"],
            PASSWORD,
            1,
            "There is no program 'general-mentorin' (did you mean 'general-mentoring'?)",
        ),
        (["--role", "admin", "--program", "general-mentoring"], PASSWORD, 1, "leave out --program"),
        (["--role", "admin"], "short", 1, "at least 8 characters"),
        (["--role", "admin"], "password", 1, "one of the most common ones"),
    ],
    ids=[
        "bad-role",
        "no-program",
        "unknown-program",
        "admin-with-program",
        "short-password",
        "common-password",
    ],
)
def test_bad_input_is_one_sentence(
    env: str, extra: list[str], password: str, code: int, said: str
) -> None:
    got, out, err = _run(
        "user", "add", "x@example.gov", "--name", "X", "--password-stdin", *extra,
        input=password + "\n",
    )  # fmt: skip
    assert (got, out) == (code, "")
    assert said in err
    if code == 1:
        assert err.startswith("mentorflow: ") and len(err.strip().splitlines()) == 1
        assert _person(env, "x@example.gov")[0] is None


def test_a_bad_email_is_refused(env: str) -> None:
    code, _, err = _run(
        "user", "add", "not-an-address", "--name", "X", "--role", "admin", "--password-stdin",
        input=PASSWORD,
    )  # fmt: skip
    assert code == 1 and "is not an e-mail address" in err


# ---------------------------------------------------------------- import

HEADER = (
    "name,employee_id,job_title,division,work_phone,email,supervisor_email,supervisor_informed,"
    "years_of_service,new_responsibilities,new_responsibilities_details,interests,"
    "development_goals,learning_style,availability,meeting_formats,hours_per_month,commitment"
)
GOALS = "I would like to learn how the budget is prepared and how to present it to the board."


def _mentee(email: str, *, years: str = "2", employee_id: str = "123456") -> str:
    cells = [
        "Ann Lee", employee_id, "Analyst", "Operations", "555-010-0000", email, "boss@example.gov",
        "yes", years, "no", "", "Budgeting and finance;Career planning", GOALS,
        "Learning by doing", "Weekday mornings", "In person;Video call", "2", "true",
    ]  # fmt: skip
    return ",".join(cells)


def _csv(tmp_path: Path, *rows: str) -> Path:
    path = tmp_path / "mentees.csv"
    path.write_text("\n".join([HEADER, *rows]) + "\n")
    return path


def _counts(url: str) -> tuple[int, int, list[tuple[str, str]]]:
    database = Database(url)
    try:
        with database.session() as session:
            return (
                session.scalar(select(func.count()).select_from(Person)) or 0,
                session.scalar(select(func.count()).select_from(Enrollment)) or 0,
                [(e.kind, e.to_state) for e in session.scalars(select(Event).order_by(Event.id))],
            )
    finally:
        database.dispose()


def test_import_success(env: str, tmp_path: Path) -> None:
    path = _csv(tmp_path, _mentee("ann@example.gov"), _mentee("bo@example.gov"))
    code, out, err = _run("import", "general-mentoring", "mentee", str(path))
    assert code == 0, err
    assert out == f"Imported 2 mentee applications into {TITLE}.\n"
    assert _counts(env) == (2, 2, [("apply", "applied")] * 2)


def test_import_into_a_state(env: str, tmp_path: Path) -> None:
    path = _csv(tmp_path, _mentee("ann@example.gov"))
    code, out, err = _run("import", "general-mentoring", "mentee", str(path), "--state", "screened")
    assert code == 0, err
    assert out == f"Imported 1 mentee application into {TITLE}.\n"
    assert _counts(env)[2] == [("apply", "applied"), ("import", "screened")]


def test_import_failure_lists_every_bad_row(env: str, tmp_path: Path) -> None:
    path = _csv(
        tmp_path,
        _mentee("ann@example.gov"),
        _mentee("bo@example.gov", employee_id="12"),
        _mentee("cy@example.gov", years="30").replace(",no,", ",yes,", 1),
        _mentee("ann@example.gov"),
    )
    code, out, err = _run("import", "general-mentoring", "mentee", str(path))
    assert code == 1 and out == ""
    lines = [line for line in err.splitlines() if line.startswith(str(path))]
    assert [line.split(":")[1] for line in lines] == ["3", "4", "5"]
    assert "six-digit number on your pay stub" in lines[0]
    assert "new_responsibilities_details: This answer is required" in lines[1]
    assert "ann@example.gov is also on line 2" in lines[2]
    assert err.rstrip().endswith("mentorflow: 3 rows have problems; nothing was imported.")
    assert _counts(env)[:2] == (0, 0)


@pytest.mark.parametrize(
    ("args", "said"),
    [
        (["nope", "mentee"], "There is no program 'nope'"),
        (["general-mentoring", "mentor"], "Not fields of the Mentor Application"),
        (["general-mentoring", "boss"], "has no role 'boss'"),
        (["general-mentoring", "mentee", "--state", "nowhere"], "There is no state 'nowhere'"),
    ],
    ids=["program", "role-form", "role", "state"],
)
def test_import_errors_are_one_sentence(
    env: str, tmp_path: Path, args: list[str], said: str
) -> None:
    path = _csv(tmp_path, _mentee("ann@example.gov"))
    code, _, err = _run("import", *args[:2], str(path), *args[2:])
    assert code == 1 and said in err
    assert err.strip().splitlines()[-1].startswith("mentorflow: ")


def test_import_a_missing_or_unreadable_file(env: str, tmp_path: Path) -> None:
    code, _, err = _run("import", "general-mentoring", "mentee", str(tmp_path / "nope.csv"))
    assert code == 1 and "No such file" in err
    latin = tmp_path / "latin.csv"
    latin.write_bytes(HEADER.encode() + b"\nJos\xe9\n")
    code, _, err = _run("import", "general-mentoring", "mentee", str(latin))
    assert code == 1 and "is not UTF-8 text" in err


def test_import_usage_error_exits_2(env: str) -> None:
    code, _, err = _run("import", "general-mentoring")
    assert code == 2 and "Missing argument" in err
