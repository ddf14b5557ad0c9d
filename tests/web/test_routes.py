"""Every address of the web contract, for every kind of visitor, with the exact status.

The table reads like the contract: one line per address (and method), one status per
role in the order of ROLES. Towards the main scene's matched mentee, 'mentee' is that
mentee, 'mentor' their mentor, 'supervisor' the mentee's supervisor, 'other' a
coordinator of another program and 'stranger' a signed-in person with no relation.
On lines about the waiting applicant, 'mentee' is the applicant. A status marked `*`
changes records, so that line works on a scene (or applicant) of its own.
"""

from __future__ import annotations

import csv
import io
import re
from collections.abc import Callable
from dataclasses import dataclass, field
from typing import Any
from urllib.parse import urlsplit

import pytest
from sqlalchemy import func, select
from werkzeug.datastructures import MultiDict

from mentorflow.engine.records.store import Base
from tests.support import unique
from tests.web.conftest import (
    GENERAL,
    PASSWORD,
    ROLES,
    Applicant,
    Scene,
    World,
    csrf_token_in,
    field_block,
    form_data,
    redirects_to_login,
)

Data = Callable[[World, Scene, Applicant, Any], MultiDict[str, Any]]


def _data(**values: Any) -> Data:
    return lambda world, scene, applicant, who: MultiDict(values)


def _fresh_account(world: World, scene: Scene, applicant: Applicant, who: Any) -> MultiDict:
    return MultiDict({"name": "Nell Newcomer", "email": unique("new"), "password": PASSWORD})


def _stranger_login(world: World, scene: Scene, applicant: Applicant, who: Any) -> MultiDict:
    return MultiDict({"email": world.stranger.email, "password": PASSWORD})


def _wrong_login(world: World, scene: Scene, applicant: Applicant, who: Any) -> MultiDict:
    return MultiDict({"email": unique("nobody"), "password": "wrong password"})


def _typed_name(world: World, scene: Scene, applicant: Applicant, who: Any) -> MultiDict:
    return MultiDict({"typed_name": who.name if who else ""})


def _application(world: World, scene: Scene, applicant: Applicant, who: Any) -> MultiDict:
    who = who or world.stranger  # an anonymous visitor is sent to sign in first anyway
    answers = world.apply_answers("mentee", who, unique("boss"))
    return form_data(world.program, "mentee_application", answers)


def _bad_application(world: World, scene: Scene, applicant: Applicant, who: Any) -> MultiDict:
    data = _application(world, scene, applicant, who)
    data["name"] = "Typed Name Kept"
    data["employee_id"] = "12AB"
    data["development_goals"] = "Typed goals kept"  # shorter than 50 characters
    return data


def _contract(world: World, scene: Scene, applicant: Applicant, who: Any) -> MultiDict:
    return form_data(world.program, "learning_contract", world.sample("learning_contract"))


def _bad_contract(world: World, scene: Scene, applicant: Applicant, who: Any) -> MultiDict:
    data = _contract(world, scene, applicant, who)
    data["goals-0-goal"] = ""
    data["goals-0-measure"] = "Typed measure kept"
    data["expectations"] = "Typed expectations kept"
    return data


def _answers_to(form_id: str, **changes: Any) -> Data:
    def build(world: World, scene: Scene, applicant: Applicant, who: Any) -> MultiDict:
        data = form_data(world.program, form_id, world.sample(form_id))
        for key, value in changes.items():
            data.pop(key, None)
            if value is not None:
                data[key] = value
        return data

    return build


def _bulk(world: World, scene: Scene, applicant: Applicant, who: Any) -> MultiDict:
    selected = [scene.mentee_id, applicant.enrollment_id]
    return MultiDict({"selected": selected, "transition": "mentee:start"})


def _new_staff(world: World, scene: Scene, applicant: Applicant, who: Any) -> MultiDict:
    return MultiDict({"email": unique("staff"), "name": "Nia New", "program": GENERAL})


