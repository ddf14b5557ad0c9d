"""The matching review a page at a time: the summary covers the whole run whatever the
page or filter, a page holds at most `per_page` proposals, the filter narrows the
proposals shown (text, score range, warnings), and "confirm all" confirms every proposal
of the run reviewed (with the page's changes and rejections), or nothing when the
proposals are no longer those reviewed."""

from __future__ import annotations

import pytest
from sqlalchemy import func, select

from mentorflow.engine.errors import Conflict
from mentorflow.engine.records.database import Database
from mentorflow.engine.records.store import MatchingRun
from mentorflow.engine.rules.access import Actor
from mentorflow.engine.service import matching_review
from mentorflow.engine.service.matching_review import ReviewFilter
from mentorflow.engine.service.workflow import Workflow
from tests.conftest import People
from tests.engine.service.review_pool import SMALL, mentee, mentor
from tests.support import state_of


@pytest.fixture
def coordinator(people: People) -> Actor:
    return people.person("cora@example.gov", "Cora Coordinator", coordinates=SMALL)


@pytest.fixture
def pool(workflow: Workflow, people: People, coordinator: Actor) -> dict[str, str]:
    """Five mentees who each get a mentor (two of them scoring less: another style),
    one nobody can take, and three mentors with five places between them."""
    ids = {
        "ann": mentor(workflow, people, coordinator, "Ann Mentor", max_mentees="2"),
        "ben": mentor(workflow, people, coordinator, "Ben Mentor", max_mentees="2"),
        "cid": mentor(workflow, people, coordinator, "Cid Mentor", max_mentees="2"),
    }
    for name, style in [("Pia", "hands_on"), ("Quinn", "reflective"), ("Rae", "hands_on")]:
        ids[name.lower()] = mentee(workflow, people, coordinator, f"{name} Mentee", style=style)
    for name, style in [("Sam", "hands_on"), ("Tia", "reflective")]:
        ids[name.lower()] = mentee(workflow, people, coordinator, f"{name} Mentee", style=style)
    ids["uma"] = mentee(workflow, people, coordinator, "Uma Mentee", interests=["Budgeting"])
    return ids


def test_the_summary_covers_the_whole_run_on_every_page(
    workflow: Workflow, coordinator: Actor, pool: dict[str, str]
) -> None:
    pages = [workflow.matching_review(SMALL, coordinator, page=n, per_page=2) for n in (1, 2, 3)]
    for review in pages:
        assert review.waiting == 6
        assert review.proposed == 5
        assert review.unmatched_count == 1
        assert review.pages == 3 and review.matching == 5
        # 3 (areas) + 1 (style) + 1 (seniority) for three; 4 for the two of another style
        assert review.average == pytest.approx((5 * 3 + 4 * 2) / 5)
        assert review.mentors_free == 3 and review.mentors_used == 3
        assert review.places_free == 6 and review.places_left == 1
    assert [len(r.rows) for r in pages] == [2, 2, 1]
    assert [r.first for r in pages] == [1, 3, 5]
    shown = [row.mentee.name for r in pages for row in r.rows]
    assert shown == ["Pia Mentee", "Quinn Mentee", "Rae Mentee", "Sam Mentee", "Tia Mentee"]
    # a page past the last shows the last; a page before the first, the first
    assert workflow.matching_review(SMALL, coordinator, page=9, per_page=2).page == 3
    assert workflow.matching_review(SMALL, coordinator, page=0, per_page=2).page == 1


@pytest.mark.parametrize(
    ("only", "names"),
    [
        (ReviewFilter(text="quinn"), ["Quinn Mentee"]),
        (ReviewFilter(text="RAE.MENTEE@example"), ["Rae Mentee"]),  # the e-mail, any case
        (ReviewFilter(low=5), ["Pia Mentee", "Rae Mentee", "Sam Mentee"]),
        (ReviewFilter(high=4.5), ["Quinn Mentee", "Tia Mentee"]),
        (ReviewFilter(low=4, high=4), ["Quinn Mentee", "Tia Mentee"]),
        (ReviewFilter(warned=True), ["Quinn Mentee", "Tia Mentee"]),
        (ReviewFilter(text="nobody"), []),
    ],
)
def test_the_filter_narrows_the_proposals_shown_not_the_summary(
    workflow: Workflow,
    coordinator: Actor,
    pool: dict[str, str],
    only: ReviewFilter,
    names: list[str],
) -> None:
    review = workflow.matching_review(SMALL, coordinator, only=only)
    assert [row.mentee.name for row in review.rows] == names
    assert review.matching == len(names)
    assert review.proposed == 5 and review.unmatched_count == 1
    assert review.filter.active


