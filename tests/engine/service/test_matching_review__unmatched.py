"""Mentees left without a mentor, grouped: one entry per reason with how many and the
first few names (not one line per mentee), the largest group first; and each mentor's
places: free before the run, proposed in it, left after it, in the mentors' summary and in
each row's choices."""

from __future__ import annotations

import pytest

from mentorflow.engine.rules.access import Actor
from mentorflow.engine.service import matching_review
from mentorflow.engine.service.workflow import Workflow
from tests.conftest import People
from tests.engine.service.review_pool import SMALL, mentee, mentor

FULL = "every mentor who could take them is full"
AREAS = "no mentor passes the hard constraint 'Areas'"


@pytest.fixture
def coordinator(people: People) -> Actor:
    return people.person("cora@example.gov", "Cora Coordinator", coordinates=SMALL)


def test_identical_reasons_are_grouped_with_a_count(
    workflow: Workflow, people: People, coordinator: Actor, monkeypatch: pytest.MonkeyPatch
) -> None:
    mentor(workflow, people, coordinator, "Ann Mentor")  # one place
    names = [f"Mentee {n}" for n in range(5)]
    for name in names:
        mentee(workflow, people, coordinator, name)
    for name in ("Budget One", "Budget Two"):
        mentee(workflow, people, coordinator, name, interests=["Budgeting"])
    monkeypatch.setattr(matching_review, "NAMES_PER_REASON", 3)
    review = workflow.matching_review(SMALL, coordinator)
    assert review.proposed == 1 and review.unmatched_count == 6
    groups = [(g.reason, g.count, [m.name for m in g.mentees]) for g in review.unmatched_groups]
    assert groups == [
        (FULL, 4, ["Mentee 1", "Mentee 2", "Mentee 3"]),  # the first three, then counted
        (AREAS, 2, ["Budget One", "Budget Two"]),
    ]


def test_each_mentors_places_are_shown(
    workflow: Workflow, people: People, coordinator: Actor
) -> None:
    ann = mentor(workflow, people, coordinator, "Ann Mentor", max_mentees="3")
    ben = mentor(workflow, people, coordinator, "Ben Mentor", style="reflective")
    held = mentee(workflow, people, coordinator, "Held Mentee")
    workflow.match(held, ann, coordinator)  # one of Ann's three places is taken already
    pia = mentee(workflow, people, coordinator, "Pia Mentee")
    quinn = mentee(workflow, people, coordinator, "Quinn Mentee", style="reflective")
    review = workflow.matching_review(SMALL, coordinator)
    places = {m.mentor.name: (m.places, m.proposed, m.left) for m in review.mentors}
    assert places == {"Ann Mentor": (2, 1, 1), "Ben Mentor": (1, 1, 0)}
    assert review.places_free == 3 and review.places_left == 1 and review.mentors_used == 2
    rows = {row.mentee.enrollment_id: row for row in review.rows}
    assert rows[pia].mentor.enrollment_id == ann and rows[quinn].mentor.enrollment_id == ben
    # Pia's choices: Ann (proposed, one place besides hers), Ben (his one place is Quinn's)
    choices = [(c.mentor.name, c.proposed, c.full, c.places_left) for c in rows[pia].choices]
    assert choices == [("Ann Mentor", True, False, 2), ("Ben Mentor", False, True, 0)]
    assert rows[pia].more_choices == 0


def test_a_row_offers_the_best_few_mentors(
    workflow: Workflow, people: People, coordinator: Actor, monkeypatch: pytest.MonkeyPatch
) -> None:
    """A select of every mentor in every row made a run of thousands megabytes long."""
    mentor(workflow, people, coordinator, "Best Mentor")  # Pia's style: one point more
    for n in range(3):
        mentor(workflow, people, coordinator, f"Mentor {n}", style="reflective")
    pia = mentee(workflow, people, coordinator, "Pia Mentee")
    monkeypatch.setattr(matching_review, "CHOICES", 2)
    [row] = workflow.matching_review(SMALL, coordinator).rows
    assert row.mentee.enrollment_id == pia and row.mentor.name == "Best Mentor"
    assert [(c.rank, c.mentor.name, c.proposed) for c in row.choices] == [
        (1, "Best Mentor", True),
        (2, "Mentor 0", False),
    ]
    assert row.more_choices == 2