def _import_file(good: bool) -> Data:
    """A CSV of one mentee application as the import page takes it: a new person's when
    `good`, else with a column the apply form does not have."""

    def build(world: World, scene: Scene, applicant: Applicant, who: Any) -> MultiDict:
        person = world.people.person(unique("imported"), "Ivy Imported")
        answers = world.apply_answers("mentee", person, unique("boss"))
        if not good:
            answers["shoe_size"] = "42"
        cells = [
            ";".join(v) if isinstance(v, list) else str(v).lower() if isinstance(v, bool) else v
            for v in answers.values()
        ]
        out = io.StringIO()
        csv.writer(out).writerows([list(answers), cells])
        upload = (io.BytesIO(out.getvalue().encode()), "people.csv")
        return MultiDict({"role": "mentee", "file": [upload]})

    return build


@dataclass(frozen=True)
class Route:
    method: str
    path: str
    codes: str  # one status per role, in the order of ROLES; `*`: on records of its own
    data: Data | None = None
    subject: str = "main"  # or "applicant": whose enrollment 'mentee' means
    json: bool = False
    own_client: bool = False  # the request changes who is signed in
    kept: tuple[str, ...] = ()  # on 400: typed values the page must give back
    errors: tuple[str, ...] = ()  # on 400: fields with a problem next to them
    xfail: str | None = None
    extra: dict[str, str] = field(default_factory=dict)


STANDING: dict[str, dict[str, Any]] = {
    "coordinator": {"coordinates": GENERAL},
    "other": {"coordinates": "small-program"},
    "admin": {"admin": True},
    "stranger": {},
}
E = "/p/{P}/enrollments/{mentee}"
A = "/p/{P}/enrollments/{applicant}"
MISSING = "not implemented: web/ has no view for this address of the contract"

