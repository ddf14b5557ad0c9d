"""Matching through the workflow, on SQLite and PostgreSQL: runs are saved with their
inputs, confirming goes through the engine, refusals are told in words, capacities hold
across confirmations, and a mentee returned to the pool frees the mentor's place."""

from __future__ import annotations

import typing
from typing import Any

import pytest
from sqlalchemy import select

from mentorflow import engine
from mentorflow.engine.errors import Forbidden
from mentorflow.engine.records.database import Database
from mentorflow.engine.records.store import Event, MatchingRun, Pairing
from mentorflow.engine.rules.access import Actor
from mentorflow.engine.service.matching import matching_pool, mentors_with_places
from mentorflow.engine.service.workflow import Workflow
from tests.conftest import Clock, People
from tests.support import make_cast, sample_answers, state_of, walk_to

SMALL = "small-program"
CRITERION_FIELDS = {"interests", "expertise", "style", "years_of_service"}


def mentee(workflow: Workflow, people: People, coordinator: Actor, n: int, **answers: Any) -> str:
    person = people.person(f"mentee{n}@example.gov", f"Mentee {n}")
    found = {
        "name": f"Mentee {n}",
        "email": f"mentee{n}@example.gov",
        "years_of_service": "1.5",
        "interests": ["Leadership"],
        "style": "hands_on",
        **answers,
    }
    typing.cast(Clock, workflow.clock).advance(0.01)  # application order
    enrollment = workflow.apply(SMALL, "mentee", person, found)
    workflow.take(enrollment.id, "screen", coordinator, {"notes": "Fine."})
    return enrollment.id


def mentor(workflow: Workflow, people: People, coordinator: Actor, n: int, **answers: Any) -> str:
    person = people.person(f"mentor{n}@example.gov", f"Mentor {n}")
    found = {
        "name": f"Mentor {n}",
        "expertise": ["Leadership", "Writing"],
        "style": "hands_on",
        "years_of_service": "10",
        "max_mentees": "1",
        **answers,
    }
    typing.cast(Clock, workflow.clock).advance(0.01)
    enrollment = workflow.apply(SMALL, "mentor", person, found)
    workflow.take(enrollment.id, "accept", coordinator)
    return enrollment.id


@pytest.fixture
def coordinator(people: People) -> Actor:
    return people.person("cora@example.gov", "Cora Coordinator", coordinates=SMALL)


def test_a_run_is_saved_with_its_inputs_settings_and_results(
    workflow: Workflow, people: People, coordinator: Actor, db: Database
) -> None:
    e0 = mentee(workflow, people, coordinator, 0, interests=["Leadership", "Writing"])
    e1 = mentee(workflow, people, coordinator, 1, interests=["Budgeting"])  # nobody offers it
    t0 = mentor(workflow, people, coordinator, 0, max_mentees="2")
    run_id, result = workflow.propose_matches(SMALL, coordinator)
    assert run_id is not None
    assert [(p.mentee_id, p.mentor_id) for p in result.proposals] == [(e0, t0)]
    assert [(u.mentee_id, u.reason) for u in result.unmatched] == [
        (e1, "no mentor passes the hard constraint 'Areas'")
    ]
    with db.session() as session:
        run = session.get(MatchingRun, run_id)
        assert run is not None
        assert (run.program_id, run.strategy, run.revision) == (SMALL, "optimal", 1)
        assert run.actor_id == coordinator.person_id
        assert [m["id"] for m in run.inputs["mentees"]] == [e0, e1]
        assert [(m["id"], m["places"]) for m in run.inputs["mentors"]] == [(t0, 2)]
        for who in run.inputs["mentees"] + run.inputs["mentors"]:
            assert who["answers"] and set(who["answers"]) <= CRITERION_FIELDS  # no names
        assert [c["id"] for c in run.settings["criteria"]] == ["needs", "style", "seniority"]
        [proposal] = run.results["proposals"]
        assert (proposal["mentee"], proposal["mentor"]) == (e0, t0)
        assert proposal["score"] == pytest.approx(result.proposals[0].score)
        assert set(proposal["points"]) == {"needs", "style", "seniority"}
        assert run.results["unmatched"] == [
            {"mentee": e1, "reason": "no mentor passes the hard constraint 'Areas'"}
        ]
        assert run.confirmed == {}
    # A preview is not saved.
    preview_id, _ = workflow.propose_matches(SMALL, coordinator, "greedy", save=False)
    assert preview_id is None
    with db.session() as session:
        assert len(session.scalars(select(MatchingRun)).all()) == 1


def test_only_staff_may_propose(workflow: Workflow, people: People, coordinator: Actor) -> None:
    mentee(workflow, people, coordinator, 0)
    outsider = people.person("eve@example.gov", "Eve")
    with pytest.raises(Forbidden):
        workflow.propose_matches(SMALL, outsider)
    other_staff = people.person("otto@example.gov", "Otto", coordinates="civil-engineers")
    with pytest.raises(Forbidden):
        workflow.propose_matches(SMALL, other_staff)


