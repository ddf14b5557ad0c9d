"""The load test of bench/load_test.py, kept from rotting: a few clients on SQLite walk the
whole journey through gunicorn (a worker killed on the way), and the check of the records
finds what is lost or doubled when it is there."""

from __future__ import annotations

from pathlib import Path

from sqlalchemy import create_engine
from sqlalchemy.orm import Session

from bench import load_test
from mentorflow.engine.records.store import Enrollment, Event, Person, Submission


def test_a_few_clients_walk_the_journey_with_nothing_lost_doubled_or_5xx(
    tmp_path: Path,
) -> None:
    result = load_test.run(
        "SQLite",
        f"sqlite:///{tmp_path}/load.db",
        clients=3,
        check_in_count=1,
        workers=2,
        progress=lambda _: None,
    )
    assert result.failed_steps == []
    assert (result.lost, result.doubled, result.server_errors) == ([], [], [])
    assert result.killed
    # Each client's two applications, its `start` and each side's first check-in; every
    # second press is led where the first went (the form's one-time key).
    assert result.double_presses == 3 * 5
    assert set(result.press_outcomes) == {"303 + 303"}
    assert result.requests >= 3 * 40  # the whole journey, not a first step
    table = load_test.table([result])
    assert "| SQLite | 3 |" in table


def test_the_records_check_names_what_is_lost_and_what_is_doubled(tmp_path: Path) -> None:
    url = f"sqlite:///{tmp_path}/check.db"
    pairs = load_test.people_of(1)
    load_test.prepare(url, pairs, tmp_path / "uploads")
    engine = create_engine(url)
    with Session(engine) as session, session.begin():
        person = session.query(Person).filter_by(email=pairs[0].mentee).one()
        enrollment = Enrollment(
            program_id=load_test.PROGRAM,
            role="mentee",
            person_id=person.id,
            state="active",
            revision=1,
        )
        session.add(enrollment)
        session.flush()
        eid = enrollment.id
        session.add(
            Event(
                enrollment_id=eid,
                program_id=load_test.PROGRAM,
                actor_role="mentee",
                kind="apply",
                to_state="applied",
                revision=1,
            )
        )
        for _ in range(2):  # one press stored twice
            session.add(
                Submission(
                    enrollment_id=eid,
                    form_id="check_in",
                    revision=1,
                    answers={"topics": "pressed once"},
                )
            )
    engine.dispose()
    tally = load_test.Tally()
    tally.applied.append((pairs[0].mentee, "mentee", eid))
    tally.moved.append((eid, "start"))  # answered 303, never stored
    tally.check_ins += [(eid, "pressed once"), (eid, "never stored")]
    found = load_test.check_records(url, tally, pairs)
    assert found.lost == [f"start on {eid}", f"check-in 'never stored' on {eid}"]
    assert found.doubled == [f"2 entries 'pressed once' on {eid}"]