TABLE = [
    # ------------------------------------------------------------ public and accounts
    Route("GET", "/", "200 200 200 200 200 200 200 200"),
    Route("GET", "/p/{P}", "200 200 200 200 200 200 200 200"),
    Route("GET", "/p/nope", "404 404 404 404 404 404 404 404"),
    Route("GET", "/register", "200 200 200 200 200 200 200 200"),
    Route("POST", "/register", "303 303 303 303 303 303 303 303", _fresh_account, own_client=True),
    Route(
        "POST",
        "/register",
        "400 400 400 400 400 400 400 400",
        _data(name="Typed Name Kept", email="typed-not-an-email", password="short"),
        kept=("Typed Name Kept", "typed-not-an-email"),
        errors=("email", "password"),
    ),
    Route("GET", "/login", "200 200 200 200 200 200 200 200"),
    Route("POST", "/login", "303 303 303 303 303 303 303 303", _stranger_login, own_client=True),
    Route("POST", "/login", "400 400 400 400 400 400 400 400", _wrong_login),
    Route("POST", "/logout", "302 303 303 303 303 303 303 303", own_client=True),
    Route("GET", "/verify", "200 200 200 200 200 200 200 200"),
    Route("POST", "/verify", "302 303 303 303 303 303 303 303"),
    Route("GET", "/verify/not-a-token", "404 404 404 404 404 404 404 404"),
    Route("POST", "/verify/not-a-token", "404 404 404 404 404 404 404 404"),
    Route("GET", "/invite/not-a-token", "404 404 404 404 404 404 404 404"),
    Route("POST", "/invite/not-a-token", "404 404 404 404 404 404 404 404"),
    Route("GET", "/reset", "200 200 200 200 200 200 200 200"),
    Route("POST", "/reset", "303 303 303 303 303 303 303 303", _data(email="nobody@example.gov")),
    Route(
        "POST",
        "/reset",
        "400 400 400 400 400 400 400 400",
        _data(email="typed-not-an-email"),
        kept=("typed-not-an-email",),
        errors=("email",),
    ),
    Route("GET", "/reset/not-a-token", "404 404 404 404 404 404 404 404"),
    Route("GET", "/account", "302 200 200 200 200 200 200 200"),
    Route("GET", "/session/alive", "401 204 204 204 204 204 204 204"),
    Route(
        "POST",
        "/account/password",
        "302 400 400 400 400 400 400 400",
        _data(current="not my password", password="a long enough new one"),
        errors=("current",),
    ),
    Route("POST", "/account/sessions/999999999/end", "302 404 404 404 404 404 404 404"),
    Route(
        "POST",
        "/account/sessions/99999999999999999999999/end",
        "302 404 404 404 404 404 404 404",
    ),
    Route("GET", "/me/tokens", "302 200 200 200 200 200 200 200"),
    Route(
        "POST",
        "/me/tokens",
        "302 200 200 200 200 200 200 200",
        _data(name="route table", expires_days="7"),
    ),
    Route(
        "POST",
        "/me/tokens",
        "302 400 400 400 400 400 400 400",
        _data(name="Typed Token Name", expires_days="0"),
        kept=("Typed Token Name",),
        errors=("expires_days",),
    ),
    Route("POST", "/me/tokens/999999999/revoke", "302 404 404 404 404 404 404 404"),
    Route(
        "POST",
        "/me/tokens/99999999999999999999999/revoke",
        "302 404 404 404 404 404 404 404",
    ),
    # (POST /account/sign-out-everywhere ends every session of the person, so it is
    # tested in test_identity.py on people of its own.)
    # ------------------------------------------------------------ applying, my enrollments
    Route("GET", "/p/{P}/apply/mentee", "302 200 200 200 200 200 200 200"),
    Route("GET", "/p/{P}/apply/mentor", "302 200 200 200 200 200 200 200"),
    Route("GET", "/p/{P}/apply/nope", "302 404 404 404 404 404 404 404"),
    Route("GET", "/p/nope/apply/mentee", "302 404 404 404 404 404 404 404"),
    Route("POST", "/p/{P}/apply/mentee", "302 409 303* 303* 303* 303* 303* 303*", _application),
    Route(
        "POST",
        "/p/{P}/apply/mentee",
        "302 409 400 400 400 400 400 400",
        _bad_application,
        kept=("Typed Name Kept", "12AB", "Typed goals kept"),
        errors=("employee_id", "development_goals"),
    ),
    Route("GET", "/me", "302 200 200 200 200 200 200 200"),
    # ------------------------------------------------------------ the enrollment page
    Route("GET", E, "302 200 200 200 200 404 200 404"),
    Route("GET", E, "302 200 200 200 200 404 200 404", json=True),
    Route("GET", "/p/{P}/enrollments/{mentor}", "302 200 200 404 200 404 200 404"),
    Route("GET", "/p/{P}/enrollments/{mentor}", "302 200 200 404 200 404 200 404", json=True),
    Route("GET", A, "302 200 404 200 200 404 200 404", subject="applicant"),
    Route("GET", "/p/{P}/enrollments/nope", "302 404 404 404 404 404 404 404"),
    Route("GET", "/p/small-program/enrollments/{mentee}", "302 404 404 404 404 404 404 404"),
    # ------------------------------------------------------------ forms
    Route("GET", E + "/forms/learning_contract", "302 200 200 403 200 404 200 404"),
    Route("POST", E + "/forms/learning_contract", "302 303* 303* 403 303* 404 303* 404", _contract),
    Route(
        "POST",
        E + "/forms/learning_contract",
        "302 400 400 403 400 404 400 404",
        _bad_contract,
        kept=("Typed measure kept", "Typed expectations kept"),
        errors=("goals-0-goal",),
    ),
    Route("GET", E + "/forms/mentee_training", "302 409 403 403 409 404 409 404"),
    Route(
        "POST",
        E + "/forms/mentee_training",
        "302 409 403 403 409 404 409 404",
        _answers_to("mentee_training"),
    ),
    Route("GET", E + "/forms/nope", "302 404 404 404 404 404 404 404"),
    Route("GET", E + "/forms/mentor_training", "302 404 404 404 404 404 404 404"),
    Route(
        "GET",
        A + "/forms/mentee_application",
        "302 200 404 403 200 404 200 404",
        subject="applicant",
    ),
    # ------------------------------------------------------------ signing
    Route(
        "POST",
        E + "/forms/learning_contract/sign",
        "302 303* 303* 303* 403 404 403 404",
        _typed_name,
    ),
    Route(
        "POST",
        E + "/forms/learning_contract/sign",
        "302 400 400 400 403 404 403 404",
        _data(typed_name="Not My Name Typed"),
        kept=("Not My Name Typed",),
        errors=("typed_name",),
    ),
    Route("GET", E + "/forms/learning_contract/pdf", "302 200 200 200 200 404 200 404"),
    # The application is its filler's and the coordinators' to read: not the partner's.
    Route("GET", E + "/forms/mentee_application/pdf", "302 200 404 404 200 404 200 404"),
    Route("GET", E + "/forms/mentee_screening/pdf", "302 404 404 404 404 404 404 404"),
    Route(
        "POST",
        E + "/forms/learning_contract/sign",
        "302 403 403 403 303* 404 303* 404",
        _data(on_behalf_of="supervisor"),
    ),
    Route("POST", E + "/forms/mentee_training/sign", "302 409 409 409 409 404 409 404"),
    # Amending: the main scene's contract carries no signature yet, so there is nothing to
    # reopen (tests/web/test_amendment_pages.py walks the amendments that are allowed).
    Route("POST", E + "/forms/learning_contract/amend", "302 409 409 409 409 404 409 404"),
    # ------------------------------------------------------------ transitions
    Route("GET", E + "/transitions/close_early", "302 200 200 403 200 404 200 404"),
    Route(
        "POST",
        E + "/transitions/close_early",
        "302 303* 303* 403 303* 404 303* 404",
        _answers_to("early_closure"),
    ),
    Route(
        "POST",
        E + "/transitions/close_early",
        "302 400 400 403 400 404 400 404",
        _answers_to("early_closure", initiated_by=None, details="Typed details kept"),
        kept=("Typed details kept",),
        errors=("initiated_by",),
    ),
    Route("GET", E + "/transitions/unmatch", "302 403 403 403 200 404 200 404"),
    Route(
        "POST",
        E + "/transitions/unmatch",
        "302 403 403 403 303* 404 303* 404",
        _answers_to("unmatch_reason"),
    ),
    Route("GET", E + "/transitions/start", "302 409 409 403 409 404 409 404"),
    Route("POST", E + "/transitions/start", "302 409 409 403 409 404 409 404"),
    Route("GET", E + "/transitions/nope", "302 404 404 404 404 404 404 404"),
    Route("GET", A + "/transitions/screen", "302 403 404 403 200 404 200 404", subject="applicant"),
    Route(
        "POST",
        A + "/transitions/screen",
        "302 403 404 403 409 404 409 404",
        _answers_to("mentee_screening"),
        subject="applicant",
    ),
    Route(
        "GET", A + "/transitions/withdraw", "302 200 404 403 200 404 200 404", subject="applicant"
    ),
    Route(
        "POST",
        A + "/transitions/withdraw",
        "302 303* 404 403 303* 404 303* 404",
        subject="applicant",
    ),
    # ------------------------------------------------------------ the coordinator's desk
    Route("GET", "/p/{P}/coordinator", "302 403 403 403 200 403 200 403"),
    Route(
        "GET",
        "/p/{P}/coordinator?role=mentee&state=matched&q=mina",
        "302 403 403 403 200 403 200 403",
    ),
    Route("GET", "/p/nope/coordinator", "302 404 404 404 404 404 404 404"),
    Route("POST", "/p/{P}/coordinator/bulk", "302 403 403 403 200 403 200 403", _bulk),
    Route("POST", "/p/{P}/coordinator/items/{item}/resolve", "302 403 403 403 303 403 303 403"),
    Route("POST", "/p/{P}/coordinator/items/nope/resolve", "302 403 403 403 404 403 404 403"),
    Route(
        "POST",
        "/p/small-program/coordinator/items/{item}/resolve",
        "302 403 403 403 403 404 404 403",
    ),
    Route(
        "POST",
        E + "/match",
        "302 403 403 403 409 403 409 403",
        lambda world, scene, applicant, who: MultiDict({"mentor_id": scene.mentor_id}),
    ),
    # Legal hold: the program's staff place one (on an enrollment of its own) and lift it.
    Route("POST", E + "/hold", "302 403 403 403 303* 403 303* 403", _data(reason="Audit 14")),
    Route("POST", E + "/hold", "302 403 403 403 400 403 400 403", _data(reason=" ")),
    Route("POST", E + "/hold/lift", "302 403 403 403 409 403 409 403"),
    Route("POST", "/p/small-program/enrollments/{mentee}/hold", "302 404 404 404 404 404 404 404"),
    # A person's records: their own for anyone signed in; anyone's for admins.
    Route("GET", "/me/export", "302 200 200 200 200 200 200 200"),
    Route(
        "GET", "/admin/people/export?email=nobody@example.gov", "302 403 403 403 403 403 404 403"
    ),
    Route(
        "POST",
        "/admin/people/erase",
        "302 403 403 403 403 403 404 403",
        _data(email="nobody@example.gov"),
    ),
    Route("GET", "/p/{P}/matching", "302 403 403 403 200 403 200 403"),
    Route("POST", "/p/{P}/matching", "302 403 403 403 200 403 200 403"),
    Route("GET", "/p/{P}/reports", "302 403 403 403 200 403 200 403"),
    Route("GET", "/p/{P}/reports.csv", "302 403 403 403 200 403 200 403"),
    # The forms table: open to anyone signed in, each seeing only the rows they may read.
    Route("GET", "/p/{P}/forms/learning_contract/answers", "302 200 200 200 200 200 200 200"),
    Route("GET", "/p/{P}/forms/learning_contract/answers.csv", "302 200 200 200 200 200 200 200"),
    Route("GET", "/p/{P}/forms/nope/answers", "302 404 404 404 404 404 404 404"),
    Route("GET", "/p/{P}/import", "302 403 403 403 200 403 200 403"),
    Route("GET", "/p/{P}/import/mentee/template.csv", "302 403 403 403 200 403 200 403"),
    Route("GET", "/p/{P}/import/nope/template.csv", "302 403 403 403 404 403 404 403"),
    Route("POST", "/p/{P}/import", "302 403 403 403 303* 403 303* 403", _import_file(True)),
    Route("POST", "/p/{P}/import", "302 403 403 403 400 403 400 403", _import_file(False)),
    # ------------------------------------------------------------ admin
    Route("GET", "/admin", "302 403 403 403 403 403 200 403"),
    Route("POST", "/admin", "302 403 403 403 403 403 200 403", _new_staff),
    Route(
        "POST",
        "/admin",
        "302 403 403 403 403 403 400 403",
        _data(email="typed-not-an-email", name="Typed Staff Name", program=GENERAL),
        kept=("typed-not-an-email", "Typed Staff Name"),
        errors=("email",),
    ),
    Route(
        "POST",
        "/admin/sign-out-everywhere",
        "302 403 403 403 403 403 400 403",
        _data(**{"signout-email": "nobody.at.all@example.gov"}),
        kept=("nobody.at.all@example.gov",),
        errors=("signout-email",),
    ),
    Route("GET", "/admin/access", "302 403 403 403 403 403 200 403"),
    Route(
        "GET", "/admin/access?email=nobody.at.all@example.gov", "302 403 403 403 403 403 404 403"
    ),
    Route("GET", "/admin/people/nope/access", "302 403 403 403 403 403 404 403"),
    Route("GET", "/me/access", "302 200 200 200 200 200 200 200"),
    # Webhooks: admins only. An address nothing listens on (the discard port), so the
    # sending after every later POST of this module fails at once, never reaching out.
    Route("GET", "/admin/webhooks", "302 403 403 403 403 403 200 403"),
    Route(
        "POST",
        "/admin/webhooks",
        "302 403 403 403 403 403 200* 403",
        _data(url="http://127.0.0.1:9/hooks", program=GENERAL, events="closure"),
    ),
    Route(
        "POST",
        "/admin/webhooks",
        "302 403 403 403 403 403 400 403",
        _data(url="ftp://typed.example.gov/kept", program=GENERAL),
        kept=("ftp://typed.example.gov/kept",),
        errors=("url",),
    ),
    Route("GET", "/admin/webhooks/999999", "302 403 403 403 403 403 404 403"),
    Route("POST", "/admin/webhooks/999999/test", "302 403 403 403 403 403 404 403"),
    Route("POST", "/admin/webhooks/999999/remove", "302 403 403 403 403 403 404 403"),
    Route("POST", "/admin/webhooks/deliveries/999999/resend", "302 403 403 403 403 403 404 403"),
]