def test_confirming_matches_through_the_engine(
    workflow: Workflow, people: People, coordinator: Actor, db: Database
) -> None:
    e0 = mentee(workflow, people, coordinator, 0)
    e1 = mentee(workflow, people, coordinator, 1)
    e2 = mentee(workflow, people, coordinator, 2)
    t0 = mentor(workflow, people, coordinator, 0, max_mentees="2")
    mentor(workflow, people, coordinator, 1)
    run_id, result = workflow.propose_matches(SMALL, coordinator)
    assert len(result.proposals) == 3  # three places, three mentees
    pairs = [(p.mentee_id, p.mentor_id) for p in result.proposals]
    outcomes = workflow.confirm_matches(SMALL, pairs, coordinator, run_id)
    assert outcomes == [(m, t, None) for m, t in pairs]
    with db.session() as session:
        run = session.get(MatchingRun, run_id)
        assert run is not None
        assert run.confirmed["by"] == coordinator.person_id
        assert run.confirmed["pairs"] == [
            {"mentee": m, "mentor": t, "refused": None} for m, t in pairs
        ]
        for m, _ in pairs:
            events = session.scalars(
                select(Event).where(Event.enrollment_id == m, Event.transition == "match")
            ).all()
            assert [(e.from_state, e.to_state) for e in events] == [("screened", "matched")]
        open_pairs = session.scalars(select(Pairing).where(Pairing.ended_at.is_(None))).all()
        assert sorted((p.mentee_id, p.mentor_id) for p in open_pairs) == sorted(pairs)
    for m in (e0, e1, e2):
        assert state_of(workflow, m) == "matched"  # on_match's destination
    # Nobody is waiting and every place is taken now.
    _, after = workflow.propose_matches(SMALL, coordinator, save=False)
    assert after.proposals == [] and after.unmatched == []
    with db.session() as session:
        assert mentors_with_places(session, workflow.programs[SMALL]) == []

    # A pair that became impossible is refused in words, the others still confirmed.
    e3 = mentee(workflow, people, coordinator, 3)
    e4 = mentee(workflow, people, coordinator, 4)
    t2 = mentor(workflow, people, coordinator, 2)
    outcomes = workflow.confirm_matches(
        SMALL, [(e3, t0), (e0, t2), (e3, t2), (e4, t2)], coordinator
    )
    refusals = {(m, t): why for m, t, why in outcomes}
    assert refusals[(e3, t0)] == "mentor0@example.gov already holds 2 mentee(s), their limit."
    assert refusals[(e0, t2)] == ("mentee0@example.gov is not waiting for a match (now Matched).")
    assert refusals[(e3, t2)] is None
    assert refusals[(e4, t2)] == "mentor2@example.gov already holds 1 mentee(s), their limit."
    assert state_of(workflow, e4) == "screened"


def test_capacities_hold_across_runs(
    workflow: Workflow, people: People, coordinator: Actor
) -> None:
    mentees = [mentee(workflow, people, coordinator, n) for n in range(4)]
    t0 = mentor(workflow, people, coordinator, 0, max_mentees="3")
    for n in range(4):
        _, result = workflow.propose_matches(SMALL, coordinator, save=False)
        if n < 3:
            assert [p.mentor_id for p in result.proposals] == [t0] * (3 - n)  # places left
            first = result.proposals[0]
            assert workflow.confirm_matches(SMALL, [(first.mentee_id, t0)], coordinator) == [
                (first.mentee_id, t0, None)
            ]
        else:
            assert result.proposals == []
            assert [u.reason for u in result.unmatched] == ["no mentor has a place free"]
    assert [state_of(workflow, m) for m in mentees].count("matched") == 3


def test_a_mentee_returned_to_the_pool_frees_the_place(
    workflow: Workflow,
    programs: dict[str, engine.Program],
    people: People,
    clock: Clock,
    db: Database,
) -> None:
    program = programs["general-mentoring"]
    cast = make_cast(people, program)
    waiting = [s for s in program.lifecycle_of("mentee").states if program.waiting_for_match(s)]
    a = walk_to(workflow, program, "mentee", waiting, people=people, clock=clock, cast=cast)
    t = walk_to(
        workflow, program, "mentor", program.mentor_states(), people=people, clock=clock, cast=cast
    )
    with db.session() as session:
        mentors = mentors_with_places(session, program)
        places = {m.id: left for m, left in mentors}[t.enrollment_id]
        assert matching_pool(session, program)[0][0].enrollment_id == a.enrollment_id
    outcome = workflow.confirm_matches(
        program.id, [(a.enrollment_id, t.enrollment_id)], cast.coordinator
    )
    assert outcome == [(a.enrollment_id, t.enrollment_id, None)]
    with db.session() as session:
        held = {m.id: left for m, left in mentors_with_places(session, program)}
        assert held.get(t.enrollment_id, 0) == places - 1
        assert a.enrollment_id not in [c.enrollment_id for c in matching_pool(session, program)[0]]

    clock.advance(1)
    reason = sample_answers(program, "unmatch_reason", (), clock.now.date())
    workflow.take(a.enrollment_id, "unmatch", cast.coordinator, reason)
    assert program.waiting_for_match(state_of(workflow, a.enrollment_id))
    with db.session() as session:
        held = {m.id: left for m, left in mentors_with_places(session, program)}
        assert held[t.enrollment_id] == places  # the place is free again
        pool = [c.enrollment_id for c in matching_pool(session, program)[0]]
        assert pool == [a.enrollment_id]
        first = session.scalars(select(Pairing)).one()
        assert first.ended_at is not None  # the pairing stays, ended

    clock.advance(1)
    assert workflow.confirm_matches(
        program.id, [(a.enrollment_id, t.enrollment_id)], cast.coordinator
    ) == [(a.enrollment_id, t.enrollment_id, None)]
    with db.session() as session:
        history = session.scalars(select(Pairing).order_by(Pairing.started_at)).all()
        assert [(p.mentee_id, p.mentor_id) for p in history] == [
            (a.enrollment_id, t.enrollment_id)
        ] * 2
        assert history[0].ended_at is not None and history[1].ended_at is None
        matches = session.scalars(
            select(Event).where(Event.enrollment_id == a.enrollment_id, Event.transition == "match")
        ).all()
        assert len(matches) == 2