def test_confirm_all_confirms_every_page_with_this_pages_changes(
    workflow: Workflow, coordinator: Actor, pool: dict[str, str], db: Database
) -> None:
    page = workflow.matching_review(SMALL, coordinator, page=1, per_page=2)
    [pia, quinn] = page.rows
    # the mentor with a place no proposal takes: Pia moves there, freeing one elsewhere
    other = next(c.mentor.enrollment_id for c in pia.choices if c.places_left and not c.proposed)
    done = workflow.confirm_review(
        SMALL,
        coordinator,
        [row.mentee.enrollment_id for row in page.rows],
        [row.mentor.enrollment_id for row in page.rows],
        changes={pool["pia"]: other},
        rejected=[pool["quinn"]],
        reviewed=page.digest,
    )
    assert dict(done.counts) == {"matched": 4, "rejected": 1}
    matched = {o.mentee_id: o.mentor_id for o in done.outcomes if o.status == "matched"}
    assert set(matched) == {pool["pia"], pool["rae"], pool["sam"], pool["tia"]}
    assert matched[pool["pia"]] == other
    assert state_of(workflow, pool["quinn"]) == "screened"
    assert state_of(workflow, pool["sam"]) == "matched"
    with db.session() as session:
        [run] = session.scalars(select(MatchingRun)).all()
        assert len(run.confirmed["pairs"]) == 4
        assert run.confirmed["rejected"] == [pool["quinn"]]


def test_confirm_all_refuses_a_run_that_changed_since_the_review(
    workflow: Workflow, people: People, coordinator: Actor, pool: dict[str, str], db: Database
) -> None:
    page = workflow.matching_review(SMALL, coordinator, page=1, per_page=2)
    mentee(workflow, people, coordinator, "Vic Mentee")  # applies meanwhile: a new proposal
    with pytest.raises(Conflict, match="no longer those you reviewed"):
        workflow.confirm_review(SMALL, coordinator, [], [], reviewed=page.digest)
    with db.session() as session:
        assert session.scalar(select(func.count()).select_from(MatchingRun)) == 0
    assert state_of(workflow, pool["pia"]) == "screened"
    fresh = workflow.matching_review(SMALL, coordinator, page=1, per_page=2)
    assert fresh.digest != page.digest
    done = workflow.confirm_review(SMALL, coordinator, [], [], reviewed=fresh.digest)
    assert dict(done.counts) == {"matched": 6}


def test_an_unchanged_pool_is_proposed_once_a_changed_one_again(
    workflow: Workflow,
    people: People,
    coordinator: Actor,
    pool: dict[str, str],
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    """Paging through a run does not solve it again for each page; any change in the
    pool (here a new mentee, then a changed answer) is proposed afresh."""
    calls: list[int] = []
    real = matching_review.propose

    def counted(*args: object, **kwargs: object) -> object:
        calls.append(1)
        return real(*args, **kwargs)  # type: ignore[arg-type]

    monkeypatch.setattr(matching_review, "propose", counted)
    for page in (1, 2, 3, 1):
        workflow.matching_review(SMALL, coordinator, page=page, per_page=2)
    assert len(calls) == 1
    vic = mentee(workflow, people, coordinator, "Vic Mentee")
    review = workflow.matching_review(SMALL, coordinator, page=3, per_page=2)
    assert len(calls) == 2 and review.waiting == 7
    assert vic in [row.mentee.enrollment_id for row in review.rows]
    workflow.match(vic, pool["ann"], coordinator)
    review = workflow.matching_review(SMALL, coordinator, page=3, per_page=2)
    assert len(calls) == 3 and review.waiting == 6 and review.places_free == 5
