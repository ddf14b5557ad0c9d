"""Entries of a repeatable form from the pages: a mentee and a mentor who opened the
check-in form at the same time both keep their entry; an edit from an old page is 409."""

from __future__ import annotations

import re

from sqlalchemy import select

from mentorflow.engine.records.store import Submission
from tests.web.conftest import GENERAL, World, form_data


def check_in_authors(world: World, enrollment_id: str) -> list[str | None]:
    with world.workflow.db.session() as session:
        return sorted(
            s.author_id
            for s in session.scalars(
                select(Submission).where(
                    Submission.enrollment_id == enrollment_id, Submission.form_id == "check_in"
                )
            )
        )


def test_check_ins_sent_from_pages_opened_together_are_both_kept(world: World) -> None:
    scene = world.active_scene()

    url = f"/p/{GENERAL}/enrollments/{scene.mentee_id}/forms/check_in"
    mentee, mentor = world.browser(scene.mentee), world.browser(scene.mentor)
    pages = [mentee.get(url).get_data(as_text=True), mentor.get(url).get_data(as_text=True)]
    versions = [re.search(r'name="version" value="(\d+)"', page) for page in pages]
    assert versions[0] and versions[1] and versions[0].group(1) == versions[1].group(1)
    for browser, version in zip((mentee, mentor), versions, strict=True):
        assert version is not None
        data = form_data(world.program, "check_in", world.sample("check_in"))
        data["version"] = version.group(1)  # the mentor's is old once the mentee's is in
        response = browser.post(url, data, page=url)
        assert response.status_code == 303
    assert check_in_authors(world, scene.mentee_id) == sorted(
        [scene.mentee.person_id, scene.mentor.person_id]
    )
