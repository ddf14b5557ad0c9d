"""Legal hold on the enrollment page: staff see it and its buttons (POST forms with their
keys); participants see neither; a hold placed with a reason is shown and lifted again;
a missing reason shows the page again (400) and holds nothing."""

from __future__ import annotations

import re

import pytest

from tests.web.conftest import GENERAL, ROLES, World

SEES = {"coordinator", "admin"}


def _url(enrollment_id: str) -> str:
    return f"/p/{GENERAL}/enrollments/{enrollment_id}"


@pytest.mark.parametrize("role", [r for r in ROLES if r != "anonymous"])
def test_only_staff_see_the_legal_hold(world: World, role: str) -> None:
    who = world.cast(world.main)[role]
    response = world.browser(who).get(_url(world.main.mentee_id))
    if response.status_code != 200:
        assert role in ("other", "stranger")
        return
    page = response.get_data(as_text=True)
    assert ('id="hold-h"' in page) == (role in SEES)
    assert ("Place a legal hold" in page) == (role in SEES)


def test_place_and_lift_a_hold_from_the_page(world: World) -> None:
    applicant = world.applicant()
    url = _url(applicant.enrollment_id)
    browser = world.browser(world.coordinator)
    page = browser.get(url).get_data(as_text=True)
    form = re.search(r'<form method="post" action="([^"]+/hold)">(.*?)</form>', page, re.S)
    assert form and 'name="csrf_token"' in form.group(2)

    refused = browser.post(form.group(1), {"reason": "   "}, page=url)
    assert refused.status_code == 400
    assert "Say why the enrollment is held." in refused.get_data(as_text=True)
    assert world.workflow.holds(applicant.enrollment_id, world.coordinator) == ()

    placed = browser.post(form.group(1), {"reason": "Grievance <2026-7>"}, page=url)
    assert placed.status_code == 303 and placed.headers["Location"].endswith(url)
    page = browser.get(url).get_data(as_text=True)
    assert "On legal hold" in page and "Grievance &lt;2026-7&gt;" in page
    assert "Lift the legal hold" in page
    mentee_page = world.browser(applicant.mentee).get(url).get_data(as_text=True)
    assert "legal hold" not in mentee_page.lower()

    lifted = browser.post(url + "/hold/lift", page=url)
    assert lifted.status_code == 303
    page = browser.get(url).get_data(as_text=True)
    assert "Not on legal hold" in page and "lifted" in page


def test_participants_cannot_place_a_hold(world: World) -> None:
    applicant = world.applicant()
    url = _url(applicant.enrollment_id)
    response = world.browser(applicant.mentee).post(url + "/hold", {"reason": "x"}, page=url)
    assert response.status_code == 403
    assert world.workflow.holds(applicant.enrollment_id, world.admin) == ()
