"""The matching review as pages: the whole run summed up first, proposals a page at a
time and filtered, "confirm all" confirming every page with one press, each criterion's
points explained in words, identical reasons grouped with a count, each mentor's places,
and one row's score recomputed for another mentor (a GET the page's script or the row's
"Show score" button asks for).

The pool is `matching_pool`'s: Ann and Ben (one place each), Pia and Quinn proposed, Rex
left without a mentor."""

from __future__ import annotations

import re

import pytest
from werkzeug.datastructures import MultiDict

from mentorflow.web import matching as matching_page
from tests.support import unique
from tests.web.matching_pool import MENTEE_REX, enroll
from tests.web.test_matching_page import PAGE, Site, read_form, row_of, site, text

__all__ = ["site"]  # the fixture this module uses

AVAILABILITY = "no mentor passes the hard constraint 'Availability'"


def get(site: Site, url: str = PAGE, who: str = "coordinator") -> tuple[int, str]:
    browser = site.browser(site.coordinator if who == "coordinator" else None)
    response = browser.get(url)
    return response.status_code, response.get_data(as_text=True)


def summary(page: str) -> dict[str, str]:
    return {k: text(v) for k, v in re.findall(r'<dd data-summary="([\w-]+)">(.*?)</dd>', page)}


def test_the_summary_of_the_whole_run_comes_first(site: Site) -> None:
    _, page = get(site)
    assert summary(page) == {
        "waiting": "3",
        "proposed": "2",
        "unmatched": "1",
        "average": "10",
        "mentors-used": "2 of 2",
        "places-left": "0 of 2",
    }
    assert page.index('id="summary-h"') < page.index('id="proposals-h"')


def test_proposals_come_a_page_at_a_time(site: Site, monkeypatch: pytest.MonkeyPatch) -> None:
    pool = site.pool
    monkeypatch.setattr(matching_page, "PAGE_SIZE", 1)
    _, first = get(site)
    form = read_form(first)
    assert form.fields.getlist("mentee") == [pool.pia.enrollment_id]
    assert "Proposals 1 to 1 of 2." in text(first)
    assert "Page 1 of 2" in text(first)
    assert f'href="{PAGE}?page=2"' in first
    assert form.buttons[-2:] == ["Confirm all 2 proposals", "Confirm the 1 on this page"]
    assert summary(first)["proposed"] == "2"  # the run, not the page
    _, second = get(site, f"{PAGE}?page=2")
    assert read_form(second).fields.getlist("mentee") == [pool.quinn.enrollment_id]
    assert f'href="{PAGE}?page=1"' in second and "?page=3" not in second
    status, _ = get(site, f"{PAGE}?page=two")
    assert status == 400


def test_confirm_all_confirms_every_page_with_one_press(
    site: Site, monkeypatch: pytest.MonkeyPatch
) -> None:
    pool = site.pool
    monkeypatch.setattr(matching_page, "PAGE_SIZE", 1)
    browser = site.browser(site.coordinator)
    form = read_form(browser.get(PAGE).get_data(as_text=True))
    fields = form.fields.copy()
    fields["scope"] = "all"  # the "Confirm all" button
    response = browser.post(PAGE, fields)
    assert response.status_code == 200
    assert "2 matched, 0 refused" in text(response.get_data(as_text=True))
    assert site.state(pool.quinn.enrollment_id) == {
        "state": "matched",
        "partners": [pool.ben.enrollment_id],
    }
    # the same press once more (its one-time key): sent already, to the desk, nothing done
    again = browser.post(PAGE, fields)
    assert again.status_code == 303 and again.location.endswith("/coordinator")
    # the same review from a second tab (its own key): the run reviewed is gone
    fields["once"] = "a-second-tab"
    other = browser.post(PAGE, fields)
    assert other.status_code == 409
    assert "no longer those you reviewed" in other.get_data(as_text=True)


@pytest.mark.parametrize(
    ("query", "shown"),
    [
        ("q=quinn", ["quinn"]),
        ("q=PIA", ["pia"]),
        ("q=Ben+Mentor", ["quinn"]),  # the proposed mentor's name
        ("low=10&high=10", ["pia", "quinn"]),
        ("low=10.5", []),
        ("warned=1", []),  # both score on every criterion
    ],
)
def test_the_filter_narrows_the_page(site: Site, query: str, shown: list[str]) -> None:
    _, page = get(site, f"{PAGE}?{query}")
    expected = [getattr(site.pool, name).enrollment_id for name in shown]
    assert read_form(page).fields.getlist("mentee") == expected
    assert summary(page)["proposed"] == "2"
    if not shown:
        assert "No proposal matches the filter." in text(page)
    else:
        assert f"of {len(shown)} that match the filter (2 in the run)" in text(page)
    assert 'href="/p/general-mentoring/matching">Show all</a>' in page


def test_a_filter_keeps_what_was_typed(site: Site) -> None:
    _, page = get(site, f"{PAGE}?q=qu&low=2.5&warned=1")
    assert 'name="q" value="qu"' in page
    assert 'name="low" size="5" value="2.5"' in page
    assert re.search(r'name="warned" value="1" checked', page)
    status, page = get(site, f"{PAGE}?low=ten")
    assert status == 400 and "must be a number" in page


