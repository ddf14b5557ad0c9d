"""Every API route, for every kind of caller, with the exact status.

The API's counterpart of tests/web/test_routes.py, read the same way: one line per route
(and body), one status per role in the order of ROLES; 'anonymous' sends no token. A
status marked `*` changes records, so that line works on a scene (or applicant) of its
own. A GET must write nothing; every answer that is not a success is problem details.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from typing import Any

import pytest

from mentorflow.engine.service.workflow import Workflow
from tests.support import unique
from tests.web.api.conftest import api_client
from tests.web.conftest import GENERAL, ROLES, Applicant, Scene, World
from tests.web.test_routes import STANDING, row_counts

Body = Callable[[World, Scene, Applicant, Any], Any]


def version(workflow: Workflow, enrollment_id: str, world: World) -> int:
    return workflow.enrollment_page(None, enrollment_id, world.coordinator).view.enrollment.version


def _with(subject: str = "main", stale: bool = False, **fields: Any) -> Body:
    """A write's body: the subject's current version (one behind when `stale`) and the
    fields, each a value or a function of the world."""

    def build(world: World, scene: Scene, applicant: Applicant, who: Any) -> Any:
        target = applicant.enrollment_id if subject == "applicant" else scene.mentee_id
        body = {"version": version(world.workflow, target, world) - (1 if stale else 0)}
        for key, value in fields.items():
            body[key] = value(world, who) if callable(value) else value
        return body

    return build


def _sample(form_id: str, **changes: Any) -> Callable[[World, Any], Any]:
    def answers(world: World, who: Any) -> Any:
        found = {**world.sample(form_id), **changes}
        return {k: v for k, v in found.items() if v is not None}

    return answers


def _name(world: World, who: Any) -> str:
    return who.name if who else ""


def _applications(good: bool) -> Body:
    def build(world: World, scene: Scene, applicant: Applicant, who: Any) -> Any:
        person = world.people.person(unique("imported"), "Ivy Imported")
        answers = world.apply_answers("mentee", person, unique("boss"))
        if not good:
            answers["shoe_size"] = "42"
        rows = [{k: v.isoformat() if hasattr(v, "isoformat") else v for k, v in answers.items()}]
        return {"role": "mentee", "rows": rows}

    return build


@dataclass(frozen=True)
class Route:
    method: str
    path: str
    codes: str  # one status per role, in the order of ROLES; `*`: on records of its own
    body: Body | None = None
    subject: str = "main"  # or "applicant": whose enrollment 'mentee' means


E = "/enrollments/{mentee}"
A = "/enrollments/{applicant}"
P = "/programs/{P}"

TABLE = [
    # ------------------------------------------------------------ programs
    Route("GET", "/programs", "401 200 200 200 200 200 200 200"),
    Route("GET", P, "401 200 200 200 200 200 200 200"),
    Route("GET", "/programs/nope", "401 404 404 404 404 404 404 404"),
    # ------------------------------------------------------------ enrollments
    Route("GET", P + "/enrollments", "401 403 403 403 200 403 200 403"),
    Route(
        "GET",
        P + "/enrollments?role=mentee&state=matched&text=mina&limit=5",
        "401 403 403 403 200 403 200 403",
    ),
    Route("GET", P + "/enrollments?state=nope", "401 403 403 403 400 403 400 403"),
    Route("GET", P + "/enrollments?cursor=not-ours", "401 400 400 400 400 400 400 400"),
    Route("GET", P + "/enrollments?limit=0", "401 400 400 400 400 400 400 400"),
    Route("GET", "/programs/nope/enrollments", "401 404 404 404 404 404 404 404"),
    Route("GET", "/programs/small-program/enrollments", "401 403 403 403 403 200 200 403"),
    Route("GET", E, "401 200 200 200 200 404 200 404"),
    Route("GET", "/enrollments/{mentor}", "401 200 200 404 200 404 200 404"),
    Route("GET", A, "401 200 404 200 200 404 200 404", subject="applicant"),
    Route("GET", "/enrollments/nope", "401 404 404 404 404 404 404 404"),
    # ------------------------------------------------------------ forms
    Route(
        "POST",
        E + "/forms/learning_contract",
        "401 200* 200* 403 200* 404 200* 404",
        _with(answers=_sample("learning_contract")),
    ),
    Route(
        "POST",
        E + "/forms/learning_contract",
        "401 422 422 403 422 404 422 404",
        _with(answers=_sample("learning_contract", goals=[])),
    ),
    Route(
        "POST",
        E + "/forms/learning_contract",
        "401 409 409 403 409 404 409 404",
        _with(stale=True, answers=_sample("learning_contract")),
    ),
    Route(
        "POST",
        E + "/forms/learning_contract",
        "401 400 400 400 400 400 400 400",
        lambda *a: {"answers": {}},
    ),
    Route(
        "POST",
        E + "/forms/mentee_training",
        "401 409 403 403 409 404 409 404",
        _with(answers=_sample("mentee_training")),
    ),
    Route("POST", E + "/forms/nope", "401 404 404 404 404 404 404 404", _with(answers={})),
    # ------------------------------------------------------------ signing
    Route(
        "POST",
        E + "/forms/learning_contract/sign",
        "401 200* 200* 200* 403 404 403 404",
        _with(typed_name=_name),
    ),
    Route(
        "POST",
        E + "/forms/learning_contract/sign",
        "401 422 422 422 403 404 403 404",
        _with(typed_name="Not My Name Typed"),
    ),
    Route(
        "POST",
        E + "/forms/learning_contract/sign",
        "401 409 409 409 409 404 409 404",
        _with(stale=True, typed_name=_name),
    ),
    Route("POST", E + "/forms/mentee_training/sign", "401 409 409 409 409 404 409 404", _with()),
    # ------------------------------------------------------------ transitions
    Route(
        "POST",
        E + "/transitions/close_early",
        "401 200* 200* 403 200* 404 200* 404",
        _with(answers=_sample("early_closure")),
    ),
    Route(
        "POST",
        E + "/transitions/close_early",
        "401 422 422 403 422 404 422 404",
        _with(answers=_sample("early_closure", initiated_by=None)),
    ),
    Route(
        "POST",
        E + "/transitions/close_early",
        "401 409 409 403 409 404 409 404",
        _with(stale=True, answers=_sample("early_closure")),
    ),
    Route(
        "POST",
        E + "/transitions/unmatch",
        "401 403 403 403 200* 404 200* 404",
        _with(answers=_sample("unmatch_reason")),
    ),
    Route("POST", E + "/transitions/start", "401 409 409 403 409 404 409 404", _with()),
    Route("POST", E + "/transitions/nope", "401 404 404 404 404 404 404 404", _with()),
    Route(
        "POST",
        A + "/transitions/screen",
        "401 403 404 403 409 404 409 404",
        _with("applicant", answers=_sample("mentee_screening")),
        subject="applicant",
    ),
    Route(
        "POST",
        A + "/transitions/withdraw",
        "401 200* 404 403 200* 404 200* 404",
        _with("applicant"),
        subject="applicant",
    ),
    # ------------------------------------------------------------ staff
    Route("POST", P + "/applications", "401 403 403 403 201* 403 201* 403", _applications(True)),
    Route("POST", P + "/applications", "401 403 403 403 422 403 422 403", _applications(False)),
    Route(
        "POST",
        "/programs/nope/applications",
        "401 404 404 404 404 404 404 404",
        _applications(True),
    ),
    Route("GET", P + "/desk", "401 403 403 403 200 403 200 403"),
    Route("GET", "/programs/small-program/desk", "401 403 403 403 403 200 200 403"),
    Route("GET", "/programs/nope/desk", "401 404 404 404 404 404 404 404"),
    Route("GET", P + "/matching/proposals", "401 403 403 403 200 403 200 403"),
    Route(
        "POST", P + "/matching/confirm", "401 403 403 403 200 403 200 403", lambda *a: {"pairs": []}
    ),
    Route(
        "POST",
        P + "/matching/confirm",
        "401 403 403 403 409 403 409 403",
        lambda *a: {"digest": "stale"},
    ),
    Route("GET", P + "/reports", "401 403 403 403 200 403 200 403"),
    Route("GET", P + "/reports?cohort=2026-Q5", "401 403 403 403 400 403 400 403"),
    Route("GET", P + "/reports?cohort=0000-Q1", "401 403 403 403 400 403 400 403"),
    Route("GET", P + "/events", "401 403 403 403 200 403 200 403"),
    Route("GET", P + "/events?after=3&limit=2", "401 403 403 403 200 403 200 403"),
    Route("GET", P + "/events?limit=501", "401 400 400 400 400 400 400 400"),
    Route("GET", "/programs/small-program/events", "401 403 403 403 403 200 200 403"),
    Route("GET", "/programs/nope/events", "401 404 404 404 404 404 404 404"),
    # ------------------------------------------------------------ no route
    Route("GET", "/nope", "404 404 404 404 404 404 404 404"),
    Route("POST", "/programs", "405 405 405 405 405 405 405 405", lambda *a: {}),
]


def _cases() -> list[Any]:
    cases = []
    for number, route in enumerate(TABLE):
        codes = route.codes.split()
        assert len(codes) == len(ROLES), route
        for role, code in zip(ROLES, codes, strict=True):
            fresh = code.endswith("*")
            status = int(code.rstrip("*"))
            ident = f"{number:02d} {route.method} {route.path} as {role} -> {status}"
            cases.append(pytest.param(route, role, status, fresh, id=ident))
    return cases


@pytest.mark.parametrize(("route", "role", "status", "fresh"), _cases())
def test_api_route(world: World, route: Route, role: str, status: int, fresh: bool) -> None:
    scene, applicant = world.main, world.waiting
    mine = role in ("mentee", "mentor", "supervisor") or "{mentee}" in route.path
    if fresh and route.subject == "applicant":
        applicant = world.applicant()
    elif fresh and mine:
        scene = world.scene()
    who = world.cast(scene, applicant if route.subject == "applicant" else None)[role]
    if fresh and role in STANDING:  # someone new of the same standing
        who = world.people.person(unique(role), f"New {role.title()}", **STANDING[role])
    client = api_client(world, who)
    path = route.path.format(
        P=GENERAL, mentee=scene.mentee_id, mentor=scene.mentor_id, applicant=applicant.enrollment_id
    )
    if route.method == "GET":
        before = row_counts(world.workflow)
        response = client.get(path)
        assert row_counts(world.workflow) == before, "a GET wrote to the database"
    else:
        body = route.body(world, scene, applicant, who) if route.body else None
        response = client.post(path, json=body)
    assert response.status_code == status, response.get_data(as_text=True)[:2000]
    if status >= 400:
        assert response.mimetype == "application/problem+json"
        problem = response.get_json()
        assert problem["status"] == status and problem["detail"]
        if status == 401:
            assert response.headers["WWW-Authenticate"].startswith("Bearer")
    else:
        assert response.mimetype == "application/json"


# What each viewer of the main mentee's enrollment reads through the API: the application's
# goals are the filler's and the coordinators' (visible_to: [filler, coordinator]), the
# screening notes (the `screen` step's ask form) the coordinators' only.
READS = {
    "mentee": {"goals"},
    "mentor": set(),
    "supervisor": set(),
    "coordinator": {"goals", "screening"},
    "admin": {"goals", "screening"},
}


@pytest.mark.parametrize(("role", "reads"), READS.items())
def test_an_enrollment_shows_only_the_answers_its_reader_may_read(
    world: World, role: str, reads: set[str]
) -> None:
    who = world.cast(world.main)[role]
    response = api_client(world, who).get(f"/enrollments/{world.main.mentee_id}")
    assert response.status_code == 200
    text = response.get_data(as_text=True)
    shown = {name for name, secret in world.main.secrets.items() if secret in text}
    assert shown == reads
