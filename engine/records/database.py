"""Connecting to the database and bringing its schema up to date with Alembic.

SQLite is the embedded default; PostgreSQL (through psycopg 3) is the production
database, and the way past one machine: app servers keep no state of their own.
"""

from __future__ import annotations

from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path
from typing import Any

from alembic import command
from alembic.config import Config
from alembic.util import CommandError
from sqlalchemy import Engine, create_engine, event, text
from sqlalchemy.engine import make_url
from sqlalchemy.exc import SQLAlchemyError
from sqlalchemy.orm import Session, sessionmaker

from ..errors import DatabaseFailed
from .feed import follow_flushes
from .store import Base

try:  # POSIX: servers starting together on one SQLite file take turns migrating
    import fcntl
except ImportError:  # pragma: no cover (Windows: one server at a time)
    fcntl = None  # type: ignore[assignment]

FAILURES = (SQLAlchemyError, CommandError)  # what a database or a migration raises

MIGRATIONS = Path(__file__).parent / "migrations"


def create_db_engine(url: str) -> Engine:
    parsed = make_url(url)
    if parsed.get_backend_name() == "sqlite":
        if parsed.database and parsed.database != ":memory:":
            folder = Path(parsed.database).parent
            try:
                folder.mkdir(parents=True, exist_ok=True)
            except OSError as exc:
                raise DatabaseFailed(
                    f"The database file's folder {folder} cannot be made: {exc.strerror or exc}."
                ) from None
        engine = create_engine(
            url, connect_args={"timeout": 30, "check_same_thread": False}, future=True
        )
        event.listen(engine, "connect", _sqlite_pragmas)
        return engine
    return create_engine(url, pool_pre_ping=True, future=True)


def _sqlite_pragmas(dbapi_connection: Any, _record: Any) -> None:
    cursor = dbapi_connection.cursor()
    cursor.execute("PRAGMA foreign_keys=ON")
    cursor.execute("PRAGMA journal_mode=WAL")  # readers do not wait for the writer
    cursor.execute("PRAGMA busy_timeout=30000")
    cursor.close()


def alembic_config(engine: Engine) -> Config:
    config = Config()
    config.set_main_option("script_location", str(MIGRATIONS))
    config.attributes["engine"] = engine
    config.attributes["metadata"] = Base.metadata
    return config


def upgrade(engine: Engine) -> None:
    """Apply every pending migration (nothing when the schema is current). Servers that
    start together (gunicorn's workers) take turns: the first migrates, the others then
    find nothing to do instead of creating the same tables and failing."""
    with one_migration_at_a_time(engine):
        command.upgrade(alembic_config(engine), "head")


# The PostgreSQL advisory lock every migration holds (any fixed number, ours alone).
MIGRATION_LOCK = 0x6D666D67


@contextmanager
def one_migration_at_a_time(engine: Engine) -> Iterator[None]:
    """Hold a lock across processes while migrating: PostgreSQL's advisory lock, or a
    lock on a file beside a SQLite database (SQLite runs Alembic's DDL outside any
    transaction, so the database itself cannot serialise it)."""
    if engine.dialect.name == "postgresql":
        with engine.connect() as connection:
            connection.execute(text("SELECT pg_advisory_lock(:key)"), {"key": MIGRATION_LOCK})
            try:
                yield
            finally:
                connection.execute(text("SELECT pg_advisory_unlock(:key)"), {"key": MIGRATION_LOCK})
                connection.commit()
        return
    database = engine.url.database if engine.dialect.name == "sqlite" else None
    if not database or database == ":memory:" or fcntl is None:
        yield
        return
    with open(f"{database}.migrating", "a") as held:
        fcntl.flock(held, fcntl.LOCK_EX)  # released when the file is closed
        yield


def first_line(exc: BaseException) -> str:
    """The driver's own sentence, without SQLAlchemy's statement dump and links."""
    cause = getattr(exc, "orig", None) or exc
    lines = [line.strip() for line in str(cause).splitlines() if line.strip()]
    return lines[0] if lines else type(exc).__name__


def failed(exc: BaseException) -> DatabaseFailed:
    """A failure met while using the database, as the one sentence people read."""
    return DatabaseFailed(f"the database failed: {first_line(exc)}")


@contextmanager
def failures_told() -> Iterator[None]:
    """Database failures inside become `DatabaseFailed`, for the work that is not done in
    a service session (sending mail, checking another database)."""
    try:
        yield
    except FAILURES as exc:
        raise failed(exc) from None


def location(url: str) -> str:
    """The URL as it may be shown: the password hidden."""
    return make_url(url).render_as_string(hide_password=True)


class Database:
    """An engine and its sessions, with the schema brought up to date on opening."""

    def __init__(self, url: str, *, migrate: bool = True):
        self.url = url
        try:
            self.engine = create_db_engine(url)
            if migrate:
                upgrade(self.engine)
        except FAILURES as exc:
            try:
                where = location(url)
            except FAILURES:  # not even a URL: say what the driver said
                raise failed(exc) from None
            raise DatabaseFailed(f"The database at {where} failed: {first_line(exc)}") from None
        self.sessions = sessionmaker(self.engine, expire_on_commit=False)
        follow_flushes(self.sessions)

    @property
    def location(self) -> str:
        return location(self.url)

    def session(self) -> Session:
        return self.sessions()

    def dispose(self) -> None:
        self.engine.dispose()
