"""The service's plumbing: the programs, the database, the clock, and one session per call.

Every write is one transaction: the change, its event and its messages commit together or
not at all, and lost races, a busy database and a failed one become domain errors (409,
or one sentence for the command line). Every part of the service builds on `ServiceBase`.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Callable, Iterator, Mapping
from contextlib import contextmanager
from contextvars import ContextVar
from pathlib import Path
from typing import Self

from sqlalchemy import update
from sqlalchemy.exc import IntegrityError, OperationalError, SQLAlchemyError
from sqlalchemy.orm import Session
from sqlalchemy.orm.attributes import flag_modified
from sqlalchemy.orm.exc import StaleDataError

from ..definition.program import Program
from ..errors import (
    Clashed,
    Conflict,
    Forbidden,
    NotFound,
    StaleVersion,
)
from ..records.database import Database, failed
from ..records.enrollment import EnrollmentRecord
from ..records.store import (
    Enrollment,
    FormPress,
    utcnow,
)
from ..rules.access import (
    Actor,
    relations,
)
from ..settings import Identity

# The press of a form (presses.py) whose work this request does, by its key's hash. Each
# write committed while it is set marks the press done in the same transaction, so a press
# whose answer dies with its server is never done a second time. Set by `first_press`,
# cleared by `press_done` and `pressing_over`.
PRESSING: ContextVar[str | None] = ContextVar("pressing", default=None)
# Where a press stands once its work is written and before its answer is known.
WORK_WRITTEN = ""

OPEN_DESK = "open its desk"
# One sentence for an enrollment that does not exist and one the asker may not see, so a
# refusal never tells the two apart.
NO_SUCH_ENROLLMENT = "There is no such enrollment."


def lost_race(exc: Conflict) -> bool:
    """Whether a conflict is a race the database lost (another write committed first, or
    the database was busy), not a refusal in words: only those are worth trying again."""
    return type(exc) in (Conflict, StaleVersion)


class ServiceBase:
    def __init__(
        self,
        programs: Mapping[str, Program],
        db: Database,
        clock: Callable[[], dt.datetime] = utcnow,
        uploads: Path | None = None,
        identity: Identity | None = None,
    ):
        self.programs = programs
        self.db = db
        self.clock = clock
        self.uploads = uploads if uploads is not None else Path("instance") / "uploads"
        self.identity = identity if identity is not None else Identity()
        # A sandbox's service (`sandbox.Sandbox`, on its own temporary database) may make
        # personas; a live one never does.
        self.sandboxed = False

    @classmethod
    def open(
        cls,
        programs: Mapping[str, Program],
        database_url: str,
        *,
        uploads: Path | None = None,
        clock: Callable[[], dt.datetime] = utcnow,
        identity: Identity | None = None,
    ) -> Self:
        """The service on the database at `database_url`, its schema brought up to date
        first: how the app factory and every command start, so that nothing outside the
        engine opens the database itself."""
        return cls(
            programs, Database(database_url), clock=clock, uploads=uploads, identity=identity
        )

    def with_programs(self, programs: Mapping[str, Program]) -> Self:
        """The same service (database, clock, uploads, identity) serving other programs:
        how the sandbox serves a definition saved again."""
        found = type(self)(
            programs, self.db, clock=self.clock, uploads=self.uploads, identity=self.identity
        )
        found.sandboxed = self.sandboxed
        return found

    def close(self) -> None:
        """Release the database's connections (commands call this when they end)."""
        self.db.dispose()

    @property
    def database_location(self) -> str:
        """Where the records are, as it may be shown (the password hidden)."""
        return self.db.location

    # -- plumbing -----------------------------------------------------------------

    @contextmanager
    def transaction(self) -> Iterator[Session]:
        """One unit of work; lost races and a busy database become conflicts (409)."""
        session = self.db.session()
        try:
            with session.begin():
                yield session
                pressed = PRESSING.get()
                if pressed is not None:
                    session.execute(
                        update(FormPress)
                        .where(FormPress.key_hash == pressed, FormPress.location.is_(None))
                        .values(location=WORK_WRITTEN)
                        .execution_options(synchronize_session=False)
                    )
        except StaleDataError:
            raise StaleVersion() from None
        except OperationalError as exc:
            if "locked" in str(exc).lower() or "could not serialize" in str(exc).lower():
                raise Conflict("The database was busy with another change; try again.") from None
            raise failed(exc) from None
        except IntegrityError:
            raise Clashed() from None
        except SQLAlchemyError as exc:
            raise failed(exc) from None
        finally:
            session.close()

    @contextmanager
    def reading(self) -> Iterator[Session]:
        """A session for reads only (nothing is committed); closed before the caller
        renders anything, so no page is drawn from a live session."""
        session = self.db.session()
        try:
            yield session
        except SQLAlchemyError as exc:
            raise failed(exc) from None
        finally:
            session.close()

    def program(self, program_id: str) -> Program:
        found = self.programs.get(program_id)
        if found is None:
            raise NotFound(f"There is no program '{program_id}'.")
        return found

    def program_with_role(self, program_id: str, role: str) -> Program:
        """The program, when people may enroll in it as `role`; NotFound otherwise."""
        program = self.program(program_id)
        if role not in program.roles:
            raise NotFound(f"{program.title} has no role '{role}'.")
        return program

    def record(
        self, session: Session, enrollment_id: str, program_id: str | None = None
    ) -> EnrollmentRecord:
        enrollment = session.get(Enrollment, enrollment_id)
        if enrollment is None or (program_id and enrollment.program_id != program_id):
            raise NotFound(NO_SUCH_ENROLLMENT)
        program = self.program(enrollment.program_id)
        return EnrollmentRecord(session, program, enrollment, self.clock())

    def roles(self, record: EnrollmentRecord, actor: Actor) -> frozenset[str]:
        """The actor's roles towards the enrollment; NotFound when they may not see it."""
        found = relations(record.session, actor, record.enrollment)
        if not found:
            raise NotFound(NO_SUCH_ENROLLMENT)
        return found

    @staticmethod
    def _check_version(enrollment: Enrollment, expected: int | None) -> None:
        if expected is not None and expected != enrollment.version:
            raise StaleVersion()

    def _touch(self, record: EnrollmentRecord) -> None:
        # Any write to an enrollment's records changes its version, even at the same
        # instant as the last one: flagging forces the UPDATE that bumps it.
        record.enrollment.updated_at = record.now
        flag_modified(record.enrollment, "updated_at")

    # -- the staff right --------------------------------------------------------
    # One place for the rule every staff page and command asks: a program's coordinators
    # and the admins may; the engine itself may where a command acts as the system. Each
    # caller names what is refused, so the refusal says it in words.

    def staff_program(
        self, program_id: str, actor: Actor, doing: str = OPEN_DESK, *, system: bool = False
    ) -> Program:
        """The program (NotFound when there is none) if `actor` is on its staff, else
        Forbidden; `system`: the engine itself (a command) may too."""
        program = self.program(program_id)
        if not actor.is_staff(program.id) and not (system and actor.is_system):
            raise Forbidden(f"Only the coordinators of {program.title} may {doing}.")
        return program
