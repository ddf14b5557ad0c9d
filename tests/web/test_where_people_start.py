"""Where people start: someone who has applied already is told so when they open the
apply form again, with the way to their enrollment, instead of a blank form refused only
once it is filled; and each person lands where their work is after signing in."""

from __future__ import annotations

from tests.web.conftest import GENERAL, PASSWORD, Browser, World, unique


def test_the_apply_page_of_someone_who_applied_says_so_before_the_form(world: World) -> None:
    who = world.people.person(unique("applied"), "Ada Applied")
    answers = world.apply_answers("mentee", who, unique("boss"))
    enrollment_id = world.workflow.apply(GENERAL, "mentee", who, answers).id
    response = world.browser(who).get(f"/p/{GENERAL}/apply/mentee")
    page = response.get_data(as_text=True)
    assert response.status_code == 200
    assert "You have applied already" in page
    assert f'href="/p/{GENERAL}/enrollments/{enrollment_id}"' in page
    assert 'class="generated"' not in page  # no blank form to fill in vain


def test_the_other_role_and_a_new_person_still_get_the_form(world: World) -> None:
    who = world.people.person(unique("applied"), "Ada Applied")
    answers = world.apply_answers("mentee", who, unique("boss"))
    world.workflow.apply(GENERAL, "mentee", who, answers)
    assert 'class="generated"' in world.browser(who).get(f"/p/{GENERAL}/apply/mentor").get_data(
        as_text=True
    )
    newcomer = world.people.person(unique("new"), "Nia New")
    page = world.browser(newcomer).get(f"/p/{GENERAL}/apply/mentee").get_data(as_text=True)
    assert 'class="generated"' in page


def test_each_person_lands_where_their_work_is_after_signing_in(world: World) -> None:
    landing = {}
    for name, who in (
        ("coordinator", world.coordinator),
        ("admin", world.admin),
        ("participant", world.main.mentee),
    ):
        response = Browser(world.app.test_client(), None).post(
            "/login", {"email": who.email, "password": PASSWORD}
        )
        assert response.status_code == 303
        landing[name] = response.location
    assert landing == {
        "coordinator": f"/p/{GENERAL}/coordinator",
        "admin": "/admin",
        "participant": "/me",
    }
    asked = Browser(world.app.test_client(), None).post(
        "/login?next=/me", {"email": world.coordinator.email, "password": PASSWORD}
    )
    assert asked.location == "/me"  # a page asked for still comes first
