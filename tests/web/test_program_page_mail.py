"""The program page says who is e-mailed at each stage: the definition's `notify`, the
same promises tests/engine/service/test_mail_promises.py checks are sent."""

from __future__ import annotations

from html import unescape

import pytest

from mentorflow.engine.definition.promises import audience_words, mail_promises
from tests.web.conftest import World


@pytest.mark.parametrize(
    "program_id", ["civil-engineers", "general-mentoring", "human-services-caseload"]
)
def test_the_program_page_lists_every_mail_promise(world: World, program_id: str) -> None:
    program = world.workflow.programs[program_id]
    page = unescape(world.browser(None).get(f"/p/{program_id}").get_data(as_text=True))
    promises = mail_promises(program)
    assert promises
    for p in promises:
        when = (
            f"after “{program.lifecycle_of(p.role).transitions[p.transition].label}”"
            if p.transition
            else "on reaching this stage"
        )
        assert f"E-mail to {audience_words(program, p.role, p.audience)} {when}." in page


def test_the_general_program_promises_the_supervisor_mail_at_application(world: World) -> None:
    page = unescape(world.browser(None).get("/p/general-mentoring").get_data(as_text=True))
    applied = page[page.index("<strong>Applied</strong>") :]
    assert applied.index(
        "E-mail to the coordinator and the mentee's supervisor on reaching this stage."
    ) < applied.index("Next:")