def row_counts(workflow: Any) -> dict[str, int]:
    """How many rows each table holds: a GET must leave every count as it found it, but
    for the access log, where reading someone's records is written down by design."""
    with workflow.db.engine.connect() as connection:
        return {
            name: connection.execute(select(func.count()).select_from(table)).scalar_one()
            for name, table in Base.metadata.tables.items()
            if name != "access_log"
        }


def _cases() -> list[Any]:
    cases = []
    for number, route in enumerate(TABLE):
        codes = route.codes.split()
        assert len(codes) == len(ROLES), route
        for role, code in zip(ROLES, codes, strict=True):
            fresh = code.endswith("*")
            status = int(code.rstrip("*"))
            tag = " json" if route.json else ""
            ident = f"{number:02d} {route.method} {route.path}{tag} as {role} -> {status}"
            marks = [pytest.mark.xfail(strict=True, reason=route.xfail)] if route.xfail else []
            cases.append(pytest.param(route, role, status, fresh, id=ident, marks=marks))
    return cases


@pytest.mark.parametrize(("route", "role", "status", "fresh"), _cases())
def test_route(world: World, route: Route, role: str, status: int, fresh: bool) -> None:
    scene, applicant = world.main, world.waiting
    mine = role in ("mentee", "mentor", "supervisor") or "{mentee}" in route.path
    if fresh and route.subject == "applicant":
        applicant = world.applicant()
    elif fresh and mine:  # records of its own (staff applying need none)
        scene = world.scene()
    who = world.cast(scene, applicant if route.subject == "applicant" else None)[role]
    if fresh and role in STANDING:  # someone new of the same standing, left as found
        who = world.people.person(unique(role), f"New {role.title()}", **STANDING[role])
    browser = world.browser(who, fresh=route.own_client)
    path = route.path.format(
        P=GENERAL,
        mentee=scene.mentee_id,
        mentor=scene.mentor_id,
        applicant=applicant.enrollment_id,
        item=world.item_id,
    )
    if route.method == "GET":
        before = row_counts(world.workflow)
        response = browser.json(path) if route.json else browser.get(path)
        assert row_counts(world.workflow) == before, "a GET wrote to the database"
    else:
        data = route.data(world, scene, applicant, who) if route.data else None
        response = browser.post(path, data)
    pdf = response.mimetype == "application/pdf"
    page = "" if pdf or response.mimetype == "application/zip" else response.get_data(as_text=True)
    assert response.status_code == status, page[:2000]
    assert pdf == (status == 200 and path.endswith("/pdf")), response.mimetype

    if status == 302:
        assert redirects_to_login(response)
    if status == 303 and "/enrollments/" in route.path:
        target = urlsplit(response.location).path
        assert re.fullmatch(rf"/p/{GENERAL}/enrollments/\w+", target), target
        if route.subject == "applicant" or "/apply/" not in route.path:
            expected = applicant.enrollment_id if route.subject == "applicant" else None
            assert target.rsplit("/", 1)[-1] == (expected or scene.mentee_id)
    if route.json and status == 200:
        assert response.is_json
    elif (
        who is not None
        and status not in (204, 302, 303)  # 204: no page at all
        and not route.json
        and "csv" not in path
        and not pdf  # a document, not a page
        and response.mimetype != "application/zip"  # a person's records, not a page
    ):
        # Every page served to a signed-in person, refusals too, carries the token.
        assert csrf_token_in(page), "no csrf_token on a page served to a signed-in person"
    if status == 400:
        for typed in route.kept:
            assert typed in page, f"{typed!r} was not given back"
        for key in route.errors:
            block = field_block(page, key)
            assert f'name="{key}"' in block, f"the problem with {key} is not next to it"
