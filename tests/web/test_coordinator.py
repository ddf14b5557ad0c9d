"""The coordinator's bulk form across programs: another program's enrollments are refused
in the words of ids that do not exist, and none of their people is named."""

from __future__ import annotations

import re

from werkzeug.datastructures import MultiDict

from tests.web.conftest import World

SMALL_PROGRAM = "small-program"


def test_another_programs_enrollments_are_refused_without_names(world: World) -> None:
    scene = world.main  # the general program's: Mina Mentee and Milo Mentor
    unknown = "no-such-enrollment"
    browser = world.browser(world.other_coordinator)  # a coordinator of the small program
    response = browser.post(
        f"/p/{SMALL_PROGRAM}/coordinator/bulk",
        MultiDict(
            {"selected": [scene.mentee_id, scene.mentor_id, unknown], "transition": "mentee:screen"}
        ),
        page=f"/p/{SMALL_PROGRAM}/coordinator",
    )
    assert response.status_code == 200
    page = response.get_data(as_text=True)
    refused = re.findall(r'<li class="refused">(.*?)</li>', page, re.S)
    assert len(refused) == 3
    for enrollment_id, line in zip(
        [scene.mentee_id, scene.mentor_id, unknown], refused, strict=True
    ):
        # The same line as for an id that does not exist, but for the id itself.
        assert line.replace(enrollment_id, "ID") == refused[2].replace(unknown, "ID")
    for name in ("Mina Mentee", "Milo Mentor", scene.mentee.email, scene.mentor.email):
        assert name not in page
    assert "There is no such enrollment." in refused[0]
