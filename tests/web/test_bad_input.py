"""Bad input is answered in words, never with a 500 (issue 11, finding 5).

Each line of the table is one value the attack sent: too long for its column, holding
NUL or another control character, a query parameter that is not what it should be, a
malformed group-entry key. Every one is refused (400) or answered as any other wrong
value would be, on SQLite and PostgreSQL alike, and nothing of it is stored.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from typing import Any

import pytest
from sqlalchemy import func, select
from werkzeug.datastructures import MultiDict

from mentorflow.engine.records.store import Person
from tests.support import unique
from tests.web.conftest import GENERAL, PASSWORD, World, form_data

E = "/p/{P}/enrollments/{mentee}"
LONG_NAME = "N" * 201
LONG_EMAIL = "a" * 310 + "@example.gov"  # 322 characters


def _contract(world: World, **changes: str) -> MultiDict[str, Any]:
    data = form_data(world.program, "learning_contract", world.sample("learning_contract"))
    for key, value in changes.items():
        data[key] = value
    return data


@dataclass(frozen=True)
class Case:
    who: str  # anonymous, mentee, coordinator, admin
    method: str
    path: str
    data: Callable[[World], MultiDict[str, Any]] | None = None
    status: int = 400
    says: str = ""  # words the answer must hold


def _register(name: str, email: str | None = None) -> Callable[[World], MultiDict[str, Any]]:
    return lambda world: MultiDict(
        {"name": name, "email": email or unique("bad.name"), "password": PASSWORD}
    )


def _login(email: str) -> Callable[[World], MultiDict[str, Any]]:
    return lambda world: MultiDict({"email": email, "password": PASSWORD})


def _staff(name: str, email: str | None = None) -> Callable[[World], MultiDict[str, Any]]:
    return lambda world: MultiDict(
        {"email": email or unique("bad.staff"), "name": name, "program": GENERAL}
    )


CASES = {
    "registration name over 200": Case(
        "anonymous", "POST", "/register", _register(LONG_NAME), says="at most 200"
    ),
    "registration name with NUL": Case(
        "anonymous", "POST", "/register", _register("Nul\x00Name"), says="control"
    ),
    "registration name with a line break": Case(
        "anonymous", "POST", "/register", _register("Carl\r\nBcc: x@evil.example"), says="control"
    ),
    "registration e-mail over 320": Case(
        "anonymous", "POST", "/register", _register("Long Mail", LONG_EMAIL)
    ),
    "registration e-mail with NUL": Case(
        "anonymous", "POST", "/register", _register("Nul Mail", "nul\x00@example.gov")
    ),
    "sign-in e-mail over 320": Case(
        "anonymous", "POST", "/login", _login(LONG_EMAIL), says="do not match"
    ),
    "sign-in e-mail with NUL": Case(
        "anonymous", "POST", "/login", _login("nul\x00@example.gov"), says="do not match"
    ),
    "reset e-mail with NUL": Case(
        "anonymous", "POST", "/reset", lambda w: MultiDict({"email": "nul\x00@example.gov"})
    ),
    "admin name over 200": Case("admin", "POST", "/admin", _staff(LONG_NAME), says="at most 200"),
    "admin name with NUL": Case("admin", "POST", "/admin", _staff("Nul\x00Staff"), says="control"),
    "admin e-mail with NUL": Case("admin", "POST", "/admin", _staff("Nia", "nul\x00@example.gov")),
    "admin sign-out e-mail with NUL": Case(
        "admin",
        "POST",
        "/admin/sign-out-everywhere",
        lambda w: MultiDict({"signout-email": "nul\x00@example.gov"}),
    ),
    "desk q with NUL": Case("coordinator", "GET", "/p/{P}/coordinator?q=mi%00na", says="search"),
    "desk q too long": Case("coordinator", "GET", "/p/{P}/coordinator?q=" + "m" * 201),
    "desk role unknown": Case("coordinator", "GET", "/p/{P}/coordinator?role=x", says="role"),
    "desk state unknown": Case("coordinator", "GET", "/p/{P}/coordinator?state=nope", says="state"),
    "reports to far away": Case(
        "coordinator", "GET", "/p/{P}/reports?to=9999-12-31", says="2999-12-31"
    ),
    "reports from far back": Case(
        "coordinator", "GET", "/p/{P}/reports?from=0001-01-01", says="1900-01-01"
    ),
    "reports.csv to far away": Case(
        "coordinator", "GET", "/p/{P}/reports.csv?to=9999-12-31", says="2999-12-31"
    ),
    "form version superscript": Case(
        "mentee",
        "POST",
        E + "/forms/learning_contract",
        lambda w: _contract(w, version="²"),
        says="version",
    ),
    "form version 5000 digits": Case(
        "mentee",
        "POST",
        E + "/forms/learning_contract",
        lambda w: _contract(w, version="9" * 5000),
        says="version",
    ),
    "match version superscript": Case(
        "coordinator",
        "POST",
        E + "/match",
        lambda w: MultiDict({"mentor_id": w.main.mentor_id, "version": "²"}),
        says="version",
    ),
}

for key in ("goals-", "goals-x", "goals--1", "goals-²", "goals-9999999", "-0", "nope-0", "\x00"):
    CASES[f"remove entry {key!r}"] = Case(
        "mentee",
        "POST",
        E + "/forms/learning_contract",
        lambda w, key=key: _contract(w, _remove_entry=key),  # type: ignore[misc]
        says="entry",
    )
for key in ("goals-0", "nope", "expectations", "\x00", "g" * 300):
    CASES[f"add entry {key!r}"] = Case(
        "mentee",
        "POST",
        E + "/forms/learning_contract",
        lambda w, key=key: _contract(w, _add_entry=key),  # type: ignore[misc]
        says="entry",
    )


def _people(world: World) -> int:
    with world.workflow.db.session() as session:
        return session.scalar(select(func.count()).select_from(Person)) or 0


@pytest.mark.parametrize("case", CASES.values(), ids=list(CASES))
def test_bad_input_is_refused_in_words(world: World, case: Case) -> None:
    who = {
        "anonymous": None,
        "mentee": world.main.mentee,
        "coordinator": world.coordinator,
        "admin": world.admin,
    }[case.who]
    browser = world.browser(who, fresh=case.who == "anonymous")
    path = case.path.format(P=GENERAL, mentee=world.main.mentee_id)
    before = _people(world)
    if case.method == "GET":
        response = browser.get(path)
    else:
        response = browser.post(path, case.data(world) if case.data else None)
    page = response.get_data(as_text=True)
    assert response.status_code == case.status, page[:3000]
    assert case.says.lower() in page.lower(), page[:3000]
    assert _people(world) == before, "a refused value made a person"


def test_a_good_entry_key_still_adds_and_removes(world: World) -> None:
    browser = world.browser(world.main.mentee)
    path = E.format(P=GENERAL, mentee=world.main.mentee_id) + "/forms/learning_contract"
    added = browser.post(path, _contract(world, _add_entry="goals"))
    assert added.status_code == 200
    assert 'name="goals-1-goal"' in added.get_data(as_text=True)
    removed = browser.post(path, _contract(world, _remove_entry="goals-0"))
    assert removed.status_code == 200
    assert 'name="goals-0-goal"' in removed.get_data(as_text=True)
