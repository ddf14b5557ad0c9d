"""A person's records: the export holds everything about them and no secret; erasure
anonymises every enrollment no legal hold keeps, names the held ones, and forgets the
person once nothing keeps them."""

from __future__ import annotations

import csv
import io
import json
import zipfile
from pathlib import Path

import pytest
from sqlalchemy import select

from mentorflow import engine
from mentorflow.engine.errors import BadToken, Forbidden, NotFound
from mentorflow.engine.records.database import Database
from mentorflow.engine.records.store import Enrollment, Person, PurgeLogEntry
from mentorflow.engine.rules.access import SYSTEM_ACTOR
from mentorflow.engine.service.workflow import Workflow
from tests.conftest import Clock, People
from tests.engine.service.test_retention import _everything, _secret_answers
from tests.support import make_cast, walk_to

GENERAL = "general-mentoring"


@pytest.fixture
def service(
    programs: dict[str, engine.Program], db: Database, clock: Clock, tmp_path: Path
) -> Workflow:
    return Workflow(programs, db, clock=clock, uploads=tmp_path / "uploads")


def _unzip(data: bytes) -> dict[str, str]:
    with zipfile.ZipFile(io.BytesIO(data)) as archive:
        return {name: archive.read(name).decode() for name in archive.namelist()}


def test_the_export_holds_everything_about_the_person_and_no_secret(
    service: Workflow, people: People, clock: Clock
) -> None:
    program = service.programs[GENERAL]
    cast = make_cast(people, program)
    walk = walk_to(service, program, "mentee", "matched", people=people, clock=clock, cast=cast)
    files = _unzip(service.person_export(walk.person))
    assert set(files) == {
        "records.json",
        *(f"{t}.csv" for t in ("person", "staff_roles", "enrollments", "submissions")),
        *(f"{t}.csv" for t in ("signatures", "events", "files")),
    }
    records = json.loads(files["records.json"])
    assert records["person"] == [
        {**records["person"][0], "email": walk.person.email, "name": walk.person.name}
    ]
    assert [e["id"] for e in records["enrollments"]] == [walk.enrollment_id]
    forms = {s["form_id"] for s in records["submissions"]}
    assert "mentee_application" in forms  # and what staff wrote about them
    assert any(not s["written_by_them"] for s in records["submissions"])
    assert [e["to_state"] for e in records["events"]][-1] == "matched"
    everything = "\n".join(files.values())
    assert "scrypt" not in everything and "password" not in everything
    rows = list(csv.DictReader(io.StringIO(files["enrollments.csv"])))
    assert rows[0]["id"] == walk.enrollment_id and rows[0]["state"] == "matched"

    assert service.person_export(cast.admin, walk.person.email) == service.person_export(
        walk.person
    )
    with pytest.raises(Forbidden):
        service.person_export(cast.coordinator, walk.person.email)
    with pytest.raises(NotFound):
        service.person_export(cast.admin, "nobody@example.gov")


def test_erasure_anonymises_all_but_the_held_and_names_those(
    service: Workflow, people: People, clock: Clock
) -> None:
    program = service.programs[GENERAL]
    cast = make_cast(people, program)
    first = walk_to(
        service,
        program,
        "mentee",
        "withdrawn",
        people=people,
        clock=clock,
        cast=cast,
        name="Erin Erased",
    )
    with service.db.session() as session:  # the same person applies again
        found = session.get(Enrollment, first.enrollment_id)
        assert found is not None
    second = walk_to(service, program, "mentor", "declined", people=people, clock=clock, cast=cast)
    with service.db.session() as session, session.begin():  # both are Erin's
        mentor = session.get(Enrollment, second.enrollment_id)
        assert mentor is not None
        mentor.person_id = found.person_id
    secrets = _secret_answers(service, first.enrollment_id, "erin")
    service.place_hold(second.enrollment_id, cast.coordinator, "Tribunal case 7")

    with pytest.raises(Forbidden):
        service.erase_person(first.person.email, cast.coordinator)
    done = service.erase_person(first.person.email, cast.admin)
    assert done.anonymised == (first.enrollment_id,) and done.held == (second.enrollment_id,)
    assert not done.forgotten
    everything = _everything(service.db)
    assert [s for s in secrets if s in everything] == []
    assert first.person.email in everything  # the held enrollment keeps its person

    token = service.create_api_token(first.person, name="laptop").token
    service.lift_hold(second.enrollment_id, cast.coordinator)
    done = service.erase_person(first.person.email, SYSTEM_ACTOR)
    assert done.anonymised == (second.enrollment_id,) and done.held == () and done.forgotten
    everything = _everything(service.db)
    assert first.person.email not in everything and "Erin Erased" not in everything
    with pytest.raises(BadToken):  # their access token went with them
        service.actor_for_api_token(token)
    with service.db.session() as session:
        assert session.scalars(select(Person).where(Person.email == first.person.email)).all() == []
        log = session.scalars(select(PurgeLogEntry.rule)).all()
        assert log == ["erasure", "erasure"]
        assert session.get(Enrollment, first.enrollment_id) is not None  # still counted