def test_each_criterion_is_explained_in_words(site: Site) -> None:
    _, page = get(site)
    pia = text(row_of(page, site.pool.pia.enrollment_id))
    assert (
        "3 of 3 Areas of interest and expertise: shares 2 of 2: Budgeting and finance, Project management"
        in pia
    )
    assert "1 of 1 Ways of meeting (required): shares 1 of 1: Video call" in pia
    assert "1 of 1 Working and learning style: both Learning by doing" in pia
    assert "mentor 20, mentee 2: mentor has at least 5 more" in pia
    assert "mentee 2, mentor 2: 0 apart, within 1" in pia


def test_identical_reasons_are_grouped_with_a_count(site: Site) -> None:
    today = site.workflow.clock().date()
    for name in ("Rex Two", "Rex Three"):
        enroll(
            site.workflow,
            site.people,
            site.coordinator,
            "mentee",
            unique(name),
            today,
            **MENTEE_REX,
        )
    _, page = get(site)
    groups = re.findall(r"<tr data-reason=.*?</tr>", page, re.S)
    assert len(groups) == 1
    assert text(groups[0]).startswith(f"3 mentees {AVAILABILITY}")
    assert f'data-mentee="{site.pool.rex.enrollment_id}"' in groups[0]
    assert summary(page)["unmatched"] == "3"


def test_each_mentors_remaining_places_are_shown(site: Site) -> None:
    pool = site.pool
    _, page = get(site)
    for mentor in (pool.ann, pool.ben):
        found = re.search(rf'<tr data-mentor="{mentor.enrollment_id}">(.*?)</tr>', page, re.S)
        assert found and 'data-left="0"' in found.group(1)
    options = read_form(page).options[f"change-{pool.pia.enrollment_id}"]
    assert [label for _, label, _ in options] == [
        "1. Ann Mentor: score 10, 1 place left (proposed)",
        "2. Ben Mentor: score 6, no place left (proposed to someone else)",
    ]
    assert "2 mentors have a place free; 0 places are left after this run" in text(page)


def pair_url(mentee: str, mentor: str) -> str:
    return f"{PAGE}/pair?show={mentee}&change-{mentee}={mentor}"


def test_a_rows_score_is_recomputed_for_another_mentor(site: Site) -> None:
    pool = site.pool
    status, page = get(site, pair_url(pool.pia.enrollment_id, pool.ben.enrollment_id))
    assert status == 200
    found = re.search(r"<tr data-pair[^>]*>.*?</tr>", page, re.S)
    assert found
    row = found.group(0)
    assert f'data-mentee="{pool.pia.enrollment_id}"' in row
    assert f'data-mentor="{pool.ben.enrollment_id}"' in row
    assert re.search(r'class="score"[^>]*>6</td>', row)
    points = re.findall(r'data-points="(\w+)">([^<]*)</b>', row)
    assert points == [
        ("needs", "0"),
        ("availability", "2"),
        ("meeting_format", "1"),
        ("style", "0"),
        ("other_division", "1"),
        ("seniority", "1"),
        ("time", "1"),
    ]
    assert "shares none of the mentee's 2" in text(row)
    assert "not the same: mentee Learning by doing, mentor Observing and shadowing" in text(row)
    assert "no points for Areas of interest and expertise, Working and learning style" in text(page)


def test_without_script_show_score_asks_for_the_same_row(site: Site) -> None:
    """The row's "Show score" button sends the whole form by GET to the pair page: the
    page reads only `show` and that mentee's `change-` (all else is ignored)."""
    pool = site.pool
    _, page = get(site)
    pia = row_of(page, pool.pia.enrollment_id)
    assert re.search(
        rf'<button[^>]*name="show" value="{pool.pia.enrollment_id}"\s+formmethod="get"\s+formaction="{PAGE}/pair"',
        pia,
    )
    fields = MultiDict(read_form(page).fields)
    fields["show"] = pool.pia.enrollment_id
    fields[f"change-{pool.pia.enrollment_id}"] = pool.ben.enrollment_id
    browser = site.browser(site.coordinator)
    response = browser.get(f"{PAGE}/pair", query_string=fields)
    assert response.status_code == 200
    assert re.search(r'class="score"[^>]*>6</td>', response.get_data(as_text=True))


@pytest.mark.parametrize(
    ("url", "status", "says"),
    [
        (f"{PAGE}/pair", 400, "Say which mentee"),
        (f"{PAGE}/pair?show=x", 400, "Say which mentee"),
        ("pia-with-a-mentee", 404, "That mentor cannot take mentees in this program."),
        ("rex-with-nobody", 404, "That mentor cannot take mentees in this program."),
        ("ann-as-mentee", 404, "That mentee is not waiting for a match in this program."),
    ],
)
def test_a_pair_that_is_not_one(site: Site, url: str, status: int, says: str) -> None:
    pool = site.pool
    if url == "pia-with-a-mentee":
        url = pair_url(pool.pia.enrollment_id, pool.quinn.enrollment_id)
    elif url == "rex-with-nobody":
        url = pair_url(pool.rex.enrollment_id, "nosuchmentor")
    elif url == "ann-as-mentee":
        url = pair_url(pool.ann.enrollment_id, pool.ben.enrollment_id)
    found, page = get(site, url)
    assert found == status
    assert says in text(page)


def test_only_staff_may_ask_for_a_pair(site: Site) -> None:
    pool = site.pool
    url = pair_url(pool.pia.enrollment_id, pool.ben.enrollment_id)
    for who in (pool.pia.who, pool.ann.who):
        assert site.browser(who).get(url).status_code == 403
    anonymous = site.browser(None).get(url)
    assert anonymous.status_code in (302, 303)
