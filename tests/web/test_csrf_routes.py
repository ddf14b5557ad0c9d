"""Every POST address, sent without its CSRF token, by each kind of visitor: refused.

The cases come from the route table of test_routes.py, which always sends the token, so
exempting a blueprint (or one view) from CSRF would pass that table unnoticed. Here the
same requests, with the same answers, go without the token: each must answer 400 with
the "Please try again" page and leave every table as it found it. A POST address of the
app that the table does not reach fails `test_every_post_address_is_covered`, so a new
view cannot slip past.
"""

from __future__ import annotations

from typing import Any

import pytest
from flask import Flask
from werkzeug.exceptions import MethodNotAllowed, NotFound

from tests.web.conftest import GENERAL, World
from tests.web.test_routes import TABLE, Route, row_counts

# POST addresses the table leaves to other modules (they change who is signed in, or
# need a mailed token): without a token they must be refused all the same.
EXTRA = [
    Route("POST", "/reset/not-a-token", ""),
    Route("POST", "/account/sign-out-everywhere", "", own_client=True),
]
POSTS = [route for route in TABLE if route.method == "POST"] + EXTRA
# CSRF is checked before anything about the visitor, so one of each standing will do:
# nobody, a participant, staff of the program, an admin.
VISITORS = ("anonymous", "mentee", "coordinator", "admin")


def _cases() -> list[Any]:
    cases = []
    for number, route in enumerate(POSTS):
        for role in VISITORS:
            ident = f"{number:02d} POST {route.path} as {role}"
            cases.append(pytest.param(route, role, id=ident))
    return cases


def _path(world: World, route: Route) -> str:
    scene, applicant = world.main, world.waiting
    return route.path.format(
        P=GENERAL,
        mentee=scene.mentee_id,
        mentor=scene.mentor_id,
        applicant=applicant.enrollment_id,
        item=world.item_id,
    )


@pytest.mark.parametrize(("route", "role"), _cases())
def test_post_without_token_is_refused(world: World, route: Route, role: str) -> None:
    scene, applicant = world.main, world.waiting
    who = world.cast(scene, applicant if route.subject == "applicant" else None)[role]
    browser = world.browser(who, fresh=route.own_client)
    browser.get("/login")  # the session has a token; the form just does not send it
    data = route.data(world, scene, applicant, who) if route.data else None
    before = row_counts(world.workflow)

    response = browser.post(_path(world, route), data, csrf=False)

    page = response.get_data(as_text=True)
    assert response.status_code == 400, page[:2000]
    assert "Please try again" in page, page[:2000]
    assert "nothing was saved" in page
    assert row_counts(world.workflow) == before, "a POST without its token wrote records"


def test_every_post_address_is_covered(app: Flask, world: World) -> None:
    """Each POST view of the app is reached by at least one case above."""
    adapter = app.url_map.bind("localhost")
    reached = set()
    for route in POSTS:
        try:
            endpoint, _ = adapter.match(_path(world, route), method="POST")
        except (NotFound, MethodNotAllowed) as exc:  # pragma: no cover - a stale table
            raise AssertionError(f"{route.path} is no POST address of the app") from exc
        reached.add(endpoint)
    # The JSON API (`api.*`) takes no CSRF token by design: no cookie authenticates it,
    # only a bearer token (tests/web/api/test_api_problems.py: a signed-in browser's
    # POST without one is 401 and writes nothing).
    posts = {
        rule.endpoint
        for rule in app.url_map.iter_rules()
        if "POST" in (rule.methods or ()) and not rule.endpoint.startswith("api.")
    }
    assert posts - reached == set(), "POST addresses no test sends without a token"
