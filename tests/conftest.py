"""Shared fixtures: a database on SQLite and (when configured) PostgreSQL, the example
programs, a clock the tests move, and people in every role."""

from __future__ import annotations

import datetime as dt
import functools
import os
from collections.abc import Iterator
from pathlib import Path

import pytest
from sqlalchemy import create_engine, make_url, text

from mentorflow import engine
from mentorflow.engine.records.database import Database
from mentorflow.engine.records.store import StaffRole
from mentorflow.engine.rules.access import Actor, actor_for
from mentorflow.engine.sandbox.clock import MovableClock
from mentorflow.engine.service import people as people_module
from mentorflow.engine.service.people import get_or_create_person, hash_password
from mentorflow.engine.service.session import PRESSING
from mentorflow.engine.service.workflow import Workflow

ROOT = Path(__file__).resolve().parents[1]
SMALL = ROOT / "tests" / "engine" / "data" / "small.yaml"


def _own_postgres_database(url: str | None) -> str | None:
    """Under pytest-xdist each worker gets a database of its own (`<name>_gw0`, created on
    first use), because every PostgreSQL test starts by dropping the whole schema."""
    worker = os.environ.get("PYTEST_XDIST_WORKER")
    if not url or not worker:
        return url
    base = make_url(url)
    own = base.set(database=f"{base.database}_{worker}")
    server = create_engine(base.set(database="postgres"), isolation_level="AUTOCOMMIT")
    with server.connect() as connection:
        exists = connection.execute(
            text("SELECT 1 FROM pg_database WHERE datname = :name"), {"name": own.database}
        ).first()
        if not exists:
            connection.execute(text(f'CREATE DATABASE "{own.database}"'))
    server.dispose()
    return own.render_as_string(hide_password=False)


POSTGRES_URL = _own_postgres_database(os.environ.get("MENTORFLOW_TEST_POSTGRES_URL"))
DATABASES = ["sqlite", "postgresql"] if POSTGRES_URL else ["sqlite"]

if os.environ.get("CI") and not POSTGRES_URL:  # CI must never skip PostgreSQL silently
    raise RuntimeError("CI runs without MENTORFLOW_TEST_POSTGRES_URL")


def reset_postgres(url: str) -> None:
    engine_ = create_engine(url)
    with engine_.begin() as connection:
        connection.execute(text("DROP SCHEMA public CASCADE"))
        connection.execute(text("CREATE SCHEMA public"))
    engine_.dispose()


def module_database_url(kind: str, tmp_path_factory: pytest.TempPathFactory) -> str:
    """A database for a module's tests: a new SQLite file, or the (emptied) PostgreSQL one."""
    if kind == "sqlite":
        return f"sqlite:///{tmp_path_factory.mktemp('db')}/mentorflow.db"
    assert POSTGRES_URL
    reset_postgres(POSTGRES_URL)
    return POSTGRES_URL


def module_database(
    request: pytest.FixtureRequest, tmp_path_factory: pytest.TempPathFactory
) -> Iterator[Database]:
    """The body of a module-scoped `db` fixture, for modules whose tests share one database
    per kind: `db = pytest.fixture(scope="module", params=DATABASES)(module_database)`."""
    database = Database(module_database_url(request.param, tmp_path_factory))
    yield database
    database.dispose()


@pytest.fixture(params=DATABASES)
def db_url(request: pytest.FixtureRequest, tmp_path: Path) -> str:
    if request.param == "sqlite":
        return f"sqlite:///{tmp_path}/mentorflow.db"
    assert POSTGRES_URL
    reset_postgres(POSTGRES_URL)
    return POSTGRES_URL


@pytest.fixture
def db(db_url: str) -> Iterator[Database]:
    database = Database(db_url)
    yield database
    database.dispose()


@pytest.fixture(scope="session")
def programs() -> dict[str, engine.Program]:
    found = engine.load_paths([ROOT / "definitions"])
    small = engine.load_file(SMALL)
    return {**found, small.id: small}


class Clock(MovableClock):
    """Now, as the tests want it to be: the sandbox's movable clock, from a fixed day."""

    def __init__(self) -> None:
        super().__init__(dt.datetime(2026, 3, 2, 9, 0, tzinfo=dt.UTC))


@pytest.fixture
def clock() -> Clock:
    return Clock()


@pytest.fixture
def workflow(programs: dict[str, engine.Program], db: Database, clock: Clock) -> Workflow:
    return Workflow(programs, db, clock=clock)


def _password_hash() -> str:
    # One scrypt hash for everyone the tests make: at a tenth of a second each, hashing
    # per person was most of the time of the tests that make a cast of eight (and of a
    # mutation run, which repeats them for every mutant). Hashing itself is tested in
    # tests/engine/service/test_credentials.py. One per cost: tests that lower the cost
    # (the web tests) or count scrypt calls must find their accounts hashed at that cost.
    return _password_hash_at(tuple(sorted(people_module._SCRYPT.items())))


@functools.cache
def _password_hash_at(cost: tuple[tuple[str, int], ...]) -> str:
    return hash_password("correct horse battery")


class People:
    """Makes people and returns them as actors."""

    def __init__(self, db: Database):
        self.db = db

    def person(
        self, email: str, name: str = "", *, admin: bool = False, coordinates: str | None = None
    ) -> Actor:
        with self.db.session() as session, session.begin():
            person = get_or_create_person(session, email, name or email.split("@")[0].title())
            person.password_hash = _password_hash()
            person.email_verified_at = person.email_verified_at or dt.datetime.now(dt.UTC)
            person.is_admin = admin
            if coordinates:
                session.add(StaffRole(person_id=person.id, program_id=coordinates))
            session.flush()
            return actor_for(session, person)


@pytest.fixture
def people(db: Database) -> People:
    return People(db)


@pytest.fixture(autouse=True)
def _no_press_left_over() -> Iterator[None]:
    """A test that claims a form press and never finishes it (as a dead server would)
    leaves nothing that marks a press in the next test run on this thread."""
    yield
    PRESSING.set(None)
