"""One pair scored on demand (a row whose mentor the coordinator changes): the score and
each criterion's points are those the pool's scoring gives the same pair, explained; a
mentee not waiting or a mentor who cannot take mentees is refused; only staff may ask."""

from __future__ import annotations

import pytest

from mentorflow.engine.errors import Forbidden, NotFound
from mentorflow.engine.rules.access import Actor
from mentorflow.engine.service.workflow import Workflow
from tests.conftest import People
from tests.engine.service.review_pool import SMALL, mentee, mentor


@pytest.fixture
def coordinator(people: People) -> Actor:
    return people.person("cora@example.gov", "Cora Coordinator", coordinates=SMALL)


def test_a_pair_scores_as_the_pool_scored_it(
    workflow: Workflow, people: People, coordinator: Actor
) -> None:
    ann = mentor(workflow, people, coordinator, "Ann Mentor", years_of_service="3")
    ben = mentor(workflow, people, coordinator, "Ben Mentor", style="reflective")
    pia = mentee(workflow, people, coordinator, "Pia Mentee", interests=["Leadership", "Budgeting"])
    _, result = workflow.propose_matches(SMALL, coordinator, save=False)
    row = result.row_of(pia)
    for j, mentor_id in enumerate(m.enrollment_id for m in result.mentors):
        found = workflow.matching_pair(SMALL, coordinator, pia, mentor_id)
        assert found.score == pytest.approx(float(result.scores.total[row, j]))
        assert [p.points for p in found.points] == pytest.approx(
            [float(result.scores.points[c][row, j]) for c in ("needs", "style", "seniority")]
        )
        assert found.allowed
    ann_pair = workflow.matching_pair(SMALL, coordinator, pia, ann)
    # Ann: half of Pia's areas, the same style, too few years more
    assert [(p.criterion.id, p.points, p.why) for p in ann_pair.points] == [
        ("needs", 1.5, "shares 1 of 2: Leadership"),
        ("style", 1.0, "both Hands-on"),
        ("seniority", 0.0, "mentor 3, mentee 1.5: mentor has less than 5 more"),
    ]
    assert ann_pair.warnings == ("no points for Seniority",)
    assert ann_pair.mentee.name == "Pia Mentee" and ann_pair.mentor.name == "Ann Mentor"
    assert ann_pair.places_left == 1
    ben_pair = workflow.matching_pair(SMALL, coordinator, pia, ben)
    assert ben_pair.score == 1.5 + 0 + 1
    assert ben_pair.points[1].why == "not the same: mentee Hands-on, mentor Reflective"
    assert ben_pair.points[2].why == "mentor 10, mentee 1.5: mentor has at least 5 more"


def test_a_pair_that_fails_a_required_criterion_says_so(
    workflow: Workflow, people: People, coordinator: Actor
) -> None:
    ann = mentor(workflow, people, coordinator, "Ann Mentor", expertise=["Writing"])
    pia = mentee(workflow, people, coordinator, "Pia Mentee", interests=["Budgeting"])
    found = workflow.matching_pair(SMALL, coordinator, pia, ann)
    assert not found.allowed
    assert found.points[0].why == "shares none of the mentee's 1"
    assert found.points[0].points == 0


def test_who_and_what_a_pair_may_be(workflow: Workflow, people: People, coordinator: Actor) -> None:
    ann = mentor(workflow, people, coordinator, "Ann Mentor")
    pia = mentee(workflow, people, coordinator, "Pia Mentee")
    quinn = mentee(workflow, people, coordinator, "Quinn Mentee")
    workflow.match(quinn, ann, coordinator)  # Ann's one place taken, Quinn no longer waiting
    with pytest.raises(NotFound, match="not waiting"):
        workflow.matching_pair(SMALL, coordinator, quinn, ann)
    with pytest.raises(NotFound, match="cannot take mentees"):
        workflow.matching_pair(SMALL, coordinator, pia, pia)  # a mentee is no mentor
    with pytest.raises(NotFound, match="cannot take mentees"):
        workflow.matching_pair(SMALL, coordinator, pia, "nosuchenrollment")
    assert workflow.matching_pair(SMALL, coordinator, pia, ann).places_left == 0
    stranger = people.person("sam@example.gov", "Sam Stranger")
    for who in (stranger, people.person("pia.mentee@example.gov")):
        with pytest.raises(Forbidden):
            workflow.matching_pair(SMALL, who, pia, ann)
