"""Random and hostile values sent to every address of the route table, as every role:
whatever comes back, it is never a 5xx (issue 11, finding 5).

Each line of the table (tests/web/test_routes.py) is sent with its own good data, then
some of its values, and some that no page sends, replaced by hostile ones: long
strings, NUL and other control characters, unicode digits, numbers as text, huge
numbers, dates out of range, malformed group-entry keys. The number of examples is
bounded so that the whole module stays within about a minute per database.
"""

from __future__ import annotations

from typing import Any
from urllib.parse import parse_qsl

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st
from werkzeug.datastructures import MultiDict

from tests.web.conftest import GENERAL, ROLES, World
from tests.web.test_routes import TABLE, Route

# Values the attack used, and their neighbours.
SHARP = [
    "",
    " ",
    "\x00",
    "a\x00b",
    "\r\n",
    "\t",
    "\x1b[31m",
    "\u202e",
    "Carl\r\nBcc: x@evil.example",
    "²",
    "٣",
    "0",
    "-1",
    "9" * 5000,
    "1e309",
    "nan",
    "-inf",
    "0x10",
    "9999-12-31",
    "0001-01-01",
    "2026-02-30",
    "9999-Q4",
    "0000-Q1",
    "goals",
    "goals-",
    "goals-x",
    "goals--1",
    "goals-²",
    "goals-9999999",
    "goals-0",
    "goals-0-goal",
    "-0",
    "mentee",
    "nope",
    "n" * 201,
    "a" * 310 + "@example.gov",
    "x" * 100_000,
    "null",
    "[]",
    "{}",
    "../../etc/passwd",
    "<script>alert(1)</script>",
    "'; DROP TABLE person; --",
    "%00",
    "\uffff",
    "😀" * 300,
]
TEXT = st.text(alphabet=st.characters(exclude_categories=("Cs",)), max_size=400)
HOSTILE = st.one_of(
    # The sharp values first and thrice: hypothesis picks among these branches evenly.
    st.sampled_from(SHARP),
    st.sampled_from(SHARP),
    st.sampled_from(SHARP),
    TEXT,
    st.integers().map(str),
    st.integers(min_value=10**20, max_value=10**400).map(str),
    st.floats().map(str),
    st.dates().map(str),
)
# Names no page of the route table sends, or only as hidden inputs.
EXTRA_KEYS = [
    "version",
    "_add_entry",
    "_remove_entry",
    "goals-0-goal",
    "goals-999999-goal",
    "goals-x-goal",
    "on_behalf_of",
    "transition",
    "selected",
    "mentor_id",
    "mentee",
    "mentor",
    "reject",
    "next",
    "name",
    "email",
    "password",
    "current",
    "signout-email",
    "program",
]
QUERY_KEYS = ["role", "state", "q", "from", "to", "cohort", "next", "page", "error", "iss"]


def _routes() -> list[Any]:
    return [
        pytest.param(route, id=f"{n:02d} {route.method} {route.path}")
        for n, route in enumerate(TABLE)
    ]


@pytest.mark.parametrize("route", _routes())
@settings(
    max_examples=12,
    deadline=None,
    derandomize=True,  # the same examples on every run: CI never fails at random
    suppress_health_check=[HealthCheck.function_scoped_fixture, HealthCheck.too_slow],
)
@given(data=st.data())
def test_never_a_server_error(world: World, route: Route, data: st.DataObject) -> None:
    reach = [
        role
        for role, code in zip(ROLES, route.codes.split(), strict=True)
        if int(code.rstrip("*")) not in (302, 401, 403, 404)
    ] or list(ROLES)
    # Mostly someone the page lets in: refusals come before any value is read.
    role = data.draw(st.sampled_from(reach) | st.sampled_from(reach) | st.sampled_from(ROLES))
    scene, applicant = world.main, world.waiting
    who = world.cast(scene, applicant if route.subject == "applicant" else None)[role]
    browser = world.browser(who, fresh=route.own_client)
    path = route.path.format(
        P=GENERAL,
        mentee=scene.mentee_id,
        mentor=scene.mentor_id,
        applicant=applicant.enrollment_id,
        item=world.item_id,
    )
    if route.method == "GET":
        keys = data.draw(
            st.lists(st.sampled_from(QUERY_KEYS), min_size=1, max_size=3), label="keys"
        )
        base, _, given_query = path.partition("?")
        query = MultiDict(parse_qsl(given_query))
        for key in keys:
            query.setlist(key, [data.draw(HOSTILE, label=key)])
        response = browser.get(base, query_string=query)
    else:
        good = route.data(world, scene, applicant, who) if route.data else MultiDict()
        keys = sorted(set(good)) + EXTRA_KEYS
        chosen = data.draw(st.lists(st.sampled_from(keys), min_size=1, max_size=4), label="keys")
        sent = MultiDict(good)
        for key in chosen:
            sent.setlist(key, [data.draw(HOSTILE, label=key)])
        response = browser.post(path, sent)
    assert response.status_code < 500, response.get_data(as_text=True)[:3000]
